"""Loops over a literal of functions (``for g in fs``, ``for i, g in enumerate(fs)``,
``for k, g in ops.items()``, ``for k in ops``, walked forwards or backwards with
``reversed(fs)`` or ``fs[::-1]``), and loops over constant keys whose body calls
``fs[k]``: unrolled, one copy of the body per item, so each step calls a function known
when the code is generated."""

import gast

from ...core import syntax as S
from .closures import Data, Functions, Global, _has_value
from .function_literals import zipped_constant
from .method_values import callable_instance
from .jumps import flag_breaks, has_break, jumps_out, restructure, without_jumps


class FunctionLoopLowering:
    """Normalizer methods unrolling loops over functions."""

    def unroll_function_loop(self, stmt):
        """``for g in fs``, ``for i, g in enumerate(fs)``, ``for k, g in ops.items()``,
        ``for k in ops`` over a literal of functions: one copy of the body per item."""
        steps = self.function_loop_steps(stmt.iter)
        if steps is None:
            steps = _key_loop_steps(self, stmt)
        if steps is None:
            return False
        jumps = jumps_out(stmt.body)
        if jumps and not _only_plain_jumps(stmt.body):
            raise self._refuse("break or continue in a with or try block inside a loop over functions",
                               stmt, "loop over the indices and call fs[i] under an if instead")
        # a break ends the loop: it sets a flag, and each later step (and the else
        # clause) runs only where the flag is not set
        broke = self.namer.fresh("broke") if jumps and has_break(stmt.body) else None
        if broke is not None:
            self.locals.add(broke)
            self.emit(S.assign(broke, S.const(False)))
        changed = S.stored_names(gast.Module(body=stmt.body, type_ignores=[]))
        # a name the code reads otherwise than calling it (f is np.sin, print(f)) holds the
        # function when the code runs too
        valued = _read_as_values(stmt, self.source.tree)
        for position, step in enumerate(steps):
            outer = self.out
            if broke is not None and position:
                self.out = []           # this step's code, to run under "if not broke"
            self.bind_step(stmt.target, step, stmt, changed, valued)
            # a continue (or a break) ends this step's copy: what follows it moves into
            # the branches that fall through (jumps.py), as in any other loop
            body = restructure([S.copy(inner) for inner in stmt.body]) if jumps else stmt.body
            if broke is not None:
                body = without_jumps(flag_breaks(body, broke), gast.Break)
            for inner in body:
                self.line = getattr(inner, "lineno", self.line)
                self.statement(S.copy(inner))
            if self.out is not outer:
                step_code, self.out = self.out, outer
                self.line = getattr(stmt, "lineno", self.line)
                self.emit_if(S.name(broke), [], step_code)
        for name in S.stored_names(stmt.target):
            self.constant_names.pop(name, None)
        orelse = self.block(stmt.orelse)
        self.line = getattr(stmt, "lineno", self.line)
        if broke is not None and orelse:
            self.emit_if(S.name(broke), [], orelse)
        else:
            self.out.extend(orelse)
        return True

    def function_loop_steps(self, iterable):
        """What each step of a loop over a literal of functions binds: a key (a constant),
        a function value, or a (key, function) pair; None for any other loop. The
        literal may be walked backwards (``reversed(fs)``, ``fs[::-1]``, also inside
        ``enumerate`` or around ``ops.items()``)."""
        inner = self.backwards_of(iterable)
        if inner is not None:
            if isinstance(iterable, gast.Subscript) and not self.functions_sequence(inner):
                return None         # (a dict cannot be sliced: Python raises there)
            steps = self.function_loop_steps(inner)
            return None if steps is None else steps[::-1]
        if isinstance(iterable, gast.Call) and self.resolve_call(iterable) is zip:
            return self.zip_steps(iterable)
        method = None
        if isinstance(iterable, gast.Call) and not iterable.keywords:
            func = iterable.func
            if isinstance(func, gast.Attribute) and func.attr in ("items", "values", "keys") \
                    and not iterable.args:
                method, iterable = func.attr, func.value
            elif self.resolve_call(iterable) is enumerate and len(iterable.args) == 1:
                method, iterable = "enumerate", iterable.args[0]
                if isinstance(iterable, gast.Call) and self.resolve_call(iterable) is zip:
                    steps = self.zip_steps(iterable)        # enumerate(zip(fs, cs))
                    return None if steps is None else [(S.const(i), step) for i, step in enumerate(steps)]
            else:
                return None
        backwards = self.backwards_of(iterable) if method == "enumerate" else None
        if backwards is not None:
            iterable = backwards
        functions = self.looped_functions(iterable)        # method_values.py
        if not isinstance(functions, Functions) or any(isinstance(v, Data) for v in functions.values):
            return None
        pairs = functions.items()
        if backwards is not None:
            pairs = list(enumerate(v for _, v in pairs[::-1])) if functions.keys is None else None
            if pairs is None:
                return None
        if method in ("items", "enumerate"):
            if (method == "items") != (functions.keys is not None):
                return None
            return [(S.const(k), v) for k, v in pairs]
        if method == "keys" or method is None and functions.keys is not None:
            return [S.const(k) for k, _ in pairs]
        return [v for _, v in pairs]

    def zip_steps(self, node):
        """The steps of ``zip(fs, cs)``, ``fs`` a sequence literal of functions and the
        others of a number of items known now (a display, its values read now as zip
        reads them; a name bound once to a tuple, or to a list never changed, its items
        read at each step; constants): each step a list of the items it unpacks; None
        for any other zip."""
        if node.keywords or len(node.args) < 2 or any(isinstance(a, gast.Starred) for a in node.args):
            return None
        if not any(self.functions_sequence(arg) for arg in node.args):
            return None         # (a zip of values only: their global lists are read when the code runs)
        kinds = [self.zip_column_kind(arg) for arg in node.args]
        if None in kinds:
            self.refuse_global_items_zipped(node, kinds)
            if all(_has_value(self.function_value(arg)) for arg, kind in zip(node.args, kinds) if kind == "functions"):
                return None         # a zip of global functions, made when the code runs
            raise self._refuse("a loop over zip of local functions and values whose number astgrad cannot tell", node,
                               "zip them with a tuple or list display, or a tuple bound once (cs = (1.0, w))")
        columns = []
        for arg, kind in zip(node.args, kinds):
            if kind == "functions":
                columns.append(list(self.function_value(arg).values))
            elif kind == "display":
                columns.append([Data(self.kept_atom(e)) for e in arg.elts])     # call_forms.py
            elif isinstance(kind, int):
                columns.append([Data(gast.Subscript(value=S.name(arg.id), slice=S.const(i), ctx=gast.Load()))
                                for i in range(kind)])
            else:
                columns.append([k if isinstance(k, Data) else S.const(k) for k in kind])
        return [list(step) for step in zip(*columns)]

    def refuse_global_items_zipped(self, node, kinds):
        """The refusal of ``zip(FUNCS, ITEMS)``, a global list or tuple holding items other
        than numbers, strings and arrays of numbers (lists, objects: what the loop body
        reads of them is not known when the code is generated), or too many."""
        for arg, kind in zip(node.args, kinds):
            path = S.dotted_path(arg) if kind is None else None
            held = self.source.resolve_path(path, depend=False) if path and path[0] not in self.locals else None
            if not isinstance(held, (list, tuple)):
                continue
            name = ".".join(path)
            if len(held) > 64:
                what = "more than 64 items"
            elif not all(zipped_constant(v) for v in held):
                what = "items other than numbers, strings and arrays of numbers"
            else:
                continue
            raise self._refuse(
                f"a loop over zip of functions and the global '{name}', which holds {what}", node,
                "such a loop runs one copy of its body per item, which astgrad follows for a global list of "
                "numbers (Python's or NumPy's), strings or arrays of numbers; zip the functions with a tuple display of the "
                f"items instead (zip(fs, ({name}[0], {name}[1]))), or loop over the indices "
                f"(for i in range(len(fs)): ... fs[i](x) ... {name}[i] ...)")

    def zip_column_kind(self, arg):
        """How a loop over ``zip`` reads the items of its argument ``arg``: "functions",
        "display", the length of a name bound once to a display never changed, the
        constants (a list) of a range, a tuple of constants or a global list of them;
        None when it cannot tell."""
        if self.functions_sequence(arg):
            return "functions"
        if isinstance(arg, (gast.Tuple, gast.List)) and arg.elts:
            keys = _constant_keys(arg, None)
            if keys is not None:
                return keys
            return None if any(isinstance(e, gast.Starred) or self.looks_like_function(e) for e in arg.elts) \
                else "display"
        if isinstance(arg, gast.Call):
            return _constant_keys(arg, self.resolve_call(arg))
        display = self.fixed_display(arg)
        if display is None:
            return self.global_constants(arg)       # function_literals.py
        return len(display.elts)

    def backwards_of(self, iterable):
        """``xs`` for ``reversed(xs)`` or ``xs[::-1]``; else None."""
        if isinstance(iterable, gast.Call) and len(iterable.args) == 1 and not iterable.keywords \
                and not isinstance(iterable.args[0], gast.Starred) \
                and self.resolve_call(iterable) is reversed:
            return iterable.args[0]
        if isinstance(iterable, gast.Subscript) and isinstance(iterable.slice, gast.Slice) \
                and iterable.slice.lower is None and iterable.slice.upper is None \
                and _minus_one(iterable.slice.step):
            return iterable.value
        return None

    def functions_sequence(self, node):
        """Whether ``node`` is a list or tuple literal of function values."""
        if not self.looks_like_function(node):
            return False
        functions = self.function_value(node)
        return isinstance(functions, Functions) and functions.keys is None


    def bind_step(self, target, step, stmt, changed, valued):
        if isinstance(step, Functions) and step.keys is None and step.argument is None \
                and isinstance(target, (gast.Tuple, gast.List)):
            step = list(step.values)
        if isinstance(step, list) and isinstance(target, gast.Name):      # for pair in zip(fs, cs)
            step = Functions(None, [Data(item) if isinstance(item, gast.Constant) else item for item in step])
        elif isinstance(step, list):      # the items of a tuple, unpacked
            if len(target.elts) != len(step) or any(isinstance(e, gast.Starred) for e in target.elts):
                raise self._refuse("unpacking a tuple holding functions into a different number of names", stmt,
                                   "unpack each item into one name per value it holds")
            for part, item in zip(target.elts, step):
                self.bind_step(part, item, stmt, changed, valued)
            return
        elif isinstance(step, Data):
            if not isinstance(target, gast.Name):
                raise self._refuse("this loop target over functions", stmt, "bind each item to one name")
            self.emit(S.assign(target.id, S.copy(step.atom)))
            self.functions.pop(target.id, None)
        elif isinstance(step, tuple):
            if not (isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == 2):
                raise self._refuse("this loop target over (key, function) pairs", stmt,
                                   "unpack each pair into two names: for k, g in ...")
            self.bind_step(target.elts[0], step[0], stmt, changed, valued)
            self.bind_step(target.elts[1], step[1], stmt, changed, valued)
        elif not isinstance(target, gast.Name):
            raise self._refuse("this loop target over functions", stmt, "bind each function to one name")
        elif isinstance(step, gast.Constant):
            self.emit(S.assign(target.id, S.copy(step)))
            if target.id not in changed:
                self.constant_names[target.id] = step.value
        else:
            self.functions[target.id] = step
            self.locals.add(target.id)
            if isinstance(step, Global) and (callable_instance(step.obj) or target.id in valued):
                self.emit(S.assign(target.id, S.copy(step.func)))     # read as a value too


