"""The benchmark workloads written for the peers: HIPS autograd, PyTorch eager, JAX.

Each ``*_systems`` function returns ``{system name: zero-argument callable}`` computing
the gradient (or Hessian-vector product) the way a user of that library would write
it. A peer that is not installed is simply absent from the dict (the table prints
``n/a``). Everything runs in float64 on the CPU, like the NumPy workloads.

Inputs are converted to each library's arrays once, outside the timed call. Each
callable closes over names bound once (g_ag for autograd, gj/g for JAX): a closure
sees the last binding of a name, so reusing one name would time the wrong library.
"""

import importlib

import numpy as np

from workloads import SCALAR_STEPS


def _try_import(name):
    try:
        return importlib.import_module(name)
    except Exception:          # not installed, or broken: the table says n/a
        return None


autograd = anp = torch = jax = jnp = None


def load():
    """Import the peers that are installed (slow: torch and jax take seconds)."""
    global autograd, anp, torch, jax, jnp
    autograd = _try_import("autograd")
    anp = _try_import("autograd.numpy")
    torch = _try_import("torch")
    jax = _try_import("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        jnp = importlib.import_module("jax.numpy")
    if torch is not None:
        torch.set_num_threads(1)


def versions():
    out = {}
    for name, module in (("autograd", autograd), ("torch", torch), ("jax", jax)):
        if module is None:
            out[name] = "not loaded" if name in _skipped else "not installed"
            continue
        version = getattr(module, "__version__", None)
        if version is None:
            try:
                from importlib.metadata import version as dist_version
                version = dist_version(name)
            except Exception:
                version = "?"
        out[name] = version
    if jax is not None:
        out["jaxlib"] = importlib.import_module("jaxlib").__version__
    return out


_skipped = set()


def skip():
    """Peers are not used in this run (run.py --quick): say so instead of 'not installed'."""
    _skipped.update(("autograd", "torch", "jax"))


def _to_numpy(value):
    """A peer's result as NumPy, for checking it against the hand-written gradient."""
    if isinstance(value, (tuple, list)):
        return tuple(_to_numpy(v) for v in value)
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().numpy()
    if not isinstance(value, (np.ndarray, np.generic, float, int)) and hasattr(value, "numpy"):
        return np.asarray(value.numpy())          # e.g. an astgrad tensor
    return np.asarray(value)


def _jax_block(fn):
    def call():
        return jax.block_until_ready(fn())
    return call


# -- 1. scalar loop ------------------------------------------------------------------------

def _scalar_autograd(x):
    s = 0.0
    for i in range(SCALAR_STEPS):
        s = s + anp.sin(x * i) * x / (1 + i)
    return s


def _scalar_torch(x):
    s = 0.0
    for i in range(SCALAR_STEPS):
        s = s + torch.sin(x * i) * x / (1 + i)
    return s


def _scalar_jax(x):
    s = 0.0
    for i in range(SCALAR_STEPS):
        s = s + jnp.sin(x * i) * x / (1 + i)
    return s


def scalar_systems(x):
    systems = {}
    if autograd is not None:
        g_ag = autograd.grad(_scalar_autograd)
        systems["autograd"] = lambda: g_ag(x)
    if torch is not None:
        def torch_grad():
            xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            (gx,) = torch.autograd.grad(_scalar_torch(xt), (xt,))
            return gx
        systems["torch eager"] = torch_grad
    if jax is not None:
        g = jax.grad(_scalar_jax)
        gj = jax.jit(g)
        xj = jnp.asarray(x)
        systems["jax jit"] = _jax_block(lambda: gj(xj))
        systems["jax eager"] = _jax_block(lambda: g(xj))
    return systems


# -- 2. MLP and 6. its Hessian-vector product ---------------------------------------------

def _mlp(xp, tanh, mean):
    def loss(W1, b1, W2, b2, X, Y):
        h = tanh(X @ W1 + b1)
        out = h @ W2 + b2
        diff = out - Y
        return mean(diff ** 2)
    return loss


def mlp_systems(W1, b1, W2, b2, X, Y):
    systems = {}
    if autograd is not None:
        g_ag = autograd.grad(_mlp(anp, anp.tanh, anp.mean), argnum=(0, 1, 2, 3))
        systems["autograd"] = lambda: g_ag(W1, b1, W2, b2, X, Y)
    if torch is not None:
        loss_t = _mlp(torch, torch.tanh, torch.mean)
        params = [torch.tensor(a, requires_grad=True) for a in (W1, b1, W2, b2)]
        Xt, Yt = torch.tensor(X), torch.tensor(Y)
        systems["torch eager"] = lambda: torch.autograd.grad(loss_t(*params, Xt, Yt), params)
    if jax is not None:
        loss = _mlp(jnp, jnp.tanh, jnp.mean)
        g = jax.grad(loss, argnums=(0, 1, 2, 3))
        gj = jax.jit(g)
        args = tuple(jnp.asarray(a) for a in (W1, b1, W2, b2, X, Y))
        systems["jax jit"] = _jax_block(lambda: gj(*args))
        systems["jax eager"] = _jax_block(lambda: g(*args))
    return systems


def hvp_systems(W1, b1, W2, b2, X, Y, V):
    systems = {}
    if autograd is not None:
        h_ag = autograd.hessian_vector_product(_mlp(anp, anp.tanh, anp.mean), argnum=0)
        systems["autograd"] = lambda: h_ag(W1, b1, W2, b2, X, Y, V)
    if torch is not None:
        loss_t = _mlp(torch, torch.tanh, torch.mean)
        W1t = torch.tensor(W1, requires_grad=True)
        rest = [torch.tensor(a) for a in (b1, W2, b2, X, Y)]
        Vt = torch.tensor(V)

        def torch_hvp():
            (g,) = torch.autograd.grad(loss_t(W1t, *rest), (W1t,), create_graph=True)
            (hv,) = torch.autograd.grad(g, (W1t,), grad_outputs=(Vt,))
            return hv
        systems["torch eager"] = torch_hvp
    if jax is not None:
        loss = _mlp(jnp, jnp.tanh, jnp.mean)
        W1j, b1j, W2j, b2j, Xj, Yj, Vj = (jnp.asarray(a) for a in (W1, b1, W2, b2, X, Y, V))

        def jax_hvp(W1, b1, W2, b2, X, Y, V):
            return jax.jvp(lambda w: jax.grad(loss)(w, b1, W2, b2, X, Y), (W1,), (V,))[1]
        hj = jax.jit(jax_hvp)
        systems["jax jit"] = _jax_block(lambda: hj(W1j, b1j, W2j, b2j, Xj, Yj, Vj))
        systems["jax eager"] = _jax_block(lambda: jax_hvp(W1j, b1j, W2j, b2j, Xj, Yj, Vj))
    return systems


# -- 3. logistic regression ---------------------------------------------------------------

def _logreg(exp, log1p, mean):
    def loss(w, X, y):
        z = X @ w
        return mean(log1p(exp(z)) - y * z)
    return loss


def logreg_systems(w, X, y):
    systems = {}
    if autograd is not None:
        g_ag = autograd.grad(_logreg(anp.exp, anp.log1p, anp.mean))
        systems["autograd"] = lambda: g_ag(w, X, y)
    if torch is not None:
        loss_t = _logreg(torch.exp, torch.log1p, torch.mean)
        wt = torch.tensor(w, requires_grad=True)
        Xt, yt = torch.tensor(X), torch.tensor(y)
        systems["torch eager"] = lambda: torch.autograd.grad(loss_t(wt, Xt, yt), (wt,))[0]
    if jax is not None:
        g = jax.grad(_logreg(jnp.exp, jnp.log1p, jnp.mean))
        gj = jax.jit(g)
        args = tuple(jnp.asarray(a) for a in (w, X, y))
        systems["jax jit"] = _jax_block(lambda: gj(*args))
        systems["jax eager"] = _jax_block(lambda: g(*args))
    return systems


# -- 4. RNN (BPTT) ------------------------------------------------------------------------

def _rnn(zeros, tanh, total):
    def loss(Wx, Wh, xs):
        h = zeros(Wh.shape[0])
        value = 0.0
        for t in range(xs.shape[0]):
            h = tanh(Wx @ xs[t] + Wh @ h)
            value = value + total(h * h)
        return value
    return loss


def rnn_systems(Wx, Wh, xs):
    systems = {}
    if autograd is not None:
        g_ag = autograd.grad(_rnn(anp.zeros, anp.tanh, anp.sum), argnum=(0, 1))
        systems["autograd"] = lambda: g_ag(Wx, Wh, xs)
    if torch is not None:
        loss_t = _rnn(lambda n: torch.zeros(n, dtype=torch.float64), torch.tanh, torch.sum)
        params = [torch.tensor(a, requires_grad=True) for a in (Wx, Wh)]
        xst = torch.tensor(xs)
        systems["torch eager"] = lambda: torch.autograd.grad(loss_t(*params, xst), params)
    if jax is not None:
        g = jax.grad(_rnn(jnp.zeros, jnp.tanh, jnp.sum), argnums=(0, 1))
        gj = jax.jit(g)
        args = tuple(jnp.asarray(a) for a in (Wx, Wh, xs))
        systems["jax jit"] = _jax_block(lambda: gj(*args))
        systems["jax eager"] = _jax_block(lambda: g(*args))
    return systems


# -- 5. elementwise -----------------------------------------------------------------------

def elementwise_systems(x):
    systems = {}
    if autograd is not None:
        g_ag = autograd.grad(lambda x: anp.sum(anp.sin(x) ** 2 * anp.exp(-x)))
        systems["autograd"] = lambda: g_ag(x)
    if torch is not None:
        xt = torch.tensor(x, requires_grad=True)
        systems["torch eager"] = lambda: torch.autograd.grad(
            torch.sum(torch.sin(xt) ** 2 * torch.exp(-xt)), (xt,))[0]
    if jax is not None:
        g = jax.grad(lambda x: jnp.sum(jnp.sin(x) ** 2 * jnp.exp(-x)))
        gj = jax.jit(g)
        xj = jnp.asarray(x)
        systems["jax jit"] = _jax_block(lambda: gj(xj))
        systems["jax eager"] = _jax_block(lambda: g(xj))
    return systems
