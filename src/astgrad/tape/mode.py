"""Gradient mode: whether operations on tensors are recorded, and what tensor methods mean.

``no_grad``/``enable_grad``/``set_grad_enabled`` switch recording per thread, as in
PyTorch; ``numpy_methods`` gives tensor methods NumPy's meaning while the tape runs
generated code (written for arrays) on tensors. The recorder (record.py) and the
tensor methods read ``grad_mode``.
"""

import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "numpy_methods", "grad_mode"]


class _GradMode(threading.local):
    enabled = True
    numpy_methods = False       # True while generated code (written for arrays) runs on tensors


grad_mode = _GradMode()


def is_grad_enabled():
    """True when operations on tensors that require grad are recorded."""
    return grad_mode.enabled


class _GradModeContext:
    _target = True

    def __enter__(self):
        self._entered().append(grad_mode.enabled)
        grad_mode.enabled = self._target
        return self

    def __exit__(self, *exc):
        entered = self._entered()
        grad_mode.enabled = entered.pop()
        if not entered:
            del self._by_thread[threading.get_ident()]
        return False

    def _entered(self):
        """The modes from before each entry of this object not left yet, on this thread:
        one object (a module's ``NO_GRAD = no_grad()``) may be entered by several threads
        at once, and again inside itself, and each exit puts back its own thread's mode."""
        by_thread = self.__dict__.setdefault("_by_thread", {})
        return by_thread.setdefault(threading.get_ident(), [])

    def __call__(self, func):
        return _in_mode(self._target, func)


def _in_mode(target, func):
    """``func`` run with recording set to ``target`` (a generator function: each time it
    resumes, as PyTorch's decorators do, not only while the generator is made)."""
    if inspect.isgeneratorfunction(func):
        @functools.wraps(func)
        def generator(*args, **kwargs):
            with set_grad_enabled(target):
                inner = func(*args, **kwargs)
            return (yield from _resumed_in_mode(target, inner))
        return generator

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with set_grad_enabled(target):
            return func(*args, **kwargs)
    return wrapper


def _resumed_in_mode(target, inner):
    """Drive generator ``inner``, switching recording to ``target`` for each of its steps."""
    step, value = inner.send, None
    while True:
        try:
            with set_grad_enabled(target):
                response = step(value)
        except StopIteration as stop:
            return stop.value
        try:
            step, value = inner.send, (yield response)
        except GeneratorExit:
            with set_grad_enabled(target):
                inner.close()
            raise
        except BaseException as error:     # thrown into us: pass it on to the generator
            step, value = inner.throw, error


class _NoArgumentDecorator(_GradModeContext):
    """Usable as ``@no_grad`` too (without the parentheses), as in PyTorch."""

    def __new__(cls, func=None):
        if func is None:
            return super().__new__(cls)
        if not callable(func):
            raise TypeError(f"{cls.__name__}() takes no arguments (got {type(func).__name__}); "
                            f"write `with astgrad.{cls.__name__}():` or decorate with `@astgrad.{cls.__name__}`")
        return cls()(func)


class no_grad(_NoArgumentDecorator):
    """Context manager (or decorator) in which nothing is recorded: results of
    operations do not require grad, as with ``torch.no_grad()``."""

    _target = False


class enable_grad(_NoArgumentDecorator):
    """Context manager (or decorator) that turns recording back on."""

    _target = True


class set_grad_enabled(_GradModeContext):
    """``with set_grad_enabled(flag):`` records only when ``flag`` is true."""

    def __init__(self, mode):
        self._target = bool(mode)
        self._previous = grad_mode.enabled
        grad_mode.enabled = self._target          # like torch: also works as a plain call

    def __enter__(self):
        grad_mode.enabled = self._target
        return self

    def __exit__(self, *exc):
        grad_mode.enabled = self._previous
        return False

    def __call__(self, func):
        grad_mode.enabled = self._previous      # as a decorator it only wraps ``func``
        return _in_mode(self._target, func)


class numpy_methods:
    """Inside, tensor methods keep NumPy's meaning (``x.transpose()`` reverses the axes,
    ``x.std()`` divides by n, ``x.max(0)`` is only the values). The tape runs generated
    code, which was written for arrays, on tensors in here."""

    def __enter__(self):
        self._previous = grad_mode.numpy_methods
        grad_mode.numpy_methods = True
        return self

    def __exit__(self, *exc):
        grad_mode.numpy_methods = self._previous
        return False
