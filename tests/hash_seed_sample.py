"""A sample of generations whose output must not depend on the process's string hashing
(PYTHONHASHSEED): run as a script, it prints one JSON line per derivative generated (its
text, the names its code depended on, in order, and the callees' derivatives it calls),
refusal or export. tests/test_hash_seeds84.py runs it under several hash seeds and compares.

The sample holds the places an order once followed a set's hash order: helpers written in
(``sgd``, ``bump``: the dependencies), the zeros ending a branch (hunt19's ``o01``), the
first operator of a refused chained comparison, an export's module; and the benchmark's
workloads, specialized to their arguments and differentiated twice."""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, os.path.join(ROOT, "examples"), os.path.join(ROOT, "benchmarks")]

import numpy as np      # noqa: E402

import astgrad          # noqa: E402
from astgrad import caching     # noqa: E402

_ADDRESS = re.compile(r" at 0x[0-9a-f]+|#\d+>")      # an object's address, a generated file's number


class Vec:
    """A class whose comparisons astgrad follows, but not on a name a tuple assignment binds."""

    def __init__(self, v):
        self.v = v

    def __lt__(self, o):
        return self.v < o

    def __gt__(self, o):
        return self.v > o

    def __le__(self, o):
        return self.v <= o


def chained_comparison(x, w):
    p, q = Vec(x), w
    if q <= p < q:      # refused at its first operator written, <=
        return x * w
    return x


def _described(value):
    """``value`` (a dependency's name path or objects, a key) as text another process
    writes the same: objects by their qualified names, never by their addresses."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_described(item) for item in value) + ")"
    name = getattr(value, "__qualname__", None)
    if isinstance(name, str):
        return f"{getattr(value, '__module__', '?')}.{name}"
    return type(value).__name__


def _recording(out, generate):
    """``generate`` (caching._generate, or caching._from_checked, which finishes the
    front half ``grad(f)`` checked), writing what each generation made into ``out``."""
    def recorded(fn, key):
        made = generate(fn, key)
        if made is not None:
            out.append({"function": _described(fn), "key": _described(key), "text": _ADDRESS.sub(">", made.text),
                        "dependencies": [_described(path) + " = " + _described(objects)
                                         for path, objects in made.dependencies],
                        "callees": [_described(d.function) + " " + d.mode + _described(d.wrt)
                                    for d in made.derived or ()]})
        return made
    return recorded


def _refusal(out, label, run):
    try:
        run()
    except Exception as error:      # the words of a refusal are part of what is compared
        out.append({"refused": label, "words": _ADDRESS.sub(">", f"{type(error).__name__}: {error}")})
    else:
        out.append({"refused": label, "words": None})


def main():
    import hunt19_programs as H
    import logistic_regression as LR
    import rows_elements_and_optimizer_steps as R
    import workloads as W
    out = []
    caching._generate = _recording(out, caching._generate)
    caching._from_checked = _recording(out, caching._from_checked)
    caching._generate(R.loss_after_training, ("reverse", (0,), False))
    caching._generate(R.loss_after_training, ("forward", (0,)))
    out.append({"source": astgrad.grad(H.o01, wrt=(0, 1)).source})
    _refusal(out, "chained comparison", lambda: astgrad.grad(chained_comparison)(1.0, 2.0))
    out.append({"export": _ADDRESS.sub(">", astgrad.export(LR.mean_log_loss, order=2))})
    rng = np.random.default_rng(0)
    mlp = (rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2),
           rng.normal(size=(3, 4)), rng.normal(size=(3, 2)))
    astgrad.grad(W.mlp_loss, wrt=(0, 1, 2, 3))(*mlp)
    astgrad.hvp(W.mlp_loss)(*mlp, np.ones((4, 5)))
    rnn = (rng.normal(size=(3, 2)), rng.normal(size=(3, 3)), rng.normal(size=(4, 2)))
    astgrad.grad(W.rnn_loss, wrt=(0, 1))(*rnn)
    astgrad.grad(astgrad.grad(W.scalar_loop))(0.7)
    for record in out:
        print(json.dumps(record))


if __name__ == "__main__":
    main()
