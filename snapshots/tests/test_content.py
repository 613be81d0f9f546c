"""What a snapshot compiles from the live data, and the safety of its editorial sections."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from priorities.models import PriorityArea
from priorities.tests.factories import KeyObjectiveFactory, ProjectFactory, QuarterlyUpdateFactory
from programmes.models import ActionPlan
from programmes.tests.factories import ActionPlanFactory, EventFactory
from sli_portal.core.quarters import Quarter
from snapshots.content import compile_content
from snapshots.formatting import render_markdown
from snapshots.services import build_html, content_hash
from snapshots.tests.conftest import SIGNED_OFF, at
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db

SIGNED_OFF_TODAY = {**SIGNED_OFF, "decided_on": datetime.date(2024, 4, 20)}
# A 1×1 PNG.
PNG_LOGO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201ffa1a8b7a90000000049454e44ae426082"
)

# The October 2024 snapshot rendered on 15 October: 2024/25 Q2 was due the day before, so it is
# the last due quarter, and the eight weeks of events run from that day.
RENDER_DAY = datetime.datetime(2024, 10, 15, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def render_day():
    with time_machine.travel(RENDER_DAY, tick=False):
        yield


def test_progress_shows_each_objectives_latest_submitted_update(programme, snapshot):
    content = compile_content(snapshot)
    rows = {
        item.objective.number: (item.rag_label, item.summary)
        for priority in content.priorities
        for item in priority.objectives
    }
    assert rows == {
        1: ("Green", "On track. Twelve councils completed the self-assessment."),
        2: ("Amber", "Slipping."),
        3: ("No update yet", ""),  # its only update is a draft
    }


def test_priorities_come_in_plan_order_with_their_objectives(programme, snapshot):
    content = compile_content(snapshot)
    assert [(p.area.number, [o.objective.number for o in p.objectives]) for p in content.priorities] == [
        (1, [1, 2]),
        (2, [3]),
    ]


def test_the_chart_counts_submitted_rag_statuses_per_quarter(programme, snapshot):
    content = compile_content(snapshot)
    assert content.chart_quarters == [Quarter(2024, 1), Quarter(2024, 2)]  # the plan starts in 2024/25 Q1
    priority_1 = content.priorities[0]
    # counts in RAG order: not started, red, amber, green, complete
    assert [bar.counts for bar in priority_1.bars] == [[0, 1, 0, 0, 0], [0, 0, 1, 1, 0]]
    assert priority_1.has_chart
    assert not content.priorities[1].has_chart


def test_highlights_are_the_achievements_of_the_last_due_quarter(programme, snapshot):
    content = compile_content(snapshot)
    assert content.quarter == Quarter(2024, 2)
    assert [update.achievements for update in content.highlights] == ["Twelve councils completed the self-assessment."]


def test_events_are_those_of_the_next_eight_weeks(programme, snapshot):
    content = compile_content(snapshot)
    assert [event.title for event in content.events] == ["Network meeting", "Winter workshop"]


def test_peer_challenge_milestones_of_the_month_and_the_coming_quarter(programme, snapshot):
    content = compile_content(snapshot)
    assert [m.label for m in content.milestones_this_month] == ["Cornwall: corporate peer challenge on-site visit"]
    assert [m.label for m in content.milestones_coming] == ["Cornwall: corporate peer challenge feedback presentation"]
    assert content.coming_until == datetime.date(2025, 1, 31)


def test_projects_are_the_regions_badged_projects(programme, snapshot):
    assert [project.title for project in compile_content(snapshot).projects] == ["Tobacco control QI collaborative"]


def test_a_region_without_an_active_plan_still_compiles(other_region):
    content = compile_content(SnapshotFactory(region=other_region, month=datetime.date(2024, 10, 1)))
    assert content.plan is None and content.priorities == []
    assert "no active action plan" in build_html(content.snapshot)


@pytest.mark.parametrize("extra", [0, 10])
def test_compiling_takes_a_bounded_number_of_queries(programme, snapshot, priority_2, extra, django_assert_num_queries):
    for number in range(extra):
        objective = KeyObjectiveFactory(priority_area=priority_2, number=100 + number)
        QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 2), submitted_at=timezone.now())
        ProjectFactory(region=snapshot.region, badged_on=datetime.date(2024, 6, 1))
    # the plan reported, latest updates, RAG matrix, priority areas, their objectives, the
    # indicators linked to the plan (two more, councils and values, once one is linked:
    # indicators/tests/test_outputs.py), highlights, at a glance (two quarters' updates, the
    # previous snapshot, the newly signed off), projects with their councils and objectives (3),
    # events, peer-challenge milestones: 15 whatever the size of the plan.
    with django_assert_num_queries(15):
        build_html(snapshot)


def test_the_html_names_priorities_and_key_objectives_in_reading_order(programme, snapshot):
    html = build_html(snapshot)
    order = [
        "Priority 1: Healthy places",
        "Key Objective 1: Shared assurance framework",
        "Key Objective 2: Winter exercise",
        "Priority 2: Health inequalities",
        "Key Objective 3: Inclusion health needs assessment",
    ]
    # The contents list names the priorities first; the progress section starts after it.
    body = html[html.index('id="progress"') :]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)


def test_the_same_content_gives_the_same_hash(programme, snapshot):
    assert content_hash(build_html(snapshot)) == content_hash(build_html(snapshot))


def test_a_new_update_changes_the_hash(programme, snapshot):
    before = content_hash(build_html(snapshot))
    update = programme["objectives"][1].updates.get()
    update.rag_status = "red"
    update.save()
    assert content_hash(build_html(snapshot)) != before


def test_editorial_markdown_is_rendered_and_raw_html_is_shown_as_text(programme, snapshot):
    html = build_html(snapshot)
    assert "Welcome to <strong>October</strong>." in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold** and *italic*", "<p><strong>bold</strong> and <em>italic</em></p>"),
        ("<b>raw</b>", "<p>&lt;b&gt;raw&lt;/b&gt;</p>"),
        ("[x](javascript:alert(1))", '<p><a rel="noopener noreferrer">x</a></p>'),
        (
            "[ADPH](https://www.adph.org.uk)",
            '<p><a href="https://www.adph.org.uk" rel="noopener noreferrer">ADPH</a></p>',
        ),
        ("# Title", "<h3>Title</h3>"),
        ('<img src="https://example.org/x.png" onerror="alert(1)">', "<p>&lt;img"),
        ("", ""),
    ],
)
def test_markdown_is_safe(text, expected):
    assert str(render_markdown(text)).startswith(expected)


def test_a_proposed_objective_stays_out_of_the_snapshot(programme, snapshot, priority_1):
    KeyObjectiveFactory(priority_area=priority_1, number=9, title="Not yet agreed by the network")
    content = compile_content(snapshot)
    titles = [progress.objective.title for priority in content.priorities for progress in priority.objectives]
    assert "Not yet agreed by the network" not in titles
    assert content.objective_count == 3


def test_a_proposed_objectives_update_is_neither_a_highlight_nor_counted_in_the_chart(programme, snapshot, priority_1):
    proposed = KeyObjectiveFactory(priority_area=priority_1, number=9, title="Not yet agreed by the network")
    QuarterlyUpdateFactory(
        key_objective=proposed,
        quarter=Quarter(2024, 2),
        rag_status="red",
        achievements="An achievement the network has not agreed to.",
        submitted_at=timezone.now(),
    )
    content = compile_content(snapshot)
    assert [update.achievements for update in content.highlights] == ["Twelve councils completed the self-assessment."]
    # The same counts as without the proposal: 1 red in Q1; 1 amber and 1 green in Q2.
    assert [bar.counts for bar in content.priorities[0].bars] == [[0, 1, 0, 0, 0], [0, 0, 1, 1, 0]]
    assert "An achievement the network has not agreed to" not in build_html(snapshot)


def test_a_project_names_only_its_signed_off_objectives(programme, snapshot, priority_1):
    project = ProjectFactory(region=snapshot.region, title="Healthy homes QI", badged_on=datetime.date(2024, 6, 1))
    proposed = KeyObjectiveFactory(priority_area=priority_1, number=9, title="Not yet agreed by the network")
    project.key_objectives.set([programme["objectives"][0], proposed])
    [shown] = [p for p in compile_content(snapshot).projects if p.title == "Healthy homes QI"]
    assert [objective.number for objective in shown.key_objectives.all()] == [1]


def test_rendered_before_the_due_date_the_snapshot_reports_the_quarter_before(programme, snapshot):
    """On 1 October 2024 Q2's updates are still being collected (due 14 October): the news is Q1's."""
    content = compile_content(snapshot, today=datetime.date(2024, 10, 1))
    assert content.quarter == Quarter(2024, 1)
    assert content.highlights == []


def test_events_run_eight_weeks_from_the_render_day(programme, snapshot, region):
    EventFactory(region=region, title="Early in the month", starts_at=at(datetime.date(2024, 10, 3)))
    EventFactory(region=region, title="Early December", starts_at=at(datetime.date(2024, 12, 5)))
    content = compile_content(snapshot, today=datetime.date(2024, 10, 15))
    titles = [event.title for event in content.events]
    assert "Early in the month" not in titles  # before the snapshot is rendered
    assert "Early December" in titles  # within eight weeks of 15 October
    assert content.events_until == datetime.date(2024, 12, 10)


def test_a_change_awaiting_sign_off_stays_out_of_the_snapshot(programme, snapshot):
    objective = programme["objectives"][0]
    objective.title = "A new wording the network has not agreed"
    objective.save()
    html = build_html(snapshot)
    assert "Key Objective 1: Shared assurance framework" in html
    assert "A new wording the network has not agreed" not in html


def test_a_snapshot_of_an_earlier_plan_reports_that_plan_as_it_stood(region, plan, programme):
    """The archive's snapshots of a closed plan are rendered (by the demo, or again after a
    restore) as of their own month: that plan, the updates known then, the projects badged by then."""
    closed = ActionPlanFactory(
        region=region,
        title="SW ADPH SLI Action Plan 2022-2024",
        status=ActionPlan.Status.CLOSED,
        start_date=datetime.date(2022, 10, 1),
        end_date=datetime.date(2024, 3, 31),
    )
    area = PriorityArea.objects.create(
        plan=closed, number=5, title="The SW ADPH voice", lead=plan.priority_areas.first().lead
    )
    voice = KeyObjectiveFactory(
        priority_area=area,
        number=14,
        title="The SW ADPH Voice",
        signed_off_at=at(datetime.date(2022, 9, 20)),
        sign_off_state="signed_off",
    )
    QuarterlyUpdateFactory(
        key_objective=voice,
        quarter=Quarter(2023, 1),
        rag_status="amber",
        progress="Then.",
        submitted_at=at(datetime.date(2023, 7, 10)),
    )
    QuarterlyUpdateFactory(
        key_objective=voice,
        quarter=Quarter(2023, 2),
        rag_status="green",
        progress="Later.",
        submitted_at=at(datetime.date(2023, 10, 10)),
    )
    may = SnapshotFactory(region=region, month=datetime.date(2023, 8, 1))

    content = compile_content(may, today=datetime.date(2023, 8, 20))

    assert content.plan == closed
    assert content.quarter == Quarter(2023, 1)
    [priority] = content.priorities
    assert [(item.objective.number, item.summary) for item in priority.objectives] == [(14, "Then.")]
    # The project of the fixture was badged in May 2024, after this month.
    assert content.projects == []


# At a glance and the network's own cover


def test_at_a_glance_counts_the_quarter_and_says_what_moved(programme, snapshot):
    glance = compile_content(snapshot).glance

    assert glance.quarter == Quarter(2024, 2) and glance.previous_quarter == Quarter(2024, 1)
    assert {total.label: total.count for total in glance.totals if total.count} == {"Green": 1, "Amber": 1}
    assert [(move.objective.number, move.before, move.after) for move in glance.improved] == [(1, "Red", "Green")]
    assert glance.worsened == [] and glance.completed == []


def test_at_a_glance_lists_the_completed_and_the_newly_signed_off(programme, snapshot, priority_2):
    ko3 = programme["objectives"][2]
    QuarterlyUpdateFactory(
        key_objective=KeyObjectiveFactory(priority_area=priority_2, number=4, **SIGNED_OFF_TODAY),
        quarter=Quarter(2024, 2),
        rag_status="complete",
        submitted_at=at(datetime.date(2024, 10, 10)),
    )
    ko3.decided_on = datetime.date(2024, 9, 20)  # the network signed it off last month
    ko3.save()

    glance = compile_content(snapshot).glance

    assert [objective.number for objective in glance.completed] == [4]
    assert 3 in [objective.number for objective in glance.signed_off]


def test_the_cover_takes_the_regions_colour_and_logo(region, programme, snapshot):
    region.accent_colour = "#00703c"
    region.logo.save("logo.png", ContentFile(PNG_LOGO), save=False)
    region.save()

    html = build_html(snapshot)

    assert "--sli-cover-colour: #00703c" in html
    assert 'src="data:image/png;base64,' in html and 'alt="SW ADPH logo"' in html


def test_a_logo_that_is_not_png_or_jpeg_is_left_out(region, programme, snapshot):
    region.logo.save("logo.png", ContentFile(b"<svg onload=alert(1)>"), save=False)
    region.save()
    assert "data:image" not in build_html(snapshot)
