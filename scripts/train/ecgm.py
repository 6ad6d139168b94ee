"""The .ecgm model file: the network contract, the layer graph, and the Python writer/reader.

CONTRACT FOR NETWORKS (what the C++ engine runs; the training helper's models.py follows it)
-------------------------------------------------------------------------------------------
A network is an ordinary ``torch.nn.Module`` whose ``forward(x)`` maps x = [N, 12, L] float (12
standard leads I, II, III, aVR, aVL, aVF, V1..V6 at 100 Hz, band-passed, in mV) to logits [N, classes]. The
forward must be traceable by ``torch.fx.symbolic_trace`` (no data-dependent Python control flow) and
use only:

  * ``nn.Conv1d``: groups=1, dilation=1, padding_mode='zeros', integer (or 'valid') padding, any
    kernel/stride, with or without bias;
  * ``nn.BatchNorm1d`` directly after a Conv1d whose output nothing else uses (folded into it);
  * ReLU (``nn.ReLU``, ``F.relu``, ``torch.relu``, ``.relu()``; inplace allowed) directly after a
    conv(+BN) or a residual add whose output nothing else uses (fused into it);
  * ``nn.MaxPool1d(kernel, stride)`` with padding 0, dilation 1, ceil_mode False;
  * residual add ``a + b`` / ``torch.add(a, b)`` of two same-shape tensors (optionally + ReLU);
  * global average pooling over time: ``x.mean(-1)`` / ``x.mean(dim=2)`` or
    ``nn.AdaptiveAvgPool1d(1)`` followed by flatten/squeeze;
  * one final ``nn.Linear`` on the pooled vector (the classifier; 5 outputs NORM, MI, STTC, CD, HYP);
  * ``nn.Dropout`` / ``nn.Identity`` (ignored: export uses eval mode).

``to_graph(model, input_length)`` traces such a module into a ``Graph`` (BN folded, ReLUs fused)
and raises ``ValueError`` naming the offending layer for anything else. ``EcgNet(graph)`` is the
canonical torch module built back from a graph: it computes the same function as the (eval-mode)
source model and is what quantize.py quantizes.

PYTHON API
----------
  meta = ecgm.ModelMeta(name="student-fp32", thresholds=[...5 floats...],
                        description="trained on folds 1-8, ...", input_length=250, window_stride=125)
  ecgm.write_fp32("models/student-fp32.ecgm", model, meta)        # model: the trained nn.Module
  quantize.quantize_ptq(model, calib).save("models/student-int8.ecgm", meta)   # see quantize.py
  info, graph = ecgm.read_ecgm(path)                               # for checks and export_onnx.py
  ecgm.forward_numpy(graph, x)                                     # reference of the C++ engine

FILE FORMAT (version 1, all integers little-endian)
---------------------------------------------------
  "ECGM"  u32 format_version  u32 section_count
  then sections: 4-byte tag, u32 payload_bytes, payload
  "INFO": u32 entry_count, entries: str key, u8 type, value   (str = u32 length + UTF-8 bytes)
          type 1 str, 2 f64, 3 i64, 4 list of str (u32 n + n str), 5 list of f64 (u32 n + n f64)
          keys: name, precision ("fp32"|"int8"), description, class_names, class_descriptions,
          thresholds, lead_names, input_channels, input_length, window_stride, sampling_rate_hz,
          band_low_hz, band_high_hz, filter_order, amplitude ("mV", or "z-score" for per-lead
          z-scored input; files without the key are "z-score"), parameters, macs_per_window. Unknown keys are
          ignored by readers (so metadata can grow without a version bump).
  "GRPH": u32 node_count, then node_count nodes; node 0 is the input, every other node reads
          earlier nodes only. Each node:
          u8 op (0 input, 1 conv, 2 maxpool, 3 add, 4 global average pool, 5 linear), u8 relu,
          u16 reserved(0), u32 input_a, u32 input_b, u32 channels (output channels/features),
          u32 kernel, u32 stride, u32 pad_left, u32 pad_right,
          f32 out_scale, i32 out_zero_point          (int8: quantization of this node's output)
          then op data:
            conv   fp32: f32 weight[C][Cin][K], f32 bias[C]
                   int8: i8 weight[C][Cin][K], i32 bias[C], f32 weight_scale[C],
                         f32 requant_multiplier[C]
            add    int8: u32 a_multiplier, u32 b_multiplier, u32 shift
            linear       f32 weight[C][Cin], f32 bias[C]      (the classifier stays fp32)
  int8 arithmetic (= PyTorch qnnpack, which the C++ engine reproduces exactly):
    activations quint8 asymmetric per tensor; weights qint8 symmetric per output channel in
    [-127, 127]; conv acc = bias + sum (x - x_zp) * w (int32);
    y = clamp(out_zp + round_half_even(float32(acc) * multiplier), relu ? out_zp : 0, 255);
    add: qnnpack fixed-point (see add_int8 below); max pool on the integers; the global average
    pool dequantizes ((q - zp) * scale) and the classifier runs in fp32.
"""
from __future__ import annotations

