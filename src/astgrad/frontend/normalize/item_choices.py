"""An item of a display item_objects.py splits, chosen by an index known only when the
code runs (a loop's counter, an argument), written as a branch per item, each on that
item's own name::

    for i in range(2):                        for i in range(2):
        bs[i].scale(w)              ->            k = [0, 1][i]
                                                  if k == 0:
                                                      bs_0.scale(w)
                                                  elif k == 1:
                                                      bs_1.scale(w)

The position is read out of a display of the positions made as the objects' display
was (a list, a tuple, or a dict with the same keys), so a bad index raises what Python
raises there (IndexError, KeyError, TypeError). Four forms are taken: the method call
``bs[i].m(...)`` (also ``bs[i].log.append(v)``) and ``bs[i].a op= v`` as statements, in
which Python reads the item first, ``bs[i].a = v``, in which Python computes ``v`` first
(so it is computed into a name of its own before the index), and ``b = bs[i]``, where the rest of its block (which
alone reads ``b``) is written once per item, ``b`` read as that item. A slice index
(a list of items) meets the ``else``: the error Python raises on the statement's
attribute, or, for ``b = bs[i]``, astgrad's own TypeError naming the line."""

import copy

import gast

from ...core import syntax as S
from ...core.walk import inner_blocks


def chosen_form(stmt, read, aliases):
    """Whether ``read`` (``bs[i]``, ``i`` a name) is read in a form taken above in ``stmt``."""
    if not _plain_index(read.slice) or any(isinstance(n, gast.NamedExpr) for n in S.walk_nodes(stmt)):
        return False
    return _owner(stmt) is read or id(read) in aliases


# an index of names, constants, operators, comparisons, attributes and calls (i, n - 1 - i, int(c > 0),
# len(xs) - 1, idx(i)): computed once, before the branches, where Python computes it (before the item's method)
_INDEX_PARTS = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.operator, gast.unaryop, gast.expr_context,
                gast.Call, gast.keyword, gast.Attribute, gast.Compare, gast.cmpop, gast.BoolOp, gast.boolop)


def _plain_index(index):
    return not isinstance(index, gast.Constant) and all(isinstance(n, _INDEX_PARTS) for n in S.walk_nodes(index))


def _owner(stmt):
    """The object whose method a call statement calls, or whose attribute ``=`` or ``op=``
    changes (``bs[i]`` of ``bs[i].m(v)``, ``bs[i].log.append(v)``, ``bs[i].v = v``, ``bs[i].total += v``)."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Attribute):
        owner = stmt.value.func.value
        return owner.value if isinstance(owner, gast.Attribute) else owner
    target = _attribute_target(stmt)
    return target.value if target is not None else None


def _attribute_target(stmt):
    """``bs[i].a`` of ``bs[i].a = v`` (one target) or ``bs[i].a op= v``; else None."""
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Attribute):
        return stmt.target
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Attribute):
        return stmt.targets[0]
    return None


def _alias_of(stmt):
    """``b`` of ``b = bs[i]``; else None."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
        return stmt.targets[0].id
    return None


def write_choices(normalizer, tree, chosen):
    """Write the forms above for the displays ``chosen`` ({name: (display, its items' names)})."""
    if chosen:
        _Choices(normalizer, chosen).block(tree.body)


