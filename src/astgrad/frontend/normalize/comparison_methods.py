"""Comparisons of objects of user classes the code follows (objects.py): ``v == w``,
``v < 0.5``. Python runs the class's own method for them (``V.__eq__``), which may return
any value, a float that carries a derivative too (a distance used as ``v == w``); so each
becomes the method call it is, as the arithmetic operators do (operator_methods.py).

Python's order: the left operand's method, else the right operand's reflected one
(``__gt__`` for ``<``, ``__eq__`` for ``==``) where the left operand's class has none
(``object``'s gives way) or is a number. A right operand of a strict subclass of the
left operand's class (whose reflected method Python tries first), a method that may
return NotImplemented, and a chain ``a < v < b`` are refused: which method runs, or
whether the second one runs, is then decided by values."""

import operator

import gast

from ... import object_operators, runtime
from ...records import is_dataclass
from ...core import methods as M
from ...core.generated_text import origin
from ...core import syntax as S
from ...core.missing import MISSING
from .total_ordering import derived_comparison, derived_form

_RICH = {gast.Eq: ("__eq__", "__eq__", "=="), gast.NotEq: ("__ne__", "__ne__", "!="),
         gast.Lt: ("__lt__", "__gt__", "<"), gast.LtE: ("__le__", "__ge__", "<="),
         gast.Gt: ("__gt__", "__lt__", ">"), gast.GtE: ("__ge__", "__le__", ">=")}
_RICH_METHODS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")
_OPERATOR_FUNCTIONS = {operator.lt: gast.Lt, operator.le: gast.LtE, operator.gt: gast.Gt, operator.ge: gast.GtE,
                       operator.eq: gast.Eq, operator.ne: gast.NotEq}


