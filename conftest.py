"""Named personas shared by every app's tests, so permission tests read like sentences."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
import redis
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import connection
from django.test import override_settings

from priorities.tests.factories import KeyObjectiveFactory, PriorityAreaFactory, QuarterlyUpdateFactory
from programmes.models import Membership
from programmes.tests.factories import ActionPlanFactory, MembershipFactory, RegionFactory, UserFactory
from sli_portal.core.storage import s3_storage
from sli_portal.tests.plan_data import Q1, Q2, Q3, SIGNED, signed_off_objective


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher takes ~0.6 s a user by design; tests only need a working login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_login_throttling(settings):
    # django-axes needs the request on every authenticate() call, which Client.login() does not
    # pass; the tests of the lock-out itself turn it back on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True, scope="session")
def _media_outside_the_checkout(tmp_path_factory):
    """Fixtures of a module or class (the demo, loaded once) run before the per-test
    `media_root` below: their files go to a folder of the session, not the checkout's var/."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("session-media")):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and rendered files go to the test's own folder, never into the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def region(db):
    return RegionFactory(name="South West", slug="south-west", gss_code="E12000009", network_name="SW ADPH")


@pytest.fixture
def other_region(db):
    return RegionFactory(name="North East", slug="north-east", gss_code="E12000001", network_name="NE ADPH")


@pytest.fixture
def plan(region):
    return ActionPlanFactory(region=region, title="SW ADPH SLI Action Plan 2024-2026")


@pytest.fixture
def priority_1(plan, dph_lead):
    return PriorityAreaFactory(plan=plan, number=1, title="Healthy places", lead=dph_lead)


@pytest.fixture
def priority_2(plan, dph_lead_2):
    return PriorityAreaFactory(plan=plan, number=2, title="Health inequalities", lead=dph_lead_2)


@pytest.fixture
def objective_1(priority_1):
    return signed_off_objective(priority_1, 1, "Health protection assurance", target_date=datetime.date(2025, 3, 31))


@pytest.fixture
def objective_2(priority_2):
    return signed_off_objective(priority_2, 2, "Inclusion health needs assessment")


@pytest.fixture
def proposed_objective(priority_1):
    """Proposed by the DPH lead of priority 1; the network has not signed it off."""
    return KeyObjectiveFactory(priority_area=priority_1, number=3, title="Draft idea not yet agreed")


@pytest.fixture
def progress(objective_1, objective_2, proposed_objective):
    """Submitted Q1–Q3 updates for objective 1, a submitted Q1 and a draft Q3 for objective 2."""
    for quarter, rag in ((Q1, "red"), (Q2, "amber"), (Q3, "green")):
        QuarterlyUpdateFactory(
            key_objective=objective_1,
            quarter=quarter,
            rag_status=rag,
            progress=f"Progress in {quarter}",
            submitted_at=SIGNED,
        )
    QuarterlyUpdateFactory(
        key_objective=objective_2, quarter=Q1, rag_status="amber", progress="Started", submitted_at=SIGNED
    )
    QuarterlyUpdateFactory(
        key_objective=objective_2, quarter=Q3, rag_status="red", progress="SECRET DRAFT NARRATIVE", submitted_at=None
    )


# The personas' own names, healthchecks-style: each fixture is always the same person.
PERSONA_NAMES = {
    "coordinator": ("Alice", "Archer"),
    "sli-lead": ("Bob", "Barker"),
    "dph-lead": ("Charlie", "Carter"),
    "dph-lead-2": ("Dana", "Dawson"),
    "member": ("Eve", "Ellis"),
    "publisher": ("Frank", "Fisher"),
    "other-coordinator": ("Grace", "Gordon"),
    "national": ("Harry", "Holt"),
    "admin": ("Ivy", "Irwin"),
}


def _persona(username, **fields):
    first_name, last_name = PERSONA_NAMES[username]
    return UserFactory(username=username, first_name=first_name, last_name=last_name, **fields)


def _member(region, username, role, **user_fields):
    user = _persona(username, **user_fields)
    MembershipFactory(user=user, region=region, role=role)
    return user


@pytest.fixture
def coordinator(region):
    return _member(region, "coordinator", Membership.Role.COORDINATOR)


@pytest.fixture
def sli_lead(region):
    return _member(region, "sli-lead", Membership.Role.SLI_LEAD)


@pytest.fixture
def dph_lead(region):
    """A DPH in the region; leads priority 1 once that fixture is used."""
    return _member(region, "dph-lead", Membership.Role.MEMBER)


@pytest.fixture
def dph_lead_2(region):
    return _member(region, "dph-lead-2", Membership.Role.MEMBER)


@pytest.fixture
def member(region):
    return _member(region, "member", Membership.Role.MEMBER)


@pytest.fixture
def publisher(region):
    return _member(region, "publisher", Membership.Role.PUBLISHER)


@pytest.fixture
def other_coordinator(other_region):
    return _member(other_region, "other-coordinator", Membership.Role.COORDINATOR)


@pytest.fixture
def national(db):
    user = _persona("national")
    MembershipFactory(user=user, region=None, role=Membership.Role.NATIONAL)
    return user


