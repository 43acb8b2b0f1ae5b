"""Fresh, readable names that never collide with the user's or Python's own."""

import builtins
import keyword
import re


class Namer:
    def __init__(self, taken=()):
        self.taken = set(taken) | set(keyword.kwlist) | set(dir(builtins))

    def reserve(self, *names):
        self.taken.update(names)

    def fresh(self, base):
        """``base`` if free, else ``base_1``, ``base_2``, ...; the name is then taken."""
        base = re.sub(r"\W", "_", base) or "t"
        if base[0].isdigit():
            base = "_" + base
        candidate, n = base, 0
        while candidate in self.taken:
            n += 1
            candidate = f"{base}_{n}"
        self.taken.add(candidate)
        return candidate


def derivative_prefix(names):
    """``d_`` unless some name already starts with it, then ``dd_``, ``ddd_``, ...

    A function that is itself a derivative (names like ``d_x``) gets ``dd_`` so the
    second derivative's names stay distinct and still read as derivatives.
    """
    k = 1
    while any(n.startswith("d" * k + "_") for n in names):
        k += 1
    return "d" * k + "_"
