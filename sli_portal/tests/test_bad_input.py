"""Bad input at every form and query parameter: an answer, never a 500, never half a record.

Each form of the portal is posted, by the person who may use it, with values Hypothesis draws:
arbitrary text, NUL bytes, very long strings, unicode digits, injection strings, huge numbers,
several values where one is expected and malformed dates, mixed with valid values so that some
examples succeed. The answer must be 200/302/400/403/404; unless it is the form's success, the
rows of the models the form writes are exactly as before; when it succeeds, what was typed is
what was saved.

How Hypothesis and pytest-django fit: `@given` runs many examples inside one test function, and
the function-scoped `db` fixture (one transaction for the whole test) is shared by them. Each
example therefore runs inside `isolated()`, a savepoint rolled back at its end, so every example
starts from the same rows, like `hypothesis.extra.django.TestCase` does with its per-example
transaction, while the test keeps the personas of conftest.py. The HealthCheck about
function-scoped fixtures is silenced for that reason (hypothesis_profiles.py).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import from_field

from peer_challenges.models import LgaAdviser, Peer, PeerChallenge, PeerTeamMember, Prompt, Recommendation
from peer_challenges.tests.factories import PeerChallengeFactory, PeerTeamMemberFactory
from priorities.models import (
    Evidence,
    Handover,
    KeyObjective,
    MeetingAction,
    PriorityArea,
    Project,
    QuarterlyMeeting,
    QuarterlyUpdate,
)
from priorities.tests.factories import (
    KeyObjectiveFactory,
    ProjectFactory,
    QuarterlyMeetingFactory,
    QuarterlyUpdateFactory,
)
from programmes.models import ActionPlan, Event, Invitation, Membership, Region
from programmes.tests.factories import ActionPlanFactory, EventFactory, LocalAuthorityFactory
from sli_portal.core.quarters import Quarter
from sli_portal.tests.hypothesis_profiles import FUZZ, FUZZ_LIGHT
from snapshots.models import Snapshot, Subscriber
from snapshots.tests.factories import SnapshotFactory, SubscriberFactory

OK = {200, 302, 400, 403, 404}
QUARTER = Quarter(2024, 1)

# What people and robots actually send.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "'; DROP TABLE programmes_region; --",
    "1 OR 1=1",
    '"><script>alert(1)</script>',
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "../../etc/passwd",
    "%s%s%n",
    "x" * 5000,
    "é" * 3000,
    "😀" * 300,
    "\u202egnp.exe",
    "²",
    "١٢",
    "-1",
    "0",
    "9" * 40,
    "9223372036854775808",
    "-" + "9" * 25,
    "1e309",
    "NaN",
    "inf",
    "3.5",
    "null",
    "true",
    "[]",
    "2024-02-30",
    "31/02/2024",
    "25:61",
    "javascript:alert(1)",
    "http://",
    "\r\n\r\n",
    "\t",
]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
)


def value(valid: list) -> st.SearchStrategy:
    """A field's value: one of its valid values, or something nasty, or several of them."""
    options = [nasty_text, st.lists(nasty_text, min_size=2, max_size=3)]
    if valid:
        options = [st.sampled_from(valid)] * 2 + options
    return st.one_of(options)


def date_parts(valid: datetime.date | None) -> st.SearchStrategy:
    """The three GOV.UK boxes: a real date, or each box valid or nasty."""
    part = st.one_of(st.sampled_from(["1", "12", "31", "2024", "0", "13", "32", "99999", "02"]), nasty_text)
    whole = st.tuples(part, part, part)
    if valid:
        whole = st.one_of(st.just((str(valid.day), str(valid.month), str(valid.year))), whole)
    return whole


