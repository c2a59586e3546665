"""Writes the benchmark data sets as .npy files (fixed seeds): x_NAME.npy and y_NAME.npy in OUT_DIR,
and the first batch alone as x_NAME_batch.npy and y_NAME_batch.npy (for the first-batch latency).

usage: make_data.py OUT_DIR NAME=SAMPLES:BATCH ...   (NAME one of model1 model4 model5 large)
"""
import sys

import numpy as np

# Input shape per sample, and the target's shape per sample.
SHAPES = {
    "model1": ((40, 1), (10,)),
    "model4": ((64, 1), (64, 1)),
    "model5": ((128, 9), (2,)),
    "large": ((100, 32), (1,)),
}


def make(name, n, seed):
    rng = np.random.default_rng(seed)
    xs, ys = SHAPES[name]
    x = rng.standard_normal((n, *xs)).astype(np.float32)
    # Learnable targets, so the losses fall as in real training; the timings do not depend on them.
    if name == "model5":
        # One-hot classes: the sign of the first feature's mean.
        y = np.eye(2, dtype=np.float32)[(x[:, :, 0].mean(axis=1) > 0).astype(np.int64)]
    elif name == "model4":
        y = np.cumsum(x, axis=1) * 10
    else:
        # The last input step plus noise.
        y = x[:, -1, 0:1] + 0.1 * rng.standard_normal((n, *ys))
    return x, y.astype(np.float32)


def main():
    out = sys.argv[1]
    for arg in sys.argv[2:]:
        name, sizes = arg.split("=")
        n, batch = (int(v) for v in sizes.split(":"))
        x, y = make(name, n, seed=1000 + sorted(SHAPES).index(name))
        np.save(f"{out}/x_{name}.npy", x)
        np.save(f"{out}/y_{name}.npy", y)
        np.save(f"{out}/x_{name}_batch.npy", x[:batch])
        np.save(f"{out}/y_{name}_batch.npy", y[:batch])


if __name__ == "__main__":
    main()
