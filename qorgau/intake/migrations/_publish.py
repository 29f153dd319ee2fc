"""Publish the shipped triage rules (`triage_rules.DEFAULT_RULES`) as the next `TriageRuleSet`
version, unless the newest version already is them: for the data migrations that ship new rules.

An installation whose administrator published its own version gets the shipped rules on top of
it, as a new version: the older versions stay in the history, to carry local changes over by hand.
A child's safety cannot wait on a merge of rule sets."""

from qorgau.intake.triage_rules import DEFAULT_RULES


def publish_shipped_rules(apps, note: str) -> None:
    TriageRuleSet = apps.get_model("intake", "TriageRuleSet")
    latest = TriageRuleSet.objects.order_by("-version").first()
    if latest is not None and latest.rules == DEFAULT_RULES:
        return
    TriageRuleSet.objects.create(
        version=(latest.version + 1) if latest else 1, rules=DEFAULT_RULES, note=note
    )
