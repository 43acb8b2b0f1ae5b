"""The derivative rule table; importing this package registers every rule."""

from . import operators  # noqa: F401
