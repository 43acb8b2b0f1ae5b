"""Writes into containers through helpers and fields: appends to a list a dict or list
holds (``d.setdefault(k, []).append(v)``, ``groups[i].append(v)``), to a list field of a
dataclass the code built, ``p.b += v`` on an object the code built, a helper writing
items of a dict argument, a dict rebuilt in each loop step handed to ``**kwargs``, and a
cached helper given an array. Each against finite differences in several modes, with
adversarial twins: where another name keeps the list, dict or array, Python's write
shows through it, so astgrad refuses (or raises what Python raises)."""

import collections
import copy
import dataclasses
import functools
import inspect
import types

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.5, 0.9])
W = 0.8


# -- appends to a list a container holds ----------------------------------------------

def grouped_by_setdefault(x, w):
    d = {}
    for i, v in enumerate(x):
        d.setdefault(i % 2, []).append(v * w)
    s = 0.0
    if 1 in d:
        s = s + sum(d[1])
    return s + sum(d[0]) * w


def grouped_in_a_dict_display(x, w):
    d = {0: [], 1: []}
    for i, v in enumerate(x):
        d[i % 2].append(np.sin(v) * w)
    return sum(d[1]) * sum(d[0]) + len(d[0])


def grouped_after_a_membership_test(x, w):
    d = {}
    for i, v in enumerate(x):
        k = i % 2
        if k not in d:
            d[k] = []
        d[k].append(v * w)
    return sum(d[1]) + sum(d[0]) * w


def grouped_in_a_list_of_lists(x, w):
    groups = [[] for _ in range(2)]
    for i, v in enumerate(x):
        groups[i % 2].append(v * w)
    return sum(groups[0]) * sum(groups[1]) + len(groups[0])


def grouped_in_a_defaultdict(x, w):
    acc = collections.defaultdict(list)
    for i, v in enumerate(x):
        acc[i % 2].append(v * w)
    return sum(acc[0]) * sum(acc[1])


def stored_back_by_hand(x, w):
    d = {0: []}
    for v in x:
        t = d[0]
        t.append(v * w)
        d[0] = t
    return sum(d[0]) * w


# -- fields and attributes of objects the code built ----------------------------------

@dataclasses.dataclass
class Opt:
    lr: float = 0.1
    decay: float = 0.9
    history: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Pair:
    a: object
    b: object


def history_in_a_dataclass_field(x, w):
    opt = Opt(lr=w)
    theta = x
    for _ in range(3):
        theta = theta - opt.lr * np.sin(theta)
        opt.history.append(np.sum(theta))
    return sum(opt.history)


def augmented_namespace_attribute(x, w):
    p = types.SimpleNamespace(a=x, b=x * w)
    p.b += x
    return np.sum(p.b * p.a)


def augmented_dataclass_attribute(x, w):
    p = Pair(a=x * 1.0, b=np.sin(x))
    p.b += x * w
    p.b *= w
    return np.sum(p.b * p.a)


# -- a dict rebuilt in each loop step, given to **kwargs --------------------------------

def log_density(kind, z, **params):
    if kind == "normal":
        return -0.5 * ((z - params["loc"]) / params["scale"]) ** 2 - np.log(params["scale"])
    return np.log(params["rate"]) - params["rate"] * z


def kwargs_from_a_comprehension_in_a_loop(x, w):
    spec = [{"kind": "normal", "loc": 0.0, "scale": w},
            {"kind": "exponential", "rate": 1.0 + w},
            {"kind": "normal", "loc": w, "scale": 2.0}]
    total = 0.0
    for z, s in zip(x ** 2, spec):
        params = {k: v for k, v in s.items() if k != "kind"}
        total = total + log_density(s["kind"], z, **params)
    return total


# -- a helper writing items of a dict argument ------------------------------------------

def adam_update(params, grads, state, lr=0.1, b1=0.9, b2=0.99):
    new = {}
    for k, g in grads.items():
        m = b1 * state["m"].get(k, 0.0) + (1 - b1) * g
        v = b2 * state["v"].get(k, 0.0) + (1 - b2) * g * g
        state["m"][k] = m
        state["v"][k] = v
        new[k] = params[k] - lr * m / (np.sqrt(v) + 1e-8)
    return new


def adam_steps_on_dict_state(x, w):
    params = {"a": x, "b": w}
    state = {"m": {}, "v": {}}
    for _ in range(2):
        grads = {"a": 2 * params["a"] - 1.0, "b": np.sum(params["a"]) * params["b"]}
        params = adam_update(params, grads, state)
    return np.sum(params["a"] ** 2) + params["b"] ** 2


