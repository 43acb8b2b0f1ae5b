"""The standard library's syntax tree as a gast tree: ``gast.ast_to_gast``, faster.

gast converts node by node through ``ast.NodeTransformer``, which builds the name of a
visit method and looks it up for every node, and asks for each field whether the node
and gast have it. Here the method and the fields of each node class are looked up once,
a node's fields and location are copied from its ``__dict__`` at once, and the
commonest node (a Name) is made directly; gast's own methods still convert what
differs between the two (parameters, except handlers, the fields a Python version adds),
so the tree is the one ``gast.ast_to_gast`` gives (tests/test_gast_convert.py compares them).
"""

import ast

import gast
from gast.ast3 import Ast3ToGAst


class _Converter(Ast3ToGAst):
    """gast's converter with its dispatch and its general case looked up per class."""

    _methods = {}       # ast class -> the function converting its nodes
    _plans = {}         # ast class -> (gast class or None, its fields, its fields and location)

    def visit(self, node):
        kind = node.__class__
        method = self._methods.get(kind)
        if method is None:
            method = getattr(type(self), "visit_" + kind.__name__, None)
            if method is None or method is _CONSTANT and not _LEGACY:
                method = type(self).generic_visit
            self._methods[kind] = method
        return method(self, node)

    def _visit(self, node):
        if isinstance(node, ast.AST):
            return self.visit(node)
        if isinstance(node, list):
            return [self.visit(n) if isinstance(n, ast.AST) else self._visit(n) for n in node]
        return node

    def generic_visit(self, node):
        kind = node.__class__
        plan = self._plans.get(kind)
        if plan is None:
            plan = self._plans[kind] = (getattr(gast, kind.__name__, None), kind._fields,
                                        frozenset(kind._fields + kind._attributes))
        target, fields, known = plan
        if target is None:
            return None         # not part of gast's tree (as gast does)
        # a gast node is its __dict__: its constructor only stores what it is given. A
        # stdlib node's __dict__ holds the fields and the location it has: copied at
        # once, then the fields holding nodes converted
        new = target.__new__(target)
        values = new.__dict__
        values.update(_own_values(node, known))
        visit, tree_node = self.visit, ast.AST
        for field in fields:
            value = values.get(field)
            if isinstance(value, tree_node):
                values[field] = visit(value)
            elif isinstance(value, list):
                values[field] = [visit(n) if isinstance(n, tree_node) else self._visit(n) for n in value]
        return new

    def visit_Name(self, node):
        new = gast.Name.__new__(gast.Name)
        values = new.__dict__
        values.update(_own_values(node, _NAME_KNOWN))      # id, ctx and the location
        context = _CONTEXTS.get(node.ctx.__class__)
        values.update(ctx=context.__new__(context) if context is not None else self.visit(node.ctx),
                      annotation=None, type_comment=None)
        if values.get("lineno", 0) is None or values.get("col_offset", 0) is None:
            for attribute in ("lineno", "col_offset"):      # as ast.copy_location does
                if values.get(attribute, 0) is None:
                    del values[attribute]
        return new


_CONTEXTS = {ast.Load: gast.Load, ast.Store: gast.Store, ast.Del: gast.Del}     # a new one for each name
_NAME_KNOWN = frozenset(ast.Name._fields + ast.Name._attributes)


def _own_values(node, known):
    """``node.__dict__``: its fields and location, without what another tool stored on it.
    The parser shares one node for each context and operator (``Load``, ``Add``) among all
    the trees it makes, and a tool that marks the nodes it walks marks those for every
    tree (pyflakes stores its parent node there on Python 3.10): copied, such a mark
    would tie each converted tree to that tool's whole tree."""
    values = node.__dict__
    if values.keys() <= known:
        return values
    return {name: value for name, value in values.items() if name in known}

# ast.NodeVisitor's visit_Constant looks for a visit_Num, visit_Str, ... (raising and
# catching an AttributeError for each constant) and calls generic_visit: where gast's
# converter has none of those, constants go to generic_visit directly
_CONSTANT = vars(ast.NodeVisitor).get("visit_Constant")
_LEGACY = any(hasattr(Ast3ToGAst, "visit_" + name) for name in ("Num", "Str", "Bytes", "NameConstant", "Ellipsis"))


def ast_to_gast(tree):
    """``gast.ast_to_gast(tree)``."""
    return _Converter().visit(tree)
