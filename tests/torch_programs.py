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
