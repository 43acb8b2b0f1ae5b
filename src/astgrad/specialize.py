"""Versions of a gradient specialized to the kinds of its arguments.

The first call of a gradient with a new signature (the kinds of its arguments: Python
float or int, NumPy array with its dtype, number of dimensions and which dimensions
have length 1; see ``argument_kinds``) generates code for that signature and keeps it.
That code knows what the general code must find out at run time (whether
``unbroadcast`` has anything to do, which shapes to remember in a loop), so it has
fewer lines, and it frees each temporary as soon as it is no longer needed.

A gradient keeps at most :data:`MAX_VERSIONS` specialized versions; a call with yet
another signature runs the general code, which handles every kind of argument. A
version is used only for calls whose signature is exactly the one it was made for:
looking the signature up is the guard.

Where the function is proven to return a real number for a signature (see
``analysis/scalar_output``), the version of ``grad`` (not ``value_and_grad``) is the code
returning only the gradient: it does not compute the function's value, and there is no
value left to check. Such code is marked ``__astgrad_gradient_only__``, and is cached
(and stored on disk) under a key of its own (``pipeline.PROVEN``), made only once the
proof holds: no other code is taken for it, in this process or a later one.

``hvp`` (and ``hessian``, through it) keeps versions the same way (``ProductVersions``),
for the kinds of the function's arguments and of ``v``: forward mode over the gradient
specialized to those kinds, computing the Hessian-vector product alone (neither the
gradient nor the value).
"""

import threading

from . import argument_kinds
from .argument_kinds import kind_of
from .caching import Current, checked_normalized, made_before, read_prepared
from .chains import MAX_VERSIONS, BoundedVersions, Chain
from .core.functions import seed_parameter, underlying
from .generation_records import PROVEN, TANGENT_ONLY


def forward_for_non_lists(f, wrt):
    """``f``'s forward code w.r.t. parameter indices ``wrt``, made for arguments that are not
    lists (an empty kinds part): what ``python -m astgrad show --mode forward`` prints. It
    reads a tangent through ``list_rows`` only where a name may hold a list whatever the
    arguments (an item, an attribute, a display), where the general code
    (``caching.forward_derivative``), which runs for any arguments, reads those of every
    parameter so. A list argument gets code of its own (kind ``"list"``)."""
    return Chain(underlying(f), ("forward", tuple(wrt)), ())()


_UNCHECKED_LIMIT = 64           # signatures remembered as needing no check (beyond: looked at again)

_lock = threading.Lock()        # held while a version is made (rare: once per signature)


