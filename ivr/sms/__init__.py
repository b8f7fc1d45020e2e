"""Text messages with a desk's details, for callers from a Japanese mobile who ask for them."""
