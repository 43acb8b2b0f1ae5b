"""``len(v)``, ``bool(v)``, a truth test (``if v:``, ``w if v else u``, ``not v``,
``assert v``), ``k in v``, ``str(v)``, ``repr(v)``, ``format(v)`` and ``f"{v}"`` on an
object of a user class the code follows run the class's own ``__len__``, ``__bool__``,
``__contains__`` (``__iter__`` or ``__getitem__`` where it has none), ``__str__``,
``__repr__`` or ``__format__``. The generated code keeps those reads as they are (their values carry no
derivative), so a hook that changes something in place (``self.d[0] *= 3.0`` on the array
the object was handed) would run unseen: such a read is refused at the user's line,
naming the method. A hook that writes nothing (``method_writes.writes_nothing``:
``return len(self.d)``) is read as before."""

import inspect

from ...core import methods as M
from ...core.first_use import imported_when_called

writes_nothing = imported_when_called(__package__ + ".method_writes", "writes_nothing")

# what Python runs, first found first, for each kind of read
LENGTH = ("__len__",)
TRUTH = ("__bool__", "__len__")
MEMBERSHIP = ("__contains__", "__iter__", "__getitem__")
STRING = ("__str__", "__repr__")
REPRESENTATION = ("__repr__",)
# an f-string's {v} (conversion -1), {v!s}, {v!r}, {v!a}
FORMATTING = {-1: ("__format__", "__str__", "__repr__"), ord("s"): STRING, ord("r"): REPRESENTATION,
              ord("a"): REPRESENTATION}


def refuse_writing_hook(lowering, expr, hooks, node, what):
    """Refuse ``node``, the read ``what`` (``"len()"``) of ``expr``, where ``expr`` is an
    object of a followed class whose method among ``hooks`` Python runs may change
    something in place; nothing where it is no such object or its method writes nothing."""
    cls = lowering._object_class(expr)          # operator_methods.py
    if cls is None:
        return
    source = lowering.source
    for hook in hooks:          # a hook defined again (or added) makes the code again
        source.dependencies.append(((M.CLASS_ROOT, hook), (cls, M.current(cls, hook))))
    found = next(((klass, hook) for hook in hooks for klass in cls.__mro__[:-1] if hook in vars(klass)), None)
    if found is None:
        return
    owner, hook = found
    if _dataclass_repr(owner, hook):
        return
    noted = _Reads(getattr(vars(owner)[hook], "__globals__", None))
    quiet = writes_nothing(cls, hook, noted)
    if noted.globals is getattr(source.fn, "__globals__", None):
        for path in noted.paths:            # (a global of the function's own module)
            source.resolve_path(path)
    for klass, name in noted.methods:
        source.dependencies.append(((M.CLASS_ROOT, name), (klass, M.current(klass, name))))
    if quiet:
        return
    raise lowering._refuse(
        f"{what} on an object of class {cls.__name__}, which runs {owner.__name__}.{hook}, code of the user's that "
        "may change something in place", node,
        f"astgrad keeps such a read as it is and would not see what {owner.__name__}.{hook} changes; compute the "
        f"value from the object's arrays instead (len(v.d)), or make {hook} change nothing")


def _dataclass_repr(owner, hook):
    """Whether ``owner.hook`` is the ``__repr__`` ``dataclasses`` wrote for the class (the
    fields' reprs joined: it changes nothing itself), not one of the user's."""
    function = inspect.unwrap(vars(owner)[hook]) if hook == "__repr__" else None
    # (dataclasses is not imported for this: the engine leaves it to the programs using it)
    return "__dataclass_fields__" in vars(owner) and getattr(function, "__qualname__", "").startswith("__create_fn__.")


class _Reads:
    """What ``writes_nothing`` read answering (as modes/returned_objects.py's ``Reads``):
    the functions of the hook's own module alone, the (class, method) pairs and the
    paths of the globals it called, which the code made depends on."""

    def __init__(self, globals_):
        self.globals = globals_
        self.paths, self.methods = [], []
