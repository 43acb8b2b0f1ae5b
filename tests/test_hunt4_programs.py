"""The fourth acceptance hunt as a permanent differential test: the programs of
tests/hunt4_programs.py (everyday numerical code and adversarial code) against central
finite differences, one mode of astgrad per program in turn (``ci_modes``), and the tape
front end on a subset; strict xfails for the programs astgrad still refuses. Then what
the hunt found in the API layer and the tape, each checked on its own: a clamp's tensor
bound gets its derivative on the tape, the pair ``max(dim)`` returns says what it is when
used as an array, ``hessian`` names itself in its errors, ``hvp`` given ``v=`` says to
pass it last, ``@differentiable`` applied twice. What it found in export:
test_hunt4_exports.py (run on every Python)."""

import threading

import numpy as np
import pytest

import astgrad
from breadth_modes import FIRST, check, ci_modes, copies
from fd import assert_close, numerical_grad, numerical_jvp
from hunt4_programs import CASES, X3, X4

# programs where finite differences are no oracle: at a kink of the sample point only the
# first-order modes are compared (astgrad's one-sided averages are what central
# differences give); the Hessian there is a delta
AT_A_KINK = ("c17 ", "c18 ", "c19 ", "c20 ", "c21 ")

# what astgrad still refuses (strict: a program that starts working must move out of here)
REFUSED = {
    "c28 ": (None, astgrad.TransformError, "complex intermediate values (1j): real derivatives only"),
    "d05 ": (None, TypeError, "op= on an array held twice by a list (refused when it runs, advising to "
                              "store the new value wherever the array is held)"),
}


def _refusal(name, mode):
    for prefix, (modes, error, reason) in REFUSED.items():
        if name.startswith(prefix) and (modes is None or mode in modes):
            return pytest.mark.xfail(raises=error, strict=True, reason=reason)
    return None


def _program_params():
    for k, (name, f, args, wrt) in enumerate(CASES):
        modes = (FIRST[k % len(FIRST)],) if name.startswith(AT_A_KINK) else ci_modes(k)
        refused = next((spec for prefix, spec in REFUSED.items() if name.startswith(prefix)), None)
        if refused is not None and refused[0] is not None and modes[0] not in refused[0]:
            modes += (refused[0][0],)       # shown in one refused mode too
        for mode in modes:
            mark = _refusal(name, mode)
            yield pytest.param(mode, f, args, wrt, id=f"{name.split()[0]}-{mode}", marks=mark or ())


