"""Refusals that said the wrong thing: what these programs do is followed in every mode it
claims (checked against central finite differences), or refused naming the user's
file:line with advice that fits the construct (and works: the advice, written, is in the
followed table). Never a wrong value."""

import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_iterator_classes import Seq


def line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


# -- a try body consuming a generator expression whole ---------------------------------

def tuple_of_a_generator(x, k):
    try:
        ys = tuple(x / v for v in [1.0, k, x])      # k = 0.0: stops part-way, ys left unbound
    except ZeroDivisionError:
        ys = (x * x, x)
    return ys[0] * ys[-1]


def list_and_sorted_of_generators(x, k):
    try:
        ys = list(v * x for v in [x, 2.0 * x])
        zs = sorted((x / v for v in [k, 1.0]), key=lambda u: u * x) if k else sorted(v - x for v in ys)
    except ZeroDivisionError:
        zs = [x]
    return ys[1] * zs[0] + zs[-1]


def sum_and_max_of_generators(x, k):
    try:
        s = sum(v * x for v in [x, 2.0]) + max(x / v for v in [1.0, 2.0, k])
    except (ZeroDivisionError, ValueError):
        s = x * 3.0
    return s


# -- iterator classes: a comprehension in a try body, a try in a loop body --------------

def comprehension_over_an_object_in_a_try(a, k):
    q = Seq([a, 2.0, a * k], a)              # k = 0.0: __next__ divides by zero part-way
    try:
        ys = [c * a for c in q]
        t = tuple(c + a for c in q)
    except ZeroDivisionError:
        ys, t = [a], (a,)
    return sum(ys) * t[0]


def try_in_a_loop_over_an_object(a, k):
    s = 0.0
    for c in Seq([a, 2.0, a * a], a):
        try:
            if c > k:
                raise ValueError("too large")
            s = s + float(c) * a
        except ValueError:
            s = s + a
    return s


class Skipping(Seq):
    def skip(self):
        self.i += 1

    def listed(self):
        return [self.w / d for d in self.data]


def loop_over_the_listed_items(a, k):
    s = 0.0
    for c in Skipping([a, 2.0, a * a], a).listed():     # the advice of the refusal below
        s = s + c * a * k
    return s


class Log:
    def __init__(self):
        self.m = {"a": []}

    def add(self, v):
        self.m["a"].append(v)


class CopiedLists(Log):
    def total(self, v):
        m = {k: list(vs) for k, vs in self.m.items()}     # the advice of the refusal below
        m["a"].append(v)
        return sum(m["a"])


class NewList(Log):
    def total(self, v):
        m = dict(self.m)
        m["a"] = m["a"] + [v]                   # the other advice
        return sum(m["a"])


def copied_lists(w, k):
    lg = CopiedLists()
    lg.add(w)
    return lg.total(w * k) * sum(lg.m["a"])


def new_list(w, k):
    lg = NewList()
    lg.add(w * k)
    return lg.total(w * w) * sum(lg.m["a"])


def tuple_of_a_list_in_a_try(a, k):
    ys = [a, a * k]
    try:
        t = tuple(ys)
    except ValueError:
        t = (a,)
    return t[0] * t[-1]


def sorted_of_a_list_in_a_try(a, k):
    ys = [a, a * k]
    try:
        t = sorted(ys, reverse=True)
    except ValueError:
        t = [a]
    return t[0] * t[-1]


def tuple_of_a_generator_over_a_list(a, k):
    ys = [a, a * k]
    try:
        t = tuple(v for v in ys)                # the advice of the two refusals below
    except ValueError:
        t = (a,)
    return t[0] * t[-1] + sorted(v for v in ys)[0]


FOLLOWED = [  # (function, arguments), differentiated with respect to argument 0
    (tuple_of_a_generator, (1.3, 2.0)), (tuple_of_a_generator, (1.3, 0.0)),
    (list_and_sorted_of_generators, (0.7, 0.5)), (list_and_sorted_of_generators, (0.7, 0.0)),
    (sum_and_max_of_generators, (1.3, 0.5)), (sum_and_max_of_generators, (1.3, 0.0)),
    (comprehension_over_an_object_in_a_try, (1.3, 0.5)), (comprehension_over_an_object_in_a_try, (1.3, 0.0)),
    (try_in_a_loop_over_an_object, (1.3, 0.9)),
    (loop_over_the_listed_items, (1.3, 0.5)),
    (copied_lists, (1.3, 0.5)), (new_list, (1.3, 0.5)), (tuple_of_a_generator_over_a_list, (1.3, 0.5)),
]


