"""astgrad's own rules build the table's indexes at once, after the last registers
(``registry._index_loaded``), where a registration made later indexes its own entries
(``registry._index``): the table built the first way is the table the second builds.

Each way runs in a new process (no test's registration in the table) and prints the
whole table in a canonical form (tests/rule_table_snapshot.py): every record and its
fields, every index, the counts of changes, every template's text.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")

ENTRY_BY_ENTRY = """
from astgrad.rules import registry
registry._indexing = registry._index        # each registration indexes its entries, as later ones do
"""

# an index read while astgrad's own rules register (by a rule module, say): the indexes
# are built then from the registrations so far, and those after update them one by one
READ_HALFWAY = """
import numpy
from astgrad.rules import registry
_register, _count = registry.register, [0]
def register(*args, **kwargs):
    _count[0] += 1
    if _count[0] == 400:
        assert registry.lookup(registry.ADJOINTS, numpy.sin) is not None
        assert registry._indexing is registry._index
    return _register(*args, **kwargs)
registry.register = register
"""

PRINT = """
import sys
import rule_table_snapshot
sys.stdout.write("".join(line + "\\n" for line in rule_table_snapshot.snapshot()))
"""


def _table(prelude):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, HERE]), ASTGRAD_CACHE="0")
    done = subprocess.run([sys.executable, "-c", prelude + PRINT], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_indexes_built_at_once_are_those_built_registration_by_registration():
    at_once, entry_by_entry = _table(""), _table(ENTRY_BY_ENTRY)
    assert len(at_once) > 3000 and any(line.startswith("ARRAY_METHODS sum ") for line in at_once)
    assert any(line.startswith("CHANGES ") and not line.endswith("-> 1") for line in at_once)
    differing = [(a, b) for a, b in zip(at_once, entry_by_entry) if a != b]
    assert not differing, differing[:5]
    assert len(at_once) == len(entry_by_entry)


def test_the_table_is_complete_for_a_thread_reading_it_while_another_registers():
    """A read on another thread waits for the indexes, built at once, before it answers."""
    code = """
import threading
import numpy
from astgrad.rules import loading, registry
found = []
def read():
    found.append((registry.lookup(registry.ADJOINTS, numpy.sin) is not None,
                  registry.method_key("sum") is numpy.ndarray.sum, registry.is_non_differentiable(len)))
threads = [threading.Thread(target=read) for _ in range(4)]
for thread in threads:
    thread.start()
read()
for thread in threads:
    thread.join()
print(found)
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, HERE]), ASTGRAD_CACHE="0")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str([(True, True, True)] * 5)


def test_a_read_while_they_register_sees_every_registration_so_far():
    assert _table(READ_HALFWAY) == _table("")
