"""A stand-in SMTP server and mail settings for tests that send mail."""


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what the app asked of the server."""

    sent: list = []
    calls: list = []

    def __init__(self, host, port, timeout):
        self.calls.append(("connect", host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user))

    def send_message(self, message):
        self.sent.append(message)


MAIL_SETTINGS = {
    "MAIL_SERVER": "smtp.bengkulukota.go.id",
    "MAIL_PORT": 587,
    "MAIL_USERNAME": "jemputbola",
    "MAIL_PASSWORD": "rahasia",
    "MAIL_FROM": "Dukcapil Kota Bengkulu <jemputbola@bengkulukota.go.id>",
}
