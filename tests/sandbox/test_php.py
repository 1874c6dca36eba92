"""The PHP value rules the sandbox applies to API input."""

from __future__ import annotations

import pytest

from bot.sandbox.php import UnserializeError, htmlspecialchars, intval, is_truthy, unserialize


def test_unserialize_scalars_and_nested_arrays() -> None:
    payload = 'a:4:{i:1;s:5:"café";s:1:"k";a:1:{i:0;b:1;}i:2;d:1.5;i:3;N;}'.encode()

    assert unserialize(payload) == {1: "café", "k": {0: True}, 2: 1.5, 3: None}


@pytest.mark.parametrize(
    "payload",
    [b'a:1:{i:1;s:3:"ab";}', b"a:2:{i:1;i:2;}", b'O:8:"stdClass":0:{}', b"i:1;junk", b""],
)
def test_unserialize_refuses_what_php_refuses(payload: bytes) -> None:
    with pytest.raises(UnserializeError):
        unserialize(payload)


def test_htmlspecialchars_with_quotes_and_double_encoding() -> None:
    assert htmlspecialchars('<a href="x">Tom\'s &amp;</a>') == (
        "&lt;a href=&quot;x&quot;&gt;Tom&#039;s &amp;amp;&lt;/a&gt;"
    )


@pytest.mark.parametrize(
    ("value", "truthy"), [("", False), ("0", False), ("false", True), ("0.0", True), (" ", True)]
)
def test_php_truthiness(value: str, truthy: bool) -> None:
    assert is_truthy(value) is truthy


@pytest.mark.parametrize(("value", "number"), [("42", 42), (" 7abc", 7), ("-3", -3), ("x", 0)])
def test_intval(value: str, number: int) -> None:
    assert intval(value) == number
