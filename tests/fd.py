"""Finite-difference correctness oracle for astgrad's tests.

Plain NumPy on purpose: nothing here imports astgrad, so a bug in the library
cannot hide in its own oracle. Everything is computed in float64 with central
differences, whose error is O(h**2); compare against it with assert_close at
the default tolerances (rtol=1e-5, atol=1e-6) for smooth functions of O(1)
inputs.
"""

import numbers
import warnings

import numpy as np

__all__ = ["numerical_grad", "numerical_jvp", "numerical_hessian", "assert_close", "random_args",
           "flatten", "unflatten", "is_leaf"]


def _is_python_scalar(x):
    """True for a real number that is not an array (float, int, np.float64)."""
    return isinstance(x, numbers.Real) and not isinstance(x, np.ndarray)


def _as_float64(x):
    """A float64 ndarray copy of x (a scalar becomes a 0-d array)."""
    return np.array(x, dtype=np.float64, copy=True)


def _rebuild(like, values):
    """values (float64 ndarray) in the form f expects: a Python float where
    the original argument was a Python number, np.float64 where it was a NumPy
    scalar, otherwise a fresh array."""
    if _is_python_scalar(like):
        return np.float64(values) if isinstance(like, np.generic) else float(values)
    return values.copy(order="K")      # the argument's layout: a reshape of it copies or views as f's does


def _contract(out, seed):
    """The scalar sum(seed * out); seed=None means all ones.

    A tuple or list output is contracted element by element with a seed of
    the same structure (or None) and the results are added.
    """
    if isinstance(out, (tuple, list)):
        if seed is None:
            seed = (None,) * len(out)
        if not isinstance(seed, (tuple, list)) or len(seed) != len(out):
            raise ValueError(
                f"seed must be a tuple/list of {len(out)} entries to match "
                f"f's output, got {type(seed).__name__}"
            )
        return sum(_contract(o, s) for o, s in zip(out, seed))
    if seed is None and type(out) in (float, np.float64):     # the commonest output, as is
        return float(out)
    out = np.asarray(out, dtype=np.float64)
    if seed is None:
        return float(np.sum(out))
    seed = np.asarray(seed, dtype=np.float64)
    if seed.shape != out.shape:
        raise ValueError(
            f"seed shape {seed.shape} does not match output shape {out.shape}"
        )
    return float(np.sum(seed * out))


def numerical_grad(f, args, wrt=0, eps=1e-6, seed=None):
    """Gradient of sum(seed * f(*args)) by central finite differences.

    args: tuple of arguments (a single non-tuple value is taken as one arg).
    wrt:  index, or tuple of indices, of the arguments to differentiate. Each
          must be a real number or an array of them; it is converted to a
          float64 copy before being perturbed (a NumPy scalar to np.float64, a
          Python number to a float), laid out as the argument is (a Fortran-ordered
          array stays so: whether f's reshape of it is a view depends on that).
    eps:  relative step; element i moves by h = eps * max(1, |x_i|).
    seed: cotangent with the shape of f's output (a matching tuple if f
          returns a tuple). Default: ones, i.e. the gradient of sum(f).

    Returns the gradient with the argument's shape (a Python float for a
    Python-scalar argument, a 0-d array for a 0-d array); a tuple of them when
    wrt is a tuple.
    """
    if not isinstance(args, tuple):
        args = (args,)
    single = isinstance(wrt, numbers.Integral)
    indices = (wrt,) if single else tuple(wrt)

    grads = []
    for i in indices:
        x = args[i]
        scalar = _is_python_scalar(x)
        base = _as_float64(x)
        grad = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            h = eps * max(1.0, abs(base[idx]))
            plus, minus = base.copy(order="K"), base.copy(order="K")
            plus[idx] += h
            minus[idx] -= h
            # The step actually taken after float64 rounding, for accuracy.
            step = plus[idx] - minus[idx]
            vals = []
            for pert in (plus, minus):      # each a fresh array, f's alone (as _rebuild gives)
                call_args = list(args)
                # a NumPy scalar stays one (np.float64 compares, divides and meets complex
                # numbers as NumPy does, not as a Python float)
                call_args[i] = _rebuild(x, pert) if scalar else pert
                vals.append(_contract(f(*call_args), seed))
            grad[idx] = (vals[0] - vals[1]) / step
        grads.append(float(grad) if _is_python_scalar(x) else grad)
    return grads[0] if single else tuple(grads)


def _combine(plus, minus, denom):
    """(plus - minus) / denom over f's output structure."""
    if isinstance(plus, (tuple, list)):
        return type(plus)(_combine(p, m, denom) for p, m in zip(plus, minus))
    diff = (np.asarray(plus, dtype=np.float64)
            - np.asarray(minus, dtype=np.float64)) / denom
    return float(diff) if diff.ndim == 0 else diff