import dataclasses
import operator
import struct
from typing import Optional, Sequence

import numpy as np
import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F

FORMAT_VERSION = 1
MAGIC = b"ECGM"

CLASS_NAMES = ["NORM", "MI", "STTC", "CD", "HYP"]
CLASS_DESCRIPTIONS = [
    "Normal ECG",
    "Myocardial infarction",
    "ST/T change",
    "Conduction disturbance",
    "Hypertrophy",
]
LEAD_NAMES = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

OP_INPUT, OP_CONV, OP_MAXPOOL, OP_ADD, OP_GAP, OP_LINEAR = range(6)
OP_NAMES = {OP_INPUT: "input", OP_CONV: "conv", OP_MAXPOOL: "maxpool", OP_ADD: "add",
            OP_GAP: "gap", OP_LINEAR: "linear"}


@dataclasses.dataclass
class ModelMeta:
    """Metadata written into the INFO section (precision, parameters and MACs are filled in)."""
    name: str = "model"
    description: str = ""
    class_names: Sequence[str] = tuple(CLASS_NAMES)
    class_descriptions: Sequence[str] = tuple(CLASS_DESCRIPTIONS)
    thresholds: Optional[Sequence[float]] = None   # None -> 0.5 for every class
    lead_names: Sequence[str] = tuple(LEAD_NAMES)
    input_length: int = 250
    window_stride: int = 125
    window_pooling: str = "max"  # how the runs of one 10 s window combine: "max" or "mean" logit
    sampling_rate_hz: float = 100.0
    band_low_hz: float = 0.5
    band_high_hz: float = 40.0
    filter_order: int = 4
    amplitude: str = "mV"       # what the input's amplitudes are: "mV" or "z-score" (per lead)
    # Optional head after the network (rhythm models, core/include/ecglite/rhythm_class.h): the record's
    # logits become head_weights [classes][classes + len(head_inputs)] x [mean logits, RR summaries
    # named head_inputs] + head_bias.
    head_inputs: Sequence[str] = ()
    head_weights: Optional[Sequence[Sequence[float]]] = None
    head_bias: Optional[Sequence[float]] = None


@dataclasses.dataclass
class Node:
    op: int
    inputs: list
    channels: int                 # output channels (features for linear)
    length: int = 0               # output length for the graph's input_length (0 for vectors)
    relu: bool = False
    kernel: int = 0
    stride: int = 0
    pad_left: int = 0
    pad_right: int = 0
    weight: Optional[np.ndarray] = None   # float32 conv [C][Cin][K] / linear [C][Cin]
    bias: Optional[np.ndarray] = None     # float32 [C]
    name: str = ""                        # source layer, for messages
    # int8 (filled by quantize.py)
    out_scale: float = 0.0
    out_zero_point: int = 0
    qweight: Optional[np.ndarray] = None      # int8 [C][Cin][K]
    qbias: Optional[np.ndarray] = None        # int32 [C]
    weight_scale: Optional[np.ndarray] = None  # float32 [C]
    multiplier: Optional[np.ndarray] = None   # float32 [C]
    add_params: Optional[tuple] = None        # (a_multiplier, b_multiplier, shift)


@dataclasses.dataclass
class Graph:
    nodes: list
    input_length: int
    precision: str = "fp32"

    @property
    def input_channels(self) -> int:
        return self.nodes[0].channels

    def parameters(self) -> int:
        n = 0
        for nd in self.nodes:
            if nd.op in (OP_CONV, OP_LINEAR):
                n += nd.weight.size + nd.bias.size
        return n

    def macs(self) -> int:
        m = 0
        for nd in self.nodes:
            if nd.op == OP_CONV:
                m += nd.weight.size * nd.length
            elif nd.op == OP_LINEAR:
                m += nd.weight.size
        return m


# ------------------------------------------------------------------------------------------------
# tracing a torch module into a Graph
# ------------------------------------------------------------------------------------------------

def _conv_padding(m: nn.Conv1d) -> tuple:
    if isinstance(m.padding, str):
        if m.padding == "valid":
            return 0, 0
        raise ValueError(f"{m}: padding='{m.padding}' is not supported (use an integer padding)")
    p = m.padding[0] if isinstance(m.padding, (tuple, list)) else int(m.padding)
    return int(p), int(p)


