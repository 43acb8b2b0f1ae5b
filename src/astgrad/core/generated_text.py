"""Text of generated code in ``linecache``, for as long as code compiled from it lives.

Tracebacks, ``inspect.getsource``, pdb and astgrad itself (a derivative of generated code
parses that code's text again) read generated code through ``linecache`` under a
synthetic file name. Each entry is dropped when the last code object compiled from it is
freed, so a process that differentiates many functions keeps only the text of the code
it still holds.
"""

import linecache
import weakref

_compiled_here = {}     # file name -> weak reference to the code compiled from its text


def register(filename, text):
    """Put ``text`` in ``linecache`` under ``filename`` (a name no file has)."""
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)


def compiled_here(code, filename):
    """Record that ``code`` is what astgrad compiled from ``filename``'s text in this
    process, so a transform of it may read that text without checking it against the code."""
    _compiled_here[filename] = weakref.ref(code)


def is_compiled_here(code):
    """Whether ``code`` is the very code object astgrad compiled from the text under its file name."""
    ref = _compiled_here.get(code.co_filename)
    return ref is not None and ref() is code


def keep_while(code, filename):
    """Drop ``filename``'s entry once ``code`` (a code object compiled from it) is freed."""
    weakref.finalize(code, _forget, filename).atexit = False


def _forget(filename):
    linecache.cache.pop(filename, None)
    _compiled_here.pop(filename, None)
