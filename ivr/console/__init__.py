"""The operators' console: a web app of its own, in Japanese, for the center's staff."""
