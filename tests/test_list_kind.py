"""A list or tuple argument has a kind of its own ("list"): forward-mode calls with one run
code made for it, which reads a list operand's tangent as the array NumPy reads the list
as (runtime.list_rows); the code for arrays and numbers, and the code `show` prints for
arguments that are not lists, has no such reads where no name can hold a list."""

import collections

import gast
import numpy as np
import pytest

import astgrad
from astgrad import argument_kinds
from astgrad.__main__ import show
from astgrad.specialize import forward_for_non_lists
from fd import assert_close, numerical_hessian, numerical_jvp

Point = collections.namedtuple("Point", "a b")


@pytest.mark.parametrize("value", [[1.0, 2.0], (1.0, 2.0), [[1.0, 2.0], [3.0, 4.0]], [[1.0], [1.0, 2.0]], [],
                                   Point(1.0, 2.0), [np.ones(2), 3.0]])
def test_a_list_or_tuple_is_of_kind_list_whatever_it_holds(value):
    kind = argument_kinds.kind_of(value)
    assert kind == "list"
    # no shape and no dtype are assumed, and a call with a list is looked at in full
    assert not argument_kinds.is_array(kind) and not argument_kinds.is_scalar(kind)
    assert argument_kinds.layout(kind) is None and argument_kinds.shaped_like(kind) == "list"
    assert not argument_kinds.needs_no_check(kind)
    assert argument_kinds.narrower_inexact({"xs": kind, "y": "<f4[n]"}) == set()
    assert argument_kinds.key_part(["xs"], [kind]) == ("kinds", (("xs", "list"),))


def _sines(x):
    return np.sum(np.sin(x) * x)


def _loop(x, n):
    t = 0.0
    y = x
    for i in range(n):
        t = np.sin(y)
        y = t * x
    return np.sum(y * y)


def test_the_printed_code_of_a_function_of_arrays_reads_no_list_rows(tmp_path, capsys):
    x, v = np.array([0.3, 0.8]), np.array([1.0, -0.5])
    hvp = astgrad.hvp(_loop)
    assert_close(hvp(x, 3, v), numerical_jvp(lambda y: astgrad.grad(_loop)(y, 3), (x,), (v,)), atol=1e-5)
    assert "list_rows" not in hvp.source                # the code the call ran
    for code in (forward_for_non_lists(_loop, (0,)), forward_for_non_lists(astgrad.grad(_loop), (0,))):
        assert "list_rows" not in code.source and "_rows" not in code.source
        assert code.source.count("\n") > 10
    module = tmp_path / "looped.py"
    module.write_text("import numpy as np\n\n\ndef loop(x, n):\n    t = 0.0\n    y = x\n    for i in range(n):\n"
                      "        t = np.sin(y)\n        y = t * x\n    return np.sum(y * y)\n")
    show(f"{module}:loop", "x", order=2, mode="forward")
    printed = capsys.readouterr().out
    assert "def jvp_grad_loop(" in printed and "list_rows" not in printed
    # the general code runs for arguments of any kind (a callee's, the exported one): lists too
    assert "list_rows" in astgrad.caching.forward_derivative(_loop, (0,)).source
    # on lists, the code made for them reads the tangents as arrays, and is right
    waves = astgrad.hvp(_waves)
    on_arrays = waves(x, v)
    assert_close(on_arrays, numerical_jvp(astgrad.grad(_waves), (x,), (v,)), atol=1e-5)
    assert "list_rows" not in waves.source
    on_lists = waves(x.tolist(), v.tolist())
    assert type(on_lists) is list and "list_rows" in waves.source
    assert_close(np.array(on_lists), on_arrays)


def _waves(x):
    return np.sum(np.sin(x) * np.cos(x))


def _with_a_dict(xs, d):
    return np.sum(np.sin(xs) * d["w"]) + np.sum(np.square(d["w"]) * xs)


def _nested(xs):
    return np.sum(np.tanh(xs) * np.cos(xs)) * xs[0][1]


def _mixed(xs, y):
    return np.sum(np.exp(xs) * y) * np.sum(np.sin(y) * xs)


