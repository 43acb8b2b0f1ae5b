"""Containers: Python's list and tuple built-ins, dict views, starred unpacking and
comprehensions, lowered to the literals, item reads and loops the modes already
differentiate (dict built-ins and methods: dicts.py).

- ``for k, v in d.items()``, ``d.values()``, ``d.keys()``, in loops and comprehensions:
  a loop over the keys (which carry no derivative) that reads each item ``d[k]`` when its
  step starts (a dict view shows the dict as it is then);
- a view read outside a loop (``sum(d.values())``, ``list(d.items())``): the list of
  its items now;
- ``list(xs)``, ``tuple(xs)``: a new list of the same elements, ``[v for v in xs]``
  (``tuple`` then converts it);
- ``a, *rest = xs``: that list, then item reads and a slice for the starred name;
- ``{k: v for ...}``: a loop storing each item into a new dict.

Views are matched by name on a local receiver, so the generated code checks that the
receiver is a mapping (``runtime.check_mapping``) before relying on ``d[k]``.
"""

import builtins
import copy

import gast
import numpy

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.first_use import imported_when_called
from ...core.functions import module_of
from ...rules import registry
from .. import object_layouts as L
from .refusals import _Line
from .list_arithmetic import LIST_FREE_OPS
from .list_copies import copied_list

_DICT_VIEWS = ("items", "values", "keys")

# asked only of dict(d): loaded with the first call (core/first_use.py)
dicts_sharing_items = imported_when_called(__package__ + ".shared_dict_items", "dicts_sharing_items")



def _dict_builder(lowering, value):
    """How ``lowering`` builds ``dict(pairs)`` (``dict_of_pairs``) or ``dict(d)`` (``dict_copy``,
    a copy of a mapping, as ``dict_call`` lowers it) into a name; None for any other value."""
    if not (isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords
            and lowering.resolve_call(value) is builtins.dict):
        return None
    if lowering.yields_pairs(value.args[0]):
        return lowering.dict_of_pairs
    if isinstance(value.args[0], (gast.List, gast.Tuple)) or dicts_sharing_items(lowering, value.args[0]):
        return None     # a copy of a dict whose copies share its arrays: shallow_copy, dict_call lowers it
    return lowering.dict_copy


def _known_object(lowering, node):
    """Whether ``node`` reads an object whose class the code is made for: the receiver of
    a method specialized for its class, or a value with an object layout."""
    if isinstance(node, gast.Name) and lowering.is_receiver(node.id):
        return True
    owner = lowering.layout(node)
    return owner is not None and owner[0] == L.OBJECT


