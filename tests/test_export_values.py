"""The exported module gives the values of astgrad's in-process derivative where the
export of a hunt's programs found it did not: layers holding different functions at
order 2 (an ExportError named a name astgrad bound, ``act_fn``), a dict given new keys in a
loop (tree_map over a dict) or a helper handed np.sin at order 2, and the default seeds
of an exported second derivative taken with respect to an argument holding arrays (a
list, a dict: a TypeError; an object: silently zero). Each module is exported once,
loaded, and compared with ``astgrad.hvp``; each passes the linter."""

import ast
import collections
import dataclasses
import inspect
import os
import sys
import types

import numpy as np
import pytest

import astgrad
from astgrad.exporting import _derivative
from export_lint import lint_problems
from fd import assert_close, numerical_grad, numerical_jvp
from hunt5_programs import m13 as layers_of_two_functions     # np.tanh, None, np.sin
from hunt6_programs import b09      # tree_map of a lambda over a dict
from program_files import load_module


def list_of_weights(ws, x):
    return np.sum(np.tanh(x @ ws[0]) * ws[1]) + np.sum(ws[0] ** 3)


def dict_of_weights(p, x):
    return np.sum(np.sin(x * p["a"]) * p["b"] ** 2)


@dataclasses.dataclass
class Params:
    w: np.ndarray
    c: float


def object_of_weights(params, x):
    return np.mean((x @ params.w + params.c) ** 2) + params.c ** 3


_LOADED = {}
_TEXTS = {}         # (fn, wrt, mode, order) -> the exported module's text


def _load(fn, wrt, mode, order, tmp_path):
    """The exported derivative (each exported once) and its signature (its seeds named as
    docs/export.md says, which the code astgrad generates may name otherwise)."""
    key = (fn, wrt, mode, order)
    if key not in _LOADED:
        _LOADED[key] = _export(fn, wrt, mode, order, tmp_path)
    return _LOADED[key]


def _export(fn, wrt, mode, order, tmp_path):
    text = _TEXTS[(fn, wrt, mode, order)] = astgrad.export(fn, wrt, mode=mode, order=order)
    module = _imported(text, tmp_path / f"exported_{fn.__name__}_{mode}_{order}.py")
    compiled = _derivative(fn, wrt, mode, order)
    exported = getattr(module, compiled.__code__.co_name)
    return exported, inspect.signature(exported)


def _imported(text, path):
    """The exported module ``text`` (linted), written to ``path`` and imported from there."""
    assert lint_problems(text) == []
    return load_module(text, path)


X = np.array([0.3, -0.7, 1.1])
W = np.array([0.9, 1.2, -0.4])
V = np.array([0.5, -1.0, 0.25])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_layers_holding_different_functions_export_at_order_two(mode, tmp_path):
    """Each layer's method reads its function under the name astgrad bound it to; the
    module names the second one act_fn_1 (it raised ExportError: rename 'act_fn')."""
    exported, signature = _load(layers_of_two_functions, 0, mode, 2, tmp_path)
    seed = list(signature.parameters)[-1]       # the gradient's seed, or the tangent
    got = exported(X, W, **{seed: V})
    expected = astgrad.hvp(layers_of_two_functions)(X, W, V)
    assert_close(got[1] if mode == "forward" else got, expected, 1e-12, 1e-14)


def new_keys_in_a_loop(x, w):
    d = {}
    for i in range(3):
        d[i] = [x[i] * w, x[i] ** 2]
    return sum(np.sin(a) * b for a, b in d.values())


def apply_all(f, tree):
    if isinstance(tree, list):
        return [apply_all(f, t) for t in tree]
    return f(tree)


def sines_of_a_list(x, w):
    return sum(np.sum(t) for t in apply_all(np.sin, [x * w, x]))


# One program per construct here, on every Python; b09 in reverse mode and b16 (new keys
# and a tree_map of a lambda together) are in test_export_values_programs.py, on one Python.
TREE_MAP_EXPORTS = [(fn, mode) for fn in (new_keys_in_a_loop, sines_of_a_list) for mode in ("reverse", "forward")] \
    + [(b09, "forward")]


