"""The hunt through Python breadth (tests/test_hunt74a.py): programs an outsider writes
with everyday Python around NumPy, each with a twist earlier hunts left out. Closures
(k...: late binding in loops, defaults evaluated once, a name rebound after the def,
nonlocal), calls (a...: partial of partial with a keyword override, **kwargs, keyword-only,
zip(*xs), map, sorted with key, recursion), objects (o...: methods rebound on the instance,
class attributes shadowed by instance attributes, properties, dataclasses and namedtuples
replaced), containers (c...: dict methods, comprehensions with walrus, starred
assignment, list + and *), statements (s...: for/while-else, assert, match with guards
and captures, try/finally, with np.errstate, global reads) and writes (w...: into
arguments, ``y = x; y *= x``). Each program is (name, f, args, wrt) in CASES; a
function's ARGS, where it has them, are its arguments."""

import collections
import dataclasses
import functools

import numpy as np

V4 = np.array([0.7, -1.3, 0.4, 2.1])
V5 = np.array([0.7, -1.3, 0.4, 2.1, -0.6])
A33 = np.array([[1.3, 0.3, -0.2], [0.1, 0.9, 0.4], [-0.5, 0.2, 1.7]])
SCALE = 1.5
WEIGHTS = {"a": 0.5, "b": -1.25}


# ---- K: closures and nested functions
def k_late_binding_lambdas(x, w):
    fs = [lambda z: z * i for i in range(3)]        # each sees the last i: 2
    return sum(np.sum(f(x * w)) for f in fs)


def k_default_binds_each(x, w):
    fs = [lambda z, i=i: z * i for i in range(3)]   # each keeps its own i
    return sum(np.sum(f(x) ** 2) * w for f in fs)


def k_rebound_after_def(x, w):
    scale = w
    def g(z):
        return z * scale
    scale = w ** 2                                   # g reads the new value
    return np.sum(g(x) ** 2)


def k_nonlocal_counter(x, w):
    total = 0.0
    def add(v):
        nonlocal total
        total = total + v * w
    for xi in x:
        add(xi ** 2)
    return total


def k_closure_returned(x, w):
    def make(a):
        def f(z):
            return np.sin(a * z)
        return f
    f = make(w)
    g = make(x[0])
    return np.sum(f(x)) + np.sum(g(x))


def k_nested_twice(x, w):
    def outer(z):
        def inner(u):
            return u * w + z
        return inner(z) * inner(w)
    return np.sum(outer(x))


def k_lambda_passed(x, w):
    def apply(f, v):
        return f(f(v))
    return np.sum(apply(lambda z: np.tanh(z * w), x))


def k_funcs_in_dict(x, w):
    ops = {"sq": lambda z: z ** 2, "sin": np.sin, "scale": lambda z: z * w}
    return sum(np.sum(ops[k](x)) for k in ("sq", "sin", "scale"))


def k_closure_loop_accumulate(x, w):
    fs = []
    for i in range(3):
        def f(z, i=i):
            return z ** (i + 1) * w
        fs.append(f)
    return np.sum(sum(f(x) for f in fs))


def k_recursive_nested(x, w):
    def power(z, n):
        if n == 0:
            return np.ones_like(z)
        return z * power(z, n - 1)
    return np.sum(power(x * w, 3))


def k_closure_over_loop_var(x, w):
    out = 0.0
    for s in (1.0, 2.0):
        g = lambda z: z * s * w            # noqa: E731 - called in the same iteration
        out = out + np.sum(g(x) ** 2)
    return out


# ---- A: calls
def _affine(x, a, b=0.0, *, c=1.0):
    return a * x + b * c


def a_partial_of_partial(x, w):
    p = functools.partial(_affine, a=w, b=2.0)
    q = functools.partial(p, b=w ** 2)          # keyword overridden
    return np.sum(q(x) ** 2)


def a_partial_positional_and_keyword_only(x, w):
    p = functools.partial(_affine, x, c=w)
    return np.sum(p(w, b=x[0]))


