"""gunicorn settings for Unmentoring: `gunicorn -c python:unmentoring.gunicorn_conf unmentoring.wsgi`.

`unmentoring serve` uses them too. Tokens are redacted from the logs (unmentoring.core.logging).
"""

logger_class = "unmentoring.core.logging.GunicornLogger"
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
graceful_timeout = 10
threads = 4
