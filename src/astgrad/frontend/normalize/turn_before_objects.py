"""A method called on the object the turn before built, in a loop's turn before this
turn builds its own (``for k in ...: if k > 0: a.bump(2, c); a = Acc(buf); a.bump(k,
c)``, where synced_handed_names.py keeps ``buf`` equal to the object's array after each
call): the normalizer reads the code in order, so the name's layout is not known yet
where the call is. The name is bound once in the function, by a statement of the loop's
own body after the call, to a new object of a class of the user's: every object it can
hold there is one that statement built, of the layout the statement gives, whether or not
the turn calls a method of its own object after building it (the sync after the call
keeps ``buf`` equal to the object's array either way). An object of a class whose
functions only store new values in its attributes (``self.v = self.v * c``, changing
nothing in place) needs no sync: it is the values of its attributes. In the first turn the name is
unbound, and the call raises as it does in Python.

A method that changes nothing of the object (``s = s + a.total()`` above ``a = Acc(buf)``)
needs none of that: the object's class is the one the binding builds, and its method is
followed as ``Acc.total(a)`` is."""

import types

import gast

from ...core import methods as M
from ...core import syntax as S
from .. import object_layouts as L
from .scopes import own_nodes


def turn_before_layout(normalizer, receiver, call, changes):
    """The layout of the object ``receiver`` (a Name) holds at ``call`` (a statement, or
    the value ``r = a.bumped(c)`` binds), where it is the object the turn before built (the
    module docstring); else None. ``changes(function)``: (the attributes it assigns, those
    it changes in place)."""
    if not _bound_later(normalizer, receiver, call):
        return None
    parents = _parents(normalizer)
    statement = _statement_of(call, parents)
    if not isinstance(statement, (gast.Expr, gast.Assign)) or statement.value is not call:
        return None         # (a call inside an expression has no sync after it)
    found = _turn_binding(normalizer, receiver, statement, parents)
    if found is None or not (_synced_after(statement, receiver.id, parents)
                             or _plain_state(normalizer.built_class_of(found[1].value), changes)):
        return None
    return normalizer.static_layout(found[1].value, L._DEPTH)


def turn_before_reader_layout(normalizer, receiver, attr, call, changes):
    """The layout of the object ``receiver`` (a Name) holds at ``call``, a call of its
    method ``attr`` where it is the object the turn before built and the method (a
    function of the class, also a static or class method) assigns no attribute and changes none in place (``changes``);
    else None. Python looks the method up on the object's class, which is the class the
    name's one binding builds."""
    if not _bound_later(normalizer, receiver, call):
        return None
    parents = _parents(normalizer)
    binding = _binding_in_loop(normalizer, receiver.id, _statement_of(call, parents), parents)
    if binding is None:
        return None
    cls = normalizer.built_class_of(binding.value)
    layout = normalizer.static_layout(binding.value, L._DEPTH)
    if layout is not None and layout[0] == L.OBJECT and (attr in layout[3] or L.attribute(layout, attr) is not None):
        _refuse_held_function(normalizer, receiver.id, cls, attr, binding, call)
    method = M.static_attribute(cls, attr)
    method = method.__func__ if isinstance(method, (staticmethod, classmethod)) else method
    if not isinstance(method, types.FunctionType) or any(changes(method)):
        return None
    return layout


def _plain_state(cls, changes):
    """Whether no function of ``cls`` changes in place what an attribute holds (each only
    stores new values, ``self.v = self.v * c``): the turn before's object is then its
    attributes' values, which no other name's write can change, and needs no sync."""
    functions = [value for klass in cls.__mro__[:-1] for value in vars(klass).values()]
    functions = [f.__func__ if isinstance(f, (staticmethod, classmethod)) else f for f in functions]
    functions = [f for f in functions if callable(f) or isinstance(f, property)]
    return all(isinstance(f, types.FunctionType) and not changes(f)[1] for f in functions)


