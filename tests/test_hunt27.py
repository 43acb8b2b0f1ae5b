"""The twenty-seventh acceptance hunt: ordinary NumPy programs, as a permanent campaign.

An outsider's hunt over several hundred short programs of the kinds people differentiate
(losses, layers, normalisation, recurrent steps, kernels, ODE steps, piecewise functions,
masks, selections, linear algebra, index writes, views and aliases written through,
repeated indices, dtypes, 0-d and empty arrays), each in grad, value_and_grad, vjp, jvp,
hessian and the second-order modes against central finite differences, and at kinks
against autograd and the documented conventions, found no wrong number. What it kept:
a few of those programs, each in one mode (tests/hunt27_programs.py); the refusals it
met, at the line, with the next call working; the median's convention at a tied middle,
which docs/api.md described wrongly (it follows the stable sort, as np.sort does); and
the errors misuse of the API gets, each naming what to do; and the slope an overflowed
value loses (the naive softplus at 800: grad 0, jvp NaN, where the slope is 1), now on
the page with the form that keeps it."""

import numpy as np
import pytest

import astgrad
import hunt27_programs as P
from breadth_modes import one_mode_tests
from fd import assert_close, numerical_grad

test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(P.CASES, {})

HERE = "hunt27_programs.py:"


@pytest.mark.parametrize("name, f, args, says", P.REFUSED, ids=[r[0].split()[0] for r in P.REFUSED])
def test_refused_at_the_line(name, f, args, says):
    with pytest.raises(astgrad.TransformError, match=says) as caught:
        astgrad.grad(f)(*args)
    assert HERE in str(caught.value)
    x, w = P.X4, P.W4
    assert_close(astgrad.grad(P.k01)(x, w), numerical_grad(P.k01, (x, w), wrt=0))    # the next call works


@pytest.mark.parametrize("x, expected", [
    ([2.0, 1.0, 2.0], [1.0, 0.0, 0.0]),            # the stable sort's middle is x[0]
    ([3.0, 1.0, 1.0], [0.0, 0.0, 1.0]),            # ... is x[2], not the first tied element x[1]
    ([1.0, 1.0, 1.0], [0.0, 1.0, 0.0]),
    ([1.0, 1.0, 2.0, 2.0], [0.0, 0.5, 0.5, 0.0]),  # an even count: the two middle slots
])
def test_the_median_at_a_tie_follows_the_stable_sort(x, expected):
    x = np.array(x)
    middle = np.argsort(x, kind="stable")[(len(x) - 1) // 2]
    assert len(x) % 2 == 0 or expected[middle] == 1.0
    assert_close(astgrad.grad(P.median_of)(x), expected)
    tangents = [astgrad.jvp(P.median_of, (x,), (e,))[1] for e in np.eye(len(x))]
    assert_close(tangents, expected)


def _summed(x, w=2.0):
    return np.sum(x ** 2) * w


def _doubled(x):
    return x * 2.0


def _nothing(x):
    np.sum(x)


X3 = np.array([0.3, -0.2, 0.5])

MISUSE = [
    (lambda: astgrad.grad(_summed, wrt=5)(X3), ValueError, r"wrt=5: _summed has 2 parameter\(s\) \['x', 'w'\]"),
    (lambda: astgrad.grad(_summed, wrt="z")(X3), ValueError, r"has no parameter named 'z'"),
    (lambda: astgrad.grad(_summed, wrt=0.5)(X3), TypeError, r"wrt must be an int, a parameter name"),
    (lambda: astgrad.grad(_summed, wrt=(0, 0))(X3, 2.0), ValueError, r"names the same value twice"),
    (lambda: astgrad.grad(_summed)(X3, 2.0, 3.0), TypeError, r"too many positional arguments"),
    (lambda: astgrad.grad(_summed)(X3, q=3.0), TypeError, r"unexpected keyword argument 'q'"),
    (lambda: astgrad.grad(_summed)(np.array([True, False])), TypeError, r"argument 0 is a bool .*x\.astype\(float\)"),
    (lambda: astgrad.grad(_summed)(np.array([1 + 1j])), TypeError, r"is complex .*two real arguments"),
    (lambda: astgrad.grad(_doubled)(X3), ValueError, r"return a scalar, but it returned a value of shape \(3,\); "
                                                     r"use astgrad.vjp"),
    (lambda: astgrad.grad(_nothing)(X3), TypeError, r"to return a real scalar .* but it returned None"),
    (lambda: astgrad.vjp(_doubled, X3)[1](np.ones(4)), ValueError, r"cotangent is of shape \(4,\), but _doubled's "
                                                                   r"output is of shape \(3,\)"),
    (lambda: astgrad.jvp(_doubled, (X3,), (np.ones(4),)), ValueError, r"tangent 0 is of shape \(4,\), but primal 0"),
    (lambda: astgrad.jvp(_doubled, X3, (X3,)), TypeError, r"must be tuples, e.g. jvp\(f, \(x,\), \(v,\)\)"),
    (lambda: astgrad.hvp(_summed)(X3, np.ones(4)), ValueError, r"hvp: v is of shape \(4,\), but argument 0"),
]


@pytest.mark.parametrize("call, error, says", MISUSE, ids=range(len(MISUSE)))
def test_misuse_gets_an_error_naming_what_to_do(call, error, says):
    with pytest.raises(error, match=says):
        call()
    assert_close(astgrad.grad(_summed)(X3), 4.0 * X3)     # nothing left half-made


def test_an_overflowed_softplus_loses_its_slope_as_documented_and_logaddexp_keeps_it():
    """docs/api.md: where np.log(1 + np.exp(x)) overflows (x = 800, value inf), the
    slope 1 is lost: grad and jvp give NaN (as JAX and autograd), not a finite wrong
    number; np.logaddexp(0.0, x) is exact in every mode. The naive form's numbers are the
    documented limitation: a change to them changes the page."""
    x = np.array([800.0, -800.0, 1.0])
    slope = np.array([1.0, 0.0, 1.0 / (1.0 + np.exp(-1.0))])
    assert_close(astgrad.grad(P.stable_softplus)(x), slope)
    assert_close([astgrad.jvp(P.stable_softplus, (x,), (e,))[1] for e in np.eye(3)], slope)
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isinf(P.naive_softplus(x))
        assert_close(astgrad.grad(P.naive_softplus)(x), [np.nan, 0.0, slope[2]])
        assert np.isnan(astgrad.jvp(P.naive_softplus, (x,), (np.eye(3)[0],))[1])


def test_hessian_and_hvp_of_two_arguments_name_the_mixed_block_and_it_is_right():
    x, w = P.X4, P.W4
    with pytest.raises(ValueError, match=r"astgrad.jacobian\(astgrad.grad\(f, wrt=i\), wrt=j\)"):
        astgrad.hessian(P.k01, wrt=(0, 1))(x, w)
    with pytest.raises(ValueError, match=r"astgrad.jvp\(astgrad.grad\(f, wrt=i\), args, tangents\)"):
        astgrad.hvp(P.k01, wrt=(0, 1))(x, w, w)
    gx = astgrad.grad(P.k01, wrt=0)
    block = astgrad.jacobian(gx, wrt=1)(x, w)          # what the message advises
    column = numerical_grad(lambda b: gx(x, b)[2], (w,), wrt=0)
    assert_close(block[2], column, 1e-5, 1e-6)
    v = np.array([0.5, -1.0, 0.25, 2.0])
    assert_close(astgrad.jvp(gx, (x, w), (np.zeros(4), v))[1], block @ v)
