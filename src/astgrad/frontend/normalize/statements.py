"""Statements: assignments of every shape (``=``, annotated, augmented, unpacking,
into a subscript), expression statements, ``if``, ``return``, ``raise``, ``assert``,
``with``, ``try``/``finally`` (``except``: trying.py) and ``global`` (reads only), each turned into core
statements over atoms."""

import types

import gast

from ...core.first_use import imported_when_called
from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ..collectors import collecting_call
from .closures import Functions
from .hooked_reads import TRUTH, refuse_writing_hook, refuse_writing_index
from .unknown_class_hooks import check_hooks_when_run
from .truth_checks import check_truth_when_run, truth_not_known
from .jumps import jumps_out

# modules only some functions need, loaded with the first call of these (core/first_use.py)
shared_list_advice = imported_when_called(__package__ + ".unpacked_advice", "shared_list_advice")
slice_write_as_new_list = imported_when_called(__package__ + ".list_slice_writes", "slice_write_as_new_list")
holds_objects = imported_when_called(__package__ + ".fresh_items", "holds_objects")
dicts_sharing_items = imported_when_called(__package__ + ".shared_dict_items", "dicts_sharing_items")
same_items = imported_when_called(__package__ + ".shared_dict_items", "same_items")
store_where_held = imported_when_called(__package__ + ".shared_dict_items", "store_where_held")
items_read_into_names = imported_when_called(__package__ + ".fresh_items", "items_read_into_names")
owns_its_items = imported_when_called(__package__ + ".fresh_items", "owns_its_items")
owns_handed_items = imported_when_called(__package__ + ".owned_handed_items", "owns_handed_items")
is_handed_container = imported_when_called(__package__ + ".handed_containers", "is_handed_container")
refuse_property_setter = imported_when_called(__package__ + ".setter_words", "refuse_property_setter")


