"""The fifty-eighth hunt: an adversary's programs over NumPy views and in-place writes
(writes through slices with steps, ``.T``, reshapes, ``x[None]``, ``x[...]``, ``np.flip``,
``np.split``, rows unpacked or looped over, read-only views; ``out=`` of ufuncs, also with
``where=``, ``np.add.at``, ``np.put``, ``np.place``, ``np.copyto``, ``np.fill_diagonal``,
``.sort()``, ``.fill()``, ``np.cumsum(out=)``; fancy-index writes with repeated indices in
every form; overlapping and chained writes, swaps through views; writes into arguments'
views, in loops and branches; writes into integer arrays), about 200 of them, each in
grad, value_and_grad, vjp, jvp, hessian and jvp of grad against central finite
differences, with its value and the caller's arrays compared with what Python gives
(tests/hunt58_programs.py). It found one wrong number:

- a write through ``x.reshape(-1)`` (``a[0] = w``, ``r *= w``, in a loop too) of an
  argument laid out in Fortran order, transposed or with negative strides: NumPy's reshape
  of such an array is a copy, and the function leaves ``x`` as it was; the derivative
  worked on a C-ordered copy of the argument, whose reshape is a view, and so followed the
  write into ``x`` (a wrong value and derivative in every mode, with no error). The copy of
  a written argument keeps its layout now, so the derivative decides as the function does,
  and such a write goes into NumPy's copy alone.

And one unclear refusal: a call changing in place a value its line computes
(``y[1:].sort()``) named the temporary astgrad made for it (``'t'``)."""

import inspect
import os
import re

import numpy as np
import pytest

import astgrad
import hunt58_programs as P
from astgrad.held_primals import copies_of_arrays
from astgrad.runtime import copy_argument
from breadth_modes import MODES, check, ci_modes
from fd import assert_close, numerical_grad, numerical_jvp

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
M34 = np.array([[0.3, -0.5, 0.8, 0.1], [1.1, 0.4, -0.2, 0.9], [0.6, -0.9, 0.25, 0.5]])


def _sampled(cases, every):
    """pytest params (mode, f, args, wrt): with HYPOTHESIS_PROFILE=thorough each program in
    every mode, else every ``every``-th program in its turn of the modes."""
    for k, (name, f, args, wrt) in enumerate(cases):
        if THOROUGH or k % every == 0:
            for mode in MODES if THOROUGH else ci_modes(k // every):
                yield pytest.param(mode, f, args, wrt, id=f"{name}-{mode}")


@pytest.mark.parametrize("mode, f, args, wrt", list(_sampled(P.CASES, 13)))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


@pytest.mark.parametrize("name, f, args, wrt", P.FIRST_ORDER if THOROUGH else P.FIRST_ORDER[:1],
                         ids=[c[0] for c in (P.FIRST_ORDER if THOROUGH else P.FIRST_ORDER[:1])])
def test_followed_to_first_order_and_refused_at_the_second(name, f, args, wrt):
    check("grad", f, args, wrt)
    with pytest.raises(astgrad.TransformError, match="this line cannot be differentiated twice"):
        astgrad.hessian(f, wrt=0)(*args)


# the gradient called inside another differentiated function (grad_inside_*) is refused for these
_NOT_CALLED_INSIDE = [m for m in MODES if not m.startswith("grad_inside")]


@pytest.mark.parametrize("mode", _NOT_CALLED_INSIDE if THOROUGH else ("grad", "hessian", "jvp_of_grad"))
@pytest.mark.parametrize("name, f, args, wrt", P.SECOND_ORDER_NOT_CALLED_INSIDE,
                         ids=[c[0] for c in P.SECOND_ORDER_NOT_CALLED_INSIDE])
def test_followed_to_second_order(name, f, args, wrt, mode):
    # v25 (y = x.reshape(2, 3); y[1, 1] = w writes into the argument x) was refused at the
    # second order; the gradient's write back into its copy of x is followed for an array of
    # numbers (checked when it runs)
    check(mode, f, args, wrt)


def _line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, line in enumerate(lines) if text in line)


def _refused(name, f, args, says):
    error = TypeError if "writes into a copy" in says else astgrad.TransformError
    with pytest.raises(error, match=says) as caught:
        astgrad.grad(f, wrt=(0, 1))(*args)
    lines, first = inspect.getsourcelines(f)
    line = int(re.search(r"hunt58_programs\.py:(\d+):", str(caught.value)).group(1))
    assert first < line < first + len(lines)            # a line of f's body


_REFUSED = [r for k, r in enumerate(P.REFUSED) if THOROUGH or k % 10 == 0 or r[0] in ("c08", "g10", "h01", "h04")]


@pytest.mark.parametrize("name, f, args, says", _REFUSED, ids=[r[0] for r in _REFUSED])
def test_refused_saying_why(name, f, args, says):
    _refused(name, f, args, says)


def test_a_call_changing_a_part_of_its_line_is_refused_without_naming_astgrads_own_temporary():
    # it said "calling .sort() changes 't' in place ...; sort a copy instead (t = numpy.sort(t))"
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(P.c08)(P.X4, P.W)
    message = str(caught.value)
    assert f"hunt58_programs.py:{_line_of(P.c08, '.sort()')}:" in message
    assert "calling .sort() changes a value this line computes in place" in message
    assert "'t'" not in message and "t = numpy.sort" not in message


