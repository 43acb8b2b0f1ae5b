"""What the pipeline is asked for and what it hands back: the words of a derivative's
key, and ``Generated`` (the code made from one function) and ``Derived`` (a callee's
derivative that code depends on).

Kept apart from ``pipeline.py`` so that what only reads generated code (the in-memory
and disk caches serving code made before) does not load the generation engine: the
pipeline's stages are imported when a derivative is first generated.
"""

import typing

TANGENT_ONLY = "tangent only"   # in a forward key: the code returns the tangent alone
VALUE_ONLY = "value only"       # in a forward key with no wrt: the code returns the value alone

# The third item of a reverse key: what the code returns. True: the value and the
# gradients (grad's call checks the value); False: the gradients, for the seeds given (a
# pullback, a callee's adjoint); CHECKED: the gradients, after a check that the output is
# a real number, as calling grad does (what a transform of a gradient differentiates,
# and a gradient called inside differentiated code runs); CHECKED_WITH_VALUE: the value
# and the gradients, after that check (a transform of value_and_grad); PROVEN: the
# gradients, made only once the output is proven a real number for the argument kinds
# in the key (specialize.GradientOnly), so code stored under it was proven.
CHECKED = "checked"
CHECKED_WITH_VALUE = "checked with value"
PROVEN = "proven"


def returns_value(key):
    """Whether the code of the reverse ``key`` returns the function's value too."""
    return key[2] is True or key[2] == CHECKED_WITH_VALUE


def checks_output(key):
    """Whether the code of the reverse ``key`` checks that the output is a real number."""
    return key[2] == CHECKED or key[2] == CHECKED_WITH_VALUE


class Generated:
    """Code generated from one function's code: shared by every function object with the
    same code and globals whose names mean the same (a re-run notebook cell, a reload,
    closures made by one factory), each getting its own closure cells and defaults.

    It keeps no syntax tree: trees with their annotations are many times the size of the
    code, and a derivative of this code is generated again from ``text``. It does not
    change: ``replace`` gives a copy with other values. (A plain class, not a frozen
    dataclass, which took a twentieth of ``import astgrad`` to make.)"""

    __slots__ = (
        "code",             # the code object compiled
        "arguments",        # the ast.arguments of the def compiled (its defaults' literals)
        "name",             # the def's name
        "text",             # the source: a transform of the code parses it again
        "cells",            # name astgrad introduced -> cell holding its object
        "dependencies",     # (name path, objects) for the function's own names
        "version",          # the rule table's version when its generation began
        "seconds",
        "callee_guards",    # the callees' guards, bound to their scopes (set by the cache)
        "function_guards",  # the user functions it depends on keep their code (set by the cache)
        "rules",            # the entries of the rule table it was made from (a RulesRead, set by
                            # the cache; None: not known, it holds for ``version``)
        "derived",          # its callees' derivatives (Derived), or None when one came from
                            # elsewhere (a gradient object): what the disk cache describes
        "origins",          # line of text -> (file, line) it was generated from (generated_text.origin)
        "placeholders",     # the lines of text that are placeholders (generated_text.register_placeholders)
        "pinned",           # the user's globals among ``cells``: held as the objects the guards check
        "held_closure",     # the function's closure variables it calls, held as the objects the
                            # guards check (pipeline.held_closure_names), not the function's own cells
    )

    def __init__(self, code, arguments, name, text, cells, dependencies, version, seconds,
                 callee_guards=(), function_guards=(), rules=None, derived=(), origins=None,
                 placeholders=(), pinned=(), held_closure=()):
        given = locals()
        for field in self.__slots__:
            object.__setattr__(self, field, given[field])

    def replace(self, **changes):
        """A copy with the fields ``changes`` names holding other values."""
        values = {field: getattr(self, field) for field in self.__slots__}
        values.update(changes)
        return Generated(**values)

    def __reduce__(self):       # copy.copy and deepcopy, as for the frozen dataclass it was
        return Generated, tuple(getattr(self, field) for field in self.__slots__)

    def __setattr__(self, name, value):
        raise AttributeError(f"Generated code does not change: replace(..., {name}=...) makes a copy")

    def __delattr__(self, name):
        raise AttributeError(f"Generated code does not change: {name} stays")

    def __repr__(self):
        return f"<Generated {self.name}: {len(self.text.splitlines())} lines>"


class Derived(typing.NamedTuple):
    """A callee's derivative that generated code depends on: the function asked for
    (a user function, or another callee's derivative), how, and the Entry obtained."""
    function: object
    mode: str                   # "reverse", "forward" or "gradient" (Callees.derive)
    wrt: tuple
    zero_safe: bool
    entry: object
    origin: object              # the function its code was generated from (its scope)
