"""Check `[users]`: each Slack user exists and is linked to an enabled WHMCS admin."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.check import texts
from bot.check.report import Report
from bot.check.slack import UNREACHABLE, slack_error_code, unreachable
from bot.config import Config, LinkedUser
from bot.whmcs import Admin


class _SlackGone(Exception):
    """Slack stopped answering while the users were looked up."""


def check_users(
    config: Config, slack: WebClient | None, admins: Sequence[Admin] | None, report: Report
) -> None:
    """Report each `[users]` line whose Slack user or WHMCS admin is wrong.

    Args:
        slack: None when Slack could not be checked; then only the admins are.
        admins: every WHMCS admin, disabled ones too; None when they could not be read.
    """
    by_id = {admin.id: admin for admin in admins or ()}
    for linked in config.users.values():
        try:
            name = _slack_name(slack, linked.slack_user, report) if slack is not None else None
        except _SlackGone:
            return
        admin = by_id.get(linked.admin_id)
        usable = admins is not None and _admin_is_usable(linked, admin, report)
        if name is not None and usable and admin is not None:
            role = linked.role or config.default_role
            report.ok(
                texts.USER_OK.format(
                    user=linked.slack_user,
                    name=name,
                    admin=admin.id,
                    admin_name=admin.full_name,
                    role=role,
                )
            )


def _slack_name(slack: WebClient, user: str, report: Report) -> str | None:
    """Return the Slack user's name, or None after reporting why the user is not usable."""
    try:
        answer = slack.users_info(user=user)
    except SlackApiError as error:
        code = slack_error_code(error)
        if code == "user_not_found":
            report.fail(texts.USER_NOT_IN_SLACK.format(user=user, error=code))
        else:
            report.fail(texts.USER_LOOKUP_FAILED.format(user=user, error=code))
        return None
    except UNREACHABLE as error:
        report.fail(unreachable(slack.base_url, error))
        raise _SlackGone from None

    record = answer.get("user") or {}
    name = str(record.get("name") or user)
    if record.get("deleted"):
        report.fail(texts.USER_DEACTIVATED.format(user=user, name=name))
        return None
    return name


def _admin_is_usable(linked: LinkedUser, admin: Admin | None, report: Report) -> bool:
    """Tell whether the linked WHMCS admin exists and is enabled, reporting it when not."""
    if admin is None:
        report.fail(texts.ADMIN_MISSING.format(user=linked.slack_user, admin=linked.admin_id))
        return False
    if admin.disabled:
        report.fail(
            texts.ADMIN_DISABLED.format(
                user=linked.slack_user, admin=admin.id, admin_name=admin.full_name
            )
        )
        return False
    return True
