"""Arguments the function writes into (``x[0] = v``, a NumPy result stored into one
with ``out=``, ``x.sort()``, ``x.fill(v)``, ``numpy.copyto(x, v)``, also through a plain
alias ``y = x; y[0] = v`` or ``y = x; y *= v``): the generated code works on a copy of each,
made when it starts (``x_1 = copy_argument(x)``, the body reading ``x_1``), so calling a
derivative never changes the caller's value, and the write is one into memory the
function owns, which the modes differentiate. ``f(x)`` itself still changes the
caller's array, as Python does (docs/supported-python.md)."""

import inspect
import types

import gast
import numpy

from ... import runtime
from ...analysis.fixed_point import reachable
from ...analysis.mutation import is_ufunc_at, positional_out
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.ops import is_user_function
from ...core import methods as M
from ...rules import registry
from .. import object_layouts as L
from .array_writes import written_array
from .instances import function_tree
from .objects import changed_in_place


def _argument_writes(tree, written_by_call=None, rebound=None, nodes=None):
    """(parameter, the ``c[k] op= v`` statements on an item of it) for each parameter whose
    object the body may change in place: the base of an element write, a name a call
    writes into (``written_by_call(call)`` says which), or the target of an augmented
    assignment through a plain alias of it; in the order of the parameters. And the names
    an augmented assignment rebinds (``x *= 2.0``). One walk of the tree finds both. And
    the parameters among them only grown as lists (``log.append(v)``, ``extend``, ``insert``
    on it or a plain alias), which change no item they hold.
    ``rebound(param, nodes)`` says whether the writes ``nodes`` through the parameter's own
    name all follow its rebinding to a copy (``state = dict(state)``), changing no argument.
    ``nodes``: ``tree``'s nodes (``syntax.walk_nodes``, or ``operand_nodes``), if at hand."""
    args = tree.args
    params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    copies = {}                 # name -> the names plainly copied into it
    written, augmented, item_ops = set(), set(), {}
    writes = {}                 # name -> the nodes writing into it by that name
    assign, call, augmented_assign = gast.Assign, gast.Call, gast.AugAssign
    for node in S.operand_nodes(tree) if nodes is None else nodes:  # (no Assign, Call, AugAssign: operators)
        kind = node.__class__               # (one test for the many nodes that are none of them)
        if kind is not assign and kind is not call and kind is not augmented_assign:
            continue
        if kind is assign:
            for target in node.targets:
                if isinstance(target, gast.Name) and isinstance(node.value, gast.Name):
                    copies.setdefault(target.id, set()).add(node.value.id)
                if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                    written.add(target.value.id)
                    writes.setdefault(target.value.id, []).append(node)
        elif kind is call and written_by_call is not None:
            for name in written_by_call(node):
                written.add(name)
                writes.setdefault(name, []).append(node)
        elif kind is augmented_assign:
            if isinstance(node.target, gast.Subscript) and isinstance(node.target.value, gast.Name):
                written.add(node.target.value.id)
                writes.setdefault(node.target.value.id, []).append(node)
                item_ops.setdefault(node.target.value.id, []).append(node)
            elif isinstance(node.target, gast.Name):
                augmented.add(node.target.id)
    found, grown_only = [], set()
    for param in params:
        reached = reachable({param}, lambda name: [n for n, sources in copies.items() if name in sources])
        hits = reached & (written | {n for n in augmented if n in copies})
        if hits == {param} and param not in augmented and rebound is not None and rebound(param, writes[param]):
            continue
        if hits:
            updates = sorted((u for name in reached for u in item_ops.get(name, ())),
                             key=lambda u: getattr(u, "lineno", 0))
            found.append((param, updates))
            if not (hits & augmented) and all(_grows(node, name) for name in hits for node in writes.get(name, ())):
                grown_only.add(param)
    return found, augmented, grown_only


