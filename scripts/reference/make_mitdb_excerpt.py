#!/usr/bin/python3
"""A 20 s excerpt of MIT-BIH Arrhythmia Database record 205 with its reference annotations, for the
annotation reader, QRS detector and rhythm summary tests (tests/cpp/{annotations,qrs,rhythm}_test.cpp).

    /usr/bin/python3 scripts/reference/make_mitdb_excerpt.py [DATA_DIR]

DATA_DIR defaults to ../shared/data. Writes tests/fixtures/mitdb/205_20s.{hea,dat,atr} and
205_20s.expected (the reference annotations as `ecglite ann --full` prints them: sample, symbol,
subtype, chan, num, aux). Rerunning produces byte-identical files.

The excerpt (samples 104400-111600, 4:50-5:10) holds two runs of ventricular tachycardia, normal
beats, an atrial premature beat and a fusion beat. The format 212 bytes are copied unchanged (a
frame of two 12-bit samples is 3 bytes); the header gets the new length and the 16-bit checksums of
the excerpt's samples. The annotations are re-encoded with WFDB's putann rules (SKIP for intervals
over 1023, CHN/NUM only when they change, AUX padded to an even length), times made relative to the
excerpt, preceded by a rhythm annotation at sample 0 carrying the rhythm in effect at the excerpt's
start (as MIT-BIH records begin with one).

Source: MIT-BIH Arrhythmia Database 1.0.0 (PhysioNet, ODC-BY 1.0). Moody GB, Mark RG. The impact
of the MIT-BIH Arrhythmia Database. IEEE Eng in Med and Biol 20(3):45-50 (2001). Goldberger AL et
al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation 101(23):e215-e220 (2000).
"""
import os
import struct
import sys

RECORD = "205"
START, LENGTH = 104400, 7200
NAME = "205_20s"


def read_annotations(data):
    """Raw MIT-format annotations: (time, code, subtype, chan, num, aux bytes or None)."""
    out, pos, t, chan, num = [], 0, 0, 0, 0
    while pos + 1 < len(data):
        w = data[pos] | data[pos + 1] << 8
        pos += 2
        if w == 0:
            break
        code, d = w >> 10, w & 0x3FF
        if code == 59:
            hi, lo = struct.unpack_from("<HH", data, pos)
            pos += 4
            v = hi << 16 | lo
            t += v - (1 << 32) if v >= 1 << 31 else v
        elif code == 60:
            num = d
            out[-1][4] = num
        elif code == 61:
            out[-1][2] = d
        elif code == 62:
            chan = d
            out[-1][3] = chan
        elif code == 63:
            n = w & 0xFF
            out[-1][5] = bytes(data[pos:pos + n])
            pos += (n + 1) & ~1
        else:
            t += d
            out.append([t, code, 0, chan, num, None])
    return out


def write_annotations(anns):
    out, prev_t, prev_chan, prev_num = bytearray(), 0, 0, 0
    for t, code, sub, chan, num, aux in anns:
        delta = t - prev_t
        if delta > 1023 or delta < 0:
            out += struct.pack("<HHH", 59 << 10, (delta >> 16) & 0xFFFF, delta & 0xFFFF)
            delta = 0
        out += struct.pack("<H", code << 10 | delta)
        if sub:
            out += struct.pack("<H", 61 << 10 | (sub & 0x3FF))
        if chan != prev_chan:
            out += struct.pack("<H", 62 << 10 | (chan & 0x3FF))
        if num != prev_num:
            out += struct.pack("<H", 60 << 10 | (num & 0x3FF))
        if aux:
            out += struct.pack("<H", 63 << 10 | len(aux)) + aux + (b"\0" if len(aux) % 2 else b"")
        prev_t, prev_chan, prev_num = t, chan, num
    return bytes(out + b"\0\0")


def decode_212(data, nsig):
    vals = []
    for i in range(0, len(data) - 2, 3):
        b0, b1, b2 = data[i], data[i + 1], data[i + 2]
        for v in (b0 | (b1 & 0x0F) << 8, b2 | (b1 & 0xF0) << 4):
            vals.append(v - 4096 if v > 2047 else v)
    return [vals[s::nsig] for s in range(nsig)]


SYMBOLS = {1: "N", 5: "V", 6: "F", 8: "A", 28: "+", 14: "~"}


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data")
    src = os.path.join(data_dir, "mitdb")
    out_dir = os.path.join(root, "tests", "fixtures", "mitdb")
    os.makedirs(out_dir, exist_ok=True)

    header = open(os.path.join(src, RECORD + ".hea")).read().splitlines()
    nsig = int(header[0].split()[1])
    assert nsig == 2
    dat = open(os.path.join(src, RECORD + ".dat"), "rb").read()
    part = dat[START * 3:(START + LENGTH) * 3]
    signals = decode_212(part, nsig)
    lines = ["%s %d 360 %d" % (NAME, nsig, LENGTH)]
    for s in range(nsig):
        f = header[1 + s].split()
        f[0] = NAME + ".dat"
        f[5] = str(signals[s][0])                  # initial value
        f[6] = str(sum(signals[s]) & 0xFFFF if sum(signals[s]) & 0xFFFF < 32768
                   else (sum(signals[s]) & 0xFFFF) - 65536)  # checksum
        lines.append(" ".join(f))
    lines.append("# Excerpt of MIT-BIH Arrhythmia Database record 205, samples %d-%d "
                 "(PhysioNet, ODC-BY 1.0)" % (START, START + LENGTH))
    open(os.path.join(out_dir, NAME + ".hea"), "w").write("\n".join(lines) + "\n")
    open(os.path.join(out_dir, NAME + ".dat"), "wb").write(part)

    anns = read_annotations(open(os.path.join(src, RECORD + ".atr"), "rb").read())
    rhythm = None
    for a in anns:
        if a[0] < START and a[1] == 28:
            rhythm = a[5]
    inside = [[a[0] - START] + a[1:] for a in anns if START <= a[0] < START + LENGTH]
    assert rhythm is not None
    excerpt = [[0, 28, 0, 0, 0, rhythm]] + inside
    open(os.path.join(out_dir, NAME + ".atr"), "wb").write(write_annotations(excerpt))
    with open(os.path.join(out_dir, NAME + ".expected"), "w") as f:
        for t, code, sub, chan, num, aux in excerpt:
            text = aux.split(b"\0")[0].decode("latin-1") if aux else ""
            f.write("%d\t%s\t%d\t%d\t%d\t%s\n" % (t, SYMBOLS[code], sub, chan, num, text))


if __name__ == "__main__":
    main()
