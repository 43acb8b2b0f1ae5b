"""The public view of the rule table (astgrad.rules(), python -m astgrad rules, docs/rules.md),
missing-rule errors that name the closest supported function, and templates parsed on
first use (once, even from several threads)."""

import dataclasses
import importlib.util
import inspect
import os
import pathlib
import threading
import time

import numpy as np
import pytest

import astgrad
from astgrad.__main__ import main
from astgrad.rules import declare, listing, registry, template
import fresh_process

ROOT = pathlib.Path(__file__).resolve().parent.parent


def by_name(entries):
    return {e.name: e for e in entries}


def test_rules_lists_public_functions_with_modes_orders_and_kind():
    entries = astgrad.rules()
    table = by_name(entries)
    svd = table["numpy.linalg.svd"]
    assert (svd.modes, svd.orders, svd.kind) == (("reverse", "forward"), "any", "templates")
    assert table["numpy.sin"].kind == "elementwise"
    assert table["numpy.flip"].kind == "linear"
    assert table["math.erf"].modes == ("reverse", "forward")
    assert table["len"].kind == "non-differentiable"
    assert "operator.add" in table and "numpy.ndarray.sum" in table
    assert "numpy.arccos" in table and "numpy.acos" in table      # every public alias
    assert not any(name.startswith("astgrad") for name in table)  # no runtime helpers
    assert [e.name.lower() for e in entries] == sorted(e.name.lower() for e in entries)
    with pytest.raises(dataclasses.FrozenInstanceError):
        svd.orders = "1"


def test_a_pattern_is_a_substring_or_a_shell_pattern():
    # (scipy.linalg.eigvalsh has a rule too, listed once SciPy is imported)
    assert {e.name for e in astgrad.rules("NUMPY.LINALG.EIGVAL")} == {"numpy.linalg.eigvals", "numpy.linalg.eigvalsh"}
    fft = astgrad.rules("numpy.fft.*")
    assert fft and all(e.name.startswith("numpy.fft.") for e in fft)
    assert astgrad.rules("no_such_function_anywhere") == []


def without_rules(x):
    return x


def test_orders_is_one_where_a_template_calls_a_function_without_rules():
    def rank_adjoint(y, a):
        d[a] = without_rules(d[y])

    d = registry.d
    record = registry.Primitive(np.linalg.matrix_rank, kind="templates",     # not registered
                                adjoint=template.Template(rank_adjoint, "adjoint", np.linalg.matrix_rank))
    assert id(record) not in listing._higher_order([record])
    svd = registry.primitive(np.linalg.svd)
    assert id(svd) in listing._higher_order([svd])


def test_scipy_rules_are_listed_when_scipy_is_installed():
    pytest.importorskip("scipy")
    table = by_name(astgrad.rules("scipy"))
    assert "scipy.special.gammaln" in table
    assert "scipy.stats.norm.logpdf" in table
    assert "scipy.stats.multivariate_normal.logpdf" in table


