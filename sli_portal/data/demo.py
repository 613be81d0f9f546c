"""The demo: the SW ADPH network, its fifteen real councils and an illustrative SLI programme.

Read this file as the description of the demo. The data comes first, as plain tuples; the
functions that load it follow, one per part of the domain.

- The region and its councils are real (ONS codes of 2023); the people, the plans' content, the
  meetings, the projects and the peer challenges are illustrative, the people's names fictional.
- The network's history has fixed dates: the 2021/22 plan, the 2022/23 plan (superseded after six
  months) and the "SW ADPH SLI Action Plan 2022-2024" (five priority areas, fifteen key objectives,
  Key Objective 14 "The SW ADPH Voice", its badged QI projects and a snapshot for every month).
- The active plan builds on it. It, its quarterly updates and meetings, the events and the peer
  challenges are dated relative to the day the demo is loaded, so the dashboard always has
  something due and something overdue, and each priority area's next meeting reviews the last
  due quarter.
- Every update's text is true to its RAG status, and no update follows a Complete one.
- Loading is idempotent: every row is found by its natural key and saved only when a value
  differs, so a second run adds no row and no history. Run on a later day, it moves the dated
  rows to that day (and drops the active plan's updates and meetings that fall outside it).
- Outcome indicators (`indicators.demo`): four real PHOF indicators with made-up values for England,
  the region and its councils, labelled "illustrative" everywhere, linked to the active plan.
- Snapshots (`snapshots.demo`): the 2022-2024 archive, the last three months published with their
  PDFs, and this month's draft.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, is_password_usable, make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from annual_reports import services as annual_reports
from annual_reports.models import AnnualReport
from case_studies.models import CaseStudy, CaseStudyAttachment, Topic
from indicators.demo import load_demo_indicators
from indicators.models import Indicator, IndicatorLink, IndicatorValue
from peer_challenges.models import LgaAdviser, PeerChallenge, PeerTeamMember, Prompt, Recommendation
from peer_challenges.models import Peer as PoolPeer
from priorities.models import (
    Evidence,
    KeyObjective,
    MeetingAction,
    PriorityArea,
    Project,
    QuarterlyMeeting,
    QuarterlyUpdate,
)
from priorities.reporting import last_due_quarter, update_due_date
from programmes.models import ActionPlan, Event, LocalAuthority, Membership, Region
from sli_portal.core.quarters import Quarter
from snapshots.demo import load_demo_snapshots
from snapshots.models import Snapshot

User = get_user_model()
Kind = LocalAuthority.Kind
Role = Membership.Role
Rag = QuarterlyUpdate.Rag
Challenge = PeerChallenge.Kind
Stage = PeerChallenge.Stage
Peer = PeerTeamMember.Role

# --- The region and its councils -------------------------------------------------------------

REGION = {
    "slug": "south-west",
    "name": "South West",
    "gss_code": "E12000009",
    "network_name": "SW ADPH",
    "coordinator_email": "sli.coordinator@swadph.example.org",
    "intro": (
        "SW ADPH is the network of the Directors of Public Health of the fifteen upper-tier councils "
        "of the South West of England, from the Isles of Scilly to Gloucestershire and Swindon.\n\n"
        "Through sector-led improvement (SLI) we hold ourselves to account for the health of our "
        "populations: we agree a shared action plan, report progress on it every quarter, challenge "
        "and support each other, take part in LGA peer challenges, and share what works in a monthly "
        "SLI snapshot."
    ),
}

# (name, ONS code, kind)
COUNCILS = (
    ("Bath and North East Somerset", "E06000022", Kind.UNITARY),
    ("Bristol, City of", "E06000023", Kind.UNITARY),
    ("North Somerset", "E06000024", Kind.UNITARY),
    ("South Gloucestershire", "E06000025", Kind.UNITARY),
    ("Plymouth", "E06000026", Kind.UNITARY),
    ("Torbay", "E06000027", Kind.UNITARY),
    ("Swindon", "E06000030", Kind.UNITARY),
    ("Cornwall", "E06000052", Kind.UNITARY),
    ("Isles of Scilly", "E06000053", Kind.UNITARY),
    ("Wiltshire", "E06000054", Kind.UNITARY),
    ("Bournemouth, Christchurch and Poole", "E06000058", Kind.UNITARY),
    ("Dorset", "E06000059", Kind.UNITARY),
    ("Somerset", "E06000066", Kind.UNITARY),
    ("Devon", "E10000008", Kind.COUNTY),
    ("Gloucestershire", "E10000013", Kind.COUNTY),
)

# --- People ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    email: str
    # (role, ONS code of the council they serve or None, job title)
    roles: tuple[tuple[str, str | None, str], ...]


PEOPLE = (
    Person(
        "coordinator", "Hannah", "Price", "hannah.price@swadph.example.org",
        ((Role.COORDINATOR, None, "SLI coordinator, SW ADPH"),),
    ),
    Person(
        "sli-lead", "Richard", "Okafor", "richard.okafor@somerset.example.org",
        (
            (Role.SLI_LEAD, None, "SLI lead, SW ADPH"),
            (Role.MEMBER, "E06000066", "Director of Public Health, Somerset Council"),
        ),
    ),
    Person(
        "dph-lead", "Amelia", "Hart", "amelia.hart@devon.example.org",
        ((Role.MEMBER, "E10000008", "Director of Public Health, Devon County Council"),),
    ),
    Person(
        "dph-bristol", "Samir", "Chaudhry", "samir.chaudhry@bristol.example.org",
        ((Role.MEMBER, "E06000023", "Director of Public Health, Bristol City Council"),),
    ),
    Person(
        "dph-cornwall", "Morwenna", "Pascoe", "morwenna.pascoe@cornwall.example.org",
        ((Role.MEMBER, "E06000052", "Director of Public Health, Cornwall Council and Council of the Isles of Scilly"),),
    ),
    Person(
        "dph-plymouth", "Gareth", "Lloyd", "gareth.lloyd@plymouth.example.org",
        ((Role.MEMBER, "E06000026", "Director of Public Health, Plymouth City Council"),),
    ),
    Person(
        "dph-gloucestershire", "Fiona", "McLeod", "fiona.mcleod@gloucestershire.example.org",
        ((Role.MEMBER, "E10000013", "Director of Public Health, Gloucestershire County Council"),),
    ),
    Person(
        "member", "Priya", "Nair", "priya.nair@n-somerset.example.org",
        ((Role.MEMBER, "E06000024", "Consultant in Public Health, North Somerset Council"),),
    ),
    Person(
        "publisher", "Tom", "Whitfield", "tom.whitfield@swadph.example.org",
        ((Role.PUBLISHER, None, "Communications officer, SW ADPH"),),
    ),
    Person(
        "national", "Claire", "Donnelly", "claire.donnelly@adph.example.org",
        ((Role.NATIONAL, None, "National SLI board, ADPH"),),
    ),
)  # fmt: skip

# --- The active plan -------------------------------------------------------------------------

# (number, title, description, DPH lead, deputy lead)
PRIORITIES = (
    (1, "Health protection and resilience",
     "Making sure the region is ready for outbreaks, incidents and winter pressures, with UKHSA South West "
     "and the NHS.", "dph-lead", "dph-bristol"),
    (2, "Health inequalities and inclusion health",
     "Closing the gap in healthy life expectancy, with a focus on inclusion health groups and coastal "
     "communities.", "dph-bristol", "dph-cornwall"),
    (3, "Healthy places and prevention",
     "Creating places that make the healthy choice the easy one.", "dph-cornwall", "dph-plymouth"),
    (4, "Mental health and suicide prevention",
     "Preventing suicide and promoting good mental health across the life course.",
     "dph-plymouth", "dph-gloucestershire"),
    (5, "System leadership and the SW ADPH voice",
     "Leading together: peer challenge, a shared workforce and one voice for public health in the South West.",
     "dph-gloucestershire", None),
)  # fmt: skip


@dataclass(frozen=True)
class ObjectiveSeed:
    number: int
    priority: int
    title: str
    description: str
    progress: str
    achievement: str
    risk: str
    next_step: str
    # Index of the plan quarter by which the objective is complete; None: it runs to the end.
    complete_by: int | None = None
    signed_off: bool = True

    def reports_in(self, index: int) -> bool:
        """Whether it owes an update for the plan's `index`-th quarter: none after it is complete."""
        return self.complete_by is None or index <= self.complete_by


@dataclass(frozen=True)
class PlanSeed:
    """A closed plan of the network's history; fixed dates."""

    title: str
    start_date: datetime.date
    end_date: datetime.date
    approved_on: datetime.date
    intro: str
    # (number, title, description, DPH lead, deputy lead)
    priorities: tuple
    objectives: tuple[ObjectiveSeed, ...]


