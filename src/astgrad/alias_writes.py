"""In-place writes through aliases and into arguments, checked where generated code runs:
the copies of arguments a function writes into, the refusals of a write that a view, a
list held twice, or another argument sharing the same memory would show where astgrad
does not follow it, and whether an alias follows a value's in-place change. Generated
code finds them through ``astgrad.runtime``.
"""

import numbers
import types

import numpy

from .array_layout import same_layout_copy
from .adjoint_values import AdjointList
from .core import originals
from .hooked_items import check_item_hooks

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- in-place writes through aliases and into arguments -------------------------------------

def copy_argument(value):
    """The copy of an argument the function writes into, made when the generated code
    starts, so calling a derivative leaves the caller's value as it was: a new array
    for an array, a deep copy for a list, tuple or dict (numbers are returned as they are).
    A read-only array gives a read-only copy, so a write into it raises NumPy's error,
    as the function's own write does, also one a list, tuple or dict holds."""
    if isinstance(value, numpy.ndarray):
        return _read_only_if(same_layout_copy(value), value)
    if isinstance(value, (list, tuple, dict)):
        import copy
        return copy.deepcopy(value, _array_copies(value, {}))
    return value


def _array_copies(value, memo):
    """``memo`` for ``copy.deepcopy(value)``, holding a copy of each array the lists, tuples
    and dicts of ``value`` hold, in its memory layout (array_layout.py) and read-only where
    it is (deepcopy's own copy is writable, and drops gaps and negative strides)."""
    if isinstance(value, numpy.ndarray):
        if not value.dtype.hasobject and id(value) not in memo:
            memo[id(value)] = _read_only_if(same_layout_copy(value), value)
    elif isinstance(value, (list, tuple, dict)) and id(value) not in memo:
        memo[id(value), "seen"] = value     # (a list holding itself is walked once)
        for item in value.values() if isinstance(value, dict) else value:
            _array_copies(item, memo)
    return memo


def _read_only_if(copy, value):
    """``copy`` (a new array), read-only where ``value`` is."""
    if not value.flags.writeable:
        copy.flags.writeable = False
    return copy


def deep_copy(value):
    """``copy.deepcopy(value)``: a new object holding copies of all it holds, so that no
    other name refers to any part of it (its derivative is the deep copy of the derivative)."""
    import copy
    return copy.deepcopy(value)


def shallow_copy(value):
    """``copy.copy(value)``: a new list, dict or set holding the same items, a new array
    holding its own elements, an immutable value itself."""
    import copy
    return copy.copy(value)


def any_order(value):
    """The order NumPy's ``order="A"`` reads ``value`` in for a reshape or a ravel: ``"F"``
    where the array is laid out in Fortran order alone (a transposed C array), ``"C"`` for
    any other array; ``"A"`` as given for what is no array. A derivative reshapes its
    derivatives, laid out as they happen to be, in the order this names, the order the
    function read the array in."""
    if not isinstance(value, numpy.ndarray):
        return "A"
    return "F" if value.flags.f_contiguous and not value.flags.c_contiguous else "C"


def writes_through(view, base, where):
    """Whether writing into ``view`` (``v = base[i]``, ``base.T``, ``base.reshape(...)``)
    changes ``base``, as NumPy's views do: True for an array sharing ``base``'s memory,
    False for a number (an element of a 1-D array). An array that does not (a copy made
    by a fancy index or a reshape, an array a list or dict holds) is refused: astgrad
    follows writes through views of arrays only."""
    if isinstance(view, list) and isinstance(base, (list, tuple)) and not any(item is view for item in base):
        _refuse_write_into_a_list_slice(base, where)
    if isinstance(view, (list, tuple, dict)):
        what = f"a {type(view).__name__} held by a {type(base).__name__}"
    elif not isinstance(view, numpy.ndarray):
        return False
    elif isinstance(base, numpy.ndarray) and (view.base is not None and numpy.may_share_memory(view, base)
                                              or view is base):     # numpy.ascontiguousarray(base)
        return True
    elif _held_twice(view, base):
        raise TypeError(
            f"astgrad: {where}: this writes into an array that the {type(base).__name__} holds more than "
            "once (as [a] * n makes it), so the write would change each of them, which astgrad cannot "
            "follow. Build the list from separate arrays ([a.copy() for _ in range(n)]) where only one "
            "should change; where all should, write into the array before building the list")
    else:
        if isinstance(base, (list, tuple, dict)):
            what = f"an array held by a {type(base).__name__}"
        elif isinstance(base, numpy.ndarray) and base.dtype == object:     # (x[0] is the item itself)
            what = "an array held by an array of objects"
        else:
            what = "a copy of the array it was read from (a fancy index, or a reshape or ravel that copies)"
    raise TypeError(
        f"astgrad: {where}: this writes into {what}; astgrad follows writes through views of "
        "arrays only (basic indexing, .T, a reshape or ravel that shares memory). Write into a copy and "
        "store it back (a = x[i].copy(); a[j] = v; x[i] = a), or build a new value (where a ravel of an array "
        "whose items are not laid out in one run is meant to copy them, say so: a = x.ravel().copy())")


