#!/usr/bin/python3
"""Generates tests/fixtures/rhythm/rr-rule-fp32.ecgm: a hand-set rhythm model for the C++ tests of the
rhythm path (windows, per-block verdicts, AF episodes and burden), whose answer is known in advance.

It reads the RR_change channel only: a 1x1 convolution passes the three input channels through
(ReLU keeps the non-negative RR channels), global average pooling takes their means over the 10 s
window, and the classifier gives A the logit 40 * mean(RR_change) - 4 (N: 0, O and ~: -8). So a
window whose successive RR intervals differ by more than 10 % of the median RR on average is called
AF, and one of regular beats sinus rhythm. Not a diagnostic model.

    cd scripts/train && /usr/bin/python3 make_rhythm_fixture.py
"""
import os

import torch

import ecgm
import models
import rhythm_data as rd

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "rhythm", "rr-rule-fp32.ecgm")


def main():
    net = models.build({"in": 3, "classes": 4, "dropout": 0.0, "stem": [[3, 1, 1]], "stages": []}).eval()
    with torch.no_grad():
        conv, bn = net.features[0][0], net.features[0][1]
        conv.weight.copy_(torch.eye(3).unsqueeze(-1))
        bn.weight.fill_(1), bn.bias.zero_(), bn.running_mean.zero_(), bn.running_var.fill_(1 - bn.eps)
        net.fc.weight.zero_()
        net.fc.weight[1, rd.CHANNELS.index("RR_change")] = 40
        net.fc.bias.copy_(torch.tensor([0.0, -4.0, -8.0, -8.0]))
    meta = ecgm.ModelMeta(name="rr-rule-fp32", description="test fixture: AF when successive RR intervals differ "
                          "by more than 10 % of the median RR (make_rhythm_fixture.py); not a diagnostic model",
                          class_names=rd.CLASSES, class_descriptions=["Normal sinus rhythm", "Atrial fibrillation",
                                                                     "Other rhythm", "Too noisy to classify"],
                          lead_names=rd.CHANNELS, input_length=1000, window_stride=500, sampling_rate_hz=100.0,
                          band_low_hz=0.5, band_high_hz=40.0, filter_order=2)
    ecgm.write_fp32(OUT, net, meta)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
