"""Programs of an adversarial hunt on the newest rules: numpy.insert and numpy.delete
(negative, duplicate and unsorted positions, boolean masks, slices, axis=-1, values
broadcast or spread), math.hypot(*xs) and math.dist, fmod, remainder, modf, frexp,
nextafter and exp2 (math's and NumPy's), a ufunc's dtype=, scipy.linalg (det, inv, eigh,
eigvalsh, pinv, svdvals, norm, svd, expm) and scipy.special exp2, exp10, expm1, cbrt where
SciPy is installed, and the first-match idiom ``next((f(v) for v in xs if c(v)), d)``.
Every entry of CASES is (name, f, args, wrt): astgrad must give Python's derivative, or
refuse. Every point is more than 1e-4 away from a kink. Used by
tests/test_hunt20b_programs.py."""

import math

import numpy as np

from program_cases import case_table

try:
    from scipy import linalg as sla, special
except ImportError:         # the SciPy programs are left out
    sla = special = None

X3 = np.array([0.3, -0.4, 0.9])
CASES, case = case_table((X3, 0.8))
WEIGHTS = np.arange(12.0).reshape(3, 4)


# -- numpy.insert and numpy.delete -------------------------------------------------------------

@case("i01 insert at duplicate, unsorted positions, values from x")
def i01(x, w):
    return np.sum(np.sin(np.insert(x, [2, 0, 2], w * x[:3])))


@case("i02 insert at -1")
def i02(x, w):
    return np.sum(np.insert(x, -1, w) ** 2 * np.arange(4))


@case("i03 insert a row of values along axis=-1 of a matrix")
def i03(x, w):
    return np.sum(np.sin(np.insert(np.outer(x, x), 1, [w, 2 * w, 3 * w], axis=-1)) * WEIGHTS)


@case("i04 insert of one value broadcast to two rows at the same position")
def i04(x, w):
    return np.sum(np.sin(np.insert(np.outer(x, x), [0, 0], w, axis=0)) * np.arange(15).reshape(5, 3))


@case("i05 insert at a slice with a step")
def i05(x, w):
    return np.sum(np.insert(x, slice(0, 3, 2), [w, w * w]) * np.arange(5.0))


@case("i06 insert of an array at the end, one position spreading it")
def i06(x, w):
    return np.sum(np.insert(x, 3, w * x) * np.arange(6.0))


@case("i07 insert of two values at one listed position")
def i07(x, w):
    return np.sum(np.insert(x, [1], [w, 2 * w]) ** 2 * np.arange(5.0))


@case("i08 insert at an unsorted index array")
def i08(x, w):
    return np.sum(np.insert(x, np.array([2, 1]), [w, x[0]]) ** 3 * np.arange(5.0))


@case("i09 insert of a (3, 1) column at one position of axis 1")
def i09(x, w):
    m = np.insert(np.outer(x, x), 1, np.array([[w], [2 * w], [3 * w]]), axis=1)
    return np.sum(np.sin(m) * np.arange(18.0).reshape(3, 6))


@case("i10 insert of a row of the values transposed, two positions of axis 1")
def i10(x, w):
    m = np.insert(np.outer(x, x), [1, 1], np.array([[w], [2 * w]]).T, axis=1)
    return np.sum(np.sin(m) * np.arange(15.0).reshape(3, 5))


@case("i11 insert into an array of integers (the values are truncated) and an empty slice")
def i11(x, w):
    return np.sum(np.insert(np.arange(3), 1, w) * x[0]) + np.sum(np.insert(x[:0], 0, x[1] * w) * 3)


@case("i12 insert at argmax(x), of a list mixing w and 1.0")
def i12(x, w):
    return np.sum(np.insert(x * w, np.argmax(x), w * w) ** 2 * np.arange(4.0)) \
        + np.sum(np.insert(x, [0, 2], [w, 1.0]) ** 2 * np.arange(5.0))


