"""Small programs that exercise the tape front end's PyTorch semantics (in-place
updates and versions, retain_grad/detach/.data, Size, grad_fn names, conversions,
grad()/backward() details, conventions at non-differentiable points, bad input).

Each program takes ``T`` (the module: ``torch`` or ``astgrad``) and ``t`` (makes a
float64 tensor: ``t(data, rg=False)``) and returns values, or raises. record_semantics.py
runs them under PyTorch and stores the results in semantics_golden.json; the test
runs them under astgrad and compares.
"""

import math
import re

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def fnrepr(fn):
    """A grad_fn (or None) as text, without its address."""
    return None if fn is None else re.sub(r" object at 0x[0-9a-fA-F]+", "", repr(fn))


def nexts(fn):
    return [(fnrepr(f), i) for f, i in fn.next_functions]


# -- Size ------------------------------------------------------------------------------------
@program
def size_str(T, t):
    x = t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return str(x.shape), repr(x.size()), str(t(1.0).shape)

@program
def size_is_tuple(T, t):
    x = t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return isinstance(x.shape, tuple), x.shape == (2, 3), x.size() == x.shape, list(x.shape), x.shape[1]

@program
def size_dim(T, t):
    x = t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return x.size(1), x.size(-1), x.size(dim=0), x.numel(), x.dim(), x.ndim

@program
def size_dim_out_of_range(T, t):
    return t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).size(5)

@program
def size_constructor(T, t):
    s = T.Size([2, 3])
    return str(s), s == (2, 3), s.numel(), str(s[1:]), type(s[1:]).__name__

@program
def size_of_result(T, t):
    x = t([1.0, 2.0], rg=True)
    return str((x * 2).shape), str(x.sum().shape), str(x.grad_fn)

# -- in-place on leaves ------------------------------------------------------------------------
def _leaf_inplace(op):
    def run(T, t):
        x = t([1.0, 2.0, 3.0], rg=True)
        op(x, T, t)
        return x
    return run

for _name, _op in {
    "add_": lambda x, T, t: x.add_(1.0), "sub_": lambda x, T, t: x.sub_(1.0),
    "mul_": lambda x, T, t: x.mul_(2.0), "div_": lambda x, T, t: x.div_(2.0),
    "zero_": lambda x, T, t: x.zero_(), "fill_": lambda x, T, t: x.fill_(1.0),
    "clamp_": lambda x, T, t: x.clamp_(0.0, 1.0), "copy_": lambda x, T, t: x.copy_(t([0.0, 0.0, 0.0])),
    "iadd": lambda x, T, t: x.__iadd__(1.0), "imul": lambda x, T, t: x.__imul__(2.0),
}.items():
    PROGRAMS["leaf_" + _name.strip("_")] = _leaf_inplace(_op)

@program
def leaf_inplace_no_grad(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    with T.no_grad():
        x.add_(1.0).mul_(2.0)
        x -= 1.0
    return x, x.is_leaf, x.requires_grad, x.grad_fn is None, x._version

@program
def leaf_setitem(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    x[0] = 5.0
    return x

@program
def inplace_returns_self(T, t):
    x = t([1.0, 2.0, 3.0])
    y = x.add_(1.0)
    return y is x, x, x._version

@program
def inplace_alpha(T, t):
    x = t([1.0, 2.0, 3.0])
    x.add_(t([1.0, 1.0, 1.0]), alpha=2.0).sub_(t([1.0, 0.0, 0.0]), alpha=3.0)
    return x

@program
def inplace_clamp_values(T, t):
    x = t([-1.0, 0.5, 2.0])
    y = t([-1.0, 0.5, 2.0])
    z = t([-1.0, 0.5, 2.0])
    return x.clamp_(min=0.0), y.clamp_(max=1.0), z.clamp_(0.0, 1.0)

@program
def inplace_fill_zero_values(T, t):
    x = t([[1.0, 2.0], [3.0, 4.0]])
    y = t([1.0, 2.0])
    return x.fill_(7.0), y.zero_(), x._version, y._version

@program
def inplace_copy_broadcast(T, t):
    x = t([[1.0, 2.0], [3.0, 4.0]])
    return x.copy_(t([5.0, 6.0]))

@program
def inplace_int_float(T, t):
    x = T.tensor([1, 2, 3])
    x.add_(1.5)
    return x

@program
def inplace_broadcast_shape(T, t):
    x = t([1.0, 2.0, 3.0])
    x.add_(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]))
    return x

@program
def inplace_shape_mismatch(T, t):
    x = t([1.0, 2.0, 3.0])
    x.mul_(t([1.0, 2.0]))
    return x

