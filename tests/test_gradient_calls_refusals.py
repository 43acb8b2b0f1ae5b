"""The rest of test_gradient_calls_trust.py's table of gradients of vector-valued functions
called inside differentiated code (test_gradient_calls_trust.ENGINE_REFUSALS): each way of
calling the gradient under each transform raises the error calling the code raises, as
there.

Moved from test_gradient_calls_trust.py, which runs on the default Python and on the
oldest NumPy and keeps every transform of one way and every way under grad. Where the
check goes in the generated code, and that it raises, is the engine's doing on gast's
trees, whatever the Python or NumPy version, so CI runs these on the default Python alone
(.ci/campaigns.txt).
"""

import pytest

from test_gradient_calls_trust import ENGINE_REFUSALS, check_the_vector_output_is_refused, refusal_id


@pytest.mark.parametrize("way, transform", ENGINE_REFUSALS, ids=map(refusal_id, ENGINE_REFUSALS))
def test_a_gradient_of_a_vector_output_called_in_the_code_says_what_is_wrong(way, transform):
    check_the_vector_output_is_refused(way, transform)