def _refuse_held_function(normalizer, name, cls, attr, binding, call):
    """Refuse ``a.f(x)`` where the object the turn before built holds a function in its
    attribute ``f`` (``self.f = np.sin``, or one hiding the class's method): which
    function that is, is not followed on an object bound after the call."""
    line = normalizer.source.file_line(binding)
    text = (normalizer.source.line_text(binding) or f"{name} = {cls.__name__}(...)").strip()
    raise normalizer._refuse(
        f"the call .{attr}() on '{name}' before this turn of the loop binds it (line {line}: {text}), where "
        f"'{name}' is the object the turn before built and its attribute {attr} holds a function"
        + (f" hiding {cls.__name__}.{attr}" if hasattr(cls, attr) else ""), call,
        f"astgrad follows the function an attribute holds on an object bound once before the call "
        f"({name}.{attr}(...) after {name} = {cls.__name__}(...)), or make it a method of {cls.__name__}")


def _binding_in_loop(normalizer, name, statement, parents):
    """``name = Cls(...)``, the one binding of ``name`` in the function, anywhere in the
    body of a loop around ``statement`` (``if k % 2 == 0: a = Acc(...)`` too), ``Cls`` a
    class of the user's; else None."""
    for loop in _loops_around(statement, parents):
        for node in own_nodes(loop):
            if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                    and node.targets[0].id == name and isinstance(node.value, gast.Call):
                return node if normalizer.built_class_of(node.value) is not None else None
    return None


def refuse_turn_before_change(normalizer, receiver, call, changes):
    """Refuse ``a.bump(c)`` on the turn before's object, where ``turn_before_layout`` does
    not follow it (no sync after it: synced_handed_names.py), the method changes the object
    (``changes(function)``) and the turn calls no method of its own object after building
    it: run as it is, its writes would go unseen by the derivative."""
    if not _bound_later(normalizer, receiver, call):
        return
    tree = normalizer.source.tree
    parents = S.parent_nodes(tree)
    statement = _statement_of(call, parents)
    found = _turn_binding(normalizer, receiver, statement, parents)
    if found is None or not isinstance(call.func, gast.Attribute) \
            or _called_after(found[0].body, found[1], receiver.id):
        return      # (the turn's own call after it is refused in the words of handed_arrays.py)
    binding, cls = found[1], normalizer.built_class_of(found[1].value)
    method = getattr(cls, call.func.attr, None)
    if not (hasattr(method, "__code__") and any(changes(method))):
        return
    name, line = receiver.id, normalizer.source.file_line(binding)
    text = (normalizer.source.line_text(binding) or f"{name} = {cls.__name__}(...)").strip()
    raise normalizer._refuse(
        f"the method call .{call.func.attr}() of a {cls.__name__}, which changes the object it is called on, on "
        f"'{name}' before this turn of the loop binds it (line {line}: {text}): there '{name}' is the object the "
        f"turn before built", call,
        f"call the method on each turn's object after the turn builds it. astgrad follows a call on the turn "
        f"before's object where its class stores the array handed in as it is (self.data = data) and one array "
        f"bound once before the loop, only read besides, is handed at each turn (a = {cls.__name__}(buf))"
        + _held_words(normalizer, tree, binding.value))


def _held_words(normalizer, tree, construction):
    """A clause naming the first statement holding a name ``construction`` is handed in a
    list, tuple, set or dict display (``keep = [buf]``), which the writes into the
    array would show through; "" where there is none."""
    handed = {a.id for a in construction.args + [k.value for k in construction.keywords] if isinstance(a, gast.Name)}
    parents = S.parent_nodes(tree)
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id in handed and isinstance(node.ctx, gast.Load) \
                and isinstance(parents.get(node), (gast.List, gast.Tuple, gast.Set, gast.Dict)):
            statement = _statement_of(node, parents)
            text = (normalizer.source.line_text(statement) or "").strip()
            return (f"; here '{node.id}' is also held by a container (line {normalizer.source.file_line(statement)}: "
                    f"{text}), which would show those writes: read the array through '{node.id}' itself there")
    return ""


