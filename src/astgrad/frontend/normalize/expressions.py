"""Expressions: names, constants, operators, comparisons (chained ones short-circuit),
``and``/``or`` and ``a if c else b`` (which become ``if`` statements, in Python's
evaluation order), assignment expressions ``(y := e)`` (an assignment where Python
evaluates them), attribute chains, subscripts and literals. Calls are in calls.py."""

import builtins
import types
from collections import Counter

import gast

from ... import runtime, runtime_objects
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.first_use import imported_when_called
from ...core.missing import MISSING
from ..array_named_reads import is_array_attribute_name
from .unknown_class_hooks import FORMATTED, COMPARED, check_hooks_when_run
from .hooked_reads import (EQUALITY, FORMATTING, HASH, MEMBERSHIP, TRUTH, check_membership_when_run, refuse_writing_hook,
                           refuse_writing_index, refuse_writing_percent)
from .truth_checks import check_truth_when_run

# asked only of an attribute named as an array's (p.size): loaded with the first call (core/first_use.py)
holds_object = imported_when_called(__package__ + ".object_attributes", "holds_object")
# asked only of a display {**d}
copy_of_member = imported_when_called(__package__ + ".shared_dict_items", "copy_of_member")
# asked only of a conditional expression
stored_in_branches = imported_when_called(__package__ + ".if_stores", "stored_in_branches")


_BIN_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.MatMult,
            gast.FloorDiv, gast.Mod, gast.BitAnd, gast.BitOr, gast.BitXor,
            gast.LShift, gast.RShift)


