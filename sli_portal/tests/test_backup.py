"""export_region and import_region: a region leaves with all its data and comes back identical."""

import base64
import datetime
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from annual_reports.models import AnnualReport
from case_studies.models import CaseStudy, CaseStudyAttachment, Topic
from indicators.models import Indicator, IndicatorLink
from peer_challenges.models import FocusArea, Peer, PeerChallenge, PeerChallengeSettings, Prompt, Recommendation
from priorities.leadership import hand_over
from priorities.models import Evidence, Handover, KeyObjective, PriorityArea, QuarterlyUpdate
from programmes.models import ActionPlan, LocalAuthority, Membership, Region
from programmes.tests.factories import LocalAuthorityFactory, RegionFactory
from sli_portal.data import backup
from sli_portal.data.demo import load_demo
from snapshots.models import CirculationOptOut, Snapshot, Subscriber

User = get_user_model()
SNAPSHOT_PDF = b"%PDF-1.7 the snapshot of the month"
FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"


DEMO_SETTINGS = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}


@pytest.fixture(autouse=True)
def media_root(demo_media_root):
    """The demo is loaded (and its files written) once for the module; its tests read them."""
    return demo_media_root


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, demo_media):
    """The demo loaded once for the module, like TestCase.setUpTestData: in a transaction rolled
    back at the end, each test running in a savepoint of it. Without rendering snapshots, plus the
    rows the demo does not make: a rendered, published snapshot, a subscriber, a focus area and a
    recommendation."""
    # The demo is built relative to its day: loaded (and read) on one pinned day.
    with (
        time_machine.travel(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC), tick=False),
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=demo_media, **DEMO_SETTINGS),
        transaction.atomic(),
    ):
        try:
            load_demo(render_snapshots=False)
            region = Region.objects.get(slug="south-west")
            snapshot = region.snapshots.order_by("month").first()
            snapshot.pdf.save("sw-test.pdf", ContentFile(SNAPSHOT_PDF), save=False)
            snapshot.html.save("sw-test.html", ContentFile(b"<html><body>Snapshot</body></html>"), save=False)
            snapshot.state = Snapshot.State.PUBLISHED
            snapshot.published_at = timezone.now()
            snapshot.published_by = User.objects.get(username="publisher")
            snapshot.save()
            Subscriber.objects.create(region=region, email="reader@example.org", confirmed_at=timezone.now())
            challenge = PeerChallenge.objects.filter(local_authority__region=region).first()
            FocusArea.objects.create(challenge=challenge, position=1, text="Place-based leadership")
            Recommendation.objects.create(challenge=challenge, text="Publish the health inequalities plan")
            PeerChallengeSettings.objects.create(region=region, sector_report_months=4, sector_progress_review_months=9)
            area = PriorityArea.objects.filter(plan__region=region, plan__status="active").order_by("number").first()
            hand_over(
                priority_area=area,
                role="deputy",
                to_user=User.objects.get(username="member"),
                starts_on=timezone.localdate(),
                interim=True,
                handed_over_by=User.objects.get(username="coordinator"),
            )
            report = AnnualReport.objects.create(
                region=region,
                year=2024,
                state=AnnualReport.State.ACKNOWLEDGED,
                summary="A year of working together.",
                content={"financial_year": "2024/25", "priorities": [{"number": 1, "objectives": []}]},
                submitted_by=User.objects.get(username="sli-lead"),
                submitted_at=timezone.now(),
                acknowledged_by=User.objects.get(username="national"),
                acknowledged_at=timezone.now(),
                acknowledgement_note="Received with thanks.",
            )
            report.pdf.save("sw-report.pdf", ContentFile(b"%PDF-1.7 the annual report"), save=True)
            report.achievements.create(priority_area=area, text="Every council has an assurance plan.")
            CirculationOptOut.objects.create(region=region, user=User.objects.get(username="member"))
            yield
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def demo(loaded_demo, db):
    return Region.objects.get(slug="south-west")


def without_run_details(archive: dict) -> dict:
    return {key: value for key, value in archive.items() if key != "exported_at"}


def wipe_region(region: Region, usernames: list[str]) -> None:
    """Delete a region's rows in the order its PROTECT foreign keys ask, then its people."""
    PeerChallenge.objects.filter(local_authority__region=region).delete()
    AnnualReport.objects.filter(region=region).delete()
    Snapshot.objects.filter(region=region).delete()
    ActionPlan.objects.filter(region=region).update(builds_on=None)
    ActionPlan.objects.filter(region=region).delete()
    LocalAuthority.objects.filter(region=region).delete()
    region.delete()
    User.objects.filter(username__in=usernames).delete()


