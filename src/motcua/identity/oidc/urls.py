"""The OpenID Connect provider's endpoints, under /o/, and its discovery documents at the
site root, so that the issuer is the site itself (e.g. https://dichvucong.example.vn).

Only what the authorization-code flow needs is routed: no application self-registration
(clients are registered by `motcua oidc_client` or in the admin), no device flow.
"""

from django.urls import include, path, re_path
from oauth2_provider import views as dot

from motcua.identity.oidc import views

provider_patterns = [
    path("o/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", dot.TokenView.as_view(), name="token"),
    path("o/revoke_token/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", dot.IntrospectTokenView.as_view(), name="introspect"),
    path("o/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("o/.well-known/jwks.json", views.JwksView.as_view(), name="jwks-info"),
    # The issuer is derived from this route's URL: keep it at the root.
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    # The same document where django-oauth-toolkit's own layout would put it.
    path("o/.well-known/openid-configuration", views.DiscoveryView.as_view()),
    path(
        ".well-known/oauth-authorization-server",
        dot.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]

urlpatterns = [path("", include((provider_patterns, "oauth2_provider")))]
