"""The brand's review desk (desktop): the review queue across campaigns with single decisions
over htmx and bulk approval, one submission's page with its whole history, and the content
library of approved assets. Thin: parse, call a selector or a service, render."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from campaigns.selectors import campaigns_for_org
from core.errors import ChorusError, NotFound
from organizations.access import OrgAccess
from organizations.roles import Scope
from organizations.selectors import brands_for_org
from organizations.tenancy import org_view
from submissions import selectors, services
from submissions.brand_forms import (
    PLATFORM_FILTERS,
    STAGE_FILTERS,
    BulkApproveForm,
    DecisionForm,
    library_filters,
    queue_filters,
)
from submissions.brand_items import ReviewItem, library_asset, media_of, review_item
from submissions.models import Submission

QUEUE_PAGE_SIZE = 20
LIBRARY_PAGE_SIZE = 24
_DONE = {"approve": "approved", "request_changes": "sent back for changes", "reject": "rejected"}


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _filter_choices(access: OrgAccess) -> dict[str, Any]:
    """The filter bar's options: campaigns and brands this member may see (two queries)."""
    return {
        "filter_campaigns": list(
            campaigns_for_org(access).prefetch_related(None).values_list("public_id", "name")
        ),
        "filter_brands": []
        if access.is_brand_limited
        else list(brands_for_org(access).values_list("public_id", "name")),
        "filter_platforms": PLATFORM_FILTERS,
    }


def _query_without(filters: dict[str, str], *drop: str) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in filters.items() if v and k not in drop})


# -- the review queue -------------------------------------------------------------------------


def _queue_page(
    access: OrgAccess, filters: dict[str, str], number: str | None
) -> tuple[Page, list[Submission]]:
    """One page of the queue in two steps: the page's ids (sorted over the submissions table
    alone, on its queue index), then those rows with everything a card shows. Joining first and
    sorting after would join every waiting submission to pick twenty (see bench/)."""
    queue = selectors.review_queue(access, filters)
    ids = queue.select_related(None).values_list("pk", flat=True)
    page = Paginator(ids, QUEUE_PAGE_SIZE).get_page(number)
    pks = list(page.object_list)
    rows = {s.pk: s for s in queue.order_by().filter(pk__in=pks)} if pks else {}
    return page, [rows[pk] for pk in pks if pk in rows]


