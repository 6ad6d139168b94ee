#!/usr/bin/python3
"""A synthetic record laid out like the MIT-BIH Noise Stress Test records, for `qrs-eval
--nst-noisy-only` (tests/cpp/qrs_test.cpp).

    /usr/bin/python3 scripts/reference/make_nst_fixture.py

Writes tests/fixtures/nst/sched.{hea,atr}: one lead, 50 Hz, 560 s (9:20), format 80, a
triangular QRS every second. The reference annotates a normal beat every second throughout, but
the signal has no QRS for 40 s inside the clean segment 7:00-9:00 (between nst's noisy segments
5:00-7:00 and 9:00-11:00): the whole record misses at least those 40 beats, its noisy segments
(5:00-7:00 and 9:00-9:20, 140 beats) none.
Rerunning produces byte-identical files.
"""
import os

from make_mitdb_excerpt import write_annotations

NAME, RATE, SECONDS = "sched", 50, 560
SILENT = (460, 500)  # seconds without QRS, inside the clean segment 7:00-9:00


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out_dir = os.path.join(root, "tests", "fixtures", "nst")
    os.makedirs(out_dir, exist_ok=True)
    n = RATE * SECONDS
    signal = [0] * n
    for sec in range(SECONDS):
        if SILENT[0] <= sec < SILENT[1]:
            continue
        c = sec * RATE + RATE // 2  # beat in the middle of each second
        for d, v in ((-2, 30), (-1, 70), (0, 100), (1, 40), (2, -20), (3, -10)):
            signal[c + d] = v
    data = bytes((v + 128) & 0xFF for v in signal)  # format 80: offset binary
    checksum = sum(signal) & 0xFFFF
    checksum = checksum - 65536 if checksum >= 32768 else checksum
    header = ["%s 1 %d %d" % (NAME, RATE, n),
              "%s.dat 80 100 8 0 %d %d 0 MLII" % (NAME, signal[0], checksum),
              "# Synthetic: made by scripts/reference/make_nst_fixture.py"]
    with open(os.path.join(out_dir, NAME + ".hea"), "w") as f:
        f.write("\n".join(header) + "\n")
    with open(os.path.join(out_dir, NAME + ".dat"), "wb") as f:
        f.write(data)
    beats = [[sec * RATE + RATE // 2, 1, 0, 0, 0, None] for sec in range(SECONDS)]
    with open(os.path.join(out_dir, NAME + ".atr"), "wb") as f:
        f.write(write_annotations(beats))


if __name__ == "__main__":
    main()