def _read_as_values(*trees):
    """The names the trees load otherwise than as the function of a call."""
    called = {id(call.func) for tree in trees for call in S.call_nodes(tree)}
    return {node.id for tree in trees for node in S.name_nodes(tree)
            if type(node.ctx) is gast.Load and id(node) not in called}


def _key_loop_steps(normalizer, stmt):
    """The keys of ``for k in ("a", "b")``, ``for i in range(2)`` or ``for i in
    range(len(fs))`` (constants written out) whose body calls an item ``fs[k]`` of a
    literal of functions, or hands one on (``step(fs[k], y)``); else None."""
    if not isinstance(stmt.target, gast.Name):
        return None
    name = stmt.target.id
    keys = _constant_keys(stmt.iter, normalizer.resolve_call(stmt.iter), _literal_length(normalizer, stmt.iter))
    jumps = jumps_out(stmt.body)       # then only a call fs[k](...) unrolls it (and is refused there)
    if keys is None or not any(
            _reads_item(normalizer, node, name)
            for inner in stmt.body
            for node in ((c.func for c in S.call_nodes(inner)) if jumps else S.operand_nodes(inner))):
        return None
    return [S.const(k) for k in keys]


def _reads_item(normalizer, node, key):
    """Whether ``node`` reads an item of a literal of functions with the name ``key``:
    ``fs[key]`` or ``ops.get(key, default)``."""
    if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load):
        container, index = node.value, node.slice
    elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "get" \
            and node.args and not node.keywords:
        container, index = node.func.value, node.args[0]
    else:
        return False
    return isinstance(index, gast.Name) and index.id == key \
        and normalizer.functions_literal(container) is not None      # function_literals.py


