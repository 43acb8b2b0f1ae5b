"""What a function's parse and normalization read of the world, for keeping their result.

A parsed and normalized function is kept for the next generation of the same function
(prepared.py) only while every name path they resolved (a dependency of the generated
code or not) still means the same objects. While a log is open on a thread, each name
path any function's source resolves is noted in it as ``(function, parts, objects)``.
A normalization that asked the engine for a derivative (a nested ``grad``, a callee's
code) marks the log ``engine_used``: its result depends on more than names, and is not
kept."""

import contextlib
import itertools
import threading

_local = threading.local()          # .logs: the logs open on this thread, innermost last
_numbers = itertools.count(1)       # each log's own number, never reused


class ReadLog:
    __slots__ = ("reads", "engine_used", "number")

    def __init__(self):
        self.reads = []             # (function, name path parts, the objects its parts meant)
        self.engine_used = False
        self.number = next(_numbers)


@contextlib.contextmanager
def logging_reads():
    """A ReadLog noting the reads made in the ``with`` block (a log opened inside it
    hands what it noted on to this one when it closes)."""
    logs = getattr(_local, "logs", None)
    if logs is None:
        logs = _local.logs = []
    log = ReadLog()
    logs.append(log)
    try:
        yield log
    finally:
        logs.pop()
        if logs:
            logs[-1].reads.extend(log.reads)
            logs[-1].engine_used = logs[-1].engine_used or log.engine_used


def current_log():
    """The number of the innermost log open on this thread (0 if none): a read noted in
    that log need not be noted there again."""
    logs = getattr(_local, "logs", None)
    return logs[-1].number if logs else 0


def note_read(fn, parts, chain):
    """``fn``'s source resolved the name path ``parts`` to the objects ``chain``."""
    logs = getattr(_local, "logs", None)
    if logs:
        logs[-1].reads.append((fn, parts, chain))


def note_reads(reads):
    """The reads made for a result now taken from where it was kept."""
    logs = getattr(_local, "logs", None)
    if logs:
        logs[-1].reads.extend(reads)


def note_engine_use():
    """The engine gave a derivative (or began a generation) for the open logs' work."""
    logs = getattr(_local, "logs", None)
    if logs:
        logs[-1].engine_used = True
