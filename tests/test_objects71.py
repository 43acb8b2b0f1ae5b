"""Lists mixing new objects with objects moved out of another list, in the forms users
write: new objects appended in a loop of run-time length (``for k in range(n)``, ``for t
in layers`` with ``layers`` of run-time length, a ``break``, a ``while`` loop), a list
under a second name joined into another list, a store at a negative index into a copy of run-time length,
``k`` read after ``for k in range(len(new))``. Each is checked in grad, jvp, vjp (a random
cotangent) and hessian against central finite differences, with the derivative taken
with respect to the weights the objects hold (they are built from ``w``); their
neighbours (the list changed under the other name, a break, the loop's variable rebound,
an empty run) are followed correctly or refused in the user's words."""

import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_objects68 import Dense, Scale

W = np.array([0.3, -0.7, 1.1])
T = np.array([0.5, 1.0, -2.0])


def _every_mode(f, w, *rest):
    """grad, jvp, vjp (a random cotangent) and hessian of ``f`` in its first argument
    against central differences, ``rest`` (ints) held fixed."""
    fixed = (None,) * len(rest)
    assert_close(astgrad.grad(f)(w.copy(), *rest), numerical_grad(f, (w.copy(), *rest)))
    value, tangent = astgrad.jvp(f, (w.copy(), *rest), (T, *fixed))
    assert value == pytest.approx(f(w.copy(), *rest))
    assert_close(tangent, numerical_jvp(f, (w.copy(), *rest), (T, *fixed)))
    cotangent = np.random.default_rng(71).normal()
    value, pullback = astgrad.vjp(f, w.copy(), *rest)
    assert_close(pullback(cotangent)[0], cotangent * numerical_grad(f, (w.copy(), *rest)))
    g = astgrad.grad(f)
    assert_close(astgrad.hessian(f)(w.copy(), *rest), numerical_hessian(lambda v: g(v.copy(), *rest), (w.copy(),)),
                 1e-4, 1e-5)


def appended_n_times(w, n):
    layers = [Dense(w), Dense(2.0 * w)]
    new = layers[1:]
    for k in range(n):              # its passes known only when the code runs
        new.append(Scale(w * (k + 1.0)))
    y = w
    for layer in new:
        layer.step(y)               # layers[1] changes too
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[1].W)


def appended_until_a_break(w, n):
    layers = [Dense(w), Dense(2.0 * w)]
    new = layers[1:]
    for k in range(n):
        new.append(Scale(w * (k + 1.0)))
        if k >= 1:
            break
    y = w
    for layer in new:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[1].W) * k      # k as the break left it


def appended_in_a_while_loop(w, n):
    layers = [Dense(w), Dense(2.0 * w)]
    new = layers[1:]
    k = 0
    while k < n:
        new.append(Scale(w * (k + 1.0)))
        k += 1
    y = w
    for layer in new:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) * len(new) + np.sum(layers[1].W)


def read_and_rebound_in_the_loop(w, n):
    layers = [Dense(w), Dense(2.0 * w)]
    new = [Scale(w)] + layers[1:]
    y = w
    for k in range(n):
        new.append(Dense(w * (k + 1.0)))
        y = new[0].apply(y) + len(new)      # the length so far
        k = k * 2                           # the loop's variable rebound
    new.append(Scale(0.5 * w))
    for layer in new:
        y = layer.apply(y)
    return np.sum(y) * k


def appended_over_a_columns_list(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]      # its length known when the code runs
    new = layers[1:]
    for t in layers:
        new.append(Scale(t.W * 0.5))
    y = w
    for layer in new:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[1].W)


def appended_under_a_second_name(w, n):
    layers = [Dense(w), Dense(2.0 * w)]
    rest = layers[1:]
    new = rest                      # the same list: the appends show in rest
    for k in range(n):
        new.append(Scale(w * (k + 1.0)))
    new.append(Dense(w * w))
    y = w
    for layer in rest:
        layer.step(w)
        y = layer.apply(y)
    return np.sum(y) * len(rest) + np.sum(layers[1].W) + np.sum(new[-1].W)


