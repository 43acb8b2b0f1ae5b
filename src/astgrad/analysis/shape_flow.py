"""Shapes that hold at one point of the code, for names assigned several times.

``ShapeClasses`` (shapes.py) gives a name one shape class for all of its values, so a
name assigned values of different or unknown shapes has none, and a call
``unbroadcast(e, a)`` reading it stays even where ``e`` was made from the value ``a``
holds there. This walk follows the code in the order it runs instead: each assignment
gives its name a *token*, the class ``ShapeClasses.of`` would find for the value with
the tokens the names hold at that point, or else a new atom that stands for the shape
of that one value (a restore ``a = a_saved`` gives ``a`` back the token it had when it
was saved). Two expressions with the same token have the same shape wherever both are
computed without error, so ``unbroadcast(e, x)`` and ``broadcast_like(e, x)`` with
``e`` and ``x`` of the same token can go.

Where control flow joins, a name keeps its token only if every way in agrees (a name
assigned in one arm of an ``if`` only keeps that arm's: on the other it is unbound), else
it gets a new atom. A later ``if`` on the same flag (a comparison's result, not assigned
since), as a derivative's reverse sweep has for each ``if`` of its forward sweep, takes
the same arm: in it, that atom stands for the token that arm gave. In
a loop, each name the loop assigns gets a new atom at the start of the body (its value
from an earlier step or from before the loop) and after the loop; atoms made in the
body stand for one step's values, and only the names the loop assigns can hold them.

A token is only as good as the values it describes staying the shape they were: the
walk is made only of code in which no value changes shape in place (no method calls but
those of local stacks, no calls but to NumPy, ``math`` and astgrad's shape helpers, no
writes to items or attributes, no nested scopes). A product ``a * n`` may repeat a list
rather than broadcast, and ``a + b`` join two lists: as ShapeClasses does, neither gets
its operands' class unless an operand is known to be a NumPy array or an inexact number
(which a list cannot be repeated by nor added to), which the walk also follows from one
assignment to the next.

A product that may repeat a list gets a token of its own atom and its operands' atoms.
The value's shape is its atom's, and it absorbs the operands' shapes wherever it
broadcasts with them: where the product broadcasts, that is its shape already; where
``a`` (of length n) is repeated k times, the int k has shape (), and the n * k items
broadcast with a length only if that is 1 or n * k, so with ``a``'s only if n or k is 1,
and then the result is n * k long again (axes after the first are ``a``'s). A value
made from the product with other values of its operands' atoms so has the product's
shape, whether it broadcast with them or not, as its token says. (Two lists joined by
``+`` do not absorb theirs: ``[] + [v]`` has one item, which broadcasts with the empty
list to none.)
"""

import builtins
import itertools

import gast
import numpy

from ..core import anno
from ..core import ops
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .. import runtime

_SHAPE_OF_FIRST = (runtime.zeros_like, runtime.shape_of)
_PURE_HELPERS = frozenset({runtime.unbroadcast, runtime.broadcast_like, runtime.unreduce, runtime.zeros_like,
                           runtime.shape_of, runtime.repeat_count, runtime.append_derivative, runtime.drop_last,
                           runtime.pad_last,
                           # (the checks of hooks of a value of no known class: they read classes, or raise)
                           runtime.check_truth_hook, runtime.check_length_hook, runtime.check_item_hooks,
                           runtime.check_membership_hooks, runtime.check_value_hooks})
# helpers that read a stack and return a new value (list_stacks._READERS)
_STACK_READERS = (runtime.zeros_like, runtime.append_derivative, runtime.pad_last)
_PURE_BUILTINS = frozenset({range, reversed, len, abs, float, builtins.min, builtins.max})
_STATEMENTS = frozenset({gast.Assign, gast.Expr, gast.If, gast.For, gast.While, gast.Return, gast.Pass, gast.Break,
                         gast.Continue})
_LOOPS = (gast.For, gast.While)
_NESTED_SCOPES = (gast.Lambda, gast.NamedExpr, gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)


def same_shape_calls(body, classes, of, join, elementwise):
    """The ids of the calls ``unbroadcast(e, x)`` and ``broadcast_like(e, x)`` of ``body``
    whose operands have the same token where they run (see the module's docstring); none
    where ``body`` holds code a token cannot follow. ``classes``: the ShapeClasses of
    ``body``; ``of``, ``join``, ``elementwise``: its class of a constant, its join, and
    whether a call's target works element by element."""
    follow = _Walk(classes, of, join, elementwise)
    follow.tokens.update((param, param) for param in classes.params)     # their values on entry
    try:
        follow.block(body)
    except _Unfollowable:
        return set()
    return follow.same if follow.gate.passed(classes.definitions) else set()


