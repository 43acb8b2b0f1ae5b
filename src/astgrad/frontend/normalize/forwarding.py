"""Function values made by an expression, followed as local functions that forward their
arguments (closures.py inlines them where they are called, and a helper handed one is
inlined too):

- ``functools.partial(g, a, k=v)`` handed around as a value (to a helper, ``map``,
  ``sorted(key=...)``, ``functools.reduce``, a name the code passes on) is
  ``def partial(*args, k=<v>, **kwargs): return g(<a>, *args, k=k, **kwargs)``, its
  arguments read where the partial is made;
- ``np.sin if c else g`` is ``def chosen(*args, **kwargs): if <c>: return np.sin(*args,
  **kwargs)`` ... ``return g(*args, **kwargs)``, the test evaluated where Python
  evaluates it;
- one name defined in each branch of an ``if`` (``if c: def act(z): ... else: def
  act(z): ...``, or a lambda bound in each) is a function of its own in each branch,
  the branch taken noted in a flag, and the name bound after the ``if`` to the one
  the flag chose (``act = act_1 if choice == 0 else act_2``), followed as above.
"""

import functools

import gast

from ...core.first_use import imported_when_called
from ...core import syntax as S
from .call_forms import _flat_partial
from .closures import Local, is_function_object
from .scopes import binding_counts
from ...core.walk import rewrite_each_block

# modules only some functions need, loaded with the first call of these (core/first_use.py)
if_chain = imported_when_called(__package__ + ".branch_defaults", "if_chain")
reads_name = imported_when_called(__package__ + ".branch_defaults", "reads_name")
spread_branch_defaults = imported_when_called(__package__ + ".branch_defaults", "spread_branch_defaults")


class ForwardingFunctions:
    """Normalizer methods for partials as values and functions chosen by a condition."""

    def is_partial_value(self, node):
        """``functools.partial(g, a, k=v)`` of a function value known now, its arguments
        written out (no ``*xs``/``**d``)."""
        return self.resolve_call(node) is functools.partial and bool(node.args) \
            and not any(isinstance(a, gast.Starred) for a in node.args) \
            and all(kw.arg is not None for kw in node.keywords) and self.looks_like_function(node.args[0])

    def partial_value(self, node):
        """``functools.partial(g, a, k=v)`` handed around as a value (to a helper, bound to
        a name the code passes on): the local function it behaves as, inlined where called,
        its arguments read now::

            def partial(*args, k=<v>, **kwargs):
                return g(<a>, *args, k=k, **kwargs)
        """
        node = _flat_partial(self, node)
        bound = [self.kept_atom(a) for a in node.args[1:]]
        keywords = {kw.arg: self.kept_atom(kw.value) for kw in node.keywords}
        return self.forwarding_function("functools.partial", lambda call: [gast.Return(value=call(
            self.function_name(node.args[0]), bound, [gast.keyword(arg=k, value=S.name(k)) for k in keywords]))],
            keywords)

    def chosen_function(self, node):
        """``f = np.sin if c else g`` (each a function value known now): the local function
        calling the one chosen, the test evaluated now (where Python evaluates it)::

            def chosen(*args, **kwargs):
                if <c>:
                    return np.sin(*args, **kwargs)
                return g(*args, **kwargs)
        """
        test = self.kept_atom(node.test)
        first, second = self.function_name(node.body), self.function_name(node.orelse)
        return self.forwarding_function("a function chosen by a conditional expression", lambda call: [
            gast.If(test=S.copy(test), body=[gast.Return(value=call(first, [], []))], orelse=[]),
            gast.Return(value=call(second, [], []))], {})

    def function_name(self, node):
        """An expression naming the function value ``node`` (a local function's name)."""
        if isinstance(node, gast.Lambda):
            return S.name(self.define_local(self.namer.fresh("lambda"), node, "lambda"))
        if isinstance(node, gast.Name) and node.id in self.functions:
            return S.copy(node)
        function = self.function_value(node)
        if hasattr(function, "func"):
            return S.copy(function.func)
        name = self.namer.fresh("fn")
        self.functions[name] = function
        self.locals.add(name)
        return S.name(name)

    def forwarding_function(self, label, body, keywords):
        """A local function taking any arguments (and the keyword-only ``keywords``,
        {name: default atom}) whose ``body(call)`` forwards them: ``call(func, first,
        named)`` is the call of ``func`` with ``first``, the arguments and ``named``."""
        star, double = self.namer.fresh("args"), self.namer.fresh("kwargs")

        def param(name):
            return gast.Name(id=name, ctx=gast.Param(), annotation=None, type_comment=None)

        def call(func, first, named):
            return gast.Call(func=S.copy(func), args=list(first) + [gast.Starred(value=S.name(star), ctx=gast.Load())],
                             keywords=list(named) + [gast.keyword(arg=None, value=S.name(double))])
        statements = body(call)
        for stmt in statements:
            for sub in S.walk_nodes(stmt):
                if isinstance(sub, gast.stmt):
                    sub.lineno = self.line
        fn = gast.FunctionDef(name=self.namer.fresh("forward"), args=gast.arguments(
            posonlyargs=[], args=[], vararg=param(star), kwonlyargs=[param(k) for k in keywords],
            kw_defaults=[None] * len(keywords), kwarg=param(double), defaults=[]),
            body=statements, decorator_list=[], returns=None, type_comment=None, type_params=[])
        fn.lineno = self.line
        return Local(label, fn, [], keywords)


