"""Differential testing of astgrad on generated adversarial programs.

Each family below writes small Python modules (a function ``f`` plus whatever
module-level helpers, globals or factories it needs) from templates, the way an
adversary would write them: aliases and views written through, names rebound
between calls, loop variables rebound, kinks and masked NaNs, misused API.

``classify(case)`` runs one program through astgrad and sorts it into

- OK       reverse mode == forward mode == central finite differences (float64),
           the value of value_and_grad == f's value, and the second derivative
           (hessian, and grad of grad for a float argument) == finite differences
           of the gradient; the same gradient called with the same numbers as
           other argument kinds (0-d array for float, strided arrays) agrees;
           for the binding family all of this again after each rebinding phase,
           with the transforms made before it and with new ones;
- REFUSED  astgrad raised TransformError (or, for API misuse, a clear
           TypeError/ValueError raised on purpose by astgrad);
- WRONG    astgrad returned a number that disagrees;
- CRASH    any other exception (an internal error of astgrad or its generated code);
- INVALID  the program itself is not a fair test (the primal fails or overflows,
           or finite differences are unstable because the point is on a kink).

The generators draw every choice from a ``Chooser``, so the same code serves a
seeded ``random.Random`` (deterministic CI cases and the command-line runner) and
hypothesis' ``data.draw`` (shrinking, thorough profile).

Run ``python tests/adversarial.py --count 200`` for a table of outcomes per family;
failing programs are written to a file so they can be reproduced.
"""

import argparse
import collections
import copy
import importlib.util
import itertools
import linecache
import math
import os
import random
import re
import sys
import traceback
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
SRC = os.path.join(os.path.dirname(HERE), "src")
if os.path.isdir(SRC) and SRC not in sys.path:
    sys.path.insert(0, SRC)

import astgrad  # noqa: E402
from astgrad import TransformError  # noqa: E402
from astgrad.errors import is_value_refusal  # noqa: E402
import scratch_dirs  # noqa: E402
from fd import assert_close, numerical_grad, numerical_jvp  # noqa: E402

OK, REFUSED, WRONG, CRASH, INVALID = "OK", "REFUSED", "WRONG", "CRASH", "INVALID"
FAILING = (WRONG, CRASH)
SEVERITY = {INVALID: -1, OK: 0, REFUSED: 1, WRONG: 2, CRASH: 3}

MAX_MAGNITUDE = 1e4       # primal values beyond this make finite differences unreliable
ASTGRAD_DIR = os.path.dirname(os.path.abspath(astgrad.__file__))


# ---------------------------------------------------------------------------
# Choosers: where the generators' decisions come from
# ---------------------------------------------------------------------------

class RandomChooser:
    """Decisions from a seeded random.Random: deterministic for a given seed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def pick(self, options, label=None):
        return self.rng.choice(list(options))

    def int(self, lo, hi, label=None):
        return self.rng.randint(lo, hi)

    def flag(self, label=None):
        return self.rng.random() < 0.5


class HypothesisChooser:
    """Decisions from hypothesis' ``data.draw``, so failing programs shrink."""

    def __init__(self, data):
        from hypothesis import strategies as st
        self.data, self.st = data, st

    def pick(self, options, label=None):
        return self.data.draw(self.st.sampled_from(list(options)), label=label)

    def int(self, lo, hi, label=None):
        return self.data.draw(self.st.integers(lo, hi), label=label)

    def flag(self, label=None):
        return self.data.draw(self.st.booleans(), label=label)


# ---------------------------------------------------------------------------
# Cases and outcomes
# ---------------------------------------------------------------------------

class Case:
    """One generated program and how to call it.

    source:  module text defining ``f`` (and helpers);
    args:    the arguments (fresh deep copies are passed to every call);
    wrt:     argument index or tuple of indices;
    phases:  code run in the module's namespace between checks (rebinding);
    tie:     the point sits exactly on a kink: check one-sided bounds, not FD;
    constant_at: positions of the wrt array on the boundary of an np.where whose
             branch taken there is a constant: its derivatives of every order are 0
             there (docs/api.md, "np.where(c, a, b) on the boundary of c"), which
             finite differences of the gradient, stepping off the boundary, do not see;
    call/answer (API family): an expression to evaluate in the module namespace,
             and optionally an expression for the right value if one exists.
    """

    def __init__(self, family, source, args=(), wrt=0, phases=(), rtol=1e-5, atol=1e-6,
                 tie=False, second_order=True, call=None, answer=None, label="", constant_at=()):
        self.family, self.source, self.args, self.wrt = family, source, tuple(args), wrt
        self.constant_at = tuple(constant_at)
        self.phases, self.rtol, self.atol, self.tie = tuple(phases), rtol, atol, tie
        self.second_order, self.call, self.answer, self.label = second_order, call, answer, label

    def fresh_args(self):
        return copy.deepcopy(self.args)

    def reproducer(self):
        """Self-contained text: the module, the arguments and what to run."""
        lines = [f"# family: {self.family}  ({self.label})", self.source.rstrip(), ""]
        lines.append(f"args = ({''.join(literal(a) + ', ' for a in self.args)})")
        if self.call is not None:
            lines.append(f"ARGS = args")
            lines.append(f"print({self.call})")
            if self.answer is not None:
                lines.append(f"# the right answer (tests/fd.py): {self.answer}")
            return "\n".join(lines)
        check = (f"print(astgrad.grad(f, {self.wrt!r})(*args), "
                 f"numerical_grad(f, args, {self.wrt!r}))  # from tests/fd.py")
        lines.append(check)
        for k, phase in enumerate(self.phases):
            lines.append(f"# phase {k + 1}: rebind, then call again")
            lines.extend(phase.splitlines())
            lines.append(check)
        return "\n".join(lines)


def literal(value):
    """Python text that rebuilds value (floats, ints, arrays, tuples, lists)."""
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r}, dtype=np.{value.dtype})"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, np.generic):
        return f"np.{type(value).__name__}({value.item()!r})"
    return repr(value)


class Outcome:
    def __init__(self, kind, detail="", case=None):
        self.kind, self.detail, self.case = kind, detail, case

    def report(self):
        text = f"{self.kind}: {self.detail}"
        if self.case is not None:
            text += "\n--- program ---\n" + self.case.reproducer()
        return text

    def __repr__(self):
        return f"Outcome({self.kind}, {self.detail[:200]!r})"


class Verdicts:
    """Collects the verdict of each check of one case; the worst one wins."""

    def __init__(self):
        self.items = []

    def add(self, kind, what):
        self.items.append((kind, what))

    def worst(self):
        if not self.items:
            return OK, ""
        kind = max((k for k, _ in self.items), key=SEVERITY.__getitem__)
        details = [w for k, w in self.items if k == kind]
        return kind, "; ".join(details)


# ---------------------------------------------------------------------------
# Loading generated modules
# ---------------------------------------------------------------------------

_counter = itertools.count()
_tmpdir = []        # the directory the generated modules are written to, made at the first load


def _module_directory():
    """A directory of this process's own for the generated modules, removed at exit."""
    if not _tmpdir:
        _tmpdir.append(scratch_dirs.make("adversarial_"))
    return _tmpdir[0]


PRELUDE = "import math\n\nimport numpy as np\n\nimport astgrad\n\n\n"