def test_the_command_prints_a_table(capsys):
    assert main(["rules", "linalg.eig"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["function", "reverse", "forward", "orders", "kind"]
    assert lines[1].split() == ["numpy.linalg.eig", "yes", "yes", "any", "templates"]
    assert main(["rules", "no_such_function_anywhere"]) == 2


def without_scipy(text):
    heading = f"\n## {listing.SCIPY_SECTION}\n"
    return text.split(heading)[0]


def test_docs_rules_md_is_up_to_date():
    page = (ROOT / "docs" / "rules.md").read_text()
    written_for = f"The names are those of NumPy {listing.numpy_version()};"
    if written_for not in page:
        pytest.skip(f"docs/rules.md lists another NumPy version's names; this is NumPy {np.__version__}")
    generated = listing.markdown(astgrad.rules())
    if importlib.util.find_spec("scipy") is None:       # the page has a SciPy section; skip it
        page, generated = without_scipy(page), without_scipy(generated)
    assert page == generated, f"docs/rules.md is out of date: regenerate it with `{listing.REGENERATE}`"


# -- missing rules ------------------------------------------------------------------------------

def nan_argmax(x):
    return np.nanargmax(x) * x[0]


def unwrapped(x):
    return np.sum(np.unwrap(x))


def test_a_missing_rule_names_the_closest_supported_function():
    assert registry.suggestion(np.linalg.eigvals, "adjoint") == "; did you mean numpy.linalg.eigvalsh?"
    assert registry.suggestion(np.linalg.eigvals, "tangent") == "; did you mean numpy.linalg.eigvalsh?"
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(nan_argmax)(np.ones(3))
    assert "no adjoint rule for numpy.nanargmax; did you mean numpy.nanmax? " \
           "astgrad cannot differentiate through it" in str(info.value)
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.jvp(nan_argmax, (np.ones(3),), (np.ones(3),))
    assert "no tangent rule for numpy.nanargmax; did you mean numpy.nanmax?" in str(info.value)


def test_a_name_alike_only_in_its_module_prefix_is_not_suggested():
    assert registry.suggestion(np.zeros, "adjoint") == ";"         # not numpy.cross
    assert registry.suggestion(np.isin, "adjoint") == ";"          # a test, not numpy.sin
    assert registry.suggestion(np.isreal, "tangent") == ";"        # nor numpy.real
    assert registry.suggestion(np.linalg.cond, "adjoint") == ";"   # not numpy.linalg.cross


def test_another_module_is_suggested_only_for_a_function_of_the_same_name_and_never_math_for_arrays():
    pytest.importorskip("scipy")
    from scipy import linalg, special
    from astgrad.rules.optional import load_imported
    load_imported()
    assert registry.suggestion(linalg.det, "adjoint") == "; did you mean numpy.linalg.det?"
    # math.cbrt takes one float: NumPy's namesake works on arrays
    assert registry.suggestion(special.cbrt, "adjoint") == "; did you mean numpy.cbrt?"
    # a name only alike in another module is another function (matrix sine, generalized
    # exponential integral)
    for unlike in (linalg.sinm, linalg.expm, special.expn, special.radian):
        assert registry.suggestion(unlike, "tangent") == ";", unlike.__name__


def test_without_a_close_function_the_message_is_unchanged():
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(unwrapped)(np.ones(3))
    assert "no adjoint rule for numpy.unwrap; astgrad cannot differentiate through it. " \
           "Register one with @astgrad.adjoint" in str(info.value)


def matrix_sine(x):
    from scipy import linalg
    return np.sum(linalg.sinm(np.outer(x, x)))


def test_a_missing_rule_names_the_function_as_the_user_writes_it():
    pytest.importorskip("scipy")
    for transform in (astgrad.grad, lambda f: astgrad.jvp(f, (np.ones(2),), (np.ones(2),))):
        with pytest.raises(astgrad.TransformError, match=r"rule for scipy\.linalg\.sinm[;,]") as info:
            transform(matrix_sine)
        assert "_matfuncs" not in str(info.value)      # not the private module it is defined in


# -- templates parsed on first use ----------------------------------------------------------------

def test_import_parses_no_template():
    """``import astgrad`` registers no rule (the table's first read does, rules/loading.py),
    and registering them parses no template (each is parsed when first used)."""
    code = ("import gc, astgrad; from astgrad.rules.template import Template\n"
            "def templates():\n"
            "    ts = [o for o in gc.get_objects() if isinstance(o, Template)]\n"
            "    return f'{len(ts)} {sum(t.parsed for t in ts)}'\n"
            "print(templates())\n"
            "from astgrad.rules import registry\n"
            "print(registry.primitive(len) is not None, templates())\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = fresh_process.run(["-c", code], src=str(ROOT / "src"), env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    at_import, after_read = done.stdout.splitlines()
    assert at_import == "0 0"
    read, total, parsed = after_read.split()
    assert read == "True" and int(total) > 500 and parsed == "0"


def test_a_template_without_source_is_refused_saying_so():
    """A rule whose template was made by exec (or typed at a prompt) has no source to read:
    registering it raises an error naming the template, and registers nothing."""
    namespace = {"d": registry.d, "np": np}
    exec("def tanh_rule(y, x):\n    d[x] = d[y] * 2.0\n", namespace)
    before = registry.lookup(registry.ADJOINTS, np.tanh)
    with pytest.raises(TypeError, match="rule template tanh_rule: cannot read its source .*define it in a file"):
        registry.adjoint(np.tanh)(namespace["tanh_rule"])
    assert registry.lookup(registry.ADJOINTS, np.tanh) is before


def test_two_threads_reading_one_template_parse_it_once(monkeypatch):
    def sin_rule(y, x):
        d[x] = d[y] * np.cos(x)

    d = registry.d
    calls = []
    parse = template._parse

    def slow_parse(*args):
        calls.append(1)
        time.sleep(0.05)
        return parse(*args)

    monkeypatch.setattr(template, "_parse", slow_parse)
    shared = template.Template(sin_rule, "adjoint", np.sin)
    assert not shared.parsed
    start, bodies = threading.Barrier(8), []

    def read():
        start.wait()
        bodies.append(shared.body)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(bodies) == 8
    assert all(body is bodies[0] for body in bodies)
    assert shared.parsed and shared.result == "y" and "cos" in shared.source


def test_declared_parameter_names_match_their_signatures():
    records = {id(r): r for r in registry.PRIMITIVES.values()}.values()
    lambdas = [fn for r in records for fn in r.derivative]
    assert len(lambdas) > 50
    for fn in lambdas:
        assert declare._Parameters(fn).names == list(inspect.signature(fn).parameters)
