"""The fifteenth acceptance hunt as a permanent differential test: the programs of
tests/hunt15_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it). Then what
the hunt found on its own: reads of a deleted name the analysis of ``del`` missed; a
refusal for the values met that named no line; astgrad's refusals caught by the user's
own ``except`` clauses; and Hessians, or code calling a gradient, that kept a partial's
or a function's old meaning."""

import functools
import types

import numpy as np
import pytest

import astgrad
from breadth_modes import check, one_mode_tests
from hunt15_programs import CASES, X3

# the programs that found a bug, in the mode that showed it
FOUND = {
    "d01 ": "grad",         # refused: the comprehension's own t read as the deleted one
    "d02 ": "hessian",      # refused: the lambda's parameter t
    "d03 ": "vjp",          # refused: the local def's own t
    "d04 ": "grad",         # refused: the case's capture of t
    "z01 ": "grad_inside_def",  # unindex of the zero d_layer['config'] stands for: "reads an item of a _AbsentZero"
    "z04 ": "vjp_of_grad",  # unbroadcast of d_inner onto the zero d_outer['config']['s']: "arithmetic operators ... on an object"
    "f01 ": "hessian",      # refused: "'f' is not defined (yet)", the loop variable read otherwise than called
    "f02 ": "grad_inside_def",  # refused: the kept x.reshape(2, 2) as "a method call changing a differentiated value"
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


# -- a read of a deleted name the analysis missed ---------------------------------------------

def _default_reads_deleted(x, w):
    t = x * w
    del t
    try:
        def scale(v, k=t):                  # unbound
            return v * k
        r = scale(x)
    except NameError:
        r = x * w * w
    return np.sum(r)


def _read_after_a_comprehension_of_the_name(x, w):
    t = x * w
    del t
    firsts = [t for t in x]
    try:
        r = t * w                           # unbound
    except NameError:
        r = x * w * w
    return np.sum(r) + firsts[0]


@pytest.mark.parametrize("f", [_default_reads_deleted, _read_after_a_comprehension_of_the_name])
def test_a_read_of_a_deleted_name_is_refused_at_its_line(f):
    """A def's default is read where the def stands, and a comprehension's loop variable
    is its own: the default read the old value (a gradient of w * k where Python takes the
    handler, no error), the comprehension counted as binding the name again."""
    import inspect
    lines, first = inspect.getsourcelines(f)
    line = first + next(i for i, text in enumerate(lines) if "# unbound" in text)
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt15_programs.py:{line}: .*'t'"):
        astgrad.grad(f, wrt=1)(X3, 0.8)


# -- a derivative refused for the values it meets names the user's line -------------------------

C32 = np.array([[1.0, 2.0], [0.5, -1.0], [0.3, 0.2]])


def _polyval_of_rows(x, w):
    return np.sum(np.polynomial.polynomial.polyval(x * w, C32 * w))     # refused


# -- a refusal raised as the code runs, inside a try whose handler would catch it ---------------

SCALES = np.array([1.0, 2.0, 3.0])


def _scaled_in_place_or_else(x, w):
    try:
        c = SCALES
        c *= w                              # refused: changes the global in place
    except TypeError:
        c = x * 0.0 + 7.0
    return np.sum(c * x)


def _polyval_of_rows_or_else(x, w):
    try:
        y = np.sum(np.polynomial.polynomial.polyval(x * w, C32 * w))    # refused in jvp
    except Exception:
        y = np.sum(x * 7.0)
    return y


def _diagonal_filled_or_else(x, w):
    a = np.zeros((3, 3))
    try:
        np.fill_diagonal(a, np.array([w, x[0]]))    # refused: NumPy repeats the two values
    except ValueError:
        a = np.eye(3) * 7.0
    return np.sum(a * x)


@pytest.mark.parametrize("f, transform, error, where", [
    (_scaled_in_place_or_else, "value_and_grad", TypeError, r"test_hunt15_programs.py:\d+: "),
    (_polyval_of_rows_or_else, "jvp", NotImplementedError, r"test_hunt15_programs.py:\d+: "),
    (_diagonal_filled_or_else, "value_and_grad", ValueError, "numpy.fill_diagonal"),
])
def test_a_refusal_is_not_caught_by_the_users_handler(f, transform, error, where):
    """Python runs the try body without an error, so the handler is not for astgrad's
    refusal: it caught it and astgrad differentiated the handler's program (a value of
    5.6 and gradient 7.0, with no error; the filled diagonal's handler failed inside
    generated code)."""
    saved = SCALES.copy()
    try:
        with pytest.raises(error, match=where):
            if transform == "jvp":
                astgrad.jvp(f, (X3, 0.8), (X3, 1.0))
            else:
                astgrad.value_and_grad(f, wrt=(0, 1))(X3, 0.8)
    finally:
        SCALES[...] = saved


# -- a Hessian of a partial set again by __setstate__ --------------------------------------------

def _cubes(a, x, k=1.0):
    return a * np.sum(x ** 3) + k * np.sum(x ** 2)


def test_the_hessian_of_a_partial_follows_its_state_set_again():
    """hvp (and hessian, made of it) held the function standing for the partial when it
    was made: after ``__setstate__`` it ran the old arguments with the new keywords
    (a stale Hessian, no error), where grad followed."""
    p = functools.partial(_cubes, 3.0, k=5.0)
    h, hvp = astgrad.hessian(p), astgrad.hvp(p)
    assert np.allclose(h(X3), np.diag(18.0 * X3 + 10.0))
    p.__setstate__((_cubes, (9.0,), {"k": 1.0}, None))
    assert np.allclose(h(X3), np.diag(54.0 * X3 + 2.0))
    assert np.allclose(hvp(X3, np.ones(3)), 54.0 * X3 + 2.0)


def _cube_sum(x):
    return np.sum(x ** 3)


def _fourth_power_sum(x):
    return np.sum(x ** 4)


def test_code_calling_a_gradient_follows_the_function_it_differentiates():
    """Code calling a gradient object was guarded by the object alone: the function under
    it given other code, or the partial under it set again, kept the derivative made
    before (a stale result, no error) where calling the gradient itself followed."""
    cube_sum = types.FunctionType(_cube_sum.__code__, globals(), "cube_sum")
    g = astgrad.grad(cube_sum)
    outer = astgrad.grad(lambda x: np.sum(g(x)))
    assert np.allclose(outer(X3), 6.0 * X3)
    cube_sum.__code__ = _fourth_power_sum.__code__
    assert np.allclose(outer(X3), 12.0 * X3 ** 2)

    p = functools.partial(_cubes, 3.0, k=5.0)
    gp = astgrad.grad(p)
    outer = astgrad.grad(lambda x: np.sum(gp(x)))
    assert np.allclose(outer(X3), 18.0 * X3 + 10.0)
    p.__setstate__((_cubes, (9.0,), {"k": 1.0}, None))
    assert np.allclose(outer(X3), 54.0 * X3 + 2.0)


# -- a refusal raised as the code runs, at second order too ------------------------------------------

class _Bag:
    def __init__(self, v):
        self.v = v

    def __getitem__(self, k):
        return self.v * k


class _Number:
    def __init__(self, v):
        self.v = v

    def __mod__(self, k):
        return self.v % k

    def __pos__(self):
        return self.v * 2.0


def _bag_item(x, w):
    b = _Bag(x * w)
    return np.sum(b[2] ** 2)


def _remainder_of_object(x, w):
    d = {"n": _Number(x[0] * w)}        # d["n"]'s class is not known where % is generated: found as it runs
    return np.sum(x) * (d["n"] % 2.0)


def _plus_of_object(x, w):
    d = {"n": _Number(x[0] * w)}        # d["n"]'s class is not known where unary + is generated
    return np.sum(x) * (+d["n"])        # refused


@pytest.mark.parametrize("mode", ["grad", "hessian"])
def test_an_item_read_through_a_class_s_own_getitem_follows_it(mode):
    """An item read through a class's own __getitem__ was refused as the code ran; it is
    now ``b.__getitem__(2)``, followed at first order and inside a Hessian."""
    check(mode, _bag_item, (X3, 0.8), (0, 1) if mode == "grad" else (1,))


@pytest.mark.parametrize("mode", ["grad", "hessian"])
def test_a_remainder_computed_by_an_objects_own_code_is_followed(mode):
    """% on an object computing it with code of its own, whose class is found when the
    code runs, was refused as the code ran (below); it runs _Number.__mod__'s derivative."""
    check(mode, _remainder_of_object, (X3, 0.8), (0, 1) if mode == "grad" else (1,))


def _polyval_of_rows_said(x, w):
    print("ran")
    return np.sum(np.polynomial.polynomial.polyval(x * w, C32 * w))


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
def test_a_refusal_for_the_values_does_not_run_the_function_again(transform, capsys):
    """A NotImplementedError refusal of the values met (polyval of 2-D coefficients) ran
    the function a second time to tell a non-scalar output, which cannot have caused it:
    its side effects happened twice, where astgrad's TypeError refusals run it once."""
    with pytest.raises(NotImplementedError, match="numpy.polynomial.polynomial.polyval"):
        getattr(astgrad, transform)(_polyval_of_rows_said, wrt=1)(X3, 0.8)
    assert capsys.readouterr().out.count("ran") == 1
