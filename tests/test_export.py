"""astgrad.export and ``python -m astgrad export``: the exported module of every example
runs in a fresh virtual environment holding only NumPy (and SciPy), gives the values of the
in-process derivative, is documented, and passes a linter (pyflakes, or where it is not
installed a check of the same two things: no unused imports, no undefined names)."""

import ast
import functools
import importlib
import inspect
import os
import pickle
import re
import subprocess
import sys
import types

import numpy as np
import pytest

import astgrad
from astgrad.exporting import ExportError, _derivative, source_hash
from astgrad.export_source import unread_calls_alone
from astgrad.export_aux import differentiated
from astgrad.aux_outputs import hands_back_aux
from export_lint import fallback_problems, lint_problems
import fresh_process

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")
SRC = os.path.join(os.path.dirname(HERE), "src")


def _rng():
    return np.random.default_rng(7)


def _cases():
    r = _rng()
    cases = [
        ("logistic_regression", "mean_log_loss", 0, "reverse", 1,
         (r.normal(size=5), r.normal(size=(20, 5)), (r.random(20) > 0.5).astype(float)), {}),
        ("closures", "loss", 0, "reverse", 1, (r.normal(size=(3, 3)) * 0.5, r.normal(size=(4, 3))), {}),
        ("newton", "rosenbrock", 0, "reverse", 1, (r.normal(size=2),), {}),
        ("newton", "rosenbrock", 0, "forward", 2, (r.normal(size=2),), {"tangent": r.normal(size=2)}),
        ("process_pool", "loss", 0, "reverse", 1, (r.normal(size=3), r.normal(size=(8, 3)), r.normal(size=8)), {}),
        ("quickstart", "f", (0, 1), "reverse", 1, (1.5, -2.0), {}),
        ("quickstart", "energy", 0, "reverse", 1, (r.normal(size=(2, 2)),), {}),
        ("rnn", "rnn_loss", (0, 1), "reverse", 1,
         (r.normal(size=(4, 16)) * 0.3, r.normal(size=(16, 16)) * 0.3, r.normal(size=16) * 0.1,
          r.normal(size=16), r.normal(size=(5, 3, 4)), r.normal(size=3)), {}),
        ("rnn_cell_object", "loss", (0, 1), "reverse", 1,
         (r.normal(size=(4, 4)) * 0.3, r.normal(size=(4, 3)) * 0.5, r.normal(size=(5, 3)), r.normal(size=4)), {}),
        ("show_source", "predict", 0, "reverse", 1, (r.normal(size=(3, 2)), r.normal(size=2), r.normal(size=(4, 3))), {}),
        ("show_source", "power_sum", 0, "reverse", 1, (0.7, 3), {}),
        ("show_source", "power_sum", 0, "reverse", 2, (0.7, 3), {}),
        ("helpers_and_nested_grad", "loss", 0, "reverse", 1,
         ([r.normal(size=(3, 2)), r.normal(size=2), (r.normal(size=2),)], r.normal(size=(4, 3))), {}),
        ("training_curve", "loss", 0, "reverse", 1,
         ({"W1": r.normal(size=(2, 32)), "b1": r.normal(size=32), "w2": r.normal(size=32), "b2": 0.3},
          r.normal(size=(10, 2)), (r.random(10) > 0.5).astype(float)), {}),
        ("plot_derivatives", "f", 0, "reverse", 3, (0.3,), {}),
        ("plot_derivatives", "f", 0, "forward", 3, (0.3,), {"tangent": 0.7}),
        ("value_classes", "energy", 0, "reverse", 1, (0.7,), {}),
        ("value_classes", "energy", 0, "reverse", 2, (0.7,), {}),
        ("value_classes", "chained", 0, "reverse", 1, (0.7,), {}),
        ("everyday_state", "tenth_power", 0, "reverse", 1, (1.1,), {}),
        ("everyday_state", "tenth_power", 0, "reverse", 2, (1.1,), {}),
        # generated code binding numpy.copy as copy, beside the helpers' import of the copy module
        ("grids_views_and_layers", "view_then_rebind", (0, 1), "reverse", 1, (0.7, r.normal(size=4)), {}),
        ("value_classes", "chained", 0, "forward", 1, (0.7,), {"tangent": 1.3}),
        ("value_classes", "trained", 4, "reverse", 1,
         (r.normal(size=3) * 0.3, 0.1, r.normal(size=(20, 3)), r.normal(size=20), 0.05), {}),
    ]
    data = np.concatenate([r.normal(2.0, 0.5, size=20), [9.0, 11.0]])
    cases += [
        ("newton_inside_loss", "robust_mean", 0, "reverse", 1, (2.5, data), {}),
        ("activation_functions", "loss", 0, "reverse", 1,
         ([r.normal(size=(3, 8)) * 0.5, r.normal(size=(8, 8)) * 0.3, r.normal(size=8) * 0.3],
          [r.normal(size=8) * 0.1, r.normal(size=8) * 0.1], r.normal(size=(6, 3)), r.normal(size=6)), {}),
        ("heat_stencil", "final_energy", 0, "reverse", 1, (np.sin(np.linspace(0.0, 3.0, 8)), 0.2), {}),
        ("heat_stencil", "final_energy", 0, "forward", 1, (np.sin(np.linspace(0.0, 3.0, 8)), 0.2),
         {"tangent": np.ones(8)}),
        ("inplace_updates", "shoot", 0, "reverse", 1, (np.array([6.0, 6.0]), np.array([0.0, 1.0]), 0.05), {}),
        ("fallback_solve", "fit_loss", 0, "reverse", 1,
         (np.array([1.0, -0.5, 2.0]), np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]]), {}), {}),
        ("fallback_solve", "fit_loss", 0, "forward", 1,
         (np.array([1.0, -0.5, 2.0]), np.eye(3) * 2.0, {"weight": 0.5}), {"tangent": np.ones(3)}),
    ]
    cases += [
        ("rows_elements_and_optimizer_steps", "share_loss", (0, 1), "reverse", 1,
         (r.normal(size=(3, 4)), 1.5, np.full((3, 4), 0.25)), {}),
        ("rows_elements_and_optimizer_steps", "robust_fit_loss", 0, "reverse", 1,
         (np.array([0.7, -1.2]), r.normal(size=(6, 2)), r.normal(size=6) * 2.0), {}),
        ("rows_elements_and_optimizer_steps", "loss_after_training", 0, "reverse", 1,
         (0.05, 0.3 * r.normal(size=(3, 2)), 0.3 * r.normal(size=(2, 1)), r.normal(size=(5, 3)),
          r.normal(size=(5, 1))), {}),
    ]
    cases += [      # ufunc.at with repeated indices; np.put, np.putmask, np.place and y.put, one on an argument
        ("inplace_updates", "image_loss", (0, 1), "reverse", 1,
         (np.array([1.0, 0.8, 1.3]), 0.7, np.array([1.5, 1.0, 2.0, 0.9])), {}),
        ("inplace_updates", "cleaned_power", (0, 1), "reverse", 1,
         (np.array([0.5, -1.0, 2.5, 0.3, -0.2]), np.array([0.1, -0.3])), {}),
    ]
    cases += [      # a parameter object, a mixin scaling a layer list, a subclass appending to its base's list
        ("object_forms", "loss", 0, "reverse", 1,
         (np.array([0.6, 1.1, 0.9, 1.3]), np.array([0.3, -0.2, 0.5, 1.0]), np.array([0.1, 0.4, -0.3, 0.2])), {}),
    ]
    # a loss returning (value, aux), exported with has_aux: (gradient, aux), a jvp's (value, tangent, aux)
    aux_args = (r.normal(size=3), 0.3, r.normal(size=(6, 3)), r.uniform(-0.9, 0.9, 6))
    cases += [
        ("aux_outputs", "loss", (0, 1), "reverse", 1, aux_args, {}, {"has_aux": True}),
        ("aux_outputs", "loss", 0, "forward", 1, aux_args, {"tangent": r.normal(size=3)}, {"has_aux": True}),
    ]
    if importlib.util.find_spec("scipy") is not None:
        cases.append(("t_distribution_fit", "negative_log_likelihood", 0, "reverse", 1,
                      (np.array([0.1, 0.2, 1.0]), r.standard_t(3, size=30)), {}))
    return cases


