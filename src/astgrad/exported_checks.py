"""The check an exported derivative makes at each call: that the globals it was generated
for still mean what they meant then (copied into exported modules; plain Python).

In process, a derivative is used only while its guards hold (guards.py) and is made
again when a name means something else. An exported module cannot make new code, so it
checks the same things and refuses with an error saying what changed: the classes of
the objects the code calls methods of, the functions a name or an attribute holds, the
length and classes of a global list's items. Each check is ``(module, path, expected)``:
the value the attribute path ``path`` reaches from the user's module named ``module``
(unless no one imported it), and a description of what it was (made by
export_guards.py), in plain data.
"""

import sys

_ABSENT = object()
_NUMBERS = (int, float, complex)


def globals_as_exported(checks, command):
    """Raise a RuntimeError naming the first global in ``checks`` that changed since the
    derivative was exported (``command`` exports it again)."""
    for module_name, path, expected in checks:
        module = sys.modules.get(module_name)
        if module is None:      # not imported: its globals are as its source makes them
            continue
        value = module.__dict__.get(path[0], _ABSENT)
        for name in path[1:]:
            value = getattr(value, name, _ABSENT)
            if value is _ABSENT:
                break
        if not exported_as(value, expected):
            where, value, expected = _difference(value, expected, ".".join((module_name,) + tuple(path)))
            raise RuntimeError(
                f"{where} is now {repr(value) if expected[0] == 'equal' else _shown_value(value)}, where this "
                f"derivative was exported for {_shown(expected)}; an exported derivative cannot follow that "
                f"change. Export it again ({command}), or keep what {where} holds as it was.")


def identity_of(value):
    """A function's or a class's module and qualified name: what names it across processes."""
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    return (getattr(value, "__module__", None), name)


_MATCHED = {}       # id of a description -> the object that last matched it (an object's: its class)
_SAME_WHILE_SAME_OBJECT = frozenset({"named", "module", "code", "equal", "none", "number"})


def exported_as(value, expected):
    """Whether ``value`` is what the description ``expected`` says. An object that matched
    a description before (a function, a class) is not examined again: the checks run at
    every call of the derivative."""
    kind = expected[0]
    if kind in _SAME_WHILE_SAME_OBJECT and type(value) is not dict:     # a dict changes in place
        if _MATCHED.get(id(expected), _ABSENT) is value:
            return True
        if not _described_by(value, expected):
            return False
        _MATCHED[id(expected)] = value
        return True
    return _described_by(value, expected)


def _described_by(value, expected):
    kind = expected[0]
    if kind == "absent" or value is _ABSENT:
        return kind == "absent" and value is _ABSENT
    if kind == "named":
        return identity_of(value) == expected[1:]
    if kind == "module":
        return type(value).__name__ == "module" and value.__name__ == expected[1]
    if kind == "none":
        return value is None
    if kind == "equal":
        return type(value) is type(expected[1]) and value == expected[1]
    if kind == "code":
        return getattr(value, "co_name", None) == expected[1]
    if kind == "number":
        return isinstance(value, _NUMBERS) or type(value).__module__ == "numpy"
    if kind == "plain":
        return isinstance(value, (str,) + _NUMBERS) or type(value).__module__ == "numpy"
    if kind == "instance":
        return _of_class(value, expected)
    if kind == "defaults":
        return _defaults_as_exported(value, expected)
    if kind == "items":
        if type(value).__name__ != expected[1] or len(value) != len(expected[2]):
            return False
        for item, sub in zip(value, expected[2]):
            if not exported_as(item, sub):
                return False
        return True
    if kind == "dict":
        return (isinstance(value, dict) and tuple(value) == tuple(key for key, _ in expected[1])
                and all(exported_as(value[key], sub) for key, sub in expected[1]))
    return _object_as(value, expected)


def _defaults_as_exported(held, expected):
    """Whether ``held``, a function's ``__defaults__`` or ``__kwdefaults__`` (``expected[2]``),
    holds what ``expected[3]`` says of each item, an array being the one the exported def
    ``expected[1]`` of this module holds for that parameter or an equal one (a call of
    the exported def without it uses that array)."""
    _, caller, attribute, items = expected
    if type(held) is not (dict if attribute == "__kwdefaults__" else tuple) or len(held) != len(items):
        return False
    exported = None
    for key, sub in items:
        item = held.get(key, _ABSENT) if attribute == "__kwdefaults__" else held[key]
        if sub[0] != "as exported":
            if not exported_as(item, sub):
                return False
            continue
        if exported is None:
            own = globals()[caller]
            while hasattr(own, "__wrapped__"):      # its decorators (falls_back_on, hands_back_aux)
                own = own.__wrapped__
            exported = getattr(own, attribute) or {}
        array = exported.get(key) if attribute == "__kwdefaults__" else (
            exported[key - len(items)] if len(exported) >= len(items) else None)
        if item is not array and not (type(item) is type(array) and item.dtype == array.dtype
                                      and item.shape == array.shape and bool((item == array).all())):
            return False
    return True


