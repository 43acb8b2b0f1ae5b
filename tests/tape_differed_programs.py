"""Programs on which the tape front end once differed from PyTorch 2.13, written once
against PyTorch's API and run with ``t = torch`` and ``t = astgrad`` (as
tests/torch_programs.py): a write with repeated indices, a leaf that stops requiring
grad after use, writes into integer tensors and of values with extra leading 1s, the
refused in-place update of a view made under ``no_grad``, assignments to ``.grad``,
and the errors of bool and integer arithmetic and of reductions over no elements.

``tests/torch_reference/record.py`` stores what PyTorch gives in
``tests/torch_reference/differed_golden.json``; ``tests/test_tape_torch_differed.py``
checks astgrad against it.
"""

from torch_programs import A, V, X

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def errors(*calls):
    """The exception type and message of each call ("ok" where it returns)."""
    out = []
    for call in calls:
        try:
            call()
            out.append("ok")
        except Exception as e:          # the error is the result
            out.append(f"{type(e).__name__}: {e}")
    return out


# -- a write with repeated indices keeps the value written last ------------------------------------

@program
def setitem_repeated_rows_augmented(t):
    x = X(t, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = x * 1.0
    y[[0, 0, 2]] += 10.0
    return {"y": y}


@program
def setitem_repeated_index_constant_value(t):
    x = X(t, V)
    y = x * 1
    y[[1, 1, 3]] = t.tensor([7.0, 8.0, 9.0], dtype=t.float64)
    (y * y).sum().backward()
    return {"y": y, "g": x.grad}


@program
def setitem_repeated_index_tracked_value(t):
    # PyTorch sends the gradient to every repeated item; astgrad to the one written (DELIBERATE)
    x = X(t, V)
    y = x * 1.0
    y[[0, 0, 2]] = x[1:4] ** 2
    w = t.tensor([1.0, 2.0, 3.0, 4.0], dtype=t.float64)
    (g,) = t.autograd.grad((y * y * w).sum(), x, create_graph=True)
    (h,) = t.autograd.grad(g.sum(), x)
    return {"y": y, "g": g, "h": h}


# -- a leaf that stops requiring grad after it was used ---------------------------------------------

@program
def leaf_stops_requiring_grad_before_backward(t):
    x, w = X(t, V), X(t, V)
    y = (x * w).sum()
    x.requires_grad_(False)
    y.backward()
    return {"x_grad": x.grad, "w_grad": w.grad, "rg": x.requires_grad}


@program
def leaf_stops_requiring_grad_grad_call(t):
    x = X(t, V)
    y = (x * x).sum()
    x.requires_grad_(False)
    return t.autograd.grad(y, x)


@program
def leaf_requires_grad_again_before_backward(t):
    x = X(t, V)
    y = (x * x).sum()
    x.requires_grad_(False)
    x.requires_grad_(True)
    y.backward()
    return {"g": x.grad}


# -- writes into integer tensors and of values with extra leading 1s --------------------------------

@program
def copy_tracked_into_int(t):
    i = t.zeros(3, dtype=t.int64)
    x = X(t, [0.3, 1.7, -2.5])
    i.copy_(x * 2)
    return {"i": i, "rg": i.requires_grad, "no_grad_fn": i.grad_fn is None}


@program
def setitem_tracked_into_int(t):
    i = t.zeros(3, dtype=t.int64)
    x = X(t, [0.3, 1.7, -2.5])
    i[:2] = x[:2] * 2
    i[2] = x[2:]
    return {"i": i, "rg": i.requires_grad}


@program
def setitem_one_element_into_element(t):
    x = X(t, V)
    y = x * 1
    y[0] = x[1:2] * 3
    (g,) = t.autograd.grad((y * y).sum(), x, create_graph=True)
    (h,) = t.autograd.grad((g * g).sum(), x)
    return {"y": y, "g": g, "h": h}


@program
def setitem_leading_ones(t):
    x = X(t, A)
    y = x * 1
    y[0] = (x[1] * 2).reshape(1, 1, 3)
    c = t.zeros(2, 3, dtype=t.float64)
    c[1] = t.ones(1, 3, dtype=t.float64) * 2
    (y * y).sum().backward()
    return {"y": y, "c": c, "g": x.grad}


@program
def setitem_value_does_not_fit(t):
    y = t.zeros(2, 3, dtype=t.float64)
    return errors(lambda: y.__setitem__(1, t.ones(2, dtype=t.float64)),
                  lambda: y.__setitem__(1, t.ones(2, 3, dtype=t.float64)),
                  lambda: y.__setitem__(1, t.ones(1, 2, dtype=t.float64)),
                  lambda: y.__setitem__(slice(None), t.ones(2, 2, dtype=t.float64)),
                  lambda: y.__setitem__(slice(None), t.ones(3, 2, 3, dtype=t.float64)))


# -- an in-place update of a view made under no_grad ------------------------------------------------

def _no_grad_view(t, of_leaf=False):
    x = X(t, A)
    y = x if of_leaf else x * 1
    with t.no_grad():
        v = y[0]
    return x, y, v


@program
def no_grad_view_updates(t):
    def updated(change, of_leaf=False):
        def run():
            change(*_no_grad_view(t, of_leaf))
        return run
    return errors(updated(lambda x, y, v: v.mul_(2)),
                  updated(lambda x, y, v: v.mul_(2), of_leaf=True),
                  updated(lambda x, y, v: v.add_(x[1])),
                  updated(lambda x, y, v: v[1:].mul_(2)),
                  updated(lambda x, y, v: v.__setitem__(1, 3.0)),
                  updated(lambda x, y, v: v.__setitem__(slice(0, 2), 3.0)),
                  updated(lambda x, y, v: (y.add_(1), v.mul_(2))))


@program
def no_grad_view_of_untracked_tensor(t):
    c = t.zeros(2, 3, dtype=t.float64)
    x = X(t, A)
    with t.no_grad():
        v = c[0]
    v.add_(1)
    return {"c": c, "refused": errors(lambda: v.add_(x[1]))}


@program
def no_grad_view_updated_under_no_grad(t):
    x, y, v = _no_grad_view(t)
    with t.no_grad():
        v[1] = 3.0
    (y * y).sum().backward()
    return {"y": y, "g": x.grad}


# -- assignments to .grad -------------------------------------------------------------------------

@program
def grad_assignments(t):
    x = X(t, V)
    refused = errors(lambda: setattr(x, "grad", t.zeros(3, dtype=t.float64)),
                     lambda: setattr(x, "grad", t.zeros(4, dtype=t.float32)),
                     lambda: setattr(x, "grad", t.zeros(4, dtype=t.int64)),
                     lambda: setattr(x, "grad", [0.0] * 4),
                     lambda: setattr(x, "grad", t.zeros(1, 4, dtype=t.float64)))
    x.grad = t.ones(4, dtype=t.float64)
    (x * x).sum().backward()
    return {"refused": refused, "g": x.grad}


# -- errors of bool and integer arithmetic, reductions over no elements --------------------------

@program
def bool_and_integer_arithmetic_errors(t):
    return errors(lambda: -t.tensor([True, False]), lambda: t.tensor([True, False]).neg(),
                  lambda: t.tensor([True]) - t.tensor([False]), lambda: t.tensor([True]).sub(True),
                  lambda: t.tensor([2, 3]) ** -2, lambda: t.tensor([2, 3]).pow(-1))


@program
def reductions_over_no_elements(t):
    z = t.zeros(0, 3, dtype=t.float64)
    return errors(z.max, z.min, z.amax, z.amin, z.argmax, z.argmin,
                  lambda: z.max(0), lambda: z.min(-2), lambda: z.amax(-2), lambda: z.amin((1, -2)),
                  lambda: z.argmax(0), lambda: z.argmin(-2), lambda: t.max(z))


@program
def reductions_along_a_nonempty_dim(t):
    z = t.zeros(0, 3, dtype=t.float64)
    values, indices = z.max(1)
    return {"amax": z.amax(1), "values": values, "argmax": z.argmax(1)}


@program
def zero_d_reductions_along_dim_0(t):
    x = X(t, 1.5)
    values, indices = x.max(0)
    low = x.min(-1, keepdim=True)
    parts = [values, low.values, x.mean(-1), x.amax(0), x.amin((0,)), x.cumsum(0), x.prod(0) ** 2,
             x.norm(dim=0), x.sum(-1)]
    total = sum(p * (k + 1) for k, p in enumerate(parts))
    (g,) = t.autograd.grad(total * x, x, create_graph=True)
    (h,) = t.autograd.grad(g, x)
    return {"parts": parts, "indices": [indices, low.indices, x.argmax(0), x.argmin(-1)],
            "g": g, "h": h, "refused": errors(lambda: x.max(1), lambda: x.sum(-2))}


@program
def float32_with_int64_and_0d_float64(t):
    # float32, as PyTorch: an integer tensor and a 0-d float64 one do not widen it
    x = t.tensor([0.3, 0.7], dtype=t.float32, requires_grad=True)
    y = x * t.tensor([2, 3]) + x * t.tensor(0.5, dtype=t.float64)
    y.sum().backward()
    return {"y": y, "g": x.grad}


@program
def zero_d_transpose_and_flip(t):
    x = X(t, 2.0)
    y = x * 1
    v = y.transpose(0, -1)
    v.mul_(3)                       # a view: y sees it
    f = y.flip(0)
    f.mul_(5)                       # a copy: y does not
    (g,) = t.autograd.grad(y * f * v, x, create_graph=True)
    (h,) = t.autograd.grad(g, x)
    return {"y": y, "f": f, "v": v, "g": g, "h": h, "refused": errors(lambda: x.flip(1), lambda: x.transpose(0, 1))}
