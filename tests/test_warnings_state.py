"""What a derivative call leaves behind is what one call of the function leaves: NumPy's
floating-point errors of the user's own operations answer as the caller's numpy.seterr
settings say (NumPy's own text, at the line the user wrote the operation on), those of
the derivative's own arithmetic are quiet, and a numpy.seterr the function calls stays
set. Python 3.10 has no instruction positions: there NumPy answers for every operation,
the derivative's too, as the settings say (the tests needing positions are skipped).
"""

import sys
import warnings

import numpy as np
import pytest

import astgrad
from astgrad.derivative_warnings import SUPPORTED as SORTS_ERRORS
from fd import assert_close, numerical_grad

needs_positions = pytest.mark.skipif(not SORTS_ERRORS, reason="Python 3.10 has no instruction positions: "
                                                              "NumPy answers for every operation")


def _scalar_ops(x):
    return np.log(x) * 2.0 + x / 0.0 + x ** -1.0


def _array_ops(x):
    return np.sum(np.log(x) + x / 0.0 + x ** -1.0)


def _overflowing_sum(x):
    return np.sum(x * 1e300) * 0.0


def _merged(x):
    t = np.log(x)
    u = t * 2.0
    return np.sum(u)


def _reciprocal(x):
    return x ** -1.0


def _power_of_y(x, y):
    return np.sum(x ** y)


def _said(run):
    """(message, file, line) of each warning ``run()`` gives, every one shown."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [(str(w.message), w.filename, w.lineno) for w in caught]


@needs_positions
@pytest.mark.parametrize("f, x", [
    (_scalar_ops, np.float64(0.0)),             # "in scalar divide", "in scalar power", as NumPy says
    (_array_ops, np.array([0.0, 1.0])),
    (_overflowing_sum, np.array([1e10, 1e10])),    # numpy.sum's overflow is "in reduce"
    (_merged, np.array([0.0, 1.0])),            # log, merged into line 3 by the optimizer, is on line 2
])
def test_the_users_errors_warn_with_numpys_text_at_the_users_line(f, x):
    plain = _said(lambda: f(x))
    assert plain and all(filename == __file__ for _, filename, _ in plain)
    assert _said(lambda: astgrad.value_and_grad(f)(x)) == plain
    assert _said(lambda: astgrad.jvp(f, (x,), (np.ones_like(x),))) == plain
    assert _said(lambda: astgrad.vjp(f, x)) == plain        # its value from f's value code


@needs_positions
def test_the_derivatives_own_arithmetic_on_no_derivative_name_is_quiet():
    # d/dx x**-1 is -x**-2: it overflows where x**-1 does not, and log(x) in d/dy x**y is
    # infinite at x = 0 where x**y is 0; neither is an operation of the user's
    x = np.float64(1e-200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            assert _reciprocal(x) == 1e200
            assert astgrad.grad(_reciprocal)(x) == -np.inf
            assert astgrad.value_and_grad(_reciprocal)(x) == (1e200, -np.inf)
            assert_close(astgrad.grad(_power_of_y, 1)(np.array([0.0, 2.0]), 2.0), 4.0 * np.log(2.0))
    assert_close(astgrad.grad(_reciprocal)(0.5), numerical_grad(_reciprocal, (0.5,)))


def _set_divide_ignore(x):
    np.seterr(divide="ignore")
    return np.sum(np.log(x))


def _scoped_errstate(x):
    with np.errstate(divide="ignore"):
        y = np.log(x)
    return np.sum(y * x)


@pytest.mark.parametrize("transform", [
    lambda f, x: f(x), lambda f, x: astgrad.grad(f)(x), lambda f, x: astgrad.value_and_grad(f)(x),
    lambda f, x: astgrad.jvp(f, (x,), (x,)), lambda f, x: astgrad.vjp(f, x)[1](1.0),
    lambda f, x: astgrad.hessian(f)(x),
], ids=["f", "grad", "value_and_grad", "jvp", "vjp", "hessian"])
def test_a_seterr_in_f_stays_set_and_an_errstate_in_f_stays_scoped(transform):
    before = np.geterr()
    x = np.array([1.0, 2.0])
    try:
        transform(_set_divide_ignore, x)
        assert np.geterr() == dict(before, divide="ignore")
        np.seterr(**before)
        transform(_scoped_errstate, x)
        assert np.geterr() == before
    finally:
        np.seterr(**before)
    assert_close(astgrad.grad(_scoped_errstate)(x), numerical_grad(_scoped_errstate, (x,)))


def _sqrt_log(x):
    return np.sum(np.sqrt(x) + np.log(x))


@needs_positions
@pytest.mark.parametrize("transform", [
    lambda x: astgrad.value_and_grad(_sqrt_log)(x), lambda x: astgrad.jvp(_sqrt_log, (x,), (x,)),
], ids=["value_and_grad", "jvp"])
def test_the_callers_seterrcall_and_log_get_what_f_gives(transform):
    x = np.array([0.0, 1.0])       # log(0) is the user's error; sqrt's derivative at 0 the derivative's
    got = []

    class Log:
        def write(self, text):
            got.append(text)
    for mode, callback in [("call", lambda error, flag: got.append((error, flag))), ("log", Log())]:
        with np.errstate(all=mode, call=callback):
            _sqrt_log(x)
            plain, got[:] = list(got), []
            transform(x)
        assert plain and got == plain
        got.clear()


@needs_positions
def test_seterr_raise_raises_for_the_users_operation_only():
    x = np.array([0.0, 1.0])
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError) as plain:
            _sqrt_log(x)
        with pytest.raises(FloatingPointError) as derived:
            astgrad.value_and_grad(_sqrt_log)(x)
        assert str(derived.value) == str(plain.value) == "divide by zero encountered in log"
        assert astgrad.grad(lambda v: np.sum(np.sqrt(v)))(x)[0] == np.inf     # the derivative's own: quiet
    assert_close(astgrad.grad(_sqrt_log)(x + 1.0), numerical_grad(_sqrt_log, (x + 1.0,)))


MODULE = """\
import numpy as np

