"""What the normalizer refuses, and how it advises: the statements and expressions
outside astgrad's language (refused wherever they appear), the advice that goes with
each, and the stand-in node that gives an error a line number when its node has none."""

import builtins

import gast


_REFUSED = {
    gast.AsyncFunctionDef: "async def",
    gast.ClassDef: "a class definition",
    gast.AsyncWith: "async with",
    gast.AsyncFor: "async for",
}


_REFUSED_EXPR = {
    gast.Yield: "yield (a generator)",
    gast.YieldFrom: "yield from (a generator)",
    gast.Await: "await",
}


# builtins that run code astgrad never sees, or read the local variables by name
_REFUSED_CALLS = {
    builtins.eval: "eval (code in a string)",
    builtins.exec: "exec (code in a string)",
    builtins.locals: "locals() (the local variables as a dict)",
    builtins.globals: "globals() (the module's variables as a dict)",
}


def refused_call(callee, node):
    """The construct a call of ``callee`` is refused as, or None. ``vars()`` without an
    argument is ``locals()``."""
    kind = next((kind for refused, kind in _REFUSED_CALLS.items() if callee is refused), None)
    if callee is builtins.vars and not node.args and not node.keywords:
        kind = _REFUSED_CALLS[builtins.locals]
    return kind


_ADVICE = {
    "eval (code in a string)": "write the expression out in the function",
    "exec (code in a string)": "write the statements out in the function",
    "locals() (the local variables as a dict)": "build the dict you need from the names themselves",
    "globals() (the module's variables as a dict)": "read a global by its name, and rebind it with a "
                                                    "global statement (global K; K = v)",
    "a nonlocal statement": "pass the value in as an argument and return the new value",
    "yield (a generator)": "build a list instead (ys.append(v) where it would yield v), return it, "
                           "and loop over that list",
    "yield from (a generator)": "build a list instead (ys.extend(...) where it would yield from), "
                                "return it, and loop over that list",
    "augmented assignment to an attribute": (
        "astgrad follows it on an object the function builds and binds once to a name (p = Box(...); "
        "p.total += v), or on an item of a list, tuple or dict display of such objects read at a constant position "
        "or key, or at an index known when the code runs (boxes[i].total += v, boxes[int(c)].total += v), or bound "
        "once to a name after the display (b = boxes[i]; b.total += v). Elsewhere (an argument, a global, "
        "a list also handed on) it changes an object other names hold too: keep the value in a local "
        "variable (total = b.total + v) and return it, or build a new object from it"),
}


class _Line:
    def __init__(self, lineno):
        self.lineno = lineno
