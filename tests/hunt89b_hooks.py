"""The eighty-ninth hunt's programs on the hooks Python runs on items: objects of a class
whose ``__lt__``, ``__gt__``, ``__bool__``, ``__eq__`` and ``__hash__`` write into the array the
objects hold, handed to ``sorted``, ``min``, ``max``, ``any``, ``all``, ``filter(None, ...)``,
``set``, ``dict.fromkeys``, ``collections.Counter``, ``OrderedDict.fromkeys``,
``itertools.groupby``, ``heapq``, ``bisect``, ``in``, set displays and comprehensions, dict
comprehensions, in a list (a helper's, ``_nodes``, or built in the function: the ``mi_``
programs), a list subclass, a deque, a namedtuple, a dict subclass, an attribute, a sum of
lists. Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import collections
import functools
import itertools

import numpy as np


class Node:
    def __init__(self, d, k):
        self.d = d
        self.k = k

    def __lt__(self, o):
        self.d[0] = self.d[0] * 2.0
        return self.k < o.k

    def __gt__(self, o):
        self.d[0] = self.d[0] * 2.0
        return self.k > o.k

    def __bool__(self):
        self.d[1] = self.d[1] * 3.0
        return True

    def __eq__(self, o):
        self.d[2] = self.d[2] * 5.0
        return self.k == getattr(o, "k", None)

    def __hash__(self):
        self.d[3] = self.d[3] * 7.0
        return hash(self.k)


def _nodes(x, w):
    buf = x * w
    return buf, [Node(buf, 2), Node(buf, 1)]


def mh_counter(x, w):
    buf, ns = _nodes(x, w)
    c = collections.Counter(ns)
    return np.sum(buf * x) + len(c)


def mh_ordereddict_fromkeys(x, w):
    buf, ns = _nodes(x, w)
    d = collections.OrderedDict.fromkeys(ns)
    return np.sum(buf * x) + len(d)


def mh_sorted_map(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(map(lambda n: n, ns))
    return np.sum(buf * x) + s[0].k


def mh_any_map(x, w):
    buf, ns = _nodes(x, w)
    if any(map(lambda n: n, ns)):
        return np.sum(buf * x)
    return np.sum(x)


def listed(ns):
    return list(ns)


def mh_sorted_helper(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(listed(ns))
    return np.sum(buf * x) + s[0].k


def mh_any_helper(x, w):
    buf, ns = _nodes(x, w)
    if any(listed(ns)):
        return np.sum(buf * x)
    return np.sum(x)


def mh_max_reversed(x, w):
    buf, ns = _nodes(x, w)
    m = max(reversed(ns))
    return np.sum(buf * x) + m.k


def mh_sorted_slice(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(ns[::-1])
    return np.sum(buf * x) + s[0].k


def mh_sorted_chain(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(itertools.chain(ns, ns))
    return np.sum(buf * x) + s[0].k


def mh_sorted_list_plus(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(ns + ns)
    return np.sum(buf * x) + s[0].k


def mh_sorted_dict_values(x, w):
    buf, ns = _nodes(x, w)
    d = {"a": ns[0], "b": ns[1]}
    s = sorted(d.values())
    return np.sum(buf * x) + s[0].k


class Holder:
    def __init__(self, ns):
        self.ns = ns


def mh_sorted_attr(x, w):
    buf, ns = _nodes(x, w)
    h = Holder(ns)
    s = sorted(h.ns)
    return np.sum(buf * x) + s[0].k


def mh_reduce_max(x, w):
    buf, ns = _nodes(x, w)
    m = functools.reduce(lambda a, b: a if a > b else b, ns)
    return np.sum(buf * x) + m.k


def mh_count_method(x, w):
    buf, ns = _nodes(x, w)
    c = ns.count(ns[1])
    return np.sum(buf * x) + c


def mh_index_method(x, w):
    buf, ns = _nodes(x, w)
    c = ns.index(ns[1])
    return np.sum(buf * x) + c


def mh_remove_method(x, w):
    buf, ns = _nodes(x, w)
    ns.remove(ns[1])
    return np.sum(buf * x) + len(ns)


def mh_list_eq(x, w):
    buf, ns = _nodes(x, w)
    other = [ns[0], ns[1]]
    if ns == other:
        return np.sum(buf * x)
    return np.sum(x)


def mh_tuple_lt(x, w):
    buf, ns = _nodes(x, w)
    if (ns[1],) < (ns[0],):
        return np.sum(buf * x)
    return np.sum(x)


def mh_dict_key_in(x, w):
    buf, ns = _nodes(x, w)
    d = dict.fromkeys([1, 2])
    if ns[0] in d:
        return np.sum(buf * x)
    return np.sum(buf * x * 2.0)


def mh_sorted_key_none(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(ns, key=None)
    return np.sum(buf * x) + s[0].k


def mh_sorted_reverse(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(ns, reverse=True)
    return np.sum(buf * x) + s[0].k


def mh_min_default(x, w):
    buf, ns = _nodes(x, w)
    m = min(ns, default=None)
    return np.sum(buf * x) + m.k


def mh_heapq_nsmallest(x, w):
    import heapq
    buf, ns = _nodes(x, w)
    m = heapq.nsmallest(1, ns)
    return np.sum(buf * x) + m[0].k


def mh_groupby(x, w):
    buf, ns = _nodes(x, w)
    n = 0
    for k, g in itertools.groupby(ns):
        n = n + 1
    return np.sum(buf * x) + n


def mh_set_display_star(x, w):
    buf, ns = _nodes(x, w)
    s = {*ns}
    return np.sum(buf * x) + len(s)


def mh_dict_comp(x, w):
    buf, ns = _nodes(x, w)
    d = {n: 1.0 for n in ns}
    return np.sum(buf * x) + len(d)


def mh_set_comp(x, w):
    buf, ns = _nodes(x, w)
    d = {n for n in ns}
    return np.sum(buf * x) + len(d)


class Bag(list):
    pass


def hk_sorted_list(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(ns)
    return np.sum(buf * x) + s[0].k


def hk_sorted_list_sub(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(Bag(ns))
    return np.sum(buf * x) + s[0].k


def hk_sorted_deque(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(collections.deque(ns))
    return np.sum(buf * x) + s[0].k


def hk_max_deque(x, w):
    buf, ns = _nodes(x, w)
    m = max(collections.deque(ns))
    return np.sum(buf * x) + m.k


def hk_any_list_sub(x, w):
    buf, ns = _nodes(x, w)
    if any(Bag(ns)):
        return np.sum(buf * x)
    return np.sum(x)


def hk_all_deque(x, w):
    buf, ns = _nodes(x, w)
    if all(collections.deque(ns)):
        return np.sum(buf * x)
    return np.sum(x)


def hk_set_of_list_sub(x, w):
    buf, ns = _nodes(x, w)
    s = set(Bag(ns))
    return np.sum(buf * x) + len(s)


def hk_in_list_sub(x, w):
    buf, ns = _nodes(x, w)
    probe = Node(buf, 1)
    if probe in Bag(ns):
        return np.sum(buf * x)
    return np.sum(x)


def hk_in_deque(x, w):
    buf, ns = _nodes(x, w)
    probe = Node(buf, 1)
    if probe in collections.deque(ns):
        return np.sum(buf * x)
    return np.sum(x)


def hk_sorted_tuple_sub(x, w):
    buf, ns = _nodes(x, w)
    T = collections.namedtuple("T", "a b")
    s = sorted(T(ns[0], ns[1]))
    return np.sum(buf * x) + s[0].k


def hk_min_dict_keys_sub(x, w):
    buf, ns = _nodes(x, w)

    class D(dict):
        pass
    d = D({ns[0]: 1.0, ns[1]: 2.0})
    m = min(d)
    return np.sum(buf * x) + m.k


def hk_list_sort_method(x, w):
    buf, ns = _nodes(x, w)
    ns.sort()
    return np.sum(buf * x) + ns[0].k


def hk_list_sub_sort_method(x, w):
    buf, ns = _nodes(x, w)
    b = Bag(ns)
    b.sort()
    return np.sum(buf * x) + b[0].k


def hk_list_count(x, w):
    buf, ns = _nodes(x, w)
    c = Bag(ns).count(ns[0])
    return np.sum(buf * x) * c


def hk_list_index(x, w):
    buf, ns = _nodes(x, w)
    c = Bag(ns).index(ns[1])
    return np.sum(buf * x) * (c + 1)


def hk_sorted_generator(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(n for n in ns)
    return np.sum(buf * x) + s[0].k


def hk_sorted_map(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(map(lambda n: n, ns))
    return np.sum(buf * x) + s[0].k


def hk_max_two_args(x, w):
    buf, ns = _nodes(x, w)
    m = max(ns[0], ns[1])
    return np.sum(buf * x) + m.k


def hk_filter_none_list_sub(x, w):
    buf, ns = _nodes(x, w)
    kept = list(filter(None, Bag(ns)))
    return np.sum(buf * x) + len(kept)


def hk_dict_fromkeys_deque(x, w):
    buf, ns = _nodes(x, w)
    d = dict.fromkeys(collections.deque(ns))
    return np.sum(buf * x) + len(d)


def hk_counter_of_nodes(x, w):
    buf, ns = _nodes(x, w)
    c = collections.Counter(ns)
    return np.sum(buf * x) + len(c)


def hk_heapq(x, w):
    import heapq
    buf, ns = _nodes(x, w)
    heapq.heapify(ns)
    return np.sum(buf * x) + ns[0].k


def hk_bisect(x, w):
    import bisect
    buf, ns = _nodes(x, w)
    i = bisect.bisect(ns[::-1], ns[0])
    return np.sum(buf * x) + i


def mi_counter(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    c = collections.Counter(ns)
    return np.sum(buf * x) + len(c)


def mi_ordereddict_fromkeys(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    d = collections.OrderedDict.fromkeys(ns)
    return np.sum(buf * x) + len(d)


def mi_sorted_map(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = sorted(map(lambda n: n, ns))
    return np.sum(buf * x) + s[0].k


def mi_any_map(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    if any(map(lambda n: n, ns)):
        return np.sum(buf * x)
    return np.sum(x)


def mi_sorted_helper(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = sorted(listed(ns))
    return np.sum(buf * x) + s[0].k


def mi_any_helper(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    if any(listed(ns)):
        return np.sum(buf * x)
    return np.sum(x)


def mi_max_reversed(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    m = max(reversed(ns))
    return np.sum(buf * x) + m.k


def mi_sorted_slice(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = sorted(ns[::-1])
    return np.sum(buf * x) + s[0].k


def mi_sorted_chain(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = sorted(itertools.chain(ns, ns))
    return np.sum(buf * x) + s[0].k


def mi_sorted_list_plus(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = sorted(ns + ns)
    return np.sum(buf * x) + s[0].k


def mi_sorted_dict_values(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    d = {"a": ns[0], "b": ns[1]}
    s = sorted(d.values())
    return np.sum(buf * x) + s[0].k


def mi_sorted_attr(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    h = Holder(ns)
    s = sorted(h.ns)
    return np.sum(buf * x) + s[0].k


def mi_reduce_max(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    m = functools.reduce(lambda a, b: a if a > b else b, ns)
    return np.sum(buf * x) + m.k


def mi_count_method(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    c = ns.count(ns[1])
    return np.sum(buf * x) + c


def mi_index_method(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    c = ns.index(ns[1])
    return np.sum(buf * x) + c


def mi_remove_method(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    ns.remove(ns[1])
    return np.sum(buf * x) + len(ns)


def mi_list_eq(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    other = [ns[0], ns[1]]
    if ns == other:
        return np.sum(buf * x)
    return np.sum(x)


def mi_tuple_lt(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    if (ns[1],) < (ns[0],):
        return np.sum(buf * x)
    return np.sum(x)


def mi_dict_key_in(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    d = dict.fromkeys([1, 2])
    if ns[0] in d:
        return np.sum(buf * x)
    return np.sum(buf * x * 2.0)


def mi_sorted_key_none(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = sorted(ns, key=None)
    return np.sum(buf * x) + s[0].k


def mi_sorted_reverse(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = sorted(ns, reverse=True)
    return np.sum(buf * x) + s[0].k


def mi_min_default(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    m = min(ns, default=None)
    return np.sum(buf * x) + m.k


def mi_heapq_nsmallest(x, w):
    import heapq
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    m = heapq.nsmallest(1, ns)
    return np.sum(buf * x) + m[0].k


def mi_groupby(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    n = 0
    for k, g in itertools.groupby(ns):
        n = n + 1
    return np.sum(buf * x) + n


def mi_set_display_star(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    s = {*ns}
    return np.sum(buf * x) + len(s)


def mi_dict_comp(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    d = {n: 1.0 for n in ns}
    return np.sum(buf * x) + len(d)


def mi_set_comp(x, w):
    buf = x * w
    ns = [Node(buf, 2), Node(buf, 1)]
    d = {n for n in ns}
    return np.sum(buf * x) + len(d)


# wrong with no error once, refused now in words (in the table): a comparison inside the
# lambda functools.reduce runs, and a comparison of tuples holding the objects
LEFT = set()

CASES = [(k, v) for k, v in list(globals().items()) if k.startswith(("hk_", "mh_", "mi_")) and k not in LEFT]
