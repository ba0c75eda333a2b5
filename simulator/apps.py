from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    """The customer phone simulator: a page that plays the customer against the SMS sandbox."""

    name = "simulator"
    label = "simulator"
