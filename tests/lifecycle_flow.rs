//! Invoice lifecycle against the real sandbox process: multi-invoice flux with partial
//! integration, statuses to payment, suspension, recycling, rejection, buyer look-up and
//! the routing checks made before a deposit.

mod common;

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use chorus_pro::chorus_result as Code;
use chorus_pro::client::Session;
use chorus_pro::config::Config;
use chorus_pro::{actions, directory, invoice};
use serde_json::{json, Value};

use common::{sample_invoice, Sandbox};

/// The buyer of the data set whose services pay, suspend, reject or send back.
const FOLLOW_UP_BUYER: &str = "21690012600014";
/// A buyer that requires a service code, with the inactive service `SE-ANCIEN`.
const SERVICE_REQUIRED_BUYER: &str = "11000201100044";
/// A buyer that does not report payments.
const PAYMENT_NOT_REPORTED_BUYER: &str = "21690013400018";
const SUPPLIER_SIRET: &str = "99999999800019";

fn session(sandbox: &Sandbox) -> Session {
    Session::new(Config::from_json(&sandbox.config(json!({}))).expect("valid config"))
        .expect("session")
}

/// Renumbers the sample invoice and addresses it to another buyer and service.
fn invoice_for(number: &str, buyer_siret: &str, service_code: Option<&str>) -> String {
    let mut invoice: Value = serde_json::from_str(&sample_invoice(number)).expect("sample JSON");
    let buyer = invoice["buyer"].as_object_mut().expect("buyer object");
    buyer.insert("siret".into(), Value::from(buyer_siret));
    // The sample buyer's SIREN, VAT number and electronic address belong to its own SIRET.
    buyer.remove("siren");
    buyer.remove("vat_identifier");
    buyer.remove("electronic_address");
    let document = invoice.as_object_mut().expect("invoice object");
    match service_code {
        Some(code) => document.insert("buyer_reference".into(), Value::from(code)),
        None => document.remove("buyer_reference"),
    };
    invoice.to_string()
}

/// Polls a status query until `done` accepts the result.
fn wait_until(session: &Session, query: &Value, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = session.get_status(&query.to_string()).expect("status");
        if done(&status) {
            return status;
        }
        assert!(Instant::now() < deadline, "{query} never matched: {status}");
        thread::sleep(Duration::from_millis(50));
    }
}

fn wait_for_status(session: &Session, id: i64, code: &str) -> Value {
    let query = json!({ "portal_invoice_id": id });
    let status = wait_until(session, &query, |status| {
        status["invoices"][0]["status"] == code
    });
    status["invoices"][0].clone()
}

fn submit_and_get_id(session: &Session, invoice: &str) -> i64 {
    let deposit = session.submit(invoice).expect("deposit");
    let query = json!({ "flux_number": deposit["flux_number"] });
    let status = wait_until(session, &query, |status| status["final"] == true);
    assert_eq!(status["state"], "IN_INTEGRE", "{status}");
    status["invoices"][0]["portal_invoice_id"]
        .as_i64()
        .expect("portal invoice id")
}

fn statuses(history: &Value) -> Vec<&str> {
    history
        .as_array()
        .expect("history array")
        .iter()
        .map(|entry| entry["status"].as_str().unwrap_or_default())
        .collect()
}

fn tar_gz(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, contents) in files {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..108].copy_from_slice(b"0000644\0");
        header[124..136].copy_from_slice(format!("{:011o}\0", contents.len()).as_bytes());
        header[136..148].copy_from_slice(b"00000000000\0");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let checksum: u32 = header.iter().map(|&byte| u32::from(byte)).sum();
        header[148..156].copy_from_slice(format!("{checksum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&header);
        tar.extend_from_slice(contents);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.extend_from_slice(&[0u8; 1024]);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&tar).expect("gzip");
    encoder.finish().expect("gzip")
}