def _collect(*args, **kwargs):
    return sum(np.sum(a) for a in args) * kwargs.get("scale", 1.0) + sum(v for v in kwargs.values())


def a_star_args_kwargs(x, w):
    parts = [x, x * w]
    opts = {"scale": w, "shift": 2.0 * w}
    return _collect(*parts, **opts)


def _kw_default(x, *, scale=2.0):
    return x * scale


def a_kwargs_forwarding(x, w):
    def wrapper(*args, **kwargs):
        return _kw_default(*args, **kwargs)
    return np.sum(wrapper(x, scale=w) ** 2)


def a_zip_star(x, w):
    rows = [x, x * w, x ** 2]
    cols = list(zip(*rows))
    return sum(a * b * c for a, b, c in cols)


def a_map_sorted_key(x, w):
    vals = list(map(lambda z: z * w, x))
    ordered = sorted(vals, key=lambda v: abs(v))
    return ordered[0] + 2.0 * ordered[-1]


def a_sum_max_min_arrays(x, w):
    arrays = [x, x * w, np.sin(x)]
    return np.sum(sum(arrays)) + np.sum(max(arrays, key=lambda a: np.sum(a))) + min(np.sum(x * w), np.sum(x) + 5.0)


def a_max_of_list_scalars(x, w):
    a, b, c = x[0] * w, x[1] + w, x[2] * x[3]
    return max([a, b, c]) - min(a, c)


def a_recursion_sum(x, w):
    return _rec(x, w, len(x))


def _rec(x, w, n):
    if n == 0:
        return 0.0
    return x[n - 1] * w + _rec(x, w * 0.5, n - 1)


def a_function_argument_default(x, w, f=np.tanh):
    return np.sum(f(x * w))


def a_keyword_only_called_positionally_mixed(x, w):
    def g(a, /, b, *, c):
        return a * b + c
    return np.sum(g(x, w, c=x * w))


# ---- O: objects
class Model:
    bias = 0.5                                    # a class attribute, shadowed in some programs

    def __init__(self, W):
        self.W = W

    def forward(self, x):
        return np.tanh(self.W @ x) + self.bias

    def loss(self, x):
        return np.sum(self.forward(x) ** 2)

    @property
    def norm(self):
        return np.sum(self.W ** 2)

    @staticmethod
    def act(z):
        return np.sin(z)

    @classmethod
    def scaled(cls, W, s):
        return cls(W * s)

    def __call__(self, x):
        return self.loss(x) + self.norm


def o_method_class_attr_shadowed(A, w):
    m = Model(A)
    m.bias = w                                    # the instance attribute shadows the class one
    return m.loss(A[0] * w)


def o_property_from_diffed(A, w):
    m = Model.scaled(A, w)
    return m.norm + Model.act(w) + m(A[1])


def o_method_rebound_on_instance(A, w):
    m = Model(A)
    m.forward = lambda x: x * w                   # an instance attribute shadows the method
    return np.sum(m.forward(A[0])) + m.loss(A[1])


@dataclasses.dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray


def o_dataclass_replace(A, w):
    layer = Layer(A, A[0])
    other = dataclasses.replace(layer, b=layer.b * w)
    return np.sum(np.tanh(other.W @ other.b + layer.b))


Point = collections.namedtuple("Point", ["x", "y"])


def o_namedtuple_replace(x, w):
    p = Point(x, w)
    q = p._replace(y=p.y * 2.0)
    return np.sum(q.x * q.y) + np.sum(p.x ** 2) * p.y


def o_pytree_wrt(params, w):
    total = 0.0
    for layer in params["layers"]:
        total = total + np.sum(np.tanh(layer.W @ layer.b) * w)
    return total + params["scale"] * np.sum(params["layers"][0].b)


o_pytree_wrt.ARGS = ({"layers": [Layer(A33, V4[:3]), Layer(A33 * 0.5, V4[1:])], "scale": 0.3}, 0.8)


