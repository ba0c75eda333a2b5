"""The Business Communications API's shapes for RBM (brands, brands.agents, verification,
launch): enum values and request bodies built from a brand profile. Field names and enum
values follow Google's REST reference (business-communications/rest/v1: brands.agents,
AgentVerification, AgentLaunch); docs/channels/rcs.md, "Brand registration", says which
fact comes from where.
"""

from __future__ import annotations

# RcsBusinessMessagingAgentBillingConfig.billingCategory. Google folded BASIC_MESSAGE and
# SINGLE_MESSAGE into NON_CONVERSATIONAL (management-api/agents guide); both stay offered
# for partners whose agents still carry them.
BILLING_CATEGORIES = ("CONVERSATIONAL", "NON_CONVERSATIONAL", "BASIC_MESSAGE", "SINGLE_MESSAGE")
# RcsBusinessMessagingAgent.agentUseCase
USE_CASES = ("TRANSACTIONAL", "PROMOTIONAL", "OTP", "MULTI_USE")
# RcsBusinessMessagingAgent.hostingRegion (set at creation only)
HOSTING_REGIONS = ("NORTH_AMERICA", "EUROPE", "ASIA_PACIFIC")

# AgentVerification.verificationState
VERIFICATION_UNVERIFIED = "VERIFICATION_STATE_UNVERIFIED"
VERIFICATION_PENDING = "VERIFICATION_STATE_PENDING"
VERIFICATION_VERIFIED = "VERIFICATION_STATE_VERIFIED"
VERIFICATION_SUSPENDED = "VERIFICATION_STATE_SUSPENDED_IN_GMB"

# RcsBusinessMessagingRegionLaunch.launchState
LAUNCH_UNLAUNCHED = "LAUNCH_STATE_UNLAUNCHED"
LAUNCH_PENDING = "LAUNCH_STATE_PENDING"
LAUNCH_LAUNCHED = "LAUNCH_STATE_LAUNCHED"
LAUNCH_REJECTED = "LAUNCH_STATE_REJECTED"
LAUNCH_SUSPENDED = "LAUNCH_STATE_SUSPENDED"
LAUNCH_PENDING_UNLAUNCH = "LAUNCH_STATE_PENDING_UNLAUNCH"

# Fields of rcsBusinessMessagingAgent an update sends (hostingRegion cannot change, and
# billing and use case are chosen once, at creation).
AGENT_UPDATE_MASK = ",".join(
    [
        "displayName",
        *(
            f"rcsBusinessMessagingAgent.{f}"
            for f in (
                "description",
                "logoUri",
                "heroUri",
                "phoneNumbers",
                "emails",
                "websites",
                "privacy",
                "termsConditions",
                "color",
            )
        ),
    ]
)


def agent_body(
    profile_fields: dict, *, billing_category: str, use_case: str, hosting_region: str
) -> dict:
    """brands.agents.create's Agent: the profile's displayName and rcsBusinessMessagingAgent
    (brand.services.rbm_agent_fields) plus what is chosen once at creation."""
    rbm = {
        **profile_fields["rcsBusinessMessagingAgent"],
        "billingConfig": {"billingCategory": billing_category},
        "agentUseCase": use_case,
        "hostingRegion": hosting_region,
    }
    return {"displayName": profile_fields["displayName"], "rcsBusinessMessagingAgent": rbm}


def verification_body(contact: dict) -> dict:
    """brands.agents.requestVerification: {agentVerificationContact}."""
    return {
        "agentVerificationContact": {
            "partnerName": contact["partner_name"],
            "partnerEmailAddress": contact["partner_email"],
            "brandContactName": contact["brand_contact_name"],
            "brandContactTitle": contact["brand_contact_title"],
            "brandContactEmailAddress": contact["brand_contact_email"],
            "brandWebsiteUrl": contact["brand_website"],
        }
    }


def launch_body(agent_name: str, regions: list[str], questionnaire: dict) -> dict:
    """brands.agents.requestLaunch: {agentLaunch}. launchDetails is a map keyed by region
    name holding empty objects for the regions asked for (AgentLaunch reference: "a map of
    only keys"); already launched regions must be listed again, so callers pass them too."""
    return {
        "agentLaunch": {
            "name": f"{agent_name}/launch",
            "rcsBusinessMessaging": {
                "questionnaire": {
                    "contacts": [
                        {
                            "name": questionnaire["contact_name"],
                            "title": questionnaire["contact_title"],
                            "email": questionnaire["contact_email"],
                        }
                    ],
                    "optinDescription": questionnaire.get("optin_description", ""),
                    "triggerDescription": questionnaire["trigger_description"],
                    "interactionsDescription": questionnaire["interactions_description"],
                    "optoutDescription": questionnaire["optout_description"],
                    "agentAccessInstructions": questionnaire["agent_access_instructions"],
                },
                "launchDetails": {region: {} for region in regions},
            },
        }
    }


def launch_states(launch: dict) -> dict[str, dict]:
    """{region: {"state", "comment", "update_time"}} from an AgentLaunch."""
    details = (launch.get("rcsBusinessMessaging") or {}).get("launchDetails") or {}
    out = {}
    for region, detail in details.items():
        detail = detail if isinstance(detail, dict) else {}
        out[str(region)] = {
            "state": str(detail.get("launchState") or LAUNCH_UNLAUNCHED),
            "comment": str(detail.get("comment") or "")[:500],
            "update_time": str(detail.get("updateTime") or ""),
        }
    return out
