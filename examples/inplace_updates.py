"""Code that updates arrays in place, differentiated as NumPy runs it: a simulation step
writes into the state arrays it is given (`vel += ...`, NumPy's `out=`, `pos[0] = ...`),
and the loss starts from the arrays the caller passes.

Throwing a ball: `shoot(vel, pos, drag)` integrates its flight in place and returns how
far it lands from a target. astgrad.grad(shoot) gives d distance / d initial velocity,
and a few gradient steps aim the throw. A derivative call works on copies of the
arguments, so the caller's arrays keep their values; calling shoot itself changes them,
as Python does.

Three more stories write into arrays as NumPy users do, each checked against central
finite differences:

- a detector image built by scatter-adds: `np.add.at` sums the energy of events hitting
  the same pixel (repeated indices add up, NumPy's unbuffered loop), `np.multiply.at`
  multiplies each pixel's transmission by every event's attenuation; a few gradient
  steps fit the channel gains to an observed image;
- a diffusion history written row by row through `out=` given a view of one array
  (`np.add(..., out=rows[t + 1, 1:-1])`), and a reduction's `out=` (`np.sum(..., out=energies)`);
- readings cleaned in place with `np.put` (on the argument: the gradient call leaves the
  caller's array unchanged), `np.putmask`, `np.place` and `y.put` (on a local array).

Run from the repository root:  python examples/inplace_updates.py
"""

import numpy as np

import astgrad

GRAVITY = np.array([0.0, -9.81])
TARGET = np.array([10.0, 0.0])


def step(pos, vel, drag, dt):
    """One explicit Euler step, written into pos and vel."""
    speed = np.sqrt(np.sum(vel ** 2))
    acceleration = GRAVITY - drag * speed * vel
    np.add(pos, dt * vel, out=pos)
    vel += dt * acceleration


def shoot(vel, pos, drag):
    for _ in range(60):
        step(pos, vel, drag, 0.02)
    pos[1] = np.maximum(pos[1], 0.0)       # the ground stops the ball
    return np.sum((pos - TARGET) ** 2)


# -- scatter-adds: a detector image -----------------------------------------------------

PIXEL = np.array([0, 2, 2, 1, 3, 2, 0, 3])         # the pixel each event hits (repeated)
CHANNEL = np.array([0, 1, 1, 0, 2, 1, 2, 0])       # the read-out channel of each event
ENERGY = np.array([1.0, 0.5, 0.8, 1.2, 0.3, 0.9, 0.4, 0.7])
DEPTH = np.array([0.2, 0.5, 0.1, 0.4, 0.3, 0.6, 0.2, 0.1])


def detector_image(gain, mu):
    deposited = np.zeros(4)
    np.add.at(deposited, PIXEL, gain[CHANNEL] * ENERGY)         # every event counts
    transmission = np.ones(4)
    np.multiply.at(transmission, PIXEL, np.exp(-mu * DEPTH))    # each attenuates its pixel
    return deposited * transmission


def image_loss(gain, mu, observed):
    return np.sum((detector_image(gain, mu) - observed) ** 2)


# -- out= given a view: a diffusion history written row by row ----------------------------

def diffusion_energy(u0, alpha):
    rows = np.zeros((7, u0.size))          # ends held at zero
    rows[0] = u0
    for t in range(6):
        u = rows[t]
        np.add(u[1:-1], alpha * (u[:-2] - 2.0 * u[1:-1] + u[2:]), out=rows[t + 1, 1:-1])
    energies = np.zeros(2)
    np.sum(rows[-2:] ** 2, axis=1, out=energies)       # the last two rows' energies
    return energies[1] + 0.5 * (energies[1] - energies[0])


# -- np.put, np.putmask, np.place and y.put: readings cleaned in place ---------------------

def cleaned_power(readings, edges):
    np.put(readings, [0, -1], edges)                # the caller's array: pinned ends
    levels = np.tanh(readings)
    np.putmask(levels, levels < 0.0, 0.1 * levels)  # negative levels leak through, scaled
    np.place(levels, np.abs(readings) > 2.0, [0.0])  # saturated readings dropped
    levels.put([1], 2.0 * readings[1])              # a channel read at twice its gain
    return np.sum(levels ** 2)


