"""Chat relay bodies."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import UUID4, AfterValidator, BaseModel, ConfigDict, StringConstraints, WithJsonSchema

MAX_MESSAGE_LENGTH = 2000
# The widget's conversation id: a random UUID (version 4), in the description as a uuid of that version.
V4 = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
Sender = Annotated[UUID4, WithJsonSchema({"type": "string", "format": "uuid", "pattern": V4})]


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: Sender
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
