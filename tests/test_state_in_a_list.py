"""A helper keeping a counter in a list it is given (``pos[0] = start + size``), handed
on to itself recursively, as autograd's ``unflatten`` does; also ``type(xs)(gen)``,
recursion whose callee changes arguments, and pops in second derivatives. Each checked
against finite differences in reverse mode, forward mode and to second order, with
adversarial variants (depth 0, the list shared with another name, the helper redefined,
the list an array)."""

import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


def rebuild(template, vector, pos):
    if isinstance(template, dict):
        return {k: rebuild(template[k], vector, pos) for k in sorted(template)}
    if isinstance(template, (list, tuple)):
        return type(template)(rebuild(v, vector, pos) for v in template)
    shape = np.shape(template)
    size = int(np.prod(shape))
    start = pos[0]
    pos[0] = start + size
    return np.reshape(vector[start:start + size], shape)


TEMPLATE = {"w": np.zeros((2, 2)), "bs": [np.zeros(2), (np.zeros(1), 0.0)]}


def unflattened_loss(v):
    p = rebuild(TEMPLATE, v, [0])
    return np.sum(np.sin(p["w"]) @ p["bs"][0]) * p["bs"][1][0][0] + p["bs"][1][1] ** 2


def leaf_only(v):
    return np.sum(rebuild(np.zeros(3), v, [0]) ** 3)       # depth 0: no recursive call


def take(vector, pos, n):
    start = pos[0]
    pos[0] = start + n
    return vector[start:start + n]


def take_augmented(vector, pos, n):
    start = pos[0]
    pos[0] += n                 # an item changed in place: the helper is inlined instead
    return vector[start:start + n]


def augmented_in_a_loop(v):
    pos = [0]
    total = 0.0
    for n in (1, 2, 3):
        total = total + np.sum(np.cos(take_augmented(v, pos, n))) * pos[0]
    return total


def counted_in_a_loop(v):
    pos = [0]
    total = 0.0
    for n in (1, 2, 3):
        total = total + np.sum(np.cos(take(v, pos, n))) * pos[0]
    return total


def check_all_orders(f, v):
    direction = np.linspace(-0.5, 0.8, v.size)
    gradient = astgrad.grad(f)
    assert_close(gradient(v), numerical_grad(f, (v,)))
    assert_close(astgrad.jvp(f, (v,), (direction,))[1], numerical_jvp(f, (v,), (direction,)))
    assert_close(astgrad.hvp(f)(v, direction), numerical_jvp(gradient, (v,), (direction,)), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("f, size", [(unflattened_loss, 8), (leaf_only, 3), (counted_in_a_loop, 6)])
def test_a_counter_in_a_list_handed_on_to_helpers(f, size):
    check_all_orders(f, np.linspace(0.2, 0.9, size))


def test_an_item_changed_in_place_is_inlined_to_every_order():
    # pos[0] += n makes take_augmented an ordinary helper, inlined in the loop: the
    # gradient binds its parameter to the caller's list at each call, and the second
    # pass follows that (the same list every time, nothing to save)
    check_all_orders(augmented_in_a_loop, np.linspace(0.2, 0.9, 6))


def test_what_the_function_itself_computes_is_unchanged():
    v = np.linspace(0.2, 0.9, 8)
    pos = [0]
    rebuild(TEMPLATE, v, pos)
    assert pos == [8]           # the helper itself still changes the caller's list


def shared_counter(v):
    pos = [0]
    alias = pos                 # another name for the list: not followed by item, refused
    a = take(v, pos, 2)
    return np.sum(a) * alias[0]


def counter_as_array(v):
    pos = np.zeros(1, dtype=int)
    a = take(v, pos, 2)
    return np.sum(a * a) + pos[0]


def test_other_uses_of_the_list_are_followed_or_refused_never_wrong():
    v = np.linspace(0.2, 0.9, 4)
    for f in (shared_counter, counter_as_array):
        try:
            gradient = astgrad.grad(f)(v)
        except astgrad.TransformError:
            continue
        assert_close(gradient, numerical_grad(f, (v,)))


def _take_twice(vector, pos, n):
    start = pos[0]
    pos[0] = start + 2 * n
    return vector[start:start + n]


def test_a_helper_redefined_between_calls_is_followed():
    scope = {"np": np, "__name__": __name__, "take": take}
    f = types.FunctionType(counted_in_a_loop.__code__, scope, "f")
    v = np.linspace(0.2, 0.9, 12)
    gradient = astgrad.grad(f)
    assert_close(gradient(v), numerical_grad(f, (v,)))
    scope["take"] = types.FunctionType(_take_twice.__code__, scope, "take")
    assert_close(gradient(v), numerical_grad(f, (v,)))


def rows_of(template, vector):
    return type(template)(np.sin(vector[i]) for i in range(len(template)))


def sequence_like_template(v):
    a = rows_of([0, 0], v)
    b = rows_of((0, 0, 0), v)
    return a[0] * a[1] + b[2] * np.sum(list(b))


def test_type_of_a_template_builds_a_list_or_tuple_like_it():
    check_all_orders(sequence_like_template, np.array([0.3, -0.4, 0.8]))
    with pytest.raises(TypeError):      # as in Python: an array's type takes no generator
        astgrad.grad(lambda v: np.sum(rows_of(np.zeros(2), v)))(np.array([0.3, 0.4]))


def written_through_an_alias(x):
    ys = [x[0] * 2.0, x[1] * 2.0, x[2] * 2.0]
    zs = ys
    for j in range(3):
        zs[j] = zs[j] * ys[(j + 1) % 3]
    return ys[0] + ys[1] * ys[2]


def filled_then_written_through_an_alias(x):
    ys = []
    for j in range(3):
        ys.append(x[j] * 2.0)
    zs = ys
    for j in range(3):
        zs[j] = np.sin(zs[j]) * x[j]
    return zs[0] + zs[1] * zs[2]


def read_through_the_first_name(x):
    ys = [x[0] * 2.0]
    for x_j in x[1:]:
        ys.append(np.cos(x_j))
    zs = ys
    for j in range(len(x)):
        zs[j] = zs[j] * x[j] + zs[j - 1]
    return ys[0] + ys[1] * ys[2]        # ys is zs: it shows the writes


@pytest.mark.parametrize("f", [written_through_an_alias, filled_then_written_through_an_alias,
                               read_through_the_first_name])
def test_element_writes_into_a_list_through_an_alias_in_a_loop_to_second_order(f):
    check_all_orders(f, np.array([0.3, -0.5, 0.8]))
