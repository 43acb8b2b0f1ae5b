"""The run-time check before a method call astgrad could not follow because it did not know
the receiver's class when it generated the code: an object read out of a list, dict or
object the function builds (``held = d["a"]; held[0].up(w)``), given a value that depends
on the inputs, the container read again afterwards (``d["a"][0].W``).

Where the receiver turns out to be an object of the user's own code, the method may store
the value in it (``self.W = self.W + w``), read back through the container where no flow
of values links it to the call: the derivative would silently miss it, so the call is
refused. A method of a library's object or of the standard library's (a matplotlib axes,
a logger, a list) passes: astgrad leaves those objects as they are, as Python does."""

import inspect

from .library_code import users_code


def check_receiver_class(receiver, method, where):
    """Stop before ``receiver.method(...)`` (see the module docstring) where ``method`` is a
    function of the user's code: a method of the receiver's class, or one stored on it."""
    function = getattr(type(receiver), method, None)
    if function is None:
        function = getattr(receiver, "__dict__", {}).get(method)
    function = getattr(function, "__func__", function)      # a classmethod
    if not inspect.isfunction(function) or not users_code(function):
        return
    kind = type(receiver).__name__
    raise TypeError(
        f"astgrad: {where}: the method call .{method}() of a {kind} object is given a value that depends on "
        "the inputs differentiated, on an object read out of a list, dict or object the function builds, "
        "whose class astgrad did not know when it generated the code: the method may store that value in "
        "the object, read back through its container where the derivative does not look. Hold such objects "
        f"in a list or dict display of their own (layers = [{kind}(...)]; layers[0].{method}(w)), pass that "
        "list or dict as an argument (grad(f)(w, layers)), or have the method return the new value")
