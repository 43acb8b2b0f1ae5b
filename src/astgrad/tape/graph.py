"""The recorded graph: ``Node`` (one recorded operation), ``Ref`` (a placeholder for a
recorded input in a node's arguments) and ``op_info``, which says whether a primitive
can be recorded and which of its arguments its derivative rule differentiates.

The recorder (record.py) builds nodes, program.py walks them; this module imports
neither, nor the Tensor class.
"""

import itertools
import operator
import threading
import weakref

import gast
import numpy

from ..api import Differentiable
from ..rules.registry import ADJOINTS, NON_DIFFERENTIABLE, derivative_target, rule_key

__all__ = ["next_seq", "Ref", "REFS", "ref", "REF_CODES", "FLOAT_CODE", "signature", "WRITES", "EXPOSED", "written", "exposed", "is_exposed", "Node", "set_source_renderer", "set_namer", "op_info", "position_tracked",
           "keyword_tracked", "describe", "NoRuleError", "no_rule_error"]


# -- recorded nodes -------------------------------------------------------------------------

class Ref:
    """Placeholder for ``node.parents[k]`` in a recorded argument list."""

    __slots__ = ("k",)

    def __init__(self, k):
        self.k = k

    def __repr__(self):
        return f"Ref({self.k})"


REFS = [Ref(k) for k in range(16)]
_next_seq = itertools.count().__next__


def next_seq():
    """A recording order number: the nodes recorded from now on have larger ones."""
    return _next_seq()


def ref(k):
    return REFS[k] if k < 16 else Ref(k)


# how a node's signature (program.py) describes an argument: parents[k], a float constant
REF_CODES = [("r", k) for k in range(16)]
FLOAT_CODE = ("f",)
_signatures = {}            # (op, argument codes) -> signature; ops x a few patterns: bounded


def signature(op, codes):
    """The structural signature of a node calling ``op`` (hashable) on arguments
    described by ``codes``, without keywords: made once per pattern, shared by nodes
    (the recorder sets it for arithmetic, so the program walk need not)."""
    sig = _signatures.get((op, codes))
    if sig is None:
        sig = _signatures[(op, codes)] = (rule_key(op), codes, ())
    return sig


class _Generating(threading.local):
    """``depth`` > 0 while astgrad's generated code runs on tensors in this thread
    (create_graph=True): the nodes it records are astgrad's, not the user's operations,
    so PyTorch's refusal of a saved tensor changed in place since (versions.py) is not
    theirs: the program walk takes the value each used (its ghost), as for the user's
    writes PyTorch allows. Per thread: another thread's operations meanwhile are the user's."""
    depth = 0
    first_order = None      # what the graph being differentiated saved (second_order.py)


GENERATED = _Generating()


# the recording order number at the latest in-place write or rebinding of a tensor's
# array: a node recorded after it still holds what its operation returned, unless its
# memory was handed out of the tape (EXPOSED) and written there
WRITES = [0]
EXPOSED = weakref.WeakValueDictionary()     # id(array) -> array: memory reachable from outside


def written():
    """Note that memory recorded values may live in may change from now on."""
    WRITES[0] = _next_seq()


def exposed(array):
    """Note that ``array`` (and the arrays it views) is reachable from outside the tape
    (``numpy()``, ``numpy.asarray(t)``, ``from_numpy``), where it may be written unseen."""
    while isinstance(array, numpy.ndarray):
        EXPOSED[id(array)] = array
        array = array.base


def is_exposed(array):
    """Whether ``array``'s memory may have been handed out of the tape (see ``exposed``)."""
    while True:
        if id(array) in EXPOSED:
            return True
        base = array.base
        if not isinstance(base, numpy.ndarray):
            return False
        array = base


# program.py turns a recording into source; it is built on the types here, so instead of
# being imported by them it registers its renderer (for ``Node.source``) when it loads
_render_source = None


def _default_name(node):
    return _node_name(node.op)


_namer = _default_name


def set_namer(namer):
    """Make ``namer(node)`` what ``node.name()`` returns (grad_fn.py registers PyTorch's names)."""
    global _namer
    _namer = namer


def set_source_renderer(render):
    """Make ``render(node)`` what ``node.source`` returns."""
    global _render_source
    _render_source = render


