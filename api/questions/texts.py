"""Every sentence of the question pages, in Dutch (B1, "je" form) and English; merged over api/pages/texts.py's TEXT
when a question page is rendered (layout, help lines and labels come from there)."""
from __future__ import annotations

from datetime import date

MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def long_date(day: date, language: str) -> str:
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "q_title": "Anoniem een vraag stellen",
        "q_heading": "Stel anoniem een vraag aan een bemiddelaar",
        "q_intro": "Twijfel je, en wil je iets vragen aan een mens? Schrijf hier je vraag. Een medewerker of "
                   "bemiddelaar leest hem en schrijft een antwoord terug.",
        "q_no_details": "Je hoeft niet te zeggen wie je bent. We vragen geen naam, telefoonnummer of e-mailadres. "
                        "Schrijf ook liever geen namen of adressen in je vraag.",
        "q_how": "Na het versturen krijg je een ophaalcode. Met die code lees je later het antwoord. Alleen wie de "
                 "code heeft, en de medewerkers van Perspectief, kunnen je vraag en de antwoorden lezen.",
        "q_privacy": "We bewaren je vraag en de antwoorden versleuteld. We bewaren niets over jou of je apparaat. "
                     "{days} dagen na het laatste bericht wissen we alles.",
        "q_text_label": "Je vraag",
        "q_text_hint": "Hooguit 2000 tekens.",
        "q_submit": "Verstuur mijn vraag",
        "q_have_code": "Heb je al een ophaalcode?",
        "q_fetch_link": "Lees het antwoord",
        "q_error_empty": "Schrijf eerst je vraag.",
        "q_error_too_long": "Je tekst is langer dan 2000 tekens. Maak hem korter.",
        "q_failure": "Je vraag is niet opgeslagen. Probeer het later nog eens, of bel ons.",
        "q_done_title": "Je vraag is verstuurd",
        "q_done_heading": "Dank je. Je vraag is verstuurd.",
        "q_help_first": "Gaat het nu niet goed met je? Wacht dan niet op ons antwoord. Bel meteen:",
        "q_code_label": "Je ophaalcode:",
        "q_code_keep": "Schrijf deze code op en bewaar hem op een veilige plek. We laten hem maar één keer zien. "
                       "Wij kunnen hem niet voor je opzoeken: we bewaren hem zelf niet.",
        "q_code_private": "Wie de code heeft, kan je vraag en de antwoorden lezen. Geef hem aan niemand.",
        "q_code_lost": "Ben je de code kwijt? Dan kun je het antwoord niet meer lezen. Stel je vraag dan gewoon "
                       "opnieuw.",
        "q_done_next": "Kijk over een paar werkdagen of er een antwoord is.",
        "q_fetch_title": "Antwoord lezen",
        "q_fetch_heading": "Lees het antwoord op je vraag",
        "q_fetch_intro": "Vul je ophaalcode in. Hoofdletters, spaties en streepjes maken niet uit.",
        "q_code_input": "Ophaalcode",
        "q_fetch_submit": "Lees",
        "q_unknown": "We vinden geen vraag met deze code. Kijk of je de code goed hebt overgenomen. Een gesprek "
                     "wordt {days} dagen na het laatste bericht gewist. Je kunt altijd een nieuwe vraag stellen.",
        "q_ask_link": "Stel een nieuwe vraag",
        "q_thread_title": "Je vraag en de antwoorden",
        "q_you": "Jij",
        "q_staff": "Bemiddelaar",
        "q_on": "op",
        "q_no_answer": "Er is nog geen antwoord. Kijk later nog eens.",
        "q_replied": "Je bericht is verstuurd.",
        "q_reply_label": "Wil je nog iets schrijven?",
        "q_reply_submit": "Verstuur",
        "q_erase_on": "We wissen dit gesprek op {date}. Dat is {days} dagen na het laatste bericht. Komt er een "
                      "nieuw bericht bij, dan schuift die datum op.",
        "q_register_heading": "Aanmelden?",
        "q_register_text": "Wil je verder met herstelbemiddeling? Dan kun je je aanmelden, wanneer jij wilt. We "
                           "nemen niets uit dit gesprek over. Wil je dat de bemiddelaar iets weet? Schrijf het dan "
                           "zelf bij je aanmelding.",
        "q_register_chat": "Aanmelden via de chat",
        "q_register_form": "Aanmelden met het formulier",
        "q_delete_heading": "Alles wissen",
        "q_delete_text": "Wil je dit gesprek nu wissen? Dan is het meteen weg, ook voor ons. Dat kun je niet "
                         "ongedaan maken.",
        "q_delete_submit": "Wis dit gesprek",
        "q_deleted_title": "Het gesprek is gewist",
        "q_deleted_text": "Je vraag en de antwoorden zijn gewist. Je ophaalcode werkt niet meer.",
        "q_refused_title": "Dit formulier konden we niet lezen",
        "q_refused_text": "Er is niets opgeslagen of gewist. Open de pagina opnieuw en probeer het nog eens.",
        "q_error_other_site": "Je vraag is nog niet verstuurd: het formulier kwam van een andere website. Staat "
                              "hieronder wat je wilt vragen? Verstuur het dan hier.",
        "q_fetch_other_site": "Het formulier kwam van een andere website. Vul je ophaalcode hier in.",
    },
    "en": {
        "q_title": "Ask a question anonymously",
        "q_heading": "Ask a mediator a question, anonymously",
        "q_intro": "In doubt, and want to ask a person something? Write your question here. A staff member or "
                   "mediator reads it and writes back.",
        "q_no_details": "You don't have to say who you are. We don't ask for a name, phone number or e-mail "
                        "address. Please don't write names or addresses in your question either.",
        "q_how": "After sending you get a pick-up code. With that code you read the answer later. Only someone with "
                 "the code, and the staff of Perspectief, can read your question and the answers.",
        "q_privacy": "We keep your question and the answers encrypted. We keep nothing about you or your device. "
                     "{days} days after the last message we erase everything.",
        "q_text_label": "Your question",
        "q_text_hint": "At most 2000 characters.",
        "q_submit": "Send my question",
        "q_have_code": "Do you already have a pick-up code?",
        "q_fetch_link": "Read the answer",
        "q_error_empty": "Please write your question first.",
        "q_error_too_long": "Your text is longer than 2000 characters. Please make it shorter.",
        "q_failure": "Your question was not saved. Please try again later, or call us.",
        "q_done_title": "Your question was sent",
        "q_done_heading": "Thank you. Your question was sent.",
        "q_help_first": "Are you not doing well right now? Don't wait for our answer. Call now:",
        "q_code_label": "Your pick-up code:",
        "q_code_keep": "Write this code down and keep it somewhere safe. We show it only once. We cannot look it "
                       "up for you: we do not keep it ourselves.",
        "q_code_private": "Anyone with the code can read your question and the answers. Give it to nobody.",
        "q_code_lost": "Lost the code? Then you cannot read the answer any more. Just ask your question again.",
        "q_done_next": "Look again in a few working days to see if there is an answer.",
        "q_fetch_title": "Read the answer",
        "q_fetch_heading": "Read the answer to your question",
        "q_fetch_intro": "Enter your pick-up code. Capitals, spaces and hyphens do not matter.",
        "q_code_input": "Pick-up code",
        "q_fetch_submit": "Read",
        "q_unknown": "We find no question with this code. Check that you copied the code correctly. A conversation "
                     "is erased {days} days after the last message. You can always ask a new question.",
        "q_ask_link": "Ask a new question",
        "q_thread_title": "Your question and the answers",
        "q_you": "You",
        "q_staff": "Mediator",
        "q_on": "on",
        "q_no_answer": "There is no answer yet. Please look again later.",
        "q_replied": "Your message was sent.",
        "q_reply_label": "Would you like to write something more?",
        "q_reply_submit": "Send",
        "q_erase_on": "We erase this conversation on {date}. That is {days} days after the last message. A new "
                      "message moves that date.",
        "q_register_heading": "Sign up?",
        "q_register_text": "Want to go on with restorative mediation? You can sign up whenever you like. We copy "
                           "nothing from this conversation. Want the mediator to know something? Then write it in "
                           "your sign-up yourself.",
        "q_register_chat": "Sign up through the chat",
        "q_register_form": "Sign up with the form",
        "q_delete_heading": "Erase everything",
        "q_delete_text": "Do you want to erase this conversation now? Then it is gone at once, for us too. This "
                         "cannot be undone.",
        "q_delete_submit": "Erase this conversation",
        "q_deleted_title": "The conversation was erased",
        "q_deleted_text": "Your question and the answers were erased. Your pick-up code no longer works.",
        "q_refused_title": "We could not read this form",
        "q_refused_text": "Nothing was stored or erased. Open the page again and try once more.",
        "q_error_other_site": "Your question has not been sent yet: the form came from another website. Is what "
                              "you want to ask below? Then send it from here.",
        "q_fetch_other_site": "The form came from another website. Enter your pick-up code here.",
    },
}
