"""Letters, bands (Decimal boundaries), the one-third rule and probationary members."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.models import Stage
from pledges import selectors, services
from pledges.models import Appraisal, AppraisalBands, Grade, LetterItem, ReviewRound
from tests.factories import MemberFactory
from tests.pledges.conftest import member_of
from tests.pledges.factories import YEAR, LetterFactory, LetterItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("59.9", Grade.UNQUALIFIED),
        ("60", Grade.BASIC),
        ("79.9", Grade.BASIC),
        ("80", Grade.QUALIFIED),
        ("99.9", Grade.QUALIFIED),
        ("100", Grade.EXCELLENT),
        ("0", Grade.UNQUALIFIED),
        ("110", Grade.EXCELLENT),
    ],
)
def test_band_boundaries(world, score, grade):
    bands = services.bands_for(world.school_a)
    assert selectors.grade_for(Decimal(score), bands) == grade


def test_bands_are_configurable_and_must_descend(world, login):
    with pytest.raises(ValidationError):
        services.bands_save(
            school=world.school_a,
            excellent_from=Decimal("80"),
            qualified_from=Decimal("90"),
            basic_from=Decimal("60"),
            by=world.admin_a,
        )
    with pytest.raises(PermissionDenied):
        services.bands_save(
            school=world.school_a,
            excellent_from=Decimal("95"),
            qualified_from=Decimal("75"),
            basic_from=Decimal("60"),
            by=world.secretary_a,
        )
    client = login(world, "admin_a")
    response = client.post(
        reverse("bands-edit"),
        {"excellent_from": "95", "qualified_from": "75", "basic_from": "60"},
    )
    assert response.status_code == 302
    bands = AppraisalBands.objects.get(organisation=world.school_a)
    assert selectors.grade_for(Decimal("95"), bands) == Grade.EXCELLENT
    assert selectors.grade_for(Decimal("74.9"), bands) == Grade.BASIC
    # School B keeps the defaults.
    assert selectors.grade_for(Decimal("95"), services.bands_for(world.school_b)) == Grade.QUALIFIED


def scored_member(world, total: str, *, stage=Stage.FULL, name=None):
    member = MemberFactory(
        organisation=world.branch_a1, stage=stage, **({"name": name} if name else {})
    )
    letter = LetterFactory(member=member)
    LetterItemFactory(letter=letter, max_score=Decimal("110"), score=Decimal(total))
    return member


def test_score_is_the_sum_of_item_scores_graded_by_bands(world):
    member = MemberFactory(organisation=world.branch_a1, name="计分党员")
    targets = LetterFactory(member=member, kind="targets")
    integrity = LetterFactory(member=member, kind="integrity")
    LetterItemFactory(letter=targets, max_score=Decimal("70"), score=Decimal("65.5"))
    LetterItemFactory(letter=targets, max_score=Decimal("10"), score=Decimal("10"))
    LetterItemFactory(letter=integrity, max_score=Decimal("20"), score=Decimal("4.4"))
    row = next(
        r for r in selectors.appraisal_rows(world.branch_a1, year=YEAR) if r.member == member
    )
    assert row.score == Decimal("79.9") and row.band_grade == Grade.BASIC
    item = LetterItem.objects.get(letter=integrity)
    services.letter_record(
        letter=integrity, signed_on=None, scores={item.pk: Decimal("4.5")}, by=world.secretary_a
    )
    row = next(
        r for r in selectors.appraisal_rows(world.branch_a1, year=YEAR) if r.member == member
    )
    assert row.score == Decimal("80.0") and row.band_grade == Grade.QUALIFIED


def test_incomplete_scoring_gives_no_grade_and_scores_above_the_maximum_are_refused(world, login):
    member = MemberFactory(organisation=world.branch_a1)
    letter = LetterFactory(member=member)
    scored = LetterItemFactory(letter=letter, max_score=Decimal("50"), score=Decimal("50"))
    blank = LetterItemFactory(letter=letter, max_score=Decimal("50"), score=None)
    row = next(
        r for r in selectors.appraisal_rows(world.branch_a1, year=YEAR) if r.member == member
    )
    assert row.band_grade is None and (row.scored_items, row.items) == (1, 2)
    client = login(world, "secretary_a")
    url = reverse("letter-detail", args=[letter.pk])
    data = {
        f"weight_{scored.pk}": "50",
        f"weight_{blank.pk}": "50",
        f"score_{scored.pk}": "51",
        f"score_{blank.pk}": "30",
        "signed_on": f"{YEAR}-01-10",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "超过满分" in response.content.decode()
    scored.refresh_from_db()
    blank.refresh_from_db()
    letter.refresh_from_db()
    assert (scored.score, blank.score, letter.signed_on) == (Decimal("50"), None, None)
    # Raising the item's weight (its maximum) makes the same score acceptable.
    response = client.post(url, {**data, f"weight_{scored.pk}": "60"})
    assert response.status_code == 302
    scored.refresh_from_db()
    assert (scored.max_score, scored.score) == (Decimal("60"), Decimal("51"))
    row = next(
        r for r in selectors.appraisal_rows(world.branch_a1, year=YEAR) if r.member == member
    )
    assert row.score == Decimal("81") and row.band_grade == Grade.QUALIFIED and row.signed


def test_secretary_adds_an_item_to_a_letter(world, login):
    letter = LetterFactory(member=member_of(world.member_a))
    client = login(world, "secretary_a")
    url = reverse("letter-detail", args=[letter.pk])
    response = client.post(url, {"new_item_text": "", "new_item_max": "10"})
    assert response.status_code == 200 and not letter.items.exists()
    client.post(url, {"new_item_text": "担任班主任，班级管理达标", "new_item_max": "10"})
    assert list(letter.items.values_list("text", "max_score")) == [
        ("担任班主任，班级管理达标", Decimal("10"))
    ]
    # The member sees her letter but cannot change it.
    member_client = login(world, "member_a")
    assert "担任班主任" in member_client.get(url).content.decode()
    assert member_client.post(url, {"new_item_text": "x", "new_item_max": "99"}).status_code == 404


def test_letters_are_issued_with_the_usual_items_once(world, login):
    created = services.letters_issue(branch=world.branch_a1, year=YEAR, by=world.secretary_a)
    members = services.appraised_members(world.branch_a1).count()
    assert created == 2 * members
    assert services.letters_issue(branch=world.branch_a1, year=YEAR, by=world.secretary_a) == 0
    with pytest.raises(PermissionDenied):
        services.letters_issue(branch=world.branch_a1, year=YEAR, by=world.secretary_a2)
    page = login(world, "secretary_a").get(reverse("letter-list")).content.decode()
    assert "目标管理责任书" in page and "党风廉政建设责任书" in page


def full_members(world, count):
    return [MemberFactory(organisation=world.branch_a1) for _ in range(count)]


def test_more_than_a_third_excellent_needs_an_explicit_acknowledgement(world):
    # The world has 3 full members in A1 (member_a, teacher_a, secretary_a): 6 in all.
    others = full_members(world, 3)
    everyone = list(services.appraised_members(world.branch_a1))
    assert len(everyone) == 6
    two_of_six = {m.pk: Grade.EXCELLENT if m in others[:2] else Grade.QUALIFIED for m in everyone}
    services.review_grades_record(
        branch=world.branch_a1, year=YEAR, grades=two_of_six, by=world.secretary_a
    )
    round_ = ReviewRound.objects.get()
    assert (round_.excellent_count, round_.graded_count, round_.over_limit_acknowledged) == (
        2,
        6,
        False,
    )

    three_of_six = {**two_of_six, others[2].pk: Grade.EXCELLENT}
    with pytest.raises(services.OverLimitNotAcknowledged) as error:
        services.review_grades_record(
            branch=world.branch_a1, year=YEAR, grades=three_of_six, by=world.secretary_a
        )
    assert "3" in str(error.value) and "6" in str(error.value)
    assert Appraisal.objects.filter(review_grade=Grade.EXCELLENT).count() == 2  # nothing changed

    services.review_grades_record(
        branch=world.branch_a1,
        year=YEAR,
        grades=three_of_six,
        acknowledge_over_limit=True,
        by=world.secretary_a,
    )
    round_.refresh_from_db()
    assert round_.over_limit_acknowledged and round_.recorded_by == world.secretary_a
    assert Appraisal.objects.filter(review_grade=Grade.EXCELLENT).count() == 3


def test_the_warning_on_the_page_and_the_acknowledgement(world, login):
    others = full_members(world, 3)
    everyone = list(services.appraised_members(world.branch_a1))
    data = {f"grade_{m.pk}": Grade.EXCELLENT if m in others else Grade.QUALIFIED for m in everyone}
    client = login(world, "secretary_a")
    response = client.post(reverse("appraisal-list"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "三分之一" in page and 'name="acknowledge_over_limit"' in page
    assert not Appraisal.objects.exists()
    response = client.post(reverse("appraisal-list"), {**data, "acknowledge_over_limit": "on"})
    assert response.status_code == 302
    assert ReviewRound.objects.get().over_limit_acknowledged
    page = client.get(response["Location"]).content.decode()
    assert "已由书记确认" in page


def test_probationary_members_are_not_graded(world, login):
    probationary = MemberFactory(
        organisation=world.branch_a1, stage=Stage.PROBATIONARY, name="预备党员甲"
    )
    with pytest.raises(ValidationError) as error:
        services.review_grades_record(
            branch=world.branch_a1,
            year=YEAR,
            grades={probationary.pk: Grade.QUALIFIED},
            by=world.secretary_a,
        )
    assert "预备党员甲" in str(error.value) and "预备党员" in str(error.value)
    assert not Appraisal.objects.exists()

    client = login(world, "secretary_a")
    response = client.post(reverse("appraisal-list"), {f"grade_{probationary.pk}": "excellent"})
    assert response.status_code == 200 and "不评定等次" in response.content.decode()
    assert not Appraisal.objects.filter(member=probationary).exclude(review_grade="").exists()
    # Their letters' score gets no band grade either.
    letter = LetterFactory(member=probationary)
    LetterItemFactory(letter=letter, max_score=Decimal("100"), score=Decimal("100"))
    row = next(
        r for r in selectors.appraisal_rows(world.branch_a1, year=YEAR) if r.member == probationary
    )
    assert row.score == Decimal("100") and row.band_grade is None
    # …but they take part: self-assessment and comment are recorded.
    assert row in selectors.appraisal_rows(world.branch_a1, year=YEAR)


def test_self_assessment_by_the_member_and_comment_by_the_secretary(world, login):
    member = member_of(world.member_a)
    url = reverse("appraisal-member", args=[member.pk]) + f"?year={YEAR}"
    login(world, "member_a").post(url, {"self_assessment": "认真履行承诺。"})
    login(world, "secretary_a").post(url, {"secretary_comment": "表现良好。"})
    appraisal = Appraisal.objects.get(member=member, year=YEAR)
    assert (appraisal.self_assessment, appraisal.secretary_comment) == (
        "认真履行承诺。",
        "表现良好。",
    )
    # The member cannot write the secretary's comment, nor a colleague's self-assessment.
    assert login(world, "member_a").post(url, {"secretary_comment": "自夸"}).status_code == 404
    colleague = member_of(world.teacher_a)
    other = reverse("appraisal-member", args=[colleague.pk])
    assert login(world, "member_a").post(other, {"self_assessment": "x"}).status_code == 404
    appraisal.refresh_from_db()
    assert appraisal.secretary_comment == "表现良好。"
