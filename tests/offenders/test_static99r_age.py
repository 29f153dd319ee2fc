"""Static-99R's age item is computed from the date of birth at the assessment date, never chosen."""

from datetime import date

import pytest
from django.utils import timezone

from qorgau.offenders import services
from qorgau.offenders.instruments import STATIC_99R, age_on, derived_answers
from qorgau.offenders.models import RiskAssessment

pytestmark = pytest.mark.django_db

# The other nine items, all scoring 0.
ZEROS = {
    "partner": "yes",
    "index_violence": "no",
    "prior_violence": "no",
    "prior_sex": "none",
    "sentencing_dates": "0-3",
    "noncontact": "no",
    "unrelated": "no",
    "stranger": "no",
    "male": "no",
}


def _born(person, day: date):
    person.date_of_birth = day
    person.save(update_fields=["date_of_birth"])
    return person


@pytest.mark.parametrize(
    ("born", "on", "age", "value", "score"),
    [
        (date(1966, 3, 1), date(2026, 12, 4), 60, "60+", -3),
        (date(1966, 12, 5), date(2026, 12, 4), 59, "40-59", -1),  # the day before his birthday
        (date(1986, 12, 4), date(2026, 12, 4), 40, "40-59", -1),  # on his 40th birthday
        (date(1987, 1, 1), date(2026, 12, 4), 39, "35-39", 0),
        (date(1991, 12, 4), date(2026, 12, 4), 35, "35-39", 0),
        (date(1992, 6, 1), date(2026, 12, 4), 34, "18-34", 1),
        (date(2008, 12, 4), date(2026, 12, 4), 18, "18-34", 1),
    ],
)
def test_the_age_item_follows_the_coding_rules_bounds(born, on, age, value, score):
    assert age_on(born, on) == age
    answer = derived_answers(STATIC_99R, age=age)["age"]
    option = next(o for o in STATIC_99R["items"][0]["options"] if o["value"] == answer)
    assert (answer, option["score"]) == (value, score)


def test_a_man_born_in_1966_scores_minus_three_for_his_age(inmate, clinician):
    _born(inmate, date(1966, 5, 17))
    row = services.risk_assess(
        person=inmate, acting_user=clinician, answers=ZEROS, assessed_on=date(2026, 6, 1)
    )
    assert row.answers["age"] == "60+" and row.total == -3 and row.band == "I"


def test_the_age_is_taken_at_the_assessment_date_not_today(inmate, clinician):
    _born(inmate, date(1966, 5, 17))
    row = services.risk_assess(
        person=inmate, acting_user=clinician, answers=ZEROS, assessed_on=date(2026, 5, 16)
    )
    assert row.answers["age"] == "40-59" and row.total == -1


def test_an_age_answer_that_disagrees_with_the_date_of_birth_is_refused(inmate, clinician):
    _born(inmate, date(1966, 5, 17))
    with pytest.raises(services.OffenderInvalid, match="follows from the date of birth"):
        services.risk_assess(
            person=inmate,
            acting_user=clinician,
            answers={**ZEROS, "age": "18-34"},
            assessed_on=date(2026, 6, 1),
        )
    assert not RiskAssessment.objects.exists()


def test_someone_under_18_at_the_assessment_date_is_not_scored(inmate, clinician):
    _born(inmate, timezone.localdate().replace(year=timezone.localdate().year - 17))
    with pytest.raises(services.OffenderInvalid, match="18 or older"):
        services.risk_assess(person=inmate, acting_user=clinician, answers=ZEROS)
    assert not RiskAssessment.objects.exists()


def _old_form_defaults() -> dict[str, str]:
    """What the old form posted when nothing was touched: the first option of every item."""
    return {f"item_{i['code']}": i["options"][0]["value"] for i in STATIC_99R["items"]}


def test_saving_the_old_forms_defaults_can_no_longer_give_a_wrong_level(client, inmate, clinician):
    _born(inmate, date(1966, 5, 17))
    client.force_login(clinician)
    url = f"/staff/offenders/{inmate.public_id}/do/risk/"
    # the old defaults: "18–34.9 (+1)" for the age, then the first option of each item
    post = {"assessed_on": timezone.localdate().isoformat(), **_old_form_defaults()}
    response = client.post(url, post)
    # the age posted is ignored (the field is computed); every other item was answered, so the
    # assessment is saved with the age he has: 60 → −3, not +1
    assert response.status_code == 302
    row = RiskAssessment.objects.get()
    expected = -3 + sum(i["options"][0]["score"] for i in STATIC_99R["items"] if i["code"] != "age")
    assert row.answers["age"] == "60+" and row.total == expected


def test_an_unanswered_item_is_refused_with_a_clear_message(client, inmate, clinician):
    client.force_login(clinician)
    url = f"/staff/offenders/{inmate.public_id}/do/risk/"
    post = {"assessed_on": timezone.localdate().isoformat()}
    post.update({f"item_{code}": value for code, value in ZEROS.items() if code != "male"})
    response = client.post(url, post)
    assert response.status_code == 400
    assert "no item is scored by default" in response.content.decode()
    assert not RiskAssessment.objects.exists()


def test_the_form_offers_no_default_and_shows_the_computed_age(client, inmate, clinician):
    _born(inmate, date(1966, 5, 17))
    client.force_login(clinician)
    page = client.get(f"/staff/offenders/{inmate.public_id}/")
    form = page.context["risk_form"]
    age = form["item_age"]
    assert age.field.disabled and age.value() == "60+"
    assert "1966-05-17" in str(age.help_text)
    for code in ZEROS:
        assert form[f"item_{code}"].value() in (None, "")
    html = page.content.decode()
    assert 'value="" selected' in html or 'value=""selected' in html


def test_an_old_assessment_keeps_its_score_and_the_page_says_its_age_is_wrong(
    client, inmate, clinician
):
    _born(inmate, date(1966, 5, 17))
    instrument = services.instrument_get()
    old = RiskAssessment.objects.create(
        person=inmate,
        instrument=instrument,
        answers={**ZEROS, "age": "18-34"},
        total=1,
        band="III",
        level="moderate",
        assessed_on=date(2026, 6, 1),
        clinician=clinician,
    )
    client.force_login(clinician)
    html = client.get(f"/staff/offenders/{inmate.public_id}/").content.decode()
    old.refresh_from_db()
    assert old.total == 1 and old.level == "moderate"
    assert "does not match the date of birth" in html
