"""Uses of a class of the body before a class its methods read is made.

    def f(x):
        class A:
            def make(self):
                return B(self.v)
        a = A(x)                # a.make() here raises NameError in Python
        class B: ...
        return a.make().w       # here it finds B

A method reads the names of the body when it runs. Python raises NameError where a
method of ``A`` reading ``B`` (directly, or through a class whose method it uses) runs
before ``class B`` has run; a name of the body read before its class statement raises
too. astgrad makes the classes when it generates code, so it refuses any use of ``A``
before ``class B`` (and of ``B`` itself), naming the line: a use after it is followed.
"""

import gast

from ...core import syntax as S


def check_class_order(normalizer, body, reads_by_time):
    """Refuse the first use in ``body`` (its top-level statements) of a class of the body
    before the class statement of a class it needs (see above). ``reads_by_time(stmt)``:
    (the names a class statement reads when it runs, those its methods read)."""
    classes = {stmt.name: (index, stmt) for index, stmt in enumerate(body) if isinstance(stmt, gast.ClassDef)}
    reads = {name: reads_by_time(stmt) for name, (_, stmt) in classes.items()}
    for name, (at, stmt) in classes.items():
        needing = _needing(name, at, classes, reads)
        for earlier in body[:at]:
            found = _first_read(earlier, needing, reads)
            if found is not None:
                raise _refusal(normalizer, found, name, stmt)


def _needing(name, at, classes, reads):
    """``name`` and the classes made before index ``at`` whose methods read it, or read
    one of those."""
    needing, grew = {name}, True
    while grew:
        more = {other for other, (index, _) in classes.items()
                if index < at and other not in needing and reads[other][1] & needing}
        needing |= more
        grew = bool(more)
    return needing


def _first_read(stmt, names, reads):
    """The first name node of ``stmt`` reading one of ``names`` when it runs (a class
    statement's methods run later: their reads are left to ``_needing``), or None."""
    if isinstance(stmt, gast.ClassDef) and not reads[stmt.name][0] & names:
        return None
    nodes = [n for n in S.walk_nodes(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)
             and n.id in names]
    return min(nodes, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)), default=None)


def _refusal(normalizer, node, needed, class_stmt):
    line = normalizer.source.file_line(class_stmt)
    normalizer.line = getattr(node, "lineno", normalizer.line)
    if node.id == needed:
        return normalizer._refuse(
            f"a use of the class '{needed}' before its class statement (line {line}), where Python raises "
            "NameError", node, f"define {needed} before this line")
    return normalizer._refuse(
        f"a use of the class '{node.id}' before the class '{needed}' it needs is defined (line {line}): a method "
        f"reading '{needed}' that runs before then raises NameError in Python", node,
        f"define {needed} before this line, or use {node.id} after it")
