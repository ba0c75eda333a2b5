"""What the benchmark data looks like: names, words, thread lengths, status mix.

Shaped like support traffic where it matters to the reads being measured: search terms
from very common to rare, one very long thread, a long tail of thread lengths.
"""

from __future__ import annotations

import random

from inbox.models import ConversationStatus

STATUS_WEIGHTS = (
    (ConversationStatus.OPEN, 35),
    (ConversationStatus.PENDING, 10),
    (ConversationStatus.SNOOZED, 5),
    (ConversationStatus.RESOLVED, 50),
)
FIRST_NAMES = (
    "Ana Ben Chen Dara Eli Fatima Gus Hana Ivan Jia Kofi Lena Mateo Nia Omar Priya Quinn "
    "Rosa Sami Tomas Uma Vik Wen Xavi Yara Zoe Aiko Bruno Carla Dmitri Esra Farid Greta"
).split()
LAST_NAMES = (
    "Garcia Okafor Wei Moreno Smith Khan Novak Rossi Silva Tanaka Dubois Jensen Kowalski "
    "Haddad Nguyen Ortiz Petrov Quispe Reyes Schmidt Tran Usman Varga Weber Yilmaz Zhou"
).split()
COMMON_WORDS = (
    "hi hello thanks order delivery refund parcel address payment card invoice account "
    "password tomorrow today yesterday please help where when can you my the is it was "
    "arrive arrived late missing broken wrong size return exchange tracking number store "
    "open closed sunday monday price discount coupon subscription cancel update change "
    "phone email receipt shipping courier box damaged replacement color available stock"
).split()
SYLLABLES = (
    "ka lo mi ne ru sa ti vo be da fe gi ho ju ke li mo nu pa qui re so tu va we xi yo za"
).split()


def vocabulary(rng: random.Random, size: int) -> tuple[list[str], list[float]]:
    """Common support words plus a long tail of made-up words, Zipf-weighted, so a
    search benchmark can pick terms from very common to rare."""
    words = list(COMMON_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return words, weights


def thread_lengths(rng: random.Random, conversations: int, messages: int) -> list[int]:
    """At least one message per conversation (the caller checked there are enough), the
    rest spread with a long tail; the first conversation gets a long thread (a few
    thousand messages) for thread pagination."""
    lengths = [1] * conversations
    extra = messages - conversations
    long_thread = min(extra, 5000 if conversations > 1 else extra)
    lengths[0] += long_thread
    extra -= long_thread
    if conversations > 1 and extra:
        weights = [rng.paretovariate(1.5) for _ in range(conversations - 1)]
        total = sum(weights)
        given = 0
        for i, w in enumerate(weights, start=1):
            n = int(extra * w / total)
            lengths[i] += n
            given += n
        for i in rng.sample(range(1, conversations), min(extra - given, conversations - 1)):
            lengths[i] += 1
        given += min(extra - given, conversations - 1)
        lengths[1] += extra - given
    return lengths
