"""Constructs the normalizer writes in the user's place, each reached with a value
that carries a derivative: comprehensions it builds (``zip(*rows)``, ``del xs[a:b]``,
``del d[k]``, ``sum(generator)``, ``dict(zip(...))``, ``dict(d)``, ``zip``/``enumerate``
as values, ``list(xs)``, set comprehensions, ``itertools``), ``and``/``or`` of a
comprehension's conditions, lambdas standing for ``operator.itemgetter``, the
conditional choosing a function defined in each branch, and ``d["p"] if "p" in d else
default`` for ``**d`` whose keys are known when the code runs. Each is lowered to
operations astgrad differentiates, checked against finite differences in reverse,
forward and second order; an f-string reading a differentiated value is refused,
never taken for a constant."""

import functools
import itertools
import operator

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.5, 0.9])
W = 0.8


def zip_of_rows(x, w):                       # call_forms.zip_of_rows: zip(*xs)
    rows = [x, x * w, np.sin(x)]
    total = 0.0
    for a, b, c in zip(*rows):
        total = total + a * b + c * w
    return total

def zip_of_rows_value(x, w):
    cols = list(zip(*[x * w, np.cos(x)]))
    return sum(a * b for a, b in cols)

def shaped(z, loc=0.0, scale=1.0):
    return np.sum(((z - loc) / scale) ** 2)

def spread_keys_at_run_time(x, w):            # call_forms: d["p"] if "p" in d else default (IfExp)
    total = 0.0
    for name in ("loc", "scale"):
        d = {k: v for k, v in ((name, w + 1.0),)}
        total = total + shaped(x, **d)
    return total

def sum_of_generator(x, w):                   # calls._rewritten_call: sum(genexp)
    return sum(v * w for v in x) + sum(np.sin(v) for v in x * w)

def delete_a_slice(x, w):                     # deletions.delete_slice: ListComp
    xs = [x[0] * w, x[1], x[2] * x[0], w]
    del xs[1:3]
    return sum(xs) * xs[0]

def delete_a_step_slice(x, w):
    xs = [v * w for v in x] + [w * w]
    del xs[::2]
    return sum(xs) * w

def delete_a_dict_item(x, w):                 # deletions.delete_dict_item: DictComp
    d = {"a": x * w, "b": np.sin(x), "c": w}
    del d["a"]
    return np.sum(d["b"]) * d["c"]

def sorted_by_itemgetter(x, w):               # iterators.getter_lambda: Lambda
    pairs = [(x[0] * w, 2.0), (x[1], 1.0), (x[2] * w, 0.0)]
    ordered = sorted(pairs, key=operator.itemgetter(1))
    return ordered[0][0] * 3.0 + ordered[2][0]

def max_by_itemgetter(x, w):
    pairs = [(1.0, x[0] * w), (3.0, x[1] * w), (2.0, x[2])]
    return max(pairs, key=operator.itemgetter(0))[1] * w

def comprehension_two_ifs(x, w):              # loops: BoolOp of a comprehension's ifs
    return sum(v * w for v in x if v > -0.6 if v < 0.6) + sum([v * v for v in x * w if v > 0 if v < 1])

def zip_value(x, w):                          # displays: zip(...) as a value
    z = zip(x * w, np.cos(x))
    return sum(a * b for a, b in z)

def enumerate_value(x, w):                    # displays: enumerate(...) as a value
    e = list(enumerate(x * w, 1))
    return sum(i * v for i, v in e)

def set_comprehension(x, w):                  # containers.expr_SetComp
    s = {round(float(v), 3) for v in x}
    return len(s) * w + sum(v * w for v in x)

def list_of_an_array(x, w):                   # containers.list_of
    xs = list(x * w)
    return xs[0] * xs[2] + sum(xs)

def chained(x, w):                            # itertools_calls: chain
    return sum(v * w for v in itertools.chain(x, [w, w * w]))

def map_of_a_partial(x, w):                   # iterators.map_partial
    def scale(a, v):
        return a * v * v
    return sum(map(functools.partial(scale, w), x))