def choose_branch_functions(normalizer, tree):
    """``tree`` (the differentiated def) with each name defined as a function in every
    branch of an ``if`` (and nowhere else, and not read inside the branches) rewritten
    as a function per branch and a choice after the ``if`` (see the module doc). Whether
    it rewrote one."""
    if not any(count > 1 for count in normalizer.bound_count.values()):
        return False
    spread_branch_defaults(normalizer, tree, lambda stmt: _defined(stmt, normalizer))    # branch_defaults.py
    counts, made = binding_counts([tree]), []
    values = _used_as_values(tree)

    def rewrite(block):
        out = []
        for stmt in block:
            out.append(stmt)
            if isinstance(stmt, gast.If):
                out.extend(_chosen(normalizer, stmt, counts, made, values))
        return out
    tree.body = rewrite_each_block(tree.body, rewrite)
    if made:
        normalizer.bound_count = binding_counts([tree])
        normalizer.locals |= set(made)
    return bool(made)


def _chosen(normalizer, stmt, counts, made, values):
    """The bindings after ``stmt`` of each name its branches each define once (its
    definitions renamed, a flag set after each). A name only ever bound to global
    functions and also used as a value (handed to a helper) is left as it is: the
    helper is made for the function it is given when the code runs."""
    branches = _branches(stmt)
    if branches is None:
        return []
    after = []
    for name in [n for n in (_defined(s, normalizer) for s in branches[0]) if n is not None]:
        if name in values and all(_binds_global(s, name) for branch in branches for s in branch):
            continue
        if counts[name] != len(branches) or any(
                [_defined(s, normalizer) for s in branch].count(name) != 1 or reads_name(branch, name)
                for branch in branches):
            continue
        flag = normalizer.namer.fresh(name + "_choice")
        choices = []
        for k, branch in enumerate(branches):
            at = next(i for i, s in enumerate(branch) if _defined(s, normalizer) == name)
            own = normalizer.namer.fresh(name)
            _rename(branch[at], own)
            branch.insert(at + 1, gast.copy_location(S.assign(flag, S.const(k)), branch[at]))
            choices.append(own)
        made.extend(choices + [flag])
        value = S.name(choices[-1])
        for k in range(len(choices) - 2, -1, -1):
            test = gast.Compare(left=S.name(flag), ops=[gast.Eq()], comparators=[S.const(k)])
            value = gast.IfExp(test=test, body=S.name(choices[k]), orelse=value)
        after.append(gast.copy_location(S.assign(name, value), stmt))
    return after


def _branches(stmt):
    """The blocks of an ``if``/``elif``/``else`` chain ending in an ``else``; None without one."""
    branches, last = if_chain(stmt)
    return branches if last.orelse else None


def _defined(stmt, normalizer):
    """The name ``stmt`` defines a function under (a def, or a lambda or a global function
    bound to a name), or None."""
    if isinstance(stmt, gast.FunctionDef) and not stmt.decorator_list:
        return stmt.name
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    path = S.dotted_path(stmt.value)
    if isinstance(stmt.value, gast.Lambda) or path is not None and path[0] not in normalizer.locals \
            and is_function_object(normalizer.source.resolve_path(path, depend=False)):
        return stmt.targets[0].id
    return None


def _used_as_values(tree):
    """The names read other than as the function of a call (``g(f)`` reads ``f`` as a value)."""
    called = {id(n.func) for n in S.walk_nodes(tree) if isinstance(n, gast.Call)}
    return {n.id for n in S.walk_nodes(tree)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and id(n) not in called}


def _binds_global(stmt, name):
    """Whether ``stmt`` is not a def or lambda bound to ``name`` (so, in a branch that
    defines ``name``, its binding is a global function)."""
    if isinstance(stmt, gast.FunctionDef):
        return stmt.name != name
    return not (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Lambda)
                and any(isinstance(t, gast.Name) and t.id == name for t in stmt.targets))


def _rename(stmt, name):
    if isinstance(stmt, gast.FunctionDef):
        stmt.name = name
    else:
        stmt.targets[0].id = name


def branch_defines_function(normalizer, nodes):
    """Whether the body of an ``if`` among ``nodes`` binds a function (a def, a lambda or
    a global function): what ``choose_branch_functions`` looks for. Most code binds none
    (generated code, a derivative differentiated again, never), and this look costs less
    than that pass's walks."""
    return any(type(node) is gast.If and any(_defined(stmt, normalizer) is not None or _tuple_binding(stmt)
                                             for stmt in node.body) for node in nodes)


def _tuple_binding(stmt):
    """``a, b = e1, e2``: a tuple assignment that may bind a function (branch_defaults.py)."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Tuple) and isinstance(stmt.value, gast.Tuple)
