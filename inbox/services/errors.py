class SendRejected(Exception):
    """A send refused before anything was queued; `errors` name the field and the rule."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors
