"""Every example runs to completion, and the command line (python -m astgrad) works.

Each script runs in a new process (see fresh_process.py) from the repository root with
src/ on PYTHONPATH, so these tests pass with or without `pip install -e .`.
"""

import os
import textwrap
from pathlib import Path

import pytest

import fresh_process

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

# Text these examples must print (besides exiting 0); any other example must exit 0
# and print something.
EXPECTED = {
    "quickstart.py": ["df/dx", "matches the hand-derived derivative"],
    "aux_outputs.py": ["step 100  loss", "matches finite differences: True", "predictions kept: (20,)"],
    "logistic_regression.py": ["step   0", "step 100", "final"],
    "show_source.py": ["def grad_predict(", "def grad_power_sum(", ".pop()"],
    "closures.py": ["matches finite differences: True"],
    "helpers_and_nested_grad.py": ["matches finite differences: True", "(equals x[0]: True)"],
    "rnn.py": ["generated gradient:", "step   0  loss", "step 200  loss", "final     loss"],
    "rnn_cell_object.py": ["gradient through the cell's states matches finite differences: True", "step 100  loss"],
    "model_class.py": ["def grad_loss(self, X, y", "grad_forward(self, X", "step 300  loss",
                       "dataclass gradient: Linear"],
    "t_distribution_fit.py": ["step  0", "fitted    df", "at least as likely as scipy.stats.t.fit"],
    "plot_derivatives.py": ["order 6:", "max |error| vs closed form", "tanh_derivatives.png"],
    "training_curve.py": ["step    0  loss", "step  299  loss", "training_curve.png"],
    "newton_inside_loss.py": ["d loss / d scale", "implicit function theorem gives", "tuned scale"],
    "attribute_newton.py": ["step 5", "Hessian matches finite differences: True",
                            "d2 loss / dt dX matches finite differences: True"],
    "layers_passed_to_a_loss.py": ["matches finite differences: True", "step 100  loss",
                                   "grad(model.mse) agrees: True"],
    "inplace_updates.py": ["matches finite differences: True",
                           "caller's arrays unchanged by the derivatives: True", "throw 30", "fit 60"] + [
        f"{what} matches finite differences: True" for what in (
            "np.add.at and np.multiply.at: d loss / d gains", "np.add.at and np.multiply.at: d loss / d mu",
            "out= a view of the history: d energy / d u0", "out= a view of the history: d energy / d alpha",
            "np.put, np.putmask, np.place, y.put: gradient")] + [
        "np.put on the argument: the caller's readings unchanged by the gradient: True"],
    "activation_functions.py": ["matches finite differences: True",
                                "after replacing an activation, matches finite differences: True",
                                "heads passed as an argument, matches finite differences: True", "step 100  loss"],
    "heat_stencil.py": ["gradient matches finite differences: True", "forward mode matches reverse mode: True",
                        "Hessian-vector product matches finite differences: True"],
    "fallback_solve.py": ["regular matrix: gradient", "singular matrix: gradient", "matches finite differences: True",
                          "except np.linalg.LinAlgError:", "if done >= 1:"],
    "everyday_state.py": ["d loss / d w", "matches finite differences: True",
                          "the caller's layers unchanged by the gradient: True",
                          "d model_loss / d w = 0.474459, matches finite differences: True",
                          "d accumulated / d w = [3.248144, 1.315756, 1.842122], matches finite differences: True",
                          "equals [12, 0]: True",
                          "equals 10 * 1.1**9: True",
                          "second derivative equals 90 * 1.1**8: True",
                          "pooled [0.9, 1.5], gradient [0.0, 1.0, 0.0, 1.0, 0.0]"],
    "grids_views_and_layers.py": [f"{what} matches finite differences: True" for what in (
        "meshgrid: gradient", "meshgrid: forward mode", "block: gradient", "block: Hessian",
        "view written, then the name bound again: gradient", "view written, then the name bound again: forward mode",
        "a model's layers changed by their methods: gradient",
        "a model's layers changed by their methods: second derivative", "a dict of layers: gradient",
        "enumerate and zip over layers: gradient", "enumerate and zip over layers: forward mode",
        "a list argument: forward mode", "a list argument: Hessian",
        "a layer list re-ordered for a second pass: gradient",
        "a layer list re-ordered for a second pass: second derivative", "a method of ours named pop: gradient")]
        + ["the caller's layers unchanged by the derivatives: True",
           "the caller's tanks unchanged by the gradient: True"],
    "rows_elements_and_optimizer_steps.py": [
        f"{what} matches finite differences: True" for what in (
            "apply_along_axis: d loss / d scores", "apply_along_axis: d loss / d temperature",
            "vectorize: gradient", "vectorize: Hessian", "sgd helper: d loss / d lr",
            "layer stack: d loss / d lr", "layer stack: second derivative", "logged helper: gradient")] + [
        "logged helper: the history holds the 5 losses of the 5 steps: True",
        "sgd helper: d loss / d lr = ", "def grad_share_loss(", "grad_softplus_shares("],
    "tape_truncated_bptt.py": ["h is a leaf after detach_(): True", "w.grad matches finite differences: True"],
    "ordered_objects.py": ["matches finite differences: True", "Hessian matches finite differences: True"],
    "object_forms.py": ["matches finite differences: True", "forward mode agrees: True",
                        "Hessian matches finite differences: True"],
    "value_classes.py": ["matches finite differences: True", "forward mode agrees:   True",
                         "iterator and builder match finite differences: True True True",
                         "learning-rate gradient matches finite differences: True"],
}

