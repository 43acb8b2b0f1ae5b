"""An exported derivative checks, at each call, the globals it was generated for (what
in-process guards check: the classes of the objects whose methods it calls, a global
list's length and items' classes, the functions names and dicts hold, a class's
methods), and refuses with an error naming what changed where in process astgrad would
make new code. Exported modules are imported in this process (no Python is started)."""

import importlib.util

import numpy as np
import pytest

import astgrad
from astgrad.exporting import ExportError
import export_globals_model as model
from export_lint import lint_problems
from fd import assert_close, numerical_grad

X = np.array([0.3, -0.2, 0.8])


def _change(attribute, value):
    return lambda: setattr(model, attribute, value)


def raised_keyword_defaults():
    return model.raised_keyword.__kwdefaults__


CHANGES = [     # (function, a change its exported derivative must refuse, what the error names)
    ("through_net", lambda: model.NET.layers.__setitem__(0, model.Square(1.5)),
     r"export_globals_model\.NET\.layers\[0\] is now an instance of export_globals_model\.Square"),
    ("through_net", lambda: model.NET.layers.append(model.Square(1.5)), r"NET\.layers is now a list of 3 items"),
    ("through_layers", lambda: model.LAYERS.__setitem__(0, model.Square(1.5)),
     r"LAYERS\[0\] is now an instance of export_globals_model\.Square"),
    ("through_layers", lambda: model.LAYERS.pop(), r"LAYERS is now a list of 1 items"),
    ("through_helper", _change("helper", model.cube), r"helper is now export_globals_model\.cube"),
    ("through_default", lambda: setattr(model.raised, "__defaults__", (3.0,)),
     r"raised\.__defaults__ is now \(3\.0,\), where this derivative was exported for \(2\.0,\)"),
    ("through_default", lambda: setattr(model.raised, "__code__", model.cube.__code__),
     r"raised\.__code__ is now the code of cube"),
    ("through_keyword", lambda: raised_keyword_defaults().__setitem__("p", 3.0),
     r"raised_keyword\.__kwdefaults__ is now \{'p': 3\.0\}, where this derivative was exported for \{'p': 2\.0\}"),
    ("through_dict", lambda: model.ACTIVATIONS.__setitem__("first", np.cos), r"ACTIVATIONS\['first'\] is now"),
    ("through_method", _change("SQUASH", model.Square(0.7)), r"SQUASH.* is now .*Square"),
    ("through_method", lambda: setattr(model.Squash, "forward", model.Square.forward),
     r"forward is now export_globals_model\.Square\.forward"),
    ("through_method_keyword", lambda: model.Powered.raise_to.__kwdefaults__.__setitem__("p", 3.0),
     r"POWERED\.raise_to\.__func__\.__kwdefaults__ is now \{'p': 3\.0\}, where this derivative was exported for \{'p': 2\.0\}"),
    # the exported function's own defaults, which a call of it uses as they are then
    ("own_defaults", lambda: setattr(model.own_defaults, "__defaults__", (5.0,)),
     r"own_defaults\.__defaults__ is now \(5\.0,\), where this derivative was exported for \(2\.0,\)"),
    ("own_defaults", lambda: model.own_defaults.__kwdefaults__.__setitem__("q", 1.0),
     r"own_defaults\.__kwdefaults__ is now \{'q': 1\.0\}, where this derivative was exported for \{'q': 3\.0\}"),
    # an array default, which the exported def holds (here read from the global WEIGHTS)
    ("through_array_default", lambda: setattr(model.through_array_default, "__defaults__", (np.ones(3),)),
     r"through_array_default\.__defaults__ is now a tuple of 1 items .*exported for the defaults written into "
     r"the exported function"),
    # a global functools.partial: the exported module holds its keyword, checked against it
    ("through_partial", lambda: model.CUBED.keywords.__setitem__("p", 2.0),
     r"CUBED\.keywords is now \{'p': 2\.0\}, where this derivative was exported for \{'p': 3\.0\}"),
]


_EXPORTED = {}      # (name, mode, order) -> the exported derivative: each exported once


def _exported(name, tmp_path, mode="reverse", order=1):
    if (name, mode, order) not in _EXPORTED:
        _EXPORTED[name, mode, order] = _export(name, tmp_path, mode, order)
    return _EXPORTED[name, mode, order]


def _export(name, tmp_path, mode, order):
    fn = getattr(model, name)
    text = astgrad.export(fn, mode=mode, order=order)
    assert lint_problems(text) == []
    path = tmp_path / f"exported_{name}_{mode}_{order}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prefix = "jvp_" if mode == "forward" else "grad_"
    return getattr(module, prefix + ("grad_" * (order - 1 if mode == "forward" else order - 1)) + name)


@pytest.mark.parametrize("name, change, message", CHANGES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CHANGES)])
def test_an_exported_derivative_refuses_a_changed_global(name, change, message, tmp_path):
    """Was a wrong gradient: the derivative of the function as it was exported."""
    model.restore()
    exported = _exported(name, tmp_path)
    try:
        assert_close(exported(X), numerical_grad(getattr(model, name), (X,)), 1e-6, 1e-7)
        change()
        with pytest.raises(RuntimeError, match=message) as refused:
            exported(X)
        assert f"python -m astgrad export export_globals_model:{name} --wrt x" in str(refused.value)
    finally:
        model.restore()
    assert_close(exported(X), numerical_grad(getattr(model, name), (X,)), 1e-6, 1e-7)


