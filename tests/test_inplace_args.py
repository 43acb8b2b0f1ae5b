"""In-place writes into arguments and through plain aliases. The generated code works
on a copy of a written argument, so derivative calls leave the caller's value alone
(f itself still changes it, as Python does); a plain alias ``y = x`` follows the
change (arrays change in place, numbers rebind). Checked against finite differences of
f on copies, in both modes and to second order."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def on_copies(f):
    """f called on copies of its arguments, for finite differences (f writes into them)."""
    return lambda *args: f(*(np.copy(a) if isinstance(a, np.ndarray) else a for a in args))


def element_write(x, a, b):
    x[0] = a * b
    return np.sum(x * x)


def written_then_read(x):
    x[1] = x[0] * x[2]
    s = np.sum(x)
    x[0] = s * x[1]
    return np.sum(x * np.sin(x))


def alias_augmented(x):
    y = x
    y *= x                   # on an array x changes too; on a number only y is rebound
    return np.sum(y + x)


def alias_element_write(x, a):
    y = x
    y[0] = a * x[1]
    return np.sum(y * x)


def alias_in_a_loop(x):
    y = x
    for i in range(3):
        y *= 1.5
        y[i] = y[i] * x[0]
    return np.sum(y * x)


def rebinding_is_not_aliasing(x):
    y = x
    y = y * 2.0              # a new array: x keeps its values
    y[0] = 1.0
    return np.sum(y * x)


def augmented_then_element_write(x):
    x *= 0.7                 # x is an array here: not a list repeated (x * x neither)
    x[0] = x[1] * 0.7
    return np.sum(x * x)


PROGRAMS = [(augmented_then_element_write, (np.array([0.3, 0.5, -0.2]),)),
            (element_write, (np.array([1.0, 2.0, 3.0]), 2.0, 3.0)),
            (written_then_read, (np.array([0.5, 1.5, -2.0]),)),
            (alias_augmented, (np.array([0.5, 1.5]),)),
            (alias_augmented, (0.7,)),
            (alias_element_write, (np.array([0.5, 1.5, 2.0]), 0.3)),
            (alias_in_a_loop, (np.array([0.5, 1.5, 2.0]),)),
            (rebinding_is_not_aliasing, (np.array([0.5, 1.5, 2.0]),))]


@pytest.mark.parametrize("f, args", PROGRAMS, ids=[f"{f.__name__}-{np.ndim(a[0])}d" for f, a in PROGRAMS])
def test_gradient_tangent_and_second_order(f, args):
    reference = on_copies(f)
    x = args[0]
    kept = np.copy(x)
    v = np.linspace(0.3, -0.7, np.size(x)).reshape(np.shape(x)) if np.ndim(x) else 0.7
    rest = (None,) * (len(args) - 1)
    assert_close(astgrad.grad(f)(*args), numerical_grad(reference, args, 0))
    tangents = (v,) + tuple(0.0 for _ in args[1:])
    assert_close(astgrad.jvp(f, args, tangents)[1], numerical_jvp(reference, args, (v,) + rest))
    if f is alias_in_a_loop:        # known gap: second order of this is refused (below)
        with pytest.raises(astgrad.TransformError, match="may share its memory"):
            astgrad.hvp(f)(*args, v)
    else:
        assert_close(astgrad.hvp(f)(*args, v), numerical_jvp(astgrad.grad(f), args, (v,) + rest),
                     rtol=1e-4, atol=1e-5)
    assert np.array_equal(x, kept), "a derivative call changed the caller's array"


def test_the_function_itself_still_changes_the_argument():
    x = np.array([1.0, 2.0, 3.0])
    element_write(x, 2.0, 3.0)
    assert x[0] == 6.0
    y = np.array([0.5, 1.5])
    alias_augmented(y)
    assert_close(y, [0.25, 2.25])


def test_every_argument_gets_its_gradient():
    x = np.array([1.0, 2.0, 3.0])
    gx, ga, gb = astgrad.grad(element_write, wrt=(0, 1, 2))(x, 2.0, 3.0)
    assert_close(gx, [0.0, 4.0, 6.0])          # x[0] was overwritten: no derivative through it
    assert_close(ga, 36.0)
    assert_close(gb, 24.0)


def scale(a):
    a *= 2.0
    return a


def calls_a_helper_writing_its_argument(x):
    y = x * 1.0
    z = scale(y)
    return np.sum(z * y)


def test_a_helper_writing_its_argument_changes_the_callers_array():
    # scale doubles y in place and returns it: z is y, so f is sum(4 x**2), as in NumPy
    x = np.array([0.3, -0.5, 0.9])
    assert_close(astgrad.grad(calls_a_helper_writing_its_argument)(x), 8.0 * x)
    assert_close(astgrad.grad(calls_a_helper_writing_its_argument)(x),
                 numerical_grad(calls_a_helper_writing_its_argument, (x,)))
    v = np.array([1.0, 0.5, -2.0])
    assert_close(astgrad.jvp(calls_a_helper_writing_its_argument, (x,), (v,))[1], 8.0 * x @ v)
    assert_close(astgrad.hessian(calls_a_helper_writing_its_argument)(x), 8.0 * np.eye(3))
    before = x.copy()
    astgrad.grad(calls_a_helper_writing_its_argument)(x)
    assert np.array_equal(x, before)


def view_then_write(x):
    v = x[:2]
    x[0] = 5.0
    return np.sum(v * x[1:])


def view_kept_by_an_alias_then_write(x):
    v = x[:2]
    kept = v
    x[0] = 5.0
    return np.sum(kept * x[1:])


def test_a_view_of_the_argument_shows_a_write_into_it():
    x = np.array([0.3, -0.5, 0.9])
    assert_close(astgrad.grad(view_then_write)(x), numerical_grad(on_copies(view_then_write), (x,)))
    assert_close(astgrad.jvp(view_then_write, (x,), (np.ones(3),))[1],
                 numerical_jvp(on_copies(view_then_write), (x,), (np.ones(3),)))


@pytest.mark.parametrize("f, words", [
    (view_kept_by_an_alias_then_write, "while another name may share its memory"),
])
def test_what_cannot_be_followed_is_refused(f, words):
    for make in (lambda: astgrad.grad(f), lambda: astgrad.jvp(f, (np.ones(3),), (np.ones(3),))):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        assert words in str(info.value)
        assert "test_inplace_args.py" in str(info.value)


# -- transforms that call f themselves leave the caller's arguments as given -------------

def alias_written_in_a_loop(x):
    y = x
    for _ in range(2):
        y *= x          # y is x: x becomes x**2, then x**4
    return np.sum(y)


def alias_written_once(x):
    y = x
    y *= x
    return np.sum(y * np.sin(x))


@pytest.mark.parametrize("f", [alias_written_in_a_loop, alias_written_once])
def test_every_transform_of_a_function_writing_into_its_argument(f):
    x = np.array([0.3, 0.5, 0.7])
    on_a_copy = lambda v: f(v.copy())       # noqa: E731  (what f computes from x as given)
    expected = numerical_grad(on_a_copy, (x.copy(),))
    hessian = numerical_hessian(lambda v: astgrad.grad(f)(v.copy()), (x.copy(),))   # first order checked below
    given = x.copy()
    assert_close(astgrad.grad(f)(given), expected)
    assert_close(astgrad.vjp(f, given)[1](1.0)[0], expected)
    assert_close(astgrad.jvp(f, (given,), (np.ones(3),))[1], np.sum(expected))
    assert_close(astgrad.jacobian(astgrad.grad(f))(given), hessian, rtol=1e-4, atol=1e-5)
    assert_close(astgrad.hessian(f)(given), hessian, rtol=1e-4, atol=1e-5)
    assert_close(astgrad.hvp(f)(given, np.ones(3)), hessian @ np.ones(3), rtol=1e-4, atol=1e-5)
    assert_close(given, x)          # none of them changed the caller's array


def bump(s):
    s += 1.0                     # on a number: rebinds s only; on an array: changes it
    return s * s


def calls_bump(x):
    return np.sum(bump(x) + bump(x * 2.0))


def project_pair(vx, vy):
    p = np.zeros(vx.shape)
    for _ in range(2):
        p = (p + np.roll(vx, 1) - np.roll(vy, -1)) / 4.0
    vx -= 0.5 * np.roll(p, -1)
    vy *= 1.0 + p
    return vx, vy


def calls_project_pair(x):
    a = x * 1.1
    b = np.sin(x)
    u, v = project_pair(a, b)
    return np.sum(u * v) + np.sum(a * b) + np.sum(x * x)     # a and b changed, as in NumPy


def test_helpers_changing_their_arguments_follow_pythons_semantics():
    for f, x in [(calls_bump, 0.7), (calls_bump, np.array([0.3, -0.4])),
                 (calls_project_pair, np.array([0.3, -0.4, 0.8, 0.1]))]:
        expected = numerical_grad(lambda v: f(np.copy(v) if isinstance(v, np.ndarray) else v), (x,))
        assert_close(astgrad.grad(f)(x), expected)
        tangent = np.ones_like(x) if isinstance(x, np.ndarray) else 1.0
        assert_close(astgrad.jvp(f, (x,), (tangent,))[1], np.sum(expected * tangent))
        gradient = astgrad.grad(f)
        if isinstance(x, np.ndarray):
            hessian = np.stack([numerical_grad(lambda v: gradient(v.copy())[i], (x,)) for i in range(x.size)])
            assert_close(astgrad.hessian(f)(x), hessian, rtol=1e-4)
        else:
            assert_close(astgrad.grad(gradient)(x), numerical_grad(gradient, (x,)), rtol=1e-4)


def _scale_thrice(a):
    a *= 3.0
    return a


def test_an_inlined_helper_redefined_between_calls_is_followed():
    import types
    scope = {"np": np, "__name__": __name__}
    scope["scale"] = types.FunctionType(scale.__code__, scope, "scale")
    f = types.FunctionType(calls_a_helper_writing_its_argument.__code__, scope, "f")
    x = np.array([0.3, -0.5, 0.9])
    gradient = astgrad.grad(f)
    assert_close(gradient(x), 8.0 * x)                      # sum((2x)^2)
    scope["scale"] = types.FunctionType(_scale_thrice.__code__, scope, "scale")
    assert_close(gradient(x), 18.0 * x)                     # sum((3x)^2)
    assert_close(gradient(x), numerical_grad(lambda v: f(v.copy()), (x,)))
