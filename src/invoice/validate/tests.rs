//! One failing case per validation rule, plus the valid examples.

use rust_decimal::Decimal;

use super::super::decimal::dec;
use super::super::model::{
    Attachment, Contact, DocumentAllowanceCharge, ExpectedTotals, LineAllowanceCharge,
    PartyIdentifier, PaymentInstructions, Period, SchemedId, VatExemption,
};
use super::super::{parse_invoice, Invoice, Problem};
use crate::config::BankAccount;

const SAMPLE: &str = include_str!("../../../examples/invoices/facturx-ubl-21-en16931.json");
const CREDIT_NOTE: &str = include_str!("../../../examples/invoices/credit-note.json");

fn sample() -> Invoice {
    parse_invoice(SAMPLE).expect("sample parses")
}

fn credit_note() -> Invoice {
    parse_invoice(CREDIT_NOTE).expect("credit note parses")
}

fn account(iban: &str) -> BankAccount {
    BankAccount {
        iban: iban.to_owned(),
        bic: None,
        account_name: None,
    }
}

/// Applies `edit` to the sample invoice and returns the validation problems.
fn problems_after(edit: impl FnOnce(&mut Invoice)) -> Vec<Problem> {
    let mut invoice = sample();
    edit(&mut invoice);
    invoice.validate(None)
}

/// Asserts that a problem with `path` exists whose English message contains `words`.
fn assert_problem(problems: &[Problem], path: &str, words: &str) {
    let found = problems
        .iter()
        .any(|problem| problem.path == path && problem.message_en.contains(words));
    assert!(
        found,
        "no problem at {path} containing {words:?} in {problems:#?}"
    );
}

fn assert_no_problem_at(problems: &[Problem], path: &str) {
    let found: Vec<_> = problems
        .iter()
        .filter(|problem| problem.path == path)
        .collect();
    assert!(
        found.is_empty(),
        "unexpected problems at {path}: {found:#?}"
    );
}

fn allowance(amount: &str, category: &str, rate: Option<&str>) -> DocumentAllowanceCharge {
    DocumentAllowanceCharge {
        amount: dec(amount),
        base_amount: None,
        percentage: None,
        vat_category: category.to_owned(),
        vat_rate: rate.map(dec),
        reason: Some("Remise".to_owned()),
        reason_code: None,
    }
}

fn exemption(category: &str) -> VatExemption {
    VatExemption {
        vat_category: category.to_owned(),
        reason: Some("Exonération".to_owned()),
        reason_code: None,
    }
}

/// Turns every line and document allowance or charge into `category` with `rate`.
fn set_all_categories(invoice: &mut Invoice, category: &str, rate: Option<&str>) {
    for line in &mut invoice.lines {
        line.vat_category = category.to_owned();
        line.vat_rate = rate.map(dec);
    }
    for item in invoice
        .allowances
        .iter_mut()
        .chain(invoice.charges.iter_mut())
    {
        item.vat_category = category.to_owned();
        item.vat_rate = rate.map(dec);
    }
    invoice.expected_totals = None;
}

#[test]
fn sample_is_valid() {
    assert_eq!(sample().validate(None), Vec::<Problem>::new());
}

#[test]
fn credit_note_is_valid() {
    assert_eq!(credit_note().validate(None), Vec::<Problem>::new());
}

#[test]
fn all_problems_reported_at_once() {
    let problems = problems_after(|invoice| {
        invoice.number = String::new();
        invoice.seller.siret = Some("123".to_owned());
        invoice.lines[1].vat_rate = Some(Decimal::ZERO);
    });
    assert_problem(&problems, "number", "invalid invoice number");
    assert_problem(&problems, "seller.siret", "invalid SIRET");
    assert_problem(&problems, "lines[1].vat_rate", "needs a rate above 0");
    for problem in &problems {
        assert!(!problem.message_fr.is_empty(), "{problem:?}");
    }
}

#[test]
fn type_codes_rejected_by_chorus() {
    for code in ["261", "751"] {
        let problems = problems_after(|invoice| invoice.type_code = code.to_owned());
        assert_problem(&problems, "type_code", "not accepted by Chorus Pro");
    }
    let problems = problems_after(|invoice| invoice.type_code = "999".to_owned());
    assert_problem(&problems, "type_code", "invalid invoice type code");
}

#[test]
fn invoice_number_rules() {
    for number in ["", "F 2026 0000000000000001", "F#1", "Fé1"] {
        let problems = problems_after(|invoice| invoice.number = number.to_owned());
        assert_problem(&problems, "number", "invalid invoice number");
    }
    let problems = problems_after(|invoice| invoice.number = "A-1+2_3/4 5".to_owned());
    assert_no_problem_at(&problems, "number");
}

#[test]
fn dates_must_be_iso() {
    let problems = problems_after(|invoice| {
        invoice.issue_date = "17/06/2026".to_owned();
        invoice.due_date = Some("2026-02-30".to_owned());
        invoice.preceding_invoices[0].issue_date = Some("2025-12".to_owned());
    });
    assert_problem(&problems, "issue_date", "invalid date");
    assert_problem(&problems, "due_date", "invalid date");
    assert_problem(
        &problems,
        "preceding_invoices[0].issue_date",
        "invalid date",
    );
}

#[test]
fn currency_shape() {
    let problems = problems_after(|invoice| invoice.currency_code = "euro".to_owned());
    assert_problem(&problems, "currency_code", "invalid currency code");
}

