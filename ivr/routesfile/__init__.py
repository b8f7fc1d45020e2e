"""The operators' routes.yaml: a YAML reader that keeps line numbers, the schema, the loader
that builds the core's model, and the routes being served, reloaded when the file changes."""
