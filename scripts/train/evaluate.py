"""Metrics for the multi-label superclass task: per-class and macro ROC AUC, thresholds chosen on
validation predictions, and F1/sensitivity/specificity at given thresholds.

Usage as a script: evaluate.py --model FILE.pt --data DIR [--ecglite BIN] [--folds 9]
prints fold metrics of a PyTorch checkpoint (scored with the same sliding windows as the engine).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see models.py

import numpy as np
from sklearn.metrics import roc_auc_score


def auc_per_class(y: np.ndarray, p: np.ndarray) -> list[float | None]:
    """ROC AUC per class; None for a class with only one label value present."""
    out = []
    for c in range(y.shape[1]):
        if y[:, c].min() == y[:, c].max():
            out.append(None)
        else:
            out.append(float(roc_auc_score(y[:, c], p[:, c])))
    return out


def macro_auc(y: np.ndarray, p: np.ndarray) -> float:
    a = [v for v in auc_per_class(y, p) if v is not None]
    return float(np.mean(a)) if a else float("nan")


def f1_at(y: np.ndarray, p: np.ndarray, t: float) -> float:
    pred = p >= t
    tp = float(np.sum(pred & (y > 0.5)))
    fp = float(np.sum(pred & (y < 0.5)))
    fn = float(np.sum(~pred & (y > 0.5)))
    return 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0


def choose_thresholds(y: np.ndarray, p: np.ndarray) -> list[float]:
    """Per class, the probability threshold maximising F1 on these (validation) predictions.
    Candidate thresholds are midpoints between consecutive distinct scores, so the result does not
    sit exactly on a validation score (robust to last-bit differences between runtimes)."""
    out = []
    for c in range(y.shape[1]):
        s = np.unique(p[:, c])
        cands = np.concatenate([[s[0] / 2], (s[:-1] + s[1:]) / 2]) if len(s) > 1 else np.array([0.5])
        best_t, best_f = 0.5, -1.0
        for t in cands:
            f = f1_at(y[:, c], p[:, c], t)
            if f > best_f:
                best_t, best_f = float(t), f
        out.append(best_t)
    return out


def threshold_metrics(y: np.ndarray, p: np.ndarray, thresholds) -> list[dict]:
    """F1, sensitivity, specificity per class at the given thresholds."""
    res = []
    for c, t in enumerate(thresholds):
        yc = y[:, c] > 0.5
        pc = p[:, c] >= t
        tp, fp = int(np.sum(pc & yc)), int(np.sum(pc & ~yc))
        fn, tn = int(np.sum(~pc & yc)), int(np.sum(~pc & ~yc))
        res.append({
            "threshold": float(t),
            "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
            "sensitivity": tp / (tp + fn) if tp + fn else None,
            "specificity": tn / (tn + fp) if tn + fp else None,
        })
    return res


def summary(y: np.ndarray, p: np.ndarray, class_names, thresholds=None) -> dict:
    """All metrics of one set of predictions, JSON-ready."""
    aucs = auc_per_class(y, p)
    out = {
        "n": int(len(y)),
        "positives": {c: int(y[:, i].sum()) for i, c in enumerate(class_names)},
        "auc": {c: aucs[i] for i, c in enumerate(class_names)},
        "macro_auc": macro_auc(y, p),
    }
    if thresholds is not None:
        tm = threshold_metrics(y, p, thresholds)
        out["at_threshold"] = {c: tm[i] for i, c in enumerate(class_names)}
        out["macro_f1"] = float(np.mean([m["f1"] for m in tm]))
    return out


def mean_sd(values) -> dict:
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "values": [float(x) for x in v]}


if __name__ == "__main__":
    import argparse
    import json

    import data
    import train as tr

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="checkpoint written by train.py/distill.py")
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--ecglite", default=None)
    ap.add_argument("--folds", default="9")
    a = ap.parse_args()
    ds = data.load_dataset(a.data, data.find_ecglite(a.ecglite))
    folds = [int(f) for f in a.folds.split(",")]
    m = tr.load_checkpoint(a.model)
    sel = np.isin(ds.folds, folds)
    p = tr.predict(m, ds.x[sel])
    print(json.dumps(summary(ds.y[sel], p, data.CLASSES, getattr(m, "thresholds", None)), indent=1))