class ContainerLowering:
    """Normalizer methods for container built-ins, dict methods, starred unpacking and
    dict comprehensions."""

    # -- calls ----------------------------------------------------------------------

    def container_call(self, node):
        """The lowered form of ``node`` when it is a container call this module handles,
        else None (the call is then an ordinary call)."""
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr == "get" and 1 <= len(node.args) <= 2 \
                and not node.keywords and (self.local_receiver(func) or self.global_dict_of_values(func.value)):
            return self.dict_get(func.value, node.args)
        if isinstance(func, gast.Attribute) and func.attr == "setdefault" and isinstance(func.value, gast.Name) \
                and 1 <= len(node.args) <= 2 and not node.keywords and self.only_dicts(func.value.id):
            return self.dict_setdefault(func.value.id, node.args)       # dicts.py
        if isinstance(func, gast.Attribute) and func.attr == "pop" and isinstance(func.value, gast.Name) \
                and 1 <= len(node.args) <= 2 and not node.keywords and self.only_dicts(func.value.id):
            return self.dict_pop(func.value.id, node.args)              # dicts.py
        if isinstance(func, gast.Attribute) and func.attr == "pop" and isinstance(func.value, gast.Subscript):
            return self.item_pop(node)                                  # item_appends.py
        if self.dict_view(node) is not None:
            return self.list_of(node)       # a view read outside a loop: its items now
        callee = self.resolve_call(node)
        if callee is builtins.dict:
            return self.dict_call(node)
        if callee is copy.deepcopy and len(node.args) == 1 and not node.keywords:
            return self.runtime_call(runtime.deep_copy, [self.atom(node.args[0])])
        if callee is copy.copy and len(node.args) == 1 and not node.keywords:
            return self.runtime_call(runtime.shallow_copy, [self.atom(node.args[0])])
        if callee is builtins.set and id(node) in self.read_only_sets():
            return self.set_value(node, self.list_of(node.args[0]))      # sets.py
        if callee in (builtins.list, builtins.tuple) and len(node.args) <= 1 and not node.keywords:
            items = named_loops(self, callee, lambda: self.list_of(node.args[0])) if node.args \
                else gast.List(elts=[], ctx=gast.Load())
            if callee is builtins.list:
                return items
            return self.runtime_call(runtime.list_to_tuple, [self.atom(items, hint="items")])
        return None

    def sequence_like(self, node):
        """``type(xs)(f(v) for v in xs)``: a list or a tuple like ``xs`` of the new items
        (``runtime.like_sequence``); None for any other call."""
        func = node.func
        if not (isinstance(func, gast.Call) and self.resolve_call(func) is builtins.type and len(func.args) == 1
                and not func.keywords and len(node.args) == 1 and not node.keywords
                and isinstance(node.args[0], (gast.GeneratorExp, gast.ListComp))):
            return None
        template = self.atom(func.args[0])
        items = self.atom(self.list_of(node.args[0]), hint="items")
        return self.runtime_call(runtime.like_sequence, [template, items])

    def local_receiver(self, func):
        """Whether ``func`` is a method of a value of this function (a global's method
        is an object astgrad resolves and treats as any other)."""
        path = S.dotted_path(func.value)
        return path is None or path[0] in self.locals

    def list_of(self, iterable, result=None):
        """``[v for v in iterable]``: a new list holding the very items Python's
        ``list(iterable)`` would (rows of an array, keys of a dict, ...)."""
        item = self.namer.fresh("item")
        generator = gast.comprehension(target=S.name(item, store=True), iter=iterable, ifs=[], is_async=0)
        return self.expr_ListComp(gast.ListComp(elt=S.name(item), generators=[generator]), result)

    def build_container_into(self, name, value):
        """``ys = list(xs)``, ``e = dict(d)``, ``e = {k: v for ...}``: build the new container in the
        assigned name itself, as for a list comprehension (a second name holding it
        would be an alias to the analyses of the code generated from this). Whether
        it did."""
        if not (isinstance(value, gast.DictComp) or isinstance(value, gast.Call) and len(value.args) <= 1
                and not value.keywords):
            return False        # what none of the three builds below takes (the commonest value: an operation)
        if name in S.names_in(value):
            return False
        if isinstance(value, gast.DictComp):
            self.expr_DictComp(value, result=name)
            return True
        if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
                and self.resolve_call(value) is builtins.list:
            named_loops(self, builtins.list, lambda: self.list_of(value.args[0], result=name))
            return True
        copied = copied_list(self, value, name)
        if copied is not None:      # xs.copy() of a list: list(xs)
            self.list_of(copied, result=name)
            return True
        build = _dict_builder(self, value)
        if build is not None:
            build(value.args[0], result=name)
            return True
        return False

    def named_atom(self, node, hint):
        """``node`` as a name of this function (a new one bound to it where it is not a name:
        a local, so that code generated around it reads it as one, not as a global)."""
        value = self.atom(node, hint=hint)
        named = value if isinstance(value, gast.Name) else S.name(self.fresh_assign(value, hint))
        self.locals.add(named.id)
        return named

    def where(self):
        return self.source.place(_Line(self.line))     # in generated code, the user's line it was made from

    # -- dict views in loops ----------------------------------------------------------

    def dict_view(self, iterator):
        """``"items"``, ``"values"`` or ``"keys"`` when a loop iterates that view of a
        local value, else None. None too where the value is an object of a class the code
        is made for (``for k, v in bag.items()``, ``self.items()`` in a method): that is
        a call of its class's method, followed as any other."""
        if isinstance(iterator, gast.Call) and isinstance(iterator.func, gast.Attribute) \
                and iterator.func.attr in _DICT_VIEWS and not iterator.args and not iterator.keywords \
                and self.local_receiver(iterator.func) and not _known_object(self, iterator.func.value):
            return iterator.func.attr
        return None

    def dict_view_header(self, view, iterator, target, changed, changed_by_loop, prefix):
        """``for k, v in d.items()``: ``for k in d`` with ``v = d[k]`` first in the
        body (``d`` copied when the body rebinds it: the loop goes over the dict it
        started with)."""
        mapping = self.loop_seq(self.named_atom(iterator.func.value, "seq"), changed_by_loop)
        # the loop goes over the keys view check_mapping returns: keys carry no derivative
        keys = S.name(self.fresh_assign(self.runtime_call(runtime.check_mapping, [
            S.name(mapping.id), S.const(view), S.const(self.where())]), "keys"))
        if view == "keys":
            return self.items_header(keys, None, target, changed, changed_by_loop, prefix)
        key = self.namer.fresh("key")
        self.locals.add(key)
        loop = self.items_header(keys, None, S.name(key, store=True), changed, changed_by_loop, prefix)
        read = gast.Subscript(value=S.name(mapping.id), slice=S.name(key), ctx=gast.Load())
        if view == "values":
            prefix.append((target, read))
        elif isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == 2:
            prefix.extend([(target.elts[0], S.name(key)), (target.elts[1], read)])
        else:
            prefix.append((target, gast.Tuple(elts=[S.name(key), read], ctx=gast.Load())))
        return loop

    # -- list and tuple + and *, set comprehensions ----------------------------------------

    def sequence_operation(self, node, join=runtime.concat):
        """``xs + ys`` and ``xs * n`` (``n * xs``) where an operand is certainly a list or a
        tuple (a display, a comprehension, ``list(...)``, or a name only ever bound to
        such values): ``concat(xs, ys)``, ``repeat(xs, n)``, whose rules follow the items.
        Else None: the operator (on arrays and numbers) is left as it is. ``join`` is
        ``runtime.extended`` for ``xs += ys``, which extends a list by a tuple too."""
        possible, resolve = self._sequence_facts().possible, self.resolve_call     # (may_be_sequence, asked of both)
        if not (_makes_sequence(node.left, possible, resolve) or _makes_sequence(node.right, possible, resolve)):
            return None     # the commonest case: neither is possibly a sequence, so neither is certainly one
        if isinstance(node.op, LIST_FREE_OPS):
            left, right = self.is_sequence(node.left), self.is_sequence(node.right)
            return self.elementwise_or_operator(node, left, join) if left != right else None
        if not isinstance(node.op, (gast.Add, gast.Mult)):
            return None
        left, right = self.is_sequence(node.left), self.is_sequence(node.right)
        if not (left or right):
            return self.sequence_or_operator(node, join)
        if isinstance(node.op, gast.Mult) and left != right \
                and self.is_array(node.right if left else node.left):
            return None     # a list times an array multiplies elementwise, as in NumPy
        if isinstance(node.op, gast.Add) and left != right:
            return self.elementwise_or_operator(node, left, join)
        a, b = self.atom(node.left), self.atom(node.right)
        if isinstance(node.op, gast.Add):
            return self.runtime_call(join, [a, b])
        if left != right and not self.is_int(node.right if left else node.left):
            return self.repeat_or_multiply(a, b, left)
        return self.runtime_call(runtime.repeat, [a, b] if left else [b, a])

    def sequence_or_operator(self, node, join=runtime.concat):
        """``a + b`` or ``a * b`` where an operand is a list only where an argument is an int
        (``a = x * [w, 2.0]`` with ``x`` an int, an array where it is an array): ``if
        holds_items(a): y = concat(a, b) (or repeat) else: y = a + b``, chosen when the code
        runs. None where neither operand can be a list."""
        maybe_left, maybe_right = self.may_be_sequence(node.left), self.may_be_sequence(node.right)
        if not (maybe_left or maybe_right) or isinstance(node.op, gast.Mult) and maybe_left != maybe_right \
                and self.is_array(node.right if maybe_left else node.left):
            return None     # a list times an array multiplies elementwise, as in NumPy
        a, b = self.atom(node.left), self.atom(node.right)
        items, other = (a, b) if maybe_left else (b, a)
        if isinstance(node.op, gast.Add):
            sequence = self.runtime_call(join, [S.copy(a), S.copy(b)])
        else:
            sequence = self.runtime_call(runtime.repeat, [S.copy(items), S.copy(other)])
        test = self.fresh_assign(self.runtime_call(runtime.holds_items, [S.copy(items)]), "cond")
        result = self.namer.fresh("result")
        self.locals.add(result)
        self.emit_if(S.name(test), [S.assign(result, sequence, line=self.line)],
                     [S.assign(result, gast.BinOp(left=S.copy(a), op=node.op, right=S.copy(b)), line=self.line)])
        return S.name(result)

    def repeat_or_multiply(self, a, b, left):
        """``xs * n`` with ``n`` not certainly an int: a list repeated where it is one, and,
        as in NumPy, the elementwise product where it is an array (known only when the
        code runs): ``if multiplies_elementwise(n): y = numpy.multiply(numpy.asarray(xs), n)
        else: y = repeat(xs, n)`` (the array, so the derivative's products are NumPy's too)."""
        items, count = (a, b) if left else (b, a)
        result, array = self.namer.fresh("product"), self.namer.fresh("items")
        self.locals.update((result, array))
        self.statement(gast.If(
            test=self.runtime_call(runtime.multiplies_elementwise, [count]),
            body=[S.assign(array, self.runtime_call(numpy.asarray, [items]), line=self.line),
                  S.assign(result, self.runtime_call(numpy.multiply, [S.name(array), count] if left
                                                     else [count, S.name(array)]), line=self.line)],
            orelse=[S.assign(result, self.runtime_call(runtime.repeat, [items, count]), line=self.line)]))
        return S.name(result)

    def is_parameter(self, node):
        """Whether ``node`` is a name of one of the function's parameters."""
        args = self.source.tree.args
        return isinstance(node, gast.Name) and node.id in {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}

    def is_sequence(self, node):
        """Whether ``node`` certainly evaluates to a list or a tuple (so ``+`` and ``*`` on
        it concatenate and repeat)."""
        facts = self._sequence_facts()
        if facts.certain is None:       # a name certainly a sequence is possibly one: look only among those
            facts.certain = _all_sequences(facts.bindings, self.resolve_call, self.array_operands(),
                                           among=facts.possible)
        return _makes_sequence(node, facts.certain, self.resolve_call, self.array_operands())

    def may_be_sequence(self, node):
        """Whether ``node`` is a list or a tuple unless an operand of ``xs * n`` in it is
        an array (``[a] * n`` with ``n`` an argument): its items may be one object."""
        return _makes_sequence(node, self._sequence_facts().possible, self.resolve_call, _NEVER)

    def _sequence_facts(self):
        """The bindings and the names possibly lists or tuples, found once for both checks
        (asked while the body is lowered), and again if argument copies renamed names."""
        copies = getattr(self, "argument_copies", None)
        facts = getattr(self, "sequence_facts", None)
        if facts is None or facts.copies is not copies:
            known = getattr(self.source.fn, "__astgrad_sequences__", ())    # frontend/function_args.py
            bindings = _sequence_bindings(self.source.tree, known, copies)
            facts = self.sequence_facts = _SequenceFacts(copies, bindings,
                                                         _all_sequences(bindings, self.resolve_call))
        return facts

    def array_operands(self):
        """What may be an array where ``xs * n`` reads it (NumPy multiplies a list by an
        array elementwise): anything but an int the code shows (``3``, ``len(xs)``, a
        name bound only to such values) or ``range(...)``, which ``xs += range(n)`` extends by."""
        return lambda node: not (self.is_int(node) or isinstance(node, gast.Call)
                                 and self.resolve_call(node) is builtins.range)

    def is_int(self, node):
        """Whether ``node`` is certainly an int: an int literal, ``len(...)``, ``int(...)``,
        arithmetic of those, or a name bound only to such values."""
        if getattr(self, "int_names", None) is None:
            self.int_names = _int_names(self.source.tree, self.resolve_call)
        return _makes_int(node, self.int_names, self.resolve_call)

    def is_array(self, node):
        """Whether ``node`` certainly evaluates to a NumPy array or float (not an int that
        would repeat a list): a call of a NumPy function with derivative rules or of a
        function an astgrad transform made, or a name every binding of which is one."""
        if isinstance(node, gast.Name):
            return node.id in self.array_names_of_tree()
        return _makes_array(node, self.resolve_call)

    def array_names_of_tree(self):
        if getattr(self, "array_names", None) is None:
            self.array_names = _array_names(self.source.tree, self.resolve_call)
        return self.array_names

    def expr_SetComp(self, node):
        """``{e for ...}``: ``set([e for ...])``, or the list of its items where it is only
        read (sets.py)."""
        return self.set_value(node, gast.ListComp(elt=node.elt, generators=node.generators))   # sets.py

    # -- starred unpacking and dict comprehensions --------------------------------------

    def unpack_starred(self, target, value):
        """``a, *rest, z = xs``: ``items = [v for v in xs]``, a length check (Python's
        ValueError), then ``a = items[0]``, ``rest = items[1:n - 1]``, ``z = items[n - 1]``."""
        elts = target.elts
        star = next(i for i, e in enumerate(elts) if isinstance(e, gast.Starred))
        if sum(isinstance(e, gast.Starred) for e in elts) > 1:
            raise self._refuse("two starred expressions in one assignment", target)
        if isinstance(value, (gast.Tuple, gast.List)) and not any(isinstance(e, gast.Starred) for e in value.elts):
            # a display: the list of its items made at once, with no loop (so it is followed in a try body)
            items = self.fresh_assign(gast.List(elts=[self.atom(v) for v in value.elts], ctx=gast.Load()), "items")
        else:
            made = len(self.out)
            items = self.list_of(value).id
            name_loops(self.out[made:], "starred unpacking (a, *rest = xs)")
        count = self.fresh_assign(self.builtin_call("len", [S.name(items)]), "n")
        needed = len(elts) - 1
        short = self.fresh_assign(gast.Compare(left=S.name(count), ops=[gast.Lt()],
                                               comparators=[S.const(needed)]), "cond")
        error = gast.Call(func=S.name("ValueError"), args=[S.const(
            f"not enough values to unpack (expected at least {needed})")], keywords=[])
        self.emit_if(S.name(short), [gast.Raise(exc=error, cause=None)], [])
        after = len(elts) - star - 1
        stop = None
        if after:
            stop = S.name(self.fresh_assign(gast.BinOp(left=S.name(count), op=gast.Sub(),
                                                       right=S.const(after)), "n"))
        parts = []
        for position, elt in enumerate(elts):
            if position < star:
                index = S.const(position)
            elif position > star:
                index = S.name(self.fresh_assign(gast.BinOp(left=S.name(count), op=gast.Sub(),
                                                            right=S.const(len(elts) - position)), "index"))
            else:
                index = gast.Slice(lower=S.const(star), upper=stop, step=None)
            parts.append((elt.value if position == star else elt,
                          gast.Subscript(value=S.name(items), slice=index, ctx=gast.Load())))
        for elt, part in parts:
            self.assign(elt, part)

    def expr_DictComp(self, node, result=None):
        """``{k: v for ...}``: a loop that stores each item into a new dict, the key
        evaluated before the value, as Python does."""
        def store(node, result):
            key = self.namer.fresh("key")
            value = self.namer.fresh("value")
            self.locals |= {key, value}
            return [S.assign(key, node.key), S.assign(value, node.value),
                    S.assign(gast.Subscript(value=S.name(result), slice=S.name(key), ctx=gast.Store()),
                             S.name(value))]
        return self.comprehension(node, gast.Dict(keys=[], values=[]), store, result)


