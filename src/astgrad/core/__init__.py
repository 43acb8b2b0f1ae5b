"""What every stage shares: gast helpers, the block walker, fresh names, what one core
statement does, node annotations, and the facts and types the stages pass around."""