def _shares(a, b):
    return a.base is not None and np.shares_memory(a, b)


@pytest.mark.parametrize("layout", [np.asfortranarray, lambda a: a.T.copy().T, lambda a: a[::-1].copy()[::-1],
                                    lambda a: a[:, ::2], lambda a: a[::-2, 1:].T, lambda a: a[:, None, 1:]],
                         ids=["fortran", "transposed", "reversed", "gapped", "gapped-transposed", "new-axis"])
def test_the_copy_of_a_written_argument_keeps_its_memory_layout(layout):
    # the copy was C-ordered: a reshape of it was a view where the argument's is a copy
    x = layout(np.arange(24.0).reshape(4, 6) + 0.5)
    copied = copy_argument(x)
    assert np.array_equal(copied, x) and not np.shares_memory(copied, x)
    for shape in [(-1,), (x.shape[0], -1), (-1, x.shape[-1])]:
        for order in "CF":
            assert _shares(x.reshape(shape, order=order), x) == \
                _shares(copied.reshape(shape, order=order), copied), (shape, order)
    assert _shares(x.ravel(), x) == _shares(copied.ravel(), copied)
    x.flags.writeable = False
    assert not copy_argument(x).flags.writeable and not copy_argument([x])[0].flags.writeable
    assert all(_shares(x.reshape(-1), x) == _shares(copied.reshape(-1), copied)
               for copied in (copy_argument([x])[0], copies_of_arrays([x])[0], copies_of_arrays([(x,)])[0][0]))


@pytest.mark.parametrize("f", P.LAYOUT_PROGRAMS)
@pytest.mark.parametrize("layout", list(P.COPYING_LAYOUTS))
def test_an_argument_whose_reshape_is_a_copy_written_through_it(f, layout):
    # grad, value_and_grad, vjp and jvp followed the write into x (Python leaves x as it
    # was): a wrong value and derivative; then they stopped at the write (a TypeError when
    # the code ran); now the write goes into the copy alone, as in Python: compared with
    # central differences of f at the same layout (each perturbed argument laid out so)
    arrange = P.COPYING_LAYOUTS[layout]
    x = arrange(M34)
    assert not np.shares_memory(x.reshape(-1), x)          # NumPy's reshape of x is a copy
    before = x.copy()
    plain = lambda x, w: f(arrange(x.copy()), w)     # noqa: E731 - at the layout, on a copy
    want = numerical_grad(plain, (M34, P.W), wrt=(0, 1))
    value, g = astgrad.value_and_grad(f, wrt=(0, 1))(x, P.W)
    assert value == pytest.approx(plain(M34, P.W), rel=1e-12)
    for got, expected in zip(g, want):
        assert_close(got, expected)
    tangents = (np.cos(M34), 0.5)
    _, d = astgrad.jvp(f, (x, P.W), (arrange(tangents[0]), 0.5))
    assert_close(d, numerical_jvp(plain, (M34, P.W), tangents))
    assert_close(astgrad.vjp(f, x, P.W)[1](-0.5)[1], -0.5 * want[1])
    assert np.array_equal(x, before)


@pytest.mark.parametrize("f", P.LAYOUT_PROGRAMS)
def test_an_argument_whose_reshape_is_a_view_written_through_it(f):
    # the C-ordered twin: the write reaches x in NumPy, and in the derivatives
    x, w = M34.copy(), P.W
    plain = lambda x, w: f(x.copy(), w)      # noqa: E731 - f writes into x
    value, g = astgrad.value_and_grad(f, wrt=(0, 1))(x, w)
    assert value == pytest.approx(plain(x, w), rel=1e-12)
    for i in (0, 1):
        assert_close(g[i], numerical_grad(plain, (x, w), wrt=i))
    tangents = (np.cos(M34), 0.5)
    _, d = astgrad.jvp(f, (x, w), tangents)
    assert_close(d, numerical_jvp(plain, (x, w), tangents))
    assert np.array_equal(x, M34)


@pytest.mark.parametrize("name", list(P.HELD_METHODS))
def test_a_method_held_in_a_name_called_for_its_effect_is_refused(name):
    # grad and jvp missed what the call changed (xs.append held as app: a zero gradient)
    f = getattr(P, name)
    held = P.HELD_METHODS[name]
    called = {"h01": "app(v", "h02": "put(\"a\"", "h03": "setter(2", "h04": "srt()", "h05": "fill(w)",
              "h06": "add(w)", "h07": "g(1, w)"}[name]
    line = _line_of(f, called)
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.jvp(f, (P.X4, P.W), (P.X4, 1.0))
    assert f"hunt58_programs.py:{line}: calling '" in str(caught.value)
    assert f"which holds the method {held}, for its effect: it may change '{held.split('.')[0]}' in place" \
        in str(caught.value)


def test_a_method_held_in_a_list_called_for_its_effect_is_refused_naming_it():
    # it gave a gradient that missed the change, with no error (tests/test_hunt59.py: every way it travels)
    with pytest.raises(astgrad.TransformError, match=r"the method a[.]__imul__ taken as a value \(held in a list\)"):
        astgrad.grad(P.h09, wrt=(0, 1))(P.X4, P.W)