OBJECTIVES = (
    ObjectiveSeed(
        1, 1, "Shared health protection assurance framework",
        "Agree and use one health protection assurance framework across the fifteen councils, with UKHSA "
        "South West.",
        "Twelve of the fifteen councils have completed the self-assessment against the framework.",
        "Framework agreed at the regional health protection board.",
        "Three councils have not returned their self-assessment because of staff turnover.",
        "Present the regional summary to SW ADPH and agree improvement actions.",
    ),
    ObjectiveSeed(
        2, 1, "Regional winter and outbreak exercise",
        "Run a regional exercise testing council and UKHSA arrangements for a winter outbreak in care settings.",
        "The exercise scenario, a respiratory outbreak across care homes, was written with UKHSA.",
        "Exercise held with fourteen councils; the lessons report has been circulated.",
        "Emergency planning teams are stretched over the winter.",
        "Track the exercise actions through the health protection board.",
        complete_by=3,
    ),
    ObjectiveSeed(
        3, 1, "Childhood immunisation in under-served groups",
        "Raise MMR uptake in the communities with the lowest coverage, with NHS England South West and the ICBs.",
        "Councils are mapping low-uptake wards and the community partners who can reach them.",
        "Pop-up MMR clinics in Bristol and Plymouth reached over 400 children.",
        "Uptake data arrives a quarter late, so progress is hard to show.",
        "Agree a regional MMR catch-up offer with the ICBs.",
    ),
    ObjectiveSeed(
        4, 2, "Inclusion health needs assessment",
        "Complete a shared needs assessment for people experiencing homelessness, Gypsy, Roma and Traveller "
        "communities and sex workers.",
        "Fieldwork with people with lived experience is under way in five councils.",
        "Peer researchers recruited and trained with two voluntary sector partners.",
        "Data sharing agreements with two NHS trusts are not yet signed.",
        "Draft the findings and test them with the lived-experience panel.",
    ),
    ObjectiveSeed(
        5, 2, "Health of coastal communities",
        "Act on the Chief Medical Officer's report on coastal communities with the councils of the South West "
        "coast.",
        "Coastal councils have agreed a shared set of indicators and a joint bid for research funding.",
        "Coastal health summit held in Torbay with NHS and university partners.",
        "The research funding decision has been delayed to next year.",
        "Publish the coastal indicators in the next SLI snapshot.",
    ),
    ObjectiveSeed(
        6, 2, "Councils as anchor institutions",
        "Use councils' role as employers and buyers to offer good work and social value in the most deprived "
        "areas.",
        "Eight councils have adopted the regional social value framework in their procurement.",
        "Two councils now guarantee interviews for care leavers.",
        "Procurement teams have little capacity to change contracts mid-term.",
        "Share the anchor institution self-assessment with the remaining councils.",
    ),
    ObjectiveSeed(
        7, 3, "Whole-systems approach to healthy weight",
        "Every council runs a whole-systems approach to healthy weight, with shared evaluation.",
        "Nine councils have mapped their local system and set up a core working group.",
        "Healthier food advertising policies adopted by three councils.",
        "Leisure service budgets are under pressure in several councils.",
        "Run the shared evaluation workshop for the councils' leads.",
    ),
    ObjectiveSeed(
        8, 3, "Smokefree generation",
        "Cut smoking prevalence towards the Smokefree 2030 ambition through a regional tobacco control alliance.",
        "The alliance's illicit tobacco campaign runs in every council area.",
        "Stop smoking service referrals from maternity units up by a quarter.",
        "National funding for stop smoking services is confirmed for one year only.",
        "Agree the alliance's priorities for vaping in young people.",
    ),
    ObjectiveSeed(
        9, 3, "Alcohol harm reduction",
        "Reduce alcohol-related hospital admissions with shared licensing and treatment work.",
        "Public health teams now respond to licensing applications with a shared template.",
        "Alcohol care teams in place in four acute hospitals.",
        "Admissions data by council is only published once a year.",
        "Compare licensing responses across councils at the next meeting.",
    ),
    ObjectiveSeed(
        10, 4, "Real-time suicide surveillance",
        "Share near real-time data on suspected suicides across councils and police forces, to respond to "
        "clusters quickly.",
        "Data sharing with both police forces is live; councils receive a weekly summary.",
        "A possible cluster was identified and a multi-agency response convened within a week.",
        "One police force is changing its case management system.",
        "Review the surveillance process after its first full year.",
    ),
    ObjectiveSeed(
        11, 4, "Children and young people's mental health",
        "Improve early support for children and young people's mental health in schools.",
        "Mental health support teams now cover two thirds of pupils in the region.",
        "Shared training for school mental health leads delivered in six councils.",
        "Waiting times for specialist services keep rising.",
        "Agree with the ICBs how schools can refer to early support.",
    ),
    ObjectiveSeed(
        12, 4, "Mental health in rural and farming communities",
        "Reach farmers and rural workers with mental health support, with the farming charities.",
        "Farming charities and councils have planned joint outreach at livestock markets.",
        "Mental health first aid training delivered to 60 agricultural workers.",
        "Volunteers for outreach are hard to recruit in the busy season.",
        "Extend the outreach to the markets of the north of the region.",
    ),
    ObjectiveSeed(
        13, 5, "Peer challenge cycle",
        "Every council has a corporate or finance peer challenge every four to five years, with public health "
        "in its scope.",
        "The peer challenge schedule is reviewed at every network meeting.",
        "Two councils booked their corporate peer challenge this year.",
        "Two councils are past five years since their last corporate or finance peer challenge.",
        "Ask the overdue councils' chief executives to book a date with the LGA.",
    ),
    ObjectiveSeed(
        14, 5, "The SW ADPH Voice",
        "Speak with one voice for public health in the South West: joint responses to national consultations, "
        "a regional presence in the media, and the monthly SLI snapshots that tell members, partners and the "
        "public how the plan is progressing.",
        "A monthly SLI snapshot goes to members and partners, and the public archive is read well beyond them.",
        "Joint SW ADPH response to the national consultation on the public health grant.",
        "Drafting joint responses depends on a few DsPH with little time.",
        "Agree a rota of DsPH to draft consultation responses.",
    ),
    ObjectiveSeed(
        15, 5, "Public health workforce development",
        "Grow the public health workforce: registrar placements, a shared training programme and a regional "
        "approach to hard-to-fill posts.",
        "Registrar placements are now offered in twelve councils.",
        "Shared consultant recruitment campaign filled four long-vacant posts.",
        "Training budgets are being cut in some councils.",
        "Evaluate the shared training programme with the trainees.",
        complete_by=4,
    ),
    ObjectiveSeed(
        16, 5, "Shared public health intelligence",
        "Build a shared regional dashboard of the Public Health Outcomes Framework indicators the plan tracks.",
        "", "", "", "",
        signed_off=False,
    ),
)  # fmt: skip

# --- The network's history: the plans the active one builds on --------------------------------

KO = ObjectiveSeed  # short, so the seeds read as a table

PLAN_2021_22 = PlanSeed(
    "SW ADPH SLI Action Plan 2021/22",
    datetime.date(2021, 4, 1), datetime.date(2022, 3, 31), datetime.date(2021, 3, 16),
    "The network's first SLI action plan, agreed for one year while councils were still leading the "
    "COVID-19 response. It kept the improvement work going and refreshed the network's SLI self-assessment.",
    (
        (1, "COVID-19 response", "Supporting each other through the response and the vaccine roll-out.",
         "dph-bristol", None),
        (2, "Health inequalities", "Keeping health inequalities at the centre of the recovery.",
         "dph-cornwall", "dph-plymouth"),
        (3, "Sector-led improvement", "The network's own improvement: self-assessment and peer support.",
         "dph-gloucestershire", None),
    ),
    (
        KO(1, 1, "Local outbreak management",
          "Support every council's local outbreak management plan and share learning from the response.",
          "Councils share their outbreak response every week through the network.",
          "Mutual aid agreed between councils for outbreak response.",
          "Public health teams are exhausted after a year of response.",
          "Review the lessons of the response with UKHSA.", complete_by=3),
        KO(2, 1, "COVID-19 vaccine uptake", "Close the gaps in COVID-19 vaccine uptake between communities.",
          "Councils and the NHS run targeted clinics in the areas with the lowest uptake.",
          "The uptake gap between the most and least deprived areas has narrowed.",
          "Misinformation is slowing uptake in some communities.",
          "Share the community champions model across the region.", complete_by=3),
        KO(3, 2, "Health inequalities in the recovery",
          "Put health inequalities at the centre of councils' COVID-19 recovery plans.",
          "Eight councils have a health inequalities section in their recovery plan.",
          "Regional health inequalities summit held online with the two ICBs.",
          "Recovery funding is short-term.",
          "Agree a regional health inequalities framework in the next plan."),
        KO(4, 3, "SLI self-assessment", "Refresh the network's SLI self-assessment against the ADPH framework.",
          "Every DPH has completed the self-assessment.",
          "The self-assessment's findings set the priorities of the next plan.",
          "Little time for improvement work during the response.",
          "Agree the 2022/23 plan at the March network meeting.", complete_by=3),
    ),
)  # fmt: skip

