"""RCS brand profiles: the identity an RCS agent shows on the customer's phone."""
