//! The 13 `syntaxeFlux` values of `deposerFluxFacture` and how the sandbox treats each.

use crate::invoice_xml::InvoiceSyntax;

pub struct SyntaxInfo {
    /// The `syntaxeFlux` value.
    pub code: &'static str,
    /// `codeInterfaceDepotFlux` reported for flows of this syntax.
    pub interface: &'static str,
    /// Reader used for the file, or `None` when the sandbox rejects the syntax.
    pub processed_as: Option<InvoiceSyntax>,
}

/// The Factur-X syntax, whose PDF carries the CII XML as the embedded file `factur-x.xml`.
pub const FACTURX_CODE: &str = "IN_DP_E2_CII_FACTURX";

/// Values of the `syntaxeFlux` enum in the Chorus Pro Factures Swagger 1.0.0.
///
/// NOTE: only FSO1100A (UBL), FSO1106A (CII 16B) and FSO1117A (Factur-X) are known
/// interface codes. The others are placeholders in the same numbering scheme.
pub const SYNTAXES: [SyntaxInfo; 13] = [
    SyntaxInfo {
        code: "IN_DP_E1_UBL_INVOICE",
        interface: "FSO1100A",
        processed_as: Some(InvoiceSyntax::Ubl),
    },
    SyntaxInfo {
        code: "IN_DP_E1_CII",
        interface: "FSO1101A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_E1_XCBL",
        interface: "FSO1102A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_E1_PES_FACTURE",
        interface: "FSO1103A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_E1_CII_16B",
        interface: "FSO1106A",
        processed_as: Some(InvoiceSyntax::Cii),
    },
    SyntaxInfo {
        code: "IN_DP_E2_CPP_FACTURE_MIN",
        interface: "FSO1110A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_E2_UBL_INVOICE_MIN",
        interface: "FSO1111A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_E2_CII_MIN",
        interface: "FSO1112A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_E2_PES_FACTURE_MIN",
        interface: "FSO1113A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_E2_CII_MIN_16B",
        interface: "FSO1116A",
        processed_as: None,
    },
    SyntaxInfo {
        code: FACTURX_CODE,
        interface: "FSO1117A",
        processed_as: Some(InvoiceSyntax::Cii),
    },
    SyntaxInfo {
        code: "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG",
        interface: "FSO1120A",
        processed_as: None,
    },
    SyntaxInfo {
        code: "IN_DP_PDFARCHIVE_CII_MUG",
        interface: "FSO1121A",
        processed_as: None,
    },
];

pub fn find(code: &str) -> Option<&'static SyntaxInfo> {
    SYNTAXES.iter().find(|syntax| syntax.code == code)
}

/// Lists the syntaxes whose files the sandbox reads, for error messages.
pub fn processed_codes() -> String {
    SYNTAXES
        .iter()
        .filter(|syntax| syntax.processed_as.is_some())
        .map(|syntax| syntax.code)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_codes_are_unique_and_well_formed() {
        for (index, syntax) in SYNTAXES.iter().enumerate() {
            assert_eq!(syntax.interface.len(), 8, "{}", syntax.code);
            assert!(syntax.interface.starts_with("FSO"), "{}", syntax.code);
            assert!(
                SYNTAXES[index + 1..]
                    .iter()
                    .all(|other| other.interface != syntax.interface && other.code != syntax.code),
                "{}",
                syntax.code
            );
        }
        assert_eq!(
            processed_codes(),
            "IN_DP_E1_UBL_INVOICE, IN_DP_E1_CII_16B, IN_DP_E2_CII_FACTURX"
        );
    }
}