PLAN_2022_23 = PlanSeed(
    "SW ADPH SLI Action Plan 2022/23",
    datetime.date(2022, 4, 1), datetime.date(2022, 9, 30), datetime.date(2022, 3, 15),
    "Agreed in March 2022 as a one-year plan for living with COVID-19. In September 2022 the network replaced "
    "it with the two-year SW ADPH SLI Action Plan 2022-2024, which took its objectives forward; it closed on "
    "30 September 2022.",
    (
        (1, "Living with COVID-19", "Learning from the pandemic and keeping the region ready.", "dph-bristol", None),
        (2, "Health inequalities and the cost of living", "Protecting health as living costs rise.",
         "dph-cornwall", "dph-plymouth"),
        (3, "Mental health and wellbeing", "Suicide prevention and the wellbeing of the public health workforce.",
         "dph-gloucestershire", None),
    ),
    (
        KO(1, 1, "Regional COVID-19 lessons review", "Review what the region learned from its COVID-19 response.",
          "The review's scope is agreed with UKHSA South West.",
          "Lessons workshops booked with every council.",
          "Council teams are tired of revisiting the pandemic.",
          "Carry the review into the two-year plan."),
        KO(2, 2, "Health inequalities framework", "Agree a regional framework for measuring health inequalities.",
          "A first set of indicators has been drafted with the ICBs.",
          "Both ICBs agreed to use the same indicators.",
          "Some indicators are only published every three years.",
          "Carry the framework into the two-year plan."),
        KO(3, 2, "Cost of living response", "Share councils' responses to the cost of living crisis.",
          "Councils share their cost of living schemes through the network's forum.",
          "A shared page of councils' schemes is live.",
          "Demand for crisis support is outgrowing councils' funding.",
          "Plan warm spaces for the winter with the voluntary sector."),
        KO(4, 3, "Suicide prevention audit", "Complete a regional audit of suicides to target prevention.",
          "Coroners in four of the five areas have agreed to share their records.",
          "Audit method agreed with the National Suicide Prevention Alliance.",
          "Access to coroners' records depends on each coroner's agreement.",
          "Start the audit in the councils with access."),
        KO(5, 3, "Workforce wellbeing", "Support the wellbeing of public health teams after the pandemic.",
          "A survey of public health staff has been run in every council.",
          "Survey results shared with every DPH.",
          "Staff turnover remains high in smaller teams.",
          "Agree a regional wellbeing offer."),
    ),
)  # fmt: skip

PLAN_2022_2024 = PlanSeed(
    "SW ADPH SLI Action Plan 2022-2024",
    datetime.date(2022, 10, 1), datetime.date(2024, 3, 31), datetime.date(2022, 9, 20),
    "Agreed by SW ADPH in September 2022 to take the 2021/22 and 2022/23 plans forward over two years, as "
    "councils moved from the COVID-19 response to recovery and the cost of living crisis. Five priority areas, "
    "each with a DPH lead; fifteen key objectives, among them the SW ADPH Voice and its monthly SLI snapshots. "
    "It closed on 31 March 2024; the objectives it did not finish were carried forward into the next plan.",
    (
        (1, "Health protection and COVID-19 recovery",
         "Learning from the pandemic and keeping the region ready for the next incident.",
         "dph-bristol", "dph-cornwall"),
        (2, "Health inequalities and the cost of living",
         "Narrowing the gap in healthy life expectancy as living costs rise.", "dph-cornwall", "dph-plymouth"),
        (3, "Healthy weight, physical activity and tobacco",
         "Working with schools, planners, leisure services and Trading Standards.",
         "dph-plymouth", "dph-gloucestershire"),
        (4, "Mental health and suicide prevention",
         "Preventing suicide and supporting good mental health, in towns and rural areas alike.",
         "dph-gloucestershire", None),
        (5, "Leadership, workforce and the SW ADPH voice",
         "Peer challenge, a shared workforce and one voice for public health in the South West.",
         "sli-lead", "dph-bristol"),
    ),
    (
        KO(1, 1, "Regional COVID-19 lessons review",
          "Review what the region learned from its COVID-19 response and act on it.",
          "Workshops with the fifteen councils and UKHSA have gathered the lessons.",
          "Lessons report agreed by SW ADPH and shared with the Local Resilience Forums.",
          "Council teams are tired of revisiting the pandemic.",
          "Track the report's recommendations through the health protection board.", complete_by=2),
        KO(2, 1, "Outbreak management plans for endemic COVID-19",
          "Refresh every council's outbreak management plan for COVID-19 and other respiratory infections.",
          "Eleven councils have refreshed their plan against the regional template.",
          "Every refreshed plan has been peer-reviewed by another council.",
          "Two councils are waiting for their health protection posts to be filled.",
          "Test the refreshed plans in a regional exercise.", complete_by=4),
        KO(3, 1, "Care home infection prevention",
          "Keep the infection prevention support built for care homes during the pandemic.",
          "Infection prevention nurses now visit care homes in nine council areas.",
          "Care home outbreaks closed faster where the nurses visit.",
          "Funding for the nurses ends with the plan.",
          "Carry the work into the health protection priority of the next plan."),
        KO(4, 2, "Health inequalities framework",
          "Agree a regional framework for measuring and acting on health inequalities, with Core20PLUS5.",
          "The framework's indicators are agreed; councils are testing them.",
          "Framework adopted by SW ADPH and by both ICBs' population health boards.",
          "Some indicators are only published every three years.",
          "Report the framework's indicators in the SLI snapshot.", complete_by=3),
        KO(5, 2, "Cost of living response",
          "Share what councils do to protect health through the cost of living crisis.",
          "Councils share their cost of living schemes through the network's forum.",
          "Regional warm spaces guide published for winter 2022/23.",
          "Demand for crisis support is outgrowing councils' funding.",
          "Evaluate the warm spaces with the councils that ran them.", complete_by=4),
        KO(6, 2, "Inclusion health",
          "Understand and meet the health needs of people experiencing homelessness and other inclusion health "
          "groups.",
          "Five councils have mapped the health services open to inclusion health groups.",
          "Inclusion health peer network set up for council and NHS staff.",
          "There is no shared data on the health of inclusion health groups.",
          "Commission a shared needs assessment in the next plan."),
        KO(7, 3, "Healthy weight declaration",
          "Every council signs the healthy weight declaration and acts on it.",
          "Thirteen councils have signed the declaration.",
          "All fifteen councils have signed the declaration.",
          "Commitments on food advertising need decisions by full council.",
          "Share the councils' action plans on the declaration.", complete_by=5),
        KO(8, 3, "Active travel to school",
          "Increase walking and cycling to school in six pilot areas.",
          "School streets run at 14 schools in the six pilot areas.",
          "Walking and cycling to school up by a tenth in the pilot schools.",
          "Highways teams have little capacity for new school streets.",
          "Hand the pilots over to councils' transport teams.", complete_by=5),
        KO(9, 3, "Tobacco control alliance",
          "Set up a regional tobacco control alliance towards a smokefree South West.",
          "The alliance's partners have agreed a shared plan.",
          "Regional illicit tobacco campaign launched with Trading Standards.",
          "Stop smoking service funding is agreed a year at a time.",
          "Carry the alliance into the smokefree generation objective of the next plan."),
        KO(10, 4, "Suicide prevention audit",
          "Complete a regional audit of suicides to target prevention.",
          "Coroners' records for three years have been reviewed in every council.",
          "Regional audit published; its findings set the priorities of councils' suicide prevention plans.",
          "Access to coroners' records depends on each coroner's agreement.",
          "Use the audit to design real-time surveillance.", complete_by=3),
        KO(11, 4, "Public health workforce wellbeing",
          "Support the wellbeing of public health teams after the pandemic.",
          "Twelve councils offer reflective practice sessions to their teams.",
          "Regional wellbeing offer for public health staff launched.",
          "Staff turnover remains high in smaller teams.",
          "Survey the staff again a year on.", complete_by=4),
        KO(12, 4, "Loneliness in rural areas",
          "Map loneliness services for older people in rural areas and fill the gaps.",
          "Loneliness services are mapped in eight rural councils.",
          "Shared directory of rural loneliness services published.",
          "Rural transport limits who can reach the services.",
          "Carry the rural work into the mental health priority of the next plan."),
        KO(13, 5, "Peer challenge cycle",
          "Every council has a corporate or finance peer challenge every four to five years, with public health "
          "in its scope.",
          "The network reviews the peer challenge schedule at each meeting.",
          "Public health was in the scope of three corporate peer challenges this year.",
          "Councils past five years since their last challenge have not booked one.",
          "Keep the schedule under review in the next plan."),
        KO(14, 5, "The SW ADPH Voice",
          "Speak with one voice for public health in the South West: joint responses to national consultations, "
          "a regional presence in the media, and monthly SLI snapshots that show members, partners and the public "
          "how the plan is progressing.",
          "A monthly SLI snapshot has gone to members and partners since October 2022.",
          "Joint SW ADPH response to the national consultation on creating a smokefree generation.",
          "Drafting joint responses depends on a few DsPH with little time.",
          "Carry the SW ADPH Voice into the next plan."),
        KO(15, 5, "Public health workforce development",
          "Grow the public health workforce: registrar placements, shared training and a regional approach to "
          "hard-to-fill posts.",
          "Registrar placements are offered in nine councils.",
          "Shared training programme for public health practitioners launched.",
          "Training budgets are being cut in some councils.",
          "Carry the workforce work into the next plan."),
    ),
)  # fmt: skip

# Oldest first: each plan builds on the one before it, and the active plan on the last.
HISTORY = (PLAN_2021_22, PLAN_2022_23, PLAN_2022_2024)

