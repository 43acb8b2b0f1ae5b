"""What reverse and forward mode share: calls of runtime helpers, comments naming the
source line, index values, and the derivatives of the user's own callees."""

import ast
import builtins
import collections
import functools
import inspect
import linecache
import operator
import os
import re
import sys
import types

import gast
import numpy

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import generated_text
from ..core import walk
from ..core.anno import Key
from ..core import ops
from ..core.ops import OpKind
from ..backend.emit import comment
from ..core.functions import parameter_names, underlying
from ..core.missing import MISSING
from ..errors import FunctionValueUnknown, RecursiveCall, TransformError, function_value_unknown
from ..rebound_places import is_generated, replayed_functions
from ..rules import registry
from .holding import BOUND, APPENDED, DIRECT, EVERY_HOLDING, Holding, passes_items_on
from .row_refreshes import refreshable, rows_behind
from .base_built_changes import base_built_change_message
from .handed_item_methods import handed_item_call, handed_item_message
from .shared_children import shared_child_message
# imported here, not in the functions using them: an import in a function asked for each
# statement (check_outside_methods, check_used_effect_call) cost a few microseconds each time
from ..analysis.mutation import ChangeKind, in_place_changes, is_immutable_values_method, is_mutating_method, \
    may_change_its_object, mutates_arguments, ufunc_method_out
from .templates import derivative_parameters, parameters_of
from ..core.first_use import imported_when_called
from .effect_calls import (  # noqa: F401  (moved; their callers import them from here)
    _from_parameter, traced_back, awaiting_receivers_class, _numpy_sort_form, _held_by_parameter,
    _waits_for_receivers_class, parameters, _names_in_line, _refuse_callees_changing_arguments,
    _attribute_of_a_parameter, _bound_names, _in_standard_library, _standard_library_directory,
    _library_change_message, _callee_change_message, _copy_of_argument_message, _derivative_called,
    _derivative_change_message, _partial_change_message, _ON_THE_OBJECT, _called_through_its_class,
    _method_through_class_message, _object_method_advice, _callee_change, _is_parameter,
    _method_change_message, _element_write_advice, check_outside_changes, _gives_no_values,
    _derivative_changes_outside, _global_attribute_written, check_outside_methods, _is_runtime, _only_checks,
    _QUEUE_ADVICE, _SORT_ADVICE, _OUT_ADVICE, _changed_by, written_on_the_line,
    _refuse_change_through_partial, check_effect_call, _VALUE_RETURNING_CHANGES, check_used_effect_call,
    check_unused_method_value, _built_unfollowed, _returned_by_a_function, _making_call, _call_or_named,
    _from_a_call_or, _refuse_held_object_change, _method_for_effect_error, _check_effect_method,
    _unknown_class_error, _refuse_item_of_a_call_changed, check_entered_manager, check_entered_managers,
    _given_varied, _outside_object, _item_of_argument, handed_varied, _item_of_a_call_read_again, _read_again,
    check_unknown_receivers, run_after, _call_result_holding, holder_names, _takes_out_or_calls_for_effect,
    check_deques, _deque_refusal, _deque_made, _DICT_MAKERS, check_dict_keys, _put_checks_before)
from .in_place_checks import (  # noqa: F401  (moved; their callers import them from here)
    range_targets, _element_read, check_in_place_writes, _stores_into_elements, _followed_for_number_arrays,
    _stored_as_value, _outside_arrays_indexed, _read_by_an_index, _check_writes, _WriteCheck, _check_write,
    _sharers_of_write, _sharers_refused, _sharers_following, _aliases_at_write, _written_outside,
    _constant_appended_outside, _copies_following, _follow_write, _STACK_METHODS, _replaces_items,
    _taken_back_list_or_dict, _writes_to_check, _private_stacks, _check_outside_updates,
    _check_items_of_shallow_copies, _at, _calls_user_function, _value_reads, _annotate_for_write_checks,
    _mark_overlapping_values, _dict_items, _saved_copies, _names_bound_by, _int_names, _memory_of,
    _checked_writes, _live_sharers, _refuse_shared_write, _view_named_by_line, _user_write,
    _refuse_shared_item_write, _refuse_write_into_a_held_array, _refuse_unnamed_flat_write, _popped_at,
    _from_an_argument, _appends_to_an_attribute, _read_out_of_a_container, _refuse_write_into_an_attribute,
    _write_advice, _shared_write_advice, _popped_advice, _refuse_write_into_an_item,
    _refuse_storing_a_name_into_an_item, _user_holder, _exact_aliases, _followed, _read_by_key,
    _bound_on_every_path, _bound_by_same_test, _inner_blocks, _refresh_after, _stored_back, _written_back,
    _holders_of_write, _store_item_back, _aliases_following, _held_at_key, _only_written,
    _replaced_since_read, _stores_new_item, _display_item, _item_read, _COPIED_WRITES, _store_back,
    _attribute_stored_back, _write_into_a_copy, _method_call_on, _insert_before, _insert_after)

