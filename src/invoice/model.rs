//! The invoice as the ERP sends it in JSON, one field per EN 16931 business term.
//!
//! Field names follow the EN 16931 term names, and each comment starts with the term number.
//! Unknown keys are rejected at every level so that a misspelt optional field is reported
//! instead of silently dropped.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::codes;
use super::decimal;
use crate::config::BankAccount;

/// A supplier invoice or credit note to deposit on Chorus Pro.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invoice {
    /// BT-3 invoice type code (UNTDID 1001): 380, 381, 384, 386 or 389.
    #[serde(deserialize_with = "decimal::deserialize_code")]
    pub type_code: String,
    /// BT-1 invoice number: at most 20 characters from `A-Z a-z 0-9 space - + _ /`.
    pub number: String,
    /// BT-2 invoice issue date, `YYYY-MM-DD`.
    pub issue_date: String,
    /// BT-9 payment due date, `YYYY-MM-DD`, on invoices only.
    #[serde(default)]
    pub due_date: Option<String>,
    /// BT-5 invoice currency code (ISO 4217), EUR when absent.
    #[serde(default = "default_currency")]
    pub currency_code: String,
    /// BT-23 business process type: the Chorus Pro billing framework (A1, A2, A9, A12);
    /// A1 when absent.
    #[serde(default = "default_billing_framework")]
    pub business_process_type: String,
    /// BT-8 value added tax point date code (UNTDID 2005): 3 (invoice issue date, VAT on
    /// debits), 35 (actual delivery date) or 432 (paid to date, VAT on receipts). Exclusive
    /// with a tax point date, which the model does not carry (BR-CO-03).
    #[serde(default, deserialize_with = "decimal::deserialize_code_option")]
    pub vat_point_date_code: Option<String>,
    /// The validating structure of an A9 (subcontractor) or A12 (co-contractor) invoice,
    /// usually the main contractor, which approves the invoice before the buyer receives
    /// it. Required by these two frameworks and rejected by the others.
    #[serde(default)]
    pub validator: Option<Validator>,
    /// BT-10 buyer reference: the Chorus Pro service code of the buyer (code service).
    #[serde(default)]
    pub buyer_reference: Option<String>,
    /// BT-13 purchase order reference: the Chorus Pro engagement number.
    #[serde(default)]
    pub purchase_order_reference: Option<String>,
    /// BT-12 contract reference: the public procurement market number.
    #[serde(default)]
    pub contract_reference: Option<String>,
    /// BT-11 project reference.
    #[serde(default)]
    pub project_reference: Option<String>,
    /// BT-14 sales order reference, issued by the seller.
    #[serde(default)]
    pub sales_order_reference: Option<String>,
    /// BT-15 receiving advice reference.
    #[serde(default)]
    pub receiving_advice_reference: Option<String>,
    /// BT-16 despatch advice reference.
    #[serde(default)]
    pub despatch_advice_reference: Option<String>,
    /// BT-17 tender or lot reference.
    #[serde(default)]
    pub tender_reference: Option<String>,
    /// BT-18 invoiced object identifier, with an optional UNTDID 1153 scheme (such as
    /// `AAG` for a meter point).
    #[serde(default)]
    pub invoiced_object: Option<PartyIdentifier>,
    /// BT-19 buyer accounting reference.
    #[serde(default)]
    pub buyer_accounting_reference: Option<String>,
    /// BG-3 preceding invoices, which a credit note or corrected invoice refers to.
    #[serde(default)]
    pub preceding_invoices: Vec<PrecedingInvoice>,
    /// BG-1 invoice notes.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// BG-14 invoicing period.
    #[serde(default)]
    pub invoicing_period: Option<Period>,
    /// BG-4 seller (the supplier establishment).
    pub seller: Seller,
    /// BG-7 buyer (the public entity).
    pub buyer: Buyer,
    /// BG-10 payee, when someone other than the seller receives the payment.
    #[serde(default)]
    pub payee: Option<Payee>,
    /// BG-11 seller tax representative.
    #[serde(default)]
    pub tax_representative: Option<TaxRepresentative>,
    /// BG-13 delivery information.
    #[serde(default)]
    pub delivery: Option<Delivery>,
    /// BG-16 payment instructions, on invoices only.
    #[serde(default)]
    pub payment_instructions: Option<PaymentInstructions>,
    /// BT-20 payment terms, free text.
    #[serde(default)]
    pub payment_terms: Option<String>,
    /// BG-20 document level allowances.
    #[serde(default)]
    pub allowances: Vec<DocumentAllowanceCharge>,
    /// BG-21 document level charges.
    #[serde(default)]
    pub charges: Vec<DocumentAllowanceCharge>,
    /// BG-25 invoice lines, at least one.
    pub lines: Vec<Line>,
    /// BT-120 and BT-121 VAT exemption reasons, one per exempt VAT category used.
    #[serde(default)]
    pub vat_exemptions: Vec<VatExemption>,
    /// BT-113 paid amount: prepayments already received.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub paid_amount: Option<Decimal>,
    /// Totals the ERP computed, each of which must agree to the cent with ours.
    #[serde(default)]
    pub expected_totals: Option<ExpectedTotals>,
    /// BG-24 additional supporting documents, embedded in the XML.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// XML syntax deposited on Chorus Pro. When absent, `chorus_submit` uses the
    /// configuration's `syntax`, and the requests that need no configuration use UBL.
    #[serde(default)]
    pub syntax: Option<Syntax>,
}

