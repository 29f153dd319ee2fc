"""Known-hash lists (issue 22): imported in versions, searched, and a file on one makes its report
P1 "known abuse material" and alerts, at intake, by PDQ, and when a later version arrives."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command

from qorgau.core.models import Alert, AuditEntry, Notification
from qorgau.intake import fingerprints, known_material, services
from qorgau.intake.alerts import P1_KIND
from qorgau.intake.enums import Source
from qorgau.intake.evidence import IncomingFile
from qorgau.intake.match_models import KnownMaterialMatch
from qorgau.intake.models import Evidence, Report, ReportEvent
from qorgau.linking import hash_lists
from qorgau.linking.hash_models import HashListVersion, KnownHash
from qorgau.linking.pdq import hash_image
from tests.intake.evidence_media import png, resized_jpeg

pytestmark = pytest.mark.django_db
WEB = services.Submitter(source=Source.WEB)


def submit(*files: tuple[str, bytes], category="other"):
    draft = services.ReportDraft(
        category=category,
        narrative="synthetic: a question about school",
        region_code="KZ-75",
        files=[IncomingFile(filename=name, content=data) for name, data in files],
    )
    return Report.objects.get(pk=services.report_submit(draft=draft, submitter=WEB).report.pk)


def import_list(text: str, label: str = "Hotline list", **options):
    return hash_lists.hash_list_import(
        acting_user=None, handle=io.BytesIO(text.encode()), label=label, **options
    )


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


class TestImport:
    def test_a_list_with_a_header_and_one_hash_per_line_is_a_new_version(self, db):
        text = "md5,label\n" + md5(b"a") + ",cat-A\n" + md5(b"b").upper() + ",\n"
        first = import_list(text)
        assert first.ok and first.imported == 2 and first.version.number == 1
        again = import_list("hash,type\n" + hashlib.sha256(b"c").hexdigest() + ",sha256\n")
        assert again.version.number == 2 and again.version.counts == {"sha256": 1}
        assert KnownHash.objects.filter(value=md5(b"b")).exists()  # folded to lower case
        assert AuditEntry.objects.filter(action="hash_list.import").count() == 2

    def test_bad_lines_are_reported_and_nothing_is_imported(self, db):
        text = (
            "hash,type,label\n"
            + md5(b"a") + ",md5,x\n"
            + "not-a-hash,md5,x\n"
            + hashlib.sha256(b"a").hexdigest() + ",,x\n"  # 64 digits: SHA-256 or PDQ?
            + md5(b"b") + ",sha512,x\n"
        )  # fmt: skip
        result = import_list(text)
        assert result.version is None and not KnownHash.objects.exists()
        assert [e.line for e in result.errors] == [3, 4, 5]
        assert "32" in result.errors[0].reason and "type" in result.errors[1].reason
        good = import_list(text, good_rows=True)
        assert good.imported == 1 and good.bad == 3 and good.version.bad_rows == 3

    def test_a_file_without_a_hash_column_is_refused_on_line_1(self, db):
        result = import_list("name,phone\nx,y\n")
        assert result.version is None and result.errors[0].line == 1

    def test_the_same_hash_twice_is_kept_once(self, db):
        result = import_list("md5\n" + md5(b"a") + "\n" + md5(b"a") + "\n")
        assert result.imported == 1 and result.repeated == 1

    def test_the_command_imports_and_says_what_it_did(self, db, tmp_path, capsys):
        path = tmp_path / "list.csv"
        path.write_text("sha1;label\n" + hashlib.sha1(b"a").hexdigest() + ";k\n")
        call_command("import_hash_list", str(path), "--label", "IWF test")
        assert "IWF test version 1: 1 hashes" in capsys.readouterr().out
        bad = tmp_path / "bad.csv"
        bad.write_text("md5\nzz\n")
        with pytest.raises(Exception, match="nothing imported"):
            call_command("import_hash_list", str(bad), "--label", "IWF test")

    def test_only_the_central_office_imports_and_searches(self, db, analyst, central):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            hash_lists.hash_list_import(acting_user=analyst, handle=io.BytesIO(b"md5\n"), label="x")
        assert AuditEntry.objects.filter(action="refused", actor=analyst).exists()
        import_list("md5\n" + md5(b"a") + "\n")
        found = hash_lists.search_lists(acting_user=central, text="MD5:" + md5(b"a").upper())
        assert found["valid"] and [h["list"] for h in found["hits"]] == ["Hotline list"]
        assert hash_lists.search_lists(acting_user=central, text="hello")["valid"] is False


class TestMatching:
    def test_a_file_whose_md5_is_on_a_list_makes_its_report_p1_and_alerts(self, almaty, chief):
        data = png(30)
        import_list("md5,label\n" + md5(data) + ",known\n")
        report = submit(("innocent-name.png", data))
        assert report.priority == "P1" and report.known_material
        assert report.priority_reasons[0]["code"] == "known_material"
        match = KnownMaterialMatch.objects.get()
        assert match.algorithm == "md5" and match.evidence.report_id == report.pk
        assert Alert.objects.filter(kind=P1_KIND, object_ref=report.public_id).exists()
        # a person is told: the chief (nobody is on duty), in the app
        assert Notification.objects.filter(
            user=chief, kind=P1_KIND, object_ref=report.public_id
        ).exists()

    def test_a_later_triage_keeps_the_known_material_reason(self, almaty, chief):
        data = png(31)
        import_list("sha256\n" + hashlib.sha256(data).hexdigest() + "\n")
        report = submit(("a.png", data))
        services.report_retriage(report=report)
        report.refresh_from_db()
        assert report.priority == "P1" and report.priority_reasons[0]["code"] == "known_material"

    def test_a_new_list_version_is_matched_against_files_already_stored(self, almaty, chief):
        data = png(32)
        report = submit(("a.png", data))
        assert report.priority != "P1"
        import_list("md5\n" + md5(data) + "\n")
        assert known_material.rematch() == 1
        report.refresh_from_db()
        assert report.priority == "P1" and report.known_material
        assert ReportEvent.objects.filter(report=report, kind="known_file").exists()
        assert Alert.objects.filter(kind=P1_KIND, object_ref=report.public_id).exists()
        version = HashListVersion.objects.get()
        assert version.matched_through == Evidence.objects.get(report=report).pk
        assert known_material.rematch() == 0  # resumed where it stopped: nothing new

    def test_only_the_list_in_force_matches(self, almaty):
        data = png(33)
        import_list("md5\n" + md5(data) + "\n")
        import_list("md5\n" + md5(b"other") + "\n")  # version 2 dropped the entry
        report = submit(("a.png", data))
        assert not report.known_material

    def test_a_resized_copy_of_a_listed_picture_matches_by_pdq(self, almaty, chief):
        listed = hash_image(io.BytesIO(png(34)))
        import_list(f"pdq,label\n{listed.value},from a hotline\n")
        report = submit(("copy.jpg", resized_jpeg(34)))
        assert not report.known_material  # another file: only its fingerprint can tell
        fingerprints.fingerprint_one(Evidence.objects.get(report=report).pk)
        report.refresh_from_db()
        assert report.known_material and report.priority == "P1"
        match = KnownMaterialMatch.objects.get()
        assert match.algorithm == "pdq" and 0 < match.distance <= 31
        assert Notification.objects.filter(
            user=chief, kind=P1_KIND, object_ref=report.public_id
        ).exists()

    def test_the_report_page_says_which_list_and_never_shows_the_file(
        self, almaty, analyst, client
    ):
        data = png(35)
        import_list("md5\n" + md5(data) + "\n", label="NCMEC test")
        report = submit(("a.png", data))
        rows = known_material.matches_of_report(report)
        assert rows[0]["list"] == "NCMEC test" and rows[0]["algorithm"] == "md5"

    def test_tick_runs_the_rematch(self, almaty, chief):
        data = png(36)
        report = submit(("a.png", data))
        import_list("md5\n" + md5(data) + "\n")
        call_command("tick", stdout=io.StringIO())
        report.refresh_from_db()
        assert report.known_material and report.priority == "P1"


def test_a_new_pdq_list_is_matched_against_fingerprinted_files_already_stored(almaty, chief):
    report = submit(("copy.jpg", resized_jpeg(37)))
    fingerprints.fingerprint_one(Evidence.objects.get(report=report).pk)
    report.refresh_from_db()
    assert not report.known_material
    listed = hash_image(io.BytesIO(png(37)))
    import_list(f"hash,type\n{listed.value},pdq\n", label="PDQ exchange")
    assert known_material.rematch() == 1
    report.refresh_from_db()
    assert report.known_material and report.priority == "P1"
    assert KnownMaterialMatch.objects.get().algorithm == "pdq"
