"""``super(Cls, self).method(x)`` in a method, where ``Cls`` is not the class the method is
defined in (that form reads ``super()``: frontend/explicit_supers.py): Python looks
``Cls`` up when the line runs and the method along ``type(self).__mro__`` after ``Cls``,
skipping the classes between (``super(Mid, self).energy(x)`` in a subclass of ``Mid``).

The receiver's class is known in a method made for it (core/methods.py), so the class
to start after is ``Cls`` where it is a class along that order, read now and guarded
(bound again, the code is generated again). The receiver may be the parameter of a
lambda or local function written in where it is called with that first parameter and
never bound again (``(lambda s: super(Cls, s).energy(x))(self)``), which is the same
object. Any other two-argument ``super`` (another receiver than the method's first
parameter, a class not along the order, one argument,
a name astgrad cannot read) is refused naming the user's line."""

import inspect

import gast

from ...core import syntax as S
from ...core.missing import MISSING
from .. import object_layouts as L


_ADVICE = "write super() (or super(Cls, self) with Cls the class the method is defined in)"


def is_super_with_arguments(node):
    """Whether ``node`` is a call ``super(...)`` given arguments."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "super" \
        and bool(node.args or node.keywords)


def start_class(normalizer, node, receiver):
    """The class ``node`` (``super(Cls, self)``, in a method made for ``receiver`` = (name,
    kind, cls)) starts looking after, read through the function's names (a dependency
    of the code); refused where Python's ``super`` would not look along ``cls``'s order
    from a class known now."""
    name, _, cls = receiver
    inlined = getattr(normalizer, "inlined_names", {})
    shown = _as_written(node, inlined)
    if len(node.args) != 2 or node.keywords or not isinstance(node.args[1], gast.Name) \
            or node.args[1].id != name and inlined.get(node.args[1].id, (None,))[0] != name:
        raise normalizer._refuse(f"{shown}: a super() given another receiver than the method's "
                                 f"own first parameter '{name}'", node, _ADVICE)
    path = S.dotted_path(node.args[0])
    start = normalizer.source.resolve_path(path) if path is not None and path[0] not in normalizer.locals \
        else MISSING
    if not isinstance(start, type) or start not in cls.__mro__:
        raise normalizer._refuse(f"{shown}: not a class along {cls.__name__}'s method resolution order "
                                 f"that astgrad can read when the code is made", node, _ADVICE)
    return start


def _as_written(node, inlined):
    """``node``'s text with the parameters of an inlined function (a lambda's ``s``, renamed
    ``s_1`` where it is written in) named as the user wrote them."""
    shown = S.copy(node)
    for sub in S.walk_nodes(shown):
        if isinstance(sub, gast.Name) and sub.id in inlined:
            sub.id = inlined[sub.id][1]
    return gast.unparse(shown).strip()


def refuse_in_init(normalizer, node):
    """Refuse ``node`` (``Cls(...)``, a class of the user's that astgrad does not build)
    where an ``__init__`` along its method resolution order calls a two-argument
    ``super`` that is not ``super(Owner, self)`` (which reads ``super()``), naming that
    line: the object it builds is not followed, and this says why."""
    path = S.dotted_path(node.func)
    cls = normalizer.source.resolve_path(path, depend=False) \
        if path is not None and path[0] not in normalizer.locals else MISSING
    if not isinstance(cls, type) or not L._looked_into(cls):
        return          # (a library's class: not the user's to follow)
    for klass in cls.__mro__[:-1]:
        init = vars(klass).get("__init__")
        found = _super_with_arguments(init) if inspect.isfunction(init) and L._looked_into(klass) \
            and "super" in init.__code__.co_names else None
        if found is not None:
            source, call = found
            raise normalizer._refuse(
                f"{cls.__name__}(...), whose {klass.__name__}.__init__ has {source.line_text(call).strip()} "
                f"(at {source.filename}:{source.file_line(call)}): astgrad follows super() there, and "
                f"super({klass.__name__}, self), which reads the same", node,
                f"in {klass.__name__}.__init__, {_ADVICE}")


def _super_with_arguments(fn):
    """(its source, the first ``super(...)`` call given arguments) in ``fn`` as parsed,
    where ``super(Cls, self)`` naming its own class reads ``super()``; else None."""
    from ..source import parsed_for_reading
    try:
        source = parsed_for_reading(fn)
    except Exception:       # (a source astgrad cannot read is refused in words of its own)
        return None
    call = next((n for n in S.walk_nodes(source.tree) if is_super_with_arguments(n)), None)
    return None if call is None else (source, call)
