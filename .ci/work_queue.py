"""Run the test suite of several virtual environments as one work queue (used by .ci/run).

    python3 .ci/work_queue.py WORK WORKERS NAME...

Each NAME is a virtual environment WORK/NAME that .ci/run installs; it writes the
install's exit code to WORK/install<i>.exit (i: NAME's position) when done. The test
files are packed into chunks of about CHUNK_SECONDS of CPU by their measured cost
(.ci/test_costs.txt), and WORKERS processes at a time, one per core, take the most
expensive waiting chunk of whichever environments are installed: both cores stay busy
until the end whichever environment installs last, and no more processes run than
there are cores (processes sharing a core evict each other's caches, and each test then
costs more CPU). The first environment also builds the documentation site and
type-checks (.ci/checks).

Each chunk's output goes to WORK/run<i>_<k>.log and its exit code to WORK/run<i>_<k>.exit;
WORK/chunks<i> has one line per chunk (its estimated CPU seconds, then its files), for
the report. `python3 .ci/work_queue.py --plan [FILE...]` prints the chunks without running.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

CI = Path(__file__).resolve().parent
TABLE = CI / "test_costs.txt"   # written by .ci/test_costs.py

# About 2 s of CPU start each pytest process (interpreter, pytest, astgrad, conftest):
# chunks of this size keep that under 3% of the suite, and the last chunks to finish
# leave a core idle for at most about half a chunk.
CHUNK_SECONDS = 80.0
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


def chunks(files, costs):
    """Pack files into chunks of about CHUNK_SECONDS, most expensive file first, each into
    the cheapest chunk so far (longest processing time first). A file missing from the
    table (a new one) is given the table's median cost."""
    known = sorted(costs.values())
    default = known[len(known) // 2] if known else 1.0
    cost = {name: costs.get(name, default) for name in files}
    count = max(1, round(sum(cost.values()) / CHUNK_SECONDS))
    packed = [[0.0, []] for _ in range(min(count, len(files)))]
    for name in sorted(files, key=lambda name: (-cost[name], name)):
        cheapest = min(packed, key=lambda chunk: chunk[0])
        cheapest[0] += cost[name]
        cheapest[1].append(name)
    return sorted(packed, key=lambda chunk: -chunk[0])


class Task:
    def __init__(self, seconds, argv, env, log, exit_file):
        self.seconds, self.argv, self.env, self.log, self.exit_file = seconds, argv, env, log, exit_file
        self.process = None

    def start(self):
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(self.argv, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=CI.parent)

    def finished(self):
        code = self.process.poll()
        if code is not None:
            Path(self.exit_file).write_text(f"{code}\n")
        return code is not None


def tasks(work, i, name, files, costs):
    """The chunks of environment i (and its checks, for the first), as it were activated."""
    venv = work / name
    env = dict(os.environ, VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHONHOME", None)
    found = []
    with open(work / f"chunks{i}", "w") as listing:
        for k, (seconds, names) in enumerate(chunks(files, costs)):
            listing.write(f"{seconds:.0f} {' '.join(names)}\n")
            found.append(Task(seconds, [str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", *names],
                              env, work / f"run{i}_{k}.log", work / f"run{i}_{k}.exit"))
    if i == 0:
        found.append(Task(CHECKS_SECONDS, [str(CI / "checks"), str(work / "site")], env,
                          work / "checks.log", work / "checks.exit"))
    return found


def run(work, workers, names):
    files, costs = test_files(), read_table()
    installing = dict(enumerate(names))
    waiting, running = [], []
    while installing or waiting or running:
        for i, name in list(installing.items()):
            installed = work / f"install{i}.exit"
            if installed.exists():
                del installing[i]
                if installed.read_text().strip() == "0":
                    waiting += tasks(work, i, name, files, costs)
                    waiting.sort(key=lambda task: task.seconds)   # the most expensive last, popped first
        while waiting and len(running) < workers:
            task = waiting.pop()
            task.start()
            running.append(task)
        running = [task for task in running if not task.finished()]
        time.sleep(0.5)


def plan(files):
    for seconds, names in chunks(files or test_files(), read_table()):
        print(f"{seconds:6.1f} s  {len(names):3d} files  {' '.join(names)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--plan"]:
        plan(sys.argv[2:])
    else:
        run(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
