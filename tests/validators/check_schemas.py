#!/usr/bin/env python3
"""Check the JSON Schemas in schemas/ against the examples and against the library.

  * Both schemas must be valid JSON Schema draft 2020-12 documents.
  * Every invoice given must validate against schemas/invoice.schema.json, and the
    sandbox configuration (examples/config.sandbox.json.in) plus a configuration that
    sets every key must validate against schemas/config.schema.json.
  * Each negative case below must be rejected by the schema at the expected place.
  * With --library, the built library (libchorus_pro.so, called through ctypes) must
    accept every example invoice and reject every negative invoice case too, so that the
    schema never accepts what the library refuses in these cases.

Exit status: 0 when every check passes, 1 otherwise, 2 on wrong usage or a missing
validator (python jsonschema, installed by tests/validators/install.sh).
"""

import argparse
import copy
import ctypes
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INVOICE_SCHEMA = os.path.join(ROOT, "schemas", "invoice.schema.json")
CONFIG_SCHEMA = os.path.join(ROOT, "schemas", "config.schema.json")
SANDBOX_CONFIG = os.path.join(ROOT, "examples", "config.sandbox.json.in")
CHORUS_OK = 0
CHORUS_ERR_INVALID_INVOICE = 1006
CHORUS_ERR_INVALID_CONFIGURATION = 1004

FULL_CONFIG = {
    "environment": "qualification",
    "token_url": "http://127.0.0.1:8080/api/oauth/token",
    "base_url": "http://127.0.0.1:8080",
    "client_id": "sandbox-client-id",
    "client_secret": "sandbox-client-secret",
    "technical_login": "TECH_1_sandbox@cpro.fr",
    "technical_password": "sandbox-technical-password",
    "user_id": 42,
    "bank_account": {"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP882",
                     "account_name": "Au bon moulin SARL"},
    "language": "en",
    "timeout_seconds": 10,
    "retry": {"max_attempts": 3, "initial_delay_ms": 100, "max_delay_ms": 1000,
              "deadline_seconds": 30, "lookup_window_seconds": 20},
}


def set_path(document, path, value):
    """Set (or, with value None, delete) the key at `path`, a list of keys and indexes."""
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value


# (name, path to change, new value or None to delete, JSON path the schema must blame)
INVOICE_CASES = [
    ("unknown root key", ["colour"], "red", ""),
    ("type code Chorus Pro rejects", ["type_code"], "751", "type_code"),
    ("invoice number of 21 characters", ["number"], "F" * 21, "number"),
    ("invoice number with #", ["number"], "F#1", "number"),
    ("date not ISO", ["issue_date"], "17/06/2026", "issue_date"),
    ("no lines", ["lines"], [], "lines"),
    ("decimal comma", ["lines", 0, "net_price"], "13,50", "lines/0/net_price"),
    ("missing country code", ["seller", "address", "country_code"], None, "seller/address"),
    ("unknown syntax", ["syntax"], "xml", "syntax"),
    ("blank buyer name", ["buyer", "name"], "   ", "buyer/name"),
    ("gross price without discount", ["lines", 0, "price_discount"], None, "lines/0"),
    ("unknown VAT category", ["lines", 0, "vat_category"], "X", "lines/0/vat_category"),
    ("lowercase currency", ["currency_code"], "eur", "currency_code"),
    ("attachment with .exe name",
     ["attachments"], [{"id": "A1", "file_name": "a.exe", "mime_code": "application/pdf",
                        "content_base64": "JVBERi0="}], "attachments/0/file_name"),
    ("A9 invoice without validator", ["business_process_type"], "A9", ""),
    ("validator on an A1 invoice", ["validator"], {"siret": "41234567000001"}, ""),
    ("unknown VAT point date code", ["vat_point_date_code"], "5", "vat_point_date_code"),
    ("item attribute without value",
     ["lines", 0, "attributes"], [{"name": "Colour"}], "lines/0/attributes/0"),
    ("tax representative without VAT identifier",
     ["tax_representative"], {"name": "Rep", "address": {"country_code": "FR"}},
     "tax_representative"),
]

# (name, path, value, JSON path) applied to FULL_CONFIG
CONFIG_CASES = [
    ("unknown key", ["client_idd"], "x", ""),
    ("missing client secret", ["client_secret"], None, ""),
    ("timeout of 0", ["timeout_seconds"], 0, "timeout_seconds"),
    ("unknown environment", ["environment"], "test", "environment"),
    ("retry attempts above 20", ["retry", "max_attempts"], 21, "retry/max_attempts"),
    ("login with colon", ["technical_login"], "a:b", "technical_login"),
]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoices", nargs="+", help="example invoice JSON files")
    parser.add_argument(
        "--validators",
        default=os.environ.get("CHORUS_VALIDATORS", ".validators"),
        help="folder filled by install.sh (default: $CHORUS_VALIDATORS or .validators)",
    )
    parser.add_argument("--library", help="path of libchorus_pro.so to cross-check with")
    return parser.parse_args()


