"""Random edits between processes against the disk cache's entries (the generated code,
and the records that a function was checked, which let a later process skip the front
half of a generation and take the value-less gradient without proving it again).

hypothesis writes a function ``f`` and a helper in another module it calls, each reading
a module-level value, and one edit of them: a constant, a global that becomes an array,
the helper's body, the helper made to return an array (so f no longer returns a number),
f's body. Processes run with one cache directory: the first fills it, the second takes
what it kept, then the files are edited and a third runs. Each answer (the gradient,
value_and_grad, or the error's type) must be what a process without a cache gives for
the same files. Five processes per example: run under HYPOTHESIS_PROFILE=thorough only.
"""

import json
import os
import subprocess
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad_source

HERE = os.path.dirname(os.path.abspath(__file__))
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

CHILD = r'''
import json, sys
import numpy as np
import astgrad
import trust_main
x, y = np.linspace(0.2, 0.9, 4), 0.7
out = {}
for name, make in (("grad", lambda: astgrad.grad(trust_main.f, (0, 1))),
                   ("value_and_grad", lambda: astgrad.value_and_grad(trust_main.f, (0, 1)))):
    try:
        got = make()(x, y)
        out[name] = repr(got)
    except Exception as error:
        out[name] = type(error).__name__
print(json.dumps(out))
'''

MAIN = '''import numpy as np

import trust_helper

K = {k}


def f(x, y):
    t = trust_helper.helper(x * y) + {term}
    return np.sum(t * K) if {sum_outside} else t * K
'''

HELPER = '''import numpy as np

SCALE = {scale}


def helper(v):
    return {body}
'''

START = {"k": "2.0", "term": "np.sin(x)", "sum_outside": "True", "scale": "1.5", "body": "np.tanh(v) * SCALE"}
EDITS = {"k": ["3.0", "np.ones(4)", "np.float32(2.0)", "1j"], "term": ["np.cos(x) * y", "np.sum(x)"],
         "sum_outside": ["False"], "scale": ["0.5", "np.ones(4)"],
         "body": ["np.sin(v) * SCALE", "np.sum(v) * SCALE", "v * v", "SCALE"]}


def _write(directory, values):
    with open(os.path.join(directory, "trust_main.py"), "w") as handle:
        handle.write(MAIN.format(**values))
    with open(os.path.join(directory, "trust_helper.py"), "w") as handle:
        handle.write(HELPER.format(**values))


def _run(directory, cache):
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), directory]), ASTGRAD_CACHE=cache,
                       ASTGRAD_CACHE_DIR=os.path.join(directory, "cache"), PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run([sys.executable, "-W", "ignore", "-c", CHILD], env=environment, capture_output=True,
                         text=True, cwd=directory)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.skipif(not THOROUGH, reason="five processes per example: HYPOTHESIS_PROFILE=thorough only")
@settings(max_examples=25 if THOROUGH else 1, deadline=None, suppress_health_check=list(HealthCheck))
@given(edits=st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=2, unique=True), data=st.data())
def test_edits_between_processes_sharing_a_disk_cache(edits, data):
    with tempfile.TemporaryDirectory(prefix="astgrad_trust_cache_") as directory:
        values = dict(START)
        if data.draw(st.booleans(), label="start with a non-scalar f?"):
            values["sum_outside"] = "False"
        _write(directory, values)
        first = _run(directory, "1")
        assert _run(directory, "1") == first, "the second process, from the cache"
        assert _run(directory, "0") == first, "without the cache"
        for key in edits:
            values[key] = data.draw(st.sampled_from(EDITS[key]), label=key)
        note(repr(values))
        _write(directory, values)
        assert _run(directory, "1") == _run(directory, "0"), "after the edit, from the cache vs without it"