def named_loops(normalizer, callee, make):
    """``make()``, a lowering of ``list``, ``tuple`` or ``sorted`` (``callee``) of a value
    that is a loop over its items; in a try body, which refuses it, those loops are named
    for the call written (a comprehension there is followed: try_comprehensions.py)."""
    made = len(normalizer.out)
    result = make()
    if normalizer.protected_depth:
        name = callee.__name__
        name_loops(normalizer.out[made:], f"{name}(...) of a value other than a comprehension ({name}(v for v in xs) "
                                          "is followed there)")
    return result


def name_loops(statements, construct):
    """Mark the loops among ``statements`` (made to follow ``construct``, in words) so that
    a try's refusal of a loop in its body names what the user wrote (trying.py)."""
    for node in S.walk_nodes(gast.Module(body=statements, type_ignores=[])):
        if isinstance(node, gast.For):
            anno.set(node, Key.LOOP_FOR, f"{construct}, which astgrad follows with a loop over the items,")


def _makes_array(node, resolve_call):
    """Whether the call ``node`` certainly gives an array or a float: a NumPy function
    with derivative rules (floats in, floats out), or what an astgrad transform made
    (``astgrad.grad(g)(v)``)."""
    if not isinstance(node, gast.Call):
        return False
    if isinstance(node.func, gast.Call):
        maker = resolve_call(node.func)
        return maker is not None and registry.is_astgrad_transform(maker)
    obj = resolve_call(node)
    if obj is None or not (module_of(obj) or "").startswith("numpy"):
        return False
    if any(obj is made for made in _ARRAY_CONSTRUCTORS):
        return True
    if _numpy_int_type(obj):
        return False        # numpy.int64(3): an int, which repeats a list as Python's does
    return registry.primitive(obj) is not None and not registry.is_non_differentiable(obj)