#[test]
fn billing_framework_list() {
    let problems = problems_after(|invoice| invoice.business_process_type = "S1".to_owned());
    assert_problem(&problems, "business_process_type", "not supported");
    for framework in ["A1", "A9", "A12"] {
        let problems = problems_after(|invoice| {
            invoice.business_process_type = framework.to_owned();
        });
        assert_no_problem_at(&problems, "business_process_type");
    }
}

#[test]
fn framework_a2_needs_full_payment() {
    let problems = problems_after(|invoice| invoice.business_process_type = "A2".to_owned());
    assert_problem(&problems, "paid_amount", "framework A2");

    let problems = problems_after(|invoice| {
        invoice.business_process_type = "A2".to_owned();
        invoice.paid_amount = Some(dec("308.03"));
        invoice.expected_totals = None;
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn chorus_reference_lengths() {
    let problems = problems_after(|invoice| {
        invoice.buyer_reference = Some("S".repeat(101));
        invoice.purchase_order_reference = Some("E".repeat(51));
    });
    assert_problem(&problems, "buyer_reference", "at most 100");
    assert_problem(&problems, "purchase_order_reference", "at most 50");

    let problems = problems_after(|invoice| {
        invoice.buyer_reference = Some("S".repeat(100));
        invoice.purchase_order_reference = Some("E".repeat(50));
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn blank_text_rejected() {
    let problems = problems_after(|invoice| {
        invoice.contract_reference = Some("  ".to_owned());
        invoice.preceding_invoices[1].reference = String::new();
        invoice.payment_terms = Some(String::new());
    });
    assert_problem(&problems, "contract_reference", "empty value");
    assert_problem(&problems, "preceding_invoices[1].reference", "empty value");
    assert_problem(&problems, "payment_terms", "empty value");
}

#[test]
fn control_characters_rejected() {
    let problems = problems_after(|invoice| invoice.notes[0].note = "bell\u{7}".to_owned());
    assert_problem(&problems, "notes[0].note", "control character U+0007");
    let problems = problems_after(|invoice| invoice.notes[0].note = "a\nb\tc".to_owned());
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn note_subject_code_shape() {
    let problems = problems_after(|invoice| invoice.notes[0].subject_code = Some("aai".to_owned()));
    assert_problem(&problems, "notes[0].subject_code", "invalid subject code");
}

#[test]
fn period_rules() {
    let problems = problems_after(|invoice| {
        invoice.invoicing_period = Some(Period {
            start_date: Some("2026-06-30".to_owned()),
            end_date: Some("2026-06-01".to_owned()),
        });
        invoice.lines[0].period = Some(Period {
            start_date: None,
            end_date: None,
        });
    });
    assert_problem(
        &problems,
        "invoicing_period.end_date",
        "is before start date",
    );
    assert_problem(&problems, "lines[0].period", "period without dates");
}

#[test]
fn french_seller_needs_siret() {
    let problems = problems_after(|invoice| invoice.seller.siret = None);
    assert_problem(&problems, "seller.siret", "missing seller SIRET");
}

#[test]
fn foreign_seller_without_siret() {
    let problems = problems_after(|invoice| {
        invoice.seller.siret = None;
        invoice.seller.siren = None;
        invoice.seller.electronic_address = None;
        invoice.seller.address.country_code = "DE".to_owned();
        invoice.seller.vat_identifier = Some("DE123456789".to_owned());
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn seller_needs_an_identifier() {
    let problems = problems_after(|invoice| {
        invoice.seller.siret = None;
        invoice.seller.siren = None;
        invoice.seller.vat_identifier = None;
        invoice.seller.address.country_code = "DE".to_owned();
    });
    assert_problem(&problems, "seller", "BR-CO-26");
}

#[test]
fn seller_identifier_checks() {
    let problems = problems_after(|invoice| {
        invoice.seller.siret = Some("99999999800018".to_owned());
        invoice.seller.siren = Some("99999999".to_owned());
        invoice.seller.vat_identifier = Some("FR12999999998".to_owned());
    });
    assert_problem(&problems, "seller.siret", "invalid SIRET");
    assert_problem(&problems, "seller.siren", "invalid SIREN");
    assert_problem(
        &problems,
        "seller.vat_identifier",
        "does not match the SIREN",
    );
}

#[test]
fn siren_must_prefix_siret() {
    let problems = problems_after(|invoice| invoice.buyer.siren = Some("732829320".to_owned()));
    assert_problem(&problems, "buyer.siren", "does not start with SIREN");
}

#[test]
fn la_poste_siret_accepted() {
    let problems = problems_after(|invoice| {
        invoice.buyer.siret = Some("35600000049837".to_owned());
        invoice.buyer.siren = None;
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn buyer_needs_siret_even_overseas() {
    let problems = problems_after(|invoice| {
        invoice.buyer.siret = None;
        invoice.buyer.address.country_code = "RE".to_owned();
    });
    assert_problem(&problems, "buyer.siret", "missing buyer SIRET");
    let problems =
        problems_after(|invoice| invoice.buyer.siret = Some("78787878400019".to_owned()));
    assert_problem(&problems, "buyer.siret", "invalid SIRET");
}

#[test]
fn buyer_vat_identifier_shape() {
    let problems = problems_after(|invoice| {
        invoice.buyer.vat_identifier = Some("19787878784".to_owned());
    });
    assert_problem(&problems, "buyer.vat_identifier", "ISO 3166 country code");
}

#[test]
fn chorus_name_lengths() {
    let problems = problems_after(|invoice| {
        invoice.buyer.name = "N".repeat(100);
        invoice.seller.trading_name = Some("T".repeat(100));
    });
    assert_problem(&problems, "buyer.name", "at most 99");
    assert_problem(&problems, "seller.trading_name", "at most 99");
}

#[test]
fn party_names_required() {
    let problems = problems_after(|invoice| {
        invoice.seller.name = " ".to_owned();
        invoice.buyer.name = String::new();
    });
    assert_problem(&problems, "seller.name", "empty value");
    assert_problem(&problems, "buyer.name", "empty value");
}

#[test]
fn country_code_shape() {
    let problems = problems_after(|invoice| {
        invoice.seller.address.country_code = "FRA".to_owned();
        invoice.buyer.address.country_code = "fr".to_owned();
    });
    assert_problem(
        &problems,
        "seller.address.country_code",
        "invalid country code",
    );
    assert_problem(
        &problems,
        "buyer.address.country_code",
        "invalid country code",
    );
}

#[test]
fn contact_rules() {
    let problems = problems_after(|invoice| {
        invoice.seller.contact = Some(Contact {
            name: None,
            telephone: None,
            email: Some("contact.example.org".to_owned()),
        });
        invoice.buyer.contact = Some(Contact {
            name: None,
            telephone: None,
            email: None,
        });
    });
    assert_problem(&problems, "seller.contact.email", "invalid e-mail address");
    assert_problem(&problems, "buyer.contact", "empty contact");
}

#[test]
fn electronic_address_checks() {
    let problems = problems_after(|invoice| {
        invoice.seller.electronic_address = Some(SchemedId {
            scheme: "0225".to_owned(),
            id: "123456789_042".to_owned(),
        });
        invoice.buyer.electronic_address = Some(SchemedId {
            scheme: "0009".to_owned(),
            id: "78787878400019".to_owned(),
        });
    });
    assert_problem(
        &problems,
        "seller.electronic_address.id",
        "invalid 0225 address",
    );
    assert_problem(&problems, "buyer.electronic_address.id", "invalid SIRET");
}

#[test]
fn delivery_rules() {
    let problems = problems_after(|invoice| {
        let delivery = invoice.delivery.as_mut().unwrap();
        delivery.actual_delivery_date = Some("2026-06-31".to_owned());
        delivery.location_id = Some(SchemedId {
            scheme: "0009".to_owned(),
            id: "1".to_owned(),
        });
    });
    assert_problem(&problems, "delivery.actual_delivery_date", "invalid date");
    assert_problem(&problems, "delivery.location_id.id", "invalid SIRET");

    let problems = problems_after(|invoice| {
        let delivery = invoice.delivery.as_mut().unwrap();
        delivery.party_name = None;
        delivery.location_id = None;
        delivery.actual_delivery_date = None;
        delivery.address = None;
    });
    assert_problem(&problems, "delivery", "empty delivery");
}

#[test]
fn iban_and_bic_checks() {
    let problems = problems_after(|invoice| {
        let account = invoice.seller.bank_account.as_mut().unwrap();
        account.iban = "FR9862738461697634625245588".to_owned();
        account.bic = Some("QNTO1RP1".to_owned());
    });
    assert_problem(&problems, "seller.bank_account.iban", "check digits");
    assert_problem(&problems, "seller.bank_account.bic", "invalid BIC");

    let problems = problems_after(|invoice| {
        invoice.seller.bank_account.as_mut().unwrap().iban = "FR98627384616976346252455".to_owned();
    });
    assert_problem(&problems, "seller.bank_account.iban", "27 characters");

    let problems = problems_after(|invoice| {
        invoice.seller.bank_account.as_mut().unwrap().iban =
            "FR98 6273 8461 6976 3462 5245 589".to_owned();
    });
    assert_problem(&problems, "seller.bank_account.iban", "without spaces");
}

#[test]
fn transfer_needs_an_account() {
    let problems = problems_after(|invoice| invoice.seller.bank_account = None);
    assert_problem(&problems, "payment_instructions.credit_transfer", "no IBAN");

    let problems = problems_after(|invoice| {
        invoice.seller.bank_account = None;
        invoice.payment_instructions = None;
    });
    assert_problem(
        &problems,
        "payment_instructions.credit_transfer",
        "no IBAN for the credit transfer (code 30)",
    );
}

#[test]
fn default_bank_used_and_checked() {
    let mut invoice = sample();
    invoice.seller.bank_account = None;
    let good = account("FR7630006000011234567890189");
    assert_eq!(invoice.validate(Some(&good)), Vec::<Problem>::new());

    let bad = account("FR7630006000011234567890188");
    let problems = invoice.validate(Some(&bad));
    assert_problem(&problems, "configuration.bank_account.iban", "check digits");
}

#[test]
fn default_bank_ignored_when_seller_has_one() {
    let bad = account("FR7630006000011234567890188");
    assert_eq!(sample().validate(Some(&bad)), Vec::<Problem>::new());
}

#[test]
fn payment_means_code_rules() {
    let problems = problems_after(|invoice| {
        invoice.payment_instructions.as_mut().unwrap().means_code = Some("58".to_owned());
    });
    assert_problem(
        &problems,
        "payment_instructions.means_code",
        "does not use code 58: use 30",
    );

    let problems = problems_after(|invoice| {
        invoice.payment_instructions.as_mut().unwrap().means_code = Some("3A".to_owned());
    });
    assert_problem(
        &problems,
        "payment_instructions.means_code",
        "invalid payment means code",
    );

    let problems = problems_after(|invoice| {
        let instructions = invoice.payment_instructions.as_mut().unwrap();
        instructions.means_code = Some("10".to_owned());
        instructions.credit_transfer = Some(account("FR7630006000011234567890189"));
    });
    assert_problem(
        &problems,
        "payment_instructions.credit_transfer",
        "only used by credit transfers",
    );
}

#[test]
fn cash_payment_needs_no_account() {
    let problems = problems_after(|invoice| {
        invoice.seller.bank_account = None;
        invoice.payment_instructions.as_mut().unwrap().means_code = Some("10".to_owned());
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn credit_note_refuses_payment_means() {
    let mut invoice = credit_note();
    invoice.payment_instructions = Some(PaymentInstructions {
        means_code: Some("30".to_owned()),
        means_text: None,
        remittance_information: None,
        credit_transfer: None,
        additional_credit_transfers: Vec::new(),
        direct_debit: None,
    });
    let problems = invoice.validate(None);
    assert_problem(
        &problems,
        "payment_instructions",
        "carries no payment means",
    );
}

#[test]
fn credit_note_refuses_due_date() {
    let mut invoice = credit_note();
    invoice.due_date = Some("2026-07-24".to_owned());
    let problems = invoice.validate(None);
    assert_problem(&problems, "due_date", "carries no due date");
}

#[test]
fn credit_note_without_preceding_invoice_accepted() {
    let mut invoice = credit_note();
    invoice.preceding_invoices.clear();
    assert_eq!(invoice.validate(None), Vec::<Problem>::new());
}

#[test]
fn positive_due_needs_date_or_terms() {
    let problems = problems_after(|invoice| {
        invoice.due_date = None;
        invoice.payment_terms = None;
    });
    assert_problem(&problems, "payment_terms", "BR-CO-25");
    let problems = problems_after(|invoice| invoice.due_date = None);
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn document_allowance_rules() {
    let problems = problems_after(|invoice| {
        let first = &mut invoice.allowances[0];
        first.reason = None;
        first.amount = dec("3.001");
        first.reason_code = Some("9999".to_owned());
        let second = &mut invoice.allowances[1];
        second.percentage = Some(dec("10"));
        second.base_amount = None;
        let charge = &mut invoice.charges[0];
        charge.percentage = Some(dec("5"));
        charge.base_amount = Some(dec("100.00"));
        charge.amount = dec("5.50");
        invoice.expected_totals = None;
    });
    assert_problem(&problems, "allowances[0].amount", "has 3 decimals");
    assert_problem(
        &problems,
        "allowances[0].reason_code",
        "invalid reason code",
    );
    assert_problem(
        &problems,
        "allowances[1].base_amount",
        "percentage needs base_amount",
    );
    assert_problem(
        &problems,
        "charges[0].amount",
        "base_amount × percentage / 100 = 5.00",
    );

    let problems = problems_after(|invoice| {
        invoice.allowances[0].reason = None;
        invoice.allowances[0].reason_code = None;
    });
    assert_problem(&problems, "allowances[0]", "missing reason");
}

#[test]
fn vat_category_and_rate_rules() {
    let problems = problems_after(|invoice| {
        invoice.allowances[0].vat_category = "X".to_owned();
        invoice.allowances[1].vat_rate = None;
        invoice.charges[0].vat_rate = Some(dec("20.125"));
        invoice.lines[0].vat_rate = Some(Decimal::ZERO);
        invoice.expected_totals = None;
    });
    assert_problem(
        &problems,
        "allowances[0].vat_category",
        "unknown VAT category",
    );
    assert_problem(&problems, "allowances[1].vat_rate", "missing VAT rate");
    assert_problem(&problems, "charges[0].vat_rate", "has 3 decimals");
    assert_problem(&problems, "lines[0].vat_rate", "needs a rate above 0");
}

#[test]
fn zero_rate_categories_need_zero() {
    for category in ["Z", "E", "AE", "K", "G"] {
        let problems = problems_after(|invoice| {
            invoice.lines[0].vat_category = category.to_owned();
            invoice.lines[0].vat_rate = Some(dec("5.5"));
        });
        assert_problem(&problems, "lines[0].vat_rate", "needs a rate of 0");
    }
}

#[test]
fn igic_rate_not_negative() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].vat_category = "L".to_owned();
        invoice.lines[0].vat_rate = Some(dec("-1"));
    });
    assert_problem(&problems, "lines[0].vat_rate", "cannot be negative");
}

#[test]
fn not_subject_rules() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].vat_category = "O".to_owned();
        invoice.lines[0].vat_rate = Some(Decimal::ZERO);
    });
    assert_problem(&problems, "lines[0].vat_rate", "has no rate");
    assert_problem(&problems, "lines", "cannot be mixed");
    assert_problem(
        &problems,
        "seller.vat_identifier",
        "carries no seller VAT identifier",
    );
    assert_problem(
        &problems,
        "buyer.vat_identifier",
        "carries no buyer VAT identifier",
    );
    assert_problem(&problems, "tax_representative", "BR-O-04");
    assert_problem(&problems, "vat_exemptions", "category O");
}

#[test]
fn not_subject_invoice_valid() {
    let problems = problems_after(|invoice| {
        set_all_categories(invoice, "O", None);
        invoice.seller.vat_identifier = None;
        invoice.buyer.vat_identifier = None;
        invoice.tax_representative = None;
        invoice.vat_exemptions = vec![exemption("O")];
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn taxed_categories_need_seller_vat() {
    let problems = problems_after(|invoice| {
        invoice.seller.vat_identifier = None;
        invoice.tax_representative = None;
    });
    assert_problem(
        &problems,
        "seller.vat_identifier",
        "required with VAT category S",
    );
    // The tax representative's VAT identifier replaces the seller's.
    let problems = problems_after(|invoice| invoice.seller.vat_identifier = None);
    assert_no_problem_at(&problems, "seller.vat_identifier");
}

#[test]
fn exemption_reason_rules() {
    let problems = problems_after(|invoice| set_all_categories(invoice, "E", Some("0")));
    assert_problem(
        &problems,
        "vat_exemptions",
        "missing exemption reason for VAT category E",
    );

    let problems = problems_after(|invoice| {
        set_all_categories(invoice, "E", Some("0"));
        let mut coded = exemption("E");
        coded.reason_code = Some("EU-132".to_owned());
        invoice.vat_exemptions = vec![
            coded,
            exemption("E"),
            exemption("S"),
            exemption("AE"),
            VatExemption {
                vat_category: "G".to_owned(),
                reason: None,
                reason_code: None,
            },
        ];
    });
    assert_problem(
        &problems,
        "vat_exemptions[0].reason_code",
        "expected a VATEX code",
    );
    assert_problem(
        &problems,
        "vat_exemptions[1].vat_category",
        "second exemption reason",
    );
    assert_problem(
        &problems,
        "vat_exemptions[2].vat_category",
        "only E, AE, K, G and O",
    );
    assert_problem(&problems, "vat_exemptions[3].vat_category", "which no line");
    assert_problem(&problems, "vat_exemptions[4]", "empty exemption reason");
}

#[test]
fn exempt_invoice_valid() {
    let problems = problems_after(|invoice| {
        set_all_categories(invoice, "E", Some("0"));
        let mut reason = exemption("E");
        reason.reason_code = Some("VATEX-EU-132".to_owned());
        invoice.vat_exemptions = vec![reason];
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn intra_community_rules() {
    let problems = problems_after(|invoice| {
        set_all_categories(invoice, "K", Some("0"));
        invoice.vat_exemptions = vec![exemption("K")];
        invoice.buyer.vat_identifier = None;
        invoice.invoicing_period = None;
        invoice.delivery = None;
    });
    assert_problem(&problems, "buyer.vat_identifier", "intra-community supply");
    assert_problem(
        &problems,
        "delivery.actual_delivery_date",
        "intra-community supply",
    );
    assert_problem(&problems, "delivery.address", "intra-community supply");

    let problems = problems_after(|invoice| {
        set_all_categories(invoice, "K", Some("0"));
        invoice.vat_exemptions = vec![exemption("K")];
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

#[test]
fn no_lines_rejected() {
    let problems = problems_after(|invoice| {
        invoice.lines.clear();
        invoice.expected_totals = None;
    });
    assert_problem(&problems, "lines", "no lines");
}

#[test]
fn line_identifier_rules() {
    let problems = problems_after(|invoice| {
        invoice.lines[1].id = "1".to_owned();
        invoice.lines[0].item_name = String::new();
    });
    assert_problem(&problems, "lines[1].id", "duplicate line identifier");
    assert_problem(&problems, "lines[0].item_name", "empty value");
}

#[test]
fn quantity_decimals_limited() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].quantity = dec("10.00001");
        invoice.expected_totals = None;
    });
    assert_problem(&problems, "lines[0].quantity", "has 5 decimals");
    let problems = problems_after(|invoice| {
        invoice.lines[0].quantity = dec("10.00000");
    });
    assert_no_problem_at(&problems, "lines[0].quantity");
}

#[test]
fn unit_code_shape() {
    let problems = problems_after(|invoice| invoice.lines[0].unit_code = "pcs".to_owned());
    assert_problem(&problems, "lines[0].unit_code", "invalid unit code");
}

#[test]
fn price_rules() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].net_price = dec("-1");
        invoice.lines[0].gross_price = Some(dec("-0.5"));
        invoice.lines[0].price_discount = Some(dec("-0.5"));
        invoice.lines[1].base_quantity = Some(Decimal::ZERO);
        invoice.expected_totals = None;
    });
    assert_problem(&problems, "lines[0].net_price", "BR-27");
    assert_problem(&problems, "lines[0].gross_price", "BR-28");
    assert_problem(&problems, "lines[0].price_discount", "negative value");
    assert_problem(&problems, "lines[1].base_quantity", "must be above 0");
}

#[test]
fn gross_price_and_discount_consistent() {
    let problems = problems_after(|invoice| invoice.lines[0].price_discount = None);
    assert_problem(
        &problems,
        "lines[0].price_discount",
        "gross_price needs price_discount",
    );
    let problems = problems_after(|invoice| invoice.lines[0].gross_price = None);
    assert_problem(
        &problems,
        "lines[0].gross_price",
        "price_discount needs gross_price",
    );
    let problems = problems_after(|invoice| invoice.lines[0].price_discount = Some(dec("1.00")));
    assert_problem(
        &problems,
        "lines[0].net_price",
        "gross_price − price_discount = 14.00",
    );
}

#[test]
fn line_allowance_rules() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].allowances.push(LineAllowanceCharge {
            amount: dec("1.005"),
            base_amount: None,
            percentage: None,
            reason: None,
            reason_code: None,
        });
        invoice.expected_totals = None;
    });
    assert_problem(&problems, "lines[0].allowances[1].amount", "has 3 decimals");
    assert_problem(&problems, "lines[0].allowances[1]", "missing reason");
}

#[test]
fn standard_item_id_rules() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].standard_item_id = Some(SchemedId {
            scheme: String::new(),
            id: "9".repeat(41),
        });
    });
    assert_problem(&problems, "lines[0].standard_item_id.scheme", "empty value");
    assert_problem(&problems, "lines[0].standard_item_id.id", "at most 40");
}

#[test]
fn paid_amount_decimals() {
    let problems = problems_after(|invoice| {
        invoice.paid_amount = Some(dec("100.001"));
        invoice.expected_totals = None;
    });
    assert_problem(&problems, "paid_amount", "has 3 decimals");
}

#[test]
fn expected_totals_compared() {
    let problems = problems_after(|invoice| {
        invoice.expected_totals = Some(ExpectedTotals {
            sum_of_line_net_amounts: Some(dec("273.00")),
            total_without_vat: Some(dec("273")),
            total_vat_amount: Some(dec("35.02")),
            total_with_vat: Some(dec("308.02")),
            amount_due_for_payment: Some(dec("208.02")),
        });
    });
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert_problem(
        &problems,
        "expected_totals.total_vat_amount",
        "BT-110: the ERP computed 35.02, the library computes 35.03",
    );
    assert_problem(&problems, "expected_totals.total_with_vat", "BT-112");
    assert_problem(
        &problems,
        "expected_totals.amount_due_for_payment",
        "BT-115",
    );
}

#[test]
fn overflow_reported() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].quantity = Decimal::MAX;
        invoice.lines[0].net_price = dec("2");
        invoice.lines[0].gross_price = None;
        invoice.lines[0].price_discount = None;
    });
    assert_problem(&problems, "lines", "out of range");
}

