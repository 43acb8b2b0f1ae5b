"""Container built-ins and dict methods (``d.get``, dict views, ``dict(...)``,
``list(xs)``, ``tuple(xs)``, starred unpacking, dict comprehensions) against Python's
semantics: a copy of a container shares its elements, ``d.get`` returns the element
itself, and writes through one name show through the others or are refused. Gradients
with respect to nested structures keep the structure, in plain Python types."""

import collections
from collections import deque

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, flatten, numerical_grad, numerical_jvp, unflatten
from test_function_values import tree_map


def _check(f, *args):
    """Reverse and forward mode against finite differences, in every argument."""
    for i in range(len(args)):
        expected = numerical_grad(f, args, i)
        assert_close(astgrad.grad(f, wrt=i)(*args), expected)
    tangents = tuple(np.full_like(a, 0.5) for a in args)
    assert_close(astgrad.jvp(f, args, tangents)[1], numerical_jvp(f, args, tangents))


def replaced_item_of_a_copy(x):
    xs = [x, x * 2.0]
    ys = list(xs)
    ys[0] = ys[1] * x                   # xs[0] is still x
    t = tuple(xs)
    xs.append(x * x)                    # t keeps two items
    return np.sum(xs[0] * ys[0]) + len(t) * np.sum(xs[2]) + np.sum(t[-1])


def popped_copy(x):
    xs = [x * 3.0, np.sin(x)]
    ys = list(xs)
    last = ys.pop()
    return np.sum(last * xs[1]) + len(ys) * np.sum(ys[0])


def dict_view_written_in_loop(x):
    d = {"a": x, "b": x * 2.0}
    total = 0.0
    for k, v in d.items():
        d[k] = v * v
        total = total + np.sum(d[k] * v)
    for v in d.values():
        total = total + np.sum(v)
    return total


def dict_rebound_in_loop(x):
    d = {"a": x, "b": x * 2.0}
    total = 0.0
    for k, v in d.items():
        total = total + np.sum(v * x)
        d = {"a": v * 3.0, "b": v}      # the loop goes on over the dict it started with
    return total + np.sum(d["a"])


def get_returns_the_item(x):
    y = x * 2.0
    d = {"w": y}
    e = d.get("w")
    f = d.get("missing", y)
    return np.sum(e * f) + np.sum(d["w"])


def starred_of_array_rows(m):
    first, *rest = m                   # Python: rows, the rest a list of rows
    return np.sum(first * rest[0]) + len(rest) * np.sum(rest[-1])


def starred_in_for_target(x):
    pairs = [(x, x * 2.0, np.sin(x)), (x * x, x, x)]
    total = 0.0
    for a, *rest in pairs:
        total = total + np.sum(a * rest[1]) + len(rest)
    return total


def comprehension_over_a_comprehension(x):
    d = {k: x * w for k, w in [("a", 1.0), ("b", 2.0)]}
    e = {k: np.exp(v) for k, v in d.items()}
    return sum(np.sum(e[k] * d[k]) for k in d)


@pytest.mark.parametrize("f", [replaced_item_of_a_copy, popped_copy, dict_view_written_in_loop,
                               dict_rebound_in_loop, get_returns_the_item, starred_in_for_target,
                               comprehension_over_a_comprehension])
def test_against_finite_differences(f):
    x = np.array([0.3, -0.6, 0.9])
    _check(f, x)
    hessian = astgrad.hessian(f)(x)
    for i in range(x.size):
        row = numerical_grad(lambda z: astgrad.grad(f)(z)[i], (x,), 0)
        assert_close(hessian[i], row, rtol=1e-4, atol=1e-5)


def test_starred_rows_of_an_array():
    _check(starred_of_array_rows, np.array([[0.3, -0.6], [0.9, 0.2], [-0.4, 0.5]]))


def write_through_get(x):
    y = x * 2.0
    d = {"w": y}
    e = d.get("w")
    e[0] = 5.0                          # changes y too
    return np.sum(y * x)


def write_through_list_copy(x):
    y = x * 2.0
    ys = list([y])
    ys[0][0] = 5.0                      # changes y too
    return np.sum(y * x)


def write_through_tuple_copy(x):
    y = x * 2.0
    t = tuple([y, x])
    row = t[0]
    row[1] = 5.0                        # changes y too
    return np.sum(y * x)


def write_through_dict_call(x):
    y = x * 2.0
    d = dict(w=y)
    d["w"][0] = 5.0                     # changes y too
    return np.sum(y * x)


