"""Attributes of an object that share a name with an array's (``p.size``, ``p.shape``,
``self.T`` on an object of the user's class). An attribute read ``v.size`` is taken
for NumPy's array attribute by its name (rules/numpy_rules.py), whose derivative is
none; on an object its value is the object's own, which may carry a derivative (a
dataclass field ``size: float``). An expression holds an object where the function was
made for the object it reads (an argument's layout, an object built in the code:
``Box(x).size``), or the code reads another attribute of the same name (``p.w``, not an
array's), as ``modes/adjoint_sweep.read_as_objects`` finds: there such a read is the
object's attribute, with its derivative."""

import gast

from ...core import syntax as S
from ...rules import registry
from .. import object_layouts as L
from ..array_named_reads import is_array_attribute_name


def object_names(normalizer):
    """The local names of ``normalizer``'s function that some attribute other than an
    array's is read of, not called (computed once)."""
    found = getattr(normalizer, "_object_names", None)
    if found is None:
        nodes = S.walk_nodes(normalizer.source.tree)
        nodes = nodes if isinstance(nodes, list) else list(nodes)
        called = {id(node.func) for node in nodes if isinstance(node, gast.Call)}
        found = normalizer._object_names = {
            node.value.id for node in nodes
            if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name)
            and isinstance(node.ctx, gast.Load) and id(node) not in called
            and registry.method_key(node.attr) is None and node.value.id in normalizer.locals}
    return found


def holds_object(normalizer, node):
    """Whether ``node`` (the receiver of an attribute read) holds an object of a class
    of the user's, not an array (see the module's docstring)."""
    if isinstance(node, gast.Name) and node.id in object_names(normalizer):
        return True
    layout = normalizer.layout(node)
    return layout is not None and (layout[0] == L.OBJECT
                                   or layout[0] == L.ITEMS and hasattr(layout[1], "_fields"))    # a namedtuple
