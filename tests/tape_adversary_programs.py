"""Programs an outsider would write against PyTorch's API on which the tape front end
once silently differed from PyTorch 2.13, run with ``t = torch`` and ``t = astgrad`` (as
tests/torch_programs.py): grad-mode decorators (without parentheses, on generator
functions, ``set_grad_enabled`` as one), in-place updates of tensors made by
``from_numpy``/``as_tensor`` (they share the NumPy array), ``out=`` arguments, and
reductions over ``dim=()`` and ``norm(keepdim=True)``.

``tests/torch_reference/record.py adversary`` stores what PyTorch gives in
``tests/torch_reference/adversary_golden.json``; ``tests/test_tape_torch_adversary.py``
checks astgrad against it.
"""

import re
import warnings

import numpy as np

from tape_differed_programs import errors
from torch_programs import A, B, V, X

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


# -- grad mode as a decorator ----------------------------------------------------------------------

@program
def grad_mode_decorators(t):
    x = X(t, V)

    @t.no_grad
    def halved(u):
        return u * 0.5

    @t.enable_grad
    def doubled(u):
        return u * 2

    @t.set_grad_enabled(False)
    def tripled(u):
        return u * 3

    enabled_after_decorating = t.is_grad_enabled()      # set_grad_enabled gave its mode back
    with t.no_grad():
        d = doubled(x)
    return {"halved": halved(x).requires_grad, "doubled": d.requires_grad, "tripled": tripled(x).requires_grad,
            "enabled": enabled_after_decorating, "name": doubled.__name__}


@program
def grad_mode_decorated_generators(t):
    x = X(t, V)

    @t.no_grad()
    def scaled():
        factor = yield x * 2
        yield x * factor
        return x * 4

    @t.enable_grad
    def tracked():
        yield x * 2

    steps = scaled()
    first, second = next(steps), steps.send(3.0)
    try:
        next(steps)
    except StopIteration as stop:
        last = stop.value
    with t.no_grad():
        (kept,) = list(tracked())
    return {"first": first, "second": second, "last": last, "kept": kept.requires_grad,
            "enabled": t.is_grad_enabled()}


@program
def set_grad_enabled_entered_again(t):
    x = X(t, V)
    off = t.set_grad_enabled(False)
    t.set_grad_enabled(True)
    with off:
        inside = (x * 2).requires_grad
    with t.no_grad():
        @t.set_grad_enabled(True)
        def f():
            return x * 2
        still_off = t.is_grad_enabled()
        on = f().requires_grad
    return {"inside": inside, "still_off": still_off, "on": on, "enabled": t.is_grad_enabled()}


# -- tensors sharing a NumPy array ----------------------------------------------------------------

@program
def from_numpy_updates_write_the_array(t):
    a = np.array(V)
    c = t.from_numpy(a)
    c.mul_(2)
    c[1] = 9.0
    c[2:].add_(1)
    b = np.arange(6.0).reshape(2, 3)
    column = t.from_numpy(b[:, 1])
    column.zero_()
    i = np.array([1, 2, 3])
    t.from_numpy(i).mul_(2)
    return {"a": a.tolist(), "c": c, "b": b.tolist(), "i": i.tolist()}


@program
def as_tensor_updates_write_the_array(t):
    a = np.array(V)
    c = t.as_tensor(a)
    c[1:3].zero_()
    c.detach().add_(1)
    f = np.array(V)
    t.as_tensor(f, dtype=t.float32).mul_(2)          # a float32 copy: f is not written
    return {"a": a.tolist(), "c": c, "f": f.tolist()}


@program
def from_numpy_leaf_trained(t):
    a = np.array(V)
    w = t.from_numpy(a).requires_grad_()
    (w * w).sum().backward()
    with t.no_grad():
        w -= 0.1 * w.grad
    return {"a": a.tolist(), "w": w, "g": w.grad}