class Node:
    """One recorded operation; ``tensor.grad_fn`` of the tensor it produced.

    ``op`` is the primitive, ``args``/``kwargs`` its arguments (``Ref(k)`` for
    ``parents[k]``), ``versions`` the parents' in-place versions when recorded.
    """

    __slots__ = ("op", "args", "kwargs", "parents", "versions", "sig", "consts", "seq", "made_at",
                 "constants", "freed", "generated", "first_order", "__weakref__")

    def __init__(self, op, args, kwargs, parents, versions):
        self.seq = _next_seq()      # recording order: a node's parents always come earlier
        self.op = op
        self.args = args
        self.kwargs = kwargs
        self.parents = parents
        self.versions = versions
        self.sig = None             # the structural key, computed on first use (program.py)
        self.consts = None
        self.made_at = 0            # its tensor's version when the node became its grad_fn
        self.constants = None       # ((position, tensor, version), ...) of tensors taken as constants
        self.freed = False          # a backward ran through it without retain_graph (freeing.py)
        self.generated = GENERATED.depth > 0    # recorded by astgrad's generated code (see GENERATED)
        # for a node of a gradient recorded with create_graph=True: what it read (second_order.py)
        self.first_order = GENERATED.first_order if self.generated else None

    def name(self):
        """PyTorch's name: ``MulBackward0``, ``SinBackward0``, ... (grad_fn.py)."""
        return _namer(self)

    @property
    def next_functions(self):
        return tuple((p._node, 0) for p in self.parents)

    @property
    def source(self):
        """The recorded program that computes this node's tensor from its leaves, as
        the Python source astgrad differentiates (leaves requiring grad are x0, x1, ...)."""
        return _render_source(self)

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"


_OPERATOR_NAMES = {
    operator.add: "Add", operator.sub: "Sub", operator.mul: "Mul", operator.truediv: "Div",
    operator.pow: "Pow", operator.matmul: "Matmul", operator.neg: "Neg", operator.pos: "Pos",
    operator.mod: "Remainder", operator.getitem: "Index",
}


def _node_name(op):
    name = _OPERATOR_NAMES.get(op)
    if name is None:
        raw = getattr(op, "__name__", None) or type(op).__name__
        name = "".join(part[:1].upper() + part[1:] for part in raw.strip("_").split("_")) or "Call"
    return name + "Backward0"


# -- what may be recorded ----------------------------------------------------------------------

_ALL = None                 # every argument position is differentiable
_op_info_cache = {}         # rule key -> op_info, for primitives with rules only (a bounded set)


def op_info(op):
    """('diff', positions) for a primitive with an adjoint rule (positions: which
    arguments the rule differentiates, or None for all), ('nondiff', None) for a
    function whose result carries no derivative, ('unknown', None) otherwise."""
    key = rule_key(op)
    try:
        return _op_info_cache[key]
    except KeyError:
        pass
    template = ADJOINTS.get(key)
    if template is not None:
        info = ("diff", _positions(template))
    elif isinstance(op, Differentiable):
        return ("diff", _ALL)       # not cached (nor below): the cache would keep user functions alive
    elif key in NON_DIFFERENTIABLE:
        info = ("nondiff", None)
    else:
        return ("unknown", None)
    try:
        _op_info_cache[key] = info
    except TypeError:
        pass
    return info


def _positions(template):
    """Which arguments of the primitive the adjoint template assigns ``d[...]`` to:
    (flags for fixed positions, whether *args are, names for keywords)."""
    targets = set()
    for stmt in template.body:
        for sub in gast.walk(stmt):
            target = derivative_target(sub)
            if target is not None:
                targets.add(target)
    params = list(template.signature.parameters.values())
    names = {p.name for p in params}
    if not targets <= names:
        return _ALL
    fixed, var = [], False
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            fixed.append(p.name in targets)
        elif p.kind is p.VAR_POSITIONAL:
            var = p.name in targets
    if all(fixed) and (var or not any(p.kind is p.VAR_POSITIONAL for p in params)) and targets == names:
        return _ALL
    return (tuple(fixed), var, frozenset(targets))


def position_tracked(positions, i):
    if positions is _ALL:
        return True
    fixed, var, _ = positions
    return fixed[i] if i < len(fixed) else var


def keyword_tracked(positions, name):
    return positions is _ALL or name in positions[2]


def describe(op):
    if isinstance(op, numpy.ufunc):
        return f"numpy.{op.__name__}"
    module = getattr(op, "__module__", None) or ""
    name = getattr(op, "__qualname__", None) or getattr(op, "__name__", None) or repr(op)
    if module.startswith("numpy"):
        module = "numpy.linalg" if module.startswith("numpy.linalg") else "numpy"
    return f"{module}.{name}" if module and module != "builtins" else name


class NoRuleError(TypeError):
    """A function without a derivative rule was called on a tensor that requires grad."""


def no_rule_error(op):
    name = describe(op)
    return NoRuleError(
        f"{name} has no derivative rule in astgrad, so it cannot be recorded on a tensor that "
        f"requires grad (its derivative would be silently lost). Call it under "
        f"astgrad.no_grad() or on tensor.detach() if no derivative should flow, or register "
        f"a rule with @astgrad.adjoint({name})")
