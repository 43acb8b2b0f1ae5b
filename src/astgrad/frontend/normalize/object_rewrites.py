"""The rewrites of whole forms over objects of the user's, made before the function is
lowered statement by statement: objects the function builds unpacked, helpers storing into
the objects they are handed written in, methods of arguments' objects inlined, and the
names of an argument's held objects and items split off, lists of objects held as a list per attribute, each where the form is found
(see each module); first, a list joining new objects to objects of another list written
as its parts (mixed_lists.py); before all, an object bound in both branches of an ``if``
built once (branch_objects.py), and before that a helper's call returning a new object
written as the construction it returns (factory_calls.py), or the tuple of them
(tuple_factories.py), or a method's (method_factories.py); first of all, objects built in one tuple assignment bound one
statement each (tuple_constructions.py)."""

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from .. import object_layouts as L
from .alias_reads import read_aliases
from .appended_objects import write_appended_objects
from .argument_objects import split_argument_attributes, split_argument_items
from .branch_objects import join_branch_constructions
from .factory_calls import write_factory_calls
from .handed_arrays import write_handed_arrays
from .handed_object_candidates import write_in_handed_helpers
from .kept_attribute_views import read_kept_views_again
from .method_factories import write_method_factory_calls
from .loop_handed_names import share_loop_handed_names
from .mixed_list_candidates import write_mixed_lists
from .object_column_candidates import write_object_columns
from .returned_in_expressions import bind_returned_in_expressions
from .returned_rebinds import write_returned_rebinds
from .scopes import binding_counts
from .synced_handed_names import sync_handed_in_the_body
from .tuple_constructions import split_tuple_constructions
from .tuple_factories import write_tuple_factory_calls

# modules only some functions need, loaded with the first call of these (core/first_use.py)
separate_comprehension_names = imported_when_called(__package__ + ".comprehension_names", "separate_comprehension_names")
# asked only where the function has loops
separate_loop_names = imported_when_called(__package__ + ".loop_names", "separate_loop_names")
name_turn_arrays = imported_when_called(__package__ + ".turn_arrays", "name_turn_arrays")

# lists or dicts of objects (item_objects.py) only some functions build, and helpers storing
# into objects handed to them (handed_objects.py): loaded with the first call (core/first_use.py)
split_item_objects = imported_when_called(__package__ + ".item_objects", "split_item_objects")
handed_to_a_storing_helper = imported_when_called(__package__ + ".handed_objects", "handed_to_a_storing_helper")
# and, behind the gates below, objects the code builds holding lists of objects
# (unpacked_objects.py) and methods of arguments' objects (argument_methods.py)
unpack_built_objects = imported_when_called(__package__ + ".unpacked_objects", "unpack_built_objects")
inline_argument_methods = imported_when_called(__package__ + ".argument_methods", "inline_argument_methods")


