"""A rule template's statement compiled, once per process, into one Python function
that builds the statement's copy for a call (``templates.instantiate`` runs it).

What depends on the template alone (which names are parameters, temporaries or
globals, what a call resolves to, where a derivative is read) is decided while the
function's text is written; the function then makes the copy's nodes in one flat
sequence, in the order the template's fields come (so a statement whose ``d[x]`` has no
derivative is dropped before a temporary of its value is named), without walking the
template or calling a function per node. The function reads what the call binds from
the ``_Substitute`` it is given (templates.py): ``params``, ``position``, ``fold``,
``zero_safe``, ``namespace`` and the methods ``param_atom``, ``derivative``, ``local``
and ``helper``.

The functions are made from the template's parsed tree and nothing else, so they are
the same for every thread; two threads making one at once make equal ones.
"""

import builtins
import types

import gast
import numpy

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.missing import MISSING
from ..core.originals import original_attribute
from ..rules.registry import derivative_ref, derivative_target, unsupported


class BindError(Exception):
    pass


class Dropped(Exception):
    """The statement mentions the derivative of something that has none."""


def compile_statements(template, params, locals_):
    """For each statement of ``template``, the function building, for a ``_Substitute``,
    the statement's copy with its names substituted and its ``Key.ACCUMULATE`` set, or
    raising ``Dropped`` where it mentions a derivative that does not exist (params: the
    template's parameter names and its result's; locals_: its temporaries). One text
    holds them all, compiled at once."""
    texts, scope = [], {}
    for number, stmt in enumerate(template.body):
        code = _Code(template, params, locals_, f"s{number}_")
        accumulate = derivative_target(stmt) is not None    # a derivative's d[x] = e, which adds to d[x]
        if anno.SLOT in stmt.__dict__:
            built = code.node(stmt)
            code.line(f"set_annotation({built}, ACCUMULATE, {accumulate})")
        else:
            built = code.copy(stmt, f"SLOT: {{ACCUMULATE: {accumulate}}}")
        code.line(f"return {built}")
        texts.append(code.text(f"build_{number}"))
        scope.update(code.objects)
    text = "\n".join(texts)
    exec(compile(text, f"<astgrad template {template.fn.__qualname__}>", "exec"), scope)  # noqa: S102 - written here
    return [scope[f"build_{number}"] for number in range(len(template.body))]