def returns_itself(given, function, dtype, where, call):
    """Checked before ``z = numpy.asarray(y)`` (``function``: its name; ``dtype``: the
    dtype's ``str``, or None) is followed as ``z = y``, so a write into ``z`` writes into
    ``y``: NumPy must give ``y`` itself, as it does for an array of that dtype. A new
    array (of a list, or of another dtype), which a write into ``z`` would leave ``y``
    without, is refused."""
    made = getattr(numpy, function)(given, dtype=dtype, **({"copy": False} if function == "array" else {}))
    if made is given:
        return
    raise TypeError(
        f"astgrad: {where}: {call} makes a new array here ({type(given).__name__} "
        f"{'of dtype ' + str(given.dtype) + ' ' if isinstance(given, numpy.ndarray) else ''}in), while astgrad "
        "follows it, for the writes into the name it is bound to, as the array itself. Write a copy where the "
        "writes should leave the original alone (z = numpy.array(y, dtype=float)), or write into the original")


def view_handed_apart(base, where, *others):
    """Checked before ``h(y[1:], w)`` is followed as ``h`` writing into a copy of the
    slice that ``y`` takes back after the call: no other argument may be, hold, or view
    ``y``'s memory, which the helper would see change in Python while it runs."""
    mine = _held_objects(base)
    theirs = [held for other in others for held in _held_objects(other)]
    if mine and theirs and _overlapping(mine + theirs, len(mine)):
        raise TypeError(
            f"astgrad: {where}: this call hands the helper a slice of an array and, in another argument, that "
            "array (or a view of it, or a list or object holding it), which sees the helper's writes into the "
            "slice while it runs; astgrad cannot follow that. Pass a copy in the other argument "
            "(h(y[1:], u.copy())), or hand the helper the whole array and the bounds")


def real_is_itself(array, where, shown):
    """Checked before ``y.real[k] = v`` is followed as ``y[k] = v``: the real part of a
    real NumPy array is a view of all of it. A complex array (whose real part is half of
    each item) or anything else is refused."""
    if isinstance(array, numpy.ndarray) and not numpy.iscomplexobj(array):
        return
    raise TypeError(
        f"astgrad: {where}: this writes into {shown}.real of a "
        f"{'complex array' if isinstance(array, numpy.ndarray) else type(array).__name__}; astgrad follows "
        f"writes into the real part of a real array only (the array itself: write {shown}[k] = v). Build a "
        f"new value instead ({shown} = {shown}.real.copy(), then write into it)")


def _refuse_write_into_a_list_slice(base, where):
    """The refusal of ``t = y[1:]; t[0] = v`` with ``y`` a list: NumPy's slices are views,
    which astgrad writes back into their base, but a slice of a list is a new list."""
    raise TypeError(
        f"astgrad: {where}: this writes into a slice of a {type(base).__name__} (t = y[1:]; t[0] = v), which in "
        f"Python is a new list of its own, so the {type(base).__name__} it was taken from (in a helper, the one "
        "the caller hands it) does not change; astgrad follows writes through slices of arrays, which share "
        "the array's memory, and not this one. Where the caller should see the new value, write into the list "
        "itself (y[1] = y[1] * w) or return a new list and use it (return [t[0] * w] + t[1:]); where the "
        "slice is meant to be a copy, build the new list instead (t = [y[1] * w] + y[2:])")


def _held_twice(item, container):
    """Whether the list, tuple or dict ``container`` holds ``item`` itself more than once."""
    if not isinstance(container, (list, tuple, dict)):
        return False
    held = container.values() if isinstance(container, dict) else container
    return sum(1 for other in held if other is item) > 1


