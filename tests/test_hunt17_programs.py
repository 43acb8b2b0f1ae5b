"""The seventeenth acceptance hunt as a permanent differential test: the programs of
tests/hunt17_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

import numpy as np
import pytest

import astgrad
import hunt17_programs
from breadth_modes import check, one_mode_tests
from hunt17_programs import (CASES, X3, Adam, GivenSampler, appended_while_looped, appends_to_a_default,
                             builds_a_post_init_dataclass, counts_in_a_method, counts_in_the_function, draws_given,
                             draws_unseeded, grown_while_looped, hidden_method, m05, m06, m09, moments_named_twice,
                             optimizer_given, optimizer_in_a_list, optimizer_named_and_in_a_list)

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "c01 ": "grad",         # super().__init__(w) in a subclass's __init__: "no adjoint rule for hunt17_programs.Child"
    "c02 ": "grad",         # class Layer(abc.ABC): "no adjoint rule for hunt17_programs.Dense"
    "c06 ": "jvp",          # run(Dense(W, w), x), the object built in the call: "no tangent rule for .forward()"
    "c12 ": "jvp",          # a class with __slots__: "no tangent rule for hunt17_programs.Slotted"
    "c13 ": "grad",         # self.scale read in __init__ from the class: KeyError: 'scale'
    "c14 ": "grad",         # Affine(w, 0.2).apply(x), Affine a namedtuple subclass: "no adjoint rule for .apply()"
    "d07 ": "jvp",          # @logged def loss(self, x): "cannot differentiate a call to Net.loss, which has *args/**kwargs"
    "d05 ": "grad",         # log.debug("y=%s", y): "calling logging.Logger.debug for its effect on a differentiated value"
    "z01 ": "grad",         # zip(xs, ys, strict=True): "no adjoint rule for zip"
    "z02 ": "grad",         # "the helper grad_seeded_estimate calls numpy.random.seed ... whose result changes"
    "z03 ": "jvp",          # itertools.starmap(fn, pairs): "no tangent rule for itertools.starmap"
    "z04 ": "grad",         # deque(maxlen=2): "a collections.deque holds a differentiated value here"
    "z06 ": "jvp",          # starmap(fn, rows), fn with defaults or *args: "no tangent rule for itertools.starmap"
    "z07 ": "grad",         # zip(strict=True) in a lambda: "astgrad follows zip(..., strict=True) where it is evaluated once"
    "z05 ": "grad_inside_lambda",   # "the call of grad_z05 changes its argument 'a_0' in place (.pop())"
    # each: "the call of <method> changes the object it is called on in place"
    "m01 ": "jvp_of_grad",
    "m02 ": "jvp",
    "m03 ": "hessian",
    "m04 ": "vjp_of_grad",
    "m05 ": "grad",
    "m06 ": "grad",
    "m07 ": "jvp",          # "augmented assignment to an attribute of self in Accumulator.step"
    "m08 ": "hessian",      # return self.states.pop(): "the call of StateStack.pop changes the object ..."
    # each: "the helper ...sample calls the method .randn() (.standard_normal()) of an object whose class astgrad does not know"
    "m09 ": "hessian",
    "m10 ": "grad",
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


def test_an_attribute_a_base_stores_hides_the_method_it_names():
    # Holder.__init__, run by super().__init__, stores self.act: Python calls np.tanh, not Hiding.act
    with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: astgrad cannot differentiate Hiding\.act "
                                                     "hidden by an attribute of the instance"):
        astgrad.grad(hidden_method, wrt=1)(X3, 0.8)


def test_a_deque_handed_to_a_helper_is_refused_where_it_is_made():
    # the helper appends to the deque, which drops an item: a list in its place would not
    with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: a collections\.deque holds a "
                                                     "differentiated value here"):
        astgrad.grad(hunt17_programs.deque_handed_to_a_helper, wrt=1)(X3, 0.8)


def test_unpacking_a_display_of_as_many_items_is_not_counted_again():
    g = astgrad.grad(hunt17_programs.unpacks_a_display, wrt=(0, 1))
    d_x, d_w = g(X3, 0.8)
    assert "check_unpack_count" not in g.source
    assert d_x.tolist() == pytest.approx([0.8 * X3[1], X3[0] * 0.8, 0.0]) and d_w == pytest.approx(X3[0] * X3[1])


@pytest.mark.parametrize("f, message", [
    ("unequal_strict_zip", r"zip\(\) argument 2 is shorter than argument 1"),    # was "no adjoint rule for zip"
    ("too_many_to_unpack", r"too many values to unpack \(expected 2\)"),        # gave a gradient
    ("unequal_strict_zip_in_a_lambda", r"zip\(\) argument 2 is longer than argument 1"),
    ("unpacks_a_grown_list", r"too many values to unpack \(expected 2\)"),
], ids=["strict_zip", "unpacking", "strict_zip_in_a_lambda", "grown_list"])


def test_what_python_refuses_every_derivative_refuses(f, message):
    f = getattr(hunt17_programs, f)
    for transform in (lambda: astgrad.grad(f, wrt=(0, 1))(X3, 0.8),
                      lambda: astgrad.jvp(f, (X3, 0.8), (X3, 1.0)),
                      lambda: astgrad.hessian(f, wrt=1)(X3, 0.8)):
        with pytest.raises(ValueError, match=message):
            transform()


@pytest.mark.parametrize("f, args", [
    (moments_named_twice, ()), (optimizer_named_and_in_a_list, ()), (optimizer_given, (Adam(),)),
    (grown_while_looped, ()),
], ids=lambda v: getattr(v, "__name__", ""))


def test_a_method_changing_a_container_another_name_may_hold_is_refused(f, args):
    # the dict is named twice, the object is held by a list or is the caller's, or a loop
    # over the list sees what is appended in it: writing into a copy would be wrong
    with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: the call of (Adam|Doubling|LossLog)\.(step|add) "
                                                     r"changes the object it is called on in place"):
        astgrad.grad(f, wrt=1)(X3, 0.8, *args)


def test_a_method_changing_an_item_of_a_display_of_built_objects_is_followed():
    # opts = [Adam()]: the list is read only at opts[0], so its item is an object built
    # and named once (item_objects.py); another name holding it stays refused (above)
    check("grad", optimizer_in_a_list, (X3, 0.8), (0, 1))


@pytest.mark.parametrize("transform", [
    lambda f: astgrad.jvp(f, (X3, 0.8), (X3, 1.0)),
    lambda f: astgrad.hessian(f, wrt=1)(X3, 0.8),
    lambda f: astgrad.jvp(astgrad.grad(f, wrt=1), (X3, 0.8), (X3, 1.0)),
], ids=["jvp", "hessian", "jvp_of_grad"])
def test_a_loop_over_a_list_a_method_appends_to_is_refused_in_every_mode(transform):
    # writing into a copy, the loop would not see what is appended: Python's would
    for f in (grown_while_looped, appended_while_looped):
        with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: the call of (Doubling|LossLog)"
                                                         r"\.(grow|add) changes the object it is called on in place"):
            transform(f)


@pytest.mark.parametrize("mode, f", [("hessian", m05), ("jvp_of_grad", m06)], ids=["m05", "m06"])
def test_a_method_changing_a_container_on_self_at_second_order(mode, f):
    # an array written by item, a dict by setdefault: "cannot be differentiated twice" (the
    # saved item, read as a view before it is copied, looked like a second name for the array)
    check(mode, f, (X3, 0.8), (0, 1))


def test_a_default_list_appended_to_is_refused_saying_python_keeps_it():
    # the helper's default list keeps what each call appends: the message said "another argument is the same array";
    # refused since where the code is made (a TransformError at the call's line: with a float it gave a wrong number)
    with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: .*'log' out, it is the default list, made once "
                                        r"when the def ran: Python keeps that list from call to call.*"
                                        r"Write log=None in the def"):
        astgrad.grad(appends_to_a_default, wrt=1)(X3, 0.8)


@pytest.mark.parametrize("f, message", [
    (counts_in_a_method, r"the call of Counted\.loss changes Counted\.calls \(.*hunt17_programs\.py:\d+: Counted"),
    (counts_in_the_function, r"astgrad cannot differentiate a change of Counted\.calls, an attribute of the class"),
], ids=["in a method", "in the function"])


def test_a_class_attribute_counter_is_refused_saying_python_changes_the_class(f, message):
    # the method's counter was "no adjoint rule for .loss()", the function's "augmented assignment to an attribute"
    with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: " + message
                       + r".*[Cc]ount or record outside the differentiated function"):
        astgrad.grad(f, wrt=1)(X3, 0.8)


def test_a_dataclass_with_post_init_built_in_the_code_is_refused_saying_what_is_not_followed():
    with pytest.raises(astgrad.TransformError, match=r"hunt17_programs\.py:\d+: no adjoint rule for "
                                                     r"hunt17_programs\.Scaling; Scaling is a dataclass with a "
                                                     r"__post_init__, whose code astgrad does not follow .*"
                                                     r"in a property or method reading the fields"):
        astgrad.grad(builds_a_post_init_dataclass, wrt=1)(X3, 0.8)


def test_draws_from_a_seeded_generator_on_self_in_forward_mode():
    # jvp ran the method once, as Python does: its value was right before, and stays so
    check("jvp", m09, (X3, 0.8), (0, 1))


@pytest.mark.parametrize("f, args", [(draws_unseeded, ()), (draws_given, (GivenSampler(np.random.default_rng(0), 0.5),))],
                         ids=["unseeded", "object_given"])
def test_draws_from_a_generator_not_seeded_in_the_code_are_refused_in_every_mode(f, args):
    # the numbers, so the derivative, change from one run to the next (jvp gave a value before)
    message = (r"hunt17_programs\.py:\d+: astgrad cannot differentiate a call of GivenSampler\.sample, which draws "
               r"random numbers from the generator self\.rng \(at .*hunt17_programs\.py:\d+\)")
    for transform in (lambda: astgrad.grad(f, wrt=1)(X3, 0.8, *args),
                      lambda: astgrad.jvp(f, (X3, 0.8, *args), (X3, 1.0, None)[:2 + len(args)]),
                      lambda: astgrad.hessian(f, wrt=1)(X3, 0.8, *args)):
        with pytest.raises(astgrad.TransformError, match=message):
            transform()
