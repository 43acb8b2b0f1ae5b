"""The words of the refusals of an in-place write another name, an item, an attribute
or an argument shares where the derivative would not follow it: which write on which
line, what shares the memory, and what to write instead (a copy, a new list, the write
at the function's own level).
"""

import ast
import linecache
import operator
import re

import gast

from .. import runtime
from ..core import anno
from ..core import walk
from ..core.anno import Key
from ..errors import function_value_unknown
from ..core.first_use import imported_when_called
from .effect_calls import parameters, _names_in_line, _deque_refusal

# modules only some functions need, loaded with the first call of these (core/first_use.py)
user_expression = imported_when_called("astgrad.core.user_expressions", "user_expression")
call_result_refusal = imported_when_called("astgrad.modes.call_result_writes", "call_result_refusal")
generated_write_refusal = imported_when_called("astgrad.modes.generated_writes", "generated_write_refusal")
generated_row_refusal = imported_when_called("astgrad.modes.generated_writes", "generated_row_refusal")


def _refuse_shared_write(source, name, stmt, action, rows=(), holders=(), sharers=(), outside=False, deque=None,
                         popped=False, stacked=False):
    if deque is not None:       # a deque the normalizer did not lower: say that, not what follows
        raise _deque_refusal(source, deque, "is changed where another name may share it")
    if rows:                    # a derivative differentiated again: the user's line and names
        refusal = generated_row_refusal(source, stmt, name, rows[0], stacked)
        if refusal is not None:
            raise refusal
    refusal = generated_write_refusal(source, stmt, action)
    if refusal is not None:     # a derivative differentiated again: the user's line and names
        raise refusal
    if action == "assignment into an element of" and (source.line_text(stmt) or "").lstrip().startswith("del "):
        action = "del of an item of"        # del xs[i], which moves the later items down a place
    elif popped and action == "assignment into an element of":
        action = "pop from"                 # xs.pop(i), lowered to moving the later items down a place
    user_name = re.sub(r"_\d+$", "", name)     # a copy astgrad made of an argument: x_1 for x
    if _names_in_line(source, stmt, user_name):
        name = user_name
    elif not _names_in_line(source, stmt, name) and holders \
            and not _appends_to_an_attribute(source, stmt, name, action):   # d[a][b] = v, the item d[a] read out
        _refuse_write_into_an_item(source, stmt, action, _user_holder(source, stmt, sorted(holders)[0]), sharers)
    elif not _names_in_line(source, stmt, name):        # a value astgrad read out of an item or attribute
        written = user_expression(source, stmt, name)
        if written and re.fullmatch(r"[\w\[\]'\". ]+\.[A-Za-z_]\w*", written) \
                and _read_out_of_a_container(source, written.rpartition(".")[0]):
            _refuse_write_into_an_attribute(source, stmt, action, written)
        _refuse_unnamed_flat_write(source, stmt, action, written)
        if written and written.isidentifier() and _names_in_line(source, stmt, written) \
                and written not in parameters(source.tree):
            name = written      # a view the line writes into (y = B[0]; y[0] = w), written through its array
        elif _view_named_by_line(source, stmt):
            name = _view_named_by_line(source, stmt)    # t[0] = v in a helper written in, through t = a[1:]
        else:
            _refuse_shared_item_write(source, stmt, action, written)
    error = source.error(
        f"{action} '{name}' while another name may share its memory (an argument, an alias, "
        f"a view or a list holding it), so that value would change too and astgrad cannot "
        f"follow it. {_popped_advice(source, stmt, name) if popped else _write_advice(source, stmt, name, outside)}",
        stmt, construct="in-place write")
    raise function_value_unknown(error) if popped and _from_an_argument(source, name) else error


def _view_named_by_line(source, stmt):
    """``t`` where the user's line of ``stmt`` (a write astgrad made into an array through
    the view ``t``, views.py) is ``t[k] = v`` or ``t[k] op= v``; else None."""
    target = _user_write(source, stmt)[0]
    return target.value.id if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) else None


def _user_write(source, stmt):
    """(target, value) of the user's line of ``stmt`` where it is one write ``c[k] = v``
    or ``c[k] op= v`` (ast nodes); (None, None) otherwise."""
    line = source.file_line(stmt)
    text = linecache.getline(source.filename, line).strip() if line is not None else ""
    try:
        line = ast.parse(text).body[0] if text else None
    except SyntaxError:
        return None, None
    if isinstance(line, ast.Assign) and len(line.targets) == 1:
        return line.targets[0], line.value
    return (line.target, line.value) if isinstance(line, ast.AugAssign) else (None, None)


