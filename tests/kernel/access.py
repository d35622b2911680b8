"""Access matrix entries for the kernel's views."""

from tests.matrix import PERSONAS, SIGNED_IN, Entry, everyone, table

MATRIX = {
    "dashboard": Entry(everyone(200)),
    "healthz": Entry(dict.fromkeys(PERSONAS, 200)),
    "login": Entry({p: (302 if p in SIGNED_IN else 200) for p in PERSONAS}),
    # Logging out is a POST (Django 5); a GET is refused for everyone.
    "logout": Entry(dict.fromkeys(PERSONAS, 405)),
    # A POST with nothing in it: the form answers with its errors, nothing changes.
    "password_change": Entry(everyone(200), post={}, post_expected=everyone(200)),
    "password_change_done": Entry(everyone(200)),
    # A GET changes nothing and just sends the user back.
    "set_language": Entry(
        dict.fromkeys(PERSONAS, 302),
        query="?next=/",
        post={"language": "en", "next": "/"},
        post_expected=dict.fromkeys(PERSONAS, 302),
    ),
    "organisation-list": Entry(everyone(200)),
    "organisation-detail": Entry(
        table(secretary_a2=404, secretary_b=404), args=lambda w: [w.branch_a1.pk]
    ),
}
