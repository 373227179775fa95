"""gunicorn's settings for the Retaguarda service at scale (docs/deploy.md).

Read by `gunicorn --config /etc/retaguarda/gunicorn.conf.py` (deploy/retaguarda.service);
options on the command line win over these. The service's own settings are the RETAGUARDA_*
variables of /etc/retaguarda/retaguarda.env, not this file.
"""

import os
from typing import Any

from gunicorn.glogging import Logger

# one application per worker process, built after the fork: each opens its own connections to
# the store and the queue (preload_app would share one pool's sockets between processes)
wsgi_app = "retaguarda.sync.app:create_app()"
preload_app = False

# only the proxy on this machine talks to gunicorn (deploy/nginx.conf); it holds the TLS
bind = ["127.0.0.1:8000"]

# threaded workers that keep connections open: nginx keeps a few connections to gunicorn
# (`keepalive` in its upstream) and sends request after request on each, so a webhook costs
# no new connection, and a worker waiting on the store serves another request meanwhile (a
# sync worker serves one at a time and closes the connection after it). nginx reads slow
# clients' bodies whole before passing them on, so no thread waits on a slow network. One or
# two processes per core, many threads each: a webhook waits on its group commit, and the
# webhooks waiting together share one (2 workers of 16 threads took 1,600 webhooks a second
# while a sync ran, of 4 threads 860; benchmarks/README.md, "Serviço"). A workbook from the
# Excel add-in, a menu action or a report takes a core and up to 0.6 GB while it runs: a
# process runs RETAGUARDA_HEAVY_REQUESTS (2) of them at once, the others wait (sync/heavy.py)
workers = 4
worker_class = "gthread"
threads = 16

# the largest workbook the add-in may send takes about 12 s to validate on 2 cores; a worker
# silent for longer than this is restarted. nginx waits a little longer (proxy_read_timeout)
timeout = 120
graceful_timeout = 30
keepalive = 5

# a worker is replaced after this many requests (plus a random share, so that they are not
# all replaced at once): memory pandas keeps after a large workbook is given back. Not much
# fewer: a webhook is a request too, and at a thousand a second a worker replaced every
# thousand requests would spend its time starting (benchmarks/README.md, "Serviço")
max_requests = 50_000
max_requests_jitter = 5_000

# X-Forwarded-Proto from the proxy on this machine makes the request https (the session
# cookie is marked Secure, redirects stay on https); from anywhere else it is ignored
forwarded_allow_ips = "127.0.0.1,::1"

# gunicornc's control socket (gunicorn 25.1 and later) in the unit's RuntimeDirectory
# (/run/retaguarda, which systemd names in RUNTIME_DIRECTORY), not in the home folder
if "RUNTIME_DIRECTORY" in os.environ:
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"], "gunicorn.ctl")

# both logs to standard output, where journald keeps them (journalctl -u retaguarda); the
# client's address is the one the proxy saw
accesslog = "-"
errorlog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


class AccessLog(Logger):
    """gunicorn's logger, without the access line of each webhook taken (202): at a thousand
    a second those lines were a tenth of a worker's CPU, and a day of them millions of lines
    in the journal. Every other request keeps its line, refused webhooks (400, 401, 404, 413)
    and a store that failed (503) included, beside the service's own warning of why; nginx's
    access log (/var/log/nginx/access.log) still has every request."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if resp.status_code == 202 and environ.get("PATH_INFO") == "/webhooks/google-sheets":
            return
        super().access(resp, req, environ, request_time)


logger_class = AccessLog
