"""Run pytest as `python -m pytest ARGS` does, then end the process without tearing the
interpreter down (used by .ci/work_queue.py for each chunk of test files).

    python .ci/pytest_then_exit.py ARGS

Once pytest has returned, its verdict is out: the report printed, the exit code known,
its end-of-session collections run (so an exception a finalizer raised is reported). A
CI process then holds a million objects or more (generated code, syntax trees, test
tables), and the interpreter's own exit freed each of them, one more full collection
among it: about 6% of a process's CPU seconds (1.7 of 29 in a process of two test files),
spent after the verdict, deciding nothing. So this runs the exit's atexit handlers (they
stop tests/fresh_process.py's servers, remove pytest's locks, flush logging), flushes the
standard streams, and ends the process with pytest's exit code. If pytest raises instead
of returning, the interpreter exits as it would have."""

import os
import sys


class _ModuleSkips:
    """Counts the test files skipped whole (``pytest.importorskip`` at module level)."""

    count = 0

    def pytest_collectreport(self, report):
        if report.skipped:
            self.count += 1


if __name__ == "__main__":      # not when multiprocessing's spawned children import it
    sys.path[0] = os.getcwd()   # where `python -m` puts the working directory (a script puts its own folder)
    import pytest
    sys.argv[0] = os.path.join(os.path.dirname(pytest.__file__), "__main__.py")
    skips = _ModuleSkips()
    code = int(pytest.main(plugins=[skips]))    # what `python -m pytest` returns (its console_main, deprecated, adds a flush)
    if code == pytest.ExitCode.NO_TESTS_COLLECTED and skips.count:
        code = 0        # a chunk whose files all skip whole (SciPy's tests where it is absent) passed
    import atexit
    atexit._run_exitfuncs()     # what the exit runs before its teardown
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
