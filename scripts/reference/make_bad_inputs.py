#!/usr/bin/python3
"""Writes the malformed-input corpus tests/bad-inputs/ and its manifest expected.tsv.

Every case is a tiny WFDB record or CSV file that is wrong in one way (or a small valid record that
exercises an edge: one sample, two leads, non-UTF-8 text). tests/cpp/robustness_corpus_test.cpp runs
the real `ecglite` CLI over each manifest row and checks: the expected exit status (never a signal,
an abort or the internal-error status 3), a single-line message on stderr for failures, and that the
message contains the expected substrings (it names the input and what is wrong).

Cases too large to commit (an hour of 12-lead ECG, a 10 GB claim backed by real bytes) are generated
at test time by the C++ test instead.

Usage: /usr/bin/python3 scripts/reference/make_bad_inputs.py   (rewrites tests/bad-inputs/)
The FLAC cases (and the FLAC fixtures and fuzz seeds of the sibling scripts, through flac_stream) need
the `flac` tool: apt-get install flac.
"""
import math
import os
import shutil
import struct
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "bad-inputs")
LEADS12 = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

rows = []  # (path, command, status, substrings...)


def case(path, command, status, *substrings):
    rows.append((path, command, str(status)) + substrings)


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def ecg_like(n, fs, lead):
    """Deterministic ECG-ish digital samples (gain 200/mV): a beat every 0.8 s plus a slow wave."""
    out = []
    for i in range(n):
        t = i / fs
        phase = (t % 0.8) / 0.8
        qrs = 1.2 * math.exp(-((phase - 0.3) / 0.015) ** 2)
        twave = 0.25 * math.exp(-((phase - 0.6) / 0.05) ** 2)
        out.append(int(round(200 * ((qrs + twave) * (1 + 0.1 * lead) + 0.05 * math.sin(2 * math.pi * 0.3 * t)))))
    return out


def fmt16(columns):
    """Interleaved little-endian 16-bit frames."""
    n = len(columns[0])
    return b"".join(struct.pack("<%dh" % len(columns), *(c[i] for c in columns)) for i in range(n))


def fmt212(columns):
    """Format 212: pairs of 12-bit samples packed in 3 bytes (sample order is frame-interleaved)."""
    flat = [v for frame in zip(*columns) for v in frame]
    if len(flat) % 2:
        flat.append(0)
    out = bytearray()
    for a, b in zip(flat[0::2], flat[1::2]):
        a &= 0xFFF
        b &= 0xFFF
        out += bytes([a & 0xFF, ((b >> 8) << 4) | (a >> 8), b & 0xFF])
    return bytes(out)


def flac_stream(channels, bits, blocksize=64):
    """A FLAC stream as WFDB writes formats 508/516/524: one channel per signal, channels[c] holding
    that signal's samples in time order, `bits` bits per sample. Encoded by the `flac` tool (Debian
    package flac: libFLAC's reference encoder), without padding or seek table so fixtures stay small;
    a small block size makes even a short record several FLAC frames."""
    raw = b"".join(int(c[i]).to_bytes(bits // 8, "little", signed=True)
                   for i in range(len(channels[0])) for c in channels)
    cmd = ["flac", "--silent", "--force-raw-format", "--endian=little", "--sign=signed",
           "--channels=%d" % len(channels), "--bps=%d" % bits, "--sample-rate=96000", "-8",
           "--blocksize=%d" % blocksize, "--no-padding", "--no-seektable", "--input-size=%d" % len(raw)]
    # To a file, not stdout: the encoder then writes the sample count and MD5 into STREAMINFO.
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "s.flac")
        subprocess.run(cmd + ["--output-name=" + out, "-"], input=raw, check=True)
        with open(out, "rb") as f:
            return f.read()


def checksum(samples):
    """WFDB 16-bit checksum: the sum of the samples as a signed 16-bit number."""
    c = sum(samples) & 0xFFFF
    return c - 0x10000 if c >= 0x8000 else c


def ann_word(code, value):
    """One MIT annotation word: code << 10 | 10-bit value, little-endian."""
    return struct.pack("<H", (code << 10) | (value & 0x3FF))


def ann_aux(text):
    data = text.encode("latin-1")
    return ann_word(63, len(data)) + data + (b"\0" if len(data) % 2 else b"")


def header(name, fs, n, signals, cols=None, fmt="16", adc="16 0"):
    """Header text; with `cols`, the initial values and checksums match the samples."""
    lines = ["%s %d %s %s" % (name, len(signals), fs, n)]
    for k, lead in enumerate(signals):
        init, cksum = (cols[k][0], checksum(cols[k])) if cols else (0, 0)
        lines.append("%s.dat %s 200/mV %s %d %d 0 %s" % (name, fmt, adc, init, cksum, lead))
    return "\n".join(lines) + "\n"


def valid12(rel_dir, name, fs=100, n=40, leads=LEADS12):
    """A valid 12-lead format-16 record (0.4 s at 100 Hz by default: only cases that must reach the
    model need the 2.5 s it takes); returns (header text, data bytes)."""
    cols = [ecg_like(n, fs, k) for k in range(len(leads))]
    hea = header(name, fs, n, leads, cols)
    dat = fmt16(cols)
    write("%s/%s.hea" % (rel_dir, name), hea)
    write("%s/%s.dat" % (rel_dir, name), dat)
    return hea, dat


def flac12(rel_dir, fmt=516, split=(6, 6), n=300, streams=None):
    """A 12-lead record of 3 s at 100 Hz in two FLAC files (rec_1.dat: the first split[0] header
    lines, rec_2.dat the rest); `streams` replaces the files' bytes. Returns the streams."""
    cols = [ecg_like(n, 100, k) for k in range(12)]
    if streams is None:
        streams = [flac_stream(cols[:6], 16), flac_stream(cols[6:], 16)]
    lines = ["rec 12 100 %d" % n]
    for k, lead in enumerate(LEADS12):
        lines.append("rec_%d.dat %d 200/mV 16 0 %d %d 0 %s" % (1 if k < split[0] else 2, fmt, cols[k][0],
                                                             checksum(cols[k]), lead))
    write(rel_dir + "/rec.hea", "\n".join(lines) + "\n")
    for i, data in enumerate(streams):
        write("%s/rec_%d.dat" % (rel_dir, i + 1), data)
    return streams


