"""Settings from the environment and `.env`, and `ticketbot.toml`: each mistake is one clear line."""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path

import pytest

from bot.config import Config, LinkedUser, load_config, parse_config
from bot.settings import (
    SettingsError,
    export_network_variables,
    load_settings,
    read_environment,
)

BOT_TOKEN = "xoxb-1111-2222-abcdEFGH"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
GOOD = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
WHMCS = {
    "WHMCS_URL": "https://billing.example.com",
    "WHMCS_IDENTIFIER": "abcDEF123",
    "WHMCS_SECRET": "whmcs-secret-77",
}


def refusal(env: dict[str, str]) -> str:
    """Return the one line load_settings stops with."""
    with pytest.raises(SettingsError) as stopped:
        load_settings(env)
    line = str(stopped.value)
    assert "\n" not in line
    return line


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN does not look right"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-..."},
            "SLACK_BOT_TOKEN still holds the example placeholder from .env.example",
        ),
        ({"SLACK_SIGNING_SECRET": "  "}, "SLACK_SIGNING_SECRET is not set"),
        (
            {"SLACK_SIGNING_SECRET": "..."},
            "SLACK_SIGNING_SECRET still holds the example placeholder from .env.example",
        ),
        ({"SLACK_APP_TOKEN": "xoxb-9"}, "SLACK_APP_TOKEN does not look right"),
        (
            {"SLACK_APP_TOKEN": "xapp-..."},
            "SLACK_APP_TOKEN still holds the example placeholder from .env.example",
        ),
        ({"SLACK_API_URL": "slack-gov.com/api"}, "SLACK_API_URL must be an http:// or https://"),
        ({"WHMCS_URL": "billing.example.com"}, "WHMCS_URL must be an http:// or https:// URL"),
        ({"WHMCS_URL": "https://billing.example.com"}, "WHMCS_IDENTIFIER is not set"),
        ({**WHMCS, "WHMCS_SECRET": ""}, "WHMCS_SECRET is not set"),
        (
            {**WHMCS, "WHMCS_IDENTIFIER": "..."},
            "WHMCS_IDENTIFIER still holds the example placeholder from .env.example",
        ),
        ({"WHMCS_TIMEOUT": "soon"}, "WHMCS_TIMEOUT must be a number of seconds"),
        ({"WHMCS_TIMEOUT": "0.1"}, "WHMCS_TIMEOUT must be between 0.5 and 300 seconds"),
        ({"WHMCS_TIMEZONE": "Mars/Olympus"}, "WHMCS_TIMEZONE is not an IANA time zone name"),
        ({"WHMCS_ADMIN_URL": "admin"}, "WHMCS_ADMIN_URL must be an http:// or https:// URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not 'LOUD'"),
        ({"LOG_LEVEL": "warn"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_each_bad_setting_stops_with_one_line_naming_it(change: dict[str, str], named: str) -> None:
    line = refusal({**GOOD, **change})
    assert named in line
    for secret in (BOT_TOKEN, SIGNING_SECRET, WHMCS["WHMCS_SECRET"]):
        assert secret not in line


def test_good_settings_and_their_defaults() -> None:
    settings = load_settings({**GOOD, "SLACK_API_URL": "http://127.0.0.1:8080/api"})
    assert settings.slack_api_url == "http://127.0.0.1:8080/api/"
    assert settings.uses_sandbox
    assert settings.slack_app_token is None
    assert settings.whmcs_timeout == 10.0
    assert settings.log_level == logging.INFO
    assert settings.config_path == Path("ticketbot.toml")
    assert BOT_TOKEN not in repr(settings) and SIGNING_SECRET not in repr(settings)

    settings = load_settings({**GOOD, **WHMCS, "LOG_LEVEL": "debug", "WHMCS_TIMEOUT": "2.5"})
    assert settings.log_level == logging.DEBUG
    assert settings.whmcs_timeout == 2.5
    assert not settings.uses_sandbox
    assert load_settings(GOOD).slack_api_url == "https://slack.com/api/"


def test_dotenv_is_read_and_the_real_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        f"# from .env.example\nSLACK_BOT_TOKEN={BOT_TOKEN}\nWHMCS_TIMEOUT=5\nLOG_LEVEL=DEBUG\n",
        encoding="utf-8",
    )
    merged = read_environment({"WHMCS_TIMEOUT": "7", "OTHER": "x"}, dotenv)
    assert merged["SLACK_BOT_TOKEN"] == BOT_TOKEN
    assert merged["WHMCS_TIMEOUT"] == "7"
    assert merged["OTHER"] == "x"
    settings = load_settings({**merged, "SLACK_SIGNING_SECRET": SIGNING_SECRET})
    assert settings.whmcs_timeout == 7.0
    assert settings.log_level == logging.DEBUG

    assert read_environment({"A": "1"}, tmp_path / "missing.env") == {"A": "1"}


def test_users_take_u_and_w_ids_and_the_table_form() -> None:
    config = parse_config(
        {"users": {"U0123ABCD": 1, "W0456EFGH": 2, "U0000003": {"admin": 3, "role": "lead"}}}
    )
    assert config.users == {
        "U0123ABCD": LinkedUser("U0123ABCD", 1),
        "W0456EFGH": LinkedUser("W0456EFGH", 2),
        "U0000003": LinkedUser("U0000003", 3, "lead"),
    }
    assert config.admin_id_for("W0456EFGH") == 2
    assert config.admin_id_for("U0000003") == 3
    assert config.admin_id_for("U9999999") is None
    assert config.confirmations == "channel"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"users": {"alice": 1}}, "users.alice is not a Slack user id"),
        ({"users": {"u0123abcd": 1}}, "users.u0123abcd is not a Slack user id"),
        ({"users": {"U0123ABCD": 0}}, "users.U0123ABCD must be a WHMCS admin id"),
        ({"users": {"U0123ABCD": True}}, "users.U0123ABCD must be a WHMCS admin id"),
        ({"users": {"U0123ABCD": "1"}}, "users.U0123ABCD must be a WHMCS admin id"),
        ({"users": {"U0123ABCD": {"role": "lead"}}}, "users.U0123ABCD must be a WHMCS admin id"),
        ({"users": {"U0123ABCD": {"admin": 3, "role": 7}}}, "users.U0123ABCD.role must be"),
        ({"users": ["U0123ABCD"]}, "users must be a table"),
        ({"confirmations": "public"}, 'confirmations must be "channel" or "private"'),
        ({"catalog_ttl": -1}, "catalog_ttl must be a number from 0 to 86400"),
        ({"whmcs_concurrency": 0}, "whmcs_concurrency must be a number from 1 to 256"),
        ({"whmcs_concurrency": "8"}, "whmcs_concurrency must be a number from 1 to 256"),
    ],
)
def test_each_bad_config_value_stops_with_one_line(raw: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError) as stopped:
        parse_config(raw)
    assert named in str(stopped.value)
    assert "\n" not in str(stopped.value)


