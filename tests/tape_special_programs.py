"""The tape's rounding and special functions against PyTorch 2.13 (``tan``, ``floor``,
``round(decimals=)``, ``floor_divide``, ``copysign``, ``heaviside``, ``logaddexp2``,
``logit(eps=)``, ``erfinv``, ``lgamma``, ``digamma``, ``polygamma``, ``i0``, ... and the
``special`` namespace): values, first and second derivatives, dtypes, the values at the
ends of the domains, and the errors for bad input. Written once against PyTorch's API and
run with ``t = torch`` and ``t = astgrad`` (as tests/torch_programs.py).

``tests/torch_reference/record.py special`` stores what PyTorch gives in
``tests/torch_reference/special_golden.json``; ``tests/test_tape_torch_special.py``
checks astgrad against it.
"""

from tape_differed_programs import errors
from torch_programs import A, V, X

PROGRAMS = {}
NEEDS_SCIPY = set()     # programs whose astgrad side records scipy.special's functions

E = [-0.9, -0.3, 0.2, 0.75]         # inside erfinv's domain
Q = [0.1, 0.35, 0.6, 0.95]          # inside logit's
G = [-2.5, -0.3, 0.7, 3.2]          # no pole of lgamma
ROW = [0.4, -0.2, 1.3]


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def _derivatives(t, y, x):
    (g,) = t.autograd.grad(y.sum(), x, create_graph=True)
    (h,) = t.autograd.grad(g.sum(), x, allow_unused=True)
    return {"y": y, "g": g, "h": h}


def _unary(name, data, call, scipy=False):
    def run(t):
        x = X(t, data)
        return _derivatives(t, call(t, x), x)
    run.__name__ = name
    PROGRAMS[name] = run
    if scipy:
        NEEDS_SCIPY.add(name)


for _name, _data in [("tan", V), ("deg2rad", V), ("rad2deg", V), ("erfinv", E), ("lgamma", G),
                     ("digamma", G), ("i0", V), ("logit", Q)]:
    _unary(f"{_name}_function", _data, lambda t, x, n=_name: getattr(t, n)(x))
    _unary(f"{_name}_method", A if _name not in ("erfinv", "logit", "lgamma", "digamma") else _data,
           lambda t, x, n=_name: getattr(x, n)())
for _name in ("floor", "ceil", "round"):
    _unary(f"{_name}_function", [-1.5, -0.5, 0.4, 2.5, 3.7], lambda t, x, n=_name: getattr(t, n)(x))
_unary("round_decimals", [1.25, -2.675, 0.125, 31.5], lambda t, x: t.round(x, decimals=1))
_unary("round_negative_decimals", [125.0, -2675.0, 35.0], lambda t, x: x.round(decimals=-1))
_unary("logit_eps", [0.05, 0.2, 0.5, 0.85, 0.95], lambda t, x: t.logit(x, eps=0.1))
_unary("logit_eps_positional", [0.05, 0.5, 0.95], lambda t, x: x.logit(0.1))
_unary("polygamma_1", G, lambda t, x: t.polygamma(1, x))
_unary("polygamma_2_method", V[:1] + [1.7], lambda t, x: x.polygamma(2))
_unary("special_expit", V, lambda t, x: t.special.expit(x))
_unary("special_gammaln", G, lambda t, x: t.special.gammaln(x))
_unary("special_psi", G, lambda t, x: t.special.psi(x))
_unary("special_digamma", G, lambda t, x: t.special.digamma(x))
_unary("special_polygamma", G, lambda t, x: t.special.polygamma(1, x))
_unary("special_multigammaln", [2.5, 3.0, 4.2], lambda t, x: t.special.multigammaln(x, 3))
_unary("special_erfinv", E, lambda t, x: t.special.erfinv(x))
_unary("special_logit", Q, lambda t, x: t.special.logit(x))
_unary("special_logit_eps", [0.05, 0.5, 0.95], lambda t, x: t.special.logit(x, eps=0.1))
_unary("special_i0", V, lambda t, x: t.special.i0(x))
_unary("special_i1", V, lambda t, x: t.special.i1(x))
_unary("special_exp2", V, lambda t, x: t.special.exp2(x))
_unary("special_expm1", V, lambda t, x: t.special.expm1(x))
_unary("special_log1p", Q, lambda t, x: t.special.log1p(x))
_unary("special_sinc", V, lambda t, x: t.special.sinc(x))
_unary("special_round", [1.25, -2.5, 0.5], lambda t, x: t.special.round(x, decimals=1))
_unary("special_softmax", A, lambda t, x: t.special.softmax(x, 1) * t.tensor(ROW, dtype=t.float64))
_unary("special_log_softmax", A, lambda t, x: t.special.log_softmax(x, 0) * t.tensor(ROW, dtype=t.float64))
_unary("special_logsumexp", A, lambda t, x: t.special.logsumexp(x, 1) ** 2)
for _name in ("erf", "erfc", "erfcx", "ndtr", "log_ndtr"):
    _unary(f"special_{_name}", V, lambda t, x, n=_name: getattr(t.special, n)(x), scipy=True)
