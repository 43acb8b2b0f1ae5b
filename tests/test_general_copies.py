"""The general code drops a copy into a derivative's name (``d_t = d_a``) where every
read of it follows in its block before its source changes: the reads read the source.
The code stays what it computes: a read after the source changed, or inside a loop or
branch that changes it, keeps the copy."""

import ast

import gast
import numpy as np
import pytest

from astgrad import caching
from astgrad.backend.copies import propagate_copies
from astgrad.core import syntax as S
from fd import assert_close, numerical_grad
from test_loop_shape_sources import nested_loop, sin_loop


def _propagated(text, only=("t",)):
    body = propagate_copies(S.parse_stmts(text), only=only)
    return ast.unparse(gast.gast_to_ast(gast.Module(body=body, type_ignores=[]))).splitlines()


@pytest.mark.parametrize("text, expected", [
    ("t = s\ny = t * 2\nz = t + y", ["y = s * 2", "z = s + y"]),
    ("t = s\ns = t * 2", ["s = s * 2"]),                          # read, then stored, in one statement
    ("t = s\ns = t * 2\ny = t", ["t = s", "s = t * 2", "y = t"]),  # read again after s changed
    ("t = s\ns = t\ny = t", ["y = s"]),                           # s = t leaves s as it was
    ("t = s\ny = t * 2\ns = y\nz = t", ["t = s", "y = t * 2", "s = y", "z = t"]),   # s changed first
    ("t = s\nfor k in range(2):\n    s = t + s", ["t = s", "for k in range(2):\n    s = t + s"]),
    ("t = s\nif c:\n    y = t", ["if c:\n    y = s"]),                   # a read in a later branch
    ("t = s\nif c:\n    s = 1\n    y = t", ["t = s", "if c:\n    s = 1\n    y = t"]),
    ("t = s\ny = t\nt2 = s", ["y = s", "t2 = s"]),
    ("u = s\ny = u", ["u = s", "y = u"]),                          # not a derivative's name
])
def test_copies_into_derivatives(text, expected):
    assert _propagated(text) == "\n".join(expected).splitlines()


def test_the_general_gradient_of_a_loop_has_no_copies_of_derivatives():
    gradient = caching.generate_reverse(sin_loop, (0,), False)
    copies = [line for line in gradient.source.splitlines()
              if line.strip().startswith("d_") and line.split("=")[1].strip().isidentifier()]
    assert copies == [], gradient.source


@pytest.mark.parametrize("fn", [sin_loop, nested_loop])
def test_loops_without_the_copies_stay_right(fn):
    gradient = caching.generate_reverse(fn, (0,), False)
    second = caching.generate_reverse(gradient, (0,), False)
    for x, y in ((np.linspace(0.1, 0.9, 4), 0.7), (np.linspace(-1, 1, 3), np.linspace(0.2, 0.4, 3))):
        assert_close(gradient(x, y), numerical_grad(fn, (x, y)), rtol=1e-5, atol=1e-6)
        row_sums = numerical_grad(lambda *a: np.sum(gradient(*a)), (x, y))
        assert_close(second(x, y), row_sums, rtol=1e-4, atol=1e-5)