def load(source):
    """Write source to a fresh .py file and import it (astgrad reads source files)."""
    name = f"astgrad_adv_{os.getpid()}_{next(_counter)}"
    path = os.path.join(_module_directory(), name + ".py")
    with open(path, "w") as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def describe_exception(exc):
    """'Type: message (at file:line)' with the innermost frame, for grouping."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    if tb:
        frame = tb[-1]
        line = (frame.line or "").strip()
        where = f" at {os.path.basename(frame.filename)}:{frame.lineno} `{line}`"
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    message = re.sub(r"\S*astgrad_adv_\w+\.py", "prog.py", message)
    return f"{type(exc).__name__}: {message[:300]}{where}"


def is_clear_error(exc):
    """A refusal on purpose: TransformError, or a TypeError/ValueError raised by a
    `raise` statement in astgrad's own source (not its generated code), a RuntimeError
    raised by the tape front end (PyTorch's kind of error there), or Python's own
    complaint about a call's arguments."""
    if isinstance(exc, TransformError):
        return True
    if not isinstance(exc, (TypeError, ValueError, RuntimeError)):
        return False
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return False
    frame = tb[-1]
    in_astgrad = os.path.abspath(frame.filename).startswith(ASTGRAD_DIR)
    if isinstance(exc, RuntimeError):   # the tape's errors, like PyTorch's autograd errors
        in_tape = os.path.abspath(frame.filename).startswith(os.path.join(ASTGRAD_DIR, "tape"))
        line = (linecache.getline(frame.filename, frame.lineno) or frame.line or "").strip()
        return in_tape and line.startswith("raise")
    line = (linecache.getline(frame.filename, frame.lineno) or frame.line or "").strip()
    if in_astgrad and line.startswith("raise"):
        return True
    arity = ("positional argument", "required positional", "unexpected keyword",
             "keyword argument", "takes no arguments")
    return isinstance(exc, TypeError) and any(a in str(exc) for a in arity) and not \
        frame.filename.startswith("<")


# ---------------------------------------------------------------------------
# The oracle
# ---------------------------------------------------------------------------

def _indices(wrt):
    return (wrt,) if isinstance(wrt, int) else tuple(wrt)


def _finite_magnitude(value):
    leaves = value if isinstance(value, (tuple, list)) else (value,)
    try:
        arrays = [np.asarray(v, dtype=np.float64) for v in leaves]
    except (TypeError, ValueError):
        return np.inf
    if not arrays:
        return 0.0
    return max((float(np.max(np.abs(a))) if a.size else 0.0) for a in arrays)


def _close(actual, expected, rtol, atol):
    """None when close, else the assertion text."""
    try:
        assert_close(actual, expected, rtol=rtol, atol=atol)
        return None
    except AssertionError as exc:
        text = " ".join(str(exc).split())
        text = text.replace("Not equal to tolerance ", "")
        return text[:400]


def _stable_fd(f, args, wrt, rtol):
    """Central differences at two step sizes; None when they disagree (a kink
    within reach of the step), are not finite, or the program raises within reach
    of the step (a mask whose size the step changes, as `a[a > 0.2] = b` with b of
    the old size): f is not differentiable there, whatever the derivative says."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fine = numerical_grad(f, args, wrt, eps=1e-6)
            coarse = numerical_grad(f, args, wrt, eps=1e-5)
        except (ArithmeticError, ValueError, IndexError):
            return None
    if _finite_magnitude(fine) == np.inf or not np.all(np.isfinite(np.hstack(
            [np.ravel(v) for v in (fine if isinstance(fine, tuple) else (fine,))]))):
        return None
    if _close(fine, coarse, max(rtol, 1e-4), 1e-5) is not None:
        return None
    return fine


def _as_tuple(value, wrt):
    return (value,) if isinstance(wrt, int) else tuple(value)


def _guarded(verdicts, what, fn, *args, **kwargs):
    """Run fn; a TransformError is REFUSED, anything else a CRASH. Returns
    (ok, value)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return True, fn(*args, **kwargs)
    except TransformError as exc:
        verdicts.add(REFUSED, f"{what}: {describe_exception(exc)}")
    except Exception as exc:  # noqa: BLE001 - every other exception is a finding
        if is_value_refusal(exc):   # refused as the generated code ran (runtime.py)
            verdicts.add(REFUSED, f"{what}: {describe_exception(exc)}")
            return False, None
        verdicts.add(CRASH, f"{what}: {describe_exception(exc)}")
    return False, None


def _tie_check(case, f, grads, verdicts, where):
    """At a kink, each gradient entry must lie between the one-sided difference
    quotients along its coordinate (a valid element of the subdifferential
    for the elementwise kinks the numerics family places there)."""
    h = 1e-7
    args = case.fresh_args()
    base = float(np.sum(f(*case.fresh_args())))
    for k, i in enumerate(_indices(case.wrt)):
        g = np.asarray(_as_tuple(grads, case.wrt)[k], dtype=np.float64)
        x = np.array(args[i], dtype=np.float64)
        if not np.all(np.isfinite(g)):
            verdicts.add(WRONG, f"{where}: gradient at a kink is not finite: {g!r}")
            continue
        for idx in np.ndindex(x.shape):
            quotients = []
            for sign in (1.0, -1.0):
                moved = x.copy()
                moved[idx] += sign * h
                call = list(case.fresh_args())
                call[i] = float(moved) if not isinstance(args[i], np.ndarray) else moved
                quotients.append(sign * (float(np.sum(f(*call))) - base) / h)
            lo, hi = min(quotients), max(quotients)
            slack = 1e-4 * max(1.0, abs(lo), abs(hi))
            if not lo - slack <= g[idx] <= hi + slack:
                verdicts.add(WRONG, f"{where}: d/darg{i}{list(idx)} = {g[idx]!r} is outside the "
                                    f"one-sided derivatives [{lo:.6g}, {hi:.6g}]")


def _scalar_jvp_expectation(grads, tangents, wrt):
    total = 0.0
    for g, i in zip(_as_tuple(grads, wrt), _indices(wrt)):
        total += float(np.sum(np.asarray(g, dtype=np.float64) * np.asarray(tangents[i])))
    return total


def _check_point(case, f, transforms, verdicts, phase):
    """Every check at the current bindings; transforms are created by the caller."""
    where = f"phase {phase}" if phase else "first call"
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        primal = f(*case.fresh_args())
    expected = None if case.tie else _stable_fd(f, case.fresh_args(), case.wrt, case.rtol)
    if expected is None and not case.tie:
        return "unstable"

    grads = None
    for name, g in transforms["grad"]:
        ok, got = _guarded(verdicts, f"{where}: {name}", g, *case.fresh_args())
        if not ok:
            continue
        grads = got
        if case.tie:
            _tie_check(case, f, got, verdicts, f"{where}: {name}")
        else:
            problem = _close(got, expected, case.rtol, case.atol)
            if problem:
                verdicts.add(WRONG, f"{where}: {name} != finite differences: {problem}")
        _check_dtypes(case, got, verdicts, f"{where}: {name}")

    for name, vg in transforms["value_and_grad"]:
        ok, got = _guarded(verdicts, f"{where}: {name}", vg, *case.fresh_args())
        if not ok:
            continue
        value, vgrads = got
        problem = _close(np.asarray(value, dtype=np.float64), np.asarray(primal, dtype=np.float64),
                         1e-9 if case.rtol < 1e-4 else case.rtol, 1e-12)
        if problem:
            verdicts.add(WRONG, f"{where}: {name} value != f(...): {problem}")
        if grads is not None:
            problem = _close(vgrads, grads, 1e-9 if case.rtol < 1e-4 else case.rtol, 1e-12)
            if problem:
                verdicts.add(WRONG, f"{where}: {name} gradient != grad: {problem}")

    integer_wrt = any(np.asarray(case.args[i]).dtype.kind in "iub" for i in _indices(case.wrt))
    if grads is not None and not integer_wrt:  # jvp ignores tangents of ints (documented)
        _check_forward(case, f, primal, grads, verdicts, where)
    if grads is not None and case.second_order and not case.tie and isinstance(case.wrt, int):
        _check_second_order(case, transforms, verdicts, where)
    return "checked"


def _check_dtypes(case, grads, verdicts, where):
    for g, i in zip(_as_tuple(grads, case.wrt), _indices(case.wrt)):
        arg = case.args[i]
        if isinstance(arg, np.ndarray) and arg.dtype == np.float32:
            if np.asarray(g).dtype != np.float32:
                verdicts.add(WRONG, f"{where}: gradient of a float32 argument has dtype "
                                    f"{np.asarray(g).dtype}")
        if np.shape(g) != np.shape(arg):
            verdicts.add(WRONG, f"{where}: gradient shape {np.shape(g)} != argument shape "
                                f"{np.shape(arg)}")


def _zero_tangent(arg):
    """Zeros for a float argument that is not differentiated; None for the rest."""
    if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
        return np.zeros_like(arg)
    if isinstance(arg, float):
        return 0.0
    return None


def _check_forward(case, f, primal, grads, verdicts, where):
    rng = np.random.default_rng(len(case.source))
    tangents = [_zero_tangent(a) for a in case.args]
    for i in _indices(case.wrt):
        arg = case.args[i]
        if isinstance(arg, np.ndarray):
            tangents[i] = rng.standard_normal(arg.shape).astype(
                arg.dtype if arg.dtype.kind == "f" else np.float64)
        elif isinstance(arg, list):     # a list of numbers: a list of tangents
            tangents[i] = [float(t) for t in rng.standard_normal(len(arg))]
        else:
            tangents[i] = float(rng.standard_normal())
    ok, got = _guarded(verdicts, f"{where}: jvp", astgrad.jvp, f, case.fresh_args(),
                       tuple(tangents))
    if not ok:
        return
    out, out_tangent = got
    tol = max(case.rtol, 1e-9)
    problem = _close(np.asarray(out, dtype=np.float64), np.asarray(primal, dtype=np.float64),
                     tol, 1e-12)
    if problem:
        verdicts.add(WRONG, f"{where}: jvp value != f(...): {problem}")
    expected = _scalar_jvp_expectation(grads, tangents, case.wrt)
    problem = _close(float(np.asarray(out_tangent, dtype=np.float64)), expected,
                     max(case.rtol, 1e-7), max(case.atol, 1e-9))
    if problem:
        verdicts.add(WRONG, f"{where}: jvp tangent != grad . tangent (forward != reverse): "
                            f"{problem}")


def _check_second_order(case, transforms, verdicts, where):
    i = case.wrt
    arg = case.args[i]
    if isinstance(arg, np.ndarray) and (arg.size > 6 or arg.dtype != np.float64):
        return
    if not isinstance(arg, (float, np.ndarray)):
        return
    g = transforms["grad"][0][1]
    columns = []
    shape = np.shape(arg)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for idx in np.ndindex(shape):
                tangents = [None] * len(case.args)
                if shape == ():
                    tangents[i] = 1.0
                else:
                    e = np.zeros(shape)
                    e[idx] = 1.0
                    tangents[i] = e
                fine = numerical_jvp(g, case.fresh_args(), tuple(tangents), eps=1e-6)
                coarse = numerical_jvp(g, case.fresh_args(), tuple(tangents), eps=1e-5)
                if _close(fine, coarse, 1e-3, 1e-4) is not None:
                    return  # the gradient has a kink within reach: no statement
                columns.append(np.asarray(fine, dtype=np.float64))
    except Exception:  # noqa: BLE001 - the gradient already failed and was reported
        return
    fd_hessian = (np.stack(columns, axis=-1).reshape(shape + shape) if shape
                  else float(columns[0]))
    for at in case.constant_at:         # the constant branch's second derivatives: 0
        fd_hessian[at] = 0.0
        fd_hessian[..., at] = 0.0
    ok, hess = _guarded(verdicts, f"{where}: hessian", transforms["hessian"], *case.fresh_args())
    if ok:
        problem = _close(np.asarray(hess, dtype=np.float64) if shape else float(hess),
                         fd_hessian, 1e-4, 1e-5)
        if problem:
            verdicts.add(WRONG, f"{where}: hessian != finite differences of grad: {problem}")
    if shape == ():
        ok, gg = _guarded(verdicts, f"{where}: grad(grad(f))",
                          lambda: astgrad.grad(astgrad.grad(transforms["f"], i), i)(
                              *case.fresh_args()))
        if ok:
            problem = _close(float(gg), fd_hessian, 1e-4, 1e-5)
            if problem:
                verdicts.add(WRONG, f"{where}: grad(grad(f)) != finite differences of grad: "
                                    f"{problem}")


def _other_kind(value):
    """The same numbers as another kind of argument: a float as a 0-d array, a 0-d
    array as a float, an array as a non-contiguous (strided) array."""
    if isinstance(value, float):
        return np.array(value)
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        if value.ndim == 0:
            return float(value)
        strided = np.repeat(value, 2, axis=-1)[..., ::2]
        return strided if value.ndim == 1 else np.asfortranarray(strided)
    return value


def _check_other_kinds(case, transforms, verdicts):
    """The transforms made for the first arguments, called with the same numbers
    as other kinds (specialization must not reuse code for the wrong kind): the
    gradient must not change."""
    others = tuple(_other_kind(a) for a in case.args)
    if all(o is a for o, a in zip(others, case.args)):
        return
    ok, base = _guarded(verdicts, "first arguments: grad", transforms["grad"][0][1],
                        *case.fresh_args())
    if not ok:
        return
    try:    # a program that indexes a 0-d array (x[()]) fails on a float, in Python too
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            transforms["f"](*copy.deepcopy(others))
    except Exception:  # noqa: BLE001 - not a program for these arguments
        return
    ok, got = _guarded(verdicts, "other argument kinds: grad", transforms["grad"][0][1],
                       *copy.deepcopy(others))
    if ok:
        problem = _close(got, base, 1e-12, 1e-12)
        if problem:
            kinds = ", ".join(f"{type(o).__name__}{list(np.shape(o))}" for o in others)
            verdicts.add(WRONG, f"the same numbers as other argument kinds ({kinds}) give "
                                f"another gradient: {problem}")


def _make_transforms(f, wrt, verdicts, where):
    made = {"f": f, "grad": [], "value_and_grad": []}
    ok, g = _guarded(verdicts, f"{where}: grad(f)", astgrad.grad, f, wrt)
    if not ok:
        return None
    made["grad"].append(("grad", g))
    ok, vg = _guarded(verdicts, f"{where}: value_and_grad(f)", astgrad.value_and_grad, f, wrt)
    if ok:
        made["value_and_grad"].append(("value_and_grad", vg))
    if isinstance(wrt, int):
        ok, h = _guarded(verdicts, f"{where}: hessian(f)", astgrad.hessian, f, wrt)
        made["hessian"] = h if ok else (lambda *a: (_ for _ in ()).throw(
            TransformError("hessian(f) was refused")))
    return made


def classify(case):
    """The Outcome of one generated case (see the module docstring)."""
    if case.call is not None:
        return _classify_api(case)
    try:
        module = load(PRELUDE + case.source)
    except Exception as exc:  # noqa: BLE001
        return Outcome(INVALID, f"module does not import: {describe_exception(exc)}", case)
    f = module.f
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = f(*case.fresh_args())
    except Exception as exc:  # noqa: BLE001
        return Outcome(INVALID, f"the primal fails: {describe_exception(exc)}", case)
    if _finite_magnitude(value) > MAX_MAGNITUDE or np.ndim(value) != 0:
        return Outcome(INVALID, "the primal is not a moderate scalar", case)

    verdicts = Verdicts()
    first = _make_transforms(f, case.wrt, verdicts, "generation")
    if first is None:
        kind, detail = verdicts.worst()
        return Outcome(kind, detail, case)
    checked = 0
    for phase, snippet in enumerate((None,) + case.phases):
        transforms = first
        if snippet is not None:
            try:
                exec(snippet, module.__dict__)
            except Exception as exc:  # noqa: BLE001
                return Outcome(INVALID, f"phase {phase} fails: {describe_exception(exc)}", case)
            # both the transforms made before the rebinding and new ones must agree
            fresh = _make_transforms(f, case.wrt, verdicts, f"phase {phase} generation")
            if fresh is not None:
                transforms = dict(first)
                transforms["grad"] = first["grad"] + [("new grad", fresh["grad"][0][1])]
                transforms["value_and_grad"] = (first["value_and_grad"]
                                                + fresh["value_and_grad"])
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = f(*case.fresh_args())
        except Exception as exc:  # noqa: BLE001
            return Outcome(INVALID, f"the primal fails in phase {phase}: "
                                    f"{describe_exception(exc)}", case)
        if _finite_magnitude(value) > MAX_MAGNITUDE:
            continue
        if _check_point(case, f, transforms, verdicts, phase) == "checked":
            checked += 1
    if checked and not case.phases:
        _check_other_kinds(case, first, verdicts)
    kind, detail = verdicts.worst()
    if checked == 0 and kind in (OK, REFUSED) and not verdicts.items:
        return Outcome(INVALID, "finite differences unstable (a kink within reach)", case)
    return Outcome(kind, detail, case)


def _classify_api(case):
    module = load(PRELUDE + case.source)
    ns = module.__dict__
    ns.update({"ARGS": case.fresh_args(), "numerical_grad": numerical_grad,
               "numerical_jvp": numerical_jvp})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = eval(case.call, ns)
    except Exception as exc:  # noqa: BLE001
        if is_clear_error(exc):
            return Outcome(REFUSED, describe_exception(exc), case)
        return Outcome(CRASH, describe_exception(exc), case)
    if case.answer is None:
        return Outcome(WRONG, f"misuse returned a value instead of raising: {got!r:.300}", case)
    answers = eval(case.answer, ns)
    answers = answers if isinstance(answers, list) else [answers]
    problems = [_close(_plain(got), _plain(a), 1e-5, 1e-6) for a in answers]
    if all(problems):
        return Outcome(WRONG, f"returned {got!r:.300} but the answer is {answers!r:.300}: "
                              f"{problems[0]}", case)
    return Outcome(OK, "", case)


def _plain(value):
    """Tensors and other array-likes as float64 arrays, keeping tuple structure."""
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)


