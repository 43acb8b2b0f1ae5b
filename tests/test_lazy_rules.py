"""astgrad's own rules register when the rule table is first read (rules/loading.py), not
with ``import astgrad``: a process served by the disk cache registers none; threads reading
the table at once all see it whole; a program's rule registered before any read replaces
astgrad's; and registering them leaves code loaded before in use."""

import json
import os
import textwrap

import pytest

import astgrad_source
import fresh_process

TARGETS = '''
import numpy as np


def f(x):
    return np.sum(np.sin(x) * x)
'''

CHILD = '''
import json, sys, threading
import numpy as np
import astgrad
from astgrad import caching, disk_cache
from astgrad.rules import registry
import targets

RULE_MODULES = ["astgrad.rules." + name for name in ("numpy_rules", "operators", "builtin_rules", "facts")]
generated, loads = [], []
engine = caching._pipeline


def counting_engine():
    pipeline = engine()
    if not hasattr(pipeline.back, "counted"):
        back = pipeline.back
        pipeline.back = lambda made, key: (generated.append(made.label), back(made, key))[1]
        pipeline.back.counted = True
    return pipeline


caching._pipeline = counting_engine
load = disk_cache.load
disk_cache.load = lambda *args, **kwargs: (loads.append(1), load(*args, **kwargs))[1]
x = np.linspace(0.1, 0.9, 4)
report = {"at import": [m for m in RULE_MODULES if m in sys.modules]}
report["gradient"] = astgrad.grad(targets.f)(x).tolist()
report["after the first call"] = [m for m in RULE_MODULES if m in sys.modules]
report["generated"], report["loads"] = list(generated), len(loads)
if sys.argv[1] == "hit":
    version = registry.VERSION[0]
    start, seen = threading.Barrier(4), []

    def read():
        start.wait()
        record = registry.primitive(np.sin)
        seen.append((record is not None and record.adjoint is not None, len(registry.PRIMITIVES)))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report["threads"] = sorted(set(seen))
    report["whole"] = len(registry.PRIMITIVES)
    report["version kept"] = registry.VERSION[0] == version
    del generated[:], loads[:]
    report["again"] = astgrad.grad(targets.f)(x).tolist()
    report["again made or loaded"] = list(generated) + loads
print(json.dumps(report))
'''


def _run(tmp_path, phase):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([astgrad_source.path(), str(tmp_path)]),
               ASTGRAD_CACHE="1", ASTGRAD_CACHE_DIR=str(tmp_path / "cache"))
    done = fresh_process.run([str(tmp_path / "child.py"), phase], src=astgrad_source.path(), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_disk_cache_hit_registers_no_rule_and_the_rules_register_whole_once(tmp_path):
    import numpy as np
    (tmp_path / "targets.py").write_text(textwrap.dedent(TARGETS))
    (tmp_path / "child.py").write_text(CHILD)
    x = np.linspace(0.1, 0.9, 4)
    expected = (np.sin(x) + x * np.cos(x)).tolist()
    first = _run(tmp_path, "fill")
    assert first["at import"] == [] and first["generated"] and len(first["after the first call"]) == 4
    np.testing.assert_allclose(first["gradient"], expected, rtol=1e-12)
    hit = _run(tmp_path, "hit")
    assert hit["generated"] == [] and hit["loads"] == 1       # served by the disk cache
    assert hit["at import"] == [] and hit["after the first call"] == []
    np.testing.assert_allclose(hit["gradient"], expected, rtol=1e-12)
    # four threads reading at once each wait for the whole table
    assert hit["threads"] == [[True, hit["whole"]]] and hit["whole"] > 500
    # registering astgrad's own rules left the loaded code in use: not loaded or made again
    assert hit["version kept"] and hit["again made or loaded"] == []
    np.testing.assert_allclose(hit["again"], expected, rtol=1e-12)


def test_a_rule_registered_before_the_table_is_read_replaces_astgrads(tmp_path):
    code = textwrap.dedent('''
        import numpy, astgrad
        from astgrad.rules import registry
        d = astgrad.d

        @astgrad.adjoint(numpy.tanh)
        def tanh_rule(y, x):
            d[x] = d[y] * 2.0

        print(registry.lookup(registry.ADJOINTS, numpy.tanh).fn is tanh_rule,
              registry.lookup(registry.ADJOINTS, numpy.sin) is not None)
    ''')
    (tmp_path / "rule.py").write_text(code)
    env = dict(os.environ, PYTHONPATH=astgrad_source.path(), ASTGRAD_CACHE="0")
    done = fresh_process.run([str(tmp_path / "rule.py")], src=astgrad_source.path(), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def test_a_refused_registration_registers_nothing():
    """A fact a record does not have is refused (TypeError) before any record is made: the
    function stays without a record and the table's version is unchanged."""
    from astgrad.rules import registry

    def helper(x):
        return x

    version = registry.VERSION[0]
    with pytest.raises(TypeError, match="a Primitive has no field 'colour'"):
        registry.declare(helper, result=registry.FRESH, colour="red")
    assert registry.primitive(helper) is None and registry.VERSION[0] == version
