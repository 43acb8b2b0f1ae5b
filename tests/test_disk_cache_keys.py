"""The disk cache, adversarially: each part of the key (source text, astgrad's version, the
rule table, mode, wrt, argument kinds) changed alone is a miss; entries from another
astgrad version, tampered or moved entries are not used; many processes writing and
reading one entry at once never read part of one; a disk that fails (full, read-only)
falls back to memory with exactly one warning; the size bound holds while storing; an
edited source is generated again in the next process."""

import importlib
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import astgrad_source
import fresh_process
from astgrad import caching, disk_cache, disk_entries

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = ("reverse", (0,), False, ("kinds", (("x", "<f8[n]"), ("y", "<f8[n]"))))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """The disk cache on, in a directory of its own; the rules now counted as astgrad's
    (tests earlier in the run register rules of their own, with which nothing is stored)."""
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0])
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path / "cache"))
    yield tmp_path / "cache"
    disk_cache.configure_cache(enabled=False)
    disk_cache._settings["directory"] = None
    disk_cache._settings["size"] = None


def _module(tmp_path, monkeypatch, name, constant):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(f"""\
        import numpy as np


        def f(x, y):
            return np.sum(np.sin(x) * y * {constant})
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop(name, None)
    importlib.invalidate_caches()
    return importlib.import_module(name)


def _stored(fn, key):
    disk_cache.store(fn, key, caching._generate(fn, key))
    return disk_cache.load(fn, key)


def test_each_part_of_the_key_changed_alone_is_a_miss(cache_dir, tmp_path, monkeypatch):
    from astgrad.rules import optional, registry
    fn = _module(tmp_path, monkeypatch, "cache_key_user", "2.0").f
    assert _stored(fn, KEY) is not None
    other_kinds = KEY[:3] + (("kinds", (("x", "<f8[n,n]"), ("y", "float"))),)
    for key in [("forward", (0,)), ("reverse", (1,), False) + KEY[3:], other_kinds, KEY[:2] + (True,) + KEY[3:]]:
        assert disk_cache.load(fn, key) is None, key
    environment = disk_entries.environment()
    monkeypatch.setitem(disk_entries._fingerprint, "environment", ["0.0.1"] + environment[1:])
    assert disk_cache.load(fn, KEY) is None, "another astgrad version"
    monkeypatch.setitem(disk_entries._fingerprint, "environment", environment[:1] + ["0" * 64] + environment[2:])
    assert disk_cache.load(fn, KEY) is None, "another astgrad source"
    monkeypatch.setitem(disk_entries._fingerprint, "environment", environment)
    rules = registry.VERSION[0]
    try:
        for version in (rules + 1, rules):          # one more rule of astgrad's own, then as it was
            registry.VERSION[0] = version
            monkeypatch.setitem(optional._trusted, "version", version)
            assert (disk_cache.load(fn, KEY) is None) == (version != rules), "another rule table"
    finally:
        registry.VERSION[0] = rules
    edited = _module(tmp_path, monkeypatch, "cache_key_user", "3.0").f      # the source text
    assert disk_cache.load(edited, KEY) is None
    assert _stored(edited, KEY) is not None


def test_entries_of_another_version_are_ignored(cache_dir, monkeypatch):
    import disk_cache_target
    environment = disk_entries.environment()
    monkeypatch.setitem(disk_entries._fingerprint, "environment", ["0.0.1"] + environment[1:])
    assert _stored(disk_cache_target.f, KEY) is not None       # written by "astgrad 0.0.1"
    monkeypatch.setitem(disk_entries._fingerprint, "environment", environment)
    assert disk_cache.load(disk_cache_target.f, KEY) is None


def _sources_digest(package):
    digest = disk_entries.sha256()
    disk_entries._digest_sources(digest, str(package), "")
    return digest.hexdigest()


def test_astgrad_sources_digest_follows_every_source_file_and_no_bytecode(tmp_path):
    """The part of the key naming astgrad's own sources changes when any ``.py`` file
    under the package changes (a subpackage's too, and a new one), not when bytecode does."""
    package = tmp_path / "package"
    for name in ("__init__.py", "a.py", "sub/__init__.py", "sub/b.py", "sub/deeper/c.py", "__pycache__/a.pyc",
                 "notes.txt"):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(name)
    digests = [_sources_digest(package)]
    (package / "__pycache__" / "a.pyc").write_text("other bytecode")
    (package / "sub" / "__pycache__").mkdir()
    (package / "sub" / "__pycache__" / "b.pyc").write_text("bytecode")
    assert _sources_digest(package) == digests[0]
    (package / "sub" / "deeper" / "c.py").write_text("c = 2\n")
    digests.append(_sources_digest(package))
    (package / "sub" / "d.py").write_text("")
    digests.append(_sources_digest(package))
    os.utime(package / "a.py", ns=(0, 0))
    digests.append(_sources_digest(package))
    assert len(set(digests)) == 4, digests


def _entry_paths(directory):
    return sorted(os.path.join(root, name) for root, _, names in os.walk(directory) for name in names)


def _path(directory, name):
    return os.path.join(str(directory), name[:2], name + ".json")


def test_tampered_and_moved_entries_are_not_trusted(cache_dir):
    import disk_cache_target
    f = disk_cache_target.f
    other = KEY[:3] + (("kinds", (("x", "<f8[n,n]"), ("y", "<f8[n,n]"))),)
    assert _stored(f, KEY) is not None and _stored(f, other) is not None
    first, second = (_path(cache_dir, disk_cache.entry_key(f, key)) for key in (KEY, other))
    saved = {path: open(path).read() for path in (first, second)}
    entry, other_entry = json.loads(saved[first]), json.loads(saved[second])
    for field, value in [("code", other_entry["code"]), ("text", entry["text"] + "\n# edited"),
                         ("bindings", dict(entry["bindings"], np=["module", "os"])), ("name", "grad_g"), ("checksum", "0" * 64)]:
        with open(first, "w") as handle:
            json.dump(dict(entry, **{field: value}), handle)
        assert disk_cache.load(f, KEY) is None, field
    with open(first, "w") as handle:
        handle.write(saved[second])             # another key's entry under this key's name
    assert disk_cache.load(f, KEY) is None and disk_cache.load(f, other) is not None
    for cut in (0, 1, len(saved[first]) // 2, len(saved[first]) - 1):
        with open(first, "w") as handle:
            handle.write(saved[first][:cut])     # truncated
        assert disk_cache.load(f, KEY) is None
    with open(first, "wb") as handle:
        handle.write(b"\x00\xff" * 100)          # not text
    assert disk_cache.load(f, KEY) is None
    with open(first, "w") as handle:
        handle.write(saved[first])
    assert disk_cache.load(f, KEY) is not None


def test_the_size_bound_holds_while_storing(cache_dir):
    import disk_cache_target
    f = disk_cache_target.f
    assert _stored(f, KEY) is not None
    bound = 3 * os.path.getsize(_entry_paths(cache_dir)[0])
    disk_cache.configure_cache(size=bound)
    kinds = ["<f8[n,n]", "<f8", "<f4[n]", "<f8[n,n,n]", "float", "<f4[n,n]", "<f8[n]"]
    for kind in kinds:
        key = KEY[:3] + (("kinds", (("x", kind), ("y", "<f8[n]"))),)
        assert _stored(f, key) is not None, "the most recent entry is kept"
        assert sum(os.path.getsize(path) for path in _entry_paths(cache_dir)) <= bound
    assert len(_entry_paths(cache_dir)) < len(kinds)


CHILD = r'''
import errno, json, os, sys, warnings
warnings.simplefilter("always")
failure = sys.argv[1]
import numpy as np
import astgrad
from astgrad import disk_cache

def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

def read_only(*args, **kwargs):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))

if failure == "replace":
    disk_cache.os.replace = no_space
elif failure == "write":
    disk_cache._write_json = no_space
elif failure == "makedirs":
    disk_cache.os.makedirs = read_only
import disk_cache_target as t
x, y = np.linspace(0.1, 0.5, 4), np.linspace(0.2, 0.3, 4)
with warnings.catch_warnings(record=True) as caught:
    values = [astgrad.grad(t.f)(x, y).tolist(), astgrad.grad(t.f, 1)(x, y).tolist(),
              astgrad.grad(t.calls_helper)(x, y).tolist(), [g.tolist() for g in astgrad.grad(t.f, (0, 1))(x, y)]]
warned = [str(w.message) for w in caught if "cache of generated code" in str(w.message)]
print(json.dumps({"values": values, "warnings": warned}))
'''


def _environment(directory):
    return dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), HERE]), ASTGRAD_CACHE="1",
                ASTGRAD_CACHE_DIR=str(directory))


