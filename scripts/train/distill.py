"""Knowledge distillation: the student learns from the teacher's soft targets on the very same
augmented 2.5 s crop (the teacher runs online, in eval mode, inside train.fit) plus the hard labels.

Loss (multi-label, sigmoid outputs, temperature T):
    (1 - alpha) * BCE(student, labels) + alpha * T^2 * BCE(sigmoid(student / T), sigmoid(teacher / T))

Usage as a script: distill.py --teacher T.pt --out S.pt [--val-fold 9] [--seed S] (= train.py
--arch student --teacher T.pt).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see models.py

import torch
import torch.nn as nn
import torch.nn.functional as F


def kd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
            alpha: float, temperature: float) -> torch.Tensor:
    hard = F.binary_cross_entropy_with_logits(student_logits, labels)
    t = temperature
    soft = F.binary_cross_entropy_with_logits(student_logits / t, torch.sigmoid(teacher_logits / t))
    return (1 - alpha) * hard + alpha * t * t * soft


class Ensemble(nn.Module):
    """Mean logits of several teachers (used when more than one teacher checkpoint is given)."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x):
        return torch.stack([m(x) for m in self.members]).mean(0)

    def record_logits(self, x):
        return torch.stack([m.record_logits(x) for m in self.members]).mean(0)


if __name__ == "__main__":
    import sys

    import train
    sys.argv[1:1] = ["--arch", "student"]
    train.main()
