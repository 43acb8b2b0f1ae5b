"""autograd's names written over astgrad in a module of their own, as a port of autograd
code puts them behind a shim (test_foreign_gradients.py): helpers that return a gradient
made of the function they are given, with ``argnum`` as the ``wrt``, written out, through
functools.partial, and wrapped in a lambda."""

import functools

import astgrad


def grad(fun, argnum=0):
    return astgrad.grad(fun, wrt=argnum)


def value_and_grad(fun, argnum=0):
    return astgrad.value_and_grad(fun, wrt=argnum)


def jacobian(fun, argnum=0):
    return astgrad.jacobian(fun, wrt=argnum)


def grad_through_partial(fun, argnum=0):
    return functools.partial(astgrad.grad, wrt=argnum)(fun)


def grad_in_a_lambda(fun, argnum=0):
    return lambda *args: astgrad.grad(fun, wrt=argnum)(*args)


def apply(d, x):
    """A helper handed a gradient as a value."""
    return d(x)
