"""A class in the body whose method uses another class of the body, defined before or
after it, or its own class: Python finds that class when the method runs. Followed where
every use that may run such a method comes after the class statements it needs (an
instance built before them whose building needs none of them, a lambda called after
them): grad, jvp, hessian against finite differences, and the value against calling the
function. A use before the class it needs is defined (where Python raises NameError when
such a method runs then, or may) is refused, naming the line."""

import dataclasses

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

X = np.array([0.3, -0.5, 1.2])
TANGENT = np.array([0.2, -1.0, 0.5])


def builds_a_class_defined_after_it(x):
    class A:
        def __init__(self, v):
            self.v = v

        def make(self):
            return B(self.v * 2.0)

    class B:
        def __init__(self, w):
            self.w = w

        def value(self, x):
            return np.sum(np.sin(self.w) * x)

    return A(x).make().value(x)


def builds_a_class_defined_before_it(x):
    class B:
        def __init__(self, w):
            self.w = w

    class A:
        def __init__(self, v):
            self.v = v

        def make(self):
            return B(self.v * 3.0)

    return np.sum(A(x * x).make().w)


def two_classes_building_each_other(x):
    class Even:
        def __init__(self, v):
            self.v = v

        def step(self, n):
            return self.v if n == 0 else Odd(np.sin(self.v)).step(n - 1)

    class Odd:
        def __init__(self, v):
            self.v = v

        def step(self, n):
            return self.v if n == 0 else Even(self.v * 1.5).step(n - 1)

    return np.sum(Even(x).step(3))


def dataclass_building_a_later_dataclass(x):
    @dataclasses.dataclass
    class Layer:
        w: np.ndarray

        def grown(self):
            return Grown(self.w * self.w)

    @dataclasses.dataclass
    class Grown:
        u: np.ndarray

    return np.sum(Layer(x).grown().u * x)


def helper_defined_before_the_class_it_builds(x):
    def grown(v):
        return Grown(v * v)                 # runs when called, after the class statement

    class Grown:
        def __init__(self, u):
            self.u = u

    return np.sum(grown(x).u * x)


def built_before_the_class_its_method_builds(x):
    class A:
        def __init__(self, v):
            self.v = v

        def make(self):
            return B(self.v * 2.0)

    a = A(x)                                # __init__ does not need B: make runs after it
    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(a.make().w * x)


def dataclass_built_before_the_class_its_method_builds(x):
    @dataclasses.dataclass
    class Layer:
        w: np.ndarray

        def grown(self):
            return Grown(np.sin(self.w))

    layer = Layer(x * x)
    @dataclasses.dataclass
    class Grown:
        u: np.ndarray

    return np.sum(layer.grown().u * x)


def lambda_defined_before_the_class_it_builds(x):
    grown = lambda v: Grown(v * v)          # noqa: E731 - runs when called, after the class statement
    class Grown:
        def __init__(self, u):
            self.u = u

    return np.sum(grown(x).u * x)


def method_building_its_own_class(x):
    class Poly:
        def __init__(self, c):
            self.c = c

        def scaled(self, k):
            return Poly(self.c * k)

        def plus(self, other):
            return Poly(self.c + other.c * isinstance(other, Poly))

    return np.sum(Poly(x).scaled(1.5).plus(Poly(np.sin(x))).c * x)


def method_recursing_through_its_own_class(x):
    class Chain:
        def __init__(self, v):
            self.v = v

        def step(self, n):
            return self.v if n == 0 else Chain(np.sin(self.v) * 1.2).step(n - 1)

    return np.sum(Chain(x).step(3) * x)


def dataclass_building_itself_in_a_classmethod(x):
    @dataclasses.dataclass
    class Vec:
        v: np.ndarray

        @classmethod
        def squared(cls, u):
            return Vec(u * u)

        def shifted(self, s):
            return Vec(self.v + s)

    return np.sum(Vec.squared(x).shifted(0.3).v * x)


def reads_the_names_python_gives_its_classes(x):
    @dataclasses.dataclass
    class Tag:
        k: int

    class Scale:
        def __init__(self, v):
            self.v = v

        def again(self):
            return Scale(self.v * 2.0)

    s = Scale(x).again()                    # Python's names: f.<locals>.Scale, f.<locals>.Tag(k=3)
    return np.sum(s.v * x) * len(type(s).__qualname__ + repr(Tag(3)) + Scale.again.__qualname__)


@pytest.mark.parametrize("f", [builds_a_class_defined_after_it, builds_a_class_defined_before_it,
                               two_classes_building_each_other, dataclass_building_a_later_dataclass,
                               helper_defined_before_the_class_it_builds, built_before_the_class_its_method_builds,
                               dataclass_built_before_the_class_its_method_builds,
                               lambda_defined_before_the_class_it_builds, method_building_its_own_class,
                               method_recursing_through_its_own_class, dataclass_building_itself_in_a_classmethod,
                               reads_the_names_python_gives_its_classes],
                         ids=lambda f: f.__name__)
