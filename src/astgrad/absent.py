"""What ``astgrad.nn``, ``astgrad.optim``, ``astgrad.cuda``, ... say: names of PyTorch's
``torch`` namespace that astgrad does not provide, with what to use instead, rather than
Python's bare ``module 'astgrad' has no attribute``. No imports: asking for a missing
name (``hasattr``) stays cheap."""

__all__ = ["absent_attribute", "NAMES"]

_LAYERS = ("write the layers as functions of tensors (x @ w.T + b, astgrad.relu, astgrad.softmax, "
           "astgrad.log_softmax, ...) with the parameters as leaf tensors, astgrad.tensor(..., "
           "requires_grad=True), and differentiate with astgrad.autograd.grad or loss.backward()")
_CPU = "astgrad tensors are NumPy arrays on the CPU: leave devices out (t.cpu() gives the tensor itself)"

_INSTEAD = {
    "nn": "astgrad has no neural-network modules; " + _LAYERS,
    "optim": "astgrad has no optimizers; update the parameters under astgrad.no_grad(), "
             "p -= lr * p.grad, then p.grad = None",
    "cuda": _CPU,
    "device": _CPU,
    "mps": _CPU,
    "backends": _CPU,
    "jit": "astgrad compiles the derivative itself, as Python source: there is nothing to script or trace",
    "compile": "astgrad compiles the derivative itself, as Python source: call the function as it is",
    "func": "astgrad's function transforms are astgrad.grad, astgrad.vjp, astgrad.jvp, astgrad.jacobian, "
            "astgrad.hessian and astgrad.hvp (on NumPy functions), and astgrad.autograd.functional",
    "linalg": "numpy.linalg functions with derivative rules are recorded on tensors "
              "(numpy.linalg.norm(t), ...); astgrad.rules('linalg') lists them",
    "fft": "astgrad tensors hold real numbers only, and it has no FFT",
    "distributions": "astgrad has no probability distributions: write the log-density with tensor "
                     "methods (t.log(), t.square(), ...)",
    "utils": "astgrad has no data loaders or checkpointing: use NumPy arrays and "
             "astgrad.tensor",
    "save": "save the values: numpy.save(path, t.detach().numpy())",
    "load": "load the values: astgrad.tensor(numpy.load(path))",
}


def absent_attribute(name):
    """The AttributeError for ``astgrad.name``, with advice where ``name`` is PyTorch's."""
    message = f"module 'astgrad' has no attribute {name!r}"
    if name in _INSTEAD:
        message += f" (PyTorch's torch.{name}): {_INSTEAD[name]} (see docs/tape.md)"
    return AttributeError(message)


NAMES = frozenset(_INSTEAD)
