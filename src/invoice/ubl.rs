//! EN 16931 UBL 2.1 writer for `Invoice` and `CreditNote` documents.
//!
//! Elements are written in the order of the OASIS UBL 2.1 schemas
//! (`UBL-Invoice-2.1.xsd`, `UBL-CreditNote-2.1.xsd`, `UBL-CommonAggregateComponents-2.1.xsd`),
//! and an aggregate is only opened when it has content, so no empty element is written.

use std::io;

use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use rust_decimal::Decimal;

use super::amounts::{Totals, VatBreakdown};
use super::codes::{self, BuyerLegalId};
use super::decimal::{format_amount, format_plain, format_price, format_rate};
use super::model::{
    Address, Contact, Delivery, DocumentAllowanceCharge, Invoice, Line, LineAllowanceCharge,
    Period, SchemedId,
};
use super::Problem;
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

/// Party data in the shape both `cac:Party` elements share.
struct PartyView<'a> {
    electronic_address: Option<&'a SchemedId>,
    siret: Option<&'a str>,
    trading_name: Option<&'a str>,
    address: &'a Address,
    vat_identifier: Option<&'a str>,
    legal_name: &'a str,
    /// BT-30 or BT-47 value and its ICD scheme.
    legal_id: Option<(&'a str, &'a str)>,
    contact: Option<&'a Contact>,
}

/// Writes an invoice that [`Invoice::validate`] accepted (see [`Invoice::to_ubl`]).
pub(super) fn write(
    invoice: &Invoice,
    default_bank: Option<&BankAccount>,
) -> Result<Vec<u8>, Vec<Problem>> {
    let totals = invoice.totals().map_err(|error| {
        vec![Problem {
            path: "lines".to_owned(),
            message_fr: "montants hors limites pendant le calcul des totaux".to_owned(),
            message_en: error.to_string(),
        }]
    })?;
    let mut writer = UblWriter {
        xml: Writer::new_with_indent(Vec::new(), b' ', 2),
        currency: &invoice.currency_code,
    };
    let account = invoice
        .payee_account(default_bank)
        .map(|(account, _)| account);
    writer
        .document(invoice, &totals, account)
        .map_err(|error| {
            vec![Problem {
                path: String::new(),
                message_fr: format!("échec de l'écriture XML : {error}"),
                message_en: format!("writing the XML failed: {error}"),
            }]
        })?;
    let mut bytes = writer.xml.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

struct UblWriter<'a> {
    xml: Writer<Vec<u8>>,
    currency: &'a str,
}