/// XML syntax of the file deposited on Chorus Pro, each with its `syntaxeFlux` code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    /// EN 16931 UBL 2.1 `Invoice` or `CreditNote`, deposited as `IN_DP_E1_UBL_INVOICE`.
    #[default]
    Ubl,
    /// EN 16931 UN/CEFACT CII D16B `CrossIndustryInvoice`, deposited as `IN_DP_E1_CII_16B`.
    Cii,
}

impl Syntax {
    /// Returns the `syntaxeFlux` value of a deposit in this syntax.
    pub fn flux_code(self) -> &'static str {
        match self {
            Syntax::Ubl => codes::SYNTAX_UBL,
            Syntax::Cii => codes::SYNTAX_CII,
        }
    }

    /// Returns the JSON name of the syntax: `ubl` or `cii`.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Ubl => "ubl",
            Syntax::Cii => "cii",
        }
    }
}

/// BG-24 additional supporting document, embedded as a base64 binary object (BT-125).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// BT-122 supporting document reference, unique in the invoice.
    pub id: String,
    /// BT-123 supporting document description.
    #[serde(default)]
    pub description: Option<String>,
    /// BT-125-2 file name with its extension, such as `bon-de-livraison.pdf`.
    pub file_name: String,
    /// BT-125-1 MIME code, such as `application/pdf`.
    pub mime_code: String,
    /// BT-125 file content, base64 encoded (standard alphabet, with padding).
    pub content_base64: String,
}

fn default_currency() -> String {
    codes::DEFAULT_CURRENCY.to_owned()
}

fn default_billing_framework() -> String {
    codes::DEFAULT_BILLING_FRAMEWORK.to_owned()
}

/// BG-3 preceding invoice reference.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecedingInvoice {
    /// BT-25 preceding invoice number.
    pub reference: String,
    /// BT-26 preceding invoice issue date, `YYYY-MM-DD`.
    #[serde(default)]
    pub issue_date: Option<String>,
}

/// BG-1 invoice note.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// BT-21 invoice note subject code (UNTDID 4451, e.g. `AAI`, `PMT`), written as a
    /// `#CODE#` prefix of the note text.
    #[serde(default)]
    pub subject_code: Option<String>,
    /// BT-22 invoice note text, written as XML text (never as markup).
    pub note: String,
}

/// BG-14 or BG-26 period, with at least one of the two dates.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// BT-73 or BT-134 start date, `YYYY-MM-DD`.
    #[serde(default)]
    pub start_date: Option<String>,
    /// BT-74 or BT-135 end date, `YYYY-MM-DD`.
    #[serde(default)]
    pub end_date: Option<String>,
}

/// Identifier with its scheme (BT-34, BT-49, BT-71, BT-157).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemedId {
    /// Scheme identifier: an EAS code for electronic addresses (`0225`, `0009`, `EM`),
    /// an ISO 6523 ICD for item and location identifiers (`0160` for GTIN).
    pub scheme: String,
    /// Identifier value.
    pub id: String,
}

