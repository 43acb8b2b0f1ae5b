"""Random programs aimed at the passes that rewrite code specialized to its arguments.

The passes (copies, reuse of dead buffers, freeing dead values, the layout analysis
that drops unbroadcast) reason about names: which name holds which value, which
value is still read, which array belongs to the function alone, which dimensions are
1. The programs drawn here stress exactly that: accumulations into the same name
(``v = v + e + e``, ``v = e - v``), aliases (``w = v``) and views (``v[::-1]``,
``v[:1]``, ``v[0]``) read after one of the names is rebound, in-place operators
(``v += e``, on arrays and on numbers alike), names read after a would-be ``del``,
loops (``range`` over an int argument, ``while`` with a counter) carrying state, and
branches, ``@`` and reductions along an axis, ``math`` functions on numbers. Arguments
are Python floats or ints, 0-d or n-d arrays of float64 or float32 whose dimensions may
be 1, and an int trip count.

Every shape is drawn from {(), (1,), (3,), (1, 1), (1, 3), (2, 1), (2, 3)}: any two
broadcast, and every operation used keeps that true, so each program runs. The
generator tracks each name's shape (to keep ``+=`` legal) and whether its value may be
shared with an argument (which ``+=`` must not write). Each program is rendered twice:
plain, and instrumented to record intermediate magnitudes and branch margins, so
examples where finite differences mean nothing are rejected instead of loosening a
tolerance.
"""

import itertools

import numpy as np

AXES = (2, 3)                     # the sizes of the last two dimensions, or 1
SHAPES = [(), (1,), (3,), (1, 1), (1, 3), (2, 1), (2, 3)]
THRESHOLDS = [-1.0, -0.25, 0.0, 0.5, 1.0]

BINARY = ["{a} + {b}", "{a} - {b}", "{a} * {b}", "{a} / (1.5 + {b} * {b})", "{a} * 0.5 + {b}"]
UNARY = ["np.sin({a})", "np.cos({a})", "np.tanh({a})", "np.exp(-{a} * {a})", "{a} ** 2", "-{a}",
         "{a} * 2.0", "np.sum({a})", "np.mean({a})"]
ACCUMULATE = ["{v} = {v} + {e}", "{v} = {e} + {v}", "{v} = {v} + {e} + {e}", "{v} = {v} * {e}",
              "{v} = {e} - {v}", "{v} = {v} - {e}", "{v} = {v} + {v} + {e}", "{v} = {e} * {v} + {v}"]
IN_PLACE = ["+=", "-=", "*="]



def broadcast(*shapes):
    return tuple(np.broadcast_shapes(*shapes))


class Program:
    """A function body (plain and instrumented lines) and what is known of each name:
    its shape, and whether its value may be an argument's memory (``shared``)."""

    def __init__(self, arg_shapes):
        self.plain, self.instrumented = [], []
        self.shapes = {"x0": arg_shapes[0], "x1": arg_shapes[1]}
        self.shared = {"x0", "x1"}
        self.fresh = itertools.count()
        self.has_loop = False
        self.viewed = set()         # names other names may share memory with
        self.in_loop = 0            # inside a loop, aliases bind new names only (see draw_alias)
        self.fixed = {}             # in a loop body: the names bound before it, whose shape must stay
        self.max_depth = 2          # of nested blocks (0: straight-line code)

    def names(self):
        return list(self.shapes)

    def new_name(self):
        return f"v{next(self.fresh)}"

    def emit(self, indent, plain, instrumented=None):
        self.plain.append("    " * indent + plain)
        self.instrumented.append("    " * indent + (instrumented or plain))

    def bind(self, name, shape, shared=False):
        self.shapes[name] = shape
        (self.shared.add if shared else self.shared.discard)(name)

    def snapshot(self):
        return dict(self.shapes), set(self.shared)

    def restore(self, snapshot):
        self.shapes, self.shared = dict(snapshot[0]), set(snapshot[1])


def draw_expr(draw, program):
    """An expression over the defined names, and its shape."""
    names = program.names()
    kind = draw(("binary", "unary", "unary", "other"), "expr kind")
    if kind == "binary":
        a, b = draw(names, "a"), draw(names, "b")
        return draw(BINARY, "op").format(a=a, b=b), broadcast(program.shapes[a], program.shapes[b])
    a = draw(names, "a")
    if kind == "unary":
        template = draw(UNARY, "fn")
        shape = () if template.startswith(("np.sum", "np.mean")) else program.shapes[a]
        return template.format(a=a), shape
    options = [(f"{a} @ {b}", shape) for b in names
               for shape in [_matmul_shape(program.shapes[a], program.shapes[b])] if shape in SHAPES]
    shape = program.shapes[a]
    if shape:
        options += [(f"np.sum({a}, axis=0)", shape[1:]),
                    (f"np.sum({a}, axis=-1, keepdims=True)", shape[:-1] + (1,)),
                    (f"np.mean({a}, axis=0, keepdims=True)", (1,) + shape[1:])]
    else:       # a number (a Python float, a NumPy scalar or a 0-d array): math's functions take it
        options += [(f"math.sin({a})", ()), (f"math.exp(-{a} * {a})", ()), (f"math.tanh({a}) * 2.0", ())]
    if not options:
        return f"np.cos({a})", shape
    return draw(options, "other expr")


