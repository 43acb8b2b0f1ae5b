"""astgrad.export of a fifth hunt's program (tests/hunt5_programs.py): the second
derivative of an item write, exported, loaded and run.

Split from test_hunt5_programs.py (a program campaign, run on one Python:
.ci/campaigns.txt): export writes a module's text, partly by the standard library's
``ast.unparse``, and loads it, which differs between Pythons, so this runs on every Python.
"""

import numpy as np

import astgrad
from hunt5_programs import CASES, X3


def test_exported_second_derivative_of_an_item_write(tmp_path):
    """The exported module carries its own copy of astgrad's derivative list, whose item
    reads are followed (not taken as a container's own __getitem__)."""
    import importlib.util
    from astgrad.exporting import _derivative
    from fd import numerical_grad
    f = next(f for name, f, _, _ in CASES if name.startswith("k01 "))
    path = tmp_path / "k01_order2.py"
    astgrad.export(f, (0, 1), order=2, path=str(path))
    spec = importlib.util.spec_from_file_location("k01_order2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    got = getattr(module, _derivative(f, (0, 1), "reverse", 2).__code__.co_name)(X3.copy(), 0.8)
    gradient = astgrad.grad(f, wrt=(0, 1))
    for i in (0, 1):
        want = numerical_grad(lambda x, w: float(np.sum(gradient(x, w)[0]) + gradient(x, w)[1]), (X3, 0.8), wrt=i)
        np.testing.assert_allclose(got[i], want, rtol=1e-5, atol=1e-6)