def _child(directory, *args, code=CHILD):
    """A process running ``code`` beside the others started so (all at once)."""
    return subprocess.Popen([sys.executable, "-c", code, *args], env=_environment(directory), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _result(process):
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out)


def _run(directory, *args, code=CHILD):
    """What a new process running ``code`` prints, alone."""
    done = fresh_process.run(["-c", code, *args], src=astgrad_source.path(), env=_environment(directory),
                             timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """What the child computes with a disk that works (and no warning)."""
    result = _run(tmp_path_factory.mktemp("fine"), "none")
    assert result["warnings"] == []
    return result


@pytest.mark.parametrize("failure, reason", [("replace", "No space left on device"),
                                             ("write", "No space left on device"),
                                             ("makedirs", "Read-only file system")])
def test_a_failing_disk_falls_back_to_memory_with_one_warning(tmp_path, expected, failure, reason):
    got = _run(tmp_path / "failing", failure)
    assert got["values"] == expected["values"]
    assert len(got["warnings"]) == 1 and reason in got["warnings"][0]
    assert [p for p in _entry_paths(tmp_path / "failing") if p.endswith(".tmp")] == []


WRITER = r'''
import hashlib, json, sys
from astgrad import disk_cache
name, which, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(count):
    body = {"writer": which, "i": i, "text": str(which) * (50000 + 977 * i)}
    disk_cache._write(name, dict(body, checksum=hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()))
print("{}")
'''

READER = r'''
import hashlib, json, os, sys, time
path, count = sys.argv[1], int(sys.argv[2])
seen, start = 0, time.time()
while not os.path.exists(path) and time.time() < start + 120:
    time.sleep(0.001)
for _ in range(count):
    try:
        with open(path) as handle:
            entry = json.load(handle)
    except FileNotFoundError:
        continue
    checksum = entry.pop("checksum")
    assert checksum == hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest(), "half an entry"
    seen += 1
print(json.dumps({"seen": seen}))
'''


def test_concurrent_writers_and_readers_never_see_half_an_entry(tmp_path):
    name = "ab" + "0" * 62
    path = tmp_path / name[:2] / (name + ".json")
    writers = [_child(tmp_path, name, str(which), "100", code=WRITER) for which in range(3)]
    readers = [_child(tmp_path, str(path), "400", code=READER) for _ in range(3)]
    for process in writers:
        _result(process)
    assert sum(_result(process)["seen"] for process in readers) > 0
    assert [p for p in _entry_paths(tmp_path) if p.endswith(".tmp")] == []


def test_processes_differentiating_at_once_agree_and_a_later_one_generates_nothing(tmp_path):
    child = os.path.join(HERE, "disk_cache_child.py")
    processes = [subprocess.Popen([sys.executable, child, "f"], env=_environment(tmp_path), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
    runs = [_result(process) for process in processes]
    assert all(run["value"] == runs[0]["value"] for run in runs)
    done = fresh_process.run([child, "f"], src=astgrad_source.path(), env=_environment(tmp_path), timeout=300)
    assert done.returncode == 0, done.stderr
    later = json.loads(done.stdout)
    assert later["generated"] == [] and later["checked"] == [] and later["value"] == runs[0]["value"]


EDITED = r'''
import json, sys
import numpy as np
import astgrad
from astgrad import pipeline
generated = []
back = pipeline.back
pipeline.back = lambda made, key: (generated.append(key[0]), back(made, key))[1]
import edited_user
print(json.dumps({"value": astgrad.grad(edited_user.f)(np.linspace(0.1, 0.5, 3), 2.0).tolist(),
                  "generated": generated}))
'''


def test_an_edited_source_is_generated_again_in_the_next_process(tmp_path):
    user = tmp_path / "edited_user.py"
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), str(tmp_path)]),
                       ASTGRAD_CACHE="1", ASTGRAD_CACHE_DIR=str(tmp_path / "cache"), PYTHONDONTWRITEBYTECODE="1")

    def run(constant):
        user.write_text(f"import numpy as np\n\n\ndef f(x, y):\n    return np.sum(np.sin(x) * y * {constant})\n")
        done = fresh_process.run(["-c", EDITED], src=astgrad_source.path(), env=environment)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    first, again, edited = run("2.0"), run("2.0"), run("3.0")
    assert first["generated"] and again["generated"] == [] and edited["generated"]
    x = np.linspace(0.1, 0.5, 3)
    np.testing.assert_allclose(first["value"], np.cos(x) * 2.0 * 2.0)
    np.testing.assert_allclose(edited["value"], np.cos(x) * 2.0 * 3.0)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and permissions")
