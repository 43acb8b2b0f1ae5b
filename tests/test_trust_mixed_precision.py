"""Where arrays of several precisions meet, the derivative has the precision of the value.

NumPy computes ``a16 ** b64`` in float64 (the float16 base is widened first), so the
derivative with respect to the float64 argument is a float64 quantity, as in JAX and
PyTorch. astgrad once computed parts of it in the narrow operand's precision (relative
errors of 1e-4 with a float16 operand): ``log`` of the base in the power rule, the
squares in ``arctan2``'s, and, in code specialized to the arguments, a seed spread in
the shape (and so the dtype) of a float16 argument, or kept as a bare Python number that
NumPy then rounds to float16 when it meets one. Each check differentiates with respect
to the float64 argument only and compares with central differences of what the function
computes, to a tolerance float16 rounding would break by orders of magnitude.
"""

import math

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from program_files import load

BINARY = {
    "power": "a ** b",
    "np.power": "np.power(a, b)",
    "float_power": "np.float_power(a, b)",
    "divide": "a / b",
    "np.divide": "np.divide(a, b)",
    "reciprocal product": "b / a",
    "arctan2": "np.arctan2(a, b)",
    "hypot": "np.hypot(a, b)",
    "quotient of sums": "(a * a) / (b + 1.0)",
    "mean times": "np.mean(a) * b",
    "prod times": "np.prod(a) * b",
    "power times": "a ** 2.5 * b",
    "norm times": "np.linalg.norm(a) * b",
    "logaddexp": "np.logaddexp(a, b)",
}


def _program(expression):
    return load(f"import numpy as np\n\n\ndef prog(a, b):\n    return np.sum({expression})\n")


def _arguments(narrow, which, seed):
    rng = np.random.default_rng(seed)
    args = [rng.uniform(0.5, 1.8, 4), rng.uniform(0.5, 1.8, 4)]
    args[which] = args[which].astype(narrow)
    return tuple(args)


@pytest.mark.parametrize("narrow", [np.float16, np.float32])
@pytest.mark.parametrize("which", [0, 1], ids=["narrow a", "narrow b"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_derivative_for_the_wide_argument_has_its_precision(name, which, narrow):
    prog = _program(BINARY[name])
    args = _arguments(narrow, which, seed=len(name) + which)
    wide = 1 - which
    expected = numerical_grad(prog, args, wide)
    assert_close(astgrad.grad(prog, wide)(*args), expected, rtol=1e-7, atol=1e-9, msg="grad")
    assert_close(astgrad.grad(prog, (0, 1))(*args)[wide], expected, rtol=1e-7, atol=1e-9, msg="grad of both")
    tangents = [np.zeros(4, arg.dtype) for arg in args]
    tangents[wide] = np.linspace(-1.0, 1.0, 4)
    perturbed = [None, None]                    # finite differences leave the narrow argument as it is
    perturbed[wide] = tangents[wide]
    assert_close(astgrad.jvp(prog, args, tuple(tangents))[1],
                 numerical_jvp(prog, args, tuple(perturbed)), rtol=1e-7, atol=1e-9, msg="jvp")


def test_a_float64_cotangent_is_not_rounded_to_a_float16_arguments_precision():
    """vjp of a float64 result of a float16 argument: the cotangent 0.1 stays 0.1."""
    prog = load("import numpy as np\n\n\ndef prog(a, b):\n    return a ** b\n")
    a, b = np.array([0.7, 1.3], np.float16), np.array([0.4, 2.0])
    cotangent = np.array([0.1, -0.3])
    _, pullback = astgrad.vjp(prog, a, b)
    expected = numerical_grad(prog, (a, b), 1, seed=cotangent)
    assert_close(pullback(cotangent)[1], expected, rtol=1e-8, atol=1e-12)


def test_norm_of_a_float16_vector_differentiates():
    """NumPy's linalg takes no float16; the derivative of a vector norm needs none."""
    prog = _program("np.linalg.norm(a) * b")
    a, b = np.array([0.6, 1.2, 1.7], np.float16), np.array([0.5, 1.5, 0.25])
    assert_close(astgrad.grad(prog, (0, 1))(a, b)[1], numerical_grad(prog, (a, b), 1), rtol=1e-8)


def test_ldexp_scales_by_a_power_of_two():
    prog = load("import numpy as np\nimport math\n\n\ndef prog(x, n):\n"
                "    return np.sum(np.ldexp(x, n) * np.sin(x)) + math.ldexp(float(x[0]), 3)\n")
    x, n = np.array([0.3, -1.2, 2.0]), np.array([2, -1, 0])
    assert_close(astgrad.grad(prog)(x, n), numerical_grad(prog, (x, n), 0), rtol=1e-8)
    tangent = np.array([0.5, -1.0, 2.0])
    assert_close(astgrad.jvp(prog, (x, n), (tangent, None))[1],
                 numerical_jvp(prog, (x, n), (tangent, None)), rtol=1e-8)
    gradient = astgrad.grad(prog)
    assert_close(astgrad.hessian(prog)(x, n), np.stack([numerical_grad(lambda v: gradient(v, n)[k], (x,), 0)
                                                        for k in range(3)]), rtol=1e-5, atol=1e-7)
    assert astgrad.grad(lambda v: math.ldexp(v, -2))(3.0) == 0.25
