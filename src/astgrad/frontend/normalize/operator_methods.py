"""Operators on objects of user classes the code follows (objects.py): ``v + w``,
``3.0 * v``, ``-v``, ``p - lr * g``. Python runs the class's own code for them
(``Vec.__add__``), so each becomes the method call it is: ``v.__add__(w)``, lowered
as any method call on an object of a known layout, whose derivative is generated like
any callee's; the layout of what it returns is known where each of its returns builds
an object of one class (built_objects.py), so ``(v + w).norm()`` is followed too.

Python's order: the left operand's method, else the right operand's reflected one
(``__rmul__``) where the left operand's class has none, or is a number, whose operator
returns NotImplemented for an object. That a left operand astgrad does not follow is a
number is checked when the code runs (an array's operator would run instead). A method
that may return NotImplemented, or a right operand of a subclass with a reflected
method of its own (which Python tries first), is refused: which method runs is then
decided by values."""

import gast

from ... import object_operators, runtime
from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from .. import object_layouts as L
from .plain_reads import reaches_no_user_objects

_BINARY = {gast.Add: ("__add__", "__radd__", "+"), gast.Sub: ("__sub__", "__rsub__", "-"),
           gast.Mult: ("__mul__", "__rmul__", "*"), gast.Div: ("__truediv__", "__rtruediv__", "/"),
           gast.FloorDiv: ("__floordiv__", "__rfloordiv__", "//"), gast.Mod: ("__mod__", "__rmod__", "%"),
           gast.Pow: ("__pow__", "__rpow__", "**"), gast.MatMult: ("__matmul__", "__rmatmul__", "@")}
_UNARY = {gast.USub: ("__neg__", "-"), gast.UAdd: ("__pos__", "+"), gast.Invert: ("__invert__", "~")}

_NOT_IMPLEMENTED_ADVICE = ("raise TypeError for the operands it does not take instead of returning "
                           "NotImplemented, or call a method by its name")


def _numpy_sequence(cls):
    """Whether NumPy reads an object of ``cls`` as an array or a sequence of items (an
    operand of a NumPy scalar's operator), unless the class opts out of NumPy's operators
    (``__array_ufunc__ = None``)."""
    if cls is None or M.static_attribute(cls, "__array_ufunc__") is None:
        return False
    return any(M.static_attribute(cls, name) is not MISSING
               for name in ("__array__", "__array_interface__", "__array_struct__")) \
        or M.static_attribute(cls, "__len__") is not MISSING and M.static_attribute(cls, "__getitem__") is not MISSING


