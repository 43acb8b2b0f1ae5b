"""A gradient called inside differentiated code, of a function that must return a number.

``g = astgrad.grad(f)`` called in ``h`` runs, under every transform of ``h``, code that
checks, as calling ``g`` does, that ``f`` returns a real number: a vector-valued ``f``
is the error calling ``h`` raises (forward mode ran the forward derivative of the
gradient's code, which did not check, and gave a number without a word; so did every
transform of a function calling ``astgrad.grad(f)(y)`` inline). The same functions with
a scalar ``f`` keep their values (central finite differences).

Across processes: gradient code stored on disk is taken as proven to return only the
gradient of a real number only where it was stored after that proof; code a transform
of the gradient made (without the value) is never taken for it.
"""

import importlib.util
import json
import os
import tempfile
import threading

import numpy as np
import pytest

import astgrad
import astgrad_source
import fresh_process
from fd import assert_close, numerical_grad, numerical_jvp

P = np.array([0.3, -0.5, 0.8])
V = np.array([0.2, 0.7, -0.4])
A = np.array([[1.0, 0.2, -0.3], [0.4, 0.9, 0.1]])


def _vector(x):
    return x * 2.0 + np.sin(x)


def _scalar(x):
    return np.sum(x * x * np.cos(x)) + np.sum(np.sin(x))


def _vector_second(a, x):
    return a * x * x


def _scalar_second(a, x):
    return a * np.sum(x * x * x)


G_VECTOR, G_SCALAR = astgrad.grad(_vector), astgrad.grad(_scalar)
VG_VECTOR, VG_SCALAR = astgrad.value_and_grad(_vector), astgrad.value_and_grad(_scalar)
WRT_1_VECTOR, WRT_1_SCALAR = astgrad.grad(_vector_second, wrt=1), astgrad.grad(_scalar_second, wrt=1)


def global_vector(y):
    return np.sum(G_VECTOR(y) * y)


def global_scalar(y):
    return np.sum(G_SCALAR(y) * y)


def sum_only_vector(y):
    return np.sum(G_VECTOR(y))


def sum_only_scalar(y):
    return np.sum(G_SCALAR(y))


def value_and_grad_vector(y):
    value, gradient = VG_VECTOR(y)
    return np.sum(gradient * y) + np.sum(value)


def value_and_grad_scalar(y):
    value, gradient = VG_SCALAR(y)
    return np.sum(gradient * y) + value


def in_list_vector(y):
    gs = [astgrad.grad(_vector), _vector]
    return np.sum(gs[0](y) * y)


def in_list_scalar(y):
    gs = [astgrad.grad(_scalar), _scalar]
    return np.sum(gs[0](y) * y)


def in_dict_vector(y):
    gs = {"g": astgrad.grad(_vector)}
    return np.sum(gs["g"](y) * y)


def in_dict_scalar(y):
    gs = {"g": astgrad.grad(_scalar)}
    return np.sum(gs["g"](y) * y)


def inline_vector(y):
    return np.sum(astgrad.grad(_vector)(y) * y)


def inline_scalar(y):
    return np.sum(astgrad.grad(_scalar)(y) * y)


def inline_value_vector(y):
    value, gradient = astgrad.value_and_grad(_vector)(y)
    return np.sum(gradient * np.sin(y))


def inline_value_scalar(y):
    value, gradient = astgrad.value_and_grad(_scalar)(y)
    return np.sum(gradient * np.sin(y)) + value


def wrt_1_vector(y):
    return np.sum(WRT_1_VECTOR(1.5, y) * y)


def wrt_1_scalar(y):
    return np.sum(WRT_1_SCALAR(1.5, y) * y)


def inline_wrt_1_vector(y):
    return np.sum(astgrad.grad(_vector_second, wrt=1)(1.5, y) * y)


def inline_wrt_1_scalar(y):
    return np.sum(astgrad.grad(_scalar_second, wrt=1)(1.5, y) * y)


def _calling(g):
    def h(y):
        return np.sum(g(y) * np.cos(y))
    return h


