"""The operators' routes.yaml: read safely, checked against its schema and built into the core's
model; `loader.py` is the front door (`load_routes`, `parse_routes`, `RoutesError`)."""
