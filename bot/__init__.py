"""Slack app that triages and updates WHMCS support tickets."""
