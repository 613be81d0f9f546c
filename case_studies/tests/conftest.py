"""Fixtures of the case-study tests: a draft written by a member, a published one, their files."""

import datetime

import pytest

from case_studies.tests.factories import CaseStudyAttachmentFactory, CaseStudyFactory, TopicFactory
from programmes.tests.factories import LocalAuthorityFactory

PUBLISHED_AT = datetime.datetime(2024, 9, 12, 10, tzinfo=datetime.UTC)


@pytest.fixture
def topic(db):
    # Made here, not read from the seeding migration: a transactional test elsewhere empties the table.
    return TopicFactory(name="Tobacco control", slug="tobacco-control")


@pytest.fixture
def other_topic(db):
    return TopicFactory(name="Healthy ageing", slug="healthy-ageing")


@pytest.fixture
def cornwall(region):
    return LocalAuthorityFactory(region=region, name="Cornwall", gss_code="E06000052")


@pytest.fixture
def sunderland(other_region):
    return LocalAuthorityFactory(region=other_region, name="Sunderland", gss_code="E08000024")


@pytest.fixture
def draft(region, member, topic):
    return CaseStudyFactory(
        region=region,
        author=member,
        title="Smokefree homes in Cornwall",
        summary="A draft the network has not published.",
        topics=[topic],
    )


@pytest.fixture
def published(region, dph_lead, coordinator, topic, cornwall):
    case_study = CaseStudyFactory(
        region=region,
        author=dph_lead,
        title="Stop smoking in pregnancy",
        summary="Midwives and stop-smoking advisers halved smoking at delivery.",
        topics=[topic],
    )
    case_study.councils.set([cornwall])
    case_study.publish(by=coordinator, now=PUBLISHED_AT)
    return case_study


@pytest.fixture
def draft_attachment(draft):
    return CaseStudyAttachmentFactory(case_study=draft, title="Draft evaluation")


@pytest.fixture
def published_attachment(published):
    return CaseStudyAttachmentFactory(case_study=published, title="Published evaluation")