# modules only some functions need, loaded with the first call of these (core/first_use.py)
user_expression = imported_when_called("astgrad.core.user_expressions", "user_expression")
call_result_refusal = imported_when_called("astgrad.modes.call_result_writes", "call_result_refusal")
held_method_call_error = imported_when_called("astgrad.modes.held_methods", "held_method_call_error")
chosen_class_words = imported_when_called("astgrad.modes.chosen_class_words", "chosen_class_words")
following_copies = imported_when_called("astgrad.modes.copied_holders", "following_copies")
changes_what_it_is_given = imported_when_called("astgrad.analysis.source_writes", "changes_what_it_is_given")
stores_into_copies = imported_when_called("astgrad.modes.copied_holders", "stores_into_copies")
aliases_at_write = imported_when_called("astgrad.modes.current_aliases", "aliases_at_write")
generated_write_refusal = imported_when_called("astgrad.modes.generated_writes", "generated_write_refusal")
generated_row_refusal = imported_when_called("astgrad.modes.generated_writes", "generated_row_refusal")
rebinds_loop_item = imported_when_called("astgrad.modes.rebound_items", "rebinds_loop_item")
# (lazily also because it reads helpers of this module)
refuse_handed_array_changed = imported_when_called("astgrad.modes.handed_arrays_read_again",
                                                   "refuse_handed_array_changed")


