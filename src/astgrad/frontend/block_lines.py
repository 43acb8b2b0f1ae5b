"""The lines of a def in its file, found by indentation: ``inspect.getblock`` without
tokenizing the function (tokenizing took a quarter of parsing a long function).

The def's block ends at the first line after its header that is neither blank, nor a
comment, nor indented deeper than the def; trailing blank and comment lines are not
part of it (as ``inspect`` gives it). Where a line inside the def begins less indented
(a bracket, a string or a backslash continuation spanning lines), the lines found end
inside that construct and do not parse: the caller then takes ``inspect``'s block.
Lines indented with tabs or form feeds, lambdas, and headers this does not follow are
left to ``inspect`` from the start (None).
"""

import inspect


def getsourcelines(code, text=None):
    """(lines, first line number) of ``code`` (a def's code object) as
    ``inspect.getsourcelines`` gives them, or None where that is left to it. ``text``:
    the lines of ``code``'s file where the caller has them (``inspect`` looks for the
    file, and its module among every module loaded, which takes longer than the rest)."""
    if code.co_name == "<lambda>":
        return None
    if text is None:
        lines, start = inspect.findsource(code)
    else:
        lines, start = text, code.co_firstlineno - 1    # (inspect's start for a code object)
        if start >= len(lines):         # lines not of this code (exec'd text, a file changed since)
            return None
    block = _block(lines, start)
    return None if block is None else (block, start + 1)


def _block(lines, start):
    head = lines[start]
    indent = _indentation(head)
    if indent is None:
        return None
    at = start
    while lines[at].lstrip().startswith("@"):      # one decorator a line
        at += 1
        if at == len(lines) or _indentation(lines[at]) != indent:
            return None
    if not lines[at].lstrip().startswith(("def ", "async def ")):
        return None
    end = at + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            depth = _indentation(line)
            if depth is None:
                return None
            if depth <= indent:
                break
        end += 1
    while end > at + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return lines[start:end]


def _indentation(line):
    """The number of spaces ``line`` begins with; None where a tab or a form feed is
    among its leading whitespace (the tokenizer's columns differ from characters)."""
    stripped = line.lstrip(" ")
    if stripped[:1] in ("\t", "\f"):
        return None
    return len(line) - len(stripped)
