"""An exported derivative is generated without the arguments, so it reads ``+`` and
``*`` as NumPy arithmetic: a list or tuple given for a parameter the function joins or
repeats (``xs * n``) is refused, naming it, where the module once returned the
derivative of another function (3x too large for one item repeated three times, with
no error). In process, astgrad sees the list and follows it."""

import importlib.util

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from program_files import load

PROGRAMS = """
import numpy as np

def repeated(xs, n):
    a = xs * n
    return np.sum(np.sin(a) * a)

def read_only(xs, w):
    return np.sum(np.asarray(xs) ** 2) * np.cos(w)

def powered(x, d):
    return np.sum(x ** d)
"""


def _exported(fn, tmp_path, mode, wrt=0):
    suffix = "_".join(map(str, wrt)) if isinstance(wrt, tuple) else wrt
    path = tmp_path / f"{fn.__name__}_{mode}_{suffix}.py"
    astgrad.export(fn, wrt, mode=mode, path=str(path))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prefix = "grad_" if mode == "reverse" else "jvp_"
    return getattr(module, prefix + fn.__name__), path.read_text()


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_list_for_a_repeated_parameter_is_refused_by_the_export(tmp_path, mode):
    fn = load(PROGRAMS, "repeated")
    exported, text = _exported(fn, tmp_path, mode)
    assert "arrays_not_lists(xs=xs, n=n)" in text
    with pytest.raises(TypeError, match="argument 'xs' is a list.*numpy.asarray\\(xs\\)"):
        exported([0.3], 3) if mode == "reverse" else exported([0.3], 3, d_xs=[1.0])
    x = np.array([0.3, -0.7])
    expected = numerical_grad(fn, (x, 3), 0)
    if mode == "reverse":
        assert_close(exported(x, 3), expected)
    else:
        assert_close(exported(x, 3, d_xs=np.array([1.0, 2.0]))[1], expected @ np.array([1.0, 2.0]))
    # in process, astgrad sees the list and differentiates the repetition
    assert_close(np.array(astgrad.grad(fn)([0.3], 3)),
                 numerical_grad(lambda v: fn(list(v), 3), (np.array([0.3]),), 0))


def test_parameters_not_joined_or_repeated_are_not_checked(tmp_path):
    fn = load(PROGRAMS, "read_only")
    exported, text = _exported(fn, tmp_path, "reverse")
    assert "arrays_not_lists" not in text
    assert_close(exported([0.3, -0.7], 0.4), numerical_grad(lambda v: fn(list(v), 0.4),
                                                            (np.array([0.3, -0.7]),), 0))


def test_a_tuple_of_numbers_in_arithmetic_is_read_as_an_array_as_in_process(tmp_path):
    """``x ** d`` with a tuple ``d``: NumPy's elementwise power, in the function and in
    process; the exported derivatives applied ``d - 1`` and ``-d_d`` to the tuples
    themselves (Python's TypeError). The gradient for ``d`` is a tuple, as in process."""
    fn = load(PROGRAMS, "powered")
    x, d, v = np.array([0.3, 0.2, 0.8]), (1.0, 2.0, 4.0), np.array([1.0, -1.0, 0.5])
    for_x = numerical_grad(lambda u: fn(u, d), (x,), 0)
    for_d = numerical_grad(lambda e: fn(x, tuple(e)), (np.array(d),), 0)
    gradient_x, gradient_d = _exported(fn, tmp_path, "reverse", wrt=(0, 1))[0](x, d)
    assert type(gradient_d) is tuple and type(astgrad.grad(fn, (0, 1))(x, d)[1]) is tuple
    assert_close(gradient_x, for_x) and assert_close(np.array(gradient_d), for_d)
    assert_close(_exported(fn, tmp_path, "forward", wrt=1)[0](x, d, d_d=tuple(v))[1], for_d @ v)