def _object_as(value, expected):
    """Whether ``value`` is of the class ``expected[1]`` names, its attributes hold what
    ``expected[2]`` says, and the ones it holds itself that its class also defines are
    ``expected[3]``. Plain loops: this runs at every call, for each object it reaches."""
    own = getattr(value, "__dict__", None)
    if not _of_class(value, expected) or not isinstance(own, dict):
        return False
    for name, sub in expected[2]:
        if name not in own:
            return False
        if sub[0] == "own method":      # a function bound to the object itself (types.MethodType(f, obj))
            if getattr(own[name], "__self__", None) is not value \
                    or not exported_as(getattr(own[name], "__func__", None), sub[1]):
                return False
        elif not exported_as(own[name], sub):
            return False
    defined = _class_names(type(value))
    if not expected[3]:
        return defined.isdisjoint(own)
    return tuple(name for name in own if name in defined) == expected[3]


_CLASS_NAMES = {}   # class -> the names it (or a base) defines, looked up once


def _class_names(kind):
    names = _CLASS_NAMES.get(kind)
    if names is None:
        names = _CLASS_NAMES[kind] = frozenset(dir(kind))
    return names


def _of_class(value, expected):
    """Whether ``value``'s class is the one ``expected[1]`` names (remembered once it was)."""
    kind = type(value)
    if _MATCHED.get(id(expected)) is kind:
        return True
    if identity_of(kind) != expected[1]:
        return False
    _MATCHED[id(expected)] = kind
    return True


def _difference(value, expected, where):
    """The innermost part of ``value`` that is not what ``expected`` says (an item of a
    list, an attribute of an object): ``(where, that part, its description)``."""
    kind = expected[0]
    parts = ()
    if kind == "items" and type(value).__name__ == expected[1] and len(value) == len(expected[2]):
        parts = [(f"{where}[{i}]", item, sub) for i, (item, sub) in enumerate(zip(value, expected[2]))]
    elif kind == "dict" and isinstance(value, dict) and tuple(value) == tuple(key for key, _ in expected[1]):
        parts = [(f"{where}[{key!r}]", value[key], sub) for key, sub in expected[1]]
    elif kind == "object" and identity_of(type(value)) == expected[1] and isinstance(getattr(value, "__dict__", None),
                                                                                       dict):
        parts = [(f"{where}.{name}", vars(value).get(name, _ABSENT), sub) for name, sub in expected[2]]
    for part_where, part, sub in parts:
        if not exported_as(part, sub):
            return _difference(part, sub, part_where)
    return where, value, expected


def _shown(expected):
    kind = expected[0]
    if kind == "named":
        return ".".join(str(part) for part in expected[1:])
    if kind in ("instance", "object"):
        return f"an instance of {'.'.join(map(str, expected[1]))}"
    if kind == "items":
        return f"a {expected[1]} of {len(expected[2])} items ({', '.join(_shown(sub) for sub in expected[2])})"
    if kind == "equal":
        return repr(expected[1])
    if kind == "code":
        return f"the code of {expected[1]}"
    if kind == "dict":
        return "a dict of " + ", ".join(f"{key!r} ({_shown(sub)})" for key, sub in expected[1])
    if kind == "defaults":
        return "the defaults written into the exported function (an array default: its values there)"
    if kind == "own method":
        return f"{_shown(expected[1])} bound to the object"
    return {"absent": "no such name", "none": "None", "number": "a number or an array",
            "plain": "a number, an array or a string"}.get(kind, f"module {expected[-1]}")


def _shown_value(value):
    if value is _ABSENT:
        return "not defined"
    if isinstance(value, (list, tuple)):
        classes = ", ".join(_shown_value(item) for item in value)
        return f"a {type(value).__name__} of {len(value)} items ({classes})"
    if type(value) is dict:
        return "a dict of " + ", ".join(f"{key!r} ({_shown_value(item)})" for key, item in value.items())
    if hasattr(value, "co_name"):
        return f"the code of {value.co_name}"
    name = identity_of(value)
    if callable(value) and name[1]:
        return ".".join(map(str, name))
    return f"an instance of {'.'.join(map(str, identity_of(type(value))))}"