@contextlib.contextmanager
def isolated():
    """One example: a savepoint rolled back at its end, whatever happened."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def rows(models) -> list:
    return [list(model.objects.order_by("pk").values()) for model in models]


# --- The world the forms act on ---------------------------------------------------------------


@dataclass
class World:
    region: object
    plan: object
    priority_1: object
    priority_2: object
    objective: object
    update: object
    meeting: object
    council: object
    project: object
    event: object
    challenge: object
    team_member: object
    recommendation: object
    draft: object
    published: object
    subscriber: object
    other: dict = field(default_factory=dict)


@pytest.fixture
def world(region, other_region, plan, priority_1, priority_2, coordinator, dph_lead, publisher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    objective = KeyObjectiveFactory(
        priority_area=priority_1,
        number=1,
        title="Cut smoking",
        sign_off_state=KeyObjective.SignOff.SIGNED_OFF,
        signed_off_at=datetime.datetime(2024, 4, 10, 9, tzinfo=datetime.UTC),
    )
    update = QuarterlyUpdateFactory(key_objective=objective, quarter=QUARTER, progress="Started.", author=dph_lead)
    meeting = QuarterlyMeetingFactory(
        priority_area=priority_1,
        quarter=QUARTER,
        starts_at=datetime.datetime(2024, 7, 10, 9, 30, tzinfo=datetime.UTC),
    )
    council = LocalAuthorityFactory(region=region, name="Somerset", gss_code="E06000066")
    project = ProjectFactory(region=region, title="Smoke-free homes", badged_on=datetime.date(2024, 9, 1))
    event = EventFactory(region=region, title="Network meeting")
    challenge = PeerChallengeFactory(local_authority=council)
    team_member = PeerTeamMemberFactory(challenge=challenge, name="A Peer")
    recommendation = Recommendation.objects.create(challenge=challenge, text="Do more")
    draft = SnapshotFactory(region=region, month=datetime.date(2024, 10, 1))
    published = SnapshotFactory(region=region, month=datetime.date(2024, 9, 1))
    Snapshot.objects.filter(pk=published.pk).update(
        state=Snapshot.State.PUBLISHED, published_at=datetime.datetime(2024, 9, 5, tzinfo=datetime.UTC)
    )
    subscriber = SubscriberFactory(region=region)
    other_plan = ActionPlanFactory(region=other_region)
    other_area = PriorityArea.objects.create(plan=other_plan, number=1, title="Theirs")
    other = {
        "plan": other_plan,
        "priority_area": other_area,
        "objective": KeyObjectiveFactory(priority_area=other_area, number=1),
        "council": LocalAuthorityFactory(region=other_region, name="Durham", gss_code="E06000047"),
    }
    return World(
        region,
        plan,
        priority_1,
        priority_2,
        objective,
        update,
        meeting,
        council,
        project,
        event,
        challenge,
        team_member,
        recommendation,
        draft,
        published,
        subscriber,
        other,
    )


# --- Every form --------------------------------------------------------------------------------


@dataclass
class FormCase:
    """A form: who posts it, where, its fields with some valid values, what it writes."""

    url: Callable[[World], str]
    user: str | None
    fields: Callable[[World], dict[str, list]]
    writes: tuple
    dates: Callable[[World], dict[str, datetime.date | None]] = lambda w: {}
    success: frozenset = frozenset({302})
    # (field typed, the saved value read back) checked when the form succeeds.
    roundtrip: Callable[[World], tuple[str, Callable[[], str]]] | None = None
    # Posted every time: a confirmation step's "yes", without which a valid form asks first.
    fixed: dict = field(default_factory=dict)


SW = "south-west"
D = datetime.date


def _title_of(model, **lookup):
    return lambda: model.objects.filter(**lookup).order_by("-pk").values_list("title", flat=True).first()


FORMS = {
    # programmes
    "plan create": FormCase(
        url=lambda w: reverse("plan_create", args=[SW]),
        user="coordinator",
        fields=lambda w: {"title": ["Plan 2026-2028"], "intro": ["", "Hello"], "builds_on": ["", str(w.plan.pk)]},
        dates=lambda w: {"start_date": D(2026, 4, 1), "end_date": D(2028, 3, 31)},
        writes=(ActionPlan,),
        roundtrip=lambda w: ("title", _title_of(ActionPlan, region=w.region)),
    ),
    "plan edit": FormCase(
        url=lambda w: reverse("plan_edit", args=[SW, w.plan.pk]),
        user="coordinator",
        fields=lambda w: {"title": ["Renamed plan"], "intro": [""], "builds_on": [""]},
        dates=lambda w: {"start_date": D(2024, 4, 1), "end_date": D(2026, 3, 31)},
        writes=(ActionPlan,),
    ),
    "plan status": FormCase(
        url=lambda w: reverse("plan_status", args=[SW, w.plan.pk]),
        user="coordinator",
        fields=lambda w: {"to": ["draft", "active", "closed"]},
        writes=(ActionPlan,),
    ),
    "plan copy": FormCase(
        url=lambda w: reverse("plan_copy", args=[SW, w.plan.pk]),
        user="coordinator",
        fields=lambda w: {"title": ["Next plan"]},
        dates=lambda w: {"start_date": D(2026, 4, 1), "end_date": D(2028, 3, 31)},
        writes=(ActionPlan, PriorityArea, KeyObjective),
    ),
    "event create": FormCase(
        url=lambda w: reverse("event_create", args=[SW]),
        user="coordinator",
        fields=lambda w: {
            "title": ["Workshop"],
            "start_time": ["10:00", "9.30"],
            "end_time": ["", "11:00"],
            "location": ["Online"],
            "link": ["", "https://example.org/e"],
            "description": [""],
        },
        dates=lambda w: {"day": D(2026, 12, 1)},
        writes=(Event,),
        roundtrip=lambda w: ("title", _title_of(Event, region=w.region)),
    ),
    "event edit": FormCase(
        url=lambda w: reverse("event_edit", args=[SW, w.event.pk]),
        user="coordinator",
        fields=lambda w: {"title": ["Workshop"], "start_time": ["10:00"], "end_time": [""], "link": [""]},
        dates=lambda w: {"day": D(2026, 12, 1)},
        writes=(Event,),
    ),
    # priorities
    "priority area create": FormCase(
        url=lambda w: reverse("priority_area_create", args=[SW, w.plan.pk]),
        user="coordinator",
        fields=lambda w: {
            "number": ["3", "4"],
            "title": ["Best start"],
            "description": [""],
            "lead": ["", str(w.priority_1.lead_id)],
            "deputy_lead": [""],
        },
        writes=(PriorityArea,),
        roundtrip=lambda w: ("title", _title_of(PriorityArea, plan=w.plan)),
    ),
    "priority area edit": FormCase(
        url=lambda w: reverse("priority_area_edit", args=[SW, w.priority_2.pk]),
        user="coordinator",
        fields=lambda w: {"number": ["2"], "title": ["Renamed"], "lead": [""], "deputy_lead": [""]},
        writes=(PriorityArea,),
    ),
    "objective create (coordinator)": FormCase(
        url=lambda w: reverse("objective_create", args=[SW, w.priority_1.pk]),
        user="coordinator",
        fields=lambda w: {
            "priority_area": [str(w.priority_1.pk)],
            "number": ["", "7"],
            "title": ["New objective"],
            "description": [""],
        },
        dates=lambda w: {"target_date": D(2026, 3, 31)},
        writes=(KeyObjective,),
        roundtrip=lambda w: ("title", _title_of(KeyObjective, plan=w.plan)),
    ),
    "objective proposal (DPH lead)": FormCase(
        url=lambda w: reverse("objective_create", args=[SW, w.priority_1.pk]),
        user="dph_lead",
        fields=lambda w: {"priority_area": [str(w.priority_1.pk)], "title": ["Proposed"], "description": [""]},
        dates=lambda w: {"target_date": None},
        writes=(KeyObjective,),
    ),
    "objective edit": FormCase(
        url=lambda w: reverse("objective_edit", args=[SW, w.objective.pk]),
        user="coordinator",
        fields=lambda w: {"priority_area": [str(w.priority_1.pk)], "number": ["1"], "title": ["Renamed"]},
        dates=lambda w: {"target_date": None},
        writes=(KeyObjective,),
    ),
    "objective sign-off": FormCase(
        url=lambda w: reverse("objective_sign_off", args=[SW, w.objective.pk]),
        user="coordinator",
        fields=lambda w: {"note": ["", "Agreed at the network meeting"], "forum": ["SW ADPH network meeting"]},
        dates=lambda w: {"decided_on": D(2024, 4, 2)},
        writes=(KeyObjective,),
    ),
    "objective renumber": FormCase(
        url=lambda w: reverse("objective_renumber", args=[SW, w.plan.pk]),
        user="coordinator",
        fields=lambda w: {"objective": [str(w.objective.pk)], "number": ["1", "5"], "action": ["", "move"]},
        writes=(KeyObjective,),
    ),
    "quarterly update": FormCase(
        url=lambda w: reverse("update_edit", args=[SW, w.objective.pk, QUARTER.code]),
        user="dph_lead",
        fields=lambda w: {
            "rag_status": ["green", "amber", "red"],
            "progress": ["On track."],
            "achievements": [""],
            "risks_and_issues": [""],
            "next_steps": [""],
            "version": [str(w.update.version)],
            "evidence-title": [""],
            "evidence-link": [""],
        },
        writes=(QuarterlyUpdate, Evidence),
    ),
    "meeting create": FormCase(
        url=lambda w: reverse("meeting_create", args=[SW]),
        user="coordinator",
        fields=lambda w: {
            "priority_area": [str(w.priority_2.pk)],
            "quarter": [str(QUARTER.code), str(Quarter(2024, 2).code)],
            "start_time": ["10:00"],
            "end_time": ["", "12:00"],
            "location": [""],
            "attendees": [[], [str(w.priority_1.lead_id)]],
            "other_attendees": [""],
            "notes": [""],
            "decisions": [""],
        },
        dates=lambda w: {"date": D(2024, 7, 11)},
        writes=(QuarterlyMeeting,),
    ),
    "meeting edit": FormCase(
        url=lambda w: reverse("meeting_edit", args=[SW, w.meeting.pk]),
        user="coordinator",
        fields=lambda w: {
            "priority_area": [str(w.priority_1.pk)],
            "quarter": [str(QUARTER.code)],
            "start_time": ["9:30"],
        },
        dates=lambda w: {"date": D(2024, 7, 10)},
        writes=(QuarterlyMeeting,),
    ),
    "meeting action": FormCase(
        url=lambda w: reverse("meeting_action_create", args=[SW, w.meeting.pk]),
        user="coordinator",
        fields=lambda w: {"action-description": ["Share data"], "action-owner": [""], "action-owner_name": [""]},
        dates=lambda w: {"action-due_date": None},
        writes=(MeetingAction,),
    ),
    "project create": FormCase(
        url=lambda w: reverse("project_create", args=[SW]),
        user="coordinator",
        fields=lambda w: {
            "title": ["QI project"],
            "description": [""],
            "status": ["active", "completed"],
            "link": [""],
            "councils": [[], [str(w.council.pk)]],
            "key_objectives": [[], [str(w.objective.pk)]],
        },
        dates=lambda w: {"badged_on": D(2024, 9, 1)},
        writes=(Project,),
        roundtrip=lambda w: ("title", _title_of(Project, region=w.region)),
    ),
    "project edit": FormCase(
        url=lambda w: reverse("project_edit", args=[SW, w.project.pk]),
        user="coordinator",
        fields=lambda w: {"title": ["Renamed"], "status": ["active"], "councils": [[]], "key_objectives": [[]]},
        dates=lambda w: {"badged_on": D(2024, 9, 1)},
        writes=(Project,),
    ),
    # snapshots
    "snapshot new": FormCase(
        url=lambda w: reverse("snapshot_list", args=[SW]),
        user="coordinator",
        fields=lambda w: {"month": [f"{datetime.date.today():%Y-%m}"]},
        writes=(Snapshot,),
    ),
    "snapshot edit": FormCase(
        url=lambda w: reverse("snapshot_edit", args=[SW, "2024-10"]),
        user="coordinator",
        fields=lambda w: {"title": ["October"], "introduction": [""], "highlights": [""], "adph_updates": [""]},
        writes=(Snapshot,),
        roundtrip=lambda w: ("title", _title_of(Snapshot, pk=w.draft.pk)),
    ),
    "snapshot withdraw": FormCase(
        url=lambda w: reverse("snapshot_withdraw", args=[SW, "2024-09"]),
        user="publisher",
        fields=lambda w: {"reason": ["A mistake in the figures"]},
        writes=(Snapshot,),
    ),
    "snapshot subscribe (public)": FormCase(
        url=lambda w: reverse("snapshot_subscribe", args=[SW]),
        user=None,
        fields=lambda w: {"email": ["reader@example.org", "Reader@Example.ORG"]},
        writes=(Subscriber,),
        success=frozenset({200}),
    ),
    # peer challenges
    "peer challenge create": FormCase(
        url=lambda w: reverse("peer_challenge_create", args=[SW]),
        user="coordinator",
        fields=lambda w: {
            "local_authority": [str(w.council.pk)],
            "kind": ["corporate", "public_health"],
            "report_url": [""],
            "action_plan_url": [""],
            "progress_review_report_url": [""],
            "notes": [""],
        },
        dates=lambda w: {"onsite_start": D(2027, 3, 1), "onsite_end": D(2027, 3, 4), "scoping_date": None},
        writes=(PeerChallenge,),
    ),
    "peer challenge edit": FormCase(
        url=lambda w: reverse("peer_challenge_edit", args=[SW, w.challenge.pk]),
        user="coordinator",
        fields=lambda w: {"local_authority": [str(w.council.pk)], "kind": ["corporate"], "notes": [""]},
        dates=lambda w: {"onsite_start": D(2023, 10, 3), "onsite_end": D(2023, 10, 6)},
        writes=(PeerChallenge,),
    ),
    "peer challenge stage": FormCase(
        url=lambda w: reverse("peer_challenge_stage", args=[SW, w.challenge.pk, "report_published"]),
        user="coordinator",
        fields=lambda w: {"report_url": ["", "https://example.org/report"]},
        dates=lambda w: {"report_published_on": D(2024, 1, 10)},
        writes=(PeerChallenge,),
    ),
    "peer challenge postpone": FormCase(
        url=lambda w: reverse("peer_challenge_postpone", args=[SW, w.challenge.pk]),
        user="coordinator",
        fields=lambda w: {"reason": ["The council asked"]},
        dates=lambda w: {"new_onsite_start": D(2027, 5, 1), "new_onsite_end": None},
        writes=(PeerChallenge,),
    ),
    "peer challenge cancel": FormCase(
        url=lambda w: reverse("peer_challenge_cancel", args=[SW, w.challenge.pk]),
        user="coordinator",
        fields=lambda w: {"reason": ["No longer wanted"]},
        writes=(PeerChallenge,),
    ),
    "peer team member": FormCase(
        url=lambda w: reverse("peer_team_member_add", args=[SW, w.challenge.pk]),
        user="coordinator",
        fields=lambda w: {
            "name": ["Dr A Peer"],
            "role": [PeerTeamMember.Role.OFFICER_PEER],
            "job_title": [""],
            "home_council": ["", str(w.council.pk)],
            "home_organisation": [""],
            "political_party": [""],
        },
        writes=(PeerTeamMember,),
    ),
    "peer focus areas": FormCase(
        url=lambda w: reverse("peer_challenge_focus_areas", args=[SW, w.challenge.pk]),
        user="coordinator",
        fields=lambda w: {"focus_areas": ["Leadership\nPrevention"]},
        writes=(PeerChallenge,),
    ),
    "peer recommendation": FormCase(
        url=lambda w: reverse("peer_recommendation_add", args=[SW, w.challenge.pk]),
        user="coordinator",
        fields=lambda w: {"text": ["Do more"], "council_response": [""], "status": ["open", ""]},
        writes=(Recommendation,),
    ),
    "peer challenge planner": FormCase(
        url=lambda w: reverse("peer_challenge_plan", args=[SW, w.council.pk]),
        user="coordinator",
        fields=lambda w: {"kind": ["corporate", "public_health"]},
        writes=(PeerChallenge,),
    ),
    "peer challenge prompt": FormCase(
        url=lambda w: reverse("peer_challenge_council", args=[SW, w.council.pk]),
        user="coordinator",
        fields=lambda w: {"action": ["raised_with_dph", "offered_peers"], "note": [""]},
        dates=lambda w: {"prompted_on": D(2024, 9, 1)},
        writes=(Prompt,),
    ),
    "LGA adviser": FormCase(
        url=lambda w: reverse("peer_challenge_adviser", args=[SW, w.council.pk]),
        user="coordinator",
        fields=lambda w: {"name": ["Pat Adviser"], "email": ["", "pat@local.gov.uk"], "phone": [""]},
        writes=(LgaAdviser,),
    ),
    "pool peer": FormCase(
        url=lambda w: reverse("peer_create", args=[SW]),
        user="coordinator",
        fields=lambda w: {
            "name": ["Nadia Rahman"],
            "kind": ["dph", "consultant"],
            "home_council": ["", str(w.council.pk), str(w.other["council"].pk)],
            "expertise": [""],
            "active": ["on", ""],
        },
        dates=lambda w: {"available_from": D(2027, 1, 1), "available_until": None},
        writes=(Peer,),
    ),
    # people
    "invite someone": FormCase(
        url=lambda w: reverse("person_invite", args=[SW]),
        user="coordinator",
        fields=lambda w: {
            "first_name": ["Nadia"],
            "last_name": ["Rahman"],
            "email": ["nadia@example.org", "coordinator@example.org"],
            "job_title": [""],
            "local_authority": ["", str(w.council.pk), str(w.other["council"].pk)],
            "roles": ["member", "publisher", "national"],
        },
        writes=(Membership, Invitation),
    ),
    "change roles": FormCase(
        url=lambda w: reverse("person_roles", args=[SW, w.priority_1.lead_id]),
        user="coordinator",
        fields=lambda w: {"roles": ["member", "coordinator", "national"], "local_authority": ["", str(w.council.pk)]},
        writes=(Membership,),
    ),
    "region settings": FormCase(
        url=lambda w: reverse("region_settings", args=[SW]),
        user="coordinator",
        fields=lambda w: {
            "coordinator_email": ["sli@example.org", ""],
            "intro": [""],
            "update_due_days": ["14"],
            "peer_challenge_due_years": ["4"],
            "peer_challenge_overdue_years": ["5"],
            "show_rag_publicly": ["on", ""],
            "accent_colour": ["", "#00703c"],
        },
        writes=(Region,),
    ),
    "hand over a priority area": FormCase(
        url=lambda w: reverse("priority_area_handover", args=[SW, w.priority_2.pk]),
        user="coordinator",
        fields=lambda w: {
            "role": ["lead", "deputy"],
            "to_user": [str(w.priority_1.lead_id)],
            "interim": ["on", ""],
        },
        fixed={"confirmed": "yes"},
        dates=lambda w: {"starts_on": D(2024, 9, 1)},
        writes=(Handover,),
    ),
    "password reset (public)": FormCase(
        url=lambda w: reverse("password_reset"),
        user=None,
        fields=lambda w: {"email": ["coordinator@example.org", "nobody@example.org"]},
        writes=(),
    ),
    # sign in
    "sign in (public)": FormCase(
        url=lambda w: reverse("login"),
        user=None,
        fields=lambda w: {"username": ["coordinator"], "password": ["wrong"]},
        writes=(),
    ),
}


@st.composite
def form_data(draw, case: FormCase, world: World) -> dict:
    data = {}
    for name, valid in case.fields(world).items():
        if draw(st.integers(0, 9)) == 0:
            continue  # a field left out, as a hand-made request would
        data[name] = draw(value(valid))
    for name, valid in case.dates(world).items():
        day, month, year = draw(date_parts(valid))
        data.update({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year})
    if draw(st.booleans()):
        data["submit"] = "submit"
    data.update(case.fixed)
    return data


def _user(request, user_fixture: str | None):
    """The persona, created before the examples' savepoints so that no rollback removes it."""
    return request.getfixturevalue(user_fixture) if user_fixture else None


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("name", list(FORMS))
@FUZZ
@given(data=st.data())
def test_a_form_answers_bad_input_with_a_message_never_a_500(request, world, name, data):
    case = FORMS[name]
    url = case.url(world)
    user = _user(request, case.user)
    with isolated():
        client = _client(user)
        posted = data.draw(form_data(case, world), label="posted")
        before = rows(case.writes)
        response = client.post(url, posted)
        assert response.status_code in OK, f"{name}: {response.status_code} for {posted!r}"
        if response.status_code in case.success:
            if case.roundtrip and isinstance(posted.get(case.roundtrip(world)[0]), str):
                typed, saved = case.roundtrip(world)
                assert saved() == posted[typed].strip(), f"{name}: {typed} saved differently"
        else:
            assert rows(case.writes) == before, f"{name}: rows changed by a refused {posted!r}"
            if response.status_code == 200 and posted:
                # An empty POST shows the blank form again (`request.POST or None`).
                assert b"govuk-error-summary" in response.content or b"govuk-error-message" in response.content


