"""Generates tests/fixtures/model/: a tiny trained network in fp32 and int8 .ecgm (and ONNX) form,
fixture input windows and the PyTorch outputs the C++ engine must reproduce.

The tiny net uses every layer kind of the contract (ecgm.py): strided/padded Conv1d + BN + ReLU,
MaxPool1d with kernel != stride, a residual block with add + ReLU, a conv with bias and no BN, a
1x1 conv, an add without ReLU, global average pooling, Linear. It is trained for a few hundred
steps on a synthetic multi-label task so that weights and activation ranges look like a trained
network's. Rerun: /usr/bin/python3 scripts/train/make_engine_fixtures.py   (a few seconds)

Files (little-endian):
  tiny-fp32.ecgm, tiny-int8.ecgm     the models (input_length 250, window_stride 125)
  tiny-fp32.onnx, tiny-int8.onnx     the same models for onnxruntime-web (export_onnx.py)
  inputs.f32        [N][12][250]     fixture windows (the last one has 4x amplitude: saturates)
  expected_fp32.f32 [N][5]           torch fp32 logits of the source network
  expected_int8.f32 [N][5]           logits of the PyTorch quantized reference (qnnpack)
  expected_codes.u8 [N][C][T]        quint8 codes of the last quantized tensor (before pooling)
                                     in the PyTorch reference: the C++ engine must match exactly
  expected_meta.txt                  line 1: N, C, T of the files above; line 2: "int8_logit_step S":
                                     the largest change of a logit when every element of the last
                                     quantized tensor moves by one quantization step (the "one
                                     quantization step of the output" tolerance of the ONNX test)
"""
from __future__ import annotations

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecgm  # noqa: E402
import quantize  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "model")
L = 250


def conv_bn(cin, cout, k, stride=1, padding=0, relu=True):
    layers = [nn.Conv1d(cin, cout, k, stride=stride, padding=padding, bias=False), nn.BatchNorm1d(cout)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(12, 8, 7, stride=2, padding=3)
        self.pool = nn.MaxPool1d(3, 2)
        self.b1 = conv_bn(8, 8, 3, padding=1)
        self.b2 = conv_bn(8, 8, 3, padding=1, relu=False)
        self.down = nn.Conv1d(8, 16, 5, stride=2, padding=1)   # bias, no BN
        self.proj = nn.Conv1d(16, 16, 1)
        self.c3 = conv_bn(16, 16, 3, padding=1, relu=False)
        self.drop = nn.Dropout(0.1)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = F.relu(x + self.b2(self.b1(x)))
        x = torch.relu(self.down(x))
        x = self.proj(x) + self.c3(x)
        return self.fc(self.drop(x.mean(dim=-1)))


def synthetic(n: int, rng: np.random.Generator):
    """ECG-free toy task: class c present <=> a burst at frequency 2+3c Hz in a few leads."""
    t = np.arange(L) / 100.0
    x = rng.normal(0, 0.5, size=(n, 12, L)).astype(np.float32)
    y = (rng.random((n, 5)) < 0.3).astype(np.float32)
    for i in range(n):
        for c in np.flatnonzero(y[i]):
            leads = rng.choice(12, size=4, replace=False)
            phase = rng.uniform(0, 2 * np.pi)
            x[i, leads] += np.sin(2 * np.pi * (2 + 3 * c) * t + phase).astype(np.float32)
    return x, y


def main() -> None:
    torch.manual_seed(1)
    torch.set_num_threads(1)
    rng = np.random.default_rng(1)
    net = TinyNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    net.train()
    for _ in range(300):
        x, y = synthetic(32, rng)
        loss = F.binary_cross_entropy_with_logits(net(torch.from_numpy(x)), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    print(f"tiny net trained, last loss {loss.item():.3f}")

    calib, _ = synthetic(128, rng)
    inputs, _ = synthetic(3, rng)
    inputs[-1] *= 4.0  # beyond the calibrated range: exercises clamping
    inputs = np.ascontiguousarray(inputs, np.float32)

    meta = ecgm.ModelMeta(name="tiny-fp32", description="test fixture: tiny net trained on a synthetic task "
                          "(scripts/train/make_engine_fixtures.py); not a diagnostic model",
                          thresholds=[0.5, 0.4, 0.6, 0.5, 0.3], input_length=L, window_stride=125)
    os.makedirs(OUT, exist_ok=True)
    graph = ecgm.write_fp32(os.path.join(OUT, "tiny-fp32.ecgm"), net, meta)
    qnet = quantize.quantize_ptq(net, calib, input_length=L, observer="histogram")
    meta.name = "tiny-int8"
    qnet.save(os.path.join(OUT, "tiny-int8.ecgm"), meta)

    with torch.no_grad():
        fp32 = net(torch.from_numpy(inputs)).numpy().astype(np.float32)
    int8 = qnet(inputs).numpy().astype(np.float32)

    # quint8 codes of the tensor the (fp32) global average pool dequantizes, from the reference
    class Capture(torch.fx.Interpreter):
        def run_node(self, n):
            r = super().run_node(n)
            self.values[n.name] = r
            return r

    deq = [n for n in qnet.reference.graph.nodes if n.op == "call_method" and n.target == "dequantize"]
    cap = Capture(qnet.reference)
    cap.values = {}
    with torch.no_grad():
        cap.run(torch.from_numpy(inputs))
    codes = cap.values[deq[0].args[0].name].int_repr().numpy().astype(np.uint8)

    # the numpy emulation of the C++ engine must agree before anything is written
    emu = qnet.engine(inputs)
    assert np.abs(emu - int8).max() < 1e-5, np.abs(emu - int8).max()
    fp_emu = np.stack([ecgm.forward_numpy(graph, xi) for xi in inputs])
    assert np.abs(fp_emu - fp32).max() < 1e-5

    inputs.tofile(os.path.join(OUT, "inputs.f32"))
    fp32.tofile(os.path.join(OUT, "expected_fp32.f32"))
    int8.tofile(os.path.join(OUT, "expected_int8.f32"))
    codes.tofile(os.path.join(OUT, "expected_codes.u8"))
    n, c, t = codes.shape
    gap = next(nd for nd in qnet.graph.nodes if nd.op == ecgm.OP_GAP)
    fc = qnet.graph.nodes[-1]
    step = float(qnet.graph.nodes[gap.inputs[0]].out_scale * np.abs(fc.weight).sum(axis=1).max())
    with open(os.path.join(OUT, "expected_meta.txt"), "w") as f:
        f.write(f"{n} {c} {t}\nint8_logit_step {step:.6g}\n")

    try:
        import export_onnx
        export_onnx.export(graph, os.path.join(OUT, "tiny-fp32.onnx"))
        export_onnx.export(qnet.graph, os.path.join(OUT, "tiny-int8.onnx"))
    except ImportError:
        print("export_onnx.py not available: ONNX fixtures not written")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"fp32 vs int8 logits max diff {np.abs(fp32 - int8).max():.4f}; fixtures {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