def o_namedtuple_result(x, w):
    p = Point(x * w, x ** 2)
    return np.sum(p.x) + np.sum(p.y * w)


# ---- C: containers
def c_dict_methods(x, w):
    d = dict(a=x, b=x * w)
    d2 = dict(d, c=x ** 2)
    total = 0.0
    for k, v in d2.items():
        total = total + np.sum(v) * (2.0 if k == "a" else 1.0)
    total = total + sum(np.sum(v) for v in d2.values()) + np.sum(d2.get("z", x * 3.0))
    return total + len(list(d2.keys())) * w


def c_walrus_comprehension(x, w):
    ys = [y for xi in x if (y := xi * w) > -0.5]
    return sum(ys) + sum((t := z ** 2) + t for z in ys)


def c_starred_assign(x, w):
    first, *middle, last = x * w
    a, (b, *c) = x[0], list(x[1:])
    return first * last + sum(middle) + a * b + sum(c) * w


def c_list_plus_times(x, w):
    xs = [x[0], x[1] * w] * 2 + [w]
    return sum(v * (i + 1) for i, v in enumerate(xs))


def c_set_and_dict_comprehension(x, w):
    d = {i: x[i] * w for i in range(len(x)) if i % 2 == 0}
    keys = {i % 2 for i in range(4)}
    return sum(d[k] ** 2 for k in d) + sum(x[k] for k in keys)


def c_nested_structures(params, w):
    a, (b, c) = params["pair"]
    return np.sum(a * w) + b * np.sum(c["v"]) + np.sum(params["list"][1][0] ** 2)


c_nested_structures.ARGS = ({"pair": (V4, (0.3, {"v": V4 * 2.0})), "list": [V5, [V4]]}, 0.8)


def c_tuple_list_conversions(x, w):
    t = tuple(x * w)
    lst = list(t)
    lst.reverse()
    return sum(a * b for a, b in zip(t, lst)) + sum(tuple(lst[:2]))


# ---- S: statements
def s_for_else_break(x, w):
    acc = 0.0
    for xi in x:
        if xi > 2.0:
            break
        acc = acc + xi * w
    else:
        acc = acc * w
    return acc


def s_while_else(x, w):
    i, acc = 0, 1.0
    while i < len(x):
        acc = acc * (1.0 + x[i] * w)
        i += 1
    else:
        acc = acc + w
    return acc


def s_match_guard_capture(x, w):
    total = 0.0
    for item in [("scale", w), ("shift", x[0]), ("pair", (x[1], w)), ("none", 0.0)]:
        match item:
            case ("scale", s) if s > 0:
                total = total + np.sum(x) * s
            case ("shift", s):
                total = total + s ** 2
            case ("pair", (a, b)):
                total = total + a * b
            case _:
                total = total + 1.0
    return total


def s_assert_try_finally(x, w):
    assert x.shape == (5,), "x must have five entries"
    out = 0.0
    try:
        out = np.sum(x * w)
    finally:
        out = out * 2.0
    return out


def s_errstate_global(x, w):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(np.abs(x) + w) * SCALE
    return np.sum(r) + WEIGHTS["a"] * w


# ---- W: writes
def w_into_argument(x, w):
    x[0] = x[1] * w
    x[2:] *= w
    return np.sum(x ** 2)


def w_alias_float(x, w):
    y = w
    y *= w                                        # a float: y is w*w, w unchanged
    return y * w + np.sum(x)


def w_alias_array(x, w):
    y = x * 1.0
    z = y
    z *= y                                        # an array: y and z are one array, squared
    return np.sum(y) * w + np.sum(z)


# ---- second batch: the twists again, combined
def k_default_evaluated_once(x, w, acc=[]):       # noqa: B006 - the default is never changed here
    fs = [lambda z, s=s: z * s for s in (w, w ** 2)]
    return sum(np.sum(f(x)) for f in fs) + len(acc)


def k_closure_mutated_list(x, w):
    state = [w]
    def bump(v):
        state[0] = state[0] * v
    bump(x[0])
    bump(x[1])
    return state[0] + np.sum(x) * w