class _Code:
    """The text of one builder function as it is written: its lines, the objects it
    names (bound as globals of the function) and the attributes of the substitution it
    reads once at its start."""

    def __init__(self, template, params, locals_, prefix):
        self.template, self.params, self.locals, self.prefix = template, params, locals_, prefix
        self.lines, self.indent, self.count = [], "    ", 0
        self.objects = {"copy_atom": copy_atom, "const": S.const, "name": S.name,
                        "annotated": _annotated, "binop": _binop, "flatten_starred": _flatten_starred,
                        "refusal": _refusal, "SLOT": anno.SLOT, "TARGET": Key.TARGET, "METHOD": Key.METHOD,
                        "ACCUMULATE": Key.ACCUMULATE, "set_annotation": anno.set, "Name": gast.Name,
                        "Dropped": Dropped}
        self.reads = {}         # local name: how the function reads it from ``sub``, in order of first use

    def text(self, function):
        prologue = [f"    {local} = {read}" for local, read in self.reads.items()]
        return "\n".join([f"def {function}(sub):"] + prologue + self.lines) + "\n"

    def line(self, text):
        self.lines.append(self.indent + text)

    def temp(self, expression):
        """A new local of the function holding ``expression`` (evaluated now, in order)."""
        self.count += 1
        local = f"v{self.count}"
        self.line(f"{local} = {expression}")
        return local

    def obj(self, value):
        """The name the function reads ``value`` by (a global of the function)."""
        local = f"{self.prefix}o{len(self.objects)}"
        self.objects[local] = value
        return local

    def read(self, local, expression):
        self.reads.setdefault(local, expression)
        return local

    def raising(self, error):
        """A line raising ``error`` where the template is wrong (when it is used, not before)."""
        self.line(f"raise {self.obj(error)}")
        return "None"

    def node(self, node):
        """An expression of the function (a local or a global) for the copy of ``node``."""
        kind = type(node)
        if kind in S.FIELDLESS and not node.__dict__:
            return self.obj(node)   # an operator or a context: shared, as a copy shares it
        if anno.SLOT in node.__dict__:      # a node carrying annotations keeps copies of them
            plain = self.node(_without_annotations(node))
            return self.temp(f"annotated({plain}, {self.obj(node)})")
        if kind is gast.Name:
            return self.name(node)
        if kind is gast.Subscript and derivative_ref(node) is not None:
            ref, store = derivative_ref(node), isinstance(node.ctx, gast.Store)
            if ref not in self.params:
                return self.raising(BindError(f"d[{ref}] in {self.template.fn.__qualname__} names no parameter"))
            if ref == self.template.vararg:
                return self.temp(f"{self.read('derivative', 'sub.derivative')}({ref!r}, {store})")
            return self.derivative(ref, store)
        if kind is gast.Call:
            return self.call(node)
        copied = self.copy(node)
        if kind is gast.BinOp:
            carries = (_mentions_derivative(node.left), _mentions_derivative(node.right))
            fold, zero_safe = self.read("fold", "sub.fold"), self.read("zero_safe", "sub.zero_safe")
            return self.temp(f"binop(sub, {copied}, {carries}) if {zero_safe} else {fold}({copied})")
        if kind is gast.UnaryOp and type(node.op) is not gast.USub:
            return copied           # (simplify folds only a negation)
        if kind is gast.UnaryOp or kind is gast.Subscript:
            return self.temp(f"{self.read('fold', 'sub.fold')}({copied})")
        return copied

    def derivative(self, ref, store):
        """``d[ref]`` of a parameter other than the vararg: the name of the derivative of
        the atom bound to it (only looked at, not copied)."""
        atom = self.temp(f"{self.read('params', 'sub.params')}[{ref!r}]")
        derivative_of = self.read("derivative_of", "sub.derivative_of")
        self.line(f"{atom} = {derivative_of}({atom}) if isinstance({atom}, Name) else None")
        self.line(f"if {atom} is None:")
        self.line("    raise Dropped()")
        return self.temp(f"name({atom}, {store})")

    def copy(self, node, extra=""):
        """A new node of ``node``'s class: its fields, the children made first, field by
        field (``extra``: more entries of its ``__dict__``, written after the fields)."""
        kind, state = type(node), dict(node.__dict__)
        entries = []
        for field in S.child_fields(kind):
            value = state.get(field)
            if isinstance(value, gast.AST):
                entries.append(f"{field!r}: {self.node(value)}")
            elif isinstance(value, list):
                items = [self.node(v) if isinstance(v, gast.AST) else self.obj(v) for v in value]
                entries.append(f"{field!r}: [{', '.join(items)}]")
        local = self.temp(f"{self.obj(kind.__new__)}({self.obj(kind)})")
        self.line(f"{local}.__dict__ = {{**{self.obj(state)}, {', '.join(entries + ([extra] if extra else []))}}}")
        return local

    def name(self, node):
        ident, store = node.id, isinstance(node.ctx, gast.Store)
        if ident == "argnum":       # the position of the vararg's item, where the statement has one
            position = self.read("position", "sub.position")
            local = self.temp(f"const({position}) if {position} is not None else None")
            self.line(f"if {local} is None:")
            self.indent += "    "
            self.line(f"{local} = {self._plain_name(ident, store)}")
            self.indent = self.indent[:-4]
            return local
        return self.temp(self._plain_name(ident, store))

    def _plain_name(self, ident, store):
        if ident in self.params:
            if ident == self.template.vararg:
                return f"sub.param_atom({ident!r})"
            return f"copy_atom({self.read('params', 'sub.params')}[{ident!r}])"
        if ident in self.locals:
            return f"{self.read('local', 'sub.local')}({ident!r}, {store})"
        obj = self.template.globals.get(ident, MISSING)
        if obj is MISSING:
            obj = getattr(builtins, ident, MISSING)
            if obj is MISSING:
                self.raising(BindError(f"{self.template.fn.__qualname__} uses the unknown name {ident!r}"))
                return "None"
            return f"name({self.read('ref', 'sub.namespace.ref')}({self.obj(obj)}, {ident!r}), {store})"
        if isinstance(obj, types.ModuleType):   # numpy.cos in a rule means NumPy's cos
            return f"name({self.read('ref_original', 'sub.namespace.ref_original')}({self.obj(obj)}, {ident!r}))"
        return f"name({self.read('ref', 'sub.namespace.ref')}({self.obj(obj)}, {ident!r}))"

    def call(self, node):
        """A call: what it resolves to, found now, is its ``Key.TARGET``; a method's name
        its ``Key.METHOD``; ``f(*operands)`` of the vararg passes its atoms one by one."""
        path = S.dotted_path(node.func)
        target = None
        if path is not None and path[0] not in self.params and path[0] not in self.locals:
            target = self.template.globals.get(path[0], MISSING)
            if target is MISSING:
                target = getattr(builtins, path[0], None)
            for part in path[1:]:
                target = original_attribute(target, part)
        method = node.func.attr if isinstance(node.func, gast.Attribute) and target is None else None
        annotations = f"SLOT: {{TARGET: {self.obj(target)}, METHOD: {self.obj(method)}}}"
        if target is unsupported:   # d[x] = unsupported(d[y], "why"): x has a derivative
            call = self.copy(node)          # (made first: a missing d[y] drops the statement)
            self.line(f"raise refusal({self.obj(self.template)}, {call})")
            return "None"
        starred = any(isinstance(arg, gast.Starred) for arg in node.args)
        call = self.copy(node, "" if starred else annotations)
        if starred:
            self.line(f"flatten_starred({call})")
            self.line(f"{call}.__dict__[SLOT] = {{TARGET: {self.obj(target)}, METHOD: {self.obj(method)}}}")
        if target is numpy.power:   # simplify folds no call but numpy.power(e, 1): the others are made as they are
            return self.temp(f"{self.read('fold', 'sub.fold')}({call})")
        return call


