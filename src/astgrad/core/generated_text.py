"""Text of generated code in ``linecache``, for as long as code compiled from it lives.

Tracebacks, ``inspect.getsource``, pdb and astgrad itself (a derivative of generated code
parses that code's text again) read generated code through ``linecache`` under a
synthetic file name. Each entry is dropped when the last code object compiled from it is
freed, so a process that differentiates many functions keeps only the text of the code
it still holds.
"""

import linecache
import weakref


def register(filename, text):
    """Put ``text`` in ``linecache`` under ``filename`` (a name no file has)."""
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)


def keep_while(code, filename):
    """Drop ``filename``'s entry once ``code`` (a code object compiled from it) is freed."""
    weakref.finalize(code, _forget, filename).atexit = False


def _forget(filename):
    linecache.cache.pop(filename, None)