def k_nonlocal_two_levels(x, w):
    best = x[0]
    def outer():
        def inner(v):
            nonlocal best
            best = best * v
        for v in x[1:]:
            inner(v * w)
    outer()
    return best


def k_lambda_default_closure(x, w):
    g = lambda z, k=w: z * k           # noqa: E731 - the default: w when the lambda is made
    w2 = w * 3.0
    h = lambda z: z * w2               # noqa: E731
    return np.sum(g(x) + h(x) ** 2)


def a_partial_of_method(A, w):
    m = Model(A)
    p = functools.partial(m.loss)
    return p(A[0] * w) + functools.partial(m.forward, A[1])().sum() * w


def a_partial_of_unbound_method(A, w):
    m = Model(A * w)
    q = functools.partial(Model.loss, m)         # the method through its class, the object bound first
    return q(A[1]) + functools.partial(Model.loss, m)(A[2])


def a_kwargs_collide(x, w):
    def f(a, b=1.0, **kw):
        return a * b + sum(kw.values())
    opts = {"b": w, "c": x[0]}
    return np.sum(f(x, **opts))


def a_sorted_key_tuple(x, w):
    pairs = [(x[i] * w, i) for i in range(len(x))]
    ranked = sorted(pairs, key=lambda p: (p[0] > 0, -p[1]))
    return sum(v * (k + 1) for k, (v, _) in enumerate(ranked))


def a_map_two_iterables(x, w):
    return sum(map(lambda a, b: a * b, x, x[::-1] * w))


def a_star_call_from_tuple(x, w):
    args = (x, w)
    kw = {"c": 2.0}
    return np.sum(_affine(*args, **kw)) + np.sum(_affine(*args, b=w, **kw))


def o_call_dunder_and_staticmethod_via_instance(A, w):
    m = Model(A * w)
    return m(A[2]) + np.sum(m.act(A[0] * w)) + m.scaled(A, w).norm


class Counter:
    def __init__(self, s):
        self.s = s
        self.total = 0.0

    def add(self, v):
        self.total = self.total + v * self.s
        return self


def o_method_chain_state(x, w):
    c = Counter(w)
    c.add(x[0]).add(x[1])
    c.add(np.sum(x))
    return c.total


@dataclasses.dataclass(frozen=True)
class Frozen:
    a: np.ndarray
    k: float = 2.0

    @property
    def scaled(self):
        return self.a * self.k


def o_frozen_dataclass_property(x, w):
    f = Frozen(x, w)
    g = dataclasses.replace(f, k=f.k ** 2)
    return np.sum(f.scaled * g.scaled)


def o_dataclass_arg(p, w):
    return np.sum(p.scaled ** 2) * w


o_dataclass_arg.ARGS = (Frozen(V4, 0.6), 0.8)


def o_dataclass_list_arg(layers, w):
    h = V4[:3]
    for layer in layers:
        h = np.tanh(layer.W @ h + layer.b * w)
    return np.sum(h ** 2)


o_dataclass_list_arg.ARGS = ([Layer(A33, V4[1:]), Layer(A33.T * 0.7, V4[:3])], 0.8)


def o_namedtuple_in_tuple(pts, w):
    total = 0.0
    for p in pts:
        total = total + np.sum(p.x * p.y) * w
    return total


o_namedtuple_in_tuple.ARGS = ((Point(V4, 0.3), Point(V4 * 2.0, -0.4)), 0.8)


def c_dict_get_default_diffed(x, w):
    d = {"a": x}
    return np.sum(d.get("a", x * w) ** 2) + np.sum(d.get("b", x * w))


def c_dict_update_setdefault(x, w):
    d = {}
    d.update(a=x * w)
    d.setdefault("b", x ** 2)
    d.setdefault("a", x * 100.0)
    return sum(np.sum(v) for v in d.values()) * w


def c_list_of_lists_times(x, w):
    grid = [[x[0] * w] * 2 for _ in range(2)]
    grid[0][1] = x[1]
    return sum(sum(row) for row in grid)