def rewrite_object_forms(normalizer, tree, nodes):
    """``tree``'s nodes after the rewrites of objects' forms; ``normalizer.bound_count``
    counted again after each rewrite made."""
    kinds = [set(map(type, nodes))]     # the node types in the tree now; emptied when a rewrite changes it

    def counted(walked=True):
        normalizer.bound_count = binding_counts([tree])
        kinds.clear()
        return list(S.walk_nodes(tree)) if walked else nodes

    def has(*wanted):
        """Whether a node of one of the ``wanted`` types is in the tree: the gate of a
        rewrite whose whole-tree walk could match nothing without one."""
        if not kinds:
            kinds.append(set(map(type, S.walk_nodes(tree))))
        return not kinds[0].isdisjoint(wanted)

    if split_tuple_constructions(normalizer, tree):  # a, b = P(w), P(2 * w)
        nodes = counted()
    if write_factory_calls(normalizer, tree):        # a = make(w, k) returning Acc(w * k)
        nodes = counted()
    if write_tuple_factory_calls(normalizer, tree):  # a, b = make_pair(w) returning P(w), P(2 * w)
        nodes = counted()
    if write_method_factory_calls(normalizer, tree):     # b = a.child() returning P(self.d * 2.0)
        nodes = counted()
    if bind_returned_in_expressions(normalizer, tree):   # np.sum(p.step(x)): step = p.step(x) first
        nodes = counted()
    if write_returned_rebinds(normalizer, tree):         # e = p.step(x) returning self.d, rebound first
        nodes = counted()
    if join_branch_constructions(normalizer, tree):  # if s > 0: a = Acc(u) else: a = Acc(v)
        nodes = counted()
    # net = Net() holding [Layer(a), Layer(b)]
    if _builds_objects(normalizer, nodes) and unpack_built_objects(normalizer, tree, nodes):
        nodes = counted()
    if write_mixed_lists(normalizer, tree):          # [Layer(w)] + layers[1:], old[1] = Layer(w) on a copy
        nodes = counted()
    if write_in_handed_helpers(normalizer, tree):    # bump(layer, w) storing layer.W
        nodes = counted()
    if _given_objects(normalizer) and inline_argument_methods(normalizer, tree):    # model.run(w) over self.layers
        nodes = counted()
    if read_aliases(normalizer, tree):               # a.first, TwiceHeld keeping self.data there too
        nodes = counted()
    if read_kept_views_again(normalizer, tree):      # head = a.data[:2]; a.bump(0, w); np.sum(head)
        nodes = counted()
    if share_loop_handed_names(normalizer, tree):    # for k in range(n): a = Acc(buf); a.bump(k, w)
        nodes = counted()
    if sync_handed_in_the_body(normalizer, tree):    # head = buf[:2]; a = Acc(buf), Acc(buf if s else other)
        nodes = counted()
    # turn_arrays.py looks only at the bodies of for and while loops: none, nothing to name
    if has(gast.For, gast.While) and name_turn_arrays(normalizer, tree):  # for k ...: buf = new; a = Acc(buf)
        nodes = counted()
    if write_handed_arrays(normalizer, tree):        # a = Acc(buf); a.bump(0, w); np.sum(buf)
        nodes = counted()
    # comprehension_names.py renames only in comprehensions: none, nothing to rename
    if has(gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp) \
            and separate_comprehension_names(normalizer, nodes):     # sum(b.v for b in bs) beside for b in bs
        nodes = counted(walked=False)
    # loop_names.py renames only the targets of several for loops: none, nothing to rename
    if has(gast.For) and separate_loop_names(normalizer, tree):        # for b in bs: ... twice
        nodes = counted(walked=False)
    if split_argument_attributes(normalizer, tree, handed_to_a_storing_helper):   # m.layer.scale(w), bump(m.layer, w)
        nodes = counted(walked=False)
        if write_in_handed_helpers(normalizer, tree):    # bump(m_layer, w), m.layer named now
            nodes = counted()
    # bs[0].scale(w): item_objects.py; [Layer(w[i]) for i in range(n)]: object_columns.py.
    # item_objects.py splits only a name bound to a list, tuple or dict display (or to a list
    # comprehension or a for loop over rows, which gathered_lists.py and row_columns.py write
    # as one first): with none of those nodes it finds nothing and changes nothing
    if write_appended_objects(normalizer, tree):     # a = Acc(w); held.append(a); a.bump(0, c)
        nodes = counted()
    if (split_argument_items(normalizer, tree)
            or has(gast.List, gast.Tuple, gast.Dict, gast.ListComp) and split_item_objects(normalizer, tree)) \
            | write_object_columns(normalizer, tree):
        nodes = counted()
    return nodes


def _builds_objects(normalizer, nodes):
    """Whether a call of ``nodes`` builds an object of a class of the user's: unpacked_objects.py's
    first look (with none it unpacks nothing)."""
    return any(node.__class__ is gast.Call and isinstance(node.func, (gast.Name, gast.Attribute))
               and normalizer.built_class_of(node) is not None for node in nodes)


def _given_objects(normalizer):
    """Whether an argument holds an object: argument_methods.py's first look (with none it
    writes nothing in)."""
    return any(layout[0] == L.OBJECT for layout in normalizer.named_layouts().values())
