"""A name a loop assigns first (``t = np.exp(a)`` in the loop's body) is saved before each
iteration, the first one included: the gradient starts it as a placeholder, ``t = 0.0``,
a value pushed by the first iteration and popped back, never read. Its derivative's
derivative knows the placeholder for what it is, as the gradient itself does (the lines
of generated text that are placeholders are kept with the text, also in the disk cache):
taken for one of ``t``'s values, the number would leave ``t`` with no shape, and every
value it reaches, in the loops of the second derivative, summed back to its shape.

Second derivatives stay right for every broadcast of the arguments (finite differences)."""

import numpy as np
import pytest

import astgrad
from astgrad import caching, disk_entries
from astgrad.core import generated_text
from fd import assert_close, numerical_hessian


def first_in_loop(x, y):
    a = x * y
    for k in range(3):
        t = np.exp(a * 0.3) * y
        a = a * 0.5 + t * 0.25
    return np.sum(a)


def read_after_loop(x, y):
    a = np.sin(x)
    for k in range(2):
        t = np.tanh(a) * y
        a = a + t * 0.5
    return np.sum(a * t)


def nested_loops(x, y):
    a = x * 1.0
    for i in range(2):
        for j in range(2):
            u = np.cos(a) * y
            a = a * 0.7 + u
    return np.sum(a * a)


def loop_of_given_length(x, y, n):
    a = x * y
    s = a * 0.0
    for k in range(n):
        t = np.sin(a) * y
        s = s + t
        a = a * 0.5 + t * 0.1
    return np.sum(s + a)


SHAPES = [((3,), (3,)), ((3, 1), (4,)), ((3,), ()), ((), (2, 3))]
KEY = ("reverse", (0,), False)
GRADIENT = caching.generate_reverse(first_in_loop, (0,), False)      # made once, read by several tests


def _arguments(rng, *shapes):
    return tuple(float(rng.normal()) * 0.5 if shape == () else rng.normal(size=shape) * 0.5 for shape in shapes)


def _placeholders_of(source):
    return frozenset(number for number, line in enumerate(source.splitlines(), 1)
                     if line.startswith("    ") and not line.startswith("     ") and line.endswith(" = 0.0"))


def test_the_gradients_placeholders_are_kept_with_its_text():
    lines = _placeholders_of(GRADIENT.source)
    assert len(lines) == 1 and GRADIENT.source.splitlines()[min(lines) - 1] == "    t_2 = 0.0", GRADIENT.source
    assert generated_text.placeholder_lines(GRADIENT.__code__) == lines


def test_a_users_own_number_is_no_placeholder():
    # s = a * 0.0 and a literal start of the user's are values the code reads
    def starts_at_zero(x):
        s = 0.0
        for k in range(2):
            s = s + np.sin(x)
        return np.sum(s)
    gradient = caching.generate_reverse(starts_at_zero, (0,), False)
    assert "s = 0.0" in gradient.source
    assert generated_text.placeholder_lines(gradient.__code__) == frozenset()


def test_the_second_derivative_sums_nothing_back_in_its_loops():
    second = caching.generate_reverse(GRADIENT, (0,), False).source
    # every value in the loops is known to have the shape of x * y: the only sums left
    # are those into x's own shape, after the loops
    sums = [line.strip() for line in second.splitlines() if "unbroadcast(" in line]
    assert sums and all(line.endswith("unbroadcast(dd_a * y, x)") or line.endswith("unbroadcast(d_a * y, x)")
                        for line in sums), second


def _check_second_order(f, args):
    """The Hessian (forward over the gradient) and a Hessian-vector product (the gradient
    of the gradient) against central differences of the gradient (itself checked against
    finite differences of ``f`` by the first-order tests)."""
    x = args[0]
    size = np.size(x)
    expected = np.reshape(numerical_hessian(astgrad.grad(f), args), (size, size))
    assert_close(np.reshape(astgrad.hessian(f)(*args), (size, size)), expected, rtol=1e-4, atol=1e-5)
    v = np.cos(np.arange(size) + 1.0)
    along = np.reshape(v, np.shape(x)) if np.ndim(x) else float(v[0])
    product = astgrad.grad(lambda *a: np.sum(astgrad.grad(f)(*a) * along))(*args)
    assert_close(np.reshape(product, -1), expected.T @ v, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("f", [first_in_loop, read_after_loop, nested_loops])
@pytest.mark.parametrize("shapes", SHAPES)
def test_second_derivatives_match_finite_differences(f, shapes):
    _check_second_order(f, _arguments(np.random.default_rng(7), *shapes))


@pytest.mark.parametrize("n", [0, 1, 3])
@pytest.mark.parametrize("shapes", SHAPES[1:3])
def test_second_derivatives_for_any_number_of_iterations(n, shapes):
    _check_second_order(loop_of_given_length, _arguments(np.random.default_rng(n), *shapes) + (n,))


def test_a_disk_cache_entry_keeps_the_placeholders():
    generated = caching._generate(first_in_loop, KEY)
    assert generated.placeholders
    entry = disk_entries.entry_for(generated, "a key")
    rebuilt = disk_entries.rebuild(entry, "a key", first_in_loop)
    assert rebuilt is not None and rebuilt.placeholders == generated.placeholders
    assert generated_text.placeholder_lines(rebuilt.code) == frozenset(generated.placeholders)