#[test]
fn flux_of_25_invoices_each_with_state() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox);
    // Every fifth invoice names a service the buyer does not have, so the portal rejects it.
    let files: Vec<(String, Vec<u8>)> = (1..=25)
        .map(|index| {
            let number = format!("LOT-{index:02}");
            let service = if index % 5 == 0 { "NOPE" } else { "120943" };
            let json = invoice_for(&number, "78787878400018", Some(service));
            let parsed = invoice::parse_invoice(&json).expect("invoice JSON");
            let xml = parsed.to_ubl(None).expect("UBL");
            (format!("UBL_chorus_facture_{number}.xml"), xml)
        })
        .collect();
    let archive = tar_gz(&files);
    let reply = session
        .portal
        .post(
            chorus_pro::client::DEPOSIT_PATH,
            &json!({
                "fichierFlux": base64::engine::general_purpose::STANDARD.encode(&archive),
                "nomFichier": "UBL_chorus_lot_factures.tar.gz",
                "syntaxeFlux": "IN_DP_E1_UBL_INVOICE",
                "avecSignature": false,
            }),
        )
        .expect("deposit")
        .into_success(chorus_pro::client::DEPOSIT_PATH)
        .expect("deposit accepted");
    let query = json!({ "flux_number": reply["numeroFluxDepot"] });

    let status = wait_until(&session, &query, |status| status["final"] == true);
    assert_eq!(status["state"], "IN_INTEGRE_PARTIEL", "{status}");
    assert_eq!(status["outcome"], "partially_integrated");
    assert_eq!(status["integrated_count"], 20);
    assert_eq!(status["rejected_count"], 5);

    let invoices = status["invoices"].as_array().expect("invoices");
    assert_eq!(invoices.len(), 25, "{status}");
    let mut numbers: Vec<&str> = invoices
        .iter()
        .map(|entry| entry["invoice_number"].as_str().unwrap_or_default())
        .collect();
    numbers.sort_unstable();
    let expected: Vec<String> = (1..=25).map(|index| format!("LOT-{index:02}")).collect();
    assert_eq!(numbers, expected);

    let mut ids = std::collections::HashSet::new();
    for entry in invoices {
        let number = entry["invoice_number"].as_str().unwrap_or_default();
        let index: u32 = number[4..].parse().expect("number suffix");
        if index % 5 == 0 {
            assert_eq!(entry["deposit_outcome"], "rejected", "{entry}");
            assert_eq!(entry["state"], "rejected_at_deposit", "{entry}");
            assert_eq!(entry["final"], true, "{entry}");
            assert!(entry["portal_invoice_id"].is_null(), "{entry}");
            let reason = entry["reason"].as_str().unwrap_or_default();
            assert!(reason.contains("NOPE"), "{entry}");
            assert_eq!(entry["errors"][0]["reason"], "service_code", "{entry}");
        } else {
            assert_eq!(entry["deposit_outcome"], "integrated", "{entry}");
            let id = entry["portal_invoice_id"].as_i64().expect("portal id");
            assert!(ids.insert(id), "portal id {id} listed twice");
            assert_eq!(entry["history"][0]["status"], "DEPOSEE", "{entry}");
            assert!(entry["status"].is_string(), "{entry}");
            assert!(entry["state"].is_string(), "{entry}");
        }
    }

    // 20 integrated invoices at the portal's 10 per page take two search pages.
    sandbox.admin_post("/_sandbox/reset-stats", json!({}));
    session
        .get_status(&query.to_string())
        .expect("status again");
    let stats = sandbox.admin_get("/_sandbox/stats");
    assert_eq!(
        stats["by_path"]["/cpro/factures/v1/rechercher/fournisseur"], 2,
        "{stats}"
    );
}

#[test]
fn invoice_followed_to_payment() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox);
    let id = submit_and_get_id(
        &session,
        &invoice_for("PAY-1", FOLLOW_UP_BUYER, Some("PAIEMENT")),
    );

    let query = json!({ "portal_invoice_id": id });
    let mut seen = Vec::new();
    let status = wait_until(&session, &query, |status| {
        let entry = &status["invoices"][0];
        // Every intermediate result must ask to poll again.
        if entry["final"] == false {
            assert!(entry["retry_after_seconds"].as_u64().is_some(), "{entry}");
            assert_eq!(status["final"], false, "{status}");
        }
        entry["final"] == true
    });
    seen.push(status.clone());
    let entry = &status["invoices"][0];
    assert_eq!(entry["status"], "MISE_EN_PAIEMENT");
    assert_eq!(entry["state"], "payment_under_way");
    assert_eq!(entry["final_reason"], "final_status");
    assert!(entry["retry_after_seconds"].is_null());
    assert_eq!(entry["invoice_number"], "PAY-1");
    assert_eq!(entry["service_code"], "PAIEMENT");
    assert_eq!(
        statuses(&entry["history"]),
        [
            "DEPOSEE",
            "EN_COURS_ACHEMINEMENT",
            "MISE_A_DISPOSITION",
            "SERVICE_FAIT",
            "MANDATEE",
            "MISE_EN_PAIEMENT"
        ]
    );
    assert_eq!(entry["history"][2]["state"], "available_to_buyer");
    assert_eq!(entry["history"][4]["state"], "mandated");
    assert!(status["retry_after_seconds"].is_null());

    let by_number = session
        .get_status(
            &json!({"invoice_number": "PAY-1", "supplier_siret": SUPPLIER_SIRET}).to_string(),
        )
        .expect("status by number");
    assert_eq!(by_number["invoices"].as_array().map(Vec::len), Some(1));
    assert_eq!(by_number["invoices"][0]["portal_invoice_id"], id);
    assert_eq!(by_number["invoices"][0]["status"], "MISE_EN_PAIEMENT");
}

