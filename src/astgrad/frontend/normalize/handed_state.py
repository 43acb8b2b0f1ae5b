"""Calls of helpers that keep state in a container they are given, lowered as calls of
their twins, which take the state and hand it back with their value: a list whose items
hold the state (frontend/threaded.py) and a dict holding a memo table
(frontend/memo_tables.py). The caller's state is then bound to what the twin hands back
(inside a twin, its own), written back into the caller's container, or dropped (a
display written in the call)."""

import gast

from ...core import syntax as S
from ..memo_tables import argument_table, caller_table, mixed_table, table_parameter, twin_of as table_twin
from ..threaded import bound_to_lists, threaded_call, twin_of as threaded_twin
from .instances import function_tree


def lowered_threaded_call(normalizer, node):
    """A call of a helper keeping state in a list it is given (``pos[0] = start + 1``,
    see frontend/threaded.py) as a call of its twin taking and returning the items:
    the caller's items are bound (a twin's own), or written back into its list, or
    dropped (a list display). None when the call passes no such list."""
    found = threaded_call(node, normalizer.resolve_call)
    if found is None or any(normalizer.looks_like_function(a) for a in node.args):
        return None
    fn, parameter, given, state = found
    own = _twin_attribute(normalizer.source.fn, "__astgrad_state__")
    if isinstance(given, gast.List) and (len(given.elts) < state.count
                                         or any(isinstance(e, gast.Starred) for e in given.elts)):
        return None
    if isinstance(given, gast.Name) and not (own and own[0] == given.id) and (
            normalizer.inlining or given.id not in normalizer.locals
            or not bound_to_lists(normalizer.source.tree, given.id)):
        return None
    args = []
    for arg in node.args:                   # evaluated in order, the list's items in place
        if arg is given and isinstance(given, gast.List):
            args.extend([normalizer.atom(e) for e in given.elts][:state.count])
        elif arg is given:
            args.append(None)
        else:
            args.append(normalizer.atom(arg))
    position = args.index(None) if None in args else None
    if position is not None:                # a name: its items as they are at the call
        normalizer.refuse_caught_change(f"a call of {fn.__qualname__}", f"the list {given.id}",      # trying.py
                                        function_tree(fn), parameter, node)
        items = [S.name(n) for n in own[1]] if own and own[0] == given.id else \
            [normalizer.atom(gast.Subscript(value=S.name(given.id), slice=gast.Constant(value=i, kind=None),
                                            ctx=gast.Load())) for i in range(state.count)]
        args[position:position + 1] = items
    twin = threaded_twin(fn, parameter, state)
    call = gast.Call(func=S.name(normalizer.bind_value(twin, "function")), args=args, keywords=[])
    result = normalizer.atom(call, hint="t")
    if position is not None:
        for index in sorted(state.written):
            item = _part(result, index + 1)
            if own and own[0] == given.id:
                normalizer.emit(S.assign(own[1][index], item))
            else:
                normalizer.statement(gast.Assign(targets=[gast.Subscript(
                    value=S.name(given.id), slice=gast.Constant(value=index, kind=None), ctx=gast.Store())],
                    value=item, type_comment=None))
    return _part(result, 0)


def lowered_table_call(normalizer, node):
    """A call of a helper keeping a memo table in a dict it is given (frontend/memo_tables.py)
    as a call of its twin returning the table with its value: the caller's table (the
    twin's own, or a name used only as a table) is bound to it; a display written in the
    call is dropped. None elsewhere (a dict other names may hold is left to the checks of
    changes in place)."""
    fn = normalizer.resolve_call(node)
    found = table_parameter(fn, node) if fn is not None else None
    if found is None and fn is not None:
        _refuse_a_mixed_table(normalizer, fn, node)
    if found is None or any(normalizer.looks_like_function(a) for a in node.args):
        return None
    parameter, given = found
    own = _twin_attribute(normalizer.source.fn, "__astgrad_table__")
    # an argument used only as a table: the twin fills a copy of the caller's dict, as for an array argument
    argument = isinstance(given, gast.Name) and given.id != own and not normalizer.inlining \
        and argument_table(normalizer.source.tree, given.id)
    if isinstance(given, gast.Name) and given.id != own and not argument and (
            normalizer.inlining or given.id not in normalizer.locals
            or not caller_table(normalizer.source.tree, given.id)):
        return None
    if isinstance(given, gast.Name):
        normalizer.refuse_caught_change(f"a call of {fn.__qualname__}", f"the dict {given.id}",      # trying.py
                                        function_tree(fn), parameter, node)
    call = gast.Call(func=S.name(normalizer.bind_value(table_twin(fn, parameter), "function")),
                     args=[normalizer.atom(arg) for arg in node.args], keywords=[])
    result = normalizer.atom(call, hint="t")
    if isinstance(given, gast.Name):
        normalizer.emit(S.assign(given.id, _part(result, 1)))
    return _part(result, 0)


def _refuse_a_mixed_table(normalizer, fn, node):
    """Refuse a call handing a recursive helper a memo table one of its lines both hands
    on and reads, with the rewrite astgrad follows."""
    mixed = mixed_table(fn, node)
    if mixed is not None:
        helper, source, stmt = mixed
        name = helper.__qualname__
        raise normalizer.source.error(
            f"astgrad cannot differentiate the call of {fn.__qualname__}, which keeps a memo table: "
            f"{source.filename}:{source.file_line(stmt)} in {name} both hands the table on to a call and reads "
            f"it ({(source.line_text(stmt) or '').strip()}), and astgrad follows the table where each line does "
            f"one of the two; in {name}, bind the call's value to a name in a line of its own "
            f"(r = {name}(...)), then read the table in the next line", node, construct="memo table")


def _twin_attribute(fn, name):
    """What the twin ``fn`` is, or the twin a function made from it stands for (a variant
    for a call shape, frontend/varargs.py), says in ``name``; None for other functions."""
    while fn is not None:
        found = getattr(fn, name, None)
        if found is not None:
            return found
        fn = (getattr(fn, "__astgrad_specializes__", None) or (None,))[0]
    return None


def _part(result, index):
    return gast.Subscript(value=S.copy(result), slice=gast.Constant(value=index, kind=None), ctx=gast.Load())
