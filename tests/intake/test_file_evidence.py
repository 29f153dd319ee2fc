"""Evidence that links (issue 22): exact hashes link reports, PDQ near-duplicates become
candidates an analyst decides, a video is fingerprinted by its frames, a bad file is kept."""

from __future__ import annotations

import hashlib
import random

import pytest

from qorgau.core.models import AuditEntry
from qorgau.intake import fingerprints, services
from qorgau.intake.enums import MatchStatus, Perceptual, Source
from qorgau.intake.evidence import IncomingFile
from qorgau.intake.match_models import EvidenceMatch
from qorgau.intake.models import Evidence, Report
from qorgau.linking import pdq
from qorgau.linking.hash_models import PerceptualHash
from qorgau.linking.selectors import subject_for_owner
from tests.intake.evidence_media import mp4, png, resized_jpeg

pytestmark = pytest.mark.django_db
WEB = services.Submitter(source=Source.WEB)


def submit(*files: tuple[str, bytes], narrative: str = "synthetic: he sent this", region="KZ-75"):
    draft = services.ReportDraft(
        category="sextortion",
        narrative=narrative,
        region_code=region,
        files=[IncomingFile(filename=name, content=data) for name, data in files],
    )
    return services.report_submit(draft=draft, submitter=WEB).report


def fingerprint_all(report: Report) -> None:
    for pk in Evidence.objects.filter(report=report).values_list("pk", flat=True):
        fingerprints.fingerprint_one(pk)


def subject_of(report: Report):
    return subject_for_owner(owner_type="intake.report", owner_id=report.pk)


class TestExactHashes:
    def test_every_file_gets_sha256_md5_and_sha1_of_its_content(self, almaty):
        data = png(1)
        report = submit(("a.png", data))
        row = Evidence.objects.get(report=report)
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert row.md5 == hashlib.md5(data).hexdigest()
        assert row.sha1 == hashlib.sha1(data).hexdigest()
        assert row.perceptual == Perceptual.PENDING

    def test_the_same_file_in_two_reports_links_them_to_one_subject(self, almaty, astana):
        data = png(1)
        first = submit(("screenshot.png", data))
        second = submit(("other-name.png", data), region="KZ-71")  # another child, region
        assert subject_of(first) is not None
        assert subject_of(first).pk == subject_of(second).pk

    def test_the_subject_page_says_the_same_file_in_n_reports(self, almaty, analyst):
        from qorgau.intake.selectors import subject_page_for_user

        data = png(3)
        report = submit(("a.png", data))
        submit(("b.png", data))
        submit(("c.png", data))
        page = subject_page_for_user(user=analyst, public_id=subject_of(report).public_id)
        files = [i for i in page["identifiers"] if i.is_file]
        assert {i.kind for i in files} == {"sha256", "md5"}
        assert {i.reports for i in files} == {3}

    def test_the_api_finds_the_subject_by_sha256_and_by_md5(self, almaty, analyst):
        from qorgau.intake.selectors import subject_page_for_identifier

        data = png(4)
        report = submit(("a.png", data))
        for identifier in (
            f"sha256:{hashlib.sha256(data).hexdigest().upper()}",
            f"md5:{hashlib.md5(data).hexdigest()}",
        ):
            page = subject_page_for_identifier(user=analyst, identifier=identifier)
            assert [r.pk for r in page["reports"]] == [report.pk]

    def test_a_file_added_later_with_the_receipt_links_too(self, almaty):
        data = png(5)
        first = submit(("a.png", data))
        later = submit()
        services.report_add_information(
            report=later, text="", files=[IncomingFile(filename="x.png", content=data)]
        )
        assert subject_of(later).pk == subject_of(first).pk