# Quality-improvement work the network badged as SLI under the 2022-2024 plan ("doing QI is doing SLI"):
# (title, description, councils, its key objectives, badged on, status)
HISTORY_PROJECTS = (
    ("Care home infection prevention QI collaborative",
     "Care homes and infection prevention nurses test changes to outbreak response in short PDSA cycles.",
     ("E06000023", "E06000052", "E06000059"), (3,), datetime.date(2022, 11, 15), Project.Status.COMPLETED),
    ("Warm spaces evaluation",
     "Councils that ran warm spaces in winter 2022/23 evaluate who they reached, with the voluntary sector.",
     ("E06000026", "E06000027", "E10000008"), (5,), datetime.date(2023, 2, 7), Project.Status.COMPLETED),
    ("School streets QI pilot",
     "Six pilot areas test school streets and measure walking and cycling to school before and after.",
     ("E06000022", "E06000025", "E06000030", "E06000054"), (8,), datetime.date(2023, 5, 16), Project.Status.COMPLETED),
    ("SLI snapshot co-design",
     "Members, partners and residents helped redesign the monthly SLI snapshot so it is read, not filed.",
     ("E10000013", "E06000066"), (14,), datetime.date(2022, 10, 4), Project.Status.COMPLETED),
)  # fmt: skip


# The updates that make the dashboard show what is overdue and what is unfinished.
MISSING_LAST_QUARTER = (5, 11)  # no update at all for the last closed quarter
DRAFT_LAST_QUARTER = 7  # an update started but not submitted

# How a RAG status moves from quarter to quarter; each objective starts at its own place in it.
RAG_CYCLE = (Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREEN, Rag.AMBER)


def _narrative(seed: ObjectiveSeed, rag: str) -> dict[str, str]:
    """The text of an update, true to its RAG status: red says what holds it back, complete what
    it achieved, and none claims progress its status denies."""
    if rag == Rag.NOT_STARTED:
        progress = "Not started: the lead is scoping the work with the councils involved."
    elif rag == Rag.RED:
        progress = f"Behind plan and needs the network's help. {seed.risk}"
    elif rag == Rag.AMBER:
        progress = f"Progressing, with some slippage. {seed.progress}"
    elif rag == Rag.GREEN:
        progress = f"On track. {seed.progress}"
    else:
        progress = f"Complete. {seed.achievement}"
    return {
        "progress": progress,
        "achievements": seed.achievement if rag in (Rag.GREEN, Rag.AMBER, Rag.COMPLETE) else "",
        "risks_and_issues": seed.risk if rag in (Rag.RED, Rag.AMBER) else "No new risks this quarter.",
        "next_steps": "Share the learning in the SLI snapshot." if rag == Rag.COMPLETE else seed.next_step,
    }


@dataclass(frozen=True)
class MeetingSeed:
    location: str
    other_attendees: str
    focus: str
    decisions: tuple[str, ...]
    # (description, owner: "lead", "coordinator" or the name of someone without an account)
    actions: tuple[tuple[str, str], ...]


MEETINGS = {
    1: MeetingSeed(
        "Microsoft Teams",
        "Health protection consultant, UKHSA South West",
        "Reviewed the health protection assurance returns and winter readiness with UKHSA.",
        (
            "Agreed to escalate late assurance returns to the councils' chief executives.",
            "Agreed to repeat the regional winter exercise every two years.",
            "Agreed the MMR catch-up priorities with the ICB immunisation leads.",
        ),
        (
            ("Circulate the regional summary of the assurance self-assessments", "coordinator"),
            ("Confirm the date of the next winter exercise", "UKHSA South West health protection team"),
            ("Share the low-uptake ward maps with the ICB immunisation leads", "lead"),
            ("Write to NHS England about the timeliness of uptake data", "lead"),
        ),
    ),
    2: MeetingSeed(
        "Microsoft Teams",
        "Inclusion health lead, NHS England South West",
        "Discussed the inclusion health fieldwork and the coastal communities indicators.",
        (
            "Agreed to publish the coastal indicators with the next snapshot.",
            "Agreed that the needs assessment covers Gypsy, Roma and Traveller communities.",
            "Agreed to share the anchor institution self-assessment with every council.",
        ),
        (
            ("Chase the two outstanding data sharing agreements", "lead"),
            ("Draft the coastal indicators section of the snapshot", "coordinator"),
            ("Invite the lived-experience panel to the next meeting", "lead"),
        ),
    ),
    3: MeetingSeed(
        "Truro, New County Hall",
        "Tobacco control alliance manager",
        "Went through the healthy weight systems maps and the tobacco control alliance's plan.",
        (
            "Agreed a shared evaluation of the whole-systems approach.",
            "Agreed to add vaping in young people to the alliance's priorities.",
        ),
        (
            ("Book the shared evaluation workshop", "coordinator"),
            ("Collect councils' healthier food advertising policies", "lead"),
            ("Share the licensing response template with every council", "lead"),
        ),
    ),
    4: MeetingSeed(
        "Microsoft Teams",
        "Suicide prevention lead, Devon and Cornwall Police",
        "Reviewed the suicide surveillance summaries and school mental health support.",
        (
            "Agreed to review the surveillance process after a full year.",
            "Agreed to raise specialist waiting times with the ICBs.",
        ),
        (
            ("Draft the letter to the ICBs on waiting times", "lead"),
            ("Map the livestock markets for farming outreach", "coordinator"),
            ("Share the postvention guidance with schools", "lead"),
        ),
    ),
    5: MeetingSeed(
        "Taunton, Somerset Council offices",
        "",
        "Reviewed the peer challenge schedule, the workforce programme and the monthly SLI snapshot.",
        (
            "Agreed a rota of DsPH to draft consultation responses.",
            "Agreed to write to the councils past five years since their last peer challenge.",
        ),
        (
            ("Write to the chief executives of the overdue councils", "lead"),
            ("Set up the consultation response rota", "coordinator"),
            ("Evaluate the shared training programme with the trainees", "lead"),
        ),
    ),
}

# (title, days from today, start hour, duration in hours, place, link, description)
EVENTS = (
    ("SW ADPH quarterly network meeting", 9, 10, 3, "Taunton, Somerset Council offices", "",
     "The quarterly meeting of the fifteen Directors of Public Health: progress against the plan, the peer "
     "challenge schedule and the next snapshot."),
    ("SLI peer learning session: health protection assurance", 16, 14, 1.5, "Online",
     "https://teams.example.org/sw-adph/sli-peer-learning",
     "Three councils share what their assurance self-assessment taught them."),
    ("Public health registrars' SLI showcase", 30, 13, 3, "Exeter, Devon County Hall", "",
     "Registrars present the improvement projects they led in their placements."),
    ("SW ADPH and UKHSA winter preparedness workshop", 44, 9, 4, "Bristol, City Hall", "",
     "Testing the region's arrangements for winter outbreaks with UKHSA South West and the ICBs."),
)  # fmt: skip

# (title, description, councils, key objectives, days after the active plan starts, status)
PROJECTS = (
    ("Real-time suicide surveillance data sharing",
     "A shared process with Devon and Cornwall Police for near real-time data on suspected suicides.",
     ("E10000008", "E06000026", "E06000027", "E06000052"), (10,), 80, Project.Status.IN_PROGRESS),
    ("Inclusion health needs assessment with peer researchers",
     "People with lived experience of homelessness help design and run the needs assessment.",
     ("E06000023", "E06000022", "E06000024", "E06000025"), (4,), 120, Project.Status.IN_PROGRESS),
    ("Tobacco control QI collaborative",
     "Maternity units and stop smoking services test changes to referral pathways in short cycles.",
     ("E06000052", "E06000059", "E06000058", "E06000054", "E06000030"), (8,), 45, Project.Status.COMPLETED),
    ("Peer challenge readiness toolkit",
     "A toolkit that helps public health teams prepare for their council's corporate peer challenge.",
     ("E10000013", "E06000066", "E06000053"), (13, 14), 400, Project.Status.PLANNED),
)  # fmt: skip

# --- Case studies ----------------------------------------------------------------------------

# (title, author, days before today it was published or None for a draft, topic slugs, council
# codes, key objective numbers, summary, problem, what was done, impact, contact, attachment title)
CASE_STUDIES = [
    ("Falls prevention on the fire service's safe-and-well visits", "dph-lead", 20,
     ("healthy-ageing", "partnerships-and-the-nhs"), ("E06000027", "E10000008"), (),
     "Fire officers in Torbay and Devon check homes for trip hazards on their safe-and-well visits and refer "
     "older people to the falls service.",
     "Falls are the commonest reason people over 65 are admitted to hospital as an emergency, and many of the "
     "people most at risk are not known to the falls service until their first fracture.",
     "Public health trained 120 fire officers in a five-minute falls check, added it to the safe-and-well "
     "visit, and agreed a same-week referral route into the community falls service.",
     "Referrals from the fire service rose from 40 to 130 a year; three in four people referred were new to the "
     "falls service. An evaluation of admissions is under way with the ICB.",
     "Dr Amelia Hart, amelia.hart@devon.example.org", "Six-month evaluation of the referral route"),
    ("Smokefree pregnancy: opt-out referral at booking", "coordinator", 75,
     ("tobacco-control", "children-and-young-people", "health-inequalities"), ("E06000052", "E06000026"), (8,),
     "Every pregnant woman who smokes is referred to a specialist stop-smoking adviser at her booking "
     "appointment unless she opts out.",
     "One in ten women in Cornwall and Plymouth smoked at delivery, well above the England average, and most "
     "were never referred to stop-smoking support.",
     "Midwives measure carbon monoxide at booking; a positive reading sends an automatic referral. Advisers "
     "see women at home within a week and offer vouchers for each smokefree month.",
     "Smoking at the time of delivery fell from 10.2% to 7.4% in two years; quit rates at four weeks doubled.",
     "Plymouth public health team, tobacco@plymouth.example.org", None),
    ("Warm spaces and winter health checks", "member", None,
     ("healthy-places", "health-inequalities"), ("E06000024", "E06000025"), (),
     "Libraries and community centres in North Somerset and South Gloucestershire offered warm spaces with health "
     "checks on the side.",
     "Cold homes worsen heart and lung disease, and people in fuel poverty rarely come forward for checks.",
     "Twenty-four warm spaces hosted blood-pressure checks and advice on energy bills once a week all winter.",
     "Draft: the network is still collecting the figures.",
     "Priya Nair, priya.nair@n-somerset.example.org", None),
]  # fmt: skip


