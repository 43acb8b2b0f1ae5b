"""A global list, tuple or dict of functions (or an attribute holding one) that a helper
the function reaches changes in place (``FS.reverse()`` in ``flip()``): astgrad follows the
container as the functions it holds when the code is made, so a read after the change
would run another function than Python's. The read is refused at its line, naming the
helper; containers no reached function changes are still followed."""

import functools
import inspect

import numpy as np
import pytest

import astgrad
import helper_flip_other as other
from helper_flip_other import flip_given
from fd import assert_close, numerical_grad, numerical_hessian

X = np.array([0.3, -0.7, 1.1])
FS = [np.sin, np.cos]
D = {"act": np.sin}


class Holder:
    def __init__(self):
        self.fns = [np.sin, np.cos]

    def flip(self):
        self.fns.reverse()


H = Holder()


def flip():
    FS.reverse()


def swap_first():
    FS[0] = np.cos


def pop_first():
    FS.pop(0)


def insert_cos():
    FS.insert(0, np.cos)


def sort_by_name():
    FS.sort(key=lambda f: f.__name__)


def delete_first():
    del FS[0]


def set_act():
    D["act"] = np.cos


def update_act():
    D.update(act=np.cos)


def flip_through_another_helper():
    flip_given(FS)


def _make_flipper():
    held = FS

    def flipper():
        held.reverse()
    return flipper


def _once(g):
    @functools.wraps(g)
    def wrapper(*args):
        return g(*args)
    return wrapper


@_once
def decorated_flip():
    FS.reverse()


def reverse_by_slice():
    FS[:] = FS[::-1]


def reverse_through_alias():
    held = FS
    held.reverse()


def pop_and_put_back():
    D.pop("act")
    D["act"] = np.cos


def reverse_attribute():
    H.fns.reverse()


class Flipper:
    def go(self):
        FS.reverse()


FLIPPER = Flipper()
HOOKS = [flip]
closure_flip = _make_flipper()
lambda_flip = lambda: FS.reverse()     # noqa: E731 - a lambda held in a global


def through_helper(x):
    flip()
    return np.sum(FS[0](x))


def item_replaced(x):
    swap_first()
    return np.sum(FS[0](x))


def item_popped(x):
    pop_first()
    return np.sum(FS[0](x))


def item_inserted(x):
    insert_cos()
    return np.sum(FS[0](x))


def sorted_by_helper(x):
    sort_by_name()
    return np.sum(FS[0](x))


def item_deleted(x):
    delete_first()
    return np.sum(FS[0](x))


def dict_item_replaced(x):
    set_act()
    return np.sum(D["act"](x))


def dict_updated(x):
    update_act()
    return np.sum(D["act"](x))


def helper_of_helper(x):
    flip_through_another_helper()
    return np.sum(FS[0](x))


def through_closure(x):
    closure_flip()
    return np.sum(FS[0](x))


def through_lambda(x):
    lambda_flip()
    return np.sum(FS[0](x))


def through_other_module(x):
    other.flip_other()
    return np.sum(other.OTHER_FS[0](x))


def through_method(x):
    H.flip()
    return np.sum(H.fns[0](x))


def through_decorated_helper(x):
    decorated_flip()
    return np.sum(FS[0](x))


def slice_written(x):
    reverse_by_slice()
    return np.sum(FS[0](x))


def through_an_alias(x):
    reverse_through_alias()
    return np.sum(FS[0](x))


def dict_popped(x):
    pop_and_put_back()
    return np.sum(D["act"](x))


def attribute_list_by_a_helper(x):
    reverse_attribute()
    return np.sum(H.fns[0](x))


def through_a_global_object(x):
    FLIPPER.go()
    return np.sum(FS[0](x))


def through_a_hook_list(x):
    HOOKS[0]()
    return np.sum(FS[0](x))


def through_map_of_a_lambda(x):
    list(map(lambda _: flip(), [0]))
    return np.sum(FS[0](x))