def test_a_method_finds_a_class_of_the_body_when_it_runs(f):
    assert_close(astgrad.grad(f)(X), numerical_grad(f, (X,)), 1e-5, 1e-6)
    value, tangent = astgrad.jvp(f, (X,), (TANGENT,))
    assert_close(value, f(X), 1e-12, 1e-12)
    assert_close(tangent, numerical_jvp(f, (X,), (TANGENT,)), 1e-5, 1e-6)
    assert_close(astgrad.hessian(f)(X), numerical_hessian(astgrad.grad(f), (X,)), 1e-5, 1e-6)


def method_called_before_the_class_it_builds(x):
    class A:
        def __init__(self, v):
            self.v = v

        def make(self):
            return B(self.v * 2.0)

    w = A(x).make().w                       # refused: NameError in Python
    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(w)


def through_a_class_whose_method_uses_it(x):
    class A:
        def __init__(self, v):
            self.v = v

        def make(self):
            return B(self.v * 2.0)

    class C:
        def run(self, v):
            return A(v).make()

    w = C().run(x).w                        # refused: NameError in Python
    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(w)


def class_used_before_its_statement(x):
    b = B(x)                                # refused: NameError in Python
    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(b.w * x)


def helper_called_before_the_class_it_builds(x):
    def grown(v):
        return Grown(v * v)

    g = grown(x)                            # refused: NameError in Python
    class Grown:
        def __init__(self, u):
            self.u = u

    return np.sum(g.u * x)


def default_naming_a_later_class(x):
    class A:
        def make(self, v, kind=B):          # refused: NameError in Python when A is made
            return kind(v)

    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(A().make(x).w)


def instance_used_before_the_class_its_method_builds(x):
    class A:
        def __init__(self, v):
            self.v = v

        def make(self):
            return B(self.v * 2.0)

    a = A(x)
    w = a.make().w                          # refused: NameError in Python
    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(w)


def init_calling_a_method_that_builds_a_later_class(x):
    class A:
        def __init__(self, v):
            self.w = self.make(v).w

        def make(self, v):
            return B(v * 2.0)

    a = A(x)                                # refused: NameError in Python
    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(a.w)


def init_handing_the_instance_on(x):
    class A:
        def __init__(self, v, built):
            self.v = v
            built.append(self)

        def make(self):
            return B(self.v * 2.0)

    built = []
    a = A(x, built)                         # refused: built[0].make() could run before B
    class B:
        def __init__(self, w):
            self.w = w

    return np.sum(a.make().w)


def lambda_called_before_the_class_it_builds(x):
    grown = lambda v: Grown(v * v)          # noqa: E731
    g = grown(x)                            # refused: NameError in Python
    class Grown:
        def __init__(self, u):
            self.u = u

    return np.sum(g.u * x)


@pytest.mark.parametrize("f, used, needed", [
    (method_called_before_the_class_it_builds, "A", "B"),
    (through_a_class_whose_method_uses_it, "C", "B"),
    (instance_used_before_the_class_its_method_builds, "a", "B"),
    (init_calling_a_method_that_builds_a_later_class, "A", "B"),
    (init_handing_the_instance_on, "A", "B"),
    (lambda_called_before_the_class_it_builds, "grown", "Grown"),
    (class_used_before_its_statement, "B", "B"),
    (helper_called_before_the_class_it_builds, "grown", "Grown"),
    (default_naming_a_later_class, "B", "B"),
], ids=lambda v: getattr(v, "__name__", None))
def test_a_use_before_the_class_it_needs_is_refused_naming_the_line(f, used, needed):
    lines = open(__file__).read().splitlines()
    start = lines.index(f"def {f.__name__}(x):")
    line = next(n for n, text in enumerate(lines[start:], start + 1) if "# refused" in text)
    class_line = next(n for n, text in enumerate(lines[start:], start + 1) if text.strip() == f"class {needed}:")
    if used == needed:
        expected = (rf"test_local_class_order.py:{line}: astgrad cannot differentiate a use of the class '{needed}' "
                    rf"before its class statement \(line {class_line}\): Python raises NameError where it runs "
                    rf"before then; define {needed} before this line")
    else:
        expected = (rf"test_local_class_order.py:{line}: astgrad cannot differentiate a use of '{used}' "
                    rf"before the class '{needed}' it needs is defined \(line {class_line}\): a method or function "
                    rf"reading '{needed}' that runs before then raises NameError in Python; define {needed} before "
                    rf"this line, or use {used} after it")
    for transform in (astgrad.grad, lambda f: astgrad.jvp(f, (X,), (TANGENT,))):
        with pytest.raises(astgrad.TransformError, match=expected):
            transform(f)
    f = builds_a_class_defined_after_it        # the next differentiation works
    assert_close(astgrad.grad(f)(X), numerical_grad(f, (X,)), 1e-5, 1e-6)
