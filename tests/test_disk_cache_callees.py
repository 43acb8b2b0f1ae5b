"""The disk cache and functions that call other user functions: a second process loads
the caller's code (which calls the callee's derivative) instead of generating it, for
plain calls, calls through another function, astgrad.grad inside, methods, closures,
forward mode and second order; and a callee edited between processes (its body, a
default value, what one of its names means, a callee of the callee) makes the caller's
entry stale, so it is generated again and never runs against the old callee. Each
scenario runs in child processes sharing one cache directory; the oracle for every
value is a process without the disk cache (see ``Processes``)."""

import json
import os
import shutil

import pytest

import astgrad_source
import fresh_process

HERE = os.path.dirname(os.path.abspath(__file__))

HELPER = '''\
import numpy as np

ACT = {act}


def helper(v, s={default}):
    return {body}
'''

MIDDLE = '''\
import numpy as np

from callee_helper import helper


def middle(v):
    return helper(v) * np.cos(v)
'''

MAIN = '''\
import numpy as np

import astgrad
from callee_helper import helper
from callee_middle import middle


def calls_helper(x, y):
    return np.sum(helper(x * y))


def calls_middle(x, y):
    return np.sum(middle(x * y) * y)


def grad_inside(x, y):
    return np.sum(astgrad.grad(calls_helper)(x, y) * x)


def scalar(x):
    return np.sum(helper(x) * x)


def of_gradient(x):
    return np.sum(astgrad.grad(scalar)(x) * x)


class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x, y):
        return np.sum(helper(x * y) * self.w)


model = Model(0.7)


def make(c):
    def closure(x, y):
        return np.sum(helper(x * c) * y)
    return closure


closure = make(1.5)


def root(v):
    return np.sqrt(v)


def calls_root(x, y):      # d root at 0 is inf, times 0: the zero-safe twins answer
    return np.sum(root(x * 0.0) * y + x)


def with_lambda(x, y):
    return np.sum(astgrad.grad(lambda a: np.sum(helper(a)))(x) * y)
'''

CHILD = r"""
import json, sys
import numpy as np
import astgrad
from astgrad import pipeline
generated = []
back = pipeline.back
pipeline.back = lambda made, key: (generated.append(made.label.split(" of ", 1)[1]), back(made, key))[1]
import callee_main as m
x, y = np.linspace(0.1, 0.5, 4), np.linspace(0.2, 0.3, 4)
results = {}
for scenario in sys.argv[1:]:
    generated.clear()
    if scenario == "jvp":
        value = astgrad.jvp(m.calls_middle, (x, y), (y, x))
    elif scenario == "hessian":
        value = astgrad.hessian(m.scalar)(x)
    elif scenario == "grad_of_grad":
        value = astgrad.grad(m.of_gradient)(x)
    elif scenario == "jacobian_forward":
        value = astgrad.jacobian(m.calls_middle, mode="forward")(x, y)
    elif scenario == "method":
        value = astgrad.grad(m.model.loss)(x, y)
    else:
        value = astgrad.grad(getattr(m, scenario), (0, 1))(x, y)
    results[scenario] = {"generated": list(generated), "value": np.asarray(value).tolist()}
print(json.dumps(results))
"""

START = {"act": "np.tanh", "default": "2.0", "body": "ACT(v) * s"}


def _write(directory, **changes):
    values = dict(START, **changes)
    (directory / "callee_helper.py").write_text(HELPER.format(**values))
    (directory / "callee_middle.py").write_text(MIDDLE)
    (directory / "callee_main.py").write_text(MAIN)


def _run(directory, scenario, cache, src):
    """What a new process computes for ``scenario`` (or for each of a list of them, then
    {scenario: result}), with the disk cache in ``directory`` or without it."""
    scenarios = [scenario] if isinstance(scenario, str) else list(scenario)
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([src, str(directory)]),
                       ASTGRAD_CACHE="1" if cache else "0", ASTGRAD_CACHE_DIR=str(directory / "cache"),
                       PYTHONDONTWRITEBYTECODE="1")
    run = fresh_process.run(["-c", CHILD, *scenarios], src=src, env=environment, cwd=directory)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    return results[scenario] if isinstance(scenario, str) else results


