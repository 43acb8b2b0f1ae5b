"""Runs the programs of semantics_programs.py under one library and encodes their
results (tensors, numbers, text, raised exceptions) as JSON-ready values."""

import math
import numbers

from semantics_programs import PROGRAMS


def encode(value):
    """A JSON-ready description of a program's result."""
    kind = type(value).__name__
    if hasattr(value, "requires_grad") and hasattr(value, "detach") and hasattr(value, "tolist"):
        data = value.detach().tolist()
        return {"tensor": _numbers(data), "shape": list(value.shape), "requires_grad": bool(value.requires_grad)}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _numbers(float(value))
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return {"object": kind}


def _numbers(data):
    if isinstance(data, list):
        return [_numbers(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return repr(data)
    return data


def run(name, module, make):
    try:
        return {"value": encode(PROGRAMS[name](module, make))}
    except Exception as error:      # the program's exception is its result
        return {"error": type(error).__name__, "message": str(error)}


def run_all(module, make):
    return {name: run(name, module, make) for name in PROGRAMS}