def test_an_export_then_import_gives_back_the_same_archive(demo):
    membership = Membership.objects.filter(region=demo, user__username="coordinator").get()
    old = timezone.make_aware(datetime.datetime(2021, 3, 4, 5, 6, 7, 890123))
    Membership.objects.filter(pk=membership.pk).update(created_at=old)
    first = backup.export_region(demo)
    usernames = [user["username"] for user in first["users"]]
    wipe_region(demo, usernames)
    assert not Region.objects.exists() and not KeyObjective.objects.exists()

    result = backup.import_region(json.loads(json.dumps(first)))

    second = backup.export_region(result.region)
    assert without_run_details(second) == without_run_details(first)
    # Users come back without a password; timestamps keep their microseconds.
    assert sorted(result.users_created) == sorted(usernames)
    coordinator = User.objects.get(username="coordinator")
    assert not coordinator.has_usable_password()
    assert (coordinator.first_name, coordinator.email) == ("Hannah", "hannah.price@swadph.example.org")
    assert Membership.objects.get(user=coordinator, role="coordinator", region=result.region).created_at == old


def test_the_archive_holds_every_part_of_the_region(demo):
    archive = backup.export_region(demo)
    assert archive["format"] == "sli-portal-region-archive" and archive["schema_version"] == 1
    assert len(archive["councils"]) == 15
    plans = {plan["title"]: plan for plan in archive["plans"]}
    active = next(plan for plan in archive["plans"] if plan["status"] == "active")
    assert len(active["priority_areas"]) == 5
    objectives = [o for area in active["priority_areas"] for o in area["key_objectives"]]
    assert len(objectives) == 16
    assert (
        sum(len(o["updates"]) for o in objectives)
        == QuarterlyUpdate.objects.filter(key_objective__plan__title=active["title"]).count()
    )
    assert any(plan["builds_on"] for plan in plans.values())
    assert any(area["meetings"] and area["meetings"][0]["actions"] for area in active["priority_areas"])
    for part in (
        "memberships", "projects", "events", "snapshots", "subscribers", "peer_challenges", "users",
        "peer_challenge_settings", "peer_pool", "lga_advisers", "prompts", "case_studies", "topics",
        "annual_reports", "snapshot_circulation_opt_outs", "indicators", "indicator_links",
    ):  # fmt: skip
        assert archive[part], part
    challenge = next(c for c in archive["peer_challenges"] if c["focus_areas"])
    assert challenge["team"] and challenge["recommendations"]
    assert any(c["peers_offered"] for c in archive["peer_challenges"])
    assert any(r["themes"] for c in archive["peer_challenges"] for r in c["recommendations"])
    assert any(area["handovers"] for area in active["priority_areas"])
    assert {"subscribers", "peer_pool", "case_studies.contact"} <= set(archive["personal_data"])
    case_study = next(c for c in archive["case_studies"] if c["attachments"])
    assert case_study["topics"] and case_study["councils"] and case_study["state"] == "published"
    assert any(c["objectives"] for c in archive["case_studies"])
    assert any(s["featured_case_study"] for s in archive["snapshots"])


def test_annual_reports_and_stopped_circulation_come_back(demo, settings, tmp_path):
    archive = backup.export_region(demo)
    # The demo's own report (the last full year, submitted) and the one added above.
    assert [(r["year"], r["state"]) for r in archive["annual_reports"]] == [(2024, "acknowledged"), (2025, "submitted")]
    exported = archive["annual_reports"][0]
    assert exported["content"]["financial_year"] == "2024/25"  # JSON, not a string of it
    assert exported["acknowledged_by"] == "national" and exported["achievements"][0]["priority_area"][1] == 1
    assert "national" not in {m["user"] for m in archive["memberships"]}  # named, never given a role
    wipe_region(demo, [user["username"] for user in archive["users"]])
    settings.MEDIA_ROOT = tmp_path / "elsewhere"

    result = backup.import_region(json.loads(json.dumps(archive)))

    report = AnnualReport.objects.get(region=result.region, year=2024)
    assert (report.state, report.version, report.content) == ("acknowledged", 1, exported["content"])
    assert report.acknowledged_by.username == "national" and report.submitted_by.username == "sli-lead"
    assert report.pdf.read() == b"%PDF-1.7 the annual report"
    assert report.achievements.get().priority_area.plan.region == result.region
    assert CirculationOptOut.objects.get(region=result.region).user.username == "member"