# ---------------------------------------------------------------------------
# Shared generator helpers
# ---------------------------------------------------------------------------

def draw_array(c, shape, lo=-1.5, hi=1.5, margin_from=(), margin=0.05):
    """A float64 array (a float for shape ()) from a seed the chooser picks,
    with every entry at least ``margin`` away from each value in margin_from."""
    rng = np.random.default_rng(c.int(0, 2 ** 20, "values seed"))
    values = rng.uniform(lo, hi, size=shape)
    for point in margin_from:
        close = np.abs(values - point) < margin
        values = np.where(close, values + 3 * margin * np.sign(values - point + 1e-12), values)
    return float(values) if shape == () else values


def indent(text, n=1):
    return "\n".join(("    " * n + line) if line else line for line in text.splitlines())


SMOOTH = ["np.sin({e})", "np.tanh({e})", "({e}) * ({e})", "np.exp(0.3 * ({e}))",
          "np.cos({e}) * 2.0", "({e}) * 0.7"]


# ---------------------------------------------------------------------------
# Family 1: aliasing, views and in-place writes
# ---------------------------------------------------------------------------

HELPERS_ALIASING = '''
def scale_first(a, c):
    a[0] = a[0] * c


def add_into(a, c):
    a += c
    return a


def same(a):
    return a
'''

VIEW_SLICES = [("1:4", slice(1, 4)), ("::2", slice(None, None, 2)), (":", slice(None)),
               ("2:", slice(2, None)), ("::-1", slice(None, None, -1)), ("1:", slice(1, None))]