#[test]
fn mandated_final_without_payment_report() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox);
    let id = submit_and_get_id(
        &session,
        &invoice_for("MAN-1", PAYMENT_NOT_REPORTED_BUYER, None),
    );
    let query = json!({ "portal_invoice_id": id });
    let status = wait_until(&session, &query, |status| status["final"] == true);
    let entry = &status["invoices"][0];
    assert_eq!(entry["status"], "MANDATEE");
    assert_eq!(entry["final_reason"], "payment_not_reported");
    assert_eq!(entry["payment_status_reported"], false);
}

#[test]
fn recycled_suspended_completed_then_paid() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox);
    let id = submit_and_get_id(
        &session,
        &invoice_for("REC-1", FOLLOW_UP_BUYER, Some("RECYCLAGE")),
    );

    let returned = wait_for_status(&session, id, "A_RECYCLER");
    assert_eq!(returned["state"], "to_recycle");
    assert_eq!(returned["action"], "recycle");
    assert_eq!(returned["final"], false);
    let reason = returned["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("service destinataire"), "{returned}");

    // An inactive service is refused locally, before anything is sent.
    let error = actions::recycle_invoice(
        &session,
        &json!({"portal_invoice_id": id, "service_code": "FERME"}).to_string(),
    )
    .unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_INVALID_QUERY);
    assert_eq!(error.problems[0].path, "service_code");
    assert!(error.problems[0].message_en.contains("inactive"), "{error}");

    let recycled = actions::recycle_invoice(
        &session,
        &json!({
            "portal_invoice_id": id,
            "service_code": "SUSPENSION",
            "comment": "Service corrigé",
        })
        .to_string(),
    )
    .expect("recycle");
    assert_eq!(recycled["portal_invoice_id"], id);
    assert_eq!(recycled["invoice_number"], "REC-1");

    let suspended = wait_for_status(&session, id, "SUSPENDUE");
    assert_eq!(suspended["action"], "complete");
    assert_eq!(suspended["service_code"], "SUSPENSION");
    let reason = suspended["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("bon de livraison"), "{suspended}");

    let completed = actions::complete_invoice(
        &session,
        &json!({"portal_invoice_id": id, "comment": "Bon de livraison joint"}).to_string(),
    )
    .expect("complete");
    assert_eq!(completed["invoice_number"], "REC-1");
    assert!(completed["processed_at"].is_string());

    // Completing again is refused by the portal: the invoice is no longer suspended.
    let again = actions::complete_invoice(&session, &json!({"portal_invoice_id": id}).to_string())
        .unwrap_err();
    assert_eq!(again.code, Code::CHORUS_ERR_REJECTED);

    let paid = wait_for_status(&session, id, "MISE_EN_PAIEMENT");
    assert_eq!(paid["final"], true);
    // Twelve entries: the history comes in two pages of ten.
    let history = &paid["history"];
    assert_eq!(
        statuses(history),
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
    assert!(history[3]["comment"]
        .as_str()
        .is_some_and(|comment| comment.contains("service destinataire")));
    assert_eq!(history[4]["comment"], "Service corrigé");
    assert!(history[6]["comment"]
        .as_str()
        .is_some_and(|comment| comment.contains("bon de livraison")));
    assert_eq!(history[7]["comment"], "Bon de livraison joint");
}

#[test]
fn rejected_invoice_final_with_reason() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox);
    let id = submit_and_get_id(
        &session,
        &invoice_for("REJ-1", FOLLOW_UP_BUYER, Some("REJET")),
    );
    let rejected = wait_for_status(&session, id, "REJETEE");
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(rejected["final"], true);
    assert!(rejected["retry_after_seconds"].is_null());
    assert!(rejected["action"].is_null());
    let reason = rejected["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("bon de commande"), "{rejected}");
    assert_eq!(
        statuses(&rejected["history"]).last().copied(),
        Some("REJETEE")
    );
}