def load_validator_class(folder):
    sys.path.insert(0, os.path.abspath(folder))
    try:
        from jsonschema import Draft202012Validator
    except ImportError as error:
        print(f"jsonschema not found in {folder} ({error}): run tests/validators/install.sh {folder}",
              file=sys.stderr)
        sys.exit(2)
    return Draft202012Validator


class Library:
    """The C API of the built library, for chorus_validate and chorus_configure."""

    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.chorus_client_new.restype = ctypes.c_void_p
        self.lib.chorus_client_free.argtypes = [ctypes.c_void_p]
        self.lib.chorus_string_free.argtypes = [ctypes.c_void_p]
        for name in ("chorus_validate", "chorus_configure"):
            function = getattr(self.lib, name)
            function.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                 ctypes.POINTER(ctypes.c_void_p)]
            function.restype = ctypes.c_uint32

    def call(self, name, document, configuration=None):
        """Run chorus_validate or chorus_configure on a fresh handle; return (code, output)."""
        client = self.lib.chorus_client_new()
        try:
            if configuration is not None:
                text = json.dumps(configuration).encode("utf-8")
                self.lib.chorus_configure(client, text, None)
            out = ctypes.c_void_p()
            code = getattr(self.lib, name)(client, json.dumps(document).encode("utf-8"),
                                           ctypes.byref(out))
            output = ctypes.string_at(out.value).decode("utf-8") if out.value else ""
            self.lib.chorus_string_free(out)
            return code, output
        finally:
            self.lib.chorus_client_free(client)


def schema_errors(validator, document):
    return sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))


def error_paths(errors):
    return ["/".join(str(part) for part in error.absolute_path) for error in errors]


CHECKS_RUN = []


def check(condition, message, failures):
    print(("ok      " if condition else "FAILED  ") + message)
    CHECKS_RUN.append(message)
    if not condition:
        failures.append(message)


def main():
    arguments = parse_arguments()
    validator_class = load_validator_class(arguments.validators)
    library = Library(arguments.library) if arguments.library else None
    failures = []

    schemas = {}
    for path in (INVOICE_SCHEMA, CONFIG_SCHEMA):
        with open(path, encoding="utf-8") as file:
            schema = json.load(file)
        try:
            validator_class.check_schema(schema)
            check(True, f"{os.path.relpath(path, ROOT)} is a valid draft 2020-12 schema", failures)
        except Exception as error:  # jsonschema raises SchemaError with the reason
            check(False, f"{os.path.relpath(path, ROOT)} is not a valid schema: {error}", failures)
        schemas[path] = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    invoice_validator = schemas[INVOICE_SCHEMA]
    config_validator = schemas[CONFIG_SCHEMA]

    base_invoice = None
    for path in arguments.invoices:
        with open(path, encoding="utf-8") as file:
            invoice = json.load(file)
        errors = schema_errors(invoice_validator, invoice)
        details = "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)
        check(not errors, f"{path} validates against the invoice schema {details}", failures)
        if library:
            code, output = library.call("chorus_validate", invoice, FULL_CONFIG)
            check(code == CHORUS_OK, f"{path} is valid for the library {output[:300]}", failures)
        if base_invoice is None and invoice.get("lines") and invoice["lines"][0].get("gross_price"):
            base_invoice = invoice
    if base_invoice is None:
        check(False, "an example invoice with a gross price is needed for the negative cases",
              failures)
        return 1

    for name, path, value, blamed in INVOICE_CASES:
        invoice = copy.deepcopy(base_invoice)
        set_path(invoice, path, value)
        paths = error_paths(schema_errors(invoice_validator, invoice))
        check(blamed in paths, f"invoice schema rejects {name} at '{blamed}' (errors at {paths})",
              failures)
        if library:
            code, _ = library.call("chorus_validate", invoice, FULL_CONFIG)
            check(code == CHORUS_ERR_INVALID_INVOICE, f"library rejects {name} (code {code})",
                  failures)

    with open(SANDBOX_CONFIG, encoding="utf-8") as file:
        sandbox_config = json.loads(file.read().replace("@SANDBOX_URL@", "http://127.0.0.1:8080"))
    for name, configuration in (("sandbox configuration", sandbox_config),
                                ("configuration with every key", FULL_CONFIG)):
        paths = error_paths(schema_errors(config_validator, configuration))
        check(not paths, f"{name} validates against the configuration schema {paths}", failures)
        if library:
            code, output = library.call("chorus_configure", configuration)
            check(code == CHORUS_OK, f"library accepts the {name} {output[:300]}", failures)
    for name, path, value, blamed in CONFIG_CASES:
        configuration = copy.deepcopy(FULL_CONFIG)
        set_path(configuration, path, value)
        paths = error_paths(schema_errors(config_validator, configuration))
        check(blamed in paths, f"configuration schema rejects {name} at '{blamed}' (errors at {paths})",
              failures)
        if library:
            code, _ = library.call("chorus_configure", configuration)
            check(code == CHORUS_ERR_INVALID_CONFIGURATION,
                  f"library rejects the configuration with {name} (code {code})", failures)

    print(f"{len(CHECKS_RUN) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
