"""An adversarial hunt on the newest rules as a permanent differential test: the
programs of tests/hunt20b_programs.py (numpy.insert/delete, math.hypot/dist, fmod and its
kin, a ufunc's dtype=, scipy.linalg, the first-match idiom), each against central finite
differences in one mode of astgrad (``ci_modes`` in turn), and PyTorch's names on the tape
with broadcast, 0-d and 3-D operands, first derivatives and create_graph=True second ones."""

import numpy as np
import pytest

import astgrad
from breadth_modes import one_mode_tests
from fd import assert_close, numerical_grad
from hunt20b_programs import CASES, X3, n01
from test_tape_torch_api import _check

FOUND = {}      # no program of this hunt found a wrong derivative

test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)

RNG = np.random.default_rng(20)


def _wide(*shape):
    return RNG.uniform(-2.0, 2.0, shape)


def _positive(*shape):
    return RNG.uniform(0.3, 2.0, shape)


m = astgrad
# name: (program of tensors, their values); the first tensor enters nonlinearly (the
# second derivative is taken in it)
TAPE = {
    "atan2_broadcast": (lambda x, y: m.atan2(x, y), [_wide(3, 1), _positive(4)]),
    "atan2_0d": (lambda x, y: m.atan2(x, y) * x, [_wide(), _positive(3)]),
    "hypot_broadcast": (lambda x, y: m.hypot(x, y), [_wide(1, 4), _positive(3, 1)]),
    "remainder_negative_divisor": (lambda x, y: m.remainder(x, -y) * y, [_wide(3, 4), _positive(3, 1)]),
    "lerp_broadcast_weight": (lambda x, y, w: m.lerp(x, y, w * x), [_wide(3, 4), _wide(4), _wide(3, 1)]),
    "addcdiv_broadcast": (lambda b, x, a: m.addcdiv(x, a, b, value=0.7), [_positive(3, 4), _wide(3, 1), _wide(4)]),
    "cumprod_dim_-1_3d": (lambda x: m.cumprod(x, -1), [_wide(2, 3, 4)]),
    "cumprod_through_zeros": (lambda x: m.cumprod(x * (x > 0.5), 1) * x, [_wide(3, 4)]),
    "cummax_values_cummin_indices": (lambda x: m.cummax(x, -1)[0] * x + x * x * m.cummin(x, 0).indices, [_wide(3, 4)]),
    "logcumsumexp_0d": (lambda x: m.logcumsumexp(x, 0) * x, [_wide()]),
    "diff_prepend_append_broadcast": (lambda x, y: m.diff(x * x, dim=0, prepend=y, append=y * y),
                                      [_wide(3, 4), _wide(1, 4)]),
    "roll_same_dim_twice": (lambda x: m.roll(x, (-5, 7), (1, 1)) * x, [_wide(3, 4)]),
    "tril_negative_3d": (lambda x: m.tril(x * x, -1) + m.triu(x, 5), [_wide(2, 3, 4)]),
    "kron_3d_and_0d": (lambda x, y: m.kron(x * x, y) * m.kron(x[0, 0, 0], y).sum(), [_wide(2, 1, 2), _wide(2, 2)]),
    "cross_broadcast_dim_-1": (lambda x, y: m.cross(x, y * y, dim=-1), [_wide(4, 3), _wide(1, 3)]),
}


@pytest.mark.parametrize("name", sorted(TAPE))
def test_tape_first_and_second_derivatives_match_finite_differences(name):
    program, arrays = TAPE[name]
    _check(program, *arrays)


def test_a_first_match_with_a_walrus_is_refused_and_the_next_call_works():
    def walrus(x):
        return next((y for v in x if (y := v * v) > 0.5), 1.0)
    with pytest.raises(astgrad.TransformError, match=r"test_hunt20b_programs\.py:\d+: .*next\(\) of this generator "
                                                     r"expression.*Write the search as a for loop"):
        astgrad.grad(walrus)(X3)
    assert_close(astgrad.grad(n01)(X3, 0.8), numerical_grad(n01, (X3, 0.8), wrt=0), 1e-5, 1e-6)