class _Unfollowable(Exception):
    """Raised by the walk at the statement after the one failing the gate: no token it
    finds will be used, so the rest is not walked (the code ``hessian`` makes failed at
    its third statement and was walked whole: about 5% of generating it)."""


class _Gate:
    """What the walk checks of the code it passes: only statements and calls that leave
    every value's shape as it was, and lists used only as local stacks (assigned once by
    ``[]``, every other mention ``s.append(v)``, ``s.pop()`` or an argument of a helper
    that only reads it, as list_stacks has them)."""

    def __init__(self):
        self.ok = True
        self.receivers, self.mentions, self.read = {}, {}, {}

    def statement(self, stmt):
        kind = type(stmt)       # gast's statement classes have no subclasses
        if kind is gast.Assign:
            if len(stmt.targets) != 1 or not _plain_target(stmt.targets[0]):
                self.ok = False
        elif kind not in _STATEMENTS \
                or kind is gast.If and anno.get(stmt, Key.CATCHES, False) \
                or kind in _LOOPS and stmt.orelse:
            self.ok = False

    def calls(self, node):
        """The calls in ``node`` (an expression or a target), checking every node on the way."""
        found, stack, mentions = [], [node], self.mentions
        push, pop, extend = stack.append, stack.pop, stack.extend
        name_type, constant_type, binop_type, call_type = gast.Name, gast.Constant, gast.BinOp, gast.Call
        while stack:
            node = pop()
            kind = node.__class__
            if kind is name_type:
                mentions[node.id] = mentions.get(node.id, 0) + 1
                continue
            if kind is constant_type:
                continue
            if kind is binop_type:      # the commonest inner node: its operands, as its fields give them
                push(node.left)
                push(node.right)
                continue
            if kind is call_type:
                found.append(node)
                self._call(node)
                push(node.func)
                extend(node.args)
                extend(node.keywords)
                continue
            if issubclass(kind, _NESTED_SCOPES):
                self.ok = False
            for field in walk.OPERAND_FIELDS[kind]:
                value = getattr(node, field, None)
                if isinstance(value, gast.AST):
                    push(value)
                elif type(value) is list:
                    extend([item for item in value if isinstance(item, gast.AST)])
        return found

    def _call(self, node):
        if any(keyword.arg == "out" for keyword in node.keywords):
            self.ok = False
        receiver = _stack_receiver(node)
        if receiver is not None:
            self.receivers[receiver] = self.receivers.get(receiver, 0) + 1
            return
        target = anno.get(node, Key.TARGET)
        if not _pure(target):
            self.ok = False
        elif target in _STACK_READERS:
            for arg in node.args:
                if isinstance(arg, gast.Name):
                    self.read[arg.id] = self.read.get(arg.id, 0) + 1

    def passed(self, definitions):
        """Whether every check held (``definitions``: ShapeClasses's, name -> values)."""
        if not self.ok:
            return False
        for name, count in self.receivers.items():
            values = definitions.get(name, ())
            if not (len(values) == 1 and type(values[0]) is gast.List and not values[0].elts) \
                    or self.mentions.get(name, 0) != count + self.read.get(name, 0) + 1:
                return False
        return True


def _plain_target(target):
    return isinstance(target, gast.Name) or \
        isinstance(target, (gast.Tuple, gast.List)) and all(isinstance(elt, gast.Name) for elt in target.elts)


def _stack_receiver(call):
    """``s`` for a call ``s.append(v)`` or ``s.pop()``; else None."""
    func = call.func
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and not call.keywords \
            and (func.attr == "append" and len(call.args) == 1 or func.attr == "pop" and not call.args):
        return func.value.id
    return None


def _pure(target):
    """Whether a call of ``target`` leaves every value's shape as it was."""
    if target is None:
        return False
    if isinstance(target, numpy.ufunc):
        return True
    try:
        if target in _PURE_HELPERS or target in _PURE_BUILTINS:
            return True
    except TypeError:
        return False        # unhashable
    module = getattr(target, "__module__", None) or ""
    return module == "math" or module.split(".")[0] == "numpy" and callable(target)


def _inexact_ufunc(target):
    """A ufunc whose every (non-object) loop returns inexact numbers: its result is an
    array or an inexact NumPy number, never a list nor an int that repeats one."""
    if not isinstance(target, numpy.ufunc):
        return False
    found = _INEXACT.get(target)
    if found is None:
        outputs = [types.split("->")[1] for types in target.types if "O" not in types]
        found = _INEXACT[target] = bool(outputs) and all(code in "efdgFDG" for out in outputs for code in out)
    return found