class TestPerceptual:
    def test_a_resized_recompressed_copy_becomes_a_candidate_with_its_distance(self, almaty):
        original = submit(("photo.png", png(7)))
        copy = submit(("photo.jpg", resized_jpeg(7)))
        unrelated = submit(("other.png", png(8)))
        for report in (original, copy, unrelated):
            fingerprint_all(report)
        matches = list(EvidenceMatch.objects.all())
        assert len(matches) == 1
        match = matches[0]
        assert match.evidence.report_id == copy.pk and match.other.report_id == original.pk
        assert 0 < match.distance <= 31 and match.status == MatchStatus.PENDING
        # not linked by itself: the copy has other bytes, so another SHA-256
        assert subject_of(copy).pk != subject_of(original).pk

    def test_the_analyst_confirms_the_candidate_and_the_reports_are_linked(self, almaty, analyst):
        original = submit(("photo.png", png(9)))
        copy = submit(("photo.jpg", resized_jpeg(9)))
        fingerprint_all(original)
        fingerprint_all(copy)
        match = EvidenceMatch.objects.get()
        rows = services.file_matches_for_user(user=analyst, report=copy)
        assert rows[0]["distance"] == match.distance and rows[0]["other_report"] == original
        services.report_file_match_decide(
            report=copy, acting_user=analyst, match_id=match.pk, same=True
        )
        match.refresh_from_db()
        assert match.status == MatchStatus.CONFIRMED and match.decided_by == analyst
        assert subject_of(copy).pk == subject_of(original).pk
        assert AuditEntry.objects.filter(action="report.file_match").exists()

    def test_another_regions_analyst_cannot_decide_and_nothing_is_written(self, almaty, outsider):
        from django.core.exceptions import PermissionDenied

        from qorgau.core.errors import NotFound

        original = submit(("photo.png", png(10)))
        copy = submit(("photo.jpg", resized_jpeg(10)))
        fingerprint_all(original)
        fingerprint_all(copy)
        match = EvidenceMatch.objects.get()
        with pytest.raises((NotFound, PermissionDenied)):
            services.report_file_match_decide(
                report=copy, acting_user=outsider, match_id=match.pk, same=True
            )
        match.refresh_from_db()
        assert match.status == MatchStatus.PENDING
        assert AuditEntry.objects.filter(action="refused", actor=outsider).exists()

    def test_a_video_is_fingerprinted_by_its_frames_and_matches_a_picture_in_it(self, almaty):
        video = submit(("screen.mp4", mp4([11, 12, 13])))
        row = Evidence.objects.get(report=video)
        assert row.content_type == "video/mp4" and row.perceptual == Perceptual.PENDING
        fingerprint_all(video)
        row.refresh_from_db()
        assert row.perceptual == Perceptual.DONE
        frames = PerceptualHash.objects.filter(owner_type="intake.evidence", owner_id=row.pk)
        assert sorted(frames.values_list("frame", flat=True)) == [0, 2, 4]  # repeats dropped
        picture = submit(("still.png", png(12)))
        fingerprint_all(picture)
        match = EvidenceMatch.objects.get(evidence__report=picture)
        assert match.other_id == row.pk and match.distance <= 31

    def test_a_corrupt_picture_is_kept_exactly_hashed_and_marked(self, almaty):
        broken = png(14)[:200]  # a PNG cut short
        report = submit(("broken.png", broken))
        row = Evidence.objects.get(report=report)
        assert row.sha256 == hashlib.sha256(broken).hexdigest() and row.storage_name
        fingerprint_all(report)
        row.refresh_from_db()
        assert row.perceptual == Perceptual.FAILED and row.perceptual_error == "corrupt"

    def test_fingerprinting_twice_changes_nothing(self, almaty):
        first = submit(("a.png", png(15)))
        second = submit(("b.jpg", resized_jpeg(15)))
        fingerprint_all(first)
        fingerprint_all(second)
        Evidence.objects.update(perceptual=Perceptual.PENDING)
        fingerprint_all(second)
        fingerprint_all(first)
        assert EvidenceMatch.objects.count() == 2  # each direction once: new file → earlier one
        assert PerceptualHash.objects.count() == 2

    def test_the_report_is_fingerprinted_after_its_commit(
        self, almaty, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            report = submit(("a.png", png(16)))
        assert Evidence.objects.get(report=report).perceptual == Perceptual.DONE

    def test_tick_queues_again_a_file_left_pending(
        self, almaty, django_capture_on_commit_callbacks
    ):
        from datetime import timedelta

        from django.utils import timezone

        report = submit(("a.png", png(17)))  # its on-commit task never ran
        Evidence.objects.update(perceptual_queued_at=timezone.now() - timedelta(minutes=5))
        with django_capture_on_commit_callbacks(execute=True):
            assert fingerprints.fingerprint_stale() == 1
        assert Evidence.objects.get(report=report).perceptual == Perceptual.DONE
        assert fingerprints.fingerprint_stale() == 0


class TestSearch:
    def test_the_chunk_index_finds_exactly_what_a_full_comparison_finds(self, db):
        rng = random.Random(22)
        base = [f"{rng.getrandbits(256):064x}" for _ in range(40)]
        stored = list(base)
        for value in base[:20]:  # near copies at every distance up to 40 bits
            number = int(value, 16)
            for bit in rng.sample(range(256), rng.randint(1, 40)):
                number ^= 1 << bit
            stored.append(f"{number:064x}")
        for n, value in enumerate(stored):
            pdq.store("test.owner", n, [pdq.Frame(0, value, 100)])
        for query in base:
            expected = sorted(
                n for n, value in enumerate(stored) if pdq.distance(query, value) <= 31
            )
            found = sorted(hit.owner_id for _q, hit in pdq.near([query]))
            assert found == expected


def test_a_purged_reports_fingerprints_and_candidates_go_with_it(almaty, analyst):
    from datetime import timedelta

    from django.utils import timezone

    from qorgau.linking.hash_models import PerceptualChunk

    kept = submit(("a.png", png(18)))
    purged = submit(("b.jpg", resized_jpeg(18)))
    fingerprint_all(kept)
    fingerprint_all(purged)
    assert EvidenceMatch.objects.count() == 1
    services.report_close(report=purged, acting_user=analyst, reason="unfounded")
    assert services.purge_expired_reports(now=timezone.now() + timedelta(days=10_000)) == 1
    assert EvidenceMatch.objects.count() == 0
    assert PerceptualHash.objects.count() == 1 and PerceptualChunk.objects.count() == 16


def test_a_file_hashed_at_validation_is_written_whole_and_not_hashed_again(db):
    import io

    data = png(19) * 3
    item = IncomingFile(filename="a.png", file=io.BytesIO(data))
    assert item.digest() == hashlib.sha256(data).hexdigest()  # validation read it once
    assert b"".join(item.hashing_chunks()) == data  # the write pass still gets every byte
    assert item.hashes() == {
        "sha256": hashlib.sha256(data).hexdigest(),
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
    }
