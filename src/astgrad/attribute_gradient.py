"""The function a transform of ``grad(f, wrt="self.W")`` differentiates.

A gradient with respect to an attribute runs the code generated for the gradient of its
whole parameter (``self``) and reads the attribute's part out of it. A transform of the
gradient must differentiate what the gradient returns: this module wraps the generated
code in a small generated function that reads each part with
``runtime_objects.attribute_tangent`` (whose derivatives are rules), which the pipeline
reads like any other code::

    def grad_loss_parts(self, x, w):
        grads = grad_loss(self, x, w)
        return attribute_tangent(grads, self, 'W')
"""

import inspect

from .backend.emit import compile_function
from .bound import path_text
from .runtime_objects import attribute_tangent, check_wrt_path
from .tuple_gradient import _parameter_text
from .zero_safe import zero_safe_source


def attribute_gradient(compiled, wrt, items, single, with_value):
    """``compiled`` (generated code returning the gradients with respect to the positions
    ``wrt``, a bare one for one position; ``(value, gradients)`` with ``with_value``) as a
    function of the same arguments returning each item's part (``items``: (position,
    attribute path) each), a bare one when ``single``. The same object for the same code
    and items, so its derivatives are cached."""
    key = (tuple(wrt), tuple(items), single, with_value)
    made = getattr(compiled, "__astgrad_attribute_parts__", {})
    if key in made:
        return made[key]
    parameters = list(inspect.signature(compiled).parameters.values())[:-1]   # not the seed
    taken = {p.name for p in parameters} | {compiled.__name__}
    fresh = _Fresh(taken)
    header, call = _parameter_text(parameters)
    result, grads = fresh("result"), fresh("grads")
    # a missing attribute stops before the code runs, with grad's message (an exported module's too)
    lines = [f"    check_wrt_path({parameters[position].name}, {parameters[position].name!r}, "
             f"{tuple(str(step) for step in path)!r}, {path_text(parameters[position].name, path)!r})"
             for position, path in items]
    lines.append(f"    {result} = {compiled.__name__}({call})")
    lines.append(f"    {grads} = {result}[1]" if with_value else f"    {grads} = {result}")
    parts = [_part(grads if len(wrt) == 1 else f"{grads}[{wrt.index(position)}]",
                   parameters[position].name, path) for position, path in items]
    picked = parts[0] if single else "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    lines.append(f"    return ({result}[0], {picked})" if with_value else f"    return {picked}")
    name = fresh(f"{compiled.__name__}_parts")
    source = f"def {name}({header}):\n" + "\n".join(lines) + "\n"
    wrapper = compile_function(source, name, {compiled.__name__: compiled, "attribute_tangent": attribute_tangent,
                                                "check_wrt_path": check_wrt_path},
                               f"attribute parts of {compiled.__qualname__}")
    wrapper.__qualname__ = compiled.__qualname__        # what messages call it
    wrapper.__defaults__ = compiled.__defaults__
    names = {p.name for p in parameters}
    wrapper.__kwdefaults__ = {k: v for k, v in (compiled.__kwdefaults__ or {}).items() if k in names} or None
    if getattr(compiled, "__astgrad_zero_safe__", None) is not None:
        wrapper.__astgrad_zero_safe__ = lambda: attribute_gradient(zero_safe_source(compiled), wrt, items,
                                                                   single, with_value)
    made = dict(made)
    made[key] = wrapper
    compiled.__astgrad_attribute_parts__ = made
    return wrapper


def _part(gradient, root, path):
    """The expression reading ``root.<path>``'s part of ``gradient`` (``root``'s)."""
    owner = root
    for step in path:
        gradient = f"attribute_tangent({gradient}, {owner}, {str(step)!r})"
        owner = path_text(owner, [step])
    return gradient


class _Fresh:
    """Names not among ``taken`` (the wrapper's parameters and callee)."""

    def __init__(self, taken):
        self.taken = set(taken) | {"attribute_tangent", "check_wrt_path"}

    def __call__(self, base):
        name = next(f"{base}{'_' * i}" for i in range(len(self.taken) + 1) if f"{base}{'_' * i}" not in self.taken)
        self.taken.add(name)
        return name
