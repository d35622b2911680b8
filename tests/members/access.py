"""Access matrix entries for the members app's views."""

from tests.factories import MemberFactory
from tests.matrix import Entry, table

MATRIX = {
    "member-list": Entry(table(principal_a=403)),
    "member-detail": Entry(
        table(secretary_a2=404, secretary_b=404, principal_a=403),
        args=lambda w: [MemberFactory(organisation=w.branch_a1).pk],
    ),
}
