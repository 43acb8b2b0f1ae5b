"""The twenty-second acceptance hunt (second half) as a permanent differential test: the
programs of tests/hunt22b_programs.py, each against central finite differences in one
mode of astgrad (``ci_modes`` in turn; a program that found a bug in the mode that
showed it), an iterator class whose ``__next__`` is redefined between two calls, and a
generator expression unpacking an iterator class's items, refused."""

import pytest

import astgrad
from breadth_modes import check, one_mode_tests
from hunt22b_programs import CASES, X3, Redefined, summed, t01, unpacked_pairs

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {"t01": "grad", "t02": "grad", "t03": "hessian", "t04": "grad", "t05": "grad", "t07": "grad",
         "t08": "grad", "t09": "grad", "g03": "grad", "g04": "jvp",
         "g05": "grad", "t10": "grad"}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


def _cubed(self):
    if self.i >= len(self.data):
        raise StopIteration
    v = self.w * self.w / self.data[self.i]
    self.i += 1
    return v


def _shorter(self):
    if self.i >= len(self.data) - 1:
        raise StopIteration
    v = self.data[self.i] * 3.0
    self.i += 1
    return v


@pytest.mark.parametrize("redefined", [_cubed, _shorter], ids=["item", "range"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_redefined_next_is_followed_on_the_next_call(mode, redefined):
    # the code made for the first __next__ ran again: the old items (or range), a wrong derivative
    check(mode, summed, (X3, 0.7), (0, 1))
    Redefined.__next__ = redefined
    try:
        check(mode, summed, (X3, 0.7), (0, 1))
    finally:
        del Redefined.__next__          # Seq's again
    check(mode, summed, (X3, 0.7), (0, 1))


def test_a_generator_unpacking_an_iterator_class_s_items_is_refused_at_its_line():
    # its item was the object's item (a, b) itself: a bare ValueError from NumPy
    line = unpacked_pairs.__code__.co_firstlineno + 2
    for transform in (lambda: astgrad.grad(unpacked_pairs, wrt=(0, 1))(X3, 0.7),
                      lambda: astgrad.jvp(unpacked_pairs, (X3, 0.7), (X3, 1.0))):
        with pytest.raises(astgrad.TransformError, match=rf"hunt22b_programs\.py:{line}: astgrad cannot "
                           r"differentiate next\(\) of a generator expression unpacking the items of an object "
                           r"whose __iter__ returns the object itself; take the items into a list first"):
            transform()
    check("grad", t01, (X3, 0.7), (0, 1))        # the next call works
