"""ONNX export of an .ecgm network (fp32, or int8 as a QDQ graph) for ONNX Runtime Web.

torch.onnx.export cannot export quantized Conv1d in torch 1.13, so the graph is built directly
with onnx.helper from the same ecgm.Graph that is written to the .ecgm file: the int8 model uses
exactly the .ecgm quantization parameters (uint8 activations with their scale/zero point, int8
per-channel weights, int32 biases). ONNX Runtime fuses DequantizeLinear -> Conv -> QuantizeLinear
into QLinearConv (likewise Add); the global average pool and the classifier stay fp32 as in the
engine.

  python3 export_onnx.py MODEL.ecgm OUT.onnx         # from a model file
  export_onnx.export(graph, "out.onnx")              # from Python (graph: ecgm.Graph)

Input "input" [batch, 12, input_length] float32 (band-passed leads in mV), output "logits" [batch, classes].
"""
from __future__ import annotations

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import ecgm

OPSET = 13


def export(graph: ecgm.Graph, path: str, name: str = "ecglite") -> onnx.ModelProto:
    int8 = graph.precision == "int8"
    nodes, inits = [], []
    counter = [0]

    def uid(base):
        counter[0] += 1
        return f"{base}_{counter[0]}"

    def const(arr, base):
        n = uid(base)
        inits.append(numpy_helper.from_array(np.asarray(arr), n))
        return n

    def qdq(x, scale, zp):
        """float tensor -> QuantizeLinear -> DequantizeLinear (the int8 tensor boundary)."""
        s = const(np.float32(scale), "scale")
        z = const(np.uint8(zp), "zp")
        q, dq = uid("q"), uid("dq")
        nodes.append(helper.make_node("QuantizeLinear", [x, s, z], [q]))
        nodes.append(helper.make_node("DequantizeLinear", [q, s, z], [dq]))
        return dq

    out = {}
    for i, nd in enumerate(graph.nodes):
        if nd.op == ecgm.OP_INPUT:
            out[i] = qdq("input", nd.out_scale, nd.out_zero_point) if int8 else "input"
        elif nd.op == ecgm.OP_CONV:
            src = graph.nodes[nd.inputs[0]]
            if int8:
                w = uid("w_dq")
                nodes.append(helper.make_node(
                    "DequantizeLinear",
                    [const(nd.qweight.astype(np.int8), "w_q"), const(nd.weight_scale.astype(np.float32), "w_scale"),
                     const(np.zeros(nd.channels, np.int8), "w_zp")], [w], axis=0))
                b = uid("b_dq")
                bias_scale = (nd.weight_scale.astype(np.float32) * np.float32(src.out_scale)).astype(np.float32)
                nodes.append(helper.make_node(
                    "DequantizeLinear",
                    [const(nd.qbias.astype(np.int32), "b_q"), const(bias_scale, "b_scale"),
                     const(np.zeros(nd.channels, np.int32), "b_zp")], [b], axis=0))
            else:
                w, b = const(nd.weight.astype(np.float32), "w"), const(nd.bias.astype(np.float32), "b")
            y = uid("conv")
            nodes.append(helper.make_node("Conv", [out[nd.inputs[0]], w, b], [y], kernel_shape=[nd.kernel],
                                          strides=[nd.stride], pads=[nd.pad_left, nd.pad_right]))
            if nd.relu:
                r = uid("relu")
                nodes.append(helper.make_node("Relu", [y], [r]))
                y = r
            out[i] = qdq(y, nd.out_scale, nd.out_zero_point) if int8 else y
        elif nd.op == ecgm.OP_MAXPOOL:
            y = uid("maxpool")
            nodes.append(helper.make_node("MaxPool", [out[nd.inputs[0]]], [y], kernel_shape=[nd.kernel],
                                          strides=[nd.stride]))
            out[i] = qdq(y, nd.out_scale, nd.out_zero_point) if int8 else y
        elif nd.op == ecgm.OP_ADD:
            y = uid("add")
            nodes.append(helper.make_node("Add", [out[nd.inputs[0]], out[nd.inputs[1]]], [y]))
            if nd.relu:
                r = uid("relu")
                nodes.append(helper.make_node("Relu", [y], [r]))
                y = r
            out[i] = qdq(y, nd.out_scale, nd.out_zero_point) if int8 else y
        elif nd.op == ecgm.OP_GAP:
            y = uid("gap")
            nodes.append(helper.make_node("ReduceMean", [out[nd.inputs[0]]], [y], axes=[2], keepdims=0))
            out[i] = y
        elif nd.op == ecgm.OP_LINEAR:
            y = "logits" if i == len(graph.nodes) - 1 else uid("fc")
            nodes.append(helper.make_node("Gemm", [out[nd.inputs[0]], const(nd.weight.astype(np.float32), "fc_w"),
                                                   const(nd.bias.astype(np.float32), "fc_b")], [y], transB=1))
            out[i] = y
    classes = graph.nodes[-1].channels
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", graph.input_channels, graph.input_length])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", classes])],
        initializer=inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="ecglite")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return model


def main(argv) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    _, graph = ecgm.read_ecgm(argv[1])
    export(graph, argv[2])
    print(f"wrote {argv[2]} ({graph.precision})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
