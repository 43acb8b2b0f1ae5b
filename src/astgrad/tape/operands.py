"""The operands PyTorch's operators leave to Python: a list or a tuple, a namedtuple or
another subclass of either among them (``t + P(1.0, 2.0)``), None and a string. The
operator gives back NotImplemented, so Python raises its TypeError ("unsupported operand
type(s) for +: 'Tensor' and 'NoneType'"), ``==`` is False, and ``*`` is the sequence's
repetition, as with PyTorch."""

__all__ = ["LEFT_TO_PYTHON"]


class _SequenceTypes(dict):
    """Type -> whether it is a list, a tuple (or a subclass), None or a string, worked out once per type:
    a dictionary lookup on the operators' hot path, cheaper than isinstance on a tensor."""

    def __missing__(self, kind):
        # a sequence defining __array__ says itself what it is as an array (return_types'
        # pairs raise their own advice)
        answer = self[kind] = issubclass(kind, (list, tuple, type(None), str)) and not hasattr(kind, "__array__")
        return answer


LEFT_TO_PYTHON = _SequenceTypes()
