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
  GRU      (GRUCell.call, implementation 2) columns in gate order z, r, h. reset_after (the default):
           bias has shape (2, 3u), row 0 for the input, row 1 for the recurrent projection;
           mx = x_t @ kernel + bias[0], mh = h @ recurrent_kernel + bias[1];
           z, r = recurrent_activation(mx_z + mh_z, mx_r + mh_r); hh = activation(mx_h + r * mh_h).
           reset_after=false: bias (3u) on the input side only; mh = h @ recurrent_kernel[:, :2u] for
           z and r, and hh = activation(mx_h + (r * h) @ recurrent_kernel[:, 2u:]).
           Then h = z * h + (1 - z) * hh. Without bias, the bias terms are left out.
  SimpleRNN h = activation(x_t @ kernel + bias + h @ recurrent_kernel).
           All recurrent layers start from zero state, and go_backwards returns the sequence in
           processing order, as for LSTM.
  Bidirectional  the forward copy runs as configured, the backward copy with go_backwards=True
           (Keras 3 sets it on the copy's config); with return_sequences the backward output is
           flipped along the time axis; then concat ([forward, backward] on the last axis), sum,
           ave ((f + b) / 2) or mul. Weights: bidirectional/forward_<layer>/..., backward_<layer>/...
  TimeDistributed  the wrapped layer applied to each x[:, i] along axis 1, stacked on axis 1;
           weights named time_distributed/<layer>/...
  MaxPooling1D, AveragePooling1D  strides default to pool_size; "valid" windows start at
           t * stride; "same" (TensorFlow, as lax.reduce_window SAME in the JAX backend) gives
           L = ceil(T / stride) windows starting at t * stride - total // 2 with
           total = max(0, (L - 1) * stride + pool_size - T); the positions outside the input are
           ignored by max and left out of the average's count (the JAX backend divides by the
           count of valid entries).
  Embedding y[b, t] = embeddings[ids[b, t]]; the ids (x.npy) are int32.
  Permute  dims counted from 1, the batch axis staying first; RepeatVector [b, f] -> [b, n, f].
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


def gru(x, kernel, recurrent_kernel, bias, return_sequences=False, go_backwards=False, reset_after=True,
        activation="tanh", recurrent_activation="sigmoid"):
    act, rec = ACT[activation], ACT[recurrent_activation]
    batch, steps, _ = x.shape
    u = recurrent_kernel.shape[0]
    if bias is not None:
        assert bias.shape == ((2, 3 * u) if reset_after else (3 * u,))
    h = np.zeros((batch, u))
    outputs = []
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    for t in order:
        mx = x[:, t, :] @ kernel
        if bias is not None:
            mx = mx + (bias[0] if reset_after else bias)
        if reset_after:
            mh = h @ recurrent_kernel
            if bias is not None:
                mh = mh + bias[1]
        else:
            mh = h @ recurrent_kernel[:, :2 * u]
        z = rec(mx[:, :u] + mh[:, :u])
        r = rec(mx[:, u:2 * u] + mh[:, u:2 * u])
        if reset_after:
            rh = r * mh[:, 2 * u:]
        else:
            rh = (r * h) @ recurrent_kernel[:, 2 * u:]
        hh = act(mx[:, 2 * u:] + rh)
        h = z * h + (1.0 - z) * hh
        outputs.append(h)
    return np.stack(outputs, axis=1) if return_sequences else h


def simple_rnn(x, kernel, recurrent_kernel, bias, return_sequences=False, go_backwards=False, activation="tanh"):
    act = ACT[activation]
    batch, steps, _ = x.shape
    h = np.zeros((batch, recurrent_kernel.shape[0]))
    outputs = []
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    for t in order:
        z = x[:, t, :] @ kernel
        if bias is not None:
            z = z + bias
        h = act(z + h @ recurrent_kernel)
        outputs.append(h)
    return np.stack(outputs, axis=1) if return_sequences else h


RNNS = {"lstm": lstm, "gru": gru, "simple_rnn": simple_rnn}


def bidirectional(x, layer, forward_weights, backward_weights, merge_mode="concat", **opts):
    """Keras 3's Bidirectional.call: the backward copy has go_backwards=True."""
    rnn = RNNS[layer]
    forward_opts = dict(opts)
    backward_opts = dict(opts, go_backwards=True)
    y = rnn(x, *forward_weights, **forward_opts)
    y_rev = rnn(x, *backward_weights, **backward_opts)
    if opts.get("return_sequences", False):
        y_rev = y_rev[:, ::-1, :]
    if merge_mode == "concat":
        return np.concatenate([y, y_rev], axis=-1)
    if merge_mode == "sum":
        return y + y_rev
    if merge_mode == "ave":
        return (y + y_rev) / 2.0
    if merge_mode == "mul":
        return y * y_rev
    raise ValueError(merge_mode)


