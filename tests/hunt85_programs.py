"""The eighty-fifth hunt's programs, written as an outside user would, mixing the newer forms
astgrad follows with aliasing, rebinding, branches on data, kinks and loops of 0, 1 and 3
turns: objects a helper of the module builds and returns, changed in place by their methods
(also inside expressions, read before the call), writes through ``np.ascontiguousarray``,
``np.asfortranarray``, ``np.require`` and ``reshape``/``ravel`` in ``order="A"`` (a view or a
copy, as NumPy decides), rows read before in-place writes into their array, and lists
popped. Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float
``w``; CASES lists them (name, function), REFUSED those astgrad refuses in words (Python's
meaning needs what it does not follow: an object's array also held elsewhere, a view
written while another name shares it, a method read inside an expression after an array
it changes), ONCE those it follows to the first order and refuses to differentiate twice
(the write the derivative repeats, while a view or a row of the array is kept)."""

import numpy as np


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def bumped(self, k, c):
        self.data[k] *= c
        return self.data[k] * 2.0

    def total(self):
        return np.sum(self.data)

    def scale_all(self, c):
        self.data *= c


class Pair:
    def __init__(self, first, second):
        self.first = first
        self.second = second

    def bump(self, k, c):
        self.first[k] *= c


# -- helpers of the module building an object and returning it ------------------------------

def make(w, k):
    return Acc(w * (k + 1.0))


def make_default(w, k=2.0):
    """A factory with a default."""
    return Acc(np.sin(w) * k)


def make_two(w, k):
    """Helpers doing more than building an object (not folded into a caller)."""
    return Acc(w * (k + 1.0)), k


def make_list(w, k):
    return [Acc(w * (k + 1.0))]


def make_by_sines(w, k):
    return Acc(np.sin(w) * k)


def wrap(buf):
    return Acc(buf)


def wrap_bound(buf):
    o = Acc(buf)
    return o


def make_pair(a, b):
    return Pair(a, b)


def made_then_bumped(x, w):
    a = make(x, w)
    a.bump(1, w)
    return np.sum(a.data ** 2)


def made_twice(x, w):
    a = make(x, w)
    b = make(x, w)
    a.bump(0, w)
    return np.sum(a.data * b.data)


def wrapped_twice_same_array(x, w):
    y = x * 1.0
    a = wrap(y)
    b = wrap(y)
    a.bump(0, w)
    return np.sum(b.data * x) + np.sum(y)


def wrapped_view(x, w):
    y = x * 1.0
    a = wrap(y[1:])
    a.bump(0, w)
    return np.sum(y * x)


def wrapped_reversed_view(x, w):
    y = np.sin(x)
    a = wrap(y[::-1])
    a.bump(0, w)
    a.bump(1, w)
    return np.sum(y ** 2)


def made_with_default(x, w):
    a = make_default(x)
    a.bump(2, w)
    return np.sum(a.data * x)


def made_by_keywords_out_of_order(x, w):
    a = make(k=w, w=x)
    a.bump(1, w)
    return np.sum(np.tanh(a.data))


def wrapped_by_two_statements(x, w):
    y = x * w
    a = wrap_bound(y)
    a.bump(0, w)
    return np.sum(y * a.data)


def made_from_its_own_data(x, w):
    a = make(x, w)
    b = wrap(a.data)
    b.bump(0, w)
    return np.sum(a.data ** 2)


def made_rebound(x, w):
    a = make(x, 0.5)
    a = make(a.data, w)
    a.bump(0, w)
    return np.sum(a.data * x)


def made_from_a_call(x, w):
    a = make(np.sin(x), w)
    a.bump(1, w)
    return np.sum(a.data)


def made_then_branch_on_data(x, w):
    a = make(x, 0.0)
    if a.data[0] > 0.0:
        a.bump(0, w)
    else:
        a.bump(1, w)
    return np.sum(a.data ** 2)


def made_of_abs(x, w):
    a = wrap(np.abs(x) + 0.0)
    a.bump(1, w)
    return np.sum(a.data * x)


def made_of_maximum(x, w):
    a = wrap(np.maximum(x, 0.1))
    a.bump(0, w)
    return np.sum(a.data ** 2)


def made_of_where(x, w):
    a = wrap(np.where(x > 0.0, x * w, -x))
    a.bump(2, w)
    return np.sum(np.sin(a.data))


def made_complex(x, w):
    a = wrap(x * (1.0 + 0.5j))
    a.bump(0, w)
    return np.sum((a.data * np.conj(a.data)).real)


def made_with_int_constants(x, w):
    k = np.arange(x.size)
    a = wrap(x * k)
    a.bump(1, w)
    return np.sum(a.data) + np.sum(x * k)


def made_of_one_element(x, w):
    a = wrap(x[:1] * 1.0)
    a.bump(0, w)
    return np.sum(a.data) * x[0]


def made_of_zero_elements(x, w):
    a = wrap(x[:0] * 1.0)
    a.scale_all(w)
    return np.sum(a.data) + np.sum(x) * w