impl UblWriter<'_> {
    fn start(&mut self, name: &str) -> io::Result<()> {
        self.xml.write_event(Event::Start(BytesStart::new(name)))
    }

    fn end(&mut self, name: &str) -> io::Result<()> {
        self.xml.write_event(Event::End(BytesEnd::new(name)))
    }

    /// Writes `<name attributes…>text</name>`. Attribute values are fully escaped, while
    /// the text only gets `<`, `>` and `&` escaped, which keeps apostrophes readable.
    fn element_with(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> io::Result<()> {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        self.xml.write_event(Event::Start(start))?;
        let escaped = BytesText::from_escaped(partial_escape(text));
        self.xml.write_event(Event::Text(escaped))?;
        self.end(name)
    }

    fn element(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.element_with(name, &[], text)
    }

    fn optional(&mut self, name: &str, text: Option<&str>) -> io::Result<()> {
        match text {
            Some(text) => self.element(name, text),
            None => Ok(()),
        }
    }

    /// Writes an amount with 2 decimals and the document currency.
    fn amount(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        let currency = self.currency;
        self.element_with(name, &[("currencyID", currency)], &format_amount(value))
    }

    /// Writes a unit price or price allowance, keeping its decimals.
    fn price(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        let currency = self.currency;
        self.element_with(name, &[("currencyID", currency)], &format_price(value))
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
        self.xml
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let root = BytesStart::new(names.root).with_attributes([
            ("xmlns", names.namespace),
            ("xmlns:cac", codes::NS_CAC),
            ("xmlns:cbc", codes::NS_CBC),
        ]);
        self.xml.write_event(Event::Start(root))?;

        self.element("cbc:UBLVersionID", codes::UBL_VERSION)?;
        self.element("cbc:CustomizationID", codes::CUSTOMIZATION_ID)?;
        self.element("cbc:ProfileID", &invoice.business_process_type)?;
        self.element("cbc:ID", &invoice.number)?;
        self.element("cbc:IssueDate", &invoice.issue_date)?;
        if !invoice.is_credit_note() {
            // The CreditNote schema has no cbc:DueDate, so validation rejects BT-9 there.
            self.optional("cbc:DueDate", invoice.due_date.as_deref())?;
        }
        self.element(names.type_code, &invoice.type_code)?;
        for note in &invoice.notes {
            let text = match &note.subject_code {
                Some(code) => format!("#{code}#{}", note.note),
                None => note.note.clone(),
            };
            self.element("cbc:Note", &text)?;
        }
        self.element("cbc:DocumentCurrencyCode", &invoice.currency_code)?;
        self.optional("cbc:BuyerReference", invoice.buyer_reference.as_deref())?;
        if let Some(period) = &invoice.invoicing_period {
            self.period(period)?;
        }
        self.references(invoice)?;

        self.start("cac:AccountingSupplierParty")?;
        self.party(&seller_view(invoice))?;
        self.end("cac:AccountingSupplierParty")?;
        self.start("cac:AccountingCustomerParty")?;
        self.party(&buyer_view(invoice))?;
        self.end("cac:AccountingCustomerParty")?;

        if let Some(delivery) = &invoice.delivery {
            self.delivery(delivery)?;
        }
        if let Some(means_code) = invoice.payment_means_code() {
            self.payment_means(invoice, means_code, account)?;
        }
        if let Some(terms) = &invoice.payment_terms {
            self.start("cac:PaymentTerms")?;
            self.element("cbc:Note", terms)?;
            self.end("cac:PaymentTerms")?;
        }
        for allowance in &invoice.allowances {
            self.document_allowance_charge(false, allowance)?;
        }
        for charge in &invoice.charges {
            self.document_allowance_charge(true, charge)?;
        }
        self.tax_total(invoice, totals)?;
        self.monetary_total(invoice, totals)?;
        for (line, net_amount) in invoice.lines.iter().zip(&totals.line_net_amounts) {
            self.line(names, line, *net_amount)?;
        }
        self.end(names.root)
    }

    fn period(&mut self, period: &Period) -> io::Result<()> {
        self.start("cac:InvoicePeriod")?;
        self.optional("cbc:StartDate", period.start_date.as_deref())?;
        self.optional("cbc:EndDate", period.end_date.as_deref())?;
        self.end("cac:InvoicePeriod")
    }

    /// Writes BT-13, BG-3 and BT-12, in the schema order shared by both roots.
    fn references(&mut self, invoice: &Invoice) -> io::Result<()> {
        if let Some(order) = &invoice.purchase_order_reference {
            self.start("cac:OrderReference")?;
            self.element("cbc:ID", order)?;
            self.end("cac:OrderReference")?;
        }
        for preceding in &invoice.preceding_invoices {
            self.start("cac:BillingReference")?;
            self.start("cac:InvoiceDocumentReference")?;
            self.element("cbc:ID", &preceding.reference)?;
            self.optional("cbc:IssueDate", preceding.issue_date.as_deref())?;
            self.end("cac:InvoiceDocumentReference")?;
            self.end("cac:BillingReference")?;
        }
        if let Some(contract) = &invoice.contract_reference {
            self.start("cac:ContractDocumentReference")?;
            self.element("cbc:ID", contract)?;
            self.end("cac:ContractDocumentReference")?;
        }
        Ok(())
    }

    fn party(&mut self, party: &PartyView) -> io::Result<()> {
        self.start("cac:Party")?;
        if let Some(address) = party.electronic_address {
            self.element_with(
                "cbc:EndpointID",
                &[("schemeID", &address.scheme)],
                &address.id,
            )?;
        }

        if let Some(siret) = party.siret {
            self.start("cac:PartyIdentification")?;
            self.element_with("cbc:ID", &[("schemeID", codes::SCHEME_SIRET)], siret)?;
            self.end("cac:PartyIdentification")?;
        }

        if let Some(trading_name) = party.trading_name {
            self.start("cac:PartyName")?;
            self.element("cbc:Name", trading_name)?;
            self.end("cac:PartyName")?;
        }

        self.address("cac:PostalAddress", party.address)?;
        if let Some(vat_identifier) = party.vat_identifier {
            self.start("cac:PartyTaxScheme")?;
            self.element("cbc:CompanyID", vat_identifier)?;
            self.tax_scheme()?;
            self.end("cac:PartyTaxScheme")?;
        }

        self.start("cac:PartyLegalEntity")?;
        self.element("cbc:RegistrationName", party.legal_name)?;
        if let Some((legal_id, scheme)) = party.legal_id {
            self.element_with("cbc:CompanyID", &[("schemeID", scheme)], legal_id)?;
        }
        self.end("cac:PartyLegalEntity")?;

        if let Some(contact) = party.contact {
            self.start("cac:Contact")?;
            self.optional("cbc:Name", contact.name.as_deref())?;
            self.optional("cbc:Telephone", contact.telephone.as_deref())?;
            self.optional("cbc:ElectronicMail", contact.email.as_deref())?;
            self.end("cac:Contact")?;
        }

        self.end("cac:Party")
    }

    fn address(&mut self, element: &str, address: &Address) -> io::Result<()> {
        self.start(element)?;
        self.optional("cbc:StreetName", address.line1.as_deref())?;
        self.optional("cbc:AdditionalStreetName", address.line2.as_deref())?;
        self.optional("cbc:CityName", address.city.as_deref())?;
        self.optional("cbc:PostalZone", address.post_code.as_deref())?;
        self.optional(
            "cbc:CountrySubentity",
            address.country_subdivision.as_deref(),
        )?;
        if let Some(line3) = &address.line3 {
            self.start("cac:AddressLine")?;
            self.element("cbc:Line", line3)?;
            self.end("cac:AddressLine")?;
        }
        self.start("cac:Country")?;
        self.element("cbc:IdentificationCode", &address.country_code)?;
        self.end("cac:Country")?;
        self.end(element)
    }

    fn tax_scheme(&mut self) -> io::Result<()> {
        self.start("cac:TaxScheme")?;
        self.element("cbc:ID", codes::TAX_SCHEME_VAT)?;
        self.end("cac:TaxScheme")
    }

    fn delivery(&mut self, delivery: &Delivery) -> io::Result<()> {
        self.start("cac:Delivery")?;
        self.optional(
            "cbc:ActualDeliveryDate",
            delivery.actual_delivery_date.as_deref(),
        )?;
        if delivery.location_id.is_some() || delivery.address.is_some() {
            self.start("cac:DeliveryLocation")?;
            if let Some(location) = &delivery.location_id {
                self.element_with("cbc:ID", &[("schemeID", &location.scheme)], &location.id)?;
            }
            if let Some(address) = &delivery.address {
                self.address("cac:Address", address)?;
            }
            self.end("cac:DeliveryLocation")?;
        }
        if let Some(name) = &delivery.party_name {
            self.start("cac:DeliveryParty")?;
            self.start("cac:PartyName")?;
            self.element("cbc:Name", name)?;
            self.end("cac:PartyName")?;
            self.end("cac:DeliveryParty")?;
        }
        self.end("cac:Delivery")
    }

    fn payment_means(
        &mut self,
        invoice: &Invoice,
        means_code: &str,
        account: Option<&BankAccount>,
    ) -> io::Result<()> {
        let remittance = invoice
            .payment_instructions
            .as_ref()
            .and_then(|instructions| instructions.remittance_information.as_deref());
        self.start("cac:PaymentMeans")?;
        self.element("cbc:PaymentMeansCode", means_code)?;
        self.optional("cbc:PaymentID", remittance)?;
        if let Some(account) = account {
            self.start("cac:PayeeFinancialAccount")?;
            self.element("cbc:ID", &account.iban)?;
            self.optional("cbc:Name", account.account_name.as_deref())?;
            if let Some(bic) = &account.bic {
                self.start("cac:FinancialInstitutionBranch")?;
                self.element("cbc:ID", bic)?;
                self.end("cac:FinancialInstitutionBranch")?;
            }
            self.end("cac:PayeeFinancialAccount")?;
        }
        self.end("cac:PaymentMeans")
    }

    /// Writes a `cac:TaxCategory` or `cac:ClassifiedTaxCategory`, without a rate for
    /// category O.
    fn tax_category(
        &mut self,
        element: &str,
        category: &str,
        rate: Option<Decimal>,
        exemption: Option<(Option<&str>, Option<&str>)>,
    ) -> io::Result<()> {
        self.start(element)?;
        self.element("cbc:ID", category)?;
        if let Some(rate) = rate {
            self.element("cbc:Percent", &format_rate(rate))?;
        }
        if let Some((reason_code, reason)) = exemption {
            self.optional("cbc:TaxExemptionReasonCode", reason_code)?;
            self.optional("cbc:TaxExemptionReason", reason)?;
        }
        self.tax_scheme()?;
        self.end(element)
    }

    fn document_allowance_charge(
        &mut self,
        is_charge: bool,
        item: &DocumentAllowanceCharge,
    ) -> io::Result<()> {
        self.start("cac:AllowanceCharge")?;
        self.allowance_charge_fields(
            is_charge,
            item.reason_code.as_deref(),
            item.reason.as_deref(),
            item.percentage,
            item.amount,
            item.base_amount,
        )?;
        self.tax_category("cac:TaxCategory", &item.vat_category, item.vat_rate, None)?;
        self.end("cac:AllowanceCharge")
    }

    fn line_allowance_charge(
        &mut self,
        is_charge: bool,
        item: &LineAllowanceCharge,
    ) -> io::Result<()> {
        self.start("cac:AllowanceCharge")?;
        self.allowance_charge_fields(
            is_charge,
            item.reason_code.as_deref(),
            item.reason.as_deref(),
            item.percentage,
            item.amount,
            item.base_amount,
        )?;
        self.end("cac:AllowanceCharge")
    }

    fn allowance_charge_fields(
        &mut self,
        is_charge: bool,
        reason_code: Option<&str>,
        reason: Option<&str>,
        percentage: Option<Decimal>,
        amount: Decimal,
        base_amount: Option<Decimal>,
    ) -> io::Result<()> {
        self.element(
            "cbc:ChargeIndicator",
            if is_charge { "true" } else { "false" },
        )?;
        self.optional("cbc:AllowanceChargeReasonCode", reason_code)?;
        self.optional("cbc:AllowanceChargeReason", reason)?;
        if let Some(percentage) = percentage {
            self.element("cbc:MultiplierFactorNumeric", &format_plain(percentage))?;
        }
        self.amount("cbc:Amount", amount)?;
        if let Some(base_amount) = base_amount {
            self.amount("cbc:BaseAmount", base_amount)?;
        }
        Ok(())
    }

    fn tax_total(&mut self, invoice: &Invoice, totals: &Totals) -> io::Result<()> {
        self.start("cac:TaxTotal")?;
        self.amount("cbc:TaxAmount", totals.total_vat_amount)?;
        for group in &totals.vat_breakdown {
            self.tax_subtotal(invoice, group)?;
        }
        self.end("cac:TaxTotal")
    }

    fn tax_subtotal(&mut self, invoice: &Invoice, group: &VatBreakdown) -> io::Result<()> {
        let exemption = invoice
            .vat_exemptions
            .iter()
            .find(|exemption| exemption.vat_category == group.category)
            .map(|exemption| {
                (
                    exemption.reason_code.as_deref(),
                    exemption.reason.as_deref(),
                )
            });
        self.start("cac:TaxSubtotal")?;
        self.amount("cbc:TaxableAmount", group.taxable_amount)?;
        self.amount("cbc:TaxAmount", group.tax_amount)?;
        self.tax_category("cac:TaxCategory", &group.category, group.rate, exemption)?;
        self.end("cac:TaxSubtotal")
    }

    fn monetary_total(&mut self, invoice: &Invoice, totals: &Totals) -> io::Result<()> {
        self.start("cac:LegalMonetaryTotal")?;
        self.amount("cbc:LineExtensionAmount", totals.sum_of_line_net_amounts)?;
        self.amount("cbc:TaxExclusiveAmount", totals.total_without_vat)?;
        self.amount("cbc:TaxInclusiveAmount", totals.total_with_vat)?;
        if !invoice.allowances.is_empty() {
            self.amount("cbc:AllowanceTotalAmount", totals.sum_of_allowances)?;
        }
        if !invoice.charges.is_empty() {
            self.amount("cbc:ChargeTotalAmount", totals.sum_of_charges)?;
        }
        if invoice.paid_amount.is_some() {
            self.amount("cbc:PrepaidAmount", totals.paid_amount)?;
        }
        self.amount("cbc:PayableAmount", totals.amount_due_for_payment)?;
        self.end("cac:LegalMonetaryTotal")
    }

    fn line(&mut self, names: &DocumentNames, line: &Line, net_amount: Decimal) -> io::Result<()> {
        self.start(names.line)?;
        self.element("cbc:ID", &line.id)?;
        self.optional("cbc:Note", line.note.as_deref())?;
        self.element_with(
            names.quantity,
            &[("unitCode", &line.unit_code)],
            &format_plain(line.quantity),
        )?;
        self.amount("cbc:LineExtensionAmount", net_amount)?;
        if let Some(period) = &line.period {
            self.period(period)?;
        }
        for allowance in &line.allowances {
            self.line_allowance_charge(false, allowance)?;
        }
        for charge in &line.charges {
            self.line_allowance_charge(true, charge)?;
        }

        self.start("cac:Item")?;
        self.optional("cbc:Description", line.item_description.as_deref())?;
        self.element("cbc:Name", &line.item_name)?;
        if let Some(seller_id) = &line.seller_item_id {
            self.start("cac:SellersItemIdentification")?;
            self.element("cbc:ID", seller_id)?;
            self.end("cac:SellersItemIdentification")?;
        }
        if let Some(standard) = &line.standard_item_id {
            self.start("cac:StandardItemIdentification")?;
            self.element_with("cbc:ID", &[("schemeID", &standard.scheme)], &standard.id)?;
            self.end("cac:StandardItemIdentification")?;
        }
        self.tax_category(
            "cac:ClassifiedTaxCategory",
            &line.vat_category,
            line.vat_rate,
            None,
        )?;
        self.end("cac:Item")?;

        self.start("cac:Price")?;
        self.price("cbc:PriceAmount", line.net_price)?;
        if let Some(base_quantity) = line.base_quantity {
            self.element_with(
                "cbc:BaseQuantity",
                &[("unitCode", &line.unit_code)],
                &format_plain(base_quantity),
            )?;
        }
        if let (Some(gross), Some(discount)) = (line.gross_price, line.price_discount) {
            self.start("cac:AllowanceCharge")?;
            self.element("cbc:ChargeIndicator", "false")?;
            self.price("cbc:Amount", discount)?;
            self.price("cbc:BaseAmount", gross)?;
            self.end("cac:AllowanceCharge")?;
        }
        self.end("cac:Price")?;
        self.end(names.line)
    }
}

