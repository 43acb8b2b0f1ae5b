"""A write into a reshape or ravel of an array (``z = y.T.reshape(-1); z[0] = w``,
``z *= w``), which NumPy makes a view where the array's items are laid out as the new
shape reads them and a copy otherwise: which one is known only when the code runs. A view
is written through into the array (views.py); a copy takes the write alone, as in Python,
and the array and its other views keep their values:

    if shows_write(y.T.reshape(-1), y, "f.py:5"):
        ...the write through the view (views.py)
    else:
        z_own = snapshot(z)     (a new array of its own: no other name shares it)
        z_own[0] = w
        z = snapshot(z_own)     (and the views of z read again)
"""

import copy

import gast

from ... import runtime
from ...core import syntax as S

# the views NumPy may make as copies (views.py's _View kinds): numpy.ascontiguousarray(y)
# and numpy.asfortranarray(y) are y itself where it is laid out so already
MAY_COPY = ("reshape", "ravel", "ascontiguousarray", "asfortranarray")


def copy_or_view(views, view, stmt, through, make, index, written=(), bound=()):
    """The statements of a write into view ``view`` of ViewWrites ``views``: ``through``
    (the write through it into its base) where the view shares its base's memory, else
    the write ``make(t)`` into ``t = own[index]``, ``own`` a copy of the view's array that
    its name is then bound to, with the views of it taken before (``written``: those the
    write goes through) read again. ``bound``: the names ``through`` binds first to the
    value and the index the write reads (``index = -1``), bound so in the copy's branch too."""
    where = views.normalizer.source.place(stmt)
    test = views.normalizer.runtime_call(runtime.shows_write, [view.read(), S.name(view.base), S.const(where)])
    own = views.normalizer.namer.fresh(view.name + "_own")
    views.normalizer.locals.add(own)
    snapshot = views.normalizer.runtime_call(runtime.snapshot, [S.name(view.name)])
    write = copy.deepcopy(make(gast.Subscript(value=S.name(own), slice=copy.deepcopy(index), ctx=gast.Store())))
    before, after = views.shown(view.name, written, stmt)
    # the name bound to a copy of the copy written: so what the write stores (w, which
    # the sharing analysis cannot tell from an array a list would hold) is not read as
    # held by the arrays the name was bound to before, in the other branch
    again = views.normalizer.runtime_call(runtime.snapshot, [S.name(own)])
    copied = [*(copy.deepcopy(b) for b in bound), at_line(S.assign(own, snapshot), stmt), *before,
              at_line(write, stmt), at_line(S.assign(view.name, again), stmt), *after]
    return [at_line(gast.If(test=test, body=through, orelse=copied), stmt)]


def at_line(node, stmt):
    """``node`` with ``stmt``'s line on every statement and expression in it that has none."""
    line = getattr(stmt, "lineno", None)
    for sub in S.walk_nodes(node):
        if isinstance(sub, (gast.stmt, gast.expr)) and getattr(sub, "lineno", None) is None:
            sub.lineno = line
    return node
