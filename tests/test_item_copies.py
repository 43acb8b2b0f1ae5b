"""Copies taken of items before a write into them, and writes into items other names keep.

``copy.deepcopy(rows)`` is a new object holding copies of all it holds, and ``list(d[k])``
(or ``copy.copy(d[k])``) a new list of the items of ``d[k]``: writing into ``d[k]`` afterwards leaves both alone, so
the programs are followed, against finite differences in first and second order modes. The
twins keep the very object written into (the same inner list twice in the deep copy, a list
of lists copied shallowly, the item held at two depths of one dict), so Python shows them
the write: each is refused, when the derivative is made or when it runs. A stack the item
is pushed on before each write, of which only the length is read, reads none of it.
A write through a name for an item (``r = rows[1]; r[2] = v``) changes what the container
holds, and a write through the container into an array a name holds (``d = {"buf": buf};
d["buf"][:] = v``) changes that name's array: both followed; twins where the item is held
twice, replaced before the write, or held by another list or a view, are refused."""

import copy

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from hunt5_programs import k22, k33, k34, s04

X3 = np.array([0.3, -0.4, 0.9])
ARGS = (X3, 0.8)


def deep_copy_before_write(x, w):
    rows = [[x[0], x[1]], [x[2], w]]
    other = copy.deepcopy(rows)
    rows[0][0] = x[2] * w
    return other[0][0] * rows[0][0] + other[1][1] * x[1]


def deep_copy_of_arrays(x, w):
    d = {"a": x * w, "b": [x[0], w]}
    e = copy.deepcopy(d)
    d["a"][1] = w * w
    d["b"][0] = x[2]
    return np.sum(e["a"] * d["a"]) + e["b"][0] * d["b"][0] + e["b"][1]


def deep_copy_of_an_array(x, w):
    a = x * w
    b = copy.deepcopy(a)
    a[0] = 2.0 * w
    return np.sum(a * b)


def shallow_copy_before_write(x, w):
    d = {"a": [x[0], x[1]]}
    r = copy.copy(d["a"])               # a new list of the same numbers
    d["a"][0] = x[2] * w
    return r[0] * d["a"][0] + r[1]


def shallow_copy_of_an_array(x, w):
    d = {"m": x * w}
    m = copy.copy(d["m"])               # a new array
    d["m"][1] = w * w
    return np.sum(m * d["m"])


# k22: list(d['a']) before the write; k33 (k34): copies of the row (numbers read out of it) pushed
# on a stack, the row written after each push; s04: the row itself pushed, only the length read
FOLLOWED = [shallow_copy_before_write, shallow_copy_of_an_array, deep_copy_before_write, deep_copy_of_arrays, deep_copy_of_an_array, k22, k33, k34, s04]
MODES = ("grad", "jvp", "hessian", "jvp_of_grad", "vjp_of_grad")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", FOLLOWED, ids=[f.__name__ for f in FOLLOWED])
def test_copy_taken_before_the_write_is_followed(f, mode):
    check(mode, f, ARGS, (0, 1))


def deep_copy_holding_one_list_twice(x, w):
    r = [x[0], x[1]]
    other = copy.deepcopy([r, r])       # the copy holds one new list twice, as the original
    other[0][0] = x[2] * w
    return other[1][0] * x[1]


def shallow_copy_of_rows(x, w):
    d = {"a": [[x[0], x[1]], [x[2], w]]}
    r = list(d["a"])                    # a new list of the same inner lists
    d["a"][0][0] = x[2] * w
    return r[0][0] * x[1]


def copy_copy_of_rows(x, w):
    d = {"a": [[x[0], x[1]], [x[2], w]]}
    r = copy.copy(d["a"])               # a new list of the same inner lists
    d["a"][0][0] = x[2] * w
    return r[0][0] * x[1]


def copy_method_of_rows(x, w):
    d = {"a": [[x[0], x[1]], [x[2], w]]}
    r = d["a"].copy()                   # the same, by the list's method
    d["a"][0][0] = x[2] * w
    return r[0][0] * x[1]