_INEXACT = {}       # ufunc -> _inexact_ufunc's answer
_COMPOUND = frozenset({gast.If, gast.For, gast.While})     # their fields: a header, body and orelse


class _Walk:
    """The tokens of the names, statement by statement (see the module's docstring)."""

    def __init__(self, classes, of, join, elementwise):
        self.classes, self.of, self.join, self.elementwise = classes, of, join, elementwise
        self.tokens = {}            # name -> its token where the walk is
        self.numeric = set()        # names holding an array or an inexact number there
        self.same = set()
        self.flags = set()          # names holding a comparison's result (which no code here changes)
        self.joined = {}            # (flag, its token) -> {atom an if on it made: (each arm's token)}
        self.refined = {}           # atom -> the token it stands for in the arm being walked
        self.gate = _Gate()
        self._atoms = itertools.count()
        self._stored = {}           # id of an if or a loop -> the names stored in it (made once)

    def block(self, block):
        for stmt in block:
            if not self.gate.ok:        # (the gate never opens again: nothing the walk finds will count)
                raise _Unfollowable
            self.gate.statement(stmt)
            if isinstance(stmt, gast.Assign):
                self._calls(stmt.value)
                target = stmt.targets[0]
                self.gate.calls(target)
                if isinstance(target, gast.Name):
                    self._set(target.id, self.token(stmt.value), self.is_numeric(stmt.value))
                    if isinstance(stmt.value, gast.Compare) or isinstance(stmt.value, gast.UnaryOp) \
                            and isinstance(stmt.value.op, gast.Not):
                        self.flags.add(target.id)
                else:
                    for name in S.stored_names(target):
                        self._set(name, None, False)
            elif isinstance(stmt, gast.If):
                self._if(stmt)
            elif isinstance(stmt, (gast.For, gast.While)):
                self._loop(stmt)
            elif isinstance(stmt, (gast.Expr, gast.Return)) and stmt.value is not None:
                self._calls(stmt.value)

    def _set(self, name, token, numeric):
        self.tokens[name] = token if token is not None else f"@{next(self._atoms)}"
        self.flags.discard(name)
        if numeric:
            self.numeric.add(name)
        else:
            self.numeric.discard(name)

    def _if(self, stmt):
        """Each arm from the tokens before the if; after it, a name keeps a token both
        arms agree on (or the one arm's, where it is unbound the other way). An if on a
        flag an earlier if tested (the same value: a comparison's result, not assigned
        since) takes the same arm: there an atom that if made where its arms disagreed
        stands for what that arm gave."""
        self._calls(stmt.test)
        flag = self._flag(stmt.test)
        assigned = self._stored_in(stmt.body) | self._stored_in(stmt.orelse)
        before, outer, known = self._tokens_of(assigned), self.refined, self.joined.get(flag, {})
        self.refined = {**outer, **{atom: arms[0] for atom, arms in known.items()}}
        self.block(stmt.body)
        after_body = self._tokens_of(assigned)
        self._put(before)
        self.refined = {**outer, **{atom: arms[1] for atom, arms in known.items()}}
        self.block(stmt.orelse)
        self.refined = outer
        for name, (token, numeric) in after_body.items():
            if token is None:
                continue
            if name not in self.tokens:         # unbound the other way
                self._set(name, token, numeric)
            elif self.tokens[name] != token:
                arms = (token, self.tokens[name])
                self._set(name, None, numeric and name in self.numeric)
                if flag is not None:
                    self.joined.setdefault(flag, {})[self.tokens[name]] = arms
            elif not numeric:
                self.numeric.discard(name)

    def _flag(self, test):
        """(name, token) of a test that is a name holding a comparison's result, else None."""
        if isinstance(test, gast.Name) and test.id in self.flags:
            return test.id, self.tokens.get(test.id)
        return None

    def _tokens_of(self, names):
        return {name: (self.tokens.get(name), name in self.numeric) for name in names}

    def _put(self, found):
        for name, (token, numeric) in found.items():
            if token is None:
                self.tokens.pop(name, None)
                self.numeric.discard(name)
            else:
                self._set(name, token, numeric)

    def _stored_in(self, block):
        """The names stored in ``block``, nested blocks included. An if or a loop keeps
        its own (``stored_names`` of a whole if, at each if of a nest, made nested ifs
        quadratic in their depth)."""
        # the simple statements' names in one set, with no Module made around them (gast's
        # constructor, run for every arm of every if, cost more than the walk)
        store = gast.Store
        found = {node.id for stmt in block if stmt.__class__ not in _COMPOUND
                 for node in S.name_nodes(stmt) if node.ctx.__class__ is store}
        for stmt in block:
            if stmt.__class__ in _COMPOUND:
                found |= self._stored_by(stmt)
        return found

    def _stored_by(self, stmt):
        kind = stmt.__class__
        if kind not in _COMPOUND:
            return S.stored_names(stmt)
        found = self._stored.get(id(stmt))
        if found is None:
            header = S.stored_names(stmt.test) if kind is not gast.For \
                else S.stored_names(stmt.target) | S.stored_names(stmt.iter)
            found = self._stored[id(stmt)] = header | self._stored_in(stmt.body) | self._stored_in(stmt.orelse)
        return found

    def _loop(self, stmt):
        assigned = self._stored_by(stmt)
        for name in assigned:       # its value from an earlier step, or from before the loop
            self._set(name, None, False)
        if isinstance(stmt, gast.For):
            self.gate.calls(stmt.target)
        self._calls(stmt.iter if isinstance(stmt, gast.For) else stmt.test)
        self.block(stmt.body)
        for name in assigned:       # its value from any step, or from before the loop
            self._set(name, None, False)

    def _calls(self, value):
        """Note the calls in ``value`` whose operands have the same token."""
        for node in self.gate.calls(value):
            if anno.get(node, Key.TARGET) in (runtime.unbroadcast, runtime.broadcast_like) \
                    and len(node.args) == 2 and not node.keywords:
                token = self.token(node.args[0])
                if token is not None and token == self.token(node.args[1]):
                    self.same.add(id(node))

    def token(self, node):
        """The token of ``node``'s value here, or None."""
        kind = type(node)
        if kind is gast.Name:
            found = self.classes.name_class(node.id)
            if found is None:
                found = self.tokens.get(node.id)
                if self.refined and found is not None:
                    found = self._refine(found)
            return found
        if kind is gast.Constant:
            return self.of(node)
        if kind is gast.UnaryOp and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.token(node.operand)
        if kind is gast.BinOp and isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)):
            if self.classes.objects and self.classes.on_object(node):
                return None
            left, right = self.token(node.left), self.token(node.right)
            if self.classes.lists_found() and (left is None or right is None):
                return None     # whether it may join lists or not (not asked: a walk of the operands)
            if self._may_join_lists(node):
                if not isinstance(node.op, gast.Mult):
                    return None
                return self.join(self.join(f"@r{id(node)}", left), right)    # see the docstring
            return self.join(left, right)
        if kind is gast.Call and id(node) not in self.classes.pops:
            return self._call_token(node, anno.get(node, Key.TARGET))
        return None

    def _may_join_lists(self, node):
        """Whether ``node`` (``a + b``, ``a * b``) may join or repeat lists: its operands are not
        known to be arrays or inexact numbers, and ``ShapeClasses.may_concatenate`` (asked
        first until the classes have found which names may be lists, see ``lists_found``;
        then last, after the look at the operands' names)."""
        classes = self.classes
        if not classes.lists_found():
            return classes.may_concatenate(node) and not (self.is_numeric(node.left) or self.is_numeric(node.right))
        return not (self.is_numeric(node.left) or self.is_numeric(node.right)) and classes.may_concatenate(node)

    def _refine(self, token):
        """``token`` with the atoms ``refined`` has replaced by what they stand for."""
        atoms = token if type(token) is frozenset else (token,)
        if not any(atom in self.refined for atom in atoms):
            return token
        result = None
        for atom in atoms:
            found = self.refined.get(atom, atom)
            result = found if result is None else self.join(result, found)
        return result

    def _call_token(self, node, target):
        args = node.args
        if target in (runtime.unbroadcast, runtime.broadcast_like, runtime.unreduce) and len(args) >= 2:
            return self.token(args[1])
        if target in _SHAPE_OF_FIRST and args or ops.in_place_operands(node):
            return self.token(args[0])
        if self.elementwise(target) and len(args) == getattr(target, "nin", 1) and not node.keywords:
            result = self.token(args[0])
            for arg in args[1:]:
                result = self.join(result, self.token(arg))
            return result
        return None

    def is_numeric(self, node):
        """Whether ``node``'s value is an array or an inexact number here (never a list,
        nor an int that would repeat one)."""
        kind = type(node)
        if kind is gast.Name:
            return node.id in self.numeric
        if kind is gast.Constant:
            return type(node.value) in (float, complex)
        if kind is gast.UnaryOp and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.is_numeric(node.operand)
        if kind is gast.BinOp and isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)):
            return self.is_numeric(node.left) or self.is_numeric(node.right)
        if kind is gast.Call:
            target = anno.get(node, Key.TARGET)
            return target is runtime.unreduce or _inexact_ufunc(target) and not node.keywords
        return False