def _load_case_studies(rows: _Rows, region: Region, plan: ActionPlan, councils, users, today) -> None:
    """Two published case studies (one with an attachment) and a member's draft; files created once."""
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    for row in CASE_STUDIES:
        title, author, days, topic_slugs, codes, numbers, summary, problem, done, impact, contact, file_title = row
        values = {
            "summary": summary,
            "problem": problem,
            "what_was_done": done,
            "impact": impact,
            "contact": contact,
            "author": users.get(author),
            "state": CaseStudy.State.DRAFT if days is None else CaseStudy.State.PUBLISHED,
            "published_at": None if days is None else _at(today - _days(days), 10),
            "published_by": None if days is None else users.get("coordinator"),
        }
        for slug in topic_slugs:
            # The topics come from a migration; a database emptied by a test's flush has none.
            if slug not in topics:
                topics[slug], _ = rows.upsert(Topic, {"slug": slug}, {"name": slug.replace("-", " ").capitalize()})
        related = {
            "topics": [topics[slug] for slug in topic_slugs],
            "councils": [councils[code] for code in codes],
            "objectives": list(plan.key_objectives.filter(number__in=numbers)),
        }
        case_study, _ = rows.upsert(CaseStudy, {"region": region, "title": title}, values, related=related)
        if file_title and not case_study.attachments.filter(title=file_title).exists():
            attachment = CaseStudyAttachment(
                case_study=case_study,
                title=file_title,
                added_by=case_study.author,
                original_name=f"{slugify(file_title)}.pdf",
            )
            attachment.file.save(attachment.original_name, ContentFile(DEMO_EVIDENCE_PDF), save=False)
            _save(attachment)
            rows.created += 1


# --- Peer challenges -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeSeed:
    council: str  # ONS code
    kind: str
    months_ago: int  # on-site visit, months before today; negative: booked in the future
    stage: str
    report_after_days: int | None = None
    action_plan_after_days: int | None = None
    review_after_months: int | None = None
    notes: str = ""


# Cycle on the day the demo is loaded: current (< 4 years), due (4-5 years), overdue (> 5 years);
# the Isles of Scilly have never had one recorded.
CHALLENGES = (
    ChallengeSeed("E06000022", Challenge.CORPORATE, 30, Stage.CLOSED, 56, 120, 11),
    ChallengeSeed("E06000023", Challenge.CORPORATE, 14, Stage.ACTION_PLAN_PUBLISHED, 49, 100, 16),
    ChallengeSeed("E06000024", Challenge.FINANCE, 52, Stage.CLOSED, 60, 110, 10),  # due
    ChallengeSeed(
        "E06000025", Challenge.CORPORATE, 40, Stage.REPORT_PUBLISHED, 63,
        notes="No follow-up visit booked yet.",
    ),
    ChallengeSeed(
        "E06000026", Challenge.CORPORATE, 5, Stage.FEEDBACK,
        notes="Feedback presented on the last day of the visit; the written report is still awaited from the LGA.",
    ),
    ChallengeSeed("E06000027", Challenge.CORPORATE, 70, Stage.CLOSED, 58, 100, 12),  # overdue
    ChallengeSeed("E06000030", Challenge.FINANCE, 55, Stage.CLOSED, 45, 90, 11),  # due
    ChallengeSeed(
        "E06000030", Challenge.CORPORATE, -2, Stage.SCOPING,
        notes="On-site visit booked with the LGA; the position statement is due three weeks before.",
    ),
    ChallengeSeed("E06000052", Challenge.CORPORATE, 20, Stage.PROGRESS_REVIEW, 50, 95, 19),
    ChallengeSeed("E06000052", Challenge.PUBLIC_HEALTH, 8, Stage.REPORT_PUBLISHED, 42),
    ChallengeSeed("E06000054", Challenge.CORPORATE, 50, Stage.CLOSED, 52, 105, 12),  # due
    ChallengeSeed("E06000058", Challenge.CORPORATE, 26, Stage.CLOSED, 47, 90, 11),
    ChallengeSeed("E06000059", Challenge.CORPORATE, 75, Stage.CLOSED, 61, 120, 12),  # overdue
    ChallengeSeed("E06000066", Challenge.CORPORATE, 10, Stage.ACTION_PLAN_PUBLISHED, 44, 90, 12),
    ChallengeSeed("E10000008", Challenge.FINANCE, 82, Stage.CLOSED, 55, 100, 12),
    ChallengeSeed("E10000008", Challenge.CORPORATE, 36, Stage.CLOSED, 58, 110, 11),
    ChallengeSeed("E10000013", Challenge.CORPORATE, 57, Stage.CLOSED, 49, 95, 10),  # due
)  # fmt: skip

# Peers come from councils of other regions (free text) or, for one officer peer, from another
# South West council; never from the council challenged.
LEAD_OFFICER_PEERS = (
    ("Joanne Whitaker", "Chief Executive", "Leicestershire County Council"),
    ("Martin Haworth", "Chief Executive", "Kirklees Council"),
    ("Sunita Rao", "Chief Executive", "Cheshire West and Chester Council"),
    ("Alan McBride", "Chief Executive", "Northumberland County Council"),
    ("Rachel Osei", "Chief Executive", "London Borough of Hounslow"),
)
LEAD_MEMBER_PEERS = (
    ("Cllr Margaret Ellis", "Leader of the Council", "Shropshire Council", "Conservative"),
    ("Cllr Imran Siddiqui", "Leader of the Council", "Nottingham City Council", "Labour"),
    ("Cllr Helen Barker", "Leader of the Council", "Eastbourne Borough Council", "Liberal Democrat"),
    ("Cllr Owen Pritchard", "Leader of the Council", "Herefordshire Council", "Independent"),
    ("Cllr Lucy Grant", "Deputy Leader", "Mid Suffolk District Council", "Green"),
)
OFFICER_PEERS = (
    ("Neil Sutherland", "Director of Finance (Section 151 officer)", "Hampshire County Council"),
    ("Aisha Begum", "Director of Adult Social Services", "Leeds City Council"),
    ("Dr Kieran Walsh", "Director of Public Health", "Cumberland Council"),
    ("Gemma Holt", "Director of Children's Services", "Suffolk County Council"),
)
SOUTH_WEST_OFFICER_PEERS = (
    ("Dr Kate Morrell", "Assistant Director of Public Health"),
    ("Ian Trelawney", "Head of Policy and Performance"),
    ("Nadia Hussain", "Consultant in Public Health"),
)
PEER_CHALLENGE_MANAGERS = ("Paul Clarke", "Sarah Ahmed")  # of the Local Government Association

# The network's part: its pool of peers (the South West officer peers above serve on teams, so
# the pool finds their service by name; two DsPH have not served yet), the LGA's principal
# advisers, the coordinator's prompts to the overdue councils, and themes of report findings.
POOL = (
    ("Dr Kate Morrell", PoolPeer.Kind.CONSULTANT, "E06000026", "Health protection; outbreak management"),
    ("Ian Trelawney", PoolPeer.Kind.OFFICER, "E06000054", "Performance management; corporate planning"),
    ("Nadia Hussain", PoolPeer.Kind.CONSULTANT, "E06000025", "Health inequalities; Core20PLUS5"),
    ("Amelia Hart", PoolPeer.Kind.DPH, "E10000008", "Prevention and the NHS; integrated care"),
    ("Gareth Lloyd", PoolPeer.Kind.DPH, "E06000026", "Mental health and suicide prevention"),
)
LGA_ADVISERS = {  # ONS code of the council: the adviser's name (fictional)
    "E06000027": "Helen Baxter",
    "E06000059": "Helen Baxter",
    "E06000024": "Robert Penrose",
    "E10000013": "Robert Penrose",
}
# (council, what the coordinator did, days ago, note)
PROMPTS = (
    (
        "E06000059",
        Prompt.Action.RAISED_WITH_DPH,
        60,
        "Raised at the quarterly SLI meeting; the DPH will take it to the chief executive.",
    ),
    ("E06000059", Prompt.Action.ASKED_LGA_ADVISER, 21, "The adviser will offer dates in the spring."),
    ("E06000027", Prompt.Action.OFFERED_PEERS, 35, "Offered Dr Kate Morrell for the public health part of the scope."),
)
# (council of a closed corporate challenge, recommendation, themes)
FINDINGS = (
    ("E06000022", "Refresh the medium-term financial strategy and close the budget gap in year two.", ["finance"]),
    ("E06000022", "Make prevention a thread through the council plan.", ["public_health", "priorities"]),
    ("E06000027", "Strengthen the scrutiny of major decisions.", ["governance"]),
    ("E06000027", "Set out savings plans that protect prevention services.", ["finance", "public_health"]),
    ("E06000059", "Build capacity for improvement in the corporate centre.", ["capacity"]),
    ("E06000059", "Use local data on inequalities to target resources.", ["data", "inequalities"]),
    ("E06000058", "Agree the place partnership's shared priorities with the NHS.", ["partnerships", "leadership"]),
    ("E06000058", "Review reserves against the medium-term financial plan.", ["finance"]),
)  # fmt: skip


