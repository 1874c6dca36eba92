"""UpdateTicket's customfields payload, checked against PHP's own unserialize()."""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import subprocess

import pytest

from bot.whmcs import encode_customfields, php_serialize

# Reads base64 payloads (one per line) and prints each unserialized array as a JSON object,
# or `false` when PHP rejects the payload.
PHP_DECODE = r"""
$out = [];
foreach (preg_split('/\R/', trim(stream_get_contents(STDIN))) as $line) {
    $value = unserialize(base64_decode($line, true), ['allowed_classes' => false]);
    $out[] = is_array($value) ? (object) $value : false;
}
echo json_encode($out, JSON_UNESCAPED_UNICODE);
"""


@pytest.fixture(scope="module")
def php() -> str:
    """Return the php binary; skip locally without it, fail in CI."""
    binary = shutil.which("php")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("php-cli not installed (apt-get install php-cli)")
        pytest.skip("php-cli not installed (apt-get install php-cli)")
    return binary


def php_unserialize(php: str, payloads: list[str]) -> list[dict[str, str] | None]:
    """Return what PHP's unserialize() makes of each base64 payload."""
    done = subprocess.run(
        [php, "-r", PHP_DECODE],
        input="\n".join(payloads),
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    decoded: list[dict[str, str] | None] = [
        None if value is False else value for value in json.loads(done.stdout)
    ]
    return decoded


CASES: dict[str, dict[int, str]] = {
    "ascii": {1: "abc", 7: "x"},
    "accent": {3: "café"},
    "emoji": {4: "ticket 🎫 done 👍🏽"},
    "quotes": {5: "say \"hi\" and 'bye'"},
    "semicolons and braces": {6: 'a;b:{c}";s:9:"}'},
    "empty": {8: ""},
    "newlines": {9: "line one\nline two\r\nline three\n"},
    "backslashes and nul": {10: "C:\\path\\x\x00end"},
    "many keys": {n: f"value {n} é" * (n % 4) for n in range(1, 60)},
    "no keys": {},
}


@pytest.mark.parametrize("name", CASES)
def test_php_reads_back_what_we_encode(php: str, name: str) -> None:
    values = CASES[name]

    (decoded,) = php_unserialize(php, [encode_customfields(values)])

    assert decoded is not None, "PHP could not unserialize the payload"
    assert decoded == {str(key): value for key, value in values.items()}


def test_random_text_round_trips_through_php(php: str) -> None:
    rng = random.Random(20240501)
    alphabet = "aZ09 ;:{}\"'\\\n\té€𝄞🎫ß中\x7f"
    batch = [
        {rng.randint(1, 999): "".join(rng.choices(alphabet, k=rng.randint(0, 40)))}
        for _ in range(200)
    ]

    decoded = php_unserialize(php, [encode_customfields(values) for values in batch])

    assert decoded == [{str(k): v for k, v in values.items()} for values in batch]


def test_documented_example() -> None:
    values = {1: "abc", 7: "x"}

    assert php_serialize(values) == 'a:2:{i:1;s:3:"abc";i:7;s:1:"x";}'
    assert encode_customfields(values) == base64.b64encode(
        b'a:2:{i:1;s:3:"abc";i:7;s:1:"x";}'
    ).decode("ascii")


def test_lengths_count_utf8_bytes() -> None:
    assert php_serialize({2: "café"}) == 'a:1:{i:2;s:5:"café";}'


def test_payload_is_plain_ascii() -> None:
    encode_customfields({1: "café 🎫"}).encode("ascii")


@pytest.mark.parametrize("values", [{"1": "x"}, {True: "x"}, {1: 5}])
def test_wrong_types_are_refused(values: dict[object, object]) -> None:
    with pytest.raises(TypeError):
        php_serialize(values)  # type: ignore[arg-type]
