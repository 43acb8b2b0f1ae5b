"""Programs of the ninth acceptance hunt, aimed at what the last round added: squares of
a norm of integers, ``r * r`` of ``r = np.sqrt(s)`` with ``r`` changed in place, function
defaults rebound in branches, lists repeated by NumPy integers, objects built in the
function, generators handing their items to helpers and exceptions caught with ``as``.
Every entry of CASES is (name, f, args, wrt): astgrad must give Python's derivative, or
refuse. Used by tests/test_hunt9_programs.py."""

import dataclasses

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
K8 = np.array([12, -3, 5], dtype=np.int8)
CASES, case = case_table((X3, 0.8))


# -- squares of roots and norms ----------------------------------------------------------

@case("n01 the norm of an int8 array squared (norm reads it as float64)", args=(X3, K8, 0.8), wrt=(0, 2))
def n01(x, k, w):
    return np.sum(x) * w * np.linalg.norm(k) ** 2


@case("n02 the norm of a list of ints whose squares pass int64, squared", args=(X3, [2 ** 40, 3], 0.8), wrt=(0, 2))
def n02(x, k, w):
    return np.sum(x) * w * (np.linalg.norm(k) ** 2 / 1e24)


@case("n03 r = np.sqrt(s), an item of r written, then r * r")
def n03(x, w):
    r = np.sqrt(x * x * w)
    r[0] = 0.5
    return np.sum(r * r)


@case("n04 r = np.sqrt(s), another name of r added to in place, then r * r")
def n04(x, w):
    r = np.sqrt(x * x * w)
    q = r
    q += 1.0
    return np.sum(r * r)


@case("n05 r = np.sqrt(s) given to a helper writing into it, then r * r")
def n05(x, w):
    r = np.sqrt(x * x + w)
    _zero_first(r)
    return np.sum(r * r)


def _zero_first(a):
    a[0] = 0.0


@case("n06 r = np.sqrt(s) the output of np.multiply(r, 2.0, r), then r * r")
def n06(x, w):
    r = np.sqrt(x * x + w)
    np.multiply(r, 2.0, r)
    return np.sum(r * r)


@case("n07 r = np.sqrt(s) read as an operand, an item and a shape: still s")
def n07(x, w):
    r = np.sqrt(x * x * w + 1.0)
    return np.sum(r * r) + r[0] * r.shape[0] + np.sum(np.exp(r))


@case("n08 r = np.sqrt of a 0-d array squared")
def n08(x, w):
    r = np.sqrt(np.asarray(np.sum(x * w) + 2.0))
    return r * r * w


@case("n09 r = np.sqrt of an int argument squared", args=(X3, 7, 0.8), wrt=(0, 2))
def n09(x, k, w):
    r = np.sqrt(k)
    return np.sum(x) * w * (r * r)


# -- functions chosen in branches, lists repeated and added ---------------------------------

def _relu(v):
    return np.maximum(v, 0.0)


def _softplus(v):
    return np.log1p(np.exp(v))


@case("b01 a default function rebound in an elif, with a second name")
def b01(x, w):
    act = np.tanh
    scale = 2.0
    if w > 1.0:
        act = _relu
    elif w > 0.5:
        act = _softplus
        scale = w
    return np.sum(act(x * w)) * scale


@case("b02 a function and a float bound by one tuple, rebound in a branch")
def b02(x, w):
    act, scale = np.tanh, w
    if w > 0.5:
        act, scale = _softplus, 2.0 * w
    return np.sum(act(x) * scale)


@case("b03 a list of a float and an item repeated numpy.int64(2) times")
def b03(x, w):
    ws = [w, x[0]] * np.int64(2)
    return sum(v * x[1] for v in ws) + np.sum(x)


@case("b04 a tuple repeated numpy.int32(2) times, from the left")
def b04(x, w):
    ws = np.int32(2) * (w, x[2])
    return sum(ws) * x[0]


@case("b05 a list repeated in place by numpy.int64, and a list + list")
def b05(x, w):
    ws = [w, x[0]]
    ws *= np.int64(2)
    both = ws + [x * w]
    return sum(both[:4]) * x[1] + np.sum(both[4])


# -- objects, generators, exceptions ------------------------------------------------------------

@dataclasses.dataclass
class _Record:
    a: np.ndarray
    b: float


class _Layer:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, x):
        return np.tanh(self.w * x + self.b)


@case("o01 a dataclass built here, a field rebound")
def o01(x, w):
    p = _Record(x * w, w)
    p.b = p.b * 3.0
    return np.sum(p.a) * p.b


@case("o02 an object built here given a new attribute after __init__")
def o02(x, w):
    layer = _Layer(w, x[0])
    layer.extra = x * w
    return np.sum(layer(x) * layer.extra)


def _pairs(x, w):
    for i in range(len(x) - 1):
        yield x[i] * w, x[i + 1]


def _scaled(v, w):
    k = 0
    for t in v:
        k += 1
        yield t * w * k


def _use(a, b):
    return a * np.sin(b)


@case("g01 a generator's items handed to a helper in a loop and in enumerate")
def g01(x, w):
    total = 0.0
    for a, b in _pairs(x, w):
        total = total + _use(a, b)
    for i, v in enumerate(_scaled(x, w)):
        total = total + _use(v, float(i))
    return total


@case("g02 two generators with state zipped")
def g02(x, w):
    return sum(a * b for a, b in zip(_scaled(x, w), _scaled(x, 1.0)))


@case("e01 an exception caught as e, read for its int and its text")
def e01(x, w):
    try:
        raise ValueError(3)
    except ValueError as e:
        k = e.args[0] + len(str(e))
    return np.sum(x) * w * k


def _cycle(v):
    while True:
        for t in v:
            yield t


def cycled_with_zip(x, w):
    """zip of a generator that never ends and an array: Python stops at the array's end."""
    return sum(a * b for a, b in zip(_cycle([w, x[0]]), x))
