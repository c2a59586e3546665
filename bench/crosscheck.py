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


def keras_layers(model):
    """The model's layers in order, each named as Keras names it (lstm, lstm_1, conv1d, dense, ...)."""
    kinds = {nn.LSTM: "lstm", nn.Conv1d: "conv1d", nn.Linear: "dense"}
    counts = {}
    layers = []
    for module in model.modules():
        kind = kinds.get(type(module))
        if kind is None:
            continue
        k = counts.get(kind, 0)
        counts[kind] = k + 1
        layers.append((kind if k == 0 else f"{kind}_{k}", module))
    return layers


def load_keras(model, weights):
    """Copies Keras-layout weights into the PyTorch model. Keras's LSTM gates are i, f, c, o, as PyTorch's
    i, f, g, o; its one bias goes to bias_ih, and bias_hh is zero."""
    expected = set()
    with torch.no_grad():
        for name, m in keras_layers(model):
            if isinstance(m, nn.LSTM):
                expected |= {f"{name}/kernel", f"{name}/recurrent_kernel", f"{name}/bias"}
                m.weight_ih_l0.copy_(torch.from_numpy(weights[f"{name}/kernel"].T))
                m.weight_hh_l0.copy_(torch.from_numpy(weights[f"{name}/recurrent_kernel"].T))
                m.bias_ih_l0.copy_(torch.from_numpy(weights[f"{name}/bias"]))
                m.bias_hh_l0.zero_()
            elif isinstance(m, nn.Conv1d):
                expected |= {f"{name}/kernel", f"{name}/bias"}
                m.weight.copy_(torch.from_numpy(weights[f"{name}/kernel"].transpose(2, 1, 0)))
                m.bias.copy_(torch.from_numpy(weights[f"{name}/bias"]))
            else:
                expected |= {f"{name}/kernel", f"{name}/bias"}
                m.weight.copy_(torch.from_numpy(weights[f"{name}/kernel"].T))
                m.bias.copy_(torch.from_numpy(weights[f"{name}/bias"]))
    return expected


def keras_grads(model):
    """The PyTorch model's gradients in Keras's layout and names."""
    grads = {}
    for name, m in keras_layers(model):
        if isinstance(m, nn.LSTM):
            grads[f"{name}/kernel"] = m.weight_ih_l0.grad.numpy().T
            grads[f"{name}/recurrent_kernel"] = m.weight_hh_l0.grad.numpy().T
            grads[f"{name}/bias"] = m.bias_ih_l0.grad.numpy()
        elif isinstance(m, nn.Conv1d):
            grads[f"{name}/kernel"] = m.weight.grad.numpy().transpose(2, 1, 0)
            grads[f"{name}/bias"] = m.bias.grad.numpy()
        else:
            grads[f"{name}/kernel"] = m.weight.grad.numpy().T
            grads[f"{name}/bias"] = m.bias.grad.numpy()
    return grads


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
    expected = load_keras(model, weights)
    if expected != set(weights):
        sys.exit(f"crosscheck: {name}: the jar's weights {sorted(weights)} are not the PyTorch model's {sorted(expected)}")
    x = torch.from_numpy(np.load(xpath).astype(np.float64))
    y = torch.from_numpy(np.load(ypath).astype(np.float64))
    out = model(x)
    loss_kind()(out, y).backward()
    # Model 5's PyTorch head gives logits (its loss applies the softmax); the jar predicts probabilities.
    theirs = torch.softmax(out, dim=-1) if loss_kind is nn.CrossEntropyLoss else out

    errors = [("predictions", relative(np.load(pred_path), theirs.detach().numpy()))]
    ours = read_safetensors(grads_path)
    for key, g in keras_grads(model).items():
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
