"""A name path a function's source resolves again (``np.sin`` at each call of it) is
answered from what the first read found; it is still noted in each read log opened
after (a kept normalization is checked against every name it read), still recorded as a
dependency when asked with ``depend``, and a scope bound since is seen."""

import numpy as np

import astgrad
from astgrad.core.missing import MISSING
from astgrad.core.read_log import logging_reads
from astgrad.frontend.source import ScopeRoot, parse_function

K = 2.0


def uses_sin(x):
    return np.sum(np.sin(x) * K)


def _paths(log):
    return [parts for fn, parts, chain in log.reads]


def test_a_path_read_again_is_noted_in_each_new_log():
    source = parse_function(uses_sin)
    with logging_reads() as first:
        assert source.resolve_path(["np", "sin"], depend=False) is np.sin
        assert source.resolve_path(["np", "sin"], depend=False) is np.sin
    assert ("np", "sin") in _paths(first)
    with logging_reads() as second:         # another normalization's log: noted there too
        assert source.resolve_path(["np", "sin"], depend=False) is np.sin
    assert ("np", "sin") in _paths(second)
    with logging_reads() as outer:
        source.resolve_path(["np", "cos"], depend=False)
        with logging_reads() as inner:      # a log opened inside: noted in it, not only the outer one
            source.resolve_path(["np", "cos"], depend=False)
        assert ("np", "cos") in _paths(inner)
    assert ("np", "cos") in _paths(outer)


def test_a_path_read_again_with_depend_is_a_dependency():
    source = parse_function(uses_sin)
    source.resolve_path(["np", "exp"], depend=False)
    assert not source.dependencies
    assert source.resolve_path(["np", "exp"]) is np.exp
    assert source.dependencies == [(("np", "exp"), (np, np.exp))]
    source.resolve_path(["np", "exp"])
    assert len(source.dependencies) == 1        # recorded once, as before


def test_a_scope_bound_after_a_read_is_seen():
    source = parse_function(uses_sin)
    assert source.resolve_path(["scope_1"], depend=False) is MISSING
    scope = {"a": 1}
    source.scopes["scope_1"] = scope
    assert source.resolve_path(["scope_1"]) is scope
    root = source.dependencies[-1][0][0]
    assert isinstance(root, ScopeRoot) and root.name == "scope_1"


def test_a_copy_reads_again_and_a_rebound_global_is_followed():
    global K
    source = parse_function(uses_sin)
    source.resolve_path(["K"], depend=False)
    copied = source.copy()
    with logging_reads() as log:
        copied.resolve_path(["K"], depend=False)
    assert ("K",) in _paths(log)
    x = np.linspace(0.1, 0.9, 4)
    assert np.allclose(astgrad.grad(uses_sin)(x), np.cos(x) * 2.0)
    K = 3.0         # the kept normalization read K: rebinding it is noticed
    try:
        assert np.allclose(astgrad.grad(uses_sin)(x), np.cos(x) * 3.0)
    finally:
        K = 2.0