def _literal_length(normalizer, iterable):
    """The number of items of ``fs`` in ``range(len(fs))``, ``fs`` a sequence literal of
    functions; None otherwise."""
    if not (isinstance(iterable, gast.Call) and len(iterable.args) == 1 and not iterable.keywords):
        return None
    inner = iterable.args[0]
    if not (isinstance(inner, gast.Call) and len(inner.args) == 1 and not inner.keywords
            and normalizer.resolve_call(inner) is len):
        return None
    functions = normalizer.functions_literal(inner.args[0])
    return None if functions is None or functions.keys is not None else len(functions.values)


def _constant_keys(iterable, callee, length=None):
    """The values of a tuple or list literal of constants, or of ``range`` with constant
    arguments or over ``length`` (at most a few dozen); None for anything else."""
    if isinstance(iterable, (gast.Tuple, gast.List)) and iterable.elts \
            and all(isinstance(e, gast.Constant) and isinstance(e.value, (str, int)) for e in iterable.elts):
        return [e.value for e in iterable.elts]
    if callee is range and length is not None:
        return list(range(length)) or None
    if callee is range and isinstance(iterable, gast.Call) and not iterable.keywords and 1 <= len(iterable.args) <= 3 \
            and all(isinstance(a, gast.Constant) and type(a.value) is int for a in iterable.args):
        keys = list(range(*[a.value for a in iterable.args]))
        return keys if 0 < len(keys) <= 64 else None
    return None


def _minus_one(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        node = node.operand
        return isinstance(node, gast.Constant) and type(node.value) is int and node.value == 1
    return isinstance(node, gast.Constant) and type(node.value) is int and node.value == -1


def _only_plain_jumps(block):
    """Whether every jump out of the loop body ``block`` is a ``break`` or ``continue``
    under ifs alone (none in a with or try block)."""
    for stmt in block:
        if isinstance(stmt, gast.If) and not (_only_plain_jumps(stmt.body) and _only_plain_jumps(stmt.orelse)):
            return False
        if isinstance(stmt, (gast.With, gast.Try)) and jumps_out([stmt]):
            return False
    return True

