"""The selectors other apps read: a period's case studies and the snapshot's case study of the month."""

import datetime

import pytest
import time_machine

from case_studies import selectors
from case_studies.tests.factories import CaseStudyFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def published_on(region, day: datetime.date, hour: int = 10, **fields):
    case_study = CaseStudyFactory(region=region, **fields)
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)):
        case_study.publish(by=None)
    return case_study


def test_published_between_takes_both_days_in_london_time(region, other_region):
    before = published_on(region, D(2024, 3, 31), hour=22)  # 23:00 in London on 31 March (BST from 31 March)
    first = published_on(region, D(2024, 3, 31), hour=23)  # midnight on 1 April in London
    last = published_on(region, D(2025, 3, 31), hour=20)
    published_on(region, D(2025, 4, 1), hour=10)
    published_on(other_region, D(2024, 6, 1))
    CaseStudyFactory(region=region)  # a draft

    year = list(selectors.published_between(region, D(2024, 4, 1), D(2025, 3, 31)))

    assert year == [first, last]
    assert before not in year


def test_published_between_leaves_out_withdrawn_ones(region, coordinator):
    case_study = published_on(region, D(2024, 6, 1))
    case_study.withdraw(by=coordinator)
    assert not selectors.published_between(region, D(2024, 4, 1), D(2025, 3, 31)).exists()


def test_the_case_study_of_the_month_is_the_latest_of_the_month_before_or_the_month(region, other_region):
    published_on(region, D(2024, 8, 31))  # two months before
    september = published_on(region, D(2024, 9, 5))
    assert selectors.case_study_of_the_month(region, D(2024, 10, 1)) == september
    october = published_on(region, D(2024, 10, 20))
    assert selectors.case_study_of_the_month(region, D(2024, 10, 1)) == october
    published_on(region, D(2024, 11, 2))  # after the month
    published_on(other_region, D(2024, 10, 25))
    assert selectors.case_study_of_the_month(region, D(2024, 10, 1)) == october


def test_no_case_study_of_the_month_without_one(region):
    published_on(region, D(2024, 1, 5))
    assert selectors.case_study_of_the_month(region, D(2024, 10, 1)) is None


def test_january_looks_back_to_december(region):
    december = published_on(region, D(2023, 12, 15))
    assert selectors.case_study_of_the_month(region, D(2024, 1, 1)) == december
