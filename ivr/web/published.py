"""Routes versions from the records database: publishing checked text, for the `ivr routes`
commands and the operators' console."""

from __future__ import annotations

from ..records.versions import Version, VersionStore
from ..routesfile.loader import RoutesError
from .served import offline_flow_of


def publish_checked(store: VersionStore, text: str, *, author: str, message: str,
                    file: str = "routes.yaml") -> Version:
    """Check `text` exactly as `ivr check` does, then store it as a new version and publish it.

    Raises RoutesError (its `problems` with line and key path, named `file`) when the server
    would refuse the text: nothing is stored then but the refusal, in the audit trail.
    """
    try:
        offline_flow_of(text, file)
    except RoutesError as error:
        store.refused(text, author=author, message=message, reason=str(error))
        raise
    return store.publish(text, author=author, message=message)
