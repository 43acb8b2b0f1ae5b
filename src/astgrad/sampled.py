"""Helpers of the rules of NumPy's functions of sampled data: ``numpy.trapezoid``,
``numpy.interp``, ``numpy.convolve`` and ``numpy.correlate``.

Each function is linear in some of its arguments; the helpers are the pieces of those
linear maps and their transposes, in pairs, so that their own rules
(``rules/runtime_rules.py``) give every order. Generated code calls them through
``astgrad.runtime``.
"""

import numpy


def _along(ndim, axis, part):
    """An index of ``part`` (a slice or a position) along ``axis`` of ``ndim`` dimensions."""
    index = [slice(None)] * ndim
    index[axis] = part
    return tuple(index)


def _float_like(values, *like):
    """``values`` as an array of the float dtype arithmetic on ``like`` gives (float32
    stays float32, integers give float64)."""
    # a list of samples as an array: result_type reads a list as a structured dtype's fields
    dtype = numpy.result_type(*(numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in like), 1.0)
    return numpy.asarray(values, dtype=dtype if dtype.kind in "fc" else numpy.float64)


def is_none(x):
    """Whether ``x`` is None (a factor 0 or 1 of a derivative given only without it)."""
    return x is None


# -- trapezoid(y, x, dx, axis) = sum(y * weights(spacing), axis) ---------------------------

def trapezoid_spacing(x, y, axis=-1, dx=1.0):
    """The spacing of ``numpy.trapezoid``'s samples, laid along ``axis`` of ``y``: ``dx``
    without ``x``, else the differences of ``x`` (a 1-D ``x`` along that axis). Linear
    in ``x``; its transpose is ``trapezoid_unspacing``."""
    if x is None:
        return dx
    x = numpy.asarray(x)
    if x.ndim == 1:
        shape = [1] * numpy.ndim(y)
        shape[axis] = x.shape[0] - 1
        return numpy.reshape(numpy.diff(x), shape)
    return numpy.diff(x, axis=axis)


def trapezoid_unspacing(g, x, y, axis=-1):
    """The transpose of ``trapezoid_spacing`` in ``x``: ``g`` (of the spacing's shape)
    taken back to ``x``'s shape."""
    g = numpy.asarray(g)
    if numpy.ndim(x) == 1:
        g, axis = numpy.reshape(g, (-1,)), 0
    zero = numpy.zeros_like(g[_along(g.ndim, axis, slice(0, 1))])
    return numpy.concatenate([zero, g], axis=axis) - numpy.concatenate([g, zero], axis=axis)


def trapezoid_weights(s, y, axis=-1):
    """The weight of each sample of ``y`` in ``numpy.trapezoid`` given the spacing ``s``
    (broadcast along ``axis``): half the spacing on each side of the sample. Linear in
    ``s``; its transpose is ``trapezoid_pairs``."""
    shape = list(numpy.shape(y))
    shape[axis] = max(shape[axis] - 1, 0)
    s = numpy.broadcast_to(_float_like(s, y, s), shape)
    zero = numpy.zeros_like(s[_along(len(shape), axis, slice(0, 1))])
    return (numpy.concatenate([s, zero], axis=axis) + numpy.concatenate([zero, s], axis=axis)) / 2.0


def trapezoid_pairs(g, s, axis=-1):
    """The transpose of ``trapezoid_weights``: the mean of each two neighbours of ``g``
    along ``axis``, summed to the shape of the spacing ``s``."""
    g = numpy.asarray(g)
    pairs = (g[_along(g.ndim, axis, slice(1, None))] + g[_along(g.ndim, axis, slice(None, -1))]) / 2.0
    return _sum_to(pairs, s)


def _sum_to(g, x):
    """``g`` summed down to the shape of ``x`` (the transpose of broadcasting ``x``), a
    number for a number."""
    shape = numpy.shape(x)
    lead = g.ndim - len(shape)
    g = numpy.sum(g, axis=tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1),
                  keepdims=True)
    g = numpy.reshape(g, shape)
    return g if isinstance(x, numpy.ndarray) else g[()]


# -- interp(x, xp, fp) = w0 * fp[i0] + w1 * fp[i1] (+ left or right outside xp) -----------
# The segment of x is the one JAX takes (searchsorted on the right): at a knot, the
# segment starting there; at the last knot, the last segment. The weights are 1 - t and
# t, t the position of x in its segment; outside [xp[0], xp[-1]] fp[0] (fp[-1]) has
# weight 1 unless left (right) is given.

def _real_array(values):
    """``values`` (an array, a list, a number) as a float array."""
    values = numpy.asarray(values)
    return values.astype(numpy.result_type(values.dtype, 1.0), copy=False)


