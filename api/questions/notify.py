"""The desk hears of a new question by mail: a link to the workspace's question inbox, nothing else."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from api.core.config import Settings
from api.notifications import mail

log = logging.getLogger("api.questions")


def desk_message(settings: Settings) -> EmailMessage | None:
    if not settings.desk_email:
        return None
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, settings.desk_email, "Nieuwe vraag"
    message.set_content("Er is een nieuwe anonieme vraag binnengekomen.\n\n"
                        f"Bekijk haar in de werkplek (aanmelden nodig):\n{settings.public_url}/staff/vragen\n")
    return message


def new_question(settings: Settings, thread_id: int) -> bool:
    message = desk_message(settings)
    if message is None or not settings.smtp_host:
        return False
    try:
        mail.send(settings, [message])
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail for question thread id=%s not sent: %s", thread_id, type(exc).__name__)
        return False
    log.info("mail sent for question thread id=%s", thread_id)
    return True
