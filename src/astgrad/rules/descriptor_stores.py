"""``self.v = value`` in an ``__init__`` where the class holds a data descriptor named
``v``: a property with a setter, or an object whose class defines ``__set__`` or
``__delete__`` (``__set_name__`` validators, typed fields). Python runs the descriptor's
``__set__`` for that store, and its ``__get__`` for each read of ``o.v``; astgrad builds
an object it follows from the attributes its ``__init__`` stores, straight into the
object, and would skip both (a crash where ``__get__`` reads what ``__set__`` would have
stored, a wrong value where it computes). Such a class is not built by astgrad, and the
refusal says why (``descriptor_store_advice``)."""

import ast
import inspect
import textwrap
import types
import weakref

# descriptors of Python's own that store into the object as astgrad does (__slots__, __dict__)
_PLAIN_SLOTS = (types.MemberDescriptorType, types.GetSetDescriptorType)
_found = weakref.WeakKeyDictionary()        # class -> (the stored name, its owner, the descriptor) or None


def stored_descriptor(cls):
    """(name, owner class, descriptor) for the first attribute an ``__init__`` along the
    method resolution order of ``cls`` stores on ``self`` where ``cls`` holds a data
    descriptor of that name; else None."""
    try:
        return _found[cls]
    except (KeyError, TypeError):
        pass
    found = _first_stored_descriptor(cls)
    try:
        _found[cls] = found
    except TypeError:
        pass
    return found


def _first_stored_descriptor(cls):
    descriptors = _data_descriptors(cls)
    if not descriptors:
        return None         # (the common case: no source read)
    for klass in cls.__mro__[:-1]:
        for name in _self_stores(vars(klass).get("__init__")):
            if name in descriptors:
                return (name,) + descriptors[name]
    return None


def _data_descriptors(cls):
    """{name: (owner, descriptor)} of the class attributes of ``cls`` (the first along its
    method resolution order) that are data descriptors of the user's or properties."""
    found, seen = {}, set()
    for klass in cls.__mro__[:-1]:
        for name, value in vars(klass).items():
            if name in seen:
                continue
            seen.add(name)
            kind = type(value)
            if not isinstance(value, _PLAIN_SLOTS) and (hasattr(kind, "__set__") or hasattr(kind, "__delete__")):
                found[name] = (klass, value)
    return found


def _self_stores(init):
    """The attributes ``init`` stores on its first parameter anywhere in its body."""
    if not inspect.isfunction(init):
        return []
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    except (TypeError, OSError, SyntaxError):
        return []
    function = tree.body[0] if tree.body and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) \
        else None
    params = function.args.posonlyargs + function.args.args if function is not None else []
    if not params:
        return []
    me = params[0].arg
    return [node.attr for node in ast.walk(function) if isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name) and node.value.id == me]


def descriptor_store_advice(cls):
    """The words of the refusal of building an object of ``cls`` where its ``__init__``
    stores through a data descriptor (``stored_descriptor``); else None."""
    found = stored_descriptor(cls) if isinstance(cls, type) else None
    if found is None:
        return None
    name, owner, descriptor = found
    what = "a property with a setter" if isinstance(descriptor, property) \
        else f"a {type(descriptor).__name__}, a descriptor with __set__"
    return (f"{cls.__name__}.__init__ stores self.{name}, and {owner.__name__}.{name} is {what}, whose code "
            "Python runs for that store and for each read; astgrad does not follow it when the object is built in "
            "the differentiated code: build the object before the differentiated function and hand it in, or "
            f"store a plain attribute in __init__ and read it in a method")
