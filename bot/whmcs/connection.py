"""Post a form to WHMCS over kept-alive connections, and name what went wrong."""

from __future__ import annotations

import logging
import os
import ssl
import urllib.request
from urllib.parse import urlencode, urlsplit

import certifi

from bot.keepalive import Answer, NoAnswer, NotSent, Origin, Pool, tls_context
from bot.whmcs.errors import WhmcsError, WhmcsUnknownOutcome, WhmcsUnreachable

log = logging.getLogger(__name__)

# Variables naming a CA bundle to trust instead of the one shipped with certifi.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")
_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/x-www-form-urlencoded",
    "User-Agent": "ticketbot",
}


class Connection:
    """Send POSTs to one URL over a pool of keep-alive connections; safe to share across threads.

    A proxy from the environment (https_proxy, http_proxy, no_proxy) is read once, here.
    """

    def __init__(self, url: str, pool_size: int) -> None:
        self._path = urlsplit(url).path or "/"
        self._problem: str | None = None
        self._pool: Pool | None = None
        try:
            origin = Origin.parse(url)
        except ValueError:
            self._problem = "the WHMCS URL is not valid"
            return
        try:
            proxy = _proxy_for(origin)
        except ValueError:
            self._problem = "the proxy URL is not valid"
            return
        if proxy is not None and proxy.scheme != "http":
            self._problem = "the proxy must be an http:// URL"
            return
        tls = None
        if origin.scheme == "https":
            tls, self._problem = _trust()
            if tls is None:
                return
        self._pool = Pool(origin, pool_size, proxy, tls)

    @property
    def opened(self) -> int:
        """Return how many connections have been opened so far."""
        return self._pool.opened if self._pool is not None else 0

    def close(self) -> None:
        """Close the pooled connections."""
        if self._pool is not None:
            self._pool.close()

    def post(
        self, form: dict[str, str], action: str, timeout: float, write: bool = False
    ) -> Answer | WhmcsError:
        """Return WHMCS's HTTP answer, or the error for a request that got none.

        A `write` goes only over a connection recently used, never one the server may be
        closing as it is sent.
        """
        if self._pool is None:
            return WhmcsUnreachable(self._problem or "the WHMCS URL is not valid", action)
        body = urlencode(form).encode("ascii")
        try:
            return self._pool.post(self._path, _HEADERS, body, timeout, fresh=write)
        except NotSent as error:
            return WhmcsUnreachable(error.reason, action)
        except NoAnswer as error:
            if error.reason == "timed out":
                return WhmcsUnknownOutcome(f"timed out after {timeout:g} s", None, action)
            return WhmcsUnknownOutcome(error.reason, None, action)


def _proxy_for(origin: Origin) -> Origin | None:
    """Return the proxy the environment sets for this origin, if any."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(origin.scheme)
    if not proxy or urllib.request.proxy_bypass(origin.host):
        return None
    return Origin.parse(proxy if "://" in proxy else f"http://{proxy}")


def _trust() -> tuple[ssl.SSLContext | None, str | None]:
    """Return the TLS context: certificates checked against a CA bundle file or folder.

    Returns None and the reason when the bundle a variable names cannot be read.
    """
    named = next((n for n in CA_BUNDLE_VARIABLES if os.environ.get(n)), None)
    if named is None:
        return tls_context(cafile=certifi.where()), None
    path = os.environ[named]
    try:
        if os.path.isdir(path):
            return tls_context(capath=path), None
        return tls_context(cafile=path), None
    except (OSError, ssl.SSLError):
        return None, f"the CA bundle {named} names cannot be read"