def _out_len(length: int, k: int, s: int, pl: int, pr: int) -> int:
    return (length + pl + pr - k) // s + 1


def to_graph(model: nn.Module, input_length: int = 250, input_channels: int = 12) -> Graph:
    """Traces `model` (eval-mode semantics) into a Graph with BN folded and ReLUs fused.
    The model's train/eval mode is left as it was."""
    try:
        gm = torch.fx.symbolic_trace(model)
    except Exception as e:  # noqa: BLE001 - give the reason in the contract's words
        raise ValueError(f"the network is not traceable by torch.fx ({e}); see the contract in ecgm.py")
    modules = dict(gm.named_modules())
    nodes = [Node(OP_INPUT, [], input_channels, input_length, name="input")]
    where = {}      # fx node -> graph node index
    vector = set()  # graph node indices holding a pooled vector
    users = {n: len(n.users) for n in gm.graph.nodes}
    result = None

    def src(fxn, what):
        if not isinstance(fxn, torch.fx.Node) or fxn not in where:
            raise ValueError(f"{what}: input is not produced by a supported layer")
        return where[fxn]

    def fuse_relu(fxn, idx, what):
        nd = nodes[idx]
        if nd.op not in (OP_CONV, OP_ADD) or nd.relu:
            raise ValueError(f"{what}: ReLU must directly follow a conv or a residual add")
        producer = fxn.args[0]
        if users[producer] != 1:
            raise ValueError(f"{what}: the tensor before this ReLU is also used elsewhere; "
                             "the engine fuses ReLU into its producer")
        nd.relu = True
        return idx

    for n in gm.graph.nodes:
        what = f"layer '{n.target}'" if n.op == "call_module" else f"operation '{n.name}'"
        if n.op == "placeholder":
            if where:
                raise ValueError("the network must take exactly one input tensor")
            where[n] = 0
        elif n.op == "get_attr":
            raise ValueError(f"{what}: parameters used outside layers are not supported")
        elif n.op == "output":
            result = n.args[0]
        elif n.op == "call_module":
            m = modules[n.target]
            if isinstance(m, nn.Conv1d):
                i = src(n.args[0], what)
                if i in vector:
                    raise ValueError(f"{what}: Conv1d after global pooling is not supported")
                if m.groups != 1 or m.dilation[0] != 1 or m.padding_mode != "zeros":
                    raise ValueError(f"{what}: only Conv1d with groups=1, dilation=1, zero padding")
                if m.in_channels != nodes[i].channels:
                    raise ValueError(f"{what}: expects {m.in_channels} channels, gets {nodes[i].channels}")
                pl, pr = _conv_padding(m)
                k, s = m.kernel_size[0], m.stride[0]
                length = _out_len(nodes[i].length, k, s, pl, pr)
                if length < 1:
                    raise ValueError(f"{what}: output would be empty for input length {input_length}")
                w = m.weight.detach().double().numpy()
                b = (m.bias.detach().double().numpy() if m.bias is not None
                     else np.zeros(m.out_channels))
                nodes.append(Node(OP_CONV, [i], m.out_channels, length, kernel=k, stride=s,
                                  pad_left=pl, pad_right=pr, weight=w, bias=b, name=n.target))
                where[n] = len(nodes) - 1
            elif isinstance(m, nn.BatchNorm1d):
                i = src(n.args[0], what)
                nd = nodes[i]
                if nd.op != OP_CONV or nd.relu or users[n.args[0]] != 1:
                    raise ValueError(f"{what}: BatchNorm1d must directly follow a Conv1d used only by it")
                if m.running_mean is None:
                    raise ValueError(f"{what}: BatchNorm1d without running statistics")
                g = (m.weight.detach().double().numpy() if m.affine else np.ones(nd.channels))
                beta = (m.bias.detach().double().numpy() if m.affine else np.zeros(nd.channels))
                mean = m.running_mean.detach().double().numpy()
                var = m.running_var.detach().double().numpy()
                f = g / np.sqrt(var + m.eps)
                nd.weight = nd.weight * f[:, None, None]
                nd.bias = (nd.bias - mean) * f + beta
                where[n] = i
            elif isinstance(m, nn.ReLU):
                where[n] = fuse_relu(n, src(n.args[0], what), what)
            elif isinstance(m, nn.MaxPool1d):
                i = src(n.args[0], what)
                k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
                s = m.stride if isinstance(m.stride, int) else m.stride[0]
                pad = m.padding if isinstance(m.padding, int) else m.padding[0]
                dil = m.dilation if isinstance(m.dilation, int) else m.dilation[0]
                if pad != 0 or dil != 1 or m.ceil_mode or m.return_indices:
                    raise ValueError(f"{what}: MaxPool1d must have padding 0, dilation 1, ceil_mode False")
                length = _out_len(nodes[i].length, k, s, 0, 0)
                if length < 1:
                    raise ValueError(f"{what}: output would be empty for input length {input_length}")
                nodes.append(Node(OP_MAXPOOL, [i], nodes[i].channels, length, kernel=k, stride=s,
                                  name=n.target))
                where[n] = len(nodes) - 1
            elif isinstance(m, nn.AdaptiveAvgPool1d):
                osz = m.output_size if isinstance(m.output_size, int) else m.output_size[0]
                if osz != 1:
                    raise ValueError(f"{what}: only AdaptiveAvgPool1d(1) (global average pooling)")
                i = src(n.args[0], what)
                nodes.append(Node(OP_GAP, [i], nodes[i].channels, 0, name=n.target))
                where[n] = len(nodes) - 1
                vector.add(where[n])
            elif isinstance(m, nn.Linear):
                i = src(n.args[0], what)
                if i not in vector:
                    raise ValueError(f"{what}: Linear must follow global average pooling")
                if m.in_features != nodes[i].channels:
                    raise ValueError(f"{what}: expects {m.in_features} features, gets {nodes[i].channels}")
                w = m.weight.detach().double().numpy()
                b = (m.bias.detach().double().numpy() if m.bias is not None
                     else np.zeros(m.out_features))
                nodes.append(Node(OP_LINEAR, [i], m.out_features, 0, weight=w, bias=b, name=n.target))
                where[n] = len(nodes) - 1
                vector.add(where[n])
            elif isinstance(m, (nn.Dropout, nn.Identity, nn.Flatten)):
                where[n] = src(n.args[0], what)
                if isinstance(m, nn.Flatten) and where[n] not in vector:
                    raise ValueError(f"{what}: Flatten is only supported after global pooling")
            else:
                raise ValueError(f"{what}: {type(m).__name__} is not in the engine's layer vocabulary "
                                 "(see ecgm.py)")
        elif n.op in ("call_function", "call_method"):
            t = n.target
            if t in (F.relu, torch.relu, torch.relu_, "relu", "relu_"):
                where[n] = fuse_relu(n, src(n.args[0], what), what)
            elif t in (operator.add, operator.iadd, torch.add, "add", "add_"):
                if len(n.args) != 2 or n.kwargs:
                    raise ValueError(f"{what}: only a plain sum of two tensors is supported")
                a, b = src(n.args[0], what), src(n.args[1], what)
                na, nb = nodes[a], nodes[b]
                if a in vector or b in vector or na.channels != nb.channels or na.length != nb.length:
                    raise ValueError(f"{what}: residual add needs two same-shape [C, T] tensors, got "
                                     f"[{na.channels}, {na.length}] and [{nb.channels}, {nb.length}]")
                nodes.append(Node(OP_ADD, [a, b], na.channels, na.length, name=n.name))
                where[n] = len(nodes) - 1
            elif t in (torch.mean, "mean"):
                i = src(n.args[0], what)
                dims = list(n.args[1:]) + [v for k, v in n.kwargs.items() if k == "dim"]
                keep = n.kwargs.get("keepdim", False)
                dim = dims[0] if dims else None
                if isinstance(dim, (tuple, list)) and len(dim) == 1:
                    dim = dim[0]
                if dim not in (-1, 2) or keep or i in vector:
                    raise ValueError(f"{what}: only the mean over time (dim -1, keepdim False) is supported")
                nodes.append(Node(OP_GAP, [i], nodes[i].channels, 0, name=n.name))
                where[n] = len(nodes) - 1
                vector.add(where[n])
            elif t in (torch.flatten, "flatten", "squeeze", "view", "reshape"):
                i = src(n.args[0], what)
                if i not in vector:
                    raise ValueError(f"{what}: reshaping is only supported after global pooling")
                where[n] = i
            elif t in (F.dropout, "contiguous"):
                where[n] = src(n.args[0], what)
            else:
                name = getattr(t, "__name__", str(t))
                raise ValueError(f"{what}: '{name}' is not in the engine's layer vocabulary (see ecgm.py)")
        else:
            raise ValueError(f"{what}: unsupported fx node kind {n.op}")

    if result is None or not isinstance(result, torch.fx.Node) or result not in where:
        raise ValueError("the network must return one tensor of logits")
    last = where[result]
    if nodes[last].op != OP_LINEAR:
        raise ValueError("the network must end with a Linear classifier after global average pooling")
    if last != len(nodes) - 1:
        raise ValueError("the network computes layers that do not contribute to its output")
    for nd in nodes:
        if nd.weight is not None:
            nd.weight = nd.weight.astype(np.float32)
            nd.bias = nd.bias.astype(np.float32)
    return Graph(nodes, input_length)


