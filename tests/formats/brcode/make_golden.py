#!/usr/bin/env python3
"""Writes the BR Code golden inputs under tests/data/brcode/ (they also seed brcode_fuzz).

valid/    payloads that must decode without error: the shared reference vectors
          (../shared/reference/brcode/vectors.json, when present) and a few of our own.
invalid/  one file per kind of bad input; golden_test.cpp holds the errors each must produce.

Each file holds the payload's exact bytes, no newline. Cases build on one valid static code and
carry a correct CRC unless the CRC itself is what they break, so that each shows one problem.
Run from the repository root: python3 tests/formats/brcode/make_golden.py
"""
import json
import os
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = ROOT / "tests" / "data" / "brcode"
VECTORS = ROOT.parent / "shared" / "reference" / "brcode" / "vectors.json"


def crc16(data: bytes) -> str:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def tlv(tag: str, value: str, length: int | None = None) -> str:
    count = len(value) if length is None else length
    return f"{tag}{count:02d}{value}"


def sign(body: str | bytes) -> bytes:
    """Appends 6304 and the CRC of the UTF-8 bytes up to and including it."""
    data = (body.encode() if isinstance(body, str) else body) + b"6304"
    return data + crc16(data).encode()


GUI = tlv("00", "br.gov.bcb.pix")
KEY = tlv("01", "pix@example.com")


def fields(**overrides: str | None) -> str:
    """A static code's fields in order; override one by ID ('f59') or drop it with None."""
    base = {
        "f00": tlv("00", "01"),
        "f26": tlv("26", GUI + KEY),
        "f52": tlv("52", "0000"),
        "f53": tlv("53", "986"),
        "f54": tlv("54", "10.00"),
        "f58": tlv("58", "BR"),
        "f59": tlv("59", "FULANO DE TAL"),
        "f60": tlv("60", "BRASILIA"),
        "f62": tlv("62", tlv("05", "***")),
    }
    for key, value in overrides.items():
        base[key] = value
    return "".join(value for value in base.values() if value is not None)


def valid_cases() -> dict[str, bytes]:
    cases = {}
    if VECTORS.exists():
        seen = set()
        for vector in json.loads(VECTORS.read_text())["vectors"]:
            payload = vector["payload"].encode()
            if payload not in seen:
                seen.add(payload)
                cases["vector_" + vector["name"].lower()] = payload
    cases["static_minimal"] = sign(fields(f54=None))
    cases["static_uppercase_gui"] = sign(
        fields(f26=tlv("26", tlv("00", "BR.GOV.BCB.PIX") + KEY)))
    cases["static_reusable_11_postal_code"] = sign(
        fields(f00=tlv("00", "01") + tlv("01", "11"), f60=tlv("60", "BRASILIA") + tlv("61", "70000000")))
    # Accented text from other generators: lengths in characters (EMV) or in UTF-8 bytes.
    cases["accented_name_length_in_characters"] = sign(
        fields(f59=tlv("59", "JOÃO DA CONCEIÇÃO"), f60=tlv("60", "SÃO PAULO")))
    name = "JOÃO DA CONCEIÇÃO"
    cases["accented_name_length_in_bytes"] = sign(
        fields(f59=tlv("59", name, len(name.encode())), f60=tlv("60", "SAO PAULO")))
    cases["dynamic_single_use_with_amount"] = sign(
        fields(f00=tlv("00", "01") + tlv("01", "12"),
               f26=tlv("26", GUI + tlv("25", "pix.example.com/qr/v2/9d36b84f"))))
    cases["unknown_tags_kept_raw"] = sign(
        fields(f62=tlv("62", tlv("05", "ABC123") + tlv("50", tlv("00", "x.y")))
               + tlv("64", tlv("00", "PT") + tlv("01", "Fulano"))))
    return cases


