"""Helpers of the rules of NumPy's and SciPy's products and matrix functions
(``rules/runtime_rules.py``): tensordot, kron and cross specs, inverses, polynomials,
scipy.linalg's options and refusals, QR, LU, Cholesky, eigenvalue, SVD, lstsq, norm and
cond pieces. Generated code finds them through ``astgrad.runtime``.
"""

import numbers

import numpy

from .adjoint_values import AdjointList, zeros_like, _float_dtype
from .broadcasting import tie_weights
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# einsum's subscript letters (string.ascii_letters, without importing string at start-up)
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# -- products and matrix decompositions (rules in rules/runtime_rules.py) --------------------

_LABELS = _LETTERS


def tensordot_spec(a, b, axes=2):
    """The ``contract`` spec of ``numpy.tensordot(a, b, axes)`` over the tensors (a, b)."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if isinstance(axes, numbers.Integral):
        pairs = (list(range(na - axes, na)), list(range(axes)))
    else:
        pairs = axes
    on_a, on_b = ([pairs[0]] if isinstance(pairs[0], numbers.Integral) else list(pairs[0]),
                  [pairs[1]] if isinstance(pairs[1], numbers.Integral) else list(pairs[1]))
    labels_a = list(_LABELS[:na])
    labels_b = list(_LABELS[na:na + nb])
    for i, j in zip(on_a, on_b):
        labels_b[j % nb] = labels_a[i % na]
    contracted = {i % na for i in on_a}
    out = [c for i, c in enumerate(labels_a) if i not in contracted] + \
        [c for j, c in enumerate(labels_b) if j not in {k % nb for k in on_b}]
    return "".join(labels_a) + "," + "".join(labels_b) + "->" + "".join(out)


def _kron_padded(a, b):
    na, nb = numpy.ndim(a), numpy.ndim(b)
    n = max(na, nb)
    return n, (1,) * (n - na) + numpy.shape(a), (1,) * (n - nb) + numpy.shape(b)


def kron_blocks(a, b):
    """The shape that splits ``numpy.kron(a, b)`` into its blocks: (a0, b0, a1, b1, ...)."""
    n, pa, pb = _kron_padded(a, b)
    return tuple(size for pair in zip(pa, pb) for size in pair)


def kron_spec(a, b, argnum):
    """The ``contract`` spec of the adjoint of a (argnum 0) or b (argnum 1) in
    ``numpy.kron(a, b)``, over the tensors (cotangent split by kron_blocks, other operand)."""
    n = max(numpy.ndim(a), numpy.ndim(b))
    own_a, own_b = _LABELS[:n], _LABELS[n:2 * n]
    blocks = "".join(x + y for x, y in zip(own_a, own_b))
    a_term, b_term = own_a[n - numpy.ndim(a):], own_b[n - numpy.ndim(b):]
    return f"{blocks},{b_term}->{a_term}" if argnum == 0 else f"{blocks},{a_term}->{b_term}"


def _cross_axes(a, b, axisa, axisb, axisc, axis):
    if axis is not None:
        axisa = axisb = axisc = axis
    return axisa % numpy.ndim(a), axisb % numpy.ndim(b), axisc


def cross_spec(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The ``contract`` spec of ``numpy.cross`` over the tensors (a, b, levi_civita(...)):
    result_i = eps_ijk a_j b_k, over broadcast batch axes."""
    axisa, axisb, axisc = _cross_axes(a, b, axisa, axisb, axisc, axis)
    batch = max(numpy.ndim(a), numpy.ndim(b)) - 1
    labels = _LABELS[3:3 + batch]
    term_a = list(labels[batch - (numpy.ndim(a) - 1):])
    term_a.insert(axisa, "j")
    term_b = list(labels[batch - (numpy.ndim(b) - 1):])
    term_b.insert(axisb, "k")
    out = list(labels)
    if numpy.shape(a)[axisa] == 2 and numpy.shape(b)[axisb] == 2:
        return "".join(term_a) + "," + "".join(term_b) + ",jk->" + "".join(out)
    out.insert(axisc % (batch + 1), "i")
    return "".join(term_a) + "," + "".join(term_b) + ",ijk->" + "".join(out)


def levi_civita(a, b, axisa=-1, axisb=-1, axis=None):
    """The constant tensor of ``cross_spec``: eps[i, j, k] for the vector lengths of a and
    b (2 or 3), or eps[2, j, k] when both are 2-vectors (the result is then a scalar)."""
    axisa, axisb, _ = _cross_axes(a, b, axisa, axisb, -1, axis)
    eps = numpy.zeros((3, 3, 3), dtype=numpy.int8)
    for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        eps[i, j, k], eps[i, k, j] = 1, -1
    na, nb = numpy.shape(a)[axisa], numpy.shape(b)[axisb]
    return eps[2, :2, :2] if na == 2 and nb == 2 else eps[:, :na, :nb]


def quarter_turn(z):
    """``z`` turned a quarter (times 1j) where it is complex; 0 where it is real (the
    sign of numpy.linalg.slogdet of a real matrix is piecewise constant). Linear, and its
    own transpose."""
    if numpy.iscomplexobj(z):
        return z * 1j
    return numpy.zeros_like(z) if isinstance(z, numpy.ndarray) else 0.0