def test_a_valid_value_drawn_from_the_model_round_trips(client, world, coordinator):
    """hypothesis.extra.django draws titles the Project model accepts: they come back as typed."""

    @FUZZ
    @given(title=from_field(Project._meta.get_field("title")).filter(lambda t: t.strip() == t and t))
    def check(title):
        with isolated():
            client.force_login(coordinator)
            response = client.post(
                reverse("project_create", args=[SW]),
                {"title": title, "status": "active", "badged_on_0": "1", "badged_on_1": "9", "badged_on_2": "2024"},
            )
            assert response.status_code in {200, 302}
            if response.status_code == 302:
                assert Project.objects.filter(region=world.region).order_by("-pk")[0].title == title
            else:
                assert b"govuk-error-message" in response.content

    check()


# --- Query parameters and ids in URLs --------------------------------------------------------------

QUERIES = {
    "plan list ?status": (lambda w: reverse("plan_list", args=[SW]), "coordinator", ["status"]),
    "event list ?when": (lambda w: reverse("event_list", args=[SW]), "member", ["when"]),
    "project list ?status&council": (lambda w: reverse("project_list", args=[SW]), "member", ["status", "council"]),
    "peer schedule ?status&kind&sort": (
        lambda w: reverse("peer_challenge_schedule", args=[SW]),
        "member",
        ["status", "kind", "sort"],
    ),
    "peer schedule CSV": (lambda w: reverse("peer_challenge_schedule_csv", args=[SW]), "member", ["status", "sort"]),
    "peer schedule XLSX": (lambda w: reverse("peer_challenge_schedule_xlsx", args=[SW]), "member", ["kind", "sort"]),
    "new meeting ?priority_area": (lambda w: reverse("meeting_create", args=[SW]), "coordinator", ["priority_area"]),
    "new peer challenge ?council": (lambda w: reverse("peer_challenge_create", args=[SW]), "coordinator", ["council"]),
    "sign in ?next": (lambda w: reverse("login"), None, ["next"]),
}


