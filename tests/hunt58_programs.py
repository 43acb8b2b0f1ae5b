"""Programs of the fifty-eighth hunt: NumPy views and in-place writes, written as a user
would (tests/test_hunt58.py)."""

import numpy as np

X4 = np.array([0.3, -0.5, 0.8, 1.2])
X6 = np.array([0.3, -0.5, 0.8, 1.2, -0.7, 0.4])
M23 = np.array([[0.3, -0.5, 0.8], [1.1, 0.4, -0.2]])
M33 = np.array([[0.3, -0.5, 0.8], [1.1, 0.4, -0.2], [0.6, -0.9, 0.25]])
W = 0.7


# ---- writes through views
def v01(x, w):
    y = x * 1.0
    v = y[:, 0]
    v += w
    return np.sum(y * y)


def v02(x, w):
    v = x[:, 0]
    v += w * x[0, 1]
    return np.sum(np.sin(x))


def v03(x, w):
    y = x * 1.0
    y.T[0] = w * y[1, 1]
    return np.sum(y ** 2)


def v04(x, w):
    y = x * 1.0
    a = y.reshape(6)
    a[2] = w * a[0]
    return np.sum(y * y)


def v05(x, w):
    y = x.T.copy()
    a = y.T.reshape(6)          # a copy: y.T is not contiguous
    a[2] = w
    return np.sum(y * y) + np.sum(a)


def v06(x, w):
    y = x * 1.0
    r = np.ravel(y)
    r[1] = r[1] * w
    return np.sum(y * y)


def v07(x, w):
    y = x * 1.0
    r = y.T.ravel()             # a copy
    r[1] = r[1] * w
    return np.sum(y * y) + np.sum(r)


def v08(x, w):
    y = x * 1.0
    y.flat[2] = w * y.flat[0]
    return np.sum(y * y)


def v09(x, w):
    y = x * 1.0
    y.real[0] = w
    return np.sum(y * y)


def v10(x, w):
    y = x * 1.0
    r = y.real
    r *= w
    return np.sum(y * y)


def v11(x, w):
    d = np.diagonal(x)
    return np.sum(d * w) + np.sum(x * x)


def v12(x, w):
    y = x * 1.0
    y[...] = y * w
    return np.sum(y * y)


def v13(x, w):
    y = x * 1.0
    z = y[None]
    z[0, 1] = w
    return np.sum(y * y)


def v14(x, w):
    b = np.broadcast_to(x, (3, 4))
    return np.sum(b * w) + np.sum(b[1] ** 2)


def v15(x, w):
    y = x * 1.0
    s = np.swapaxes(y, 0, 1)
    s[0] *= w
    return np.sum(y * y)


def v16(x, w):
    y = x * 1.0
    m = np.moveaxis(y, 0, -1)
    m[1] += w
    return np.sum(y * y)


def v17(x, w):
    y = x * 1.0
    s = y[::2]
    s *= w
    return np.sum(y * y)


def v18(x, w):
    y = x * 1.0
    s = y[::-1]
    s[0] = w * s[1]
    return np.sum(y * y * np.arange(1.0, 7.0))


def v19(x, w):
    y = x * 1.0
    y[::2][1] = w * y[0]
    return np.sum(y * y * np.arange(1.0, 7.0))


def v20(x, w):
    y = x * 1.0
    y[::-2] *= w
    return np.sum(y * y * np.arange(1.0, 7.0))


def v21(x, w):
    x[::2][1] = w * x[0]        # into the argument's view
    return np.sum(x * x)


def v22(x, w):
    y = x * 1.0
    t = y.T
    t *= w
    return np.sum(y * np.arange(6.0).reshape(2, 3))


def v23(x, w):
    y = x * 1.0
    v = y[1:][::-1]
    v[0] = w
    return np.sum(y * y * np.arange(1.0, 7.0))


def v24(x, w):
    y = x * 1.0
    y[1:4:2] = w * y[0:2]
    return np.sum(y * y * np.arange(1.0, 7.0))


def v25(x, w):
    y = x.reshape(2, 3)
    y[1, 1] = w
    return np.sum(x * x)


def v26(x, w):
    y = x * 1.0
    d = np.diagonal(y)
    return np.sum(d * w) + np.sum(y[0])


def v27(x, w):
    y = x * 1.0
    r = y.ravel()
    r += w
    return np.sum(y * y)


def v28(x, w):
    y = x * 1.0
    v = y[:, ::-1]
    v[:, 0] = w * v[:, 1]
    return np.sum(y * y)


def v29(x, w):
    y = x * 1.0
    e = y[..., 1]
    e *= w
    return np.sum(y * y)


def v30(x, w):
    y = x * 1.0
    v = y.view()
    v[0] = w
    return np.sum(y * y)


# ---- in-place ufuncs and out=
def u01(x, w):
    a = x * 1.0
    np.add(a, w, out=a)
    return np.sum(a * a)


def u02(x, w):
    y = np.zeros((2, 4))
    np.multiply(x, w, out=y[0])
    return np.sum(y * y) + np.sum(y[1])


def u03(x, w):
    a = x * w
    np.exp(a, out=a)
    return np.sum(a)


def u04(x, w):
    a = x * 1.0
    np.add.at(a, [0, 0, 1], w)
    return np.sum(a * a)


def u05(x, w):
    a = x * 1.0
    np.put(a, [0, 2], [w, w * w])
    return np.sum(a * a)


def u06(x, w):
    a = x * 1.0
    np.place(a, a > 0.5, w)
    return np.sum(a * a)


def u07(x, w):
    a = np.zeros(4)
    np.copyto(a, x * w)
    return np.sum(a * a)


def u08(x, w):
    a = x * 1.0
    np.fill_diagonal(a, w)
    return np.sum(a * a)


def u09(x, w):
    a = x * w
    a.sort()
    return np.sum(a * np.arange(4.0))


def u10(x, w):
    a = x * 1.0
    a.fill(w)
    return np.sum(a * x)


def u11(x, w):
    out = np.zeros(4)
    np.cumsum(x * w, out=out)
    return np.sum(out * out)


def u12(x, w):
    a = x * 1.0
    np.multiply(a, a, out=a)
    return np.sum(a) * w


