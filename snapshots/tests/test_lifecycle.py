"""The snapshot's state machine: every transition the issue names, and the illegal ones refused."""

import pytest
from django.core.exceptions import ValidationError

from snapshots import services
from snapshots.models import Snapshot, region_file_prefix
from snapshots.tests.conftest import make_ready
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db

S = Snapshot.State
ALL_STATES = list(S)

# action → the states it starts from
ALLOWED = {
    "mark_rendering": {S.DRAFT, S.READY, S.FAILED},
    "mark_ready": {S.RENDERING},
    "mark_failed": {S.RENDERING},
    "publish": {S.READY},
    "republish": {S.WITHDRAWN},
    "withdraw": {S.PUBLISHED},
    "return_to_draft": {S.READY, S.FAILED, S.WITHDRAWN},
}


def _call(snapshot, action, user):
    if action == "mark_ready":
        snapshot.mark_ready(content_hash="a" * 64, page_count=3)
    elif action == "mark_failed":
        snapshot.mark_failed(error="Boom")
    elif action in ("publish", "republish"):
        getattr(snapshot, action)(by=user)
    elif action == "withdraw":
        snapshot.withdraw(reason="A figure was wrong")
    else:
        getattr(snapshot, action)()


def _snapshot_in(state, region, publisher):
    snapshot = SnapshotFactory(region=region)
    if state in (S.READY, S.PUBLISHED, S.WITHDRAWN):
        make_ready(snapshot)
    if state in (S.PUBLISHED, S.WITHDRAWN):
        snapshot.publish(by=publisher)
    if state == S.WITHDRAWN:
        snapshot.withdraw(reason="Typo")
    if state in (S.RENDERING, S.FAILED):
        snapshot.mark_rendering()
    if state == S.FAILED:
        snapshot.mark_failed(error="Boom")
    assert snapshot.state == state
    return snapshot


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("state", ALL_STATES)
def test_each_transition_is_allowed_only_from_its_states(region, publisher, state, action):
    snapshot = _snapshot_in(state, region, publisher)
    if state in ALLOWED[action]:
        _call(snapshot, action, publisher)
        snapshot.refresh_from_db()
        assert snapshot.state != state or action == "mark_rendering" and state == S.RENDERING
    else:
        with pytest.raises(ValidationError, match="You cannot"):
            _call(snapshot, action, publisher)
        snapshot.refresh_from_db()
        assert snapshot.state == state, "a refused transition changes nothing"


def test_a_draft_is_not_published_without_a_render(snapshot, publisher):
    assert not snapshot.can_publish()
    with pytest.raises(ValidationError, match="You cannot publish a snapshot that is draft"):
        snapshot.publish(by=publisher)


def test_publishing_records_who_and_when(ready_snapshot, publisher):
    ready_snapshot.publish(by=publisher)
    ready_snapshot.refresh_from_db()
    assert (ready_snapshot.state, ready_snapshot.published_by) == (S.PUBLISHED, publisher)
    assert ready_snapshot.published_at is not None


def test_withdrawing_needs_a_reason(published_snapshot):
    with pytest.raises(ValidationError) as error:
        published_snapshot.withdraw(reason="  ")
    assert error.value.message_dict == {"reason": ["Enter why the snapshot is withdrawn"]}


def test_a_withdrawn_snapshot_is_republished_without_its_reason(published_snapshot, publisher):
    published_snapshot.withdraw(reason="The chart was wrong")
    published_snapshot.republish(by=publisher)
    assert (published_snapshot.state, published_snapshot.withdrawn_reason) == (S.PUBLISHED, "")


def test_a_failed_render_keeps_its_error_until_it_is_retried(snapshot):
    snapshot.mark_rendering()
    snapshot.mark_failed(error="WeasyPrint ran out of memory")
    assert snapshot.error == "WeasyPrint ran out of memory"
    snapshot.mark_rendering()
    assert (snapshot.state, snapshot.error) == (S.RENDERING, "")


@pytest.mark.parametrize("state", [S.RENDERING, S.PUBLISHED, S.WITHDRAWN])
def test_nobody_edits_content_outside_draft_ready_or_failed(region, publisher, state):
    snapshot = _snapshot_in(state, region, publisher)
    with pytest.raises(ValidationError, match="return it to draft first"):
        services.update_snapshot(snapshot=snapshot, title="New", introduction="", highlights="", adph_updates="")


def test_editing_a_ready_snapshot_makes_it_a_draft_again(ready_snapshot):
    services.update_snapshot(
        snapshot=ready_snapshot, title="New title", introduction="Hello", highlights="", adph_updates=""
    )
    ready_snapshot.refresh_from_db()
    assert (ready_snapshot.state, ready_snapshot.title) == (S.DRAFT, "New title")


def test_a_published_snapshot_is_edited_only_after_withdrawal_and_return_to_draft(published_snapshot):
    published_snapshot.withdraw(reason="Correction")
    published_snapshot.return_to_draft()
    services.update_snapshot(
        snapshot=published_snapshot, title="Corrected", introduction="", highlights="", adph_updates=""
    )
    assert published_snapshot.state == S.DRAFT


def test_create_snapshot_refuses_a_second_for_the_month(region):
    import datetime

    services.create_snapshot(region=region, month=datetime.date(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.create_snapshot(region=region, month=datetime.date(2024, 3, 1))
    assert error.value.message_dict["month"] == ["A snapshot for March 2024 already exists: open it from the list"]


def test_the_public_address_and_the_pdf_name_use_the_month_and_network(region):
    import datetime

    snapshot = SnapshotFactory(region=region, month=datetime.date(2024, 3, 1))
    assert snapshot.get_absolute_url() == "/snapshots/south-west/2024-03/"
    assert snapshot.get_pdf_url() == "/snapshots/south-west/2024-03.pdf"
    assert snapshot.pdf_filename == "sw-sli-snapshot-2024-03.pdf"


@pytest.mark.parametrize(
    ("network_name", "name", "expected"),
    [("SW ADPH", "South West", "sw"), ("ADPH London", "London", "london"), ("", "North East", "ne")],
)
def test_the_file_prefix_is_the_networks_short_name(network_name, name, expected):
    from programmes.models import Region

    assert region_file_prefix(Region(name=name, slug="x", network_name=network_name)) == expected