class StatementLowering:
    """Normalizer methods for plain statements (loops and jumps have modules of their own)."""

    def stmt_Expr(self, stmt):
        value = stmt.value
        if isinstance(value, gast.Constant):
            return                                  # docstrings and bare constants
        if isinstance(value, gast.Call):
            collecting = collecting_call(value, self.resolve_call)
            if collecting is not None:      # a helper appending to a list it is given
                twin, call, items = collecting
                call.func = S.name(self.bind_value(twin, "function"))
                self.append_each(items, call)
                return
            if _calls_method(value, "update") and self.dict_update(value):     # d.update(m, k=v): dicts.py
                return
            if self.list_sort(value):       # xs.sort(key=...): list_sort.py
                return
            if self.item_append(value):     # d[k].append(v): item_appends.py
                return
            self.effect_call = value                # its value unused (objects.py refuse_unfollowed_state)
            call = self.expr(value)
            if not isinstance(call, gast.Call):
                return                              # out= and ufunc.at became assignments
            if _is_restore(call):
                # derivative code undoing a write: a write itself, for the next derivative
                write = S.assign(gast.Subscript(value=call.args[0], slice=call.args[1], ctx=gast.Store()),
                                 call.args[2])
                anno.set(write, Key.RESTORES, True)
                self.emit(write)
                return
            if anno.get(call, Key.METHOD) == "pop":
                # keep the popped value: undoing the pop puts it back
                self.emit(S.assign(self.namer.fresh("popped"), call))
            else:
                self.emit(S.expr_stmt(call))
            return
        value = self.atom(value)                    # evaluated for its errors only
        if isinstance(value, gast.Name) and value.id in self.locals:
            # a bare read of a local (try: v / except NameError:) raises where v is unbound:
            # kept where it may raise, written as v again at emit
            self.emit(S.assign(self.namer.fresh("read"), S.read_of(value.id)))

    def stmt_Pass(self, stmt):
        pass

    def stmt_Import(self, stmt):
        pass            # bound when the code is generated: bind_imports

    stmt_ImportFrom = stmt_Import

    def bind_imports(self, tree):
        """``import numpy as np``, ``from math import sin`` in the function (or a function it
        defines): the name is bound, when the code is generated, to what the import gives
        (the module Python keeps in ``sys.modules``), and read as a global is."""
        import importlib
        for node in S.walk_nodes(tree):
            if not isinstance(node, (gast.Import, gast.ImportFrom)):
                continue
            self.line = getattr(node, "lineno", self.line)
            if isinstance(node, gast.ImportFrom) and (node.level or node.module is None):
                raise self._refuse("a relative import inside the function", node,
                                   "import the module at the top of the file")
            for alias in node.names:
                try:
                    if isinstance(node, gast.Import):
                        module = importlib.import_module(alias.name)
                        value = module if alias.asname else importlib.import_module(alias.name.split(".")[0])
                    else:
                        module = importlib.import_module(node.module)
                        value = getattr(module, alias.name, None) if hasattr(module, alias.name) \
                            else importlib.import_module(f"{node.module}.{alias.name}")
                except ImportError as exc:
                    raise self._refuse(f"an import that fails ({exc})", node) from None
                name = alias.asname or alias.name.split(".")[0]
                if name in self.locals or self.source.scopes.get(name, value) is not value:
                    raise self._refuse(f"the name '{name}' bound by an import and to other values", node,
                                       "import it once, at the top of the file")
                self.source.scopes[name] = value        # resolved as what the import gives
                self.bindings[name] = value             # and bound so in the generated code

    def stmt_Assign(self, stmt):
        stmt = self.iterated_unpacking(stmt)    # a, b = v, v iterating itself: object_iteration.py
        targets = stmt.targets
        if len(targets) == 1:
            value = stmt.value
            if isinstance(targets[0], gast.Name) and self.bound_count.get(targets[0].id, 0) == 1:
                value = self.written_out_objects(value) or value       # [Dense(...) for ...]: built_lists.py
            built = self.built_layout(targets[0], value)             # built_objects.py
            self.assign(targets[0], value)
            if built is not None:
                self.named_layouts()[targets[0].id] = built
                if self.bound_count.get(targets[0].id, 0) == 1:
                    self.note_construction(targets[0].id, value, built)       # held_generators.py
            return
        value = self.atom(stmt.value, hint="t")
        for target in targets:
            self.assign(target, value)

    def stmt_AnnAssign(self, stmt):
        if stmt.value is not None:
            self.assign(stmt.target, stmt.value)

    def stmt_AugAssign(self, stmt):
        target = stmt.target
        if isinstance(stmt.op, gast.BitOr) and self.dict_merge_in_place(stmt) \
                or self.augmented_object(stmt):     # d |= m: dicts.py (loaded for an |= only), operator_methods.py
            return
        if isinstance(target, gast.Name):
            # y = in_place(y op v, y): on an array NumPy writes the result into y, keeping
            # y's dtype (a float32 y stays float32); on a number the result is just bound
            self.emit(S.assign(target.id, self.augmented(target.id, stmt, target.id)))
            anno.set(self.out[-1], Key.AUGMENTED, True)      # on arrays += changes the object in place
        elif isinstance(target, gast.Subscript):
            # t = y[i]; y[i] = in_place(t op v, t): Python applies op= to the element first,
            # so an array element (a slice, a fancy index) keeps its dtype as NumPy's does (a
            # float into an int slice raises), while a number's result is stored as it is
            refuse_writing_index(self, target.slice, target)      # hooked_reads.py
            base = self.atom(target.value)
            index = self.index(target.slice)
            current = self.fresh_assign(gast.Subscript(value=base, slice=index, ctx=gast.Load()), "t")
            # c[k][j] op= v: c[k] may be a list whose array items another list holds too
            # ({k: list(v) for k, v in m.items()} copies m's lists, not their arrays)
            sharing = dicts_sharing_items(self, target.value)      # c = s.copy(): shared_dict_items.py
            if not sharing and (holds_objects(self, target.value) or items_read_into_names(self, target.value)
                                or isinstance(target.value, gast.Subscript) or is_handed_container(self, target.value)) \
                    and not owns_its_items(self, target.value) and not owns_handed_items(self, target.value):
                where = self.source.place(stmt)
                self.emit(S.expr_stmt(self.runtime_call(runtime.item_update, [S.name(current), S.copy(base),
                                                                             S.const(where)])))
            new = self.fresh_assign(self.augmented(current, stmt, "t"), "t")
            if isinstance(target.value, gast.Attribute) and S.dotted_path(target.value) is not None:
                # p.W[i] op= v: stored as p.W[i] = v is (dicts.py), into the attribute, not
                # into the name its value was read into
                self.assign(gast.Subscript(value=target.value, slice=S.copy(index), ctx=gast.Store()), S.name(new))
                return
            held = same_items(self, sharing, base, index)      # before the store
            self.emit(S.assign(gast.Subscript(value=S.copy(base), slice=S.copy(index),
                                              ctx=gast.Store()), S.name(new)))
            if sharing:     # each dict holding the same array stored into, as it shows the change
                store_where_held(self, stmt, held, index, new)
        elif not self.augmented_attribute(stmt):            # built_objects.py
            self.refuse_global_attribute_write(target, stmt)
            raise self._refuse("augmented assignment to an attribute", stmt)

    def augmented(self, current, stmt, hint):
        """``in_place(current op v, current)``: what ``current op= v`` leaves in ``current``
        (``stmt`` is the augmented assignment, ``hint`` names the result of ``op``)."""
        operation = gast.BinOp(left=S.name(current), op=stmt.op, right=stmt.value)
        lowered = None
        if isinstance(stmt.target, gast.Name) and (self.is_sequence(stmt.target) or self.is_sequence(stmt.value)):
            # xs += ys on a list (extended by a tuple too), a += [w, 1.0] on an array
            lowered = self.sequence_operation(operation, runtime.extended)
        if lowered is None:
            operation.right = self.atom(stmt.value)
        else:
            operation = lowered
        result = self.fresh_assign(operation, hint)
        call = self.runtime_call(runtime.in_place, [S.name(result), S.name(current)])
        symbol = runtime.AUGMENTED_SYMBOLS.get(type(stmt.op).__name__)
        if symbol is not None:          # named in NumPy's casting error, as y op= v would
            call.keywords.append(gast.keyword(arg="op", value=S.const(symbol)))
        return call

    def assign(self, target, value):
        """``target = value`` for any target shape, in core form."""
        if isinstance(target, gast.Name) and isinstance(value, gast.Name) and value.id == target.id:
            return      # a = a binds a to what it holds: nothing (the modes took it for a copy)
        if isinstance(target, gast.Name) and isinstance(value, (gast.ListComp, gast.GeneratorExp)) \
                and target.id not in S.names_in(value):
            # ys = [e for x in xs]: build the list in ys itself, so no second name holds
            # it (generated code would otherwise use both, and a second pass sees an alias)
            self.expr_ListComp(gast.ListComp(elt=value.elt, generators=value.generators), result=target.id)
        elif isinstance(target, gast.Name) and self.build_container_into(target.id, value):
            pass                                    # list(xs), {k: v for ...}: see containers.py
        elif isinstance(target, gast.Name) and self.local_partial(target.id, value):
            pass                                    # p = functools.partial(g, a): see calls.py
        elif isinstance(target, gast.Name):
            self.bind_name(target.id, value)        # closures.py: function values too
        elif isinstance(target, (gast.Tuple, gast.List)):
            self.unpack(target, value)
        elif isinstance(target, gast.Subscript) and self.item_store_method(target, value):
            pass                                    # v[i] = x running V.__setitem__: operator_methods.py
        elif isinstance(target, gast.Subscript) and isinstance(target.value, (gast.Subscript, gast.Attribute)) \
                and self.nested_item_write(target, value):
            pass                                    # d[a][b] = v, p.W[i] = v: dicts.py
        elif isinstance(target, gast.Subscript) and slice_write_as_new_list(self, target, value):
            pass                                    # xs[0:1] = [a, b]: list_slice_writes.py
        elif isinstance(target, gast.Subscript):
            refuse_writing_index(self, target.slice, target)      # d[v] = w running V.__hash__: hooked_reads.py
            base = self.atom(target.value)
            if not isinstance(base, gast.Name):
                _refuse_global_item_write(self, target)
                raise self._refuse("assignment into a constant", target)
            index = self.index(target.slice)
            rhs = self.atom(value)
            self.emit(S.assign(gast.Subscript(value=base, slice=index, ctx=gast.Store()), rhs))
        elif isinstance(target, gast.Starred):
            raise self._refuse("starred assignment (a, *b = ...)", target)
        elif not self.attribute_write(target, value):         # built_objects.py
            self.refuse_global_attribute_write(target, target)
            refuse_property_setter(self, target)
            raise self._refuse("assignment to an attribute", target, _attribute_advice(target)
                               + _held_item_advice(self, target) + _held_function_advice(self, target, value))

    def refuse_global_attribute_write(self, target, node):
        """Refuse ``Model.calls += 1`` (or ``= ...``) on a class or module the function
        reads as a global, saying what Python does: it changes the class for every later
        call, which a derivative, running the code again, would change once more."""
        path = S.dotted_path(target.value) if isinstance(target, gast.Attribute) else None
        if path is None or path[0] in self.locals:
            return
        holder = self.source.resolve_path(path, depend=False)
        if not isinstance(holder, (type, types.ModuleType)):
            return
        kind = "class" if isinstance(holder, type) else "module"
        written = ".".join(path + [target.attr])
        raise self._refuse(
            f"a change of {written}, an attribute of the {kind} {'.'.join(path)}: Python changes the {kind} "
            "itself, which every later call sees (and a derivative, running the code again, would change "
            "once more)", node,
            "count or record outside the differentiated function (around the call of the function astgrad "
            "differentiates), or keep the value in a local variable")

    def unpack(self, target, value):
        elts = target.elts
        if any(isinstance(e, gast.Starred) for e in elts):
            self.unpack_starred(target, value)          # containers.py
            return
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(elts) \
                and not any(isinstance(e, gast.Starred) for e in value.elts):
            # a, b = b, a: evaluate every right-hand value before assigning any
            stored = set(S.stored_names(target))      # a function value known now is bound as it is (closures.py)
            parts = [v if self.looks_like_function(v) and not S.names_in(v) & stored else self.atom(v)
                     for v in value.elts]
            parts = [S.name(self.fresh_assign(p, "t")) if isinstance(p, gast.Name)
                     and p.id in S.stored_names(target) else p for p in parts]
            for elt, part in zip(elts, parts):
                self.assign(elt, part)
            return
        known = isinstance(value, gast.Name) and isinstance(self.functions.get(value.id), Functions)
        packed = value if known else self.atom(value, hint="t")     # a literal of functions: its items
        if not isinstance(packed, gast.Name):
            raise self._refuse("unpacking a constant", target)
        known = known or isinstance(self.functions.get(packed.id), Functions)    # an inlined helper's (v, fn)
        if not known:           # a, c = b running B.__iter__: unknown_class_hooks.py
            check_hooks_when_run(self, value, packed, "iteration", target)
        if not known and not self.derivative_code and _bound_length(self.out, packed.id) != len(elts):
            # a, b = xs reads xs[0] and xs[1]; Python also stops where xs holds another number
            self.emit(S.expr_stmt(self.runtime_call(runtime.check_unpack_count, [S.name(packed.id),
                                                                                 S.const(len(elts))])))
        for position, elt in enumerate(elts):
            item = gast.Subscript(value=S.name(packed.id), slice=S.const(position), ctx=gast.Load())
            self.assign(elt, item)

    def stmt_Return(self, stmt):
        value = S.const(None) if stmt.value is None else self.atom(stmt.value, hint=self.return_hint())
        self.emit(gast.Return(value=value))

    def return_hint(self):
        return "result" if self.source.tree.name in ("lambda_",) else self.source.tree.name

    def stmt_If(self, stmt):
        known = self.known_test(stmt.test)
        if known is not None:               # if hasattr(np, "trapezoid"): only the branch taken
            self.out.extend(self.block(stmt.body if known else stmt.orelse))
            return
        refuse_writing_hook(self, stmt.test, TRUTH, stmt, "a truth test")      # hooked_reads.py
        test = self.atom(stmt.test, hint="cond")
        check_truth_when_run(self, stmt.test, test, stmt, "a truth test")       # of a class not known: truth_checks.py
        body = self.block(stmt.body)
        orelse = self.block(stmt.orelse)
        self.emit_if(test, body, orelse)

    def stmt_Raise(self, stmt):
        self.emit(stmt)

    def stmt_Assert(self, stmt):
        # a test calling a function: its calls as statements of their own, as an if test's, which
        # the modes check (assert G.step(w) > 0 changes what is read after); python -O runs none
        if __debug__:
            refuse_writing_hook(self, stmt.test, TRUTH, stmt, "a truth test")      # hooked_reads.py
            calls = any(isinstance(node, gast.Call) for node in S.operand_nodes(stmt.test))
            if not calls and truth_not_known(self, stmt.test):     # assert v, v of a class not known
                test = self.atom(stmt.test, hint="cond")
                check_truth_when_run(self, stmt.test, test, stmt, "a truth test")       # truth_checks.py
                self.emit(gast.Assert(test=test, msg=stmt.msg))
                return
            self.emit(gast.Assert(test=self.atom(stmt.test, hint="cond"), msg=stmt.msg) if calls else stmt)

    def stmt_With(self, stmt):
        """``with m1 as v, m2: body``: each manager is made and entered in turn (``as``
        binding what its ``__enter__`` returned), the body
        runs, and the managers exit in reverse order, as Python does when the body
        raises nothing. Only the forward code runs inside: a reverse sweep runs the
        body's adjoint later, after the exits (docs/supported-python.md)."""
        if self.suppress_as_try(stmt):          # trying.py
            return
        self.refuse_jump_out(stmt, "a with statement")
        managers = []
        for item in stmt.items:
            self.refuse_suppressing_manager(item, stmt)         # trying.py
            manager = self.atom(item.context_expr, hint="manager")
            if not isinstance(manager, gast.Name) or manager.id in self.locals:
                # its own name: ``as`` (or the body) may rebind the name it was read from
                manager = S.name(self.fresh_assign(manager, "manager"))
            self.emit(S.expr_stmt(self.runtime_call(runtime.enter_context, [manager])))
            if item.optional_vars is not None:      # with m as v: what m.__enter__() returned
                value = self.fresh_assign(self.runtime_call(runtime.entered_value, [S.copy(manager)]), "entered")
                self.assign(item.optional_vars, S.name(value))
            managers.append(manager)
        self.out.extend(self.block(stmt.body))
        self.line = getattr(stmt, "lineno", self.line)
        for manager in reversed(managers):
            self.emit(S.expr_stmt(self.runtime_call(runtime.exit_context, [S.copy(manager)])))

    def stmt_Try(self, stmt):
        """``try: body finally: cleanup`` runs body, then cleanup (an exception in the
        body propagates without running cleanup). With ``except``: trying.py."""
        if stmt.handlers:
            return self.try_except(stmt)
        self.refuse_jump_out(stmt, "try/finally")
        self.out.extend(self.block(stmt.body))
        self.out.extend(self.block(stmt.finalbody))

    def refuse_jump_out(self, stmt, kind):
        """A ``break`` or ``continue`` leaving a with or try body would skip the exit
        or the finally body in the generated code."""
        if jumps_out([stmt]):
            raise self._refuse(f"break or continue inside {kind}", stmt,
                               "set a flag inside and break after the block")

    def stmt_Global(self, stmt):
        """``global NAME`` that only reads NAME: a free name like any other global."""
        written = [name for name in stmt.names if name in self.locals]
        if written:
            raise self._refuse(f"a global statement rebinding '{written[0]}'", stmt,
                               "pass the value in as an argument and return the new value")