def time_distributed(x, inner):
    return np.stack([inner(x[:, i]) for i in range(x.shape[1])], axis=1)


def pool1d(x, reduction, pool_size, strides=None, padding="valid"):
    strides = pool_size if strides is None else strides
    batch, steps, channels = x.shape
    if padding == "valid":
        length, left = (steps - pool_size) // strides + 1, 0
    elif padding == "same":
        length = -(-steps // strides)
        left = max(0, (length - 1) * strides + pool_size - steps) // 2
    else:
        raise ValueError(padding)
    y = np.zeros((batch, length, channels))
    for t in range(length):
        start = t * strides - left
        window = x[:, max(start, 0):min(start + pool_size, steps), :]   # only the positions inside the input
        y[:, t, :] = window.max(axis=1) if reduction == "max" else window.sum(axis=1) / window.shape[1]
    return y


def pool1d_zero_padded(x, reduction, pool_size, strides, padding):
    """What "same" would give if the padding were zeros that count: the fixtures must tell the two apart."""
    batch, steps, channels = x.shape
    length = -(-steps // strides)
    total = max(0, (length - 1) * strides + pool_size - steps)
    xp = np.concatenate([np.zeros((batch, total // 2, channels)), x, np.zeros((batch, total - total // 2, channels))], axis=1)
    return pool1d(xp, reduction, pool_size, strides, "valid")


def embedding(ids, embeddings):
    return embeddings[ids]


# ---- cases ----
class Case:
    def __init__(self, name, seed, x_shape, x_scale=1.0, w_scale=0.5, vocabulary=None):
        self.name = name
        self.rng = np.random.default_rng(seed)
        if vocabulary is None:
            self.x = x_scale * self.rng.standard_normal(x_shape)
        else:  # integer ids, every one of 0 .. vocabulary - 1 used at least once when there is room
            ids = self.rng.integers(0, vocabulary, x_shape)
            flat = ids.reshape(-1)
            n = min(vocabulary, flat.size)
            flat[self.rng.permutation(flat.size)[:n]] = self.rng.permutation(vocabulary)[:n]
            self.x = ids.astype(np.int32)
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

    def gru_weights(self, layer, features, units, use_bias=True, reset_after=True):
        return (self.weight(layer + "/kernel", (features, 3 * units)),
                self.weight(layer + "/recurrent_kernel", (units, 3 * units)),
                self.weight(layer + "/bias", (2, 3 * units) if reset_after else (3 * units,)) if use_bias else None)

    def simple_rnn_weights(self, layer, features, units, use_bias=True):
        return (self.weight(layer + "/kernel", (features, units)),
                self.weight(layer + "/recurrent_kernel", (units, units)),
                self.weight(layer + "/bias", (units,)) if use_bias else None)

    def rnn_weights(self, kind, layer, features, units, use_bias=True, reset_after=True):
        if kind == "lstm":
            return self.lstm_weights(layer, features, units, use_bias)
        if kind == "gru":
            return self.gru_weights(layer, features, units, use_bias, reset_after)
        return self.simple_rnn_weights(layer, features, units, use_bias)

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
        np.save(os.path.join(d, "x.npy"), self.x if self.x.dtype == np.int32 else self.x.astype(np.float64))
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


def gru_cases():
    # name, seed, x shape, units, layer options, x scale, weight scale
    specs = [
        ("gru_last", 61, (2, 6, 3), 4, {}, 1.0, 0.5),
        ("gru_sequences", 62, (3, 5, 2), 3, {"return_sequences": True}, 1.0, 0.5),
        ("gru_backwards_sequences", 63, (2, 7, 3), 3, {"return_sequences": True, "go_backwards": True}, 1.0, 0.5),
        ("gru_backwards_last", 64, (2, 6, 2), 4, {"go_backwards": True}, 1.0, 0.5),
        ("gru_no_bias", 65, (2, 5, 3), 3, {"return_sequences": True, "use_bias": False}, 1.0, 0.5),
        ("gru_reset_before_last", 66, (2, 6, 3), 4, {"reset_after": False}, 1.0, 0.5),
        ("gru_reset_before_sequences", 67, (3, 5, 2), 3, {"reset_after": False, "return_sequences": True}, 1.0, 0.5),
        ("gru_reset_before_backwards_sequences", 68, (2, 6, 3), 3,
         {"reset_after": False, "return_sequences": True, "go_backwards": True}, 1.0, 0.5),
        ("gru_reset_before_no_bias", 69, (2, 5, 3), 4, {"reset_after": False, "use_bias": False}, 1.0, 0.5),
        # Large enough that hard_sigmoid saturates at 0 and 1 on some steps and relu clips.
        ("gru_relu_hard_sigmoid", 70, (2, 6, 3), 4,
         {"return_sequences": True, "activation": "relu", "recurrent_activation": "hard_sigmoid"}, 2.0, 1.0),
    ]
    for name, seed, shape, units, opts, xs, ws in specs:
        case = Case(name, seed, shape, xs, ws)
        opts = dict(opts)
        use_bias = opts.pop("use_bias", True)
        kernel, recurrent, bias = case.gru_weights("gru", shape[2], units, use_bias, opts.get("reset_after", True))
        case.save(gru(case.x, kernel, recurrent, bias, **opts))


def simple_rnn_cases():
    specs = [
        ("simple_rnn_last", 71, (2, 6, 3), 4, {}),
        ("simple_rnn_sequences", 72, (3, 5, 2), 3, {"return_sequences": True}),
        ("simple_rnn_backwards_sequences", 73, (2, 7, 3), 3, {"return_sequences": True, "go_backwards": True}),
        ("simple_rnn_backwards_last", 74, (2, 6, 2), 4, {"go_backwards": True}),
        ("simple_rnn_relu_sequences", 75, (2, 6, 3), 4, {"activation": "relu", "return_sequences": True}),
        ("simple_rnn_relu_backwards_last", 76, (2, 6, 3), 3, {"activation": "relu", "go_backwards": True}),
        ("simple_rnn_relu_no_bias", 77, (2, 5, 2), 3, {"activation": "relu", "return_sequences": True, "use_bias": False}),
    ]
    for name, seed, shape, units, opts in specs:
        case = Case(name, seed, shape)
        opts = dict(opts)
        use_bias = opts.pop("use_bias", True)
        kernel, recurrent, bias = case.simple_rnn_weights("simple_rnn", shape[2], units, use_bias)
        case.save(simple_rnn(case.x, kernel, recurrent, bias, **opts))


def bidirectional_cases():
    # name, seed, x shape, wrapped layer, units, merge_mode, layer options
    specs = [
        ("bidirectional_lstm_concat_sequences", 81, (2, 6, 3), "lstm", 3, "concat", {"return_sequences": True}),
        ("bidirectional_lstm_concat_last", 82, (2, 6, 3), "lstm", 4, "concat", {}),
        ("bidirectional_gru_sum_last", 83, (2, 6, 3), "gru", 3, "sum", {}),
        ("bidirectional_gru_sum_sequences", 84, (2, 5, 2), "gru", 3, "sum", {"return_sequences": True}),
        ("bidirectional_simple_rnn_ave_sequences", 85, (2, 6, 3), "simple_rnn", 3, "ave", {"return_sequences": True}),
        ("bidirectional_gru_reset_before_mul_last", 86, (2, 6, 2), "gru", 3, "mul", {"reset_after": False}),
    ]
    for name, seed, shape, kind, units, merge, opts in specs:
        case = Case(name, seed, shape)
        reset_after = opts.get("reset_after", True)
        fw = case.rnn_weights(kind, "bidirectional/forward_" + kind, shape[2], units, reset_after=reset_after)
        bw = case.rnn_weights(kind, "bidirectional/backward_" + kind, shape[2], units, reset_after=reset_after)
        case.save(bidirectional(case.x, kind, fw, bw, merge, **opts))


def time_distributed_cases():
    # TimeDistributed(Dense(3)) over [batch, 2, T, 1]
    case = Case("time_distributed_dense", 91, (2, 2, 5, 1))
    kernel, bias = case.dense_weights("time_distributed/dense", 1, 3)
    case.save(time_distributed(case.x, lambda s: dense(s, kernel, bias)))
    # TimeDistributed(LSTM(3)) and TimeDistributed(LSTM(3, return_sequences=true)) over [batch, 2, T, 1]
    for name, seed, shape, opts in [("time_distributed_lstm_last", 92, (3, 2, 6, 1), {}),
                                    ("time_distributed_lstm_sequences", 93, (2, 2, 5, 1), {"return_sequences": True})]:
        case = Case(name, seed, shape)
        k, r, b = case.lstm_weights("time_distributed/lstm", 1, 3)
        case.save(time_distributed(case.x, lambda s: lstm(s, k, r, b, **opts)))


POOL_SPECS = [
    # suffix, seed, x shape, pool_size, strides (None: pool_size), padding
    ("valid_stride2", 0, (2, 7, 3), 2, None, "valid"),
    ("valid_stride1", 1, (2, 6, 2), 3, 1, "valid"),
    ("same_stride2", 2, (2, 7, 3), 3, 2, "same"),        # L 4, total 2: one padded step each side
    ("same_stride2_default", 3, (3, 7, 2), 2, None, "same"),  # L 4, total 1: one padded step on the right
    ("same_stride1", 4, (2, 6, 3), 4, 1, "same"),        # L 6, total 3: one on the left, two on the right
]


def pooling_cases():
    for layer, reduction, base in [("max_pooling1d", "max", 100), ("average_pooling1d", "avg", 110)]:
        for suffix, seed, shape, size, strides, padding in POOL_SPECS:
            case = Case(layer + "_" + suffix, base + seed, shape)
            y = pool1d(case.x, reduction, size, strides, padding)
            if padding == "same":
                assert not np.allclose(y, pool1d_zero_padded(case.x, reduction, size, strides or size, padding)), case.name
            case.save(y)


def embedding_case():
    # Embedding(6, 3) -> Dense(2) over i32[batch, T]
    case = Case("embedding_dense", 120, (2, 5), vocabulary=6)
    table = case.weight("embedding/embeddings", (6, 3))
    kernel, bias = case.dense_weights("dense", 3, 2)
    case.save(dense(embedding(case.x, table), kernel, bias))


def reshaping_cases():
    case = Case("permute_2_1", 130, (2, 5, 3))
    case.save(case.x.transpose(0, 2, 1))
    case = Case("permute_3_1_2", 131, (2, 2, 3, 4))
    case.save(case.x.transpose(0, 3, 1, 2))
    case = Case("repeat_vector", 132, (3, 4))
    case.save(np.repeat(case.x[:, None, :], 5, axis=1))


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
    # GRU: from the zero state, one step is the same with the reset gate before or after when the
    # recurrent bias is zero; with a very negative update-gate bias h = hh = tanh(x @ kernel_h + bias_h).
    gk, gu, gb = rng.uniform(-1, 1, (1, 6)), rng.uniform(-1, 1, (2, 6)), rng.uniform(-1, 1, 6)
    one = pal[:, :1, :]
    assert np.allclose(gru(one, gk, gu, np.stack([gb, np.zeros(6)])), gru(one, gk, gu, gb, reset_after=False))
    assert not np.allclose(gru(pal, gk, gu, np.stack([gb, np.zeros(6)])), gru(pal, gk, gu, gb, reset_after=False))
    closed = gb.copy()
    closed[:2] = -60.0
    assert np.allclose(gru(one, gk, gu, closed, reset_after=False), np.tanh(one[:, 0] @ gk[:, 4:] + closed[4:]))
    # SimpleRNN with a zero recurrent kernel is Dense on each step.
    sk, sb = rng.uniform(-1, 1, (1, 2)), rng.uniform(-1, 1, 2)
    assert np.allclose(simple_rnn(pal, sk, np.zeros((2, 2)), sb, return_sequences=True), np.tanh(pal @ sk + sb))
    # Bidirectional over a palindrome with the same weights both ways: the backward half, flipped back
    # into input order, is the forward sequence reversed.
    fwd = lstm(pal, k, u, b, return_sequences=True)
    assert np.allclose(bidirectional(pal, "lstm", (k, u, b), (k, u, b), "concat", return_sequences=True),
                       np.concatenate([fwd, fwd[:, ::-1]], axis=-1))
    assert np.allclose(bidirectional(pal, "lstm", (k, u, b), (k, u, b), "sum"), 2 * fwd[:, -1])
    # Pooling, T = 5: same, 2/2 -> windows [0 1] [2 3] [4]; same, 3/1 -> [0 1] [0 1 2] [1 2 3] [2 3 4] [3 4].
    r = np.arange(5.0).reshape(1, 5, 1)
    assert np.allclose(pool1d(r, "max", 2, None, "same")[0, :, 0], [1, 3, 4])
    assert np.allclose(pool1d(r, "avg", 2, None, "same")[0, :, 0], [0.5, 2.5, 4])
    assert np.allclose(pool1d(r, "avg", 3, 1, "same")[0, :, 0], [0.5, 1, 2, 3, 3.5])
    assert np.allclose(pool1d(-r - 1, "max", 3, 1, "same")[0, :, 0], [-1, -1, -2, -3, -4])
    assert np.allclose(pool1d(r, "avg", 2, None, "valid")[0, :, 0], [0.5, 2.5])
    assert np.allclose(pool1d(r, "max", 3, 1, "valid")[0, :, 0], [2, 3, 4])


def main():
    self_checks()
    lstm_cases()
    conv_cases()
    dense_cases()
    stacked_case()
    gru_cases()
    simple_rnn_cases()
    bidirectional_cases()
    time_distributed_cases()
    pooling_cases()
    embedding_case()
    reshaping_cases()


if __name__ == "__main__":
    main()