def _interp_stencil(x, xp, left, right, period):
    """(i0, i1, w0, w1, slope): the two samples of fp each x reads, their weights and
    d t / d x (0 outside xp)."""
    x, xp = _real_array(x), _real_array(xp)
    positions = numpy.arange(len(xp))
    if period is not None:
        period = abs(period)
        x, xp = x % period, xp % period
        order = numpy.argsort(xp, kind="stable")
        xp = numpy.concatenate([xp[order][-1:] - period, xp[order], xp[order][:1] + period])
        positions = numpy.concatenate([order[-1:], order, order[:1]])
    i = numpy.clip(numpy.searchsorted(xp, x, side="right"), 1, len(xp) - 1)
    span = xp[i] - xp[i - 1]
    slope = 1.0 / span
    w1 = (x - xp[i - 1]) * slope
    i0, i1 = positions[i - 1], positions[i]
    if period is None:
        below, above = x < xp[0], x > xp[-1]
        outside = below | above
        i0 = numpy.where(below, 0, numpy.where(above, len(xp) - 1, i0))
        w1 = numpy.where(outside, 0.0, w1)
        w0 = numpy.where(below, 0.0 if left is not None else 1.0,
                         numpy.where(above, 0.0 if right is not None else 1.0, 1.0 - w1))
        slope = numpy.where(outside, 0.0, slope)
    else:
        w0 = 1.0 - w1
    return i0, i1, w0, w1, slope


def interp_index(x, xp, period=None, which=0):
    """The position in fp of the first (``which`` 0) or second sample each x reads."""
    return _interp_stencil(x, xp, None, None, period)[which]


def interp_weight(x, xp, left=None, right=None, period=None, which=0):
    """The weight of the first (``which`` 0) or second sample each x reads; its
    derivative in x is ``interp_weight_slope``."""
    return _interp_stencil(x, xp, left, right, period)[2 + which]


def interp_weight_slope(x, xp, left=None, right=None, period=None, which=0):
    """d interp_weight / d x: -1 / (the segment's length) for the first sample, +1 /
    (the length) for the second, 0 outside xp."""
    slope = _interp_stencil(x, xp, left, right, period)[4]
    return slope if which else -slope


def interp_outside(x, xp, period=None, side="left"):
    """1.0 where x is left (``side`` "left") or right of the samples, else 0.0."""
    x, xp = _real_array(x), _real_array(xp)
    if period is not None:
        return numpy.zeros_like(x)
    below = x < xp[0] if side == "left" else x > xp[-1]
    return below.astype(x.dtype)


def interp_fill(value):
    """``numpy.interp``'s left= or right= for a tangent in fp: None stays None (fp's end
    sample, which the tangent's own end gives), a given value is a constant (0)."""
    return None if value is None else 0.0


# -- convolve(a, v, mode): the full convolution, cropped ---------------------------------

def _convolve_window(a, v, mode):
    """(start, length) of ``numpy.convolve(a, v, mode)`` in the full convolution."""
    n, m = numpy.size(a), numpy.size(v)
    if mode in ("full", 2):
        return 0, n + m - 1
    if mode in ("same", 1):
        return (min(n, m) - 1) // 2, max(n, m)
    return min(n, m) - 1, max(n, m) - min(n, m) + 1


def _embed(g, a, v, window):
    """``g`` at ``window`` (start, length) in zeros as long as the full convolution of a and v."""
    start, length = window
    g = numpy.asarray(g)
    full = numpy.zeros(numpy.size(a) + numpy.size(v) - 1, dtype=g.dtype)
    full[start:start + length] = g
    return full


def _crop(h, window):
    start, length = window
    return numpy.asarray(h)[start:start + length].copy()


def convolve_embed(g, a, v, mode="full"):
    """``g``, of the shape of ``numpy.convolve(a, v, mode)``, put in its place in the
    full convolution (zeros around it). Linear; its transpose is ``convolve_crop``."""
    return _embed(g, a, v, _convolve_window(a, v, mode))


def convolve_crop(h, a, v, mode="full"):
    """The part of a full convolution ``h`` that ``numpy.convolve(a, v, mode)`` keeps."""
    return _crop(h, _convolve_window(a, v, mode))


# -- correlate(a, v, mode): the full correlation, convolve(a, v reversed), cropped ---------

def _correlate_window(a, v, mode):
    """(start, length) of ``numpy.correlate(a, v, mode)`` in the full correlation. Only
    "same" with v the longer differs from convolve's window: NumPy then correlates v
    with a and reverses the result, which centres it the other way."""
    n, m = numpy.size(a), numpy.size(v)
    if mode in ("same", 1) and m > n:
        return n - 1 - (n - 1) // 2, m
    return _convolve_window(a, v, mode)


def correlate_embed(g, a, v, mode="valid"):
    """``g``, of the shape of ``numpy.correlate(a, v, mode)``, put in its place in the
    full correlation (zeros around it). Linear; its transpose is ``correlate_crop``."""
    return _embed(g, a, v, _correlate_window(a, v, mode))


def correlate_crop(h, a, v, mode="valid"):
    """The part of a full correlation ``h`` that ``numpy.correlate(a, v, mode)`` keeps."""
    return _crop(h, _correlate_window(a, v, mode))


# -- cov(m, y) = Xc W Xc^T / f: X the variables' rows, Xc centred, W the weights ---------------

