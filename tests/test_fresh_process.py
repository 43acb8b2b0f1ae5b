"""fresh_process.run stands in for a new interpreter: what a program prints, its exit
code and its uncaught error's traceback are those of ``python -c`` and ``python FILE``,
and one run and the next hash strings differently."""

import os
import subprocess
import sys

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
