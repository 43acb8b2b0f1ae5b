"""The eighty-seventh hunt's programs on mappings whose ``get``, ``items``, ``values``,
``keys`` or ``__getitem__`` may not be dict's: a dict subclass scaling what it hands back,
a Mapping of the user's, ``collections.defaultdict``, an ``OrderedDict`` subclass with its
own methods, ``types.MappingProxyType``, ``ChainMap``, ``UserDict``, ``Counter``; made in
the function, handed to a helper, or read from a global. Each program is ``f(x, w)`` of a
float array ``x`` (4 or 6 items) and a float ``w``; CASES lists them."""
import collections
import collections.abc
import types

import numpy as np


class Scaling(dict):
    def get(self, key, default=None):
        return 2.0 * dict.get(self, key, default)


class Doubling(dict):
    def __getitem__(self, key):
        return 2.0 * dict.__getitem__(self, key)


class ItemsScaled(dict):
    def items(self):
        return [(k, 3.0 * v) for k, v in dict.items(self)]


class ValuesScaled(dict):
    def values(self):
        return [3.0 * v for v in dict.values(self)]


class KeysReversed(dict):
    def keys(self):
        return list(reversed(list(dict.keys(self))))


class Frozen(collections.abc.Mapping):
    def __init__(self, data):
        self._data = dict(data)

    def __getitem__(self, key):
        return self._data[key] * 2.0

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


class FrozenOwnGet(Frozen):
    def get(self, key, default=None):
        return self._data.get(key, default)


class OrderedScaled(collections.OrderedDict):
    def get(self, key, default=None):
        return 0.5 * super().get(key, default)


class OrderedItems(collections.OrderedDict):
    def items(self):
        return [(k, v * v) for k, v in super().items()]


class UserScaled(collections.UserDict):
    def __getitem__(self, key):
        return 2.0 * self.data[key]


class Missing(dict):
    def __missing__(self, key):
        return 7.0


class ContainsNone(dict):
    def __contains__(self, key):
        return False


def mp_dict_get(x, w):
    d = {"a": x * w, "b": x}
    return np.sum(d.get("a") * d.get("c", x))


def mp_scaling_get(x, w):
    d = Scaling(a=x * w)
    return np.sum(d.get("a") * x)


def mp_scaling_get_default(x, w):
    d = Scaling(a=x * w)
    return np.sum(d.get("b", x) * x)


def mp_doubling_get(x, w):
    d = Doubling(a=x * w)
    return np.sum(d.get("a") * x)


def mp_doubling_index(x, w):
    d = Doubling(a=x * w)
    return np.sum(d["a"] * x)


def mp_doubling_items(x, w):
    d = Doubling(a=x * w, b=x)
    s = 0.0
    for k, v in d.items():
        s = s + np.sum(v * x)
    return s


def mp_doubling_values(x, w):
    d = Doubling(a=x * w, b=x)
    return sum(np.sum(v * x) for v in d.values())


def mp_items_scaled(x, w):
    d = ItemsScaled(a=x * w)
    s = 0.0
    for _, v in d.items():
        s = s + np.sum(v * x)
    return s


def mp_values_scaled(x, w):
    d = ValuesScaled(a=x * w, b=x)
    s = 0.0
    for v in d.values():
        s = s + np.sum(v ** 2)
    return s


def mp_keys_reversed(x, w):
    d = KeysReversed(a=x * w, b=x)
    s = x * 0.0
    for k in d.keys():
        s = s * 2.0 + d[k]
    return np.sum(s ** 2)


def mp_frozen_get(x, w):
    m = Frozen({"a": x * w})
    return np.sum(m.get("a") * x)


def mp_frozen_items(x, w):
    m = Frozen({"a": x * w, "b": x})
    s = 0.0
    for k, v in m.items():
        s = s + np.sum(v * x)
    return s


def mp_frozen_own_get(x, w):
    m = FrozenOwnGet({"a": x * w})
    return np.sum(m.get("a") * x)


def mp_ordered_scaled(x, w):
    d = OrderedScaled(a=x * w)
    return np.sum(d.get("a") * x)


def mp_ordered_items(x, w):
    d = OrderedItems(a=x * w)
    s = 0.0
    for _, v in d.items():
        s = s + np.sum(v)
    return s


def mp_ordered_plain(x, w):
    d = collections.OrderedDict(a=x * w, b=x)
    d.move_to_end("a")
    s = x * 0.0
    for k, v in d.items():
        s = s * 2.0 + v
    return np.sum(s ** 2)


def mp_user_scaled_get(x, w):
    d = UserScaled(a=x * w)
    return np.sum(d.get("a") * x)


def mp_user_scaled_items(x, w):
    d = UserScaled(a=x * w)
    s = 0.0
    for _, v in d.items():
        s = s + np.sum(v * x)
    return s


def mp_defaultdict_get(x, w):
    d = collections.defaultdict(lambda: x)
    d["a"] = x * w
    return np.sum(d.get("a") * d.get("b", x * 3.0))


