"""benchmarks/generation_scaling.py runs (a smoke run: speed is measured there, never
asserted here), and its synthetic functions are differentiated correctly."""

import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "benchmarks"))

import generation_scaling  # noqa: E402
from fd import numerical_grad  # noqa: E402


def test_smoke_run_prints_a_row_per_shape_and_size(capsys):
    rows = generation_scaling.main(["--sizes", "10", "--no-second"])
    assert [row[0] for row in rows] == list(generation_scaling.SHAPES)
    assert all(row[1] >= 9 and row[2] > 0 for row in rows)
    assert "ms/stmt" in capsys.readouterr().out


def test_first_call_table_with_the_general_code_first(monkeypatch, capsys):
    """--first-call --general prints a row per shape with the cost of making the general
    code first and of specializing after it."""
    monkeypatch.setattr(generation_scaling, "warm_up", lambda: None)      # timings are not asserted
    generation_scaling.main(["--sizes", "10", "--shapes", "loopy", "--first-call", "--general"])
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("shape"))
    assert "general (ms)" in header and "then spec. (ms)" in header
    rows = [line.split() for line in lines if line.startswith("loopy")]
    assert len(rows) == 1
    assert all(len(row) == 7 and all(float(value) > 0 for value in row[2:]) for row in rows)


def test_hessian_times_forward_mode_over_the_gradient(monkeypatch, capsys):
    """--hessian makes the second order as hessian and hvp do: forward mode over the gradient,
    warmed up the same way."""
    asked, measure = [], generation_scaling.measure

    def measured(fn, second):
        asked.append(second)
        return measure(fn, second)
    monkeypatch.setattr(generation_scaling, "measure", measured)
    monkeypatch.setattr(generation_scaling, "warm_up", lambda second="reverse": asked.append(("warm", second)))
    rows = generation_scaling.main(["--sizes", "10", "--shapes", "loopy", "--hessian"])
    assert asked == [("warm", "forward"), "forward"]
    assert len(rows) == 1 and rows[0][2] > 0 and rows[0][3] > 0
    assert "forward mode over the gradient" in capsys.readouterr().out


def test_repeat_reports_the_best_time_of_each_order(monkeypatch, capsys):
    """With --repeat each order's row holds its best run, each run on a function loaded afresh."""
    runs = iter([(0.004, 0.020), (0.003, 0.012), (0.005, 0.010)])
    functions = []

    def measure(fn, second):
        functions.append(fn)
        return next(runs)
    monkeypatch.setattr(generation_scaling, "measure", measure)
    monkeypatch.setattr(generation_scaling, "warm_up", lambda: None)
    rows = generation_scaling.main(["--sizes", "10", "--shapes", "straight", "--repeat", "3"])
    assert [row[2:] for row in rows] == [(0.003, 0.010)]
    assert len(set(map(id, functions))) == 3
    assert "3.33" in capsys.readouterr().out       # 10 ms / 3 ms


def test_synthetic_functions_have_correct_gradients(tmp_path):
    import astgrad
    sys.path.insert(0, str(tmp_path))
    x, y = np.array([0.3, -0.2, 0.1]), np.array([0.4, 0.2, -0.3])
    for shape, make in generation_scaling.SHAPES.items():
        fn = generation_scaling.load(make(20), str(tmp_path), f"_smoke_{shape}")
        expected = numerical_grad(lambda v: fn(v, y), x)
        np.testing.assert_allclose(astgrad.grad(fn)(x, y), expected, rtol=1e-6, atol=1e-8)


def test_shape_classes_follow_long_chains_of_assignments():
    """Which names may hold a list is found without recursing along the chain of
    assignments (a 3,000-long chain, as in the second derivative of a long function,
    raised RecursionError), and still tells lists from arrays at its end."""
    import gast
    from astgrad.analysis import shapes
    n = 3000
    lines = ["def f(x, y):", "    t0 = x * 2.0", "    s0 = [y]"]
    lines += [f"    t{i} = t{i - 1} + 1.0" for i in range(1, n)]
    lines += [f"    s{i} = s{i - 1} + s{i - 1}" for i in range(1, n)]
    body = gast.parse("\n".join(lines) + "\n").body[0].body
    classes = shapes.ShapeClasses(body, ["x", "y"], {})

    def of(name):
        return classes.of(gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None))
    assert of(f"t{n - 1}") == of("x") == "x"        # an array plus a number keeps its shape
    assert of(f"s{n - 1}") is None                  # list + list concatenates: no shape class


def _stack_classes(pushes):
    """The shape class of ``v = s.pop()`` after ``s.append(p)`` for each of ``pushes``
    (parameters x, y of their own shapes; constants), in the loop-free form a derivative
    pushes and pops in."""
    import gast
    from astgrad.analysis import shapes
    lines = ["def f(x, y):", "    s = []"] + [f"    s.append({p})" for p in pushes]
    lines += ["    v = s.pop()", "    w = v * 0.5", "    return w"]
    body = gast.parse("\n".join(lines) + "\n").body[0].body
    classes = shapes.ShapeClasses(body[:-1], ["x", "y"], {})
    return classes.name_class("v"), classes.name_class("w")


