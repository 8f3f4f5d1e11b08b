//! Deposits, flow processing, rejections, invoice search, history and admin views.

mod common;

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{
    cpro_account, deposit_body, InvoiceSpec, Sandbox, BUYER_ID, BUYER_SIRET, CII,
    OTHER_SUPPLIER_SIRET, SUPPLIER_ID, SUPPLIER_SIRET, TECH_LOGIN, TECH_PASSWORD, UBL,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const REPORT: &str = "/cpro/transverses/v1/consulterCRDetaille";
const SEARCH: &str = "/cpro/factures/v1/rechercher/fournisseur";
const HISTORY: &str = "/cpro/factures/v1/consulter/historique";

fn dp_errors(report: &Value) -> Vec<Value> {
    report["listeErreurDP"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn technical_errors(report: &Value) -> Vec<Value> {
    report["listeErreurTechnique"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn is_rfc3339_with_offset_and_millis(text: &str) -> bool {
    // e.g. 2018-02-16T15:10:25.536+01:00
    let bytes = text.as_bytes();
    bytes.len() == 29
        && bytes[10] == b'T'
        && bytes[19] == b'.'
        && (bytes[23] == b'+' || bytes[23] == b'-')
        && bytes[26] == b':'
}

#[test]
fn deposit_goes_from_not_found_to_integrated() {
    // With --speed 2 the flow is invisible for 0.6 s, IN_RECU until 1.2 s,
    // IN_EN_COURS_TRAITEMENT_CPP until 2 s, then final. The first window is wide enough
    // for the check right after the deposit to land in it on a loaded machine.
    let sandbox = Sandbox::start(&["--speed", "2"]);
    let deposit = sandbox
        .api(
            "/cpro/factures/v1/deposer/flux",
            &deposit_body(&InvoiceSpec::new("LIFE-1").ubl(), UBL),
        )
        .json();
    assert_eq!(deposit["codeRetour"], 0, "{deposit}");
    assert_eq!(deposit["libelle"], "GCU_MSG_01_000");
    assert_eq!(deposit["syntaxeFlux"], UBL);
    let numero = deposit["numeroFluxDepot"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert_eq!(numero.len(), 25, "{numero}");
    assert!(numero.starts_with("CPP0011100"), "{numero}");
    let date = deposit["dateDepot"].as_str().unwrap_or("");
    assert_eq!(date.len(), 10, "dateDepot {date:?} is not a date");

    let early = sandbox
        .api(REPORT, &json!({ "numeroFluxDepot": numero }))
        .json();
    assert_eq!(early["codeRetour"], 20001, "{early}");
    assert_eq!(early["libelle"], "POQ_MSG_01.003 - Flux introuvable.");

    let mut states_seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    let final_report = loop {
        let report = sandbox
            .api(REPORT, &json!({ "numeroFluxDepot": numero }))
            .json();
        if report["codeRetour"] == 0 {
            let state = report["etatCourantDepotFlux"]
                .as_str()
                .unwrap_or("")
                .to_string();
            if states_seen.last() != Some(&state) {
                states_seen.push(state.clone());
            }
            if state == "IN_INTEGRE" {
                break report;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no final state; saw {states_seen:?}"
        );
        std::thread::sleep(Duration::from_millis(30));
    };
    assert_eq!(
        states_seen,
        vec!["IN_RECU", "IN_EN_COURS_TRAITEMENT_CPP", "IN_INTEGRE"]
    );
    assert_eq!(final_report["codeInterfaceDepotFlux"], "FSO1100A");
    assert!(final_report.get("numeroFluxDepot").is_none());
    assert_eq!(
        final_report["nomFichier"],
        format!("FSO1100A_CPP001_{numero}")
    );
    assert!(is_rfc3339_with_offset_and_millis(
        final_report["dateDepotFlux"].as_str().unwrap_or("")
    ));
    assert!(is_rfc3339_with_offset_and_millis(
        final_report["dateHeureEtatCourantFlux"]
            .as_str()
            .unwrap_or("")
    ));
    assert!(dp_errors(&final_report).is_empty());
    assert!(technical_errors(&final_report).is_empty());
}

#[test]
fn flux_numbers_increase() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let first = sandbox.deposit(&InvoiceSpec::new("SEQ-1").ubl(), UBL);
    let second = sandbox.deposit(&InvoiceSpec::new("SEQ-2").ubl(), UBL);
    assert!(second > first, "{second} should sort after {first}");
}

#[test]
fn deposit_parameter_checks() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let path = "/cpro/factures/v1/deposer/flux";
    let valid = deposit_body(&InvoiceSpec::new("P-1").ubl(), UBL);

    let mut missing_file = valid.clone();
    missing_file
        .as_object_mut()
        .map(|body| body.remove("fichierFlux"));
    let mut bad_syntax = valid.clone();
    bad_syntax["syntaxeFlux"] = json!("IN_DP_E1_UBL_201");
    let mut bad_base64 = valid.clone();
    bad_base64["fichierFlux"] = json!("@@@ not base64 @@@");
    let mut bad_signature = valid.clone();
    bad_signature["avecSignature"] = json!("non");

    for (name, body) in [
        ("missing fichierFlux", missing_file),
        ("unknown syntax", bad_syntax),
        ("invalid base64", bad_base64),
        ("avecSignature not a boolean", bad_signature),
    ] {
        let response = sandbox.api(path, &body);
        assert_eq!(response.status, 200, "{name}");
        let envelope = response.json();
        let code = envelope["codeRetour"].as_i64().unwrap_or(0);
        assert!((20000..30000).contains(&code), "{name}: {envelope}");
        assert!(envelope.get("numeroFluxDepot").is_none(), "{name}");
    }
    let stats = sandbox.get("/_sandbox/stats").json();
    assert_eq!(stats["deposits"], 0);
}

#[test]
fn oversized_file_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let file = vec![b'x'; 10 * 1024 * 1024 + 1];
    let response = sandbox
        .api("/cpro/factures/v1/deposer/flux", &deposit_body(&file, UBL))
        .json();
    assert_eq!(response["codeRetour"], 20001);
    assert!(response["libelle"]
        .as_str()
        .is_some_and(|libelle| libelle.starts_with("GDP_MSG_11.022")));
}

#[test]
fn rejection_rules() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let cases: Vec<(&str, InvoiceSpec, &str)> = vec![
        (
            "unknown supplier",
            InvoiceSpec::new("R-1").supplier("11111111111111"),
            "L'identifiant fournisseur de la demande de paiement (balise : AccountingSupplierParty.Party.PartyIdentification.ID.value) n'est pas reference dans notre systeme.",
        ),
        (
            "supplier not attached",
            InvoiceSpec::new("R-2").supplier(OTHER_SUPPLIER_SIRET),
            "n'est pas rattachee au compte technique",
        ),
        (
            "number over 20 characters",
            InvoiceSpec::new("R-123456789012345678901"),
            "ne doit pas depasser 20 caracteres",
        ),
        (
            "unknown buyer",
            InvoiceSpec::new("R-4").buyer("22222222222222"),
            "L'identifiant destinataire",
        ),
        (
            "service code required",
            InvoiceSpec::new("R-5").buyer("11000201100044"),
            "Le code service est obligatoire",
        ),
        (
            "inactive service",
            InvoiceSpec::new("R-6").service("OLD01"),
            "inconnu ou inactif",
        ),
        (
            "unknown service",
            InvoiceSpec::new("R-7").service("NOPE"),
            "inconnu ou inactif",
        ),
        (
            "public invoices service by a private supplier",
            InvoiceSpec::new("R-8").service("FACTURES_PUBLIQUES"),
            "FACTURES_PUBLIQUES",
        ),
        (
            "engagement required",
            InvoiceSpec::new("R-9").buyer("13000123300019"),
            "Le numero d'engagement est obligatoire",
        ),
        (
            "engagement required by the service",
            InvoiceSpec::new("R-10").service("TRAVAUX"),
            "obligatoire pour le service TRAVAUX",
        ),
        (
            "service or engagement required",
            InvoiceSpec::new("R-11").buyer("13000456700017"),
            "Le code service ou le numero d'engagement",
        ),
    ];
    for (name, spec, expected) in cases {
        let (_, report) = sandbox.deposit_and_wait(&spec.ubl(), UBL);
        assert_eq!(
            report["etatCourantDepotFlux"], "IN_REJETE",
            "{name}: {report}"
        );
        let errors = dp_errors(&report);
        assert_eq!(errors.len(), 1, "{name}: {report}");
        let error = &errors[0];
        let libelle = error["libelleErreurDP"].as_str().unwrap_or("");
        assert!(libelle.contains(expected), "{name}: {libelle}");
        assert_eq!(error["numeroDP"], spec.number, "{name}");
        assert_eq!(error["identifiantFournisseur"], spec.supplier, "{name}");
        assert_eq!(error["identifiantDestinataire"], spec.buyer, "{name}");
        assert!(technical_errors(&report).is_empty(), "{name}");
    }
}

#[test]
fn buyer_requirements_met() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let cases = [
        InvoiceSpec::new("OK-1").service("120943"),
        InvoiceSpec::new("OK-2")
            .buyer("11000201100044")
            .service("SE-ACHATS"),
        InvoiceSpec::new("OK-3")
            .buyer("13000123300019")
            .engagement("EJ-2026-01"),
        InvoiceSpec::new("OK-4")
            .buyer("13000456700017")
            .engagement("EJ-2026-02"),
        InvoiceSpec::new("OK-5")
            .buyer("13000456700017")
            .service("ECONOMAT"),
        InvoiceSpec::new("OK-6")
            .buyer("13000789100018")
            .service("LABO-CHIMIE")
            .engagement("EJ-2026-03"),
        InvoiceSpec::new("OK-7")
            .service("TRAVAUX")
            .engagement("EJ-2026-04"),
        InvoiceSpec::new("OK-8").credit_note(),
    ];
    for spec in cases {
        let (_, report) = sandbox.deposit_and_wait(&spec.ubl(), UBL);
        assert_eq!(
            report["etatCourantDepotFlux"], "IN_INTEGRE",
            "{}: {report}",
            spec.number
        );
    }
}

#[test]
fn duplicate_number_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let file = InvoiceSpec::new("DUP-2026-1").ubl();
    let (_, first) = sandbox.deposit_and_wait(&file, UBL);
    assert_eq!(first["etatCourantDepotFlux"], "IN_INTEGRE");
    let (_, second) = sandbox.deposit_and_wait(&file, UBL);
    assert_eq!(second["etatCourantDepotFlux"], "IN_REJETE");
    let errors = dp_errors(&second);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0]["libelleErreurDP"],
        "Vous avez déjà déposé une demande de paiement avec ce numéro de facture pour cette structure"
    );
}

