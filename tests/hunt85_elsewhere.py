"""The eighty-fifth hunt's programs whose object comes from a helper of another module
(``make`` of hunt85_programs, which astgrad does not fold into the caller: its class is
not known where the function calls its methods), and helpers of this module whose names
meet the caller's (a parameter or a local named like a global the helper reads, the
helper's parameters handed each other's names, a keyword-only parameter, a decorated
helper). Each program is ``f(x, w)``; CASES lists them (name, function), REFUSED those
astgrad refuses in words."""
import functools
import numpy as np
import hunt85_programs
from hunt85_programs import Acc, make, make_list, make_two

scale = 2.0
K = 1.5


def mk(v):
    return Acc(v * scale)


def mk_k(v):
    return Acc(v * K)


def mk_kw(v, *, k=2.0):
    return Acc(v * k)


def doubling(fn):
    @functools.wraps(fn)
    def wrapper(v, k):
        o = fn(v, k)
        o.data = o.data * 2.0
        return o
    return wrapper


@doubling
def mk_decorated(v, k):
    return Acc(v * k)


def make_here(w, k):
    return Acc(w * (k + 1.0))


def make_default_here(w, k=2.0):
    return Acc(np.sin(w) * k)


def params_swapped(x, w):
    k = x * 1.0
    a = make_here(k, w)
    a.bump(1, w)
    return np.sum(a.data ** 2)


def params_swapped_names(k, w):
    a = make_here(w=k, k=w)
    a.bump(0, w)
    return np.sum(a.data * k)


def caller_parameter_named_like_a_global(x, scale):
    a = mk(x)
    a.bump(0, scale)
    return np.sum(a.data ** 2)


def caller_local_named_like_a_global(x, w):
    K = w * 3.0
    a = mk_k(x)
    a.bump(0, K)
    return np.sum(a.data ** 2)


def caller_loop_named_like_a_global(x, w):
    s = 0.0
    for K in (w, 2.0 * w):
        a = mk_k(x)
        a.bump(0, K)
        s = s + np.sum(a.data ** 2)
    return s


def keyword_only(x, w):
    a = mk_kw(x, k=w)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def keyword_only_default(x, w):
    a = mk_kw(x)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def decorated(x, w):
    a = mk_decorated(x, w)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def defaults_changed(x, w):
    a = make_default_here(x)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def bumped_in_an_if(x, w):
    a = make(x, 0.0)
    if a.bumped(0, w) > -100.0:
        return np.sum(a.data ** 2)
    return np.sum(a.data)


def bumped_compared_and_bound(x, w):
    a = make(x, 0.0)
    c = a.bumped(0, w) > -100.0
    return np.sum(a.data ** 2) * c


def bumped_in_bool(x, w):
    a = make(x, 0.0)
    if bool(a.bumped(0, w)):
        return np.sum(a.data ** 2)
    return 0.0


def bumped_in_int(x, w):
    a = make(x, 0.0)
    k = int(a.bumped(0, w) > 0.0)
    return np.sum(a.data ** 2) + k


def bumped_in_a_conditional_expression(x, w):
    a = make(x, 0.0)
    s = 1.0 if a.bumped(0, w) > -100.0 else 2.0
    return np.sum(a.data ** 2) * s


def bumped_in_an_assert(x, w):
    a = make(x, 0.0)
    assert a.bumped(0, w) > -100.0
    return np.sum(a.data ** 2)


def bumped_in_isinstance(x, w):
    a = make(x, 0.0)
    if isinstance(a.bumped(0, w), float):
        return np.sum(a.data ** 2)
    return np.sum(a.data ** 2)


def bumped_in_len(x, w):
    a = make(x, 0.0)
    n = len([a.bumped(0, w)])
    return np.sum(a.data ** 2) * n


def bumped_in_shape(x, w):
    a = make(x, 0.0)
    n = np.shape(a.bumped(0, w))
    return np.sum(a.data ** 2) + len(n)


def bumped_through_the_module(x, w):
    a = hunt85_programs.make(x, 0.0)
    c = a.bumped(0, w) > -100.0
    return np.sum(a.data ** 2) * c


def bumped_unpacked(x, w):
    a, k = make_two(x, 0.0)
    c = a.bumped(0, w) > -100.0
    return np.sum(a.data ** 2) + k * c


def bumped_item_of_a_list(x, w):
    objs = make_list(x, 0.0)
    a = objs[0]
    c = a.bumped(0, w) > -100.0
    return np.sum(a.data ** 2) * c


def bumped_under_another_name(x, w):
    a = make(x, 0.0)
    b = a
    c = b.bumped(0, w) > -100.0
    return np.sum(a.data ** 2) * c


def _use(a, w):
    c = a.bumped(0, w) > -100.0
    return np.sum(a.data ** 2) * c


def bumped_in_a_helper(x, w):
    a = make(x, 0.0)
    return _use(a, w)


def bumped_in_a_comprehension(x, w):
    a = make(x, 0.0)
    ks = [k for k in range(2) if a.bumped(0, w) > -100.0]
    return np.sum(a.data ** 2) + len(ks)


def bumped_in_an_index(x, w):
    a = make(x, 0.0)
    v = x[int(a.bumped(0, w) > -100.0)]
    return np.sum(a.data ** 2) + v


def bumped_in_a_loop(x, w):
    s = 0.0
    for k in range(2):
        a = make(x, 0.0)
        if a.bumped(0, w) > -100.0:
            s = s + np.sum(a.data ** 2)
    return s


CASES = [(n, f) for n, f in sorted(globals().items()) if callable(f) and not n.startswith("_")
         and getattr(f, "__module__", "") == __name__
         and f.__code__.co_argcount == 2 and f.__code__.co_varnames[1] in ("w", "scale")]

REFUSED = {
    'bumped_compared_and_bound', 'bumped_in_a_conditional_expression', 'bumped_in_an_assert', 'bumped_in_an_if',
    'bumped_in_bool', 'bumped_in_int', 'bumped_in_isinstance', 'bumped_in_len', 'bumped_in_shape',
    'caller_local_named_like_a_global', 'caller_loop_named_like_a_global', 'caller_parameter_named_like_a_global',
    'decorated', 'bumped_through_the_module', 'bumped_unpacked', 'bumped_item_of_a_list',
    'bumped_under_another_name', 'bumped_in_a_helper', 'bumped_in_a_comprehension', 'bumped_in_an_index',
    'bumped_in_a_loop'}
ONCE = set()

# a refusal at a line of the helper the program hands the object to
HELPERS = {'bumped_in_a_helper': [_use]}
