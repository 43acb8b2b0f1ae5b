"""The classic iterator class, read as the range of positions its counter runs over::

    class Seq:                                   for c in Seq(xs): ...
        def __iter__(self):                      is, with s = Seq(xs),
            self.i = 0                           for k in range(0, len(s.data)):
            return self                              c = s.data[k] * s.w
        def __next__(self):                          ...
            if self.i >= len(self.data):
                raise StopIteration
            v = self.data[self.i] * self.w
            self.i += 1
            return v

``__iter__`` sets a counter attribute and returns ``self``; ``__next__`` first stops when
the counter reaches a bound (``>=``, or ``==`` a length the counter starts below, moving
up by one; ``<=``, or ``== 0`` from a constant, moving down by one), then moves it by one
and returns an item computed from ``self`` (its attributes, items of them, arithmetic,
``len`` and modules' functions), the counter read before or after the move, through
local names bound once. The counter is the only state: the k-th item is the expression
with k for the counter. What it reads is read when the iteration starts (the bound once,
the items where the loop asks for them), the same as long as nothing changes the object
while it is iterated (object_iteration.py checks the loop body). Any other ``__next__``
is not followed (None)."""

import builtins
import types

import gast

from ...core import methods as M
from ...core import syntax as S
from ..source import parse_function
from .operator_methods import _names_read

INDEX = "index"        # the counter's value in ``item``: object_iteration.py names it afresh
_OWN = {"__iter__", "__next__", "__init__"}       # the methods that may touch the counter


class CountedIteration:
    """What an iterator class iterates: the items ``item`` (an expression of ``self`` and
    INDEX) for INDEX in ``range(start, stop, step)``; ``counter``, the attribute it
    counts with; ``names``: the global names the expressions read -> what they are;
    ``computed``: where ``__next__`` computes what may raise, against the counter's move
    ("before", "after", "both" or None): where a raise leaves the counter."""

    def __init__(self, counter, start, stop, step, item, names, computed=None):
        self.counter, self.start, self.stop, self.step, self.item, self.names, self.computed = \
            counter, start, stop, step, item, names, computed

    def range_call(self):
        """``range(start, stop)`` (or with step -1), of ``self``."""
        args = [S.copy(self.start), S.copy(self.stop)] + ([S.const(-1)] if self.step < 0 else [])
        return gast.Call(func=S.name("range"), args=args, keywords=[])


def counted_iteration(cls):
    """The CountedIteration of ``cls`` where its ``__iter__`` and ``__next__`` have the
    forms above, else None."""
    iter_body, iter_fn = _method_body(cls, "__iter__")
    next_body, next_fn = _method_body(cls, "__next__")
    if iter_body is None or next_body is None or len(iter_body) != 2 or len(next_body) < 2:
        return None
    reset, returned = iter_body
    counter = _counter_assigned(reset)
    if counter is None or not (isinstance(returned, gast.Return) and _is_self(returned.value)) \
            or _others_touch(cls, counter):
        return None
    start, names = reset.value, {}
    bound = _stop_test(next_body[0], counter)
    if bound is None:
        return None
    op, stop = bound
    if isinstance(start, gast.Constant) and type(start.value) is not int:
        return None         # range() takes whole numbers; a counter from 0.5 is not followed
    if not (_reads_self(start, counter, (), iter_fn, names) and _reads_self(stop, counter, (), next_fn, names)) \
            or any(_is_counter(n, counter) for n in [*S.walk_nodes(start), *S.walk_nodes(stop)]):
        return None
    moved = _moves(next_body[1:], counter, next_fn, names)
    if moved is None:
        return None
    step, item, computed = moved
    if not _counts_to_bound(op, step, start, stop):
        return None
    return CountedIteration(counter, start, stop, step, item, names, computed)


def _method_body(cls, name):
    """(the statements of ``cls.<name>`` without its docstring, the function), where it is
    a plain function of ``self`` alone whose source astgrad reads; else (None, None)."""
    fn = M.user_function(M.static_attribute(cls, name))
    if fn is None:
        return None, None
    try:
        tree = parse_function(fn).tree
    except Exception:       # noqa: BLE001 - no source: not followed
        return None, None
    args = tree.args
    if len(args.args) != 1 or args.args[0].id != "self" or args.vararg or args.kwarg or args.kwonlyargs \
            or tree.decorator_list:
        return None, None
    return [s for s in tree.body if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))], fn


