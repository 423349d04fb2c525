import gc
import os

from django.core.wsgi import get_wsgi_application

from config.embedded import services_environ

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
services_environ()  # the embedded servers, unless DATABASE_URL and REDIS_URL are set
application = get_wsgi_application()
# What start-up made (modules, settings, URL patterns) lives as long as the process: move it
# out of the collector's sight, so the full collections a board page's garbage triggers do not
# walk it every time.
gc.freeze()