def cov_rows(m, y=None, rowvar=True):
    """The data of ``numpy.cov(m, y, rowvar)`` as rows of variables (m's, then y's), a
    float array. Linear in m and y; ``cov_share`` is its transpose."""
    rows = []
    for part in (m, y):
        if part is None:
            continue
        part = _real_array(numpy.array(part, ndmin=2))
        rows.append(part.T if not rowvar and part.shape[0] != 1 else part)
    return numpy.concatenate(rows, axis=0) if len(rows) > 1 else rows[0]


def _cov_span(m, y, rowvar, part):
    """(first row, number of rows, transposed) of ``part`` (0: m, 1: y) in cov_rows."""
    def rows_of(value):
        shape = numpy.shape(numpy.array(value, ndmin=2)) if numpy.ndim(value) < 2 else numpy.shape(value)
        transposed = not rowvar and shape[0] != 1
        return (shape[1] if transposed else shape[0]), transposed
    m_rows, m_transposed = rows_of(m)
    if part == 0:
        return 0, m_rows, m_transposed
    y_rows, y_transposed = rows_of(y)
    return m_rows, y_rows, y_transposed


def cov_share(g, m, y=None, rowvar=True, part=0):
    """The rows of ``g`` (shaped as cov_rows) that come from m (``part`` 0) or y (1),
    in that argument's shape."""
    start, count, transposed = _cov_span(m, y, rowvar, part)
    rows = numpy.asarray(g)[start:start + count]
    return numpy.reshape(rows.T if transposed else rows, numpy.shape(m if part == 0 else y))


def cov_place(t, m, y=None, rowvar=True, part=0):
    """``t``, of m's (``part`` 0) or y's (1) shape, in its rows of cov_rows, zeros in the
    others. The transpose of ``cov_share``."""
    start, count, transposed = _cov_span(m, y, rowvar, part)
    total = count if part == 1 and m is None else _cov_span(m, y, rowvar, 0)[1] + (
        _cov_span(m, y, rowvar, 1)[1] if y is not None else 0)
    t = _real_array(numpy.array(t, ndmin=2))
    rows = t.T if transposed else t
    out = numpy.zeros((total, rows.shape[1]), dtype=rows.dtype)
    out[start:start + count] = rows
    return out


def cov_weights(x, fweights=None, aweights=None):
    """The weight of each observation (column of x): fweights * aweights, ones without."""
    w = numpy.ones(numpy.shape(x)[1])
    for weights in (fweights, aweights):
        if weights is not None:
            w = w * numpy.asarray(weights, dtype=numpy.float64)
    return w


def cov_factor(x, bias=False, ddof=None, fweights=None, aweights=None):
    """The divisor of ``numpy.cov``: the weights' sum less ddof times the aweights' share."""
    w = cov_weights(x, fweights, aweights)
    total = numpy.sum(w)
    if ddof is None:
        ddof = 0 if bias else 1
    if aweights is None:
        return total - ddof
    a = numpy.asarray(aweights, dtype=numpy.float64)
    return total - ddof * numpy.sum(w * a) / total


def cov_symmetric(t, shape):
    """``t + t^T`` of a square ``t`` (given in any shape of its size), in ``shape``.
    Its own transpose, given t's shape."""
    k = int(round(numpy.sqrt(numpy.size(t))))
    square = numpy.reshape(t, (k, k))
    return numpy.reshape(square + square.T, shape)


def square_shape(x):
    """(rows, rows) of a matrix ``x``."""
    return (numpy.shape(x)[0],) * 2


# -- corrcoef: R = C / (s s^T), s the standard deviations (the square roots of C's diagonal) ---

def _square(value, like):
    k = int(round(numpy.sqrt(numpy.size(like))))
    return numpy.reshape(value, (k, k))


def corr_change(dc, c, r):
    """The change of ``numpy.corrcoef``'s result ``r`` when the covariance ``c`` changes
    by ``dc``: dc / (s s^T) - r (u 1^T + 1 u^T), u = diag(dc) / (2 diag(c)). Linear in
    dc; its transpose is ``corr_change_adjoint``. In r's shape."""
    dc, c2, r2 = _square(dc, c), _square(c, c), _square(r, c)
    diagonal = numpy.diagonal(c2)
    s = numpy.sqrt(diagonal)
    u = numpy.diagonal(dc) / (2.0 * diagonal)
    return numpy.reshape(dc / numpy.outer(s, s) - r2 * (u[:, None] + u[None, :]), numpy.shape(r))


def corr_change_adjoint(g, c, r):
    """The transpose of ``corr_change`` in dc: g / (s s^T) less, on the diagonal, the
    rows' and columns' sums of g * r over 2 diag(c). In c's shape."""
    g, c2, r2 = _square(g, c), _square(c, c), _square(r, c)
    diagonal = numpy.diagonal(c2)
    s = numpy.sqrt(diagonal)
    weighted = g * r2
    spread = numpy.diag((numpy.sum(weighted, axis=1) + numpy.sum(weighted, axis=0)) / (2.0 * diagonal))
    return numpy.reshape(g / numpy.outer(s, s) - spread, numpy.shape(c))
