"""Which functions of an object's class may run on one object the function builds, read
off the source, for the question attribute_aliases.py asks of a class keeping one array
under two attributes (``self.d = d; self.e = d``) where one method writes into it in
place (``self.d[0] += x``) and another rebinds one of them (``self.d = self.d * x``,
which parts ``d`` from ``e``)::

    p = TwiceKeptGrown(w * 1.0)
    p.bump(w[1])                    # grow never runs on p: p.e and p.d stay one array
    return np.sum(w * p.d) + np.sum(p.e ** 2)

The two names are one array for good on ``p`` where no function that may run on it
rebinds either: those the function names on it (``p.bump``, a property ``p.norm``),
``__init__``, the hooks Python runs by itself (``__getattr__``, ``__setattr__``, ...),
and, in each of those, what it names on its own object (``self.helper()``,
``super().step()``), to the end. The answer is narrow on purpose: where the object is
named otherwise (handed to a call, stored, ``p[0]``, ``p + 1``, ``getattr(p, ...)``),
or a function reached names its object otherwise (``helper(self)``, ``return self``),
or its source is not read, every function may run."""

import inspect

import gast

from ...core import syntax as S
from ...core.missing import MISSING
from .class_functions import tree_of

# run by Python on the object without being named (an attribute read or store, its end)
_HOOKS = ("__getattr__", "__getattribute__", "__setattr__", "__delattr__", "__del__")
_DYNAMIC = frozenset({"getattr", "setattr", "delattr", "vars", "__dict__", "__class__"})


def functions_run(cls, tree, me):
    """The functions of ``cls`` (methods, a property's functions, static and class
    methods) that may run on the object ``me`` names in ``tree`` (bound once there, by
    the caller's check), each once; None where any may (the module docstring)."""
    names = _named_on(tree, me)
    if names is None:
        return None
    names |= {"__init__"} | {h for h in _HOOKS if _defined(cls, h)}
    found, todo = [], [(name, None) for name in sorted(names)]
    while todo:
        name, after = todo.pop()
        value, owner = _static(cls, name, after)
        if value is MISSING:
            continue            # an attribute of the object's own (or an AttributeError): no code
        functions = _functions_of(value)
        if functions is None:
            return None
        for fn in functions:
            if fn is object.__init__ or any(fn is f for f, _ in found):
                continue
            if not inspect.isfunction(fn):
                return None     # (a builtin slot, a C method of a base: code not read here)
            found.append((fn, owner))
            inner = _named_by_method(fn)
            if inner is None:
                return None
            own, through_super = inner
            todo += [(n, None) for n in sorted(own)] + [(n, owner) for n in sorted(through_super)]
    return [fn for fn, _ in found]


def _named_on(tree, me):
    """The attribute names ``tree`` reads, stores or calls on ``me`` (``me.bump(...)``,
    ``me.d``); None where it names ``me`` otherwise, but as the one target binding it."""
    parents = S.parent_nodes(tree)
    names, bound = set(), 0
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and node.id == me):
            continue
        parent = parents.get(node)
        if isinstance(node.ctx, gast.Store) and isinstance(parent, gast.Assign) and node in parent.targets:
            bound += 1
            if bound > 1:
                return None     # (another object under the name: the caller asks of one bound once)
            continue
        if not (isinstance(parent, gast.Attribute) and parent.value is node) or parent.attr in _DYNAMIC:
            return None
        names.add(parent.attr)
    return names


def _named_by_method(fn):
    """(the attribute names ``fn`` names on its own object, those it names on
    ``super()``) where it names its object in no other way; else None."""
    tree = tree_of(fn)
    params = tree.args.posonlyargs + tree.args.args if tree is not None else []
    if tree is None or not params or tree.decorator_list and not _plain_decorators(tree):
        return None
    me = params[0].id
    if any(isinstance(n, gast.Name) and n.id in _DYNAMIC for n in S.walk_nodes(tree)):
        return None
    parents = S.parent_nodes(tree)
    own, through_super = set(), set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "super":
            parent = parents.get(node)
            if node.args or not isinstance(parent, gast.Attribute):
                return None
            through_super.add(parent.attr)
        if not (isinstance(node, gast.Name) and node.id == me) or isinstance(node.ctx, gast.Param):
            continue
        parent = parents.get(node)
        if not (isinstance(parent, gast.Attribute) and parent.value is node) or parent.attr in _DYNAMIC:
            return None
        own.add(parent.attr)
    return own, through_super


def _plain_decorators(tree):
    return all(isinstance(d, gast.Name) and d.id in ("property", "staticmethod", "classmethod")
               or isinstance(d, gast.Attribute) and d.attr in ("setter", "deleter", "getter")
               for d in tree.decorator_list)


def _static(cls, name, after):
    """(what ``cls`` gives for ``name``, looked up as Python does from the class after
    ``after`` where given (``super()``), the class holding it), or (MISSING, None)."""
    mro = cls.__mro__
    if after is not None:
        mro = mro[mro.index(after) + 1:] if after in mro else ()
    for klass in mro:
        if name in vars(klass):
            return vars(klass)[name], klass
    return MISSING, None


def _functions_of(value):
    """The functions ``value`` (a class attribute) may run when read on the object, or
    called: none for a plain value; None for a descriptor whose code is not read."""
    if isinstance(value, property):
        return [fn for fn in (value.fget, value.fset, value.fdel) if fn is not None]
    if isinstance(value, (staticmethod, classmethod)):
        return [value.__func__]
    if inspect.isfunction(value) or value is object.__init__:
        return [value]
    if hasattr(type(value), "__get__") or callable(value):
        return None
    return []


def _defined(cls, name):
    return any(name in vars(klass) for klass in cls.__mro__[:-1])


def rebinds_any(functions, attrs, init):
    """Whether a function among ``functions`` (None: any of the class's) but ``init``
    binds, deletes or hands ``setattr`` an attribute named in ``attrs`` (of any object),
    or is one astgrad cannot read."""
    if functions is None:
        return True
    for fn in functions:
        if fn is init:
            continue
        tree = tree_of(fn)
        if tree is None or any(isinstance(n, gast.Attribute) and n.attr in attrs and not isinstance(n.ctx, gast.Load)
                               for n in S.walk_nodes(tree)):
            return True
    return False
