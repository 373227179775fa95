"""the folha's optional payroll columns (Data de pagamento, Horas mensais, Aprendiz,
Vale-transporte (benefício))

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

The payroll engine computes INSS, IRRF, FGTS and the net pay from the sheet; the folha template
got four optional columns it reads (`templates/catalog/folha.py`): the payment date (which
IRRF table applies), the monthly hours (the hourly rate), whether the contract is an
apprenticeship (FGTS 2%) and the transport benefit's value (the discount's cap). Rows synced
before this revision have them empty until their next sync. The reader views are dropped
before and built again after (see `sync/store/views.py`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from retaguarda.sync.store.schema import Scaled
from retaguarda.sync.store.views import create_views, drop_views

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns() -> list[sa.Column]:
    return [
        sa.Column("data_pagamento", sa.Date(), nullable=True, comment="Data de pagamento"),
        sa.Column("horas_mensais", Scaled(3), nullable=True, comment="Horas mensais"),
        sa.Column("aprendiz", sa.Text(), nullable=True, comment="Aprendiz"),
        sa.Column(
            "vale_transporte_beneficio",
            Scaled(2),
            nullable=True,
            comment="Vale-transporte (benefício)",
        ),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    drop_views(op.get_bind())
    with op.batch_alter_table("folha", schema=None) as batch_op:
        for column in _columns():
            batch_op.add_column(column)
    create_views(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    drop_views(op.get_bind())
    with op.batch_alter_table("folha", schema=None) as batch_op:
        for column in reversed(_columns()):
            batch_op.drop_column(column.name)
    create_views(op.get_bind())
