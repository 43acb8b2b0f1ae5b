"""Analyses over the core language: activity, liveness, shapes and memory sharing."""
