"""Answer bodies: JSON, XML and `key=value;` text as WHMCS writes them, and broken pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

JSON_TYPE = "application/json"
XML_TYPE = "text/xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=UTF-8"


@dataclass
class Reply:
    """An HTTP answer to send; `status` None means drop the connection without answering."""

    status: int | None
    body: bytes = b""
    content_type: str = JSON_TYPE
    hang: float = 0.0


def json_body(answer: dict[str, Any]) -> bytes:
    """Encode like PHP json_encode: compact, non-ASCII as \\u escapes and `/` as `\\/`."""
    # "/" can only occur inside JSON strings, so replacing it never touches the structure.
    return (
        json.dumps(answer, ensure_ascii=True, separators=(",", ":"))
        .replace("/", "\\/")
        .encode("ascii")
    )


def _php_string(value: Any) -> str:
    """Convert a scalar the way PHP's echo does; arrays print as `Array`."""
    if isinstance(value, (dict, list)):
        return "Array"
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


def text_body(answer: dict[str, Any]) -> bytes:
    """Encode as WHMCS's plain answer: `key=value;` pairs."""
    return "".join(f"{key}={_php_string(value)};" for key, value in answer.items()).encode()


def _xml_element(key: str, value: Any) -> str:
    if isinstance(value, list):
        # A list repeats its parent's element name, as in <tickets><ticket/><ticket/></tickets>.
        return "".join(_xml_element(key, item) for item in value)
    if isinstance(value, dict):
        inner = "".join(_xml_element(str(k), v) for k, v in value.items())
        return f"<{key}>{inner}</{key}>"
    # Stored strings are already entity-encoded, so they go in as they are.
    return f"<{key}>{_php_string(value)}</{key}>"


def xml_body(action: str, answer: dict[str, Any]) -> bytes:
    """Encode as WHMCS's XML answer for list calls."""
    inner = "".join(_xml_element(str(k), v) for k, v in answer.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<whmcsapi version="8.10.1"><action>{action}</action>{inner}</whmcsapi>'
    ).encode()


def error_page(status: int) -> Reply:
    """Return the HTML page a web server shows for a failing PHP backend."""
    title = {500: "500 Internal Server Error", 503: "503 Service Unavailable"}[status]
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n"
        f"<body><h1>{title[4:]}</h1><p>The server encountered a temporary error and could not"
        " complete your request.</p><hr><address>Apache Server at 127.0.0.1</address>"
        "</body></html>\n"
    )
    return Reply(status, page.encode(), HTML_TYPE)


def login_page() -> Reply:
    """Return an HTML page with HTTP 200, as a maintenance or WAF page looks to a client."""
    page = (
        "<!DOCTYPE html>\n<html><head><title>Client Area - Login</title></head>\n"
        '<body><form method="post" action="dologin.php"><input type="email" name="username">'
        '<input type="password" name="password"><button>Login</button></form></body></html>\n'
    )
    return Reply(200, page.encode(), HTML_TYPE)


PHP_NOTICE = (
    b"<br />\n<b>Notice</b>:  Undefined index: userid in"
    b" <b>/var/www/whmcs/includes/api/updateticket.php</b> on line <b>212</b><br />\n"
)
WARNING_ANSWER = {"warning": "The system is in maintenance mode. Please try again later."}
STATUS_ERROR_ANSWER = {"status": "error", "message": "Request blocked by the security module"}