def gen_aliasing(c):
    n = 6
    x = draw_array(c, (n,))
    s = draw_array(c, ())
    pool = []            # (name, shape) of local arrays; views and aliases included
    lines = []
    names = (f"a{k}" for k in itertools.count())

    def scalar():
        i, j = c.int(0, n - 1, "i"), c.int(0, n - 1, "j")
        options = [f"np.sin(x[{i}])", f"x[{i}] * x[{j}]", "s * 1.5", f"x[{i}] + s"]
        vecs = [(nm, sh) for nm, sh in pool if len(sh) == 1 and sh[0] > 0]
        if vecs:
            nm, sh = c.pick(vecs, "read")
            options.append(f"{nm}[{c.int(0, sh[0] - 1, 'k')}] * 0.5")
        return c.pick(options, "scalar")

    # mostly arrays the function owns (writes into them are supported), sometimes
    # the argument itself or a view of it (writes must be refused)
    first = c.pick(["x * 1.0", "x.copy()", "np.sin(x)", "np.array(x)", "np.zeros(6) + s",
                    "x * 1.0", "x.copy()", "np.sin(x)", "np.array(x)", "np.zeros(6) + s",
                    "x", "x[1:5]", "np.asarray(x)", "x.reshape(2, 3)", "same(x)",
                    "x.reshape(2, 3) * 1.0", "np.zeros((2, 3)) + x[:3]"], "start")
    name = next(names)
    lines.append(f"{name} = {first}")
    shape = (n,)
    if "reshape(2, 3)" in first or "(2, 3)" in first:
        shape = (2, 3)
    elif first == "x[1:5]":
        shape = (4,)
    pool.append((name, shape))

    for _ in range(c.int(2, 5, "steps")):
        target, tshape = c.pick(pool, "target")
        kind = c.pick(["view", "view", "alias", "elem", "elem", "slice", "slice", "aug", "aug",
                       "fancy", "fancy_set", "at", "out", "helper", "helper_ret", "list",
                       "dict", "fresh", "fresh", "fresh_copy", "fresh_linear"], "step")
        if kind == "view":
            name = next(names)
            if len(tshape) == 1:
                text, sl = c.pick(VIEW_SLICES, "slice")
                length = len(range(tshape[0])[sl])
                if length == 0:
                    continue
                if length % 2 == 0 and c.flag("reshape"):
                    lines.append(f"{name} = {target}[{text}].reshape(2, {length // 2})")
                    pool.append((name, (2, length // 2)))
                else:
                    lines.append(f"{name} = {target}[{text}]")
                    pool.append((name, (length,)))
            else:
                text, vshape = c.pick([(".T", tshape[::-1]), ("[0]", tshape[1:]),
                                       ("[:, 1:]", (tshape[0], tshape[1] - 1)),
                                       (".reshape(-1)", (tshape[0] * tshape[1],)),
                                       (".ravel()", (tshape[0] * tshape[1],))], "view2")
                if 0 in vshape:
                    continue
                lines.append(f"{name} = {target}{text}")
                pool.append((name, vshape))
        elif kind == "alias":
            name = next(names)
            lines.append(f"{name} = {target}")
            pool.append((name, tshape))
        elif kind == "elem":
            idx = ", ".join(str(c.int(0, d - 1, "idx")) for d in tshape)
            lines.append(f"{target}[{idx}] = {scalar()}")
        elif kind == "slice":
            if len(tshape) == 1:
                text, _ = c.pick(VIEW_SLICES, "slice")
                rhs = c.pick([scalar(), f"np.sin({target}[{text}])", f"{target}[{text}] * 2.0"],
                             "rhs")
                lines.append(f"{target}[{text}] = {rhs}")
            else:
                lines.append(f"{target}[0] = {target}[1] * {scalar()}")
        elif kind == "aug":
            op = c.pick(["+=", "*=", "-="], "op")
            same_shape = [nm for nm, sh in pool if sh == tshape]
            rhs = c.pick([scalar(), c.pick(same_shape, "other")], "rhs")
            lines.append(f"{target} {op} {rhs}")
        elif kind in ("fancy", "fancy_set", "at") and len(tshape) == 1:
            i, j = c.int(0, tshape[0] - 1, "fi"), c.int(0, tshape[0] - 1, "fj")
            if kind == "fancy":
                op = c.pick(["+=", "*=", "-="], "op")
                lines.append(f"{target}[[{i}, {i}, {j}]] {op} {scalar()}")
            elif kind == "fancy_set":
                lines.append(f"{target}[[{i}, {j}, {i}]] = np.array([{scalar()}, "
                             f"{scalar()}, {scalar()}])")
            else:
                fn = c.pick(["np.add.at", "np.multiply.at", "np.subtract.at"], "ufunc.at")
                lines.append(f"{fn}({target}, [{i}, {i}, {j}], {scalar()})")
        elif kind == "out":
            fn = c.pick(["np.multiply({t}, {s}, out={t})", "np.sin({t}, out={t})",
                         "np.add({t}, {t}, out={t})", "np.tanh({t}, out={t})"], "out=")
            lines.append(fn.format(t=target, s=scalar()))
        elif kind == "helper":
            lines.append(f"scale_first({target}, {scalar()})")
        elif kind == "helper_ret":
            name = next(names)
            lines.append(f"{name} = add_into({target}, {scalar()})")
            pool.append((name, tshape))
        elif kind in ("list", "dict"):
            other, oshape = c.pick(pool, "other")
            idx = ", ".join(str(c.int(0, d - 1, "idx")) for d in tshape)
            if kind == "list":
                name = next(names)
                lines.append(f"{name}_list = [{target}, {other}]")
                lines.append(f"{name}_list[0][{idx}] = {scalar()}")
            else:
                name = next(names)
                lines.append(f"{name}_dict = {{'p': {target}, 'q': {other}}}")
                lines.append(f"{name}_dict['p'][{idx}] *= {scalar()}")
        elif kind == "fresh":
            name = next(names)
            lines.append(f"{name} = {target} * s + 1.0")
            pool.append((name, tshape))
        elif kind == "fresh_linear":
            # a new array whose derivative is exactly its source's (x + c, x * 1.0)
            name = next(names)
            op = c.pick(["+ 1.0", "* 1.0", "- 0.5", "/ 2.0"], "linear")
            lines.append(f"{name} = {target} {op}")
            pool.append((name, tshape))
        elif kind == "fresh_copy":
            name = next(names)
            lines.append(f"{name} = {target}.copy()")
            pool.append((name, tshape))

    weights = [0.3 + 0.2 * k for k in range(len(pool))]
    terms = " + ".join(f"np.sum(np.tanh({nm}) * {w:.1f})" for (nm, _), w in zip(pool, weights))
    body = "\n".join(lines + [f"return {terms} + np.sum(x * x) * s"])
    source = HELPERS_ALIASING + "\n\ndef f(x, s):\n" + indent(body) + "\n"
    return Case("aliasing", source, (x, s), wrt=c.pick([0, 1, (0, 1)], "wrt"),
                label=", ".join(line.split(" = ")[0] for line in lines[:1]))


# ---------------------------------------------------------------------------
# Family 2: scoping and binding (globals, closures, callees, rebinding between calls)
# ---------------------------------------------------------------------------

def _binding_ingredient(c, k, inner):
    """(module setup, factory setup, expression, phases) for one ingredient.
    inner is the expression it is applied to; k numbers its names."""
    kind = c.pick(["global_scalar", "global_array", "callee", "callee_global", "np_alias",
                   "closure", "default", "callee_default", "class_attr", "dict_global",
                   "callee_chain", "global_mutated_in_place", "redefined_in_source"],
                  "ingredient")
    v1, v2 = c.pick([1.5, -0.5, 2.0, 0.25], "v1"), c.pick([3.0, -1.25, 0.5], "v2")
    if kind == "global_scalar":
        return f"K{k} = {v1}\n", "", f"K{k} * {inner}", [f"K{k} = {v2}"]
    if kind == "global_array":
        return (f"W{k} = np.array([{v1}, 0.5, -1.0])\n", "", f"W{k} * {inner}",
                [f"W{k} = W{k} * 2.0 + {v2}"])
    if kind == "global_mutated_in_place":
        return (f"W{k} = np.array([{v1}, 0.5, -1.0])\n", "", f"W{k} * {inner}",
                [f"W{k}[0] = {v2}", f"W{k} *= 3.0"])
    if kind == "callee":
        alt = c.pick(["u ** 3", "np.cos(u) * u", "u * 2.0"], "alt")
        return (f"def h{k}(u):\n    return np.sin(u) * 2.0\n\n\n"
                f"def h{k}_alt(u):\n    return {alt}\n",
                "", f"h{k}({inner})", [f"h{k} = h{k}_alt"])
    if kind == "redefined_in_source":
        # h is defined twice; the second def (placed after f) is what f calls
        return (f"def h{k}(u):\n    return np.sin(u) * 2.0\n", "", f"h{k}({inner})",
                [f"h{k} = h{k}_first"], f"h{k}_first = h{k}\n\n\ndef h{k}(u):\n"
                f"    return u * u * 0.5 + u\n")
    if kind == "callee_global":
        return (f"C{k} = {v1}\n\n\ndef h{k}(u):\n    return u * C{k} + np.sin(u)\n", "",
                f"h{k}({inner})", [f"C{k} = {v2}"])
    if kind == "callee_chain":
        return (f"def g{k}(u):\n    return np.tanh(u)\n\n\n"
                f"def h{k}(u):\n    return g{k}(u) * u\n\n\n"
                f"def g{k}_alt(u):\n    return u * u * 0.5\n", "",
                f"h{k}({inner})", [f"g{k} = g{k}_alt"])
    if kind == "np_alias":
        alt = c.pick(["np.cos", "np.tanh", "np.exp", "np.negative"], "alt")
        return (f"op{k} = np.sin\n", "", f"op{k}({inner})", [f"op{k} = {alt}"])
    if kind == "closure":
        return ("", f"c{k} = {v1}\n", f"c{k} * {inner}", [f"set_c{k}({v2})"])
    if kind == "default":
        # the default was evaluated when f was defined: rebinding D must not matter
        return (f"D{k} = {v1}\n", "", f"p{k} * {inner}", [f"D{k} = {v2}"])
    if kind == "callee_default":
        return (f"E{k} = {v1}\n\n\ndef h{k}(u, p=E{k}):\n    return u * p + np.sin(u)\n", "",
                f"h{k}({inner})", [f"E{k} = {v2}"])
    if kind == "class_attr":
        return (f"class Cfg{k}:\n    scale = {v1}\n", "", f"Cfg{k}.scale * {inner}",
                [f"Cfg{k}.scale = {v2}"])
    return (f"P{k} = {{'w': {v1}}}\n", "", f"P{k}['w'] * {inner}", [f"P{k}['w'] = {v2}"])


def gen_binding(c):
    x = draw_array(c, (3,))
    y = draw_array(c, ())
    setups, closure_vars, terms, phases, defaults, trailers = [], [], [], [], [], []
    for k in range(c.int(1, 3, "ingredients")):
        inner = c.pick(["x", "x * y", "np.sin(x) + y", "x * x"], "inner")
        setup, factory, expr, ph, *after = _binding_ingredient(c, k, inner)
        trailers.extend(after)
        setups.append(setup)
        if factory:
            closure_vars.append((f"c{k}", factory))
        if expr.startswith(f"p{k} "):
            defaults.append(f"p{k}=D{k}")
        terms.append(expr)
        phases.append(c.pick(ph, "phase"))
    params = ", ".join(["x", "y"] + defaults)
    body = f"return np.sum({' + '.join(terms)}) + y * y"
    if c.flag("through local"):
        body = f"t = {' + '.join(terms)}\nreturn np.sum(t * np.cos(x)) + y * y"
    if closure_vars:
        factory = "def make():\n"
        for _, init in closure_vars:
            factory += indent(init) + "\n"
        factory += indent(f"def f({params}):\n" + indent(body)) + "\n\n"
        for name, _ in closure_vars:
            factory += indent(f"def set_{name}(v):\n    nonlocal {name}\n    {name} = v") + "\n\n"
        setters = ", ".join(f"set_{name}" for name, _ in closure_vars)
        factory += indent(f"return f, {setters}") + "\n\n\n"
        factory += f"f, {setters} = make()\n"
        source = "\n\n".join(s for s in setups if s) + "\n\n" + factory
    else:
        source = ("\n\n".join(s for s in setups if s) + "\n\n"
                  f"def f({params}):\n" + indent(body) + "\n")
    if trailers:
        source += "\n\n" + "\n\n".join(trailers)
    # sometimes several rebindings at once, sometimes one at a time
    if c.flag("together") and len(phases) > 1:
        phases = ["\n".join(phases)]
    return Case("binding", source, (x, y), wrt=c.pick([0, 1, (0, 1)], "wrt"), phases=phases)


# ---------------------------------------------------------------------------
# Family 3: control flow and containers
# ---------------------------------------------------------------------------

def _cf_update(c, vec):
    """An update of the carried state (z array, acc float)."""
    xs = "x" if vec else "x * 1.0"
    return c.pick([f"z = np.tanh(z * y + {xs})",
                   f"acc = acc + np.sum(np.sin(z) * {xs})",
                   "z = z * 0.8 + np.cos(z) * y",
                   "acc = acc * 0.9 + np.sum(z * z) * 0.1"], "update")


def _cf_block(c, depth, state):
    thr = c.pick([-1.0, -0.3, 0.0, 0.4, 1.2], "thr")
    kinds = ["update", "if", "for", "while", "loopvar", "enumerate", "zip", "tuples", "dict",
             "comprehension", "genexp", "match", "early_return", "nested", "swap"]
    if depth >= 2:
        kinds = ["update", "if", "loopvar"]
    kind = c.pick(kinds, "block")
    vec = state["x_vec"]
    upd = lambda: _cf_update(c, vec)  # noqa: E731
    if kind == "update":
        return upd()
    if kind == "if":
        text = f"if np.sum(z) > {thr}:\n" + indent(_cf_block(c, depth + 1, state))
        if c.flag("elif"):
            text += f"\nelif acc < {thr}:\n" + indent(upd())
        if c.flag("else"):
            text += "\nelse:\n" + indent(_cf_block(c, depth + 1, state))
        return text
    if kind == "for":
        trips = c.int(0, 4, "trips")
        body = [_cf_block(c, depth + 1, state)]
        exit_ = c.pick(["", "break", "continue"], "exit")
        if exit_:
            cond = c.pick([f"np.sum(z) > {thr}", "i == 1", f"acc < {thr}"], "exit cond")
            body.insert(c.int(0, 1, "exit pos"), f"if {cond}:\n    {exit_}")
        return f"for i in range({trips}):\n" + indent("\n".join(body))
    if kind == "while":
        bound = c.int(1, 4, "bound")
        body = upd() + "\nk = k + 1"
        if c.flag("while break"):
            body += f"\nif acc > {thr}:\n    break"
        return f"k = 0\nwhile k < {bound} and np.sum(z) < {thr + 2.0}:\n" + indent(body)
    if kind == "loopvar":
        options = ["for i in range(3):\n    i = (i * 2) % 4\n    acc = acc + z[i] * y",
                   "for v in z:\n    v = v * 2.0\n    acc = acc + np.sin(v)",
                   "for i in range(3):\n    acc = acc + z[i]\n    i = 3\n    acc = acc * 1.1",
                   "for v in z:\n    acc = acc + v * y\n    v = acc"]
        if vec and depth == 0 and not state["x_shadowed"]:
            options.append("for x in x:\n    acc = acc + np.sin(x) * y")
        choice = c.pick(options, "loopvar kind")
        if choice.startswith("for x in x"):
            state["x_shadowed"] = True
            state["x_vec"] = False
        return choice
    if kind == "enumerate":
        return "for i, v in enumerate(z):\n    acc = acc + v * (i + 1.0) * y"
    if kind == "zip":
        return ("for a, b in zip(z, np.sin(z) + y):\n    acc = acc + a * b"
                if not vec else "for a, b in zip(z, x):\n    acc = acc + a * b")
    if kind == "tuples":
        return c.pick(["pairs = [(z[0], y), (z[1], z[2])]\nfor a, b in pairs:\n"
                       "    acc = acc + a * b",
                       "pairs = []\nfor i in range(3):\n    pairs.append((z[i], z[i] * y))\n"
                       "for a, b in pairs:\n    acc = acc + np.sin(a) * b",
                       "pair = (z * y, acc)\nz, acc = pair\nacc = acc + 0.5"], "tuples kind")
    if kind == "dict":
        return c.pick(["d = {'a': z, 'b': z * y}\nfor key in d:\n"
                       "    acc = acc + np.sum(d[key] * d[key])",
                       "d = {'a': z}\nd['a'] = d['a'] * 0.5 + y\nz = d['a']",
                       "d = {}\nfor i in range(2):\n    d[i] = z * (i + 1.0)\n"
                       "acc = acc + np.sum(d[0] * d[1])"], "dict kind")
    if kind == "comprehension":
        return c.pick(["ws = [np.sin(v) * y for v in z]\nacc = acc + sum(ws)",
                       "z = np.array([v * y + 0.1 for v in z])",
                       "acc = acc + sum([v * v for v in z if v > 0.1])"], "comp kind")
    if kind == "genexp":
        return "acc = acc + sum(np.tanh(v) for v in z)"
    if kind == "match":
        return ("match n:\n    case 0:\n" + indent(upd(), 2) + "\n    case 1 | 2:\n"
                + indent(upd(), 2) + "\n    case _:\n        acc = acc + y")
    if kind == "early_return":
        if c.flag("in loop"):
            return (f"for i in range(3):\n    z = z * 0.9 + y\n    if np.sum(z) > {thr}:\n"
                    "        return acc + np.sum(z)")
        return f"if acc > {thr}:\n    return acc * y + np.sum(z)"
    if kind == "nested":
        return ("for i in range(2):\n    for j in range(2):\n"
                + indent(_cf_block(c, depth + 2, state), 2) + "\n    z = z * 0.9")
    return "z, w = z * y, z\nz = z + w * 0.5"


def gen_control(c):
    x = draw_array(c, (3,))
    y = draw_array(c, ())
    n = c.int(0, 3, "n")
    state = {"x_vec": True, "x_shadowed": False}
    lines = ["z = x * 1.0", "acc = 0.0"]
    for _ in range(c.int(1, 4, "blocks")):
        lines.append(_cf_block(c, 0, state))
    lines.append("return acc + np.sum(z * z) * y")
    source = "def f(x, y, n):\n" + indent("\n".join(lines)) + "\n"
    return Case("control", source, (x, y, n), wrt=c.pick([0, 1, (0, 1)], "wrt"))


# ---------------------------------------------------------------------------
# Family 4: numerics (kinks, masked NaN/inf, dtypes, 0-d arrays, broadcasting)
# ---------------------------------------------------------------------------

KINKS = [  # (expression, kink points of x)
    ("np.abs(x - 0.3)", [0.3]),
    ("np.maximum(x, 0.2)", [0.2]),
    ("np.minimum(x, -0.1)", [-0.1]),
    ("np.where(x > 0.5, x * x, 2.0 * x)", [0.5]),
    ("np.clip(x, -0.5, 0.7)", [-0.5, 0.7]),
    ("np.fmax(x, 0.0)", [0.0]),
    ("np.sign(x) * x", [0.0]),
    ("np.maximum(x, x[::-1])", []),  # ties at the middle element, always
    ("np.minimum(x, x[::-1]) * x", []),
    ("np.where(x > 0.0, x, 0.0)", [0.0]),
]

MASKED = [  # masked NaN/inf: the unused branch is NaN or inf where the mask is off
    ("np.where(x > 0.0, np.sqrt(x), 0.0)", False),
    ("np.where(x > 0.0, np.log(x), x)", False),
    ("np.where(x != 0.0, np.sin(x) / x, 1.0)", True),   # exact zeros in x
    ("np.where(np.abs(x) < 1.0, np.arcsin(x), 0.0)", False),
    ("np.where(x > 0.0, x ** 1.5, 0.0)", False),
    ("np.where(x > 0.1, 1.0 / x, 10.0 * x)", False),
]


def gen_numerics(c):
    kind = c.pick(["kink_away", "kink_tie", "scalar_kink", "masked", "power_at_zero",
                   "std_singleton", "det", "float32", "int", "zero_d", "broadcast",
                   "zero_product", "complex", "numpy_scalar"], "kind")
    outer = c.pick(SMOOTH, "outer")
    if kind in ("kink_away", "kink_tie"):
        expr, points = c.pick(KINKS, "kink")
        if kind == "kink_away":
            x = draw_array(c, (5,), margin_from=points, margin=0.05)
            tie = False
        else:
            x = draw_array(c, (5,), margin_from=points, margin=0.05)
            x[c.int(0, 4, "tie at")] = points[0] if points else x[0]
            tie = True
        body = f"k = {expr}\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(x):\n" + indent(body) + "\n", (x,), tie=tie,
                    label=f"{kind}: {expr}")
    if kind == "scalar_kink":
        expr = c.pick(["abs(x - y)", "max(x, y)", "min(x * 2.0, y)", "abs(x) * y",
                       "max(x, 0.0) + min(y, 0.0)"], "expr")
        tie = c.flag("tie")
        x = draw_array(c, ())
        y = x if tie else draw_array(c, (), margin_from=[x, 0.0, 2 * x, -x], margin=0.1)
        if tie and "0.0" in expr:
            x, y = 0.0, 0.0
        body = f"k = {expr}\nreturn {outer.format(e='k')}"
        return Case("numerics", "def f(x, y):\n" + indent(body) + "\n", (x, y),
                    wrt=(0, 1), tie=tie, label=f"{kind}: {expr}")
    if kind == "masked":
        expr, zeros = c.pick(MASKED, "masked")
        x = draw_array(c, (5,), margin_from=[0.0, 0.1, 1.0, -1.0], margin=0.05)
        constant_at = ()
        if zeros:
            constant_at = (c.int(0, 4, "zero at"),)
            x[constant_at[0]] = 0.0
        body = f"k = {expr}\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(x):\n" + indent(body) + "\n", (x,), label=expr,
                    constant_at=constant_at)
    if kind == "power_at_zero":
        expr = c.pick(["x ** 0", "x ** 0.0", "x ** 1", "x ** 2", "x ** 3", "np.power(x, 2.0)",
                       "np.power(x, 0)", "x ** 2.0 * 0.5", "np.square(x)",
                       "(x * x + 1.0) ** y"], "power")
        x = draw_array(c, (4,))
        x[c.int(0, 3, "zero at")] = 0.0
        y = draw_array(c, ())
        body = f"k = {expr}\nreturn np.sum({outer.format(e='k')}) + y"
        return Case("numerics", "def f(x, y):\n" + indent(body) + "\n", (x, y),
                    wrt=c.pick([0, (0, 1)], "wrt"), label=expr)
    if kind == "std_singleton":
        expr, shape = c.pick([("np.std(m, axis=1)", (3, 1)), ("np.var(m, axis=0)", (1, 3)),
                              ("np.std(m, axis=0, keepdims=True)", (1, 2)),
                              ("np.std(m, axis=1)", (3, 2)), ("np.var(m)", (1, 1)),
                              ("m.std(axis=1)", (2, 1))], "std")
        m = draw_array(c, shape)
        body = f"k = {expr} + np.sum(m * m)\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(m):\n" + indent(body) + "\n", (m,), label=expr)
    if kind == "det":
        size = c.pick([2, 3], "size")
        m = draw_array(c, (size, size))
        if c.flag("singular"):
            m[-1] = m[0] * c.pick([1.0, -2.0, 0.0], "row multiple")
        body = "d = np.linalg.det(m)\nreturn d * 0.5 + np.sum(m) * 0.1"
        return Case("numerics", "def f(m):\n" + indent(body) + "\n", (m,), label="det")
    if kind == "zero_product":
        # products with a zero factor: a derivative computed as prod / x is 0/0 there
        expr = c.pick(["np.prod(x)", "np.cumprod(x)", "np.prod(x, axis=0)", "x.prod()",
                       "np.prod(x * x + x)"], "product")
        x = draw_array(c, (4,))
        x[c.int(0, 3, "zero at")] = 0.0
        body = f"k = {expr}\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(x):\n" + indent(body) + "\n", (x,), label=expr)
    if kind == "complex":
        # real in, real out, complex in between
        expr = c.pick(["np.abs(x + 1j * y)", "np.real(np.exp(1j * x)) * y",
                       "np.imag((x + 1j) ** 2) + y", "np.abs(np.exp(1j * x) * y)",
                       "np.real(np.conj(x + 1j * y) * (x - 1j))"], "complex")
        x = draw_array(c, (3,), margin_from=[0.0], margin=0.1)
        y = draw_array(c, (), margin_from=[0.0], margin=0.1)
        body = f"k = {expr}\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(x, y):\n" + indent(body) + "\n", (x, y),
                    wrt=c.pick([0, 1, (0, 1)], "wrt"), label="complex: " + expr)
    if kind == "numpy_scalar":
        x = np.float64(draw_array(c, ()))
        inner = c.pick(["x * x", "np.sin(x) * 2.0", "math.sin(x) * x", "abs(x) * x + 1.0",
                        "float(x) * x"], "inner")
        body = f"k = {inner}\nreturn {outer.format(e='k')}"
        return Case("numerics", "def f(x):\n" + indent(body) + "\n", (x,),
                    label="np.float64: " + inner)
    if kind == "float32":
        x = draw_array(c, (4,)).astype(np.float32)
        inner = c.pick(["x * x", "np.sin(x) * 2.0", "x / (1.0 + x * x)", "np.mean(x * x)",
                        "x @ x", "np.sum(x) * x"], "inner")
        body = f"k = {inner}\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(x):\n" + indent(body) + "\n", (x,), rtol=2e-3,
                    atol=2e-3, second_order=False, label="float32: " + inner)
    if kind == "int":
        as_array = c.flag("array")
        x = (np.array([c.int(-2, 2, "xi") for _ in range(3)]) if as_array
             else c.int(-2, 2, "xi"))
        inner = c.pick(["x * x", "np.sin(x) * 2.0", "x / (1.0 + x * x)", "x * 3 + 1",
                        "np.tanh(x * 0.5)", "x ** 2"], "inner")
        body = f"k = {inner}\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(x):\n" + indent(body) + "\n", (x,), second_order=False,
                    label="int: " + inner)
    if kind == "zero_d":
        x = np.array(draw_array(c, ()))
        y = draw_array(c, (3,))
        inner = c.pick(["x * y", "np.sin(x) + y", "x", "x * x", "y[0] * x"], "inner")
        body = f"k = {inner}\nreturn np.sum({outer.format(e='k')})"
        return Case("numerics", "def f(x, y):\n" + indent(body) + "\n", (x, y),
                    wrt=c.pick([0, 1, (0, 1)], "wrt"), label="0-d: " + inner)
    sa, sb = c.pick([((3, 1), (4,)), ((), (3,)), ((1, 3), (2, 1)), ((2, 3), (3,)),
                     ((4,), (1,)), ((2, 1, 3), (4, 1)), ((3,), ())], "shapes")
    a, b = draw_array(c, sa), draw_array(c, sb)
    if c.flag("0-d") and sa == ():
        a = np.array(a)
    inner = c.pick(["a * b", "a + b * b", "np.maximum(a, 0.0) * 0.0 + a * b", "a / (2.0 + b)",
                    "np.sum(a * b, axis=-1, keepdims=True) * b", "(a - b) ** 2"], "inner")
    body = f"k = {inner}\nreturn np.sum({outer.format(e='k')})"
    return Case("numerics", "def f(a, b):\n" + indent(body) + "\n", (a, b),
                wrt=c.pick([0, 1, (0, 1)], "wrt"), label=f"broadcast {sa} {sb}: {inner}")