#[test]
fn problems_serialize_to_json() {
    let problem = Problem {
        path: "seller.siret".to_owned(),
        message_fr: "SIRET invalide".to_owned(),
        message_en: "invalid SIRET".to_owned(),
    };
    let json = serde_json::to_string(&problem).unwrap();
    assert_eq!(
        json,
        r#"{"path":"seller.siret","message_fr":"SIRET invalide","message_en":"invalid SIRET"}"#
    );
}

#[test]
fn allowance_helper_is_valid() {
    let problems = problems_after(|invoice| {
        invoice.allowances.push(allowance("1.00", "S", Some("20")));
        invoice.expected_totals = None;
    });
    assert_eq!(problems, Vec::<Problem>::new());
}

/// Returns a valid PDF attachment: "%PDF-1.4\n%%EOF\n" encoded in base64.
fn pdf_attachment() -> Attachment {
    Attachment {
        id: "BL-1".to_owned(),
        description: Some("Bon de livraison".to_owned()),
        file_name: "bon-livraison.pdf".to_owned(),
        mime_code: "application/pdf".to_owned(),
        content_base64: "JVBERi0xLjQKJSVFT0YK".to_owned(),
    }
}

fn problems_with_attachment(edit: impl FnOnce(&mut Attachment)) -> Vec<Problem> {
    problems_after(|invoice| {
        let mut attachment = pdf_attachment();
        edit(&mut attachment);
        invoice.attachments.push(attachment);
    })
}