def in_result(t, y, index):
    """The derivative of the tuple ``y`` (``numpy.linalg.eigh``'s, ``qr``'s, ...) that is
    ``t`` for item ``index`` and zero for the others. Linear in t."""
    out = AdjointList(zeros_like(item) for item in y)
    out[index] = t
    return out


def column_shape(x, b):
    """x's shape with a trailing 1 when b is a vector (``numpy.linalg.solve`` then solves
    for one column), so x reshaped to it is a stack of matrices."""
    return numpy.shape(x) + (1,) if numpy.ndim(b) == 1 else numpy.shape(x)


def inverse_or_nan(a):
    """``numpy.linalg.inv(a)``, NaN for the singular matrices of a stack instead of an
    error: the derivative of log|det(a)| at a singular matrix does not exist."""
    try:
        return numpy.linalg.inv(a)
    except numpy.linalg.LinAlgError:
        a = numpy.asarray(a)
        flat = a.reshape((-1,) + a.shape[-2:])
        out = numpy.empty(flat.shape, dtype=numpy.result_type(a, 1.0))
        for i, m in enumerate(flat):
            try:
                out[i] = numpy.linalg.inv(m)
            except numpy.linalg.LinAlgError:
                out[i] = numpy.nan
        return out.reshape(a.shape)


def off_diagonal_inverse(x):
    """1 / x off the diagonal of the last two axes, 0 on it (inf where an off-diagonal x
    is 0: two equal eigenvalues or singular values)."""
    x = numpy.asarray(x)
    eye = numpy.eye(x.shape[-1], dtype=bool)
    with numpy.errstate(divide="ignore"):
        r = 1.0 / numpy.where(eye, numpy.ones((), x.dtype), x)
    return numpy.where(eye, numpy.zeros((), r.dtype), r)


def _is_upper(upper):
    return upper is True or (isinstance(upper, str) and upper.upper() == "U")


def _triangle_masks(n, upper, dtype):
    lower = numpy.tril(numpy.ones((n, n), dtype=dtype))
    strict = numpy.tril(numpy.ones((n, n), dtype=dtype), -1)
    return (lower.T, strict.T) if _is_upper(upper) else (lower, strict)


def triangle_symmetric(h, upper=False):
    """The symmetric matrix that a function reading only one triangle of ``h`` sees:
    the lower triangle (with the diagonal) mirrored, or the upper one when ``upper`` is
    True or 'U'. Linear in h; its transpose is ``triangle_symmetric_adjoint``."""
    h = numpy.asarray(h)
    own, strict = _triangle_masks(h.shape[-1], upper, _float_dtype(h) or numpy.float64)
    return h * own + numpy.swapaxes(h * strict, -1, -2)


def triangle_symmetric_adjoint(g, upper=False):
    """The transpose of ``triangle_symmetric``: g's diagonal, g[i, j] + g[j, i] on the
    triangle read, zeros on the other."""
    g = numpy.asarray(g)
    own, strict = _triangle_masks(g.shape[-1], upper, _float_dtype(g) or numpy.float64)
    return g * own + numpy.swapaxes(g, -1, -2) * strict


def transpose_if(x, flag):
    """x with its last two axes swapped when ``flag`` (cholesky's upper=True), else x."""
    return numpy.swapaxes(x, -1, -2) if flag else x


_POLYVAL_REFUSAL = ("astgrad: the derivative of numpy.polyval and numpy.polynomial.polynomial.polyval is "
                    "supported for a 1-D array of coefficients; these have shape {shape}")


def poly_powers(x, n):
    """The powers x**(n-1), ..., x**1, x**0 that numpy.polyval weighs by a polynomial's
    n coefficients, stacked on a new first axis; refuses coefficients that are not a
    vector (``n`` is then not an int)."""
    if not isinstance(n, int):
        raise NotImplementedError(_POLYVAL_REFUSAL.format(shape=n))
    x = numpy.asarray(x)
    return numpy.stack([x ** k for k in range(n - 1, -1, -1)]) if n else numpy.zeros((0,) + x.shape)


def poly_length(p):
    """The number of coefficients of the polynomial p (its shape if it is not 1-D, which
    ``poly_powers`` refuses)."""
    return numpy.size(p) if numpy.ndim(p) == 1 else numpy.shape(p)


def poly_exponents(x, n):
    """The exponents n-1, ..., 0 of ``poly_powers(x, n)``, shaped to multiply it."""
    exponents = numpy.arange(n - 1.0, -0.5, -1.0, dtype=numpy.result_type(x, 1.0))
    return exponents.reshape((n,) + (1,) * numpy.ndim(x))


def poly_slope(p):
    """``numpy.polyder(p)``, the coefficients of the derivative in x that the rules of
    numpy.polyval use; refuses coefficients that are not a vector, which polyval reads
    row by row and polyder does not."""
    n = poly_length(p)
    if not isinstance(n, int):
        raise NotImplementedError(_POLYVAL_REFUSAL.format(shape=n))
    return numpy.polyder(p)


def polyder_adjoint(g, p, m=1):
    """The transpose of ``numpy.polyder(., m)`` for coefficients shaped like the vector p:
    g times the factors polyder multiplied by, then m zeros (all zeros when p has at most
    m coefficients). Linear in g."""
    n = poly_length(p)
    if not isinstance(n, int):
        raise NotImplementedError("astgrad: the derivative of numpy.polyder is supported for a 1-D array of "
                                  f"coefficients; these have shape {n}")
    dtype = numpy.result_type(g, 1.0)
    factors = numpy.polyder(numpy.ones(n), m).astype(dtype)
    return numpy.concatenate((g * factors, numpy.zeros(min(m, n), dtype=dtype)))