class OperatorMethodLowering:
    """Normalizer methods lowering operators on followed objects to their methods."""

    def operator_method(self, node):
        """``node`` (a BinOp or UnaryOp) on an object of a followed class, as the call of
        the method Python runs; None where no operand is such an object."""
        form = self.operator_form(node, refuse=True)
        if form is None:
            return None
        receiver, method, other, symbol = form
        cls = self._object_class(receiver)
        if "NotImplemented" in _names_read(M.static_attribute(cls, method)):
            raise self._refuse(f"the operator {symbol} on a {cls.__name__}, whose {method} may return "
                               "NotImplemented", node, _NOT_IMPLEMENTED_ADVICE)
        args = [] if other is None else [other]
        if other is not None and receiver is node.left and self.unknown_beside_known(other):
            receiver, right = self._checked_right_operand(node, receiver, symbol)
            args = [right]
        elif other is not None and receiver is node.right:
            followed = self._object_class(other) is not None
            args = [self.atom(other)]           # the left operand first, in Python's order
            if not followed:                    # a number, whose operator gives way
                self.check_number_left(node, args[0], symbol, cls)
        return self.operator_call(node, receiver, method, args, symbol)

    def operator_call(self, node, receiver, method, args, symbol):
        """``receiver.method(*args)`` for the operator ``node``, lowered as a method call
        of the object's class."""
        call = gast.copy_location(gast.Call(func=gast.Attribute(value=receiver, attr=method, ctx=gast.Load()),
                                            args=args, keywords=[]), node)
        lowered = self.object_call(call) or self.method_call(call)     # objects.py, methods.py (self + v)
        if lowered is None:
            raise self._refuse(f"the operator {symbol} on a {self._object_class(receiver).__name__}, whose "
                               f"{method} astgrad cannot follow", node,
                               "write the operation as a function of the object's arrays")
        return lowered

    def check_number_left(self, node, left, symbol, right=None):
        """Emit the check, when the code runs, that ``left`` (an operand astgrad does not
        follow, read as an atom) is a number, whose operator gives way to the object's of
        the class ``right``: a Python number where NumPy reads such an object as a sequence
        (a NumPy scalar's operator then runs, on its items: ``np.float64(2.0) * v`` is an
        array where ``v`` has ``__len__`` and ``__getitem__``)."""
        where = self.source.place(node)
        checked = [left, S.const(symbol), S.const(where)] + ([S.const(True)] if _numpy_sequence(right) else [])
        self.emit(S.expr_stmt(self.runtime_call(runtime.check_number_operand, checked)))

    def item_method(self, node):
        """``v[i]`` (a Subscript read) on an object of a followed class defining
        ``__getitem__``: ``v.__getitem__(i)``; None for any other (a slice ``v[1:]`` is
        read as it was)."""
        if isinstance(node.slice, gast.Slice) or isinstance(node.slice, gast.Tuple) \
                and any(isinstance(e, gast.Slice) for e in node.slice.elts) or not self._defines(node.value, "__getitem__"):
            return None
        call = gast.Call(func=gast.Attribute(value=node.value, attr="__getitem__", ctx=gast.Load()),
                         args=[node.slice], keywords=[])
        return self.object_call(gast.copy_location(call, node)) or self.method_call(call)

    def item_store_method(self, target, value):
        """``v[i] = x`` (``target``, ``value``) on an object of a followed class defining
        ``__setitem__``: the statement ``v.__setitem__(i, x)``, a call of the method,
        followed (or refused) as any other that changes its object. False for any other
        target; a slice of such an object is refused."""
        if not self._defines(target.value, "__setitem__"):
            return False
        if isinstance(target.slice, gast.Slice) or isinstance(target.slice, gast.Tuple) \
                and any(isinstance(e, gast.Slice) for e in target.slice.elts):
            raise self._refuse(f"assignment into a slice of a {self._object_class(target.value).__name__}, whose "
                               "__setitem__ is its own code", target, "call a method of the object that stores the "
                               "items")
        call = gast.Call(func=gast.Attribute(value=target.value, attr="__setitem__", ctx=gast.Load()),
                         args=[target.slice, value], keywords=[])
        self.statement(gast.copy_location(gast.Expr(value=gast.copy_location(call, target)), target))
        return True

    def operator_layout(self, node):
        """The layout of what ``node`` (a BinOp or UnaryOp) returns, where it runs the
        method of a followed object whose returns each build an object of one class."""
        form = self.operator_form(node, refuse=False)
        if form is None:
            return None
        receiver, method, other, _ = form
        call = gast.Call(func=gast.Attribute(value=receiver, attr=method, ctx=gast.Load()),
                         args=[] if other is None else [other], keywords=[])
        return self.returned_layout(call)           # built_objects.py

    def rebound_layout(self, name, value, given=None):
        """The layout of ``name``, bound by ``name = value`` (or a parameter given an
        object of the layout ``given``) and bound again elsewhere, where each of its
        bindings is such an assignment and each gives an object of one class holding no
        object the code follows, the same layout (``p = Params(W, b)``, then ``p = p - lr
        * g``, whose class ``Params.__sub__`` gives), checked at its first binding the
        code meets; else None. A name that may hold objects of other layouts (or values of
        another kind) stands for none."""
        known = self.named_layouts().get(name)
        if known is not None:
            return known        # checked at the first binding
        if (given is None) == (name in self.locals_given()):
            return None
        first = given or self.static_layout(value, L._DEPTH)
        if first is None or first[0] != L.OBJECT or first[2]:
            return None         # before the walk for the other bindings: most values are no objects
        bindings = _bindings_of(self.source.tree, name)
        if len(bindings) != self.bound_count.get(name, 0) \
                or any(len(b.targets) != 1 for b in bindings if isinstance(b, gast.Assign)) \
                or any(not isinstance(b.targets[0], gast.Name) for b in bindings if isinstance(b, gast.Assign)):
            return None
        shadowed = set(first[3])
        self.named_layouts()[name] = first          # what the other bindings compute from it
        try:
            for binding in bindings:
                if isinstance(binding, gast.AugAssign) and _in_place(first[1], binding.op) is not MISSING:
                    continue        # refused where it is lowered (augmented_object)
                found = self.static_layout(_assigned_value(binding), L._DEPTH)
                if found is None or found[:3] != first[:3]:
                    return None
                shadowed.update(found[3])
        finally:
            del self.named_layouts()[name]
        return first[:3] + (tuple(sorted(shadowed)),)

    def augmented_object(self, stmt):
        """``v += w`` on an object of a followed class: ``v = v + w``, where the class
        defines no ``__iadd__`` (Python then runs ``__add__``); refused where it does,
        since that method changes the object in place. False for any other target."""
        if not isinstance(stmt.target, gast.Name) or type(stmt.op) not in _BINARY:
            return False
        cls = self._object_class(stmt.target)
        if cls is None:
            return False
        method = _BINARY[type(stmt.op)][0].replace("__", "__i", 1)
        if _in_place(cls, stmt.op) is not MISSING:
            raise self._refuse(f"{_BINARY[type(stmt.op)][2]}= on a {cls.__name__}, whose {method} changes the "
                               "object in place", stmt, f"write {stmt.target.id} = {stmt.target.id} "
                               f"{_BINARY[type(stmt.op)][2]} ... with a method returning a new object")
        self.assign(stmt.target, _assigned_value(stmt))
        return True

    def locals_given(self):
        """The names of the function's parameters."""
        args = self.source.tree.args
        return {a.id for a in args.posonlyargs + args.args + args.kwonlyargs} \
            | {a.id for a in (args.vararg, args.kwarg) if a is not None}

    def operator_form(self, node, refuse):
        """(receiver, method, other operand or None, symbol) for ``node``, a BinOp or
        UnaryOp with an operand of a followed class; else None."""
        if self.reaches_no_objects():
            return None         # no operand can be such an object, nor a name bound to one (plain_reads.py)
        if isinstance(node, gast.UnaryOp) and type(node.op) in _UNARY:
            method, symbol = _UNARY[type(node.op)]
            if refuse and not self._defines(node.operand, method):
                self.refuse_unpacked_operand(node, (method,), symbol)       # protocol_methods.py
            return (node.operand, method, None, symbol) if self._defines(node.operand, method) else None
        if not isinstance(node, gast.BinOp) or type(node.op) not in _BINARY:
            return None
        method, reflected, symbol = _BINARY[type(node.op)]
        left, right = self._object_class(node.left), self._object_class(node.right)
        if (left is None) != (right is None) and self._found_when_it_runs(node, left, method, reflected):
            return None     # unknown_operators.py
        if left is None and right is None:
            if refuse:
                self.refuse_unpacked_operand(node, (method, reflected), symbol)     # protocol_methods.py
            return None
        if right is not None and left is not None and right is not left and issubclass(right, left) \
                and self._defines(node.right, reflected):
            if not refuse:
                return None
            raise self._refuse(f"the operator {symbol} with a right operand of {right.__name__}, a subclass "
                               f"of the left operand's class with a {reflected} of its own", node,
                               f"call the method you mean by its name (a.{method}(b) or b.{reflected}(a))")
        if left is not None and self._defines(node.left, method):
            return node.left, method, node.right, symbol
        if right is not None and self._defines(node.right, reflected):
            return node.right, reflected, node.left, symbol
        if not refuse or left is not None and M.static_attribute(left, method) is not MISSING \
                or right is not None and M.static_attribute(right, reflected) is not MISSING:
            return None     # a method of a built-in base (a namedtuple's +) or a staticmethod: left as it was
        if left is None and self.layout(node.left) is None and not _may_be_object(node.left):
            raise self._refuse(f"the operator {symbol} with a number on the left and a {right.__name__}, whose "
                               f"class defines no {reflected}, on the right", node,
                               f"define {reflected} on the class, or compute the value from the object's arrays")
        if left is None and S.names_in(node.left) & self.locals_given():
            return None     # a parameter's class: known to the code made for the arguments (function_args.py)
        if left is None:        # p - q with p rebound: its class is not known here
            raise self._refuse(f"the operator {symbol} with a {right.__name__} on the right and, on the left, "
                               "a value whose class astgrad does not know when it generates the code", node,
                               "bind each object to a name of its own, once (q = p - lr * g, not p = p - lr * g), "
                               "or define " + reflected + " on the class")
        raise self._refuse(f"the operator {symbol} on a {left.__name__}, whose class defines neither {method} on the "
                           f"left nor {reflected} on the right", node,
                           f"define {method} (or {reflected}) on the class, or compute the value from the "
                           "object's arrays")

    def _found_when_it_runs(self, node, left, method, reflected):
        """Whether the operator ``node``, one operand of a followed class and the other
        (``left`` None: the left one) possibly an object of a class astgrad does not know,
        finds its method when the code runs: where the followed object's method would not
        decide it (it has none, or it may return NotImplemented)."""
        if left is None:        # else the left operand is checked to be a number when it runs
            return not self._defines(node.right, reflected) and self.unknown_beside_known(node.left)
        decides = self._defines(node.left, method) and "NotImplemented" not in _names_read(M.static_attribute(left, method))
        return not decides and self.unknown_beside_known(node.right)

    def _checked_right_operand(self, node, receiver, symbol):
        """``receiver``, the left operand of ``node``, and its right operand, each read as
        an atom, in Python's order, after the check, when the code runs, that the right
        operand (possibly of a class astgrad does not know) is no object of a subclass of
        the left one's class with a reflected method of its own, which Python would run
        first."""
        left = receiver
        if not isinstance(receiver, gast.Name):     # a temporary standing for the object, as a name would
            tree = self.static_layout(receiver, L._DEPTH) or self.layout(receiver)
            left = self.atom(receiver)
            self.named_layouts()[left.id] = tree
        right = self.atom(node.right)
        where = self.source.place(node)
        self.emit(S.expr_stmt(self.runtime_call(object_operators.check_right_operand, [
            left, right, S.const(_BINARY[type(node.op)][1]), S.const(symbol), S.const(where)])))
        return left, right

    def _object_class(self, expr):
        """The class of the object ``expr`` reads, where the code follows it (its layout
        is known, or it is the receiver of a method made for its class); else None."""
        if self.reaches_no_objects():
            return None         # plain_reads.py
        if isinstance(expr, gast.Name) and self.is_receiver(expr.id):
            return self.receiver()[2]
        layout = self.layout(expr) if isinstance(expr, (gast.Name, gast.Attribute, gast.Call, gast.Subscript,
                                                        gast.BinOp, gast.UnaryOp)) else None
        return layout[1] if layout is not None and layout[0] == L.OBJECT else None

    def reaches_no_objects(self):
        """Whether no object of a user's class can reach the function normalized
        (plain_reads.py), read once per function."""
        found = self.__dict__.get("_no_objects")
        if found is None or found[0] is not self.source.fn:
            found = self._no_objects = (self.source.fn, reaches_no_user_objects(self.source.fn))
        return found[1]

    def _defines(self, expr, method):
        """Whether ``expr`` reads an object of a followed class whose ``method`` is a plain
        function of the class (Python looks operators up on the class, never on the
        instance)."""
        cls = self._object_class(expr)
        static = M.static_attribute(cls, method) if cls is not None else None
        return M.user_function(static) is not None and not isinstance(static, (staticmethod, classmethod, property))


