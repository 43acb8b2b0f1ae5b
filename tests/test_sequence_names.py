"""Which names certainly hold a list or a tuple (``+`` and ``*`` on them concatenate and
repeat): the largest set where every value bound to a name makes one, also along long
chains of names (``l2 = l1 + l0``) written in any order, and nothing where a chain
starts from an array. Derivatives through such chains against finite differences."""

import gast
import numpy as np

import astgrad
from astgrad.frontend.normalize.containers import _all_sequences
from fd import assert_close, numerical_grad, numerical_jvp


def _name(n):
    return gast.Name(id=n, ctx=gast.Load(), annotation=None, type_comment=None)


def _plus(a, b):
    return gast.BinOp(left=a, op=gast.Add(), right=b)


def _display():
    return gast.List(elts=[], ctx=gast.Load())


def _no_calls(node):
    return None


def test_a_chain_from_a_list_is_all_sequences_in_any_order():
    n = 60
    chain = {"l0": [_display()]}
    chain.update({f"l{i}": [_plus(_name(f"l{i - 1}"), _name(f"l{i - 1}"))] for i in range(1, n)})
    for order in (list(chain), list(reversed(chain))):
        values = {name: chain[name] for name in order}
        assert _all_sequences(values, _no_calls) == set(chain)


def test_a_chain_from_an_unknown_value_has_no_sequence():
    n = 60
    chain = {"s0": [None]}
    chain.update({f"s{i}": [_plus(_name(f"s{i - 1}"), _name(f"s{i - 1}"))] for i in range(1, n)})
    for order in (list(chain), list(reversed(chain))):
        values = {name: chain[name] for name in order}
        assert _all_sequences(values, _no_calls) == set()


def test_a_name_bound_to_a_list_and_to_something_else_is_not_one():
    values = {"a": [_display(), None], "b": [_plus(_name("a"), _name("a"))], "c": [_display()],
              "d": [_plus(_name("c"), _name("c")), _name("d")], "e": [_plus(_name("a"), _display())]}
    assert _all_sequences(values, _no_calls) == {"c", "d", "e"}     # e: a list display is added


def test_starting_among_the_possible_sequences_finds_the_same_names():
    # xs * n with n an argument: a list where n is an int (possibly a sequence), an
    # array where n is one (so not certainly a sequence); ys reads it, zs does not
    values = {"n": [None], "xs": [gast.BinOp(left=_display(), op=gast.Mult(), right=_name("n"))],
              "ys": [_plus(_name("xs"), _display())], "zs": [_plus(_display(), _display())]}
    possible = _all_sequences(values, _no_calls)
    assert possible == {"xs", "ys", "zs"}

    def maybe_array(node):
        return not isinstance(node, gast.Constant)
    certain = _all_sequences(values, _no_calls, maybe_array)
    assert certain == {"zs"}
    assert _all_sequences(values, _no_calls, maybe_array, among=possible) == certain


def list_chain(x):
    xs = [x]
    for_later = xs + [x * 2.0]
    more = for_later + xs
    most = more + for_later
    return np.sum(most[0] * most[3]) + np.sum(np.sin(most[4]))


def array_chain(x):
    s0 = x * 1.5
    s1 = s0 + x
    s2 = s1 + s0
    s3 = s2 * s1
    return np.sum(s3)


def test_derivatives_through_chains_of_lists_and_of_arrays():
    x = np.random.default_rng(3).normal(size=3)
    for f in (list_chain, array_chain):
        assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,), 0))
        tangent = np.full_like(x, 0.5)
        assert_close(astgrad.jvp(f, (x,), (tangent,))[1], numerical_jvp(f, (x,), (tangent,)))