CLOSURE_VECTOR, CLOSURE_SCALAR = _calling(astgrad.grad(_vector)), _calling(astgrad.grad(_scalar))


def made_inside_vector(y):
    g = astgrad.grad(_vector)
    return np.sum(g(y) * y)


def made_inside_scalar(y):
    g = astgrad.grad(_scalar)
    return np.sum(g(y) * y)


def matrix_vector(y):
    return np.sum(A @ G_VECTOR(y))


def matrix_scalar(y):
    return np.sum(A @ G_SCALAR(y))


class _Model:
    def __init__(self):
        self.W = np.array([1.0, 2.0, 3.0])

    def vector_loss(self, x):
        return self.W * np.sin(x)

    def scalar_loss(self, x):
        return np.sum(self.W * np.sin(x) * x)


MODEL = _Model()
BOUND_VECTOR, BOUND_SCALAR = astgrad.grad(MODEL.vector_loss), astgrad.grad(MODEL.scalar_loss)
ATTRIBUTE_VECTOR = astgrad.grad(_Model.vector_loss, wrt="self.W")
ATTRIBUTE_SCALAR = astgrad.grad(_Model.scalar_loss, wrt="self.W")


@astgrad.differentiable
def _decorated_vector(x):
    return x * np.cos(x)


@astgrad.differentiable
def _decorated_scalar(x):
    return np.sum(x * np.cos(x))


DECORATED_VECTOR, DECORATED_SCALAR = astgrad.grad(_decorated_vector), astgrad.grad(_decorated_scalar)


def bound_vector(y):
    return np.sum(BOUND_VECTOR(y) * y)


def bound_scalar(y):
    return np.sum(BOUND_SCALAR(y) * y)


def attribute_vector(y):
    return np.sum(ATTRIBUTE_VECTOR(MODEL, y) * y)


def attribute_scalar(y):
    return np.sum(ATTRIBUTE_SCALAR(MODEL, y) * y)


def decorated_vector(y):
    return np.sum(DECORATED_VECTOR(y) * y)


def decorated_scalar(y):
    return np.sum(DECORATED_SCALAR(y) * y)


def _varargs_vector(*xs):
    return xs[0] * 2.0 + np.sin(xs[0])


def _varargs_scalar(*xs):
    return np.sum(xs[0] ** 2 * np.cos(xs[0]))


def _apply(fn, x):
    return fn(x)


VARARGS_VECTOR, VARARGS_SCALAR = astgrad.grad(_varargs_vector), astgrad.grad(_varargs_scalar)
OF_APPLY = astgrad.grad(_apply, wrt=1)


def varargs_vector(y):
    return np.sum(VARARGS_VECTOR(y) * y)


def varargs_scalar(y):
    return np.sum(VARARGS_SCALAR(y) * y)


def given_vector(y):
    return np.sum(OF_APPLY(_vector, y) * y)


def given_scalar(y):
    return np.sum(OF_APPLY(_scalar, y) * y)


WAYS = {
    "a gradient of a function taking *args": (varargs_vector, varargs_scalar),
    "a gradient of a function given a function": (given_vector, given_scalar),
    "a bound method's gradient": (bound_vector, bound_scalar),
    "a gradient with respect to an attribute": (attribute_vector, attribute_scalar),
    "a gradient of an @differentiable function": (decorated_vector, decorated_scalar),
    "a global gradient": (global_vector, global_scalar),
    "a gradient whose output only is summed": (sum_only_vector, sum_only_scalar),
    "a global value_and_grad": (value_and_grad_vector, value_and_grad_scalar),
    "a gradient in a list": (in_list_vector, in_list_scalar),
    "a gradient in a dict": (in_dict_vector, in_dict_scalar),
    "astgrad.grad(f)(y) inline": (inline_vector, inline_scalar),
    "astgrad.value_and_grad(f)(y) inline": (inline_value_vector, inline_value_scalar),
    "grad(f, wrt=1)": (wrt_1_vector, wrt_1_scalar),
    "astgrad.grad(f, wrt=1)(a, y) inline": (inline_wrt_1_vector, inline_wrt_1_scalar),
    "a gradient in a closure": (CLOSURE_VECTOR, CLOSURE_SCALAR),
    "a gradient made in the code": (made_inside_vector, made_inside_scalar),
    "a gradient's output multiplied by a matrix": (matrix_vector, matrix_scalar),
}

