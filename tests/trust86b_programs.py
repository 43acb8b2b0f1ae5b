"""Programs with a try whose body binds a name to a shape-changing value and raises before
the name is used, where the binding is in a loop (the try runs each turn) or in a branch
of the body: the adjoint of the binding runs (it completed) while nothing that ran set
the name's derivative. CASES: (name, function of (x, w)), x an array of 4 or 6 numbers."""

import numpy as np


def tl_reshape(x, w):
    s = 0.0
    for k in range(3):
        try:
            b = x.reshape(2, -1) * (k + 1.0)
            if k != 1:
                raise ValueError()
            s = s + np.sum(b ** 2)
        except ValueError:
            s = s + np.sum(x * w)
    return s


def tl_reshape_x_only(x, w):
    s = w
    for k in range(3):
        try:
            b = x.reshape(2, -1) * (k + 1.0)
            if k != 1:
                raise ValueError()
            s = s + np.sum(b ** 2)
        except ValueError:
            s = s + np.sum(x * x)
    return s


def tl_outer_used_after(x, w):
    s = 0.0
    for k in range(4):
        try:
            m = np.outer(x, x[:2]) * w
            if k % 2 == 0:
                raise KeyError(k)
            s = s + np.sum(np.tanh(m))
        except KeyError:
            s = s + w * np.sum(x) * k
    return s


def tl_stack_in_while(x, w):
    s, k = 0.0, 0
    while k < 3:
        try:
            g = np.stack([x, x * w])
            h = g.T
            if k == 0:
                raise ValueError()
            s = s + np.sum(h[:, 0] * h[:, 1]) * k
        except ValueError:
            s = s - np.sum(x ** 2)
        k += 1
    return s


def tb_branch_reshape(x, w):
    try:
        if w > 0:
            b = x.reshape(2, -1)
            if w > 0.5:
                raise ValueError("no")
            p = b
        else:
            p = x
    except ValueError:
        p = x * w
    return np.sum(p ** 2)


def tb_branch_both(x, w):
    try:
        if w > 0.5:
            b = np.diag(x) * w
        else:
            b = np.outer(x, x)
        if np.sum(x) > -100:
            raise ValueError("no")
        p = np.sum(b)
    except ValueError:
        p = np.sum(np.sin(x) * w)
    return p


def tl_branch_reshape(x, w):
    s = 0.0
    for k in range(3):
        try:
            if k > 0:
                b = x.reshape(2, -1) * w
                if k == 2:
                    raise ValueError()
                s = s + np.sum(np.cos(b))
        except ValueError:
            s = s + np.sum(x) * w
    return s





class Held:
    """An array the class holds: a write into an item of it changes every instance's."""
    arr = np.zeros(3)


class Own:
    arr = np.zeros(3)           # shadowed: __init__ binds the object's own

    def __init__(self, x):
        self.arr = x[:3] * 0.5


def class_item_write(x, w):
    s = Held()
    s.arr[1] += w
    return np.sum(x * s.arr[1])


def own_item_write(x, w):
    s = Own(x)
    s.arr[1] += w
    return np.sum(np.sin(s.arr) * x[:3]) + w * np.sum(x)


def reset():
    Held.arr = np.zeros(3)


CASES = [(name, f) for name, f in list(globals().items()) if callable(f) and name.startswith(("tl_", "tb_"))]
