"""Post a form to WHMCS over pooled keep-alive connections, and name what went wrong.

urllib3 is used directly: it is the connection pool `requests` itself runs on, and skipping
the layer above it (request preparation, re-reading proxy settings from the environment on
every call) saves about two thirds of the CPU time a call costs.
"""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import certifi
import urllib3
from urllib3 import exceptions as http_errors
from urllib3.util import make_headers, parse_url

from bot.whmcs.errors import WhmcsError, WhmcsUnknownOutcome, WhmcsUnreachable

# Variables naming a CA bundle to trust instead of the one shipped with certifi.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")
_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
    "Content-Type": "application/x-www-form-urlencoded",
    "User-Agent": "ticketbot",
}


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status and its body."""

    status: int
    body: bytes


class Connection:
    """Send POSTs to one URL over a pool of keep-alive connections; safe to share across threads.

    A proxy from the environment (https_proxy, http_proxy, no_proxy) is read once, here.
    """

    def __init__(self, url: str, pool_size: int) -> None:
        self.url = url
        self._headers = dict(_HEADERS)
        self._manager: urllib3.PoolManager | None = None
        parsed = parse_url_or_none(url)
        if parsed is None:
            return  # every send answers that the URL is not valid
        if parsed.auth:
            self._headers.update(make_headers(basic_auth=parsed.auth))
            self.url = parsed._replace(auth=None).url
        options: dict[str, Any] = {"maxsize": pool_size, "retries": False, **_trust()}
        proxy = _proxy_for(parsed.scheme or "", parsed.host or "")
        if proxy is None:
            self._manager = urllib3.PoolManager(num_pools=1, **options)
            return
        proxy_auth = parse_url(proxy).auth
        proxy_headers = make_headers(proxy_basic_auth=proxy_auth) if proxy_auth else None
        self._manager = urllib3.ProxyManager(
            proxy, num_pools=1, proxy_headers=proxy_headers, **options
        )

    def close(self) -> None:
        """Close the pooled connections."""
        if self._manager is not None:
            self._manager.clear()

    def post(self, form: dict[str, str], action: str, timeout: float) -> Answer | WhmcsError:
        """Return WHMCS's HTTP answer, or the error for a request that got none."""
        if self._manager is None:
            return WhmcsUnreachable("the WHMCS URL is not valid", action)
        try:
            response = self._manager.urlopen(
                "POST",
                self.url,
                body=urlencode(form),
                headers=self._headers,
                redirect=False,
                retries=False,
                timeout=urllib3.Timeout(connect=timeout, read=timeout),
            )
        except (http_errors.HTTPError, OSError) as exc:
            return request_failure(exc, action, timeout)
        return Answer(response.status, response.data)


def parse_url_or_none(url: str) -> urllib3.util.Url | None:
    """Return the parsed URL when it is an http(s) URL with a host, else None."""
    try:
        parsed = parse_url(url)
    except http_errors.LocationParseError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    return parsed


def request_failure(exc: Exception, action: str, timeout: float) -> WhmcsError:
    """Return the error for a request that produced no HTTP answer."""
    # NewConnectionError is a kind of ConnectTimeoutError: it is told apart first.
    if isinstance(exc, http_errors.NameResolutionError):
        return WhmcsUnreachable("the host name does not resolve", action)
    if isinstance(exc, http_errors.NewConnectionError):
        refused = "refused" in str(exc).lower()
        return WhmcsUnreachable("connection refused" if refused else "could not connect", action)
    if isinstance(exc, http_errors.ConnectTimeoutError):
        return WhmcsUnreachable(f"connecting timed out after {timeout:g} s", action)
    if isinstance(exc, http_errors.ReadTimeoutError):
        return WhmcsUnknownOutcome(f"timed out after {timeout:g} s", None, action)
    # TLS and proxy failures happen before the request is handed to WHMCS.
    if isinstance(exc, http_errors.SSLError):
        return WhmcsUnreachable("TLS handshake failed", action)
    if isinstance(exc, http_errors.ProxyError):
        return WhmcsUnreachable("the proxy refused the connection", action)
    # A connection dropped after sending, a broken chunked body, and the like.
    return WhmcsUnknownOutcome("connection dropped before the answer", None, action)


def _proxy_for(scheme: str, host: str) -> str | None:
    """Return the proxy URL the environment sets for this scheme and host, if any."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


def _trust() -> dict[str, str]:
    """Return the TLS options: certificates verified against a CA bundle file or folder."""
    path = next((os.environ[n] for n in CA_BUNDLE_VARIABLES if os.environ.get(n)), None)
    if path and os.path.isdir(path):
        return {"cert_reqs": "CERT_REQUIRED", "ca_cert_dir": path}
    return {"cert_reqs": "CERT_REQUIRED", "ca_certs": path or certifi.where()}
