"""Chat relay bodies."""
from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

MAX_MESSAGE_LENGTH = 2000


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: UUID  # the widget's conversation id (it makes a version 4)
    # Something besides white space, as sent; Rasa gets it without the white space around it.
    message: Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE_LENGTH, pattern=r"\S"),
                       AfterValidator(str.strip)]


class BotButton(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    """One message of Rasa's answer (its REST channel's shape, passed on as it is): the widget shows the text and
    the buttons and reads `custom`."""

    recipient_id: str
    text: str | None = None
    buttons: list[BotButton] | None = None
    custom: dict[str, Any] | None = None
    image: str | None = None
