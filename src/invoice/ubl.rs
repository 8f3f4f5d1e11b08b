//! EN 16931 UBL 2.1 writer for `Invoice` and `CreditNote` documents.
//!
//! Elements are written in the order of the OASIS UBL 2.1 schemas
//! (`UBL-Invoice-2.1.xsd`, `UBL-CreditNote-2.1.xsd`, `UBL-CommonAggregateComponents-2.1.xsd`),
//! and an aggregate is only opened when it has content, so no empty element is written.

use std::io;

use rust_decimal::Decimal;

use super::amounts::{Totals, VatBreakdown};
use super::codes;
use super::decimal::{format_amount, format_plain, format_price, format_rate};
use super::model::{
    Address, Delivery, DocumentAllowanceCharge, Invoice, Line, LineAllowanceCharge, Period,
};
use super::parties::{buyer_view, seller_view, PartyView};
use super::terms::{self, AddressTerms, AllowanceChargeTerms, Term};
use super::xml::XmlOut;
use crate::config::BankAccount;

/// Element names that differ between the two document types.
struct DocumentNames {
    root: &'static str,
    namespace: &'static str,
    type_code: &'static str,
    line: &'static str,
    quantity: &'static str,
}

const INVOICE_NAMES: DocumentNames = DocumentNames {
    root: "Invoice",
    namespace: codes::NS_INVOICE,
    type_code: "cbc:InvoiceTypeCode",
    line: "cac:InvoiceLine",
    quantity: "cbc:InvoicedQuantity",
};

const CREDIT_NOTE_NAMES: DocumentNames = DocumentNames {
    root: "CreditNote",
    namespace: codes::NS_CREDIT_NOTE,
    type_code: "cbc:CreditNoteTypeCode",
    line: "cac:CreditNoteLine",
    quantity: "cbc:CreditedQuantity",
};

/// Writes an invoice that [`Invoice::validate`] accepted, with its computed totals and the
/// resolved payee account.
pub(super) fn write(
    invoice: &Invoice,
    totals: &Totals,
    account: Option<&BankAccount>,
    commented: bool,
) -> io::Result<Vec<u8>> {
    let mut writer = UblWriter {
        out: XmlOut::new(commented),
        currency: &invoice.currency_code,
    };
    writer.document(invoice, totals, account)?;
    Ok(writer.out.finish())
}

struct UblWriter<'a> {
    out: XmlOut,
    currency: &'a str,
}

