"""Alembic's environment for the run archive: migrates the connection it is handed
(``config.attributes["connection"]``, as ``app.archive.store.migrate`` does), else Reflex's
configured database."""

from reflex import model as reflex_db
from sqlmodel import SQLModel

import app.archive.models  # noqa: F401 - registers the tables
from alembic import context

connection = context.config.attributes.get("connection")


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with reflex_db.get_engine().begin() as own_connection:
        run(own_connection)
