"""gunicorn settings for Unmentoring: `gunicorn -c python:unmentoring.gunicorn_conf unmentoring.wsgi`.

`unmentoring serve` uses them too. Tokens are redacted from the logs (unmentoring.core.logging).

Each worker answers one request at a time and takes the next from the listening socket only when it is
free (gunicorn's sync worker), so a request waits for the first free worker, not behind a busy one. Under
load that gave the same throughput as threads and a lower 99th percentile (docs/benchmarks.md, decision
0017). It assumes a proxy that buffers slow clients (nginx: docs/deployment.md). Run about two workers per
CPU (WEB_CONCURRENCY). A worker silent for `timeout` seconds is restarted: the longest requests, an
organiser's cancel or draw of a 100,000-member round, take under a minute.
"""

logger_class = "unmentoring.core.logging.GunicornLogger"
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
graceful_timeout = 10
worker_class = "sync"
timeout = 120