@pytest.mark.parametrize("mode, f, args, wrt", list(_program_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


def test_every_refusal_names_one_program():
    for prefix in REFUSED:
        assert sum(1 for name, *_ in CASES if name.startswith(prefix)) == 1, prefix


# -- the tape front end on programs written for NumPy arrays ----------------------------

# the programs the tape runs as they are (others build arrays with np.array, call math
# functions or write tensors into NumPy arrays, which the tape refuses, as PyTorch does;
# or call x.var() / x.std(), which follow PyTorch on a tensor: unbiased)
ON_THE_TAPE = ("a01 ", "a02 ", "a09 ", "a11 ", "b01 ", "b05 ", "b07 ", "b13 ", "b19 ", "c05 ", "c11 ",
               "d13 ", "f03 ", "f21 ", "f25 ")


def _tape_check(f, args, wrt):
    expected = [numerical_grad(lambda *a: f(*copies(a)), copies(args), wrt=i) for i in wrt]
    given = list(copies(args))
    leaves = []
    for i in wrt:
        given[i] = astgrad.tensor(np.asarray(given[i], dtype=float), requires_grad=True)
        leaves.append(given[i])
    grads = astgrad.autograd.grad(f(*given), tuple(leaves))
    for got, want in zip(grads, expected):
        assert_close(np.reshape(got.numpy(), np.shape(want)), want)


@pytest.mark.parametrize("f, args, wrt", [pytest.param(f, args, wrt, id=name.split()[0])
                                          for name, f, args, wrt in CASES if name.startswith(ON_THE_TAPE)])
def test_program_on_the_tape(f, args, wrt):
    _tape_check(f, args, wrt)


# -- the tape: a clamp's tensor bound ----------------------------------------------------

LOW = np.array([-0.5, 0.0, -0.2, -0.1])
XX = np.array([[0.25, 0.5, -0.75, 1.2], [0.1, -0.3, 0.9, -0.6]])
WEIGHTS = np.arange(1.0, 9.0).reshape(2, 4)


def _clamped(x, low, high):
    return np.sum(np.minimum(np.maximum(x, low), high) ** 2 * WEIGHTS)


@pytest.mark.parametrize("how", ["clamp", "clip", "numpy.clip", "clamp_"])
def test_tape_clamp_differentiates_its_tensor_bounds(how):
    """x.clamp(low, high) with bounds that require grad: each bound gets the derivative
    of the elements clamped to it (the bound's derivative was silently left out)."""
    x = astgrad.tensor(XX.copy(), requires_grad=True)
    low = astgrad.tensor(LOW.copy(), requires_grad=True)
    high = astgrad.tensor(0.8, requires_grad=True)
    if how == "clamp_":
        y = x * 1.0
        y.clamp_(low, high)
    else:
        y = {"clamp": lambda: x.clamp(low, high), "clip": lambda: x.clip(low, high),
             "numpy.clip": lambda: np.clip(x, low, high)}[how]()
    grads = astgrad.autograd.grad((y ** 2 * WEIGHTS).sum(), (x, low, high))
    for i, g in enumerate(grads):
        assert_close(g.numpy(), numerical_grad(_clamped, (XX, LOW, 0.8), wrt=i))


def test_tape_clamp_bound_second_order_and_forward():
    # both bounds tensors: a number with a tensor fits neither of PyTorch's overloads
    low = astgrad.tensor(-0.5)
    high = astgrad.tensor(0.8, requires_grad=True)
    x = astgrad.tensor(X4.copy(), requires_grad=True)
    with pytest.raises(TypeError, match=r"clamp\(\) received an invalid combination of arguments - got \(float, Tensor\)"):
        x.clamp(-0.5, high)
    (g,) = astgrad.autograd.grad((x.clamp(low, high) ** 2).sum(), (high,), create_graph=True)
    (gg,) = astgrad.autograd.grad(g, (high,))
    assert float(gg) == 2.0 * np.sum(X4 > 0.8)
    f = lambda v, w: np.sum(np.clip(v, -0.5, w) ** 2)      # noqa: E731
    _, tangent = astgrad.autograd.functional.jvp(
        lambda v, w: (v.clamp(low, w) ** 2).sum(), (astgrad.tensor(X4), astgrad.tensor(0.8)),
        (astgrad.tensor(np.ones(4)), astgrad.tensor(1.0)))
    assert_close(float(tangent), numerical_jvp(f, (X4, 0.8), (np.ones(4), 1.0)))


# -- the tape: the (values, indices) pair max(dim) returns, used as an array -------------

def test_tape_max_pair_in_arithmetic_says_what_it_is():
    """z - z.max(axis=1, keepdims=True) (NumPy style) on a tensor: PyTorch's max(dim)
    gives (values, indices); the error says so (it spoke of numpy.asarray on a tensor)."""
    z = astgrad.tensor(X3.reshape(1, 3), requires_grad=True)
    pair = z.max(axis=1, keepdims=True)
    with pytest.raises(TypeError, match=r"\(values, indices\).*\.values"):
        z - pair
    with pytest.raises(TypeError, match=r"\(values, indices\)"):
        np.exp(pair)
    with pytest.raises(TypeError, match=r"\(values, indices\)"):
        pair[:, 0]
    values, indices = pair
    assert pair[0] is values and pair[-1] is indices and pair[np.int64(1)] is indices
    assert_close((z - pair.values).detach().numpy(), (X3 - X3.max()).reshape(1, 3))


# -- the API layer ---------------------------------------------------------------------

def _two(x, w):
    return np.sum(x * w) + np.sum(x ** 2)


def test_hessian_names_itself_when_given_several_arguments():
    with pytest.raises(ValueError, match=r"^hessian takes one argument index"):
        astgrad.hessian(_two, wrt=(0, 1))(X3, 0.5)
    with pytest.raises(ValueError, match=r"^hvp takes one argument index"):
        astgrad.hvp(_two, wrt=(0, 1))(X3, 0.5, X3)


def test_hvp_given_v_by_keyword_says_to_pass_it_last():
    with pytest.raises(TypeError, match=r"followed by v, positionally: hvp\(f\)\(x, v\), not v="):
        astgrad.hvp(_cube)(X3, v=np.ones(3))
    with pytest.raises(TypeError, match=r"followed by v$"):
        astgrad.hvp(_cube)(X3)


def _cube(x):
    return np.sum(x ** 3)


def test_differentiable_applied_twice_is_the_same_function():
    once = astgrad.differentiable(_cube)
    assert astgrad.differentiable(once) is once
    assert_close(astgrad.grad(astgrad.differentiable(once))(X3), 3 * X3 ** 2)


# -- what users change after grad(f), and threads ---------------------------------------

SCALE = 2.0


def _uses_global(x):
    return np.sum(np.sin(x) * SCALE)


def test_global_rebound_and_numpy_function_replaced_after_grad(monkeypatch):
    g = astgrad.grad(_uses_global)
    g(X3)
    monkeypatch.setitem(globals(), "SCALE", 5.0)
    assert_close(g(X3), 5.0 * np.cos(X3))
    monkeypatch.setattr(np, "sin", np.tanh)
    got = g(X3)
    monkeypatch.undo()
    assert_close(got, 5.0 / np.cosh(X3) ** 2)


def _fresh(x, w):
    return np.sum(np.cos(x * w) ** 2)


def test_threads_make_and_call_one_gradient_at_once():
    g = astgrad.grad(_fresh, wrt=(0, 1))
    results, errors = [None] * 4, []
    barrier = threading.Barrier(4)

    def work(k):
        try:
            barrier.wait()
            results[k] = g(X3, 0.5 + 0.1 * k)
        except Exception as error:      # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for k in range(4):
        assert_close(results[k][1], numerical_grad(_fresh, (X3, 0.5 + 0.1 * k), wrt=1))
