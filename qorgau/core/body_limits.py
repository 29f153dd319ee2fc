"""Request bodies over the limit of their path are refused (413) before they are held in memory.

Finding 6 of the security review: a 600 MB upload pushed a worker to ~700 MB before its 400. Now:

- a body whose Content-Length passes the limit of its path is refused before anything reads it;
- a chunked body (no Content-Length) is read into a temporary file (in memory up to
  FILE_UPLOAD_MAX_MEMORY_SIZE) and refused as soon as the bytes read pass the limit; under it,
  Django reads it from there as if it had come with its length (Django itself reads nothing of a
  body without a Content-Length);
- in a multipart body, `FileSizeLimit` (first of FILE_UPLOAD_HANDLERS) stops the parser at the
  first file over the per-file limit, before more of it is stored: Django closes, and so deletes,
  the temporary files, and the whole request is refused naming the file.

The limits (`limits_for`): the Red Button's form and follow-up (`/report/…`) take
QORGAU_EVIDENCE_TOTAL_MAX_BYTES of files plus 1 MiB, each file up to the largest size of any type
(a video's; a picture over its own, smaller, limit is refused once its type is known); the API (`/api/`) QORGAU_MAX_REQUEST_BYTES (by default one
such file in base64 and 1 MiB of text: a worker holds about twice the body of a JSON request);
every other path QORGAU_MAX_OTHER_REQUEST_BYTES (staff forms and CSV imports, webhooks, admin).
The answer is the API's JSON error under /api/, a page otherwise, in the person's language: the
middleware comes after the locale one, and before anything reads the body.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

RED_BUTTON_PREFIX = "/report/"  # the public form and the follow-up by receipt code
API_PREFIX = "/api/"
MARGIN = 2**20  # the text fields and the multipart framing around the files
CHUNK = 64 * 1024
FILE_REFUSED = "qorgau_file_too_large"  # the request attribute FileSizeLimit sets


@dataclass(frozen=True)
class Limits:
    body: int  # the whole body, in bytes
    file: int  # one uploaded file
    kind: str  # "form", "api" or "other": which message a refusal gives


def limits_for(path: str) -> Limits:
    per_file = max(settings.QORGAU_EVIDENCE_MAX_BYTES, settings.QORGAU_EVIDENCE_MEDIA_MAX_BYTES)
    if path.startswith(API_PREFIX):
        return Limits(settings.QORGAU_MAX_REQUEST_BYTES, per_file, "api")
    if path.startswith(RED_BUTTON_PREFIX):
        return Limits(settings.QORGAU_EVIDENCE_TOTAL_MAX_BYTES + MARGIN, per_file, "form")
    other = settings.QORGAU_MAX_OTHER_REQUEST_BYTES
    return Limits(other, other, "other")


def _content_length(meta: dict[str, Any]) -> int | None:
    try:
        value = int(meta.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return value if value >= 0 else None


class RequestBodyLimitMiddleware:
    """Refuse a body over the limit of its path (413) before it is read or held: see the module."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limits = limits_for(request.path_info)
        length = _content_length(request.META)
        spool = None
        if length is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            spool = _spool_chunked(request, limits.body)
            if spool is None:
                return too_large(request, limits)
        elif length is not None and length > limits.body:
            return too_large(request, limits)
        try:
            if request.method == "POST" and request.content_type == "multipart/form-data":
                request.POST  # noqa: B018 - parsed here, with FileSizeLimit watching each file
                refused = getattr(request, FILE_REFUSED, None)
                if refused is not None:
                    return too_large(request, limits, filename=refused)
            return self.get_response(request)
        finally:
            if spool is not None:
                spool.close()


def _spool_chunked(request: HttpRequest, limit: int) -> Any:
    """Read a chunked body into a temporary file, at most `limit` bytes (None beyond), and let
    Django read it from there, with its length now known."""
    stream = request.META["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by the middleware
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    size = 0
    while piece := stream.read(CHUNK):
        size += len(piece)
        if size > limit:
            spool.close()
            return None
        spool.write(piece)
    spool.seek(0)
    # WSGIRequest reads its body from `_stream`, made at its creation from CONTENT_LENGTH (0 here).
    request._stream = LimitedStream(spool, size)  # type: ignore[assignment,arg-type]
    request.META["CONTENT_LENGTH"] = str(size)
    return spool


def too_large(request: HttpRequest, limits: Limits, *, filename: str | None = None) -> HttpResponse:
    """413, as the API's error under /api/, as a page elsewhere, in the person's language."""
    mb = max(limits.body // 2**20, 1)
    if filename is not None:
        message = _("“%(name)s” is too large: at most %(mb)d MB per file.") % {
            "name": filename[:80],
            "mb": limits.file // 2**20,
        }
    elif limits.kind == "form":
        message = _(
            "What was sent is too large: at most %(mb)d MB of files in all. "
            "Send fewer or smaller files."
        ) % {"mb": settings.QORGAU_EVIDENCE_TOTAL_MAX_BYTES // 2**20}
    elif limits.kind == "api":
        message = _("The body is too large: at most %(mb)d MB.") % {"mb": mb}
    else:
        message = _("The request is too large: at most %(mb)d MB.") % {"mb": mb}
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=413)
    from qorgau.core.error_views import error_context

    context = {**error_context(request), "message": message}
    return render(request, "413.html", context, status=413)


class FileSizeLimit(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops the multipart parser at the first file over the
    per-file limit of the request's path, before more than that limit of it is stored anywhere.
    StopUpload makes Django close (so delete) the temporary files and read no further; the
    middleware then refuses the request, naming the file."""

    limit = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.limit = limits_for(self.request.path_info).file if self.request else 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.limit and start + len(raw_data) > self.limit:
            setattr(self.request, FILE_REFUSED, self.file_name or "?")
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
