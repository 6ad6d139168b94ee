#!/usr/bin/python3
"""Generates tests/fixtures/rhythm/rr-rule-fp32.ecgm: a hand-set rhythm model for the C++ tests of the
rhythm path (windows, per-block verdicts, AF episodes and burden), whose answer is known in advance;
and tests/fixtures/rhythm/rr-head-fp32.ecgm, the same network with a head (rhythm_class.h) that
ignores the network's logits and reads two RR summaries of the stretch: A gets 10 - 20 *
rr_regular_pairs (AF when fewer than half of the successive intervals differ by under 5 %), O gets
5 * (rate - 1.5) (O above 150 bpm, when A is not higher), N 0, ~ -8.

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

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "rhythm")
HEAD_INPUTS = ["rr_regular_pairs", "rate"]


def main():
    net = models.build({"in": 3, "classes": 4, "dropout": 0.0, "stem": [[3, 1, 1]], "stages": []}).eval()
    with torch.no_grad():
        conv, bn = net.features[0][0], net.features[0][1]
        conv.weight.copy_(torch.eye(3).unsqueeze(-1))
        bn.weight.fill_(1), bn.bias.zero_(), bn.running_mean.zero_(), bn.running_var.fill_(1 - bn.eps)
        net.fc.weight.zero_()
        net.fc.weight[1, rd.CHANNELS.index("RR_change")] = 40
        net.fc.bias.copy_(torch.tensor([0.0, -4.0, -8.0, -8.0]))
    common = dict(class_names=rd.CLASSES, class_descriptions=["Normal sinus rhythm", "Atrial fibrillation",
                                                               "Other rhythm", "Too noisy to classify"],
                  lead_names=rd.CHANNELS, input_length=1000, window_stride=500, sampling_rate_hz=100.0,
                  band_low_hz=0.5, band_high_hz=40.0, filter_order=2)
    rule = ecgm.ModelMeta(name="rr-rule-fp32", description="test fixture: AF when successive RR intervals differ "
                          "by more than 10 % of the median RR (make_rhythm_fixture.py); not a diagnostic model", **common)
    weights = [[0.0] * (4 + len(HEAD_INPUTS)) for _ in range(4)]
    weights[1][4 + HEAD_INPUTS.index("rr_regular_pairs")] = -20
    weights[2][4 + HEAD_INPUTS.index("rate")] = 5
    head = ecgm.ModelMeta(name="rr-head-fp32", description="test fixture: a head on two RR summaries "
                          "(make_rhythm_fixture.py); not a diagnostic model", head_inputs=HEAD_INPUTS,
                          head_weights=weights, head_bias=[0.0, 10.0, -7.5, -8.0], **common)
    for meta in (rule, head):
        out = os.path.join(FIXTURES, meta.name + ".ecgm")
        ecgm.write_fp32(out, net, meta)
        print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
