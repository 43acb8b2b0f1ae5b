"""Small random tape programs, each written from its seed, mixing in-place updates,
views, ``detach()``, ``.data``, ``requires_grad_()``, ``retain_grad()``, ``no_grad()``
blocks, dtype promotion and broadcasting, run with ``t = torch`` and ``t = astgrad``
(as tests/torch_programs.py). Each step that raises is logged with its error and the
program goes on; at the end a loss of every floating tensor that requires grad is
differentiated with ``backward()``. A program gives the log, and each tensor's values,
dtype, ``grad_fn``, version, ``is_leaf``, ``requires_grad`` and ``.grad`` (of a leaf or a
tensor that retains it).

``tests/torch_reference/record.py mixed`` stores what PyTorch gives in
``tests/torch_reference/mixed_golden.json``; ``tests/test_tape_torch_mixed.py`` checks
astgrad against it. ``SOURCES[name]`` is a program's text (print it to read one).
"""

import random
import re
import warnings

import numpy as np

PROGRAMS = {}
SOURCES = {}
COUNT = 100

_FLOATS = ("float64", "float32")
_BINARY = ("+", "-", "*")
_UNARY = ("exp", "sin", "tanh", "abs", "sigmoid", "neg", "relu")
_IN_PLACE_UNARY = ("exp_", "sin_", "tanh_", "sigmoid_", "neg_", "relu_", "zero_", "abs_")


