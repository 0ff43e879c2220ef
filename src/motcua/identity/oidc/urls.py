"""The OpenID Connect provider's endpoints (/o/… and /.well-known/openid-configuration)."""

urlpatterns: list = []