def update_m(state, k, v):
    old = state["m"].get(k, 0.0)
    state["m"][k] = old + v


def put(d, k, v):
    d[k] = v


def inner_dict_written_by_a_helper(x, w):
    state = {"m": {}}
    update_m(state, "a", x * w)
    update_m(state, "a", x)         # the same key written twice
    return np.sum(state["m"]["a"]) * w


def outer_dict_kept_under_a_name(x, w):
    state = {"m": {}}
    seen = state                    # the very same dict: Python shows it the writes
    update_m(state, "a", x * w)
    update_m(state, "a", np.sin(x))
    return np.sum(seen["m"]["a"] * x)


def dict_given_to_two_helpers(x, w):
    state = {"m": {}}
    put(state, "n", x * w)
    update_m(state, "a", np.sin(x))
    update_m(state, "a", state["n"])
    return np.sum(state["m"]["a"] * state["n"])


def the_same_key_appended_twice(x, w):
    acc = collections.defaultdict(list)
    for v in x:
        acc["a"].append(v * w)
        acc["a"].append(np.sin(v))
    return sum(acc["a"]) * w


def list_read_after_it_is_stored_back(x, w):
    d = {0: [x[0]]}
    t = d[0]
    t.append(x[1] * w)
    d[0] = t
    return sum(t) * sum(d[0]) * w        # t and d[0] are the same list, as in Python


def several_writes_into_items_of_one_dict(x, w):
    d = {"a": {"m": x[0]}, "b": {"m": x[1]}}
    d["a"]["m"] = d["a"]["m"] * w
    d["b"]["m"] = d["a"]["m"] + x[2]
    d["a"]["m"] = d["b"]["m"] * d["a"]["m"]
    return d["a"]["m"] + d["b"]["m"] * w


def keys_made_at_run_time(x, w):
    state = {"m": {}}
    for i in range(3):
        update_m(state, "k" + str(i % 2), x[i] * w)
    return state["m"]["k0"] * state["m"]["k1"] * w


def array_item_written_in_a_loop(x, w):
    d = {"a": x * 1.0}
    for i in range(2):
        d["a"][i] = d["a"][i + 1] * w
    return np.sum(d["a"] ** 2) * w


def items_written_in_a_branch(x, w):
    d = {"a": {"m": x[0]}, "g": [x[0], w]}
    if x[0] > 0:
        d["a"]["m"] = x[1] * w
        d["g"][1] = d["g"][0] * x[2]
    else:
        d["a"]["m"] = x[2]
    return d["a"]["m"] * x[2] + d["g"][1] * w


def add_to_item(state, k, v):
    state["m"][k] = state["m"][k] + v


def array_item_written_by_a_helper_in_a_loop(x, w):
    state = {"m": x * 1.0}
    for i in range(2):
        add_to_item(state, i, x[i + 1] * w)
    return np.sum(state["m"] ** 2) * w


def array_item_kept_under_a_name(x, w):
    a = x * 1.0
    state = {"m": a}
    add_to_item(state, 0, w)
    return np.sum(a * x)


def add(groups, k, v):
    groups[k].append(v)


def appended_through_a_helper(x, w):
    acc = {0: [], 1: []}
    for i, v in enumerate(x):
        add(acc, i % 2, v * w)
    return sum(acc[0]) * sum(acc[1])


FOLLOWED = [
    (grouped_by_setdefault, ("grad", "jvp", "hessian")),
    (grouped_in_a_dict_display, ("vjp", "hvp")),
    (grouped_after_a_membership_test, ("value_and_grad", "jvp_of_grad")),
    (grouped_in_a_list_of_lists, ("grad", "vjp_of_grad")),
    (stored_back_by_hand, ("grad", "jvp", "hessian", "jvp_of_grad")),
    (grouped_in_a_defaultdict, ("vjp", "jvp", "hessian", "vjp_of_grad")),
    (history_in_a_dataclass_field, ("grad", "hessian")),
    (augmented_namespace_attribute, ("grad", "jvp", "hessian")),
    (augmented_dataclass_attribute, ("value_and_grad", "hvp")),
    (kwargs_from_a_comprehension_in_a_loop, ("grad", "jvp", "hessian")),
    (adam_steps_on_dict_state, ("grad", "jvp", "hessian", "jvp_of_grad", "vjp_of_grad")),
    (keys_made_at_run_time, ("vjp", "hessian", "vjp_of_grad")),
    (array_item_written_in_a_loop, ("grad", "hvp", "jvp_of_grad")),
    (items_written_in_a_branch, ("jvp", "hessian", "vjp_of_grad")),
    (appended_through_a_helper, ("grad", "jvp", "hessian")),
    (inner_dict_written_by_a_helper, ("grad", "jvp", "hessian", "jvp_of_grad")),
    (outer_dict_kept_under_a_name, ("vjp", "hessian")),
    (dict_given_to_two_helpers, ("grad", "hvp", "jvp_of_grad")),
    (the_same_key_appended_twice, ("jvp", "hessian")),
    (list_read_after_it_is_stored_back, ("grad", "vjp_of_grad")),
    (several_writes_into_items_of_one_dict, ("jvp", "hessian", "jvp_of_grad")),
    (array_item_written_by_a_helper_in_a_loop, ("grad", "hessian")),
]