@pytest.mark.parametrize("name", list(QUERIES))
@FUZZ_LIGHT
@given(data=st.data())
def test_a_query_parameter_never_breaks_a_page(request, world, name, data):
    url, user, params = QUERIES[name]
    user = _user(request, user)
    with isolated():
        client = _client(user)
        query = {param: data.draw(value([]), label=param) for param in params}
        response = client.get(url(world), query)
        assert response.status_code in {200, 302, 400, 404}, f"{name}: {response.status_code} for {query!r}"


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_nasty_value_in_every_query_parameter(request, world, name):
    """The deterministic sweep behind the random one: each known-bad value once."""
    url, user, params = QUERIES[name]
    client = _client(_user(request, user))
    for bad in NASTY:
        response = client.get(url(world), dict.fromkeys(params, bad))
        assert response.status_code in {200, 302, 400, 404}, f"{name}: {response.status_code} for {bad!r}"


@pytest.mark.parametrize(
    ("route", "field"),
    [("meeting_create", "attendees"), ("project_create", "councils"), ("project_create", "key_objectives")],
)
def test_a_huge_id_in_a_multiple_choice_is_a_form_error(client, world, coordinator, route, field):
    client.force_login(coordinator)
    before = rows([QuarterlyMeeting, Project])
    response = client.post(reverse(route, args=[SW]), {field: ["9223372036854775808", "1" + "0" * 30]})
    assert response.status_code == 200 and b"govuk-error-message" in response.content
    assert rows([QuarterlyMeeting, Project]) == before


