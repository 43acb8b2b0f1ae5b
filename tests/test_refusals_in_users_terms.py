"""Refusals that named astgrad's internals or said the wrong thing, now in the user's terms,
and a method of the user's class named like a list's (``cell.pop(w)``) now followed:

- a loop binding a global (``global y; for y in zs: y.step(w)``) named the local variable
  astgrad made of it (``y_1``): the message names the global ``y``;
- ``functools.partial`` of a method of a differentiated value or stored on an object the
  function builds, ``map`` of an array's method and building an object whose ``__init__``
  stores a partial said "no adjoint rule ... register one": they say what astgrad follows
  and what to write instead;
- ``cell.pop(w)`` on an argument's object (or a loop's name over a list of them) was lowered
  as a list's ``pop`` and refused as a write into shared memory: it is followed as the user's
  method once the object's class is known (on a list argument it is refused as before);
- a changing method a helper returns, called for its effect (``_imul_of(a)(w)``), was refused
  in reverse mode as "calling a function value": the refusal names the method and the helper;
- a lambda stored on an object the function builds (``h.f = lambda z: ...``) was "passed to a
  function astgrad does not inline": it says it is stored in ``h.f``."""

import numpy as np
import pytest

import astgrad
import hunt59_programs as P
from breadth_modes import check


class Layer:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def step(self, w):
        self.W = self.W + w


y = None


def loops_with_a_global(w):
    global y
    objs = [Layer(w, 0.1), Layer(2.0 * w, 0.2)]
    zs = objs[:1]
    for y in zs:
        y.step(w)
    return np.sum(objs[0].W)


def test_a_loop_binding_a_global_is_refused_naming_the_global():
    with pytest.raises(astgrad.TransformError, match=r"the loop binds the global 'y', which lives on outside the "
                                                      r"function.*loop over zs with a local name") as caught:
        astgrad.grad(loops_with_a_global)(0.5)
    assert "y_1" not in str(caught.value)       # (said "the name y_1 is bound elsewhere too")


@pytest.mark.parametrize("name, says", [
    ("o06", r"no adjoint rule for functools\.partial: astgrad follows functools\.partial\(f, \.\.\.\) of a function"),
    ("v03", r"it does not follow a partial of a method of a differentiated value \(functools\.partial\(a\.dot\)\)"),
    ("v06", r"no adjoint rule for map: .*it does not follow map of a method of a differentiated value "
            r"\(map\(a\.__mul__, xs\)\): write the calls out"),
    ("o08", r"HoldsOwnPartial\.__init__ stores a function value in self\.f \(functools\.partial\(HoldsOwnPartial"
            r"\.scale, self\)\), which astgrad does not follow"),
    ("m11", r"calling the method a\.__imul__ that _imul_of returns \(.*hunt59_programs\.py:\d+: return a\.__imul__\)")],
    ids=["o06", "v03", "v06", "o08", "m11"])
def test_a_function_value_not_followed_is_refused_saying_what_to_write(name, says):
    with pytest.raises(astgrad.TransformError, match=says) as caught:
        astgrad.grad(getattr(P, name), wrt=(0, 1))(P.X4, P.W)
    assert "Register one" not in str(caught.value) and "a function value for its effect" not in str(caught.value)


def stores_a_lambda(x, w):
    h = P.HoldsPartial()
    h.f = lambda z: P._scaled(z, k=w)
    return np.sum(h(x) ** 2)


def test_a_lambda_stored_on_an_object_built_is_refused_saying_so():
    # said "passed to a function astgrad does not inline" (the attribute store astgrad makes of it)
    with pytest.raises(astgrad.TransformError, match=r"the local function lambda stored in the attribute h\.f of an "
                                                      r"object the function builds; .*call the function where h\.f "
                                                      r"would be called"):
        astgrad.grad(stores_a_lambda, wrt=(0, 1))(P.X4, P.W)


def v03_as_advised(x, w):
    a = x * w
    f = lambda z: a.dot(z)      # noqa: E731 - what the refusal of functools.partial(a.dot) advises
    return f(x) + sum([a * v for v in [1.0, 2.0]])[0]       # and that of map(a.__mul__, ...)


def test_what_the_refusals_advise_is_followed():
    check("grad", v03_as_advised, (P.X4, P.W), (0, 1))


class Cell:
    def __init__(self, v):
        self.v = v

    def pop(self, w):           # a method of the user's, named like a list's
        self.scaled = self.v * w    # (from v, not itself: each call of the check's sees the same)
        return self.scaled


def pops_its_argument(w, cell):
    cell.pop(w)
    return cell.scaled * w


def pops_in_a_loop(w, cells):
    s = 0.0
    for c in cells:
        s = s + c.pop(w) * w
    return s + cells[1].scaled


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_users_pop_on_an_argument_is_followed(mode):
    # refused before: "assignment into an element of 'cell' while another name may share its memory"
    check(mode, pops_in_a_loop, (0.7, [Cell(1.5), Cell(-2.0)]), (0,))
    if mode == "grad":
        check(mode, pops_its_argument, (0.7, Cell(1.5)), (0,))


def pops_a_list(w, xs):
    v = xs.pop(0)
    return v * w + xs[0]


def test_pop_on_a_list_argument_is_refused_as_before():
    xs = [1.0, 2.0]
    with pytest.raises(astgrad.TransformError, match=r"pop from 'xs' while another name may "
                                                      r"share its memory"):
        astgrad.grad(pops_a_list)(0.5, xs)
    assert xs == [1.0, 2.0]
