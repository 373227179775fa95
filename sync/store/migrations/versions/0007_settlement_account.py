"""the account a settled title went through (contas a pagar/receber "Conta de liquidação")

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

The bank reconciliation takes a settled payable or receivable into the ledger of the bank
account it was paid from or received in; the templates got an optional column saying which
(`templates/catalog/_accounts_payable_receivable.py`). Rows synced before this revision have
it empty until their next sync. The reader views show a table's columns as they are, so they
are dropped before and built again after (see `sync/store/views.py`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from retaguarda.sync.store.views import create_views, drop_views

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("contas_a_pagar", "contas_a_receber")


def upgrade() -> None:
    """Upgrade schema."""
    drop_views(op.get_bind())
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "conta_liquidacao", sa.Text(), nullable=True, comment="Conta de liquidação"
                )
            )
    create_views(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    drop_views(op.get_bind())
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("conta_liquidacao")
    create_views(op.get_bind())
