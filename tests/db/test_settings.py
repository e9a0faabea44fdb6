"""Configuration from the environment, with documented defaults."""

from bot.settings import DEFAULT_DB_URL, REPO_ROOT, load_settings


def test_by_default_the_claims_database_is_a_sqlite_file_under_var():
    settings = load_settings({})
    assert settings.claims_db_url == DEFAULT_DB_URL == f"sqlite:///{REPO_ROOT}/var/claims.db"
    assert settings.timezone_name == "Asia/Shanghai"


def test_the_environment_chooses_the_database_and_the_time_zone():
    settings = load_settings(
        {"CLAIMS_DB_URL": "postgresql+psycopg2://u:p@h/db", "BOT_TIMEZONE": "Asia/Urumqi"}
    )
    assert settings.claims_db_url == "postgresql+psycopg2://u:p@h/db"
    assert str(settings.timezone) == "Asia/Urumqi"


def test_console_cookies_are_secure_everywhere_only_when_the_environment_says_so():
    assert not load_settings({}).console_secure_cookies
    assert not load_settings({"CONSOLE_SECURE_COOKIES": "0"}).console_secure_cookies
    assert load_settings({"CONSOLE_SECURE_COOKIES": "1"}).console_secure_cookies