def u13(x, w):
    a = x * 1.0
    np.sin(a[2:], out=a[:2])
    return np.sum(a * w)


def u14(x, w):
    y = np.empty(4)
    np.add(x, w, y)             # out given by position
    return np.sum(y * y)


def u15(x, w):
    a = x * 1.0
    np.negative(a, out=a)
    return np.sum(a * w * a * a)


def u16(x, w):
    a = x * 1.0
    np.copyto(a, w, where=a > 0.5)
    return np.sum(a * a)


def u17(x, w):
    a = x * 1.0
    np.put(a, [1, 1], [w, 2.0 * w])
    return np.sum(a * a)


def u18(x, w):
    a = x * 1.0
    np.subtract.at(a, [3, 3, 3], x[0] * w)
    return np.sum(a * a)


def u19(x, w):
    a = x * 1.0
    np.multiply.at(a, [1, 1], w)
    return np.sum(a * a)


def u20(x, w):
    np.add(x, w, out=x)         # into the argument
    return np.sum(x * x)


def u21(x, w):
    out = np.zeros(4)
    np.maximum(x, w, out=out)
    return np.sum(out * x)


def u22(x, w):
    a = x * 1.0
    np.sqrt(a * a + w, out=a)
    return np.sum(a)


def u23(x, w):
    a = x * 1.0
    np.matmul(a, a.T, out=None)
    return np.sum(a) * w


def u24(x, w):
    a = x * 1.0
    np.clip(a, -w, w, out=a)
    return np.sum(a * a)


def u25(x, w):
    a = x * 1.0
    a.clip(-w, w, out=a)
    return np.sum(a * a)


def u26(x, w):
    out = np.zeros(())
    np.sum(x * w, out=out)
    return float(out) * 2.0


# ---- fancy-index writes with repeats
def f01(x, w):
    a = x * 1.0
    a[[0, 0]] += w
    return np.sum(a * a)


def f02(x, w):
    a = x * 1.0
    a[a > 0] *= w
    return np.sum(a * a)


def f03(x, w):
    a = x * 1.0
    idx = [1, 1, 2]
    a[idx] = a[idx] * w
    return np.sum(a * a)


def f04(x, w):
    a = x * 1.0
    a[[0, 0, 1], [1, 1, 2]] += w * a[1, 1]
    return np.sum(a * a)


def f05(x, w):
    a = x * 1.0
    a[[0, 0]] = [w, 2.0 * w]
    return np.sum(a * a)


def f06(x, w):
    a = x * 1.0
    idx = np.array([2, 0, 2])
    a[idx] -= x[:3] * w
    return np.sum(a * a)


def f07(x, w):
    a = x * 1.0
    mask = np.array([True, False, True, False])
    a[mask] = a[mask] ** 2 * w
    return np.sum(a * a)


def f08(x, w):
    a = x * 1.0
    a[[1, 1]] = a[[0, 2]] * w
    return np.sum(a * a)


def f09(x, w):
    a = x * 1.0
    a[:, [0, 0]] += w
    return np.sum(a * a)


def f10(x, w):
    x[[0, 0]] += w              # argument
    return np.sum(x * x)


def f11(x, w):
    a = x * 1.0
    a[[3, 1, 3]] *= w
    return np.sum(a * a)


def f12(x, w):
    a = x * 1.0
    a[np.array([[0, 0], [1, 1]])] += w
    return np.sum(a * a)


def f13(x, w):
    a = x * 1.0
    a[[-1, 3]] += w * a[0]
    return np.sum(a * a)


# ---- writes into an argument's view, loops, branches
def l01(x, w):
    for i in range(3):
        v = x[i:]
        v *= w
    return np.sum(x * x)


def l02(x, w):
    y = x * 1.0
    for i in range(2):
        y[[i, i]] += w * y[i + 1]
    return np.sum(y * y)


def l03(x, w):
    y = x * 1.0
    if w > 0:
        v = y[::2]
        v += w
    else:
        y[1] = w
    return np.sum(y * y)


def l04(x, w):
    y = x * 1.0
    for k in range(3):
        np.add(y, w * y[k], out=y)
    return np.sum(y * y)


def l05(x, w):
    r = x[0]
    r *= w
    c = x[:, 1]
    c += r[:2]
    return np.sum(x * x)


def l06(x, w):
    y = x * 1.0
    t = y.T
    for i in range(2):
        t[:, i] *= w
    return np.sum(y * y)


def l07(x, w):
    y = x * 1.0
    i = 0
    while i < 3:
        y[::-1][i] += w * y[i]
        i += 1
    return np.sum(y * y)


def l08(x, w):
    y = x * 1.0
    for row in y:
        row *= w
    return np.sum(y * y)


def l09(x, w):
    for row in x:
        row += w * row[0]
    return np.sum(x * x)


def l10(x, w):
    y = x * 1.0
    for i in range(2):
        np.exp(y[i], out=y[i])
    return np.sum(y * w)


def l11(x, w):
    y = x * 1.0
    y[1:] += y[:-1] * w
    return np.sum(y * y)


def l12(x, w):
    y = x * 1.0
    y[:-1] += y[1:] * w
    return np.sum(y * y)


def l13(x, w):
    y = x * 1.0
    np.add(y[1:], y[:-1] * w, out=y[1:])
    return np.sum(y * y)


def l14(x, w):
    y = x * 1.0
    y[1:] = y[:-1] * w          # overlapping copy
    return np.sum(y * y * np.arange(1.0, 5.0))