# ---------------------------------------------------------------------------
# Family 5: API misuse (must raise a clear error) and API corners (must be right)
# ---------------------------------------------------------------------------

API_SOURCE = '''
def f(x, y):
    return np.sum(x * y + np.sin(x))


def vec(x):
    return np.sin(x) * 2.0


def returns_none(x):
    z = x * 2.0


def returns_str(x):
    return "value"


def returns_tuple(x):
    return np.sum(x), np.sum(x * x)


def returns_list(x):
    return [np.sum(x), np.sum(x * x)]


def returns_dict(x):
    return {"a": np.sum(x)}


def with_default(x, y=2.0):
    return np.sum(x * y + np.sin(x))


def kw_only(x, *, w=1.0):
    return np.sum(x * w + np.sin(x * w))


def tape_math_sin(v):
    t = astgrad.tensor(v, requires_grad=True)
    z = math.sin(t) * t
    return astgrad.autograd.grad(z, (t,))[0]


def tape_float(v):
    t = astgrad.tensor(v, requires_grad=True)
    z = float(t) * t
    return astgrad.autograd.grad(z, (t,))[0]


def tape_transpose(m, w):
    t = astgrad.tensor(m, requires_grad=True)
    z = (t.transpose(0, 1) * w).sum()
    return astgrad.autograd.grad(z, (t,))[0]


def fd_jvp(fn, primals, tangents):
    return numerical_jvp(fn, primals, tangents)
'''

