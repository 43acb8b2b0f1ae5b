"""The names a generated function uses, and what each one is.

Generated code runs with the user function's own globals and shares its closure
cells, so the user's names (``np``, ``SCALE``, a closure variable) are looked up when
the code runs, as in the function itself. Everything astgrad adds (rule templates'
objects, runtime helpers, callees' derivatives) is a *binding* of the namespace and
reaches the generated code as a closure cell. A call astgrad writes on a module (a
rule's ``numpy.cos``, ``numpy.ones_like``) reads the module's snapshot
(core/originals.py), never the user's ``np``, so it means NumPy's cos whatever the user
rebinds; it is written ``numpy.cos`` where the code has no other use for the name
``numpy``, else ``original_numpy.cos`` (``ref_original``). Where astgrad's code reuses
another of the user's names, the reuse is recorded in ``used_user_names``, because the
code then depends on what that user name means.
"""

import builtins
import types

from ..core.originals import snapshot


class Namespace:
    def __init__(self, namer, values=None, source_names=()):
        self.namer = namer
        self.values = {}
        self.user_names = set()         # the user's free names (values as resolved now)
        self.used_user_names = set()    # user names astgrad's own code refers to
        self.source_names = frozenset(source_names)
        for key, value in (values or {}).items():
            self.bind(key, value)

    def bind(self, name, value):
        """A name astgrad introduces, bound to ``value`` in the generated code."""
        self.values[name] = value
        self.namer.reserve(name)

    def bind_user(self, name, value):
        """One of the user's own free names, which resolves to ``value`` now."""
        self.bind(name, value)
        self.user_names.add(name)

    def bindings(self):
        """The names astgrad introduces -> their objects."""
        return {name: value for name, value in self.values.items() if name not in self.user_names}

    def _use(self, name):
        """``name``, bound already, used again: taken again too, since a block generated
        again (``Namer.back_to``) gave back the names taken while it was first made, and
        a binding kept under a name given back would be rebound to another object."""
        self.namer.reserve(name)
        if name in self.user_names:
            self.used_user_names.add(name)
        return name

    def ref_original(self, module, preferred=None):
        """A name bound to ``module`` as astgrad first read it (its snapshot):
        ``preferred`` (the module's own name) where the code has no other use for it, else
        ``original_<preferred>`` (never a number, which would read as a second variable)."""
        obj = snapshot(module)
        preferred = preferred or module.__name__.rpartition(".")[2]
        if preferred in self.namer.taken and self.values.get(preferred, _NOTHING) is not obj:
            preferred = "original_" + preferred
        return self.ref(obj, preferred)

    def ref(self, obj, preferred):
        """A name bound to ``obj``, preferring an existing binding, then ``preferred``."""
        if self.values.get(preferred, _NOTHING) is obj:
            return self._use(preferred)
        if isinstance(obj, types.ModuleType) or callable(obj):
            for name, value in self.values.items():
                if value is obj:
                    return self._use(name)
        if preferred not in self.namer.taken or (
                getattr(builtins, preferred, _NOTHING) is obj and preferred not in self.values
                and preferred not in self.source_names):
            # a builtin keeps its own name, bound in the generated code so that a module
            # global of the same name cannot shadow it
            self.bind(preferred, obj)
            return preferred
        name = self.namer.fresh(preferred)
        self.values[name] = obj
        return name


_NOTHING = object()
