"""The global names a generated function sees.

Generated code refers to the user's own globals by the user's names (``np.sin``) and
to everything a rule template needs by a name bound to the same object, reusing the
user's alias when there is one (a template's ``numpy.cos`` is emitted as ``np.cos``
in a module that did ``import numpy as np``).
"""

import types


class Namespace:
    def __init__(self, namer, values=None):
        self.namer = namer
        self.values = {}
        for key, value in (values or {}).items():
            self.bind(key, value)

    def bind(self, name, value):
        self.values[name] = value
        self.namer.reserve(name)

    def ref(self, obj, preferred):
        """A name bound to ``obj``, preferring an existing binding, then ``preferred``."""
        if self.values.get(preferred, _NOTHING) is obj:
            return preferred
        if isinstance(obj, types.ModuleType) or callable(obj):
            for name, value in self.values.items():
                if value is obj:
                    return name
        if preferred not in self.namer.taken:
            self.bind(preferred, obj)
            return preferred
        name = self.namer.fresh(preferred)
        self.values[name] = obj
        return name


_NOTHING = object()
