"""The user-facing function transforms: differentiable, grad, value_and_grad, vjp, jvp,
jacobian, hvp and hessian."""

import functools
import inspect
import numbers
import threading
import types
import weakref
from typing import Any, Callable, Literal, Optional, Sequence, Tuple, TypeVar, Union, overload

import numpy

from . import argument_kinds
from . import caching
from .caching import Current, callees, check, forward_derivative, reverse_derivative
from .generation_records import CHECKED, CHECKED_WITH_VALUE, PROVEN
from .core.functions import (StandIn, derivative_keywords, parameter_names, public_parameter_names,
                             public_signature, seed_parameter, underlying)
from .errors import FunctionValueUnknown, TransformError, UnresolvedName, as_refusal, is_value_refusal
from .user_warnings import call_from_users_line
from .bound import (BoundMethod, PartialFunction, WrtTarget, as_function, check_receiver, follow, leading_arguments,
                    library_advice, path_text, user_code, wrt_items)
from .records import is_record, record_items
from .array_subclasses import refuse_other_operations
from .fresh_collections import fresh_collections as _fresh, fresh_keywords as _fresh_keywords
from .held_primals import copies_of_arrays as _copies, kept_primals, refuse_changed_primals
from .plain_objects import (is_plain_object, number_subclass_error, refuse_object_array, refuse_plain_argument,
                            refuse_unfollowed)
from .unfollowed_arguments import refuse_iterator_arguments
from .shaped import shaped, spec_for, spec_wrt, takes_varargs
from .tracebacks import entry_point, public, shortened
from .specialize import ProductVersions, Versions
from .chains import Chain, versions_of
from .zero_safe import run_derivative, run_value_code
from .writes_checked_first import (callee_writes_held_items, changes_lists_first, reaches_held_writes,
                                   refuse_writes_first)
from .hooks_checked_first import refuse_hooks_first
from .rebound_places import Snapshot, find_changes_outside_with, outer_values, written_places
from .read_places import read_snapshot, rebound_since, refuse_changed_reads
from .failure_stage import failed_before_the_seed
from .outputs import (check_scalar as _check_scalar, describe_value as _describe,
                      is_numeric_array as _is_numeric_array, is_real_number as _is_real_number,
                      one_element as _one_element)
from .gradient_structure import (is_float_leaf as _is_float, match_argument as _match_argument,
                                 rebuild_sequence as _rebuild)
from . import call_options, fast_call
from .argnums import FIRST, chosen_wrt
from .aux_outputs import collected, value_function, with_aux
from .call_options import Wrapped
from .function_values import current_or_deferred, given_functions, made_for, specialized
from .nested_jacobian import JacobianOfDerivative

__all__ = ["differentiable", "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp"]

F = TypeVar("F", bound=Callable[..., Any])
Wrt = Union[int, str, Tuple[Union[int, str], ...]]      # an argument by position or name, or several


def reduce_transform(*args):
    """``pickling.reduce_transform``: that module loads when a transform is first pickled."""
    from .pickling import reduce_transform as reduce
    return reduce(*args)


def _functions_changing_outside(fn):
    # outer_state reads the user's code with the normalizer's readers: loaded on first use,
    # not by `import astgrad` (its import then installs itself in place of these two)
    from . import outer_state
    return outer_state._replayed_functions(fn)


def _contents_changed_outside(functions):
    from . import outer_state
    return outer_state.Contents(outer_state.changed_containers(functions))


find_changes_outside_with(_functions_changing_outside, _contents_changed_outside)


def _first_iterator(fn):
    from . import outer_state
    return outer_state.first_iterator(fn)


def _refuse_iterators(f, transform):
    """Refuse ``transform``, which runs ``f`` (or code derived from it) twice, where ``f``
    reads an iterator from a global (outer_state.refuse_iterators): before anything runs."""
    from . import outer_state
    fn = _plain_function(f)
    if fn is not None:
        outer_state.refuse_iterators(fn, transform)


def _underlying(f):
    return underlying(f)


def _plain_function(f):
    """The plain Python function ``f`` runs (through a partial, a bound method, a
    decorated function), or None: for a gradient still waiting for its function values
    (checked when it is made), and for anything else (a builtin, a ufunc)."""
    try:
        fn = _underlying(f)
    except Exception:       # noqa: BLE001 - a gradient waiting for function values: checked when made
        return None
    return fn if inspect.isfunction(fn) else None


def _compiled(f, wrt, preserve_result):
    return reverse_derivative(f, wrt, preserve_result)


class Differentiable(StandIn):
    """A function decorated with @astgrad.differentiable: calls behave exactly like the
    original; its adjoint was checked at decoration time (any refusal raised then), and
    is generated, once, when first needed."""

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.__astgrad_function__ = lambda: fn
        self.__signature__ = inspect.signature(fn)
        names = parameter_names(fn)
        first = next((i for i, name in enumerate(names) if name not in ("self", "cls")), None)
        try:
            if first is not None:
                check(fn, ("reverse", (first,), True))
        except UnresolvedName:
            pass            # a name defined later in the module: generate on first use

    def __call__(self, *args, **kwargs):
        for value in args + tuple(kwargs.values()):
            record = getattr(type(value), "__astgrad_call__", None)
            if record is not None:      # a tape tensor: one node, backed by the generated adjoint
                return record(self, args, kwargs)
        return self.__wrapped__(*args, **kwargs)

    def __get__(self, instance, owner):
        return self if instance is None else types.MethodType(self, instance)

    def __repr__(self):
        return f"<astgrad.differentiable {self.__wrapped__.__qualname__}>"

    def public_signature(self):
        return inspect.signature(self.__wrapped__)

    def __reduce__(self):
        """Pickled as what it is: the module attribute it is bound to."""
        return reduce_transform(self, self)

    def __copy__(self):
        return self             # immutable, like the function it wraps

    def __deepcopy__(self, memo):
        return self


@public
def differentiable(fn: F) -> F:
    """Decorate ``fn`` so its adjoint is checked (any unsupported construct reported
    as a TransformError) now rather than at the first gradient call; the code itself
    is generated once, when first needed."""
    if isinstance(fn, Differentiable):      # decorated twice: the same checked function
        return fn
    if not inspect.isfunction(fn):
        raise TypeError(f"@astgrad.differentiable decorates a Python function, not {type(fn).__name__}")
    return Differentiable(fn)  # type: ignore[return-value]  # called exactly as fn


# -- values at the API boundary: outputs, gradients, tangents ----------------------------

_CALLEES_WRITE: "weakref.WeakKeyDictionary[Any, bool]" = weakref.WeakKeyDictionary()     # gradient code -> whether a callee writes held items


def _refuse_callee_writes(code, f, args, kwargs=None):
    """Before the gradient ``code`` of ``f`` runs: where a callee of the user's that it runs
    as it is (for its effects) writes into an item an object holds, which its derivative
    refuses, the refusal comes first, before the callee changed anything
    (writes_checked_first.py); so too where ``f`` writes such an item itself after
    rebinding a global or appending to a global list (``LOG.append(1)``). Known per code:
    it is made again where a callee is rebound."""
    known = _CALLEES_WRITE.get(code)
    if known is None:
        fn = inspect.unwrap(user_code(f))      # (of a gradient: the user's function it is of)
        # a function writing such items itself: where its code rebinds a global first (its own checks come later)
        # or appends to a global list first (LOG.append(1)): its own checks come after that
        known = _CALLEES_WRITE[code] = isinstance(fn, types.FunctionType) and (
            callee_writes_held_items(fn) or bool(written_places(code)) and reaches_held_writes(fn)
            or changes_lists_first(fn))
    if known:
        refuse_writes_first(f, _copies(args), _fresh_keywords(kwargs or {}))


def _rebound_before(code):
    """A Snapshot of the globals and closure cells the generated ``code`` rebinds, taken
    before it runs, or None where it rebinds none: a run again with a seed of the output's
    shape (``_seeded_run``) starts from them, so they end as one call of ``f`` leaves them
    and that run computes with the values the first one read."""
    places = written_places(code)
    return Snapshot(places) if places else None


def _seeded_run(code, args, kwargs, value, before=None):
    """The generated code run again with a seed of value's shape (its default seed is the
    number 1.0), where its run with that seed failed: ``(value, gradients)`` for a
    one-element ``value``; from the globals
    ``before`` (``_rebound_before``) holds, where it holds any."""
    refuse_iterator_arguments({**dict(enumerate(args)), **kwargs}, "grad", _RUN_AGAIN)
    if before is not None:
        before.restore()
    seed = {seed_parameter(code): numpy.ones(value.shape)}
    return run_derivative(code, *_fresh(args), **_fresh_keywords(kwargs), **seed)


_RUN_AGAIN = "again, with a seed of its shape, where it returns an array of one element"


def _explained_failure(f, code, args, kwargs, fn_name, error, before=None):
    """After generated code raised ``error``: when ``f`` returns a one-element array, the
    run with a seed of its shape (``(value, gradients)``); a non-scalar output, which can
    break gradient code before it is checked, is reported instead. None otherwise: the
    caller re-raises ``error``. ``f`` runs once more for this (_output_after_failure),
    unless the error arose computing ``f``'s own values (failure_stage.py); the run again
    starts from ``before`` (``_rebound_before``)."""
    if failed_before_the_seed(code, error):
        return None
    value = _output_after_failure(f, code, args, kwargs, error)
    if _one_element(value) and not getattr(code, "__astgrad_gradient_only__", False):
        return _seeded_run(code, args, kwargs, value, before)
    _raise_if_not_scalar(value, fn_name)
    return None


def _run_product(f, compiled, args, kwargs, tangent):
    """A Hessian-vector product's code run. ``f``'s output must be a real number: code
    specialized to kinds where that is proven runs alone; otherwise ``f`` runs too, and a
    one-element output (shape ``(1,)``, ...) is the number it holds, as autograd and
    PyTorch take it: the product is run again with the gradient's seed of that shape."""
    proven = getattr(compiled, "__astgrad_scalar_output__", False)
    state = None if proven else _state_before_check(f)      # f runs again below, to check its output
    before = state if state is not None or proven else _rebound_before(compiled)
    try:
        product = run_derivative(compiled, *_fresh(args), **_fresh_keywords(kwargs), **tangent)
    except Exception as error:
        value = _output_after_failure(f, compiled, args, kwargs, error)
        if not _one_element(value):
            _raise_if_not_scalar(value, _function_name(f))
            raise
        return _seeded_product(compiled, args, kwargs, tangent, value, before)
    if proven:
        return product
    value = _checked_again(f, args, kwargs, compiled, state)
    if value is _FAILED or _is_real_number(value):
        return product
    if _one_element(value):
        return _seeded_product(compiled, args, kwargs, tangent, value, before)
    _check_scalar(value, _function_name(f))
    return product      # (_check_scalar raised)


