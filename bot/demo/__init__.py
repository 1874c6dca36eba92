"""`ticketbot demo`: try the bot in a terminal, with a sandbox WHMCS and a local stand-in for Slack.

Nothing leaves the machine: the demo's Slack and WHMCS both serve on 127.0.0.1 inside the
process, and the bot between them is the one `ticketbot run` builds.
"""

from bot.demo.command import main

__all__ = ["main"]