fn seller_view(invoice: &Invoice) -> PartyView<'_> {
    let seller = &invoice.seller;
    PartyView {
        electronic_address: seller.electronic_address.as_ref(),
        siret: seller.siret.as_deref(),
        trading_name: seller.trading_name.as_deref(),
        address: &seller.address,
        vat_identifier: seller.vat_identifier.as_deref(),
        legal_name: &seller.name,
        legal_id: invoice
            .seller_siren()
            .map(|siren| (siren, codes::SCHEME_SIREN)),
        contact: seller.contact.as_ref(),
    }
}

fn buyer_view(invoice: &Invoice) -> PartyView<'_> {
    let buyer = &invoice.buyer;
    let legal_id = match codes::BUYER_LEGAL_ID {
        BuyerLegalId::Siret => buyer
            .siret
            .as_deref()
            .map(|siret| (siret, codes::SCHEME_SIRET)),
        BuyerLegalId::Siren => invoice
            .buyer_siren()
            .map(|siren| (siren, codes::SCHEME_SIREN)),
    };
    PartyView {
        electronic_address: buyer.electronic_address.as_ref(),
        siret: buyer.siret.as_deref(),
        trading_name: buyer.trading_name.as_deref(),
        address: &buyer.address,
        vat_identifier: buyer.vat_identifier.as_deref(),
        legal_name: &buyer.name,
        legal_id,
        contact: buyer.contact.as_ref(),
    }
}

#[cfg(test)]
mod tests;