# --- Loading ---------------------------------------------------------------------------------


ANNUAL_REPORT_SUMMARY = (
    "In its first year the 2025-2027 plan moved from agreeing objectives to delivering them: every "
    "priority area met quarterly, fifteen councils completed the health protection self-assessment "
    "and the network badged its quality-improvement work as SLI.\n\n"
    "The peer challenges of the year taught us most about joining up prevention with the NHS, and "
    "two case studies now share what worked with other regions."
)
ANNUAL_REPORT_RISKS = "Public health grant pressures in several councils; capacity for the mental health priority."
ANNUAL_REPORT_ASKS = "Help us share the regional PHOF dashboard with other networks."


def _load_annual_report(rows: _Rows, region: Region, users: dict, today: datetime.date) -> None:
    """The SLI lead's report of the last full financial year, submitted and awaiting the board's
    acknowledgement (rendered to PDF once the load commits); made once, never replaced."""
    year = Quarter.from_date(today).year - 1
    if AnnualReport.objects.filter(region=region, year=year).exists():
        return
    lead = users["sli-lead"]
    report = annual_reports.start_draft(region=region, year=year, by=lead)
    annual_reports.save_draft(
        report=report,
        summary=ANNUAL_REPORT_SUMMARY,
        risks=ANNUAL_REPORT_RISKS,
        asks_of_board=ANNUAL_REPORT_ASKS,
        achievements={},
    )
    annual_reports.submit_report(report=report, by=lead, today=today)
    rows.created += 1


def load_demo(
    *, today: datetime.date | None = None, stdout: TextIO | None = None, render_snapshots: bool = True
) -> dict[str, int]:
    """Create or bring up to date the whole demo, in one transaction; return the rows of each model."""
    today = today or timezone.localdate()
    rows = _Rows()
    with transaction.atomic():
        region = _load_region(rows)
        councils = _load_councils(rows, region)
        users = _load_people(rows, region, councils)
        closed = _load_history(rows, region, users, councils)
        plan = _load_active_plan(rows, region, closed, today)
        objectives = _load_priorities(rows, plan, users, PRIORITIES, _active_objectives(plan))
        _load_updates(rows, plan, objectives, today)
        _load_evidence(rows, plan)
        _load_meetings(rows, plan, users, today)
        _load_projects(rows, region, plan, councils)
        _load_events(rows, region, today)
        _load_peer_challenges(rows, councils, today)
        _load_network_part(rows, region, councils, users, today)
        _load_case_studies(rows, region, plan, councils, users, today)
        # Before the snapshots and the annual report, which show them.
        _load_indicators(rows, region, plan)
        # The archive runs two months past the plan's end: the May snapshot reports its last quarter.
        archive = (closed.start_date, closed.end_date + _days(61))
        load_demo_snapshots(region=region, today=today, render=render_snapshots, archive=archive)
        _load_annual_report(rows, region, users, today)
    counts = demo_counts()
    if stdout is not None:
        # After the commit: a closed pipe must not undo the load.
        _report(stdout, rows, counts, plan)
    return counts


def _load_indicators(rows: _Rows, region: Region, plan: ActionPlan) -> None:
    """Four real PHOF indicators with illustrative values, linked to the plan (indicators.demo)."""
    created, changed = load_demo_indicators(region=region, plan=plan)
    rows.created += created
    rows.changed += changed


def demo_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Region, LocalAuthority, User, Membership, ActionPlan, PriorityArea, KeyObjective, QuarterlyUpdate,
            QuarterlyMeeting, MeetingAction, Project, Event, PeerChallenge, PeerTeamMember, Snapshot, Evidence,
            Indicator, IndicatorValue, IndicatorLink,
        )
    }  # fmt: skip


@dataclass
class _Rows:
    """Finds rows by natural key and saves them only when a value differs; counts what it did."""

    created: int = 0
    changed: int = 0
    deleted: int = 0

    def upsert(self, model, lookup: dict, values: dict, create_only: dict | None = None, related: dict | None = None):
        """Like update_or_create, but saves (and so writes history) only when a value differs.

        `related` sets many-to-many fields, also only when the set differs. Returns (row, created).
        """
        obj = model._default_manager.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup, **values, **(create_only or {}))
            _save(obj)
            self.created += 1
        else:
            self._update(obj, values)
        for name, targets in (related or {}).items():
            manager = getattr(obj, name)
            if set(manager.values_list("pk", flat=True)) != {target.pk for target in targets}:
                manager.set(targets)
                self.changed += not created
        return obj, created

    def _update(self, obj, values: dict) -> None:
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if not changed:
            return
        for name in changed:
            setattr(obj, name, values[name])
        if isinstance(obj, QuarterlyUpdate):
            # Someone editing this update in the portal must see a conflict, not lose the demo's change.
            obj.version += 1
            changed.append("version")
        _save(obj, update_fields=changed)
        self.changed += 1

    def delete(self, queryset) -> None:
        self.deleted += queryset.delete()[0]


def _differs(obj, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _save(obj, update_fields=None) -> None:
    obj.full_clean()
    obj.save(update_fields=update_fields)


# --- Dates -----------------------------------------------------------------------------------


def _at(day: datetime.date, hour: float) -> datetime.datetime:
    """An aware datetime in Europe/London."""
    hours, minutes = int(hour), int(hour % 1 * 60)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hours, minutes)))


def _weekday_on_or_after(day: datetime.date) -> datetime.date:
    return day + _days({5: 2, 6: 1}.get(day.weekday(), 0))


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(year, month + 1, min(day.day, 28))


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


# --- The frame: region, councils, people -----------------------------------------------------


def _load_region(rows: _Rows) -> Region:
    values = {key: value for key, value in REGION.items() if key != "slug"}
    return rows.upsert(Region, {"slug": REGION["slug"]}, values)[0]


def _load_councils(rows: _Rows, region: Region) -> dict[str, LocalAuthority]:
    councils = {}
    for name, code, kind in COUNCILS:
        values = {"name": name, "region": region, "kind": kind, "active": True}
        councils[code] = rows.upsert(LocalAuthority, {"gss_code": code}, values)[0]
    return councils


def _load_people(rows: _Rows, region: Region, councils: dict[str, LocalAuthority]) -> dict[str, User]:
    password = _DemoPassword(settings.DEMO_PASSWORD)
    users = {}
    for person in PEOPLE:
        values = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        }
        lookup = {"username": person.username}
        user, created = rows.upsert(User, lookup, values, create_only={"password": make_password(None)})
        if not password.matches(user.password):
            user.password = password.encoded()
            user.save(update_fields=["password"])
            rows.changed += not created
        for role, council, job_title in person.roles:
            lookup = {"user": user, "region": None if role == Role.NATIONAL else region, "role": role}
            values = {"local_authority": councils.get(council), "job_title": job_title}
            rows.upsert(Membership, lookup, values)
        users[person.username] = user
    return users


class _DemoPassword:
    """The demo password is public (the command prints it), so the demo users share one hash and
    each distinct hash is checked once: a check costs half a second, and a re-run should not."""

    def __init__(self, raw: str):
        self.raw = raw
        self._encoded = None
        self._checked: dict[str, bool] = {}

    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(self.raw)
            self._checked[self._encoded] = True
        return self._encoded

    def matches(self, encoded: str) -> bool:
        if encoded not in self._checked:
            # An unusable password (a new user) cannot match; checking one would still run a hash.
            self._checked[encoded] = is_password_usable(encoded) and check_password(self.raw, encoded)
        return self._checked[encoded]


# --- Plans, priorities and objectives --------------------------------------------------------


def _load_history(rows: _Rows, region: Region, users: dict[str, User], councils) -> ActionPlan:
    """The closed plans, oldest first, each building on the one before; returns the latest."""
    previous = None
    for seed in HISTORY:
        values = {
            "start_date": seed.start_date,
            "end_date": seed.end_date,
            "approved_on": seed.approved_on,
            "intro": seed.intro,
            "builds_on": previous,
            "status": ActionPlan.Status.CLOSED,
        }
        plan, _ = rows.upsert(ActionPlan, {"region": region, "title": seed.title}, values)
        signed_off_at = _at(seed.approved_on, 15)
        keyed = _load_priorities(rows, plan, users, seed.priorities, [(o, signed_off_at) for o in seed.objectives])
        for objective_seed, objective, lead in keyed:
            for index, quarter in enumerate(plan.quarters):
                if not objective_seed.reports_in(index):
                    break
                _load_update(rows, objective, objective_seed, index, quarter, lead, today=plan.end_date + _days(60))
        rows.delete(
            QuarterlyUpdate.objects.filter(key_objective__plan=plan).exclude(
                quarter__in=[q.code for q in plan.quarters]
            )
        )
        previous = plan
    for title, description, codes, numbers, badged_on, status in HISTORY_PROJECTS:
        _load_project(rows, region, previous, councils, title, description, codes, numbers, badged_on, status)
    return previous


