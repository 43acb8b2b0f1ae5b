"""The table each file of test programs fills (hunt*_programs.py, acceptance_programs*.py,
outsider_programs.py): ``CASES, case = case_table()``, then ``@case("k01 what it checks",
args)`` on each program appends ``(name, f, args, wrt)`` to ``CASES``."""

_REQUIRED = object()


def case_table(default_args=_REQUIRED):
    """A new list of cases and the decorator that appends to it; ``default_args`` are
    the arguments of a program that names none (required where not given)."""
    cases = []

    def case(name, args=default_args, wrt=(0, 1)):
        if args is _REQUIRED:
            raise TypeError(f"case {name!r}: give the program's arguments")

        def deco(f):
            cases.append((name, f, args, wrt))
            return f
        return deco
    return cases, case


def refusal_table(default_args):
    """A new list of the programs astgrad refuses and the decorator that appends ``(name,
    f, args, says)`` to it: ``@refused("k01 what it checks", says)``, ``says`` a pattern
    of the refusal's message."""
    programs = []

    def refused(name, says, args=default_args):
        def deco(f):
            programs.append((name, f, args, says))
            return f
        return deco
    return programs, refused
