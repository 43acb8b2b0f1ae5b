"""Syntax highlighting of generated code for ``python -m astgrad show``.

Colours only when the output is a terminal (not a pipe or a file), ``NO_COLOR`` is
not set, the terminal is not ``dumb``, and Pygments is installed (it is optional).
Otherwise the text is returned unchanged.
"""

import os
import sys


def wants_colour(stream):
    """Whether text written to ``stream`` should be coloured."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:          # a closed stream
        return False


def highlighted(source, stream=None):
    """``source`` with terminal colour codes if ``stream`` (default stdout) wants them."""
    if not wants_colour(sys.stdout if stream is None else stream):
        return source
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return source
    return highlight(source, PythonLexer(), TerminalFormatter()).rstrip("\n")