def write_through_starred(x):
    y = x * 2.0
    a, *rest = [x, y]
    rest[0][0] = 5.0                    # changes y too
    return np.sum(y * x)


@pytest.mark.parametrize("f", [write_through_get, write_through_list_copy, write_through_tuple_copy,
                               write_through_dict_call, write_through_starred])
def test_writes_through_a_shared_element_are_right_or_refused(f):
    x = np.array([0.3, -0.6, 0.9])
    try:
        g = astgrad.grad(f)(x)
    except astgrad.TransformError as error:
        assert "share" in str(error)
        return
    assert_close(g, numerical_grad(f, (x,), 0))


class NotADict:
    def get(self, key, default=None):
        return default

    def items(self):
        return []


def get_on_an_object(x, obj):
    return x * obj.get("a", 2.0)


def items_on_an_object(x, obj):
    s = x
    for k, v in obj.items():
        s = s + v
    return s


class SlottedNotADict:
    """As NotADict, without a ``__dict__``: astgrad does not look into its class."""
    __slots__ = ()
    get, items = NotADict.get, NotADict.items


@pytest.mark.parametrize("f, obj", [(get_on_an_object, SlottedNotADict()), (items_on_an_object, SlottedNotADict())])
def test_dict_methods_on_other_objects_stop(f, obj):
    with pytest.raises(TypeError, match="dict method"):
        astgrad.grad(f)(0.5, obj)


def test_a_get_method_of_an_object_argument_runs_its_own_code():
    """obj.get(...) on an object given as an argument is its class's get, and a loop over
    obj.items() its class's items, followed for the class the call passes (object
    arguments: test_unknown_methods.py; items returning values: test_leftovers_round49.py)."""
    assert astgrad.grad(get_on_an_object)(0.5, NotADict()) == pytest.approx(2.0)
    assert astgrad.jvp(get_on_an_object, (0.5, NotADict()), (1.0, None))[1] == pytest.approx(2.0)
    assert astgrad.grad(items_on_an_object)(0.5, NotADict()) == pytest.approx(1.0)
    assert astgrad.jvp(items_on_an_object, (0.5, NotADict()), (1.0, None))[1] == pytest.approx(1.0)


def test_too_few_values_for_starred_unpacking():
    def f(x):
        a, b, *rest = [x]
        return a * b
    with pytest.raises(ValueError, match="not enough values to unpack"):
        astgrad.grad(f)(0.5)


def nested(params):
    total = 0.0
    for name, layers in params["layers"].items():
        for w in layers:
            total = total + np.sum(np.sin(w) * w)
    scale, extra = params["pair"]
    return total * np.sum(scale["s"]) + extra["t"] ** 2


def test_gradient_of_nested_structures_keeps_the_structure():
    params = {"layers": {"a": [np.array([0.3, -0.2]), np.array([[0.5]])], "b": []},
              "pair": ({"s": np.array([1.5, 0.5])}, {"t": 0.7})}
    g = astgrad.grad(nested)(params)
    assert type(g) is dict and type(g["layers"]) is dict and type(g["layers"]["a"]) is list
    assert type(g["pair"]) is tuple and type(g["pair"][0]) is dict and type(g["pair"][1]) is dict
    assert g["layers"]["b"] == []
    flat = [params["layers"]["a"][0], params["layers"]["a"][1], params["pair"][0]["s"]]

    def of_flat(a, b, s):
        return nested({"layers": {"a": [a, b], "b": []}, "pair": ({"s": s}, {"t": 0.7})})
    for i, got in enumerate([g["layers"]["a"][0], g["layers"]["a"][1], g["pair"][0]["s"]]):
        assert_close(got, numerical_grad(of_flat, tuple(flat), i))
    assert_close(g["pair"][1]["t"], 1.4)


def stacked_sines(xs):
    return np.sum(np.sin(np.vstack(xs)) * 1.5)


def test_jvp_of_a_gradient_over_a_list_returns_plain_lists():
    # the gradient of a list argument is a list; jvp of that gradient must give the value
    # and the tangent as plain lists too, never astgrad's internal derivative list
    xs = [np.array([0.3, -1.2, 0.7]), np.array([1.1, 0.4, -0.5])]
    directions = [np.array([1.0, 0.5, -2.0]), np.array([0.25, -1.0, 3.0])]
    out, tangent = astgrad.jvp(astgrad.grad(stacked_sines), (xs,), (directions,))
    assert type(out) is list and type(tangent) is list
    for x, v, o, t in zip(xs, directions, out, tangent):
        np.testing.assert_allclose(o, 1.5 * np.cos(x), rtol=1e-12)
        np.testing.assert_allclose(t, -1.5 * np.sin(x) * v, rtol=1e-12)


