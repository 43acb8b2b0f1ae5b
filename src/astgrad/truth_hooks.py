"""The run-time check before a truth test or ``len()`` runs a hook of a value whose class
astgrad did not know when it generated the code (a helper's parameter handed on through
``lambda x: g(x, *args)``, an item or an attribute of one): ``if v:``, ``not v``,
``v and w``, ``bool(v)``, ... run ``v.__bool__`` (or ``__len__``), ``len(v)`` runs
``v.__len__`` (frontend/normalize/truth_checks.py places the calls).

A hook of the user's that changes something in place would run unseen by the derivative
(which runs the value code's tests again): a wrong gradient. The check stops before the
test, naming the user's line, the class and the hook; a hook that writes nothing passes
(its verdict kept per class and function, hooked_items.py). A number, an array, a list,
None or a NumPy scalar costs one look-up of its type in a set."""

from .hooked_items import _COLLECTIONS, _check_class, _plain, TRUTH

LENGTH = (("__len__",),)


def check_truth_hook(value, what, where):
    """Stop before ``what`` (``"a truth test"``, ``"the operator not"``, ``"bool()"``) runs
    the ``__bool__`` (or ``__len__``) of ``value`` where that hook is code of the user's
    that may write."""
    kind = type(value)
    if kind in _plain or kind in _COLLECTIONS:
        return              # (the common case; a collection's truth runs no item's code)
    _check_class(kind, TRUTH, what, where, "the value tested")


def check_length_hook(value, where):
    """Stop before ``len(value)`` runs the ``__len__`` of ``value`` where that hook is code
    of the user's that may write."""
    kind = type(value)
    if kind in _plain or kind in _COLLECTIONS:
        return
    _check_class(kind, LENGTH, "len()", where, "the value measured")
