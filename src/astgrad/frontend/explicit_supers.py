"""A method calling ``super(Cls, self)`` (the two-argument form), where ``Cls`` names the
class the method is defined in and ``self`` is its first parameter: read as ``super()``,
which normalize/methods.py and normalize/instances.py follow.

Python looks ``Cls`` up in the function's closure or globals when the line runs, and
``super(Cls, self)`` then looks along ``type(self).__mro__`` after ``Cls``; ``super()``
looks after the class holding the method (its ``__class__`` cell). The two reach the same
attribute while ``Cls`` names that class, so the parsed tree says ``super()`` where it
does now (``as_zero_argument``, asked by source.py for every function it parses), and the
code built with it is guarded on what ``Cls`` names (``guards``): bound again, the code is
generated again. Any other ``super(...)`` (a class further along, another receiver, one
argument, in a nested function or comprehension, whose scope has no ``self``) is left as
written, which the normalizer refuses in the user's words."""

import weakref

import gast

from ..core import methods as M
from ..core.read_log import note_read
from .named_base_inits import class_holder


_rewritten: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()    # a method -> the names its super(Cls, self) calls give Cls


def as_zero_argument(fn, tree):
    """``tree`` (``fn``'s parsed definition) with each ``super(Cls, self)`` in its own scope
    written ``super()`` where ``Cls`` names, now, the class ``fn`` is defined in; else
    ``tree`` as it is."""
    owner = M.defining_class(fn)
    params = tree.args.posonlyargs + tree.args.args
    if owner is None or not params:
        return tree
    names = set()
    for call in _own_scope_calls(tree):
        name = _explicit_name(call, params[0].id)
        held = class_holder(fn, name) if name is not None else None
        if held is not None and held[2] is owner:
            call.args = []
            names.add(name)
    if names:
        _rewritten[fn] = tuple(sorted(names))
    return tree


def is_rewritten(fn):
    """Whether ``as_zero_argument`` wrote a ``super(Cls, self)`` of ``fn`` as ``super()``."""
    return fn in _rewritten


def guards(fn):
    """The dependencies (name path, what it meant) guarding the names ``fn``'s
    ``super(Cls, self)`` calls give ``Cls`` (in its module, or its closure cell), noted
    as read (core/read_log.py): bound again, the code is generated again."""
    found = []
    for name in _rewritten.get(fn, ()):
        held = class_holder(fn, name)
        if held is None:        # (unbound since it was parsed: a guard on what it meant then)
            continue
        owner, attr, cls = held
        note_read(fn, (name,), (cls,))
        found.append(((M.CLASS_ROOT, attr), (owner, cls)))
    return found


def _explicit_name(call, first):
    """``Cls`` where ``call`` is ``super(Cls, first)`` with ``Cls`` a name; else None."""
    if isinstance(call.func, gast.Name) and call.func.id == "super" and len(call.args) == 2 \
            and not call.keywords and isinstance(call.args[0], gast.Name) \
            and isinstance(call.args[1], gast.Name) and call.args[1].id == first:
        return call.args[0].id
    return None


_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef,
           gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def _own_scope_calls(tree):
    """The calls in ``tree``'s body, not in a nested function, class or comprehension
    (where ``super()`` would not see the method's first parameter)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, gast.Call):
            yield node
        pending.extend(gast.iter_child_nodes(node))
