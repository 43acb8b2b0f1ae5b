"""Programs of the twenty-second acceptance hunt (first half): the numeric axis. Negative
number literals, dtypes of arguments and of values inside the function (float32, ints,
casts), NaN and inf, kinks and ties. Every entry of CASES is (name, f, args, wrt): astgrad
must give Python's value and derivative, or refuse. Used by tests/test_hunt22a_programs.py."""

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
CASES, case = case_table((X3, 0.8))


@case("k01 a negative literal as the base of a power")
def k01(x, s):
    # the folded literal was written -2.0 ** 2, which Python reads as -(2.0 ** 2)
    return np.sum((-2.0) ** 2 * x * s) + (-3) ** 2 * s


@case("k02 a negative literal to an integer-valued exponent the function computes")
def k02(x, s):
    n = 3.0
    return np.sum((-1.5) ** n * np.sin(x)) * s + (-2) ** 2 * s ** 2


@case("k03 a method of a negative literal")
def k03(x, s):
    return np.sum(x * (-2.5).__abs__()) + s * (-4).__abs__()


@case("k04 an alternating series: (-1) ** k in a comprehension")
def k04(x, s):
    return np.sum([(-1) ** k * x[k] * s ** k for k in range(3)])


@case("k05 alternating signs of an array: (-1.0) ** np.arange(n)")
def k05(x, s):
    return np.sum(x * (-1.0) ** np.arange(3)) * s


@case("k06 numpy.add.at into an int array with a repeated index")
def k06(x, s):
    # NumPy truncates after each addition: 0 + 0.45 -> 0, then 0 + 0.6 -> 0; their sum 1.05 gave 1
    counts = np.zeros(3, dtype=int)
    np.add.at(counts, [0, 0, 2], np.abs(x) * 1.5)
    return np.sum(counts * x) * s


@case("k07 numpy.add.at and subtract.at into a float array, differentiated")
def k07(x, s):
    acc = x * s
    np.add.at(acc, [0, 0, 1], np.sin(x) * s)
    np.subtract.at(acc, np.array([2, 2]), x[:2] ** 2)
    return np.sum(acc * acc)


@case("k08 op= on an int array, then a float added into one of its elements")
def k08(x, s):
    counts = np.zeros(3, dtype=int)
    counts += 1
    counts[0] += x[0] * 3 + s         # truncated into the int array: no derivative passes
    return np.sum(counts * x) * s


@case("k09 an infinite derivative meeting the side builtin max did not return")
def k09(x, s):
    # max returns 0.0, where cbrt's derivative is infinite: the derivative to s is 0, not NaN
    return np.sum(x * s) + np.cbrt(max(s - 1.0, 0.0)) * 2.0 + np.sqrt(max(x[1], 0.0))


@case("k10 an infinite tangent on the side builtin max did not return")
def k10(x, s):
    return np.sum(x ** 2) * max(np.cbrt(s - 0.8), 1.0) + max([np.cbrt(s - 0.8), x[0], 2.0])


@case("k11 NumPy's integer types truncate: np.int64(x), np.uint8(...), np.bool_(...)")
def k11(x, s):
    scaled = np.int64(s * 7) * s + np.sum(np.uint8(np.abs(x) * 37) * x)
    return scaled + np.bool_(s > 0.5) * np.sum(x ** 2)


def summed_squares(x):
    return np.sum(x * x)


def masked_max(x, s):
    return np.max(x * s, where=x > 0, initial=-np.inf)
