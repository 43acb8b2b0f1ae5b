"""Generator helpers consumed whole (``sum(gen(x))``, ``list``, ``tuple``, ``sorted``,
``min``, ``max``) are differentiated as their twin returning the list of what they yield
(frontend/generators.py), against finite differences in first and second order; a
generator taken one item at a time (a ``for`` loop, ``next``) or receiving sent values
stays refused, with the advice to build the list."""

import numpy as np
import pytest

import astgrad
from astgrad.frontend.generators import list_twin
from breadth_modes import check
from fd import assert_close, numerical_grad

X4 = np.array([0.3, -0.2, 0.8, 0.1])


def products(v, s, stop=None):
    for i in range(len(v) - 1 if stop is None else stop):
        yield v[i] * v[i + 1] * s
    return "a generator's return value reaches no consumer here"


def scaled_then_rest(v, s):
    yield s * v[0]
    yield from [np.sin(t * s) for t in v[1:]]
    yield np.sum(v) ** 2


def summed(x, w):
    return sum(products(x, w)) + sum(products(x, w, stop=2), 0.5 * w)


def collected(x, w):
    items = list(scaled_then_rest(x, w))
    firsts = tuple(products(x, s=w))
    return items[0] * items[-1] + max(scaled_then_rest(x, w)) + sum(sorted(firsts)) * min(products(x, w))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad"])
@pytest.mark.parametrize("f", [summed, collected], ids=lambda f: f.__name__)
def test_a_generator_helper_consumed_whole(mode, f):
    check(mode, f, (X4, 0.7), (0, 1))


def test_the_twin_returns_the_items_the_generator_yields():
    for gen, args in [(products, (X4, 0.7)), (products, (X4, 0.7, 2)), (scaled_then_rest, (X4, 0.7))]:
        got, want = list_twin(gen)(*args), list(gen(*args))
        assert type(got) is list and len(got) == len(want)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))


def ends_early(v, s):
    k = 0
    while True:
        if k >= len(v):
            return "done"
        yield v[k] * s
        k += 1
        yield np.sin(v[k - 1])


def counting(v):
    k = 1.0
    while True:                             # endless: next() takes the first item only
        yield v * k
        k += 1.0


def rows(m):
    for i in range(m.shape[0]):
        yield m[i]


def early(x, w):
    return sum(ends_early(x, w)) * max(ends_early(x * w, 2.0))


def looped(x, w):
    total = 0.0
    for p in products(x, w):                # taken one at a time, in turn with the loop body
        total = total + p
    for i, p in enumerate(products(x, w)):
        total = total + p * i
    for r, p in zip(rows(np.outer(x, x)), ends_early(x, w)):
        total = total + np.sum(r) * p
    return total + sum([np.sin(p) for p in ends_early(x, w)])


def firsts(x, w):
    return next(products(x, w)) * np.sum(next(counting(x * w))) + next(ends_early(x, w))


def endless_held(x, w):
    g = counting(x * w)                     # endless: only the two items next() takes are made
    return np.sum(next(g) + next(g))


def held_and_advanced(x, w):
    g = products(x * w, w)                  # a generator held in a name, advanced by next
    first = next(g)
    return first + 2.0 * next(g) + next(g, w)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad"])
@pytest.mark.parametrize("f", [early, looped, firsts, held_and_advanced, endless_held],
                         ids=lambda f: f.__name__)
def test_a_generator_taken_item_by_item_or_returning_early(mode, f):
    check(mode, f, (X4, 0.7), (0, 1))


def written_between(x, w):
    g = products(x, w)
    first = next(g)
    x[1] = w                                # the generator reads x[1] for its next item
    return first + next(g)


def endless_held_in_a_loop(x, w):
    g = counting(x * w)                     # building all its items would never end, and the
    total = 0.0                             # number taken is known only when the code runs
    for _ in range(2):
        total = total + np.sum(next(g))
    return total


@pytest.mark.parametrize("f", [written_between, endless_held_in_a_loop], ids=lambda f: f.__name__)
def test_a_held_generator_whose_list_cannot_be_built_first_is_refused(f):
    with pytest.raises(astgrad.TransformError, match=r"test_generator_helpers.py:\d+: "):
        astgrad.grad(f, (0, 1))(X4.copy(), 0.7)


@pytest.mark.parametrize("mode, message", [
    ("grad", r"test_generator_helpers.py:\d+: astgrad cannot differentiate next\(\) of a generator or iterator "
             r"held in a name here \(g = gen\(x\); a = next\(g\)\): .* Build the list of the items"),
    ("jvp", r"test_generator_helpers.py:\d+: astgrad cannot differentiate yield \(a generator\); build a list")])
def test_an_endless_held_generator_is_refused_naming_the_construct_and_the_rewrite(mode, message):
    # not "no adjoint rule for next; ... register one with @astgrad.adjoint"
    with pytest.raises(astgrad.TransformError, match=message):
        check(mode, endless_held_in_a_loop, (X4.copy(), 0.7), (0, 1))


def counted(v, n):
    ys = []                                 # the advised rewrite of counting: n items, in a for loop
    k = 1.0
    for _ in range(n):
        ys.append(v * k)
        k += 1.0
    return ys


def endless_held_as_a_list(x, w):
    ys = counted(x * w, 2)
    return np.sum(ys[0] + ys[1])


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_the_rewrite_the_held_generator_refusal_advises_is_followed(mode):
    assert np.allclose(endless_held_as_a_list(X4, 0.7), endless_held(X4, 0.7))
    check(mode, endless_held_as_a_list, (X4, 0.7), (0, 1))


