"""The eighty-ninth hunt's programs writing into their array argument through another name
for it or a view of it (``np.asarray(x)``, ``x.view()``, ``x.reshape``, ``x.T``, ``x[...]``,
``np.ravel``, ``np.atleast_1d``, ``np.squeeze``, ``x.real``), or by ``op=``, a slice, ``out=``,
``np.copyto``, ``sort``, ``fill``, a helper, ``np.put``, ``np.add.at`` and a mask. Python
changes the caller's array; a gradient or ``jvp`` call works on a copy. Each program is
``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import numpy as np

def wa_asarray(x, w):
    y = np.asarray(x)
    y[0] = w * y[1]
    return np.sum(x * x)

def wa_view(x, w):
    y = x.view()
    y[1] *= w
    return np.sum(x ** 2)

def wa_reshape(x, w):
    y = x.reshape(2, -1)
    y[0, 0] = w
    return np.sum(x * x)

def wa_T(x, w):
    a = x.reshape(2, -1)
    a.T[0, 1] = w * a[0, 0]
    return np.sum(x ** 2)

def wa_ellipsis(x, w):
    y = x[...]
    y *= w
    return np.sum(x * x)

def wa_ravel(x, w):
    y = np.ravel(x)
    y[2] = w
    return np.sum(x ** 3)

def wa_atleast(x, w):
    y = np.atleast_1d(x)
    y[0] = w
    return np.sum(x * x)

def wa_squeeze(x, w):
    y = np.squeeze(x[None, :])
    y[1] = w * 2.0
    return np.sum(x * x)

def wa_real(x, w):
    x.real[0] = w
    return np.sum(x * x)

def wa_iadd_arg(x, w):
    x += w
    return np.sum(x * x)

def wa_slice_arg(x, w):
    x[1:3] = x[0:2] * w
    return np.sum(x ** 2)

def wa_out_arg(x, w):
    np.multiply(x, w, out=x)
    return np.sum(x * x)

def wa_copyto_arg(x, w):
    np.copyto(x, x[::-1] * w)
    return np.sum(x * np.arange(x.size))

def wa_sort_arg(x, w):
    x.sort()
    return np.sum(x * np.arange(x.size)) * w

def wa_fill_arg(x, w):
    r = np.sum(x * x)
    x.fill(w)
    return r + np.sum(x)

def wa_helper_write(x, w):
    _scale_first(x, w)
    return np.sum(x * x)

def _scale_first(a, w):
    a[0] *= w

def wa_return_alias(x, w):
    y = x
    y[0] = w
    return np.sum(x * x)

def wa_put_arg(x, w):
    np.put(x, [0, 1], [w, w * x[2]])
    return np.sum(x * x)

def wa_add_at_arg(x, w):
    np.add.at(x, [0, 0], w)
    return np.sum(x * x)

def wa_mask_arg(x, w):
    x[x < 0] *= w
    return np.sum(x ** 2)


CASES = [(name, f) for name, f in list(globals().items()) if name.startswith("wa_") and callable(f)]