def _model_case():
    r = _rng()
    sys.path.insert(0, EXAMPLES)
    import model_class
    return ("model_class", "linear_loss", 0, "reverse", 1,
            (model_class.Linear(r.normal(size=3), 0.5), r.normal(size=(6, 3)), r.normal(size=6)), {})


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A fresh virtual environment's python with NumPy (and SciPy) only, linked from ours."""
    import venv
    home = tmp_path_factory.mktemp("bare")
    venv.create(home, with_pip=False, symlinks=os.name != "nt")
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = os.path.dirname(os.path.dirname(np.__file__))
    for name in ("numpy", "numpy.libs", "scipy", "scipy.libs"):
        if os.path.exists(os.path.join(ours, name)):
            os.symlink(os.path.join(ours, name), os.path.join(site, name))
    return str(python)


def _run_exported(python, path, function, args, kwargs, tmp_path):
    run, result = _exported_run(python, path, function, args, kwargs, tmp_path)
    assert run.returncode == 0, run.stderr
    with open(result, "rb") as handle:
        return pickle.load(handle)


def _exported_run(python, path, function, args, kwargs, tmp_path):
    """The finished child process calling the exported ``function``, and the file it wrote its result to."""
    given, result = tmp_path / "in.pickle", tmp_path / "out.pickle"
    with open(given, "wb") as handle:
        pickle.dump((args, kwargs), handle)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": EXAMPLES, "PYTHONNOUSERSITE": "1"}
    module = os.path.splitext(os.path.basename(path))[0]
    run = fresh_process.run([os.path.join(HERE, "export_child.py"), str(os.path.dirname(path)), module, function,
                             str(given), str(result)], src=None, preload=("numpy",), python=python, env=env,
                            cwd=tmp_path)
    return run, result