@program
def from_numpy_constant_written_after_use(t):
    a = np.array(V)
    c = t.from_numpy(a)
    x = X(t, V)
    y = (x + c).sum()
    z = (x * c).sum()
    c.mul_(2)
    y.backward()
    return {"y": y, "g": x.grad, "a": a.tolist(), "e": errors(z.backward)}


# -- out= ------------------------------------------------------------------------------------------

@program
def out_arguments(t):
    x = X(t, V, rg=False)
    o = t.zeros(4, dtype=t.float64)
    results = {}
    for name, call in [("add", lambda: t.add(x, x, out=o)), ("mul", lambda: t.mul(x, 2, out=o)),
                       ("exp", lambda: t.exp(x, out=o)), ("clamp", lambda: t.clamp(x, 0, 1, out=o)),
                       ("radd", lambda: t.add(1.5, x, out=o))]:
        returned = call()
        results[name] = [o.clone(), returned is o]
    total = t.zeros((), dtype=t.float64)
    t.sum(x, 0, out=total)
    version = o._version
    view = t.zeros(2, 4, dtype=t.float64)
    t.neg(x, out=view[1])
    return {"r": results, "total": total, "version": version > 0, "view": view}


@program
def out_argument_errors(t):
    x = X(t, V)
    plain = X(t, V, rg=False)
    return {"e": errors(lambda: t.exp(x, out=t.zeros(4, dtype=t.float64)),
                        lambda: t.sin(plain, out=X(t, V)),
                        lambda: t.sum(x, 0, out=t.zeros((), dtype=t.float64)),
                        lambda: t.exp(plain, out=t.zeros(4, dtype=t.int64)))}


# -- reductions along no dimensions, norm keeping dimensions ---------------------------------------

@program
def reductions_along_no_dims(t):
    x = X(t, A)
    r = {}
    for name in ("sum", "mean", "amax", "amin", "norm", "var", "std"):
        for dim in ((), []):
            for keepdim in (False, True):
                r[f"{name}{dim}{keepdim}"] = getattr(x, name)(dim=dim, keepdim=keepdim)
    # PyTorch's own backward of var/std over dim=() divides by zero: left out of the gradient
    total = sum(v.sum() for k, v in r.items() if not k.startswith(("var", "std")))
    (g,) = t.autograd.grad(total, x)
    squeezed = X(t, [[[1.0, 2.0]]]).squeeze(())
    return {"r": r, "g": g, "squeezed": list(squeezed.shape), "sum0d": X(t, 2.0).sum(dim=())}


@program
def norm_keepdim_without_dim(t):
    x = X(t, A)
    a = x.norm(keepdim=True)
    b = x.norm(p=1, keepdim=True)
    c = t.norm(X(t, 2.0), keepdim=True)
    (g,) = t.autograd.grad(a.sum() + 2 * b.sum(), x)
    return {"a": a, "b": b, "c": c, "g": g}


# -- results that are copies in PyTorch, though NumPy's are views ---------------------------------

@program
def flip_and_diag_are_copies(t):
    y = X(t, A, rg=False)
    flipped, rows_flipped, diagonal, through_function = y.flip(0), y.flip(-1), y.diag(), t.flip(y, (0, 1))
    y.mul_(2)                        # not seen by the copies
    flipped.mul_(10)                 # nor written into y
    z = X(t, V, rg=False)
    z.copy_(z.flip(0))               # no overlap: the flipped values are a copy
    z.add_(z.flip(0))
    x = X(t, V)
    w = x * 1
    f = w.flip(0)
    f[0] = 0.0
    (g,) = t.autograd.grad((w * f).sum(), x)
    return {"y": y, "flipped": flipped, "rows_flipped": rows_flipped, "diagonal": diagonal,
            "through_function": through_function, "z": z, "w": w, "f": f, "g": g}


@program
def unary_plus_is_the_tensor(t):
    y = X(t, V, rg=False)
    same = +y
    y.mul_(2)
    x = X(t, V)
    p = +(x * 2)
    (g,) = t.autograd.grad((p * p).sum(), x)
    return {"same": same, "is": same is y, "p": p, "g": g, "e": errors(lambda: +t.tensor([True]))}