#[test]
fn non_invoice_files_rejected_as_technical() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("CII file as UBL", InvoiceSpec::new("T-1").cii(), UBL),
        ("PDF bytes as UBL", b"%PDF-1.7\n%binary".to_vec(), UBL),
        ("broken XML", b"<Invoice><cbc:ID>1</Invoice>".to_vec(), UBL),
        ("UBL file as CII", InvoiceSpec::new("T-4").ubl(), CII),
    ];
    for (name, file, syntax) in cases {
        let (_, report) = sandbox.deposit_and_wait(&file, syntax);
        assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE", "{name}");
        let errors = technical_errors(&report);
        assert_eq!(errors.len(), 1, "{name}: {report}");
        assert_eq!(errors[0]["codeErreur"], "ERR_XSD_001", "{name}");
        assert!(
            errors[0]["libelleErreur"]
                .as_str()
                .is_some_and(|libelle| libelle.starts_with("IRRECEVABILITE:")),
            "{name}: {report}"
        );
        assert!(errors[0]["natureErreur"].is_string(), "{name}");
        assert!(dp_errors(&report).is_empty(), "{name}");
    }
}

#[test]
fn unprocessed_syntax_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let (_, report) = sandbox.deposit_and_wait(b"<xCBL/>", "IN_DP_E1_XCBL");
    assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE");
    assert_eq!(report["codeInterfaceDepotFlux"], "FSO1102A");
    let errors = technical_errors(&report);
    assert_eq!(errors.len(), 1, "{report}");
    let libelle = errors[0]["libelleErreur"].as_str().unwrap_or("");
    assert!(
        libelle.contains("ne traite pas la syntaxe IN_DP_E1_XCBL"),
        "{libelle}"
    );
}

