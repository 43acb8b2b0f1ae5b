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
from .handed_item_methods import handed_item_call, handed_item_message, receiver_words, refuse_handed_item_change
from .shared_children import shared_child_message
# imported here, not in the functions using them: an import in a function asked for each
# statement (check_outside_methods, check_used_effect_call) cost a few microseconds each time
from ..analysis.mutation import ChangeKind, in_place_changes, is_immutable_values_method, is_mutating_method, \
    may_change_its_object, mutates_arguments, ufunc_method_out
from .templates import derivative_parameters, parameters_of
from ..core.first_use import imported_when_called

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


def _from_parameter(fn, name, items=False):
    """Whether ``name`` in the core tree ``fn`` is taken from one of its parameters
    (``g = fs[0]``, ``for k, g in enumerate(fs)``, through copies and lists it is
    appended to). With ``items``, whether it is an item or an attribute (however deep)
    of a parameter or of a name ``fn`` never binds, a global or a closure variable
    (``t = G[0]``; ``tup_1 = b`` then ``t = tup_1[0]``, a helper inlined), not the
    parameter itself under another name (``ax_1 = ax``)."""
    params = parameters(fn)
    sources = Holding(tree=fn).sources()

    def read_from(value):
        if items and isinstance(value, gast.Call) and not passes_items_on(value):
            return ()       # fig, ax = plt.subplots(): what a call builds, not an item of its arguments
        return [sub.id for sub in S.operand_nodes(value) if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Load)]
    for current, stepped in traced_back(sources, name, read_from):
        if not items and current in params or items and stepped and (current in params or current not in sources):
            return True
    return False


def traced_back(sources, name, read_from):
    """(name, stepped) for ``name`` and each name its value comes from, however far back
    through ``sources`` (``Holding.sources``), ``read_from(value)`` giving the names a
    bound value reads; stepped: whether the way there read out of what a name holds (an
    item, an attribute, a display), not only copied it."""
    seen, todo = set(), [(name, False)]
    while todo:
        current, stepped = todo.pop()
        if (current, stepped) in seen:
            continue
        seen.add((current, stepped))
        yield current, stepped
        for value in sources.get(current, ()):
            inner = stepped or not isinstance(value, gast.Name)
            todo.extend((found, inner) for found in read_from(value))


def awaiting_receivers_class(error, fn, call):
    """``error``, a refusal of ``call``, as a FunctionValueUnknown where ``call`` is a
    method call on a parameter of the core tree ``fn`` or an item or attribute read out of
    one (``_held_by_parameter``): a method named like a list's, dict's or set's
    (``layer.update(w)``, ``layer.append(w)``) may be the user's own, which the code made for
    the object's class follows (argument_objects.py); on a real container the refusal is
    raised then. A method named like an array's (``x.sort()``, ``r.fill(v)``) is refused as
    it is, as ``unknown_call_error`` refuses it, and so is one on a value the function
    computes (``y = x * 1.0``), which is no object of the user's."""
    func = call.func if isinstance(call, gast.Call) else None
    receiver = func.value if isinstance(func, gast.Attribute) else None
    if fn is not None and isinstance(receiver, gast.Name) and (
            not hasattr(numpy.ndarray, func.attr) or func.attr == "sort" and not _numpy_sort_form(call)
            or func.attr == "put" and len(call.args) < 2) \
            and _held_by_parameter(fn, receiver.id):        # (an array's put takes indices and values)
        return function_value_unknown(error)
    return error


def _numpy_sort_form(call):
    """Whether ``call`` is written as NumPy's ``y.sort(axis, kind=...)`` (array_writes.py):
    ``cell.sort(w)`` may be a method of the user's named ``sort``."""
    from ..frontend.normalize.array_writes import is_sort_form
    return is_sort_form(call)


def _held_by_parameter(fn, name):
    """Whether ``name`` in the core tree ``fn`` is one of its parameters or is read out of
    one by items and attributes only (``t = net.cells``, ``for cell in t``, ``c = t[1]``),
    never through a value computed on the way (``y = x * 1.0``, ``r = y[1]``)."""
    params = parameters(fn)

    def read_from(value):
        while isinstance(value, (gast.Subscript, gast.Attribute)):
            value = value.value
        if isinstance(value, gast.Call) and passes_items_on(value):       # enumerate(t), t.values()
            return [a.id for a in value.args + [value.func] if isinstance(a, gast.Name)] + \
                [a.value.id for a in [value.func] if isinstance(a, gast.Attribute) and isinstance(a.value, gast.Name)]
        return [value.id] if isinstance(value, gast.Name) else []
    sources = Holding(tree=fn).sources({BOUND})
    return any(current in params for current, _ in traced_back(sources, name, read_from))


def _waits_for_receivers_class(check):
    """``check`` (of a statement ``stmt`` in the core tree ``fn``) whose refusal of a method
    call waits for the receiver's class where it is known only then (``awaiting_receivers_class``)."""
    @functools.wraps(check)
    def checked(source, stmt, active, held=frozenset(), fn=None, varied=None):
        try:
            return check(source, stmt, active, held, fn, varied)
        except TransformError as error:
            raise awaiting_receivers_class(error, fn, stmt.value) from None
    return checked


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


def range_targets(body, mark=True):
    """Names bound only by ``for name in <a range>``: always ints. (The core form loops
    with a single name only over ranges.) ``mark``: mark those loops (Key.RANGE_LOOP)."""
    bound, other = set(), set()
    for node in S.statements(body):        # (the core form defines no functions)
        if isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            bound.add(node.target.id)
            if mark:
                anno.set(node, Key.RANGE_LOOP, True)
        elif isinstance(node, gast.Assign) and type(node.targets[0]) is gast.Name:
            other.add(node.targets[0].id)
        elif isinstance(node, gast.Assign):
            other |= S.stored_names(node.targets[0])
        elif isinstance(node, gast.For):
            other |= S.stored_names(node.target)
    return bound - other


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


def _element_read(stmt):
    """``v = y[i]`` with a single index: a number for a 1-D ``y``, a view (row) otherwise."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Name) \
        and isinstance(stmt.value.slice, (gast.Name, gast.Constant))


def check_in_place_writes(source, params, body, live_at_end=(), refresh_row=None, namer=None, *, prepare,
                          helper=None, returned=None, fn=None, original=None):
    """Refuse in-place changes astgrad could get wrong: a write into (``y[i] = v``,
    ``ys.append(v)``) or ``+=`` on a value while another live name may share its
    memory (an alias, a view, a list holding it), so that name would change too.
    Writes into memory the function did not create (arguments, globals, what a
    callee may return of them) are refused as well; ``+=`` on numbers and on arrays
    nothing else refers to is fine. So is a call of a user function only when it
    changes none of its arguments in place. ``refresh_row(args)`` builds the call
    ``current_row(v, y, index)`` that re-reads a row ``v = y[i]`` after a write into ``y``.
    A plain alias ``v = y`` (the very same object, see ``_exact_aliases``) follows the
    change instead of being refused: ``v = y`` again after ``y[i] = e``, and
    ``v = follow_in_place(v, y)`` after ``y op= e`` (``helper(name, args)`` builds that call);
    ``returned`` (the name early returns store the result in, Key.RETURNED) sees no write.
    ``fn``: the core tree, where a helper storing into an attribute of a parameter, or a
    method named like a list's called on a parameter's object (``cell.append(w)``), waits
    for the argument's class (``_attribute_of_a_parameter``, ``awaiting_receivers_class``).
    A write refused only because an argument stored into (``y[0] = x[1::2]``) might hold
    what is stored, as a list does, is followed where the argument is an array of numbers
    (which copies the values in): ``number_array_argument`` checks that when the code runs.
    That check starts again from ``body`` as it was given: ``original()`` gives it (read
    only) where the caller can, else ``body`` is copied before the first check changes it."""
    statements = list(walk.walk_statements(body))
    writes = _writes_to_check(body, statements, params)
    if not writes and not any(_calls_user_function(stmt) for stmt in statements):
        return      # nothing changes an object in place, here or in a callee: nothing to check
    checked = (source, params, live_at_end, (helper, namer, refresh_row), returned, fn, prepare)
    retried = _stores_into_elements(writes) and params and helper is not None
    if retried and original is None:
        body_given = [S.copy(stmt) for stmt in body]
        original = lambda: body_given      # noqa: E731 - the copy, made before the check changes body
    try:
        _check_writes(checked, body, writes, frozenset())
    except FunctionValueUnknown:
        raise
    except TransformError as error:
        if not retried:
            raise
        body[:], assumed = _followed_for_number_arrays(checked, original(), params, error)
        for name, (where, *flags) in reversed(sorted(assumed.items())):
            while flags and not flags[-1]:      # read, compared, outside: False unless given
                flags.pop()
            arguments = [S.name(name), S.const(name), S.const(where)] + [S.const(flag) for flag in flags]
            body.insert(0, S.expr_stmt(helper("number_array_argument", arguments)))


def _stores_into_elements(writes):
    """Whether a refusal of ``writes`` may be lifted by taking parameters for arrays of
    numbers: a store into an element (which such an array copies in), or ``op=`` (on what
    an advanced index of such an array, ``z = y[y > 0]``, gives: a new array)."""
    return any(action in ("assignment into an element of", "augmented assignment (+= and the like) on")
               for _, _, action, _ in writes)


def _followed_for_number_arrays(checked, kept, params, error):
    """The body ``kept`` (the one ``error`` refused, as it was given: read only) checked
    again, parameters taken for arrays of numbers (as few as lift the refusal, each dropped
    where it is not needed):
    (the body as that check changed it, {parameter: (where an element of it is written or it
    is read, whether read by an index, whether only compared with an array of numbers: a
    number passes too, whether a global or closure variable)} for those taken so); ``error``
    raised where that does not lift it."""
    def check(numbers):
        body = [S.copy(stmt) for stmt in kept]
        statements = list(walk.walk_statements(body))
        sharing = _check_writes(checked, body, _writes_to_check(body, statements, params), numbers)
        compared = {name: stmt for name, stmt in sharing.compared_numbers.items() if stmt is not None
                    and name not in sharing.assumed_numbers}
        return body, {**sharing.assumed_numbers, **compared}, set(compared)
    outside = _outside_arrays_indexed(kept, params)
    try:
        body, assumed, compared = check(frozenset(params) | outside)
    except TransformError:
        raise error from None
    if not assumed:
        raise error
    for name in sorted(assumed):
        try:
            body, assumed, compared = check(frozenset(assumed) - {name})
        except TransformError:
            continue
    if not assumed:
        raise error
    source = checked[0]
    return body, {name: (source.place(stmt), _read_by_an_index(stmt), name in compared, name in outside,
                         _stored_as_value(stmt, name))
                  for name, stmt in assumed.items()}


def _stored_as_value(stmt, name):
    """Whether ``stmt``, where a parameter ``name`` was taken for an array of numbers, is a
    store ``z[k] = ...`` into another array than ``name`` (``z[2] = w``): ``name`` is then
    a value stored, which a number may be too."""
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) else getattr(stmt, "target", None)
    return isinstance(target, gast.Subscript) and not (isinstance(target.value, gast.Name)
                                                       and target.value.id == name)


def _outside_arrays_indexed(body, params):
    """The globals and closure variables ``body`` indexes (``G[G > 0]``): each may be taken
    for an array of numbers, whose advanced index gives a new array of the function's own."""
    stored = S.stored_names(gast.Module(body=body, type_ignores=[]))
    return frozenset(node.value.id for stmt in body for node in S.walk_nodes(stmt)
                     if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)
                     and node.value.id not in stored and node.value.id not in params)


