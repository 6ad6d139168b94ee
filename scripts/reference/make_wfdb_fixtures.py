#!/usr/bin/python3
"""Small WFDB fixtures and their expected decoded values, for tests/cpp/wfdb_*_test.cpp.

Run with the Debian Python (numpy):

    /usr/bin/python3 scripts/reference/make_wfdb_fixtures.py [DATA_DIR]

DATA_DIR defaults to ../shared/data (relative to the repository). It rewrites tests/fixtures/wfdb/.
Rerunning produces byte-identical files.

Two kinds of fixtures:
  excerpts of real records (PhysioNet, see tests/fixtures/wfdb/README.md for attribution):
    mitdb100_1s     first second of MIT-BIH 100 (format 212, 2 signals, 360 Hz)
    HR06001_0s1     first 0.1 s of a CinC 2021 PTB-XL record (format 16 in a .mat, byte offset 24)
  synthetic records whose values the script chooses (then encodes with its own writers):
    cinc_date       a header as the PhysioNet/CinC Challenge 2020/2021 write it: base date before the
                    time with a month name ("12-May-2020 12:33:59"), 12 leads in a MATLAB v4 .mat
                    (format 16, byte offset 24), 500 Hz, 2.6 s (long enough to classify)
    cinc_ext        the same layout with the record named after its signal file ("cinc_ext.mat
                    12 500 300 05-May-2020 09:49:17"), as some CinC 2020 (Georgia) headers do; 0.6 s
    formats         one signal per format 8/16/24/32/61/80/160/212/310/311, each in its own file,
                    with extremes and the format's invalid sentinel
    frames_skew     format 16, 2 samples per frame on one signal, a skew on another
    msfixed         fixed-layout multi-segment record: format 16 segment, null segment, 212 segment
    msvar           variable-layout multi-segment record: layout header, a null segment, segments
                    with other gains/baselines and missing signals
    flac            FLAC formats 508 (1 signal), 516 (2 signals sharing a file, 3 samples per frame)
                    and 524 (1 signal), with extremes and invalid sentinels; encoded by the `flac`
                    tool (Debian package flac), in 64-sample FLAC blocks that end mid-frame

Every record gets NAME.expected: the values rdsamp prints for it (digital, tab-separated, one line per
sample, -32768 for an invalid sample), computed here independently of the C++ reader:
decoding with numpy for the excerpts, and rdsamp's rules for the synthetic records (frame average
truncated toward zero, the last max-skew frames dropped, variable-layout values re-scaled with
floor(v * gain_layout / gain_segment + baseline_layout - scale * baseline_segment + 0.5)).
Header checksums are the 16-bit sums of the stored samples, so the reader can verify them.
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_bad_inputs import flac_stream  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "wfdb")
INVALID = -32768  # what rdsamp prints for an invalid sample


def checksum(values):
    s = int(np.sum(np.asarray(values, dtype=np.int64))) & 0xFFFF
    return s - 0x10000 if s >= 0x8000 else s


def write(name, data, mode="wb"):
    with open(os.path.join(OUT, name), mode) as f:
        f.write(data)


def write_expected(name, rows):
    write(name + ".expected", "".join("\t".join(str(v) for v in row) + "\n" for row in rows), "w")


# --- encoders: one per format, from the WFDB specification (wfdb-spec SIGNALS.md) ---

def enc_8(values, initial):
    out, prev = bytearray(), initial
    for v in values:
        d = v - prev
        assert -128 <= d <= 127
        out.append(d & 0xFF)
        prev = v
    return bytes(out)


def enc_212(values):
    out = bytearray()
    for i in range(0, len(values), 2):
        a = values[i] & 0xFFF
        if i + 1 < len(values):
            b = values[i + 1] & 0xFFF
            out += bytes([a & 0xFF, (a >> 8) | ((b >> 8) << 4), b & 0xFF])
        else:
            out += bytes([a & 0xFF, a >> 8])
    return bytes(out)


def enc_310(values):
    assert len(values) % 3 == 0
    out = bytearray()
    for i in range(0, len(values), 3):
        a, b, c = (v & 0x3FF for v in values[i:i + 3])
        w0 = (a << 1) | ((c & 0x1F) << 11)
        w1 = (b << 1) | ((c >> 5) << 11)
        out += w0.to_bytes(2, "little") + w1.to_bytes(2, "little")
    return bytes(out)


def enc_311(values):
    assert len(values) % 3 == 0
    out = bytearray()
    for i in range(0, len(values), 3):
        a, b, c = (v & 0x3FF for v in values[i:i + 3])
        out += (a | (b << 10) | (c << 20)).to_bytes(4, "little")
    return bytes(out)


def enc_int(values, nbytes, byteorder="little", offset=0):
    return b"".join(int(v + offset).to_bytes(nbytes, byteorder, signed=offset == 0) for v in values)


ENCODERS = {
    16: lambda v: enc_int(v, 2),
    61: lambda v: enc_int(v, 2, "big"),
    80: lambda v: bytes((x + 128) & 0xFF for x in v),
    160: lambda v: enc_int(v, 2, offset=32768),
    24: lambda v: enc_int(v, 3),
    32: lambda v: enc_int(v, 4),
    212: enc_212,
    310: enc_310,
    311: enc_311,
}
SENTINEL = {16: -32768, 61: -32768, 160: -32768, 80: -128, 212: -2048, 310: -512, 311: -512,
            24: -(1 << 23), 32: -(1 << 31)}


def interleave(signals, spf):
    """Frames of interleaved samples: signals[s] holds len(frames) * spf[s] values."""
    nframes = len(signals[0]) // spf[0]
    out = []
    for f in range(nframes):
        for s, sig in enumerate(signals):
            out += list(sig[f * spf[s]:(f + 1) * spf[s]])
    return out


# --- excerpts of real records ---

def dec_212(raw, n):
    b = np.frombuffer(raw, dtype=np.uint8).astype(np.int32)
    out = np.empty(n, dtype=np.int32)
    even = b[0::3][: (n + 1) // 2] | ((b[1::3][: (n + 1) // 2] & 0x0F) << 8)
    odd = b[2::3][: n // 2] | ((b[1::3][: n // 2] & 0xF0) << 4)
    out[0::2], out[1::2] = even, odd
    return np.where(out >= 2048, out - 4096, out)


def mitdb_excerpt(data_dir):
    src = os.path.join(data_dir, "mitdb", "100.dat")
    frames = 360
    raw = open(src, "rb").read()[: frames * 3]
    v = dec_212(raw, frames * 2).reshape(frames, 2)
    write("mitdb100_1s.dat", raw)
    write("mitdb100_1s.hea",
          "# First second of MIT-BIH Arrhythmia Database record 100 (PhysioNet, ODC-BY 1.0)\n"
          "mitdb100_1s 2 360 %d\n"
          "mitdb100_1s.dat 212 200 11 1024 %d %d 0 MLII\n"
          "mitdb100_1s.dat 212 200 11 1024 %d %d 0 V5\n"
          "# 69 M 1085 1629 x1\n# Aldomet, Inderal\n"
          % (frames, v[0, 0], checksum(v[:, 0]), v[0, 1], checksum(v[:, 1])), "w")
    write_expected("mitdb100_1s", v.tolist())


def cinc_excerpt(data_dir):
    src = os.path.join(data_dir, "ptbxl-raw", "cinc2021", "HR06001")
    frames, nsig = 50, 12
    raw = open(src + ".mat", "rb").read()
    body = raw[24: 24 + frames * nsig * 2]
    v = np.frombuffer(body, dtype="<i2").astype(np.int32).reshape(frames, nsig)
    write("HR06001_0s1.mat", raw[:24] + body)  # the MATLAB v4 prolog, then the samples
    lines = open(src + ".hea").read().splitlines()
    out = ["HR06001_0s1 12 500 %d" % frames]
    for s, line in enumerate(lines[1:1 + nsig]):
        f = line.split()
        f[0] = "HR06001_0s1.mat"
        f[5], f[6] = str(v[0, s]), str(checksum(v[:, s]))
        out.append(" ".join(f))
    out += [l for l in lines[1 + nsig:] if l.startswith("#")]
    out.append("# First 0.1 s of CinC 2021 record HR06001 (PTB-XL, PhysioNet, CC BY 4.0)")
    write("HR06001_0s1.hea", "\n".join(out) + "\n", "w")
    write_expected("HR06001_0s1", v.tolist())


# --- synthetic records ---

def cinc_layout_record(name, record_field, frames, when):
    """12 leads of a synthetic ECG in microvolts (gain 1000/mV), 500 Hz, in a MATLAB v4 .mat file
    holding the int16 matrix 'val' (12 x frames, column-major, so frame-interleaved) after its 24-byte
    prolog, and a header in the CinC Challenge 2020/2021 layout with `record_field` as record name."""
    fs, leads = 500, ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
    gains = [0.6, 1.0, 0.4, -0.8, 0.1, 0.7, -0.5, 0.3, 0.9, 1.2, 1.0, 0.8]
    def ecg(t):
        beat = (t + 0.3) % 0.8
        return (1.1 * math.exp(-((beat - 0.3) / 0.012) ** 2) - 0.2 * math.exp(-((beat - 0.33) / 0.01) ** 2)
                + 0.15 * math.exp(-((beat - 0.14) / 0.025) ** 2) + 0.3 * math.exp(-((beat - 0.58) / 0.045) ** 2))
    v = np.array([[int(round(1000 * (g * ecg(i / fs) + 0.03 * math.sin(i / fs * 1.5 + k)))) for k, g in enumerate(gains)]
                  for i in range(frames)], dtype=np.int32)
    prolog = np.array([30, 12, frames, 0, 4], dtype="<i4").tobytes() + b"val\0"  # type: little-endian int16
    write(name + ".mat", prolog + v.astype("<i2").tobytes())
    out = ["%s 12 %d %d %s" % (record_field, fs, frames, when)]
    for s, lead in enumerate(leads):
        out.append("%s.mat 16+24 1000/mV 16 0 %d %d 0 %s" % (name, v[0, s], checksum(v[:, s]), lead))
    out += ["# Age: 61", "# Sex: Female", "# Dx: 426783006", "# Rx: Unknown", "# Hx: Unknown", "# Sx: Unknown",
            "# Synthetic record in the CinC Challenge 2020/2021 header layout"]
    write(name + ".hea", "\n".join(out) + "\n", "w")
    write_expected(name, v.tolist())


def cinc_layout_records():
    cinc_layout_record("cinc_date", "cinc_date", 1300, "12-May-2020 12:33:59")
    cinc_layout_record("cinc_ext", "cinc_ext.mat", 300, "05-May-2020 09:49:17")


def formats_record():
    n = 21
    ramp = [int(round(100 * math.sin(i / 3.0))) for i in range(n)]
    lines, cols = ["formats 10 250 %d" % n], []
    for i, fmt in enumerate([8, 16, 24, 32, 61, 80, 160, 212, 310, 311]):
        if fmt == 8:
            values = [ramp[k] - 20 for k in range(n)]
            initial = values[0] - 3
            data = enc_8(values, initial)
            stored = values
        else:
            bits = {16: 16, 61: 16, 160: 16, 80: 8, 212: 12, 310: 10, 311: 10, 24: 24, 32: 32}[fmt]
            lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
            values = [max(lo + 1, min(hi, r * (1 << (bits - 8)) if bits > 8 else r)) for r in ramp]
            values[2], values[3], values[4] = lo + 1, hi, 0
            values[5] = SENTINEL[fmt]  # invalid
            data = ENCODERS[fmt](values)
            initial = values[0]
            stored = values
        fname = "formats.d%d" % i
        write(fname, data)
        lines.append("%s %d 200/mV %d 0 %d %d 0 sig %d, fmt %d"
                     % (fname, fmt, 12, initial, checksum(stored), i, fmt))
        cols.append([INVALID if fmt != 8 and v == SENTINEL[fmt] else v for v in stored])
    write("formats.hea", "\n".join(lines) + "\n", "w")
    write_expected("formats", list(zip(*cols)))


def frames_skew_record():
    frames = 12
    s0 = [10 * f + 1 for f in range(frames)]                 # skew 2 (samples, spf 1 -> 2 frames)
    s1 = [(-1) ** k * (3 * k + 1) for k in range(2 * frames)]  # 2 samples per frame, odd sums
    s1[7] = -32768                                           # invalid: frame 3 averages to invalid
    s2 = [-5 * f for f in range(frames)]
    data = enc_int(interleave([s0, s1, s2], [1, 2, 1]), 2)
    write("frames_skew.dat", data)
    write("frames_skew.hea",
          "frames_skew 3 100 %d\n"
          "frames_skew.dat 16:2 100/mV 16 0 %d %d 0 skewed\n"
          "frames_skew.dat 16x2 100/mV 16 0 %d %d 0 fast\n"
          "frames_skew.dat 16 100/mV 16 0 %d %d 0 plain\n"
          % (frames, s0[0], checksum(s0), s1[0], checksum(s1), s2[0], checksum(s2)), "w")
    rows = []
    for t in range(frames - 2):  # rdsamp stops when the skewed signal runs out
        a, b = s1[2 * t], s1[2 * t + 1]
        avg = INVALID if -32768 in (a, b) else int(math.trunc((a + b) / 2))
        rows.append([s0[t + 2], avg, s2[t]])
    write_expected("frames_skew", rows)


def msfixed_record():
    seg1 = [[100 + k for k in range(5)], [-7 * k for k in range(5)]]
    seg2 = [[200 - 3 * k for k in range(4)], [k * k for k in range(4)]]
    write("msfixed_1.dat", enc_int(interleave(seg1, [1, 1]), 2))
    write("msfixed_2.dat", enc_212(interleave(seg2, [1, 1])))
    for name, seg, fmt in (("msfixed_1", seg1, 16), ("msfixed_2", seg2, 212)):
        write(name + ".hea",
              "%s 2 50 %d\n%s.dat %d 100/mV 12 0 %d %d 0 A\n%s.dat %d 100/mV 12 0 %d %d 0 B\n"
              % (name, len(seg[0]), name, fmt, seg[0][0], checksum(seg[0]), name, fmt, seg[1][0],
                 checksum(seg[1])), "w")
    write("msfixed.hea", "msfixed/3 2 50 12\nmsfixed_1 5\n~ 3\nmsfixed_2 4\n# fixed layout toy\n", "w")
    rows = list(zip(*seg1)) + [(INVALID, INVALID)] * 3 + list(zip(*seg2))
    write_expected("msfixed", rows)


def msvar_record():
    # layout: II (gain 100, baseline 0), V (gain 200, baseline 10), ABP (gain 1, baseline 0)
    layout = {"II": (100.0, 0), "V": (200.0, 10), "ABP": (1.0, 0)}
    write("msvar_layout.hea",
          "msvar_layout 3 50 0\n~ 0 100/mV 12 0 0 0 0 II\n~ 0 200(10)/mV 12 0 0 0 0 V\n"
          "~ 0 1/mmHg 12 0 0 0 0 ABP\n", "w")
    seg1 = {"II": (100.0, 0, [3 * k - 4 for k in range(4)]),
            "ABP": (2.0, 5, [7, 8, 9, -32768])}
    seg2 = {"V": (100.0, 0, [k - 2 for k in range(3)]),
            "II": (100.0, 0, [50, 51, 52])}
    for name, seg, fmt in (("msvar_1", seg1, 16), ("msvar_2", seg2, 16)):
        names = list(seg)
        sigs = [seg[n][2] for n in names]
        write(name + ".dat", enc_int(interleave(sigs, [1] * len(sigs)), 2))
        lines = ["%s %d 50 %d" % (name, len(names), len(sigs[0]))]
        for n in names:
            g, b, v = seg[n]
            lines.append("%s.dat %d %g(%d)/mV 12 0 %d %d 0 %s" % (name, fmt, g, b, v[0], checksum(v), n))
        write(name + ".hea", "\n".join(lines) + "\n", "w")
    write("msvar.hea", "msvar/4 3 50 9\nmsvar_layout 0\n~ 2\nmsvar_1 4\nmsvar_2 3\n", "w")

    def mapped(seg, sig, k):
        if sig not in seg:
            return INVALID
        g, b, v = seg[sig]
        if v[k] == -32768:
            return INVALID
        lg, lb = layout[sig]
        scale = lg / g
        return int(math.floor(v[k] * scale + (lb - scale * b + 0.5)))

    rows = [(INVALID,) * 3] * 2
    for seg, n in ((seg1, 4), (seg2, 3)):
        rows += [tuple(mapped(seg, s, k) for s in ("II", "V", "ABP")) for k in range(n)]
    write_expected("msvar", rows)


def flac_record():
    frames, spf = 150, 3
    # Per file: (format, samples per frame, signals); each signal: its stored values.
    def wave(n, bits, phase):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        v = [int(round(0.6 * hi * math.sin(k / 7.0 + phase) + 0.2 * hi * math.sin(k / 1.3))) for k in range(n)]
        v[2], v[3], v[4] = lo + 1, hi, 0
        v[5] = lo  # the format's invalid sentinel
        return v
    files = [(508, 1, [wave(frames, 8, 0.0)]),
             (516, spf, [wave(frames * spf, 16, 1.0), wave(frames * spf, 16, 2.0)]),
             (524, 1, [wave(frames, 24, 3.0)])]
    lines, cols, k = ["flac 4 100 %d" % frames], [], 0
    for i, (fmt, n, sigs) in enumerate(files):
        fname = "flac.d%d" % i
        write(fname, flac_stream(sigs, fmt - 500))
        sentinel = -(1 << (fmt - 501))
        for sig in sigs:
            lines.append("%s %d%s 200/mV %d 0 %d %d 0 sig %d, fmt %d"
                         % (fname, fmt, "x%d" % n if n > 1 else "", fmt - 500, sig[0], checksum(sig), k, fmt))
            # rdsamp's low-resolution value: the frame mean, truncated toward zero; invalid if any is
            col = []
            for f in range(frames):
                chunk = sig[f * n:(f + 1) * n]
                col.append(INVALID if sentinel in chunk else int(math.trunc(sum(chunk) / n)))
            cols.append(col)
            k += 1
    write("flac.hea", "\n".join(lines) + "\n", "w")
    write_expected("flac", list(zip(*cols)))


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
    os.makedirs(OUT, exist_ok=True)
    mitdb_excerpt(data_dir)
    cinc_excerpt(data_dir)
    cinc_layout_records()
    formats_record()
    frames_skew_record()
    msfixed_record()
    msvar_record()
    flac_record()


if __name__ == "__main__":
    main()
