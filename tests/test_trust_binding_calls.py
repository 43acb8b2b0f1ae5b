"""Calls binding their arguments to the callee's parameters as Python does, the rest of
test_trust_binding.py's two tables: keyword-only parameters and defaults, keywords in
another order, a module's lambda, callees of callees, an argument without a derivative
(ENGINE_BINDINGS); callees taking *args and **kwargs (ENGINE_STAR_CALLS). Each in both
modes and to second order against finite differences, as there.

Moved from test_trust_binding.py, which runs on every Python and keeps a call to a callee
with positional-only parameters and one to a callee taking *args and **kwargs. Which
parameter an argument binds to is the engine's reading of the call and the callee on
gast's trees, the same on every Python, so CI runs these on the default Python alone
(.ci/campaigns.txt).
"""

import pytest

from test_trust_binding import (ENGINE_BINDINGS, ENGINE_STAR_CALLS, check_a_callee_with_star_args,
                                check_arguments_reach_the_callee_parameters)


@pytest.mark.parametrize("f", ENGINE_BINDINGS, ids=lambda f: f.__name__)
def test_arguments_reach_the_callee_parameters_they_bind_to(f):
    check_arguments_reach_the_callee_parameters(f)


@pytest.mark.parametrize("f", ENGINE_STAR_CALLS, ids=lambda f: f.__name__)
def test_a_callee_with_star_args_is_differentiated_for_the_call(f):
    check_a_callee_with_star_args(f)