@pytest.mark.parametrize(
    ("key", "suggested"),
    [
        ("confirmation", "confirmations"),
        ("user", "users"),
        ("catalog-ttl", "catalog_ttl"),
        ("Confirmations", "confirmations"),
        ("whmcs_concurency", "whmcs_concurrency"),
    ],
)
def test_unknown_key_stops_the_start_and_suggests_the_closest(key: str, suggested: str) -> None:
    with pytest.raises(SettingsError) as stopped:
        parse_config({key: "private", "users": {"U0123ABCD": 1}}, "/etc/ticketbot.toml")
    assert str(stopped.value) == (
        f"/etc/ticketbot.toml has an unknown key {key!r}: did you mean {suggested!r}?"
    )


def test_unknown_key_with_nothing_close_lists_the_known_keys() -> None:
    with pytest.raises(SettingsError) as stopped:
        parse_config({"zzz": 1})
    assert str(stopped.value) == (
        "ticketbot.toml has an unknown key 'zzz': the known keys are users, confirmations, "
        "catalog_ttl, whmcs_concurrency, customfields, default_role, roles, department_scope, "
        "channel_scope, staff_notes, triage, triage_interval"
    )


def test_keys_of_later_features_are_accepted() -> None:
    config = parse_config({"roles": {}, "default_role": "agent", "triage": [], "customfields": {}})
    assert config == Config()


def test_config_file_missing_is_empty_and_broken_toml_is_named(tmp_path: Path) -> None:
    assert load_config(tmp_path / "missing.toml") == Config()

    broken = tmp_path / "ticketbot.toml"
    broken.write_text("[users\nU0123ABCD = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError) as stopped:
        load_config(broken)
    assert f"TICKETBOT_CONFIG {broken} is not valid TOML" in str(stopped.value)
    assert "\n" not in str(stopped.value)

    misspelt = tmp_path / "misspelt.toml"
    misspelt.write_text('confirmation = "private"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="did you mean 'confirmations'"):
        load_config(misspelt)


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"x": "Rack"}, "customfields.x must be a custom field id"),
        ({"7": ""}, "customfields.7 must be the field's name in quotes"),
        ({"7": 3}, "customfields.7 must be the field's name in quotes"),
        ("Rack", "customfields must be a table"),
    ],
)
def test_bad_customfields_are_named(table: object, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        parse_config({"customfields": table})


def test_customfields_map_ids_to_labels() -> None:
    assert parse_config({"customfields": {"7": " Rack location "}}).customfields == {
        7: "Rack location"
    }


def test_the_example_config_in_the_repository_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "ticketbot.example.toml"
    config = parse_config(tomllib.loads(example.read_text(encoding="utf-8")))
    assert config.default_role == "agent" and config.staff_notes


def test_a_misspelt_role_is_answered_with_the_closest_role() -> None:
    with pytest.raises(SettingsError) as stopped:
        parse_config({"users": {"U0123ABCD": {"admin": 1, "role": "leed"}}})
    assert "has the role 'leed', which is not defined (did you mean 'lead'?)" in str(stopped.value)


def test_proxy_and_ca_bundle_set_in_dotenv_reach_the_http_clients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("https_proxy=http://proxy.example:3128\nSSL_CERT_FILE=/etc/own-ca.pem\n")
    monkeypatch.setenv("SSL_CERT_FILE", "/etc/real-environment-wins.pem")
    monkeypatch.delenv("https_proxy", raising=False)
    try:
        export_network_variables(read_environment(dotenv=dotenv))

        assert os.environ["https_proxy"] == "http://proxy.example:3128"
        assert os.environ["SSL_CERT_FILE"] == "/etc/real-environment-wins.pem"
    finally:
        os.environ.pop("https_proxy", None)
