#!/usr/bin/python3
"""Checks the occlusion explanations of `ecglite classify --explain` on PTB-XL fold 9 and writes
models/EXPLANATION_CHECK.md.

    /usr/bin/python3 scripts/train/explain_check.py PTBXL_DIR [--ecglite build/native/ecglite]
        [--model models/student-int8.ecgm] [--per-class N] [--draws 5] [--fraction 0.2] [--seed 0]

Everything runs through the shipped engine (the CLI): the maps come from `classify --explain --json`,
the probabilities of occluded records from `classify --occlude MASKS --json` (core: explain.h).

(a) Deletion test. For each class and each fold-9 record labelled with it (PTB-XL benchmark labels,
    data.py), the top `fraction` of the record's lead x 0.5 s cells by the class's map are occluded
    together (set to 0 mV), and, separately, `draws` random sets of as many cells. Reported: the mean
    fall of the class probability for both and their ratio; the target is a ratio of at least 2.
(b) Model-randomisation sanity check (Adebayo et al., "Sanity Checks for Saliency Maps", NeurIPS
    2018). The same maps from copies of the model with permuted weights: the classifier's weights
    only (the top of their cascading randomisation), and every layer's weights and biases. A method
    that explains the model, not the input, must give different maps: the Spearman rank correlation
    of each record's map (all 12 x 20 cells) with the real model's, per class.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import ecgm  # noqa: E402

REPO = data.REPO
MODEL = os.path.join(REPO, "models", "student-int8.ecgm")
OUT = os.path.join(REPO, "models", "EXPLANATION_CHECK.md")
CHUNK = 50  # records per `classify --explain` call


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def run_json(cmd: list[str]) -> dict:
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{shlex.join(cmd[:6])} ... failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)


def explain_all(ecglite: str, model: str, paths: list[str], what: str) -> tuple[dict, float]:
    """Maps of every record: {path: {"probabilities": [classes], "maps": [classes, leads, segments]}},
    and the wall time per record of `classify --explain`."""
    out, t0 = {}, time.perf_counter()
    for i in range(0, len(paths), CHUNK):
        chunk = paths[i:i + CHUNK]
        result = run_json([ecglite, "classify", *chunk, "--model", model, "--explain", "--json"])
        for rec in result["records"]:
            if "error" in rec:
                log(f"{what}: {rec['record']}: {rec['error']}")
                continue
            e = rec["explanation"]
            out[rec["record"]] = {
                "probabilities": np.array([c["probability"] for c in e["classes"]], dtype=np.float64),
                "maps": np.array([c["drop"] for c in e["classes"]], dtype=np.float64),
                "leads": e["leads"], "segment_s": e["segment_s"],
            }
        log(f"{what}: {min(i + CHUNK, len(paths))} of {len(paths)} records explained")
    return out, (time.perf_counter() - t0) / max(1, len(paths))


def cells_spec(cells, leads, segment_s: float) -> str:
    """Occlusion cells (lead, segment) as `--occlude` words: "V1:2-2.5,..."."""
    return ",".join(f"{leads[l]}:{s * segment_s:g}-{(s + 1) * segment_s:g}" for l, s in cells)


def deletion_test(ecglite: str, model: str, maps: dict, positives: dict, classes: list[str],
                  fraction: float, draws: int, rng: np.random.Generator) -> dict:
    """Per class: arrays of the probability fall with the top cells and with random cells (mean of draws)."""
    falls = {c: {"top": [], "random": []} for c in classes}
    wanted: dict[str, list[int]] = {}
    for k, c in enumerate(classes):
        for path in positives[c]:
            if path in maps:
                wanted.setdefault(path, []).append(k)
    for n, (path, ks) in enumerate(wanted.items()):
        m = maps[path]
        leads, seg = m["leads"], m["segment_s"]
        n_leads, n_segments = m["maps"].shape[1:]
        cells = [(l, s) for l in range(n_leads) for s in range(n_segments)]
        count = max(1, int(round(fraction * len(cells))))
        specs = []
        for k in ks:
            flat = m["maps"][k].reshape(-1)
            order = np.lexsort((rng.random(flat.size), -flat))  # largest fall first, ties at random
            specs.append(cells_spec([cells[i] for i in order[:count]], leads, seg))
            for _ in range(draws):
                specs.append(cells_spec([cells[i] for i in rng.choice(len(cells), count, replace=False)], leads, seg))
        result = run_json([ecglite, "classify", path, "--model", model, "--json", "--occlude", ";".join(specs)])
        occl = result["records"][0]["occlusions"]
        for j, k in enumerate(ks):
            name = classes[k]
            base = m["probabilities"][k]
            block = occl[j * (1 + draws):(j + 1) * (1 + draws)]
            falls[name]["top"].append(base - block[0]["probabilities"][name])
            falls[name]["random"].append(float(np.mean([base - b["probabilities"][name] for b in block[1:]])))
        if (n + 1) % 100 == 0 or n + 1 == len(wanted):
            log(f"deletion test: {n + 1} of {len(wanted)} records")
    return {c: {key: np.array(v) for key, v in f.items()} for c, f in falls.items()}


def record_probability_maps(ecglite: str, model: str, real: dict, paths: list[str]) -> dict:
    """For comparison: each cell's own fall of the record's class probability (max over runs within a
    10 s window, as classify reports it), from `classify --occlude` with one mask per cell."""
    out = {}
    for n, path in enumerate(paths):
        m = real[path]
        n_leads, n_segments = m["maps"].shape[1:]
        cells = [(l, s) for l in range(n_leads) for s in range(n_segments)]
        spec = ";".join(cells_spec([c], m["leads"], m["segment_s"]) for c in cells)
        occl = run_json([ecglite, "classify", path, "--model", model, "--json", "--occlude", spec])["records"][0]["occlusions"]
        names = list(occl[0]["probabilities"])
        p = np.array([[o["probabilities"][c] for c in names] for o in occl])  # [cells, classes]
        out[path] = dict(m, maps=(m["probabilities"][None, :] - p).T.reshape(len(names), n_leads, n_segments))
        if (n + 1) % 100 == 0 or n + 1 == len(paths):
            log(f"record-probability maps: {n + 1} of {len(paths)} records")
    return out


def shuffled_model(source: str, target: str, which: str, rng: np.random.Generator) -> None:
    """A copy of `source` with permuted weights: "classifier" (the final layer's weights) or "all"
    (every convolution's weights and biases, and the classifier's weights)."""
    info, graph = ecgm.read_ecgm(source)
    int8 = graph.precision == "int8"
    for nd in graph.nodes:
        if nd.op == ecgm.OP_LINEAR:
            nd.weight = rng.permutation(nd.weight.reshape(-1)).reshape(nd.weight.shape).astype(np.float32)
        elif nd.op == ecgm.OP_CONV and which == "all":
            if int8:
                nd.qweight = rng.permutation(nd.qweight.reshape(-1)).reshape(nd.qweight.shape)
                nd.qbias = rng.permutation(nd.qbias)
            else:
                nd.weight = rng.permutation(nd.weight.reshape(-1)).reshape(nd.weight.shape)
                nd.bias = rng.permutation(nd.bias)
    meta = ecgm.ModelMeta(
        name=f"{info['name']}-shuffled-{which}", description=f"{info['name']} with permuted weights ({which})",
        class_names=info["class_names"], class_descriptions=info["class_descriptions"],
        thresholds=info["thresholds"], lead_names=info["lead_names"], input_length=int(info["input_length"]),
        window_stride=int(info["window_stride"]), window_pooling=info.get("window_pooling", "max"),
        sampling_rate_hz=info["sampling_rate_hz"],
        band_low_hz=info["band_low_hz"], band_high_hz=info["band_high_hz"],
        filter_order=int(info["filter_order"]), amplitude=info.get("amplitude", "z-score"))
    ecgm.write_graph(target, graph, meta)


def rank_correlations(real: dict, other: dict, positives: dict, classes: list[str]) -> dict:
    """Per class: Spearman correlations of each positive record's map with the other model's map;
    NaN where either map is constant (no cell changes the probability)."""
    out = {}
    for k, c in enumerate(classes):
        rs = []
        for path in positives[c]:
            if path in real and path in other:
                a, b = real[path]["maps"][k].reshape(-1), other[path]["maps"][k].reshape(-1)
                rs.append(np.nan if np.ptp(a) == 0 or np.ptp(b) == 0 else spearmanr(a, b).correlation)
        out[c] = np.array(rs)
    return out


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fmt(x: float, digits: int = 3) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


def deletion_table(falls: dict, classes: list[str]) -> tuple[list[str], int]:
    """The table's lines and the number of classes meeting the target."""
    met_count = 0
    lines = [
        "| class | positives | mean probability | fall, top cells | fall, random cells | ratio | top > random (records) | target met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for c in classes:
        f = falls[c]
        top, rnd = f["top"], f["random"]
        if rnd.mean() > 0:
            ratio = top.mean() / rnd.mean()
            ratio_text, met = f"{ratio:.2f}", ratio >= 2
        else:  # random cells raise the probability on average: any fall of the top cells is infinitely more
            ratio_text, met = "∞ (random cells raise it)", top.mean() > 0
        lines.append(f"| {c} | {len(top)} | {fmt(f['probability'].mean())} | {fmt(top.mean(), 4)} | "
                     f"{fmt(rnd.mean(), 4)} | {ratio_text} | {np.mean(top > rnd):.0%} | {'yes' if met else '**no**'} |")
        met_count += bool(met)
    return lines, met_count


def pooling_note(model_path: str) -> str:
    """Why the two maps differ or agree: how `classify` pools a window's runs (the model's window_pooling)."""
    if ecgm.read_ecgm(model_path)[0].get("window_pooling", "max") == "mean":
        return ("`classify` pools each 10 s window's 2.5 s runs by their mean logit (the model's window_pooling), "
                "so a cell's fall of the record's probability follows the falls of the runs that hold it, and the "
                "two maps agree; the shipped map stays the windows' falls, which do not depend on the pooling "
                "(core/include/ecglite/explain.h).")
    return ("`classify` takes each 10 s window's maximum over its 2.5 s runs, so evidence repeated in every beat is "
            "redundant: a single cell changes the record's probability only inside the best run, its top cells "
            "cluster there, and occluding them moves the maximum to another run. This is why the shipped map is "
            "made of the windows' falls (core/include/ecglite/explain.h).")


def report(args, command: str, n_fold: int, positives: dict, classes: list[str], falls: dict, corr: dict,
           timing: dict, limited: bool) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        "# Occlusion explanations: deletion test and model-randomisation check",
        "",
        "<!-- GENERATED by scripts/train/explain_check.py; do not edit by hand. -->",
        "",
        f"- Date: {today}. Command: `{command}`",
        f"- Model: `{os.path.relpath(args.model, REPO)}` (sha256 {sha256(args.model)[:16]}), run by "
        f"{args.version}: the maps are those of `ecglite classify --explain --json`, "
        "the occluded probabilities those of `ecglite classify --occlude` (the shipped C++ engine).",
        f"- Data: PTB-XL fold 9 (the validation fold) of `{args.data}` ({n_fold} records with a diagnostic "
        "superclass; labels by the PTB-XL benchmark rule, `scripts/train/data.py`). A record counts for every class "
        "it is labelled with.",
        ("- Subset: the first " + str(args.per_class) + " positives of each class by ecg_id (not all of fold 9)."
         if limited else "- All fold-9 positives of each class."),
        "- Map (shipped): for each of the 12 leads and each 0.5 s of the 10 s record (240 cells), the fall of the "
        "class probability of the network's 2.5 s inference windows that hold the cell when it is set to 0 mV (the "
        "band-passed baseline), averaged over those windows.",
        "",
        f"## (a) Deletion test: the top {args.fraction:.0%} of cells vs {args.fraction:.0%} at random",
        "",
        f"Per record, the {args.fraction:.0%} of cells with the largest fall are occluded together, and separately "
        f"{args.draws} random sets of as many cells (their falls averaged). Mean fall of the class probability over "
        "the class's positives; target: top at least twice random.",
        "",
    ]
    shipped, met = deletion_table(falls["shipped"], classes)
    lines += shipped + ["", f"Target met for {met} of {len(classes)} classes.", ""]
    record, record_met = deletion_table(falls["record"], classes)
    lines += [
        "For comparison, the same test with the cells ranked by their own fall of the record's probability (each "
        "cell occluded alone and the record classified again, with `--occlude`): the map one might expect first. "
        f"Target met for {record_met} of {len(classes)} classes. " + pooling_note(args.model),
        "",
    ] + record
    lines += [
        "",
        "## (b) Model-randomisation sanity check (Adebayo et al. 2018)",
        "",
        "The same maps from two copies of the model with permuted weights (a permutation keeps each layer's "
        "weight distribution and quantisation scales): **classifier**, the final layer's weights only; **all**, every "
        "convolution's weights and biases and the classifier's weights. Spearman rank correlation of each positive "
        "record's 240-cell map with the real model's map. The check fails when it is near +1: maps that do not "
        "change with the weights reflect the input, not the model. A strongly negative correlation is a different "
        "map too (a permuted classifier weighs the same pooled features with other signs). Constant maps (no cell "
        "changes the probability) have no rank correlation and are counted apart.",
        "",
        "| class | records | classifier: mean | median | mean of \\|r\\| | constant | all layers: mean | median | "
        "mean of \\|r\\| | constant |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    nan = float("nan")
    for c in classes:
        row = [c, str(len(corr["classifier"][c]))]
        for which in ("classifier", "all"):
            r = corr[which][c]
            ok = r[np.isfinite(r)]
            row += [fmt(ok.mean() if len(ok) else nan), fmt(np.median(ok) if len(ok) else nan),
                    fmt(np.abs(ok).mean() if len(ok) else nan), str(int(np.sum(~np.isfinite(r))))]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "## Time",
        "",
        "Wall time per record of `ecglite classify --explain --json` (reading, classifying, 240 occlusions, JSON), "
        f"on this machine while other jobs ran: real model {timing['real'] * 1000:.0f} ms, "
        f"classifier-shuffled {timing['classifier'] * 1000:.0f} ms, all-shuffled {timing['all'] * 1000:.0f} ms.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="deletion test and sanity check of the occlusion explanations")
    ap.add_argument("data", help="the complete PTB-XL directory (ptbxl_database.csv, records100/)")
    ap.add_argument("--ecglite")
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--fold", type=int, default=9)
    ap.add_argument("--per-class", type=int, default=0, help="at most this many positives per class (0: all)")
    ap.add_argument("--fraction", type=float, default=0.2)
    ap.add_argument("--draws", type=int, default=5, help="random cell sets per record and class")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    args.ecglite = data.find_ecglite(args.ecglite)
    version = subprocess.run([args.ecglite, "--version"], capture_output=True, text=True).stdout.strip()
    git = lambda *a: subprocess.run(["git", "-C", REPO, *a], capture_output=True, text=True).stdout.strip()  # noqa: E731
    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    args.version = f"`{version}` (the working tree at {git('rev-parse', '--short', 'HEAD')}{dirty})"
    args.model = os.path.abspath(args.model)
    args.data = os.path.abspath(args.data)
    command = "/usr/bin/python3 scripts/train/explain_check.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    rng = np.random.default_rng(args.seed)

    ix = data.read_index(args.data)
    fold = np.flatnonzero(ix.folds == args.fold)
    classes = list(data.CLASSES)
    positives = {}
    for k, c in enumerate(classes):
        rows = [i for i in fold if ix.y[i, k] == 1]
        rows.sort(key=lambda i: ix.ecg_ids[i])
        if args.per_class:
            rows = rows[:args.per_class]
        positives[c] = [ix.paths[i] for i in rows]
    paths = sorted({p for ps in positives.values() for p in ps})
    log(f"fold {args.fold}: {len(fold)} records; positives per class: "
        + ", ".join(f"{c} {len(positives[c])}" for c in classes) + f"; {len(paths)} records to explain")

    real, t_real = explain_all(args.ecglite, args.model, paths, "real model")
    falls = {"shipped": deletion_test(args.ecglite, args.model, real, positives, classes, args.fraction,
                                      args.draws, rng)}
    record_maps = record_probability_maps(args.ecglite, args.model, real, [p for p in paths if p in real])
    falls["record"] = deletion_test(args.ecglite, args.model, record_maps, positives, classes, args.fraction,
                                    args.draws, rng)
    for f in falls.values():
        for k, c in enumerate(classes):
            f[c]["probability"] = np.array([real[p]["probabilities"][k] for p in positives[c] if p in real])

    corr, timing = {}, {"real": t_real}
    with tempfile.TemporaryDirectory() as tmp:
        for which in ("classifier", "all"):
            target = os.path.join(tmp, f"shuffled-{which}.ecgm")
            shuffled_model(args.model, target, which, rng)
            other, timing[which] = explain_all(args.ecglite, target, paths, f"{which}-shuffled model")
            corr[which] = rank_correlations(real, other, positives, classes)

    text = report(args, command, len(fold), positives, classes, falls, corr, timing, args.per_class > 0)
    with open(args.out, "w") as f:
        f.write(text)
    log(f"wrote {args.out}")
    print(text)


if __name__ == "__main__":
    main()
