"""Exported derivatives of the constructs astgrad follows lately, run where astgrad cannot
be imported (tests/export86_programs.py holds the programs).

- Objects built by helpers (alone, aliased, in a tuple, after checks), shallow copies of
  lists and dicts, copies of lists of objects, values a class holds, a view of an
  object's array kept across its method, and a global object's own ``get``: exported in reverse and forward mode at orders 1 and 2, at
  two sizes, each module passing the linter and importing no astgrad. All of them run in
  one process where astgrad cannot be imported; their values are compared with the
  in-process derivative and with central differences (of the function at order 1, of the
  in-process gradient at order 2).
- Their neighbours astgrad refuses in process (a helper writing into an item of a shallow
  copy, an object registering a value of the inputs, op= on an array a class holds, a copy
  of a list of objects given a new one) are refused by export too, or by the exported
  module when it runs, in the same words: never a module giving other values. An object
  registering itself in a global list the code was generated for (followed in process)
  is refused at export: the module would refuse every call after the first.
- ``parser.get(W, "a")`` on an argument, keyed by the differentiated argument (the a31
  LeNet loss's weights parser): export has no argument to see the class of, and a dict's
  get cannot be meant, so it is refused at export naming the line.
- ``table.get(k)`` and ``table.items()`` on an argument are read as a dict's; a mapping
  whose class defines ``get`` its own way, or a dict subclass overriding ``__getitem__``
  (which ``dict.get`` does not call), is refused when the exported module runs, naming
  the method (the exported module read ``table[k]`` there, a wrong value); the same
  generic code run in process for the items of a list is refused the same way (it gave
  wrong gradients). A dict and a Mapping using Mapping's ``get`` are followed."""

import importlib
import inspect
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import astgrad
import export86_programs as programs
from astgrad.exporting import ExportError, _derivative
from export_lint import lint_problems
from fd import assert_close, numerical_grad, numerical_jvp

TESTS = os.path.dirname(os.path.abspath(__file__))

FOLLOWED = ["helper_object", "helper_new_object", "tuple_unpacked", "tuple_bound", "checking_helper",
            "helper_object_aliased", "new_item_stored", "new_item_stored_into_list_call", "dict_copy_written_here",
            "list_copy_of_objects", "list_call_of_objects", "class_array_shadowed", "class_float", "class_tuple",
            "view_kept_by_the_caller", "parsed_by_global"]
WAYS = [("reverse", 1), ("forward", 1), ("reverse", 2), ("forward", 2)]
SHAPES = [(4,), (6,)]

# each call in the child: (exported module, function, positional args, keywords); a call
# raising gives ("raised", its type's name, its message)
CHILD = r'''
import importlib.abc, pickle, sys


class NoAstgrad(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "astgrad" or name.startswith("astgrad."):
            raise ModuleNotFoundError("astgrad is not importable here")


sys.meta_path.insert(0, NoAstgrad())
sys.path[:0] = [sys.argv[1], sys.argv[2]]
with open(sys.argv[3], "rb") as handle:
    calls = pickle.load(handle)
results = []
for module, function, args, kwargs in calls:
    try:
        results.append(getattr(__import__(module), function)(*args, **kwargs))
    except Exception as error:
        results.append(("raised", type(error).__name__, str(error)))
with open(sys.argv[4], "wb") as handle:
    pickle.dump(results, handle)
'''


def _export(where, name, f, mode, order):
    """Write ``f``'s derivative as ``where/name.py``: its function's name and the names
    of its seeds (keyword-only parameters with no default)."""
    text = astgrad.export(f, 0, mode=mode, order=order, path=str(where / f"{name}.py"))
    assert lint_problems(text) == []
    assert "import astgrad" not in text and "from astgrad" not in text
    namespace = {}
    exec(compile(text, f"{name}.py", "exec"), namespace)
    function = _derivative(f, 0, mode, order).__code__.co_name
    keywords = [p.name for p in inspect.signature(namespace[function]).parameters.values()
                if p.kind is p.KEYWORD_ONLY]
    return function, keywords