# NumPy constructors without a derivative whose result is always an array (never a
# NumPy int, which would repeat a list)
_ARRAY_CONSTRUCTORS = (numpy.ones, numpy.zeros, numpy.empty, numpy.eye, numpy.identity, numpy.ones_like,
                       numpy.zeros_like, numpy.empty_like)


def _array_names(tree, resolve_call):
    """The function's local names bound only by assignments of ``_makes_array`` calls."""
    values = {}
    for node in S.operand_nodes(tree):
        kind = type(node)
        if kind is gast.Assign and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            values.setdefault(node.targets[0].id, []).append(_makes_array(node.value, resolve_call))
        elif kind in _BINDERS:
            targets = node.targets if kind is gast.Assign else [getattr(node, "target", None)]
            for target in targets:
                for name in S.stored_names(target) if target is not None else ():
                    values.setdefault(name, []).append(False)
            for name in _other_bindings(node):
                values.setdefault(name, []).append(False)
    args = tree.args
    parameters = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    return {name for name, made in values.items() if all(made) and name not in parameters}


def _never(node):
    return False


_NEVER = _never


def _makes_int(node, names, resolve_call):
    """Whether ``node`` certainly evaluates to an int (see ``is_int``); a bool is one (``xs *
    True`` repeats a list once): a bool constant, ``bool(...)``, ``not e``, a comparison of ints."""
    if isinstance(node, gast.Constant):
        return type(node.value) in (int, bool)
    if isinstance(node, gast.Name):
        return node.id in names
    if isinstance(node, gast.Call):
        return any(resolve_call(node) is f for f in (builtins.len, builtins.int, builtins.bool)) \
            or _numpy_int_type(resolve_call(node))
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not):
        return True
    if isinstance(node, gast.Compare):
        return all(_makes_int(v, names, resolve_call) for v in [node.left] + node.comparators)
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.FloorDiv, gast.Mod)):
        return _makes_int(node.left, names, resolve_call) and _makes_int(node.right, names, resolve_call)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        return _makes_int(node.operand, names, resolve_call)
    return False


