"""Checkpointing of long loops in generated reverse-mode code.

A reverse sweep keeps, for every iteration of a loop, what the adjoint of that
iteration needs (pushed onto stacks by the forward sweep). For a loop of T steps that
is T saved states. ``checkpointed(text, every)`` rewrites generated gradient code so
that each ``for`` loop over ``range(...)`` at the top of the function

- runs forward without saving anything but the loop's state at the start of every
  ``every``-th iteration (a checkpoint: the values the loop body reads before it
  writes them), and
- in the reverse sweep, for each segment from the last to the first: restores the
  segment's checkpoint, runs the segment forward again saving as usual, and runs the
  segment's adjoint.

With ``every`` about sqrt(T) (``"sqrt"``), a loop of T steps keeps about 2 sqrt(T)
states instead of T, for one more forward run of the loop. The replay must compute
what the first run computed: a loop that writes into arrays or objects, or calls
something whose result changes from run to run, is refused (``TransformError``), as
is a ``while`` loop (whose trip count is known only when it has run).

Works on the stdlib ``ast`` of the emitted text; the result is readable Python.
"""

import ast
import copy
import math
import re
import types

from ..errors import TransformError
from ..rebound_places import written_places

# names of methods that do not change their object (everything else may)
_READ_ONLY_METHODS = frozenset({"sum", "mean", "dot", "reshape", "copy", "astype", "transpose",
                                "max", "min", "prod", "ravel", "flatten", "conj", "item", "tolist",
                                "std", "var", "all", "any", "argmax", "argmin", "squeeze", "get",
                                "keys", "values", "items", "index", "count"})
_STATEFUL_MODULES = ("numpy.random", "random", "time", "secrets", "builtins")
_PURE_BUILTINS = frozenset({"range", "len", "abs", "min", "max", "float", "int", "sum", "tuple",
                            "list", "zip", "enumerate", "bool", "round", "pow", "divmod", "isinstance",
                            "UnboundLocalError"})    # raised where a name a loop never bound is read


def interval(steps, every):
    """How many iterations one checkpoint covers: ``every``, or about sqrt(steps)."""
    if every == "sqrt":
        return max(1, math.isqrt(steps))
    return every


def checkpointed(text, every, namespace, where, required=True):
    """Generated gradient source ``text`` with its top-level ``for`` loops checkpointed
    every ``every`` iterations (an int, or "sqrt"). ``namespace`` holds what the code's
    names mean (to check calls); ``where`` is (filename, line) for errors. Where no loop
    saves values per iteration: a ``TransformError``, or None if not ``required`` (code
    specialized to its arguments may need no saves where the general code does)."""
    module = ast.parse(_comments_as_strings(text))
    fn = module.body[0]
    stacks = _stack_names(fn)
    pairs = _loop_pairs(fn, where)
    if not pairs and not required:
        return None
    if not pairs and _breaks_out(fn):
        raise TransformError("checkpointing covers for loops over range(...) that run to their end; "
                             "this function's loop leaves early (a break, or a return inside it), so "
                             "its trip count is known only after it has run. Write the loop to run to "
                             "its end, or drop checkpoint=",
                             *where, construct="break")
    if not pairs:
        raise TransformError("checkpoint= was given, but the function has no for loop over range(...) "
                             "in its body (outside if/with/other loops) whose derivative saves values "
                             "per iteration; drop checkpoint=", *where, construct="checkpoint")
    for number, (forward, backward) in enumerate(pairs):
        _check_replayable(forward, stacks, namespace, _UserLines(backward, where))
        _undo_in_place(fn, forward, backward)
        _rewrite(fn, forward, backward, stacks, every, number)
    ast.fix_missing_locations(module)
    return _strings_as_comments(ast.unparse(module))


_COMMENT = "astgrad-checkpoint-comment: "


def _comments_as_strings(text):
    """The generated code's ``# line N: ...`` comments as string statements, so they
    survive the rewrite (``_strings_as_comments`` turns them back)."""
    return re.sub(r"^(\s*)# (.*)$", lambda m: f"{m[1]}{_COMMENT + m[2]!r}", text, flags=re.M)


def _strings_as_comments(text):
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:1] in "'\"" and _COMMENT in stripped:
            value = ast.literal_eval(stripped)
            line = line[:len(line) - len(line.lstrip())] + "# " + value[len(_COMMENT):]
        lines.append(line)
    return "\n".join(lines) + "\n"