# Path segments a URL pattern passes to the view as a string.
TOKENS = st.one_of(st.sampled_from(["\x00", "a\x00", "x" * 500, "'; DROP TABLE x; --", "%00", "..", "😀"]), st.text())


@pytest.mark.parametrize(
    "route",
    [
        "snapshot_subscribe_confirm",
        "snapshot_unsubscribe",
        "peer_challenge_feed",
        "peer_challenge_stage",
        "accept_invitation",
        "password_reset_confirm",
    ],
)
@FUZZ_LIGHT
@given(token=TOKENS.filter(lambda t: t and "/" not in t))
def test_a_token_or_code_in_the_url_is_a_404_never_a_500(request, world, route, token):
    args = {
        "snapshot_subscribe_confirm": [SW, token],
        "snapshot_unsubscribe": [SW, token],
        "peer_challenge_feed": [token],
        "peer_challenge_stage": [SW, world.challenge.pk, token],
        "accept_invitation": [token],
        "password_reset_confirm": [token, token],
    }[route]
    user = _user(request, "coordinator")
    with isolated():
        client = _client(user)
        for method in (client.get, client.post):
            response = method(reverse(route, args=args))
            if route == "password_reset_confirm":
                # Django's own answer to a bad reset link: a page that says the link does not work.
                assert response.status_code == 200 and "This link does not work" in response.content.decode()
                continue
            assert response.status_code in {400, 404, 405}, f"{route}: {response.status_code} for {token!r}"