class _Writer:
    """The text of one program: its steps, and what it knows of each name (shape, dtype)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.lines = []
        self.names = {}         # name -> (shape, dtype)
        self.shared = set()     # the names of views, detach() and .data: no detach_() on them
        # (PyTorch's refusal of a view's adds words about DistributedDataParallel)
        self.count = 0

    def data(self, shape, dtype):
        size = int(np.prod(shape)) if shape else 1
        if dtype == "bool":
            values = [self.rng.random() < 0.5 for _ in range(size)]
        elif dtype == "int64":
            values = [self.rng.randint(-3, 3) for _ in range(size)]
        else:
            values = [round(self.rng.uniform(-1.0, 1.0), 3) for _ in range(size)]
        return np.array(values, dtype=object).reshape(shape).tolist() if shape else values[0]

    def new(self, shape, dtype):
        self.count += 1
        name = f"n{self.count}"
        self.names[name] = (tuple(shape), dtype)
        return name

    def step(self, text, *, quiet=False):
        """A step, logged with its error if it raises; ``quiet``: under ``no_grad()``."""
        body = f"with t.no_grad():\n            {text}" if quiet else text
        self.lines.append(f"    try:\n        {body}\n    except Exception as e:\n"
                          f"        log.append(f'{len(self.lines)}: {{type(e).__name__}}: {{e}}')")

    def pick(self, floats=False):
        names = [n for n, (_, d) in self.names.items() if d in _FLOATS or not floats]
        return self.rng.choice(names) if names else None

    def partner(self, name, *, into=False):
        """A name whose shape broadcasts with ``name``'s (``into``: to ``name``'s shape)."""
        shape = self.names[name][0]
        fits = []
        for other, (s, _) in self.names.items():
            try:
                joined = np.broadcast_shapes(shape, s)
            except ValueError:
                continue
            if not into or joined == shape:
                fits.append(other)
        return self.rng.choice(fits)

    # -- the kinds of step ---------------------------------------------------------------------

    def leaf(self):
        shape = self.rng.choice([(2, 3), (3,), (2, 1), (), (2, 3)])
        dtype = self.rng.choice(["float64", "float64", "float32", "int64", "bool"])
        grad = dtype in _FLOATS and self.rng.random() < 0.7
        name = self.new(shape, dtype)
        self.step(f"{name} = t.tensor({self.data(shape, dtype)!r}, dtype=t.{dtype}, requires_grad={grad})")

    def binary(self, quiet):
        a = self.pick()
        b = self.partner(a)
        (sa, da), (sb, db) = self.names[a], self.names[b]
        op = self.rng.choice(_BINARY)
        dtype = _promoted(da, db)
        if op == "-" and "bool" in (da, db):
            dtype = da if da != "bool" else db
        if self.rng.random() < 0.3:
            # a float number only with a floating tensor: with an integral one it gives the
            # default dtype, float32 in PyTorch and float64 in astgrad (docs/tape.md)
            number = self.rng.choice(["2.5", "2", "True"] if da in _FLOATS else ["2", "True"])
            name = self.new(sa, _promoted(da, {"2.5": "float", "2": "int64", "True": "bool"}[number]))
            self.step(f"{name} = {a} {op} {number}" if self.rng.random() < 0.5 else f"{name} = {number} {op} {a}", quiet=quiet)
            return
        name = self.new(np.broadcast_shapes(sa, sb), dtype)
        self.step(f"{name} = {a} {op} {b}", quiet=quiet)

    def unary(self, quiet):
        a = self.pick(floats=True)
        if a is None:
            return
        fn = self.rng.choice(_UNARY + ("clamp(-0.5, 0.5)", "pow(2)", "sum(0)", "mean()", "sum(-1, keepdim=True)", "clone()"))
        shape, dtype = self.names[a]
        if fn.startswith(("sum", "mean")):
            if not shape:
                return
            shape = () if fn == "mean()" else (shape[1:] if fn == "sum(0)" else shape[:-1] + (1,))
        name = self.new(shape, dtype)
        self.step(f"{name} = {a}.{fn}" if "(" in fn else f"{name} = {a}.{fn}()", quiet=quiet)

    def view(self):
        a = self.pick()
        shape, dtype = self.names[a]
        choices = {"unsqueeze(0)": (1,) + shape, "view(-1)": (int(np.prod(shape)),), "reshape(-1)": (int(np.prod(shape)),)}
        if len(shape) >= 1:
            choices.update({"[0]": shape[1:], "[1:]": (shape[0] - 1,) + shape[1:], "expand(2, *{}.shape)": (2,) + shape})
        if len(shape) == 2:
            choices.update({"t()": shape[::-1], "[:, 1]": (shape[0],), "[:, 1:]": (shape[0], shape[1] - 1),
                            "transpose(0, 1)": shape[::-1], "select(1, 0)": (shape[0],), "narrow(1, 0, 1)": (shape[0], 1)})
        how = self.rng.choice(sorted(choices))
        name = self.new(choices[how], dtype)
        self.shared.add(name)
        text = how.format(a)
        self.step(f"{name} = {a}{text}" if text.startswith("[") else f"{name} = {a}.{text}")

    def in_place(self, quiet):
        a = self.pick()
        shape, dtype = self.names[a]
        kind = self.rng.random()
        floating = dtype in _FLOATS
        if kind < 0.35:
            b = self.partner(a, into=True)
            how = self.rng.choice(["{a}.add_({b})", "{a}.mul_({b})", "{a}.sub_({b}, alpha=0.5)", "{a} += {b}",
                                   "{a} *= {b}", "{a} -= {b}"] + (["{a}.copy_({b})"] if self._copyable(a, b) else []))
            self.step(how.format(a=a, b=b), quiet=quiet)
        elif kind < 0.6:
            # on an integral tensor, only those keeping its dtype (exp_ of one names PyTorch's
            # default dtype in its error)
            self.step(f"{a}.{self.rng.choice(_IN_PLACE_UNARY if floating else ('neg_', 'abs_', 'zero_'))}()", quiet=quiet)
        elif kind < 0.75:
            # a float number only into a floating tensor (else PyTorch's error names its
            # default dtype, float32, where astgrad's is float64)
            self.step(self.rng.choice([f"{a}.clamp_(min=-0.5)", f"{a}.fill_(0.5)", f"{a} *= 1.5", f"{a}.mul_(2.0)"]
                                      if floating else [f"{a}.add_(1)", f"{a}.fill_(1)"]), quiet=quiet)
        elif shape:
            b = self.rng.choice([n for n, (s, _) in self.names.items() if _fits(s, shape[1:]) and self._copyable(a, n)]
                                or ["0.25" if floating else "1"])
            index = self.rng.choice(["[0]", "[-1]", "[..., 0]" if len(shape) > 1 else "[0:1]"])
            self.step(f"{a}{index} = {b}", quiet=quiet)

    def _copyable(self, a, b):
        """Whether the generator writes ``b`` into ``a`` by ``copy_`` or ``a[i] = b``: not a
        floating tensor into an integral one, which PyTorch records (CopySlices) when ``b``
        requires grad, making an integer tensor require grad (astgrad keeps it a constant)."""
        return self.names[a][1] in _FLOATS or self.names[b][1] not in _FLOATS

    def sharing(self):
        a = self.pick()
        shape, dtype = self.names[a]
        how = self.rng.random()
        if how < 0.35:
            name = self.new(shape, dtype)
            self.shared.add(name)
            self.step(f"{name} = {a}.detach()")
        elif how < 0.5:
            name = self.new(shape, dtype)
            self.shared.add(name)
            self.step(f"{name} = {a}.data")
        elif how < 0.65:
            self.step(f"{a}.retain_grad()")
        elif how < 0.85:
            self.step(f"{a}.requires_grad_({self.rng.random() < 0.8})")
        elif a not in self.shared:
            self.step(f"{a}.detach_()")

    def convert(self):
        a = self.pick()
        shape, _ = self.names[a]
        how, dtype = self.rng.choice([("float()", "float32"), ("double()", "float64"), ("to(t.float32)", "float32"),
                                      ("long()", "int64"), ("> 0", "bool"), ("int()", "int32")])
        name = self.new(shape, dtype)
        self.step(f"{name} = {a} {how}" if how.startswith(">") else f"{name} = {a}.{how}")

    def write(self):
        for _ in range(2):
            self.leaf()
        for _ in range(self.rng.randint(6, 11)):
            kind = self.rng.random()
            quiet = self.rng.random() < 0.15
            if kind < 0.1:
                self.leaf()
            elif kind < 0.3:
                self.binary(quiet)
            elif kind < 0.42:
                self.unary(quiet)
            elif kind < 0.57:
                self.view()
            elif kind < 0.8:
                self.in_place(quiet)
            elif kind < 0.92:
                self.sharing()
            else:
                self.convert()
        names = ", ".join(f"{n!r}: {n}" for n in self.names)
        unbound = " = ".join(self.names) + " = None"      # the names of steps that raise
        return (f"def program(t):\n    log = []\n    {unbound}\n" + "\n".join(self.lines) +
                f"\n    return finish(t, log, {{{names}}})\n")


def _fits(shape, target):
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


_RANK = {"bool": 0, "int32": 1, "int64": 1, "float": 2, "float32": 2, "float64": 2}


def _promoted(da, db):
    """The dtype the generator expects of ``da`` with ``db`` (for its choices only: the
    libraries decide): the higher category's, a Python float as float32."""
    top = da if _RANK[da] >= _RANK[db] else db
    return "float32" if top == "float" else top


