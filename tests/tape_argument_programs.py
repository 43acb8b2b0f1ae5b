"""The tape's functions and methods called with arguments of the wrong kind, against
PyTorch 2.13: a list, a number or None where PyTorch takes a Tensor, a bool or a float
where it takes an int, an int where it takes a bool, an index of the wrong dtype, a
dimension out of range, shapes that do not broadcast. Written once against PyTorch's API
and run with ``t = torch`` and ``t = astgrad`` (as tests/torch_programs.py).

Each program returns what each of its calls gave: "ok", or the exception's type and
message. A TypeError is reduced to its type and the argument its message names with
its position (``TypeError: argument 'other' (position 2)``), or to its type alone where
PyTorch's message lists its overloads ("received an invalid combination of arguments"):
those lists are PyTorch's, not astgrad's, and the type and the argument are what code
ported from PyTorch reads. Other errors keep their whole message.

``tests/torch_reference/record.py arguments`` stores what PyTorch gives in
``tests/torch_reference/arguments_golden.json``; ``tests/test_tape_torch_arguments.py``
checks astgrad against it.
"""

import re

from torch_programs import A, V, X

PROGRAMS = {}
_ARGUMENT = re.compile(r"argument '\w+'( \(position \d+\))?")


def _outcome(call):
    try:
        call()
        return "ok"
    except TypeError as error:      # the error is the result
        words = _ARGUMENT.search(str(error))
        return "TypeError" + (f": {words.group(0)}" if words and "invalid combination" not in str(error) else "")
    except Exception as error:      # the error is the result
        return f"{type(error).__name__}: {error}"


def as_pytorch_names(expected, actual):
    """``actual`` (a program's encoded outcome) with a TypeError naming its argument read
    as a plain TypeError where PyTorch's (``expected``) names none: it lists overloads."""
    got, wanted = actual.get("result"), expected.get("result")
    if not (isinstance(got, list) and isinstance(wanted, list) and len(got) == len(wanted)):
        return actual
    return {"result": [a if e != "TypeError" or not str(a).startswith("TypeError") else "TypeError"
                       for e, a in zip(wanted, got)]}


def _calls(name, *calls):
    """A program of the outcomes of ``calls``, each a function of the library."""
    PROGRAMS[name] = lambda t: [_outcome(lambda: call(t)) for call in calls]


def _f(t, data=A):
    return X(t, data, rg=False)


def _index(t, dtype=None):
    return t.tensor([[0, 1, 0], [1, 0, 1]], dtype=dtype or t.int64)


_calls("tensor_only_other",
       lambda t: _f(t, V).maximum(0.5), lambda t: _f(t, V).minimum([0.5] * 4), lambda t: t.maximum(_f(t, V), 0.5),
       lambda t: _f(t, V).atan2(0.5), lambda t: t.atan2(_f(t, V), 0.5), lambda t: _f(t, V).logaddexp(0.5),
       lambda t: t.logaddexp2(_f(t, V), 0.5), lambda t: _f(t, V).logaddexp2(None), lambda t: _f(t, V).kron(2.0),
       lambda t: t.kron(_f(t, V), 2.0), lambda t: _f(t, V).dot([1.0] * 4), lambda t: t.dot(_f(t, V), 1.0),
       lambda t: t.outer(_f(t, V), None), lambda t: _f(t).mm(1.0), lambda t: t.matmul(_f(t), None),
       lambda t: _f(t).cross(1.0), lambda t: _f(t).view_as([1.0]), lambda t: _f(t).expand_as([1.0]),
       lambda t: _f(t).copy_([1.0]), lambda t: t.lerp(_f(t), 1.0, 0.5), lambda t: t.addcmul(_f(t), [1.0], _f(t)))
_calls("tensor_or_number_other",
       lambda t: _f(t, V).add([1.0] * 4), lambda t: t.add(_f(t, V), None), lambda t: _f(t, V).mul([1.0] * 4),
       lambda t: t.sub(_f(t, V), [1.0] * 4), lambda t: _f(t, V).div(None), lambda t: _f(t, V).pow([2]),
       lambda t: t.pow(_f(t, V), None), lambda t: _f(t, V).copysign([1.0] * 4), lambda t: _f(t, V).xlogy([1.0] * 4),
       lambda t: _f(t, V).true_divide([1.0] * 4), lambda t: _f(t, V).floor_divide([1.0] * 4),
       lambda t: _f(t, V).add_([1.0] * 4), lambda t: _f(t, V).mul_(None), lambda t: _f(t, V).add(2.0),
       lambda t: t.mul(_f(t, V), 3), lambda t: _f(t, V).pow(2))