def _read_by_an_index(stmt):
    """Whether a parameter was taken for an array of numbers at ``z = y[[0, 2]]`` (read by an
    advanced index, a new array), not at a store ``y[k] = v``."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)


def _check_writes(checked, body, writes, numbers):
    """``check_in_place_writes`` of ``body`` (its ``writes``), ``numbers`` the parameters
    taken for arrays of numbers; the Sharing found."""
    source, params, live_at_end, makers, returned, fn, prepare = checked
    check = _WriteCheck(source, params, body, makers, returned, fn)
    check.analyze(live_at_end, prepare, writes, numbers)
    for write in writes:
        if write[1] not in anno.get(write[0], Key.UNSHARED, ()):    # else its object is new, unshared
            try:
                _check_write(check, write)
            except TransformError as error:     # cell.append(w): may be a method of the user's (its class decides)
                call = getattr(write[0], "value", None)
                receiver = getattr(getattr(call, "func", None), "value", None)
                if isinstance(receiver, gast.Name) and receiver.id == write[1]:
                    raise awaiting_receivers_class(error, fn, call) from None
                raise
    return check.sharing


class _WriteCheck:
    """What ``check_in_place_writes`` knows of one body while it checks its writes: the
    code (source, params, body), how to build runtime calls (helper, namer, refresh_row),
    and, once ``analyze``d, the sharing, the element reads and what is left unread."""

    def __init__(self, source, params, body, makers, returned, fn=None):
        self.source, self.params, self.body, self.returned, self.fn = source, params, body, returned, fn
        self.helper, self.namer, self.refresh_row = makers
        self.sharing = self.element_reads = self.unread = None

    def analyze(self, live_at_end, prepare, writes, numbers=frozenset()):
        """Find what may share what, refuse callees changing their arguments, and add the
        checks made before writes (items of shallow copies, updates of outside memory)."""
        from ..analysis.sharing import Sharing, calls_changing_arguments     # imported only when needed
        from ..analysis.unread_values import UnreadValues
        source, params, body = self.source, self.params, self.body
        value_reads = _value_reads(source)
        from ..analysis.value_stacks import own_value_stacks
        self.sharing = Sharing(params, body, prepare, numbers,
                               own_stack=lambda name, stack: bool(own_value_stacks(body, params, name, {stack})))
        self.element_reads = _annotate_for_write_checks(self.sharing, params, body, live_at_end,
                                                        [w[:2] for w in writes], value_reads)
        _refuse_callees_changing_arguments(source, calls_changing_arguments(self.sharing), self.fn)
        _check_items_of_shallow_copies(source, self.sharing, body, self.helper)
        # found when first asked
        self.unread = UnreadValues(body, params, live_at_end, value_reads, self.sharing.group)
        _check_outside_updates(source, self.sharing, body, writes, self.helper)


def _check_write(check, write):
    """Check one in-place ``write`` (statement, name, action, strict): refuse it where it
    changes memory from outside or a live sharer it cannot show, else add what lets the
    sharers see it (aliases followed, rows read again, copies taking the written item)."""
    stmt, name, action, strict = write
    sharing, body = check.sharing, check.body
    checked = action != "pop from"     # a pop is not checked (as before), its aliases follow it
    keeps_items = _replaces_items(sharing, name, action) or action == "assignment into an element of" \
        and _taken_back_list_or_dict(sharing, body, name)
    holders = _holders_of_write(check.source, sharing, body, (stmt, name, action), check.helper, check.unread)
    if strict and checked and _written_outside(check.source, sharing, (stmt, name, action), keeps_items):
        _refuse_shared_write(check.source, name, stmt, action, holders=holders, deque=_deque_made(body, name),
                             sharers=sharing.group(name, keeps_items=keeps_items), outside=True,
                             popped=_popped_at(body, stmt, name))
    conflicts, refreshed, items = _sharers_of_write(check, write, holders)
    followed, (store, copies), refused = _sharers_following(
        sharing, (body, check.params), (stmt, name, action), (conflicts - items, holders), (check.helper, checked))
    aliases, refused = _sharers_refused(check, (stmt, name, action), refused)
    if refused:
        rows, stacked = rows_behind(check, name, refused, conflicts - items, items)
        _refuse_shared_write(check.source, name, stmt, action, rows, holders=holders, sharers=refused,
                             deque=_deque_made(body, name), popped=_popped_at(body, stmt, name), stacked=stacked)
    changed = _follow_write(body, write, followed | aliases, refreshed, check.element_reads,
                            (check.helper, check.namer, check.refresh_row))
    for copy in stores_into_copies(store, copies):      # before[k] = t after rows[k] = t
        _insert_after(body, store, copy)
    if changed or copies:
        check.unread.forget()     # statements were added: what is unread is found again


def _sharers_of_write(check, write, holders):
    """(the live names that may share the object the ``write`` (statement, name, action,
    strict) changes, those of them read again after it (rows), those read as a dict's
    items (which a write replaces, never changes))."""
    stmt, name, action, strict = write
    sharing, body, element_reads = check.sharing, check.body, check.element_reads
    conflicts = _live_sharers(sharing, stmt, name, action, strict, (body, check.params)) \
        - _stored_back(sharing, check.params, holders) - {check.returned}
    conflicts -= _replaced_since_read(sharing, body, stmt, name, conflicts)
    # v = y[i] is a number for a 1-D y and a view (a row) otherwise: a row shows
    # later writes into y, so after each such write v is read again when it is a view.
    # (Not after y += v: that becomes y = y + v, a new array no row is a view of.)
    refreshed = {v for v in conflicts if check.refresh_row is not None and strict
                 and refreshable(sharing, v, name, element_reads) and _bound_on_every_path(body, stmt, v)}
    # a value read with a string key is a dict's item: a write replaces items, never changes one
    items = refreshed
    refreshed = {v for v in refreshed if not _read_by_key(element_reads[v])}
    return conflicts, refreshed, items


def _sharers_refused(check, write, refused):
    """(the aliases followed as well, the sharers still refused) of the ``write``
    (statement, name, action), given the sharers ``refused`` so far: none where they
    never read the object again, or the write rebinds a loop's item
    (``rebinds_loop_item``); all followed where each surely holds the object at the
    write (``_aliases_at_write``)."""
    if not refused or refused <= check.unread.unread(write[0], refused) \
            or rebinds_loop_item(check.source, check.body, write, check.helper, check.unread):
        return set(), set()
    aliases = _aliases_at_write(check.body, check.params, write[:2], refused, check.helper)
    return (aliases, set()) if refused <= aliases else (set(), refused)


def _sharers_following(sharing, code, write, shared, how):
    """How the sharers of the ``write`` (statement, name, action) see it: (the aliases
    followed, (the store back and the copies taking the written item, see
    _copies_following), the rest, refused unless they never read the object again; none
    where the write is not ``checked``). ``code``: the body and the parameters; ``shared``:
    the sharers and the holders of the write; ``how``: (helper, checked)."""
    (body, params), (sharers, holders), (helper, checked) = code, shared, how
    followed = _aliases_following(sharing, params, holders, write) & sharers if helper is not None else set()
    store, copies = _copies_following(sharing, body, write, sharers - followed, helper)
    refused = sharers - followed - copies if checked else set()
    return followed, (store, copies), refused


def _aliases_at_write(body, params, write, refused, helper):
    """Those of ``refused`` that surely hold the object the ``write`` (statement, name)
    changes at that write (``y = z; y *= s; z = y + z``, see current_aliases.py)."""
    return aliases_at_write(body, params, *write, refused) if helper is not None else set()


def _written_outside(source, sharing, write, keeps_items):
    """Whether the in-place ``write`` (statement, name, action) changes memory from outside
    the function that a derivative cannot follow (not a constant appended to a global's list)."""
    stmt, name, action = write
    return sharing.reaches_outside(name, keeps_items) and not _constant_appended_outside(source, stmt, name, action)


def _constant_appended_outside(source, stmt, name, action):
    """Whether ``stmt`` is ``LOG.append(1.0)``, a constant appended to the list a global or
    a closure variable of the function holds (named so in the function's own body): the
    list changes as Python changes it, and nothing of the inputs goes there, as for a
    helper appending a constant to it."""
    call = getattr(stmt, "value", None)
    return action == "append to" and isinstance(stmt, gast.Expr) and isinstance(call, gast.Call) \
        and isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
        and call.func.value.id == name and len(call.args) == 1 and not call.keywords \
        and isinstance(call.args[0], gast.Constant) and name not in _bound_names(source.tree) \
        and type(source.closure.get(name, source.globals.get(name))) is list


def _copies_following(sharing, body, write, candidates, helper):
    """(the store back ``c[k] = t`` after the ``write`` (statement, name, action), those of
    ``candidates`` that are full copies of ``c`` and take the written item too: see
    copied_holders.py); (None, empty) where the write is not stored back into a container."""
    stmt, name, action = write
    store = _store_back(body, stmt, name) if helper is not None and action in _COPIED_WRITES else None
    return store, (following_copies(sharing, body, store, candidates) if store is not None else set())


def _follow_write(body, write, followed, refreshed, element_reads, makers):
    """The statements after a write that let other names see it as Python does: aliases
    ``followed``, rows ``refreshed`` read again, or the write put into a copy of the item
    (``_write_into_a_copy``); whether any was added. ``write``: (statement, name, action,
    strict); ``makers``: (helper, namer, refresh_row)."""
    stmt, name, action, strict = write
    helper, namer, refresh_row = makers
    for v in sorted(followed):      # y = x; y[0] = v (or y *= v): x sees the change
        _insert_after(body, stmt, _followed(v, name, strict, helper, stmt))
    copied = _write_into_a_copy(body, stmt, name, action, (helper, namer), followed | refreshed)
    for v in sorted(refreshed):
        _refresh_after(body, stmt, v, name, element_reads[v], refresh_row, namer)
    return bool(followed or refreshed or copied)


_STACK_METHODS = ("append", "pop")


def _replaces_items(sharing, name, action):
    """Whether the write replaces or adds items but changes none: replacing an item of a
    dict the function built changes no memory from outside, even where the dict holds an
    argument; nor does appending change any item."""
    return action == "append to" \
        or action == "assignment into an element of" and sharing.is_dict_built_here(name)


def _taken_back_list_or_dict(sharing, body, name):
    """Whether ``name`` holds only lists and dicts the code builds, some taken back off a
    stack of its own earlier values (see value_stacks.py): a write replaces their items."""
    from ..analysis.value_stacks import taken_back_list_or_dict
    return taken_back_list_or_dict(sharing, body, name)


def _writes_to_check(body, statements, params):
    """``_checked_writes`` of ``statements``, but for those into private stacks."""
    writes = list(_checked_writes(statements))
    if writes:
        private = _private_stacks(body, statements, [w[1] for w in writes], params)
        writes = [w for w in writes if w[1] not in private]
    return writes


def _private_stacks(body, statements, written, params):
    """The names of ``written`` bound once, to a new empty list, and otherwise only read as
    the receiver of their own ``.append(v)`` and ``.pop()`` (the stacks of generated
    reverse code): no other name can refer to such a list nor to what it keeps, so writing
    into it changes nothing another name sees, and the sharing analysis need not look.
    (A name read anywhere else, a parameter, and a function with ``global`` or
    ``nonlocal`` have none.)"""
    candidates = {name for name in written if name not in params}
    if not candidates:
        return set()
    bound, receivers = {}, {}
    for stmt in statements:
        if isinstance(stmt, (gast.Global, gast.Nonlocal)):
            return set()
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in candidates and isinstance(stmt.value, gast.List) and not stmt.value.elts:
            bound[stmt.targets[0].id] = bound.get(stmt.targets[0].id, 0) + 1
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
                and call.func.attr in _STACK_METHODS and isinstance(call.func.value, gast.Name) \
                and call.func.value.id in candidates:
            receivers[call.func.value.id] = receivers.get(call.func.value.id, 0) + 1
    candidates = {name for name in candidates if bound.get(name) == 1}
    if not candidates:
        return set()
    mentions = {}
    for node in S.name_nodes(gast.Module(body=body, type_ignores=[])):
        if node.id in candidates:
            mentions[node.id] = mentions.get(node.id, 0) + 1
    return {name for name in candidates if mentions.get(name) == 1 + receivers.get(name, 0)}


def _check_outside_updates(source, sharing, body, writes, helper):
    """Before each ``v op= e`` where ``v`` may hold memory the function did not create (a
    global's object, an item or attribute of one; arguments are copied or checked
    elsewhere), the check ``outside_update`` (runtime.py): ``op=`` changes an array there
    in place, which the derivative would not follow, but only rebinds a number."""
    from ..analysis.sharing import OUTSIDE
    for stmt, name, action, strict in writes:
        if not strict and name in sharing.locals and OUTSIDE in sharing.group(name):
            where = S.const(source.place(stmt))
            _insert_before(body, stmt, S.expr_stmt(helper("outside_update", [S.name(name), where])))


def _check_items_of_shallow_copies(source, sharing, body, helper):
    """Before each op= on an item of a shallow copy (``c = xs.copy(); c[0] *= a``, here or
    in a helper given ``xs``), a check of what was copied, whose kind only the run shows:
    a list's, dict's or tuple's copy holds the very arrays of what it copied, which op=
    would change; an array's copy is new memory. At a call of such a helper, the argument
    is checked (``items_unshared_by_copy``, runtime.py), here the copy's item
    (``item_of_copy_apart``)."""
    from ..analysis.sharing import calls_changing_items_of_arguments, item_updates_of_copies
    for stmt, callee, argument, where in list(calls_changing_items_of_arguments(sharing)):
        written = S.const(f"{where.filename}:{where.line}: {(where.text or '').strip()}")
        check = helper("items_unshared_by_copy", [S.name(argument), S.const(callee), written, _at(source, stmt),
                                                  S.const(where.keys)])
        _insert_before(body, stmt, S.expr_stmt(check))
    for stmt, copied, item in list(item_updates_of_copies(sharing)):
        check = helper("item_of_copy_apart", [S.name(copied), S.name(item), _at(source, stmt)])
        _insert_before(body, stmt, S.expr_stmt(check))


def _at(source, stmt):
    return S.const(source.place(stmt))


def _calls_user_function(stmt):
    """Whether ``stmt`` calls a function astgrad reads the code of, which may change an
    argument in place (``calls_changing_arguments`` says which)."""
    call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    return isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is not None \
        and ops.is_user_function(anno.get(call, Key.TARGET))


def _value_reads(source):
    """What counts as reading a value in ``source``'s code: ``derivative_value_reads`` in a
    derivative astgrad generated (differentiated again), else ``value_reads``."""
    from ..analysis.sharing import derivative_value_reads, value_reads
    fn = getattr(source, "fn", None)
    code = getattr(fn, "__code__", None)
    return derivative_value_reads if code is not None and generated_text.is_derivative(code) else value_reads


def _annotate_for_write_checks(sharing, params, body, live_at_end, writes, value_reads):
    """Mark what the check reads off each statement: which element reads ``v = y[i]``
    there are (returned: v -> those statements), which names are live after it, and
    (only at the in-place writes ``writes``, (statement, name) each) whether the
    written object is new and unshared, and what may share it."""
    from ..analysis import dataflow
    from ..analysis.sharing import mark_unshared
    element_reads = {}
    for stmt in sharing.statements:
        if _element_read(stmt):
            anno.set(stmt, Key.ELEMENT_OF, stmt.value.value.id)
            element_reads.setdefault(stmt.targets[0].id, []).append(stmt)
    if writes:      # what is live, and unshared, is asked only at the writes
        dataflow.liveness(body, set(live_at_end), value_reads)    # shapes survive in-place writes
        mark_unshared(body, params, writes, sharing)
        _mark_overlapping_values(sharing, body, writes)
    return element_reads


def _mark_overlapping_values(sharing, body, writes):
    """Mark each write ``y[i] = v`` whose value ``v`` may share ``y``'s memory, as the
    value flow says (``_memory_of``): ``y`` itself, an alias of it, a view made from one
    (``v = y[::-1]``, ``v = y.T``, ``v = y[k]`` at any key, ``v = numpy.flip(y)``, a
    helper returning a view of it, ``y`` read back out of a list or dict holding it), or
    what ``y`` is a view of. NumPy may write such a value element by element, reading
    elements it has overwritten already, which the reverse sweep cannot follow; the
    forward sweep checks it when it runs (``runtime.write_reads_value_first``). A list or
    dict the function built (a memo table ``memo[n] = r``) is no array, and an int
    (``y[i] = r``, ``i`` a range loop's counter or a copy of one) is a basic index: such
    writes stay unmarked."""
    memory, counters = {}, None     # y -> the names that may share y's memory; the ints of range loops
    for stmt, name in writes:
        value = getattr(stmt, "value", None)
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)
                and S.may_be_advanced_index(stmt.targets[0].slice) and isinstance(value, gast.Name)):
            continue
        if counters is None:
            counters = _int_names(body)
        if S.may_be_advanced_index(stmt.targets[0].slice, counters) and not sharing.is_list_or_dict_built_here(name):
            if name not in memory:
                memory[name] = _memory_of(sharing, name)
            if value.id in memory[name]:
                anno.set(stmt, Key.VALUE_MAY_OVERLAP, True)


def _dict_items(statements):
    """(v, d) for each ``v = d["key"]``, and no other read of ``d`` binding ``v``: a string
    key reads a dict's item, so ``d``'s other items share nothing with ``v``."""
    keyed, other = set(), set()
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Name):
            read = (stmt.targets[0].id, stmt.value.value.id)
            key = stmt.value.slice
            (keyed if isinstance(key, gast.Constant) and isinstance(key.value, str) else other).add(read)
    return keyed - other


def _saved_copies(statements):
    """The names every binding of which is ``snapshot(v)`` or ``saved_item(c, k)``: a copy
    when the value is an array (another object is handed back as it is)."""
    copies, others = set(), set()
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            copied = isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, Key.TARGET) in (runtime.snapshot, runtime.saved_item)
            (copies if copied else others).add(stmt.targets[0].id)
        else:
            others |= _names_bound_by(stmt)
    return copies - others


def _names_bound_by(stmt):
    """The names an assignment or a ``for`` loop ``stmt`` binds (none for another statement)."""
    if isinstance(stmt, (gast.Assign, gast.For)):
        return S.stored_names(stmt.targets[0] if isinstance(stmt, gast.Assign) else stmt.target)
    return set()


def _int_names(body):
    """Names that certainly hold ints: the counters of range loops, and names every
    binding of which is one of those or an int constant (``row_index = i``)."""
    ints, sources, other = range_targets(body, mark=False), {}, set()
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and (isinstance(stmt.value, gast.Name)
                     or isinstance(stmt.value, gast.Constant) and type(stmt.value.value) is int):
            sources.setdefault(stmt.targets[0].id, set()).add(getattr(stmt.value, "id", None))
        else:
            other |= _names_bound_by(stmt)
    candidates = {n: found - {None} for n, found in sources.items() if n not in other}
    while True:
        more = {n for n, found in candidates.items() if n not in ints and found <= ints}
        if not more:
            return ints
        ints |= more


