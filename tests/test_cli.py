"""The command line as a user meets it: --version, help, FILE.py:Class.method, and one-line
messages with exit code 2 that name the user's file and functions, never astgrad's internals."""

import textwrap

import pytest

import astgrad
from test_examples import run

MODULE = """\
    import numpy as np

    class Model:
        def __init__(self):
            self.w = np.ones(3)

        def apply(self, x, scale):
            return np.sum(np.tanh(self.w * x)) * scale

    def loss(x):
        return np.sum(x * x)
    """


@pytest.fixture
def mine(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent(MODULE))
    return path


def test_version():
    result = run("-m", "astgrad", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"astgrad {astgrad.__version__}"


def test_help():
    result = run("-m", "astgrad", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m astgrad")
    assert "Class.method" in result.stdout


def test_show_a_method(mine):
    result = run("-m", "astgrad", "show", f"{mine}:Model.apply")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("def grad_apply(self, x, scale")
    assert "return d_x" in result.stdout                     # default wrt: the first argument after self
    by_index = run("-m", "astgrad", "show", f"{mine}:Model.apply", "--wrt", "1")
    assert by_index.returncode == 0, by_index.stderr
    assert "return d_scale" in by_index.stdout


@pytest.mark.parametrize("target, expected", [
    ("{dir}:loss", "{dir}: is a directory; give a Python file and a function in it, such as {dir}/model.py:loss"),
    ("{mine}:Model", "{mine}: Model is a class; name one of its methods, such as {mine}:Model.apply"),
    ("{mine}:Model.fit", "{mine}: class Model has no method 'fit' (it defines: apply)"),
    ("{mine}:nope", "{mine}: no function named 'nope' (it defines: loss, Model)"),
    ("{mine}:np", "{mine}: np is not a function (the module numpy)"),
])
def test_user_errors_are_one_line_with_exit_code_2(mine, target, expected):
    names = {"dir": mine.parent, "mine": mine}
    result = run("-m", "astgrad", "show", target.format(**names))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip() == "astgrad: error: " + expected.format(**names)
    assert "_astgrad" not in result.stderr


def test_the_file_is_imported_under_its_own_name(tmp_path):
    """Names in messages and reprs are the user's: the module is named after the file, and
    the file's folder is on sys.path so its own imports work."""
    (tmp_path / "helpers.py").write_text("SCALE = 3.0\n")
    path = tmp_path / "named.py"
    path.write_text("from helpers import SCALE\nprint('module', __name__)\n\n"
                    "def f(x):\n    return SCALE * x * x\n")
    result = run("-m", "astgrad", "show", f"{path}:f")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("module named\n")


def test_a_methods_wrt_index_is_checked_against_its_arguments_after_self(mine):
    result = run("-m", "astgrad", "show", f"{mine}:Model.apply", "--wrt", "2")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip() == ("astgrad: error: --wrt 2: Model.apply takes 2 argument(s) after self "
                                     "(x, scale); count from 0")