class ComparisonMethodLowering:
    """Normalizer methods lowering comparisons of followed objects to their methods."""

    def comparison_method(self, node):
        """``node`` (a Compare) with an operand of a followed class defining the
        comparison's method, as the call of the method Python runs; None for any other."""
        pairs = list(zip([node.left] + node.comparators[:-1], node.ops, node.comparators))
        runs = [(a, b, _RICH[type(op)]) for a, op, b in pairs if type(op) in _RICH
                and (self._compares(a, _RICH[type(op)][0]) or self._compares(b, _RICH[type(op)][1]))]
        if not runs:
            # (each symbol once, in the order written: the first refused is the same in every process)
            for symbol in dict.fromkeys(_RICH[type(op)][2] for op in node.ops if type(op) in _RICH):
                self.refuse_unpacked_operand(node, _RICH_METHODS, symbol)      # protocol_methods.py
            return None
        left, right, (method, reflected, symbol) = runs[0]
        cls = self._object_class(left) or self._object_class(right)
        if len(node.ops) > 1:
            raise self._refuse(f"a chained comparison with a {cls.__name__}, whose comparison methods astgrad "
                               "follows one at a time", node, "write each comparison on its own, joined by and")
        left_cls, right_cls = self._object_class(left), self._object_class(right)
        if left_cls is not None and right_cls is not None and right_cls is not left_cls \
                and issubclass(right_cls, left_cls):
            raise self._refuse(f"the comparison {symbol} with a right operand of {right_cls.__name__}, a subclass "
                               "of the left operand's class, whose method Python tries first", node,
                               f"call the method you mean by its name (a.{method}(b) or b.{reflected}(a))")
        if self._compares(left, method):
            receiver, chosen, args = left, method, [right]
        elif left_cls is not None and M.static_attribute(left_cls, method) not in (MISSING, object.__dict__[method]):
            raise self._refuse(f"the comparison {symbol} on a {left_cls.__name__}, whose {method} astgrad cannot "
                               "follow", node, "compute the value from the object's arrays")
        else:
            receiver, chosen, args = right, reflected, [self.atom(left)]   # the left operand first
            if left_cls is None:        # a number, whose comparison gives way
                self.check_number_left(node, args[0], symbol, self._object_class(right))
        receiver_cls = self._object_class(receiver)
        derived = self._total_ordering(node, receiver, chosen, args, receiver_cls)
        if derived is not None:
            return derived
        if "NotImplemented" in _code_names(M.static_attribute(receiver_cls, chosen)):
            raise self._refuse(f"the comparison {symbol} on a {receiver_cls.__name__}, whose {chosen} may return "
                               "NotImplemented", node, "raise TypeError for the operands it does not take "
                               "instead of returning NotImplemented, or call a method by its name")
        return self.operator_call(node, receiver, chosen, args, symbol)        # operator_methods.py

    def _total_ordering(self, node, receiver, chosen, args, cls):
        """The comparison ``node`` where the method it runs is one ``functools.total_ordering``
        wrote (``__gt__`` from the class's ``__lt__``), lowered as the expression it computes
        over the class's own comparison (total_ordering.py); else None."""
        form = derived_form(M.static_attribute(cls, chosen))
        if form is None:
            return None
        if receiver is node.left:       # (reflected: the left operand, args[0], is an atom already)
            a, b = self.atom(receiver), self.atom(args[0])
        else:
            a, b = self.atom(receiver), args[0]
        return self.expr(derived_comparison(form, a, b, node))

    def comparison_call(self, node):
        """``operator.lt(a, b)`` (``le``, ``gt``, ``ge``, ``eq``, ``ne``) as the comparison
        ``a < b`` it runs, lowered as one (a method of the class followed, or checked);
        None for any other call."""
        op = _OPERATOR_FUNCTIONS.get(self.resolve_call(node)) if len(node.args) == 2 and not node.keywords \
            and not any(isinstance(a, gast.Starred) for a in node.args) else None
        if op is None:
            return None
        return self.expr_Compare(gast.copy_location(gast.Compare(left=node.args[0], ops=[op()],
                                                                 comparators=[node.args[1]]), node))

    def checked_comparison(self, node, compare):
        """``compare`` (the first comparison of ``node``, over atoms; neither operand's
        class known here) bound to a name and checked when the code runs, where an
        operand may be an object of a class comparing with code of its own (the function
        builds one, or the operand may be one: unknown_objects.py). Where an operand may
        hold such an object, the comparison finds its method, and its derivative, when the
        code runs (object_operators.py); elsewhere (numbers, what a call gives) a value such
        a method gives other than a bool would be read as a constant, and stops. The name,
        or None where no check is needed."""
        op, (left, right) = compare.ops[0], (compare.left, compare.comparators[0])
        if all(isinstance(a, gast.Constant) for a in (left, right)) or not self.compared_when_run(node):
            return None
        method, reflected, symbol = _RICH[type(op)]
        line = self.source.file_line(node)      # in code astgrad made (a second order), the user's line
        where = "%s:%s" % (origin(self.source.filename, line) or (self.source.filename, line))
        value = self.namer.fresh("compared")
        operands = (node.left, node.comparators[0])
        named = any(isinstance(o, gast.Constant) and isinstance(o.value, (str, bytes)) for o in operands)
        if not named and any(not isinstance(o, gast.Call) and self.may_be_unknown_object(o) for o in operands):
            # an object compared: the method Python runs is found, and differentiated, when the code runs
            self.emit(S.assign(value, self.runtime_call(object_operators.object_operator, [
                S.const(symbol), left, right, S.const(where)])))
            return S.name(value)
        # numbers, what a call gives, or a key compared with a string (k == "g", whose derivative
        # would be a string's): read as a constant, checked to be a bool when it runs
        self.emit(S.assign(value, compare))
        self.emit(S.expr_stmt(self.runtime_call(runtime.check_compared_value, [
            S.name(value), left, right, S.const((method, reflected)), S.const(symbol), S.const(where)])))
        return S.name(value)

    def compared_when_run(self, node):
        """Whether the first comparison of ``node`` (a Compare) finds its method, or checks
        what it gave, when the code runs (``checked_comparison``): an operand may be an
        object of a class comparing with code of its own that the code does not know."""
        return type(node.ops[0]) in _RICH and (
            self.may_be_unknown_object(node.left) or self.may_be_unknown_object(node.comparators[0])
            or self._builds_comparing_objects())

    def _builds_comparing_objects(self):
        """Whether the function calls a class defining a comparison with code of its own.
        Found once per function and scope (what ``resolve_call`` answers changes only when a
        scope is added): a walk of the function for each comparison made normalizing
        branchy code quadratic in its length."""
        key = (id(self.source.tree), len(self.source.scopes))
        try:
            found = self._comparing_objects
        except AttributeError:
            found = self._comparing_objects = {}
        if key not in found:
            found[key] = calls_comparing_class(self.source.tree, self.resolve_call)
        return found[key]

    def _compares(self, expr, method):
        """Whether ``expr`` reads a followed object whose class's ``method`` is a function
        its author wrote (not one @dataclass generated, which returns a bool)."""
        return self._defines(expr, method) and authored(self._object_class(expr), method)


def calls_comparing_class(tree, resolve_call):
    """Whether ``tree`` calls a class defining a comparison with code of its own. Only its
    calls are resolved, in walk order (``operand_nodes`` leaves out operators and contexts
    only; ``resolve_call`` says None of any node but a call): a derivative's ten thousand
    nodes each cost a call so."""
    call = gast.Call
    return any(isinstance(cls, type) and any(authored(cls, m) for m in _RICH_METHODS)
               for cls in map(resolve_call, (n for n in S.operand_nodes(tree) if type(n) is call)))


def authored(cls, method):
    """Whether ``cls.method`` is a function its author wrote, not one @dataclass made."""
    function = M.user_function(M.static_attribute(cls, method))
    return function is not None and not (is_dataclass(cls) and function.__code__.co_filename == "<string>")


def _code_names(function):
    """The global and attribute names ``function``'s own code reads."""
    function = M.user_function(function)
    return set(function.__code__.co_names) if function is not None else set()
