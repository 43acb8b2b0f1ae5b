"""The words of the refusals of a call that changes what it is given: a library function,
a user's callee, a derivative, a partial or a method changing an argument or its object
in place, each with what to write instead.
"""

import functools
import os
import re

import gast

from ..core import anno
from ..core import generated_text
from ..core.anno import Key
from ..core.functions import underlying
from .user_names import parameters, _names_in_line


def _in_standard_library(filename):
    """Whether ``filename`` is a module of Python's standard library (not an installed package)."""
    path = os.path.realpath(filename or "")
    return path.startswith(_standard_library_directory()) and "site-packages" not in path


@functools.lru_cache(maxsize=None)
def _standard_library_directory():
    """The standard library's directory, found when first asked: ``sysconfig`` loads a
    large table of build settings, which a process that never asks need not load."""
    import sysconfig
    return os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep


def _library_change_message(callee, where):
    text = (where.text or "").strip()
    return (f"astgrad cannot differentiate the call of {callee} here: it is a function of Python's standard "
            f"library, handed a value whose derivative it would carry, and its code changes a value in place "
            f"({where.what} at {where.filename}:{where.line}{': ' + text if text else ''}), which astgrad "
            f"cannot follow; compute the value with NumPy or code of your own")


def _callee_change_message(callee, what_changes, where):
    if callee.endswith(".__init__"):        # a class's __init__ building an object (instances.py)
        return (f"{_callee_change(callee, what_changes, where)}. Store a new value built from it on the "
                f"object instead (self.hist = hist + [d], self.data = data.copy()), so that the argument "
                f"stays as it was")
    return (f"{_callee_change(callee, what_changes, where)}. Make {callee} return the new value, built "
            f"from a copy (a = a.copy()), and assign it where {callee} is called (x = {callee}(x, ...)), "
            f"so that every name read afterwards shows it{_object_method_advice(callee, where)}")


def _copy_of_argument_message(callee, argument, where):
    """A callee kept as a call writing into the copy an advanced index of its argument made
    (``z = x[x > 0]; z[0] = w``): new numbers for an array of numbers, the argument's own
    items for a list or an array of objects, which only the running argument tells."""
    place, read = where.copied
    written = f"{where.filename}:{where.line}"
    # a helper written into the callee has its lines shown as the line calling it
    gives = f", into what {place}: {read} gives" if place != written else ""
    made = f"{read} * 1.0" if re.fullmatch(r"\w+ = \w+\[.*\]", read) else "z = x[x > 0] * 1.0"
    return (f"the call of {callee} writes into a copy made by an advanced index of {argument} ({where.what} at "
            f"{written}: {(where.text or '').strip()}{gives}), whose items are the very objects {argument} holds "
            f"where it is a list or an array of objects (arrays that the write would change), which astgrad cannot "
            f"check at this call. Make the copy new numbers ({made}, or np.array(...) with dtype=float), or call "
            f"{callee} by its name from the function differentiated, not through a method, a function value or "
            f"recursion: astgrad then follows it and checks when the code runs that the argument is an array of "
            f"numbers")


