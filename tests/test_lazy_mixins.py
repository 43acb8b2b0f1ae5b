"""The Normalizer's mixins for rarer constructs load when a function first needs one of
their methods (frontend/normalize/lazy_mixins.py): a function using none of them loads
none of their modules, a function using one gets the gradient it got when they were
bases, also when the first such calls come from several threads at once; and the class
they make is the one their being bases made (no name of theirs is another mixin's, none
calls super(), the table lists exactly the names they define)."""

import inspect
import json
import os

import fresh_process
from astgrad.frontend.normalize import lazy_mixins
from astgrad.frontend.normalize.normalizer import Normalizer

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

PROGRAMS = '''\
import itertools

import numpy as np


def plain(x, y):
    s = x * y + np.exp(x)
    for i in range(3):
        s = s + np.sin(s) * i
    return np.sum(s if np.sum(s) > 0 else -s)


def uses_sorted(x):             # iterators.py (and recursion.py: is the key a local recursion?)
    ys = sorted([x * 2.0, x * x, np.sin(x)], key=lambda v: v)
    return ys[0] + 3.0 * ys[2]


def uses_pairwise(x):           # itertools_calls.py
    xs = [x, x * x, np.sin(x)]
    return sum(a * b for a, b in itertools.pairwise(xs))


def uses_del(x):                # deletions.py
    d = {"a": x * x, "b": np.cos(x)}
    del d["b"]
    return d["a"] * 3.0


def uses_set(x):                # sets.py
    s = {1.0, 2.0}
    return sum(x * k for k in s)
'''

CHILD = '''\
import json, sys, threading
import numpy as np
import astgrad
from astgrad.frontend.normalize import lazy_mixins
import programs as P

lazy = ["astgrad.frontend.normalize." + m for m in lazy_mixins.LAZY]
x, y = np.linspace(0.1, 0.9, 4), np.linspace(-0.5, 0.5, 4)
astgrad.grad(P.plain)(x, y)
loaded_by_plain = [m for m in lazy if m in sys.modules]
functions = [P.uses_sorted, P.uses_pairwise, P.uses_del, P.uses_set]
errors, failures = [], []
start = threading.Barrier(8)


def run(k):
    start.wait()
    try:
        for f in functions[k % 4:] + functions[:k % 4]:
            at = 0.3 + 0.1 * k
            numeric = (f(at + 1e-6) - f(at - 1e-6)) / 2e-6
            errors.append(abs(astgrad.grad(f)(at) - numeric))
    except Exception as error:
        failures.append(repr(error))


threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps([loaded_by_plain, len(errors), max(errors, default=None), failures,
                  sorted(m.rsplit(".", 1)[1] for m in lazy if m in sys.modules)]))
'''


def test_a_plain_function_loads_no_lazy_mixin_and_concurrent_first_uses_are_right(tmp_path):
    (tmp_path / "programs.py").write_text(PROGRAMS)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, str(tmp_path)]), ASTGRAD_CACHE="0")
    done = fresh_process.run(["-c", CHILD], src=SRC, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    loaded_by_plain, count, largest, failures, loaded = json.loads(done.stdout)
    assert loaded_by_plain == [] and failures == []
    assert count == 32 and largest < 1e-6
    assert {"deletions", "iterators", "itertools_calls", "sets"} <= set(loaded)


def test_the_lazy_mixins_make_the_class_their_being_bases_made():
    mixins = {module: lazy_mixins.mixin(module) for module in lazy_mixins.LAZY}
    attached = {id(value) for mixin in mixins.values() for value in vars(mixin).values()}
    assert not set(mixins.values()) & set(Normalizer.__mro__)
    # the names of Normalizer and its bases, but for those attach() copied onto it
    others = {name for base in Normalizer.__mro__ for name, value in vars(base).items()
              if not (base is Normalizer and id(value) in attached)}
    for module, (class_name, *names) in lazy_mixins.LAZY.items():
        mixin = mixins[module]
        assert mixin.__name__ == class_name and mixin.__bases__ == (object,)
        own = [name for name in vars(mixin) if not name.startswith("__")]
        assert own == names, f"lazy_mixins.LAZY[{module!r}] must list {own}"
        assert not others & set(own), f"{module}: {sorted(others & set(own))} defined by another mixin too"
        for value in vars(mixin).values():
            function = inspect.unwrap(getattr(value, "__func__", value))
            assert "__class__" not in getattr(getattr(function, "__code__", None), "co_freevars", ()), \
                f"{module}.{getattr(function, '__name__', value)} calls super(): it needs to be a base"


def test_a_name_no_mixin_defines_is_an_attribute_error():
    normalizer = Normalizer.__new__(Normalizer)
    assert getattr(normalizer, "sequence_facts", "absent") == "absent"
    assert callable(normalizer.stmt_Delete) and "stmt_Delete" in vars(Normalizer)



def test_the_list_methods_asked_of_list_method_are_those_it_lowers():
    # call_chain asks list_method (displays.py, loaded on first use) about calls of these only
    from astgrad.frontend.normalize import call_chain, displays
    assert sorted(call_chain.LIST_METHODS) == sorted(displays._LOWERED_ARITY)