@case("i13 insert into a flattened matrix (axis=None), into a 3-D one at a slice of axis 2")
def i13(x, w):
    m = np.insert(np.outer(x, x)[None] * w, slice(None), x[:, None], axis=2)
    return np.sum(np.insert(np.outer(x, x), [1, 5], [w, w * 3]) ** 2 * np.arange(11.0)) \
        + np.sum(np.sin(m) * np.arange(18.0).reshape(1, 3, 6))


@case("i14 insert into a list and into a float w, delete from a list")
def i14(x, w):
    return np.sum(np.insert([x[0], w, 1.0], 1, x[1:]) ** 2 * np.arange(5.0)) \
        + np.sum(np.insert(w, 0, x) ** 2 * np.arange(4.0)) + np.sum(np.delete([x[0], w, x[2]], 1) ** 2 * np.arange(2.0))


@case("d01 delete at duplicate, unsorted positions")
def d01(x, w):
    return np.sum(np.delete(x * w, [2, 0, 2]) ** 2)


@case("d02 delete by a boolean mask")
def d02(x, w):
    return np.sum(np.delete(x * w, np.array([True, False, True])) * 3 + x)


@case("d03 delete a column at axis=-1, and rows 0 and -1")
def d03(x, w):
    m = np.outer(x, x) * w
    return np.sum(np.sin(np.delete(m, 1, axis=-1)) * np.arange(6.0).reshape(3, 2)) \
        + np.sum(np.sin(np.delete(m, [0, -1], axis=0)) * np.arange(3.0))


@case("d04 delete of a flattened matrix, of a reversed slice, of nothing")
def d04(x, w):
    m = np.outer(x, x) * w
    return np.sum(np.delete(m, 4) * np.arange(8.0)) + np.sum(np.delete(x * w, slice(None, None, -2)) * 2) \
        + np.sum(np.delete(x * w, []) * np.arange(3.0))


@case("d07 delete rows -1 and -3 of a 3-D array, rows by a mask of x > 0, an int8 index")
def d07(x, w):
    m = np.outer(x, x) * w
    return np.sum(np.sin(np.delete(m[None], [-1, -3], axis=-2)) * np.arange(3.0)) \
        + np.sum(np.sin(np.delete(m, x > 0, axis=0)) * np.arange(3.0)) + np.sum(np.delete(x * w, np.array([-1], np.int8)) ** 2)


@case("d05 insert into the result of delete, rows of sin(x)")
def d05(x, w):
    m = np.insert(np.delete(np.outer(x, x) * w, 1, 0), 1, np.sin(x), axis=0)
    return np.sum(m ** 2 * np.arange(9.0).reshape(3, 3))


@case("d06 the results of insert and delete written into afterwards")
def d06(x, w):
    y = np.insert(x, 1, w)
    y[0] = y[1] * 3
    v = np.array([w, w * 2])
    z = np.insert(x, [0, 1], v)
    v[0] = 0.0
    return np.sum(y * y) + np.sum(z * z) + np.sum(v) * w


# -- math and NumPy: hypot, dist, fmod, remainder, modf, frexp, nextafter, exp2 ------------------

@case("h01 math.hypot of three, of *x, of one, of none")
def h01(x, w):
    return math.hypot(x[0], x[1], w) + math.hypot(*x) + math.hypot(-w) + math.hypot(*[x[0] * w, x[2]]) * math.hypot()


@case("h02 math.dist of lists, of 1-tuples, of x and x * w")
def h02(x, w):
    return math.dist([x[0], w], [x[1], 0.1]) + math.dist((x[2],), (w,)) + math.dist(x, x * w)


@case("h03 math.hypot of a generator and np.hypot broadcast")
def h03(x, w):
    return math.hypot(*(v * w for v in x)) + np.sum(np.hypot(x[:, None], x[None, :] * w + 1))