# (call, answer): answer None means the call is misuse and must raise a clear error;
# otherwise it is an expression (or a list of acceptable ones) for the right value.
# x, y, t are ARGS[0..2]: x, t arrays of length 3, y a float.
API_CALLS = [
    ("astgrad.grad(f)(x, y, 1.0)", None),
    ("astgrad.grad(f)(x, y, 2.0)", None),
    ("astgrad.grad(f)(x, y, x)", None),
    ("astgrad.grad(f)(x)", None),
    ("astgrad.grad(f, 1)(x, y, 0.5)", None),
    ("astgrad.value_and_grad(f)(x, y, 2.0)", None),
    ("astgrad.grad(f, wrt=2)", None),
    ("astgrad.grad(f, wrt=-3)", None),
    ("astgrad.grad(f, wrt='z')", None),
    ("astgrad.grad(f, wrt=1.5)", None),
    ("astgrad.grad(f, wrt=(0, 0))", None),
    ("astgrad.grad(f, wrt=())", None),
    ("astgrad.grad(f, wrt=None)", None),
    ("astgrad.grad(f, wrt=True)", None),
    ("astgrad.grad(vec)(x)", None),
    ("astgrad.grad(returns_none)(x)", None),
    ("astgrad.grad(returns_str)(x)", None),
    ("astgrad.grad(returns_tuple)(x)", None),
    ("astgrad.grad(returns_list)(x)", None),
    ("astgrad.grad(returns_dict)(x)", None),
    ("astgrad.value_and_grad(returns_none)(x)", None),
    ("astgrad.hessian(vec)(x)", None),
    ("astgrad.hessian(returns_none)(x)", None),
    ("astgrad.grad(np.isnan)", None),
    ("astgrad.grad(np.sin)(y)", "numerical_grad(np.sin, (y,), 0)"),
    ("astgrad.grad(1.0)", None),
    ("astgrad.jacobian(f, mode='sideways')", None),
    ("astgrad.jvp(f, (x, y), (np.ones(4), 1.0))", None),
    ("astgrad.jvp(f, (x, y), (t, np.ones(2)))", None),
    ("astgrad.jvp(f, x, t)", None),
    ("astgrad.jvp(f, (x, y), (t,))", None),
    ("astgrad.jvp(f, (x,), (t,))", None),
    ("astgrad.jvp(f, (x, y, 1.0), (t, 1.0, 1.0))", None),
    ("astgrad.jvp(f, (x, y), ({'a': 1.0}, 0.0))", None),
    ("astgrad.jvp(f, (x, y), (t, None))", "(f(x, y), fd_jvp(f, (x, y), (t, 0.0)))"),
    ("astgrad.jvp(f, (x, y), (None, 1.0))", "(f(x, y), fd_jvp(f, (x, y), (0.0 * x, 1.0)))"),
    ("astgrad.jvp(f, (x, y), (list(t), 0.0))",
     "(f(x, y), fd_jvp(f, (x, y), (t, 0.0)))"),
    ("astgrad.vjp(f, x, y, 1.0)", None),
    ("astgrad.vjp(f, x)", None),
    ("astgrad.vjp(vec, x)[1](np.ones(5))", None),
    ("astgrad.vjp(vec, x)[1](list(t))", "(numerical_grad(vec, (x,), 0, seed=t),)"),
    ("astgrad.vjp(with_default, x)[1](1.0)", "(numerical_grad(with_default, (x,), 0),)"),
    ("astgrad.vjp(with_default, x)[0]", "with_default(x)"),
    ("astgrad.grad(with_default)(x)", "numerical_grad(with_default, (x,), 0)"),
    ("astgrad.jvp(with_default, (x,), (t,))",
     "(with_default(x), fd_jvp(with_default, (x,), (t,)))"),
    ("astgrad.grad(kw_only, wrt='w')(x, w=1.3)",
     "numerical_grad(lambda w: kw_only(x, w=w), (1.3,), 0)"),
    ("astgrad.grad(kw_only)(x, w=1.3)", "numerical_grad(lambda x: kw_only(x, w=1.3), (x,), 0)"),
    ("astgrad.grad(kw_only, wrt=1)(x, w=1.3)",
     "numerical_grad(lambda w: kw_only(x, w=w), (1.3,), 0)"),
    ("astgrad.grad(f)(x, y=y)", "numerical_grad(f, (x, y), 0)"),
    ("astgrad.grad(f, 'y')(y=y, x=x)", "numerical_grad(f, (x, y), 1)"),
    ("astgrad.grad(f, wrt=[0, 1])(x, y)", "numerical_grad(f, (x, y), (0, 1))"),
    ("astgrad.grad(f, -1)(x, y)", "numerical_grad(f, (x, y), 1)"),
    ("tape_math_sin(0.7)", "math.cos(0.7) * 0.7 + math.sin(0.7)"),
    ("tape_float(0.7)", ["0.7", "1.4"]),
    ("tape_transpose(np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(3, 2) + 1.0)",
     "(np.arange(6.0).reshape(3, 2) + 1.0).T"),
]


