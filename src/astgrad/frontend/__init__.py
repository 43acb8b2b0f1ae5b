"""Frontend: read a function's source and rewrite it into astgrad's small core language."""
