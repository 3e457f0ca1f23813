"""Every audit action the code writes has a label, so no history shows a raw key."""

import ast
from pathlib import Path

from outreach.labels import AUDIT_ACTION_LABELS, audit_action_label

SOURCE = Path(__file__).resolve().parents[2] / "outreach"
IMPORT_ACTIONS = ("import", "import_create", "import_update")  # services/importing.finish_import
FEED_OWNERS = ("team", "school")  # services/visits/feeds.renew_feed: <owner>.feed_renew|revoke


def written_actions() -> set[str]:
    """The actions named in the code: ``action="noun.verb"`` anywhere (record_event, save,
    apply_changes, event_row …), and those the imports and feeds build from their noun."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.keyword) or not isinstance(node.value, ast.Constant):
                continue
            value = node.value.value
            if node.arg == "action" and isinstance(value, str) and "." in value:
                found.add(value)
            elif node.arg == "noun" and isinstance(value, str):
                found.update(f"{value}.{action}" for action in IMPORT_ACTIONS)
    found.update(f"{owner}.feed_{verb}" for owner in FEED_OWNERS for verb in ("renew", "revoke"))
    return found


def test_every_written_action_has_a_label():
    actions = written_actions()
    assert len(actions) > 40  # the scan found the code's actions
    assert sorted(actions - AUDIT_ACTION_LABELS.keys()) == []


def test_an_unknown_action_is_never_shown_as_its_key(app):
    with app.test_request_context():
        assert str(audit_action_label("visit.cancel")) == "Kunjungan dibatalkan"
        assert "." not in str(audit_action_label("something.new"))
