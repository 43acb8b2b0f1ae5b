"""The package as installed: its version, its metadata, clear_cache, and its type hints."""


import numpy as np
import pytest

import astgrad
from astgrad import caching
from test_examples import ROOT


def loss(x):
    return np.sum(np.sin(x) * x)


def test_version_is_the_installed_distributions():
    from importlib import metadata
    try:
        expected = metadata.version("astgrad")
    except metadata.PackageNotFoundError:
        expected = astgrad._FALLBACK_VERSION
    assert astgrad.__version__ == expected
    assert astgrad.__version__.count(".") >= 2


def test_the_fallback_version_matches_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{astgrad._FALLBACK_VERSION}"' in text


def test_unknown_attributes_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'gradient'"):
        astgrad.gradient


def test_clear_cache_forgets_generated_code_and_old_gradients_keep_working():
    x = np.array([0.3, -1.2, 2.0])
    expected = np.sin(x) + x * np.cos(x)
    g = astgrad.grad(loss)
    assert loss in caching._cache
    first = astgrad.grad(loss).plain
    astgrad.clear_cache()
    assert loss not in caching._cache and len(caching._by_source) == 0
    np.testing.assert_allclose(g(x), expected)                  # the code it holds
    fresh = astgrad.grad(loss)
    assert fresh.plain is not first                              # generated afresh
    np.testing.assert_allclose(fresh(x), expected)


def test_clear_cache_clears_the_tape_programs():
    from astgrad.tape import program
    t = astgrad.tensor(np.array([1.0, 2.0]), requires_grad=True)
    (t * t).sum().backward()
    assert program.cache_info().currsize >= 1
    astgrad.clear_cache()
    assert program.cache_info().currsize == 0
    t.grad = None
    (t * t).sum().backward()
    np.testing.assert_allclose(np.asarray(t.grad), [2.0, 4.0])


def test_package_files():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert (ROOT / "src" / "astgrad" / "py.typed").exists()


