"""int8 quantization of a trained network: post-training static quantization (PTQ) and
quantization-aware training (QAT), producing both a PyTorch quantized reference model and the
integer parameters of the .ecgm file the C++ engine runs. The C++ int8 engine reproduces the
reference's integer arithmetic exactly (tests/cpp/engine_test.cpp).

API FOR THE TRAINING HELPER (the network follows the contract at the top of ecgm.py)
----------------------------------------------------------------------------------
  import ecgm, quantize

  # PTQ: calib = float tensor/ndarray [N, 12, 250] of preprocessed TRAINING windows (a few
  # hundred random 2.5 s crops are plenty), or an iterable of such batches.
  qnet = quantize.quantize_ptq(model, calib, input_length=250, observer="histogram")
  qnet.reference(x)            # PyTorch quantized reference (qnnpack): [B, 12, 250] -> logits
  qnet(x)                      # same thing
  qnet.engine(x)               # numpy emulation of the C++ int8 engine (float64 logits)
  qnet.check(x)                # max |reference - engine| over a batch (should be ~1e-6)
  qnet.save("models/student-int8.ecgm", ecgm.ModelMeta(name="student-int8", thresholds=[...],
                                                       description="..."))
  qnet.graph                   # the int8 ecgm.Graph (export_onnx.py uses it)

  # QAT: fine-tune with fake quantization, starting from the trained fp32 model.
  qat = quantize.prepare_qat(model, input_length=250)   # torch.fx.GraphModule in train mode,
  #   BN already folded into the convs; train it like any module (qat(x) -> logits), e.g. a few
  #   epochs at lr ~1e-4; optionally quantize.freeze_observers(qat) for the last epoch.
  qnet = quantize.convert_qat(qat)                       # -> QuantizedNet as above

  # fp32 model file of the same network:
  ecgm.write_fp32("models/student-fp32.ecgm", model, ecgm.ModelMeta(name="student-fp32", ...))

SCHEME (torch 1.13 Debian has the qnnpack and onednn engines, no fbgemm; we use qnnpack)
  weights: qint8 symmetric per output channel, range [-127, 127] (PerChannelMinMaxObserver);
  activations: quint8 asymmetric per tensor (HistogramObserver, or MinMaxObserver with
  observer="minmax"; QAT: FakeQuantize with moving-average min/max); bias int32 with scale
  input_scale * weight_scale; conv+ReLU and add+ReLU fused. The global average pool and the final
  Linear stay fp32 (QConfig None): <0.1 % of the MACs, and it keeps the probabilities that the
  thresholds operate on at full resolution.
"""
from __future__ import annotations

import copy
from typing import Iterable, Optional, Union

import numpy as np
import torch
import torch.nn as nn
from torch.ao.quantization import QConfig, QConfigMapping
from torch.ao.quantization.fake_quantize import FakeQuantize
from torch.ao.quantization.observer import (HistogramObserver, MinMaxObserver,
                                            MovingAverageMinMaxObserver,
                                            MovingAveragePerChannelMinMaxObserver,
                                            PerChannelMinMaxObserver)
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx, prepare_qat_fx

import ecgm

BACKEND = "qnnpack"
WEIGHT_QMIN, WEIGHT_QMAX = -127, 127


def _engine() -> None:
    if BACKEND not in torch.backends.quantized.supported_engines:
        raise RuntimeError(f"this torch has no {BACKEND} quantized engine")
    torch.backends.quantized.engine = BACKEND


def qconfig(qat: bool = False, observer: str = "histogram") -> QConfig:
    if qat:
        act = FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                     dtype=torch.quint8, qscheme=torch.per_tensor_affine,
                                     reduce_range=False)
        w = FakeQuantize.with_args(observer=MovingAveragePerChannelMinMaxObserver,
                                   quant_min=WEIGHT_QMIN, quant_max=WEIGHT_QMAX, dtype=torch.qint8,
                                   qscheme=torch.per_channel_symmetric, ch_axis=0, reduce_range=False)
        return QConfig(activation=act, weight=w)
    obs = {"histogram": HistogramObserver, "minmax": MinMaxObserver}[observer]
    act = obs.with_args(dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False)
    w = PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                           quant_min=WEIGHT_QMIN, quant_max=WEIGHT_QMAX, ch_axis=0)
    return QConfig(activation=act, weight=w)


def qconfig_mapping(qat: bool = False, observer: str = "histogram") -> QConfigMapping:
    return (QConfigMapping().set_global(qconfig(qat, observer))
            .set_object_type(nn.Linear, None).set_object_type("mean", None))


