"""Decoration-time errors (issues 2 and 3): unsupported constructs raise
astgrad.TransformError from @astgrad.differentiable itself, naming this file and
the offending line and quoting it; bad input to grad raises TypeError.

Each offending line carries a marker comment ``# ERR:<name>``; the expected line
number is found by searching this file's text for the marker, so editing the file
cannot make the tests silently check the wrong line.
"""

import math
import os
import re

import numpy as np
import pytest

import astgrad

THIS_FILE = os.path.abspath(__file__)
THIS_NAME = os.path.basename(THIS_FILE)

COUNTER = 0.0


def marked_lines(name):
    """{line number: stripped source text} of every line marked ``# ERR:name``."""
    with open(THIS_FILE) as handle:
        lines = handle.read().splitlines()
    pattern = re.compile(r"#\s*ERR:" + re.escape(name) + r"\b")
    found = {i + 1: line.split("#")[0].strip() for i, line in enumerate(lines)
             if pattern.search(line)}
    assert found, f"no marker ERR:{name} in {THIS_NAME}"
    return found


# ---------------------------------------------------------------------------
# Functions astgrad must refuse (module level so their source can be read)
# ---------------------------------------------------------------------------

def gen_yield(x):
    y = x * x
    yield y  # ERR:generator


def gen_yield_from(x):
    y = x * x
    yield from [y, x]  # ERR:yield_from


async def async_fn(x):  # ERR:async
    return x * x


def try_except(x):
    y = x * 2.0
    try:
        for i in range(2):  # ERR:try
            y = np.sin(y)
    except ValueError:
        y = y * 0.0
    return y


def try_finally_break(x):
    y = x * 2.0
    for i in range(3):
        try:  # ERR:try_finally
            y = y * y
            if i > 0:
                break
        finally:
            y = y + 1.0
    return y



def with_continue(x):
    y = x * 2.0
    for i in range(3):
        with np.errstate(all="ignore"):  # ERR:with_continue
            if i > 0:
                continue
            y = y * y
    return y


def _reads_counter():
    return COUNTER * 1.0


def global_write_read_by_helper(x):
    global COUNTER
    COUNTER = x * 2.0
    return x * _reads_counter()  # ERR:global


def make_nonlocal_read_by_helper():
    total = 0.0

    def read():
        return total

    def inner(x):
        nonlocal total
        total = x * x
        return read() * x  # ERR:nonlocal

    return inner


def delete_attribute(x):
    y = x * 2.0
    del y.imag  # ERR:del
    return y


def class_inside(x):
    scale = 2.0

    class Helper:  # ERR:class
        def apply(self, v):
            return v * scale        # a local variable of the function: refused
    return Helper().apply(x)


def local_recursion(x):
    def even(t, *n):        # local functions calling each other are lifted: not with *args
        return t if n[0] == 0 else odd(t, n[0] - 1)

    def odd(t, n):
        return t * even(t, n - 1)
    return even(x, 3)  # ERR:local_recursion


def local_returned(x):
    def scaled(t):
        return t * x
    return scaled  # ERR:local_returned


def lambda_to_library(x):
    y = np.apply_over_axes(lambda a, axis: np.sum(a * x, axis), x, [0])  # ERR:lambda_to_library
    return np.sum(y)


def star_args(x):
    pair = tuple(x[:2])     # how many items: known only when it runs (a display is spliced in)
    y = np.add(*pair)  # ERR:star_args
    return y * y


def star_args_stack(x):
    xs = list(x[:2])        # how many items: known only when it runs
    y = np.stack(*xs)  # ERR:star_args_stack
    return np.sum(y)



def unknown_unwrap(x):
    y = x * 2.0
    z = np.unwrap(y)  # ERR:no_rule_unwrap
    return np.sum(z * z)


def unknown_fft(x):
    y = x * 2.0
    z = np.sqrt(np.fft.fft(y))  # ERR:no_rule_fft
    return np.sum(np.abs(z))


def unknown_ediff1d(x):
    y = x + 2.0
    z = np.ediff1d(y) + y  # ERR:no_rule_ediff1d
    return z * y


def set_comprehension(x):
    ys = {v * 2.0 for v in [x, x]}  # ERR:set_comprehension
    return sum(ys - {1.0})  # ERR:set_comprehension


REFUSED = [
    ("generator", gen_yield),
    ("yield_from", gen_yield_from),
    ("async", async_fn),
    ("try", try_except),
    ("try_finally", try_finally_break),
    ("with_continue", with_continue),
    ("global", global_write_read_by_helper),
    ("nonlocal", make_nonlocal_read_by_helper()),
    ("del", delete_attribute),
    ("class", class_inside),
    ("local_recursion", local_recursion),
    ("local_returned", local_returned),
    ("lambda_to_library", lambda_to_library),
    ("star_args", star_args),
    ("star_args_stack", star_args_stack),
    ("no_rule_unwrap", unknown_unwrap),
    ("no_rule_fft", unknown_fft),
    ("no_rule_ediff1d", unknown_ediff1d),
    ("set_comprehension", set_comprehension),
]

