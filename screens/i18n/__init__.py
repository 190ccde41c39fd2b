"""Every user-facing string of the TUI, one catalogue per language."""

from screens.i18n import en, signing, vi

# the words of signatures live apart (each language file stays under 500 lines)
vi.STRINGS.update(signing.VI)
en.STRINGS.update(signing.EN)