IDS = st.one_of(st.integers(min_value=0, max_value=2**70), st.sampled_from([0, 2**31, 2**63, 2**64, 10**30]))
ID_ROUTES = [
    ("plan_detail", "coordinator"),
    ("plan_edit", "coordinator"),
    ("priority_area_detail", "member"),
    ("objective_detail", "member"),
    ("update_history", "member"),
    ("evidence_download", "member"),
    ("meeting_detail", "member"),
    ("meeting_ics", "member"),
    ("meeting_action_toggle", "member"),
    ("project_detail", "member"),
    ("event_edit", "coordinator"),
    ("peer_challenge_detail", "member"),
    ("peer_challenge_ics", "member"),
    ("peer_challenge_plan", "coordinator"),
    ("priority_area_handover", "coordinator"),
    ("peer_challenge_council", "coordinator"),
    ("person_roles", "coordinator"),
    ("person_end", "coordinator"),
    ("invitation_resend", "coordinator"),
    ("person_reset_second_factor", "coordinator"),
]


@pytest.mark.parametrize(("route", "user"), ID_ROUTES)
@FUZZ_LIGHT
@given(pk=IDS)
def test_an_unknown_id_in_the_url_is_a_404(request, world, route, user, pk):
    user = _user(request, user)
    with isolated():
        client = _client(user)
        url = reverse(route, args=[SW, pk])
        response = client.post(url) if route.endswith(("toggle", "_plan")) else client.get(url)
        if pk in _existing_ids(route, world):
            assert response.status_code in OK
        else:
            assert response.status_code in {404, 405}, f"{route}/{pk}: {response.status_code}"


def _existing_ids(route: str, world: World) -> set[int]:
    model = {
        "plan_detail": ActionPlan,
        "plan_edit": ActionPlan,
        "priority_area_detail": PriorityArea,
        "objective_detail": KeyObjective,
        "update_history": QuarterlyUpdate,
        "evidence_download": Evidence,
        "meeting_detail": QuarterlyMeeting,
        "meeting_ics": QuarterlyMeeting,
        "meeting_action_toggle": MeetingAction,
        "project_detail": Project,
        "event_edit": Event,
        "peer_challenge_detail": PeerChallenge,
        "peer_challenge_ics": PeerChallenge,
        "peer_challenge_plan": None,
        "priority_area_handover": PriorityArea,
        "peer_challenge_council": None,
        "person_roles": "people",
        "person_end": "people",
        "invitation_resend": "invited",
        "person_reset_second_factor": "people",
    }[route]
    if model is None:
        return {world.council.pk, world.other["council"].pk}
    if model == "people":
        return set(Membership.objects.filter(region__slug=SW).values_list("user_id", flat=True))
    if model == "invited":
        return set(
            Invitation.objects.filter(region__slug=SW, accepted_at__isnull=True).values_list("user_id", flat=True)
        )
    return set(model.objects.values_list("pk", flat=True))


