# Regenerate the fixtures (from /work/main or anywhere): python3 compiler/src/test/resources/reference/make_reference.py
"""
Reference forward passes for ReferenceTest.java, written independently of the Seq compiler with
NumPy only, following Keras 3's semantics:

  LSTM     z = x_t @ kernel + h @ recurrent_kernel + bias, columns split in gate order i, f, c, o;
           i, f, o = recurrent_activation(z_i, z_f, z_o); c = f * c + i * activation(z_c);
           h = o * activation(c); h and c start at zero. go_backwards walks the steps from last
           to first, and the returned sequence is in processing order (that is, reversed), as
           keras.src.backend.*.rnn returns it.
  Conv1D   y[b, t, f] = bias[f] + sum_{k, c} xpad[b, t * stride + k * dilation, c] * kernel[k, c, f];
           "valid" pads nothing, "causal" pads dilation * (kernel_size - 1) zeros on the left,
           "same" pads total = max(0, (L - 1) * stride + dilation * (K - 1) + 1 - T) with
           L = ceil(T / stride), total // 2 on the left and the rest on the right (TensorFlow).
  Dense    y = activation(x @ kernel + bias) over the last axis.
  hard_sigmoid is Keras 3's relu6(x + 3) / 6; gelu is Keras 3's default, approximate=False
  (0.5 * x * (1 + erf(x / sqrt(2)))).

Each case writes, under reference/<case>/, x.npy, y.npy and one file per weight named after the
Keras weight with '/' replaced by '__' (lstm__kernel.npy), all float64. The model sources that go
with the cases are in compiler/src/test/java/seq/compiler/codegen/ReferenceTest.java; the two
must be kept in step.
"""
import math
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- activations (Keras 3) ----
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def hard_sigmoid(x):
    return np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


_erf = np.vectorize(math.erf)

ACT = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "softmax": softmax,
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1.0),
    "gelu": lambda x: 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0))),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "swish": lambda x: x * sigmoid(x),
}


# ---- layers ----
def lstm(x, kernel, recurrent_kernel, bias, return_sequences=False, go_backwards=False,
         activation="tanh", recurrent_activation="sigmoid"):
    act, rec = ACT[activation], ACT[recurrent_activation]
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    h = np.zeros((batch, units))
    c = np.zeros((batch, units))
    outputs = []
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    for t in order:
        z = x[:, t, :] @ kernel + h @ recurrent_kernel
        if bias is not None:
            z = z + bias
        zi, zf, zc, zo = z[:, :units], z[:, units:2 * units], z[:, 2 * units:3 * units], z[:, 3 * units:]
        i, f, o = rec(zi), rec(zf), rec(zo)
        c = f * c + i * act(zc)
        h = o * act(c)
        outputs.append(h)
    return np.stack(outputs, axis=1) if return_sequences else h