def shows_write(view, base, where):
    """Asked where a view taken before a write into ``base`` (``u = x[1:]``, ``x.T``,
    ``x.ravel()``) is read again after it: True where ``view`` shares ``base``'s memory, so
    it shows the write as NumPy's views do; False for a reshape or ravel that NumPy made a
    copy (the array's items are not laid out as the new shape reads them), which keeps the
    earlier values. A slice of a list is a copy too, which astgrad does not keep: refused.
    An array made of a number (``numpy.ascontiguousarray(x[0] * w)``) is a new array of its
    own, which shares no memory: False."""
    if isinstance(view, numpy.ndarray) and isinstance(base, numpy.ndarray):
        return numpy.may_share_memory(view, base)
    if isinstance(view, numpy.ndarray) and isinstance(base, (float, int, complex, numpy.generic)):
        return False
    raise TypeError(
        f"astgrad: {where}: a slice taken of this {type(base).__name__} before the write is read "
        f"after it; astgrad follows slices of arrays, which share the array's memory and show the "
        f"write, but this one is a {type(view).__name__} of its own. Take the copy explicitly "
        "(u = list(xs[:2]), u = x[:2].copy()) where the slice should keep the earlier values")


def view_shows_writes(base, whole):
    """Whether a view taken of the array an object's attribute holds (``head =
    a.data[:2]``), by an index of slices and ``whole`` integers, shares its memory, so that
    it shows a later write into it, as NumPy's views do: read again after each call of the
    object's method (kept_attribute_views.py). A slice of a list, or an element of an array
    (every axis indexed by an integer), is a value of its own: False."""
    return isinstance(base, numpy.ndarray) and base.ndim > whole


def same_item(container, other, key):
    """Whether the dict ``container`` holds at ``key`` the very object ``other`` holds there
    (a shallow copy's item, before either was given another): ``op=`` on it through
    ``other`` shows in ``container`` (shared_dict_items.py)."""
    return isinstance(container, dict) and isinstance(other, dict) and key in container and key in other \
        and container[key] is other[key]


def item_update(item, container, where):
    """Checked before ``c[k] op= v`` runs as ``c[k] = c[k] op v``: ``op=`` changes an
    array (or list) object in place, so where ``c`` is a list, tuple or dict holding one,
    any other name or item holding that object too would change, which astgrad cannot
    follow: refused. An element of an array (a number, or a view written back into ``c``
    anyway) and a number held by a list are fine (``op=`` rebinds a number)."""
    if isinstance(container, (list, tuple, dict)) and isinstance(item, (numpy.ndarray, list, dict)):
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an {type(item).__name__} held by a "
            f"{type(container).__name__} changes that object in place, and other names or items "
            "holding it would change too, which astgrad cannot follow. Compute the new value and store "
            "it wherever the object is held and read again (v = c[k] + w; c[k] = v; c[j] = v for an "
            "item holding it too; a = v for a name), or, where only this item should change, store it "
            "there alone (c[k] = c[k] + w)")


def outside_update(value, where):
    """Checked before ``v op= e`` where ``v`` may be an object the function did not create
    (``v = GLOBAL_LIST[0]``, ``v = CONFIG.a``, ``v = TABLE``, ``s.arr`` that ``__init__(self,
    arr=Z)`` bound to its default): on an array (or list, dict,
    set) ``op=`` changes that object in place, which the caller or a global would see,
    and which a derivative never does: refused. A number (or a tuple, a string) passes:
    ``op=`` binds a new value to ``v`` alone."""
    if isinstance(value, (numpy.ndarray, list, dict, set)):
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an {type(value).__name__} the function did not "
            "create (a global's or a closure's, a parameter's default, made once when the def ran and shared "
            "by every call, or an item or attribute of one) changes it in place, which the derivative would "
            "not follow: a derivative never changes memory the caller or a global holds. Build a new value "
            "(v = v * w), make a new one in the function (a default of None, then np.zeros(n) where it is "
            "None), or change the global outside the differentiated function")


_CONTAINERS = (list, tuple, dict)
_CHANGEABLE = (numpy.ndarray, list, dict, set)