@case("h04 math.dist of a generator, of a range, of a tuple of ints; math.hypot(*map(...))")
def h04(x, w):
    return math.dist((v * w for v in x), [1.0, 2.0, 3.0]) + math.dist(range(3), x) + math.dist(x * w, (1, 2, 3)) \
        + math.hypot(*map(lambda v: v * w, x))


@case("f01 math.fmod and math.remainder, the divisor differentiated too")
def f01(x, w):
    return math.fmod(x[0] * 7, w) + math.remainder(x[2] * 5, w) + math.fmod(-3.3 * w, 0.7) \
        + math.fmod(w, x[2]) + math.remainder(-w * 3, x[2])


@case("f02 np.fmod, np.remainder with a negative divisor, np.mod, np.divmod")
def f02(x, w):
    q, r = np.divmod(x * 7, w)
    return np.sum(np.fmod(x * 7, w) + np.remainder(x * 5, -w) + np.mod(-x, w) + q * x + r)


@case("f03 math.modf of a negative value and np.modf, both parts used")
def f03(x, w):
    f, i = math.modf(-x[2] * 5.5 * w)
    a, b = np.modf(x * 5.3)
    return f * i + np.sum(a * b)


@case("f04 math.frexp and np.frexp, mantissa times exponent; ldexp")
def f04(x, w):
    m, e = math.frexp(x[2] * w * 3)
    mm, ee = np.frexp(x * w * 5)
    return m * e + np.sum(mm * mm * ee) + math.ldexp(w, 3) + np.sum(np.ldexp(x, 2))


@case("f05 nextafter toward a differentiated value, np.exp2")
def f05(x, w):
    return math.nextafter(x[0] * w, w) + np.sum(np.nextafter(x * w, -np.inf)) + np.sum(np.exp2(x * w) * np.nextafter(x, w))


if hasattr(math, "exp2"):       # Python 3.11 and later
    @case("f06 math.exp2")
    def f06(x, w):
        return math.exp2(x[0] * w) * math.exp2(-w)


@case("u01 ufunc dtype= written out: float, 'float64', numpy.float64")
def u01(x, w):
    return np.sum(np.sin(x * w, dtype=np.float64) + np.add(x, w, dtype=float) ** 2
                  + np.power(x, 3, dtype="float64") * w)


# -- the first match ---------------------------------------------------------------------------

@case("n01 the first match, and the default when nothing matches")
def n01(x, w):
    return next((v * w for v in x if v > 0.5), w * w) + next((v for v in x if v > 5), x[0] * 2)


@case("n02 the first match of pairs, a condition of both")
def n02(x, w):
    xs = [x[0], w, x[2]]
    return next((a * b for a, b in zip(xs, x) if a > 0.35), 0.0)


@case("n03 a default that changes the list searched (it is made after the generator)")
def n03(x, w):
    xs = [x[0] * w, x[1], x[2] * w]
    return next((v * v for v in xs if v > 0), xs.pop()) + len(xs) * w


@case("n04 a generator of a generator, and a condition with and/or")
def n04(x, w):
    return next((v * w for v in (u * 2 for u in x) if v < 0), 0.0) \
        + next((v * w for v in x if v < 0 and w > 0.5 or v > 0.8), w)


@case("n05 the first match in a loop, its condition on the loop's item")
def n05(x, w):
    t = 0.0
    for i in range(3):
        t = t + next((v * w for v in x if v > x[i]), w * i)
    return t


@case("n06 the loop variable named as the function's, a subscript target, a nested default")
def n06(x, w):
    v = w * 3
    a = [w, w]
    r = next((v * v for v in x if v < 0), v) + next((a[0] * 2 for a[0] in x if a[0] > 0.5), 0.0)
    return r + v + a[0] * w + next((v * w for v in x if v > 1), next((u * u for u in x if u < 0), w))


