"""Annotations: what a stage learned about a tree node, under keys declared here.

Stages record analysis results on gast nodes (which object a call resolves to,
which statement saves a value, which names are live after a statement) so later
stages can read them. Every key is declared once in :class:`Key`, with a line
saying what it holds, and read and written only through :func:`get`,
:func:`set` and :func:`has`; a key missing from the enum cannot be used by
mistake. Annotations live in one dict per node, so ``copy.deepcopy`` of a tree
keeps them, as it did when they were plain attributes.
"""

import enum

_SLOT = "_astgrad_anno"


class Key(enum.Enum):
    """The annotation keys, one per analysis result."""

    # frontend: what a name or call means
    TARGET = "the Python object a call or name resolves to"
    METHOD = "the method name when a call is obj.method(...), else None"
    AUGMENTED = "this statement came from an augmented assignment (x += ...)"
    GLOBAL_CHAIN = "an attribute chain read from a module global (np.linalg.det)"
    CONCATENATOR = "numpy.r_[...] / numpy.c_[...]: its items are its operands"


def get(node, key, default=None):
    """The value stored under ``key`` on ``node``, or ``default``."""
    return getattr(node, _SLOT, {}).get(key, default)


def set(node, key, value):  # noqa: A001 - mirrors dict vocabulary on purpose
    """Store ``value`` under ``key`` on ``node``."""
    if not isinstance(key, Key):
        raise TypeError(f"annotation keys are astgrad.core.anno.Key members, not {key!r}")
    slot = node.__dict__.get(_SLOT)
    if slot is None:
        slot = node.__dict__[_SLOT] = {}
    slot[key] = value


def has(node, key):
    """Whether ``node`` carries an annotation under ``key``."""
    return key in getattr(node, _SLOT, {})


def delete(node, key):
    """Remove ``key`` from ``node`` if present."""
    getattr(node, _SLOT, {}).pop(key, None)


def copy_all(source, destination):
    """Give ``destination`` every annotation ``source`` carries."""
    for key, value in getattr(source, _SLOT, {}).items():
        set(destination, key, value)