def item_of_copy_apart(copied, item, where):
    """Checked before ``c[k] op= e`` where ``c`` is a shallow copy (``c = xs.copy()``):
    an array's copy is new memory, but a list's, tuple's or dict's copy holds the very
    arrays ``xs`` holds, which op= changes in place for every name holding them, and
    which the derivative would not follow: refused. A number item is only rebound."""
    if isinstance(copied, _CONTAINERS) and isinstance(item, _CHANGEABLE):
        kind = type(copied).__name__
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an item of a shallow copy of a {kind} changes the "
            f"{type(item).__name__} the original {kind} holds too (the copy holds the very same objects), which "
            f"astgrad cannot follow. Store a new value instead (c[k] = c[k] * a), or copy the items too "
            f"(c = [v.copy() for v in xs])")


def items_unshared_by_copy(value, callee, written, where, keys=None):
    """Checked before a call of a helper that writes into an item of its shallow copy of
    this argument (``c = xs.copy(); c[0] *= a``): an array's copy is new memory, but a
    list's, tuple's or dict's copy holds the very arrays ``value`` holds, so the write
    changes them for the caller too, which the derivative would not follow: refused.
    A number item passes (op= on a number rebinds the copy's item): with ``keys``, the
    constant keys of the items the helper writes, only those are checked, else every item."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, _CONTAINERS) else ()
    if keys is not None and isinstance(value, _CONTAINERS):
        items = [_item_at(value, key) for key in keys]
    if any(isinstance(item, _CHANGEABLE) for item in items):
        raise TypeError(
            f"astgrad: {where}: the call of {callee} changes an array its argument (a "
            f"{type(value).__name__}) holds, by op= on an item of its shallow copy ({written}): a "
            f"shallow copy of a {type(value).__name__} "
            f"holds the very same arrays, so the caller's items change too, which astgrad cannot "
            f"follow. In {callee}, store a new value into the copy (c[0] = c[0] * a) instead of "
            f"changing its item in place")


def _item_at(container, key):
    """``container[key]``, or None where it has no such item (the helper's own write
    then raises Python's error)."""
    try:
        return container[key]
    except (IndexError, KeyError, TypeError):
        return None


def list_argument(value, name, where):
    """Checked when a derivative starts, for an argument the function appends to
    (``acc.append(v)``, ``extend``, ``insert``): the derivative appends to a copy of the
    caller's list, which it leaves alone; anything but a list is refused."""
    if not isinstance(value, list):
        raise TypeError(
            f"astgrad: {where}: the function appends to its argument '{name}', which astgrad "
            f"differentiates for a list (appending to a copy, so the caller's list is left as it "
            f"was); got a {type(value).__name__}. Pass a list, or return the new items instead")


def plain_keys(*keys_and_where):
    """Checked where a dict gets a key that may depend on the differentiated inputs
    (``{k: v}``, ``d[k] = v``): derivatives follow a dict's values, never its keys, so
    a float key read back (``list(d)``, ``d.items()``, ``max(d)``) would carry none.
    Strings, ints and other keys pass; an object whose class's ``__hash__`` (or ``__eq__``)
    may write is refused (hooked_items.py): the derivative hashes a key again to save and
    restore the item it replaces, running the hook more often than Python does."""
    *keys, where = keys_and_where
    for key in keys:
        if _holds_float_key(key):
            raise TypeError(
                f"astgrad: {where}: a dict key here is a float depending on the differentiated "
                f"inputs; astgrad follows the derivatives of a dict's values, not of its keys, so the "
                f"keys read back would carry none. Keep such values as dict values or in a list, and "
                f"key the dict by strings or ints")
    check_item_hooks(keys, "hash", "a dict's key", where)


def _holds_float_key(key):
    if isinstance(key, tuple):
        return any(_holds_float_key(k) for k in key)
    return isinstance(key, (float, complex, numpy.inexact))


def items_apart(container, where):
    """Checked when a derivative starts, for an argument whose items the function changes
    with ``op=`` (``xs[0] += v``): on an array item Python changes that object in place, so
    every other item holding it (``xs = [a, a]``) or a view of its memory changes too. The
    derivative works on a copy where each item is its own value, so such an argument is
    refused; a list, tuple or dict whose arrays share no memory (and any other value) passes."""
    if isinstance(container, (list, tuple, dict)) \
            and _overlapping([held for held in _held_objects(container) if held is not container]):
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an item of this {type(container).__name__} "
            "argument changes that array in place, and another of its items is the same array or a "
            "view of its memory, which would change too; astgrad cannot follow that. Pass separate "
            "arrays (xs = [a, a.copy()]) or store a new value: xs[k] = xs[k] + v")


