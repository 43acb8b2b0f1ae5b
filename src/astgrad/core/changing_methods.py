"""The one table of the methods that change the object they are called on, by name: the
modules that look for a change in place in code or in a code object's names (before the
receiver's class is known) read it here, each taking the part it needs."""

# the methods of lists, dicts, sets and arrays that change their object
CHANGING_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
                              "update", "setdefault", "popitem", "add", "discard", "fill"})

# further methods changing a set, a deque or a NumPy array
MORE_CHANGING_METHODS = frozenset({
    "difference_update", "intersection_update", "symmetric_difference_update",        # a set's
    "appendleft", "extendleft", "popleft", "rotate",                                    # a deque's
    "put", "itemset", "resize", "partition", "setfield", "setflags", "byteswap"})      # an array's

# the methods changing the length of a list (a list an object holds grows or shrinks)
LIST_RESIZING = frozenset({"append", "extend", "insert", "pop"})
assert LIST_RESIZING <= CHANGING_METHODS