def mp_defaultdict_index_missing(x, w):
    d = collections.defaultdict(float)
    d["a"] = x * w
    return np.sum(d["a"] * x) + d["b"] + len(d)


def mp_defaultdict_list_append(x, w):
    d = collections.defaultdict(list)
    d["a"].append(x * w)
    d["a"].append(x)
    return np.sum(d["a"][0] * d["a"][1])


def mp_defaultdict_items(x, w):
    d = collections.defaultdict(lambda: 0.0)
    d["a"] += x * w
    d["a"] += x
    s = 0.0
    for k, v in d.items():
        s = s + np.sum(v ** 2)
    return s


def mp_missing_get(x, w):
    d = Missing(a=x * w)
    return np.sum(d.get("a") * x) + d.get("b", 1.0) + d["c"]


def mp_contains_none_get(x, w):
    d = ContainsNone(a=x * w)
    return np.sum(d.get("a", x) * x)


def mp_proxy_get(x, w):
    d = {"a": x * w}
    p = types.MappingProxyType(d)
    return np.sum(p.get("a") * x) + np.sum(p["a"])


def mp_proxy_items_after_write(x, w):
    d = {"a": x * w}
    p = types.MappingProxyType(d)
    d["a"] = d["a"] * x
    s = 0.0
    for _, v in p.items():
        s = s + np.sum(v)
    return s


def mp_chainmap(x, w):
    c = collections.ChainMap({"a": x * w}, {"a": x, "b": x * 2.0})
    return np.sum(c.get("a") * c.get("b")) + np.sum(c["b"])


def mp_chainmap_items(x, w):
    c = collections.ChainMap({"a": x * w}, {"a": x, "b": x * 2.0})
    s = 0.0
    for k, v in c.items():
        s = s + np.sum(v * x)
    return s


def mp_counter(x, w):
    c = collections.Counter()
    c["a"] += w
    c["a"] += w
    return np.sum(x * c["a"]) + c["missing"]


def _read_get(m, x):
    return np.sum(m.get("a") * x)


def _read_items(m, x):
    s = 0.0
    for _, v in m.items():
        s = s + np.sum(v * x)
    return s


def mp_helper_get_scaling(x, w):
    return _read_get(Scaling(a=x * w), x)


def mp_helper_get_doubling(x, w):
    return _read_get(Doubling(a=x * w), x)


def mp_helper_items_doubling(x, w):
    return _read_items(Doubling(a=x * w), x)


def mp_helper_items_frozen(x, w):
    return _read_items(Frozen({"a": x * w}), x)


def mp_helper_get_proxy(x, w):
    return _read_get(types.MappingProxyType({"a": x * w}), x)


def mp_helper_get_twice(x, w):
    return _read_get({"a": x * w}, x) + _read_get(Scaling(a=x), x)


GLOBAL_SCALING = Scaling(a=np.ones(6))


def mp_global_scaling(x, w):
    return np.sum(GLOBAL_SCALING.get("a")[:x.size] * x * w)


def mp_dict_of_subclass_value(x, w):
    outer = {"inner": Doubling(a=x * w)}
    return np.sum(outer["inner"].get("a") * x)


def mp_list_of_mappings(x, w):
    ms = [{"a": x}, Scaling(a=x * w)]
    s = 0.0
    for m in ms:
        s = s + np.sum(m.get("a") * x)
    return s


def mp_setdefault_subclass(x, w):
    d = Doubling()
    v = d.setdefault("a", x * w)
    return np.sum(v * x) + np.sum(d["a"])


def mp_pop_subclass(x, w):
    d = Doubling(a=x * w)
    v = d.pop("a")
    return np.sum(v * x)


def mp_dict_unpack_subclass(x, w):
    d = Doubling(a=x * w)
    e = {**d}
    return np.sum(e["a"] * x)


def mp_dict_call_subclass(x, w):
    d = Doubling(a=x * w)
    e = dict(d)
    return np.sum(e["a"] * x)


def mp_kwargs_subclass(x, w):
    d = Doubling(a=x * w)
    return _take(**d) * 1.0 + np.sum(x)


def _take(a):
    return np.sum(a)


def mp_get_rebound_method(x, w):
    d = {"a": x * w}
    g = d.get
    return np.sum(g("a") * x)


def mp_items_list(x, w):
    d = Doubling(a=x * w)
    pairs = list(d.items())
    return np.sum(pairs[0][1] * x)


def mp_comprehension_items(x, w):
    d = Doubling(a=x * w, b=x)
    return sum(np.sum(v * x) for k, v in d.items())


def mp_dict_comprehension_values(x, w):
    d = ValuesScaled(a=x * w)
    e = {k: v for k, v in zip(d.keys(), d.values())}
    return np.sum(e["a"] * x)


def mp_in_and_index(x, w):
    d = ContainsNone(a=x * w)
    return np.sum(d["a"] * x) if "a" in d else np.sum(x)


