"""Tracebacks that show the user's code.

An error leaving one of astgrad's entry points (``grad``, a gradient call, ...) keeps the
caller's frames, the frames of the user's functions and of generated code, and drops
astgrad's own: a refused construct reads as the line that asked for the derivative and
the message naming the construct's file and line. An error raised inside astgrad that
is not a deliberate message (a bug) keeps every frame, so it can be reported. With the
environment variable ``ASTGRAD_FULL_TRACEBACK=1`` every error keeps every frame.

Python 3.13 prints each frame's line through ``linecache``, where generated code is
registered; Python 3.10 to 3.12 read only files on disk when printing an uncaught error,
so there :func:`install_excepthook` prints tracebacks that pass through generated code
with the ``traceback`` module, which reads ``linecache``.
"""

import functools
import os
import re
import sys
import weakref
from typing import Any, Callable, Set, TypeVar, cast

from .core.generated_text import origin
from .errors import TransformError, as_refusal, is_value_refusal

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
# the modules that check the caller's input: their TypeError, ValueError and RuntimeError
# (the tape's PyTorch-worded errors) are messages meant for the user, not bugs
_INPUT_CHECKS = ("api.py", "bound.py", "shaped.py", "records.py", "pickling.py", "program.py")
# where NumPy's floating-point errors of the user's operations are raised as NumPy raises
# them (numpy.seterr(all="raise"), a warnings filter "error"): the user's errors
_NUMPY_ANSWERS = "derivative_warnings.py"


F = TypeVar("F", bound=Callable[..., Any])