class Versions:
    """One gradient's specialized versions: signature -> ``Current`` (which follows
    rebinding of the function's names like the general code does)."""
    __slots__ = ("function", "key", "names", "general", "latest", "gradient_only", "wrap", "_by_signature",
                 "_unchecked")

    def __init__(self, function, key, names, general, gradient_only=False, wrap=None):
        self.function = function
        self.key = key              # the general code's key
        self.names = names          # the parameters, in the order of the signature
        self.general = general      # the general code's Current
        self.gradient_only = gradient_only      # the value is not wanted: code without it where proven
        self.wrap = wrap            # each version's Current -> what runs (checkpoint=: call_options)
        self.latest = None          # the signature of the latest call
        self._by_signature = {}
        self._unchecked = {}        # signature -> Current, for signatures that need no check

    def __reduce__(self):
        """Sent to another process without its versions, which are made there again."""
        return Versions, (self.function, self.key, self.names, self.general, self.gradient_only, self.wrap)

    def for_call(self, values):
        """The compiled code to run for arguments ``values`` (one per parameter)."""
        signature = argument_kinds.signature(values)
        self.latest = signature
        current = self._by_signature.get(signature)
        if current is None:
            current = self._add(signature)
        return current()

    def for_unchecked_call(self, args):
        """The compiled code to run for arguments ``args`` (one per parameter) when each is
        a Python number or a real NumPy array (``argument_kinds.needs_no_check``), which a
        call does not need to look at further; None for any other arguments."""
        signature = tuple(map(kind_of, args))
        current = self._unchecked.get(signature)
        if current is None:
            if not all(map(argument_kinds.needs_no_check, signature)):
                return None
            current = self._by_signature.get(signature) or self._add(signature)
            if len(self._unchecked) < _UNCHECKED_LIMIT:
                self._unchecked[signature] = current
        self.latest = signature
        return current()

    def snapshot(self, signature):
        """``(fn, holds, compiled)`` for the version of ``signature`` (a signature that
        needs no check): while ``holds(fn)``, it runs ``compiled``; None if not known."""
        current = self._unchecked.get(signature)
        return None if current is None else current.snapshot()

    def for_signature(self, signature):
        current = self._by_signature.get(signature)
        return (current or self._add(signature))()

    def _add(self, signature):
        if not any(kind is not None for kind in signature):
            return self.general
        with _lock:
            current = self._by_signature.get(signature)
            if current is not None:
                return current
            if len(self._by_signature) >= MAX_VERSIONS:
                return self.general
            try:
                part = argument_kinds.key_part(self.names, signature)
                current = GradientOnly.made(self.function, self.key, part) \
                    if self.gradient_only and not _transforms_gradient(self.function) else None
                current = current or Chain(self.function, self.key, part[1])
                if self.wrap is not None:
                    current = self.wrap(current)
                    current()           # made now: what the wrapping refuses runs the general code
            except Exception:       # noqa: BLE001 - the general code, already made, is right for them
                current = self.general
            self._by_signature[signature] = current
            return current

    def signatures(self):
        """The signatures that have a version of their own, oldest first."""
        return [signature for signature, current in self._by_signature.items() if current is not self.general]


class GradientOnly:
    """A version returning only the gradient: calling it returns that code while the
    function, as its names are bound now, is proven to return a real number for the
    version's kinds; after a rebinding that the proof no longer covers, the code that
    returns the value too (for the caller to check)."""
    __slots__ = ("function", "key", "part", "plain", "proven", "_refuted", "_with_value")

    def __init__(self, function, key, part, plain):
        self.function, self.key, self.part = function, key, part
        self.plain = plain          # the Current of the code without the value (the proven key)
        self.proven = None          # the compiled code the proof was made for
        self._refuted = None        # the code with the value, for the names the proof failed for
        self._with_value = None

    @classmethod
    def made(cls, function, key, part):
        """The version for kinds ``part`` (see ``argument_kinds.key_part``), or None where
        the output is not proven a real number."""
        if not _without_value(function, key, part):
            return None
        version = cls(function, key, part, Current(function, (key[0], key[1], PROVEN, part)))
        version.proven = version._mark(version.plain())
        return version

    def __call__(self):
        compiled = self.plain.held()
        if compiled is not None and compiled is self.proven:
            return compiled
        # (each attribute read once: another thread may store a newer one meanwhile)
        refuted = self._refuted
        if refuted is not None and self._with_value() is refuted:
            return refuted                  # f's names mean what the proof failed for
        # f's names were rebound: proven again before the code is made for them, so code
        # is stored under the proven key (and on disk) only once proven
        if _without_value(self.function, self.key, self.part):
            proven = self.proven = self._mark(self.plain())
            return proven
        with_value = self._with_value
        if with_value is None:
            with_value = self._with_value = Current(self.function, self.key + (self.part,))
        refuted = self._refuted = with_value()
        return refuted

    def snapshot(self):
        """As ``Current.snapshot``, while the code without the value is the one proven."""
        state = self.plain.snapshot()
        return state if state is not None and state[2] is self.proven else None

    @staticmethod
    def _mark(compiled):
        compiled.__astgrad_gradient_only__ = True
        return compiled


def _without_value(function, key, part):
    """Whether the code without the value runs for kinds ``part`` as ``function``'s names
    are bound now: code under the proven key is made only once proven (here, or by an
    earlier process, whose disk entry holds while the names mean what they meant then),
    so where it is at hand it is taken; where the code with the value was made before for
    these kinds, it was not proven then and is not tried again (the proof only spares
    computing the value, which that code checks); else proven now."""
    fn = underlying(function)
    if made_before(fn, (key[0], key[1], PROVEN, part)):
        return True
    return not made_before(fn, key + (part,)) and _proven(function, part, key)


