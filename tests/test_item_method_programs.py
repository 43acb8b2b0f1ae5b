"""Methods storing into objects that a function's own containers hold (a dict of lists,
nested lists, a tuple, a dict's values), reached through aliases, loops, iterators,
getattr and negative indices, called before or after a read, in a loop or in a branch
(tests/item_method_programs.py).

Every program is followed (matches central finite differences) or refused: at generation
time (TransformError), or, where astgrad could not know the receiver's class, when the
call runs (a TypeError beginning "astgrad", naming the line). Twenty-one of them once gave a
wrong gradient with no error: the method ran unseen, or stored into another object than
self, which the derivative did not follow."""

import inspect

import numpy as np
import pytest

import astgrad
import item_method_programs as P
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

W = np.array([0.3, -0.7, 1.1])

# the forms followed: a display of displays of objects is split into names, level by level
FOLLOWED = {"a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "a09", "a10", "a11", "a12", "a13", "a16", "a17",
            "a18", "a19", "a20", "a22", "a23", "a24", "a25", "a26", "a27", "a28", "a29", "a30", "a31", "a33", "a34", "a36", "a37",
            "a38", "a39", "a40", "a43", "a45", "a48", "a49", "a51", "a52", "a53", "a54", "a55", "a56", "a57", "a58",
            "a60", "a61", "a62"}
# refused when the call runs: the receiver's class was not known when the code was generated
RUN_REFUSED = {"a44": "held[0].up(w)", "a50": 'other["a"][0].up(w)'}
# refused when the code is generated, at this line: a list's .copy() is read as list(...),
# whose objects astgrad follows as moved out of the list (and a new one appended)
GENERATION_REFUSED_AT = {"a59": "copy[0].up(w)"}
# (each other program is refused when its code is generated)
SILENTLY_WRONG_ONCE = {"a01", "a02", "a11", "a12", "a13", "a14", "a15", "a18", "a28", "a32", "a34", "a35", "a36",
                       "a40", "a44", "a45", "a47", "a48", "a49", "a50", "a51"}


def _line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("f", P.PROGRAMS, ids=[f.__name__ for f in P.PROGRAMS])
def test_each_program_is_followed_or_refused(f):
    name = f.__name__
    if name in FOLLOWED:
        assert_close(astgrad.grad(f)(W.copy()), numerical_grad(f, (W.copy(),)))
    elif name in RUN_REFUSED:
        with pytest.raises(TypeError, match="^astgrad: ") as caught:
            astgrad.grad(f)(W.copy())
        message = str(caught.value)
        assert f"item_method_programs.py:{_line_of(f, RUN_REFUSED[name])}:" in message
        assert "the method call .up() of a Layer object is given a value that depends on the inputs" in message
    else:
        with pytest.raises(astgrad.TransformError, match="item_method_programs.py:") as caught:
            astgrad.grad(f)(W.copy())
        if name in GENERATION_REFUSED_AT:
            assert f"item_method_programs.py:{_line_of(f, GENERATION_REFUSED_AT[name])}:" in str(caught.value)


def test_the_table_names_programs_that_exist():
    names = {f.__name__ for f in P.PROGRAMS}
    assert FOLLOWED <= names and set(RUN_REFUSED) <= names and SILENTLY_WRONG_ONCE <= names
    assert set(GENERATION_REFUSED_AT) <= names
    assert len(names) >= 40


# forward mode on the forms newly followed: a dict of lists (nested lists split the same way),
# an item changed in a branch, a list built by a comprehension, by append loops, read through
# a copy and next(iter(...)); and second order on the first and the append loops
@pytest.mark.parametrize("f", [P.a01, P.a13, P.a53, P.a54, P.a56], ids=lambda f: f.__name__)
def test_followed_forms_in_forward_mode(f):
    t = np.array([0.5, 1.0, -2.0])
    value, tangent = astgrad.jvp(f, (W.copy(),), (t,))
    assert value == pytest.approx(f(W.copy()))
    assert_close(tangent, numerical_jvp(f, (W.copy(),), (t,)))


@pytest.mark.parametrize("f", [P.a01, P.a54], ids=lambda f: f.__name__)
def test_followed_forms_to_second_order(f):
    g = astgrad.grad(f)
    assert_close(astgrad.hessian(f)(W.copy()), numerical_hessian(lambda x: g(x.copy()), (W.copy(),)), 1e-4, 1e-5)


def test_a_copy_holds_the_same_objects():
    # layers[:] and list(layers) hold the objects layers holds: a method on a copy's item
    # changes the item of layers, as in Python (the derivative follows both calls)
    value, tangent = astgrad.jvp(P.a55, (W.copy(),), (np.ones(3),))
    assert value == pytest.approx(P.a55(W.copy()))
    assert_close(tangent, numerical_jvp(P.a55, (W.copy(),), (np.ones(3),)))


def test_a_library_object_in_a_container_passes_the_check_when_it_runs():
    # a logger's method, given the differentiated value, is left to run as Python runs it (grad: the table)
    value, tangent = astgrad.jvp(P.a29, (W.copy(),), (np.ones(3),))
    assert tangent == pytest.approx(2.0 * np.sum(W))


def test_a_method_storing_into_another_object_it_is_given_is_refused_at_the_call():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(P.a14)(W.copy())
    message = str(caught.value)
    assert f"item_method_programs.py:{_line_of(P.a14, 'objs[0].push(w, objs[1])')}:" in message
    assert "a call of Layer.push, which assigns other.W (an attribute of an object it is given, not of self)" in message