def test_a_change_the_derivative_does_not_depend_on_is_followed(tmp_path):
    """New numbers in the same classes are read when the code runs: no refusal."""
    model.restore()
    exported = _exported("through_net", tmp_path)
    try:
        model.NET.layers[0] = model.Squash(0.9)
        model.NET.layers[1].a = 3.0
        assert_close(exported(X), numerical_grad(model.through_net, (X,)), 1e-6, 1e-7)
    finally:
        model.restore()


def test_a_global_dict_of_numbers_is_read_when_the_code_runs(tmp_path):
    """As in process: a value changed, a key added, the name bound to another dict are
    followed (the check refused any change of a dict of numbers); another kind is refused."""
    model.restore()
    exported = _exported("through_coefficients", tmp_path)
    try:
        for change in (lambda: model.COEFFICIENTS.__setitem__("a", 5.0),
                       lambda: model.COEFFICIENTS.__setitem__("c", 1.0), _change("COEFFICIENTS", {"a": 7.0})):
            change()
            assert_close(exported(X), numerical_grad(model.through_coefficients, (X,)), 1e-6, 1e-7)
        model.COEFFICIENTS = [7.0]
        with pytest.raises(RuntimeError, match=r"COEFFICIENTS is now a list"):
            exported(X)
    finally:
        model.restore()


def test_a_global_tuple_of_numbers_is_read_when_the_code_runs(tmp_path):
    """As in process: new numbers are followed (the check refused any other tuple); a
    tuple of another length, which the code unpacked by position, is refused."""
    model.restore()
    exported = _exported("through_tuple", tmp_path)
    try:
        model.COEFFICIENT_PAIR = (5.0, 7)
        assert_close(exported(X), numerical_grad(model.through_tuple, (X,)), 1e-6, 1e-7)
        model.COEFFICIENT_PAIR = (5.0, 7.0, 1.0)
        with pytest.raises(RuntimeError, match=r"COEFFICIENT_PAIR is now a tuple of 3 items"):
            exported(X)
    finally:
        model.restore()


def test_a_partial_holding_an_array_says_what_to_do():
    with pytest.raises(ExportError, match="an argument of a functools.partial .* read the value from a global"):
        astgrad.export(model.through_partial_of_an_array)


@pytest.mark.parametrize("name", ["through_global_default", "through_array_default", "through_ordered_dict"])
def test_the_module_defines_every_name_it_reads(name, tmp_path):
    """``def f(x, s=SCALE, *, p=POWER)``: the exported def wrote ``s=SCALE`` (``s=WEIGHTS``
    of an array), and the check of a global OrderedDict wrote ``OrderedDict([('a', 2.0)])``:
    names the exported module does not define (a NameError when it was imported). The
    default is the value the function holds (an array is read on its module); the
    OrderedDict is checked for its class (its items are read when the code runs)."""
    exported = _exported(name, tmp_path)
    assert_close(exported(X), numerical_grad(getattr(model, name), (X,)), 1e-6, 1e-7)


@pytest.mark.parametrize("mode, order", [("reverse", 2), ("forward", 1)])
def test_higher_orders_and_forward_mode_check_too(mode, order, tmp_path):
    model.restore()
    exported = _exported("through_layers", tmp_path, mode, order)
    try:
        model.LAYERS[0] = model.Square(1.5)
        with pytest.raises(RuntimeError, match=r"LAYERS\[0\] is now"):
            exported(X, **({"d_x": np.ones(3)} if mode == "forward" else {}))
    finally:
        model.restore()


@pytest.mark.parametrize("change, message", [
    (lambda params: params.__setitem__("layer", model.Square(0.5)),
     r"PARAMS\['layer'\] is now an instance of export_globals_model\.Square, where this derivative was "
     r"exported for an instance of export_globals_model\.Squash"),
    (lambda params: params.__setitem__("extra", 1.0),
     r"PARAMS is now a dict of 'layer' \(.*\), 'lr' \(.*\), 'extra' \(.*\), where this derivative was exported "
     r"for a dict of 'layer' \(an instance of export_globals_model\.Squash\), 'lr' \(a number, an array or a string\)"),
    (lambda params: params.__setitem__("lr", None), r"PARAMS\['lr'\] is now an instance of builtins\.NoneType"),
])
def test_a_dict_of_objects_is_checked_by_its_keys_and_layouts(change, message, monkeypatch):
    """The layout a dict of objects gives (a parameter's, keyed_layout), as an exported
    check: it says what the dict held when the derivative was made."""
    from astgrad.export_guards import _layout_described
    from astgrad.exported_checks import globals_as_exported
    from astgrad.frontend.object_layouts import keyed_layout
    params = {"layer": model.Squash(0.5), "lr": 0.1}
    monkeypatch.setattr(model, "PARAMS", params, raising=False)
    checks = [(model.__name__, ("PARAMS",), _layout_described(keyed_layout(params)))]
    globals_as_exported(checks, "python -m astgrad export m:f")
    params["lr"] = np.ones(2)       # a number, an array or a string: read as it is
    params["layer"] = model.Squash(2.0)
    globals_as_exported(checks, "python -m astgrad export m:f")
    change(params)
    with pytest.raises(RuntimeError, match=message):
        globals_as_exported(checks, "python -m astgrad export m:f")
