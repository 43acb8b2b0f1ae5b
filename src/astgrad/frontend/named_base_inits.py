"""A subclass's ``__init__`` whose first statement calls a base class's ``__init__`` by
the base's name (``Base.__init__(self, data)``), read as ``super().__init__(data)``,
which normalize/instances.py follows, where the two run the same function.

Python looks ``Base`` up in the function's closure or globals when the line runs, and
``__init__`` on that class; ``super().__init__`` looks along the method resolution order
of the object's class, after the class whose ``__init__`` this is. The parsed tree says
``super().__init__(...)`` where ``Base`` is a class now (``as_super_call``, asked by
source.py for every ``__init__`` it parses); instances.super_init checks, for the class
of the object built, that the ``__init__`` ``super()`` reaches is the one ``Base.__init__``
finds (``named_base_init``: with two bases, ``super()`` may reach the other's), and the
code built with it is guarded on what ``Base`` names (``name_guard``): bound again, the
code is generated again."""

import sys
import weakref

import gast

from ..core import methods as M
from ..core.missing import MISSING
from ..core.read_log import note_read


_rewritten = weakref.WeakKeyDictionary()   # an __init__ -> the name its first statement calls a base's by


def as_super_call(fn, tree):
    """``tree`` (``fn``'s parsed ``__init__``) with its first statement ``Base.__init__(self,
    ...)`` written ``super().__init__(...)`` where ``Base`` names a class now, in a scope a
    guard can watch; else ``tree`` as it is."""
    call = _named_call(tree)
    if call is None or class_holder(fn, call.func.value.id) is None:
        return tree
    _rewritten[fn] = call.func.value.id
    call.func.value = gast.copy_location(gast.Call(func=gast.Name(id="super", ctx=gast.Load(), annotation=None,
                                                                   type_comment=None), args=[], keywords=[]),
                                         call.func.value)
    call.args = call.args[1:]
    return tree


def named_base_init(fn):
    """The ``__init__`` that the first statement of ``fn`` (an ``__init__`` whose tree
    ``as_super_call`` wrote) calls by the base's name now, ``None`` for ``object``'s;
    MISSING where it calls none so."""
    held = class_holder(fn, _rewritten[fn]) if fn in _rewritten else None
    if held is None:
        return MISSING
    found = M.static_attribute(held[2], "__init__")
    return None if found is object.__init__ else found


def name_guard(fn):
    """The dependency (name path, what it meant) guarding the name ``fn``'s first statement
    calls the base's ``__init__`` by (``Base`` in its module, or its closure cell), noted
    as read (core/read_log.py); None where it calls none so."""
    held = class_holder(fn, _rewritten[fn]) if fn in _rewritten else None
    if held is None:
        return None
    owner, attr, cls = held
    note_read(fn, (_rewritten[fn],), (cls,))
    return (M.CLASS_ROOT, attr), (owner, cls)


def _named_call(tree):
    """The call ``Base.__init__(self, ...)`` that is the first statement of the
    ``__init__`` ``tree`` (a docstring aside), ``self`` its first parameter, ``Base`` a
    name, no ``*`` or ``**`` argument, ``super`` named nowhere; else None."""
    body = tree.body[1:] if tree.body and isinstance(tree.body[0], gast.Expr) \
        and isinstance(tree.body[0].value, gast.Constant) and isinstance(tree.body[0].value.value, str) else tree.body
    params = tree.args.posonlyargs + tree.args.args
    call = body[0].value if body and isinstance(body[0], gast.Expr) else None
    if not (tree.name == "__init__" and params and isinstance(call, gast.Call)
            and isinstance(call.func, gast.Attribute) and call.func.attr == "__init__"
            and isinstance(call.func.value, gast.Name) and call.args
            and isinstance(call.args[0], gast.Name) and call.args[0].id == params[0].id
            and not any(isinstance(a, gast.Starred) for a in call.args) and all(kw.arg for kw in call.keywords)):
        return None
    if any(isinstance(n, gast.Name) and n.id == "super" for n in gast.walk(tree)):
        return None
    return call


def class_holder(fn, name):
    """(the object holding ``name`` for ``fn``, the attribute it is under, the class it
    names) where it names a class: its closure cell (``cell_contents``) or its module
    (``name``), whose globals ``fn`` has; else None."""
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    if name in cells:
        try:
            value = cells[name].cell_contents
        except ValueError:
            return None
        return (cells[name], "cell_contents", value) if isinstance(value, type) else None
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    if module is None or vars(module) is not fn.__globals__ or not isinstance(fn.__globals__.get(name), type):
        return None
    return module, name, fn.__globals__[name]