def made_scaled_whole(x, w):
    y = x * 1.0
    a = wrap(y)
    a.scale_all(w)
    return np.sum(y * x)


def pair_made(x, w):
    a = make_pair(x * 1.0, x * w)
    a.bump(0, w)
    return np.sum(a.first * a.second)


def pair_made_sharing(x, w):
    y = x * 1.0
    a = make_pair(y, y)
    a.bump(1, w)
    return np.sum(a.second ** 2)


def _loop_made(n):
    def loop_made(x, w):
        s = 0.0
        for k in range(n):
            a = make(x, k)
            a.bump(k % x.size, w)
            s = s + np.sum(a.data ** 2)
        return s + np.sum(x)
    loop_made.__name__ = f"loop_made_{n}"
    return loop_made


def _loop_wrapped_one_array(n):
    def loop_wrapped(x, w):
        y = x * 1.0
        for k in range(n):
            a = wrap(y)
            a.bump(k % 2, w)
        return np.sum(y * x)
    loop_wrapped.__name__ = f"loop_wrapped_one_array_{n}"
    return loop_wrapped


# -- methods changing an object called inside an expression --------------------------------

def item_read_before_the_call(x, w):
    a = make(x, w)
    s = a.data[0] + a.bumped(0, w)
    return s + np.sum(a.data)


def item_read_after_the_call(x, w):
    a = make(x, w)
    s = a.bumped(0, w) + a.data[0]
    return s * np.sum(a.data)


def item_by_name_index(x, w):
    a = make(x, 0.0)
    k = 1
    s = a.data[k] * a.bumped(k, w)
    return s + np.sum(a.data ** 2)


def item_by_negative_index(x, w):
    a = make(x, 0.0)
    s = a.data[-1] * a.bumped(-1, w)
    return s + np.sum(a.data)


def item_of_a_matrix(x, w):
    a = wrap(np.outer(x, np.array([1.0, 2.0])))
    s = a.data[1, 0] + a.bumped((1, 0), w)
    return s + np.sum(a.data)


def row_of_a_matrix(x, w):
    a = wrap(np.outer(x, np.array([1.0, 2.0])))
    s = np.sum(a.data[0] + a.bumped(0, w))
    return s + np.sum(a.data)


def total_before_the_call(x, w):
    a = make(x, 0.0)
    s = a.total() + a.bumped(0, w)
    return s + np.sum(a.data)


def two_calls_in_one_expression(x, w):
    a = make(x, 0.0)
    s = a.bumped(0, w) * a.bumped(0, w)
    return s + np.sum(a.data)


def two_calls_other_items(x, w):
    a = make(x, 0.0)
    s = a.bumped(0, w) - a.bumped(1, w) * a.data[0]
    return s + np.sum(a.data ** 2)


def call_in_a_conditional_expression(x, w):
    a = make(x, 0.0)
    s = a.bumped(0, w) if x[0] > 0.0 else a.total()
    return s + np.sum(a.data)


def call_in_the_other_branch(x, w):
    a = make(x, 0.0)
    s = a.total() if x[1] > 0.0 else a.bumped(1, w)
    return s + np.sum(a.data)


def call_inside_maximum(x, w):
    a = make(x, 0.0)
    s = np.maximum(a.bumped(0, w), a.data[1])
    return s + np.sum(a.data)


def array_read_before_the_call(x, w):
    a = make(x, 0.0)
    return np.sum(a.data * a.bumped(0, w))


def name_of_the_array_read_before(x, w):
    y = x * 1.0
    a = wrap(y)
    s = y[0] * a.bumped(0, w)
    return s + np.sum(y)


def slice_summed_before(x, w):
    y = x * 1.0
    a = wrap(y)
    s = np.sum(y[:2]) + a.bumped(0, w)
    return s + np.sum(y * x)


def method_of_the_array_before(x, w):
    y = x * 1.0
    a = wrap(y)
    s = y.sum() + a.bumped(1, w)
    return s * w + np.sum(y)


def item_read_after_by_its_name(x, w):
    y = x * 1.0
    a = wrap(y)
    s = a.bumped(0, w) + y[0]
    return s + np.sum(y ** 2)


def augmented_with_a_call(x, w):
    a = make(x, 0.0)
    s = a.data[2] * 1.0
    s += a.bumped(2, w)
    return s * np.sum(a.data)


def sum_of_a_number_and_a_call(x, w):
    a = make(x, 0.0)
    s = np.sum(x) + a.bumped(0, w) * a.data[0]
    return s


def abs_of_a_call(x, w):
    a = make(x, 0.0)
    s = np.abs(a.bumped(1, w)) + a.data[1]
    return s + np.sum(a.data)


def _loop_calls(n):
    def loop_calls(x, w):
        a = make(x, 0.0)
        s = 0.0
        for k in range(n):
            s = s * w + a.data[k] * a.bumped(k, w)
        return s + np.sum(a.data)
    loop_calls.__name__ = f"loop_calls_{n}"
    return loop_calls