CASES = [(name, f, args, wrt) for name, f, args, wrt in [
    ("v01", v01, (M23, W), (0, 1)), ("v02", v02, (M23, W), (0, 1)), ("v03", v03, (M23, W), (0, 1)),
    ("v04", v04, (M23, W), (0, 1)), ("v05", v05, (M23, W), (0, 1)), ("v06", v06, (M23, W), (0, 1)),
    ("v07", v07, (M23, W), (0, 1)), ("v08", v08, (M23, W), (0, 1)), ("v09", v09, (X4, W), (0, 1)),
    ("v10", v10, (X4, W), (0, 1)), ("v11", v11, (M33, W), (0, 1)), ("v12", v12, (M23, W), (0, 1)),
    ("v13", v13, (X4, W), (0, 1)), ("v14", v14, (X4, W), (0, 1)), ("v15", v15, (M23, W), (0, 1)),
    ("v16", v16, (M23, W), (0, 1)), ("v17", v17, (X6, W), (0, 1)), ("v18", v18, (X6, W), (0, 1)),
    ("v19", v19, (X6, W), (0, 1)), ("v20", v20, (X6, W), (0, 1)), ("v21", v21, (X6, W), (0, 1)),
    ("v22", v22, (M23, W), (0, 1)), ("v23", v23, (X6, W), (0, 1)), ("v24", v24, (X6, W), (0, 1)),
    ("v25", v25, (X6, W), (0, 1)), ("v26", v26, (M33, W), (0, 1)), ("v27", v27, (M23, W), (0, 1)),
    ("v28", v28, (M23, W), (0, 1)), ("v29", v29, (M23, W), (0, 1)), ("v30", v30, (X4, W), (0, 1)),
    ("u01", u01, (X4, W), (0, 1)), ("u02", u02, (X4, W), (0, 1)), ("u03", u03, (X4, W), (0, 1)),
    ("u04", u04, (X4, W), (0, 1)), ("u05", u05, (X4, W), (0, 1)), ("u06", u06, (X4, W), (0, 1)),
    ("u07", u07, (X4, W), (0, 1)), ("u08", u08, (M33, W), (0, 1)), ("u09", u09, (X4, W), (0, 1)),
    ("u10", u10, (X4, W), (0, 1)), ("u11", u11, (X4, W), (0, 1)), ("u12", u12, (X4, W), (0, 1)),
    ("u13", u13, (X4, W), (0, 1)), ("u14", u14, (X4, W), (0, 1)), ("u15", u15, (X4, W), (0, 1)),
    ("u16", u16, (X4, W), (0, 1)), ("u17", u17, (X4, W), (0, 1)), ("u18", u18, (X4, W), (0, 1)),
    ("u19", u19, (X4, W), (0, 1)), ("u20", u20, (X4, W), (0, 1)), ("u21", u21, (X4, W), (0, 1)),
    ("u22", u22, (X4, W), (0, 1)), ("u23", u23, (M23, W), (0, 1)), ("u24", u24, (X4, W), (0, 1)),
    ("u25", u25, (X4, W), (0, 1)), ("u26", u26, (X4, W), (0, 1)),
    ("f01", f01, (X4, W), (0, 1)), ("f02", f02, (X4, W), (0, 1)), ("f03", f03, (X4, W), (0, 1)),
    ("f04", f04, (M23, W), (0, 1)), ("f05", f05, (X4, W), (0, 1)), ("f06", f06, (X4, W), (0, 1)),
    ("f07", f07, (X4, W), (0, 1)), ("f08", f08, (X4, W), (0, 1)), ("f09", f09, (M23, W), (0, 1)),
    ("f10", f10, (X4, W), (0, 1)), ("f11", f11, (X4, W), (0, 1)), ("f12", f12, (X4, W), (0, 1)),
    ("f13", f13, (X4, W), (0, 1)),
    ("l01", l01, (X6, W), (0, 1)), ("l02", l02, (X4, W), (0, 1)), ("l03", l03, (X6, W), (0, 1)),
    ("l04", l04, (X4, W), (0, 1)), ("l05", l05, (M23, W), (0, 1)), ("l06", l06, (M23, W), (0, 1)),
    ("l07", l07, (X4, W), (0, 1)), ("l08", l08, (M23, W), (0, 1)), ("l09", l09, (M23, W), (0, 1)),
    ("l10", l10, (M23, W), (0, 1)), ("l11", l11, (X4, W), (0, 1)), ("l12", l12, (X4, W), (0, 1)),
    ("l13", l13, (X4, W), (0, 1)), ("l14", l14, (X4, W), (0, 1)),
]]


# ---- batch two: functions that hand back their argument or a view of it
def a01(x, w):
    y = x * 1.0
    a = np.asarray(y)
    a[0] = w
    return np.sum(y * y)


def a02(x, w):
    y = x * 1.0
    a = np.atleast_1d(y)
    a *= w
    return np.sum(y * y)


def a03(x, w):
    y = x * 1.0
    a = y.astype(float, copy=False)
    a[1] = w
    return np.sum(y * y)


def a04(x, w):
    y = x * 1.0
    a = np.ascontiguousarray(y)
    a[1] = w * a[0]
    return np.sum(y * y)


def a05(x, w):
    y = x * 1.0
    a, b = np.split(y, 2)
    a *= w
    return np.sum(y * y) + np.sum(b)


def a06(x, w):
    y = x * 1.0
    a, b = y
    a *= w
    return np.sum(y * y)


def a07(x, w):
    y = x * 1.0
    y[0], y[1] = y[1], y[0]
    return np.sum(y * np.arange(6.0).reshape(2, 3)) * w


def a08(x, w):
    y = x * 1.0
    a = y[0]
    y[0] = y[1]
    y[1] = a
    return np.sum(y * np.arange(6.0).reshape(2, 3)) * w


def a09(x, w):
    y = x * 1.0
    y += y.T
    return np.sum(y * y) * w


def a10(x, w):
    y = x * 1.0
    y *= y[0]
    return np.sum(y * y) * w


def a11(x, w):
    y = x * 1.0
    f = np.flip(y)
    f[0] = w
    return np.sum(y * y * np.arange(1.0, 5.0))


def a12(x, w):
    y = x * 1.0
    s = np.squeeze(y[None])
    s[1] = w
    return np.sum(y * y)


def a13(x, w):
    y = x * 1.0
    e = np.expand_dims(y, 0)
    e[0, 2] = w
    return np.sum(y * y)


def a14(x, w):
    y = x * 1.0
    t = np.transpose(y)
    t[0] = w
    return np.sum(y * y)


def a15(x, w):
    y = x * 1.0
    r = np.rot90(y)
    r[0, 0] = w
    return np.sum(y * y * np.arange(6.0).reshape(2, 3))