def gen_api(c):
    call, answer = c.pick(API_CALLS, "call")
    x = draw_array(c, (3,))
    y = draw_array(c, ())
    t = draw_array(c, (3,))
    # the names x, y, t are bound from ARGS when the call is evaluated
    call_text = f"(lambda x, y, t: {call})(*ARGS)"
    answer_text = None
    if answer is not None:
        answers = answer if isinstance(answer, list) else [answer]
        answer_text = "[" + ", ".join(f"(lambda x, y, t: {a})(*ARGS)" for a in answers) + "]"
    return Case("api", API_SOURCE, (x, y, t), call=call_text, answer=answer_text, label=call)


FAMILIES = {
    "aliasing": gen_aliasing,
    "binding": gen_binding,
    "control": gen_control,
    "numerics": gen_numerics,
    "api": gen_api,
}


def generate(family, seed):
    """The case number ``seed`` of a family, deterministically.

    For the api family the seed walks through every call template in turn, so a
    run of len(API_CALLS) seeds covers each once."""
    if family == "api":
        chooser = _ApiChooser(seed)
        return gen_api(chooser)
    return FAMILIES[family](RandomChooser((family, seed).__repr__()))


class _ApiChooser(RandomChooser):
    def __init__(self, seed):
        super().__init__(("api", seed).__repr__())
        self.seed = seed

    def pick(self, options, label=None):
        options = list(options)
        if label == "call":
            return options[self.seed % len(options)]
        return super().pick(options, label)


# ---------------------------------------------------------------------------
# Minimizing a failing case and guessing its cause (for reports)
# ---------------------------------------------------------------------------

