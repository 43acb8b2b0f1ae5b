"""`python -m astgrad show` colours generated code on a terminal (with Pygments), and
prints it plain anywhere else."""

import io
import re

import pytest

from astgrad import highlight

SOURCE = "def grad_f(x, *, d_f=1.0):\n    d_x = d_f * 2 * x\n    return d_x"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_plain_when_not_a_terminal():
    assert highlight.highlighted(SOURCE, io.StringIO()) == SOURCE


def test_plain_with_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert highlight.highlighted(SOURCE, Terminal()) == SOURCE


def test_coloured_on_a_terminal(monkeypatch):
    pytest.importorskip("pygments")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    coloured = highlight.highlighted(SOURCE, Terminal())
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == SOURCE


def test_plain_without_pygments(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_pygments(name, *args, **kwargs):
        if name.startswith("pygments"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(builtins, "__import__", no_pygments)
    assert highlight.highlighted(SOURCE, Terminal()) == SOURCE