/// Party identifier whose scheme is optional (BT-29, BT-30).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyIdentifier {
    /// ISO 6523 ICD scheme, such as `0088` (GLN); absent for an identifier without scheme.
    #[serde(default)]
    pub scheme: Option<String>,
    /// Identifier value.
    pub id: String,
}

/// BG-5, BG-8 or BG-15 postal address.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// BT-35, BT-50 or BT-75 address line 1.
    #[serde(default)]
    pub line1: Option<String>,
    /// BT-36, BT-51 or BT-76 address line 2.
    #[serde(default)]
    pub line2: Option<String>,
    /// BT-162, BT-163 or BT-165 address line 3.
    #[serde(default)]
    pub line3: Option<String>,
    /// BT-37, BT-52 or BT-77 city.
    #[serde(default)]
    pub city: Option<String>,
    /// BT-38, BT-53 or BT-78 post code.
    #[serde(default)]
    pub post_code: Option<String>,
    /// BT-39, BT-54 or BT-79 country subdivision.
    #[serde(default)]
    pub country_subdivision: Option<String>,
    /// BT-40, BT-55 or BT-80 country code (ISO 3166-1 alpha-2).
    pub country_code: String,
}

/// BG-6 or BG-9 contact.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// BT-41 or BT-56 contact point (a person or department).
    #[serde(default)]
    pub name: Option<String>,
    /// BT-42 or BT-57 contact telephone number.
    #[serde(default)]
    pub telephone: Option<String>,
    /// BT-43 or BT-58 contact e-mail address.
    #[serde(default)]
    pub email: Option<String>,
}

/// BG-4 seller.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seller {
    /// BT-27 seller name (legal name).
    pub name: String,
    /// BT-28 seller trading name.
    #[serde(default)]
    pub trading_name: Option<String>,
    /// BT-29 seller identifier: the establishment SIRET, written with scheme 0009.
    /// Required when the seller's country code is FR.
    #[serde(default)]
    pub siret: Option<String>,
    /// BT-30 seller legal registration identifier: the SIREN, written with scheme 0002;
    /// derived from the SIRET when absent.
    #[serde(default)]
    pub siren: Option<String>,
    /// BT-29 seller identifiers other than the SIRET, such as a GLN (scheme 0088) or a
    /// national register number without scheme, for sellers established abroad.
    #[serde(default)]
    pub identifiers: Vec<PartyIdentifier>,
    /// BT-30 legal registration identifier of a seller without SIREN, such as a foreign
    /// company register number; exclusive with `siren`.
    #[serde(default)]
    pub legal_registration: Option<PartyIdentifier>,
    /// BT-31 seller VAT identifier, with its ISO 3166 country prefix.
    #[serde(default)]
    pub vat_identifier: Option<String>,
    /// BT-34 seller electronic address.
    #[serde(default)]
    pub electronic_address: Option<SchemedId>,
    /// BG-5 seller postal address.
    pub address: Address,
    /// BG-6 seller contact.
    #[serde(default)]
    pub contact: Option<Contact>,
    /// BG-17 establishment bank account, used when the payment instructions give none.
    #[serde(default)]
    pub bank_account: Option<BankAccount>,
}

/// BG-7 buyer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    /// BT-44 buyer name.
    pub name: String,
    /// BT-45 buyer trading name.
    #[serde(default)]
    pub trading_name: Option<String>,
    /// BT-46 buyer identifier: the SIRET Chorus Pro routes the invoice on, written with
    /// scheme 0009. Required, even for buyers in overseas departments.
    #[serde(default)]
    pub siret: Option<String>,
    /// BT-47 buyer legal registration identifier: the SIREN, derived from the SIRET when
    /// absent.
    #[serde(default)]
    pub siren: Option<String>,
    /// BT-48 buyer VAT identifier (Chorus Pro ignores it).
    #[serde(default)]
    pub vat_identifier: Option<String>,
    /// BT-49 buyer electronic address.
    #[serde(default)]
    pub electronic_address: Option<SchemedId>,
    /// BG-8 buyer postal address.
    pub address: Address,
    /// BG-9 buyer contact.
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// The structure that validates an A9 or A12 invoice (`codeStructureValideur` and
/// `codeServiceValideur` in the portal's own forms).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validator {
    /// SIRET of the validating structure, written with scheme 0009.
    pub siret: String,
    /// Name of the validating structure.
    #[serde(default)]
    pub name: Option<String>,
    /// Service code of the validating structure, when it uses services.
    #[serde(default)]
    pub service_code: Option<String>,
}