def c_walrus_in_while(x, w):
    i, acc = 0, 0.0
    while (i := i + 1) < len(x):
        acc = acc + x[i] * w
    return acc


def c_result_structure(x, w):
    return {"a": x * w, "b": [x[0] * w, (w ** 2, x ** 2)]}


c_result_structure.ARGS = (V5, 0.8)


def c_enumerate_zip_dict(x, w):
    names = ["a", "b", "c"]
    d = dict(zip(names, x * w))
    return sum(i * v for i, (k, v) in enumerate(sorted(d.items())))


def s_match_mapping_and_class(x, w):
    total = 0.0
    for cfg in ({"kind": "scale", "by": w}, {"kind": "pt", "p": Point(x, w)}):
        match cfg:
            case {"kind": "scale", "by": by}:
                total = total + np.sum(x) * by
            case {"kind": "pt", "p": Point(x=px, y=py)} if py > 0:
                total = total + np.sum(px) * py
    return total


def s_match_sequence_star(x, w):
    match list(x * w):
        case [first, *rest] if len(rest) > 2:
            return first * sum(rest)
        case _:
            return 0.0


def s_try_finally_in_loop(x, w):
    acc = 0.0
    for xi in x:
        try:
            if xi < 0:
                continue
            acc = acc + xi * w
        finally:
            acc = acc * 1.1
    return acc


def s_global_dict_loop(x, w):
    return sum(WEIGHTS[k] * np.sum(x) * w for k in sorted(WEIGHTS))


def w_into_argument_alias(x, w):
    y = x
    y *= w                                       # writes into the argument through y
    return np.sum(x ** 2)


def w_float_alias_then_array(x, w):
    a = w
    b = a
    b += 1.0                                     # a float: a stays w
    y = x[:3]
    y[0] = a * b                                 # a view of the argument, written
    return np.sum(x * w) + a


# ---- third batch: more twists (super() properties, a list argument written, list * aliasing)
def k_closure_list_append_in_loop_called(x, w):
    fs = []
    for s in (1.0, 2.0, 3.0):
        fs.append(lambda z, s=s: z * s * w)
    return sum(np.sum(f(x)) for f in fs)


def k_closure_reads_later_binding(x, w):
    def g(z):
        return z * factor
    factor = w * 2.0
    out = np.sum(g(x))
    factor = w ** 3
    return out + np.sum(g(x))


def k_nonlocal_in_lambda_helper(x, w):
    acc = [0.0]
    def push(v):
        acc[0] += v
    list(map(push, x * w))
    return acc[0]


def k_generator_of_closures(x, w):
    return sum(np.sum((lambda z: z * k * w)(x)) for k in range(1, 4))


def a_partial_keyword_override_positional(x, w):
    p = functools.partial(_affine, b=w)
    return np.sum(p(x, w, b=x[0] * 2.0))


def a_kwargs_only_dict(x, w):
    def f(**kw):
        return kw["a"] * kw.get("b", 1.0) + kw.get("c", 0.0)
    return np.sum(f(a=x, b=w)) + f(a=w, **{"c": x[1]})


def a_args_tuple_index(x, w):
    def f(*args):
        return args[0] * args[-1] + len(args) * args[1]
    return np.sum(f(x, w, x[2]))


def a_sum_start(x, w):
    return np.sum(sum([x * w, x ** 2], np.zeros(5))) + sum((v for v in x), w)


def a_max_key_lambda_index(x, w):
    pairs = list(zip(x * w, x))
    best = max(pairs, key=lambda p: p[1])
    return best[0] * best[1] + min(x * w)


def a_recursion_tree(x, w):
    def depth(v, n):
        if n <= 0:
            return v
        return depth(v * w, n - 1) + depth(np.sin(v), n - 2)
    return np.sum(depth(x, 3))


