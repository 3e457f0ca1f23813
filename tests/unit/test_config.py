"""Settings from the environment, and the refusal to run production without a secret."""

import pytest

from outreach.config import ConfigError, check_config, load_config


def test_production_without_secret_key_is_refused_with_one_line_saying_what_to_set():
    config = {"DEBUG": False, "TESTING": False, "SECRET_KEY": "", "OUTREACH_SCHEDULER": "off"}
    with pytest.raises(ConfigError) as error:
        check_config(config)
    message = str(error.value)
    assert "SECRET_KEY" in message and "\n" not in message


@pytest.mark.parametrize("secret", ["change-me", "dev", "short"])
def test_placeholder_or_short_secrets_are_refused(secret):
    with pytest.raises(ConfigError):
        check_config({"SECRET_KEY": secret, "OUTREACH_SCHEDULER": "off"})


def test_a_real_secret_is_accepted():
    check_config({"SECRET_KEY": "x" * 32, "OUTREACH_SCHEDULER": "off"})


def test_debug_runs_without_a_secret():
    config = {"DEBUG": True, "SECRET_KEY": "", "OUTREACH_SCHEDULER": "off"}
    check_config(config)
    assert config["SECRET_KEY"]


def test_unknown_scheduler_mode_is_refused():
    with pytest.raises(ConfigError, match="OUTREACH_SCHEDULER"):
        check_config({"SECRET_KEY": "x" * 32, "OUTREACH_SCHEDULER": "sometimes"})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("OUTREACH_PLAN_DAY", 0),
        ("OUTREACH_PLAN_DAY", 31),
        ("OUTREACH_LEAD_DAYS", -1),
        ("OUTREACH_TARGET_PERCENT", 0),
        ("OUTREACH_TARGET_PERCENT", 9807),
    ],
)
def test_plan_day_and_lead_time_out_of_range_are_refused(key, value):
    with pytest.raises(ConfigError, match=key):
        check_config({"DEBUG": True, "OUTREACH_SCHEDULER": "off", key: value})


def test_environment_defaults(monkeypatch, tmp_path):
    for name in (
        "DATABASE_URL",
        "OUTREACH_TIMEZONE",
        "OUTREACH_SCHEDULER",
        "RATELIMIT_STORAGE_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/outreach.sqlite"
    assert config["OUTREACH_TIMEZONE"] == "Asia/Jakarta"
    assert config["OUTREACH_SCHEDULER"] == "off"
    assert config["OUTREACH_WORKING_WEEKDAYS"] == (1, 2, 3, 4, 5)
    assert config["OUTREACH_TARGET_PERCENT"] == 98.07
    assert config["BOOTSTRAP_SERVE_LOCAL"] is True


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/outreach")
    monkeypatch.setenv("OUTREACH_TIMEZONE", "Asia/Makassar")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    monkeypatch.setenv("RATELIMIT_KEY_PREFIX", "bengkulu")
    monkeypatch.setenv("OUTREACH_WORKING_WEEKDAYS", "1,2,3,4,5,6")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/outreach"
    assert config["OUTREACH_TIMEZONE"] == "Asia/Makassar"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"
    assert config["RATELIMIT_KEY_PREFIX"] == "bengkulu"
    assert config["OUTREACH_WORKING_WEEKDAYS"] == (1, 2, 3, 4, 5, 6)


@pytest.mark.parametrize("value", ["0,1", "8", "senin", ","])
def test_bad_working_weekdays_are_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("OUTREACH_WORKING_WEEKDAYS", value)
    with pytest.raises(ConfigError, match="OUTREACH_WORKING_WEEKDAYS"):
        load_config(str(tmp_path))


def test_the_wsgi_entry_point_refuses_to_start_without_a_secret_in_one_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "FLASK_DEBUG", "OUTREACH_TESTING"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.sqlite"
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY" in lines[0]


def test_the_default_login_and_session_settings_pass_their_own_checks(monkeypatch, tmp_path):
    for name in (
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS",
        "LOGIN_LIMIT_PER_ACCOUNT",
        "LOGIN_LIMIT_PER_DEVICE",
        "OUTREACH_SESSION_HOURS",
    ):
        monkeypatch.delenv(name, raising=False)
    config = load_config(str(tmp_path))
    assert config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"] == "5 per 15 minutes"
    assert config["LOGIN_LIMIT_PER_ACCOUNT"] == "50 per hour"
    assert config["LOGIN_LIMIT_PER_DEVICE"] == "5 per 15 minutes"
    check_config({**config, "SECRET_KEY": "x" * 32})


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        # One address could fail 5 x 13 = 65 times an hour: a stranger locks the account out.
        ({"LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": "5 per 5 minutes"}, "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"),
        ({"LOGIN_LIMIT_PER_ACCOUNT": "10 per hour"}, "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"),
        ({"LOGIN_LIMIT_PER_ACCOUNT": "lima per jam"}, "LOGIN_LIMIT_PER_ACCOUNT"),
        ({"LOGIN_LIMIT_PER_ADDRESS": "30 every while"}, "LOGIN_LIMIT_PER_ADDRESS"),
        ({"LOGIN_LIMIT_PER_DEVICE": "lima per 15 menit"}, "LOGIN_LIMIT_PER_DEVICE"),
        ({"LOGIN_LIMIT_PER_DEVICE": ""}, "LOGIN_LIMIT_PER_DEVICE"),
        ({"PASSWORD_CHANGE_LIMIT": ""}, "PASSWORD_CHANGE_LIMIT"),
        ({"PERMANENT_SESSION_LIFETIME": 0}, "OUTREACH_SESSION_HOURS"),
        ({"PERMANENT_SESSION_LIFETIME": 3600, "SESSION_IDLE_MINUTES": 61}, "IDLE"),
        ({"SESSION_IDLE_MINUTES": -1}, "IDLE"),
    ],
)
def test_login_limits_and_session_times_that_defeat_their_purpose_are_refused(settings, named):
    config = {
        "DEBUG": True,
        "OUTREACH_SCHEDULER": "off",
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": "5 per 15 minutes",
        "LOGIN_LIMIT_PER_ACCOUNT": "50 per hour",
        **settings,
    }
    with pytest.raises(ConfigError, match=named):
        check_config(config)
