#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/<target>/: small valid records in
every format and layout the readers accept, plus a few bad ones, in each target's input encoding
(see tests/fuzz/*.cpp). Seeds must not crash: scripts/fuzz-smoke starts from them.

Usage: /usr/bin/python3 scripts/reference/make_fuzz_seeds.py   (rewrites tests/fuzz/corpus/)
"""
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_bad_inputs import LEADS12, ann_aux, ann_word, ecg_like, flac_stream, fmt16, fmt212  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ROOT = os.path.join(REPO, "tests", "fuzz", "corpus")
SEP = b"\n--file--\n"  # tests/fuzz/fuzz_support.h kSeparator


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode("latin-1") if isinstance(data, str) else data)


def frames(columns):
    return [v for frame in zip(*columns) for v in frame]


def encode(fmt, columns):
    """Signal file bytes of frame-interleaved columns (one sample per frame) in WFDB format `fmt`."""
    flat = frames(columns)
    if fmt == 16:
        return fmt16(columns)
    if fmt == 61:
        return struct.pack(">%dh" % len(flat), *flat)
    if fmt == 80:
        return bytes((v + 128) & 0xFF for v in flat)
    if fmt == 160:
        return struct.pack("<%dH" % len(flat), *((v + 32768) & 0xFFFF for v in flat))
    if fmt == 24:
        return b"".join(struct.pack("<i", v)[:3] for v in flat)
    if fmt == 32:
        return struct.pack("<%di" % len(flat), *flat)
    if fmt == 212:
        return fmt212(columns)
    if fmt == 8:  # first differences per signal, starting from the initial value 0
        prev = [0] * len(columns)
        out = bytearray()
        for frame in zip(*columns):
            for s, v in enumerate(frame):
                d = max(-128, min(127, v - prev[s]))
                prev[s] += d
                out.append(d & 0xFF)
        return bytes(out)
    if fmt == 311:
        flat += [0] * (-len(flat) % 3)
        return b"".join(struct.pack("<I", (a & 0x3FF) | ((b & 0x3FF) << 10) | ((c & 0x3FF) << 20))
                        for a, b, c in zip(flat[0::3], flat[1::3], flat[2::3]))
    if fmt == 310:
        flat += [0] * (-len(flat) % 3)
        out = b""
        for a, b, c in zip(flat[0::3], flat[1::3], flat[2::3]):
            a, b, c = a & 0x3FF, b & 0x3FF, c & 0x3FF
            w0 = (a << 1) | ((c & 0x1F) << 11)
            w1 = (b << 1) | ((c >> 5) << 11)
            out += struct.pack("<HH", w0, w1)
        return out
    raise ValueError(fmt)


def small_columns(n, nsig, fs=360, scale=1.0):
    return [[int(v * scale) for v in ecg_like(n, fs, k)] for k in range(nsig)]


def header_seeds():
    t = "fuzz_wfdb_header"
    put(t, "single", "rec 2 360 1000\nrec.dat 212 200 11 1024 995 -22131 0 MLII\nrec.dat 212 200 11 1024 1011 20052 0 V5\n")
    put(t, "all-fields", "rec 3 500/1000(5) 5000 10:22:05.250 01/02/2020\n"
        "rec.mat 16x2:3+24 1000.0(-5)/uV 16 0 50 -29042 0 I\n"
        "rec.mat 16x1+24 1.052e+04/mV 12 4 165 -1270 512 II\n"
        "~ 0 200 16 0 0 0 0\n# Age: 78\n#Sex: F\n")
    put(t, "no-length", "rec 1 250\nrec.dat 80\n")
    put(t, "minimal", "rec 0\n")
    put(t, "comments-blank", "# leading comment\n\nrec 1 100 10\n\n# between\nrec.dat 16 200 16 0 0 0 0 II\n")
    put(t, "multi-segment", "rec/3 2 360 3000\nseg1 1000\n~ 1000\nseg2 1000\n")
    put(t, "multi-segment-layout", "rec/2 2 360 2000\nrec_layout 0\nseg1 2000\n")
    put(t, "crlf", "rec 1 100 10\r\nrec.dat 16 200 16 0 0 0 0 II\r\n")
    put(t, "bad-fs", "rec 1 0 10\nrec.dat 16 200 16 0 0 0 0 II\n")
    put(t, "bad-gain", "rec 1 100 10\nrec.dat 16 abc/mV 16 0 0 0 0 II\n")
    # The PhysioNet/CinC Challenge 2020/2021 forms: date first with a month name, record named after its .mat.
    put(t, "cinc-date-first", "A0689 2 500 5000 12-May-2020 12:33:59\nA0689.mat 16+24 1000/mV 16 0 -254 21756 0 I\n"
        "A0689.mat 16+24 1000/mV 16 0 12 -3301 0 II\n# Age: 53\n# Dx: 426783006\n")
    put(t, "cinc-record-name-extension", "E07520.mat 1 500 5000 05-May-2020 09:49:17\n"
        "E07520.mat 16+24 1000/mV 16 0 -254 21756 0 I\n")


def record_seeds():
    t = "fuzz_wfdb_record"
    for fmt in (8, 16, 24, 32, 61, 80, 160, 212, 310, 311):
        cols = small_columns(30, 3, scale=0.5 if fmt in (8, 80, 310, 311) else 1.0)
        if fmt == 80:
            cols = [[max(-128, min(127, v // 4)) for v in c] for c in cols]
        hea = "r 3 360 30\n" + "".join("r.dat %d 200 12 0 0 0 0 S%d\n" % (fmt, k) for k in range(3))
        put(t, "format-%d" % fmt, hea.encode() + SEP + encode(fmt, cols))
    cols = small_columns(20, 2)
    put(t, "frames-skew-offset", b"r 2 360 10\nr.dat 16x2+4 200 16 0 0 0 0 A\nr.dat 16x2:1+4 200 16 0 0 0 0 B\n"
        + SEP + b"\0\0\0\0" + fmt16(cols))
    put(t, "two-files", b"r 2 360 20\na.dat 16 200 16 0 0 0 0 A\nb.dat 212 200 12 0 0 0 0 B\n"
        + SEP + fmt16(cols[:1]) + SEP + fmt212(cols[1:]))
    put(t, "multi-segment", b"m/3 1 360 40\ns1 20\n~ 5\ns2 15\n"
        + SEP + b"s1 1 360 20\ns1.dat 16 200 16 0 0 0 0 II\n" + SEP + fmt16(small_columns(20, 1))
        + SEP + b"s2 1 360 15\ns2.dat 16 200 16 0 0 0 0 II\n" + SEP + fmt16(small_columns(15, 1)))
    put(t, "multi-segment-layout", b"m/2 2 360 20\nm_layout 0\ns1 20\n"
        + SEP + b"m_layout 2 360 0\n~ 0 200 16 0 0 0 0 II\n~ 0 200 16 0 0 0 0 V1\n"
        + SEP + b"s1 1 360 20\ns1.dat 16 200 16 0 0 0 0 V1\n" + SEP + fmt16(small_columns(20, 1)))
    # FLAC formats: one stream per file, one channel per signal (3 samples per frame in the 516 file).
    for fmt in (508, 516, 524):
        bits = fmt - 500
        cols = [[v * (1 << (bits - 8)) // 2 for v in c] for c in small_columns(30, 2, fs=40)]
        cols = [[max(-(1 << (bits - 1)), min((1 << (bits - 1)) - 1, v)) for v in c] for c in cols]
        hea = "r 2 360 30\n" + "".join("r.dat %d 200 %d 0 0 0 0 S%d\n" % (fmt, bits, k) for k in range(2))
        put(t, "format-%d" % fmt, hea.encode() + SEP + flac_stream(cols, bits, blocksize=16))
    fast = small_columns(60, 2, fs=40)
    put(t, "flac-two-files-frames", b"r 3 360 20\na.dat 516x3 200 16 0 0 0 0 A\na.dat 516x3 200 16 0 0 0 0 B\n"
        b"b.dat 508:2 200 8 0 0 0 0 C\n" + SEP + flac_stream(fast, 16, blocksize=16)
        + SEP + flac_stream([[max(-127, min(127, v // 4)) for v in fast[0][:20]]], 8, blocksize=16))
    put(t, "checksum", b"r 1 360 4\nr.dat 16 200 16 0 1 10 0 II\n" + SEP + struct.pack("<4h", 1, 2, 3, 4))
    put(t, "truncated", b"r 2 360 100\nr.dat 16 200 16 0 0 0 0 A\nr.dat 16 200 16 0 0 0 0 B\n" + SEP + b"\1\2\3")
    put(t, "missing-file", b"r 1 360 10\nr.dat 16 200 16 0 0 0 0 II\n")


def signal_seeds():
    t = "fuzz_wfdb_signal"
    # byte 0: format index in kFormats (8 16 24 32 61 80 160 212 310 311 0 508 ...), byte 1: signals-1,
    # byte 2: spf-1 | mixed<<2 | skew<<3 | two files<<5 | expand<<6, byte 3: offset, 4: length mode, 5.
    for idx, fmt in enumerate((8, 16, 24, 32, 61, 80, 160, 212, 310, 311)):
        cols = small_columns(24, 2, scale=0.5)
        if fmt == 80:
            cols = [[max(-128, min(127, v // 4)) for v in c] for c in cols]
        put(t, "format-%d" % fmt, bytes([idx, 1, 0, 0, 1, 0]) + encode(fmt, cols))
        put(t, "format-%d-frames-skew" % fmt, bytes([idx, 2, 1 | 4 | 8 | 64, 3, 0, 0]) + encode(fmt, small_columns(12, 3, scale=0.2)))
    put(t, "null-signal", bytes([10, 0, 0, 0, 3, 4]))
    put(t, "flac", bytes([11, 0, 0, 0, 1, 0]) + b"fLaC\0\0\0\x22")
    # FLAC formats 508/516/524 (indices 11-13): 2 signals in one stream; then 3 samples per frame
    # with a skew, read expanded.
    for idx, bits in ((11, 8), (12, 16), (13, 24)):
        cols = [[max(-(1 << (bits - 1)) + 1, min((1 << (bits - 1)) - 1, v * (1 << (bits - 8)) // 8)) for v in c]
                for c in small_columns(40, 2, fs=40)]
        put(t, "format-%d" % (500 + bits), bytes([idx, 1, 0, 0, 0, 0]) + flac_stream(cols, bits, blocksize=16))
    cols = small_columns(48, 2, fs=40)
    put(t, "format-516-frames-skew", bytes([12, 1, 2 | 8 | 64, 0, 0, 0]) + flac_stream(cols, 16, blocksize=20))


def csv_seeds():
    t = "fuzz_csv"
    n = 40
    cols = [[v / 200 for v in ecg_like(n, 100, k)] for k in range(12)]
    rows = ["time," + ",".join(LEADS12)] + ["%.2f," % (i / 100) + ",".join("%.3f" % c[i] for c in cols) for i in range(n)]
    put(t, "time-column", "\0" + "\n".join(rows) + "\n")
    rows = [";".join("Lead " + l for l in LEADS12)] + [";".join(("%.3f" % c[i]).replace(".", ",") for c in cols) for i in range(n)]
    put(t, "semicolon-decimal-comma", "\1" + "\r\n".join(rows) + "\r\n")
    rows = ["Name,Jane\nSample Rate,512 hertz\nUnit,uV\n\nI"] + ["%d" % (1000 * cols[0][i]) for i in range(n)]
    put(t, "preamble-single-lead", "\0" + "\n".join(rows) + "\n")
    rows = ["\t".join(["t(ms)", "II (mV)", "V1 (mV)"])] + ["%d\t%.3f\t%.3f" % (i * 2, cols[1][i], cols[6][i]) for i in range(n)]
    put(t, "tab-units", "\0" + "\n".join(rows) + "\n")
    put(t, "nan-empty", "\0time,I,II\n0,1,NaN\n0.01,,2\n0.02,inf,3\n0.03,4,5\n")
    put(t, "ragged", "\0time,I,II\n0,1,2\n0.01,1\n")
    put(t, "bom-quoted", "\0\xef\xbb\xbf\"time\",\"I\",\"II\"\n0,\"1.5\",2\n0.002,1,2\n")
    # Regressions found by fuzzing (work-cache/robustness-findings.md R10): a cell beyond float range.
    put(t, "regress-float-overflow", b'\0\xef\xbb\xbf"time",>I","I+iniI"\n0,"1.51e308",2\n1.002,1,2\n')
    put(t, "regress-float-overflow-single-cell", b"n1e308")
    # Time stamps that are never leads: Polar Sensor Logger (three clocks, the phone's repeating within a
    # packet), a time column known by its unit only, epoch milliseconds under any name.
    rows = ["Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]"]
    for i in range(n):
        ns = round(i * 1e9 / 130)
        rows.append("2024-03-01T10:15:02.%03d;%d;%.6f;%d" % (123 + (i // 20) * 154, 599618523184386304 + ns, ns / 1e6,
                                                           1000 * cols[1][i]))
    put(t, "polar-sensor-logger", "\0" + "\n".join(rows) + "\n")
    rows = ["Zeit [s],I [mV],II [mV]"] + ["%.3f,%.3f,%.3f" % (i / 250, cols[0][i], cols[1][i]) for i in range(n)]
    put(t, "time-unit-only", "\0" + "\n".join(rows) + "\n")
    rows = ["%d,%.3f,%.3f" % (1709288102000 + 4 * i, cols[0][i % n], cols[1][i % n]) for i in range(70)]
    put(t, "epoch-ms-no-header", "\0" + "\n".join(rows) + "\n")


def classify_seeds():
    t = "fuzz_classify"
    n = 260
    cols = [[v / 200 for v in ecg_like(n, 100, k)] for k in range(12)]
    rows = ["time," + ",".join(LEADS12)] + ["%.2f," % (i / 100) + ",".join("%.3f" % c[i] for c in cols) for i in range(n)]
    put(t, "csv-12-lead", "\1" + "\n".join(rows) + "\n")
    rows = [",".join(["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"])] + \
           [",".join("%.3f" % cols[k][i] for k in (0, 1, 6, 7, 8, 9, 10, 11)) for i in range(n)]
    put(t, "csv-8-lead-rate-given", "\3" + "\n".join(rows) + "\n")
    dcols = small_columns(300, 12, fs=100)
    hea = "r 12 100 300\n" + "".join("r.dat 16 200 16 0 0 0 0 %s\n" % l for l in LEADS12)
    put(t, "wfdb-12-lead", b"\0" + hea.encode() + SEP + fmt16(dcols))
    dcols = small_columns(1000, 2)
    put(t, "wfdb-2-lead", b"\0r 2 360 1000\nr.dat 212 200 11 1024 0 0 0 MLII\nr.dat 212 200 11 1024 0 0 0 V1\n"
        + SEP + fmt212(dcols))


def annotation_seeds():
    """MIT annotation format: 16-bit words (code << 10 | time increment), SKIP (59) + 32-bit interval
    in PDP-11 order, NUM (60), SUB (61), CHN (62), AUX (63, length + text padded to even), end word 0."""
    t = "fuzz_annotations"
    beats = b"".join(ann_word(1 if i % 5 else 5, 280 + i) for i in range(12))
    put(t, "beats", beats + b"\0\0")
    rhythm = ann_word(28, 10) + ann_aux("(N") + beats + ann_word(28, 300) + ann_aux("(AFIB") + b"\0\0"
    put(t, "rhythm-aux", rhythm)
    skip = ann_word(59, 0) + struct.pack("<HH", 0x0001, 0x86A0)  # interval 100000
    put(t, "skip-num-sub-chn", skip + ann_word(1, 5) + ann_word(60, 3) + ann_word(61, 2) + ann_word(62, 1)
        + ann_word(5, 200) + ann_word(59, 0) + struct.pack("<HH", 0xFFFF, 0xFF00) + ann_word(1, 1) + b"\0\0")
    put(t, "custom-definitions", ann_word(22, 0) + ann_aux("## annotation type definitions")
        + ann_word(22, 0) + ann_aux("42 X custom beat") + ann_word(42, 300) + b"\0\0")
    put(t, "no-end-word", beats)
    put(t, "odd-length", beats + b"\1")
    # Latin-1 aux text comes back as UTF-8, longer than the bytes it came from (a CI fuzz finding).
    put(t, "latin1-aux", ann_word(1, 5) + ann_word(63, 8) + bytes([0xE9] * 8) + b"\0\0")


def rhythm_seeds():
    t = "fuzz_rhythm"
    n = 300
    cols = [[v / 200 for v in ecg_like(n, 100, k)] for k in range(3)]
    rows = ["time,I,II,V1"] + ["%.2f,%.3f,%.3f,%.3f" % (i / 100, cols[0][i], cols[1][i], cols[2][i]) for i in range(n)]
    put(t, "csv-3-lead", "\1" + "\n".join(rows) + "\n")
    dcols = small_columns(1800, 2)
    hea = b"r 2 360 1800\nr.dat 212 200 11 1024 0 0 0 MLII\nr.dat 212 200 11 1024 0 0 0 V1\n"
    ann = (ann_word(28, 0) + ann_aux("(N") + b"".join(ann_word(1, 288) for _ in range(3))
           + ann_word(28, 10) + ann_aux("(AFIB") + ann_word(5, 270) + b"\0\0")
    put(t, "wfdb-2-lead-annotated", b"\2" + hea + SEP + fmt212(dcols) + SEP + ann)
    put(t, "wfdb-2-lead", b"\0" + hea + SEP + fmt212(dcols))


def model_seeds():
    t = "fuzz_model"
    for rel in ("tests/fixtures/model/tiny-int8.ecgm", "tests/fixtures/model/tiny-fp32.ecgm"):
        path = os.path.join(REPO, rel)
        if os.path.exists(path):
            data = open(path, "rb").read()
            stem = os.path.basename(rel)[:-5]
            put(t, stem, data)
            put(t, stem + "-truncated", data[: len(data) // 2])
    put(t, "not-a-model", b"PK\3\4 this is a zip file, not a model")


def edf_seeds():
    # The committed EDF+/EDF+D/BDF fixtures (written by tests/cpp/edf_writer.h) and cut-down copies.
    t = "fuzz_edf"
    for name in ("two-rates.edf", "gaps.edf", "bdf24.bdf"):
        data = open(os.path.join(REPO, "tests", "fixtures", "edf", name), "rb").read()
        stem = name.replace(".", "-")
        put(t, stem, data)
        put(t, stem + "-header-only", data[: 256 * (1 + int(data[252:256].decode("ascii").strip()))])
    put(t, "not-edf", b"0       this is not an EDF header")


def occlude_seeds():
    """Mask lists as `ecglite classify --occlude` takes them (fuzz_occlude: parsed against the model's
    leads, applied to a 12 s record): valid ones, ones crossing a window or the record's end, and
    refusals (unknown lead, reversed or absurd times, bare separators)."""
    masks = {
        "one-stretch": "V1:2-2.5",
        "two-masks": "V1:2-2.5,V2:2-4.5;II:0-10",
        "across-windows": "I:0-12;aVR:9.5-10.5",
        "past-the-end": "V6:11.9-30",
        "unknown-lead": "X1:0-1",
        "reversed": "II:3-1",
        "huge-numbers": "V1:1e308-inf",
        "separators": ";;,:",
    }
    for name, spec in masks.items():
        put("fuzz_occlude", name, spec)

def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    header_seeds()
    record_seeds()
    signal_seeds()
    csv_seeds()
    classify_seeds()
    annotation_seeds()
    rhythm_seeds()
    model_seeds()
    edf_seeds()
    occlude_seeds()
    for t in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, t))
        size = sum(os.path.getsize(os.path.join(ROOT, t, f)) for f in files)
        print("%-18s %3d seeds %7d bytes" % (t, len(files), size))


if __name__ == "__main__":
    main()
