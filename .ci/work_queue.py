"""Run the test suite of several virtual environments as one work queue (used by .ci/run).

    python3 .ci/work_queue.py WORK WORKERS NAME...

Each NAME is a virtual environment WORK/NAME that .ci/run installs; it writes the
install's exit code to WORK/install<i>.exit (i: NAME's position) when done. WORKERS
pytest processes run at a time, one per core: processes sharing a core evict each
other's caches, and each test then costs more CPU. Whenever one finishes, the next
takes a chunk of test files from the installed environment with the most work left,
its most expensive files first, by their measured CPU seconds (.ci/test_costs.txt).
Chunks are large while much work is left (each process costs about 2 s to start) and
small at the end, so both cores stay busy until the end whichever environment installs
last. The files that use numba go into one chunk: a process pays for importing numba
and compiling its helpers once, where each further process that used it paid about 1.3
CPU seconds again. (SciPy's import, measured the same way, cost a process nothing
noticeable: the files using it are not grouped.) A file that skips itself whole where
a library is missing (numba, SciPy, Dask: extras only the first environment installs)
is costed as skipped where the environment lacks it. The
first environment also builds the documentation site and type-checks
(.ci/checks). It runs every test file; the others run every file but the program
campaigns (.ci/campaigns.txt), which run on the default Python alone.

Each chunk is a pytest process (`python -m pytest` as .ci/pytest_then_exit.py runs it: the
process ends without the interpreter's teardown once pytest has returned its verdict).
Each chunk's output goes to WORK/run<i>_<k>.log and its exit code to WORK/run<i>_<k>.exit;
WORK/chunks<i> has one line per chunk (its estimated CPU seconds, then its files), for
the report. WORK/timeline says when each environment was installed and when each process
started and finished, the CPU seconds each process (with the processes it started) was
predicted to take and took, with their totals per environment, to tell how far the
table is off, and how many core-seconds the cores idled (before the first environment
was installed, between processes, at the end), to tell where CI's wall time goes.
`python3 .ci/work_queue.py --plan [FILE...]` prints the chunks one environment would
get alone, without running them, and each environment's predicted CPU seconds. The
predictions are the table's costs times how much slower each environment ran them in CI
(MEASURED_RATIO)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

CI = Path(__file__).resolve().parent
TABLE = CI / "test_costs.txt"   # written by .ci/test_costs.py

# A chunk holds about 1/(2 * workers) of the work left, but at least SMALLEST_CHUNK
# seconds (each pytest process spends about START_SECONDS of CPU besides its files:
# interpreter, pytest, conftest, astgrad's first uses, the collections ending the
# session; measured as a 5-file chunk's CPU less its files' costs in the same process)
# and at most LARGEST_CHUNK (a long-lived process holds more objects, and each of
# Python's full garbage collections walks them all).
SMALLEST_CHUNK, LARGEST_CHUNK = 20.0, 300.0
START_SECONDS = 2.0
# What the documentation site and the typecheck take (mkdocs build --strict and a
# cold mypy: about 10 s).
CHECKS_SECONDS = 10.0


def read_table(path=TABLE):
    """{test file relative to the repository root: CPU seconds}."""
    costs = {}
    for line in path.read_text().splitlines() if path.exists() else ():
        if line.strip() and not line.startswith("#"):
            seconds, name = line.split(maxsplit=1)
            costs[name] = float(seconds)
    return costs


def test_files():
    """The test files to run: $CI_TEST_FILES (names separated by spaces, for trying CI on
    a few files) or every tests/test_*.py (testpaths has no test files elsewhere)."""
    named = os.environ.get("CI_TEST_FILES", "").split()
    return named or sorted(str(path.relative_to(CI.parent)) for path in CI.parent.glob("tests/test_*.py"))


CAMPAIGNS = CI / "campaigns.txt"  # test files run on the default Python alone


NUMPY_ONLY = CI / "numpy_only.txt"  # test files run where NumPy differs: the default and the oldest NumPy
OLDEST_NUMPY = "3.10.13"            # the environment .ci/run pins to NumPy's floor


def read_campaigns(path=CAMPAIGNS):
    """The program-campaign test files (.ci/campaigns.txt says why they run on one Python);
    also the NumPy-only files, with path=NUMPY_ONLY (.ci/numpy_only.txt says why)."""
    lines = path.read_text().splitlines() if path.exists() else ()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def dealt(files, campaigns, environments, numpy_only=frozenset()):
    """The costed files each of ``environments`` (names, the default Python first) runs:
    the default Python runs every file; the others run every file but the campaigns, and
    but the ``numpy_only`` files where their NumPy is the default's (not the oldest)."""
    shared = [item for item in files if item[1] not in campaigns]
    newest = [item for item in shared if item[1] not in numpy_only]
    return [sorted(files)] + [sorted(shared if name == OLDEST_NUMPY else newest) for name in environments[1:]]