# Examples that need an optional extra: skipped where it is not installed.
REQUIRES = {"t_distribution_fit.py": "scipy", "plot_derivatives.py": "matplotlib",
            "training_curve.py": "matplotlib"}

# Examples that draw a picture: run with --out in a temporary folder (never over the
# committed docs/images), which must then hold the PNG.
PICTURES = {"plot_derivatives.py": ("tanh_derivatives.png", []),
            "training_curve.py": ("training_curve.png", ["--steps", "300"])}


def run(*args, timeout=60, env=None):
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return fresh_process.run(args, src=str(ROOT / "src"), cwd=ROOT, env=env, timeout=timeout)


def test_the_required_examples_exist():
    assert set(EXPECTED) <= {path.name for path in EXAMPLES}


# Examples whose subject is the engine's derivatives of their programs (training loops,
# classes, recursions, the tape), the same on every Python: test_examples_engine.py runs
# them, on the default Python alone (.ci/campaigns.txt). What differs between Pythons in
# running a script (getting a function's source, printing generated code, tracebacks,
# forking processes, pictures) the others here run on every Python.
ENGINE_EXAMPLES = {"activation_functions.py", "attribute_newton.py", "everyday_state.py", "grids_views_and_layers.py",
                   "heat_stencil.py", "inplace_updates.py", "layers_passed_to_a_loss.py", "newton.py",
                   "newton_inside_loss.py", "rnn.py", "rnn_cell_object.py", "rows_elements_and_optimizer_steps.py",
                   "tape_second_order.py", "tape_truncated_bptt.py", "value_classes.py"}


@pytest.mark.parametrize("path", [path for path in EXAMPLES if path.name not in ENGINE_EXAMPLES],
                         ids=lambda path: path.name)
def test_example_runs(path, tmp_path):
    check_example_runs(path, tmp_path)


def check_example_runs(path, tmp_path):
    """The example exits 0, draws its picture if it draws one, and prints what EXPECTED says."""
    if path.name in REQUIRES:
        pytest.importorskip(REQUIRES[path.name])
    picture, options = PICTURES.get(path.name, (None, []))
    if picture:
        options = ["--out", str(tmp_path), *options]
    result = run(str(path.relative_to(ROOT)), *options)
    assert result.returncode == 0, result.stderr
    if picture:
        assert (tmp_path / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result.stdout.strip(), f"{path.name} printed nothing"
    for text in EXPECTED.get(path.name, ()):
        assert text in result.stdout, f"{path.name} did not print {text!r}:\n{result.stdout}"


def test_cli_demo():
    result = run("-m", "astgrad", "demo")
    assert result.returncode == 0, result.stderr
    assert "def loss(w, x):" in result.stdout           # the function
    assert "d loss / d w = [" in result.stdout           # its gradient values
    assert "def grad_loss(" in result.stdout             # the emitted gradient


def test_cli_show_prints_gradient_source():
    result = run("-m", "astgrad", "show", "examples/show_source.py:predict", "--wrt", "0,1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("def grad_predict(")
    assert "return" in result.stdout


def test_cli_show_accepts_parameter_names():
    by_name = run("-m", "astgrad", "show", "examples/show_source.py:predict", "--wrt", "w,b")
    by_index = run("-m", "astgrad", "show", "examples/show_source.py:predict", "--wrt", "0,1")
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_index.stdout


def test_cli_show_default_wrt_is_first_argument():
    result = run("-m", "astgrad", "show", "examples/logistic_regression.py:mean_log_loss")
    assert result.returncode == 0, result.stderr
    assert "def grad_mean_log_loss(" in result.stdout


def test_cli_without_arguments_prints_help():
    result = run("-m", "astgrad")
    assert result.returncode == 0
    assert result.stdout.startswith("usage:")
    assert all(command in result.stdout for command in ("demo", "show", "rules", "--version", "examples:"))
    assert result.stderr == ""


@pytest.fixture
def unsupported(tmp_path):
    path = tmp_path / "unsupported.py"
    path.write_text(textwrap.dedent("""\
        def f(x):
            try:
                for k in range(2): y = x * x
            except ValueError:
                y = x
            return y
        """))
    return path


@pytest.mark.parametrize("case, args, expected", [
    ("missing file", ["show", "no/such/file.py:f"], "no such file"),
    ("missing function", ["show", "examples/show_source.py:nope"], "no function named 'nope'"),
    ("no FUNC part", ["show", "examples/show_source.py"], "FILE.py:FUNCTION"),
    ("wrt out of range", ["show", "examples/show_source.py:predict", "--wrt", "7"], "wrt"),
    ("wrt unknown name", ["show", "examples/show_source.py:predict", "--wrt", "q"], "'q'"),
    ("unknown command", ["frobnicate"], "invalid choice"),
    ("show without target", ["show"], "required"),
])
def test_cli_errors_are_one_line_with_exit_code_2(case, args, expected):
    result = run("-m", "astgrad", *args)
    assert result.returncode == 2, (case, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, (case, result.stderr)
    assert "Traceback" not in result.stderr
    assert expected in lines[0], (case, lines[0])


def test_cli_unsupported_code_names_file_and_line(unsupported):
    result = run("-m", "astgrad", "show", f"{unsupported}:f")
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{unsupported}:3" in lines[0]