def test_case_studies_and_the_case_study_of_the_month_come_back(demo, settings, tmp_path):
    archive = backup.export_region(demo)
    featured = {s["month"]: s["featured_case_study"] for s in archive["snapshots"] if s["featured_case_study"]}
    wipe_region(demo, [user["username"] for user in archive["users"]])
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    Topic.objects.all().delete()  # another portal, whose topics differ

    result = backup.import_region(json.loads(json.dumps(archive)))

    case_studies = CaseStudy.objects.filter(region=result.region)
    assert sorted(case_studies.values_list("title", flat=True)) == sorted(c["title"] for c in archive["case_studies"])
    attachment = CaseStudyAttachment.objects.get(case_study__region=result.region)
    assert attachment.file.storage.exists(attachment.file.name)
    for month, title in featured.items():
        assert Snapshot.objects.get(region=result.region, month=month).featured_case_study.title == title


def test_an_archive_written_before_case_studies_still_imports(demo):
    archive = backup.export_region(demo)
    del archive["case_studies"], archive["topics"]
    for snapshot in archive["snapshots"]:
        del snapshot["featured_case_study"]
    wipe_region(demo, [user["username"] for user in archive["users"]])
    result = backup.import_region(json.loads(json.dumps(archive)))
    assert not CaseStudy.objects.filter(region=result.region).exists()


def indicator_links() -> list[str]:
    fields = ("indicator__fingertips_id", "key_objective__number", "priority_area__number", "target", "position")
    return sorted(str(row) for row in IndicatorLink.objects.values_list(*fields))


def test_indicator_links_come_back_by_fingertips_id_without_values(demo):
    archive = backup.export_region(demo)
    links = indicator_links()
    assert links and len(archive["indicator_links"]) == len(links)
    assert "values" not in str(archive["indicators"])  # public data, loaded again where the archive goes
    wipe_region(demo, [user["username"] for user in archive["users"]])
    Indicator.objects.filter(fingertips_id=41001).delete()  # a portal that does not have it yet
    backup.import_region(json.loads(json.dumps(archive)))
    assert indicator_links() == links
    assert Indicator.objects.get(fingertips_id=41001).name == "Suicide rate"


def test_an_archive_written_before_indicators_still_imports(demo):
    archive = backup.export_region(demo)
    del archive["indicators"], archive["indicator_links"]
    wipe_region(demo, [user["username"] for user in archive["users"]])
    result = backup.import_region(json.loads(json.dumps(archive)))
    assert result.region.slug == "south-west" and not IndicatorLink.objects.exists()


def test_an_archive_written_before_the_network_part_still_imports(demo):
    archive = backup.export_region(demo)
    for part in ("peer_challenge_settings", "peer_pool", "lga_advisers", "prompts"):
        del archive[part]
    for challenge in archive["peer_challenges"]:
        del challenge["peers_offered"]
    for plan in archive["plans"]:
        for area in plan["priority_areas"]:
            del area["handovers"]
    wipe_region(demo, [user["username"] for user in archive["users"]])
    result = backup.import_region(json.loads(json.dumps(archive)))
    assert result.region.slug == "south-west"
    assert not Peer.objects.exists() and not Prompt.objects.exists() and not Handover.objects.exists()


def test_files_are_embedded_and_come_back(demo, settings, tmp_path):
    archive = backup.export_region(demo)
    snapshot = next(s for s in archive["snapshots"] if s["pdf"])
    assert base64.b64decode(snapshot["pdf"]["base64"]) == SNAPSHOT_PDF
    evidence = [
        item["file"]
        for plan in archive["plans"]
        for area in plan["priority_areas"]
        for objective in area["key_objectives"]
        for update in objective["updates"]
        for item in update["evidence"]
        if item["file"]
    ]
    assert evidence and all("base64" in entry for entry in evidence)

    wipe_region(demo, [user["username"] for user in archive["users"]])
    settings.MEDIA_ROOT = tmp_path / "elsewhere"  # a new host: the files exist only in the archive
    backup.import_region(archive)
    restored = Snapshot.objects.exclude(pdf="").get()
    with restored.pdf.open("rb") as handle:
        assert handle.read() == SNAPSHOT_PDF
    assert all(item.file.storage.exists(item.file.name) for item in Evidence.objects.exclude(file=""))