def number_array_argument(value, name, where, read=False, compared=False, outside=False, stored=False):
    """Checked when a derivative starts, for an argument ``name`` the function stores into
    the elements of (``y[0] = x[1::2]``) where it follows that as NumPy does for an array of
    numbers, which copies the values in. A list or an array of objects holds the value
    itself instead (a view of another array, which later writes into that array change):
    refused, saying so. ``read``: the argument is read instead by a list or a mask
    (``z = y[[0, 2]]``, ``y[y > 0]``), followed as the new array NumPy gives for an array of
    numbers, which an array of objects (or anything else) need not give. An array of objects
    whose items are all numbers passes that read too: the new array holds the same numbers,
    which no write can change (a write rebinds an item of the new array alone). ``compared``:
    the argument is only compared with an array of numbers to make a mask (``y[y > t]``),
    which NumPy's numbers make a bool array: a number passes too. ``stored``: the argument
    is the value stored (``z[2] = w``), not what is stored into: a number passes too, as
    nothing can share its memory. ``outside``: ``name`` is a global or closure variable the
    function reads (``G[G > 0]``), not an argument."""
    if isinstance(value, numpy.ndarray) and value.dtype.kind in "biufc":
        return
    if (stored or compared) and (type(value) in (int, float, bool, complex)
                                 or isinstance(value, (numpy.number, numpy.bool_))):
        return      # a number holds no memory a write could change
    if compared:
        raise TypeError(
            f"astgrad: {where}: this compares an array of numbers with the argument '{name}' (y > {name}, "
            f"y[y > {name}]), which astgrad follows as the new bool array NumPy gives where '{name}' is a number "
            f"or an array of numbers; '{name}' is a {type(value).__name__}, whose comparison may give another "
            f"object (one that is no mask, or shares memory). Pass a number (float({name})) or an array of numbers")
    if read and isinstance(value, numpy.ndarray) and value.dtype.kind == "O" and _holds_numbers_only(value):
        return
    held = "an array of objects" if isinstance(value, numpy.ndarray) else f"a {type(value).__name__}"
    if read:
        raise TypeError(
            f"astgrad: {where}: this reads the {'global or closure variable' if outside else 'argument'} '{name}' by a list or a mask ({name}[[0, 2]], "
            f"{name}[{name} > 0]), which astgrad follows for an array of numbers (NumPy gives a new array, "
            f"which the code then changes alone); '{name}' is {held}, whose items would be the very objects "
            f"it holds, so changing them would change '{name}' too, which astgrad cannot follow. Pass an array "
            "of numbers, or take a copy (z = z.copy()) before changing it")
    raise TypeError(
        f"astgrad: {where}: this stores into an element of the argument '{name}', which astgrad follows for an "
        f"array of numbers (NumPy copies the values in); '{name}' is {held}, which holds the value stored "
        "itself, so a later write into the array it is (or is a view of) would change it too, which astgrad "
        f"cannot follow. Pass an array of numbers, or store a copy ({name}[k] = v.copy())")


def _holds_numbers_only(array):
    """Whether every item of an array of objects is a number (``float``, ``int``,
    ``numpy.float64``, ...), none of them an array or a container: such items cannot be
    changed in place."""
    return all(isinstance(item, numbers.Number) and not isinstance(item, numpy.ndarray)
               for item in array.flat)


def written_copy(item):
    """A new object holding what ``item`` holds, for ``t = d[a]; t[b] = v; d[a] = t``
    (and ``t.append(v)``) once the checks have shown that nothing but ``d`` and ``t``
    refers to ``t``'s object: the write goes into the copy, which ``d`` takes back, so
    every name the program reads sees what Python shows, and no other name holds the
    object written into (a derivative of the derivative can follow it). An array is
    copied; anything else shallowly, keeping its type (``defaultdict``, ``OrderedDict``,
    ``deque``), its items the very same objects (a number is returned as it is)."""
    if isinstance(item, numpy.ndarray):
        return item.copy()
    import copy
    try:
        return copy.copy(item)
    except Exception as error:
        raise TypeError(
            f"astgrad: this writes into an item of type {type(item).__name__}, held by a list or dict, "
            f"which astgrad follows by writing into a copy of it, and it cannot be copied ({error}); "
            "hold a list, a dict or an array there, or build a new value") from None