# -- + and * of list arguments: the transform is made knowing they are lists ----------------

def concatenated(xs, ys):
    zs = xs + ys
    return np.sum(zs[0] * zs[-1] + zs[1] * zs[1])


def repeated(xs):
    zs = xs * 2
    return np.sum(zs[0] * zs[-1] + zs[1] * zs[2])


def appended(xs, x):
    xs = xs + [x]
    return xs[0] * xs[-1]


def joined_in_place(xs, ys):
    xs += ys
    return xs[0] * xs[-1]


@pytest.mark.parametrize("f, args", [
    (concatenated, ([0.3, 0.7], [0.5])), (concatenated, ((0.3, 0.7), (0.5, 1.1))),
    (concatenated, ([np.array([0.3, 0.2]), 0.7], [np.array([0.5, 0.4])])),
    (repeated, ([0.3, 0.7],)), (repeated, ((0.3, np.array([0.7, 0.1])),)),
    (appended, ([0.3, 0.7], 0.9)), (joined_in_place, ([0.3, 0.7], [0.5, 0.2])),
    (concatenated, (np.array([0.3, 0.7]), np.array([0.5]))),      # arrays add as arrays
])
def test_plus_and_times_of_list_arguments(f, args):
    def flat(*vectors):         # f of flat float vectors, each rebuilt as its argument
        return f(*[unflatten(arg, v) for arg, v in zip(args, vectors)])
    vectors = tuple(flatten(arg) for arg in args)
    wrt = tuple(range(len(args)))
    gradients = astgrad.grad(f, wrt=wrt)(*[_copied(a) for a in args])
    for position, g in enumerate(gradients):
        assert type(g) is type(args[position])      # plain lists and tuples, not astgrad's own
        assert_close(flatten(g), numerical_grad(flat, vectors, wrt=position))
    directions = tuple(np.linspace(0.3, 1.1, v.size) for v in vectors)
    tangents = tuple(unflatten(arg, d) for arg, d in zip(args, directions))
    _, tangent = astgrad.jvp(f, tuple(_copied(a) for a in args), tangents)
    assert_close(tangent, numerical_jvp(flat, vectors, directions))


def test_second_order_of_list_concatenation():
    def second(xs, ys):
        zs = xs + ys
        return zs[0] * zs[0] * zs[-1]
    h = astgrad.hessian(second, wrt=0)([0.3, 0.7], [0.5])
    assert_close(h, np.array([[2 * 0.5, 0.0], [0.0, 0.0]]))
    hvp = astgrad.hvp(second, wrt=1)([0.3, 0.7], [0.5], [1.0])
    assert_close(hvp, [0.0])


def _copied(value):
    if isinstance(value, (list, tuple)):
        return type(value)(np.copy(v) if isinstance(v, np.ndarray) else v for v in value)
    return np.copy(value) if isinstance(value, np.ndarray) else value


# -- collections.deque: followed only where it holds no differentiated value ------------------

def deque_in_a_dict(x, w):
    d = {"q": collections.deque()}
    for v in x:
        d["q"].append(v * w)
    return sum(d["q"]) * w


def deque_rotated(x, w):
    q = deque(maxlen=2)
    for v in x:
        q.append(v * w)
    q.rotate(1)                         # a method astgrad does not follow
    return q[0] * 2.0 + q[-1] * w


def deque_of_indices(x, w):
    order = deque(range(len(x)))        # holds no differentiated value: followed as Python runs it
    total = 0.0
    while order:
        i = order.popleft()
        total = total + x[i] * w * (i + 1.0)
    return total


def deque_of_a_dict_written_by_index(x, w):
    d = {"q": collections.deque([x[0], x[1]])}
    d["q"][1] = x[2] * w
    return d["q"][1] * d["q"][0]


def ordered_dict_of_a_list_written_by_key(x, w):
    L = [collections.OrderedDict(a=x[0], b=x[1])]
    L[0]["b"] = L[0]["a"] * w
    return L[0]["b"] * x[2]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_deque_in_a_dict_display_is_followed_as_a_deque_of_its_own(mode):
    # the dict display's item gets a name of its own (item_objects.py): a deque only appended to
    check(mode, deque_in_a_dict, (np.array([0.3, -0.5, 0.9]), 0.8), (0, 1))


