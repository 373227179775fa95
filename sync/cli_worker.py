"""`retaguarda worker`: a process that runs the sync queue's jobs (see `sync.queue`).

At scale, one or more per machine beside gunicorn, all on the same store (PostgreSQL) and
queue (`RETAGUARDA_QUEUE_URL=redis://...`); `retaguarda serve` runs the same workers as
threads of its own for the embedded default. Ctrl-C (SIGINT) stops it once its running syncs
end (the systemd unit in deploy/ stops it so); SIGTERM, huey's rule, stops it at once, which,
like kill -9, loses nothing: a sync cut short rolls back, and the next worker to look finds
its job in the store and runs it again.
"""

from __future__ import annotations

import logging
import os

import click

from retaguarda.sync.queue import SyncQueue
from retaguarda.sync.settings import SettingsError, load_settings

logger = logging.getLogger(__name__)


@click.command("worker")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Sincronizações ao mesmo tempo neste processo (padrão: RETAGUARDA_WORKERS, 2).",
)
def worker(workers: int | None) -> None:
    """Executa as sincronizações da fila (webhooks, consulta ao Drive, novas tentativas).

    Vários processos, em uma ou mais máquinas, dividem o trabalho sem sincronizar a mesma
    fonte ao mesmo tempo. Precisa do mesmo banco (RETAGUARDA_DATABASE_URL) e da mesma fila
    (RETAGUARDA_QUEUE_URL) do serviço; veja docs/deploy.md.

    Exemplo: RETAGUARDA_QUEUE_URL=redis://127.0.0.1:6379/0 retaguarda worker --workers 4
    """
    try:
        settings = load_settings()
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    lower_priority(settings.worker_nice)  # before the consumer's threads: they inherit it
    queue = SyncQueue(settings)
    consumer = queue.consumer(workers)
    queue.housekeeping()
    try:
        consumer.run()
    finally:
        queue.stopping.set()


def lower_priority(nice: int) -> None:
    """Run this process at niceness `nice` at least (RETAGUARDA_WORKER_NICE): a sync waits
    for the CPU behind the service's requests. Never raised back (that takes root), so a
    niceness already higher (systemd's `Nice=`, `nice -n 19 retaguarda worker`) stays; on
    Windows, which has no niceness, nothing changes."""
    if not hasattr(os, "nice"):
        return
    current = os.nice(0)
    if nice > current:
        os.nice(nice - current)
    logger.info("sincronizações com prioridade baixa de CPU (nice %d)", max(nice, current))