def _transforms_gradient(function):
    """Whether ``function`` is a gradient object (its versions are ``chains.Chain``s)."""
    return getattr(function, "__astgrad_specialized__", None) is not None


def _proven(function, part, key=None):
    """Whether ``function`` returns a real number for arguments of the kinds ``part``
    (with ``grad``'s ``key``: its normalized def from the front half the code made next
    is finished from, see ``caching.checked_normalized``).
    The analyses are imported here: code loaded from the disk cache needs no proof."""
    from .analysis import shapes
    from .analysis.scalar_output import returns_real_number
    fn = underlying(function)
    try:
        tree = checked_normalized(fn, key) if key is not None else None
        if tree is None:
            _, tree = read_prepared(fn)
    except Exception:       # noqa: BLE001 - not proven; generating the code reports any error
        return False
    return returns_real_number(tree, dict(part[1]), shapes._is_elementwise, shapes._SHAPE_OF_SECOND)


class ProductVersions(BoundedVersions):
    """A Hessian-vector product's specialized versions: signature (the arguments' kinds,
    then v's) -> ``_Product``; at most :data:`MAX_VERSIONS`, further calls run the general
    code (``for_call`` returns None)."""
    __slots__ = ("function", "position", "names")
    _making = _lock                 # as before: specialize's lock, not the chains'

    def __init__(self, function, position, names):
        super().__init__()
        self.function = function
        self.position = position    # the parameter differentiated with respect to
        self.names = names          # the parameters, in the order of the signature

    def __reduce__(self):
        return ProductVersions, (self.function, self.position, self.names)

    def for_call(self, values, v):
        """The compiled code (arguments, then the tangent ``v`` by keyword) for arguments
        ``values`` (one per parameter) and ``v``, or None: run the general code."""
        signature = argument_kinds.signature(values) + (kind_of(v),)
        version = self._version(signature)
        self.latest = signature
        return None if version is None else version()

    def code_for(self, values, v):
        """The code a call with ``values`` and ``v`` runs (made now if need be), or None
        for the general code."""
        version = self._version(argument_kinds.signature(values) + (kind_of(v),))
        return None if version is None else version()

    def _limit(self):
        return MAX_VERSIONS         # this module's bound, as Versions reads it

    def _specializes(self, signature):
        return not all(kind is None for kind in signature[:-1])

    def _make(self, signature):
        return _Product(self.function, self.position, argument_kinds.key_part(self.names, signature[:-1]))

    def latest_code(self):
        version = self._by_signature.get(self.latest) if self.latest is not None else None
        return None if version is None else version()


class _Product:
    """Forward mode, returning the tangent alone, over the gradient specialized to the
    kinds ``part``: both follow rebinding of the function's names. Code for kinds where
    the function is proven to return a real number is marked ``__astgrad_scalar_output__``
    (the product's caller need not run the function to check its output)."""
    __slots__ = ("function", "position", "part", "gradient", "_made", "_proven")

    def __init__(self, function, position, part):
        self.function, self.position, self.part = function, position, part
        self.gradient = Chain(function, ("reverse", (position,), False), part[1])
        # (gradient code, the forward code over it): one tuple, so that a thread never
        # pairs one gradient with the forward code another thread made over another
        self._made = (None, None)
        self._proven = None

    def __call__(self):
        gradient = self.gradient()
        of, forward = self._made
        if gradient is not of:
            kinds = self.part[1] + ((seed_parameter(gradient), "float"),)     # hvp seeds with 1.0
            forward = Current(gradient, ("forward", (self.position,), TANGENT_ONLY, (argument_kinds.KEY_TAG, kinds)))
            self._made = (gradient, forward)
        code = forward()
        if self._proven is None:
            self._proven = _proven(self.function, self.part)
        if self._proven and not getattr(code, "__astgrad_scalar_output__", False):
            code.__astgrad_scalar_output__ = True
        return code
