"""Everyday Python that was refused or stopped badly: a user method named ``items``,
``values`` or ``keys`` in a loop header (the user's method runs, not dict.items), a
gradient with respect to a path the argument lacks (``wrt="p.z"``: grad's message, from an
exported module too), ``astgrad.jvp`` inside differentiated code given a tangent of
another shape (jvp's message, with the line), and scipy.linalg.lu_factor / lu_solve at a
singular matrix (inf or NaN as the value is, or a clear refusal). What stays refused (a
state-changing method on a list's item) is checked by its message. Followed programs
are checked against central finite differences in grad, jvp and hessian
(tests/breadth_modes.py)."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.4, 0.9])


def _line(fn, text):
    """``file:line`` of the line of ``fn`` holding ``text``."""
    lines, start = inspect.getsourcelines(fn)
    offset = next(i for i, line in enumerate(lines) if text in line)
    return f"{inspect.getsourcefile(fn)}:{start + offset}"


# -- a user method named items / values / keys in a loop header ---------------------------------

class Bag:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def items(self):
        return [("a", self.a), ("b", self.b)]

    def values(self):
        return [self.a, self.b * self.b]

    def keys(self):
        return ["b", "a"]

    def get(self, key):
        return self.a if key == "a" else self.b

    def total(self):
        s = 0.0
        for _, v in self.items():
            s = s + np.sum(np.sin(v))
        return s


def items_of_a_local_object(x, w):
    bag = Bag(x * w, w * w)
    s = 0.0
    for k, v in bag.items():
        s = s + np.sum(v * x) if k == "a" else s + v * w
    return s


def values_of_a_local_object(x, w):
    bag = Bag(np.cos(x), w)
    s = 0.0
    for v in bag.values():
        s = s + np.sum(v * w)
    return s


def keys_and_get(x, w):
    bag = Bag(x, w)
    s = 0.0
    for k in bag.keys():
        s = s + np.sum(bag.get(k) ** 2) * w
    return s


def items_in_a_method(x, w):
    return Bag(x * w, x + w).total()


def items_of_an_argument(x, w, bag):
    s = 0.0
    for _, v in bag.items():
        s = s + np.sum(v * x * w)
    return s


VIEWS = [(items_of_a_local_object, (X3, 0.7)), (values_of_a_local_object, (X3, 0.7)),
         (keys_and_get, (X3, 0.7)), (items_in_a_method, (X3, 0.7)),
         (items_of_an_argument, (X3, 0.7, Bag(np.array([1.0, 2.0, -1.0]), 0.5)))]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, args", VIEWS, ids=[f.__name__ for f, _ in VIEWS])
def test_a_user_view_method_in_a_loop_header_runs_the_users_method(f, args, mode):
    check(mode, f, args, (0, 1))


def test_a_dict_given_where_an_object_was_still_iterates_the_dict():
    # the same function given a dict: code made for it, dict.items
    d = {"a": np.array([1.0, 2.0, -1.0]), "b": 0.5}
    g = astgrad.grad(items_of_an_argument, wrt=1)
    want = np.sum(d["a"] * X3) + np.sum(0.5 * X3)
    assert np.isclose(g(X3, 0.7, d), want)
    assert np.isclose(g(X3, 0.7, Bag(d["a"], 0.5)), want)


# -- wrt a path the argument lacks ----------------------------------------------------------------

class Point:
    def __init__(self):
        self.x = 1.5
        self.y = np.array([2.0, -1.0])


def point_loss(p, w):
    return np.sum(p.x * p.y) * w


def test_an_exported_gradient_wrt_a_missing_attribute_says_so_when_run():
    namespace = {}
    exec(compile(astgrad.export(point_loss, wrt="p.z"), "<exported>", "exec"), namespace)
    gradient = namespace["grad_point_loss_parts"]
    with pytest.raises(ValueError, match=re.escape("wrt='p.z': p (Point object) has no attribute 'z'")):
        gradient(Point(), 0.5)
    with pytest.raises(ValueError, match=re.escape("wrt='p.z': p (Point object) has no attribute 'z'")):
        astgrad.grad(point_loss, wrt="p.z")(Point(), 0.5)
    namespace = {}
    exec(compile(astgrad.export(point_loss, wrt="p.x"), "<exported>", "exec"), namespace)
    assert np.isclose(namespace["grad_point_loss_parts"](Point(), 0.5), 0.5)
    assert np.isclose(astgrad.grad(point_loss, wrt="p.x")(Point(), 0.5), 0.5)


def params_loss(params, w):
    return np.sum(params["W"] * w)


def test_an_exported_gradient_wrt_a_missing_key_says_so_when_run():
    namespace = {}
    exec(compile(astgrad.export(params_loss, wrt="params['V']"), "<exported>", "exec"), namespace)
    with pytest.raises(ValueError, match=re.escape("wrt=\"params['V']\": params (dict) has no key 'V'")):
        namespace["grad_params_loss_parts"]({"W": X3}, 0.5)


# -- astgrad.jvp inside differentiated code, a tangent of another shape ------------------------------

def _inner(x, y):
    return np.sin(x) * y


def nested_jvp(x, n):
    v = np.ones(n)
    y, t = astgrad.jvp(_inner, (x, 2.0), (v, 1.0))
    return np.sum(t * y)


def _pair(xs):
    return xs[0] * xs[1]


def nested_jvp_of_a_list(x, w):
    _, t = astgrad.jvp(_pair, ([x, w],), ([x],))
    return t


@pytest.mark.parametrize("transform", ["grad", "jvp", "hessian"])
def test_a_nested_jvp_with_a_tangent_of_another_shape_names_the_line_and_both_shapes(transform):
    run = {"grad": lambda: astgrad.grad(nested_jvp)(X3, 2),
           "jvp": lambda: astgrad.jvp(nested_jvp, (X3, 2), (X3, None)),
           "hessian": lambda: astgrad.hessian(nested_jvp)(X3, 2)}[transform]
    with pytest.raises(ValueError, match=re.escape(
            "jvp: tangent 0 is of shape (2,), but primal 0 is of shape (3,); they must match")) as error:
        run()
    if transform != "hessian":      # (hessian runs the function itself first, whose jvp says so)
        assert str(error.value).startswith(f"astgrad: {_line(nested_jvp, 'astgrad.jvp(')}: jvp: ")
    check(transform, nested_jvp, (X3, 3), (0,))        # the next call, with the right shape, works


def test_a_nested_jvp_with_a_list_tangent_of_another_length_says_so():
    with pytest.raises(ValueError, match=re.escape(
            f"{_line(nested_jvp_of_a_list, 'astgrad.jvp(')}: jvp: tangent 0 is a list of length 1, but primal 0 "
            "is a list of length 2; they must match")):
        astgrad.grad(nested_jvp_of_a_list)(0.3, 0.7)


# -- scipy.linalg.lu_factor / lu_solve at a singular matrix ------------------------------------------

try:
    import scipy.linalg as scipy_linalg
except ImportError:         # the Pythons CI runs without SciPy
    scipy_linalg = None
needs_scipy = pytest.mark.skipif(scipy_linalg is None, reason="needs SciPy")
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
B = np.array([1.0, 1.0])


def lu_solved(a, b):
    lu, piv = scipy_linalg.lu_factor(a)
    return np.sum(scipy_linalg.lu_solve((lu, piv), b))


def lu_given(lu, b):
    return np.sum(scipy_linalg.lu_solve((lu, np.array([0, 1], dtype=np.int32)), b))


@needs_scipy
@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_the_derivative_of_lu_factor_at_a_singular_matrix_is_refused_clearly(transform):
    run = {"grad": lambda: astgrad.grad(lu_solved)(SINGULAR, B),
           "jvp": lambda: astgrad.jvp(lu_solved, (SINGULAR, B), (np.eye(2), B))}[transform]
    with pytest.raises(NotImplementedError, match=re.escape(
            f"{_line(lu_solved, 'lu_factor(a)')}: astgrad: the derivative of scipy.linalg.lu_factor is supported "
            "where the matrix is not singular; this one is (u[1, 1] is exactly 0")) as error:
        run()
    assert "add a small ridge term" in str(error.value)
    a = SINGULAR + np.array([[0.0, 0.0], [0.0, 1.0]])           # the next call, at a regular matrix
    check(transform, lu_solved, (a, B), (0, 1))


@needs_scipy
@pytest.mark.filterwarnings("ignore")
def test_lu_solve_with_a_singular_factor_gives_inf_or_nan_as_its_value_does():
    lu = np.array([[2.0, 4.0], [0.5, 0.0]])
    assert not np.isfinite(lu_given(lu, B)) and not np.isfinite(lu_solved(SINGULAR, B))
    assert not np.isfinite(astgrad.grad(lu_solved, wrt=1)(SINGULAR, B)).any()       # b's: the solve's
    d_lu, d_b = astgrad.grad(lu_given, wrt=(0, 1))(lu, B)
    assert np.isnan(d_lu).all() and not np.isfinite(d_b).any()
    value, tangent = astgrad.jvp(lu_given, (lu, B), (np.ones((2, 2)), B))
    assert np.isnan(value) and np.isnan(tangent)


# -- a method changing an object a list display built holds; appends to a built object's list --------

class Box:
    def __init__(self, v):
        self.v = v
        self.log = []

    def scale(self, w):
        self.v = self.v * w


class Given:
    def __init__(self, log):
        self.log = log


def scaled_item(x, w):
    bs = [Box(x), Box(x * w)]
    bs[0].scale(w)
    bs[-1].scale(np.sin(w))
    return np.sum(bs[0].v * bs[1].v) * w


def scaled_item_in_a_loop(x, w):
    s = 0.0
    for i in range(2):
        bs = (Box(x), Box(w))
        bs[0].scale(w)
        bs[1].v = bs[1].v + i
        s = s + np.sum(bs[0].v) * bs[1].v
    return s


def appended_to_an_items_list(x, w):
    bs = [Box(x), Box(w)]
    bs[0].log.append(x * w)
    bs[1].log.append(np.cos(w))
    return np.sum(bs[0].log[0]) * bs[1].log[0]


def appended_to_a_built_objects_list(x, w):
    # a plain class's self.log = []: was a derivative of 0 through the append, with no error
    b = Box(x)
    for i in range(3):
        b.log.append(x * w ** i)
    return np.sum(b.log[0] * b.log[2]) + np.sum(b.log[1] * b.v)


STATES = [scaled_item, scaled_item_in_a_loop, appended_to_an_items_list, appended_to_a_built_objects_list]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", STATES, ids=[f.__name__ for f in STATES])
def test_state_changes_of_items_and_appends_to_attributes_are_followed(f, mode):
    check(mode, f, (X3, 0.7), (0, 1))


def scaled_item_of_a_list_measured(w):
    # (len(bs) itself is followed: tests/test_leftovers_round51.py)
    bs = [Box(w)]
    bs[0].scale(w)
    return bs[0].v * len(list(bs))


def scaled_item_built_in_a_try(w):
    try:        # were Box(w * w) to raise, bs would stay unbound: the items are not split off
        bs = [Box(w), Box(w * w)]
    except ValueError:
        pass
    bs[0].scale(w)
    return bs[0].v


def appended_to_a_list_given_to_the_object(w):
    log = []
    b = Given(log)
    b.log.append(w * w)
    return log[0] * w


@pytest.mark.parametrize("f, line, advice", [
    (scaled_item_of_a_list_measured, "bs[0].scale(w)",
     "call it on a name bound once to an object the function builds (v = Box(...); v.scale(...)), or have the "
     "method return a new object"),
    (scaled_item_built_in_a_try, "bs[0].scale(w)",
     "call it on a name bound once to an object the function builds (v = Box(...); v.scale(...))"),
    (appended_to_a_list_given_to_the_object, "b.log.append(w * w)",
     "append to the list, dict or array this line writes into (an item of a container or an attribute: b.log) "
     "while another name may share its memory")])
def test_a_state_change_another_name_would_see_stays_refused(f, line, advice):
    with pytest.raises(astgrad.TransformError) as error:
        astgrad.grad(f)(1.5)
    assert str(error.value).startswith(f"{_line(f, line)}: ") and advice in str(error.value)
    assert np.isclose(astgrad.grad(scaled_item, wrt=1)(0.5, 0.7), 0.5 * 0.5 * (
        3 * 0.7 ** 2 * np.sin(0.7) + 0.7 ** 3 * np.cos(0.7)))      # the next transform works