def _numpy_int_type(obj):
    """Whether ``obj`` is a NumPy integer type (``numpy.int64``): what calling it gives
    repeats a list as an int does."""
    return isinstance(obj, type) and issubclass(obj, numpy.integer)


def _int_names(tree, resolve_call):
    """The function's local names bound only by assignments of ints (``_makes_int``,
    reading names bound before as such), none a parameter."""
    values = {}
    for node in S.operand_nodes(tree):
        kind = type(node)
        if kind is gast.Assign and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            values.setdefault(node.targets[0].id, []).append(node.value)
        elif kind in _BINDERS:
            targets = node.targets if kind is gast.Assign else [getattr(node, "target", None)]
            for target in targets:
                for name in S.stored_names(target) if target is not None else ():
                    values.setdefault(name, []).append(None)
            for name in _other_bindings(node):
                values.setdefault(name, []).append(None)
    args = tree.args
    parameters = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    names = {name for name in values if name not in parameters}
    changed = True
    while changed:          # a name reading a name that went is not certain either
        changed = False
        for name in list(names):
            if not all(v is not None and _makes_int(v, names, resolve_call) for v in values[name]):
                names.discard(name)
                changed = True
    return names


def _makes_sequence(node, names, resolve_call, array_operands=_NEVER):
    """Whether ``node`` certainly evaluates to a list or a tuple: not ``xs * a`` or
    ``xs + a`` where ``a`` may be an array (``array_operands(a)``, a NumPy call), which
    NumPy multiplies or adds elementwise."""
    kind = node.__class__       # (class tests: gast's node classes have no subclasses)
    if kind is gast.Name:       # the commonest, asked of each operand of each operator
        return node.id in names
    if kind is gast.List or kind is gast.Tuple or kind is gast.ListComp:
        return True
    if kind is gast.BinOp and isinstance(node.op, (gast.Add, gast.Mult)):
        left = _makes_sequence(node.left, names, resolve_call, array_operands)
        right = _makes_sequence(node.right, names, resolve_call, array_operands)
        if left != right:       # NumPy's arithmetic where the other is an array, for + and *
            other = node.right if left else node.left
            if array_operands(other) or _makes_array(other, resolve_call):
                return False
        return left or right
    if kind is gast.Subscript and isinstance(node.slice, gast.Slice):
        return _makes_sequence(node.value, names, resolve_call, array_operands)      # xs[1:] of a list or tuple
    if kind is gast.Call:
        return resolve_call(node) in (builtins.list, builtins.tuple, builtins.sorted)
    return False