def a16(x, w):
    y = x * 1.0
    f = y.flatten()
    f[0] = w
    return np.sum(y * y) + np.sum(f)


def a17(x, w):
    y = x * 1.0
    y.shape = (3, 2)
    return np.sum(y[0] * w) + np.sum(y * y)


def a18(x, w):
    y = x * 1.0
    a, b = np.broadcast_arrays(y, w)
    return np.sum(a * b)


def a19(x, w):
    y = x * 1.0
    parts = np.hsplit(y, 3)
    parts[1] *= w
    return np.sum(y * y)


def a20(x, w):
    y = x * 1.0
    for i, row in enumerate(y):
        row[0] = w * i
    return np.sum(y * y)


def a21(x, w):
    y = x * 1.0
    z = np.reshape(y, (3, 2))
    z[0] = w
    return np.sum(y * y * np.arange(6.0).reshape(2, 3))


def a22(x, w):
    y = x * 1.0
    y.flat = w * np.arange(6.0)
    return np.sum(y * x)


def a23(x, w):
    y = x * 1.0
    v = np.real(y)
    v[0] = w
    return np.sum(y * y)


def a24(x, w):
    y = x * 1.0
    a = np.array(y, copy=False)
    a[0] = w
    return np.sum(y * y)


def a25(x, w):
    y = x * 1.0
    a = np.asarray(y, dtype=np.float64)
    a += w
    return np.sum(y * y)


def a26(x, w):
    a = np.asarray(x)
    a[0] = w                    # the argument changes
    return np.sum(x * x)


def a27(x, w):
    y = x * 1.0
    a = np.atleast_2d(y)
    a[0, 0] = w
    return np.sum(y * y)


# ---- batch two: out= and in-place calls
def o01(x, w):
    a = x * 1.0
    np.add(a, w, out=(a,))
    return np.sum(a * a)


def o02(x, w):
    a = x * 1.0
    np.exp(a, a)
    return np.sum(a) * w


def o03(x, w):
    np.exp(x, out=x)            # the argument
    return np.sum(x) * w


def o04(x, w):
    y = np.zeros((2, 4))
    v = y[0]
    np.multiply(x, w, out=v)
    return np.sum(y * y)


def o05(x, w):
    a = x * w
    np.cumsum(a, out=a)
    return np.sum(a * a)


def o06(x, w):
    a = x * 1.0
    np.add.at(a[1:], [0, 0], w)
    return np.sum(a * a)


def o07(x, w):
    a = x * 1.0
    np.fill_diagonal(a[:, 1:], w)
    return np.sum(a * a)


def o08(x, w):
    np.fill_diagonal(x, w)
    return np.sum(x * x)


def o09(x, w):
    np.add.at(x, [1, 1], w)
    return np.sum(x * x)


def o10(x, w):
    a = x * 1.0
    np.add.at(a, ([0, 0], [1, 1]), w * a[0, 0])
    return np.sum(a * a)


def o11(x, w):
    a = x * 1.0
    np.put_along_axis(a, np.array([[0], [0]]), w, axis=1)
    return np.sum(a * a)


def o12(x, w):
    y = np.zeros((2, 3))
    np.sum(x * w, axis=0, out=y[0])
    return np.sum(y * y)


def o13(x, w):
    x.sort()
    return np.sum(x * np.arange(4.0)) * w


def o14(x, w):
    a = x * 1.0
    for _ in range(2):
        a.sort()
        a *= w
        a[0] = -a[0]
    return np.sum(a * np.arange(4.0))


def o15(x, w):
    y = np.zeros(4)
    np.multiply(x, w, out=y)
    np.multiply(y, y, out=y)
    return np.sum(y)


def o16(x, w):
    a = x * 1.0
    b = a
    np.add(a, w, out=a)
    return np.sum(b * x)


def o17(x, w):
    a = x * 1.0
    v = a[:2]
    np.multiply(a, w, out=a)
    return np.sum(v * v) + np.sum(a)


def o18(x, w):
    a = x * 1.0
    np.matmul(a[:2], a[1:3] * w, out=None)
    np.dot(a, a)
    a[1] = w
    return np.sum(a * a)


def o19(x, w):
    a = x * 1.0
    a.clip(0.0, None, out=a)
    return np.sum(a * w)


def o20(x, w):
    y = np.zeros(4)
    np.copyto(y, x)
    return np.sum(y * w)


# ---- batch two: fancy writes
def g01(x, w):
    a = x * 1.0
    a[[0, 0]] -= [w, 3.0 * w]
    return np.sum(a * a)


def g02(x, w):
    a = x * 1.0
    a[[0, 0]] += x[:2] * w
    return np.sum(a * a)


def g03(x, w):
    a = x * 1.0
    a[[0, 0], [1, 1]] = [w, 2.0 * w]
    return np.sum(a * a)


def g04(x, w):
    a = x * 1.0
    a[[True, False, True, False]] *= w
    return np.sum(a * a)


def g05(x, w):
    a = x * 1.0
    a[:, [1, 1]] *= w
    return np.sum(a * a)


def g06(x, w):
    a = x * 1.0
    idx = np.array([0, 2, 0])
    a[idx] = a[idx] * w + a[idx[::-1]]
    return np.sum(a * a)


def g07(x, w):
    a = x * 1.0
    for k in range(2):
        a[[k, k, k + 1]] += w * a[k]
    return np.sum(a * a)


def g08(x, w):
    a = x * 1.0
    if w > 0.5:
        a[[1, 1]] *= w
    else:
        a[[2, 2]] *= w
    return np.sum(a * a)


def g09(x, w):
    a = x * 1.0
    a[a > 0.5] = w
    a[a > 0.5] += w
    return np.sum(a * a)


def g10(x, w):
    a = x * 1.0
    a[[0, 0]][0] = w            # a copy: a is left as it was
    return np.sum(a * a) * w


def g11(x, w):
    a = x * 1.0
    a[1:][[0, 0]] += w          # through a view
    return np.sum(a * a)


def g12(x, w):
    a = x * 1.0
    a[::-1][[0, 0]] *= w
    return np.sum(a * a * np.arange(1.0, 5.0))