#[test]
fn submit_checks_service_code_locally() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox);
    let cases = [
        (None, "requires a service code"),
        (Some("SE-ANCIEN"), "inactive"),
        (Some("NOPE"), "unknown"),
        (Some("FACTURES_PUBLIQUES"), "reserved"),
    ];
    for (service, expected) in cases {
        let error = session
            .submit(&invoice_for("SVC-1", SERVICE_REQUIRED_BUYER, service))
            .unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE, "{service:?}");
        assert_eq!(error.problems.len(), 1, "{service:?}: {error:?}");
        assert_eq!(error.problems[0].path, "buyer_reference", "{service:?}");
        let message = &error.problems[0].message_en;
        assert!(message.contains(expected), "{service:?}: {message}");
        assert!(message.contains("SE-ACHATS"), "{service:?}: {message}");
    }
    let unknown_buyer = session
        .submit(&invoice_for("SVC-2", "35600000000048", Some("X")))
        .unwrap_err();
    assert_eq!(unknown_buyer.problems[0].path, "buyer.siret");
    assert_eq!(sandbox.admin_get("/_sandbox/stats")["deposits"], 0);

    let accepted = session
        .submit(&invoice_for(
            "SVC-3",
            SERVICE_REQUIRED_BUYER,
            Some("SE-ACHATS"),
        ))
        .expect("deposit with an active service");
    assert!(accepted["flux_number"].is_string());
}

#[test]
fn lookup_buyer_requirements_and_cache() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox);
    let query = json!({ "siret": FOLLOW_UP_BUYER }).to_string();
    let buyer = directory::lookup_buyer(&session, &query).expect("look-up");
    assert_eq!(buyer["structure_id"], 26305);
    assert_eq!(buyer["requirement"], "service_code");
    assert_eq!(buyer["service_code_required"], true);
    assert_eq!(buyer["cached"], false);
    let codes: Vec<&str> = buyer["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|service| service["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        codes,
        ["PAIEMENT", "SUSPENSION", "REJET", "RECYCLAGE", "ENGAGEMENT"]
    );
    assert_eq!(buyer["services"][4]["engagement_required"], true);
    assert_eq!(buyer["services"][0]["engagement_required"], false);
    assert_eq!(buyer["inactive_services"][0]["code"], "FERME");

    let api_calls = sandbox.admin_get("/_sandbox/stats")["api_requests"].clone();
    let again = directory::lookup_buyer(&session, &query).expect("cached look-up");
    assert_eq!(again["cached"], true);
    assert_eq!(
        sandbox.admin_get("/_sandbox/stats")["api_requests"],
        api_calls
    );
    let refreshed = directory::lookup_buyer(
        &session,
        &json!({"siret": FOLLOW_UP_BUYER, "refresh": true}).to_string(),
    )
    .expect("refreshed look-up");
    assert_eq!(refreshed["cached"], false);

    for (siret, requirement) in [
        ("78787878400018", "none"),
        ("13000123300019", "engagement"),
        ("13000456700017", "service_code_or_engagement"),
        ("13000789100018", "service_code_and_engagement"),
    ] {
        let buyer = directory::lookup_buyer(&session, &json!({ "siret": siret }).to_string())
            .expect("look-up");
        assert_eq!(buyer["requirement"], requirement, "{siret}");
    }

    let unknown =
        directory::lookup_buyer(&session, &json!({"siret": "35600000000048"}).to_string())
            .unwrap_err();
    assert_eq!(unknown.code, Code::CHORUS_ERR_NOT_FOUND);
    let invalid =
        directory::lookup_buyer(&session, &json!({"siret": "123"}).to_string()).unwrap_err();
    assert_eq!(invalid.code, Code::CHORUS_ERR_INVALID_QUERY);
}

#[test]
fn supplier_structures_with_bank_accounts() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox);
    let listed = directory::list_supplier_structures(&session).expect("structures");
    let structures = listed["structures"].as_array().expect("structures");
    assert_eq!(structures.len(), 1, "{listed}");
    assert_eq!(structures[0]["structure_id"], 25531);
    assert_eq!(structures[0]["identifier"], SUPPLIER_SIRET);
    assert_eq!(structures[0]["bank_accounts"][0]["bank_account_id"], 7101);
}

#[test]
fn status_query_validation() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox);
    for query in [
        json!({}),
        json!({"flux_number": "CPP1", "portal_invoice_id": 5}),
        json!({"flux": "CPP1"}),
        json!({"portal_invoice_id": "abc"}),
        json!({"flux_number": "CPP1", "supplier_siret": SUPPLIER_SIRET}),
        json!({"flux_number": ""}),
    ] {
        let error = session.get_status(&query.to_string()).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_QUERY, "{query}");
    }
    let missing = session
        .get_status(&json!({"invoice_number": "NEVER-SENT"}).to_string())
        .unwrap_err();
    assert_eq!(missing.code, Code::CHORUS_ERR_NOT_FOUND);
}