class Transform:
    zero_safe = False       # True for the twin that keeps zero derivatives zero (runtime.scale)
    # the kept normalized tree ``fn`` is a copy of (prepared.py: read only, never changed),
    # set by the pipeline; None where ``fn`` is no such copy
    pristine = None

    def __init__(self, source, fn, namer, namespace, callees):
        self.source = source
        self.callees = callees      # the engine: callees' derivatives and code (core/callees.py)
        self.fn = fn
        self.namer = namer
        self.namespace = namespace
        self.last_line = None
        self.derivatives = {}       # primal name -> its derivative's name (d_x)
        self.describe = ops.Descriptions()      # what each statement computes, found once

    def pristine_body(self):
        """A function giving the statements of ``fn`` but its return as normalization made
        them, before the transform changed them (read only: copy what you change), where
        the kept tree ``fn`` was copied from is known; else None."""
        kept = self.pristine
        return None if kept is None else (lambda: kept.body[:-1])

    def derivative_name(self, name):
        """The name of ``name``'s derivative (its tangent or adjoint), made on first use
        with the mode's ``prefix``."""
        if name not in self.derivatives:
            self.derivatives[name] = self.namer.fresh(self.prefix + name)
        return self.derivatives[name]

    def derivative_of(self, atom):
        """The derivative's name of an atom that carries one (an active name), else None."""
        if isinstance(atom, gast.Name) and atom.id in self.active:
            return self.derivative_name(atom.id)
        return None

    def helper_call(self, helper, args):
        """A call of ``astgrad.runtime.<helper>``, bound to a name in the generated namespace."""
        obj = getattr(runtime, helper)
        node = S.call(S.name(self.namespace.ref(obj, helper)), args)
        anno.set(node, Key.TARGET, obj)
        return node

    def line_comment(self, stmt):
        """``# line N: <source>`` before the first statement generated from line N."""
        line = getattr(stmt, "lineno", None)
        if line is None or line == self.last_line:
            return []
        self.last_line = line
        text = self.source.line_text(stmt)
        note = comment(f"line {self.source.file_line(stmt)}: {text.strip()}" if text else "")
        note.lineno = line          # where the statements after it come from (emit.line_origins)
        return [note]

    def unbound_rule_error(self, stmt, op, exc):
        """The error for a call whose arguments a rule's template does not take, naming a
        ufunc's method with its ufunc (``numpy.multiply.outer``, not ``outer``)."""
        ufunc = getattr(op.key, "__self__", None)
        what = f"numpy.{ufunc.__name__}.{op.label}" if isinstance(ufunc, numpy.ufunc) else op.label
        return self.source.error(f"cannot apply the derivative rule of {what}: {exc}", stmt, construct=what)

    def check_method_arguments(self, stmt, op, has_derivative, table):
        """``v.sum(...)`` gets NumPy's array-method rule by name: refuse a differentiated
        argument where that method takes none (``obj.sum(x)`` binds x to ``axis``), since
        the rule would silently drop its derivative."""
        if op.receiver is None:
            return
        template = registry.lookup(table, op.key)
        arguments = op.atoms()[1:]
        if template is not None:
            bound = parameters_of(template, op.args, op.kwargs) or {}
            carried = derivative_parameters(template)
            arguments = [a for name, atoms in bound.items() if name not in carried for a in atoms]
        for atom in arguments:
            if isinstance(atom, gast.Name) and atom is not op.receiver and has_derivative(atom):
                raise unknown_call_error(self.source.error(
                    f"{op.label} is differentiated as the NumPy array method, which takes no "
                    f"derivative through the argument '{atom.id}'; if the receiver is not a NumPy "
                    "array, call a module-level function with its arrays instead, or wrap the "
                    "value in astgrad.stop_gradient(...)", stmt, construct=op.label), op, self.fn, True)

    def ignored_dtype(self, op, table):
        """The atom passed as ``dtype=`` to a rule that ignores it (it assumes a float
        result), or None."""
        template = registry.lookup(table, op.key) if op.kind is OpKind.CALL else None
        if template is None or not _ignores_dtype(template):
            return None
        atom = (parameters_of(template, op.args, op.kwargs) or {}).get("dtype", [None])[0]
        if atom is None or isinstance(atom, gast.Constant) and atom.value is None:
            return None
        return atom

    def discards_derivative(self, stmt, op, table, atom=MISSING):
        """Whether the call computes in an integer or bool ``dtype=`` its rule ignores
        (``numpy.sum(x, dtype=int)`` truncates every element): a piecewise-constant
        function, whose derivative is zero wherever it exists. A dtype that is not a
        constant is checked when the code runs (``dtype_check``). ``atom``: the call's
        ``ignored_dtype``, where the caller found it already."""
        atom = self.ignored_dtype(op, table) if atom is MISSING else atom
        dtype = None if atom is None else self.constant_dtype(atom)
        if dtype is not None and dtype.kind not in "fcbiu":     # object: the floats it holds
            raise self.source.error(
                f"{op.label}(..., dtype={dtype}) of a value that carries a derivative: astgrad follows "
                "float arrays only; leave dtype= out (or give a float dtype)", stmt, construct=op.label)
        return dtype is not None and dtype.kind not in "fc"

    def dtype_check(self, stmt, op, table, atom=MISSING):
        """For a ``dtype=`` that is a variable: a run-time check that it is a float dtype
        (``atom``: as for ``discards_derivative``)."""
        atom = self.ignored_dtype(op, table) if atom is MISSING else atom
        if atom is None or self.constant_dtype(atom) is not None:
            return []
        where = self.source.place(stmt)
        check = self.helper_call("check_float_dtype", [S.copy(atom), S.const(op.label), S.const(where)])
        return [S.expr_stmt(check)]

    def constant_dtype(self, atom):
        """The NumPy dtype an atom names (``float``, ``numpy.float32``, ``'int64'``), or None."""
        import numpy
        if isinstance(atom, gast.Constant):
            value = atom.value
        else:
            path = S.dotted_path(atom)
            if path is None or path[0] in getattr(self, "local_names", ()):
                return None
            value = self.source.resolve_path(path)
            if value is MISSING:
                return None
        try:
            return numpy.dtype(value)
        except TypeError:
            return None

    def global_constant(self, atom):
        """The number or string a global dotted path names (``numpy.inf``), for a rule's
        ``literal_check``; MISSING for any other atom."""
        path = S.dotted_path(atom) if isinstance(atom, gast.Attribute) else None
        if path is None or path[0] in getattr(self, "local_names", ()):
            return MISSING
        value = self.source.resolve_path(path, depend=False)
        return value if isinstance(value, (int, float, str)) else MISSING

    def receiver_check(self, stmt, op):
        """For a rule found by a method's name: a run-time check that the receiver really is
        a NumPy array (or scalar), before that rule's derivative is used."""
        if op.receiver is None or S.names_in(op.receiver) & getattr(self, "known_arrays", set()):
            return []
        # a name that is never reassigned (a parameter, a global) needs one check: once
        # one runs unconditionally (at the top level), later ones would repeat it
        stable = isinstance(op.receiver, gast.Name) and op.receiver.id not in self.assigned_names
        checked = self.__dict__.setdefault("checked_receivers", set())
        if stable and op.receiver.id in checked:
            return []
        if stable and anno.get(stmt, Key.TOP_LEVEL, False):
            checked.add(op.receiver.id)
        where = self.source.place(stmt)
        method = op.label.strip(".()")
        check = self.helper_call("check_array_method", [S.copy(op.receiver), S.const(method), S.const(where)])
        return [S.expr_stmt(check)]

    def call_atoms(self, op):
        """The atoms to bind a rule's parameters to; slices in an index become values."""
        if op.key is operator.getitem or op.key is runtime.index_concatenate:
            return [op.args[0]] + [self.index_value(item) for item in op.args[1:]]
        return list(op.args)

    def as_written(self, stmt):
        """A core statement as generated code writes it: ``c[k] = v`` that normalizing
        derivative code made of ``restore_item(c, k, v)`` (which may also remove a new
        dict key) is that call again."""
        if not anno.get(stmt, Key.RESTORES, False):
            return S.copy(stmt)
        target = stmt.targets[0]
        call = self.helper_call("restore_item", [S.copy(target.value), S.copy(target.slice), S.copy(stmt.value)])
        return S.expr_stmt(call, line=getattr(stmt, "lineno", None))

    def index_value(self, index):
        """``x[1:3, ::2]``'s index as a value: ``np.s_[1:3, ::2]``."""
        if not any(isinstance(n, gast.Slice) for n in S.operand_nodes(index)):
            return S.copy(index)
        import numpy
        base = gast.Attribute(value=S.name(self.namespace.ref_original(numpy)), attr="s_", ctx=gast.Load())
        return gast.Subscript(value=base, slice=S.copy(index), ctx=gast.Load())

    def callee_derivative(self, stmt, op, has_derivative, derive):
        """For ``y = helper(a, b)``: the arguments with derivatives, and helper's own
        generated derivative w.r.t. their parameters (``derive(callee, wrt)``).

        Returns (compiled, [(parameter, atom), ...]); compiled is None when no argument
        has a derivative.
        """
        callee = underlying(op.key)
        names = parameter_names(callee)
        try:
            bound = inspect.signature(callee).bind(*op.args, **op.kwargs)
        except TypeError as exc:
            raise self.source.error(f"cannot call {op.label}: {exc}", stmt, construct=op.label) from None
        active = [(param, atom) for param, atom in bound.arguments.items()
                  if param in names and has_derivative(atom)]
        gathered = [atom for param, atom in bound.arguments.items() if param not in names]
        gathered = [a for value in gathered for a in (value.values() if isinstance(value, dict) else value)]
        if active and gathered or any(has_derivative(atom) for atom in gathered):
            # the generated derivative has one parameter per name; what *args/**kwargs
            # gather has no name to differentiate with respect to
            raise self.source.error(
                f"cannot differentiate a call to {callee.__qualname__}, which has *args/**kwargs "
                "parameters; list its parameters by name instead",
                stmt, construct=f"call to {callee.__qualname__}(*args, **kwargs)")
        if not active:
            return None, []
        _refuse_callee_rebinding_globals(self.source, stmt, callee)
        try:
            compiled = derive(callee, tuple(names.index(param) for param, _ in active))
        except RecursiveCall:
            raise self.source.error(f"recursive call to {callee.__qualname__}: astgrad cannot "
                                    "differentiate recursion; rewrite it as a loop", stmt,
                                    construct="recursion") from None
        except TransformError as error:
            raise library_callee_error(self.source, stmt, callee, error) \
                or outside_object_handed_error(self.source, self.fn, stmt, callee, bound, error) or error from None
        return compiled, active