def test_a_directory_everyone_can_write_is_not_used(cache_dir):
    import warnings
    import disk_cache_target
    assert _stored(disk_cache_target.f, KEY) is not None
    os.chmod(cache_dir, 0o777)
    disk_cache.configure_cache(directory=str(cache_dir))        # checked again
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert disk_cache.load(disk_cache_target.f, KEY) is None
            assert _stored(disk_cache_target.f, KEY) is None
        assert [str(w.message).split(";")[0] for w in caught] == [
            f"astgrad does not use the cache of generated code in {cache_dir}: it is writable by every user"]
    finally:
        os.chmod(cache_dir, 0o755)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and permissions")
def test_a_relative_directory_is_checked_where_it_is_after_a_chdir(cache_dir, tmp_path, monkeypatch):
    """The check of the directory was kept under its name as given: after os.chdir the
    same relative name, another directory (here writable by everyone), was used unchecked."""
    import warnings
    import disk_cache_target
    for place in ("checked", "open"):
        (tmp_path / place / "cache").mkdir(parents=True)
    os.chmod(tmp_path / "open" / "cache", 0o777)
    monkeypatch.chdir(tmp_path / "checked")
    disk_cache.configure_cache(directory="cache")
    try:
        assert disk_cache._trusted()
        monkeypatch.chdir(tmp_path / "open")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert _stored(disk_cache_target.f, KEY) is None
        assert list((tmp_path / "open" / "cache").glob("*/*.json")) == [] and len(caught) == 1
        assert "writable by every user" in str(caught[0].message)
    finally:
        os.chmod(tmp_path / "open" / "cache", 0o755)