def numerical_jvp(f, args, tangents, eps=1e-6):
    """Directional derivative (f(args + h*t) - f(args - h*t)) / (2h).

    tangents is a tuple aligned with args; None leaves that argument as is.
    Each tangent must have its argument's shape. h = eps * max(1, largest
    |x| among the perturbed arguments). Returns a float for scalar outputs,
    a float64 array for array outputs, and the same tuple structure when f
    returns a tuple.
    """
    if not isinstance(args, tuple):
        args = (args,)
    if not isinstance(tangents, tuple):
        tangents = (tangents,)
    if len(tangents) != len(args):
        raise ValueError(
            f"got {len(tangents)} tangents for {len(args)} arguments"
        )

    perturbed = {}
    scale = 1.0
    for i, (x, t) in enumerate(zip(args, tangents)):
        if t is None:
            continue
        xb, tb = _as_float64(x), _as_float64(t)
        if xb.shape != tb.shape:
            raise ValueError(
                f"tangent {i} has shape {tb.shape}, argument has {xb.shape}"
            )
        perturbed[i] = (xb, tb)
        if xb.size:
            scale = max(scale, float(np.max(np.abs(xb))))
    h = eps * scale

    def shifted(sign):
        call_args = list(args)
        for i, (xb, tb) in perturbed.items():
            moved = xb.copy(order="K")      # the argument's layout, whatever the tangent's
            moved += sign * h * tb
            call_args[i] = _rebuild(args[i], moved)
        return f(*call_args)

    return _combine(shifted(+1.0), shifted(-1.0), 2.0 * h)


def is_leaf(x):
    """A float or a float array: what gets perturbed (ints, strings, None and objects
    are held fixed)."""
    return isinstance(x, (float, np.floating)) or (isinstance(x, np.ndarray) and x.dtype.kind == "f")


def flatten(x):
    if isinstance(x, (list, tuple)):
        return np.concatenate([flatten(item) for item in x]) if x else np.zeros(0)
    if isinstance(x, dict):
        return np.concatenate([flatten(item) for item in x.values()]) if x else np.zeros(0)
    return np.ravel(np.asarray(x, dtype=np.float64)) if is_leaf(x) else np.zeros(0)


def unflatten(like, vector):
    """``vector`` in the structure of ``like`` (Python floats stay floats)."""
    def build(item, offset):
        if isinstance(item, (list, tuple)):
            parts = []
            for sub in item:
                part, offset = build(sub, offset)
                parts.append(part)
            return (type(item)(*parts) if hasattr(item, "_fields") else type(item)(parts)), offset   # a namedtuple
        if isinstance(item, dict):
            out = {}
            for key, sub in item.items():
                out[key], offset = build(sub, offset)
            return out, offset
        if not is_leaf(item):
            return item, offset
        size = int(np.size(item))
        chunk = vector[offset:offset + size]
        if isinstance(item, np.ndarray):
            moved = np.empty_like(item, dtype=np.float64)     # laid out as item is (order "K")
            moved[...] = chunk.reshape(item.shape)
            return moved, offset + size
        return _rebuild(item, chunk[0]), offset + size
    value, _ = build(like, 0)
    return value


def numerical_hessian(gradient, args, wrt=0, eps=1e-6):
    """Central differences of ``gradient`` (a function of ``args`` returning a float,
    an array or a structure of them) w.r.t. argument ``wrt``: one column per entry of
    that argument (a float, an array, or a list/tuple/dict of them), stacked on the
    last axis of the flattened gradient."""
    x = args[wrt]
    base = flatten(x)
    columns = []
    for k in range(base.size):
        h = eps * max(1.0, abs(base[k]))
        values = []
        for sign in (1.0, -1.0):
            moved = base.copy()
            moved[k] += sign * h
            call = list(args)
            call[wrt] = unflatten(x, moved)
            values.append(flatten(gradient(*call)))
        columns.append((values[0] - values[1]) / (2 * h))
    return np.stack(columns, axis=-1)


def assert_close(actual, expected, rtol=1e-5, atol=1e-6, msg=""):
    """np.testing.assert_allclose, recursing through tuples/lists/dicts, and
    also requiring np.shape(actual) == np.shape(expected) at every leaf (so a
    (3,) result does not pass for a (3, 1) one through broadcasting).

    When only one side is a tuple/list it is compared as an array, so
    assert_close(grad_array, [2.0, 4.0]) works.
    """
    _assert_close(actual, expected, rtol, atol, msg, path="")


def _fail(msg, path, text):
    where = f" at {path}" if path else ""
    prefix = f"{msg}: " if msg else ""
    raise AssertionError(f"{prefix}{text}{where}")