@FUZZ_LIGHT
@given(code=st.one_of(st.integers(min_value=0, max_value=2**70), st.sampled_from([0, 20240, 20245, 99999, 10**25])))
def test_a_quarter_code_in_the_url_is_a_404_unless_it_is_open(request, world, code):
    user = _user(request, "dph_lead")
    with isolated():
        client = _client(user)
        response = client.get(reverse("update_edit", args=[SW, world.objective.pk, code]))
        assert response.status_code in {200, 404}


@pytest.mark.parametrize(
    "route", ["snapshot_detail", "snapshot_edit", "snapshot_preview", "snapshot_rendered_pdf", "snapshot_page"]
)
def test_an_unknown_month_is_a_404(client, world, coordinator, route):
    client.force_login(coordinator)
    for month in ["2024-11", "1900-01", "9999-12", "0000-01"]:
        assert client.get(reverse(route, args=[SW, month])).status_code == 404, month


def test_a_malformed_month_matches_no_page(client, world, coordinator):
    client.force_login(coordinator)
    for path in ["2024-13", "2024-00", "24-01", "2024-1", "2024-01x", "%00"]:
        assert client.get(f"/regions/{SW}/snapshots/{path}/").status_code == 404, path
        assert client.get(f"/snapshots/{SW}/{path}.pdf").status_code == 404, path


# --- Tampered hidden fields and another region's ids ------------------------------------------


def _date(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_a_meeting_cannot_be_booked_for_another_regions_priority(client, world, coordinator):
    client.force_login(coordinator)
    data = {
        "priority_area": world.other["priority_area"].pk,
        "quarter": QUARTER.code,
        "start_time": "10:00",
        **_date("date", D(2024, 7, 11)),
    }
    response = client.post(reverse("meeting_create", args=[SW]), data)
    assert response.status_code == 200 and b"govuk-error-message" in response.content
    assert not QuarterlyMeeting.objects.filter(priority_area=world.other["priority_area"]).exists()


def test_a_project_cannot_link_another_regions_councils_or_objectives(client, world, coordinator):
    client.force_login(coordinator)
    before = rows([Project])
    for tampered in ({"councils": [world.other["council"].pk]}, {"key_objectives": [world.other["objective"].pk]}):
        data = {"title": "Tampered", "status": "active", **_date("badged_on", D(2024, 9, 1)), **tampered}
        response = client.post(reverse("project_create", args=[SW]), data)
        assert response.status_code == 200 and b"govuk-error-message" in response.content
    assert rows([Project]) == before


def test_an_objective_cannot_be_filed_under_another_regions_priority(client, world, coordinator):
    client.force_login(coordinator)
    data = {"priority_area": world.other["priority_area"].pk, "title": "Tampered"}
    response = client.post(reverse("objective_create", args=[SW, world.priority_1.pk]), data)
    assert response.status_code == 200 and b"govuk-error-message" in response.content
    assert not KeyObjective.objects.filter(title="Tampered").exists()


def test_renumbering_cannot_move_another_regions_objective(client, world, coordinator):
    client.force_login(coordinator)
    before = rows([KeyObjective])
    data = {"objective": world.other["objective"].pk, "number": 9}
    response = client.post(reverse("objective_renumber", args=[SW, world.plan.pk]), data)
    assert response.status_code == 200 and b"govuk-error-message" in response.content
    assert rows([KeyObjective]) == before


def test_a_plan_cannot_build_on_another_regions_plan(client, world, coordinator):
    client.force_login(coordinator)
    data = {"title": "Tampered", "builds_on": world.other["plan"].pk, **_date("start_date", D(2026, 4, 1))}
    data.update(_date("end_date", D(2028, 3, 31)))
    response = client.post(reverse("plan_create", args=[SW]), data)
    assert response.status_code == 200 and b"govuk-error-message" in response.content
    assert not ActionPlan.objects.filter(title="Tampered").exists()


def test_a_peer_challenge_cannot_be_recorded_for_another_regions_council(client, world, coordinator):
    client.force_login(coordinator)
    data = {"local_authority": world.other["council"].pk, "kind": "corporate"}
    response = client.post(reverse("peer_challenge_create", args=[SW]), data)
    assert response.status_code == 200 and b"Select a council of the region" in response.content
    assert not PeerChallenge.objects.filter(local_authority=world.other["council"]).exists()


def test_another_regions_council_cannot_be_planned_from_this_region(client, world, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("peer_challenge_plan", args=[SW, world.other["council"].pk]), {"kind": "corporate"})
    assert response.status_code == 404


@pytest.mark.parametrize("version", ["-1", "999", "", "abc", "9" * 30, "1.5"])
def test_a_tampered_update_version_never_overwrites_silently(client, world, dph_lead, version):
    """A version that is not the stored one is a conflict or a form error, never a lost write."""
    client.force_login(dph_lead)
    before = (world.update.progress, world.update.rag_status, world.update.version)
    data = {"rag_status": "red", "progress": "Overwritten", "version": version}
    response = client.post(reverse("update_edit", args=[SW, world.objective.pk, QUARTER.code]), data)
    assert response.status_code == 200
    world.update.refresh_from_db()
    assert before == ("Started.", "green", 1)
    assert (world.update.progress, world.update.rag_status, world.update.version) == before
    assert QuarterlyUpdate.objects.filter(key_objective=world.objective).count() == 1


# --- Uploads: evidence files and plan imports -----------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CORRUPT_FILES = {
    "an executable named .pdf": ("report.pdf", b"MZ\x90\x00" + b"\x00" * 100),
    "HTML named .png": ("chart.png", b"<html><script>alert(1)</script></html>"),
    "a zip that is not a document": ("notes.docx", b"PK\x03\x04" + b"\x00" * 60),
    "a truncated zip": ("figures.xlsx", b"PK\x03\x04\x14\x00"),
    "an empty file": ("empty.pdf", b""),
    "a forbidden kind": ("run.exe", b"MZ"),
    "no extension": ("README", b"%PDF-1.4"),
    "a name with a path and NUL": ("../../etc/pass\x00wd.pdf", PDF),
}


