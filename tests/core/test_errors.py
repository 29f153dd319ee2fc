"""ServiceError: one refusal type, one JSON shape, one way onto a form."""

from django import forms

from qorgau.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionRefused,
    ServiceError,
    add_to_form,
)


def test_field_errors_become_the_apis_detail_list():
    error = InvalidInput({"child.age": ["Enter a number.", "Too big."], "narrative": ["Empty."]})
    assert error.status == 422
    assert error.detail() == [
        {"field": "child.age", "message": "Enter a number. Too big."},
        {"field": "narrative", "message": "Empty."},
    ]
    assert error.message == "Enter a number. Too big. Empty."


def test_a_message_alone_is_the_detail_and_statuses_follow_the_kind():
    assert ServiceError("No.").detail() == "No."
    assert ServiceError("No.").status == 400
    assert ServiceError("Taken.", conflict=True).status == 409
    assert Conflict().status == 409
    assert PermissionRefused().status == 403
    assert NotFound().status == 404


def test_refusals_are_djangos_own_exceptions_too():
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert isinstance(PermissionRefused(), PermissionDenied)
    assert isinstance(NotFound(), Http404)


class _Form(forms.Form):
    title = forms.CharField()


def test_a_refusal_lands_on_the_form_field_it_names_or_on_the_whole_form():
    form = _Form({"title": "x"})
    assert form.is_valid()
    add_to_form(form, ServiceError(errors={"title": ["Taken."], "elsewhere": ["Odd."]}))
    assert form.errors["title"] == ["Taken."]
    assert form.non_field_errors() == ["Odd."]
    other = _Form({"title": "x"})
    other.is_valid()
    add_to_form(other, ServiceError("Not now."))
    assert other.non_field_errors() == ["Not now."]


def test_a_page_action_shows_what_the_person_can_fix_and_lets_403_and_404_through(rf):
    import pytest
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from qorgau.core.errors import run_and_tell

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)

    def refuse(error):
        def call():
            raise error

        return call

    assert run_and_tell(request, lambda: None, "Saved.") is True
    assert run_and_tell(request, refuse(Conflict("Taken meanwhile.")), "Saved.") is False
    assert [str(m) for m in get_messages(request)] == ["Saved.", "Taken meanwhile."]
    for error in (PermissionRefused(), NotFound()):
        with pytest.raises(type(error)):
            run_and_tell(request, refuse(error), "Saved.")
