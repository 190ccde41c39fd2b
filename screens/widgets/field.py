"""Text boxes and lists of the desk: Textual's, without a layout of the whole screen at each keystroke."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, OptionList


class Field(Input):
    """Textual's ``Input``; a keystroke repaints the box and lays nothing else out again.

    Each change of the text sets the box's virtual width (the text's, for scrolling within the box), and
    Textual's ``virtual_size`` asks for a layout of the whole screen when it changes: on the intake, a
    reflow of every field, label and list at each key, most of what typing cost. A box's place and size
    do not depend on its text (the desk's boxes have a set width); its scrolling within reads the virtual
    width directly, and a repaint shows it.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class Choices(OptionList):
    """Textual's ``OptionList`` for a list of a set height: new options repaint the list, not the screen.

    Its options set its virtual height (the lines they take), and Textual's ``virtual_size`` asks for a layout
    of the whole screen when it changes: the procedure picker refilled as each key filters the catalogue laid
    the intake out again twice per key. A list whose height is set in the styles keeps its place and size;
    it scrolls within by the virtual height, read directly, and Textual still lays the screen out when its
    scroll bar comes or goes (the room left for the options changes then).
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