_calls("index_and_mask_arguments",
       lambda t: t.gather(_f(t), 0, [[0]]), lambda t: _f(t).gather(0, [[0]]), lambda t: _f(t).gather(1.0, _index(t)),
       lambda t: t.zeros(2, 3, dtype=t.float64).index_add(0, [0, 1], _f(t)),
       lambda t: t.zeros(2, 3, dtype=t.float64).scatter(0, [[0]], _f(t)),
       lambda t: t.zeros(2, 3, dtype=t.float64).scatter(0, _index(t), [[1.0]]),
       lambda t: t.zeros(2, 3, dtype=t.float64).index_fill(0, [0, 1], 1.0),
       lambda t: t.zeros(2, 3, dtype=t.float64).index_fill(0, t.tensor([0], dtype=t.int32), 1.0),
       lambda t: t.zeros(2, 3, dtype=t.float64).index_fill(0, t.tensor([0.0]), 1.0),
       lambda t: _f(t).masked_fill([[True, False, True], [False, True, False]], 0.0),
       lambda t: t.where([[True, False, True], [False, True, False]], _f(t), _f(t)),
       lambda t: _f(t).where([[True, False, True], [False, True, False]], 0.0),
       lambda t: t.where(_f(t) > 0, _f(t), [1.0]), lambda t: t.where(_f(t) > 0, 1.0, _f(t)))
_calls("dims_out_of_range",
       lambda t: t.zeros(2, 3, dtype=t.float64).scatter(5, _index(t), _f(t)),
       lambda t: t.zeros(2, 3, dtype=t.float64).scatter_(-3, _index(t), _f(t)),
       lambda t: t.zeros(2, 3, dtype=t.float64).scatter_add(2, _index(t), _f(t)),
       lambda t: t.zeros(2, 3, dtype=t.float64).index_add(4, t.tensor([0, 1]), _f(t)),
       lambda t: t.zeros(2, 3, dtype=t.float64).index_fill(2, t.tensor([0]), 1.0))
_calls("bool_and_float_dims",
       lambda t: _f(t).cumprod(True), lambda t: t.cummax(_f(t), True), lambda t: _f(t).cummin(1.0),
       lambda t: t.logcumsumexp(_f(t), True), lambda t: _f(t).unsqueeze(True), lambda t: t.unsqueeze(_f(t), None),
       lambda t: t.unbind(_f(t), True), lambda t: _f(t).flip(True), lambda t: t.flip(_f(t), (0, 1.0)),
       lambda t: _f(t).squeeze(True), lambda t: _f(t).argsort(True), lambda t: _f(t).sum(True),
       lambda t: t.amax(_f(t), True), lambda t: _f(t).softmax(True), lambda t: t.log_softmax(_f(t), 1.0),
       lambda t: _f(t).select(1.0, 0), lambda t: _f(t).select(1, 0.0), lambda t: _f(t).chunk(1.5),
       lambda t: _f(t).topk(1.0), lambda t: _f(t).diagonal(0.0), lambda t: _f(t).diff(1.0),
       lambda t: t.tril(_f(t), 1.0), lambda t: _f(t).triu(True), lambda t: t.roll(_f(t), 1.0, 0),
       lambda t: _f(t).amax((0, 1.0)), lambda t: t.roll(_f(t), 1, True), lambda t: _f(t).roll((1, 1.0), (0, 1)),
       lambda t: _f(t).flip(0, 1.0),
       lambda t: t.argmax(_f(t), True), lambda t: _f(t).argmin(1.0), lambda t: t.cumsum(_f(t), 1.0),
       lambda t: _f(t).logsumexp((0, 1.0)), lambda t: t.logsumexp(_f(t), True), lambda t: t.cat([_f(t), _f(t)], True),
       lambda t: _f(t).flatten(0, 1.0), lambda t: t.eye(2.0), lambda t: _f(t).argmax(1), lambda t: t.eye(2, 3),
       lambda t: _f(t).cumprod(1), lambda t: _f(t).softmax(-1), lambda t: _f(t).flip(0, 1))