def _sequence_bindings(tree, known=(), copies=None):
    """The function's names -> the values bound to them (None for one not known), for
    ``_all_sequences`` (the parameters are not known, except those ``known`` to be lists
    or tuples: their values come from the caller; ``copies`` maps the copy of a written
    argument to the argument)."""
    copies = copies or {}
    args = tree.args
    values = {a.id: [] if a.id in known else [None] for a in args.posonlyargs + args.args + args.kwonlyargs}
    augmented = {}      # name -> how many of its bindings are name op= v
    for node in S.operand_nodes(tree):      # (one type test for most nodes: no binding)
        kind = type(node)
        if kind not in _BINDERS:
            continue
        if kind is gast.Assign:
            for target in node.targets:
                if isinstance(target, gast.Name):
                    values.setdefault(target.id, []).append(node.value)
                else:
                    for name in S.stored_names(target):
                        values.setdefault(name, []).append(None)
        elif kind in (gast.AugAssign, gast.AnnAssign):
            if isinstance(node.target, gast.Name):
                values.setdefault(node.target.id, []).append(
                    _augmented_value(node) if kind is gast.AugAssign else node.value)
                if kind is gast.AugAssign:
                    augmented[node.target.id] = augmented.get(node.target.id, 0) + 1
        elif kind in (gast.For, gast.comprehension, gast.NamedExpr, gast.withitem):
            target = node.optional_vars if kind is gast.withitem else node.target
            for name in S.stored_names(target) if target is not None else ():
                values.setdefault(name, []).append(None)
        else:       # bindings of any other kind (a match capture, ...): unknown
            for name in _other_bindings(node):
                values.setdefault(name, []).append(None)
    for name, argument in copies.items():   # the copy of an argument starts as the caller's value
        if argument not in known:
            values.setdefault(name, []).append(None)
    for name, bound in values.items():      # only x op= v: the copy of an argument (arguments.py)
        if len(bound) == augmented.get(name, 0) and name not in known \
                and copies.get(name) not in known:
            bound.append(None)
    return values


