"""The `onemind` console command: Django's management commands plus OneMind's own, without manage.py."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onemind.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        # `onemind import-agencies` and `onemind import_agencies` are the same command.
        args[0] = args[0].replace("-", "_")
    if args and args[0] == "demo":
        # The loopback demo's logins work without an authenticator app; production enforces two-factor.
        os.environ.setdefault("ONEMIND_REQUIRE_2FA", "false")
        # Someone watching the demo's terminal reads plain lines; production keeps JSON for its log collector.
        os.environ.setdefault("LOG_FORMAT", "plain")
    execute_from_command_line(["onemind", *args])


if __name__ == "__main__":
    main()
