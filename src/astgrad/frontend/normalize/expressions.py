"""Expressions: names, constants, operators, comparisons (chained ones short-circuit),
``and``/``or`` and ``a if c else b`` (which become ``if`` statements, in Python's
evaluation order), attribute chains, subscripts and literals. Calls are in calls.py."""

import gast

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.missing import MISSING


_BIN_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.MatMult,
            gast.FloorDiv, gast.Mod, gast.BitAnd, gast.BitOr, gast.BitXor,
            gast.LShift, gast.RShift)


class ExpressionLowering:
    """Normalizer methods for expressions other than calls and comprehensions."""

    def expr_Name(self, node):
        if node.id not in self.locals:
            obj = self.source.resolve(node.id)
            if obj is not MISSING:
                self.free[node.id] = obj
        return S.name(node.id)

    def expr_Constant(self, node):
        return S.const(node.value)

    def expr_BinOp(self, node):
        if not isinstance(node.op, _BIN_OPS):
            raise self._refuse(f"the operator {type(node.op).__name__}", node)
        return gast.BinOp(left=self.atom(node.left), op=node.op, right=self.atom(node.right))

    def expr_UnaryOp(self, node):
        operand = node.operand
        if isinstance(operand, gast.Constant) and isinstance(node.op, (gast.USub, gast.UAdd)) \
                and isinstance(operand.value, (int, float, complex)) and not isinstance(operand.value, bool):
            return S.const(-operand.value if isinstance(node.op, gast.USub) else operand.value)
        return gast.UnaryOp(op=node.op, operand=self.atom(operand))

    def expr_Compare(self, node):
        left = self.atom(node.left)
        if len(node.ops) == 1:
            return gast.Compare(left=left, ops=node.ops, comparators=[self.atom(node.comparators[0])])
        # a < b < c: short-circuit, evaluating b once
        result = self.namer.fresh("cond")
        right = self.atom(node.comparators[0])
        self.emit(S.assign(result, gast.Compare(left=left, ops=[node.ops[0]], comparators=[right])))
        rest = gast.Compare(left=right, ops=node.ops[1:], comparators=node.comparators[1:])
        then = self.block_of(lambda: self.emit(S.assign(result, self.expr(rest))))
        self.emit(gast.If(test=S.name(result), body=then, orelse=[]))
        return S.name(result)

    def expr_BoolOp(self, node):
        result = self.namer.fresh("cond")
        self.emit(S.assign(result, self.expr(node.values[0])))
        for value in node.values[1:]:
            then = self.block_of(lambda value=value: self.emit(S.assign(result, self.expr(value))))
            test = S.name(result)
            if isinstance(node.op, gast.Or):
                test = gast.UnaryOp(op=gast.Not(), operand=test)
                negated = self.namer.fresh("cond")
                self.emit(S.assign(negated, test))
                test = S.name(negated)
            self.emit(gast.If(test=test, body=then, orelse=[]))
        return S.name(result)

    def expr_IfExp(self, node):
        test = self.atom(node.test, hint="cond")
        result = self.namer.fresh("t")
        then = self.block_of(lambda: self.emit(S.assign(result, self.expr(node.body))))
        orelse = self.block_of(lambda: self.emit(S.assign(result, self.expr(node.orelse))))
        self.emit(gast.If(test=test, body=then, orelse=orelse))
        return S.name(result)

    def expr_Attribute(self, node):
        path = S.dotted_path(node)
        if path is not None and path[0] not in self.locals:
            # a bound path is a value read when the code runs; an unbound one decides the form
            obj = self.source.resolve_path(path, depend=False)
            if obj is MISSING:
                self.source.resolve_path(path)
            else:
                self.free[path[0]] = self.source.resolve(path[0])
                chain = S.copy(node)
                anno.set(chain, Key.GLOBAL_CHAIN, True)
                return chain
        return gast.Attribute(value=self.atom(node.value), attr=node.attr, ctx=gast.Load())

    def expr_Subscript(self, node):
        subscript = gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice), ctx=gast.Load())
        path = S.dotted_path(node.value)
        if path is not None and path[0] not in self.locals \
                and runtime.is_index_concatenator(self.source.resolve_path(path)):
            anno.set(subscript, Key.CONCATENATOR, True)  # numpy.r_[a, b]: its items are its operands
        return subscript

    def index(self, node):
        if isinstance(node, gast.Slice):
            return gast.Slice(lower=self.optional_atom(node.lower), upper=self.optional_atom(node.upper),
                              step=self.optional_atom(node.step))
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(e) for e in node.elts], ctx=gast.Load())
        return self.atom(node, hint="index")

    def optional_atom(self, node):
        return None if node is None else self.atom(node, hint="index")

    def expr_Tuple(self, node):
        self._no_starred(node)
        return gast.Tuple(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())

    def expr_List(self, node):
        self._no_starred(node)
        return gast.List(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())

    def _no_starred(self, node):
        if any(isinstance(e, gast.Starred) for e in node.elts):
            raise self._refuse("*unpacking inside a literal", node)

    def expr_Dict(self, node):
        if any(k is None for k in node.keys):
            raise self._refuse("**unpacking inside a dict literal", node)
        return gast.Dict(keys=[self.atom(k) for k in node.keys],
                         values=[self.atom(v) for v in node.values])

    def expr_JoinedStr(self, node):
        return S.copy(node)

    def expr_Lambda(self, node):
        raise self._refuse("a lambda inside a differentiated function", node,
                           "define the function at module level")

    def expr_Slice(self, node):
        return self.index(node)