def _state_before_check(f):
    """What ``f`` changes (read from its own code: a ``Queue.get`` the product's code
    inlines too), as it is before the product's code runs (a Snapshot, or None): the run
    of ``f`` that checks its output puts it back. A function reading an iterator is
    refused here, before anything runs: that run would advance it a second time."""
    try:
        return _outer_snapshot(f, "hvp")
    except TransformError:      # writes globals by name: what the code rebinds is put back
        _refuse_iterators(f, "hvp")
        return None


def _checked_again(f, args, kwargs, compiled, state):
    """``f``'s output, run again after its product's code ``compiled`` ran, to check it
    (_output_or_missing): what ``f`` changes (``state``, _state_before_check) is put back
    after it, as the product's run left it."""
    if state is None:
        return _output_or_missing(f, args, kwargs, compiled)
    kept = state.taken_again()
    try:
        return _output_or_missing(f, args, kwargs)
    finally:
        kept.restore()


def _seeded_product(compiled, args, kwargs, tangent, value, before):
    refuse_iterator_arguments({**dict(enumerate(args)), **kwargs}, "hvp", _RUN_AGAIN)
    if before is not None:
        before.restore()        # the run again starts from the globals the first one read
    seed = derivative_keywords(compiled)[-2]       # the gradient's seed, then the tangent
    return run_derivative(compiled, *_fresh(args), **_fresh_keywords(kwargs), **tangent,
                          **{seed: numpy.ones(value.shape)})


_FAILED = object()


def _output_or_missing(f, args, kwargs, code=None):
    """``f``'s output for these arguments (run on copies), or _FAILED if it raised. The
    globals and closure cells ``code`` (``f``'s generated code, which ran already)
    rebinds are put back after this extra run: they stay as the code's run left them."""
    kept = outer_values(code) if code is not None else None     # (and the contents it changes)
    try:
        return _underlying(f)(*_copies(args), **_fresh_keywords(kwargs))
    except Exception:
        return _FAILED
    finally:
        if kept is not None:
            kept.restore()


def _output_after_failure(f, code, args, kwargs, error):
    """``f``'s output, to explain the generated ``code``'s ``error`` (_output_or_missing:
    ``f`` runs again, on copies of the arguments; the globals ``code`` rebinds are put
    back after it), or _FAILED without running ``f`` when ``error`` is astgrad's own
    refusal of a value: the values, not the output's shape, caused it, and it says what
    to do."""
    if is_value_refusal(error):
        return _FAILED
    return _output_or_missing(f, args, kwargs, code)


def _raise_if_not_scalar(value, fn_name):
    """A non-scalar output (not _FAILED) reported in place of the generated code's error;
    a scalar one leaves that error to be shown (once)."""
    if value is _FAILED:
        return
    try:
        _check_scalar(value, fn_name)
    except (TypeError, ValueError) as error:
        raise error from None


def _refuse_iterators_of_gradient(f, transform):
    """A transform of a gradient runs its function again (_check_gradient_output): refused
    before anything runs where that function reads an iterator from a global."""
    if isinstance(f, Derivative):
        _refuse_iterators(f.function, f"{transform} of a gradient")


def _check_gradient_output(f, bound):
    """A transform of a gradient (jvp, jacobian): the function the gradient is taken of
    must return a real number, as calling the gradient checks (or a one-element array,
    the number it holds); run on copies of the arguments."""
    if not isinstance(f, Derivative):
        return
    try:
        kept = _outer_snapshot(f.function, "jacobian")
    except TransformError:      # writes globals by name: the transform itself refuses it, or ran already
        kept = None
    refuse_hooks_first(f.function, _copies((*f.leading_arguments, *bound.args)), _fresh_keywords(bound.kwargs))
    try:
        value = _output_or_missing(f.function, (*f.leading_arguments, *bound.args), bound.kwargs)
    finally:
        if kept is not None:
            kept.restore()      # a check: the globals and containers f changes are as the transform left them
    if value is not _FAILED and not _is_real_number(value) and not _one_element(value):
        _check_scalar(value, _function_name(f.function))


def _check_output(value, fn_name, path=""):
    """vjp differentiates numbers, numeric arrays and lists, tuples and dicts of them."""
    if is_record(value):
        for key, item in record_items(value):
            if not isinstance(item, (str, bool, type(None))):   # a dataclass's labels are constants
                _check_output(item, fn_name, f"{path}.{key}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_output(item, fn_name, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_output(item, fn_name, f"{path}[{index}]")
    elif value is None and path:
        return      # an empty leaf, as JAX's pytrees take None: its cotangent is None
    elif not (_is_numeric_array(value) or isinstance(value, numbers.Number)):
        where = f" (at output{path})" if path else ""
        raise TypeError(f"vjp needs {fn_name} to return a number, an array or a list/tuple/dict of "
                        f"them, but it returned {_describe(value)}{where}")


def _is_complex(value):
    if isinstance(value, complex):
        return True
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, numpy.dtype):
        return dtype.kind == "c"
    if isinstance(value, (list, tuple)):
        return any(_is_complex(item) for item in value)
    if isinstance(value, dict):
        return any(_is_complex(item) for item in value.values())
    return False


def _refuse_complex(values, what, names=None):
    """A complex argument is an error: astgrad differentiates real-valued code only (it
    would otherwise treat a complex number as a constant or drop its imaginary part). So
    is a masked array, an np.matrix or an array subclass redefining operations
    (array_subclasses.py). ``names``: the parameters the values are given to, to name them
    (a keyword a functools.partial binds has no position the caller knows)."""
    for position, value in enumerate(values):
        if type(value) is float or (type(value) is numpy.ndarray and value.dtype.kind == "f"):
            continue                                    # the common cases, quickly
        refuse_other_operations(value, position, what)
        if _is_complex(value):
            kind = getattr(value, "dtype", type(value).__name__)
            label = (f"the argument {names[position]!r}" if names is not None and position < len(names)
                     else f"argument {position}")
            raise TypeError(f"{what}: {label} is complex ({kind}); astgrad differentiates "
                            "real-valued functions of real arguments only. Pass the real and imaginary "
                            "parts as two real arguments")


def _refuse_bool(values, wrt, skipped, what):
    """A bool argument differentiated is an error, as in JAX: its derivative has no
    meaning, and NumPy has no loops for some derivatives of bools (``sign``)."""
    for position in wrt:
        refuse_bool(values[position], position - skipped, what)


def refuse_bool(value, position, what):
    """Raise ``what``'s TypeError where ``value``, the argument at ``position`` it is
    differentiated by, is a bool (an exported gradient calls it too: exporting.py)."""
    if isinstance(value, (bool, numpy.bool_)) or type(value) is numpy.ndarray and value.dtype.kind == "b":
        raise TypeError(f"{what}: argument {position} is a bool ({value!r}); astgrad "
                        "differentiates with respect to real numbers only. Pass a float (float(x) or "
                        "x.astype(float)), or leave the argument out of wrt= to use it as a constant")


def _is_float_like(x):
    """What vjp and jvp differentiate: floats, and lists, tuples, dicts and dataclasses holding any."""
    if is_record(x):
        return any(_is_float_like(item) for _, item in record_items(x))
    if isinstance(x, dict):
        return any(_is_float_like(item) for item in x.values())
    if isinstance(x, (list, tuple)):
        return any(_is_float_like(item) for item in x)
    return _is_float(x)


