"""NumPy code as it is usually written, differentiated as written: a grid from
``np.meshgrid``, a block matrix from ``np.block``, a write through a reshaped view
before the array's name is bound again, layer objects changed by their methods in a
loop (over a model's list, a dict of layers, ``enumerate`` and ``zip``), a layer list
re-ordered for a second pass (``again = layers[:2]``, ``again.append(layers[0])``: the
same objects, as Python's lists hold them), objects of your class whose method is named
``pop`` like a list's, and Python lists handed to ``jvp`` and ``hessian``. Each derivative is checked against central
finite differences. Run from the repository root:  python examples/grids_views_and_layers.py
"""

import numpy as np

import astgrad


def grid_potential(xs, ys):
    """A potential summed over the grid of all (x, y) pairs."""
    X, Y = np.meshgrid(xs, ys)
    return np.sum(np.exp(-X ** 2) * np.cos(Y))


def block_energy(A, B):
    """v @ M @ v for the symmetric block matrix M = [[A, B], [B.T, A]]."""
    M = np.block([[A, B], [B.T, A]])
    v = np.arange(1.0, 5.0)
    return v @ np.tanh(M) @ v


def view_then_rebind(e, x):
    z = x * 1.0
    w = z.reshape(2, 2)     # a view of z: writing into w writes into z
    w[0, 0] = e * x[1]
    z = z * 2.0             # z now names a new array; w keeps the old one
    return np.sum(z ** 2) + np.sum(np.sin(w))


class Layer:
    def __init__(self, gain):
        self.gain = gain

    def scale(self, w):
        self.gain = self.gain * np.tanh(w)


class Model:
    def __init__(self, layers):
        self.layers = layers


def model_output(w, model):
    for layer in model.layers:
        layer.scale(w)
    return model.layers[0].gain * model.layers[1].gain + w


def named_layers_output(w, named):
    for name, layer in named.items():
        layer.scale(w + len(name))
    return named["encoder"].gain - named["decoder"].gain ** 2


def weighted_output(w, layers, weights):
    total = 0.0
    for i, layer in enumerate(layers):
        layer.scale(w * (i + 1))
    for each, c in zip(layers, weights):
        total = total + c * each.gain
    return total


class Dense:
    def __init__(self, W):
        self.W = W

    def __call__(self, h):
        return np.tanh(h @ self.W)

    def shrink(self, lr):
        self.W = self.W - lr * self.W ** 3


def second_pass(lr, A, B, C, x):
    """Three layers run once; the first two, then the first again, shrunk and run a second
    time: ``again`` holds the very objects ``layers`` holds, so the first layer is shrunk
    twice and ``layers[0].W`` reads what the second pass left."""
    layers = [Dense(A), Dense(B), Dense(C)]
    for layer in layers:
        x = layer(x)
    again = layers[:2]
    again.append(layers[0])
    for layer in again:
        layer.shrink(lr)
    for layer in again:
        x = layer(x)
    return np.sum(x ** 2) + np.sum(layers[0].W ** 2)


class Tank:
    def __init__(self, level):
        self.level = level

    def pop(self, rate):
        """Release a share of the level (a method of ours, named like a list's)."""
        self.released = self.level * rate
        return self.released


def drained(rate, tanks):
    total = 0.0
    for tank in tanks:
        total = total + tank.pop(rate) ** 2
    return total + tanks[0].released


def rational(v):
    """A function of a short vector, called with a Python list."""
    return v[0] ** 2 * v[1] / (1.0 + v[2] ** 2)


def numerical_grad(f, x, h=1e-6):
    """Central differences of f at x, one entry per entry of x (a Hessian where f is a gradient)."""
    x = np.asarray(x, dtype=float)
    columns = []
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.array(columns).reshape(x.shape + columns[0].shape)


def report(what, value, expected):
    print(f"{what} matches finite differences: {np.allclose(value, expected, rtol=1e-5, atol=1e-7)}")


def grids_and_blocks():
    xs, ys = np.array([0.1, -0.4, 0.7]), np.array([0.3, 1.2])
    gx, gy = astgrad.grad(grid_potential, wrt=(0, 1))(xs, ys)
    report("meshgrid: gradient", np.concatenate([gx, gy]),
           np.concatenate([numerical_grad(lambda a: grid_potential(a, ys), xs),
                           numerical_grad(lambda b: grid_potential(xs, b), ys)]))
    dxs = np.array([1.0, 0.5, -2.0])
    _, slope = astgrad.jvp(grid_potential, (xs, ys), (dxs, np.zeros(2)))
    report("meshgrid: forward mode", slope,
           (grid_potential(xs + 1e-6 * dxs, ys) - grid_potential(xs - 1e-6 * dxs, ys)) / 2e-6)

    A, B = np.array([[0.2, -0.1], [-0.1, 0.3]]), np.array([[0.5, 0.1], [-0.2, 0.4]])
    gA, gB = astgrad.grad(block_energy, wrt=(0, 1))(A, B)
    report("block: gradient", (gA, gB), (numerical_grad(lambda a: block_energy(a, B), A),
                                         numerical_grad(lambda b: block_energy(A, b), B)))
    hB = astgrad.hessian(block_energy, wrt=1)(A, B)
    report("block: Hessian", hB, numerical_grad(lambda b: astgrad.grad(block_energy, wrt=1)(A, b), B))


