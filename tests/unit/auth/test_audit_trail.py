"""The audit trail without a store (a project built without MongoDB) logs each event."""

import logging

import pytest

from app.api.auth.audit import AuditEventType, AuditTrail
from app.core.security.tokens import Realm


async def test_a_trail_without_a_store_logs_the_event(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="app.audit"):
        await AuditTrail(None).record(AuditEventType.LOGOUT, Realm.USER, actor=7, ip="10.0.0.1")
    lines = [record.getMessage() for record in caplog.records if record.name == "app.audit"]
    assert lines == ["audit event type=auth.logout realm=user actor=7"]
