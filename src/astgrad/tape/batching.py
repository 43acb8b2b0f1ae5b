"""``grad(..., is_grads_batched=True)``: one gradient per seed along the first
dimension of ``grad_outputs``, stacked (as PyTorch's vmap over the backward pass)."""

import numpy

from .record import TensorBase, apply, make_tensor

__all__ = ["batched"]


def batched(grad, outputs, inputs, grad_outputs, **options):
    """Call ``grad`` once per seed of the batch and stack each input's gradients."""
    outputs = (outputs,) if isinstance(outputs, TensorBase) else tuple(outputs)
    seeds = (grad_outputs,) if isinstance(grad_outputs, TensorBase) else tuple(grad_outputs or ())
    if len(seeds) < len(outputs) or any(s is None for s in seeds):
        raise RuntimeError("If `is_grads_batched=True`, we interpret the first dimension of each "
                           "grad_output as the batch dimension. The sizes of the remaining dimensions "
                           "are expected to match the shape of corresponding output, but a mismatch was "
                           "detected: grad_outputs must be given")
    size = len(seeds[0]._data if isinstance(seeds[0], TensorBase) else seeds[0])
    retain = options.pop("retain_graph")
    rows = [grad(outputs, inputs, [s[b] for s in seeds[:len(outputs)]],      # one backward pass:
                 retain_graph=retain if b == size - 1 else True, **options)  # freed after the last
            for b in range(size)]
    result = []
    for column in zip(*rows):
        if column[0] is None:
            result.append(None)
        elif options.get("create_graph") and any(g._rg for g in column):
            result.append(apply(numpy.stack, (list(column),)))
        else:
            result.append(make_tensor(numpy.stack([g._data for g in column]), None, False))
    return tuple(result)