def _plain_value(value):
    """``value`` with astgrad's own containers (the derivative lists and dicts generated
    code builds) turned into plain lists and dicts, at any depth."""
    from .runtime import AdjointDict, AdjointList
    if isinstance(value, AdjointList):
        return [_plain_value(item) for item in value]
    if isinstance(value, AdjointDict):
        return {key: _plain_value(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_plain_value(item) for item in value)
    if type(value) is dict:
        return {key: _plain_value(item) for key, item in value.items()}
    return value


def _shape_text(x):
    """How a tangent or its primal looks, for error messages."""
    if isinstance(x, dict):
        return f"a dict with keys {sorted(x, key=repr)}"
    if isinstance(x, (list, tuple)):
        return f"a {type(x).__name__} of length {len(x)}"
    if x is None or not (_is_numeric_array(x) or isinstance(x, numbers.Number)):
        return _describe(x)
    return f"of shape {numpy.shape(x)}"


def _refuse_plain_object(value, like, what, subject, path, constants_allowed, name):
    """The error for a tangent given for a plain object (``plain_objects.is_plain_object``): what it is,
    and what to pass instead (None for jvp, which holds it constant; a path in wrt for hvp)."""
    kind = type(like).__name__
    if isinstance(like, numbers.Number):
        return TypeError(number_subclass_error(like, f"{what}{path}: {subject}{path}", "...",
                                               "pass None as its tangent to hold it constant" if constants_allowed
                                               else "differentiate with respect to another argument"))
    given = f"an object of the class {kind}, as {subject}{path} is" if type(value) is type(like) else \
        f"{_shape_text(value)}, but {subject}{path} is an object of the class {kind}"
    arrays = [key for key, item in vars(like).items() if _is_float_like(item)]
    where = f'{name}{path}.{arrays[0] if arrays else "w"}' if name and "[" not in path else None
    instead = ("pass None as its tangent to hold it constant" if constants_allowed else
               f'differentiate with respect to an array it holds: wrt="{where}" takes a v of that '
               "array's shape" if where else "differentiate with respect to an array it holds, "
               'with a path in wrt (wrt="p.w")')
    return TypeError(f"{what}{path} is {given}; {kind} is not a dataclass, and astgrad takes the arrays "
                      "of a dataclass as parts of a tangent, not the attributes of other objects. Make "
                      f"{kind} a @dataclasses.dataclass, or {instead}")


def _matching(value, like, what, subject, path="", constants_allowed=False, name=None):
    """``value`` (a tangent or cotangent) checked against ``like`` (its primal or output):
    the same list/tuple/dict structure and the same shape at every leaf. Returns it with
    ``like``'s containers and, where ``constants_allowed`` (jvp), a zero in place of the
    None given for a leaf that is not a float or for an item of a container (``path``),
    ready for the generated code. A
    ValueError says where and how they differ (``name``: the argument's, for hints)."""
    def mismatch():
        return ValueError(f"{what}{path} is {_shape_text(value)}, but {subject}{path} is "
                          f"{_shape_text(like)}; they must match")
    if is_plain_object(like) and not (constants_allowed and (value is None or isinstance(value, numbers.Number)
                                                              and value == 0)):
        raise _refuse_plain_object(value, like, what, subject, path, constants_allowed, name)
    if constants_allowed and value is None and isinstance(like, (dict, list, tuple)) \
            and (path or not _is_float_like(like)):
        # a container with no float in it (a list of indices) is a constant as a whole, and
        # None for an item of a container is its zero tangent, item by item
        value = dict.fromkeys(like) if isinstance(like, dict) else [None] * len(like)
    if constants_allowed and value is None and path and _is_float(like):
        return _zeros_like(like)        # jvp's None for a float item of a container: a zero tangent
    if is_record(like):
        from .runtime_objects import AdjointObject
        if value is None and constants_allowed and not _is_float_like(like):
            return AdjointObject()
        if type(value) is not type(like):
            raise mismatch()
        # a field that holds no float (a label, a count) is a constant: None is its derivative
        return AdjointObject((key, _matching(getattr(value, key), item, what, subject, f"{path}.{key}",
                                             constants_allowed or not _is_float_like(item), name))
                             for key, item in record_items(like))
    if isinstance(like, dict):
        if not isinstance(value, dict) or set(value) != set(like):
            raise mismatch()
        return {key: _matching(value[key], item, what, subject, f"{path}[{key!r}]", constants_allowed, name)
                for key, item in like.items()}
    if isinstance(like, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(like):
            raise mismatch()
        return _rebuild(like, [_matching(v, item, what, subject, f"{path}[{i}]", constants_allowed, name)
                               for i, (v, item) in enumerate(zip(value, like))])
    if like is None and not constants_allowed:     # vjp's output None at a leaf: an empty subtree
        if value is not None:
            given = repr(value) if isinstance(value, numbers.Number) else _shape_text(value)
            raise ValueError(f"{what}{path} is {given}, but {subject}{path} is None, which has "
                             "no derivative; pass None there")
        return None
    if constants_allowed and not _is_float(like):
        refuse_tangent_of_constant(value, like, f"{what}{path}", f"{subject}{path}")
        return _zeros_like(like)
    _refuse_not_numbers(value, like, f"{what}{path}", f"{subject}{path}")
    if isinstance(value, (list, tuple, dict)) or value is None or not (
            _is_numeric_array(value) or isinstance(value, numbers.Number)):
        raise mismatch()
    if numpy.shape(value) != numpy.shape(like):
        raise mismatch()
    _refuse_bool_derivative(value, f"{what}{path}", f"{subject}{path}")
    if isinstance(like, numpy.ndarray) and not isinstance(value, numpy.ndarray):
        return numpy.asarray(value)     # a number for a 0-d array: code may write into it
    return value


_DTYPE_KINDS = {"U": "strings", "S": "bytes", "O": "Python objects", "M": "dates", "m": "time spans",
                "V": "raw records"}


def _refuse_not_numbers(value, like, what, subject):
    """Refuse a derivative given as an array of the right shape whose dtype holds no
    numbers (strings, objects): its dtype is what is wrong, not its shape."""
    if not isinstance(value, (numpy.ndarray, numpy.generic)) or _is_numeric_array(value) \
            or numpy.shape(value) != numpy.shape(like):
        return
    held = _DTYPE_KINDS.get(value.dtype.kind, "no numbers")
    raise TypeError(f"{what} has the shape of {subject}, {numpy.shape(value)}, but its dtype {value.dtype} "
                     f"holds {held}, not numbers: a derivative of a float is a float array of its shape; pass "
                     "one (v.astype(float) converts an array whose items are numbers in another form)")


def _refuse_bool_derivative(value, what, subject):
    """A derivative of a float is a float: ``True`` is not read as 1.0 (JAX raises a
    TypeError for a tangent whose dtype is not its primal's)."""
    if isinstance(value, (bool, numpy.bool_)) or _is_numeric_array(value) and value.dtype.kind == "b":
        raise TypeError(f"{what} is a bool ({value!r}), but {subject} is a float, whose derivative is a "
                        "float of the same shape; pass a float (1.0 rather than True, or v.astype(float))")


def refuse_tangent_of_constant(value, like, what, subject):
    """jvp's ValueError where the tangent ``value`` is not zero (nor None) for the leaf
    ``like``, which jvp holds constant (an int, a bool, a string, None): an exported jvp
    calls it too (export_guards.py)."""
    if value is not None and not (numpy.ndim(value) == 0 and value == 0) \
            and not (_is_numeric_array(value) and not numpy.any(value)):
        raise ValueError(f"{what} is {value!r}, but {subject} is {_describe(like)}, which "
                         "jvp does not differentiate (ints, bools, strings and None are constants); "
                         "pass None as its tangent, or pass the argument as a float")


def _as_adjoint(cotangent):
    """A cotangent as generated reverse-mode code holds the derivative of a container:
    ``+`` adds element by element (AdjointList, AdjointDict)."""
    from .runtime import AdjointDict, AdjointList
    from .runtime_objects import AdjointObject
    if isinstance(cotangent, AdjointObject):
        return AdjointObject((key, _as_adjoint(item)) for key, item in cotangent.items())
    if isinstance(cotangent, dict):
        return AdjointDict((key, _as_adjoint(item)) for key, item in cotangent.items())
    if isinstance(cotangent, (list, tuple)):
        return AdjointList(_as_adjoint(item) for item in cotangent)
    return cotangent


class Derivative(StandIn):
    """A generated derivative: call it like the function it differentiates.

    ``.source`` is the emitted Python text; ``inspect.getsource`` shows it too.
    """

    def __init__(self, f, items, single, with_value, options=None):
        self.function = f
        self.items = items          # ((position, attribute path), ...): see bound.wrt_items
        self.wrt = tuple(dict.fromkeys(position for position, _ in items))
        self.single = single
        self.with_value = with_value
        try:
            fn = _underlying(f)
        except FunctionValueUnknown:        # a gradient of a function given functions
            fn = user_code(f)
        self._name = fn.__qualname__
        self._user = user_code(f)
        self._leading = leading_arguments(f)
        # specialization: code made for each kind of arguments (see specialize.py), so the
        # general code is only checked now (every refusal raised) and made if it is needed;
        # backend= runs its own code, made from the general version now; checkpoint=
        # checkpoints the code made for each kind of arguments
        plain = type(f) is types.FunctionType or isinstance(f, (Differentiable, PartialFunction))
        # a gradient's gradient differentiates the gradient's specialized code (chains.py)
        specializes = not self._leading and (
            plain and (options is None or options.specializes)
            or options is None and isinstance(f, Derivative) and f._specializes())
        # follows rebinding of f's names; waits for its first call where f is given functions
        self._python, ready = current_or_deferred(
            lambda: Current(f, ("reverse", self.wrt, True), checked=specializes and plain))
        self._current = self._python
        self._options = options     # backend= and checkpoint= (call_options), None for the defaults
        if options is not None:
            self._current = Wrapped(self._current, options, _where(fn))
        if not ready:
            self.__name__ = self.__qualname__ = f"grad_{fn.__name__}"
        elif options is None:
            self.__name__ = self.__qualname__ = self._python.name
        else:               # the options applied now: what they cannot do is refused here
            self.__name__, self.__qualname__ = self._workhorse.__name__, self._workhorse.__qualname__
        self.__doc__ = f"Gradient of {self._name} (generated by astgrad; see .source)."
        self.__astgrad_function__ = self._differentiated
        self._names = public_parameter_names(f)
        # the common call gives every argument by position and needs no binding; f's
        # defaults are read at each other call, since they can be reassigned
        parameters = list(public_signature(f).parameters.values())
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        self._arity = len(parameters) if all(p.kind in positional for p in parameters) else -1
        self._versions = None
        if specializes:
            wrap = None if options is None else functools.partial(options.specialized, where=_where(fn))
            self._versions = Versions(f, ("reverse", self.wrt, True), tuple(self._names), self._current,
                                      gradient_only=not with_value, wrap=wrap)
        # (index in the generated gradients, argument position) per wrt item: the call's fast
        # path for arguments that need no check (_run_unchecked); empty where it does not apply
        self._unchecked = ()
        self._fast = None           # the previous call's kinds and code (fast_call.remember)
        if self._versions is not None and self._arity >= 0 and not any(path for _, path in items):
            self._unchecked = tuple((self.wrt.index(position), position) for position, _ in items)

    @property
    def leading_arguments(self):
        return self._leading

    @property
    def __signature__(self):
        """f's arguments (as f's defaults are now), not the generated seed."""
        return public_signature(self.function)

    def public_signature(self):
        return public_signature(self.function)

    @property
    def _workhorse(self):
        """The generated function returning (value, gradient), as f's names are bound now."""
        return self._current()

    @property
    def plain(self):
        """The generated function returning only the gradient (the one ``.source`` shows)."""
        code = _compiled(self.function, self.wrt, False)
        if self._options is not None and self._options.checkpoint is not None:
            code = self._options.apply(code, _where(_underlying(self.function)))
        return code

    def _differentiated(self, checked=True):
        """What a transform of this gradient differentiates: generated code returning what
        calling the gradient returns (with the value; a 1-tuple for a tuple ``wrt``), checking
        as the call does that the function returns a real number (``checked=False``: the code
        with its seeds, which export writes out). Plain Python: options apply to calls only."""
        code = _compiled(self.function, self.wrt, (CHECKED_WITH_VALUE if self.with_value else CHECKED)
                         if checked else self.with_value)
        if any(path for _, path in self.items):     # each attribute's part (wrt="self.W")
            from .attribute_gradient import attribute_gradient     # (loaded by the first such wrt)
            return attribute_gradient(code, self.wrt, self.items, self.single, self.with_value)
        if len(self.wrt) == 1 and not self.single:
            from .tuple_gradient import tuple_gradient     # (loaded by the first wrt=(name,))
            return tuple_gradient(code, self.with_value)
        return code

    @property
    @public
    def source(self) -> str:
        """The gradient's code for the arguments of the latest call (the general code
        before the first call); ``source_for(*args)`` shows it for other arguments."""
        versions = self._versions
        if versions is None or versions.latest is None:
            return self.plain.source
        return self._specialized_plain(versions.latest).source

    @public
    def source_for(self, *args: Any, **kwargs: Any) -> str:
        """The code this gradient runs for these arguments (specialized to their kinds
        when it has a version for them, see docs/performance.md), without the value."""
        if self._versions is None:
            return self.plain.source
        bound = _bind(self, args, kwargs)
        signature = argument_kinds.signature(_named_values(self, bound))
        return self._specialized_plain(signature).source

    def _specialized_plain(self, signature):
        version = self._versions.for_signature(signature)
        if version is self._current():
            return self.plain               # beyond the bound: the general code runs
        kinds = argument_kinds.key_part(self._versions.names, signature)[1]
        proven = getattr(version, "__astgrad_gradient_only__", False)     # its code, made once proven
        code = Chain(self.function, ("reverse", self.wrt, PROVEN if proven else False), kinds)()
        if self._options is not None:       # checkpoint=: the checkpointed version
            code = self._options.apply(code, _where(_underlying(self.function)), specialized=True)
        return code

    def _specializes(self):
        """Whether transforms of this gradient can differentiate its specialized code:
        it runs code made for its arguments' kinds, returning what a call returns
        (a checkpointed gradient's transforms differentiate the general code)."""
        return self._versions is not None and self._options is None \
            and not any(path for _, path in self.items) \
            and not (len(self.wrt) == 1 and not self.single)

    def __astgrad_specialized__(self, kinds):
        """The ``chains.Chain`` of what ``_differentiated`` returns, specialized to
        ``kinds`` ((parameter, kind) pairs), or None: transforms use the general code."""
        if not self._specializes():
            return None
        return Chain(self.function, ("reverse", self.wrt, CHECKED_WITH_VALUE if self.with_value else CHECKED), kinds)

    @property
    def __wrapped__(self):
        return self.plain

    @entry_point
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            fast = self._fast
            if fast is not None and not kwargs and len(args) == self._arity:
                matches, fn, holds, code = fast         # the previous call's kinds and code
                if matches(args) and holds(fn):
                    return self._run_unchecked(code, args)
            return self._call(*args, **kwargs)
        except Exception as error:
            refusal = as_refusal(error)                 # the values are given now
            refusal.__suppress_context__ = refusal is not error or refusal.__suppress_context__
            raise shortened(refusal)                    # an entry point, as @public makes one

    def _call(self, *args, **kwargs):
        if not kwargs and len(args) == self._arity:
            if self._unchecked:
                _refuse_bool(args, (position for _, position in self._unchecked), 0, "grad")
                code = self._versions.for_unchecked_call(args)
                if code is not None:
                    self._fast = fast_call.remember(self._versions, args)
                    return self._run_unchecked(code, args)
            values = args
        else:
            bound = _bind(self, args, kwargs)
            args, kwargs = bound.args, bound.kwargs
            values = _named_values(self, bound)
        self._fast = None
        given = given_functions(self._names, values, self._user)
        if given and self.for_functions(given) is not self:
            return self.for_functions(given)(*args, **kwargs)
        _refuse_complex(values, "grad", self._names)
        leading = self._leading
        _refuse_bool(tuple(leading) + tuple(values), self.wrt, len(leading), "grad")
        _refuse_plain_items(self, tuple(leading) + tuple(values))
        for receiver in leading:
            check_receiver(receiver, self.function)
        code = self._current() if self._versions is None else self._versions.for_call(values)
        proven = getattr(code, "__astgrad_gradient_only__", False)     # the output: a real number
        before = None if proven else _rebound_before(code)
        _refuse_callee_writes(code, self.function, (*leading, *args), kwargs)
        try:
            # each run is given its own copy of a set or deque among the arguments (fresh_collections.py)
            result = run_derivative(code, *leading, *_fresh(args), **_fresh_keywords(kwargs))
        except Exception as error:
            result = _explained_failure(self.function, code, (*leading, *args), kwargs, self._name, error, before)
            if result is None:
                raise
        if _watching:
            _ran.code = weakref.ref(code)       # (not kept alive by it)
        value, grads = (None, result) if proven else result
        # a one-element output's seed 1.0 stands for its one element (reverse mode spreads it
        # over the output's axes where a rule needs them): the run's gradients are its own
        if not proven and not _one_element(value):
            _check_scalar(value, self._name)
        if len(self.wrt) == 1:
            grads = (grads,)
        values = tuple(leading) + tuple(values)
        grads = tuple(self._pick(grads[self.wrt.index(position)], values[position], position, path)
                      for position, path in self.items)
        grads = grads[0] if self.single else grads
        return (value, grads) if self.with_value else grads

    def _run_unchecked(self, code, args):
        """``__call__`` for arguments that are all Python numbers or real NumPy arrays
        (``Versions.for_unchecked_call``): none is a function, a list or complex, so only
        the output (a scalar?) and the gradients' dtypes and shapes are left to check."""
        proven = getattr(code, "__astgrad_gradient_only__", False)     # the output: a real number
        before = None if proven else _rebound_before(code)
        _refuse_callee_writes(code, self.function, args)
        try:
            result = run_derivative(code, *args)
        except Exception as error:
            result = _explained_failure(self.function, code, args, {}, self._name, error, before)
            if result is None:
                raise
        if _watching:
            _ran.code = weakref.ref(code)       # (not kept alive by it)
        if proven:
            grads = result
        else:
            value, grads = result
            kind = type(value)
            if kind is not float and kind is not numpy.float64:
                if not _one_element(value):
                    _check_scalar(value, self._name)
        if self.single:
            index, position = self._unchecked[0]
            g, x = grads if len(self.wrt) == 1 else grads[index], args[position]
            kind = type(x)
            if not (kind is float and type(g) is float or kind is numpy.ndarray and type(g) is numpy.ndarray
                    and g.dtype is x.dtype and g.shape == x.shape and x.dtype.kind == "f" and g.flags.writeable):
                g = _match_argument(g, x)               # (the common cases above fit already)
            grads = g
        else:
            if len(self.wrt) == 1:
                grads = (grads,)
            grads = tuple([_match_argument(grads[index], args[position]) for index, position in self._unchecked])
        return (value, grads) if self.with_value else grads

    def for_functions(self, given):
        """This gradient of ``f`` made for the function values ``given`` (function_values.py)."""
        made = specialized(self.function, given)
        if made is None or made is self.function:
            return self
        return made_for(self, given, lambda: Derivative(made, self.items, self.single, self.with_value,
                                                        self._options))

    def as_returned(self, result, args):
        """``result`` of the code transforms of this gradient differentiate (or a tangent
        of it), given ``args`` (the public arguments), in the structures a call returns:
        a namedtuple's or a tuple's gradient as one, not the generated code's list."""
        if any(path for _, path in self.items):
            return result               # attribute_gradient.py reads the parts out
        values = tuple(self._leading) + tuple(args)
        value, grads = result if self.with_value else (None, result)
        parts = (grads,) if self.single else grads
        if not isinstance(parts, tuple) or len(parts) != len(self.items):
            return result
        parts = tuple(self._pick(g, values[position], position, ()) for g, (position, _) in zip(parts, self.items))
        grads = parts[0] if self.single else parts
        return (value, grads) if self.with_value else grads

    def _pick(self, g, x, position, path):
        """The gradient of one wrt item, with the structure of its value (None for a
        function given as an argument, or a list or dict of them)."""
        if not path and given_functions(["x"], [x]):
            return None
        if path:
            names = list(_underlying(self.function).__code__.co_varnames)
            g, x = follow(g, x, path, path_text(names[position], list(path)))
        return _match_argument(g, x)

    def __repr__(self):
        kind = "value_and_grad" if self.with_value else "grad"
        names = _underlying(self.function).__code__.co_varnames
        wrt = [path_text(names[p], list(path)) if path else p - len(self._leading) for p, path in self.items]
        return f"<astgrad {kind} of {self._name} wrt {wrt[0] if self.single else tuple(wrt)}>"

    def __reduce__(self):
        """Pickled as the function it differentiates and the options: never generated code."""
        return reduce_transform(self, _user_function(self.function), Derivative,
                                (self.function, self.items, self.single, self.with_value, self._options))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _refuse_plain_items(derivative, values):
    """A TypeError for a wrt item of a gradient that is (or holds) an object of a plain
    class holding floats (plain_objects.py): its gradient would be None."""
    names = list(_underlying(derivative.function).__code__.co_varnames)
    kind = "value_and_grad" if derivative.with_value else "grad"
    for position, path in derivative.items:
        value = values[position]
        for step in path:
            value = value.get(step) if type(value) is dict else getattr(value, step, None)
        refuse_plain_argument(value, path_text(names[position], list(path)), kind,
                              "leave it out of wrt= to hold it constant")


def _user_function(f):
    """The function (plain or @differentiable) at the bottom of a chain of derivatives."""
    while isinstance(f, Derivative):
        f = f.function
    return f


def _function_name(f):
    """The name in messages: a derivative takes its function's arguments, so it uses its name."""
    if isinstance(f, Derivative):
        return _function_name(f.function)
    if isinstance(f, PartialFunction):      # the function it calls, as Python's messages name it
        return getattr(f.called, "__name__", "f")
    return getattr(_underlying(f), "__name__", "f")


def _bind(f, args, kwargs):
    """``f``'s arguments bound to its public signature with the defaults filled in, so a
    transform takes exactly ``f``'s arguments. A TypeError worded like Python's own when
    they do not fit (too many, missing, an unknown keyword)."""
    signature = public_signature(f)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as exc:
        user = _user_function(f)
        python = user.arguments_refused(signature, args, kwargs) if isinstance(user, PartialFunction) else None
        unknown = _unknown_keyword(signature, kwargs)
        if unknown is not None:     # Python reports it first (inspect a missing argument first)
            exc = f"got an unexpected keyword argument {unknown!r}"
        raise TypeError(python or f"{_function_name(f)}() {exc}{library_advice(_underlying(user))}") from None
    bound.apply_defaults()
    return bound


def _bind_primals(f, primals, transform):
    """``_bind`` for vjp and jvp, which give ``f`` its primals by position: where they do
    not fit and ``f`` has keyword-only parameters, the error says how to reach those."""
    try:
        return _bind(f, primals, {})
    except TypeError as error:
        parameters = public_signature(f).parameters.values()
        keywords = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]
        if not keywords:
            raise
        positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        name, first = _function_name(f), keywords[0]
        taking = ", ".join(positional + keywords)
        calling = ", ".join(positional + [f"{k}={k}" for k in keywords])
        raise TypeError(f"{error}; {transform} gives {name} its primals by position, and {', '.join(keywords)} "
                        f"{'is' if len(keywords) == 1 else 'are'} keyword-only: give {transform} a function taking "
                        f"{'it' if len(keywords) == 1 else 'them'} by position (lambda {taking}: {name}({calling})), "
                        f"or hold it constant with functools.partial({name}, {first}=...)") from None


def _unknown_keyword(signature, kwargs):
    """The first of ``kwargs`` that names no parameter of ``signature`` (which takes no
    ``**kwargs``) a keyword can give; else None."""
    parameters = signature.parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    names = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY, p.POSITIONAL_ONLY)}
    return next((name for name in kwargs if name not in names), None)


