"""Random sequences of views and in-place updates on the tape (tape/views.py: an
in-place update of a view writes through into the tensor viewed, and the tensor's
update shows in its live views), run on astgrad and on PyTorch.

hypothesis draws a base computed from a leaf ``W`` (3x4), then steps: take a view of
the base or of an earlier view (an index, a slice, a column, ``.T``, ``reshape``,
``view``, ``squeeze``, ``unsqueeze``, ``t``, ``permute``, ``flatten``, ``expand``, a view
of a view), or update a view or the base in place (``add_``, ``mul_``
by a tensor read from ``W``, ``sub_``, ``div_``, ``clamp_``, ``+=``, ``*=``, an element
or slice assignment). The loss reads the base and every view. Oracles:

- both libraries compute the same base, views, loss and gradient (to 1e-12), or both
  refuse with RuntimeError (an in-place change of a value the backward pass saved);
- where PyTorch refuses and astgrad does not (astgrad's views keep their own versions,
  documented in tests/test_tape_views.py), astgrad's gradient equals central finite
  differences of the loss.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad

torch = pytest.importorskip("torch")
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

BASES = ["W * 1.0", "W.sin()", "W * W", "(W + 1.0).tanh()"]
# views of a tensor named {v} of shape (3, 4) or of any shape (the ones marked "any")
VIEWS_2D = ["{v}[0]", "{v}[1:]", "{v}[:, 1]", "{v}.T", "{v}.reshape(12)", "{v}.view(4, 3)", "{v}[::2]",
            "{v}[1:, 1:3]", "{v}[2, 1:]", "{v}.squeeze()", "{v}.unsqueeze(0)[0]", "{v}.t()", "{v}.permute(1, 0)",
            "{v}.flatten()", "{v}.transpose(0, 1)", "{v}[..., 1]", "{v}[None][0]", "{v}.expand(3, 4)"]
VIEWS_ANY = ["{v}[1:]", "{v}[0]", "{v}.squeeze()", "{v}.flatten()"]
UPDATES = ["{v}.add_(W[0, 0] * 0.5)", "{v}.mul_(W[1, 2])", "{v}.sub_(0.25)", "{v}.div_(1.5 + W[2, 3] ** 2)",
           "{v}.clamp_(max=0.9)", "{v} += W[0, 1]", "{v} *= 1.1", "{v}[0] = W[1, 1] * 2.0",
           "{v}[...] = {v} * W[2, 0]", "{v}.mul_({v}.detach() * 0 + 2.0)"]


def draw_program(draw):
    lines = [f"h = {draw(st.sampled_from(BASES), label='base')}"]
    shapes = {"h": (3, 4)}
    for k in range(draw(st.integers(1, 6 if THOROUGH else 4), label="steps")):
        name = draw(st.sampled_from(sorted(shapes)), label=f"on {k}")
        if draw(st.booleans(), label=f"view? {k}"):
            options = VIEWS_2D if shapes[name] == (3, 4) else VIEWS_ANY
            template = draw(st.sampled_from(options), label=f"view {k}")
            expression = template.format(v=name)
            probe = eval(template.replace(".view(", ".reshape(").replace(".unsqueeze(0)", "[None]")
                         .replace(".t()", ".T").replace(".permute(1, 0)", ".T").replace(".flatten()", ".ravel()")
                         .replace(".transpose(0, 1)", ".T").replace(".expand(3, 4)", "")
                         .format(v="np.zeros(%r)" % (shapes[name],)), {"np": np})
            if probe.ndim == 0:
                continue
            view = f"v{k}"
            lines.append(f"{view} = {expression}")
            shapes[view] = probe.shape
        else:
            update = draw(st.sampled_from(UPDATES), label=f"update {k}")
            if "[0] =" in update and len(shapes[name]) == 0:
                continue
            lines.append(update.format(v=name))
    loss = " + ".join(f"({n}.sin() * {n}).sum()" for n in sorted(shapes))
    lines.append(f"return [{', '.join(sorted(shapes))}], {loss}")
    return "def program(W):\n" + "".join("    " + line + "\n" for line in lines)


def run(library, source, data):
    scope = {}
    exec(source, scope)
    W = library.tensor(data, requires_grad=True)
    tensors, loss = scope["program"](W)
    (g,) = library.autograd.grad(loss, W)
    return [t.detach().numpy().copy() for t in tensors] + [loss.detach().numpy().copy(), g.detach().numpy().copy()]


def outcome(library, source, data):
    try:
        return run(library, source, data)
    except RuntimeError as error:
        return error


@settings(max_examples=400 if THOROUGH else 15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2 ** 16))
def test_view_update_sequences_match_pytorch(data, seed):
    source = draw_program(lambda strategy, label: data.draw(strategy, label=label))
    note(source)
    values = np.random.default_rng(seed).uniform(0.2, 1.0, (3, 4))
    ours, theirs = outcome(astgrad, source, values), outcome(torch, source, values)
    if isinstance(theirs, RuntimeError):
        if isinstance(ours, RuntimeError):
            return
        scope = {}
        exec(source, scope)

        def loss(w):
            with astgrad.no_grad():
                return float(scope["program"](astgrad.tensor(w))[1].item())
        assert_close(ours[-1], numerical_grad(loss, (values,)), rtol=1e-5, atol=1e-6,
                     msg=f"PyTorch refused ({theirs}); astgrad's gradient vs fd")
        return
    assert not isinstance(ours, RuntimeError), f"astgrad refused what PyTorch runs: {ours}"
    for what, a, b in zip([f"tensor {i}" for i in range(len(ours) - 2)] + ["loss", "gradient"], ours, theirs):
        assert_close(a, b, rtol=1e-12, atol=1e-12, msg=f"{what} vs PyTorch")


def test_squeeze_with_nothing_to_squeeze_is_a_view():
    """Regression: NumPy's squeeze returns the array itself when no dimension has length
    1, so the tape wrapped the tensor's own array without making it a view: an update of
    ``h.squeeze()`` changed ``h``'s values but not its gradient (PyTorch: a view)."""
    source = ("def program(W):\n    h = W * 1.0\n    v = h.squeeze()\n    v.mul_(W[0, 1])\n    v.add_(1.0)\n"
              "    return [h, v], (h.sin() * h).sum() + (v * v).sum()\n")
    values = np.random.default_rng(3).uniform(0.2, 1.0, (3, 4))
    for what, a, b in zip(("h", "v", "loss", "gradient"), run(astgrad, source, values), run(torch, source, values)):
        assert_close(a, b, rtol=1e-12, atol=1e-12, msg=what)