#[test]
fn attachment_valid() {
    assert_eq!(problems_with_attachment(|_| {}), Vec::<Problem>::new());
    let png = problems_with_attachment(|attachment| {
        attachment.file_name = "photo.PNG".to_owned();
        attachment.mime_code = "image/png".to_owned();
        attachment.content_base64 = "iVBORw0KGgoAAAAN".to_owned();
    });
    assert_eq!(png, Vec::<Problem>::new());
}

#[test]
fn attachment_file_name_rules() {
    let long_name = format!("{}.pdf", "a".repeat(47));
    let problems = problems_with_attachment(|attachment| attachment.file_name = long_name);
    assert_problem(
        &problems,
        "attachments[0].file_name",
        "51 characters, Chorus Pro accepts at most 50",
    );
    let name_of_50 = format!("{}.pdf", "a".repeat(46));
    let problems = problems_with_attachment(|attachment| attachment.file_name = name_of_50);
    assert_no_problem_at(&problems, "attachments[0].file_name");

    for name in ["bon-livraison", ".pdf", "bon."] {
        let problems =
            problems_with_attachment(|attachment| attachment.file_name = name.to_owned());
        assert_problem(&problems, "attachments[0].file_name", "has no extension");
    }
    let problems =
        problems_with_attachment(|attachment| attachment.file_name = "virus.exe".to_owned());
    assert_problem(
        &problems,
        "attachments[0].file_name",
        "extension .exe is not accepted by Chorus Pro",
    );
    let problems =
        problems_with_attachment(|attachment| attachment.file_name = "../bon.pdf".to_owned());
    assert_problem(&problems, "attachments[0].file_name", "no / or \\");
}