def _memory_of(sharing, name):
    """``name`` and the names whose arrays may overlap its memory: reached through
    aliases (``v = y``, a call that may return its argument), views both ways (what was
    read out of ``y`` by an index or attribute, and what ``y`` was read out of), and the
    items read out of a list, dict or object that may hold one of them (``v = d["y"]``,
    ``v = stack.pop()``, a loop's item). Not the other items a list holds, which are
    other objects, nor a copy of an array astgrad's code saved (``snapshot``, ``saved_item``)."""
    viewed_from, dict_items = {}, _dict_items(sharing.statements)
    for container, views in sharing.views.items():
        for view in views:
            if (view, container) not in dict_items:
                viewed_from.setdefault(view, set()).add(container)
    copies = _saved_copies(sharing.statements)
    found, todo = {(name, True)}, [(name, True)]        # (a name, whether it may be the memory or holds it)
    while todo:
        current, is_memory = todo.pop()
        if is_memory:
            steps = [(n, True) for n in sharing.alias.get(current, set()) | sharing.views.get(current, set())
                     | viewed_from.get(current, set()) if n not in copies]
        else:
            steps = [(n, True) for n in sharing.views.get(current, set()) | sharing.taken_out.get(current, set())]
            steps += [(n, False) for n in sharing.alias.get(current, set())]
        steps += [(n, False) for n in sharing.holders.get(current, set())]
        for step in steps:
            if step not in found:
                found.add(step)
                todo.append(step)
    return {n for n, is_memory in found if is_memory}


def _checked_writes(statements):
    """(statement, name, action, strict) for each in-place write the check looks at.
    A strict write changes the object whatever it is; ``+=`` changes arrays only (on
    numbers it binds a new value)."""
    for change in in_place_changes(statements):
        if change.kind is ChangeKind.ELEMENT:
            yield change.stmt, change.name, "assignment into an element of", True
        elif change.kind is ChangeKind.METHOD and change.method == "append":
            yield change.stmt, change.name, "append to", True
        elif change.kind is ChangeKind.METHOD and change.method == "pop":
            yield change.stmt, change.name, "pop from", True
        elif change.kind is ChangeKind.AUGMENTED:
            yield change.stmt, change.name, "augmented assignment (+= and the like) on", False


def _live_sharers(sharing, stmt, name, action, strict, code):
    """The names live after ``stmt`` that may share memory with ``name``'s object, and
    so would see the write into it; ``code`` is the body and the parameters. A stack of
    ``name``'s own earlier values (reverse code's ``d_stack``) never holds its object."""
    from ..analysis.built_items import is_built_item
    # appending, or replacing a dict's item, changes no item read out before
    keeps_items = action == "append to" or (strict and (sharing.is_list_or_dict_built_here(name)
                                                         or is_built_item(sharing, name)
                                                         or _taken_back_list_or_dict(sharing, code[0], name)))
    shared = sharing.group(name, keeps_items=keeps_items)
    # a name still holding a constant nobody read since (generated code sets t = 0.0
    # before a loop and pushes that value in it) cannot see the write
    conflicts = shared & anno.get(stmt, Key.LIVE_OUT, set()) - anno.get(stmt, Key.UNTOUCHED_CONSTANTS, set())
    touched = anno.get(stmt, Key.TOUCHED_SINCE_MADE, {}).get(name)
    if touched is not None:         # names bound before name's object was made
        conflicts &= touched
    if conflicts:
        from ..analysis.value_stacks import own_value_stacks
        conflicts -= own_value_stacks(*code, name, conflicts, sharing.advanced_copies)
    return conflicts


def _refuse_shared_write(source, name, stmt, action, rows=(), holders=(), sharers=(), outside=False, deque=None,
                         popped=False, stacked=False):
    if deque is not None:       # a deque the normalizer did not lower: say that, not what follows
        raise _deque_refusal(source, deque, "is changed where another name may share it")
    if rows:                    # a derivative differentiated again: the user's line and names
        refusal = generated_row_refusal(source, stmt, name, rows[0], stacked)
        if refusal is not None:
            raise refusal
    refusal = generated_write_refusal(source, stmt, action)
    if refusal is not None:     # a derivative differentiated again: the user's line and names
        raise refusal
    if action == "assignment into an element of" and (source.line_text(stmt) or "").lstrip().startswith("del "):
        action = "del of an item of"        # del xs[i], which moves the later items down a place
    elif popped and action == "assignment into an element of":
        action = "pop from"                 # xs.pop(i), lowered to moving the later items down a place
    user_name = re.sub(r"_\d+$", "", name)     # a copy astgrad made of an argument: x_1 for x
    if _names_in_line(source, stmt, user_name):
        name = user_name
    elif not _names_in_line(source, stmt, name) and holders \
            and not _appends_to_an_attribute(source, stmt, name, action):   # d[a][b] = v, the item d[a] read out
        _refuse_write_into_an_item(source, stmt, action, _user_holder(source, stmt, sorted(holders)[0]), sharers)
    elif not _names_in_line(source, stmt, name):        # a value astgrad read out of an item or attribute
        written = user_expression(source, stmt, name)
        if written and re.fullmatch(r"[\w\[\]'\". ]+\.[A-Za-z_]\w*", written) \
                and _read_out_of_a_container(source, written.rpartition(".")[0]):
            _refuse_write_into_an_attribute(source, stmt, action, written)
        _refuse_unnamed_flat_write(source, stmt, action, written)
        if written and written.isidentifier() and _names_in_line(source, stmt, written) \
                and written not in parameters(source.tree):
            name = written      # a view the line writes into (y = B[0]; y[0] = w), written through its array
        elif _view_named_by_line(source, stmt):
            name = _view_named_by_line(source, stmt)    # t[0] = v in a helper written in, through t = a[1:]
        else:
            _refuse_shared_item_write(source, stmt, action, written)
    error = source.error(
        f"{action} '{name}' while another name may share its memory (an argument, an alias, "
        f"a view or a list holding it), so that value would change too and astgrad cannot "
        f"follow it. {_popped_advice(source, stmt, name) if popped else _write_advice(source, stmt, name, outside)}",
        stmt, construct="in-place write")
    raise function_value_unknown(error) if popped and _from_an_argument(source, name) else error


def _view_named_by_line(source, stmt):
    """``t`` where the user's line of ``stmt`` (a write astgrad made into an array through
    the view ``t``, views.py) is ``t[k] = v`` or ``t[k] op= v``; else None."""
    target = _user_write(source, stmt)[0]
    return target.value.id if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) else None


def _user_write(source, stmt):
    """(target, value) of the user's line of ``stmt`` where it is one write ``c[k] = v``
    or ``c[k] op= v`` (ast nodes); (None, None) otherwise."""
    line = source.file_line(stmt)
    text = linecache.getline(source.filename, line).strip() if line is not None else ""
    try:
        line = ast.parse(text).body[0] if text else None
    except SyntaxError:
        return None, None
    if isinstance(line, ast.Assign) and len(line.targets) == 1:
        return line.targets[0], line.value
    return (line.target, line.value) if isinstance(line, ast.AugAssign) else (None, None)


def _refuse_shared_item_write(source, stmt, action, written):
    """The refusal of a write into a value astgrad read out of an item or an attribute
    (``d[a][b] = v``, ``self.m[k] = v``) while another name may share its memory."""
    if not written:
        _refuse_write_into_a_held_array(source, stmt, action)
        target = _user_write(source, stmt)[0]
        text = linecache.getline(source.filename, source.file_line(stmt) or 0).strip()
        refusal = call_result_refusal(source, stmt, action, target, text)     # np.einsum("ii->i", m)[:] *= w
        if refusal is not None:
            raise refusal
    what = "an item of a container or an attribute" + (f": {written}" if written else "")
    if written in parameters(source.tree):     # m.log(v) appending to an attribute of the argument m
        what = f"an item or attribute of the argument {written}"
    raise source.error(
        f"{action} the list, dict or array this line writes into ({what}) while another name may "
        f"share its memory (an argument, "
        f"an alias, a view or a list holding it), so that value would change too and astgrad cannot "
        f"follow it. Where that name should show the write, as in Python, read the value through the "
        f"container after the write rather than keeping a name for it; where it should keep the old "
        f"value, store a new value instead (d[k] = d[k] + [v], p.b = p.b + v)", stmt, construct="in-place write")


def _refuse_write_into_a_held_array(source, stmt, action):
    """Where the user's line writes into a slice of the array an item or attribute holds
    (``s["v"][1:3] += v``, ``p.h[:, 0] = w``), the refusal naming it (``s["v"]``) and saying
    what to write instead; otherwise nothing."""
    target = _user_write(source, stmt)[0]
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, (ast.Subscript, ast.Attribute))):
        return
    parts = target.slice.elts if isinstance(target.slice, ast.Tuple) else [target.slice]
    if not any(isinstance(part, ast.Slice) for part in parts):
        return      # (c["b"][0] *= a: the item may be an array a list holds, which a copy of the list shares)
    text = linecache.getline(source.filename, source.file_line(stmt)).strip()
    held = ast.get_source_segment(text, target.value) or ast.unparse(target.value)     # s["v"], as written
    written = ast.get_source_segment(text, target) or ast.unparse(target)
    local = target.value.attr if isinstance(target.value, ast.Attribute) else "v"
    if isinstance(target.value, ast.Subscript) and isinstance(target.value.slice, ast.Constant) \
            and isinstance(target.value.slice.value, str) and target.value.slice.value.isidentifier():
        local = target.value.slice.value
    operator = re.match(r"\s*(\*\*|//|>>|<<|[-+*/@%&|^])=", text[len(written):]) \
        if text.startswith(written) else None                  # s["v"][1:3] += ...
    new_value = f"{written} = {written} {operator[1]} ... rather than {operator[1]}=" if operator \
        else f"{held} = a new array"
    raise source.error(
        f"{action} the array that {held} holds ({written}), which another name may share (the item or "
        f"attribute read or written on other lines, an alias, a view), so astgrad cannot follow the change in "
        f"place. Give the array a local name of its own for these writes and store it back after them "
        f"({local} = {held}.copy(), then {local}[...] = ... or {local}[...] += ..., then {held} = {local}), or "
        f"write a new value ({new_value})", stmt, construct="in-place write")


def _refuse_unnamed_flat_write(source, stmt, action, written):
    """``y.flat[k] = v``, ``y.reshape(-1)[k] = v``, ``y.ravel()[k] = v``: a write into the
    elements of ``y`` through a view (or an iterator) with no name, which the refusal of a
    shared item would describe in words the line does not have: say what to write instead."""
    found = re.fullmatch(r"(.+)\.(flat|reshape\(.*\)|ravel\(\))", written or "")
    if found is None:
        return
    base = found.group(1)
    raise source.error(
        f"{action} {written}, a view of the elements of {base} with no name, which astgrad does not follow. "
        f"Write numpy.put({base}, index, value) for positions in the flattened array, or bind the view to a "
        f"name first (flat = {base}.reshape(-1); flat[index] = value), which is followed",
        stmt, construct="in-place write")


def _popped_at(body, stmt, name):
    """Whether the write ``stmt`` into ``name`` is part of the list lowering of
    ``name.pop(i)`` (frontend/normalize/displays.py): ``body`` finds the item it removes by
    ``pop_position(name, i, where)`` on the same line. The object ``name`` holds was taken
    for a list there, its class not known."""
    line = getattr(stmt, "lineno", None)
    return line is not None and any(
        isinstance(other, gast.Assign) and getattr(other, "lineno", None) == line
        and isinstance(other.value, gast.Call) and anno.get(other.value, Key.TARGET) is runtime.pop_position
        and other.value.args and isinstance(other.value.args[0], gast.Name) and other.value.args[0].id == name
        for other in walk.walk_statements(body))


def _from_an_argument(source, name):
    """Whether ``name`` is an argument or a loop's name over one (``for c in cells``): a
    refused list ``pop`` on its object then waits for the arguments (FunctionValueUnknown),
    the code made for them deciding by the object's class: a method ``pop`` of a class of
    the user's is followed (displays.py), a list's refused as here."""
    from ..frontend.normalize.scopes import given_or_looped_over
    return source.tree is not None and given_or_looped_over(source.tree, name)


def parameters(tree):
    """The names of the parameters of the function ``tree`` (none for None)."""
    arguments = getattr(tree, "args", None)
    return {a.id for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs} if arguments else set()


def _appends_to_an_attribute(source, stmt, name, action):
    """Whether ``stmt`` appends to the list an attribute holds (``p.log.append(v)`` on an
    object the function built, read out and stored back: item_appends.py): its refusal
    names the attribute written, as for the list of any object."""
    written = user_expression(source, stmt, name) or ""
    return action == "append to" and re.fullmatch(r"[\w.]+\.[A-Za-z_]\w*", written) is not None


def _read_out_of_a_container(source, owner):
    """Whether the user's code reads the object ``owner`` out of a list or dict: written
    so (``boxes[0]``), bound so (``b = boxes[0]``), or a loop's target (``for b in boxes``)."""
    if "[" in owner:
        return True
    if not owner.isidentifier():
        return False
    text = "\n".join(source.lines)
    return re.search(rf"^\s*{owner}\s*=\s*[\w.]+\[|^\s*for\s+{owner}\s+in\b", text, re.MULTILINE) is not None


def _refuse_write_into_an_attribute(source, stmt, action, written):
    """``b.log.append(v)`` where the object ``b`` may be held elsewhere too (read out of a
    list, an argument, an alias): the refusal speaks of the object, and of what astgrad follows."""
    owner, _, attr = written.rpartition(".")
    named = owner if owner.isidentifier() else "b"
    raise source.error(
        f"{action} the list, dict or array {written}, held by the object {owner}, which a list or dict holds "
        f"too (read out of it), so the change would show there as "
        f"well and astgrad cannot follow it. astgrad follows such changes where the object is bound once to a "
        f"name the function builds by calling its class ({named} = Box()) and nothing else holds it; otherwise "
        f"make the value under a name of its own and build the object from it ({attr} = []; {attr}.append(v); "
        f"Box({attr})), or make a new one ({attr} = {written} + [v])", stmt, construct="in-place write")


def _write_advice(source, stmt, name, outside):
    """The advice of the refusal of a write into ``name`` another name would see: for the
    item a loop binds (``for row in M: row *= w``) the loop by index, else the general one."""
    from .loop_item_writes import loop_item_advice
    return (None if outside else loop_item_advice(source, stmt, name)) or _shared_write_advice(name, outside)


def _shared_write_advice(name, outside):
    """What to write instead of a write another name (or, ``outside``, the caller or a
    global) would see: the fix that keeps the meaning first, then the one that does not."""
    if outside:
        return (f"A derivative never changes memory the caller or a global holds: where the caller should "
                f"see the change, return the new value and assign it where the function is called; "
                f"otherwise write into a copy ({name} = {name}.copy()) or build a new value ({name} = {name} + ...)")
    return (f"Where the other names should show the change, as in Python, write through one name and read "
            f"the others again after the write (astgrad follows a plain alias y = x and views of an array); "
            f"where they should keep the old value, write into a copy ({name} = {name}.copy()) or build a new "
            f"value ({name} = {name} + ...)")


