"""Who acts in the demo's stories (the coordinator, each team's officer, the demo liaison) and
the invented phone numbers they are reached on."""

from __future__ import annotations

import random
from dataclasses import dataclass

from outreach.models import ConfirmationChannel, User, Visit
from outreach.services.planning.inputs import PlanSettings
from outreach.services.visits.changes import Who


@dataclass(frozen=True)
class People:
    coordinator: User
    officers: dict[int, User]  # team id → its officer
    liaison: User | None  # the demo liaison's account, for their own school
    settings: PlanSettings
    secret: str  # the app's key, to make the liaisons' links

    @property
    def office(self) -> Who:
        """The coordinator, acting for the office (by phone, from the office's pages)."""
        return Who(self.coordinator, ConfirmationChannel.COORDINATOR)

    def officer(self, visit: Visit) -> Who:
        """The officer of the visit's team."""
        return Who(self.officers.get(visit.team_id, self.coordinator))


_MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "895")


def demo_phone(rng: random.Random) -> str:
    """An invented mobile number with a real operator prefix."""
    return f"+62{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**7, 10**8)}"