# -- softmax and logsumexp over no elements --------------------------------------------------------

@program
def softmax_and_logsumexp_of_no_elements(t):
    x = t.zeros(0, 3, dtype=t.float64, requires_grad=True)
    s, ls = x.softmax(1), x.log_softmax(0)
    e = t.zeros(0, dtype=t.float64, requires_grad=True)
    total = e.logsumexp(0)           # -inf, as a sum of no exponentials is 0
    (g,) = t.autograd.grad(s.sum() + ls.sum(), x)
    (ge,) = t.autograd.grad(total, e)
    return {"s": s, "ls": ls, "total": total, "g": g, "ge": ge,
            "rows": t.zeros(2, 0, dtype=t.float64).logsumexp(1)}


# -- a tensor updated under no_grad after operations whose backward does not read it --------------

_PICKED_OR_LINEAR = {
    "flip": lambda t, y: y.flip(0), "roll": lambda t, y: y.roll(1, 0), "tril": lambda t, y: y.tril(),
    "diag": lambda t, y: y.diag(), "index_select": lambda t, y: y.index_select(1, t.tensor([0, 2])),
    "diff": lambda t, y: y.diff(dim=1), "to": lambda t, y: y.to(t.float32), "max": lambda t, y: y.max(1).values,
    "sort": lambda t, y: y.sort(1).values, "topk": lambda t, y: y.topk(2, 1).values, "frac": lambda t, y: y.frac(),
    "fmod": lambda t, y: y.fmod(0.7), "remainder": lambda t, y: y.remainder(0.7), "sign": lambda t, y: y.sign()}


@program
def updated_after_use_by_backward_that_does_not_read_it(t):
    gradients = {}
    for name, op in _PICKED_OR_LINEAR.items():
        x = X(t, A)
        y = x * 1
        z = op(t, y)
        with t.no_grad():
            y.mul_(2)
        weights = t.arange(z.numel(), dtype=z.dtype).reshape(z.shape)
        gradients[name] = t.autograd.grad((z * weights).sum(), x, allow_unused=True)[0]
    return gradients


@program
def cumsum_with_dtype(t):
    x = X(t, [0.5, 1.5, 2.0], rg=False).float().requires_grad_()
    y, z = x.cumsum(0, dtype=t.float64), t.cumsum(x, 0, dtype=t.float64)
    (g,) = t.autograd.grad((y * y).sum() + z.sum(), x)
    i = t.tensor([1, 2, 3])
    return {"y": y, "z": z, "g": g, "i": i.cumsum(0, dtype=t.float32)}


# -- kron's operands changed after use: its backward reads them as they are --------------------------

@program
def kron_operands_changed_after_use(t):
    # PyTorch's kron saves its operands as _unsafe_views (their memory, not their version
    # counter): its backward reads their values as they are then, its result stays as computed
    x, w = X(t, A), X(t, B)
    y = x * 1
    v = w * 2
    z = t.kron(y, v)
    with t.no_grad():
        y.add_(1)                           # a product, under no_grad
    leaf = X(t, V)
    zl = t.kron(leaf, X(t, V[:2], rg=False))
    with t.no_grad():
        leaf.mul_(2)                        # a leaf
    c = X(t, B, rg=False)
    zc = t.kron(c, x)
    c.mul_(3)                               # a constant
    r = y[0]
    zr = r.kron(w)
    y[1, 0] = 5.0                           # a view's base, with gradient mode on
    loss = (z * z).sum() + (zl ** 3).sum() + (zc * zc).sum() + (zr * zr).sum()
    gx, gw, gl = t.autograd.grad(loss, (x, w, leaf), create_graph=True)
    hx, hw = t.autograd.grad((gx * gw.sum()).sum() + (gw * gw).sum(), (x, w))
    d = X(t, V)
    zd = t.kron(d, d)
    d.data.mul_(-1)                         # through .data
    (gd,) = t.autograd.grad((zd * zd).sum(), d)
    e = X(t, V)
    ye = e.exp()
    ze = t.kron(ye, X(t, V[:2]))
    with t.no_grad():
        ye.mul_(2)                          # exp saved its result: PyTorch's error stands
    return {"z": z, "zl": zl, "zc": zc, "zr": zr, "g": [gx, gw, gl], "h": [hx, hw], "gd": gd,
            "e": errors(lambda: t.autograd.grad(ze.sum(), e))}


