"""The scoping mechanism: roles reach their organisation and everything below it."""

from __future__ import annotations

import pytest

from branchwork.access import get_visible_or_404, scope_for
from branchwork.models import Organisation
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def visible_orgs(user, capability="branchwork.view_organisation"):
    return set(Organisation.objects.visible_to(user, capability).values_list("slug", flat=True))


def test_secretary_reaches_her_branch_and_its_groups_only(world):
    assert visible_orgs(world.secretary_a) == {"a1", "a1-1"}


def test_admin_reaches_the_whole_school_but_not_another(world):
    assert visible_orgs(world.admin_a) == {"school-a", "a1", "a1-1", "a2"}


def test_secretary_of_another_school_reaches_only_her_own(world):
    assert visible_orgs(world.secretary_b) == {"b1"}


def test_deactivated_and_anonymous_reach_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible_orgs(world.deactivated) == set()
    assert visible_orgs(AnonymousUser()) == set()


def test_viewer_sees_counts_but_not_names(world):
    MemberFactory(organisation=world.branch_a1)
    principal = world.principal_a
    assert Member.objects.visible_to(principal, "members.view_counts").exists()
    assert not Member.objects.visible_to(principal, "members.view").exists()


def test_member_in_a_group_is_visible_to_the_branch_secretary(world):
    in_group = MemberFactory(organisation=world.branch_a1, group=world.group_a1)
    in_a2 = MemberFactory(organisation=world.branch_a2)
    visible = set(Member.objects.visible_to(world.secretary_a, "members.view"))
    assert in_group in visible
    assert in_a2 not in visible


def test_object_outside_scope_is_404(world):
    from django.http import Http404

    member_a = MemberFactory(organisation=world.branch_a1)
    with pytest.raises(Http404):
        get_visible_or_404(Member, world.secretary_b, "members.view", pk=member_a.pk)
    assert get_visible_or_404(Member, world.secretary_a, "members.view", pk=member_a.pk)


def test_scope_has_in_needs_no_query(world, django_assert_num_queries):
    scope = scope_for(world.secretary_a)
    scope.roles()
    with django_assert_num_queries(0):
        assert scope.has_in("members.view_private", world.group_a1)
        assert not scope.has_in("members.view_private", world.branch_a2)


def test_organisation_tree_refuses_impossible_parents(world):
    from django.core.exceptions import ValidationError

    from branchwork import services

    with pytest.raises(ValidationError):
        services.create_organisation(
            name="x", slug="bad-group", kind=Organisation.Kind.GROUP, parent=world.school_a
        )
    with pytest.raises(ValidationError):
        services.create_organisation(name="x", slug="bad-branch", kind=Organisation.Kind.BRANCH)
    assert not Organisation.objects.filter(slug__startswith="bad-").exists()
    assert world.group_a1.school == world.school_a
    assert world.group_a1.path.startswith(world.branch_a1.path)
