"""views for readers: amounts and dates as people and BI tools expect them

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

`v_<template>` (the live rows, money as numbers with their places, dates as ISO dates),
`v_quarentena` (the rows held now, with their issues as text) and `v_quarentena_<template>`
(their cells, Excel serial dates shown as dates); see `sync/store/views.py` and
docs/sincronizacao.md. Downgrading drops them; the tables are untouched.
"""

from collections.abc import Sequence

from alembic import op

from retaguarda.sync.store.views import create_views, drop_views

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    create_views(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    drop_views(op.get_bind())
