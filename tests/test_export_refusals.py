"""Export's refusals of programs from test files that run on one Python (the program
campaigns of .ci/campaigns.txt). Export writes a module's text, partly by the standard
library's ``ast.unparse``, which differs between Pythons: its tests, refusals included,
run on every Python, as test_export*.py do.
"""

import pytest

import astgrad
from astgrad.exporting import ExportError
from test_refusals52 import gradient_made_outside_marking_globals
from test_unknown_class_operators import on_items


def test_exporting_a_derivative_that_runs_such_a_gradient_again_is_refused():
    with pytest.raises(ExportError, match="runs a gradient made outside a second time, putting back"):
        astgrad.export(gradient_made_outside_marking_globals)


def test_exporting_such_an_operator_is_refused():
    from astgrad.exporting import ExportError
    with pytest.raises(ExportError, match=r"differentiates an operator on an object whose class "
                                                            r"astgrad finds only when the code runs"):
        astgrad.export(on_items, wrt=(0, 1))
