"""Translated messages: catalogs in gettext `.po` files, chosen by `Accept-Language`."""

from app.core.i18n.catalog import LANGUAGES, translate
from app.core.i18n.keys import MessageKey
from app.core.i18n.negotiation import negotiate

__all__ = ["LANGUAGES", "MessageKey", "negotiate", "translate"]
