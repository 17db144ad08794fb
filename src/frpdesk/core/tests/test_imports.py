"""What every CSV import shares (core.imports): the errors found by the import fuzz test."""

import pytest

from frpdesk.core.imports import ImportFailure, read_table


def test_a_nul_character_is_refused_with_its_line() -> None:
    """PostgreSQL stores no NUL: a cell carrying one made the import's INSERT fail (a 500)."""
    with pytest.raises(ImportFailure) as failure:
        read_table("status.csv", b"Claim reference,Status\r\nPC-1,Rej\x00ected\r\n")
    assert str(failure.value) == (
        "status.csv, line 2: has a NUL character: is it a text (CSV) file?"
    )


def test_a_table_without_nul_is_read() -> None:
    assert read_table("status.csv", b"a;b\r\n1;2\r\n") == [["a", "b"], ["1", "2"]]
