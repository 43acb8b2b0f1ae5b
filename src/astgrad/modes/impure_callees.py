"""Helpers called as such (not inlined) whose result changes from one run to the next.

The gradient of ``y = helper(x)`` runs helper's forward code again in the reverse sweep,
which would see other numbers (other draws, another time read): reverse mode refuses such
a call. Forward mode runs it once; where the numbers come from a clock it refuses the call
too, with the same advice, so that the two modes agree on what they follow.
"""

import gast

from ..analysis import seeds
from ..core.functions import underlying


def impure_call(mode, stmt, op):
    """The ImpureCall in the helper ``op`` calls (``stmt``), given the seeds the call
    writes in the code (``noise(x, 0)``: a generator the helper makes from its parameter
    ``seed`` draws the same numbers each run); else None."""
    from ..analysis.purity import guarded_impure_call, seed_guards     # (loaded by the first helper call)
    found, guards = guarded_impure_call(op.key, mode.callees.read)
    if found is not None and isinstance(stmt.value, gast.Call):
        bound = seeds.bindings(mode.fn)
        fixed = seeds.fixed_parameters(stmt.value, underlying(op.key), seeds.int_names(mode.fn, mode.source, bound))
        if fixed:
            found, guards = guarded_impure_call(op.key, mode.callees.read, fixed)
    if found is None:       # the code made holds while each seed constant the helper reads is that int
        mode.callees.hold(seed_guards(guards))
    return found


def refuse_clock_callee(mode, stmt, op):
    """Forward mode's refusal of a helper whose result reads the clock, as reverse mode's."""
    found = impure_call(mode, stmt, op)
    if found is not None and found.what.startswith("time."):
        refuse_impure_callee(mode, stmt, op, " (jvp refuses it too, so that the modes agree)")


def refuse_impure_callee(mode, stmt, op, forward=""):
    """The gradient of ``y = helper(x)`` runs helper's forward code again: refuse a helper
    (or a function it calls) whose result changes from one run to the next (``forward``:
    what forward mode, refusing it too, adds)."""
    found = impure_call(mode, stmt, op)
    if found is None:
        return
    helper = underlying(op.key).__qualname__
    through = f" (through {' -> '.join(found.chain)})" if len(found.chain) > 1 else ""
    raise mode.source.error(
        f"the helper {helper} calls {found.what}{through}, at {found.where()}, whose result "
        f"changes from call to call; astgrad's derivative of a call to {helper} runs {helper} "
        f"again, so it would see different numbers{forward}. {_advice(found, helper)}", stmt,
        construct=f"call to {helper}")


def refuse_iterator_callee(mode, stmt, op):
    """The gradient of ``y = helper(x)`` runs helper's code again: refuse a helper reading
    an iterator from a global or a closure cell (``next(COUNTER)``, itself or through what
    it reaches), which would advance it a second time, its position not put back. This
    is how a derivative taken inside the code (``astgrad.jvp(g, ...)`` in ``f``) reading
    one is refused in reverse mode; forward mode runs it once, and follows it."""
    found = mode.callees.first_iterator(underlying(op.key))
    if found is None:
        return
    function, name, value, line = found
    helper = underlying(op.key).__qualname__
    raise mode.source.error(
        f"the call of {helper} (a derivative taken inside differentiated code, or a helper called as such) "
        f"runs again in the derivative of the code around it, while {function.__qualname__} reads the iterator "
        f"{name} ({type(value).__name__}, {function.__code__.co_filename}:{line}), whose position astgrad cannot "
        "put back: the second run would advance it again. Take the derivative outside and pass it in, or take "
        "the next item outside and pass it in, or differentiate the code around it with jvp, which runs it once",
        stmt, construct=f"call to {helper}")


def _advice(found, helper):
    if found.what.startswith("time."):      # a clock read whose value reaches the result or a branch
        return (f"Let the time read in {helper} reach only print, logging or warnings, or time "
                "the call outside the differentiated function")
    return (f"Draw the random numbers (or make the call) in the differentiated function and pass "
            f"them to {helper}, or differentiate a function that does the work of {helper} "
            f"itself{_seed_advice(found)}")


def _seed_advice(found):
    """For a generator made without a fixed seed: how to make its draws the same each run."""
    if "default_rng" in found.what or "RandomState" in found.what:
        return (", or make the generator there from a seed written in the code "
                "(numpy.random.default_rng(0)): its numbers are then the same in every run")
    if found.what.startswith("numpy.random."):
        return (", or seed NumPy's generator first there, in a statement of its own at the top of "
                f"{found.chain[-1]}, with a number written in the code (numpy.random.seed(0)): its "
                "numbers are then the same in every run")
    return ""