def _popped_advice(source, stmt, name):
    """What to write instead of ``v = xs.pop(i)`` on a list another name may hold (or
    ``d.pop('k')`` on a dict): the item and the rest read without changing it (a copy popped
    from holds the same items)."""
    found = re.search(rf"(?<![\w.]){re.escape(name)}\.pop\(([^()]*)\)", source.line_text(stmt) or "")
    index = found.group(1).strip() if found else "i"
    if index[:1] in ("'", '"'):         # d.pop('a'): a dict's key
        return (f"Read the item and build the rest as a new dict instead, which changes no dict another name "
                f"holds (v = {name}[{index}]; {name} = {{k: u for k, u in {name}.items() if k != {index}}}); where "
                f"the caller should see the smaller dict, return it and assign it where the function is called")
    rest = f"{name}[1:]" if index == "0" else f"{name}[:-1]" if index in ("", "-1") else \
        f"list({name}[:{index}]) + {name}[{index} + 1:]"
    return (f"Read the item and build the rest as a new list instead, which changes no list another name holds "
            f"(v = {name}[{index or -1}]; {name} = {rest}); where the caller should see the shorter list, "
            f"return it and assign it where the function is called")


def _refuse_write_into_an_item(source, stmt, action, holder, sharers):
    """``d[a][b] = v`` (written as ``t = d[a]; t[b] = v; d[a] = t``) where the item ``d[a]``
    may share memory with another name: the refusal names ``d`` and those of the user's
    names (``sharers``, besides ``d``) that would see the write, and says what to write."""
    text = "\n".join(source.lines)
    others = sorted(n for n in sharers if n != holder and re.search(rf"(?<![\w.]){re.escape(n)}\b", text))
    spelled = re.sub(r"_\d+$", "", holder)     # a helper's parameter written in: items_1 for items
    if not _names_in_line(source, stmt, holder) and _names_in_line(source, stmt, spelled):
        holder = spelled
    if not others:
        raise source.error(
            f"{action} an item of '{holder}' while another name may share that item's memory (an "
            f"argument, an alias, a view or another list holding it), so the write would change it "
            f"too, which astgrad cannot follow. Where the other name should show the write, as in Python, "
            f"read it through '{holder}' after the write; where it should keep the old value, keep copies "
            f"in '{holder}' (.copy(), list(...)) or store a new item ({holder}[k] = ...)", stmt,
            construct="in-place write")
    named, first = " and ".join(f"'{n}'" for n in others[:3]), others[0]
    target, value = _user_write(source, stmt)
    if others == [first] and isinstance(value, ast.Name) and value.id == first and isinstance(target, ast.Subscript):
        _refuse_storing_a_name_into_an_item(source, stmt, action, holder, first, target)
    raise source.error(
        f"{action} an item of '{holder}' while that item may share its memory with {named} (it may "
        f"be {first} itself, a view of it such as the row {first}[0], or an item {first} holds), so the "
        f"write would change {named} too, which astgrad cannot follow. Where {first} should show the write, "
        f"as in Python: if {first} is that array, write into {first} itself (astgrad follows writes into an "
        f"array and its views); if it is another list or dict holding the item, make the new value and store "
        f"it wherever the item is held and read again (v = {holder}[k].copy(); v[j] = ...; {holder}[k] = v; "
        f"{first}[i] = v). Where it should keep the old value, keep copies in '{holder}' "
        f"({first}[0].copy(), list(...)) or store a new item ({holder}[k] = ...)", stmt, construct="in-place write")


def _refuse_storing_a_name_into_an_item(source, stmt, action, holder, stored, target):
    """``acc.total[0] = w``: the item ``acc.total`` seen to share memory with ``w`` only
    because the line stores ``w`` itself, and the code does not show that the item is an
    array of numbers (which copies the value in) rather than a container holding ``w``."""
    item, written = ast.unparse(target.value), ast.unparse(target)
    raise source.error(
        f"{action} an item of '{holder}' storing '{stored}' itself ({written} = {stored}): astgrad cannot "
        f"tell from the code that {item} is an array of numbers, which copies the value of {stored} in; were "
        f"it a list or dict, it would hold {stored} itself, and astgrad could no longer tell what '{holder}' "
        f"holds apart from {stored}, so it cannot follow the write. Store a value made here ({written} = "
        f"{stored} * 1.0), or write into a copy and store it back (t = {item}.copy(); "
        f"t[{ast.unparse(target.slice)}] = {stored}; {item} = t)", stmt,
        construct="in-place write")


def _user_holder(source, stmt, holder):
    """``holder`` as the user's line names it: ``vs`` for ``vs_1``, the copy astgrad made
    of a parameter of a local function it inlines (``def h(*vs): vs[0][0] = w``)."""
    user = re.sub(r"_\d+$", "", holder)
    return user if user != holder and not _names_in_line(source, stmt, holder) \
        and _names_in_line(source, stmt, user) else holder


def _names_in_line(source, stmt, name):
    """Whether the user's line of ``stmt`` names ``name`` (not a name astgrad made)."""
    text = source.line_text(stmt)
    return text is not None and re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def _exact_aliases(statements, params, name):
    """The names that certainly hold the very object ``name`` holds, wherever either is
    read: all of them are bound only by plain copies of one another (``y = x``) and by
    ``op=`` (which the others follow), except one root bound once (a parameter, or one
    assignment). Empty when that is not sure."""
    bindings = {p: [None] for p in params}
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            if not anno.get(stmt, Key.AUGMENTED, False):     # y op= v: followed (see _followed)
                bindings.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.Assign) and not isinstance(stmt.targets[0], gast.Subscript):
            for bound in S.stored_names(stmt.targets[0]):
                bindings.setdefault(bound, []).extend([None, None])
        elif isinstance(stmt, gast.For):
            for bound in S.stored_names(stmt.target):
                bindings.setdefault(bound, []).extend([None, None])
    component, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in component:
            continue
        component.add(current)
        todo.extend(v.id for v in bindings.get(current, ()) if isinstance(v, gast.Name))
        todo.extend(other for other, values in bindings.items()
                    if any(isinstance(v, gast.Name) and v.id == current for v in values))
    roots = [n for n in component
             if any(not (isinstance(v, gast.Name) and v.id in component) for v in bindings.get(n, [None]))]
    # the root's one binding from outside the component made the object; copies from
    # the others (ys = zs after a write through zs) bind it to that same object again
    if len(roots) > 1 or any(sum(not (isinstance(v, gast.Name) and v.id in component)
                                 for v in bindings.get(r, [None])) != 1 for r in roots):
        return set()
    return component - {name}


def _followed(alias, name, strict, helper, stmt):
    """After a change of ``name``'s object: ``alias = name`` (an element write: the same
    object), or ``alias = follow_in_place(alias, name)`` (``op=``: on an array the object
    changed, on a number only ``name`` was rebound)."""
    line = getattr(stmt, "lineno", None)
    if strict:
        follow = S.assign(alias, S.name(name), line=line)
        anno.set(follow, Key.FOLLOWS, True)     # the same object: no value to save
        return follow
    return S.assign(alias, helper("follow_in_place", [S.name(alias), S.name(name)]), line=line)


def _read_by_key(reads):
    return all(isinstance(r.value.slice, gast.Constant) and isinstance(r.value.slice.value, str)
               for r in reads)


def _bound_on_every_path(block, stmt, v):
    """Whether ``v`` is bound (``v = ...``) before ``stmt`` on every path through ``block``
    to it: in the block holding ``stmt`` or one enclosing it, ahead of it (a row read in
    one branch only is not there to read again after a write past the branches). A write
    inside a branch counts as bound where an earlier branch of the same test bound ``v``:
    reverse code writes in the branch of its forward code's test, where the forward branch
    bound ``v`` (a branch of another test may not have run)."""
    bound = False
    for at, current in enumerate(block):
        if current is stmt:
            return bound
        for inner in _inner_blocks(current):
            if any(s is stmt for s in walk.walk_statements(inner)):
                return bound or _bound_by_same_test(block[:at], current, inner, v) \
                    or _bound_on_every_path(inner, stmt, v)
        if isinstance(current, gast.Assign) and isinstance(current.targets[0], gast.Name) \
                and current.targets[0].id == v:
            bound = True
    return bound


def _bound_by_same_test(earlier, branching, branch, v):
    """Whether ``branch`` (the body or orelse of the If ``branching``) follows a branch of
    an earlier If of ``earlier`` with the same test that binds ``v``: both run or neither."""
    if not isinstance(branching, gast.If) or not isinstance(branching.test, gast.Name):
        return False
    side = "body" if branch is branching.body else "orelse"
    return any(isinstance(s, gast.If) and isinstance(s.test, gast.Name) and s.test.id == branching.test.id
               and v in S.stored_names(gast.Module(body=getattr(s, side), type_ignores=[]))
               for s in earlier)


def _inner_blocks(stmt):
    blocks = [getattr(stmt, field) for field in ("body", "orelse", "finalbody")
              if isinstance(getattr(stmt, field, None), list)]
    return blocks + [handler.body for handler in getattr(stmt, "handlers", ())]


def _refresh_after(body, write, v, name, reads, refresh_row, namer):
    """Insert ``v = current_row(v, name, index)`` right after ``write``; the index each
    read of ``v`` used is kept in a name of its own (``v_index``) when it is a name."""
    index = reads[0].value.slice
    if not all(isinstance(r.value.slice, gast.Constant) and isinstance(index, gast.Constant)
               and r.value.slice.value == index.value for r in reads):
        kept = anno.get(reads[0], Key.KEPT_INDEX)
        if kept is None:
            kept = namer.fresh(v + "_index")
            for read in reads:
                anno.set(read, Key.KEPT_INDEX, kept)
                _insert_after(body, read, S.assign(kept, S.copy(read.value.slice), line=read.lineno))
        index = S.name(kept)
    refresh = S.assign(v, refresh_row([S.name(v), S.name(name), S.copy(index)]), line=write.lineno)
    _insert_after(body, write, refresh)


def _stored_back(sharing, params, holders):
    """``d[a][b] = v`` stored back into ``d`` (``holders``, from ``_written_back``): ``d``,
    and every name that is the very same dict, see the write."""
    return set().union(set(), *({holder} | _exact_aliases(sharing.statements, params, holder) for holder in holders))


def _written_back(block, stmt, name):
    """{d} when the statement after ``stmt`` (a write into ``name``) is ``d[k] = name``:
    ``d[a][b] = v`` written as ``t = d[a]; t[b] = v; d[a] = t``, where d takes the written
    item back before anything reads it, so its derivative follows the write."""
    store = _store_back(block, stmt, name)
    if store is None:       # derivative code undoing a write into an item copy: see restored_holders
        from .restored_holders import restored_holders
        return restored_holders(block, stmt, name)
    target = store.targets[0]
    return {target.id if isinstance(target, gast.Name) else target.value.id}


def _holders_of_write(source, sharing, body, write, helper, unread):
    """The containers that take back the item the ``write`` (statement, name, action)
    changes: ``_written_back``, else those ``_store_item_back`` makes take it back."""
    stmt, name, action = write
    holders = _written_back(body, stmt, name)
    if holders or helper is None:
        return holders
    holders = _store_item_back(source, sharing, body, stmt, name, action, helper)
    if holders:
        unread.forget()     # statements were added: what is unread is found again
    return holders


def _store_item_back(source, sharing, body, stmt, name, action, helper):
    """{c} after putting ``c[k] = name`` right after ``stmt``, a write into ``name`` bound
    once, by ``name = c[k]`` (``k`` a constant), out of a list or dict ``c`` the function
    built and changes nowhere in place: ``r = rows[1]; r[2] = v`` changes the item ``rows``
    holds, which is what the store says, so ``c`` takes the write back as it does for
    ``rows[1][2] = v`` (and, when the code runs, ``written_items_apart`` refuses a ``c``
    holding the item twice). Else the empty set (nothing added)."""
    read = _item_read(sharing, name)
    if read is None or action not in _COPIED_WRITES \
            or [change.stmt for change in in_place_changes(sharing.statements) if change.name == name] != [stmt]:
        return set()
    container, key = read.value.value.id, read.value.slice
    if container in sharing.params or not sharing.is_list_or_dict_built_here(container) \
            or len(sharing.bindings_of(container)) != 1 \
            or any(change.name == container for change in in_place_changes(sharing.statements)):
        return set()
    line = getattr(stmt, "lineno", None)
    where = S.const(source.place(stmt))
    _insert_before(body, stmt, S.expr_stmt(helper("written_items_apart", [S.name(container), S.name(name), where])))
    store = S.assign(gast.Subscript(value=S.name(container), slice=S.copy(key), ctx=gast.Store()), S.name(name),
                     line=line)
    _insert_after(body, stmt, store)
    return {container}


def _aliases_following(sharing, params, holders, write):
    """The names that hold the very object the ``write`` (statement, name, action) changes,
    wherever they are read: plain aliases, and the name a display holds at the item's key."""
    stmt, name, action = write
    return _exact_aliases(sharing.statements, params, name) | _held_at_key(sharing, holders, stmt, name, action)


def _held_at_key(sharing, holders, write, name, action):
    """{v} for ``t = d[k]; t[j] = e; d[k] = t`` (``holders`` is {d}) where ``d`` is bound
    once, to a display holding the name ``v`` at the constant key ``k`` (``d = {"k": v}``,
    ``d = [u, v]``), ``v`` is bound once, and every other change of ``d`` in place stores
    back at ``k`` what was read out at ``k``: ``d[k]`` is always ``v``'s object, so ``v``
    follows the write as an alias does (``v = t`` after it). ``t`` must be read nowhere
    else (``d[k][1:] *= w`` reads it, and its second derivative is refused). Else the
    empty set."""
    read = _item_read(sharing, name)
    if read is None or holders != {read.value.value.id} or action != "assignment into an element of" \
            or not _only_written(sharing, name, write):
        return set()
    container, key = read.value.value.id, read.value.slice.value
    held = _display_item(sharing, container, key)
    if held is None or held in sharing.params or len(sharing.bindings_of(held)) != 1:
        return set()
    for change in in_place_changes(sharing.statements):
        if change.name != container:
            continue
        target = change.stmt.targets[0] if isinstance(change.stmt, gast.Assign) else None
        if not (isinstance(target, gast.Subscript) and isinstance(target.slice, gast.Constant)
                and target.slice.value == key and isinstance(change.stmt.value, gast.Name)
                and _item_read(sharing, change.stmt.value.id) is not None
                and _item_read(sharing, change.stmt.value.id).value.slice.value == key):
            return set()
    return {held}


def _only_written(sharing, name, write):
    """Whether ``name`` is loaded only by the ``write`` into it, the check before it and
    the store back after it (``t[j] = e``, ``d[k] = t``), and never read."""
    for stmt in sharing.statements:
        if stmt is write or isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript) \
                and isinstance(stmt.value, gast.Name) and stmt.value.id == name:
            continue
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.written_items_apart:
            continue
        if any(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load)
               for root in S.header_nodes(stmt) for n in S.operand_nodes(root)):
            return False
    return True