def o_dataclass_with_method_and_default(x, w):
    @dataclasses.dataclass
    class Lin:
        W: float
        b: float = 0.0
        def __call__(self, z):
            return self.W * z + self.b
    f = Lin(w)
    g = Lin(w, b=x[0])
    return np.sum(f(x) * g(x))


def o_namedtuple_methods(x, w):
    p = Point(x, w)
    d = p._asdict()
    a, b = p
    return np.sum(d["x"] * b) + np.sum(p[0]) * p[1] + np.sum(a) * w


def o_instance_attr_then_class_attr(A, w):
    m = Model(A)
    first = m.loss(A[0])
    m.bias = w
    return first + m.loss(A[1])


class Scaled(Model):
    @property
    def norm(self):                     # the base's property through super()
        return super().norm * 2.0 + super().bias


def o_super_property(A, w):
    return Scaled(A * w).norm + Scaled.scaled(A, w).loss(A[0])


def o_inherited_property(A, w):
    class Sub(Model):
        @property
        def norm(self):
            return super().norm * 2.0
    m = Sub(A * w)
    return m.norm


def o_getattr_constant(A, w):
    m = Model(A * w)
    return np.sum(getattr(m, "W")) + getattr(m, "bias")


def c_dict_of_lists(x, w):
    d = {"a": [x[0], x[1]], "b": [w]}
    d["a"].append(x[2] * w)
    return sum(sum(v) for v in d.values())


def c_dict_items_sorted_zip(x, w):
    d = {"b": x * w, "a": x ** 2}
    keys, vals = zip(*sorted(d.items()))
    return np.sum(vals[0]) + np.sum(vals[1]) * w


def c_nested_comprehension(x, w):
    m = [[x[i] * x[j] * w for j in range(3)] for i in range(3)]
    return sum(m[i][i] for i in range(3)) + sum(sum(r) for r in m)


def c_tuple_unpack_swap(x, w):
    a, b = x[0], x[1] * w
    a, b = b, a
    return a * 2.0 + b


def c_list_mult_aliasing(x, w):
    rows = [[0.0] * 2] * 2          # one list, twice
    rows[0][0] = x[0] * w
    return rows[1][0] + rows[0][1]


def c_set_ops(x, w):
    names = {"a", "b"} | {"c"}
    d = {k: x[i] * w for i, k in enumerate(sorted(names))}
    return sum(d[k] for k in names if k != "b")


def s_match_value_literal(x, w):
    total = 0.0
    for k in ("a", "b", "c"):
        match k:
            case "a" | "b":
                total = total + x[0] * w
            case other:
                total = total + len(other) * w ** 2
    return total


def s_nested_try_finally_return(x, w):
    try:
        y = x * w
        return np.sum(y ** 2)
    finally:
        pass


def s_with_errstate_nested(x, w):
    with np.errstate(divide="ignore"), np.errstate(over="ignore"):
        r = np.exp(x * w) / (1.0 + np.abs(x))
    return np.sum(r)


def s_while_else_break(x, w):
    i, acc = 0, 0.0
    while i < 5:
        acc = acc + x[i] * w
        if acc > 10.0:
            break
        i += 1
    else:
        acc = acc * 2.0
    return acc


def s_assert_on_value(x, w):
    assert np.all(np.isfinite(x)), "finite"
    assert w > 0
    return np.sum(x * w)


def w_augassign_float_alias_in_loop(x, w):
    acc = w
    keep = acc
    for xi in x:
        acc += xi * w
    return acc * keep


def w_argument_slice_write_loop(x, w):
    for i in range(1, len(x)):
        x[i] = x[i - 1] * w + x[i]
    return np.sum(x ** 2)


def w_list_argument_write(xs, w):
    xs[0] = xs[0] * w
    return xs[0] * xs[1] + w

w_list_argument_write.ARGS = ([0.7, -1.3], 0.8)


# ---- fourth batch: objects again (super() calls and properties, __post_init__, operators, property setters)
class Base:
    scale = 2.0

    def __init__(self, W):
        self.W = W

    @property
    def energy(self):
        return np.sum(self.W ** 2)

    def __call__(self, x):
        return np.sum(self.W * x)


