"""PTB-XL superclass dataset for training, preprocessed by the C++ core (`ecglite preprocess`).

Labels follow the PTB-XL benchmark rule: every scp_codes key whose scp_statements.csv row has
diagnostic == 1 maps to its diagnostic_class (likelihood values ignored); records with no
superclass are dropped. Rows whose records100 files are absent are skipped and counted, so the
same code runs on the 1,625-record subset and on the full PTB-XL download (same layout).

The signals never go through a Python reimplementation of the preprocessing: the record list is
handed to `ecglite preprocess --list L --out X.npy --skipped S` (first 10 s window of each record:
standard lead order, 100 Hz, band-pass 0.5-40 Hz, per-lead z-score; float32 [N, 12, 1000]). The
result is cached in work-cache/preprocessed/ under a key made of the record list and the binary.
"""
from __future__ import annotations

import ast
import dataclasses
import glob
import hashlib
import json
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_DATA = os.path.abspath(os.path.join(REPO, "..", "shared", "data", "ptbxl"))
CACHE_DIR = os.path.join(REPO, "work-cache", "preprocessed")

CLASSES = ["NORM", "MI", "STTC", "CD", "HYP"]
DESCRIPTIONS = {
    "NORM": "Normal ECG",
    "MI": "Myocardial infarction",
    "STTC": "ST/T change",
    "CD": "Conduction disturbance",
    "HYP": "Hypertrophy",
}
SAMPLES = 1000  # 10 s at 100 Hz: what `ecglite preprocess` writes per record


def find_ecglite(path: str | None = None) -> str:
    """The ecglite binary: an explicit path, else $ECGLITE, else the newest build/*/ecglite."""
    cand = path or os.environ.get("ECGLITE")
    if cand:
        if not (os.path.isfile(cand) and os.access(cand, os.X_OK)):
            raise SystemExit(f"{cand}: not an executable ecglite binary (build it with cmake, "
                             "then pass --ecglite or set ECGLITE)")
        return os.path.abspath(cand)
    found = [p for p in glob.glob(os.path.join(REPO, "build", "*", "ecglite")) if os.access(p, os.X_OK)]
    if not found:
        raise SystemExit("ecglite binary not found: build it (cmake -S . -B build/x && cmake --build "
                         "build/x -j2) and pass --ecglite build/x/ecglite or set ECGLITE")
    return max(found, key=os.path.getmtime)


@dataclasses.dataclass
class Index:
    """The usable records of a PTB-XL directory, with labels and folds, and what was dropped."""
    ecg_ids: np.ndarray      # [N]
    paths: list[str]         # record paths (without extension) passed to ecglite
    y: np.ndarray            # [N, 5] float32 multi-hot in CLASSES order
    folds: np.ndarray        # [N] strat_fold
    stats: dict
    y_aux: np.ndarray = None  # [N, statements] multi-hot of every SCP statement (auxiliary targets)
    aux_names: list = None
    likelihood: np.ndarray = None  # [N, 5] the cardiologist's likelihood (%) of each positive class, 0 if negative


def read_index(data_dir: str) -> Index:
    db_path = os.path.join(data_dir, "ptbxl_database.csv")
    scp_path = os.path.join(data_dir, "scp_statements.csv")
    for p in (db_path, scp_path):
        if not os.path.isfile(p):
            raise SystemExit(f"{p}: missing (pass --data with a PTB-XL directory holding "
                             "ptbxl_database.csv, scp_statements.csv and records100/)")
    db = pd.read_csv(db_path, index_col="ecg_id")
    scp = pd.read_csv(scp_path, index_col=0)
    diag = scp[scp["diagnostic"] == 1]["diagnostic_class"].dropna().to_dict()
    statements = list(scp.index)
    column = {k: i for i, k in enumerate(statements)}
    ids, paths, ys, folds, aux, lik = [], [], [], [], [], []
    missing = no_class = 0
    labelled_rows: dict[int, int] = {}  # per fold, whether the files are present or not
    for ecg_id, row in db.iterrows():
        # same order as `ecglite eval` (eval/src/ptbxl.cpp), so the two report the same counts
        codes = ast.literal_eval(row["scp_codes"])
        labels = {diag[k] for k in codes if k in diag}
        if not labels:
            no_class += 1
            continue
        labelled_rows[int(row["strat_fold"])] = labelled_rows.get(int(row["strat_fold"]), 0) + 1
        base = os.path.join(data_dir, row["filename_lr"])
        if not (os.path.isfile(base + ".hea") and os.path.isfile(base + ".dat")):
            missing += 1
            continue
        ids.append(int(ecg_id))
        paths.append(base)
        ys.append([1.0 if c in labels else 0.0 for c in CLASSES])
        # PTB-XL writes 0 where the likelihood is unknown: counted as certain
        lik.append([max((codes[k] or 100.0) for k in codes if diag.get(k) == c) if c in labels else 0.0
                    for c in CLASSES])
        folds.append(int(row["strat_fold"]))
        a = np.zeros(len(statements), dtype=np.float32)
        a[[column[k] for k in codes if k in column]] = 1
        aux.append(a)
    stats = {"database_rows": int(len(db)), "rows_without_superclass": no_class,
             "rows_files_absent": missing, "records_labelled": len(ids),
             "database_labelled_rows_per_fold": dict(sorted(labelled_rows.items()))}
    return Index(np.array(ids, dtype=np.int64), paths, np.array(ys, dtype=np.float32).reshape(-1, len(CLASSES)),
                 np.array(folds, dtype=np.int64), stats,
                 np.array(aux, dtype=np.float32).reshape(-1, len(statements)), statements,
                 np.array(lik, dtype=np.float32).reshape(-1, len(CLASSES)))


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def preprocess(paths: list[str], ecglite: str, cache_dir: str = CACHE_DIR, log=print):
    """Runs `ecglite preprocess` on `paths` (cached). Returns (x [N,12,1000] float32, skipped {row: message})."""
    listing = "".join(p + "\n" for p in paths)
    key = hashlib.sha256((_sha256_file(ecglite) + "\n" + listing).encode()).hexdigest()[:20]
    os.makedirs(cache_dir, exist_ok=True)
    npy = os.path.join(cache_dir, f"{key}.npy")
    skipped_path = os.path.join(cache_dir, f"{key}.skipped.tsv")
    if not (os.path.isfile(npy) and os.path.isfile(skipped_path)):
        with tempfile.TemporaryDirectory() as tmp:
            lst = os.path.join(tmp, "records.txt")
            with open(lst, "w") as f:
                f.write(listing)
            out, skp = os.path.join(tmp, "x.npy"), os.path.join(tmp, "skipped.tsv")
            cmd = [ecglite, "preprocess", "--list", lst, "--out", out, "--skipped", skp]
            log(f"preprocessing {len(paths)} records: {' '.join(cmd)}")
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"ecglite preprocess failed ({r.returncode}): {r.stderr.strip()}")
            if not os.path.isfile(skp):
                open(skp, "w").close()
            os.replace(out, npy)
            os.replace(skp, skipped_path)
    x = np.load(npy)
    if x.shape != (len(paths), 12, SAMPLES) or x.dtype != np.float32:
        raise SystemExit(f"{npy}: expected float32 {(len(paths), 12, SAMPLES)}, got {x.dtype} {x.shape}")
    skipped = {}
    with open(skipped_path) as f:
        for line in f:
            if line.strip():
                parts = line.rstrip("\n").split("\t")
                skipped[int(parts[0])] = parts[2] if len(parts) > 2 else ""
    return x, skipped