_calls("bool_arguments",
       lambda t: _f(t).logsumexp(1, keepdim=1), lambda t: (_f(t) > 0).all(1, keepdim=1),
       lambda t: (_f(t) > 0).any(0, keepdim=0), lambda t: t.sort(_f(t), 1, 1), lambda t: _f(t).sort(descending=1),
       lambda t: _f(t).argsort(dim=1, descending="a"), lambda t: _f(t).logsumexp(1, keepdim=True))
_calls("tensor_sequences",
       lambda t: t.cat([_f(t), [[1.0, 2.0, 3.0]]]), lambda t: t.cat([_f(t), 1.0]),
       lambda t: t.stack([_f(t), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]), lambda t: t.cat(_f(t)))
_calls("creation_and_reduction_arguments",
       lambda t: t.zeros_like([1.0, 2.0]), lambda t: t.ones_like(1.0), lambda t: t.full((2,), [1.0]),
       lambda t: t.full((2,), None), lambda t: t.full((2,), 1.5), lambda t: t.zeros_like(_f(t)),
       lambda t: t.prod(_f(t), (0, 1)), lambda t: _f(t).prod(True), lambda t: t.var(_f(t), 1, 2),
       lambda t: _f(t).std(1, 0), lambda t: _f(t).var(1, True), lambda t: _f(t).cumsum(), lambda t: t.cumsum(_f(t)),
       lambda t: _f(t).cumsum(0), lambda t: t.tensor("abc"), lambda t: t.tensor([1.0, "a"]), lambda t: t.tensor(None),
       lambda t: t.tensor([[None]]), lambda t: t.tensor([1, 2.5]))
_calls("values_and_repeated_dims",
       lambda t: _f(t).fill_([1.0]), lambda t: _f(t).fill_(None), lambda t: _f(t).fill_(_f(t, [1.0, 2.0])),
       lambda t: _f(t).fill_(t.tensor(2.0, dtype=t.float64)), lambda t: _f(t).add(_f(t), alpha="a"),
       lambda t: _f(t).sub(_f(t), alpha=None), lambda t: _f(t).add(_f(t), alpha=t.tensor(2.0, dtype=t.float64)),
       lambda t: t.addcmul(_f(t), _f(t), _f(t), value="a"), lambda t: _f(t).sum((0, -2)), lambda t: t.amax(_f(t), (1, 1)),
       lambda t: _f(t).mean((0, 1)), lambda t: t.polygamma(t.tensor(1), _f(t, [0.5, 2.0])),
       lambda t: _f(t, [0.5, 2.0]).polygamma(t.tensor([1])))
_calls("shapes_before_dtypes",
       lambda t: t.logaddexp2(t.tensor([1, 2, 3]), t.tensor([1, 2])),
       lambda t: t.logaddexp(t.tensor([1, 2, 3]), t.tensor([1, 2])),
       lambda t: t.hypot(t.tensor([1, 2, 3]), t.tensor([1, 2])), lambda t: t.fmod(t.tensor([True]), t.tensor([True])),
       lambda t: t.logaddexp2(t.tensor([1, 2, 3]), t.tensor([1, 2, 4])),
       lambda t: t.where(_f(t) > 0, _f(t, [1.0, 2.0]), _f(t)), lambda t: t.clamp(_f(t), _f(t, [0.0, 1.0])),
       lambda t: _f(t).where(_f(t) > 0, _f(t, [[1.0], [2.0], [3.0]])))
