"""What asking a tensor for an attribute it does not have says: the name, that the tape
has no such method, and what to use instead (an out-of-place method for an in-place one,
the NumPy function of that name, or the values as an array), rather than Python's bare
``'Tensor' object has no attribute``."""

import numpy

from .graph import op_info

__all__ = ["missing_attribute"]

_DOCS = "the PyTorch methods it has are listed in docs/tape.md, under Tensor methods"

# PyTorch names whose answer is not one of the general ones below
_INSTEAD = {
    "cuda": "astgrad tensors are NumPy arrays on the CPU: leave .cuda() out (t.cpu() and t.to('cpu') give "
            "the tensor itself)",
    "device": "astgrad tensors are NumPy arrays on the CPU: there is no device to ask for",
    "register_hook": "astgrad differentiates the recorded program as a whole and runs no hooks; "
                     "change the gradient after astgrad.autograd.grad returns it",
    "stride": "its layout in memory is NumPy's: read t.detach().numpy().strides (in bytes)",
    "data_ptr": "its memory is NumPy's: read t.detach().numpy().ctypes.data",
    "storage": "its memory is NumPy's: t.detach().numpy() shares it",
}


def missing_attribute(tensor, name):
    """The AttributeError for ``tensor.name``, which the Tensor class does not have."""
    kind = type(tensor).__name__
    if name.startswith("_"):
        return AttributeError(f"'{kind}' object has no attribute '{name}'")
    return AttributeError(f"'{kind}' object has no attribute '{name}': astgrad's tape has no "
                          f"method or attribute {name} ({_DOCS}); {_instead(type(tensor), name)}")


def _instead(cls, name):
    if name in _INSTEAD:
        return _INSTEAD[name]
    if name.endswith("_") and callable(getattr(cls, name[:-1], None)):
        return (f"compute it out of place instead, t = t.{name[:-1]}(...), which is recorded the same "
                f"way (in place, astgrad records the updates listed in docs/tape.md)")
    function = getattr(numpy, name, None)
    if callable(function) and op_info(function)[0] != "unknown":
        return (f"numpy.{name}(t) is recorded on a tensor (astgrad has its derivative rule); check that "
                f"it takes PyTorch's arguments as you mean them (NumPy's axis= for dim=)")
    return ("compute it from the tensor's methods and NumPy functions, which are recorded, or, where no "
            "derivative is needed, on the values t.detach().numpy()")