class EcgNet(nn.Module):
    """The canonical torch module of a Graph (folded BN): same function as the source network.

    Written so that FX graph-mode quantization finds the standard fusion patterns (Conv1d +
    nn.ReLU, add + nn.ReLU) and so that quantize.py can map quantized layers back to graph nodes
    by module name (convs.<node>, pools.<node>, relus.<node>, fc)."""

    def __init__(self, graph: Graph):
        super().__init__()
        self.graph_nodes = [dataclasses.replace(nd) for nd in graph.nodes]
        self.input_length = graph.input_length
        self.convs = nn.ModuleDict()
        self.pools = nn.ModuleDict()
        self.relus = nn.ModuleDict()
        for i, nd in enumerate(graph.nodes):
            key = str(i)
            if nd.op == OP_CONV:
                cin = graph.nodes[nd.inputs[0]].channels
                c = nn.Conv1d(cin, nd.channels, nd.kernel, stride=nd.stride, padding=nd.pad_left, bias=True)
                if nd.pad_left != nd.pad_right:
                    raise ValueError(f"{nd.name}: asymmetric padding has no torch Conv1d equivalent")
                with torch.no_grad():
                    c.weight.copy_(torch.from_numpy(np.asarray(nd.weight, np.float32)))
                    c.bias.copy_(torch.from_numpy(np.asarray(nd.bias, np.float32)))
                self.convs[key] = c
            elif nd.op == OP_MAXPOOL:
                self.pools[key] = nn.MaxPool1d(nd.kernel, nd.stride)
            elif nd.op == OP_LINEAR:
                cin = graph.nodes[nd.inputs[0]].channels
                self.fc = nn.Linear(cin, nd.channels)
                with torch.no_grad():
                    self.fc.weight.copy_(torch.from_numpy(np.asarray(nd.weight, np.float32)))
                    self.fc.bias.copy_(torch.from_numpy(np.asarray(nd.bias, np.float32)))
            if nd.relu:
                self.relus[key] = nn.ReLU()

    def forward(self, x):
        vals = [x]
        for i, nd in enumerate(self.graph_nodes[1:], start=1):
            key = str(i)
            if nd.op == OP_CONV:
                y = self.convs[key](vals[nd.inputs[0]])
            elif nd.op == OP_MAXPOOL:
                y = self.pools[key](vals[nd.inputs[0]])
            elif nd.op == OP_ADD:
                y = vals[nd.inputs[0]] + vals[nd.inputs[1]]
            elif nd.op == OP_GAP:
                y = vals[nd.inputs[0]].mean(-1)
            else:
                y = self.fc(vals[nd.inputs[0]])
            if nd.relu:
                y = self.relus[key](y)
            vals.append(y)
        return vals[-1]