class _SequenceFacts:
    """What ``_sequence_facts`` found: the argument copies it saw, the bindings, the names
    possibly sequences, and those certainly sequences (None until asked)."""
    __slots__ = ("copies", "bindings", "possible", "certain")

    def __init__(self, copies, bindings, possible):
        self.copies, self.bindings, self.possible, self.certain = copies, bindings, possible, None


def _all_sequences(values, resolve_call, array_operands=_NEVER, among=None):
    """The largest set of the names in ``values`` (name -> the values bound to it, None
    for one not known) each value of which makes a sequence given that set. One pass over
    the names, then only the names whose values read a name that went are looked at
    again (pass after pass over all of them was quadratic along a chain ``s = s0 + x``).
    ``among``, a set known to hold that largest set, is where to start instead of all
    the names (a name that goes never makes another value a sequence, so the largest
    set is the same)."""
    names = set(values) if among is None else set(among)
    readers = {}            # name -> the names with a value that reads it as a sequence
    for name in names:
        for value in values[name]:
            for read in _sequence_operands(value):
                readers.setdefault(read, set()).add(name)
    again = set()
    for name in list(names):
        if not _makes_sequences(values[name], names, resolve_call, array_operands):
            names.discard(name)
            again |= readers.get(name, set())
    while again:
        name = again.pop()
        if name in names and not _makes_sequences(values[name], names, resolve_call, array_operands):
            names.discard(name)
            again |= readers.get(name, set())
    return names


