"""What reverse and forward mode share: calls of runtime helpers, comments naming the
source line, index values, and the derivatives of the user's own callees."""

import inspect

import gast

from . import runtime
from . import syntax as S
from .emit import comment


class Transform:
    zero_safe = False       # True for the twin that keeps zero derivatives zero (runtime.scale)

    def __init__(self, source, fn, namer, namespace):
        self.source = source
        self.fn = fn
        self.namer = namer
        self.namespace = namespace
        self.last_line = None

    def helper_call(self, helper, args):
        """A call of ``astgrad.runtime.<helper>``, bound to a name in the generated namespace."""
        obj = getattr(runtime, helper)
        node = S.call(S.name(self.namespace.ref(obj, helper)), args)
        node.target = obj
        return node

    def line_comment(self, stmt):
        """``# line N: <source>`` before the first statement generated from line N."""
        line = getattr(stmt, "lineno", None)
        if line is None or line == self.last_line:
            return []
        self.last_line = line
        text = self.source.line_text(stmt)
        return [comment(f"line {self.source.file_line(stmt)}: {text.strip()}" if text else "")]

    def index_value(self, index):
        """``x[1:3, ::2]``'s index as a value: ``np.s_[1:3, ::2]``."""
        if not any(isinstance(n, gast.Slice) for n in gast.walk(index)):
            return S.copy(index)
        import numpy
        base = gast.Attribute(value=S.name(self.namespace.ref(numpy, "numpy")), attr="s_", ctx=gast.Load())
        return gast.Subscript(value=base, slice=S.copy(index), ctx=gast.Load())

    def callee_derivative(self, stmt, op, has_derivative, derive):
        """For ``y = helper(a, b)``: the arguments with derivatives, and helper's own
        generated derivative w.r.t. their parameters (``derive(callee, wrt)``).

        Returns (compiled, [(parameter, atom), ...]); compiled is None when no argument
        has a derivative.
        """
        from .pipeline import RecursiveCall, parameter_names, underlying
        callee = underlying(op.key)
        names = parameter_names(callee)
        try:
            bound = inspect.signature(callee).bind(*op.args, **op.kwargs)
        except TypeError as exc:
            raise self.source.error(f"cannot call {op.label}: {exc}", stmt, construct=op.label) from None
        active = [(param, atom) for param, atom in bound.arguments.items()
                  if param in names and has_derivative(atom)]
        if not active:
            return None, []
        try:
            compiled = derive(callee, tuple(names.index(param) for param, _ in active))
        except RecursiveCall:
            raise self.source.error(f"recursive call to {callee.__qualname__}: astgrad cannot "
                                    "differentiate recursion; rewrite it as a loop", stmt,
                                    construct="recursion") from None
        return compiled, active


def range_targets(body):
    """Names bound only by ``for name in <a range>``: always ints. (The core form loops
    with a single name only over ranges.)"""
    bound, other = set(), set()
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            bound.add(node.target.id)
            node.range_loop = True
        elif isinstance(node, gast.Assign):
            other |= S.stored_names(node.targets[0])
        elif isinstance(node, gast.For):
            other |= S.stored_names(node.target)
    return bound - other


# Functions whose result is always a new array or list (never a view of an argument).
_FRESH_FUNCTIONS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                    "full_like", "eye", "identity", "array", "copy", "arange", "linspace",
                    "concatenate", "stack", "vstack", "hstack", "list", "dict"}


def creates_new_value(value):
    """Whether ``value`` certainly evaluates to a new object (not a view or an alias)."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.List, gast.Dict, gast.Constant)):
        return True
    if isinstance(value, gast.Call):
        if getattr(value, "method", None) == "copy":
            return True
        target = getattr(value, "target", None)
        return getattr(target, "__name__", None) in _FRESH_FUNCTIONS
    return False


# Operations whose result may share memory with an operand (views, the object itself).
_VIEW_FUNCTIONS = {"reshape", "ravel", "transpose", "swapaxes", "expand_dims", "squeeze",
                   "broadcast_to", "asarray", "asanyarray", "atleast_1d", "atleast_2d",
                   "atleast_3d", "moveaxis", "flip", "fliplr", "flipud", "diagonal", "real", "imag"}


def _may_share(value):
    """The names whose memory the result of ``value`` may share."""
    if isinstance(value, gast.Name):
        return {value.id}
    if isinstance(value, gast.Subscript):
        return S.names_in(value.value)
    if isinstance(value, gast.Attribute):
        return S.names_in(value.value) if value.attr not in ("shape", "ndim", "size", "dtype") else set()
    if isinstance(value, gast.Call):
        if getattr(value, "method", None) is not None:
            if value.func.attr in ("copy", "astype", "tolist", "item", "pop") or value.func.attr in \
                    ("sum", "mean", "prod", "max", "min", "dot", "std", "var", "cumsum", "trace"):
                return set()
            return S.names_in(value.func.value)     # x.reshape(...), x.T-like methods
        target = getattr(value, "target", None)
        if getattr(target, "__name__", None) in _VIEW_FUNCTIONS:
            return {a.id for a in value.args if isinstance(a, gast.Name)}
    return set()


def _element_read(stmt):
    """``v = y[i]`` with a single index: a number for a 1-D ``y``, a view (row) otherwise."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Name) \
        and isinstance(stmt.value.slice, (gast.Name, gast.Constant))


