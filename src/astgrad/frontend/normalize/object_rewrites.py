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
    rewriting = _Rewriting(normalizer, tree, nodes)
    rewriting.built_objects()
    rewriting.handed_objects()
    rewriting.renamed_names()
    rewriting.item_objects()
    return rewriting.nodes


class _Rewriting:
    """The rewrites of one function's tree, in their order: ``nodes``, its nodes as they
    are now, and ``kinds``, the node types in the tree (None once a rewrite changed it,
    until ``has`` asks)."""

    def __init__(self, normalizer, tree, nodes):
        self.normalizer, self.tree, self.nodes = normalizer, tree, nodes
        self.kinds = set(map(type, nodes))

    def counted(self, walked=True):
        """After a rewrite: the names counted again, the nodes walked again where ``walked``."""
        self.normalizer.bound_count = binding_counts([self.tree])
        self.kinds = None
        if walked:
            self.nodes = list(S.walk_nodes(self.tree))

    def has(self, *wanted):
        """Whether a node of one of the ``wanted`` types is in the tree: the gate of a
        rewrite whose whole-tree walk could match nothing without one."""
        if self.kinds is None:
            self.kinds = set(map(type, S.walk_nodes(self.tree)))
        return not self.kinds.isdisjoint(wanted)

    def built_objects(self):
        """Objects the function builds: bound one statement each, helpers returning them
        written as the construction, one per ``if``, unpacked, joined to other lists."""
        normalizer, tree = self.normalizer, self.tree
        if split_tuple_constructions(normalizer, tree):  # a, b = P(w), P(2 * w)
            self.counted()
        if write_factory_calls(normalizer, tree):        # a = make(w, k) returning Acc(w * k)
            self.counted()
        if write_tuple_factory_calls(normalizer, tree):  # a, b = make_pair(w) returning P(w), P(2 * w)
            self.counted()
        if write_method_factory_calls(normalizer, tree):     # b = a.child() returning P(self.d * 2.0)
            self.counted()
        if bind_returned_in_expressions(normalizer, tree):   # np.sum(p.step(x)): step = p.step(x) first
            self.counted()
        if write_returned_rebinds(normalizer, tree):         # e = p.step(x) returning self.d, rebound first
            self.counted()
        if join_branch_constructions(normalizer, tree):  # if s > 0: a = Acc(u) else: a = Acc(v)
            self.counted()
        # net = Net() holding [Layer(a), Layer(b)]
        if _builds_objects(normalizer, self.nodes) and unpack_built_objects(normalizer, tree, self.nodes):
            self.counted()
        if write_mixed_lists(normalizer, tree):          # [Layer(w)] + layers[1:], old[1] = Layer(w) on a copy
            self.counted()

    def handed_objects(self):
        """Objects and arrays handed on: helpers storing into them written in, arguments'
        methods inlined, aliases and views read again, names handed to objects shared."""
        normalizer, tree = self.normalizer, self.tree
        if write_in_handed_helpers(normalizer, tree):    # bump(layer, w) storing layer.W
            self.counted()
        # model.run(w) over self.layers
        if _given_objects(normalizer) and inline_argument_methods(normalizer, tree):
            self.counted()
        if read_aliases(normalizer, tree):               # a.first, TwiceHeld keeping self.data there too
            self.counted()
        if read_kept_views_again(normalizer, tree):      # head = a.data[:2]; a.bump(0, w); np.sum(head)
            self.counted()
        if share_loop_handed_names(normalizer, tree):    # for k in range(n): a = Acc(buf); a.bump(k, w)
            self.counted()
        # head = buf[:2]; a = Acc(buf), Acc(buf if s else other)
        if sync_handed_in_the_body(normalizer, tree):
            self.counted()
        # turn_arrays.py looks only at the bodies of for and while loops: none, nothing to name
        # (for k ...: buf = new; a = Acc(buf))
        if self.has(gast.For, gast.While) and name_turn_arrays(normalizer, tree):
            self.counted()
        if write_handed_arrays(normalizer, tree):        # a = Acc(buf); a.bump(0, w); np.sum(buf)
            self.counted()

    def renamed_names(self):
        """Names of comprehensions and loops told apart, and an argument's held objects
        given names of their own."""
        normalizer, tree = self.normalizer, self.tree
        # comprehension_names.py renames only in comprehensions: none, nothing to rename
        if self.has(gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp) \
                and separate_comprehension_names(normalizer, self.nodes):     # sum(b.v for b in bs), for b in bs
            self.counted(walked=False)
        # loop_names.py renames only the targets of several for loops: none, nothing to rename
        if self.has(gast.For) and separate_loop_names(normalizer, tree):        # for b in bs: ... twice
            self.counted(walked=False)
        # m.layer.scale(w), bump(m.layer, w)
        if split_argument_attributes(normalizer, tree, handed_to_a_storing_helper):
            self.counted(walked=False)
            if write_in_handed_helpers(normalizer, tree):    # bump(m_layer, w), m.layer named now
                self.counted()

    def item_objects(self):
        """Objects held in lists, tuples and dicts: appended ones, items split off, lists
        of objects held as a list per attribute."""
        normalizer, tree = self.normalizer, self.tree
        # bs[0].scale(w): item_objects.py; [Layer(w[i]) for i in range(n)]: object_columns.py.
        # item_objects.py splits only a name bound to a list, tuple or dict display (or to a list
        # comprehension or a for loop over rows, which gathered_lists.py and row_columns.py write
        # as one first): with none of those nodes it finds nothing and changes nothing
        if write_appended_objects(normalizer, tree):     # a = Acc(w); held.append(a); a.bump(0, c)
            self.counted()
        if (split_argument_items(normalizer, tree)
                or self.has(gast.List, gast.Tuple, gast.Dict, gast.ListComp) and split_item_objects(normalizer, tree)) \
                | write_object_columns(normalizer, tree):
            self.counted()


def _builds_objects(normalizer, nodes):
    """Whether a call of ``nodes`` builds an object of a class of the user's: unpacked_objects.py's
    first look (with none it unpacks nothing)."""
    return any(node.__class__ is gast.Call and isinstance(node.func, (gast.Name, gast.Attribute))
               and normalizer.built_class_of(node) is not None for node in nodes)


def _given_objects(normalizer):
    """Whether an argument holds an object: argument_methods.py's first look (with none it
    writes nothing in)."""
    return any(layout[0] == L.OBJECT for layout in normalizer.named_layouts().values())
