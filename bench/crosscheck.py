"""Checks that the benchmark compares like with like: a trainer jar and bench/torch_models.py's PyTorch model
of the same name compute the same predictions and the same loss gradients from the same weights. The weights
(a .safetensors file in Keras's layout, as `fit --out` writes it) are loaded into the PyTorch model, which
runs in float64; the jar's `predict` and `gradients` run on the same batch, on DEVICE (jvm by default).

usage: crosscheck.py NAME MODEL.jar WEIGHTS.safetensors X.npy Y.npy WORK_DIR [DEVICE]
prints: one line per tensor (predictions, then each weight's gradient) with its relative error
        max|ours - PyTorch| / max|PyTorch|; exits 1 when any is above the tolerance, or when the two models
        do not have the same weights (names, shapes).
"""
import json
import struct
import subprocess
import sys

import numpy as np
import torch
from torch import nn

from torch_models import MODELS

# Float32 against float64 through up to 100 recurrent steps, with the trainer's float32 tanh and sigmoid:
# the errors were 1e-7 to 4e-6 on bench/run's first-batch weights (2026-12-01). A model that differs (a bias
# counted twice, two gates swapped, model 4 without its scale, model 5 with a mean pool) was off by 1 or more.
TOLERANCE = 1e-4


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            sys.exit(f"crosscheck: {path}: tensor {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"]).astype(np.float64)
    return tensors


def keras_weights(model):
    """Each Keras weight of the model, in layer order: (its Keras name, the PyTorch parameter that holds it, the
    axes order that turns one layout into the other, which is its own inverse). Layers are named as Keras names
    them (lstm, lstm_1, conv1d, dense, ...). Keras's LSTM gates are i, f, c, o, as PyTorch's i, f, g, o; its one
    bias is PyTorch's bias_ih (main zeroes bias_hh)."""
    kinds = {nn.LSTM: "lstm", nn.Conv1d: "conv1d", nn.Linear: "dense"}
    counts = {}
    out = []
    for module in model.modules():
        kind = kinds.get(type(module))
        if kind is None:
            continue
        k = counts.get(kind, 0)
        counts[kind] = k + 1
        name = kind if k == 0 else f"{kind}_{k}"
        if kind == "lstm":
            out += [(f"{name}/kernel", module.weight_ih_l0, (1, 0)),
                    (f"{name}/recurrent_kernel", module.weight_hh_l0, (1, 0)),
                    (f"{name}/bias", module.bias_ih_l0, (0,))]
        else:
            # Dense's kernel is [in, out] against PyTorch's [out, in]; Conv1D's [width, in, out] against [out, in, width].
            out += [(f"{name}/kernel", module.weight, (1, 0) if kind == "dense" else (2, 1, 0)),
                    (f"{name}/bias", module.bias, (0,))]
    return out


def relative(ours, theirs):
    return float(np.max(np.abs(ours - theirs)) / max(np.max(np.abs(theirs)), 1e-30))


def main():
    if len(sys.argv) not in (7, 8):
        sys.exit(__doc__)
    name, jar, weights_path, xpath, ypath, work = sys.argv[1:7]
    device = sys.argv[7] if len(sys.argv) == 8 else "jvm"
    if name not in MODELS:
        sys.exit(f"crosscheck: no PyTorch model named {name} (bench/torch_models.py has {', '.join(MODELS)})")
    pred_path = f"{work}/crosscheck_{device}_{name}_pred.npy"
    grads_path = f"{work}/crosscheck_{device}_{name}_grads.safetensors"
    for command in (["predict", "--weights", weights_path, "--x", xpath, "--out", pred_path],
                    ["gradients", "--weights", weights_path, "--x", xpath, "--y", ypath, "--out", grads_path]):
        run = subprocess.run(["java", "-jar", jar, *command, "--device", device], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"crosscheck: {jar} {command[0]} --device {device} failed:\n{run.stdout}{run.stderr}")

    make, loss_kind = MODELS[name]
    torch.manual_seed(1)
    model = make().double()
    weights = read_safetensors(weights_path)
    mapping = keras_weights(model)
    expected = {key for key, _, _ in mapping}
    if expected != set(weights):
        sys.exit(f"crosscheck: {name}: the jar's weights {sorted(weights)} are not the PyTorch model's {sorted(expected)}")
    with torch.no_grad():
        for key, param, axes in mapping:
            w = weights[key].transpose(axes)
            if w.shape != tuple(param.shape):
                sys.exit(f"crosscheck: {name}: the jar's {key} {weights[key].shape} does not fit the PyTorch model's "
                         f"{tuple(param.shape)} in axes order {axes}")
            param.copy_(torch.from_numpy(w))
        for module in model.modules():
            if isinstance(module, nn.LSTM):
                module.bias_hh_l0.zero_()  # Keras's LSTM has one bias, bias_ih here
    x = torch.from_numpy(np.load(xpath).astype(np.float64))
    y = torch.from_numpy(np.load(ypath).astype(np.float64))
    out = model(x)
    loss_kind()(out, y).backward()
    # Model 5's PyTorch head gives logits (its loss applies the softmax); the jar predicts probabilities.
    theirs = torch.softmax(out, dim=-1) if loss_kind is nn.CrossEntropyLoss else out

    errors = [("predictions", relative(np.load(pred_path), theirs.detach().numpy()))]
    ours = read_safetensors(grads_path)
    for key, param, axes in mapping:
        g = param.grad.numpy().transpose(axes)
        if key not in ours or ours[key].shape != g.shape:
            sys.exit(f"crosscheck: {name}: the jar's gradients have no {key} of shape {g.shape}")
        errors.append((f"d {key}", relative(ours[key], g)))
    worst = max(e for _, e in errors)
    for label, e in errors:
        print(f"{name} {device} {label} {e:.2e}{'  ABOVE ' + format(TOLERANCE, '.0e') if e > TOLERANCE else ''}")
    if worst > TOLERANCE:
        sys.exit(f"crosscheck: {name} on {device}: the trainer jar and the PyTorch model differ (worst relative error {worst:.2e})")


if __name__ == "__main__":
    main()
