"""The benchmark models in PyTorch on the CPU, trained as the Seq trainer trains them: same layers,
same loss, Adam(learning_rate=0.001), same batch size, batches taken in order, float32.

usage: torch_models.py NAME X.npy Y.npy EPOCHS BATCH THREADS
prints: epoch K SECONDS LOSS   (one line per epoch; the first epoch includes PyTorch's warm-up)
With SEQ_BENCH_LOCKSTEP=1 in the environment, each epoch waits for a line on standard input before it
starts (bench/lockstep.py takes turns between this and the Seq trainer, an epoch each).
"""
import os
import sys
import time

import numpy as np
import torch
from torch import nn


class Last(nn.Module):
    """An LSTM returning every step (Keras's return_sequences=True) or only the last one."""

    def __init__(self, features, units, sequences):
        super().__init__()
        self.lstm = nn.LSTM(features, units, batch_first=True)
        self.sequences = sequences

    def forward(self, x):
        y, _ = self.lstm(x)
        return y if self.sequences else y[:, -1, :]


class Model1(nn.Module):
    """x [batch, 40, 1]: LSTM(12, rs) -> LSTM(12, rs) -> LSTM(6) -> Dense(10)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(Last(1, 12, True), Last(12, 12, True), Last(12, 6, False), nn.Linear(6, 10))

    def forward(self, x):
        return self.body(x)


class Model4(nn.Module):
    """x [batch, T, 1]: Conv1D(32, 5, causal, relu) -> LSTM(64, rs) x 2 -> Dense(30, relu) -> Dense(10, relu) -> Dense(1) -> v * 400."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 32, 5)
        self.lstm1 = Last(32, 64, True)
        self.lstm2 = Last(64, 64, True)
        self.head = nn.Sequential(nn.Linear(64, 30), nn.ReLU(), nn.Linear(30, 10), nn.ReLU(), nn.Linear(10, 1))

    def forward(self, x):
        # Causal padding: four zero steps before the series, none after.
        h = torch.relu(self.conv(nn.functional.pad(x.transpose(1, 2), (4, 0)))).transpose(1, 2)
        return self.head(self.lstm2(self.lstm1(h))) * 400


class Model5(nn.Module):
    """x [batch, 128, 9]: Conv1D(100, 10, relu) -> GlobalMaxPooling1D -> Dense(2) (softmax in the loss)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(9, 100, 10)
        self.dense = nn.Linear(100, 2)

    def forward(self, x):
        h = torch.relu(self.conv(x.transpose(1, 2)))
        return self.dense(h.amax(dim=2))


class Large(nn.Module):
    """x [batch, 100, 32]: LSTM(256, rs) -> LSTM(256) -> Dense(1)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(Last(32, 256, True), Last(256, 256, False), nn.Linear(256, 1))

    def forward(self, x):
        return self.body(x)


MODELS = {
    "model1": (Model1, nn.MSELoss),
    "model4": (Model4, nn.HuberLoss),  # delta 1, mean over elements: Keras's Huber
    "model5": (Model5, nn.CrossEntropyLoss),  # softmax + categorical cross-entropy on one-hot targets
    "large": (Large, nn.MSELoss),
}


def main():
    name, xpath, ypath = sys.argv[1:4]
    epochs, batch, threads = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    x = torch.from_numpy(np.load(xpath))
    y = torch.from_numpy(np.load(ypath))
    make, loss_kind = MODELS[name]
    model = make()
    loss_fn = loss_kind()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    n = x.shape[0]
    lockstep = os.environ.get("SEQ_BENCH_LOCKSTEP") == "1"
    for epoch in range(1, epochs + 1):
        if lockstep and not sys.stdin.readline():
            sys.exit(f"lockstep: standard input ended before epoch {epoch}")
        began = time.perf_counter()
        total = 0.0
        for start in range(0, n, batch):
            xb, yb = x[start:start + batch], y[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.shape[0]
        print(f"epoch {epoch} {time.perf_counter() - began:.6f} {total / n:.4f}", flush=True)


if __name__ == "__main__":
    main()