def _bindings_of(tree, name):
    """The assignments in ``tree`` that bind ``name`` (a walk of the whole function)."""
    return [n for n in S.walk_nodes(tree) if isinstance(n, gast.Assign) and any(
        isinstance(t, gast.Name) and t.id == name for t in S.walk_nodes(gast.Tuple(elts=n.targets, ctx=None)))
        or isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name) and n.target.id == name]


def _names_read(function):
    """The global and attribute names ``function``'s code (and its nested code) reads."""
    function = M.user_function(function)
    names, codes = set(), [function.__code__] if function is not None else []
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    return names


def _may_be_object(node):
    """Whether ``node`` may read an object rather than a number: anything but a constant
    number (a name may be either)."""
    return not (isinstance(node, gast.Constant) and isinstance(node.value, (int, float, complex)))


def _assigned_value(binding):
    """What an Assign or AugAssign (``v += w``: ``v + w``) binds its name to."""
    if isinstance(binding, gast.AugAssign):
        return gast.copy_location(gast.BinOp(left=S.name(binding.target.id), op=binding.op, right=binding.value),
                                  binding)
    return binding.value


def _in_place(cls, op):
    """``cls.__iadd__`` (for ``+=``, and so on), or MISSING."""
    return M.static_attribute(cls, _BINARY[type(op)][0].replace("__", "__i", 1)) if type(op) in _BINARY else MISSING