def polyint_adjoint(g, p, m=1):
    """The transpose of ``numpy.polyint(., m)`` (constants 0) for coefficients shaped like
    the vector p: the first len(p) items of g times the factors polyint divides by; the
    last m items of g meet the constants only. Linear in g."""
    n = poly_length(p)
    if not isinstance(n, int):
        raise NotImplementedError("astgrad: the derivative of numpy.polyint is supported for a 1-D array of "
                                  f"coefficients; these have shape {n}")
    dtype = numpy.result_type(g, 1.0)
    factors = numpy.polyint(numpy.ones(n), m)[:n].astype(dtype)
    return g[:n] * factors


def polyint_constants_adjoint(g, k, m=1):
    """The transpose of the constants k of ``numpy.polyint(p, m, k)``, shaped like k: the
    constants make the last m coefficients (polyint of no coefficients with constants k);
    a scalar k stands for m equal constants, and constants past the m-th are unused."""
    m = int(m)
    dtype = numpy.result_type(g, 1.0)
    given = numpy.atleast_1d(numpy.asarray(k, dtype=dtype))
    if given.ndim != 1:
        raise NotImplementedError("astgrad: the derivative of numpy.polyint in k is supported for a scalar or "
                                  f"a vector of constants; these have shape {given.shape}")
    tail = g[len(g) - m:]
    # column j: the last m coefficients that constant j alone makes
    made = numpy.array([numpy.polyint(numpy.zeros(0), m, numpy.eye(1, m, j)[0]) for j in range(m)],
                       dtype=dtype).reshape(m, m)
    per_constant = made @ tail
    if numpy.ndim(k) == 0:
        return numpy.sum(per_constant)
    return numpy.concatenate((per_constant, numpy.zeros(len(given) - m, dtype)))


def triangle(x, lower, unit=False):
    """The triangle of x that scipy.linalg's triangular routines read: the lower one
    (the upper one when not ``lower``), without the diagonal when ``unit``. Linear in x
    and its own transpose."""
    k = int(bool(unit))
    return numpy.tril(x, -k) if lower else numpy.triu(x, k)


def scipy_upper(lower, overwrite, what):
    """``not lower``, the flag numpy.linalg's rules take; refuses ``overwrite_a=True`` or
    ``overwrite_b=True``, which lets SciPy write into the argument."""
    if overwrite:
        raise NotImplementedError(
            f"astgrad: {what} with overwrite_a=True or overwrite_b=True writes into its argument, which "
            "the derivative reads; drop the overwrite argument (the result is the same)")
    return not lower


# What to write instead of a scipy.linalg argument astgrad does not differentiate, by name
_SCIPY_ADVICE = {
    "assume_a": "drop assume_a (the inverse of the whole matrix is the same)",
    "b": "the generalized problem has no rule; reduce it to a standard one with scipy.linalg.cholesky of b "
         "and scipy.linalg.solve_triangular",
    "eigvals_only": "call scipy.linalg.eigvalsh(a) for the eigenvalues alone",
    "subset_by_index": "compute every eigenpair and index the result (w[lo:hi + 1])",
    "subset_by_value": "compute every eigenpair and select from the result",
    "return_rank": "drop return_rank and call numpy.linalg.matrix_rank for the rank",
}


_SCIPY_FOLLOWED = {"assume_a": ("gen", "general")}


def scipy_checked(a, what, overwrite=False, **given):
    """``a`` itself; refuses ``overwrite_a=True`` or ``overwrite_b=True`` (``overwrite``,
    see ``scipy_upper``) and each argument of ``given`` that is neither None, False nor a
    value the rule follows (``_SCIPY_FOLLOWED``). A rule passes a value it reads through
    this, so the check runs whenever the derivative does (as ``real_matrix``)."""
    scipy_upper(False, overwrite, what)
    for name, value in given.items():
        if value is None or value is False or (isinstance(value, str) and value in _SCIPY_FOLLOWED.get(name, ())):
            continue
        shown = repr(value) if isinstance(value, (str, bool, int, float, tuple)) else "..."
        raise NotImplementedError(f"astgrad: the derivative of {what} is not supported with {name}={shown}: "
                                  f"{_SCIPY_ADVICE[name]}")
    return a


def matrix_columns(x, a, b, what):
    """``column_shape(x, b)`` for the scipy.linalg solvers, which astgrad differentiates
    for one matrix a (2-D), not a stack of them."""
    if numpy.ndim(a) != 2:
        raise NotImplementedError(f"astgrad: the derivative of {what} is supported for a 2-D matrix; this one "
                                  f"has shape {numpy.shape(a)} (solve each matrix of the stack on its own: "
                                  f"{_PER_MATRIX.format(call=_FACTORED.get(what, what + '(a[i], b[i])'))})")
    return column_shape(x, b)


# the stack solved one matrix at a time, which astgrad follows, as the refusals say
_PER_MATRIX = "numpy.stack([{call} for i in range(len(a))])"


_FACTORED = {"scipy.linalg.lu_solve": "scipy.linalg.lu_solve(scipy.linalg.lu_factor(a[i]), b[i])",
             "scipy.linalg.cho_solve": "scipy.linalg.cho_solve(scipy.linalg.cho_factor(a[i]), b[i])"}


