"""MIT-BIH beat dataset for the AAMI beat classifier, made by the C++ core.

Every record goes through `ecglite beats RECORD --no-model --reference atr --json
--export-windows X.npy`: the core detects the beats (detect_qrs), writes the classifier input of
each (beat_inputs: the MLII window band-passed and scaled, plus the RR channels; float32
[beats, 5, 96]) and matches each detected beat to the reference annotations (150 ms). So the
network is trained on exactly what it will see at run time, detected beats included, and Python
never re-implements the filtering. Labels are the AAMI EC57 classes of the matched reference beats;
detections without a reference beat (false positives) carry label -1 and are left out of training.

The inter-patient split of de Chazal et al. (2004); the paced records 102, 104, 107, 217 are
excluded, as EC57 recommends.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess

import numpy as np

import data

DS1 = ["101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122", "124", "201", "203",
       "205", "207", "208", "209", "215", "220", "223", "230"]
DS2 = ["100", "103", "105", "111", "113", "117", "121", "123", "200", "202", "210", "212", "213", "214",
       "219", "221", "222", "228", "231", "232", "233", "234"]
CLASSES = ["N", "S", "V", "F", "Q"]
DEFAULT_MITDB = os.path.abspath(os.path.join(data.REPO, "..", "shared", "data", "mitdb"))
CACHE_DIR = os.path.join(data.REPO, "work-cache", "beats")


def training_log_path(model_path: str) -> str:
    """Where beats_train.py records how a model was made (CV figures, offsets, time), next to it."""
    return os.path.splitext(model_path)[0] + "-train.json"


def _binary_key(ecglite: str) -> str:
    h = hashlib.sha256()
    with open(ecglite, "rb") as f:
        h.update(f.read())
    return h.hexdigest()[:16]


def export_record(ecglite: str, mitdb: str, record: str, model: str | None = None) -> dict:
    """Runs `ecglite beats` on one record (cached per binary, record and model); returns
    {"x": [n, 5, 96] or None, "samples": [n], "labels": [n] (-1 unmatched), "classes": [n] (model
    output, "?" without a model), "reference": [n] symbols}."""
    key = _binary_key(ecglite) + ("-" + _binary_key(model) if model else "")
    out_dir = os.path.join(CACHE_DIR, key)
    os.makedirs(out_dir, exist_ok=True)
    npy, js = os.path.join(out_dir, record + ".npy"), os.path.join(out_dir, record + ".json")
    if not (os.path.exists(js) and (model or os.path.exists(npy))):
        cmd = [ecglite, "beats", os.path.join(mitdb, record), "--reference", "atr", "--json"]
        cmd += ["--model", model] if model else ["--no-model", "--export-windows", npy + ".tmp"]
        text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        if not model:
            os.replace(npy + ".tmp", npy)
        with open(js + ".tmp", "w") as f:
            f.write(text)
        os.replace(js + ".tmp", js)
    with open(js) as f:
        beats = json.load(f)["beats"]
    labels = np.array([CLASSES.index(b["reference_class"]) if b["reference_class"] else -1 for b in beats],
                      dtype=np.int64)
    return {
        "x": None if model else np.load(npy),
        "samples": np.array([b["sample"] for b in beats], dtype=np.int64),
        "labels": labels,
        "classes": [b["class"] for b in beats],
        "reference": [b["reference"] for b in beats],
    }


def load(records, ecglite: str | None = None, mitdb: str = DEFAULT_MITDB):
    """Concatenated windows, labels and record ids of `records` (beats without a reference left in,
    label -1)."""
    exe = data.find_ecglite(ecglite)
    xs, ys, rec = [], [], []
    for r in records:
        d = export_record(exe, mitdb, r)
        xs.append(d["x"])
        ys.append(d["labels"])
        rec += [r] * len(d["labels"])
    return np.concatenate(xs), np.concatenate(ys), np.array(rec)
