"""Errors reach the user short: the user's frames, at most one line of astgrad, each
error once, and the lines of generated code shown (on every supported Python).

Each case runs a script file in a subprocess, as a user would, and reads what Python
prints for the uncaught error.
"""

import textwrap

import numpy as np
import pytest

import astgrad
from astgrad import tracebacks
from test_examples import run

REFUSED = """\
    import astgrad

    def f(x):
        try:
            for i in range(2): y = x * x
        except ValueError:
            y = x
        return y

    {call}
    """


def traceback_of(tmp_path, body, env=None):
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(body))
    result = run(str(path), env=env)
    assert result.returncode == 1, (result.stdout, result.stderr)
    return path, result.stderr.rstrip("\n").splitlines()


def astgrad_frames(lines):
    return [line for line in lines if line.lstrip().startswith("File ") and "astgrad" + "/" in line
            and "<astgrad" not in line]


@pytest.mark.parametrize("call", ["astgrad.grad(f)", "astgrad.differentiable(f)", "astgrad.grad(f)(1.0)",
                                  "astgrad.jvp(f, (1.0,), (1.0,))", "astgrad.hessian(f)(1.0)"])
def test_a_refused_construct_is_at_most_ten_lines(tmp_path, call):
    path, lines = traceback_of(tmp_path, REFUSED.format(call=call))
    assert len(lines) <= 10, "\n".join(lines)
    assert lines[0] == "Traceback (most recent call last):"
    assert f'File "{path}", line 10, in <module>' in lines[1]
    assert len(astgrad_frames(lines)) <= 1, "\n".join(lines)
    assert lines[-2].startswith(f"astgrad.TransformError: {path}:5: astgrad cannot differentiate a loop "
                                "inside the body of a try with except")
    assert lines[-1].strip() == "for i in range(2): y = x * x"
    assert "During handling" not in "\n".join(lines)


def test_full_tracebacks_on_request(tmp_path):
    _, lines = traceback_of(tmp_path, REFUSED.format(call="astgrad.grad(f)"),
                            env={"ASTGRAD_FULL_TRACEBACK": "1"})
    assert len(astgrad_frames(lines)) > 3


FAILING_GRADIENT = """\
    import numpy as np
    import astgrad

    def f(x):
        return np.sum(np.log(x) * x)

    np.seterr(all="raise")
    astgrad.grad(f)(np.array([0.0, 1.0]))
    """


def test_an_error_in_generated_code_is_shown_once_with_its_line(tmp_path):
    path, lines = traceback_of(tmp_path, FAILING_GRADIENT)
    text = "\n".join(lines)
    assert text.count("Traceback (most recent call last)") == 1, text
    assert "During handling" not in text
    assert len(astgrad_frames(lines)) <= 1, text
    at = next(i for i, line in enumerate(lines) if 'File "<astgrad grad of f #' in line)
    assert "np.log(x)" in lines[at + 1], text        # the generated line itself, on every Python
    assert lines[-1] == "FloatingPointError: divide by zero encountered in log"


def test_an_error_in_the_users_function_keeps_the_users_frames(tmp_path):
    path, lines = traceback_of(tmp_path, """\
        import astgrad

        def helper(x):
            raise KeyError("from the user's code")

        def f(x):
            return helper(x) * x

        astgrad.vjp(f, 1.0)
        """)
    text = "\n".join(lines)
    assert f'File "{path}", line 7, in f' in text
    assert f'File "{path}", line 4, in helper' in text
    assert len(astgrad_frames(lines)) <= 1, text


def test_a_non_scalar_output_is_reported_once(tmp_path):
    _, lines = traceback_of(tmp_path, """\
        import numpy as np
        import astgrad

        def f(x):
            return np.outer(x, x) @ np.ones(3)[:2]

        astgrad.grad(f)(np.ones(2))
        """)
    text = "\n".join(lines)
    assert "During handling" not in text
    assert lines[-1].startswith("ValueError: grad requires f to return a scalar"), text


def test_errors_caught_in_the_program_carry_the_short_traceback():
    def f(x):
        try:
            for i in range(2): x = x * x
        except ValueError:
            return x
        return x
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)
    frames = [entry for entry in info.traceback if "astgrad" + "/" in str(entry.path)]
    assert len(frames) <= 1


def test_an_unexpected_error_inside_astgrad_keeps_every_frame(monkeypatch):
    """A bug must stay reportable: an exception raised by astgrad's own code that is not one
    of its messages keeps astgrad's frames."""
    import astgrad.api

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(astgrad.api, "wrt_items", broken)
    with pytest.raises(RuntimeError) as info:
        astgrad.grad(lambda x: x * x)
    assert any(entry.name == "broken" for entry in info.traceback)


def test_pdb_lists_generated_code():
    import io
    import pdb

    def f(x):
        y = np.sin(x)
        return y * x
    plain = astgrad.grad(f).plain
    out = io.StringIO()
    debugger = pdb.Pdb(stdin=io.StringIO("step\nlist\ncontinue\n"), stdout=out, nosigint=True)
    debugger.runcall(plain, 0.5)
    assert "<astgrad grad of test_pdb_lists_generated_code.<locals>.f" in out.getvalue()
    assert "d_x = d_x + d_y * numpy.cos(x)" in out.getvalue()
    assert "np.sin(x)" in out.getvalue()


def test_the_excepthook_prints_generated_lines():
    """On 3.10-3.12 Python's own hook reads only files; astgrad's reads linecache."""
    import io
    import contextlib
    hook = tracebacks._make_hook(lambda *args: pytest.fail("the previous hook was called"))
    g = astgrad.grad(lambda x: np.sum(np.log(x) * x))
    with np.errstate(all="raise"):
        try:
            g(np.array([0.0]))
        except FloatingPointError as error:
            caught = error
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        hook(type(caught), caught, caught.__traceback__)
    assert "np.log(x)" in err.getvalue()


@pytest.mark.parametrize("case", ["nested entry points", "tape"])
def test_input_errors_are_short(case):
    if case == "tape":
        x = astgrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
        error, call = RuntimeError, lambda: (x * x).sum().backward(np.ones(3))
    else:
        error, call = ValueError, lambda: astgrad.value_and_grad(lambda x: x * x, wrt=5)
    with pytest.raises(error) as info:
        call()
    frames = [entry for entry in info.traceback if "astgrad" + "/" in str(entry.path)]
    assert len(frames) <= 1, info.traceback


def test_a_refusal_in_a_function_of_varargs_is_short(tmp_path):
    """*args functions are generated at their first call, for that call's shape."""
    path, lines = traceback_of(tmp_path, """\
        import astgrad

        def f(*xs):
            try:
                for x in xs: return xs[0] * x
            except ValueError:
                return 0.0

        astgrad.grad(f)(1.0, 2.0)
        """)
    assert len(lines) <= 10, "\n".join(lines)
    assert len(astgrad_frames(lines)) <= 1
    assert lines[-2].startswith(f"astgrad.TransformError: {path}:5:")