def views():
    x = np.array([0.3, -0.5, 0.8, 1.2])
    g = astgrad.grad(view_then_rebind, wrt=(0, 1))(0.7, x)
    by_e = numerical_grad(lambda e: view_then_rebind(e, x), 0.7)
    report("view written, then the name bound again: gradient", np.concatenate([[g[0]], g[1]]),
           np.concatenate([[by_e], numerical_grad(lambda a: view_then_rebind(0.7, a), x)]))
    _, slope = astgrad.jvp(view_then_rebind, (0.7, x), (1.0, np.zeros(4)))
    report("view written, then the name bound again: forward mode", slope, by_e)


def layers():
    def fresh_model(w):
        return model_output(w, Model([Layer(0.5), Layer(2.0)]))

    model = Model([Layer(0.5), Layer(2.0)])
    report("a model's layers changed by their methods: gradient",
           astgrad.grad(model_output)(0.3, model), numerical_grad(fresh_model, 0.3))
    report("a model's layers changed by their methods: second derivative",
           astgrad.hessian(model_output)(0.3, model),
           numerical_grad(lambda w: astgrad.grad(model_output)(w, Model([Layer(0.5), Layer(2.0)])), 0.3))
    print(f"the caller's layers unchanged by the derivatives: {[layer.gain for layer in model.layers] == [0.5, 2.0]}")

    def fresh_named(w):
        return named_layers_output(w, {"encoder": Layer(1.5), "decoder": Layer(-0.5)})

    named = {"encoder": Layer(1.5), "decoder": Layer(-0.5)}
    report("a dict of layers: gradient", astgrad.grad(named_layers_output)(0.2, named),
           numerical_grad(fresh_named, 0.2))

    def fresh_list(w):
        return weighted_output(w, [Layer(1.0), Layer(2.0), Layer(3.0)], [0.5, -1.0, 2.0])

    by_w = numerical_grad(fresh_list, 0.4)
    g = astgrad.grad(weighted_output)(0.4, [Layer(1.0), Layer(2.0), Layer(3.0)], [0.5, -1.0, 2.0])
    report("enumerate and zip over layers: gradient", g, by_w)
    _, slope = astgrad.jvp(weighted_output, (0.4, [Layer(1.0), Layer(2.0), Layer(3.0)], [0.5, -1.0, 2.0]),
                           (1.0, None, [0.0, 0.0, 0.0]))
    report("enumerate and zip over layers: forward mode", slope, by_w)


def moved_layers_and_pops():
    rng = np.random.default_rng(1)
    A, B, C = (0.5 * rng.standard_normal((3, 3)) for _ in range(3))
    x = rng.standard_normal((2, 3))
    by_lr = numerical_grad(lambda lr: second_pass(lr, A, B, C, x), 0.1)
    report("a layer list re-ordered for a second pass: gradient", astgrad.grad(second_pass)(0.1, A, B, C, x), by_lr)
    report("a layer list re-ordered for a second pass: second derivative",
           astgrad.hessian(second_pass)(0.1, A, B, C, x),
           numerical_grad(lambda lr: astgrad.grad(second_pass)(lr, A, B, C, x), 0.1))

    tanks = [Tank(2.0), Tank(0.5)]
    report("a method of ours named pop: gradient", astgrad.grad(drained)(0.3, tanks),
           numerical_grad(lambda rate: drained(rate, [Tank(2.0), Tank(0.5)]), 0.3))
    print(f"the caller's tanks unchanged by the gradient: {not any(hasattr(tank, 'released') for tank in tanks)}")


def python_lists():
    v, dv = [1.0, 2.0, 0.5], [0.3, -1.0, 2.0]
    _, slope = astgrad.jvp(rational, (v,), (dv,))
    report("a list argument: forward mode", slope, numerical_grad(rational, v) @ dv)
    H = astgrad.hessian(rational)(v)
    report("a list argument: Hessian", H, numerical_grad(lambda u: astgrad.grad(rational)(list(u)), v))


def main():
    grids_and_blocks()
    views()
    layers()
    moved_layers_and_pops()
    python_lists()


if __name__ == "__main__":
    main()
