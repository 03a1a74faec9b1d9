"""Organization pages: dashboard, members and invitations, brands, API keys. Thin: services decide."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import ChorusError
from organizations import selectors, services
from organizations.access import OrgAccess, memberships_for_user
from organizations.audit import audit_sentences
from organizations.forms import ApiKeyForm, BrandForm, InvitationSignupForm, InviteForm, RoleForm
from organizations.roles import Role, Scope, role_can_grant
from organizations.tenancy import org_view


@login_required
def organization_picker(request: HttpRequest) -> HttpResponse:
    memberships = memberships_for_user(request.user)  # type: ignore[arg-type]
    if len(memberships) == 1:
        return redirect("organizations:dashboard", org_slug=memberships[0].organization.slug)
    return render(request, "organizations/picker.html", {"memberships": memberships})


@org_view(Scope.ORG_READ)
def dashboard(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    context = {
        "brands": selectors.brands_for_org(access),
        "member_count": selectors.members_for_org(access).count(),
        "pending_invitations": selectors.pending_invitations_for_org(access).count(),
        "activity": audit_sentences(
            list(selectors.recent_audit_events(access, limit=10)), access.organization
        ),
    }
    return render(request, "organizations/dashboard.html", context)


def _grantable_roles(access: OrgAccess) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Role.choices if role_can_grant(access.role, value)]


@org_view(Scope.MEMBERS_READ)
def members(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    brands = selectors.brands_for_org(access)
    limited = access.is_brand_limited
    form = InviteForm(request.POST or None, brands=brands, limited=limited)
    form.fields["role"].choices = _grantable_roles(access)  # type: ignore[attr-defined]
    if request.method == "POST":
        if not access.has(Scope.MEMBERS_INVITE):
            messages.error(request, "Your role cannot invite people.")
            return redirect("organizations:members", org_slug=access.organization.slug)
        if form.is_valid():
            try:
                # The link travels only by e-mail: the inviter never sees it (it would let them
                # create the invitee's account themselves).
                invitation, _ = services.invitation_create(
                    access=access,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    brand=form.cleaned_data["brand"],
                )
            except ChorusError as exc:
                field = next(iter(exc.fields), None)
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    f"Invitation e-mailed to {invitation.email}. The link works once and "
                    "expires in 7 days.",
                )
                form = InviteForm(brands=brands, limited=limited)
                form.fields["role"].choices = _grantable_roles(access)  # type: ignore[attr-defined]
    context = {
        "members": selectors.members_for_org(access),
        "invitations": selectors.pending_invitations_for_org(access),
        "form": form,
        "grantable_roles": _grantable_roles(access),
        "can_admin": access.has(Scope.MEMBERS_ADMIN),
        "can_invite": access.has(Scope.MEMBERS_INVITE),
    }
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "organizations/members.html", context, status=status)


@require_POST
@org_view(Scope.MEMBERS_READ)
def member_change_role(request: HttpRequest, access: OrgAccess, member_id: str) -> HttpResponse:
    membership = selectors.member_get_for_org(access, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
    else:
        try:
            membership = services.membership_change_role(
                access=access, membership=membership, role=form.cleaned_data["role"]
            )
        except ChorusError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"{membership.user.email} is now {membership.get_role_display().lower()}."
            )
    return redirect("organizations:members", org_slug=access.organization.slug)


@require_POST
@org_view(Scope.MEMBERS_READ)
def member_remove(request: HttpRequest, access: OrgAccess, member_id: str) -> HttpResponse:
    membership = selectors.member_get_for_org(access, member_id)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(access=access, membership=membership)
    except ChorusError as exc:
        messages.error(request, exc.message)
        return redirect("organizations:members", org_slug=access.organization.slug)
    if leaving:
        messages.success(request, f"You left {access.organization.name}.")
        return redirect("web:dashboard")
    messages.success(request, f"{membership.user.email} was removed.")
    return redirect("organizations:members", org_slug=access.organization.slug)


@require_POST
@org_view(Scope.MEMBERS_INVITE)
def invitation_revoke(request: HttpRequest, access: OrgAccess, invitation_id: str) -> HttpResponse:
    invitation = selectors.invitation_get_for_org(access, invitation_id)
    try:
        services.invitation_revoke(access=access, invitation=invitation)
    except ChorusError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("organizations:members", org_slug=access.organization.slug)


@org_view(Scope.BRANDS_READ)
def brands(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    if request.method == "POST":
        access.require(
            Scope.BRANDS_WRITE
        )  # the form is not even shown to such a role: say why (403)
    form = BrandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            brand = services.brand_create(access=access, **form.cleaned_data)
        except ChorusError as exc:
            field = next((f for f in exc.fields if f in form.fields), None)
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"Brand {brand.name} created.")
            return redirect("organizations:brands", org_slug=access.organization.slug)
    context = {
        "brands": selectors.brands_for_org(access),
        "form": form,
        "can_edit": access.has(Scope.BRANDS_WRITE),
    }
    return render(request, "organizations/brands.html", context, status=400 if form.errors else 200)


@org_view(Scope.BRANDS_READ)
def brand_edit(request: HttpRequest, access: OrgAccess, brand_id: str) -> HttpResponse:
    brand = selectors.brand_get_for_org(access, brand_id)
    if request.method == "POST":
        access.require(Scope.BRANDS_WRITE)
    form = BrandForm(
        request.POST or None,
        initial={
            "name": brand.name,
            "website": brand.website,
            "landing_domains": "\n".join(brand.landing_domains or []),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.brand_update(access=access, brand=brand, **form.cleaned_data)
        except ChorusError as exc:
            field = next((f for f in exc.fields if f in form.fields), None)
            form.add_error(field, exc.message)
        else:
            messages.success(request, "Brand saved.")
            return redirect("organizations:brands", org_slug=access.organization.slug)
    context = {"brand": brand, "form": form, "can_edit": access.has(Scope.BRANDS_WRITE)}
    return render(
        request, "organizations/brand_edit.html", context, status=400 if form.errors else 200
    )


@org_view(Scope.APIKEYS_MANAGE)
def api_keys(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    brands = selectors.brands_for_org(access)
    limited = access.is_brand_limited
    form = ApiKeyForm(request.POST or None, brands=brands, limited=limited)
    form.fields["role"].choices = [c for c in _grantable_roles(access) if c[0] != Role.OWNER]  # type: ignore[attr-defined]
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = services.api_key_create(access=access, **form.cleaned_data)
        except ChorusError as exc:
            field = next(iter(exc.fields), None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            form = ApiKeyForm(brands=brands, limited=limited)
    context = {"keys": selectors.api_keys_for_org(access), "form": form, "new_key": new_key}
    return render(
        request, "organizations/api_keys.html", context, status=400 if form.errors else 200
    )


@require_POST
@org_view(Scope.APIKEYS_MANAGE)
def api_key_revoke(request: HttpRequest, access: OrgAccess, key_id: str) -> HttpResponse:
    key = selectors.api_key_get_for_org(access, key_id)
    services.api_key_revoke(access=access, api_key=key)
    messages.success(request, f"Key {key.name} revoked. Requests using it now fail.")
    return redirect("organizations:api_keys", org_slug=access.organization.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail. New people create their account right here."""
    try:
        invitation = services.invitation_for_token(token)
    except ChorusError as exc:
        return render(
            request, "organizations/invitation_invalid.html", {"error": exc}, status=exc.status_code
        )

    user = request.user
    signup_form = None
    if user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(raw_token=token, user=user)
            except ChorusError as exc:
                # Wrong account, already a member, used meanwhile: a clear page with the reason.
                return render(
                    request,
                    "organizations/invitation_invalid.html",
                    {"error": exc},
                    status=exc.status_code,
                )
            else:
                messages.success(request, f"Welcome to {membership.organization.name}!")
                return redirect("organizations:dashboard", org_slug=membership.organization.slug)
    else:
        if not selectors.account_exists_for_email(invitation.email):
            signup_form = InvitationSignupForm(request.POST or None, email=invitation.email)
            if request.method == "POST" and signup_form.is_valid():
                try:
                    membership = services.invitation_accept_with_signup(
                        raw_token=token,
                        password=signup_form.cleaned_data["password1"],
                        full_name=signup_form.cleaned_data["full_name"],
                    )
                except ChorusError as exc:
                    signup_form.add_error(None, exc.message)
                else:
                    login(
                        request,
                        membership.user,
                        backend="django.contrib.auth.backends.ModelBackend",
                    )
                    messages.success(request, f"Welcome to {membership.organization.name}!")
                    return redirect(
                        "organizations:dashboard", org_slug=membership.organization.slug
                    )
    context = {"invitation": invitation, "signup_form": signup_form}
    status = 400 if signup_form is not None and signup_form.errors else 200
    return render(request, "organizations/invitation_accept.html", context, status=status)
