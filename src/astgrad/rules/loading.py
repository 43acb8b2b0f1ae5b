"""astgrad's own rules, registered when the rule table is first read.

Registering them (``builtin.py``) was most of ``import astgrad``, and code served from the
disk cache reads no rule. So the table's indexes start as :func:`unread` tables: the first
read of any of them (or the first registration, so that a program's rule replaces
astgrad's, as it did when astgrad's registered at import) registers astgrad's own rules,
then turns every index into its plain class, whose reads cost what they did before.

Other threads reading meanwhile wait until the table is complete; the thread registering
reads the table as it fills. astgrad's own rules leave the table's version
(``rule_reads.VERSION``) as it was: they are fixed by astgrad's source, which the disk
cache's key holds, so code made or loaded before they registered stays in use.
"""

import importlib
import threading

from ..core import collector
from .rule_reads import VERSION

_lock = threading.RLock()
_state = {"loaded": False, "loading": None}     # loading: the thread registering them, while it does
_unread = []        # the indexes still of their unread class

_READS = ("get", "__contains__", "__getitem__", "__iter__", "__len__", "keys", "values", "items", "copy",
          "setdefault", "pop", "__repr__", "__eq__")
_classes = {}       # plain index class -> its unread subclass


def unread(table_class):
    """An empty index of ``table_class`` whose first read registers astgrad's own rules."""
    subclass = _classes.get(table_class)
    if subclass is None:
        reads = {name: _reading(getattr(table_class, name)) for name in _READS}
        subclass = _classes[table_class] = type(f"Unread{table_class.__name__}", (table_class,),
                                                dict(reads, __slots__=(), plain=table_class))
    table = subclass()
    _unread.append(table)
    return table


def _reading(read):
    def first_read(self, *args, **kwargs):
        load_rules()
        if _state["loading"] is not None:   # read while astgrad's own rules register, on their thread
            _finish_registering()           # (the indexes left for the end built now)
        return read(self, *args, **kwargs)
    first_read.__name__ = read.__name__
    return first_read


def load_rules():
    """Register astgrad's own rules, unless they are (or, on this thread, are being) registered."""
    if _state["loaded"] or _state["loading"] == threading.get_ident():
        return      # (each of their 1,500 registrations asks, on the thread registering them)
    with _lock:
        if _state["loaded"] or _state["loading"] is not None:
            return
        _state["loading"] = threading.get_ident()
        version = VERSION[0]
        try:
            with collector.paused(keeps=True):     # (thousands of objects, kept while the process lives)
                importlib.import_module(__package__ + ".builtin")
        finally:
            try:
                _finish_registering()
            finally:
                VERSION[0] = version
                _state["loading"] = None
        for table in _unread:
            table.__class__ = table.plain
        _unread.clear()
        _state["loaded"] = True
    for hook in AFTER_LOADING:
        hook()


# called on the thread registering astgrad's own rules after the last of them (or the
# error stopping them), before any other thread reads the table, and at a read of an
# index on that thread while they register: the registry's building of the indexes it
# left for then (which later registrations update one by one)
AFTER_REGISTERING = []


def _finish_registering():
    for finish in AFTER_REGISTERING:
        finish()

# called once astgrad's own rules are registered, outside the lock: optional.load_imported,
# which attaches the facts they declared by name for modules the program imported already
AFTER_LOADING = []


def loaded():
    """Whether astgrad's own rules are registered."""
    return _state["loaded"]