def _replaced_since_read(sharing, body, write, name, conflicts):
    """Those of ``conflicts`` that hold an item the write into ``name`` leaves alone: ``v``
    bound once, by ``v = d[k]``, and ``name`` by ``name = d[k]`` (the same constant ``k``)
    later in the same block, where in between ``d[k] = n`` stores a list or dict ``n`` made
    there (``n = [...]``, bound once, after ``v`` was read), and from that store to the
    write only simple statements follow, none changing ``d`` (which no other name holds):
    ``v`` keeps the item ``d`` held before. Else the empty set."""
    read = _item_read(sharing, name)
    container = read.value.value.id if read is not None else None
    block = next((b for b in walk.walk_blocks(body) if any(s is write for s in b)), [])
    position = {id(s): k for k, s in enumerate(block)}
    if container is None or id(read) not in position or sharing._aliases(container) != {container} \
            or sharing.holders.get(container):
        return set()
    key = read.value.slice.value
    found = set()
    for v in conflicts:
        v_read = _item_read(sharing, v)
        if v_read is None or id(v_read) not in position or v_read.value.value.id != container \
                or v_read.value.slice.value != key:
            continue
        start, end = position[id(v_read)], position[id(read)]
        stores = [k for k in range(start + 1, end) if _stores_new_item(sharing, block, k, start, (container, key))]
        after = block[stores[-1] + 1:position[id(write)]] if stores else None
        if after is not None and all(type(s) in (gast.Assign, gast.Expr) for s in after) \
                and not any(change.name == container for change in in_place_changes(after)):
            found.add(v)
    return found


def _stores_new_item(sharing, block, k, start, item):
    """Whether ``block[k]`` is ``d[key] = n`` (``item`` is (d, key)) with ``n`` bound once, to
    a list or dict display, in ``block`` after position ``start``."""
    stmt, (container, key) = block[k], item
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
    if not (isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name)
            and target.value.id == container and isinstance(target.slice, gast.Constant)
            and target.slice.value == key and isinstance(stmt.value, gast.Name)):
        return False
    bindings = sharing.bindings_of(stmt.value.id)
    return len(bindings) == 1 and isinstance(bindings[0].value, (gast.List, gast.Dict)) \
        and any(s is bindings[0] for s in block[start + 1:k])


def _display_item(sharing, container, key):
    """The name the display ``container`` is bound to (once) holds at ``key``, or None."""
    bindings = sharing.bindings_of(container)
    value = bindings[0].value if len(bindings) == 1 and isinstance(bindings[0], gast.Assign) else None
    if isinstance(value, gast.Dict):
        items = [v for k, v in zip(value.keys, value.values) if isinstance(k, gast.Constant) and k.value == key]
        item = items[-1] if items and all(isinstance(k, gast.Constant) for k in value.keys) else None
    elif isinstance(value, gast.List) and type(key) is int and -len(value.elts) <= key < len(value.elts):
        item = value.elts[key]
    else:
        item = None
    return item.id if isinstance(item, gast.Name) else None


def _item_read(sharing, name):
    """The one statement binding ``name``, when it is ``name = c[k]`` with ``k`` a number
    or string constant; else None."""
    bindings = sharing.bindings_of(name)
    if name in sharing.params or len(bindings) != 1 or not isinstance(bindings[0], gast.Assign):
        return None
    value = bindings[0].value
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
            and isinstance(value.slice, gast.Constant) and type(value.slice.value) in (int, str):
        return bindings[0]
    return None


# the writes into an item its container takes back that go into a copy of the item
_COPIED_WRITES = ("assignment into an element of", "append to", "pop from")


def _store_back(block, stmt, name):
    """The statement ``d[k] = name`` (or ``p = with_attribute(p, 'W', name)``, an object
    taking its attribute back) right after ``stmt``, or None."""
    for inner in walk.walk_blocks(block):
        for position, current in enumerate(inner[:-1]):
            if current is stmt:
                after = inner[position + 1]
                if isinstance(after, gast.Assign) and isinstance(after.targets[0], gast.Subscript) \
                        and isinstance(after.targets[0].value, gast.Name) \
                        and isinstance(after.value, gast.Name) and after.value.id == name:
                    return after
                return after if _attribute_stored_back(after, name) else None
    return None


def _attribute_stored_back(stmt, name):
    """``p = with_attribute(p, 'W', name)``."""
    from .. import runtime_objects
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call) and len(stmt.value.args) == 3
            and anno.get(stmt.value, Key.TARGET) is runtime_objects.with_attribute):
        return False
    owner, _, value = stmt.value.args
    return isinstance(owner, gast.Name) and owner.id == stmt.targets[0].id \
        and isinstance(value, gast.Name) and value.id == name


def _write_into_a_copy(body, stmt, name, action, makers, kept):
    """``t = d[a]; t[b] = v; d[a] = t`` (or ``t.append(v)``), once the check found no
    other name that would see the write: ``t_1 = written_copy(t); t_1[b] = v; d[a] = t_1``
    (then ``t = t_1`` where ``t`` is read later). No value another name reads changes, as
    in Python, and the object written into is new and held by one name, so the
    derivative's own code (whose stacks keep earlier objects) can be differentiated again.
    Left as it is where names ``kept`` follow the object written into (aliases, rows);
    returns whether it changed the body. ``makers``: (``helper(name, args)`` building a runtime call, the namer)."""
    helper, namer = makers
    store = _store_back(body, stmt, name)
    if store is None or kept or action not in _COPIED_WRITES or helper is None or namer is None \
            or action != "assignment into an element of" and not _method_call_on(stmt, name):
        return False
    line = getattr(stmt, "lineno", None)
    copy = namer.fresh(name)
    _insert_before(body, stmt, S.assign(copy, helper("written_copy", [S.name(name)]), line=line))
    written = stmt.targets[0] if action == "assignment into an element of" else stmt.value.func     # t[b] = v, t.pop()
    written.value = S.name(copy)
    if isinstance(store.targets[0], gast.Subscript):
        store.value = S.name(copy)
    else:
        store.value.args[2] = S.name(copy)
    if name in anno.get(store, Key.LIVE_OUT, {name}):
        _insert_after(body, store, S.assign(name, S.name(copy), line=line))
    return True


def _method_call_on(stmt, name):
    """Whether ``stmt`` is ``name.m(...)`` or ``v = name.m(...)``."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
        and isinstance(call.func.value, gast.Name) and call.func.value.id == name


def _insert_before(block, stmt, new):
    """Put ``new`` right before ``stmt``, wherever in ``block`` (or its nested blocks) it is."""
    for inner in walk.walk_blocks(block):
        for position, current in enumerate(inner):
            if current is stmt:
                inner.insert(position, new)
                return True
    return False


def _insert_after(block, stmt, new):
    """Put ``new`` right after ``stmt``, wherever in ``block`` (or its nested blocks) it is."""
    for inner in walk.walk_blocks(block):
        for position, current in enumerate(inner):
            if current is stmt:
                inner.insert(position + 1, new)
                return True
    return False


def _refuse_callees_changing_arguments(source, calls, fn=None):
    """A call of a user function that changes an argument in place: the derivative would
    not see the change, so it is refused, naming the callee's line. A change of memory
    from outside (a global's object) matters only where a differentiated value goes in
    (a memo table of constants is fine): the call is marked, and ``check_outside_changes``
    refuses it once the modes know what is differentiated."""
    from ..analysis.sharing import OUTSIDE
    bound = None
    for stmt, callee, changed, where, receiver in calls:
        bound = _bound_names(source.tree) if bound is None else bound
        if changed == OUTSIDE or _in_standard_library(where.filename) and changed not in bound \
                and (changed in source.globals or changed in source.closure):
            # (Q.put(1.0) on a global's queue.Queue: the object is from outside, as a helper's global is)
            anno.set(stmt, Key.CHANGES_OUTSIDE, (callee, where))
            continue
        if _in_standard_library(where.filename):      # statistics.pvariance: not the user's code to change
            message = _library_change_message(callee, where)
        elif receiver is not None:
            message = shared_child_message(source, stmt, callee, receiver, where) \
                or _method_change_message(callee, receiver, where, _is_parameter(source, changed))
        elif changed in source.partial_arguments and not _names_in_line(source, stmt, changed):
            # p = functools.partial(Scaler.step, s); p(w): the line names neither the callee nor s
            message = _partial_change_message(source, stmt, callee, changed, where)
        else:
            named = _names_in_line(source, stmt, changed)
            written = None if named else user_expression(source, stmt, changed)
            # a name astgrad made for a value the line writes out (fib(4, x, {})): not the user's
            argument = f"its argument {written or repr(changed)}" if written or named else "an argument it is given"
            if where.through is not None:     # what it writes into is another name, which may share it
                argument = f"'{where.through}', which may hold or share {argument},"
            derivative, held = _derivative_called(stmt), written or (changed if named else None)
            if where.copied is not None and where.through is None:     # z = x[x > 0]; z[0] = w in the callee
                message = _copy_of_argument_message(callee, argument, where)
            elif derivative is not None:
                message = _derivative_change_message(callee, derivative, argument, where)
            elif held is not None and _called_through_its_class(stmt, changed):      # Scaler.step(s, w)
                message = _method_through_class_message(source, stmt, callee, held, argument, where)
            else:
                message = base_built_change_message(anno.get(stmt.value, Key.TARGET), where) \
                    or _callee_change_message(callee, argument, where)
        error = source.error(message, stmt, construct=f"in-place change in {callee}")
        raise function_value_unknown(error) if _attribute_of_a_parameter(fn, changed) else error


def _attribute_of_a_parameter(fn, name):
    """Whether ``name`` in the core tree ``fn`` is bound only to an attribute of one of its
    parameters (``t = m.layer`` for ``bump(m.layer, w)``): the code made for the argument's
    class may follow a helper storing into it (handed_objects.py), on a copy."""
    values = Holding(tree=fn).sources().get(name, ()) if fn is not None else ()
    return bool(values) and all(isinstance(v, gast.Attribute) and isinstance(v.value, gast.Name)
                                and v.value.id in parameters(fn) for v in values)


def _bound_names(tree):
    """The names the function ``tree`` binds (its parameters among them): its locals."""
    return {node.id for node in S.walk_nodes(tree)
            if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param, gast.Del))}


def _in_standard_library(filename):
    """Whether ``filename`` is a module of Python's standard library (not an installed package)."""
    path = os.path.realpath(filename or "")
    return path.startswith(_standard_library_directory()) and "site-packages" not in path


@functools.lru_cache(maxsize=None)
def _standard_library_directory():
    """The standard library's directory, found when first asked: ``sysconfig`` loads a
    large table of build settings, which a process that never asks need not load."""
    import sysconfig
    return os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep


def _library_change_message(callee, where):
    text = (where.text or "").strip()
    return (f"astgrad cannot differentiate the call of {callee} here: it is a function of Python's standard "
            f"library, handed a value whose derivative it would carry, and its code changes a value in place "
            f"({where.what} at {where.filename}:{where.line}{': ' + text if text else ''}), which astgrad "
            f"cannot follow; compute the value with NumPy or code of your own")


def _callee_change_message(callee, what_changes, where):
    if callee.endswith(".__init__"):        # a class's __init__ building an object (instances.py)
        return (f"{_callee_change(callee, what_changes, where)}. Store a new value built from it on the "
                f"object instead (self.hist = hist + [d], self.data = data.copy()), so that the argument "
                f"stays as it was")
    return (f"{_callee_change(callee, what_changes, where)}. Make {callee} return the new value, built "
            f"from a copy (a = a.copy()), and assign it where {callee} is called (x = {callee}(x, ...)), "
            f"so that every name read afterwards shows it{_object_method_advice(callee, where)}")


def _copy_of_argument_message(callee, argument, where):
    """A callee kept as a call writing into the copy an advanced index of its argument made
    (``z = x[x > 0]; z[0] = w``): new numbers for an array of numbers, the argument's own
    items for a list or an array of objects, which only the running argument tells."""
    place, read = where.copied
    written = f"{where.filename}:{where.line}"
    # a helper written into the callee has its lines shown as the line calling it
    gives = f", into what {place}: {read} gives" if place != written else ""
    made = f"{read} * 1.0" if re.fullmatch(r"\w+ = \w+\[.*\]", read) else "z = x[x > 0] * 1.0"
    return (f"the call of {callee} writes into a copy made by an advanced index of {argument} ({where.what} at "
            f"{written}: {(where.text or '').strip()}{gives}), whose items are the very objects {argument} holds "
            f"where it is a list or an array of objects (arrays that the write would change), which astgrad cannot "
            f"check at this call. Make the copy new numbers ({made}, or np.array(...) with dtype=float), or call "
            f"{callee} by its name from the function differentiated, not through a method, a function value or "
            f"recursion: astgrad then follows it and checks when the code runs that the argument is an array of "
            f"numbers")


def _derivative_called(stmt):
    """(astgrad's name of the transform, the function it differentiates, the name the call
    reads it by) where ``stmt`` calls a derivative astgrad made (``g = astgrad.grad(f)``,
    ``g(x)`` in the function differentiated); else None."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    target = anno.get(call, Key.TARGET) if isinstance(call, gast.Call) else None
    code = getattr(underlying(target), "__code__", None) if target is not None else None
    if code is None or not generated_text.is_derivative(code):
        return None
    described = re.match(r"<astgrad ([\w ]+?) of ([\w.]+)", repr(target))
    kind, name = described.groups() if described else ("derivative", "the function it differentiates")
    return kind, name, call.func.id if isinstance(call.func, gast.Name) else None


def _derivative_change_message(callee, derivative, what_changes, where):
    """A derivative astgrad made, called in the function differentiated, changing an
    argument in place as the function it differentiates does (``y = x.reshape(2, 3);
    y[1, 1] = w``): followed where that function is differentiated again itself."""
    kind, name, called_as = derivative
    written = re.match(r"'(\w+)'", what_changes)
    copied = f"{written.group(1)} = {written.group(1)}.copy()" if written else "a = a.copy()"
    label, transformed = f"{callee} (astgrad's {kind} of {name})", called_as or callee
    return (f"{_callee_change(label, what_changes, where)} in a derivative called by the function differentiated. "
            f"astgrad follows the change where {name} is differentiated again itself (astgrad.hessian({name}), or a "
            f"transform of the {kind}: astgrad.jvp({transformed}, ...)); where the argument need not change, write "
            f"into a copy in {name} ({copied} before the write)")


def _partial_change_message(source, stmt, callee, changed, where):
    """A callee called through a functools.partial changing the argument the partial holds
    (``p = functools.partial(Scaler.step, s); p(w)``): the user's line names neither the
    callee nor the object, so the message names the partial and what it holds."""
    partial, held = source.partial_arguments[changed], source.made_names.get(changed, changed)
    what_changes = f"'{held}', the argument the functools.partial {partial} holds,"
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    first = call.args[0] if isinstance(call, gast.Call) and call.args else None
    if not (isinstance(first, gast.Name) and first.id == changed
            and (isinstance(call.func, gast.Attribute) or _called_through_its_class(stmt, changed))):
        return _callee_change_message(callee, what_changes, where)
    method = callee.rpartition(".")[2]          # partial(Scaler.step, s): a method given its object
    return (f"{_callee_change(callee, what_changes, where)}. {_ON_THE_OBJECT}: hold the object's method in the "
            f"partial ({partial} = functools.partial({held}.{method})) or call it on the object ({held}.{method}(...))")


_ON_THE_OBJECT = "astgrad follows a method changing the object it is called on where it is called on the object"


def _called_through_its_class(stmt, changed):
    """Whether ``stmt`` calls a method of a class (a function defined in a class, taking
    ``self``) handed the object ``changed`` as ``self`` (``Scaler.step(s, w)``)."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    if not (isinstance(call, gast.Call) and call.args and isinstance(call.args[0], gast.Name)
            and call.args[0].id == changed):
        return False
    function = underlying(anno.get(call, Key.TARGET, None))
    code, qualname = getattr(function, "__code__", None), getattr(function, "__qualname__", "")
    return code is not None and code.co_argcount > 0 and code.co_varnames[0] == "self" \
        and len(qualname.split(".")) > 1 and qualname.split(".")[-2] != "<locals>"


