"""Every option of ``python -m astgrad export`` (run in-process through its ``main``) on a
module of one's own: --wrt by index, by name and as a list, --mode reverse|forward,
--order 1 to 3, -o, a method, globals and helpers of the module; the exported module
gives the in-process derivative's values on random inputs and reads the module's globals
when it runs. Bad targets, an unwritable -o and refused code are one-line errors."""

import inspect
import itertools
import sys
import textwrap

import numpy as np
import pytest

import astgrad
from astgrad.__main__ import main
from astgrad.exporting import _derivative
from export_lint import lint_problems
from program_files import import_file

MODULE = """\
    import numpy as np

    SCALE = 2.5
    TABLE = np.array([0.5, -1.0, 2.0])


    def helper(v):
        return np.tanh(v) * SCALE


    def f(x, y):
        return np.sum(helper(x * y) + TABLE * np.sin(x) * y)


    class Model:
        def __init__(self):
            self.w = np.array([0.3, -0.2, 0.7])

        def apply(self, x, scale):
            return np.sum(np.tanh(self.w * x)) * scale ** 2


    def refused(x):
        x.partition(1)
        return np.sum(x)
    """

_counter = itertools.count()


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    """A module of one's own (a new name each time), importable from the current directory."""
    name = f"exported_user_{next(_counter)}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def _export(capsys, *argv):
    code = main(["export", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _same(got, expected):
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, type(expected)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _same(g, e)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("wrt, python_wrt, mode, order", [
    ("0", 0, "reverse", 1), ("y", "y", "reverse", 1), ("x,y", ("x", "y"), "reverse", 1),
    ("1", 1, "reverse", 2), ("x", "x", "reverse", 3),
    ("1", 1, "forward", 1), ("x,y", ("x", "y"), "forward", 2), ("0", 0, "forward", 3),
])
def test_options_give_the_in_process_values(user_module, tmp_path, capsys, wrt, python_wrt, mode, order):
    out = tmp_path / f"grad_{next(_counter)}.py"
    code, _, err = _export(capsys, f"{user_module}:f", "--wrt", wrt, "--mode", mode, "--order", str(order),
                           "-o", str(out))
    assert code == 0, err
    text = out.read_text()
    assert lint_problems(text) == []
    # functions are imported; other globals are read on the module when the code runs
    assert f"import {user_module}\n" in text
    assert f"{user_module}.SCALE" in text and f"{user_module}.TABLE" in text
    user = sys.modules[user_module]
    compiled = _derivative(user.f, python_wrt, mode, order)
    exported = getattr(import_file(out), compiled.__code__.co_name)
    rng = np.random.default_rng(order)
    for _ in range(3):
        args = (rng.normal(size=3), rng.normal(size=3))
        seeds = {p.name: rng.normal(size=3) for p in inspect.signature(compiled).parameters.values()
                 if p.kind is p.KEYWORD_ONLY and p.default is p.empty}
        _same(exported(*args, **seeds), compiled(*args, **seeds))
        if mode == "reverse" and order == 1:
            _same(exported(*args), astgrad.grad(user.f, python_wrt)(*args))
    # the module's globals are read when the exported code runs, as by the function itself
    before = exported(*args, **seeds)
    user.SCALE = 4.0
    compiled = _derivative(user.f, python_wrt, mode, order)
    _same(exported(*args, **seeds), compiled(*args, **seeds))
    with pytest.raises(AssertionError):
        _same(exported(*args, **seeds), before)


def test_a_method_counts_wrt_after_self(user_module, tmp_path, capsys):
    out = tmp_path / "grad_apply.py"
    code, _, err = _export(capsys, f"{user_module}:Model.apply", "--wrt", "1", "-o", str(out))
    assert code == 0, err
    text = out.read_text()
    assert "Gradient of {}.Model.apply with respect to scale.".format(user_module) in text
    assert "--wrt scale -o FILE.py" in text
    user = sys.modules[user_module]
    model, x = user.Model(), np.array([0.1, 0.2, -0.3])
    exported = import_file(out).grad_apply
    _same(exported(model, x, 1.5), astgrad.grad(model.apply, 1)(x, 1.5))
    # from Python: a bound method exports its function, wrt counted after self as by grad
    assert astgrad.export(model.apply, 1) == text


@pytest.mark.parametrize("argv, message", [
    (["{m}"], "'{m}': expected MODULE:FUNCTION (or FILE.py:FUNCTION)"),
    ([":f"], "':f': expected MODULE:FUNCTION (or FILE.py:FUNCTION)"),
    (["no_such_module_here:f"], "no_such_module_here: no module of that name (run from the folder holding it, "
                                "put that folder on PYTHONPATH, or give FILE.py:FUNCTION)"),
    (["{m}:nope"], "{m}: no function named 'nope' (it defines: helper, f, refused, Model)"),
    (["{m}:SCALE"], "{m}: SCALE is not a function (a value of type float)"),
    (["{m}:Model"], "{m}: Model is a class; name one of its methods, such as {m}:Model.apply"),
    (["{m}:f", "--wrt", "z"], "wrt='z': f has no parameter named 'z'; wrt names one of its parameters ['x', 'y']"),
    (["{m}:f", "--order", "0"], "order=0: the order must be an int, 1 or more"),
    (["{m}:f", "-o", "{tmp}/no/such/folder/g.py"], "{tmp}/no/such/folder/g.py: cannot write it: "
                                                   "No such file or directory"),
    (["{m}:f", "-o", "{tmp}"], "{tmp}: cannot write it: Is a directory"),
])
def test_bad_input_is_one_line(user_module, tmp_path, capsys, argv, message):
    names = {"m": user_module, "tmp": tmp_path}
    code, out, err = _export(capsys, *[item.format(**names) for item in argv])
    assert code == 2 and out == ""
    assert err == f"astgrad: error: {message.format(**names)}\n"


def test_refused_code_gives_the_error_grad_gives(user_module, capsys):
    code, _, err = _export(capsys, f"{user_module}:refused")
    assert code == 2
    with pytest.raises(astgrad.TransformError) as from_grad:
        astgrad.grad(sys.modules[user_module].refused)
    assert err.startswith(f"astgrad: error: {str(from_grad.value).splitlines()[0]} -- `x.partition(1)`")


SCRIPT = """\
    import numpy as np

    SCALE = 2.0


    def helper(v):
        return np.tanh(v)


    def loss(x):
        return np.sum(helper(x) * SCALE)


    def alone(x, s=3.0):
        return np.sum(np.sin(x) * s)
    """


def test_a_function_of_the_program_being_run_is_exported_by_its_file(tmp_path, monkeypatch):
    """A script calling astgrad.export on its own function: the module imported
    ``__main__`` for the script's globals and functions, which in the program importing
    it is that program (an ImportError, or its own SCALE read: a wrong gradient, no
    error), and the command it gave to export again named ``__main__:loss``."""
    import types
    script = tmp_path / "fit_script.py"
    script.write_text(textwrap.dedent(SCRIPT))
    program = types.ModuleType("__main__")
    program.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", program)
    exec(compile(script.read_text(), str(script), "exec"), program.__dict__)
    with pytest.raises(astgrad.exporting.ExportError, match=r"loss is defined in the program being run "
                       r"\(__main__\).*Export it from the command line \(python -m astgrad export "
                       rf"{script}:loss --wrt x\)"):
        astgrad.export(program.loss)
    text = astgrad.export(program.alone)        # reads nothing of the program: exported
    assert "__main__" not in text.replace("Derivative of __main__.alone", "").replace("Gradient of __main__.alone", "")
    assert f"python -m astgrad export {script}:alone --wrt x -o FILE.py" in text


def test_the_command_exporting_it_again_names_the_global_holding_a_lambda_or_a_gradient(tmp_path, monkeypatch):
    """It named ``module:<lambda>``, and for a gradient held as a value the generated
    function's name (``module:grad_cube``), neither of which the command line finds."""
    (tmp_path / "lambda_holder.py").write_text(textwrap.dedent("""\
        import numpy as np

        import astgrad

        SQUARED = lambda x: np.sum(x * x)


        def cube(x):
            return np.sum(x ** 3)


        SLOPE = astgrad.grad(cube)
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lambda_holder", raising=False)
    import lambda_holder
    assert "python -m astgrad export lambda_holder:SQUARED --wrt x -o FILE.py" in astgrad.export(lambda_holder.SQUARED)
    assert "python -m astgrad export lambda_holder:SLOPE --wrt x -o FILE.py" in astgrad.export(lambda_holder.SLOPE)