def g13(x, w):
    a = x * 1.0
    a.T[[0, 0]] += w
    return np.sum(a * a)


def g14(x, w):
    a = x * 1.0
    a[[0, 1], [0, 0]] = a[[1, 0], [0, 0]] * w
    return np.sum(a * a)


CASES += [(name, f, args, (0, 1)) for name, f, args in [
    ("a01", a01, (X4, W)), ("a02", a02, (X4, W)), ("a03", a03, (X4, W)), ("a04", a04, (X4, W)),
    ("a05", a05, (X4, W)), ("a06", a06, (M23, W)), ("a07", a07, (M23, W)), ("a08", a08, (M23, W)),
    ("a09", a09, (M33, W)), ("a10", a10, (M23, W)), ("a11", a11, (X4, W)), ("a12", a12, (X4, W)),
    ("a13", a13, (X4, W)), ("a14", a14, (M23, W)), ("a15", a15, (M23, W)), ("a16", a16, (M23, W)),
    ("a17", a17, (M23, W)), ("a18", a18, (X4, W)), ("a19", a19, (M23, W)), ("a20", a20, (M23, W)),
    ("a21", a21, (M23, W)), ("a22", a22, (M23, W)), ("a23", a23, (X4, W)), ("a24", a24, (X4, W)),
    ("a25", a25, (X4, W)), ("a26", a26, (X4, W)), ("a27", a27, (X4, W)),
    ("o01", o01, (X4, W)), ("o02", o02, (X4, W)), ("o03", o03, (X4, W)), ("o04", o04, (X4, W)),
    ("o05", o05, (X4, W)), ("o06", o06, (X4, W)), ("o07", o07, (M33, W)), ("o08", o08, (M33, W)),
    ("o09", o09, (X4, W)), ("o10", o10, (M23, W)), ("o11", o11, (M23, W)), ("o12", o12, (M23, W)),
    ("o13", o13, (X4, W)), ("o14", o14, (X4, W)), ("o15", o15, (X4, W)), ("o16", o16, (X4, W)),
    ("o17", o17, (X4, W)), ("o18", o18, (X4, W)), ("o19", o19, (X4, W)), ("o20", o20, (X4, W)),
    ("g01", g01, (X4, W)), ("g02", g02, (X4, W)), ("g03", g03, (M23, W)), ("g04", g04, (X4, W)),
    ("g05", g05, (M23, W)), ("g06", g06, (X4, W)), ("g07", g07, (X4, W)), ("g08", g08, (X4, W)),
    ("g09", g09, (X4, W)), ("g10", g10, (X4, W)), ("g11", g11, (X4, W)), ("g12", g12, (X4, W)),
    ("g13", g13, (M23, W)), ("g14", g14, (M23, W)),
]]


# ---- batch three: overlapping and chained writes, sorts of views, copies written
def c01(x, w):
    y = x * 1.0
    y[:] = y[::-1]
    return np.sum(y * np.arange(1.0, 5.0)) * w


def c02(x, w):
    y = x * 1.0
    y[::2], y[1::2] = y[1::2], y[::2]
    return np.sum(y * np.arange(1.0, 5.0)) * w


def c03(x, w):
    y = x * 1.0
    y.T[...] = y
    return np.sum(y * np.arange(9.0).reshape(3, 3)) * w


def c04(x, w):
    y = x * 1.0
    y += y[::-1] * w
    return np.sum(y * y * np.arange(1.0, 5.0))


def c05(x, w):
    y = x * 1.0
    np.add(y, y[::-1], out=y)
    return np.sum(y * y * np.arange(1.0, 5.0)) * w


def c06(x, w):
    y = x * 1.0
    y[:, 0] = y[:, 1] = w * y[0, 2]
    return np.sum(y * y)


def c07(x, w):
    y = x * 1.0
    y[0] = y[0][::-1] * w
    return np.sum(y * np.arange(6.0).reshape(2, 3))


def c08(x, w):
    y = x * w
    y[1:].sort()
    return np.sum(y * np.arange(4.0))


def c09(x, w):
    y = x * w
    v = y[::-1]
    v.sort()
    return np.sum(y * np.arange(4.0))


def c10(x, w):
    y = x * w
    y[:, 0].sort()
    return np.sum(y * np.arange(6.0).reshape(2, 3))


def c11(x, w):
    y = x * 1.0
    np.negative(y[:2], out=y[2:])
    return np.sum(y * y) * w


def c12(x, w):
    y = x * 1.0
    y[:2] = np.exp(y[:2] * w)
    return np.sum(y * y)


def c13(x, w):
    y = x * 1.0
    y[np.newaxis][0, 1] = w
    return np.sum(y * y)


def c14(x, w):
    y = x * 1.0
    y[1][[0, 0]] += w
    return np.sum(y * y)


def c15(x, w):
    y = x * 1.0
    y[y > 0][0] = w             # a copy: y is left as it was
    return np.sum(y * y) * w


def c16(x, w):
    y = x * 1.0
    y[[1, -3]] = [w, 2.0 * w]
    return np.sum(y * y)


def c17(x, w):
    y = x * 1.0
    np.add.at(y, [-1, 3], [w, w * w])
    return np.sum(y * y)


def c18(x, w):
    y = x * 1.0
    y[[0, 0], 1:] += w * y[1, 0]
    return np.sum(y * y)


def c19(x, w):
    y = x * 1.0
    np.add.at(y, [0, 0], y[1] * w)
    return np.sum(y * y)


def c20(x, w):
    y = x
    np.multiply(y, w, out=y)    # the argument, through an alias
    return np.sum(x * x)


def c21(x, w):
    y = x * 1.0
    i = 0
    for k in (1, 1, 2):
        y[[k, i]] += w * y[3]
        i = k
    return np.sum(y * y)


def c22(x, w):
    y = x * 1.0
    y[1:] *= y[:-1]
    return np.sum(y) * w


def c23(x, w):
    y = x * 1.0
    y[...] = y.T.copy() * w
    return np.sum(y * np.arange(9.0).reshape(3, 3))


def c24(x, w):
    y = x * 1.0
    y[:] = y.T
    return np.sum(y * np.arange(9.0).reshape(3, 3)) * w