def _named_values(gradient, bound):
    """The values ``bound`` gives the parameters of ``gradient``'s function: a TypeError
    if it no longer has one of them (a ``functools.partial`` given new arguments since,
    whose parameters changed)."""
    try:
        return tuple(bound.arguments[name] for name in gradient._names)
    except KeyError as missing:
        raise TypeError(f"{_function_name(gradient)}() no longer takes the argument {missing.args[0]!r} "
                        f"this derivative was taken for (its parameters changed since); take the "
                        f"derivative again") from None


@public
def grad(f: Callable[..., Any], wrt: Wrt = FIRST, *, preserve_result: bool = False,
         backend: str = "python", checkpoint: "int | str | None" = None,
         argnums: "int | Tuple[int, ...] | None" = None, has_aux: bool = False) -> Derivative:
    """The gradient function of a scalar-valued ``f``.

    ``wrt`` picks the argument(s): an int or a parameter name gives one gradient, a
    tuple gives a tuple of gradients in that order. With ``preserve_result=True`` the
    gradient function returns ``(value, gradient)``. Works on plain functions, on
    @differentiable ones (reusing their generated code) and on generated derivatives,
    to any order.

    ``backend="numba"`` runs the generated code compiled by numba (``"auto"``: where
    numba can compile it, else the Python code); ``checkpoint=k`` (or ``"sqrt"``)
    keeps every k-th state of long loops and recomputes the rest. See docs/api.md.

    As in JAX, ``argnums`` is ``wrt`` by position, and with ``has_aux=True`` ``f`` returns
    ``(value, aux)``: the gradient is that of ``value``, returned as ``(gradient, aux)``.
    """
    wrt = chosen_wrt("grad", f, wrt, argnums)
    if has_aux:
        as_function(f)      # refuses what no transform takes, in its words
        value_function(f)   # and a library function (numpy.sum), which returns no aux
        call_options.refuse_numba_with_aux(backend, _where(getattr(f, "__func__", f)))
        return with_aux(grad, f, "value_and_grad" if preserve_result else "grad",
                        wrt=wrt, preserve_result=preserve_result, backend=backend, checkpoint=checkpoint)
    f = as_function(f)
    chosen = call_options.options(backend, checkpoint)      # checked before any generation
    if takes_varargs(f):
        return shaped(f, lambda target, spec: grad(target, spec_wrt(spec, wrt), preserve_result=preserve_result,
                                                   backend=backend, checkpoint=checkpoint))
    items, single = wrt_items(f, wrt)
    return Derivative(f, items, single, preserve_result, chosen)