/// Builds a minimal Factur-X PDF: a file specification named factur-x.xml whose /EF stream is
/// the zlib-compressed XML. It is not PDF/A-3, which the sandbox does not check.
fn facturx_pdf(xml: &[u8]) -> Vec<u8> {
    use std::io::Write;

    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(xml).unwrap();
    let compressed = encoder.finish().unwrap();
    let mut pdf = b"%PDF-1.7\n\
        4 0 obj << /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) \
        /AFRelationship /Data /EF << /F 5 0 R >> >> endobj\n"
        .to_vec();
    pdf.extend_from_slice(
        format!(
            "5 0 obj << /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode \
             /Length {} >> stream\n",
            compressed.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(&compressed);
    pdf.extend_from_slice(b"\nendstream endobj\n%%EOF\n");
    pdf
}

#[test]
fn facturx_pdf_integrated() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let xml = InvoiceSpec::new("FX-1").service("120943").cii();
    let (numero, report) = sandbox.deposit_and_wait(&facturx_pdf(&xml), "IN_DP_E2_CII_FACTURX");
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE", "{report}");
    assert_eq!(report["codeInterfaceDepotFlux"], "FSO1117A");
    let found = sandbox
        .api(SEARCH, &json!({ "numeroFluxDepot": numero }))
        .json();
    assert_eq!(found["listeFactures"][0]["numeroFacture"], "FX-1");
}

#[test]
fn facturx_without_xml_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let (_, report) = sandbox.deposit_and_wait(b"%PDF-1.7 facturx", "IN_DP_E2_CII_FACTURX");
    assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE");
    assert_eq!(report["codeInterfaceDepotFlux"], "FSO1117A");
    let errors = technical_errors(&report);
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0]["codeErreur"], "ERR_XSD_001");
    let libelle = errors[0]["libelleErreur"].as_str().unwrap_or("");
    assert!(libelle.contains("factur-x.xml"), "{libelle}");
}

