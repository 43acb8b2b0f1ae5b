"""Code that updates arrays in place, differentiated as NumPy runs it: a simulation step
writes into the state arrays it is given (`vel += ...`, NumPy's `out=`, `pos[0] = ...`),
and the loss starts from the arrays the caller passes.

Throwing a ball: `shoot(vel, pos, drag)` integrates its flight in place and returns how
far it lands from a target. astgrad.grad(shoot) gives d distance / d initial velocity,
and a few gradient steps aim the throw. A derivative call works on copies of the
arguments, so the caller's arrays keep their values; calling shoot itself changes them,
as Python does.

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


if __name__ == "__main__":
    main()
