"""The core language every stage shares: gast helpers, names, and what one statement does."""