#[test]
fn cii_invoice_integrated() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let (numero, report) =
        sandbox.deposit_and_wait(&InvoiceSpec::new("CII-1").service("120943").cii(), CII);
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE", "{report}");
    assert_eq!(report["codeInterfaceDepotFlux"], "FSO1106A");
    let found = sandbox
        .api(SEARCH, &json!({ "numeroFluxDepot": numero }))
        .json();
    let invoice = &found["listeFactures"][0];
    assert_eq!(invoice["numeroFacture"], "CII-1");
    assert_eq!(invoice["montantTTC"], 60.0);
    assert_eq!(invoice["codeServiceExecutant"], "120943");
    assert_eq!(invoice["dateFacture"], "2026-11-30");
}

#[test]
fn flux_of_another_account_not_found() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let numero = sandbox.deposit(&InvoiceSpec::new("OWN-1").ubl(), UBL);
    let token = sandbox.token();
    let other = sandbox
        .api_with(
            &token,
            "TECH_3_levant@cpro.fr",
            "levant-technical-password",
            REPORT,
            &json!({ "numeroFluxDepot": numero }),
        )
        .json();
    assert_eq!(other["codeRetour"], 20001);
    let unknown = sandbox
        .api(
            REPORT,
            &json!({ "numeroFluxDepot": "CPP0011100000000000999999" }),
        )
        .json();
    assert_eq!(unknown["codeRetour"], 20001);
}

