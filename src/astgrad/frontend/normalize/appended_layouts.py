"""The layout of a list a subclass's ``__init__`` appends to after its base's built it
(``super().__init__(Dense(a)); self.layers.append(Doubled(b))``, the base's ``__init__``
storing ``self.layers = [first]``): the objects the list holds, in order, where each is
built by a construction the code shows, so that ``for l in m.layers: l.apply(x)`` on
the object ``m = Deep(a, b)`` follows each layer's own ``apply``.

Known only where base_list_appends.py shows the list is the object's alone
(``fresh_base_lists``), the base's display and each append are statements at the top
level (no append in a loop or a branch, whose number is not known here), and each item
is a construction of a class in the caller's terms (instances.py's ``_in_callers_terms``)
or a parameter given one. Anything else leaves the layout unknown (the call of the
method is refused as before)."""

import inspect

import gast

from ...core import syntax as S
from ...core.missing import MISSING
from .base_list_appends import fresh_base_lists
from .held_functions import attribute_stores
from .instances import _in_callers_terms, function_tree, leading_super_init, super_init


def appended_items(cls, init, given, caller, unknown):
    """(attribute, list display of constructions in the caller's terms) for each list the
    ``__init__`` ``init`` of ``cls`` appends to after the base's ``__init__`` built it,
    ``given`` the arguments of the call building the object ({parameter: node})."""
    parent = super_init(cls, init)
    tree = _own_tree(init, caller)
    parent_tree = _own_tree(parent, caller) if parent not in (None, MISSING) else None
    call = leading_super_init(tree) if tree is not None else None
    if call is None or parent_tree is None:
        return []
    me, names = _parameters(tree)
    parent_me, parent_names = _parameters(parent_tree)
    unknown = (S.stored_names(tree) - {me}) | set(unknown)
    handed = [_item(arg, given, names, unknown) for arg in call.args]
    keywords = {kw.arg: _item(kw.value, given, names, unknown) for kw in call.keywords}
    try:
        parent_given = dict(inspect.signature(parent).bind(None, *handed, **keywords).arguments)
    except TypeError:
        return []
    parent_unknown = (S.stored_names(parent_tree) - {parent_me}) | set(unknown)
    found = []
    for attr in sorted(fresh_base_lists(tree, parent_tree)):
        built = [value for target, value in attribute_stores(parent_tree, parent_me) if target.attr == attr]
        appends = [stmt.value.args[0] for stmt in tree.body if _appends_to(stmt, me, attr)]
        named = sum(isinstance(n, gast.Attribute) and n.attr == attr and isinstance(n.value, gast.Name)
                    and n.value.id == me for n in S.walk_nodes(tree))
        if len(built) != 1 or not isinstance(built[0], gast.List) or len(appends) != named:
            continue        # (an append in a loop or a branch: how many items is not known here)
        items = [_item(e, parent_given, parent_names, parent_unknown) for e in built[0].elts] \
            + [_item(v, given, names, unknown) for v in appends]
        if items and all(isinstance(item, gast.Call) for item in items):
            found.append((attr, gast.List(elts=items, ctx=gast.Load())))
    return found


def _own_tree(init, caller):
    """The tree of ``init`` where it reads the globals ``caller`` reads and no closure
    (but the ``__class__`` cell ``super()`` reads)."""
    same = getattr(init, "__globals__", None) is getattr(caller, "__globals__", None)
    own = same and inspect.isfunction(init) and set(init.__code__.co_freevars) <= {"__class__"}
    tree = function_tree(init) if own else None
    if tree is None or tree.args.vararg or tree.args.kwarg or not (tree.args.posonlyargs + tree.args.args):
        return None
    return tree


def _parameters(tree):
    params = tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs
    return params[0].id, {p.id for p in params[1:]}


def _item(value, given, names, unknown):
    """``value`` in the caller's terms: the argument given for a parameter, or a
    construction with the arguments given in place of the parameters it reads; None
    where it is neither."""
    if isinstance(value, gast.Name) and value.id in names:
        arg = given.get(value.id)
        return S.copy(arg) if isinstance(arg, gast.Call) else None
    return _in_callers_terms(value, given, names, unknown) if isinstance(value, gast.Call) else None


def _appends_to(stmt, me, attr):
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
        and len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], gast.Starred) \
        and isinstance(call.func.value, gast.Attribute) and call.func.value.attr == attr \
        and isinstance(call.func.value.value, gast.Name) and call.func.value.value.id == me