TRANSFORMS = {
    "call": lambda h: h(P),
    "grad": lambda h: astgrad.grad(h)(P),
    "value_and_grad": lambda h: astgrad.value_and_grad(h)(P),
    "vjp": lambda h: astgrad.vjp(h, P)[1](1.0),
    "jvp": lambda h: astgrad.jvp(h, (P,), (V,)),
    "hvp": lambda h: astgrad.hvp(h)(P, V),
    "hessian": lambda h: astgrad.hessian(h)(P),
    "jacobian forward": lambda h: astgrad.jacobian(h, mode="forward")(P),
    "jacobian reverse": lambda h: astgrad.jacobian(h, mode="reverse")(P),
    "jvp of grad": lambda h: astgrad.jvp(astgrad.grad(h), (P,), (V,)),
    "forward jacobian of grad": lambda h: astgrad.jacobian(astgrad.grad(h), mode="forward")(P),
    "vjp of grad": lambda h: astgrad.vjp(astgrad.grad(h), P)[1](V),
}


# Here, on the default Python and the oldest NumPy: every transform of the first way and
# every way under grad. The rest of the table (ENGINE_REFUSALS), where the engine puts the
# check whatever NumPy's version, is in test_gradient_calls_refusals.py, on the default
# Python alone (.ci/campaigns.txt).
FIRST_WAY = next(iter(WAYS))
KEPT_REFUSALS = [(FIRST_WAY, transform) for transform in TRANSFORMS] \
    + [(way, "grad") for way in WAYS if way != FIRST_WAY]
ENGINE_REFUSALS = [(way, transform) for way in WAYS for transform in TRANSFORMS
                   if (way, transform) not in KEPT_REFUSALS]


def refusal_id(pair):
    return "-".join(pair)


@pytest.mark.parametrize("way, transform", KEPT_REFUSALS, ids=map(refusal_id, KEPT_REFUSALS))
def test_a_gradient_of_a_vector_output_called_in_the_code_says_what_is_wrong(way, transform):
    check_the_vector_output_is_refused(way, transform)


def check_the_vector_output_is_refused(way, transform):
    h = WAYS[way][0]
    with pytest.raises(ValueError, match="to return a scalar"):
        TRANSFORMS[transform](h)


@pytest.mark.parametrize("way", WAYS)
def test_a_gradient_of_a_scalar_output_called_in_the_code_keeps_its_values(way):
    h = WAYS[way][1]
    gradient = numerical_grad(h, (P,), eps=1e-5)
    assert_close(astgrad.grad(h)(P), gradient, rtol=1e-5, atol=1e-6, msg="grad")
    value, tangent = astgrad.jvp(h, (P,), (V,))
    assert_close(value, h(P), msg="jvp value")
    assert_close(tangent, numerical_jvp(h, (P,), (V,), eps=1e-5), rtol=1e-5, atol=1e-6, msg="jvp")
    gradient_of = astgrad.grad(h)
    hv = numerical_jvp(gradient_of, (P,), (V,), eps=1e-5)
    assert_close(astgrad.hvp(h)(P, V), hv, rtol=1e-5, atol=1e-6, msg="hvp")
    assert_close(astgrad.jvp(gradient_of, (P,), (V,))[1], hv, rtol=1e-5, atol=1e-6, msg="jvp of grad")
    rows = np.array([numerical_jvp(gradient_of, (P,), (e,), eps=1e-5) for e in np.eye(P.size)]).T
    assert_close(astgrad.hessian(h)(P), rows, rtol=1e-5, atol=1e-6, msg="hessian")
    assert_close(astgrad.jacobian(gradient_of, mode="forward")(P), rows, rtol=1e-5, atol=1e-6,
                 msg="forward jacobian of grad")


