"""The understanding tests share the session's jieba dictionary, converter and understander
(``tests/conftest.py``): loading jieba takes about a second."""
