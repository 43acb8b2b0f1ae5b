"""Functions writing into an item of an array their object's class holds (``s.arr[1] +=
w``), reached by a differentiated function through a callee: used by tests/test_trust87.py
(from another module, so the forms there also reach it through a module's attribute)."""

import numpy as np

CALLS = 0

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


def count():
    global CALLS
    CALLS += 1


def counted_class_item_write(x, w):
    count()
    return class_item_write(x, w)


def counting_class_item_write(x, w):
    global CALLS
    CALLS += 1
    s = Held()
    s.arr[1] += w
    return np.sum(x * s.arr[1])


def reset():
    global CALLS
    Held.arr = np.zeros(3)
    CALLS = 0
