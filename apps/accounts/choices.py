from django.db import models


class Role(models.TextChoices):
    SCC = "scc", "SCC staff"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Administrator"


class AuditAction(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOGIN_THROTTLED = "login_throttled", "Sign-in refused (too many failures)"
    LOGOUT = "logout", "Signed out"
    API_KEY_REJECTED = "api_key_rejected", "API key refused"
    EXPORT = "export", "Export"
    ALERT_ACKNOWLEDGED = "alert_acknowledged", "Alert acknowledged"
    CALL_STARTED = "call_started", "System call started"
    CALL_DECLARATIONS_CHANGED = "call_declarations", "System call declarations changed"
    ACTION_CREATED = "action_created", "Action created"
    ACTION_DONE = "action_done", "Action done"
    ACTION_CANCELLED = "action_cancelled", "Action cancelled"