def _grows(node, name):
    """Whether ``node`` is ``name.append(v)`` (``extend``, ``insert``): a list grown, no item
    it holds changed."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and \
        isinstance(node.func.value, gast.Name) and node.func.value.id == name and node.func.attr in _LIST_GROWTH


def _written_by_call(normalizer):
    """The names a call writes into: where NumPy stores its result (``out=``), the
    receiver of a method changing a mutable default (``acc.append(v)``), and the
    arguments of a helper the normalizer inlines because it changes its arguments."""
    defaults, parameters = _container_defaults(normalizer.source.fn), _parameters(normalizer.source.tree)  # once

    def written(call):
        callee = normalizer.resolve_call(call)
        names = _out_names(call, callee)
        if not _users_method_call(normalizer, call):
            names += _container_changed(call, defaults, parameters)
            whole = written_array(call, normalizer.resolve_call)    # y.sort(), y.fill(v), numpy.copyto(y, x)
            if whole is not None:
                names.append(whole)
        normalizer.grown_arguments.update(_grown(call, names))
        if is_user_function(callee) and hasattr(callee, "__code__") and normalizer.changes_its_arguments(callee):
            names.extend(a.id for a in call.args + [kw.value for kw in call.keywords] if isinstance(a, gast.Name))
        return names
    return written


def _users_method_call(normalizer, call):
    """Whether ``call`` is ``cell.append(w)`` (any method) on a name the function was made
    for an object of a class in, whose method of that name is the user's own and changes no
    attribute in place (``self.W = self.W * w``): it grows no list (objects.py follows it on a
    copy of the argument, argument_objects.py). One appending to a list it holds
    (``self.items.append(v)``) is taken for a list's, refused when the code runs."""
    func = call.func
    if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)):
        return False
    layout = normalizer.named_layouts().get(func.value.id)
    method = M.static_attribute(layout[1], func.attr) if layout is not None and layout[0] == L.OBJECT else None
    tree = function_tree(method) if is_user_function(method) else None     # (None: its source unread)
    return tree is not None and not changed_in_place(tree)


def _container_changed(call, defaults, parameters=()):
    """``[xs]`` for ``xs.append(v)`` (``extend``, ``pop``, ``update``, ...), a method that
    changes a list, dict or set in place, where ``xs`` is a parameter whose default is a
    list, dict or set (``defaults``: their names), as a mutable default ``acc=[]`` is,
    and for ``xs.append(v)``, ``xs.extend(vs)`` or ``xs.insert(i, v)`` on any other of the
    ``parameters``: the caller's list, which the copy leaves alone (that such a parameter
    holds a list is checked when the derivative starts, ``list_argument``); else ``[]``."""
    func = call.func
    if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)):
        return []
    if func.value.id not in defaults and not (func.value.id in parameters and func.attr in _LIST_GROWTH):
        return []
    records = registry.methods_named(func.attr)
    if records and all(r.mutates == 0 and getattr(r.function, "__objclass__", None) in (list, dict, set)
                       for r in records):
        return [func.value.id]
    return []


_LIST_GROWTH = frozenset({"append", "extend", "insert"})


def _parameters(tree):
    args = tree.args
    return {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}


def _grown(call, names):
    """The names among ``names`` (those ``call`` writes into) that it grows as a list."""
    func = call.func
    return [n for n in names if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
            and func.value.id == n and func.attr in _LIST_GROWTH]


def _container_defaults(fn):
    """The parameters of ``fn`` whose default value is a list, dict or set."""
    if type(fn) is types.FunctionType and fn.__defaults__ is None and fn.__kwdefaults__ is None \
            and "__wrapped__" not in fn.__dict__ and "__signature__" not in fn.__dict__:
        return set()        # no default at all, as most functions (inspect.signature: three a generation)
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in parameters if type(p.default) in (list, dict, set)}


def _default_of(fn, name):
    return inspect.signature(fn).parameters[name].default


