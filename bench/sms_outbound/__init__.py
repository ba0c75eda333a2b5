"""Outbound SMS benchmark: queued replies through real Celery workers to the sandbox.

run.py orchestrates; fixture.py is the Django side (setup, enqueue, collect); asgi.py
records when the sandbox accepted each send; metrics.py holds the arithmetic.
"""