def test_a_popped_value_has_the_class_every_pushed_atom_has():
    """A stack pushed in every loop of a long function holds many pushes of one name:
    each pop looks at the distinct atoms pushed (not at every push), which must keep
    apart names and constants of different kinds."""
    assert _stack_classes(["x"] * 500) == ("x", "x")
    assert _stack_classes(["x"] * 3 + ["y"] + ["x"] * 3) == (None, None)     # two shapes
    assert _stack_classes(["1.0", "2", "1.0"]) == ("()", "()")             # numbers only
    assert _stack_classes(["1.0", "True"]) == (None, None)                  # a bool is no number here
    assert _stack_classes(["x", "1.0"]) == (None, None)


def test_a_pushed_constant_without_a_hash_counts_as_one_atom_of_its_own():
    """Generated code may push a constant of any value: one without a hash (a list) is
    kept apart from the others, and makes no shape class, as before."""
    import gast
    from astgrad.analysis import shapes
    body = gast.parse("def f(x, y):\n    s = []\n    s.append(x)\n    s.append(x)\n"
                      "    v = s.pop()\n    w = v * 0.5\n").body[0].body
    body[2].value.args[0] = gast.Constant(value=[1.0], kind=None)      # s.append([1.0]) as a constant
    classes = shapes.ShapeClasses(body, ["x", "y"], {})
    assert classes.name_class("v") is None and classes.name_class("w") is None
    body[2].value.args[0] = gast.Name(id="x", ctx=gast.Load(), annotation=None, type_comment=None)
    assert shapes.ShapeClasses(body, ["x", "y"], {}).name_class("v") == "x"


@pytest.mark.parametrize("shape", list(generation_scaling.SHAPES))
def test_generation_walks_nodes_in_proportion_to_the_length(shape, tmp_path, monkeypatch):
    """Generating the first and second order of a function four times as long walks about
    four times the syntax nodes (counted, not timed): a walk of the whole function at
    each statement (looking up the other bindings of every name bound more than once;
    looking for classes defining comparisons at every comparison) made normalizing
    quadratic in the function's length: fifteen times the nodes here."""
    from astgrad import caching
    from astgrad.core import syntax
    walk, walked = syntax.walk_nodes, [0]

    def counting(node):
        for found in walk(node):
            walked[0] += 1
            yield found
    monkeypatch.setattr(syntax, "walk_nodes", counting)
    monkeypatch.syspath_prepend(str(tmp_path))
    counts = []
    for n in (40, 160):
        fn = generation_scaling.load(generation_scaling.SHAPES[shape](n), str(tmp_path), f"_walks_{shape}_{n}")
        walked[0] = 0
        caching.generate_reverse(caching.generate_reverse(fn, (0,), False), (0,), False)
        counts.append(walked[0])
    assert counts[1] < 5 * counts[0], counts


def _shape_class_steps(blocks, monkeypatch):
    """How many times the shape classes of a program of ``blocks`` blocks look at an
    expression or at a name's values (steps, not time: the same on any machine)."""
    import gast
    from astgrad.analysis import shapes
    lines = ["def f(x, y):", "    a0 = x - y", "    b = y - x", "    s0 = [y]", "    n = 2"]
    for i in range(1, blocks + 1):
        lines += [f"    a{i} = a{i - 1} * 0.5 - x / 2.0",
                  "    for k in range(3):",
                  f"        b = b * 0.5 - a{i}",
                  f"    s{i} = s{i - 1} + [a{i}] * n"]
    body = gast.parse("\n".join(lines) + "\n").body[0].body
    steps = [0]
    for method in ("of", "_name_may_be_sequence", "_name_may_be_int"):
        def counted(self, *args, _original=getattr(shapes.ShapeClasses, method)):
            steps[0] += 1
            return _original(self, *args)
        monkeypatch.setattr(shapes.ShapeClasses, method, counted)
    classes = shapes.ShapeClasses(body, ["x", "y"], {})
    assert classes.name_class(f"a{blocks}") == classes.name_class("b") == frozenset({"x", "y"})
    assert classes.name_class(f"s{blocks}") is None     # a list, concatenated: no shape class
    return steps[0]


def test_shape_classes_take_steps_in_proportion_to_the_program(monkeypatch):
    """Four times the blocks (assignments, a loop reassigning one name, list
    concatenations and repetitions) take about four times the steps, not more (each
    block takes 20 today: the fixed point's rounds and the least solutions of which
    names may be lists or ints look at each name a bounded number of times)."""
    small, large = _shape_class_steps(100, monkeypatch), _shape_class_steps(400, monkeypatch)
    assert small > 400
    assert large < 4.3 * small