# ------------------------------------------------------------------------------------------------
# numpy reference of the C++ engine (fp32 and int8)
# ------------------------------------------------------------------------------------------------

def _conv_f32(x, nd):  # x [Cin, T]
    xp = np.pad(x, ((0, 0), (nd.pad_left, nd.pad_right)))
    k, s = nd.kernel, nd.stride
    t_out = (xp.shape[1] - k) // s + 1
    cols = np.stack([xp[:, j:j + s * (t_out - 1) + 1:s] for j in range(k)], axis=1)  # [Cin, K, T]
    y = np.einsum("oik,ikt->ot", nd.weight.astype(np.float64), cols.astype(np.float64))
    y += nd.bias.astype(np.float64)[:, None]
    return np.maximum(y, 0) if nd.relu else y


def quantize_input(x: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    """torch.quantize_per_tensor(x, scale, zp, quint8): zp + nearbyint(x * (1/scale)) in float32."""
    inv = np.float32(1.0) / np.float32(scale)
    q = np.rint(x.astype(np.float32) * inv).astype(np.int64) + zero_point
    return np.clip(q, 0, 255).astype(np.int32)


def requantize(acc: np.ndarray, multiplier: np.ndarray, zero_point: int, relu: bool) -> np.ndarray:
    """qnnpack fp32 requantization: round_half_even(float32(acc) * multiplier) + zp, clamped."""
    v = acc.astype(np.float32) * multiplier.astype(np.float32)
    q = np.rint(v).astype(np.int64) + zero_point
    return np.clip(q, zero_point if relu else 0, 255).astype(np.int32)


def add_int8(a: np.ndarray, b: np.ndarray, a_zp: int, b_zp: int, params, out_zp: int, relu: bool):
    """qnnpack quantized add (scalar reference of pytorch_qnnp_add_quantize)."""
    am, bm, shift = params
    zpp = -(am * a_zp + bm * b_zp)
    acc = zpp + a.astype(np.int64) * am + b.astype(np.int64) * bm
    acc = ((acc + 2**31) % 2**32) - 2**31  # int32 wrap, as in C
    mask = (1 << shift) - 1
    rem = (acc & mask) - (acc < 0)
    out = (acc >> shift) + (rem > (mask >> 1))
    y = out + out_zp
    return np.clip(y, out_zp if relu else 0, 255).astype(np.int32)


def add_params(a_scale: float, b_scale: float, out_scale: float) -> tuple:
    """pytorch_qnnp_compute_add_quantization_params (float32 arithmetic as in C)."""
    f32 = np.float32
    a_os = f32(a_scale) / f32(out_scale)
    b_os = f32(b_scale) / f32(out_scale)
    for r, nm in ((a_os, "first"), (b_os, "second")):
        if not (2.0**-14 <= r < 2.0**8):
            raise ValueError(f"residual add: {nm} input/output scale ratio {r} outside qnnpack's "
                             "[2^-14, 2^8) range")
    mx = max(a_os, b_os)
    exp = int((np.array([mx], np.float32).view(np.uint32)[0] >> 23)) - 127
    shift = 21 - exp
    mult = np.array([(21 - exp + 127) << 23], np.uint32).view(np.float32)[0]
    am = int(np.rint(f32(a_os * mult)))
    bm = int(np.rint(f32(b_os * mult)))
    return am, bm, shift


def forward_numpy(graph: Graph, x: np.ndarray, return_codes: bool = False):
    """Reference of the C++ engine on one window x [Cin, L] float -> logits [classes] (float64).

    For int8 graphs, `return_codes=True` also returns the integer tensors of every node."""
    vals = [None] * len(graph.nodes)
    int8 = graph.precision == "int8"
    for i, nd in enumerate(graph.nodes):
        if nd.op == OP_INPUT:
            vals[i] = quantize_input(x, nd.out_scale, nd.out_zero_point) if int8 else x.astype(np.float64)
        elif nd.op == OP_CONV:
            src = graph.nodes[nd.inputs[0]]
            xin = vals[nd.inputs[0]]
            if int8:
                xc = np.pad(xin - src.out_zero_point, ((0, 0), (nd.pad_left, nd.pad_right)))
                k, s = nd.kernel, nd.stride
                t_out = (xc.shape[1] - k) // s + 1
                cols = np.stack([xc[:, j:j + s * (t_out - 1) + 1:s] for j in range(k)], axis=1)
                acc = np.einsum("oik,ikt->ot", nd.qweight.astype(np.int64), cols.astype(np.int64))
                acc += nd.qbias.astype(np.int64)[:, None]
                vals[i] = requantize(acc, nd.multiplier[:, None], nd.out_zero_point, nd.relu)
            else:
                vals[i] = _conv_f32(xin, nd)
        elif nd.op == OP_MAXPOOL:
            xin = vals[nd.inputs[0]]
            t_out = (xin.shape[1] - nd.kernel) // nd.stride + 1
            vals[i] = np.max(np.stack([xin[:, j:j + nd.stride * (t_out - 1) + 1:nd.stride]
                                       for j in range(nd.kernel)]), axis=0)
        elif nd.op == OP_ADD:
            a, b = nd.inputs
            if int8:
                vals[i] = add_int8(vals[a], vals[b], graph.nodes[a].out_zero_point,
                                   graph.nodes[b].out_zero_point, nd.add_params, nd.out_zero_point,
                                   nd.relu)
            else:
                y = vals[a] + vals[b]
                vals[i] = np.maximum(y, 0) if nd.relu else y
        elif nd.op == OP_GAP:
            src = graph.nodes[nd.inputs[0]]
            xin = vals[nd.inputs[0]]
            if int8:
                vals[i] = (xin.astype(np.float64) - src.out_zero_point).mean(axis=1) * np.float32(src.out_scale)
            else:
                vals[i] = xin.mean(axis=1)
        elif nd.op == OP_LINEAR:
            vals[i] = nd.weight.astype(np.float64) @ vals[nd.inputs[0]] + nd.bias
    return (vals[-1], vals) if return_codes else vals[-1]


# ------------------------------------------------------------------------------------------------
# writer / reader
# ------------------------------------------------------------------------------------------------

def _s(b: bytearray, text: str) -> None:
    data = text.encode("utf-8")
    b += struct.pack("<I", len(data)) + data


def _info_bytes(info: dict) -> bytes:
    b = bytearray(struct.pack("<I", len(info)))
    for key, v in info.items():
        _s(b, key)
        if isinstance(v, str):
            b += b"\x01"
            _s(b, v)
        elif isinstance(v, bool) or isinstance(v, (int, np.integer)):
            b += b"\x03" + struct.pack("<q", int(v))
        elif isinstance(v, (float, np.floating)):
            b += b"\x02" + struct.pack("<d", float(v))
        elif all(isinstance(e, str) for e in v):
            b += b"\x04" + struct.pack("<I", len(v))
            for e in v:
                _s(b, e)
        else:
            b += b"\x05" + struct.pack("<I", len(v)) + struct.pack(f"<{len(v)}d", *map(float, v))
    return bytes(b)


def _graph_bytes(graph: Graph) -> bytes:
    int8 = graph.precision == "int8"
    b = bytearray(struct.pack("<I", len(graph.nodes)))
    for nd in graph.nodes:
        ia = nd.inputs[0] if nd.inputs else 0
        ib = nd.inputs[1] if len(nd.inputs) > 1 else 0
        b += struct.pack("<BBHIIIIIIIfi", nd.op, int(nd.relu), 0, ia, ib, nd.channels, nd.kernel,
                         nd.stride, nd.pad_left, nd.pad_right, float(nd.out_scale) if int8 else 0.0,
                         int(nd.out_zero_point) if int8 else 0)
        if nd.op == OP_CONV:
            if int8:
                b += np.ascontiguousarray(nd.qweight, "<i1").tobytes()
                b += np.ascontiguousarray(nd.qbias, "<i4").tobytes()
                b += np.ascontiguousarray(nd.weight_scale, "<f4").tobytes()
                b += np.ascontiguousarray(nd.multiplier, "<f4").tobytes()
            else:
                b += np.ascontiguousarray(nd.weight, "<f4").tobytes()
                b += np.ascontiguousarray(nd.bias, "<f4").tobytes()
        elif nd.op == OP_ADD and int8:
            b += struct.pack("<III", *nd.add_params)
        elif nd.op == OP_LINEAR:
            b += np.ascontiguousarray(nd.weight, "<f4").tobytes()
            b += np.ascontiguousarray(nd.bias, "<f4").tobytes()
    return bytes(b)


def ecgm_bytes(graph: Graph, meta: ModelMeta) -> bytes:
    classes = graph.nodes[-1].channels
    if len(meta.class_names) != classes or len(meta.class_descriptions) != classes:
        raise ValueError(f"the network has {classes} outputs but meta names "
                         f"{len(meta.class_names)} classes")
    thresholds = list(meta.thresholds) if meta.thresholds is not None else [0.5] * classes
    if len(thresholds) != classes:
        raise ValueError(f"{len(thresholds)} thresholds for {classes} classes")
    if len(meta.lead_names) != graph.input_channels:
        raise ValueError(f"{len(meta.lead_names)} lead names for {graph.input_channels} input channels")
    if meta.input_length != graph.input_length:
        raise ValueError(f"meta.input_length {meta.input_length} != graph input length {graph.input_length}")
    info = {
        "name": meta.name, "precision": graph.precision, "description": meta.description,
        "class_names": list(meta.class_names), "class_descriptions": list(meta.class_descriptions),
        "thresholds": thresholds, "lead_names": list(meta.lead_names),
        "input_channels": graph.input_channels, "input_length": graph.input_length,
        "window_stride": int(meta.window_stride), "window_pooling": meta.window_pooling, "sampling_rate_hz": float(meta.sampling_rate_hz),
        "band_low_hz": float(meta.band_low_hz), "band_high_hz": float(meta.band_high_hz),
        "filter_order": int(meta.filter_order), "amplitude": meta.amplitude, "parameters": graph.parameters(),
        "macs_per_window": graph.macs(),
    }
    if meta.head_bias is not None:
        w = np.asarray(meta.head_weights, dtype=np.float64)
        if w.shape != (classes, classes + len(meta.head_inputs)) or len(meta.head_bias) != classes:
            raise ValueError(f"head weights {w.shape} and bias ({len(meta.head_bias)}) do not match {classes} classes "
                             f"and {len(meta.head_inputs)} head inputs")
        info.update(head_inputs=list(meta.head_inputs), head_weights=w.ravel().tolist(),
                    head_bias=[float(b) for b in meta.head_bias])
    sections = [(b"INFO", _info_bytes(info)), (b"GRPH", _graph_bytes(graph))]
    out = bytearray(MAGIC + struct.pack("<II", FORMAT_VERSION, len(sections)))
    for tag, payload in sections:
        out += tag + struct.pack("<I", len(payload)) + payload
    return bytes(out)


def write_graph(path: str, graph: Graph, meta: ModelMeta) -> None:
    with open(path, "wb") as f:
        f.write(ecgm_bytes(graph, meta))


def write_fp32(path: str, model, meta: ModelMeta) -> Graph:
    """Writes an fp32 .ecgm of `model` (an nn.Module following the contract, or a Graph)."""
    graph = model if isinstance(model, Graph) else to_graph(model, meta.input_length, len(meta.lead_names))
    write_graph(path, graph, meta)
    return graph


class _Reader:
    def __init__(self, data: bytes):
        self.d, self.p = data, 0

    def take(self, n):
        if self.p + n > len(self.d):
            raise ValueError("truncated .ecgm")
        v = self.d[self.p:self.p + n]
        self.p += n
        return v

    def u(self, fmt):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def s(self):
        (n,) = self.u("I")
        return self.take(n).decode("utf-8")

    def arr(self, dtype, count):
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count), dtype=dtype).copy()


