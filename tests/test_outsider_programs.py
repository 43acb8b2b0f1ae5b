"""Ordinary numerical Python as outsiders write it (tests/outsider_programs.py: autograd's
examples ported as written, textbook recipes, everyday Python around them), each against
central finite differences in one mode of astgrad in turn (``ci_modes``); strict xfails
for what Python runs well and astgrad still refuses, each with its reason. Then what the
hunt found, each checked on its own: an item read of an object whose ``__getitem__`` is
its own code, in forward mode (it took an attribute's tangent, or zero, without a word)."""

import importlib.util
import inspect

import numpy as np
import pytest

import astgrad
from breadth_modes import FIRST, FREED_MODES, check, ci_modes
from fd import numerical_jvp
from outsider_programs import CASES, egrad, tanh, taylor_sine

# Programs Python runs well that astgrad refuses, when the code is generated
# (strict: one that starts working moves out)
REFUSED = {}
# programs astgrad used to refuse, checked in reverse, forward and second order
FREED = ("p17 ", "q02 ", "r17 ")
# refused when the derivative runs, with astgrad's TypeError
AT_CALL = {}


# long programs whose second derivatives take a second or more to generate: first order in CI
# (of autograd's examples, only sinusoid and tanh take second derivatives)
LONG = ("a04 ", "a08 ", "a12 ", "a18 ", "a20 ", "a22 ", "a24 ", "a28 ", "a29 ", "a30 ", "l01 ", "l15 ", "n10 ", "n26 ", "p07 ", "p21 ", "q15 ", "r10 ", "r20 ")


def _modes(k, name, f):
    """``ci_modes(k)`` (a first-order mode for the ``LONG`` programs), but grad_inside_def
    (which passes the last argument as ``w=``) only where the program's last parameter
    is named ``w``."""
    modes = FREED_MODES if name.startswith(FREED) else \
        (FIRST[(k // 2) % len(FIRST)],) if name.startswith(LONG) else ci_modes(k)
    if list(inspect.signature(f).parameters)[-1] != "w":
        modes = tuple("grad_inside_lambda" if m == "grad_inside_def" else m for m in modes)
    return modes


# the programs that call SciPy (an optional extra): skipped where it is not installed
SCIPY = ("a03 ", "a04 ", "a06 ", "a08 ", "a09 ", "a10 ", "a11 ", "a15 ", "a16 ", "a18 ", "a19 ", "a20 ", "a21 ",
         "a23 ", "a24 ", "a27 ", "l20 ", "q15 ", "q16 ", "q17 ", "r01 ", "r02 ")
HAS_SCIPY = importlib.util.find_spec("scipy") is not None


def _mark(name):
    if name.startswith(SCIPY) and not HAS_SCIPY:
        return pytest.mark.skip(reason="SciPy is not installed")
    reason = next((why for prefix, why in REFUSED.items() if name.startswith(prefix)), None)
    if reason is not None:
        return pytest.mark.xfail(raises=astgrad.TransformError, strict=True, reason=reason)
    reason = next((why for prefix, why in AT_CALL.items() if name.startswith(prefix)), None)
    if reason is not None:
        return pytest.mark.xfail(raises=TypeError, strict=True, reason=reason)
    return ()


def _program_params():
    for k, (name, f, args, wrt) in enumerate(CASES):
        for mode in _modes(k, name, f):
            yield pytest.param(mode, f, args, wrt, id=f"{name.split()[0]}-{mode}", marks=_mark(name))


@pytest.mark.parametrize("mode, f, args, wrt", list(_program_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


def test_every_refusal_names_one_program():
    for prefix in list(REFUSED) + list(AT_CALL) + list(LONG) + list(SCIPY) + list(FREED):
        assert sum(1 for name, *_ in CASES if name.startswith(prefix)) == 1, prefix


def test_the_hunt_has_eighty_programs():
    assert len(CASES) >= 80


# -- what the hunt found, each on its own ------------------------------------------------

class Indexed:
    def __init__(self, v, s):
        self.v = v
        self.s = s

    def __getitem__(self, k):
        return getattr(self, k) * 2.0 if isinstance(k, str) else self.v[k] * self.s


def item_of_an_object(x, w):
    p = Indexed(x, w)
    return p[1] * p[2]


def item_by_name_of_an_object(x, w):
    p = Indexed(x, w)
    return np.sum(p["v"]) + np.sum(p.v * p.s)


def attributes_only_of_an_object_with_items(x, w):
    p = Indexed(x, w)
    return np.sum(p.v ** 2) * p.s


X = np.array([0.3, -0.4, 0.9])


@pytest.mark.parametrize("f", [item_of_an_object, item_by_name_of_an_object], ids=lambda f: f.__name__)
def test_forward_mode_refuses_an_item_read_of_an_object_with_its_own_getitem(f):
    """jvp took ``d_p[k]`` of the object's tangent (a dict of its attributes' tangents): an
    attribute's tangent or zero, not the derivative of __getitem__'s code, without a
    word. ``p[k]`` is now ``p.__getitem__(k)``, followed as Python runs it; this one reads
    ``getattr(self, k)`` with a name known only when it runs, refused at that line in
    both modes."""
    refusal = r"test_outsider_programs.py:\d+: no (tangent|adjoint) rule for getattr"
    with pytest.raises(astgrad.TransformError, match=refusal):
        astgrad.jvp(f, (X.copy(), 0.8), (np.ones(3), 0.5))
    with pytest.raises(astgrad.TransformError, match=refusal):
        astgrad.grad(f)(X.copy(), 0.8)


def test_attributes_of_an_object_with_its_own_getitem_still_have_derivatives():
    t = (np.array([1.0, -2.0, 0.5]), 0.5)
    _, d = astgrad.jvp(attributes_only_of_an_object_with_items, (X.copy(), 0.8), t)
    np.testing.assert_allclose(d, numerical_jvp(attributes_only_of_an_object_with_items, (X.copy(), 0.8), t),
                               rtol=1e-6)
    check("hessian", attributes_only_of_an_object_with_items, (X, 0.8), (0, 1))


# -- autograd's examples at the orders they take: sinusoid.py, tanh.py ---------------------

@pytest.mark.parametrize("mode", ["hessian", "jvp_of_grad"])
def test_sinusoid_example_second_derivative_of_its_taylor_series(mode):
    """dd_fun = grad(grad(fun)) of the Taylor series with its print and tolerance break."""
    check(mode, taylor_sine, (2.3,), (0,))



def test_tanh_example_to_the_fourth_elementwise_derivative_in_both_modes():
    """egrad(egrad(egrad(egrad(tanh)))) as the example plots it, and the same by nested
    forward-mode jvps, against tanh's derivatives in closed form."""
    x = np.linspace(-2.0, 2.0, 5)
    t = np.tanh(x)
    s = 1.0 - t ** 2
    closed_forms = [s, -2.0 * t * s, s * (6.0 * t ** 2 - 2.0), 8.0 * t * s * (2.0 - 3.0 * t ** 2)]

    def forward_egrad(fun):
        return lambda z: astgrad.jvp(fun, (z,), (np.ones_like(z),))[1]

    for make in (egrad, forward_egrad):
        derivative = tanh
        for want in closed_forms:
            derivative = make(derivative)
            np.testing.assert_allclose(derivative(x), want, rtol=1e-10, atol=1e-12)