_SYMMETRIC = ("sym", "symmetric", "her", "hermitian", "pos", "positive definite")


def solve_reads(a, assume_a, lower, overwrite_a, overwrite_b):
    """What scipy.linalg.solve reads of a: None for all of it (assume_a=None or 'gen'), else
    the ``upper`` flag of the one triangle it reads (a symmetric or positive definite a);
    refuses the banded and triangular solvers, the overwrite arguments and a complex a
    read as Hermitian."""
    scipy_upper(lower, overwrite_a or overwrite_b, "scipy.linalg.solve")
    if assume_a in (None, "gen", "general"):
        return None
    if assume_a in _SYMMETRIC[2:]:
        real_matrix(a, f"scipy.linalg.solve with assume_a={assume_a!r}")
    if assume_a in _SYMMETRIC:
        return not lower
    raise NotImplementedError(
        f"astgrad: the derivative of scipy.linalg.solve is supported for assume_a=None, 'gen', 'sym', 'her' and "
        f"'pos'; not for assume_a={assume_a!r} (scipy.linalg.solve_triangular has a derivative)")


def solve_read(a, reads):
    """The matrix scipy.linalg.solve solves with: a, or the symmetric matrix of the
    triangle it reads (``solve_reads``). Linear in a; its transpose is ``solve_read_adjoint``."""
    return a if reads is None else triangle_symmetric(a, reads)


def solve_read_adjoint(g, reads):
    """The transpose of ``solve_read``."""
    return g if reads is None else triangle_symmetric_adjoint(g, reads)


def triangular_transposed(a, trans, overwrite_b):
    """Whether scipy.linalg.solve_triangular solves with the transposed matrix (trans=1,
    2, 'T' or 'C': the same for real matrices); refuses other values, overwrite_b and the
    conjugate transpose of a complex a."""
    scipy_upper(False, overwrite_b, "scipy.linalg.solve_triangular")
    if trans in (0, "N", "n"):
        return False
    if trans in (2, "C", "c"):
        real_matrix(a, f"scipy.linalg.solve_triangular with trans={trans!r}")
    if trans in (1, 2, "T", "C", "t", "c"):
        return True
    raise NotImplementedError(f"astgrad: scipy.linalg.solve_triangular with trans={trans!r}: the derivative "
                              "is supported for trans=0, 1, 2, 'N', 'T' and 'C'")


def qr_options(mode, pivoting, overwrite_a):
    """Refuses the options of scipy.linalg.qr whose results have no derivative here."""
    scipy_upper(False, overwrite_a, "scipy.linalg.qr")
    if pivoting:
        raise NotImplementedError(
            "astgrad: the derivative of scipy.linalg.qr is not supported with pivoting=True: drop pivoting, or "
            "find the permutation p outside the differentiated function and factor a[:, p]")
    if mode not in ("full", "economic", "r"):
        raise NotImplementedError(f"astgrad: the derivative of scipy.linalg.qr is supported for mode='full', "
                                  f"'economic' and 'r'; not for mode={mode!r} (use mode='economic')")


def scipy_qr_mask(a, mode, pivoting, overwrite_a):
    """``qr_lower_mask`` for scipy.linalg.qr (``qr_options``): its factors have a derivative
    for a matrix with at least as many rows as columns, and with mode='full' a square one."""
    qr_options(mode, pivoting, overwrite_a)
    m, n = numpy.shape(a)[-2:]
    if m < n:
        raise NotImplementedError(
            f"astgrad: the derivative of scipy.linalg.qr is supported for matrices with at least as many rows "
            f"as columns; this one is {m}x{n}. Factor its first {m} columns, q, r1 = qr(a[:, :{m}]), and "
            f"the rest of r is q.T @ a[:, {m}:]")
    if m > n and mode == "full":
        raise NotImplementedError(
            f"astgrad: scipy.linalg.qr(a, mode='full') of a {m}x{n} matrix has no derivative (the last {m - n} "
            "columns of q can be any orthonormal completion); use mode='economic', or mode='r' for r alone")
    return numpy.tril(numpy.ones((n, n), dtype=_float_dtype(a) or numpy.float64), -1)


def qr_shapes(y):
    """The shapes of scipy.linalg.qr's result: of each item of a tuple ((q, r), (r,)), or of
    r itself, which mode='r' returns for a stack of matrices."""
    return tuple(numpy.shape(item) for item in y) if isinstance(y, (tuple, list)) else numpy.shape(y)


def _one_array(shapes):
    """Whether ``qr_shapes`` gave the shape of one array (r of a stack, mode='r')."""
    return not shapes or not isinstance(shapes[0], tuple)


def qr_part(g, mode, index, shape):
    """The derivative of reduced factor ``index`` (0: q, 1: r; ``shape`` its shape) taken
    from the derivative ``g`` of scipy.linalg.qr's result: with mode='r' (which returns
    (r,) for a matrix, r for a stack, with zero rows under a tall matrix's r) zeros for q,
    and r's first rows. Linear in g; its transpose is ``qr_unpart``."""
    if mode != "r":
        return g[index]
    r = g[0] if isinstance(g, (tuple, list)) else g
    if index == 0:
        return numpy.zeros(shape, dtype=_float_dtype(r) or numpy.float64)
    return r[..., :shape[-2], :]