def _canonical(model, input_length: int) -> ecgm.EcgNet:
    if isinstance(model, ecgm.EcgNet):
        return copy.deepcopy(model).eval()
    graph = model if isinstance(model, ecgm.Graph) else ecgm.to_graph(model, input_length)
    return ecgm.EcgNet(graph).eval()


def prepare_ptq(model, input_length: int = 250, observer: str = "histogram") -> torch.fx.GraphModule:
    """Observed model for calibration: run it on training windows, then `convert(observed)`."""
    _engine()
    net = _canonical(model, input_length)
    example = (torch.zeros(1, net.graph_nodes[0].channels, input_length),)
    observed = prepare_fx(net, qconfig_mapping(False, observer), example)
    observed._ecgm_nodes = net.graph_nodes
    observed._ecgm_input_length = input_length
    return observed


def prepare_qat(model, input_length: int = 250) -> torch.fx.GraphModule:
    """Fake-quantized model (train mode) for quantization-aware fine-tuning; BN is folded first."""
    _engine()
    net = _canonical(model, input_length).train()
    example = (torch.zeros(1, net.graph_nodes[0].channels, input_length),)
    qat = prepare_qat_fx(net, qconfig_mapping(True), example)
    qat._ecgm_nodes = net.graph_nodes
    qat._ecgm_input_length = input_length
    return qat


def freeze_observers(qat: torch.fx.GraphModule) -> None:
    """Stops updating activation ranges (typical for the last QAT epoch)."""
    qat.apply(torch.ao.quantization.disable_observer)


def _batches(calib, batch_size: int):
    if isinstance(calib, (np.ndarray, torch.Tensor)):
        x = torch.as_tensor(np.asarray(calib, np.float32))
        for i in range(0, len(x), batch_size):
            yield x[i:i + batch_size]
    else:
        for b in calib:
            yield torch.as_tensor(np.asarray(b, np.float32))


def quantize_ptq(model, calib, input_length: int = 250, batch_size: int = 64,
                 observer: str = "histogram") -> "QuantizedNet":
    """Post-training static quantization of a trained fp32 network (eval-mode semantics)."""
    observed = prepare_ptq(model, input_length, observer)
    with torch.no_grad():
        seen = 0
        for b in _batches(calib, batch_size):
            observed(b)
            seen += len(b)
    if seen == 0:
        raise ValueError("no calibration windows")
    return convert(observed)


def convert_qat(qat: torch.fx.GraphModule) -> "QuantizedNet":
    return convert(qat)


def convert(prepared: torch.fx.GraphModule) -> "QuantizedNet":
    """Observed (PTQ) or QAT model -> QuantizedNet (reference + integer .ecgm parameters)."""
    _engine()
    nodes = prepared._ecgm_nodes
    input_length = prepared._ecgm_input_length
    prepared = copy.deepcopy(prepared).eval()
    reference = convert_fx(prepared)
    graph = _extract(reference, nodes, input_length)
    return QuantizedNet(reference, graph)


