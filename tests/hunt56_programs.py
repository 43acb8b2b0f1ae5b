"""Programs of the fifty-sixth hunt (tests/test_hunt56.py): FOUND, methods of the user's class
storing a value that depends on the inputs in an object from outside, each of which gave a
zero gradient with no error, with a fragment of the refusal it gets now and the text of the
line it names; FOLLOWED, the forms around them, each with the mode it is checked in."""

import contextlib

import numpy as np

X = np.array([0.31, -0.52, 0.87, 0.14])
W = np.array([0.6, 1.3, -0.45, 0.92])


class Lin:
    def __init__(self, a):
        self.a = a

    def step(self, w):
        self.a = self.a * w + 0.1
        return np.sum(self.a)

    def peek(self):
        return np.sum(self.a ** 2)


G = Lin(X * 1.0)


class Scale:
    def __init__(self, obj, k):
        self.obj, self.k = obj, k

    def __enter__(self):
        self.obj.a = self.obj.a * self.k
        return self

    def __exit__(self, *exc):
        return False


@contextlib.contextmanager
def scaled(obj, k):
    old = obj.a
    obj.a = obj.a * k
    yield obj
    obj.a = old


# -- FOUND: the method's value only compared, the object handed to a helper -------------------

def if_compared(m, w):
    if m.step(w[0]) < 100.0:
        return m.peek() * w[1]
    return w[1]


def while_compared(m, w):
    k = 0
    while m.step(w[0]) < 50.0 and k < 2:
        k += 1
    return m.peek()


def stepped_and_compared(m, w):
    return m.step(w[0]) > 0.0


def compared_in_an_if(w):
    return if_compared(G, w)


def compared_in_a_while(w):
    return while_compared(G, w)


def handed_to_a_helper(w):
    def h(obj, v):
        obj.step(v)
        return 1.0
    h(G, w[0])
    return G.peek() * w[1]


def compared_by_a_module_helper(w):
    ok = stepped_and_compared(G, w)
    return G.peek() * w[1]


# -- FOUND: in an assert, an f-string, a with statement's manager ------------------------------

def in_an_assert(w):
    assert G.step(w[0]) > -100.0, "never"
    return G.peek() * w[1]


def in_an_f_string(w):
    s = f"{G.step(w[0]):.3f}"
    return G.peek() * w[1] + len(s) * 0.0


def entered_manager(w):
    with Scale(G, w[0]):
        r = G.peek()
    return r * w[1]


def entered_generator(w):
    with scaled(G, w[0]):
        r = G.peek()
    return r * w[1]


CHANGES_G = "changes the global G"
FOUND = [
    (compared_in_an_if, CHANGES_G, "if m.step(w[0]) < 100.0"),
    (compared_in_a_while, CHANGES_G, "while m.step(w[0])"),
    (handed_to_a_helper, CHANGES_G, "obj.step(v)"),
    (compared_by_a_module_helper, CHANGES_G, "return m.step(w[0]) > 0.0"),
    (in_an_assert, "changes the object it is called on", "assert G.step"),
    (in_an_f_string, "changes the object it is called on", 's = f"{G.step'),
    (entered_manager, "context manager is made from values that depend on the inputs", "with Scale(G, w[0])"),
    (entered_generator, "context manager is made from values that depend on the inputs", "with scaled(G, w[0])"),
]


# -- FOLLOWED: the forms around them ---------------------------------------------------------

def positive(v):
    return v > 0.0


def pure_calls_in_asserts_and_f_strings(x, w):
    y = x * w
    assert positive(np.sum(y ** 2)) and len(y) == 4, f"bad {np.sum(y)}"
    label = f"{np.max(y):.2f} {len(x)!r}"
    for i in range(2):
        assert i < 0 or np.abs(y[i]) < 100.0
    return np.sum(np.tanh(y) ** 2) * (len(label) > 0)


def constant_manager(x, w):
    with scaled(G, 2.0):
        r = G.peek() * np.sum(x * w)
    return r * w[1]


def argument_object_compared(m, w):
    # the object an argument gives is followed on a copy: the method's change counts
    s = 0.0
    if m.step(w[0]) > -100.0:
        s = s + m.peek()
    return s * w[1]


NET_LAYERS = [0.5, 1.5]


def layers_of_a_global(x, w):
    h = x * w[0]
    for layer in NET_LAYERS:
        h = np.tanh(h * layer) * w[1]
    return np.sum(h ** 2)


def closure_rebound_midway(x, w):
    k = w[0]

    def g(v):
        return v * k
    a = g(x[0])
    k = w[1] * x[1]
    return a + g(x[2])


def swaps_and_reversals(x, w):
    xs = [x[0], x[1], x[2], w[0]]
    xs.reverse()
    a = xs.pop(1)
    xs.insert(0, a * w[1])
    xs[0], xs[2] = xs[2], xs[0] * xs[1]
    return xs[0] * xs[2] + xs[-1]


def view_kept_across_a_write(x, w):
    v = x[1:3]
    x[1] = w[0] * x[0]
    return np.sum(v * w[:2])


FOLLOWED = [("grad", pure_calls_in_asserts_and_f_strings), ("hessian", pure_calls_in_asserts_and_f_strings),
            ("jvp", constant_manager), ("grad", layers_of_a_global), ("hessian", closure_rebound_midway),
            ("jvp", swaps_and_reversals), ("vjp", view_kept_across_a_write)]
