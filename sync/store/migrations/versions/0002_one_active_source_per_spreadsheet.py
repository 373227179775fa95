"""one active source per spreadsheet

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

Two processes adding the same spreadsheet at once could both pass the check in code and
register it twice; a unique index on the active sources makes the database refuse the second.
A store that already holds such a pair keeps the first one registered and retires the later
ones, as `retaguarda sources remove` would (their rows and history stay), and says which.
"""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger(__name__)

_LATER_DUPLICATES = """
    FROM sources WHERE removed_at IS NULL AND EXISTS (
        SELECT 1 FROM sources AS earlier
        WHERE earlier.kind = sources.kind AND earlier.location = sources.location
          AND earlier.removed_at IS NULL AND earlier.id < sources.id
    )
"""


def upgrade() -> None:
    """Upgrade schema."""
    connection = op.get_bind()
    retired = connection.execute(sa.text(f"SELECT name, location {_LATER_DUPLICATES}")).all()
    if retired:
        connection.execute(
            sa.text(
                f"UPDATE sources SET removed_at = :now WHERE id IN (SELECT id {_LATER_DUPLICATES})"
            ),
            {"now": datetime.now(UTC)},
        )
        logger.warning(
            "fontes repetidas desativadas (a mesma planilha já era outra fonte): %s",
            ", ".join(f"{name} ({location})" for name, location in retired),
        )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(
            "uq_sources_active_location",
            ["kind", "location"],
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index("uq_sources_active_location")