class Child(Base):
    def __call__(self, x):
        return super().__call__(x) * self.energy + type(self).scale * super().energy

    @property
    def energy(self):
        return super().energy + np.sum(self.W)


def o_super_call_and_property(x, w):
    c = Child(x * w)
    return c(x)


@dataclasses.dataclass
class Post:
    a: np.ndarray
    k: float

    def __post_init__(self):
        self.s = np.sum(self.a) * self.k


def o_post_init(x, w):
    p = Post(x, w)
    return p.s * w + np.sum(p.a)


class Vec:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Vec(self.v + other.v)

    def __mul__(self, s):
        return Vec(self.v * s)

    def __getitem__(self, i):
        return self.v[i]

    def __len__(self):
        return len(self.v)


def o_operators_getitem(x, w):
    a = Vec(x)
    b = (a + a * w) * w
    return sum(b[i] for i in range(len(b)))


def o_class_attr_via_class(x, w):
    class K:
        c = 3.0
        def f(self, z):
            return z * self.__class__.c
    return np.sum(K().f(x * w))


@dataclasses.dataclass
class WithFactory:
    xs: list = dataclasses.field(default_factory=list)


def o_default_factory(x, w):
    d = WithFactory()
    d.xs.append(x * w)
    d.xs.append(x ** 2)
    return sum(np.sum(v) for v in d.xs)


class Setter:
    def __init__(self, v):
        self._v = v

    @property
    def v(self):
        return self._v * 2.0

    @v.setter
    def v(self, value):
        self._v = value * 0.5


def o_property_setter(x, w):
    s = Setter(x)
    s.v = s.v * w
    return np.sum(s.v ** 2)


def o_namedtuple_subclass_method(x, w):
    class P2(collections.namedtuple("P2", "a b")):
        def dot(self):
            return np.sum(self.a * self.b)
    return P2(x, x * w).dot()


def o_classmethod_alternate_ctor_chain(x, w):
    class Poly:
        def __init__(self, c):
            self.c = c
        @classmethod
        def of(cls, c):
            return cls(np.asarray(c))
        def d(self):
            return Poly(self.c[1:] * np.arange(1, len(self.c)))
        def __call__(self, t):
            return sum(ci * t ** i for i, ci in enumerate(self.c))
    p = Poly.of(x)
    return p.d()(w) + p.of(x * w)(w)


# ---- fifth batch: defaults made once, closures over names rebound or arrays written later
def _acc(v, seen=[]):                 # noqa: B006 - Python's default, made once
    seen.append(v)
    return v * len(seen)


def k_mutable_default_grows(x, w):
    return _acc(x[0] * w) + _acc(x[1])


def _cached(v, memo={}):              # noqa: B006
    key = "k"
    if key not in memo:
        memo[key] = 2.0
    return v * memo[key]


def k_mutable_default_dict(x, w):
    return _cached(x[0] * w) + np.sum(x)


def k_closure_in_dict_late(x, w):
    ops = {}
    for name, p in (("sq", 2), ("cube", 3)):
        ops[name] = lambda z: z ** p       # both see p = 3
    return np.sum(ops["sq"](x * w)) + np.sum(ops["cube"](x))


def k_nonlocal_closure_returned_then_called_twice(x, w):
    def counter():
        n = 0.0
        def step(v):
            nonlocal n
            n = n + v
            return n
        return step
    s = counter()
    s(x[0] * w)
    return s(x[1]) * w


def k_lambda_reads_loop_var_after_loop(x, w):
    for i in range(3):
        pass
    g = lambda z: z * i * w            # noqa: E731 - i is 2 after the loop
    return np.sum(g(x))


def k_closure_over_array_mutated_after(x, w):
    y = x * w
    g = lambda: np.sum(y ** 2)        # noqa: E731
    y[0] = 10.0 * w                    # g sees the change: same array
    return g()


