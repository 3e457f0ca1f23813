"""Use cases: load rows, apply the rules, write back, flush. Never commit: the caller does."""
