"""Every user-facing string of the TUI, one catalogue per language.

``vi`` and ``en`` hold the screens' strings; ``counter_vi`` and ``counter_en`` those of the fee due at
intake and of signing in, ``signing`` those of digital signatures, ``board`` those of the hub's board of
desks, merged into them here, so that every module stays under 500 lines.
"""

from screens.i18n import board, counter_en, counter_vi, en, signing, vi

vi.STRINGS.update(counter_vi.STRINGS)
en.STRINGS.update(counter_en.STRINGS)
vi.STRINGS.update(signing.VI)
en.STRINGS.update(signing.EN)
vi.STRINGS.update(board.VI)
en.STRINGS.update(board.EN)
