"""Reads for the agent's pages, fragments and the REST API: each module names what it reads.

Services write, selectors read: views and the API parse the request, call one of these
(or a service), and render. Every read is scoped by workspace, through inbox.access or a
filter on the workspace passed in, and costs a bounded number of queries.
"""
