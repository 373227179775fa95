"""Reconciliation: a bank statement against the ledger, payroll against payments, a stock count
against the book, one team's transfers against another's.

Plain functions over `Lines` (one movement per row, see `model`); the statement readers, the
ledger side, the matcher and the sheet they write each live in a module of their own, and the
CLI (`retaguarda reconcile`) and the add-in's "Conciliar" macro are thin shells over them.
"""