# the caller whose code each scenario generates (a hessian: forward mode over grad_scalar)
CACHED = {"calls_helper": "calls_helper", "calls_middle": "calls_middle", "grad_inside": "grad_inside",
          "method": "Model.loss", "closure": "make.<locals>.closure", "jvp": "calls_middle",
          "hessian": "grad_scalar", "grad_of_grad": "of_gradient", "calls_root": "calls_root",
          "jacobian_forward": "calls_middle"}

EDITS = {"body": {"body": "np.sin(v) * s"}, "default": {"default": "3.0"}, "global": {"act": "np.sin"},
         "same code": {"body": "ACT(v)*s"}}
EDITED = ["calls_helper", "calls_middle", "grad_inside", "hessian"]


class Processes:
    """The child processes of the tests below, in one directory, all running one copy of
    astgrad's source taken at the start: the disk cache's key counts astgrad's source
    files (their size and modification time), so an edit of the checkout, or a checkout,
    while the tests run would make every entry stale from one process to the next.

    What several tests begin with is made once: the first process of each scenario on the
    files as they start (a new cache; the cache it leaves is kept and put back for each
    test that goes on from there, each next process is new), and the values without the
    disk cache (the oracle) for each version of the files, every scenario in one process."""

    def __init__(self, directory, src):
        self.directory, self.src = directory, src
        self._first, self._oracle = {}, {}

    def first(self, scenario):
        """The first process's result for ``scenario`` on the starting files; the files and
        the cache are left as that process left them."""
        cache, kept = self.directory / "cache", self.directory / "kept" / scenario
        _write(self.directory)
        shutil.rmtree(cache, ignore_errors=True)
        if scenario not in self._first:
            self._first[scenario] = self.run(scenario)
            shutil.copytree(cache, kept)
        else:
            shutil.copytree(kept, cache)
        return self._first[scenario]

    def run(self, scenario, cache=True):
        return _run(self.directory, scenario, cache, self.src)

    def oracle(self, scenario, **changes):
        """The value of ``scenario`` without the disk cache, with the files so changed."""
        version = tuple(sorted(changes.items()))
        if version not in self._oracle:
            directory = self.directory / f"oracle{len(self._oracle)}"
            directory.mkdir()
            _write(directory, **changes)
            scenarios = EDITED if changes else sorted(CACHED) + ["with_lambda"]
            self._oracle[version] = _run(directory, scenarios, False, self.src)
        return self._oracle[version][scenario]["value"]


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    return Processes(tmp_path_factory.mktemp("callees"), astgrad_source.path())


@pytest.mark.parametrize("scenario", sorted(CACHED))
def test_a_second_process_generates_nothing(processes, scenario):
    first = processes.first(scenario)
    assert CACHED[scenario] in first["generated"]
    second = processes.run(scenario)
    assert second["generated"] == [] and second["value"] == first["value"]
    assert processes.oracle(scenario) == first["value"]


def test_code_calling_a_local_function_s_derivative_is_generated_again_and_right(processes):
    """A transform of a lambda or a local function inside the code: the function its
    code calls the derivative of is made while generating, and cannot be found again in
    another process, so that code is not kept; the callees of the lambda are."""
    first = processes.first("with_lambda")
    second = processes.run("with_lambda")
    assert second["value"] == first["value"] == processes.oracle("with_lambda")
    assert "helper" in first["generated"] and "helper" not in second["generated"]
    assert "with_lambda" in second["generated"]


# Here, on every Python: each edit of the callee with calls_helper, and each caller with
# the body edited. The rest of the table (ENGINE_EDITS: the other edits of the other
# callers) is in test_disk_cache_callees_table.py, on the default Python alone.
KEPT_EDITS = [(edit, "calls_helper") for edit in sorted(EDITS)] + [("body", s) for s in EDITED if s != "calls_helper"]
ENGINE_EDITS = [(edit, scenario) for edit in sorted(EDITS) for scenario in EDITED if (edit, scenario) not in KEPT_EDITS]


@pytest.mark.parametrize("edit, scenario", KEPT_EDITS)
def test_an_edited_callee_makes_the_caller_stale(processes, scenario, edit):
    check_an_edited_callee_makes_the_caller_stale(processes, scenario, edit)


def check_an_edited_callee_makes_the_caller_stale(processes, scenario, edit):
    before = processes.first(scenario)
    _write(processes.directory, **EDITS[edit])
    after = processes.run(scenario)
    assert after["value"] == processes.oracle(scenario, **EDITS[edit])
    if edit == "same code":         # the callee's text changed (spacing), not its code
        assert after["value"] == before["value"]
    else:
        assert after["value"] != before["value"]
        assert CACHED[scenario] in after["generated"], "the caller generated again"
    again = processes.run(scenario)
    assert again["generated"] == [] and again["value"] == after["value"]


