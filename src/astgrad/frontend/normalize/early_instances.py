"""An instance of a class of the body built before a class its methods need:

    def f(x):
        class A:
            def __init__(self, v):
                self.v = v

            def make(self):
                return B(self.v)
        a = A(x)                # builds A: runs __init__, which does not need B
        class B: ...
        return a.make().w       # make runs here, after class B

Python runs ``make`` (and so reads ``B``) only where it is called. Building ``a`` runs
what building an instance runs (``__new__``, ``__init__``, ``__post_init__``, attribute
hooks); where none of that needs ``B`` and ``self`` does not leave ``__init__`` (no method
can then run but through ``a``), the statement is followed, and ``a`` is then a name that
needs ``B``: a read of it before ``class B`` is refused as a use of ``A`` is.

Only the plain form is taken so: ``name = A(args)`` with ``A`` a class of the body with no
bases and no metaclass (an inherited ``__init__`` may call an overriding method),
decorated by nothing but ``dataclasses.dataclass``, the arguments reading nothing that
needs ``B``."""

import dataclasses

import gast

from ...core import syntax as S

# what building an instance may run, besides the methods these call
_RUN_WHEN_BUILT = {"__new__", "__init__", "__post_init__", "__setattr__", "__getattribute__", "__getattr__",
                   "__del__"}


def instance_built_safely(stmt, needing, classes, resolve):
    """The name ``stmt`` binds to an instance of a class of the body (``classes``: name ->
    its class statement) built without running anything that reads ``needing`` (see
    above); else None. ``resolve(node)``: the object a decorator's name path refers to."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Name)):
        return None
    cls = classes.get(stmt.value.func.id)
    given = stmt.value.args + [k.value for k in stmt.value.keywords]
    if cls is None or cls.name not in needing or _reads(given) & needing:
        return None
    if cls.bases or cls.keywords or not all(_is_dataclass_decorator(d, resolve) for d in cls.decorator_list):
        return None
    methods = [item for item in cls.body if isinstance(item, (gast.FunctionDef, gast.AsyncFunctionDef))]
    needed = _methods_needing(methods, needing)
    run = _run_when_built(methods)
    if any(m.name in needed or not _self_kept(m) for m in methods if m.name in run):
        return None
    return stmt.targets[0].id


def _run_when_built(methods):
    """The names of the methods building an instance may run: those Python runs, and
    those whose name is an attribute they use (``self.setup()``), and so on."""
    run, grew = set(_RUN_WHEN_BUILT), True
    while grew:
        more = set().union(*[_attributes(m.body) for m in methods if m.name in run]) - run
        run |= more
        grew = bool(more)
    return run


def _methods_needing(methods, needing):
    """The names of ``methods`` that read ``needing``, or an attribute named as one of
    those (``self.make()``, a property set as ``self.p = v``)."""
    needed, grew = set(), True
    while grew:
        more = {m.name for m in methods if m.name not in needed and (
            _reads(m.body) & needing or _attributes(m.body) & needed
            or _reads(m.decorator_list) & needing)}
        needed |= more
        grew = bool(more)
    return needed


def _self_kept(method):
    """Whether the method's first parameter appears only as the object of an attribute
    (``self.v = v``): the instance goes nowhere a method of it could be run from."""
    params = method.args.posonlyargs + method.args.args
    if not params:
        return True
    name = params[0].id
    objects = {id(n.value) for stmt in method.body for n in S.nodes_of_class(stmt, gast.Attribute)}
    return all(id(n) in objects and isinstance(n.ctx, gast.Load) for stmt in method.body
               for n in S.name_nodes(stmt) if n.id == name)


def _is_dataclass_decorator(node, resolve):
    return resolve(node.func if isinstance(node, gast.Call) else node) is dataclasses.dataclass


def _reads(nodes):
    return set().union(*map(S.loaded_names, nodes))


def _attributes(nodes):
    return {n.attr for node in nodes for n in S.nodes_of_class(node, gast.Attribute)}
