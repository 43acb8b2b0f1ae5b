"""A method that changes its object, taken as a value from a list, dict, set or array of
the function's own (a parameter or a name it binds) and carried off: held in a list,
tuple, dict or set (``ops = [a.__imul__]``), built by a comprehension, stored on an
object, a default argument of a nested def or lambda, handed to a call
(``functools.partial(a.__setitem__, 0)``, ``map(xs.append, vals)``, ``apply(a.fill,
w)``), returned (from a helper); ``getattr(a, "fill")`` and
``operator.methodcaller("fill", w)`` the same.

Called through the value, the method changes its object where no line of the function
names it, and the derivative, which follows values by the names lines read and write,
misses the change (a zero or partial gradient, with no error). It is refused where the
method is taken, naming it. Bound to a plain name (``app = xs.append``) it stays for
held_methods.py to judge at each call; such a name carried off is refused as the method
is. A method of an object of a class of the user's (``ops = [acc.add]``) is followed as
that method (method_values.py) and is not judged here: the class decides, not the
method's name (``acc.update``, ``acc.pop``). Where the object is an argument's, whose class
the code made before the arguments are given does not know, the refusal waits for them."""

import operator

import gast

from ...core import syntax as S
from ...core.changing_methods import CHANGING_METHODS, MORE_CHANGING_METHODS
from ...errors import function_value_unknown
from .. import object_layouts as L
from ..written_in import text_of
from .scopes import given_or_looped_over, parameters

# the operator methods changing their object that self_containers.py follows when called by name
OPERATOR_CALLS = frozenset({"__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__",
                           "__imod__", "__ipow__", "__imatmul__"})
# the methods of lists, dicts, sets, deques and arrays that change their object, and the
# operator methods doing so when called by name
CHANGING = CHANGING_METHODS | MORE_CHANGING_METHODS | OPERATOR_CALLS | frozenset({
    "__delitem__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__"})


def refuse_escaping_methods(normalizer, tree, nodes):
    """Raise the refusal of the first changing method of the function's own value that
    ``tree`` (its nodes ``nodes``) carries off as a value, if any."""
    if not any(_names_a_changing_method(node) for node in nodes):
        return      # (most code: no walk for parents)
    owned = _owned_names(tree, nodes)
    parents = {id(child): node for node in nodes for child in S.child_nodes(node)}
    holders = _holders(normalizer, nodes, owned, parents)
    for node in nodes:
        taken = _changing_method(normalizer, node, owned, holders)
        parent = parents.get(id(node))
        if taken is None or _bound_to_a_name(node, parent):
            continue
        taken, changed = taken
        if isinstance(parent, gast.Call) and parent.func is node and changed is not None:
            continue        # called at once: followed or refused by what the method does
        normalizer.line = getattr(node, "lineno", None) or getattr(parent, "lineno", normalizer.line)
        error = normalizer._refuse(
            f"the method {taken} taken as a value ({_how(node, parent)}): called through it, it changes "
            f"{_changed(changed)} in place on a line that names neither, which the derivative cannot see",
            node if getattr(node, "lineno", None) else parent,
            f"call the method on its object where the change is made ({taken}(...)), or build the new value "
            "and assign it; astgrad follows or refuses such a call by what the method does")
        raise function_value_unknown(error) if _from_an_argument(tree, node) else error


def _names_a_changing_method(node):
    """Whether ``node`` is ``<value>.fill`` or a call given the name ``"fill"`` (any
    changing method's), which ``_changing_method`` looks at further."""
    kind = type(node)
    return kind is gast.Attribute and node.attr in CHANGING or kind is gast.Call and any(
        type(arg) is gast.Constant and isinstance(arg.value, str) and arg.value in CHANGING for arg in node.args[:2])


def _holders(normalizer, nodes, owned, parents):
    """{name: (method text, changed text)} for the names bound to a changing method
    (``app = xs.append``), or to such a name (``g = app``), anywhere in the function."""
    holders = {}
    while True:
        found = {parent.targets[0].id: taken for node in nodes
                 if _bound_to_a_name(node, parent := parents.get(id(node)))
                 and (taken := _changing_method(normalizer, node, owned, holders)) is not None}
        if found.keys() <= holders.keys():
            return holders
        holders.update(found)


def _bound_to_a_name(node, parent):
    """Whether ``node`` is the whole value of an assignment to one name."""
    return isinstance(parent, gast.Assign) and parent.value is node and len(parent.targets) == 1 \
        and isinstance(parent.targets[0], gast.Name)