def _refusal(template, call):
    """The BindError of ``unsupported(d[y], reason)``: the reason a string, or the name of
    a string of the rule's module."""
    reason = call.args[-1]
    if isinstance(reason, gast.Name) and isinstance(template.globals.get(reason.id), str):
        return BindError(template.globals[reason.id])
    return BindError(reason.value if isinstance(reason, gast.Constant) else "the rule refuses it")


def _flatten_starred(call):
    """``f(*operands)``: the vararg's atoms (a tuple once built) passed one by one."""
    args = []
    for arg in call.args:
        if isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Tuple):
            args.extend(arg.value.elts)
        else:
            args.append(arg)
    call.args = args


def _binop(sub, node, carries):
    """A BinOp made (its operands built) in zero-safe code: a helper's call where a
    derivative is multiplied or divided, or a power taken; else simplified."""
    if isinstance(node.op, gast.Mult) and any(carries):
        g, factor = (node.left, node.right) if carries[0] else (node.right, node.left)
        return sub.helper(runtime.scale, [g, factor])
    if isinstance(node.op, gast.Div) and carries[0]:
        return sub.helper(runtime.over, [node.left, node.right])
    if isinstance(node.op, gast.Pow):
        return sub.helper(runtime.power, [node.left, node.right])
    return sub.fold(node)


def _without_annotations(node):
    plain = S.copy(node)
    del plain.__dict__[anno.SLOT]
    return plain


def _annotated(built, original):
    anno.copy_all(S.copy(original), built)
    return built


def copy_atom(node):
    """A copy of ``node``: a name or a constant without annotations (the call's atoms,
    copied into every statement of the template that mentions them) copied directly,
    which ``S.copy`` does in several steps for each field; anything else by ``S.copy``."""
    kind = type(node)
    if kind is not _NAME and kind is not _CONSTANT or anno.SLOT in node.__dict__:
        return S.copy(node)
    copied = kind.__new__(kind)
    copied.__dict__.update(node.__dict__)
    if kind is _NAME:
        if node.ctx.__dict__:
            return S.copy(node)     # (its context is shared, as a copy shares it)
    return copied


_NAME, _CONSTANT = gast.Name, gast.Constant


def _mentions_derivative(node):
    return any(derivative_ref(n) is not None for n in S.walk_nodes(node))
