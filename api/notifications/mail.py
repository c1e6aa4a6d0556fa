"""Mails after a registration is stored: one to the desk (a link and the reference code only, never personal
details) and, when the registrant gave an e-mail address and said mail is safe, a short confirmation to them.

Sending runs after the response (a background task): a mail server that is down never fails the hand-off. A
failure is logged with the registration id and the error type only.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from api.core.config import Settings
from api.registrations.models import Registration
from contract import OFFICE_PHONE

log = logging.getLogger("api.notifications")


@dataclass(frozen=True)
class NewRegistration:
    """What the mails need, copied out of the database row so the task does not hold a session."""

    id: int
    reference: str
    email: str | None
    email_ok: str
    language: str

    @classmethod
    def of(cls, registration: Registration) -> NewRegistration:
        return cls(registration.id, registration.reference, registration.email, registration.email_ok,
                   registration.language)


def _to_desk(settings: Settings, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = settings.mail_from, settings.desk_email
    message["Subject"] = subject
    message.set_content(text)
    return message


def desk_message(settings: Settings, new: NewRegistration) -> EmailMessage | None:
    if not settings.desk_email:
        return None
    return _to_desk(
        settings, f"Nieuwe aanmelding {new.reference}",
        f"Er is een nieuwe aanmelding binnengekomen met referentiecode {new.reference}.\n\n"
        f"Bekijk haar in de werkplek (aanmelden nodig):\n{settings.public_url}/staff/aanmeldingen/{new.id}\n")


_CONFIRMATION = {
    "nl": ("Je aanmelding is binnen",
           "Dank je wel voor je aanmelding bij herstelbemiddeling.\n\n"
           "Je referentiecode is {reference}. Noem die code als je contact met ons opneemt.\n\n"
           "Wat gebeurt er nu? Ons aanmeldpunt leest je aanmelding. Daarna neemt een bemiddelaar contact met je "
           "op om een eerste gesprek te plannen. Pas na dat gesprek, en alleen als jij dat wilt, neemt de "
           "bemiddelaar contact op met de ander. Jij bepaalt of en hoe je verder wilt.\n\n"
           f"Wil je iets veranderen of je aanmelding intrekken? Bel ons op werkdagen: {OFFICE_PHONE}. Of mail "
           "naar info@perspectiefherstelbemiddeling.nl. Noem dan je code.\n"),
    "en": ("We received your registration",
           "Thank you for registering for restorative mediation.\n\n"
           "Your reference code is {reference}. Please mention it when you contact us.\n\n"
           "What happens next? Our registration desk reads your registration. Then a mediator contacts you to "
           "plan a first talk. Only after that talk, and only if you want, does the mediator contact the other "
           "person. You decide if and how you want to go on.\n\n"
           f"Want to change or withdraw your registration? Call us on working days: {OFFICE_PHONE}. Or e-mail "
           "info@perspectiefherstelbemiddeling.nl. Please mention your code.\n"),
}


def confirmation_message(settings: Settings, new: NewRegistration) -> EmailMessage | None:
    """Only when the registrant gave an e-mail address and said mail to it is safe."""
    if not (settings.confirmation_mail and new.email and new.email_ok == "yes"):
        return None
    subject, body = _CONFIRMATION.get(new.language, _CONFIRMATION["nl"])
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, new.email, subject
    message.set_content(body.format(reference=new.reference))
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    host = settings.smtp_host or ""  # callers send only when a host is set
    if settings.smtp_ssl:
        return smtplib.SMTP_SSL(host, settings.smtp_port, timeout=settings.smtp_timeout,
                                context=ssl.create_default_context())
    smtp = smtplib.SMTP(host, settings.smtp_port, timeout=settings.smtp_timeout)
    if settings.smtp_starttls:
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def send(settings: Settings, messages: list[EmailMessage]) -> None:
    with _connect(settings) as smtp:
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        for message in messages:
            smtp.send_message(message)


def notify_new_registration(settings: Settings, new: NewRegistration) -> int:
    """Send the mails for a new registration; returns how many were sent (0 on any failure)."""
    messages = [m for m in (desk_message(settings, new), confirmation_message(settings, new)) if m is not None]
    if not messages:
        return 0
    if not settings.smtp_host:
        log.info("no mail sent for registration id=%s: INTAKE_SMTP_HOST is not set", new.id)
        return 0
    try:
        send(settings, messages)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail for registration id=%s not sent: %s", new.id, type(exc).__name__)
        return 0
    log.info("mail sent for registration id=%s messages=%s", new.id, len(messages))
    return len(messages)


def reminder_message(settings: Settings, untouched: int) -> EmailMessage | None:
    """The desk's reminder of registrations still new after two working days: a count and a link, nothing else."""
    if not settings.desk_email or untouched == 0:
        return None
    return _to_desk(
        settings, f"Herinnering: {untouched} aanmelding(en) langer dan twee werkdagen onaangeroerd",
        f"{untouched} nieuwe aanmelding(en) zijn na twee werkdagen nog niet opgepakt.\n\n"
        f"Bekijk ze in de werkplek (aanmelden nodig):\n{settings.public_url}/staff?untouched=1\n")


def send_reminder(settings: Settings, untouched: int) -> bool:
    """Mail the reminder when there is something to remind of; False when nothing was sent."""
    message = reminder_message(settings, untouched)
    if message is None or not settings.smtp_host:
        return False
    try:
        send(settings, [message])
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("reminder mail not sent: %s", type(exc).__name__)
        return False
    log.info("reminder mail sent untouched=%s", untouched)
    return True
