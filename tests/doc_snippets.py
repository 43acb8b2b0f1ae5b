"""Find the Python blocks of a Markdown page, run them, and check what they show.

The conventions (documented for writers in docs/contributing.md):

- Every fenced block whose language is ``python`` runs. The blocks of one page run in
  order in one module namespace, like the cells of a notebook; each block is written to
  its own file ``example.py`` (so astgrad can read its source and line numbers count
  from the block's first line).
- A block whose first line is ``# excerpt of src/astgrad/...py`` quotes astgrad's
  source instead: each of its top-level statements must be one of that file's.
- A fenced block whose info string has ``title="output"`` is the expected standard
  output of the nearest Python block above it (in the same section).
- A top-level expression statement with a trailing comment, ``f(2.0)  # 12.0``, or
  with comment lines right below it, must have that repr (or, for an expression that
  prints and returns None, print that).
- A statement followed by a comment naming an exception, ``# ValueError: message``
  (trailing, or on the next lines), must raise it with that message.
- In expected text, ``...`` stands for any text (a line of only ``...`` for any lines);
  numbers match to a relative 1e-6, and runs of spaces count as one.
"""

import ast
import contextlib
import io
import math
import re
import sys
import tokenize
import types
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`]*)$")
ERROR = re.compile(r"^(\w+(?:Error|Exception|Warning))\b(?::\s*(.*))?", re.S)
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
EXCERPT = re.compile(r"^# excerpt of (\S+\.py)\s*$")
ROOT = Path(__file__).resolve().parent.parent
SCALAR_REPR = re.compile(r"np\.(?:float|int|uint|bool_?|complex)\d*\(([^()]*)\)")


@dataclass
class Block:
    """One fenced Python block: its code, where it starts, and its expected output."""
    page: Path
    line: int                      # line of the page where the code starts
    code: str
    output: "str | None" = None
    output_line: int = 0
    statements: list = field(default_factory=list)

    def where(self, offset=1):
        return f"{self.page.name}:{self.line + offset - 1}"


def _fences(lines):
    """Yield (start, info, body lines, end) for each fenced block, body dedented."""
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, marker, info = match.groups()
        j = i + 1
        while j < len(lines) and lines[j].strip() != marker:
            j += 1
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                for line in lines[i + 1:j]]
        yield i, info.strip(), body, j
        i = j + 1


def page_blocks(page):
    """The Python blocks of a Markdown page, each with its expected output if shown."""
    lines = Path(page).read_text(encoding="utf-8").splitlines()
    blocks, last, previous_end = [], None, 0
    for start, info, body, end in _fences(lines):
        if any(line.startswith("#") for line in lines[previous_end:start]):
            last = None                      # a new section: outputs don't reach back
        language = info.split()[0] if info else ""
        if 'title="output"' in info:
            assert last is not None and last.output is None, \
                f"{page}:{start + 1}: an output block with no Python block above it"
            last.output, last.output_line = "\n".join(body), start + 1
        elif language in ("python", "py"):
            last = Block(Path(page), start + 2, "\n".join(body) + "\n")
            blocks.append(last)
        previous_end = end + 1
    return blocks


def normalize(text, tmp_prefixes=()):
    """Text as compared: scalar reprs unwrapped, paths shortened, trailing space cut."""
    for prefix in tmp_prefixes:
        text = text.replace(prefix, "")
    text = SCALAR_REPR.sub(r"\1", text)
    lines = text.strip("\n").splitlines()
    return [line[:len(line) - len(line.lstrip())] + re.sub(r"[ \t]+", " ", line.strip()) for line in lines]


def _same_line(expected, actual):
    if "..." in expected:
        pattern = ".*".join(re.escape(part) for part in expected.split("..."))
        return re.fullmatch(pattern, actual, re.S) is not None
    expected_numbers, actual_numbers = NUMBER.findall(expected), NUMBER.findall(actual)
    if NUMBER.sub("#", expected) != NUMBER.sub("#", actual):
        return False
    if len(expected_numbers) != len(actual_numbers):
        return False
    return all(math.isclose(float(e), float(a), rel_tol=1e-6, abs_tol=1e-12)
               for e, a in zip(expected_numbers, actual_numbers))


def matches(expected, actual):
    """Whether the actual lines match the expected ones (``...`` lines match any lines)."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and _same_line(expected[0], actual[0]) and matches(expected[1:], actual[1:])


def _comments(code):
    """Map line number -> (comment text without '#', whether the line has only a comment)."""
    found = {}
    lines = code.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            row = token.start[0]
            alone = not lines[row - 1][:token.start[1]].strip()
            found[row] = (token.string[1:].strip(), alone)
    return found


def _expectation(statement, comments, next_start):
    """('error', name, message) / ('value', text) / None for one top-level statement."""
    end = statement.end_lineno
    trailing = comments.get(end)
    texts = [trailing[0]] if trailing and not trailing[1] else []
    follow = []
    row = end + 1
    while row < next_start and row in comments and comments[row][1]:
        follow.append(comments[row][0])
        row += 1
    if texts and ERROR.match(texts[0]) or not texts and follow and ERROR.match(follow[0]):
        name, message = ERROR.match(" ".join(texts + follow)).groups()
        return ("error", name, message)
    if (texts or follow) and isinstance(statement, ast.Expr):
        return ("value", " ".join(texts + follow))
    return None


class SnippetFailure(AssertionError):
    pass


def check_excerpt(block, source):
    """Each top-level statement of the block is one of the source file's (formatting aside)."""
    if not source.is_file():
        raise SnippetFailure(f"{block.where()}: {source} does not exist")
    known = {ast.dump(statement) for statement in ast.parse(source.read_text(encoding="utf-8")).body}
    for statement in ast.parse(block.code).body:
        if ast.dump(statement) not in known:
            raise SnippetFailure(f"{block.where(statement.lineno)}: this statement is not in {source.name}")


class PageRunner:
    """Runs a page's blocks in order in one fresh module."""

    def __init__(self, page, tmp_path):
        self.page, self.tmp_path = Path(page), Path(tmp_path)
        name = "doc_" + re.sub(r"\W", "_", self.page.stem)
        self.module = types.ModuleType(name)
        self.prefixes = []

    def run(self, blocks):
        sys.modules[self.module.__name__] = self.module
        try:
            for number, block in enumerate(blocks):
                self.run_block(block, number)
        finally:
            sys.modules.pop(self.module.__name__, None)

    def run_block(self, block, number):
        excerpt = EXCERPT.match(block.code.splitlines()[0])
        if excerpt:
            check_excerpt(block, ROOT / excerpt.group(1))
            return
        folder = self.tmp_path / f"{self.page.stem}_{number}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "example.py"
        path.write_text(block.code, encoding="utf-8")
        self.prefixes.append(str(folder) + "/")
        self.module.__file__ = str(path)
        tree = ast.parse(block.code, str(path))
        comments = _comments(block.code)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            for k, statement in enumerate(tree.body):
                next_start = tree.body[k + 1].lineno if k + 1 < len(tree.body) else 10 ** 9
                self.run_statement(block, statement, path, _expectation(statement, comments, next_start), out)
        if block.output is not None:
            self.check_text(block.output, out.getvalue(), f"{block.page.name}:{block.output_line}")

    def run_statement(self, block, statement, path, expectation, out):
        where = block.where(statement.lineno)
        try:
            if expectation and expectation[0] == "value":
                before = len(out.getvalue())
                value = eval(compile(ast.Expression(statement.value), str(path), "eval"), self.module.__dict__)
                shown = out.getvalue()[before:] if value is None else repr(value)
                self.check_text(expectation[1], " ".join(shown.split()), where, joined=True)
                return
            exec(compile(ast.Module([statement], []), str(path), "exec"), self.module.__dict__)
        except SnippetFailure:
            raise
        except BaseException as error:  # noqa: B902 - any exception is checked or reported
            if expectation and expectation[0] == "error":
                self.check_error(expectation, error, where)
                return
            raise SnippetFailure(f"{where}: raised {type(error).__name__}: {error}") from error
        if expectation and expectation[0] == "error":
            raise SnippetFailure(f"{where}: expected {expectation[1]}, but nothing was raised")

    def check_error(self, expectation, error, where):
        _, name, message = expectation
        names = [cls.__name__ for cls in type(error).__mro__]
        if name not in names:
            raise SnippetFailure(f"{where}: expected {name}, got {type(error).__name__}: {error}") from error
        if message is not None:
            self.check_text(message, " ".join(str(error).split()), where, joined=True)

    def check_text(self, expected, actual, where, joined=False):
        if joined:
            expected = " ".join(expected.split())
        want, got = normalize(expected), normalize(actual, self.prefixes)
        if not matches(want, got):
            raise SnippetFailure(f"{where}: expected\n" + "\n".join(want) + "\n--- got ---\n" + "\n".join(got))
