"""Which arguments' shapes bound the shape of a name bound several times (in a loop,
``s = s * 2.0``): the least fixed point, also along long chains of names written in
any order, nothing where a chain starts from a value of unknown shape, and in time
that grows with the length of the chain, not its square. The derivatives that use
these bounds (a broadcast that cannot raise is not kept) are checked in
test_raising_programs.py."""

import sys

import gast

from astgrad.analysis.raising import _bounds

PARTS = {"x": frozenset({"x"}), "y": frozenset({"y"})}     # the parameters never rebound


def _name(n):
    return gast.Name(id=n, ctx=gast.Load(), annotation=None, type_comment=None)


def _times(a, b):
    return gast.BinOp(left=a, op=gast.Mult(), right=b)


def _number(v):
    return gast.Constant(value=v, kind=None)


def _chain(n, start):
    """s0 holds ``start`` or 0.0; each next name 1.0 or the one before doubled."""
    values = {"s0": [start, _number(0.0)]}
    values.update({f"s{i}": [_number(1.0), _times(_name(f"s{i - 1}"), _number(2.0))] for i in range(1, n)})
    return values


def test_a_chain_from_an_argument_is_bounded_by_it_in_any_order():
    chain = _chain(60, _name("x"))
    for order in (list(chain), list(reversed(chain))):
        values = {name: chain[name] for name in order}
        assert _bounds(values, PARTS) == {name: frozenset({"x"}) for name in chain}


def test_a_chain_from_an_unknown_value_has_no_bound():
    for start in (None, _name("unknown"), gast.Constant(value="text", kind=None)):
        chain = _chain(60, start)
        assert _bounds(chain, PARTS) == {}
        assert _bounds(dict(reversed(chain.items())), PARTS) == {}


def test_names_reading_each_other_share_their_bounds():
    values = {"a": [_name("x"), _times(_name("b"), _number(2.0))], "b": [_times(_name("a"), _name("y"))],
              "c": [_number(0.0), _times(_name("c"), _name("x"))], "d": [_name("a"), _name("e")],
              "e": [None]}
    assert _bounds(values, PARTS) == {"a": frozenset({"x", "y"}), "b": frozenset({"x", "y"}),
                                      "c": frozenset({"x"})}


def _calls(values):
    """How many function calls working out the bounds of ``values`` makes."""
    count = [0]

    def profile(frame, event, arg):
        if event in ("call", "c_call"):
            count[0] += 1
    sys.setprofile(profile)
    try:
        _bounds(values, PARTS)
    finally:
        sys.setprofile(None)
    return count[0]


def test_the_work_grows_with_the_length_of_a_chain():
    # working every name out again until none grows took as many rounds as the chain
    # is long: twice the chain, four times the work
    short, long = _calls(_chain(100, _name("x"))), _calls(_chain(200, _name("x")))
    assert long < 2.5 * short