def _calls_method(call, name):
    """Whether ``call`` is ``v.name(...)`` (the first test of the lowering of that method,
    asked before its module loads)."""
    return isinstance(call.func, gast.Attribute) and call.func.attr == name


def _is_restore(call):
    return anno.get(call, Key.TARGET) is runtime.restore_item and len(call.args) == 3 \
        and not call.keywords and isinstance(call.args[0], gast.Name)


def _bound_length(emitted, name, window=8):
    """How many items ``name`` holds, where the last few statements ``emitted`` holds bind
    it to a display (``t = (a, b)``, or ``r = [a, b]; t = r``) and no other statement
    since mentions the object's names (a call might change its length); else None."""
    recent = emitted[-window:]
    names, links = {name}, []       # the names that held the object; the t = r binding them
    for position in range(len(recent) - 1, -1, -1):
        stmt = recent[position]
        if not isinstance(stmt, (gast.Assign, gast.Expr)):
            return None             # a block may bind it
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
        if target.__class__ is not gast.Name or target.id not in names:
            continue
        value = stmt.value
        if value.__class__ is gast.Name and len(links) < 3:
            names.add(value.id)
            links.append(stmt)
            continue
        if not isinstance(value, (gast.Tuple, gast.List)) or any(isinstance(e, gast.Starred) for e in value.elts):
            return None
        later = [s for s in recent[position + 1:] if not any(s is link for link in links)]
        if any(n.__class__ is gast.Name and n.id in names for s in later for n in gast.walk(s)):
            return None
        return len(value.elts)
    return None


