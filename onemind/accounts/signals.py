"""Signals other apps listen to (they sit above accounts, so accounts cannot call them)."""

from django.dispatch import Signal

# Sent inside the acceptance transaction with invitation= and user=: whatever the invitation promised is bound to
# that account (the one that presented the invitation's own token), never to an e-mail address.
invitation_accepted = Signal()
