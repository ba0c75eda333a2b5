"""The outbox: each queued reply reaches its provider once, at its sender's rate, and
ends in a state an agent can read.

Two paths keep the same promises. `drain` sends first attempts in batches; `deliver`
sends one message (retries, channels with a fallback, the sweep's re-requests). Both
take rows from `queued` under a row lock (`claim`), call the adapter (`send`) and hand
every answer to one `settle`; `sweep` recovers what a lost task or a dead worker left.
`enqueue` is how the rest of the domain asks for a delivery.
"""
