from typing import Any

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "onemind.imports"
    label = "imports"

    def ready(self) -> None:
        from onemind.lib.signals import worker_starting

        worker_starting.connect(_recover, dispatch_uid="imports.recover_interrupted")


def _recover(sender: Any, **kwargs: Any) -> None:
    from onemind.imports.services import recover_interrupted

    recover_interrupted()