def _split_function(source):
    """(text before 'def f', the def line, body statements as lists of lines)."""
    lines = source.splitlines()
    start = next(k for k, ln in enumerate(lines) if ln.startswith("def f("))
    statements = []
    for ln in lines[start + 1:]:
        if ln.startswith("    ") and not ln.startswith("     ") or not statements:
            statements.append([ln])
        else:
            statements[-1].append(ln)
    return "\n".join(lines[:start]), lines[start], statements


def _drop_terms(return_line, name):
    """Remove the ' + '-joined terms of the return expression that read name."""
    head, _, expr = return_line.partition("return ")
    terms = [t for t in expr.split(" + ") if not re.search(rf"\b{name}\b", t)]
    return head + "return " + " + ".join(terms) if terms else None


def minimize(case, kind=None, budget=60):
    """Delete top-level statements of f while the outcome stays ``kind``."""
    if case.call is not None or not re.search(r"^def f\(", case.source, re.M):
        return case
    kind = kind or classify(case).kind
    current = case
    progress = True
    while progress and budget > 0:
        progress = False
        before, header, statements = _split_function(current.source)
        for k in range(len(statements) - 1):
            budget -= 1
            first = statements[k][0].strip()
            assigned = re.match(r"(\w+)\s*=", first)
            rest = statements[:k] + statements[k + 1:]
            if assigned:
                ret = _drop_terms(rest[-1][0], assigned.group(1))
                if ret is None:
                    continue
                rest = rest[:-1] + [[ret] + rest[-1][1:]]
            body = "\n".join(ln for st in rest for ln in st)
            trial = copy.copy(current)
            trial.source = f"{before}\n{header}\n{body}\n"
            try:
                outcome = classify(trial)
            except Exception:  # noqa: BLE001
                continue
            if outcome.kind == kind:
                current, progress = trial, True
                break
    return current


CAUSES = [
    # (family, test on (source + call, detail), cause)
    ("binding", lambda src, det: "first call" not in det,
     "binding: a global/closure/callee rebound between calls is not noticed"),
    ("api", lambda src, det: re.search(r"grad\(f(, [^)]*)?\)\(x, y, ", src) is not None,
     "api: extra positional argument taken as the output seed"),
    ("api", lambda src, det: re.search(r"returns_(none|str)", src) is not None,
     "api: None/str returns"),
    ("api", lambda src, det: re.search(r"returns_(tuple|list|dict)|grad\(vec\)|hessian\(vec",
                                       src) is not None,
     "api: non-scalar (tuple/list/dict) output to grad"),
    ("api", lambda src, det: "with_default" in src, "api: defaults in vjp"),
    ("api", lambda src, det: "kw_only" in src, "api: kw-only wrt"),
    ("api", lambda src, det: "tape_" in src,
     "api: tape math.sin(tensor) / float(tensor) / transpose(0, 1)"),
    ("api", lambda src, det: "(x, y, 1.0)" in src,
     "api: wrong arity (jvp with more primals than parameters)"),
    ("api", lambda src, det: "list(t)" in src or "{'a'" in src or "None)" in src,
     "api: dict/list/None tangents and cotangents"),
    ("numerics", lambda src, det: "nan" in det and "np.where" in src,
     "numerics: NaN under np.where"),
    ("numerics", lambda src, det: "prod" in src, "NEW numerics: product with a zero factor"),
    ("numerics", lambda src, det: "1j" in src, "numerics: complex"),
    ("numerics", lambda src, det: "np.linalg.det" in src, "numerics: det of a singular matrix"),
    ("numerics", lambda src, det: re.search(r"std|var\(", src) is not None,
     "numerics: std/var on length-1 axes"),
    ("numerics", lambda src, det: re.search(r"\*\* [01]\b|power\(x, 0\)", src) is not None,
     "numerics: x**0 (and x**1 second order) at 0"),
    ("control", lambda src, det: "dd_d" in det or "d[" in src and "KeyError" in det,
     "control flow: dicts"),
    ("control", lambda src, det: "for x in x" in src, "control flow: for x in x"),
    ("control", lambda src, det: re.search(r"^\s+(i|v) = |for i in .*\n(.*\n)*\s+for i, ", src,
                                           re.M) is not None,
     "control flow: loop variable rebound"),
    (None, lambda src, det: "AdjointList" in det,
     "api: AdjointList returns (grad of grad)"),
    ("control", lambda src, det: "pairs" in src, "control flow: lists of tuples"),
    (None, lambda src, det: "indexed row of an array is still used" in det,
     "NEW second order: a row view stays live across a write in the generated gradient "
     "(RuntimeError)"),
    ("aliasing", lambda src, det: re.search(r"\.at\(", src) is not None,
     "aliasing: ufunc.at"),
    ("aliasing", lambda src, det: "out=" in src, "aliasing: out="),
    ("aliasing", lambda src, det: re.search(r"\[\[(\d+), \1, |\[\[(\d+), \d+, \2\]", src)
     is not None, "aliasing: repeated fancy indices"),
    ("aliasing", lambda src, det: "grad != finite" not in det and "value != f" not in det and
     re.search(r"forward != reverse|hessian !=|grad\(grad\(f\)\) !=", det) is not None,
     "NEW forward mode: the tangent of a + c / a * 1.0 / a.copy() is a's tangent array, "
     "which a later write into a changes"),
    ("aliasing", lambda src, det: "_list" in src or "_dict" in src,
     "aliasing: a list/dict holding an array written through"),
    ("aliasing", lambda src, det: "scale_first" in src or "add_into" in src,
     "aliasing: write through a helper"),
    ("aliasing", lambda src, det: True, "aliasing: views/aliases and in-place writes"),
]


def guess_cause(outcome):
    """A best guess at which known cause a failing outcome hits ('unknown' if none)."""
    case = outcome.case
    text = case.call if case.call is not None else case.source
    for family, test, cause in CAUSES:
        if family in (case.family, None) and test(text, outcome.detail):
            return cause
    return "unknown"


# ---------------------------------------------------------------------------
# Command-line runner
# ---------------------------------------------------------------------------

def run_campaign(families, count, start=0, out=None, verbose=False):
    table = collections.OrderedDict((fam, collections.Counter()) for fam in families)
    failures, refused_generated = [], []
    for fam in families:
        for seed in range(start, start + count):
            case = generate(fam, seed)
            try:
                outcome = classify(case)
            except Exception as exc:  # noqa: BLE001 - a bug in the harness itself
                outcome = Outcome(CRASH, "HARNESS: " + describe_exception(exc), case)
            table[fam][outcome.kind] += 1
            if outcome.kind == REFUSED and ("TransformError: <astgrad" in outcome.detail
                                            or "cannot be differentiated twice" in outcome.detail):
                # refusing code astgrad generated itself (higher order): worth a report
                refused_generated.append((fam, seed, outcome))
            if outcome.kind in FAILING:
                failures.append((fam, seed, outcome))
                if verbose:
                    print(f"{fam} seed {seed}: {outcome.kind}: {outcome.detail[:200]}",
                          file=sys.stderr)
    return table, failures, refused_generated


def print_table(table, stream=sys.stdout):
    kinds = [OK, REFUSED, WRONG, CRASH, INVALID]
    print(f"{'family':<10}" + "".join(f"{k:>9}" for k in kinds) + f"{'total':>9}", file=stream)
    for fam, counts in table.items():
        print(f"{fam:<10}" + "".join(f"{counts[k]:>9}" for k in kinds)
              + f"{sum(counts.values()):>9}", file=stream)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100, help="programs per family")
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES),
                        help="a family to run (repeatable); default: all")
    parser.add_argument("--out", default="adversarial_failures.txt",
                        help="file for the failing programs")
    parser.add_argument("--minimize", action="store_true",
                        help="shrink each failing program before writing it (slower)")
    parser.add_argument("-v", "--verbose", action="store_true")
    opts = parser.parse_args(argv)
    families = opts.family or list(FAMILIES)
    table, failures, refused_generated = run_campaign(families, opts.count, opts.start,
                                                      verbose=opts.verbose)
    print_table(table)
    if refused_generated:
        print(f"\n{len(refused_generated)} refusals happened in astgrad's own generated code "
              "(second order); they are listed at the end of the output file")
    causes = collections.Counter(guess_cause(o) for _, _, o in failures)
    if causes:
        print("\nfailing programs by (guessed) cause:")
        for cause, count in causes.most_common():
            print(f"{count:>6}  {cause}")
    with open(opts.out, "w") as handle:
        for fam, seed, outcome in failures:
            if opts.minimize:
                small = minimize(outcome.case, outcome.kind)
                outcome = classify(small) if small is not outcome.case else outcome
            handle.write(f"### {fam} seed {seed}: {guess_cause(outcome)}\n"
                         f"{outcome.report()}\n\n")
        for fam, seed, outcome in refused_generated:
            handle.write(f"### {fam} seed {seed}: REFUSED in generated code\n"
                         f"{outcome.report()}\n\n")
    print(f"{len(failures)} failing programs written to {opts.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