@pytest.mark.parametrize("f, args", FOLLOWED, ids=lambda v: getattr(v, "__name__", ""))
def test_followed_in_grad_jvp_and_hessian(f, args):
    assert_close(astgrad.grad(f)(*args), numerical_grad(f, args))
    value, tangent = astgrad.jvp(lambda a: f(a, *args[1:]), args[:1], (1.0,))
    assert_close(value, f(*args))
    assert_close(tangent, numerical_jvp(f, args, (1.0, None)))
    assert_close(astgrad.hessian(f)(*args), numerical_hessian(astgrad.grad(f), args).reshape(()))


# -- refused, saying what it is ----------------------------------------------------------

def loop_over_a_class_moving_its_counter(a, k):
    s = 0.0
    for c in Skipping([a, 2.0, a * a], a):
        s = s + c * a * k
    return s


def nested_over_one_object_in_a_try(a, k):
    q = Seq([a, k], a)
    try:
        ys = [u * v for u in q for v in q]      # Python: the inner loop exhausts the outer
    except ZeroDivisionError:
        ys = [a]
    return sum(ys)


class SharedLists(Log):
    def total(self, v):
        m = dict(self.m)
        m["a"].append(v)                        # Python: self.m["a"] grows too
        return sum(m["a"])


def copy_sharing_its_lists(w, k):
    lg = SharedLists()
    return lg.total(w * k)


REFUSED = [  # (function, the text of the line named, what the message says)
    (tuple_of_a_list_in_a_try, "t = tuple(ys)", "tuple(...) of a value other than a comprehension (tuple(v for v in "
     "xs) is followed there), which astgrad follows with a loop over the items, inside the body of a try with except"),
    (sorted_of_a_list_in_a_try, "t = sorted(ys", "sorted(...) of a value other than a comprehension (sorted(v for v "
     "in xs) is followed there)"),
    (loop_over_a_class_moving_its_counter, "for c in Skipping", "a for loop over a Skipping, an iterator class whose "
     "counter .i another method (Skipping.skip) also moves or reads, so the items depend on where that method leaves "
     "it, which astgrad does not follow; give the class a method returning the list of the items __next__ computes"),
    (nested_over_one_object_in_a_try, "ys = [u * v", "a loop over a Seq, whose __iter__ returns the object itself "
     "(one counter for every loop over it), whose body uses the object"),
    (copy_sharing_its_lists, "lg.total(", "the call of SharedLists.total, where SharedLists.total copies self.m at "
     f"{__file__}:{line_of(SharedLists, 'dict(self.m)')} (m = dict(self.m)), a shallow copy holding the very lists "
     f"self.m holds, then changes one of them in place (m['a'].append(v) at line {line_of(SharedLists, '.append')})"),
]


@pytest.mark.parametrize("f, line, says", REFUSED, ids=lambda v: getattr(v, "__name__", ""))
def test_refused_at_the_users_line_saying_what_it_is(f, line, says):
    where = f"{__file__}:{line_of(f, line)}:"
    for make in (lambda: astgrad.grad(f)(1.3, 0.5), lambda: astgrad.jvp(f, (1.3, 0.5), (1.0, 0.0)),
                 lambda: astgrad.hessian(f)(1.3, 0.5)):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        assert where in str(info.value) and says in str(info.value), str(info.value)
    assert_close(astgrad.grad(tuple_of_a_generator)(1.3, 0.0), numerical_grad(tuple_of_a_generator, (1.3, 0.0)))


def iterated_by_a_helper(q, a):
    return [c * a for c in q]


def object_handed_to_a_helper(a, k):
    return sum(iterated_by_a_helper(Seq([a, 2.0, a * k], a), a))


def list_handed_to_a_helper(a, k):
    return sum(iterated_by_a_helper(list(Seq([a, 2.0, a * k], a)), a))     # the advice of the stop below


def test_an_object_a_helper_iterates_stops_saying_so_and_its_advice_works():
    where = f"{__file__}:{line_of(iterated_by_a_helper, 'for c in q')}: astgrad: this iterates a Seq"
    with pytest.raises(TypeError) as info:
        astgrad.grad(object_handed_to_a_helper)(1.3, 0.5)
    assert str(info.value).startswith(where) and "(an object handed to a helper," in str(info.value) \
        and "Iterate a list of the items (list(v) taken where the object is built" in str(info.value), str(info.value)
    assert_close(astgrad.grad(list_handed_to_a_helper)(1.3, 0.5), numerical_grad(list_handed_to_a_helper, (1.3, 0.5)))