def _makes_sequences(bound, names, resolve_call, array_operands):
    return all(v is not None and _makes_sequence(v, names, resolve_call, array_operands) for v in bound)


def _augmented_value(node):
    """What ``xs op= v`` binds ``xs`` to, for ``_makes_sequence``: ``xs + v`` or ``xs * v``
    (a list plus or times an array is NumPy's new array), else ``xs`` (its kind kept)."""
    if isinstance(node.op, (gast.Add, gast.Mult)):
        return gast.BinOp(left=node.target, op=node.op, right=node.value)
    return node.target


def _sequence_operands(node):
    """The names whose being sequences ``_makes_sequence(node, ...)`` asks about."""
    if isinstance(node, gast.Name):
        return [node.id]
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Mult)):
        return _sequence_operands(node.left) + _sequence_operands(node.right)
    if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
        return _sequence_operands(node.value)
    return []


_OTHER_BINDERS = frozenset({gast.MatchAs, gast.MatchStar, gast.MatchMapping, gast.FunctionDef, gast.ClassDef,
                            gast.ExceptHandler, gast.Import, gast.ImportFrom})   # see _other_bindings
_BINDERS = _OTHER_BINDERS | {gast.Assign, gast.AugAssign, gast.AnnAssign, gast.For, gast.comprehension,
                              gast.NamedExpr, gast.withitem}


def _other_bindings(node):
    """Names ``node`` binds other than by assignment or a loop: match captures, a
    ``def``/``class`` name, an ``except ... as`` name, an import."""
    if isinstance(node, (gast.MatchAs, gast.MatchStar)) and node.name:
        return [node.name]
    if isinstance(node, gast.MatchMapping) and node.rest:
        return [node.rest]
    if isinstance(node, (gast.FunctionDef, gast.ClassDef)):
        return [node.name]
    if isinstance(node, gast.ExceptHandler) and node.name is not None:
        return [node.name.id if isinstance(node.name, gast.Name) else node.name]
    if isinstance(node, (gast.Import, gast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    return []

