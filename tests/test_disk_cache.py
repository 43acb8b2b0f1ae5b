"""The disk cache of generated code: a second process does not generate again; corrupt,
stale and foreign entries are never trusted; an unwritable directory warns once."""

import glob
import json
import os
import warnings

import numpy as np
import pytest

import astgrad_source
import fresh_process
from astgrad import caching, disk_cache

HERE = os.path.dirname(os.path.abspath(__file__))


def _child(directory, function="f", **env):
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), HERE]),
                       ASTGRAD_CACHE="1", ASTGRAD_CACHE_DIR=str(directory), **env)
    run = fresh_process.run([os.path.join(HERE, "disk_cache_child.py"), function], src=astgrad_source.path(),
                            env=environment)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout), run.stderr


@pytest.fixture
def own_rules_only(monkeypatch):
    """Tests earlier in the run register rules of their own (@adjoint), with which no code
    is kept on disk: these tests are about entries, so they count the rules now as astgrad's."""
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0])


def _entries(directory):
    return glob.glob(os.path.join(str(directory), "*", "*.json"))


# grad(f) checks f (the front half of a generation, kept), and the first call finishes that
# generation for the call's argument kinds (specialize.py): f's code is generated once, and
# two entries are kept: that code, and the record that f was checked.
GENERATED_BY_ONE_CALL = ["f"]


def test_a_second_process_does_not_generate_again(tmp_path):
    first, _ = _child(tmp_path)
    assert first["generated"] == GENERATED_BY_ONE_CALL and first["checked"] == ["f"]
    assert len(_entries(tmp_path)) == 2
    second, _ = _child(tmp_path)
    assert second["generated"] == [] and second["checked"] == []
    np.testing.assert_array_equal(second["value"], first["value"])
    # served from the disk, the second process does not even load the generation engine,
    # nor its emit stage (the stored text's file name and arguments need none of it)
    assert first["engine"] and not second["engine"]
    assert first["emit"] and not second["emit"]


def test_corrupt_and_truncated_entries_are_regenerated(tmp_path):
    first, _ = _child(tmp_path)
    paths = _entries(tmp_path)
    assert len(paths) == 2
    for path in paths:
        entry = json.load(open(path))
        if "text" in entry:
            entry["text"] = entry["text"].replace("0.5", "0.25")    # a changed derivative, old checksum
        else:
            entry["checked"] = "grad_g"                             # a changed record, old checksum
        json.dump(entry, open(path, "w"))
    again, _ = _child(tmp_path)
    assert again["generated"] == GENERATED_BY_ONE_CALL and again["checked"] == ["f"]
    np.testing.assert_array_equal(again["value"], first["value"])
    for path in paths:
        with open(path, "w") as handle:
            handle.write('{"key": ')                               # half an entry
    again, _ = _child(tmp_path)
    assert again["generated"] == GENERATED_BY_ONE_CALL and again["checked"] == ["f"]
    np.testing.assert_array_equal(again["value"], first["value"])


def test_entries_of_another_astgrad_version_are_not_used(tmp_path, monkeypatch):
    from astgrad import disk_entries
    fn = __import__("disk_cache_target").f
    key = ("reverse", (0,), True)
    name = disk_cache.entry_key(fn, key)
    monkeypatch.setitem(disk_entries._fingerprint, "environment",
                        ["0.0.1"] + disk_entries.environment()[1:])
    assert disk_cache.entry_key(fn, key) != name


def test_code_calling_a_callee_derivative_is_not_generated_again(tmp_path):
    first, _ = _child(tmp_path, "calls_helper")
    # helper twice: its derivative, and the value code calls_helper's forward sweep calls
    assert sorted(first["generated"]) == sorted(first["checked"]) == ["calls_helper", "helper", "helper"]
    second, _ = _child(tmp_path, "calls_helper")
    # calls_helper's code is bound to grad_helper: its entry says which callee derivative
    # that is (helper's source, what helper's names meant), checked on load
    assert second["generated"] == second["checked"] == []
    np.testing.assert_array_equal(second["value"], first["value"])