def k_closure_over_rebound_in_branch(x, w):
    scale = 1.0

    def g(z):
        return z * scale
    if w > 0:
        scale = w
    return np.sum(g(x))


def a_partial_captures_value_not_name(x, w):
    a = w
    p = functools.partial(np.multiply, a)
    a = w ** 2                          # p keeps the first a
    return np.sum(p(x)) + a


def a_star_unpack_generator(x, w):
    def f(a, b, c):
        return a * b + c
    args = (x[0], w)
    row = x[1:4] * w
    g = lambda a, b: a * b         # noqa: E731
    return f(*(v * w for v in x[:3])) + f(x[4], *args) + f(*row) + g(*[w, x[1]]) + g(*x[:2])


def a_kwargs_mutated_inside(x, w):
    def f(**kw):
        kw["a"] = kw["a"] * 2.0
        return kw["a"] * kw["b"]
    d = {"a": x[0], "b": w}
    return f(**d) + d["a"]           # d unchanged: **d copies


class Holder:
    """Parameters held in a list of dataclasses on a plain object."""

    def __init__(self, layers, scale):
        self.layers = layers
        self.scale = scale

    def loss(self, x):
        h = x
        for layer in self.layers:
            h = np.tanh(layer.W @ h + layer.b)
        return np.sum(h ** 2) * self.scale


# the programs whose argument or result is a structure (test_hunt74a.py checks them by their leaves)
TREES = ("o_pytree_wrt", "c_nested_structures", "o_dataclass_arg", "o_dataclass_list_arg", "o_namedtuple_in_tuple",
         "c_result_structure", "w_list_argument_write")

# refused, naming the line: (the line's offset in the def, the error, words of the message)
REFUSED = {
    "k_closure_loop_accumulate": (5, "TransformError", "cannot differentiate the local function f appended to a list "
                                                       "astgrad does not follow; .*build the list as a display"),
    "k_default_evaluated_once": (1, "TransformError", r"cannot differentiate the local function lambda made by a list "
                                                      r"comprehension .*write one lambda per item"),
    "o_method_rebound_on_instance": (2, "TransformError", "cannot differentiate assignment to an attribute; .*hand it "
                                                          r"to the class when the object is built"),
    "c_list_mult_aliasing": (2, "TransformError", "cannot differentiate a write into a row of 'rows', a list holding "
                                                  r"one row 2 times; .* rows = \[\[0\.0\] \* 2 for _ in range\(2\)\]"),
    "o_post_init": (1, "TransformError", r"Post is a dataclass with a __post_init__, whose code astgrad does not "
                                         r"follow .*: compute what __post_init__ stores in a property"),
    "o_property_setter": (2, "TransformError", r"cannot differentiate assignment to an attribute through a property "
                                               r"setter: s\.v is a property of Setter with a setter, .*\(s\._v = \.\.\.\), or build the object anew"),
    "k_mutable_default_grows": (1, "TransformError", "the call of _acc leaves 'seen' out, it is the default list, made "
                                                     "once when the def ran"),
    # (named at the line of _cached writing into its default dict)
    "k_mutable_default_dict": (-4, "TransformError",
                               "assignment into an element of 'memo' while another name may share"),
    "k_closure_in_dict_late": (3, "TransformError", "cannot differentiate the local function lambda stored or used "
                                                    "as a value"),
    "s_try_finally_in_loop": (3, "TransformError", "cannot differentiate break or continue inside try/finally; set a "
                                                   "flag inside and break after the block"),
}


def default_argument(f):
    return {"A": A33, "x": V5}[f.__code__.co_varnames[0]]


def _cases():
    for name, f in list(globals().items()):
        if name[:2] in ("k_", "a_", "o_", "c_", "s_", "w_") and callable(f) and not isinstance(f, type):
            yield name, f, getattr(f, "ARGS", None) or (default_argument(f), 0.8), getattr(f, "WRT", (0, 1))


ALL = list(_cases())
CASES = [case for case in ALL if case[0] not in REFUSED and case[0] not in TREES]
