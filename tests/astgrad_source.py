"""A copy of astgrad's source for the child processes tests start.

The disk cache's key includes the size and modification time of astgrad's own files, so
a child importing the live tree while it is edited (or checked out) sees another key than
the process before it, and every entry it shares with that process is stale. Children
that share a disk cache therefore import this copy, taken once per test process at its
first use: ``PYTHONPATH=astgrad_source.path()``. The copy keeps the files' times (so the
key is the one of the tree as it was) and their bytecode (conftest.py writes it), and is
removed at exit."""

import os
import shutil

import astgrad
import scratch_dirs

LIVE = os.path.dirname(os.path.dirname(os.path.abspath(astgrad.__file__)))   # this checkout's src
_COPY = []


def path():
    """The directory holding the copy of the ``astgrad`` package (for PYTHONPATH)."""
    if not _COPY:
        directory = scratch_dirs.make("source_")
        # with its bytecode, not a file another process is writing it to
        shutil.copytree(os.path.join(LIVE, "astgrad"), os.path.join(directory, "astgrad"),
                        ignore=shutil.ignore_patterns("*.pyc.*"))
        _COPY.append(directory)
    return _COPY[0]
