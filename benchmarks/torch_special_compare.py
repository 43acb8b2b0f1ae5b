"""Compare the tape's rounding and special functions with PyTorch's on random inputs:
values, first and second derivatives (``create_graph=True``) and dtypes, for several
shapes, broadcast operands and the float32, float64, int64 and bool dtypes, and the
exception types for the same bad input. Needs torch (it exits saying so without it):

    PYTHONPATH=src python benchmarks/torch_special_compare.py [--rounds 20]

Prints each difference and a count; exit status 1 where any is found. The recorded
comparison the test suite runs (without torch) is tests/tape_special_programs.py.

With torch 2.13 the differences found are the deliberate ones (docs/tape-functions.md,
docs/tape.md): heaviside and floor_divide have derivatives where PyTorch's backward
raises; the second derivatives of logit(x, eps) where x is clamped and of copysign at 0
are 0 where PyTorch's are NaN; and three more: polygamma(n, x) at x = -1, -2, ... is NaN
where PyTorch's float32 gives large finite numbers; the gradient of multigammaln(x)**2 at a
pole of one of its lgamma terms is NaN (inf - inf) where PyTorch's is -inf (it sums the
digammas first); logaddexp2 of integer tensors whose shapes do not broadcast raises
NotImplementedError (the dtype) where PyTorch raises RuntimeError (the shapes).
"""

import argparse
import sys
import warnings

import numpy as np

import astgrad

SHAPES = [(), (4,), (2, 3), (2, 1, 3)]

# name: (call with a library and tensor(s), the range the random values come from)
UNARY = {
    "tan": (lambda t, x: t.tan(x), (-1.4, 1.4)), "deg2rad": (lambda t, x: t.deg2rad(x), (-5, 5)),
    "rad2deg": (lambda t, x: x.rad2deg(), (-5, 5)), "floor": (lambda t, x: t.floor(x), (-5, 5)),
    "ceil": (lambda t, x: x.ceil(), (-5, 5)), "round": (lambda t, x: t.round(x), (-5, 5)),
    "round_decimals": (lambda t, x: t.round(x, decimals=2), (-5, 5)),
    "logit": (lambda t, x: t.logit(x), (-0.2, 1.2)), "logit_eps": (lambda t, x: x.logit(eps=0.1), (-0.2, 1.2)),
    "erfinv": (lambda t, x: t.erfinv(x), (-1.1, 1.1)), "lgamma": (lambda t, x: t.lgamma(x), (-6, 8)),
    "digamma": (lambda t, x: t.digamma(x), (-6, 8)), "polygamma1": (lambda t, x: t.polygamma(1, x), (-6, 8)),
    "polygamma3": (lambda t, x: x.polygamma(3), (0.1, 8)), "i0": (lambda t, x: t.i0(x), (-20, 20)),
    "signbit": (lambda t, x: t.signbit(x), (-3, 3)), "expit": (lambda t, x: t.special.expit(x), (-30, 30)),
    "gammaln": (lambda t, x: t.special.gammaln(x), (0.01, 30)), "i1": (lambda t, x: t.special.i1(x), (-20, 20)),
    "multigammaln": (lambda t, x: t.special.multigammaln(x, 2), (0.6, 9)),
    "clamp_min": (lambda t, x: t.clamp_min(x, 0.2), (-1, 1)), "clamp_max": (lambda t, x: t.clamp_max(x, 0.2), (-1, 1)),
}
BINARY = {
    "logaddexp2": (lambda t, x, y: t.logaddexp2(x, y), (-40, 40)),
    "copysign": (lambda t, x, y: t.copysign(x, y), (-3, 3)),
    "true_divide": (lambda t, x, y: t.true_divide(x, y), (0.5, 3)),
    "floor_divide": (lambda t, x, y: t.floor_divide(x, y), (0.5, 3)),
    "heaviside": (lambda t, x, y: t.heaviside(x, y), (-1, 1)),
}
DTYPES = ["float64", "float32", "int64", "bool"]