@org_view(Scope.SUBMISSIONS_READ)
def queue(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """What waits for a decision across every campaign, oldest first."""
    filters = queue_filters(request.GET)
    page, submissions = _queue_page(access, filters, request.GET.get("page"))
    today = timezone.localdate()
    may_review = access.has(Scope.SUBMISSIONS_REVIEW)
    items = [review_item(s, today=today, may_review=may_review) for s in submissions]
    # The creator filter is set by following a creator's name; its chip names them.
    creator_name = ""
    if filters["creator"]:
        creator_name = next((i.submission.creator.display_name for i in items), filters["creator"])
    context = {
        "page": page,
        "items": items,
        "filters": filters,
        "creator_name": creator_name,
        "stage_filters": STAGE_FILTERS,
        "may_review": may_review,
        "any_decidable": any(i.can_decide for i in items),
        "query": _query_without(filters),
        "query_without_creator": _query_without(filters, "creator"),
        **_filter_choices(access),
    }
    return render(request, "submissions/brand/queue.html", context)


@require_POST
@org_view(Scope.SUBMISSIONS_REVIEW)
@_not_found_as_404
def decide(request: HttpRequest, access: OrgAccess, submission_id: str) -> HttpResponse:
    """Approve, request changes (feedback required) or reject (reason required)."""
    submission = selectors.submission_get_for_access(access, submission_id)
    form = DecisionForm(request.POST)
    error = notice = ""
    field_error = False
    if not form.is_valid():
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        field_error = "feedback" in form.errors
    else:
        decision = form.cleaned_data["decision"]
        what = "live post" if submission.stage == Submission.Stage.POST_REVIEW else "draft"
        try:
            services.submission_decide(
                access=access,
                submission=submission,
                decision=decision,
                feedback=form.cleaned_data["feedback"],
                expected_item=form.cleaned_data["item"],
            )
        except ChorusError as exc:
            error = exc.message
            field_error = bool(exc.fields and "feedback" in exc.fields)
        else:
            notice = f"{submission.creator.display_name}'s {what} {_DONE[decision]}."
    if request.htmx:  # type: ignore[attr-defined]
        fresh = selectors.submission_get_for_access(access, submission_id)
        item = review_item(fresh, today=timezone.localdate(), may_review=True)
        context = {
            "it": item,
            "may_review": True,
            "row_error": error,
            "row_notice": notice,
            "feedback_error": error if field_error else "",
            "feedback_value": request.POST.get("feedback", "") if error else "",
            "view": request.POST.get("view") or "queue",
        }
        return render(request, "submissions/brand/_item.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    fallback = reverse(
        "submissions:detail",
        kwargs={"org_slug": access.organization.slug, "submission_id": submission.public_id},
    )
    return redirect(_safe_next(request, fallback))


@require_POST
@org_view(Scope.SUBMISSIONS_REVIEW)
def bulk_approve(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """Approve the selected submissions, each on its own: one decided meanwhile fails alone."""
    target = _safe_next(
        request, reverse("submissions:queue", kwargs={"org_slug": access.organization.slug})
    )
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        for problem in form.non_field_errors():
            messages.error(request, str(problem))
        return redirect(target)
    try:
        result = services.submissions_decide_bulk(
            access=access, submission_ids=form.cleaned_data["ids"], decision="approve"
        )
    except ChorusError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    if result.succeeded:
        n = len(result.succeeded)
        messages.success(request, f"{n} submission{'s' if n != 1 else ''} approved.")
    if result.failed:
        details = "; ".join(f"{f.id}: {f.reason}" for f in result.failed[:10])
        more = f" (and {len(result.failed) - 10} more)" if len(result.failed) > 10 else ""
        n = len(result.failed)
        messages.error(
            request, f"{n} submission{'s' if n != 1 else ''} could not be approved: {details}{more}"
        )
    return redirect(target)


# -- one submission ---------------------------------------------------------------------------


@org_view(Scope.SUBMISSIONS_READ)
@_not_found_as_404
def detail(request: HttpRequest, access: OrgAccess, submission_id: str) -> HttpResponse:
    """Every draft version and live post, the decision history, the slot's fee and dates."""
    submission = selectors.submission_get_for_access(access, submission_id)
    may_review = access.has(Scope.SUBMISSIONS_REVIEW)
    item: ReviewItem = review_item(submission, today=timezone.localdate(), may_review=may_review)
    drafts = sorted(submission.drafts.all(), key=lambda d: d.number, reverse=True)
    context = {
        "submission": submission,
        "it": item,
        "may_review": may_review,
        "view": "detail",
        "slot": submission.slot,
        "versions": [(d, media_of(d)) for d in drafts],
        "posts": sorted(submission.posts.all(), key=lambda p: p.created_at, reverse=True),
        "decisions": list(submission.decisions.all()),
    }
    return render(request, "submissions/brand/detail.html", context)


# -- the content library ----------------------------------------------------------------------


@org_view(Scope.SUBMISSIONS_READ)
def library(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """Approved assets per brand, with their usage rights, to download."""
    filters = library_filters(request.GET)
    page = Paginator(selectors.content_library(access, filters), LIBRARY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    assets = [library_asset(d, today=today) for d in page.object_list]
    creator_name = ""
    if filters["creator"]:
        creator_name = next((a.draft.creator.display_name for a in assets), filters["creator"])
    context = {
        "page": page,
        "assets": assets,
        "filters": filters,
        "creator_name": creator_name,
        "query": _query_without(filters),
        "query_without_creator": _query_without(filters, "creator"),
        **_filter_choices(access),
    }
    return render(request, "submissions/brand/library.html", context)
