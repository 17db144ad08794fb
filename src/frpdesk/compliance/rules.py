"""The program obligations as named rules (DESIGN.md §2, "Program obligations").

``RULES`` is the catalogue: code, title, severity, what the rule asks. Each rule's evaluation
lives in ``compliance/checks.py``.
"""

from dataclasses import dataclass

from frpdesk.compliance.models import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    description: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "spoc_set",
            "Single point of contact set",
            Severity.CRITICAL,
            "The partner profile names exactly one single point of contact (SPOC).",
        ),
        Rule(
            "workload_status",
            "Workload has an L1/L2/L3 status",
            Severity.MAJOR,
            "Every claimed or referred workload of an open engagement has its L1/L2 status "
            "and L3 detail.",
        ),
        Rule(
            "delivery_activity",
            "Delivery activity in the last 30 days",
            Severity.MAJOR,
            "Every claimed or referred workload of an open engagement shows delivery activity "
            "(a checklist item done or a timeline event) in the last 30 days.",
        ),
        Rule(
            "status_note_fresh",
            "Status note not older than 14 days",
            Severity.MAJOR,
            "Every open engagement has a status note written in the last 14 days.",
        ),
        Rule(
            "survey_contact",
            "Survey-eligible contact",
            Severity.MAJOR,
            "Every customer with an open engagement has a contact who may receive Microsoft's "
            "satisfaction survey.",
        ),
        Rule(
            "referral_response",
            "Referral answered within 2 business days",
            Severity.CRITICAL,
            "Every referral gets its first response by its due date (2 business days).",
        ),
        Rule(
            "referral_acceptance",
            "Referral accepted within 7 days",
            Severity.CRITICAL,
            "Every referral is accepted or declined by its acceptance due date (7 days).",
        ),
        Rule(
            "out_of_scope_covered",
            "Out-of-scope work disclosed and contracted",
            Severity.CRITICAL,
            "A customer request outside the Benefit in delivery (or delivered) has its "
            "disclosure recorded and a signed services contract.",
        ),
        Rule(
            "claim_deadline",
            "Claim not past a deadline",
            Severity.MAJOR,
            "No CPOR claim is past its next deadline.",
        ),
        Rule(
            "au_not_falling",
            "AU% not falling",
            Severity.MINOR,
            "On a claimed workload, AU% has not fallen in two consecutive usage reports.",
        ),
        Rule(
            "nsat",
            "NSAT at least 80",
            Severity.MAJOR,
            "NSAT over the last quarter is at least 80, per customer and overall.",
        ),
    )
}

SEVERITY_WEIGHT = {Severity.CRITICAL: 3, Severity.MAJOR: 2, Severity.MINOR: 1}
