"""Export of functions calling methods of argument objects (runs on every Python: export).

``astgrad.export`` writes code before any argument is seen, so it cannot know which
method ``acc.drop()`` is. It kept such a call whose value carries no derivative as it
was, so the exported gradient changed the caller's object (popping an item), where the
transforms in process refuse that method of the class they are given: now export
refuses it, saying what it cannot do and what to do instead. A one-argument ``.put(v)``
of an argument object was refused as a queue's before its class was known; it now
waits for the class, and the refusal names the method of the class.
"""

import re

import numpy as np
import pytest

import astgrad


class Accumulator:
    def __init__(self):
        self.buf = np.zeros(2)
        self.items = [1.0, 2.0]

    def put(self, v):
        self.buf[0] = v

    def drop(self):
        return self.items.pop()


def dropping(acc, x):
    v = acc.drop()
    return v * x


def putting(acc, x):
    acc.put(x * x)
    return np.sum(acc.buf)


def test_export_refuses_a_method_of_an_argument_object_it_would_call_blind():
    with pytest.raises(astgrad.TransformError) as error:
        astgrad.export(dropping, wrt=1)
    text = str(error.value)
    line = dropping.__code__.co_firstlineno + 1
    assert re.search(rf"test_export_method_calls\.py:{line}: astgrad\.export writes the derivative of dropping "
                     r"before it is called, so it has no arguments whose classes", text), text
    assert "differentiate dropping with astgrad.grad, jvp or hessian instead" in text
    assert "v = acc.drop()" in text


def test_a_put_method_of_an_argument_object_is_refused_as_the_classs_method():
    with pytest.raises(astgrad.TransformError, match=r"the call of Accumulator\.put changes the object it is called "
                                                     r"on in place") as error:
        astgrad.grad(putting, wrt=1)(Accumulator(), 0.3)
    assert "queue" not in str(error.value)
