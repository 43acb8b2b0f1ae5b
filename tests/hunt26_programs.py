"""Programs for tests/test_hunt26_programs.py: a module whose helpers rebind its own
globals by routes other than a global statement in a function (through the module, a
method's global statement, globals()), and items of lists of objects changed by a method
where the list is not split into names."""

import sys

import numpy as np

import hunt26_programs as this_module

K = 2.0


def reset():
    global K
    K = 2.0


class Box:
    def __init__(self, v):
        self.v = v

    def scale(self, w):
        self.v = self.v * w
        return self


def scale_item(b, w):
    b.scale(w)


def repeated_item(x):
    bs = [Box(x[0])] * 2
    bs[0].scale(x[2])
    return bs[1].v                  # the gradient was [1, 0, 0] for Python's [1.1, 0, 0.3]


def rebound_item(x):
    bs = [Box(x[0]), Box(x[1])]
    bs[0] = Box(x[2])
    bs[0].scale(x[1])
    return bs[0].v + bs[1].v        # [0, 1, 1] for [0, 2.1, 0.7]


def item_to_helper(x):
    bs = [Box(x[0]), Box(x[1])]
    scale_item(bs[0], x[2])
    return bs[0].v * bs[1].v        # [0.7, 0.33, 0] for [0.77, 0.33, 0.21]


def split_items(x):
    bs = [Box(x[0]), Box(x[1])]
    bs[-1].scale(x[2])
    return bs[1].v * bs[0].v


def set_through_module():
    this_module.K = 3.0


def set_through_sys_modules():
    sys.modules[__name__].K = 3.0


def set_through_globals():
    globals()["K"] = 3.0


def set_through_the_dict():
    sys.modules[__name__].__dict__.update(K=3.0)


def through_the_dict(x):
    s = np.sum(np.sin(x) * K)
    set_through_the_dict()
    return s * np.sum(np.cos(x) * K)


class Bumper:
    def bump(self):
        global K
        K = 5.0


HOOKS = [set_through_module]


def through_module(x):
    s = np.sum(np.sin(x) * K)
    set_through_module()
    return s + np.sum(x * K)        # the gradient used K = 3 for both terms


def through_sys_modules(x):
    y = np.cos(x) * K
    set_through_sys_modules()
    return np.sum(y * x * K)


def through_a_method(x):
    s = np.sum(np.sin(x) * K)
    Bumper().bump()
    return s + np.sum(x * K)


def through_a_hook(x):
    s = np.sum(np.sin(x) * K)
    HOOKS[0]()
    return s + np.sum(x * K)


def through_globals_in_a_helper(x):
    y = x[0] * K
    set_through_globals()
    return y * (x[1] + K)


def globals_written(x):
    s = np.sum(np.sin(x) * K)
    globals()["K"] = 3.0            # the derivative set K back to 2.0 in its adjoint
    return s + np.sum(x * K)


def bump():
    global K
    K = K + 1.0


def bumping(x):
    s = np.sum(np.sin(x) * K)
    bump()
    return s + np.sum(x * K)


def bumping_by_value(x):
    f = bumping
    return f(x) + 0.0               # ran bumping twice: K 4.0 for 3.0, the gradient with K = 3


def module_untouched(x):
    s = np.sum(np.sin(x) * K)
    set_through_module()
    return s                        # K read before the helper alone: refused too (the adjoint reads K)


class Config:
    k = 2.0


def set_config():
    Config.k = 3.0


def class_attribute(x):
    s = np.sum(np.sin(x) * Config.k)
    set_config()
    return s + np.sum(x * Config.k)  # the gradient used k = 3 for both terms


def make_closure():
    k = 2.0

    def bump_k():
        nonlocal k
        k = 3.0

    def closure_value(x):
        s = np.sum(np.cos(x) * k)
        bump_k()
        return s * np.sum(x * k)
    return closure_value


closure_value = make_closure()


class Counter:
    pass


COUNTER = Counter()
COUNTER.k = 2.0


def grow_counter():
    COUNTER.k = COUNTER.k + 1.0


def object_attribute_in_a_loop(x):
    s = 0.0
    for _ in range(2):
        grow_counter()
        s = s + np.sum(np.sin(x) * COUNTER.k)   # the gradient read k = 4 in both rounds' adjoints
    return s


def bumping_vector(x):
    s = np.sin(x) * K
    bump()
    return s + x * K