/// BG-10 payee.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payee {
    /// BT-59 payee name.
    pub name: String,
    /// BT-60 payee identifier, with an optional ICD scheme (`0009` for a SIRET).
    #[serde(default)]
    pub identifier: Option<PartyIdentifier>,
    /// BT-61 payee legal registration identifier, with an optional ICD scheme (`0002`
    /// for a SIREN).
    #[serde(default)]
    pub legal_registration: Option<PartyIdentifier>,
}

/// BG-11 seller tax representative party.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxRepresentative {
    /// BT-62 seller tax representative name.
    pub name: String,
    /// BT-63 seller tax representative VAT identifier, with its country prefix.
    pub vat_identifier: String,
    /// BG-12 seller tax representative postal address.
    pub address: Address,
}

/// BG-13 delivery information.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// BT-70 deliver to party name.
    #[serde(default)]
    pub party_name: Option<String>,
    /// BT-71 deliver to location identifier.
    #[serde(default)]
    pub location_id: Option<SchemedId>,
    /// BT-72 actual delivery date, `YYYY-MM-DD`.
    #[serde(default)]
    pub actual_delivery_date: Option<String>,
    /// BG-15 deliver to address.
    #[serde(default)]
    pub address: Option<Address>,
}

/// BG-16 payment instructions.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentInstructions {
    /// BT-81 payment means type code (UNCL4461), 30 (credit transfer) when absent.
    #[serde(default, deserialize_with = "decimal::deserialize_code_option")]
    pub means_code: Option<String>,
    /// BT-82 payment means text.
    #[serde(default)]
    pub means_text: Option<String>,
    /// BT-83 remittance information.
    #[serde(default)]
    pub remittance_information: Option<String>,
    /// BG-17 credit transfer account. When absent, the seller's `bank_account`, then the
    /// configuration's default account, is used.
    #[serde(default)]
    pub credit_transfer: Option<BankAccount>,
    /// Further BG-17 accounts the buyer may pay into, each written after the first one.
    #[serde(default)]
    pub additional_credit_transfers: Vec<BankAccount>,
    /// BG-19 direct debit, with payment means code 49.
    #[serde(default)]
    pub direct_debit: Option<DirectDebit>,
}

/// BG-19 direct debit.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectDebit {
    /// BT-89 mandate reference identifier.
    #[serde(default)]
    pub mandate_reference: Option<String>,
    /// BT-90 bank assigned creditor identifier (SEPA creditor identifier).
    #[serde(default)]
    pub creditor_identifier: Option<String>,
    /// BT-91 debited account identifier.
    #[serde(default)]
    pub debited_account: Option<String>,
}

/// BG-20 document level allowance or BG-21 document level charge.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentAllowanceCharge {
    /// BT-92 or BT-99 amount, without VAT, at most 2 decimals.
    #[serde(deserialize_with = "decimal::deserialize")]
    pub amount: Decimal,
    /// BT-93 or BT-100 base amount the percentage applies to.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub base_amount: Option<Decimal>,
    /// BT-94 or BT-101 percentage.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub percentage: Option<Decimal>,
    /// BT-95 or BT-102 VAT category code.
    pub vat_category: String,
    /// BT-96 or BT-103 VAT rate in percent, absent for category O.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub vat_rate: Option<Decimal>,
    /// BT-97 or BT-104 reason text.
    #[serde(default)]
    pub reason: Option<String>,
    /// BT-98 or BT-105 reason code (UNCL5189 for allowances, UNCL7161 for charges).
    #[serde(default, deserialize_with = "decimal::deserialize_code_option")]
    pub reason_code: Option<String>,
}

/// BG-27 invoice line allowance or BG-28 invoice line charge.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineAllowanceCharge {
    /// BT-136 or BT-141 amount, without VAT, at most 2 decimals.
    #[serde(deserialize_with = "decimal::deserialize")]
    pub amount: Decimal,
    /// BT-137 or BT-142 base amount the percentage applies to.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub base_amount: Option<Decimal>,
    /// BT-138 or BT-143 percentage.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub percentage: Option<Decimal>,
    /// BT-139 or BT-144 reason text.
    #[serde(default)]
    pub reason: Option<String>,
    /// BT-140 or BT-145 reason code (UNCL5189 for allowances, UNCL7161 for charges).
    #[serde(default, deserialize_with = "decimal::deserialize_code_option")]
    pub reason_code: Option<String>,
}

