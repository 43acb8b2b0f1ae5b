"""A read of a global stays followed whatever libraries the process has imported.

astgrad refuses a global read that a helper the function reaches may rebind by its name
as text (``setattr(module, "A", v)``). The search for such helpers went on through
Python's standard library: from ``copy.copy`` into ``copyreg.dispatch_table``, which
holds the reducers every imported package registered (SymPy and mpmath register
thousands), and took their string constants for rebinding the user's globals. A program
reading a global was refused, or slow to transform, once such a package was imported.
"""

import copy
import copyreg
import types

import numpy as np
import pytest

import astgrad
from fd import numerical_grad, numerical_jvp

A = 2.0


class Holder:
    def __init__(self, v):
        self.v = v

    def copied(self):
        return Holder(copy.copy(self.v))


def copied_then_read(x):
    r = Holder(x * A)
    c = r.copied()
    return np.sum(c.v * x) + A * np.sum(np.sin(x))


def _rebinding_reducer_of_a_package():
    """A reducer as a package registers it, whose code sets an attribute named by text
    (SymPy's and mpmath's make names as text this way); registered for a type of its own
    that the program never copies."""
    package = types.ModuleType("some_package")
    exec(compile("def reducer(obj):\n    setattr(obj, 'A', 1.0)\n    return (type(obj), ())\n",
                 "<some_package>", "exec"), vars(package))
    kind = type("PackageType", (), {"__module__": "some_package"})
    return kind, package.reducer


@pytest.fixture
def registered_reducer():
    kind, reducer = _rebinding_reducer_of_a_package()
    copyreg.pickle(kind, reducer)
    yield
    copyreg.dispatch_table.pop(kind, None)


@pytest.mark.parametrize("n", [3, 5])
def test_global_read_followed_with_a_package_reducer_registered(registered_reducer, n):
    x = np.random.default_rng(n).normal(size=n)
    expected = numerical_grad(copied_then_read, (x,))
    np.testing.assert_allclose(astgrad.grad(copied_then_read)(x), expected, rtol=1e-6, atol=1e-8)
    tangent = np.random.default_rng(n + 1).normal(size=n)
    _, out_tangent = astgrad.jvp(copied_then_read, (x,), (tangent,))
    np.testing.assert_allclose(out_tangent, numerical_jvp(copied_then_read, (x,), (tangent,)), rtol=1e-6, atol=1e-8)


REBOUND = 1.5


def _rebind_by_text(value):
    globals()["REBOUND"] = value


def rebinds_then_reads(x):
    y = x * REBOUND
    _rebind_by_text(3.0)
    return np.sum(y * x)


def test_a_helper_of_the_users_rebinding_by_text_is_still_refused(registered_reducer):
    with pytest.raises(astgrad.TransformError, match="REBOUND") as info:
        astgrad.grad(rebinds_then_reads)(np.ones(3))
    assert f"{__file__}:" in str(info.value)
    assert REBOUND == 1.5