#[test]
fn search_by_flux_and_filters() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let (numero, report) = sandbox.deposit_and_wait(
        &InvoiceSpec::new("S-2026-001")
            .service("120943")
            .engagement("PO-77")
            .ubl(),
        UBL,
    );
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE");
    sandbox.deposit_and_wait(&InvoiceSpec::new("S-2026-002").credit_note().ubl(), UBL);

    let found = sandbox
        .api(
            SEARCH,
            &json!({"numeroFluxDepot": numero, "rechercheFactureParFournisseur": {"nbResultatsParPage": 5}}),
        )
        .json();
    assert_eq!(found["codeRetour"], 0, "{found}");
    assert_eq!(found["parametresRetour"]["total"], 1);
    assert_eq!(found["parametresRetour"]["nbResultatsParPage"], 5);
    let invoices = found["listeFactures"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0];
    assert!(invoice["identifiantFactureCPP"].as_i64().is_some());
    assert_eq!(invoice["numeroFacture"], "S-2026-001");
    assert_eq!(invoice["numeroFluxDepot"], numero);
    assert_eq!(invoice["typeFacture"], "FACTURE");
    assert_eq!(invoice["codeDestinataire"], BUYER_SIRET);
    assert_eq!(invoice["designationDestinataire"], "Ma jolie boutique SARL");
    assert_eq!(invoice["codeFournisseur"], SUPPLIER_SIRET);
    assert_eq!(invoice["designationFournisseur"], "Au bon moulin");
    assert_eq!(invoice["codeServiceExecutant"], "120943");
    assert_eq!(invoice["numeroBonCommande"], "PO-77");
    assert_eq!(invoice["montantHT"], 120.0);
    assert_eq!(invoice["montantTTC"], 144.0);
    assert_eq!(invoice["montantAPayer"], 144.0);
    assert_eq!(invoice["devise"], "EUR");
    assert_eq!(invoice["dateFacture"], "2026-11-30");
    assert!(invoice["statut"].is_string());
    assert!(invoice["modeDepot"].is_string());

    let credit_notes = sandbox.api(SEARCH, &json!({"typeFacture": "AVOIR"})).json();
    assert_eq!(
        credit_notes["parametresRetour"]["total"], 1,
        "{credit_notes}"
    );
    assert_eq!(
        credit_notes["listeFactures"][0]["numeroFacture"],
        "S-2026-002"
    );

    let by_supplier = sandbox
        .api(SEARCH, &json!({"idFournisseur": SUPPLIER_ID}))
        .json();
    assert_eq!(by_supplier["parametresRetour"]["total"], 2);
    let paged = sandbox
        .api(
            SEARCH,
            &json!({"rechercheFactureParFournisseur": {"nbResultatsParPage": 1, "pageResultatDemandee": 2, "triColonne": "NumeroFacture", "triSens": "Ascendant"}}),
        )
        .json();
    assert_eq!(paged["parametresRetour"]["pages"], 2);
    assert_eq!(paged["listeFactures"][0]["numeroFacture"], "S-2026-002");

    let none = sandbox
        .api(SEARCH, &json!({"numeroFacture": "does-not-exist"}))
        .json();
    assert_eq!(none["codeRetour"], 20000);
    assert_eq!(
        none["libelle"],
        "TRA_MSG_00.015 - La recherche n'a retourné aucun résultat"
    );

    // TECH_3 is attached to another supplier and must not see these invoices.
    let token = sandbox.token();
    let other = sandbox
        .api_with(
            &token,
            "TECH_3_levant@cpro.fr",
            "levant-technical-password",
            SEARCH,
            &json!({}),
        )
        .json();
    assert_eq!(other["codeRetour"], 20000);
}