def _draw(rng, shape, low, high, dtype):
    values = rng.uniform(low, high, size=shape)
    if dtype == "int64":
        return np.round(values).astype(np.int64)
    if dtype == "bool":
        return values > (low + high) / 2
    values[rng.random(size=shape) < 0.15] = 0.0        # an end of a domain, or a kink, for some
    return values.astype(dtype)


def _outcome(lib, call, arrays, dtype):
    """Value, first and second derivative (or the error's type) of ``call`` under ``lib``."""
    floating = dtype.startswith("float")
    inputs = [lib.tensor(a, requires_grad=floating) for a in arrays]
    try:
        y = call(lib, *inputs)
    except Exception as error:      # the error is the outcome
        return {"error": type(error).__name__}
    out = {"y": y.detach().numpy().astype(float) if y.dtype != lib.bool else y.numpy(),
           "dtype": str(y.dtype).split(".")[-1], "requires_grad": y.requires_grad}
    if floating and y.requires_grad:
        try:
            grads = lib.autograd.grad((y * y).sum() if y.dtype.is_floating_point else y.sum(), inputs,
                                      create_graph=True, allow_unused=True)
            out["g"] = [None if g is None else g.detach().numpy().astype(float) for g in grads]
            live = [g for g in grads if g is not None and g.requires_grad]
            if live:
                second = lib.autograd.grad(sum(g.sum() for g in live), inputs, allow_unused=True)
                out["h"] = [None if h is None else h.numpy().astype(float) for h in second]
        except Exception as error:  # noqa: BLE001  (an error in backward is the outcome too)
            out["backward_error"] = type(error).__name__
    return out


def _differ(a, b, dtype):
    if set(a) != set(b):
        return f"keys {sorted(a)} != torch's {sorted(b)}: {a.get('error') or a.get('backward_error')} / " \
               f"{b.get('error') or b.get('backward_error')}"
    tolerance = 2e-4 if dtype == "float32" else 1e-7
    for key in a:
        x, y = a[key], b[key]
        if key in ("g", "h"):
            for i, (u, v) in enumerate(zip(x, y)):
                if (u is None) != (v is None) or (u is not None and not _close(u, v, tolerance)):
                    return f"{key}[{i}]: {u} != torch's {v}"
        elif key == "y":
            if not _close(x, y, tolerance):
                return f"y: {x} != torch's {y}"
        elif x != y and not (key == "dtype" and x == "float64" and y == "float32" and dtype in ("int64", "bool")):
            return f"{key}: {x} != torch's {y}"
    return None


def _close(u, v, tolerance):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.shape != v.shape:
        return False
    finite = np.isfinite(v) & (np.abs(v) < 1e12)        # beyond: float32 noise in PyTorch's
    return (np.array_equal(np.isnan(u), np.isnan(v)) and np.array_equal(u[np.isinf(v)], v[np.isinf(v)])
            and np.allclose(u[finite], v[finite], rtol=tolerance, atol=tolerance))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("torch is not installed: nothing to compare")
        return 0
    torch.set_default_dtype(torch.float64)      # astgrad's default floating dtype
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    found = compared = 0
    cases = [(name, call, span, 1) for name, (call, span) in UNARY.items()]
    cases += [(name, call, span, 2) for name, (call, span) in BINARY.items()]
    for _ in range(options.rounds):
        for name, call, span, arity in cases:
            for dtype in DTYPES:
                shapes = [SHAPES[rng.integers(len(SHAPES))] for _ in range(arity)]
                arrays = [_draw(rng, shape, *span, dtype) for shape in shapes]
                if name == "heaviside" and dtype.startswith("float"):
                    arrays[0][...] = np.where(rng.random(arrays[0].shape) < 0.3, 0.0, arrays[0])
                ours, theirs = _outcome(astgrad, call, arrays, dtype), _outcome(torch, call, arrays, dtype)
                compared += 1
                difference = _differ(ours, theirs, dtype)
                if difference:
                    found += 1
                    print(f"{name} {dtype} {[a.shape for a in arrays]}: {difference}")
    print(f"{compared} comparisons, {found} differ")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
