#!/usr/bin/python3
"""Evaluates the shipped rhythm model through the CLI and writes its model card
(models/RHYTHM_MODEL_CARD.md) and the figures behind it (models/rhythm-int8-eval.json).

    cd scripts/train && /usr/bin/python3 rhythm_card.py [--ecglite ../../build/native/ecglite]
        [--ptbxl /work/data/ptbxl-full] [--out ../../models/RHYTHM_MODEL_CARD.md]

Sections, each from data named in it (a section whose data is absent says so):
 1. CinC 2017 cross-validation (rhythm_train.py's record, models/rhythm-int8-train.json).
 2. Long recordings, MIT-BIH Arrhythmia Database (48 records, never used in training or choices):
    `ecglite rhythm RECORD --no-annotations --json` finds AF episodes without the reference; they are
    scored against the reference rhythm annotations ((AFIB intervals; atrial flutter counts as not AF):
    AF time sensitivity and positive predictivity (gross, over the records with AF), per-episode
    sensitivity (a reference episode is found when detected AF covers at least half of it) and
    positive predictivity (a detected episode is true when at least half of it is reference AF), and
    the false AF time on the records without AF.
 3. Noise (MIT-BIH Noise Stress Test Database): electrode-motion noise (118e00 - 118) added to
    MIT-BIH records in alternate 2-minute segments from minute 5, as the database's own records,
    at 24, 18, 12, 6, 0 and -6 dB; per SNR, the 5 s blocks inside noisy segments: how often the
    verdict equals the reference rhythm (sinus N for 118 and 119 sinus stretches, AF for AFIB
    stretches) and how often it says "too noisy". SNR as nst defines it: signal power from the
    median QRS peak-to-peak amplitude A as A^2/8, noise power the mean square of the noise.
 4. 12-lead records (PTB-XL, lead I, when the complete data is given): AF sensitivity on records
    whose statements include AFIB and specificity on those with SR and no other rhythm statement.
    PTB-XL was never used to train or choose the rhythm model.
"""
from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import subprocess
import tempfile

import numpy as np

import data
import rhythm_data as rd

MITDB = os.path.abspath(os.path.join(data.REPO, "..", "shared", "data", "mitdb"))
NSTDB = os.path.abspath(os.path.join(data.REPO, "..", "shared", "data", "nstdb"))
MODEL = os.path.join(data.REPO, "models", "rhythm-int8.ecgm")
SNRS = [24, 18, 12, 6, 0, -6]
NOISE_RECORDS = ["118", "119", "201", "202", "203", "210", "219", "221", "222"]


