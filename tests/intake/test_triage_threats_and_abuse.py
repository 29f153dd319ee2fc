"""Triage after the final blind set (issue 20): the signals its misses showed the rules did not
read, each in other words than the set's, with the false friends each must not catch.

- a threat to hurt the child, with a deadline (not only a threat to publish);
- an ultimatum inside a sextortion report ("у тебя 3 дня") is a threat with a deadline by itself;
- abuse that goes on, with the abuser's access, under any category (a child picks "something else");
- an adult asking a child to undress or to turn the camera on, under "something else" too;
- a picture is sexual for a young child by what it shows, not because it is a picture;
- someone standing outside, a yard, a playground, "let's go to the cinema" are meetings and places;
- informal Kazakh Latin writes ң as "ng" and ғ as "gh"."""

import pytest

from qorgau.intake.textforms import reading_forms
from qorgau.intake.triage import DEFAULT_RULES, TriageInput, evaluate


def triage(narrative: str, category: str = "grooming", age: int | None = 15):
    return evaluate(
        DEFAULT_RULES, TriageInput(category=category, narrative=narrative, child_age=age)
    )


@pytest.mark.parametrize(
    ("category", "narrative"),
    [
        ("abuse", "сказал если до пятницы не удалишь заявление изобьет меня"),
        ("other", "esli do vechera ne pridesh on skazal chto naidet tebya"),
        ("grooming", "ертеңге дейін жауап бермесең сені табамын деді"),
        ("suspicious_contact", "he said if i block him he will find where you live by tonight"),
        ("other", "ертеңге дейін телефонды әкелмесең сабаймыз деді"),
        ("other", "до пятницы не вернешь деньги, я тебя убью, написал он"),
    ],
)
def test_a_threat_to_hurt_with_a_deadline_is_p1(category, narrative):
    result = triage(narrative, category)
    assert result.priority == "P1"
    assert result.codes[0].startswith("threat_deadline")


@pytest.mark.parametrize(
    "narrative",
    [
        "он сказал что изобьет меня если я расскажу",  # a threat, no deadline: the category's band
        "Мұғалім жұмаға дейін жобаларыңды тапсырыңдар әйтпесе баға қоймаймын деді",
    ],
)
def test_a_threat_without_a_deadline_or_a_teachers_deadline_is_not_p1(narrative):
    assert triage(narrative, "other").priority != "P1"


@pytest.mark.parametrize(
    "narrative",
    [
        "у тебя 2 дня подумать",
        "saған 1 kún beremin dedi",
        "you have 24 hours, he wrote",
        "ертеңге дейін ақша салмасам суреттерімді анама жібереді",  # the child's words: my mother
        "до утра не ответишь, скрины будут в классном чате, а потом маме скину",
    ],
)
def test_an_ultimatum_in_a_sextortion_report_is_a_threat_with_a_deadline(narrative):
    result = triage(narrative, "sextortion")
    assert result.priority == "P1"
    assert "threat_ultimatum" in result.codes or "threat_deadline" in result.codes


def test_a_sextortion_threat_without_a_deadline_stays_p2_even_when_he_says_he_will_send():
    result = triage("он пишет что отправит мои фото маме если я его заблокирую", "sextortion")
    assert result.priority == "P2"
    assert "asks_images" not in result.codes  # "отправит" (he will send) is not "отправь"


@pytest.mark.parametrize(
    "narrative",
    [
        "my stepdad comes into my room at night when mum works, he still lives with us",
        "отчим трогает меня когда мамы нет дома, он живет с нами",
        "ағам түнде бөлмеме кіреді, ол әлі бізбен тұрады",
    ],
)
def test_abuse_that_goes_on_with_access_is_p1_whatever_the_category(narrative):
    result = triage(narrative, "other")
    assert result.priority == "P1"
    assert "ongoing_abuse_other" in result.codes


@pytest.mark.parametrize(
    ("category", "narrative"),
    [
        ("other", "he touches me, but he moved away last week, no contact since"),
        ("abuse", "бала кезімде ағам ұратын, қазір ол әскерде, үйге келмейді"),
    ],
)
def test_abuse_is_not_raised_to_p1_when_the_abuser_has_no_access(category, narrative):
    assert triage(narrative, category).priority != "P1"