# -- out= on cat, stack and where; out= of another shape, resized --------------------------------------

@program
def out_on_joins(t):
    a, b = X(t, V, rg=False), X(t, [1.0, 2.0, 3.0, 4.0], rg=False)
    o = t.zeros(8, dtype=t.float64)
    returned = t.cat([a, b], out=o)
    o2 = t.zeros(2, 4, dtype=t.float64)
    t.stack((a, b), 0, out=o2)
    o3 = t.zeros(4, 2, dtype=t.float64)
    t.stack([a, b], dim=1, out=o3)
    o4 = t.zeros(4, dtype=t.float64)
    t.where(a > 0.5, a, b, out=o4)
    o5 = t.zeros(1, 8, dtype=t.float32)
    t.concat([a.reshape(1, 4), b.reshape(1, 4)], dim=-1, out=o5)
    return {"o": o, "is": returned is o, "o2": o2, "o3": o3, "o4": o4, "o5": o5, "version": o._version,
            "e": errors(lambda: t.cat([a, b], out=t.zeros(8, dtype=t.int64)),
                        lambda: t.stack([a, b], out=t.zeros(2, 4, dtype=t.int64)),
                        lambda: t.where(a > 0, a, b, out=t.zeros(4, dtype=t.float32)),
                        lambda: t.where(a > 0, a, 0.0, out=t.zeros(4, dtype=t.float64)),
                        lambda: t.cat([X(t, V), b], out=t.zeros(8, dtype=t.float64)),
                        lambda: t.stack([a, b], out=(t.zeros(2, 4, dtype=t.float64),)),
                        lambda: t.cat([a, b], out=a),
                        lambda: t.cat([a, t.zeros(2, 2, dtype=t.float64)], out=o),
                        lambda: t.einsum("i,i->", a, b, out=t.zeros((), dtype=t.float64)))}


