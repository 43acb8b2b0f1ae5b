"""The lambdas of a source file, found from one parse of the file per content.

A lambda whose statement does not parse alone (an entry of a dict or a list spanning
lines, an argument of a call) is found in its whole file. The file is parsed once for
each text it has (an edited file, read anew by ``linecache``, is parsed again), and only
its lambdas are kept, by the line each begins on: the rest of the tree is dropped.
The nodes kept are never changed; the caller copies the one it changes.
"""

import ast
import itertools
import linecache

from ..core import syntax as S

_KEPT_FILES = 16        # the files whose lambdas are kept, the most recently parsed
_files = {}             # file name -> _FileLambdas


class _FileLambdas:
    __slots__ = ("lines", "by_line")

    def __init__(self, lines, by_line):
        self.lines = lines          # the file's lines, as linecache read them
        self.by_line = by_line      # line -> the lambdas beginning on it, in walk order


def lambdas(filename, line):
    """(the file's lines, its lambdas: those beginning on ``line`` first, then the rest,
    each in walk order). Raises SyntaxError where the file does not parse."""
    lines = linecache.getlines(filename)
    found = _files.get(filename)
    if found is None or found.lines != lines:
        found = _parse(lines)
        _files.pop(filename, None)
        _files[filename] = found
        while len(_files) > _KEPT_FILES:
            del _files[next(iter(_files))]
    first = found.by_line.get(line, [])
    rest = (node for at, nodes in found.by_line.items() if at != line for node in nodes)
    return found.lines, itertools.chain(first, rest)


def _parse(lines):
    by_line = {}
    for node in S.walk_nodes(ast.parse("".join(lines))):
        if isinstance(node, ast.Lambda):
            by_line.setdefault(node.lineno, []).append(node)
    return _FileLambdas(list(lines), by_line)
