"""The marker for "not bound": what resolving an unbound name or attribute gives, and what
a guard expects to stay absent. One object shared by every stage, so ``is MISSING`` works
across them."""

MISSING = object()