def own_attribute_augmented(obj, name, method, where):
    """Checked before ``obj.name op= v`` on an object the code follows by storing a new
    value on it (``with_attribute``): where ``obj`` holds no ``name`` of its own and its
    class holds one whose type changes in place under ``op=`` (``method``, e.g.
    ``'__iadd__'``: an array, a list, a dict), Python writes into the value every
    instance shares, which the new value stored on ``obj`` would not show. Refused; a
    number or a tuple there (``op=`` binds a new value on ``obj``) passes."""
    if name in getattr(obj, "__dict__", {}):
        return
    cls = type(obj)
    held = next((vars(klass)[name] for klass in cls.__mro__ if name in vars(klass)), None)
    if held is None or getattr(type(held), method, None) is None:
        return
    raise TypeError(_class_held_words(where, cls.__name__, name, type(held).__name__))


def _class_held_words(where, cls, name, kind):
    """The refusal of ``obj.name op= v`` that writes into the ``kind`` value the class
    ``cls`` holds (own_attribute_augmented; frontend/normalize/class_held_attributes.py)."""
    return (f"astgrad: {where}: this augmented assignment to the attribute {name!r} of an object of class {cls} "
            f"writes in place into the {kind} its class holds ({cls}.{name}), which every instance "
            f"shares; astgrad would store a new value on the object instead, and {cls}.{name} would "
            f"not change as it does in Python. Bind the value on each object (self.{name} = ... in "
            f"{cls}.__init__), or rebind it on the object with a new value (obj.{name} = obj.{name} + v)")


def written_items_apart(container, item, where):
    """Checked before ``d[a][b] = v`` writes into the item ``d[a]`` (a list, dict or array)
    and stores it back into ``d`` (or ``p.W[b] = v``, the object ``p`` taking its attribute
    back, ``with_attribute``): were that item held by ``d`` twice (``d = [r, r]``) or
    another of its arrays a view of its memory, the write would change that one too, which
    astgrad cannot follow. Refused; so is a container other than a list, a dict or an
    array (a tuple cannot take the item back). A number or an item held once passes."""
    if isinstance(container, numpy.ndarray):
        return
    if not isinstance(container, (list, dict)) and not _has_attributes(container):
        raise TypeError(
            f"astgrad: {where}: this writes into an item of a {type(container).__name__}, which astgrad "
            "follows by storing the written item back into its container, a list, a dict or an array; "
            "hold the items in a list (t = [a, b]), or build a new value")
    if not isinstance(item, (list, dict, numpy.ndarray)):
        return
    others = [held for held in _held_objects(container) if held is not container]
    mine = next((k for k, held in enumerate(others) if held is item), None)
    if mine is None:        # c.shared.append(v), shared an attribute of c's class: no item c holds itself
        raise TypeError(
            f"astgrad: {where}: this writes into a list, dict or array the {type(container).__name__} object "
            "does not hold itself (an attribute of its class, which every instance shares, or a value a "
            "property builds), which astgrad follows by storing the written item back into the object, so "
            "the object would hold a copy where Python changes the one every instance sees; astgrad cannot "
            "follow that. Hold the value on the object (self.shared = [] in __init__), or build a new value")
    if _overlapping([item] + others[:mine] + others[mine + 1:], 1):
        raise TypeError(
            f"astgrad: {where}: this writes into an item of a {type(container).__name__} that holds "
            "that item (or arrays sharing its memory) more than once, so the write would change the "
            "others too; astgrad cannot follow that. Build the new item and store it wherever the "
            "old one is held and read again (t = d[a].copy(); t[b] = v; d[a] = t; d[c] = t for an item "
            "holding it too), or, where only this item should change, store it there alone (d[a] = t)")


def arguments_apart(value, others, name, where, default=None, grown_only=False):
    """Checked when a derivative starts, for an argument ``name`` the function writes into:
    ``f(a, a)`` (or an array and a list holding it, or overlapping views) would have the
    write change the other argument too, as Python does, while the derivative works on a
    copy of the one written. Refused; arguments that share no memory pass. ``default``:
    "list", "dict" or "set" where the parameter has a default of that type (one Python
    keeps from call to call), else None. ``grown_only``: the function only appends to the
    list (``log.append(v)``), which changes none of the values it holds, so only the list
    itself must be apart from the others (a log may hold the array another argument is)."""
    mine = [value] if grown_only and isinstance(value, list) else _held_objects(value)
    if not mine:
        return
    theirs = [held for other in others for held in _held_objects(other)]
    if not (theirs and _overlapping(mine + theirs, len(mine))):
        return
    if default is not None:
        raise TypeError(
            f"astgrad: {where}: the function writes into its argument '{name}', which holds a value another "
            "argument (or a global or closure variable the function reads) holds too; astgrad cannot follow "
            f"that. Where the call leaves '{name}' out, it is the default {default}, made once when the def ran: "
            f"Python keeps that {default} from call to call, holding what earlier calls (and this one) put in it. "
            f"Write {name}=None in the def and 'if {name} is None: {name} = {_EMPTY[default]}' at the start of the "
            f"body; otherwise pass a copy (f(a, a.copy()))")
    raise TypeError(
        f"astgrad: {where}: the function writes into its argument '{name}', and another "
        "argument (or a global or closure variable the function reads) is the same array (or "
        "holds it, or a view of its memory), which the write would change too; astgrad cannot "
        "follow that. Pass a copy (f(a, a.copy()))")


