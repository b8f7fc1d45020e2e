"""Alembic environment: migrates the connection the app hands over, online only."""

from alembic import context

from ivr.records.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `ivr db upgrade`, which passes the connection")
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