def conv1d(x, kernel, bias, strides=1, padding="valid", dilation_rate=1, activation="linear"):
    batch, steps, channels = x.shape
    k_size, k_channels, filters = kernel.shape
    assert k_channels == channels
    span = dilation_rate * (k_size - 1) + 1
    if padding == "valid":
        left = right = 0
    elif padding == "causal":
        left, right = dilation_rate * (k_size - 1), 0
    elif padding == "same":
        out = -(-steps // strides)
        total = max(0, (out - 1) * strides + span - steps)
        left, right = total // 2, total - total // 2
    else:
        raise ValueError(padding)
    xp = np.concatenate([np.zeros((batch, left, channels)), x, np.zeros((batch, right, channels))], axis=1)
    length = (xp.shape[1] - span) // strides + 1
    y = np.zeros((batch, length, filters))
    for b in range(batch):
        for t in range(length):
            for k in range(k_size):
                y[b, t, :] += xp[b, t * strides + k * dilation_rate, :] @ kernel[k]
    if bias is not None:
        y = y + bias
    return ACT[activation](y)


def dense(x, kernel, bias, activation="linear"):
    y = x @ kernel
    if bias is not None:
        y = y + bias
    return ACT[activation](y)


# ---- cases ----
class Case:
    def __init__(self, name, seed, x_shape, x_scale=1.0, w_scale=0.5):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.x = x_scale * self.rng.standard_normal(x_shape)
        self.w_scale = w_scale
        self.weights = {}

    def weight(self, name, shape):
        w = self.w_scale * self.rng.uniform(-1.0, 1.0, shape)
        self.weights[name] = w
        return w

    def lstm_weights(self, layer, features, units, use_bias=True):
        return (self.weight(layer + "/kernel", (features, 4 * units)),
                self.weight(layer + "/recurrent_kernel", (units, 4 * units)),
                self.weight(layer + "/bias", (4 * units,)) if use_bias else None)

    def conv_weights(self, layer, k, channels, filters, use_bias=True):
        return (self.weight(layer + "/kernel", (k, channels, filters)),
                self.weight(layer + "/bias", (filters,)) if use_bias else None)

    def dense_weights(self, layer, features, units, use_bias=True):
        return (self.weight(layer + "/kernel", (features, units)),
                self.weight(layer + "/bias", (units,)) if use_bias else None)

    def save(self, y):
        d = os.path.join(HERE, self.name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        np.save(os.path.join(d, "x.npy"), self.x.astype(np.float64))
        np.save(os.path.join(d, "y.npy"), np.asarray(y, dtype=np.float64))
        for name, w in self.weights.items():
            np.save(os.path.join(d, name.replace("/", "__") + ".npy"), w.astype(np.float64))
        print(f"{self.name:28s} x{self.x.shape} -> y{np.shape(y)}  weights {sorted(self.weights)}")


def lstm_cases():
    # name, seed, x shape, units, layer options, x scale, weight scale
    specs = [
        ("lstm_last", 1, (2, 6, 3), 4, {}, 1.0, 0.5),
        ("lstm_sequences", 2, (3, 5, 2), 3, {"return_sequences": True}, 1.0, 0.5),
        ("lstm_backwards_sequences", 3, (2, 7, 3), 3, {"return_sequences": True, "go_backwards": True}, 1.0, 0.5),
        ("lstm_backwards_last", 4, (2, 6, 2), 4, {"go_backwards": True}, 1.0, 0.5),
        # Large enough that hard_sigmoid saturates at 0 and 1 on some steps and relu clips.
        ("lstm_relu_hard_sigmoid", 5, (2, 6, 3), 4,
         {"return_sequences": True, "activation": "relu", "recurrent_activation": "hard_sigmoid"}, 2.0, 1.0),
        ("lstm_no_bias", 6, (2, 5, 3), 3, {"return_sequences": True, "use_bias": False}, 1.0, 0.5),
    ]
    for name, seed, shape, units, opts, xs, ws in specs:
        case = Case(name, seed, shape, xs, ws)
        opts = dict(opts)
        use_bias = opts.pop("use_bias", True)
        kernel, recurrent, bias = case.lstm_weights("lstm", shape[2], units, use_bias)
        case.save(lstm(case.x, kernel, recurrent, bias, **opts))


def conv_cases():
    # name, seed, x shape, filters, kernel_size, options
    specs = [
        ("conv1d_valid", 11, (2, 7, 3), 4, 3, {}),
        ("conv1d_same", 12, (2, 7, 3), 4, 3, {"padding": "same"}),
        ("conv1d_same_even_kernel", 13, (2, 6, 2), 3, 4, {"padding": "same"}),
        ("conv1d_causal", 14, (2, 7, 3), 4, 3, {"padding": "causal", "activation": "tanh"}),
        ("conv1d_valid_stride2", 15, (2, 8, 2), 3, 3, {"strides": 2}),
        ("conv1d_same_stride2_odd", 16, (2, 7, 2), 3, 4, {"strides": 2, "padding": "same"}),
        ("conv1d_same_stride2_even", 17, (3, 8, 2), 3, 3, {"strides": 2, "padding": "same"}),
        ("conv1d_causal_stride2", 18, (2, 7, 2), 3, 3, {"strides": 2, "padding": "causal"}),
        ("conv1d_causal_dilation2", 19, (2, 8, 2), 3, 2, {"dilation_rate": 2, "padding": "causal", "use_bias": False}),
        ("conv1d_valid_dilation2", 20, (2, 8, 3), 2, 3, {"dilation_rate": 2, "activation": "relu"}),
        ("conv1d_same_dilation2", 21, (2, 7, 2), 3, 3, {"dilation_rate": 2, "padding": "same"}),
    ]
    for name, seed, shape, filters, k, opts in specs:
        case = Case(name, seed, shape)
        opts = dict(opts)
        use_bias = opts.pop("use_bias", True)
        kernel, bias = case.conv_weights("conv1d", k, shape[2], filters, use_bias)
        case.save(conv1d(case.x, kernel, bias, **opts))


DENSE_ACTIVATIONS = ["linear", "relu", "tanh", "sigmoid", "softmax", "elu", "gelu", "softplus", "swish", "hard_sigmoid"]


def dense_cases():
    for n, act in enumerate(DENSE_ACTIVATIONS):
        # x scale 2 so that relu, elu and hard_sigmoid see both sides of their kinks.
        case = Case("dense_" + act, 30 + n, (3, 4), x_scale=2.0)
        kernel, bias = case.dense_weights("dense", 4, 5)
        case.save(dense(case.x, kernel, bias, act))
    case = Case("dense_rank3_no_bias", 41, (2, 5, 3))
    kernel, _ = case.dense_weights("dense", 3, 4, use_bias=False)
    case.save(dense(case.x, kernel, None))


def stacked_case():
    # Conv1D(4, 3, padding="causal", activation="relu") -> LSTM(5, return_sequences=true) -> Dense(2)
    case = Case("stacked_conv_lstm_dense", 50, (2, 8, 2))
    ck, cb = case.conv_weights("conv1d", 3, 2, 4)
    lk, lr, lb = case.lstm_weights("lstm", 4, 5)
    dk, db = case.dense_weights("dense", 5, 2)
    h = conv1d(case.x, ck, cb, padding="causal", activation="relu")
    h = lstm(h, lk, lr, lb, return_sequences=True)
    case.save(dense(h, dk, db))


def self_checks():
    """Small hand-checkable facts, so a mistake in the helpers above shows here first."""
    x = np.arange(5.0).reshape(1, 5, 1)
    ones = np.ones((3, 1, 1))
    # causal: y[t] = x[t-2] + x[t-1] + x[t]
    assert np.allclose(conv1d(x, ones, None, padding="causal")[0, :, 0], [0, 1, 3, 6, 9])
    # same, K=3: pad 1 left, 1 right
    assert np.allclose(conv1d(x, ones, None, padding="same")[0, :, 0], [1, 3, 6, 9, 7])
    # same, K=4, T=5: total 3, left 1, right 2 -> y[t] = x[t-1] + x[t] + x[t+1] + x[t+2]
    assert np.allclose(conv1d(x, np.ones((4, 1, 1)), None, padding="same")[0, :, 0], [3, 6, 10, 9, 7])
    # dilation 2, valid, K=2: y[t] = x[t] + x[t+2]
    assert np.allclose(conv1d(x, np.ones((2, 1, 1)), None, dilation_rate=2)[0, :, 0], [2, 4, 6])
    # Keras 3 hard_sigmoid
    assert np.allclose(hard_sigmoid(np.array([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0])), [0, 0, 0.5, 0.75, 1, 1])
    # backwards LSTM over a one-step sequence equals the forwards one; over a palindrome, so does the last state.
    rng = np.random.default_rng(0)
    k, u, b = rng.uniform(-1, 1, (1, 8)), rng.uniform(-1, 1, (2, 8)), rng.uniform(-1, 1, 8)
    pal = np.array([1.0, -2.0, 0.5, -2.0, 1.0]).reshape(1, 5, 1)
    assert np.allclose(lstm(pal, k, u, b, go_backwards=True), lstm(pal, k, u, b))


def main():
    self_checks()
    lstm_cases()
    conv_cases()
    dense_cases()
    stacked_case()


if __name__ == "__main__":
    main()