SCIPY_CHILD = r'''
import json, sys
import numpy as np
import astgrad
from astgrad import pipeline
from astgrad.rules import optional
generated = []
back = pipeline.back
pipeline.back = lambda made, key: (generated.append(made.label.split(" of ", 1)[1]), back(made, key))[1]
import plain_user
x = np.linspace(0.1, 0.5, 3)
if sys.argv[1] == "scipy":          # a function calling SciPy first: SciPy's rules are registered
    import scipy_user
    astgrad.grad(scipy_user.g)(x)
value = astgrad.grad(plain_user.f)(x)
print(json.dumps({"generated": generated, "value": value.tolist(), "rules": optional.loaded_rules()}))
'''


def test_code_calling_no_scipy_is_shared_by_processes_with_and_without_scipy(tmp_path):
    """SciPy's rules are registered once a program imports SciPy: code that calls no SciPy
    function does not depend on them, so its entry serves both kinds of process."""
    pytest.importorskip("scipy.special")
    (tmp_path / "plain_user.py").write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(np.sin(x) * x)\n")
    (tmp_path / "scipy_user.py").write_text("import numpy as np\nfrom scipy import special\n\n\n"
                                            "def g(x):\n    return np.sum(special.erf(x))\n")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), str(tmp_path)]),
                       ASTGRAD_CACHE="1", ASTGRAD_CACHE_DIR=str(tmp_path / "cache"), PYTHONDONTWRITEBYTECODE="1")

    def run(*arguments):
        done = fresh_process.run(["-c", SCIPY_CHILD, *arguments], src=astgrad_source.path(), env=environment)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    without = run("no scipy")
    assert without["generated"] == ["f"] and without["rules"] == []
    with_scipy = run("scipy")
    assert [rules[0] for rules in with_scipy["rules"]] == ["scipy.special"], "SciPy's rules registered"
    assert with_scipy["generated"] == ["g"] and with_scipy["value"] == without["value"]
    assert run("scipy")["generated"] == [], "g's entry, keyed by SciPy's rules, is served too"
    x = np.linspace(0.1, 0.5, 3)
    np.testing.assert_allclose(without["value"], np.cos(x) * x + np.sin(x))


