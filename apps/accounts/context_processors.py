from django.utils import timezone


def roles(request):
    user = getattr(request, "user", None)
    return {
        "can_export": bool(user and user.is_authenticated and getattr(user, "can_export", False)),
        "today_local": timezone.localdate(),
    }