@pytest.mark.parametrize("fn, mode", TREE_MAP_EXPORTS, ids=lambda v: getattr(v, "__name__", v))
def test_tree_map_programs_export_at_order_two(fn, mode, tmp_path):
    """A dict given new keys: undoing the write of a new key restores the marker of a
    missing key, whose derivative is none; the exported module defines the marker's class
    itself, and took it for an object of the user's (whose derivative is a dict of its
    attributes'), so the reverse sweep added an empty derivative to a list's ('cannot add
    derivatives of sequences of lengths 1 and 0'). A helper handed np.sin: its variant
    calls the helper itself, whose name the variant has in the module (ExportError: the
    name means two different objects; now read on its module), and its gradient's
    variant bound the function it never calls (a linter's unused name). A derivative
    generated twice (the helper's, for the program's call and its own recursive call) is
    defined once, the other name an alias of it."""
    check_tree_map_export(fn, mode, tmp_path)


def check_tree_map_export(fn, mode, tmp_path):
    exported, signature = _load(fn, 0, mode, 2, tmp_path)
    defs = [node for node in ast.parse(_TEXTS[(fn, 0, mode, 2)]).body
            if isinstance(node, ast.FunctionDef) and node.name.startswith(("grad_", "jvp_"))]
    bodies = collections.Counter(ast.dump(ast.Module(body=node.body[1:], type_ignores=[])) for node in defs)
    assert len(defs) > 1 and max(bodies.values()) == 1
    seed = list(signature.parameters)[-1]
    x = X.copy()
    got = exported(x, 0.8, **{seed: V})
    expected = astgrad.hvp(fn)(X.copy(), 0.8, V)
    assert np.all(expected != 0)
    assert_close(got[1] if mode == "forward" else got, expected, 1e-9, 1e-12)


R = np.random.default_rng(4)
XM = R.normal(size=(5, 3))
HOLDERS = [
    (list_of_weights, [R.normal(size=(3, 2)), R.normal(size=2)], lambda ws: [np.ones((3, 2)), np.ones(2)]),
    (dict_of_weights, {"a": R.normal(size=3), "b": 0.7}, lambda p: {"a": np.ones(3), "b": 1.0}),
    (object_of_weights, Params(R.normal(size=3), 0.4), lambda p: Params(np.ones(3), 1.0)),
]


@pytest.mark.parametrize("fn, holder, ones", HOLDERS, ids=lambda v: getattr(v, "__name__", ""))
def test_default_seeds_of_a_second_derivative_with_respect_to_a_holder_of_arrays(fn, holder, ones, tmp_path):
    """The seed 1.0 stands for 1 in each element of each array the argument holds (the
    generated code indexed the number, or read no attribute of it: zero)."""
    second, _ = _load(fn, 0, "reverse", 2, tmp_path)
    x = XM if fn is not dict_of_weights else XM[:, 0:3].sum(axis=0)
    got = second(holder, x)
    expected = astgrad.hvp(fn)(holder, x, ones(holder))
    if isinstance(expected, Params):
        assert type(got) is Params      # an object of the dataclass, as in process
        expected, got = ({"w": value.w, "c": value.c} for value in (expected, got))
    items = expected.items() if isinstance(expected, dict) else enumerate(expected)
    for key, value in items:
        assert np.all(np.asarray(value) != 0)
        assert_close(got[key], value, 1e-12, 1e-14)


def test_seeds_given_for_a_holder_are_taken_as_they_are(tmp_path):
    second, _ = _load(list_of_weights, 0, "reverse", 2, tmp_path)
    ws = HOLDERS[0][1]
    seed = [R.normal(size=(3, 2)), R.normal(size=2)]
    got = second(ws, XM, **{list(inspect.signature(second).parameters)[-1]: seed})
    for g, e in zip(got, astgrad.hvp(list_of_weights)(ws, XM, seed)):
        assert_close(g, e, 1e-12, 1e-14)


def test_a_namespace_argument_gets_a_seed_per_attribute():
    from astgrad.export_seeds import seed_like
    like = types.SimpleNamespace(w=np.zeros(2), c=0.5)
    seed = seed_like(2.0, like)
    assert set(seed) == {"w", "c"} and seed["c"] == 2.0
    np.testing.assert_array_equal(seed["w"], [2.0, 2.0])


def spectrum_energy(x, w):
    return np.sum(np.abs(np.fft.fft(x * w)) ** 2)


def test_the_second_derivative_of_complex_code_through_abs_exports_its_twin(tmp_path):
    """The second derivative of complex code through abs has a zero-safe twin (its
    zero-safe products follow the complex convention), exported with the fallback."""
    second, _ = _load(spectrum_energy, 0, "reverse", 2, tmp_path)
    assert hasattr(second, "__wrapped__")       # the fallback on the twin
    assert_close(second(X, W, dd_d_x=V), astgrad.hvp(spectrum_energy)(X, W, V), 1e-12, 1e-14)


