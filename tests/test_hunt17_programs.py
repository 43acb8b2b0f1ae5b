"""The seventeenth acceptance hunt as a permanent differential test: the programs of
tests/hunt17_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

import pytest

import astgrad
import hunt17_programs
from breadth_modes import one_mode_tests
from hunt17_programs import CASES, X3, hidden_method

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "c01 ": "grad",         # super().__init__(w) in a subclass's __init__: "no adjoint rule for hunt17_programs.Child"
    "c02 ": "grad",         # class Layer(abc.ABC): "no adjoint rule for hunt17_programs.Dense"
    "c06 ": "jvp",          # run(Dense(W, w), x), the object built in the call: "no tangent rule for .forward()"
    "d05 ": "grad",         # log.debug("y=%s", y): "calling logging.Logger.debug for its effect on a differentiated value"
    "z01 ": "grad",         # zip(xs, ys, strict=True): "no adjoint rule for zip"
    "z02 ": "grad",         # "the helper grad_seeded_estimate calls numpy.random.seed ... whose result changes"
    "z03 ": "jvp",          # itertools.starmap(fn, pairs): "no tangent rule for itertools.starmap"
    "z04 ": "grad",         # deque(maxlen=2): "a collections.deque holds a differentiated value here"
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


def test_an_attribute_a_base_stores_hides_the_method_it_names():
    # Holder.__init__, run by super().__init__, stores self.act: Python calls np.tanh, not Hiding.act
    with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: astgrad cannot differentiate Hiding\.act "
                                                     "hidden by an attribute of the instance"):
        astgrad.grad(hidden_method, wrt=1)(X3, 0.8)


@pytest.mark.parametrize("f, message", [
    ("unequal_strict_zip", r"zip\(\) argument 2 is shorter than argument 1"),    # was "no adjoint rule for zip"
    ("too_many_to_unpack", r"too many values to unpack \(expected 2\)"),        # gave a gradient
], ids=["strict_zip", "unpacking"])
def test_what_python_refuses_every_derivative_refuses(f, message):
    f = getattr(hunt17_programs, f)
    for transform in (lambda: astgrad.grad(f, wrt=(0, 1))(X3, 0.8),
                      lambda: astgrad.jvp(f, (X3, 0.8), (X3, 1.0)),
                      lambda: astgrad.hessian(f, wrt=1)(X3, 0.8)):
        with pytest.raises(ValueError, match=message):
            transform()
