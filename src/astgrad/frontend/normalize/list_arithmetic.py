"""Arithmetic of a NumPy value with a list or a tuple of numbers: ``x + [1.0, w]``,
``[w, 0.5] - x``, ``x / (w, 2.0)``, ``x += [w, 1.0]``. NumPy reads the list as an array
and works elementwise, where Python's ``+`` on two lists would concatenate them; the
normalizer writes ``numpy.asarray(items)`` so the rules see an array operand."""

import gast
import numpy

from ... import runtime
from ...core import syntax as S
from ..function_args import Sequence, sequence_parameters

# operators a list or a tuple has not: with one, only NumPy's arithmetic applies
LIST_FREE_OPS = (gast.Sub, gast.Div, gast.FloorDiv, gast.Pow)


class ListArithmeticLowering:
    """Normalizer methods for an operator between a list (or tuple) and another value."""

    def sequences_given(self, callee, node):
        """{parameter: Sequence} for the arguments of a call of the module-level function
        ``callee`` that are certainly lists or tuples where ``callee`` uses the parameter as
        an operand (``v / s`` with ``s`` given ``(w, 2.0)``): the call is then a call of
        ``callee`` made knowing it, as the function itself is when called with a list."""
        code = callee.__code__
        positional = code.co_varnames[:code.co_argcount]
        given = [(positional[i], arg) for i, arg in enumerate(node.args[:len(positional)])]
        listed = [param for param, expr in given + [(kw.arg, kw.value) for kw in node.keywords]
                  if self.may_list(expr) and self.is_sequence(expr)]
        operands = sequence_parameters(callee) if listed else ()     # (parses the callee: rarely asked)
        return {param: Sequence(list) for param in listed if param in operands}

    def sequence_arguments(self, fn, node):
        """The parameters of ``fn``, a function inlined at the call ``node``, given an
        argument that is certainly a list or a tuple (``scale(x, (w, 2.0))``)."""
        positional = [a.id for a in fn.args.posonlyargs + fn.args.args]
        given = list(zip(positional, node.args)) + [(kw.arg, kw.value) for kw in node.keywords]
        return {param for param, expr in given if self.may_list(expr) and self.is_sequence(expr)}

    def may_list(self, expr):
        """Whether ``is_sequence(expr)`` may hold, told without finding what every name is
        bound to (a number, ``*xs``, or a parameter not known to be a list never is)."""
        if isinstance(expr, (gast.Constant, gast.Starred)):
            return False
        if isinstance(expr, gast.Name) and self.is_parameter(expr):
            return expr.id in getattr(self.source.fn, "__astgrad_sequences__", ())
        return True

    def known_sequence(self, name):
        """Know ``name``, bound once to a list or a tuple (an inlined function's parameter,
        whose binding the function's own tree does not show), as certainly one."""
        facts = self._sequence_facts()
        facts.bindings[name] = [gast.List(elts=[], ctx=gast.Load())]     # stands for the argument
        facts.possible.add(name)
        if facts.certain is not None:
            facts.certain.add(name)

    def elementwise_or_operator(self, node, left, join=runtime.concat):
        """``x + [1.0, w]`` (or ``-``, ``/``, ``//``, ``**``) with one operand certainly a
        list or a tuple: NumPy's arithmetic on ``numpy.asarray(items)`` where the other is
        a NumPy array or scalar, as NumPy reads it; else what Python does, concatenation
        for ``+`` (the other is a list too) and its TypeError for the others. Chosen when
        the code runs unless the other operand is certainly an array."""
        other_node = node.right if left else node.left
        a, b = self.atom(node.left), self.atom(node.right)
        items, other = (a, b) if left else (b, a)
        array = self.namer.fresh("items")
        self.locals.add(array)
        as_array = S.assign(array, self.runtime_call(numpy.asarray, [S.copy(items)]), line=self.line)
        elementwise = gast.BinOp(left=S.name(array) if left else S.copy(a), op=node.op,
                                 right=S.copy(b) if left else S.name(array))
        if self.is_array(other_node):
            self.emit(as_array)
            return elementwise
        if isinstance(node.op, gast.Add):
            written = self.runtime_call(join, [S.copy(a), S.copy(b)])
        else:
            written = gast.BinOp(left=S.copy(a), op=node.op, right=S.copy(b))
        test = self.fresh_assign(self.runtime_call(runtime.joins_elementwise, [S.copy(other)]), "cond")
        result = self.namer.fresh("result")
        self.locals.add(result)
        self.emit_if(S.name(test), [as_array, S.assign(result, elementwise, line=self.line)],
                     [S.assign(result, written, line=self.line)])
        return S.name(result)
