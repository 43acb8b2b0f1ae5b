"""Analyses over the core language: activity, liveness, shapes, memory sharing and
in-place changes, and what reverse mode saves or recomputes."""
