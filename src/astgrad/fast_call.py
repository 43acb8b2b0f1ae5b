"""A gradient's call for arguments of the same kinds as its previous call's.

A gradient is usually called again and again with arguments of one kind (the same
Python number type; for NumPy arrays the same dtype, number of dimensions and
dimensions of length 1). For such a call, finding the arguments' kinds
(``argument_kinds.signature``) and the version made for them costs more than checking
that the arguments are like the previous ones. :func:`remember` makes, after a call,
what the next call needs to skip both: a small check made for the call's kinds
(:func:`matcher`), which accepts only arguments of exactly those kinds, and the code
the call ran with its guard (``caching.Current.snapshot``), which holds while the
names the code depends on still mean what they meant.
"""

import numpy

from . import argument_kinds

_factories = {}             # the kinds without dtypes -> a function making a matcher for them
_FACTORIES_LIMIT = 256
_matchers = {}              # signature -> its matcher (made for the first call's dtype objects)
_MATCHERS_LIMIT = 1024


def remember(versions, args):
    """``(matches, fn, holds, code)`` for the arguments ``args`` (one per parameter) of a
    call ``versions`` has just run: while ``matches(args)`` and ``holds(fn)``, a call
    with ``args`` runs ``code``. None where either cannot be made."""
    signature = argument_kinds.signature(args)
    matches = matcher(signature, args)
    if matches is None:
        return None
    state = versions.snapshot(signature)
    if state is None:
        return None
    return (matches,) + state


def matcher(signature, args):
    """``matches(args)``, true only for arguments of the kinds ``signature`` (as many as
    it has): a Python float or int of that type, or a NumPy array (not a subclass) of the
    same dtype object (the one of ``args``, or of the first arguments seen with these
    kinds: an equal dtype that is another object is not accepted, which is only slower),
    number of dimensions and dimensions of length 1. None where an argument is of any
    other kind."""
    found = _matchers.get(signature)
    if found is not None:
        return found
    pattern = []
    for kind in signature:
        if kind in ("float", "int"):
            pattern.append(kind)
        elif kind is not None and kind.endswith("]"):
            pattern.append(kind[kind.index("["):])
        else:
            return None
    pattern = tuple(pattern)
    make = _factories.get(pattern)
    if make is None:
        make = _factory(pattern)
        if len(_factories) < _FACTORIES_LIMIT:
            _factories[pattern] = make
    matches = make(numpy.ndarray, *[value.dtype for value, kind in zip(args, pattern) if kind[0] == "["])
    if len(_matchers) < _MATCHERS_LIMIT:
        _matchers[signature] = matches
    return matches


def _factory(pattern):
    """A function making a matcher for ``pattern`` (per argument: ``"float"``, ``"int"``
    or the dimensions of an array kind, ``"[n,1]"``), given the arrays' dtypes."""
    names = [f"a{i}" for i in range(len(pattern))]
    dtypes, tests = [], []
    for name, kind in zip(names, pattern):
        if kind[0] != "[":
            tests.append(f"type({name}) is {kind}")
            continue
        dtype = f"d{len(dtypes)}"
        dtypes.append(dtype)
        tests.append(f"type({name}) is ndarray and {name}.dtype is {dtype} and " + _dimensions(name, kind))
    unpack = f"        ({', '.join(names)},) = args\n" if names else ""
    text = (f"def make(ndarray, {''.join(d + ', ' for d in dtypes)}):\n"
            f"    def matches(args):\n"
            f"{unpack}"
            f"        return {' and '.join(tests) or 'True'}\n"
            f"    return matches\n")
    scope = {}
    exec(compile(text, "<astgrad argument check>", "exec"), scope)
    return scope["make"]


def _dimensions(name, kind):
    """The test that array ``name`` has the dimensions of the array kind ``kind``
    (``"[n,1]"``): their number, and which have length 1."""
    dims = kind[1:-1].split(",") if kind != "[]" else []
    if "1" not in dims:
        return f"{name}.ndim == {len(dims)}" + (f" and 1 not in {name}.shape" if dims else "")
    shape = f"s_{name}"
    tests = [f"len({shape} := {name}.shape) == {len(dims)}"]
    tests += [f"{shape}[{i}] {'==' if dim == '1' else '!='} 1" for i, dim in enumerate(dims)]
    return " and ".join(tests)
