"""Operations on a whole home: verify, backup, demo."""
