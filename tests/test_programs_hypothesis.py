"""Random programs: hypothesis writes Python source, astgrad differentiates it, and
the gradient is compared with central finite differences.

Programs are written to real .py files (astgrad reads source with inspect) and
imported with importlib. Each program is also run once in an instrumented form
that records every intermediate value and every branch margin, so examples whose
values blow up or whose branch conditions sit on a boundary (where finite
differences are meaningless) are rejected with ``assume`` instead of weakening
the tolerance.
"""

import itertools

import numpy as np
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad
from program_files import load, run_instrumented

RTOL, ATOL = 1e-5, 1e-6
MAX_MAGNITUDE = 50.0        # reject programs whose intermediates exceed this
MIN_MARGIN = 1e-2           # reject programs whose branch conditions are this close to 0

BINARY = [
    "{a} + {b}",
    "{a} - {b}",
    "{a} * {b}",
    "{a} / (1.0 + {b} * {b})",
    "(1.0 + {a} * {a}) ** {b}",
]
UNARY = [
    "np.sin({a})",
    "np.cos({a})",
    "np.tanh({a})",
    "np.exp({a})",
    "{a} ** 2",
    "{a} ** 3",
    "-{a}",
    "{a} * 0.5",
]

SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (3,)),
          ((), (3,))]



# ---------------------------------------------------------------------------
# Program generation
# ---------------------------------------------------------------------------

class Program:
    """Lines of a function body with both a plain and an instrumented rendering."""

    def __init__(self):
        self.plain = []
        self.instrumented = []
        self.defined = ["x0", "x1"]
        self.fresh = itertools.count()

    def new_name(self):
        return f"v{next(self.fresh)}"

    def emit(self, indent, plain, instrumented=None):
        self.plain.append("    " * indent + plain)
        self.instrumented.append("    " * indent + (instrumented or plain))


def draw_expr(data, names):
    if data.draw(st.booleans(), label="binary?"):
        template = data.draw(st.sampled_from(BINARY), label="op")
        a = data.draw(st.sampled_from(names), label="a")
        b = data.draw(st.sampled_from(names), label="b")
        return template.format(a=a, b=b)
    template = data.draw(st.sampled_from(UNARY), label="fn")
    a = data.draw(st.sampled_from(names), label="a")
    return template.format(a=a)


def emit_assign(program, data, indent, target, names):
    expr = draw_expr(data, names)
    program.emit(indent, f"{target} = {expr}", f"{target} = _chk({expr})")


def draw_straight(data, program, n_statements):
    for _ in range(n_statements):
        target = program.new_name()
        emit_assign(program, data, 1, target, program.defined)
        program.defined.append(target)


def draw_block(data, program, indent, depth, allow_new):
    """A statement at ``indent``: assignment, if/else, for or while (depth-limited)."""
    kinds = ["assign"] + (["if", "for", "while"] if depth < 2 else [])
    kind = data.draw(st.sampled_from(kinds), label="kind")
    if kind == "assign":
        if allow_new and data.draw(st.booleans(), label="new var?"):
            target = program.new_name()
            emit_assign(program, data, indent, target, program.defined)
            program.defined.append(target)
        else:
            # overwrite an existing variable (never an input)
            candidates = [n for n in program.defined if n.startswith("v")]
            if not candidates:
                target = program.new_name()
                emit_assign(program, data, indent, target, program.defined)
                program.defined.append(target)
                return
            target = data.draw(st.sampled_from(candidates), label="overwrite")
            emit_assign(program, data, indent, target, program.defined)
    elif kind == "if":
        cond_var = data.draw(st.sampled_from(program.defined), label="cond var")
        threshold = data.draw(st.sampled_from([-1.0, -0.25, 0.0, 0.5, 1.0]), label="thr")
        comparison = data.draw(st.sampled_from([">", "<"]), label="cmp")
        program.emit(indent, f"if np.sum({cond_var}) {comparison} {threshold}:",
                     f"if _cond(np.sum({cond_var}) - {threshold}) {comparison} 0.0:")
        # Both branches define the same new variable, so it exists afterwards.
        target = program.new_name()
        before = list(program.defined)
        emit_assign(program, data, indent + 1, target, before)
        for _ in range(data.draw(st.integers(0, 1), label="then extra")):
            draw_block(data, program, indent + 1, depth + 1, allow_new=False)
        program.defined = list(before)
        program.emit(indent, "else:")
        emit_assign(program, data, indent + 1, target, before)
        for _ in range(data.draw(st.integers(0, 1), label="else extra")):
            draw_block(data, program, indent + 1, depth + 1, allow_new=False)
        program.defined = before + [target]
    else:
        draw_loop(data, program, indent, depth, kind)


THRESHOLDS = [-1.0, -0.25, 0.0, 0.5, 1.0]


def emit_exit(data, program, indent, var, statement):
    """``if np.sum(var) CMP thr: statement`` (break or continue), instrumented."""
    threshold = data.draw(st.sampled_from(THRESHOLDS), label="exit thr")
    comparison = data.draw(st.sampled_from([">", "<"]), label="exit cmp")
    program.emit(indent, f"if np.sum({var}) {comparison} {threshold}:",
                 f"if _cond(np.sum({var}) - {threshold}) {comparison} 0.0:")
    program.emit(indent + 1, statement)


