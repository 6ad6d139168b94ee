"""Real ECG noise for training-time augmentation: the MIT-BIH Noise Stress Test Database.

Three kinds of noise, as recorded (no synthetic shapes):
  * bw: baseline wander, ma: muscle artefact (nstdb/bw, nstdb/ma: two noise channels each);
  * em: electrode motion. nstdb holds it only mixed into MIT-BIH record 118 (118e00 = 118 + em at
    0 dB SNR, noise in alternate 2-minute segments after the first 5 minutes), so em = 118e00 - 118.
Each channel is decoded by `ecglite dump` (mV), resampled to 100 Hz and band-passed 0.5-40 Hz like
the model input (scipy here: this is noise for augmentation, not the model's input path), and cut
into 10 s pieces. The bank is cached in work-cache/noise.npy ([pieces, 1000] float32, mV).

Without nstdb (or MIT-BIH 118 for em) the missing kinds are left out and `load_bank` says so.
"""
from __future__ import annotations

import os
import subprocess

import numpy as np

import data

NSTDB = os.path.join(data.REPO, "..", "shared", "data", "nstdb")
MITDB = os.path.join(data.REPO, "..", "shared", "data", "mitdb")
PIECE = 1000  # 10 s at 100 Hz


def _dump(ecglite: str, record: str, signal: int) -> np.ndarray:
    out = subprocess.run([ecglite, "dump", record, "--signals", str(signal)], capture_output=True, text=True,
                         check=True).stdout
    return np.array([float(v) if v != "-" else 0.0 for v in out.split()], dtype=np.float64)


def _to_input_band(x: np.ndarray, rate: float) -> np.ndarray:
    from scipy import signal
    y = signal.resample_poly(x, 5, 18) if rate == 360 else x  # 360 -> 100 Hz
    b, a = signal.butter(4, [0.5, 40], "band", fs=100)
    return signal.filtfilt(b, a, y)


def build_bank(ecglite: str, nstdb: str = NSTDB, mitdb: str = MITDB, log=print) -> tuple[np.ndarray, list[str]]:
    channels, kinds = [], []
    for kind in ("bw", "ma"):
        rec = os.path.join(nstdb, kind)
        if os.path.isfile(rec + ".hea"):
            channels += [(kind, _to_input_band(_dump(ecglite, rec, s), 360)) for s in (0, 1)]
            kinds.append(kind)
    mixed, clean = os.path.join(nstdb, "118e00"), os.path.join(mitdb, "118")
    if os.path.isfile(mixed + ".hea") and os.path.isfile(clean + ".hea"):
        for s in (0, 1):
            em = _dump(ecglite, mixed, s) - _dump(ecglite, clean, s)
            # the noise segments only: 2 minutes on, 2 off, from minute 5 (360 Hz)
            seg = 120 * 360
            parts = [em[a:a + seg] for a in range(5 * 60 * 360, len(em) - seg + 1, 2 * seg)]
            channels += [("em", _to_input_band(p, 360)) for p in parts]
        kinds.append("em")
    pieces = []
    for _, x in channels:
        for a in range(0, len(x) - PIECE + 1, PIECE):
            pieces.append(x[a:a + PIECE])
    bank = np.array(pieces, dtype=np.float32).reshape(-1, PIECE)
    log(f"noise bank: {len(bank)} pieces of 10 s ({', '.join(kinds) or 'none: nstdb absent'})")
    return bank, kinds


def load_bank(ecglite: str, log=print) -> np.ndarray:
    """The cached bank (built on first use); empty [0, 1000] when no noise record is available."""
    path = os.path.join(data.REPO, "work-cache", "noise.npy")
    if os.path.isfile(path):
        return np.load(path)
    bank, _ = build_bank(ecglite, log=log)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, bank)
    return bank


if __name__ == "__main__":
    b, k = build_bank(data.find_ecglite())
    print(b.shape, k, "rms per kind (mV):", float(np.sqrt((b ** 2).mean())))
