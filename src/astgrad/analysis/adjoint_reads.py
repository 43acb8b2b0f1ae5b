"""Whether the reverse step of a core statement reads a name's value, as the rule table
says: not only its shape or dtype, and not only as the list or array it writes into.

The recompute planner (``recompute``) asks it of a loop temporary the iteration changes
in place (``r = x * 1.0; r[i] = w``): computed again at the start of a reverse iteration,
the temporary holds the value it had before the write, which is wrong for a reverse step
that reads it as the write left it. The reverse steps of the statements from the write on
are such steps; each one's reads are its derivative rule's (the adjoint template's
parameters it names outside ``d[...]``, leaving out the arguments of the helpers it calls
that give a shape or a dtype) or, for the statements the adjoint sweep writes by itself,
known here (``xs.append(r)`` reads ``d_xs[-1]``; ``r[k] = v`` reads ``r``'s dtype and
structure as it puts the old item back). Anything else counts as a read.
"""

import inspect

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.ops import OpKind, describe
from ..rules import registry
from ..rules.template import derivative_ref, derivative_target


def reverse_reads_value(stmt, name):
    """Whether the reverse step of core statement ``stmt`` may read ``name``'s value."""
    if name not in S.loaded_names(stmt):
        return False
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and anno.get(stmt.value, Key.METHOD) == "append":
        receiver = stmt.value.func.value       # (a list's pop, in the reverse step)
        return isinstance(receiver, gast.Name) and receiver.id == name
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1):
        return True
    target = stmt.targets[0]
    if isinstance(target, gast.Subscript):      # written into: only its dtype and structure are read
        return not (isinstance(target.value, gast.Name) and target.value.id == name) \
            or name in S.loaded_names(target.slice) or name in S.loaded_names(stmt.value)
    return not isinstance(target, gast.Name) or _rule_reads(stmt.value, name)


def _rule_reads(value, name):
    """Whether the adjoint rule of the operation ``value`` reads ``name``'s value."""
    op = describe(value)
    if op.kind in (OpKind.COPY, OpKind.CONST):
        return False            # d_name += d_y: no value read
    if op.kind is not OpKind.CALL:
        return True
    try:        # (a key that is no entry's, unhashable; arguments the rule does not bind)
        template, record = registry.lookup(registry.ADJOINTS, op.key), registry.primitive(op.key)
        bound = template.signature.bind(*op.args, **op.kwargs).arguments if template is not None else None
    except TypeError:
        return True
    if bound is None or template.vararg is not None:
        return True
    dtype_only = record.dtype_parameters if record is not None else frozenset()
    given = {param for param, atom in bound.items() if isinstance(atom, gast.Name) and atom.id == name}
    return any(target is None or not isinstance(bound.get(target), gast.Constant)
               for target, read in _value_names(template) if read & given - dtype_only)


def _value_names(template):
    """For each statement of the body of ``template``: (the parameter whose derivative it
    gives, or None; the names it reads for their value: not inside ``d[...]``, not as an
    argument a helper it calls reads for its shape, ``x`` in ``unbroadcast(g, x)``, or its
    dtype). A statement giving a constant's derivative is never made. Found once per template."""
    found = template.__dict__.get("_value_names")
    if found is None:
        found = template.__dict__["_value_names"] = [(derivative_target(stmt), _read_in(template, stmt))
                                                     for stmt in template.body]
    return found


def _read_in(template, stmt):
    skipped = set()
    for node in S.walk_nodes(stmt):
        if derivative_ref(node) is not None:
            skipped.update(id(n) for n in (node.value, node.slice))
        elif isinstance(node, gast.Call):
            skipped.update(id(arg) for arg in _shape_or_dtype_arguments(template, node))
    return {node.id for node in S.walk_nodes(stmt) if isinstance(node, gast.Name) and id(node) not in skipped}


def _shape_or_dtype_arguments(template, call):
    """The arguments of ``call`` (in ``template``'s body) that the helper it calls reads
    only for their shape or dtype (its record's ``shape_arguments``, ``dtype_parameters``)."""
    helper = template.globals.get(call.func.id) if isinstance(call.func, gast.Name) else None
    try:
        record = registry.primitive(helper) if helper is not None else None
    except TypeError:
        return []
    if record is None:
        return []
    args = [call.args[p] for p in record.shape_arguments if p < len(call.args)]
    if record.dtype_parameters:
        try:
            names = list(inspect.signature(helper).parameters)
        except (TypeError, ValueError):
            names = []
        args += [arg for position, arg in enumerate(call.args)
                 if position < len(names) and names[position] in record.dtype_parameters]
        args += [k.value for k in call.keywords if k.arg in record.dtype_parameters]
    return args