# How many times its table cost each environment's processes took in CI (the timeline's
# "took ... CPU seconds, predicted ..." of a fresh-clone run): the table is measured on
# the developers' default Python, a process alone on a core, and CI runs two processes
# sharing a machine (the default, 1.2 times), Python 3.10 with the oldest NumPy (1.55
# times: Python before 3.11's faster interpreter) and 3.13 (1.08 times). The queue takes
# its chunks and sizes them by the scaled costs, so the slowest environment's work is not
# taken for less than it is and left for the end.
MEASURED_RATIO = {"default": 1.2, "3.10.13": 1.55, "3.13.0": 1.08}


def scaled(files, name):
    """``files`` (costed) as they cost in the environment ``name`` (MEASURED_RATIO)."""
    ratio = MEASURED_RATIO.get(name, 1.0)
    return [(cost * ratio, file) for cost, file in files]


def costed(files, costs):
    """[(CPU seconds, file)], cheapest first. A file missing from the table (a new one)
    is given the table's median cost."""
    known = sorted(costs.values())
    default = known[len(known) // 2] if known else 1.0
    return sorted((costs.get(name, default), name) for name in files)


# Libraries whose first use costs a process a CPU second or more (numba: its import and
# the compilation of its own helpers), and how a test file's text shows it uses them. A
# file naming several goes with the first.
SHARED_IMPORTS = (
    ("numba", re.compile(r"""importorskip\(\s*["']numba|backend\s*=\s*["']numba|^\s*(import|from)\s+numba\b""",
                         re.MULTILINE)),
)


def shared_import(name):
    """The library of SHARED_IMPORTS the test file ``name`` uses, or None."""
    try:
        text = (CI.parent / name).read_text()
    except OSError:
        return None
    return next((library for library, uses in SHARED_IMPORTS if uses.search(text)), None)


def units(files, grouping=shared_import):
    """``files`` (costed, as ``costed`` gives them) as the units chunks are cut from:
    (CPU seconds, file names), cheapest first. The files using one library of
    SHARED_IMPORTS form one unit (run by one process), every other file a unit of its
    own."""
    groups, alone = {}, []
    for cost, name in files:
        library = grouping(name)
        if library is None:
            alone.append((cost, (name,)))
        else:
            groups.setdefault(library, []).append((cost, name))
    together = [(sum(cost for cost, _ in group), tuple(name for _, name in group)) for group in groups.values()]
    return sorted(alone + together)


def cut(left, work_left, workers):
    """Take the next chunk off ``left`` (units, cheapest first, as ``units`` gives them):
    its most expensive unit, then each next most expensive one that still fits the
    chunk's size, given ``work_left`` seconds in all the environments. Returns (seconds,
    files)."""
    size = min(LARGEST_CHUNK, max(SMALLEST_CHUNK, work_left / (2 * workers)))
    seconds, names = 0.0, []
    for k in range(len(left) - 1, -1, -1):
        if not names or seconds + left[k][0] <= size:
            cost, files = left.pop(k)
            seconds += cost
            names.extend(files)
    return seconds, names


# A test file whose top imports a library with pytest.importorskip (numba, SciPy, Dask:
# extras only the default environment installs) is skipped whole where the library is
# missing: there it costs about SKIPPED_SECONDS (importing it), not its row.
NEEDS_AT_THE_TOP = re.compile(r"""^(?:\w+\s*=\s*)?pytest\.importorskip\(\s*["']([\w.]+)""", re.MULTILINE)
SKIPPED_SECONDS = 0.1


def needs(name):
    """The libraries (top-level packages) the test file ``name`` skips itself without."""
    try:
        text = (CI.parent / name).read_text()
    except OSError:
        return set()
    return {library.split(".")[0] for library in NEEDS_AT_THE_TOP.findall(text)}


def missing(python, libraries):
    """Which of ``libraries`` the interpreter ``python`` cannot import."""
    if not libraries:
        return set()
    found = subprocess.run([python, "-c", "import importlib.util, sys\n"
                            "print(*[name for name in sys.argv[1:] if importlib.util.find_spec(name) is None])",
                            *sorted(libraries)], capture_output=True, text=True, cwd=CI.parent)
    return set(found.stdout.split()) if found.returncode == 0 else set()


def skipping(files, python=None):
    """``files`` (costed) as they cost where ``python`` runs them: SKIPPED_SECONDS for a
    file skipped whole for a library ``python`` lacks (with None: lacks every library
    some file needs, as an environment without the extras)."""
    wanted = {name: needs(name) for _, name in files}
    every = set().union(*wanted.values())
    lacking = every if python is None else missing(python, every)
    return sorted((SKIPPED_SECONDS if wanted[name] & lacking else cost, name) for cost, name in files)


class Environment:
    def __init__(self, work, i, name, files):
        self.i, self.venv, self.left, self.chunks = i, work / name, files, 0
        self.env = dict(os.environ, VIRTUAL_ENV=str(self.venv),    # as if activated
                        PATH=f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
        self.env.pop("PYTHONHOME", None)

    def chunk(self, work, work_left, workers):
        """Start the next chunk; returns (process, where its exit code goes, a label)."""
        seconds, names = cut(self.left, work_left, workers)
        with open(work / f"chunks{self.i}", "a") as listing:
            listing.write(f"{seconds:.0f} {' '.join(names)}\n")
        k, self.chunks = self.chunks, self.chunks + 1
        process, exit_file = start([str(self.venv / "bin" / "python"), str(CI / "pytest_then_exit.py"),
                                    "-p", "no:cacheprovider", *names], self.env, work / f"run{self.i}_{k}")
        return process, exit_file, f"{self.venv.name}: test files {k + 1} ({len(names)} files)", \
            seconds + START_SECONDS


def start(argv, env, stem):
    """Start argv with its output in stem.log; returns (process, where its exit code goes)."""
    with open(f"{stem}.log", "w") as log:
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=CI.parent)
    return process, Path(f"{stem}.exit")


def reaped(process):
    """Whether ``process`` has ended, and then the CPU seconds (user + system) it and the
    processes it waited for took: reaped with os.wait4, which reports them (Popen's poll
    would not), its exit code set as poll sets it."""
    pid, status, usage = os.wait4(process.pid, os.WNOHANG)
    if pid == 0:
        return None
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


class Timeline:
    """When each environment was installed and each process ran, in seconds since the
    queue started (when the installs started), the CPU seconds each process was predicted
    to take and took, and the core-seconds left idle."""

    def __init__(self, workers):
        self.workers, self.origin = workers, time.monotonic()
        self.installs, self.runs, self._open = [], [], {}

    def now(self):
        return time.monotonic() - self.origin

    def installed(self, name, code):
        self.installs.append(f"{self.now():6.0f} s  {name}: installed (exit {code})")

    def started(self, process, label, environment, predicted):
        self._open[process] = (label, environment, predicted, self.now())

    def finished(self, process, cpu):
        label, environment, predicted, began = self._open.pop(process)
        self.runs.append((began, self.now(), label, environment, predicted, cpu))

    def text(self):
        runs = sorted(self.runs)
        lines = list(self.installs)
        lines += [f"{began:6.0f} s - {ended:4.0f} s  ({ended - began:3.0f} s)  {label}: CPU {cpu:.0f} s, "
                  f"predicted {predicted:.0f}" for began, ended, label, _, predicted, cpu in runs]
        for environment in dict.fromkeys(run[3] for run in runs):
            mine = [run for run in runs if run[3] == environment]
            predicted, cpu = sum(run[4] for run in mine), sum(run[5] for run in mine)
            lines.append(f"{environment}: {len(mine)} processes took {cpu:.0f} CPU seconds, predicted {predicted:.0f}"
                         f" ({cpu / max(predicted, 1e-9):.2f} times)")
        if runs:
            end = max(run[1] for run in runs)
            busy = sum(ended - began for began, ended, *_ in runs)
            # the tail: each core idles from the end of its last process to the end of the last one
            tail = sorted(run[1] for run in runs)[-self.workers:]
            tail_idle = sum(end - ended for ended in tail)
            lines.append(f"wall {end:.0f} s; the {self.workers} cores ran processes {busy:.0f} s of "
                         f"{self.workers * end:.0f} core-seconds: idle {self.workers * end - busy:.0f} "
                         f"(before the first process {self.workers * runs[0][0]:.0f}, at the end {tail_idle:.0f})")
        return "\n".join(lines) + "\n"


def run(work, workers, names):
    files = costed(test_files(), read_table())
    per_environment = [scaled(mine, name) for name, mine in
                       zip(names, dealt(files, read_campaigns(), names, read_campaigns(NUMPY_ONLY)))]
    installing = dict(enumerate(names))
    ready, running, checks = [], [], []
    timeline = Timeline(workers)
    while installing or running or checks or any(environment.left for environment in ready):
        for i, name in list(installing.items()):
            installed = work / f"install{i}.exit"
            if installed.exists():
                del installing[i]
                timeline.installed(name, installed.read_text().strip())
                if installed.read_text().strip() == "0":
                    per_environment[i] = skipping(per_environment[i], str(work / name / "bin" / "python"))
                    ready.append(Environment(work, i, name, units(per_environment[i])))
                    if i == 0:
                        checks.append(ready[-1].env)
        while len(running) < workers and (checks or any(environment.left for environment in ready)):
            if checks:
                process, exit_file = start([str(CI / "checks"), str(work / "site")], checks.pop(), work / "checks")
                running.append((process, exit_file))
                timeline.started(process, "documentation site and typecheck", "checks", CHECKS_SECONDS)
                continue
            work_left = sum(cost for environment in ready for cost, _ in environment.left) \
                + sum(cost for i in installing for cost, _ in per_environment[i])
            most = max(ready, key=lambda environment: sum(cost for cost, _ in environment.left))
            process, exit_file, label, predicted = most.chunk(work, work_left, workers)
            running.append((process, exit_file))
            timeline.started(process, label, most.venv.name, predicted)
        for process, exit_file in running:
            cpu = reaped(process)
            if cpu is not None:
                exit_file.write_text(f"{process.returncode}\n")
                timeline.finished(process, cpu)
        running = [(process, exit_file) for process, exit_file in running if process.returncode is None]
        time.sleep(0.5)
    (work / "timeline").write_text(timeline.text())


ENVIRONMENTS = ("default", OLDEST_NUMPY, "3.13.0")   # as .ci/run names them


def plan(files, workers=2):
    """Print the chunks the default environment would get alone, then what each of
    CI's environments is predicted to cost (its files' CPU seconds by the table; the
    others lack the extras, so the files needing one are skipped)."""
    files = costed(files or test_files(), read_table())
    left = units(scaled(files, ENVIRONMENTS[0]))
    while left:
        seconds, names = cut(left, sum(cost for cost, _ in left), workers)
        print(f"{seconds:6.1f} s  {len(names):3d} files  {' '.join(names)}")
    for name, mine in zip(ENVIRONMENTS, dealt(files, read_campaigns(), ENVIRONMENTS, read_campaigns(NUMPY_ONLY))):
        if name != ENVIRONMENTS[0]:   # installed without the extras
            mine = skipping(mine)
        table = sum(cost for cost, _ in mine)
        print(f"{name}: {len(mine)} files, {table * MEASURED_RATIO.get(name, 1.0):.0f} CPU seconds "
              f"({table:.0f} by the table; and {START_SECONDS:.0f} s for each process)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--plan"]:
        plan(sys.argv[2:])
    else:
        run(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