def flac_cases():
    """FLAC-compressed signal files (formats 508/516/524): a valid record, then one fault each."""
    streams = flac12("wfdb/flac-valid")
    case("wfdb/flac-valid/rec", "info", 0, "516 (16-bit, FLAC-compressed)", "(verified)")
    case("wfdb/flac-valid/rec", "dump", 0)
    case("wfdb/flac-valid/rec", "classify", 0, "NORM")

    cols = [ecg_like(300, 100, k) for k in range(12)]
    flac12("wfdb/flac-not-flac", streams=[fmt16(cols[:6]), fmt16(cols[6:])])
    case("wfdb/flac-not-flac/rec", "dump", 1, "rec_1.dat", "not a FLAC stream")

    flac12("wfdb/flac-truncated", streams=[streams[0], streams[1][:len(streams[1]) // 2]])
    case("wfdb/flac-truncated/rec", "dump", 1, "rec_2.dat", "truncated")

    flac12("wfdb/flac-wrong-channels", split=(7, 5), streams=streams)
    case("wfdb/flac-wrong-channels/rec", "dump", 1, "rec_1.dat", "6 channels", "7 signals")

    flac12("wfdb/flac-wide-samples", fmt=508, streams=streams)
    case("wfdb/flac-wide-samples/rec", "dump", 1, "rec_1.dat", "16-bit samples", "508")

    damaged = bytearray(streams[1])
    for i in range(len(damaged) // 2, len(damaged) // 2 + 8):
        damaged[i] ^= 0x5A
    flac12("wfdb/flac-corrupt", streams=[streams[0], bytes(damaged)])
    case("wfdb/flac-corrupt/rec", "dump", 1, "rec_2.dat", "corrupt")


def wfdb_cases():
    # A valid reference record, so that a broken reader shows up as a difference from the bad cases.
    valid12("wfdb/valid", "rec", n=300)
    case("wfdb/valid/rec", "info", 0, "rec")
    case("wfdb/valid/rec", "dump", 0)
    case("wfdb/valid/rec", "classify", 0, "NORM")

    # Empty and truncated files.
    write("wfdb/empty-header/rec.hea", b"")
    write("wfdb/empty-header/rec.dat", b"\0" * 24)
    case("wfdb/empty-header/rec", "info", 1, "rec.hea", "empty")

    write("wfdb/comment-only-header/rec.hea", "# nothing but a comment\n\n")
    case("wfdb/comment-only-header/rec", "info", 1, "rec.hea", "record line")

    hea, dat = valid12("wfdb/empty-signal", "rec")
    write("wfdb/empty-signal/rec.dat", b"")
    case("wfdb/empty-signal/rec", "dump", 1, "rec.dat")
    case("wfdb/empty-signal/rec", "classify", 1, "rec.dat")

    hea, dat = valid12("wfdb/truncated-signal", "rec")
    write("wfdb/truncated-signal/rec.dat", dat[: len(dat) // 2])
    case("wfdb/truncated-signal/rec", "dump", 1, "rec.dat", "40")
    case("wfdb/truncated-signal/rec", "classify", 1, "rec.dat")

    # The header of one record with the (longer) signal file of another: every checksum fails.
    valid12("wfdb/other-records-signal", "rec")
    other = [ecg_like(300, 100, k + 3) for k in range(len(LEADS12))]
    write("wfdb/other-records-signal/rec.dat", fmt16(other))
    case("wfdb/other-records-signal/rec", "info", 0, "checksum mismatch")
    case("wfdb/other-records-signal/rec", "classify", 1, "rec", "all 12 signals disagree with the checksums")

    hea, dat = valid12("wfdb/odd-byte-signal", "rec", n=1)
    write("wfdb/odd-byte-signal/rec.dat", dat[:-1])  # last format-16 sample cut in half
    case("wfdb/odd-byte-signal/rec", "dump", 1, "rec.dat")

    valid12("wfdb/missing-signal-file", "rec")
    os.remove(os.path.join(ROOT, "wfdb/missing-signal-file/rec.dat"))
    case("wfdb/missing-signal-file/rec", "dump", 1, "rec.dat")
    case("wfdb/missing-signal-file/rec", "classify", 1, "rec.dat")

    write("wfdb/no-such-record/NOTE.txt", "Deliberately no rec.hea here: the CLI must say it cannot open it.\n")
    case("wfdb/no-such-record/rec", "info", 1, "rec")

    # Header and signal file disagree.
    hea, dat = valid12("wfdb/header-fewer-signal-lines", "rec")
    lines = hea.splitlines()
    write("wfdb/header-fewer-signal-lines/rec.hea", "\n".join(lines[:3]) + "\n")
    case("wfdb/header-fewer-signal-lines/rec", "info", 1, "rec.hea", "12")

    hea, dat = valid12("wfdb/header-more-signal-lines", "rec")
    write("wfdb/header-more-signal-lines/rec.hea", hea.replace("rec 12 ", "rec 2 ", 1))
    case("wfdb/header-more-signal-lines/rec", "info", 1, "rec.hea", "2")

    # The header says format 16 but the file holds format 212 (3 bytes per 2 samples): too short.
    cols = [ecg_like(300, 100, k) for k in range(2)]
    write("wfdb/format-disagrees/rec.hea", header("rec", 100, 300, ["MLII", "V1"], cols))
    write("wfdb/format-disagrees/rec.dat", fmt212(cols))
    case("wfdb/format-disagrees/rec", "dump", 1, "rec.dat")

    # Length claims that would need gigabytes: refused by the limit check before any allocation.
    write("wfdb/huge-length/rec.hea", header("rec", 500, 4_000_000_000, LEADS12))
    write("wfdb/huge-length/rec.dat", b"\0" * 24)
    case("wfdb/huge-length/rec", "dump", 1, "rec", "limit")
    case("wfdb/huge-length/rec", "classify", 1, "rec", "limit")

    write("wfdb/huge-length-int64/rec.hea", header("rec", 500, 9_223_372_036_854_775_807, ["II"]))
    write("wfdb/huge-length-int64/rec.dat", b"\0" * 24)
    case("wfdb/huge-length-int64/rec", "dump", 1, "rec")

    write("wfdb/length-overflows-int64/rec.hea", header("rec", 500, "99999999999999999999999", ["II"]))
    write("wfdb/length-overflows-int64/rec.dat", b"\0" * 24)
    case("wfdb/length-overflows-int64/rec", "info", 1, "rec.hea", "length")

    write("wfdb/huge-signal-count/rec.hea", "rec 100000 500 10\nrec.dat 16 200 16 0 0 0 0 I\n")
    write("wfdb/huge-signal-count/rec.dat", b"\0" * 20)
    case("wfdb/huge-signal-count/rec", "info", 1, "rec.hea", "100000")

    lines = ["rec 65 500 10"] + ["rec.dat 16 200 16 0 0 0 0 S%d" % k for k in range(65)]
    write("wfdb/too-many-signals/rec.hea", "\n".join(lines) + "\n")
    write("wfdb/too-many-signals/rec.dat", b"\0" * (65 * 10 * 2))
    case("wfdb/too-many-signals/rec", "info", 1, "rec.hea", "64")

    write("wfdb/huge-samples-per-frame/rec.hea",
          "rec 1 500 1000000\nrec.dat 16x100000000 200 16 0 0 0 0 II\n")
    write("wfdb/huge-samples-per-frame/rec.dat", b"\0" * 24)
    case("wfdb/huge-samples-per-frame/rec", "dump", 1, "rec.hea", "samples per frame")

    write("wfdb/huge-byte-offset/rec.hea", "rec 1 500 10\nrec.dat 16+99999999999 200 16 0 0 0 0 II\n")
    write("wfdb/huge-byte-offset/rec.dat", b"\0" * 20)
    case("wfdb/huge-byte-offset/rec", "dump", 1, "rec.dat")

    write("wfdb/huge-skew/rec.hea", "rec 1 500 10\nrec.dat 16:2000000000 200 16 0 0 0 0 II\n")
    write("wfdb/huge-skew/rec.dat", b"\0" * 20)
    case("wfdb/huge-skew/rec", "dump", 1, "rec")

    write("wfdb/negative-skew/rec.hea", "rec 1 500 10\nrec.dat 16:-5 200 16 0 0 0 0 II\n")
    write("wfdb/negative-skew/rec.dat", b"\0" * 20)
    case("wfdb/negative-skew/rec", "dump", 1, "rec.hea", "skew")

    # Zero, negative and non-numeric fields.
    hea, dat = valid12("wfdb/zero-sampling-frequency", "rec")
    write("wfdb/zero-sampling-frequency/rec.hea", hea.replace("rec 12 100 ", "rec 12 0 ", 1))
    case("wfdb/zero-sampling-frequency/rec", "info", 1, "rec.hea", "sampling frequency")

    hea, dat = valid12("wfdb/negative-sampling-frequency", "rec")
    write("wfdb/negative-sampling-frequency/rec.hea", hea.replace("rec 12 100 ", "rec 12 -100 ", 1))
    case("wfdb/negative-sampling-frequency/rec", "info", 1, "rec.hea", "sampling frequency")

    hea, dat = valid12("wfdb/nan-sampling-frequency", "rec")
    write("wfdb/nan-sampling-frequency/rec.hea", hea.replace("rec 12 100 ", "rec 12 nan ", 1))
    case("wfdb/nan-sampling-frequency/rec", "info", 1, "rec.hea", "sampling frequency")

    hea, dat = valid12("wfdb/negative-length", "rec")
    write("wfdb/negative-length/rec.hea", hea.replace("rec 12 100 40", "rec 12 100 -5", 1))
    case("wfdb/negative-length/rec", "info", 1, "rec.hea", "length")

    hea, dat = valid12("wfdb/non-numeric-signal-count", "rec")
    write("wfdb/non-numeric-signal-count/rec.hea", hea.replace("rec 12 ", "rec twelve ", 1))
    case("wfdb/non-numeric-signal-count/rec", "info", 1, "rec.hea", "twelve")

    hea, dat = valid12("wfdb/negative-signal-count", "rec")
    write("wfdb/negative-signal-count/rec.hea", hea.replace("rec 12 ", "rec -12 ", 1))
    case("wfdb/negative-signal-count/rec", "info", 1, "rec.hea", "-12")

    hea, dat = valid12("wfdb/non-numeric-gain", "rec")
    write("wfdb/non-numeric-gain/rec.hea", hea.replace("200/mV", "abc/mV", 1))
    case("wfdb/non-numeric-gain/rec", "info", 1, "rec.hea", "abc")

    hea, dat = valid12("wfdb/negative-gain", "rec")
    write("wfdb/negative-gain/rec.hea", hea.replace(" 200/mV", " -200/mV"))
    case("wfdb/negative-gain/rec", "dump", 0)  # a negative gain is legal WFDB (inverted lead)

    hea, dat = valid12("wfdb/non-numeric-baseline", "rec")
    write("wfdb/non-numeric-baseline/rec.hea", hea.replace("200/mV", "200(x1)/mV", 1))
    case("wfdb/non-numeric-baseline/rec", "info", 1, "rec.hea", "x1")

    hea, dat = valid12("wfdb/non-numeric-format", "rec")
    write("wfdb/non-numeric-format/rec.hea", hea.replace("rec.dat 16 ", "rec.dat sixteen ", 1))
    case("wfdb/non-numeric-format/rec", "info", 1, "rec.hea", "sixteen")

    hea, dat = valid12("wfdb/zero-length", "rec")
    write("wfdb/zero-length/rec.hea", hea.replace("rec 12 100 40", "rec 12 100 0", 1))
    write("wfdb/zero-length/rec.dat", b"")
    case("wfdb/zero-length/rec", "info", 0)
    case("wfdb/zero-length/rec", "classify", 1, "rec", "samples")

    write("wfdb/zero-signals/rec.hea", "rec 0 500 0\n")
    case("wfdb/zero-signals/rec", "info", 0)
    case("wfdb/zero-signals/rec", "classify", 1, "rec")

    # Formats the reader does not know, or knows but does not decode.
    hea, dat = valid12("wfdb/unknown-format", "rec")
    write("wfdb/unknown-format/rec.hea", hea.replace("rec.dat 16 ", "rec.dat 999 "))
    case("wfdb/unknown-format/rec", "dump", 1, "999")

    # FLAC formats: 12 signals in one file (FLAC holds at most 8 channels).
    hea, dat = valid12("wfdb/flac-format", "rec")
    write("wfdb/flac-format/rec.hea", hea.replace("rec.dat 16 ", "rec.dat 516 "))
    case("wfdb/flac-format/rec", "dump", 1, "rec.dat", "8 channels")
    flac_cases()

    hea, dat = valid12("wfdb/format-0-signals", "rec")
    write("wfdb/format-0-signals/rec.hea", hea.replace("rec.dat 16 ", "rec.dat 0 "))
    case("wfdb/format-0-signals/rec", "info", 0)

    # Binary garbage where a header should be.
    garbage = bytes((i * 167 + 13) % 256 for i in range(512))
    write("wfdb/binary-header/rec.hea", garbage)
    case("wfdb/binary-header/rec", "info", 1, "rec.hea")

    write("wfdb/nul-in-header/rec.hea", b"rec 1 100 10\0\0\0\nrec.dat 16 200 16 0 0 0 0 II\n")
    write("wfdb/nul-in-header/rec.dat", b"\0" * 20)
    case("wfdb/nul-in-header/rec", "info", 0)  # NULs after the last field are ignored, as by WFDB

    # Non-UTF-8 text (Latin-1 lead name and comment) is carried through, not a crash.
    hea, dat = valid12("wfdb/latin1-header", "rec")
    hea = hea.replace(" V6\n", " V6\xe4\n") + "# Patient: M\xfcller, \xb5V\n"
    write("wfdb/latin1-header/rec.hea", hea.encode("latin-1"))
    case("wfdb/latin1-header/rec", "info", 0)

    # Windows line endings and a UTF-8 BOM are accepted.
    hea, dat = valid12("wfdb/crlf-header", "rec")
    write("wfdb/crlf-header/rec.hea", hea.replace("\n", "\r\n"))
    case("wfdb/crlf-header/rec", "dump", 0)

    # Record name in the header differs from the file name: accepted (rdsamp only warns).
    hea, dat = valid12("wfdb/name-mismatch", "rec")
    write("wfdb/name-mismatch/rec.hea", hea.replace("rec 12", "other 12", 1))
    case("wfdb/name-mismatch/rec", "info", 0)

    # Lines longer than any real header: a 20 kB lead description and comment.
    write("wfdb/long-line/rec.hea", "rec 1 100 10\nrec.dat 16 200 16 0 0 0 0 II " + "x" * 10_000 + "\n#" + "y" * 10_000 + "\n")
    write("wfdb/long-line/rec.dat", b"\0" * 20)
    case("wfdb/long-line/rec", "info", 0)

    # A base time that is not a time.
    hea, dat = valid12("wfdb/bad-base-time", "rec")
    write("wfdb/bad-base-time/rec.hea", hea.replace("rec 12 100 40", "rec 12 100 40 25:99:xx", 1))
    case("wfdb/bad-base-time/rec", "info", 1, "rec.hea", "25:99:xx")

    # The PhysioNet/CinC Challenge 2020/2021 header forms: base date first with a month name, and a
    # record named after its .mat file. Read, with a warning naming the form.
    hea, dat = valid12("wfdb/cinc-date-first", "rec", n=300)
    write("wfdb/cinc-date-first/rec.hea", hea.replace("rec 12 100 300", "rec 12 100 300 12-May-2020 12:33:59", 1))
    case("wfdb/cinc-date-first/rec", "info", 0, "12/05/2020", "date first, month name")
    case("wfdb/cinc-date-first/rec", "classify", 0, "NORM", "'12-May-2020 12:33:59'")
    hea, dat = valid12("wfdb/cinc-record-name-extension", "rec")
    write("wfdb/cinc-record-name-extension/rec.hea", hea.replace("rec 12 100 40", "rec.mat 12 100 40 05-May-2020 09:49:17", 1))
    case("wfdb/cinc-record-name-extension/rec", "info", 0, "record name 'rec.mat' ends in a file extension")
    # ... and what still is no date or time.
    for name, when, bad in [("cinc-garbage-date", "12-Foo-2020 12:33:59", "12-Foo-2020"),
                            ("cinc-day-32", "32-May-2020 12:33:59", "32-May-2020"),
                            ("cinc-garbage-time", "12-May-2020 12:77:59", "12:77:59"),
                            ("cinc-two-dates", "12-May-2020 12-May-2020", "unexpected field")]:
        hea, dat = valid12("wfdb/" + name, "rec")
        write("wfdb/%s/rec.hea" % name, hea.replace("rec 12 100 40", "rec 12 100 40 " + when, 1))
        case("wfdb/%s/rec" % name, "info", 1, "rec.hea", bad)

    # One-sample record: readable, too short to classify.
    valid12("wfdb/one-sample", "rec", n=1)
    case("wfdb/one-sample/rec", "info", 0)
    case("wfdb/one-sample/rec", "dump", 0)
    case("wfdb/one-sample/rec", "classify", 1, "rec", "2.5 s")
    case("wfdb/one-sample/rec", "beats", 0)  # no beat in 10 ms is a correct answer
    case("wfdb/one-sample/rec", "rhythm", 1, "rec")  # a heart rate of "0 bpm" is not
    case("wfdb/zero-signals/rec", "beats", 1, "rec")

    # A 2-lead MIT-BIH-like record (MLII + V1, 360 Hz, format 212): the 12-lead model cannot run.
    n = 3600
    cols = [ecg_like(n, 360, k) for k in range(2)]
    write("wfdb/two-lead-mitbih/rec.hea", header("rec", 360, n, ["MLII", "V1"], cols, fmt="212", adc="11 0"))
    write("wfdb/two-lead-mitbih/rec.dat", fmt212(cols))
    case("wfdb/two-lead-mitbih/rec", "info", 0)
    case("wfdb/two-lead-mitbih/rec", "classify", 1, "rec", "V2", "12-lead")
    case("wfdb/two-lead-mitbih/rec", "rhythm", 0, "beats")  # beats and rhythm work on any leads

    # Limb leads only (I, II): the precordial leads are missing and cannot be derived.
    cols = [ecg_like(300, 100, k) for k in range(2)]
    write("wfdb/limb-leads-only/rec.hea", header("rec", 100, 300, ["I", "II"], cols))
    write("wfdb/limb-leads-only/rec.dat", fmt16(cols))
    case("wfdb/limb-leads-only/rec", "classify", 1, "rec", "V1", "12-lead")

    # Sampling rates far from the model's 100 Hz. 0.01 Hz: 3000 samples are 83 hours, 30 million
    # samples per lead after resampling to 100 Hz (1.4 GB for 12 leads): refused by a limit, not by
    # running out of memory. 1 MHz: 40 samples are 0.04 ms, too short.
    leads8 = ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"]
    cols = [[max(-128, min(127, v // 4)) for v in ecg_like(3000, 100, k)] for k in range(8)]
    write("wfdb/very-low-rate/rec.hea", header("rec", 0.01, 3000, leads8, cols, fmt="80", adc="8 0"))
    write("wfdb/very-low-rate/rec.dat", bytes((v + 128) & 0xFF for frame in zip(*cols) for v in frame))
    case("wfdb/very-low-rate/rec", "info", 0)
    case("wfdb/very-low-rate/rec", "classify", 1, "rec", "too slowly for an ECG")
    case("wfdb/very-low-rate/rec", "beats", 1, "rec", "50 Hz")

    hea, dat = valid12("wfdb/very-high-rate", "rec")
    write("wfdb/very-high-rate/rec.hea", hea.replace("rec 12 100 40", "rec 12 1000000 40", 1))
    case("wfdb/very-high-rate/rec", "classify", 1, "rec", "2.5 s")

    # Null signals (format 0: no samples stored) are all invalid: nothing to classify (a result would
    # be the model's answer for a flat line, a silent wrong answer).
    hea, dat = valid12("wfdb/null-signals", "rec")
    write("wfdb/null-signals/rec.hea", hea.replace("rec.dat 16 ", "~ 0 "))
    os.remove(os.path.join(ROOT, "wfdb/null-signals/rec.dat"))
    case("wfdb/null-signals/rec", "dump", 0)
    case("wfdb/null-signals/rec", "classify", 1, "rec", "no valid")
    # No data is not "0 beats, 0 bpm" (which reads as asystole).
    case("wfdb/null-signals/rec", "beats", 1, "rec", "no valid")
    case("wfdb/null-signals/rec", "rhythm", 1, "rec", "no valid")

    # Byte offset (.mat style) past the end of the file.
    hea, dat = valid12("wfdb/offset-past-end", "rec")
    write("wfdb/offset-past-end/rec.hea", hea.replace("rec.dat 16 ", "rec.dat 16+100000 "))
    case("wfdb/offset-past-end/rec", "dump", 1, "rec.dat")

    # Multi-segment records: a missing segment, a segment that is itself multi-segment (would recurse
    # forever if followed), and segment lengths that do not add up.
    write("wfdb/segment-missing/rec.hea", "rec/2 1 100 20\nseg1 10\nseg2 10\n")
    write("wfdb/segment-missing/seg1.hea", "seg1 1 100 10\nseg1.dat 16 200 16 0 0 0 0 II\n")
    write("wfdb/segment-missing/seg1.dat", b"\0" * 20)
    case("wfdb/segment-missing/rec", "dump", 1, "seg2")

    write("wfdb/segment-recursive/rec.hea", "rec/1 1 100 10\nrec 10\n")
    case("wfdb/segment-recursive/rec", "dump", 1, "rec")

    write("wfdb/segment-huge-count/rec.hea", "rec/100000000 1 100 10\nseg1 10\n")
    case("wfdb/segment-huge-count/rec", "info", 1, "rec.hea")

    write("wfdb/segment-length-mismatch/rec.hea", "rec/1 1 100 50\nseg1 50\n")
    write("wfdb/segment-length-mismatch/seg1.hea", "seg1 1 100 10\nseg1.dat 16 200 16 0 0 0 0 II\n")
    write("wfdb/segment-length-mismatch/seg1.dat", b"\0" * 20)
    case("wfdb/segment-length-mismatch/rec", "dump", 1, "seg1", "rec.hea", "50")

    # Signal file name that escapes the record's directory is not followed.
    hea, dat = valid12("wfdb/file-name-with-path", "rec")
    write("wfdb/file-name-with-path/rec.hea", hea.replace("rec.dat ", "../../../../../../../../etc/passwd "))
    case("wfdb/file-name-with-path/rec", "dump", 1, "passwd")


def annotation_cases():
    """MIT-format annotation files next to a valid 2-lead header, read by `ecglite ann REC atr`."""
    hea = "rec 2 360 3600\nrec.dat 212 200 11 1024 0 0 0 MLII\nrec.dat 212 200 11 1024 0 0 0 V1\n"
    beats = b"".join(ann_word(1, 300) for _ in range(10))

    def ann_case(name, atr, status, *expected):
        write("ann/%s/rec.hea" % name, hea)
        if atr is not None:
            write("ann/%s/rec.atr" % name, atr)
        case("ann/%s/rec" % name, "ann atr", status, *expected)

    ann_case("valid", ann_word(28, 5) + ann_aux("(N") + beats + b"\0\0", 0, "(N")
    ann_case("empty", b"", 0)
    ann_case("missing", None, 1, "rec.atr")
    ann_case("garbage", bytes((i * 193 + 71) % 256 for i in range(301)), 1, "rec.atr")
    ann_case("aux-cut-short", beats + ann_word(63, 200) + b"(AFIB", 1, "rec.atr")
    ann_case("skip-cut-short", beats + ann_word(59, 0) + b"\1\0", 1, "rec.atr")
    # A SKIP backwards past the start of the record: an annotation at a negative time is corrupt.
    ann_case("negative-time", beats + ann_word(59, 0) + struct.pack("<HH", 0xFFFF, 0x0000) + ann_word(1, 1) + b"\0\0",
             1, "rec.atr", "negative")
    # Latin-1 text in an aux string (a note typed on an old system): shown as valid UTF-8.
    ann_case("latin1-aux", ann_word(22, 5) + ann_aux("Br\xfcckner") + b"\0\0", 0, "Br\u00fcckner")
    # A signal file given as annotations: its first sample (0) reads as the end-of-file word, and
    # the rest is ignored without a word (WFDB does the same); the user must at least be warned.
    ann_case("signal-file", fmt16([ecg_like(300, 360, k) for k in range(2)]), 0, "rec.atr")


def csv_text(rows_, sep=","):
    return "\n".join(sep.join(str(v) for v in r) for r in rows_) + "\n"


def valid_csv_rows(n=50, fs=100, leads=LEADS12):
    cols = [[v / 200 for v in ecg_like(n, fs, k)] for k in range(len(leads))]
    rows_ = [["time"] + leads]
    for i in range(n):
        rows_.append(["%.3f" % (i / fs)] + ["%.4f" % c[i] for c in cols])
    return rows_


def csv_cases():
    write("csv/valid.csv", csv_text(valid_csv_rows(n=260)))
    case("csv/valid.csv", "info", 0)
    case("csv/valid.csv", "classify", 0, "NORM")

    write("csv/empty.csv", b"")
    case("csv/empty.csv", "info", 1, "empty.csv", "empty")

    write("csv/whitespace-only.csv", "\n\n   \n\t\n")
    case("csv/whitespace-only.csv", "info", 1, "whitespace-only.csv")

    write("csv/header-only.csv", "time,I,II,III\n")
    case("csv/header-only.csv", "info", 1, "header-only.csv")

    garbage = bytes((i * 131 + 7) % 256 for i in range(2048))
    write("csv/binary-garbage.csv", garbage)
    case("csv/binary-garbage.csv", "info", 1, "binary-garbage.csv")

    # A WFDB signal file renamed to .csv.
    dat = fmt16([ecg_like(100, 100, k) for k in range(12)])
    write("csv/binary-signal.csv", dat)
    case("csv/binary-signal.csv", "info", 1, "binary-signal.csv")

    rows_ = valid_csv_rows(n=260)
    rows_[10][3] = "NaN"
    rows_[20][5] = "nan"
    write("csv/nan-cells.csv", csv_text(rows_))
    case("csv/nan-cells.csv", "info", 0)
    case("csv/nan-cells.csv", "classify", 0, "NORM")

    rows_ = valid_csv_rows(n=260)
    rows_[10][3] = "inf"
    rows_[11][4] = "-Infinity"
    write("csv/inf-cells.csv", csv_text(rows_))
    case("csv/inf-cells.csv", "classify", 0, "NORM")

    rows_ = valid_csv_rows(n=260)
    rows_[10][3] = ""
    rows_[12][4] = " "
    write("csv/empty-cells.csv", csv_text(rows_))
    case("csv/empty-cells.csv", "classify", 0, "NORM")

    rows_ = valid_csv_rows()
    for r in rows_[1:]:
        r[2] = ""
    write("csv/empty-column.csv", csv_text(rows_))
    case("csv/empty-column.csv", "info", 0)

    rows_ = valid_csv_rows()
    rows_[42] = rows_[42][:5]
    write("csv/ragged-short-row.csv", csv_text(rows_))
    case("csv/ragged-short-row.csv", "info", 1, "ragged-short-row.csv", "43")

    rows_ = valid_csv_rows()
    rows_[42] = rows_[42] + ["1.0", "2.0"]
    write("csv/ragged-long-row.csv", csv_text(rows_))
    case("csv/ragged-long-row.csv", "info", 1, "ragged-long-row.csv", "43")

    rows_ = valid_csv_rows()
    rows_[7][6] = "abc"
    write("csv/non-numeric-cell.csv", csv_text(rows_))
    case("csv/non-numeric-cell.csv", "info", 1, "non-numeric-cell.csv", "abc")

    rows_ = valid_csv_rows()
    rows_[7][6] = "1e999999"
    write("csv/overflowing-number.csv", csv_text(rows_))
    case("csv/overflowing-number.csv", "info", 0)

    # No time column and no rate: the rate cannot be inferred.
    rows_ = [r[1:] for r in valid_csv_rows()]
    write("csv/no-rate.csv", csv_text(rows_))
    case("csv/no-rate.csv", "info", 1, "no-rate.csv", "--rate")

    # Time column that does not advance / goes backwards / has one row.
    rows_ = valid_csv_rows()
    for r in rows_[1:]:
        r[0] = "0.000"
    write("csv/constant-time.csv", csv_text(rows_))
    case("csv/constant-time.csv", "info", 1, "constant-time.csv", "time")

    rows_ = valid_csv_rows()
    rows_[1:] = rows_[1:][::-1]
    write("csv/backwards-time.csv", csv_text(rows_))
    case("csv/backwards-time.csv", "info", 1, "backwards-time.csv", "time")

    write("csv/one-row.csv", csv_text(valid_csv_rows(n=1)))
    case("csv/one-row.csv", "info", 1, "one-row.csv", "time")

    write("csv/one-row-with-rate.csv", "Sample Rate,500 hertz\n" + csv_text([r[1:] for r in valid_csv_rows(n=1)]))
    case("csv/one-row-with-rate.csv", "info", 0)
    case("csv/one-row-with-rate.csv", "classify", 1, "one-row-with-rate.csv", "2.5 s")

    write("csv/zero-rate-preamble.csv", "Sample Rate,0 hertz\n" + csv_text([r[1:] for r in valid_csv_rows()]))
    case("csv/zero-rate-preamble.csv", "info", 1, "zero-rate-preamble.csv", "0 hertz")

    write("csv/negative-rate-preamble.csv", "Sample Rate,-500 hertz\n" + csv_text([r[1:] for r in valid_csv_rows()]))
    case("csv/negative-rate-preamble.csv", "info", 1, "negative-rate-preamble.csv", "-500")

    # Too many columns (limit: 64 signals).
    rows_ = [["time"] + ["c%d" % k for k in range(65)]]
    for i in range(10):
        rows_.append(["%.2f" % (i / 100)] + ["0"] * 65)
    write("csv/too-many-columns.csv", csv_text(rows_))
    case("csv/too-many-columns.csv", "info", 1, "too-many-columns.csv", "64")

    # Columns without lead names: readable, but the 12-lead model cannot run.
    rows_ = valid_csv_rows(n=260, leads=["a", "b", "c"])
    write("csv/unknown-columns.csv", csv_text(rows_))
    case("csv/unknown-columns.csv", "classify", 1, "unknown-columns.csv", "12-lead")

    # Two leads (MIT-BIH-like export).
    rows_ = valid_csv_rows(n=1000, fs=360, leads=["MLII", "V1"])
    write("csv/two-lead.csv", csv_text(rows_))
    case("csv/two-lead.csv", "classify", 1, "two-lead.csv", "V2", "12-lead")

    # Non-UTF-8 text: a Latin-1 micro sign in the units, Latin-1 in a preamble line.
    rows_ = valid_csv_rows()
    text = "Patient,M\xfcller\n" + csv_text(rows_).replace("time,", "time (s),", 1)
    text = text.replace("V6\n", "V6 (\xb5V)\n", 1)
    write("csv/latin1.csv", text.encode("latin-1"))
    case("csv/latin1.csv", "info", 0)

    # UTF-8 byte-order mark before the header.
    write("csv/utf8-bom.csv", b"\xef\xbb\xbf" + csv_text(valid_csv_rows(n=260)).encode())
    case("csv/utf8-bom.csv", "classify", 0, "NORM")

    # UTF-16 export (some spreadsheet programs): not silently misread.
    write("csv/utf16.csv", csv_text(valid_csv_rows(n=20)).encode("utf-16"))
    case("csv/utf16.csv", "info", 1, "utf16.csv")

    # Unterminated quote.
    write("csv/unterminated-quote.csv", '"time,I,II\n0,1,2\n0.01,1,2\n')
    case("csv/unterminated-quote.csv", "info", 1, "unterminated-quote.csv", "quote")

    # Duplicate lead names.
    rows_ = valid_csv_rows(n=260, leads=LEADS12[:11] + ["I"])
    write("csv/duplicate-leads.csv", csv_text(rows_))
    case("csv/duplicate-leads.csv", "classify", 1, "duplicate-leads.csv", "I")

    # Polar H10 via Polar Sensor Logger: three clocks, one lead in uV at 130 Hz. The phone's time is
    # a packet's arrival (repeated); a lost packet or packets out of order leave the rate unknown.
    def polar(rows_):
        lines = ["Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]"]
        for i in rows_:
            ns = round(i * 1e9 / 130)
            lines.append("2024-03-01T10:15:%06.3f;%d;%.6f;%d" % (2.5 + (i // 73) * 73 / 130, 599618523184386304 + ns,
                                                                ns / 1e6, ecg_like(i + 1, 130, 0)[-1] * 5))
        return "\n".join(lines) + "\n"
    write("csv/polar.txt", polar(range(390)))
    case("csv/polar.txt", "info", 0, "130 Hz", "ecg (uV)")
    case("csv/polar.txt", "rhythm", 0, "130 Hz")
    write("csv/polar-lost-packet.txt", polar([i for i in range(390) if not 146 <= i < 219]))
    case("csv/polar-lost-packet.txt", "info", 1, "polar-lost-packet.txt", "'sensor timestamp [ns]' is not evenly spaced")
    write("csv/polar-packets-swapped.txt", polar(list(range(146)) + list(range(219, 292)) + list(range(146, 219))))
    case("csv/polar-packets-swapped.txt", "info", 1, "polar-packets-swapped.txt",
         "'sensor timestamp [ns]' does not increase")
    # A column of clock values under another name is time, not a lead.
    rows_ = [["Zeitstempel"] + r[1:] for r in valid_csv_rows(n=260)[:1]]
    rows_ += [[str(1709288102000 + 10 * i)] + r[1:] for i, r in enumerate(valid_csv_rows(n=260)[1:])]
    write("csv/epoch-ms-column.csv", csv_text(rows_))
    case("csv/epoch-ms-column.csv", "classify", 0, "NORM", "taken as time")


def edf_bytes(signals, records=1, duration="1", reserved="EDF+C", annotation_bytes=60, onsets=None, tals=None,
              header_size=None, num_records=None, bdf=False, data=None):
    """An EDF/EDF+/BDF file. signals: dicts with label, dim, pmin, pmax, dmin, dmax, spr and samples (every
    record's, in order). An annotation signal of annotation_bytes per record is appended when > 0; each
    record starts with its time-keeping TAL (onsets[k], default k x duration), then tals[k] (bytes)."""
    def field(v, w):
        v = str(v).encode("latin-1")[:w]
        return v + b" " * (w - len(v))
    bps = 3 if bdf else 2
    sigs = [dict(x) for x in signals]
    if annotation_bytes > 0:
        sigs.append({"label": "BDF Annotations" if bdf else "EDF Annotations", "dim": "", "pmin": -1, "pmax": 1,
                     "dmin": -8388608 if bdf else -32768, "dmax": 8388607 if bdf else 32767,
                     "spr": (annotation_bytes + bps - 1) // bps})
    ns = len(sigs)
    h = (b"\xffBIOSEMI" if bdf else field("0", 8)) + field("X X X X", 80) + field("Startdate X X X X", 80)
    h += field("01.01.24", 8) + field("10.00.00", 8) + field(header_size or 256 * (ns + 1), 8) + field(reserved, 44)
    h += field(records if num_records is None else num_records, 8) + field(duration, 8) + field(ns, 4)
    for key, width in (("label", 16), ("tr", 80), ("dim", 8), ("pmin", 8), ("pmax", 8), ("dmin", 8), ("dmax", 8),
                       ("pf", 80), ("spr", 8), ("res", 32)):
        h += b"".join(field(x.get(key, ""), width) for x in sigs)
    if data is not None:
        return h + data
    body = bytearray()
    for k in range(records):
        for x in signals:
            spr = x["spr"]
            for v in x["samples"][k * spr:(k + 1) * spr]:
                body += (v & 0xFFFFFF).to_bytes(3, "little") if bdf else struct.pack("<h", v)
        if annotation_bytes > 0:
            onset = onsets[k] if onsets else k * float(duration)
            a = b"+" + ("%.6f" % onset).rstrip("0").rstrip(".").encode() + b"\x14\x14\x00" + (tals[k] if tals and k < len(tals) else b"")
            body += a[:sigs[-1]["spr"] * bps].ljust(sigs[-1]["spr"] * bps, b"\x00")
    return h + bytes(body)


def edf_lead(label, samples, spr=100, dim="uV", pmin=-163840, pmax=163835, dmin=-32768, dmax=32767):
    return {"label": label, "dim": dim, "pmin": pmin, "pmax": pmax, "dmin": dmin, "dmax": dmax, "spr": spr,
            "samples": samples}


def edf_cases():
    # 10 s of 12-lead ECG at 100 Hz, EDF+C with one annotation; physical -163840..163835 uV over the
    # 16-bit range is ecg_like's 200 units per mV.
    leads12 = [edf_lead(name, ecg_like(1000, 100, k)) for k, name in enumerate(LEADS12)]
    note = [b"+2.5\x151\x14Arousal\x14\x00"]
    write("edf/valid.edf", edf_bytes(leads12, records=10, tals=[b"", b""] + note))
    case("edf/valid.edf", "info", 0, "EDF+C", "V6")
    case("edf/valid.edf", "ann", 0, "Arousal")
    case("edf/valid.edf", "classify", 0, "NORM")
    case("edf/valid.edf", "info --rate 500", 1, "valid.edf", "state their rate")
    two = [edf_lead("ECG I", ecg_like(512, 256, 0), spr=256), edf_lead("ECG II", ecg_like(512, 256, 1), spr=256)]
    write("edf/valid-bdf.bdf", edf_bytes(two, records=2, reserved="24BIT", annotation_bytes=0, bdf=True))
    case("edf/valid-bdf.bdf", "info", 0, "BDF")
    write("edf/not-edf.edf", "I,II\n1,2\n")
    case("edf/not-edf.edf", "info", 1, "not-edf.edf", "not an EDF or BDF file")
    write("edf/empty.edf", b"")
    case("edf/empty.edf", "info", 1, "empty.edf", "not an EDF or BDF file")
    one = [edf_lead("ECG II", ecg_like(100, 100, 1))]
    good = edf_bytes(one)
    write("edf/short-header.edf", good[:300])
    case("edf/short-header.edf", "info", 1, "short-header.edf", "ends inside its header")
    write("edf/header-size.edf", edf_bytes(one, header_size=512))
    case("edf/header-size.edf", "info", 1, "header-size.edf", "header size 512 does not match")
    bad = dict(one[0], pmax="abc")
    write("edf/non-numeric-physical.edf", edf_bytes([bad]))
    case("edf/non-numeric-physical.edf", "info", 1, "non-numeric-physical.edf", "physical maximum 'abc' is not a number")
    write("edf/digital-min-equals-max.edf", edf_bytes([dict(one[0], dmin=100, dmax=100)]))
    case("edf/digital-min-equals-max.edf", "info", 1, "digital minimum 100 equals the digital maximum")
    write("edf/physical-min-equals-max.edf", edf_bytes([dict(one[0], pmin=5, pmax=5)]))
    case("edf/physical-min-equals-max.edf", "info", 1, "physical minimum equals the physical maximum")
    write("edf/zero-signals.edf", edf_bytes([], annotation_bytes=0, reserved=""))
    case("edf/zero-signals.edf", "info", 1, "number of signals 0")
    write("edf/too-many-signals.edf", edf_bytes([edf_lead("S%d" % k, [0], spr=1) for k in range(65)],
                                                annotation_bytes=0, reserved=""))
    case("edf/too-many-signals.edf", "info", 1, "65 signals, more than the limit of 64")
    write("edf/truncated-data.edf", good[:-10])
    case("edf/truncated-data.edf", "dump", 1, "truncated-data.edf", "truncated")
    write("edf/huge-record-count.edf", edf_bytes(one, num_records=99999999))
    case("edf/huge-record-count.edf", "classify", 1, "huge-record-count.edf", "truncated")
    write("edf/plus-without-annotations.edf", edf_bytes(one, annotation_bytes=0))
    case("edf/plus-without-annotations.edf", "info", 1, "without an 'EDF Annotations' signal")
    three = [edf_lead("ECG II", ecg_like(300, 100, 1))]
    write("edf/overlapping-records.edf", edf_bytes(three, records=3, reserved="EDF+D", onsets=[0, 1, 1.5]))
    case("edf/overlapping-records.edf", "info", 1, "data record 2 starts at 1.5 s, before data record 1 ends")
    write("edf/huge-gap.edf", edf_bytes(three, records=3, reserved="EDF+D", onsets=[0, 1, 9e6]))
    case("edf/huge-gap.edf", "classify", 1, "huge-gap.edf", "gaps included", "limit")
    write("edf/unterminated-annotation.edf", edf_bytes(one, annotation_bytes=12, tals=[b"+0.5\x14Arousal"]))
    case("edf/unterminated-annotation.edf", "ann", 1, "unterminated-annotation.edf", "not terminated")
    write("edf/gap.edf", edf_bytes(three, records=3, reserved="EDF+D", onsets=[0, 1, 4]))
    case("edf/gap.edf", "info", 0, "1 gap between data records (EDF+D) read as invalid samples")
    resp = [dict(edf_lead("Resp chest", [0] * 100, dim=""))]
    write("edf/no-ecg.edf", edf_bytes(resp))
    case("edf/no-ecg.edf", "info", 0, "left out (not an ECG)")
    case("edf/no-ecg.edf", "classify", 1, "no-ecg", "no ECG signal among its 1 signals")
    write("edf/annotations-only.edf", edf_bytes([], duration="0", tals=[b"+0\x1530\x14Sleep stage W\x14\x00"]))
    case("edf/annotations-only.edf", "ann", 0, "Sleep stage W")
    case("edf/annotations-only.edf", "classify", 1, "annotations-only", "only annotations")


def main():
    if os.path.isdir(ROOT):
        for entry in os.listdir(ROOT):
            path = os.path.join(ROOT, entry)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    wfdb_cases()
    annotation_cases()
    csv_cases()
    edf_cases()
    with open(os.path.join(ROOT, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("# Written by scripts/reference/make_bad_inputs.py; run by tests/cpp/robustness_corpus_test.cpp.\n")
        f.write("# path (relative to this directory)\tcommand\texpected exit status\tsubstrings the message"
                " (stderr on failure, stdout + stderr on success) must contain...\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("wrote %d cases to %s" % (len(rows), os.path.normpath(ROOT)))


if __name__ == "__main__":
    main()