def qr_unpart(h, mode, index, shapes):
    """The transpose of ``qr_part``: ``h``, the derivative of one reduced factor, as the
    derivative of scipy.linalg.qr's result (of the ``qr_shapes`` given; zeros elsewhere)."""
    dtype = _float_dtype(h) or numpy.float64
    if _one_array(shapes):
        out = numpy.zeros(shapes, dtype=dtype)
        if index == 1:
            out[..., :numpy.shape(h)[-2], :] = h
        return out
    out = AdjointList(numpy.zeros(shape, dtype=dtype) for shape in shapes)
    if mode != "r":
        out[index] = h
    elif index == 1:
        out[0][..., :numpy.shape(h)[-2], :] = h
    return out


def lstsq_options(overwrite_a=False, overwrite_b=False, lapack_driver=None):
    """Refuses the options of scipy.linalg.lstsq its derivative does not follow."""
    scipy_upper(False, overwrite_a or overwrite_b, "scipy.linalg.lstsq")
    if lapack_driver == "gelsy":
        raise NotImplementedError("astgrad: the derivative of scipy.linalg.lstsq is not supported with "
                                  "lapack_driver='gelsy', which returns no singular values; drop lapack_driver "
                                  "(for a matrix of full rank every driver gives the same solution)")


def lstsq_checked(a, rank, overwrite_a=False, overwrite_b=False, lapack_driver=None):
    """``a`` itself; refuses what scipy.linalg.lstsq's derivative does not follow: a stack
    of matrices, a rank below full (``rank``, lstsq's own) and ``lstsq_options``."""
    lstsq_options(overwrite_a, overwrite_b, lapack_driver)
    if numpy.ndim(a) != 2:
        raise NotImplementedError(f"astgrad: the derivative of scipy.linalg.lstsq is supported for a 2-D matrix; "
                                  f"this one has shape {numpy.shape(a)} (solve each matrix of the stack on its own: "
                                  f"{_PER_MATRIX.format(call='scipy.linalg.lstsq(a[i], b[i])[0]')})")
    m, n = numpy.shape(a)
    if rank < min(m, n):
        raise NotImplementedError(
            f"astgrad: the derivative of scipy.linalg.lstsq is supported where a has full rank; this {m}x{n} "
            f"matrix has rank {rank}, where the solution depends on which singular values cond counts as zero "
            "and has no derivative. Drop the dependent columns, or add a small ridge term")
    return a


def lu_permutation(piv, lu, overwrite_a=False, factored=False):
    """The permutation matrix p with a = p @ l @ u for scipy.linalg.lu_factor's ``lu`` and
    ``piv`` (row i was swapped with row piv[i], for i in order); refuses overwrite_a=True
    and a stack of matrices, and, for the derivative of the factoring (``factored``), a
    singular matrix."""
    scipy_upper(False, overwrite_a, "scipy.linalg.lu_factor")
    if numpy.ndim(lu) != 2:
        raise NotImplementedError(f"astgrad: the derivative of scipy.linalg.lu_factor and lu_solve is supported "
                                  f"for a 2-D matrix; this one has shape {numpy.shape(lu)} (factor each matrix "
                                  "of the stack on its own: " + _PER_MATRIX.format(
                                      call="scipy.linalg.lu_solve(scipy.linalg.lu_factor(a[i]), b[i])") + ")")
    if factored:
        _refuse_singular_factor(lu)
    order = numpy.arange(numpy.shape(lu)[-1])
    for i, j in enumerate(numpy.asarray(piv).tolist()):
        order[i], order[j] = order[j], order[i]
    return numpy.eye(len(order), dtype=_float_dtype(lu) or numpy.float64)[order].T


def _refuse_singular_factor(lu):
    """Stop where u, on and above the diagonal of lu_factor's ``lu``, has an exact zero on
    its diagonal: the matrix is singular (SciPy warns and lu_solve gives inf or NaN), and
    the derivative of its factors, which solves with u, is not computed there."""
    zeros = numpy.flatnonzero(numpy.diagonal(lu) == 0)
    if zeros.size:
        raise NotImplementedError(
            f"astgrad: the derivative of scipy.linalg.lu_factor is supported where the matrix is not singular; "
            f"this one is (u[{zeros[0]}, {zeros[0]}] is exactly 0, as SciPy's LinAlgWarning says), where "
            "lu_solve's values are inf or NaN. Check the matrix before factoring it (numpy.linalg.cond), or "
            "add a small ridge term (a + eps * numpy.eye(n))")


def lu_transposed(trans, overwrite_b=False):
    """Whether scipy.linalg.lu_solve solves with the transposed matrix (trans=1, or 2 for a
    real one); refuses overwrite_b=True."""
    scipy_upper(False, overwrite_b, "scipy.linalg.lu_solve")
    if trans not in (0, 1, 2):
        raise NotImplementedError(f"astgrad: scipy.linalg.lu_solve with trans={trans!r}: the derivative is "
                                  "supported for trans=0, 1 and 2")
    return trans != 0


def unit_lower(lu):
    """The unit lower triangular factor l that scipy.linalg.lu_factor keeps below the
    diagonal of ``lu``. Affine in lu: its derivative is ``triangle(d, True, True)``."""
    return numpy.tril(lu, -1) + numpy.eye(numpy.shape(lu)[-1], dtype=_float_dtype(lu) or numpy.float64)