def _derivative_called(stmt):
    """(astgrad's name of the transform, the function it differentiates, the name the call
    reads it by) where ``stmt`` calls a derivative astgrad made (``g = astgrad.grad(f)``,
    ``g(x)`` in the function differentiated); else None."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    target = anno.get(call, Key.TARGET) if isinstance(call, gast.Call) else None
    code = getattr(underlying(target), "__code__", None) if target is not None else None
    if code is None or not generated_text.is_derivative(code):
        return None
    described = re.match(r"<astgrad ([\w ]+?) of ([\w.]+)", repr(target))
    kind, name = described.groups() if described else ("derivative", "the function it differentiates")
    return kind, name, call.func.id if isinstance(call.func, gast.Name) else None


def _derivative_change_message(callee, derivative, what_changes, where):
    """A derivative astgrad made, called in the function differentiated, changing an
    argument in place as the function it differentiates does (``y = x.reshape(2, 3);
    y[1, 1] = w``): followed where that function is differentiated again itself."""
    kind, name, called_as = derivative
    written = re.match(r"'(\w+)'", what_changes)
    copied = f"{written.group(1)} = {written.group(1)}.copy()" if written else "a = a.copy()"
    label, transformed = f"{callee} (astgrad's {kind} of {name})", called_as or callee
    return (f"{_callee_change(label, what_changes, where)} in a derivative called by the function differentiated. "
            f"astgrad follows the change where {name} is differentiated again itself (astgrad.hessian({name}), or a "
            f"transform of the {kind}: astgrad.jvp({transformed}, ...)); where the argument need not change, write "
            f"into a copy in {name} ({copied} before the write)")


def _partial_change_message(source, stmt, callee, changed, where):
    """A callee called through a functools.partial changing the argument the partial holds
    (``p = functools.partial(Scaler.step, s); p(w)``): the user's line names neither the
    callee nor the object, so the message names the partial and what it holds."""
    partial, held = source.partial_arguments[changed], source.made_names.get(changed, changed)
    what_changes = f"'{held}', the argument the functools.partial {partial} holds,"
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    first = call.args[0] if isinstance(call, gast.Call) and call.args else None
    if not (isinstance(first, gast.Name) and first.id == changed
            and (isinstance(call.func, gast.Attribute) or _called_through_its_class(stmt, changed))):
        return _callee_change_message(callee, what_changes, where)
    method = callee.rpartition(".")[2]          # partial(Scaler.step, s): a method given its object
    return (f"{_callee_change(callee, what_changes, where)}. {_ON_THE_OBJECT}: hold the object's method in the "
            f"partial ({partial} = functools.partial({held}.{method})) or call it on the object ({held}.{method}(...))")


_ON_THE_OBJECT = "astgrad follows a method changing the object it is called on where it is called on the object"


def _called_through_its_class(stmt, changed):
    """Whether ``stmt`` calls a method of a class (a function defined in a class, taking
    ``self``) handed the object ``changed`` as ``self`` (``Scaler.step(s, w)``)."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    if not (isinstance(call, gast.Call) and call.args and isinstance(call.args[0], gast.Name)
            and call.args[0].id == changed):
        return False
    function = underlying(anno.get(call, Key.TARGET, None))
    code, qualname = getattr(function, "__code__", None), getattr(function, "__qualname__", "")
    return code is not None and code.co_argcount > 0 and code.co_varnames[0] == "self" \
        and len(qualname.split(".")) > 1 and qualname.split(".")[-2] != "<locals>"


def _method_through_class_message(source, stmt, callee, held, what_changes, where):
    """A method changing its object called through its class (``Scaler.step(s, w)``): the
    call on the object (``s.step(w)``) is followed, so the message advises it, spelling the
    other arguments where the user's line names them."""
    call, method = stmt.value, callee.rpartition(".")[2]
    rest = [a.id if isinstance(a, gast.Name) and _names_in_line(source, stmt, a.id) else None for a in call.args[1:]]
    spelled = "..." if None in rest or call.keywords else ", ".join(rest)
    return (f"{_callee_change(callee, what_changes, where)}. {_ON_THE_OBJECT}: call it on the object "
            f"({held}.{method}({spelled})) rather than through its class")


def _object_method_advice(callee, where):
    """For a helper storing an attribute of an object it is handed (``layer.v = layer.v * w``
    in ``self.update(layer, w)``): the method of the object's class astgrad follows instead,
    and the objects the helper itself is followed on (frontend/normalize/handed_objects.py)."""
    stored = re.match(r"(\w+)\.(\w+)\s*=", (where.text or "").strip())
    if stored is None or stored.group(1) == "self":
        return ""
    name, attr = stored.groups()
    advice = (f"; for an object of your class, make the change a method of its class storing self.{attr} "
              f"(def update(self, w): self.{attr} = ...), and call it on the object in the function differentiated "
              f"({name}.update(w), or for {name} in model.layers: {name}.update(w)), where it is followed")
    if "." in callee:       # (a method: not written in where it is called)
        return advice
    return (f"{advice}. {callee} itself is followed called by its name as a statement of its own on objects the "
            f"function builds, each handed as a name bound once to a new object or to a list of new objects "
            f"(obj = MyClass(...); {callee}(obj, ...)), or as the new object itself ({callee}(MyClass(...), ...))")


def _callee_change(callee, what_changes, where):
    return (f"the call of {callee} changes {what_changes} in place ({where.what} at "
            f"{where.filename}:{where.line}: {(where.text or '').strip()}), which astgrad cannot follow")


