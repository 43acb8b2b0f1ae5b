"""Differentiation modes: reverse and forward, and what they share."""