def _refuse_shared_item_write(source, stmt, action, written):
    """The refusal of a write into a value astgrad read out of an item or an attribute
    (``d[a][b] = v``, ``self.m[k] = v``) while another name may share its memory."""
    if not written:
        _refuse_write_into_a_held_array(source, stmt, action)
        target = _user_write(source, stmt)[0]
        text = linecache.getline(source.filename, source.file_line(stmt) or 0).strip()
        refusal = call_result_refusal(source, stmt, action, target, text)     # np.einsum("ii->i", m)[:] *= w
        if refusal is not None:
            raise refusal
    what = "an item of a container or an attribute" + (f": {written}" if written else "")
    if written in parameters(source.tree):     # m.log(v) appending to an attribute of the argument m
        what = f"an item or attribute of the argument {written}"
    raise source.error(
        f"{action} the list, dict or array this line writes into ({what}) while another name may "
        f"share its memory (an argument, "
        f"an alias, a view or a list holding it), so that value would change too and astgrad cannot "
        f"follow it. Where that name should show the write, as in Python, read the value through the "
        f"container after the write rather than keeping a name for it; where it should keep the old "
        f"value, store a new value instead (d[k] = d[k] + [v], p.b = p.b + v)", stmt, construct="in-place write")


def _refuse_write_into_a_held_array(source, stmt, action):
    """Where the user's line writes into a slice of the array an item or attribute holds
    (``s["v"][1:3] += v``, ``p.h[:, 0] = w``), the refusal naming it (``s["v"]``) and saying
    what to write instead; otherwise nothing."""
    target = _user_write(source, stmt)[0]
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, (ast.Subscript, ast.Attribute))):
        return
    parts = target.slice.elts if isinstance(target.slice, ast.Tuple) else [target.slice]
    if not any(isinstance(part, ast.Slice) for part in parts):
        return      # (c["b"][0] *= a: the item may be an array a list holds, which a copy of the list shares)
    text = linecache.getline(source.filename, source.file_line(stmt)).strip()
    held = ast.get_source_segment(text, target.value) or ast.unparse(target.value)     # s["v"], as written
    written = ast.get_source_segment(text, target) or ast.unparse(target)
    local = target.value.attr if isinstance(target.value, ast.Attribute) else "v"
    if isinstance(target.value, ast.Subscript) and isinstance(target.value.slice, ast.Constant) \
            and isinstance(target.value.slice.value, str) and target.value.slice.value.isidentifier():
        local = target.value.slice.value
    operator = re.match(r"\s*(\*\*|//|>>|<<|[-+*/@%&|^])=", text[len(written):]) \
        if text.startswith(written) else None                  # s["v"][1:3] += ...
    new_value = f"{written} = {written} {operator[1]} ... rather than {operator[1]}=" if operator \
        else f"{held} = a new array"
    raise source.error(
        f"{action} the array that {held} holds ({written}), which another name may share (the item or "
        f"attribute read or written on other lines, an alias, a view), so astgrad cannot follow the change in "
        f"place. Give the array a local name of its own for these writes and store it back after them "
        f"({local} = {held}.copy(), then {local}[...] = ... or {local}[...] += ..., then {held} = {local}), or "
        f"write a new value ({new_value})", stmt, construct="in-place write")


def _refuse_unnamed_flat_write(source, stmt, action, written):
    """``y.flat[k] = v``, ``y.reshape(-1)[k] = v``, ``y.ravel()[k] = v``: a write into the
    elements of ``y`` through a view (or an iterator) with no name, which the refusal of a
    shared item would describe in words the line does not have: say what to write instead."""
    found = re.fullmatch(r"(.+)\.(flat|reshape\(.*\)|ravel\(\))", written or "")
    if found is None:
        return
    base = found.group(1)
    raise source.error(
        f"{action} {written}, a view of the elements of {base} with no name, which astgrad does not follow. "
        f"Write numpy.put({base}, index, value) for positions in the flattened array, or bind the view to a "
        f"name first (flat = {base}.reshape(-1); flat[index] = value), which is followed",
        stmt, construct="in-place write")


