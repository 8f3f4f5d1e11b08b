//! The CII parties besides the seller and the buyer, and the item details that most
//! invoices leave out.

use std::io;

use super::CiiWriter;
use crate::invoice::codes;
use crate::invoice::model::{Line, Payee, TaxRepresentative};
use crate::invoice::terms;

impl CiiWriter {
    /// Writes BG-10 as `ram:PayeeTradeParty`: BT-60 as `ram:ID` or, with a scheme,
    /// `ram:GlobalID`, then the name and BT-61.
    pub(super) fn payee_party(&mut self, payee: &Payee) -> io::Result<()> {
        self.out.term(terms::BG_10).start("ram:PayeeTradeParty")?;
        if let Some(identifier) = &payee.identifier {
            let name = if identifier.scheme.is_some() {
                "ram:GlobalID"
            } else {
                "ram:ID"
            };
            self.out.term(terms::BT_60).identifier(name, identifier)?;
        }
        self.out
            .term(terms::BT_59)
            .element("ram:Name", &payee.name)?;
        if let Some(registration) = &payee.legal_registration {
            self.out.start("ram:SpecifiedLegalOrganization")?;
            self.out
                .term(terms::BT_61)
                .identifier("ram:ID", registration)?;
            self.out.end("ram:SpecifiedLegalOrganization")?;
        }
        self.out.end("ram:PayeeTradeParty")
    }

    /// Writes BG-11 as `ram:SellerTaxRepresentativeTradeParty`.
    pub(super) fn tax_representative_party(
        &mut self,
        representative: &TaxRepresentative,
    ) -> io::Result<()> {
        self.out
            .term(terms::BG_11)
            .start("ram:SellerTaxRepresentativeTradeParty")?;
        self.out
            .term(terms::BT_62)
            .element("ram:Name", &representative.name)?;
        self.address(&representative.address, &terms::TAX_REPRESENTATIVE_ADDRESS)?;
        self.out.start("ram:SpecifiedTaxRegistration")?;
        self.out.term(terms::BT_63).element_with(
            "ram:ID",
            &[("schemeID", codes::CII_SCHEME_VAT)],
            &representative.vat_identifier,
        )?;
        self.out.end("ram:SpecifiedTaxRegistration")?;
        self.out.end("ram:SellerTaxRepresentativeTradeParty")
    }

    /// Writes BG-32, BT-158 and BT-159, which close `ram:SpecifiedTradeProduct` in that
    /// order.
    pub(super) fn item_details(&mut self, line: &Line) -> io::Result<()> {
        for attribute in &line.attributes {
            self.out
                .term(terms::BG_32)
                .start("ram:ApplicableProductCharacteristic")?;
            self.out
                .term(terms::BT_160)
                .element("ram:Description", &attribute.name)?;
            self.out
                .term(terms::BT_161)
                .element("ram:Value", &attribute.value)?;
            self.out.end("ram:ApplicableProductCharacteristic")?;
        }
        for classification in &line.classifications {
            let mut attributes = vec![("listID", classification.scheme.as_str())];
            if let Some(version) = &classification.scheme_version {
                attributes.push(("listVersionID", version.as_str()));
            }
            self.out.start("ram:DesignatedProductClassification")?;
            self.out.term(terms::BT_158).element_with(
                "ram:ClassCode",
                &attributes,
                &classification.id,
            )?;
            self.out.end("ram:DesignatedProductClassification")?;
        }
        if let Some(country) = &line.origin_country {
            self.out.start("ram:OriginTradeCountry")?;
            self.out.term(terms::BT_159).element("ram:ID", country)?;
            self.out.end("ram:OriginTradeCountry")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::invoice::{parse_invoice, Syntax, XmlOptions};

    const A9: &str = include_str!("../../../examples/invoices/subcontractor-a9.json");

    /// Writes the A9 example as CII, turned into an A1 invoice without validator.
    fn cii_xml(vat_point_date_code: &str) -> String {
        let mut invoice = parse_invoice(A9).expect("A9 example parses");
        invoice.business_process_type = "A1".to_owned();
        invoice.validator = None;
        invoice.vat_point_date_code = Some(vat_point_date_code.to_owned());
        invoice.tax_representative = Some(
            serde_json::from_str(
                r#"{"name": "Rep & Co", "vat_identifier": "FR96552100554",
                    "address": {"city": "Lyon", "country_code": "FR"}}"#,
            )
            .unwrap(),
        );
        let options = XmlOptions {
            syntax: Syntax::Cii,
            commented: false,
        };
        String::from_utf8(invoice.to_xml(options, None).expect("valid")).unwrap()
    }

    #[test]
    fn vat_point_date_code_mapped_to_untdid_2475() {
        for (code, cii) in [("3", "5"), ("35", "29"), ("432", "72")] {
            let xml = cii_xml(code);
            let written = format!("<ram:DueDateTypeCode>{cii}</ram:DueDateTypeCode>");
            assert_eq!(xml.matches(&written).count(), 1, "{code}: {xml}");
        }
    }

    #[test]
    fn parties_and_accounts_written() {
        let xml = cii_xml("3");
        assert!(xml.contains(
            "<ram:SellerTaxRepresentativeTradeParty>\n        <ram:Name>Rep &amp; Co</ram:Name>"
        ));
        assert!(xml.contains(r#"<ram:ID schemeID="VA">FR96552100554</ram:ID>"#));
        assert!(xml.contains(r#"<ram:GlobalID schemeID="0009">55210055400013</ram:GlobalID>"#));
        let ibans: Vec<&str> = xml
            .split("<ram:IBANID>")
            .skip(1)
            .map(|rest| &rest[..27])
            .collect();
        assert_eq!(
            ibans,
            ["FR7630006000011234567890189", "FR7610107001011234567890129"]
        );
        assert!(xml.contains(r#"<ram:ClassCode listID="HS" listVersionID="2022">854449<"#));
        assert!(xml.contains("<ram:OriginTradeCountry>\n          <ram:ID>FR</ram:ID>"));
    }
}