def central_difference(f, x, h=1e-6):
    """d f / d x by central differences, moving one entry of x (a number or an array) at a time."""
    x = np.asarray(x, dtype=float)
    steps = h * np.eye(x.size).reshape((x.size,) + x.shape)
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps]).reshape(x.shape)


def scatter_adds():
    gain, mu = np.array([1.0, 0.8, 1.3]), 0.7
    observed = detector_image(np.array([1.2, 0.9, 1.0]), 0.5)      # what the true gains give
    d_gain, d_mu = astgrad.grad(image_loss, wrt=(0, 1))(gain, mu, observed)
    print("np.add.at and np.multiply.at: d loss / d gains matches finite differences:",
          np.allclose(d_gain, central_difference(lambda g: image_loss(g, mu, observed), gain), atol=1e-8))
    print("np.add.at and np.multiply.at: d loss / d mu matches finite differences:",
          bool(np.isclose(d_mu, central_difference(lambda m: image_loss(gain, m, observed), mu))))
    fit = astgrad.value_and_grad(image_loss, wrt=(0, 1))
    for i in range(61):
        loss, (d_gain, d_mu) = fit(gain, mu, observed)
        if i % 30 == 0:
            print(f"fit {i:2d}  gains {np.round(gain, 3)}  mu {mu:.3f}  loss {loss:.6f}")
        gain, mu = gain - 0.1 * d_gain, mu - 0.1 * d_mu


def rows_through_out():
    u0, alpha = np.sin(np.linspace(0.0, 3.0, 7)), 0.2
    d_u0, d_alpha = astgrad.grad(diffusion_energy, wrt=(0, 1))(u0, alpha)
    print("out= a view of the history: d energy / d u0 matches finite differences:",
          np.allclose(d_u0, central_difference(lambda u: diffusion_energy(u, alpha), u0), atol=1e-8))
    print("out= a view of the history: d energy / d alpha matches finite differences:",
          bool(np.isclose(d_alpha, central_difference(lambda a: diffusion_energy(u0, a), alpha))))


def cleaned_readings():
    readings, edges = np.array([0.5, -1.0, 2.5, 0.3, -0.2]), np.array([0.1, -0.3])
    kept = readings.copy()
    d_readings, d_edges = astgrad.grad(cleaned_power, wrt=(0, 1))(readings, edges)
    numeric = (central_difference(lambda r: cleaned_power(r, edges), readings),
               central_difference(lambda e: cleaned_power(readings.copy(), e), edges))
    print("np.put, np.putmask, np.place, y.put: gradient matches finite differences:",
          np.allclose(d_readings, numeric[0], atol=1e-8) and np.allclose(d_edges, numeric[1], atol=1e-8))
    print("np.put on the argument: the caller's readings unchanged by the gradient:",
          np.array_equal(readings, kept))


def main():
    vel, pos, drag = np.array([6.0, 6.0]), np.array([0.0, 1.0]), 0.05
    kept = vel.copy(), pos.copy()

    gradient = astgrad.grad(shoot)(vel, pos, drag)
    h = 1e-6
    numeric = np.array([(shoot(vel + h * e, pos.copy(), drag) - shoot(vel - h * e, pos.copy(), drag)) / (2 * h)
                        for e in np.eye(2)])
    print("d distance / d velocity      =", gradient)
    print("finite differences           =", numeric)
    print("matches finite differences:", np.allclose(gradient, numeric, rtol=1e-5))
    _, slope = astgrad.jvp(shoot, (vel, pos, drag), (np.array([1.0, 0.0]), np.zeros(2), 0.0))
    print("jvp along the x velocity     =", slope)
    unchanged = np.array_equal(vel, kept[0]) and np.array_equal(pos, kept[1])
    print("caller's arrays unchanged by the derivatives:", unchanged)
    assert unchanged and np.allclose(gradient, numeric, rtol=1e-5) and np.isclose(slope, gradient[0])

    for i in range(40):
        distance, g = astgrad.value_and_grad(shoot)(vel, pos, drag)
        if i % 10 == 0:
            print(f"throw {i:2d}  velocity {np.round(vel, 3)}  squared miss {distance:.6f}")
        vel = vel - 0.05 * g
    landed = pos.copy()
    shoot(vel, landed, drag)
    print("shoot itself moved the array it was given to", np.round(landed, 3))

    scatter_adds()
    rows_through_out()
    cleaned_readings()


if __name__ == "__main__":
    main()