def _matmul_shape(left, right):
    """The shape of ``left @ right`` (None where it is an error)."""
    if not left or not right:
        return None
    try:
        return np.matmul(np.zeros(left), np.zeros(right)).shape
    except ValueError:
        return None


def assign(program, indent, target, expr, shape, shared=False):
    if target in program.fixed and shape != program.fixed[target]:
        # (in a loop the next iteration reads it with the shape it had before the loop)
        expr, shape = f"{target} * 0.5 + np.sum({expr})", program.fixed[target]
    program.emit(indent, f"{target} = {expr}", f"{target} = _chk({expr})")
    program.bind(target, shape, shared)


def view_of(draw, program, source):
    """A view (or copy, for a number) of ``source`` and its shape: the result shares
    memory with ``source`` where it is an array."""
    shape = program.shapes[source]
    if not shape:
        return source, shape
    options = [(f"{source}[::-1]", shape), (f"{source}[:1]", (1,) + shape[1:]), (f"{source}[0]", shape[1:])]
    if len(shape) == 2:
        options.append((f"{source}[:, ::-1]", shape))
    return draw(options, "view")


def draw_statement(draw, program, indent, depth):
    kinds = ["new", "new", "accumulate", "accumulate", "alias", "view", "in_place", "overwrite"]
    if depth < program.max_depth:
        kinds += ["if", "for", "while"]
    kind = draw(kinds, "statement")
    locals_ = [n for n in program.names() if n.startswith("v")]
    if kind in ("accumulate", "overwrite") and not locals_:
        kind = "new"
    if kind in ("new", "overwrite"):
        target = program.new_name() if kind == "new" else draw(locals_, "overwrite")
        assign(program, indent, target, *draw_expr(draw, program))
    elif kind == "accumulate":
        draw_accumulate(draw, program, indent, draw(locals_, "accumulated"))
    elif kind in ("alias", "view"):
        draw_alias(draw, program, indent, kind)
    elif kind == "in_place":
        draw_in_place(draw, program, indent)
    elif kind == "if":
        draw_if(draw, program, indent, depth)
    else:
        draw_loop(draw, program, indent, depth, kind)


def draw_accumulate(draw, program, indent, target):
    expr, shape = draw_expr(draw, program)
    if target in program.fixed and broadcast(program.shapes[target], shape) != program.fixed[target]:
        expr, shape = f"np.sum({expr})", ()
    statement = draw(ACCUMULATE, "accumulation").format(v=target, e=f"({expr})")
    value = statement.split(" = ", 1)[1]
    program.emit(indent, statement, f"{target} = _chk({value})")
    program.bind(target, broadcast(program.shapes[target], shape))


def draw_alias(draw, program, indent, kind):
    """``w = v`` or a view ``w = v[::-1]``: w shares v's memory where v is an array (and
    an argument's, where v does)."""
    source = draw(program.names(), "aliased")
    expr, shape = (source, program.shapes[source]) if kind == "alias" else view_of(draw, program, source)
    locals_ = [n for n in program.names() if n.startswith("v") and n != source]
    # (in a loop, rebinding a name to an argument's memory would let an earlier ``+=``
    # of the body write the argument on the next iteration)
    rebind = locals_ and not program.in_loop and draw([False, True], "rebind?")
    target = draw(locals_, "alias target") if rebind else program.new_name()
    program.emit(indent, f"{target} = {expr}")
    program.bind(target, shape, shared=source in program.shared)
    program.viewed.add(source)


def draw_in_place(draw, program, indent):
    """``v op= e`` on a name whose value is not an argument's memory (other names may
    share it: the aliases see the change), with ``e`` broadcasting to ``v``'s shape."""
    owned = [n for n in program.names() if n.startswith("v") and n not in program.shared
             and (n not in program.viewed or draw([False, False, True], "in place on a viewed name?"))]
    if not owned:
        target = program.new_name()
        assign(program, indent, target, "x0 * 1.0 + x1", broadcast(program.shapes["x0"], program.shapes["x1"]))
        owned = [target]
    target = draw(owned, "in place")
    expr, shape = draw_expr(draw, program)
    if broadcast(program.shapes[target], shape) != program.shapes[target]:
        expr = f"np.sum({expr})"
    op = draw(IN_PLACE, "in-place op")
    program.emit(indent, f"{target} {op} {expr}", f"{target} {op} _chk({expr})")