# -- in-place on non-leaves ------------------------------------------------------------------
@program
def nonleaf_add_(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    y.add_(1.0)
    y.sum().backward()
    return y, x.grad, fnrepr(y.grad_fn), y.is_leaf, y._version

@program
def nonleaf_mul_(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x + 1
    y.mul_(3.0)
    y.sum().backward()
    return y, x.grad, fnrepr(y.grad_fn)

@program
def nonleaf_mul_tensor_(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    w = t([2.0, 3.0, 4.0], rg=True)
    y = x + 1
    y.mul_(w)
    y.sum().backward()
    return y, x.grad, w.grad

@program
def nonleaf_div_sub_(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x + 0
    y.div_(2.0).sub_(x)
    (y * y).sum().backward()
    return y, x.grad

@program
def nonleaf_iadd(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * x
    y += x
    y.sum().backward()
    return y, x.grad, fnrepr(y.grad_fn)

@program
def nonleaf_zero_(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    y.zero_()
    z = (y + x).sum()
    z.backward()
    return y, x.grad, fnrepr(y.grad_fn)

@program
def nonleaf_fill_(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    y.fill_(4.0)
    (y * x).sum().backward()
    return y, x.grad, fnrepr(y.grad_fn)

@program
def nonleaf_clamp_(T, t):
    x = t([-1.0, 0.5, 2.0], rg=True)
    y = x * 1
    y.clamp_(0.0, 1.0)
    y.sum().backward()
    return y, x.grad, fnrepr(y.grad_fn)

@program
def nonleaf_copy_(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    w = t([5.0, 6.0, 7.0], rg=True)
    y.copy_(w * 3)
    y.sum().backward()
    return y, x.grad, w.grad, fnrepr(y.grad_fn)

@program
def constant_becomes_nonleaf(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    a = t([0.0, 0.0, 0.0])
    a.add_(x * x)
    a.sum().backward()
    return a, a.requires_grad, a.is_leaf, fnrepr(a.grad_fn), x.grad

@program
def copy_into_constant(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    a = t([0.0, 0.0, 0.0])
    a.copy_(x)
    (a * a).sum().backward()
    return a, fnrepr(a.grad_fn), x.grad

@program
def nonleaf_setitem(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    y[0] = 10.0
    (y * y).sum().backward()
    return y, x.grad

@program
def nonleaf_setitem_tensor(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    w = t(4.0, rg=True)
    y = x * 2
    y[1] = w * w
    y.sum().backward()
    return y, x.grad, w.grad

@program
def saved_output_modified(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x.exp()
    y.add_(1.0)
    y.sum().backward()
    return x.grad

@program
def saved_input_modified(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    z = y * y
    y.add_(1.0)
    z.sum().backward()
    return x.grad

@program
def saved_input_modified_grad(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    z = y.sin()
    y.mul_(2.0)
    return T.autograd.grad(z.sum(), x)

@program
def unsaved_input_modified_add(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    z = y + 1
    y.mul_(2.0)
    z.sum().backward()
    return z, x.grad

@program
def unsaved_input_modified_scale(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    z = y * 3.0
    y.add_(1.0)
    z.sum().backward()
    return z, x.grad

@program
def saved_leaf_modified_no_grad(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    z = x * x
    with T.no_grad():
        x.mul_(2.0)
    z.sum().backward()
    return x.grad

@program
def saved_leaf_modified_through_detach(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    z = (x * x).sum()
    x.detach().add_(1.0)
    z.backward()
    return x.grad

@program
def modified_through_data(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    z = (x * x).sum()
    x.data.mul_(2.0)
    z.backward()
    return x, x.grad, x._version

@program
def version_counter(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    v0 = y._version
    y.add_(1.0)
    y.mul_(2.0)
    d = y.detach()
    d.zero_()
    return v0, y._version, d._version, y

@program
def constant_written_through_detach_after_use(T, t):
    """x + c recorded, then c changed through its detach(): the first gradient (which
    computes the forward again) uses c as x + c did."""
    x = t([0.5, 1.0], rg=True)
    c = t([1.0, 2.0])
    p = x + c
    c.detach().mul_(1.5)
    q = (p + c) * x.tanh()
    return T.autograd.grad(q.sum(), x), p, c

@program
def constant_written_through_data_after_use(T, t):
    x = t([0.5, 1.0], rg=True)
    c = t([1.0, 2.0])
    p = x + c
    c.data.add_(1.0)
    return T.autograd.grad(((p + c) * x.sin()).sum(), x), c

@program
def detach_nested_view_sees_leaf_update(T, t):
    """d[0][0] is an element of its own array: an update of x makes it again, as the
    view of a view of x's detach()."""
    x = t([[1.0, 2.0], [3.0, 4.0]], rg=True)
    d = x.detach()
    e = d[0][0]
    with T.no_grad():
        x.mul_(3)
    return e, d[0]

@program
def data_nested_view_sees_leaf_update(T, t):
    x = t([[1.0, 2.0], [3.0, 4.0]], rg=True)
    e = x.data[1][0]
    with T.no_grad():
        x.add_(x)
    return e

@program
def zero_under_no_grad_keeps_grad_fn(T, t):
    """An update under no_grad leaves the grad_fn's name as it was (here Sin, the
    saved tensor's producer, which the error names)."""
    x = t([0.5, 1.0], rg=True)
    y = x.sin()
    z = y.sin()
    with T.no_grad():
        y.zero_()
    name = fnrepr(y.grad_fn)
    try:
        z.sum().backward()
    except RuntimeError as error:
        return name, str(error)

# -- retain_grad, requires_grad_, detach, .data --------------------------------------------------
@program
def retain_grad_nonleaf(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    return y.grad, y.retains_grad, x.retains_grad, x.grad

@program
def nonleaf_grad_is_none(T, t):
    import warnings
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 2
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return y.grad, y.retains_grad

@program
def retain_grad_twice_accumulates(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 3
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    y.sum().backward(retain_graph=True)
    return y.grad, x.grad

@program
def retain_grad_held_keeps_its_values(T, t):
    """A retained non-leaf's .grad is replaced by the sum at the next backward (PyTorch's
    retain_grad hook adds out of place): a .grad held from the first keeps its values."""
    x = t([0.7, 1.3, 0.9], rg=True)
    y = x * x
    y.retain_grad()
    z = (y * y).sum()
    z.backward(retain_graph=True)
    first = y.grad
    z.backward()
    return first, y.grad, first is y.grad

@program
def backward_inputs_nonleaf_held_keeps_its_values(T, t):
    x = t([0.7, 1.3, 0.9], rg=True)
    y = x * x
    z = (y * y).sum()
    z.backward(inputs=[y], retain_graph=True)
    first = y.grad
    z.backward(inputs=[y])
    return first, y.grad, first is y.grad, x.grad

@program
def retain_grad_create_graph_twice(T, t):
    x = t([0.7, 1.3, 0.9], rg=True)
    y = x * x
    y.retain_grad()
    z = (y * y).sum()
    z.backward(create_graph=True)
    first = y.grad
    z.backward(create_graph=True)
    (h,) = T.autograd.grad(y.grad.sum(), x)
    return first, y.grad, first is y.grad, h

@program
def retain_grad_filled_by_grad(T, t):
    """autograd.grad runs the retain_grad hook of a tensor it passes through, or stops at."""
    x = t([1.0, 2.0], rg=True)
    y = x * 2
    y.retain_grad()
    T.autograd.grad((y * y).sum(), x)
    through = y.grad
    (g,) = T.autograd.grad((y * y).sum(), y, create_graph=True)
    return through, y.grad, g, g is y.grad

@program
def retain_grad_called_twice(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 2
    y.retain_grad()
    y.retain_grad()
    (y * y).sum().backward()
    return y.grad, y.retains_grad

@program
def retain_grad_off_the_path(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 2
    y.retain_grad()
    w = t([1.0, 1.0], rg=True)
    T.autograd.grad((y * y * w).sum(), w)
    return y.grad

@program
def retain_grad_backward_inputs(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 2
    y.retain_grad()
    w = t([1.0, 1.0], rg=True)
    (y * y * w).sum().backward(inputs=[x], retain_graph=True)
    upstream = y.grad
    (y * y * w).sum().backward(inputs=[y])
    return upstream, y.grad, x.grad, w.grad

@program
def leaf_grad_held_sees_the_sum(T, t):
    x = t([0.7, 1.3, 0.9], rg=True)
    z = (x * x).sum()
    z.backward(retain_graph=True)
    first = x.grad
    z.backward()
    return first, first is x.grad

@program
def backward_create_graph_twice_replaces_grad(T, t):
    """Under create_graph the sum is a new tensor with history; differentiating it again
    sees both backward passes."""
    x = t([0.7, 1.3, 0.9], rg=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    first = x.grad
    y.backward(create_graph=True)
    (h,) = T.autograd.grad((x.grad * x.grad).sum(), x)
    return first, x.grad, first is x.grad, x.grad.is_leaf, h

@program
def backward_of_create_graph_grad_accumulates(T, t):
    x = t([0.7, 1.3, 0.9], rg=True)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    g.sum().backward()
    return g, x.grad, g is x.grad

@program
def retain_grad_leaf(T, t):
    x = t([1.0, 2.0], rg=True)
    x.retain_grad()
    (x * x).sum().backward()
    return x.grad, x.retains_grad

@program
def retain_grad_no_grad_tensor(T, t):
    x = t([1.0, 2.0])
    x.retain_grad()
    return x

@program
def requires_grad_method(T, t):
    x = t([1.0, 2.0])
    y = x.requires_grad_()
    return y is x, x.requires_grad, x.is_leaf, x.requires_grad_(False).requires_grad

@program
def requires_grad_nonleaf_false(T, t):
    x = t([1.0, 2.0], rg=True)
    (x * 2).requires_grad_(False)

@program
def requires_grad_int(T, t):
    T.tensor([1, 2]).requires_grad_()

@program
def requires_grad_int_constructor(T, t):
    T.tensor([1, 2], requires_grad=True)

@program
def detach_shares_storage(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    d = x.detach()
    d[0] = 10.0
    return x, d, d.requires_grad, d.is_leaf, d.grad_fn is None

@program
def detach_nonleaf(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 2
    d = y.detach()
    d.add_(1.0)
    return y, d, d.is_leaf, y._version

@program
def data_is_tensor(T, t):
    x = t([1.0, 2.0], rg=True)
    d = x.data
    return type(d).__name__, d.requires_grad, d.is_leaf, d.grad_fn is None, d

@program
def data_shares_storage(T, t):
    x = t([1.0, 2.0], rg=True)
    x.data.add_(1.0)
    x.data[1] = 7.0
    return x, x._version, x.requires_grad

@program
def data_assign(T, t):
    x = t([1.0, 2.0], rg=True)
    x.data = t([3.0, 4.0, 5.0])
    (x * x).sum().backward()
    return x, x.grad, x.requires_grad

@program
def data_of_nonleaf(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 3
    return y.data, y.data.requires_grad

@program
def grad_is_plain_leaf(T, t):
    x = t([1.0, 2.0], rg=True)
    (x * x).sum().backward()
    return x.grad.requires_grad, x.grad.is_leaf, x.grad.grad_fn is None

@program
def is_leaf_cases(T, t):
    a = t([1.0], rg=True)
    b = t([1.0])
    c = a * 2
    d = b * 2
    with T.no_grad():
        e = a * 2
    return a.is_leaf, b.is_leaf, c.is_leaf, d.is_leaf, e.is_leaf, e.requires_grad

# -- grad_fn -------------------------------------------------------------------------------------
@program
def grad_fn_names_arith(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([3.0, 4.0], rg=True)
    return [f.grad_fn.name() for f in (x + y, x - y, x * y, x / y, x ** 2, x ** y, -x, x + 1, x * 2,
                                        1 - x, 2 / x, 2 ** x)]

@program
def grad_fn_names_functions(T, t):
    x = t([1.0, 2.0], rg=True)
    return [f.grad_fn.name() for f in (x.exp(), x.log(), x.sin(), x.cos(), x.tanh(), x.sqrt(),
                                        x.abs(), x.sum(), x.mean(), x.sum(0), x.sum(dim=0))]

@program
def grad_fn_names_shapes(T, t):
    x = t([[1.0, 2.0], [3.0, 4.0]], rg=True)
    v = t([1.0, 2.0], rg=True)
    return [f.grad_fn.name() for f in (x @ x, x @ v, v @ v, x[0], x[0:1], x[:, 0], x.T,
                                        x.reshape(4), x.t())]

@program
def grad_fn_repr(T, t):
    x = t([1.0, 2.0], rg=True)
    y = (x * 2).sin()
    return fnrepr(y.grad_fn), repr(y).split("grad_fn=")[1], type(y.grad_fn).__name__

@program
def next_functions_chain(T, t):
    x = t([1.0, 2.0], rg=True)
    w = t([1.0, 2.0])
    y = (x * w).sin()
    return nexts(y.grad_fn), nexts(y.grad_fn.next_functions[0][0])

@program
def next_functions_two_leaves(T, t):
    x = t([1.0, 2.0], rg=True)
    w = t([3.0, 4.0], rg=True)
    y = x * w + x
    return nexts(y.grad_fn), nexts(y.grad_fn.next_functions[0][0])

@program
def accumulate_grad(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * x
    acc = y.grad_fn.next_functions[0][0]
    return acc.name(), acc.variable is x, acc.next_functions, fnrepr(acc)

@program
def leaf_grad_fn_none(T, t):
    x = t([1.0, 2.0], rg=True)
    return x.grad_fn, t([1.0]).grad_fn

# -- conversions ---------------------------------------------------------------------------------
@program
def numpy_requires_grad(T, t):
    t([1.0, 2.0], rg=True).numpy()

@program
def numpy_nonleaf(T, t):
    (t([1.0, 2.0], rg=True) * 2).numpy()

@program
def numpy_detached(T, t):
    x = t([1.0, 2.0], rg=True)
    a = x.detach().numpy()
    a[0] = 5.0
    return type(a).__name__, x

@program
def numpy_no_grad_tensor(T, t):
    x = t([1.0, 2.0])
    a = x.numpy()
    a[1] = 9.0
    return x, str(a.dtype)

@program
def numpy_under_no_grad(T, t):
    x = t([1.0, 2.0], rg=True)
    with T.no_grad():
        x.numpy()

@program
def item_many(T, t):
    t([1.0, 2.0, 3.0]).item()

@program
def item_empty(T, t):
    t([]).item()

@program
def item_ok(T, t):
    x = t([2.5], rg=True)
    return x.item(), type(x.item()).__name__, T.tensor(3).item(), type(T.tensor(3).item()).__name__

@program
def bool_many(T, t):
    bool(t([1.0, 2.0]))

@program
def bool_empty(T, t):
    bool(t([]))

@program
def bool_ok(T, t):
    return bool(t([0.0])), bool(t(2.0)), bool(t([1.0]) > 0)

@program
def if_on_tensor(T, t):
    x = t([1.0, 2.0])
    if x > 1:
        return 1
    return 0

@program
def int_many(T, t):
    int(t([1.0, 2.0]))

@program
def float_many(T, t):
    float(t([1.0, 2.0]))

@program
def float_plain(T, t):
    return float(t([2.5])), int(t(3.7)), int(t(-3.7))

@program
def tolist_values(T, t):
    x = t([[1.0, 2.0]], rg=True)
    return x.tolist(), t(3.0).tolist()

# -- grad() ------------------------------------------------------------------------------------
@program
def grad_unused(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), (x, y))

@program
def grad_unused_first(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), (y, x))

@program
def grad_allow_unused(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), (x, y), allow_unused=True)

@program
def grad_materialize(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([1.0, 2.0], rg=True)
    g = T.autograd.grad((x * x).sum(), (x, y), materialize_grads=True)
    return g, g[1].requires_grad

@program
def grad_materialize_create_graph(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([1.0, 2.0], rg=True)
    g = T.autograd.grad((x * x).sum(), (x, y), materialize_grads=True, create_graph=True)
    return g, g[0].requires_grad, g[1].requires_grad

@program
def grad_materialize_allow_unused_false(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), x, materialize_grads=True, allow_unused=False)

@program
def grad_empty_inputs(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), [])

@program
def grad_outputs_shape(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    return T.autograd.grad(x * 2, x, grad_outputs=t([1.0, 1.0]))

@program
def grad_outputs_shape_2d(T, t):
    x = t([[1.0, 2.0, 3.0]], rg=True)
    return T.autograd.grad(x * 2, x, grad_outputs=t([[1.0], [1.0]]))

@program
def grad_outputs_longer(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), x, grad_outputs=[t(1.0), t(2.0)])

@program
def grad_outputs_shorter(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad([(x * x).sum(), x.sum()], x, grad_outputs=[t(1.0)])

@program
def grad_outputs_none_entry(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad([(x * x).sum(), x * 3], x, grad_outputs=[None, t([1.0, 2.0])])

@program
def grad_nonscalar_no_seed(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad(x * 2, x)

@program
def grad_output_no_grad(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad(t(1.0), x)

@program
def grad_input_no_grad(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([1.0, 2.0])
    return T.autograd.grad((x * y).sum(), y)

@program
def grad_batched(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * x
    eye = t([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    return T.autograd.grad(y, x, grad_outputs=eye, is_grads_batched=True)

@program
def grad_batched_two_inputs(T, t):
    x = t([1.0, 2.0], rg=True)
    w = t([3.0, 4.0], rg=True)
    y = x * w
    seeds = t([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    return T.autograd.grad(y, (x, w), grad_outputs=seeds, is_grads_batched=True)

@program
def grad_batched_scalar(T, t):
    x = t([1.0, 2.0], rg=True)
    y = (x * x).sum()
    return T.autograd.grad(y, x, grad_outputs=t([1.0, 2.0, 3.0]), is_grads_batched=True)

@program
def grad_batched_create_graph(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x ** 3
    eye = t([[1.0, 0.0], [0.0, 1.0]])
    (j,) = T.autograd.grad(y, x, grad_outputs=eye, is_grads_batched=True, create_graph=True)
    return j, j.requires_grad, T.autograd.grad(j.sum(), x)

def _third_order(f):
    """The first three derivatives of f at x, each contracted with a weight and
    differentiated again (the first two with create_graph=True)."""
    def run(T, t):
        x = t([0.7, 1.3, 0.9], rg=True)
        w = t([1.0, -2.0, 0.5])
        out = (f(x) * t([1.0, 2.0, 3.0])).sum() if f(x).dim() else f(x)
        found = []
        for order in range(3):
            (g,) = T.autograd.grad(out, x, create_graph=order < 2)
            found.append(g)
            out = (g * w).sum()
        return found
    return run


# derivative rules that call runtime helpers by attribute: each order is recorded again
for _name, _f in [("self_power", lambda x: x.pow(x)), ("norm", lambda x: x.norm())]:
    PROGRAMS[f"third_order_{_name}"] = _third_order(_f)

@program
def grad_of_gradient_that_is_a_leaf_function(T, t):
    """d(x * w)/dx is w: its gradient by x is unused, by w is ones."""
    x = t([0.7, 1.3, 0.9], rg=True)
    w = t([2.0, 3.0, 4.0], rg=True)
    gx, gw = T.autograd.grad((x * w).sum(), (x, w), create_graph=True)
    by_x = T.autograd.grad(gx.sum(), x, allow_unused=True, retain_graph=True)
    by_both = T.autograd.grad(gx.sum(), (x, w), allow_unused=True, materialize_grads=True)
    return gx, gw, by_x, by_both

@program
def grad_outputs_with_history(T, t):
    """A seed that requires grad: the gradient depends on it, and on x."""
    x = t([0.7, 1.3, 0.9], rg=True)
    v = t([1.0, 2.0, 3.0], rg=True)
    (g,) = T.autograd.grad(x.sin(), x, grad_outputs=v, create_graph=True)
    return g, T.autograd.grad((g * g).sum(), (x, v))

@program
def fifth_derivative(T, t):
    x = t(2.0, rg=True)
    g = x ** 4
    out = []
    for _ in range(5):
        (g,) = T.autograd.grad(g, x, create_graph=True)
        out.append(g)
    return out

@program
def third_derivative_of_square(T, t):
    x = t(2.0, rg=True)
    (g1,) = T.autograd.grad(x * x, x, create_graph=True)
    (g2,) = T.autograd.grad(g1, x, create_graph=True)
    return g1, g2, g2.requires_grad

@program
def derivative_of_linear(T, t):
    x = t([1.0, 2.0], rg=True)
    (g,) = T.autograd.grad((3 * x).sum(), x, create_graph=True)
    return g, g.requires_grad

@program
def grad_integer_input(T, t):
    x = T.tensor([1, 2])
    return T.autograd.grad(x.sum(), x)

@program
def grad_of_nonleaf_input(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 2
    z = (y * y).sum()
    return T.autograd.grad(z, (y, x))

@program
def grad_repeated_input(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), (x, x))

@program
def grad_wrong_type_input(T, t):
    x = t([1.0, 2.0], rg=True)
    return T.autograd.grad((x * x).sum(), [1.0])

@program
def backward_accumulates(T, t):
    x = t([1.0, 2.0], rg=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    return x.grad

@program
def backward_nonscalar(T, t):
    x = t([1.0, 2.0], rg=True)
    (x * 2).backward()

@program
def backward_gradient(T, t):
    x = t([1.0, 2.0], rg=True)
    (x * x).backward(t([1.0, 10.0]))
    return x.grad

@program
def backward_gradient_shape(T, t):
    x = t([1.0, 2.0], rg=True)
    (x * x).backward(t([1.0, 10.0, 3.0]))

@program
def backward_no_grad_output(T, t):
    t([1.0, 2.0]).sum().backward()

@program
def backward_inputs(T, t):
    x = t([1.0, 2.0], rg=True)
    w = t([3.0, 4.0], rg=True)
    (x * w).sum().backward(inputs=[w])
    return x.grad, w.grad

@program
def backward_empty_inputs(T, t):
    x = t([1.0, 2.0], rg=True)
    (x * x).sum().backward(inputs=[])

@program
def backward_create_graph(T, t):
    x = t([1.0, 2.0], rg=True)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    return g, g.requires_grad

@program
def grad_no_grad_mode(T, t):
    x = t([1.0, 2.0], rg=True)
    with T.no_grad():
        y = (x * x).sum()
    return y.requires_grad, y.grad_fn

# -- a second backward through a graph: freed unless retain_graph --------------------------------
def _twice(make_output):
    def run(T, t):
        x = t([1.0, 2.0, 3.0], rg=True)
        y = make_output(x, T, t)
        T.autograd.grad(y, x)
        return T.autograd.grad(y, x)
    return run

for _name, _output in {   # nodes that saved tensors raise the second time; the others do not
    "mul": lambda x, T, t: (x * x).sum(), "mul_number": lambda x, T, t: (x * 2.0).sum(),
    "div_number": lambda x, T, t: (x / 2.0).sum(), "exp": lambda x, T, t: x.exp().sum(),
    "matmul": lambda x, T, t: x @ t([1.0, 2.0, 3.0]), "index_list": lambda x, T, t: x[[0, 2]].sum(),
    "relu": lambda x, T, t: x.relu().sum(), "max": lambda x, T, t: x.max(),
    "add": lambda x, T, t: (x + x - 1.0).sum(), "rsub_neg": lambda x, T, t: (1.0 - (-x)).sum(),
    "mean": lambda x, T, t: x.mean(), "views": lambda x, T, t: x.reshape(3, 1).T[0, 1:].sum(),
    "cat_stack": lambda x, T, t: T.stack([T.cat([x, x]), x.flip(0).repeat(2)]).sum(),
    "cumsum_clone": lambda x, T, t: x.clone().cumsum(0)[2],
}.items():
    PROGRAMS["second_grad_" + _name] = _twice(_output)

@program
def second_backward(T, t):
    x = t([1.0, 2.0], rg=True)
    y = (x * x).sum()
    y.backward()
    y.backward()

@program
def third_backward_after_retained(T, t):
    x = t([1.0, 2.0], rg=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    y.backward(retain_graph=True)

@program
def backward_after_grad(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x.sin().sum()
    T.autograd.grad(y, x)
    y.backward()

@program
def second_grad_create_graph_retains(T, t):
    x = t([1.0, 2.0], rg=True)
    y = (x * x).sum()
    T.autograd.grad(y, x, create_graph=True)
    return T.autograd.grad(y, x)

@program
def second_grad_create_graph_not_retained(T, t):
    x = t([1.0, 2.0], rg=True)
    y = (x * x).sum()
    T.autograd.grad(y, x, create_graph=True, retain_graph=False)
    return T.autograd.grad(y, x)

@program
def freed_part_of_a_graph(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * x
    y.sum().backward()
    (y + 1.0).sum().backward()

@program
def freed_part_saved_nothing(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x + 1.0
    y.sum().backward()
    (y * 2.0).sum().backward()
    return x.grad

@program
def unrun_node_not_freed(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x.exp()
    z = (y * 3.0).sum()
    T.autograd.grad(z, y)                       # runs the product, not exp
    first = T.autograd.grad(y.sum(), x)
    try:
        T.autograd.grad(z, x)
    except RuntimeError as error:
        return first, str(error)

@program
def unrun_branch_not_freed(T, t):
    x = t([1.0, 2.0], rg=True)
    w = t([3.0, 4.0], rg=True)
    z = (x * x).sum() + (w * w).sum()
    T.autograd.grad(z, x)
    by_w = T.autograd.grad(z, w)
    try:
        T.autograd.grad(z, x)
    except RuntimeError as error:
        return by_w, str(error)

@program
def leaf_only_graph_twice(T, t):
    x = t([1.0, 2.0], rg=True)
    T.autograd.grad(x, x, grad_outputs=t([1.0, 1.0]))
    x.sum().backward()
    x.sum().backward()
    return T.autograd.grad(x, x, grad_outputs=t([1.0, 1.0])), x.grad

@program
def second_order_tutorial_unretained(T, t):
    a = t(1.0, rg=True)
    s = t(2.0, rg=True)
    d = (a + 2 * s) ** 2 + 3 * (a * s + s ** 2)
    grad_a, grad_s = T.autograd.grad(d, (a, s), create_graph=True)
    T.autograd.grad(grad_a, a)
    return T.autograd.grad(grad_s, s)

@program
def second_order_tutorial_retained(T, t):
    a = t(1.0, rg=True)
    s = t(2.0, rg=True)
    d = (a + 2 * s) ** 2 + 3 * (a * s + s ** 2)
    grad_a, grad_s = T.autograd.grad(d, (a, s), create_graph=True)
    return T.autograd.grad(grad_a, a, retain_graph=True), T.autograd.grad(grad_s, s)

@program
def batched_grad_twice(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * x
    seeds = t([[1.0, 0.0], [0.0, 1.0]])
    T.autograd.grad(y, x, seeds, is_grads_batched=True)
    T.autograd.grad(y, x, seeds, is_grads_batched=True)

# -- conventions at non-differentiable points ----------------------------------------------------
@program
def conv_abs_zero(T, t):
    x = t([0.0, -2.0, 3.0], rg=True)
    return T.autograd.grad(x.abs().sum(), x)

@program
def conv_clamp_boundary(T, t):
    x = t([0.0, 1.0, 0.5, -1.0, 2.0], rg=True)
    return T.autograd.grad(x.clamp(0.0, 1.0).sum(), x)

@program
def conv_clip_boundary(T, t):
    x = t([0.0, 1.0, 0.5], rg=True)
    return T.autograd.grad(x.clip(0.0, 1.0).sum(), x)

@program
def conv_clamp_min_only(T, t):
    x = t([0.0, 1.0, -1.0], rg=True)
    return T.autograd.grad(x.clamp(min=0.0).sum(), x)

@program
def conv_clamp_inplace_boundary(T, t):
    x = t([0.0, 1.0, 0.5], rg=True)
    y = x * 1
    y.clamp_(0.0, 1.0)
    return T.autograd.grad(y.sum(), x)

@program
def conv_relu_zero(T, t):
    x = t([0.0, -1.0, 2.0], rg=True)
    return T.autograd.grad(x.relu().sum(), x)

def _again(T, x, y):
    """y's gradient with create_graph=True, whether it requires grad, and its gradient
    (cloned: PyTorch's zero gradient of ``sgn`` has no storage until then)."""
    (g,) = T.autograd.grad(y, x, create_graph=True)
    h = T.autograd.grad(g.sum(), x, allow_unused=True)[0].clone() if g.requires_grad else None
    return g, g.requires_grad, h

@program
def conv_abs_second(T, t):
    x = t([0.0, -2.0, 3.0], rg=True)
    return _again(T, x, x.abs().sum())

@program
def conv_abs_second_name(T, t):
    x = t([0.0, -2.0, 3.0], rg=True)
    (g,) = T.autograd.grad(T.abs(x).sum(), x, create_graph=True)
    return fnrepr(g.grad_fn)

@program
def conv_abs_scaled_second(T, t):
    x = t([[0.5, -2.0], [3.0, 0.0]], rg=True)
    return _again(T, x, (3.0 * T.abs(x * x - 1.0)).sum())

@program
def conv_relu_second(T, t):
    x = t([0.0, -1.0, 2.0], rg=True)
    return _again(T, x, x.relu().sum())

@program
def conv_relu_function_second(T, t):
    x = t([[0.0, -1.0], [2.0, 0.5]], rg=True)
    return _again(T, x, (T.relu(x) * x).sum())

@program
def conv_relu_third(T, t):
    x = t([0.0, -1.0, 2.0], rg=True)
    (g,) = T.autograd.grad(T.relu(x).sum(), x, create_graph=True)
    (h,) = T.autograd.grad(g.sum(), x, create_graph=True)
    return h.detach()     # zeros (PyTorch's carry a history through relu's saved result)

@program
def conv_relu_second_name(T, t):
    x = t([0.0, -1.0, 2.0], rg=True)
    (g,) = T.autograd.grad(x.relu().sum(), x, create_graph=True)
    return fnrepr(g.grad_fn), nexts(g.grad_fn), nexts(g.grad_fn.next_functions[1][0])

@program
def conv_relu_third_history(T, t):
    x = t([0.0, -1.0, 2.0], rg=True)
    (g,) = T.autograd.grad(T.relu(x).sum(), x, create_graph=True)
    (h,) = T.autograd.grad(g.sum(), x, create_graph=True)
    (k,) = T.autograd.grad(h.sum(), x, create_graph=True)
    return h, fnrepr(h.grad_fn), nexts(h.grad_fn), k, fnrepr(k.grad_fn)

@program
def conv_relu_product_third(T, t):
    x = t([[0.0, -1.0], [2.0, 0.5]], rg=True)
    (g,) = T.autograd.grad((T.relu(x) * x).sum(), x, create_graph=True)
    (h,) = T.autograd.grad(g.sum(), x, create_graph=True)
    (k,) = T.autograd.grad(h.sum(), x, create_graph=True)
    return g, fnrepr(g.grad_fn), h, fnrepr(h.grad_fn), k, fnrepr(k.grad_fn)

@program
def conv_clamp_second(T, t):
    x = t([0.0, 1.0, 0.5, -1.0, 2.0], rg=True)
    return _again(T, x, x.clamp(0.0, 1.0).sum())

@program
def conv_linear_second(T, t):
    x = t([0.0, -1.0, 2.0], rg=True)
    return _again(T, x, (3.0 * x + 1.0).sum())

@program
def conv_abs_backward_create_graph(T, t):
    x = t([0.0, -2.0, 3.0], rg=True)
    x.abs().sum().backward(create_graph=True)
    return x.grad, x.grad.requires_grad, T.autograd.grad(x.grad.sum(), x)[0].clone()

@program
def conv_pow_zero_zero(T, t):
    x = t(0.0, rg=True)
    y = t(0.0, rg=True)
    return T.autograd.grad(x ** y, (x, y))

@program
def conv_pow_zero_zero_constant(T, t):
    x = t([0.0, 1.0], rg=True)
    return T.autograd.grad((x ** 0.0).sum(), x)

@program
def conv_sqrt_zero(T, t):
    x = t([0.0, 4.0], rg=True)
    return T.autograd.grad(x.sqrt().sum(), x)

# -- bad input -------------------------------------------------------------------------------------
@program
def bad_matmul_shapes(T, t):
    return t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) @ t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

@program
def bad_matmul_shapes_grad(T, t):
    return t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], rg=True) @ t([[1.0, 2.0], [4.0, 5.0]])

@program
def bad_matmul_vectors(T, t):
    return t([1.0, 2.0, 3.0]) @ t([1.0, 2.0])

@program
def bad_matmul_matvec(T, t):
    return t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) @ t([1.0, 2.0])

@program
def bad_matmul_scalar(T, t):
    return t(2.0) @ t([1.0, 2.0])

@program
def bad_broadcast_add(T, t):
    return t([1.0, 2.0, 3.0]) + t([1.0, 2.0])

@program
def bad_broadcast_mul_grad(T, t):
    return t([[1.0, 2.0, 3.0]], rg=True) * t([[1.0], [2.0]]).reshape(1, 2)

@program
def bad_reshape(T, t):
    return t([1.0, 2.0, 3.0]).reshape(4)

@program
def bad_view_two_inferred(T, t):
    return t([1.0, 2.0, 3.0, 4.0]).view(-1, -1)

@program
def bad_index(T, t):
    return t([1.0, 2.0, 3.0])[5]

@program
def bad_index_grad(T, t):
    return t([[1.0, 2.0, 3.0]], rg=True)[0, 3]

@program
def bad_sum_dim(T, t):
    return t([1.0, 2.0, 3.0]).sum(dim=3)

@program
def bad_ragged(T, t):
    return t([[1.0, 2.0], [3.0]])

@program
def bad_item_grad_many(T, t):
    return t([1.0, 2.0], rg=True).item()

@program
def bad_len_scalar(T, t):
    return len(t(1.0))

@program
def bad_iter_scalar(T, t):
    return list(t(1.0))

@program
def bad_transpose_dim(T, t):
    return t([[1.0, 2.0]]).transpose(0, 2)

@program
def bad_unsqueeze_dim(T, t):
    return t([1.0, 2.0]).unsqueeze(3)


# -- more in-place and version cases ---------------------------------------------------------------
@program
def chain_of_updates(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 1
    a = y + 0
    y.add_(1.0)
    b = y * 2
    y.mul_(3.0)
    (a + b + y).sum().backward()
    return y, x.grad, y._version

@program
def update_used_twice(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x + 1
    y.mul_(y.detach())
    y.sum().backward()
    return y, x.grad

@program
def relu_saved_output(T, t):
    x = t([-1.0, 2.0], rg=True)
    y = x.relu()
    y.add_(1.0)
    y.sum().backward()
    return x.grad

@program
def tanh_input_modified(T, t):
    x = t([0.5, 1.0], rg=True)
    y = x * 1
    z = y.tanh()
    y.add_(1.0)
    z.sum().backward()
    return x.grad

@program
def sin_input_modified(T, t):
    x = t([0.5, 1.0], rg=True)
    y = x * 1
    z = y.sin()
    y.add_(1.0)
    z.sum().backward()
    return x.grad

@program
def div_denominator_modified(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x + 1
    z = 1.0 / y
    y.add_(1.0)
    z.sum().backward()
    return x.grad

@program
def div_numerator_modified(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x + 1
    z = y / 2.0
    y.add_(1.0)
    z.sum().backward()
    return x.grad, z

@program
def matmul_operand_modified(T, t):
    x = t([[1.0, 2.0], [3.0, 4.0]], rg=True)
    y = x * 1
    w = t([[1.0], [1.0]])
    z = y @ w
    y.add_(1.0)
    z.sum().backward()
    return x.grad

@program
def setitem_2d_slice(T, t):
    x = t([[1.0, 2.0], [3.0, 4.0]], rg=True)
    y = x * 1
    y[:, 0] = 0.0
    (y * y).sum().backward()
    return y, x.grad, fnrepr(y.grad_fn)

@program
def setitem_constant_tensor(T, t):
    x = t([1.0, 2.0, 3.0])
    x[1:] = t([7.0, 8.0])
    return x, x._version, x.requires_grad

@program
def setitem_on_constant_with_grad_value(T, t):
    w = t(2.0, rg=True)
    a = t([0.0, 0.0, 0.0])
    a[1] = w * 3
    a.sum().backward()
    return a, w.grad, a.is_leaf, fnrepr(a.grad_fn)

@program
def copy_dtype_cast(T, t):
    x = T.tensor([1, 2])
    x.copy_(t([1.7, -2.7]))
    return x, str(x.dtype).replace("torch.", "").replace("astgrad.", "")

@program
def fill_int(T, t):
    x = T.tensor([1, 2])
    x.fill_(5)
    return x.tolist()

@program
def div_rounding(T, t):
    x = t([5.0, -5.0])
    return x.div_(2.0, rounding_mode="floor"), t([5.0, -5.0]).div_(2.0, rounding_mode="trunc")

@program
def clamp_both_none(T, t):
    return t([1.0]).clamp_()

@program
def inplace_under_no_grad_nonleaf(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * 2
    with T.no_grad():
        y.add_(1.0)
    return y, y.requires_grad, fnrepr(y.grad_fn), y._version

@program
def detach_numpy_shares(T, t):
    x = t([1.0, 2.0], rg=True)
    a = x.detach().numpy()
    with T.no_grad():
        x.mul_(10.0)
    return a.tolist()

@program
def detach_then_requires_grad(T, t):
    x = t([1.0, 2.0], rg=True)
    d = x.detach().requires_grad_()
    (d * d).sum().backward()
    return d.grad, x.grad, d.is_leaf

@program
def data_requires_grad_change(T, t):
    x = t([1.0, 2.0], rg=True)
    d = x.data
    d.requires_grad_()
    return d.requires_grad, x.requires_grad

@program
def retain_grad_create_graph(T, t):
    x = t([1.0, 2.0], rg=True)
    y = x * x
    y.retain_grad()
    (y * y).sum().backward(create_graph=True)
    return y.grad, x.grad

@program
def retain_grad_intermediate_chain(T, t):
    x = t(3.0, rg=True)
    a = x * 2
    b = a * a
    a.retain_grad()
    b.retain_grad()
    b.backward()
    return a.grad, b.grad, x.grad

@program
def grad_fn_in_place_names(T, t):
    x = t([1.0, 2.0], rg=True)
    names = []
    for op in ("add_", "sub_", "mul_", "div_"):
        y = x * 1
        getattr(y, op)(2.0)
        names.append(y.grad_fn.name())
    return names

@program
def next_functions_of_sum(T, t):
    x = t([1.0, 2.0], rg=True)
    return nexts(x.sum().grad_fn), nexts((x * 2).sum().grad_fn)

@program
def next_functions_rsub(T, t):
    x = t([1.0, 2.0], rg=True)
    return nexts((1 - x).grad_fn), nexts((x - 1).grad_fn)

@program
def accumulate_grad_same_object(T, t):
    x = t([1.0, 2.0], rg=True)
    a = (x * 2).grad_fn.next_functions[0][0]
    b = (x + 1).grad_fn.next_functions[0][0]
    return a is b

@program
def size_arithmetic(T, t):
    s = t([[1.0, 2.0, 3.0]]).shape
    return str(s + (4,)), s[-1], len(s), str(T.Size([])), T.Size([2, 3]).numel()

@program
def grad_batched_unused(T, t):
    x = t([1.0, 2.0], rg=True)
    y = t([1.0, 2.0], rg=True)
    return T.autograd.grad(x * 2, (x, y), grad_outputs=t([[1.0, 0.0], [0.0, 1.0]]),
                           is_grads_batched=True, allow_unused=True)

@program
def grad_materialize_unused_create_graph_values(T, t):
    x = t(2.0, rg=True)
    y = t(3.0, rg=True)
    g = T.autograd.grad(x * x, (x, y), create_graph=True, materialize_grads=True)
    return g[0], g[1], g[0].requires_grad

@program
def backward_twice_retain(T, t):
    x = t([1.0, 2.0], rg=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad

@program
def item_of_nonleaf(T, t):
    x = t([2.0], rg=True)
    return (x * 3).item()

@program
def bool_of_requires_grad(T, t):
    return bool(t([2.0], rg=True) * 0)

@program
def tolist_nonleaf(T, t):
    x = t([[1.0, 2.0]], rg=True)
    return (x * 2).tolist()

@program
def numpy_of_int(T, t):
    return T.tensor([1, 2]).numpy().tolist()

@program
def bad_matmul_batched(T, t):
    a = t([[[1.0, 2.0, 3.0]]])
    return a @ t([[1.0, 2.0]])

@program
def bad_index_negative(T, t):
    return t([1.0, 2.0, 3.0])[-4]

@program
def bad_sub_shapes_grad(T, t):
    return t([[1.0, 2.0]], rg=True) - t([[1.0, 2.0, 3.0]])

@program
def bad_size_negative(T, t):
    return t([1.0, 2.0]).size(-2)

@program
def bad_ragged_deep(T, t):
    return t([[[1.0], [2.0]], [[3.0], [4.0, 5.0]]])


# -- tutorial training-loop patterns -------------------------------------------------------------
@program
def loop_data_update(T, t):
    w = t([1.0, 2.0], rg=True)
    out = []
    for _ in range(3):
        loss = (w * w).sum()
        loss.backward()
        w.data -= 0.1 * w.grad.data
        w.grad.zero_()
        out.append(loss.item())
    return out, w, w._version, w.grad

@program
def loop_no_grad_update(T, t):
    w = t([1.0, -2.0], rg=True)
    b = t(0.5, rg=True)
    x = t([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = t([1.0, 0.0, -1.0])
    losses = []
    for _ in range(4):
        pred = x @ w + b
        loss = ((pred - y) ** 2).mean()
        loss.backward()
        with T.no_grad():
            w -= 0.01 * w.grad
            b -= 0.01 * b.grad
            w.grad.zero_()
            b.grad.zero_()
        losses.append(loss.item())
    return losses, w, b, w.is_leaf, w._version

@program
def loop_grad_none(T, t):
    w = t([0.5], rg=True)
    for _ in range(3):
        loss = (w * 3 - 1) ** 2
        loss.sum().backward()
        with T.no_grad():
            w.sub_(0.05 * w.grad)
        w.grad = None
    return w, w.grad

@program
def grad_data_zero(T, t):
    w = t([1.0, 2.0], rg=True)
    (w * w).sum().backward()
    g = w.grad
    w.grad.data.zero_()
    return g, w.grad

@program
def grad_after_update_of_used_leaf(T, t):
    w = t([1.0, 2.0], rg=True)
    loss = (w * w).sum()
    with T.no_grad():
        w -= 0.1
    loss.backward()
    return w.grad

@program
def setitem_value_modified_later(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    w = t(4.0, rg=True)
    v = w * 1
    y = x * 2
    y[0] = v
    v.add_(1.0)
    y.sum().backward()
    return y, x.grad, w.grad

@program
def mean_input_modified(T, t):
    x = t([1.0, 2.0, 3.0], rg=True)
    y = x * 1
    m = y.mean()
    y.mul_(2.0)
    m.backward()
    return m, x.grad

@program
def abs_input_modified(T, t):
    x = t([1.0, -2.0], rg=True)
    y = x * 1
    z = y.abs()
    y.add_(1.0)
    z.sum().backward()
    return x.grad

# -- every in-place method: its grad_fn's name, how much it bumps _version, its values ---------
_INPLACE_CALLS = {
    "abs_": lambda y, c, T, t: y.abs_(), "acos_": lambda y, c, T, t: y.acos_(),
    "acosh_": lambda y, c, T, t: y.add_(1.0).acosh_(), "add_": lambda y, c, T, t: y.add_(c),
    "add_alpha": lambda y, c, T, t: y.add_(c, alpha=2), "add_number": lambda y, c, T, t: y.add_(1.0),
    "addcdiv_": lambda y, c, T, t: y.addcdiv_(c, c + 1), "addcmul_": lambda y, c, T, t: y.addcmul_(c, c),
    "asin_": lambda y, c, T, t: y.asin_(), "asinh_": lambda y, c, T, t: y.asinh_(),
    "atan2_": lambda y, c, T, t: y.atan2_(c), "atan_": lambda y, c, T, t: y.atan_(),
    "atanh_": lambda y, c, T, t: y.atanh_(), "ceil_": lambda y, c, T, t: y.ceil_(),
    "clamp_": lambda y, c, T, t: y.clamp_(0.4, 0.6), "clamp_tensor": lambda y, c, T, t: y.clamp_(c, None),
    "clamp_max_": lambda y, c, T, t: y.clamp_max_(0.5), "clamp_min_": lambda y, c, T, t: y.clamp_min_(0.5),
    "clip_": lambda y, c, T, t: y.clip_(0.4, 0.6), "copy_": lambda y, c, T, t: y.copy_(c),
    "copysign_": lambda y, c, T, t: y.copysign_(c), "cos_": lambda y, c, T, t: y.cos_(),
    "cosh_": lambda y, c, T, t: y.cosh_(), "deg2rad_": lambda y, c, T, t: y.deg2rad_(),
    "digamma_": lambda y, c, T, t: y.digamma_(), "div_": lambda y, c, T, t: y.div_(c),
    "div_floor": lambda y, c, T, t: y.div_(c, rounding_mode="floor"),
    "div_trunc": lambda y, c, T, t: y.div_(c, rounding_mode="trunc"),
    "erf_": lambda y, c, T, t: y.erf_(), "erfc_": lambda y, c, T, t: y.erfc_(),
    "erfinv_": lambda y, c, T, t: y.erfinv_(), "exp2_": lambda y, c, T, t: y.exp2_(),
    "exp_": lambda y, c, T, t: y.exp_(), "expm1_": lambda y, c, T, t: y.expm1_(),
    "fill_": lambda y, c, T, t: y.fill_(1.0), "fill_tensor": lambda y, c, T, t: y.fill_(c[0]),
    "floor_": lambda y, c, T, t: y.floor_(), "floor_divide_": lambda y, c, T, t: y.floor_divide_(c),
    "fmod_": lambda y, c, T, t: y.fmod_(c), "frac_": lambda y, c, T, t: y.frac_(),
    "heaviside_": lambda y, c, T, t: y.heaviside_(c), "hypot_": lambda y, c, T, t: y.hypot_(c),
    "i0_": lambda y, c, T, t: y.i0_(),
    "index_add_": lambda y, c, T, t: y.index_add_(0, T.tensor([2, 0]), c[:2]),
    "index_copy_": lambda y, c, T, t: y.index_copy_(0, T.tensor([2, 0]), c[:2]),
    "index_fill_": lambda y, c, T, t: y.index_fill_(0, T.tensor([2, 0]), 1.0),
    "index_put_": lambda y, c, T, t: y.index_put_((T.tensor([2, 0]),), c[:2]),
    "index_put_accumulate": lambda y, c, T, t: y.index_put_((T.tensor([2, 0]),), c[:2], accumulate=True),
    "lerp_": lambda y, c, T, t: y.lerp_(c, 0.25), "lgamma_": lambda y, c, T, t: y.lgamma_(),
    "log10_": lambda y, c, T, t: y.log10_(), "log1p_": lambda y, c, T, t: y.log1p_(),
    "log2_": lambda y, c, T, t: y.log2_(), "log_": lambda y, c, T, t: y.log_(),
    "logit_": lambda y, c, T, t: y.logit_(), "logit_eps": lambda y, c, T, t: y.logit_(eps=0.1),
    "masked_fill_": lambda y, c, T, t: y.masked_fill_(T.tensor([True, False, True]), 1.0),
    "masked_scatter_": lambda y, c, T, t: y.masked_scatter_(T.tensor([True, False, True]), c),
    "mul_": lambda y, c, T, t: y.mul_(c), "mul_number": lambda y, c, T, t: y.mul_(2.0),
    "nan_to_num_": lambda y, c, T, t: y.nan_to_num_(), "neg_": lambda y, c, T, t: y.neg_(),
    "polygamma_": lambda y, c, T, t: y.polygamma_(1), "pow_": lambda y, c, T, t: y.pow_(2),
    "pow_tensor": lambda y, c, T, t: y.pow_(c), "rad2deg_": lambda y, c, T, t: y.rad2deg_(),
    "reciprocal_": lambda y, c, T, t: y.reciprocal_(), "relu_": lambda y, c, T, t: y.relu_(),
    "remainder_": lambda y, c, T, t: y.remainder_(c), "round_": lambda y, c, T, t: y.round_(),
    "rsqrt_": lambda y, c, T, t: y.rsqrt_(),
    "scatter_": lambda y, c, T, t: y.scatter_(0, T.tensor([2, 0]), c),
    "scatter_add_": lambda y, c, T, t: y.scatter_add_(0, T.tensor([2, 0]), c),
    "scatter_reduce_": lambda y, c, T, t: y.scatter_reduce_(0, T.tensor([2, 0]), c, "sum"),
    "sigmoid_": lambda y, c, T, t: y.sigmoid_(), "sign_": lambda y, c, T, t: y.sign_(),
    "sin_": lambda y, c, T, t: y.sin_(), "sinh_": lambda y, c, T, t: y.sinh_(),
    "sqrt_": lambda y, c, T, t: y.sqrt_(), "square_": lambda y, c, T, t: y.square_(),
    "sub_": lambda y, c, T, t: y.sub_(c), "tan_": lambda y, c, T, t: y.tan_(),
    "tanh_": lambda y, c, T, t: y.tanh_(), "true_divide_": lambda y, c, T, t: y.true_divide_(c),
    "trunc_": lambda y, c, T, t: y.trunc_(), "xlogy_": lambda y, c, T, t: y.xlogy_(c),
    "zero_": lambda y, c, T, t: y.zero_(),
    "setitem_number": lambda y, c, T, t: y.__setitem__(0, 1.0),
    "setitem_tensor": lambda y, c, T, t: y.__setitem__(T.tensor([2, 0]), c[:2]),
    "iadd": lambda y, c, T, t: y.__iadd__(c), "isub": lambda y, c, T, t: y.__isub__(c),
    "imul": lambda y, c, T, t: y.__imul__(c), "itruediv": lambda y, c, T, t: y.__itruediv__(c),
    "imod": lambda y, c, T, t: y.__imod__(c), "ipow": lambda y, c, T, t: y.__ipow__(c),
}


def _inplace_row(call):
    def run(T, t):
        x = t([0.3, 0.5, 0.7], rg=True)
        c = t([0.2, 0.9, 0.6], rg=True)
        y = x * 1
        before = y._version
        result = call(y, c, T, t)
        plain = t([0.3, 0.5, 0.7])          # a tensor that records nothing: only its version moves
        plain_before = plain._version
        call(plain, t([0.2, 0.9, 0.6]), T, t)
        values = [round(v, 6) for v in y.tolist()]     # to 1e-6: PyTorch's polygamma is off by 1e-10
        return (result is y, y._version - before, fnrepr(y.grad_fn), values, y.requires_grad,
                plain._version - plain_before, plain.grad_fn is None)
    return run


for _name, _call in _INPLACE_CALLS.items():
    PROGRAMS["inplace_table_" + _name] = _inplace_row(_call)


@program
def inplace_logit_eps_gradient(T, t):
    x = t([0.05, 0.1, 0.5, 0.95], rg=True)
    y = x * 1
    y.logit_(eps=0.1)
    (g,) = T.autograd.grad((y * y).sum(), x, create_graph=True)
    (h,) = T.autograd.grad(g.sum(), x)
    return y, g, h, y._version


@program
def setitem_node_names(T, t):
    """t[index] = v is PyTorch's index_put of t itself (IndexPutBackward0) where the index
    picks by lists or tensors and every other part is skipped (``:``, ``0:n`` over all of a
    dimension), and a write into a view (CopySlices) otherwise."""
    x = t([[[0.3, 0.5, 0.7], [0.1, 0.2, 0.3]]] * 2, rg=True)
    m = T.tensor([[True, False, True], [False, True, True]])
    names = []
    for index in [(slice(0, 1), [1, 0]), (slice(0, 2), [1, 0]), (slice(None, None, 1), [1, 0]),
                  ([1, 0], slice(0, 5)), (slice(-2, None), [1, 0]), (Ellipsis, [1, 0], slice(0, 3)),
                  (Ellipsis, [1, 0], slice(0, 2)), ([1, 0], Ellipsis, slice(0, 2)), (slice(0, 2), m),
                  (slice(0, 1), m), ([0], m), T.tensor([1, 0]), T.tensor(1), (0, [1, 0]), (None, [1, 0]),
                  (slice(0, 2), Ellipsis, [1, 0])]:
        y = x * 1
        y[index] = 1.0
        names.append(fnrepr(y.grad_fn))
    return names


@program
def inplace_node_names_by_argument_kind(T, t):
    """Out-of-place twins of the in-place table's names: PyTorch's overloads name the node
    by whether an argument is a tensor or a number."""
    x = t([0.3, 0.5, 0.7], rg=True)
    k = t([0.2, 0.9, 0.6])
    y = x * 1
    return [fnrepr(r.grad_fn) for r in (
        y.clamp_min(k), y.clamp_max(0.5), y.clamp(k, None), y.clamp(None, k), y.clamp(min=0.5), T.clamp(y, min=k),
        y.fmod(k), y.fmod(0.5), y.fmod(t(0.5)), y.remainder(k), y.remainder(0.5), y % k, y % 0.5, k % y,
        k.remainder(y), y.lerp(k, 0.5), k.lerp(y, k), y.addcmul(k, k), k.addcdiv(k, y, value=2), y.atan2(k),
        k.atan2(y), y.frac(), T.reciprocal(y), T.rsqrt(y), y.clone().fill_(t(2.0)), y.clone().fill_(2.0),
        y.clone().lerp_(k, k), y.clone().clamp_(max=k), y.clone().atanh_(), y.clone().polygamma_(2),
        y.clone().fmod_(0.5), y.clone().remainder_(k))]


def _call_or_error(f):
    try:
        r = f()
        return r.tolist(), fnrepr(r.grad_fn)
    except (TypeError, RuntimeError) as error:
        return type(error).__name__, str(error)


@program
def index_functions_of_the_module(T, t):
    """The module-level twins of the position writes (index_put, index_put_, index_add, ...)."""
    x = t([0.3, 0.5, 0.7], rg=True)
    v = t([1.0, 2.0], rg=True)
    i = T.tensor([2, 0])
    results = [_call_or_error(f) for f in (
        lambda: T.index_put(x, (i,), v), lambda: T.index_put(x, [i], v, accumulate=True),
        lambda: T.index_put(x, (i,), v, True), lambda: T.index_put(x, [0], v),
        lambda: T.index_put(x, (i,), [1.0, 2.0]), lambda: T.index_put(x, (i,), v, accumulate=1),
        lambda: T.index_put_(x, (i,), v), lambda: T.index_put_(x * 1, (i,), v, accumulate=True),
        lambda: T.index_put([1.0], (i,), v), lambda: T.index_put_(x * 1, [0], v),
        lambda: T.index_add(x, 0, i, v, alpha=2), lambda: T.index_copy(x, 0, i, v),
        lambda: T.index_fill(x, 0, i, 2.0), lambda: T.masked_scatter(x, x > 0.4, v),
        lambda: T.scatter_reduce(x, 0, i, v, "amax"), lambda: T.index_add(x, 0, [0], v))]
    y = x * 1
    w = T.index_put_(y, (i,), v * v, accumulate=True)
    (w * t([0.5, -1.5, 2.5])).sum().backward()
    return results, w is y, y._version, x.grad, v.grad


@program
def list_and_tuple_operands(T, t):
    """A list or tuple operand of an operator: PyTorch's NotImplemented, so Python's own
    TypeError (or the list's repetition for *, False for ==)."""
    x = t([1.0, 2.0], rg=True)
    results = []
    for text in ["x + [1.0, 2.0]", "[1.0, 2.0] + x", "x - [1.0, 2.0]", "[1.0] - x", "x * [1.0, 2.0]",
                 "(1.0, 2.0) * x", "x / [1.0, 2.0]", "[1.0] / x", "x ** [2, 2]", "[2] ** x", "x @ [1.0, 2.0]",
                 "[1.0, 2.0] @ x", "x % [1.0]", "[1.0] % x", "x // [1.0]", "x + (1.0, 2.0)", "x < [1.0, 2.0]",
                 "[1.0] >= x", "x == [1.0, 2.0]", "x != (1.0, 2.0)", "x & [1]", "[1] | x", "x ^ [1]"]:
        try:
            results.append(encode_plain(eval(text)))
        except TypeError as error:
            results.append(("TypeError", str(error)))
    y = x * 1
    for text in ["y += [1.0, 2.0]", "y -= [1.0]", "y *= [1.0, 2.0]", "y /= (1.0, 2.0)"]:
        try:
            exec(text)
        except TypeError as error:
            results.append(("TypeError", str(error)))
    return results, y._version


def encode_plain(value):
    return value if isinstance(value, (bool, list, tuple)) else value.tolist()


def _signs(r):
    return [math.copysign(1.0, v) for v in r.tolist()]


@program
def remainder_zero_sign(T, t):
    """A zero remainder has the sign of the dividend (PyTorch's fmod-based formula), in
    float64 and float32, for tensor % tensor, tensor % number, number % tensor, remainder_
    and %=; the values are compared as signs (1.0 or -1.0), as == ignores a zero's sign."""
    a = [-4.0, 4.0, 0.0, -0.0, -2.0, -4.0, -3.0, 3.0]
    b = [2.0, -2.0, -2.0, 2.0, 2.0, -2.0, 2.0, -2.0]
    out = []
    for dtype in (T.float64, T.float32):
        x, y = t(a).to(dtype), t(b).to(dtype)
        z = x.clone()
        z.remainder_(y)
        w = x.clone()
        before = w._version
        w %= 2.0
        out.append([_signs(x % y), _signs(T.remainder(x, y)), _signs(x % 2.0), _signs(x % -2.0),
                    _signs(-4.0 % y), _signs(0.0 % y), _signs(T.remainder(-0.0, y)), _signs(x.remainder(-2.0)),
                    _signs(z), _signs(w), w._version - before, (x % y).tolist(), str((x % 2.0).dtype)])
    return out


@program
def remainder_gradients(T, t):
    x = t([-4.0, 3.5, 7.0, 0.5], rg=True)
    y = t([2.0, -1.5, 3.0, -0.25], rg=True)
    r = x % y
    (g,) = T.autograd.grad((r * x).sum(), x, create_graph=True)
    second = T.autograd.grad(g.sum(), (x, y), allow_unused=True)
    (gy,) = T.autograd.grad((T.remainder(x, y) * t([1.0, -2.0, 3.0, 0.5])).sum(), y)
    return r, g, second, gy, fnrepr(r.grad_fn), fnrepr((x % 2.0).grad_fn)


@program
def augmented_operators_update_in_place(T, t):
    """%=, //= and **= are in-place updates (remainder_, floor_divide_, pow_), as += is."""
    out = []
    for text in ("w %= 2.0", "w //= 2.0", "w **= 2.0", "w %= t([2.0, -2.0])"):
        w = t([3.0, -5.0])
        w0, before = w, w._version
        exec(text)
        out.append((w is w0, w._version - before, w))
    return out
