"""Programs of the eighth acceptance hunt, aimed at what the last round added: squares
written through a kink rewritten as smooth functions (norm, abs and sqrt squared, with
ord=, axis=, complex values, lists, ints, a name rebound between), generator helpers taken
item by item, dicts read by their keys, scipy.linalg's Cholesky and triangular solvers and
numpy's polynomials. Every entry of CASES is (name, f, args, wrt): astgrad must give
Python's derivative, or refuse. Used by tests/test_hunt8_programs.py."""

import numpy as np

from program_cases import case_table

try:
    import scipy.linalg as sl
except ImportError:         # a Python without SciPy: the programs of scipy.linalg are left out
    sl = None

X3 = np.array([0.3, -0.4, 0.9])
Z3 = np.array([0.0, 0.7, -0.5])
M23 = np.array([[0.4, -0.2, 0.9], [1.1, 0.3, -0.6]])
A33 = np.array([[2.0, 0.3, -0.2], [0.1, 1.5, 0.4], [-0.3, 0.2, 1.8]])
CASES, case = case_table((X3, 0.8))


# -- squares through a kink, and their neighbours that must stay as written ----------------

@case("q01 norm with ord=1 squared: not the sum of squares")
def q01(x, w):
    return np.linalg.norm(x * w, 1) ** 2


@case("q02 norm along an axis squared", args=(M23, 0.8))
def q02(x, w):
    return np.sum(np.linalg.norm(x * w, axis=0) ** 2)


@case("q03 the 2-norm of a matrix (its largest singular value) squared", args=(M23, 0.8))
def q03(x, w):
    return np.linalg.norm(x * w, 2) ** 2


@case("q04 squares written ** 2.0 and np.square")
def q04(x, w):
    return np.linalg.norm(x * w) ** 2.0 + np.square(np.abs(x[0] * w)) + np.square(np.linalg.norm(x))


@case("q05 abs of a complex value (numpy.fft) squared")
def q05(x, w):
    z = np.fft.fft(x * w)
    return np.sum(np.abs(z) ** 2)


@case("q06 r = sqrt(s), then a name of s rebound before r * r")
def q06(x, w):
    r = np.sqrt(np.sum(x * x))
    x = x * w
    return r * r + np.sum(x)


@case("q07 norm of a list of floats squared")
def q07(x, w):
    return np.linalg.norm([x[0] * w, x[1], w]) ** 2


@case("q08 np.abs of a list squared")
def q08(x, w):
    return np.sum(np.abs([x[0] * w, x[1], w]) ** 2)


@case("q09 abs of an int parameter squared, past int64", args=(X3, 2 ** 40 + 1, 0.8), wrt=(0, 2))
def q09(x, k, w):
    return np.sum(x * w) * (abs(k) ** 2 % 1000)


@case("q10 norm and abs squared at an exact 0", args=(Z3, 0.8))
def q10(x, w):
    return np.linalg.norm(x * w) ** 2 + abs(x[0] * w) ** 2


@case("q11 a 3-d norm(x, None) squared", args=(np.arange(8.0).reshape(2, 2, 2) / 7 - 0.3, 0.8))
def q11(x, w):
    return np.linalg.norm(x * w, None) ** 2


# -- generators taken item by item --------------------------------------------------------

def _two_then_stop(x, w):
    yield x * w
    yield np.sin(x)
    return
    yield x * 100.0         # never reached


def _ends_early(x, w):
    for i in range(3):
        if i == 1 and w > 0:
            return
        yield x * (w + i)


@case("g01 two items of a held generator")
def g01(x, w):
    it = _two_then_stop(x, w)
    a = next(it)
    b = next(it)
    return np.sum(a * b)


@case("g02 next with a default past the end of a generator returning early")
def g02(x, w):
    it = _ends_early(x, w)
    a = next(it)
    b = next(it, x * 2.0)
    return np.sum(a * b)


@case("g03 next(gen(x)), and a generator returning early summed")
def g03(x, w):
    return np.sum(next(_two_then_stop(x, w))) + sum(np.sum(v) for v in _ends_early(x, w))


# -- dicts read by their keys --------------------------------------------------------------

@case("d01 sum(d) adds a dict's keys, not its values")
def d01(x, w):
    d = {0: x[0] * w, 1: x[1] * w}
    return sum(d) * x[2] + d[0]


@case("d02 max(d) compares a dict's keys")
def d02(x, w):
    d = {0: x[0] * w, 1: x[1] * w}
    return max(d) * x[2] + d[0]


@case("d03 sum(iter(d)) and min of the values")
def d03(x, w):
    d = {0: x[0] * w, 1: x[1] * w}
    return sum(iter(d)) * x[2] + min(d.values())


@case("d04 keys from a comparison and a string, values differentiated")
def d04(x, w):
    d = {int(x[0] > 0): x[1] * w, "k": x[2]}
    return d[1] * d["k"] if 1 in d else d[0]


# -- scipy.linalg and numpy's polynomials --------------------------------------------------

if sl is not None:
    @case("l01 cholesky of a product, lower=True", args=(A33, X3))
    def l01(a, w):
        c = sl.cholesky(a @ a.T, lower=True)
        return np.sum(c * w) + np.sum(np.tril(c) ** 2)

    @case("l02 cho_factor, cho_solve with lower=True", args=(A33, X3))
    def l02(a, w):
        c = sl.cho_factor(a @ a.T + np.eye(3), lower=True)
        return np.sum(sl.cho_solve(c, w) * w)

    @case("l03 solve_triangular with trans=1, lower=True, unit_diagonal=True", args=(A33, X3))
    def l03(a, w):
        return np.sum(sl.solve_triangular(a, w, trans=1, lower=True, unit_diagonal=True) ** 2)

    @case("l04 solve with assume_a='pos', lower=True, of a matrix not symmetric", args=(A33, X3))
    def l04(a, w):
        return np.sum(sl.solve(a + 2.0 * np.eye(3), w, assume_a="pos", lower=True) * w)

    @case("l05 solve with its arguments by position, check_finite=False", args=(A33, X3))
    def l05(a, w):
        return np.sum(sl.solve(a, w, True, False, False, False, "sym") ** 2)

    @case("l06 cho_solve of a tuple built by hand", args=(A33, X3))
    def l06(a, w):
        u = sl.cholesky(a @ a.T + np.eye(3))
        return np.sum(sl.cho_solve((u, False), w) * w)


@case("p01 polyval of a matrix x", args=(A33, X3))
def p01(a, w):
    return np.sum(np.polyval(w, a))


@case("p02 polyder with m=2, then polyval", args=(A33, X3))
def p02(a, w):
    return np.sum(np.polyval(np.polyder(np.append(w, a[0, 0]), m=2), a[1]))


@case("p03 polyder with m past the degree", args=(A33, X3))
def p03(a, w):
    return np.sum(np.polyder(w, m=4)) + np.sum(a * w)


# -- lists repeated a NumPy int number of times --------------------------------------------

@case("r01 a list literal times numpy.int64(3): repetition, as Python does")
def r01(x, w):
    ws = [w, x[0]] * np.int64(3)
    return np.sum(x * np.array(ws[:3])) * w + np.sum(np.array(ws) ** 2)


@case("r02 r = sqrt(sum(x * x) * w), then r * r, at 0: w not known to be >= 0", args=(np.zeros(3), 0.8))
def r02(x, w):
    r = np.sqrt(np.sum(x * x) * w)
    return r * r