def _refuse_callee_rebinding_globals(source, stmt, callee):
    """A callee differentiated on its own runs again in the derivative (its value in the
    forward sweep, its derivative in the adjoint): one rebinding a global (``global K;
    K = K + 1``, itself or through a helper) would rebind it twice, the second run reading
    the first one's value. Called by name it is inlined instead (outer_writes.py)."""
    from ..frontend.normalize.outer_writes import writes_outer
    if writes_outer(callee, callee.__globals__):
        raise source.error(
            f"astgrad cannot differentiate a call of {callee.__qualname__} through a function value, as "
            "it rebinds a global (a global statement, in it or in a function it calls) and its derivative "
            f"would run it a second time; call it by its name ({callee.__name__}(...)), which astgrad "
            "follows", stmt, construct=f"call to {callee.__qualname__}")


def outside_object_handed_error(source, fn, stmt, callee, bound, error):
    """The refusal, at the line of the call, of a helper kept as a call (a method of an
    object, ``T.step(box, w)``) that changes in place, by a method of its own, an object
    the function hands it: one it reads from outside (``box`` a closure variable or a
    global) or takes as an argument. astgrad follows that change where the function
    differentiated takes the object as an argument and calls the method itself. None
    where ``error`` (the helper's refusal) is another one."""
    if not str(getattr(error, "reason", "")).startswith("the method call ") \
            or "changes a differentiated value in place" not in str(error.reason) or not error.construct:
        return None
    params = parameters(fn)
    for param, atom in bound.arguments.items():
        called_on = re.search(rf"\b{re.escape(param)}\.{re.escape(error.construct[1:-2])}\(", error.line or "")
        if not (isinstance(atom, gast.Name) and called_on):
            continue
        what = f"the argument {atom.id}" if atom.id in params else _outside_object(source, fn, atom.id)
        if what is not None:
            return source.error(
                f"the call of {callee.__qualname__} changes {what} in place ({error.construct} at {error.filename}:"
                f"{error.lineno}, on its parameter {param}), which astgrad cannot follow: it follows the changes of "
                "an object only where the function differentiated takes it as an argument and calls the method "
                "itself (on a copy, leaving the caller's object as it was); pass the object as an argument "
                f"(grad(f)(x, obj), jvp(f, (x, obj), (dx, None))) and call {error.construct[:-1]}...) on it in the "
                "function, or have the method return a new object", stmt, construct=f"call to {callee.__qualname__}")
    return None