def test_a_derivative_whose_zero_safe_twin_cannot_be_generated_exports_its_plain_code(tmp_path, monkeypatch):
    """Where astgrad refuses the twin (in process it is generated only where the plain
    code gives NaN), the module holds the plain code and its docstring says so."""
    from astgrad import export_twins

    def refused(compiled):
        raise astgrad.TransformError("example.py:1: the zero-safe variant is refused here")
    monkeypatch.setattr(export_twins, "zero_safe_twin", refused)
    (tmp_path / "plain").mkdir()
    second = _export(spectrum_energy, 0, "reverse", 2, tmp_path / "plain")[0]
    assert "the zero-safe variant it would answer with there cannot be generated" in " ".join(second.__doc__.split())
    assert not hasattr(second, "__wrapped__")       # no fallback
    assert_close(second(X, W, dd_d_x=V), astgrad.hvp(spectrum_energy)(X, W, V), 1e-12, 1e-14)


@pytest.fixture(scope="module")
def logistic():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples"))
    import attribute_newton
    model = attribute_newton.LogisticModel(3)
    model.w = R.normal(size=3)
    return model, R.normal(size=(8, 3)), (R.random(8) > 0.5).astype(float)


@pytest.mark.parametrize("order", [1, 2])
def test_forward_mode_export_of_a_method_calling_another(order, logistic, tmp_path):
    """The jvp of model.loss, which calls self.logits: generated for the receiver's class
    (it was generated for the class's plain function, where self.logits() was refused)."""
    model, x, y = logistic
    product, signature = _load(model.loss, 0, "forward", order, tmp_path)
    tangent = R.normal(size=x.shape)
    value, got = product(model, x, y, **{list(signature.parameters)[-1]: tangent})
    if order == 1:
        expected = numerical_jvp(lambda a: model.loss(a, y), (x,), (tangent,))
        assert_close(got, expected, 1e-6, 1e-8)
    else:
        assert_close(got, astgrad.hvp(model.loss)(x, y, tangent), 1e-12, 1e-14)


def test_export_of_a_second_derivative_in_an_attribute_says_why_not(logistic):
    """Its code took no seed and seeded the attribute's gradient with a number: calling it
    raised inside NumPy."""
    with pytest.raises(astgrad.exporting.ExportError, match=r"wrt='self.w': the exported derivative of order 2"):
        astgrad.export(logistic[0].loss, "self.w", order=2)


def _exported_gradient(fn, wrt, order, tmp_path):
    """The exported gradient of ``order`` of ``fn``, its module imported from a file."""
    text = astgrad.export(fn, wrt, order=order)
    module = _imported(text, tmp_path / f"exported_{fn.__name__}_{order}_{len(wrt) if isinstance(wrt, tuple) else 0}.py")
    return getattr(module, "grad_" * order + fn.__name__)


def test_the_exported_gradient_is_shaped_as_grad_gives_it(tmp_path):
    """As astgrad.grad returns it: an object of the argument's dataclass (it was
    astgrad's AdjointObject), a plain list for a list (an AdjointList), and a 1-tuple for
    a tuple wrt of one argument (the bare gradient; at order 2 it indexed its seed 1.0)."""
    params = Params(R.normal(size=3), 0.4)
    got = _exported_gradient(object_of_weights, 0, 1, tmp_path)(params, XM)
    want = numerical_grad(lambda w, c: object_of_weights(Params(w, c), XM), (params.w, params.c), (0, 1))
    assert type(got) is Params
    assert_close(got.w, want[0], 1e-7, 1e-9)
    assert_close(got.c, want[1], 1e-7, 1e-9)
    ws = HOLDERS[0][1]
    got = _exported_gradient(list_of_weights, 0, 1, tmp_path)(ws, XM)
    assert type(got) is list and type(astgrad.grad(list_of_weights)(ws, XM)) is list
    x = XM[0]
    got = _exported_gradient(object_of_weights, (1,), 1, tmp_path)(params, x)
    assert type(got) is tuple and len(got) == 1 and type(astgrad.grad(object_of_weights, (1,))(params, x)) is tuple
    assert_close(got[0], numerical_grad(lambda x: object_of_weights(params, x), (x,), 0), 1e-7, 1e-9)
    second = _exported_gradient(object_of_weights, (1,), 2, tmp_path)
    got = second(params, x)
    assert type(got) is tuple and len(got) == 1
    gradient = astgrad.grad(object_of_weights, 1)
    assert_close(got[0], numerical_grad(lambda x: np.sum(gradient(params, x)), (x,), 0), 1e-6, 1e-8)
    v = R.normal(size=3)
    got = second(params, x, **{list(inspect.signature(second).parameters)[-1]: (v,)})
    assert_close(got[0], numerical_grad(lambda x: gradient(params, x) @ v, (x,), 0), 1e-6, 1e-8)


