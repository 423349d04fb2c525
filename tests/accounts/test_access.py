import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.choices import AuditAction
from apps.accounts.models import ApiKey, AuditEvent, User

pytestmark = pytest.mark.django_db


def test_create_api_key_prints_only_the_key_and_stores_a_hash(estate, capsys):
    call_command("create_api_key", "RWE", "--name", "bed system")
    captured = capsys.readouterr()
    plain = captured.out.strip()
    assert plain.startswith("scc_") and "\n" not in plain
    # How the key is sent, for the operator, on stderr (never the whole key twice).
    assert "Authorization: Api-Key <the key>" in captured.err
    assert "/admin/accounts/apikey/" in captured.err and plain not in captured.err
    key = ApiKey.objects.get()
    assert key.organisation.code == "RWE" and key.name == "bed system"
    assert plain not in (key.hashed_secret, key.prefix)
    assert key.matches(plain.split("_", 2)[2])


def test_create_api_key_for_an_unknown_organisation_fails(estate):
    with pytest.raises(Exception, match="No organisation"):
        call_command("create_api_key", "XXX")


def test_create_user_sets_the_role(db):
    call_command("create_user", "ann", "--role", "manager", "--password", "long-enough-pw")
    user = User.objects.get(username="ann")
    assert user.role == "manager" and user.check_password("long-enough-pw")
    assert not user.is_staff
    call_command("create_user", "root", "--role", "admin", "--password", "long-enough-pw")
    assert User.objects.get(username="root").is_superuser


def test_a_valid_key_reads_the_api(key_client):
    response = key_client("RWE").get("/api/v1/board/")
    assert response.status_code == 200


def test_no_key_or_a_bad_key_is_401(estate):
    assert APIClient().get("/api/v1/board/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key scc_deadbeef_nope")
    assert client.get("/api/v1/board/").status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.API_KEY_REJECTED).exists()


def test_a_revoked_key_is_401(key_client):
    client = key_client("RWE")
    ApiKey.objects.update(revoked_at=timezone.now())
    response = client.get("/api/v1/board/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_the_admin_revokes_keys(admin_client, key_client):
    client = key_client("RWE")
    key = ApiKey.objects.get()
    admin_client.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get("/api/v1/board/").status_code == 401


def test_anonymous_pages_redirect_to_login(db):
    response = APIClient().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


def test_staff_of_every_role_see_the_board(scc_client, manager_client, admin_client, estate):
    for client in (scc_client, manager_client, admin_client):
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/board/").status_code == 200


def test_only_admins_reach_the_django_admin(scc_client, manager_client, admin_client):
    assert scc_client.get("/admin/").status_code == 302
    assert manager_client.get("/admin/").status_code == 302
    assert admin_client.get("/admin/").status_code == 200


def test_login_and_logout_are_audited(db):
    from apps.accounts.services import user_create

    user_create(username="ann", role="scc", password="correct-horse-battery")
    client = APIClient()
    client.post("/accounts/login/", {"username": "ann", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "ann", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.order_by("at").values_list("action", flat=True))
    assert actions == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN, AuditAction.LOGOUT]
