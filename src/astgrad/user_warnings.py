"""``warnings.warn`` called in a function astgrad differentiates: shown where calling
the function shows it. The derivative runs generated code, whose lines are not the
user's, so the normalizer has the call made through ``warn`` below: the warning goes to
the user's file and line (``stacklevel=1``), or to the frames above it as Python counts
them (``stacklevel=2``: the line calling the function, its derivative's caller where the
function is the one differentiated), matched with the filters and the once-per-place
registry of the user's module, as Python matches them.
"""

import functools
import os
import sys
import types
import warnings

from .core.generated_text import origin
from .tracebacks import stands_in_for_users_line

_ASTGRAD_DIRECTORY = os.path.dirname(os.path.abspath(__file__))


def warn(message, category=None, stacklevel=1, source=None, *, skip_file_prefixes=()):
    """``warnings.warn``, as the line of the user's code that generated code repeats calls it."""
    if isinstance(message, Warning):
        category = message.__class__
    category = UserWarning if category is None else category
    if not (isinstance(category, type) and issubclass(category, Warning)):
        raise TypeError(f"category must be a Warning subclass, not '{type(category).__name__}'")
    skipping = {"skip_file_prefixes": tuple(skip_file_prefixes)} if skip_file_prefixes else {}
    if skipping and sys.version_info < (3, 12):
        raise TypeError("'skip_file_prefixes' is an invalid keyword argument for warn()")    # as Python's
    frame = sys._getframe(1)
    if origin(frame.f_code.co_filename, frame.f_lineno) is None:    # not generated text (an exported module)
        warnings.warn(message, category, stacklevel + 1, source, **skipping)
        return
    filename, line, frame_globals = _place(frame, max(stacklevel, 2 if skip_file_prefixes else 1),
                                           tuple(skip_file_prefixes))
    module_globals = module_globals_of(filename, frame_globals)
    warnings.warn_explicit(message, category, filename, line, module=module_globals.get("__name__"),
                           registry=module_globals.setdefault("__warningregistry__", {}),
                           module_globals=module_globals, source=source)


def _place(frame, stacklevel, skipped):
    """(file, line, globals) of the frame ``stacklevel`` levels up from the generated
    code's ``frame`` (1: its own line, the user's), counting the user's frames and
    generated code's, not astgrad's own nor those under ``skipped`` (Python's
    skip_file_prefixes)."""
    for _ in range(stacklevel - 1):
        frame = frame.f_back
        while frame is not None and (_astgrad_own(frame) or frame.f_code.co_filename.startswith(skipped or ("\0",))):
            frame = frame.f_back
        if frame is None:
            return "<sys>", 1, sys.__dict__             # as Python's, past the outermost frame
    filename, line = origin(frame.f_code.co_filename, frame.f_lineno) or (frame.f_code.co_filename, frame.f_lineno)
    return filename, line, frame.f_globals


def call_from_users_line(fn, args, kwargs):
    """``fn(*args, **kwargs)`` run by astgrad itself (hessian's plain run of ``f``), as if
    the user's line that called astgrad called it: the frame calling ``fn`` has that
    line's file, line number and module globals, so a ``warnings.warn(..., stacklevel=2)``
    in ``fn`` is shown at that line and counted in its module's registry, as a plain call
    of ``fn`` there shows it."""
    frame = sys._getframe(1)
    while frame is not None and _astgrad_own(frame):
        frame = frame.f_back
    if frame is None:
        return fn(*args, **kwargs)
    filename, line = origin(frame.f_code.co_filename, frame.f_lineno) or (frame.f_code.co_filename, frame.f_lineno)
    calling = types.FunctionType(_calling_code(filename, line, frame.f_code.co_name),
                                 module_globals_of(filename, frame.f_globals))
    return calling(fn, args, kwargs)


@functools.lru_cache(maxsize=64)
def _calling_code(filename, line, name):
    """The code of ``lambda fn, args, kwargs: fn(*args, **kwargs)`` placed at ``filename:line``
    in a function named ``name`` (a traceback through it shows the user's line)."""
    code = compile("lambda fn, args, kwargs: fn(*args, **kwargs)", filename, "eval").co_consts[0]
    return stands_in_for_users_line(code.replace(co_firstlineno=max(line or 1, 1), co_name=name))


def _astgrad_own(frame):
    filename = frame.f_code.co_filename
    return filename.startswith(_ASTGRAD_DIRECTORY) and origin(filename, frame.f_lineno) is None


def module_globals_of(filename, frame_globals):
    """The globals of the module ``filename`` is: those generated code runs with, unless
    they are a copy of that module's (then the module's own, where its registry lives)."""
    module = sys.modules.get(frame_globals.get("__name__"))
    found = getattr(module, "__dict__", None)
    if found is not None and found is not frame_globals and getattr(module, "__file__", None) == filename:
        return found
    return frame_globals