def item_held_at_two_depths(x, w):
    t = [x[0], x[1]]
    d = {"a": t, "b": [t]}
    item = d["b"][0]                    # the very list d["a"] is
    d["a"][0] = x[2] * w
    return item[0] * x[1]


def same_item_kept(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    d["a"][0] = x[2] * w
    return r[0] * x[1]


def list_given_by_extend(x, w):
    d = {"a": []}
    d["a"].extend([x * 1.0])
    r = d["a"][0]
    d["a"][0][1] = x[2] * w
    return np.sum(r) * x[1]


def stack_length_and_an_item_read(x, w):
    d = {"a": [x[0], x[1]]}
    stack = []
    for i in range(3):
        stack.append(d["a"])
        d["a"][1] = d["a"][1] * w + x[i]
    return d["a"][1] * len(stack) + stack[0][1]


TWINS = [stack_length_and_an_item_read, deep_copy_holding_one_list_twice, shallow_copy_of_rows, copy_copy_of_rows, copy_method_of_rows,
         item_held_at_two_depths, same_item_kept,
         list_given_by_extend]


@pytest.mark.parametrize("f", TWINS, ids=[f.__name__ for f in TWINS])
def test_item_another_name_keeps_is_refused(f):
    with pytest.raises((astgrad.TransformError, TypeError), match="astgrad|test_item_copies.py:"):
        astgrad.grad(f, wrt=(0, 1))(*ARGS)
    with pytest.raises((astgrad.TransformError, TypeError), match="astgrad|test_item_copies.py:"):
        astgrad.jvp(f, ARGS, (np.ones(3), 1.0))


# -- op= on an array a list holds twice: refused, and the advice keeps the meaning -----------

def augmented_item_held_twice(x, w):
    a = x * 1.0
    lst = [a, a]
    lst[0] *= w                         # changes the one array both items hold
    return np.sum(lst[1] * x)


def advice_followed(x, w):
    a = x * 1.0
    lst = [a, a]
    v = lst[0] * w                      # the new value, stored wherever the array is held
    lst[0] = v
    lst[1] = v
    return np.sum(lst[1] * x)


def test_augmented_item_held_twice_is_refused_with_advice_that_keeps_the_meaning():
    with pytest.raises(TypeError, match=r"test_item_copies.py:\d+: op= .* store it wherever the object is held"):
        astgrad.grad(augmented_item_held_twice, wrt=(0, 1))(*ARGS)
    assert advice_followed(*copy.deepcopy(ARGS)) == augmented_item_held_twice(*copy.deepcopy(ARGS))
    check("grad", advice_followed, ARGS, (0, 1))
    check("hessian", advice_followed, ARGS, (0, 1))


# -- a write through a name for an item, or through the container into a name's array ------

def written_through_a_name_for_an_item(x, w):
    rows = [x * 1.0, x * w]
    r = rows[1]                         # the very array rows holds
    r[2] = r[0] * w
    return np.sum(r * x) + np.sum(rows[1] ** 2) + np.sum(rows[0])


def written_in_a_loop_through_a_name_for_an_item(x, w):
    rows = [x * 1.0, x * w]
    r = rows[1]
    for i in range(2):
        r[i + 1] = r[i] * w
    return np.sum(rows[1] * x)


def written_through_the_dict_into_a_named_array(x, w):
    buf = np.zeros(3)
    d = {"buf": buf}                    # d["buf"] is buf
    d["buf"][:] = x * w
    return np.sum(buf ** 2)


def item_replaced_before_the_write_through_the_dict(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]                          # the old list, which d no longer holds at the write
    d["a"] = [x[1], x[2]]
    d["a"][0] = d["a"][0] * w
    return r[0] * d["a"][0]


ITEM_WRITES = [item_replaced_before_the_write_through_the_dict, written_through_a_name_for_an_item, written_in_a_loop_through_a_name_for_an_item,
               written_through_the_dict_into_a_named_array]


@pytest.mark.parametrize("mode", ("grad", "jvp", "hessian", "vjp_of_grad"))
@pytest.mark.parametrize("f", ITEM_WRITES, ids=[f.__name__ for f in ITEM_WRITES])
def test_write_into_an_item_other_names_hold_follows_python(f, mode):
    check(mode, f, ARGS, (0, 1))


def item_held_twice_written_through_a_name(x, w):
    a = x * 1.0
    rows = [a, a]
    r = rows[1]
    r[0] = w * x[1]                     # rows[0] is the same array
    return np.sum(rows[0] * x)


def item_replaced_before_the_write(x, w):
    rows = [x * 1.0, x * w]
    r = rows[1]
    rows[1] = x * 2.0                   # r keeps the old array
    r[0] = w
    return np.sum(rows[1] * x) + np.sum(r)


def array_also_held_by_another_list(x, w):
    buf = np.zeros(3)
    d = {"buf": buf}
    e = [buf]
    d["buf"][:] = x * w
    return np.sum(buf ** 2) + np.sum(e[0])


def view_of_the_named_array_kept(x, w):
    buf = np.zeros(3)
    v = buf[1:]
    d = {"buf": buf}
    d["buf"][:] = x * w
    return np.sum(buf ** 2) + np.sum(v)


def named_array_rebound_after_the_dict_took_it(x, w):
    buf = np.zeros(3)
    d = {"buf": buf}
    buf = buf + 1.0
    d["buf"][:] = x * w
    return np.sum(buf ** 2)


def old_item_stored_back_before_the_write(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    d["a"] = [x[1], x[2]]
    d["a"] = r                          # d holds r's list again: the write changes it
    d["a"][0] = d["a"][0] * w
    return r[0] * d["a"][0]


def item_replaced_in_a_branch_only(x, w):
    d = {"a": [x[0], x[1]]}
    r = d["a"]
    if x[0] > 0:
        d["a"] = [x[1], x[2]]
    d["a"][0] = d["a"][0] * w
    return r[0] * d["a"][0]


def new_item_made_before_the_name_read(x, w):
    n = [x[1], x[2]]
    d = {"a": n}
    r = d["a"]                          # r is n
    d["a"] = n
    d["a"][0] = d["a"][0] * w
    return r[0] * d["a"][0]


ITEM_TWINS = [old_item_stored_back_before_the_write, item_replaced_in_a_branch_only, new_item_made_before_the_name_read,
              item_held_twice_written_through_a_name, item_replaced_before_the_write, array_also_held_by_another_list,
              view_of_the_named_array_kept, named_array_rebound_after_the_dict_took_it]


@pytest.mark.parametrize("f", ITEM_TWINS, ids=[f.__name__ for f in ITEM_TWINS])
def test_item_write_twin_is_refused(f):
    with pytest.raises((astgrad.TransformError, TypeError), match=r"test_item_copies.py:\d+"):
        astgrad.grad(f, wrt=(0, 1))(*ARGS)


# -- the advice of a refused write keeps the program's meaning first -------------------------

def row_name_kept_and_read(x, w):
    a = x * w
    rows = [x * 1.0, a]
    r = rows[1]
    r[2] = r[0] * w                     # a is r: Python shows a the write
    return np.sum(a * x)


def test_refusal_names_the_line_and_advises_what_keeps_the_meaning_first():
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(row_name_kept_and_read, wrt=(0, 1))(*ARGS)
    message = str(info.value)
    assert "r[2] = r[0] * w" in info.value.line
    keeps, copies = message.index("read the others again after the write"), message.index("r = r.copy()")
    assert keeps < copies and "where they should keep the old value" in message[keeps:copies]
    with pytest.raises(astgrad.TransformError, match=r"Where d_a should show the write, as in Python: if d_a "
                                                     r"is that array, write into d_a itself .* keep copies in 'd'"):
        astgrad.grad(_item_kept_by_a_name, wrt=(0, 1))(*ARGS)


def _item_kept_by_a_name(x, w):
    d = {"a": x * 1.0}
    d_a = d["a"][1:]                    # a view of the item: it shows the write
    d["a"][1] = x[2] * w
    return np.sum(d_a * x[1:])