@case("n07 two ifs, a default of None, the default's branch")
def n07(x, w):
    r = next((y for y in x * w if y > 0), None)
    return next((v * w for v in x if v > 0 if v < 0.5), w * w) + (r * 2 if r is not None else w)


@case("n08 the first match over the rows of a matrix, an index search", (X3, 0.1))
def n08(x, w):
    ys = x * w
    return np.sum(next((r * 2 for r in np.outer(x, x) if r[0] < 0), x)) + next((ys[j] for j in range(3) if ys[j] > w), w)


# -- scipy.linalg and scipy.special --------------------------------------------------------------

def spd(x, w):
    return np.outer(x, x) + w * np.diag([1.0, 2.0, 3.0])


if sla is not None:
    @case("s01 scipy.special exp2, exp10, expm1, cbrt of a negative value")
    def s01(x, w):
        return np.sum(special.exp2(x * w) + special.exp10(x) + special.expm1(x * w) + special.cbrt(x * w - 0.1))

    @case("l01 det and inv, the singular 2x2 matrix's det")
    def l01(x, w):
        a = np.outer(x, x) + w * np.eye(3) + np.diag(x)
        s = np.array([[x[0], x[1]], [x[2], x[0] * x[2] / x[1]]])
        return sla.det(a) + np.sum(sla.inv(a) ** 2) + sla.det(s) * w

    @case("l02 eigh with lower=False, eigvalsh of repeated eigenvalues")
    def l02(x, w):
        v, q = sla.eigh(np.triu(spd(x, w)), lower=False)
        return np.sum(v * np.arange(3.0)) + np.sum(q[:, 0] ** 2 * x) + np.sum(sla.eigvalsh(np.diag([w, w, x[2]])) ** 3)

    @case("l03 pinv, svdvals and norms (fro, 1, 3) of a tall matrix")
    def l03(x, w):
        a = np.array([[x[0], w], [x[1], x[2]], [w * x[0], 1.0]])
        return np.sum(sla.pinv(a) ** 2) + np.sum(sla.svdvals(a)) + sla.norm(a) + sla.norm(a, 1) + sla.norm(x, 3)

    @case("l04 norm 2, -2, nuc, along axis 0 and keepdims, inf, 0.5")
    def l04(x, w):
        a = np.outer(x, x) + w * np.eye(3)
        return sla.norm(a, 2) + sla.norm(a, -2) + sla.norm(a, 'nuc') + sla.norm(a, axis=0)[1] + sla.norm(x, np.inf) \
            + np.sum(sla.norm(a, axis=1, keepdims=True) * np.arange(3.0)[:, None]) + sla.norm(x, 0.5)

    @case("l05 reduced svd of a tall matrix")
    def l05(x, w):
        u, s, vt = sla.svd(np.array([[x[0], w], [x[1], x[2]], [w * x[0], 1.0]]), full_matrices=False)
        return np.sum(s ** 2) + np.sum(np.abs(u[:, 0] * vt[0, 0]))

    @case("l06 expm of a matrix, of a 1x1, of a stack, of a defective one")
    def l06(x, w):
        a = np.outer(x, x) * w + np.diag(x)
        return np.sum(sla.expm(a) * np.arange(9.0).reshape(3, 3)) + np.sum(sla.expm(np.array([[w]]))) \
            + np.sum(sla.expm(np.stack([a, np.diag(x)]))) + np.sum(sla.expm(np.array([[w, 1.0], [0.0, w]])))

    @case("l07 outputs of inv, pinv and expm written into, inputs written after det and eigvalsh")
    def l07(x, w):
        a = spd(x, w)
        y = sla.inv(a)
        y[0, 0] = w
        p = sla.pinv(a[:2])
        p *= w
        e = sla.expm(a * 0.3)
        e[1, :] = x
        d, v = sla.det(a), sla.eigvalsh(a)
        a *= 2.0
        return np.sum(y * y) + np.sum(p * p) + np.sum(e * e) + d * np.sum(a) + np.sum(v ** 2)