@public
def value_and_grad(f: Callable[..., Any], wrt: Wrt = FIRST, *, backend: str = "python",
                   checkpoint: "int | str | None" = None, argnums: "int | Tuple[int, ...] | None" = None,
                   has_aux: bool = False) -> Derivative:
    """Like ``grad`` but the returned function gives ``(value, gradient)`` (with
    ``has_aux=True``: ``((value, aux), gradient)``, as JAX's)."""
    return grad(f, chosen_wrt("value_and_grad", f, wrt, argnums), preserve_result=True, backend=backend,
                checkpoint=checkpoint, has_aux=has_aux)


def _where(fn):
    """(file, first line) of a user function, for errors about its options."""
    code = getattr(fn, "__code__", None)
    return (getattr(code, "co_filename", None), getattr(code, "co_firstlineno", None))


@overload
def vjp(f: Callable[..., Any], *primals: Any, has_aux: Literal[False] = False) -> Tuple[Any, "Pullback"]: ...
@overload
def vjp(f: Callable[..., Any], *primals: Any, has_aux: Literal[True]) -> Tuple[Any, "Pullback", Any]: ...


@public
def vjp(f: Callable[..., Any], *primals: Any,
        has_aux: bool = False) -> Union[Tuple[Any, "Pullback"], Tuple[Any, "Pullback", Any]]:
    """``(out, pullback)``: ``pullback(cotangent)`` returns one gradient per primal
    (None for arguments that are not floats: ints, strings, None). With ``has_aux=True``
    ``f`` returns ``(out, aux)`` and vjp returns ``(out, pullback, aux)``, as JAX's."""
    if has_aux:
        as_function(f)
        (out, pullback), aux = collected(vjp, value_function(f), *primals)
        return out, pullback, aux
    f = as_function(f)
    if takes_varargs(f):
        return vjp(spec_for(f, primals)[0], *primals)
    made = _for_functions(f, primals)
    if made is not f:
        return vjp(made, *primals)
    _check_function(f)
    _refuse_generator(f)
    bound = _bind_primals(f, primals, "vjp")
    _refuse_changing_draws(f, "vjp", bound.arguments)      # the pullback runs f's code again: the same draws
    _refuse_complex(primals, "vjp")
    for name, value in zip(bound.arguments, primals):
        refuse_plain_argument(value, name, "vjp", "hold it constant by closing over it: "
                              f"vjp(lambda ...: {_function_name(f)}(..., {name}, ...), ...)", paths=False, ints=False)
    refuse_iterator_arguments(bound.arguments, "vjp")
    before = _outer_snapshot(f, "vjp")      # the globals f rebinds: the pullback starts from them
    out, codes, read = _value_and_pullback_codes(f, primals, bound, before)
    return out, Pullback(f, primals, out, bound, before, codes, read)


_SETTLE_ATTEMPTS = 8    # runs of f while another thread keeps rebinding what it depends on

# the code this thread's latest gradient call ran (set as the run returns, so an outer
# gradient's after an inner one's), recorded while a vjp of a gradient watches, to pair
# it with the pullback's code; _watching counts those vjps in all threads (a gradient's
# call tests it alone)
_ran = threading.local()
_watching = 0
_watching_lock = threading.Lock()


def _called(f, primals):
    """``f``'s value at copies of ``primals`` (f may write into its arguments; the pullback
    needs them as given), and for a gradient the code its call ran (else None)."""
    global _watching
    if not isinstance(f, Derivative):
        return f(*_copies(primals)), None
    with _watching_lock:
        _watching += 1
    _ran.code = None
    try:
        out = f(*_copies(primals))
    finally:
        with _watching_lock:
            _watching -= 1
    ran, _ran.code = _ran.code, None
    return out, ran() if ran is not None else None


def _value_and_pullback_codes(f, primals, bound, before):
    """``f``'s value at ``primals``, the pullback's codes, and the names ``f`` read as the
    value was computed (the pullback reads them so), for the same objects. The value comes
    from ``f``'s value code, which holds the objects its guards checked as the pullback's
    code holds them, made from the same reading of the names (guards that agree): one
    function, whatever another thread rebinds meanwhile. Where ``f`` has no value code,
    ``f`` runs and the guards are read again after. A disagreement (another thread rebound
    a name between two readings) has both made again, from the values ``f`` started from."""
    codes = _PullbackCodes(f, primals)
    # a hook a callee runs as it is, refused before f runs; made before the loop, whose
    # readings the value code this makes would otherwise count as rebound meanwhile
    refuse_hooks_first(f, (*codes.leading, *_copies(primals)))
    for _ in range(_SETTLE_ATTEMPTS):
        general = codes.chosen()
        value = codes.value_code(bound, len(primals)) if general is not None else None
        read = _read_snapshot(f)
        if general is not None:     # before f (or a callee its value code runs) changes what the pullback refuses
            refuse_writes_first(f, (*codes.leading, *_copies(primals)), own_lines=value is None)
        # f may write into its arguments; the pullback needs them as given
        out, ran = (run_value_code(value, *codes.leading, *_copies(primals)), None) if value is not None \
            else _called(f, primals)
        _check_output(out, _function_name(f))
        codes.made_for(general, bound, out)
        place = codes.disagreement(value, before, ran)
        if place is None:
            return out, codes, read
        if before is not None:
            before.restore()
    file, line = _where(inspect.unwrap(_user_function(f)))
    where = f"{file}:{line}: " if file is not None else ""
    raise TransformError(caching.rebound_message(f"{where}vjp of {_function_name(f)}", place,
                                                 f"{_SETTLE_ATTEMPTS} runs", "pullback"))


def _as_started(before, compute):
    """``compute()`` with the globals ``f`` rebinds as they were before it ran (``before``,
    a Snapshot, or None), then put back as they are."""
    now = before.taken_again() if before is not None else None
    if now is not None:
        before.restore()
    try:
        return compute()
    finally:
        if now is not None:
            now.restore()


class _PullbackCodes:
    """The codes a pullback runs: the general code, and the code specialized to a
    cotangent like the output (None where there is none)."""

    def __init__(self, f, primals):
        self.function = f
        self.leading = leading_arguments(f)
        # only the primals holding floats are differentiated (the others get None): an
        # object holding ints alone is a constant, whose methods run as written
        self.floats = [k for k, x in enumerate(primals) if _is_float_like(x)]
        self.positions = tuple(len(self.leading) + k for k in self.floats)
        self.general = self.specialized = self.specialized_kind = None

    def chosen(self):
        """The general code the guards choose now (None where no primal holds floats)."""
        return _compiled(self.function, self.positions, False) if self.positions else None

    def value_code(self, bound, given):
        """``f``'s value code (a method's takes its receiver first, as the pullback's code
        does), for a function of the user's (plain, @differentiable, a bound method, a
        partial, one made for the functions it is given) given the first ``given`` of its
        ``bound`` arguments; None: ``f``'s own call gives the value (a gradient, whose own
        call chooses its code; a function writing into an object other than those
        primals, a default list or one a global holds: caching.value_code)."""
        f = self.function
        if not (type(f) is types.FunctionType or isinstance(f, (Differentiable, BoundMethod, PartialFunction))):
            return None
        # its own copies of the primals vjp copies (f writes into those) are as far from the caller's
        return caching.value_code(f, frozenset(list(bound.arguments)[:given]))

    def disagreement(self, value, before, ran=None):
        """None where the value (from the code ``value``, or None: from ``f``'s call) and
        these codes are of one function (made from one reading of the names; after ``f``'s
        own call, the guards still choose the code they chose before it, and for a gradient
        the code its call ran (``ran``) read the names as the code these differentiate),
        else what differs."""
        if self.general is None:
            return None
        if value is not None:
            return caching.disagreement(self.function, (value, self.general, self.specialized))
        if ran is not None and isinstance(self.function, Derivative):
            place = caching.mixed_with(ran, (self.general, self.specialized))
            if place is not None:
                return place
        if (self.chosen() if before is None else _as_started(before, self.chosen)) is self.general:
            return None
        return f"a name {_function_name(self.function)} depends on"

    def made_for(self, general, bound, out):
        """These codes, with ``general`` and the code specialized to a cotangent like ``out``."""
        self.general = general
        self.specialized = self.specialized_kind = None
        if general is not None and not self.leading and type(out) in (float, numpy.ndarray):
            self.specialized_kind = argument_kinds.kind_of(out)
            self.specialized = _pullback_code(self.function, bound, self.positions, general, out)


