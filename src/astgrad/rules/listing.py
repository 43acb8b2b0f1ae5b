"""The public view of the rule table: ``astgrad.rules()``, its table and docs/rules.md.

One :class:`Rule` per public function astgrad can differentiate through (NumPy, ``math``,
builtins, ``operator``, SciPy when it is installed): its name as a user writes it, the
modes it has rules for, the orders (``"any"`` where every function its templates call
has rules again, so derivatives can be differentiated again; ``"1"`` otherwise) and how
the rule is declared. astgrad's own runtime helpers are not listed.
"""

import dataclasses
import fnmatch
import importlib
import importlib.util

import gast
import numpy

from . import registry
from .optional import OWN_LATER, load_imported

MODES = ("reverse", "forward")
REGENERATE = "python -m astgrad rules --markdown > docs/rules.md"


@dataclasses.dataclass(frozen=True)
class Rule:
    """A public function with derivative rules (or declared to have no derivative)."""

    name: str           # numpy.linalg.svd, numpy.ndarray.sum, math.erf, len, operator.add
    modes: tuple        # ("reverse", "forward"), or one of them
    orders: str         # "any" (higher orders too) or "1"
    kind: str           # "elementwise", "linear", "templates", "non-differentiable"


def rules(pattern=None):
    """The public functions astgrad differentiates, sorted by name.

    ``pattern`` keeps the names matching it: a shell pattern (``numpy.linalg.*``) if it
    has ``*``, ``?`` or ``[``, otherwise a case-insensitive substring (``"svd"``).
    SciPy's rules are included when SciPy is installed.
    """
    _load_scipy()
    for module in OWN_LATER:        # the rules astgrad registers once a module is imported
        importlib.import_module(module)
    load_imported()
    records = {}
    for obj, record in _public_records():
        for name in registry.public_names(obj):
            records.setdefault(name, record)
    higher = _higher_order(records.values())
    entries = [Rule(name, _modes(record), "any" if id(record) in higher else "1", record.kind)
               for name, record in records.items()]
    return sorted((e for e in entries if _matches(e.name, pattern)), key=lambda e: e.name.lower())


def _matches(name, pattern):
    if not pattern:
        return True
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(name.lower(), pattern.lower())
    return pattern.lower() in name.lower()


def _load_scipy():
    """Import the SciPy modules that have rules, if SciPy is installed, and register them."""
    if importlib.util.find_spec("scipy") is None:
        return
    for module in ("scipy.special", "scipy.stats", "scipy.linalg"):
        importlib.import_module(module)
    load_imported()


def _public_records():
    for record in {id(r): r for r in list(registry.PRIMITIVES.values())}.values():
        if record.differentiable and record.adjoint is None and record.tangent is None:
            continue                        # facts only: no rule
        for obj in (record.function,) + tuple(record.methods):
            if registry.public_name(obj) is not None:
                yield obj, record


def _modes(record):
    return MODES if not record.differentiable else record.modes


# -- orders ----------------------------------------------------------------------------------

def _higher_order(public):
    """The ids of the records (among ``public``, and what their templates call) whose
    templates call only functions that have rules, recursively: their derivatives can
    be differentiated again."""
    calls, seen, todo, refusing = {}, set(), list(public), set()
    listed = {id(record) for record in public}
    while todo:
        record = todo.pop()
        if id(record) in seen:
            continue
        seen.add(id(record))
        callees, refuses = _callees(record)
        calls[id(record)] = callees
        if refuses and id(record) not in listed:
            refusing.add(id(record))        # a helper of a rule differentiated once
        todo.extend(c for c in callees if c is not None)
    good = {key for key, callees in calls.items() if None not in callees and key not in refusing}
    changed = True
    while changed:                          # drop records calling a record that was dropped
        changed = False
        for key in list(good):
            if any(id(c) not in good for c in calls[key]):
                good.discard(key)
                changed = True
    return good


def _callees(record):
    """(The records of the functions the record's templates call, None for a call that
    has no rule or that cannot be resolved; whether every statement of its templates
    refuses, ``unsupported``: a helper differentiated once, whose derivative says why not)."""
    if not record.differentiable:
        return [], False
    found, refusing = [], True
    for template in (record.adjoint, record.tangent):
        if template is None:
            continue
        for stmt in template.body:
            calls = [node for node in gast.walk(stmt) if isinstance(node, gast.Call)]
            refusing &= any(_resolved(template, node.func) is registry.unsupported for node in calls)
            found.extend(_callee(template, node.func) for node in calls)
    return found, refusing and bool(found)


