"""The temporary directories of the test helpers (tests/scratch_dirs.py): what a killed
run left behind is removed by a later one, what a live or recent run uses is kept."""

import os
import subprocess
import sys

import scratch_dirs


def _finished_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _left(root, pid, age):
    path = root / f"{scratch_dirs.PREFIX}{pid}"
    (path / "programs_x").mkdir(parents=True)
    (path / "programs_x" / "prog.py").write_text("x = 1\n")
    stamp = os.stat(path).st_mtime - age
    for directory in (path, path / "programs_x"):
        os.utime(directory, (stamp, stamp))
    return path


def test_only_old_directories_of_finished_processes_are_removed(tmp_path):
    gone = _finished_pid()
    old_of_a_finished_run = _left(tmp_path, gone, 2 * scratch_dirs.STALE_SECONDS)
    recent_of_a_finished_run = _left(tmp_path, gone + 1 if gone + 1 != os.getpid() else gone + 2, 0)
    old_of_this_run = _left(tmp_path, os.getpid(), 2 * scratch_dirs.STALE_SECONDS)
    other = tmp_path / "astgrad_tests_notapid"
    other.mkdir()
    scratch_dirs._remove_left_behind(tmp_path)
    assert not old_of_a_finished_run.exists()
    assert recent_of_a_finished_run.exists() and old_of_this_run.exists() and other.exists()


def test_directories_are_made_under_this_process_parent():
    first, second = scratch_dirs.make("programs_"), scratch_dirs.make("programs_")
    assert first != second and os.path.isdir(first) and os.path.isdir(second)
    parent = os.path.dirname(first)
    assert os.path.basename(parent) == f"{scratch_dirs.PREFIX}{os.getpid()}" == os.path.basename(os.path.dirname(second))
