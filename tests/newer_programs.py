"""Random programs over the constructs astgrad follows beyond plain arithmetic and
control flow: dicts and lists built and read in the function, objects changed by
their methods, a model's layers, closures, ``functools.partial``, ``*args``, writes
into preallocated buffers, slices, repeated fancy indices and views, ``np.where``
with NaN on the side not taken, ties at kinks, early returns, ``while True`` with
``break``, float32, int and 0-d arguments, lists as arguments, a global counter.

A program is ``f(x, s)``: ``x`` is turned into ``z``, a float vector of three,
then a few random stages each rewrite ``z`` (some wrapped in an ``if``, a ``for``
or a ``while ... break``), and ``f`` returns a scalar of ``z``. Each stage is a
small template, so a failing program names the constructs that made it.

adversarial.classify compares each program in grad, value_and_grad, jvp, hessian
and grad(grad) with central finite differences in float64; ``check_state`` compares
what a gradient call leaves behind (the global counter, the arguments) with what
one Python call of ``f`` leaves; ``check_float32`` the float32 gradient with the
float64 one.

``python tests/newer_programs.py --count 500 --start 0`` runs a campaign and writes
the failing programs to a file.
"""

import argparse
import re
import sys
import warnings

import numpy as np

import adversarial
from adversarial import (CRASH, FAILING, INVALID, OK, REFUSED, WRONG, Case, Outcome,
                         RandomChooser, classify, describe_exception, indent)

HELPERS = '''
import functools

CALLS = 0


class Acc:
    def __init__(self, v):
        self.v = v
        self.steps = 0

    def step(self, w):
        self.v = self.v * w + np.sin(self.v) * 0.5
        self.steps += 1
        return self


class Buf:
    def __init__(self, n):
        self.data = np.zeros(n)

    def put(self, i, value):
        self.data[i] = value

    def add(self, value):
        self.data += value
        return self.data


class Layer:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, h):
        return np.tanh(h * self.w + self.b)


class Model:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, h):
        for layer in self.layers:
            h = layer(h)
        return h


MODEL = Model([Layer(0.8, 0.1), Layer(-0.6, 0.2)])


def scale(a, v, shift=0.0):
    return a * v + shift


def total(*vs):
    out = vs[0]
    for v in vs[1:]:
        out = out + v * 0.5
    return out


def bump():
    global CALLS
    CALLS += 1
'''

THRESHOLDS = ["-0.5", "0.0", "0.4", "1.0"]


# ---------------------------------------------------------------------------
# x -> z: each kind of argument read as a float vector of three
# ---------------------------------------------------------------------------

START = {
    "vec": ["z = x * 1.0", "z = np.sin(x)", "z = x.copy()", "z = x",
            "z = np.array([x[0], x[1] * s, x[2]])"],
    "f32": ["z = x * 1.0", "z = x.copy()", "z = np.sin(x)"],
    "list": ["z = np.array(x)", "z = np.array([v * s for v in x])",
             "z = np.array(x) + sum(x) * 0.1", "z = np.array([x[-1], x[0], x[1]])"],
    "zero_d": ["z = x * np.array([1.0, -0.5, 0.8])", "z = np.array([x, x * x, 1.0 - x])",
               "z = np.ones(3) * x[()]"],
}


def draw_point(c, kind):
    """The argument ``x`` of a kind: values at least 0.05 away from the thresholds
    the stages compare entries with (finite differences must not cross them)."""
    away = [float(t) for t in THRESHOLDS] + [-1.0, 0.2, 0.5]
    if kind == "zero_d":
        return np.array(adversarial.draw_array(c, (), margin_from=away))
    values = adversarial.draw_array(c, (3,), margin_from=away)
    if kind == "list":
        return [float(v) for v in values]
    if kind == "f32":
        return values.astype(np.float32)
    return values


def draw_scale(c, kind):
    if kind == "int":
        return c.int(1, 3, "int s")
    value = adversarial.draw_array(c, (), lo=0.3, hi=1.2)
    return np.array(value) if kind == "zero_d" else value