def c25(x, w):
    y = x * 1.0
    y *= y.T
    return np.sum(y * np.arange(9.0).reshape(3, 3)) * w


def c26(x, w):
    y = x * 1.0
    y[0] = y[:, 0] * w
    return np.sum(y * np.arange(9.0).reshape(3, 3))


def c27(x, w):
    y = x * 1.0
    y[1:, 0] = y[0, :-1] * w
    return np.sum(y * np.arange(9.0).reshape(3, 3))


def c28(x, w):
    x[:] = x[::-1] * w          # the argument
    return np.sum(x * np.arange(1.0, 5.0))


def c29(x, w):
    y = x * 1.0
    y[:2], y[2:] = y[2:] * w, y[:2]
    return np.sum(y * np.arange(1.0, 5.0))


def c30(x, w):
    y = x * 1.0
    for i in range(3):
        y[i + 1] += y[i] * w
        y[[i, i]] *= w
    return np.sum(y * y)


CASES += [(name, f, args, (0, 1)) for name, f, args in [
    ("c01", c01, (X4, W)), ("c02", c02, (X4, W)), ("c03", c03, (M33, W)), ("c04", c04, (X4, W)),
    ("c05", c05, (X4, W)), ("c06", c06, (M23, W)), ("c07", c07, (M23, W)), ("c08", c08, (X4, W)),
    ("c09", c09, (X4, W)), ("c10", c10, (M23, W)), ("c11", c11, (X4, W)), ("c12", c12, (X4, W)),
    ("c13", c13, (X4, W)), ("c14", c14, (M23, W)), ("c15", c15, (X4, W)), ("c16", c16, (X4, W)),
    ("c17", c17, (X4, W)), ("c18", c18, (M23, W)), ("c19", c19, (X4, W)), ("c20", c20, (X4, W)),
    ("c21", c21, (X4, W)), ("c22", c22, (X4, W)), ("c23", c23, (M33, W)), ("c24", c24, (M33, W)),
    ("c25", c25, (M33, W)), ("c26", c26, (M33, W)), ("c27", c27, (M33, W)), ("c28", c28, (X4, W)),
    ("c29", c29, (X4, W)), ("c30", c30, (X4, W)),
]]


# ---- batch four: out= with where=, the common idioms
def w01(x, w):
    b = x - 0.5
    q = np.divide(x * w, b, out=np.zeros_like(x), where=np.abs(b) > 0.3)
    return np.sum(q * q)


def w02(x, w):
    a = x * w
    r = np.log(a, out=np.zeros_like(a), where=a > 0)
    return np.sum(r)


def w03(x, w):
    a = x * w
    np.sqrt(a, out=a, where=a > 0)
    return np.sum(a * a * a)


def w04(x, w):
    a = x * 1.0
    np.multiply(a, w, out=a, where=a > 0.5)
    return np.sum(a * a)


def w05(x, w):
    a = x * 1.0
    np.maximum(a, 0.0, out=a)
    return np.sum(a * a) * w


def w06(x, w):
    a = x * w + 0.02            # (away from round's steps)
    np.abs(a, out=a)
    np.round(a, 1, out=a)
    return np.sum(a * x)


def w07(x, w):
    a = x * w
    np.cumprod(a, out=a)
    return np.sum(a)


def w08(x, w):
    a = x * 1.0
    b = np.ones(4)
    np.add(a, w, out=b, where=x > 0)
    return np.sum(b * b)


def w09(x, w):
    a = x * 1.0
    np.fill_diagonal(a, x[0, :2] * w)
    return np.sum(a * a)


def w10(x, w):
    a = x * 1.0
    np.fill_diagonal(a, w, wrap=True)
    return np.sum(a * a)


def w11(x, w):
    a = x * 1.0
    np.add.at(a, (slice(None), [0, 0]), w)
    return np.sum(a * a)


def w12(x, w):
    a = x * 1.0
    np.maximum.at(a, [0, 0, 1], w)
    return np.sum(a * a)


def w13(x, w):
    a = np.zeros(3)
    np.add.reduce(x * w, axis=0, out=a)
    return np.sum(a * a)


def w14(x, w):
    a = x * 1.0
    np.minimum(a, w, out=a, where=x < 1.0)
    return np.sum(a * a)


def w15(x, w):
    m = x > 0
    y = np.exp(x, where=m, out=np.full_like(x, w))
    return np.sum(y)


def w16(x, w):
    a = x * 1.0
    b = a
    np.multiply(a, w, out=b)
    return np.sum(a * x)


def w17(x, w):
    a = x * w
    out = np.zeros(4)
    np.exp(a, out=out)
    np.multiply(out, a, out=out)
    return np.sum(out)


def w18(x, w):
    a = x * w
    c = np.empty((2, 2))
    np.dot(a.reshape(2, 2), a.reshape(2, 2), out=c)
    return np.sum(c)


CASES += [(name, f, args, (0, 1)) for name, f, args in [
    ("w01", w01, (X4, W)), ("w02", w02, (X4, W)), ("w03", w03, (X4, W)), ("w04", w04, (X4, W)),
    ("w05", w05, (X4, W)), ("w06", w06, (X4, W)), ("w07", w07, (X4, W)), ("w08", w08, (X4, W)),
    ("w09", w09, (M23, W)), ("w10", w10, (np.vstack([M23, M23, M23[:1]]), W)), ("w11", w11, (M23, W)),
    ("w12", w12, (X4, W)), ("w13", w13, (M23, W)), ("w14", w14, (X4, W)), ("w15", w15, (X4, W)),
    ("w16", w16, (X4, W)), ("w17", w17, (X4, W)), ("w18", w18, (X4, W)),
]]


# ---- batch five: writes into arrays of integers (NumPy truncates what is stored)
def i01(x, w):
    y = np.array([1, 2, 3, 4])
    y[0] = w * 3.7
    return np.sum(y * x)


def i02(x, w):
    y = np.zeros(4, dtype=int)
    y[:] = x * w * 5.0
    return np.sum(y * x)


def i03(x, w):
    y = np.arange(4)
    y[[1, 1]] = w * 4.0
    return np.sum(y * x)