def test_the_installed_numpy_is_in_the_declared_range():
    """CI installs the floor itself on its oldest Python; .ci/run reads it from this line."""
    import re
    floor = re.search(r'^ *"numpy>=([0-9.]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert floor, "pyproject.toml must declare numpy>=X.Y on a line of its own"
    wanted = tuple(int(part) for part in floor.group(1).split("."))
    have = tuple(int(part) for part in np.__version__.split(".")[:len(wanted)])
    assert have >= wanted


def test_import_leaves_the_tape_and_export_to_first_use():
    """``import astgrad`` does not load the tape front end or export; their names load
    them when first used, and ``import astgrad.autograd.functional`` still works."""
    code = ("import sys, astgrad\n"
            "print('astgrad.tape' in sys.modules, 'astgrad.exporting' in sys.modules)\n"
            "import astgrad.autograd.functional as F\n"
            "print(F is astgrad.autograd.functional, F.__name__, F.__spec__.name)\n"
            "print(astgrad.Tensor.__module__, callable(astgrad.export), 'astgrad.exporting' in sys.modules)\n")
    assert _printed_by_a_new_process(code)[:3] == [
        "False False", "True astgrad.tape.functional astgrad.tape.functional", "astgrad.tape.tensor True True"]


def test_import_loads_only_what_gradients_need():
    """``import astgrad`` loads neither the optional libraries, nor the parts of astgrad
    used only by some programs (the tape, export, the CLI, the numba backend), nor the
    generation engine, which loads when code is first generated (code served from the
    disk cache needs none of it; test_disk_cache.py), nor ``hashlib`` (whose start-up
    loads OpenSSL: the disk cache hashes with the interpreter's own SHA-256), nor
    ``numpy.polynomial`` and ``logging`` (their rules register once the program imports
    them), nor ``dataclasses`` (nor does the engine: a dataclass exists only once the
    program imported it), nor what only generation or an
    error reads (the purity analysis, where an error in derivative code came from). Loading the engine imports neither ``numpy.random`` nor ``hashlib`` (a quarter of
    its loading time): what it asks of NumPy's generators it reads when a function uses
    one, nor what only some programs use (pickling, wrt=("x",) or "self.W", the steps
    of a try, the purity analysis of helpers, helpers keeping state in a list or dict they
    are given, the refusals of rarer writes and calls), nor does it probe how NumPy writes into overlapping memory
    (write_order.py): these load when a program uses them. A module of astgrad's
    asked for by name loads without the tape, and the
    tape's own rules, and those registered later, leave the disk cache on."""
    later = ["numba", "scipy", "dask", "torch", "jax", "importlib.metadata", "astgrad.tape", "astgrad.exporting",
             "astgrad.__main__", "astgrad.backend.numba_lower", "astgrad.pipeline", "astgrad.frontend.normalize",
             "astgrad.modes.reverse", "astgrad.modes.forward", "astgrad.modes.checkpoint",
             "astgrad.analysis.shapes", "astgrad.backend.optimize", "hashlib", "numpy.polynomial", "logging",
             "dataclasses", "astgrad.analysis.purity", "astgrad.analysis.seeds", "astgrad.error_origins",
             "astgrad.pickling", "astgrad.tuple_gradient", "astgrad.attribute_gradient", "astgrad.modes.try_steps"]
    # loaded by the program that uses them, not by the engine: a try, pickling, wrt=("x",), a helper
    rare = ["astgrad.modes.try_steps", "astgrad.pickling", "astgrad.tuple_gradient", "astgrad.attribute_gradient",
            "astgrad.analysis.purity", "astgrad.frontend.normalize.handed_state", "astgrad.frontend.threaded",
            "astgrad.frontend.memo_tables", "astgrad.modes.held_methods", "astgrad.modes.copied_holders",
            "astgrad.modes.current_aliases", "astgrad.modes.generated_writes", "astgrad.modes.rebound_items",
            "astgrad.modes.default_writers", "astgrad.modes.impure_callees", "astgrad.modes.value_calls",
            "astgrad.core.reach", "astgrad.core.wrt", "astgrad.analysis.adjoint_reads",
            "astgrad.frontend.normalize.attribute_classes", "astgrad.frontend.file_lambdas",
            "astgrad.frontend.moved_list_words",
            # the dict and display forms (lazy mixins), the shape analysis of calls keeping their
            # operand's shape and of matmul adjoints, generator helpers, the rarer object rewrites,
            # and words of refusals only
            "astgrad.frontend.normalize.dicts", "astgrad.frontend.normalize.displays", "astgrad.analysis.shape_flow",
            "astgrad.analysis.matmul_adjoints", "astgrad.frontend.generators",
            "astgrad.frontend.normalize.source_bindings", "astgrad.frontend.normalize.turn_before_objects",
            "astgrad.frontend.normalize.attribute_aliases",
            "astgrad.frontend.normalize.unbound_after_loops", "astgrad.frontend.normalize.comprehension_names",
            "astgrad.core.user_expressions", "astgrad.modes.call_result_writes", "astgrad.modes.built_in_partial",
            "astgrad.frontend.normalize.object_attributes", "astgrad.frontend.normalize.class_functions",
            # astgrad's transforms called inside differentiated code, and what a try that reads
            # the exception being handled may call
            "astgrad.frontend.normalize.nested", "traceback",
            # what only loops, conditional expressions, order="A", hoisted calls or calls
            # changing an object's attribute need
            "astgrad.analysis.recompute", "astgrad.frontend.normalize.if_stores",
            "astgrad.frontend.normalize.loop_names", "astgrad.frontend.normalize.turn_arrays",
            "astgrad.frontend.normalize.any_orders", "astgrad.frontend.normalize.reads_before_changes",
            "astgrad.frontend.normalize.hoisted_calls",
            # what only a dtype given in the code needs (a structured one is refused)
            "astgrad.frontend.structured_dtypes",
            # asked of the program's classes only once it made a dataclass
            "dataclasses"]
    code = ("import sys, astgrad\n"
            "from astgrad.disk_entries import rules_fingerprint\n"
            "version = rules_fingerprint()\n"
            f"print([name for name in {later!r} if name in sys.modules])\n"
            "from astgrad import pipeline\n"
            "print('astgrad.tape' in sys.modules, rules_fingerprint() == version,\n"
            "      [name for name in ('numpy.random', 'hashlib') if name in sys.modules])\n"
            f"print([name for name in {rare!r} if name in sys.modules],\n"
            "      'READS_FIRST' in vars(sys.modules['astgrad.write_order']))\n"
            "import astgrad.autograd\n"
            "print(version is not None and rules_fingerprint() == version)\n"
            "import logging, numpy.polynomial\n"
            "from astgrad.rules.optional import load_imported\n"
            "load_imported()\n"
            "from astgrad.rules import registry\n"
            "print(registry.rule_key(numpy.polynomial.polynomial.polyval) in registry.ADJOINTS,\n"
            "      rules_fingerprint() == version)\n")
    assert _printed_by_a_new_process(code)[:5] == ["[]", "False True []", "[] False", "True", "True True"]
    # a rule of the program's own, registered before the tape loads, keeps the disk cache
    # off; registered before astgrad's for numpy.polynomial load, it stays the rule
    code = ("import astgrad, numpy, numpy.polynomial\n"
            "from astgrad.disk_entries import rules_fingerprint\n"
            "from astgrad.rules import registry\n"
            "from astgrad.rules.optional import load_imported\n"
            "astgrad.non_differentiable(numpy.fix, numpy.polynomial.polynomial.polyval)\n"
            "import astgrad.autograd\n"
            "load_imported()\n"
            "print(rules_fingerprint(), registry.is_non_differentiable(numpy.polynomial.polynomial.polyval))\n")
    assert _printed_by_a_new_process(code)[0] == "None True"


def _printed_by_a_new_process(code):
    """The lines ``code`` prints, run by a new Python process with this checkout's astgrad."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")


def test_helpers_purity_without_importing_random_modules(tmp_path):
    """Differentiating a function that calls a helper asks whether the helper draws random
    numbers or reads the clock, without importing ``numpy.random`` or ``secrets`` (and
    hashlib with them) to compare its calls with theirs: a program that never imported
    them cannot call them. A (recursive) helper drawing from ``numpy.random``, imported as
    the helper's names are read, is still refused, naming the call."""
    import os
    import subprocess
    import sys
    code = ("import math, sys, numpy, astgrad\n"
            "def helper(x):\n"
            "    return numpy.sin(x) * 2.0\n"
            "def f(x):\n"
            "    return helper(x) + 1.0\n"
            "print(abs(astgrad.grad(f)(0.5) - 2.0 * math.cos(0.5)) < 1e-12,\n"
            "      [name for name in ('numpy.random', 'secrets', 'hashlib') if name in sys.modules])\n"
            "def noisy_power(p, n):\n"       # (recursive: a call, not inlined)
            "    if n == 0:\n"
            "        return p\n"
            "    return noisy_power(p * numpy.random.normal(), n - 1)\n"
            "def g(x):\n"
            "    return noisy_power(x, 2)\n"
            "try:\n"
            "    astgrad.grad(g)(0.5)\n"
            "except astgrad.TransformError as e:\n"
            "    print('the helper noisy_power calls numpy.random.normal' in str(e))\n")
    program = tmp_path / "program.py"       # (astgrad reads the functions' source from its file)
    program.write_text(code)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), ASTGRAD_CACHE="0")
    result = subprocess.run([sys.executable, str(program)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["True []", "True"]


def test_numpy_random_facts_without_importing_it(tmp_path):
    """``import astgrad`` does not import numpy.random, yet what it knows of
    numpy.random.shuffle (it changes its argument) holds once the program imports it,
    and the rule table's version (part of the disk cache's key) is the same whether the
    program imported numpy.random before astgrad, after it, or not at all."""
    import os
    import subprocess
    import sys
    report = ("from astgrad import disk_entries\n"
              "print('numpy.random' in sys.modules, disk_entries.rules_fingerprint())\n")
    shuffles = ("import numpy\n"
                "def f(x):\n"
                "    y = x * 1.0\n"
                "    numpy.random.shuffle(y)\n"
                "    return y[0]\n"
                "try:\n"
                "    astgrad.grad(f)(numpy.ones(3))\n"
                "except astgrad.TransformError as e:\n"
                "    print(\"changes 'y' in place\" in str(e))\n")
    programs = ["import sys, astgrad\n" + report,
                "import sys, astgrad\n" + report + shuffles + report,
                "import sys, numpy.random, astgrad\n" + report + shuffles + report]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    lines = []
    for code in programs:
        program = tmp_path / "program.py"       # (astgrad reads f's source from its file)
        program.write_text(code)
        result = subprocess.run([sys.executable, str(program)], env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        lines.append(result.stdout.split())
    version = lines[0][1]
    assert version != "None"
    assert lines == [["False", version], ["False", version, "True", "True", version],
                     ["True", version, "True", "True", version]]