class Pullback:
    """vjp's pullback: the transposed Jacobian of ``f`` at ``primals`` applied to a
    cotangent of ``f``'s output ``out``."""
    __astgrad_result__ = "vjp's pullback"     # not a function transforms take (bound.as_function)

    def __init__(self, f, primals, out, bound=None, before=None, codes=None, read=None):
        self.function, self.primals, self.out = f, primals, out
        self._held = kept_primals(primals)      # what a write into a primal since would change
        self._before = before       # the globals f rebinds as vjp found them (outer_state.py)
        self._read = read           # the names f reads as vjp found them (read_places.py)
        if read is not None:
            read.keep_contents()    # the arrays they hold as f left them: a write into one since is refused
        self._bound = bound if bound is not None else _bind(f, primals, {})
        # a set or deque among them as vjp found them: each call is given a fresh copy (fresh_collections.py)
        self._handed = _fresh(self._bound.args), _fresh_keywords(self._bound.kwargs)
        # the codes are made as vjp runs f (made now when unpickled): the pullback is f's
        # derivative as vjp found f and the names it reads, whatever they are rebound to
        # before it is called (the value ``out`` came from them)
        if codes is None:
            codes = _PullbackCodes(f, primals)
            codes.made_for(codes.chosen(), self._bound, out)
        self._leading, self._floats, self._positions = codes.leading, codes.floats, codes.positions
        self._compiled = codes.general
        self._specialized, self._specialized_kind = codes.specialized, codes.specialized_kind
        self.__name__ = f"pullback_{_function_name(f)}"

    @public
    def __call__(self, cotangent: Any, *extra: Any) -> Tuple[Any, ...]:
        if extra:
            raise TypeError(f"{self.__name__} takes one cotangent, of the shape of "
                            f"{_function_name(self.function)}'s output, but {1 + len(extra)} were given; "
                            "for a function returning a tuple, pass one tuple of cotangents")
        cotangent = _matching(cotangent, self.out, "vjp pullback: the cotangent",
                              f"{_function_name(self.function)}'s output")
        if self._compiled is None:
            return tuple(None for _ in self.primals)
        _refuse_complex((cotangent,), "vjp pullback (the cotangent)")
        refuse_changed_primals(self.primals, self._held, "vjp pullback")
        refuse_changed_reads(self._read, "vjp pullback")
        for receiver in self._leading:
            check_receiver(receiver, self.function)
        code = self._compiled
        if self._specialized is not None and argument_kinds.kind_of(cotangent) == self._specialized_kind:
            code = self._specialized
        # a copy: a gradient returned may be the cotangent itself (f's identity), written into later
        seed = {seed_parameter(code): _as_adjoint(_copies([cotangent])[0])}
        # the code runs f again: from the values f started from (and changes no global)
        grads = _as_started(rebound_since(self._read), lambda: _as_started(self._before, lambda: run_derivative(
            code, *self._leading, *_fresh(self._handed[0]), **_fresh_keywords(self._handed[1]), **seed)))
        if len(self._positions) == 1:
            grads = (grads,)
        by_position = dict(zip(self._floats, grads))
        return tuple(_match_argument(by_position[k], x, integers_are_constants=True) if k in by_position else None
                     for k, x in enumerate(self.primals))

    def __repr__(self):
        return f"<astgrad vjp pullback of {_function_name(self.function)}>"

    def __reduce__(self):
        """The function, the primals and the output (values, pickled as such)."""
        return reduce_transform(self, _user_function(self.function), Pullback,
                                (self.function, self.primals, self.out))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# -- forward mode and second derivatives ----------------------------------------------

def _tangent_params(compiled, count):
    """The names of the ``count`` tangent parameters (the last keyword-only ones)."""
    code = compiled.__code__
    keyword_only = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    return keyword_only[len(keyword_only) - count:]


def _refuse_generator(f, wrt=0):
    """A generator function refused at once, with grad's TransformError (file, line,
    yield), by every transform, as grad refuses it."""
    try:
        fn = _underlying(f)
    except Exception:       # noqa: BLE001 - a gradient waiting for function values: not a generator
        return
    if inspect.isgeneratorfunction(fn):
        grad(f, wrt)        # raises the TransformError naming the yield


def _refuse_changing_draws(f, transform, arguments=None):
    """jacobian and hessian call ``f`` (or its gradient) once per column, vjp calls ``f``
    and then its derivative: a function whose numbers change from run to run (random
    draws not seeded in the code, a clock) would mix the columns of different runs into
    one matrix (a pullback of another run), the derivative of no run. Refused
    at once, naming the call, with grad's advice. ``arguments`` (name -> value, where the
    call's arguments are known): a random generator given there makes a method call on
    an object of a class not known from the code (``gen.normal()``) such a draw."""
    from .analysis.purity import first_impure_call, stateful_argument
    from .caching import read_prepared
    fn = _plain_function(f)
    if fn is None:
        return
    found = first_impure_call(fn, read_prepared)
    if found is None:
        return
    what = found.what       # (found is cached: left as it is)
    if what.startswith("the method ."):
        given = stateful_argument(arguments or {})
        if given is None:
            return          # an object's method of an unknown class: not known to change
        what = f"{what.split(' of ')[0]} of the {type(given[1]).__name__} given as '{given[0]}'"
    if transform == "vjp" and what.startswith("time."):
        return              # a wrapper timing the call it makes (its time scaled by 0): tests/test_held_seeds.py
    through = f" (through {' -> '.join(found.chain)})" if len(found.chain) > 1 else ""
    advice = ("Read the clock outside and pass the time in, or let the time read reach only print, logging "
              "or warnings" if what.startswith("time.") else "Draw the random numbers outside and pass "
              "them in, make the generator from a seed written in the code (numpy.random.default_rng(0))")
    runs, mixed = (("runs {} for its value and again in the pullback", "the pullback would differentiate another "
                    "run") if transform == "vjp" else ("differentiates {} once per column", "the columns would come "
                                                       "from different runs"))
    raise found.source.error(
        f"astgrad.{transform} {runs.format(fn.__qualname__)}, and it calls "
        f"{what}{through}, whose result changes from call to call: {mixed}. "
        f"{advice}, or use grad, jvp or hvp, which run the function once", found.node,
        construct=what)


def _read_snapshot(f):
    """The globals, closure cells and module attributes ``f`` reads, and the attributes of
    a bound method's object, as they are now (read_places.py); None where there are none
    to follow."""
    fn = _plain_function(f)
    return read_snapshot(fn, leading_arguments(f)) if fn is not None else None


def _outer_snapshot(f, transform):
    """vjp runs ``f`` and then its derivative, jacobian and hessian run it once per
    column: the globals and closure cells ``f`` rebinds (``global K; K += 1``, in it or in
    what it calls) as they are now, put back before each further run (outer_state.py);
    None where it rebinds none."""
    from .outer_state import snapshot
    while isinstance(f, Derivative):
        f = f.function      # a gradient's code changes what its function's run changes (read from its code)
    fn = _plain_function(f)
    return snapshot(fn, transform) if fn is not None else None


def _runs_from(before, run):
    """``run`` (a function of one seed) starting each call from ``before`` (a Snapshot, or None)."""
    if before is None:
        return run

    def from_before(seed):
        before.restore()
        return run(seed)
    return from_before


def _refusal_first(run, seed, before):
    """``run(seed)``, the first column of a derivative, run before the function itself
    runs: a check its code makes (a hook of an object of the user's, a write into what
    a class holds) refuses before the function's own run changed anything. Its result,
    or _FAILED where it raised anything else (the function's own run raises it as Python
    would, or the column runs again); the globals ``before`` saw are put back after it."""
    try:
        return run(seed)
    except TransformError:
        raise
    except Exception as error:      # noqa: BLE001 - left for the function's own run to raise
        if is_value_refusal(error):
            raise
        return _FAILED
    finally:
        if before is not None:
            before.restore()


def _check_function(f):
    fn = _underlying(f)
    if not inspect.isfunction(fn):
        raise TypeError(f"astgrad can only differentiate Python functions; got {f!r}. "
                        "Wrap it in a def that calls it.")
    return fn


@overload
def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], *,
        has_aux: Literal[False] = False) -> Tuple[Any, Any]: ...
@overload
def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], *,
        has_aux: Literal[True]) -> Tuple[Any, Any, Any]: ...


@public
def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], *,
        has_aux: bool = False) -> Union[Tuple[Any, Any], Tuple[Any, Any, Any]]:
    """Forward mode: ``(f(*primals), J @ tangents)``.

    ``primals`` and ``tangents`` are tuples of equal length; arguments that are not
    floats (ints, strings, None) are constants, and their tangents must be None (or zero).
    With ``has_aux=True`` ``f`` returns ``(out, aux)`` and jvp returns
    ``(out, tangent, aux)``, as JAX's.
    """
    if has_aux:
        as_function(f)
        (out, tangent), aux = collected(jvp, value_function(f), primals, tangents)
        return out, tangent, aux
    f = as_function(f)
    if takes_varargs(f) and isinstance(primals, (tuple, list)):
        return jvp(spec_for(f, primals)[0], primals, tangents)
    made = _for_functions(f, primals) if isinstance(primals, (tuple, list)) else f
    if made is not f:
        return jvp(made, primals, tangents)
    fn = _check_function(f)
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents): primals and tangents must be tuples, e.g. "
                        "jvp(f, (x,), (v,))")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: got {len(primals)} primal(s) but {len(tangents)} tangent(s); "
                         "give one tangent per primal")
    bound = _bind_primals(f, primals, "jvp")
    _refuse_complex(primals, "jvp (primals)")
    _refuse_complex(tangents, "jvp (tangents)")
    # copies: the tangent returned may be one given (f's identity), which the caller may write into
    tangents = _copies([_matching(t, x, f"jvp: tangent {i}", f"primal {i}", constants_allowed=True)
                        for i, (t, x) in enumerate(zip(tangents, primals))])
    positions = tuple(i for i, x in enumerate(primals) if _is_float_like(x))
    if not positions:
        out = f(*primals)
        return out, _match_argument(_zeros_like(out), out)
    leading = leading_arguments(f)
    for receiver in leading:
        check_receiver(receiver, f)
    compiled = _forward_code(f, bound, positions) if not leading else None
    if compiled is None:
        compiled = forward_derivative(fn, tuple(len(leading) + i for i in positions))
    names = _tangent_params(compiled, len(positions))
    _refuse_iterators_of_gradient(f, "jvp")
    _refuse_callee_writes(compiled, f, (*leading, *bound.args), bound.kwargs)
    try:
        out, tangent = run_derivative(compiled, *leading, *_fresh(bound.args, lists=True),
                                      **_fresh_keywords(bound.kwargs, lists=True),
                                      **{name: tangents[i] for name, i in zip(names, positions)})
    except Exception as error:
        if not (isinstance(error, TransformError) or is_value_refusal(error)):
            _check_gradient_output(f, bound)    # a gradient's function returning no number (not run after a refusal)
        raise
    _check_gradient_output(f, bound)            # after the run: f's own draws and writes come second
    returned = getattr(f, "as_returned", None)      # a gradient's: the structures its call returns
    if returned is not None and not bound.kwargs:
        out, tangent = returned(out, bound.args), returned(tangent, bound.args)
    return _plain_value(out), _match_argument(tangent, out)


def _forward_code(f, bound, positions):
    """The forward code specialized to the kinds of the arguments ``bound`` (tangents at
    ``positions``, shaped like their primals), or None: the general code runs."""
    return _specialized_code(f, bound, ("forward", positions))


def _pullback_code(f, bound, positions, general, cotangent):
    """The reverse code (without the value) specialized to the kinds of the arguments
    ``bound`` and of the ``cotangent`` (a float or an array shaped like the output), or
    None: the code ``general`` runs."""
    seed, kind = seed_parameter(general), argument_kinds.kind_of(cotangent)
    if kind is None:
        return None
    code = _specialized_code(f, bound, ("reverse", positions, False), ((seed, kind),))
    return code if code is not None and seed_parameter(code) == seed else None


