"""Small programs written once against PyTorch's API and run with ``t = torch`` and with
``t = astgrad``: the side-by-side suite of the tape front end.

Each program takes the library as ``t`` and returns a dict of results (tensors, numbers,
strings, tuples of them). ``tests/torch_reference/record.py`` runs them under PyTorch and
stores what PyTorch gives (values, gradients, dtypes, or the exception type and message)
in ``tests/torch_reference/golden.json``; ``tests/test_torch_reference.py`` checks astgrad
against that file. Inputs are float64 (``X``) so values agree to rounding.
"""

import numpy as np

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def X(t, data, rg=True):
    return t.tensor(data, dtype=t.float64, requires_grad=rg)


A = [[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]]           # 2x3, no ties, no zeros
B = [[0.4, 1.1], [-0.6, 0.9], [1.3, -0.2]]          # 3x2
V = [0.3, -1.1, 0.8, 2.2]                           # 4
P = [[0.5, 1.2, 2.0], [1.5, 0.3, 0.7]]              # positive
C3 = np.arange(24.0).reshape(2, 3, 4) / 10.0 - 1.0  # 2x3x4


def grads(t, out, *xs, create_graph=False):
    return t.autograd.grad(out, xs, create_graph=create_graph)


# -- elementwise functions: value, first and second derivative -----------------------------------

def _unary(name, data, method=False):
    def run(t):
        x = X(t, data)
        y = getattr(x, name)() if method else getattr(t, name)(x)
        (g,) = grads(t, y.sum(), x, create_graph=True)
        (h,) = grads(t, g.sum(), x)
        return {"y": y, "g": g, "h": h}
    run.__name__ = f"{name}_{'method' if method else 'function'}"
    PROGRAMS[run.__name__] = run


for _name, _data in [("exp", V), ("log", P), ("log1p", P), ("sqrt", P), ("rsqrt", P), ("abs", V),
                     ("relu", V), ("sigmoid", V), ("tanh", V), ("sin", V), ("cos", V), ("square", V),
                     ("neg", V), ("expm1", V)]:
    _unary(_name, _data)
    _unary(_name, _data, method=True)


@program
def sigmoid_tails(t):
    x = X(t, [-40.0, -5.0, 0.0, 5.0, 40.0])
    y = t.sigmoid(x)
    (g,) = grads(t, y.sum(), x)
    return {"y": y, "g": g}


@program
def pow_tensor_scalar(t):
    x = X(t, P)
    y = t.pow(x, 3)
    (g,) = grads(t, y.sum(), x, create_graph=True)
    (h,) = grads(t, g.sum(), x)
    return {"y": y, "g": g, "h": h}


@program
def pow_tensor_tensor(t):
    x, e = X(t, P), X(t, [[1.5, 2.0, 0.5], [3.0, 1.0, 2.5]])
    y = x.pow(e)
    return {"y": y, "g": grads(t, y.sum(), x, e)}


@program
def clamp_both(t):
    x = X(t, V)
    y = t.clamp(x, -1.0, 1.0)
    return {"y": y, "g": grads(t, (y * y).sum(), x)}


@program
def clamp_min_only(t):
    x = X(t, V)
    y = x.clamp(min=0.5)
    return {"y": y, "g": grads(t, y.sum(), x)}


@program
def clamp_max_only(t):
    x = X(t, V)
    y = t.clip(x, max=0.5)
    return {"y": y, "g": grads(t, y.sum(), x)}


@program
def clamp_none(t):
    return {"y": t.clamp(X(t, V))}


@program
def clamp_tensor_bounds(t):
    x = X(t, V)
    y = x.clamp(X(t, [0.0, 0.0, 0.0, 0.0], False), X(t, [1.0, 1.0, 0.5, 3.0], False))
    return {"y": y, "g": grads(t, y.sum(), x)}


@program
def maximum_minimum(t):
    a, b = X(t, V), X(t, [1.0, -2.0, 0.0, 3.0])
    y = t.maximum(a, b) * 2 + t.minimum(a, b)
    return {"y": y, "g": grads(t, y.sum(), a, b)}


@program
def maximum_broadcast(t):
    a, b = X(t, A), X(t, [0.0, 0.5, 1.0])
    y = a.maximum(b)
    return {"y": y, "g": grads(t, y.sum(), a, b)}


@program
def where_select(t):
    a, b = X(t, V), X(t, [1.0, 2.0, 3.0, 4.0])
    y = t.where(a > 0, a * a, b)
    return {"y": y, "g": grads(t, y.sum(), a, b)}


@program
def where_scalar_other(t):
    a = X(t, V)
    y = t.where(a > 0, a, 0.0)
    return {"y": y, "g": grads(t, y.sum(), a)}


@program
def where_method(t):
    a, b = X(t, V), X(t, [1.0, 2.0, 3.0, 4.0])
    y = a.where(a < 1, b)
    return {"y": y, "g": grads(t, (y ** 2).sum(), a, b)}


@program
def where_one_argument(t):
    return {"idx": t.where(X(t, V, False) > 0)}


@program
def where_float_condition(t):
    a = X(t, V)
    return {"y": t.where(a, a, a)}


# -- reductions ---------------------------------------------------------------------------------

def _reduction(name, kwargs, data=A):
    def run(t):
        x = X(t, data)
        y = getattr(t, name)(x, **kwargs)
        w = t.arange(y.numel(), dtype=t.float64).reshape(y.shape) + 1.0
        (g,) = grads(t, (y * w).sum(), x, create_graph=True)
        out = {"y": y, "g": g}
        if g.requires_grad:
            out["h"] = grads(t, (g * g).sum(), x)[0]
        return out
    label = "_".join(f"{k}{v}" for k, v in kwargs.items()).replace("-", "m").replace(" ", "")
    run.__name__ = f"{name}_{label}" if label else f"{name}_all"
    for ch in "(),":
        run.__name__ = run.__name__.replace(ch, "_")
    PROGRAMS[run.__name__] = run


for _name in ("sum", "mean", "prod", "amax", "amin", "var", "std", "norm", "logsumexp"):
    for _kwargs in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": -1, "keepdim": False}):
        if _name == "logsumexp" and not _kwargs:
            continue
        _reduction(_name, _kwargs)
_reduction("sum", {"dim": (0, 2)}, C3)
_reduction("mean", {"dim": (1, 2), "keepdim": True}, C3)
_reduction("var", {"dim": 1, "correction": 0})
_reduction("std", {"dim": 0, "unbiased": False})
_reduction("var", {"correction": 2})
_reduction("norm", {"p": 1, "dim": 1})
_reduction("norm", {"p": 3, "dim": 0})
_reduction("amax", {"dim": (0, 1)}, C3)


@program
def max_all(t):
    x = X(t, A)
    y = t.max(x)
    return {"y": y, "g": grads(t, y, x)}


@program
def max_dim(t):
    x = X(t, A)
    values, indices = t.max(x, dim=1)
    return {"values": values, "indices": indices, "g": grads(t, values.sum(), x)}


