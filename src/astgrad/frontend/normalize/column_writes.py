"""A list of objects object_columns.py holds as a list per attribute, whose class's
methods write elements of an attribute in place (``self.data[k] *= c``, the array
``__init__`` stores as it is)::

    held.append(Acc(w * k))                 held_data.append(w * k)
    held[i].bump(0, c)              ->      k = i
                                            item = Acc(held_data[k].copy())
                                            item.bump(0, c)
                                            held_data[k] = item.data.copy()

In Python the object built again would hold the column's array itself and write into it.
Here it is handed a copy (an array made in the call, which handed_arrays.py follows), and
the column takes a copy of the written array back after the call, as after a method
storing the attribute (the object's attribute stays the one name of its array). Nothing
but the list's object holds the array where every object appended or stored is handed
an array made new in the call (``Acc(w * k)``), or a name bound to one just before in
the same block and named nowhere after (``buf = w * k; held.append(Acc(buf))``, its later
reads written as the object's by handed_arrays.py and listed_handed_names.py), and the function reads
the attribute only at once (``np.sum(held[0].data)``, an operator, an item read so:
``held[0].data[1] * w``), keeping no view of it, in the loops over the list too; no
comprehension goes over it, and a list moved out of it (``other.append(a)`` beside
``held.append(a)``: appended_objects.py) is only appended to and read so (no loop over it,
no method called through it). Anything else keeps the refusal of
the method's call, whose words say to store a copy. ``.copy()`` copies an array or a
list alike."""

import gast

from ...core import syntax as S
from .fresh_items import made_new
from .kept_attribute_views import is_kept_view_read
from .handed_arrays import _blocks, _held_by_nothing_else, _read_at_once, changed_in_place


def changed_attributes(cls, attrs):
    """The attributes among ``attrs`` a method of ``cls`` writes elements of in place."""
    return set(changed_in_place(cls)) & set(attrs)


def in_place_followed(normalizer, tree, found, uses, moves):
    """Whether the columns of ``found`` = (class, attributes, stored) can follow the
    element writes of its methods (the module docstring): True where there are none."""
    cls, attrs, _ = found
    changed = changed_attributes(cls, attrs)
    if not changed:
        return True
    from .attribute_classes import aliases_of, given_arguments
    if uses["comprehensions"] or any(m.uses["calls"] or m.uses["loops"] or m.uses["comprehensions"] for m in moves):
        return False        # (a list moved out of it only read at once: held.append(a); other.append(a))
    stored = [at.value.args[0] for at in uses["appends"]] + [at.value for at in uses["stores"]]
    resolve = normalizer.resolve_call
    if not stored or not all(made_new(value, resolve) or _held_by_it_alone(tree, value, resolve)
                             for call in stored for k, value in given_arguments(cls, call) if attrs[k] in changed):
        return False
    parents = S.parent_nodes(tree)
    reads = list(uses["reads"]) + [at for m in moves for at in m.uses["reads"]]
    for loop, mode, variable in uses["loops"]:
        reads += [n for s in loop.body for n in S.walk_nodes(s) if isinstance(n, gast.Attribute)
                  and isinstance(n.value, gast.Name) and n.value.id == variable and isinstance(n.ctx, gast.Load)
                  and not _called(n, parents)]
    # (a kept view, head = held[at].data[:2], is read again after each call: kept_attribute_views.py)
    aliases = {a for a, first in aliases_of(cls).items() if first in changed}     # (read only at once)
    return all(_consumed(read, parents, resolve) or read.attr not in aliases and is_kept_view_read(read, parents)
               for read in reads if read.attr in changed | aliases)


def _held_by_it_alone(tree, value, resolve):
    """Whether ``value``, an argument of an object's construction, is a name nothing else
    holds (handed_arrays.py: bound to a new array in the block building the object and
    named nowhere after it, its later reads written as the object's attribute's)."""
    if not isinstance(value, gast.Name):
        return False
    holding = [body for body in _blocks(tree.body) if any(n is value for top in body for n in S.walk_nodes(top))]
    return _held_by_nothing_else(tree, holding[-1] if holding else None, value, resolve)     # the innermost


def rebuilt_item(column_item, attr, changed):
    """What the object built again is handed for ``attr``, and what the column takes
    back: a copy where its methods write into it (``.copy()``, an array's or a list's)."""
    if attr not in changed:
        return column_item
    copied = gast.Call(func=gast.Attribute(value=column_item, attr="copy", ctx=gast.Load()), args=[], keywords=[])
    return gast.copy_location(copied, column_item)


def _called(node, parents):
    call = parents.get(node)
    return isinstance(call, gast.Call) and call.func is node


def _consumed(node, parents, resolve):
    """Whether the read ``node`` is read at once, or an item of it read so."""
    parent = parents.get(node)
    return _read_at_once(node, parents, resolve) \
        or isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.ctx, gast.Load) \
        and _read_at_once(parent, parents, resolve)
