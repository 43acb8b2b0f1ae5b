"""Evaluate one rule template directly, without the transformation engine.

Used to check each template on its own (tangent and adjoint, apart from the modes that
splice them in) and the rules of the runtime helpers against finite differences. A template's body is compiled with
every ``d[name]`` replaced by a variable holding that derivative; the statements
``d[...] = e`` are evaluated and summed, exactly as the engine's splicing defines them
(a statement that mentions the derivative of an input that has none is dropped).
"""

import ast
import inspect

import gast
import numpy as np

from astgrad.rules import registry


class _Rewrite(ast.NodeTransformer):
    """``d[x]`` -> ``__d_x`` (``__d_x[argnum]`` for the vararg)."""

    def __init__(self, vararg):
        self.vararg = vararg
        self.refs = set()

    def visit_Subscript(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == "d" and isinstance(node.slice, ast.Name):
            ref = node.slice.id
            self.refs.add(ref)
            new = ast.Name(id="__d_" + ref, ctx=ast.Load())
            if ref == self.vararg:
                new = ast.Subscript(value=new, slice=ast.Name(id="argnum", ctx=ast.Load()), ctx=ast.Load())
            return ast.copy_location(new, node)
        return self.generic_visit(node)


def _compile_expr(stmt_gast, vararg):
    stmt = gast.gast_to_ast(stmt_gast)
    rewrite = _Rewrite(vararg)
    if isinstance(stmt, ast.Assign) and registry.derivative_target(stmt_gast) is not None:
        value = rewrite.visit(stmt.value)
        expr = ast.fix_missing_locations(ast.Expression(body=value))
        return "expr", compile(expr, "<template>", "eval"), rewrite.refs
    stmt = rewrite.visit(stmt)
    module = ast.fix_missing_locations(ast.Module(body=[stmt], type_ignores=[]))
    return "stmt", compile(module, "<template>", "exec"), rewrite.refs


def _bind(template, args, kwargs):
    bound = template.signature.bind(*args, **kwargs)
    bound.apply_defaults()
    env = dict(template.globals)
    for name, value in bound.arguments.items():
        env[name] = tuple(value) if name == template.vararg else value
    return env


def as_callable(primitive):
    """``primitive`` as a function of its positional arguments (``ndarray.T`` is an
    attribute: its "call" is the attribute read)."""
    if inspect.isdatadescriptor(primitive) and not callable(primitive):
        return lambda self: primitive.__get__(self)
    return primitive


def _accumulate(total, value):
    return value if total is None else total + value


def run_tangent(primitive, args, kwargs, tangents):
    """The tangent of ``primitive(*args, **kwargs)`` from its tangent template.

    tangents: {parameter name: tangent}; for a vararg parameter, a sequence with one
    tangent (or None) per operand. Returns the summed terms (None if all dropped).
    """
    template = registry.TANGENTS[registry.rule_key(primitive)]
    y = as_callable(primitive)(*args, **kwargs)
    env = _bind(template, args, kwargs)
    env[template.result] = y
    total = None
    for stmt in template.body:
        kind, code, refs = _compile_expr(stmt, template.vararg)
        if kind == "stmt":
            exec(code, env)
            continue
        (ref,) = refs
        if ref == template.vararg:
            for position, t in enumerate(tangents.get(ref, ())):
                if t is None:
                    continue
                env["argnum"] = position
                env["__d_" + ref] = tangents[ref]
                total = _accumulate(total, eval(code, env))
        elif tangents.get(ref) is not None:
            env["__d_" + ref] = tangents[ref]
            total = _accumulate(total, eval(code, env))
    return y, total


def run_adjoint(primitive, args, kwargs, cotangent, wrt):
    """The adjoint contributions ``{name: value}`` (a list for a vararg) of the inputs
    named in ``wrt`` for ``primitive(*args, **kwargs)`` and output cotangent."""
    template = registry.ADJOINTS[registry.rule_key(primitive)]
    y = as_callable(primitive)(*args, **kwargs)
    env = _bind(template, args, kwargs)
    env[template.result] = y
    env["__d_" + template.result] = cotangent
    out = {}
    for stmt in template.body:
        kind, code, refs = _compile_expr(stmt, template.vararg)
        if kind == "stmt":
            if refs - {template.result}:
                raise AssertionError("a temporary mentions an input's derivative")
            exec(code, env)
            continue
        target = registry.derivative_target(stmt)
        if target not in wrt:
            continue
        if target == template.vararg:
            values = out.setdefault(target, [None] * len(env[target]))
            for position in range(len(env[target])):
                env["argnum"] = position
                values[position] = _accumulate(values[position], eval(code, env))
        else:
            out[target] = _accumulate(out.get(target), eval(code, env))
    return y, out


def inner(a, b):
    """<a, b> for arrays, numbers and (nested) lists of them."""
    if isinstance(a, (list, tuple)):
        return sum(inner(x, y) for x, y in zip(a, b))
    return float(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)))


# -- end to end: reverse and forward mode of a user function against finite differences --

def _random_like(rng, x):
    return float(rng.standard_normal()) if np.ndim(x) == 0 and not isinstance(x, np.ndarray) \
        else rng.standard_normal(np.shape(x))


def _is_float_arg(a):
    return isinstance(a, float) or (isinstance(a, np.ndarray) and a.dtype.kind == "f")


def check_derivatives(f, args, wrt=None, rtol=1e-5, atol=1e-6, rng=None):
    """Reverse mode (the generated gradient code, run with a random cotangent) and
    forward mode (the generated jvp code, with random tangents) of ``f`` against
    central finite differences. The generated functions are called directly, so their
    results are not reshaped or cast: shapes must match exactly."""
    import astgrad
    from astgrad.caching import forward_derivative
    from astgrad.core.functions import seed_parameter
    from fd import assert_close, numerical_grad, numerical_jvp

    rng = np.random.default_rng(0) if rng is None else rng
    if wrt is None:
        wrt = tuple(i for i, a in enumerate(args) if _is_float_arg(a))
    wrt = (wrt,) if isinstance(wrt, int) else tuple(wrt)
    out = f(*args)

    cotangent = _random_like(rng, out)
    gradient = astgrad.grad(f, wrt).plain
    grads = gradient(*args, **{seed_parameter(gradient): cotangent})
    grads = grads if len(wrt) > 1 else (grads,)
    for i, g in zip(wrt, grads):
        expected = numerical_grad(f, args, wrt=i, seed=cotangent)
        assert_close(g, expected, rtol=rtol, atol=atol, msg=f"reverse mode of {f.__name__}: argument {i}")

    tangents = tuple(_random_like(rng, a) if i in wrt else None for i, a in enumerate(args))
    compiled = forward_derivative(f, wrt)
    code = compiled.__code__
    names = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    value, jvp = compiled(*args, **{name: tangents[i] for name, i in zip(names, wrt)})
    assert_close(value, out, rtol=1e-12, atol=1e-12, msg=f"forward mode of {f.__name__}: value")
    expected = numerical_jvp(f, args, tangents)
    assert_close(jvp, expected, rtol=rtol, atol=atol, msg=f"forward mode of {f.__name__}: tangent")