def _callee(template, func):
    obj = _resolved(template, func)
    if isinstance(obj, _MethodKey):
        return registry.PRIMITIVES.get(obj.key) if obj.key is not None else None
    record = registry.primitive(obj) if obj is not None else None
    return record if record is not None and record.has_rules else None


@dataclasses.dataclass(frozen=True)
class _MethodKey:
    key: object         # a method of a value (x.conj()): its key in the table, or None


def _resolved(template, func):
    """What ``func`` (a template's callee) names: an object, a _MethodKey, or None."""
    path = []
    while isinstance(func, gast.Attribute):
        path.append(func.attr)
        func = func.value
    if not isinstance(func, gast.Name):
        return None
    if func.id in template.param_names:             # a method of a value: x.conj()
        return _MethodKey(registry.method_key(path[0]) if len(path) == 1 else None)
    obj = template.globals.get(func.id, getattr(__builtins__, func.id, None)
                               if not isinstance(__builtins__, dict) else __builtins__.get(func.id))
    for part in reversed(path):
        obj = getattr(obj, part, None)
    return obj


# -- text ------------------------------------------------------------------------------------

def table(entries):
    """A plain-text table of ``entries`` for the terminal."""
    width = max([len("function")] + [len(e.name) for e in entries])
    lines = [f"{'function':<{width}}  {'reverse':<7}  {'forward':<7}  {'orders':<6}  kind"]
    for e in entries:
        lines.append(f"{e.name:<{width}}  {_mark(e, 'reverse'):<7}  {_mark(e, 'forward'):<7}  "
                     f"{e.orders:<6}  {e.kind}")
    return "\n".join(lines)


def _mark(entry, mode):
    return "yes" if mode in entry.modes else "-"


# (heading, which names) in page order; SciPy last, so the page without SciPy is a prefix
SECTIONS = (("NumPy", lambda n: n.startswith("numpy.") and n.count(".") == 1),
            ("numpy.linalg", lambda n: n.startswith("numpy.linalg.")),
            ("numpy.fft", lambda n: n.startswith("numpy.fft.")),
            ("numpy.polynomial.polynomial", lambda n: n.startswith("numpy.polynomial.polynomial.")),
            ("numpy.lib.stride_tricks", lambda n: n.startswith("numpy.lib.stride_tricks.")),
            ("numpy.ndarray methods and attributes", lambda n: n.startswith("numpy.ndarray.")),
            ("NumPy ufunc methods", lambda n: n.startswith("numpy.") and n.count(".") == 2
             and n.split(".")[1] not in ("linalg", "fft", "ndarray")),
            ("math", lambda n: n.startswith("math.")),
            ("operator", lambda n: n.startswith("operator.")),
            ("Builtins", lambda n: not n.startswith(("numpy.", "math.", "operator.", "scipy."))),
            (SCIPY_SECTION := "SciPy (optional)", lambda n: n.startswith("scipy.")))

_INTRO = """\
# Supported functions

Every public function astgrad differentiates through, generated from its rule table
(`{command}`; `python -m astgrad rules PATTERN` prints the same in a terminal, and
`astgrad.rules(pattern)` returns it as a list).

- **reverse** / **forward**: the function has a rule for `grad`/`vjp` and for `jvp`.
- **orders**: `any` means the derivative code it generates can be differentiated again
  (gradients of gradients, Hessians), to any order.
- **kind**: `elementwise` and `linear` rules are declared by their derivative alone;
  `templates` have hand-written adjoint and tangent templates; `non-differentiable`
  functions run unchanged and pass no derivative (shapes, comparisons, integer results).

The SciPy section lists what is available once SciPy is installed (`pip install astgrad[scipy]`).
The names are those of NumPy {numpy_version}; other NumPy versions add or drop a few aliases.
"""


def numpy_version():
    """NumPy's major.minor version, which decides the names the table lists."""
    return ".".join(numpy.__version__.split(".")[:2])


def markdown(entries):
    """docs/rules.md: the entries as one table per section."""
    parts = [_INTRO.format(command=REGENERATE, numpy_version=numpy_version())]
    for heading, belongs in SECTIONS:
        rows = [e for e in entries if belongs(e.name)]
        if not rows:
            continue
        parts.append(f"\n## {heading}\n\n| function | reverse | forward | orders | kind |\n|---|---|---|---|---|\n")
        parts.append("".join(f"| `{e.name}` | {_mark(e, 'reverse')} | {_mark(e, 'forward')} | {e.orders} "
                             f"| {e.kind} |\n" for e in rows))
    return "".join(parts)