#[test]
fn attachment_mime_rules() {
    // Chorus Pro accepts ZIP files, but EN 16931 cannot embed them (BR-CL-24).
    let problems = problems_with_attachment(|attachment| {
        attachment.file_name = "pieces.zip".to_owned();
        attachment.mime_code = "application/zip".to_owned();
    });
    assert_problem(
        &problems,
        "attachments[0].mime_code",
        "not accepted by EN 16931 (BR-CL-24)",
    );
    let problems =
        problems_with_attachment(|attachment| attachment.file_name = "photo.png".to_owned());
    assert_problem(
        &problems,
        "attachments[0].mime_code",
        "does not match the file extension .png",
    );
}

#[test]
fn attachment_content_rules() {
    let problems =
        problems_with_attachment(|attachment| attachment.content_base64 = "JVBER i0=".to_owned());
    assert_problem(
        &problems,
        "attachments[0].content_base64",
        "invalid base64 content",
    );
    let problems = problems_with_attachment(|attachment| attachment.content_base64 = String::new());
    assert_problem(&problems, "attachments[0].content_base64", "empty file");
    // "GIF89a" is not a PDF header.
    let problems =
        problems_with_attachment(|attachment| attachment.content_base64 = "R0lGODlh".to_owned());
    assert_problem(
        &problems,
        "attachments[0].content_base64",
        "is not a application/pdf file",
    );
}