def merge(program, before, branches):
    """The names known after a block whose outcomes are ``branches`` (snapshots): those
    every outcome binds with one shape; a name that may share memory in one shares it."""
    shapes = {}
    for name, shape in branches[0][0].items():
        if all(b[0].get(name, "unbound") == shape for b in branches):
            shapes[name] = shape
    program.shapes = shapes
    program.shared = set().union(before[1], *(b[1] for b in branches))


def draw_if(draw, program, indent, depth):
    var = draw(program.names(), "cond var")
    threshold, comparison = draw(THRESHOLDS, "thr"), draw([">", "<"], "cmp")
    program.emit(indent, f"if np.sum({var}) {comparison} {threshold}:",
                 f"if _cond(np.sum({var}) - {threshold}) {comparison} 0.0:")
    before = program.snapshot()
    locals_ = [n for n in program.names() if n.startswith("v")]
    # both branches bind the same name, so it is defined afterwards
    target = draw(locals_, "if target") if locals_ and draw([True, False], "rebind?") else program.new_name()
    outcomes = []
    for branch in ("then", "else"):
        if branch == "else":
            program.emit(indent, "else:")
        program.restore(before)
        assign(program, indent + 1, target, *draw_expr(draw, program))
        for _ in range(draw([0, 1], f"{branch} extra")):
            draw_statement(draw, program, indent + 1, depth + 1)
        outcomes.append(program.snapshot())
    merge(program, before, outcomes)


def draw_loop(draw, program, indent, depth, kind):
    """A loop carrying a name bound before it: ``for`` over ``range(n)`` (n an int
    argument) or a value-dependent ``while`` bounded by a counter, with more statements
    in the body. Names the body binds anew, or rebinds with another shape, are not read
    after the loop (their state depends on the trip count)."""
    locals_ = [n for n in program.names() if n.startswith("v")]
    if not locals_:
        target = program.new_name()
        assign(program, indent, target, *draw_expr(draw, program))
        locals_ = [target]
    carried = draw(locals_, "carried")
    counter = f"i{indent}"
    program.has_loop = True
    if kind == "for":
        program.emit(indent, f"for {counter} in range(n):")
    else:
        threshold = draw(THRESHOLDS, "while thr")
        program.emit(indent, f"{counter} = 0")
        program.emit(indent, f"while np.sum({carried}) < {threshold} and {counter} < n:",
                     f"while _cond(np.sum({carried}) - {threshold}) < 0.0 and {counter} < n:")
    before = program.snapshot()
    expr, shape = draw_expr(draw, program)
    if broadcast(shape, program.shapes[carried]) != program.shapes[carried]:
        expr = f"np.sum({expr})"
    update = f"np.tanh({expr}) + {carried} * 0.5 + 0.1 * {counter}"
    program.emit(indent + 1, f"{carried} = {update}", f"{carried} = _chk({update})")
    program.bind(carried, before[0][carried])
    if kind == "while":
        program.emit(indent + 1, f"{counter} = {counter} + 1")
    program.in_loop += 1
    fixed = dict(program.fixed)
    program.fixed = dict(before[0], **fixed)
    for _ in range(draw([0, 1, 2], "loop extra")):
        draw_statement(draw, program, indent + 1, depth + 1)
    program.in_loop -= 1
    program.fixed = fixed
    merge(program, before, [before, program.snapshot()])


def draw_program(draw, arg_shapes, n_statements, loop=False, straight=False):
    """A program of one assignment and ``n_statements`` more (a ``for`` loop first if
    ``loop``; no blocks if ``straight``: the passes that reuse buffers and free values
    rewrite the top level only)."""
    program = Program(arg_shapes)
    program.max_depth = 0 if straight else 2
    assign(program, 1, program.new_name(), *draw_expr(draw, program))
    if loop:
        draw_loop(draw, program, 1, 0, "for")
    for _ in range(n_statements):
        draw_statement(draw, program, 1, 0)
    return program


def render(program, lines, name="prog"):
    """The function: its body, returning the sum of the last two locals and x0 (so
    values stay read until the end)."""
    locals_ = [n for n in program.names() if n.startswith("v")]
    result = " + ".join(f"np.sum({n})" for n in locals_[-2:] + ["x0"])
    body = "\n".join(lines)
    return f"import math\n\nimport numpy as np\n\n\ndef {name}(x0, x1, n):\n{body}\n    return {result}\n"


def make_argument(rng, shape, kind):
    """A value of ``shape``: ``kind`` is "float" or "int" (a Python number, for shape
    ()), "f8" or "f4" (an array of that dtype, 0-d for shape ())."""
    if kind == "float":
        return float(rng.uniform(-1.5, 1.5))
    if kind == "int":
        return int(rng.choice([-1, 1, 2]))
    return rng.uniform(-1.5, 1.5, size=shape).astype(np.float64 if kind == "f8" else np.float32)
