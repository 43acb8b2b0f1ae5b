"""Record what PyTorch gives for each side-by-side program (tests/torch_programs.py) in
golden.json next to this file, and report how astgrad compares:

    PYTHONPATH=src python tests/torch_reference/record.py            # record and compare
    PYTHONPATH=src python tests/torch_reference/record.py --compare  # compare only (live)

Needs torch; the test suite reads golden.json and needs only astgrad.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import torch_compare  # noqa: E402
import torch_programs  # noqa: E402

GOLDEN = HERE / "golden.json"


def main(argv):
    import torch

    import astgrad
    torch.set_num_threads(1)
    golden = {name: torch_compare.run(fn, torch) for name, fn in sorted(torch_programs.PROGRAMS.items())}
    golden = json.loads(json.dumps(golden))         # as the test will read it back
    if "--compare" not in argv:
        GOLDEN.write_text(json.dumps({"torch": torch.__version__, "programs": golden}, indent=1,
                                     sort_keys=True) + "\n")
    differ = 0
    for name, expected in golden.items():
        found = torch_compare.differences(expected, torch_compare.run(torch_programs.PROGRAMS[name], astgrad))
        if found:
            differ += 1
            print(f"DIFFER {name}:\n  " + "\n  ".join(found))
    print(f"{len(golden)} programs: {len(golden) - differ} same, {differ} differ (torch {torch.__version__})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
