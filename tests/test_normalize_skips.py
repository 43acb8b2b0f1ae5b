"""The normalizer leaves out a rewrite where a cheap look shows it has nothing to do:
``choose_branch_functions`` where no ``if`` binds a function in its body, and
``rewrite_view_writes`` where no name is bound to a possible view and no item is written.
Generated code (a derivative differentiated again) has neither. A derivative (compiled
from its text here) is not searched for calls of ``eval``, default dicts, iterators,
generators and early returns: the code it was made from was. Leaving them out changes
nothing: every function of examples/, its gradient, and the benchmark's functions and
their gradients normalize to the same code with the looks and with every rewrite always
run (normalized afresh, not copied from what was kept for the function's next generation)."""

import ast
import importlib
import inspect
import io
import contextlib
import os
import sys
import types

import gast
import pytest

from astgrad import caching, pipeline
from astgrad.core import generated_text
import scratch_dirs
from astgrad.frontend.normalize import normalizer as N

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")
BENCHMARKS = os.path.join(os.path.dirname(HERE), "benchmarks")
_SLOW_TO_IMPORT = {"process_pool", "training_curve", "plot_derivatives"}


def _example_functions():
    sys.path.insert(0, EXAMPLES)
    found = []
    for name in sorted(f[:-3] for f in os.listdir(EXAMPLES) if f.endswith(".py")):
        if name in _SLOW_TO_IMPORT:
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                module = importlib.import_module(name)
        except Exception:       # an example needing an optional library
            continue
        for attr, fn in sorted(vars(module).items()):
            if isinstance(fn, types.FunctionType) and fn.__module__ == module.__name__ \
                    and fn.__code__.co_argcount and attr != "main":
                found.append(fn)
    return found


def _benchmark_functions():
    sys.path.insert(0, BENCHMARKS)
    import generation_scaling
    directory = scratch_dirs.make("benchmarks_")
    sys.path.insert(0, directory)
    return [generation_scaling.load(make(30), directory, f"_skips_{shape}")
            for shape, make in generation_scaling.SHAPES.items()]


def _functions():
    found = []
    for fn in _example_functions() + _benchmark_functions():
        found.append(fn)
        try:
            found.append(caching.generate_reverse(fn, (0,), False))
        except Exception:       # refused, or its first argument is no number
            pass
    return found


def _normalized(fn, afresh=False):
    try:
        _, tree, _, _ = pipeline.prepare(fn, caching.callees) if afresh else caching.prepare(fn)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return ast.unparse(gast.gast_to_ast(tree))


def test_the_skipped_rewrites_would_change_nothing(monkeypatch):
    functions = _functions()
    generated = [fn for fn in functions if fn.__code__.co_filename.startswith("<")]
    assert len(functions) > 40 and len(generated) > 20      # (fewer where an optional library is missing)
    assert all(generated_text.is_derivative(fn.__code__) == (fn in generated) for fn in functions)
    skipped = [_normalized(fn) for fn in functions]
    monkeypatch.setattr(N, "branch_defines_function", lambda normalizer, nodes: True)
    monkeypatch.setattr(N, "_may_write_through_views", lambda nodes: True)
    monkeypatch.setattr(generated_text, "is_derivative", lambda code: False)
    always = [_normalized(fn, afresh=True) for fn in functions]
    for fn, text, expected in zip(functions, skipped, always):
        assert text == expected, fn.__qualname__


def test_the_looks_find_what_the_rewrites_rewrite():
    def views(x, w):
        v = x[:2]
        v[0] = w
        return x

    def branch_functions(x, c):
        if c > 0:
            g = lambda v: v * 2.0
        else:
            g = lambda v: v * 3.0
        return g(x)
    for fn in (views, branch_functions):
        tree = ast.parse(inspect.getsource(fn).replace("    def", "def").replace("\n    ", "\n"))
        nodes = list(ast.walk(gast.ast_to_gast(tree)))
        normalizer = types.SimpleNamespace(locals={"x", "w", "c", "v", "g"})
        assert N._may_write_through_views(nodes) == (fn is views)
        assert N.branch_defines_function(normalizer, nodes) == (fn is branch_functions)


def test_only_helpers_making_complex_values_start_the_complex_check():
    # generated code calls unbroadcast, unreduce, ...: no complex value to follow there;
    # complex_transform and real_rfft (in the derivatives of numpy.fft code) make them
    from astgrad import runtime
    from astgrad.frontend import complex_values
    for helper, starts in ((runtime.unbroadcast, False), (runtime.unreduce, False),
                           (runtime.complex_transform, True), (runtime.real_rfft, True)):
        node = gast.Name(id="helper", ctx=gast.Load(), annotation=None, type_comment=None)
        assert complex_values._names_fft(node, set(), lambda path: helper) is starts
