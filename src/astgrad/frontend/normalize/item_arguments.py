"""An item of an array an object's attribute holds, handed straight to a method of that
object, by position or by keyword (``a.bump(0, a.data[1])``, ``a.bump(0, c=a.data[1])``;
handed_arrays.py writes ``a.bump(0, w[1])`` so, where ``w`` is the array ``a.data``
holds).

Python reads the item before the call: a number where the array has one dimension, a
view of a row where it has more, which shows the writes the method makes into the
attribute afterwards. The method's state twin writes into a copy of the attribute
(self_containers.py), so a view handed in would keep the old values. The item is
followed where that makes no difference: the method reads the parameter once, as an
operand of an operator (``self.data[k] *= c``), in a statement of its own body before which (and within which,
before the read) no element or attribute is written and no method of the object is
called."""

import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from .class_functions import tree_of as function_tree

_SIMPLE = (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)


def item_read_before_writes(cls, me, item, parents):
    """Whether ``item`` (``me.attr[k]`` in the caller, ``parents`` its tree's parents) is an
    argument of ``me.method(...)``, by position or by keyword, whose parameter ``method``
    reads as the module docstring says."""
    call = parents.get(item)
    if isinstance(call, gast.keyword):
        call = parents.get(call)
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and isinstance(call.func.value, gast.Name) and call.func.value.id == me) \
            or any(isinstance(a, gast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
        return False
    position = next((k for k, a in enumerate(call.args) if a is item), None)
    keyword = next((kw.arg for kw in call.keywords if kw.value is item), None)     # a.bump(0, c=w[1])
    fn = M.static_attribute(cls, call.func.attr)
    tree = function_tree(fn) if (position, keyword) != (None, None) and inspect.isfunction(fn) else None
    if tree is None or tree.args.vararg:
        return False
    params = tree.args.posonlyargs + tree.args.args
    if position is not None:
        param = params[position + 1].id if position + 1 < len(params) else None
    else:
        named = [a.id for a in tree.args.args[1 if not tree.args.posonlyargs else 0:] + tree.args.kwonlyargs]
        param = keyword if keyword in named else None
    return bool(params) and param is not None and _read_once_before_writes(tree, params[0].id, param)


def _read_once_before_writes(tree, me, name):
    reads = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name
             and not isinstance(n.ctx, gast.Param)]
    if len(reads) != 1 or not isinstance(reads[0].ctx, gast.Load):
        return False
    read = reads[0]
    at = next((k for k, stmt in enumerate(tree.body) if any(n is read for n in S.walk_nodes(stmt))), None)
    if at is None or not isinstance(tree.body[at], _SIMPLE):
        return False                    # in a loop or a branch: read again after a write
    statement = tree.body[at]
    operand = any(isinstance(n, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.AugAssign))
                  and any(child is read for child in gast.iter_child_nodes(n)) for n in S.walk_nodes(statement))
    if not operand:
        return False                    # handed on or kept: it may outlive the writes
    return not any(_writes_or_calls(n, me) for stmt in tree.body[:at] for n in S.walk_nodes(stmt)) \
        and not any(_calls_a_method(n, me) for n in S.walk_nodes(statement))


def _writes_or_calls(node, me):
    if isinstance(node, (gast.Subscript, gast.Attribute)) and not isinstance(node.ctx, gast.Load):
        return True
    return isinstance(node, gast.AugAssign) or _calls_a_method(node, me)


def _calls_a_method(node, me):
    if not isinstance(node, gast.Call):
        return False
    func = node.func
    return isinstance(func, gast.Name) and func.id == me \
        or isinstance(func, gast.Attribute) and me in S.names_in(func)
