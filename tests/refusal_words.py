"""The check the hunts' tables make of a refusal: that it is in words naming the user's line
and construct, never a name astgrad made up (used by tests/test_hunt86.py, test_hunt87.py)."""

import inspect
import os
import re

import pytest

import astgrad

# names astgrad makes up in generated code, which a refusal's first line must not show
GENERATED = re.compile(r"\b(t_\d+|d_\w+|\w*_saved\w*|\w+_own|\w+_kept|cond)\b")


def refused_in_words(f, run):
    """``run()`` refuses, in words naming a line of the programs' file inside ``f`` or a
    helper or class of the module it runs, with no name astgrad made up: a TransformError
    when the code is made, or the check's TypeError or ValueError ("astgrad: file:line:
    ...") when it runs."""
    with pytest.raises((astgrad.TransformError, TypeError, ValueError)) as caught:
        run()
    message = str(caught.value)
    file = inspect.getsourcefile(f)
    if not isinstance(caught.value, astgrad.TransformError):
        assert "astgrad" in message[:160] or message.startswith("vjp pullback:"), message
    place = re.search(re.escape(os.path.basename(file)) + r":(\d+)", message)
    assert place, message
    line = int(place.group(1))
    first, length = inspect.getsourcelines(f)[1], len(inspect.getsourcelines(f)[0])
    source = open(file).read().splitlines()
    assert first <= line < first + length or source[line - 1].startswith((" ", "\t")), message
    if isinstance(caught.value, astgrad.TransformError) and caught.value.line is not None:
        assert caught.value.line.strip() == source[line - 1].strip()
    assert not GENERATED.search(message.split("\n")[0]), message