@pytest.mark.parametrize("f, line", [(deque_rotated, "q = deque(maxlen=2)"),
                                     (deque_of_a_dict_written_by_index,
                                      'd = {"q": collections.deque([x[0], x[1]])}')])
@pytest.mark.parametrize("transform", [lambda f: astgrad.grad(f, wrt=(0, 1)), astgrad.hessian,
                                       lambda f: lambda *a: astgrad.jvp(f, a, (np.ones(3), 1.0))])
def test_a_deque_holding_differentiated_values_is_refused(f, line, transform):
    with pytest.raises(astgrad.TransformError, match="collections.deque holds a differentiated") as error:
        transform(f)(np.array([0.3, -0.5, 0.9]), 0.8)
    assert line in str(error.value) and "use a list" in str(error.value)


def deque_popped_inside_an_expression(x, w):
    y = np.zeros(1)
    d = deque()
    for v in x:
        d.append(v * w)
    y[0] = 1.0
    s = 0.0
    while d:
        s = s + d.popleft() * 2.0 if len(d) > 5 else s + d[0]     # not a statement of its own
        v = d.popleft()
        s = s + v ** 2
    return s + y[0]


def test_a_deque_changed_in_a_way_not_followed_is_refused_as_a_deque():
    # the write check used to say "append to 'd' while another name may share its memory"
    with pytest.raises(astgrad.TransformError, match=r"a collections\.deque is changed where another name may "
                                                     r"share it.*in statements of their own") as error:
        astgrad.grad(deque_popped_inside_an_expression, wrt=(0, 1))(np.array([0.3, -0.5, 0.9]), 0.8)
    assert "d = deque()" in str(error.value)


def test_an_ordered_dict_holding_differentiated_values_is_refused_naming_it():
    """A new OrderedDict shares no memory with the values it is made from (as a dict display),
    so the refusal names what astgrad lacks: a derivative of the OrderedDict it makes."""
    x = np.array([0.3, -0.5, 0.9])
    with pytest.raises(astgrad.TransformError, match=r"no adjoint rule for collections\.OrderedDict") as error:
        astgrad.grad(ordered_dict_of_a_list_written_by_key, wrt=(0, 1))(x, 0.8)
    assert "L = [collections.OrderedDict(a=x[0], b=x[1])]" in str(error.value)


def test_a_deque_of_indices_is_followed():
    _check(deque_of_indices, np.array([0.3, -0.5, 0.9]), np.array(0.8))
    x = np.array([0.3, -0.5, 0.9])
    assert_close(astgrad.hessian(deque_of_indices, wrt=1)(x, 0.8), 0.0)
    # d/dw of the gradient in x: the jvp of the gradient along w
    _, mixed = astgrad.jvp(astgrad.grad(deque_of_indices), (x, 0.8), (np.zeros(3), 1.0))
    assert_close(mixed, np.array([1.0, 2.0, 3.0]))


# -- a recursive helper mapping a module-level function over a nested container, twice --------

def square(t):
    return t * t


def squared_tree(x, w):
    tree = {"a": [x, (w, x * w)], "b": {"c": np.sin(x)}}
    out = tree_map(square, tree)
    return np.sum(out["a"][0]) * w + np.sum(out["a"][1][1]) + out["a"][1][0] + np.sum(out["b"]["c"])


def squared_subtrees(x, w):
    tree = {"a": x * w, "b": {"c": x, "d": [w, x]}}
    out = {k: tree_map(square, v) for k, v in tree.items()}
    return np.sum(out["a"]) + np.sum(out["b"]["c"]) * w + np.sum(out["b"]["d"][1]) * out["b"]["d"][0]


@pytest.mark.parametrize("f, mode", [(squared_subtrees, "hessian"), (squared_subtrees, "jvp_of_grad"),
                                     (squared_tree, "hessian")], ids=lambda v: getattr(v, "__name__", v))
def test_a_function_mapped_over_a_nested_container_second_order(f, mode):
    # reverse code drops the items its loops appended (xs.pop(), the value unread): the
    # dicts they held, written back into as the sweep undoes the writes, are read by no one
    check(mode, f, (np.array([0.3, -0.5, 0.9]), 0.8), (0, 1))