# ---------------------------------------------------------------------------
# Stages: each rewrites z (a float vector of three), reading s
# ---------------------------------------------------------------------------

def stage_dict(c):
    reads = ['z = d["a"] + d.get("b") * 0.5',
             'z = d.get("c", z) * d["a"]',
             'z = sum(v for v in d.values()) * 0.5',
             'acc = z * 0.0\nfor k, v in d.items():\n    acc = acc + np.tanh(v)\nz = acc',
             'd["a"] = d["a"] * s\nz = d["a"] - d.pop("b")',
             'e = {k: v * 0.5 for k, v in d.items()}\nz = e["a"] + e["b"]']
    return ('d = {"a": z * s, "b": np.sin(z)}\n' + c.pick(reads, "dict read"))


def stage_list(c):
    return c.pick([
        "ys = []\nfor i in range(3):\n    ys.append(z[i] * s + 0.1 * i)\n"
        "last = ys.pop()\nz = np.array(ys + [last * 2.0])",
        "ys = [np.tanh(v) * s for v in z]\nz = np.array(ys)",
        "ys = [v * v for v in z if v > 0.2]\nz = z + sum(ys)",
        "ys = list(z)\nys[1] = ys[0] * ys[2]\nys.reverse()\nz = np.array(ys)",
        "ys = [z[0]]\nys.extend([z[1] * s, z[2]])\nys.insert(0, ys.pop())\nz = np.stack(ys)",
        "ys = [z]\nfor i in range(2):\n    ys.append(np.tanh(ys[-1]) * s)\nz = ys.pop(0) + ys[-1]",
        "ys = [z[i] * z[i - 1] for i in range(3)]\nys[0], ys[2] = ys[2], ys[0]\nz = np.array(ys) + z",
    ], "list")


def stage_object(c):
    return c.pick([
        "a = Acc(z)\na.step(s)\na.step(0.5)\nz = a.v",
        "a = Acc(z)\nfor i in range(2):\n    a.step(s)\nz = a.v * a.steps",
        "z = Acc(z).step(s).v",
        "m = Model([Layer(s, 0.1), Layer(0.7, -0.2)])\nz = m.forward(z)",
        "m = Model([Layer(s, 0.1), Layer(0.7, -0.2)])\nfor layer in m.layers:\n    z = layer(z) + z",
        "z = MODEL.forward(z) * s",
        "z = z + z[s % 3] if isinstance(s, int) else z * s",
        "z = MODEL.forward(z * s) + z",
        "b = Buf(3)\nfor i in range(3):\n    b.put(i, z[i] * s)\nz = b.add(z) * 1.0",
        "b = Buf(3)\nb.put(1, z[0])\nb.data[2] = s\nz = z + b.data",
    ], "object")


def stage_function(c):
    return c.pick([
        "def inner(v):\n    return v * s + np.sin(v)\nz = inner(z)",
        "def outer(v):\n    def twice(u):\n        return u * u * s\n    return twice(v) + v\nz = outer(z)",
        "p = functools.partial(scale, s)\nz = p(z)",
        "p = functools.partial(scale, shift=0.5)\nz = p(s, np.tanh(z))",
        "z = total(z, np.sin(z), s)",
        "vs = (z, z * s)\nz = total(*vs)",
        "sq = lambda v: v * v * 0.5\nz = sq(z) + z",
        "bump()\nz = z * s",
        "k = s\ndef late(v):\n    return v * k\nz = late(z)\nk = 0.5\nz = late(z) + z",
        "def with_default(v, c=s):\n    return v * c + 0.1\nz = with_default(z) + with_default(z, 0.3)",
        "count = 0\ndef tick(v):\n    nonlocal count\n    count += 1\n    return v * s\n"
        "z = tick(tick(z)) + count",
        "z = total(*[z, z * s, np.cos(z)])",
        "p = functools.partial(scale, shift=s)\nz = p(0.5, z, shift=0.25) + p(s, z)",
    ], "function")