_unary("special_ndtri", Q, lambda t, x: t.special.ndtri(x), scipy=True)
_unary("special_entr", Q, lambda t, x: t.special.entr(x))
_unary("special_i0e", V, lambda t, x: t.special.i0e(x))
_unary("special_i1e", V, lambda t, x: t.special.i1e(x))


def _binary(name, call, first, second, scipy=False):
    """A function of two tensors, broadcast: its value and the derivatives in both."""
    def run(t):
        x, w = X(t, first), X(t, second)
        y = call(t, x, w)
        gx, gw = t.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        hx, hw = t.autograd.grad((gx.sum() + gw.sum()), (x, w), allow_unused=True)
        return {"y": y, "gx": gx, "gw": gw, "hx": hx, "hw": hw}
    run.__name__ = name
    PROGRAMS[name] = run
    if scipy:
        NEEDS_SCIPY.add(name)


_binary("logaddexp2_broadcast", lambda t, x, w: t.logaddexp2(x, w), A, ROW)
_binary("logaddexp2_method", lambda t, x, w: x.logaddexp2(w), V, [2.0])
_binary("copysign_broadcast", lambda t, x, w: t.copysign(x, w), A, [-1.0, 2.0, -0.5])
_binary("true_divide_broadcast", lambda t, x, w: t.true_divide(x, w), A, ROW)
_binary("special_xlogy", lambda t, x, w: t.special.xlogy(x, w), A, [0.4, 0.2, 1.3], scipy=True)
_binary("special_xlog1py", lambda t, x, w: t.special.xlog1py(x, w), A, [0.4, 0.2, 1.3], scipy=True)


@program
def copysign_zero_and_scalar(t):
    x = X(t, [0.0, -0.0, 1.5, -2.0])
    y = t.copysign(x, -1.0)
    z = x.copysign(t.tensor([1.0, -1.0, -1.0, 1.0], dtype=t.float64))
    (gy,) = t.autograd.grad(y.sum(), x)
    (gz,) = t.autograd.grad(z.sum(), x)
    return {"y": y, "z": z, "gy": gy, "gz": gz, "ints": t.copysign(t.tensor([1, 2]), t.tensor([-1, 1])).double()}


@program
def floor_divide_values(t):
    x = X(t, [7.5, -7.5, 0.3, 2.0])
    y = t.floor_divide(x, 0.7)
    return {"y": y, "ints": t.floor_divide(t.tensor([7, -7, 9]), t.tensor([2, 2, -4])),
            "method": t.tensor([7, -7]).floor_divide(2), "by_zero": t.floor_divide(X(t, [7.0, -7.0, 0.0], False), 0.0)}


@program
def true_divide_of_integers(t):
    return {"y": t.true_divide(t.tensor([7, -7]), t.tensor([2, 4])).double(),
            "method": t.tensor([7.0, -7.0], dtype=t.float64).true_divide(2)}


@program
def heaviside_values(t):
    x = X(t, [-1.5, 0.0, 2.0, -0.0])
    values = X(t, [0.5], False)
    return {"y": t.heaviside(x, values), "method": x.heaviside(X(t, [0.25, 0.5, 0.75, 1.0], False)),
            "ints": t.heaviside(t.tensor([1, 0, -2]), t.tensor([7])),
            "bools": t.heaviside(t.tensor([True, False]), t.tensor([True]))}


@program
def heaviside_in_values(t):
    x = X(t, [-1.5, 0.0, 2.0, 0.0], False)
    v = X(t, [0.3, 0.5, 0.7, 0.9])
    y = t.heaviside(x, v)
    (g,) = t.autograd.grad((y * t.tensor([1.0, 2.0, 3.0, 4.0], dtype=t.float64)).sum(), v)
    return {"y": y, "g": g}