_EMPTY = {"list": "[]", "dict": "{}", "set": "set()"}


def _held_objects(value):
    """The arrays, lists and dicts ``value`` is or holds (through lists, tuples, dicts and
    the attributes of objects: ``Box(a)`` holds ``a``)."""
    held, todo, opened = [], [value], set()     # opened: ids of the objects whose items are listed
    while todo:
        item = todo.pop()
        if isinstance(item, (list, tuple, dict)):
            if not isinstance(item, tuple):
                held.append(item)
            if id(item) not in opened:
                opened.add(id(item))
                todo.extend(item.values() if isinstance(item, dict) else item)
        elif isinstance(item, numpy.ndarray):
            held.append(item)
        elif _has_attributes(item) and id(item) not in opened:
            opened.add(id(item))
            todo.extend(vars(item).values())
    return held


def _has_attributes(item):
    """An instance of a class with attributes (not a module, function, class or method)."""
    return hasattr(item, "__dict__") and not isinstance(
        item, (type, types.ModuleType, types.FunctionType, types.MethodType, types.BuiltinFunctionType))


def _overlapping(objects, split=None):
    """Whether two of ``objects`` are one object or arrays sharing memory (with ``split``:
    one of ``objects[:split]`` and one of ``objects[split:]``)."""
    seen = {}       # id of the object, or of the array owning an array's memory -> [(side, object)]
    for position, obj in enumerate(objects):
        side = split is None or position < split
        root = obj
        while isinstance(root, numpy.ndarray) and root.base is not None:
            root = root.base
        met = seen.setdefault(id(root), [])
        for other_side, other in met:
            if (split is None or other_side != side) and (other is obj or isinstance(obj, numpy.ndarray)
                                                           and numpy.may_share_memory(obj, other)):
                return True
        met.append((side, obj))
    return False


def follow_in_place(alias, value):
    """What ``alias`` holds after ``y op= v`` on a name ``y`` it was the same object as:
    ``value`` (y's new value) where that object changed in place (``_changes_in_place``),
    else ``alias`` itself (on a number ``op=`` rebinds ``y`` only)."""
    return value if _changes_in_place(alias, value) else alias


def _changes_in_place(alias, value):
    """Whether ``y op= v`` changed the object ``y`` and ``alias`` held, ``value`` being
    y's new value: an array, or a list that ``+=`` extended or ``*=`` repeated (a list
    plus or times an array is NumPy's new array, bound to ``y`` only). An array ``y`` stays
    an array, so an array ``alias`` with a list ``value`` was never ``y`` (``ys = xs; xs +=
    x; ys += [v]``: ``xs`` is an array by then, and ``ys`` the list)."""
    return isinstance(alias, numpy.ndarray) and isinstance(value, numpy.ndarray) \
        or isinstance(alias, list) and isinstance(value, list)


def when_array(g, alias, value):
    """``g`` where ``follow_in_place`` took the new value (``_changes_in_place``), else 0."""
    return _summable(g) if _changes_in_place(alias, value) else 0.0


def unless_array(g, alias, value):
    """``g`` where ``follow_in_place`` kept ``alias`` (not ``_changes_in_place``), else 0."""
    return 0.0 if _changes_in_place(alias, value) else _summable(g)


def _summable(g):
    """``g``, a list's or tuple's derivative as an ``AdjointList``: the derivative rules
    of ``follow_in_place`` add ``when_array(...) + unless_array(...)``, and a plain
    tuple's ``+`` would concatenate (or fail on the other's 0)."""
    return AdjointList(g) if isinstance(g, (list, tuple)) and not isinstance(g, AdjointList) else g