def _popped_at(body, stmt, name):
    """Whether the write ``stmt`` into ``name`` is part of the list lowering of
    ``name.pop(i)`` (frontend/normalize/displays.py): ``body`` finds the item it removes by
    ``pop_position(name, i, where)`` on the same line. The object ``name`` holds was taken
    for a list there, its class not known."""
    line = getattr(stmt, "lineno", None)
    return line is not None and any(
        isinstance(other, gast.Assign) and getattr(other, "lineno", None) == line
        and isinstance(other.value, gast.Call) and anno.get(other.value, Key.TARGET) is runtime.pop_position
        and other.value.args and isinstance(other.value.args[0], gast.Name) and other.value.args[0].id == name
        for other in walk.walk_statements(body))


def _from_an_argument(source, name):
    """Whether ``name`` is an argument or a loop's name over one (``for c in cells``): a
    refused list ``pop`` on its object then waits for the arguments (FunctionValueUnknown),
    the code made for them deciding by the object's class: a method ``pop`` of a class of
    the user's is followed (displays.py), a list's refused as here."""
    from ..frontend.normalize.scopes import given_or_looped_over
    return source.tree is not None and given_or_looped_over(source.tree, name)


def _appends_to_an_attribute(source, stmt, name, action):
    """Whether ``stmt`` appends to the list an attribute holds (``p.log.append(v)`` on an
    object the function built, read out and stored back: item_appends.py): its refusal
    names the attribute written, as for the list of any object."""
    written = user_expression(source, stmt, name) or ""
    return action == "append to" and re.fullmatch(r"[\w.]+\.[A-Za-z_]\w*", written) is not None


def _read_out_of_a_container(source, owner):
    """Whether the user's code reads the object ``owner`` out of a list or dict: written
    so (``boxes[0]``), bound so (``b = boxes[0]``), or a loop's target (``for b in boxes``)."""
    if "[" in owner:
        return True
    if not owner.isidentifier():
        return False
    text = "\n".join(source.lines)
    return re.search(rf"^\s*{owner}\s*=\s*[\w.]+\[|^\s*for\s+{owner}\s+in\b", text, re.MULTILINE) is not None


def _refuse_write_into_an_attribute(source, stmt, action, written):
    """``b.log.append(v)`` where the object ``b`` may be held elsewhere too (read out of a
    list, an argument, an alias): the refusal speaks of the object, and of what astgrad follows."""
    owner, _, attr = written.rpartition(".")
    named = owner if owner.isidentifier() else "b"
    raise source.error(
        f"{action} the list, dict or array {written}, held by the object {owner}, which a list or dict holds "
        f"too (read out of it), so the change would show there as "
        f"well and astgrad cannot follow it. astgrad follows such changes where the object is bound once to a "
        f"name the function builds by calling its class ({named} = Box()) and nothing else holds it; otherwise "
        f"make the value under a name of its own and build the object from it ({attr} = []; {attr}.append(v); "
        f"Box({attr})), or make a new one ({attr} = {written} + [v])", stmt, construct="in-place write")


def _write_advice(source, stmt, name, outside):
    """The advice of the refusal of a write into ``name`` another name would see: for the
    item a loop binds (``for row in M: row *= w``) the loop by index, else the general one."""
    from .loop_item_writes import loop_item_advice
    return (None if outside else loop_item_advice(source, stmt, name)) or _shared_write_advice(name, outside)


def _shared_write_advice(name, outside):
    """What to write instead of a write another name (or, ``outside``, the caller or a
    global) would see: the fix that keeps the meaning first, then the one that does not."""
    if outside:
        return (f"A derivative never changes memory the caller or a global holds: where the caller should "
                f"see the change, return the new value and assign it where the function is called; "
                f"otherwise write into a copy ({name} = {name}.copy()) or build a new value ({name} = {name} + ...)")
    return (f"Where the other names should show the change, as in Python, write through one name and read "
            f"the others again after the write (astgrad follows a plain alias y = x and views of an array); "
            f"where they should keep the old value, write into a copy ({name} = {name}.copy()) or build a new "
            f"value ({name} = {name} + ...)")


