"""Pure rules of the desk: no database, no I/O, no clock reads."""
