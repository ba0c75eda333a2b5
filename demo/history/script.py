"""What the demo's two weeks of history say and when: customers, topics, hours, outcomes.

Data only, so a changed line of dialogue is a one-place edit and the builder stays logic.
"""

from __future__ import annotations

DAYS = 14
SEED = 20240614
# The first history contact's number; its presence means the history was written.
FIRST_PHONE = "+14155553000"

FIRST_NAMES = (
    "Olivia Liam Emma Noah Ava Lucas Mia Ethan Sofia Mateo Isla Leo Zoe Omar Priya Kenji"
).split()
LAST_NAMES = "Nguyen Smith Rossi Kowalski Haddad Johansson Mensah Silva Tanaka Murphy".split()

# Customer messages by local hour (07..21): a morning and an after-lunch peak.
HOUR_WEIGHTS = dict(zip(range(7, 22), (1, 3, 6, 8, 7, 5, 6, 7, 6, 5, 3, 2, 2, 1, 1), strict=True))

# (label, first message, first reply, follow-up, second reply); {first}/{order} filled in.
SMS_TOPICS = (
    (
        "Delivery",
        "Hi, where is my order #{order}?",
        "Hi {first}, it left our shop this morning and should arrive by 5pm today.",
        "Great, thanks!",
        "You're welcome - enjoy the flowers!",
    ),
    (
        "Delivery",
        "Can I change the delivery address for order #{order}?",
        "Of course - what's the new address?",
        "12 Pine St, Apt 4",
        "Done! The courier has the new address.",
    ),
    (
        None,
        "Do you deliver on Sundays?",
        "We deliver Monday to Saturday; Sunday orders go out first thing Monday.",
        None,
        None,
    ),
    (
        "Feedback",
        "The tulips arrived a bit wilted :(",
        "I'm so sorry, {first}! We'll send a fresh bunch tomorrow at no cost.",
        "Thank you, that's kind",
        "Our pleasure. Sorry again!",
    ),
    (
        None,
        "Can I add a card message to my order?",
        "Sure, what would you like it to say?",
        "Happy birthday Mum, love J",
        "Added - it'll be in the box.",
    ),
    (
        None,
        "How much are 12 red roses?",
        "A dozen red roses is $49, delivered free in the city.",
        "Perfect, I'll order online",
        None,
    ),
    (
        "Billing",
        "I think I was charged twice for order #{order}",
        "Sorry about that - I've refunded the duplicate charge; it shows in 3-5 days.",
        "Thanks!",
        None,
    ),
    (
        "Urgent",
        "Order #{order} is for a funeral tomorrow morning and still hasn't shipped!",
        "I'm very sorry, {first}. It's on our first van at 7am and will be there by 9.",
        "Thank you.",
        "We'll text you as soon as it's delivered.",
    ),
)

# (label, first message, reply content kind, reply text / card, chips, second reply)
RCS_TOPICS = (
    (
        "Delivery",
        "Hi! When will order #{order} arrive?",
        "text",
        "It's out for delivery and should be with you by 5pm. Want a text when it's close?",
        ("Yes, please", "No, thanks"),
        "Done, {first}! We'll let you know when the courier is nearby.",
    ),
    (
        None,
        "Do you have anything for an anniversary?",
        "card",
        ("Anniversary roses", "12 red roses with eucalyptus, $49. Free delivery in the city."),
        ("Order now", "See more options"),
        "Lovely choice! I've reserved a bouquet for you: https://example.com/pay",
    ),
    (
        "Billing",
        "I was charged twice for my last order",
        "text",
        "Sorry about that, {first}. Shall I refund the duplicate charge?",
        ("Refund to card", "Store credit"),
        "All set - you'll see it within 3-5 business days.",
    ),
)

FAILURE = ("30003", "Unreachable destination handset")
FALLBACK_REASON = "recipient is not reachable over RCS"
