"""The ninth acceptance hunt as a permanent differential test: the programs of
tests/hunt9_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it). Then what
the hunt found on its own: a generator that never ends zipped with an array (the gradient
never returned), and code in the disk cache made for a dataclass taken for another class
of the same name (its fields reordered), as a class was found again by its name only. Last,
a method's code or defaults and a global partial's keywords changed after its gradient was made."""

import dataclasses
import functools

import numpy as np
import pytest

import astgrad
from astgrad import disk_cache
from breadth_modes import one_mode_tests
from fd import numerical_grad
from hunt9_programs import CASES, X3, cycled_with_zip

# the programs that found a bug, in the mode that showed it (each a wrong value on the old code)
FOUND = {
    "n01 ": "grad",             # norm(k) ** 2 of an int8 k squared in int8: -62.4 for 142.4
    "n02 ": "vjp",              # the same past int64: 7.2e-24 for 0.967
    "n03 ": "grad",             # r * r read as s although r[0] was written: 0.48 for 0
    "n04 ": "jvp",              # an alias of r added to in place
    "n05 ": "value_and_grad",   # a helper wrote into r
    "n06 ": "grad",             # r the out of np.multiply(r, 2.0, r)
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


def test_a_generator_that_may_never_end_zipped_with_an_array_is_refused():
    """zip stops taking a generator's items at the end of the shortest iterable; its list
    twin ran a ``while True`` generator to its end, which never came (the gradient hung,
    its list growing without bound)."""
    with pytest.raises(astgrad.TransformError, match="zip stops taking its items at the end of the shortest iterable, and it never ends"):
        astgrad.grad(cycled_with_zip)(X3, 0.8)


# -- a class found again on disk ------------------------------------------------------------

@dataclasses.dataclass
class Pair:
    a: float
    b: float


def pair_sum(x, w):
    p = Pair(x[0] * w, w * w)
    return p.a * 3.0 + p.b


def test_code_made_for_a_dataclass_is_not_used_for_another_of_the_same_name(tmp_path, monkeypatch):
    """The disk cache finds a class again by its module and name: a class of that name
    whose fields are in another order (Pair(b, a): the code built Pair(a=..., b=...)) took
    the stored code, and the gradient in w was 2.5 where it is 5.1."""
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0])   # entries are stored
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path))
    try:
        astgrad.grad(pair_sum, wrt=1)(X3, 0.8)
        swapped = dataclasses.make_dataclass("Pair", [("b", float), ("a", float)])
        swapped.__module__, swapped.__qualname__ = __name__, "Pair"
        monkeypatch.setitem(globals(), "Pair", swapped)
        got = astgrad.grad(pair_sum, wrt=1)(X3, 0.8)
        assert np.isclose(got, numerical_grad(pair_sum, (X3, 0.8), wrt=1)) and np.isclose(got, 5.1)
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None


# -- a method or a partial changed after its code was made ------------------------------------

class Scaled:
    def by(self, v, k=2.0, *, p=1.0):
        return v * k * p


SCALED = Scaled()


def _cubed(self, v, k=2.0, *, p=1.0):
    return v ** 3 * k * p


def method_of_global(x, w):
    return np.sum(SCALED.by(x) * w)


def _times(v, k=1.0, p=1.0):
    return v * k * p


PARTIAL = functools.partial(_times, p=2.0, k=3.0)


def partial_of_global(x, w):
    return np.sum(PARTIAL(x) * w)


def _kwdefault_in_place():
    Scaled.by.__kwdefaults__["p"] = 5.0


def _code_replaced():
    Scaled.by.__code__ = _cubed.__code__


def _defaults_replaced():
    Scaled.by.__defaults__ = (7.0,)


def _keyword_in_place():
    PARTIAL.keywords["k"] = 4.0


@pytest.mark.parametrize("f, change", [
    (method_of_global, _kwdefault_in_place), (method_of_global, _code_replaced),
    (method_of_global, _defaults_replaced), (partial_of_global, _keyword_in_place)])
def test_a_method_or_partial_changed_after_its_gradient_was_made(f, change, monkeypatch):
    """The code made for ``obj.method(x)`` holds the method's code and defaults, and the
    code made for a global partial its keywords. The guards checked the bound method only
    (a new object equal to the old one), and the partial's identity: a method's
    keyword-only default or code changed, or a partial's keywords changed in place
    (P.keywords["k"] = 4.0), kept the old code and its wrong gradient."""
    for attr in ("__code__", "__defaults__", "__kwdefaults__"):
        monkeypatch.setattr(Scaled.by, attr, getattr(Scaled.by, attr))
    monkeypatch.setattr(Scaled.by, "__kwdefaults__", dict(Scaled.by.__kwdefaults__))
    monkeypatch.setitem(globals(), "PARTIAL", functools.partial(_times, p=2.0, k=3.0))
    astgrad.grad(f, wrt=(0, 1))(X3, 0.8)
    change()
    got = astgrad.grad(f, wrt=(0, 1))(X3, 0.8)
    expected = [numerical_grad(f, (X3, 0.8), wrt=i) for i in (0, 1)]
    assert all(np.allclose(g, e) for g, e in zip(got, expected))