def _active_plan_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Two financial years: the one before today's and today's, so the plan is half-way through."""
    start = Quarter(Quarter.from_date(today).year - 1, 1).start_date
    # The illustrative plan builds on the closed one and must not overlap it.
    start = max(start, HISTORY[-1].end_date + _days(1))
    if today < start:
        raise ValueError(f"The demo's active plan follows the closed one: load it on or after {start}, not {today}.")
    return start, Quarter(start.year + 1, 4).end_date


def _load_active_plan(rows: _Rows, region: Region, closed: ActionPlan, today: datetime.date) -> ActionPlan:
    start, end = _active_plan_dates(today)
    values = {
        "title": f"SW ADPH SLI Action Plan {start.year}-{end.year}",
        "start_date": start,
        "end_date": end,
        "approved_on": start - _days(45),
        "builds_on": closed,
        "intro": (
            f"This plan builds on the {closed.title}. It keeps health protection and health inequalities at "
            "its centre, adds mental health and suicide prevention, and makes the SW ADPH voice an objective "
            "in its own right. Each key objective has a DPH lead who reports progress every quarter."
        ),
    }
    return rows.upsert(ActionPlan, {"region": region, "status": ActionPlan.Status.ACTIVE}, values)[0]


def _active_objectives(plan: ActionPlan) -> list[tuple[ObjectiveSeed, datetime.datetime | None]]:
    signed_off_at = _at(plan.approved_on, 15)
    return [(seed, signed_off_at if seed.signed_off else None) for seed in OBJECTIVES]


def _load_priorities(rows: _Rows, plan: ActionPlan, users: dict[str, User], priorities, objectives) -> list[tuple]:
    """Load the priority areas and key objectives of a plan; return (seed, objective, lead) triples."""
    areas = {}
    for number, title, description, lead, deputy in priorities:
        values = {"title": title, "description": description, "lead": users[lead], "deputy_lead": users.get(deputy)}
        areas[number] = rows.upsert(PriorityArea, {"plan": plan, "number": number}, values)[0]
    quarters = plan.quarters
    keyed = []
    for seed, signed_off_at in objectives:
        target = quarters[seed.complete_by if seed.complete_by is not None else -1].end_date
        values = {
            "priority_area": areas[seed.priority],
            "title": seed.title,
            "description": seed.description,
            "target_date": target,
            "sign_off_state": KeyObjective.SignOff.SIGNED_OFF if signed_off_at else KeyObjective.SignOff.PROPOSED,
            "signed_off_by": users["sli-lead"] if signed_off_at else None,
            "signed_off_at": signed_off_at,
            "sign_off_note": "Agreed at the SW ADPH network meeting." if signed_off_at else "",
            "decided_on": signed_off_at.date() if signed_off_at else None,
            "decision_forum": "SW ADPH network meeting" if signed_off_at else "",
            "agreed_title": seed.title if signed_off_at else "",
            "agreed_description": seed.description if signed_off_at else "",
            "agreed_target_date": target if signed_off_at else None,
        }
        objective = rows.upsert(KeyObjective, {"plan": plan, "number": seed.number}, values)[0]
        keyed.append((seed, objective, areas[seed.priority].lead))
    return keyed


# --- Quarterly updates -----------------------------------------------------------------------


def _rag(seed: ObjectiveSeed, index: int) -> str:
    if seed.complete_by is not None and index >= seed.complete_by:
        return Rag.COMPLETE
    if index == 0 and seed.number % 4 == 0:
        return Rag.NOT_STARTED
    return RAG_CYCLE[(seed.number + index) % len(RAG_CYCLE)]


def _load_updates(rows: _Rows, plan: ActionPlan, objectives, today: datetime.date) -> None:
    """Every signed-off objective reports for each closed quarter, except the few the demo leaves overdue."""
    last_closed = Quarter.from_date(today).previous()
    quarters = [quarter for quarter in plan.quarters if quarter <= last_closed]
    for seed, objective, lead in objectives:
        if not seed.signed_off:
            continue  # proposed this quarter: nothing was due from it yet
        for index, quarter in enumerate(quarters):
            if not seed.reports_in(index):
                break
            if quarter == last_closed and seed.number in MISSING_LAST_QUARTER:
                continue
            draft = quarter == last_closed and seed.number == DRAFT_LAST_QUARTER
            _load_update(rows, objective, seed, index, quarter, lead, today=today, draft=draft)
    first, last = plan.quarters[0], plan.quarters[-1]
    rows.delete(QuarterlyUpdate.objects.filter(Q(quarter__lt=first) | Q(quarter__gt=last), key_objective__plan=plan))


def _load_update(rows, objective, seed, index, quarter, lead, *, today, draft=False) -> None:
    rag = _rag(seed, index)
    # A few days after the quarter ends, never later than yesterday.
    submitted_on = min(quarter.end_date + _days(3 + seed.number % 9), today - _days(1))
    values = {
        "rag_status": rag,
        **_narrative(seed, rag),
        "author": lead,
        "submitted_at": None if draft else _at(submitted_on, 16),
    }
    rows.upsert(QuarterlyUpdate, {"key_objective": objective, "quarter": quarter}, values)


# --- Quarterly meetings ----------------------------------------------------------------------


def _load_meetings(rows: _Rows, plan: ActionPlan, users, today: datetime.date) -> None:
    """Each priority area's quarterly meetings, each reviewing one quarter's updates a few weeks
    after they were due: held for the quarters before the last due one, and the last due
    quarter's meeting ahead, so its pack is what the DPH lead prepares for now."""
    last_due = last_due_quarter(plan.region, today)
    reviewed = [quarter for quarter in plan.quarters if quarter <= last_due]
    for area in plan.priority_areas.select_related("lead", "deputy_lead"):
        seed = MEETINGS[area.number]
        for index, quarter in enumerate(reviewed):
            day = _weekday_on_or_after(update_due_date(plan.region, quarter) + _days(14 + 2 * area.number))
            if quarter == last_due:
                day = _weekday_on_or_after(max(day, today + _days(10 + 2 * area.number)))
                _load_meeting(rows, area, seed, quarter, day, users, held=False)
                continue
            meeting = _load_meeting(rows, area, seed, quarter, day, users, held=True)
            age = len(reviewed) - 2 - index  # 0 for the latest meeting held
            _load_actions(rows, meeting, seed, area, users, day=day, index=index, age=age, today=today)
    first, last = plan.quarters[0], plan.quarters[-1]
    rows.delete(QuarterlyMeeting.objects.filter(Q(quarter__lt=first) | Q(quarter__gt=last), priority_area__plan=plan))


def _load_meeting(rows, area, seed: MeetingSeed, quarter, day, users, *, held: bool) -> QuarterlyMeeting:
    numbers = ", ".join(str(number) for number in area.key_objectives.values_list("number", flat=True))
    decisions = seed.decisions[quarter.number % len(seed.decisions)]
    # Each priority area at its own hour, so two meetings on one day never clash.
    hour = 8 + area.number
    values = {
        "starts_at": _at(day, hour),
        "ends_at": _at(day, hour + 1.5),
        "location": seed.location,
        "other_attendees": seed.other_attendees,
        "notes": f"Reviewed the {quarter} updates for Key Objectives {numbers}. {seed.focus}" if held else "",
        "decisions": decisions if held else "",
    }
    attendees = [users["sli-lead"], users["coordinator"], area.lead] + ([area.deputy_lead] if area.deputy_lead else [])
    lookup = {"priority_area": area, "quarter": quarter}
    return rows.upsert(QuarterlyMeeting, lookup, values, related={"attendees": attendees})[0]


def _load_actions(rows, meeting, seed: MeetingSeed, area, users, *, day, index: int, age: int, today) -> None:
    """Two actions per meeting, done unless the meeting is recent: the latest meeting's (age 0)
    first action is open and due soon; for priorities 1 and 3 the meeting before it (age 1) left
    an action open past its due date."""
    for offset in (0, 1):
        description, owner = seed.actions[(2 * index + offset) % len(seed.actions)]
        due = day + _days(28 + 14 * offset)
        done = True
        if age == 0 and offset == 0:
            due, done = today + _days(14 + area.number), False
        elif age == 1 and offset == 1 and area.number in (1, 3):
            done = False
        user = {"lead": area.lead, "coordinator": users["coordinator"]}.get(owner)
        values = {
            "owner": user,
            "owner_name": "" if user else owner,
            "due_date": due,
            "done_at": _at(min(due - _days(3), today - _days(1)), 12) if done else None,
        }
        rows.upsert(MeetingAction, {"meeting": meeting, "description": description}, values)


# --- Projects and events ---------------------------------------------------------------------


def _load_projects(rows: _Rows, region: Region, plan: ActionPlan, councils) -> None:
    for title, description, codes, numbers, days, status in PROJECTS:
        badged_on = plan.start_date + _days(days)
        _load_project(rows, region, plan, councils, title, description, codes, numbers, badged_on, status)


