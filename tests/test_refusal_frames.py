"""Refusals raised as the generated code runs leave no frame of astgrad's runtime in the
traceback and name the user's line: programs of test_hunt15_programs.py (a program
campaign, run on one Python: .ci/campaigns.txt). Tracebacks and their frames differ
between Pythons, so these run on every Python.
"""

import os
import traceback

import pytest

import astgrad
from test_hunt15_programs import X3, _plus_of_object, _polyval_of_rows


@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_a_refusal_for_the_values_names_the_line_and_the_function(transform):
    """The NotImplementedError of a rule supported for other values (2-D coefficients)
    left generated code with astgrad's frames and no line of the user's; it named
    numpy.polyval for numpy.polynomial.polynomial.polyval."""
    import inspect
    lines, first = inspect.getsourcelines(_polyval_of_rows)
    line = first + next(i for i, text in enumerate(lines) if "# refused" in text)
    with pytest.raises(NotImplementedError, match=rf"test_hunt15_programs.py:{line}: .*numpy.polynomial.polynomial"
                                                  r".polyval is supported for a 1-D array") as caught:
        if transform == "grad":
            astgrad.grad(_polyval_of_rows, wrt=1)(X3, 0.8)
        else:
            astgrad.jvp(_polyval_of_rows, (X3, 0.8), (X3, 1.0))
    frames = [frame.filename for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert not any(name.endswith(os.path.join("astgrad", "runtime.py")) for name in frames), frames


@pytest.mark.parametrize("f", [_plus_of_object])
@pytest.mark.parametrize("transform", ["grad", "hessian"])
def test_a_refusal_as_the_code_runs_names_the_users_line_at_each_order(f, transform):
    """astgrad's refusals raised by its runtime with a message naming no line (float() of
    an object converting itself, now followed at first order; an item read through a
    class's own __getitem__ was another, now followed; % on an object computing it with
    code of its own was one, now followed; unary + on it is one) left generated code with astgrad's frames and no line of the
    user's, at first order and inside a Hessian."""
    import inspect
    lines, first = inspect.getsourcelines(f)
    line = first + next(i for i, text in enumerate(lines) if "# refused" in text)
    with pytest.raises(TypeError, match=rf"test_hunt15_programs.py:{line}: astgrad") as caught:
        if transform == "grad":
            astgrad.grad(f, wrt=1)(X3, 0.8)
        else:
            astgrad.hessian(f, wrt=1)(X3, 0.8)
    frames = [frame.filename for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert not any(name.endswith(os.path.join("astgrad", "runtime.py")) for name in frames), frames
