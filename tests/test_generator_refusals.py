"""A generator function is refused by every transform as grad refuses it: a
TransformError naming the file, the line and the yield, when the transform is made
(hessian gave a TypeError about the output at its call; jacobian and hvp refused only
when called; vjp gave a TypeError)."""

import numpy as np
import pytest

import astgrad


def doubles(x):
    yield x * 2.0


MADE = {
    "grad": lambda: astgrad.grad(doubles),
    "value_and_grad": lambda: astgrad.value_and_grad(doubles),
    "hessian": lambda: astgrad.hessian(doubles),
    "jacobian": lambda: astgrad.jacobian(doubles),
    "jacobian forward": lambda: astgrad.jacobian(doubles, mode="forward"),
    "hvp": lambda: astgrad.hvp(doubles),
    "vjp": lambda: astgrad.vjp(doubles, np.ones(2)),
    "jvp": lambda: astgrad.jvp(doubles, (np.ones(2),), (np.ones(2),)),
}


@pytest.mark.parametrize("transform", MADE)
def test_refused_like_grad_when_made(transform):
    with pytest.raises(astgrad.TransformError) as info:
        MADE[transform]()
    line = doubles.__code__.co_firstlineno + 1
    assert f"test_generator_refusals.py:{line}" in str(info.value)
    assert "yield" in str(info.value)
