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
    crop: int = models.WINDOW   # > WINDOW: the crop is scored as at inference (its windows pooled)
    # Amplitude jitter, kept small because voltage is a finding (hypertrophy criteria): on fold 9 the
    # student with +-10 % per record and +-5 % per lead beat +-25 % / +-10 % by 0.002 macro AUC (HYP
    # +0.005; seeds 0 and 1); +-5 % per record was no better than +-10 %.
    scale: float = 0.05         # per-lead amplitude factor drawn from U(1-scale, 1+scale)
    gain: float = 1.1           # per-record amplifier gain, log-uniform in [1/gain, gain]
    noise: float = 0.01         # Gaussian noise std (mV)
    real_noise: float = 0.5     # share of crops that get recorded noise (nstdb bw/ma/em, noise.py)
    real_noise_max: float = 1.0  # its amplitude factor is drawn from U(0, real_noise_max)
    seed: int = 0
    threads: int = 2
    ema: float = 0.0            # exponential moving average of the weights (0: off); the EMA is kept
    dropout: float | None = None  # overrides the architecture's dropout when set
    # knowledge distillation (used when a teacher is given)
    kd_alpha: float = 0.7       # weight of the soft-target loss
    kd_temperature: float = 2.0
    aux_weight: float = 0.0     # weight of the auxiliary loss on every SCP statement (needs aux_classes)
    # training targets from the likelihoods PTB-XL gives each statement: "" hard multi-hot labels
    # (the benchmark's), "half" a positive of likelihood L (%) -> 0.5 + L/200, "linear" -> L/100
    soft_labels: str = ""


def training_targets(y: np.ndarray, likelihood: np.ndarray, soft_labels: str) -> np.ndarray:
    """[N, 5] targets for the loss: the hard labels, or positives softened by their likelihood."""
    if not soft_labels:
        return y
    if soft_labels not in ("half", "linear"):
        raise SystemExit(f"soft_labels: unknown rule {soft_labels!r} (\"\", \"half\" or \"linear\")")
    p = likelihood / 100.0
    return np.where(y > 0, 0.5 + 0.5 * p if soft_labels == "half" else p, 0.0).astype(np.float32)


def set_seed(seed: int) -> None:
    np.random.seed(seed)
    torch.manual_seed(seed)


def augment(x: np.ndarray, cfg: TrainConfig, rng: np.random.Generator,
            noise_bank: np.ndarray | None = None, starts: np.ndarray | None = None) -> np.ndarray:
    """The variation of real recordings, on a batch [B, 12, T] in mV: a random crop (time shift),
    a per-record gain (another amplifier) and per-lead gains (electrode placement), recorded
    baseline wander, muscle and electrode-motion noise (`noise_bank`, [pieces, >= crop]), a little
    white noise. Powerline interference is not simulated: the input's 40 Hz low-pass and the
    resampling to 100 Hz remove it. `starts` fixes the crops (distillation from stored logits)."""
    b, c, t = x.shape
    if starts is None:
        starts = rng.integers(0, t - cfg.crop + 1, size=b)
    idx = starts[:, None] + np.arange(cfg.crop)[None, :]
    out = np.take_along_axis(x, idx[:, None, :].repeat(c, axis=1), axis=2)
    if cfg.gain and cfg.gain != 1:
        g = np.exp(rng.uniform(-np.log(cfg.gain), np.log(cfg.gain), size=(b, 1, 1)))
        out = out * g.astype(np.float32)
    if cfg.scale:
        out = out * rng.uniform(1 - cfg.scale, 1 + cfg.scale, size=(b, c, 1)).astype(np.float32)
    if cfg.real_noise and noise_bank is not None and len(noise_bank):
        hit = np.flatnonzero(rng.random(b) < cfg.real_noise)
        if len(hit):
            piece = rng.integers(0, len(noise_bank), size=(len(hit), c))
            off = rng.integers(0, noise_bank.shape[1] - cfg.crop + 1, size=(len(hit), c))
            n = noise_bank[piece[..., None], off[..., None] + np.arange(cfg.crop)]
            amp = rng.uniform(0, cfg.real_noise_max, size=(len(hit), 1, 1))
            out[hit] += (n * amp).astype(np.float32)
    if cfg.noise:
        out = out + rng.normal(0, cfg.noise, size=out.shape).astype(np.float32)
    return out.astype(np.float32)