def dict_of_zip(x, w):                        # dicts.dict_of_pairs
    d = dict(zip(("a", "b"), (x * w, np.sin(x))))
    return np.sum(d["a"] * d["b"])

def dict_copy(x, w):                          # dicts.dict_copy
    d = {"a": x * w, "b": w}
    e = dict(d)
    e["b"] = e["b"] * 2.0
    return np.sum(e["a"]) * e["b"] + d["b"]

def chosen_in_branches(x, w):                 # forwarding: IfExp choosing a function
    if w > 0:
        def g(v):
            return v * w
    else:
        def g(v):
            return v * v
    return np.sum(g(x) * x)

def flattened(x, w):                          # spread of nested lists
    rows = [[x[0], x[1] * w], [x[2] * w]]
    flat = [v for r in rows for v in r]
    return sum(flat) * flat[0]


def pairs_of_neighbours(x, w):                # itertools_calls.positions_comprehension
    return sum(a * b * w for a, b in itertools.pairwise(x))

def chain_from_iterable(x, w):                # itertools_calls.flattened
    rows = [[x[0] * w, x[1]], [x[2]]]
    return sum(v * v for v in itertools.chain.from_iterable(rows)) * w

def combinations_of(x, w):
    return sum(a * b for a, b in itertools.combinations(x * w, 2))

def fstring_keys(x, w):                       # JoinedStr as a key
    d = {}
    for i in range(3):
        d[f"k{i}"] = x[i] * w
    return d["k0"] * d["k2"] + d[f"k{1}"]

def fstring_of_a_value(x, w):                 # JoinedStr reading a differentiated value
    label = f"{w}"
    return float(label) * np.sum(x)

def and_or_values(x, w):                      # BoolOp on values
    y = (w > 0 and w * x[0]) or x[1]
    z = (w < 0 and x[0]) or np.sin(x[2]) * w
    return y * z

def lambda_key_over_values(x, w):             # a lambda given to sorted
    pairs = [(x[0] * w, 2.0), (x[1], 1.0), (x[2] * w, 0.0)]
    ordered = sorted(pairs, key=lambda p: p[1])
    return ordered[0][0] * 3.0 + ordered[2][0]

LOWERED = [zip_of_rows, zip_of_rows_value, spread_keys_at_run_time, sum_of_generator, delete_a_slice,
           delete_a_step_slice, delete_a_dict_item, sorted_by_itemgetter, max_by_itemgetter,
           comprehension_two_ifs, zip_value, enumerate_value, set_comprehension, list_of_an_array, chained,
           map_of_a_partial, dict_of_zip, dict_copy, chosen_in_branches, flattened, pairs_of_neighbours,
           chain_from_iterable, combinations_of, fstring_keys, and_or_values, lambda_key_over_values]


# Reverse mode here, on every Python (each construct read from the tree of that Python's
# parse); forward mode and the Hessian, the engine's transforms of the same lowered
# statements (on gast's trees, the same on every Python), are in
# test_lowered_constructs_modes.py, on the default Python alone (.ci/campaigns.txt).
@pytest.mark.parametrize("mode", ["grad"])
@pytest.mark.parametrize("f", LOWERED, ids=[f.__name__ for f in LOWERED])
def test_constructs_the_normalizer_writes_against_finite_differences(f, mode):
    check(mode, f, (X3, W), (0, 1))


def test_an_f_string_reading_a_differentiated_value_is_refused():
    with pytest.raises(astgrad.TransformError, match="f-string") as info:
        astgrad.grad(fstring_of_a_value, wrt=(0, 1))(X3, W)
    assert 'label = f"{w}"' in str(info.value)
    with pytest.raises(astgrad.TransformError, match="f-string"):
        astgrad.jvp(fstring_of_a_value, (X3, W), (X3, 1.0))
    # not differentiated, the f-string is a constant: the gradient in x alone is followed
    check("grad", fstring_of_a_value, (X3, W), (0,))
