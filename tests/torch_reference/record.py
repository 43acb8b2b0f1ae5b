"""Record what PyTorch gives for each side-by-side program (tests/torch_programs.py in
golden.json, tests/tape_differed_programs.py in differed_golden.json,
tests/tape_adversary_programs.py in adversary_golden.json, tests/tape_special_programs.py in
special_golden.json, tests/tape_argument_programs.py in arguments_golden.json,
tests/tape_mixed_programs.py in mixed_golden.json, next to this file), and report
how astgrad compares:

    PYTHONPATH=src python tests/torch_reference/record.py            # record and compare
    PYTHONPATH=src python tests/torch_reference/record.py --compare  # compare only (live)
    PYTHONPATH=src python tests/torch_reference/record.py differed   # one of the sets

Needs torch; the test suite reads the JSON files and needs only astgrad.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import tape_adversary_programs  # noqa: E402
import tape_argument_programs  # noqa: E402
import tape_differed_programs  # noqa: E402
import tape_mixed_programs  # noqa: E402
import tape_special_programs  # noqa: E402
import torch_compare  # noqa: E402
import torch_programs  # noqa: E402

SETS = {"golden": (HERE / "golden.json", torch_programs.PROGRAMS),
        "differed": (HERE / "differed_golden.json", tape_differed_programs.PROGRAMS),
        "adversary": (HERE / "adversary_golden.json", tape_adversary_programs.PROGRAMS),
        "special": (HERE / "special_golden.json", tape_special_programs.PROGRAMS),
        "arguments": (HERE / "arguments_golden.json", tape_argument_programs.PROGRAMS),
        "mixed": (HERE / "mixed_golden.json", tape_mixed_programs.PROGRAMS)}


def record(path, programs, write):
    """Run ``programs`` under PyTorch (and write what they give to ``path``) and under
    astgrad; the number of programs on which the two differ."""
    import torch

    import astgrad
    golden = {name: torch_compare.run(fn, torch) for name, fn in sorted(programs.items())}
    golden = json.loads(json.dumps(golden))         # as the test will read it back
    if write:
        path.write_text(json.dumps({"torch": torch.__version__, "programs": golden}, indent=1,
                                   sort_keys=True) + "\n")
    differ = 0
    for name, expected in golden.items():
        actual = torch_compare.run(programs[name], astgrad)
        if programs is tape_argument_programs.PROGRAMS:     # PyTorch's lists of overloads: type only
            actual = tape_argument_programs.as_pytorch_names(expected, actual)
        single = programs is tape_mixed_programs.PROGRAMS and tape_mixed_programs.through_float32(name)
        found = torch_compare.differences(expected, actual, single=single)
        if found:
            differ += 1
            print(f"DIFFER {name}:\n  " + "\n  ".join(found))
    print(f"{path.name}: {len(golden)} programs, {len(golden) - differ} same, {differ} differ "
          f"(torch {torch.__version__})")
    return differ


def main(argv):
    import torch
    torch.set_num_threads(1)
    chosen = [name for name in argv if not name.startswith("--")] or list(SETS)
    differ = sum(record(*SETS[name], write="--compare" not in argv) for name in chosen)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