def invalid_cases() -> dict[str, bytes]:
    good = fields()
    cases = {}
    cases["empty"] = b""
    cases["truncated_header"] = (good[:good.index("5802BR") + 6] + "59").encode()
    cases["truncated_value"] = good[:good.index("5913FULANO") + 10].encode()
    cases["length_past_end"] = (good + "6305ABCD").encode()
    cases["non_digit_length"] = sign(fields(f59="591AFULANO DE TAL"))
    cases["non_digit_id"] = sign(fields(f58="5A02BR"))
    cases["duplicate_tag"] = sign(fields(f60=tlv("59", "FULANO DE TAL") + tlv("60", "BRASILIA")))
    cases["out_of_order"] = sign(fields(f53=None, f58=tlv("58", "BR") + tlv("53", "986")))
    cases["crc_not_last"] = sign(good) + tlv("80", GUI + tlv("25", "pix.example.com/rec/1")).encode()
    signed = sign(good)
    wrong = signed[:-4] + (b"0000" if signed[-4:] != b"0000" else b"1111")
    cases["wrong_crc"] = wrong
    # A payload whose CRC has letters, written in lowercase: the only change is the letter case.
    for suffix in range(100):
        candidate = sign(fields(f59=tlv("59", f"FULANO {suffix}")))
        if any(c in b"ABCDEF" for c in candidate[-4:]):
            cases["lowercase_crc"] = candidate[:-4] + candidate[-4:].lower()
            break
    cases["missing_6304"] = good.encode()
    three = (good + "6303").encode()
    cases["crc_three_digits"] = three + crc16(three)[:3].encode()
    filler = "".join(tlv(f"{tag}", "X" * 99) for tag in range(65, 70))
    cases["oversized"] = sign(fields(f62=tlv("62", tlv("05", "***")) + filler))
    cases["key_too_long"] = sign(fields(f26=tlv("26", tlv("01", "k" * 70 + "@ex.com" + "x" * 10))))
    cases["txid_invalid_characters"] = sign(fields(f62=tlv("62", tlv("05", "ABC-123"))))
    cases["txid_too_long"] = sign(fields(f62=tlv("62", tlv("05", "A" * 26))))
    cases["amount_comma"] = sign(fields(f54=tlv("54", "10,00")))
    cases["amount_three_decimals"] = sign(fields(f54=tlv("54", "10.001")))
    cases["amount_negative"] = sign(fields(f54=tlv("54", "-10.00")))
    cases["amount_zero"] = sign(fields(f54=tlv("54", "0.00")))
    cases["missing_00"] = sign(fields(f00=None))
    cases["missing_26"] = sign(fields(f26=None))
    cases["missing_gui"] = sign(fields(f26=tlv("26", KEY)))
    cases["wrong_gui"] = sign(fields(f26=tlv("26", tlv("00", "br.gov.bcb.pox") + KEY)))
    cases["missing_key_and_url"] = sign(fields(f26=tlv("26", GUI)))
    for tag in ("52", "53", "58", "59", "60"):
        cases[f"missing_{tag}"] = sign(fields(**{f"f{tag}": None}))
    cases["payload_format_02"] = sign(fields(f00=tlv("00", "02")))
    cases["point_of_initiation_13"] = sign(fields(f00=tlv("00", "01") + tlv("01", "13")))
    cases["currency_840"] = sign(fields(f53=tlv("53", "840")))
    cases["country_us"] = sign(fields(f58=tlv("58", "US")))
    cases["name_newline"] = sign(fields(f59=tlv("59", "FULANO\nDE TAL")))
    cases["name_nul_byte"] = sign(fields(f59=tlv("59", "FULANO\0DE TAL")))
    cases["name_invalid_utf8"] = sign(fields(f59=tlv("59", "FULANO ~ TAL")).encode().replace(b"~", b"\xff"))
    cases["name_emoji"] = sign(fields(f59=tlv("59", "FULANO \U0001F600")))
    cases["name_too_long"] = sign(fields(f59=tlv("59", "N" * 26)))
    cases["city_too_long"] = sign(fields(f60=tlv("60", "C" * 16)))
    cases["name_empty_value"] = sign(fields(f59="5900"))
    cases["key_and_url"] = sign(fields(f26=tlv("26", GUI + KEY + tlv("25", "pix.example.com/qr/1"))))
    cases["url_with_scheme"] = sign(
        fields(f26=tlv("26", GUI + tlv("25", "https://pix.example.com/qr/1"))))
    cases["dynamic_with_txid"] = sign(
        fields(f26=tlv("26", GUI + tlv("25", "pix.example.com/qr/1")),
               f62=tlv("62", tlv("05", "ABC123"))))
    cases["fss_not_ispb"] = sign(fields(f26=tlv("26", GUI + KEY + tlv("03", "1234"))))
    cases["tip_indicator"] = sign(fields(f54=tlv("54", "10.00") + tlv("55", "01")))
    cases["recurrence_without_url"] = sign(fields(f62=tlv("62", tlv("05", "***")) + tlv("80", GUI)))
    cases["template_length_past_end"] = sign(fields(f26=tlv("26", GUI + "0150pix@example.com")))
    return cases


def write(directory: pathlib.Path, cases: dict[str, bytes]) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for name, payload in sorted(cases.items()):
        (directory / f"{name}.txt").write_bytes(payload)


if __name__ == "__main__":
    os.chdir(ROOT)
    write(OUT / "valid", valid_cases())
    write(OUT / "invalid", invalid_cases())
    print(f"wrote {len(valid_cases())} valid and {len(invalid_cases())} invalid inputs to {OUT}")