def library_callee_error(source, stmt, callee, error):
    """The refusal, at the user's line, of a call of a function of Python's standard library
    (``copy.copy(obj)`` of an object of the user's class) whose own code astgrad could not
    differentiate: ``error`` names a line of the library, which the user did not write.
    None for any other callee."""
    module = (getattr(callee, "__module__", None) or "").partition(".")[0]
    if module not in sys.stdlib_module_names:
        return None
    name = f"{module}.{callee.__name__}"
    if name in ("copy.copy", "copy.deepcopy"):     # of an object of the user's class: lists and arrays are lowered
        return source.error(
            f"astgrad cannot differentiate {name} of an object of your class, which copies it by Python's "
            f"object protocol (__reduce_ex__, __dict__) that astgrad does not follow; build the copy by calling "
            f"the class with the values it should hold (b = Box(a.v)), which astgrad follows, or copy the "
            f"lists, dicts and arrays the object holds ({name}(a.v))", stmt, construct=f"call of {name}")
    where = f"{error.filename}:{error.lineno}" if error.filename else "its code"
    return source.error(
        f"astgrad cannot differentiate the call of {name} here: it is a function of Python's standard "
        f"library, handed a value whose derivative it would carry, and astgrad cannot differentiate its "
        f"code ({where}: {error.reason}); compute the value with NumPy or code of your own", stmt,
        construct=f"call of {name}")


def value_call_error(source, stmt, op, fn=None):
    """The refusal of a differentiated call of a function value astgrad did not follow
    (returned by a call it does not inline, taken from a container, passed in), or None
    for any other op: its derivative, through the arguments or the closure, is unknown.
    A function taken from an argument of ``fn`` (the core tree) is a FunctionValueUnknown:
    the transform is made when it is called with the functions."""
    if op.kind is not OpKind.UNKNOWN or op.key is not None or op.label != ops.CALL_OF_VALUE:
        return None
    callee = op.args[0] if op.args and isinstance(op.args[0], gast.Name) else None
    from_parameter = fn is not None and callee is not None and _from_parameter(fn, callee.id)
    if fn is not None and callee is not None and _made_by_astgrad(fn, callee.id):
        error = source.error("astgrad cannot differentiate a call of what astgrad.vjp, jacobian, hessian or hvp "
                             f"returns; {registry.TRANSFORMS_INSIDE}", stmt, construct=ops.CALL_OF_VALUE)
        return function_value_unknown(error) if from_parameter else error   # grad(h.loss): h's class known later
    if fn is not None and callee is not None and _taken_by_key(fn, callee.id):
        error = _zipped_functions_error(source, stmt, _zip_loop_header(source, fn, callee.id)) \
            if _zips_by_position(fn) else _key_known_later_error(source, stmt)
        return function_value_unknown(error) if from_parameter else error
    chosen = chosen_class_words(source, fn, callee.id) if fn is not None and callee is not None else None
    if chosen is not None:
        error = source.error(f"astgrad cannot differentiate this call of a class held in a name: {chosen}", stmt,
                             construct=ops.CALL_OF_VALUE)
        return function_value_unknown(error) if from_parameter else error
    error = source.error(
        "astgrad cannot differentiate a call of a function value it does not know when it "
        "generates code (returned by a call it does not inline, taken from a container, or "
        "passed in); the derivative through its arguments or its closure would be lost. "
        "astgrad follows a local def or lambda, a module-level function, and the lambda or local "
        "def a module-level factory in the same file returns (make(a)(x)): call such a function, "
        "or pass the values the closure holds as arguments", stmt, construct=ops.CALL_OF_VALUE)
    return function_value_unknown(error) if from_parameter else error


def construct_error(source, stmt, op, fn=None):
    """The refusal of a differentiated op that is a Python form astgrad does not follow,
    naming it and a rewrite that works (a call of a function value, ``next`` of a held
    generator), or None: the op is then refused for having no rule."""
    return value_call_error(source, stmt, op, fn) or _held_next_error(source, stmt, op)