def _is_parameter(source, name):
    """Whether ``name`` is a parameter of the function ``source`` holds."""
    from ..frontend.normalize.scopes import parameters
    return isinstance(source.tree, (gast.FunctionDef, gast.Lambda)) and name in parameters(source.tree)


def _method_change_message(method, receiver, where, given=False):
    """A method that changes in place what an attribute of its object holds
    (``self.items.append(v)``): astgrad follows a new value stored in the attribute.
    ``given``: the object is the function's argument (no ``__init__`` of the code's to change)."""
    from ..analysis.sharing import ARGUMENT_OBJECT_CHANGE
    if (where.what or "").startswith(ARGUMENT_OBJECT_CHANGE):      # layer.scale(w) over self.layers
        short = method.rpartition('.')[2]
        return (f"{_callee_change(method, 'an object held by the object it is called on', where)}. astgrad "
                f"follows such a method on a copy of the object, where the function differentiated takes it as an "
                f"argument and calls the method itself: call it there (for layer in model.layers: "
                f"layer.scale(w)), or differentiate {method} itself (grad(obj.{short})); astgrad also follows it "
                f"called as a statement of its own on such an argument (obj.{short}(w), y = obj.{short}(w) or "
                f"return obj.{short}(w)) or inside an expression that reads nothing it changes before it (x[0] + "
                f"obj.{short}(w)), where the method names self only to read its attributes and returns only at its end")
    through_a_call = (where.what or "").startswith("the call of") or "setattr(" in (where.text or "")
    if through_a_call:          # _set(self, w), setattr(self, "v", ...): no attribute of self changed in place
        return (f"{_callee_change(method, 'the object it is called on', where)}. astgrad follows a method "
                f"assigning {receiver}.attr = ... in its own body (on an object the function builds or an "
                f"argument gives): assign the attributes there, or have the method return a new object; where "
                f"the call changes an object {receiver} holds ({receiver}.update(layer, w) storing layer.v), make "
                f"that a method of the object's class (layer.update(w)) and call it in the function differentiated "
                f"(for layer in model.layers: layer.update(w)), where it is followed")
    written = re.search(rf"\b{re.escape(receiver)}\.(\w+)", where.text or "")
    attribute = f"{receiver}.{written.group(1)}" if written else f"{receiver}.<attribute>"
    return (f"{_callee_change(method, 'the object it is called on', where)}. In {method}, store a new value "
            f"in the attribute instead of changing the old one ({attribute} = {attribute} + [v] for a list, "
            f"{attribute} = {{**{attribute}, k: v}} for a dict), which astgrad follows; a change in place is "
            f"followed on an object the function builds whose attribute only ever holds a new list, dict or "
            f"array that no other name refers to{'' if given else _element_write_advice(method, receiver, where)}")


def _element_write_advice(method, receiver, where):
    """For a method writing elements of an attribute (``self.data[k] *= c``): where the
    attribute holds the array handed to ``__init__`` (``self.data = data``), which the
    caller may hold too, storing a copy there makes the writes followed."""
    element = re.match(rf"\s*{re.escape(receiver)}\.(\w+)\s*\[", where.text or "")
    if element is None:
        return ""
    attribute = f"{receiver}.{element.group(1)}"
    return (f"; where {attribute} holds an array handed in (say {attribute} = data or np.asarray(data) in "
            f"__init__, which may be the caller's array itself), store a copy of it there ({attribute} = "
            f"data.copy() or np.array(data)), and the element writes are followed; {attribute} = data is followed "
            f"too where the function hands it an array nothing else holds: one made in the call "
            f"({method.rpartition('.')[0] or 'Cls'}(x * 1.0), also in a loop or a branch), or an argument or a new array of its own bound "
            f"to a name once, where the object is built in the function's own body (in a loop or a branch only a "
            f"name bound there just before, named outside it only to be read, or a name handed at each turn of a "
            f"loop of the function's own body, bound nowhere in it, whose views are only read), "
            f"the name is only read at once before it (len(x), x.shape, x * 2.0) and no method but __init__ assigns "
            f"{attribute}; a second attribute __init__ keeps the same array in ({receiver}.other = data) is followed "
            f"where no method but __init__ stores it, the others read it only at once ({receiver}.other[0], "
            f"np.sum({receiver}.other)), and the function stores neither attribute")
