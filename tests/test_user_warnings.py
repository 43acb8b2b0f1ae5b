"""``warnings.warn`` in a differentiated function is shown where calling the function
shows it: the user's file and line (not the generated code's), the line calling a helper
for ``stacklevel=2``, the caller of the derivative where the function differentiated
itself asks for ``stacklevel=2``; in grad, jvp and hessian, with Python's TypeError for a
category that is not a Warning, and the derivative's values unchanged."""

import inspect
import warnings

import pytest

import astgrad
from fd import assert_close, numerical_grad


def _tell(x):
    if x > 1.0:
        warnings.warn("x is large", stacklevel=2)       # shown at the line calling _tell
    return x


def warns_in_a_branch(x):
    if x > 0.0:
        warnings.warn("x is positive", RuntimeWarning)      # <- here
    return x ** 3


def warns_an_instance(x):
    y = _tell(x) * 2.0      # <- here
    warnings.warn(UserWarning(f"y is {y:.1f}"))
    return y ** 2


def warns_its_caller(x):
    warnings.warn("called", DeprecationWarning, stacklevel=2)
    return x * x


def _line_marked(fn):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, text in enumerate(lines) if "# <- here" in text)


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return {(w.filename, w.lineno, w.category, str(w.message)) for w in caught}


MODES = {"grad": lambda fn, x: astgrad.grad(fn)(x),
         "jvp": lambda fn, x: astgrad.jvp(fn, (x,), (1.0,)),
         "hessian": lambda fn, x: astgrad.hessian(fn)(x)}


@pytest.mark.parametrize("mode", MODES)
def test_a_warning_is_shown_at_the_users_line(mode):
    here = __file__
    assert _caught(lambda: MODES[mode](warns_in_a_branch, 1.5)) == {
        (here, _line_marked(warns_in_a_branch), RuntimeWarning, "x is positive")}
    assert _caught(lambda: MODES[mode](warns_an_instance, 1.5)) == {
        (here, _line_marked(warns_an_instance), UserWarning, "x is large"),
        (here, _line_marked(warns_an_instance) + 1, UserWarning, "y is 3.0")}
    calling = MODES[mode].__code__.co_firstlineno        # the line calling the derivative
    assert _caught(lambda: MODES[mode](warns_its_caller, 1.5)) == {(here, calling, DeprecationWarning, "called")}


def test_the_values_and_bad_categories_are_as_without_the_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_close(astgrad.grad(warns_an_instance)(1.5), numerical_grad(warns_an_instance, (1.5,)))
        assert_close(astgrad.hessian(warns_an_instance)(1.5), 8.0)

    def bad_category(x):
        warnings.warn("w", "not a category")
        return x * x
    for call in (lambda: bad_category(1.0), lambda: astgrad.grad(bad_category)(1.0)):
        with pytest.raises(TypeError, match="category must be a Warning subclass, not 'str'"):
            call()


def test_hessians_plain_run_of_f_adds_no_frame_to_an_error_of_f():
    def raises(x):
        if x > 1.0:
            raise ValueError("x too large")
        return x ** 3
    with pytest.raises(ValueError, match="x too large") as caught:
        astgrad.hessian(raises)(1.5)
    here = [entry.lineno + 1 for entry in caught.traceback if str(entry.path) == __file__]
    first = raises.__code__.co_firstlineno
    assert here == [first + 5, first + 2]       # the line calling the hessian once, then raise's line
    assert_close(astgrad.hessian(raises)(0.5), 3.0)     # the next call works