REFUSED = [(through_decorated_helper, "decorated_flip"), (slice_written, "reverse_by_slice"),
           (through_an_alias, "reverse_through_alias"), (dict_popped, "pop_and_put_back"),
           (attribute_list_by_a_helper, "reverse_attribute"), (through_a_global_object, "Flipper.go"),
           (through_a_hook_list, "flip"), (through_map_of_a_lambda, "flip"),
           (through_helper, "flip"), (item_replaced, "swap_first"), (item_popped, "pop_first"),
           (item_inserted, "insert_cos"), (sorted_by_helper, "sort_by_name"), (item_deleted, "delete_first"),
           (dict_item_replaced, "set_act"), (dict_updated, "update_act"),
           (helper_of_helper, "flip_through_another_helper"), (through_closure, "flipper"),
           (through_lambda, "<lambda>"), (through_other_module, "flip_other")]
TRANSFORMS = {
    "grad": lambda f: astgrad.grad(f)(X.copy()),
    "value_and_grad": lambda f: astgrad.value_and_grad(f)(X.copy()),
    "vjp": lambda f: astgrad.vjp(f, X.copy()),
    "jvp": lambda f: astgrad.jvp(f, (X.copy(),), (np.ones(3),)),
    "hessian": lambda f: astgrad.hessian(f)(X.copy()),
}


@pytest.fixture(autouse=True)
def fresh_state():
    yield
    _put_back()


def _put_back():
    FS[:] = [np.sin, np.cos]
    other.OTHER_FS[:] = [np.sin, np.cos]
    D.clear()
    D["act"] = np.sin
    H.fns = [np.sin, np.cos]


def _read_line(fn):
    """The line of ``fn``'s return, where it reads the container."""
    lines, first = inspect.getsourcelines(fn)
    return first + len(lines) - 1


@pytest.mark.parametrize("transform", list(TRANSFORMS))
@pytest.mark.parametrize("fn, changer", REFUSED, ids=[fn.__name__ for fn, _ in REFUSED])
def test_a_container_a_reached_helper_changes_is_refused_at_the_read(fn, changer, transform):
    with pytest.raises(astgrad.TransformError) as info:
        TRANSFORMS[transform](fn)
    message = str(info.value)
    assert f"test_helper_flip.py:{_read_line(fn)}:" in message
    assert f"{changer} (" in message and "in place" in message and "[-1](x)" in message
    if transform != "hessian":      # (hessian runs the function before it makes its code)
        assert FS == [np.sin, np.cos] and D == {"act": np.sin} and other.OTHER_FS == [np.sin, np.cos] \
            and H.fns == [np.sin, np.cos]
    # Python's answer is not the unchanged container's: followed as made, the value would be wrong
    _put_back()
    assert not np.isclose(fn(X.copy()), np.sum(np.sin(X)))


def test_the_state_is_whole_after_a_refusal():
    with pytest.raises(astgrad.TransformError):
        astgrad.grad(through_helper)(X.copy())
    assert_close(astgrad.grad(reads_without_changing)(X.copy()), numerical_grad(reads_without_changing, (X,)))


def test_a_method_changing_its_object_s_list_of_functions_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_helper_flip\.py:\d+"):
        astgrad.grad(through_method)(X.copy())
    assert H.fns == [np.sin, np.cos]


TS = (np.sin, np.cos)


def length_of_fs():
    return len(FS)


def tuple_beside_a_flip(x):
    flip()      # changes FS, not the tuple TS
    return np.sum(TS[1](x) * x)


def reads_without_changing(x):
    return np.sum(FS[1](x) * x) * length_of_fs()


@pytest.mark.parametrize("fn", [tuple_beside_a_flip, reads_without_changing])
def test_containers_no_reached_helper_changes_are_followed(fn):
    """grad, jvp and hessian against central differences (the list put back between runs)."""
    def at_start(v):
        FS[:] = [np.sin, np.cos]
        return fn(v)
    want = numerical_grad(at_start, (X,))
    FS[:] = [np.sin, np.cos]
    assert_close(astgrad.grad(fn)(X.copy()), want)
    FS[:] = [np.sin, np.cos]
    value, tangent = astgrad.jvp(fn, (X.copy(),), (np.ones(3),))
    assert_close(tangent, want.sum())
    assert_close(value, at_start(X.copy()))
    FS[:] = [np.sin, np.cos]
    assert_close(astgrad.hessian(fn)(X.copy()),
                 numerical_hessian(lambda v: numerical_grad(at_start, (v,)), (X,)), rtol=1e-4, atol=1e-4)