def public(fn: F) -> F:
    """``fn`` as an entry point of the API: an error leaving it shows the caller's frames
    and at most this one line of astgrad."""
    @functools.wraps(fn)
    def astgrad_entry(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as error:
            raise shortened(error)      # the error, with astgrad's internal frames left out
    return cast(F, astgrad_entry)


_ENTRY_CODES: Set[Any] = set()     # the code of entry points made by entry_point (not in this file)


# code astgrad runs a user's function through, placed at the user's line (user_warnings.py):
# its frame repeats that line, so a traceback leaves it out as astgrad's own
_STAND_IN_CODES: "weakref.WeakSet[Any]" = weakref.WeakSet()


def stands_in_for_users_line(code):
    """Mark ``code`` as astgrad's, though its file and line are the user's."""
    _STAND_IN_CODES.add(code)
    return code


def entry_point(fn: F) -> F:
    """Mark ``fn`` as an entry point that catches errors itself (``raise shortened(error)``),
    where the frame of a function made by :func:`public` would cost too much per call."""
    _ENTRY_CODES.add(fn.__code__)
    return fn


def shortened(error: Exception) -> Exception:
    """``error`` with its traceback (from the entry point's frame on) without astgrad's frames.
    A refusal that waited for the arguments (a FunctionValueUnknown) leaves every entry
    point as the plain TransformError it is once they are given, so grad, jvp, vjp,
    hessian, ... raise the same type with the same words."""
    refusal = as_refusal(error)
    if refusal is not error:
        refusal.__suppress_context__ = True     # the same refusal, not a second error
        error = refusal.with_traceback(error.__traceback__)
    frames = _frames(error.__traceback__)[1:]       # the entry point's frame: the raise adds it again
    refusal = _is_runtime_refusal(error)
    if refusal:
        _locate(error, frames)
    elif is_value_refusal(error):
        _at_users_line(error)
    if (refusal or _is_message(error, frames)) and not os.environ.get("ASTGRAD_FULL_TRACEBACK"):
        if frames and _internal(frames[-1]):
            error.__suppress_context__ = True       # what astgrad tried before refusing is its own
        frames = [tb for tb in frames if not _internal(tb)]
    if not refusal and not isinstance(error, TransformError):
        frames = _with_users_line([_as_users_frame(tb) for tb in frames])
    return error.with_traceback(_chain(frames))


def _as_users_frame(tb):
    """``tb``, or where it is a frame of a function's value code (``value_f``: the user's
    function itself, as astgrad runs it beside its derivative), a frame at the line of the
    user's file that code was made from, named as the user's function: an error the
    user's code raises reads as the call of the function would show it."""
    code = tb.tb_frame.f_code
    if not code.co_name.startswith("value_") or not code.co_filename.startswith("<astgrad "):
        return tb
    found = origin(code.co_filename, tb.tb_lineno)
    if found is None or found[0].startswith("<"):
        return tb
    filename, line = found
    name = code.co_name[len("value_"):]
    try:
        placeholder = _raising_at(filename, line).replace(co_name=name)
        if hasattr(placeholder, "co_qualname"):
            placeholder = placeholder.replace(co_qualname=name)
        exec(placeholder, {"_Placeholder": _Placeholder})
    except _Placeholder as raised:
        return raised.__traceback__.tb_next or tb      # the placeholder's frame, below this one's
    except Exception:      # noqa: BLE001 - a line that cannot be placed: the generated frame stays
        return tb
    return tb


def _raising_at(filename, line):
    """Code raising _Placeholder at ``line`` of ``filename``, placed over that line's text
    (so that a traceback marks no part of it)."""
    import linecache
    return _raising_over(filename, line, linecache.getline(filename, line))


@functools.lru_cache(maxsize=64)
def _raising_over(filename, line, text):
    """``_raising_at`` for the line's ``text``: compiled once for a line an error meets again
    (a program catching the same error in a loop)."""
    import ast
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    tree = ast.Module(body=[ast.Raise(exc=ast.Name(id="_Placeholder", ctx=ast.Load()), cause=None)], type_ignores=[])
    for node in ast.walk(tree):
        node.lineno, node.end_lineno, node.col_offset, node.end_col_offset = line, line, start, max(end, start)
    return compile(tree, filename, "exec")


def _with_users_line(frames):
    """``frames`` with, below each frame of a derivative's generated code, a frame at the
    line of the user's function that code was made from: the traceback names the user's
    line (``return y[5]``) as well as the generated one (``(x * 2.0)[5]``), and reads as
    the user's functions calling each other. A frame already there (the traceback shortened
    by an inner entry point) is not added again."""
    shown = []
    for at, tb in enumerate(frames):
        shown.append(tb)
        code = tb.tb_frame.f_code
        if not code.co_filename.startswith("<astgrad "):
            continue
        found = origin(code.co_filename, tb.tb_lineno)
        if found is None or found[0].startswith("<"):
            continue
        line = _operations_line(tb.tb_frame, *found)
        following = frames[at + 1] if at + 1 < len(frames) else None
        if following is not None and (following.tb_frame.f_code.co_filename, following.tb_lineno) == (found[0], line):
            continue
        users = _users_frame_at(found[0], line)
        if users is not None:
            shown.append(users)
    return shown


def _operations_line(frame, filename, line):
    """The line of the user's ``filename`` that the operation ``frame`` ran was written on:
    ``line`` (that of the generated statement), or an earlier one where the optimizer merged
    the operation into that statement (``h = W @ x`` into ``t = np.tanh(W @ x)``). Python
    3.11's instruction positions tell; without them, ``line``."""
    if not hasattr(frame.f_code, "co_positions"):
        return line
    from .error_origins import operation_line      # (loaded when an error is shown, not with astgrad)
    return operation_line(frame, filename, line)


def _users_frame_at(filename, line):
    """A traceback entry at ``line`` of the user's ``filename``, in the function holding
    that line; None where it cannot be placed."""
    try:
        placeholder = _raising_at(filename, line).replace(co_name=_function_at(filename, line))
        if hasattr(placeholder, "co_qualname"):
            placeholder = placeholder.replace(co_qualname=placeholder.co_name)
        exec(placeholder, {"_Placeholder": _Placeholder})
    except _Placeholder as raised:
        return raised.__traceback__.tb_next
    except Exception:      # noqa: BLE001 - a line that cannot be placed: no frame is added
        return None
    return None


def _function_at(filename, line):
    """The name of the innermost function of ``filename`` whose body holds ``line``."""
    import linecache
    spans = _function_spans("".join(linecache.getlines(filename)))
    return next((name for first, last, name in spans if first <= line <= last), "<module>")


@functools.lru_cache(maxsize=16)
def _function_spans(text):
    """(first line, last line, name) of each function in ``text``, innermost first."""
    import ast
    spans = [(node.lineno, node.end_lineno or node.lineno, getattr(node, "name", "<lambda>"))
             for node in ast.walk(ast.parse(text))
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    return sorted(spans, key=lambda span: span[1] - span[0])


class _Placeholder(Exception):
    """Raised once by a frame made to stand for the user's line (``_as_users_frame``)."""


def _is_runtime_refusal(error):
    """A refusal astgrad's runtime raised in generated code, where only the values tell
    (errors.is_value_refusal) and whose message names no line yet: one marked
    ``astgrad_locate``, or one begun "astgrad" that names none ("astgrad differentiates
    float() ... not of an object of the class V"; not "astgrad: f.py:7: ...", which says
    where already). A refusal located at an inner entry point is not located again."""
    if hasattr(error, "astgrad_locate"):
        return error.astgrad_locate
    return is_value_refusal(error) and re.match(_LOCATED, str(error)) is None


_LOCATED = r"astgrad: .*?:\d+: "      # compiled (and cached by re) when first matched, not at import


def _locate(error, frames):
    """A runtime refusal (``_is_runtime_refusal``) begun with the file and line of the
    user's code that the generated line raising it was made from, as a TransformError
    names them."""
    if len(error.args) != 1:
        return
    for tb in reversed(frames):
        found = origin(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        if found is not None:
            error.args = (f"{found[0]}:{found[1]}: {error.args[0]}",)
            error.astgrad_locate = False        # once, however many entry points it leaves
            return


_GENERATED_PLACE = r"astgrad: (<astgrad [^>]*>):(\d+): "


def _at_users_line(error):
    """A runtime refusal naming a line of generated code (a check in code generated from
    generated code, made before it knew the user's line) named by the user's line that
    code was made from, through any number of generations."""
    placed = re.match(_GENERATED_PLACE, error.args[0]) if len(error.args) == 1 and isinstance(error.args[0], str) \
        else None
    found = placed and origin(placed.group(1), int(placed.group(2)))
    if found:
        error.args = (f"astgrad: {found[0]}:{found[1]}: {error.args[0][placed.end():]}",)


def _is_message(error, frames):
    """An error meant for the user: a refusal, an error from the user's or generated code,
    or an input check's TypeError or ValueError."""
    if isinstance(error, TransformError) or not frames or not _internal(frames[-1]):
        return True
    filename = frames[-1].tb_frame.f_code.co_filename
    if filename == __file__ or frames[-1].tb_frame.f_code in _ENTRY_CODES:
        return True                     # an inner entry point already shortened it
    if isinstance(error, (FloatingPointError, Warning)) and os.path.basename(filename) == _NUMPY_ANSWERS:
        return True
    return isinstance(error, (TypeError, ValueError, RuntimeError)) and os.path.basename(filename) in _INPUT_CHECKS


def _internal(tb):
    code = tb.tb_frame.f_code
    return code.co_filename.startswith(_PACKAGE) or code in _STAND_IN_CODES


def _frames(tb):
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    return frames


def _chain(frames):
    for outer, inner in zip(frames, frames[1:]):
        outer.tb_next = inner
    if frames:
        frames[-1].tb_next = None
        return frames[0]
    return None


# -- generated lines in tracebacks on Python 3.10 to 3.12 ------------------------------

def _through_generated_code(error, seen=None):
    seen = set() if seen is None else seen
    if error is None or id(error) in seen:
        return False
    seen.add(id(error))
    if any(tb.tb_frame.f_code.co_filename.startswith("<astgrad ") for tb in _frames(error.__traceback__)):
        return True
    return _through_generated_code(error.__cause__, seen) or _through_generated_code(error.__context__, seen)


def _make_hook(previous):
    def astgrad_excepthook(kind, error, tb):
        """Print through ``traceback`` (which reads linecache) when generated code is involved."""
        if isinstance(error, BaseException) and _through_generated_code(error):
            import traceback    # (loaded when an error is printed, not with astgrad)
            traceback.print_exception(kind, error, tb)
        else:
            previous(kind, error, tb)
    return astgrad_excepthook


def install_excepthook() -> None:
    """On Python 3.10 to 3.12, with Python's own excepthook in place, print uncaught errors
    that pass through generated code with the lines of that code."""
    if sys.version_info < (3, 13) and sys.excepthook is sys.__excepthook__:
        sys.excepthook = _make_hook(sys.__excepthook__)
