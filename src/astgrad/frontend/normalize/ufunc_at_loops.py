"""``numpy.multiply.at(y, index, v)`` (any two-operand ufunc's ``at`` but ``add`` and
``subtract``, whose sums calls.py writes as one array operation) as the loop NumPy runs::

    check_copy_cast(y, v, "same_kind")
    positions = at_positions(y, index)          # y's flat positions, in y[index]'s shape
    values = numpy.ravel(numpy.broadcast_to(v, numpy.shape(positions))).copy()
    places = at_places(positions, y)            # each position's index tuple, in order
    for k in range(len(places)):
        at = places[k]
        y[at] = numpy.multiply(y[at], values[k])

NumPy's ``at`` is unbuffered: an element named twice takes the ufunc twice, in the
index's order (``numpy.multiply.at(y, [0, 0], v)`` multiplies ``y[0]`` by both values,
``numpy.maximum.at`` keeps the largest of ``y[0]`` and both), which the loop does, each
step rounded into ``y``'s dtype as NumPy rounds it. The values are read first, as NumPy
reads them (``numpy.multiply.at(y, [1, 2], y[0:2])`` multiplies ``y[2]`` by ``y[1]``'s old
value), into a copy, which the writes into ``y`` leave as it is. The loop's element writes are
differentiated as any other (the ufunc's own rule at each step, the overwritten element
saved for the reverse sweep), to any order. NumPy refuses a float ``v`` for an int ``y``
('same_kind' casting), and so does the check first.

A one-operand ufunc's ``at`` (``numpy.negative.at(y, index)``, ``numpy.exp.at``) is the
same loop with no values: ``y[at] = numpy.negative(y[at])``, an element named twice
taking the ufunc twice (``numpy.square.at(y, [0, 0])`` raises ``y[0]`` to the fourth).
NumPy casts its result into ``y``'s dtype as an element write does (``numpy.exp.at`` of
an int array truncates), so there is nothing to check first."""

import builtins

import gast
import numpy

from ... import runtime
from ...core import syntax as S


def ufunc_at_loop(normalizer, ufunc, call, node):
    """``call`` (``ufunc.at(y, index, v)``, normalized from ``node``) written as the loop
    above, its statements normalized in place; None (the call's value)."""
    array, index = call.args[:2]
    unary = ufunc.nin == 1
    if not all(normalizer.source.resolve(name) is getattr(builtins, name) for name in ("range", "len")):
        raise normalizer._refuse(f"numpy.{ufunc.__name__}.at where range or len is not the builtin", node,
                                 "leave range and len their builtin meaning")
    fresh = {role: normalizer.namer.fresh(role) for role in ("positions", "values", "places", "k", "at")}
    normalizer.locals.update(fresh.values())
    bound = {"ufunc": normalizer.bind(ufunc), "check": normalizer.bind(runtime.check_copy_cast),
             "at_positions": normalizer.bind(runtime.at_positions), "at_places": normalizer.bind(runtime.at_places),
             "ravel": normalizer.bind(numpy.ravel),
             "broadcast_to": normalizer.bind(numpy.broadcast_to), "shape": normalizer.bind(numpy.shape)}
    names = dict(fresh, **bound, y=gast.unparse(array).strip(), index=gast.unparse(index).strip(),
                 v=None if unary else gast.unparse(call.args[2]).strip())
    text = (_UNARY_LOOP if unary else _LOOP).format(**names)
    for stmt in gast.parse(text).body:
        for part in gast.walk(stmt):
            if hasattr(part, "lineno") or isinstance(part, (gast.stmt, gast.expr)):
                part.lineno = normalizer.line
        normalizer.statement(stmt)
    return S.const(None)


_LOOP = """
{check}({y}, {v}, 'same_kind')
{positions} = {at_positions}({y}, {index})
{values} = {ravel}({broadcast_to}({v}, {shape}({positions}))).copy()
{places} = {at_places}({positions}, {y})
for {k} in range(len({places})):
    {at} = {places}[{k}]
    {y}[{at}] = {ufunc}({y}[{at}], {values}[{k}])
"""

_UNARY_LOOP = """
{positions} = {at_positions}({y}, {index})
{places} = {at_places}({positions}, {y})
for {k} in range(len({places})):
    {at} = {places}[{k}]
    {y}[{at}] = {ufunc}({y}[{at}])
"""
