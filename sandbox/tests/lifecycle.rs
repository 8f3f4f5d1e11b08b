//! Multi-invoice flows, buyer scenarios, `completer`, `recycler` and paged histories.

mod common;

use std::io::Write;

use serde_json::{json, Value};

use common::{InvoiceSpec, Sandbox, UBL};

const SEARCH: &str = "/cpro/factures/v1/rechercher/fournisseur";
const HISTORY: &str = "/cpro/factures/v1/consulter/historique";
const COMPLETE: &str = "/cpro/factures/v1/completer";
const RECYCLE: &str = "/cpro/factures/v1/recycler";
const FOLLOW_UP_BUYER: &str = "21690012600014";

/// Packs files into a ustar archive, gzip-compressed when `gzip` is set.
fn archive(files: &[(String, Vec<u8>)], gzip: bool) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, contents) in files {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[124..136].copy_from_slice(format!("{:011o}\0", contents.len()).as_bytes());
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        tar.extend_from_slice(&header);
        tar.extend_from_slice(contents);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.extend_from_slice(&[0u8; 1024]);
    if !gzip {
        return tar;
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(&tar)
        .unwrap_or_else(|error| panic!("{error}"));
    encoder.finish().unwrap_or_else(|error| panic!("{error}"))
}

/// Deposits one invoice at speed 0 and returns its `identifiantFactureCPP`.
fn deposit_one(sandbox: &Sandbox, spec: &InvoiceSpec) -> i64 {
    let (numero, report) = sandbox.deposit_and_wait(&spec.ubl(), UBL);
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE", "{report}");
    let found = sandbox
        .api(SEARCH, &json!({ "numeroFluxDepot": numero }))
        .json();
    found["listeFactures"][0]["identifiantFactureCPP"]
        .as_i64()
        .unwrap_or_else(|| panic!("no invoice in {found}"))
}

fn history_codes(history: &Value) -> Vec<String> {
    history["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| entry["histoStatutCode"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn gzip_archive_partially_integrated() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let mut files: Vec<(String, Vec<u8>)> = (1..=12)
        .map(|index| {
            let spec = InvoiceSpec::new(&format!("ARC-{index}"));
            (format!("ARC-{index}.xml"), spec.ubl())
        })
        .collect();
    files.push((
        "ARC-BAD-SERVICE.xml".to_string(),
        InvoiceSpec::new("ARC-13").service("NOPE").ubl(),
    ));
    files.push(("notes.xml".to_string(), b"not xml at all".to_vec()));
    let (numero, report) = sandbox.deposit_and_wait(&archive(&files, true), UBL);

    assert_eq!(
        report["etatCourantDepotFlux"], "IN_INTEGRE_PARTIEL",
        "{report}"
    );
    let dp_errors = report["listeErreurDP"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(dp_errors.len(), 1, "{report}");
    assert_eq!(dp_errors[0]["numeroDP"], "ARC-13");
    let technical = report["listeErreurTechnique"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(technical.len(), 1, "{report}");
    let libelle = technical[0]["libelleErreur"].as_str().unwrap_or("");
    assert!(libelle.starts_with("notes.xml : "), "{libelle}");

    let stored = sandbox.get(&format!("/_sandbox/flux/{numero}")).json();
    assert_eq!(stored["invoice_ids"].as_array().map(Vec::len), Some(12));

    // Twelve invoices at the default ten per page: two pages.
    let first = sandbox
        .api(SEARCH, &json!({ "numeroFluxDepot": numero }))
        .json();
    assert_eq!(first["parametresRetour"]["pages"], 2, "{first}");
    assert_eq!(first["parametresRetour"]["total"], 12);
    assert_eq!(first["listeFactures"].as_array().map(Vec::len), Some(10));
    let second = sandbox
        .api(
            SEARCH,
            &json!({
                "numeroFluxDepot": numero,
                "rechercheFactureParFournisseur": {"pageResultatDemandee": 2},
            }),
        )
        .json();
    assert_eq!(second["listeFactures"].as_array().map(Vec::len), Some(2));
}

#[test]
fn plain_tar_all_rejected_and_broken_archive() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let files = vec![
        (
            "a.xml".to_string(),
            InvoiceSpec::new("TAR-1").service("NOPE").ubl(),
        ),
        (
            "b.xml".to_string(),
            InvoiceSpec::new("TAR-2").buyer("00000000000000").ubl(),
        ),
    ];
    let (_, report) = sandbox.deposit_and_wait(&archive(&files, false), UBL);
    assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE", "{report}");
    assert_eq!(report["listeErreurDP"].as_array().map(Vec::len), Some(2));

    // A gzip header followed by garbage cannot be unpacked: the whole flow is rejected.
    let (_, broken) = sandbox.deposit_and_wait(&[0x1f, 0x8b, 8, 0, 1, 2, 3], UBL);
    assert_eq!(broken["etatCourantDepotFlux"], "IN_REJETE", "{broken}");
    let libelle = broken["listeErreurTechnique"][0]["libelleErreur"]
        .as_str()
        .unwrap_or("");
    assert!(libelle.contains("archive"), "{libelle}");
}

#[test]
fn buyer_scenarios_run_to_their_end() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let cases = [
        (
            InvoiceSpec::new("SC-1")
                .buyer(FOLLOW_UP_BUYER)
                .service("PAIEMENT"),
            "MISE_EN_PAIEMENT",
        ),
        (
            InvoiceSpec::new("SC-2")
                .buyer(FOLLOW_UP_BUYER)
                .service("REJET"),
            "REJETEE",
        ),
        (
            InvoiceSpec::new("SC-3")
                .buyer(FOLLOW_UP_BUYER)
                .service("SUSPENSION"),
            "SUSPENDUE",
        ),
        (
            InvoiceSpec::new("SC-4")
                .buyer(FOLLOW_UP_BUYER)
                .service("RECYCLAGE"),
            "A_RECYCLER",
        ),
        (InvoiceSpec::new("SC-5").buyer("21690013400018"), "MANDATEE"),
        (InvoiceSpec::new("SC-6"), "MISE_A_DISPOSITION"),
    ];
    for (spec, last) in cases {
        let id = deposit_one(&sandbox, &spec);
        let history = sandbox.api(HISTORY, &json!({ "idFacture": id })).json();
        assert_eq!(
            history["statutCourantCode"], last,
            "{}: {history}",
            spec.number
        );
        let codes = history_codes(&history);
        assert_eq!(
            codes.last().map(String::as_str),
            Some(last),
            "{}",
            spec.number
        );
        let entries = history["historiquesDesStatuts"]["histoStatut"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let comment = entries
            .last()
            .map(|entry| entry["histoStatutCommentaire"].clone())
            .unwrap_or(Value::Null);
        let returned = ["REJETEE", "SUSPENDUE", "A_RECYCLER"].contains(&last);
        assert_eq!(comment.is_string(), returned, "{}: {history}", spec.number);
    }
}

#[test]
fn recycle_then_complete_with_paged_history() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let id = deposit_one(
        &sandbox,
        &InvoiceSpec::new("RC-1")
            .buyer(FOLLOW_UP_BUYER)
            .service("RECYCLAGE"),
    );

    let early = sandbox
        .api(COMPLETE, &json!({ "identifiantFactureCPP": id }))
        .json();
    assert_eq!(early["codeRetour"], 20008, "{early}");

    let inactive = sandbox
        .api(
            RECYCLE,
            &json!({
                "identifiantFactureCPP": id,
                "destinataire": {"codeServiceExecutant": "FERME"},
            }),
        )
        .json();
    assert_eq!(inactive["codeRetour"], 20009, "{inactive}");
    assert!(inactive["libelle"]
        .as_str()
        .is_some_and(|libelle| libelle.contains("inconnu ou inactif")));

    let recycled = sandbox
        .api(
            RECYCLE,
            &json!({
                "identifiantFactureCPP": id,
                "destinataire": {"codeDestinataire": FOLLOW_UP_BUYER, "codeServiceExecutant": "SUSPENSION"},
                "commentaire": "Service corrige",
            }),
        )
        .json();
    assert_eq!(recycled["codeRetour"], 0, "{recycled}");
    assert_eq!(recycled["numeroFacture"], "RC-1");
    assert_eq!(recycled["statutFacture"], "SUSPENDUE");

    let completed = sandbox
        .api(
            COMPLETE,
            &json!({"identifiantFactureCPP": id, "commentaire": "Piece jointe"}),
        )
        .json();
    assert_eq!(completed["codeRetour"], 0, "{completed}");
    assert!(completed["dateTraitement"].is_string());

    let first = sandbox.api(HISTORY, &json!({ "idFacture": id })).json();
    assert_eq!(first["statutCourantCode"], "MISE_EN_PAIEMENT");
    assert_eq!(
        first["historiquesDesStatuts"]["paging"]["pages"], 2,
        "{first}"
    );
    assert_eq!(first["historiquesDesStatuts"]["paging"]["total"], 12);
    let second = sandbox
        .api(
            HISTORY,
            &json!({"idFacture": id, "paramRechercheHistoStatuts": {"pageResultatDemandee": 2}}),
        )
        .json();
    let mut codes = history_codes(&first);
    codes.extend(history_codes(&second));
    assert_eq!(
        codes,
        [
            "DEPOSEE",
            "EN_COURS_ACHEMINEMENT",
            "MISE_A_DISPOSITION",
            "A_RECYCLER",
            "EN_COURS_ACHEMINEMENT",
            "MISE_A_DISPOSITION",
            "SUSPENDUE",
            "COMPLETEE",
            "MISE_A_DISPOSITION",
            "SERVICE_FAIT",
            "MANDATEE",
            "MISE_EN_PAIEMENT"
        ]
    );
    let found = sandbox
        .api(SEARCH, &json!({"numeroFacture": "RC-1"}))
        .json();
    assert_eq!(
        found["listeFactures"][0]["codeServiceExecutant"],
        "SUSPENSION"
    );
}

#[test]
fn actions_on_invoices_of_other_accounts_not_found() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let id = deposit_one(
        &sandbox,
        &InvoiceSpec::new("OWN-1")
            .buyer(FOLLOW_UP_BUYER)
            .service("SUSPENSION"),
    );
    let token = sandbox.token();
    let reply = sandbox
        .api_with(
            &token,
            "TECH_3_levant@cpro.fr",
            "levant-technical-password",
            COMPLETE,
            &json!({ "identifiantFactureCPP": id }),
        )
        .json();
    assert_eq!(reply["codeRetour"], 20005, "{reply}");
    let missing = sandbox
        .api(RECYCLE, &json!({ "identifiantFactureCPP": 1 }))
        .json();
    assert_eq!(missing["codeRetour"], 20005, "{missing}");
}
