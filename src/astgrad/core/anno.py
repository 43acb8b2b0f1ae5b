"""Annotations: what a stage learned about a tree node, under keys declared here.

Stages record analysis results on gast nodes (which object a call resolves to,
which statement saves a value, which names are live after a statement) so later
stages can read them. Every key is declared once in :class:`Key`, with a line
saying what it holds, and read and written only through :func:`get`,
:func:`set` and :func:`has`; a key missing from the class cannot be used by
mistake. Annotations live in one dict per node, so ``copy.deepcopy`` of a tree
keeps them.
"""

_SLOT = SLOT = "_astgrad_anno"     # the attribute holding a node's annotations


class Key:
    """The annotation keys, one per analysis result, grouped by the stage that writes them.

    Each is a member of this class made from its description (see ``_make_members``),
    with a ``name`` and a ``value`` as an enum's: equal to itself only and hashed by
    identity. Not an ``enum.Enum``: before Python 3.12 reading ``Key.SAVE`` off an enum
    class runs its metaclass's ``__getattr__`` hook, three times what reading a class
    attribute costs, and every annotation lookup reads a key."""

    __slots__ = ("name", "value")

    # frontend (normalize; the modes and templates write TARGET and METHOD on calls they make)
    TARGET = "the Python object a call or name resolves to"
    METHOD = "the method name when a call is obj.method(...), else None"
    AUGMENTED = "this statement came from an augmented assignment (x += ...)"
    REBOUND_ITEM = "x op= v on a loop's item, rebinding x after a check that it holds a number"
    GLOBAL_CHAIN = "an attribute chain read from a module global (np.linalg.det)"
    CONCATENATOR = "numpy.r_[...] / numpy.c_[...]: its items are its operands"
    RESTORES = "c[k] = v made of derivative code's restore_item(c, k, v): written back as that call"
    CATCHES = "an if that is a try: its test the exception types caught, its else recording the exception"
    CAUGHT = "error = ... recording a try's exception (or None): read by the handler choice only, never saved"
    ARGUMENT_COPY = "x_1 = copy_argument(x) the normalizer made for an argument the function writes into"
    LOOP_FOR = "a loop the normalizer made -> the construct written that it follows, in words"
    OWN_LIST = "xs.append(e) a comprehension's loop makes: its list is new, held by nothing else"
    KEPT_VIEW = "v = o.attr[i] kept across calls of o's methods, read again after each (kept_attribute_views.py)"
    SHARED_ITEM = "c[k] = v storing op='s new value into each dict holding that very array (shared_dict_items.py)"

    # analysis (dataflow, sharing)
    LIVE_OUT = "the names live after this statement (dataflow.liveness)"
    PURE = "a call, or a called name, known to have no effect (read by dataflow.is_pure)"
    # the in-place check's facts, kept at the in-place writes only (sharing.mark_unshared)
    UNSHARED = "names written in place here whose object no other name or container refers to"
    TOUCHED_SINCE_MADE = "name written in place here -> the names bound since its object was made"
    UNTOUCHED_CONSTANTS = "names holding a constant that nothing has read since (at in-place writes)"
    VALUE_MAY_OVERLAP = "y[i] = v where v may share y's memory (y itself, a view of it): checked when it runs"

    # modes, shared by reverse and forward mode (common, templates)
    RANGE_LOOP = "a for loop over a range: its target is always an int"
    TOP_LEVEL = "a statement that runs unconditionally (not in a loop or a branch)"
    ELEMENT_OF = "v = y[i]: the container name y this statement reads an element of"
    FOLLOWS = "v = y after a write into y's object: v was that object already (no save needed)"
    KEPT_INDEX = "v = y[i]: the name that keeps the index i for refreshing v after writes to y"
    ACCUMULATE = "a derivative statement d[x] = e: adds to the derivative, or sets it first"
    MAY_RAISE = "a primal statement that may raise (analysis.raising): kept though its value is unused"

    # reverse mode: saving and restoring overwritten values (planned by analysis.saves)
    SAVE = "the analysis.saves.Save record of the value this statement overwrites (None: recomputed)"
    DEFINED_BEFORE = "names surely assigned before this if or loop"
    SHAPED_ZEROS = "a Pass a try body's adjoint turns into: this name's derivative, zeros of its shape if still a plain 0.0"
    DEFINED_AFTER = "names surely assigned after this if or loop"
    DEFINED_BY_BODY = "names surely assigned at the end of this loop's body (of this if's, where it ran)"
    DEFINED_BY_ORELSE = "names surely assigned at the end of this if's else branch, where it ran"
    COUNTER = "a while loop's iteration counter name (a try's: how many of its statements completed)"
    TARGET_SAVES = "the saves of a loop's target (or counter) names that may exist already"
    ITEM_STACK = "for k, item in enumerate(xs): the stack name the items are pushed to"
    RECOMPUTED = "a loop's temporaries the reverse loop recomputes instead of restoring"
    REUSED_BY_RESTORE = "derivative code's own push, whose pop is the restore: no second pop"
    INIT_NONE = "a placeholder assignment for a name not assigned yet"
    RETURNED = "a normalized function: the name its early returns store the result in, when nothing runs after that"
    SAVE_ID = "the save id of a generated save statement"
    RESTORE_ID = "the save id of a generated restore statement"
    REPLAYED = "a call of generated code rebinding globals: the name of the values they had before it"
    ITEM_PUSH = "the item stack a generated push writes to"
    ITEM_POP = "the item stack a generated pop reads from"
    INPLACE = "d_W = d_W + e that may become d_W += e"
    CHANGES_OUTSIDE = "(callee, Where): a user function call changing an object a global holds"
    ARRAY_REDUCTION = "numpy.sum(a) / numpy.mean(a) of an ndarray a (specialized code): a.sum() / a.mean()"

    # forward mode
    TANGENT_OF = "the primal name whose tangent this statement writes"

    # emit
    EMITTED_STARTS = "a def emit.to_source wrote: (line, indent) where each statement of its text starts"

    def __repr__(self):
        return f"<Key.{self.name}>"

    def __reduce__(self):
        return getattr, (Key, self.name)        # the one member of that name

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _make_members(cls):
    """Replace each description in ``cls`` by the member holding it; a repeated
    description would silently make two keys one: it is refused."""
    names = {}
    for name, value in list(vars(cls).items()):
        if name.isupper() and isinstance(value, str):
            if value in names:
                raise ValueError(f"duplicate annotation key description: {name} and {names[value]}")
            names[value] = name
            member = object.__new__(cls)
            member.name, member.value = name, value
            setattr(cls, name, member)


