"""Fits FastMath.tanh's rational approximation, tanh x = x * P(x^2) / Q(x^2) on [0, 8] (P of degree 5 and
Q of degree 3 in x^2, Q's constant term 1), and prints its coefficients as Java float literals and its
worst relative error, in float64 and evaluated as the runtime evaluates it (float32, Horner's rule with
fused multiply-adds, x clamped to [-8, 8]).

Method: linearised weighted least squares on the relative error of R(s) = tanh(x)/x, s = x^2 (minimise
sum w * ((P - R Q) / (R Q_prev))^2), the weights multiplied each round by the error (Lawson's iteration
towards the minimax fit); the best round whose Q has no zero on the interval is kept.

usage: /usr/bin/python3 bench/fit_tanh.py
"""
import numpy as np

X, NP, NQ, ROUNDS = 8.0, 5, 3, 300


def fit():
    x = np.concatenate([np.linspace(1e-3, X, 30000), np.geomspace(1e-5, 1e-3, 300)])
    s, r = x * x, np.tanh(x) / x
    vp = np.stack([s**k for k in range(NP + 1)], 1)
    vq = np.stack([s**k for k in range(1, NQ + 1)], 1)
    w, q_prev, best = np.ones_like(x), np.ones_like(x), (np.inf, None)
    for _ in range(ROUNDS):
        a = np.hstack([vp, -r[:, None] * vq]) / (r * q_prev)[:, None]
        b = r / (r * q_prev)
        sol, *_ = np.linalg.lstsq(a * np.sqrt(w)[:, None], b * np.sqrt(w), rcond=None)
        p, q = sol[:NP + 1], np.concatenate([[1.0], sol[NP + 1:]])
        q_now = 1 + vq @ q[1:]
        err = (vp @ p) / q_now / r - 1
        if np.all(q_now > 0) and np.abs(err).max() < best[0]:
            best = (np.abs(err).max(), (p.copy(), q.copy()))
        q_prev = q_now
        w = w * np.abs(err) / np.abs(err).mean()
    return best


def as_float32(xs, p, q):
    f = np.float32
    c = np.clip(f(xs), f(-X), f(X))
    s = f(c * c)
    def horner(coeffs):
        acc = np.full_like(s, f(coeffs[-1]))
        for k in coeffs[-2::-1]:
            # a fused multiply-add: the float64 product of two floats is exact, then one rounding to float32
            acc = f(acc.astype(np.float64) * s.astype(np.float64) + np.float64(f(k)))
        return acc
    return f(f(c * horner(p)) / horner(q))


def main():
    err64, (p, q) = fit()
    xs = np.concatenate([np.linspace(1e-6, 20, 2_000_001, dtype=np.float32), np.geomspace(1e-10, 1, 20001).astype(np.float32)])
    got, want = as_float32(xs, p, q).astype(np.float64), np.tanh(xs.astype(np.float64))
    rel = np.abs(got / want - 1)
    print("P:", ", ".join(f"{float(np.float32(k))!r}f" for k in p))
    print("Q:", ", ".join(f"{float(np.float32(k))!r}f" for k in q))
    print(f"worst relative error: {err64:.3g} in float64; {rel.max():.3g} in float32 (at x = {xs[np.argmax(rel)]:.6g})")


if __name__ == "__main__":
    main()
