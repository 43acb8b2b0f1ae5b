"""A def's lines found by indentation (frontend/block_lines.py) are inspect's, wherever
they parse: checked on every def of astgrad's own modules and of these tests, and on
defs whose lines begin less indented inside them, which parse only as inspect's block."""

import ast
import importlib
import inspect
import pkgutil
import sys
import textwrap
import types

import numpy as np
import pytest

import astgrad
from astgrad.frontend import block_lines
from fd import assert_close, numerical_grad


def _codes(module):
    """The code objects of the defs in ``module``, nested ones too."""
    todo = [v.__code__ for v in vars(module).values() if isinstance(v, types.FunctionType)
            and v.__module__ == module.__name__]
    todo += [f.__code__ for c in vars(module).values() if isinstance(c, type) and c.__module__ == module.__name__
             for f in vars(c).values() if isinstance(f, types.FunctionType)]
    seen = {}
    while todo:
        code = todo.pop()
        if id(code) not in seen:
            seen[id(code)] = code
            todo.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return list(seen.values())


def _modules():
    names = [m.name for m in pkgutil.walk_packages(astgrad.__path__, "astgrad.")
             if "numba" not in m.name and "torch" not in m.name]
    found = []
    for name in names:
        try:
            found.append(importlib.import_module(name))
        except ImportError:
            pass
    return found + [sys.modules[__name__], sys.modules["fd"]]


def test_lines_found_by_indentation_are_inspects_wherever_they_parse():
    compared = 0
    for module in _modules():
        for code in _codes(module):
            if not code.co_name.isidentifier():     # comprehensions, lambdas
                continue
            try:
                expected = inspect.getsourcelines(code)
            except (OSError, TypeError):
                continue
            found = block_lines.getsourcelines(code)
            if found is None:
                continue
            try:
                ast.parse(textwrap.dedent("".join(found[0])))
            except SyntaxError:
                continue        # the caller takes inspect's block
            assert found == expected, (module.__name__, code.co_name)
            compared += 1
    assert compared > 1000


def continued_at_column_zero(x):
    y = np.sin(x) * (1.0 +
2.0 * x)
    return np.sum(y)


def string_at_column_zero(x):
    label = """
not code
"""
    return np.sum(np.cos(x)) + 0.0 * len(label)


def backslash_continued(x):
    y = x * \
3.0
    return np.sum(y ** 2)


@pytest.mark.parametrize("fn", [continued_at_column_zero, string_at_column_zero, backslash_continued])
def test_a_def_with_lines_less_indented_inside_it_is_read_whole(fn):
    lines, _ = inspect.getsourcelines(fn.__code__)
    found, _ = block_lines.getsourcelines(fn.__code__)
    with pytest.raises(SyntaxError):        # the lines found by indentation end inside it
        ast.parse(textwrap.dedent("".join(found)))
    x = np.array([0.3, -0.7, 1.1])
    assert_close(astgrad.grad(fn)(x), numerical_grad(fn, (x,)))
    assert len(lines) > len(found)


def test_code_astgrad_compiled_is_read_from_its_text_in_memory(monkeypatch):
    """The lines of code astgrad generated and compiled (differentiated again for a
    second derivative) come from its text in memory, the lines ``inspect`` gives, without
    ``inspect``'s search for a file and a module (the first search in a process looks at
    every module loaded)."""
    from astgrad import caching
    from astgrad.core import generated_text
    gradient = caching.generate_reverse(backslash_continued, (0,), False)
    code = gradient.__code__
    assert generated_text.text_lines(backslash_continued.__code__) is None
    text = generated_text.text_lines(code)
    assert text is not None
    assert block_lines.getsourcelines(code, text) == inspect.getsourcelines(code)

    findsource = inspect.findsource

    def no_search(obj):
        assert not (inspect.iscode(obj) and generated_text.is_compiled_here(obj)), \
            "inspect searched for the file of code astgrad compiled"
        return findsource(obj)
    monkeypatch.setattr(inspect, "findsource", no_search)
    second = caching.generate_reverse(gradient, (0,), False)
    monkeypatch.undo()
    x = np.array([0.3, -1.2, 2.0])
    assert_close(second(x), numerical_grad(lambda v: np.sum(gradient(v)), x))
