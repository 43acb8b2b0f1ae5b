"""``repr`` of a Tensor in PyTorch's format: ``tensor(3.)``, ``tensor([0.5000, 1.0000])``,
``tensor(6., grad_fn=<MulBackward0>)``.

The number formatting follows torch/_tensor_str.py's rules: if every finite non-zero
value is an integer, floats print as ``3.``; otherwise with 4 decimals; scientific
notation when the values span more than 1000x, exceed 1e8 or go below 1e-4. All
elements are padded to the same width.
"""

import math

import numpy

PRECISION = 4
_DEFAULT_DTYPES = (numpy.dtype(numpy.float64), numpy.dtype(numpy.int64), numpy.dtype(bool))


class _Formatter:
    def __init__(self, data):
        self.floating = numpy.issubdtype(data.dtype, numpy.floating)
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = data.reshape(-1)
        if not self.floating:
            for value in flat:
                self.max_width = max(self.max_width, len(f"{value}"))
            return
        values = flat[numpy.isfinite(flat) & (flat != 0)].astype(numpy.float64)
        if values.size == 0:
            return
        magnitudes = numpy.abs(values)
        low, high = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(numpy.all(values == numpy.ceil(values)))
        if self.int_mode:
            if high / low > 1000.0 or high > 1.0e8:
                self.sci_mode = True
                widths = [len(f"{v:.{PRECISION}e}") for v in values]
            else:
                widths = [len(f"{v:.0f}") + 1 for v in values]
        elif high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4:
            self.sci_mode = True
            widths = [len(f"{v:.{PRECISION}e}") for v in values]
        else:
            widths = [len(f"{v:.{PRECISION}f}") for v in values]
        self.max_width = max(widths)

    def format(self, value):
        if self.floating:
            value = float(value)
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRECISION}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRECISION}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def format_values(data):
    """The bracketed values part of a tensor's repr."""
    data = numpy.asarray(data)
    if data.size == 0:
        return "[]"
    formatter = _Formatter(data)
    if data.ndim == 0:
        return formatter.format(data.item())
    return numpy.array2string(data, max_line_width=80, separator=", ", prefix="tensor(",
                              formatter={"all": formatter.format}, threshold=1000, edgeitems=3)


def tensor_repr(t):
    data = numpy.asarray(t._data)
    parts = [format_values(data)]
    if data.size == 0 and data.shape != (0,):
        parts.append(f"size={data.shape}")
    if data.dtype not in _DEFAULT_DTYPES:
        parts.append(f"dtype=astgrad.{data.dtype.name}")
    if t._node is not None:
        parts.append(f"grad_fn=<{t._node.name()}>")
    elif t._rg:
        parts.append("requires_grad=True")
    return "tensor(" + ", ".join(parts) + ")"
