"""``len(v)``, ``bool(v)``, a truth test (``if v:``, ``w if v else u``, ``not v``) and
``k in v`` on an object of a user class the code follows run the class's own
``__len__``, ``__bool__`` or ``__contains__`` (``__iter__`` or ``__getitem__`` where it has
none). The generated code keeps those reads as they are (their values carry no
derivative), so a hook that changes something in place (``self.d[0] *= 3.0`` on the array
the object was handed) would run unseen: such a read is refused at the user's line,
naming the method. A hook that writes nothing (``method_writes.writes_nothing``:
``return len(self.d)``) is read as before."""

from ...core.first_use import imported_when_called

writes_nothing = imported_when_called(__package__ + ".method_writes", "writes_nothing")

# what Python runs, first found first, for each kind of read
LENGTH = ("__len__",)
TRUTH = ("__bool__", "__len__")
MEMBERSHIP = ("__contains__", "__iter__", "__getitem__")


def refuse_writing_hook(lowering, expr, hooks, node, what):
    """Refuse ``node``, the read ``what`` (``"len()"``) of ``expr``, where ``expr`` is an
    object of a followed class whose method among ``hooks`` Python runs may change
    something in place; nothing where it is no such object or its method writes nothing."""
    cls = lowering._object_class(expr)          # operator_methods.py
    if cls is None:
        return
    found = next(((klass, hook) for hook in hooks for klass in cls.__mro__[:-1] if hook in vars(klass)), None)
    if found is None:
        return
    owner, hook = found
    if writes_nothing(cls, hook):
        return
    raise lowering._refuse(
        f"{what} on an object of class {cls.__name__}, which runs {owner.__name__}.{hook}, code of the user's that "
        "may change something in place", node,
        f"astgrad keeps such a read as it is and would not see what {owner.__name__}.{hook} changes; compute the "
        f"value from the object's arrays instead (len(v.d)), or make {hook} change nothing")
