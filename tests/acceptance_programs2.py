"""Programs for tests/test_breadth_acceptance2.py: longer everyday programs mixing several
constructs the way numerical code is written (an LSTM cell over a dict of parameters, a
mixture log-likelihood with ``zip(*xs)``, a Gaussian process with a kernel passed as a
lambda or a ``functools.partial``, an ODE integrator with ``while ... else``, ``match`` on a
string option, dataclass parameters with ``dataclasses.replace``, namedtuple states,
``**kwargs`` through two helpers, recursion, ``itertools`` and ``functools.reduce`` over
values that carry a derivative, dict merges with ``|``). Each is a function whose last
parameter is ``w``; ``CASES`` holds (name, function, arguments, positions to
differentiate). Names start with a (models), b (more constructs), c (numerics)."""
import dataclasses, functools, itertools, math, operator
from collections import namedtuple
from typing import NamedTuple
import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
W3 = np.array([0.7, 1.1, -0.5])
M23 = np.array([[0.2, -0.5, 0.4], [0.9, 0.1, -0.3]])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
CASES, case = case_table()

# --- MLP class with list of layer objects and __call__


A1 = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [0.7, 0.2, 0.1]])
A2 = np.array([[0.5, -0.3, 0.2], [0.6, 0.1, 0.4]])


# --- RNN / LSTM with dict params
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def lstm_step(params, state, x):
    h, c = state
    gates = {k: params["W" + k] @ x + params["U" + k] @ h for k in ("i", "f", "o", "g")}
    i = sigmoid(gates["i"])
    f = sigmoid(gates["f"])
    o = sigmoid(gates["o"])
    g = np.tanh(gates["g"])
    c = f * c + i * g
    h = o * np.tanh(c)
    return h, c

def make_params(w):
    base = np.array([[0.2, -0.1, 0.3], [0.05, 0.4, -0.2], [0.1, 0.1, 0.1]])
    p = {}
    for n, k in enumerate("ifog"):
        p["W" + k] = base * (w + 0.1 * n)
        p["U" + k] = base.T * (0.5 - 0.1 * n)
    return p

@case("a03 lstm with dict params", (X3, 0.8))
def a03(x, w):
    params = make_params(w)
    state = (np.zeros(3), np.zeros(3))
    for t in range(3):
        state = lstm_step(params, state, x * (t + 1))
    h, c = state
    return np.sum(h) + 0.1 * np.sum(c ** 2)

@case("a04 rnn with dict.get defaults and reversed", (X3, 0.8))
def a04(x, w):
    params = {"W": A1 * w, "b": np.full(3, 0.05)}
    h = np.zeros(3)
    hs = []
    for xt in (x, 2 * x, -x):
        h = np.tanh(params["W"] @ h + xt + params.get("b", 0.0) + params.get("c", 0.0))
        hs.append(h)
    total = 0.0
    for k, hk in enumerate(reversed(hs)):
        total = total + (k + 1) * np.sum(hk)
    return total

# --- GMM
def log_normal(x, mu, log_s):
    return -0.5 * ((x - mu) / np.exp(log_s)) ** 2 - log_s - 0.5 * np.log(2 * np.pi)

def logsumexp(xs):
    m = max(xs)
    return m + np.log(sum(np.exp(v - m) for v in xs))

@case("a05 gmm loglik zip(*xs) comprehension", (X4, 0.8))
def a05(x, w):
    comps = [(0.3, -0.5, 0.1), (0.7, 0.6 * w, -0.2), (0.2, w, 0.3)]
    weights, mus, logs = zip(*comps)
    total = 0.0
    for xi in x:
        terms = [np.log(pi) + log_normal(xi, mu, ls) for pi, mu, ls in zip(weights, mus, logs)]
        total = total + logsumexp(terms)
    return total

@case("a06 gmm vectorized with dict of components", (X4, 0.8))
def a06(x, w):
    comps = {"a": {"mu": -0.5, "ls": 0.1, "pi": 0.4}, "b": {"mu": w, "ls": -0.2 * w, "pi": 0.6}}
    lps = [np.log(c["pi"]) + log_normal(x, c["mu"], c["ls"]) for c in comps.values()]
    stacked = np.stack(lps)
    m = np.max(stacked, axis=0)
    return np.sum(m + np.log(np.sum(np.exp(stacked - m), axis=0)))

# --- GP with kernel lambda
def gram(kernel, xs, ys):
    return np.array([[kernel(a, b) for b in ys] for a in xs])

def gp_nll(kernel, x, y, noise=0.1):
    K = gram(kernel, x, x) + noise * np.eye(len(x))
    alpha = np.linalg.solve(K, y)
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y @ alpha + 0.5 * logdet

@case("a07 gp kernel lambda", (X3, 0.8))
def a07(x, w):
    y = np.array([0.5, -0.1, 0.3])
    rbf = lambda a, b: np.exp(-0.5 * (a - b) ** 2 / (w * w))
    return gp_nll(rbf, x, y)

@case("a08 gp kernel def with keyword-only lengthscale", (X3, 0.8))
def a08(x, w):
    def kern(a, b, *, ls=1.0, var=1.0):
        return var * np.exp(-np.abs(a - b) / ls)
    y = np.sin(x)
    k = functools.partial(kern, ls=w, var=1.5)
    return gp_nll(k, x, y, noise=0.2)

# --- VI with partial
def elbo(logp, mu, log_sigma, eps):
    z = mu + np.exp(log_sigma) * eps
    return np.mean(logp(z)) + np.sum(log_sigma)

def log_target(z, *, center, scale=1.0):
    return -0.5 * np.sum(((z - center) / scale) ** 2)

