"""Text of generated code in ``linecache``, for as long as code compiled from it lives.

Tracebacks, ``inspect.getsource``, pdb and astgrad itself (a derivative of generated code
parses that code's text again) read generated code through ``linecache`` under a
synthetic file name. Each entry is dropped when the last code object compiled from it is
freed, so a process that differentiates many functions keeps only the text of the code
it still holds. With the text, the line each of its lines was generated from is kept
(``register_origins``), so a refusal in code generated from generated code (a second
derivative) names the user's line (``origin``). The synthetic file names are made here
too (``new_filename``), and the def's arguments read back from a text (``def_arguments``),
which is all code loaded from the disk cache needs of the emit stage.
"""

import ast
import itertools
import linecache
import weakref

_compiled_here = {}     # file name -> weak reference to the code compiled from its text
_origins = {}           # file name -> {line of its text: (file name, line) the line was generated from}
_placeholders = {}      # file name -> the lines of its text that are placeholders (see register_placeholders)
_counter = itertools.count(1)


def new_filename(label):
    """A synthetic file name no other generated code has."""
    return f"<astgrad {label} #{next(_counter)}>"


def def_arguments(source):
    """The ``ast.arguments`` of the def ``source`` starts with (read from its first line only)."""
    return ast.parse(source.split(":\n", 1)[0] + ":\n    pass\n").body[0].args


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


def is_derivative(code):
    """Whether ``code`` is a derivative astgrad generated and compiled in this process:
    made from the normalized code of the function it differentiates and from the rules'
    templates (the text a transform of a derivative reads)."""
    return code.co_filename in _origins and is_compiled_here(code)


def text_lines(code):
    """The lines of the text ``code`` was compiled from, where astgrad compiled it here
    (see ``is_compiled_here``); else None."""
    if not is_compiled_here(code):
        return None
    entry = linecache.cache.get(code.co_filename)
    return entry[2] if entry is not None else None


def keep_while(code, filename):
    """Drop ``filename``'s entry once ``code`` (a code object compiled from it) is freed."""
    weakref.finalize(code, _forget, filename).atexit = False


def _forget(filename):
    linecache.cache.pop(filename, None)
    _compiled_here.pop(filename, None)
    _origins.pop(filename, None)
    _placeholders.pop(filename, None)


def register_placeholders(filename, lines):
    """Record which lines of the generated text under ``filename`` are placeholders
    (``t = 0.0`` for a name saved before a loop first assigns it: a value only moved,
    pushed and popped back, never read), so a derivative of that text knows them too."""
    if lines:
        _placeholders[filename] = frozenset(lines)


def placeholder_lines(code):
    """The lines of the generated text ``code`` was compiled from that are placeholders
    (see ``register_placeholders``); empty for any other code."""
    return _placeholders.get(code.co_filename, frozenset())


def register_origins(filename, origins):
    """Record, for lines of the generated text under ``filename``, the line (file name,
    line number) each was generated from: the user's, or another generated text's."""
    _origins[filename] = origins


def user_places(filename):
    """The user's lines (file name, line number) each line of the generated text under
    ``filename`` was generated from, through any number of generations, in the order of
    its lines; empty for any other file."""
    return [origin(filename, line) for line in sorted(_origins.get(filename, ()))]


def origin(filename, line):
    """The line of the user's code that line ``line`` of ``filename`` was generated from,
    through any number of generations: (file name, line number), or None where
    ``filename`` is not generated text or the line is not known."""
    found = None
    while filename in _origins and line in _origins[filename]:
        found = filename, line = _origins[filename][line]
    return found