def test_the_check_names_the_function_and_stays_out_of_code_proven_to_return_a_number():
    """The code a transform of a gradient differentiates checks the output in one line,
    where the arguments' kinds leave it open (the general code); specialized to kinds
    that prove a number, it has no check."""
    general = G_SCALAR.__astgrad_function__()
    assert "check_scalar_output(" in general.source and "'_scalar'" in general.source
    specialized = G_SCALAR.__astgrad_specialized__((("x", "<f8[n]"),))()
    assert "check_scalar_output" not in specialized.source
    assert_close(specialized(P), numerical_grad(_scalar, (P,)))


def test_a_one_element_output_passes_the_check():
    """A one-element array is the number it holds, for a gradient called in the code."""
    def one_element(x):
        return A[:1] @ np.sin(x)
    g = astgrad.grad(one_element)

    def h(y):
        return np.sum(g(y) * y)
    assert_close(astgrad.jvp(h, (P,), (V,))[1], numerical_jvp(h, (P,), (V,), eps=1e-5), rtol=1e-5, atol=1e-6)
    assert_close(astgrad.hvp(h)(P, V), numerical_jvp(astgrad.grad(h), (P,), (V,), eps=1e-5),
                 rtol=1e-5, atol=1e-6)


def test_a_gradient_of_a_function_returning_a_list_says_what_is_wrong():
    def listed(x):
        return [np.sum(x), np.sum(x * x)]
    g = astgrad.grad(listed)

    def h(y):
        return np.sum(g(y) * y)
    for transform in (lambda: astgrad.jvp(h, (P,), (V,)), lambda: astgrad.hvp(h)(P, V),
                      lambda: astgrad.grad(h)(P)):
        with pytest.raises(ValueError, match="to return a scalar, but it returned a list"):
            transform()


CHOSEN = _scalar


def calls_the_chosen(y):
    return np.sum(astgrad.grad(CHOSEN)(y) * y)


def test_a_rebinding_between_calls_is_followed(monkeypatch):
    """The function a gradient in the code is taken of, rebound between calls: vector-valued,
    every transform raises; scalar again, the values are right again."""
    expected = numerical_jvp(calls_the_chosen, (P,), (V,), eps=1e-5)
    assert_close(astgrad.jvp(calls_the_chosen, (P,), (V,))[1], expected, rtol=1e-5, atol=1e-6)
    monkeypatch.setitem(globals(), "CHOSEN", _vector)
    for transform in ("jvp", "hvp", "grad", "jvp of grad"):
        with pytest.raises(ValueError, match="grad requires _vector to return a scalar"):
            TRANSFORMS[transform](calls_the_chosen)
    monkeypatch.setitem(globals(), "CHOSEN", _scalar)
    assert_close(astgrad.jvp(calls_the_chosen, (P,), (V,))[1], expected, rtol=1e-5, atol=1e-6)