def _stack_names(fn):
    return {stmt.targets[0].id for stmt in fn.body
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.List) and not stmt.value.elts and stmt.targets[0].id.endswith("_stack")}


def _is_range(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" \
        and not node.keywords


def _loop_pairs(fn, where):
    """(forward loop, its adjoint loop) for each top-level ``for ... in range(...)`` that
    saves values; a top-level ``while`` loop that saves values is refused."""
    pairs = []
    for position, stmt in enumerate(fn.body):
        if isinstance(stmt, ast.While) and _pushes(stmt):
            raise TransformError("checkpointing covers for loops over range(...); this while loop's "
                                 "trip count is known only after it has run. Write it as a for loop "
                                 "over range(n) (with a break-free body), or drop checkpoint=",
                                 *where, construct="while loop")
        if not (isinstance(stmt, ast.For) and _is_range(stmt.iter) and _pushes(stmt)):
            continue
        backward = _adjoint_loop(fn.body[position + 1:], stmt)
        if backward is None:
            continue
        pairs.append((stmt, backward))
    return pairs


def _breaks_out(fn):
    """Whether a top-level loop of ``fn`` that saves values leaves by a ``break`` of its own
    (the generated code then counts its steps as they run, ``for k, i in enumerate(steps)``,
    and the loop is no longer one over ``range(...)``)."""
    return any(isinstance(stmt, ast.For) and _pushes(stmt) and _own_break(stmt.body) for stmt in fn.body)


def _own_break(body):
    """Whether ``body`` breaks out of the loop it is the body of (not of a loop nested in it)."""
    for stmt in body:
        if isinstance(stmt, ast.Break):
            return True
        if isinstance(stmt, ast.If) and _own_break(stmt.body + stmt.orelse):
            return True
        if isinstance(stmt, (ast.With, ast.Try)) and _own_break(
                stmt.body + getattr(stmt, "orelse", []) + getattr(stmt, "finalbody", [])):
            return True
    return False


def _pushes(loop):
    return any(isinstance(node, ast.Attribute) and node.attr == "append" for node in ast.walk(loop))


def _adjoint_loop(rest, forward):
    """The ``for <target> in reversed(<same range>)`` after ``forward`` that pops what
    ``forward`` pushes, if the range's arguments are not reassigned in between. (Loops
    with the same header are told apart by their stacks: the adjoints come in reverse
    order, so the first such header after ``forward`` may be another loop's adjoint.)"""
    names = {node.id for node in ast.walk(forward.iter) if isinstance(node, ast.Name)}
    pushed = _stacks_used(forward, "append")
    for stmt in rest:
        if isinstance(stmt, ast.For) and isinstance(stmt.iter, ast.Call) \
                and isinstance(stmt.iter.func, ast.Name) and stmt.iter.func.id == "reversed" \
                and len(stmt.iter.args) == 1 and ast.dump(stmt.iter.args[0]) == ast.dump(forward.iter) \
                and ast.dump(stmt.target) == ast.dump(forward.target) and _stacks_used(stmt, "pop") == pushed:
            return stmt
        if names & _stored_names(stmt):
            return None
    return None


def _stacks_used(loop, method):
    """The names ``loop`` calls ``method`` (append or pop) on."""
    return {node.func.value.id for node in ast.walk(loop)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
            and isinstance(node.func.value, ast.Name)}


def _stored_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _refuse(what, where):
    raise TransformError(f"checkpoint= cannot replay this loop: it {what}; a checkpointed loop runs "
                         "twice and must compute the same both times. Drop checkpoint= for this "
                         "function", *where, construct="checkpointed loop")


class _UserLines:
    """Where the user wrote what a statement of a forward loop comes from: the adjoint
    loop's ``# line N: text`` comments, each followed by the adjoint of line N, which
    reads (and pops, and restores) the names line N's forward statements bound."""

    def __init__(self, backward, where):
        self.where = where          # (filename, the function's line): where nothing is found
        self.blocks = []            # [(line, text, the statements after its comment)]
        self._collect(backward.body)

    def _collect(self, body):
        for stmt in body:
            said = _comment(stmt)
            if said is not None:
                self.blocks.append((*said, []))
            elif isinstance(stmt, (ast.For, ast.While, ast.If)):
                self._collect(stmt.body + stmt.orelse)      # its own comments: its header is no line's
            elif self.blocks:
                self.blocks[-1][2].append(stmt)

    def of(self, node):
        """(filename, line, text) of the user's line ``node`` (of the forward loop) comes
        from: the block popping or restoring what it changes, else the first whose line
        names it; ``where`` (the function's line) where none does."""
        name = _root_name(node)
        if name:
            for found in (lambda text, stmts: _undoes(stmts, name), lambda text, stmts: _names(text, name)):
                for line, text, stmts in self.blocks:
                    if found(text, stmts):
                        return (self.where[0], line, text)
        return self.where

    def shows(self, call):
        """Whether the user's line of the method call ``call`` (``v.m(...)``) shows it
        (else astgrad calls it, as ``items.append(v)`` fills the list of ``list(xs)``)."""
        located = self.of(call)
        return len(located) == 3 and f"{ast.unparse(call.func)}(" in located[2]


def _comment(stmt):
    """(N, text) of a ``# line N: text`` comment (a string statement here), or None."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str) \
            and stmt.value.value.startswith(_COMMENT):
        said = re.match(r"line (\d+): (.*)", stmt.value.value[len(_COMMENT):])
        return (int(said[1]), said[2]) if said else None
    return None


def _root_name(node):
    """The name whose object ``node`` (``v.m(...)``, ``v[i]``, ``v.a``, ``v``) reads or changes."""
    node = node.func if isinstance(node, ast.Call) else node
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _undoes(stmts, name):
    """Whether ``stmts`` pop from ``name`` or restore an item of it (the adjoint undoing
    the forward ``name.append(v)`` or ``name[i] = v``)."""
    return any(isinstance(n, ast.Call) and (
        isinstance(n.func, ast.Attribute) and n.func.attr == "pop" and _root_name(n.func.value) == name
        or isinstance(n.func, ast.Name) and n.func.id == "restore_item" and n.args and _root_name(n.args[0]) == name)
        for stmt in stmts for n in ast.walk(stmt))


def _names(text, name):
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", text) is not None


def _check_replayable(loop, stacks, namespace, lines):
    where = lines.where
    if loop.orelse or any(isinstance(node, (ast.Break, ast.Return, ast.Yield)) for node in ast.walk(loop)):
        _refuse("leaves early (break/return) or has an else clause", where)
    for node in ast.walk(loop):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
            _refuse(f"writes into an array or object ({ast.unparse(node)} = ...)", lines.of(node))
        if isinstance(node, ast.AugAssign):
            _refuse(f"changes a value in place ({ast.unparse(node).strip()})", lines.of(node.target))
        if isinstance(node, ast.Call):
            _check_call(node, stacks, namespace, lines)


def _check_call(call, stacks, namespace, lines):
    func = call.func
    chain = []
    while isinstance(func, ast.Attribute):
        chain.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name) and chain and chain[0] in _READ_ONLY_METHODS \
            and isinstance(func, (ast.Call, ast.BinOp, ast.UnaryOp, ast.Subscript)):
        return None     # a method of a value computed here (np.sin(x).sum()); the call is checked too
    if not isinstance(func, ast.Name):
        return _refuse(f"calls {ast.unparse(call.func)}(), which astgrad cannot check", lines.of(call))
    if func.id in stacks and chain in (["append"], ["pop"]):
        return None
    value = namespace.get(func.id)
    if value is None and not chain and func.id in _PURE_BUILTINS:
        return None
    for name in reversed(chain):
        if value is None or not isinstance(value, types.ModuleType):
            break
        value = getattr(value, name, None)
        chain = chain[:-1]
    if chain:       # a method of a value the loop computes
        if chain[0] not in _READ_ONLY_METHODS:
            called = f"the method {ast.unparse(call.func)}()" if lines.shows(call) else \
                f".{chain[0]}() on a list astgrad builds for this line"
            _refuse(f"calls {called}, which may change its object", lines.of(call))
        return None
    return _check_function(value, ast.unparse(call.func), lambda: lines.of(call))


def _check_function(value, text, located):
    module = getattr(value, "__module__", None) or ""
    name = getattr(value, "__name__", "")
    if module == "builtins" and name in _PURE_BUILTINS:
        return
    if any(module == m or module.startswith(m + ".") for m in _STATEFUL_MODULES) or value is None:
        _refuse(f"calls {text}(), whose result may change from one run to the next", located())
    if written_places(value):      # a gradient made outside of a function doing global K; K = K + 1
        _refuse(f"calls {text}(), which rebinds a global or a closure variable that a second run would rebind "
                "again", located())


def _carried(fn, loop, stacks):
    """Names of ``fn`` the loop body may read before it writes them: the loop's state.

    Names the loop only reads are state too: the reverse sweep of the code after the
    loop, which runs before the loop is replayed, may restore them to what the adjoint
    needs of them (their shape only, say). Parameters ``fn`` never assigns are not. A
    name written inside a nested loop or in one branch of an ``if`` only is not written
    for what follows (the loop may run no iteration, the other branch may run); a name
    written and then read inside a nested loop is not state (it may be bound nowhere
    before the loop, so saving it would fail)."""
    names = _stored_names(fn) - _stored_names(loop.target) - stacks
    state = []
    _reads_before_writes(loop.body, set(), names, state)
    return state


def _reads_before_writes(body, written, assigned, state):
    """Add to ``state`` the names of ``assigned`` that ``body`` may read before writing
    them, given the names ``written`` before it; returns the names written for sure
    once ``body`` has run."""
    written = set(written)
    for stmt in body:
        if isinstance(stmt, ast.If):
            _note_reads(stmt.test, written, assigned, state)
            then = _reads_before_writes(stmt.body, written, assigned, state)
            written |= then & _reads_before_writes(stmt.orelse, written, assigned, state)
        elif isinstance(stmt, ast.Try):     # the body may stop anywhere: a handler sees what was before
            done = _reads_before_writes(stmt.body, written, assigned, state)
            for handler in stmt.handlers:
                done &= _reads_before_writes(handler.body, written, assigned, state)
            written |= done
        elif isinstance(stmt, (ast.For, ast.While)):
            _note_reads(stmt.iter if isinstance(stmt, ast.For) else stmt.test, written, assigned, state)
            inner = written | (_stored_names(stmt.target) if isinstance(stmt, ast.For) else set())
            _reads_before_writes(stmt.body, inner, assigned, state)
            _reads_before_writes(stmt.orelse, written, assigned, state)
        else:
            _note_reads(stmt.value if isinstance(stmt, ast.Assign) else stmt, written, assigned, state)
            if isinstance(stmt, ast.Assign):
                written |= _stored_names(stmt)
    return written


def _note_reads(node, written, assigned, state):
    for name in ast.walk(node):
        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load) and name.id in assigned \
                and name.id not in written and name.id not in state:
            state.append(name.id)


def _undo_in_place(fn, forward, backward):
    """Between ``forward`` and ``backward``, updates in place (``b = a; b *= c`` or
    ``a *= c``, which code specialized to its arguments writes where ``a`` is no longer
    needed) of a value the loop reads become ``b = a * c`` again: the checkpoints keep
    that value for the replay, which runs after them."""
    read = {node.id for node in ast.walk(forward) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    start, end = fn.body.index(forward), fn.body.index(backward)
    at = start + 1
    while at < end:
        stmt = fn.body[at]
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            before = fn.body[at - 1]
            alias = before.value.id if isinstance(before, ast.Assign) and len(before.targets) == 1 \
                and isinstance(before.targets[0], ast.Name) and before.targets[0].id == name \
                and isinstance(before.value, ast.Name) else None
            if alias in read or (alias is None and name in read):
                value = ast.BinOp(ast.Name(alias or name, ast.Load()), stmt.op, stmt.value)
                fn.body[at] = ast.Assign([ast.Name(name, ast.Store())], value)
                if alias is not None:
                    del fn.body[at - 1]
                    at, end = at - 1, end - 1
        at += 1


def _without_pushes(body, stacks):
    """The loop body without its saves (``X_stack.append(...)``), nested blocks included."""
    kept = []
    for stmt in body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "append" \
                and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id in stacks:
            continue
        stmt = copy.deepcopy(stmt)
        for field in ("body", "orelse"):
            if getattr(stmt, field, None):          # (an empty else stays empty)
                setattr(stmt, field, _without_pushes(getattr(stmt, field), stacks))
        kept.append(stmt)
    return kept or [ast.Pass()]


def _rewrite(fn, forward, backward, stacks, every, number):
    """Replace the loop pair by the checkpointed forward loop and segment-wise reverse."""
    target = ast.unparse(forward.target)
    base = f"{target}_{number}" if number else target
    steps, segment, saved = f"{base}_steps", f"{base}_segment", f"{base}_checkpoints"
    span = f"{base}_every"
    state = _carried(fn, forward, stacks)
    state_text = ", ".join(state) + ("," if len(state) == 1 else "")
    range_text = ast.unparse(forward.iter)
    note = _COMMENT + f"checkpointed loop: its state is kept every {span} iterations"
    again = _COMMENT + "each segment, last first: its state restored, run forward saving, then its adjoint"
    head = ast.parse(f"{note!r}\n"
                     f"{steps} = {range_text}\n"
                     f"{span} = checkpoint_interval(len({steps}), {every!r})\n"
                     f"{saved} = []\n").body
    primal = ast.parse(f"for {segment} in range(0, len({steps}), {span}):\n"
                       f"    {saved}.append(({state_text}))\n"
                       f"    for {target} in {steps}[{segment}:{segment} + {span}]:\n"
                       f"        pass\n").body[0]
    primal.body[1].body = _without_pushes(forward.body, stacks)
    reverse = ast.parse(f"for {segment} in reversed(range(0, len({steps}), {span})):\n"
                        f"    {state_text} = {saved}.pop()\n"
                        f"    for {target} in {steps}[{segment}:{segment} + {span}]:\n"
                        f"        pass\n"
                        f"    for {target} in reversed({steps}[{segment}:{segment} + {span}]):\n"
                        f"        pass\n").body[0]
    if not state:
        reverse.body[0] = ast.Expr(ast.parse(f"{saved}.pop()", mode="eval").body)
        primal.body[0] = ast.Expr(ast.parse(f"{saved}.append(())", mode="eval").body)
    reverse.body[1].body = forward.body
    reverse.body[2].body = backward.body
    kept, put_back = _rebound_left(forward, base)
    held, restored = _values_left(fn, forward, backward, state, base)
    at = fn.body.index(forward)
    fn.body[at:at + 1] = head + [primal] + kept
    at = fn.body.index(backward)
    fn.body[at:at + 1] = held + [ast.Expr(ast.Constant(again)), reverse] + restored + put_back


def _values_left(fn, forward, backward, state, base):
    """(statements before the reverse sweep, after it) keeping the loop's state that the
    adjoint loop does not restore (code made for its arguments' kinds returns ``t`` as the
    loop left it, saving nothing) and that code after the sweep reads: the replay rebinds
    it, to what the first segment leaves."""
    after = fn.body[fn.body.index(backward) + 1:]
    read = {node.id for stmt in after for node in ast.walk(stmt)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    names = [name for name in state if name in read and name not in _stored_names(backward)]
    if not names:
        return [], []
    text = ", ".join(names) + ("," if len(names) == 1 else "")
    return [ast.parse(f"{base}_left = ({text})").body[0]], [ast.parse(f"{text} = {base}_left").body[0]]


def _rebound_left(forward, base):
    """(statements after the first run of the loop, after its replay) keeping the globals
    and closure variables the loop rebinds (``store_global('K', K_1)``) as the first run
    left them and putting them back after the replay, which rebinds them again: they end
    as one call of the function leaves them."""
    stores = {}
    for node in ast.walk(forward):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("store_global", "store_nonlocal") and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            stores.setdefault(node.args[0].value, node.func.id)
    if not stores:
        return [], []
    note = _COMMENT + "what the loop rebinds outside the function, as this run left it: the replay rebinds it again"
    rebound = [name for name, store in stores.items() if store == "store_global"]
    kept = [ast.Expr(ast.Constant(note))]
    put_back = []
    if rebound:     # a snapshot: a global the loop may not have defined yet is put back as absent
        kept.append(ast.parse(f"{base}_globals = globals_now({', '.join(map(repr, rebound))})").body[0])
        put_back.append(ast.parse(f"put_back({base}_globals)").body[0])
    for name in [name for name, store in stores.items() if store == "store_nonlocal"]:
        kept.append(ast.parse(f"{base}_left_{name} = {name}").body[0])
        put_back.append(ast.parse(f"store_nonlocal({name!r}, {base}_left_{name}, {name})").body[0])
    return kept, put_back