TEACHER_STRIDE = 50  # crops of stored teacher logits start every 0.5 s


@torch.no_grad()
def crop_logits(model: nn.Module, x: np.ndarray, crop: int = models.WINDOW, batch: int = 32) -> np.ndarray:
    """A teacher's logits for the clean crops distillation uses: [N, positions, classes] float32,
    crops every TEACHER_STRIDE samples (models.window_starts). Computed once, so that a student is
    distilled from a large teacher (or an ensemble) at the cost of reading an array."""
    model.eval()
    out = []
    for i in range(0, len(x), batch):
        w = models.sliding_windows(torch.from_numpy(np.ascontiguousarray(x[i:i + batch])), crop, TEACHER_STRIDE)
        b, n = w.shape[:2]
        out.append(model(w.reshape(b * n, *w.shape[2:])).reshape(b, n, -1).numpy())
    return np.concatenate(out).astype(np.float32)


def load_crop_logits(paths: list[str], ecg_ids: np.ndarray) -> np.ndarray | None:
    """The mean of stored crop logits (an ensemble of teachers), checked to be of these records."""
    if not paths:
        return None
    stored = [np.load(f) for f in paths]
    for f, z in zip(paths, stored):
        if not np.array_equal(z["ecg_ids"], ecg_ids):
            raise SystemExit(f"{f}: crop logits of other training records (another split or data directory)")
    return np.mean([z["logits"] for z in stored], axis=0).astype(np.float32)


@torch.no_grad()
def predict_logits(model: nn.Module, x: np.ndarray, batch: int = 64, stride: int | None = None,
                   pooling: str | None = None) -> np.ndarray:
    """Record logits [N, classes]: the window logits of each 10 s record pooled (max, or mean for
    window_pooling "mean": the engine's inference scheme, with the model's window stride and pooling
    unless given). `model` is any module mapping [B, 12, 250] windows to logits."""
    model.eval()
    stride = stride or models.stride_of(model)
    pooling = pooling or models.pooling_of(model)
    out = []
    for i in range(0, len(x), batch):
        w = models.sliding_windows(torch.from_numpy(np.ascontiguousarray(x[i:i + batch])), stride=stride)
        b, n = w.shape[:2]
        out.append(models.pool_windows(model(w.reshape(b * n, *w.shape[2:])).reshape(b, n, -1), pooling).numpy())
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 5), np.float32)


def predict(model: nn.Module, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-predict_logits(model, x)))


def fit(model: nn.Module, xtr: np.ndarray, ytr: np.ndarray, cfg: TrainConfig,
        xval: np.ndarray | None = None, yval: np.ndarray | None = None,
        teacher: nn.Module | None = None, log=print, noise_bank: np.ndarray | None = None,
        teacher_logits: np.ndarray | None = None, yaux: np.ndarray | None = None) -> dict:
    """Trains `model` in place with the fixed schedule; returns the history (val AUC per epoch is
    logged for information only). Distillation: from `teacher` run on the same augmented crop, or
    from `teacher_logits` ([len(xtr), positions, classes], crop_logits() of the clean record: the
    student's crop then starts at one of those positions)."""
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
            starts = tl = None
            if teacher_logits is not None:
                pick = rng.integers(0, teacher_logits.shape[1], size=len(idx))
                starts = pick * TEACHER_STRIDE
                tl = torch.from_numpy(teacher_logits[idx, pick])
            xb = torch.from_numpy(augment(xtr[idx], cfg, rng, noise_bank, starts))
            yb = torch.from_numpy(ytr[idx])
            aux_loss = 0.0
            if cfg.aux_weight and yaux is not None and getattr(model, "fc_aux", None) is not None:
                logits, aux_logits = _crop_logits_train(model, xb, with_aux=True)
                aux_loss = cfg.aux_weight * F.binary_cross_entropy_with_logits(aux_logits, torch.from_numpy(yaux[idx]))
            else:
                logits = _crop_logits_train(model, xb)
            if tl is not None:
                loss = distill.kd_loss(logits, tl, yb, cfg.kd_alpha, cfg.kd_temperature)
            elif teacher is not None:
                with torch.no_grad():
                    tl = _crop_logits_train(teacher, xb)
                loss = distill.kd_loss(logits, tl, yb, cfg.kd_alpha, cfg.kd_temperature)
            else:
                loss = F.binary_cross_entropy_with_logits(logits, yb)
            loss = loss + aux_loss
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


