"""The fifty-ninth hunt: an adversary's programs over rebinding and redefinition between
calls (module attributes and ``from m import f`` then ``m.f = ...``, class and instance
attributes, methods replaced, ``nonlocal`` cells, ``functools.wraps``, ``lru_cache`` and
``cache`` on callees, mutable defaults, the disk cache in a second process after a
callee's file changed), odd dtypes and values (float32, float16, longdouble, int and bool
arrays, 0-d arrays, NumPy scalars, empty arrays, complex, kinks, NaN and inf under
``where``) and misuse of the API (``wrt`` out of range, negative, repeated, naming
nothing; cotangents and tangents of the wrong shape, dtype or structure; ``hessian`` of a
non-scalar; generators, async functions, builtins, classes; too many or too few
arguments), about 220 of them, in grad, value_and_grad, vjp, jvp and hessian against
central finite differences and the plain call. It found, each with no error:

- a wrong number: a helper called as such that changes its own default in place and
  reads it (``def tally(v, acc=[]): acc.append(v); return v * len(acc)``), called leaving
  that parameter out. Its derivative ran the helper again on the default the forward
  sweep's call had already changed (grad, value_and_grad, vjp, hessian, grad of grad), or
  on a copy the next call did not see (jvp of two calls gave a wrong value too). Refused
  now at the call's line; a helper only appending to such a default (a log) is followed;
- a wrong number: vjp of a function changing its own default in place (``def f(x,
  acc=[])``, a dict, a keyword-only one): the value came from the call, the pullback from
  a run on the default that call had changed. The pullback starts from the default as
  vjp found it now;
- a structured array differentiated (``dtype=[("a", "f8"), ...]``): grad raised a bare
  IndexError from astgrad's ``unindex``, vjp answered None (read as a zero gradient).
  Refused now, naming the dtype, as an array of dtype object is.
"""

import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

X = np.array([0.3, -0.5, 0.8])
RECORDS = np.array([(0.5, 2.0), (1.5, -1.0)], dtype=[("a", "f8"), ("b", "f8")])


def tally(v, acc=[]):       # noqa: B006 - Python keeps this list from call to call: the point
    acc.append(v)
    return v * len(acc)


def squared_tally(x):
    return tally(x) ** 2


def two_tallies(x):
    return tally(x) * tally(x * 0.5)


def counted(v, *, calls=[]):        # noqa: B006
    calls.extend([v, v])
    return v * len(calls)


def counted_twice(x):
    return counted(x) * 3.0 + counted(x)


def logged(v, log=[]):      # noqa: B006 - only appended to: the value never reads it
    log.append(v)
    return np.sin(v) * 2.0


def squared_logged(x):
    return logged(x) ** 2


def counts_itself(x, acc=[]):       # noqa: B006
    acc.append(1.0)
    return x * len(acc)


def totals_itself(x, *, seen={}):       # noqa: B006
    seen["s"] = seen.get("s", 0.0) + x
    return seen["s"] ** 2


def logged_array(v, log=[]):        # noqa: B006 - a log of arrays, only appended to
    log.append(v)
    return np.sin(v) * 2.0


def sum_of_logged_array(x):
    return np.sum(logged_array(x) ** 2)


def _line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, line in enumerate(lines) if text in line)


_CALLS = {
    "grad": lambda f: astgrad.grad(f)(0.5),
    "value_and_grad": lambda f: astgrad.value_and_grad(f)(0.5),
    "jvp": lambda f: astgrad.jvp(f, (0.5,), (1.0,)),
    "vjp": lambda f: astgrad.vjp(f, 0.5)[1](1.0),
    "hessian": lambda f: astgrad.hessian(f)(0.5),
}


@pytest.mark.parametrize("mode", list(_CALLS))
@pytest.mark.parametrize("f, call", [(squared_tally, "return tally(x)"), (two_tallies, "return tally(x) *"),
                                     (counted_twice, "return counted(x)")], ids=["tally", "two-tallies", "keyword-only"])
def test_a_helper_changing_and_reading_its_own_default_is_refused_at_the_call(f, call, mode):
    # grad of squared_tally gave 2.0 for 1.0 (the helper's derivative ran on the list the
    # call had grown), jvp of two_tallies a wrong value as well; each default is left as it was
    held = tally.__defaults__[0], counted.__kwdefaults__["calls"]
    before = list(held[0]), list(held[1])
    name = "acc" if "tally" in call else "calls"
    with pytest.raises(astgrad.TransformError,
                       match=rf"test_hunt59\.py:{_line_of(f, call)}: the call of (tally|counted) leaves '{name}' out, "
                             r"it is the default list, made once when the def ran: .*Write " + name + "=None"):
        _CALLS[mode](f)
    assert (list(held[0]), list(held[1])) == before


