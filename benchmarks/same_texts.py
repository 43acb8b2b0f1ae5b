"""Does a change leave the generated code as it was? Record the text of every derivative
a pytest run generates, then compare two recordings (before and after the change).

    PYTHONPATH=src python benchmarks/same_texts.py record OUT.jsonl tests/test_a.py [pytest args ...]
    python benchmarks/same_texts.py compare BEFORE.jsonl AFTER.jsonl

``record`` runs pytest in this process and appends one JSON line per generated text
(the test that made it, the text as ``.source`` shows it), however the code was asked
for (grad, jvp, hessian, the tape, the first call's specialized code). Code loaded from
the disk cache or generated in a child process is not seen: set ``ASTGRAD_CACHE=0``.
To record the code before the change, run ``record`` in a whole copy of the old tree
(``git archive main | tar -x -C /tmp/before``, then run from /tmp/before with
``PYTHONPATH=src``): some test helpers put their own checkout's ``src`` first on the path,
so old sources alone beside the new tests would record the new engine.

``compare`` compares, test by test, the texts as a multiset (the order of generation may
change), with the number in each synthetic file name (``<astgrad grad of f #12>``, which
counts the generations of the process) left out. It lists the tests whose texts differ.
A line that is not a whole record (a recording cut short) is named and left out, and
the comparison then fails. Recording writes each record whole, under a lock, so tests
that generate code from several threads do not interleave lines.
Tests that draw random programs, or race threads, differ from run to run on the same
code: record twice before the change to see which.
"""

import collections
import json
import os
import re
import sys
import threading

_FILE_NUMBER = re.compile(r"(<astgrad [^>#]*#)\d+>")


class _Recorder:
    """A pytest plugin writing each text that ``pipeline.to_source`` returns."""

    def __init__(self, out):
        self.out, self.test, self._pid = out, "<collection>", os.getpid()
        # tests that generate code from several threads would otherwise interleave their lines
        self._writing = threading.Lock()

    def write(self, text):
        if os.getpid() != self._pid:        # a forked child's buffered writes would garble the file
            return
        line = json.dumps({"test": self.test, "text": text}) + "\n"
        with self._writing:
            self.out.write(line)
            self.out.flush()

    def pytest_runtest_setup(self, item):
        self.test = item.nodeid
        self._patch()

    def _patch(self):
        # the generation engine loads on first use: patch it once it is loaded, without loading it
        from astgrad import caching
        if "astgrad.pipeline" in sys.modules:
            self._patch_pipeline(sys.modules["astgrad.pipeline"])
        loader = caching._pipeline
        if not getattr(loader, "recording", False):
            def pipeline():
                return self._patch_pipeline(loader())
            pipeline.recording = True
            caching._pipeline = pipeline

    def _patch_pipeline(self, module):
        emit = module.to_source
        if not getattr(emit, "recording", False):
            def to_source(tree):
                text = emit(tree)
                self.write(text)
                return text
            to_source.recording = True
            module.to_source = to_source
        return module


def record(path, pytest_args):
    import pytest
    with open(path, "a") as out:
        return pytest.main(["-o", "addopts=", "-q", *pytest_args], plugins=[_Recorder(out)])


def _texts(path):
    """The texts of ``path`` by test, and the number of lines that are not a whole record
    (a recording cut short, or one made before recording was safe under threads)."""
    by_test, unreadable = collections.defaultdict(collections.Counter), 0
    with open(path, errors="replace") as lines:     # a stray binary line is one bad record
        for number, line in enumerate(lines, 1):
            entry = _entry(line)
            if entry is None:
                unreadable += 1
                print(f"{path}:{number}: not a whole record, left out: {line[:60]!r}", file=sys.stderr)
                continue
            by_test[entry["test"]][_FILE_NUMBER.sub(r"\1N>", entry["text"])] += 1
    return by_test, unreadable


def _entry(line):
    try:
        entry = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("test"), str) or not isinstance(entry.get("text"), str):
        return None
    return entry


def compare(before_path, after_path):
    (before, unreadable_before), (after, unreadable_after) = _texts(before_path), _texts(after_path)
    differing = sorted(test for test in set(before) | set(after) if before.get(test) != after.get(test))
    print(f"{sum(map(sum, (c.values() for c in before.values())))} texts before, "
          f"{sum(map(sum, (c.values() for c in after.values())))} after, "
          f"{len(set(before) | set(after))} tests; {len(differing)} tests whose texts differ")
    for test in differing:
        print(f"  {test}: {sum(before.get(test, {}).values())} texts before, {sum(after.get(test, {}).values())} after")
    if unreadable_before or unreadable_after:
        print(f"{unreadable_before} lines before and {unreadable_after} after were not whole records and were "
              f"left out (listed above): record again to compare those tests")
    return 1 if differing or unreadable_before or unreadable_after else 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] == "record":
        return record(argv[1], argv[2:])
    if len(argv) == 3 and argv[0] == "compare":
        return compare(argv[1], argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