def stage_buffer(c):
    return c.pick([
        "buf = np.zeros(3)\nfor i in range(3):\n    buf[i] = z[i] * s + np.sin(z[i - 1])\nz = buf",
        "buf = np.zeros((2, 3))\nbuf[0] = z\nbuf[1] = z * s\nbuf[:, 1] += s\nz = buf[1] + buf[0] * 0.5",
        "buf = z.copy()\nbuf[[0, 0, 2]] += s\nz = buf * z",
        "buf = z.copy()\nbuf[[0, 2, 0]] = np.array([z[1], s, z[2]])\nz = buf + z",
        "buf = np.zeros(3)\nnp.add.at(buf, [0, 0, 1], z[2] * s)\nz = z + buf",
        "buf = z * 1.0\nbuf[1:] = buf[:-1] * s\nz = buf",
        "buf = np.empty(3)\nbuf[:] = z\nbuf[::2] *= s\nz = buf",
        "buf = np.zeros((3, 3))\nfor i in range(3):\n    buf[i, i:] = z[i] * s\nz = buf.sum(axis=0)",
        "buf = np.ones(3)\nbuf[np.array([1, 1])] *= z[0]\nbuf[z > 0.2] = s\nz = z * buf",
        "buf = z.copy()\nbuf[[2, 1, 0]] = buf\nz = buf * s + z",
        "buf = z * 1.0\nbuf[[2, 0, 1]] = buf[::-1]\nz = buf * s",
        "buf = z * 1.0\nbuf[buf > 0.2] = buf[::-1].copy()\nz = buf + z",
    ], "buffer")


def stage_view(c):
    return c.pick([
        "z = z * 1.0\nv = z[1:]\nv *= s\nz = z + v.sum()",
        "z = z * 1.0\nw = z.reshape(3, 1)\nw[0, 0] = s * z[2]\nz = z * 2.0",
        "z = z.copy()\nr = z[::2]\nr += z[1]\nz = np.tanh(z)",
        "y = z\ny = y * s\nz = y + z",
        "z = z * 1.0\nt = z[:]\nt[2] = t[0] * t[1]\nz = t",
        "z = z * 1.0\ny = z\ny *= s\nz = y + z",
        "z = z * 1.0\nd = {\"a\": z}\nz *= s\nz = d[\"a\"] + z",
        "z = z * 1.0\nys = [z, z * 2.0]\nys[0][1] = s\nz = z + ys[0] + ys[1]",
        "z = z * 1.0\nv = z[:2]\nz[0] = s\nz = z + v.sum()",
    ], "view")


def stage_numerics(c):
    return c.pick([
        "z = np.where(z > 0.2, np.sqrt(np.abs(z)), z * s)",
        "z = np.where(z > 0.2, np.log(z), z * s)",
        "z = np.where(z < 1.0, z, np.sqrt(1.0 - z)) + 0.0",
        "z = np.maximum(z, z) * s",
        "z = np.minimum(z, z) + np.maximum(z * s, z * s)",
        "z = z + np.abs(z - z) + abs(s - s)",
        "z = np.max(np.stack([z, z * 1.0]), axis=0) * s",
        "z = np.clip(z, -0.5, 1.0) * s",
        "t = np.array(np.sum(z))\nt *= s\nz = z + t",
        "t = np.sum(z * z)\nz = z / (1.0 + t)",
        "z = np.maximum(z, z[::-1]) + np.minimum(z, z[::-1])",
        "z = z + max(z[0], z[0]) - abs(z[1] - z[1])",
        "z = np.sort(np.concatenate([z, z]))[::2] * s",
        "t = np.where(z > 0.2, z, np.nan)\nz = z + np.nansum(t * t)",
        "z = np.where(np.abs(z) > 0.2, np.sin(z) / z, 1.0) * z",
    ], "numerics")


