"""django-allauth: e-mail login, verification, reset, TOTP two-factor, throttling."""

from config.env import env

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Nobody learns from our pages whether an address has an account (issue #6): password reset
# answers the same for known and unknown addresses, and a sign-up with a taken address gets the
# same "check your e-mail" page while the owner is e-mailed that they already have an account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "web.accounts.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Chorus] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Chorus"

# Creators verify their social accounts by OAuth when app keys are configured (creators/oauth.py);
# without keys the providers stay dormant and the bio-code path is used.
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = True  # later: metric pulls with the creator's own token


def _provider(client_var: str, secret_var: str, **extra: object) -> dict[str, object] | None:
    client_id, secret = env.str(client_var, default=""), env.str(secret_var, default="")
    if not (client_id and secret):
        return None
    return {"APPS": [{"client_id": client_id, "secret": secret, "key": ""}], **extra}


SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {
    name: config
    for name, config in {
        "tiktok": _provider(
            "TIKTOK_CLIENT_KEY",
            "TIKTOK_CLIENT_SECRET",
            SCOPE=["user.info.basic", "user.info.profile", "user.info.stats", "video.list"],
        ),
        "instagram": _provider("INSTAGRAM_APP_ID", "INSTAGRAM_APP_SECRET"),
        "google": _provider(
            "GOOGLE_CLIENT_ID",
            "GOOGLE_CLIENT_SECRET",
            SCOPE=["profile", "email", "https://www.googleapis.com/auth/youtube.readonly"],
        ),
    }.items()
    if config is not None
}
