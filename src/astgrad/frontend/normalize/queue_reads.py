"""A ``queue.Queue`` the function makes (deques.py lowers it to the list of its items)
read inside an expression, measured, or made with a size limit::

    y = q.get() * w            ->    t = q.get()
                                     y = t * w
    n = q.qsize()              ->    n = len(q)           (q the list by then)
    if q.empty(): ...          ->    if not q: ...

Each ``get()`` is taken out of its statement into one of its own just before it, in the
order Python evaluates them, where that changes nothing Python computes: the statement is
an assignment, an ``op=``, a ``return`` or an expression made for its effect, each
``get()`` lies only under operators, calls, subscripts, attributes and displays of a
list or tuple (not under ``and``/``or``, a conditional expression, a comparison of more
than two operands, a comprehension or a lambda, which may not evaluate it), and the
statement names the queue nowhere else. ``qsize()``, ``empty()`` and ``full()`` read the
list. A ``maxsize`` written as an int constant is kept: where a ``put`` finds the queue
full, Python's waits forever (no other thread gets from a queue only the function sees),
and the code raises a RuntimeError naming the line instead."""

import gast

from ...core import syntax as S

# the nodes a get() may lie under and still run once, in field order, as Python evaluates them
_EAGER = (gast.BinOp, gast.UnaryOp, gast.Call, gast.Subscript, gast.Attribute, gast.Tuple, gast.List,
          gast.keyword, gast.Compare)
_STATEMENTS = (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)
MEASURES = ("qsize", "empty", "full")


def hoist_gets(normalizer, block, queues):
    """``block`` with each ``get()`` of the ``queues`` (their names) inside an expression
    taken out into a statement of its own (see the module docstring)."""
    out = []
    for stmt in block:
        value = stmt.value if isinstance(stmt, _STATEMENTS) else None
        gets = None if value is None or _taken_alone(stmt) else eager_calls(value, lambda n: _is_get(n, queues))
        named = sum(isinstance(n, gast.Name) and n.id in queues for n in S.walk_nodes(stmt))
        if not gets or named != len(gets):
            out.append(stmt)
            continue
        for get in gets:
            name = normalizer.namer.fresh("item")
            normalizer.locals.add(name)
            normalizer.bound_count[name] = 1
            out.append(gast.copy_location(S.assign(name, get), stmt))
            replace_node(stmt, get, gast.copy_location(S.name(name), get))
        out.append(stmt)
    return out


def _taken_alone(stmt):
    """``v = q.get()`` or ``q.get()``: a get deques.py lowers as it is."""
    return isinstance(stmt, (gast.Assign, gast.Expr)) and _is_get(stmt.value) \
        and (isinstance(stmt, gast.Expr) or len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name))


def _is_get(node, queues=None):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "get" \
        and isinstance(node.func.value, gast.Name) and (queues is None or node.func.value.id in queues) \
        and not node.args and not node.keywords


def eager_calls(node, chosen):
    """The nodes under ``node`` that ``chosen`` picks (a queue's ``get()`` calls), in the
    order Python runs them, not looking inside them; None where one of them lies under a
    node that may not evaluate it once."""
    if chosen(node):
        return [node]
    eager = isinstance(node, _EAGER) and not (isinstance(node, gast.Compare) and len(node.ops) > 1)
    found = []
    for child in gast.iter_child_nodes(node):
        inner = eager_calls(child, chosen)
        if inner is None or inner and not eager:
            return None
        found += inner
    return found


def replace_node(root, old, new):
    """Put ``new`` where a node under ``root`` holds ``old`` (found by identity)."""
    owner = next(node for node in S.walk_nodes(root) if any(child is old for child in gast.iter_child_nodes(node)))
    S.replace_child(owner, old, new)


def measured(call, queue, maxsize):
    """What ``q.qsize()``, ``q.empty()`` or ``q.full()`` (``call``) reads of the list
    ``queue`` lowers to, a queue of at most ``maxsize`` items (None: no limit)."""
    if call.func.attr == "qsize":
        return _length(queue)
    if call.func.attr == "empty":
        return gast.UnaryOp(op=gast.Not(), operand=S.name(queue))
    return S.const(False) if maxsize is None else _holds_maxsize(queue, maxsize)


def full_check(queue, maxsize, where):
    """Before a ``put`` into the queue of at most ``maxsize`` items: raise where it is full,
    where Python's put() would wait forever."""
    message = (f"astgrad: {where}: the queue {queue} holds its maxsize of {maxsize} items here, where Python's "
               "put() waits forever for another thread to take one; take items out first (q.get())")
    error = S.call("RuntimeError", [S.const(message)])
    return gast.If(test=_holds_maxsize(queue, maxsize), body=[gast.Raise(exc=error, cause=None)], orelse=[])


def _length(queue):
    return S.call("len", [S.name(queue)])


def _holds_maxsize(queue, maxsize):
    """``len(queue) >= maxsize``: the queue is full."""
    return gast.Compare(left=_length(queue), ops=[gast.GtE()], comparators=[S.const(maxsize)])