def read_ecgm(path_or_bytes) -> tuple:
    """Returns (info dict, Graph) of an .ecgm file (the Python twin of core/src/nn/model_file.cpp)."""
    data = path_or_bytes if isinstance(path_or_bytes, (bytes, bytearray)) else open(path_or_bytes, "rb").read()
    r = _Reader(data)
    if r.take(4) != MAGIC:
        raise ValueError("not an .ecgm file")
    version, count = r.u("II")
    if version != FORMAT_VERSION:
        raise ValueError(f"unsupported .ecgm version {version}")
    info, graph_payload = {}, None
    for _ in range(count):
        tag = r.take(4)
        (n,) = r.u("I")
        payload = r.take(n)
        if tag == b"INFO":
            s = _Reader(payload)
            (entries,) = s.u("I")
            for _ in range(entries):
                key = s.s()
                (t,) = s.u("B")
                if t == 1:
                    info[key] = s.s()
                elif t == 2:
                    info[key] = s.u("d")[0]
                elif t == 3:
                    info[key] = s.u("q")[0]
                elif t == 4:
                    (m,) = s.u("I")
                    info[key] = [s.s() for _ in range(m)]
                elif t == 5:
                    (m,) = s.u("I")
                    info[key] = list(s.u(f"{m}d"))
        elif tag == b"GRPH":
            graph_payload = payload
    if graph_payload is None:
        raise ValueError("no GRPH section")
    int8 = info["precision"] == "int8"
    s = _Reader(graph_payload)
    (nn_,) = s.u("I")
    nodes = []
    for _ in range(nn_):
        op, relu, _r, ia, ib, ch, k, st, pl, pr, osc, ozp = s.u("BBHIIIIIIIfi")
        inputs = [] if op == OP_INPUT else ([ia, ib] if op == OP_ADD else [ia])
        nd = Node(op, inputs, ch, relu=bool(relu), kernel=k, stride=st, pad_left=pl, pad_right=pr,
                  out_scale=osc, out_zero_point=ozp, name=f"{OP_NAMES[op]}{len(nodes)}")
        if op == OP_INPUT:
            nd.length = int(info["input_length"])
        elif op == OP_CONV:
            src = nodes[ia]
            cin = src.channels
            nd.length = _out_len(src.length, k, st, pl, pr)
            if int8:
                nd.qweight = s.arr("<i1", ch * cin * k).reshape(ch, cin, k)
                nd.qbias = s.arr("<i4", ch)
                nd.weight_scale = s.arr("<f4", ch)
                nd.multiplier = s.arr("<f4", ch)
                nd.weight = (nd.qweight * nd.weight_scale[:, None, None]).astype(np.float32)
                nd.bias = (nd.qbias * nd.weight_scale * src.out_scale).astype(np.float32)
            else:
                nd.weight = s.arr("<f4", ch * cin * k).reshape(ch, cin, k)
                nd.bias = s.arr("<f4", ch)
        elif op == OP_MAXPOOL:
            nd.length = _out_len(nodes[ia].length, k, st, 0, 0)
        elif op == OP_ADD:
            nd.length = nodes[ia].length
            if int8:
                nd.add_params = s.u("III")
        elif op == OP_LINEAR:
            cin = nodes[ia].channels
            nd.weight = s.arr("<f4", ch * cin).reshape(ch, cin)
            nd.bias = s.arr("<f4", ch)
        nodes.append(nd)
    return info, Graph(nodes, int(info["input_length"]), info["precision"])