def i04(x, w):
    y = np.zeros(4, dtype=bool)
    y[0] = w
    return np.sum(np.where(y, x, 2.0 * x))


def i05(x, w):
    y = np.ones((2, 2), dtype=np.int32)
    v = y[0]
    v[1] = w * 10.3
    return np.sum(y.ravel() * x)


def i06(x, w):
    y = np.arange(4)
    for i in range(4):
        y[i] = x[i] * w * 10.0
    return np.sum(y * x)


def i07(x, w):
    y = x * 1.0
    k = np.zeros(4, dtype=int)
    k[0] = y[0] * 10.0 * w
    return np.sum(k) + np.sum(y * w)


CASES += [(name, f, args, (0, 1)) for name, f, args in [
    ("i01", i01, (X4, W)), ("i02", i02, (X4, W)), ("i03", i03, (X4, W)), ("i04", i04, (X4, W)),
    ("i05", i05, (X4, W)), ("i06", i06, (X4, W)), ("i07", i07, (X4, W)),
]]


# ---- an argument written through its reshape, which is a view or a copy by its memory layout
def reshaped_argument_written(x, w):
    a = x.reshape(-1)
    a[0] = w
    return np.sum(x * x) + np.sum(a) * w


def reshaped_argument_scaled(x, w):
    r = x.reshape(-1)
    r *= w
    return np.sum(x * x) + np.sum(r)


def reshaped_argument_in_a_loop(x, w):
    for i in range(2):
        r = x.reshape(-1)
        r[i] = w * r[i + 1]
    return np.sum(x * x)


LAYOUT_PROGRAMS = [reshaped_argument_written, reshaped_argument_scaled, reshaped_argument_in_a_loop]
# the layouts of a 2-D argument whose reshape(-1) is a copy (in NumPy, so the function leaves it as it was)
COPYING_LAYOUTS = {"fortran": np.asfortranarray, "transposed": lambda a: a.T.copy().T,
                   "reversed": lambda a: a[::-1].copy()[::-1]}


# ---- what is refused (a TransformError, or a TypeError when the code runs), with what the message says
_REFUSED_SAYS = {
    'v08': r"assignment into an element of y.flat, a view of the elements of y with no name, .*numpy.put\(y, index, value\)",
    'v10': r"while another name may share its memory",
    'v30': r"while another name may share its memory",
    'l08': r"while another name may share its memory",
    'l09': r"while another name may share its memory",
    'a02': r"while another name may share its memory",
    'a03': r"while another name may share its memory",
    'a05': r"while another name may share its memory",
    'a06': r"while another name may share its memory",
    'a13': r"while another name may share its memory",
    'a15': r"while another name may share its memory",
    'a17': r"cannot differentiate assignment to an attribute",
    'a18': r"no adjoint rule for numpy.broadcast_arrays",
    'a19': r"while another name may share its memory",
    'a20': r"while another name may share its memory",
    'a22': r"cannot differentiate assignment to an attribute",
    'a23': r"while another name may share its memory",
    'a26': r"while another name may share its memory",
    'a27': r"while another name may share its memory",
    'o04': r"while another name may share its memory",
    'o07': r"cannot differentiate numpy\.fill_diagonal on a value",
    'o08': r"while another name may share its memory",
    'o17': r"while another name may share its memory",
    'g10': r"this writes into a copy of the array it was read from",
    'c08': r"calling \.sort\(\) changes a value this line computes in place",
    'c09': r"while another name may share its memory",
    'c10': r"calling \.sort\(\) changes a value this line computes in place",
    'c15': r"this writes into a copy of the array it was read from",
    'w10': r"cannot differentiate numpy\.fill_diagonal\(\.\.\., wrap=\.\.\.\)",
    'w13': r"calling numpy\.add\.reduce changes 'a' in place",
}
# c02 and c29 (two slices of one array assigned from each other, NumPy's result, not a swap)
# were refused until the right side's views were bound to names first, which views.py
# follows; a01, a24 and a25 (np.asarray(y), np.array(y, copy=False) written) until they were
# followed as y itself, a04 (np.ascontiguousarray(y) written) until it was followed as y
# itself or its copy, as the running code finds it, v09 (y.real[0] = w on a real array) as y[0] = w, and a21
# (np.reshape(y, s) written) until the function form was followed as the method's
# followed to first order (v05 and v07, a write into a reshape or ravel that copies, go into
# the copy alone, as in Python: refused where such a copy raised a TypeError when it ran)
# v05 and v07 (a write into a copy a reshape or ravel of a transpose made) and z3 were refused
# at the second order until numpy.shape(t) in a derivative counted as a read of t's shape alone
_SECOND_ORDER_REFUSED = {'o14'}
# followed to second order too (the gradient's write back into the argument x taken for an
# array of numbers, checked when it runs), but the gradient called inside another
# differentiated function is refused: checked in its own test, not in CASES
# (a12, s = np.squeeze(y[None]); s[1] = w, a view of a view expression; a11 and a14, np.flip(y)
# and np.transpose(y) written, followed since the whole-array views were)
_CALLED_INSIDE_REFUSED = {'v25', 'a11', 'a12', 'a14', 'v05', 'a21'}
# followed, but at its arguments x[2] - 0.5 lies on the edge of the where= mask, which a
# finite difference crosses (the idiom is checked away from it in test_view_outputs)
_ON_A_MASK_EDGE = {'w01'}
_ALL = CASES
CASES = [case for case in _ALL if case[0] not in _REFUSED_SAYS and case[0] not in _SECOND_ORDER_REFUSED
         and case[0] not in _ON_A_MASK_EDGE and case[0] not in _CALLED_INSIDE_REFUSED]
SECOND_ORDER_NOT_CALLED_INSIDE = [case for case in _ALL if case[0] in _CALLED_INSIDE_REFUSED]
FIRST_ORDER = [case for case in _ALL if case[0] in _SECOND_ORDER_REFUSED]
REFUSED = [(name, f, args, _REFUSED_SAYS[name]) for name, f, args, _ in _ALL if name in _REFUSED_SAYS]



