"""The chat's counters: every metric and key the Rasa process may count (bot/chat_counters.py), with the Dutch
labels of the Cijfers page. Closed lists: the backend stores nothing else (no text, no id, no entity value).

Plain data without imports, so the bot's tests can check the bot's names against it."""
from __future__ import annotations

FAQ_TOPICS = (
    ("what_is", "Wat is herstelbemiddeling?"), ("cost", "Wat kost het?"), ("confidential", "Is het vertrouwelijk?"),
    ("voluntary", "Is het vrijwillig?"), ("neutral", "Is de bemiddelaar neutraal?"),
    ("any_time", "Kan het op elk moment?"), ("during_procedure", "Kan het tijdens een strafzaak?"),
    ("police_report", "Is aangifte nodig?"), ("not_punishable", "Als het niet strafbaar is"),
    ("contact_forms", "Vormen van contact"), ("must_meet", "Moet ik de ander ontmoeten?"),
    ("who_can_join", "Wie kan meedoen?"), ("for_causer", "Voor wie iets deed"),
    ("after_register", "Wat gebeurt er na aanmelden?"), ("approach_other", "Hoe wordt de ander benaderd?"),
    ("other_says_no", "Als de ander nee zegt"), ("duration", "Hoe lang duurt het?"),
    ("bring_someone", "Iemand meenemen"), ("language_help", "Hulp bij taal"), ("privacy", "Privacy"),
    ("anonymous", "Anoniem blijven"), ("contact_details", "Contactgegevens"), ("on_behalf", "Aanmelden voor een ander"),
    ("vs_complaint", "Verschil met een klacht"), ("vs_police_report", "Verschil met aangifte"),
    ("vs_therapy", "Verschil met therapie"), ("success", "Hoe vaak lukt het?"),
    ("contact_office", "Contact met het bureau"),
    ("foundation", "Over de stichting"), ("mediator", "Wie is de bemiddelaar?"),
    ("which_events", "Voor welke gebeurtenissen?"), ("preparation", "Voorbereiding"),
    ("for_organisations", "Voor organisaties"), ("other_is_family", "De ander is familie"),
    ("minor", "Minderjarigen"), ("used_against_me", "Kan het tegen mij worden gebruikt?"),
    ("report_after", "Later nog aangifte doen"), ("affects_sentence", "Invloed op de straf"),
    ("mediator_training", "Opleiding van bemiddelaars"), ("travel_costs", "Reiskosten"),
    ("video_call", "Videobellen"), ("meeting_place", "Waar is het gesprek?"), ("withdraw", "Stoppen of terugtrekken"),
    ("got_letter", "Ik kreeg een brief"), ("other_died", "De ander is overleden"),
    ("other_abroad", "De ander woont in het buitenland"), ("fear_revenge", "Angst voor wraak"),
    ("other_unknown", "De ander is onbekend"), ("compensation", "Schadevergoeding"), ("memory", "Herinneringen"),
    ("other_denies", "De ander ontkent"), ("several_people", "Meer mensen betrokken"),
    ("waiting_time", "Wachttijd"), ("who_attends", "Wie is erbij?"), ("records", "Wat wordt er vastgelegd?"),
)

STAGES = (("started", "Begonnen"), ("summary", "Samenvatting goedgekeurd"), ("sent", "Verstuurd"))

# metric -> ((key, label), ...)
METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    "conversations": (("nl", "Nederlands"), ("en", "Engels")),
    "faq": FAQ_TOPICS,
    "explore": (("started", "Begonnen"), ("result", "Uitkomst gegeven")),
    "intake": STAGES,
    "referral": STAGES,
    "callback": STAGES,
    "crisis": (("suicide", "Zelfdoding"), ("danger", "Direct gevaar"), ("sexual_violence", "Seksueel geweld"),
               ("domestic_violence", "Huiselijk geweld"), ("general", "Crisis, algemeen"),
               ("emergency", "112 erbij gegeven"), ("check", "Eerst gevraagd of het nu gebeurt")),
    "not_understood": (("first", "Niet begrepen (wat de chat wel kan)"),
                       ("again", "Opnieuw niet begrepen (telefoonnummer gegeven)")),
}
