"""Alembic environment: migrations always run on a connection the app hands over."""

from alembic import context

from storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `python app.py db upgrade`, which supplies the "
                     "database connection from DATABASE_URL.")

context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
