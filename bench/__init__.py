"""The performance benchmark: acks, the Bolt floor, WHMCS calls, triage, memory, start-up.

Run it with `./scripts/bench` (or `python -m bench` in the project's virtualenv); `--quick` makes
a short smoke run. It prints a table of each figure beside its goal and writes
`bench/results.json`.
"""
