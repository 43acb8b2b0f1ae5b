"""Normalize stage: rewrite a function into astgrad's small core language.

In the core form every statement does one thing to atoms (names or constants):

    x = atom | a OP b | OP a | a CMP b | f(atoms...) | v.attr | v[index]
        | (atoms...) | [atoms...] | {atom: atom}
    v[index] = atom              v.method(atoms...)   (a call for its effect)
    if name: ...                 while name: ...      for i in range(atoms): ...
    for k, item in enumerate(name): ...               return atom

Nested expressions become temporaries; ``and``/``or``, chained comparisons and
``a if c else b`` become ``if`` statements (keeping Python's short-circuit order);
augmented assignment, tuple unpacking, comprehensions and loops over arbitrary
iterables become the forms above; ``break``/``continue`` become branches. Later stages
only ever see the core form. Each emitted statement keeps the line number of the
user statement it came from. Anything outside the supported language raises a
TransformError naming file, line and construct.

``Normalizer`` (normalizer.py) runs the stage and dispatches each node to the method
for its type; the methods live in one module per kind of construct (statements,
loops, jumps, expressions, calls), and its docstring says where a new one goes.
``match`` statements are lowered to ``if`` before all this, in ../patterns.py.
"""

from ...core.first_use import imported_when_called
from .jumps import append_rest, has_break, restructure
from .normalizer import Normalizer

ast_literal = imported_when_called(__package__ + ".nested", "ast_literal")   # loaded with its first use

__all__ = ["Normalizer", "append_rest", "ast_literal", "has_break", "restructure"]