def _changing_method(normalizer, node, owned, holders):
    """(the text of the changing method ``node`` is: ``a.fill``, ``getattr(a, "fill")``, a
    name holding one, ``operator.methodcaller("fill", w)``; the text of the value it changes,
    None for a methodcaller, which changes what it is called on), or None."""
    if isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Load) and node.attr in CHANGING:
        root = node.value
        while isinstance(root, (gast.Attribute, gast.Subscript)):
            root = root.value
        if isinstance(root, gast.Name) and root.id in owned and not _users_object(normalizer, node.value):
            return f"{text_of(node.value)}.{node.attr}", text_of(node.value)
    if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in holders:
        return holders[node.id]
    if isinstance(node, gast.Call) and node.args and isinstance(node.args[0], gast.Constant) \
            and node.args[0].value in CHANGING:
        if _resolved(normalizer, node.func, owned) is operator.methodcaller:
            return f"operator.methodcaller({node.args[0].value!r})", None
    if isinstance(node, gast.Call) and len(node.args) == 2 and isinstance(node.args[1], gast.Constant) \
            and node.args[1].value in CHANGING and isinstance(node.args[0], gast.Name) \
            and node.args[0].id in owned and _resolved(normalizer, node.func, owned) is getattr:
        return f"{node.args[0].id}.{node.args[1].value}", node.args[0].id
    return None


def _resolved(normalizer, func, owned):
    """The object a callee path (``getattr``, ``operator.methodcaller``) names, or None."""
    path = S.dotted_path(func)
    if path is None or path[0] in owned:
        return None
    try:
        return normalizer.source.resolve_path(path, depend=False)
    except Exception:       # (a name unbound now: refused, if at all, where it is called)
        return None


def _users_object(normalizer, receiver):
    """Whether ``receiver`` reads an object of a class of the user's: an argument or name
    standing for an object's layout, or a name each assignment of the function binds to
    an object of such a class the code shows: built (``Acc(v)``) or returned by a call
    building one (``Acc.create(v)``, ``p.derivative()``: built_objects.static_layout)."""
    layout = normalizer.layout(receiver)
    if layout is not None:
        return layout[0] == L.OBJECT        # (a list of objects, ITEMS, has a list's methods)
    if not isinstance(receiver, gast.Name):
        return False
    bindings = [node.value for node in gast.walk(normalizer.source.tree) if isinstance(node, gast.Assign)
                and any(isinstance(t, gast.Name) and t.id == receiver.id for t in node.targets)]
    return bool(bindings) and all(_builds_users_object(normalizer, value) for value in bindings)


def _builds_users_object(normalizer, value):
    """Whether the call ``value`` makes an object of a class of the user's the code shows."""
    if not isinstance(value, gast.Call):
        return False
    if normalizer.built_class_of(value) is not None:
        return True
    layout = normalizer.static_layout(value, L._DEPTH)
    return layout is not None and layout[0] == L.OBJECT


def _from_an_argument(tree, node):
    """Whether the method ``node`` takes (``acc.update``) is one of an argument's value or
    of a loop's name over an argument (``for a in accs``), whose class the code made before
    the arguments are given does not know: the refusal then waits for them
    (FunctionValueUnknown), and the code made for them decides by the object's class:
    a method of the user's is followed (method_values.py), a list's, dict's, set's or
    array's refused as here."""
    if not isinstance(node, gast.Attribute):
        return False
    root = node.value
    while isinstance(root, (gast.Attribute, gast.Subscript)):
        root = root.value
    return isinstance(root, gast.Name) and given_or_looped_over(tree, root.id)


def _owned_names(tree, nodes):
    """The parameters of ``tree`` and of the functions it defines, and the names they bind."""
    owned = set(parameters(tree))
    for node in nodes:
        if isinstance(node, (gast.FunctionDef, gast.Lambda)):
            owned.update(parameters(node))
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            owned.add(node.id)
    return owned


def _changed(receiver):
    """The value a method changes, in words."""
    return f"'{receiver}'" if receiver is not None else "the value it is called on"


def _how(node, parent):
    """How ``node`` (its parent ``parent``) is carried off, in words."""
    if isinstance(parent, (gast.List, gast.Tuple, gast.Set, gast.Dict)):
        return f"held in a {type(parent).__name__.lower()}"
    if isinstance(parent, (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.comprehension)):
        return "built by a comprehension"
    if isinstance(parent, gast.arguments):
        return "a default argument"
    if isinstance(parent, gast.Call) and parent.func is node:
        return "called on a value"
    if isinstance(parent, (gast.Call, gast.keyword)):
        return "handed to a call"
    if isinstance(parent, gast.Return):
        return "returned"
    if isinstance(parent, gast.Assign):
        return "stored"
    return "carried off"