def cholesky_phi(l):
    """The mask of the Cholesky derivative: 1 below the diagonal, 1/2 on it, 0 above."""
    n = numpy.shape(l)[-1]
    return (numpy.tril(numpy.ones((n, n)), -1) + 0.5 * numpy.eye(n)).astype(_float_dtype(l) or numpy.float64)


def qr_lower_mask(a, mode="reduced"):
    """The strictly lower triangular mask of qr's derivative; refuses what has none."""
    m, n = numpy.shape(a)[-2:]
    if mode not in ("reduced", "complete") or m < n or (mode == "complete" and m != n):
        raise NotImplementedError(
            f"astgrad: the derivative of numpy.linalg.qr is supported for mode='reduced' (and "
            f"'complete' on square matrices) with at least as many rows as columns; got mode={mode!r} "
            f"on a {m}x{n} matrix")
    return numpy.tril(numpy.ones((n, n), dtype=_float_dtype(a) or numpy.float64), -1)


def skew_lower(b, low):
    """low * b - (low * b)^T for the strictly lower mask ``low``; linear in b, its
    transpose is ``skew_lower_adjoint``."""
    c = b * low
    return c - numpy.swapaxes(c, -1, -2)


def skew_lower_adjoint(g, low):
    """The transpose of ``skew_lower``: low * (g - g^T)."""
    return (g - numpy.swapaxes(g, -1, -2)) * low


def _eigenvectors_matching(a, w, overwrite_a=False, homogeneous_eigvals=False):
    """The right eigenvectors of the real matrix ``a`` (2-D), as the columns of a matrix
    in the order of ``w``, the eigenvalues scipy.linalg.eigvals gave (scipy.linalg.eig
    computes them again, each matched to the nearest of ``w``). Refuses a stack of
    matrices, the arguments astgrad does not follow, and repeated eigenvalues, where
    each eigenvalue's derivative is not defined."""
    import scipy.linalg
    what = "scipy.linalg.eigvals"
    if overwrite_a or homogeneous_eigvals:
        raise NotImplementedError(f"astgrad: the derivative of {what} is not supported with overwrite_a or "
                                  "homogeneous_eigvals given; leave them at their defaults")
    if numpy.ndim(a) != 2:
        raise NotImplementedError(f"astgrad: the derivative of {what} is supported for a 2-D matrix; this one "
                                  f"has shape {numpy.shape(a)} (take the eigenvalues of each matrix of the stack "
                                  "on its own)")
    found, v = scipy.linalg.eig(real_matrix(a, what))
    order = numpy.argmin(numpy.abs(numpy.reshape(w, (-1, 1)) - numpy.reshape(found, (1, -1))), axis=1)
    if len(set(order.tolist())) != len(order):
        raise NotImplementedError(f"astgrad: the derivative of {what} is supported where the eigenvalues are "
                                  "distinct; this matrix has a repeated eigenvalue, whose derivative is not "
                                  "defined one eigenvalue at a time")
    return v[:, order]


def eigvals_change(change, a, w, transposed=False, overwrite_a=False, homogeneous_eigvals=False):
    """The change of the eigenvalues ``w`` of the real matrix ``a`` (scipy.linalg.eigvals)
    for a change ``change`` of ``a``: diag(v^-1 da v), complex. ``transposed``: its
    adjoint, for ``change`` the eigenvalues' (dL/d(re) - 1j dL/d(im), as rules/fft_rules.py
    says): the real part of v^-T diag(dw) v^T."""
    v = _eigenvectors_matching(a, w, overwrite_a, homogeneous_eigvals)
    if transposed:
        return numpy.real(numpy.einsum("ij,i,ki->jk", numpy.linalg.inv(v), change, v))
    return numpy.einsum("ij,jk,ki->i", numpy.linalg.inv(v), change, v)


def real_eigenvalues(w):
    """w itself; refuses complex eigenvalues (``numpy.linalg.eig`` of a real matrix with a
    complex pair), whose derivatives astgrad does not support."""
    if numpy.iscomplexobj(w):
        raise NotImplementedError("astgrad: the derivative of numpy.linalg.eig is supported where all "
                                  "eigenvalues are real; this matrix has complex eigenvalues")
    return w


def real_matrix(a, what):
    """``a`` itself; refuses a complex matrix (met at run time: a complex global), for
    the decompositions whose derivatives are written for real matrices (``what``)."""
    if numpy.iscomplexobj(a):
        raise TypeError(f"astgrad differentiates {what} of real matrices only; this one is complex (a complex "
                        "global or closure variable reached it). Compute it outside the differentiated function, "
                        "or work with the real and imaginary parts")
    return a


def full_rank_r(a, what):
    """``a`` itself, the triangular factor r of a QR decomposition; refuses one of lower rank
    than its columns (a diagonal entry within rounding of 0, as numpy.linalg.matrix_rank
    counts them), where qr's derivative divides by r: its numbers there were huge or
    wrong, with no error (``what``: the function, for the message)."""
    diagonal = numpy.abs(numpy.diagonal(a, axis1=-2, axis2=-1))
    dtype = _float_dtype(a) or numpy.dtype(numpy.float64)
    m, n = numpy.shape(a)[-2:]
    tolerance = numpy.max(diagonal, axis=-1, initial=0.0) * max(m, n) * numpy.finfo(dtype).eps
    if numpy.any(numpy.min(diagonal, axis=-1, initial=numpy.inf) <= tolerance):
        raise NotImplementedError(
            f"astgrad: the derivative of {what} is supported where a has full column rank (independent "
            "columns); this matrix has dependent columns, where q and r have no derivative astgrad can compute. "
            "Drop the dependent columns, or add a small multiple of the identity")
    return a


