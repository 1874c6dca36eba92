"""A bounded soak of the real bot against the sandbox WHMCS with random faults switched on.

`python -m soak --minutes 10` runs the bot in HTTP mode with triage routes, drives it with
commands, card clicks, form submissions and changes made straight in WHMCS for the given time,
then checks that WHMCS ended as the audit record says and that nothing was done twice.
"""