def _load_project(rows, region, plan, councils, title, description, codes, numbers, badged_on, status) -> None:
    values = {
        "description": description,
        "badged_on": badged_on,
        "status": status,
        "link": f"https://www.swadph.example.org/projects/{slugify(title)}",
    }
    related = {
        "councils": [councils[code] for code in codes],
        "key_objectives": list(plan.key_objectives.filter(number__in=numbers)),
    }
    rows.upsert(Project, {"region": region, "title": title}, values, related=related)


def _load_events(rows: _Rows, region: Region, today: datetime.date) -> None:
    for title, days, hour, hours, location, link, description in EVENTS:
        day = _weekday_on_or_after(today + _days(days))
        values = {
            "starts_at": _at(day, hour),
            "ends_at": _at(day, hour + hours),
            "location": location,
            "link": link,
            "description": description,
        }
        rows.upsert(Event, {"region": region, "title": title}, values)


# --- Peer challenges -------------------------------------------------------------------------


# A one-page PDF small enough to keep in the source: the demo needs neither WeasyPrint nor the network.
DEMO_EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EVIDENCE = [  # (key objective number, title, link, or None for the demo PDF)
    (1, "UKHSA South West health protection assurance framework", "https://www.gov.uk/government/organisations/uk-health-security-agency"),
    (1, "Self-assessment summary for the network", None),
    (4, "Inclusion health: a framework for action (OHID)", "https://www.gov.uk/government/publications/inclusion-health-framework"),
    (8, "Smokefree generation policy paper", "https://www.gov.uk/government/publications/stopping-the-start-our-new-plan-to-create-a-smokefree-generation"),
    (10, "Real-time surveillance of suspected suicides: guidance", None),
]  # fmt: skip


def _load_evidence(rows: _Rows, plan: ActionPlan) -> None:
    """Links and a file on the last submitted update of a few objectives; files are created once."""
    for number, title, link in EVIDENCE:
        update = (
            QuarterlyUpdate.objects.submitted()
            .filter(key_objective__plan=plan, key_objective__number=number)
            .order_by("-quarter")
            .first()
        )
        if update is None:
            continue
        lookup = {"update": update, "title": title}
        if link:
            rows.upsert(Evidence, lookup, {"link": link, "added_by": update.author})
        elif not Evidence.objects.filter(**lookup).exists():
            evidence = Evidence(**lookup, added_by=update.author, original_name=f"{slugify(title)}.pdf")
            evidence.file.save(evidence.original_name, ContentFile(DEMO_EVIDENCE_PDF), save=False)
            _save(evidence)
            rows.created += 1


def _load_peer_challenges(rows: _Rows, councils: dict[str, LocalAuthority], today: datetime.date) -> None:
    codes = list(councils)
    for index, seed in enumerate(CHALLENGES):
        council = councils[seed.council]
        values = _challenge_values(seed, council, today)
        challenge, _ = rows.upsert(PeerChallenge, {"local_authority": council, "kind": seed.kind}, values)
        # Another South West council, a few places along the list: never the one challenged.
        home = councils[codes[(codes.index(seed.council) + 3) % len(codes)]]
        for name, role, values in _peer_team(index, seed, home):
            rows.upsert(PeerTeamMember, {"challenge": challenge, "name": name, "role": role}, values)


def _load_network_part(rows: _Rows, region: Region, councils: dict, users: dict, today: datetime.date) -> None:
    coordinator = users["coordinator"]
    for name, kind, council, expertise in POOL:
        rows.upsert(
            PoolPeer,
            {"region": region, "name": name},
            {"kind": kind, "home_council": councils[council], "expertise": expertise},
        )
    for council, name in LGA_ADVISERS.items():
        email = name.lower().replace(" ", ".") + "@local.gov.example.org"
        rows.upsert(LgaAdviser, {"local_authority": councils[council]}, {"name": name, "email": email})
    for council, action, days_ago, note in PROMPTS:
        lookup = {"local_authority": councils[council], "action": action, "prompted_on": today - _days(days_ago)}
        rows.upsert(Prompt, lookup, {"note": note, "recorded_by": coordinator})
    for council, text, themes in FINDINGS:
        challenge = (
            PeerChallenge.objects.filter(local_authority=councils[council], kind=Challenge.CORPORATE)
            .order_by("-onsite_start")
            .first()
        )
        rows.upsert(Recommendation, {"challenge": challenge, "text": text}, {"themes": themes, "status": "in_progress"})
    offered = list(PoolPeer.objects.filter(region=region, name="Nadia Hussain"))
    lookup = {"local_authority": councils["E06000052"], "kind": Challenge.PUBLIC_HEALTH}
    rows.upsert(PeerChallenge, lookup, {"public_health_in_scope": True}, related={"peers_offered": offered})


def _challenge_values(seed: ChallengeSeed, council: LocalAuthority, today: datetime.date) -> dict:
    """The challenge's dates from its on-site visit (a Tuesday to Friday); milestones that are
    recorded after they happen are left empty until their day has passed."""
    month = _months_before(today, seed.months_ago)
    start = month + _days((1 - month.weekday()) % 7)
    end = start + _days(3)

    def after(days: int | None) -> datetime.date | None:
        return end + _days(days) if days is not None and end + _days(days) <= today else None

    report_on = after(seed.report_after_days)
    action_plan_on = after(seed.action_plan_after_days)
    review = _months_before(end, -seed.review_after_months) if seed.review_after_months else None
    review_report_on = review + _days(45) if review and review + _days(45) <= today else None
    link = f"https://{slugify(council.name)}.example.org/{seed.kind}-peer-challenge-{start.year}"
    past = end <= today
    return {
        "stage": seed.stage,
        "scoping_date": start - _days(70) if start - _days(70) <= today else None,
        "position_statement_received_on": start - _days(21) if start - _days(21) <= today else None,
        "onsite_start": start,
        "onsite_end": end,
        "feedback_date": end if past else None,
        "report_published_on": report_on,
        "report_url": f"{link}/report" if report_on else "",
        "action_plan_published_on": action_plan_on,
        "action_plan_url": f"{link}/action-plan" if action_plan_on else "",
        "progress_review_date": review,
        "progress_review_report_published_on": review_report_on,
        "progress_review_report_url": f"{link}/progress-review" if review_report_on else "",
        "notes": seed.notes,
    }


def _peer_team(index: int, seed: ChallengeSeed, home: LocalAuthority):
    """(name, role, other values) of each peer of a challenge's team."""
    officer = LEAD_OFFICER_PEERS[index % len(LEAD_OFFICER_PEERS)]
    member = LEAD_MEMBER_PEERS[index % len(LEAD_MEMBER_PEERS)]
    # A finance challenge always has a finance director among its peers.
    peer_from_elsewhere = OFFICER_PEERS[0 if seed.kind == Challenge.FINANCE else index % len(OFFICER_PEERS)]
    south_west = SOUTH_WEST_OFFICER_PEERS[index % len(SOUTH_WEST_OFFICER_PEERS)]
    manager = PEER_CHALLENGE_MANAGERS[index % len(PEER_CHALLENGE_MANAGERS)]

    def peer(job_title, organisation="", party="", home_council=None):
        values = {"job_title": job_title, "home_organisation": organisation, "political_party": party}
        return {**values, "home_council": home_council}

    return [
        (officer[0], Peer.LEAD_OFFICER_PEER, peer(officer[1], officer[2])),
        (member[0], Peer.LEAD_MEMBER_PEER, peer(member[1], member[2], member[3])),
        (peer_from_elsewhere[0], Peer.OFFICER_PEER, peer(peer_from_elsewhere[1], peer_from_elsewhere[2])),
        (south_west[0], Peer.OFFICER_PEER, peer(south_west[1], home_council=home)),
        (manager, Peer.PEER_CHALLENGE_MANAGER, peer("Peer Challenge Manager", "Local Government Association")),
    ]


# --- Who is who ------------------------------------------------------------------------------


def _report(stdout: TextIO, rows: _Rows, counts: dict[str, int], plan: ActionPlan) -> None:
    def write(line: str = "") -> None:
        stdout.write(f"{line}\n")

    write(f"Demo loaded: {rows.created} rows created, {rows.changed} changed, {rows.deleted} deleted.")
    write(", ".join(f"{name} {count}" for name, count in counts.items()))
    write()
    write(f"Demo users (password: {settings.DEMO_PASSWORD}) on {plan.title}:")
    for line in who_is_who(plan):
        write(f"  {line}")


def who_is_who(plan: ActionPlan) -> list[str]:
    """One line per demo user: username, roles and what they lead in the plan."""
    lines = []
    for person in PEOPLE:
        user = User.objects.get(username=person.username)
        roles = []
        for membership in user.memberships.select_related("region", "local_authority").order_by("role"):
            where = [str(membership.region or "all regions")] + [str(membership.local_authority or "")]
            roles.append(f"{membership.get_role_display()} ({', '.join(filter(None, where))})")
        leads = [f"leads {area}" for area in plan.priority_areas.filter(lead=user)]
        leads += [f"deputy for {area}" for area in plan.priority_areas.filter(deputy_lead=user)]
        lines.append(f"{person.username:<20} {user.get_full_name()}: {'; '.join(roles + leads)}")
    return lines
