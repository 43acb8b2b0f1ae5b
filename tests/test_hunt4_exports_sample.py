"""astgrad.export of a sample of the fourth hunt's programs (every sixth one): the exported
gradient against finite differences, the exported Hessian-vector product (forward mode of
order 2) and the second derivative with its default seeds against astgrad's, checked as
test_hunt4_exports.py checks its programs.

Moved from test_hunt4_exports.py, which runs on every Python and keeps the programs whose
export the hunt found failing, through each of these paths, so each way unparsing and
loading the module differ between Pythons. The sample takes the same paths through more
programs, whose subject is the engine's derivative of them (on gast's trees, the same on
every Python), so CI runs it on the default Python alone (.ci/campaigns.txt).
"""

import pytest

from test_hunt4_exports import (ENGINE_GRADIENTS, ENGINE_PRODUCTS, ENGINE_SECOND, check_exported_gradient,
                                check_exported_hessian_vector_product, check_exported_second_derivative, params)


@pytest.mark.parametrize("name, f, args, wrt", params(ENGINE_GRADIENTS))
def test_exported_gradient(name, f, args, wrt, tmp_path):
    check_exported_gradient(f, args, wrt, tmp_path)


@pytest.mark.parametrize("name, f, args, wrt", params(ENGINE_PRODUCTS))
def test_exported_hessian_vector_product(name, f, args, wrt, tmp_path):
    check_exported_hessian_vector_product(f, args, wrt, tmp_path)


@pytest.mark.parametrize("name, f, args, wrt", params(ENGINE_SECOND))
def test_exported_second_derivative_with_its_default_seeds(name, f, args, wrt, tmp_path):
    check_exported_second_derivative(f, args, wrt, tmp_path)
