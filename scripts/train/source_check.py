#!/usr/bin/python3
"""The same ECG from two sources: PTB-XL's 100 Hz file and the 500 Hz copy the PhysioNet/CinC
Challenge 2021 distributes (../shared/data/ptbxl-raw/cinc2021, HR0NNNN = ecg_id NNNN). The model
sees the 500 Hz one through the C++ resampling; a model that depends on how the 100 Hz files were
made would disagree with itself here. Prints per record the largest probability difference and
whether the labels agree.

  scripts/train/source_check.py --data PTBXL_DIR [--model models/student-int8.ecgm] [--ecglite BIN]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess

import data


def classify(ecglite: str, model: str, paths: list[str]) -> list[dict]:
    out = subprocess.run([ecglite, "classify", "--model", model, "--json"] + paths, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["records"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="PTB-XL directory (records100)")
    ap.add_argument("--model", default=os.path.join(data.REPO, "models", "student-int8.ecgm"))
    ap.add_argument("--cinc", default=os.path.join(data.REPO, "..", "shared", "data", "ptbxl-raw", "cinc2021"))
    ap.add_argument("--ecglite", default=None)
    a = ap.parse_args()
    ecglite = data.find_ecglite(a.ecglite)
    pairs = []
    for hea in sorted(glob.glob(os.path.join(a.cinc, "HR*.hea"))):
        ecg_id = int(os.path.basename(hea)[2:-4])
        lr = os.path.join(a.data, "records100", f"{ecg_id // 1000 * 1000:05d}", f"{ecg_id:05d}_lr.hea")
        if os.path.isfile(lr):
            pairs.append((ecg_id, hea, lr))
    if not pairs:
        raise SystemExit(f"no CinC 2021 copy of a PTB-XL record in {a.cinc} with its 100 Hz file in {a.data}")
    r500 = classify(ecglite, a.model, [p[1] for p in pairs])
    r100 = classify(ecglite, a.model, [p[2] for p in pairs])
    agree, worst = 0, 0.0
    print("| ecg_id | labels at 100 Hz | labels from 500 Hz | max probability difference |")
    print("|---:|---|---|---:|")
    for (ecg_id, _, _), x, y in zip(pairs, r100, r500):
        diff = max(abs(x["probabilities"][c] - y["probabilities"][c]) for c in data.CLASSES)
        worst = max(worst, diff)
        agree += x["labels"] == y["labels"]
        print(f"| {ecg_id} | {', '.join(x['labels']) or '-'} | {', '.join(y['labels']) or '-'} | {diff:.3f} |")
    print(f"\n{agree} of {len(pairs)} records get the same labels; largest probability difference {worst:.3f} "
          f"({os.path.relpath(a.model, data.REPO)})")


if __name__ == "__main__":
    main()