def _held_next_error(source, stmt, op):
    """``a = next(g)`` of a generator (or iterator) held in a name that was not followed
    (normalize/explicit_iterators.py says which are): its items are not known when the
    code is generated, and no rule can say what the next one depends on."""
    if op.kind is not OpKind.UNKNOWN or op.key is not builtins.next:
        return None
    return source.error(
        "astgrad cannot differentiate next() of a generator or iterator held in a name here "
        "(g = gen(x); a = next(g)): it follows one only where the generator has no return value an "
        "except clause could read (e.value of StopIteration), nothing in the function writes into "
        "what it was given, the name is used for nothing but next(g), and, for a generator with a "
        "while loop (whose items may never end), next(g) is called a number of times the code shows "
        "(each call in a statement at the top level of the function, not in a loop or a branch). "
        "Build the list of the items instead: a helper that appends what it would "
        "yield (ys.append(v)) for as many items as you take, in a for loop, and returns ys; then "
        "read ys[0], ys[1]", stmt, construct="next() of a held generator")


def _key_known_later_error(source, stmt):
    return source.error(
        "astgrad cannot differentiate a call of a function taken from a dict or list by a key known "
        "only when the code runs (act = ops[cfg[\"act\"]]; act(z)): which function runs, and so its "
        "derivative, is not known when the code is generated. Index with a key known then (a constant, "
        "or cfg[\"act\"] / cfg.get(\"act\", \"relu\") of a dict display the code never changes), "
        "or choose with if/elif on the key, calling the function in each branch (if name == \"tanh\": "
        "y = np.tanh(z) elif ...); for a list of objects of several classes (self.layers[i](x)), loop over the list itself "
        "(for layer in self.layers: h = layer(h)), which is followed", stmt,
        construct="a function taken by a key known only when the code runs")


def _zipped_functions_error(source, stmt, header):
    """The refusal of a call of the function a loop over zip binds, in the user's names
    where ``header`` (_zip_loop_header) gives them."""
    loop, function, functions, values = header or ("for f, g in zip(fs, gains)", "f", "fs", ["gains"])
    by_position = ", ".join(f"{v}[i]" for v in values)
    return source.error(
        f"astgrad cannot differentiate a call of a function a loop over zip binds ({loop}) "
        "where the number of items zip gives is known only when the code runs: which function each step "
        "calls, and so its derivative, is not known when the code is generated. Loop over the functions "
        f"alone, reading the values by position (for i, {function} in enumerate({functions}): ... {by_position} ...), "
        f"or zip them with a tuple or list display of the values (zip({functions}, (a, b))), both of which are "
        "followed", stmt, construct="a function a loop over zip binds")


def _zip_loop_header(source, fn, called):
    """(the loop's header, the function's name, the sequence of functions, the other
    sequences) as the user wrote ``for f, g in zip(fs, gains):`` on one line, for the
    loop binding ``called`` (the core tree ``fn`` reads ``called = seq[k]`` and
    ``zip_length(seq, position, "file:line")``); None where the line reads otherwise."""
    seqs = {node.value.value.id for node in S.operand_nodes(fn) if isinstance(node, gast.Assign)
            and called in S.stored_names(node.targets[0]) and isinstance(node.value, gast.Subscript)
            and isinstance(node.value.value, gast.Name)}
    places = [node.args[2].value for node in S.operand_nodes(fn) if isinstance(node, gast.Call)
              and anno.get(node, Key.TARGET) is runtime.zip_length and isinstance(node.args[0], gast.Name)
              and node.args[0].id in seqs and isinstance(node.args[2], gast.Constant)]
    line = int(places[0].rpartition(":")[2]) - source.first_line + 1 if places else None
    text = (source.line_text(types.SimpleNamespace(lineno=line)) or "").strip()
    try:
        loop = ast.parse(text + " pass").body[0] if text.startswith("for ") else None
    except SyntaxError:
        return None
    if not (isinstance(loop, ast.For) and isinstance(loop.iter, ast.Call) and isinstance(loop.target, ast.Tuple)
            and all(isinstance(t, ast.Name) for t in loop.target.elts)):
        return None
    names = [t.id for t in loop.target.elts]
    at = names.index(re.sub(r"_\d+$", "", called)) if re.sub(r"_\d+$", "", called) in names else None
    if at is None or len(loop.iter.args) != len(names):
        return None
    sequences = [ast.unparse(a) for a in loop.iter.args]
    return (f"for {', '.join(names)} in {ast.unparse(loop.iter)}", names[at], sequences[at],
            sequences[:at] + sequences[at + 1:])


