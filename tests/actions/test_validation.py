"""Validation per slot, as Rasa calls it: validate_<form>.run with the candidate answers."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import ValidateCallbackForm
from actions.intake import ValidateIntakeForm
from actions.referral import ValidateReferralForm
from tests.actions.helpers import ANSWERED, make_tracker, responses

pytestmark = pytest.mark.asyncio


async def run(form, domain, slots=None, requested=None, **candidates):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots, form=form.form_name(), requested=requested, candidates=candidates)
    events = await form.run(dispatcher, tracker, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, responses(dispatcher)


@pytest.mark.parametrize("slot, typed, expected", [
    ("role", "affected", "affected"),                         # button payload value
    ("role", "Het overkwam mij", "affected"),                 # the button's own words typed
    ("role", "ik ben getuige", "witness"),
    ("setting", "mijn baas", "work"),
    ("setting", "in de trein naar huis", "public_transport"),
    ("event_kind", "een aanrijding met de auto", "traffic"),
    ("call_time", "liefst in de middag", "afternoon"),
    ("call_time", "Geen voorkeur", "any"),
    ("region", "ik woon in Eindhoven", "noord-brabant"),
    ("region", "Zuid-Holland", "zuid-holland"),
    ("event_kind", "weet ik niet", "unknown"),
    ("voicemail_ok", "liever niet", "no"),
    ("role", "unknown", "unknown"),                           # "Sla over" / "Weet ik niet" buttons
])
async def test_closed_answers_map_to_record_values(domain, slot, typed, expected):
    # Where it happened is asked only after sexually boundary-crossing behaviour.
    known = {"phone": "+31612345678"} | ({"event_kind": "sexual_boundary"} if slot == "setting" else {})
    slots, said = await run(ValidateIntakeForm(), domain, known, slot, **{slot: typed})
    assert slots[slot] == expected
    assert slots["invalid_answers"] == 0
    assert said == []


async def test_evening_is_not_offered_so_not_taken_as_a_call_time(domain):
    """Nobody calls in the evening (the office works on working days): "'s avonds" is asked again, not stored."""
    slots, said = await run(ValidateIntakeForm(), domain, {"phone": "+31612345678"}, "call_time",
                            call_time="'s avonds")
    assert slots["call_time"] is None and said == ["utter_invalid_choice"]


async def test_unclear_answer_is_asked_again_then_a_way_out_is_offered(domain):
    form = ValidateIntakeForm()
    slots, said = await run(form, domain, {"event_kind": "sexual_boundary"}, "setting", setting="blauw")
    assert slots["setting"] is None and slots["invalid_answers"] == 1
    assert said == ["utter_invalid_choice"]
    assert slots["requested_slot"] == "role"  # the first open question; in a real form the earlier ones are set

    slots, said = await run(form, domain, {"event_kind": "sexual_boundary", "invalid_answers": 1}, "setting",
                            setting="groen")
    assert slots["invalid_answers"] == 2
    assert said == ["utter_invalid_choice", "utter_offer_skip"]


async def test_invalid_phone_twice_offers_skip_in_intake_but_not_in_callback(domain):
    slots, said = await run(ValidateIntakeForm(), domain, {"invalid_answers": 1}, "phone", phone="12345")
    assert slots["phone"] is None and said == ["utter_invalid_phone", "utter_offer_skip"]

    slots, said = await run(ValidateCallbackForm(), domain, {"invalid_answers": 1}, "phone", phone="12345")
    assert slots["phone"] is None and said == ["utter_invalid_phone", "utter_offer_way_out"]


async def test_callback_needs_a_phone_number(domain):
    slots, said = await run(ValidateCallbackForm(), domain, {}, "phone", phone="unknown")
    assert slots["phone"] is None
    assert said == ["utter_phone_needed"]


async def test_intake_needs_phone_or_email(domain):
    form = ValidateIntakeForm()
    slots, _ = await run(form, domain, {}, "phone", phone="unknown")
    assert slots["phone"] == "unknown" and slots["requested_slot"] == "role"

    # No number and no address: the number is asked again.
    slots, said = await run(form, domain, {"phone": "unknown"}, "email", email="unknown")
    assert slots["email"] is None and slots["phone"] is None
    assert said == ["utter_contact_needed"]


async def test_contact_follow_ups_only_for_the_channel_given(domain):
    form = ValidateIntakeForm()
    only_mail = make_tracker({"phone": "unknown", "email": "a@example.org"})
    assert "voicemail_ok" not in form.fields(only_mail) and "call_time" not in form.fields(only_mail)
    assert {"email", "email_ok"} <= set(form.fields(only_mail))
    only_phone = make_tracker({"phone": "+31612345678", "email": "unknown"})
    assert {"voicemail_ok", "call_time"} <= set(form.fields(only_phone))
    assert "email" not in form.fields(only_phone) and "email_ok" not in form.fields(only_phone)


async def test_a_phone_number_means_no_email_question(domain):
    slots, _ = await run(ValidateIntakeForm(), domain, {"role": "affected", "event_kind": "violence",
                                                         "description": "unknown", "name": "Sam"},
                         "phone", phone="06 12345678")
    assert slots["phone"] == "+31612345678" and slots["requested_slot"] == "voicemail_ok"
    # Without a number (the "by e-mail instead" button) the address is asked.
    slots, _ = await run(ValidateIntakeForm(), domain, {"role": "affected", "event_kind": "violence",
                                                         "description": "unknown", "name": "Sam"},
                         "phone", phone="unknown")
    assert slots["requested_slot"] == "email"


@pytest.mark.parametrize("event_kind, asks_setting", [("sexual_boundary", True), ("violence", False),
                                                      ("traffic", False), ("unknown", False)])
async def test_where_it_happened_only_for_sexually_boundary_crossing_behaviour(domain, event_kind, asks_setting):
    slots, _ = await run(ValidateIntakeForm(), domain, {"role": "affected"}, "event_kind", event_kind=event_kind)
    assert slots["requested_slot"] == ("setting" if asks_setting else "description")


async def test_the_intake_leaves_the_rest_to_the_intake_talk(domain):
    asked = ValidateIntakeForm().fields(make_tracker({**ANSWERED, "event_kind": "sexual_boundary"}))
    assert asked == ["role", "event_kind", "setting", "description", "name", "phone", "voicemail_ok", "call_time",
                     "region"]
    assert ValidateCallbackForm().fields(make_tracker(ANSWERED)) == ["phone", "voicemail_ok", "call_time"]


async def test_description_is_optional_and_limited(domain):
    form = ValidateIntakeForm()
    slots, _ = await run(form, domain, {}, "description", description="Het gebeurde na de training.")
    assert slots["description"] == "Het gebeurde na de training."
    slots, said = await run(form, domain, {}, "description", description="x" * 1001)
    assert slots["description"] is None and said == ["utter_too_long_description"]
    slots, _ = await run(form, domain, {}, "description", description="unknown")
    assert slots["description"] == "unknown"


async def test_name_may_be_declined(domain):
    slots, _ = await run(ValidateIntakeForm(), domain, {}, "name", name="liever niet")
    assert slots["name"] == "unknown"
    slots, _ = await run(ValidateIntakeForm(), domain, {}, "name", name="Sam")
    assert slots["name"] == "Sam"


async def test_referral_asks_the_client_consent_first_and_not_yet_ends_it(domain):
    slots, said = await run(ValidateReferralForm(), domain, {}, "client_consent", client_consent="yes")
    assert slots["client_consent"] == "yes" and slots["requested_slot"] == "referrer_organisation"
    slots, said = await run(ValidateReferralForm(), domain, {}, "client_consent", client_consent="nee, nog niet")
    assert slots["client_consent"] == "no" and slots["requested_slot"] is None and said == []
    slots, said = await run(ValidateReferralForm(), domain, {}, "client_consent", client_consent="unknown")
    assert slots["client_consent"] is None and said == ["utter_client_consent_needed"]


async def test_referrer_must_give_organisation(domain):
    slots, said = await run(ValidateReferralForm(), domain, {}, "referrer_organisation", referrer_organisation="nee")
    assert slots["referrer_organisation"] is None and said == ["utter_answer_needed"]


async def test_summary_then_change_one_answer_then_consent(domain):
    form = ValidateIntakeForm()
    slots, _ = await run(form, domain, ANSWERED, "region", region="utrecht")
    assert slots["requested_slot"] == "summary_ok"

    slots, _ = await run(form, domain, ANSWERED, "summary_ok", summary_ok="change")
    assert slots["requested_slot"] == "change_field"

    # Changing the phone number forgets the number and what depended on it; only that is asked again.
    slots, _ = await run(form, domain, {**ANSWERED, "summary_ok": "change"}, "change_field", change_field="phone")
    assert slots["phone"] is None and slots["voicemail_ok"] is None and slots["call_time"] is None
    assert slots["summary_ok"] is None and slots["requested_slot"] == "phone"
    assert slots.get("setting", "kept") == "kept"

    # Changing what happened forgets where it happened, which is asked again only if it still applies.
    slots, _ = await run(form, domain, {**ANSWERED, "summary_ok": "change"}, "change_field",
                         change_field="event_kind")
    assert slots["event_kind"] is None and slots["setting"] is None and slots["requested_slot"] == "event_kind"

    slots, _ = await run(form, domain, ANSWERED, "summary_ok", summary_ok="yes")
    assert slots["requested_slot"] == "consent"
    slots, _ = await run(form, domain, {**ANSWERED, "summary_ok": "yes"}, "consent", consent="no")
    assert slots["consent"] == "no" and slots["requested_slot"] is None


@pytest.mark.parametrize("slot, value, typed, confidence, accepted", [
    ("consent", "yes", "/affirm", 1.0, True),            # the button
    ("consent", "yes", "ja", 0.5, True),                 # a word of the list, however the model scored it
    ("consent", "yes", "ja hoor, prima", 0.97, True),    # typed, and the model is sure
    ("consent", "yes", "kjhkjh", 0.63, False),           # keyboard mash the model called affirm
    ("consent", "no", "sdfsdf", 0.55, False),            # "no" would wipe every answer
    ("summary_ok", "yes", "asdf", 0.62, False),
    ("summary_ok", "yes", "klopt helemaal", 0.95, True),
])
async def test_consent_and_summary_must_be_meant(domain, slot, value, typed, confidence, accepted):
    slots = {**ANSWERED, "summary_ok": "yes"} if slot == "consent" else ANSWERED
    tracker = make_tracker(slots, form="intake_form", requested=slot, candidates={slot: value}, text=typed,
                           intent=("affirm" if value == "yes" else "deny", confidence))
    dispatcher = CollectingDispatcher()
    events = await ValidateIntakeForm().run(dispatcher, tracker, domain)
    set_to = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert (set_to[slot] is not None) is accepted
    assert (responses(dispatcher) == ["utter_invalid_choice"]) is not accepted


async def test_change_field_must_be_a_question_that_was_asked(domain):
    slots, said = await run(ValidateCallbackForm(), domain, {"summary_ok": "change"}, "change_field",
                            change_field="name")
    assert slots["change_field"] is None and said == ["utter_invalid_choice"]
