"""Issue 22, part 4: voice notes and videos go with a report, up to their own size, stored encrypted
like every file; a file whose bytes are no allowed type, a file over its limit, and a file sent
twice each get a clear message in the child's language."""

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.intake.evidence import IncomingFile, evidence_dir, read_decrypted
from qorgau.intake.models import Evidence, Report
from tests.intake import media_samples as samples
from tests.intake.conftest import EXE, PNG
from tests.intake.test_views import form_data

pytestmark = pytest.mark.django_db
MIB = 2**20
WEB = services.Submitter(source=Source.WEB)


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


def padded(content: bytes, size: int) -> bytes:
    """The sample grown to `size` bytes (its header unchanged: what is sniffed)."""
    return content + bytes(size - len(content))


class TestTheForm:
    def test_a_voice_note_is_stored_encrypted_as_it_came(self, client, reference_data):
        voice = samples.ogg_opus(seconds=2)
        response = client.post(
            "/report/?lang=kk", form_data(evidence=[upload("voice.opus", voice, "audio/ogg")])
        )
        assert response.status_code == 201
        item = Evidence.objects.get()
        assert (item.content_type, item.size) == ("audio/ogg", len(voice))
        assert item.sha256 == hashlib.sha256(voice).hexdigest()
        on_disk = (evidence_dir() / item.storage_name).read_bytes()
        assert b"OpusHead" not in on_disk and b"OggS" not in on_disk
        assert read_decrypted(item.storage_name, item.data_key) == voice
        # nothing else was made of it: no thumbnail, no transcoding, one file on disk
        assert [p.name for p in evidence_dir().iterdir()] == [item.storage_name]
        html = response.content.decode()
        assert "Дауыс жазбалары мен видео: 1" in html

    @pytest.mark.parametrize(
        ("name", "sample", "kind"),
        [
            ("memo.m4a", samples.m4a, "audio/mp4"),
            ("song.mp3", samples.mp3_without_id3, "audio/mpeg"),
            ("screen.mp4", samples.mp4, "video/mp4"),
            ("IMG_0001.MOV", samples.mov, "video/quicktime"),
            ("recording.webm", samples.webm, "video/webm"),
        ],
    )
    def test_each_kind_of_voice_note_and_video_is_taken(
        self, client, reference_data, name, sample, kind
    ):
        response = client.post("/report/?lang=en", form_data(evidence=[upload(name, sample())]))
        assert response.status_code == 201
        assert Evidence.objects.get().content_type == kind

    def test_a_file_whose_bytes_are_no_allowed_type_is_refused_whatever_its_name(
        self, client, reference_data
    ):
        for name, content in (("voice.ogg", EXE), ("clip.mkv", samples.mkv())):
            response = client.post(
                "/report/?lang=ru", form_data(evidence=[upload(name, content, "audio/ogg")])
            )
            assert response.status_code == 400
            html = response.content.decode()
            assert f"Файл «{name}» не подходит" in html and "голосовые записи, видео" in html
        assert Report.objects.count() == 0

    def test_a_video_may_be_larger_than_a_picture(self, client, reference_data, settings):
        settings.QORGAU_EVIDENCE_MAX_BYTES = 1 * MIB
        settings.QORGAU_EVIDENCE_MEDIA_MAX_BYTES = 4 * MIB
        video = padded(samples.mp4(), 3 * MIB)
        response = client.post("/report/?lang=en", form_data(evidence=[upload("a.mp4", video)]))
        assert response.status_code == 201
        assert Evidence.objects.get().size == 3 * MIB

    def test_a_picture_over_its_own_limit_is_refused_naming_the_limit(
        self, client, reference_data, settings
    ):
        settings.QORGAU_EVIDENCE_MAX_BYTES = 1 * MIB
        settings.QORGAU_EVIDENCE_MEDIA_MAX_BYTES = 4 * MIB
        picture = padded(PNG, 3 * MIB)
        response = client.post(
            "/report/?lang=en", form_data(evidence=[upload("screen.png", picture)])
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "“screen.png” is too large: a picture or a document can be at most 1 MB." in html
        response = client.post("/report/?lang=kk", form_data(evidence=[upload("s.png", picture)]))
        assert "«s.png» тым үлкен: сурет не құжат ең көбі 1 МБ болуы керек." in (
            response.content.decode()
        )
        assert Report.objects.count() == 0

    def test_a_video_over_its_limit_is_refused_naming_the_limit(self, reference_data, settings):
        settings.QORGAU_EVIDENCE_MEDIA_MAX_BYTES = 2 * MIB
        settings.QORGAU_EVIDENCE_MAX_BYTES = 4 * MIB  # configured larger: each keeps its own
        video = IncomingFile("long.mov", padded(samples.mov(), 3 * MIB))
        with pytest.raises(services.ReportInvalid) as caught:
            services.report_submit(draft=draft(files=[video]), submitter=WEB)
        assert caught.value.errors == {
            "evidence.0": ["“long.mov” is too large: a voice note or a video can be at most 2 MB."]
        }

    def test_the_form_says_voice_notes_and_screen_recordings_can_be_sent(
        self, client, reference_data
    ):
        html = client.get("/report/?lang=en").content.decode()
        assert "You can also send a voice note: tell us in your own voice." in html
        assert "A voice note or a video: up to 100 MB. Other files: up to 20 MB." in html
        tag = html[html.index('<input type="file" name="evidence"') :].split(">", 1)[0]
        accept = tag.split('accept="', 1)[1].split('"', 1)[0].split(",")
        assert {"image/*", "audio/*", "video/*", "application/pdf", ".opus", ".m4a"} <= set(accept)
        assert "capture" not in tag  # a saved voice note can be chosen, not only a new one
        from qorgau.intake.forms import AddInformationForm

        follow_up = str(AddInformationForm()["evidence"])  # the receipt code's page: the same
        assert 'accept="image/*,audio/*,video/*' in follow_up and "capture" not in follow_up


def draft(**overrides):
    values = {"category": "grooming", "narrative": "He sent a voice note.", "region_code": "KZ-75"}
    return services.ReportDraft(**{**values, **overrides})


class TestAFileSentTwice:
    def test_the_same_file_twice_in_a_report_is_kept_once_and_the_child_is_told(
        self, client, reference_data
    ):
        response = client.post(
            "/report/?lang=kk",
            form_data(evidence=[upload("chat.png", PNG), upload("chat.png", PNG)]),
        )
        assert response.status_code == 201
        assert Evidence.objects.count() == 1
        assert "«chat.png» екі рет жіберілді. Біз оны бір рет қана сақтадық." in (
            response.content.decode()
        )

    def test_two_names_for_the_same_bytes_are_one_file(self, client, reference_data):
        voice = samples.ogg_opus()
        response = client.post(
            "/report/?lang=ru",
            form_data(evidence=[upload("a.ogg", voice), upload("a (1).ogg", voice)]),
        )
        assert response.status_code == 201
        assert list(Evidence.objects.values_list("filename", flat=True)) == ["a.ogg"]
        assert "«a (1).ogg» — тот же файл, что и «a.ogg»." in response.content.decode()

    def test_the_api_keeps_one_and_says_so(self, client, platform_token):
        content = base64.b64encode(samples.m4a()).decode()
        digest = hashlib.sha256(samples.m4a()).hexdigest()
        response = client.post(
            "/api/v1/reports",
            {
                "category": "grooming",
                "narrative": "Synthetic.",
                "evidence": [
                    {"filename": "memo.m4a", "content_base64": content},
                    {"filename": "memo-hash", "sha256": digest},
                ],
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {platform_token}",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 201, response.content
        assert response.json()["notes"] == [
            "“memo-hash” is the same file as “memo.m4a”. We kept it once."
        ]
        item = Evidence.objects.get()
        assert item.content_type == "audio/mp4" and item.has_content

    def test_a_file_the_report_already_holds_is_not_added_again(self, reference_data):
        report = services.report_submit(
            draft=draft(files=[IncomingFile("chat.png", PNG)]), submitter=WEB
        ).report
        added = services.report_add_information(
            report=report,
            text="",
            files=[IncomingFile("again.png", PNG), IncomingFile("voice.ogg", samples.ogg_opus())],
        )
        assert added.skipped == 1
        assert sorted(report.evidence.values_list("content_type", flat=True)) == [
            "audio/ogg",
            "image/png",
        ]

    def test_the_follow_up_page_says_a_file_was_kept_once(self, client, reference_data):
        from tests.intake.test_views import receipt_from

        sent = client.post("/report/?lang=en", form_data(evidence=[upload("chat.png", PNG)]))
        client.post("/report/status/?lang=en", {"code": receipt_from(sent)})
        response = client.post(
            "/report/status/?lang=en",
            {"body": "", "evidence": [upload("chat.png", PNG)]},
            follow=True,
        )
        html = response.content.decode()
        assert "A file was already in your report or was chosen twice. We kept it once." in html
        assert "chat.png" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # no name kept
        assert Evidence.objects.count() == 1
