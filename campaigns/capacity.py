"""How many more creators a campaign can take: the one computation every page and the API use.

Two things limit it: the maximum number of creators, and the uncommitted budget divided by what
one creator costs in fixed fees. Places left is the smaller of the two, and ``limited_by`` says
which. Counting the creators already in needs recruitment (above this app), so
``recruitment.selectors.campaign_capacity`` counts them and builds this; nothing else should.
"""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Capacity:
    max_creators: int
    filled: int
    per_creator_cents: int
    budget_cents: int
    committed_cents: int
    currency: str

    @property
    def remaining_cents(self) -> int:
        return max(self.budget_cents - self.committed_cents, 0)

    @property
    def places_by_maximum(self) -> int:
        return max(self.max_creators - self.filled, 0)

    @property
    def places_by_budget(self) -> int | None:
        """None while no deliverable has a fee (the budget limits nothing yet)."""
        if self.per_creator_cents <= 0:
            return None
        return self.remaining_cents // self.per_creator_cents

    @property
    def places_left(self) -> int:
        by_budget = self.places_by_budget
        if by_budget is None:
            return self.places_by_maximum
        return min(self.places_by_maximum, by_budget)

    @property
    def limited_by(self) -> Literal["maximum", "budget"]:
        by_budget = self.places_by_budget
        if by_budget is not None and by_budget < self.places_by_maximum:
            return "budget"
        return "maximum"

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def percent_committed(self) -> int:
        return (self.committed_cents * 100) // self.budget_cents if self.budget_cents else 0

    @property
    def reason(self) -> str:
        """Why places left is what it is, in a brand's words."""
        if self.limited_by == "budget":
            return "the budget left pays for no more" if self.is_full else "limited by budget"
        return "maximum reached" if self.is_full else f"of {self.max_creators:,} at most"
