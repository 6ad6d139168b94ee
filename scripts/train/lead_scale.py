#!/usr/bin/python3
"""Measures the typical size of each standard lead after the input band-pass: the median, over the
records of PTB-XL's training folds (1-8), of each lead's standard deviation in mV. The C++ core
(typical_lead_std_mv() in core/src/dsp/normalize.cpp) scales leads without physical units to it.

  scripts/train/lead_scale.py --data PTBXL_DIR [--ecglite BIN]
"""
from __future__ import annotations

import argparse

import numpy as np

import data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="the complete PTB-XL (records in mV)")
    ap.add_argument("--ecglite", default=None)
    a = ap.parse_args()
    ds = data.load_dataset(a.data, data.find_ecglite(a.ecglite), folds=range(1, 9))
    sd = np.median(ds.x.std(axis=2), axis=0)
    print(f"{len(ds.x)} records of folds 1-8; median standard deviation per lead (mV):")
    print("{" + ", ".join(f"{v:.4f}" for v in sd) + "}  // I, II, III, aVR, aVL, aVF, V1..V6")


if __name__ == "__main__":
    main()