@pytest.mark.parametrize("f, mode", [(f, mode) for f, modes in FOLLOWED for mode in modes],
                         ids=[f"{f.__name__}-{mode}" for f, modes in FOLLOWED for mode in modes])
def test_writes_into_containers_against_finite_differences(f, mode):
    check(mode, f, (X3, W), (0, 1))


# -- adversarial twins: another name keeps what is written into --------------------------

def list_kept_from_setdefault(x, w):
    d = {}
    total = 0.0
    for i, v in enumerate(x):
        lst = d.setdefault(i % 2, [])
        d[i % 2].append(v * w)
        total = total + sum(lst)
    return total


def list_given_to_the_dict(x, w):
    outer = []
    d = {0: outer}
    for v in x:
        d[0].append(v * w)
    return sum(outer) * w


def list_read_out_before_the_append(x, w):
    d = {0: [x[0]]}
    a = d[0]
    d[0].append(x[1] * w)
    return sum(a) * w


def field_list_kept_under_a_name(x, w):
    opt = Opt(lr=w)
    h = opt.history
    for v in x:
        opt.history.append(v * opt.lr)
    return sum(h) * w


def field_list_given_to_the_constructor(x, w):
    hist = []
    opt = Opt(lr=w, history=hist)
    for v in x:
        opt.history.append(v * opt.lr)
    return sum(hist) * w


def attribute_array_held_by_a_name(x, w):
    b = np.sin(x)
    p = Pair(a=x * 1.0, b=b)
    p.b += x * w
    return np.sum(p.b * p.a) + np.sum(b)


def inner_dict_kept_under_a_name(x, w):
    inner = {}
    state = {"m": inner}
    update_m(state, "a", x * w)
    update_m(state, "a", x)
    return np.sum(inner["a"]) * w


def shallow_copy_by_dict(x, w):
    state = {"m": {"a": x}}
    other = dict(state)             # a new dict holding the same inner dict, as in Python
    update_m(other, "a", x * w)
    return np.sum(state["m"]["a"] ** 2) + np.sum(other["m"]["a"])


def shallow_copy_by_copy(x, w):
    state = {"m": {"a": x}}
    other = copy.copy(state)
    update_m(other, "a", x * w)
    return np.sum(state["m"]["a"] ** 2) + np.sum(other["m"]["a"])


def defaultdict_list_kept_under_a_name(x, w):
    acc = collections.defaultdict(list)
    first = acc[0]
    for i, v in enumerate(x):
        acc[i % 2].append(v * w)
    return sum(first) * sum(acc[1])


def defaultdict_copied_then_appended(x, w):
    acc = collections.defaultdict(list)
    acc[0].append(x[0] * w)
    other = copy.copy(acc)
    other[0].append(x[1])
    return sum(acc[0]) * w + len(acc[0])


def list_appended_to_after_it_is_stored_back(x, w):
    d = {0: [x[0]]}
    t = d[0]
    t.append(x[1] * w)
    d[0] = t
    t.append(x[2])                      # d[0] sees this one too, not stored back
    return sum(d[0]) * w + sum(t)


def item_kept_in_a_list_each_step(x, w):
    d = {"a": {"m": x[0]}}
    keep = []
    for i in range(2):
        keep.append(d["a"])             # the same inner dict each step: Python shows it every write
        d["a"]["m"] = d["a"]["m"] * w + x[i]
    return keep[0]["m"] * keep[1]["m"]


def row_kept_under_a_name_in_a_loop(x, w):
    d = {"a": [x[0], x[1]]}
    total = 0.0
    for i in range(2):
        row = d["a"]
        d["a"][0] = d["a"][1] * w + x[i]
        total = total + row[0]
    return total