def _entries(directory):
    for root, _, names in os.walk(directory / "cache"):
        for name in names:
            if name.endswith(".json"):
                yield os.path.join(root, name)


def test_a_corrupt_callee_entry_is_generated_again_and_the_caller_still_loads(processes):
    first = processes.first("calls_helper")
    corrupted = 0
    for path in _entries(processes.directory):
        with open(path) as handle:
            entry = json.load(handle)
        if entry.get("name") == "grad_helper":
            with open(path, "w") as handle:
                handle.write(json.dumps(entry)[:100])       # half an entry
            corrupted += 1
    assert corrupted == 1
    second = processes.run("calls_helper")
    assert second["generated"] == ["helper"] and second["value"] == first["value"]


def test_a_callee_renamed_since_makes_the_caller_stale(processes):
    """The name the caller calls is bound to a function of another name now (same code)."""
    processes.first("calls_helper")
    renamed = HELPER.format(**START).replace("def helper(", "def helper_v2(")
    (processes.directory / "callee_helper.py").write_text(renamed + "\n\nhelper = helper_v2\n")
    after = processes.run("calls_helper")
    assert after["value"] == processes.run("calls_helper", cache=False)["value"]
    assert "calls_helper" in after["generated"] and "helper_v2" in after["generated"]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """The disk cache on in this process, in a directory of its own (the rules now counted
    as astgrad's: tests earlier in the run register rules of their own)."""
    from astgrad import disk_cache
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0])
    monkeypatch.syspath_prepend(HERE)
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path / "cache"))
    yield tmp_path
    disk_cache.configure_cache(enabled=False)
    disk_cache._settings["directory"] = None


def _rewrite(path, change):
    """Change a stored entry and give it a matching checksum (a damaged entry that the
    checksum does not catch): what is left to refuse it is the check of its contents."""
    from astgrad import disk_entries
    with open(path) as handle:
        entry = json.load(handle)
    change(entry)
    body = {k: v for k, v in entry.items() if k != "checksum"}
    with open(path, "w") as handle:
        json.dump(dict(body, checksum=disk_entries._checksum(body)), handle)


@pytest.mark.parametrize("binding", [["callee", -1], ["callee", 2], ["callee", "0"], ["callee"], ["generated", "x"]])
def test_a_binding_naming_no_callee_is_refused(cache_dir, binding):
    import disk_cache_target
    from astgrad import caching, disk_cache
    key = ("reverse", (0,), True)
    generated = caching._generate(disk_cache_target.calls_helper, key)
    disk_cache.store(disk_cache_target.calls_helper, key, generated)
    name = disk_cache.entry_key(disk_cache_target.calls_helper, key)
    path = os.path.join(str(cache_dir / "cache"), name[:2], name + ".json")
    assert caching._loaded(disk_cache_target.calls_helper, key) is not None
    assert disk_cache.load(disk_cache_target.calls_helper, key) is None, "no derive: callees not taken"

    def change(entry):
        assert entry["bindings"]["grad_helper"] == ["callee", 0]
        entry["bindings"]["grad_helper"] = binding
    _rewrite(path, change)
    assert caching._loaded(disk_cache_target.calls_helper, key) is None


@pytest.mark.parametrize("field, value", [("mode", "forward"), ("mode", "sideways"), ("wrt", [1]), ("wrt", 0),
                                          ("source", "0" * 32), ("target", ["object", "disk_cache_target", "f", ""]),
                                          ("target", ["scope", "helper", ["missing"]]), ("target", ["callee", 0])])
def test_a_changed_callee_record_is_refused(cache_dir, field, value):
    import disk_cache_target
    from astgrad import caching, disk_cache
    key = ("reverse", (0,), True)
    disk_cache.store(disk_cache_target.calls_helper, key, caching._generate(disk_cache_target.calls_helper, key))
    name = disk_cache.entry_key(disk_cache_target.calls_helper, key)
    path = os.path.join(str(cache_dir / "cache"), name[:2], name + ".json")

    def change(entry):
        entry["callees"][0][field] = value
    _rewrite(path, change)
    assert caching._loaded(disk_cache_target.calls_helper, key) is None