#[test]
fn history_follows_invoice_timeline() {
    // With --speed 0.5 the invoice reaches EN_COURS_ACHEMINEMENT 0.25 s and
    // MISE_A_DISPOSITION 0.5 s after the flow is integrated.
    let sandbox = Sandbox::start(&["--speed", "0.5"]);
    let (numero, report) = sandbox.deposit_and_wait(&InvoiceSpec::new("H-1").ubl(), UBL);
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE");
    let found = sandbox
        .api(SEARCH, &json!({ "numeroFluxDepot": numero }))
        .json();
    let id = found["listeFactures"][0]["identifiantFactureCPP"]
        .as_i64()
        .expect("identifiantFactureCPP");

    let history = sandbox.api(HISTORY, &json!({ "idFacture": id })).json();
    assert_eq!(history["codeRetour"], 0, "{history}");
    assert_eq!(history["idFacture"], id);
    assert_eq!(history["numeroFacture"], "H-1");
    let first_status = history["statutCourantCode"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        first_status == "DEPOSEE" || first_status == "EN_COURS_ACHEMINEMENT",
        "{history}"
    );

    std::thread::sleep(Duration::from_millis(600));
    let history = sandbox.api(HISTORY, &json!({ "idFacture": id })).json();
    assert_eq!(history["statutCourantCode"], "MISE_A_DISPOSITION");
    let entries = history["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let codes: Vec<&str> = entries
        .iter()
        .map(|entry| entry["histoStatutCode"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        codes,
        ["DEPOSEE", "EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION"]
    );
    for entry in &entries {
        let passage = entry["histoStatutDatePassage"].as_str().unwrap_or("");
        assert_eq!(passage.len(), 16, "{passage:?} is not YYYY-MM-DD HH:MM");
        assert!(entry["histoStatutId"].as_i64().is_some());
    }

    // Moving the invoice by hand adds a history entry with the comment.
    let moved = sandbox.post_json(
        &format!("/_sandbox/invoices/{id}/status"),
        &json!({"status": "MANDATEE", "comment": "Mandat 42"}),
    );
    assert_eq!(moved.status, 200, "{}", moved.text());
    let history = sandbox.api(HISTORY, &json!({ "idFacture": id })).json();
    assert_eq!(history["statutCourantCode"], "MANDATEE");
    let last = history["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .and_then(|entries| entries.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["histoStatutCommentaire"], "Mandat 42");
    let searched = sandbox
        .api(SEARCH, &json!({"statutCourant": ["MANDATEE"]}))
        .json();
    assert_eq!(
        searched["listeFactures"][0]["commentaireEtatCourant"],
        "Mandat 42"
    );

    let bad_status = sandbox.post_json(
        &format!("/_sandbox/invoices/{id}/status"),
        &json!({"status": "PAYEE"}),
    );
    assert_eq!(bad_status.status, 400);
    let unknown = sandbox.api(HISTORY, &json!({ "idFacture": 1 })).json();
    let code = unknown["codeRetour"].as_i64().unwrap_or(0);
    assert!((20000..30000).contains(&code), "{unknown}");
}

#[test]
fn manual_status_cancels_pending_steps() {
    let sandbox = Sandbox::start(&["--speed", "2"]);
    let numero = sandbox.deposit(&InvoiceSpec::new("M-1").ubl(), UBL);
    let report = sandbox.wait_for_final_report(&numero);
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE");
    let found = sandbox
        .api(SEARCH, &json!({ "numeroFluxDepot": numero }))
        .json();
    let id = found["listeFactures"][0]["identifiantFactureCPP"]
        .as_i64()
        .unwrap_or(0);
    let moved = sandbox.post_json(
        &format!("/_sandbox/invoices/{id}/status"),
        &json!({"status": "REJETEE", "comment": "Refus"}),
    );
    assert_eq!(moved.status, 200);
    // EN_COURS_ACHEMINEMENT and MISE_A_DISPOSITION were due 1 s and 2 s later.
    std::thread::sleep(Duration::from_millis(2100));
    let history = sandbox.api(HISTORY, &json!({ "idFacture": id })).json();
    assert_eq!(history["statutCourantCode"], "REJETEE", "{history}");
}

#[test]
fn consult_supplier_invoice() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let (numero, _) = sandbox.deposit_and_wait(
        &InvoiceSpec::new("C-1")
            .service("120943")
            .engagement("EJ-9")
            .ubl(),
        UBL,
    );
    let found = sandbox
        .api(SEARCH, &json!({ "numeroFluxDepot": numero }))
        .json();
    let id = found["listeFactures"][0]["identifiantFactureCPP"]
        .as_i64()
        .unwrap_or(0);

    let consulted = sandbox
        .api(
            "/cpro/factures/v1/consulter/fournisseur",
            &json!({ "identifiantFactureCPP": id }),
        )
        .json();
    assert_eq!(consulted["codeRetour"], 0, "{consulted}");

    let invoice = &consulted["facture"];
    assert_eq!(invoice["identifiantFactureCPP"], id);
    assert_eq!(invoice["numeroFacture"], "C-1");
    assert_eq!(invoice["statutFacture"], "MISE_A_DISPOSITION");
    assert_eq!(invoice["destinataire"]["idDestinataire"], BUYER_ID);
    assert_eq!(invoice["destinataire"]["codeServiceExecutant"], "120943");
    assert_eq!(invoice["fournisseur"]["idFournisseur"], SUPPLIER_ID);
    assert_eq!(invoice["references"]["numeroBonCommande"], "EJ-9");
    assert_eq!(invoice["references"]["modePaiement"], "VIREMENT");
    assert_eq!(invoice["montantTotal"]["montantTVA"], 24.0);
}

#[test]
fn report_with_pdf() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let (numero, _) = sandbox.deposit_and_wait(&InvoiceSpec::new("CR-1").ubl(), UBL);
    let report = sandbox
        .api(
            "/cpro/transverses/v1/consulterCR",
            &json!({ "numeroFluxDepot": numero }),
        )
        .json();
    assert_eq!(report["codeRetour"], 0, "{report}");
    assert_eq!(report["etatCourantFlux"], "IN_INTEGRE");
    assert_eq!(report["numeroFluxDepot"], numero);
    let pdf = STANDARD
        .decode(report["fichierCR"].as_str().unwrap_or(""))
        .unwrap_or_default();
    assert!(pdf.starts_with(b"%PDF-1.4"), "fichierCR is not a PDF");
    assert!(pdf.ends_with(b"%%EOF\n"));
}

#[test]
fn admin_flux_shows_file_digest() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    // Every byte value, to catch a text round-trip in base64 handling.
    let file: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let numero = sandbox.deposit(&file, "IN_DP_E2_CII_FACTURX");
    let details = sandbox.get(&format!("/_sandbox/flux/{numero}"));
    assert_eq!(details.status, 200);
    let details = details.json();
    let expected: String = Sha256::digest(&file)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(details["sha256"], expected);
    assert_eq!(details["size"], 1000);
    assert_eq!(details["depositor_login"], TECH_LOGIN);
    assert_eq!(details["syntaxe_flux"], "IN_DP_E2_CII_FACTURX");
    let text = details.to_string();
    assert!(!text.contains(TECH_PASSWORD));
    assert_eq!(sandbox.get("/_sandbox/flux/CPP000").status, 404);
}