TWINS = [
    (item_kept_in_a_list_each_step, "d[\"a\"][\"m\"] = d[\"a\"][\"m\"] * w + x[i]"),
    (row_kept_under_a_name_in_a_loop, "d[\"a\"][0] = d[\"a\"][1] * w + x[i]"),
    (list_appended_to_after_it_is_stored_back, "t.append(x[2])"),
    (shallow_copy_by_dict, "state[\"m\"][k] = old + v"),
    (shallow_copy_by_copy, "state[\"m\"][k] = old + v"),
    (defaultdict_list_kept_under_a_name, "acc[i % 2].append(v * w)"),
    (defaultdict_copied_then_appended, "other[0].append(x[1])"),
    (list_kept_from_setdefault, "d[i % 2].append(v * w)"),
    (list_given_to_the_dict, "d[0].append(v * w)"),
    (list_read_out_before_the_append, "d[0].append(x[1] * w)"),
    (field_list_kept_under_a_name, "opt.history.append(v * opt.lr)"),
    (field_list_given_to_the_constructor, "opt.history.append(v * opt.lr)"),
    (attribute_array_held_by_a_name, "p.b += x * w"),
    (inner_dict_kept_under_a_name, "state[\"m\"][k] = old + v"),
    (array_item_kept_under_a_name, "state[\"m\"][k] = state[\"m\"][k] + v"),
]


@pytest.mark.parametrize("f, text", TWINS, ids=[f.__name__ for f, _ in TWINS])
def test_a_write_another_name_would_see_is_refused(f, text):
    for make in (lambda: astgrad.grad(f, wrt=(0, 1)), lambda: astgrad.jvp(f, (X3, W), (X3, 1.0))):
        # (a write into an item of a dict or list another one holds too names the item:
        # "... of an item of 'state' while another name may share that item's memory")
        with pytest.raises(astgrad.TransformError, match="may share (its|that item's) memory") as info:
            make()
        assert f"{__file__}:{_line_of(f, text)}:" in str(info.value)


def _line_of(f, text):
    """The line of ``text`` in ``f``, or in the helper ``f`` calls (update_m)."""
    for fn in (f, update_m, add_to_item):
        lines, first = inspect.getsourcelines(fn)
        found = [first + k for k, line in enumerate(lines) if text in line]
        if found:
            return found[0]
    raise AssertionError(text)


# -- **kwargs: Python's errors, and a helper changing its kwargs ----------------------

def density(z, **params):
    return params["scale"] * z


def kwargs_naming_a_parameter(x, w):
    total = 0.0
    for key in ("scale", "z"):
        params = {k: v for k, v in (("scale", w), (key, 1.0))}
        total = total + np.sum(density(x, **params))
    return total


def doubling(x, **kw):
    kw["a"] = kw["a"] * 2.0
    return kw["a"] * x


def kwargs_changed_by_the_helper(x, w):
    total = 0.0
    for name in ("a", "b"):
        d = {k: v for k, v in (("a", w), (name, x[0]))}
        total = total + np.sum(doubling(x, **d)) + d["a"]
    return total


def test_a_key_naming_a_given_parameter_raises_pythons_type_error():
    with pytest.raises(TypeError, match="got multiple values for argument 'z'"):
        kwargs_naming_a_parameter(X3, W)
    with pytest.raises(TypeError, match="got multiple values for argument 'z'"):
        astgrad.grad(kwargs_naming_a_parameter, wrt=(0, 1))(X3, W)
    with pytest.raises(TypeError, match="got multiple values for argument 'z'"):
        astgrad.jvp(kwargs_naming_a_parameter, (X3, W), (X3, 1.0))


def test_a_helper_changing_its_kwargs_keeps_the_refusal():
    with pytest.raises(astgrad.TransformError, match="kwargs unpacking of a value that is not a dict display"):
        astgrad.grad(kwargs_changed_by_the_helper, wrt=(0, 1))


# -- a cached helper given an array -------------------------------------------------------

@functools.lru_cache(maxsize=None)
def cached_square(v):
    return v * v


def cached_on_an_array(x, w):
    return np.sum(cached_square(x)) * w


def cached_on_a_number(x, w):
    return np.sum(x) * cached_square(w)


def test_a_cached_helper_given_an_array_raises_as_python_does():
    with pytest.raises(TypeError, match="unhashable type"):
        cached_on_an_array(X3, W)
    for run in (lambda: astgrad.grad(cached_on_an_array, wrt=(0, 1))(X3, W),
                lambda: astgrad.jvp(cached_on_an_array, (X3, W), (X3, 1.0)),
                lambda: astgrad.hessian(cached_on_an_array)(X3, W)):
        with pytest.raises(TypeError, match="unhashable type: 'numpy.ndarray'"):
            run()


@pytest.mark.parametrize("mode", ["grad", "hvp"])
def test_a_cached_helper_given_numbers_is_followed(mode):
    check(mode, cached_on_a_number, (X3, W), (0, 1))
