"""Loop temporaries saved by value, in the form numba compiles (part of ``numba_lower``).

Generated code saves a temporary's previous value before a loop overwrites it, and
starts it as a constant so that the first save has a value::

    t_1 = 0.0
    for i in range(n):
        t_1_stack.append(t_1)
        t_1 = np.tanh(t)
    ...
    for i in reversed(range(n)):
        ... t_1 ...            # this iteration's value
        t_1 = t_1_stack.pop()  # the previous iteration's value, for what comes next

numba gives every variable one type, so a temporary that is a float before the loop and
an array in it cannot be compiled. The copy numba compiles saves the value after each
assignment instead (``t_1 = np.tanh(t)``, ``t_1_stack.append(t_1)``) and restores the
previous one by dropping the current one and reading the one below it::

    t_1_stack.pop()
    if len(t_1_stack) > 0:
        t_1 = t_1_stack[-1]

The stack then holds every value the temporary had but the constant, in the same
order, so each restore gives the value the original gives, except after the first
iteration's restore (where the original gives the constant). So this is done only where
the constant is never read: the temporary is read only after an assignment in the
same block of the forward loop, or in a block of the reverse sweep that restores it.
"""

import ast


def move_value_saves(fn):
    """Rewrite each temporary saved by value as the module docstring says, where it is safe."""
    inits = {}
    for stmt in fn.body:
        if _assign_target(stmt) and isinstance(stmt.value, ast.Constant):
            inits.setdefault(_assign_target(stmt), []).append(stmt)
    for name, found in inits.items():
        if len(found) == 1 and _safe(fn, name):
            _rewrite(fn, name, found[0])


def _assign_target(stmt):
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _is_push(stmt, name):
    """``stmt`` is ``name_stack.append(name)``."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    call = stmt.value
    return isinstance(call.func, ast.Attribute) and call.func.attr == "append" \
        and isinstance(call.func.value, ast.Name) and call.func.value.id == name + "_stack" \
        and len(call.args) == 1 and isinstance(call.args[0], ast.Name) and call.args[0].id == name


def _is_pop(stmt, name):
    """``stmt`` is ``name = name_stack.pop()``."""
    if _assign_target(stmt) != name or not isinstance(stmt.value, ast.Call):
        return False
    func = stmt.value.func
    return isinstance(func, ast.Attribute) and func.attr == "pop" and not stmt.value.args \
        and isinstance(func.value, ast.Name) and func.value.id == name + "_stack"


def _blocks(node):
    for child in ast.walk(node):
        for field in ("body", "orelse"):
            block = getattr(child, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _reads(node, name):
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(node))


def _safe(fn, name):
    """Every assignment of ``name`` but the constant and the restores follows its save;
    there is at least one; every read is where the constant cannot be (see the module doc)."""
    pushes = 0
    for block in _blocks(fn):
        for index, stmt in enumerate(block):
            if _assign_target(stmt) == name and not _is_pop(stmt, name) and block is not fn.body:
                if index == 0 or not _is_push(block[index - 1], name):
                    return False
                pushes += 1
            elif _is_push(stmt, name) and (index + 1 == len(block) or _assign_target(block[index + 1]) != name):
                return False
    return pushes > 0 and _reads_safe(fn.body, name, top=True)


def _reads_safe(block, name, top=False):
    restores = any(_is_pop(stmt, name) for stmt in block)
    assigned = False
    for stmt in block:
        if restores or assigned:
            continue                # the reverse sweep, or after this block's assignment
        if _assign_target(stmt) == name and not top:
            assigned = True
            continue
        if _is_push(stmt, name):
            continue
        inner = [b for field in ("body", "orelse") for b in [getattr(stmt, field, None)]
                 if isinstance(b, list) and b and isinstance(b[0], ast.stmt)]
        heads = [getattr(stmt, field) for field in ("test", "iter") if hasattr(stmt, field)]
        if inner:
            if any(_reads(head, name) for head in heads) or not all(_reads_safe(b, name) for b in inner):
                return False
        elif _reads(stmt, name) and not (top and _assign_target(stmt) == name):
            return False
    return True


def _rewrite(fn, name, init):
    fn.body.remove(init)
    for block in list(_blocks(fn)):
        for index in range(len(block) - 1, -1, -1):
            stmt = block[index]
            if _is_push(stmt, name):
                block[index], block[index + 1] = block[index + 1], stmt
            elif _is_pop(stmt, name):
                block[index:index + 1] = ast.parse(
                    f"{name}_stack.pop()\nif len({name}_stack) > 0:\n    {name} = {name}_stack[-1]").body
