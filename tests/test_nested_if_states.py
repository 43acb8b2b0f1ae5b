"""Ifs nested deep. The adjoint states in a branch are read through the states of
every branch around it; each state read through a chain as deep as the nesting (and
each if going through the states of every temporary nested in it) made generating
the gradient grow with the fourth power of the depth. Counted in steps through the
states rather than timed: a loaded machine does not change the count."""

import astgrad
from astgrad.modes import adjoint_state
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from program_files import load
from tree_checks import nodes_held_twice

DEPTH = 40


def _nested(depth):
    lines = ["def f(x, c):", "    y = x * 1.0"]
    for level in range(depth):
        lines.append("    " * (level + 1) + f"if c > {level}.0:")
        lines.append("    " * (level + 2) + f"y = y * x + {level}.0")
    return "\n".join(lines + ["    return y"]) + "\n"


def test_a_deep_nest_reads_each_state_through_few_steps(monkeypatch):
    f = load(_nested(DEPTH), "f")
    steps = [0]
    get = adjoint_state.Changes.get

    def counted(self, adjoint, default=None):
        steps[0] += 1
        return get(self, adjoint, default)

    through = adjoint_state._read_through

    def walked(changes, adjoint):      # the bases it goes down (a loop, no call for each)
        level = changes.base
        while isinstance(level, adjoint_state.Changes):
            steps[0] += 1
            if adjoint in level.own or adjoint in level.above:
                break
            level = level.base
        return through(changes, adjoint)

    monkeypatch.setattr(adjoint_state.Changes, "get", counted)
    monkeypatch.setattr(adjoint_state, "_read_through", walked)
    gradient = astgrad.grad(f)
    x, c = 1.01, 25.5           # 26 of the 40 levels run
    value = gradient(x, c)
    # about 40,000 steps; a walk up the whole chain for each read took over a million
    assert steps[0] < 150_000, steps[0]
    monkeypatch.undo()
    assert_close(value, numerical_grad(f, (x, c)))
    assert_close(astgrad.jvp(f, (x, c), (1.0, 0.0))[1], numerical_jvp(f, (x, c), (1.0, 0.0)))


def _nested_else(depth):
    """Ifs nested ``depth`` deep in the else branches, as in the benchmark's nested
    shape, but where the nest runs as deep as ``c`` says: level i runs its then
    branch where ``c > -i`` and goes one deeper otherwise, and ``x``'s adjoint is
    set on the else paths only (zeros before the ifs around them)."""
    lines = ["def f(x, c):", "    a = x * 1.0"]
    unary = ("np.sin", "np.cos", "np.tanh", "np.exp")
    for level in range(depth):
        pad = "    " * (level + 1)
        lines += [f"{pad}a = a * 0.5",
                  f"{pad}if c > -{level}.0:",
                  f"{pad}    a = {unary[level % 4]}(a)",
                  f"{pad}else:",
                  f"{pad}    a = np.cos(a) * x",
                  f"{pad}    a = a + {level}.0"]
    lines.append("    " * (depth + 1) + "a = a * x")
    return "\n".join(lines + ["    return np.sum(a)"]) + "\n"


def _branches_made(source, monkeypatch):
    """How many times both orders of the gradient of ``source`` make the adjoint of a branch."""
    from astgrad import caching
    from astgrad.modes.adjoint_control import ControlFlowAdjoints
    made, branch = [0], ControlFlowAdjoints._branch

    def counted(self, *args):
        made[0] += 1
        return branch(self, *args)
    monkeypatch.setattr(ControlFlowAdjoints, "_branch", counted)
    f = load("import numpy as np\n" + source, "f")
    caching.generate_reverse(caching.generate_reverse(f, (0,), False), (0,), False)
    monkeypatch.undo()
    return made[0]


def test_nested_ifs_make_each_branch_a_bounded_number_of_times(monkeypatch):
    """Four times as deep makes about four times the branches (counted, not timed): an
    if making its branches again with zeros before it made every if nested in it again,
    each of those its own again, so the branches made grew with the square of the depth
    (11 times the branches for 4 times the depth; about 4 times now)."""
    small, large = (_branches_made(_nested_else(depth), monkeypatch) for depth in (5, 20))
    assert small >= 4 * 5
    assert large < 4.5 * small, (small, large)


def test_deep_nested_ifs_have_the_derivatives_of_the_path_taken():
    import numpy as np
    f = load("import numpy as np\n" + _nested_else(6), "f")
    x = np.array([0.3, -0.2, 0.45])
    for c in (0.5, -2.5, -9.0):        # the first level's then branch, three levels down, all of them
        assert_close(astgrad.grad(f)(x, c), numerical_grad(f, (x, c)))
        tangent = np.array([0.2, -0.7, 0.4])
        assert_close(astgrad.jvp(f, (x, c), (tangent, 0.0))[1], numerical_jvp(f, (x, c), (tangent, 0.0)))
        assert_close(astgrad.hessian(f)(x, c), numerical_hessian(astgrad.grad(f), (x, c)))


def test_a_loop_of_nested_ifs_has_its_second_derivative():
    """grad(grad) (reverse over reverse) of a loop holding ifs nested in else branches."""
    source = ("import numpy as np\n\n"
              "def f(x, c):\n"
              "    a = x\n"
              "    for k in range(3):\n"
              "        if c > k:\n"
              "            a = np.sin(a) * x\n"
              "        else:\n"
              "            a = a * 0.5\n"
              "            if c > k - 2.0:\n"
              "                a = np.tanh(a) + x\n"
              "            else:\n"
              "                a = np.cos(a) * x\n"
              "                if c > k - 4.0:\n"
              "                    a = a * a\n"
              "    return a\n")
    f = load(source, "f")
    first = astgrad.grad(f)
    second = astgrad.grad(first)
    for c in (0.5, -1.5, -3.5, -9.0):
        assert_close(second(0.7, c), numerical_grad(first, (0.7, c)))
        assert_close(first(0.7, c), numerical_grad(f, (0.7, c)))


def test_branches_taken_again_hold_each_statement_once(monkeypatch):
    """The branches of an if made before and taken again (branch_memo.py) are handed back
    as the statements made then: the reverse transform's code, which the optimize passes
    change in place, must hold each of them in one place only."""
    from astgrad import caching
    from astgrad.modes import branch_memo, reverse
    trees, taken = [], [0]
    transform, take_again = reverse.ReverseMode.transform, branch_memo.BranchMemo._take_again

    def kept(mode):
        trees.append(transform(mode))
        return trees[-1]

    def counted(memo, *args):
        taken[0] += 1
        return take_again(memo, *args)
    monkeypatch.setattr(reverse.ReverseMode, "transform", kept)
    monkeypatch.setattr(branch_memo.BranchMemo, "_take_again", counted)
    for source in (_nested(8), "import numpy as np\n" + _nested_else(8)):
        f = load(source, "f")
        caching.generate_reverse(caching.generate_reverse(f, (0,), False), (0,), False)
    assert taken[0] > 0         # branches were taken again
    assert [twice for tree in trees for twice in nodes_held_twice(tree)] == []