def _plain(value):
    sys.path.insert(0, HERE)
    from export_child import plain
    return plain(value)


def _assert_same(got, expected):
    if isinstance(expected, dict):
        assert set(got) == set(expected)
        for key in expected:
            _assert_same(got[key], expected[key])
    elif isinstance(expected, list):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            _assert_same(g, e)
    else:
        # the same code; only a BLAS reduction order may differ between two processes
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)


def _case_id(case):
    return "model_class" if case is None else f"{case[0]}.{case[1]}-{case[3]}-{case[4]}"


# Exports of more example functions through the kinds of export the cases above already
# take (mode, order, kind of argument and of wrt): test_export_examples.py checks them, on
# the default Python alone (.ci/campaigns.txt); the others run on every Python.
ENGINE_CASES = {"rnn.rnn_loss-reverse-1", "activation_functions.loss-reverse-1", "quickstart.energy-reverse-1",
                "heat_stencil.final_energy-reverse-1", "newton.rosenbrock-reverse-1", "rnn_cell_object.loss-reverse-1", "value_classes.energy-reverse-1", "value_classes.energy-reverse-2",
                "value_classes.chained-reverse-1", "everyday_state.tenth_power-reverse-1",
                "everyday_state.tenth_power-reverse-2", "newton_inside_loss.robust_mean-reverse-1",
                "rows_elements_and_optimizer_steps.share_loss-reverse-1",
                "rows_elements_and_optimizer_steps.robust_fit_loss-reverse-1",
                "rows_elements_and_optimizer_steps.loss_after_training-reverse-1",
                "inplace_updates.image_loss-reverse-1", "inplace_updates.cleaned_power-reverse-1",
                "object_forms.loss-reverse-1"}


@pytest.mark.parametrize("case", [case for case in _cases() + [None] if _case_id(case) not in ENGINE_CASES],
                         ids=_case_id)
def test_exported_example_runs_without_astgrad(case, tmp_path, bare_python):
    check_exported_example(case, tmp_path, bare_python)


