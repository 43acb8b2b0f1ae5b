"""``f(a, **d)`` into a helper's own ``**kwargs`` where ``d``'s keys are known only when the
code runs (a dict comprehension filtered by its values, a dict rebuilt in each loop step).

Python gives ``**kwargs`` a new dict of ``d``'s items. Where the helper (a function of
the user's with ``**kwargs`` and no ``*args``) is given each of its named parameters by
position or keyword and changes nothing in place, it is made with ``**kwargs`` a
keyword-only parameter of the same name (frontend/varargs.py) and given the dict whole:
``d`` itself where the helper returns nothing holding it, else ``{**d}``. Python's
TypeError for a non-mapping, a key that is not a string and a key naming a parameter the
call gives already is raised first (``runtime.check_spread_keywords``). A helper changing
its ``**kwargs`` keeps the refusal of call_forms.py.
"""

import inspect

import gast

from ... import runtime
from ...core import syntax as S
from ...core.ops import is_user_function
from ...errors import TransformError
from ..varargs import specialize


class KwargsWholeLowering:
    """Normalizer methods for ``f(a, **d)`` with ``d`` given whole to ``f``'s ``**kwargs``."""

    def takes_kwargs_whole(self, node):
        """Whether ``node``, a call with one ``**d``, calls a function of the user's with
        ``**kwargs`` and no ``*args``, giving each of its named parameters by position or
        keyword: then ``**kwargs`` is a new dict of ``d``'s items, whatever its keys."""
        callee = self.resolve_call(node)
        if not (inspect.isfunction(callee) and is_user_function(callee)) \
                or sum(kw.arg is None for kw in node.keywords) != 1 \
                or any(isinstance(a, gast.Starred) for a in node.args):
            return False
        parameters = list(inspect.signature(callee).parameters.values())
        if not any(p.kind is p.VAR_KEYWORD for p in parameters) or any(p.kind is p.VAR_POSITIONAL for p in parameters) \
                or self.changes_in_place(specialize(callee, 0, None)):
            return False        # one changing its **kwargs (kwargs.setdefault) is refused, as before
        named = {kw.arg for kw in node.keywords}
        return all(i < len(node.args) if p.kind is p.POSITIONAL_ONLY else (
            p.kind is p.VAR_KEYWORD or i < len(node.args) and p.kind is p.POSITIONAL_OR_KEYWORD or p.name in named)
            for i, p in enumerate(parameters))

    def changes_in_place(self, fn):
        """Whether the function of the user's ``fn`` may change an argument (or a global)
        in place, as far as astgrad can tell (True where it cannot)."""
        effects = self._effects(fn)
        return effects is None or bool(effects.mutated)

    def keeps_its_kwargs_apart(self, spec, kwargs):
        """Whether ``spec`` (which changes nothing in place) returns neither its parameter
        ``kwargs`` nor anything holding it: then it may be given the caller's dict itself,
        which it cannot tell from the new dict Python makes."""
        effects = self._effects(spec)
        return effects is not None and kwargs not in effects.result_shares

    def _effects(self, fn):
        from ...analysis.sharing import callee_effects
        if self.callees is None:
            return None
        try:
            return callee_effects(fn, self.callees.prepare, self.callees.read)
        except (TransformError, TypeError, OSError):
            return None

    def kwargs_given_whole(self, node, args, keywords, mapping):
        """``f(a, k=v, **d)`` (``takes_kwargs_whole``) as a call of ``f`` made with its
        ``**kwargs`` a keyword-only parameter (frontend/varargs.py) given ``{**d}``, after
        Python's TypeError for a key naming a parameter the call gives already."""
        callee = self.resolve_call(node)
        parameters = inspect.signature(callee).parameters.values()
        kwargs = next(p.name for p in parameters if p.kind is p.VAR_KEYWORD)
        taken = tuple(p.name for p in parameters if p.kind is not p.VAR_KEYWORD)
        d = self.atom(mapping, hint="kwargs")
        self.emit(gast.Expr(value=self.runtime_call(runtime.check_spread_keywords, [
            d, S.const(taken), S.const(callee.__qualname__)])))
        spec = specialize(callee, 0, None)
        whole = d if self.keeps_its_kwargs_apart(spec, kwargs) \
            else self.atom(gast.Dict(keys=[None], values=[S.copy(d)]), hint=kwargs)
        return gast.Call(func=S.name(self.bind_value(spec, "function")), args=args,
                         keywords=keywords + [gast.keyword(arg=kwargs, value=whole)])
