"""Uses of a class of the body before a class its methods read is made.

    def f(x):
        class A:
            def make(self):
                return B(self.v)
        a = A(x)                # a.make() here raises NameError in Python
        class B: ...
        return a.make().w       # here it finds B

A method, or a def or lambda of the body, reads the names of the body when it runs.
Python raises NameError where a method of ``A`` reading ``B`` (directly, or through a
class, def or lambda whose code uses it) runs before ``class B`` has run; a name of the
body read before its class statement raises too. astgrad makes the classes when it
generates code, so it refuses any use of ``A`` before ``class B`` (and of ``B`` itself),
naming the line: a use after it is followed. One use of ``A`` before it is followed:
``a = A(x)``, where building the instance runs nothing needing ``B``
(early_instances.py); ``a`` is then refused before ``class B`` as ``A`` is.
"""

import gast

from ...core import syntax as S
from .early_instances import instance_built_safely


def check_class_order(normalizer, body, reads_by_time):
    """Refuse the first use in ``body`` (its top-level statements) of a class of the body
    before the class statement of a class it needs (see above). ``reads_by_time(stmt)``:
    (the names a class statement reads when it runs, those its methods read)."""
    timed = [_reads_by_time(stmt, reads_by_time) for stmt in body]
    def resolve(node):
        path = S.dotted_path(node)
        return path and normalizer.source.resolve_path(path)

    for at, stmt in enumerate(body):
        if isinstance(stmt, gast.ClassDef):
            needing = _needing({stmt.name}, body[:at], timed)
            classes = {c.name: c for c in body[:at] if isinstance(c, gast.ClassDef)}
            for earlier, (now, _) in zip(body[:at], timed):
                instance = instance_built_safely(earlier, needing, classes, resolve)
                if instance is not None:            # its methods may run only through it
                    needing = _needing(needing | {instance}, body[:at], timed)
                elif now & needing:
                    raise _refusal(normalizer, _first_read(earlier, now & needing), stmt.name, stmt)


def _reads_by_time(stmt, class_reads):
    """(the names a top-level statement reads when it runs, those it reads later: a
    class's methods, a def's body)."""
    if isinstance(stmt, gast.ClassDef):
        return class_reads(stmt)
    if isinstance(stmt, gast.FunctionDef):
        made = stmt.decorator_list + stmt.args.defaults + [d for d in stmt.args.kw_defaults if d] \
            + [a.annotation for a in stmt.args.args + stmt.args.kwonlyargs if a.annotation] \
            + ([stmt.returns] if stmt.returns else [])
        return _loaded(made), _loaded(stmt.body)
    if _holder_name(stmt):                  # g = lambda v: B(v): its body runs when called
        made = stmt.value.args.defaults + [d for d in stmt.value.args.kw_defaults if d]
        return _loaded(made), _loaded([stmt.value.body])
    return _loaded([stmt]), set()


def _holder_name(stmt):
    """The name a class, def or ``name = lambda ...`` statement binds; else None."""
    if isinstance(stmt, (gast.ClassDef, gast.FunctionDef)):
        return stmt.name
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
            and isinstance(stmt.value, gast.Lambda):
        return stmt.targets[0].id
    return None


def _loaded(nodes):
    return {n.id for node in nodes for n in S.walk_nodes(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)}


def _needing(names, before, timed):
    """``names`` and the classes, defs and lambdas among the statements ``before`` whose
    methods or body read one of them, or read one of those."""
    holders = [(_holder_name(stmt), later) for stmt, (_, later) in zip(before, timed) if _holder_name(stmt)]
    needing, grew = set(names), True
    while grew:
        more = {holder for holder, later in holders if holder not in needing and later & needing}
        needing |= more
        grew = bool(more)
    return needing


def _first_read(stmt, names):
    """The first name node of ``stmt`` reading one of ``names``."""
    nodes = [n for n in S.walk_nodes(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)
             and n.id in names]
    return min(nodes, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _refusal(normalizer, node, needed, class_stmt):
    line = normalizer.source.file_line(class_stmt)
    normalizer.line = getattr(node, "lineno", normalizer.line)
    if node.id == needed:
        return normalizer._refuse(
            f"a use of the class '{needed}' before its class statement (line {line}): Python raises NameError "
            "where it runs before then", node, f"define {needed} before this line")
    return normalizer._refuse(
        f"a use of '{node.id}' before the class '{needed}' it needs is defined (line {line}): a method or "
        f"function reading '{needed}' that runs before then raises NameError in Python", node,
        f"define {needed} before this line, or use {node.id} after it")
