"""What following the links of a relation reaches: the transitive closure, shared by
the analyses that follow aliases (``b = a``) and what containers hold."""

__all__ = ["reached_from"]


def reached_from(starts, links):
    """The nodes reached from ``starts`` by following ``links`` (a dict: a node to the
    nodes it links to) one step or more; a start is in it only where a link leads back."""
    found, todo = set(), list(starts)
    while todo:
        for node in links.get(todo.pop(), ()):
            if node not in found:
                found.add(node)
                todo.append(node)
    return found