A6 = np.array([0.3, -0.8, 1.2, 0.5, -1.1, 0.9])
G_SCALING = Scaling(a=A6, b=A6 * 2.0)
G_DOUBLING = Doubling(a=A6, b=A6 * 2.0)
G_ITEMS = ItemsScaled(a=A6, b=A6 * 2.0)
G_VALUES = ValuesScaled(a=A6, b=A6 * 2.0)
G_FROZEN = Frozen({"a": A6, "b": A6 * 2.0})
G_FROZEN_GET = FrozenOwnGet({"a": A6, "b": A6 * 2.0})
G_ORDERED = OrderedScaled(a=A6, b=A6 * 2.0)
G_ORDERED_ITEMS = OrderedItems(a=A6, b=A6 * 2.0)
G_USER = UserScaled(a=A6, b=A6 * 2.0)
G_MISSING = Missing(a=A6)
G_CONTAINS = ContainsNone(a=A6)
G_PROXY = types.MappingProxyType({"a": A6, "b": A6 * 2.0})
G_CHAIN = collections.ChainMap({"a": A6}, {"a": A6 * 5.0, "b": A6 * 2.0})
G_DEFAULT = collections.defaultdict(lambda: A6 * 3.0, a=A6)
G_KEYS = KeysReversed(a=A6, b=A6 * 2.0)
HELD = [G_SCALING, G_DOUBLING, G_ITEMS, G_VALUES, G_FROZEN, G_USER, G_PROXY, G_CHAIN, G_KEYS]


def _by_get(m, x, w):
    return np.sum(m.get("a")[:x.size] * x * w) + np.sum(m.get("z", A6)[:x.size] * x)


def _by_items(m, x, w):
    s = x * 0.0
    for k, v in m.items():
        s = s * w + v[:x.size] * x
    return np.sum(s ** 2)


def _by_values(m, x, w):
    s = 0.0
    for v in m.values():
        s = s + np.sum(v[:x.size] * x * w)
    return s


def _by_keys(m, x, w):
    s = x * 0.0
    for k in m.keys():
        s = s * w + m[k][:x.size] * x
    return np.sum(s ** 2)


def _by_loop(m, x, w):
    s = x * 0.0
    for k in m:
        s = s * w + m[k][:x.size] * x
    return np.sum(s ** 2)


def gm_scaling_get(x, w):
    return _by_get(G_SCALING, x, w)


def gm_doubling_get(x, w):
    return _by_get(G_DOUBLING, x, w)


def gm_doubling_items(x, w):
    return _by_items(G_DOUBLING, x, w)


def gm_items_items(x, w):
    return _by_items(G_ITEMS, x, w)


def gm_values_values(x, w):
    return _by_values(G_VALUES, x, w)


def gm_frozen_get(x, w):
    return _by_get(G_FROZEN, x, w)


def gm_frozen_items(x, w):
    return _by_items(G_FROZEN, x, w)


def gm_frozen_own_get(x, w):
    return _by_get(G_FROZEN_GET, x, w)


def gm_ordered_get(x, w):
    return _by_get(G_ORDERED, x, w)


def gm_ordered_items(x, w):
    return _by_items(G_ORDERED_ITEMS, x, w)


def gm_user_get(x, w):
    return _by_get(G_USER, x, w)


def gm_user_items(x, w):
    return _by_items(G_USER, x, w)


def gm_missing_get(x, w):
    return np.sum(G_MISSING.get("a")[:x.size] * x * w) + G_MISSING.get("q", 1.0) * w


def gm_contains_get(x, w):
    return _by_get(G_CONTAINS, x, w)


def gm_proxy_get(x, w):
    return _by_get(G_PROXY, x, w)


def gm_proxy_items(x, w):
    return _by_items(G_PROXY, x, w)


def gm_chain_get(x, w):
    return _by_get(G_CHAIN, x, w)


def gm_chain_items(x, w):
    return _by_items(G_CHAIN, x, w)


def gm_default_get(x, w):
    return _by_get(G_DEFAULT, x, w)


def gm_keys_keys(x, w):
    return _by_keys(G_KEYS, x, w)


def gm_keys_loop(x, w):
    return _by_loop(G_KEYS, x, w)


def gm_doubling_values(x, w):
    return _by_values(G_DOUBLING, x, w)


def gm_held_get(x, w):
    s = 0.0
    for m in HELD:
        s = s + _by_get(m, x, w)
    return s


def gm_held_items(x, w):
    s = 0.0
    for m in HELD:
        s = s + _by_items(m, x, w)
    return s


def gm_inline_get(x, w):
    m = HELD[0]
    return np.sum(m.get("a")[:x.size] * x * w)


def gm_inline_items(x, w):
    m = HELD[1]
    s = 0.0
    for _, v in m.items():
        s = s + np.sum(v[:x.size] * x * w)
    return s


def _closing(m):
    def inner(x, w):
        return np.sum(m.get("a")[:x.size] * x * w)
    return inner


gm_closure_scaling = _closing(G_SCALING)
gm_closure_doubling = _closing(G_DOUBLING)
gm_closure_proxy = _closing(G_PROXY)


CASES = [(name, f) for name, f in list(globals().items()) if name.startswith(("mp_", "gm_")) and callable(f)]