class _Choices:
    def __init__(self, normalizer, chosen):
        self.normalizer, self.chosen = normalizer, chosen

    def block(self, block):
        k = 0
        while k < len(block):
            stmt = block[k]
            read = self._read(stmt)
            if read is None:
                for inner in inner_blocks(stmt):
                    self.block(inner)
                k += 1
                continue
            alias = _alias_of(stmt)
            before, stmt = self._value_first(stmt)
            rest = block[k + 1:] if alias is not None else [stmt]
            block[k:] = before + self._branches(stmt, read, alias, rest) + (block[k + 1:] if alias is None else [])
            k += 2 + len(before)

    def _value_first(self, stmt):
        """For ``bs[i].a = v``: ``t = v``, computed before the index as Python computes it,
        and the statement storing ``t``; else no statement and ``stmt``."""
        if not isinstance(stmt, gast.Assign) or _alias_of(stmt) is not None \
                or isinstance(stmt.value, (gast.Name, gast.Constant)):
            return [], stmt
        value = self.normalizer.namer.fresh(f"{stmt.targets[0].value.value.id}_value")
        self.normalizer.locals.add(value)
        stored = gast.copy_location(gast.Assign(targets=stmt.targets, value=S.name(value), type_comment=None), stmt)
        return [gast.copy_location(S.assign(value, stmt.value), stmt)], stored

    def _read(self, stmt):
        """The read ``bs[i]`` of a chosen display that ``stmt`` is written for."""
        if _alias_of(stmt) is not None:
            value = stmt.value
        else:
            value = _owner(stmt)
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                and value.value.id in self.chosen and _plain_index(value.slice):
            return value
        return None

    def _branches(self, stmt, read, alias, rest):
        display, names = self.chosen[read.value.id]
        index = self.normalizer.namer.fresh(f"{read.value.id}_index")
        self.normalizer.locals.add(index)
        at = gast.copy_location(S.assign(index, gast.Subscript(value=_positions(display), slice=read.slice,
                                                               ctx=gast.Load())), stmt)
        chain = self._slice_met(stmt, read, alias, display)
        for position in reversed(range(len(names))):
            body = [_with_item(s, read, alias, names[position]) for s in rest]
            self.block(body)        # a second choice inside the rest of the block
            test = gast.Compare(left=S.name(index), ops=[gast.Eq()], comparators=[S.const(position)])
            chain = [gast.copy_location(gast.If(test=test, body=body, orelse=chain), stmt)]
        return [at] + chain

    def _slice_met(self, stmt, read, alias, display):
        """What runs where the index was a slice: the error Python raises there."""
        kind = "tuple" if isinstance(display, gast.Tuple) else "list"
        if alias is None:
            attribute = stmt.value.func if isinstance(stmt, gast.Expr) else _attribute_target(stmt)
            while isinstance(attribute.value, gast.Attribute):
                attribute = attribute.value
            error, text = "AttributeError", f"'{kind}' object has no attribute '{attribute.attr}'"
        else:
            source = self.normalizer.source
            where = source.place(stmt)
            error, text = "TypeError", (f"astgrad: {where}: the index of {read.value.id} is a slice here (a "
                                        f"{kind} of its items), where astgrad follows an int as the index of "
                                        f"one item: {(source.line_text(stmt) or '').strip()}")
        call = gast.Call(func=S.name(error), args=[S.const(text)], keywords=[])
        return [gast.copy_location(gast.Raise(exc=call, cause=None), stmt)]


def _positions(display):
    """A display of the positions of ``display``'s items, made as it was."""
    if isinstance(display, gast.Dict):
        return gast.Dict(keys=[copy.deepcopy(k) for k in display.keys],
                         values=[S.const(i) for i in range(len(display.keys))])
    kind = gast.Tuple if isinstance(display, gast.Tuple) else gast.List
    return kind(elts=[S.const(i) for i in range(len(display.elts))], ctx=gast.Load())


def _with_item(stmt, read, alias, item):
    """A copy of ``stmt`` reading ``item`` where it reads ``read``, or ``alias``."""
    stmt = copy.deepcopy(stmt)
    if alias is None:
        owner = _owner(stmt)
        parent = stmt.value.func if isinstance(stmt, gast.Expr) else _attribute_target(stmt)
        if parent.value is not owner:       # bs[i].log.append(v): the .log read of the item
            parent = parent.value
        parent.value = gast.copy_location(S.name(item), read)
        return stmt
    for node in S.walk_nodes(stmt):
        if isinstance(node, gast.Name) and node.id == alias:
            node.id = item
    return stmt