EPS = np.array([0.1, -0.3, 0.7])

@case("a09 vi elbo functools.partial", (X3, 0.8))
def a09(x, w):
    lp = functools.partial(log_target, center=x, scale=2.0)
    return elbo(lp, w, -0.5 * w, EPS)

@case("a10 vi elbo with samples in loop and partial", (X3, 0.8))
def a10(x, w):
    lp = functools.partial(log_target, scale=1.5)
    total = 0.0
    for k, e in enumerate(EPS):
        z = x + np.exp(w) * e
        total += lp(z, center=np.ones(3) * k)
    return total / len(EPS) + 3 * w

# --- ODE integrator with while ... else
def euler(f, y0, t1, dt, **opts):
    t = 0.0
    y = y0
    steps = 0
    while t < t1 - 1e-12:
        y = y + dt * f(t, y, **opts)
        t += dt
        steps += 1
        if steps > 1000:
            break
    else:
        y = y * 1.0
    return y

@case("a11 ode euler while-else kwargs", (X3, 0.8))
def a11(x, w):
    rhs = lambda t, y, k=1.0: -k * y + np.sin(t)
    y = euler(rhs, x, 0.5, 0.1, k=w)
    return np.sum(y ** 2)

def rk4_step(f, t, y, h):
    k1 = f(t, y)
    k2 = f(t + h / 2, y + h / 2 * k1)
    k3 = f(t + h / 2, y + h / 2 * k2)
    k4 = f(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

@case("a12 rk4 closure over w", (X3, 0.8))
def a12(x, w):
    def rhs(t, y):
        return w * np.cos(y) - 0.1 * t * y
    y = x
    t = 0.0
    n = 0
    while n < 4:
        y = rk4_step(rhs, t, y, 0.05)
        t += 0.05
        n += 1
    else:
        y = y + 0.0
    return np.sum(y)

# --- match on a string option
def activation(z, kind):
    match kind:
        case "relu":
            return np.maximum(z, 0.0)
        case "tanh":
            return np.tanh(z)
        case "softplus" | "smooth":
            return np.log1p(np.exp(z))
        case _:
            return z

@case("a13 match string activation in loop", (X3, 0.8))
def a13(x, w):
    total = 0.0
    for name in ("tanh", "softplus", "smooth", "linear"):
        total = total + np.sum(activation(x * w, name))
    return total

def loss_by_name(pred, y, name="mse", **kw):
    match name:
        case "mse":
            return np.mean((pred - y) ** 2)
        case "huber":
            d = kw.get("delta", 1.0)
            r = pred - y
            return np.mean(np.where(np.abs(r) < d, 0.5 * r ** 2, d * (np.abs(r) - 0.5 * d)))
        case other:
            raise ValueError(f"unknown loss {other}")

@case("a14 match string loss with kwargs.get", (X3, 0.8))
def a14(x, w):
    y = np.array([0.1, 0.2, 0.3])
    return loss_by_name(x * w, y) + loss_by_name(x + w, y, "huber", delta=0.5)

# --- dataclass params with replace
@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: float
    scale: float = 1.0

def predict(p, x):
    return p.scale * np.tanh(p.W * x + p.b)

@case("a15 dataclass replace", (X3, 0.8))
def a15(x, w):
    p = Params(W=W3 * w, b=0.1)
    q = dataclasses.replace(p, scale=w * 2.0)
    r = dataclasses.replace(q, b=q.b + w)
    return np.sum(predict(p, x) + predict(q, x) * predict(r, x))

@dataclasses.dataclass(frozen=True)
class Config:
    steps: int = 3
    lr: float = 0.1
    kind: str = "tanh"

@case("a16 frozen config dataclass drives gradient descent", (X3, 0.8))
def a16(x, w):
    cfg = Config(steps=4, lr=0.05)
    cfg2 = dataclasses.replace(cfg, lr=cfg.lr * 2)
    theta = x
    for _ in range(cfg2.steps):
        g = 2 * (theta - w) + np.cos(theta)
        theta = theta - cfg2.lr * g
    return np.sum(activation(theta, cfg.kind))

# --- namedtuple states
State = namedtuple("State", ["pos", "vel"])

class Carry(NamedTuple):
    h: np.ndarray
    t: float
    count: int = 0

@case("a17 namedtuple leapfrog", (X3, 0.8))
def a17(x, w):
    grad_u = lambda q: w * q + 0.1 * q ** 3
    s = State(pos=x, vel=np.zeros(3))
    dt = 0.1
    for _ in range(4):
        v_half = s.vel - 0.5 * dt * grad_u(s.pos)
        q = s.pos + dt * v_half
        s = State(q, v_half - 0.5 * dt * grad_u(q))
    return np.sum(s.pos ** 2) + np.sum(s.vel)

@case("a18 NamedTuple carry _replace", (X3, 0.8))
def a18(x, w):
    c = Carry(h=x, t=0.0)
    while c.count < 3:
        c = c._replace(h=np.sin(c.h * w), t=c.t + w, count=c.count + 1)
    return np.sum(c.h) * c.t

# --- **kwargs through two helpers


# --- keyword-only params with defaults
def inner_kw(x, *, a=1.0, b=0.0, power=2):
    return a * x ** power + b


def middle_kw(x, **kwargs):
    kwargs.setdefault("b", 0.5)
    return inner_kw(x, **kwargs)


def outer_kw(x, scale, **kwargs):
    return scale * middle_kw(x, **kwargs)


@case("a19 kwargs forwarded through two helpers, setdefault on the way", (X3, 0.8))
def a19(x, w):
    return np.sum(outer_kw(x, w, a=w, power=3) + outer_kw(np.cos(x), 2.0, b=w))


def penalized(x, w, *, l1=0.0, l2=0.1, eps=1e-8):
    return np.sum((x - w) ** 2) + l1 * np.sum(np.sqrt(x * x + eps)) + l2 * np.sum(x ** 2)

@case("a21 keyword-only defaults mixed", (X3, 0.8))
def a21(x, w):
    return penalized(x, w) + penalized(x * w, 1.0, l1=w) + penalized(x, w, l2=0.0, l1=0.5)

# --- recursion with a base case
def tree_sum(node, w):
    if isinstance(node, (list, tuple)):
        return sum(tree_sum(c, w) for c in node)
    return np.sin(node * w)

@case("a22 recursion over nested list isinstance", (X3, 0.8))
def a22(x, w):
    tree = [x[0], (x[1], [x[2], x[0] * x[1]]), [[x[2]]]]
    return tree_sum(tree, w)

def horner(coeffs, z):
    if len(coeffs) == 1:
        return coeffs[0]
    return coeffs[0] + z * horner(coeffs[1:], z)

@case("a23 recursive horner on slices", (X3, 0.8))
def a23(x, w):
    return np.sum(horner([1.0, w, 0.5 * w, -0.2], x))

def cont_frac(z, depth):
    if depth == 0:
        return z
    return z + 1.0 / (1.0 + cont_frac(z, depth - 1) ** 2)

@case("a24 recursion depth int", (X3, 0.8))
def a24(x, w):
    return np.sum(cont_frac(x * w, 3))

# --- sorted/max/min with key
@case("a25 sorted max min with keys on tuples", (X3, 0.8))
def a25(x, w):
    items = [("a", x * w), ("b", np.sin(x)), ("c", x ** 2 + w)]
    by_norm = sorted(items, key=lambda kv: float(np.sum(kv[1] ** 2)))
    best = max(items, key=lambda kv: kv[0])
    worst = min(items, key=lambda kv: np.sum(kv[1]))
    return np.sum(by_norm[0][1]) + 2 * np.sum(best[1]) + 3 * np.sum(worst[1])

@case("a26 sorted dict items by value reverse", (0.3, 0.8))
def a26(x, w):
    scores = {"p": x * w, "q": x + w, "r": math.sin(x) * 3}
    ranked = sorted(scores.items(), key=operator.itemgetter(1), reverse=True)
    total = 0.0
    for rank, (name, v) in enumerate(ranked, start=1):
        total += v / rank
    return total

# --- itertools
@case("a27 itertools chain accumulate", (X3, 0.8))
def a27(x, w):
    parts = list(itertools.chain([x[0], x[1]], (w * v for v in x), [w]))
    cums = list(itertools.accumulate(parts))
    prods = list(itertools.accumulate(parts, operator.mul))
    return sum(cums) + prods[-1]

@case("a28 itertools product and combinations", (X3, 0.8))
def a28(x, w):
    total = 0.0
    for a, b in itertools.product(x, [w, 1.0]):
        total = total + a * b
    for i, j in itertools.combinations(range(3), 2):
        total = total + x[i] * x[j] * w
    return total

@case("a29 itertools pairwise islice repeat", (X4, 0.8))
def a29(x, w):
    total = 0.0
    for a, b in itertools.pairwise(x):
        total += (b - a) ** 2 * w
    for v, c in zip(itertools.islice(x, 1, None), itertools.repeat(w)):
        total += v * c
    return total

# --- math on scalars
@case("a30 math functions on scalars", (0.3, 0.8))
def a30(x, w):
    r = math.hypot(x, w)
    ang = math.atan2(w, x)
    return math.exp(-r) * math.cos(ang) + math.log1p(x * x) * math.sqrt(w) + math.erf(x) + w ** math.pi

@case("a31 math fsum prod and floor in index", (X3, 0.8))
def a31(x, w):
    n = math.floor(2.7)
    vals = [x[i] * w for i in range(n)]
    return math.fsum(vals) + math.prod([w, 2.0, x[2]]) + math.tanh(w)

# --- errstate
@case("a32 errstate with safe log", (X3, 0.8))
def a32(x, w):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(x * x + w)
        q = np.where(x > 0, x / w, 0.0)
    with np.errstate(all="raise"):
        s = np.exp(-r)
    return np.sum(r + q + s)

# --- assert, f-strings, print
@case("a33 assert fstring print", (X3, 0.8))
def a33(x, w):
    assert x.shape == (3,), f"bad shape {x.shape}"
    assert w > 0, "w must be positive"
    y = np.sin(x) * w
    msg = f"norm={np.linalg.norm(y):.3f} w={w}"
    print(msg)
    print("sum", np.sum(y), sep=": ")
    return np.sum(y ** 2)

# --- isinstance on args
def as_vector(v):
    if isinstance(v, np.ndarray):
        return v
    if isinstance(v, (list, tuple)):
        return np.array(v)
    return np.array([v])

@case("a34 isinstance dispatch on arguments", (X3, 0.8))
def a34(x, w):
    total = 0.0
    for v in (x, w, [w, 2.0]):
        total = total + np.sum(as_vector(v) ** 2)
    if isinstance(w, float):
        total = total * 2.0
    return total

# --- default arguments that are arrays
def shifted(x, offset=np.array([0.1, 0.2, 0.3]), scale=2.0):
    return scale * (x - offset)

@case("a35 default array argument", (X3, 0.8))
def a35(x, w):
    return np.sum(shifted(x) ** 2) + np.sum(shifted(x, scale=w) * shifted(x, np.ones(3) * w))

# --- nested structures in and out
def step_all(state, w):
    return {"pos": [p + w * v for p, v in zip(state["pos"], state["vel"])],
            "vel": tuple(v * 0.9 for v in state["vel"])}

@case("a36 nested dict list tuple through helper", (X3, 0.8))
def a36(x, w):
    st = {"pos": [x, x * 2], "vel": (np.ones(3), x)}
    for _ in range(2):
        st = step_all(st, w)
    return sum(np.sum(p) for p in st["pos"]) + sum(np.sum(v ** 2) for v in st["vel"])

# --- enumerate/zip/reversed
@case("a37 enumerate zip reversed weights", (X4, 0.8))
def a37(x, w):
    ws = [w ** k for k in range(len(x))]
    total = 0.0
    for i, (a, b) in enumerate(zip(x, reversed(ws))):
        total += (i + 1) * a * b
    for a, b in zip(reversed(x), x):
        total += a * b
    return total

# --- adam optimizer unrolled with dict state


# --- softmax classifier, class methods, staticmethod, property
class Softmax:
    def __init__(self, W, temp=1.0):
        self.W = W
        self.temp = temp
    @staticmethod
    def _softmax(z):
        e = np.exp(z - np.max(z))
        return e / np.sum(e)
    @property
    def scaled(self):
        return self.W / self.temp
    @classmethod
    def from_scale(cls, s):
        return cls(A2 * s, temp=1.5)
    def nll(self, x, label):
        p = self._softmax(self.scaled @ x)
        return -np.log(p[label])


# --- attention
def attention(q, k, v, mask=None):
    scores = q @ k.T / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    p = np.exp(scores)
    p = p / np.sum(p, axis=-1, keepdims=True)
    return p @ v

@case("a40 attention with optional mask", (M23, 0.8))
def a40(x, w):
    k = x * w
    v = np.tanh(x)
    out1 = attention(x, k, v)
    out2 = attention(x, k, v, mask=np.array([[True, False], [True, True]]))
    return np.sum(out1 ** 2) + np.sum(out2)

# --- logistic regression over batches list
@case("a41 logistic regression batches", (W3, 0.8))
def a41(x, w):
    data = [(np.array([0.1, 0.2, 0.3]), 1.0), (np.array([-0.3, 0.1, 0.0]), 0.0), (np.array([0.5, -0.5, 0.2]), 1.0)]
    loss = 0.0
    for feats, label in data:
        z = feats @ x + w
        p = sigmoid(z)
        loss -= label * np.log(p) + (1 - label) * np.log(1 - p)
    return loss / len(data) + 0.01 * x @ x

# --- newton iteration with for-else
@case("a42 fixed point with for-else", (0.3, 0.8))
def a42(x, w):
    z = x
    for i in range(20):
        nz = math.cos(z) * w + 0.1 * x
        if abs(nz - z) < 1e-3:
            z = nz
            break
        z = nz
    else:
        z = z + 0.0
    return z

# --- conv1d by comprehension
def conv1d(x, kernel):
    k = len(kernel)
    return np.array([sum(x[i + j] * kernel[j] for j in range(k)) for i in range(len(x) - k + 1)])

@case("a43 conv1d comprehensions", (X4, 0.8))
def a43(x, w):
    y = conv1d(x, [w, 1.0, -w])
    return np.sum(np.tanh(y))

# --- pytree map helper


# --- polynomial features with product
@case("a45 polynomial features from combinations_with_replacement", (X3, 0.8))
def a45(x, w):
    feats = [math.prod(c) if False else functools.reduce(operator.mul, c, 1.0)
             for c in itertools.combinations_with_replacement(list(x), 2)]
    coef = [w ** k for k in range(len(feats))]
    return sum(a * b for a, b in zip(feats, coef))

# --- functools.reduce
@case("a46 functools.reduce with lambda over layers", (X3, 0.8))
def a46(x, w):
    layers = [lambda h: np.tanh(h * w), lambda h: h + w, np.sin]
    out = functools.reduce(lambda h, f: f(h), layers, x)
    return np.sum(out)

# --- batchnorm like with eps default
def batchnorm(h, gamma, beta, *, eps=1e-5, axis=0):
    mu = np.mean(h, axis=axis, keepdims=True)
    var = np.var(h, axis=axis, keepdims=True)
    return gamma * (h - mu) / np.sqrt(var + eps) + beta

@case("a47 batchnorm keyword-only axis", (M23, 0.8))
def a47(x, w):
    y = batchnorm(x, w, 0.1)
    z = batchnorm(x.T, 1.0, w, axis=1)
    return np.sum(y ** 3) + np.sum(z * x.T)

# --- numerically stable log loss with dict.get on config
CONFIG = {"clip": 0.99, "weight": 2.0}

@case("a48 global config dict get", (X3, 0.8))
def a48(x, w):
    p = sigmoid(x * w)
    p = np.clip(p, 1 - CONFIG.get("clip", 1.0), CONFIG.get("clip", 1.0))
    return -np.sum(np.log(p)) * CONFIG.get("weight", 1.0) + CONFIG.get("missing", 0.5) * w

# --- class with list of parameters and enumerate


# --- hmm forward algorithm
@case("a50 hmm forward algorithm", (X3, 0.8))
def a50(x, w):
    T = np.array([[0.9, 0.1], [0.2, 0.8]])
    init = np.array([0.5, 0.5])
    def emit(o):
        return np.array([np.exp(-0.5 * (o - w) ** 2), np.exp(-0.5 * (o + w) ** 2)])
    alpha = init * emit(x[0])
    logz = 0.0
    for o in x[1:]:
        alpha = (alpha @ T) * emit(o)
        s = np.sum(alpha)
        logz = logz + np.log(s)
        alpha = alpha / s
    return logz + np.log(np.sum(alpha))


# ---- more constructs


SM = Softmax(A2, temp=1.5)

@case("b03 global softmax nll static property", (X3, 0.8))
def b03(x, w):
    return SM.nll(x * w, 0) + SM.nll(x, 1) * w


# --- OrderedDict, defaultdict

@case("b08 dict items sorted by key with get default", (X3, 0.8))
def b08(x, w):
    d = {"b": x * w, "a": np.cos(x), "c": x ** 2}
    total = 0.0
    for k in sorted(d):
        total = total + np.sum(d.get(k, 0.0)) * (ord(k) - 96)
    return total + np.sum(d.get("zz", np.zeros(3)))

# --- nested functions with keyword-only and defaults
@case("b09 nested def keyword-only default closure", (X3, 0.8))
def b09(x, w):
    def scaled(v, *, factor=w, power=2):
        return factor * v ** power
    return np.sum(scaled(x) + scaled(x, power=3) + scaled(x, factor=2.0))

# --- generator expressions in sum/max/min/any
@case("b10 sum max min generator expressions", (X3, 0.8))
def b10(x, w):
    s = sum(v * w for v in x)
    m = max(v * w for v in x)
    n = min((v + w for v in x), default=0.0)
    return s + m * n

# --- while with break and else and counters
@case("b11 bisection style while-else", (0.3, 0.8))
def b11(x, w):
    lo, hi = 0.0, 2.0
    it = 0
    val = x
    while it < 10:
        mid = 0.5 * (lo + hi)
        if mid * mid > 2.0:
            hi = mid
        else:
            lo = mid
        val = val * 0.9 + w * 0.1 * mid
        it += 1
        if hi - lo < 1e-9:
            break
    else:
        val = val + 0.5 * w
    return val

# --- match on tuple shapes and class
@case("b12 match on tuple of string and int", (X3, 0.8))
def b12(x, w):
    total = 0.0
    for op in [("scale", 2), ("shift", 1), ("pow", 3), ("noop", 0)]:
        match op:
            case ("scale", k):
                total = total + k * np.sum(x) * w
            case ("shift", k) if k > 0:
                total = total + np.sum(x + k * w)
            case ("pow", k):
                total = total + np.sum(x ** k) * w
            case _:
                pass
    return total

# --- namedtuple returned from helper and unpacked
Stats = namedtuple("Stats", "mean var")

def moments(v):
    m = np.mean(v)
    return Stats(m, np.mean((v - m) ** 2))

@case("b13 namedtuple returned unpacked and by attribute", (X4, 0.8))
def b13(x, w):
    m, v = moments(x * w)
    s = moments(np.sin(x))
    return m * v + s.mean * s.var + s[0] * w

# --- recursion on ints with memo-less fib weights
def weighted_fib(n, w):
    if n < 2:
        return w * n
    return weighted_fib(n - 1, w) + 0.5 * weighted_fib(n - 2, w)

@case("b14 recursion two calls", (0.3, 0.8))
def b14(x, w):
    return weighted_fib(4, w) * x + weighted_fib(3, x)

# --- list of dicts params (pytree)
@case("b15 list of dicts layers loop", (X3, 0.8))
def b15(x, w):
    layers = [{"W": A1 * w, "b": np.zeros(3)}, {"W": A2, "b": np.full(2, w)}]
    h = x
    for i, layer in enumerate(layers):
        h = layer["W"] @ h + layer.get("b", 0.0)
        if i < len(layers) - 1:
            h = np.tanh(h)
    return np.sum(h ** 2)

# --- string formatting and print of arrays in a loop
@case("b16 print and fstring in loop", (X3, 0.8))
def b16(x, w):
    total = 0.0
    for i, v in enumerate(x):
        total = total + v * w ** i
        if i == 1:
            print(f"step {i}: {total:.4f} {v!r}")
    print("total=%s" % (total,))
    return total

# --- isinstance dispatch within helper on list vs array
def norm2(v):
    if isinstance(v, list):
        return sum(norm2(u) for u in v)
    if isinstance(v, dict):
        return sum(norm2(u) for u in v.values())
    return np.sum(v * v)

@case("b17 isinstance recursive norm on nested", (X3, 0.8))
def b17(x, w):
    return norm2([x, {"a": x * w, "b": [w, np.sin(x)]}])

# --- default array argument in a nested def, mutated copy
@case("b18 nested default array", (X3, 0.8))
def b18(x, w):
    def f(v, c=np.array([1.0, 2.0, 3.0])):
        return np.sum(v * c)
    return f(x) * w + f(x, c=x)

# --- math on scalars in loop with accumulate
@case("b19 math loop scalars", (0.3, 0.8))
def b19(x, w):
    acc = 0.0
    for k in range(1, 5):
        acc += math.sin(k * x) / k + math.exp(-k * w) * math.cos(x)
    return acc + math.log(1 + w * w) + math.pow(x * x + 1, w)

# --- errstate around a division guarded by where
@case("b20 errstate in helper", (X3, 0.8))
def b20(x, w):
    def safe_div(a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(np.abs(b) > 1e-12, a / np.where(np.abs(b) > 1e-12, b, 1.0), 0.0)
        return r
    return np.sum(safe_div(x * w, x + 1.0))

# --- dict comprehension over zip and items
@case("b21 dict comp zip items then values sum", (X3, 0.8))
def b21(x, w):
    keys = ["a", "b", "c"]
    d = {k: v * w for k, v in zip(keys, x)}
    e = {k: np.sin(v) for k, v in d.items() if k != "b"}
    return sum(d.values()) + sum(e.values())

# --- starred unpacking and walrus
@case("b22 starred head tail and walrus", (X4, 0.8))
def b22(x, w):
    first, *middle, last = list(x)
    if (s := sum(middle)) > 0:
        return first * w + s * last
    return first - s * w

# --- zip(*) transpose of list of tuples made by comprehension
@case("b23 zip star transpose", (X3, 0.8))
def b23(x, w):
    pairs = [(v, v * w) for v in x]
    a, b = zip(*pairs)
    return sum(a) * sum(b) + np.sum(np.array(b) ** 2)

# --- enumerate over reversed with start
@case("b24 enumerate reversed start", (X4, 0.8))
def b24(x, w):
    total = 0.0
    for i, v in enumerate(reversed(list(x)), start=1):
        total = total + v * w ** i
    return total

# --- min/max with key over dict
@case("b25 max over dict keys by value", (X3, 0.8))
def b25(x, w):
    d = {"a": x[0] * w, "b": x[1] + w, "c": x[2] * x[0]}
    best = max(d, key=d.get)
    worst = min(d.items(), key=lambda kv: kv[1])
    return d[best] + worst[1] * 2

# --- partial with positional bound in loop over kernels
# --- class with __call__ and a classmethod factory, and dataclass with method
@dataclasses.dataclass
class Affine:
    A: np.ndarray
    c: np.ndarray
    def __call__(self, v):
        return self.A @ v + self.c
    def inverse_norm(self, v):
        return np.sum(np.linalg.solve(self.A, v - self.c) ** 2)

AFF = Affine(A1 + 2 * np.eye(3), np.array([0.1, 0.2, 0.3]))

def kern(a, b, scale):
    return np.exp(-scale * (a - b) ** 2)


@case("b26 partials made by a comprehension", (X3, 0.8))
def b26(x, w):
    ks = [functools.partial(kern, scale=s) for s in (0.5, 1.0, w)]
    total = 0.0
    for k in ks:
        total = total + np.sum(k(x, x[::-1]))
    return total


@case("b27 dataclass global call and method", (X3, 0.8))
def b27(x, w):
    return np.sum(AFF(x * w)) + AFF.inverse_norm(x) * w


# --- dataclass with default_factory built inside


# --- **kwargs forwarding, two helpers, defaults
def leaf(x, *, a=1.0, b=2.0):
    return a * np.sin(x) + b

def mid(x, **kw):
    return leaf(x, **kw) * 2

def top(x, **kw):
    return mid(x, **kw) + mid(x)

@case("b30 kwargs two levels", (X3, 0.8))
def b30(x, w):
    return np.sum(top(x, a=w) + top(x, b=w, a=0.5))

# --- *args forwarding with sum
def add_all(*vs):
    total = 0.0
    for v in vs:
        total = total + v
    return total

def scaled_all(scale, *vs):
    return scale * add_all(*vs)

@case("b31 *args two levels", (X3, 0.8))
def b31(x, w):
    return np.sum(scaled_all(w, x, x ** 2, np.sin(x)))

# --- keyword-only required argument
def klo(x, *, w, eps=1e-3):
    return np.sum(np.sqrt(x * x + eps) * w)

@case("b32 keyword-only required", (X3, 0.8))
def b32(x, w):
    return klo(x, w=w) + klo(w=w * 2, x=x, eps=0.1)

# --- ternary chains and boolean ops
@case("b33 ternaries and boolean ops", (0.3, 0.8))
def b33(x, w):
    a = x * w if x > 0 and w > 0 else -x
    b = (w if w < 1 else 1.0) or 0.5
    c = x if not (x > 1 or w > 2) else w
    return a * b + c

# --- list methods: index, count, sort not on active
@case("b34 list methods on active", (X3, 0.8))
def b34(x, w):
    xs = [x[0], x[1] * w, x[2]]
    xs.append(w)
    xs.extend([x[0] * x[1]])
    xs.reverse()
    last = xs.pop()
    xs.insert(1, last * 2)
    return sum(xs) + xs[0] * xs[-1]

# --- nested comprehension with condition on index
@case("b35 nested comprehension matrix", (M23, 0.8))
def b35(x, w):
    rows = [[v * w if j % 2 == 0 else np.sin(v) for j, v in enumerate(row)] for row in x]
    return sum(sum(r) for r in rows)

# --- tuple returned from nested def and unpacked in loop
@case("b36 nested def returns tuple in loop", (X3, 0.8))
def b36(x, w):
    def step(a, b):
        return b, a + w * b
    a, b = x, np.ones(3)
    for _ in range(3):
        a, b = step(a, b)
    return np.sum(a * b)

# --- global function stored in a dict at module level


# --- global list of lambdas


# --- try/finally with return inside loop
@case("b39 try finally", (X3, 0.8))
def b39(x, w):
    total = 0.0
    for v in x:
        try:
            total = total + v * w
        finally:
            total = total * 1.0
    return total

# --- with errstate nested
@case("b40 nested with blocks", (X3, 0.8))
def b40(x, w):
    with np.errstate(over="ignore"):
        with np.errstate(under="ignore"):
            y = np.exp(x * w)
    return np.sum(y)

# --- assert with isinstance
@case("b41 assert isinstance", (X3, 0.8))
def b41(x, w):
    assert isinstance(x, np.ndarray) and x.ndim == 1
    assert isinstance(w, (int, float)), type(w)
    return np.sum(x ** 2) * w

# --- sorted of list of arrays by key lambda with tuples
@case("b42 sorted by tuple key", (X3, 0.8))
def b42(x, w):
    items = [(2, x * w), (1, np.sin(x)), (2, x)]
    ordered = sorted(items, key=lambda t: (t[0], float(np.sum(t[1]))))
    return sum(np.sum(v) * (k + i) for i, (k, v) in enumerate(ordered))

# --- math.fsum with generator, math.prod
@case("b43 math fsum prod on vector items", (X3, 0.8))
def b43(x, w):
    return math.fsum(v * w for v in x) + math.prod(v + 2 for v in x)

# --- itertools.starmap and zip_longest free
@case("b44 itertools chain.from_iterable", (X3, 0.8))
def b44(x, w):
    nested = [[x[0], x[1]], [x[2] * w], []]
    flat = list(itertools.chain.from_iterable(nested))
    return sum(v ** 2 for v in flat)

# --- functools.reduce with operator.mul over list
@case("b45 functools.reduce operator.mul", (X3, 0.8))
def b45(x, w):
    return functools.reduce(operator.mul, [x[0], x[1], w], 1.0) + functools.reduce(lambda a, b: a + b * w, x)

# --- itertools.accumulate with initial and max
@case("b46 accumulate initial and func=max", (X4, 0.8))
def b46(x, w):
    run = list(itertools.accumulate(x * w, initial=1.0))
    peak = list(itertools.accumulate(x, max))
    return sum(run) + sum(peak)

# --- lambda with default capturing loop var

# --- conditional function choice

# --- closure modifying list in outer scope (append)
@case("b48 function chosen by a conditional expression", (X3, 0.8))
def b48(x, w):
    f = np.sin if w > 0.5 else np.cos
    g = (lambda v: v * w) if np.sum(x) > 0 else (lambda v: v / w)
    return np.sum(f(g(x))) + np.sum((np.tanh if w < 0.5 else np.exp)(x))


@case("b49 closure appends to outer list", (X3, 0.8))
def b49(x, w):
    seen = []
    def visit(v):
        seen.append(v * w)
        return v
    for v in x:
        visit(v)
    return sum(seen)

# --- np.vectorize-free map over rows with a def
@case("b50 map def over rows of matrix", (M23, 0.8))
def b50(x, w):
    def row_norm(r):
        return np.sqrt(np.sum(r ** 2) + w)
    return sum(map(row_norm, x))


# ---- numerics with Python constructs


@case("c02 cumulative with list and np.array", (X4, 0.8))
def c02(x, w):
    out = []
    prev = 0.0
    for v in x:
        prev = prev * w + v
        out.append(prev)
    arr = np.array(out)
    return np.sum(arr * np.arange(4))


@case("c04 closure over array modified in loop", (X3, 0.8))
def c04(x, w):
    acc = np.zeros(3)
    def add(v):
        return acc + v * w
    for k in range(3):
        acc = add(x * (k + 1))
    return np.sum(acc ** 2)

@case("c05 lambda late binding in loop", (X3, 0.8))
def c05(x, w):
    c = 1.0
    f = lambda v: v * c
    total = 0.0
    for k in range(3):
        c = c * w
        total = total + np.sum(f(x))
    return total

@case("c06 dict of arrays update in loop", (X3, 0.8))
def c06(x, w):
    d = {"a": x, "b": x * 0.0}
    for k in range(3):
        d["b"] = d["b"] + d["a"] * w
        d["a"] = np.sin(d["a"])
    return np.sum(d["a"] * d["b"])

@case("c07 tuple swap and multiple assignment", (X3, 0.8))
def c07(x, w):
    a, b = x, x * w
    for _ in range(3):
        a, b = b, a + b * w
    return np.sum(a - b)

@case("c08 chained comparisons and abs", (X3, 0.8))
def c08(x, w):
    total = 0.0
    for v in x:
        if -0.5 < v < 0.5:
            total = total + v * w
        elif v >= 0.5:
            total = total + abs(v) ** w
        else:
            total = total - v
    return total


@case("c10 local class-free record dict of funcs", (X3, 0.8))
def c10(x, w):
    ops = {"sq": lambda v: v * v, "sc": lambda v: v * w}
    y = x
    for name in ("sq", "sc", "sq"):
        y = ops[name](y)
    return np.sum(y)

@case("c11 reduce over matrix rows with matmul", (M23, 0.8))
def c11(x, w):
    return np.sum(functools.reduce(lambda acc, row: acc * w + row, x, np.zeros(3)))

@case("c12 product of grid with math", (X3, 0.8))
def c12(x, w):
    total = 0.0
    for a, b in itertools.product(x, repeat=2):
        total += math.tanh(a * b * w) if False else np.tanh(a * b * w)
    return total

@case("c13 combinations pairwise distances", (M23.T, 0.8))
def c13(x, w):
    total = 0.0
    for p, q in itertools.combinations(list(x), 2):
        total = total + np.exp(-w * np.sum((p - q) ** 2))
    return total

@case("c14 chain of lists of arrays", (X3, 0.8))
def c14(x, w):
    parts = itertools.chain([x], [x * w, np.sin(x)], (x ** 2 for _ in range(2)))
    return sum(np.sum(p) for p in parts)

@case("c15 islice and pairwise on list", (X4, 0.8))
def c15(x, w):
    xs = [v * w for v in x]
    head = list(itertools.islice(xs, 3))
    diffs = [b - a for a, b in itertools.pairwise(xs)]
    return sum(head) * sum(d * d for d in diffs)

@case("c16 accumulate then reversed", (X4, 0.8))
def c16(x, w):
    c = list(itertools.accumulate([v * w for v in x]))
    return sum(v * (i + 1) for i, v in enumerate(reversed(c)))

@case("c17 sorted itemgetter tuples", (X4, 0.8))
def c17(x, w):
    rows = [(float(i), x[i] * w, x[i] ** 2) for i in range(4)]
    by_sq = sorted(rows, key=operator.itemgetter(2))
    return sum(r[1] * (k + 1) for k, r in enumerate(by_sq))

@case("c18 partial of global with positional", (X3, 0.8))
def c18(x, w):
    def run(f, v):
        return f(v) + f(v * 2)
    p = functools.partial(np.multiply, w)
    return np.sum(run(p, x))

@case("c19 partial of lambda passed to map", (X3, 0.8))
def c19(x, w):
    f = functools.partial(lambda a, b, c=1.0: a * b + c, w, c=0.5)
    return sum(map(f, list(x)))

@case("c20 partial passed to sorted key and max", (X3, 0.8))
def c20(x, w):
    def score(scale, v):
        return scale * v
    key = functools.partial(score, -1.0)
    items = [x[0] * w, x[1], x[2] * w * w]
    return sum(v * (i + 1) for i, v in enumerate(sorted(items, key=key))) + max(items, key=key)

@case("c21 dataclass replace in loop", (X3, 0.8))
def c21(x, w):
    p = Params(W=x, b=0.0)
    for k in range(3):
        p = dataclasses.replace(p, W=np.tanh(p.W * w), b=p.b + w * k)
    return np.sum(p.W) + p.b * p.scale

Phase = namedtuple("Phase", "pos vel")


@case("c22 namedtuple replace in helper", (X3, 0.8))
def c22(x, w):
    def step(s):
        return s._replace(pos=s.pos + 0.1 * s.vel, vel=s.vel - 0.1 * w * s.pos)
    s = Phase(x, np.zeros(3))
    for _ in range(3):
        s = step(s)
    return np.sum(s.pos * s.vel) + np.sum(s.pos)


Gauss = namedtuple("Gauss", "mean std")


@dataclasses.dataclass
class Summary:
    sum: float
    max: np.ndarray


@case("c23 namedtuple fields named mean and std", (X3, 0.8))
def c23(x, w):
    g = Gauss(np.mean(x) * w, np.std(x))
    return g.mean * g.std + np.sum(((x - g.mean) / g.std) ** 2)


@case("c25 dataclass fields named sum and max", (X3, 0.8))
def c25(x, w):
    r = Summary(np.sum(x) * w, x * w)
    return r.sum * np.sum(r.max)


@case("c26 reversed zip enumerate combined", (X4, 0.8))
def c26(x, w):
    total = 0.0
    for i, (a, b) in enumerate(zip(reversed(x), x[1:])):
        total += a * b * w ** i
    return total

@case("c27 while with walrus", (0.3, 0.8))
def c27(x, w):
    v = x
    n = 0
    while (v := v * w + 0.1) < 2.0 and n < 10:
        n += 1
    return v

@case("c28 list multiply and add of arrays", (X3, 0.8))
def c28(x, w):
    xs = [x] * 2 + [x * w]
    ys = xs + [np.ones(3)]
    return sum(np.sum(a * b) for a, b in zip(xs, ys[1:]))

@case("c29 dict merge operator", (X3, 0.8))
def c29(x, w):
    a = {"x": x, "w": w}
    b = {"w": w * 2, "z": x ** 2}
    c = a | b
    return np.sum(c["x"] * c["w"]) + np.sum(c["z"])

@case("c30 any all short circuit with values", (X3, 0.8))
def c30(x, w):
    if all(v > -1 for v in x) and any(v > 0.5 for v in x):
        return np.sum(x * w)
    return np.sum(x)

@case("c31 max and min of numbers and a list", (X3, 0.7))
def c31(x, w):
    return max(np.sum(x), w, 0.1) + min([np.sum(x ** 2), w * w])

@case("c32 global constant tuple of arrays", (X3, 0.8))
def c32(x, w):
    return sum(np.sum(c * x) * w for c in (W3, X3 * 0 + 1))

@case("c33 recursion with list slicing sum", (X4, 0.8))
def c33(x, w):
    return _rsum(list(x), w)

def _rsum(xs, w):
    if not xs:
        return 0.0
    return xs[0] * w + _rsum(xs[1:], w * 0.5)

@case("c34 mutual recursion", (0.3, 0.8))
def c34(x, w):
    return _even(4, x, w)

def _even(n, x, w):
    if n == 0:
        return x
    return _odd(n - 1, x * w, w)

def _odd(n, x, w):
    if n == 0:
        return x * x
    return _even(n - 1, np.sin(x), w)

@case("c35 nested functions three levels", (X3, 0.8))
def c35(x, w):
    def outer(a):
        def middle(b):
            def inner(c):
                return c * w + a
            return inner(b) * 2
        return middle(a * w)
    return np.sum(outer(x))

@case("c36 string ops on keys", (X3, 0.8))
def c36(x, w):
    d = {f"layer{i}": x * (i + 1) for i in range(3)}
    total = 0.0
    for k, v in d.items():
        if k.endswith("1") or k.upper() == "LAYER2":
            total = total + np.sum(v) * w
    return total

@case("c37 int and float conversions", (X3, 0.8))
def c37(x, w):
    n = int(np.sum(x > 0))
    return float(np.sum(x)) * w * n + round(2.6) * w

@case("c38 enumerate dict in sorted order with lambda closure", (X3, 0.8))
def c38(x, w):
    d = dict(zip("cab", x))
    ks = sorted(d, key=lambda k: d[k] * w)
    return sum(d[k] * i for i, k in enumerate(ks))

@case("c39 numpy method calls on arrays", (M23, 0.8))
def c39(x, w):
    y = (x * w).T
    return y.sum() + y.mean(axis=0).dot(np.ones(2)) + x.max() * w + (x ** 2).std()


