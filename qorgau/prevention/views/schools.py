"""Views of schools: the list, registering one, the CSV import, a school's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qorgau.core.collation import sorted_by_name
from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form
from qorgau.core.permissions import may, require, requires_visibility
from qorgau.core.selectors import region_list
from qorgau.core.types import AuthedRequest
from qorgau.prevention import policies, selectors, services
from qorgau.prevention.forms import ImportForm, SchoolForm
from qorgau.prevention.models import School
from qorgau.prevention.views._common import _page


@login_required
@requires_visibility(School)
@require_GET
def school_list(request: AuthedRequest) -> HttpResponse:
    district = request.GET.get("district") or None
    find = (request.GET.get("find") or "").strip()[:100]
    qs = selectors.school_list_for_user(user=request.user, district=district, find=find)
    return render(
        request,
        "prevention/school_list.html",
        {
            "page": _page(request, qs),
            "districts": selectors.district_list_for_user(user=request.user),
            "district": district,
            "find": find,
        },
    )


@login_required
@requires_visibility(School)
@require_http_methods(["GET", "POST"])
def school_new(request: AuthedRequest) -> HttpResponse:
    require(request.user, policies.CREATE_SCHOOL)
    # the regions the user registers schools in: their own, or every one for the central office
    regions = [r for r in region_list() if may(request.user, policies.CREATE_SCHOOL, r)]
    form = SchoolForm(request.POST or None, regions=regions, initial={"region": regions[0].code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school = services.school_create(
                acting_user=request.user,
                data=services.SchoolInput(
                    name=data["name"],
                    region_code=data["region"],
                    district=data["district"],
                    settlement=data["settlement"],
                    settlement_kind=data["settlement_kind"],
                    pupils=data["pupils"],
                    languages=data["languages"],
                ),
            )
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The school was registered."))
            return redirect("prevention:school_detail", public_id=school.public_id)
    return render(
        request,
        "prevention/school_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@requires_visibility(School)
@require_http_methods(["GET", "POST"])
def school_import(request: AuthedRequest) -> HttpResponse:
    require(request.user, policies.IMPORT_SCHOOLS)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = services.school_import_csv(
                acting_user=request.user,
                text=form.cleaned_data["file"],
                good_rows=form.cleaned_data["good_rows"],
            )
            status = 200 if result.imported or result.ok else 400
    return render(
        request,
        "prevention/school_import.html",
        {"form": form, "result": result, "columns": services.SCHOOL_COLUMNS},
        status=status,
    )


@login_required
@requires_visibility(School)
@require_GET
def school_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    school = selectors.school_get_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "prevention/school_detail.html",
        {
            "school": school,
            "teachers": sorted_by_name(school.teachers.all(), lambda t: t.full_name),
            "rounds": selectors.school_rounds(school=school),
        },
    )