def stage_exit(c, thr):
    """An early return from nested ifs, or a ``while True`` with ``break``."""
    return c.pick([
        f"if np.sum(z) > {thr}:\n    if z[0] > 0.2:\n        return np.sum(z * s)\n"
        f"    z = z * 2.0\nelse:\n    z = np.sin(z)",
        f"if z[1] < {thr}:\n    return np.sum(np.tanh(z))",
        f"i = 0\nwhile True:\n    z = np.tanh(z) * s + z * 0.5\n    i += 1\n"
        f"    if np.sum(z) > {thr} or i >= 3:\n        break",
        "for i in range(3):\n    z = z * s + 0.1\n    if z[0] > 1.0:\n        break",
        f"for i in range(3):\n    z = np.sin(z) * s\n    if z[2] > {thr}:\n"
        f"        if z[0] > 0.0:\n            return np.sum(z) * 2.0\n        z = z + 1.0",
        f"n = 0\nwhile n < 4:\n    n += 1\n    if z[0] < {thr}:\n        continue\n"
        f"    z = z * 0.8 + s\n    if np.sum(z) > 2.0:\n        break",
    ], "exit")


STAGES = [stage_dict, stage_list, stage_object, stage_function, stage_buffer, stage_view,
          stage_numerics]


LOCALS = re.compile(r"(?<![.\w\"])(a|b|m|d|e|k|n|ys|last|buf|p|v|w|r|t|y|acc|sq|vs|inner|outer|twice|"
                    r"late|with_default|count|tick)\b")


def draw_stage(c, k):
    """Stage number ``k``: its local names end in ``k``, so two stages never bind
    one name (an object bound to a name twice is refused on purpose)."""
    if c.int(0, 7, "exit?") == 0:
        return stage_exit(c, c.pick(THRESHOLDS, "exit thr"))
    text = LOCALS.sub(lambda m: f"{m.group(1)}{k}", c.pick(STAGES, "stage")(c))
    wrap = c.pick(["none", "none", "none", "if", "for"], "wrap")
    if wrap == "if":
        thr = c.pick(THRESHOLDS, "if thr")
        return (f"if np.sum(z) > {thr}:\n" + indent(text) + "\nelse:\n    z = z * 0.9")
    if wrap == "for":
        return "for j in range(2):\n" + indent(text) + "\n    z = np.tanh(z)"
    return text


def mutation(c, kind):
    """A write into the caller's argument (or none): a gradient works on a copy."""
    if not c.int(0, 5, "mutate?") == 0:
        return ""
    if kind == "list":
        # (not x.append: finite differences call f with the list as an array)
        return c.pick(["x[0] = x[0] * s\n", "x[2] += x[1]\n"], "list mutation")
    if kind in ("vec", "zero_d"):
        return c.pick(["x *= 2.0\n", "x[...] = x * s\n"], "array mutation")
    return ""


def gen_newer(c):
    kind = c.pick(["vec", "vec", "list", "zero_d", "f32"], "x kind")
    s_kind = c.pick(["float", "float", "int", "zero_d"], "s kind")
    x, s = draw_point(c, kind), draw_scale(c, s_kind)
    lines = [mutation(c, kind) + c.pick(START[kind], "start")]
    for k in range(c.int(1, 3, "stages")):
        lines.append(draw_stage(c, k))
    final = c.pick(["return np.sum(np.tanh(z)) + 0.1 * np.sum(z * z)",
                    "return float(np.sum(z * s))", "return z[0] * z[1] + np.sum(z)"], "final")
    body = "\n".join(lines + [final])
    source = HELPERS + "\n\ndef f(x, s):\n" + indent(body) + "\n"
    wrt = 0 if s_kind == "int" else c.pick([0, (0, 1)], "wrt")
    return Case("newer", source, (x, s), wrt=wrt, label=f"x {kind}, s {s_kind}")


def generate(seed):
    return gen_newer(RandomChooser(("newer", seed).__repr__()))


# ---------------------------------------------------------------------------
# Checks beyond adversarial.classify
# ---------------------------------------------------------------------------