def svd_signs(y, reduced, compute_uv=True):
    """+-1 per singular value: y's singular vectors are ``reduced``'s times these signs
    (1 where svd was called with compute_uv=False). Refuses full_matrices=True on a
    non-square matrix: the extra singular vectors have no derivative."""
    s = reduced[1]
    if not compute_uv:
        return numpy.ones(numpy.shape(s), dtype=_float_dtype(s))
    u = y[0]
    if u.shape[-1] != y[2].shape[-2]:
        raise NotImplementedError(
            "astgrad: numpy.linalg.svd(a, full_matrices=True) of a non-square matrix has no derivative "
            "(its extra singular vectors can be any orthonormal completion); use full_matrices=False")
    k = s.shape[-1]
    signs = numpy.sign(numpy.sum(u[..., :, :k] * reduced[0], axis=-2))
    return numpy.where(signs == 0, numpy.ones((), signs.dtype), signs)


def svd_shapes(y, compute_uv=True):
    """The shapes of svd's result items (one shape when compute_uv is False)."""
    return tuple(numpy.shape(item) for item in y) if compute_uv else numpy.shape(y)


def _signed(h, signs, index):
    if index == 0:
        return h * numpy.expand_dims(signs, -2)
    if index == 2:
        return h * numpy.expand_dims(signs, -1)
    return h


def svd_part(g, signs, compute_uv, index, shape):
    """The derivative of factor ``index`` (0: u, 1: s, 2: vh; ``shape`` its shape) of the
    reduced SVD in ``svd_signs``' frame, taken from the derivative ``g`` of svd's result
    (zeros for u and vh when svd returned only s). Linear in g; its transpose is
    ``svd_unpart``."""
    if not compute_uv:
        return g if index == 1 else numpy.zeros(shape, dtype=_float_dtype(g) or numpy.float64)
    return _signed(g[index], signs, index)


def svd_unpart(h, signs, compute_uv, index, shapes):
    """The transpose of ``svd_part``: ``h``, the derivative of one reduced factor, as the
    derivative of svd's result (of the shapes ``svd_shapes`` gives; zeros elsewhere)."""
    if not compute_uv:
        return h if index == 1 else numpy.zeros(shapes, dtype=_float_dtype(h) or numpy.float64)
    dtype = _float_dtype(h) or numpy.float64
    out = AdjointList(numpy.zeros(shape, dtype=dtype) for shape in shapes)
    out[index] = _signed(h, signs, index)
    return out


def block_triangular(a, h):
    """The matrix [[a, h], [0, a]] (stacks too): the upper right block of f of it is the
    derivative of a matrix function f (matrix_power) at a along h. Linear in (a, h)."""
    a, h = numpy.broadcast_arrays(numpy.asarray(a), numpy.asarray(h))
    top = numpy.concatenate([a, h], axis=-1)
    bottom = numpy.concatenate([numpy.zeros_like(a), a], axis=-1)
    return numpy.concatenate([top, bottom], axis=-2)


def upper_right(m):
    """The upper right block of a (stack of) 2n x 2n matrices."""
    n = numpy.shape(m)[-1] // 2
    return m[..., :n, n:]


def diagonal_blocks(m):
    """The sum of the two diagonal blocks of a (stack of) 2n x 2n matrices."""
    n = numpy.shape(m)[-1] // 2
    return m[..., :n, :n] + m[..., n:, n:]


def lstsq_residuals(t, r):
    """``t`` (one number per column of b) shaped like lstsq's residuals ``r``, or the
    empty array lstsq returns when the residuals are not computed. Linear in t."""
    if numpy.size(r) == 0:
        return numpy.zeros(numpy.shape(r), dtype=_float_dtype(r) or numpy.float64)
    return numpy.reshape(t, numpy.shape(r))


def lstsq_residuals_adjoint(g, t):
    """The transpose of ``lstsq_residuals``: g shaped like t (zeros when g is empty)."""
    if numpy.size(g) == 0:
        return numpy.zeros(numpy.shape(t), dtype=_float_dtype(t) or numpy.float64)
    return numpy.reshape(g, numpy.shape(t))


def safe_power(v, q):
    """v ** q for v >= 0, with 0 ** 0 = 1 (norm weights use q = 0 for the 1- and
    inf-norms, whose weights do not depend on |x|)."""
    with numpy.errstate(divide="ignore"):
        return numpy.power(v, q) if q != 0 else numpy.ones_like(numpy.asarray(v, dtype=_float_dtype(v) or float))


def signed_power(v, q):
    """sign(v) * |v| ** q (v itself for q = 1, sign(v) for q = 0): the weights of the
    vector p-norms' derivatives, written so that every order is exact at v = 0 too."""
    if q == 1:
        return v
    return numpy.sign(v) * safe_power(numpy.abs(v), q)


def _norm_is_spectral(ord):
    return isinstance(ord, str) and ord == "nuc" or (not isinstance(ord, str) and ord in (2, -2))


def norm_axes(x, ord=None, axis=None):
    """The axes ``numpy.linalg.norm(x, ord, axis)`` reduces, as a tuple."""
    ndim = numpy.ndim(x)
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(int(a) % ndim for a in axes)