@program
def signbit_values(t):
    x = X(t, [-1.5, 0.0, -0.0, 2.0, float("-inf"), float("nan")])
    s = t.signbit(x)
    return {"s": s, "method": x.signbit(), "ints": t.signbit(t.tensor([0, -3, 4])),
            "bools": t.signbit(t.tensor([True, False]))}


@program
def ends_of_the_domains(t):
    edges = X(t, [0.0, -0.0, -1.0, -2.0, float("-inf"), float("inf"), -2.5, 1.0])
    return {"lgamma": t.lgamma(edges), "digamma": t.digamma(edges), "erfinv": t.erfinv(edges),
            "logit": t.logit(edges), "i0": t.i0(edges), "tan": t.tan(edges)}


@program
def derivatives_at_the_ends(t):
    e = X(t, [-1.0, 1.0, 0.5])
    q = X(t, [0.0, 0.1, 1.0])
    g = X(t, [0.0, 3.0])
    return {"erfinv": t.autograd.grad(t.erfinv(e).sum(), e)[0],
            "logit": t.autograd.grad(t.logit(q).sum(), q)[0],
            "logit_eps": _logit_eps_bounds(t),
            "lgamma": t.autograd.grad(t.lgamma(g).sum(), g)[0],
            "digamma": t.autograd.grad(t.digamma(g).sum(), g)[0]}


def _logit_eps_bounds(t):
    """logit's derivative with eps: the inside one at the bounds, 0 beyond them."""
    x = X(t, [0.0, 0.2, 0.5, 0.8, 1.0])
    return t.autograd.grad(t.logit(x, eps=0.2).sum(), x)[0]


@program
def float_results_of_integers(t):
    default = t.get_default_dtype()
    t.set_default_dtype(t.float64)
    try:        # restored: PyTorch's default dtype is global, and later programs read it
        ints, bools = t.tensor([1, 2, -3]), t.tensor([True, False])
        out = {}
        for name in ("tan", "deg2rad", "rad2deg", "erfinv", "lgamma", "digamma", "i0", "logit"):
            out[name] = [getattr(t, name)(ints), getattr(t, name)(bools)]
        out["rounded"] = [t.floor(ints), t.ceil(ints), t.round(ints)]
        return out
    finally:
        t.set_default_dtype(default)


@program
def float32_stays_float32(t):
    x = t.tensor([0.3, -0.6, 0.8], dtype=t.float32, requires_grad=True)
    out = {name: getattr(t, name)(x) for name in ("tan", "erfinv", "lgamma", "digamma", "i0", "logit", "floor",
                                                   "deg2rad")}
    out["round"] = t.round(x, decimals=1)
    out["g"] = t.autograd.grad(sum(v.sum() for v in out.values()), x)[0]
    return out


@program
def clamp_min_and_max_functions(t):
    x = X(t, [-1.5, 0.0, 0.5, 2.0])
    y = t.clamp_min(x, 0.0) + t.clamp_max(x, t.tensor(0.5, dtype=t.float64))
    (g,) = t.autograd.grad(y.sum(), x)
    return {"y": y, "g": g, "ints": t.clamp_min(t.tensor([1, 5]), 2.5).double()}


@program
def scaled_bessel_and_entr_at_the_ends(t):
    """i0e and i1e are finite where i0 overflows (past 713); entr is 0 at 0, -inf below;
    their derivatives there (i1e's is 1/2 at 0, entr's inf at 0 and NaN below). At NaN
    only the values: PyTorch's derivative of i1e there is 1/2, astgrad's NaN."""
    x = X(t, [0.0, -1.0, 30.0, -31.0, 800.0, -800.0, float("inf"), float("-inf")])
    out = {}
    for name in ("entr", "i0e", "i1e"):
        y = getattr(t.special, name)(x)
        out[name] = [y, t.autograd.grad(y.sum(), x)[0], getattr(t.special, name)(X(t, [float("nan")]))]
    out["ints"] = [t.special.entr(t.tensor([1, 2])).float(), t.special.i0e(t.tensor([True])).float(),
                   t.special.i1e(t.tensor([2])).float()]      # the default dtype's floats, float32 in PyTorch
    return out


@program
def rounding_in_place(t):
    x = X(t, [-1.5, -0.5, 0.4, 2.5, 3.7])
    y, z, w = x * 2.0, x * 1.0, x * 3.0
    y.floor_()
    z.ceil_()
    w.round_(decimals=1)
    (g,) = t.autograd.grad((y * x + z * x + w * x).sum(), x)
    ints = t.tensor([1, -2])
    return {"y": y, "z": z, "w": w, "g": g, "ints": [ints.floor_(), ints.ceil_(), ints.round_()],
            "names": [y.grad_fn.name(), z.grad_fn.name(), w.grad_fn.name()]}