def check_in_place_writes(source, params, body, live_at_end=(), guard_element=None):
    """Refuse in-place changes astgrad could get wrong: a write into (``y[i] = v``,
    ``ys.append(v)``) or ``+=`` on a value while another live name may share its
    memory (an alias, a view, a list holding it), so that name would change too.
    Writes into arguments are refused as well (``y[i] = v``, ``append``); ``+=`` on
    numbers and on arrays nothing else refers to is fine."""
    from . import dataflow
    statements = list(S.statements(body))
    sharing = {}                    # name -> names that may share memory with it
    element_reads = {}              # v -> the statement v = y[i]
    holders = {}                    # name -> literals that hold it: changing it changes them
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name = stmt.targets[0].id
            if isinstance(stmt.value, (gast.List, gast.Tuple, gast.Dict)):
                elements = stmt.value.values if isinstance(stmt.value, gast.Dict) else stmt.value.elts
                for element in elements:
                    if isinstance(element, gast.Name):
                        holders.setdefault(element.id, set()).add(name)
            if _element_read(stmt):
                stmt.element_of = stmt.value.value.id
                element_reads.setdefault(name, []).append(stmt)
            for other in _may_share(stmt.value) - {name}:
                sharing.setdefault(name, set()).add(other)
                sharing.setdefault(other, set()).add(name)
    dataflow.liveness(body, set(live_at_end))

    def group(name):
        """Names whose value changes when ``name``'s object is changed in place: those
        sharing its memory, and the lists, tuples and dicts holding any of them."""
        seen, todo = {name}, [name]
        while todo:
            current = todo.pop()
            for other in sharing.get(current, set()) | holders.get(current, set()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen - {name}

    def refuse(name, stmt, action):
        raise source.error(
            f"{action} '{name}' while another name may share its memory (an argument, an alias, "
            f"a view or a list holding it), so that value would change too and astgrad cannot "
            f"follow it. Write into a copy ({name} = {name}.copy()) or build a new value "
            f"({name} = {name} + ...)", stmt, construct="in-place write")

    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            name, action = stmt.targets[0].value.id, "assignment into an element of"
            strict = True
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and getattr(stmt.value, "method", None) == "append" \
                and isinstance(stmt.value.func.value, gast.Name):
            name, action, strict = stmt.value.func.value.id, "append to", True
        elif getattr(stmt, "augmented", False) and isinstance(stmt.value, gast.BinOp) \
                and isinstance(stmt.value.left, gast.Name):
            name, action, strict = stmt.value.left.id, "augmented assignment (+= and the like) on", False
        else:
            continue
        shared = group(name)
        if strict and (name in params or shared & set(params)):
            refuse(name, stmt, action)
        conflicts = shared & getattr(stmt, "live_out", set())
        # v = y[i] is a number for a 1-D y (no sharing) and a row view otherwise: such
        # reads are checked when they run instead of refused here
        guarded = {v for v in conflicts if guard_element is not None and v in element_reads
                   and all(read.element_of == name for read in element_reads[v])}
        if conflicts - guarded:
            refuse(name, stmt, action)
        for v in guarded:
            for read in element_reads[v]:
                if not getattr(read, "guarded", False):
                    read.value = guard_element(read.value.value, read.value.slice)
                    read.guarded = True


def _is_augmented(value, name):
    return isinstance(value, gast.BinOp) and isinstance(value.left, gast.Name) and value.left.id == name


def check_effect_call(source, stmt, active):
    """A call made for its effect (its value unused) on a differentiated value: only
    ``xs.append(v)`` is understood; anything else could change a value unseen."""
    from .rules import registry
    call = stmt.value
    method = getattr(call, "method", None)
    if method is not None:
        owner = call.func.value
        if isinstance(owner, gast.Name) and owner.id in active \
                and (method != "append" or call.keywords or len(call.args) != 1):
            raise source.error(
                f"the method call .{method}() changes a differentiated value in place, which "
                "astgrad cannot differentiate; build a new value instead (append is supported)",
                stmt, construct=f".{method}()")
        return
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if any(isinstance(a, gast.Name) and a.id in active for a in arguments):
        target = getattr(call, "target", None)
        if target is None or not registry.is_non_differentiable(target):
            what = registry.describe(target) if target is not None else "a function value"
            raise source.error(
                f"calling {what} for its effect on a differentiated value (e.g. through out=): "
                "astgrad cannot see what it changes; use its return value instead",
                stmt, construct=what)
