"""benchmarks/second_order_stages.py runs (a smoke run: speed is measured there, never
asserted here), finds every stage it names where the pipeline calls it, and puts the
engine's own functions back afterwards; benchmarks/call_scaling.py counts each order's
calls at two sizes, removes its profile hook, and lists first what grows faster."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "benchmarks"))

import second_order_stages  # noqa: E402


def test_every_stage_is_timed_in_both_orders_and_the_engine_is_restored(monkeypatch, capsys):
    from astgrad.backend import optimize
    from astgrad.modes.reverse import AdjointSweep
    from astgrad import pipeline
    passes, sweep, emit = list(optimize.PASSES), AdjointSweep.block, pipeline.to_source
    monkeypatch.setattr(second_order_stages.generation_scaling, "warm_up", lambda: None)
    best, calls, lines = second_order_stages.main(["--shape", "loopy", "--size", "10", "--repeat", "1", "--calls",
                                                   "--reparse"])
    labels = [label for label, _, _ in second_order_stages.STAGES]
    for order in (1, 2):
        # a stage the pipeline no longer calls where it is looked up would be missing here
        # (one renamed raises as it is installed)
        assert set(labels) <= set(best[order])
        assert all(calls[order].get(label, 0) > 0 for label in labels), calls[order]
        assert any(label.startswith("optimize: ") for label in best[order])
    assert lines[0] < lines[1] < lines[2]           # the function, its gradient, the gradient's gradient
    out = capsys.readouterr().out
    assert "2nd calls" in out and "transform: adjoint sweep" in out
    assert "conversion to gast" in out and "a copy of its gast tree" in out     # --reparse's rows
    assert list(optimize.PASSES) == passes and AdjointSweep.block is sweep and pipeline.to_source is emit


def test_removed_counts_what_each_pass_takes_out_of_the_transform_output(monkeypatch, capsys):
    from astgrad.backend import optimize
    passes = list(optimize.PASSES)
    monkeypatch.setattr(second_order_stages.generation_scaling, "warm_up", lambda: None)
    removals = second_order_stages.Removals(len(passes))
    second_order_stages.measure("loopy", 10, 1, False, removals)
    for order in (1, 2):
        counts = removals.counts[order]
        # the transform's output, then one count after each pass, of one optimization only
        assert [name for name, _ in counts][0] == "transform" and len(counts) == len(passes) + 1
        written, left = counts[0][1], counts[-1][1]
        # a loop's saves: pushed in the forward sweep, popped back in the reverse sweep
        assert written["saved value (forward sweep)"] > 0 and written["restore (adjoint sweep)"] > 0
        assert sum(left.values()) < sum(written.values())
    second_order_stages.removed_table(removals.counts)
    out = capsys.readouterr().out
    assert "order 2: statements the transform wrote" in out and "remove dead code -" in out
    assert list(optimize.PASSES) == passes


def test_call_scaling_counts_each_order_at_both_sizes(capsys):
    import call_scaling
    # (its warm-up runs: without it, the smaller size's count holds the templates' first parse)
    for order in ("first", "second", "hessian"):
        statements_ratio, calls_ratio = call_scaling.main(["--shape", "loopy", "--sizes", "10,20", "--order", order,
                                                           "--top", "3"])
        assert statements_ratio > 1 and calls_ratio > 1     # the longer function makes more calls
    out = capsys.readouterr().out
    assert out.count("calls") >= 3 and "second order" in out and "hessian order" in out
    assert sys.getprofile() is None


def test_call_scaling_rows_put_what_grows_faster_than_the_sizes_first():
    import call_scaling
    small = {("a.py", 1, "linear"): 10, ("a.py", 5, "quadratic"): 10}
    large = {("a.py", 1, "linear"): 30, ("a.py", 5, "quadratic"): 90, ("a.py", 9, "new"): 4}
    rows = call_scaling.rows(small, large, 3.0)
    assert [row[3][2] for row in rows] == ["quadratic", "new", "linear"]
    assert [row[0] for row in rows] == [60.0, 4.0, 0.0]