def draw_loop(data, program, indent, depth, kind):
    """A for loop with a small fixed trip count, or a value-dependent while loop
    (bounded by a counter); the body overwrites a carried variable every
    iteration and may break or continue on a value-dependent condition."""
    candidates = [n for n in program.defined if n.startswith("v")]
    if not candidates:
        # nothing to carry yet: create a carried variable before the loop
        target = program.new_name()
        emit_assign(program, data, indent, target, program.defined)
        program.defined.append(target)
        candidates = [target]
    carried = data.draw(st.sampled_from(candidates), label="carried")
    trips = data.draw(st.integers(0, 3), label="trips")
    counter = f"i{indent}"
    if kind == "for":
        program.emit(indent, f"for {counter} in range({trips}):")
    else:
        threshold = data.draw(st.sampled_from(THRESHOLDS), label="while thr")
        program.emit(indent, f"{counter} = 0")
        program.emit(indent, f"while np.sum({carried}) < {threshold} and {counter} < {trips}:",
                     f"while _cond(np.sum({carried}) - {threshold}) < 0.0 "
                     f"and {counter} < {trips}:")
    exit_kind = data.draw(st.sampled_from(["none", "break", "continue"]), label="exit")
    if exit_kind == "continue" and kind == "for":
        emit_exit(data, program, indent + 1, carried, "continue")
    expr = draw_expr(data, program.defined)
    # the loop-carried variable is overwritten every iteration (RNN style)
    update = f"{carried} = np.tanh({expr}) + {carried} * 0.5 + 0.1 * {counter}"
    program.emit(indent + 1, update,
                 f"{carried} = _chk(np.tanh({expr}) + {carried} * 0.5 + 0.1 * {counter})")
    if kind == "while":
        program.emit(indent + 1, f"{counter} = {counter} + 1")
    before = list(program.defined)
    for _ in range(data.draw(st.integers(0, 1), label="loop extra")):
        draw_block(data, program, indent + 1, depth + 1, allow_new=False)
    if exit_kind == "break":
        emit_exit(data, program, indent + 1, carried, "break")
    # names first bound inside the body may be unbound after 0 iterations
    program.defined = before


def render(program, name, lines):
    last = [n for n in program.defined if n.startswith("v")][-1]
    body = "\n".join(lines)
    return (f"import numpy as np\n\n\n"
            f"def {name}(x0, x1):\n{body}\n    return np.sum({last})\n")


def make_inputs(seed, shapes):
    rng = np.random.default_rng(seed)
    args = []
    for shape in shapes:
        if shape == ():
            args.append(float(rng.uniform(-1.5, 1.5)))
        else:
            args.append(rng.uniform(-1.5, 1.5, size=shape))
    return tuple(args)


def check_program(program, seed, shapes):
    name = "prog"
    plain = render(program, name, program.plain)
    instrumented = render(program, name, program.instrumented)
    args = make_inputs(seed, shapes)
    stats = run_instrumented(instrumented, args, name)
    assume(stats["magnitude"] < MAX_MAGNITUDE)
    assume(stats["margin"] > MIN_MARGIN)
    note(f"program:\n{plain}\nargs={args!r}")
    fn = load(plain, name)
    expected = numerical_grad(fn, args, (0, 1))
    actual = astgrad.grad(fn, (0, 1))(*args)
    assert_close(actual, expected, RTOL, ATOL, msg=f"program:\n{plain}\nargs={args!r}")


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

SETTINGS = settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), n_statements=st.integers(1, 6), seed=st.integers(0, 2 ** 16),
       shapes=st.sampled_from(SHAPES))
def test_straight_line_programs(data, n_statements, seed, shapes):
    program = Program()
    draw_straight(data, program, n_statements)
    check_program(program, seed, shapes)


@SETTINGS
@given(data=st.data(), n_blocks=st.integers(1, 4), seed=st.integers(0, 2 ** 16),
       shapes=st.sampled_from(SHAPES))
def test_programs_with_branches_and_loops(data, n_blocks, seed, shapes):
    program = Program()
    # start with one plain statement so loops have something to carry
    draw_straight(data, program, 1)
    for _ in range(n_blocks):
        draw_block(data, program, 1, 0, allow_new=True)
    check_program(program, seed, shapes)


def test_generator_produces_valid_source():
    # A fixed program through the same machinery, with a hand-derived gradient,
    # so a broken generator cannot make the property tests vacuous.
    program = Program()
    program.emit(1, "v0 = x0 * x1", "v0 = _chk(x0 * x1)")
    program.emit(1, "v1 = np.sin(v0)", "v1 = _chk(np.sin(v0))")
    program.defined += ["v0", "v1"]
    source = render(program, "prog", program.plain)
    fn = load(source, "prog")
    x0, x1 = 0.3, -0.8
    g0, g1 = astgrad.grad(fn, (0, 1))(x0, x1)
    assert_close((g0, g1), (np.cos(x0 * x1) * x1, np.cos(x0 * x1) * x0), RTOL, ATOL)