def _bound_later(normalizer, receiver, call):
    """Whether ``receiver`` names a name bound once, to a call, on a line after ``call``'s
    (a look at the lines, found once per tree, before the walks above)."""
    if not isinstance(receiver, gast.Name) or normalizer.bound_count.get(receiver.id, 0) != 1:
        return False
    tree = normalizer.source.tree
    kept = normalizer.__dict__.get("_call_bindings")
    if kept is None or kept[0] is not tree:
        # (statement_nodes: walk_nodes' order, the statements alone; an assignment is one)
        lines = {n.targets[0].id: getattr(n, "lineno", 0) for n in S.statement_nodes(tree) if isinstance(n, gast.Assign)
                 and len(n.targets) == 1 and isinstance(n.targets[0], gast.Name) and isinstance(n.value, gast.Call)}
        kept = normalizer._call_bindings = (tree, lines)
    line = kept[1].get(receiver.id)
    return line is not None and line > getattr(call, "lineno", line)


def _parents(normalizer):
    """``S.parent_nodes`` of the function's tree as it is now (the rewrites before the
    walk insert statements: a map kept from before would miss them)."""
    return S.parent_nodes(normalizer.source.tree)


def _statement_of(node, parents):
    while node is not None and not isinstance(node, gast.stmt):
        node = parents.get(node)
    return node


def _turn_binding(normalizer, receiver, statement, parents):
    """(the loop, ``receiver = Cls(...)`` a statement of its body after ``statement``)
    where the name is bound once, there, to an object of a class of the user's; else None."""
    if not isinstance(receiver, gast.Name) or statement is None or normalizer.bound_count.get(receiver.id, 0) != 1:
        return None
    for loop in _loops_around(statement, parents):
        binding = _later_binding(loop.body, statement, receiver.id, parents)
        if binding is not None and normalizer.built_class_of(binding.value) is not None:
            return loop, binding
    return None


def _called_after(body, binding, me):
    """Whether a statement of ``body`` after ``binding`` calls a method of ``me`` (whose own
    refusal, where it is not followed, says more)."""
    at = next(k for k, s in enumerate(body) if s is binding)
    return any(isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) and isinstance(s.value.func, gast.Attribute)
               and isinstance(s.value.func.value, gast.Name) and s.value.func.value.id == me for s in body[at + 1:])


def _synced_after(statement, me, parents):
    """Whether the statement after ``statement`` in its block writes ``me``'s array into
    the array it was handed (``buf[...] = +a.data``: synced_handed_names.py), the one form
    taken: a method storing attributes of the turn before's object (``b.scale(w)``, the
    object new at each turn) is left to the refusal."""
    block = next((getattr(parent, field) for parent in [parents.get(statement)] if parent is not None
                  for field in ("body", "orelse") if any(s is statement for s in getattr(parent, field, ()))), None)
    if block is None:
        return False
    at = next(k for k, s in enumerate(block) if s is statement)
    sync = block[at + 1] if at + 1 < len(block) else None
    return isinstance(sync, gast.Assign) and isinstance(sync.targets[0], gast.Subscript) \
        and isinstance(sync.value, gast.UnaryOp) and isinstance(sync.value.op, gast.UAdd) \
        and isinstance(sync.value.operand, gast.Attribute) and isinstance(sync.value.operand.value, gast.Name) \
        and sync.value.operand.value.id == me


def _loops_around(statement, parents):
    node = parents.get(statement) if statement is not None else None
    while node is not None and not isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)):
        if isinstance(node, (gast.For, gast.While)):
            yield node
        node = parents.get(node)


def _later_binding(body, statement, name, parents):
    """``name = Cls(...)``, a statement of ``body`` after the one holding ``statement``."""
    top = statement
    while top is not None and not any(top is s for s in body):
        top = parents.get(top)
    if top is None:
        return None
    after = body[next(i for i, s in enumerate(body) if s is top) + 1:]
    for stmt in after:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id == name and isinstance(stmt.value, gast.Call):
            return stmt
    return None