_make_members(Key)


# Facts computed for every statement from the statements around it and never changed
# after they are set: syntax.copy shares them with a copy instead of copying them (they
# grow with the function, and copying them made copying a statement cost as much).
SHARED_KEYS = frozenset({Key.LIVE_OUT, Key.UNSHARED, Key.TOUCHED_SINCE_MADE, Key.UNTOUCHED_CONSTANTS,
                         Key.MAY_RAISE})


_NONE = {}      # the annotations of a node that has none (only read)


def get(node, key, default=None):
    """The value stored under ``key`` on ``node``, or ``default``."""
    return getattr(node, _SLOT, _NONE).get(key, default)


def annotations(node):
    """Every annotation of ``node``, as a dict to read (not to change): one lookup for a
    pass that asks a node for several keys."""
    return getattr(node, _SLOT, _NONE)


def set(node, key, value):  # noqa: A001 - mirrors dict vocabulary on purpose
    """Store ``value`` under ``key`` on ``node``."""
    if not isinstance(key, Key):
        raise TypeError(f"annotation keys are astgrad.core.anno.Key members, not {key!r}")
    slot = node.__dict__.get(_SLOT)
    if slot is None:
        slot = node.__dict__[_SLOT] = {}
    slot[key] = value


def has(node, key):
    """Whether ``node`` carries an annotation under ``key``."""
    return key in getattr(node, _SLOT, _NONE)


def delete(node, key):
    """Remove ``key`` from ``node`` if present."""
    getattr(node, _SLOT, {}).pop(key, None)


def copy_all(source, destination):
    """Give ``destination`` every annotation ``source`` carries."""
    for key, value in getattr(source, _SLOT, {}).items():
        set(destination, key, value)


def moves_saved_values(stmt):
    """Whether ``stmt`` pushes or pops a saved value (or starts a slot at None): the
    statements the optimizer may not merge into their neighbours."""
    marks = getattr(stmt, _SLOT, _NONE)      # one lookup: asked of every statement by several passes
    if not marks:
        return False
    return marks.get(Key.SAVE_ID) is not None or marks.get(Key.RESTORE_ID) is not None \
        or marks.get(Key.ITEM_POP) is not None or marks.get(Key.ITEM_PUSH) is not None \
        or marks.get(Key.INIT_NONE, False)