def _norm_matrix(x, ord, axis, vector=False):
    return not vector and len(norm_axes(x, ord, axis)) == 2 and ord is not None


def norm_exponent(x, ord=None, axis=None, vector=False):
    """q in the weights sign(x) |x / norm| ** q of the elementwise norms' derivatives
    (``vector``: the vector norm over the axes, as ``numpy.linalg.vector_norm``)."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates norms of real arrays only; for a complex z write "
                        "numpy.sqrt(numpy.sum(numpy.abs(z) ** 2)) (the 2-norm) from abs, which takes complex values")
    if ord is None or (isinstance(ord, str) and ord == "fro"):
        return 1
    if _norm_matrix(x, ord, axis, vector) or ord in (0, 1, numpy.inf, -numpy.inf):
        return 0
    return ord - 1


def _expanded(y, x, axes, keepdims):
    return y if keepdims else numpy.expand_dims(y, axes)


def norm_select(x, y, ord=None, axis=None, keepdims=False, vector=False):
    """Which elements the norm's derivative involves, and with what share: 1 for the
    p-norms, the tied largest (smallest) elements for inf (-inf), the tied largest
    (smallest) column or row sums for the matrix 1, -1, inf and -inf norms, 0 for ord=0
    and for the norms computed from singular values."""
    axes = norm_axes(x, ord, axis)
    if not _norm_matrix(x, ord, axis, vector):
        if ord in (numpy.inf, -numpy.inf):
            return tie_weights(numpy.abs(x), y, axes, keepdims)
        return 0.0 if ord == 0 else 1.0
    if isinstance(ord, str) or ord in (2, -2):
        return 0.0 if ord != "fro" else 1.0
    row, col = axes
    summed, across = (row, col) if ord in (1, -1) else (col, row)
    sums = numpy.sum(numpy.abs(x), axis=summed, keepdims=True)
    return tie_weights(sums, _expanded(y, x, axes, keepdims), across, keepdims=True)


def spectral_input(x, ord=None, axis=None):
    """For the nuclear norm and ord=2, -2: x with the two norm axes last (the matrices
    whose singular values the norm takes); otherwise a 1x1 zero placeholder. Linear."""
    if not (_norm_matrix(x, ord, axis) and _norm_is_spectral(ord)):
        # numpy.linalg takes no float16: the placeholder's SVD is thrown away anyway
        dtype = numpy.promote_types(_float_dtype(x) or numpy.float64, numpy.float32)
        return numpy.zeros((1, 1), dtype=dtype)
    return numpy.moveaxis(x, norm_axes(x, ord, axis), (-2, -1))


def spectral_output(m, x, ord=None, axis=None):
    """The transpose of ``spectral_input``: m moved back to x's axes (0 for the placeholder)."""
    if not (_norm_matrix(x, ord, axis) and _norm_is_spectral(ord)):
        return numpy.zeros((), dtype=_float_dtype(x) or numpy.float64)
    return numpy.moveaxis(m, (-2, -1), norm_axes(x, ord, axis))


def spectral_weights(s, ord=None):
    """The derivative of the norm with respect to the singular values s: 1 for 'nuc', the
    tied largest (ord=2) or smallest (ord=-2) value shared evenly, else 0."""
    if isinstance(ord, str) and ord == "nuc":
        return numpy.ones_like(s)
    if not isinstance(ord, str) and ord in (2, -2):
        pick = numpy.max(s, axis=-1, keepdims=True) if ord == 2 else numpy.min(s, axis=-1, keepdims=True)
        return tie_weights(s, pick, -1, keepdims=True)
    return numpy.zeros_like(s)


_COND_ADVICE = ("astgrad differentiates numpy.linalg.cond for p=None, 2, -2, 'fro' and 'nuc' (all from the "
                "singular values); for p={p!r} write numpy.linalg.norm(x, {p!r}) * numpy.linalg.norm("
                "numpy.linalg.inv(x), {p!r}), which is what numpy.linalg.cond computes and astgrad follows")


def cond_masks(s, p=None):
    """Which singular values s (last axis) make the numerator and which the denominator of
    ``numpy.linalg.cond(x, p)``, stacked (shape (2,) + s.shape): for p=None and 2 the
    largest over the smallest, for -2 the other way round (tied values share evenly, as
    for ``norm(x, 2)``), every value for 'fro' and 'nuc'."""
    if numpy.iscomplexobj(s):
        raise TypeError("astgrad differentiates numpy.linalg.cond of real matrices only")
    if isinstance(p, str) and p in ("fro", "nuc"):
        return numpy.ones((2,) + numpy.shape(s), dtype=s.dtype)
    if p is None or not isinstance(p, str) and p in (2, -2):
        largest = tie_weights(s, numpy.max(s, axis=-1, keepdims=True), -1, keepdims=True)
        smallest = tie_weights(s, numpy.min(s, axis=-1, keepdims=True), -1, keepdims=True)
        return numpy.stack((smallest, largest) if p == -2 else (largest, smallest))
    raise NotImplementedError(_COND_ADVICE.format(p=p))


def cond_power(p=None):
    """k with cond(x, p) = (sum(num * s ** k) * sum(den * s ** -k)) ** (1 / k) for the masks
    ``cond_masks``: 2 for 'fro' (the square roots of sums of squares), else 1."""
    return 2 if isinstance(p, str) and p == "fro" else 1
