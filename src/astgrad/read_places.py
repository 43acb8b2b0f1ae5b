"""The globals, closure cells and module attributes a function reads (``K``, ``c`` from an
enclosing function, ``cfg.scale``; the attributes of an object a global or a cell holds,
and the items of a short dict or list a global holds, ``D["k"]``), also in the functions it
reaches, and the attributes of a bound method's object (``self.k``), as vjp found them.

vjp returns ``f``'s value and a pullback that runs ``f``'s derivative code when it is
called. That code reads those names again: rebound in between (``K = 10.0``,
``cfg.scale = 3.0``, a setter's ``nonlocal``, ``obj.k = 10.0``, ``D["k"] = 9.0``), the pullback would differentiate a
function other than the one ``out`` came from, with no error. The pullback runs with the
values vjp found, as JAX's and PyTorch's keep what the forward pass read, and puts the
new ones back after.

What cannot be put back so is refused when the pullback is called, as PyTorch refuses
a backward pass through a tensor changed in place since it was saved: an array one of
those places held, or one under them (in a tuple, a nested list, a dict too long to
have its items put back, an object's attributes), written into or rebound since
(``W *= 2``, ``PAIR[0][:] = 0``: each array is kept as a CRC-32 of its bytes with its
shape and dtype, not a copy, each object under a place by identity), and an attribute of a class of the user's the
function reads (``Params.k``, also through an object of it, ``cfg.k``) rebound since."""

import dis
import functools
import itertools
import types
import zlib

import numpy

from .rebound_places import Snapshot

_ABSENT = object()

_GLOBAL_READS = frozenset({"LOAD_GLOBAL", "LOAD_NAME"})
_CELL_READS = frozenset({"LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF"})
_ATTRIBUTE_READS = frozenset({"LOAD_ATTR", "LOAD_METHOD"})


def read_snapshot(fn, receivers=()):
    """A Reads of the places ``fn`` (a plain function) and the functions it reaches
    read, and of the attributes of ``receivers`` (a bound method's object, ``self.k``),
    or None where there are none."""
    from .frontend.normalize.callee_writes import reached     # (import astgrad loads no normalizer)
    # no snapshot where reached() cannot follow a value would let the pullback read names
    # rebound since, unseen: its TypeError (an object whose own code raised) goes to the caller
    places, labels, watched = {}, {}, {}
    for function in reached(fn):
        _add_places(function, places, labels, watched)
    for receiver in receivers:
        attributes = getattr(receiver, "__dict__", None)
        if type(attributes) is dict:
            for name in attributes:
                places[id(attributes), name] = (attributes, name)
                labels[id(attributes), name] = ("the attribute {} of {}'s object", name, type(receiver).__name__)
    if not places and not watched:
        return None
    return Reads(list(places.values()), [labels[key] for key in places], list(watched.values()))


class Reads(Snapshot):
    """A Snapshot of the places a function reads, with a name for each (``labels``: a
    format and its values), and the attributes of classes it reads (``watched``: (class,
    name, value, label)), which are checked rather than put back. ``keep_contents``
    keeps what the arrays among them hold, once the function ran."""

    def __init__(self, places, labels, watched):
        super().__init__(places)
        self.labels, self.watched, self.kept = labels, watched, []

    def keep_contents(self):
        """Keep the class attributes and what the arrays hold as they are now (``f`` ran):
        those the places hold, and those under them (in a tuple, a list, a dict or an
        object's attributes) that are no place of their own, which the pullback reads as
        they are when it is called."""
        self.watched = [(owner, attribute, vars(owner).get(attribute, _ABSENT), label)
                        for owner, attribute, _, label in self.watched]
        held = list(zip(self.labels, self.values)) + [(label, value) for _, _, value, label in self.watched]
        self.own = {id(place[0]) for place in self.places}      # containers whose items are put back
        prints = [(label, value, _contents(value, self.own)) for label, value in held]
        self.kept = [(label, value, kept) for label, value, kept in prints if kept]


