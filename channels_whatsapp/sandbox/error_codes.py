"""The titles Meta's "Error codes" page gives the codes the sandbox answers or reports."""

ERROR_TITLES = {
    100: "Invalid parameter",
    131000: "Something went wrong",
    131009: "Parameter value is not valid",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131051: "Unsupported message type",
    130429: "Rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    190: "Invalid OAuth access token",
}
