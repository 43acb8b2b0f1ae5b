"""``astgrad.autograd.functional``: ``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp`` and
``vhp`` of a function of tensors, with ``torch.autograd.functional``'s arguments and
result structure.

Each calls the function on fresh tensors, then ``astgrad.autograd.grad``, which runs the
engine's generated adjoint of the recorded program. A Jacobian seeds one output element
at a time with the same program (the seed is a parameter, so the adjoint is generated
once); ``jvp`` is the transpose of a vector-Jacobian product (grad of grad, the
engine's code differentiated again); ``hessian`` is the Jacobian of the gradient.
"""

import numpy

from . import program
from .record import TensorBase, make_tensor

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]


def _as_tuple(value, arg_name, fn_name):
    """(was it a tuple, the tensors): a tensor or a tuple of tensors, as PyTorch accepts."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, v in enumerate(values):
        if not isinstance(v, TensorBase):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                            f"Tensors but {where} has type {type(v)}.")
    return is_tuple, values


def _prepare(inputs, create_graph):
    """Tensors to differentiate with respect to: new leaves, or (with ``create_graph`` and
    an input that requires grad) a recorded view, so the result stays connected to it."""
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(x.reshape(x.shape))
        else:
            out.append(make_tensor(x._data, None, False).requires_grad_(True))
    return tuple(out)


def _grads(outputs, inputs, seeds, create_graph, strict, unused_message):
    """grad of ``outputs`` (seeded) w.r.t. ``inputs``, zeros where an input is unused
    (with ``strict``, an unused input raises ``unused_message(k)``)."""
    live = [(o, s) for o, s in zip(outputs, seeds) if o.requires_grad]
    if strict and len(live) < len(outputs):
        raise RuntimeError("Output 0 of the user-provided function does not require gradients. The "
                           "outputs must be computed in a differentiable manner from the input when "
                           "running in strict mode.")
    found = (program.grad([o for o, _ in live], inputs, [s for _, s in live], retain_graph=True,
                          create_graph=create_graph, allow_unused=True)     # jacobian: once per row
             if live else (None,) * len(inputs))
    result = []
    for k, (g, x) in enumerate(zip(found, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(unused_message(k))
            g = make_tensor(numpy.zeros_like(x._data), None, False)
        result.append(g)
    return tuple(result)


def _independent(name):
    return lambda k: (f"The {name} computed with strict=True is independent of input {k}. This is "
                      "not allowed in strict mode.")


def _finish(values, create_graph):
    return tuple(v if create_graph else v.detach() for v in values)


def _grouped(result, outer_tuple, inner_tuple):
    if not outer_tuple:
        result = result[0]
        return result if inner_tuple else result[0]
    return tuple(r if inner_tuple else r[0] for r in result)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for each output and input a tensor of shape
    ``output.shape + input.shape`` (``torch.autograd.functional.jacobian``)."""
    from .torch_functions import stack
    _check_strategy(strategy, vectorize)
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError(
            'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are '
            'not supported together (yet). Please either set `create_graph=False` or '
            '`strategy="reverse-mode"`.'.replace("torch.", "astgrad."))
    in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = _prepare(inputs, create_graph)
    out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
    blocks = []
    for i, out in enumerate(outputs):
        rows = [[] for _ in inputs]
        if strict and not out.requires_grad:
            raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. "
                               "The outputs must be computed in a differentiable manner from the input "
                               "when running in strict mode.")
        unused = (lambda k, i=i: f"Output {i} of the user-provided function is independent of input "
                                 f"{k}. This is not allowed in strict mode.")
        for j in range(out._data.size):
            seed = numpy.zeros(out._data.shape, dtype=out._data.dtype)
            seed.reshape(-1)[j] = 1.0
            for k, g in enumerate(_grads((out,), inputs, (seed,), create_graph, strict, unused)):
                rows[k].append(g)
        blocks.append(tuple(_block(r, out, x, create_graph, stack) for r, x in zip(rows, inputs)))
    return _grouped(blocks, out_tuple, in_tuple)