def refuse_changed_reads(reads, name):
    """The ValueError for a class attribute the function read rebound since ``vjp`` made
    the pullback ``name``, or an array one of the places held written into since."""
    if reads is None:
        return
    for owner, attribute, value, label in reads.watched:
        if vars(owner).get(attribute, _ABSENT) is not value:
            raise ValueError(f"{name}: {_text(label)} was rebound after vjp was called, so the pullback would "
                             "differentiate another function than the one vjp's output was computed with; call "
                             "the pullback before changing it, or call vjp again after the change")
    for label, value, kept in reads.kept:
        change = _change(_contents(value, reads.own), kept)
        if change is not None:
            raise ValueError(f"{name}: {_text(label)} {change} after vjp was called, so the pullback would "
                             "differentiate at another point than the one vjp's output was computed at; call "
                             "the pullback before changing it in place, or call vjp again after the change")


def _text(label):
    """A place's name (kept as a format and its values: made only for an error)."""
    return label[0].format(*label[1:])


_NODES = 256       # the objects looked at under one place (a table of arrays is short)
_ITEMS_LIMIT = 32  # the items of a global's dict or list put back one by one (D["k"] = 9.0)


def _contents(value, own):
    """((object, its fingerprint), ...) for the objects under ``value`` the pullback may read:
    the items of tuples, lists and dicts, the attributes of objects of the user's, the
    elements of an array of objects, down to arrays and other values; () where none is an
    array or a container. Not under a container whose items are places (``own``: they
    are put back)."""
    found, todo = [], [value]
    while todo and len(found) < _NODES:
        held = todo.pop()
        print_ = _fingerprint(held)
        found.append((held, print_))
        todo.extend(reversed(_under(held, own)))
    return tuple(found) if len(found) > 1 or found[0][1] is not None else ()


_LEAVES = frozenset({float, int, bool, str, complex, type(None), numpy.float64, types.ModuleType, types.FunctionType,
                     types.BuiltinFunctionType, numpy.ufunc, type})     # what holds nothing the pullback reads


def _under(held, own):
    """The objects ``held`` holds (its items, attributes or elements), where they are no places."""
    if type(held) in _LEAVES:
        return []
    if isinstance(held, numpy.ndarray):
        return list(itertools.islice(held.flat, _NODES)) if held.dtype.hasobject else []
    if type(held) in (list, tuple):
        items = held
    elif type(held) is dict:
        items = held.values()
    elif type(held) is types.SimpleNamespace or _user_object(held):
        items = vars(held).values()
        held = vars(held)
    else:
        return []
    return [] if id(held) in own else list(itertools.islice(items, _NODES))


def _change(now, kept):
    """How the objects under a place differ from those kept (an item rebound, an array
    written into); None where they do not."""
    for (a, print_now), (b, print_kept) in zip(now, kept):
        if a is not b:
            return "had an object under it rebound"
        if print_now != print_kept:
            return "was written into"
    return None if len(now) == len(kept) else "had an object under it added or removed"


def _fingerprint(value):
    """(shape, dtype, CRC-32 of the bytes) of a NumPy array (of an array of objects: its
    shape and dtype, its elements being looked at one by one); else None."""
    if not isinstance(value, numpy.ndarray):
        return None
    if value.dtype.hasobject:
        return value.shape, value.dtype.str
    data = numpy.ascontiguousarray(value).reshape(-1).view(numpy.uint8)
    return value.shape, value.dtype.str, zlib.crc32(data)


def rebound_since(snapshot):
    """``snapshot`` where one of its places holds another object now, else None."""
    if snapshot is None:
        return None
    now = snapshot.taken_again()
    return snapshot if any(a is not b for a, b in zip(snapshot.values, now.values)) else None