@dataclasses.dataclass
class Dataset:
    x: np.ndarray            # [N, 12, 1000] float32 from ecglite preprocess
    y: np.ndarray            # [N, 5]
    folds: np.ndarray        # [N]
    ecg_ids: np.ndarray      # [N]
    paths: list[str]
    stats: dict
    y_aux: np.ndarray = None  # [N, statements]: every SCP statement (auxiliary training targets)
    likelihood: np.ndarray = None  # [N, 5] likelihood (%) of each positive class (Index.likelihood)

    def split(self, val_fold: int, train_folds=None):
        """Indices (train, validation): validation = `val_fold`; train = the other folds present
        (or `train_folds`). Fold 10, the benchmark test fold, is never used for training."""
        if train_folds is None:
            tr = (self.folds != val_fold) & (self.folds != 10)
        else:
            tr = np.isin(self.folds, list(train_folds))
        return np.flatnonzero(tr), np.flatnonzero(self.folds == val_fold)

    def subset(self, idx) -> "Dataset":
        idx = np.asarray(idx)
        return Dataset(self.x[idx], self.y[idx], self.folds[idx], self.ecg_ids[idx],
                       [self.paths[i] for i in idx], dict(self.stats), self.y_aux[idx], self.likelihood[idx])


def load_dataset(data_dir: str, ecglite: str, per_fold_limit: int | None = None,
                 folds=None, log=print) -> Dataset:
    """Index + preprocessing; rows ecglite could not read are dropped and counted.
    `per_fold_limit` keeps the first N records of each fold (smoke runs); `folds` restricts folds."""
    ix = read_index(data_dir)
    keep = np.ones(len(ix.paths), dtype=bool)
    if folds is not None:
        keep &= np.isin(ix.folds, list(folds))
    if per_fold_limit is not None:
        seen: dict[int, int] = {}
        for i, f in enumerate(ix.folds):
            if keep[i]:
                seen[f] = seen.get(f, 0) + 1
                keep[i] = seen[f] <= per_fold_limit
    sel = np.flatnonzero(keep)
    paths = [ix.paths[i] for i in sel]
    x, skipped = preprocess(paths, ecglite, log=log)
    ok = np.array([i not in skipped for i in range(len(sel))], dtype=bool)
    stats = dict(ix.stats)
    stats["records_selected"] = int(len(sel))
    stats["records_preprocess_failed"] = int((~ok).sum())
    stats["preprocess_failures"] = [{"path": paths[i], "message": m} for i, m in sorted(skipped.items())][:20]
    stats["records_used"] = int(ok.sum())
    stats["records_per_fold"] = {int(f): int(((ix.folds[sel] == f) & ok).sum()) for f in np.unique(ix.folds[sel])}
    stats["data_dir"] = os.path.abspath(data_dir)
    idx = sel[ok]
    stats["auxiliary_statements"] = len(ix.aux_names)
    return Dataset(x[ok], ix.y[idx], ix.folds[idx], ix.ecg_ids[idx], [ix.paths[i] for i in idx], stats, ix.y_aux[idx],
                   ix.likelihood[idx])


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Index and preprocess PTB-XL; print the counts.")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--ecglite", default=None)
    a = ap.parse_args()
    ds = load_dataset(a.data, find_ecglite(a.ecglite))
    print(json.dumps(ds.stats, indent=1))
    print("positives per class:", dict(zip(CLASSES, ds.y.sum(0).astype(int).tolist())))
