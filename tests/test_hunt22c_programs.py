"""The twenty-second hunt (third part), at the API surface: what each transform answers
when it is given what it cannot differentiate, checked by its message, and that the
next call works."""

import dataclasses
import json
import os

import numpy as np
import pytest

import astgrad
import astgrad_source
import fresh_process
from fd import assert_close


def squares(v):
    return np.sum(v ** 2)


def first_squares(items):
    return np.sum(items[0] ** 2)


@dataclasses.dataclass
class Weights:
    w: np.ndarray
    b: float


def weighted(p, x):
    return np.sum(p.w * x) + p.b ** 2


OBJECTS = np.array([1.0, 2.0], dtype=object)
X2 = np.array([0.5, 0.25])

# an array of dtype object holding numbers, differentiated: its gradient was None (read
# as a zero gradient), by grad's quick path, value_and_grad, vjp, hvp and inside containers
OBJECT_ARRAYS = [
    ("grad", lambda: astgrad.grad(squares)(OBJECTS), r"grad: argument 'v' is a NumPy array of dtype object"),
    ("grad of ints", lambda: astgrad.grad(squares)(np.array([1, 2], dtype=object)), r"argument 'v' is a NumPy"),
    ("grad wrt two", lambda: astgrad.grad(lambda v, y: squares(v) * y, (0, 1))(OBJECTS, 2.0),
     r"grad: argument 'v' is a NumPy array of dtype object"),
    ("value_and_grad", lambda: astgrad.value_and_grad(squares)(OBJECTS), r"value_and_grad: argument 'v'"),
    ("vjp", lambda: astgrad.vjp(squares, OBJECTS)[1](1.0), r"vjp: argument 'v' is a NumPy array"),
    ("hvp", lambda: astgrad.hvp(squares)(OBJECTS, np.ones(2)), r"hvp: argument 'v' is a NumPy array"),
    ("hessian", lambda: astgrad.hessian(squares)(OBJECTS), r"hessian: argument 'v' is a NumPy array"),
    ("jacobian", lambda: astgrad.jacobian(lambda v: v ** 2)(OBJECTS), r"jacobian: argument 'v' is a NumPy"),
    ("in a list", lambda: astgrad.grad(first_squares)([OBJECTS]),
     r"argument 'items' \(at items\[0\]\) is a NumPy array of dtype object.*Pass items\[0\]\.astype\(float\)"),
    ("in a list, hvp", lambda: astgrad.hvp(first_squares)([OBJECTS], [np.ones(2)]), r"\(at items\[0\]\)"),
    ("in a dataclass", lambda: astgrad.grad(weighted)(Weights(OBJECTS, 3.0), X2),
     r"argument 'p' \(at p\.w\) is a NumPy array of dtype object.*Pass p\.w\.astype\(float\)"),
]


@pytest.mark.parametrize("name, call, says", OBJECT_ARRAYS, ids=[case[0] for case in OBJECT_ARRAYS])
def test_an_object_array_differentiated_is_refused_not_answered_none(name, call, says):
    with pytest.raises(TypeError, match=says) as refused:
        call()
    assert "does not answer None" in str(refused.value)
    assert_close(astgrad.grad(squares)(OBJECTS.astype(float)), 2.0 * OBJECTS.astype(float))   # the next call


def test_an_object_array_held_constant_and_a_string_array_still_work():
    assert_close(astgrad.grad(lambda v, y: squares(v) * y, 1)(OBJECTS, 2.0), 5.0)
    assert astgrad.grad(lambda s, y: y ** 2)(np.array(["a"]), 2.0) is None      # strings get None


# -- functions given directly: library functions, methods taking *args ------------------

@pytest.mark.parametrize("call, says", [
    (lambda: astgrad.grad(np.sum)(X2, 0), r"sum\(\) too many positional arguments; a transform of numpy\.sum given "
                                          r"directly takes its required arguments \(a\) only.*lambda a: numpy\.sum"),
    (lambda: astgrad.grad(np.mean)(X2, axis=0), r"unexpected keyword argument 'axis'; a transform of numpy\.mean"),
    (lambda: astgrad.jvp(np.prod, (X2, 0), (X2, None)), r"a transform of numpy\.prod given directly"),
    (lambda: astgrad.grad(np.sin, 1)(0.5), r"wrt=1: sin has 1 parameter\(s\) \['x'\].*a transform of numpy\.sin"),
], ids=["extra positional", "extra keyword", "jvp", "wrt"])
def test_a_library_function_given_directly_says_it_takes_its_required_arguments(call, says):
    # the message read "sum() too many positional arguments", which np.sum(x, 0) is not
    with pytest.raises((TypeError, ValueError), match=says):
        call()
    assert_close(astgrad.grad(lambda a: np.sum(np.sin(a), 0))(X2), np.cos(X2))      # what it advises


def test_a_function_given_directly_keeps_its_short_message_where_it_takes_no_more():
    with pytest.raises(TypeError, match=r"^abs\(\) too many positional arguments$"):
        astgrad.grad(abs)(1.0, 2.0)


