"""What to write where a method astgrad cannot follow came from ``functools.partial(Model.loss,
Model(A * w))``: the object is built inside the partial call, so no name holds it and
astgrad does not know its class when the partial's method calls the object's other
methods (``self.forward(x)``). Built first and bound to a name (``m = Model(A * w);
functools.partial(Model.loss, m)``), it is followed. Said after the "no rule" words."""

import gast


def built_in_partial_advice(source, op):
    """For a method call ``op`` astgrad found no function for: the advice for the first
    ``functools.partial(Cls.method, Cls2(...))`` in the user's function (``source``), or ``""``."""
    if op.key is not None or not op.label.startswith("."):
        return ""
    for node in gast.walk(source.tree):
        if not (isinstance(node, gast.Call) and _is_partial(node.func) and len(node.args) >= 2):
            continue
        method, built = node.args[0], node.args[1]
        if isinstance(method, gast.Attribute) and isinstance(built, gast.Call):
            method_text, built_text = gast.unparse(method), gast.unparse(built)
            return (f". At {source.place(node)} the partial binds an object built inside its call "
                    f"(functools.partial({method_text}, {built_text})), which no name holds, so astgrad does "
                    f"not know its class where {method_text} calls its methods: build the object first and "
                    f"bind it to a name, m = {built_text}; functools.partial({method_text}, m)")
    return ""


def _is_partial(func):
    return isinstance(func, gast.Attribute) and func.attr == "partial" \
        or isinstance(func, gast.Name) and func.id == "partial"