def check_exported_example(case, tmp_path, bare_python):
    """The example's function exported, run in ``bare_python``: the in-process values.
    A case's eighth item, where it has one, holds export's keywords (has_aux)."""
    module_name, name, wrt, mode, order, args, kwargs, *options = case or _model_case()
    options = options[0] if options else {}
    has_aux = options.get("has_aux", False)
    sys.path.insert(0, EXAMPLES)
    fn = getattr(importlib.import_module(module_name), name)
    path = tmp_path / f"grad_{module_name}_{name}.py"
    text = astgrad.export(fn, wrt, mode=mode, order=order, path=str(path), **options)
    assert "import astgrad" not in text and "from astgrad" not in text
    assert lint_problems(text) == []
    compiled = _derivative(differentiated(fn, has_aux), wrt, mode, order)
    assert f"Generated by astgrad {astgrad.__version__} from source sha256:{source_hash(fn)}." in \
        inspect.getdoc(_defined(text, compiled.__code__.co_name))
    if "tangent" in kwargs:         # a jvp's tangent parameter, by its generated name
        required = [p.name for p in inspect.signature(compiled).parameters.values()
                    if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
        kwargs = {name: kwargs["tangent"] for name in required}
    # with has_aux, the aux as the in-process transform hands it back beside the result
    expected = _plain(hands_back_aux(mode == "forward")(compiled)(*args, **kwargs) if has_aux
                      else compiled(*args, **kwargs))
    got, loaded, stand_in_importers, kind = _run_exported(bare_python, str(path), compiled.__code__.co_name,
                                                          args, kwargs, tmp_path)
    assert loaded == []
    if mode == "reverse":       # an object of a dataclass, a tuple for a tuple wrt: as in process
        assert kind == type(astgrad.grad(fn, wrt, has_aux=has_aux)(*args)).__name__
    # the example's own `import astgrad` line, only where the exported module (or an
    # argument, an instance of the example's class) needs the example
    assert set(stand_in_importers) <= {module_name}
    if stand_in_importers:      # a function, or a global read on the module when the code runs
        assert f"from {module_name} import" in text or f"import {module_name}\n" in text \
            or module_name == "model_class"
    _assert_same(got, expected)
    if mode == "reverse" and order == 1:       # the public gradient gives these values too
        public = astgrad.grad(fn, wrt, has_aux=has_aux)(*args)
        _assert_same(_plain(got) if not isinstance(got, dict) else got,
                     _plain(public) if not isinstance(got, dict) else _plain(public))


def test_exported_gradient_with_respect_to_an_attribute(tmp_path, bare_python):
    """A bound method's gradient in self.w (the method calls another method): the exported
    function takes the object first."""
    sys.path.insert(0, EXAMPLES)
    import attribute_newton
    r = _rng()
    model = attribute_newton.LogisticModel(3)
    model.w = r.normal(size=3)
    X, y = r.normal(size=(8, 3)), (r.random(8) > 0.5).astype(float)
    path = tmp_path / "grad_attribute_newton_loss.py"
    text = astgrad.export(model.loss, "self.w", path=str(path))
    assert "import astgrad" not in text and lint_problems(text) == []
    name = _derivative(model.loss, "self.w", "reverse", 1).__code__.co_name
    assert "with respect to self.w." in inspect.getdoc(_defined(text, name))
    got, loaded, _, _ = _run_exported(bare_python, str(path), name, (model, X, y), {}, tmp_path)
    assert loaded == []
    _assert_same(_plain(got), _plain(astgrad.grad(model.loss, wrt="self.w")(X, y)))


def test_exported_gradient_of_a_model_holding_layers(tmp_path, bare_python):
    """A bound method calling the layers its object holds (a list of them, and one in an
    attribute): exported for their classes, the object first."""
    sys.path.insert(0, EXAMPLES)
    import layers_passed_to_a_loss as example
    r = _rng()
    model = example.build_model(r)
    x = r.normal(size=(6, 3))
    y = r.normal(size=6)
    path = tmp_path / "grad_layers_passed_to_a_loss_mse.py"
    text = astgrad.export(model.mse, 0, path=str(path))
    assert "import astgrad" not in text and lint_problems(text) == []
    name = _derivative(model.mse, 0, "reverse", 1).__code__.co_name
    got, loaded, _, _ = _run_exported(bare_python, str(path), name, (model, x, y), {}, tmp_path)
    assert loaded == []
    _assert_same(_plain(got), _plain(astgrad.grad(model.mse)(x, y)))


def test_a_helper_calling_astgrad_is_exported_as_its_value_code(tmp_path, bare_python):
    """The derivative calls the helper's value code (made with its derivative, which
    calls the derivatives astgrad.grad makes), not the helper, which would import astgrad."""
    sys.path.insert(0, EXAMPLES)
    import newton_inside_loss as example
    r = _rng()
    scale, data, target = 0.7, r.normal(2.0, 0.5, size=12), 1.5
    path = tmp_path / "grad_newton_inside_loss.py"
    text = astgrad.export(example.validation_loss, 0, path=str(path))
    assert "import astgrad" not in text and "def value_robust_mean(" in text and lint_problems(text) == []
    name = _derivative(example.validation_loss, 0, "reverse", 1).__code__.co_name
    got, loaded, _, _ = _run_exported(bare_python, str(path), name, (scale, data, target), {}, tmp_path)
    assert loaded == []
    _assert_same(_plain(got), _plain(astgrad.grad(example.validation_loss)(scale, data, target)))


def test_an_exported_hook_check_refuses_in_words(tmp_path, bare_python):
    """A hook astgrad checks when the code runs (Candidate.__eq__ of a dict's key) is read in
    process and let run where it changes nothing; the exported module, run without astgrad,
    cannot read it and refuses the call in the user's words, as docs/export.md says."""
    sys.path.insert(0, EXAMPLES)
    import ordered_objects as example
    w = np.array([0.9, 1.2, 1.1])
    path = tmp_path / "grad_ordered_objects.py"
    astgrad.export(example.blended, 0, path=str(path))
    name = _derivative(example.blended, 0, "reverse", 1).__code__.co_name
    run, _ = _exported_run(bare_python, str(path), name, (w,), {}, tmp_path)
    assert run.returncode != 0
    assert "TypeError: astgrad: " in run.stderr and "ordered_objects.py:" in run.stderr
    assert "runs Candidate.__eq__" in run.stderr, run.stderr


def test_every_example_with_a_function_is_exported():
    """A new example gets a case above (the tape examples record operations: there is no
    function to export)."""
    covered = {case[0] for case in _cases()} | {"model_class", "attribute_newton", "layers_passed_to_a_loss"}
    # objects as dict keys: the exported module cannot read Candidate.__eq__ and refuses it
    # (docs/export.md, "What cannot be exported"); test_an_exported_hook_check_refuses_in_words checks it does
    covered.add("ordered_objects")
    if importlib.util.find_spec("scipy") is None:
        covered.add("t_distribution_fit")
    examples = {name[:-3] for name in os.listdir(EXAMPLES) if name.endswith(".py")}
    assert examples - covered == {"tape_basic", "tape_second_order", "tape_special", "tape_truncated_bptt"}


def _defined(text, name):
    namespace = {}
    exec(compile(text, "<exported>", "exec"), namespace)
    return namespace[name]


def test_exported_module_is_documented():
    sys.path.insert(0, EXAMPLES)
    import logistic_regression
    text = astgrad.export(logistic_regression.mean_log_loss)
    doc = inspect.getdoc(_defined(text, "grad_mean_log_loss"))
    assert doc == (f"Gradient of logistic_regression.mean_log_loss with respect to w.\n\n"
                   f"Generated by astgrad {astgrad.__version__} from source sha256:"
                   f"{source_hash(logistic_regression.mean_log_loss)}.")
    assert text.startswith('"""Derivative of logistic_regression.mean_log_loss, exported by astgrad')
    assert "python -m astgrad export logistic_regression:mean_log_loss --wrt w -o FILE.py" in text


def test_the_linter_finds_what_pyflakes_finds():
    # lint_problems (pyflakes, which the test extra installs), and the fallback it uses
    # where pyflakes is missing: each finds the three kinds of problem
    unused_and_undefined = "import os\n\ndef f(x):\n    return x + y\n"
    unread_local = "def f(x):\n    t = g(x)\n    return x\n\ndef g(x):\n    return x\n"
    assert lint_problems(unused_and_undefined) == ["line 1: 'os' imported but unused", "line 4: undefined name 'y'"]
    assert lint_problems(unread_local) == ["line 2: local variable 't' is assigned to but never used"]
    assert fallback_problems(ast.parse(unused_and_undefined)) == \
        ["line 1: 'os' imported but unused", "undefined name 'y'"]
    assert fallback_problems(ast.parse(unread_local)) == ["line 2: local variable 't' is assigned to but never used"]


def test_a_call_kept_for_what_it_may_do_is_exported_as_the_call_alone():
    """A derivative keeps a call of a user function whose value nobody reads (it is not
    known to be free of effects): the export writes the call alone, as a person would."""
    source = ("def f(layer, x):\n    y = layer(x)  # kept\n    é = helper(x, é=1)\n"
              "    w = helper(x)\n    return w\n")
    assert unread_calls_alone(source) == ("def f(layer, x):\n    layer(x)  # kept\n"
                                          "    helper(x, é=1)\n    w = helper(x)\n    return w\n")


def test_command_line_export(tmp_path):
    out = tmp_path / "grad_rosenbrock.py"
    env = dict(os.environ, PYTHONPATH=SRC)
    run = fresh_process.run(["-m", "astgrad", "export", "newton:rosenbrock", "-o", str(out)], src=SRC,
                            cwd=EXAMPLES, env=env)
    assert run.returncode == 0, run.stderr
    assert "def grad_rosenbrock(x, *," in out.read_text()
    bad = fresh_process.run(["-m", "astgrad", "export", "newton:no_such", "-o", str(out)], src=SRC,
                            cwd=EXAMPLES, env=env)
    assert bad.returncode == 2 and "no function named 'no_such'" in bad.stderr


def test_an_export_writes_the_same_text_in_every_process(tmp_path):
    # The helpers an export copies were ordered by a set of names, whose order changes
    # with the process's string hashing: seeds 1 and 2 wrote is_duck_array elsewhere.
    texts = []
    for seed in ("1", "2"):
        out = tmp_path / f"grad_loss_{seed}.py"
        env = dict(os.environ, PYTHONPATH=SRC, PYTHONHASHSEED=seed)
        run = fresh_process.run(["-m", "astgrad", "export", "logistic_regression:mean_log_loss", "-o", str(out)],
                                src=SRC, cwd=EXAMPLES, env=env)
        assert run.returncode == 0, run.stderr
        texts.append(out.read_text())
    assert "def is_duck_array(" in texts[0]
    assert texts[0] == texts[1]


def _refused(x):
    x.partition(1)      # a write into the caller's array astgrad refuses
    return np.sum(x)


def test_export_of_a_refused_function_gives_the_grad_error():
    with pytest.raises(astgrad.TransformError) as from_grad:
        astgrad.grad(_refused)
    with pytest.raises(astgrad.TransformError) as from_export:
        astgrad.export(_refused)
    assert str(from_export.value) == str(from_grad.value)


def test_export_refuses_a_closure_holding_an_object():
    k = types.SimpleNamespace(scale=3.0)      # a number is frozen into the module (test_export_closures.py)

    def scaled(x):
        return np.sum(x * k.scale)
    with pytest.raises(ExportError, match="closure variable 'k'") as refused:
        astgrad.export(scaled)
    # where the function is, as a TransformError says where the construct it refuses is
    assert str(refused.value).startswith(f"{__file__}:{scaled.__code__.co_firstlineno}: ")


def cubed(x, p):
    return np.sum(x ** p)


class Squashing:
    def __call__(self, x):
        return np.sum(np.tanh(x))


@pytest.mark.parametrize("target, instead", [
    (functools.partial(cubed, p=3.0), "Export the function it calls, cubed: its derivative takes the arguments "
                                      "the partial fixes as its own"),
    (Squashing(), "Export its method Squashing.__call__: its derivative takes the object first"),
])
def test_export_of_a_callable_that_is_not_a_function_says_what_to_export(target, instead):
    with pytest.raises(TypeError, match="astgrad.export needs a Python function") as refused:
        astgrad.export(target)
    assert str(refused.value).endswith(instead)


def predictions_and_loss(w, b, x):
    predictions = np.tanh(x * w + b)
    return np.sum(predictions ** 2), {"predictions": predictions, "label": "tanh"}


def loss_through_a_helper(w, b, x):
    return predictions_and_loss(w, b, x)


def _exported_function(text):
    """The function the exported module ``text`` exports (its docstring names what it differentiates)."""
    namespace = {}
    exec(compile(text, "<exported>", "exec"), namespace)
    return next(value for name, value in namespace.items() if isinstance(value, types.FunctionType)
                and "Generated by astgrad" in (value.__doc__ or "") and not name.endswith("_zero_safe"))


def test_has_aux_is_exported_in_every_mode_and_order():
    """export(f, has_aux=True) returns (derivative, aux) as the transforms in process do,
    each derivative checked against central differences of the value; argnums is wrt."""
    from fd import assert_close, numerical_grad
    r = _rng()
    w, b, x, v = r.normal(size=3), 0.3, r.normal(size=3), r.normal(size=3)
    value = lambda w, b, x: predictions_and_loss(w, b, x)[0]      # noqa: E731
    aux = predictions_and_loss(w, b, x)[1]

    def same_aux(got):
        assert got["label"] == "tanh"
        np.testing.assert_allclose(got["predictions"], aux["predictions"], rtol=1e-12)

    text = astgrad.export(predictions_and_loss, argnums=(0, 1), has_aux=True)
    assert text == astgrad.export(predictions_and_loss, (0, 1), has_aux=True) and lint_problems(text) == []
    gradient = _exported_function(text)
    assert "returns (gradient, aux)" in gradient.__doc__
    (dw, db), got = gradient(w, b, x)
    same_aux(got)
    assert_close((dw, db), numerical_grad(value, (w, b, x), wrt=(0, 1)))
    expected, _ = astgrad.grad(predictions_and_loss, (0, 1), has_aux=True)(w, b, x)
    assert_close((dw, db), expected, rtol=1e-12, atol=1e-14)

    jvp = _exported_function(astgrad.export(predictions_and_loss, 0, mode="forward", has_aux=True))
    out, tangent, got = jvp(w, b, x, d_w=v)
    same_aux(got)
    assert_close(out, value(w, b, x), rtol=1e-12)
    assert_close(tangent, numerical_grad(value, (w, b, x)) @ v)

    # the second derivative in b (a number), and the jvp of the gradient in w
    second = _exported_function(astgrad.export(predictions_and_loss, 1, order=2, has_aux=True))
    d2, got = second(w, b, x)
    same_aux(got)
    assert_close(d2, numerical_grad(lambda b: astgrad.grad(value, 1)(w, b, x), (b,)))
    hvp = _exported_function(astgrad.export(predictions_and_loss, 0, mode="forward", order=2, has_aux=True))
    (g, g_tangent), got = hvp(w, b, x, dd_w=v)
    same_aux(got)
    assert_close(g, numerical_grad(value, (w, b, x)))
    assert_close(g_tangent, numerical_grad(lambda w: astgrad.grad(value)(w, b, x) @ v, (w,)))

    with pytest.raises(TypeError, match="export got both wrt=0 and argnums=0"):
        astgrad.export(predictions_and_loss, 0, argnums=0)
    not_a_pair = _exported_function(astgrad.export(value, has_aux=True))
    with pytest.raises(TypeError, match=r"has_aux=True: <lambda> must return a pair \(value, aux\)"):
        not_a_pair(w, b, x)


def test_a_pair_exported_without_has_aux_is_refused_at_its_return():
    """Not a module whose gradient fails when called: the return named, has_aux advised
    (also through a helper); a jvp takes any output."""
    line = inspect.getsourcelines(predictions_and_loss)[1] + 2
    for f in (predictions_and_loss, loss_through_a_helper):
        with pytest.raises(ExportError, match=rf"grad requires {f.__name__} to return a scalar, but it returns a "
                                              rf"tuple of 2 items \(test_export.py, line {line}: return .*"
                                              r"has_aux=True \(python -m astgrad export \.\.\. --has-aux\)"):
            astgrad.export(f, 0)
    with pytest.raises(ExportError, match="has_aux=True"):
        astgrad.export(predictions_and_loss, 1, mode="forward", order=2)
    assert "def jvp_predictions_and_loss(" in astgrad.export(predictions_and_loss, 0, mode="forward")


def test_the_command_line_exports_with_has_aux(tmp_path, monkeypatch, capsys):
    from astgrad.__main__ import main
    (tmp_path / "aux_loss_module.py").write_text(
        "import numpy as np\n\n\ndef fit(w, x):\n    r = np.sin(x * w)\n    return np.sum(r ** 2), r\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert main(["export", "aux_loss_module:fit", "--has-aux", "-o", "grad_fit.py"]) == 0
        text = (tmp_path / "grad_fit.py").read_text()
        assert "python -m astgrad export aux_loss_module:fit --wrt w --has-aux -o FILE.py" in text
        w, x = np.array([0.3, -0.5]), np.array([1.5, 2.0])
        gradient, r = _exported_function(text)(w, x)
        np.testing.assert_allclose(r, np.sin(x * w), rtol=1e-12)
        np.testing.assert_allclose(gradient, 2 * np.sin(x * w) * np.cos(x * w) * x, rtol=1e-12)
        assert main(["export", "aux_loss_module:fit"]) == 2
        assert "--has-aux" in capsys.readouterr().err
    finally:
        sys.modules.pop("aux_loss_module", None)


_VECTOR_MODULE = '''import numpy as np


def doubled_sine(x):
    return np.sin(x) * 2.0


def summed_sine(x):
    return np.sum(np.sin(x) * 2.0)
'''


def test_an_exported_gradient_of_a_vector_function_raises_the_grad_error(tmp_path, bare_python, monkeypatch):
    """Run where astgrad is not installed, the exported gradient of a function returning a
    vector raises the ValueError grad raises in process (not the vjp with ones); that of a
    function returning a number gives grad's values."""
    from fd import assert_close, numerical_grad
    (tmp_path / "vector_output_functions.py").write_text(_VECTOR_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        import vector_output_functions as module
        x = np.array([0.1, 0.2, -0.7])
        with pytest.raises(ValueError) as in_process:
            astgrad.grad(module.doubled_sine)(x)
        path = tmp_path / "grad_doubled_sine.py"
        astgrad.export(module.doubled_sine, path=str(path))
        run, _ = _exported_run(bare_python, str(path), "grad_doubled_sine", (x,), {}, tmp_path)
        assert run.returncode != 0 and f"ValueError: {in_process.value}\n" in run.stderr, run.stderr
        assert "returned a value of shape (3,)" in str(in_process.value)

        path = tmp_path / "grad_summed_sine.py"
        astgrad.export(module.summed_sine, path=str(path))
        got, loaded, _, _ = _run_exported(bare_python, str(path), "grad_summed_sine", (x,), {}, tmp_path)
        assert loaded == []
        _assert_same(got, astgrad.grad(module.summed_sine)(x))
        assert_close(got, numerical_grad(module.summed_sine, (x,)))
    finally:
        sys.modules.pop("vector_output_functions", None)


def doubled_sine(x):
    return np.sin(x) * 2.0


def doubled_sine_and_aux(x):
    y = np.sin(x) * 2.0
    return y, {"y": y}


def first_doubled_sine(x):
    return np.sin(x[:1]) * 2.0


def summed_square_sine(x):
    return np.sum(np.sin(x) ** 2)


def test_exported_derivatives_of_a_gradient_check_the_output_as_grad_does():
    """A Hessian (reverse mode of order 2 or 3, the jvp of the gradient), with has_aux
    too, of a function returning a vector raises grad's ValueError; its jvp answers. What
    grad takes, the export takes: a one-element array, and a number, whose second
    derivatives match the in-process ones and central differences."""
    from fd import assert_close, numerical_grad, numerical_jvp
    r = _rng()
    x, v = r.normal(size=3), r.normal(size=3)
    with pytest.raises(ValueError) as in_process:
        astgrad.hessian(doubled_sine)(x)
    words = re.escape(str(in_process.value))
    exports = [({"order": 2}, {}), ({"order": 3}, {}), ({"mode": "forward", "order": 2}, {"dd_x": v})]
    for options, seeds in exports:
        exported = _exported_function(astgrad.export(doubled_sine, **options))
        with pytest.raises(ValueError, match=words):
            exported(x, **seeds)
    aux_words = words.replace("doubled_sine", "doubled_sine_and_aux")
    for options, seeds in [({}, {})] + exports:
        exported = _exported_function(astgrad.export(doubled_sine_and_aux, has_aux=True, **options))
        with pytest.raises(ValueError, match=aux_words):
            exported(x, **seeds)
    value, tangent = _exported_function(astgrad.export(doubled_sine, mode="forward"))(x, d_x=v)
    assert_close(value, doubled_sine(x), rtol=1e-12)
    assert_close(tangent, numerical_jvp(doubled_sine, (x,), (v,)))

    gradient = _exported_function(astgrad.export(first_doubled_sine))(x)
    assert_close(gradient, astgrad.grad(first_doubled_sine)(x), rtol=1e-12, atol=1e-14)
    assert_close(gradient, numerical_grad(first_doubled_sine, (x,)))
    second = _exported_function(astgrad.export(summed_square_sine, order=2))(x, dd_d_x=v)
    assert_close(second, astgrad.hessian(summed_square_sine)(x) @ v, rtol=1e-12, atol=1e-14)
    assert_close(second, numerical_grad(lambda x: astgrad.grad(summed_square_sine)(x) @ v, (x,)))
    gradient, product = _exported_function(astgrad.export(summed_square_sine, mode="forward", order=2))(x, dd_x=v)
    assert_close(gradient, astgrad.grad(summed_square_sine)(x), rtol=1e-12, atol=1e-14)
    assert_close(product, astgrad.hvp(summed_square_sine)(x, v), rtol=1e-12, atol=1e-14)
