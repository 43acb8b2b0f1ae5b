"""Specialized code for transforms of gradients, and for forward mode.

A transform of a gradient (``grad(grad(f))``, ``jvp(grad(f), ...)``, ``hvp(grad(f))``)
differentiates the gradient's generated code. Its version for some argument kinds
(see ``argument_kinds``) differentiates the gradient's code specialized to the same
kinds, and is specialized to them itself (``Chain``): on Python floats, each order is
``math.*`` code with no shape handling, as the first is.

``TransformVersions`` keeps a function's versions for ``jvp``, ``jacobian`` and ``vjp``
the way ``specialize.Versions`` keeps a gradient's: one per signature (the arguments'
kinds, which of them are differentiated, and a pullback's cotangent's kind), at most
``MAX_VERSIONS``; calls with further kinds run the general code. Tangents are given
shaped like their primals, cotangents like the output.

A gradient object takes part through ``__astgrad_specialized__(kinds)``: the ``Chain``
of its own code for those kinds, or None where it runs code of its own (options,
attribute paths) and only the general code can be differentiated.
"""

import threading

from . import argument_kinds
from .argument_kinds import KEY_TAG
from .caching import Current
from .function_cache import FunctionCache

MAX_VERSIONS = 8                # as specialize.MAX_VERSIONS (which imports this module)

_lock = threading.Lock()        # held while a version is made (rare: once per signature)


class Unspecialized(Exception):
    """The function's derivative has no specialized version: run the general code."""


class Chain:
    """The derivative ``key`` (("reverse", wrt, with_value) or ("forward", wrt, ...)) of
    ``function`` specialized to ``kinds`` ((parameter, kind) pairs): calling it returns
    the compiled code. For a gradient object, that code transforms the gradient's own
    code specialized to the same kinds; both follow rebinding of the names they use."""
    __slots__ = ("key", "kinds", "inner", "_state")

    def __init__(self, function, key, kinds):
        self.key, self.kinds = key, tuple(kinds)
        specialized = getattr(function, "__astgrad_specialized__", None)
        if specialized is None:
            self.inner = None
            self._state = (None, Current(function, key + ((KEY_TAG, self.kinds),)))
        else:
            self.inner = specialized(self.kinds)
            if self.inner is None:
                raise Unspecialized(function)
            self._state = (None, None)

    def __call__(self):
        of, current = self._state
        if self.inner is None:
            return current()
        code = self.inner()
        if code is not of:          # made now, or the gradient's names were rebound
            # the gradient is called without its seeds (its own and those of the orders
            # below): each is its default, 1.0
            seeds = code.__kwdefaults__ or {}
            kinds = self.kinds + tuple((name, "float") for name, value in seeds.items() if type(value) is float)
            current = Current(code, self.key + ((KEY_TAG, kinds),))
            self._state = (code, current)
        return current()

    def snapshot(self):
        """As ``caching.Current.snapshot`` for a plain function's version; None for a
        transform of a gradient (its code also depends on the gradient's names)."""
        return self._state[1].snapshot() if self.inner is None else None


class BoundedVersions:
    """Versions of a transform keyed by a signature: each made once (under a lock), at
    most :data:`MAX_VERSIONS`; a signature the subclass cannot specialize, or whose
    version fails to generate, maps to None (the general code runs for it)."""
    __slots__ = ("latest", "_by_signature")
    _making = _lock                 # a subclass may hold its module's lock instead

    def __init__(self):
        self.latest = None
        self._by_signature = {}

    def _version(self, signature):
        """The version for ``signature`` (made now if need be), or None."""
        version = self._by_signature.get(signature, False)
        return self._add(signature) if version is False else version

    def _add(self, signature):
        with self._making:
            if signature in self._by_signature:
                return self._by_signature[signature]
            if len(self._by_signature) >= self._limit() or not self._specializes(signature):
                return None
            try:
                version = self._make(signature)
                version()
            except Exception:       # noqa: BLE001 - the general code is right for them
                version = None
            self._by_signature[signature] = version
            return version

    def _limit(self):
        return MAX_VERSIONS         # read at each use (a subclass: its module's bound)

    def _specializes(self, signature):
        raise NotImplementedError

    def _make(self, signature):
        raise NotImplementedError

    def signatures(self):
        """The signatures that have a version of their own, oldest first."""
        return [signature for signature, version in self._by_signature.items() if version is not None]


class TransformVersions(BoundedVersions):
    """A function's versions for ``jvp``, ``jacobian`` and ``vjp``: (signature, key,
    seed kinds) -> ``Chain``, or None where the general code runs."""
    __slots__ = ("function", "names")

    def __init__(self, function, names):
        super().__init__()
        self.function = function
        self.names = names          # the parameters, in the order of the signature

    def code_for(self, values, key, seeds=()):
        """The compiled code ``key`` (("forward", positions): tangents by keyword, shaped
        like their primals; ("reverse", positions, False): the seeds given) for arguments
        ``values`` (one per parameter) and keyword arguments of the kinds ``seeds``
        ((name, kind) pairs), or None: run the general code."""
        signature = (argument_kinds.signature(values), key, seeds)
        version = self._version(signature)
        self.latest = signature
        return None if version is None else version()

    def _specializes(self, signature):
        return not all(kind is None for kind in signature[0])

    def _make(self, signature):
        kinds, key, seeds = signature
        return Chain(self.function, key, argument_kinds.key_part(self.names, kinds)[1] + seeds)


# function -> {"versions": its TransformVersions}, living as long as the function (the
# versions refer to it: a weak dictionary would keep it alive for ever)
_versions = FunctionCache("__astgrad_transform_versions__")


def versions_of(f, names):
    """``f``'s TransformVersions (made on first use, kept while ``f`` lives)."""
    entries = _versions.get(f)
    versions = entries.get("versions") if entries is not None else None
    if versions is None:
        with _lock:
            versions = _versions.setdefault(f, {}).setdefault("versions", TransformVersions(f, tuple(names)))
    return versions