def f(x):
    return np.sum(np.log(x))
"""


@needs_positions
def test_warnings_filters_and_the_once_per_place_registry_are_the_users_modules(tmp_path, monkeypatch):
    package = tmp_path / "warnpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "losses.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    from warnpkg import losses
    try:
        derived = astgrad.value_and_grad(losses.f)
        x = np.array([0.0, 1.0])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.filterwarnings("ignore", module=r"warnpkg\.losses")     # the module's name, not its file's
            losses.f(x)
            derived(x)
        assert caught == []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(RuntimeWarning, match="divide by zero encountered in log"):
                derived(x)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")        # once per place: f warned there already
            losses.f(x)
            derived(x)
            derived(x)
        assert [(str(w.message), w.lineno) for w in caught] == [("divide by zero encountered in log", 4)]
    finally:
        sys.modules.pop("warnpkg.losses", None)
        sys.modules.pop("warnpkg", None)


def _raising_block(x):
    with np.errstate(all="raise"):
        y = np.sqrt(x)
    return np.sum(y)


@needs_positions
def test_an_errstate_in_f_holds_for_the_users_operations_of_its_block_only():
    x = np.array([0.0, 1.0])        # sqrt(0) is fine; its derivative's 0 / 0 and 1 / 0 are the derivative's
    before = np.geterr()
    assert _raising_block(x) == 1.0
    assert astgrad.jvp(_raising_block, (x,), (x,)) == (1.0, 0.5)
    assert astgrad.grad(_raising_block)(x).tolist() == [np.inf, 0.5]
    with pytest.raises(FloatingPointError, match="invalid value encountered in sqrt"):
        astgrad.jvp(_raising_block, (-x,), (x,))        # the user's own operation raises, as in f
    assert np.geterr() == before
    assert_close(astgrad.jvp(_raising_block, (x + 1.0,), (x,))[1], 0.5 / np.sqrt(2.0))


def _printing(x):
    print("ran")
    return np.sum(np.sin(x) * x)


@pytest.mark.parametrize("transform, runs", [
    (lambda x: astgrad.grad(_printing)(x), 1), (lambda x: astgrad.value_and_grad(_printing)(x), 1),
    (lambda x: astgrad.jvp(_printing, (x,), (x,)), 1), (lambda x: astgrad.hvp(_printing)(x, x), 1),
    (lambda x: astgrad.vjp(_printing, x), 1), (lambda x: astgrad.vjp(_printing, x)[1](1.0), 2),
    (lambda x: astgrad.jacobian(_printing)(x), 2), (lambda x: astgrad.hessian(_printing)(x), 1 + 3),
    (lambda x: astgrad.jacobian(astgrad.grad(_printing))(x), 2 + 3),
], ids=["grad", "value_and_grad", "jvp", "hvp", "vjp", "pullback", "jacobian", "hessian", "jacobian(grad)"])
def test_print_runs_as_often_as_the_docs_say(transform, runs, capsys):
    x = np.array([0.1, 0.2, 0.3])
    transform(x)
    capsys.readouterr()
    transform(x)
    assert capsys.readouterr().out == "ran\n" * runs


def _printing_at_a_kink(x):
    print("ran")
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x)), 0.0))


def test_print_runs_once_where_the_zero_safe_twin_answers(capsys):
    x = np.array([0.0, 1.0])        # the plain gradient is NaN at 0: the twin answers, printing nothing more
    assert astgrad.grad(_printing_at_a_kink)(x).tolist() == [0.0, 0.5]
    assert capsys.readouterr().out == "ran\n"
    assert_close(astgrad.grad(_printing_at_a_kink)(x + 1.0), numerical_grad(_printing_at_a_kink, (x + 1.0,)))