def _specialized_code(f, bound, key, seeds=()):
    """The code ``key`` of ``f`` specialized to the kinds of the arguments ``bound`` and
    of the keyword arguments ``seeds`` ((name, kind) pairs), or None (chains.py)."""
    if bound.kwargs or not (type(f) is types.FunctionType or isinstance(f, (Differentiable, PartialFunction))
                            or isinstance(f, Derivative) and f._specializes()):
        return None
    versions = versions_of(f, public_parameter_names(f))
    return versions.code_for(tuple(bound.arguments.values()), key, seeds)


def _for_functions(f, args, kwargs=None):
    """``f`` made for the functions among its arguments (function_values.py), or ``f``."""
    return _given_and_made(f, args, kwargs)[1]


def _given_and_made(f, args, kwargs=None):
    """(the function values among ``f``'s arguments, ``f`` made for them or ``f``)."""
    try:
        bound = _bind(f, args, kwargs or {})
    except (TypeError, ValueError):     # no signature (a NumPy 2.0 ufunc): checked by the caller
        return {}, f
    given = given_functions(list(bound.arguments), list(bound.arguments.values()), user_code(f))
    made = specialized(f, given) if given else None
    return given, f if made is None else made


def _zeros_like(value):
    from .runtime import zeros_like
    return zeros_like(value)


def _refuse_bool_argument(x, name, transform):
    """The argument a second derivative or a Jacobian is taken by must not be a bool (a
    Python bool, a NumPy bool or a bool array), as for grad (``_refuse_bool``)."""
    if isinstance(x, (bool, numpy.bool_)) or type(x) is numpy.ndarray and x.dtype.kind == "b":
        raise TypeError(f"{transform}: argument {name!r} is a bool ({x!r}); astgrad differentiates with "
                        "respect to real numbers only. Pass a float (float(x) or x.astype(float)), or "
                        "differentiate with respect to another argument")


def _array_argument(x, name, transform):
    """jacobian and hessian lay derivatives out over the elements of an array: the argument
    must be a number, an array or a (nested) list of numbers that forms one."""
    _refuse_bool_argument(x, name, transform)
    refuse_plain_argument(x, name, transform, "differentiate with respect to another argument")
    if not isinstance(x, dict):
        try:
            if numpy.asarray(x).dtype.kind in "iuf":
                return
        except ValueError:
            pass
    if isinstance(x, numbers.Number) and not isinstance(x, (numpy.generic, numpy.ndarray)):
        raise TypeError(f"{transform} needs argument {name!r} to be a float or an int, not a "
                        f"{type(x).__name__}: pass float({name})")
    raise TypeError(f"{transform} needs argument {name!r} to be a number or an array (or a list of "
                    f"numbers forming one), not {_shape_text(x)}; "
                    f"for lists, tuples and dicts of arrays use astgrad.grad, vjp, jvp or hvp, or "
                    f"pass the arrays as separate arguments")


def _float_dtype_of(x):
    """The float dtype of a derivative by ``x``: x's own, float64 for ints and Python numbers."""
    dtype = numpy.asarray(x).dtype      # result_type would read a list as a dtype's fields
    return dtype if dtype.kind == "f" else numpy.dtype(numpy.float64)


def _flat_basis(x):
    x = numpy.asarray(x)
    dtype = x.dtype if numpy.issubdtype(x.dtype, numpy.inexact) else numpy.float64
    for position in range(x.size):
        e = numpy.zeros(x.size, dtype=dtype)
        e[position] = 1
        yield e.reshape(x.shape) if x.ndim else e[0]


@public
def jacobian(f: Callable[..., Any], wrt: Union[int, str] = FIRST,
             mode: Literal["auto", "forward", "reverse"] = "auto", *,
             argnums: Optional[int] = None, has_aux: bool = False) -> Union["Jacobian", JacobianOfDerivative]:
    """A function computing the Jacobian of ``f`` w.r.t. argument ``wrt``, of shape
    ``out.shape + x.shape``. ``mode``: "forward" (one jvp per input element),
    "reverse" (one vjp per output element) or "auto" (whichever needs fewer passes).
    ``argnums`` is JAX's name for ``wrt``; with ``has_aux=True`` ``f`` returns
    ``(out, aux)`` and the function returns ``(jacobian, aux)``."""
    wrt = chosen_wrt("jacobian", f, wrt, argnums)
    if type(f) in (Jacobian, Hessian) and not has_aux:   # third derivatives: the inner code differentiated again
        return JacobianOfDerivative(f, wrt, mode, _outer_snapshot, type(f) is Hessian)
    if has_aux:
        as_function(f)
        return with_aux(jacobian, f, "jacobian", wrt=wrt, mode=mode)
    f = as_function(f)
    _refuse_generator(f, wrt)
    _refuse_changing_draws(f, "jacobian")
    if takes_varargs(f):
        return shaped(f, lambda target, spec: jacobian(target, spec_wrt(spec, wrt), mode))
    return Jacobian(f, wrt, mode)


def _check_jacobian_output(out, fn_name):
    """jacobian stacks the derivatives of one number or array: a dict, a dataclass or a
    list of arrays of different shapes has no such Jacobian."""
    if isinstance(out, numbers.Number) or _is_numeric_array(out):
        return
    try:
        stacked = None if isinstance(out, dict) or is_record(out) else numpy.asarray(out)
    except ValueError:      # arrays of different shapes
        stacked = None
    if stacked is None or stacked.dtype.kind not in "biufc":
        raise TypeError(
            f"jacobian needs {fn_name} to return a number or an array (or a list of numbers forming one), "
            f"not a {type(out).__name__}{' of arrays of different shapes' if isinstance(out, (list, tuple)) else ''}; "
            f"take the jacobian of a function returning one of its outputs (jacobian(lambda x: {fn_name}(x)[k])), "
            "or use jvp or vjp, which give and take a derivative of the same structure")


