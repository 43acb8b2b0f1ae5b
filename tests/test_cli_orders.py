"""python -m astgrad show --order N --mode forward|reverse prints every generated order."""

from test_examples import run


def show(*args):
    return run("-m", "astgrad", "show", "examples/show_source.py:predict", *args, timeout=120)


def test_order_two_prints_the_gradient_of_the_gradient():
    result = show("--order", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("def grad_grad_predict(")


def test_forward_mode_prints_the_jvp_function():
    result = show("--mode", "forward")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("def jvp_predict(")
    forward_over_reverse = show("--mode", "forward", "--order", "2")
    assert forward_over_reverse.returncode == 0, forward_over_reverse.stderr
    assert forward_over_reverse.stdout.startswith("def jvp_grad_predict(")


def test_a_bad_order_is_a_one_line_error():
    result = show("--order", "0")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "order" in result.stderr