@pytest.mark.parametrize("kind", list(CORRUPT_FILES))
def test_a_corrupt_evidence_upload_is_refused_with_a_message(client, world, dph_lead, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, content = CORRUPT_FILES[kind]
    client.force_login(dph_lead)
    before = rows([QuarterlyUpdate, Evidence])
    data = {
        "rag_status": "green",
        "progress": "New progress",
        "version": world.update.version,
        "evidence-title": "Report",
        "evidence-file": SimpleUploadedFile(name, content),
    }
    response = client.post(reverse("update_edit", args=[SW, world.objective.pk, QUARTER.code]), data)
    if kind == "a name with a path and NUL":
        # Django drops the path; the NUL is kept out of the stored name.
        assert response.status_code in {200, 302}
        for evidence in Evidence.objects.all():
            assert "\x00" not in evidence.file.name and ".." not in evidence.file.name
        return
    assert response.status_code == 200 and b"govuk-error-message" in response.content
    assert rows([QuarterlyUpdate, Evidence]) == before, "neither the update nor the evidence is half saved"


def _xlsx(rows_: list[list]) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows_:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_IMPORTS = {
    "binary named .csv": ("plan.csv", b"\x00\xff\xfe\x00garbage\x00"),
    "latin-1 CSV": ("plan.csv", "priority,title\n1,Caf\xe9\n".encode("latin-1")),
    "CSV with no header": ("plan.csv", b"\n\n\n"),
    "CSV with the wrong columns": ("plan.csv", b"a,b,c\n1,2,3\n"),
    "CSV with a formula and huge numbers": ("plan.csv", b"=cmd|' /C calc'!A0," + b"9" * 50 + b"\n1,2\n"),
    "CSV with an unterminated quote": ("plan.csv", b'"priority,title\n1,"x\n'),
    "CSV with a NUL in a cell": ("plan.csv", b"priority_number,priority_title\n1,a\x00b\n"),
    "CSV that is only a BOM": ("plan.csv", b"\xef\xbb\xbf"),
    "text named .xlsx": ("plan.xlsx", b"priority,title\n1,x\n"),
    "a truncated xlsx": ("plan.xlsx", b"PK\x03\x04\x14\x00\x06\x00"),
    "an empty workbook": ("plan.xlsx", _xlsx([])),
    "a workbook with the wrong columns": ("plan.xlsx", _xlsx([["a", "b"], [1, 2]])),
    "a workbook with wrong types": (
        "plan.xlsx",
        _xlsx([["priority_number"], [datetime.datetime(2024, 1, 1)], [1e308]]),
    ),
    "a PDF": ("plan.pdf", PDF),
}


@pytest.mark.parametrize("kind", list(BAD_IMPORTS))
def test_a_malformed_plan_import_is_refused_with_a_message(client, world, coordinator, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, content = BAD_IMPORTS[kind]
    client.force_login(coordinator)
    before = rows([ActionPlan, PriorityArea, KeyObjective])
    data = {
        "title": "Imported",
        **_date("start_date", D(2026, 4, 1)),
        **_date("end_date", D(2028, 3, 31)),
        "file": SimpleUploadedFile(name, content),
    }
    response = client.post(reverse("plan_import", args=[SW]), data)
    assert response.status_code == 200, kind
    assert b"govuk-error-message" in response.content or b"govuk-error-summary" in response.content
    assert rows([ActionPlan, PriorityArea, KeyObjective]) == before


BAD_COUNCIL_FILES = {
    "binary": b"\x00\xff\xfe garbage \x00",
    "latin-1": "gss_code,name,region,type\nE06000099,Caf\xe9,South West,Unitary authority\n".encode("latin-1"),
    "no header": b"",
    "missing columns": b"gss_code,name\nE06000099,X\n",
    "bad rows": (
        b"gss_code,name,region,type,active\n"
        b"NOTACODE,X,South West,Unitary authority,yes\n"
        b"E06000098,,South West,Unitary authority,yes\n"
        b"E06000097,Y,Atlantis,Unitary authority,yes\n"
        b"E06000096,Z,South West,Castle,yes\n"
        b"E06000095,W,South West,Unitary authority,maybe\n"
        b"E06000094," + b"x" * 5000 + b",South West,Unitary authority,yes\n"
        b"E06000093,Nul\x00,South West,Unitary authority,yes\n"
    ),
}


@pytest.mark.parametrize("kind", list(BAD_COUNCIL_FILES))
def test_import_local_authorities_rejects_a_bad_file_without_a_traceback(world, tmp_path, kind):
    from django.core.management import CommandError, call_command

    from programmes.models import LocalAuthority, Region

    path = tmp_path / "councils.csv"
    path.write_bytes(BAD_COUNCIL_FILES[kind])
    before = rows([LocalAuthority, Region])
    with contextlib.suppress(CommandError), open(tmp_path / "out", "w") as out:  # a message, no traceback
        call_command("import_local_authorities", str(path), stdout=out, stderr=out)
    assert rows([LocalAuthority, Region]) == before, "no bad row is loaded"


def test_import_local_authorities_of_a_missing_file_is_a_clear_error(db, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("import_local_authorities", str(tmp_path / "nope.csv"))