class Jacobian:
    """What ``jacobian(f, wrt, mode)`` returns: call it with ``f``'s arguments."""
    __astgrad_result__ = "what astgrad.jacobian returns"     # not a function transforms take (bound.as_function)

    def __init__(self, f, wrt=0, mode="auto"):
        if mode not in ("auto", "forward", "reverse"):
            raise ValueError(f"jacobian mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
        f = as_function(f)
        self._target = WrtTarget(f, wrt, "jacobian")
        self._position = self._target.position
        self.function, self.wrt, self.mode = f, wrt, mode
        self.__name__ = f"jacobian_{getattr(f, '__name__', None) or 'f'}"

    @property
    def _fn(self):
        """The code to differentiate: asked at each call, since a gradient given function
        values has none before it knows them."""
        return _underlying(self.function)

    @public
    def __call__(self, *args: Any, **kwargs: Any) -> numpy.ndarray:
        f, mode, target = self.function, self.mode, self._target
        given, made = _given_and_made(f, args, kwargs)
        if made is not f:
            return made_for(self, given, lambda: Jacobian(made, self.wrt, mode))(*args, **kwargs)
        fn = self._fn
        bound = _bind(f, args, kwargs)
        _refuse_changing_draws(f, "jacobian", bound.arguments)     # again: a seed constant rebound since
        refuse_iterator_arguments(bound.arguments, "jacobian")
        _refuse_iterators_of_gradient(f, "jacobian")
        _check_gradient_output(f, bound)
        _refuse_complex(list(bound.arguments.values()), "jacobian", list(bound.arguments))
        x = target.value(bound)
        _array_argument(x, target.label, "jacobian")
        arguments = target.arguments(bound)
        refuse_writes_first(fn, _copies(arguments), _fresh_keywords(bound.kwargs))
        refuse_hooks_first(fn, _copies(arguments), _fresh_keywords(bound.kwargs))
        before = _outer_snapshot(f, "jacobian")     # each column starts from the globals f starts from
        out = fn(*_copies(arguments), **_fresh_keywords(bound.kwargs))     # (its output's size chooses the mode)
        after = before.taken_again() if before is not None else None
        try:
            return self._columns(bound, out, before)
        except TransformError:
            after = before      # refused: left as they were, as the transforms refusing before f runs leave them
            raise
        finally:
            if after is not None:
                after.restore()     # as one call of f leaves them

    def _columns(self, bound, out, before):
        f, position, mode, target = self.function, self._position, self.mode, self._target
        fn, x, arguments = self._fn, target.value(bound), target.arguments(bound)
        _check_jacobian_output(out, _function_name(f))
        use_forward = mode == "forward" or (mode == "auto" and numpy.size(x) <= numpy.size(out))
        if use_forward:
            compiled = None
            if not target.path and not target.leading:
                compiled = _forward_code(f, bound, (position,))
            basis = _flat_basis(x)
            if compiled is None:
                compiled = forward_derivative(fn, (position,))
            elif type(x) in (float, int):       # specialized code is given a tangent of x's kind
                basis = (1.0,)
            (name,) = _tangent_params(compiled, 1)
            column = _runs_from(before, lambda e: numpy.asarray(run_derivative(
                compiled, *_fresh(arguments, lists=True), **_fresh_keywords(bound.kwargs, lists=True),
                **{name: target.seed(bound, e)})[1]))
            columns = [column(e) for e in basis]
            flat = numpy.stack(columns, axis=-1) if columns else numpy.zeros(numpy.shape(out) + (0,))
            # in x's float dtype, as the rows of reverse mode are (and grad and hessian)
            return flat.reshape(numpy.shape(out) + numpy.shape(x)).astype(_float_dtype_of(x), copy=False)
        compiled = reverse_derivative(fn, (position,), False)
        basis = (1.0,) if type(out) is float else _flat_basis(out)
        if not target.path and not target.leading and type(out) in (float, numpy.ndarray):
            first = 1.0 if type(out) is float else next(_flat_basis(out), None)
            compiled = _pullback_code(f, bound, (position,), compiled, first) or compiled
        seed = seed_parameter(compiled)
        row = _runs_from(before, lambda e: numpy.asarray(_match_argument(target.select(bound, run_derivative(
            compiled, *_fresh(arguments), **_fresh_keywords(bound.kwargs), **{seed: e})), x)))
        rows = [row(e) for e in basis]
        flat = numpy.stack(rows) if rows else numpy.zeros((0,) + numpy.shape(x))
        return flat.reshape(numpy.shape(out) + numpy.shape(x))

    def __repr__(self):
        return f"<astgrad jacobian of {_function_name(self.function)} wrt {self.wrt!r} mode {self.mode!r}>"

    def __reduce__(self):
        return reduce_transform(self, _user_function(self.function), Jacobian,
                                (self.function, self.wrt, self.mode))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


@public
def hvp(f: Callable[..., Any], wrt: Union[int, str] = 0) -> "HessianVectorProduct":
    """A function ``(*args, v)`` giving the Hessian of scalar ``f`` w.r.t. argument
    ``wrt`` times ``v``, by forward mode over the generated gradient (no Hessian is formed)."""
    f = as_function(f)
    _refuse_generator(f, wrt)
    if takes_varargs(f):
        return shaped(f, lambda target, spec: hvp(target, spec_wrt(spec, wrt)), trailing=1)
    return HessianVectorProduct(f, wrt)


def _v_keyword(f, kwargs):
    """What to say of ``v=...`` given to an hvp whose function has no parameter ``v``."""
    if "v" not in kwargs or "v" in public_parameter_names(f):
        return ""
    return ", positionally: hvp(f)(x, v), not v=..."


def _bind_before_v(f, args, kwargs):
    """``_bind`` of the arguments an hvp is given before ``v``, saying where ``v`` goes
    when they do not fit (``hvp(f)(x)`` took ``x`` for ``v``)."""
    try:
        return _bind(f, args, kwargs)
    except TypeError as error:
        raise TypeError(f"{error}; hvp of {_function_name(f)} takes its arguments followed by v"
                        f"{_v_keyword(f, kwargs)}") from None


class HessianVectorProduct:
    """What ``hvp(f, wrt)`` returns: call it with ``f``'s arguments followed by ``v``."""
    __astgrad_result__ = "what astgrad.hvp returns"     # not a function transforms take (bound.as_function)

    def __init__(self, f, wrt=0, transform="hvp"):
        f = as_function(f)
        self._target = WrtTarget(f, wrt, transform)     # transform: the name errors give
        self._position = self._target.position
        self.function, self.wrt = f, wrt
        self.__name__ = f"hvp_{getattr(self._fn, '__name__', 'f')}"
        # code specialized to the kinds of the arguments and of v (see specialize.py)
        self._versions = None
        self._arity = -1        # the number of parameters where all are positional (the quick path)
        if not self._target.path and not self._target.leading and (
                type(f) is types.FunctionType or isinstance(f, PartialFunction)
                or isinstance(f, Derivative) and f._specializes()):
            self._versions = ProductVersions(f, self._position, tuple(public_parameter_names(f)))
            parameters = list(public_signature(f).parameters.values())
            positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            if all(p.kind in positional for p in parameters):
                self._arity = len(parameters)

    @property
    def _fn(self):
        """The code to differentiate: asked at each call, since a partial set again by
        ``__setstate__`` stands for another function."""
        return _underlying(self.function)

    @public
    def __call__(self, *args_and_v: Any, **kwargs: Any) -> Any:
        f = self.function
        if not args_and_v:
            raise TypeError(f"hvp of {_function_name(f)} takes its arguments followed by v{_v_keyword(f, kwargs)}")
        if not kwargs and len(args_and_v) == self._arity + 1:
            product = self._run_unchecked(args_and_v)
            if product is not None:
                return product
        *args, v = args_and_v
        given, made = _given_and_made(f, args, kwargs)
        if made is not f:
            return made_for(self, given, lambda: HessianVectorProduct(made, self.wrt))(*args_and_v, **kwargs)
        return self._products(args, kwargs, v)(v)

    def _products(self, args, kwargs, v):
        """``product(v)`` for the arguments ``args``, ``kwargs`` and each ``v`` of the kind
        of the ``v`` given: all run the code chosen now, so that the columns of a Hessian
        are those of one function, whatever another thread rebinds meanwhile."""
        f, position, target = self.function, self._position, self._target
        bound = _bind_before_v(f, args, kwargs)
        _refuse_complex(list(bound.arguments.values()) + [v], "hvp")
        x = target.value(bound)
        _refuse_bool_argument(x, target.label, "hvp")
        refuse_object_array(x, target.label, "hvp", "differentiate with respect to another argument")
        refuse_unfollowed(x, target.label, "hvp", "differentiate with respect to another argument")
        where = f"argument {target.label!r}" if target.path else f"argument {position - len(target.leading)}"
        v = _matching(v, x, "hvp: v", where, name=target.label)     # (checked before any generation)
        arguments = target.arguments(bound)
        compiled = None
        if self._versions is not None and not bound.kwargs:
            compiled = self._versions.for_call(tuple(bound.arguments.values()), v)
        alone = compiled is not None            # specialized code returns the product alone
        if not alone:
            gradient = reverse_derivative(self._fn, (position,), False)
            compiled = forward_derivative(gradient, (position,))
        (name,) = _tangent_params(compiled, 1)

        def product(v):
            v = _matching(v, x, "hvp: v", where, name=target.label)
            tangent = {name: v if alone else target.seed(bound, v)}
            result = _run_product(f, compiled, arguments, bound.kwargs, tangent)
            return _match_argument(target.select(bound, result if alone else result[1]), x)
        return product

    def _run_unchecked(self, args_and_v):
        """The call for arguments that are Python numbers or real NumPy arrays, and a ``v``
        that is a float array (or a float) of the argument's shape: none is a function, a
        list or complex, so nothing but the product's dtype is left to match. None for
        other arguments (the full call checks them and explains what is wrong)."""
        args, v = args_and_v[:-1], args_and_v[-1]
        x = args[self._position]
        if not all(map(argument_kinds.needs_no_check, map(argument_kinds.kind_of, args))) or not (
                type(v) is numpy.ndarray and type(x) is numpy.ndarray and v.dtype.kind == "f"
                and x.dtype.kind != "b" and v.shape == x.shape or type(v) is float and type(x) is float):
            return None
        compiled = self._versions.for_call(args, v)
        if compiled is None:
            return None
        (name,) = _tangent_params(compiled, 1)
        return _match_argument(_run_product(self.function, compiled, args, {}, {name: v}), x)

    @property
    @public
    def source(self) -> str:
        """The code of the latest call (specialized to its arguments' kinds and v's, see
        docs/performance.md); the general code before the first call."""
        code = self._versions.latest_code() if self._versions is not None else None
        return code.source if code is not None else self._general().source

    @public
    def source_for(self, *args_and_v: Any, **kwargs: Any) -> str:
        """The code a call with these arguments (and ``v`` last) runs."""
        if self._versions is None or kwargs or not args_and_v:
            return self._general().source
        *args, v = args_and_v
        bound = _bind_before_v(self.function, args, kwargs)
        code = self._versions.code_for(tuple(bound.arguments.values()), v) if not bound.kwargs else None
        return code.source if code is not None else self._general().source

    def _general(self):
        return forward_derivative(reverse_derivative(self._fn, (self._position,), False), (self._position,))

    def __repr__(self):
        return f"<astgrad hvp of {_function_name(self.function)} wrt {self.wrt!r}>"

    def __reduce__(self):
        return reduce_transform(self, _user_function(self.function), HessianVectorProduct,
                                (self.function, self.wrt))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


@public
def hessian(f: Callable[..., Any], wrt: Union[int, str] = FIRST, *,
            argnums: Optional[int] = None, has_aux: bool = False) -> "Hessian":
    """A function computing the Hessian of scalar ``f`` w.r.t. argument ``wrt``, of
    shape ``x.shape + x.shape``: forward mode over the generated gradient. ``argnums``
    is JAX's name for ``wrt``; with ``has_aux=True`` ``f`` returns ``(value, aux)`` and
    the function returns ``(hessian, aux)``."""
    wrt = chosen_wrt("hessian", f, wrt, argnums)
    if has_aux:
        as_function(f)
        return with_aux(hessian, f, "hessian", wrt=wrt)
    f = as_function(f)
    _refuse_generator(f, wrt)
    _refuse_changing_draws(f, "hessian")
    if takes_varargs(f):
        return shaped(f, lambda target, spec: hessian(target, spec_wrt(spec, wrt)))
    return Hessian(f, wrt)


class Hessian:
    """What ``hessian(f, wrt)`` returns: call it with ``f``'s arguments."""
    __astgrad_result__ = "what astgrad.hessian returns"     # not a function transforms take (bound.as_function)

    def __init__(self, f, wrt=0):
        self._product = HessianVectorProduct(f, wrt, "hessian")
        self._position = self._product._position
        self.function, self.wrt = self._product.function, wrt
        self.__name__ = f"hessian_{getattr(_underlying(f), '__name__', 'f')}"

    @public
    def __call__(self, *args: Any, **kwargs: Any) -> numpy.ndarray:
        f, target = self.function, self._product._target
        given, made = _given_and_made(f, args, kwargs)
        if made is not f:
            return made_for(self, given, lambda: Hessian(made, self.wrt))(*args, **kwargs)
        bound = _bind(f, args, kwargs)
        _refuse_changing_draws(f, "hessian", bound.arguments)      # again: a seed constant rebound since
        refuse_iterator_arguments(bound.arguments, "hessian")
        _refuse_complex(list(bound.arguments.values()), "hessian", list(bound.arguments))
        x = target.value(bound)
        _array_argument(x, target.label, "hessian")
        as_list = isinstance(x, (list, tuple))      # a list of numbers: v must be one too
        basis = [e.tolist() if as_list else e for e in _flat_basis(x)]
        # the code is made (or the program refused) before f runs, as grad does
        products = self._product._products(args, kwargs, basis[0]) if basis else None
        refuse_writes_first(_underlying(f), _copies(target.arguments(bound)), _fresh_keywords(bound.kwargs))
        refuse_hooks_first(_underlying(f), _copies(target.arguments(bound)), _fresh_keywords(bound.kwargs))
        before = _outer_snapshot(f, "hessian")      # each column starts from the globals f starts from
        product = _runs_from(before, products) if basis else None
        first = _refusal_first(product, basis[0], before) if basis else _FAILED
        _check_scalar(call_from_users_line(_underlying(f), _copies(target.arguments(bound)),
                                           _fresh_keywords(bound.kwargs)),
                      _function_name(f))       # a warning f gives is shown at the line calling the hessian
        after = before.taken_again() if before is not None else None
        if product is None:                         # an empty argument (no basis): an empty hessian
            return numpy.zeros(numpy.shape(x) + numpy.shape(x))
        try:
            columns = [first if k == 0 and first is not _FAILED else product(e) for k, e in enumerate(basis)]
            flat = numpy.stack([numpy.asarray(column) for column in columns], axis=-1)
        finally:
            if after is not None:
                after.restore()     # as one call of f leaves them
        return flat.reshape(numpy.shape(x) + numpy.shape(x))

    def __repr__(self):
        return f"<astgrad hessian of {_function_name(self.function)} wrt {self.wrt!r}>"

    def __reduce__(self):
        return reduce_transform(self, _user_function(self.function), Hessian, (self.function, self.wrt))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# Differentiated code may call grad and jvp itself; the normalizer, below this module,
# recognises those calls through the engine's callees (see frontend/normalize/calls.py).
callees.grad, callees.value_and_grad, callees.jvp = grad, value_and_grad, jvp
callees.first_iterator = _first_iterator

# a transform given to a transform as the function to differentiate (grad(astgrad.grad)) is
# refused by bound.as_function in words saying what to pass, not differentiated as astgrad's code
for _transform in (differentiable, grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp):
    setattr(_transform, "__astgrad_transform__", _transform.__name__)     # (functions and a class alike)
