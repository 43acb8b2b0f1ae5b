"""The contexts (Load, Store, Del) and operators core/syntax.py shares between every tree
astgrad makes (as the parser shares them) must carry nothing: a mark or annotation put on
one would stand in every function differentiated after it. (The marks of moved-list words
once were, so a refusal could take another function's words.) Here a spread of programs
is differentiated in every mode, refusals included, and each shared node is looked at."""

import gc

import gast
import numpy as np
import pytest

import astgrad
import hunt71_programs as P
from test_objects71 import appended_over_a_columns_list, stored_after_the_join

SHARED_KINDS = (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop)


def _differentiate_a_spread_of_programs():
    for _, f, args, wrt in P.CASES[::12]:
        for transform in (astgrad.grad, astgrad.hessian):
            try:
                transform(f, wrt=wrt[0])(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
            except (astgrad.TransformError, TypeError, ValueError, NotImplementedError):
                pass            # (refusals mark nodes too: the point is what they leave behind)
    astgrad.grad(appended_over_a_columns_list)(np.array([0.3, -0.7, 1.1]))
    with pytest.raises(astgrad.TransformError):
        astgrad.grad(stored_after_the_join)(np.array([0.3, -0.7, 1.1]))


def test_no_context_or_operator_carries_anything_after_a_spread_of_transforms():
    _differentiate_a_spread_of_programs()
    gc.collect()
    shared = [n for n in gc.get_objects() if issubclass(type(n), SHARED_KINDS)]   # (type: a dead weak proxy raises)
    assert len(shared) > 10
    carrying = [(type(n).__name__, dict(vars(n))) for n in shared if vars(n)]
    assert carrying == []
