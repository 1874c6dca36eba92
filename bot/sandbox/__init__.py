"""A WHMCS-compatible API server with demo data, used by the demo and by the tests.

It shares no code with the rest of the bot, so the WHMCS client and the sandbox check each
other. Start it with `Sandbox().start()`; the API is at `sandbox.url + "/includes/api.php"`.
"""

from bot.sandbox.cli import main
from bot.sandbox.server import Sandbox

__all__ = ["Sandbox", "main"]