# (function, arguments, position differentiated): a list, a tuple, a nested list, a list
# beside an array, an array beside a dict holding a list (a dict is of no kind: an item
# of it may still hold a list)
PROGRAMS = {
    "list": (_sines, lambda: ([0.4, 1.1, -0.6],), 0),
    "tuple": (_sines, lambda: ((0.4, 1.1),), 0),
    "nested list": (_nested, lambda: ([[0.4, 1.1], [-0.6, 0.2]],), 0),
    "list beside an array": (_mixed, lambda: ([0.4, -0.3], np.array([0.7, 0.2])), 0),
    "array beside a list": (_mixed, lambda: ([0.4, -0.3], np.array([0.7, 0.2])), 1),
    "dict holding a list": (_with_a_dict, lambda: (np.array([0.4, -0.3]), {"w": [0.5, 1.5]}), 0),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_list_arguments_in_forward_mode_and_forward_over_reverse_against_finite_differences(name):
    f, make, position = PROGRAMS[name]
    args = make()
    x = args[position]
    v = np.random.default_rng(len(name)).normal(size=np.shape(x))
    as_given = (lambda a: a.tolist() if isinstance(x, list) else tuple(a)) if isinstance(x, (list, tuple)) \
        else (lambda a: a)
    tangent = as_given(v) if isinstance(x, (list, tuple)) else v

    def at(a, fn=f):
        return fn(*args[:position], as_given(np.asarray(a)), *args[position + 1:])

    gradient = astgrad.grad(f, position)
    plain_gradient = lambda a: np.array(at(a, gradient), dtype=float)      # noqa: E731
    x0 = np.asarray(x, dtype=float)

    tangents = [_zeros(a) for a in args]       # jvp takes one tangent per float argument
    tangents[position] = tangent
    value, jvp_tangent = astgrad.jvp(f, args, tangents)
    assert_close(value, f(*args))
    assert_close(jvp_tangent, numerical_jvp(at, (x0,), (v,)))

    expected = numerical_jvp(plain_gradient, (x0,), (v,))
    assert_close(np.array(astgrad.hvp(f, position)(*args, tangent), dtype=float), expected, atol=1e-5)
    _, of_gradient = astgrad.jvp(gradient, args, tangents)
    assert_close(np.array(of_gradient, dtype=float), expected, atol=1e-5)

    hessian = numerical_hessian(plain_gradient, (x0,))
    assert_close(np.array(astgrad.jacobian(gradient, position)(*args)).reshape(hessian.shape), hessian, atol=1e-5)
    assert_close(np.array(astgrad.hessian(f, position)(*args)).reshape(hessian.shape), hessian, atol=1e-5)


def _zeros(value):
    if isinstance(value, dict):
        return {key: _zeros(item) for key, item in value.items()}
    return np.zeros(np.shape(value)).tolist() if isinstance(value, list) else np.zeros_like(value)


def test_a_list_numpy_refuses_is_refused_as_numpy_refuses_it_and_the_next_call_works():
    ragged = [[0.4], [1.1, -0.6]]
    with pytest.raises(ValueError) as plain:
        _sines(ragged)
    with pytest.raises(ValueError) as derivative:
        astgrad.jvp(_sines, (ragged,), ([[1.0], [1.0, 1.0]],))
    assert str(derivative.value) == str(plain.value)
    value, tangent = astgrad.jvp(_sines, ([0.4, 1.1],), ([1.0, 0.0],))
    assert_close(tangent, np.cos(0.4) * 0.4 + np.sin(0.4))


def test_a_list_argument_is_looked_at_in_full_at_every_call():
    """A list of numbers once does not let a later list of complex numbers through the
    shortcut calls of numbers and real arrays take."""
    def f(x, ws):
        return np.sum(np.sin(x) * np.asarray(ws).real)
    x = np.array([0.3, 0.5])
    g, h = astgrad.grad(f), astgrad.hvp(f)
    assert_close(g(x, [1.0, 2.0]), np.cos(x) * [1.0, 2.0])
    assert_close(h(x, [1.0, 2.0], np.ones(2)), -np.sin(x) * [1.0, 2.0])
    for call in (lambda: g(x, [1j, 2.0]), lambda: h(x, [1j, 2.0], np.ones(2))):
        with pytest.raises(TypeError, match="is complex"):
            call()
    assert_close(g(x, [2.0, 2.0]), np.cos(x) * 2.0)



def _least_by_rounds(body, params):
    """The names of ``body`` that may hold a list, as rounds over every definition until
    nothing changes (the set ``may_hold_lists`` must give, whatever the order)."""
    from astgrad.modes import list_tangents
    definitions = {}
    for stmt in body:
        definitions.setdefault(stmt.targets[0].id if isinstance(stmt, gast.Assign) else None, []).append(stmt)
    values = {name: [stmt.value for stmt in stmts] for name, stmts in definitions.items() if name is not None}
    stacks = list_tangents._stacks(body, values, params)
    least, changed = set(), True
    while changed:
        changed = False
        for name, made in values.items():
            if name not in least and any(list_tangents._may_be_list(v, least, stacks) for v in made):
                least.add(name)
                changed = True
    return least


@pytest.mark.parametrize("source, expected", [
    # read before the name it copies is found (c, a, b, d): looked at again when it is
    ("c = a\na = b * 2\nb = d\nd = e + f\ne = [x]\nf = x * 3.0", {"a", "b", "c", "d", "e"}),
    # a value popped from a stack may be a list only where an appended one may
    ("s = []\ns.append(u)\nv = s.pop()\nw = v\nu = [x]\nz = x * 2.0", {"s", "u", "v", "w"}),
    ("s = []\ns.append(u)\nv = s.pop()\nu = x * 2.0", {"s"}),
])
def test_names_that_may_hold_lists_are_the_least_set_whatever_the_order(source, expected):
    from astgrad.modes.list_tangents import may_hold_lists
    body = gast.parse("def g(x):\n" + "".join("    " + line + "\n" for line in source.splitlines())).body[0].body
    found = may_hold_lists(body, ["x"], {"x": "<f8[n]"})
    assert found == expected == _least_by_rounds(body, ["x"])
