"""An ``__init__`` changing in place a list, dict, set or array its class holds:
``class Log: hist = []`` with ``self.hist.append(d)`` in ``Log.__init__``, no
``__init__`` along the class's method resolution order binding ``self.hist`` first.

Python's ``self.hist`` reads the class's list there, which every instance shares, and
``append`` changes it; astgrad builds the object's attributes as a new dict
(instances.py), whose derivative would not carry that change. Refused when the code is
generated, at the user's line building the object, naming the ``__init__`` line, in
place of the words the in-place analysis would give (which read the class handed to
the ``__init__`` as one of its arguments). An ``__init__`` binding its own list first
(``self.hist = []``) is followed."""

import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from .objects import _assigned_attributes, changed_in_place
from .class_held_attributes import _IMMUTABLE


def refuse_class_held_change(lowering, node, cls):
    """Refuse ``node`` (``Cls(...)``, building an object of ``cls``) where an ``__init__``
    along ``cls``'s order changes in place a value the class holds (the module docstring)."""
    inits = [(klass, vars(klass)["__init__"]) for klass in cls.__mro__[:-1]
             if inspect.isfunction(vars(klass).get("__init__"))]
    bound = set().union(*(_assigned_attributes(init)[0] for _, init in inits)) if inits else set()
    for klass, init in inits:
        for attr in sorted(_assigned_attributes(init)[1] - bound):
            held = M.static_attribute(cls, attr)
            if held is MISSING or isinstance(held, _IMMUTABLE) or hasattr(type(held), "__get__"):
                continue
            where = _change_line(init, attr)
            name = f"{cls.__name__}.{attr}"
            raise lowering._refuse(
                f"{cls.__name__}(...), whose {klass.__name__}.__init__ changes self.{attr} in place{where}: "
                f"the object holds no {attr!r} of its own there, so this changes the "
                f"{type(held).__name__} its class holds ({name}), which every instance shares", node,
                f"astgrad builds the object's attributes anew and would leave {name} as it was; bind a new "
                f"value on each object first (self.{attr} = [] in {klass.__name__}.__init__)")


def _change_line(init, attr):
    """`` (at file:line: text)`` of the first statement of ``init`` changing ``self.attr``
    in place, or nothing where its source gives none."""
    from ..source import parsed_for_reading
    source = parsed_for_reading(init)
    for stmt in S.statements(source.tree.body):
        if not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)) \
                and attr in changed_in_place(gast.Module(body=[stmt], type_ignores=[])):
            return f" (at {source.filename}:{source.file_line(stmt)}: {source.line_text(stmt).strip()})"
    return ""
