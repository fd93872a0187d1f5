"""Shared pytest fixtures.

Random networks for the lib's tests live in tests/netcases.py; the browser fixtures for the
built book (book_dir, book_pages, browser, open_page) live in tests/bookpage.py and are
re-exported here so every test module can use them.
"""

from bookpage import book_dir, book_pages, browser, open_page  # noqa: F401
