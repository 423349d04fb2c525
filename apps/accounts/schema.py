from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a provider organisation's key "
            "(`manage.py create_api_key ORG`).",
        }


UNAUTHORISED = {
    "description": "No credentials, or an invalid or revoked API key.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


def document_unauthorised(result, generator, request, public):
    """Every operation that needs credentials can answer 401: say so where a view did not."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if operation.get("security") == [{}] or not operation.get("security", [None]):
                continue  # public
            operation["responses"].setdefault("401", UNAUTHORISED)
    return result