#[test]
fn structures_and_attachments() {
    let sandbox = Sandbox::start(&[]);
    let found = sandbox
        .api(
            "/cpro/structures/v1/rechercher",
            &json!({"structure": {"identifiantStructure": BUYER_SIRET, "typeIdentifiantStructure": "SIRET"}}),
        )
        .json();
    assert_eq!(found["codeRetour"], 0, "{found}");
    let structures = found["listeStructures"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(structures.len(), 1);
    assert_eq!(structures[0]["idStructureCPP"], BUYER_ID);

    // A private supplier the account is not attached to is hidden unless asked for.
    let hidden = sandbox
        .api(
            "/cpro/structures/v1/rechercher",
            &json!({"structure": {"identifiantStructure": OTHER_SUPPLIER_SIRET}}),
        )
        .json();
    assert_eq!(hidden["codeRetour"], 20000);
    let listed = sandbox
        .api(
            "/cpro/structures/v1/rechercher",
            &json!({"structure": {"identifiantStructure": OTHER_SUPPLIER_SIRET}, "restreindreStructuresPrivees": false}),
        )
        .json();
    assert_eq!(listed["codeRetour"], 0);

    let consulted = sandbox
        .api(
            "/cpro/structures/v1/consulter",
            &json!({"idStructureCPP": 26301, "codeLangue": "FR"}),
        )
        .json();
    assert_eq!(consulted["codeRetour"], 0, "{consulted}");
    assert_eq!(consulted["libelle"], "GCU_MSG_01_000");
    assert_eq!(
        consulted["parametres"]["codeServiceDoitEtreRenseigne"],
        true
    );
    assert_eq!(consulted["parametres"]["numeroEJDoitEtreRenseigne"], false);
    assert_eq!(
        consulted["parametres"]["gestionNumeroEJOuCodeService"],
        false
    );
    assert_eq!(
        consulted["informationGenerales"]["dateExpirationMotPasseCompteTech"],
        "2099-12-31"
    );
    assert_eq!(
        consulted["informationGenerales"]["structurePriveePublique"],
        "PUBLIQUE"
    );

    let services = sandbox
        .api(
            "/cpro/structures/v1/rechercher/services",
            &json!({"idStructure": BUYER_ID, "parametresRechercherServicesStructure": {"nbResultatsParPage": 100}}),
        )
        .json();
    let list = services["listeServices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let old = list
        .iter()
        .find(|service| service["codeService"] == "OLD01");
    assert_eq!(old.map(|service| &service["estActif"]), Some(&json!(false)));
    assert!(list
        .iter()
        .any(|service| service["codeService"] == "FACTURES_PUBLIQUES"));

    let attachments = sandbox
        .api(
            "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements",
            &json!({"parametresRecherche": {"nbResultatsParPage": 10}}),
        )
        .json();
    assert_eq!(attachments["codeRetour"], 0, "{attachments}");
    let attached = attachments["listeStructureRattachement"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0]["idStructure"], SUPPLIER_ID);
    assert_eq!(attached[0]["identifiantStructure"], SUPPLIER_SIRET);
    assert_eq!(attachments["parametresRetour"]["total"], 1);

    let bank = sandbox
        .api(
            "/cpro/transverses/v1/recuperer/coordbanc/valides",
            &json!({"idStructure": SUPPLIER_ID}),
        )
        .json();
    assert_eq!(
        bank["listeCoordonneeBancaire"].as_array().map(Vec::len),
        Some(1)
    );
    let foreign_bank = sandbox
        .api(
            "/cpro/transverses/v1/recuperer/coordbanc/valides",
            &json!({"idStructure": 25532}),
        )
        .json();
    assert_ne!(foreign_bank["codeRetour"], 0);
}

#[test]
fn requests_log_keeps_no_secrets() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    sandbox.deposit(&InvoiceSpec::new("LOG-1").ubl(), UBL);
    let token = sandbox.token();
    let response = sandbox.get("/_sandbox/requests?limit=10");
    assert_eq!(response.status, 200);
    let text = response.text();
    for secret in [
        TECH_PASSWORD,
        "sandbox-client-secret",
        token.as_str(),
        &cpro_account(TECH_LOGIN, TECH_PASSWORD),
    ] {
        assert!(!text.contains(secret), "request log contains a secret");
    }
    let records = response.json().as_array().cloned().unwrap_or_default();
    let deposit = records
        .iter()
        .find(|record| record["path"] == "/cpro/factures/v1/deposer/flux")
        .cloned()
        .unwrap_or_default();
    assert_eq!(deposit["method"], "POST");
    assert_eq!(deposit["status"], 200);
    assert_eq!(deposit["authorization_scheme"], "Bearer");
    assert_eq!(deposit["cpro_account_login"], TECH_LOGIN);
    assert_eq!(deposit["content_type"], "application/json;charset=utf-8");
    assert_eq!(deposit["accept"], "application/json;charset=utf-8");
    assert_eq!(deposit["body_is_valid_json"], true);

    let limited = sandbox.get("/_sandbox/requests?limit=1").json();
    assert_eq!(limited.as_array().map(Vec::len), Some(1));
    assert_eq!(sandbox.get("/_sandbox/requests?limit=5000").status, 400);
}