def _loop_calls_conditional(n):
    def loop_calls_conditional(x, w):
        a = make(x, 0.0)
        s = 0.0
        for k in range(n):
            s = s + (a.bumped(k, w) if a.data[k] > 0.0 else a.total())
        return s + np.sum(a.data ** 2)
    loop_calls_conditional.__name__ = f"loop_calls_conditional_{n}"
    return loop_calls_conditional


# -- writes through what may be a view or a copy -------------------------------------------

def contiguous_view_written(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y)
    z[0] = w
    return np.sum(y * x)


def contiguous_copy_written(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y[::2])
    z[0] = w
    return np.sum(y * x) + np.sum(z ** 2)


def fortran_copy_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    Z = np.asfortranarray(Y)
    Z[0, 0] *= w
    return np.sum(Y ** 2) + np.sum(Z)


def fortran_view_of_a_transpose_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    Z = np.asfortranarray(Y.T)
    Z[1, 0] *= w
    return np.sum(Y * Y)


def fortran_of_one_dimension_written(x, w):
    y = np.sin(x)
    z = np.asfortranarray(y)
    z[1] += w
    return np.sum(y ** 2)


def require_c_written(x, w):
    y = x * 1.0
    z = np.require(y, requirements="C")
    z[2] *= w
    return np.sum(y * x)


def require_copy_of_a_strided_view(x, w):
    y = x * 1.0
    z = np.require(y[::2], requirements="C")
    z[0] *= w
    return np.sum(y * x) + np.sum(z)


def require_with_dtype(x, w):
    y = x * 1.0
    z = np.require(y, dtype=np.float64, requirements=["F"])
    z[0] *= w
    return np.sum(y ** 2)


def reshape_order_a_of_a_transpose_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    z = Y.T.reshape(-1, order="A")
    z[0] = w
    return np.sum(Y * Y)


def reshape_order_a_of_c(x, w):
    y = x * 1.0
    z = y.reshape(2, -1, order="A")
    z[0, 1] *= w
    return np.sum(y * x)


def ravel_order_a_of_a_transpose_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    z = Y.T.ravel(order="A")
    z[1] *= w
    return np.sum(Y ** 2)


def ravel_order_a_of_a_slice(x, w):
    Y = np.outer(x, np.array([1.0, w, 2.0]))
    z = Y[:, 1:].ravel(order="A")
    z[0] = w
    return np.sum(Y ** 2) + np.sum(z)


def np_reshape_order_a_complex(x, w):
    y = x * (1.0 - 0.5j)
    z = np.reshape(y, (2, -1), order="A")
    z[1, 0] *= w
    return np.sum(np.abs(y) ** 2)


def contiguous_in_a_branch(x, w):
    y = x * 1.0
    if x[0] > 0.0:
        z = np.ascontiguousarray(y)
    else:
        z = y.copy()
    z[1] *= w
    return np.sum(y * x)


def contiguous_of_an_expression(x, w):
    z = np.ascontiguousarray(x * w)
    z[0] = 1.0
    return np.sum(z ** 2) + np.sum(x)


def contiguous_kink(x, w):
    y = np.abs(x) * 1.0
    z = np.ascontiguousarray(y)
    z[0] = np.maximum(z[0], w)
    return np.sum(y * x)


def contiguous_of_one_element(x, w):
    y = x[:1] * 1.0
    z = np.ascontiguousarray(y)
    z[0] *= w
    return np.sum(y) * x[0]


def contiguous_of_zero_elements(x, w):
    y = x[:0] * 1.0
    z = np.ascontiguousarray(y)
    z *= w
    return np.sum(y) + np.sum(x * w)


def contiguous_of_a_number(x, w):
    z = np.ascontiguousarray(x[0] * w)
    z[0] += 1.0
    return np.sum(z ** 2)


def fortran_then_reshape_order_a(x, w):
    Y = np.asfortranarray(np.outer(x, np.array([1.0, w])))
    z = Y.reshape(-1, order="A")
    z[0] *= w
    return np.sum(Y ** 2)


def _loop_contiguous(n):
    def loop_contiguous(x, w):
        y = x * 1.0
        z = np.ascontiguousarray(y)
        for i in range(1, n + 1):
            z[i] += w * z[i - 1]
        return np.sum(y * x)
    loop_contiguous.__name__ = f"loop_contiguous_{n}"
    return loop_contiguous


def _loop_order_a(n):
    def loop_order_a(x, w):
        Y = np.outer(x, np.array([1.0, w]))
        z = Y.T.reshape(-1, order="A")
        for i in range(n):
            z[i] = z[i] * w + 0.5
        return np.sum(np.sin(Y))
    loop_order_a.__name__ = f"loop_order_a_{n}"
    return loop_order_a


# -- rows read before in-place writes into their array -------------------------------------

def row_read_then_row_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[1]
    Y[1] += w
    return np.sum(v ** 2) + np.sum(Y)


def row_read_then_column_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    i = 2
    v = Y[i]
    Y[:, 0] *= w
    return np.sum(np.sin(v)) + np.sum(Y)