def _extract(qgm: torch.fx.GraphModule, nodes, input_length: int) -> ecgm.Graph:
    """Reads the integer parameters out of the converted FX model, node by node."""
    mods = dict(qgm.named_modules())
    out = [copy.copy(nd) for nd in nodes]
    where = {}          # fx node -> graph node index (quantized tensors only)
    add_order = [i for i, nd in enumerate(out) if nd.op == ecgm.OP_ADD]
    done = set()

    def attr(n):
        return float(getattr(qgm, n.target)) if isinstance(n, torch.fx.Node) else float(n)

    def expect(fxn, idx, what):
        if where.get(fxn) != idx:
            raise RuntimeError(f"quantized graph does not match the network at {what}")

    for n in qgm.graph.nodes:
        if n.op == "call_function" and n.target is torch.quantize_per_tensor:
            if n.args[0].op != "placeholder":
                raise RuntimeError(f"unexpected re-quantization '{n.name}' inside the network")
            out[0].out_scale, out[0].out_zero_point = attr(n.args[1]), int(attr(n.args[2]))
            where[n] = 0
            done.add(0)
        elif n.op == "call_module" and n.target.startswith(("convs.", "pools.")):
            i = int(n.target.split(".")[1])
            nd, m = out[i], mods[n.target]
            expect(n.args[0], nd.inputs[0], n.target)
            src = out[nd.inputs[0]]
            if nd.op == ecgm.OP_CONV:
                if not hasattr(m, "weight") or not callable(m.weight):
                    raise RuntimeError(f"{n.target} was not quantized")
                is_relu = "ReLU" in type(m).__name__
                if is_relu != nd.relu:
                    raise RuntimeError(f"{n.target}: ReLU fusion mismatch")
                qw = m.weight()
                if qw.qscheme() not in (torch.per_channel_symmetric, torch.per_channel_affine):
                    raise RuntimeError(f"{n.target}: weights are not per-channel")
                wz = qw.q_per_channel_zero_points()
                if wz.abs().max() != 0:
                    raise RuntimeError(f"{n.target}: weights are not symmetric")
                nd.qweight = qw.int_repr().numpy().astype(np.int8)
                w_scale = qw.q_per_channel_scales().double()
                nd.weight_scale = w_scale.numpy().astype(np.float32)
                bias = m.bias()
                bias = torch.zeros(nd.channels) if bias is None else bias.detach().float()
                # as PackedConvWeightsQnnp::apply: bias quantized with input_scale * weight_scale
                qb = torch.quantize_per_channel(bias, w_scale * src.out_scale,
                                                torch.zeros(nd.channels, dtype=torch.long), 0,
                                                torch.qint32)
                nd.qbias = qb.int_repr().numpy().astype(np.int32)
                nd.out_scale, nd.out_zero_point = float(m.scale), int(m.zero_point)
                # as generate_requantization_scales: (w_scale * input_scale) * (1 / output_scale)
                f32 = np.float32
                nd.multiplier = ((nd.weight_scale * f32(src.out_scale)) *
                                 (f32(1.0) / f32(nd.out_scale))).astype(np.float32)
                nd.weight = (nd.qweight * nd.weight_scale[:, None, None]).astype(np.float32)
                nd.bias = bias.numpy().astype(np.float32)
            else:
                nd.out_scale, nd.out_zero_point = src.out_scale, src.out_zero_point
            where[n] = i
            done.add(i)
        elif n.op == "call_function" and n.target in (torch.ops.quantized.add,
                                                      torch.ops.quantized.add_relu):
            if not add_order:
                raise RuntimeError("quantized graph has more adds than the network")
            i = add_order.pop(0)
            nd = out[i]
            expect(n.args[0], nd.inputs[0], f"add node {i}")
            expect(n.args[1], nd.inputs[1], f"add node {i}")
            if (n.target is torch.ops.quantized.add_relu) != nd.relu:
                raise RuntimeError(f"add node {i}: ReLU fusion mismatch")
            nd.out_scale, nd.out_zero_point = attr(n.args[2]), int(attr(n.args[3]))
            a, b = out[nd.inputs[0]], out[nd.inputs[1]]
            nd.add_params = ecgm.add_params(a.out_scale, b.out_scale, nd.out_scale)
            where[n] = i
            done.add(i)
        elif n.op == "call_module" and n.target == "fc":
            # the classifier stays fp32; take its (possibly QAT-fine-tuned) weights from here
            m = mods["fc"]
            if not isinstance(m, nn.Linear):
                raise RuntimeError("the classifier was unexpectedly quantized")
            nd = out[-1]
            nd.weight = m.weight.detach().numpy().astype(np.float32).copy()
            nd.bias = m.bias.detach().numpy().astype(np.float32).copy()
            done.add(len(out) - 1)
    missing = [i for i, nd in enumerate(out)
               if nd.op in (ecgm.OP_INPUT, ecgm.OP_CONV, ecgm.OP_MAXPOOL, ecgm.OP_ADD, ecgm.OP_LINEAR)
               and i not in done]
    if missing:
        raise RuntimeError(f"nodes {missing} were not quantized as expected")
    return ecgm.Graph(out, input_length, "int8")


class QuantizedNet:
    """A quantized network: `reference` (torch quantized GraphModule) and `graph` (int8 .ecgm)."""

    def __init__(self, reference: torch.fx.GraphModule, graph: ecgm.Graph):
        self.reference = reference
        self.graph = graph

    def __call__(self, x) -> torch.Tensor:
        _engine()
        with torch.no_grad():
            return self.reference(torch.as_tensor(np.asarray(x, np.float32)))

    def engine(self, x) -> np.ndarray:
        """Numpy emulation of the C++ int8 engine: x [B, C, L] -> logits [B, classes]."""
        x = np.asarray(x, np.float32)
        return np.stack([ecgm.forward_numpy(self.graph, xi) for xi in x])

    def check(self, x) -> float:
        return float(np.abs(self(x).numpy().astype(np.float64) - self.engine(x)).max())

    def save(self, path: str, meta: ecgm.ModelMeta) -> None:
        ecgm.write_graph(path, self.graph, meta)
