#!/usr/bin/python3
"""Builds tests/fixtures/ptbxl-mini: a PTB-XL-layout directory of a few genuine records (mV, as
recorded), so the training pipeline smoke run and `ecglite eval` are tested without ../shared/data.

  make_ptbxl_mini.py PTBXL_DIR      # the complete PTB-XL (../shared/data/get-ptbxl-full)

Picks 2 records of each training fold (1-8) and, for fold 9, records until every superclass has a
positive and a negative example (so per-class AUC is defined), among the records of the derived
subset ../shared/data/ptbxl (the same records as before amplitudes were kept). Deterministic: first
records by ecg_id. The files are the raw ones of PTBXL_DIR (PTB-XL, CC BY 4.0, Wagner et al. 2020).
"""
import ast
import os
import shutil
import sys

import pandas as pd

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.environ.get("ECGLITE_DATA_DIR", os.path.join(REPO, "..", "shared", "data")) + "/ptbxl"
DST = os.path.join(REPO, "tests", "fixtures", "ptbxl-mini")
CLASSES = ["NORM", "MI", "STTC", "CD", "HYP"]


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_ptbxl_mini.py PTBXL_DIR (the complete PTB-XL, raw records)")
    raw = sys.argv[1]
    db = pd.read_csv(os.path.join(SRC, "ptbxl_database.csv"), index_col="ecg_id")
    scp = pd.read_csv(os.path.join(SRC, "scp_statements.csv"), index_col=0)
    diag = scp[scp["diagnostic"] == 1]["diagnostic_class"].dropna().to_dict()
    present = []
    for ecg_id, row in db.iterrows():
        base = os.path.join(SRC, row["filename_lr"])
        if os.path.isfile(base + ".hea") and os.path.isfile(base + ".dat"):
            labels = {diag[k] for k in ast.literal_eval(row["scp_codes"]) if k in diag}
            if labels:
                present.append((ecg_id, int(row["strat_fold"]), labels))
    chosen = []
    for fold in range(1, 9):
        chosen += [r for r in present if r[1] == fold][:2]
    pos, neg = set(), set()
    for r in (r for r in present if r[1] == 9):
        if set(CLASSES) <= pos and set(CLASSES) <= neg:
            break
        if (r[2] - pos) or (set(CLASSES) - r[2] - neg):
            chosen.append(r)
            pos |= r[2]
            neg |= set(CLASSES) - r[2]
    ids = [r[0] for r in chosen]
    if os.path.isdir(DST):
        shutil.rmtree(DST)
    os.makedirs(DST)
    db.loc[ids].to_csv(os.path.join(DST, "ptbxl_database.csv"))
    shutil.copy(os.path.join(SRC, "scp_statements.csv"), DST)
    for ecg_id in ids:
        rel = db.loc[ecg_id, "filename_lr"]
        os.makedirs(os.path.dirname(os.path.join(DST, rel)), exist_ok=True)
        for ext in (".hea", ".dat"):
            shutil.copy(os.path.join(raw, rel + ext), os.path.join(DST, rel + ext))
    with open(os.path.join(DST, "README.md"), "w") as f:
        f.write("# ptbxl-mini\n\n"
                f"{len(ids)} genuine PTB-XL records (records100, mV, 100 Hz) in the standard PTB-XL layout "
                "(2 per training fold, fold-9 records until every superclass has a positive and a negative), "
                "made by `scripts/reference/make_ptbxl_mini.py`. Used by the training smoke run and the "
                "`ecglite eval` test.\n\nPTB-XL: Wagner et al., Scientific Data 7, 154 (2020); PhysioNet; "
                "CC BY 4.0. The files are PTB-XL's records100 as distributed (raw, not filtered or normalised).\n")
    print(f"wrote {len(ids)} records to {DST}", file=sys.stderr)


if __name__ == "__main__":
    main()
