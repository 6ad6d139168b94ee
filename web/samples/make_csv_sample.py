#!/usr/bin/python3
"""Writes ptbxl-06003.csv, the page's CSV sample, from the genuine PTB-XL record 6003 as distributed
by the PhysioNet/CinC Challenge 2021 (HR06003.hea/.mat: format 16, 24-byte offset, gain 1000/mV,
baseline 0). Values are written as integer microvolts, exact for this gain.

usage: /usr/bin/python3 web/samples/make_csv_sample.py [DATA_DIR]   (default ../shared/data)
"""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "shared", "data")
record = os.path.join(data, "ptbxl-raw", "cinc2021", "HR06003")

with open(record + ".hea") as f:
    lines = [line.split() for line in f.read().splitlines() if line and not line.startswith("#")]
name, n_sig, fs, n = lines[0][0], int(lines[0][1]), float(lines[0][2]), int(lines[0][3])
signals = lines[1 : 1 + n_sig]
for s in signals:
    assert s[1] == "16x1+24" and s[2].startswith("1000") and s[4] == "0", s  # layout this script handles
leads = [s[8] for s in signals]
digital = np.fromfile(record + ".mat", dtype="<i2", offset=24, count=n * n_sig).reshape(n, n_sig)
microvolts = digital.astype(np.int64)  # gain 1000 per mV, baseline 0: 1 ADC unit = 1 uV

with open(os.path.join(here, "ptbxl-06003.csv"), "w", newline="\n") as out:
    out.write("# PTB-XL record 6003 (PhysioNet/CinC Challenge 2021 HR06003), CC BY 4.0: see README.md\n")
    out.write(",".join(["Time (s)"] + [f"{lead} (uV)" for lead in leads]) + "\n")
    for i in range(n):
        out.write(f"{i / fs:.3f}," + ",".join(str(v) for v in microvolts[i]) + "\n")
print(f"wrote ptbxl-06003.csv: {n} rows, {n_sig} leads at {fs:g} Hz")
