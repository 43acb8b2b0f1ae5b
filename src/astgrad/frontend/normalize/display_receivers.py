"""A method or function reached through an item of a display written in the call:
``(module,)[0].helper(x)``, ``[layer][0].apply(x)``, ``{"m": module}["m"].helper(x)``.

Python builds the display, takes the item and calls its attribute. Where every part of
the display is a name or a constant (building it runs nothing and changes nothing) and
the index or key is a constant the display has, the call is the call of that item's
attribute, ``module.helper(x)``: the receiver is then what astgrad follows by its name
(a module's function, an object of a known class). Any other form is left as written."""

import gast

from ...core import syntax as S
from ...core.missing import MISSING


def _plain(node):
    return isinstance(node, (gast.Name, gast.Constant))


def display_item(node):
    """The part of the display ``node.value`` that the subscript ``node`` reads, for a
    tuple, list or dict display of names and constants and a constant index or key it
    has; else None."""
    display, key = node.value, node.slice
    if not isinstance(key, gast.Constant):
        return None
    if isinstance(display, (gast.Tuple, gast.List)) and all(_plain(e) for e in display.elts):
        if type(key.value) is not int or not -len(display.elts) <= key.value < len(display.elts):
            return None         # (Python's IndexError or TypeError, left to the call)
        return display.elts[key.value]
    if isinstance(display, gast.Dict) and all(k is not None and isinstance(k, gast.Constant) and _plain(v)
                                              for k, v in zip(display.keys, display.values)):
        try:
            found = {k.value: v for k, v in zip(display.keys, display.values)}.get(key.value, MISSING)
        except TypeError:       # (an unhashable key: Python's TypeError, left to the call)
            return None
        return None if found is MISSING else found
    return None


def fold_display_receiver(node):
    """``node`` (a call) with ``(a, b)[0].m(...)`` read as ``a.m(...)`` where
    ``display_item`` finds the item; ``node`` unchanged otherwise."""
    func = node.func
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Subscript) \
            and isinstance(func.value.ctx, gast.Load):
        item = display_item(func.value)
        if item is not None:
            func.value = S.copy(item)
    return node