def power(x, e):        # the name of one of astgrad's own helpers, which exported modules define
    return x ** e + 1.0


def uses_power(x, y):
    return np.sum(power(x, 2.0) * y ** 1.5)


def uses_power_of_constants(x, y):
    return np.sum(power(2.0, 3.0) * x * y ** 1.5)


def test_a_user_function_named_as_an_astgrad_helper_is_refused_not_replaced():
    """The exported module defines the helpers generated code calls (here ``power``, for
    ``y ** 1.5``); the user's ``power`` of the same name, called by the code, was replaced
    by it, and the gradient in y came out wrong without a word. Export refuses, naming the
    name. (Called on the inputs, its value comes from its value code, value_power.)"""
    with pytest.raises(astgrad.exporting.ExportError, match=r"defines astgrad's helper 'power'.*"
                                                            r"test_export_values\.power.*Rename 'power'"):
        astgrad.export(uses_power_of_constants, wrt=(0, 1))
    x, y = np.array([0.5, 1.2]), np.array([0.7, 0.3])
    namespace = {}
    exec(compile(astgrad.export(uses_power, wrt=(0, 1)), "<exported>", "exec"), namespace)
    expected = [numerical_grad(uses_power, (x, y), wrt=k) for k in (0, 1)]
    assert_close(namespace["grad_uses_power"](x, y), expected)
    assert_close(astgrad.grad(uses_power, wrt=1)(x, y), expected[1])


SHIFT = 0.5


def shifted(v):
    return v + SHIFT


def hides_export_helpers(x, given_x):
    match_argument = x ** 2             # each local is named as a line the export adds calls or binds
    numbers_as_array = np.sum(np.sin(match_argument) * given_x)
    arrays_not_lists = shifted(numbers_as_array)        # a function of the module: its check
    globals_as_exported = arrays_not_lists * 2.0
    EXPORTED_FOR = np.tanh(globals_as_exported)
    seed_like = EXPORTED_FOR * x[0]
    return seed_like


def test_locals_named_as_the_export_s_own_lines_hide_nothing(tmp_path):
    """The lines the export adds around the derivative (the globals' check, the list
    guards, a list of numbers read as an array and kept as given, the seeds, the gradient
    shaped like its argument) call module-level helpers: a local of the function of the
    same name hid them (UnboundLocalError), and a parameter named ``given_x`` was
    overwritten by the argument ``x`` kept as given (a wrong gradient, no error)."""
    second, signature = _load(hides_export_helpers, 0, "reverse", 2, tmp_path)
    x, given = np.array([0.3, -0.7, 1.1]), np.array([0.9, 0.4, -0.6])
    gradient = astgrad.grad(hides_export_helpers)
    expected = numerical_grad(lambda a: gradient(a, given) @ V, (x,), 0)
    assert_close(second(x, given, **{list(signature.parameters)[-1]: V}), expected, 1e-7, 1e-9)


def test_a_helper_runtime_re_exports_is_defined_once():
    """runtime_objects reads ``zeros_like`` from runtime, which re-exports it from the
    module defining it: an exported module needing both defines it once, from there
    (it raised "two helpers named 'zeros_like'"), and the definitions run."""
    from astgrad.export_helpers import HelperSource
    helpers = HelperSource()
    helpers.add("astgrad.adjoint_values", "zeros_like")
    helpers.add("astgrad.runtime_objects", "record_gradient")
    imports, others = helpers.statements()
    assert helpers.names["zeros_like"] == "astgrad.adjoint_values"
    assert sum(text.startswith("def zeros_like(") for text in others) == 1
    namespace = {}
    exec("\n".join(imports) + "\n\n" + "\n\n\n".join(others), namespace)
    zeros = namespace["zeros_like"]([1.0, np.ones(2)])
    assert zeros[0] == 0.0 and zeros[1].tolist() == [0.0, 0.0]