def _out_names(call, target):
    """The names a NumPy call stores its result into: ``out=y`` (or ``out=(y,)``), the
    outputs given positionally, or the array of ``numpy.add.at(y, i, v)``. Taking
    a user function's ``out=`` for a write only costs a copy of the argument."""
    outs = [kw.value for kw in call.keywords if kw.arg == "out"]
    if isinstance(target, numpy.ufunc):
        outs.extend(call.args[target.nin:])
    elif is_ufunc_at(target) and call.args:
        outs.append(call.args[0])
    elif target is not None and not any(isinstance(a, gast.Starred) for a in call.args) \
            and positional_out(target, len(call.args)) is not None:
        outs.append(call.args[positional_out(target, len(call.args))])     # numpy.cumsum(a, 0, None, y)
    names = []
    for out in outs:
        items = out.elts if isinstance(out, gast.Tuple) else [out]
        names.extend(item.id for item in items if isinstance(item, gast.Name))
    return names


class _Rename(gast.NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if node.id in self.mapping:
            node.id = self.mapping[node.id]
        return node


def copy_written_arguments(normalizer, body, nodes=None):
    """``body`` reading a copy of each written argument; the statements making the copies,
    after the checks that the arguments changed in place share no memory with the others
    (``nodes``: the nodes of the function's tree as it is now, if at hand)."""
    tree = normalizer.source.tree
    normalizer.grown_arguments = set()
    rebound = {}
    found, augmented, grown_only = _argument_writes(tree, _written_by_call(normalizer),
                                        lambda param, writes: _rebound_before(normalizer, tree, param, writes, rebound),
                                        nodes)
    body = _rename_after_rebinding(normalizer, body, rebound)
    defaults = _container_defaults(normalizer.source.fn)
    names = [param for param, _ in found]
    updates = {param: items[0] for param, items in found if items}    # read before the body is renamed
    prologue = _apart_checks(normalizer, names, augmented, grown_only)
    if not names:
        return body, prologue
    mapping = {name: normalizer.namer.fresh(name) for name in names}
    normalizer.argument_copies = {copy: name for name, copy in mapping.items()}
    normalizer.locals.update(mapping.values())
    body = [_Rename(mapping).visit(stmt) for stmt in body]
    for name, copy in mapping.items():
        if name in updates:         # xs[0] += v: the items must be separate arrays
            where = normalizer.source.place(updates[name])
            prologue.append(_check(normalizer, runtime.items_apart, [S.name(name), S.const(where)]))
        if name in normalizer.grown_arguments and name not in defaults:     # xs.append(v): a list
            where = normalizer.source.place(tree)
            prologue.append(_check(normalizer, runtime.list_argument, [S.name(name), S.const(name), S.const(where)]))
        call = S.call(S.name(normalizer.bind(runtime.copy_argument)), [S.name(name)])
        anno.set(call, Key.TARGET, runtime.copy_argument)
        anno.set(call, Key.METHOD, None)
        stmt = S.assign(copy, call)
        stmt.lineno = getattr(tree, "lineno", None)
        anno.set(stmt, Key.ARGUMENT_COPY, True)
        prologue.append(stmt)
    return body, prologue


def _rebound_before(normalizer, tree, param, nodes, rebound):
    """Whether the writes ``nodes`` into ``param`` by its name all follow its rebinding to
    a new object (``state = dict(state)``): they change no argument. ``rebound`` gets the
    position of that statement in the body, for ``_rename_after_rebinding``."""
    from .rebound_arguments import rebinding_index     # (loaded with the first argument written into)
    index = rebinding_index(tree.body, param, normalizer.resolve_call)
    if index is None:
        return False
    later = {id(node) for stmt in tree.body[index + 1:] for node in S.operand_nodes(stmt)}
    if not all(id(node) in later for node in nodes):
        return False
    rebound[param] = index
    return True


def _rename_after_rebinding(normalizer, body, rebound):
    """``body`` with each parameter of ``rebound`` (name -> the position of the statement
    rebinding it to a copy) a new local variable from that statement on."""
    if not rebound:
        return body
    body = list(body)
    for name, index in rebound.items():
        mapping = {name: normalizer.namer.fresh(name)}
        normalizer.locals.update(mapping.values())
        body[index].targets = [_Rename(mapping).visit(t) for t in body[index].targets]
        body[index + 1:] = [_Rename(mapping).visit(stmt) for stmt in body[index + 1:]]
    return body


def _apart_checks(normalizer, written, augmented, grown_only=()):
    """``arguments_apart(x, (y, ...), 'x', where)`` for each parameter the function changes
    in place (``written``, and those it applies ``op=`` to, in ``augmented``: ``x *= 2.0``)
    when it has other parameters: ``f(a, a)`` would have the change show in the other
    argument too. A list only grown (``grown_only``) is checked for itself, not for the
    values it holds, which the growth leaves alone: a log may hold the array another
    argument is."""
    tree = normalizer.source.tree
    params = [a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs]
    where = normalizer.source.place(tree)
    checks = []
    shared = _free_containers(normalizer.source, params) if written or augmented else []
    for name in shared:
        normalizer.namer.reserve(name)      # read by the checks: no temporary may take it
    defaults = _container_defaults(normalizer.source.fn)
    for name in params:
        others = [p for p in params if p != name] + shared
        if others and (name in written or name in augmented):
            group = gast.Tuple(elts=[S.name(p) for p in others], ctx=gast.Load())
            default = S.const(type(_default_of(normalizer.source.fn, name)).__name__ if name in defaults else None)
            extra = [default, S.const(True)] if name in grown_only else [default] if name in defaults else []
            checks.append(_check(normalizer, runtime.arguments_apart,
                                 [S.name(name), group, S.const(name), S.const(where)] + extra))
    return checks


def _free_containers(source, params):
    """The global and closure names the function (or a function of its module it calls)
    reads that hold an array, list, dict or object now: ``f(G)`` for such a global ``G``
    would have a write into the argument change ``G`` too, as ``f(a, a)`` changes the
    other argument. Names the function binds itself are left out (read before the body,
    they are not bound yet), and so are names read only by its defaults, decorators and
    annotations, which Python evaluated once, when the def ran (``log=HISTORY``: the
    default is the global's list, which the call may change, as Python's does)."""
    loaded, stored = set(), set()
    for node in (n for stmt in source.tree.body for n in S.name_nodes(stmt)):
        if isinstance(node, gast.Name):
            (loaded if isinstance(node.ctx, gast.Load) else stored).add(node.id)
    read = loaded | names_read_by_callees(source.globals, [source.globals.get(n) for n in loaded])
    found = []
    for name in sorted(read - stored - set(params)):
        value = source.closure.get(name, source.globals.get(name))
        if isinstance(value, (numpy.ndarray, list, dict, tuple)) or _plain_object(value):
            found.append(name)
    return found


def _plain_object(value):
    """An instance of a class holding attributes (``cfg.w``), not a function or module."""
    return hasattr(value, "__dict__") and not callable(value) and not isinstance(value, types.ModuleType)


def names_read_by_callees(scope, values):
    """The global names read by the user functions among ``values`` defined in the module
    whose globals are ``scope``, and by the functions of that module they call in turn."""
    read, todo, seen = set(), list(values), set()
    while todo:
        fn = todo.pop()
        if not is_user_function(fn) or getattr(fn, "__globals__", None) is not scope or id(fn) in seen:
            continue
        seen.add(id(fn))
        codes = [fn.__code__]
        while codes:
            code = codes.pop()
            read.update(code.co_names)
            codes.extend(c for c in code.co_consts if hasattr(c, "co_names"))
        todo.extend(scope.get(name) for name in fn.__code__.co_names)
    return read


def _check(normalizer, helper, args):
    """The statement calling the runtime check ``helper`` with ``args``."""
    call = S.call(S.name(normalizer.bind(helper)), args)
    anno.set(call, Key.TARGET, helper)
    anno.set(call, Key.METHOD, None)
    return S.expr_stmt(call)
