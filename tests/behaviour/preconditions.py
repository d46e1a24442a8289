"""If-Match against lost updates: the scenario every editable resource passes the same way."""

from typing import Any

import httpx

from app.core.errors import ErrorType
from app.core.i18n import MessageKey, translate
from tests.envelope import assert_envelope


async def assert_if_match_stops_lost_updates(
    api: httpx.AsyncClient,
    url: str,
    first: tuple[dict[str, str], dict[str, Any]],
    second: tuple[dict[str, str], dict[str, Any]],
) -> None:
    """Two writers (headers, body) edit `url` from one read: the first wins, the second is told.

    The second's PATCH is a 412 in its language and changes nothing; its DELETE with the
    stale tag, or with the fresh one made weak, is a 412 too; with the fresh tag it deletes.
    """
    (winner, change), (loser, late_change) = first, second
    tag = (await api.get(url)).headers["etag"]
    assert_envelope(await api.patch(url, json=change, headers={**winner, "If-Match": tag}), 200)
    lost = await api.patch(
        url, json=late_change, headers={**loser, "If-Match": tag, "Accept-Language": "ar"}
    )
    body = assert_envelope(lost, 412, ErrorType.PRECONDITION_FAILED)
    assert body["message"] == translate(MessageKey.PRECONDITION_FAILED, "ar")
    current = assert_envelope(await api.get(url), 200)["data"]
    assert {field: current[field] for field in change} == change
    stale_delete = await api.delete(url, headers={**loser, "If-Match": tag})
    assert_envelope(stale_delete, 412, ErrorType.PRECONDITION_FAILED)
    fresh = (await api.get(url)).headers["etag"]
    weak = await api.delete(url, headers={**loser, "If-Match": f"W/{fresh}"})
    assert_envelope(weak, 412)  # If-Match compares strongly: a weak tag never matches
    assert_envelope(await api.delete(url, headers={**loser, "If-Match": fresh}), 200)
    assert_envelope(await api.get(url), 404)
