"""Temporary directories for the files tests write (generated programs, copies of
astgrad's source), all under one parent per test process: ``<tmp>/astgrad_tests_<pid>``.

The parent is removed at exit; a run that was killed (where atexit does not run) leaves
it behind, so the first directory made in a later process removes the parents of
processes that are gone and have not been written to for an hour."""

import atexit
import os
import shutil
import tempfile
import time

PREFIX = "astgrad_tests_"
STALE_SECONDS = 3600
_PARENT = []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True         # someone else's process, or one we cannot ask about: keep its files
    return True


def _last_write(path):
    """The latest modification time of ``path`` and the directories right inside it."""
    times = [os.stat(path).st_mtime]
    with os.scandir(path) as entries:
        times += [e.stat().st_mtime for e in entries if e.is_dir(follow_symlinks=False)]
    return max(times)


def _remove_left_behind(root):
    """Remove the parents that killed test processes left in ``root``."""
    for entry in os.scandir(root):
        pid = entry.name[len(PREFIX):]
        if not (entry.name.startswith(PREFIX) and pid.isdigit() and entry.is_dir(follow_symlinks=False)):
            continue
        try:
            if not _alive(int(pid)) and time.time() - _last_write(entry.path) > STALE_SECONDS:
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:         # removed meanwhile by another test process
            pass


def _parent():
    if not _PARENT:
        root = tempfile.gettempdir()
        _remove_left_behind(root)
        parent = os.path.join(root, f"{PREFIX}{os.getpid()}")
        os.makedirs(parent, exist_ok=True)
        atexit.register(shutil.rmtree, parent, ignore_errors=True)
        _PARENT.append(parent)
    return _PARENT[0]


def make(prefix):
    """A fresh directory whose name starts with ``prefix``, removed with its parent."""
    return tempfile.mkdtemp(prefix=prefix, dir=_parent())
