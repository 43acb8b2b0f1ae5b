"""The eighth acceptance hunt as a permanent differential test: the programs of
tests/hunt8_programs.py (squares through a kink, generators taken item by item, dicts
read by their keys, scipy.linalg's solvers, polynomials), each against central finite
differences in one mode of astgrad (``ci_modes`` in turn; a program that found a bug in
the mode that showed it). Then what the hunt found that is now refused, each on its own:
a value silently wrong (a generator's return value read as ``StopIteration.value``, a
float dict key read back, the exception being handled or its ``__context__`` read, an
attribute of a dataclass outside its fields, an object holding floats deeper than
searched) or NumPy's own error from inside a derivative (polyval of rows of
coefficients)."""

import dataclasses
import sys
import traceback

import numpy as np
import pytest

import astgrad
from breadth_modes import check, one_mode_tests
from hunt8_programs import CASES, X3

# the programs that found a bug, in the mode that showed it (on the old code: a wrong
# value, NumPy's or Python's error from generated code, or a refusal at second order)
FOUND = {
    "q07 ": "hessian",          # norm of a list squared: a list times an array at second order
    "q08 ": "jvp_of_grad",      # the same with np.abs
    "q09 ": "value_and_grad",   # abs(k) ** 2 of a Python int overflowed int64: a wrong value
    "d01 ": "grad",             # sum(d) of a dict: AttributeError from the adjoint of sum
    "d02 ": "jvp",              # max(d): a wrong tangent (the values taken for the keys)
    "d03 ": "vjp",              # sum(iter(d)): AttributeError
    "r01 ": "hessian",          # [w] * numpy.int64(3): refused at the call (read as an array)
    "r02 ": "hessian",          # r * r of r = sqrt(s * w) at 0: 0 (sqrt's kink), not 2w
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


# -- a generator's return value ----------------------------------------------------------

def _returns_a_value(x, w):
    yield x * w
    return x * 3.0


def _returns_before_yielding(x, w):
    if w > 0:
        return x * 2.0
    yield x


def held_and_caught(x, w):
    it = _returns_a_value(x, w)
    a = next(it)
    b = x
    try:
        next(it)
    except StopIteration as e:
        if e.value is not None:
            b = e.value
    return np.sum(a * b)


def first_and_caught(x, w):
    a = x
    try:
        a = next(_returns_before_yielding(x, w))
    except StopIteration as e:
        if e.value is not None:
            a = e.value
    return np.sum(a * x)


def first_item_only(x, w):
    return np.sum(next(_returns_a_value(x, w))) + sum(np.sum(v) for v in _returns_a_value(x, w))


def test_a_generators_return_value_read_past_its_end_is_refused():
    """``return v`` in a generator is ``StopIteration.value`` past its end; the twins made
    of its items dropped it (e.value was None): a third of the value here, silently."""
    with pytest.raises(astgrad.TransformError, match="StopIteration"):
        astgrad.grad(held_and_caught)(X3, 0.8)
    with pytest.raises(TypeError, match="the exception caught here carries a float value"):
        astgrad.grad(first_and_caught)(X3, 0.8)
    assert np.allclose(astgrad.grad(first_item_only)(X3, 0.8), 1.6)


# -- dict keys, the exception being handled --------------------------------------------------

def float_key(x, w):
    d = {float(x[0] * w): 1}
    return list(d)[0] * x[1] + np.sum(x)


def float_key_stored(x, w):
    d = {}
    d[x[0] * w] = "a"
    return next(iter(d)) * x[1]


@pytest.mark.parametrize("f", [float_key, float_key_stored], ids=lambda f: f.__name__)
def test_a_float_dict_key_depending_on_the_inputs_is_refused(f):
    """Derivatives follow a dict's values: a key read back carried none (d/dx0 was 0)."""
    with pytest.raises(TypeError, match="a dict key here is a float"):
        astgrad.grad(f)(X3, 0.8)
    with pytest.raises(TypeError, match="a dict key here is a float"):
        astgrad.jvp(f, (X3, 0.8), (np.ones(3), 0.0))


def exc_info_read(x, w):
    try:
        raise ValueError("boom")
    except ValueError:
        inside = sys.exc_info()[0] is not None
    return np.sum(x * w) * (2.0 if inside else 1.0)


def traceback_read(x, w):
    try:
        raise ValueError("boom")
    except ValueError:
        text = traceback.format_exc()
    return np.sum(x * w) * (2.0 if "boom" in text else 1.0)


def context_read(x, w):
    try:
        try:
            raise ValueError("abc")
        except ValueError:
            raise KeyError("k")
    except KeyError as e:
        n = 1.0 if e.__context__ is None else 3.0
    return np.sum(x * w) * n


@pytest.mark.parametrize("f, match", [(exc_info_read, "sys.exc_info.. in an except clause"),
                                      (traceback_read, "format_exc.. in an except clause"),
                                      (context_read, "the __context__ of an exception")],
                         ids=["exc_info", "format_exc", "context"])
def test_the_exception_being_handled_read_in_a_handler_is_refused(f, match):
    """The handlers run after the lowered except clause: sys.exc_info() read None there,
    an exception raised in a handler had no __context__, and the value was a third or a
    half of Python's."""
    with pytest.raises(astgrad.TransformError, match=match):
        astgrad.grad(f)(X3, 0.8)


def _first_argument():
    return sys.exc_info()[1].args[0]


def _context_of(e):
    return e.__context__


def _scaled_by_the_argument(x, w):
    return np.sum(x * w) * traceback.format_exc().count("boom")


def exc_info_in_a_helper(x, w):
    try:
        raise ValueError(3.0)
    except ValueError:
        k = _first_argument()
    return np.sum(x * w) * k


def format_exc_in_a_local_function(x, w):
    def has_boom():
        return "boom" in traceback.format_exc()
    try:
        raise ValueError("boom")
    except ValueError:
        t = has_boom()
    return np.sum(x * w) * (2.0 if t else 1.0)


def format_exc_in_a_differentiated_helper(x, w):
    try:
        raise ValueError("boom")
    except ValueError:
        v = _scaled_by_the_argument(x, w)
    return v


def context_in_a_helper(x, w):
    try:
        try:
            raise ValueError("abc")
        except ValueError:
            raise KeyError("k")
    except KeyError as e:
        n = 1.0 if _context_of(e) is None else 3.0
    return np.sum(x * w) * n


@pytest.mark.parametrize("f, mode, match", [
    (exc_info_in_a_helper, "grad", "a call of _first_argument, which reads the exception being handled"),
    (format_exc_in_a_local_function, "jvp", "format_exc.. in an except clause or in a function called"),
    (format_exc_in_a_differentiated_helper, "grad", "a call of _scaled_by_the_argument, which reads"),
    (context_in_a_helper, "jvp", "a call of _context_of, which reads the exception being handled")],
    ids=["exc_info-helper", "format_exc-local", "format_exc-differentiated", "context-helper"])
def test_the_exception_being_handled_read_in_a_helper_is_refused(f, mode, match):
    """A helper called from a handler, inlined or called as it is, read no exception
    being handled (the handlers run after the lowered except clause): NumPy's
    AttributeError on None, or a value a half or a third of Python's."""
    with pytest.raises(astgrad.TransformError, match=match):
        if mode == "grad":
            astgrad.grad(f)(X3, 0.8)
        else:
            astgrad.jvp(f, (X3, 0.8), (np.ones(3), 1.0))


# -- polynomials, objects ------------------------------------------------------------------

def rows_of_coefficients(a, w):
    return np.sum(np.polyval(a, w))


def test_polyval_of_rows_of_coefficients_is_refused_in_both_modes():
    """NumPy's polyval reads a 2-D p row by row; polyder cannot: forward mode raised
    NumPy's broadcasting ValueError from inside the derivative."""
    m = np.array([[0.4, -0.2, 0.9], [1.1, 0.3, -0.6]])
    with pytest.raises(NotImplementedError, match="1-D array of coefficients"):
        astgrad.jvp(rows_of_coefficients, (m, X3), (np.zeros_like(m), np.ones(3)))
    with pytest.raises(NotImplementedError, match="1-D array of coefficients"):
        astgrad.grad(rows_of_coefficients, wrt=1)(m, X3)


@dataclasses.dataclass
class Weights:
    w: np.ndarray


class WeightsWithBias(Weights):
    def __init__(self, w, bias):
        super().__init__(w)
        self.bias = bias


@dataclasses.dataclass
class Cached:
    w: np.ndarray

    def __post_init__(self):
        self.doubled = self.w * 2.0


class Nested:
    def __init__(self, w):
        for _ in range(10):
            w = [w]
        self.held = w


def with_bias(p, x):
    return np.sum(p.w * x) + 3.0 * p.bias


def with_cache(p, x):
    return np.sum(p.doubled * x)


def nested(p, x):
    v = p.held
    for _ in range(10):
        v = v[0]
    return np.sum(v * x)


def test_an_attribute_outside_a_dataclasss_fields_is_refused():
    """The gradient of a dataclass holds its fields: it showed the primal value of
    ``bias`` (0.5) for its derivative (3.0), and 0 for ``w`` read through ``doubled``."""
    with pytest.raises(TypeError, match="attribute 'bias' .* not one of the fields"):
        astgrad.grad(with_bias)(WeightsWithBias(X3.copy(), 0.5), X3)
    with pytest.raises(TypeError, match="attribute 'doubled'"):
        astgrad.grad(with_cache)(Cached(X3.copy()), X3)
    g = astgrad.grad(with_bias, wrt=1)(WeightsWithBias(X3.copy(), 0.5), X3)
    assert np.allclose(g, X3)


def test_an_object_holding_a_float_deeper_than_searched_is_refused():
    """A float ten lists down was not found: the gradient was None, read as zero."""
    with pytest.raises(TypeError, match="class Nested, which is not a dataclass"):
        astgrad.grad(nested)(Nested(X3.copy()), X3)


class Pool:
    """Pools pairs of a vector: holds an int alone."""

    def __init__(self, k):
        self.k = k

    def forward(self, x):
        shape = (x.shape[0] // self.k, self.k)
        return np.max(x.reshape(shape), axis=1)


def pooled(x, pool):
    return np.sum(pool.forward(x) ** 2)


def test_an_object_holding_ints_alone_is_a_constant_of_vjp():
    """vjp differentiated every primal, an object holding ints alone too: its int read
    into a reshape's shape raised astgrad's internal FunctionValueUnknown. Its gradient
    is None; differentiating it by wrt= is refused with a plain TransformError."""
    x = np.array([0.3, -0.4, 0.9, 0.2])
    out, pullback = astgrad.vjp(pooled, x, Pool(2))
    g, none = pullback(1.0)
    assert none is None and np.allclose(g, [0.6, 0.0, 1.8, 0.0])
    with pytest.raises(astgrad.TransformError, match="takes no derivative through the argument 'shape'") as info:
        astgrad.grad(pooled, wrt=(0, 1))(x, Pool(2))
    assert type(info.value) is astgrad.TransformError


@dataclasses.dataclass
class Arrow:
    a: np.ndarray

    def __abs__(self):
        return np.sqrt(np.sum(self.a * self.a))


def abs_of_an_object(x, w):
    return abs(Arrow(x * w)) * 2.0


def abs_of_an_object_squared(x, w):
    return abs(Arrow(x * w)) ** 2


@pytest.mark.parametrize("f, mode", [(abs_of_an_object, "grad"), (abs_of_an_object_squared, "jvp")],
                         ids=["abs", "abs-squared"])
def test_abs_of_an_object_with_its_own_abs_follows_it(f, mode):
    """abs's rules are those of numbers: abs(obj) of a class defining __abs__ raised
    NumPy's '<' or ufunc TypeError from inside the derivative, then was refused; it is
    now ``obj.__abs__()``, against finite differences."""
    check(mode, f, (X3, 0.8), (0, 1))


def test_the_square_of_a_root_of_any_value_is_smooth_at_0_and_nan_where_the_root_is():
    """r * r of r = np.sqrt(s), s not known to be >= 0 (sum(x * x) * w): its Hessian at
    x = 0 went through sqrt's kink (0, not 2w); it is s only where the root is real, NaN
    for s < 0, as NumPy gives."""
    from hunt8_programs import r02
    with np.errstate(invalid="ignore"):
        h = astgrad.hessian(r02)(np.zeros(3), 0.8)
    assert np.allclose(h, 1.6 * np.eye(3), rtol=1e-12, atol=1e-12)
    with np.errstate(invalid="ignore"):
        value, g = astgrad.value_and_grad(r02)(X3, -0.8)
    assert np.isnan(value) and np.isnan(r02(X3, -0.8)) and np.all(np.isnan(g))
