"""Programs whose refusal (or crash) named something the user never wrote, for
tests/test_words89.py: structured dtypes astgrad did not see (a global given by position,
a view as one, a record array), refused now at the line in the user's words; ``out=None``
given explicitly to NumPy, which is no output, followed now."""

import numpy as np

FIELDS = [("a", float), ("b", float)]
RECORD = np.dtype([("a", float), ("b", float)])


# -- structured arrays: refused at the line making one -------------------------------------

def sd_global_fields_by_position(x, w):
    r = np.empty(2, FIELDS)
    r["b"] = x[:2] * w
    return np.sum(r["b"] ** 2)


def sd_global_dtype_keyword(x, w):
    r = np.zeros(2, dtype=RECORD)
    r["a"] = x[:2] * w
    return np.sum(r["a"] ** 2)


def sd_global_dtype_by_position(x, w):
    r = np.zeros(2, RECORD)
    r["a"] = x[:2] * w
    return np.sum(r["a"] ** 2)


def sd_full_global_fields(x, w):
    r = np.full(2, 0.0, FIELDS)
    r["a"] = x[:2] * w
    return np.sum(r["a"] ** 2)


def sd_view_as_records(x, w):
    y = np.zeros(4)
    y[:] = x[:4] * w
    v = y.view(RECORD)
    return np.sum(v["b"] ** 2)


def sd_rec_array(x, w):
    r = np.rec.array(x[:2] * w)
    return np.sum(r ** 2)


def sd_rec_fromarrays(x, w):
    r = np.rec.fromarrays([x[:2] * w, x[2:4]], names="a,b")
    return np.sum(r.a * r.b)


def sd_recarray(x, w):
    r = np.recarray((2,), dtype=FIELDS)
    r.a = x[:2] * w
    return np.sum(r.a ** 2)


STRUCTURED = [sd_global_fields_by_position, sd_global_dtype_keyword, sd_global_dtype_by_position,
              sd_full_global_fields, sd_view_as_records, sd_rec_array, sd_rec_fromarrays, sd_recarray]


# -- out=None: no output, followed ------------------------------------------------------------

def on_std_ddof_by_position(x, w):
    return np.std(x * w, 0, None, None, 1)


def on_sum_out_none_by_position(x, w):
    return np.sum(np.sum(np.outer(x, x) * w, 0, None, None) ** 2)


def on_cumsum_out_none_by_position(x, w):
    return np.sum(np.cumsum(x * w, 0, None, None) ** 2)


def on_mean_out_none_by_position(x, w):
    return np.mean(x * w, None, None, None) ** 2


def on_sum_out_none_keyword(x, w):
    return np.sum(x * w, out=None) * x[0]


def on_ufunc_out_none_by_position(x, w):
    return np.sum(np.multiply(x, w, None) ** 3)


def on_ufunc_out_none_keyword_in_expression(x, w):
    return 2.0 * np.sum(np.sin(x * w, out=None))


def on_clip_out_none_by_position(x, w):
    return np.sum(np.clip(x * w, -1.0, 1.5, None) ** 2)


def on_var_keepdims_after_none(x, w):
    v = np.var(np.outer(x, x) * w, 1, None, None, 0, True)
    return np.sum(v * np.ones((x.size, 1)))


def on_max_out_none(x, w):
    return np.max(x * w, 0, None) + np.min(x, None, None, False)


OUT_NONE = [on_std_ddof_by_position, on_sum_out_none_by_position, on_cumsum_out_none_by_position,
            on_mean_out_none_by_position, on_sum_out_none_keyword, on_ufunc_out_none_by_position,
            on_ufunc_out_none_keyword_in_expression, on_clip_out_none_by_position,
            on_var_keepdims_after_none, on_max_out_none]


# -- an out given by position that is something: still written into, or refused ---------------

def ow_cumsum_into_local(x, w):
    y = np.zeros(x.size)
    np.cumsum(x * w, 0, None, y)
    return np.sum(y ** 2)


def ow_method_out_none_by_position(x, w):
    return np.sum((x * w).cumsum(0, None, None) ** 2)
