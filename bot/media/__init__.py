"""Photos customers send: checked and re-encoded (``images``), a bounded few at a time per process
(``decoding``), kept outside the database (``files``)."""