def _run_without_astgrad(where, calls):
    given, result = where / "calls.pickle", where / "results.pickle"
    with open(given, "wb") as handle:
        pickle.dump(calls, handle)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONNOUSERSITE": "1"}
    run = subprocess.run([sys.executable, "-I", "-c", CHILD, str(where), TESTS, str(given), str(result)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    with open(result, "rb") as handle:
        return pickle.load(handle)


def _raised(result):
    return isinstance(result, tuple) and len(result) == 3 and isinstance(result[0], str) and result[0] == "raised"


def _point(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-0.8, 0.8, shape), rng.normal(size=shape)


def _expected(f, mode, order, x, v):
    """What astgrad gives in process, and central differences (of the function at order 1,
    of the in-process gradient along ``v`` at order 2)."""
    if order == 1 and mode == "reverse":
        return astgrad.grad(f)(x), numerical_grad(f, (x,))
    if order == 1:
        return astgrad.jvp(f, (x,), (v,))[1], numerical_jvp(f, (x,), (v,))
    return astgrad.hvp(f)(x, v), numerical_jvp(astgrad.grad(f), (x,), (v,))


def _maps():
    one = np.linspace(0.5, 1.5, 4)
    return {"dict": {"a": one, "b": one * 2.0}, "Table": programs.Table({"a": one, "b": one * 2.0}),
            "Scaled": programs.Scaled(a=one, b=one * 2.0), "Doubled": programs.Doubled(a=one, b=one * 2.0)}


# what the exported module does with each mapping: follow it, or refuse naming this method
MAPPED = {("looked_up", "dict"): None, ("looked_up", "Table"): None, ("looked_up", "Scaled"): "Scaled.get",
          ("looked_up", "Doubled"): "Doubled.__getitem__", ("items_summed", "dict"): None,
          ("items_summed", "Table"): None, ("items_summed", "Scaled"): None,
          ("items_summed", "Doubled"): "Doubled.__getitem__"}


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """Every exported call's result where astgrad cannot be imported, by its case."""
    where = tmp_path_factory.mktemp("export86")
    programs.REG.clear()
    cases, calls = [], []
    for name in FOLLOWED:
        for mode, order in WAYS:
            module = f"{name}_{mode}_{order}"
            function, keywords = _export(where, module, getattr(programs, name), mode, order)
            # the tangent (forward mode: d_x, at order 2 dd_x) or the seed of the gradient
            # differentiated (reverse mode at order 2: dd_d_x), as docs/export.md names them
            seeds = [k for k in keywords if k == {"forward": "d" * order + "_x", "reverse": "dd_d_x"}[mode]]
            assert len(seeds) == (0 if (mode, order) == ("reverse", 1) else 1), keywords
            for shape in SHAPES:
                x, v = _point(shape, len(calls))
                cases.append(((name, mode, order, shape), x, v))
                # reverse mode at order 1 takes no seed: its seed is the output's (1.0)
                kwargs = {} if (mode, order) == ("reverse", 1) else {seeds[0]: v}
                calls.append((module, function, (x,), kwargs))
    for name in ("looked_up", "items_summed"):
        function, _ = _export(where, name, getattr(programs, name), "reverse", 1)
        for kind, table in _maps().items():
            x, _ = _point((4,), len(calls))
            cases.append(((name, kind), x, table))
            calls.append((name, function, (x, table), {}))
    results = _run_without_astgrad(where, calls)
    programs.REG.clear()
    return {case: (x, v, result) for (case, x, v), result in zip(cases, results)}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("mode,order", WAYS)
@pytest.mark.parametrize("name", FOLLOWED)
def test_exported_without_astgrad_gives_astgrads_values(bare, name, mode, order, shape):
    x, v, got = bare[name, mode, order, shape]
    assert not _raised(got), got
    if mode == "forward":
        got = got[1]                # (value or gradient, its tangent)
    in_process, by_differences = _expected(getattr(programs, name), mode, order, x, v)
    assert_close(got, in_process, 1e-9, 1e-12)
    assert_close(got, by_differences, 1e-6, 1e-7)


@pytest.mark.parametrize("mode,order", WAYS)
def test_a_registering_constructor_is_refused_at_export(mode, order):
    """The code reading REG[-1] is generated for the objects the global list REG holds,
    which the exported module checks at each call; building Logged appends to REG at each
    call, so the module would refuse every call after the first (it did: a RuntimeError
    saying REG changed). Export refuses it, naming the line appending. In process it is
    followed (test_registering_objects85.py)."""
    programs.REG.clear()
    line = _line_of(programs.Logged.__init__, "REG.append(self)")
    with pytest.raises(ExportError, match=rf"export86_programs.py:\d+: the derivative of constant_registered reads "
                                          rf"the global list REG, .*export86_programs.py:{line} \(REG.append\) "
                                          r"changes that list at each call of constant_registered"):
        astgrad.export(programs.constant_registered, 0, mode=mode, order=order)


def _line_of(function, text):
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, source in enumerate(lines) if text in source)


@pytest.mark.parametrize("mode,order", WAYS)
def test_get_keyed_by_the_differentiated_argument_is_refused_at_export(mode, order):
    with pytest.raises(astgrad.TransformError, match=r"export86_programs.py:\d+: astgrad.export writes the "
                                                     r"derivative of parsed before it is called") as refused:
        astgrad.export(programs.parsed, 0, mode=mode, order=order)
    assert 'a = parser.get(x, "a")' in str(refused.value)


@pytest.mark.parametrize("shape", [(4,), (6,)], ids=str)
def test_get_of_an_argument_object_followed_in_process(shape):
    x, v = _point(shape, 7)
    parser = programs.WeightsParser()
    f = programs.parsed
    assert_close(astgrad.grad(f)(x, parser), numerical_grad(f, (x, parser)), 1e-6, 1e-7)
    assert_close(astgrad.jvp(f, (x, parser), (v, None))[1], numerical_jvp(lambda a: f(a, parser), (x,), (v,)),
                 1e-6, 1e-7)
    assert_close(astgrad.hvp(lambda a: f(a, parser))(x, v),
                 numerical_jvp(astgrad.grad(lambda a: f(a, parser)), (x,), (v,)), 1e-6, 1e-7)


@pytest.mark.parametrize("name,kind", sorted(MAPPED))
def test_exported_get_and_items_follow_a_mapping_or_refuse_its_own_methods(bare, name, kind):
    x, table, got = bare[name, kind]
    own = MAPPED[name, kind]
    if own is None:
        assert not _raised(got), got
        f = getattr(programs, name)
        assert_close(got, numerical_grad(f, (x, table)), 1e-6, 1e-7)
        return
    assert _raised(got) and got[1] == "TypeError", got
    assert f"called on a {kind} object, whose {own} is its class's own" in got[2]
    assert "export86_programs.py:" in got[2]


def _modes(f, x, tables):
    """The derivative of ``f`` at ``x`` (the tables held constant) in each mode."""
    def at(a):
        return f(a, tables)
    yield "grad", lambda: astgrad.grad(f)(x, tables)
    yield "value_and_grad", lambda: astgrad.value_and_grad(f)(x, tables)[1]
    yield "vjp", lambda: astgrad.vjp(at, x)[1](1.0)[0]
    yield "jvp", lambda: astgrad.jvp(at, (x,), (np.ones_like(x),))[1]


@pytest.mark.parametrize("kind,own", [("Scaled", "Scaled.get"), ("Doubled", "Doubled.__getitem__")])
def test_a_list_items_own_get_refused_in_process(kind, own):
    """The items of a list argument are read with the generic code: a mapping item whose
    get is not dict.get's reading of its items is refused (it gave a wrong gradient)."""
    x = np.array([0.3, -0.2, 0.5, 0.9])
    tables = [{"a": np.full(4, 0.5)}, _maps()[kind]]
    for mode, run in _modes(programs.looked_up_in_each, x, tables):
        with pytest.raises(TypeError, match=rf"called on a {kind} object, whose {own.replace('.', '[.]')} is"):
            run()


@pytest.mark.parametrize("kind", ["dict", "Table"])
def test_a_list_of_mappings_followed_in_process(kind):
    x = np.array([0.3, -0.2, 0.5, 0.9])
    tables = [{"a": np.full(4, 0.5)}, _maps()[kind]]
    f = programs.looked_up_in_each
    expected = numerical_grad(f, (x, tables))
    for mode, run in _modes(f, x, tables):
        got = run()
        assert_close(got, np.sum(expected) if mode == "jvp" else expected, 1e-6, 1e-7)


@pytest.mark.parametrize("name", ["copy_written_by_helper", "registered_input", "class_array_written",
                                  "copy_popped"])
def test_refused_neighbours_refused_by_export_as_in_process(name, tmp_path):
    """Refused in process, refused by export or by the exported module, in the same words."""
    f = getattr(programs, name)
    x = np.array([0.3, -0.2, 0.5])
    with pytest.raises((TypeError, astgrad.TransformError)) as in_process:
        astgrad.grad(f)(x)
    for mode in ("reverse", "forward"):
        with pytest.raises(type(in_process.value)) as exported:
            function, keywords = _export(tmp_path, f"{name}_{mode}", f, mode, 1)
            sys.path.insert(0, str(tmp_path))
            try:
                module = importlib.import_module(f"{name}_{mode}")
                getattr(module, function)(x, **({keywords[0]: np.ones(3)} if mode == "forward" else {}))
            finally:
                sys.path.remove(str(tmp_path))
                sys.modules.pop(f"{name}_{mode}", None)
        assert str(exported.value).splitlines()[0] == str(in_process.value).splitlines()[0]
