"""Names as the user's code has them: the parameters of a function's tree, and whether
the user's line of a statement names a name (not one astgrad made), which the
refusals ask before they name it.
"""

import re


def parameters(tree):
    """The names of the parameters of the function ``tree`` (none for None)."""
    arguments = getattr(tree, "args", None)
    return {a.id for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs} if arguments else set()


def _names_in_line(source, stmt, name):
    """Whether the user's line of ``stmt`` names ``name`` (not a name astgrad made)."""
    text = source.line_text(stmt)
    return text is not None and re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None