def _check_strategy(strategy, vectorize):
    """PyTorch's checks of ``strategy`` (both strategies compute the same Jacobian here)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                             'your function has more outputs than inputs, "forward-mode" tends to be more '
                             'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                  "only implemented for `vectorize=True`.")


def _block(rows, out, x, create_graph, stack):
    shape = out._data.shape + x._data.shape
    if not rows:
        return make_tensor(numpy.zeros(shape, dtype=x._data.dtype), None, False)
    stacked = stack(rows) if create_graph else make_tensor(numpy.stack([r._data for r in rows]), None, False)
    return stacked.reshape(shape)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar ``func`` at ``inputs`` (``torch.autograd.functional.hessian``)."""
    _check_strategy(outer_jacobian_strategy, vectorize)
    in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def scalar(*args):
        out = func(*args)
        _check_scalar(out, "hessian")
        return out.reshape(())

    def gradient(*args):
        return jacobian(scalar, args, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict)
    return result if in_tuple else result[0][0]


def _check_scalar(out, name):
    if isinstance(out, tuple) and len(out) == 1:
        out = out[0]
    if not isinstance(out, TensorBase):
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if out._data.size != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a "
                           "single element")


def _vector(v, like, in_tuple, fn_name, what, verb="is "):
    if v is None:
        if len(like) != 1 or like[0]._data.size != 1:
            raise RuntimeError(f"The vector v can only be None if the {what} {verb}a single Tensor with "
                               "a single element.")
        return (make_tensor(numpy.ones_like(like[0]._data), None, False),)
    _, v = _as_tuple(v, "v", fn_name)
    if len(v) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}.")
    for i, (a, b) in enumerate(zip(v, like)):
        if a._data.shape != b._data.shape:
            where = f"Entry {i} in " if in_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be astgrad.Size({list(b._data.shape)}) "
                               f"but got astgrad.Size({list(a._data.shape)}).")
    return v


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)`` (``torch.autograd.functional.vjp``)."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    inputs = _prepare(inputs, create_graph)
    out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
    v = _vector(v, outputs, out_tuple, "vjp", "user-provided function returns", "")
    result = _grads(outputs, inputs, v, create_graph, strict, _independent("vjp"))
    outputs = _finish(outputs, create_graph)
    return (outputs if out_tuple else outputs[0]), (_finish(result, create_graph) if in_tuple
                                                    else _finish(result, create_graph)[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)`` (``torch.autograd.functional.jvp``), as the transpose of a
    vector-Jacobian product: the gradient of ``u -> u^T J`` seeded with ``v``."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    inputs = _prepare(inputs, create_graph)
    v = _vector(v, inputs, in_tuple, "jvp", "input to the user-provided function")
    out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
    dummies = tuple(make_tensor(numpy.zeros_like(o._data), None, False).requires_grad_(o.requires_grad)
                    for o in outputs)
    vjps = _grads(outputs, inputs, dummies, True, strict, _independent("jvp"))
    pairs = [(g, x) for g, x in zip(vjps, v) if g.requires_grad]
    live = tuple(d for d in dummies if d.requires_grad)
    if pairs and live:
        found = program.grad([g for g, _ in pairs], live, [x for _, x in pairs],
                             create_graph=create_graph, allow_unused=True)
    else:
        found = (None,) * len(live)
    found = iter(found)
    result = []
    for o, d in zip(outputs, dummies):
        g = next(found) if d.requires_grad else None
        result.append(g if g is not None else make_tensor(numpy.zeros_like(o._data), None, False))
    outputs = _finish(outputs, create_graph)
    result = _finish(result, create_graph)
    return (outputs if out_tuple else outputs[0]), (tuple(result) if out_tuple else result[0])


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a scalar ``func`` (``torch.autograd.functional.vhp``)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for a scalar ``func`` (``torch.autograd.functional.hvp``); the
    Hessian of a twice differentiable function is symmetric, so this is ``v^T H``."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, name):
    in_tuple, inputs = _as_tuple(inputs, "inputs", name)
    inputs = _prepare(inputs, create_graph)
    v = _vector(v, inputs, in_tuple, name, "input to the user-provided function")
    out = func(*inputs)
    _check_scalar(out, name)
    if isinstance(out, tuple):
        out = out[0]
    ones = (numpy.ones_like(out._data),)
    grads = _grads((out,), inputs, ones, True, strict, _independent(name))
    pairs = [(g, x) for g, x in zip(grads, v) if g.requires_grad]
    if pairs:
        result = _grads(tuple(g for g, _ in pairs), inputs, tuple(x for _, x in pairs), create_graph,
                        strict, _independent(name))
    else:
        result = tuple(make_tensor(numpy.zeros_like(x._data), None, False) for x in inputs)
    out = out if create_graph else out.detach()
    result = _finish(result, create_graph)
    return out, (result if in_tuple else result[0])
