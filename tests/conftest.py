"""Shared pytest setup.

tests/ has no __init__.py, so with pytest's default "prepend" import mode the
directory of this conftest (tests/) is put on sys.path, and test modules can
simply `from fd import numerical_grad, assert_close`.
"""

import os

# generated code is not kept on disk while the suite runs (test_disk_cache.py turns it on
# in a directory of its own), so no test depends on what an earlier run left behind
os.environ["ASTGRAD_CACHE"] = "0"

# numba compiles the suite's derivatives without LLVM's optimizations (about half of each
# compile): the tests check what the compiled code computes, which optimizing does not
# change, and which calls it makes (libmvec's), which it keeps. NUMBA_OPT=3 tests the
# optimized build users get. Set before numba is imported, which reads it then.
os.environ.setdefault("NUMBA_OPT", "0")



def _import_hypothesis():
    """Import hypothesis with its bytecode as pytest rewrites it kept on disk. pytest
    rewrites the asserts of every module of a package that provides a pytest plugin, as
    hypothesis does, and caches the rewritten code beside each module's bytecode; where
    PYTHONDONTWRITEBYTECODE is set it never writes that cache, so each pytest process
    rewrote hypothesis's seventy-odd modules again (a second of CPU, half of what
    starting one costs). Written once here, the next processes read it (pytest reads it
    whatever the setting; a tree that cannot be written is left as it is)."""
    import sys
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        import hypothesis
    finally:
        sys.dont_write_bytecode = dont_write
    return hypothesis.settings


settings = _import_hypothesis()


def _compile_astgrad():
    """Write astgrad's bytecode (each module's __pycache__ file, as an import writes it)
    once, for the child processes many tests start: where PYTHONDONTWRITEBYTECODE is set
    no process writes it, and each child would compile astgrad's modules again (about
    half of what importing astgrad costs). Files already up to date are left alone; a
    tree that cannot be written is left as it is."""
    import compileall
    import importlib.util
    spec = importlib.util.find_spec("astgrad")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=2)


_compile_astgrad()


def _collect_the_oldest_generation_less_often():
    """The suite keeps hundreds of thousands of objects alive (generated functions,
    their syntax trees, test tables), and each full collection walks all of them: with
    Python's default thresholds those collections took about 6% of the suite's CPU
    time. Considering a full collection ten times less often leaves young garbage
    collected as before (no test relies on when a collection runs: those that need one
    call gc.collect()), and astgrad's own pausing of the collector is left alone."""
    import gc
    young, middle, oldest = gc.get_threshold()
    gc.set_threshold(young, middle, oldest * 10)


_collect_the_oldest_generation_less_often()


def _end_the_session_collections_once_one_finds_nothing():
    """pytest ends each session with five full collections in a row, so that objects
    freed by the finalizers of one are collected by the next and an error a finalizer
    raises is reported. Each walks every object the process holds (a second or more in a
    process that has run many tests). A collection that finds no unreachable object runs
    no finalizer and frees nothing, so the ones after it would find nothing either: they
    are skipped, and every object the five would free is still freed, with the same
    reports. (pytest versions without this helper are left as they are.)"""
    import gc
    try:
        from _pytest import unraisableexception
    except ImportError:
        return
    if not callable(getattr(unraisableexception, "gc_collect_harder", None)):
        return

    def gc_collect_harder(iterations):
        for _ in range(iterations):
            if gc.collect() == 0:
                break

    unraisableexception.gc_collect_harder = gc_collect_harder


_end_the_session_collections_once_one_finds_nothing()


def _report_expected_failures_without_their_tracebacks():
    """An xfail test that raises what its mark expects is reported as xfailed, and its
    traceback is never shown; pytest still renders it, reading the source of every frame
    again (each one parses the frame's whole file): a tenth of a second for each failure
    deep in astgrad, about 5% of the CPU of the program campaigns, whose tables hold
    strict xfails. Such a failure gets its exception's one line instead. Any other failure
    (an xfail raising another exception than expected, an ordinary test, ``--runxfail``)
    keeps its full traceback. (pytest versions without these internals are left as they are.)"""
    try:
        import pytest
        from _pytest.reports import TestReport
        from _pytest.skipping import xfailed_key
    except ImportError:
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(item, call):
        xfailed = item.stash.get(xfailed_key, None)
        raises = None if xfailed is None else xfailed.raises
        if call.excinfo is None or xfailed is None or call.when != "call" or item.config.option.runxfail \
                or raises is not None and not (isinstance(raises, (type, tuple))
                                               and isinstance(call.excinfo.value, raises)):
            return None         # pytest's own report
        item.repr_failure = lambda excinfo: f"{excinfo.typename}: {excinfo.value}"
        try:
            return TestReport.from_item_and_call(item, call)
        finally:
            del item.repr_failure
    return pytest_runtest_makereport


_quick_report = _report_expected_failures_without_their_tracebacks()
if _quick_report is not None:
    pytest_runtest_makereport = _quick_report

# Bounded, timing-insensitive property tests: the CI machine has 2 cores and
# runs the suite on several interpreters. Choose another profile with
# HYPOTHESIS_PROFILE=default (hypothesis' built-in one). CI draws a new seed in each
# run, so a failure prints the @reproduce_failure(...) decorator that runs its example
# again (print_blob), whatever the seed was.
settings.register_profile("ci", max_examples=50, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=600, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The hash seeds of the fresh processes a test started (tests/fresh_process.py draws them
# at random in each run), named in its report when it fails, so that the failure can be
# run again with the same ones.
_fresh_children_before = [0]


def _fresh_child_seeds():
    import sys
    fresh_process = sys.modules.get("fresh_process")
    return [] if fresh_process is None else fresh_process.CHILD_SEEDS


def pytest_runtest_logstart(nodeid, location):
    _fresh_children_before[0] = len(_fresh_child_seeds())


def pytest_runtest_logreport(report):
    if report.failed:
        import sys
        children = _fresh_child_seeds()[_fresh_children_before[0]:]
        hint = children and sys.modules["fresh_process"].seeds_hint(children)
        if hint:
            report.sections.append(("fresh processes", hint))
