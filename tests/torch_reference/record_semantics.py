"""Records what PyTorch does on the programs of semantics_programs.py into
semantics_golden.json (run by hand where torch is installed; CI only reads the file):

    python tests/torch_reference/record_semantics.py
"""

import json
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))

from semantics_runner import run_all     # noqa: E402


def make(data, rg=False):
    return torch.tensor(data, dtype=torch.float64, requires_grad=rg)


def main():
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    results = run_all(torch, make)
    golden = {"torch": torch.__version__, "programs": results}
    (HERE / "semantics_golden.json").write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(results)} programs with torch {torch.__version__}")


if __name__ == "__main__":
    main()