def fnrepr(fn):
    return None if fn is None else re.sub(r" object at 0x[0-9a-fA-F]+", "", repr(fn))


def finish(t, log, names):
    """Differentiate a loss of the floating tensors that require grad; describe every tensor."""
    tensors = {k: v for k, v in names.items() if hasattr(v, "requires_grad")}
    terms = [(v.double() * v.double()).sum() * (i + 1) for i, v in enumerate(tensors.values())
             if v.requires_grad and v.dtype in (t.float32, t.float64)]
    failed = False
    if terms:
        try:
            sum(terms).backward()
        except Exception as e:          # the error is the result
            log.append(f"backward: {type(e).__name__}: {e}")
            failed = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # after a backward that raised, PyTorch's leaves hold what its engine accumulated
        # before the failing node, astgrad's nothing: the gradients are not compared
        described = {k: [v, fnrepr(v.grad_fn), v._version, v.is_leaf, v.requires_grad,
                         None if failed else v.grad if v.is_leaf or v.retains_grad else None]
                     for k, v in tensors.items()}
    return {"log": log, "tensors": described}


def through_float32(name):
    """Whether program ``name`` computes with float32 tensors: its float64 gradients too are
    compared to float32's precision (PyTorch and NumPy round float32 in other orders)."""
    return "float32" in SOURCES[name] or ".float()" in SOURCES[name]


def _make(seed):
    source = _Writer(seed).write()
    scope = {"finish": finish}
    exec(compile(source, f"<mixed program {seed}>", "exec"), scope)
    fn = scope["program"]
    fn.__name__ = f"mixed_{seed:03d}"
    return fn, source


# seeds past COUNT whose programs once differed from PyTorch (an empty slice not a view,
# int64 += float32's result type, a view taken after a write named AsStrided, reshape's
# copy named View, sub_ of a leaf checking bools first, t[i] = None writing NaN, t[i] = a
# one-element view of t refused, an update of a view of a leaf detached since, fill_ of a
# bool tensor through detach(), sub_'s alpha checked before overlapping memory, t[i] = v's
# IndexError before the refusal of a view of a leaf, a constant view of a detach() alias
# written in place after a node recorded it)
EXTRA_SEEDS = (102, 161, 251, 268, 369, 395, 457, 586, 613, 859, 1064, 1184, 1231, 1257, 1661)

for _seed in (*range(COUNT), *EXTRA_SEEDS):
    PROGRAMS[f"mixed_{_seed:03d}"], SOURCES[f"mixed_{_seed:03d}"] = _make(_seed)