def _counter_assigned(stmt):
    """The attribute name ``self.<name> = ...`` assigns, or None."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and _self_attribute(stmt.targets[0]):
        return stmt.targets[0].attr
    return None


def counter_named_elsewhere(cls):
    """(the counter, ``Class.method``) where ``cls``'s ``__iter__`` sets a counter and
    returns ``self`` and another of its methods names that counter (moving it, or reading
    where a loop left it): not followed, and the refusal says which; else None."""
    iter_body, _ = _method_body(cls, "__iter__")
    if iter_body is None or len(iter_body) != 2 or not (isinstance(iter_body[1], gast.Return)
                                                        and _is_self(iter_body[1].value)):
        return None
    counter = _counter_assigned(iter_body[0])
    method = _others_touch(cls, counter) if counter is not None else None
    return (counter, method) if method else None


def counter_moved_words(cls):
    """(what follows "iterating a <class>" in a refusal, the advice) where another method
    of ``cls`` names its counter (``counter_named_elsewhere``), else None."""
    named = counter_named_elsewhere(cls)
    if named is None:
        return None
    counter, method = named
    return (f"an iterator class whose counter .{counter} another method ({method}) also moves or reads, so the "
            "items depend on where that method leaves it, which astgrad does not follow",
            "give the class a method returning the list of the items __next__ computes (def listed(self): return "
            "[... for d in self.data]) and loop over that (for c in v.listed()), or take the counter out of "
            f"{method}")


def _others_touch(cls, counter):
    """``Class.method`` for a method of ``cls`` other than ``__init__``, ``__iter__`` and
    ``__next__`` that names the counter (it would see where a loop left it), else None."""
    for klass in cls.__mro__[:-1]:
        for name, value in vars(klass).items():
            if name not in _OWN and counter in _names_read(value.fget if isinstance(value, property) else value):
                return f"{klass.__name__}.{name}"
    return None


_FLIPPED = {gast.GtE: gast.LtE, gast.LtE: gast.GtE, gast.Eq: gast.Eq}


def _stop_test(stmt, counter):
    """(the comparison's type, the bound) of ``if self.<counter> >= bound: raise
    StopIteration`` (``<=``, ``==``, or the counter on the right), or None."""
    if not (isinstance(stmt, gast.If) and not stmt.orelse and len(stmt.body) == 1
            and isinstance(stmt.body[0], gast.Raise) and _is_stop_iteration(stmt.body[0].exc)
            and stmt.body[0].cause is None and isinstance(stmt.test, gast.Compare) and len(stmt.test.ops) == 1):
        return None
    left, op, right = stmt.test.left, type(stmt.test.ops[0]), stmt.test.comparators[0]
    if op not in _FLIPPED:
        return None
    if _is_counter(left, counter):
        return op, right
    return (_FLIPPED[op], left) if _is_counter(right, counter) else None


def _is_stop_iteration(exc):
    if isinstance(exc, gast.Call) and not exc.args and not exc.keywords:
        exc = exc.func
    return isinstance(exc, gast.Name) and exc.id == "StopIteration"


def _moves(stmts, counter, fn, names):
    """(the step, the returned item with INDEX for the counter, where what may raise is
    computed: CountedIteration.computed) of the statements after the stop test: local
    names bound once, one ``self.<counter> += 1`` (or ``-= 1``, or ``= self.<counter> +
    1``), then ``return item``; None for anything else."""
    if not stmts or not isinstance(stmts[-1], gast.Return) or stmts[-1].value is None:
        return None
    step, values, computed = None, {}, set()
    for stmt in stmts[:-1]:
        moved = _step(stmt, counter)
        if moved is not None and step is None:
            step = moved
        elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id not in values and stmt.targets[0].id != "self" \
                and _reads_self(stmt.value, counter, values, fn, names):
            values[stmt.targets[0].id] = _read_at(stmt.value, counter, step or 0, values)
            computed |= set() if _cannot_raise(stmt.value) else {"after" if step else "before"}
        else:
            return None
    if step is None or not _reads_self(stmts[-1].value, counter, values, fn, names):
        return None
    computed |= set() if _cannot_raise(stmts[-1].value) else {"after"}
    return step, _read_at(stmts[-1].value, counter, step, values), \
        "both" if len(computed) == 2 else next(iter(computed), None)


def _cannot_raise(expr):
    """Whether ``expr`` only reads a name or is a constant (computing it raises nothing)."""
    return isinstance(expr, (gast.Name, gast.Constant))


def _step(stmt, counter):
    """1 or -1 where ``stmt`` moves the counter by one, else None."""
    if isinstance(stmt, gast.AugAssign) and _is_counter(stmt.target, counter):
        op, amount = stmt.op, stmt.value
    elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and _is_counter(stmt.targets[0], counter) \
            and isinstance(stmt.value, gast.BinOp) and _is_counter(stmt.value.left, counter):
        op, amount = stmt.value.op, stmt.value.right
    else:
        return None
    if not (isinstance(amount, gast.Constant) and type(amount.value) is int and amount.value == 1):
        return None
    return 1 if isinstance(op, gast.Add) else -1 if isinstance(op, gast.Sub) else None


def _read_at(expr, counter, moved, values):
    """A copy of ``expr`` with the counter read as INDEX (INDEX + ``moved`` after the
    step) and each local name as the expression it holds."""
    class Read(gast.NodeTransformer):
        def visit_Attribute(self, node):
            if _is_counter(node, counter):
                index = S.name(INDEX)
                return index if moved == 0 else gast.BinOp(left=index, op=gast.Add(), right=S.const(moved))
            return self.generic_visit(node)

        def visit_Name(self, node):
            return S.copy(values[node.id]) if node.id in values else node
    return Read().visit(S.copy(expr))


def _counts_to_bound(op, step, start, stop):
    """Whether ``range(start, stop, step)`` is what the counter runs over: ``>=`` up, ``<=``
    down; ``==`` only where the counter surely reaches the bound (up from 0 to a length,
    down from a constant number to 0), as Python would otherwise never stop."""
    if op is gast.GtE:
        return step == 1
    if op is gast.LtE:
        return step == -1
    if step == 1:
        return isinstance(start, gast.Constant) and start.value == 0 and _is_len(stop)
    return isinstance(start, gast.Constant) and type(start.value) is int and start.value >= 0 \
        and isinstance(stop, gast.Constant) and type(stop.value) is int and stop.value == 0


_ALLOWED = (gast.Name, gast.Attribute, gast.Constant, gast.Tuple, gast.List, gast.BinOp, gast.UnaryOp,
            gast.Subscript, gast.Slice, gast.Call, gast.Load, gast.operator, gast.unaryop)


def _reads_self(expr, counter, values, fn, names):
    """Whether ``expr`` reads only attributes of ``self`` (and their items), the local
    names ``values``, constants, arithmetic, ``len`` and modules' functions; the global
    names it reads are added to ``names`` (name -> what ``fn``'s globals bind it to)."""
    nodes = list(S.walk_nodes(expr))
    allowed = {id(n.value) for n in nodes if isinstance(n, gast.Attribute) and _is_self(n.value)}
    for call in (n for n in nodes if isinstance(n, gast.Call)):
        func = call.func
        if call.keywords:
            return False
        if isinstance(func, gast.Name) and _global_of(func, fn, names) is builtins.len:
            allowed.add(id(func))
        elif isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and isinstance(_global_of(func.value, fn, names), types.ModuleType):
            allowed.add(id(func.value))
        else:
            return False
    return all(isinstance(n, _ALLOWED) and (not isinstance(n, gast.Name) or id(n) in allowed or n.id in values)
               for n in nodes)


def _global_of(name, fn, names):
    """What the global ``name`` (a Name node) is in ``fn``'s module, recorded in ``names``."""
    found = fn.__globals__.get(name.id, getattr(builtins, name.id, None))
    names[name.id] = found
    return found


def _is_len(expr):
    return isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name) and expr.func.id == "len"


def _is_self(expr):
    return isinstance(expr, gast.Name) and expr.id == "self"


def _self_attribute(expr):
    return isinstance(expr, gast.Attribute) and _is_self(expr.value)


def _is_counter(expr, counter):
    return _self_attribute(expr) and expr.attr == counter