def _method_through_class_message(source, stmt, callee, held, what_changes, where):
    """A method changing its object called through its class (``Scaler.step(s, w)``): the
    call on the object (``s.step(w)``) is followed, so the message advises it, spelling the
    other arguments where the user's line names them."""
    call, method = stmt.value, callee.rpartition(".")[2]
    rest = [a.id if isinstance(a, gast.Name) and _names_in_line(source, stmt, a.id) else None for a in call.args[1:]]
    spelled = "..." if None in rest or call.keywords else ", ".join(rest)
    return (f"{_callee_change(callee, what_changes, where)}. {_ON_THE_OBJECT}: call it on the object "
            f"({held}.{method}({spelled})) rather than through its class")


def _object_method_advice(callee, where):
    """For a helper storing an attribute of an object it is handed (``layer.v = layer.v * w``
    in ``self.update(layer, w)``): the method of the object's class astgrad follows instead,
    and the objects the helper itself is followed on (frontend/normalize/handed_objects.py)."""
    stored = re.match(r"(\w+)\.(\w+)\s*=", (where.text or "").strip())
    if stored is None or stored.group(1) == "self":
        return ""
    name, attr = stored.groups()
    advice = (f"; for an object of your class, make the change a method of its class storing self.{attr} "
              f"(def update(self, w): self.{attr} = ...), and call it on the object in the function differentiated "
              f"({name}.update(w), or for {name} in model.layers: {name}.update(w)), where it is followed")
    if "." in callee:       # (a method: not written in where it is called)
        return advice
    return (f"{advice}. {callee} itself is followed called by its name as a statement of its own on objects the "
            f"function builds, each handed as a name bound once to a new object or to a list of new objects "
            f"(obj = MyClass(...); {callee}(obj, ...)), or as the new object itself ({callee}(MyClass(...), ...))")


def _callee_change(callee, what_changes, where):
    return (f"the call of {callee} changes {what_changes} in place ({where.what} at "
            f"{where.filename}:{where.line}: {(where.text or '').strip()}), which astgrad cannot follow")


def _is_parameter(source, name):
    """Whether ``name`` is a parameter of the function ``source`` holds."""
    from ..frontend.normalize.scopes import parameters
    return isinstance(source.tree, (gast.FunctionDef, gast.Lambda)) and name in parameters(source.tree)


def _method_change_message(method, receiver, where, given=False):
    """A method that changes in place what an attribute of its object holds
    (``self.items.append(v)``): astgrad follows a new value stored in the attribute.
    ``given``: the object is the function's argument (no ``__init__`` of the code's to change)."""
    from ..analysis.sharing import ARGUMENT_OBJECT_CHANGE
    if (where.what or "").startswith(ARGUMENT_OBJECT_CHANGE):      # layer.scale(w) over self.layers
        short = method.rpartition('.')[2]
        return (f"{_callee_change(method, 'an object held by the object it is called on', where)}. astgrad "
                f"follows such a method on a copy of the object, where the function differentiated takes it as an "
                f"argument and calls the method itself: call it there (for layer in model.layers: "
                f"layer.scale(w)), or differentiate {method} itself (grad(obj.{short})); astgrad also follows it "
                f"called as a statement of its own on such an argument (obj.{short}(w), y = obj.{short}(w) or "
                f"return obj.{short}(w)) or inside an expression that reads nothing it changes before it (x[0] + "
                f"obj.{short}(w)), where the method names self only to read its attributes and returns only at its end")
    through_a_call = (where.what or "").startswith("the call of") or "setattr(" in (where.text or "")
    if through_a_call:          # _set(self, w), setattr(self, "v", ...): no attribute of self changed in place
        return (f"{_callee_change(method, 'the object it is called on', where)}. astgrad follows a method "
                f"assigning {receiver}.attr = ... in its own body (on an object the function builds or an "
                f"argument gives): assign the attributes there, or have the method return a new object; where "
                f"the call changes an object {receiver} holds ({receiver}.update(layer, w) storing layer.v), make "
                f"that a method of the object's class (layer.update(w)) and call it in the function differentiated "
                f"(for layer in model.layers: layer.update(w)), where it is followed")
    written = re.search(rf"\b{re.escape(receiver)}\.(\w+)", where.text or "")
    attribute = f"{receiver}.{written.group(1)}" if written else f"{receiver}.<attribute>"
    return (f"{_callee_change(method, 'the object it is called on', where)}. In {method}, store a new value "
            f"in the attribute instead of changing the old one ({attribute} = {attribute} + [v] for a list, "
            f"{attribute} = {{**{attribute}, k: v}} for a dict), which astgrad follows; a change in place is "
            f"followed on an object the function builds whose attribute only ever holds a new list, dict or "
            f"array that no other name refers to{'' if given else _element_write_advice(method, receiver, where)}")


def _element_write_advice(method, receiver, where):
    """For a method writing elements of an attribute (``self.data[k] *= c``): where the
    attribute holds the array handed to ``__init__`` (``self.data = data``), which the
    caller may hold too, storing a copy there makes the writes followed."""
    element = re.match(rf"\s*{re.escape(receiver)}\.(\w+)\s*\[", where.text or "")
    if element is None:
        return ""
    attribute = f"{receiver}.{element.group(1)}"
    return (f"; where {attribute} holds an array handed in (say {attribute} = data or np.asarray(data) in "
            f"__init__, which may be the caller's array itself), store a copy of it there ({attribute} = "
            f"data.copy() or np.array(data)), and the element writes are followed; {attribute} = data is followed "
            f"too where the function hands it an array nothing else holds: one made in the call "
            f"({method.rpartition('.')[0] or 'Cls'}(x * 1.0), also in a loop or a branch), or an argument or a new array of its own bound "
            f"to a name once, where the object is built in the function's own body (in a loop or a branch only a "
            f"name bound there just before, named outside it only to be read, or a name handed at each turn of a "
            f"loop of the function's own body, bound nowhere in it, whose views are only read), "
            f"the name is only read at once before it (len(x), x.shape, x * 2.0) and no method but __init__ assigns "
            f"{attribute}; a second attribute __init__ keeps the same array in ({receiver}.other = data) is followed "
            f"where no method but __init__ stores it, the others read it only at once ({receiver}.other[0], "
            f"np.sum({receiver}.other)), and the function stores neither attribute")


def check_outside_changes(source, stmt, varied):
    """Refuse a call of a user function that changes memory from outside (an object a
    global holds: ``HISTORY.append(a)``) when a value depending on the inputs (``varied``)
    goes into it: what it stores there may be read back (``HISTORY[-1]``), by the function
    or a helper, where the derivative cannot follow."""
    marked = anno.get(stmt, Key.CHANGES_OUTSIDE)
    call = getattr(stmt, "value", None)
    if marked is None or not isinstance(call, gast.Call):
        return
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if any(isinstance(a, gast.Name) and a.id in varied for a in arguments):
        callee, where = marked
        written = _global_attribute_written(where.text)
        if written is not None:
            raise source.error(
                f"the call of {callee} changes {written} ({where.filename}:{where.line}: {where.text.strip()}), "
                "an attribute of a class or object a global holds: Python changes it for every later call, "
                "and astgrad, whose derivative runs the code again, cannot follow that. Count or record "
                "outside the differentiated function (around the call of the function astgrad "
                "differentiates), or keep the value in a local variable", stmt,
                construct=f"in-place change in {callee}")
        if _gives_no_values(where.text):       # (count() in a helper h(x): no value of h goes there)
            target = anno.get(call, Key.TARGET)
            if replayed_functions(target):      # a gradient made outside: its second run starts
                return                          # from what the first read (replayed_calls.py)
            raise source.error(_derivative_changes_outside(callee, where, is_generated(target)), stmt,
                               construct=f"in-place change in {callee}")
        raise source.error(
            f"the call of {callee} stores a value that depends on the inputs in memory the function did "
            f"not create (a global's object: {where.what} at {where.filename}:{where.line}: "
            f"{(where.text or '').strip()}), where it may be read back where the derivative cannot follow "
            f"it. Keep the value in a local name (a helper returns it, assigned where the helper is "
            f"called), or store it outside the differentiated function", stmt,
            construct=f"in-place change in {callee}")


