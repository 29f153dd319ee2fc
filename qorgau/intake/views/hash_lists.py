"""The central office's page of known-hash lists (issue 22): the lists and their versions, an
import (a new version), and a search by hash. `manage.py import_hash_list` does the same import
from the command line, for files larger than a page may send."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from qorgau.core.errors import ServiceError
from qorgau.core.permissions import require
from qorgau.core.types import AuthedRequest
from qorgau.linking import hash_lists
from qorgau.linking.policies import IMPORT_HASH_LIST, SEARCH_HASH_LISTS


class HashListImportForm(forms.Form):
    label = forms.CharField(label=_("List"), max_length=120)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A header row, then one hash per line: columns md5, sha1, sha256 or pdq, or hash "
            "with type; an optional label column."
        ),
    )
    good_rows = forms.BooleanField(
        label=_("Import the good lines even if some lines are bad"), required=False
    )


class HashSearchForm(forms.Form):
    q = forms.CharField(label=_("Hash"), max_length=200)


@login_required
@require_http_methods(["GET", "POST"])
def staff_hash_lists(request: AuthedRequest) -> HttpResponse:
    require(request.user, SEARCH_HASH_LISTS)
    form = HashListImportForm(request.POST or None, request.FILES or None)
    search = HashSearchForm(request.GET or None)
    result, found, status = None, None, 200
    if request.method == "POST":
        require(request.user, IMPORT_HASH_LIST)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = hash_lists.hash_list_import(
                    acting_user=request.user,
                    handle=upload.file,
                    label=form.cleaned_data["label"],
                    good_rows=form.cleaned_data["good_rows"],
                    source_name=upload.name,
                )
            except ServiceError as exc:
                form.add_error("label", str(exc))
            else:
                status = 200 if result.version is not None else 400
    if search.is_valid():
        found = hash_lists.search_lists(acting_user=request.user, text=search.cleaned_data["q"])
    return render(
        request,
        "intake/staff_hash_lists.html",
        {
            "form": form,
            "search": search,
            "result": result,
            "found": found,
            "lists": hash_lists.lists_overview(),
        },
        status=status,
    )
