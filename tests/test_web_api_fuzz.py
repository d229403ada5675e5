"""Fuzz the JSON API from its own OpenAPI schema (schemathesis, in-process over ASGI).

Every /api operation gets valid and invalid requests (a bounded number per operation).
No request may cause a server error (5xx); content types must match the schema, and so
must the body of every successful answer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from crampcoach.settings import Settings
from crampcoach.web import create_app
from crampcoach.web.hosts import HostPolicy

# The schema is loaded when the module is collected (schemathesis parametrizes from it),
# so the app's data directory is made here and removed after the module's tests.
_DATA = tempfile.TemporaryDirectory(prefix="crampcoach-fuzz-")
# schemathesis calls the app as "testserver": that name is the one it answers to.
APP = create_app(
    Settings(data_dir=Path(_DATA.name) / "data", voice=False),
    hosts=HostPolicy.for_server(["testserver"]),
)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP).include(path_regex=r"^/api/")


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    APP.state.store.close()
    _DATA.cleanup()


def test_the_schema_covers_the_api() -> None:
    paths = set(APP.openapi()["paths"])
    assert {"/api/routines", "/api/timeline", "/api/sessions"} <= paths
    assert all(path.startswith("/api/") for path in paths)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_causes_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    checks = [not_a_server_error, content_type_conformance]
    if response.status_code < 400:
        checks.append(response_schema_conformance)
    case.validate_response(response, checks=checks)
