"""Logging filters that keep personal data out of the logs whatever the log level.

At DEBUG, Django's template engine logs every failed variable lookup with the whole template
context (the request with its query string, forms with what was typed), and the database backend
logs every statement with its parameters (when DEBUG is on). These filters sit on those loggers, so
they hold for every handler, including one an operator adds.
"""

from __future__ import annotations

import logging


class DropTemplateContext(logging.Filter):
    """Drop the template engine's records: they print the context, which may hold personal data."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


class RedactQueries(logging.Filter):
    """Keep a statement's duration and database, never its SQL with parameters."""

    def filter(self, record: logging.LogRecord) -> bool:
        duration = getattr(record, "duration", None)
        alias = getattr(record, "alias", "")
        if hasattr(record, "sql") or hasattr(record, "params"):
            record.msg = "(%.3f) statement on %s (SQL and parameters not logged)"
            record.args = (duration or 0.0, alias)
            record.sql = record.params = None
        return True