def test_a_name_meaning_something_else_now_makes_the_entry_stale(tmp_path, monkeypatch, own_rules_only):
    import types
    import disk_cache_target
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path))
    try:
        key = ("reverse", (0,), True)
        generated = caching._generate(disk_cache_target.f, key)
        disk_cache.store(disk_cache_target.f, key, generated)
        assert disk_cache.load(disk_cache_target.f, key) is not None
        fake = types.SimpleNamespace(sin=np.cos, exp=np.exp, sum=np.sum)
        monkeypatch.setattr(disk_cache_target, "np", fake)      # np.sin means cos now
        assert disk_cache.load(disk_cache_target.f, key) is None
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None


def test_unwritable_directory_warns_once_and_keeps_working(tmp_path, own_rules_only):
    import disk_cache_target
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    disk_cache.configure_cache(enabled=True, directory=str(blocked / "cache"))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for wrt in ((0,), (1,), (0, 1)):        # three derivatives, each stored (or not)
                entry = caching._build(disk_cache_target.f, ("reverse", wrt, True))
                assert entry.compiled(np.ones(2), np.ones(2))[0] == disk_cache_target.f(np.ones(2), np.ones(2))
        assert len([w for w in caught if "cache of generated code" in str(w.message)]) == 1
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None


def test_eviction_keeps_the_directory_bounded(tmp_path):
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path))
    try:
        for i in range(5):
            path = tmp_path / "ab" / f"{i}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text("x" * 1000)
            os.utime(path, (i, i))
        disk_cache.evict(2500)
        assert sorted(os.path.basename(p) for p in _entries(tmp_path)) == ["3.json", "4.json"]
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None


def test_disabled_by_environment(tmp_path):
    """With the cache off nothing is stored, and the modules that read and write entries
    are not even loaded (a process that generates its code does not pay for them)."""
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), HERE]), ASTGRAD_CACHE="0",
                       ASTGRAD_CACHE_DIR=str(tmp_path))
    for _ in range(2):
        run = fresh_process.run([os.path.join(HERE, "disk_cache_child.py"), "f"], src=astgrad_source.path(),
                                env=environment)
        report = json.loads(run.stdout)
        assert report["generated"] == GENERATED_BY_ONE_CALL
        assert report["disk_modules"] == []
    assert _entries(tmp_path) == []


@pytest.mark.parametrize("setting, message", [
    ({"enabled": "off"}, r"enabled='off': configure_cache takes True or False"),
    ({"size": "64MB"}, r"size='64MB': the bound on the cache's size is a number of bytes"),
    ({"size": -1}, r"size=-1: the bound"),
])
def test_configure_cache_refuses_what_it_would_misread(setting, message):
    """configure_cache(enabled="off") turned the cache on (bool("off") is True), and a
    negative size bound was taken (every entry evicted as soon as it was written)."""
    before = disk_cache.configure_cache()
    with pytest.raises((TypeError, ValueError), match=message):
        disk_cache.configure_cache(**setting)
    assert disk_cache.configure_cache() == before


def test_no_entry_is_kept_while_rules_of_ones_own_are_registered(tmp_path, monkeypatch):
    import disk_cache_target
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0] - 1)     # one more rule since
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path))
    try:
        key = ("reverse", (1,), True)
        disk_cache.store(disk_cache_target.f, key, caching._generate(disk_cache_target.f, key))
        assert _entries(tmp_path) == []
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None


def test_a_rules_numpy_module_comes_back_as_the_rule_means_it(tmp_path, own_rules_only):
    import disk_cache_target
    from astgrad.core.originals import is_snapshot
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path))
    try:
        key = ("reverse", (0,), True)
        generated = caching._generate(disk_cache_target.f, key)
        disk_cache.store(disk_cache_target.f, key, generated)
        loaded = disk_cache.load(disk_cache_target.f, key)
        rules_numpy = {name: cell.cell_contents for name, cell in loaded.cells.items()
                       if is_snapshot(cell.cell_contents)}
        assert rules_numpy == {name: cell.cell_contents for name, cell in generated.cells.items()
                               if is_snapshot(cell.cell_contents)}
        assert [module.__name__ for module in rules_numpy.values()] == ["numpy"]
        assert "numpy.cos(x)" in loaded.text and "np.sin(x)" in loaded.text
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None
