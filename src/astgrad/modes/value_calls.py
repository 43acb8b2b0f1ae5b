"""A callee's value in reverse mode, from code made with its derivative.

The forward sweep needs ``y = helper(x)``'s value; the adjoint calls ``grad_helper``,
which holds the objects the guards checked (``pipeline.pinned_names``). Calling the
user's ``helper`` would read its globals when its lines run: another thread rebinding
one between the guard check and the call would give the value of one function and the
derivative of another. The forward sweep calls ``value_helper`` instead: the helper's
own code, made from the same reading of its names as its derivative, holding the same
objects, returning its value alone."""

import ast

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.ops import OpKind
from ..core.functions import underlying
from ..errors import TransformError
from ..rebound_places import is_generated


def call_value_code(mode, stmt, op):
    """Have ``stmt`` (``y = helper(a, b)``, helper differentiated on its own) call
    helper's value code. A helper whose value code cannot be made keeps its call, as do
    generated code (a derivative differentiated again), which holds its objects already,
    and a variant astgrad made of a function for the functions it is given, or a helper
    whose value code calls one (that value code, differentiated again, would not know
    those functions)."""
    call = stmt.value
    if op.kind is not OpKind.FUNCTION or not _named_function(call, op) or is_generated(op.key) \
            or _specialized(underlying(op.key)):
        return
    try:
        value = mode.callees.derive(underlying(op.key), "value", ())
    except TransformError:
        return
    if getattr(value, "__name__", "").startswith("value_") and not copies_what_it_writes(value) \
            and not any(map(_specialized, _held(value))):
        call.func = S.name(mode.namespace.ref(value, value.__name__))
        anno.set(call, Key.TARGET, value)


def _named_function(call, op):
    """Whether ``call`` names its function: ``helper(a)``, or ``helpers.helper(a)`` of a
    module (no receiver handed on), whose call run as it is would run the helper's
    lines, and the hooks they reach, before its derivative's checks refuse them."""
    return isinstance(call.func, gast.Name) or op.receiver is None and isinstance(call.func, gast.Attribute)


def _held(fn):
    """What ``fn``'s closure cells hold (an empty cell holds nothing)."""
    for cell in fn.__closure__ or ():
        try:
            yield cell.cell_contents
        except ValueError:
            pass


def _specialized(obj):
    """Whether ``obj`` is a variant astgrad made of a function for the functions it is given."""
    try:
        return getattr(obj, "__astgrad_specializes__", None) is not None
    except Exception:       # noqa: BLE001 - an object of the user's whose __getattr__ raises: not ours
        return False


# the runtime helpers through which generated code writes into a copy of what it was given
_COPYING = frozenset({"copy_argument", "deep_copy", "shallow_copy", "written_copy", "items_unshared_by_copy",
                      "item_of_copy_apart"})


def copies_what_it_writes(value):
    """Whether the value code writes into a copy of an argument (or of an object it
    reaches), where the helper writes into the caller's object itself (a list it
    appends to, a default list Python keeps from call to call): then the forward sweep
    calls the helper, which makes the caller's object what Python's call leaves."""
    code = value.__code__
    return not _COPYING.isdisjoint(code.co_freevars + code.co_names)


def copied_parameters(value):
    """The parameters the value code writes into copies of (``copy_argument(x)``, ``x`` a
    parameter never rebound), as a frozenset (empty where it copies nothing), or None
    where it copies anything else (an object it reaches) or cannot be read."""
    if not copies_what_it_writes(value):
        return frozenset()
    source = getattr(value, "source", None)
    if source is None:
        return None
    tree = ast.parse(source)
    signature = tree.body[0].args
    parameters = signature.posonlyargs + signature.args + signature.kwonlyargs
    copied, rebound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _COPYING:
            argument = node.args[0] if len(node.args) == 1 and not node.keywords else None
            if node.func.id != "copy_argument" or not isinstance(argument, ast.Name):
                return None
            copied.add(argument.id)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            rebound.add(node.id)
        elif isinstance(node, ast.arg) and not any(node is parameter for parameter in parameters):
            rebound.add(node.arg)       # a nested function's parameter
    # a name rebound (or shadowed) may hold another object where it is copied
    return frozenset(copied) if copied <= {p.arg for p in parameters} and not copied & rebound else None
