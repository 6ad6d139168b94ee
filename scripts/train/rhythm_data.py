"""PhysioNet/CinC Challenge 2017 rhythm dataset for the single-lead rhythm model, made by the C++ core.

Every recording goes through `ecglite rhythm RECORD --no-model --no-rhythm-model --export-input X.npy`:
the core detects the beats and writes the model's input over the whole recording (rhythm_signal:
the lead band-passed at 100 Hz and scaled by its median QRS amplitude, plus the RR channels;
float32 [1, channels, samples]). So the network is trained on exactly what it will see at run time,
detected beats included, and Python never re-implements the filtering.

Labels are REFERENCE.csv's (the challenge's final labels): N normal sinus rhythm, A atrial
fibrillation, O other rhythm, ~ too noisy. Only the recordings present in the shared directory are
used (the rest of the training set is held out for independent evaluation).
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import subprocess

import numpy as np

import data

CLASSES = ["N", "A", "O", "~"]
CHANNELS = ["ECG", "RR", "RR_change"]
RATE = 100.0
DEFAULT_CINC = os.path.abspath(os.path.join(data.REPO, "..", "shared", "data", "cinc2017"))
CACHE_DIR = os.path.join(data.REPO, "work-cache", "rhythm")


def _binary_key(ecglite: str) -> str:
    h = hashlib.sha256()
    with open(ecglite, "rb") as f:
        h.update(f.read())
    return h.hexdigest()[:16]


def read_reference(cinc: str) -> list[tuple[str, int]]:
    out = []
    with open(os.path.join(cinc, "REFERENCE.csv")) as f:
        for line in f:
            name, label = line.strip().split(",")
            if os.path.isfile(os.path.join(cinc, name + ".hea")):
                out.append((name, CLASSES.index(label)))
    return out


def export_input(ecglite: str, record: str, out: str, extra: list[str] | None = None) -> np.ndarray:
    """The model input of one record ([channels, samples]) through the CLI."""
    subprocess.run([ecglite, "rhythm", record, "--no-model", "--no-rhythm-model", "--no-annotations",
                    "--export-input", out] + (extra or []), check=True, capture_output=True)
    x = np.load(out)
    os.remove(out)
    return x[0]


def export_rr_summary(ecglite: str, record: str, out: str, extra: list[str] | None = None) -> dict:
    """The whole record's RR summaries (what a rhythm model's head reads, by name) through the CLI."""
    subprocess.run([ecglite, "rhythm", record, "--no-model", "--no-rhythm-model", "--no-annotations",
                    "--export-rr-summary", out] + (extra or []), check=True, capture_output=True)
    with open(out) as f:
        summary = json.load(f)
    os.remove(out)
    return summary


def _export_each(ref: list[tuple[str, int]], cinc: str, export) -> list:
    """export(record path, temporary path without extension) of every recording, two at a time."""
    tmp = os.path.join(CACHE_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda item: export(os.path.join(cinc, item[0]), os.path.join(tmp, item[0])), ref))


def load_rr_summaries(cinc: str = DEFAULT_CINC, ecglite: str | None = None, log=print, limit: int | None = None):
    """(summaries [n, k] float32, their names [k]) of the first `limit` recordings, cached per binary."""
    exe = data.find_ecglite(ecglite)
    ref = read_reference(cinc)[:limit]
    os.makedirs(CACHE_DIR, exist_ok=True)
    cache = os.path.join(CACHE_DIR, f"cinc2017-rr-{_binary_key(exe)}-{len(ref)}.npz")
    if os.path.isfile(cache):
        z = np.load(cache)
        return z["summaries"], [str(n) for n in z["names"]]
    log(f"exporting the RR summaries of {len(ref)} recordings through {exe} ...")
    rows = _export_each(ref, cinc, lambda record, tmp: export_rr_summary(exe, record, tmp + ".json"))
    names = list(rows[0])
    summaries = np.array([[r[n] for n in names] for r in rows], dtype=np.float32)
    np.savez(cache, summaries=summaries, names=np.array(names))
    return summaries, names


def load(cinc: str = DEFAULT_CINC, ecglite: str | None = None, log=print, limit: int | None = None):
    """(inputs: list of [channels, samples] float32, labels [n], names [n]) of the first `limit`
    recordings (all by default), cached per binary."""
    exe = data.find_ecglite(ecglite)
    ref = read_reference(cinc)[:limit]
    if not ref:
        raise SystemExit(f"{cinc}: no CinC 2017 recordings (REFERENCE.csv and ANNNNN.hea/.mat expected)")
    os.makedirs(CACHE_DIR, exist_ok=True)
    cache = os.path.join(CACHE_DIR, f"cinc2017-{_binary_key(exe)}-{len(ref)}.npz")
    if os.path.isfile(cache):
        z = np.load(cache)
        flat, offsets = z["flat"], z["offsets"]
        xs = [flat[:, offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
        return xs, z["labels"], z["names"]
    log(f"exporting {len(ref)} recordings through {exe} ...")
    xs = _export_each(ref, cinc, lambda record, tmp: export_input(exe, record, tmp + ".npy"))
    labels = np.array([lab for _, lab in ref], dtype=np.int64)
    names = np.array([n for n, _ in ref])
    offsets = np.cumsum([0] + [x.shape[1] for x in xs])
    np.savez(cache, flat=np.concatenate(xs, axis=1), offsets=offsets, labels=labels, names=names)
    log(f"cached in {cache}")
    return xs, labels, names
