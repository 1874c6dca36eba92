"""Check `[[triage]]` routes against the departments and statuses WHMCS has."""

from __future__ import annotations

from bot.check import texts
from bot.check.report import Report
from bot.check.whmcs import WhmcsReadings
from bot.config import Config
from bot.tickets.fields import squash
from bot.triage.routes import department_ids


def check_routes(config: Config, readings: WhmcsReadings, report: Report) -> None:
    """Report each route's departments and statuses that WHMCS does not have."""
    departments, statuses = readings.departments, readings.statuses
    if departments is None or not config.triage:
        return
    known_ids = {department.id for department in departments}
    names = ", ".join(department.name for department in departments)
    titles = {squash(status.title) for status in statuses or ()}
    for number, route in enumerate(config.triage, 1):
        ids, missing = department_ids(route.departments, lambda: departments)
        problems = [texts.ROUTE_NO_SUCH_NAME.format(name=name) for name in missing]
        problems += [
            texts.ROUTE_NO_SUCH_ID.format(id=d)
            for d in route.departments
            if isinstance(d, int) and d not in known_ids
        ]
        for problem in problems:
            report.fail(
                texts.ROUTE_DEPARTMENT.format(number=number, problem=problem, departments=names)
            )
        if statuses is not None:
            for title in (*route.statuses, *route.exclude_statuses):
                if squash(title) not in titles:
                    report.fail(texts.ROUTE_STATUS.format(number=number, status=title))
        if not problems and ids:
            report.ok(texts.ROUTE_OK.format(number=number, channel=route.channel, count=len(ids)))