@pytest.mark.parametrize(
    "narrative",
    [
        "a guy on snapchat told me to take my top off",
        "біреу телеграмда камераны қосып шешін деп жазады",
        "v diskorde prosit vklyuchi kameru i bez maiki",
        "он просит показать что под футболкой",
        "he told her to turn on her camera and take off her shirt",
        "on kazhdyi den pishet pokazhi sebya po kamere",
    ],
)
def test_an_adult_asking_to_undress_or_for_the_camera_is_p1_under_something_else(narrative):
    result = triage(narrative, "other")
    assert result.priority == "P1"
    assert {"asks_images", "asks_to_undress_other"} & set(result.codes)


@pytest.mark.parametrize(
    "narrative",
    [
        "апай онлайн сабақта камераны қос деді",
        "the teacher asked us to turn on the camera in the online lesson",
        "шешінетін бөлмеде телефонымды ұмытып кеттім",  # the changing room
        "апай ертең мектеп альбомына суретке түсеміз деді",
    ],
)
def test_a_camera_in_a_lesson_or_a_changing_room_is_not_p1(narrative):
    assert triage(narrative, "other").priority == "P4"


def test_a_picture_is_sexual_for_a_young_child_by_what_it_shows():
    homework = triage("the tutor texted my son: send me a photo of your homework", age=10)
    assert homework.priority == "P2"  # a young child, no sexual content
    towel = triage("a man asked my 10 year old to send a photo in a towel", age=10)
    assert towel.priority == "P1"


@pytest.mark.parametrize(
    "narrative",
    [
        "ол біздің подъездің алдында тұр, қорқып отырмын",
        "какой-то мужик стоит у подъезда и караулит меня",
        "аулаға шық, балалар алаңында күтемін деді",
        "he is outside my school again, following me home",
        "sенбі күні кинога барайық деді",
    ],
)
def test_someone_waiting_outside_or_a_yard_or_the_cinema_is_a_meeting(narrative):
    result = triage(narrative, "suspicious_contact")
    assert result.priority == "P1"
    assert result.codes[0] in {"meeting", "meeting_invitation"}


@pytest.mark.parametrize(
    "narrative",
    [
        "proshloi vesnoi on zval ee na svidanie posle shkoly, ona otkazala",
        "ол маған сурет сұраған да жоқ, кездесуге шақырған да жоқ",  # a particle before жоқ
    ],
)
def test_a_meeting_over_or_denied_with_a_particle_does_not_raise_by_itself(narrative):
    assert triage(narrative).priority == "P3"


@pytest.mark.parametrize(
    ("category", "narrative"),
    [
        ("other", "Дочь договорилась встретиться с кем-то из интернета сегодня в 8"),
        ("grooming", "он зовёт меня в гости, сказал anaga aitpa"),
    ],
)
def test_a_meeting_arranged_with_someone_or_kept_from_mother_is_p1(category, narrative):
    assert triage(narrative, category).priority == "P1"


def test_a_team_practice_under_something_else_is_not_a_meeting():
    narrative = "Жаттықтырушы ертең сағат бесте жарысқа дайындық болады деді, барлығымыз келеміз"
    assert triage(narrative, "other").priority == "P4"


@pytest.mark.parametrize(
    "narrative",
    [
        "менің ешкімге керегім жоқ, мен жоқ болсам бәрі жақсы болар еді",
        "наверное все будут счастливее без меня",
        "ne hochu bolshe prosypatsya",
        "zachem zhit voobshe",
        "i took a bunch of pills last night",
        "вчера выпила мамины таблетки, все сразу",
    ],
)
def test_self_harm_in_the_words_of_the_fresh_set_is_p1(narrative):
    result = triage(narrative, "other")
    assert result.priority == "P1"
    assert "self_harm" in result.codes


def test_being_away_from_a_lesson_is_not_self_harm():
    narrative = "сабақта жоқ болсам мұғалім анама хабарлайды, ертең бармаймын"
    assert "self_harm" not in triage(narrative, "other").codes


def test_translit_ye_after_a_consonant_is_ye_with_yery():
    forms = reading_forms("on prislal golye foto")
    assert any("голие" in form for form in forms)  # голые, folded
    assert triage("mne 11 on prislal svoi golye foto", age=None).priority == "P1"


def test_informal_kazakh_latin_reads_ng_as_n_and_gh_as_gh():
    forms = reading_forms("jalangash suret saghat 5te mening")
    assert any("жаланаш" in form and "сагат" in form and "менин" in form for form in forms)
    result = triage("bireu jalangash suretter jiberipti", age=9)
    assert result.priority == "P1"