_calls("pytorch_exception_types",
       lambda t: _f(t).index_put_([0], t.tensor(1.0, dtype=t.float64)),
       lambda t: _f(t).index_put([t.tensor([0]), 1], t.tensor(1.0, dtype=t.float64)),
       lambda t: _f(t).index_put_(t.tensor([0]), t.tensor(1.0, dtype=t.float64)),
       lambda t: _f(t).index_put_([t.tensor([0])], 1.0),
       lambda t: _f(t).index_put_((t.tensor([0]), t.tensor([1])), t.tensor(1.0, dtype=t.float64)),
       lambda t: t.cross(_f(t, [1.0, 2.0, 3.0]), _f(t, [1.0, 2.0])),
       lambda t: _f(t, [[1.0, 2.0, 3.0]]).cross(_f(t, [[1.0, 2.0]])),
       lambda t: t.cross(_f(t, [[1.0, 2.0, 3.0]] * 2), _f(t, [[1.0, 2.0, 3.0]] * 4)),
       lambda t: t.cross(_f(t, [[1.0]]), _f(t, [[1.0, 2.0, 3.0]])),
       lambda t: t.norm(_f(t), p="x"), lambda t: _f(t, V).norm(p="x"),
       lambda t: t.softmax(_f(t), 1, "float"), lambda t: _f(t).log_softmax(1, "float"),
       lambda t: t.cumsum(_f(t), 1, dtype="a"), lambda t: _f(t).cumprod(1, dtype="a"),
       lambda t: _f(t) & _f(t), lambda t: _f(t) | _f(t), lambda t: _f(t) ^ _f(t),
       lambda t: t.tensor([1, 2]) & _f(t, [1.0, 2.0]), lambda t: True | _f(t), lambda t: t.tensor([1, 2]) & t.tensor([3, 1]))


def floor_divide_number_first(t):
    """torch.floor_divide(2.0, x): a number first, as div(2.0, x, rounding_mode="floor")."""
    x = X(t, [1.5, -2.0, 3.0, 0.0, -0.0, -0.7])
    out = t.zeros(6, dtype=t.float64)
    t.floor_divide(7.0, x.detach(), out=out)
    return {"y": t.floor_divide(2.0, x), "float32": t.floor_divide(2.0, x.float()),
            "ints": t.floor_divide(7, t.tensor([2, -2, 3, -4])), "bools": t.floor_divide(2, t.tensor([True])),
            "out": out, "cross_broadcast": t.cross(X(t, [[1.0, 2.0, 3.0]]), X(t, [[0.5, -1.0, 2.0], [1.0, 0.0, 1.0]]))}


def polygamma_at_the_poles(t):
    """Of order 2 and 3 at -1, -2 and 0 (order 1 there: docs/tape.md)."""
    x = X(t, [-1.0, -2.0, 0.0, -3.0])
    return {"y2": t.polygamma(2, x), "y3": t.polygamma(3, x), "y0": t.polygamma(0, x),
            "y2_float32": x.float().polygamma(2)}


def polygamma_1_at_the_poles(t):
    return {"y": t.polygamma(1, X(t, [-1.0, -2.0]))}


PROGRAMS["polygamma_at_the_poles"] = polygamma_at_the_poles
PROGRAMS["polygamma_1_at_the_poles"] = polygamma_1_at_the_poles
PROGRAMS["floor_divide_number_first"] = floor_divide_number_first
_calls("index_put_accumulate_and_bool_remainders",
       lambda t: _f(t).index_put_((t.tensor([0]),), t.tensor(1.0, dtype=t.float64), accumulate=1),
       lambda t: _f(t).index_put((t.tensor([0]),), t.tensor(1.0, dtype=t.float64), accumulate=None),
       lambda t: _f(t).index_put_((t.tensor([0]),), t.tensor(1.0, dtype=t.float64), accumulate=True),
       lambda t: t.remainder(t.tensor([True, False]), t.tensor([True, True])),
       lambda t: t.tensor([True, False]) % t.tensor([True, True]), lambda t: t.tensor([True]).remainder(True),
       lambda t: t.tensor([True, False]) % 2, lambda t: t.fmod(t.tensor([True]), True),
       lambda t: t.floor_divide(True, True), lambda t: t.sub(True, False), lambda t: t.pow(2.0, 3.0),
       lambda t: t.remainder(7.0, 2.0), lambda t: _f(t) // [1.0, 2.0, 3.0], lambda t: [1.0, 2.0, 3.0] // _f(t),
       lambda t: _f(t) % [1.0, 2.0, 3.0], lambda t: [1.0, 2.0, 3.0] % _f(t))