def _as_float64(case):
    """The case with a float32 ``x`` given as float64 (classify's finite differences
    need float64); the float32 gradient is compared with it in check_float32."""
    x, s = case.args
    if isinstance(x, np.ndarray) and x.dtype == np.float32:
        return Case(case.family, case.source, (x.astype(np.float64), s), wrt=case.wrt,
                    label=case.label)
    return case


def _same(a, b):
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(u, v) for u, v in zip(a, b)))
    return np.shape(a) == np.shape(b) and np.array_equal(np.asarray(a), np.asarray(b))


def check_state(case):
    """A gradient, value_and_grad or jvp call counts one call of ``f`` in the global
    counter, as one Python call does, and leaves the caller's arguments as they were
    (docs: the generated code works on a copy). None when so, else the problem."""
    module = adversarial.load(adversarial.PRELUDE + case.source)
    f = module.f
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module.CALLS = 0
        f(*case.fresh_args())
        once = module.CALLS
        calls = [("grad", lambda a: adversarial.astgrad.grad(f, case.wrt)(*a)),
                 ("value_and_grad", lambda a: adversarial.astgrad.value_and_grad(f, case.wrt)(*a))]
        for name, call in calls:
            args = case.fresh_args()
            module.CALLS = 0
            try:
                call(args)
            except Exception:  # noqa: BLE001 - classify reports refusals and crashes
                return None
            if module.CALLS != once:
                return f"{name} left the global counter at {module.CALLS}; one call of f: {once}"
            if not _same(args, case.args):
                return f"{name} changed the caller's arguments: {args!r} (given {case.args!r})"
    return None


def check_float32(case):
    """The gradient for a float32 ``x`` is float32 and close to the float64 one."""
    x, s = case.args
    if not (isinstance(x, np.ndarray) and x.dtype == np.float32):
        return None
    module = adversarial.load(adversarial.PRELUDE + case.source)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            g32 = adversarial.astgrad.grad(module.f, 0)(x.copy(), s)
            g64 = adversarial.astgrad.grad(module.f, 0)(x.astype(np.float64), s)
        except Exception:  # noqa: BLE001 - classify reports refusals and crashes
            return None
    if np.asarray(g32).dtype != np.float32:
        return f"the gradient of a float32 argument has dtype {np.asarray(g32).dtype}"
    return adversarial._close(np.asarray(g32, dtype=np.float64), g64, 2e-3, 2e-3)


def check(case):
    """The Outcome of a case: classify's, then the state and float32 checks."""
    outcome = classify(_as_float64(case))
    if outcome.kind in FAILING or outcome.kind == INVALID:
        outcome.case = case
        return outcome
    for extra in (check_state, check_float32):
        try:
            problem = extra(case)
        except Exception as exc:  # noqa: BLE001 - a crash is a finding
            return Outcome(CRASH, f"{extra.__name__}: {describe_exception(exc)}", case)
        if problem:
            return Outcome(WRONG, f"{extra.__name__}: {problem}", case)
    return outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--out", default="newer_failures.txt")
    opts = parser.parse_args(argv)
    counts = {k: 0 for k in (OK, REFUSED, WRONG, CRASH, INVALID)}
    failures = []
    refusals = {}
    for seed in range(opts.start, opts.start + opts.count):
        case = generate(seed)
        try:
            outcome = check(case)
        except Exception as exc:  # noqa: BLE001 - a bug in the harness itself
            outcome = Outcome(CRASH, "HARNESS: " + describe_exception(exc), case)
        counts[outcome.kind] += 1
        if outcome.kind in FAILING:
            failures.append((seed, outcome))
            print(f"seed {seed}: {outcome.kind}: {outcome.detail[:300]}", file=sys.stderr)
        if outcome.kind == REFUSED:
            refusals.setdefault(outcome.detail[:160], seed)
    print(counts)
    for detail, seed in refusals.items():
        print(f"refused (seed {seed}): {detail}")
    with open(opts.out, "w") as handle:
        for seed, outcome in failures:
            handle.write(f"### seed {seed}\n{outcome.report()}\n\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
