"""Photos customers send: checked and re-encoded (``images``), kept outside the database (``files``)."""