@pytest.mark.integration
def test_files_come_back_into_a_bucket_and_leave_it_again(demo, settings, s3_bucket):
    """A region moved from a host with a folder to portals that keep their files in a bucket
    (S3_TEST_ENDPOINT_URL: see test_file_storage.py)."""
    with override_settings(STORAGES={**settings.STORAGES, "default": {"BACKEND": FILE_SYSTEM}}):
        archive = backup.export_region(demo)
    wipe_region(demo, [user["username"] for user in archive["users"]])

    backup.import_region(json.loads(json.dumps(archive)))

    restored = Snapshot.objects.exclude(pdf="").get()
    assert restored.pdf.name in s3_bucket.object_keys("snapshots/")
    assert s3_bucket.read(restored.pdf.name) == SNAPSHOT_PDF
    evidence = Evidence.objects.exclude(file="")
    assert evidence and {item.file.name for item in evidence} <= set(s3_bucket.object_keys("evidence/"))
    again = backup.export_region(restored.region)
    assert (
        again["files_not_embedded"] == []
        and base64.b64decode(next(s for s in again["snapshots"] if s["pdf"])["pdf"]["base64"]) == SNAPSHOT_PDF
    )


def test_files_over_the_limit_are_listed_not_embedded(demo):
    archive = backup.export_region(demo, max_file_bytes=10)
    snapshot = next(s for s in archive["snapshots"] if s["pdf"])
    assert "base64" not in snapshot["pdf"] and snapshot["pdf"]["size"] == len(SNAPSHOT_PDF)
    assert any(name.startswith(snapshot["pdf"]["name"]) for name in archive["files_not_embedded"])


def test_the_archive_never_holds_passwords(demo):
    text = json.dumps(backup.export_region(demo))
    hashes = [user.password for user in User.objects.all()]
    assert "password" not in text
    assert not any(password and password in text for password in hashes)


def test_existing_users_are_matched_by_username_and_left_alone(demo):
    archive = backup.export_region(demo)
    coordinator = User.objects.get(username="coordinator")
    password = coordinator.password
    wipe_region(demo, [])
    result = backup.import_region(archive)
    assert "coordinator" in result.users_matched and not result.users_created
    coordinator.refresh_from_db()
    assert coordinator.password == password


def test_import_refuses_a_region_that_exists(demo):
    archive = backup.export_region(demo)
    with pytest.raises(backup.ArchiveError, match="already exists"):
        backup.import_region(archive)


def test_import_refuses_when_a_council_exists(demo):
    archive = backup.export_region(demo)
    wipe_region(demo, [])
    LocalAuthorityFactory(region=RegionFactory(), gss_code="E06000052", name="Cornwall")
    with pytest.raises(backup.ArchiveError, match="E06000052"):
        backup.import_region(archive)
    assert not Region.objects.filter(slug="south-west").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"schema_version": 99}, "schema version"),
        ({"format": "something-else"}, "not an SLI Portal region archive"),
    ],
)
def test_import_refuses_an_unknown_format(demo, change, message):
    archive = {**backup.export_region(demo), **change}
    wipe_region(demo, [])
    with pytest.raises(backup.ArchiveError, match=message):
        backup.import_region(archive)


def test_a_failing_import_saves_nothing(demo):
    archive = backup.export_region(demo)
    wipe_region(demo, [user["username"] for user in archive["users"]])
    archive["peer_challenges"][-1]["local_authority"] = "E06999999"  # fails at the very end
    with pytest.raises(backup.ArchiveError, match="E06999999"):
        backup.import_region(archive)
    assert not Region.objects.exists()
    assert not User.objects.filter(username="coordinator").exists()


def test_the_commands_round_trip_through_a_file(demo, tmp_path, capsys):
    path = tmp_path / "south-west.json"
    call_command("export_region", "south-west", "--output", str(path))
    first = json.loads(path.read_text(encoding="utf-8"))
    wipe_region(demo, [user["username"] for user in first["users"]])
    call_command("import_region", str(path))
    assert "Imported South West (south-west)" in capsys.readouterr().out
    call_command("export_region", "south-west", "--output", str(tmp_path / "again.json"))
    second = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert without_run_details(second) == without_run_details(first)


def test_export_of_an_unknown_region_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No region has the slug 'nowhere'"):
        call_command("export_region", "nowhere")


@pytest.mark.parametrize("content", ["not json", "[]", '{"format": "sli-portal-region-archive"}'])
def test_import_of_a_bad_file_is_a_clear_error(db, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_region", str(path))