def _gives_no_values(text):
    """Whether the line ``text`` changing a global's object stores constants only
    (``BOX[0] = 3.0``) or calls a helper with no values (``mark()``): nothing of the
    function's values goes into that memory."""
    try:
        stmt = ast.parse((text or "").strip()).body[0]
    except (SyntaxError, IndexError):
        return False
    if isinstance(stmt, (ast.Assign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        given = [stmt.value] + [target.slice for target in targets if isinstance(target, ast.Subscript)]
    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        given = stmt.value.args + [keyword.value for keyword in stmt.value.keywords]
    else:
        return False
    return not any(isinstance(node, ast.Name) for value in given for node in ast.walk(value))


def _derivative_changes_outside(callee, where, generated):
    """The refusal of a call of a helper or of a gradient made outside (``g =
    astgrad.grad(f)``) handed values of the function, whose code changes a global's object
    with none of them (_gives_no_values): the derivative of the call runs that code again.
    (A gradient made outside changing only what astgrad puts back is followed.)"""
    advice = ("; or keep what it changes in a list, a dict, an array, a types.SimpleNamespace, or a class of "
              "yours or an object of one, which astgrad puts back around the second run of a gradient made "
              "outside") if generated else ""
    return (f"the call of {callee} runs code that changes memory the function did not create (a global's "
            f"object: {where.what} at {where.filename}:{where.line}: {(where.text or '').strip()}), and the "
            f"derivative of this call would run that code a second time, changing it again from what the "
            f"first run left, which astgrad does not put back. Change the global's object outside the "
            f"differentiated functions (before or after the call of the function astgrad differentiates), "
            f"so that the code the gradient is made of does not change it{advice}")


def _global_attribute_written(text):
    """``Model.calls`` for the line ``Model.calls += 1`` (or ``= ...``): an attribute of
    a name, not of a call or an item; else None."""
    try:
        stmt = ast.parse((text or "").strip()).body[0]
    except (SyntaxError, IndexError):
        return None
    target = stmt.target if isinstance(stmt, ast.AugAssign) else \
        stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    if isinstance(target, ast.Attribute) and isinstance(target.value, (ast.Name, ast.Attribute)):
        return ast.unparse(target)
    return None


def check_outside_methods(source, stmt, varied):
    """Refuse a method call changing an object a global or closure variable holds
    (``LOG.extend([v])``, ``D.update(k=v)``, ``D.setdefault(k, v)``: generation resolved
    it to that object's bound method) where a value depending on the inputs (``varied``)
    goes in: what it stores may be read back where the derivative cannot follow. A memo
    table of constants is fine; ``append`` is checked with the writes into shared memory."""
    call = getattr(stmt, "value", None)
    target = anno.get(call, Key.TARGET) if isinstance(call, gast.Call) else None
    owner = getattr(target, "__self__", None)
    if not isinstance(owner, (list, dict, set, numpy.ndarray)) or not isinstance(call.func, gast.Attribute):
        return
    method = getattr(target, "__name__", None)
    if method == "append" or method != call.func.attr or not is_mutating_method(method):
        return
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if any(isinstance(node, gast.Name) and node.id in varied for a in arguments for node in S.operand_nodes(a)):
        holder = S.dotted_path(call.func.value)
        name = ".".join(holder) if holder else "an object from outside the function"
        raise source.error(
            f"the method call .{method}() stores a value that depends on the inputs in '{name}', "
            "an object the function did not make (a global's or a closure's): what it stores may be "
            "read back where the derivative cannot follow it. Keep the value in a local name, or "
            "store it outside the differentiated function", stmt, construct=f".{method}()")


def _is_runtime(obj):
    return getattr(runtime, getattr(obj, "__name__", ""), None) is obj


def _only_checks(call, method, target):
    """A library call whose value is unused and which changes nothing: it can only
    raise. Gradient code keeps such calls where the function raises (``np.linalg.det(a)``
    on a matrix that is not square), and derivatives of that code keep them too."""
    if method is not None:
        records = registry.methods_named(method)
        return bool(records) and all(record.mutates is None for record in records)
    if target is None or _is_runtime(target):
        return False
    try:
        record = registry.primitive(target)
    except TypeError:           # an unhashable callable is none of them
        return False
    return record is not None and record.mutates is None


# q.put(v) of a queue astgrad does not follow (frontend/normalize/deques.py says which it does)
_QUEUE_ADVICE = ("astgrad follows a queue.Queue the function makes only where it is used by q.put(v), q.get() "
                 "(also inside an expression Python evaluates once, y = q.get() * w, where the statement names q "
                 "nowhere else), q.qsize(), q.empty() and q.full(), with a maxsize written as an int (get() under "
                 "and/or, a conditional expression or a comprehension, a timeout or block=False are not "
                 "followed): write it so, or use a list (xs.append(v), v = xs.pop(0))")


# y.sort() on an argument (or an array whose owner astgrad cannot tell): the caller's array would change
_SORT_ADVICE = ("sort a copy instead ({name} = numpy.sort({name})), or sort an array the function made "
                "(y = x * 2.0; y.sort())")


# numpy.add.accumulate(x, out=o) and the like, out= not followed: the value assigned is
_OUT_ADVICE = ("assign the value without out= instead ({name} = {what}(...), or {name}[...] = {what}(...) "
               "into an array the function made)")


def _changed_by(call, method):
    """(what ``call``, changing an argument in place, changes; its ``out=`` or None): the
    array ``out=`` names (``out=o``, ``out=(o,)``, a ufunc method's out given by position), else the receiver of the method
    ``method`` or the first argument."""
    out = next((keyword.value for keyword in call.keywords if keyword.arg == "out"), None)
    if out is None and ufunc_method_out(call) is not None:       # numpy.add.reduce(a, 0, None, o)
        out = call.args[ufunc_method_out(call)]
    if isinstance(out, gast.Tuple) and len(out.elts) == 1:
        out = out.elts[0]
    if out is not None:
        return out, out
    return (call.func.value if method is not None else call.args[0] if call.args else None), None


def written_on_the_line(source, stmt, name):
    """Whether ``name`` is written on the user's line of ``stmt`` (not a name astgrad made
    for a part of it, as ``t`` for ``y[1:]`` in ``y[1:].sort()``)."""
    text = source.line_text(stmt)
    return text is None or re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def _refuse_change_through_partial(source, stmt, what, changed):
    """Refuse ``stmt``, a call of a functools.partial ``p = partial(numpy.put, a)`` changing
    the argument ``changed`` it holds, in the user's words (the line names neither)."""
    partial = source.partial_arguments.get(changed.id) if isinstance(changed, gast.Name) else None
    if partial is not None:
        raise source.error(
            f"calling {what} through the functools.partial {partial} changes '{changed.id}', the argument "
            f"{partial} holds, in place, which astgrad does not follow through a partial; call {what} on "
            f"'{changed.id}' itself on this line ({what}({changed.id}, ...)), or build the new value and "
            "assign it instead", stmt, construct=what)


@_waits_for_receivers_class
def check_effect_call(source, stmt, active, held=frozenset(), fn=None, varied=None):
    """A call made for its effect (its value unused) on a differentiated value: only
    ``xs.append(v)`` is understood; anything else could change a value unseen, but for a
    call whose rules say it changes nothing (``x.reshape(2, 2)``, ``numpy.dot(a, b)``:
    only raising where its arguments do not fit, as the check dead-code elimination keeps
    of a primal statement does, backend/dead_code.py). ``held``: names of what a
    differentiated value holds (``Holding.read_out_of``), which a function of the user's changes
    as much (``bump(bs[0])`` where bump assigns ``b.v``). A method of no known rule called
    on an object taken from a parameter of the core tree ``fn`` (``box.scale(w)``) waits for
    the object's class: the code made for it follows the method (argument_objects.py).
    ``varied``: the names that depend on the inputs differentiated (``active`` where not
    given), which such a method may store in the object, though by the flow of values the
    result does not depend on them."""
    call = stmt.value
    method = anno.get(call, Key.METHOD)
    target = anno.get(call, Key.TARGET)
    if mutates_arguments(call) and method != "append" and (target is None or not _is_runtime(target)):
        what = f".{method}()" if method is not None else registry.user_name(target)    # numpy.add.accumulate
        changed, out = _changed_by(call, method)
        named = isinstance(changed, gast.Name) and written_on_the_line(source, stmt, changed.id)
        if not named:
            _refuse_change_through_partial(source, stmt, what, changed)
        whose = f"'{changed.id}'" if named else "a value this line computes" \
            if isinstance(changed, gast.Name) else "its argument"
        queue_put = method == "put_nowait" or method == "put" and len(call.args) < 2     # (an array's: a.put(ind, v))
        advice = _QUEUE_ADVICE if queue_put else \
            _SORT_ADVICE.format(name=changed.id) if method == "sort" and named else \
            _OUT_ADVICE.format(name=changed.id, what=what) if out is not None and named else \
            "build the new value and assign it instead (y[...] = value, on an array the function created)"
        raise source.error(f"calling {what} changes {whose} in place, which astgrad cannot follow; {advice}",
                           stmt, construct=what)
    check_entered_manager(source, stmt, active if varied is None else varied)
    held_method = held_method_call_error(source, stmt, fn, active if varied is None else varied)
    if held_method is not None:
        raise held_method
    if _only_checks(call, method, target):
        return
    if method is not None:
        return _check_effect_method(source, stmt, active, held, fn, active if varied is None else varied)
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if held and target is not None and ops.is_user_function(target) and changes_what_it_is_given(target):
        active = active | held
    if varied is not None and target is not None and ops.is_user_function(target) \
            and any(isinstance(a, gast.Name) and a.id in varied for a in arguments):
        _refuse_held_object_change(source, stmt, target)
        refuse_handed_item_change(source, stmt, target)     # for o in objs: o.scale(v), in the callee
    if target is None and varied is not None:       # f = helper(a); f(w): what f changes is unseen
        active, arguments = active | varied, arguments + [call.func]
    if any(isinstance(a, gast.Name) and a.id in active for a in arguments):
        target = anno.get(call, Key.TARGET)
        reported = getattr(target, "__func__", target)      # log.debug: the method of a global logger
        if target is None or not registry.is_non_differentiable(reported):
            what = registry.describe(target) if target is not None else "a function value"
            raise _method_for_effect_error(source, stmt, target) or source.error(
                f"calling {what} for its effect on a differentiated value (e.g. through out=): "
                "astgrad cannot see what it changes; use its return value instead",
                stmt, construct=what)


# methods that change their object and return a value the derivative follows (v = xs.pop())
_VALUE_RETURNING_CHANGES = frozenset({"pop", "popitem", "setdefault"})


def check_used_effect_call(source, stmt, active, held=frozenset(), fn=None, varied=None):
    """``r = call``, ``call`` changing an argument in place (``numpy.put(y, i, w)``,
    ``d.update(e)``) with its value used (bound, or a part of an expression, a condition,
    a comprehension or a return, which the core form binds to a name): checked as the
    statement ``call`` alone is, whatever the name's activity, so the change is followed
    or refused, never missed. ``xs.append(v)`` is followed only as a statement of its own.
    A method a string has too (``head, _, rest = s.partition(",")``) is checked only on a
    value depending on the inputs (``y.partition(k)``), which no string is."""
    call = stmt.value
    method = anno.get(call, Key.METHOD) if isinstance(call, gast.Call) else None
    if not isinstance(call, gast.Call) or not mutates_arguments(call) or method in _VALUE_RETURNING_CHANGES \
            or ops.is_user_function(anno.get(call, Key.TARGET)):      # (its own out=: its writes are read apart)
        return
    if method is not None and is_immutable_values_method(method) and not (
            isinstance(call.func.value, gast.Name) and call.func.value.id in (active if varied is None else varied)):
        return
    if method == "append":
        raise source.error("the value of .append() (None) used: astgrad follows xs.append(v) as a statement of "
                           "its own; write it so, and use None where its value was used", stmt,
                           construct=".append()")
    check_effect_call(source, gast.copy_location(gast.Expr(value=call), stmt), active, held, fn, varied)


def check_unused_method_value(source, stmt, active, held=frozenset(), fn=None, varied=None):
    """``t = obj.m(w)`` whose value carries no derivative (``t`` only compared, as in ``if
    obj.m(w) < 1.0:``, or unused) is still a call made for its effect as far as derivatives
    go: a method of the user's may store ``w`` in ``obj``, read back later (``obj.v``), so it
    is checked as the statement ``obj.m(w)`` is. Methods with rules are checked by theirs, and
    a method of a string or a number (``k.startswith("m")``) changes nothing. So is ``t =
    fns[0](w)``, a function value of no known callee: refused."""
    call = stmt.value
    method = anno.get(call, Key.METHOD) if isinstance(call, gast.Call) else None
    if isinstance(call, gast.Call) and method is None and anno.get(call, Key.TARGET) is None \
            and any(isinstance(a, gast.Name) and a.id in active for a in call.args + [k.value for k in call.keywords]):
        # r = fns[0](w), fns = [a.up, b.up]: a function value of no known callee may store w unseen
        # (one an argument gives waits for the argument: the code made for it follows the method)
        error = source.error("calling a function value astgrad does not know (an item of a list of bound methods, "
                             "say) on a differentiated value: it cannot see what the call changes, though its value "
                             "carries no derivative; call the function by name, or the method on its object "
                             "(a.up(w))", stmt, construct="a function value")
        raise function_value_unknown(error) if fn is not None and isinstance(call.func, gast.Name) \
            and _from_parameter(fn, call.func.id) else error
    if method is None or not may_change_its_object(method) or not isinstance(call.func.value, gast.Name):
        return
    # what goes unseen is a store into an object from outside or into an argument's item:
    # a differentiated object of the user's, or one a differentiated list holds (self_1 =
    # first, first = objs[0], in obj.value() < other.value()), is followed where its class
    # is known (its methods written in), and its method's value here is only compared
    receiver = call.func.value.id
    # (but for an object a class call builds here that the code runs as it is, its
    # methods not written in: b = Box(...) for a Box with __getattr__, then r = b.up(w))
    # (nor for an object a call of a function of the user's returned, a = make(x): its class
    # is not known here, so its methods run as they are, unseen, as a statement's would)
    returned = _returned_by_a_function(fn, receiver)
    others = active - {receiver} if receiver in active and not _built_unfollowed(fn, receiver) \
        and not returned else active
    _check_effect_method(source, stmt, others, held if returned else held - {receiver}, fn,
                         active if varied is None else varied,
                         made_by=_making_call(fn, receiver) if returned else None)


def _built_unfollowed(fn, name):
    """Whether ``name`` of the core tree ``fn`` is bound by a call of a class of the
    user's that the code makes as it is (``b = Box(...)``, a class whose instances astgrad
    does not follow): its methods run as they are, unseen."""
    from ..frontend.object_layouts import looked_into
    return fn is not None and any(
        isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name
        and isinstance(stmt.value, gast.Call) and isinstance(anno.get(stmt.value, Key.TARGET), type)
        and looked_into(anno.get(stmt.value, Key.TARGET)) for stmt in S.statements(fn.body))


def _returned_by_a_function(fn, name):
    """Whether ``name`` of the core tree ``fn`` may hold what a call of a function of the
    user's returned (``a = make(x)``, ``a, k = make2(x)``, ``objs = mk(x); a = objs[0]``,
    ``b = a``; a function astgrad did not write into the function): an object of a class
    not known here, whose methods are not written in."""
    if fn is None:
        return False
    assigns = [stmt for stmt in walk.walk_statements(fn.body) if isinstance(stmt, gast.Assign)]
    returned = set()
    while True:
        more = {target for stmt in assigns if _from_a_call_or(stmt.value, returned)
                for stored in stmt.targets for target in S.stored_names(stored)} - returned
        if not more:
            return name in returned
        returned |= more


def _making_call(fn, name):
    """(the call of a function of the user's whose result ``name`` of ``fn`` may hold
    (``_returned_by_a_function``), the first one found, and its statement); else None."""
    assigns = [stmt for stmt in walk.walk_statements(fn.body) if isinstance(stmt, gast.Assign)]
    made = {}
    while True:
        more = {}
        for stmt in assigns:
            found = _call_or_named(stmt.value, made)
            if found is not None:
                found = (found, stmt) if isinstance(found, gast.Call) else found
                more.update({target: found for stored in stmt.targets for target in S.stored_names(stored)
                             if target not in made})
        if not more:
            return made.get(name)
        made.update(more)


def _call_or_named(value, made):
    """The call of ``_from_a_call_or``'s kind ``value`` is (or (call, statement), the one
    a name of ``made`` holds), or None."""
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    if isinstance(value, gast.Name):
        return made.get(value.id)
    if isinstance(value, (gast.Tuple, gast.List)):
        return next((c for c in (_call_or_named(e, made) for e in value.elts) if c is not None), None)
    return value if _from_a_call_or(value, ()) else None


def _from_a_call_or(value, names):
    """Whether ``value`` is a call of a function of the user's (not a class), or a name of
    ``names``, an item or attribute of one, or a tuple holding one."""
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    if isinstance(value, gast.Name):
        return value.id in names
    if isinstance(value, (gast.Tuple, gast.List)):
        return any(_from_a_call_or(e, names) for e in value.elts)
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    return target is not None and not isinstance(target, type) and ops.is_user_function(target)


def _refuse_held_object_change(source, stmt, target):
    """Refuse ``model.run(w)`` made for its effect, ``w`` depending on the inputs, where
    ``run`` calls a method of an object its arguments hold (``self.layer.scale(w)``),
    which may store ``w`` there, unseen by the derivative (source_writes)."""
    from ..analysis.source_writes import held_object_method_call
    found = held_object_method_call(target)
    if found is None:
        return
    line, text = found
    callee = getattr(target, "__qualname__", registry.describe(target))
    raise source.error(
        f"the call of {callee}, made for its effect with a value depending on the inputs, calls a method of "
        f"an object its arguments hold ({inspect.getsourcefile(target)}:{line}: {text}), which may change that "
        f"object in a way astgrad does not follow. astgrad follows such a method called in the function "
        f"differentiated on an item of a list or dict an argument holds (for layer in model.layers: "
        f"layer.scale(w)): call it there, or have {callee} return the new value", stmt, construct=f"{callee}()")


def _method_for_effect_error(source, stmt, target):
    """The refusal of ``obj.scale(w)`` made for its effect, ``scale`` a method of a class of
    the user's that changes its object otherwise than by assigning ``self.attr`` in its
    own body (through a helper, ``setattr``, ``object.__setattr__``), which is what
    astgrad follows; None for a call of anything else."""
    parts = getattr(target, "__qualname__", "").split(".")
    call = stmt.value
    if not (ops.is_user_function(target) and len(parts) >= 2 and parts[-2] != "<locals>" and call.args
            and isinstance(call.args[0], gast.Name)):
        return None
    found = handed_item_call(target)        # for x in xs: x.bump(c), on the objects it is handed
    if found is not None:
        message = handed_item_message(".".join(parts[-2:]), parts[-1], receiver_words(source, stmt), target, found)
        return source.error(message, stmt, construct=f".{parts[-1]}()")
    return source.error(
        f"the method call .{parts[-1]}() of a {parts[-2]} on {call.args[0].id}, made for its effect with a "
        "differentiated value, may change the object in a way astgrad does not follow (through another function, "
        "setattr or object.__setattr__); astgrad follows a method assigning self.attr = ... in its own body (on "
        "an object the function builds or an argument gives): assign the attributes there, or have the method "
        "return a new object", stmt, construct=f".{parts[-1]}()")


def _check_effect_method(source, stmt, active, held, fn, varied, made_by=None):
    """check_effect_call for a method call: refused where it may change a differentiated
    value, its receiver, unseen by the derivative. A method of no known rule called on an
    object taken from a parameter of the core tree ``fn`` (``box.scale(w)``) waits for the
    object's class (a FunctionValueUnknown): the code made for it follows the method
    (argument_objects.py)."""
    call = stmt.value
    method, owner = anno.get(call, Key.METHOD), call.func.value
    # held: an item read out of a differentiated list (t = bs[0]; t.scale(w)) is the
    # object the list holds, which the method may change unseen
    # an item or attribute of an argument (t = d["a"]; t.scale(w)), which carries no
    # derivative when the result reads the argument again rather than t: the method
    # given a differentiated value may store it where the derivative does not look (a
    # varied one: params["a"].scale(w) then params["a"].v leaves w itself inactive)
    # an object from outside given a varied value (a helper's parameter bound to a global,
    # obj.step(w)): read back through the global's own name, which no flow of values links
    if isinstance(owner, gast.Name) and owner.id not in active and owner.id not in held \
            and (method != "append" or call.keywords or len(call.args) != 1) \
            and (is_mutating_method(method) or not registry.methods_named(method)):
        _refuse_item_of_a_call_changed(source, fn, owner, stmt, varied)
        refuse_handed_array_changed(source, fn, owner, stmt, varied)
    if isinstance(owner, gast.Name) \
            and (owner.id in active or owner.id in held or _item_of_argument(fn, owner, call, varied)
                 or _given_varied(call, varied) and _outside_object(source, fn, owner.id) is not None) \
            and (method != "append" or call.keywords or len(call.args) != 1) \
            and (is_mutating_method(method) or not registry.methods_named(method)):
        outside = _outside_object(source, fn, owner.id)
        if outside is not None:
            raise source.error(
                f"the method call .{method}() changes {outside}, an object the function reads from outside "
                "rather than takes as an argument: astgrad follows the changes of an object only where the "
                "function differentiated takes it as an argument (and works on a copy, leaving the caller's "
                "object as it was); pass it as one (grad(f)(x, obj), jvp(f, (x, obj), (dx, None))), build it "
                "in the function from the values it holds, or have the method return a new object",
                stmt, construct=f".{method}()")
        error = _unknown_class_error(source, stmt, method, owner.id, made_by) if made_by is not None \
            else source.error(
                f"the method call .{method}() changes a differentiated value in place, which "
                "astgrad cannot differentiate; build a new value instead (append is supported)",
                stmt, construct=f".{method}()")
        known = is_mutating_method(method) or registry.methods_named(method)
        raise function_value_unknown(error) if fn is not None and not known \
            and _from_parameter(fn, owner.id) else error


def _unknown_class_error(source, stmt, method, name, made_by):
    """The refusal of ``name.method()`` whose value is only tested, ``name`` holding what
    the call of ``made_by`` (call, statement) of a function of the user's returned: astgrad
    does not see the object's class there, so it cannot tell whether the method changes it."""
    call, made_at = made_by
    callee = getattr(anno.get(call, Key.TARGET), "__name__", None) or "the function"
    line = source.file_line(made_at)
    at = f" (line {line})" if line is not None else ""
    return source.error(
        f"{name} holds what {callee}(){at} returned, an object whose class astgrad does not see there, so it "
        f"cannot tell whether .{method}() changes it, though its value is only tested; build the object in the "
        f"function ({name} = Cls(...)), or have {callee} only build it (its checks first, then return Cls(...), "
        f"in this module), whose methods astgrad then follows", stmt, construct=f".{method}()")


def _refuse_item_of_a_call_changed(source, fn, owner, stmt, varied):
    """Refuse the method call ``stmt`` on ``owner``, an item of what a call returned that
    the function reads again (``_item_of_a_call_read_again``), at the user's line."""
    root = _item_of_a_call_read_again(fn, owner, stmt, varied)
    if root is None:
        return
    method = anno.get(stmt.value, Key.METHOD)
    target = anno.get(root.value, Key.TARGET)
    from .read_again_messages import read_again_message
    message = read_again_message(source, method, root, target, ops.is_user_function(target))
    raise source.error(message, stmt, construct=f".{method}()")


def check_entered_manager(source, stmt, varied):
    """Refuse ``stmt`` where it enters a with statement's context manager made from
    ``varied`` names (``with scaled(G, w[0]):``), at the user's with line."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.enter_context \
            and _given_varied(call, varied):
        raise source.error(
            "a with statement whose context manager is made from values that depend on the inputs: its "
            "__enter__ and __exit__ run as they are, and neither what they do with those values (store them in "
            "an object the body reads) nor the value the statement binds by 'as' carries their derivative; make "
            "the manager from constants, and bind such a value to a name before the with statement and use the "
            "name", stmt, construct="with")


def check_entered_managers(source, body, varied):
    """``check_entered_manager`` for each statement of ``body``, nested ones included:
    forward mode asks before it follows the calls that make the managers (contextlib's
    manager would be refused in the standard library, not at the user's line)."""
    for stmt in S.statements(body):
        check_entered_manager(source, stmt, varied)


def _given_varied(call, varied):
    """Whether an argument of ``call`` is (or holds) a name in ``varied``."""
    arguments = call.args + [keyword.value for keyword in call.keywords]
    return any(isinstance(node, gast.Name) and node.id in varied for a in arguments for node in S.operand_nodes(a))


def _outside_object(source, fn, name):
    """How to name the object of the user's class that ``name`` of the core tree ``fn``
    holds where it is a closure variable or a global of the function (``lambda v: f(v,
    box)``, ``f`` inlined binds ``box_1 = box``, a helper inlined in it ``b_2 = box_1``):
    "the closure variable box"; else None."""
    if fn is None:
        return None
    for _ in range(16):
        bindings = [stmt for stmt in S.statements(fn.body) if isinstance(stmt, gast.Assign)
                    and any(isinstance(t, gast.Name) and t.id == name for t in stmt.targets)]
        if len(bindings) != 1 or not isinstance(bindings[0].value, gast.Name):
            break
        name = bindings[0].value.id
    if bindings or name in parameters(fn):
        return None     # (an argument named as a global is the argument: it hides the global)
    whose = "closure variable" if name in source.closure else "global" if name in source.globals else None
    held = source.closure.get(name, source.globals.get(name))
    if whose is None or type(held).__module__ in ("builtins", "numpy") or not hasattr(held, "__dict__") \
            or isinstance(held, (types.ModuleType, type)) or callable(held):
        return None
    return f"the {whose} {name}"


def _item_of_argument(fn, owner, call, varied):
    """Whether the method ``call`` on the name ``owner`` of the core tree ``fn``, bound to
    an item or attribute of a parameter (not a parameter itself), is given a value that
    depends on the inputs differentiated (``varied``): ``t = tup[0]; t.scale(w)`` makes
    the result depend on ``w`` through ``tup[0].v``, which no flow of values shows."""
    if fn is None or owner.id in parameters(fn):
        return False
    return handed_varied(call, varied) and _from_parameter(fn, owner.id, items=True)


def handed_varied(call, varied):
    """Whether ``call`` is handed a name of ``varied`` itself as an argument (not only
    something computed from one: ``rs.randn(*w.shape)``)."""
    return any(isinstance(a, gast.Name) and a.id in varied for a in call.args + [k.value for k in call.keywords])


def _item_of_a_call_read_again(fn, owner, stmt, varied):
    """The statement binding the result of a call (``objs = mk()``) that the receiver
    ``owner`` of the method call ``stmt``, given a value depending on the inputs, is an
    item or attribute of (``t = objs[0]; t.step(w)``), where the function reads that
    result again otherwise than by taking items out of it or calling their methods for
    their effect (``objs[0].a`` after): the method may store ``w`` in the object, and no
    flow of values links it to that read, so the derivative would miss it. None where
    that is not so (``fig, ax = subplots(); ax.plot(w)``, ``ax`` read no more)."""
    call = stmt.value
    if fn is None or not handed_varied(call, varied) or owner.id in parameters(fn):
        return None
    root = _call_result_holding(fn, owner.id)
    # (direct bindings only: an item of the result put into a dict or set is followed there)
    held_directly = Holding(walk.walk_statements(fn.body))
    return root if root is not None and _read_again(
        held_directly, {DIRECT}, fn.body, root.targets[0].id, stmt, root) else None


def _read_again(holding, kinds, body, name, stmt, binding=None):
    """Whether ``body`` reads what ``name`` holds after ``stmt`` (or in a later turn of a
    loop holding it) otherwise than by binding a name to an item of it or calling a method
    of one for its effect: an item's own read (``t = objs[0]; a = t.a``) counts where its
    value is then used (``np.sum(a)``). ``binding``: the statement binding ``name``, not a
    read; ``holding``: the holding relation of ``body``, read by its edges of ``kinds``."""
    held = holding.read_out_of({name}, kinds) | {name}
    for other in run_after(body, stmt):
        if other is binding or _takes_out_or_calls_for_effect(other, held, holding.bindings(other, kinds)):
            continue
        if any(not S.loaded_names(node).isdisjoint(held) for node in S.header_nodes(other)):
            return True
    return False


def check_unknown_receivers(transform, body, varied):
    """Before each method call of no rule (one astgrad did not follow: the receiver's class
    was not known) given a value of ``varied``, on an object read out of a list, dict or
    object the function builds that the function reads again after the call (``held =
    d["a"]; held[0].up(w)``, then ``d["a"][0].W``), a call of
    ``runtime.check_receiver_class``: where the object turns out to be of the user's own
    class, the method may store the value in it, where no flow of values shows it, so the
    call is refused when it runs (unknown_receivers.py); a library's object passes."""
    params, holding, checks = set(parameters(transform.fn)), None, {}
    for stmt in walk.walk_statements(body):
        call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
        method = anno.get(call, Key.METHOD) if isinstance(call, gast.Call) else None
        if method is None or not isinstance(call.func.value, gast.Name) or call.func.value.id in params \
                or is_mutating_method(method) or registry.methods_named(method) or not handed_varied(call, varied):
            continue
        # (computed once, at the first such call: the checks go in after the walk)
        holding = holding or Holding(walk.walk_statements(body), gast.Module(body=body, type_ignores=[]))
        sources = holding.sources()
        holders = {current for current, stepped in traced_back(sources, call.func.value.id, holder_names)
                   if stepped and current in sources and current not in params}
        if any(_read_again(holding, EVERY_HOLDING, body, holder, stmt) for holder in holders):
            where = transform.source.place(stmt)
            check = transform.helper_call("check_receiver_class", [S.copy(call.func.value), S.const(method),
                                                                   S.const(where)])
            checks[id(stmt)] = gast.copy_location(gast.Expr(value=check), stmt)
    if checks:
        _put_checks_before(body, checks)


def run_after(body, stmt):
    """The statements of ``body`` (nested ones included) that may run after ``stmt``: those
    after it in source order, or, where it is inside a loop, those of the outermost loop
    holding it too (a later turn)."""
    statements = list(walk.walk_statements(body))
    for loop in statements:
        if isinstance(loop, (gast.For, gast.While)) and any(inner is stmt for inner in walk.walk_statements([loop])):
            start = next(i for i, other in enumerate(statements) if other is loop)
            return [other for other in statements[start:] if other is not stmt]
    after = next(i for i, other in enumerate(statements) if other is stmt) + 1
    return statements[after:]


def _call_result_holding(fn, name):
    """The assignment ``r = call(...)`` (``call`` building what it returns, not handing
    on its arguments' items) whose result ``name`` of the core tree ``fn`` is an item or
    attribute of, however deep (through copies of names and list or tuple displays, not a
    dict or list stored into: ``Holding.sources``), or None."""
    sources, bindings = Holding(tree=fn).sources({BOUND, APPENDED}), {}
    for node in walk.walk_statements(fn.body):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            bindings.setdefault(node.targets[0].id, node)
    for current, stepped in traced_back(sources, name, holder_names):
        binding = bindings.get(current)
        if stepped and binding is not None and isinstance(binding.value, gast.Call) \
                and not passes_items_on(binding.value):
            return binding
    return None


def holder_names(value):
    """The names whose objects ``value`` reads out of or hands on (``objs`` in ``objs[i]``,
    ``m.layer``, ``[a, b]``, ``list(objs)``, ``d.values()``), not its indices (``i``)."""
    if isinstance(value, gast.Name):
        return [value.id]
    if isinstance(value, (gast.Subscript, gast.Attribute, gast.Starred)):
        return holder_names(value.value)
    if isinstance(value, (gast.List, gast.Tuple, gast.Set)):
        return [name for item in value.elts for name in holder_names(item)]
    if isinstance(value, gast.Dict):
        return [name for item in value.values for name in holder_names(item)]
    if isinstance(value, gast.Call) and passes_items_on(value):       # not what a call builds
        handed = value.args + ([value.func.value] if anno.get(value, Key.METHOD) is not None else [])
        return [name for item in handed for name in holder_names(item)]
    return []


def _takes_out_or_calls_for_effect(stmt, held, bindings):
    """Whether ``stmt`` only binds a name of ``held`` to what another holds (``t =
    objs[0]``, ``a = t.a``; ``bindings``: its holding edges) or calls a method of one for
    its effect (``t.step(w)``)."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and isinstance(stmt.value.func, gast.Attribute) and isinstance(stmt.value.func.value, gast.Name):
        return stmt.value.func.value.id in held
    return any(target in held for target, _ in bindings)


def check_deques(source, body, active):
    """A ``collections.deque`` holding differentiated values that the normalizer left as
    it is (frontend/normalize/deques.py lowers one changed only by its own methods) is
    refused: derivatives follow lists, tuples and dicts. Refused where the deque's own name carries a derivative or
    an assignment carrying one reads it (``d = {"q": deque()}``)."""
    deques = {}
    for stmt in walk.walk_statements(body):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        name = stmt.targets[0].id
        if isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is collections.deque:
            deques[name] = stmt
        read = [deques[n] for n in S.names_in(stmt.value) if n in deques] if deques else []
        if name in active and (name in deques or read):
            raise _deque_refusal(source, deques.get(name) or read[0], "holds a differentiated value")


def _deque_refusal(source, made, what):
    """The error for the deque ``made`` makes, which ``what`` (and so is not followed)."""
    return source.error(
        f"a collections.deque {what} here, which astgrad follows only in a name the function "
        "binds once to deque(...) (maxlen a number written there), changed by its append, "
        "appendleft, extend, pop, popleft and clear in statements of their own, and read by sum, "
        "len, indexing or a loop; use it that way, or use a list instead (xs.append(v), "
        "xs.pop(), xs[-1], xs = xs[1:] for popleft)", made, construct="collections.deque")


def _deque_made(body, name):
    """The statement binding ``name`` to a new collections.deque, or None."""
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name \
                and isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is collections.deque:
            return stmt
    return None


_DICT_MAKERS = (dict, collections.OrderedDict, collections.defaultdict)


def check_dict_keys(transform, body, varied):
    """Before each statement giving a dict a key that depends on the inputs (``{k: v}``,
    ``d[k] = v`` with ``k`` in ``varied``), a call of ``runtime.plain_keys``, which
    refuses a float key: derivatives follow a dict's values, never its keys, so a float
    key read back (``list(d)``, ``max(d)``) would silently carry none. (A name is varied
    by what it was computed from: ``k`` of ``for k, v in (("a", w),)`` is a string.)"""
    dicts = set()
    checks = {}
    for stmt in walk.walk_statements(body):
        if not isinstance(stmt, gast.Assign):
            continue
        target, value = stmt.targets[0], stmt.value
        keys = []
        if isinstance(target, gast.Name) and isinstance(value, gast.Dict):
            dicts.add(target.id)
            keys = [k for k in value.keys if k is not None]
        elif isinstance(target, gast.Name) and isinstance(value, gast.Call) \
                and anno.get(value, Key.TARGET, None) in _DICT_MAKERS:
            dicts.add(target.id)
        elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and target.value.id in dicts:
            keys = [target.slice]
        keys = [k.id for k in keys if isinstance(k, gast.Name) and k.id in varied]
        if keys:
            where = transform.source.place(stmt)
            call = transform.helper_call("plain_keys", [S.name(k) for k in keys] + [S.const(where)])
            checks[id(stmt)] = gast.copy_location(gast.Expr(value=call), stmt)
    if checks:
        _put_checks_before(body, checks)


def _put_checks_before(block, checks):
    """Insert ``checks[id(stmt)]`` before each such statement of ``block``, nested ones too."""
    block[:] = [made for stmt in block for made in ([checks[id(stmt)]] if id(stmt) in checks else []) + [stmt]]
    for stmt in block:
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                _put_checks_before(getattr(stmt, field), checks)
        for handler in getattr(stmt, "handlers", ()):
            _put_checks_before(handler.body, checks)


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