impl UblWriter<'_> {
    /// Writes an amount with 2 decimals and the document currency.
    fn amount(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        let currency = self.currency;
        self.out
            .element_with(name, &[("currencyID", currency)], &format_amount(value))
    }

    /// Writes a unit price or price allowance, keeping its decimals.
    fn price(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        let currency = self.currency;
        self.out
            .element_with(name, &[("currencyID", currency)], &format_price(value))
    }

    fn document(
        &mut self,
        invoice: &Invoice,
        totals: &Totals,
        account: Option<&BankAccount>,
    ) -> io::Result<()> {
        let names = if invoice.is_credit_note() {
            &CREDIT_NOTE_NAMES
        } else {
            &INVOICE_NAMES
        };
        self.out.declaration()?;
        self.out.start_with(
            names.root,
            &[
                ("xmlns", names.namespace),
                ("xmlns:cac", codes::NS_CAC),
                ("xmlns:cbc", codes::NS_CBC),
            ],
        )?;

        self.out.element("cbc:UBLVersionID", codes::UBL_VERSION)?;
        self.out
            .term(terms::BT_24)
            .element("cbc:CustomizationID", codes::CUSTOMIZATION_ID)?;
        self.out
            .term(terms::BT_23)
            .element("cbc:ProfileID", &invoice.business_process_type)?;
        self.out
            .term(terms::BT_1)
            .element("cbc:ID", &invoice.number)?;
        self.out
            .term(terms::BT_2)
            .element("cbc:IssueDate", &invoice.issue_date)?;
        if !invoice.is_credit_note() {
            // The CreditNote schema has no cbc:DueDate, so validation rejects BT-9 there.
            self.out
                .term(terms::BT_9)
                .optional("cbc:DueDate", invoice.due_date.as_deref())?;
        }
        self.out
            .term(terms::BT_3)
            .element(names.type_code, &invoice.type_code)?;
        for (index, note) in invoice.notes.iter().enumerate() {
            // UBL has no subject code element: the French convention writes BT-21 as a
            // `#CODE#` prefix of BT-22.
            let text = match &note.subject_code {
                Some(code) => {
                    self.out.term(terms::BT_21);
                    format!("#{code}#{}", note.note)
                }
                None => note.note.clone(),
            };
            self.out
                .term_detail(terms::BT_22, format!("notes[{index}]"))
                .element("cbc:Note", &text)?;
        }
        self.out
            .term(terms::BT_5)
            .element("cbc:DocumentCurrencyCode", &invoice.currency_code)?;
        self.out.term(terms::BT_19).optional(
            "cbc:AccountingCost",
            invoice.buyer_accounting_reference.as_deref(),
        )?;
        self.out
            .term(terms::BT_10)
            .optional("cbc:BuyerReference", invoice.buyer_reference.as_deref())?;
        if invoice.invoicing_period.is_some() || invoice.vat_point_date_code.is_some() {
            self.period(
                invoice.invoicing_period.as_ref(),
                (terms::BG_14, terms::BT_73, terms::BT_74),
                invoice.vat_point_date_code.as_deref(),
            )?;
        }
        self.references(invoice)?;

        self.out.start("cac:AccountingSupplierParty")?;
        self.party(&seller_view(invoice))?;
        self.out.end("cac:AccountingSupplierParty")?;
        self.out.start("cac:AccountingCustomerParty")?;
        self.party(&buyer_view(invoice))?;
        self.out.end("cac:AccountingCustomerParty")?;
        if let Some(payee) = &invoice.payee {
            self.payee_party(payee, invoice.creditor_identifier())?;
        }
        if let Some(representative) = &invoice.tax_representative {
            self.tax_representative_party(representative)?;
        }

        if let Some(delivery) = &invoice.delivery {
            self.delivery(delivery)?;
        }
        if let Some(means_code) = invoice.payment_means_code() {
            self.payment_means(invoice, means_code, account, true)?;
            for extra in invoice.additional_accounts() {
                self.payment_means(invoice, means_code, Some(extra), false)?;
            }
        }
        if let Some(payment_terms) = &invoice.payment_terms {
            self.out.start("cac:PaymentTerms")?;
            self.out
                .term(terms::BT_20)
                .element("cbc:Note", payment_terms)?;
            self.out.end("cac:PaymentTerms")?;
        }
        for (index, allowance) in invoice.allowances.iter().enumerate() {
            self.out.term_detail(
                terms::DOCUMENT_ALLOWANCE.group,
                format!("allowances[{index}]"),
            );
            self.document_allowance_charge(false, allowance, &terms::DOCUMENT_ALLOWANCE)?;
        }
        for (index, charge) in invoice.charges.iter().enumerate() {
            self.out
                .term_detail(terms::DOCUMENT_CHARGE.group, format!("charges[{index}]"));
            self.document_allowance_charge(true, charge, &terms::DOCUMENT_CHARGE)?;
        }
        self.tax_total(invoice, totals)?;
        self.monetary_total(invoice, totals)?;
        for (index, (line, net_amount)) in invoice
            .lines
            .iter()
            .zip(&totals.line_net_amounts)
            .enumerate()
        {
            self.out
                .term_detail(terms::BG_25, format!("lines[{index}]"));
            self.line(names, line, *net_amount)?;
        }
        self.out.end(names.root)
    }

    /// Writes a `cac:InvoicePeriod` with the group, start and end terms given, and the
    /// document's BT-8 code, which UBL keeps in the same element.
    fn period(
        &mut self,
        period: Option<&Period>,
        period_terms: (Term, Term, Term),
        vat_point_date_code: Option<&str>,
    ) -> io::Result<()> {
        let (group, start, end) = period_terms;
        self.out.term(group).start("cac:InvoicePeriod")?;
        if let Some(period) = period {
            self.out
                .term(start)
                .optional("cbc:StartDate", period.start_date.as_deref())?;
            self.out
                .term(end)
                .optional("cbc:EndDate", period.end_date.as_deref())?;
        }
        self.out
            .term(terms::BT_8)
            .optional("cbc:DescriptionCode", vat_point_date_code)?;
        self.out.end("cac:InvoicePeriod")
    }

    fn party(&mut self, party: &PartyView) -> io::Result<()> {
        let party_terms = party.terms;
        self.out.term(party_terms.group).start("cac:Party")?;
        if let Some(address) = party.electronic_address {
            self.out.term(party_terms.electronic_address).element_with(
                "cbc:EndpointID",
                &[("schemeID", &address.scheme)],
                &address.id,
            )?;
        }

        if let Some(siret) = party.siret {
            self.out.start("cac:PartyIdentification")?;
            self.out.term(party_terms.identifier).element_with(
                "cbc:ID",
                &[("schemeID", codes::SCHEME_SIRET)],
                siret,
            )?;
            self.out.end("cac:PartyIdentification")?;
        }
        if let Some(creditor) = party.creditor_identifier {
            self.creditor_identification(creditor)?;
        }
        for identifier in party.other_identifiers {
            self.out.start("cac:PartyIdentification")?;
            self.out
                .term(party_terms.identifier)
                .identifier("cbc:ID", identifier)?;
            self.out.end("cac:PartyIdentification")?;
        }

        if let Some(trading_name) = party.trading_name {
            self.out.start("cac:PartyName")?;
            self.out
                .term(party_terms.trading_name)
                .element("cbc:Name", trading_name)?;
            self.out.end("cac:PartyName")?;
        }

        self.address("cac:PostalAddress", party.address, &party_terms.address)?;
        if let Some(vat_identifier) = party.vat_identifier {
            self.out.start("cac:PartyTaxScheme")?;
            self.out
                .term(party_terms.vat_identifier)
                .element("cbc:CompanyID", vat_identifier)?;
            self.tax_scheme()?;
            self.out.end("cac:PartyTaxScheme")?;
        }

        self.out.start("cac:PartyLegalEntity")?;
        self.out
            .term(party_terms.legal_name)
            .element("cbc:RegistrationName", party.legal_name)?;
        if let Some((legal_id, scheme)) = party.legal_id {
            let scheme = scheme.map(|scheme| ("schemeID", scheme));
            self.out.term(party_terms.legal_id).element_with(
                "cbc:CompanyID",
                scheme.as_slice(),
                legal_id,
            )?;
        }
        self.out.end("cac:PartyLegalEntity")?;

        if let Some(contact) = party.contact {
            self.out.term(party_terms.contact).start("cac:Contact")?;
            self.out
                .term(party_terms.contact_name)
                .optional("cbc:Name", contact.name.as_deref())?;
            self.out
                .term(party_terms.contact_telephone)
                .optional("cbc:Telephone", contact.telephone.as_deref())?;
            self.out
                .term(party_terms.contact_email)
                .optional("cbc:ElectronicMail", contact.email.as_deref())?;
            self.out.end("cac:Contact")?;
        }
        if let Some(validator) = party.agent {
            self.agent_party(validator)?;
        }

        self.out.end("cac:Party")
    }

    fn address(
        &mut self,
        element: &str,
        address: &Address,
        address_terms: &AddressTerms,
    ) -> io::Result<()> {
        self.out.term(address_terms.group).start(element)?;
        self.out
            .term(address_terms.line1)
            .optional("cbc:StreetName", address.line1.as_deref())?;
        self.out
            .term(address_terms.line2)
            .optional("cbc:AdditionalStreetName", address.line2.as_deref())?;
        self.out
            .term(address_terms.city)
            .optional("cbc:CityName", address.city.as_deref())?;
        self.out
            .term(address_terms.post_code)
            .optional("cbc:PostalZone", address.post_code.as_deref())?;
        self.out.term(address_terms.country_subdivision).optional(
            "cbc:CountrySubentity",
            address.country_subdivision.as_deref(),
        )?;
        if let Some(line3) = &address.line3 {
            self.out.start("cac:AddressLine")?;
            self.out
                .term(address_terms.line3)
                .element("cbc:Line", line3)?;
            self.out.end("cac:AddressLine")?;
        }
        self.out.start("cac:Country")?;
        self.out
            .term(address_terms.country_code)
            .element("cbc:IdentificationCode", &address.country_code)?;
        self.out.end("cac:Country")?;
        self.out.end(element)
    }

    fn tax_scheme(&mut self) -> io::Result<()> {
        self.out.start("cac:TaxScheme")?;
        self.out.element("cbc:ID", codes::TAX_SCHEME_VAT)?;
        self.out.end("cac:TaxScheme")
    }

    fn delivery(&mut self, delivery: &Delivery) -> io::Result<()> {
        self.out.term(terms::BG_13).start("cac:Delivery")?;
        self.out.term(terms::BT_72).optional(
            "cbc:ActualDeliveryDate",
            delivery.actual_delivery_date.as_deref(),
        )?;
        if delivery.location_id.is_some() || delivery.address.is_some() {
            self.out.start("cac:DeliveryLocation")?;
            if let Some(location) = &delivery.location_id {
                self.out.term(terms::BT_71).element_with(
                    "cbc:ID",
                    &[("schemeID", &location.scheme)],
                    &location.id,
                )?;
            }
            if let Some(address) = &delivery.address {
                self.address("cac:Address", address, &terms::DELIVERY_ADDRESS)?;
            }
            self.out.end("cac:DeliveryLocation")?;
        }
        if let Some(name) = &delivery.party_name {
            self.out.start("cac:DeliveryParty")?;
            self.out.start("cac:PartyName")?;
            self.out.term(terms::BT_70).element("cbc:Name", name)?;
            self.out.end("cac:PartyName")?;
            self.out.end("cac:DeliveryParty")?;
        }
        self.out.end("cac:Delivery")
    }

    /// Writes one `cac:PaymentMeans` with `account`; the first one also carries the
    /// direct debit mandate (BG-19), when there is one.
    fn payment_means(
        &mut self,
        invoice: &Invoice,
        means_code: &str,
        account: Option<&BankAccount>,
        first: bool,
    ) -> io::Result<()> {
        let instructions = invoice.payment_instructions.as_ref();
        let remittance =
            instructions.and_then(|instructions| instructions.remittance_information.as_deref());
        // UBL allows the payment means text once per document (UBL-SR-46).
        let means_text = instructions
            .and_then(|instructions| instructions.means_text.as_deref())
            .filter(|_| first);
        self.out.term(terms::BG_16).start("cac:PaymentMeans")?;
        self.out
            .term(terms::BT_81)
            .term(terms::BT_82)
            .element_with(
                "cbc:PaymentMeansCode",
                means_text.map(|text| ("name", text)).as_slice(),
                means_code,
            )?;
        self.out
            .term(terms::BT_83)
            .optional("cbc:PaymentID", remittance)?;
        if let Some(account) = account {
            self.out
                .term(terms::BG_17)
                .start("cac:PayeeFinancialAccount")?;
            self.out
                .term(terms::BT_84)
                .element("cbc:ID", &account.iban)?;
            self.out
                .term(terms::BT_85)
                .optional("cbc:Name", account.account_name.as_deref())?;
            if let Some(bic) = &account.bic {
                self.out.start("cac:FinancialInstitutionBranch")?;
                self.out.term(terms::BT_86).element("cbc:ID", bic)?;
                self.out.end("cac:FinancialInstitutionBranch")?;
            }
            self.out.end("cac:PayeeFinancialAccount")?;
        }
        let direct_debit = instructions.and_then(|instructions| instructions.direct_debit.as_ref());
        if let (true, Some(debit)) = (first, direct_debit) {
            if debit.mandate_reference.is_some() || debit.debited_account.is_some() {
                self.out.term(terms::BG_19).start("cac:PaymentMandate")?;
                self.out
                    .term(terms::BT_89)
                    .optional("cbc:ID", debit.mandate_reference.as_deref())?;
                if let Some(debited) = &debit.debited_account {
                    self.out.start("cac:PayerFinancialAccount")?;
                    self.out.term(terms::BT_91).element("cbc:ID", debited)?;
                    self.out.end("cac:PayerFinancialAccount")?;
                }
                self.out.end("cac:PaymentMandate")?;
            }
        }
        self.out.end("cac:PaymentMeans")
    }

    /// Writes a `cac:TaxCategory` or `cac:ClassifiedTaxCategory`, without a rate for
    /// category O. `vat_terms` names the category and rate terms of this context.
    fn tax_category(
        &mut self,
        element: &str,
        category: &str,
        rate: Option<Decimal>,
        exemption: Option<(Option<&str>, Option<&str>)>,
        vat_terms: (Term, Term),
    ) -> io::Result<()> {
        self.out.start(element)?;
        self.out.term(vat_terms.0).element("cbc:ID", category)?;
        if let Some(rate) = rate {
            self.out
                .term(vat_terms.1)
                .element("cbc:Percent", &format_rate(rate))?;
        }
        if let Some((reason_code, reason)) = exemption {
            self.out
                .term(terms::BT_121)
                .optional("cbc:TaxExemptionReasonCode", reason_code)?;
            self.out
                .term(terms::BT_120)
                .optional("cbc:TaxExemptionReason", reason)?;
        }
        self.tax_scheme()?;
        self.out.end(element)
    }

    fn document_allowance_charge(
        &mut self,
        is_charge: bool,
        item: &DocumentAllowanceCharge,
        item_terms: &AllowanceChargeTerms,
    ) -> io::Result<()> {
        self.out.start("cac:AllowanceCharge")?;
        self.allowance_charge_fields(
            is_charge,
            item.reason_code.as_deref(),
            item.reason.as_deref(),
            item.percentage,
            item.amount,
            item.base_amount,
            item_terms,
        )?;
        let vat_terms = item_terms
            .vat
            .expect("document level allowances and charges carry VAT terms");
        self.tax_category(
            "cac:TaxCategory",
            &item.vat_category,
            item.vat_rate,
            None,
            vat_terms,
        )?;
        self.out.end("cac:AllowanceCharge")
    }

    fn line_allowance_charge(
        &mut self,
        is_charge: bool,
        item: &LineAllowanceCharge,
        item_terms: &AllowanceChargeTerms,
    ) -> io::Result<()> {
        self.out.start("cac:AllowanceCharge")?;
        self.allowance_charge_fields(
            is_charge,
            item.reason_code.as_deref(),
            item.reason.as_deref(),
            item.percentage,
            item.amount,
            item.base_amount,
            item_terms,
        )?;
        self.out.end("cac:AllowanceCharge")
    }

    #[allow(clippy::too_many_arguments)]
    fn allowance_charge_fields(
        &mut self,
        is_charge: bool,
        reason_code: Option<&str>,
        reason: Option<&str>,
        percentage: Option<Decimal>,
        amount: Decimal,
        base_amount: Option<Decimal>,
        item_terms: &AllowanceChargeTerms,
    ) -> io::Result<()> {
        self.out.element(
            "cbc:ChargeIndicator",
            if is_charge { "true" } else { "false" },
        )?;
        self.out
            .term(item_terms.reason_code)
            .optional("cbc:AllowanceChargeReasonCode", reason_code)?;
        self.out
            .term(item_terms.reason)
            .optional("cbc:AllowanceChargeReason", reason)?;
        if let Some(percentage) = percentage {
            self.out
                .term(item_terms.percentage)
                .element("cbc:MultiplierFactorNumeric", &format_plain(percentage))?;
        }
        self.out.term(item_terms.amount);
        self.amount("cbc:Amount", amount)?;
        if let Some(base_amount) = base_amount {
            self.out.term(item_terms.base_amount);
            self.amount("cbc:BaseAmount", base_amount)?;
        }
        Ok(())
    }

    fn tax_total(&mut self, invoice: &Invoice, totals: &Totals) -> io::Result<()> {
        self.out.start("cac:TaxTotal")?;
        self.out.term(terms::BT_110);
        self.amount("cbc:TaxAmount", totals.total_vat_amount)?;
        for group in &totals.vat_breakdown {
            self.tax_subtotal(invoice, group)?;
        }
        self.out.end("cac:TaxTotal")
    }

    fn tax_subtotal(&mut self, invoice: &Invoice, group: &VatBreakdown) -> io::Result<()> {
        let exemption = invoice.exemption_for(&group.category);
        self.out.term(terms::BG_23).start("cac:TaxSubtotal")?;
        self.out.term(terms::BT_116);
        self.amount("cbc:TaxableAmount", group.taxable_amount)?;
        self.out.term(terms::BT_117);
        self.amount("cbc:TaxAmount", group.tax_amount)?;
        self.tax_category(
            "cac:TaxCategory",
            &group.category,
            group.rate,
            exemption,
            (terms::BT_118, terms::BT_119),
        )?;
        self.out.end("cac:TaxSubtotal")
    }

    fn monetary_total(&mut self, invoice: &Invoice, totals: &Totals) -> io::Result<()> {
        self.out
            .term(terms::BG_22)
            .start("cac:LegalMonetaryTotal")?;
        self.out.term(terms::BT_106);
        self.amount("cbc:LineExtensionAmount", totals.sum_of_line_net_amounts)?;
        self.out.term(terms::BT_109);
        self.amount("cbc:TaxExclusiveAmount", totals.total_without_vat)?;
        self.out.term(terms::BT_112);
        self.amount("cbc:TaxInclusiveAmount", totals.total_with_vat)?;
        if !invoice.allowances.is_empty() {
            self.out.term(terms::BT_107);
            self.amount("cbc:AllowanceTotalAmount", totals.sum_of_allowances)?;
        }
        if !invoice.charges.is_empty() {
            self.out.term(terms::BT_108);
            self.amount("cbc:ChargeTotalAmount", totals.sum_of_charges)?;
        }
        if invoice.paid_amount.is_some() {
            self.out.term(terms::BT_113);
            self.amount("cbc:PrepaidAmount", totals.paid_amount)?;
        }
        self.out.term(terms::BT_115);
        self.amount("cbc:PayableAmount", totals.amount_due_for_payment)?;
        self.out.end("cac:LegalMonetaryTotal")
    }

    fn line(&mut self, names: &DocumentNames, line: &Line, net_amount: Decimal) -> io::Result<()> {
        self.out.start(names.line)?;
        self.out.term(terms::BT_126).element("cbc:ID", &line.id)?;
        self.out
            .term(terms::BT_127)
            .optional("cbc:Note", line.note.as_deref())?;
        self.out
            .term(terms::BT_129)
            .term(terms::BT_130)
            .element_with(
                names.quantity,
                &[("unitCode", &line.unit_code)],
                &format_plain(line.quantity),
            )?;
        self.out.term(terms::BT_131);
        self.amount("cbc:LineExtensionAmount", net_amount)?;
        self.out.term(terms::BT_133).optional(
            "cbc:AccountingCost",
            line.buyer_accounting_reference.as_deref(),
        )?;
        if let Some(period) = &line.period {
            self.period(
                Some(period),
                (terms::BG_26, terms::BT_134, terms::BT_135),
                None,
            )?;
        }
        if let Some(order_line) = &line.order_line_reference {
            self.out.start("cac:OrderLineReference")?;
            self.out
                .term(terms::BT_132)
                .element("cbc:LineID", order_line)?;
            self.out.end("cac:OrderLineReference")?;
        }
        for allowance in &line.allowances {
            self.out.term(terms::LINE_ALLOWANCE.group);
            self.line_allowance_charge(false, allowance, &terms::LINE_ALLOWANCE)?;
        }
        for charge in &line.charges {
            self.out.term(terms::LINE_CHARGE.group);
            self.line_allowance_charge(true, charge, &terms::LINE_CHARGE)?;
        }

        self.out.term(terms::BG_31).start("cac:Item")?;
        self.out
            .term(terms::BT_154)
            .optional("cbc:Description", line.item_description.as_deref())?;
        self.out
            .term(terms::BT_153)
            .element("cbc:Name", &line.item_name)?;
        if let Some(buyer_id) = &line.buyer_item_id {
            self.out.start("cac:BuyersItemIdentification")?;
            self.out.term(terms::BT_156).element("cbc:ID", buyer_id)?;
            self.out.end("cac:BuyersItemIdentification")?;
        }
        if let Some(seller_id) = &line.seller_item_id {
            self.out.start("cac:SellersItemIdentification")?;
            self.out.term(terms::BT_155).element("cbc:ID", seller_id)?;
            self.out.end("cac:SellersItemIdentification")?;
        }
        if let Some(standard) = &line.standard_item_id {
            self.out.start("cac:StandardItemIdentification")?;
            self.out.term(terms::BT_157).element_with(
                "cbc:ID",
                &[("schemeID", &standard.scheme)],
                &standard.id,
            )?;
            self.out.end("cac:StandardItemIdentification")?;
        }
        self.item_origin_and_classes(line)?;
        self.out.term(terms::BG_30);
        self.tax_category(
            "cac:ClassifiedTaxCategory",
            &line.vat_category,
            line.vat_rate,
            None,
            (terms::BT_151, terms::BT_152),
        )?;
        self.item_attributes(line)?;
        self.out.end("cac:Item")?;

        self.out.term(terms::BG_29).start("cac:Price")?;
        self.out.term(terms::BT_146);
        self.price("cbc:PriceAmount", line.net_price)?;
        if let Some(base_quantity) = line.base_quantity {
            self.out.term(terms::BT_149).element_with(
                "cbc:BaseQuantity",
                &[("unitCode", &line.unit_code)],
                &format_plain(base_quantity),
            )?;
        }
        if let (Some(gross), Some(discount)) = (line.gross_price, line.price_discount) {
            self.out.start("cac:AllowanceCharge")?;
            self.out.element("cbc:ChargeIndicator", "false")?;
            self.out.term(terms::BT_147);
            self.price("cbc:Amount", discount)?;
            self.out.term(terms::BT_148);
            self.price("cbc:BaseAmount", gross)?;
            self.out.end("cac:AllowanceCharge")?;
        }
        self.out.end("cac:Price")?;
        self.out.end(names.line)
    }
}

mod references;
mod roles;
#[cfg(test)]
mod tests;