def _held_item_advice(normalizer, target):
    """More advice for ``layer.W = v`` where ``layer`` is the name of a loop over a list
    an attribute holds (``for layer in self.layers``), which astgrad follows as a method
    of the item's class called on an object the function is given; else ""."""
    if not (isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name)):
        return ""
    name = target.value.id
    unpacked = shared_list_advice(normalizer, name, f"the store into .{target.attr}")
    if unpacked:
        return unpacked
    for tree in [normalizer.source.tree, *normalizer.inlined_trees]:
        for loop in S.walk_nodes(tree):
            if isinstance(loop, gast.For) and isinstance(loop.target, gast.Name) and loop.target.id == name \
                    and isinstance(loop.iter, gast.Attribute) and isinstance(loop.iter.value, gast.Name):
                held = f"{loop.iter.value.id}.{loop.iter.attr}"
                return (f"; on the items of {held}, make the store a method of their class (def shift(self, w): "
                        f"self.{target.attr} = ...), call it in the loop ({name}.shift(w)) and give the function "
                        "the object holding the list as an argument (def f(w, net): return net.loss(w))")
    return ""


def _held_function_advice(normalizer, target, value):
    """For ``h.fn = m.step`` (a function or a bound method stored on an object after it
    is built): where astgrad follows such a value, handed to the class when it is built."""
    if not (isinstance(target, gast.Attribute) and normalizer.looks_like_function(value)):
        return ""
    path, layout = S.dotted_path(value), normalizer.layout(target.value)
    given = ".".join(path) if path else "f"
    cls = layout[1].__name__ if layout is not None and isinstance(layout[1], type) else "Holder"
    return (f"; to store a function or a bound method on an object, hand it to the class when the object is "
            f"built ({cls}(..., {given}), stored by __init__), which astgrad follows")


def _attribute_advice(target):
    """What to write instead of the attribute assignment ``target`` astgrad refuses."""
    advice = "assign to a local name or an array element instead"
    if isinstance(target, gast.Attribute) and isinstance(target.value, gast.Subscript):
        advice += ("; on an item of a list, tuple or dict display of objects the function builds "
                   "(bs = [Box(a), Box(b)]), bound once and neither changed nor handed on, bind the item to "
                   "a name once, after the display (b = bs[i]; b.v = b.v * w)")
    return advice


def _refuse_global_item_write(normalizer, target):
    """``G.pos[1:] = v`` (or ``op=``) on an array a global object, a closure variable or a
    module holds (``G.pos`` read as a constant of the code): refused in the user's words."""
    path = S.dotted_path(target.value)
    if path is None:
        return
    shown, short = ".".join(path), path[-1]
    raise normalizer._refuse(
        f"assignment into an element of {shown}, an array held by a global, a closure variable or a "
        f"module, which the derivative must leave as it was", target,
        f"write into a copy and read the copy ({short} = {shown}.copy(); {short}[i] = v), or change "
        f"{shown} outside the differentiated function")
