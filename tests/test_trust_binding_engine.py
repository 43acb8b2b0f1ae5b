"""Binding and caching where what is checked is the engine's own bookkeeping, moved from
test_trust_binding.py (which runs on every Python, and keeps every rebinding of globals,
closure cells, callees, modules reloaded and edited, and threads): a name whose call was
lowered as a library form (``functools.reduce``, ``reversed``, ``abs`` of an object) is
guarded as a rule's name is, and a function normalized once gives each derivative its own
copy of the normalized tree. Both are the engine's work on gast's trees and its caches,
compared with finite differences and with itself in one process, the same on every Python,
so CI runs these on the default Python alone (.ci/campaigns.txt).
"""

import gc
import weakref

import numpy as np

import astgrad
from astgrad import caching
from astgrad import prepared
from fd import assert_close, numerical_grad
import test_trust_binding
from test_trust_binding import Transforms

modules = test_trust_binding.modules        # the fixture: a module written to a file and imported


def test_rebinding_names_whose_calls_lowered_as_library_forms(modules):
    # reduce, reversed and abs of an object are lowered when the code is made (not
    # called): which callee the name meant must be guarded as a rule's name is
    mod = modules("""
        from functools import reduce as fold
        import operator

        turned = reversed

        class Box:
            def __init__(self, v):
                self.v = v

            def __abs__(self):
                return self.v * self.v

        def total(fn, xs):
            return xs[0] + xs[1] + xs[2]

        def first(xs):
            return [xs[0]]

        def f(x):
            return fold(operator.mul, [x, x, 2.0]) + list(turned([x, x * x]))[0] + abs(Box(x))
    """)
    transforms = Transforms(mod.f)
    x = 0.7
    transforms.check(x, 4 * x + 2 * x + 2 * x)
    mod.fold, mod.turned, mod.abs = mod.total, mod.first, lambda box: box.v
    transforms.check(x, 2.0 + 1.0 + 1.0)


def looped_with_branches(x, n=3):
    total = 0.0
    for k in range(n):
        if x > k:
            total = total + np.sin(x * k)
        else:
            total = total * x
    return total * x


def test_a_function_normalized_once_gives_each_derivative_the_code_a_fresh_parse_gives(monkeypatch):
    """Each derivative transforms its own copy of the normalized function: none changes
    another's, and the oldest kept are dropped (prepared.py)."""
    makers = {"grad": lambda: caching.reverse_derivative(looped_with_branches, (0,), True),
              "vjp": lambda: caching.reverse_derivative(looped_with_branches, (0,), False),
              "jvp": lambda: caching.forward_derivative(looped_with_branches, (0,))}
    astgrad.clear_cache()
    one_after_another = {name: make().source for name, make in makers.items()}
    assert prepared.kept() == [looped_with_branches]
    for name, make in makers.items():
        astgrad.clear_cache()
        assert make().source == one_after_another[name], name
    monkeypatch.setattr(prepared, "LIMIT", 1)
    short_lived = lambda y: y * 2.0     # noqa: E731
    caching.reverse_derivative(short_lived, (0,), False)
    assert prepared.kept() == [short_lived]
    ref = weakref.ref(short_lived)
    del short_lived
    gc.collect()
    assert ref() is None                # what is kept does not keep its function alive
    assert_close(astgrad.grad(looped_with_branches)(2.5), numerical_grad(looped_with_branches, (2.5,)))