def _zips_by_position(fn):
    """Whether the core tree ``fn`` runs a loop over ``zip`` by position, up to a length
    found when the code runs (``n = zip_length(gains, 2, ...)``, normalize/loops.py)."""
    return any(isinstance(node, gast.Call) and anno.get(node, Key.TARGET) is runtime.zip_length
               for node in S.operand_nodes(fn))


def _taken_by_key(fn, name):
    """Whether ``name`` in the core tree ``fn`` is assigned an item of a container read
    with a key that is not a constant (``act = ops[key]``)."""
    return any(isinstance(node, gast.Assign) and name in S.stored_names(node.targets[0])
               and isinstance(node.value, gast.Subscript) and not isinstance(node.value.slice, gast.Constant)
               for node in S.operand_nodes(fn))


def _made_by_astgrad(fn, name):
    """Whether ``name`` in the core tree ``fn`` is assigned what one of astgrad's own
    transforms returns (``t = astgrad.jacobian(h)``)."""
    for node in S.operand_nodes(fn):
        if isinstance(node, gast.Assign) and any(name in S.stored_names(t) for t in node.targets) \
                and isinstance(node.value, gast.Call):
            target = anno.get(node.value, Key.TARGET)
            if target is not None and registry.is_astgrad_transform(target):
                return True
    return False


def unknown_call_error(error, op, fn, array_method=False):
    """``error`` (no rule for ``op``, or an array method's rule that does not fit), as a
    FunctionValueUnknown where ``op`` is a method call on a value taken from a parameter of
    ``fn`` (``layer.apply(x)``, ``m.sum(x)``): the transform is then made when it is called
    with the object, for its class (frontend/object_layouts.py). ``array_method``: the
    error is that an array method's rule does not fit the call (``m.sum(x)``); any other
    error about a name of an array method (``x.sort()``) is raised as it is."""
    receiver = op.args[0] if op.args else None
    method = op.receiver is not None if array_method else op.key is None and op.label.startswith(".") \
        and not hasattr(numpy.ndarray, op.label[1:].partition("(")[0])
    if method and isinstance(receiver, gast.Name) and fn is not None and _from_parameter(fn, receiver.id):
        return function_value_unknown(error)
    return error


def unknown_method_advice(op):
    """What to do about a method call astgrad found no function for (``m.apply(x)`` on an
    argument, ``self.layer.apply(x)``): said after the "no rule" message."""
    if op.key is not None or not op.label.startswith(".") or not op.label.endswith("()"):
        return ""
    return (f". astgrad follows {op.label} only where it knows the receiver's class when it "
            "generates code: on an object given as an argument (or held by its attributes) when "
            "the transform is called with it, on self or cls in a method differentiated as "
            "obj.method (or called from one), on a global object, or through the class "
            "(Model.method(obj, x)). An object taken from a list the code fills by appending is not "
            "one of these: build the list with a comprehension over items whose number is known "
            "(ps = [P(...) for k in range(3)]), or call the method through its class "
            f"(P{op.label[:-2]}(p, ...)); otherwise pass the object's arrays to a function, or "
            "differentiate the method itself")


def if_as_written(stmt, block):
    """The ``if`` statement ``stmt`` with its test as written and each branch rewritten
    by ``block`` (a mode's rewrite of a statement list)."""
    new = gast.If(test=S.copy(stmt.test), body=block(stmt.body) or [gast.Pass()],
                  orelse=block(stmt.orelse))
    if anno.get(stmt, Key.CATCHES, False):      # a try (frontend/normalize/trying.py)
        anno.set(new, Key.CATCHES, True)
    return new


def split_self_references(block, fixed, namer, nested=None, made=None):
    """``s = s * x`` -> ``t = s * x; s = t`` for names that are not renamed, so the
    derivative of the operation sees the old ``s`` and the new one (``t``).
    Temporaries created inside compound statements are added to ``nested``, and every
    temporary to ``made`` (the only names the split assigns that the block did not)."""
    top_level = {id(stmt) for stmt in block}

    def split(stmt):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and stmt.targets[0].id in fixed and stmt.targets[0].id in S.loaded_names(stmt.value)
                and ops.describe(stmt.value).kind is not OpKind.COPY):
            return stmt
        temp = namer.fresh("t")
        if nested is not None and id(stmt) not in top_level:
            nested.add(temp)
        if made is not None:
            made.add(temp)
        first = S.assign(temp, stmt.value, line=getattr(stmt, "lineno", None))
        second = S.assign(stmt.targets[0].id, S.name(temp), line=getattr(stmt, "lineno", None))
        return [first, second]

    def split_block(stmts):
        out = []
        for stmt in stmts:
            parts = split(stmt)
            if not isinstance(parts, list):
                out.append(parts)
            elif out and _saves_before(out[-1], parts[1].targets[0].id, parts[0].value):
                out[-1:] = [parts[0], out[-1], parts[1]]
            else:
                out.extend(parts)
        return out
    return walk.rewrite_each_block(list(block), split_block)


