"""gunicorn's configuration for Qorgau: `gunicorn -c gunicorn.conf.py qorgau.wsgi`.

Every value can be changed from the environment (see .env.example); the defaults suit one
application server behind nginx on the same machine.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def default_workers(cores: int) -> int:
    """Two workers per core plus one: a sync worker waits on PostgreSQL about half of its time."""
    return 2 * cores + 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", default_workers(multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
# A request (an upload of evidence on a slow line included) ends within this many seconds.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so that no slow growth of memory lasts.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# nginx in front buffers slow clients; it sets X-Forwarded-Proto (Django trusts it for HTTPS) and
# X-Forwarded-For. gunicorn trusts the proxies the application trusts (TRUSTED_PROXIES, read again by
# qorgau.settings: one list for both); GUNICORN_FORWARDED_ALLOW_IPS is read only when it is unset.
forwarded_allow_ips = (
    os.environ.get("TRUSTED_PROXIES", "").replace(" ", "")
    or os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "")
    or "127.0.0.1,::1"
)
proxy_allow_ips = forwarded_allow_ips
# Access log without addresses and without query strings: they may carry personal data.
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