IDS = [name for name, _ in REFUSED]

# A word the message must use to name the construct (case-insensitive).
CONSTRUCT_WORDS = {
    "generator": "yield", "yield_from": "yield", "async": "async", "try": "try",
    "try_finally": "try", "with": "with", "global": "global", "nonlocal": "nonlocal",
    "del": "del", "class": "class", "local_recursion": "recursion", "local_returned": "local function",
    "lambda_to_library": "local function",
    "star_args": "*", "star_args_stack": "*", "no_rule_unwrap": "unwrap",
    "no_rule_fft": "numpy.sqrt", "no_rule_ediff1d": "ediff1d",
    "set_comprehension": "used as a set", "with_continue": "with",
}


def check_error(error, marker):
    """error names this file, a marked line, and quotes that line."""
    assert isinstance(error, astgrad.TransformError)
    message = str(error)
    expected = marked_lines(marker)
    assert THIS_NAME in message, f"file name missing from: {message!r}"
    reported = [n for n in expected if re.search(rf"(?<!\d){n}(?!\d)", message)]
    assert reported, (f"none of the expected line numbers {sorted(expected)} "
                      f"is in the message {message!r}")
    quoted = [n for n in reported if expected[n] in message]
    assert quoted, (f"the message {message!r} does not quote the offending line "
                    f"({[expected[n] for n in reported]})")
    word = CONSTRUCT_WORDS[marker]
    first_line = message.splitlines()[0]
    assert word.lower() in first_line.lower(), (
        f"the message does not name the construct ({word!r}): {message!r}")
    # The structured attributes agree with the message.
    if getattr(error, "lineno", None) is not None:
        assert error.lineno in expected
    if getattr(error, "filename", None) is not None:
        assert os.path.basename(error.filename) == THIS_NAME


@pytest.mark.parametrize("marker, fn", REFUSED, ids=IDS)
def test_refused_at_decoration_time(marker, fn):
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.differentiable(fn)
    check_error(info.value, marker)


@pytest.mark.parametrize("marker, fn", REFUSED, ids=IDS)
def test_refused_again_after_first_error(marker, fn):
    # No half-registered state: a second decoration fails with the same error.
    with pytest.raises(astgrad.TransformError) as first:
        astgrad.differentiable(fn)
    with pytest.raises(astgrad.TransformError) as second:
        astgrad.differentiable(fn)
    assert str(first.value) == str(second.value)
    check_error(second.value, marker)


@pytest.mark.parametrize("marker, fn", REFUSED, ids=IDS)
def test_refused_by_grad_without_decorator(marker, fn):
    # The plain-function path refuses too, no later than the first gradient call,
    # and never returns a number.
    with pytest.raises(astgrad.TransformError) as info:
        gfun = astgrad.grad(fn)
        gfun(0.5)
    check_error(info.value, marker)


def test_transform_error_is_an_exception():
    assert issubclass(astgrad.TransformError, Exception)


def test_decorator_error_is_raised_by_decorator_not_call():
    # If decoration succeeded we would get an object back; it must not.
    result = None
    try:
        result = astgrad.differentiable(try_except)
    except astgrad.TransformError:
        pass
    assert result is None


# ---------------------------------------------------------------------------
# Bad input to grad / differentiable
# ---------------------------------------------------------------------------

# np.sin and math.sin have derivative rules, so grad takes them (test_library_functions.py);
# library functions without one are refused
@pytest.mark.parametrize("bad", [3, 2.5, "f", None, np.isnan, len, math.isnan, np.ones(3)],
                         ids=["int", "float", "str", "None", "np.isnan", "len", "math.isnan",
                              "array"])
def test_grad_of_non_function_is_type_error(bad):
    with pytest.raises(TypeError) as info:
        gfun = astgrad.grad(bad)
        gfun(1.0)
    message = str(info.value)
    assert "function" in message.lower()


@pytest.mark.parametrize("bad", [3, np.sin, len], ids=["int", "np.sin", "len"])
def test_differentiable_of_non_function_is_type_error(bad):
    with pytest.raises(TypeError) as info:
        astgrad.differentiable(bad)
    assert "function" in str(info.value).lower()


@pytest.mark.parametrize("bad", [3, np.isnan], ids=["int", "np.isnan"])    # isnan: no derivative rule
def test_vjp_of_non_function_is_type_error(bad):
    with pytest.raises(TypeError):
        astgrad.vjp(bad, 1.0)


def test_grad_of_non_function_raises_at_grad_time():
    with pytest.raises(TypeError):
        astgrad.grad(np.isnan)         # a library function without a derivative rule


@pytest.mark.parametrize("marker, fn", REFUSED, ids=IDS)
def test_grad_refuses_when_made_not_when_first_called(marker, fn):
    # grad(f) checks f (the code for the arguments' kinds is made at the first call):
    # what is refused, grad(f) itself refuses, naming the file and the line
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(fn)
    check_error(info.value, marker)
