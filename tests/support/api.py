"""HTTP requests to a running `tilsyn serve` on loopback (http.client, one connection each
unless the caller passes one to keep alive)."""
import http.client
import json

HOST = "127.0.0.1"


class NotJson(AssertionError):
    """The answer's body is not JSON."""


def connect(port, timeout=30):
    """A connection to keep alive over several requests."""
    return http.client.HTTPConnection(HOST, port, timeout=timeout)


def request(port, method, path, token=None, body=None, headers=None, connection=None,
            timeout=30):
    """One request; returns (status, headers with lower-case names, body text).

    token: sent as `Authorization: Bearer TOKEN`. body: bytes or text as they are, anything
    else as JSON (with Content-Type application/json unless headers name one).
    """
    conn = connection or connect(port, timeout)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read().decode("utf-8")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        if connection is None:
            conn.close()


def call(port, method, path, token=None, body=None, headers=None, timeout=30):
    """Like request, with the body parsed as JSON (None when empty); NotJson when it is not."""
    status, _, data = request(port, method, path, token, body, headers, timeout=timeout)
    try:
        return status, (json.loads(data) if data else None)
    except json.JSONDecodeError:
        raise NotJson(f"{method} {path}: {status}, the body is not JSON: {data[:200]}")


def post_event(port, token, cycle, event, data=None, timeout=30):
    """POST /api/v1/cycles/CYCLE/events; returns (status, answer), {} for an empty answer."""
    status, answer = call(port, "POST", f"/api/v1/cycles/{cycle}/events", token,
                          {"event": event, "data": data or {}}, timeout=timeout)
    return status, answer or {}