/// BG-25 invoice line.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// BT-126 invoice line identifier, unique in the invoice.
    pub id: String,
    /// BT-127 invoice line note.
    #[serde(default)]
    pub note: Option<String>,
    /// BT-132 referenced purchase order line.
    #[serde(default)]
    pub order_line_reference: Option<String>,
    /// BT-133 invoice line buyer accounting reference.
    #[serde(default)]
    pub buyer_accounting_reference: Option<String>,
    /// BT-129 invoiced quantity, at most 4 decimals.
    #[serde(deserialize_with = "decimal::deserialize")]
    pub quantity: Decimal,
    /// BT-130 invoiced quantity unit of measure code (UN/ECE Recommendation 20 or 21,
    /// e.g. `C62` one, `HUR` hour, `KGM` kilogram).
    pub unit_code: String,
    /// BT-146 item net price, excluding VAT, after the price discount.
    #[serde(deserialize_with = "decimal::deserialize")]
    pub net_price: Decimal,
    /// BT-148 item gross price before the price discount, given together with BT-147.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub gross_price: Option<Decimal>,
    /// BT-147 item price discount: gross price minus net price.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub price_discount: Option<Decimal>,
    /// BT-149 item price base quantity: the number of units the price applies to, 1 when
    /// absent. Written with the line's unit code (BT-150).
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub base_quantity: Option<Decimal>,
    /// BG-27 invoice line allowances.
    #[serde(default)]
    pub allowances: Vec<LineAllowanceCharge>,
    /// BG-28 invoice line charges.
    #[serde(default)]
    pub charges: Vec<LineAllowanceCharge>,
    /// BT-151 invoiced item VAT category code.
    pub vat_category: String,
    /// BT-152 invoiced item VAT rate in percent, absent for category O.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub vat_rate: Option<Decimal>,
    /// BT-153 item name.
    pub item_name: String,
    /// BT-154 item description.
    #[serde(default)]
    pub item_description: Option<String>,
    /// BT-155 item seller's identifier.
    #[serde(default)]
    pub seller_item_id: Option<String>,
    /// BT-156 item buyer's identifier.
    #[serde(default)]
    pub buyer_item_id: Option<String>,
    /// BT-157 item standard identifier with its ICD scheme (`0160` for a GTIN).
    #[serde(default)]
    pub standard_item_id: Option<SchemedId>,
    /// BT-158 item classification identifiers.
    #[serde(default)]
    pub classifications: Vec<Classification>,
    /// BT-159 item country of origin (ISO 3166-1 alpha-2).
    #[serde(default)]
    pub origin_country: Option<String>,
    /// BG-32 item attributes.
    #[serde(default)]
    pub attributes: Vec<ItemAttribute>,
    /// BG-26 invoice line period.
    #[serde(default)]
    pub period: Option<Period>,
}

/// BT-158 item classification identifier.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    /// BT-158-1 scheme identifier (UNTDID 7143, such as `STI` or `CV`).
    pub scheme: String,
    /// BT-158-2 scheme version.
    #[serde(default)]
    pub scheme_version: Option<String>,
    /// BT-158 classification code.
    pub id: String,
}

/// BG-32 item attribute.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemAttribute {
    /// BT-160 item attribute name.
    pub name: String,
    /// BT-161 item attribute value.
    pub value: String,
}

/// BT-120 and BT-121 for one VAT category of the VAT breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VatExemption {
    /// BT-118 VAT category code this reason applies to: E, AE, K, G or O.
    pub vat_category: String,
    /// BT-120 VAT exemption reason text.
    #[serde(default)]
    pub reason: Option<String>,
    /// BT-121 VAT exemption reason code (CEF VATEX list, e.g. `VATEX-EU-132`).
    #[serde(default)]
    pub reason_code: Option<String>,
}

