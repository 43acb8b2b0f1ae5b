"""Export of code that holds a gradient as a value (``g = astgrad.grad(h)`` at module
level handed to a helper, stored in a list) and of code handing a function to a helper
of another module: the gradient is written into the exported module as the generated
function it runs (it was a bare LookupError), a helper made for the functions it is
given reads them from the module (it was an ExportError about a closure variable). The
exported code runs and gives astgrad's gradient, in both modes and at second order."""

import inspect

import numpy as np
import pytest

import astgrad
import gradients_as_values as mod
from astgrad.exporting import _derivative
from fd import assert_close, numerical_grad
from program_files import load_module

PROGRAMS = [mod.handed_to_another_module, mod.handed_to_a_helper, mod.from_a_list,
            mod.function_handed_to_another_module]
X = np.array([0.7, 0.3, -0.4])
V = np.array([0.5, -1.0, 0.25])


@pytest.mark.parametrize("order, mode", [(1, "reverse"), (2, "reverse"), (1, "forward")])
@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda fn: fn.__name__)
def test_exported_code_runs_and_gives_the_derivative(fn, order, mode, tmp_path):
    text = astgrad.export(fn, order=order, mode=mode)
    assert "import astgrad" not in text and "from astgrad" not in text
    exported = getattr(load_module(text, tmp_path / f"exported_{fn.__name__}_{order}_{mode}.py"),
                       _derivative(fn, 0, mode, order).__code__.co_name)
    gradient = numerical_grad(fn, (X,))
    if mode == "forward":
        tangent_name = list(inspect.signature(exported).parameters)[-1]     # keyword-only
        _, tangent = exported(X, **{tangent_name: V})
        assert_close(tangent, np.sum(gradient * V), rtol=1e-6, atol=1e-7)
    elif order == 1:
        assert_close(exported(X), gradient, rtol=1e-6, atol=1e-7)
    else:       # the gradient of the gradient's sum
        numeric = numerical_grad(lambda y: np.sum(astgrad.grad(fn)(y)), (X,), eps=1e-5)
        assert_close(exported(X), numeric, rtol=1e-4, atol=1e-5)


def test_the_command_line_exports_a_gradient_held_as_a_value(tmp_path):
    import os
    import fresh_process
    here = os.path.dirname(os.path.abspath(__file__))
    src = os.path.join(os.path.dirname(here), "src")
    run = fresh_process.run(["-m", "astgrad", "export", "gradients_as_values:handed_to_a_helper"], src=src,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join([src, here])})
    assert run.returncode == 0, run.stderr
    assert "def grad_handed_to_a_helper(" in run.stdout
