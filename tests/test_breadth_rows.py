"""Constructs of docs/supported-python.md that used to be refused, each in reverse mode,
forward mode and to second order against finite differences (tests/breadth_modes.py),
with loops and branches around them: writes to globals (``global``) and to closure cells
(``nonlocal``) of the differentiated function, recursion through a local function, set
comprehensions and ``set(...)`` of numbers, ``del xs[i:j]`` and ``del d[key]``, and the
walrus rebinding the target of an augmented assignment."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad

MODES = ("grad", "jvp", "vjp", "hessian", "jvp_of_grad", "grad_inside_lambda")


# -- recursion through a local function --------------------------------------------------

def power_of(x, w):
    def power(y, n):
        return 1.0 if n == 0 else y * power(y, n - 1)
    return np.sum(power(x, 3) * w)


def recursion_reads_outer(x, w):
    def power(y, n):
        if n == 0:
            return w
        return y * power(y, n - 1) + w * np.sin(y)
    total = 0.0
    for k in range(3):
        if k % 2 == 0:
            total = total + power(x * (k + 1), k + 1)
        else:
            total = total - power(x, k)
    return np.sum(total)


def recursion_lambda(x, w):
    fact = lambda n, v: v if n <= 1 else n * x * fact(n - 1, v * w)    # noqa: E731
    return np.sum(fact(4, x))


def recursion_keywords(x, w):
    def walk(v, depth=0, *, scale):
        if depth >= 2:
            return v * scale
        return walk(np.cos(v) * w, depth + 1, scale=scale) + v
    return np.sum(walk(x, scale=w))


def recursion_in_helper(x, w):
    def outer(a):
        def down(v, n):
            return v if n == 0 else down(np.tanh(v * w + a), n - 1)
        return down(a, 2)
    return np.sum(outer(x) * x)


X = np.array([0.3, -0.7, 0.5])

RECURSION = [
    ("power", power_of, (0.7, 1.3)),
    ("power-array", power_of, (X, 1.3)),
    ("reads-outer", recursion_reads_outer, (X, 1.3)),
    ("reads-outer-float", recursion_reads_outer, (0.4, -0.6)),
    ("lambda", recursion_lambda, (X, 0.8)),
    ("keywords", recursion_keywords, (X, 0.9)),
    ("in-helper", recursion_in_helper, (X, 0.9)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, f, args", RECURSION, ids=[c[0] for c in RECURSION])
def test_recursion_through_local_function(name, f, args, mode):
    check(mode, f, args, (0, 1))


# -- global and nonlocal writes --------------------------------------------------------

COUNTER = 0
CACHE = None
SCALE = 2.0


def global_counter_and_cache(x, w):
    global COUNTER, CACHE
    COUNTER += 1
    CACHE = x * w
    y = 0.0
    for k in range(3):
        if k % 2 == 0:
            CACHE = CACHE * np.sin(x) + w
        else:
            y = y + CACHE * COUNTER / COUNTER
    return np.sum(y + CACHE * x)


def global_read_first(x, w):
    global SCALE
    SCALE = SCALE * 0.0 + 2.0       # read before it is written, as the function runs
    for _ in range(2):
        SCALE += w * 0.5
    return np.sum(SCALE * x * x)


def make_accumulator():
    calls = 0
    last = None

    def accumulate(x, w):
        nonlocal calls, last
        calls += 1
        last = x * w
        y = 0.0
        for k in range(3):
            if k % 2 == 0:
                last = last + np.sin(x) * k
            y = y + last * w
        return np.sum(y)

    def state():
        return calls, last
    return accumulate, state


ACCUMULATE, ACCUMULATE_STATE = make_accumulator()


def make_pusher():
    state = None

    def pushes(x, w):
        nonlocal state

        def push(v):
            nonlocal state
            state = v
        push(x * w)
        for k in range(2):
            push(state * np.sin(x) + w * k)
        return np.sum(state * x)
    return pushes


def _bump(v):
    global COUNTER, CACHE
    COUNTER += 1
    CACHE = v * 2.0
    return CACHE


def helper_writes_global(x, w):
    total = 0.0
    for k in range(2):
        total = total + _bump(x * w + k) * CACHE        # the global the helper wrote
    return np.sum(total * x)


def local_def_writes_global(x, w):
    def remember(v):
        global CACHE
        CACHE = v
    remember(x * w)
    if np.sum(x) > 0.0:
        remember(CACHE * np.sin(x))
    else:
        remember(CACHE - w)
    return np.sum(CACHE * x)

OUTER = [
    ("global", global_counter_and_cache, (X, 0.8)),
    ("global-float", global_counter_and_cache, (0.4, -1.2)),
    ("global-read-first", global_read_first, (X, 0.7)),
    ("nonlocal", ACCUMULATE, (X, 0.6)),
    ("nonlocal-float", ACCUMULATE, (-0.3, 0.6)),
    ("nonlocal-local-def-writes", make_pusher(), (X, 0.6)),
    ("helper-writes", helper_writes_global, (X, 0.6)),
    ("local-def-writes", local_def_writes_global, (X, 0.6)),
    ("local-def-writes-other-branch", local_def_writes_global, (-X, 0.6)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, f, args", OUTER, ids=[c[0] for c in OUTER])
def test_global_and_nonlocal_writes(name, f, args, mode):
    check(mode, f, args, (0, 1))


ARRAY = np.array([0.3, -0.2])


@pytest.mark.parametrize("transform, x", [
    (lambda f, x, w: astgrad.grad(f)(x, w), ARRAY),
    (lambda f, x, w: astgrad.grad(f, wrt=(0, 1))(x, w), ARRAY),
    (lambda f, x, w: astgrad.value_and_grad(f)(x, w), 0.3),
    (lambda f, x, w: astgrad.jvp(f, (x, w), (np.ones_like(x), 0.0)), ARRAY),
    (lambda f, x, w: astgrad.grad(astgrad.grad(lambda a: f(a, w)))(x), 0.3),
], ids=["grad", "grad-both", "value_and_grad", "jvp", "grad-of-grad"])
def test_a_gradient_call_writes_the_global_once(transform, x):
    """The primal code runs once per call of a gradient (and of a derivative of a
    gradient): the global ends as calling the function once leaves it."""
    w = 0.7
    global_counter_and_cache(x, w)
    expected_cache = CACHE
    before = COUNTER
    transform(global_counter_and_cache, x, w)
    assert COUNTER == before + 1
    assert np.array_equal(CACHE, expected_cache)


def test_jvp_of_a_gradient_puts_back_what_its_output_check_changed():
    """jvp of grad(f) also calls f (on copies of the arguments) to check that it returns
    a number, and puts back the globals that call rebound: the global ends as one call of
    the function leaves it."""
    x, w = ARRAY, 0.7
    before = COUNTER
    astgrad.jvp(astgrad.grad(global_counter_and_cache), (x, w), (np.ones_like(x), 0.0))
    assert COUNTER == before + 1


def test_a_gradient_call_writes_the_closure_cell_once():
    x, w = np.array([0.3, -0.2]), 0.7
    ACCUMULATE(x, w)
    calls, last = ACCUMULATE_STATE()
    astgrad.grad(ACCUMULATE, wrt=1)(x, w)
    assert ACCUMULATE_STATE()[0] == calls + 1
    assert np.array_equal(ACCUMULATE_STATE()[1], last)
    astgrad.jvp(ACCUMULATE, (x, w), (np.ones(2), 1.0))
    assert ACCUMULATE_STATE()[0] == calls + 2


def test_the_written_value_is_the_global_in_the_next_call():
    """A global the function reads and then rebinds: each call (of f or of its
    gradient) starts from the value the previous one left."""
    global SCALE
    SCALE = 2.0

    def step(x):
        global SCALE
        SCALE = SCALE * x
        return SCALE

    g = astgrad.grad(step)
    assert g(3.0) == 2.0 and SCALE == 6.0        # d(2x)/dx at 3, leaves 6
    assert g(3.0) == 6.0 and SCALE == 18.0       # d(6x)/dx, leaves 18
    assert step(0.5) == 9.0
    assert astgrad.jvp(step, (2.0,), (1.0,)) == (18.0, 9.0)


def _reads_counter():
    return COUNTER * 1.0


def global_read_by_helper(x):
    global COUNTER
    COUNTER = x * 2.0
    return _reads_counter() * x


def test_a_helper_reading_the_rebound_global_is_refused():
    """The helper's own derivative takes COUNTER as a constant: refused, not wrong."""
    global COUNTER
    with pytest.raises(astgrad.TransformError, match="COUNTER.*_reads_counter"):
        astgrad.grad(global_read_by_helper)(0.5)
    COUNTER = 0


