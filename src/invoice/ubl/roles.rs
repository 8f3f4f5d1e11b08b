//! The UBL parties besides the seller and the buyer, and the item details that most
//! invoices leave out.

use std::io;

use super::UblWriter;
use crate::invoice::codes;
use crate::invoice::model::{Line, Payee, TaxRepresentative, Validator};
use crate::invoice::terms;

impl UblWriter<'_> {
    /// Writes the A9/A12 validating structure as the seller's `cac:AgentParty`: its SIRET
    /// as the party identifier, its name, and its service code as the contact identifier.
    pub(super) fn agent_party(&mut self, validator: &Validator) -> io::Result<()> {
        self.out.term(terms::VALIDATOR).start("cac:AgentParty")?;
        self.out.start("cac:PartyIdentification")?;
        self.out.element_with(
            "cbc:ID",
            &[("schemeID", codes::SCHEME_SIRET)],
            &validator.siret,
        )?;
        self.out.end("cac:PartyIdentification")?;
        if let Some(name) = &validator.name {
            self.out.start("cac:PartyName")?;
            self.out.element("cbc:Name", name)?;
            self.out.end("cac:PartyName")?;
        }
        if let Some(service_code) = &validator.service_code {
            self.out.start("cac:Contact")?;
            self.out.element("cbc:ID", service_code)?;
            self.out.end("cac:Contact")?;
        }
        self.out.end("cac:AgentParty")
    }

    /// Writes BG-10 as `cac:PayeeParty`, with the direct debit creditor identifier
    /// (BT-90), which belongs to the payee when there is one.
    pub(super) fn payee_party(&mut self, payee: &Payee, creditor: Option<&str>) -> io::Result<()> {
        self.out.term(terms::BG_10).start("cac:PayeeParty")?;
        if let Some(creditor) = creditor {
            self.creditor_identification(creditor)?;
        }
        if let Some(identifier) = &payee.identifier {
            self.out.start("cac:PartyIdentification")?;
            self.out
                .term(terms::BT_60)
                .identifier("cbc:ID", identifier)?;
            self.out.end("cac:PartyIdentification")?;
        }
        self.out.start("cac:PartyName")?;
        self.out
            .term(terms::BT_59)
            .element("cbc:Name", &payee.name)?;
        self.out.end("cac:PartyName")?;
        if let Some(registration) = &payee.legal_registration {
            self.out.start("cac:PartyLegalEntity")?;
            self.out
                .term(terms::BT_61)
                .identifier("cbc:CompanyID", registration)?;
            self.out.end("cac:PartyLegalEntity")?;
        }
        self.out.end("cac:PayeeParty")
    }

    /// Writes BT-90 as a party identifier with scheme `SEPA`.
    pub(super) fn creditor_identification(&mut self, creditor: &str) -> io::Result<()> {
        self.out.start("cac:PartyIdentification")?;
        self.out.term(terms::BT_90).element_with(
            "cbc:ID",
            &[("schemeID", codes::SCHEME_SEPA_CREDITOR)],
            creditor,
        )?;
        self.out.end("cac:PartyIdentification")
    }

    /// Writes BG-11 as `cac:TaxRepresentativeParty`.
    pub(super) fn tax_representative_party(
        &mut self,
        representative: &TaxRepresentative,
    ) -> io::Result<()> {
        self.out
            .term(terms::BG_11)
            .start("cac:TaxRepresentativeParty")?;
        self.out.start("cac:PartyName")?;
        self.out
            .term(terms::BT_62)
            .element("cbc:Name", &representative.name)?;
        self.out.end("cac:PartyName")?;
        self.address(
            "cac:PostalAddress",
            &representative.address,
            &terms::TAX_REPRESENTATIVE_ADDRESS,
        )?;
        self.out.start("cac:PartyTaxScheme")?;
        self.out
            .term(terms::BT_63)
            .element("cbc:CompanyID", &representative.vat_identifier)?;
        self.tax_scheme()?;
        self.out.end("cac:PartyTaxScheme")?;
        self.out.end("cac:TaxRepresentativeParty")
    }

    /// Writes BT-159 and BT-158, which come between the item identifiers and its VAT
    /// category in `cac:Item`.
    pub(super) fn item_origin_and_classes(&mut self, line: &Line) -> io::Result<()> {
        if let Some(country) = &line.origin_country {
            self.out.start("cac:OriginCountry")?;
            self.out
                .term(terms::BT_159)
                .element("cbc:IdentificationCode", country)?;
            self.out.end("cac:OriginCountry")?;
        }
        for classification in &line.classifications {
            let mut attributes = vec![("listID", classification.scheme.as_str())];
            if let Some(version) = &classification.scheme_version {
                attributes.push(("listVersionID", version.as_str()));
            }
            self.out.start("cac:CommodityClassification")?;
            self.out.term(terms::BT_158).element_with(
                "cbc:ItemClassificationCode",
                &attributes,
                &classification.id,
            )?;
            self.out.end("cac:CommodityClassification")?;
        }
        Ok(())
    }

    /// Writes BG-32, the last part of `cac:Item` that EN 16931 uses.
    pub(super) fn item_attributes(&mut self, line: &Line) -> io::Result<()> {
        for attribute in &line.attributes {
            self.out
                .term(terms::BG_32)
                .start("cac:AdditionalItemProperty")?;
            self.out
                .term(terms::BT_160)
                .element("cbc:Name", &attribute.name)?;
            self.out
                .term(terms::BT_161)
                .element("cbc:Value", &attribute.value)?;
            self.out.end("cac:AdditionalItemProperty")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::invoice::parse_invoice;

    const A9: &str = include_str!("../../../examples/invoices/subcontractor-a9.json");

    fn a9_xml() -> String {
        let invoice = parse_invoice(A9).expect("A9 example parses");
        String::from_utf8(invoice.to_ubl(None).expect("A9 example is valid")).unwrap()
    }

    /// Returns the text between `start` and the next `end`, both excluded.
    fn between<'a>(xml: &'a str, start: &str, end: &str) -> &'a str {
        let from = xml
            .find(start)
            .unwrap_or_else(|| panic!("{start} in {xml}"))
            + start.len();
        let length = xml[from..].find(end).expect("end");
        &xml[from..from + length]
    }

    #[test]
    fn validator_written_as_seller_agent() {
        let xml = a9_xml();
        let supplier = between(
            &xml,
            "<cac:AccountingSupplierParty>",
            "</cac:AccountingSupplierParty>",
        );
        let agent = between(supplier, "<cac:AgentParty>", "</cac:AgentParty>");
        assert!(agent.contains(r#"<cbc:ID schemeID="0009">41234567000001</cbc:ID>"#));
        assert!(agent.contains("<cbc:Name>Bâtiments Réunis &amp; Fils</cbc:Name>"));
        assert!(agent.contains("<cac:Contact>\n          <cbc:ID>CHANTIERS-EST</cbc:ID>"));
        assert!(xml.contains("<cbc:ProfileID>A9</cbc:ProfileID>"));
    }

    #[test]
    fn payee_accounts_and_vat_point_written() {
        let xml = a9_xml();
        let payee = between(&xml, "<cac:PayeeParty>", "</cac:PayeeParty>");
        assert!(payee.contains(r#"<cbc:ID schemeID="0009">55210055400013</cbc:ID>"#));
        assert!(payee.contains(r#"<cbc:CompanyID schemeID="0002">552100554</cbc:CompanyID>"#));
        let means: Vec<&str> = xml.split("<cac:PaymentMeans>").skip(1).collect();
        assert_eq!(means.len(), 2);
        // UBL allows the payment means text once (UBL-SR-46).
        let mut invoice = parse_invoice(A9).expect("A9 example parses");
        invoice.payment_instructions.as_mut().unwrap().means_text = Some("Virement".to_owned());
        let with_text = String::from_utf8(invoice.to_ubl(None).unwrap()).unwrap();
        assert_eq!(with_text.matches(r#"name="Virement""#).count(), 1);
        assert!(means[0].contains("FR7630006000011234567890189"));
        assert!(means[1].contains("FR7610107001011234567890129"));
        assert!(means[1].contains("<cbc:PaymentID>ST-2026-0042</cbc:PaymentID>"));
        let period = between(&xml, "<cac:InvoicePeriod>", "</cac:InvoicePeriod>");
        assert_eq!(
            period.trim(),
            "<cbc:DescriptionCode>3</cbc:DescriptionCode>"
        );
    }

    #[test]
    fn item_details_in_schema_order() {
        let xml = a9_xml();
        let item = between(&xml, "<cac:Item>", "</cac:Item>");
        let order = [
            "<cac:BuyersItemIdentification>",
            r#"<cbc:ItemClassificationCode listID="CV">45311000<"#,
            "<cac:ClassifiedTaxCategory>",
            "<cac:AdditionalItemProperty>",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|needle| item.find(needle).unwrap_or_else(|| panic!("{needle}")))
            .collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{item}");
    }
}
