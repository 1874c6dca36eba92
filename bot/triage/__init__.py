"""Triage channels: routes from departments to channels, the poller, and which card is where."""
