"""What the stages need from the engine for the functions the code they handle calls.

The pipeline sits above its stages, so the stages never import it: normalization, the
modes and the sharing analysis are handed a ``Callees`` when they are constructed and
reach the engine through it (a callee's derivative, a callee's normalized code)."""

from .missing import MISSING


class Callees:
    """``derive(fn, mode, wrt, zero_safe=False)``: the compiled derivative of ``fn``
    (``mode`` "reverse" or "forward"; "gradient": grad's code, checking that the output is a
    real number) w.r.t. its parameter indices ``wrt``, as ``fn`` and
    its names are bound now; it raises RecursiveCall for a derivative that needs itself.
    ``prepare(fn)``: ``fn`` parsed and normalized, (source, tree, namer, namespace).
    ``pristine(fn)``: the normalized tree ``prepare(fn)`` hands out copies of, where it is
    kept (not a copy: for analyses that only read it), else None.
    ``read(fn)``: (source, normalized tree) of ``prepare(fn)`` for an analysis that only
    reads them: the tree is the one kept for the next generation, not a copy, which the
    caller must neither change nor annotate.
    ``grad``, ``value_and_grad``, ``jvp``: astgrad's own transforms, which differentiated code may call; the
    api module, above the engine, fills them in.
    ``announce(keywords)``: a mode tells the engine the keyword-only parameters of the
    derivative it is generating (the seed, or the tangents) as soon as they are fixed, so
    a recursive call inside it can call that derivative by name before it exists.
    ``hold(guards)``: the derivative being generated holds only while each guard
    ``(mapping, key, expected)`` does too (a module constant seeding a callee's draws).
    ``first_iterator(fn)``: (function, name, value, line) for an iterator a function ``fn``
    reaches reads from a global (``next(COUNTER)``), else None; filled in by the api."""
    __slots__ = ("derive", "prepare", "pristine", "read", "grad", "value_and_grad", "jvp", "announce", "hold",
                 "first_iterator")

    def __init__(self, derive, prepare, announce=None, pristine=None, hold=None, read=None):
        self.derive = derive
        self.prepare = prepare
        self.read = read or (lambda fn: prepare(fn)[:2])
        self.pristine = pristine or (lambda fn: None)
        self.announce = announce or (lambda keywords: None)
        self.hold = hold or (lambda guards: None)
        self.grad = self.value_and_grad = self.jvp = MISSING
        self.first_iterator = lambda fn: None
