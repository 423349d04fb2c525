"""The integrator's guide: in the repository, linked from the README and the API docs, and
naming only endpoints that exist."""

import re

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

GUIDE = settings.BASE_DIR / "docs" / "api.md"


def test_the_readme_links_only_to_files_in_the_repository():
    readme = (settings.BASE_DIR / "README.md").read_text()
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    assert "docs/api.md" in links
    for link in links:
        if not link.startswith(("http://", "https://", "/")):
            assert (settings.BASE_DIR / link).exists(), f"README links to missing {link}"
    assert "shared/" not in readme


def test_every_endpoint_the_guide_names_exists():
    text = GUIDE.read_text()
    paths = set(re.findall(r"(/api/v1/[A-Za-z0-9/_<>-]*)", text))
    assert {"/api/v1/estate/", "/api/v1/sitreps/beds/", "/api/v1/whoami/"} <= paths
    for path in paths:
        concrete = re.sub(r"<[^>]+>", "RWE-LRI", path).replace(
            "RWE-LRI/acknowledge", "1/acknowledge"
        )
        # Calls and actions are numbered.
        for numbered in ("/calls/", "/actions/"):
            concrete = concrete.replace(f"{numbered}RWE-LRI/", f"{numbered}1/")
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"the guide names {path}, which does not exist")


@pytest.mark.django_db
def test_the_guide_is_served_and_the_docs_page_links_to_it(client):
    response = client.get("/api/v1/guide/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response.content.decode() == GUIDE.read_text()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert "/api/v1/guide/" in schema.content.decode()


def test_the_guide_has_a_curl_example_for_every_endpoint_of_the_schema():
    """Every path in the OpenAPI schema appears in the guide with a curl call."""
    from io import StringIO

    import yaml
    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", stdout=out)
    paths = yaml.safe_load(out.getvalue())["paths"]
    text = GUIDE.read_text()
    curls = " ".join(line for line in text.splitlines() if "curl " in line)
    for path in paths:
        concrete = path.replace("{code}", "RWE-LRI").replace("{id}", "<id>")
        stem = concrete.split("{")[0]
        if "<id>" in concrete:  # staff only: named in the guide, no key to curl it with
            assert path.replace("{id}", "<id>") in text, path
            continue
        assert stem in curls, f"the guide has no curl example for {path}"
