"""Methods changing the dict (or array) an attribute holds, on an object the function
builds: ``self.m.setdefault(k, []).append(v)`` and ``self.m[k].append(v)`` (a logger, a
buffer by name, an optimizer's history per parameter), ``self.m.pop(k)``,
``self.m.pop(k, d)`` and ``del self.m[k]``, and an array written item by item in a loop
(``self.h[i] = ...``). Each against central finite differences in grad, jvp and
hessian (tests/breadth_modes.py); where another name may hold the dict or one of its
lists, the call is refused, naming the method's line, never answered wrongly."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.7, 0.5])


class History:
    def __init__(self):
        self.m = {}

    def add(self, k, v):
        self.m.setdefault(k, []).append(v)


class Buffer:
    def __init__(self):
        self.m = {}

    def add(self, k, v):
        if k not in self.m:
            self.m[k] = []
        self.m[k].append(v)

    def total(self, k):
        return sum(self.m[k])


class Momentum:
    def __init__(self, lr):
        self.lr = lr
        self.history = {}

    def reset(self):
        self.history = {}

    def step(self, name, p, g):
        self.history.setdefault(name, []).append(g)
        return p - self.lr * sum(self.history[name]) / len(self.history[name])


class Cache:
    def __init__(self):
        self.m = {}

    def put(self, k, v):
        self.m[k] = v

    def take(self, k):
        return self.m.pop(k)

    def take_or(self, k, d):
        v = self.m.pop(k, d)
        return v

    def drop(self, k):
        del self.m[k]


class Cell:
    def __init__(self, n):
        self.h = np.zeros(n)

    def step(self, x):
        for i in range(len(x)):
            self.h[i] = np.tanh(x[i] + 0.5 * self.h[i])
        return np.sum(self.h)

    def leak(self, x, rate):
        i = 0
        while i < len(self.h):
            self.h[i] += rate * x[i] * self.h[i - 1]
            i += 1


def logged_by_setdefault(x, a):
    log = History()
    for t in range(3):
        log.add("sin", np.sin(x * a * t))
        log.add("sq", np.sum(x ** 2) * t)
    return np.sum(log.m["sin"][2] * log.m["sin"][1]) + sum(log.m["sq"]) + len(log.m)


def two_buffers(x, a):
    b1 = Buffer()
    b2 = Buffer()
    for t in range(2):
        b1.add("h", np.tanh(x * a + t))
        b2.add("h", x * a ** 2)
        b2.add(t, x[0] * a)
    return np.sum(b1.total("h") * b2.total("h")) + b2.m[1][0] * a + np.sum(b1.m["h"][0] * x)


def optimized_with_history(x, a):
    opt = Momentum(0.1)
    p = x * a
    for t in range(3):
        p = opt.step("p", p, np.cos(p) * a)
        opt.step("q", p, p * a)
    return np.sum(p ** 2) + np.sum(opt.history["q"][2] * opt.history["p"][0])


def reset_between(x, a):
    opt = Momentum(0.5)
    p = opt.step("p", x, np.sin(x) * a)
    opt.reset()
    p = opt.step("p", p, p * a)
    return np.sum(p * x) + len(opt.history["p"])


def taken_from_a_cache(x, a):
    c = Cache()
    c.put("a", x * a)
    c.put("b", np.sin(x))
    c.put("c", a ** 2)
    y = c.take("a")
    z = c.take_or("zz", a * 3.0)
    w = c.take_or("c", 1.0)
    c.drop("b")
    return np.sum(y ** 2) * z + w + len(c.m) + ("b" in c.m)


def queue_in_a_loop(x, a):
    c = Cache()
    for t in range(3):
        c.put(t, x * (a + t))
    total = 0.0
    for t in range(3):
        total = total + np.sum(np.sin(c.take(t)))
        c.put(t + 10, total * a)
    c.drop(10)
    return total + c.m[12] * len(c.m)


def cells_stepped(x, a):
    c = Cell(3)
    d = Cell(3)
    s = 0.0
    for t in range(2):
        s = s + c.step(x * (a + t)) * d.step(x * a)
    c.leak(x, a)
    return s + np.sum(c.h ** 2) + np.sum(d.h * x)


def popped_from_a_local_dict(x, a):
    d = {"a": x * a, "b": np.sin(x)}
    y = d.pop("a")
    z = d.pop("zz", a ** 2)
    return np.sum(y * d["b"]) * z + len(d) + d.pop("b", 0.0)[1]


PROGRAMS = [logged_by_setdefault, two_buffers, optimized_with_history, reset_between, taken_from_a_cache,
            queue_in_a_loop, cells_stepped, popped_from_a_local_dict]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_a_method_changing_a_dict_or_array_on_self_against_finite_differences(f, mode):
    check(mode, f, (X3, 0.8), (0, 1) if mode != "hessian" else (0,))


def test_the_second_derivative_in_the_other_argument():
    # the item-by-item loop and the dict of lists, differentiated twice in the scalar too
    for f in (cells_stepped, optimized_with_history, queue_in_a_loop):
        check("hessian", f, (X3, 0.8), (1,))


def test_a_key_missing_raises_as_python_does():
    def missing(x):
        c = Cache()
        c.put("a", x)
        return c.take("b")
    with pytest.raises(KeyError):
        missing(X3)
    with pytest.raises(KeyError):
        astgrad.grad(lambda x: np.sum(taken_twice(x)))(X3)
    assert np.allclose(astgrad.grad(lambda x: np.sum(taken_from_a_cache(x, 0.8)))(X3),
                       astgrad.grad(taken_from_a_cache)(X3, 0.8))      # the next call works


def taken_twice(x):
    c = Cache()
    c.put("a", x * 2.0)
    c.take("a")
    return c.take("a")


# -- another name may hold the dict or one of its lists: refused -------------------

class Shared(Buffer):
    def put_list(self, k, items):
        self.m[k] = items

    def items_of(self, k):
        return self.m[k]

    def everything(self):
        return self.m

    def first_list(self, k):
        kept = self.m.setdefault(k, [])
        return kept


def list_kept_by_the_function(x, a):
    b = Buffer()
    b.add("h", x * a)
    kept = b.m["h"]
    b.add("h", x ** 2)
    return np.sum(sum(kept))            # Python: kept sees the second append


def dict_kept_by_the_function(x, a):
    b = Buffer()
    m = b.m
    b.add("h", x * a)
    return np.sum(m["h"][0])


def list_got_by_the_function(x, a):
    b = Buffer()
    b.add("h", x * a)
    kept = b.m.get("h")
    b.add("h", x ** 2)
    return np.sum(sum(kept))


def list_given_by_the_function(x, a):
    b = Shared()
    mine = [x * a]
    b.put_list("h", mine)
    b.add("h", x ** 2)
    return np.sum(sum(mine))            # Python: mine sees the append


def list_returned_by_a_method(x, a):
    b = Shared()
    b.add("h", x * a)
    kept = b.items_of("h")
    b.add("h", x ** 2)
    return np.sum(sum(kept))


def dict_returned_by_a_method(x, a):
    b = Shared()
    b.add("h", x * a)
    m = b.everything()
    b.add("h", x ** 2)
    return np.sum(sum(m["h"]))


def list_kept_by_setdefault(x, a):
    b = Shared()
    kept = b.first_list("h")
    for t in range(2):
        b.add("h", x * (a + t))
    return np.sum(sum(kept)) * len(kept)


def cache_kept_by_the_function(x, a):
    c = Cache()
    m = c.m
    c.put("a", x * a)
    c.drop("a")
    return len(m) + np.sum(x)


@pytest.mark.parametrize("f", [list_kept_by_the_function, dict_kept_by_the_function, list_got_by_the_function,
                               list_given_by_the_function, list_returned_by_a_method, dict_returned_by_a_method,
                               list_kept_by_setdefault, cache_kept_by_the_function], ids=lambda f: f.__name__)
def test_a_dict_or_list_another_name_may_hold_is_refused(f):
    with pytest.raises(astgrad.TransformError, match=r"test_method_dicts\.py:\d+: the call of (Buffer|Shared|Cache)\."
                                                     r"(add|put|put_list|first_list) changes the object it is called on in place .*"
                                                     r"store a new value in the attribute"):
        astgrad.grad(f, wrt=1)(X3, 0.8)
    check("grad", logged_by_setdefault, (X3, 0.8), (1,))       # the state is not corrupted


def popped_while_named_twice(x):
    d = {"a": x * 2.0}
    e = d
    y = d.pop("a")
    return np.sum(y) + len(e)           # Python: e is d, without "a"


def test_a_pop_from_a_local_dict_another_name_holds_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_method_dicts\.py:\d+: astgrad cannot differentiate "
                                                     r"\.pop\(\) of items of the dict 'd', which another name"):
        astgrad.grad(popped_while_named_twice)(X3)


# -- deeper writes into a dict of lists, and the rest of dict and list methods -----

class Ledger:
    def __init__(self):
        self.m = {}

    def add(self, k, v):
        self.m.setdefault(k, []).append(v)

    def replace(self, k, j, v):
        self.m[k][j] = v

    def grow(self, k, v):
        self.m[k] += [v, v * 2.0]         # a list's += extends it in place

    def more(self, k, vs):
        self.m[k].extend(vs)

    def last(self):
        return self.m.popitem()

    def reset(self):
        self.m.clear()


class Queue:
    def __init__(self):
        self.items = []

    def push(self, v):
        self.items.append(v)

    def push_at(self, i, v):
        self.items.insert(i, v)

    def drop(self, v):
        self.items.remove(v)

    def empty(self):
        self.items.clear()


def ledger_rewritten(x, a):
    led = Ledger()
    for t in range(3):
        led.add("h", np.sin(x * (a + t)))
    led.add("g", x * a)
    led.replace("h", 1, x ** 2 * a)
    led.replace("h", -1, np.cos(x) * led.m["h"][0])
    led.grow("g", np.tanh(x * a))
    led.more("g", (x, np.cos(x * a)))
    k, vs = led.last()                  # "g", the last key stored
    s = np.sum(sum(vs) * sum(led.m["h"])) + len(led.m) + len(vs) + (k == "g")
    led.reset()
    led.add("z", x * s)
    return np.sum(led.m["z"][0]) + len(led.m)


class Store(Cache):
    def last(self):
        v = self.m.popitem()
        return v

    def wipe(self):
        self.m.clear()


def store_popped_and_wiped(x, a):
    # a dict of arrays: the last key stored goes, then all of them
    c = Store()
    c.put("a", x * a)
    c.put("b", np.sin(x))
    c.put("c", a ** 2)
    k, v = c.last()
    s = np.sum(c.m["b"] * v) + len(c.m) + (k == "c")
    c.wipe()
    c.put("z", s * x)
    return np.sum(c.m["z"]) + len(c.m)


def queue_rearranged(x, a):
    q = Queue()
    q.push(np.sum(x * a))
    q.push(3.0)
    q.push_at(1, np.sum(np.sin(x)) * a)
    q.push_at(-10, a ** 2)                 # before the first, as Python's insert
    q.push_at(10, np.sum(x ** 2))          # after the last
    q.drop(3.0)
    s = q.items[0] * q.items[1] + q.items[2] * q.items[-1] + len(q.items)
    q.empty()
    q.push(s * a)
    return q.items[0] + len(q.items)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [ledger_rewritten, store_popped_and_wiped, queue_rearranged],
                         ids=lambda f: f.__name__)
def test_deeper_writes_and_the_other_methods_against_finite_differences(f, mode):
    check(mode, f, (X3, 0.8), (0, 1))


def test_python_errors_of_those_methods_are_kept():
    def emptied(x):
        led = Ledger()
        return led.last()

    def removed_missing(x):
        q = Queue()
        q.push(np.sum(x))
        q.drop(5.0)
        return q.items[0]
    def written_past_the_end(x):
        led = Ledger()
        led.add("h", x)
        led.replace("h", 1, x * 2.0)
        return led.m["h"][0]
    for f, error in ((emptied, KeyError), (removed_missing, ValueError), (written_past_the_end, IndexError)):
        with pytest.raises(error):
            f(X3)
        with pytest.raises(error):
            astgrad.grad(lambda x: np.sum(f(x)))(X3)
    check("grad", queue_rearranged, (X3, 0.8), (0, 1))     # the next call works


def written_list_kept_by_the_function(x, a):
    led = Ledger()
    led.add("h", x * a)
    kept = led.m["h"]
    led.replace("h", 0, x ** 2)
    return np.sum(kept[0])              # Python: kept sees the write


def queue_kept_by_the_function(x, a):
    q = Queue()
    kept = q.items
    q.push_at(0, np.sum(x * a))
    return kept[0]                      # Python: kept sees the insert




# -- reading a dict of lists: its views, and loops over its lists -----------------

class Tally(History):
    def total(self):
        s = 0.0
        for k, vs in self.m.items():
            for v in vs:
                s = s + v * len(k)
        return s

    def sizes(self):
        return sum(len(vs) for vs in self.m.values()) + len(list(self.m.keys()))

    def squares(self, k):
        s = 0.0
        for v in self.m[k]:
            s = s + v * v
        return s


def tallied(x, a):
    t = Tally()
    for i in range(3):
        t.add("ab"[i % 2] * (i + 1), np.sin(x * (a + i)))
    s = t.total() + t.squares("a") * a + t.sizes()
    t.add("c", s * x)
    for k, vs in t.m.items():           # the function's own loops over its lists
        for v in vs:
            s = s + np.sum(v * x) * len(k)
    return np.sum(t.total() * x) + t.sizes() + np.sum(t.squares("c")) + np.sum(s)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_views_and_loops_of_a_dict_of_lists_against_finite_differences(mode):
    check(mode, tallied, (X3, 0.8), (0, 1))


class Leaky(History):
    def first(self):
        for vs in self.m.values():
            return vs


class Growing(History):
    def doubled(self):
        for vs in self.m.values():
            self.add("d", sum(vs))      # Python: the dict changes size while looped over


class Spreading(History):
    def spread(self):
        s = 0.0
        for vs in self.m.values():
            s = s + sum(vs)
            self.m["b"].append(s)       # Python: the loop reaches "b" with s in it
        return s


class Echoing(History):
    def echo(self, k):
        for v in self.m[k]:
            if len(self.m[k]) < 4:
                self.m[k].append(v * 2.0)   # Python: the loop goes over the new items too


class Copied(History):
    def copied(self):
        return self.m.copy()            # its lists are the dict's own


def list_returned_from_a_loop(x, a):
    b = Leaky()
    b.add("h", x * a)
    kept = b.first()
    b.add("h", x ** 2)
    return np.sum(sum(kept))            # Python: kept sees the second append


def grown_while_looped(x, a):
    b = Growing()
    b.add("h", x * a)
    b.doubled()
    return np.sum(b.m["d"][0])


def lists_grown_while_looped(x, a):
    b = Spreading()
    b.add("a", x * a)
    b.add("b", np.sin(x))
    return np.sum(b.spread())


def list_grown_while_looped(x, a):
    b = Echoing()
    b.add("a", x * a)
    b.echo("a")
    return np.sum(sum(b.m["a"])) + len(b.m["a"])


def dict_copied_by_a_method(x, a):
    b = Copied()
    b.add("h", x * a)
    c = b.copied()
    b.add("h", x ** 2)
    return np.sum(sum(c["h"]))          # Python: c's list is b.m's, with both items


@pytest.mark.parametrize("f, method", [
    (written_list_kept_by_the_function, "Ledger.add"), (queue_kept_by_the_function, "Queue.push_at"),
    (list_returned_from_a_loop, "History.add"), (grown_while_looped, "History.add"),
    (lists_grown_while_looped, "History.add"), (list_grown_while_looped, "History.add"),
    (dict_copied_by_a_method, "History.add")], ids=lambda p: getattr(p, "__name__", ""))
def test_a_list_another_name_may_hold_is_refused_for_the_other_methods_too(f, method):
    with pytest.raises(astgrad.TransformError, match=rf"test_method_dicts\.py:\d+: the call of {method} changes "
                                                     r"the object it is called on in place .*"
                                                     r"store a new value in the attribute"):
        astgrad.grad(f, wrt=1)(X3, 0.8)
    check("grad", tallied, (X3, 0.8), (1,))       # the state is not corrupted
