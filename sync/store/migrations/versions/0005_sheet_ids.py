"""the sheets of each Google source, with their ids

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

The dashboard links each finding to its cell in the Google Sheet, which takes the sheet's id
(`#gid=`) as well as its title; the sync records them from the metadata it already reads.
Sources synced before this revision get theirs at their next sync.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "sheets",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("sheet_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_sheets_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("source_id", "title", name=op.f("pk_sheets")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("sheets")
