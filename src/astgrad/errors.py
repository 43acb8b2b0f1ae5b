"""Errors raised by astgrad.

A TransformError is raised when code is generated (at decoration time or at the
first ``grad(...)``), never half-way through computing a gradient. Its message
names the user's file and line and quotes the offending source line, so the user
can find the construct without reading astgrad's internals.
"""


class TransformError(Exception):
    """astgrad cannot differentiate a construct correctly, so it refuses to.

    Attributes ``filename``, ``lineno``, ``construct`` and ``line`` locate the problem.
    """

    def __init__(self, message, filename=None, lineno=None, line=None, construct=None):
        self.reason = message
        self.filename = filename
        self.lineno = lineno
        self.line = line
        self.construct = construct
        super().__init__(self._format())

    def _format(self):
        where = ""
        if self.filename is not None:
            where = f"{self.filename}:{self.lineno}: " if self.lineno else f"{self.filename}: "
        text = f"{where}{self.reason}"
        if self.line:
            text += f"\n    {self.line.strip()}"
        return text


class UnresolvedName(TransformError):
    """A global the function uses is not defined yet (e.g. defined later in the module)."""


def unresolved(error):
    """``error`` (a TransformError naming a global not defined yet) as an UnresolvedName,
    which ``@differentiable`` takes as "defined later in the module": generate on first use."""
    return UnresolvedName(error.reason, error.filename, error.lineno, error.line, error.construct)


class RecursiveCall(TransformError):
    """Generating a function's derivative needs that same derivative: recursion."""

    def __init__(self, fn):
        code = getattr(fn, "__code__", None)
        super().__init__(
            f"{fn.__qualname__} calls itself (directly or through other functions): astgrad "
            "cannot differentiate recursion; rewrite it as a loop",
            getattr(code, "co_filename", None), getattr(code, "co_firstlineno", None),
            construct="recursion")
        self.fn = fn


TransformError.__module__ = "astgrad"      # tracebacks name it as users import it


def is_value_refusal(error):
    """Whether ``error`` is astgrad's refusal of the values generated code met as it ran
    (runtime.py): a TypeError, ValueError or NotImplementedError whose message begins
    with "astgrad", or that asks for the user's line put in front of it (``astgrad_locate``,
    False once it is there). Python runs the function without it, so no handler of the
    user's is meant for it and running the function again cannot explain it."""
    return type(error) in (TypeError, ValueError, NotImplementedError) and (
        hasattr(error, "astgrad_locate") or str(error).startswith("astgrad"))


class FunctionValueUnknown(TransformError):
    """The derivative needs to know which function an argument holds (``f(x)`` where ``f``
    is passed in): it is generated when the function is given, at the call."""


def function_value_unknown(error):
    """``error`` (a TransformError) as a FunctionValueUnknown."""
    return FunctionValueUnknown(error.reason, error.filename, error.lineno, error.line, error.construct)


def as_refusal(error):
    """``error`` as the plain TransformError it is where the values are given (a
    FunctionValueUnknown then says what cannot be differentiated for them), else ``error``."""
    if not isinstance(error, FunctionValueUnknown):
        return error
    return TransformError(error.reason, error.filename, error.lineno, error.line, error.construct)
