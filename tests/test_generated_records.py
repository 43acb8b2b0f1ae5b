"""The records astgrad keeps for generated code and for the rule table are plain classes
(made as dataclasses, they took a twentieth of ``import astgrad``): they still copy, change
and refuse changes as the dataclasses did, and a dataclass argument is still told apart
without astgrad importing ``dataclasses``."""

import copy
import dataclasses

import numpy as np
import pytest

from astgrad.generation_records import Generated
from astgrad.records import is_record
from astgrad.rules import registry


def _generated():
    return Generated(compile("1", "<test>", "exec"), None, "f", "def f(x):\n    return x\n", {"a": [1]}, (), 7, 0.5,
                     pinned=("a",))


def test_generated_code_does_not_change_and_replace_makes_a_copy():
    generated = _generated()
    changed = generated.replace(version=8, callee_guards=("g",))
    assert (changed.version, changed.callee_guards, changed.pinned, changed.text) == (8, ("g",), ("a",), generated.text)
    assert (generated.version, generated.callee_guards) == (7, ())
    with pytest.raises(AttributeError, match="replace"):
        generated.version = 9
    with pytest.raises(AttributeError):
        del generated.text
    assert generated.version == 7


def test_generated_code_copies_shallow_and_deep():
    generated = _generated()
    shallow, deep = copy.copy(generated), copy.deepcopy(generated)
    assert shallow is not generated and shallow.cells is generated.cells
    assert deep.cells == {"a": [1]} and deep.cells["a"] is not generated.cells["a"]
    assert deep.code is generated.code and deep.held_closure == ()


def test_a_rule_record_replaced_keeps_the_rest():
    record = registry.Primitive(np.linalg.matrix_rank, kind="templates", mutates=1)
    other = record.replace(kind="facts", methods=(np.ndarray.sum,))
    assert (other.kind, other.methods, other.mutates, other.function) == ("facts", (np.ndarray.sum,), 1,
                                                                          np.linalg.matrix_rank)
    assert (record.kind, record.methods) == ("templates", ())
    assert "kind='templates'" in repr(record)


@dataclasses.dataclass
class _Params:
    w: float


class _Lookalike:
    def __getattr__(self, name):        # answers for any attribute of its instances, not of its class
        return 0


@pytest.mark.parametrize("value", [_Params(1.0), _Params, _Lookalike(), 1.0, np.ones(2), (1, 2), {"w": 1}])
def test_a_dataclass_instance_is_told_as_dataclasses_tells_it(value):
    assert is_record(value) == (dataclasses.is_dataclass(value) and not isinstance(value, type))
