"""A faithful local fake of the RBM API, served under /sandbox/rbm/ by the same server."""