def _saves_before(stmt, name, value):
    """Whether ``stmt`` is a derivative's own save of ``name`` (``name_saved = name``,
    ``name_stack.append(name)``) that changes nothing ``value`` reads: the part of a
    self-reference ``name = value`` computing ``value`` goes before it, so the save stays
    right before the assignment, where reverse mode finds it and saves nothing again."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
            and isinstance(stmt.value, gast.Name) and stmt.value.id == name:
        changed = stmt.targets[0].id
    elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and len(stmt.value.args) == 1 \
            and anno.get(stmt.value, Key.METHOD) == "append" and isinstance(stmt.value.func, gast.Attribute) \
            and isinstance(stmt.value.func.value, gast.Name) and isinstance(stmt.value.args[0], gast.Name) \
            and stmt.value.args[0].id == name:
        changed = stmt.value.func.value.id
    else:
        return False
    return changed != name and changed not in S.names_in(value)


def mark_top_level(body):
    """Mark the statements that run unconditionally (not inside a loop or a branch)."""
    for stmt in body:
        anno.set(stmt, Key.TOP_LEVEL, True)


def array_names(body, params, describe=ops.describe):
    """Names that certainly hold a NumPy array or scalar whenever they are read: every
    value assigned to them comes from a differentiable NumPy function, an array method of
    such a name, or an operator on such names and numbers. (Parameters are unknown.)
    ``describe``: ``ops.describe``, or a mode's ``ops.Descriptions``."""
    definitions = {}
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            definitions.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.Assign):
            for name in S.stored_names(stmt.targets[0]) - S.names_in(stmt.targets[0]):
                definitions.setdefault(name, []).append(None)
            if not isinstance(stmt.targets[0], gast.Subscript):
                for name in S.stored_names(stmt.targets[0]):
                    definitions.setdefault(name, []).append(None)
        elif isinstance(stmt, gast.For):
            for name in S.stored_names(stmt.target):
                definitions.setdefault(name, []).append(None)
    for param in params:
        definitions.setdefault(param, []).append(None)

    # each value's requirement (the names that must hold arrays, or None: never an
    # array) is found once; a name goes when one of its values cannot be an array, and
    # with it every name whose value needs it: the largest set where every value makes one
    needs = {name: [_array_requirement(value, describe) for value in values]
             for name, values in definitions.items()}
    known = {name for name, requirements in needs.items() if None not in requirements}
    needed_by = {}
    for name in known:
        for requirement in needs[name]:
            for needed in requirement:
                needed_by.setdefault(needed, []).append(name)
    dropped = [name for name in definitions if name not in known]
    dropped += [needed for name in known for requirement in needs[name] for needed in requirement
                if needed not in definitions]
    while dropped:
        for name in needed_by.pop(dropped.pop(), ()):
            if name in known:
                known.discard(name)
                dropped.append(name)
    return known


def _array_requirement(value, describe=ops.describe):
    """The names that must hold arrays for ``value`` to make one (a frozenset, empty if
    it always does), or None where it never certainly does (see array_names)."""
    if value is None:
        return None
    if ops.in_place_operands(value):                      # y op= v
        return _array_requirement(value.args[0], describe)
    op = describe(value)
    if op.kind is OpKind.COPY:
        return frozenset({value.id})
    if op.kind is OpKind.CALL and op.key in _ARRAY_ARITHMETIC:
        names = [a for a in op.args if isinstance(a, gast.Name)]
        if names and all(_number(a) or isinstance(a, gast.Name) for a in op.args):
            return frozenset(a.id for a in names)
        return None
    if op.receiver is not None:
        if op.key in registry.ADJOINTS and isinstance(op.receiver, gast.Name):
            return frozenset({op.receiver.id})
        return None
    # a NumPy function's result is an array or a NumPy scalar, or else (a tuple, a
    # dtype) something whose array-method names fail or carry no derivative
    module = getattr(anno.get(value, Key.TARGET), "__module__", None) or ""
    return frozenset() if module == "numpy" or module.startswith("numpy.") else None


# Operators whose result is an array when an operand is one and the others are numbers.
_ARRAY_ARITHMETIC = (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                     operator.matmul)


def _number(node):
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float, complex)) \
        and not isinstance(node.value, bool)


def _ignores_dtype(template):
    """Whether the rule ``template`` takes a ``dtype`` parameter it never reads (it assumes a
    float result); found once per template, which does not change once parsed."""
    found = template.__dict__.get("_ignores_dtype")
    if found is None:
        found = template.__dict__["_ignores_dtype"] = (
            "dtype" in template.signature.parameters and "dtype" not in template.names_used)
    return found
