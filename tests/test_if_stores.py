"""The names each ``if`` the normalizer emits stores are collected once (if_stores.py)
and read by the ``if`` around it, instead of walking everything nested at every level.
The names kept must be those a fresh walk finds at every ``if``, on programs whose
branches rebind their test names, nest ifs in loops, ``try`` and ``and``/``or``; and a
deep nest must walk each statement about once (counted, not timed)."""

import types

import numpy as np
import pytest

import astgrad
from astgrad.core import syntax as S
from astgrad.frontend.normalize import expressions, if_stores
from fd import assert_close, numerical_grad
from program_files import load

_PROGRAMS = {
    "rebound tests": """
def f(x):
    c = x > 0.0
    y = x * 1.0
    if c:
        c = x - 0.5 > 0.3
        if c:
            c = False
            y = y * x
        else:
            y = y + x
    return y
""",
    "and/or in nested ifs": """
def f(x):
    y = x * 2.0
    if x > 0.0 and x < 5.0:
        if x > 0.5 or x < 0.1:
            y = y * x if x > 1.0 else y + x
        else:
            y = np.sin(y)
    return y
""",
    "ifs in loops and try": """
def f(x):
    y = x * 1.0
    for i in range(3):
        if y > 100.0:
            break
        if i > 0:
            try:
                y = y * x
            except ValueError:
                y = y + 1.0
        else:
            y = y + x
    else:
        y = y * 2.0
    return y
""",
    "elif chain": """
def f(x):
    if x > 2.0:
        y = x * x
    elif x > 1.0:
        y = np.cos(x)
    elif x > 0.0:
        if x > 0.5:
            y = x * 3.0
        else:
            y = x
    else:
        y = -x
    return y
""",
}


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_the_names_kept_are_those_a_fresh_walk_finds(monkeypatch, name):
    read = [0]

    def checked(kept, test, body, orelse):
        read[0] += sum(stmt.__class__ is S.gast.If and id(stmt) in kept for stmt in body + orelse)
        found = if_stores.stored_in_branches(kept, test, body, orelse)
        assert found == S.stored_names(S.gast.Module(body=[test] + body + orelse, type_ignores=[]))
        return found

    monkeypatch.setattr(expressions, "stored_in_branches", checked)
    f = load("import numpy as np\n" + _PROGRAMS[name], "f")
    gradient = astgrad.grad(f)
    for x in (0.05, 0.3, 0.7, 1.5, 2.5, -0.4):
        assert_close(gradient(x), numerical_grad(f, (x,)))
    assert read[0] > 0          # an if nested in another was read from what it kept


def _nested(depth):
    lines = ["def f(x, c):", "    y = x * 1.0"]
    for level in range(depth):
        lines.append("    " * (level + 1) + "y = y * x")
        lines.append("    " * (level + 1) + f"if c > {level}.0:")
        lines.append("    " * (level + 2) + f"y = y + {level}.0")
    return "\n".join(lines + ["    return y"]) + "\n"


def _statements_walked(monkeypatch, depth):
    walked = [0]

    def counted(node):
        walked[0] += sum(isinstance(n, S.gast.stmt) for n in S.walk_nodes(node)) - 1
        return S.stored_names(node)

    monkeypatch.setattr(if_stores, "S", types.SimpleNamespace(stored_names=counted))
    f = load(_nested(depth), "f")
    astgrad.grad(f)(np.float64(0.5), 100.0)
    return walked[0]


def test_a_deep_nest_walks_each_statement_about_once(monkeypatch):
    shallow, deep = _statements_walked(monkeypatch, 8), _statements_walked(monkeypatch, 24)
    assert deep < 4 * shallow       # linear in the depth (three times as deep); each level walking all inside is 9 times