/// BG-22 totals computed by the ERP, compared with the library's computation.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedTotals {
    /// BT-106 sum of invoice line net amounts.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub sum_of_line_net_amounts: Option<Decimal>,
    /// BT-109 invoice total amount without VAT.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub total_without_vat: Option<Decimal>,
    /// BT-110 invoice total VAT amount.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub total_vat_amount: Option<Decimal>,
    /// BT-112 invoice total amount with VAT.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub total_with_vat: Option<Decimal>,
    /// BT-115 amount due for payment.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    pub amount_due_for_payment: Option<Decimal>,
}

/// Origin of the payment account written on an invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountSource {
    /// `payment_instructions.credit_transfer` of the invoice.
    Invoice,
    /// `seller.bank_account`, the establishment's account.
    Seller,
    /// The company file's account from the configuration.
    Configuration,
}

impl Invoice {
    /// Returns whether BT-3 is 381, which is written with the `CreditNote` root.
    pub fn is_credit_note(&self) -> bool {
        self.type_code == codes::TYPE_CREDIT_NOTE
    }

    /// Returns the BT-81 code to write: the given one, else 30 on invoices, else none
    /// because credit notes carry no payment means.
    pub fn payment_means_code(&self) -> Option<&str> {
        let given = self
            .payment_instructions
            .as_ref()
            .and_then(|instructions| instructions.means_code.as_deref());
        match given {
            Some(code) => Some(code),
            None if self.is_credit_note() => None,
            None => Some(codes::DEFAULT_PAYMENT_MEANS),
        }
    }

    /// Resolves the BG-17 account: the invoice's own, else the seller establishment's,
    /// else `default_bank`. Credit notes and payment means other than credit transfers
    /// get none.
    pub fn payee_account<'a>(
        &'a self,
        default_bank: Option<&'a BankAccount>,
    ) -> Option<(&'a BankAccount, AccountSource)> {
        if self.is_credit_note() {
            return None;
        }
        let explicit = self
            .payment_instructions
            .as_ref()
            .and_then(|instructions| instructions.credit_transfer.as_ref());
        if let Some(account) = explicit {
            return Some((account, AccountSource::Invoice));
        }
        let means_code = self.payment_means_code()?;
        if !codes::CREDIT_TRANSFER_MEANS.contains(&means_code) {
            return None;
        }
        if let Some(account) = self.seller.bank_account.as_ref() {
            return Some((account, AccountSource::Seller));
        }
        default_bank.map(|account| (account, AccountSource::Configuration))
    }

    /// Returns BT-90, the creditor identifier of a direct debit; none on credit notes.
    pub fn creditor_identifier(&self) -> Option<&str> {
        if self.is_credit_note() {
            return None;
        }
        self.payment_instructions
            .as_ref()?
            .direct_debit
            .as_ref()?
            .creditor_identifier
            .as_deref()
    }

    /// Returns the BG-17 accounts written after the first one; none on credit notes.
    pub fn additional_accounts(&self) -> &[BankAccount] {
        match &self.payment_instructions {
            Some(instructions) if !self.is_credit_note() => {
                &instructions.additional_credit_transfers
            }
            _ => &[],
        }
    }

    /// Returns the exemption reason code (BT-121) and text (BT-120) given for a VAT category.
    pub fn exemption_for(&self, category: &str) -> Option<(Option<&str>, Option<&str>)> {
        self.vat_exemptions
            .iter()
            .find(|exemption| exemption.vat_category == category)
            .map(|exemption| {
                (
                    exemption.reason_code.as_deref(),
                    exemption.reason.as_deref(),
                )
            })
    }

    /// Returns the buyer SIREN to use: the given one, else the first 9 digits of the SIRET.
    pub fn buyer_siren(&self) -> Option<&str> {
        derive_siren(self.buyer.siren.as_deref(), self.buyer.siret.as_deref())
    }

    /// Returns the seller SIREN to use: the given one, else the first 9 digits of the SIRET.
    pub fn seller_siren(&self) -> Option<&str> {
        derive_siren(self.seller.siren.as_deref(), self.seller.siret.as_deref())
    }
}

fn derive_siren<'a>(siren: Option<&'a str>, siret: Option<&'a str>) -> Option<&'a str> {
    match (siren, siret) {
        (Some(siren), _) => Some(siren),
        (None, Some(siret)) if siret.len() == 14 && siret.is_ascii() => Some(&siret[..9]),
        _ => None,
    }
}