def _popped_advice(source, stmt, name):
    """What to write instead of ``v = xs.pop(i)`` on a list another name may hold (or
    ``d.pop('k')`` on a dict): the item and the rest read without changing it (a copy popped
    from holds the same items)."""
    found = re.search(rf"(?<![\w.]){re.escape(name)}\.pop\(([^()]*)\)", source.line_text(stmt) or "")
    index = found.group(1).strip() if found else "i"
    if index[:1] in ("'", '"'):         # d.pop('a'): a dict's key
        return (f"Read the item and build the rest as a new dict instead, which changes no dict another name "
                f"holds (v = {name}[{index}]; {name} = {{k: u for k, u in {name}.items() if k != {index}}}); where "
                f"the caller should see the smaller dict, return it and assign it where the function is called")
    rest = f"{name}[1:]" if index == "0" else f"{name}[:-1]" if index in ("", "-1") else \
        f"list({name}[:{index}]) + {name}[{index} + 1:]"
    return (f"Read the item and build the rest as a new list instead, which changes no list another name holds "
            f"(v = {name}[{index or -1}]; {name} = {rest}); where the caller should see the shorter list, "
            f"return it and assign it where the function is called")


def _refuse_write_into_an_item(source, stmt, action, holder, sharers):
    """``d[a][b] = v`` (written as ``t = d[a]; t[b] = v; d[a] = t``) where the item ``d[a]``
    may share memory with another name: the refusal names ``d`` and those of the user's
    names (``sharers``, besides ``d``) that would see the write, and says what to write."""
    text = "\n".join(source.lines)
    others = sorted(n for n in sharers if n != holder and re.search(rf"(?<![\w.]){re.escape(n)}\b", text))
    spelled = re.sub(r"_\d+$", "", holder)     # a helper's parameter written in: items_1 for items
    if not _names_in_line(source, stmt, holder) and _names_in_line(source, stmt, spelled):
        holder = spelled
    if not others:
        raise source.error(
            f"{action} an item of '{holder}' while another name may share that item's memory (an "
            f"argument, an alias, a view or another list holding it), so the write would change it "
            f"too, which astgrad cannot follow. Where the other name should show the write, as in Python, "
            f"read it through '{holder}' after the write; where it should keep the old value, keep copies "
            f"in '{holder}' (.copy(), list(...)) or store a new item ({holder}[k] = ...)", stmt,
            construct="in-place write")
    named, first = " and ".join(f"'{n}'" for n in others[:3]), others[0]
    target, value = _user_write(source, stmt)
    if others == [first] and isinstance(value, ast.Name) and value.id == first and isinstance(target, ast.Subscript):
        _refuse_storing_a_name_into_an_item(source, stmt, action, holder, first, target)
    raise source.error(
        f"{action} an item of '{holder}' while that item may share its memory with {named} (it may "
        f"be {first} itself, a view of it such as the row {first}[0], or an item {first} holds), so the "
        f"write would change {named} too, which astgrad cannot follow. Where {first} should show the write, "
        f"as in Python: if {first} is that array, write into {first} itself (astgrad follows writes into an "
        f"array and its views); if it is another list or dict holding the item, make the new value and store "
        f"it wherever the item is held and read again (v = {holder}[k].copy(); v[j] = ...; {holder}[k] = v; "
        f"{first}[i] = v). Where it should keep the old value, keep copies in '{holder}' "
        f"({first}[0].copy(), list(...)) or store a new item ({holder}[k] = ...)", stmt, construct="in-place write")


def _refuse_storing_a_name_into_an_item(source, stmt, action, holder, stored, target):
    """``acc.total[0] = w``: the item ``acc.total`` seen to share memory with ``w`` only
    because the line stores ``w`` itself, and the code does not show that the item is an
    array of numbers (which copies the value in) rather than a container holding ``w``."""
    item, written = ast.unparse(target.value), ast.unparse(target)
    raise source.error(
        f"{action} an item of '{holder}' storing '{stored}' itself ({written} = {stored}): astgrad cannot "
        f"tell from the code that {item} is an array of numbers, which copies the value of {stored} in; were "
        f"it a list or dict, it would hold {stored} itself, and astgrad could no longer tell what '{holder}' "
        f"holds apart from {stored}, so it cannot follow the write. Store a value made here ({written} = "
        f"{stored} * 1.0), or write into a copy and store it back (t = {item}.copy(); "
        f"t[{ast.unparse(target.slice)}] = {stored}; {item} = t)", stmt,
        construct="in-place write")


def _user_holder(source, stmt, holder):
    """``holder`` as the user's line names it: ``vs`` for ``vs_1``, the copy astgrad made
    of a parameter of a local function it inlines (``def h(*vs): vs[0][0] = w``)."""
    user = re.sub(r"_\d+$", "", holder)
    return user if user != holder and not _names_in_line(source, stmt, holder) \
        and _names_in_line(source, stmt, user) else holder
