"""Backend: simplify the generated tree, turn it into source text and compile it."""