def row_read_then_whole_written(x, w):
    Y = np.outer(x, np.array([1.0, 2.0]))
    v = Y[-1]
    Y *= w
    return np.sum(v * v)


def row_copied_then_written(x, w):
    Y = np.outer(x, np.array([1.0, 2.0]))
    v = Y[0].copy()
    Y[0] *= w
    return np.sum(v * Y[0])


def two_rows_read(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[0]
    u = Y[1]
    Y[0] = u * w
    return np.sum(v * u)


def row_read_in_a_branch(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[0] if x[0] > 0.0 else Y[1]
    Y[0] *= w
    return np.sum(v ** 2) + np.sum(Y)


def item_of_a_vector_read_then_written(x, w):
    y = x * 1.0
    v = y[0]
    y[0] *= w
    return v * np.sum(y)


def row_read_then_abs_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[2]
    Y[2] = np.abs(Y[2]) * w
    return np.sum(v * Y[2]) + np.sum(Y)


def row_of_a_3d_array(x, w):
    Y = np.outer(x, np.array([1.0, w])).reshape(2, -1, 2)
    v = Y[1]
    Y[1] *= w
    return np.sum(v ** 2) + np.sum(Y)


def _loop_rows(n):
    def loop_rows(x, w):
        Y = np.outer(x, np.array([1.0, w]))
        s = 0.0
        for i in range(n):
            v = Y[i]
            Y[i] = v * w
            s = s + np.sum(v ** 2)
        return s + np.sum(Y)
    loop_rows.__name__ = f"loop_rows_{n}"
    return loop_rows


def _loop_writes_one_row(n):
    def loop_writes_one_row(x, w):
        Y = np.outer(x, np.array([1.0, 2.0]))
        k = 1
        v = Y[k]
        s = 0.0
        for i in range(n):
            Y[k] += w
            s = s + np.sum(v * x[:2])
        return s + np.sum(Y ** 2)
    loop_writes_one_row.__name__ = f"loop_writes_one_row_{n}"
    return loop_writes_one_row


# -- lists popped ---------------------------------------------------------------------------

def popped_first(x, w):
    acc = [x * 1.0, x * w]
    v = acc.pop(0)
    return np.sum(v * acc[0])


def popped_last_after_appends(x, w):
    acc = []
    for k in range(3):
        acc.append(x * (k + w))
    v = acc.pop()
    return np.sum(v ** 2) + np.sum(acc[0])


def popped_then_appended_back(x, w):
    acc = [np.sin(x), x * w]
    v = acc.pop(0)
    acc.append(v * w)
    u = acc.pop(0)
    return np.sum(u * v) + np.sum(acc[0])


def popped_one_element_list(x, w):
    acc = [x * w]
    v = acc.pop()
    if len(acc) == 0:
        return np.sum(v ** 2)
    return 0.0


def popped_by_negative_index(x, w):
    acc = [x, x * w, np.cos(x)]
    v = acc.pop(-2)
    return np.sum(v * acc[1])


def popped_into_a_kink(x, w):
    acc = [x * w, x * 0.5]
    v = acc.pop(1)
    return np.sum(np.maximum(v, 0.1)) + np.sum(acc[0])


def popped_index_from_data(x, w):
    acc = [x * w, np.sin(x)]
    v = acc.pop(int(x[0] > 0.0))
    return np.sum(v ** 2) + np.sum(acc[0])


def popped_then_written(x, w):
    acc = [x * 1.0, x * w]
    v = acc.pop(0)
    v[0] = w
    return np.sum(v * x)


def popped_numbers(x, w):
    acc = [x[0] * w, x[1], w]
    v = acc.pop(0)
    u = acc.pop()
    return v * u + acc[0]


def _loop_popped(n):
    def loop_popped(x, w):
        acc = [x * (k + w) for k in range(3)]
        s = 0.0
        for k in range(n):
            v = acc.pop()
            s = s + np.sum(v * x)
        return s + np.sum(acc[0]) if acc else s
    loop_popped.__name__ = f"loop_popped_{n}"
    return loop_popped


def _while_popped(n):
    def while_popped(x, w):
        acc = [x * (k + w) for k in range(n)]
        s = 0.0
        while acc:
            v = acc.pop()
            s = s + np.sum(np.tanh(v))
        return s
    while_popped.__name__ = f"while_popped_{n}"
    return while_popped


# -- the forms mixed -----------------------------------------------------------------------

def made_from_a_contiguous_view(x, w):
    y = x * 1.0
    a = wrap(np.ascontiguousarray(y))
    a.bump(1, w)
    return np.sum(y * x)


def made_from_an_order_a_view(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    a = wrap(Y.T.reshape(-1, order="A"))
    a.bump(0, w)
    return np.sum(Y ** 2)


def made_from_a_popped_item(x, w):
    acc = [x * 1.0, x * w]
    a = wrap(acc.pop(0))
    a.bump(0, w)
    return np.sum(a.data * acc[0])


def row_of_made_data(x, w):
    a = wrap(np.outer(x, np.array([1.0, w])))
    v = a.data[1]
    a.bump(1, w)
    return np.sum(v ** 2)


def made_and_row_refreshed(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[0]
    a = wrap(Y)
    a.bump(0, w)
    return np.sum(v * x[:2])


def popped_row(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    rows = [Y[0], Y[1]]
    v = rows.pop(0)
    Y[0] *= w
    return np.sum(v ** 2) + np.sum(rows[0])


def contiguous_row_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = np.ascontiguousarray(Y[1])
    v[0] *= w
    return np.sum(Y ** 2)


def contiguous_column_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = np.ascontiguousarray(Y[:, 1])
    v[0] *= w
    return np.sum(Y ** 2) + np.sum(v)


def rebound_after_contiguous(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y)
    y = y * 2.0
    z[0] = w
    return np.sum(y * x) + np.sum(z)


def aliased_twice_contiguous(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y)
    u = np.require(z, requirements="C")
    u[1] = w
    return np.sum(y * z)


def call_then_view_written(x, w):
    a = make(x, 0.0)
    z = np.ascontiguousarray(a.data)
    s = a.bumped(0, w)
    z[1] *= w
    return s + np.sum(a.data ** 2)


def factory_in_conditional(x, w):
    a = make(x, w) if x[0] > 0.0 else make(x, 1.0)
    a.bump(0, w)
    return np.sum(a.data)


def helper_called_with_a_method_result(x, w):
    a = make(x, 0.0)
    b = wrap(a.data * a.bumped(0, w))
    b.bump(1, w)
    return np.sum(b.data) + np.sum(a.data)


def float32_constant_with_factory(x, w):
    c = np.array([0.5, 1.5], dtype=np.float32)
    a = make(x, w)
    a.bump(0, w)
    return np.sum(a.data[:2] * c)


def int_index_array_after_call(x, w):
    a = make(x, 0.0)
    idx = np.array([0, 2, 0])
    s = a.bumped(0, w)
    return s + np.sum(a.data[idx] ** 2)


def _loop_mixed(n):
    def loop_mixed(x, w):
        acc = []
        Y = np.outer(x, np.array([1.0, w]))
        z = Y.T.reshape(-1, order="A")
        for k in range(n):
            a = wrap(Y[k])
            a.bump(0, w)
            acc.append(np.sum(z))
        return np.sum(Y ** 2) + (acc.pop() if acc else 0.0)
    loop_mixed.__name__ = f"loop_mixed_{n}"
    return loop_mixed


def _rows_through_factory(n):
    def rows_through_factory(x, w):
        Y = np.outer(x, np.array([1.0, 2.0]))
        s = 0.0
        for i in range(n):
            v = Y[i]
            a = wrap(Y)
            a.bump(i, w)
            s = s + np.sum(v)
        return s + np.sum(Y * Y)
    rows_through_factory.__name__ = f"rows_through_factory_{n}"
    return rows_through_factory



# -- the second batch: neighbours of what is followed ----------------------------------------

class Holder:
    def __init__(self, items):
        self.items = items

    def bumped(self, k, c):
        self.items[k] *= c
        return c


def a_slice_read_before_the_call(x, w):
    a = make(x, 0.0)
    s = np.sum(a.data[0:2]) + a.bumped(0, w)
    return s + np.sum(a.data)


def a_raw_slice_read_before_the_call(x, w):
    a = make(x, 0.0)
    s = a.data[0:1] + a.bumped(0, w)
    return np.sum(s) + np.sum(a.data)


def an_item_of_a_list_of_numbers(x, w):
    a = Holder([x[0] * 1.0, x[1] * 2.0])
    s = a.items[0] + a.bumped(0, w)
    return s * a.items[0] + a.items[1]


def an_item_of_a_list_of_arrays(x, w):
    a = Holder([x * 1.0, x * 2.0])
    s = a.items[0] + a.bumped(0, w)
    return np.sum(s) + np.sum(a.items[1])


def an_item_of_a_0d_array(x, w):
    a = wrap(np.array(x[0] * 2.0))
    s = a.data[()] + a.bumped((), w)
    return s * np.sum(x)


def call_with_a_keyword(x, w):
    a = make(x, 0.0)
    s = np.sum(x, axis=None) + a.bumped(0, c=w)
    return s + np.sum(a.data ** 2)


def calls_in_a_comprehension(x, w):
    a = make(x, 0.0)
    s = sum([a.bumped(k, w) for k in range(2)])
    return s + np.sum(a.data)


def call_in_a_chained_comparison(x, w):
    a = make(x, 0.0)
    if -10.0 < a.bumped(0, w) < 10.0:
        return np.sum(a.data ** 2)
    return np.sum(a.data)


def call_after_and(x, w):
    a = make(x, 0.0)
    s = (x[0] > 0.0) and a.bumped(0, w)
    return s + np.sum(a.data)


def calls_in_both_branches(x, w):
    a = make(x, 0.0)
    s = a.bumped(0, w) if x[1] > 0.0 else a.bumped(1, w)
    return s + np.sum(a.data ** 2)


def item_then_call_in_a_tuple(x, w):
    a = make(x, 0.0)
    s, t = a.data[0], a.bumped(0, w)
    return s * t + np.sum(a.data)


def item_then_call_in_a_list(x, w):
    a = make(x, 0.0)
    pair = [a.data[1], a.bumped(1, w)]
    return pair[0] * pair[1] + np.sum(a.data)


def call_nested_in_sin(x, w):
    a = make(x, 0.0)
    s = np.sin(a.data[0] * a.bumped(0, w))
    return s + np.sum(a.data)


def call_through_a_list_of_objects(x, w):
    a = make(x, 0.0)
    held = [a]
    s = a.data[0] + held[0].bumped(0, w)
    return s + np.sum(a.data)


def item_of_another_object_sharing(x, w):
    y = x * 1.0
    a = wrap(y)
    b = wrap(y)
    s = b.data[0] + a.bumped(0, w)
    return s + np.sum(y)


def item_of_another_object_apart(x, w):
    a = make(x, 0.0)
    b = make(x, 1.0)
    s = b.data[0] + a.bumped(0, w)
    return s + np.sum(a.data * b.data)


def factory_shadowed_by_a_local(x, w):
    make = wrap
    a = make(x * 1.0)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def _factory_shadowed_by_a_closure():
    make = wrap

    def factory_shadowed_by_a_closure(x, w):
        a = make(x * w)
        a.bump(1, w)
        return np.sum(a.data * x)
    return factory_shadowed_by_a_closure


def factory_named_by_a_loop(x, w):
    s = 0.0
    for make in (wrap, wrap_bound):
        a = make(x * w)
        a.bump(0, w)
        s = s + np.sum(a.data ** 2)
    return s


def factory_of_a_parameter_used_twice(x, w):
    y = x * 1.0
    a = make_pair(y, y * w)
    a.bump(0, w)
    return np.sum(y * a.second)


K85 = 1.5


def make_k(v):
    return Acc(v * K85)


def factory_reading_a_global(x, w):
    a = make_k(x)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def row_written_by_setitem(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[0]
    Y[0] = Y[0] * w
    return np.sum(v ** 2) + np.sum(Y)


def row_written_through_a_chained_index(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[0]
    Y[0][1] = w
    return np.sum(v ** 2) + np.sum(Y)


def row_read_then_other_rows_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[0]
    Y[1:] *= w
    return np.sum(v * Y[1]) + np.sum(Y)


def view_of_a_row_read(x, w):
    Y = np.outer(x, np.array([1.0, w, 2.0]))
    v = Y[0]
    u = v[1:]
    Y[0] *= w
    return np.sum(u ** 2)


def column_view_read_then_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y.T[0]
    Y *= w
    return np.sum(v ** 2)


def row_read_then_where_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[1]
    Y[1] = np.where(Y[1] > 0.0, Y[1] * w, 0.1)
    return np.sum(v * x[:2]) + np.sum(Y ** 2)


def row_at_a_data_index(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    k = int(x[0] > 0.0)
    v = Y[k]
    Y[k] += w
    return np.sum(v ** 2) + np.sum(Y)


def row_read_twice_around_writes(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    v = Y[0]
    Y[0] += w
    u = Y[0]
    Y[0] *= w
    return np.sum(v * u) + np.sum(Y)


def contiguous_written_whole(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y)
    z *= w
    return np.sum(y * x)


def contiguous_written_by_slice(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y)
    z[:] = x * w
    return np.sum(y ** 2)


def base_written_after_a_fortran_view(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    z = np.asfortranarray(Y.T)
    Y[0, 0] = w
    return np.sum(z ** 2)


def base_written_after_a_contiguous_copy(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y[::2])
    y[0] = w
    return np.sum(z ** 2) + np.sum(y)


def base_written_after_an_order_a_copy(x, w):
    Y = np.outer(x, np.array([1.0, w, 2.0]))
    z = Y[:, 1:].reshape(-1, order="A")
    Y[0, 1] *= w
    return np.sum(z * z) + np.sum(Y)


def base_written_after_a_contiguous_transpose(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    z = np.ascontiguousarray(Y.T)
    Y[1, 0] *= w
    return np.sum(z * 2.0) + np.sum(Y ** 2)


def require_fortran_of_a_transpose_written(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    z = np.require(Y.T, requirements="F")
    z[0, 1] = w
    return np.sum(Y ** 2)


def contiguous_of_a_list(x, w):
    z = np.ascontiguousarray([x[0], w])
    z[0] *= w
    return np.sum(z ** 2)


def asarray_written(x, w):
    y = x * 1.0
    z = np.asarray(y)
    z[1] = w
    return np.sum(y * x)


def contiguous_complex_copy(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y, dtype=complex)
    z[0] *= w
    return np.sum(z.real) + np.sum(y)


def reshape_of_a_number_written(x, w):
    z = np.reshape(x[1] * w, (1,))
    z[0] += 1.0
    return np.sum(z ** 2)


def fortran_of_a_number_written(x, w):
    z = np.asfortranarray(x[2] * w)
    z[0] *= w
    return np.sum(z ** 2) + x[0]


def ravel_of_a_number_written(x, w):
    z = np.ravel(x[0] * w)
    z[0] *= w
    return np.sum(z ** 3)


def reshape_order_a_of_a_number_written(x, w):
    z = np.reshape(x[0] * w, -1, order="A")
    z[0] *= w
    return np.sum(z * x[1])


def contiguous_of_a_python_float(x, w):
    z = np.ascontiguousarray(float(x[0]) * w)
    z[0] += w
    return np.sum(z ** 2)


def popped_from_a_list_holding_one_array_twice(x, w):
    y = x * 1.0
    acc = [y, y]
    v = acc.pop()
    v[0] *= w
    return np.sum(acc[0] * x)


def popped_view_shows_a_later_write(x, w):
    y = x * 1.0
    acc = [y[1:], y]
    v = acc.pop(0)
    y[1] *= w
    return np.sum(v ** 2)


def popped_row_of_a_comprehension(x, w):
    Y = np.outer(x, np.array([1.0, w]))
    rows = [Y[i] for i in range(3)]
    v = rows.pop(1)
    return np.sum(v ** 2) + np.sum(rows[1])


def popped_then_inserted(x, w):
    acc = [x * 1.0, x * w, np.sin(x)]
    v = acc.pop(0)
    acc.insert(1, v * w)
    return np.sum(acc[1] * acc[0]) + np.sum(acc[2])


def popped_mixed_numbers_and_arrays(x, w):
    acc = [x[0] * w, x * w]
    v = acc.pop()
    u = acc.pop()
    return np.sum(v * u)


def popped_twice_used_in_a_kink(x, w):
    acc = [x * w, np.cos(x)]
    v = acc.pop(0)
    return np.sum(np.abs(v) * v) + np.sum(np.maximum(acc[0], v))


def _while_popped_front(n):
    def while_popped_front(x, w):
        acc = [x * (k + w) for k in range(n)]
        s = 0.0
        while len(acc) > 0:
            v = acc.pop(0)
            s = s * w + np.sum(v ** 2)
        return s + np.sum(x)
    while_popped_front.__name__ = f"while_popped_front_{n}"
    return while_popped_front


def _loop_row_kink(n):
    def loop_row_kink(x, w):
        Y = np.outer(x, np.array([1.0, w]))
        s = 0.0
        for i in range(n):
            v = Y[i]
            Y[i] = np.maximum(v, 0.05) * w
            s = s + np.sum(np.abs(v))
        return s + np.sum(Y ** 2)
    loop_row_kink.__name__ = f"loop_row_kink_{n}"
    return loop_row_kink


def _loop_base_after_copy(n):
    def loop_base_after_copy(x, w):
        Y = np.outer(x, np.array([1.0, w]))
        z = np.ascontiguousarray(Y.T)
        for i in range(n):
            Y[i, 0] *= w
        return np.sum(z ** 2) + np.sum(Y * Y)
    loop_base_after_copy.__name__ = f"loop_base_after_copy_{n}"
    return loop_base_after_copy


def _loop_number_views(n):
    def loop_number_views(x, w):
        s = 0.0
        for i in range(n):
            z = np.ascontiguousarray(x[i] * w)
            z[0] += s
            s = np.sum(z ** 2)
        return s + x[0]
    loop_number_views.__name__ = f"loop_number_views_{n}"
    return loop_number_views


def _loop_factory_items(n):
    def loop_factory_items(x, w):
        a = make(x, 0.0)
        s = 0.0
        for k in range(n):
            s, t = a.data[k], a.bumped(k, w) + s
        return s + t * np.sum(a.data) if n else np.sum(a.data)
    loop_factory_items.__name__ = f"loop_factory_items_{n}"
    return loop_factory_items

# -- operands of every kind read before a method call changing the object --------------------

def a_sum_before(x, w):
    a = make(x, 0.0)
    s = np.sum(a.data) + a.bumped(0, w)
    return s + np.sum(a.data ** 2)


def unary_item_before(x, w):
    a = make(x, 0.0)
    s = -a.data[0] + a.bumped(0, w)
    return s * np.sum(a.data)


def power_of_item(x, w):
    a = make(x, 0.0)
    s = a.data[2] ** a.bumped(2, w)
    return s + np.sum(a.data)


def compare_item(x, w):
    a = make(x, 0.0)
    if a.data[0] < a.bumped(0, w):
        return np.sum(a.data ** 2)
    return np.sum(a.data)


def keyword_item_after(x, w):
    a = make(x, 0.0)
    s = np.clip(a.bumped(3, w), a_min=a.data[3], a_max=100.0)
    return s + np.sum(a.data)


def keyword_call_positional_item(x, w):
    a = make(x, 0.0)
    s = np.clip(a.data[3] * 1.0, a_min=a.bumped(3, w) - 10.0, a_max=100.0)
    return s + np.sum(a.data)


def item_twice_around(x, w):
    a = make(x, 0.0)
    s = a.data[0] + a.bumped(0, w) + a.data[0]
    return s + np.sum(a.data)


def helper_of_the_object_before(x, w):
    a = make(x, 0.0)
    s = first_item(a) + a.bumped(0, w)
    return s + np.sum(a.data)


def first_item(o):
    return o.data[0] * 1.0


def slice_name_index(x, w):
    a = make(x, 0.0)
    k = slice(0, 2)
    s = np.sum(a.data[k] + a.bumped(0, w))
    return s + np.sum(a.data)


def ellipsis_index(x, w):
    a = make(x, 0.0)
    s = np.sum(a.data[...] + a.bumped(0, w))
    return s + np.sum(a.data)


def none_index(x, w):
    a = make(x, 0.0)
    s = np.sum(a.data[None] * a.bumped(0, w))
    return s + np.sum(a.data)


def zero_d_index(x, w):
    a = make(x, 0.0)
    k = np.array(1)
    s = a.data[k] * a.bumped(k, w)
    return s + np.sum(a.data)


def starred_before(x, w):
    a = make(x, 0.0)
    s = np.add(*[a.data[0], a.bumped(0, w)])
    return s + np.sum(a.data)


_FAMILIES = [_loop_made, _loop_wrapped_one_array, _loop_calls, _loop_calls_conditional, _loop_contiguous,
             _loop_order_a, _loop_rows, _loop_writes_one_row, _loop_popped, _while_popped, _loop_mixed,
             _rows_through_factory, _while_popped_front, _loop_row_kink, _loop_base_after_copy,
             _loop_number_views, _loop_factory_items]

_PLAIN = [f for name, f in sorted(globals().items())
          if callable(f) and getattr(f, "__module__", None) == __name__ and not isinstance(f, type)
          and not name.startswith("_") and f.__code__.co_varnames[:2] == ("x", "w")]

CASES = [(f.__name__, f) for f in _PLAIN] + [(g.__name__, g) for family in _FAMILIES for n in (0, 1, 3)
                                             for g in [family(n)]] \
    + [("factory_shadowed_by_a_closure", _factory_shadowed_by_a_closure())]

REFUSED = {
    'a_raw_slice_read_before_the_call', 'aliased_twice_contiguous', 'an_item_of_a_list_of_arrays',
    'an_item_of_a_list_of_numbers', 'array_read_before_the_call', 'base_written_after_a_fortran_view',
    'call_then_view_written', 'call_through_a_list_of_objects', 'column_view_read_then_written',
    'contiguous_complex_copy', 'contiguous_in_a_branch', 'contiguous_of_a_list', 'contiguous_row_written',
    'factory_in_conditional', 'factory_named_by_a_loop', 'factory_of_a_parameter_used_twice',
    'factory_shadowed_by_a_local', 'helper_called_with_a_method_result', 'item_of_another_object_sharing',
    'item_read_after_by_its_name', 'item_then_call_in_a_list', 'item_then_call_in_a_tuple',
    'loop_factory_items_0', 'loop_factory_items_1', 'loop_factory_items_3', 'loop_mixed_0', 'loop_mixed_1',
    'loop_mixed_3', 'loop_wrapped_one_array_0', 'loop_wrapped_one_array_1', 'loop_wrapped_one_array_3',
    'made_and_row_refreshed', 'made_complex', 'made_from_a_call', 'made_from_a_contiguous_view',
    'made_from_a_popped_item', 'made_from_an_order_a_view', 'made_from_its_own_data', 'made_rebound',
    'made_scaled_whole', 'method_of_the_array_before', 'name_of_the_array_read_before',
    'np_reshape_order_a_complex', 'pair_made_sharing', 'popped_from_a_list_holding_one_array_twice',
    'popped_row', 'popped_view_shows_a_later_write', 'require_c_written', 'require_copy_of_a_strided_view',
    'require_fortran_of_a_transpose_written', 'require_with_dtype', 'row_of_a_3d_array', 'row_of_a_matrix',
    'row_of_made_data', 'row_read_in_a_branch', 'row_read_then_whole_written', 'rows_through_factory_0',
    'rows_through_factory_1', 'rows_through_factory_3', 'slice_summed_before', 'view_of_a_row_read',
    'wrapped_by_two_statements', 'wrapped_reversed_view', 'wrapped_twice_same_array', 'wrapped_view',
    'ellipsis_index', 'helper_of_the_object_before', 'keyword_item_after', 'none_index', 'slice_name_index',
    'starred_before'}

ONCE = {
    'contiguous_copy_written', 'contiguous_view_written', 'loop_number_views_0', 'loop_number_views_1',
    'loop_number_views_3', 'loop_row_kink_0', 'loop_row_kink_1', 'loop_row_kink_3', 'loop_rows_0', 'loop_rows_1',
    'loop_rows_3', 'loop_writes_one_row_0', 'loop_writes_one_row_1', 'loop_writes_one_row_3',
    'popped_then_written', 'ravel_order_a_of_a_slice', 'rebound_after_contiguous',
    'reshape_order_a_of_a_transpose_written'}
