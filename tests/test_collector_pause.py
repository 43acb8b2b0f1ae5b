"""Generating a derivative pauses Python's cyclic garbage collector and leaves it as it
was: enabled or disabled as the program had it, the objects the program froze
(``gc.freeze``) still frozen, and the objects the kept front half of a generation holds
(between ``grad(f)`` and the first call) still collected once they are garbage."""

import gc
import weakref

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from program_files import load

SOURCE = '''
import numpy as np
import pytest


def f(x):
    t = np.sin(x) * x
    for _ in range(2):
        t = t * 0.5 + np.cos(t)
    return np.sum(t)
'''

X = np.linspace(0.1, 0.9, 4)


def _gradient_now():
    gradient = astgrad.grad(load(SOURCE, "f"))      # a new function: its front half is made now
    gradient(X)


def test_the_collector_is_enabled_again_after_grad_and_the_first_call():
    assert gc.isenabled()
    _gradient_now()
    assert gc.isenabled()


def test_a_collector_the_program_disabled_stays_disabled():
    gc.disable()
    try:
        _gradient_now()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_the_program_froze_stay_frozen():
    held = [np.ones(2)]             # tracked by the collector: frozen below
    gc.collect()
    gc.freeze()
    try:
        _gradient_now()
        # a frozen object is in no generation, so gc.get_objects() leaves it out
        assert not any(item is held for item in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(item is held for item in gc.get_objects())


class _Node:
    pass


def test_cycles_made_before_grad_are_still_collected():
    made = _Node()
    made.self = made                # a cycle, young when grad(f) runs
    alive = weakref.ref(made)
    del made
    _gradient_now()
    gc.collect()
    assert alive() is None


def _cyclic_garbage(make):
    """The objects of astgrad's (syntax trees, its classes' instances) that ``make()``
    leaves in reference cycles, while what it returns is alive: garbage only a
    collection frees."""
    import gast
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)      # what collections free goes to gc.garbage
    try:
        made = make()
        gc.collect()
        del made
        return [item for item in gc.garbage
                if isinstance(item, gast.AST) or type(item).__module__.startswith("astgrad.")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_generating_first_and_second_derivatives_leaves_no_cycles():
    """What a generation drops is freed as it is dropped: what outlives the pause joins
    the collector's oldest generation, where garbage in cycles would wait for a full
    collection (the shape analysis and the save planner each made one, which held
    the trees of the derivative's derivative)."""
    from astgrad import caching

    def first_and_second():
        f = load(SOURCE, "f")
        gradient = caching.generate_reverse(f, (0,), False)
        return f, gradient, caching.generate_reverse(gradient, (0,), False)
    assert _cyclic_garbage(first_and_second) == []


def test_the_gradient_is_right_after_the_pause():
    f = load(SOURCE, "f")
    assert_close(astgrad.grad(f)(X), numerical_grad(f, (X,)))


_IMPORTS = '''
import gc, sys
{before}
held = [[]]                 # tracked by the collector, young when astgrad is imported
import astgrad
from astgrad import caching
caching._pipeline()         # the generation engine, loaded with the collector paused too
print(gc.isenabled(), any(item is held for item in gc.get_objects()), "astgrad.pipeline" in sys.modules)
'''


@pytest.mark.parametrize("before, enabled", [("", True), ("gc.disable()", False)], ids=["enabled", "disabled"])
def test_importing_astgrad_and_its_engine_leaves_the_collector_as_it_was(before, enabled):
    """``import astgrad`` and the engine's first load pause the collector (their modules
    live as long as the process) and leave it enabled or disabled as the program had it;
    the program's own objects stay where the collector sees them."""
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.path.join(root, "src"))
    result = subprocess.run([sys.executable, "-c", _IMPORTS.format(before=before)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(enabled), "True", "True"]
