"""``match`` statements, lowered to ``if`` statements before normalization.

    match p:                          subject = p
        case [a, b] if a > b:         matched = False
            body1                     if matches_sequence(subject, 2, True):
        case _:                           a = subject[0]; b = subject[1]
            body2                         if a > b:
                                              matched = True
                                              body1
                                      if not matched:
                                          matched = True
                                          body2

Without guards the cases become one ``if``/``elif`` chain and need no flag. The
subject is evaluated once, into a fresh name, so a capture that rebinds the subject's
name cannot change what later cases see. Literal, value, singleton, capture, wildcard,
``|`` (without captures), sequence (with an unnamed ``*_``), mapping and class
patterns are lowered; a named ``*rest``, ``**rest``, captures inside ``|`` and
positional sub-patterns of user classes are refused.
"""

import gast

from .. import runtime
from ..core import syntax as S
from ..core import walk
from ..core.methods import CLASS_ROOT
from ..core.missing import MISSING

# Builtin classes whose single positional sub-pattern matches the subject itself.
_SELF_MATCHING = (bool, bytearray, bytes, dict, float, frozenset, int, list, set, str, tuple)


class MatchLowering:
    def __init__(self, normalizer):
        self.normalizer = normalizer

    def block(self, stmts):
        """``stmts`` with every ``match`` (at any depth) replaced by ``if`` statements."""
        return walk.rewrite_blocks(stmts, lambda stmt: self.lower(stmt) if isinstance(stmt, gast.Match) else stmt)

    def lower(self, stmt):
        normalizer = self.normalizer
        normalizer.line = getattr(stmt, "lineno", normalizer.line)
        subject = self.fresh("subject")
        out = [S.assign(subject, stmt.subject)]
        cases = []
        for case in stmt.cases:
            test, bindings = self.pattern(case.pattern, S.name(subject))
            cases.append((test, bindings, case.guard, self.block(case.body), case))
        if not any(guard is not None for _, _, guard, _, _ in cases):
            out.extend(self.chain(cases))
        else:
            out.extend(self.with_flag(cases))
        for node in out:
            _set_line(node, stmt)
        return out

    def chain(self, cases):
        """``if c1: ... elif c2: ...``; a case that always matches ends the chain."""
        first, tail = [], None
        for test, bindings, _, body, case in cases:
            block = bindings + (body or [gast.Pass()])
            if test is None:
                branch = block
            else:
                branch = [_at(gast.If(test=test, body=block, orelse=[]), case.pattern)]
            if tail is None:
                first = branch
            else:
                tail.orelse = branch
            if test is None:
                break
            tail = branch[0]
        return first

    def with_flag(self, cases):
        flag = self.fresh("matched")
        out = [S.assign(flag, S.const(False))]
        for position, (test, bindings, guard, body, case) in enumerate(cases):
            block = [S.assign(flag, S.const(True))] + body
            if guard is not None:
                block = [_at(gast.If(test=guard, body=block, orelse=[]), case.pattern)]
            block = bindings + block
            if test is not None:
                block = [_at(gast.If(test=test, body=block, orelse=[]), case.pattern)]
            if position > 0:
                block = [_at(gast.If(test=gast.UnaryOp(op=gast.Not(), operand=S.name(flag)),
                                     body=block, orelse=[]), case.pattern)]
            out.extend(block)
        return out

    # -- patterns ---------------------------------------------------------------------

    def pattern(self, pattern, subject):
        """(test or None when the pattern always matches, [capture assignments])."""
        method = getattr(self, "pattern_" + type(pattern).__name__, None)
        if method is None:
            raise self.refuse(f"the pattern '{type(pattern).__name__}'", pattern)
        return method(pattern, subject)

    def pattern_MatchValue(self, pattern, subject):
        return _compare(subject, gast.Eq(), pattern.value), []

    def pattern_MatchSingleton(self, pattern, subject):
        return _compare(subject, gast.Is(), S.const(pattern.value)), []

    def pattern_MatchAs(self, pattern, subject):
        test, bindings = (None, []) if pattern.pattern is None else self.pattern(pattern.pattern, subject)
        if pattern.name is not None:
            bindings = bindings + [self.capture(pattern.name, subject, pattern)]
        return test, bindings

    def pattern_MatchOr(self, pattern, subject):
        """``p1 | p2``: either test; captures (Python makes every alternative bind the
        same names) are bound by the first alternative that matches, tested again."""
        tests, captures = [], []
        for alternative in pattern.patterns:
            test, bindings = self.pattern(alternative, subject)
            if test is None and not bindings:
                return None, []
            tests.append(S.const(True) if test is None else test)
            captures.append(bindings)
        chain = []
        for test, bindings in reversed(list(zip(tests, captures))):
            if any(captures):
                chain = [_at(gast.If(test=S.copy(test), body=bindings or [gast.Pass()], orelse=chain), pattern)]
        return gast.BoolOp(op=gast.Or(), values=tests), chain

    def pattern_MatchSequence(self, pattern, subject):
        items = pattern.patterns
        stars = [i for i, p in enumerate(items) if isinstance(p, gast.MatchStar)]
        exact = not stars
        length = len(items) - len(stars)
        tests = [self.helper("matches_sequence", [S.copy(subject), S.const(length), S.const(exact)])]
        bindings = []
        for position, item in enumerate(items):
            if isinstance(item, gast.MatchStar):
                if item.name is not None:       # *rest: a new list of the items it spans
                    after = len(items) - position - 1
                    span = gast.Slice(lower=S.const(position), upper=S.const(-after) if after else None, step=None)
                    rest = S.call(S.name("list"), [
                        gast.Subscript(value=S.copy(subject), slice=span, ctx=gast.Load())])
                    bindings.append(self.capture(item.name, rest, item))
                continue
            index = position if exact or position < stars[0] else position - len(items)
            part = gast.Subscript(value=S.copy(subject), slice=S.const(index), ctx=gast.Load())
            self.add(self.pattern(item, part), tests, bindings)
        return _all(tests), bindings

    def pattern_MatchMapping(self, pattern, subject):
        keys = gast.Tuple(elts=[S.copy(k) for k in pattern.keys], ctx=gast.Load())
        tests = [self.helper("matches_mapping", [S.copy(subject), keys])]
        bindings = []
        for key, item in zip(pattern.keys, pattern.patterns):
            part = gast.Subscript(value=S.copy(subject), slice=S.copy(key), ctx=gast.Load())
            self.add(self.pattern(item, part), tests, bindings)
        if pattern.rest is not None:        # **rest: a new dict of the other items
            k, v = self.fresh("key"), self.fresh("value")
            items = gast.Call(func=gast.Attribute(value=S.copy(subject), attr="items", ctx=gast.Load()),
                              args=[], keywords=[])
            other = gast.Compare(left=S.name(k), ops=[gast.NotIn()], comparators=[S.copy(keys)])
            rest = gast.DictComp(key=S.name(k), value=S.name(v), generators=[gast.comprehension(
                target=gast.Tuple(elts=[S.name(k, store=True), S.name(v, store=True)], ctx=gast.Store()),
                iter=items, ifs=[other], is_async=0)])
            bindings.append(self.capture(pattern.rest, rest, pattern))
        return _all(tests), bindings

    def pattern_MatchClass(self, pattern, subject):
        positional = self.positional_attributes(pattern)
        attrs = (positional or []) + list(pattern.kwd_attrs)
        names = gast.Tuple(elts=[S.const(a) for a in attrs], ctx=gast.Load())
        tests = [self.helper("matches_class", [S.copy(subject), S.copy(pattern.cls), names])]
        bindings = []
        if pattern.patterns and positional is None:     # float(v), a class matching itself
            self.add(self.pattern(pattern.patterns[0], subject), tests, bindings)
        for attr, item in zip(positional or [], pattern.patterns):
            part = gast.Attribute(value=S.copy(subject), attr=attr, ctx=gast.Load())
            self.add(self.pattern(item, part), tests, bindings)
        for attr, item in zip(pattern.kwd_attrs, pattern.kwd_patterns):
            part = gast.Attribute(value=S.copy(subject), attr=attr, ctx=gast.Load())
            self.add(self.pattern(item, part), tests, bindings)
        return _all(tests), bindings

    def positional_attributes(self, pattern):
        """The attributes ``Point(a, b)``'s positional sub-patterns match (the class's
        ``__match_args__``, read when the code is generated); None for a built-in class
        matching its subject itself (``float(v)``) or no positional sub-pattern."""
        if not pattern.patterns:
            return None
        cls = self.resolve(pattern.cls)
        if cls in _SELF_MATCHING and len(pattern.patterns) == 1:
            return None
        match_args = getattr(cls, "__match_args__", None) if isinstance(cls, type) else None
        if not isinstance(match_args, tuple) or len(pattern.patterns) > len(match_args) \
                or not all(isinstance(a, str) for a in match_args):
            raise self.refuse("a class pattern with positional sub-patterns beyond the class's "
                              "__match_args__", pattern, "use keyword sub-patterns (Point(x=a))")
        # the code depends on the attributes named now: a class given other
        # __match_args__ later is noticed (its code is made again), as Python reads them at each match
        self.normalizer.source.dependencies.append(((CLASS_ROOT, "__match_args__"), (cls, match_args)))
        return list(match_args[:len(pattern.patterns)])

    # -- helpers ----------------------------------------------------------------------

    @staticmethod
    def add(result, tests, bindings):
        test, more = result
        if test is not None:
            tests.append(test)
        bindings.extend(more)

    def capture(self, name, value, node):
        self.normalizer.locals.add(name)
        return _at(S.assign(name, S.copy(value)), node)

    def fresh(self, hint):
        name = self.normalizer.namer.fresh(hint)
        self.normalizer.locals.add(name)
        return name

    def helper(self, helper_name, args):
        return S.call(S.name(self.normalizer.bind(getattr(runtime, helper_name))), args)

    def resolve(self, node):
        path = S.dotted_path(node)
        if path is None or path[0] in self.normalizer.locals:
            return None
        obj = self.normalizer.source.resolve_path(path)
        return None if obj is MISSING else obj

    def refuse(self, kind, node, advice=None):
        self.normalizer.line = getattr(node, "lineno", self.normalizer.line)
        return self.normalizer._refuse(kind, node, advice)


def _compare(left, op, right):
    return gast.Compare(left=S.copy(left), ops=[op], comparators=[S.copy(right)])


def _all(tests):
    return tests[0] if len(tests) == 1 else gast.BoolOp(op=gast.And(), values=tests)


def _at(stmt, node):
    line = getattr(node, "lineno", None)
    if line is not None:
        stmt.lineno = line
    return stmt


def _set_line(stmt, match):
    """Statements without a line of their own report the ``match`` line."""
    for node in S.walk_nodes(stmt):
        if isinstance(node, gast.stmt) and getattr(node, "lineno", None) is None:
            node.lineno = match.lineno

