#!/usr/bin/python3
"""Which beat-classifier inputs generalise across patients? A quick study on MIT-BIH DS1 only.

    cd scripts/train && /usr/bin/python3 beats_explore.py [--ecglite ../../build/x/ecglite]

Small MLPs (10-30 s per variant and training; all variants with --seeds 3: ~10 min) on the inputs
of beats_train.py, scored by the same 4-fold patient cross-validation and the same S/V decision
offsets (chosen on the CV logits to maximise the mean of the S and V F1 scores). Inputs: the five
RR features of the network (constant over the window), RR_abs (the local mean RR in seconds, not
normalised by the patient's own rate) and ECG_dev (the beat minus the record's median beat)
downsampled to 24 samples. Variants:
  rr           RR features only
  rr+dev       RR features and ECG_dev in one MLP
  split        two branches (RR, ECG_dev); the N and S logits read the RR branch only
  rr+abs       RR features and RR_abs (de Chazal et al. 2004 used raw intervals in seconds)
  split+abs    split, with RR_abs in the RR branch
  rr+ctx       RR features and the RR_pre of the three beats before and the three after
  rr+ratio     RR features and two successive-interval ratios: RR_pre / the previous beat's RR_pre,
               RR_post / RR_pre (a premature beat and its compensatory pause)
  split+p      split, with the P-wave region of ECG_dev (-300 to -70 ms, every second sample) in the
               RR branch: an ectopic atrial beat differs from the patient's usual beat before the
               QRS (P wave absent, early or reshaped), rarely in it
  beatnet      the shipped network and training of beats_train.py (its inputs; --beatnet-epochs)
With --seeds N every variant is trained N times (other initialisations and batch orders) and the
spread of its CV score is printed: it says how large a difference this CV can resolve.
It motivated the split network of beats_train.py, kept RR_abs out of it, and found no further input
that helps S across patients (rr+ctx, rr+ratio, split+p: see the beat model card). DS2 is not read.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import beats_data as bd
import beats_train as bt


class Mlp(nn.Module):
    def __init__(self, n_rr: int, n_dev: int, split: bool):
        super().__init__()
        self.n_rr, self.split = n_rr, split
        if split:
            self.rr = nn.Sequential(nn.Linear(n_rr, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
            self.dev = nn.Sequential(nn.Linear(n_dev, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
            mask = torch.ones(5, 32)
            mask[:2, 16:] = 0  # N and S: RR branch only
            self.register_buffer("mask", mask)
        else:
            self.body = nn.Sequential(nn.Linear(n_rr + n_dev, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
        self.fc = nn.Linear(32, 5)

    def forward(self, v):
        if not self.split:
            return self.fc(self.body(v))
        h = torch.cat([self.rr(v[:, :self.n_rr]), self.dev(v[:, self.n_rr:])], 1)
        return F.linear(h, self.fc.weight * self.mask, self.fc.bias)


def train(v, y, n_rr, split, seed, epochs=6):
    torch.manual_seed(seed)
    net = Mlp(n_rr, v.shape[1] - n_rr, split)
    weight = bt.class_weights(y)
    opt = torch.optim.Adam(net.parameters(), 3e-3)
    vt, yt = torch.tensor(v), torch.tensor(y)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        perm = torch.randperm(len(vt), generator=g)
        for i in range(0, len(vt), 256):
            b = perm[i:i + 256]
            loss = F.cross_entropy(net(vt[b]), yt[b], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net.eval()


def neighbour_rr(pre: np.ndarray, post: np.ndarray, rec: np.ndarray, reach: int = 3):
    """Per beat (all detected beats of each record, in order): the RR_pre of the `reach` beats before
    and after it (a record's first and last beats repeat their own), and the ratios RR_pre / previous
    RR_pre and RR_post / RR_pre, clipped to [0, 4] as the core clips its features."""
    context = np.zeros((len(pre), 2 * reach), np.float32)
    ratios = np.zeros((len(pre), 2), np.float32)
    for r in np.unique(rec):
        idx = np.flatnonzero(rec == r)
        p = pre[idx]
        padded = np.r_[np.repeat(p[:1], reach), p, np.repeat(p[-1:], reach)]
        shifts = [k for k in range(-reach, reach + 1) if k]
        context[idx] = np.stack([padded[reach + k:reach + k + len(p)] for k in shifts], 1)
        previous = np.r_[p[:1], p[:-1]]
        ratios[idx] = np.stack([p / np.maximum(previous, 1e-3), post[idx] / np.maximum(p, 1e-3)], 1)
    return context, np.clip(ratios, 0, 4)


def main():
    ap = argparse.ArgumentParser(description="DS1 patient-CV study of the beat classifier's inputs")
    ap.add_argument("--ecglite")
    ap.add_argument("--mitdb", default=bd.DEFAULT_MITDB, help="MIT-BIH directory (default %(default)s)")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--seeds", type=int, default=1, help="trainings per variant (default %(default)s)")
    ap.add_argument("--beatnet-epochs", type=int, default=8, help="0 leaves the beatnet variant out")
    ap.add_argument("--variants", help="comma-separated subset of the variants (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    x, y, rec = bd.load(bd.DS1, args.ecglite, args.mitdb)
    channel = lambda name: bt.ALL_CHANNELS.index(name)
    context, ratios = neighbour_rr(x[:, channel("RR_pre"), 0], x[:, channel("RR_post"), 0], rec)
    keep = y >= 0  # as beats_train.load_ds1, with RR_abs kept
    x, y, rec, context, ratios = x[keep], y[keep], rec[keep], context[keep], ratios[keep]
    rr = x[:, [channel(c) for c in bt.CHANNELS if c.startswith("RR_")], 0]  # constant over the window
    rr_abs = x[:, [channel("RR_abs")], 0]
    dev = x[:, channel("ECG_dev"), ::4]
    centre = bt.WINDOW // 2
    p_wave = x[:, channel("ECG_dev"), centre - round(0.300 * bt.RATE):centre - round(0.070 * bt.RATE):2]
    folds = bt.patient_folds(args.folds)
    t0 = time.time()
    print("variant     score          S Se/+P/F1        V Se/+P/F1        (DS1 %d-fold patient CV; "
          "score: mean of S and V F1; F1 columns of the first seed)" % args.folds)
    variants = [("rr", rr, None, False), ("rr+dev", np.c_[rr, dev], None, False), ("split", rr, dev, True),
                ("rr+abs", np.c_[rr, rr_abs], None, False), ("split+abs", np.c_[rr, rr_abs], dev, True),
                ("rr+ctx", np.c_[rr, context], None, False), ("rr+ratio", np.c_[rr, ratios], None, False),
                ("split+p", np.c_[rr, p_wave], dev, True)]
    if args.beatnet_epochs:
        variants.append(("beatnet", None, None, False))
    if args.variants:
        wanted = args.variants.split(",")
        unknown = set(wanted) - {v[0] for v in variants}
        if unknown:
            raise SystemExit("unknown variant(s): %s" % ", ".join(sorted(unknown)))
        variants = [v for v in variants if v[0] in wanted]
    windows = np.ascontiguousarray(x[:, [channel(c) for c in bt.CHANNELS]], dtype=np.float32)
    for name, rhythm, shape, split in variants:
        if rhythm is None:
            v = windows
        else:
            v = (rhythm if shape is None else np.c_[rhythm, shape]).astype(np.float32)
        scores, cols = [], None
        for s in range(args.seeds):
            lg = np.zeros((len(y), 5), np.float32)
            for k, held in enumerate(folds):
                te = np.isin(rec, held)
                if rhythm is None:
                    lg[te] = bt.logits(bt.train(v[~te], y[~te], args.beatnet_epochs, seed=100 * s + k), v[te])
                    continue
                net = train(v[~te], y[~te], rhythm.shape[1], split, seed=100 * s + k, epochs=args.epochs)
                with torch.no_grad():
                    lg[te] = net(torch.tensor(v[te])).numpy()
            score, s_off, v_off = bt.choose_offsets(y, lg)
            scores.append(score)
            if cols is None:
                p = (lg + np.array([0, s_off, v_off, 0, 0], np.float32)).argmax(1)
                cols = ["%.2f/%.2f/%.2f" % (se, ppv, f) for f, se, ppv in (bt.f1(y, p, c) for c in (1, 2))]
        spread = " +- %.3f" % np.std(scores, ddof=1) if len(scores) > 1 else ""
        print("%-10s  %.3f%-8s  %-16s  %-16s  (%.0f s)" % (name, np.mean(scores), spread, cols[0], cols[1],
                                                          time.time() - t0), flush=True)


if __name__ == "__main__":
    main()
