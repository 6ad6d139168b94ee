"""Structured pruning: whole output channels are removed from the plain conv layers of a trained
network (ranked by the |scale| of their BatchNorm, i.e. how much each channel can contribute),
the network is rebuilt thinner (real parameter and MAC savings, the same layer vocabulary) and
fine-tuned, with distillation from the teacher when one is given.

Prunable: the stem convs and the first conv of each residual block (its output feeds only the
block's second conv). Stage transitions and the block outputs are tied to residual adds and keep
their width. The last conv before pooling feeds the classifier, whose input columns are sliced.

Usage as a script: prune.py --model S.pt --keep 0.5 --out P.pt [--teacher T.pt] [--epochs 10]
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see models.py

import copy

import numpy as np
import torch
import torch.nn as nn

import models


def _convbns(model: models.Net):
    """The feature layers, and (kind, index, layer) of every stem conv and residual block in order."""
    feats = list(model.features)
    items = []
    for i, layer in enumerate(feats):
        if isinstance(layer, models.ConvBN) and i < len(model.spec.get("stem", [])):
            items.append(("stem", i, layer))
        elif isinstance(layer, models.BasicBlock):
            items.append(("block", i, layer))
    return feats, items


def _keep_idx(bn: nn.BatchNorm1d, n_keep: int) -> torch.Tensor:
    score = bn.weight.detach().abs()
    return torch.sort(torch.argsort(score, descending=True)[:n_keep]).values


def _slice_convbn(cb: models.ConvBN, out_idx=None, in_idx=None) -> None:
    conv, bn = cb[0], cb[1]
    w = conv.weight.data
    if out_idx is not None:
        w = w[out_idx]
        for name in ("weight", "bias", "running_mean", "running_var"):
            t = getattr(bn, name)
            t.data = t.data[out_idx].clone()
        bn.num_features = len(out_idx)
        conv.out_channels = len(out_idx)
    if in_idx is not None:
        w = w[:, in_idx]
        conv.in_channels = len(in_idx)
    conv.weight = nn.Parameter(w.clone())


def prune(model: models.Net, keep: float) -> models.Net:
    """Thinner copy of `model` keeping round(keep * C) channels of each prunable layer."""
    m = copy.deepcopy(model).eval()
    spec = m.spec
    # the auxiliary head only helps training; the pruned network is fine-tuned on the 5 classes
    spec.pop("aux_classes", None)
    m.fc_aux = None
    feats, items = _convbns(m)
    n_stem = len(spec.get("stem", []))
    prev_idx = None  # kept output channels of the previous stem conv
    # a stem conv whose output feeds a residual block (through pools only) keeps its width
    after = [l for l in feats[n_stem:] if not isinstance(l, nn.MaxPool1d)]
    stem_prunable = not (after and isinstance(after[0], models.BasicBlock))
    for kind, i, layer in items:
        if kind == "stem":
            last = i == n_stem - 1
            if last and not stem_prunable:
                if prev_idx is not None:
                    _slice_convbn(layer, in_idx=prev_idx)
                prev_idx = None
                continue
            n_keep = max(1, int(round(keep * layer[0].out_channels)))
            idx = _keep_idx(layer[1], n_keep)
            _slice_convbn(layer, out_idx=idx, in_idx=prev_idx)
            spec["stem"][i][0] = n_keep
            prev_idx = idx
        else:
            n_keep = max(1, int(round(keep * layer.conv1[0].out_channels)))
            idx = _keep_idx(layer.conv1[1], n_keep)
            _slice_convbn(layer.conv1, out_idx=idx)
            _slice_convbn(layer.conv2, in_idx=idx)
    # the layer consuming the last pruned stem conv's output
    if prev_idx is not None:
        nxt = after[0] if after else None
        if isinstance(nxt, models.ConvBN):
            _slice_convbn(nxt, in_idx=prev_idx)
        else:
            m.fc.weight = nn.Parameter(m.fc.weight.data[:, prev_idx].clone())
            m.fc.in_features = len(prev_idx)
    # block mid widths go into the spec so that a rebuild gives the same shapes
    mids = [layer.conv1[0].out_channels for kind, _, layer in items if kind == "block"]
    k = 0
    for st in spec.get("stages", []):
        n = len(st.get("mid") or []) or st.get("blocks", 0)
        st["mid"] = mids[k:k + n]
        st["blocks"] = n
        k += n
    rebuilt = models.build(spec)
    rebuilt.load_state_dict(m.state_dict())
    return rebuilt.eval()


def main(argv=None) -> None:
    import argparse
    import dataclasses
    import json

    import data
    import distill
    import evaluate
    import train

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep", type=float, default=0.5, help="fraction of channels kept per layer")
    ap.add_argument("--teacher", action="append", default=[])
    ap.add_argument("--teacher-logits", action="append", default=[], metavar="FILE.npz",
                    help="distil from stored crop logits (train.py --export-crop-logits)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--val-fold", type=int, default=9)
    ap.add_argument("--per-fold-limit", type=int, default=None)
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--ecglite", default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    ds = data.load_dataset(a.data, data.find_ecglite(a.ecglite), a.per_fold_limit)
    tr_idx, va_idx = ds.split(a.val_fold)
    base = train.load_checkpoint(a.model)
    pruned = prune(base, a.keep)
    res = {"keep": a.keep}
    for name, m in (("before", base), ("pruned_no_finetune", pruned)):
        p = train.predict(m, ds.x[va_idx])
        res[name] = {"parameters": models.count_parameters(m), "macs_per_window": models.count_macs(m),
                     "macs_per_record": models.macs_per_record(m),
                     "val_macro_auc": evaluate.macro_auc(ds.y[va_idx], p)}
    teacher = None
    if a.teacher:
        ts = [train.load_checkpoint(t) for t in a.teacher]
        teacher = ts[0] if len(ts) == 1 else distill.Ensemble(ts)
    cfg = dataclasses.replace(train.TrainConfig(**base.meta.get("config", {})), epochs=a.epochs,
                              lr=a.lr, seed=a.seed, threads=a.threads)
    import noise
    bank = noise.load_bank(data.find_ecglite(a.ecglite)) if cfg.real_noise else None
    tlogits = train.load_crop_logits(a.teacher_logits, ds.ecg_ids[tr_idx])
    hist = train.fit(pruned, ds.x[tr_idx], ds.y[tr_idx], cfg, ds.x[va_idx], ds.y[va_idx], teacher,
                     log=lambda s: print(s, flush=True), noise_bank=bank, teacher_logits=tlogits)
    logits = train.predict_logits(pruned, ds.x[va_idx])
    res["after"] = {"parameters": models.count_parameters(pruned), "macs_per_window": models.count_macs(pruned),
                    "macs_per_record": models.macs_per_record(pruned),
                    "val_macro_auc": evaluate.macro_auc(ds.y[va_idx], 1 / (1 + np.exp(-logits)))}
    res["finetune"] = {"epochs": a.epochs, "lr": a.lr, "distilled": bool(a.teacher or a.teacher_logits), "seconds": hist["seconds"]}
    print(json.dumps(res, indent=1))
    train.save_checkpoint(a.out, pruned, arch="pruned", config=dataclasses.asdict(cfg), val_fold=a.val_fold,
                          pruned_from=os.path.basename(a.model), keep=a.keep)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({**res, "val_ecg_ids": ds.ecg_ids[va_idx].tolist(), "val_logits": logits.tolist()}, f)


if __name__ == "__main__":
    main()