#[test]
fn attachment_size_limit() {
    use base64::Engine;
    let mut content = b"%PDF-1.4\n".to_vec();
    content.resize(10 * 1024 * 1024 + 1, b' ');
    let encoded = base64::engine::general_purpose::STANDARD.encode(&content);
    let problems = problems_with_attachment(|attachment| attachment.content_base64 = encoded);
    assert_problem(
        &problems,
        "attachments[0].content_base64",
        "file of 10485761 bytes: Chorus Pro accepts at most 10485760 bytes",
    );
    content.truncate(10 * 1024 * 1024);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&content);
    let problems = problems_with_attachment(|attachment| attachment.content_base64 = encoded);
    assert_no_problem_at(&problems, "attachments[0].content_base64");
}

#[test]
fn attachment_ids_unique() {
    let problems = problems_after(|invoice| {
        invoice.attachments.push(pdf_attachment());
        invoice.attachments.push(pdf_attachment());
    });
    assert_problem(
        &problems,
        "attachments[1].id",
        "duplicate attachment reference",
    );
    assert_no_problem_at(&problems, "attachments[0].id");
}

#[test]
fn note_subject_code_from_untdid_4451() {
    let problems = problems_after(|invoice| invoice.notes[0].subject_code = Some("NDA".to_owned()));
    assert_problem(
        &problems,
        "notes[0].subject_code",
        "expected a UNTDID 4451 code",
    );
    let problems = problems_after(|invoice| invoice.notes[0].subject_code = Some("REG".to_owned()));
    assert_no_problem_at(&problems, "notes[0].subject_code");
}

