"""Encoding and comparison of the side-by-side programs' results (tests/torch_programs.py):
what a program returned under PyTorch (stored in tests/torch_reference/golden.json) and
under astgrad, as JSON-able values, and the differences between the two.

A tensor is its values, dtype, shape and requires_grad; an exception its type and
message. Names print with the library's prefix (``torch.float64``, ``astgrad.float64``),
so ``torch`` in PyTorch's strings is read as ``astgrad``.
"""

import math

import numpy as np

__all__ = ["run", "encode", "differences", "stale_programs"]


def _is_tensor(value):
    return hasattr(value, "requires_grad") and hasattr(value, "detach") and hasattr(value, "dtype")


def encode(value):
    if _is_tensor(value):
        return {"values": value.detach().clone().tolist(), "dtype": str(value.dtype).split(".")[-1],
                "shape": list(value.shape), "requires_grad": bool(value.requires_grad)}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"object": type(value).__name__}


def run(fn, lib):
    """What program ``fn`` gives with library ``lib``: its encoded results or its error.

    A program that leaves the library's default dtype changed fails: the default is global,
    and the programs (and tests) run after it would read it."""
    default = lib.get_default_dtype()
    outcome = _outcome(fn, lib)
    leaked = lib.get_default_dtype()
    if leaked != default:
        lib.set_default_dtype(default)
        raise AssertionError(f"program {fn.__name__} left the default dtype {leaked} (was {default}): "
                             "restore it in a finally clause")
    return outcome


def _outcome(fn, lib):
    try:
        return {"result": encode(fn(lib))}
    except Exception as error:      # the error is the program's result
        return {"error": type(error).__name__, "message": str(error)}


def _text(s):
    return s.replace("torch.", "astgrad.").replace("torch", "astgrad")


def _close(a, b, rtol, atol):
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rtol, atol) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= atol + rtol * abs(b)
    return a == b


def _diff(expected, actual, path, out, text=_text, single=False):
    if isinstance(expected, dict) and "values" in expected and "dtype" in expected:
        if not isinstance(actual, dict) or "values" not in actual:
            out.append(f"{path}: expected a tensor, got {actual!r}")
            return
        for key in ("dtype", "shape", "requires_grad"):
            if expected[key] != actual[key]:
                out.append(f"{path}: {key} {actual[key]!r} != torch's {expected[key]!r}")
        rtol, atol = (1e-5, 1e-6) if single or expected["dtype"] in ("float32", "float16") else (1e-9, 1e-12)
        if not _close(actual["values"], expected["values"], rtol, atol):
            out.append(f"{path}: values {actual['values']!r} != torch's {expected['values']!r}")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            out.append(f"{path}: {actual!r} != torch's {expected!r}")
            return
        for k in expected:
            _diff(expected[k], actual[k], f"{path}.{k}", out, text, single)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(f"{path}: {actual!r} != torch's {expected!r}")
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            _diff(e, a, f"{path}[{i}]", out, text, single)
    elif isinstance(expected, str):
        if not isinstance(actual, str) or text(expected) != actual:
            out.append(f"{path}: {actual!r} != torch's {text(expected)!r}")
    elif not _close(actual, expected, 1e-9, 1e-12):
        out.append(f"{path}: {actual!r} != torch's {expected!r}")


def differences(expected, actual, text=_text, single=False):
    """How astgrad's outcome differs from PyTorch's (an empty list: the same).

    ``text`` maps PyTorch's wording to the other side's (the identity when both are PyTorch's);
    ``single``: compare every number to float32's precision (a float64 gradient that flowed
    through float32 tensors, whose rounding PyTorch and NumPy may do in other orders)."""
    out = []
    if "error" in expected or "error" in actual:
        if expected.get("error") != actual.get("error"):
            out.append(f"error {actual.get('error')} ({actual.get('message', '')[:200]}) != torch's "
                       f"{expected.get('error')} ({expected.get('message', '')[:200]})")
        elif text(expected["message"]).strip() != actual["message"].strip():
            out.append(f"message {actual['message']!r} != torch's {text(expected['message'])!r}")
        return out
    _diff(expected["result"], actual["result"], "result", out, text, single)
    return out


def stale_programs(golden, programs):
    """The names of ``programs`` whose outcome under the installed torch is not the one
    ``golden`` (a recorded JSON file, read) holds; skips the test without torch or with
    another version of it. Float results compare within the dtype's tolerance, as the
    tests compare astgrad with them, since torch's last digit differs between CPUs."""
    import pytest
    torch = pytest.importorskip("torch")
    if torch.__version__.split("+")[0] != golden["torch"].split("+")[0]:
        pytest.skip(f"recorded with torch {golden['torch']}")
    torch.set_num_threads(1)
    return [name for name, fn in sorted(programs.items())
            if differences(golden["programs"][name], run(fn, torch), text=str)]
