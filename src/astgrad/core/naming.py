"""Fresh, readable names that never collide with the user's or Python's own."""

import builtins
import keyword
import re


class Namer:
    def __init__(self, taken=()):
        self.taken = set(taken) | set(keyword.kwlist) | set(dir(builtins))

    @property
    def taken(self):
        """The names in use: ``fresh`` never returns one. Names are only ever added to
        it; assigning a new set (an earlier copy, to generate a block again) starts over."""
        return self._taken

    @taken.setter
    def taken(self, names):
        self._taken = names
        self._numbered = {}     # base -> the last n fresh gave base_n: 1..n are all taken
        self._added = []        # the names taken since, in order (see ``mark``)

    def copy(self):
        """A Namer with the names taken here taken, which takes its own from then on."""
        copied = Namer.__new__(Namer)
        copied._taken = set(self._taken)
        copied._numbered = dict(self._numbered)
        copied._added = list(self._added)
        return copied

    def mark(self):
        """A point to come back to with ``back_to``, forgetting the names taken after it:
        to generate a block again. It copies none of the names taken (a function's code
        generated again at each branch and loop copied them all each time)."""
        return len(self._added), dict(self._numbered), self._taken, self._added

    def back_to(self, mark):
        """Take back the names taken since ``mark`` (from ``mark()``)."""
        count, numbered, taken, added = mark
        if taken is not self._taken or added is not self._added:
            raise RuntimeError("Namer.back_to: the taken names were replaced since the mark")
        self._taken.difference_update(self._added[count:])
        del self._added[count:]
        self._numbered = dict(numbered)

    def reserve(self, *names):
        for name in names:
            if name not in self._taken:
                self._taken.add(name)
                self._added.append(name)

    def fresh(self, base):
        """``base`` if free, else ``base_1``, ``base_2``, ...; the name is then taken."""
        if not (base.isascii() and base.isidentifier()):     # (most bases are: no regex for them)
            base = re.sub(r"\W", "_", base) or "t"
        if base[0].isdigit():
            base = "_" + base
        candidate, n = base, self._numbered.get(base, 0)
        while candidate in self._taken:
            n += 1
            candidate = f"{base}_{n}"
        if candidate != base:
            self._numbered[base] = n
        self._taken.add(candidate)
        self._added.append(candidate)
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