#[test]
fn note_text_like_unknown_subject_code() {
    let problems =
        problems_after(|invoice| invoice.notes[2].note = "Ref #A12# du 3 mai".to_owned());
    assert_problem(
        &problems,
        "notes[2].note",
        "unknown subject code in UBL (BR-CL-08)",
    );
    // A known code, another length, or a single # is fine.
    for text in ["voir #AAI# ci-dessous", "commande #1234# ok", "n° #5"] {
        let problems = problems_after(|invoice| invoice.notes[2].note = text.to_owned());
        assert_no_problem_at(&problems, "notes[2].note");
    }
    // CII carries the subject code in its own element, so the text is free.
    let mut invoice = sample();
    invoice.preceding_invoices.truncate(1);
    invoice.notes[2].note = "Ref #A12# du 3 mai".to_owned();
    assert_eq!(
        invoice.validate_as(super::super::Syntax::Cii, None),
        Vec::<Problem>::new()
    );
}

#[test]
fn codes_from_en16931_lists() {
    type Edit = fn(&mut Invoice);
    let cases: [(&str, Edit, &str); 10] = [
        (
            "lines[0].unit_code",
            |invoice| invoice.lines[0].unit_code = "PCS".to_owned(),
            "invalid unit code",
        ),
        (
            "currency_code",
            |invoice| invoice.currency_code = "EUX".to_owned(),
            "invalid currency code",
        ),
        (
            "buyer.address.country_code",
            |invoice| invoice.buyer.address.country_code = "UK".to_owned(),
            "invalid country code",
        ),
        (
            "payment_instructions.means_code",
            |invoice| {
                invoice.payment_instructions.as_mut().unwrap().means_code = Some("99".to_owned())
            },
            "invalid payment means code",
        ),
        (
            "allowances[0].reason_code",
            |invoice| invoice.allowances[0].reason_code = Some("FC".to_owned()),
            "expected a UNTDID 5189 allowance code",
        ),
        (
            "charges[0].reason_code",
            |invoice| invoice.charges[0].reason_code = Some("95".to_owned()),
            "expected a UNTDID 7161 charge code",
        ),
        (
            "lines[0].allowances[0].reason_code",
            |invoice| invoice.lines[0].allowances[0].reason_code = Some("ZZ9".to_owned()),
            "expected a UNTDID 5189 allowance code",
        ),
        (
            "seller.electronic_address.scheme",
            |invoice| {
                invoice.seller.electronic_address.as_mut().unwrap().scheme = "9999".to_owned()
            },
            "expected a CEF EAS electronic address scheme",
        ),
        (
            "lines[0].standard_item_id.scheme",
            |invoice| {
                invoice.lines[0].standard_item_id.as_mut().unwrap().scheme = "GTIN".to_owned()
            },
            "expected an ISO 6523 ICD code",
        ),
        (
            "delivery.location_id.scheme",
            |invoice| {
                invoice
                    .delivery
                    .as_mut()
                    .unwrap()
                    .location_id
                    .as_mut()
                    .unwrap()
                    .scheme = "0000".to_owned()
            },
            "expected an ISO 6523 ICD code",
        ),
    ];
    for (path, edit, words) in cases {
        let problems = problems_after(edit);
        assert_problem(&problems, path, words);
    }
    // The sample's own codes (C62, EUR, FR, 30, 0225, 0160, 0009) are in the lists.
    assert_eq!(sample().validate(None), Vec::<Problem>::new());
}