def run_json(ecglite: str, args: list[str]) -> dict:
    out = subprocess.run([ecglite, "rhythm"] + args + ["--json", "--no-model"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def intervals_to_mask(intervals, n: int) -> np.ndarray:
    m = np.zeros(n, bool)
    for s, e in intervals:
        m[max(0, s):min(n, e)] = True
    return m


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


# --- 2. MIT-BIH long recordings ----------------------------------------------------------------

def mitdb_af(ecglite: str, model: str, mitdb: str = MITDB) -> dict | None:
    if not os.path.isfile(os.path.join(mitdb, "RECORDS")):
        return None
    records = open(os.path.join(mitdb, "RECORDS")).read().split()
    rows = []
    for r in records:
        path = os.path.join(mitdb, r)
        ref = run_json(ecglite, [path, "--no-rhythm-model"])
        det = run_json(ecglite, [path, "--rhythm-model", model, "--no-annotations"])
        n = int(round(ref["duration_s"] * ref["sampling_rate_hz"]))
        ref_mask = intervals_to_mask([(e["start"], e["end"]) for e in ref["reference_rhythms"] if e["rhythm"] == "AFIB"], n)
        det_mask = intervals_to_mask([(e["start"], e["end"]) for e in det["verdict"]["af_episodes"]], n)
        ref_eps, det_eps = runs(ref_mask), runs(det_mask)
        fs = ref["sampling_rate_hz"]
        rows.append({
            "record": r, "ref_af_s": ref_mask.sum() / fs, "det_af_s": det_mask.sum() / fs,
            "overlap_s": (ref_mask & det_mask).sum() / fs,
            "ref_episodes": len(ref_eps), "det_episodes": len(det_eps),
            "ref_found": sum(det_mask[s:e].mean() >= 0.5 for s, e in ref_eps),
            "det_true": sum(ref_mask[s:e].mean() >= 0.5 for s, e in det_eps),
            "duration_s": ref["duration_s"], "burden": det["verdict"]["af_burden"],
            "verdict": det["verdict"]["class"],
        })
    af = [x for x in rows if x["ref_af_s"] > 0]
    no_af = [x for x in rows if x["ref_af_s"] == 0]
    tot = lambda rs, k: float(sum(x[k] for x in rs))
    return {
        "records": rows,
        "af_records": [x["record"] for x in af],
        "time_se": tot(af, "overlap_s") / max(tot(af, "ref_af_s"), 1e-9),
        "time_ppv": tot(af, "overlap_s") / max(tot(af, "det_af_s"), 1e-9),
        "episode_se": tot(af, "ref_found") / max(tot(af, "ref_episodes"), 1),
        "episode_ppv": tot(rows, "det_true") / max(tot(rows, "det_episodes"), 1),
        "false_af_s_no_af_records": tot(no_af, "det_af_s"),
        "no_af_records_s": tot(no_af, "duration_s"),
        "no_af_records": len(no_af),
    }


# --- 3. noise --------------------------------------------------------------------------------

def dump(ecglite: str, record: str, signal: int = 0) -> np.ndarray:
    out = subprocess.run([ecglite, "dump", record, "--signals", str(signal)], capture_output=True, text=True,
                         check=True).stdout
    return np.array([float(v) if v != "-" else np.nan for v in out.split()], dtype=np.float64)


def noise_mask(n: int, fs: float) -> np.ndarray:
    """nst's pattern: noise in alternate 2-minute segments from minute 5."""
    m = np.zeros(n, bool)
    seg = int(120 * fs)
    for a in range(int(300 * fs), n, 2 * seg):
        m[a:a + seg] = True
    return m


def write_csv(path: str, x: np.ndarray) -> None:
    with open(path, "w") as f:
        f.write("ECG [mV]\n")
        f.write("\n".join(f"{v:.4f}" for v in x))
        f.write("\n")


def noise_study(ecglite: str, model: str) -> dict | None:
    """Per SNR, over the 5 s blocks inside the noisy segments: how often the verdict stays what it is
    on the clean recording, how often it turns "too noisy", how often it turns into another rhythm;
    and, over the blocks whose reference rhythm is AF, how often AF is still found."""
    if not (os.path.isfile(os.path.join(NSTDB, "118e00.hea")) and os.path.isfile(os.path.join(MITDB, "118.hea"))):
        return None
    em = np.nan_to_num(dump(ecglite, os.path.join(NSTDB, "118e00")) - dump(ecglite, os.path.join(MITDB, "118")))
    fs = 360.0
    out = {str(snr): {"blocks": 0, "same": 0, "noisy": 0, "changed": 0, "af_blocks": 0, "af_found": 0}
           for snr in ["clean"] + SNRS}
    with tempfile.TemporaryDirectory() as tmp:
        for r in NOISE_RECORDS:
            path = os.path.join(MITDB, r)
            if not os.path.isfile(path + ".hea"):
                continue
            ref = run_json(ecglite, [path, "--no-rhythm-model"])
            x = np.nan_to_num(dump(ecglite, path))
            n = len(x)
            af = intervals_to_mask([(e["start"], e["end"]) for e in ref["reference_rhythms"] if e["rhythm"] == "AFIB"], n)
            beats = run_json(ecglite, [path, "--no-rhythm-model", "--no-annotations", "--beats"])["beats"]["samples"]
            signal_power = np.median([np.ptp(x[max(0, b - 18):b + 18]) for b in beats]) ** 2 / 8  # +-50 ms
            noise = np.resize(em, n)
            mask = noise_mask(n, fs)
            clean = None
            for snr in ["clean"] + SNRS:
                y = x if snr == "clean" else x + mask * noise * np.sqrt(
                    signal_power / (np.mean(noise ** 2) * 10 ** (snr / 10)))
                f = os.path.join(tmp, f"{r}.csv")
                write_csv(f, y)
                v = run_json(ecglite, [f, "--rate", "360", "--rhythm-model", model, "--no-annotations"])["verdict"]
                classes = v["blocks"]["classes"]
                clean = clean or classes
                blen = int(round(v["blocks"]["length_s"] * fs))
                o = out[str(snr)]
                for k, cls in enumerate(classes):
                    s, e = k * blen, min(n, (k + 1) * blen)
                    if not mask[s:e].all():
                        continue  # blocks inside noisy segments only (their clean twins for "clean")
                    o["blocks"] += 1
                    o["same"] += cls == clean[k]
                    o["noisy"] += cls == "~" and clean[k] != "~"
                    o["changed"] += cls not in (clean[k], "~")
                    if af[s:e].all():
                        o["af_blocks"] += 1
                        o["af_found"] += cls == "A"
    return {"by_snr": out}


# --- 4. PTB-XL 12-lead ------------------------------------------------------------------------

RHYTHM_CODES = {"SR", "AFIB", "STACH", "SARRH", "SBRAD", "PACE", "SVARR", "BIGU", "AFLT", "SVTAC", "PSVT", "TRIGU"}


def ptbxl_af(ecglite: str, model: str, ptbxl: str | None, folds=(9, 10)) -> dict | None:
    if not ptbxl or not os.path.isfile(os.path.join(ptbxl, "ptbxl_database.csv")):
        return None
    rows = []
    with open(os.path.join(ptbxl, "ptbxl_database.csv")) as f:
        for row in csv.DictReader(f):
            if int(row["strat_fold"]) not in folds:
                continue
            codes = set(ast.literal_eval(row["scp_codes"]))
            rhythm = codes & RHYTHM_CODES
            if rhythm == {"AFIB"}:
                rows.append((row["filename_lr"], "A"))
            elif rhythm == {"SR"}:
                rows.append((row["filename_lr"], "N"))
    verdicts = {"A": [], "N": []}
    for fn, label in rows:
        try:
            v = run_json(ecglite, [os.path.join(ptbxl, fn), "--rhythm-model", model, "--no-annotations"])["verdict"]
        except subprocess.CalledProcessError:
            continue
        if v:
            verdicts[label].append(v["class"])
    a, nn = np.array(verdicts["A"]), np.array(verdicts["N"])
    return {"folds": list(folds), "af_records": int(len(a)), "sr_records": int(len(nn)),
            "af_sensitivity": float(np.mean(a == "A")) if len(a) else None,
            "sr_specificity": float(np.mean(nn != "A")) if len(nn) else None,
            "af_verdicts": {c: int(np.sum(a == c)) for c in rd.CLASSES},
            "sr_verdicts": {c: int(np.sum(nn == c)) for c in rd.CLASSES}}


# --- the card ---------------------------------------------------------------------------------

def pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


def render(train: dict, ev: dict, model_bytes: int) -> str:
    best = train["chosen"]
    head = train.get("head")
    shipped_head = bool(head and head["shipped"])
    cv = head["nested"] if shipped_head else train.get("with_offsets") or train["candidates"][best]["int8"]
    chosen = train["candidates"][best]["candidate"]
    window_s = chosen["window"] / 100
    L = ["# Rhythm model: models/rhythm-int8.ecgm", "",
         "<!-- Generated by scripts/train/rhythm_card.py from rhythm-int8-train.json (rhythm_train.py) and "
         "rhythm-int8-eval.json; do not edit by hand. -->", "",
         "Reads the rhythm of one ECG lead: **N** normal sinus rhythm, **A** atrial fibrillation, **O** other "
         "rhythm, **~** too noisy to read (the PhysioNet/CinC Challenge 2017 classes). Screening aid, not a "
         "diagnosis.", "",
         "## Model", "",
         f"- int8 1D CNN, {train['parameters']:,} parameters, {train['macs_per_window'] / 1e6:.1f}M MACs per "
         f"{window_s:.0f} s window, file {model_bytes / 1024:.1f} KiB; run by the same engine as the 12-lead model. "
         f"The C++ verdicts equal the Python int8 reference to {train['cli_parity_max_prob_diff']:.1e} in probability "
         f"(first 20 CinC recordings, `ecglite rhythm`).",
         f"- Input (`rhythm_signal`, core/src/screen/rhythm_class.cpp): channels {', '.join(chosen['channels'])} "
         "at 100 Hz: the lead band-passed 0.5-40 Hz and divided by its median QRS amplitude, the RR interval "
         f"each sample lies in, and its change from the previous interval. Windows of {window_s:.0f} s every 5 s; a "
         "recording up to 61 s gets the class of the mean logits of all its windows; a longer one gets a "
         "class per 5 s block (the windows covering it), AF episodes (runs of AF blocks lasting 30 s or more) and "
         "the AF burden (time in AF episodes / time in blocks not too noisy).",
         *([f"- Head (core/include/ecglite/rhythm_class.h): a multinomial logistic regression turns the mean logits "
            f"and {len(head['inputs'])} summaries of the RR intervals of the stretch the windows span "
            f"({', '.join(head['inputs'])}) into the class logits: how many beats' intervals are distributed, "
            "which the network's ~5 s receptive field does not see."] if shipped_head else []),
         f"- Lead: lead I of a 12-lead record, else the first lead (`--rhythm-lead`, `rhythmLead`). "
         "Recordings shorter than 9 s get no verdict.", "",
         "## Training data and cross-validation (CinC 2017)", "",
         f"{train['recordings']:,} single-lead recordings of the PhysioNet/CinC Challenge 2017 training set "
         f"(AliveCor, 300 Hz, 9-61 s; N {train['class_counts'][0]}, A {train['class_counts'][1]}, "
         f"O {train['class_counts'][2]}, ~ {train['class_counts'][3]}), the 85 % shared here; the other 15 % "
         "are held out and were not read. Stratified "
         f"{train['folds']}-fold cross-validation (no patient identifiers exist; the same folds for every "
         "candidate); the candidates were compared by the cross-validated challenge score F1 = mean(F1_N, F1_A, "
         "F1_O) of their int8 networks (post-training quantized per fold), and the best was trained again on all "
         "recordings. The selection and the reported score use the same folds, so the score of the chosen "
         "candidate is slightly optimistic; the held-out 15 % will tell.", "",
         "| candidate | input channels | window | parameters | MACs per window | epochs | CV F1 fp32 | CV F1 int8 | per fold (int8), mean ± sd | AF F1 (int8) |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in train["candidates"].items():
        k = c["candidate"]
        L.append(f"| {name}{' (shipped)' if name == best else ''} | {', '.join(k['channels'])} | "
                 f"{k['window'] / 100:.0f} s | {c['parameters']:,} | {c['macs_per_window'] / 1e6:.1f}M | {k['epochs']} | "
                 f"{c['fp32']['challenge_f1']:.3f} | {c['int8']['challenge_f1']:.3f} | "
                 f"{c['int8']['fold_mean']:.3f} ± {c['int8']['fold_sd']:.3f} | {c['int8']['A']['f1']:.3f} |")
    if train.get("with_offsets"):
        off = dict(zip(rd.CLASSES, train["offsets"]))
        where = ("the head's outputs (chosen on its out-of-fold outputs)" if shipped_head else
                 f"the shipped network's logits (chosen on the out-of-fold logits of {best}; the class weights of "
                 "training favour A and ~)")
        L += ["", f"Decision offsets added to {where}: A {off['A']:+.2f}, O {off['O']:+.2f}, ~ {off['~']:+.2f}. "
              f"What offsets add to the network alone, estimated by nested cross-validation (offsets chosen on four "
              f"folds, applied to the fifth): challenge F1 {train['candidates'][best]['int8']['challenge_f1']:.3f} "
              f"without, {train['with_offsets']['challenge_f1']:.3f} with."]
    if head:
        L += ["", f"Head on the RR summaries ({', '.join(head['inputs'])}; `ecglite rhythm --export-rr-summary`): a "
              f"multinomial logistic regression on {best}'s out-of-fold int8 logits and the recording's summaries, "
              "with its own decision offsets; nested cross-validation (the head fitted on four folds, its offsets "
              "chosen on those folds' out-of-fold head outputs, both applied to the fifth): challenge F1 "
              f"{head['nested']['challenge_f1']:.3f}, AF F1 {head['nested']['A']['f1']:.3f}, against "
              f"{train['with_offsets']['challenge_f1']:.3f} and {train['with_offsets']['A']['f1']:.3f} with the "
              f"offsets alone ({head['gain']:+.3f}). Rule fixed before its first evaluation: the head ships when it "
              f"adds more than {head['min_gain']:.3f}: **{'shipped' if shipped_head else 'not shipped'}**."]
    L += ["", f"Shipped model ({best}{' with the head' if shipped_head else ''}), int8, "
          f"{'with the offsets (nested), ' if train.get('with_offsets') else ''}"
          f"out-of-fold predictions over all {train['recordings']:,} recordings:", "",
          "| class | F1 | sensitivity | positive predictivity |", "|---|---|---|---|"]
    for c in rd.CLASSES:
        L.append(f"| {c} | {cv[c]['f1']:.3f} | {pct(cv[c]['se'])} | {pct(cv[c]['ppv'])} |")
    met = lambda ok: "met" if ok else "**not met**"
    L += ["", f"**Challenge score F1 = {cv['challenge_f1']:.3f}, AF F1 = {cv['A']['f1']:.3f}** (targets 0.83 and "
          f"0.85: {met(cv['challenge_f1'] >= 0.83)}, {met(cv['A']['f1'] >= 0.85)}; the 2017 challenge's best hidden-test "
          "scores were 0.83). Confusion matrix (rows: reference, columns: verdict):", "",
          "| | N | A | O | ~ |", "|---|---|---|---|---|"]
    for c, row in zip(rd.CLASSES, cv["confusion"]):
        L.append(f"| **{c}** | " + " | ".join(str(v) for v in row) + " |")
    m = ev.get("mitdb")
    L += ["", "## Long recordings: MIT-BIH Arrhythmia Database", ""]
    if m:
        L += [f"All 48 records (30 min, 2 leads at 360 Hz; the first lead is read), AF found with "
              "`ecglite rhythm RECORD --no-annotations --json` and scored against the reference rhythm "
              "annotations (AFIB intervals; atrial flutter counts as not AF). AF episodes are runs of AF "
              "blocks lasting 30 s or more, the clinical definition of an AF episode. That rule was added after "
              "a first look at MIT-BIH with a preview model (many short false AF runs in records with frequent "
              "ectopic beats: 200, 208, 220, 232), so MIT-BIH is not untouched for it; nothing else was chosen on "
              "MIT-BIH, and it was never used in training.", "",
              f"- AF time over the {len(m['af_records'])} records with AF ({', '.join(m['af_records'])}): "
              f"**sensitivity {pct(m['time_se'])}, positive predictivity {pct(m['time_ppv'])}** (targets 90 %, 90 %).",
              f"- AF episodes: sensitivity {pct(m['episode_se'])} (a reference episode counts as found when "
              f"detected AF covers at least half of it), positive predictivity {pct(m['episode_ppv'])} "
              "(a detected episode is true when at least half of it is reference AF).",
              f"- Records without AF ({m['no_af_records']}, {m['no_af_records_s'] / 3600:.1f} h): "
              f"{m['false_af_s_no_af_records'] / 60:.1f} min called AF.", "",
              "| record | reference AF | detected AF | overlap | AF burden | reference episodes (found) | detected episodes (true) |",
              "|---|---|---|---|---|---|---|"]
        for r in m["records"]:
            if r["ref_af_s"] > 0 or r["det_af_s"] > 0:
                L.append(f"| {r['record']} | {r['ref_af_s']:.0f} s | {r['det_af_s']:.0f} s | {r['overlap_s']:.0f} s | "
                         f"{pct(r['burden'])} | {r['ref_episodes']} ({r['ref_found']}) | {r['det_episodes']} ({r['det_true']}) |")
        L.append("")
        L.append("Records not listed: no reference AF and none detected.")
    else:
        L.append("Not measured: the MIT-BIH data (../shared/data/mitdb) was absent.")
    nz = ev.get("noise")
    L += ["", "## Noise: too noisy is an answer", ""]
    if nz:
        L += ["Electrode-motion noise of the MIT-BIH Noise Stress Test Database (118e00 minus 118) added to "
              f"MIT-BIH records {', '.join(NOISE_RECORDS)} (the first lead) in alternate 2-minute segments from "
              "minute 5 (the database's own pattern) at each SNR (signal power from the median QRS peak-to-peak "
              "amplitude A as A^2/8). Counted: the 5 s blocks inside the noisy segments, against the verdict of "
              "the same block of the clean recording (\"clean\": the clean recording's own blocks); and the "
              "blocks whose reference rhythm is AF.", "",
              "| SNR | blocks | verdict as on the clean recording | turned \"too noisy\" | turned into another rhythm | AF blocks still called AF |",
              "|---|---|---|---|---|---|"]
        for k, o in nz["by_snr"].items():
            b = max(o["blocks"], 1)
            L.append(f"| {k if k == 'clean' else k + ' dB'} | {o['blocks']} | {pct(o['same'] / b)} | "
                     f"{pct(o['noisy'] / b)} | {pct(o['changed'] / b)} | {pct(o['af_found'] / max(o['af_blocks'], 1))} "
                     f"of {o['af_blocks']} |")
    else:
        L.append("Not measured: the NSTDB or MIT-BIH data was absent.")
    p = ev.get("ptbxl")
    L += ["", "## 12-lead records: PTB-XL, lead I", ""]
    if p:
        L += [f"PTB-XL folds {', '.join(map(str, p['folds']))} (10 s, 100 Hz; never used for the rhythm model): "
              f"records whose only rhythm statement is AFIB ({p['af_records']}) and SR ({p['sr_records']}).", "",
              f"- AF sensitivity {pct(p['af_sensitivity'])} (verdicts {p['af_verdicts']}).",
              f"- Specificity on sinus rhythm (not called AF) {pct(p['sr_specificity'])} (verdicts {p['sr_verdicts']})."]
    else:
        L.append("Not measured here: the complete PTB-XL was not given (--ptbxl).")
    L += ["", "## Limits", "",
          "- Trained on one device (AliveCor KardiaMobile, lead I equivalent) at rest; other leads and devices are "
          "checked above only on MIT-BIH (ambulatory, modified lead II) and PTB-XL (lead I).",
          "- \"Other rhythm\" is the challenge's broad class (anything that is neither sinus nor AF); its F1 is the "
          "lowest, as in the challenge.",
          "- A verdict is not a diagnosis: AF must be confirmed by a clinician on a full ECG.", ""]
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description="evaluate the rhythm model and write its card")
    ap.add_argument("--ecglite")
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--ptbxl", default=None, help="the complete PTB-XL directory (section 4; optional)")
    ap.add_argument("--out", default=os.path.join(data.REPO, "models", "RHYTHM_MODEL_CARD.md"))
    args = ap.parse_args()
    exe = data.find_ecglite(args.ecglite)
    with open(os.path.splitext(args.model)[0] + "-train.json") as f:
        train = json.load(f)
    ev = {"mitdb": mitdb_af(exe, args.model), "noise": noise_study(exe, args.model),
          "ptbxl": ptbxl_af(exe, args.model, args.ptbxl)}
    with open(os.path.splitext(args.model)[0] + "-eval.json", "w") as f:
        json.dump(ev, f, indent=1, default=float)
    with open(args.out, "w") as f:
        f.write(render(train, ev, os.path.getsize(args.model)))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