def test_next_of_an_ended_generator_raises_stop_iteration_as_python_does():
    def empty(v):
        if v[0] > 10.0:
            yield v

    def first(x):
        return np.sum(next(empty(x)))

    with pytest.raises(StopIteration):
        first(X4)
    with pytest.raises(StopIteration):
        astgrad.grad(first)(X4)


def writes(v, s):
    for i in range(len(v)):
        v[i] = v[i] * s
        yield v[i]


def loud(v):
    for t in v:
        print(t)
        yield t


def body_writes(x, w):
    total = 0.0
    for p in products(x, w):
        x[0] = p                            # the generator reads x[0] again
        total = total + p
    return total


def breaks(x, w):
    total = 0.0
    for p in counting(x * w):               # endless: Python stops at the break
        if np.sum(p) > 3.0:
            break
        total = total + np.sum(p)
    return total


def view_written(x, w):
    total = 0.0
    for r in rows(np.outer(x, x) * w):
        r[0] = 1.0                          # a view of the matrix the generator reads
        total = total + np.sum(r)
    return total


def gen_writes(x, w):
    return sum([p for p in writes(x, w)])


def gen_prints(x, w):
    return sum(p * w for p in loud(x))


@pytest.mark.parametrize("f, why", [(body_writes, r"the loop body changes what the generator reads \(a write into x, at test_generator_helpers.py:\d+: x\[0\] = p\)"),
                                    (breaks, r"the loop may stop before the generator ends \(test_generator_helpers.py:\d+: break\)"),
                                    (view_written, r"the loop body changes what the generator reads \(a write into r, at .*r\[0\] = 1.0"),
                                    (gen_writes, r"a write into v in writes \(test_generator_helpers.py:\d+: v\[i\] = v\[i\] \* s\)"),
                                    (gen_prints, r"a call of print in loud")], ids=lambda v: getattr(v, "__name__", ""))
def test_a_generator_whose_items_the_order_of_evaluation_changes_is_refused_naming_why(f, why):
    with pytest.raises(astgrad.TransformError, match=r"generator .* taken one item at a time here: " + why
                       + r".*build the list first"):
        astgrad.grad(f, (0, 1))(X4.copy(), 0.7)


def layers(weights, shapes):
    for m, n in shapes:                     # autograd's bayesian_neural_net.py unpack_layers
        yield weights[:m * n].reshape(m, n), weights[m * n:m * n + n]
        weights = weights[(m + 1) * n:]


def squash(z):
    return np.exp(-(z ** 2))


def halved(W):
    W *= 0.5                                # writes into the item given: a view of the weights
    return W


def layers_through_a_helper(x, w):
    inputs = np.array([[w], [1.0 - w]])
    for W, b in layers(x, [(1, 2), (2, 1)]):
        outputs = np.dot(inputs, W) + b
        inputs = squash(outputs)            # given what the items made; writes only its own names
    return np.sum(outputs)


def layers_through_a_writing_helper(x, w):
    inputs = np.array([[w], [1.0 - w]])
    for W, b in layers(x, [(1, 2), (2, 1)]):
        inputs = np.tanh(np.dot(inputs, halved(W)) + b)
    return np.sum(inputs)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_generator_loop_handing_what_its_items_make_to_a_helper_that_writes_nothing(mode):
    """A loop body giving a helper of the user's a value made from the items was refused
    as if the helper might write into what the generator reads; one that writes only its
    own local names is followed."""
    check(mode, layers_through_a_helper, (np.linspace(-0.6, 0.8, 7), 0.3), (0, 1))


def test_a_generator_loop_handing_an_item_to_a_helper_writing_into_it_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"taken one item at a time here: the loop body changes what "
                       r"the generator reads \(halved given what the generator reads: an in-place W op= \.\.\. in halved"):
        astgrad.grad(layers_through_a_writing_helper, (0, 1))(np.linspace(-0.6, 0.8, 7), 0.3)


def test_a_generator_helper_rebound_after_grad_is_read_again():
    g = astgrad.grad(looped)
    before = g(X4, 0.7)
    global products
    saved = products
    try:
        def products(v, s, stop=None):
            for i in range(len(v) - 1):
                yield v[i] * s * s
        want = numerical_grad(looped, (X4, 0.7), wrt=0)
        got = g(X4, 0.7)
        assert not np.allclose(got, before)
        assert_close(got, want)
    finally:
        products = saved


def sent(v):
    total = 0.0
    for t in v:
        got = yield t * total
        total = total + (got or 0.0)


def sends(x, w):
    return sum(sent(x * w))


def sends_looped(x, w):
    return sum([p for p in sent(x * w)])


@pytest.mark.parametrize("f", [sends, sends_looped], ids=lambda f: f.__name__)
def test_a_generator_receiving_sent_values_is_refused_with_advice(f):
    with pytest.raises(astgrad.TransformError, match=r"(yield|sent values).*build (a|the) list"):
        astgrad.grad(f, (0, 1))(X4, 0.7)


class Doubling:
    def __init__(self, s):
        self.s = s

    def bump(self):
        self.s = self.s * 2.0               # changes the object the generator yielded
        return self.s


def each(objects):
    for o in objects:
        yield o


def bumped(o):
    return o.bump()


def bumping_in_the_loop(x, w):
    total = 0.0
    for o in each([Doubling(w), Doubling(2.0 * w)]):
        total = total + bumped(o) * x[0]
    return total


def test_a_generator_loop_handing_an_item_to_a_helper_calling_its_method_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"bumped given what the generator reads: a call of \.bump\(\) "
                       r"on o, which may change it"):
        astgrad.grad(bumping_in_the_loop, (0, 1))(np.linspace(-0.6, 0.8, 7), 0.3)