# ---- batch six: 0-d views (y[0, ...] of a 1-D y is a view, y[0] a number), indices held in names
def z1(x, w):
    y = x * 1.0
    v = y[0, ...]
    v *= w
    return np.sum(y * y)


def z2(x, w):
    y = x * 1.0
    v = y[..., 1]
    v[...] = w * v
    return np.sum(y * y)


def z3(x, w):
    y = x * 1.0
    v = y[1:2].reshape(())
    v += w
    return np.sum(y * y)


def z4(x, w):
    y = x * 1.0
    y[2, ...] = w
    return np.sum(y * y)


def z5(x, w):
    y = x * 1.0
    v = y[0]
    v *= w                      # a number: y is left as it was
    return np.sum(y * y) + v


def z6(x, w):
    y = x * 1.0
    v = y[0, ...]
    y[0] = w
    return np.sum(v * x)        # v is a view: it shows the write


def z7(x, w):
    y = x * 1.0
    v = y[None, 0]
    v *= w
    return np.sum(y * y)


def z8(x, w):
    y = x * 1.0
    v = y[np.newaxis, 1, ...]
    v[0] = w
    return np.sum(y * y)


def z9(x, w):
    y = np.array(w)
    y[...] = y * x[0]
    y += 1.0
    return float(y) * x[1]


def z10(x, w):
    y = x * 1.0
    v = y[0, ...]
    s = v * 1.0
    y *= w
    return np.sum(s * v)


def q1(x, w):
    y = x * 1.0
    v = y[np.array(1)]
    v *= w
    return np.sum(y * y)


def q2(x, w):
    y = x * 1.0
    idx = (0, slice(None))
    v = y[idx]
    v *= w
    return np.sum(y * y)


def q3(x, w):
    y = x * 1.0
    idx = (0, slice(None))
    v = y[idx]
    v[1] = w
    return np.sum(y * y)


def q4(x, w):
    y = x * 1.0
    k = np.int64(1)
    v = y[k]
    v[0] = w
    return np.sum(y * y)


def q5(x, w):
    y = x * 1.0
    i = np.array(1)
    v = y[i]
    v[0] = w
    return np.sum(y * y)


def q6(x, w):
    y = x * 1.0
    s = slice(0, 2)
    v = y[s, 1]
    v *= w
    return np.sum(y * y)


def q7(x, w):
    y = x * 1.0
    idx = (Ellipsis, 1)
    v = y[idx]
    v[0] = w
    return np.sum(y * y)


def q8(x, w):
    y = x * 1.0
    idx = [0]                   # an array index: a copy, written as NumPy does (was refused)
    v = y[idx]
    v[0, 0] = w
    return np.sum(y * y) + np.sum(v)


def q9(x, w):
    y = x * 1.0
    m = np.array(True)
    v = y[m]                    # a copy, with a new axis
    v[0, 0] = w
    return np.sum(y * y) + np.sum(v)


def q10(x, w):
    y = x * 1.0
    i = np.array([1])[0]
    v = y[i]
    v *= w
    return np.sum(y * y)


_MORE = [(name, f, args, (0, 1)) for name, f, args in
         [(f"z{i}", globals()[f"z{i}"], (X4, W)) for i in range(1, 11)] +
         [(f"q{i}", globals()[f"q{i}"], (M23, W)) for i in range(1, 11)]]
_MORE_SAYS = {"z10": "while another name may share its memory",
              "q1": "this writes into a copy of the array it was read from",      # (a 0-d index array is an array index)
              "q5": "this writes into a copy of the array it was read from",
              "q9": "this writes into a copy of the array it was read from"}
# z3 (v = y[1:2].reshape(()); v += w, a view of a view expression) followed to second order too
CASES += [case for case in _MORE if case[0] not in _MORE_SAYS]
REFUSED += [(name, f, args, _MORE_SAYS[name]) for name, f, args, _ in _MORE if name in _MORE_SAYS]


# ---- batch seven: a method of a value held in a name, called for its effect
def h01(x, w):
    xs = []
    app = xs.append             # (the idiom that saves a lookup in a loop)
    for v in x:
        app(v * w)
    return sum(xs)


def h02(x, w):
    d = {}
    put = d.__setitem__
    put("a", x[0] * w)
    return d["a"] + w


def h03(x, w):
    a = x * 1.0
    setter = a.__setitem__
    setter(2, w)
    return np.sum(a * a)


def h04(x, w):
    a = x * w
    srt = a.sort
    srt()
    return np.sum(a * np.arange(4.0))


def h05(x, w):
    a = x * 1.0
    fill = a.fill
    fill(w)
    return np.sum(a * x)


def h06(x, w):
    a = x * 1.0
    add = a.__iadd__
    add(w)
    return np.sum(a * a)


def h07(x, w):
    a = x * 1.0
    g = getattr(a, "__setitem__")
    g(1, w)
    return np.sum(a * a)


class Accumulator:
    def __init__(self):
        self.total = 0.0

    def add(self, v):
        self.total = self.total + v


def h08(x, w):
    acc = Accumulator()
    add = acc.add               # a method of your class: inlined, followed
    add(x[0] * w)
    return acc.total + w


def h09(x, w):
    a = x * 1.0
    methods = [a.__imul__]      # held in a list: refused where it is taken (it was a wrong gradient)
    methods[0](w)
    return np.sum(a * a)


# each gave a gradient that missed the change (h01: a zero gradient), with no error
HELD_METHODS = {"h01": "xs.append", "h02": "d.__setitem__", "h03": "a.__setitem__", "h04": "a.sort",
                "h05": "a.fill", "h06": "a.__iadd__", "h07": "a.__setitem__"}
CASES.append(("h08", h08, (X4, W), (0, 1)))
REFUSED += [(name, globals()[name], (X4, W), rf"which holds the method {says.replace('.', '[.]')}, for its effect")
            for name, says in HELD_METHODS.items()]


def p01(x, w):
    a = x * 1.0
    a.put([0, 0], [w, 2.0 * w])     # an array's put: its advice was a queue's; the last write wins
    return np.sum(a * a)


CASES.append(("p01", p01, (X4, W), (0, 1)))       # followed, as numpy.put (flat_writes.py)
