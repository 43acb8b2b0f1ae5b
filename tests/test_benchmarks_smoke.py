"""benchmarks/run.py --quick runs, checks every gradient and prints every workload row.

Timings are not asserted (they depend on the machine); peers may be missing (n/a).
"""

import os
import pathlib

import fresh_process

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKLOAD_ROWS = ("1 scalar loop", "2 MLP", "3 logistic regr.", "4 RNN (BPTT)", "5 elementwise",
                 "6 HVP (MLP, W1)", "7 MLP via tape")


def test_quick_benchmark_run_prints_the_table():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = fresh_process.run([str(ROOT / "benchmarks" / "run.py"), "--quick"], src=str(ROOT / "src"), cwd=ROOT,
                             env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for row in WORKLOAD_ROWS:
        assert any(line.startswith(row) for line in out.splitlines()), f"no row for {row!r}:\n{out}"
    for system in ("numpy primal", "hand-written", "astgrad grad()", "astgrad raw"):
        assert system in out
    assert "gradients checked against hand-written: all agree" in out
    assert "peak memory" in out and "RNN memory (T=" in out
    assert "cache hit" in out


def test_concurrency_benchmark_runs_and_checks_its_results():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = fresh_process.run([str(ROOT / "benchmarks" / "concurrency.py"), "--calls", "60", "--steps", "50"],
                             src=str(ROOT / "src"), cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert [row[0] for row in rows if len(row) == 2 and row[0] in ("1", "2", "4", "8")] == ["1", "2", "4", "8"]
    assert "resident memory" in done.stdout
