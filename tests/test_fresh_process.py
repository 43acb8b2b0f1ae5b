"""fresh_process.run stands in for a new interpreter: what a program prints, its exit
code and its uncaught error's traceback are those of ``python -c`` and ``python FILE``,
and one run and the next hash strings differently."""

import os
import subprocess
import sys
import types

import pytest

import fresh_process

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

PROGRAM = """\
import os, sys
print(__name__, sys.argv, repr(sys.path[0]), os.getcwd(), os.environ.get("MARK"))
print("astgrad generated nothing:", "astgrad.pipeline" not in sys.modules)


def fails():
    return {}["missing"]


if sys.argv[-1] == "fail":
    fails()
sys.exit(int(sys.argv[-1]))
"""


def _both(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=SRC, MARK="ab")
    real = subprocess.run([sys.executable, *args], env=env, cwd=tmp_path, capture_output=True, text=True)
    forked = fresh_process.run(args, src=SRC, env=env, cwd=tmp_path)
    return real, forked


def test_a_program_prints_exits_and_fails_as_in_a_new_interpreter(tmp_path):
    script = tmp_path / "program.py"
    script.write_text(PROGRAM)
    for args in ([str(script), "fail"], ["-c", PROGRAM, "x", "3"]):
        real, forked = _both(tmp_path, *args)
        assert (forked.returncode, forked.stdout, forked.stderr) == (real.returncode, real.stdout, real.stderr)
        assert real.stdout.startswith("__main__ ") and real.returncode == (3 if args[-1] == "3" else 1)
        assert args[-1] != "fail" or real.stderr.endswith("KeyError: 'missing'\n")


def test_one_run_and_the_next_hash_strings_differently(tmp_path):
    code = "print(hash('astgrad'))"
    runs = [fresh_process.run(["-c", code], src=SRC, env=dict(os.environ, PYTHONPATH=SRC)).stdout
            for _ in range(3)]
    assert runs[0] != runs[1] != runs[2]


HASH = "print(hash('astgrad'))"


def test_the_hash_seeds_given_are_those_of_the_fresh_processes(tmp_path):
    """FRESH_PROCESS_HASH_SEEDS=A,B: the children hash strings as under PYTHONHASHSEED A,
    then B, then A (the rerun of a failure its report names)."""
    tests = os.path.dirname(os.path.abspath(__file__))
    code = ("import fresh_process\n"
            f"print([fresh_process.run(['-c', {HASH!r}], src=None, preload=()).stdout for _ in range(3)])")
    env = dict(os.environ, PYTHONPATH=tests, FRESH_PROCESS_HASH_SEEDS="17,4211")
    forked = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True)
    real = {seed: subprocess.run([sys.executable, "-c", HASH], env=dict(os.environ, PYTHONHASHSEED=seed),
                                 capture_output=True, text=True).stdout for seed in ("17", "4211")}
    assert real["17"] != real["4211"]
    assert forked.stdout == f"{[real['17'], real['4211'], real['17']]}\n", forked.stderr


def test_hash_seeds_not_two_numbers_are_refused_in_words():
    with pytest.raises(ValueError, match=r"FRESH_PROCESS_HASH_SEEDS='17': expected two PYTHONHASHSEED values"):
        fresh_process._hash_seeds("17")


def test_a_failing_test_names_the_hash_seeds_of_its_fresh_processes():
    """What tests/conftest.py adds to the report of a failing test that started fresh processes."""
    import conftest
    conftest.pytest_runtest_logstart("this test", None)
    for _ in range(2):
        fresh_process.run(["-c", HASH], src=None, preload=())
    first, second = fresh_process.CHILD_SEEDS[-2:]
    report = types.SimpleNamespace(failed=True, sections=[])
    conftest.pytest_runtest_logreport(report)
    [(name, text)] = report.sections
    assert name == "fresh processes" and {first, second} == set(fresh_process.SEEDS)
    assert text.startswith(f"2 fresh process(es) hashed strings with PYTHONHASHSEED {first}, {second} ")
    assert f"rerun this test alone with FRESH_PROCESS_HASH_SEEDS={first},{second} " \
           "for the same seeds in the same order" in text
    assert text.endswith(f"on the other turn: FRESH_PROCESS_HASH_SEEDS={second},{first})")
    passed = types.SimpleNamespace(failed=False, sections=[])
    conftest.pytest_runtest_logreport(passed)
    assert passed.sections == []
