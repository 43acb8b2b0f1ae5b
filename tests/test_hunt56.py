"""The fifty-sixth hunt: an adversary's programs over the forms of objects and methods
(objects from outside handed to helpers, argument objects' methods inside expressions and
tests, loops over a global's layers, closures, partial, deques and queues, copies of dicts
of lists, aliases, rebinding between calls, kinks, odd dtypes, misuse of wrt=), about 180
of them, each in grad, vjp, jvp and hessian against central finite differences, with its
value and the caller's objects compared with what Python gives. It found, each a zero
gradient with no error:

- a method of the user's class storing a value that depends on the inputs in an object from
  outside (a global or a closure variable), where the method's own value carries no
  derivative: only compared (``if G.step(w) < 1.0:``, ``while G.step(w) < 50.0 and ...``,
  ``ok = G.step(w) > 0``, a helper returning the comparison), handed to the code through a
  helper's parameter (``def h(obj, v): obj.step(v)``, called as ``h(G, w)``, then
  ``G.peek()``; also two helpers down): activity followed the value, not the object it went
  into, and the modes checked such a call only as a statement of its own;
- such a call in an ``assert`` test, or in a value an f-string formats: both were left as
  written, their calls unchecked;
- a ``with`` statement whose context manager is made from such values (``with Scale(G,
  w):``, a ``contextlib.contextmanager`` generator given ``w``), whose ``__enter__``
  stores them where the body reads them.

Each is refused now at the line; the forms around them still give Python's derivative (the programs:
tests/hunt56_programs.py). A function with an assert in a module pytest rewrote (a test file)
failed with a SyntaxError from astgrad's own code; it is differentiated now (its asserts compiled
as pytest rewrote them for the check), and refused, saying why, where they were rewritten otherwise."""

import inspect

import numpy as np
import pytest

import astgrad
import hunt56_programs as P
from breadth_modes import check
from fd import assert_close, numerical_grad


def _line_of(text):
    """The number of the line of hunt56_programs.py that holds ``text``."""
    lines, _ = inspect.getsourcelines(P)
    return 1 + next(i for i, held in enumerate(lines) if text in held)


@pytest.mark.parametrize("f, says, line", P.FOUND, ids=[f.__name__ for f, *_ in P.FOUND])
def test_a_change_of_an_object_from_outside_is_refused_at_its_line(f, says, line):
    # each gave a zero derivative through what the method stored in G (base: no error)
    P.G.a = P.X * 1.0
    with pytest.raises(astgrad.TransformError, match=says) as caught:
        astgrad.grad(f)(P.W)
    assert f"hunt56_programs.py:{_line_of(line)}:" in str(caught.value)
    # forward mode too, at the same line (it met contextlib's manager first, refused at
    # contextlib.py: "no tangent rule for contextlib._GeneratorContextManager")
    with pytest.raises(astgrad.TransformError, match=says) as caught:
        astgrad.jvp(f, (P.W,), (np.ones(4),))
    assert f"hunt56_programs.py:{_line_of(line)}:" in str(caught.value)
    assert np.array_equal(P.G.a, P.X)           # refused before anything ran


def test_a_closure_object_compared_two_helpers_down_is_refused():
    # vjp of lambda v: f(obj, v), obj changed by a method whose value is only compared
    # inside a helper f hands it to: a zero derivative before
    obj = P.Lin(P.X * 1.0)

    def f(m, w):
        P.stepped_and_compared(m, w)
        return m.peek() * w[1]
    for transform in (lambda: astgrad.vjp(lambda v: f(obj, v), P.W),
                      lambda: astgrad.jvp(lambda v: f(obj, v), (P.W,), (np.ones(4),))):
        with pytest.raises(astgrad.TransformError, match="changes the closure variable obj"):
            transform()


@pytest.mark.parametrize("mode, f", P.FOLLOWED, ids=[f"{f.__name__}-{m}" for m, f in P.FOLLOWED])
def test_the_forms_around_them_give_pythons_derivative(mode, f):
    P.G.a = P.X * 1.0
    check(mode, f, (P.X.copy(), P.W.copy()), (0, 1))
    assert np.array_equal(P.G.a, P.X)           # the manager put it back, as Python does


def test_an_argument_object_compared_is_followed_on_a_copy():
    made = lambda: P.Lin(P.X * 1.0)             # noqa: E731
    box = made()
    got = astgrad.grad(P.argument_object_compared, wrt=1)(box, P.W)
    want = numerical_grad(lambda w: P.argument_object_compared(made(), w), (P.W,))
    assert_close(got, want)
    assert np.array_equal(box.a, P.X)           # the caller's object as it was


def with_an_assert(x):      # in this module, whose asserts pytest rewrites
    assert x.ndim == 1
    return np.sum(x ** 2)


def test_a_function_whose_assert_pytest_rewrote_otherwise_is_refused_with_the_reason(monkeypatch):
    # its source does not compile to the code it runs even with its asserts rewritten as
    # this pytest does (as where another pytest version or a plugin rewrote them: here, a
    # rewriter that does nothing); base before: a SyntaxError from astgrad's own "import @py_builtins"
    import _pytest.assertion.rewrite
    monkeypatch.setattr(_pytest.assertion.rewrite, "rewrite_asserts", lambda *args, **kwargs: None)
    with pytest.raises(astgrad.TransformError, match="pytest rewrote.*PYTEST_DONT_REWRITE"):
        astgrad.grad(with_an_assert)(P.X)