#[test]
fn exemption_code_from_vatex_list() {
    let problems = problems_after(|invoice| {
        set_all_categories(invoice, "E", Some("0"));
        invoice.vat_exemptions = vec![VatExemption {
            vat_category: "E".to_owned(),
            reason: None,
            reason_code: Some("VATEX-EU-999".to_owned()),
        }];
    });
    assert_problem(
        &problems,
        "vat_exemptions[0].reason_code",
        "invalid exemption reason code",
    );
}

#[test]
fn foreign_seller_identifiers() {
    let problems = problems_after(|invoice| {
        invoice.seller.siret = None;
        invoice.seller.siren = None;
        invoice.seller.vat_identifier = None;
        invoice.seller.address.country_code = "DE".to_owned();
        invoice.seller.identifiers = vec![PartyIdentifier {
            scheme: Some("0088".to_owned()),
            id: "4000001123452".to_owned(),
        }];
    });
    assert_no_problem_at(&problems, "seller");
    assert_no_problem_at(&problems, "seller.identifiers[0].scheme");

    let problems = problems_after(|invoice| {
        invoice.seller.identifiers = vec![
            PartyIdentifier {
                scheme: Some("0009".to_owned()),
                id: "99999999800019".to_owned(),
            },
            PartyIdentifier {
                scheme: Some("GLN".to_owned()),
                id: "4000001123452".to_owned(),
            },
        ];
        invoice.seller.legal_registration = Some(PartyIdentifier {
            scheme: None,
            id: "HRB 1234".to_owned(),
        });
    });
    assert_problem(
        &problems,
        "seller.identifiers[0].scheme",
        "give the SIRET in siret",
    );
    assert_problem(
        &problems,
        "seller.identifiers[1].scheme",
        "expected an ISO 6523 ICD code",
    );
    assert_problem(
        &problems,
        "seller.legal_registration",
        "the SIREN is the legal registration identifier of a French seller",
    );
}

#[test]
fn sales_order_needs_engagement_in_ubl() {
    let mut invoice = sample();
    invoice.purchase_order_reference = None;
    let problems = invoice.validate_as(super::super::Syntax::Ubl, None);
    assert_problem(
        &problems,
        "sales_order_reference",
        "purchase_order_reference",
    );
    let problems = invoice.validate_as(super::super::Syntax::Cii, None);
    assert_no_problem_at(&problems, "sales_order_reference");
}

#[test]
fn invoiced_object_scheme_checked() {
    let problems = problems_after(|invoice| {
        invoice.invoiced_object = Some(PartyIdentifier {
            scheme: Some("QQQQ".to_owned()),
            id: " ".to_owned(),
        });
    });
    assert_problem(&problems, "invoiced_object.id", "");
    assert_problem(&problems, "invoiced_object.scheme", "BR-CL-07");
}

#[test]
fn direct_debit_only_with_code_49() {
    let debit =
        r#"{"mandate_reference": "RUM-1", "debited_account": "FR7630006000011234567890189"}"#;
    let problems = problems_after(|invoice| {
        let instructions = invoice.payment_instructions.as_mut().unwrap();
        instructions.direct_debit = Some(serde_json::from_str(debit).unwrap());
    });
    assert_problem(
        &problems,
        "payment_instructions.direct_debit",
        "only used with code 49",
    );
    let problems = problems_after(|invoice| {
        let instructions = invoice.payment_instructions.as_mut().unwrap();
        instructions.means_code = Some("49".to_owned());
        instructions.credit_transfer = None;
        instructions.direct_debit = Some(serde_json::from_str(debit).unwrap());
        invoice.seller.bank_account = None;
    });
    assert_eq!(problems, Vec::<Problem>::new());
    let problems = problems_after(|invoice| {
        let instructions = invoice.payment_instructions.as_mut().unwrap();
        instructions.means_code = Some("49".to_owned());
        instructions.credit_transfer = None;
        instructions.direct_debit = Some(serde_json::from_str("{}").unwrap());
        invoice.seller.bank_account = None;
    });
    assert_problem(
        &problems,
        "payment_instructions.direct_debit",
        "empty direct debit",
    );
}

#[test]
fn line_references_checked() {
    let problems = problems_after(|invoice| {
        invoice.lines[0].order_line_reference = Some("\u{0}".to_owned());
        invoice.lines[0].buyer_accounting_reference = Some(" ".to_owned());
    });
    assert_problem(&problems, "lines[0].order_line_reference", "");
    assert_problem(&problems, "lines[0].buyer_accounting_reference", "");
}