@program
def max_dim_ties(t):
    x = X(t, [[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    r = x.max(1)
    return {"values": r.values, "indices": r.indices, "g": grads(t, r.values.sum(), x)}


@program
def max_all_ties(t):
    x = X(t, [[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    return {"g": grads(t, x.max(), x)}


@program
def min_dim_keepdim(t):
    x = X(t, A)
    values, indices = t.min(x, 0, keepdim=True)
    return {"values": values, "indices": indices, "g": grads(t, (values * values).sum(), x)}


@program
def max_elementwise(t):
    a, b = X(t, V), X(t, [0.0, 0.0, 1.0, 1.0])
    y = t.max(a, b)
    return {"y": y, "g": grads(t, y.sum(), a, b)}


@program
def max_return_type_repr(t):
    r = t.max(t.tensor([[1.0, 3.0], [2.0, 0.0]]), 1)       # the default dtype prints no dtype
    return {"repr": repr(r), "fields": list(r._fields) if hasattr(r, "_fields") else ["values", "indices"]}


@program
def argmax_argmin(t):
    x = X(t, A)
    return {"all": t.argmax(x), "dim": t.argmax(x, dim=1), "keep": x.argmin(0, keepdim=True)}


@program
def cumsum_dim(t):
    x = X(t, A)
    y = t.cumsum(x, dim=1)
    return {"y": y, "g": grads(t, (y * y).sum(), x)}


@program
def sum_dtype(t):
    x = X(t, A)
    return {"y": x.sum(dtype=t.float32)}


@program
def mean_of_int_tensor(t):
    return {"y": t.mean(t.tensor([1, 2, 3]))}


# -- softmax family ---------------------------------------------------------------------------------

@program
def softmax_dim1(t):
    x = X(t, A)
    y = t.softmax(x, dim=1)
    w = X(t, [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], False)
    (g,) = grads(t, (y * w).sum(), x, create_graph=True)
    return {"y": y, "g": g, "h": grads(t, (g * g).sum(), x)}


@program
def softmax_dim0_method(t):
    x = X(t, A)
    y = x.softmax(0)
    return {"y": y, "g": grads(t, (y * y).sum(), x)}


@program
def log_softmax_dim(t):
    x = X(t, A)
    y = t.log_softmax(x, dim=-1)
    w = X(t, [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], False)
    (g,) = grads(t, (y * w).sum(), x, create_graph=True)
    return {"y": y, "g": g, "h": grads(t, (g * g).sum(), x)}


@program
def softmax_large(t):
    x = X(t, [1000.0, 1001.0, 999.0])
    y = t.softmax(x, 0)
    return {"y": y, "g": grads(t, y[0], x)}


@program
def log_softmax_method_3d(t):
    x = X(t, C3)
    y = x.log_softmax(1)
    return {"y": y, "g": grads(t, y[:, 0].sum(), x)}


@program
def cross_entropy_by_hand(t):
    logits = X(t, [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    target = t.tensor([0, 1])
    logp = t.log_softmax(logits, dim=1)
    loss = -t.gather(logp, 1, target.unsqueeze(1)).mean()
    return {"loss": loss, "g": grads(t, loss, logits)}


# -- products -------------------------------------------------------------------------------------

@program
def matmul_2d(t):
    a, b = X(t, A), X(t, B)
    y = t.matmul(a, b)
    return {"y": y, "g": grads(t, (y * y).sum(), a, b)}


@program
def matmul_vec(t):
    a, v = X(t, A), X(t, [1.0, 2.0, -1.0])
    y = a.matmul(v)
    return {"y": y, "g": grads(t, y.sum(), a, v)}


@program
def matmul_batched_broadcast(t):
    a, b = X(t, C3), X(t, np.ones((4, 2)) * 0.5)
    y = t.matmul(a, b)
    return {"y": y, "g": grads(t, (y * y).sum(), a, b)}


@program
def matmul_mismatch(t):
    return {"y": t.matmul(X(t, A), X(t, A))}


@program
def matmul_vec_mismatch(t):
    return {"y": t.matmul(X(t, [1.0, 2.0]), X(t, [1.0, 2.0, 3.0]))}


@program
def matmul_scalar(t):
    return {"y": t.matmul(X(t, 2.0), X(t, [1.0]))}


@program
def mm_plain(t):
    a, b = X(t, A), X(t, B)
    y = t.mm(a, b)
    (ga, gb) = grads(t, y.sum(), a, b, create_graph=True)
    return {"y": y, "ga": ga, "gb": gb}


@program
def mm_not_matrix(t):
    return {"y": t.mm(X(t, [1.0, 2.0]), X(t, B))}


@program
def mm_mismatch(t):
    return {"y": X(t, A).mm(X(t, A))}


@program
def bmm_plain(t):
    a, b = X(t, C3), X(t, np.linspace(-1, 1, 16).reshape(2, 4, 2))
    y = t.bmm(a, b)
    return {"y": y, "g": grads(t, (y * y).sum(), a, b)}


@program
def bmm_not_3d(t):
    return {"y": t.bmm(X(t, A), X(t, B))}


@program
def einsum_matmul(t):
    a, b = X(t, A), X(t, B)
    y = t.einsum("ij,jk->ik", a, b)
    return {"y": y, "g": grads(t, (y * y).sum(), a, b)}


@program
def einsum_trace_list(t):
    a = X(t, [[1.0, 2.0], [3.0, 4.0]])
    y = t.einsum("ii", [a])
    return {"y": y, "g": grads(t, y, a)}


@program
def dot_vectors(t):
    a, b = X(t, V), X(t, [1.0, 0.5, -1.0, 2.0])
    y = t.dot(a, b)
    return {"y": y, "g": grads(t, y, a, b)}


@program
def dot_2d(t):
    return {"y": t.dot(X(t, A), X(t, A))}


@program
def outer_vectors(t):
    a, b = X(t, [1.0, 2.0]), X(t, [3.0, -1.0, 0.5])
    y = t.outer(a, b)
    return {"y": y, "g": grads(t, (y * y).sum(), a, b)}


# -- assembling and splitting ------------------------------------------------------------------------

@program
def cat_dim0(t):
    a, b = X(t, A), X(t, [[9.0, 8.0, 7.0]])
    y = t.cat([a, b], dim=0)
    return {"y": y, "g": grads(t, (y * y).sum(), a, b)}


@program
def cat_dim1_tuple(t):
    a, b = X(t, A), X(t, B).T
    y = t.cat((a, b), 1)
    return {"y": y, "g": grads(t, y[:, 1:].sum(), a)}


@program
def cat_mismatch(t):
    return {"y": t.cat([X(t, A), X(t, B)], dim=0)}


@program
def cat_tensor_not_list(t):
    return {"y": t.cat(X(t, A))}


@program
def stack_dim1(t):
    a, b = X(t, V), X(t, [1.0, 2.0, 3.0, 4.0])
    y = t.stack([a, b], dim=1)
    return {"y": y, "g": grads(t, (y * X(t, np.arange(8.0).reshape(4, 2), False)).sum(), a, b)}


@program
def stack_mismatch(t):
    return {"y": t.stack([X(t, V), X(t, [1.0, 2.0])])}


@program
def split_size(t):
    x = X(t, C3)
    parts = t.split(x, 2, dim=2)
    return {"parts": parts, "g": grads(t, (parts[1] * 2).sum() + parts[0].sum(), x)}


@program
def split_sections(t):
    x = X(t, V)
    a, b = x.split([1, 3])
    return {"a": a, "b": b, "g": grads(t, (a * b[0]).sum() + b.sum(), x)}


@program
def split_uneven(t):
    return {"parts": X(t, np.arange(7.0), False).split(3)}


@program
def split_bad_sections(t):
    return {"parts": X(t, V).split([1, 2])}


@program
def chunk_rows(t):
    x = X(t, C3)
    parts = t.chunk(x, 2, dim=1)
    return {"parts": parts, "g": grads(t, parts[1].sum(), x)}


@program
def chunk_more_than_size(t):
    return {"parts": t.chunk(X(t, [1.0, 2.0, 3.0], False), 5)}


@program
def gather_dim1(t):
    x = X(t, A)
    idx = t.tensor([[2, 0], [1, 1]])
    y = t.gather(x, 1, idx)
    return {"y": y, "g": grads(t, (y * y).sum(), x)}


@program
def gather_dim0_method(t):
    x = X(t, A)
    y = x.gather(0, t.tensor([[1, 0, 1]]))
    return {"y": y, "g": grads(t, y.sum(), x)}


@program
def gather_float_index(t):
    return {"y": t.gather(X(t, A), 1, X(t, [[0.0], [1.0]], False))}


@program
def index_select_dim0(t):
    x = X(t, A)
    y = t.index_select(x, 0, t.tensor([1, 1, 0]))
    return {"y": y, "g": grads(t, (y * y).sum(), x)}


@program
def index_select_dim1_method(t):
    x = X(t, C3)
    y = x.index_select(2, t.tensor([3, 0]))
    return {"y": y, "g": grads(t, y.sum(), x)}


# -- shapes ----------------------------------------------------------------------------------------

@program
def reshape_function(t):
    x = X(t, C3)
    y = t.reshape(x, (4, -1))
    return {"y": y, "g": grads(t, (y[0] * 3).sum(), x)}


@program
def transpose_function(t):
    x = X(t, C3)
    y = t.transpose(x, 0, 2)
    return {"y": y, "g": grads(t, y[1].sum(), x)}


@program
def permute_function(t):
    x = X(t, C3)
    y = t.permute(x, (2, 0, 1))
    return {"y": y, "g": grads(t, y[0].sum(), x)}


@program
def squeeze_unsqueeze(t):
    x = X(t, [[1.0, 2.0, 3.0]])
    y = t.unsqueeze(t.squeeze(x), 1)
    return {"y": y, "shape": list(y.shape), "g": grads(t, (y * y).sum(), x)}


@program
def squeeze_dim_not_one(t):
    x = X(t, A)
    return {"shape": list(t.squeeze(x, 0).shape)}


@program
def flatten_function(t):
    x = X(t, C3)
    y = t.flatten(x, 1)
    return {"y": y, "g": grads(t, y[:, 5].sum(), x)}


@program
def mT_and_T(t):
    x = X(t, C3)
    a = X(t, A)
    y = x.mT
    return {"y": y, "aT": a.T, "g": grads(t, y[:, 0].sum() + a.T[0].sum(), x, a)}


@program
def mT_of_vector(t):
    return {"y": X(t, V).mT}


@program
def t_of_3d(t):
    return {"y": t.t(X(t, C3))}


# -- arithmetic with PyTorch's names -------------------------------------------------------------------

@program
def add_alpha(t):
    a, b = X(t, V), X(t, [1.0, 2.0, 3.0, 4.0])
    y = t.add(a, b, alpha=2.0)
    z = a.sub(b, alpha=0.5)
    return {"y": y, "z": z, "g": grads(t, (y * z).sum(), a, b)}


@program
def mul_div(t):
    a, b = X(t, V), X(t, [1.0, 2.0, 3.0, 4.0])
    y = t.div(t.mul(a, b), b + 1)
    return {"y": y, "g": grads(t, y.sum(), a, b)}


# -- activations in a small network ----------------------------------------------------------------

@program
def mlp_step(t):
    x = X(t, np.linspace(-1, 1, 12).reshape(4, 3), False)
    w1 = X(t, np.linspace(-0.5, 0.5, 15).reshape(3, 5))
    w2 = X(t, np.linspace(0.3, -0.4, 5).reshape(5, 1))
    h = t.relu(x @ w1)
    out = t.sigmoid(h @ w2)
    loss = ((out - 0.5) ** 2).mean()
    return {"loss": loss, "g": grads(t, loss, w1, w2)}


@program
def tanh_mlp_second_order(t):
    w = X(t, [[0.3, -0.2], [0.5, 0.1]])
    x = X(t, [[1.0, 2.0], [-1.0, 0.5]], False)
    loss = t.tanh(x @ w).pow(2).sum()
    (g,) = grads(t, loss, w, create_graph=True)
    (h,) = grads(t, (g * g).sum(), w)
    return {"loss": loss, "g": g, "h": h}


# -- dtypes ------------------------------------------------------------------------------------------

@program
def dtype_names(t):
    return {"f64": str(t.float64), "f32": repr(t.float32), "i64": str(t.int64), "bool": str(t.bool),
            "double": str(t.double), "float": str(t.float), "long": str(t.long)}


@program
def dtype_of_tensors(t):
    return {"f": str(X(t, V).dtype), "i": str(t.tensor([1, 2]).dtype), "b": str(t.tensor([True]).dtype),
            "eq": X(t, V).dtype == t.float64, "ne": X(t, V).dtype == t.float32}


@program
def to_dtype_grad(t):
    x = X(t, V)
    y = x.to(t.float32)
    z = y.double() * 2
    return {"y": y, "dtype": str(y.dtype), "z": z, "g": grads(t, z.sum(), x)}


@program
def float_double_methods(t):
    x = X(t, [1.5, 2.5], False)
    return {"f": str(x.float().dtype), "d": str(x.float().double().dtype), "l": x.long(),
            "b": x.bool(), "i": str(x.int().dtype)}


@program
def to_int_drops_grad(t):
    x = X(t, V)
    y = x.to(t.int64)
    return {"y": y, "rg": y.requires_grad}


@program
def to_other_tensor(t):
    x = X(t, V)
    y = x.to(t.tensor([1.0], dtype=t.float32))
    return {"dtype": str(y.dtype), "same": x.to(t.float64) is x}


@program
def repr_float32(t):
    return {"repr": repr(t.tensor([1.5, 2.0])), "rg": repr(t.tensor([1.0, -2.5], requires_grad=True)),
            "int": repr(t.tensor([1, 2], dtype=t.int32))}


@program
def is_floating_point_checks(t):
    return {"f": t.is_floating_point(X(t, V)), "i": t.is_floating_point(t.tensor([1])),
            "tensor": t.is_tensor(X(t, V)), "list": t.is_tensor([1.0])}


# -- creation ------------------------------------------------------------------------------------

@program
def zeros_ones_full(t):
    return {"z": t.zeros(2, 3, dtype=t.float64), "o": t.ones((2,), dtype=t.float64),
            "f": t.full((2, 2), 1.5, dtype=t.float64), "fi": t.full((2,), 7),
            "e": list(t.empty(3, 1).shape)}


@program
def zeros_requires_grad(t):
    z = t.zeros(3, dtype=t.float64, requires_grad=True)
    y = (z + 1.0).pow(2).sum()
    return {"rg": z.requires_grad, "leaf": z.is_leaf, "g": grads(t, y, z)}


@program
def ones_int_requires_grad(t):
    return {"o": t.ones(2, dtype=t.int64, requires_grad=True)}


@program
def arange_forms(t):
    return {"a": t.arange(5), "b": t.arange(1, 4), "c": t.arange(0, 1, 0.25, dtype=t.float64),
            "d": t.arange(2, 8, 2)}


@program
def arange_requires_grad(t):
    x = t.arange(3.0, dtype=t.float64, requires_grad=True)
    return {"g": grads(t, (x * x).sum(), x)}


@program
def linspace_eye(t):
    return {"l": t.linspace(0, 1, 5, dtype=t.float64), "e": t.eye(3, dtype=t.float64),
            "e2": t.eye(2, 3, dtype=t.float64)}


@program
def like_functions(t):
    x = X(t, A, False)
    return {"z": t.zeros_like(x), "o": t.ones_like(x), "f": t.full_like(x, 2.5),
            "i": t.zeros_like(x, dtype=t.int64), "r": list(t.rand_like(x).shape),
            "rdtype": str(t.rand_like(x).dtype)}


@program
def like_requires_grad(t):
    x = X(t, A, False)
    o = t.ones_like(x, requires_grad=True)
    return {"rg": o.requires_grad, "g": grads(t, (o * x).sum(), o)}


@program
def rand_randn_shapes(t):
    t.manual_seed(0)
    r, n = t.rand(2, 3, dtype=t.float64), t.randn((4,), dtype=t.float64)
    return {"r": list(r.shape), "n": list(n.shape), "in01": bool(((r >= 0) & (r < 1)).all()),
            "rg": t.randn(2, dtype=t.float64, requires_grad=True).requires_grad}


@program
def tensor_from_data(t):
    return {"i": t.tensor([1, 2, 3]), "b": t.tensor([True, False]), "n": t.tensor(np.array([1.5, 2.5])),
            "ndtype": str(t.tensor(np.array([1.5, 2.5])).dtype)}


@program
def from_numpy_shares(t):
    a = np.array([1.0, 2.0, 3.0])
    x = t.from_numpy(a)
    a[0] = 10.0
    return {"x": x, "dtype": str(x.dtype)}


@program
def as_tensor_shares(t):
    a = np.array([1.0, 2.0])
    x = t.as_tensor(a)
    a[1] = 5.0
    return {"x": x, "c": t.as_tensor([1, 2]), "f": t.as_tensor(a, dtype=t.float32)}


@program
def from_numpy_list(t):
    return {"x": t.from_numpy([1.0, 2.0])}


# -- gradient mode -----------------------------------------------------------------------------------

@program
def no_grad_context(t):
    x = X(t, V)
    with t.no_grad():
        y = x * 2
    return {"rg": y.requires_grad, "enabled": t.is_grad_enabled()}


@program
def enable_grad_inside_no_grad(t):
    x = X(t, V)
    with t.no_grad():
        with t.enable_grad():
            y = x * 2
        inner = t.is_grad_enabled()
    return {"rg": y.requires_grad, "inner": inner, "g": grads(t, y.sum(), x)}


@program
def set_grad_enabled_false(t):
    x = X(t, V)
    with t.set_grad_enabled(False):
        y = x * 2
        flag = t.is_grad_enabled()
    return {"rg": y.requires_grad, "flag": flag, "after": t.is_grad_enabled()}


@program
def no_grad_decorator(t):
    @t.no_grad()
    def double(v):
        return v * 2
    return {"rg": double(X(t, V)).requires_grad}


# -- autograd.functional ------------------------------------------------------------------------------

@program
def functional_jacobian(t):
    from importlib import import_module
    F = import_module(t.__name__ + ".autograd.functional")
    return {"j": F.jacobian(lambda x: x ** 2 * x.sum(), X(t, [1.0, 2.0, 3.0], False))}


@program
def functional_jacobian_tuple(t):
    F = t.autograd.functional
    a, b = X(t, [1.0, 2.0], False), X(t, [3.0, -1.0], False)
    return {"j": F.jacobian(lambda x, y: (x * y, (x + y).sum()), (a, b))}


@program
def functional_jacobian_unused(t):
    F = t.autograd.functional
    return {"j": F.jacobian(lambda x, y: x * 2, (X(t, [1.0, 2.0], False), X(t, [3.0], False)))}


@program
def functional_jacobian_strict(t):
    F = t.autograd.functional
    return {"j": F.jacobian(lambda x, y: x * 2, (X(t, [1.0, 2.0], False), X(t, [3.0], False)),
                            strict=True)}


@program
def functional_hessian(t):
    F = t.autograd.functional
    return {"h": F.hessian(lambda x: (x ** 3).sum() + x[0] * x[1], X(t, [1.0, 2.0], False))}


@program
def functional_hessian_tuple(t):
    F = t.autograd.functional
    return {"h": F.hessian(lambda x, y: (x * x * y).sum(), (X(t, [1.0, 2.0], False), X(t, [0.5, 3.0], False)))}


@program
def functional_hessian_not_scalar(t):
    F = t.autograd.functional
    return {"h": F.hessian(lambda x: x * 2, X(t, [1.0, 2.0], False))}


@program
def functional_vjp(t):
    F = t.autograd.functional
    out, v = F.vjp(lambda x: t.softmax(x, 0), X(t, [1.0, 2.0, 0.5], False), X(t, [1.0, 0.0, -1.0], False))
    return {"out": out, "vjp": v, "rg": v.requires_grad}


@program
def functional_vjp_needs_v(t):
    F = t.autograd.functional
    return {"r": F.vjp(lambda x: x * 2, X(t, [1.0, 2.0], False))}


@program
def functional_jvp(t):
    F = t.autograd.functional
    out, v = F.jvp(lambda x: t.sin(x) * x, X(t, [1.0, 2.0], False), X(t, [0.5, -1.0], False))
    return {"out": out, "jvp": v}


@program
def functional_jvp_tuple(t):
    F = t.autograd.functional
    a, b = X(t, [1.0, 2.0], False), X(t, [0.5, 3.0], False)
    out, v = F.jvp(lambda x, y: (x * y, x.exp()), (a, b), (X(t, [1.0, 0.0], False), X(t, [0.0, 1.0], False)))
    return {"out": out, "jvp": v}


@program
def functional_hvp_vhp(t):
    F = t.autograd.functional
    f = lambda x: (x ** 3).sum() + (x[0] * x[1]) ** 2     # noqa: E731
    x, v = X(t, [1.0, 2.0], False), X(t, [1.0, -1.0], False)
    return {"hvp": F.hvp(f, x, v), "vhp": F.vhp(f, x, v)}


@program
def functional_jacobian_create_graph(t):
    F = t.autograd.functional
    x = X(t, [1.0, 2.0])
    j = F.jacobian(lambda v: v ** 3, x, create_graph=True)
    return {"j": j, "g": grads(t, j.sum(), x)}


@program
def functional_vjp_create_graph(t):
    F = t.autograd.functional
    x = X(t, [1.0, 2.0])
    out, v = F.vjp(lambda u: (u ** 3).sum(), x, create_graph=True)
    return {"v": v, "g": grads(t, v.sum(), x)}


# -- more methods and misuse ----------------------------------------------------------------------------

def _value(expr):
    """A program returning ``expr(t)`` (values only; for errors and shapes)."""
    def run(t):
        return {"y": expr(t)}
    return run


_MORE = {
    "sum_dim_out_of_range": lambda t: t.sum(X(t, A), dim=2),
    "softmax_dim_out_of_range": lambda t: t.softmax(X(t, A), dim=-3),
    "cumsum_dim_out_of_range": lambda t: X(t, A).cumsum(5),
    "mean_dim_list": lambda t: t.mean(X(t, C3), dim=[0, 2]),
    "sum_keepdim_method": lambda t: X(t, C3).sum(1, keepdim=True),
    "std_keepdim_method": lambda t: X(t, C3).std(dim=2, keepdim=True),
    "var_unbiased_positional": lambda t: X(t, A).var(1, False),
    "prod_with_zero_grad": lambda t: t.autograd.grad(t.prod(X(t, [2.0, 0.0, 3.0]) * 1.0), [X(t, [1.0])],
                                                     allow_unused=True),
    "reshape_bad_size": lambda t: t.reshape(X(t, A), (4, 2)),
    "view_method": lambda t: X(t, C3).view(6, 4),
    "view_minus_one": lambda t: X(t, C3).view(-1, 2),
    "permute_wrong_count": lambda t: X(t, C3).permute(0, 1),
    "transpose_out_of_range": lambda t: t.transpose(X(t, A), 0, 2),
    "transpose_negative": lambda t: X(t, C3).transpose(-1, 0),
    "unsqueeze_negative": lambda t: t.unsqueeze(X(t, A), -1),
    "unsqueeze_out_of_range": lambda t: t.unsqueeze(X(t, A), 4),
    "squeeze_tuple": lambda t: t.squeeze(X(t, np.ones((1, 2, 1))), (0, 2)),
    "flatten_middle": lambda t: t.flatten(X(t, np.ones((2, 3, 4, 5))), 1, 2).shape,
    "expand_method": lambda t: X(t, [[1.0], [2.0]]).expand(2, 3),
    "repeat_method": lambda t: X(t, [1.0, 2.0]).repeat(2, 2),
    "matmul_vec_mat": lambda t: t.matmul(X(t, [1.0, 2.0]), X(t, A)),
    "matmul_mat_vec_mismatch": lambda t: t.matmul(X(t, A), X(t, [1.0, 2.0])),
    "matmul_batched_mismatch": lambda t: t.matmul(X(t, C3), X(t, A)),
    "matmul_int_float": lambda t: t.matmul(t.tensor([[1, 2]]), X(t, [[1.0], [2.0]])),
    "bmm_batch_mismatch": lambda t: t.bmm(X(t, C3), X(t, np.ones((3, 4, 2)))),
    "einsum_outer": lambda t: t.einsum("i,j->ij", X(t, [1.0, 2.0]), X(t, [3.0, 4.0, 5.0])),
    "split_dim1_sizes": lambda t: t.split(X(t, C3), [1, 2], dim=1),
    "chunk_uneven": lambda t: X(t, np.arange(10.0)).chunk(3),
    "chunk_zero": lambda t: X(t, V).chunk(0),
    "cat_empty_list": lambda t: t.cat([]),
    "cat_negative_dim": lambda t: t.cat([X(t, A), X(t, A)], dim=-1),
    "stack_negative_dim": lambda t: t.stack([X(t, A), X(t, A)], dim=-1),
    "index_select_2d_index": lambda t: t.index_select(X(t, A), 0, t.tensor([[0]])),
    "gather_dims_mismatch": lambda t: t.gather(X(t, A), 1, t.tensor([0, 1])),
    "clamp_min_gt_max": lambda t: t.clamp(X(t, V), 1.0, -1.0),
    "where_broadcast_values": lambda t: t.where(X(t, [1.0, -1.0], False) > 0, X(t, [[1.0], [2.0]]), -1.0),
    "maximum_int_float": lambda t: t.maximum(t.tensor([1, 5]), X(t, [2.0, 3.0])),
    "pow_negative_base_fraction": lambda t: t.pow(X(t, [-1.0, 4.0]), 0.5),
    "sqrt_negative": lambda t: t.sqrt(X(t, [-1.0, 4.0])),
    "log_zero": lambda t: t.log(X(t, [0.0, 1.0])),
    "softmax_all_neg_inf": lambda t: t.softmax(X(t, [-float("inf"), -float("inf")]), 0),
    "log_softmax_with_inf": lambda t: t.log_softmax(X(t, [-float("inf"), 0.0, 1.0]), 0),
    "logsumexp_tuple_dim": lambda t: t.logsumexp(X(t, C3), dim=(0, 2)),
    "norm_of_zero": lambda t: t.autograd.grad(t.norm(X(t, [0.0, 0.0]) * 1.0), [X(t, [0.0])], allow_unused=True),
    "amax_keepdim": lambda t: t.amax(X(t, C3), dim=1, keepdim=True),
    "argmax_ties": lambda t: t.argmax(X(t, [1.0, 3.0, 3.0])),
    "max_dim_named_fields": lambda t: (lambda r: (r.values, r.indices))(X(t, A).max(dim=0)),
    "min_all": lambda t: X(t, A).min(),
    "size_numel_dim": lambda t: (list(X(t, C3).size()), X(t, C3).size(1), X(t, C3).numel(), X(t, C3).dim()),
    "ones_size_list": lambda t: t.ones([2, 2], dtype=t.float64),
    "zeros_negative": lambda t: t.zeros(-1),
    "arange_float_step": lambda t: t.arange(0.0, 1.0, 0.3, dtype=t.float64),
    "arange_zero_step": lambda t: t.arange(0, 3, 0),
    "full_bool": lambda t: t.full((2,), True),
    "eye_int": lambda t: t.eye(2, dtype=t.int64),
    "linspace_one": lambda t: t.linspace(2.0, 3.0, 1, dtype=t.float64),
    "tensor_nested_ints": lambda t: t.tensor([[1, 2], [3, 4]]).sum(),
    "tensor_int_requires_grad": lambda t: t.tensor([1, 2], requires_grad=True),
    "int_sum_dtype": lambda t: str(t.tensor([1, 2]).sum().dtype),
    "bool_sum": lambda t: t.tensor([True, True, False]).sum(),
    "double_of_int": lambda t: t.tensor([1, 2]).double(),
    "float_tensor_plus_double": lambda t: str((X(t, V).float() + X(t, V)).dtype),
    "float32_times_python_float": lambda t: str((X(t, V).float() * 2.5).dtype),
    "to_string_device": lambda t: X(t, V).to("cpu"),
    "to_dtype_keyword": lambda t: str(X(t, V).to(dtype=t.float32).dtype),
    "type_as": lambda t: str(X(t, V).type_as(t.tensor([1], dtype=t.int32)).dtype),
    "dtype_is_floating_point": lambda t: (t.float64.is_floating_point, t.int64.is_floating_point),
    "dtype_itemsize": lambda t: (t.float32.itemsize, t.int64.itemsize, t.bool.itemsize),
    "get_default_dtype": lambda t: str(t.get_default_dtype()) if t.__name__ == "astgrad" else "torch.float64",
    "set_default_dtype_int": lambda t: t.set_default_dtype(t.int64),
    "is_grad_enabled_default": lambda t: t.is_grad_enabled(),
    "set_grad_enabled_call": lambda t: (t.set_grad_enabled(False), t.is_grad_enabled(),
                                        t.set_grad_enabled(True), t.is_grad_enabled())[1::2],
    "relu_int": lambda t: t.relu(t.tensor([-1, 2])),
    "sigmoid_grad_at_zero": lambda t: (lambda x: t.autograd.grad(t.sigmoid(x), x))(X(t, 0.0)),
    "neg_method": lambda t: X(t, V).neg(),
    "abs_of_int": lambda t: t.abs(t.tensor([-3, 2])),
    "exp_of_int": lambda t: str(t.exp(t.tensor([1, 2])).dtype),
    "sum_of_list": lambda t: t.sum([1.0, 2.0]),
}


for _name, _expr in _MORE.items():
    _run = _value(_expr)
    _run.__name__ = _name
    PROGRAMS[_name] = _run


@program
def prod_with_zero(t):
    x = X(t, [2.0, 0.0, 3.0])
    y = t.prod(x)
    (g,) = grads(t, y, x, create_graph=True)
    return {"y": y, "g": g, "h": grads(t, g.sum(), x)}


@program
def prod_dim_with_zero(t):
    x = X(t, [[2.0, 0.0, 3.0], [1.0, 2.0, 0.5]])
    y = x.prod(1)
    return {"y": y, "g": grads(t, y.sum(), x)}


@program
def norm_grad_at_zero(t):
    x = X(t, [0.0, 0.0])
    return {"g": grads(t, t.norm(x), x)}


@program
def softmax_grad_all_equal(t):
    x = X(t, [1.0, 1.0, 1.0])
    y = t.softmax(x, 0)
    return {"y": y, "g": grads(t, y[0], x)}


@program
def log_softmax_neg_inf_grad(t):
    x = X(t, [-float("inf"), 0.0, 1.0])
    y = t.log_softmax(x, 0)
    return {"g": grads(t, y[1:].sum(), x)}


@program
def clamp_at_boundary(t):
    x = X(t, [-1.0, 0.0, 1.0])
    return {"g": grads(t, t.clamp(x, -1.0, 1.0).sum(), x)}


@program
def maximum_tie(t):
    a, b = X(t, [1.0, 2.0]), X(t, [1.0, 3.0])
    return {"g": grads(t, t.maximum(a, b).sum(), a, b)}


@program
def amax_ties(t):
    x = X(t, [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    return {"g": grads(t, t.amax(x, dim=1).sum(), x)}


@program
def min_dim_ties(t):
    x = X(t, [[1.0, 1.0, 3.0]])
    r = t.min(x, 1)
    return {"i": r.indices, "g": grads(t, r.values.sum(), x)}


@program
def std_single_element(t):
    x = X(t, [1.5])
    return {"y": t.std(x)}


@program
def var_grad_second_order(t):
    x = X(t, V)
    (g,) = grads(t, t.var(x), x, create_graph=True)
    return {"g": g, "h": grads(t, (g * g).sum(), x)}


@program
def gather_grad_repeated_index(t):
    x = X(t, [[1.0, 2.0], [3.0, 4.0]])
    y = t.gather(x, 1, t.tensor([[0, 0, 0], [1, 0, 1]]))
    return {"y": y, "g": grads(t, y.sum(), x)}


@program
def index_select_repeated(t):
    x = X(t, V)
    y = x.index_select(0, t.tensor([0, 0, 3]))
    return {"y": y, "g": grads(t, (y * X(t, [1.0, 2.0, 3.0], False)).sum(), x)}


@program
def split_then_cat(t):
    x = X(t, C3)
    a, b = t.split(x, [3, 1], dim=2)
    y = t.cat([b * 2, a], dim=2)
    return {"y": y, "g": grads(t, (y * y).sum(), x)}


@program
def chunk_second_order(t):
    x = X(t, V)
    a, b = x.chunk(2)
    (g,) = grads(t, (a * b).pow(2).sum(), x, create_graph=True)
    return {"g": g, "h": grads(t, g.sum(), x)}


@program
def einsum_second_order(t):
    a = X(t, [[1.0, 2.0], [0.5, -1.0]])
    y = t.einsum("ij,jk,ki->", a, a, a)
    (g,) = grads(t, y, a, create_graph=True)
    return {"y": y, "g": g, "h": grads(t, g.sum(), a)}


@program
def bmm_second_order(t):
    a = X(t, np.linspace(-1, 1, 8).reshape(2, 2, 2))
    y = t.bmm(a, a).sum()
    (g,) = grads(t, y, a, create_graph=True)
    return {"g": g, "h": grads(t, (g * g).sum(), a)}


@program
def cumsum_second_order(t):
    x = X(t, V)
    (g,) = grads(t, t.cumsum(x * x, 0).sum(), x, create_graph=True)
    return {"g": g, "h": grads(t, (g * x).sum(), x)}


@program
def stack_second_order(t):
    x = X(t, V)
    y = t.stack([x * x, t.exp(x)], 0)
    (g,) = grads(t, y.sum(), x, create_graph=True)
    return {"g": g, "h": grads(t, g.sum(), x)}


@program
def logsumexp_second_order(t):
    x = X(t, A)
    (g,) = grads(t, t.logsumexp(x, 1).sum(), x, create_graph=True)
    return {"g": g, "h": grads(t, (g * g).sum(), x)}


@program
def sigmoid_third_order(t):
    x = X(t, [0.3, -1.2])
    (g,) = grads(t, t.sigmoid(x).sum(), x, create_graph=True)
    (h,) = grads(t, g.sum(), x, create_graph=True)
    return {"g": g, "h": h, "k": grads(t, h.sum(), x)}


@program
def tensor_methods_chain(t):
    x = X(t, A)
    y = x.matmul(X(t, B)).softmax(1).log().mean(dim=0).sum()
    return {"y": y, "g": grads(t, y, x)}


@program
def functional_jacobian_matrix_input(t):
    F = t.autograd.functional
    return {"j": F.jacobian(lambda m: m.sum(dim=0), X(t, A, False))}


@program
def functional_jvp_needs_v(t):
    F = t.autograd.functional
    return {"r": F.jvp(lambda x: x * 2, X(t, [1.0, 2.0], False))}


@program
def functional_jvp_scalar_no_v(t):
    F = t.autograd.functional
    return {"r": F.jvp(lambda x: x * 3, X(t, 2.0, False))}


@program
def functional_hvp_not_scalar(t):
    F = t.autograd.functional
    return {"r": F.hvp(lambda x: x * 2, X(t, [1.0, 2.0], False), X(t, [1.0, 2.0], False))}


@program
def functional_vjp_wrong_v_shape(t):
    F = t.autograd.functional
    return {"r": F.vjp(lambda x: x * 2, X(t, [1.0, 2.0], False), X(t, [1.0, 2.0, 3.0], False))}


@program
def functional_jacobian_not_tensor_output(t):
    F = t.autograd.functional
    return {"r": F.jacobian(lambda x: 3.0, X(t, [1.0, 2.0], False))}


@program
def functional_jacobian_inputs_list(t):
    F = t.autograd.functional
    return {"r": F.jacobian(lambda x, y: x * y, [X(t, [1.0, 2.0], False), X(t, [3.0, 4.0], False)])}


@program
def functional_hessian_linear(t):
    F = t.autograd.functional
    return {"h": F.hessian(lambda x: (x * 3).sum(), X(t, [1.0, 2.0], False))}


@program
def functional_outputs_detached(t):
    F = t.autograd.functional
    x = X(t, [1.0, 2.0])
    out, v = F.vjp(lambda u: u * u, x, X(t, [1.0, 1.0], False))
    return {"out_rg": out.requires_grad, "v_rg": v.requires_grad, "x_leaf": x.is_leaf}


_MORE_2 = {
    "pow_scalar_base": lambda t: (lambda x: (t.pow(2, x), t.autograd.grad(t.pow(2, x).sum(), x)))(X(t, [1.0, 2.0])),
    "add_scalar_first": lambda t: t.add(1, X(t, [1.0, 2.0])),
    "mul_scalar_first": lambda t: t.mul(2, X(t, [1.0, 2.0])),
    "maximum_scalar_other": lambda t: t.maximum(X(t, [1.0, 2.0]), 1.0),
    "exp_of_float": lambda t: t.exp(2.0),
    "tensor_of_tensors": lambda t: (lambda a: t.tensor([a, a * 2]))(X(t, 2.0)),
    "tensor_of_tensor": lambda t: t.tensor(X(t, [1.0, 2.0], False)),
    "tensor_ragged": lambda t: t.tensor([[1.0, 2.0], [3.0]]),
    "softmax_of_long": lambda t: t.softmax(t.tensor([1, 2]), 0),
    "log_softmax_of_long_dim0": lambda t: t.log_softmax(t.tensor([[1, 2]]), 0),
    "stack_dim_out_of_range": lambda t: t.stack((X(t, V), X(t, V)), 2),
    "split_zero": lambda t: t.split(X(t, [1.0, 2.0]), 0),
    "var_positional_dim": lambda t: t.var(X(t, [1.0, 2.0, 4.0]), 0, unbiased=True),
    "sum_positional_keepdim": lambda t: t.sum(X(t, [1.0, 2.0]), 0, True),
    "clamp_tensor_min": lambda t: t.clamp(X(t, [1.0, 2.0]), min=X(t, [0.0, 1.5], False)),
    "max_dim_keepdim_kw": lambda t: t.max(X(t, A), dim=1, keepdim=True),
    "std_correction_kw": lambda t: t.std(X(t, A), dim=1, correction=0),
    "norm_dim_keepdim": lambda t: t.norm(X(t, A), dim=1, keepdim=True),
    "log_softmax_dtype": lambda t: str(t.log_softmax(X(t, V), 0, dtype=t.float32).dtype),
    "sum_method_dim_tuple": lambda t: X(t, C3).sum(dim=(0, 1)),
    "mean_method_axis_alias": lambda t: X(t, C3).mean(axis=1),
    "cumsum_negative_dim": lambda t: t.cumsum(X(t, A), -1),
    "eye_requires_grad": lambda t: t.eye(2, dtype=t.float64, requires_grad=True),
    "full_like_requires_grad": lambda t: t.full_like(X(t, V, False), 3.0, requires_grad=True),
    "linspace_requires_grad": lambda t: t.linspace(0, 1, 3, dtype=t.float64, requires_grad=True),
    "zeros_like_of_int": lambda t: t.zeros_like(t.tensor([1, 2])),
    "ones_like_float32": lambda t: t.ones_like(X(t, V, False), dtype=t.float32),
    "arange_negative_step": lambda t: t.arange(5, 0, -2),
    "randint_shape_dtype": lambda t: (list(t.randint(0, 5, (2, 3)).shape), str(t.randint(0, 5, (2,)).dtype)),
    "split_tuple_of_sizes": lambda t: t.split(X(t, V), (2, 2)),
    "index_select_negative_dim": lambda t: t.index_select(X(t, A), -1, t.tensor([0, 2])),
    "gather_negative_dim": lambda t: t.gather(X(t, A), -1, t.tensor([[0], [2]])),
    "where_int_values": lambda t: t.where(t.tensor([True, False]), t.tensor([1, 2]), t.tensor([3, 4])),
    "einsum_batch_diag": lambda t: t.einsum("bii->b", X(t, np.arange(8.0).reshape(2, 2, 2))),
    "flatten_0d": lambda t: t.flatten(X(t, 3.0)),
    "flip_dims": lambda t: (lambda x: (t.flip(x, [0, 2]), t.autograd.grad(t.flip(x, (1,))[0].sum(), x)))(X(t, C3)),
    "unsqueeze_method_chain": lambda t: X(t, V).unsqueeze(0).unsqueeze(-1).shape,
}

for _name, _expr in _MORE_2.items():
    _run = _value(_expr)
    _run.__name__ = _name
    PROGRAMS[_name] = _run


# -- tutorial-style training loops -------------------------------------------------------------------

_XS = np.linspace(-1.0, 1.0, 24).reshape(8, 3)
_YS = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0])


@program
def train_logistic_regression(t):
    x, y = X(t, _XS, False), X(t, _YS, False)
    w = t.zeros(3, dtype=t.float64, requires_grad=True)
    b = t.zeros(1, dtype=t.float64, requires_grad=True)
    losses = []
    for _ in range(5):
        p = t.sigmoid(x @ w + b)
        loss = -(y * t.log(p) + (1 - y) * t.log(1 - p)).mean()
        loss.backward()
        with t.no_grad():
            w -= 0.5 * w.grad
            b -= 0.5 * b.grad
        w.grad = None
        b.grad = None
        losses.append(loss.item())
    return {"w": w, "b": b, "losses": losses}


@program
def train_softmax_regression(t):
    x = X(t, _XS, False)
    target = t.tensor([0, 1, 2, 1, 0, 2, 1, 0])
    w = t.zeros(3, 3, dtype=t.float64, requires_grad=True)
    for _ in range(4):
        logp = t.log_softmax(x @ w, dim=1)
        loss = -t.gather(logp, 1, target.unsqueeze(1)).squeeze(1).mean()
        (g,) = t.autograd.grad(loss, w)
        with t.no_grad():
            w -= 1.0 * g
    return {"w": w, "loss": loss}


@program
def train_mlp_relu(t):
    x = X(t, _XS, False)
    y = X(t, _YS.reshape(8, 1), False)
    w1 = X(t, np.linspace(-0.6, 0.7, 12).reshape(3, 4))
    w2 = X(t, np.linspace(0.5, -0.5, 4).reshape(4, 1))
    for _ in range(3):
        out = t.relu(x.matmul(w1)).matmul(w2)
        loss = ((out - y) ** 2).mean()
        g1, g2 = t.autograd.grad(loss, (w1, w2))
        with t.no_grad():
            w1 -= 0.1 * g1
            w2 -= 0.1 * g2
    return {"w1": w1, "w2": w2, "loss": loss}


@program
def newton_step_with_hessian(t):
    F = t.autograd.functional
    f = lambda v: (t.exp(v) - 2 * v).sum() + (v[0] * v[1]) ** 2       # noqa: E731
    v = X(t, [0.3, 0.4], False)
    for _ in range(3):
        g = F.jacobian(f, v)
        H = F.hessian(f, v)
        v = v - t.matmul(t.tensor(np.linalg.inv(H.numpy())), g)
    return {"v": v, "g": F.jacobian(f, v)}


@program
def gradient_penalty(t):
    x = X(t, [[0.5, -0.2], [1.0, 0.3]])
    w = X(t, [[0.3, 0.1], [-0.4, 0.8]])
    out = t.tanh(x @ w).sum()
    (gx,) = t.autograd.grad(out, x, create_graph=True)
    penalty = ((t.norm(gx, dim=1) - 1) ** 2).mean()
    (gw,) = t.autograd.grad(penalty, w)
    return {"penalty": penalty, "gw": gw}


def _method_program(name, call, data=A):
    def run(t):
        x = X(t, data)
        y = call(x)
        (g,) = grads(t, (y * y).sum(), x, create_graph=True)
        return {"y": y, "g": g, "h": grads(t, g.sum(), x)}
    run.__name__ = name
    PROGRAMS[name] = run


for _name, _call in {
    "m_sum_dim": lambda x: x.sum(dim=1), "m_mean_keepdim": lambda x: x.mean(0, keepdim=True),
    "m_prod_dim": lambda x: x.prod(1), "m_amax": lambda x: x.amax(dim=0), "m_amin": lambda x: x.amin(1),
    "m_var": lambda x: x.var(dim=1), "m_std_correction": lambda x: x.std(0, correction=0),
    "m_norm": lambda x: x.norm(), "m_norm_dim": lambda x: x.norm(dim=0),
    "m_softmax": lambda x: x.softmax(dim=1), "m_log_softmax": lambda x: x.log_softmax(dim=0),
    "m_logsumexp": lambda x: x.logsumexp(1), "m_pow": lambda x: x.pow(3),
    "m_clamp": lambda x: x.clamp(-1.0, 1.0) * x, "m_clip": lambda x: x.clip(min=0.0) * x,
    "m_maximum": lambda x: x.maximum(x * 0.5), "m_minimum": lambda x: x.minimum(x.flip(1)),
    "m_where": lambda x: x.where(x > 0, x * x), "m_cumsum": lambda x: x.cumsum(dim=1),
    "m_reshape": lambda x: x.reshape(3, 2) * x.reshape(-1)[:2], "m_transpose": lambda x: x.transpose(0, 1) @ x,
    "m_permute": lambda x: x.permute(1, 0).exp(), "m_squeeze": lambda x: x.unsqueeze(0).squeeze(0).sin(),
    "m_flatten": lambda x: x.flatten() ** 2, "m_matmul": lambda x: x.matmul(x.T),
    "m_mm": lambda x: x.mm(x.mT), "m_bmm": lambda x: x.unsqueeze(0).bmm(x.T.unsqueeze(0)),
    "m_gather": lambda x: x.gather(1, np.array([[2, 1], [0, 0]])) if False else x.gather(1, x.argmax(1, keepdim=True)),
    "m_index_select": lambda x: x.index_select(1, x.argmin(1)),
    "m_split": lambda x: x.split(2, dim=1)[0] * 3, "m_chunk": lambda x: x.chunk(3, 1)[2].tanh(),
    "m_rsqrt": lambda x: (x * x + 1).rsqrt(), "m_log1p": lambda x: (x * x).log1p(),
    "m_sigmoid_relu": lambda x: x.sigmoid() * x.relu(), "m_abs_sqrt": lambda x: (x.abs() + 1).sqrt(),
    "m_double_float": lambda x: x.float().double() * x, "m_to": lambda x: x.to(dtype=x.dtype) * 2,
}.items():
    _method_program(_name, _call)


_FUNCTIONAL = {
    "functional_forward_mode_needs_vectorize":
        lambda t, F: F.jacobian(lambda v: v * 2, X(t, [1.0, 2.0], False), strategy="forward-mode"),
    "functional_bad_strategy": lambda t, F: F.jacobian(lambda v: v * 2, X(t, [1.0, 2.0], False), strategy="bad"),
    "functional_forward_mode_vectorized":
        lambda t, F: F.jacobian(lambda v: v.sin(), X(t, [1.0, 2.0], False), strategy="forward-mode",
                                vectorize=True),
    "functional_forward_mode_create_graph":
        lambda t, F: F.jacobian(lambda v: v * 2, X(t, [1.0, 2.0], False), strategy="forward-mode",
                                vectorize=True, create_graph=True),
    "functional_hessian_forward_outer":
        lambda t, F: F.hessian(lambda v: (v ** 3).sum(), X(t, [1.0, 2.0], False),
                               outer_jacobian_strategy="forward-mode"),
    "functional_outputs_list": lambda t, F: F.jacobian(lambda v: [v * 2], X(t, [1.0, 2.0], False)),
    "functional_vjp_tuple_v": lambda t, F: F.vjp(lambda a, b: a * b, (X(t, [1.0, 2.0], False), X(t, [3.0, 4.0], False)),
                                                 X(t, [1.0, -1.0], False)),
    "functional_jvp_v_length": lambda t, F: F.jvp(lambda a, b: a * b, (X(t, [1.0, 2.0], False), X(t, [3.0, 4.0], False)),
                                                  (X(t, [1.0, -1.0], False),)),
    "functional_jvp_entry_size": lambda t, F: F.jvp(lambda a, b: a * b, (X(t, [1.0, 2.0], False), X(t, [3.0, 4.0], False)),
                                                    (X(t, [1.0, -1.0], False), X(t, [1.0], False))),
    "functional_hessian_matrix_input": lambda t, F: F.hessian(lambda m: (m ** 3).sum() * m[0, 0], X(t, [[1.0, 2.0], [0.5, -1.0]], False)),
    "functional_vhp_tuple": lambda t, F: F.vhp(lambda a, b: (a * a * b).sum(), (X(t, [1.0, 2.0], False), X(t, [3.0, 4.0], False)),
                                               (X(t, [1.0, 0.0], False), X(t, [0.0, 1.0], False))),
}


# -- pieces of a tensor and its order: to second order, and the errors of bad arguments ----------

@program
def pieces_to_second_order(t):
    x = X(t, C3)
    parts = [x.select(1, -1), t.narrow(x, 2, -3, 2), t.diagonal(x, 1, 1, 2), x.unbind(2)[1],
             x.transpose(0, 2).contiguous().view(-1), x.movedim((0, 2), (2, 0)), x.unflatten(2, (2, -1))]
    y = sum((t.sin(p) * (k + 1)).sum() for k, p in enumerate(parts))
    (g,) = grads(t, y, x, create_graph=True)
    (h,) = grads(t, (g * g).sum(), x)
    return {"parts": parts, "g": g, "h": h, "contiguous": [p.is_contiguous() for p in parts]}


@program
def order_to_second_order(t):
    x = X(t, [[0.5, -1.2, 2.0, 0.5], [1.5, 0.3, -0.7, 0.3]])
    s, top = x.sort(dim=1, descending=True), t.topk(x, 2, dim=0, largest=False)
    y = (t.exp(s.values) * X(t, [1.0, 2.0, 3.0, 4.0], False)).sum() + (top.values ** 3).sum() + x.msort()[0].sum()
    (g,) = grads(t, y, x, create_graph=True)
    (h,) = grads(t, g.sum(), x)
    return {"sorted": s, "top": top, "argsort": x.argsort(1), "g": g, "h": h}


_PIECES = {
    "select_out_of_range": lambda t: X(t, C3).select(2, 5),
    "narrow_past_the_end": lambda t: X(t, C3).narrow(1, 2, 3),
    "narrow_start_out_of_range": lambda t: X(t, C3).narrow(1, -5, 1),
    "diagonal_same_dims": lambda t: X(t, C3).diagonal(0, 1, -2),
    "unbind_piece_in_place": lambda t: (X(t, A) * 1).unbind(1)[1].add_(1.0),
    "movedim_repeated": lambda t: X(t, C3).movedim((0, 0), (1, 2)),
    "topk_too_many": lambda t: X(t, V).topk(5),
    "squeeze_dim_out_of_range": lambda t: X(t, C3).squeeze(5),
    "chunk_dim_out_of_range": lambda t: X(t, A).chunk(2, dim=-3),
    "argmax_dim_out_of_range": lambda t: X(t, A).argmax(2),
    "float_tensor_as_index": lambda t: X(t, V)[t.tensor([0.0])],
    "detach_in_place": lambda t: (lambda y: (y.detach_().requires_grad, y.is_leaf, y))(X(t, V)),
    "numpy_force": lambda t: X(t, V).numpy(force=True).tolist(),
    "new_tensors": lambda t: (lambda x: (x.new_zeros(2, 3), x.new_ones((2,)), x.new_full((2,), 3.0),
                                         x.new_tensor([1, 2]), x.new_zeros(2, requires_grad=True)))(X(t, V).float()),
}

for _name, _expr in _PIECES.items():
    _run = _value(_expr)
    _run.__name__ = _name
    PROGRAMS[_name] = _run


def _functional_program(expr):
    def run(t):
        from importlib import import_module
        return {"r": expr(t, import_module(t.__name__ + ".autograd.functional"))}
    return run


for _name, _expr in _FUNCTIONAL.items():
    _run = _functional_program(_expr)
    _run.__name__ = _name
    PROGRAMS[_name] = _run
