"""Programs of the eleventh acceptance hunt: list arithmetic and lists as operands of
``@``, arrays written through views and aliases, values of odd dtypes (int8, uint8, bool
masks, 0-d arrays, empty slices). Every entry of CASES is (name, f, args, wrt): astgrad
must give Python's derivative, or refuse. Used by tests/test_hunt11_programs.py."""

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
CASES, case = case_table((X3, 0.8))


# -- lists as operands -----------------------------------------------------------------------

@case("m01 a list of a float and items as the left operand of @")
def m01(x, w):
    return np.sum(np.sin([w, x[0], x[1]] @ np.outer(x, x)))


@case("m02 a list as the right operand of @")
def m02(x, w):
    return np.sum(np.outer(x, x) @ [w, x[0] * w, 1.0])


@case("l01 a list + [1.0, w], its items squared")
def l01(x, w):
    a = [x[0], x[1]]
    b = a + [1.0, w]
    return sum(v * v for v in b) * x[2]


@case("l02 xs += ys through a second name of the list")
def l02(x, w):
    xs = [x[0], w]
    alias = xs
    xs += [x[1] * w]
    return sum(alias) * len(alias) + xs[-1]


@case("l03 a count of True items times w, and (w > 0.5) * w")
def l03(x, w):
    n = sum([v > 0 for v in x])
    return np.sum(x * w) * n + (w > 0.5) * w


# -- views and aliases written ---------------------------------------------------------------

@case("v01 a slice of a new array multiplied in place, the array read")
def v01(x, w):
    y = x * w
    v = y[1:]
    v *= 2.0
    return np.sum(y * y)


@case("v02 a row of a matrix written through its transpose")
def v02(x, w):
    m = np.outer(x, x) * w
    t = m.T
    t[0] += 1.0
    return np.sum(m * m)


@case("v03 an item of a row view multiplied in place")
def v03(x, w):
    y = np.outer(x, x)
    r = y[1]
    r[2] *= w
    return np.sum(y)


# -- dtypes -------------------------------------------------------------------------------------

@case("d01 an int8 array doubled (wrapping) times x", args=(X3, np.array([100, 100, 100], dtype=np.int8), 0.8), wrt=(0, 2))
def d01(x, k, w):
    return np.sum(x * (k + k)) * w


@case("d02 a uint8 array minus 5 (wrapping) times x", args=(X3, np.array([1, 2, 3], dtype=np.uint8), 0.8), wrt=(0, 2))
def d02(x, k, w):
    return np.sum(x * (k - 5)) * w


@case("d03 a bool mask times x, and its count times w")
def d03(x, w):
    m = x > 0
    return np.sum(x * m * w) + np.sum(m) * w


@case("d04 a 0-d array of w, read by float() and .item()")
def d04(x, w):
    a = np.array(w)
    a = a * x[0]
    return float(a) + a.item() * 2.0


@case("d05 an empty slice summed and its size")
def d05(x, w):
    e = x[3:]
    return np.sum(e) * w + np.sum(x) * w + e.size