def joined_into_another(w):
    layers = [Dense(w), Dense(2.0 * w)]
    rest = layers[1:]
    new = rest
    new.append(Scale(w))
    other = [Dense(w * w)] + rest   # a new list of rest's items now
    new.append(Dense(0.5 * w))      # rest grows; other does not
    y = w
    for layer in other:
        layer.step(y)               # layers[1] changes too
        y = layer.apply(y)
    for layer in rest:
        y = layer.apply(y)
    return np.sum(y) * len(other) * len(rest) + np.sum(layers[1].W) + np.sum(new[-1].W)


def joined_twice(w):
    layers = [Dense(w), Dense(2.0 * w), Scale(0.5 * w)]
    old = layers[:]
    old[1] = Scale(w)
    other = old + [Dense(w)] + old  # each object of old twice: stepped twice
    y = w
    for layer in other:
        layer.step(w)
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[2].W) + np.sum(layers[1].W)


def negative_store_of_columns(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    old = layers[1:]
    n = len(old)                    # read whole before the store
    old[-1] = Scale(w)
    y = w
    for layer in old:
        layer.step(y)               # layers[1] changes, layers[-1] does not
        y = layer.apply(y)
    return np.sum(y) * n + np.sum(layers[1].W) + np.sum(layers[-1].W)


def negative_store_then_append(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    old = layers[1:]
    old[-2] = Scale(w)
    old.append(Dense(w * w))
    y = w
    for layer in old:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[2].W) + np.sum(layers[1].W)


def counter_read_after(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    new = layers[1:]
    y = w
    k = 7
    for k in range(len(new)):       # new[k] its one use in the loop; k read after it
        y = new[k].apply(y)
    new.append(Scale(w))
    for k in range(len(new)):
        new[k].step(y)
        y = new[k].apply(y)
    return np.sum(y) * k + np.sum(layers[2].W)


def counter_of_an_empty_run(w):
    layers = [Dense(w)]
    new = layers[1:]
    y = w
    k = 7
    for k in range(len(new)):       # no pass: k stays 7
        y = new[k].apply(y)
    new.append(Scale(w))
    for layer in new:
        y = layer.apply(y)
    return np.sum(y) * k


@pytest.mark.parametrize("f, rest", [
    (appended_n_times, (3,)), (appended_n_times, (0,)), (appended_until_a_break, (3,)), (appended_in_a_while_loop, (2,)),
    (read_and_rebound_in_the_loop, (2,)), (appended_over_a_columns_list, ()), (appended_under_a_second_name, (2,)),
    (joined_into_another, ()), (joined_twice, ()), (negative_store_of_columns, ()), (negative_store_then_append, ()),
    (counter_read_after, ()), (counter_of_an_empty_run, ()),
], ids=lambda v: v.__name__ if callable(v) else str(v))
def test_lists_of_new_and_moved_objects_in_every_mode(f, rest):
    # each was refused before: a loop of unknown passes, a list joined into another, a
    # negative store past a run of unknown length, k read after the loop
    _every_mode(f, W, *rest)


def negative_store_too_far(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = layers[1:]
    old[-2] = Scale(w)              # old has one item
    y = w
    for layer in old:
        y = layer.apply(y)
    return np.sum(y)


def test_a_negative_store_past_the_start_raises_as_python_does():
    with pytest.raises(IndexError):
        negative_store_too_far(W)
    with pytest.raises(IndexError, match="list assignment index out of range"):
        astgrad.grad(negative_store_too_far)(W)


def negative_store_after_a_new_object(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = [Scale(w)] + layers[1:]
    old[-1] = Scale(w * w)          # layers[1]'s place, or Scale(w)'s where layers[1:] is empty
    y = w
    for layer in old:
        y = layer.apply(y)
    return np.sum(y)


def store_at_a_run_time_index(w, i):
    layers = [Dense(w), Dense(2.0 * w)]
    old = layers[:]
    old[i] = Scale(w)
    y = w
    for layer in old:
        y = layer.apply(y)
    return np.sum(y)


def moved_and_new_in_a_loop(w, n):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    new = layers[1:]
    for k in range(n):
        new.append(layers[0])       # a moved object and a new one, n times each
        new.append(Scale(w))
    y = w
    for layer in new:
        y = layer.apply(y)
    return np.sum(y)


def stored_after_the_join(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    rest = layers[1:]
    new = rest
    new.append(Scale(w))
    other = [Dense(w * w)] + new
    rest[0] = Scale(0.5 * w)        # layers[1]'s place, or Scale(w)'s where layers[1:] is empty
    y = w
    for layer in other:
        y = layer.apply(y)
    return np.sum(y)


@pytest.mark.parametrize("f, rest, name, why", [
    (negative_store_after_a_new_object, (), "old", r"'old\[-1\] = \.\.\.' \(line \d+\) stores into it at a position "
                                                   r"counted from its end, reached through objects whose number "
                                                   r"astgrad does not know"),
    (store_at_a_run_time_index, (1,), "old", r"'old\[i\] = \.\.\.' \(line \d+\) stores into it at a position known "
                                             r"only when the code runs"),
    (moved_and_new_in_a_loop, (2,), "new", r"'new' is appended to in a loop \(line \d+\) that astgrad does not write "
                                           r"out pass by pass .* and that appends something other than a new object"),
], ids=["negative_after_a_new_object", "run_time_index", "moved_and_new_in_a_loop"])
def test_forms_not_followed_are_refused_in_the_users_words(f, rest, name, why):
    # they said "assignment into an element of 'old' while another name may share its
    # memory" or "no adjoint rule for .apply()"
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(f)(W, *rest)
    message = str(raised.value)
    assert re.search(rf"'{name}' \(line \d+\) holds new objects beside objects moved out of the list 'layers', and "
                     + why, message), message
    assert "no adjoint rule" not in message and "memory" not in message


def test_a_store_into_a_list_joined_into_another_stays_refused_naming_the_lists():
    # rest[0] is layers[1] or, where layers[1:] is empty, Scale(w): not followed; the
    # loop over other is refused naming the lists, not as "no adjoint rule"
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(stored_after_the_join)(W)
    message = str(raised.value)
    assert "moved out of the list 'layers'" in message and "'rest'" in message, message
    assert "no adjoint rule" not in message


def joined_and_copied_after_the_store(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    rest = layers[1:]
    rest.append(Scale(w))
    rest[0] = Scale(0.5 * w)
    other = [Dense(w)] + rest
    more = other[:] + [Scale(w)]
    y = w
    for layer in more:
        y = layer.apply(y)
    return np.sum(y)


def test_a_list_holding_the_objects_of_a_refused_list_is_refused_in_its_words():
    # 'more' holds rest's objects through a join and a copy: the method called on them
    # is refused for rest's store, and says so (in a process of its own as in the file)
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(joined_and_copied_after_the_store)(W)
    message = str(raised.value)
    assert "moved out of the list 'layers'" in message and "'rest[0] = ...'" in message, message
    assert "layer.apply(y)" in message and "no adjoint rule" not in message


def test_the_words_noted_for_a_moved_list_stay_with_its_own_function():
    # The marks standing for such words were once also written onto the Load/Store contexts
    # and operators every tree shares, so a function differentiated later could be refused
    # in the words of another's lists. No context or operator node carries a mark.
    import gc

    import gast

    astgrad.grad(appended_over_a_columns_list)
    gc.collect()
    kinds = (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop)
    shared = [n for n in gc.get_objects() if issubclass(type(n), kinds)]     # (type: a dead weak proxy raises)
    assert shared
    assert [n for n in shared if hasattr(n, "end_lineno")] == []