def _add_places(function, places, labels, watched):
    """Add the places ``function`` reads to ``places`` and their names to ``labels``; the
    attributes of classes of the user's it reads to ``watched``."""
    scope = function.__globals__
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    names, cell_names, attributes = _reads(function.__code__)
    module = scope.get("__name__", "?")
    for name in names:
        if name in scope:
            places[id(scope), name] = (scope, name)
            labels[id(scope), name] = ("the global {} of {}", name, module)
            held = scope[name]
            if type(held) in (dict, list) and len(held) <= _ITEMS_LIMIT:   # D["k"] = 9.0: a short dict's items
                for key in held if type(held) is dict else range(len(held)):
                    places[id(held), key] = (held, key)
                    labels[id(held), key] = ("{}[{!r}] (in {})", name, key, module)
    for name in cell_names:
        if name in cells:
            places[id(cells[name]), None] = (cells[name], None)
            labels[id(cells[name]), None] = ("the closure variable {} of {}", name, function.__qualname__)
    for held_by_cell, owner_name, attribute in attributes:
        owner = _cell_value(cells.get(owner_name)) if held_by_cell else scope.get(owner_name)
        own = _own_attributes(owner)
        if own is not None and attribute in own:
            places[id(own), attribute] = (own, attribute)
            labels[id(own), attribute] = ("{}.{} (in {})", owner_name, attribute, module)
            continue
        klass = _defining_class(owner, attribute)
        if klass is not None and not _code_like(vars(klass)[attribute]):
            watched[id(klass), attribute] = (klass, attribute, vars(klass)[attribute],
                                             ("{}.{} (of the class {})", owner_name, attribute, klass.__qualname__))


def _code_like(value):
    """A method, a property or another callable: the pullback's code holds what it
    calls (a rebinding since leaves it as it is)."""
    return callable(value) or isinstance(value, (staticmethod, classmethod, property))


def _user_object(value):
    """An object of a class of the user's keeping its attributes in a ``__dict__``."""
    from .frontend.normalize.outer_writes import _library
    return _own_attributes(value) is not None and not _library(type(value).__module__)


def _defining_class(owner, attribute):
    """The class of the user's (``owner`` itself, or the class of an object of the user's)
    whose own ``attribute`` a read of ``owner.attribute`` gives; else None."""
    from .frontend.normalize.outer_writes import _library
    cls = owner if isinstance(owner, type) else type(owner) if _user_object(owner) else None
    for klass in cls.__mro__ if cls is not None else ():
        if attribute in vars(klass):
            return klass if not _library(klass.__module__) else None
    return None


def _own_attributes(holder):
    """The dict of attributes of a module, or of an object keeping them in a ``__dict__``
    (``cfg.scale`` on a ``types.SimpleNamespace`` or an object of a class of yours); None
    for a class (whose attributes every instance shares) and other values."""
    if isinstance(holder, type):
        return None
    own = getattr(holder, "__dict__", None)
    return own if type(own) is dict else None


def _cell_value(cell):
    try:
        return cell.cell_contents if cell is not None else None
    except ValueError:          # an empty cell
        return None


@functools.lru_cache(maxsize=4096)
def _reads(code):
    """(global names, cell names, (whether a cell holds it, global or cell name, attribute)
    triples) ``code`` and the code nested in it read."""
    from .frontend.normalize.outer_writes import _codes
    names, cell_names, attributes = set(), set(), set()
    for inner in _codes(code):
        previous = None
        for ins in dis.get_instructions(inner):
            if ins.opname in _GLOBAL_READS:
                names.add(ins.argval)
            elif ins.opname in _CELL_READS:
                cell_names.add(ins.argval)
            elif ins.opname in _ATTRIBUTE_READS and previous is not None \
                    and previous.opname in _GLOBAL_READS | _CELL_READS:
                attributes.add((previous.opname in _CELL_READS, previous.argval, ins.argval))
            previous = ins
    return frozenset(names), frozenset(cell_names), frozenset(attributes)
