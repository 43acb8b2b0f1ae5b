"""Programs of the twenty-seventh acceptance hunt: ordinary NumPy programs of the kinds
people differentiate (a loss, a recurrent step, a kernel solve, ODE and Gauss-Seidel
steps, masks, views and aliases written through, repeated indices, closures made in a
loop, loops with break and continue). Each entry of CASES is (name, f, args, wrt); astgrad
must give Python's value and derivative. The hunt checked several hundred such programs in
grad, value_and_grad, vjp, jvp, hessian and the second-order modes, and found no wrong
number; these are kept as a permanent differential campaign. REFUSED holds the programs
astgrad refuses at the line, with a pattern of the refusal. Used by tests/test_hunt27.py."""

import statistics

import numpy as np

from program_cases import case_table, refusal_table

X4 = np.array([0.31, -0.52, 0.87, 0.14])
W4 = np.array([0.6, 1.3, -0.45, 0.92])
A33 = np.array([[2.0, 0.3, -0.4], [0.5, 1.7, 0.2], [-0.1, 0.6, 2.5]])
CASES, case = case_table((X4, W4))
REFUSED, refused = refusal_table((X4, W4))


@case("k01 cross entropy of a softmax")
def k01(x, w):
    z = x * w
    z = z - np.max(z)
    p = np.exp(z) / np.sum(np.exp(z))
    return -np.log(p[1])


@case("k02 RNN steps in a loop")
def k02(x, w):
    h = np.zeros(2)
    W = np.array([[0.5, -0.3], [0.2, 0.4]])
    for t in range(4):
        h = np.tanh(W @ h + x[t] * w[:2])
    return np.sum(h ** 2)


@case("k03 RBF kernel matrix with a solve")
def k03(x, w):
    d = x[:, None] - x[None, :]
    K = np.exp(-0.5 * d ** 2 / (w[0] ** 2)) + 0.1 * np.eye(4)
    a = np.linalg.solve(K, w)
    return w @ a


@case("k04 Euler steps of an ODE")
def k04(x, w):
    y = x.copy()
    for _ in range(5):
        y = y + 0.1 * (-w * y + np.sin(y))
    return np.sum(y)


@case("k05 masked mean")
def k05(x, w):
    mask = x > 0
    return np.sum(w[mask] * x[mask] ** 2) / np.sum(mask)


@case("k06 += on a slice view")
def k06(x, w):
    y = x * 1.0
    v = y[1:3]
    v += w[:2]
    return np.sum(y ** 2)


@case("k07 alias written through")
def k07(x, w):
    y = x * w
    z = y
    z[0] = 3.0 * x[1]
    return np.sum(y * y)


@case("k08 reshape view written through")
def k08(x, w):
    y = x * w
    r = y.reshape(2, 2)
    r[1, 0] *= 3.0
    return np.sum(y ** 3)


@case("k09 where with NaN in the untaken branch")
def k09(x, w):
    return np.sum(np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), w * x))


@case("k10 repeated fancy index +=")
def k10(x, w):
    y = x * 1.0
    y[[0, 0, 2]] += w[:3]
    return np.sum(y ** 2)


@case("k11 np.add.at with a repeated index")
def k11(x, w):
    y = np.zeros(3)
    np.add.at(y, [0, 0, 1, 2], x * w)
    return np.sum(y ** 2)


@case("k12 update a slice with a slice of itself")
def k12(x, w):
    y = x * w
    y[1:] = y[:-1] + y[1:]
    return np.sum(y ** 2)


@case("k13 overlapping in-place slice add")
def k13(x, w):
    y = x * w
    y[1:] += y[:-1]
    return np.sum(y ** 2)


@case("k14 triangular solve by loop (forward substitution)")
def k14(x, w):
    L = np.tril(np.outer(x, w)) + 2.0 * np.eye(4)
    y = np.zeros(4)
    for i in range(4):
        y[i] = (w[i] - L[i, :i] @ y[:i]) / L[i, i]
    return np.sum(y ** 2)


@case("k15 view read after the base is rewritten")
def k15(x, w):
    M = np.outer(x, w)
    a = M[0]
    M[0] = M[1]
    return np.sum(a * w)


@case("k16 repeated index assignment, last wins")
def k16(x, w):
    y = np.zeros(4)
    y[[0, 0, 1]] = x[:3] * w[:3]
    return np.sum(y ** 2)


@case("k17 np.add.at with negative and repeated indices")
def k17(x, w):
    y = x * 1.0
    np.add.at(y, [-1, 3, 0], w[:3] ** 2)
    return np.sum(y ** 2)


@case("k18 late-binding closures in a comprehension")
def k18(x, w):
    fs = [lambda v: v * i for i in range(3)]
    return sum(f(x[0]) * w[0] for f in fs) + fs[0](w[1])


@case("k19 or returns its operand")
def k19(x, w):
    v = x[0] * w[0] or 1.0
    u = 0.0 * x[1] or w[2]
    return v * 2.0 + u * x[2]


@case("k20 nested loops with break and continue")
def k20(x, w):
    s = 0.0
    for i in range(4):
        if x[i] < 0:
            continue
        for j in range(4):
            if j > i:
                break
            s = s + x[i] * w[j]
    return s


@case("k21 Gauss-Seidel sweeps writing in place")
def k21(x, w):
    A = np.outer(w, w) * 0.1 + 3.0 * np.eye(4)
    u = np.zeros(4)
    for _ in range(3):
        for i in range(4):
            u[i] = (x[i] - A[i] @ u + A[i, i] * u[i]) / A[i, i]
    return np.sum(u ** 2)


@case("k22 numpy cholesky of a non-symmetric argument", args=(A33,), wrt=(0,))
def k22(a):
    L = np.linalg.cholesky(a)
    return np.sum(L * np.arange(9.0).reshape(3, 3))


@case("r01 a write through the view ravel() returns (refused before, followed now)")
def r01(x, w):
    y = x * w
    r = y.ravel()
    r[0] = 5.0 * x[1]
    return np.sum(y ** 2)


@refused("r02 a write into each row a loop over a matrix yields", r"assignment into an element of 'row' while another name")
def r02(x, w):
    M = np.outer(x, w)
    for row in M:
        row[0] = row[1] * 2.0
    return np.sum(M ** 2)


@refused("r03 += on an array a slice of it is still read from", r"augmented assignment \(\+= and the like\) on 'y' while")
def r03(x, w):
    y = x * 1.0
    v = y[:2]
    y *= w
    return np.sum(v ** 2)


@refused("r04 statistics.pvariance, whose code changes a dict it makes", r"the call of pvariance here: it is a "
         r"function of Python's standard library, .* changes a value in place \(.*statistics.py:\d+.*\), which "
         r"astgrad cannot follow; compute the value with NumPy")
def r04(x, w):
    return statistics.pvariance([x[0] * w[0], x[1], w[2]])


def median_of(x):
    return np.median(x)


def naive_softplus(x):
    return np.sum(np.log(1.0 + np.exp(x)))


def stable_softplus(x):
    return np.sum(np.logaddexp(0.0, x))
