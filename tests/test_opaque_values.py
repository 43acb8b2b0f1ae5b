"""A core statement whose value astgrad has no operation for (a comprehension, a lambda,
an f-string...) reads its names as inputs: when one of them carries a derivative the
statement is refused, never taken for a constant (which gave a zero derivative)."""

import gast
import numpy as np
import pytest

import astgrad
from astgrad.core import ops
from astgrad.core.ops import OpKind


def _value(text):
    return gast.parse(text).body[0].value


@pytest.mark.parametrize("text, label, names", [
    ("[item for item in enumerate(zip(ws, bs))]", "a list comprehension", {"item", "enumerate", "zip", "ws", "bs"}),
    ("{k: v * w for k, v in d}", "a dict comprehension", {"k", "v", "w", "d"}),
    ("a and b", "and/or", {"a", "b"}),
    ("f'{x}'", "an f-string", {"x"}),
])
def test_an_opaque_value_reads_its_names(text, label, names):
    op = ops.describe(_value(text))
    assert op.kind is OpKind.OPAQUE and op.label == label
    assert {a.id for a in op.atoms()} == names
    assert op.differentiable         # so a mode asks for a rule, and refuses without one


def layers_total(ws, x):
    # still differentiates: the normalizer lowers a comprehension the user writes
    return np.sum([np.tanh(w * x) for w in ws])


def test_a_comprehension_the_user_writes_is_still_lowered_and_differentiated():
    ws = [0.3, -0.7]
    g = astgrad.grad(layers_total, wrt=1)(ws, 0.4)
    assert np.isclose(g, sum(w * (1 - np.tanh(w * 0.4) ** 2) for w in ws))