class ExpressionLowering:
    """Normalizer methods for expressions other than calls and comprehensions."""

    def expr_Name(self, node):
        if self.walrus_pending.get(node.id):
            # a := later in this statement rebinds the name before the operation that
            # reads it runs: read it into a name of its own now, in Python's order
            return S.name(self.fresh_assign(S.name(node.id), node.id))
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
        if isinstance(node.op, gast.Mod) and isinstance(node.left, gast.Constant) and isinstance(node.left.value, str):
            refuse_writing_percent(self, node)        # "%r" % (v,) running V.__repr__: hooked_reads.py
        # a | b of dicts (dicts.py, loaded for an | only)
        lowered = self.sequence_operation(node) or (isinstance(node.op, gast.BitOr) and self.dict_union(node)) \
            or self.operator_method(node) or self.unknown_class_operator(node)     # ..., unknown_operators.py
        if lowered is not None:
            return lowered
        if isinstance(node.op, gast.Mod) and isinstance(node.left, gast.Constant) and isinstance(node.left.value, str):
            # "%.3f" % v formats a string, as an f-string does (not the remainder's rule)
            return self.runtime_call(runtime.percent_format, [node.left, self.atom(node.right)])
        return S.binop(self.atom(node.left), node.op, self.atom(node.right))     # (left first: its temporaries first)

    def expr_UnaryOp(self, node):
        operand = node.operand
        if isinstance(operand, gast.Constant) and isinstance(node.op, (gast.USub, gast.UAdd)) \
                and isinstance(operand.value, (int, float, complex)) and not isinstance(operand.value, bool):
            return S.const(-operand.value if isinstance(node.op, gast.USub) else operand.value)
        if isinstance(node.op, gast.Not):
            refuse_writing_hook(self, operand, TRUTH, node, "not")      # hooked_reads.py
        lowered = self.operator_method(node) or self.unknown_class_operator(node)   # -v: operator_methods.py
        if lowered is not None:
            return lowered
        atom = self.atom(operand)
        if isinstance(node.op, gast.Not):
            check_truth_when_run(self, operand, atom, node, "the operator not")      # of a class not known: truth_checks.py
        return gast.UnaryOp(op=node.op, operand=atom)

    def expr_Compare(self, node):
        known = self.key_test(node)         # name in ops, in a loop over constant keys: function_literals.py
        if known is not None:
            return known
        for left, op, right in zip([node.left, *node.comparators], node.ops, node.comparators):
            if isinstance(op, (gast.In, gast.NotIn)):
                refuse_writing_hook(self, right, MEMBERSHIP, node, "the test 'in'")        # hooked_reads.py
                if isinstance(right, gast.Set) or isinstance(right, gast.Name) and right.id in self.locals \
                        and self._object_class(left) is not None and self.only_dicts(right.id):
                    refuse_writing_hook(self, left, HASH, node, "the test 'in'")     # a dict's or set's key is hashed
                elif not isinstance(right, (gast.List, gast.Tuple)):
                    check_membership_when_run(self, left, right, node)     # a list's __eq__, a dict's __hash__
                else:               # each item is compared with the left operand: either's __eq__ runs
                    for operand in (left, *right.elts):
                        refuse_writing_hook(self, operand, EQUALITY, node, "the test 'in'")
        lowered = self.comparison_method(node)       # v == w running V.__eq__: comparison_methods.py
        if lowered is not None:
            return lowered
        left = self.atom(node.left)
        right = self.atom(node.comparators[0])
        symbol = COMPARED.get(type(node.ops[0]))
        if symbol is not None and not self.compared_when_run(node):
            # b < 3 running a hook of a class not known here: unknown_class_hooks.py
            for written, atom in ((node.left, left), (node.comparators[0], right)):
                check_hooks_when_run(self, written, atom, symbol, node)
        first = gast.Compare(left=left, ops=[node.ops[0]], comparators=[right])
        first = self.checked_comparison(node, first) or first       # comparison_methods.py
        if len(node.ops) == 1:
            return first
        # a < b < c: short-circuit, evaluating b once
        result = self.namer.fresh("cond")
        self.emit(S.assign(result, first))
        rest = gast.Compare(left=right, ops=node.ops[1:], comparators=node.comparators[1:])
        then = self.block_of(lambda: self.emit(S.assign(result, self.expr(rest))))
        self.emit_if(S.name(result), then, [])
        return S.name(result)

    def expr_BoolOp(self, node):
        for value in node.values[:-1]:
            refuse_writing_hook(self, value, TRUTH, node, "a truth test")      # hooked_reads.py
        result = self.namer.fresh("cond")
        self.emit(S.assign(result, self.expr(node.values[0])))
        check_truth_when_run(self, node.values[0], S.name(result), node, "a truth test")     # truth_checks.py
        for position, value in enumerate(node.values[1:], 2):
            then = self.block_of(lambda value=value, tested=position < len(node.values): self._bool_operand(
                result, value, node, tested))
            test = S.name(result)
            if isinstance(node.op, gast.Or):
                test = gast.UnaryOp(op=gast.Not(), operand=test)
                negated = self.namer.fresh("cond")
                self.emit(S.assign(negated, test))
                test = S.name(negated)
            self.emit_if(test, then, [])
        return S.name(result)

    def _bool_operand(self, result, value, node, tested):
        """``result = value``, an operand of ``a and b``, followed by the check of its
        truth test where one comes after it (not the last operand's: it is handed on)."""
        self.emit(S.assign(result, self.expr(value)))
        if tested:
            check_truth_when_run(self, value, S.name(result), node, "a truth test")     # truth_checks.py

    def emit_if(self, test, body, orelse):
        """``if test: body else: orelse``. Reverse mode reads the test again after the
        branch ran, so a test name the branch rebinds (``if c: c = x - 0.5``, the
        ``cond`` of ``a and b``) is first copied to a name of its own."""
        stored = stored_in_branches(self.if_stores, test, body, orelse)    # if_stores.py
        if isinstance(test, gast.Name) and test.id in stored:
            test = S.name(self.fresh_assign(test, "cond"))
        node = self.emit(gast.If(test=test, body=body or [gast.Pass()], orelse=orelse))
        self.if_stores[id(node)] = (node, stored)

    def expr_IfExp(self, node):
        known = self.known_test(node.test)
        if known is not None:               # hasattr(np, "trapezoid"): only the branch taken
            return self.expr(node.body if known else node.orelse)
        refuse_writing_hook(self, node.test, TRUTH, node, "a truth test")      # hooked_reads.py
        test = self.atom(node.test, hint="cond")
        check_truth_when_run(self, node.test, test, node, "a truth test")      # of a class not known: truth_checks.py
        result = self.namer.fresh("t")
        then = self.block_of(lambda: self.emit(S.assign(result, self.expr(node.body))))
        orelse = self.block_of(lambda: self.emit(S.assign(result, self.expr(node.orelse))))
        self.emit(gast.If(test=test, body=then, orelse=orelse))
        return S.name(result)

    def known_test(self, test):
        """The value of a test known when the code is generated, or None: whether a
        module has an attribute (``hasattr(np, "trapezoid")``, or its ``not``), which the
        code reads as astgrad resolves names, once, when it generates code (a module that
        gains or loses the attribute later makes astgrad generate the code again). The
        branch not taken may name what the module lacks."""
        if isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not):
            known = self.known_test(test.operand)
            return None if known is None else not known
        if not (isinstance(test, gast.Call) and len(test.args) == 2 and not test.keywords
                and self.resolve_call(test) is builtins.hasattr):
            return None
        path, name = S.dotted_path(test.args[0]), test.args[1]
        if path is None or path[0] in self.locals or not (
                isinstance(name, gast.Constant) and isinstance(name.value, str)):
            return None
        if not isinstance(self.source.resolve_path(path), types.ModuleType):
            return None
        return self.source.resolve_path(path + [name.value]) is not MISSING

    def expr_NamedExpr(self, node):
        """``(y := e)`` is ``y = e`` where Python evaluates it (inside the branch of an
        ``and``/``or``/ternary that reaches it), then ``y`` as its value: a copy of y
        when another ``:=`` later in the same statement rebinds y first."""
        name = node.target.id
        self.walrus_pending[name] -= 1          # reads of y inside e see the old y
        self.emit(S.assign(name, self.expr(node.value, hint=name)))
        if self.walrus_pending[name]:
            return S.name(self.fresh_assign(S.name(name), name))
        return S.name(name)

    def walrus_assignment(self, stmt):
        """An assignment whose value has a ``:=``. Python evaluates the value before the
        targets' subscripts (``a[i] = (i := 1)`` writes ``a[1]``), so such a value is
        computed first. An augmented assignment reads its target before its value, so one
        whose value rebinds the target (``y += (y := v)``) is ``y = y_old + v``, in place on
        y_old's array as Python does."""
        if isinstance(stmt, gast.AugAssign):
            target = stmt.target
            if isinstance(target, gast.Name) and self.walrus_pending[target.id]:
                old = self.fresh_assign(S.name(target.id), target.id + "_old")
                self.emit(S.assign(old, self.augmented(old, stmt, target.id)))
                anno.set(self.out[-1], Key.AUGMENTED, True)
                self.emit(S.assign(target.id, S.name(old)))
                return
            self.stmt_AugAssign(stmt)
            return
        targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
        if all(isinstance(target, gast.Name) for target in targets):
            self.statement_method(stmt)(stmt)
            return
        value = self.atom(stmt.value)
        self.walrus_pending = Counter()         # the targets see every := done
        for target in targets:
            self.assign(target, value)

    def expr_Attribute(self, node):
        self.refuse_current_exception(node)         # trying.py
        prop = self.property_read(node)
        if prop is not None:
            return prop
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
        own = is_array_attribute_name(node.attr) and holds_object(self, node.value)
        value = self.atom(node.value)
        if own and isinstance(value, gast.Name):        # p.size of a dataclass: its own field
            return self.runtime_call(runtime_objects.attribute, [value, S.const(node.attr)])
        return gast.Attribute(value=value, attr=node.attr, ctx=gast.Load())

    def expr_Subscript(self, node):
        lowered = self.item_method(node)        # v[i] running V.__getitem__: operator_methods.py
        if lowered is not None:
            return lowered
        refuse_writing_index(self, node.slice, node)        # x[v] running V.__index__: hooked_reads.py
        base = self.atom(node.value)
        check_hooks_when_run(self, node.value, base, "item", node)       # its __getitem__: unknown_class_hooks.py
        data = self.data_item(base, node.slice)
        if data is not None:        # vec of (vec, unflatten), a tuple a local factory returned
            return data
        subscript = gast.Subscript(value=base, slice=self.index(node.slice), ctx=gast.Load())
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
        if any(isinstance(e, gast.Starred) for e in node.elts):     # (a, *xs): displays.py
            return self.runtime_call(runtime.list_to_tuple, [self.starred_list(node.elts)])
        return gast.Tuple(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())

    def expr_List(self, node):
        if any(isinstance(e, gast.Starred) for e in node.elts):     # [a, *xs]: displays.py
            return self.starred_list(node.elts)
        return gast.List(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())

    def expr_Dict(self, node):
        if any(k is None for k in node.keys):                       # {**d}: displays.py
            copied = copy_of_member(self, node.values[0]) if len(node.keys) == 1 else None
            return copied or self.unpacking_dict(node)              # {**c} of a dict copy: shared_dict_items.py
        for key in node.keys:
            refuse_writing_hook(self, key, HASH, node, "a dict's key")        # hooked_reads.py
        keys = [self.atom(k) for k in node.keys]
        for written, key in zip(node.keys, keys):   # {b: v} running B.__hash__: unknown_class_hooks.py
            check_hooks_when_run(self, written, key, "key", node)
        return gast.Dict(keys=keys, values=[self.atom(v) for v in node.values])

    def expr_JoinedStr(self, node):
        # the values formatted are expressions as any other: a call there (f"{G.step(w)}")
        # becomes a statement of its own, which the modes check
        if not any(isinstance(n, gast.Call) for n in S.operand_nodes(node)):
            for part in node.values:
                if isinstance(part, gast.FormattedValue):
                    refuse_writing_hook(self, part.value, FORMATTING.get(part.conversion, FORMATTING[-1]), part,
                                        "formatting in an f-string")      # hooked_reads.py
                    if isinstance(part.value, gast.Name):       # f"{b}" of a class not known here: unknown_class_hooks.py
                        check_hooks_when_run(self, part.value, part.value, FORMATTED.get(part.conversion, "format"),
                                             part)
            return S.copy(node)
        return gast.JoinedStr(values=[self.formatted_value(part) for part in node.values])

    def formatted_value(self, part):
        if not isinstance(part, gast.FormattedValue):
            return S.copy(part)
        refuse_writing_hook(self, part.value, FORMATTING.get(part.conversion, FORMATTING[-1]), part,
                            "formatting in an f-string")      # hooked_reads.py
        spec = part.format_spec and self.expr_JoinedStr(part.format_spec)
        value = self.atom(part.value)
        check_hooks_when_run(self, part.value, value, FORMATTED.get(part.conversion, "format"), part)
        return gast.FormattedValue(value=value, conversion=part.conversion, format_spec=spec)

    def expr_Slice(self, node):
        return self.index(node)


def walrus_targets(stmt):
    """How many ``:=`` in ``stmt``'s own expressions (not in the statements of its
    body) bind each name: while some are still to be lowered, reads of the name are
    copied where they happen (``expr_Name``)."""
    # the commonest statements hold expressions only: one walk of the whole
    if type(stmt) in _EXPRESSIONS_ONLY:
        walruses = S.nodes_of_class(stmt, gast.NamedExpr)
    else:
        walruses = [w for n in S.child_nodes(stmt) if isinstance(n, gast.expr) for w in S.nodes_of_class(n, gast.NamedExpr)]
    return Counter(walrus.target.id for walrus in walruses) if walruses else Counter()   # (most have none)


# statements whose fields are expressions only (besides operators and plain values)
_EXPRESSIONS_ONLY = frozenset({gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return})