def test_code_calling_scipy_is_keyed_by_scipy_s_rules(cache_dir, tmp_path, monkeypatch):
    """A function calling scipy.special is stored under a key naming SciPy's rules (the
    registrations and SciPy's version): other SciPy rules are a miss, and the same ones a
    hit, while a function calling no SciPy function is served under both."""
    pytest.importorskip("scipy.special")
    from astgrad.rules import optional
    path = tmp_path / "scipy_user.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np
        from scipy import special


        def f(x, y):
            return np.sum(special.erf(x) * y)
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("scipy_user", None)
    importlib.invalidate_caches()
    fn = importlib.import_module("scipy_user").f
    plain = _module(tmp_path, monkeypatch, "cache_key_plain", "2.0").f
    assert _stored(fn, KEY) is not None and _stored(plain, KEY) is not None
    rules = optional.loaded_rules()
    assert "scipy.special" in [r[0] for r in rules]
    names = {os.path.basename(p)[:-len(".json")] for p in _entry_paths(cache_dir)}
    assert disk_cache.entry_key(fn, KEY, optional=rules) in names
    assert disk_cache.entry_key(fn, KEY) not in names and disk_cache.entry_key(plain, KEY) in names
    original = optional._loaded
    loaded = [list(entry) for entry in original]
    for entry in loaded:
        entry[1] += entry[0] == "scipy.special"     # one rule more in SciPy's table (the core one as it was)
    from astgrad.rules import registry
    version, trusted = registry.VERSION[0], optional._trusted["version"]
    monkeypatch.setattr(optional, "_loaded", loaded)
    registry.VERSION[0] = optional._trusted["version"] = version + 1
    try:
        assert disk_cache.load(fn, KEY) is None, "other SciPy rules"
        assert disk_cache.load(plain, KEY) is not None, "SciPy's rules are not part of its key"
    finally:
        registry.VERSION[0], optional._trusted["version"] = version, trusted
    monkeypatch.setattr(optional, "_loaded", original)
    assert disk_cache.load(fn, KEY) is not None, "the same SciPy rules"
    import scipy
    monkeypatch.setattr(scipy, "__version__", "0.0.1")
    assert disk_cache.load(fn, KEY) is None, "another SciPy version"


class _Pair:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def halved(self):
        return (self.x // 2.0) * self.y


def test_a_method_made_for_another_receiver_layout_is_another_entry():
    # Pair(d["s"], y).halved() and Pair(V(a), y).halved() make other code from one source
    # (self.x // 2.0 a number's, or V's own method): one process loaded the other's code,
    # a wrong gradient with no error
    from astgrad.core import methods as M
    from astgrad.frontend import object_layouts as L
    from test_hunt24_programs import V
    numbers = (L.OBJECT, _Pair, (), ())
    of_a_v = (L.OBJECT, _Pair, (("x", (L.OBJECT, V, (), ())),), ())
    keys = [disk_cache.entry_key(M.for_receiver(_Pair.halved, M.INSTANCE, _Pair, layout, "Pair_halved"), KEY)
            for layout in (numbers, of_a_v)]
    assert None not in keys and keys[0] != keys[1]


def test_an_entry_of_code_derived_from_generated_code_keeps_the_users_lines():
    """A second derivative's lines came from the first's generated text, which another
    process does not have: the entry stores the user's lines they came from in turn (where
    tracebacks and warnings point), not nothing."""
    import disk_cache_target
    first = caching._generate(disk_cache_target.f, KEY)
    generated_line, users_line = next(iter(first.origins.items()))
    derived = first.replace(origins={7: (first.code.co_filename, generated_line), 8: users_line})
    assert disk_entries.entry_for(derived, "derived")["origins"] == [[7, *users_line], [8, *users_line]]