@pytest.fixture
def superuser(db):
    return _persona("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def personas(coordinator, sli_lead, dph_lead, member, publisher, national, other_coordinator, superuser):
    """Every persona by its fixture's name, for a page's permission matrix."""
    return {
        "coordinator": coordinator,
        "sli_lead": sli_lead,
        "dph_lead": dph_lead,
        "member": member,
        "publisher": publisher,
        "national": national,
        "other_coordinator": other_coordinator,
        "superuser": superuser,
    }


# --- Real services ------------------------------------------------------------------------


def require_service(name: str, how: str) -> None:
    """Skip a test whose service is missing on a developer's machine, but fail it in CI."""
    message = f"{name} is not available: {how}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --- An S3-compatible bucket (moto_server in .ci/run) ----------------------------------------

S3_TEST_REGION = "eu-west-2"
S3_TEST_KEYS = {"AWS_ACCESS_KEY_ID": "sli-test", "AWS_SECRET_ACCESS_KEY": "sli-test-secret"}


@dataclass
class Bucket:
    """A bucket of its own for one test, on the S3-compatible server at `endpoint_url`."""

    name: str
    endpoint_url: str
    client: object

    def object_keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def object_url(self, key: str) -> str:
        return f"{self.endpoint_url}/{self.name}/{key}"

    def environment(self) -> dict[str, str]:
        """The variables an operator sets on every host to keep the files in this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_S3_REGION_NAME": S3_TEST_REGION,
            **S3_TEST_KEYS,
        }

    def storage(self) -> dict:
        """The `STORAGES["default"]` the settings build from `environment()`."""
        return s3_storage(
            bucket_name=self.name,
            endpoint_url=self.endpoint_url,
            region_name=S3_TEST_REGION,
            access_key=S3_TEST_KEYS["AWS_ACCESS_KEY_ID"],
            secret_key=S3_TEST_KEYS["AWS_SECRET_ACCESS_KEY"],
        )


@pytest.fixture
def s3_bucket(settings):
    """A new bucket on the server at S3_TEST_ENDPOINT_URL, and the portal's files in it."""
    endpoint_url = os.environ.get("S3_TEST_ENDPOINT_URL", "").rstrip("/")
    if not endpoint_url:
        require_service("An S3-compatible server", "run `moto_server -p 5123` and set S3_TEST_ENDPOINT_URL")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=S3_TEST_REGION,
        aws_access_key_id=S3_TEST_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_TEST_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    try:
        client.list_buckets()
    except (BotoCoreError, ClientError) as error:
        require_service("An S3-compatible server", f"{endpoint_url} does not answer ({error})")
    bucket = Bucket(name=f"sli-test-{uuid.uuid4().hex[:12]}", endpoint_url=endpoint_url, client=client)
    client.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": S3_TEST_REGION})
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage()}
    yield bucket
    for key in bucket.object_keys():
        client.delete_object(Bucket=bucket.name, Key=key)
    client.delete_bucket(Bucket=bucket.name)


def _database_url_for_worker() -> str:
    """The test database as a URL, so a worker process reads what the tests commit."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.is_in_memory_db():
        require_service("A shared test database", "run against PostgreSQL or set SQLITE_TEST_NAME to a file")
    return f"sqlite:///{db['NAME']}"


def start_test_worker(*, queue: str, env: dict[str, str], command: list[str] | None = None) -> subprocess.Popen:
    """A Celery worker process of its own on the real broker, consuming only `queue`, with `env`
    on top of this process's environment (the test database's URL, its host's MEDIA_ROOT...)."""
    from sli_portal.celery import app

    name = f"test-{uuid.uuid4().hex[:8]}"
    args = ["worker", "--pool=solo", "--loglevel=WARNING", "-n", f"{name}@%h", "-Q", queue]
    args += ["--without-gossip", "--without-mingle"]
    command = command or [sys.executable, "-m", "celery", "-A", "sli_portal"]
    worker = subprocess.Popen([*command, *args], cwd=settings.BASE_DIR, env={**os.environ, **env})
    deadline = time.monotonic() + 60
    while not any(name in host for reply in app.control.ping(timeout=1) for host in reply):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail("The test worker did not start; see its output above", pytrace=False)
    return worker


def stop_test_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker on the real Redis broker, started for the session, stopped by PID."""
    from sli_portal.celery import app

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        require_service("Redis", "set REDIS_URL=redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        require_service("Redis", f"{redis_url} does not answer ({error})")
    if app.conf.task_always_eager:
        pytest.fail("Celery is eager although REDIS_URL is set; set REDIS_URL before pytest starts")

    with django_db_blocker.unblock():
        database_url = _database_url_for_worker()
    app.control.purge()
    name = f"ci-{uuid.uuid4().hex[:8]}@%h"
    # Its files go to a folder of the session, never into the checkout's var/.
    media_root = str(tmp_path_factory.mktemp("worker-media"))
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": database_url, "MEDIA_ROOT": media_root}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sli_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("The Celery worker did not start; see its output above", pytrace=False)
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
