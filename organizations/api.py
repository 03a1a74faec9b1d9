"""REST API: the organization, its brands, members and invitations. Thin: services do the work."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.refs import RefField, resolve_optional_ref
from organizations import selectors, services
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.models import Brand, Invitation, Membership, Organization
from organizations.roles import Role, Scope


class OrganizationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = Organization
        fields = ("id", "name", "slug", "kind", "created_at")
        read_only_fields = ("slug", "kind", "created_at")


class BrandSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    landing_domains = serializers.ListField(
        # The schema states what the service accepts: a hostname (no scheme, no path).
        child=serializers.RegexField(
            r"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$", max_length=253
        ),
        required=False,
        max_length=20,
        help_text=(
            "Other domains campaign landing pages may use (hostnames; subdomains included). "
            "Landing pages must be https:// on the website's domain or one of these."
        ),
    )

    class Meta:
        model = Brand
        fields = ("id", "name", "slug", "website", "landing_domains", "created_at")
        read_only_fields = ("slug", "created_at")


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    brand = serializers.CharField(source="brand.public_id", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ("id", "email", "name", "role", "brand", "created_at")
        read_only_fields = ("created_at",)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    brand = serializers.CharField(source="brand.public_id", read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields: tuple[str, ...] = (
            "id",
            "email",
            "role",
            "brand",
            "status",
            "expires_at",
            "created_at",
        )


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    brand = RefField(
        "brand",
        "brd",
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Brand id (brd_…) to limit the member to.",
    )


class OrganizationViewSet(OrgScopedViewSet):
    """The organization the API key belongs to."""

    serializer_class = OrganizationSerializer
    required_scopes = {"current": Scope.ORG_READ, "update_current": Scope.ORG_WRITE}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return Organization.objects.filter(pk=access.organization.pk)

    def current(self, request: Request) -> Response:
        return Response(OrganizationSerializer(self.access.organization).data)

    @extend_schema(request=OrganizationSerializer)
    def update_current(self, request: Request) -> Response:
        serializer = OrganizationSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        org = self.access.organization
        if "name" in serializer.validated_data:
            org = services.organization_update(
                access=self.access, name=serializer.validated_data["name"]
            )
        return Response(OrganizationSerializer(org).data)


class BrandViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = BrandSerializer
    required_scopes = {
        "list": Scope.BRANDS_READ,
        "retrieve": Scope.BRANDS_READ,
        "create": Scope.BRANDS_WRITE,
        "partial_update": Scope.BRANDS_WRITE,
    }
    ordering_fields = ("name", "created_at")

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.brands_for_org(access)

    def create(self, request: Request) -> Response:
        serializer = BrandSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        brand = services.brand_create(access=self.access, **serializer.validated_data)
        return Response(BrandSerializer(brand).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, public_id: str) -> Response:
        brand = self.get_object()
        serializer = BrandSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        brand = services.brand_update(access=self.access, brand=brand, **serializer.validated_data)
        return Response(BrandSerializer(brand).data)


class MemberViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = MemberSerializer
    required_scopes = {
        "list": Scope.MEMBERS_READ,
        "retrieve": Scope.MEMBERS_READ,
        "partial_update": Scope.MEMBERS_READ,
        "destroy": Scope.MEMBERS_READ,
    }
    filterset_fields = ("role",)
    ordering_fields = ("created_at", "role")

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.members_for_org(access)

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def partial_update(self, request: Request, public_id: str) -> Response:
        membership = self.get_object()
        # A PATCH changes what it names: a body without ``role`` changes nothing.
        serializer = MemberRoleSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "role" in serializer.validated_data:
            membership = services.membership_change_role(
                access=self.access, membership=membership, role=serializer.validated_data["role"]
            )
        return Response(MemberSerializer(membership).data)

    def destroy(self, request: Request, public_id: str) -> Response:
        # Services decide who may remove whom (yourself, owners, the last owner).
        services.membership_remove(access=self.access, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = InvitationSerializer
    required_scopes = {
        "list": Scope.MEMBERS_READ,
        "retrieve": Scope.MEMBERS_READ,
        "create": Scope.MEMBERS_INVITE,
        "destroy": Scope.MEMBERS_INVITE,
    }
    filterset_fields = ("role", "email")

    def scoped_queryset(self, access: OrgAccess) -> Any:
        # DELETE revokes: a revoked invitation is gone from the API (404 afterwards, not
        # listed); the members page keeps showing it for the record.
        return selectors.invitations_for_org(access).filter(revoked_at__isnull=True)

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
        description=(
            "Invite someone by e-mail. The accept link is e-mailed to them only: it is never "
            "returned, so nobody but the invitee can accept. A brand-limited key's invitations "
            "are limited to its brand."
        ),
    )
    def create(self, request: Request) -> Response:
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        brand = resolve_optional_ref(
            "brand", "brand", data.get("brand"), lambda v: selectors.brand_get_for_org(access, v)
        )
        invitation, _ = services.invitation_create(
            access=self.access, email=data["email"], role=data["role"], brand=brand
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={204: None},
        description="Revoke a pending invitation: its link stops working and it is gone from "
        "the API (404 afterwards). An accepted invitation cannot be revoked (400 `not_pending`).",
    )
    def destroy(self, request: Request, public_id: str) -> Response:
        services.invitation_revoke(access=self.access, invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