def _crop_logits_train(model, xb: torch.Tensor, with_aux: bool = False):
    """Logits of a training crop: a window-sized crop directly; a longer one as the engine scores a
    record (its sliding windows pooled), so that the record label supervises the aggregate."""
    if xb.shape[-1] <= models.WINDOW:
        return model.forward_with_aux(xb) if with_aux else model(xb)
    w = models.sliding_windows(xb, models.WINDOW, models.stride_of(model))
    b, n = w.shape[:2]
    flat = w.reshape(b * n, *w.shape[2:])
    pooling = models.pooling_of(model)
    if with_aux:
        lg, aux = model.forward_with_aux(flat)
        return models.pool_windows(lg.reshape(b, n, -1), pooling), models.pool_windows(aux.reshape(b, n, -1), pooling)
    return models.pool_windows(model(flat).reshape(b, n, -1), pooling)


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
    ap.add_argument("--teacher-logits", action="append", default=[], metavar="FILE.npz",
                    help="distil from stored crop logits (crop_logits; several: their mean)")
    ap.add_argument("--export-crop-logits", action="store_true",
                    help="after training, store this model's crop logits on the training records (OUT.crops.npz)")
    ap.add_argument("--val-fold", type=int, default=9)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a TrainConfig field (experiments)")
    ap.add_argument("--spec", default=None, metavar="JSON",
                    help="entries replacing those of the architecture's spec (experiments)")
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
    if a.spec:
        spec.update(json.loads(a.spec))
    if cfg.dropout is not None:
        spec["dropout"] = cfg.dropout
    if cfg.aux_weight:
        spec["aux_classes"] = int(ds.y_aux.shape[1])
    set_seed(cfg.seed)  # the initial weights too (torch's startup seed is random)
    m = models.build(spec)
    teacher = None
    if a.teacher:
        ts = [load_checkpoint(t) for t in a.teacher]
        teacher = ts[0] if len(ts) == 1 else distill.Ensemble(ts)
    import noise
    bank = noise.load_bank(data.find_ecglite(a.ecglite), log=lambda s: print(s, flush=True)) if cfg.real_noise else None
    tlogits = load_crop_logits(a.teacher_logits, ds.ecg_ids[tr_idx])
    hist = fit(m, ds.x[tr_idx], training_targets(ds.y[tr_idx], ds.likelihood[tr_idx], cfg.soft_labels), cfg, ds.x[va_idx], ds.y[va_idx], teacher,
               log=lambda s: print(s, flush=True), noise_bank=bank, teacher_logits=tlogits, yaux=ds.y_aux[tr_idx])
    logits = predict_logits(m, ds.x[va_idx])
    p = 1 / (1 + np.exp(-logits))
    res = evaluate.summary(ds.y[va_idx], p, data.CLASSES)
    print(f"{a.out}: val fold {a.val_fold} macro AUC {res['macro_auc']:.4f}", flush=True)
    if a.export_crop_logits:
        t0 = time.time()
        np.savez(os.path.splitext(a.out)[0] + ".crops.npz", ecg_ids=ds.ecg_ids[tr_idx],
                 logits=crop_logits(m, ds.x[tr_idx]))
        print(f"crop logits of {len(tr_idx)} training records in {time.time() - t0:.0f} s", flush=True)
    save_checkpoint(a.out, m, arch=a.arch, config=dataclasses.asdict(cfg), val_fold=a.val_fold,
                    teachers=[os.path.basename(t) for t in a.teacher + a.teacher_logits])
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({"arch": a.arch, "seed": a.seed, "val_fold": a.val_fold, "distilled": bool(a.teacher or a.teacher_logits),
                   "teachers": [os.path.basename(t) for t in a.teacher + a.teacher_logits],
                   "config": dataclasses.asdict(cfg), "history": hist,
                   "parameters": models.count_parameters(m), "macs_per_window": models.count_macs(m),
                   "macs_per_record": models.macs_per_record(m), "val": res,
                   "val_ecg_ids": ds.ecg_ids[va_idx].tolist(), "val_labels": ds.y[va_idx].tolist(),
                   "val_logits": logits.tolist()}, f)


if __name__ == "__main__":
    main()
