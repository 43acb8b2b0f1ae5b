"""The scipy.stats and non-elementwise scipy.special rules on complex values, against
central differences of what SciPy computes.

SciPy is not consistent about complex values, and each rule follows SciPy's value:

- ``norm``, ``t``, ``gamma`` and ``beta`` standardize ``(x - loc) / scale`` in ``x``'s
  float dtype. With a complex ``x`` the density is the analytic formula (the support
  test compares complex numbers as NumPy does); with a real ``x`` a complex ``loc``
  counts by its real part alone (SciPy drops the imaginary part with a ComplexWarning).
  Their derivatives differed from SciPy's value there: a wrong value with no error.
- ``multivariate_normal`` reads ``x``, ``mean`` and ``cov`` as floats: real parts.
- ``iv``, ``logsumexp``, ``softmax``, ``log_softmax`` and ``xlogy`` are analytic.

Calls SciPy itself refuses on complex values (a complex ``scale`` beside a real ``x``,
complex shape parameters, ``t.cdf`` of a complex ``x``, ``poisson`` and ``dirichlet``'s
parameters) raise before a derivative runs. The elementwise scipy.special rules are in
test_complex_rules_audit.py.
"""

import warnings

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from program_files import load

pytest.importorskip("scipy.stats")

HEAD = """
import warnings

import numpy as np
import scipy.special as sp
import scipy.stats as st

C = np.array([0.6 + 0.8j, 0.5 + 1.1j, 1.2 - 0.4j])
Y = np.array([0.9, 1.3, 0.6])
"""
X = np.array([0.45, 0.7, 0.9])
T = np.array([0.3, -0.8, 0.5])

CALLS = [
    # a complex x: the analytic density
    "st.norm.pdf(x * C)", "st.norm.logpdf(x * C)", "st.norm.cdf(x * C)", "st.norm.pdf(x * C, Y)",
    "st.norm.logpdf(x * C, 0.2, x * C + 1.0)", "st.t.pdf(x * C, 3.0)", "st.t.logpdf(x * C, 4.0, 0.2, x * C + 1.0)",
    "st.gamma.pdf(x * C, 2.0)", "st.gamma.logpdf(x * C, 2.0)", "st.gamma.logpdf(x * C + 1.0, 2.0, 0.1, x * C + 1.0)",
    "st.beta.logpdf(x * C * 0.3 + 0.2, 2.0, 3.0)", "st.beta.logpdf(x * C * 0.3 + 0.2, 2.0, 3.0, Y * 0.1)",
    # a real x and a complex loc: the real part of loc
    "st.norm.pdf(Y, x * C)", "st.norm.logpdf(Y, x * C)", "st.norm.cdf(Y, x * C, 1.5)",
    "st.t.pdf(Y, 3.0, x * C)", "st.t.logpdf(Y, 3.0, x * C, 1.2)", "st.t.cdf(Y, 3.0, x * C)",
    "st.gamma.pdf(Y, 2.0, x * C * 0.5)", "st.gamma.logpdf(Y + 2.0, 2.0, x * C, 0.8)", "st.gamma.cdf(Y, 2.0, x * C)",
    "st.beta.pdf(Y * 0.5, 2.0, 3.0, x * C * 0.2)", "st.beta.logpdf(Y * 0.5, 2.0, 3.0, x * C * 0.1, 1.3)",
    "st.beta.cdf(Y * 0.5, 2.0, 3.0, x * C * 0.2)",
    # multivariate_normal: real parts of x, mean and cov
    "st.multivariate_normal.logpdf(x * C, Y, np.eye(3))", "st.multivariate_normal.logpdf(Y, x * C, np.eye(3))",
    "st.multivariate_normal.pdf(x * C, Y * 0.5, np.diag(1.0 + x * C))",
    "st.multivariate_normal.logpdf(Y, Y * 0.5, np.eye(3) * (1.0 + x * C))",
    # scipy.special's analytic functions beyond the elementwise ones
    "sp.iv(1.0, x * C)", "sp.logsumexp(x * C)", "sp.logsumexp(Y, b=x * C)", "sp.logsumexp(x * C, b=Y)",
    "sp.softmax(x * C)", "sp.log_softmax(x * C)",
]


def _program(call):
    return load(HEAD + f"""
def f(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        w = {call}
    return np.sum(np.real(w)) + 0.5 * np.sum(np.imag(w))
""", "f")


PROGRAMS = {call: _program(call) for call in CALLS}


@pytest.mark.parametrize("call", CALLS)
def test_a_scipy_rule_on_complex_values_gives_the_derivative_of_scipys_value(call):
    fn = PROGRAMS[call]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        assert np.isfinite(fn(X))
        assert_close(astgrad.grad(fn)(X), numerical_grad(fn, (X,), 0), rtol=1e-5, atol=1e-7)
        assert_close(astgrad.jvp(fn, (X,), (T,))[1], numerical_jvp(fn, (X,), (T,)), rtol=1e-5, atol=1e-7)


SECOND_ORDER = ["st.norm.logpdf(Y, x * C)", "st.t.pdf(Y, 3.0, x * C)", "st.gamma.logpdf(Y + 2.0, 2.0, x * C, 0.8)",
                "st.multivariate_normal.logpdf(x * C, Y, np.eye(3))", "st.norm.pdf(x * C, Y)"]


@pytest.mark.parametrize("call", SECOND_ORDER)
def test_second_derivatives_through_a_complex_loc_or_point(call):
    fn = PROGRAMS[call]
    gradient = astgrad.grad(fn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        expected = np.stack([numerical_grad(lambda v: gradient(v)[k], (X,), 0) for k in range(3)])
        assert_close(astgrad.hessian(fn)(X), expected, rtol=1e-5, atol=1e-6)
