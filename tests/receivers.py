"""The local alert receivers now live in the package (the alerts demo uses them too)."""

from regwatch.fakes.receivers import Call, SmtpReceiver, WebhookReceiver, mail_text, wait_for  # noqa: F401