class Scaled:
    def __init__(self, s):
        self.s = s

    def __call__(self, *args):
        return args[0] ** 2 * args[1] * self.s

    def power_sum(self, x, *rest):
        return x ** 3 * sum(rest) * self.s


@pytest.mark.parametrize("call", [
    lambda: astgrad.grad(Scaled(2.0))(0.5, 3.0),
    lambda: astgrad.grad(Scaled(2.0).power_sum, 1)(0.5, 3.0),
    lambda: astgrad.jvp(Scaled(2.0).power_sum, (0.5, 3.0), (1.0, 0.0)),
    lambda: astgrad.hessian(Scaled(2.0))(0.5, 3.0),
], ids=["callable object", "method", "jvp", "hessian"])
def test_a_bound_method_taking_varargs_says_to_pass_the_object_first(call):
    # grad said "wrt=0: Scaled.__call__ has 0 parameter(s) [], so wrt must be in range(0)"
    with pytest.raises(TypeError, match=r"Scaled\.\w+, which takes \*args or \*\*kwargs, as a plain function, "
                                        r"not bound to the object: transform Scaled\.\w+ and pass the object first"):
        call()
    obj = Scaled(2.0)          # what the message advises, against the derivative by hand
    assert_close(astgrad.grad(Scaled.__call__, wrt=(1, 2))(obj, 0.5, 3.0), (2 * 0.5 * 3.0 * 2.0, 0.25 * 2.0))
    assert_close(astgrad.jvp(Scaled.power_sum, (obj, 0.5, 3.0), (None, 1.0, 0.0))[1], 3 * 0.25 * 3.0 * 2.0)


FIRST_THING = """
import json, math
import astgrad, scipy.special
print(json.dumps([astgrad.grad(scipy.special.expit)(0.3), astgrad.jvp(scipy.special.erf, (0.3,), (1.0,))[1]]))
"""


def test_a_scipy_function_given_directly_is_differentiated_as_the_first_thing_a_process_does():
    # "astgrad can only differentiate Python functions; got <ufunc 'expit'>": SciPy's rules
    # were registered only once some function calling SciPy had been differentiated
    pytest.importorskip("scipy")
    src = astgrad_source.path()
    done = fresh_process.run(["-c", FIRST_THING], src=src, env=dict(os.environ, PYTHONPATH=src, ASTGRAD_CACHE="0"))
    assert done.returncode == 0, done.stderr
    expit, erf = json.loads(done.stdout)
    s = 1.0 / (1.0 + np.exp(-0.3))
    assert_close([expit, erf], [s * (1.0 - s), 2.0 / np.sqrt(np.pi) * np.exp(-0.09)], rtol=1e-12)


# -- a helper rebinding what the code reads through a module or a global object ----------

import hunt22c_programs as H  # noqa: E402


def act_twice(x):
    a = H.act(x)
    H.use_exp()
    return a + H.act(x)


def box_twice(x):
    a = H.BOX.fn(x)
    H.box_uses_exp()
    return a + H.BOX.fn(x)


def class_twice(x):
    a = H.Acts.act(x)
    H.acts_use_exp()
    return a + H.Acts.act(x)


def act_after_an_unrelated_helper(x):
    H.count_calls()
    return H.act(x) * x


@pytest.mark.parametrize("f, read, helper", [(act_twice, "H.act", "use_exp"), (box_twice, "H.BOX.fn", "box_uses_exp"),
                                             (class_twice, "H.Acts.act", "acts_use_exp")],
                         ids=["module global", "global object's attribute", "class attribute"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_helper_rebinding_what_the_code_reads_is_refused(f, read, helper, mode):
    # the code was made for sin at both reads: 2 cos(0.7) = 1.5297, where Python computes
    # sin(x) + exp(x), whose derivative is cos(0.7) + exp(0.7) = 2.7786
    H.reset()
    transform = (lambda: astgrad.grad(f)(0.7)) if mode == "grad" else (lambda: astgrad.jvp(f, (0.7,), (1.0,)))
    with pytest.raises(astgrad.TransformError) as refused:
        transform()
    message = str(refused.value)
    assert f"a read of {read} that the helper {helper} rebinds" in message, message
    assert "test_hunt22c_programs.py:" in message and "pass the functions in as arguments" in message
    H.reset()
    assert_close(astgrad.grad(act_after_an_unrelated_helper)(0.7), np.sin(0.7) + 0.7 * np.cos(0.7))  # next call


def test_hvp_source_for_says_where_v_goes_as_the_call_does():
    # source_for(p, x) said "weighted() missing a required argument: 'x'" (x was taken for v)
    product = astgrad.hvp(weighted, 1)
    p = Weights(X2, 1.0)
    for ask in (lambda: product.source_for(p, X2), lambda: product(p, X2)):
        with pytest.raises(TypeError, match=r"missing a required argument: 'x'; hvp of weighted takes its "
                                            r"arguments followed by v"):
            ask()
    assert "def " in product.source_for(p, X2, np.ones(2))
    assert_close(product(p, X2, np.ones(2)), np.zeros(2))      # linear in x