@program
def out_of_another_shape_resized(t):
    x = X(t, V, rg=False)
    results = {}
    calls = [("exp", (3,), lambda o: t.exp(x, out=o)), ("add", (2, 2), lambda o: t.add(x, x, out=o)),
             ("sum", (4,), lambda o: t.sum(x, 0, out=o)), ("empty", (0,), lambda o: t.mul(x, 2, out=o)),
             ("scalar", (), lambda o: t.neg(x, out=o)), ("cat", (3, 3), lambda o: t.cat([x, x], out=o)),
             ("stack", (8,), lambda o: t.stack([x, x], out=o))]
    w = X(t, V[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # PyTorch's warning of a resize: test_tape_torch_adversary.py
        for name, shape, call in calls:
            o = t.zeros(shape, dtype=t.float64)
            returned = call(o)
            results[name] = [o, returned is o, o._version]
        with t.no_grad():
            t.exp(x, out=w)                 # a leaf that requires grad, under no_grad
    return {"r": results, "w": w}


# -- div with rounding_mode ---------------------------------------------------------------------------

@program
def div_rounding_modes(t):
    x = X(t, [5.0, -5.0, 3.5, -0.5, 0.0])
    y = X(t, [2.0, 3.0, -2.0, 0.0, -4.0])
    floor, trunc = t.div(x, y, rounding_mode="floor"), x.div(y, rounding_mode="trunc")
    by_number = x.div(2.0, rounding_mode="floor")
    number_first = t.div(7.0, y[:3], rounding_mode="trunc")
    gx, gy = t.autograd.grad((floor * x).sum() + trunc.sum() + (by_number * number_first.sum()).sum(),
                             (x, y), create_graph=True)
    z = x * 1
    z.div_(-2.0, rounding_mode="trunc")
    i, j = t.tensor([7, -7, 6, -1]), t.tensor([2, 2, -4, 3])
    f32 = t.tensor([7.0, -7.5], dtype=t.float32).div(2, rounding_mode="floor")
    return {"floor": floor, "trunc": trunc, "by_number": by_number, "number_first": number_first,
            "gx": gx, "gy": gy, "name": type(floor.grad_fn).__name__, "z": z, "z_name": type(z.grad_fn).__name__,
            "gz": t.autograd.grad(z.sum(), x)[0], "f32": f32,
            "ints": [t.div(i, j, rounding_mode="floor"), i.div(j, rounding_mode="trunc"), i.div(-3, rounding_mode="floor")],
            "e": errors(lambda: t.div(i, t.tensor([1, 0, 2, 3]), rounding_mode="floor"),
                        lambda: i.div(0, rounding_mode="trunc"),
                        lambda: t.tensor([True]).div(t.tensor([True]), rounding_mode="trunc"),
                        lambda: x.div(y, rounding_mode="round"))}


# -- calls NumPy would compute, or refuse in its own words, that PyTorch refuses --------------------------

@program
def refused_as_pytorch(t):
    m, v = X(t, A, rg=False), X(t, V, rg=False)
    f32 = t.tensor(V, dtype=t.float32)
    i, b = t.tensor([3, 0, -2]), t.tensor([True, False, True])
    refused = errors(
        lambda: t.outer(m, v), lambda: t.outer(v, m), lambda: t.lerp(v, f32, 0.5), lambda: v.lerp(v, f32),
        lambda: i.var(), lambda: b.std(0), lambda: t.var_mean(i), lambda: t.std_mean(b), lambda: i.norm(),
        lambda: i.norm(dim=0), lambda: i.frac(), lambda: abs(b), lambda: b.abs(), lambda: b.relu(),
        lambda: t.logcumsumexp(i, 0), lambda: b.argmax(), lambda: b.argmin(0), lambda: b.topk(1),
        lambda: t.hypot(i, i), lambda: t.hypot(v, 2), lambda: b.trunc(), lambda: b.fmod(b), lambda: t.lerp(i, i, 1),
        lambda: i.remainder(0), lambda: i.fmod(i), lambda: i % 0, lambda: 5 % i, lambda: i // 0, lambda: 5 // i,
        lambda: b // b, lambda: t.roll(m, (1, 2), (0,)), lambda: t.roll(m, 1, (0, 1)),
        lambda: t.einsum("i,i->", v, f32), lambda: t.einsum("i,i->", v, i.double()[:2]),
        lambda: t.einsum("ij,jk->ik", m, v), lambda: t.einsum("i,i->", v), lambda: t.einsum("i->", v, v),
        lambda: t.add(v, v, alpha=True), lambda: t.sub(i, i, alpha=0.5), lambda: i.clone().add_(i, alpha=1.5),
        lambda: v.clone().sub_(v, alpha=False), lambda: v.index_add(0, t.tensor([0]), f32[:1]),
        lambda: t.trace(v), lambda: X(t, [[[1.0]]], rg=False).trace(), lambda: m.gather(1, t.tensor([[0], [5]])),
        lambda: m.gather(-1, t.tensor([[0], [-1]])), lambda: m.flip(0, -2), lambda: t.flip(m, (1, 1, 0)),
        lambda: v.expand(2, 3), lambda: m.reshape(2, 3, 1).expand(2, 3, 4, 2),
        lambda: t.cat([v, X(t, 1.0, rg=False)]), lambda: v.masked_fill(v > 0, v),
        lambda: m.clone().copy_(v), lambda: v.clone().copy_(m), lambda: t.index_select(m, 0, v),
        lambda: m.scatter_add(1, t.tensor([[0], [1]]), t.ones(2, 1, dtype=t.float32)),
        lambda: v.masked_fill(v, 0.0), lambda: t.flatten(m.reshape(1, 2, 3), 2, 0))
    computed = [t.hypot(v, i.double()[:1]), abs(i), i.abs(), i.trunc(), v.frac(), i.relu(),
                t.roll(m, (1, 2), (0, 1)), t.roll(m, 1, 0), t.einsum("i...,j->ij", v, v[:2]),
                t.einsum(" i , i -> ", v, v), t.add(v, v, alpha=2), t.add(i, i, alpha=2), t.add(b, b, alpha=True),
                v.clone().copy_(v[:1]), m.clone().copy_(v[:3]), v.expand(2, -1), t.outer(v, v[:2]),
                t.trace(m[:, :2]), m.flip(0, 1), i % 2, i // 2, i.fmod(2), i.argmax(), t.lerp(v, v * 2, 0.5)]
    return {"refused": refused, "computed": computed}


@program
def refused_as_pytorch_in_place_and_products(t):
    v = X(t, [1.5, -2.0, 0.5], rg=False)
    i, b = t.tensor([3, 0, -2]), t.tensor([True, False, True])

    def modulo_in_place():
        x = i.clone()
        x %= 0

    def floor_divided_in_place():
        x = i.clone()
        x //= 0

    refused = errors(
        lambda: i.clone().frac_(), lambda: b.clone().abs_(), lambda: i.clone().fmod_(0), lambda: i.clone().remainder_(0),
        modulo_in_place, floor_divided_in_place, lambda: b.clone().trunc_(),
        lambda: b.clone().relu_(), lambda: i.clone().hypot_(i), lambda: v.clone().lerp_(v.float(), 0.5),
        lambda: i.clone().div_(0, rounding_mode="floor"), lambda: t.sub(v, b), lambda: i.clone().sub_(b),
        lambda: t.addcdiv(i, i, i), lambda: t.addcdiv(v, i, i), lambda: t.addcmul(b, b, b),
        lambda: t.logaddexp(i, i), lambda: t.logaddexp(b, b), lambda: t.cross(i, v, dim=0),
        lambda: t.cross(v, v.float(), dim=0), lambda: b @ b, lambda: i @ v, lambda: v @ v.float(),
        lambda: t.matmul(v, i), lambda: b.reshape(1, 3) @ b.reshape(3, 1))
    computed = [t.addcdiv(v, v, i), t.addcmul(v, b, b), t.logaddexp(v, i), i @ i, v @ v, t.cross(v, v * 2, dim=0),
                t.sub(i, i), i.clone().sub_(i), b.sigmoid().float()]
    return {"refused": refused, "computed": computed}


def _node(v):
    """A tensor's grad_fn as text, without its address."""
    return re.sub(r" object at 0x[0-9a-fA-F]+", "", repr(v.grad_fn))


# -- clamp's bounds: both tensors or both numbers (PyTorch's two overloads) ---------------------------

@program
def clamp_bounds_tensor_with_number(t):
    """A tensor bound with a number bound matches neither of PyTorch's overloads: its
    TypeError, for the methods, their in-place forms and the module-level functions,
    positional or keyword; a 0-d tensor that does not require grad is a number."""
    x = X(t, V)
    k = X(t, [0.2, -0.5, 0.4, 1.0], rg=False)
    z = t.tensor(0.3, dtype=t.float64)
    zg = t.tensor(0.3, dtype=t.float64, requires_grad=True)
    refused = errors(
        lambda: x.clamp(k, 0.9), lambda: x.clamp(0.1, k), lambda: x.clamp(min=k, max=0.9),
        lambda: x.clamp(max=0.9, min=k), lambda: x.clamp(k, max=0.9), lambda: x.clip(1, k),
        lambda: x.clamp(k, True), lambda: x.clamp(k, np.float64(0.5)), lambda: x.clamp(zg, 0.9),
        lambda: (x * 1).clamp_(k, 0.9), lambda: (x * 1).clip_(min=k, max=0.9),
        lambda: t.clamp(x, k, 0.9), lambda: t.clamp(x, min=0.1, max=k), lambda: t.clip(x, k, 0.9),
        lambda: t.clamp(x, k, max=1), lambda: t.clamp(x, k, 0.9, out=t.empty(4, dtype=t.float64)))
    y = x.clamp(z, 0.9) + x.clamp(k, None) * 2 + x.clamp(None, 0.5) * 3 + x.clamp(z, k) * 4 + t.clamp(x, 0.2, z) * 5
    w = x * 1
    w.clip_(min=z, max=0.7)
    (gx,) = t.autograd.grad((y * y).sum() + w.sum(), x)
    i = t.tensor([0, 1, 5])
    return {"refused": refused, "y": y, "gx": gx, "names": [_node(v) for v in (
                x.clamp(z, 0.9), x.clamp(k, None), x.clamp(None, 0.5), x.clamp(z, k), w)],
            "int": [i.clamp(t.tensor(2), 3), i.clamp(None, t.tensor([1, 1, 1]))]}


# -- bitwise operators: PyTorch's dtypes, in-place updates -------------------------------------------

_BITWISE = ("&", "|", "^", "<<", ">>")


def _bitwise_operands(t):
    return [("bool", t.tensor([True, False, True]), t.tensor([True, True, False])),
            ("int", t.tensor([1, 2, 12]), t.tensor([3, 1, 2])), ("int_number", t.tensor([1, -8, 12]), 1),
            ("bool_number", t.tensor([True, False, True]), True), ("int_bool", t.tensor([1, 2, 12]), t.tensor([True, False, True])),
            ("bool_int", t.tensor([True, False, True]), t.tensor([3, 0, 2])),
            ("int8_int64", t.tensor([3, 2, -7], dtype=t.int8), t.tensor([1, 7, 2])),
            ("int8_number", t.tensor([3, 2, -7], dtype=t.int8), 300), ("uint8_0d", t.tensor([3, 200, 9], dtype=t.uint8), t.tensor(2)),
            ("float", X(t, [1.0, 2.0, 3.0], rg=False), t.tensor([1, 1, 1])),
            ("int_float", t.tensor([1, 2, 3]), X(t, [1.0, 1.0, 1.0], rg=False)),
            ("int_shift_far", t.tensor([1, -8, 5]), t.tensor([0, 70, -2]))]


@program
def bitwise_operators_out_of_place(t):
    """``a op b`` and ``b op a`` (a number first: the reflected operator) for each pair of
    operands: values and dtypes, or PyTorch's error for a floating (or a bool shift) result."""
    out = {}
    for kind, a, b in _bitwise_operands(t):
        for op in _BITWISE:
            for left, right, name in ((a, b, f"a {op} b"), (b, a, f"b {op} a")):
                try:
                    out[f"{kind}: {name}"] = eval(f"left {op} right")
                except Exception as e:          # the error is the result
                    out[f"{kind}: {name}"] = f"{type(e).__name__}: {e}"
    out["invert"] = errors(lambda: ~X(t, [1.0], rg=False))
    out["inverted"] = [~t.tensor([True, False]), ~t.tensor([3, -1]), ~t.tensor([3], dtype=t.uint8)]
    return out


@program
def bitwise_operators_in_place(t):
    """``a op= b`` updates ``a`` in place (the same tensor, one version bump; a view writes
    into its base, a detached alias sees it), or raises PyTorch's error: a result ``a``'s
    dtype cannot hold, a floating result, a leaf that requires grad."""
    out = {}
    for kind, a0, b in _bitwise_operands(t):
        for op in _BITWISE:
            a = a0.clone()
            before, alias = a._version, a.detach()
            try:
                ns = {"a": a, "b": b}
                exec(f"a {op}= b", {}, ns)
                out[f"{kind}: {op}="] = [ns["a"] is a, a._version - before, a, alias]
            except Exception as e:          # the error is the result
                out[f"{kind}: {op}="] = [f"{type(e).__name__}: {e}", a._version - before, a]
    base = t.tensor([1, 2, 3, 4])
    v = base[1:]
    v |= 8
    leaf = X(t, [1.0, 2.0])
    y = leaf * 2

    def leaf_and():
        nonlocal leaf
        leaf &= 1

    def nonleaf_or():
        nonlocal y
        y |= 1

    def under_no_grad():
        nonlocal leaf
        with t.no_grad():
            leaf ^= 1

    out["views"] = [base, v, base._version, v._version]
    out["refused"] = errors(leaf_and, nonleaf_or, under_no_grad)
    out["versions"] = [leaf._version, y._version]
    return out


# -- a namedtuple (or another tuple subclass) as an operand or an index -------------------------------

@program
def namedtuple_operands_and_indices(t):
    """PyTorch's operators leave a namedtuple operand to Python (its TypeError, ``==``
    False, ``*`` the tuple's repetition); as an index it is the tuple of its items."""
    import collections
    Pair = collections.namedtuple("Pair", "a b")

    class Row(tuple):
        pass

    x = X(t, V[:2])
    m = X(t, A)

    def in_place_add():
        w = x * 1
        w += Pair(1.0, 2.0)

    refused = errors(lambda: x + Pair(1.0, 2.0), lambda: Pair(1.0, 2.0) + x, lambda: x - Row((1.0, 2.0)),
                     lambda: x * Row((1.0, 2.0)), lambda: x / Pair(1.0, 2.0), lambda: x ** Pair(1.0, 2.0),
                     lambda: x @ Pair(1.0, 2.0), lambda: x < Pair(1.0, 2.0), lambda: x & Pair(1, 2),
                     lambda: t.tensor([1, 2]) << Pair(1, 2), in_place_add, lambda: x.add(Pair(1.0, 2.0)),
                     lambda: t.maximum(x, Pair(1.0, 2.0)), lambda: x[Pair(0, 1)], lambda: t.tensor(1.0)[0],
                     lambda: t.tensor(1.0)[(0,)], lambda: m[0, 0, 0])
    picked = [m[Pair(0, 1)], m[Row((0, 1))], m[Pair(slice(None), 1)], m[Pair([0, 1], [1, 2])],
              m.view(Pair(3, 2)), m.permute(Pair(1, 0)), m.sum(Pair(0, 1))]
    w = m * 1
    w[Pair(0, 1)] = 5.0
    (g,) = t.autograd.grad(sum(p.sum() for p in picked) + w.sum(), m)
    return {"refused": refused, "equal": x == Pair(1.0, 2.0), "picked": picked, "w": w, "g": g,
            "names": [_node(p) for p in picked]}


# -- a float32 tensor with a 0-d float64 one: float32, as PyTorch promotes ---------------------------

@program
def float32_with_0d_float64_in_functions(t):
    """A 0-d tensor does not widen a tensor with dimensions of its category: operators and
    maximum, minimum, where, atan2, hypot, fmod, copysign keep float32; the 0-d operand's
    gradient is float64."""
    out = {}
    for name, f in {"mul": lambda x, z: x * z, "rsub": lambda x, z: z - x, "maximum": lambda x, z: t.maximum(x, z),
                    "minimum": lambda x, z: t.minimum(z, x), "where": lambda x, z: t.where(x > 0.5, x, z),
                    "atan2": lambda x, z: t.atan2(x, z), "hypot": lambda x, z: t.hypot(x, z),
                    "fmod": lambda x, z: x.fmod(z), "copysign": lambda x, z: x.copysign(z)}.items():
        x = t.tensor([0.3, 0.7], dtype=t.float32, requires_grad=True)
        z = t.tensor(0.5, dtype=t.float64, requires_grad=True)
        y = f(x, z)
        gx, gz = t.autograd.grad((y * y).sum(), (x, z))
        # gz is float64 from float32 values (rounded in other orders): compared as float32
        out[name] = [y, _node(y), gx, gz.float(), str(gz.dtype).split(".")[-1]]
    return out