# -- the walrus rebinding the target of an augmented assignment ------------------------

def walrus_augmented(x, w):
    y = x * w
    for k in range(3):
        if k % 2 == 0:
            y += (y := np.sin(y) * w)           # y = y_old + sin(y_old) * w
        else:
            y *= (y := y + x) * 0.5 + y         # y = y_old * (1.5 * (y_old + x))
    return np.sum(y)


def walrus_augmented_float(x, w):
    s = w * 1.0
    s -= (s := s * x) - 2.0 * s
    s **= (s := 0.5) + 1.0
    return s + x


WALRUS = [
    ("array", walrus_augmented, (X, 0.8)),
    ("float", walrus_augmented, (0.4, 0.8)),
    ("numbers", walrus_augmented_float, (0.7, 1.3)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, f, args", WALRUS, ids=[c[0] for c in WALRUS])
def test_walrus_rebinding_an_augmented_target(name, f, args, mode):
    check(mode, f, args, (0, 1))


def test_walrus_augmented_follows_python_order():
    x, w = np.array([0.3, -0.7, 0.5]), 0.8
    expected = x * w
    for k in range(3):
        expected = expected + np.sin(expected) * w if k % 2 == 0 else expected * 1.5 * (expected + x)
    assert np.allclose(walrus_augmented(x, w), np.sum(expected))
    value, _ = astgrad.value_and_grad(walrus_augmented)(x, w)
    assert value == walrus_augmented(x, w)


# -- del xs[i:j], del d[key] ----------------------------------------------------------------

def delete_slices(x, w):
    xs = [x, 2.0 * x, np.sin(x), x * w, 5.0 * x, w * w]
    total = 0.0
    for k in range(2):
        ys = list(xs)
        if k == 0:
            del ys[1:3]
        else:
            del ys[::-2]
        del ys[-1:]
        total = total + sum(ys) * x
    return np.sum(total)


def delete_dict_items(x, w):
    d = {"a": x * w, "b": np.cos(x), "c": x * x, "w": w}
    key = "a" if np.sum(x) > 0.0 else "c"
    total = d[key] * w
    if np.sum(x * x) > 0.1:
        del d[key]
    else:
        del d["b"]
    for name, v in d.items():
        if name != "w":
            total = total + v * x
    return np.sum(total * len(d))


def delete_dict_items_in_loop(x, w):
    d = {"a": x * w, "b": np.cos(x), "c": x * x, "w": w}
    total = 0.0
    for key in ("a", "c"):
        del d[key]
        for v in d.values():
            total = total + v * x
    return np.sum(total)


DELETES = [
    ("slices", delete_slices, (X, 0.8)),
    ("slices-float", delete_slices, (0.4, -1.1)),
    ("dict", delete_dict_items, (X, 0.8)),
    ("dict-other-branch", delete_dict_items, (-X, 0.8)),
    ("dict-small", delete_dict_items, (0.1 * X, 0.8)),
    ("dict-in-loop", delete_dict_items_in_loop, (X, 0.8)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, f, args", DELETES, ids=[c[0] for c in DELETES])
def test_del_slice_and_dict_item(name, f, args, mode):
    check(mode, f, args, (0, 1))


def _delete_from_array(x):
    y = x * 2.0
    del y[1:]
    return np.sum(y)


def _delete_array_item(x):
    y = x * 2.0
    del y[1]
    return np.sum(y)


def _delete_tuple_item(x):
    t = (x, 2.0 * x)
    del t[0]
    return t[0]


def _delete_argument_item(xs):
    del xs[0]
    return np.sum(xs)


def _delete_missing_key(x):
    d = {"a": x}
    del d["b"]
    return d["a"]


def test_del_raises_what_python_raises():
    with pytest.raises(ValueError, match="cannot delete array elements"):
        astgrad.grad(_delete_from_array)(np.ones(3))
    with pytest.raises(ValueError, match="cannot delete array elements"):
        astgrad.grad(_delete_array_item)(np.ones(3))
    with pytest.raises(TypeError, match="^'tuple' object doesn't support item deletion$"):
        astgrad.grad(_delete_tuple_item)(0.5)
    with pytest.raises(astgrad.TransformError, match="del of an item of 'xs' while another name may share"):
        astgrad.grad(_delete_argument_item)        # the caller's list or array: refused as it is
    with pytest.raises(KeyError, match="b"):
        astgrad.grad(_delete_missing_key)(0.5)


def _delete_shared(x):
    d = {"a": x, "b": 2.0 * x}
    e = d
    del d["a"]
    return e["b"] * len(e)


def test_del_of_a_dict_another_name_holds_is_refused():
    with pytest.raises(astgrad.TransformError, match="dict 'd', which another name"):
        astgrad.grad(_delete_shared)(0.5)


# -- del of a name: a read that may follow it raises in Python, so it is refused -------------

G = 2.0


class _Scaled:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, z):
        return self.fn(z)


def _read_after_del(x, w):
    k = w * 2.0
    del k
    return np.sum(x * k)                    # unbound


def _read_after_del_in_a_branch(x, w):
    k = w * 2.0
    if np.sum(x) > 100.0:
        del k
    return np.sum(x * k)                    # unbound


def _read_after_del_in_a_loop(x, w):
    k = w
    total = 0.0
    for _ in range(3):
        total = total + k                   # unbound
        del k
    return np.sum(x * total)


def _local_def_reads_deleted(x, w):
    k = w * 2.0

    def scale(z):
        return z * k                        # unbound
    del k
    return np.sum(scale(x))


def _lambda_in_object_reads_deleted(x, w):
    k = w * 2.0
    scaled = _Scaled(lambda z: z * k)       # unbound
    del k
    return np.sum(scaled(x))


def _del_of_unbound_global(x, w):
    del G                                   # unbound
    return np.sum(x * w)


def _del_of_declared_global(x, w):
    global G
    del G                                   # unbound
    return np.sum(x * w)


READ_AFTER_DEL = [_read_after_del, _read_after_del_in_a_branch, _read_after_del_in_a_loop,
                  _local_def_reads_deleted, _lambda_in_object_reads_deleted, _del_of_unbound_global,
                  _del_of_declared_global]


@pytest.mark.parametrize("f", READ_AFTER_DEL, ids=[f.__name__ for f in READ_AFTER_DEL])
def test_use_of_a_deleted_name_is_refused_at_its_line(f):
    import inspect
    lines, first = inspect.getsourcelines(f)
    line = first + next(i for i, text in enumerate(lines) if "# unbound" in text)
    with pytest.raises(astgrad.TransformError, match=rf"test_breadth_rows.py:{line}: .*'(k|G)'"):
        astgrad.grad(f, wrt=1)(X, 0.8)


def delete_names_then_rebind(x, w):
    total = 0.0
    for i in range(3):
        k = x * w * (i + 1)
        total = total + k
        del k
    a, b = total, w
    del a, b
    a = total * w
    if np.sum(x) > 100.0:
        del a
        return np.sum(x)
    return np.sum(a * x)


def test_del_of_names_rebound_before_each_read():
    check("jvp_of_grad", delete_names_then_rebind, (X, 0.8), (0, 1))


# -- set comprehensions and set(...) of numbers ------------------------------------------

def set_comprehension_sum(x, w):
    xs = [x, x * w, x, 2.0 * x, w, x * w]          # equal items: the set keeps the first
    total = sum({v * v for v in xs})
    for k in range(2):
        s = set(xs[k:])
        if k in s or len(s) > 3:
            total = total + sum(sorted(s)) * w
        else:
            total = total - max(s)
    for v in {x + w, x * w}:
        total = total + np.sin(v)
    return total


def set_of_scalars_from_array(x, w):
    s = {float(v) * w for v in x}
    total = 0.0
    for v in s:
        if v > 0.0:
            total = total + v * v
        else:
            total = total - v
    return total + len(s)


# equal items made alike (x twice, x * w twice) stay equal under finite differences; items
# equal by chance would not (the set's size would change), so the inputs avoid that
SETS = [
    ("comprehension", set_comprehension_sum, (0.3, 0.7)),
    ("comprehension-negative", set_comprehension_sum, (-0.4, 1.3)),
    ("from-array", set_of_scalars_from_array, (np.array([0.3, -0.7, 0.5, 1.1]), 0.9)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, f, args", SETS, ids=[c[0] for c in SETS])
def test_set_of_numbers_only_read(name, f, args, mode):
    check(mode, f, args, (0, 1))


def test_the_derivative_flows_to_the_item_the_set_kept():
    """Equal items: the derivative of sum({a, b}) with a == b is all a's (the first)."""
    def f(x, w):
        return sum({x * 1.0, w * 1.0})
    assert astgrad.grad(f, wrt=(0, 1))(0.5, 0.5) == (1.0, 0.0)
    assert astgrad.grad(f, wrt=(0, 1))(0.5, 0.25) == (1.0, 1.0)
    assert astgrad.jvp(f, (0.5, 0.5), (1.0, 10.0)) == (0.5, 1.0)


def _set_of_arrays(x):
    return sum({v for v in [x, 2.0 * x]})


def test_a_set_of_arrays_raises_pythons_type_error():
    with pytest.raises(TypeError, match="unhashable"):
        _set_of_arrays(np.ones(2))
    with pytest.raises(TypeError, match="unhashable"):
        astgrad.grad(lambda x: np.sum(_set_of_arrays(x)))(np.ones(2))


def test_export_refuses_code_rebinding_a_global():
    """An exported module's globals are its own: it cannot rebind the user's global."""
    with pytest.raises(ValueError, match="rebinds a global or a closure variable"):
        astgrad.export(global_counter_and_cache)
