"""Training loop shared by the teacher, the students (with or without distillation) and pruning
fine-tunes; checkpoints; sliding-window prediction.

Training sees random 2.5 s crops of the preprocessed 10 s records with amplitude scaling and a
little Gaussian noise; prediction slides 2.5 s windows (stride 1.25 s) over the record and takes
the maximum logit per class, exactly as the C++ engine does. The schedule is fixed (one-cycle,
a fixed number of epochs chosen during development on fold 9); the final weights are kept, so
the validation fold is only watched, never used to pick a checkpoint.

Usage as a script (one model): train.py --arch teacher|student --out FILE.pt [--teacher T.pt]
  [--val-fold 9] [--epochs N] [--seed S] [--data DIR] [--ecglite BIN]
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see models.py

import dataclasses
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import distill
import models


@dataclasses.dataclass
class TrainConfig:
    epochs: int = 40
    batch: int = 64
    lr: float = 3e-3
    weight_decay: float = 1e-2
    crop: int = models.WINDOW
    scale: float = 0.2          # per-lead amplitude factor drawn from U(1-scale, 1+scale)
    noise: float = 0.05         # Gaussian noise std (records are z-scored per lead)
    seed: int = 0
    threads: int = 2
    ema: float = 0.0            # exponential moving average of the weights (0: off); the EMA is kept
    dropout: float | None = None  # overrides the architecture's dropout when set
    # knowledge distillation (used when a teacher is given)
    kd_alpha: float = 0.7       # weight of the soft-target loss
    kd_temperature: float = 2.0


def set_seed(seed: int) -> None:
    np.random.seed(seed)
    torch.manual_seed(seed)


def augment(x: np.ndarray, cfg: TrainConfig, rng: np.random.Generator) -> np.ndarray:
    """Random crop + per-lead amplitude scaling + Gaussian noise of a batch [B, 12, T]."""
    b, c, t = x.shape
    starts = rng.integers(0, t - cfg.crop + 1, size=b)
    idx = starts[:, None] + np.arange(cfg.crop)[None, :]
    out = np.take_along_axis(x, idx[:, None, :].repeat(c, axis=1), axis=2)
    if cfg.scale:
        out = out * rng.uniform(1 - cfg.scale, 1 + cfg.scale, size=(b, c, 1)).astype(np.float32)
    if cfg.noise:
        out = out + rng.normal(0, cfg.noise, size=out.shape).astype(np.float32)
    return out.astype(np.float32)


@torch.no_grad()
def predict_logits(model: nn.Module, x: np.ndarray, batch: int = 64) -> np.ndarray:
    """Record logits [N, classes]: max over the sliding windows of each 10 s record (the engine's
    inference scheme). `model` is any module mapping [B, 12, 250] windows to logits."""
    model.eval()
    out = []
    for i in range(0, len(x), batch):
        w = models.sliding_windows(torch.from_numpy(np.ascontiguousarray(x[i:i + batch])))
        b, n = w.shape[:2]
        out.append(model(w.reshape(b * n, *w.shape[2:])).reshape(b, n, -1).max(dim=1).values.numpy())
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 5), np.float32)


def predict(model: nn.Module, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-predict_logits(model, x)))


def fit(model: nn.Module, xtr: np.ndarray, ytr: np.ndarray, cfg: TrainConfig,
        xval: np.ndarray | None = None, yval: np.ndarray | None = None,
        teacher: nn.Module | None = None, log=print) -> dict:
    """Trains `model` in place with the fixed schedule; returns the history (val AUC per epoch is
    logged for information only)."""
    import evaluate

    torch.set_num_threads(cfg.threads)
    set_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = max(1, math.ceil(len(xtr) / cfg.batch))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, epochs=cfg.epochs,
                                                steps_per_epoch=steps_per_epoch, pct_start=0.3)
    if teacher is not None:
        teacher.eval()
    hist = {"train_loss": [], "val_macro_auc": [], "seconds": 0.0}
    ema = None
    if cfg.ema:
        ema = {k: v.detach().clone() for k, v in model.state_dict().items()}
    t0 = time.time()
    for ep in range(cfg.epochs):
        model.train()
        perm = rng.permutation(len(xtr))
        total = 0.0
        for i in range(steps_per_epoch):
            idx = perm[i * cfg.batch:(i + 1) * cfg.batch]
            if len(idx) < 2:  # BatchNorm needs more than one sample
                continue
            xb = torch.from_numpy(augment(xtr[idx], cfg, rng))
            yb = torch.from_numpy(ytr[idx])
            logits = model(xb)
            if teacher is not None:
                with torch.no_grad():
                    tl = teacher(xb)
                loss = distill.kd_loss(logits, tl, yb, cfg.kd_alpha, cfg.kd_temperature)
            else:
                loss = F.binary_cross_entropy_with_logits(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
            if ema is not None:
                with torch.no_grad():
                    for k, v in model.state_dict().items():
                        if v.dtype.is_floating_point:
                            ema[k].mul_(cfg.ema).add_(v.detach(), alpha=1 - cfg.ema)
                        else:
                            ema[k].copy_(v)
        hist["train_loss"].append(total / len(xtr))
        msg = f"epoch {ep + 1}/{cfg.epochs} loss {hist['train_loss'][-1]:.4f}"
        if ema is not None and ep + 1 == cfg.epochs:
            model.load_state_dict(ema)
        if xval is not None and len(xval) and (ep + 1 == cfg.epochs or (ep + 1) % 5 == 0):
            auc = evaluate.macro_auc(yval, predict(_ema_view(model, ema) if ep + 1 < cfg.epochs else model, xval))
            hist["val_macro_auc"].append([ep + 1, auc])
            msg += f" val macro AUC {auc:.4f}"
        log(f"{msg} ({time.time() - t0:.0f} s)")
    hist["seconds"] = time.time() - t0
    return hist


def _ema_view(model, ema):
    if ema is None:
        return model
    import copy
    m = copy.deepcopy(model)
    m.load_state_dict(ema)
    return m


# --- checkpoints -------------------------------------------------------------------------------

def save_checkpoint(path: str, model: models.Net, **meta) -> None:
    torch.save({"spec": model.spec, "state": model.state_dict(), "meta": meta}, path)


def load_checkpoint(path: str) -> models.Net:
    ck = torch.load(path, map_location="cpu")
    m = models.build(ck["spec"])
    m.load_state_dict(ck["state"])
    m.eval()
    m.meta = ck.get("meta", {})
    m.thresholds = m.meta.get("thresholds")
    return m


def main(argv=None) -> None:
    import argparse
    import json

    import data
    import evaluate

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", choices=sorted(dict.keys(models.ARCHS)), required=True)
    ap.add_argument("--out", required=True, help="checkpoint (.pt); predictions go to OUT.json")
    ap.add_argument("--teacher", action="append", default=[],
                    help="distil from this teacher checkpoint (repeat for an ensemble)")
    ap.add_argument("--val-fold", type=int, default=9)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a TrainConfig field (experiments)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--per-fold-limit", type=int, default=None, help="first N records per fold (smoke)")
    ap.add_argument("--data", default=data.DEFAULT_DATA)
    ap.add_argument("--ecglite", default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    ds = data.load_dataset(a.data, data.find_ecglite(a.ecglite), a.per_fold_limit)
    tr_idx, va_idx = ds.split(a.val_fold)
    cfg = dataclasses.replace(models.ARCHS[a.arch]["train"], seed=a.seed, threads=a.threads)
    if a.epochs:
        cfg.epochs = a.epochs
    if a.lr:
        cfg.lr = a.lr
    for kv in a.set:
        k, v = kv.split("=", 1)
        setattr(cfg, k, json.loads(v))
    spec = dict(models.ARCHS[a.arch]["spec"])
    if cfg.dropout is not None:
        spec["dropout"] = cfg.dropout
    set_seed(cfg.seed)  # the initial weights too (torch's startup seed is random)
    m = models.build(spec)
    teacher = None
    if a.teacher:
        ts = [load_checkpoint(t) for t in a.teacher]
        teacher = ts[0] if len(ts) == 1 else distill.Ensemble(ts)
    hist = fit(m, ds.x[tr_idx], ds.y[tr_idx], cfg, ds.x[va_idx], ds.y[va_idx], teacher,
               log=lambda s: print(s, flush=True))
    logits = predict_logits(m, ds.x[va_idx])
    p = 1 / (1 + np.exp(-logits))
    res = evaluate.summary(ds.y[va_idx], p, data.CLASSES)
    print(f"{a.out}: val fold {a.val_fold} macro AUC {res['macro_auc']:.4f}", flush=True)
    save_checkpoint(a.out, m, arch=a.arch, config=dataclasses.asdict(cfg), val_fold=a.val_fold,
                    teachers=[os.path.basename(t) for t in a.teacher])
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({"arch": a.arch, "seed": a.seed, "val_fold": a.val_fold, "distilled": bool(a.teacher),
                   "teachers": [os.path.basename(t) for t in a.teacher],
                   "config": dataclasses.asdict(cfg), "history": hist,
                   "parameters": models.count_parameters(m), "macs_per_window": models.count_macs(m),
                   "macs_per_record": models.macs_per_record(m), "val": res,
                   "val_ecg_ids": ds.ecg_ids[va_idx].tolist(), "val_logits": logits.tolist()}, f)


if __name__ == "__main__":
    main()
