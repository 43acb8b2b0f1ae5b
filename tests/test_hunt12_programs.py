"""The twelfth acceptance hunt as a permanent differential test: the programs of
tests/hunt12_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

from breadth_modes import one_mode_tests
from hunt12_programs import CASES

# the programs that found a bug, in the mode that showed it (each refused on the old code)
FOUND = {
    "m01 ": "grad",         # c = a | b, then c.update(...): "changes 'c' in place"
    "m02 ": "hessian",      # d |= {...}: refused as '|' of sets
    "m03 ": "jvp",          # c = c | {...}, then c |= pairs
    "m15 ": "grad",         # if name in acts, a key missing: "a key known only when the code runs"
    "m16 ": "hessian",      # match on the key, acts.get(name, default): refused the same way
    "m17 ": "jvp",          # zip(COEFS, FUNCS), both global lists: refused the same way
    "m18 ": "grad",         # fs = [make(1.0), make(w)]: "stored or used as a value"
    "m19 ": "hessian",      # [make(1.0), make(x)][1](x): "stored or used as a value"
    "m20 ": "jvp",          # continue over constant keys: "break or continue in a loop over functions"
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)