def test_a_helper_only_appending_to_its_own_default_is_followed():
    log = logged.__defaults__[0]
    del log[:]
    want = numerical_grad(lambda x: np.sin(x) ** 2 * 4.0, (0.5,))
    value, g = astgrad.value_and_grad(squared_logged)(0.5)
    assert_close((value, g), (np.sin(0.5) ** 2 * 4.0, want), 1e-9, 1e-9)
    assert len(log) == 1                        # the call's append, once
    assert_close(astgrad.jvp(squared_logged, (0.5,), (1.0,))[1], want, 1e-9, 1e-9)
    assert_close(astgrad.hessian(squared_logged)(0.5), numerical_grad(astgrad.grad(squared_logged), (0.5,)),
                 1e-5, 1e-6)


def test_a_helper_only_appending_an_array_to_its_own_default_is_followed():
    # grad raised "the function writes into its argument 'log', which holds a value another
    # argument ... holds too": the value code's append had put that very array into the log
    log = logged_array.__defaults__[0]
    del log[:]
    x = np.array([0.5, -0.3])
    assert_close(astgrad.grad(sum_of_logged_array)(x), numerical_grad(lambda a: np.sum(np.sin(a) ** 2 * 4.0), (x,)),
                 1e-9, 1e-9)
    assert len(log) == 1 and log[0] is x            # the call's append, of the caller's array


@pytest.mark.parametrize("f, derivative", [
    (counts_itself, lambda x, n: float(n)),             # the value x * n, with n the list's new length
    (totals_itself, lambda x, s: 2.0 * s),              # the value s ** 2, with s the new total
], ids=["list", "keyword-only-dict"])
def test_the_vjp_pullback_starts_from_the_default_as_vjp_found_it(f, derivative):
    # the pullback ran f's derivative on the default the value's call had changed: 2.0 for 1.0
    default = (f.__defaults__ or (f.__kwdefaults__["seen"],))[0]
    default.clear()
    for calls in (1, 2):
        out, pullback = astgrad.vjp(f, 0.7)
        state = len(default) if isinstance(default, list) else default["s"]
        assert out == pytest.approx(0.7 * state if isinstance(default, list) else state ** 2, rel=1e-12)
        assert pullback(1.0)[0] == pytest.approx(derivative(0.7, state), rel=1e-12)
        assert pullback(1.0)[0] == pytest.approx(derivative(0.7, state), rel=1e-12)     # again: the same
        assert (len(default) if isinstance(default, list) else default["s"]) == state  # as the call left it


@pytest.mark.parametrize("transform", [lambda f, x: astgrad.grad(f)(x), lambda f, x: astgrad.vjp(f, x)],
                         ids=["grad", "vjp"])
@pytest.mark.parametrize("given", [RECORDS, RECORDS[0]], ids=["array", "record"])
def test_a_structured_array_differentiated_is_refused_naming_its_dtype(transform, given):
    # grad: IndexError from unindex; vjp: a pullback answering None
    with pytest.raises(TypeError, match=r"argument 'x' is a NumPy (array|record) of the structured dtype "
                                        r".*Pass its fields as arguments of their own \(x\['a'\], \.\.\.\)"):
        transform(lambda x: np.sum(x["a"] * 2.0), given)


def test_a_structured_array_held_constant_still_works():
    f = lambda w, r: w * np.sum(r["a"] * r["b"])        # noqa: E731
    assert astgrad.grad(f)(2.0, RECORDS) == pytest.approx(np.sum(RECORDS["a"] * RECORDS["b"]), rel=1e-12)
    assert astgrad.jvp(f, (2.0, RECORDS), (1.0, None))[1] == pytest.approx(-0.5, rel=1e-12)


def appended_in_a_tuple(v, acc=[]):         # noqa: B006
    return (acc.append(v), v * len(acc))[1]


def squared_appended_in_a_tuple(x):
    return appended_in_a_tuple(x) ** 2


def test_a_write_into_a_default_in_an_expression_is_refused_naming_the_parameter():
    # the message named astgrad's copy of it: "changes 'acc_1', which may hold or share ..."
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(squared_appended_in_a_tuple)(0.5)
    message = str(caught.value)
    assert f"test_hunt59.py:{_line_of(squared_appended_in_a_tuple, 'return')}: the call of appended_in_a_tuple " \
           "changes 'acc', which may hold or share its argument 'x', in place" in message
    assert "acc_1" not in message
