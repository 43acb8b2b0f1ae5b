"""A hunt over the forms followed since this morning (a ``queue.Queue`` filled and drained,
two loops naming one item, a global object's layers, a dict argument holding objects beside
None, numbers and lists, vjp's value code, writes checked for overlap by the flow of values,
``warnings.warn`` shown at the user's line, the tape's ``x.flat``), with programs written as
users write them, in grad, jvp and hessian against central finite differences, the caller's
objects compared with what Python leaves. It found:

- a wrong value: the tape's ``x.flat`` held in a name could be iterated twice, each pass
  giving every element (``it = x.flat; sum(it) + sum(it)`` twice the sum), where NumPy's
  flat iterator advances as it is read (the second pass is empty, ``next(it)`` takes the
  next element, an index sets it back to the start); it is such an iterator now;
- a wrong place: a derivative of generated code (a second derivative, or code derived from
  a callee's value code) stored in the disk cache was keyed by its text, which is the same
  for one function written in two files, so another file's process loaded it with the
  first file's lines: ``hessian`` showed the warnings of a helper at the other file's line
  (and would point a traceback there). The key holds the user's lines the code came from.
"""

import importlib
import queue
import sys
import textwrap

import numpy as np
import pytest

import astgrad
from astgrad import disk_cache
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


# -- the tape's x.flat is NumPy's iterator ----------------------------------------------

DATA = np.array([[0.3, 0.8, 0.5], [1.1, 0.4, 0.9]])


def held_flat_read_twice(x):
    it = x.flat
    return sum(it) * 2.0 + sum(it)          # the second pass is empty: 0


def held_flat_advanced(x):
    it = x.flat
    a = next(it)
    b = it[4]                               # an index sets it back to the start
    return a * b + next(it) * sum(it)


@pytest.mark.parametrize("program", [held_flat_read_twice, held_flat_advanced], ids=lambda f: f.__name__)
def test_a_held_flat_advances_as_numpy_s_does(program):
    with astgrad.no_grad():
        assert float(program(astgrad.tensor(DATA))) == pytest.approx(program(DATA.copy()), rel=1e-12)
    x = astgrad.tensor(DATA, requires_grad=True)
    (g,) = astgrad.autograd.grad(program(x), x)
    assert_close(g.detach().numpy(), numerical_grad(program, (DATA,)))


# -- the disk cache keeps apart generated code made from two files ------------------------

SOURCE = textwrap.dedent("""\
    import numpy as np


    def f(x, y):
        return np.sum(np.sin(x) * y)
    """)


def test_one_function_written_in_two_files_has_derivatives_of_two_keys(tmp_path, monkeypatch):
    """The first derivatives' texts are the same; a derivative of them shows the user's
    lines of its own file, so it is stored under a key of its own."""
    for name in ("hunt_new_file_a", "hunt_new_file_b"):
        (tmp_path / f"{name}.py").write_text(SOURCE)
        sys.modules.pop(name, None)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    a, b = (importlib.import_module(name).f for name in ("hunt_new_file_a", "hunt_new_file_b"))
    first_a, first_b = astgrad.grad(a).plain, astgrad.grad(b).plain
    assert first_a.source == first_b.source
    key = ("reverse", (0,), False, None)
    assert disk_cache.entry_key(first_a, key) != disk_cache.entry_key(first_b, key)
