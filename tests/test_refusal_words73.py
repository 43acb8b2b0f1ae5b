"""Refusals whose words named the wrong thing: each still raises TransformError at its
line, now naming what the line writes, why astgrad cannot follow it and what to write
instead (the advice itself is checked against finite differences where it is code)."""

import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian
from test_objects68 import Dense, Scale


def _line_of(f, text):
    import inspect
    lines, start = inspect.getsourcelines(f)
    return start + next(i for i, line in enumerate(lines) if text in line)


def _refused_at(f, text, *args):
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(*args)
    message = str(caught.value)
    assert f"{__file__}:{_line_of(f, text)}:" in message, message
    return message


def accumulate_into_out(x):
    out = np.empty(4)
    np.add.accumulate(x, out=out)
    return np.sum(out * out)


def test_out_of_a_ufunc_method_names_the_array_written_and_the_ufunc():
    # it said "calling ufunc.accumulate changes 'x' in place": x is only read
    message = _refused_at(accumulate_into_out, "np.add.accumulate", np.arange(1.0, 5.0))
    assert "calling numpy.add.accumulate changes 'out' in place" in message, message
    assert "out = numpy.add.accumulate(...)" in message, message


def accumulate_assigned(x):
    out = np.add.accumulate(x)
    return np.sum(out * out)


def test_the_advice_for_out_is_followed():
    x = np.random.default_rng(73).normal(size=4)
    assert_close(astgrad.grad(accumulate_assigned)(x), numerical_grad(accumulate_assigned, (x,)))