@program
def special_functions_in_place(t):
    """The in-place forms: values and the gradient through them (floor_divide_ and
    heaviside_ without it: PyTorch has no derivative of floor_divide or heaviside; polygamma_
    without it: PyTorch's polygamma(1, 0.3) is 1e-10 from SciPy's and astgrad's, and its
    derivative here amplifies that past the comparison's tolerance)."""
    x = X(t, [0.3, 0.6, 0.9])
    out, total = {}, 0.0
    for name, args in [("tan", ()), ("deg2rad", ()), ("rad2deg", ()), ("logit", ()), ("logit", (0.4,)),
                       ("erfinv", ()), ("lgamma", ()), ("digamma", ()), ("polygamma", (1,)), ("i0", ()),
                       ("true_divide", (2.0,)), ("copysign", (-1.0,))]:
        y = x * 1.0
        getattr(y, name + "_")(*args)
        out[f"{name}{len(args)}"] = y
        if name != "polygamma":
            total = total + (y * y).sum()
    out["g"] = t.autograd.grad(total, x)[0]
    out["floor_divide"] = (x * 1.0).floor_divide_(0.25).detach()
    out["heaviside"] = (x * 1.0 - 0.6).heaviside_(X(t, [0.5], False)).detach()
    out["ints"] = t.tensor([7, -7, 3]).floor_divide_(2)
    return out


@program
def number_pairs(t):
    """Two numbers, the first taken as a 0-d tensor (floats of the default dtype, shown in float64)."""
    return {"floor_divide": [t.floor_divide(7, 2), t.floor_divide(-7, 2), t.floor_divide(-7.5, 2.0).double(),
                             t.floor_divide(7.0, 0).double()],
            "div": [t.div(7, 2).double(), t.div(-7, 2, rounding_mode="trunc"), t.div(7, 2, rounding_mode="floor"),
                    t.div(True, 2).double()],
            "others": [t.true_divide(7, 2).double(), t.add(7, 2), t.mul(True, False), t.sub(3, 1)]}


@program
def floor_divide_operator(t):
    """x // y is floor_divide: its result requires grad (torch's derivative raises, astgrad's is 0)."""
    x = X(t, [7.5, -7.5, 0.3, 2.0])
    i = t.tensor([7, -7, 9])
    return {"y": x // 0.7, "reflected": 2.0 // x, "tensors": x // X(t, [2.0, -2.0, 0.25, 0.5], False),
            "by_zero": x // 0.0, "ints": [i // 2, 9 // i, (i // 2.5).double()],
            "float32": t.tensor([7.5, -7.5], dtype=t.float32) // t.tensor([2, 2]),
            "float32_function": t.floor_divide(t.tensor([7.5, -7.5], dtype=t.float32), t.tensor([2, -3]))}


@program
def misuse(t):
    s = t.tensor([1.0, 2.0, 3.0], dtype=t.float64)
    return errors(lambda: t.floor(t.tensor([True])), lambda: t.ceil(t.tensor([True])),
                  lambda: t.round(t.tensor([True])), lambda: t.round(t.tensor([15, 25]), decimals=-1),
                  lambda: t.round(s, 1), lambda: t.logaddexp2(t.tensor([1]), t.tensor([2])),
                  lambda: t.heaviside(s, 0.5), lambda: s.heaviside(0.5),
                  lambda: t.heaviside(t.tensor([1, 0]), t.tensor([0.5])),
                  lambda: t.floor_divide(t.tensor([7, -7]), t.tensor([0, 2])),
                  lambda: t.floor_divide(t.tensor([True]), t.tensor([True])),
                  lambda: t.floor([1.0]), lambda: t.tan([1.0]), lambda: t.special.erf([1.0]),
                  lambda: t.special.polygamma(1, [1.0]), lambda: t.polygamma(1.0, s), lambda: s.polygamma(-1),
                  lambda: t.special.multigammaln(s + 5, 0),
                  lambda: t.index_select(s, 0, [0]), lambda: s.index_select(0, [0]),
                  lambda: t.index_select(s, "a", t.tensor([0])), lambda: s.hypot(0.5), lambda: t.hypot(s, 0.5))
