"""My work's per-slot list, drawn by submissions into recruitment's page (recruitment sits
below submissions and cannot import it; the template asks for the list instead).

    {% load creator_work_tags %}{% slot_work_list participation %}

The first call on a page loads every slot of the creator with its submission (one query) and
keeps them on the request, so the page runs the same number of queries however many
participations it lists."""

from collections import defaultdict
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils import timezone

from creators.models import CreatorProfile
from recruitment.models import Participation
from submissions import selectors
from submissions.creator_work import SlotWork, slot_work

register = template.Library()

_CACHE = "_chorus_slot_work"


def _work_by_participation(request: HttpRequest, creator: CreatorProfile) -> dict[int, list[Any]]:
    cached = getattr(request, _CACHE, None)
    if cached is None:
        today = timezone.localdate()
        cached = defaultdict(list)
        slots = selectors.creator_slots(creator).order_by(
            "participation_id", "deliverable__position", "deliverable_id", "slot_number"
        )
        for slot in slots:
            cached[slot.participation_id].append(
                slot_work(slot, selectors.submission_of(slot), today)
            )
        setattr(request, _CACHE, cached)
    return cached


@register.inclusion_tag("submissions/creator/_slot_work_list.html", takes_context=True)
def slot_work_list(context: template.Context, participation: Participation) -> dict[str, Any]:
    request = context.get("request")
    rows: list[SlotWork] = []
    if request is not None:
        creator = context.get("creator")  # My work has it; else one query for the first call
        if not isinstance(creator, CreatorProfile) or creator.pk != participation.creator_id:
            creator = participation.creator
        rows = _work_by_participation(request, creator)[participation.pk]
    return {
        "rows": rows,
        "participation": participation,
        "done_count": sum(1 for r in rows if r.done),
    }