def test_threads_transforming_and_calling_the_same_gradient():
    """jvp of the gradient of a vector-valued function (code without the value) in some
    threads while others call the gradient: every one of them raises."""
    def vector_output(x):
        return x * 3.0 - np.cos(x)
    outcomes = []

    def run(call):
        for _ in range(10):
            try:
                call()
                outcomes.append("no error")
            except ValueError as error:
                outcomes.append("scalar" if "to return a scalar" in str(error) else str(error))
    calls = [lambda: astgrad.jvp(astgrad.grad(vector_output), (P,), (V,)),
             lambda: astgrad.grad(vector_output)(P)]
    threads = [threading.Thread(target=run, args=(calls[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["scalar"] * 40


# -- across processes -------------------------------------------------------------------

MODULE = '''
import numpy as np

import astgrad


def vector_helper(x):
    return x * 2.0 + np.sin(x)


def scalar_helper(x):
    return np.sum(x * np.sin(x))


helper = scalar_helper


def f(x):
    return helper(x) * 1.5


def vector_output(x):
    return x * 3.0 - np.cos(x)


def calls_scalar(y):
    return np.sum(astgrad.grad(scalar_helper)(y) * y)


def calls_vector(y):
    return np.sum(astgrad.grad(vector_helper)(y) * y)
'''

FIRST = {
    "jvp of grad": "astgrad.jvp(astgrad.grad(m.vector_output), (x,), (x,))",
    "forward jacobian of grad": "astgrad.jacobian(astgrad.grad(m.vector_output), mode='forward')(x)",
    "hvp": "astgrad.hvp(m.vector_output)(x, x)",
    "source for": "astgrad.grad(m.vector_output).source_for(x)",
}

CHILD = """
import json
import numpy as np
import astgrad
import cached_module as m
x = np.array([0.3, -0.5, 0.8])
try:
    {code}
    print(json.dumps(np.asarray(result).tolist() if result is not None else None))
except Exception as error:
    print(json.dumps(type(error).__name__ + ": " + str(error)))
"""


def _run(directory, code):
    """What the last line of ``code`` (run in a new process sharing the directory's disk
    cache) gives: the value as a list, or the error's type and message."""
    lines = code.splitlines()
    lines[-1] = "result = " + lines[-1]
    environment = dict(os.environ, ASTGRAD_CACHE_DIR=os.path.join(directory, "cache"),
                       PYTHONPATH=os.pathsep.join([directory, astgrad_source.path()]))
    environment.pop("ASTGRAD_CACHE", None)
    child = CHILD.format(code="\n    ".join(lines))
    result = fresh_process.run(["-c", child], src=astgrad_source.path(), env=environment, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _raises_the_scalar_error(outcome):
    return isinstance(outcome, str) and outcome.startswith("ValueError") and "to return a scalar" in outcome


@pytest.fixture
def module_directory():
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "cached_module.py"), "w") as file:
            file.write(MODULE)
        yield directory


@pytest.mark.parametrize("first", FIRST)
def test_a_later_process_does_not_take_a_transform_s_gradient_code_as_proven(module_directory, first):
    """Process 1 transforms the gradient of a vector-valued function (code without the
    value, stored on disk); process 2's grad of it must still raise."""
    _run(module_directory, FIRST[first])
    assert os.listdir(os.path.join(module_directory, "cache"))      # the first process stored code
    outcome = _run(module_directory, "astgrad.grad(m.vector_output)(x)")
    assert _raises_the_scalar_error(outcome), outcome


def test_a_later_process_loads_code_calling_a_gradient_that_checks_its_output(module_directory):
    """Code calling ``astgrad.grad(h)(y)`` inline, stored by process 1 with the gradient's
    code it calls (the code checking the output): process 2 gets the same values, and
    the same error for a vector-valued h."""
    code = "astgrad.jvp(m.calls_scalar, (x,), (x,))[1]"
    first, second = _run(module_directory, code), _run(module_directory, code)
    x = np.array([0.3, -0.5, 0.8])
    scalar_helper = _load_module(module_directory).scalar_helper
    assert_close(np.array(second), numerical_jvp(lambda y: np.sum(astgrad.grad(scalar_helper)(y) * y), (x,), (x,)),
                 rtol=1e-5, atol=1e-6)
    assert first == second
    for _ in range(2):
        outcome = _run(module_directory, "astgrad.jvp(m.calls_vector, (x,), (x,))")
        assert _raises_the_scalar_error(outcome), outcome


def _load_module(directory):
    spec = importlib.util.spec_from_file_location("cached_module_here", os.path.join(directory, "cached_module.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_later_process_takes_code_proven_before_a_rebinding_only_for_those_names(module_directory):
    """Process 1 proves f (calling a scalar helper) returns a number, then rebinds the
    helper to a vector-valued one (grad raises); process 2, whose helper is the vector
    one from the start, must raise too; process 3, with the scalar helper, gets the
    gradient the proof covered."""
    first = _run(module_directory, "g = astgrad.grad(m.f)\ng(x)\nm.helper = m.vector_helper\ng(x)")
    assert _raises_the_scalar_error(first), first
    second = _run(module_directory, "m.helper = m.vector_helper\nastgrad.grad(m.f)(x)")
    assert _raises_the_scalar_error(second), second
    third = _run(module_directory, "astgrad.grad(m.f)(x)")
    x = np.array([0.3, -0.5, 0.8])
    assert_close(np.array(third), 1.5 * (np.sin(x) + x * np.cos(x)))