def _assert_close(actual, expected, rtol, atol, msg, path):
    seqs = (tuple, list)
    if isinstance(actual, seqs) and isinstance(expected, seqs):
        if len(actual) != len(expected):
            _fail(msg, path, f"length {len(actual)} != expected length "
                             f"{len(expected)}")
        for k, (a, e) in enumerate(zip(actual, expected)):
            _assert_close(a, e, rtol, atol, msg, f"{path}[{k}]")
        return
    if isinstance(actual, dict) or isinstance(expected, dict):
        if not (isinstance(actual, dict) and isinstance(expected, dict)):
            _fail(msg, path, f"type {type(actual).__name__} != expected "
                             f"{type(expected).__name__}")
        if set(actual) != set(expected):
            _fail(msg, path, f"keys {sorted(map(repr, actual))} != expected "
                             f"{sorted(map(repr, expected))}")
        for k in expected:
            _assert_close(actual[k], expected[k], rtol, atol, msg,
                          f"{path}[{k!r}]")
        return
    if actual is None or expected is None:
        if actual is not expected:
            _fail(msg, path, f"{actual!r} != expected {expected!r}")
        return
    try:
        a_shape, e_shape = np.shape(actual), np.shape(expected)
    except ValueError as exc:  # ragged nested sequence
        _fail(msg, path, f"cannot compare as arrays ({exc})")
    if a_shape != e_shape:
        _fail(msg, path, f"shape {a_shape} != expected shape {e_shape}")
    if _close_plainly(actual, expected, rtol, atol):
        return
    err = f"{msg} (at {path})" if path else msg
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol,
                               err_msg=err)


_NUMBER_KINDS = "biufc"


def _plain_number(x):
    """A Python bool, int, float or complex, or a NumPy scalar or plain ndarray of them."""
    if type(x) in (float, int, complex, bool):
        return True
    if type(x) is np.ndarray or isinstance(x, np.generic):     # not a subclass (masked, matrix)
        return x.dtype.kind in _NUMBER_KINDS
    return False


def _close_plainly(actual, expected, rtol, atol):
    """Whether np.testing.assert_allclose(actual, expected, rtol, atol) would pass, where
    its answer is plainly np.isclose's everywhere (numbers and plain arrays of equal
    shapes): it flags the NaNs and infinities of either side, requires them in the same
    places (and the infinities equal), then applies np.isclose to the rest, which
    (equal_nan=True) answers the same at NaNs and infinities. False means "not shown
    here": assert_allclose then decides, and words the failure. About four times faster
    than assert_allclose's passing path, which builds its report's pieces on the way."""
    if not (_plain_number(actual) and _plain_number(expected)):
        return False
    # as arrays, as assert_allclose compares them: a Python float beside a float32 is then
    # a float64 array, not a float NumPy would compare in float32
    actual, expected = np.asarray(actual), np.asarray(expected)
    with np.errstate(all="ignore"):
        return bool(np.all(np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)))


def random_args(rng, *shapes):
    """A tuple with one standard-normal float64 value per shape.

    rng is a np.random.Generator (an int or None seeds a new one). A shape of
    () gives a Python float; an int n means (n,); any other tuple gives an
    array of that shape.
    """
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    out = []
    for shape in shapes:
        if isinstance(shape, numbers.Integral):
            shape = (int(shape),)
        shape = tuple(shape)
        if shape == ():
            out.append(float(rng.standard_normal()))
        else:
            out.append(rng.standard_normal(shape).astype(np.float64))
    return tuple(out)


# NumPy releases differ on two linear-algebra conventions some tests rely on: whether
# numpy.linalg.eig of a real matrix returns real arrays when its eigenvalues are real,
# and whether numpy.cross accepts 2-vectors.
EIG_RETURNS_COMPLEX = np.iscomplexobj(np.linalg.eig(np.diag([1.0, 2.0]))[0])
try:
    with warnings.catch_warnings():         # (NumPy 2 deprecates them: the probe needs no warning)
        warnings.simplefilter("ignore", DeprecationWarning)
        np.cross(np.ones(2), np.ones(2))
    CROSS_OF_2_VECTORS = True
except ValueError:
    CROSS_OF_2_VECTORS = False


def needs_real_eig(uses_eig=True):
    """Skip a test of eig's derivative where this NumPy gives complex eigenvalues of real
    matrices (astgrad differentiates eig where its results are real)."""
    if uses_eig and EIG_RETURNS_COMPLEX:
        import pytest
        pytest.skip(f"NumPy {np.__version__} returns complex eigenvalues for a real matrix")


def needs_cross_of_2_vectors(uses_it=True):
    if uses_it and not CROSS_OF_2_VECTORS:
        import pytest
        pytest.skip(f"NumPy {np.__version__} no longer takes 2-vectors in numpy.cross")
