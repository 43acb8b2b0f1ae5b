"""pytest plugin: measure the CPU seconds of each test file into .ci/test_costs.txt.

CI (.ci/work_queue.py) splits the test files into processes by these costs. Regenerate the
table on a quiet machine, with every extra installed, from the repository root:

    PYTHONPATH=src:.ci python -m pytest -p no:cacheprovider -p test_costs tests/

A file's cost is the CPU time (user + system, of pytest and of the child processes its
tests started) spent importing it and running its tests: the processes it waited for, and
those tests/fresh_process.py forks, which pytest never waits for (their servers end after
the last test), counted as each run ends. The rows of the files a run
measured are replaced and the other rows kept, so a run over some files (or the suite in
two halves, one after the other) updates just those.
"""

import resource
import sys
from collections import Counter
from pathlib import Path

import pytest

from work_queue import TABLE, read_table

_seconds = Counter()


def _cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    forked = sys.modules.get("fresh_process")
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime \
        + (forked.CHILDREN_CPU[0] if forked is not None else 0.0)


def _charge(path, start):
    _seconds[Path(path).resolve()] += _cpu() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    start = _cpu()
    yield
    if isinstance(collector, (pytest.Module, pytest.Class)):   # importing, parametrizing
        _charge(collector.path, start)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start = _cpu()
    yield
    _charge(item.path, start)


def pytest_sessionfinish(session):
    root = Path(session.config.rootpath).resolve()
    costs = read_table()
    costs.update({str(path.relative_to(root)): seconds for path, seconds in _seconds.items()})
    rows = sorted(((round(max(seconds, 0.1), 1), name) for name, seconds in costs.items()
                   if (root / name).exists()),   # a file since deleted or renamed loses its row
                  key=lambda row: (-row[0], row[1]))
    with TABLE.open("w") as table:
        table.write(
            "# CPU seconds per test file (importing it and running its tests), for splitting\n"
            "# the suite into processes in CI; written by .ci/test_costs.py, whose docstring\n"
            "# says how to regenerate it.\n")
        table.writelines(f"{seconds:.1f} {name}\n" for seconds, name in rows)
