//! Buyer look-up in the Chorus Pro structure directory, the checks of an invoice's
//! service code and engagement number against it, and supplier discovery.
//!
//! A buyer profile takes four kinds of call (search, structure, services, one call per
//! active service), so profiles are cached per environment, gateway URL and identifier
//! for [`CACHE_LIFETIME`], shared by every handle of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;
use serde_json::{json, Value};

use crate::client::Session;
use crate::error::{chorus_result as Code, Error};
use crate::invoice::{Invoice, Problem};
use crate::tracking::{self, list_or_single, read_all_pages, SEARCH_EMPTY};

pub const SEARCH_STRUCTURE_PATH: &str = "/cpro/structures/v1/rechercher";
pub const STRUCTURE_PATH: &str = "/cpro/structures/v1/consulter";
pub const SERVICES_PATH: &str = "/cpro/structures/v1/rechercher/services";
pub const SERVICE_PATH: &str = "/cpro/structures/v1/consulter/service";
pub const BANK_ACCOUNTS_PATH: &str = "/cpro/transverses/v1/recuperer/coordbanc/valides";

/// How long a buyer profile is reused before it is read again from the portal.
pub const CACHE_LIFETIME: Duration = Duration::from_secs(3600);

/// The service reserved for invoicing between public structures. A private supplier's
/// invoice to it is rejected, so it is never offered to one.
pub const PUBLIC_INVOICES_SERVICE: &str = "FACTURES_PUBLIQUES";

/// Services asked per page; the portal's own default is not documented.
const SERVICES_PER_PAGE: u64 = 100;

/// Identifier types of `typeIdentifiantStructure`.
const IDENTIFIER_TYPES: [&str; 7] = [
    "SIRET",
    "UE_HORS_FRANCE",
    "HORS_UE",
    "RIDET",
    "TAHITI",
    "AUTRE",
    "PARTICULIER",
];

/// One service of a buyer structure.
#[derive(Clone, Debug)]
pub struct Service {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub engagement_required: bool,
}

/// Directory data of one structure.
#[derive(Clone, Debug)]
pub struct BuyerProfile {
    pub identifier: String,
    pub identifier_type: String,
    pub structure_id: i64,
    pub name: String,
    /// `PUBLIQUE` or `PRIVEE`.
    pub structure_type: String,
    pub service_code_required: bool,
    pub engagement_required: bool,
    pub service_code_or_engagement_required: bool,
    pub payment_status_reported: bool,
    pub services: Vec<Service>,
}

impl BuyerProfile {
    /// Names the buyer's rule the way the portal applies it: "either" wins over the two
    /// separate flags.
    pub fn requirement(&self) -> &'static str {
        if self.service_code_or_engagement_required {
            "service_code_or_engagement"
        } else if self.service_code_required && self.engagement_required {
            "service_code_and_engagement"
        } else if self.service_code_required {
            "service_code"
        } else if self.engagement_required {
            "engagement"
        } else {
            "none"
        }
    }

    /// Lists the services a supplier may invoice: active ones, without
    /// `FACTURES_PUBLIQUES` for a private supplier.
    pub fn offered_services(&self, private_supplier: bool) -> impl Iterator<Item = &Service> {
        self.services.iter().filter(move |service| {
            service.active && !(private_supplier && service.code == PUBLIC_INVOICES_SERVICE)
        })
    }

    fn to_json(&self, private_supplier: bool, cached: bool, age: Duration) -> Value {
        let services: Vec<Value> = self
            .offered_services(private_supplier)
            .map(|service| {
                json!({
                    "service_id": service.id,
                    "code": service.code,
                    "name": service.name,
                    "engagement_required": service.engagement_required,
                })
            })
            .collect();
        let inactive: Vec<Value> = self
            .services
            .iter()
            .filter(|service| !service.active)
            .map(|service| json!({"service_id": service.id, "code": service.code, "name": service.name}))
            .collect();
        json!({
            "identifier": self.identifier,
            "identifier_type": self.identifier_type,
            "structure_id": self.structure_id,
            "name": self.name,
            "structure_type": self.structure_type,
            "requirement": self.requirement(),
            "service_code_required": self.service_code_required,
            "engagement_required": self.engagement_required,
            "service_code_or_engagement_required": self.service_code_or_engagement_required,
            "payment_status_reported": self.payment_status_reported,
            "services": services,
            "inactive_services": inactive,
            "cached": cached,
            "expires_in_seconds": CACHE_LIFETIME.saturating_sub(age).as_secs(),
        })
    }
}

/// Cache key: environment, gateway URL, identifier type, identifier.
type CacheKey = (String, String, String, String);

/// A cached profile with the time it was read.
type CacheEntry = (Instant, Arc<BuyerProfile>);

static CACHE: Lazy<Mutex<HashMap<CacheKey, CacheEntry>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn cache_key(session: &Session, identifier_type: &str, identifier: &str) -> CacheKey {
    (
        format!("{:?}", session.config.environment),
        session.config.base_url.clone(),
        identifier_type.to_owned(),
        identifier.to_owned(),
    )
}

/// Returns the profile of a structure, from the cache when it is younger than
/// [`CACHE_LIFETIME`], with whether it came from the cache and its age.
///
/// A structure the directory does not list is `CHORUS_ERR_NOT_FOUND`. That result is not
/// cached, so a structure created since is found on the next call.
pub fn buyer_profile(
    session: &Session,
    identifier_type: &str,
    identifier: &str,
    refresh: bool,
) -> Result<(Arc<BuyerProfile>, bool, Duration), Error> {
    let key = cache_key(session, identifier_type, identifier);
    if !refresh {
        let cache = CACHE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((fetched, profile)) = cache.get(&key) {
            let age = fetched.elapsed();
            if age < CACHE_LIFETIME {
                return Ok((profile.clone(), true, age));
            }
        }
    }
    let profile = Arc::new(fetch_profile(session, identifier_type, identifier)?);
    CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(key, (Instant::now(), profile.clone()));
    Ok((profile, false, Duration::ZERO))
}

fn fetch_profile(
    session: &Session,
    identifier_type: &str,
    identifier: &str,
) -> Result<BuyerProfile, Error> {
    let portal = &session.portal;
    let envelope = portal.post(
        SEARCH_STRUCTURE_PATH,
        &json!({"structure": {
            "identifiantStructure": identifier,
            "typeIdentifiantStructure": identifier_type,
        }}),
    )?;
    let not_found = || {
        Error::new(
            Code::CHORUS_ERR_NOT_FOUND,
            format!("Aucune structure {identifier_type} {identifier} dans l'annuaire Chorus Pro."),
            format!("No {identifier_type} structure {identifier} in the Chorus Pro directory."),
        )
        .endpoint(SEARCH_STRUCTURE_PATH)
        .hint(
            "Vérifiez l'identifiant de l'acheteur ; une structure privée n'est visible que du compte qui lui est rattaché.",
            "Check the buyer identifier; a private structure is visible only to accounts attached to it.",
        )
    };
    if envelope.code_retour == SEARCH_EMPTY {
        return Err(not_found());
    }
    let found = envelope.into_success(SEARCH_STRUCTURE_PATH)?;
    let structure = list_or_single(&found, "listeStructures")
        .into_iter()
        .find(|entry| entry["identifiantStructure"].as_str() == Some(identifier))
        .ok_or_else(not_found)?;
    let structure_id = structure["idStructureCPP"]
        .as_i64()
        .ok_or_else(|| unexpected(SEARCH_STRUCTURE_PATH, "idStructureCPP"))?;

    let details = portal
        .post(
            STRUCTURE_PATH,
            &json!({"idStructureCPP": structure_id, "codeLangue": "FR"}),
        )?
        .into_success(STRUCTURE_PATH)?;
    let flag = |name: &str| details["parametres"][name].as_bool().unwrap_or(false);
    let general = &details["informationGenerales"];
    let name = general["raisonSocialeStructure"]
        .as_str()
        .or_else(|| structure["designationStructure"].as_str())
        .unwrap_or_default()
        .to_owned();

    let mut services = read_services(session, structure_id)?;
    for service in services.iter_mut().filter(|service| service.active) {
        let reply = portal
            .post(
                SERVICE_PATH,
                &json!({"idStructure": structure_id, "idService": service.id, "codeLangue": "FR"}),
            )?
            .into_success(SERVICE_PATH)?;
        service.engagement_required = reply["parametres"]["numeroEngagement"]
            .as_bool()
            .unwrap_or(false);
    }

    Ok(BuyerProfile {
        identifier: identifier.to_owned(),
        identifier_type: identifier_type.to_owned(),
        structure_id,
        name,
        structure_type: general["structurePriveePublique"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        service_code_required: flag("codeServiceDoitEtreRenseigne"),
        engagement_required: flag("numeroEJDoitEtreRenseigne"),
        service_code_or_engagement_required: flag("gestionNumeroEJOuCodeService"),
        payment_status_reported: !flag("statutMiseEnPaiementNestPasRemonte"),
        services,
    })
}

fn read_services(session: &Session, structure_id: i64) -> Result<Vec<Service>, Error> {
    let pages = read_all_pages(
        &session.portal,
        SERVICES_PATH,
        |page| {
            json!({
                "idStructure": structure_id,
                "parametresRechercherServicesStructure": {
                    "pageResultatDemandee": page,
                    "nbResultatsParPage": SERVICES_PER_PAGE,
                },
            })
        },
        |body| body.get("parametresRetour"),
    )?;
    Ok(pages
        .iter()
        .flat_map(|body| list_or_single(body, "listeServices"))
        .filter_map(|entry| {
            Some(Service {
                id: entry["idService"].as_i64()?,
                code: entry["codeService"].as_str()?.to_owned(),
                name: entry["libelleService"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                active: entry["estActif"].as_bool().unwrap_or(true),
                engagement_required: false,
            })
        })
        .collect())
}

fn unexpected(endpoint: &str, field: &str) -> Error {
    Error::new(
        Code::CHORUS_ERR_UNEXPECTED_REPLY,
        format!("Réponse sans {field}."),
        format!("Reply without {field}."),
    )
    .endpoint(endpoint)
}

/// Tells whether a supplier structure is private, looking it up in the directory.
/// An unknown supplier counts as private, the case of nearly every supplier.
fn supplier_is_private(session: &Session, supplier_siret: Option<&str>) -> Result<bool, Error> {
    let Some(siret) = supplier_siret else {
        return Ok(true);
    };
    match buyer_profile(session, "SIRET", siret, false) {
        Ok((profile, _, _)) => Ok(profile.structure_type != "PUBLIQUE"),
        Err(error) if error.code == Code::CHORUS_ERR_NOT_FOUND => Ok(true),
        Err(error) => Err(error),
    }
}

/// Runs `chorus_lookup_buyer`: `{"siret": "..."}` or `{"identifier": "...",
/// "identifier_type": "SIRET"}`, with optional `supplier_siret` and `refresh`.
pub fn lookup_buyer(session: &Session, query_json: &str) -> Result<Value, Error> {
    let query: Value = serde_json::from_str(query_json).map_err(|error| {
        Error::new(
            Code::CHORUS_ERR_INVALID_JSON,
            format!("Requête de recherche d'acheteur invalide : {error}"),
            format!("Invalid buyer look-up query: {error}"),
        )
    })?;
    let invalid = |fr: String, en: String| Error::new(Code::CHORUS_ERR_INVALID_QUERY, fr, en);
    let Some(object) = query.as_object() else {
        return Err(invalid(
            "La requête doit être un objet JSON.".into(),
            "The query must be a JSON object.".into(),
        ));
    };
    const KEYS: [&str; 5] = [
        "siret",
        "identifier",
        "identifier_type",
        "supplier_siret",
        "refresh",
    ];
    if let Some(unknown) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(invalid(
            format!(
                "Clé inconnue « {unknown} » ; clés acceptées : {}.",
                KEYS.join(", ")
            ),
            format!(
                "Unknown key \"{unknown}\"; accepted keys: {}.",
                KEYS.join(", ")
            ),
        ));
    }
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::trim);
    let (identifier_type, identifier) = match (text("siret"), text("identifier")) {
        (Some(siret), None) => ("SIRET", siret),
        (None, Some(identifier)) => (text("identifier_type").unwrap_or("SIRET"), identifier),
        _ => {
            return Err(invalid(
                "Donnez soit siret, soit identifier (chaîne).".into(),
                "Give either siret or identifier (a string).".into(),
            ))
        }
    };
    if !IDENTIFIER_TYPES.contains(&identifier_type) {
        return Err(invalid(
            format!(
                "identifier_type « {identifier_type} » inconnu ; valeurs : {}.",
                IDENTIFIER_TYPES.join(", ")
            ),
            format!(
                "Unknown identifier_type \"{identifier_type}\"; values: {}.",
                IDENTIFIER_TYPES.join(", ")
            ),
        ));
    }
    if identifier.is_empty()
        || identifier_type == "SIRET"
            && (identifier.len() != 14 || !identifier.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(
            format!("Identifiant « {identifier} » invalide : un SIRET a 14 chiffres."),
            format!("Invalid identifier \"{identifier}\": a SIRET has 14 digits."),
        ));
    }
    let refresh = object
        .get("refresh")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let private_supplier = supplier_is_private(session, text("supplier_siret"))?;
    let (profile, cached, age) = buyer_profile(session, identifier_type, identifier, refresh)?;
    Ok(profile.to_json(private_supplier, cached, age))
}

/// Checks an invoice's buyer, service code and engagement number against the
/// directory, before sending it. Returns one problem per breach, with the invoice JSON
/// path (`buyer.siret`, `buyer_reference`, `purchase_order_reference`).
///
/// The check is advisory: when the directory cannot be read (Structures API not
/// subscribed, portal unavailable, network failure), it logs a warning and returns no
/// problem, and the portal applies the same rules at deposit.
pub fn check_invoice_routing(session: &Session, invoice: &Invoice) -> Vec<Problem> {
    let Some(buyer_siret) = invoice.buyer_siret() else {
        return Vec::new();
    };
    let profile = match buyer_profile(session, "SIRET", buyer_siret, false) {
        Ok((profile, _, _)) => profile,
        Err(error) if error.code == Code::CHORUS_ERR_NOT_FOUND => {
            return vec![problem(
                "buyer.siret",
                format!("le SIRET acheteur {buyer_siret} n'est pas dans l'annuaire Chorus Pro"),
                format!("buyer SIRET {buyer_siret} is not in the Chorus Pro directory"),
            )]
        }
        Err(error) => {
            log::warn!(
                "buyer {buyer_siret} of invoice {} not checked before deposit: {error}",
                invoice.number()
            );
            return Vec::new();
        }
    };
    let private_supplier = match supplier_is_private(session, invoice.seller_siret()) {
        Ok(private) => private,
        Err(error) => {
            log::warn!(
                "supplier of invoice {} taken as private, its directory look-up failed: {error}",
                invoice.number()
            );
            true
        }
    };
    routing_problems(
        &profile,
        private_supplier,
        invoice.buyer_reference.as_deref(),
        invoice.purchase_order_reference.as_deref(),
    )
}

/// Applies a buyer's rules to a service code and an engagement number.
pub fn routing_problems(
    profile: &BuyerProfile,
    private_supplier: bool,
    service_code: Option<&str>,
    engagement: Option<&str>,
) -> Vec<Problem> {
    let service_code = service_code.map(str::trim).filter(|code| !code.is_empty());
    let has_engagement = engagement.is_some_and(|number| !number.trim().is_empty());
    let offered: Vec<&str> = profile
        .offered_services(private_supplier)
        .map(|service| service.code.as_str())
        .collect();
    let offered_list = if offered.is_empty() {
        "aucun".to_owned()
    } else {
        offered.join(", ")
    };
    let offered_list_en = if offered.is_empty() {
        "none".to_owned()
    } else {
        offered.join(", ")
    };
    let buyer = &profile.identifier;
    let mut problems = Vec::new();

    if let Some(code) = service_code {
        match profile.services.iter().find(|service| service.code == code) {
            None => problems.push(problem(
                "buyer_reference",
                format!("le code service {code} est inconnu de l'acheteur {buyer} ; codes actifs : {offered_list}"),
                format!("service code {code} is unknown to buyer {buyer}; active codes: {offered_list_en}"),
            )),
            Some(service) if !service.active => problems.push(problem(
                "buyer_reference",
                format!("le code service {code} de l'acheteur {buyer} est inactif ; codes actifs : {offered_list}"),
                format!("service code {code} of buyer {buyer} is inactive; active codes: {offered_list_en}"),
            )),
            Some(service) if private_supplier && service.code == PUBLIC_INVOICES_SERVICE => {
                problems.push(problem(
                    "buyer_reference",
                    format!("le service {PUBLIC_INVOICES_SERVICE} est réservé à la facturation entre structures publiques ; codes possibles : {offered_list}"),
                    format!("service {PUBLIC_INVOICES_SERVICE} is reserved for invoicing between public structures; possible codes: {offered_list_en}"),
                ))
            }
            Some(service) if service.engagement_required && !has_engagement => {
                problems.push(problem(
                    "purchase_order_reference",
                    format!("le service {code} de l'acheteur {buyer} exige un numéro d'engagement"),
                    format!("service {code} of buyer {buyer} requires an engagement number"),
                ))
            }
            Some(_) => {}
        }
    }

    if profile.service_code_or_engagement_required {
        if service_code.is_none() && !has_engagement {
            problems.push(problem(
                "buyer_reference",
                format!("l'acheteur {buyer} exige un code service ou un numéro d'engagement (purchase_order_reference) ; codes actifs : {offered_list}"),
                format!("buyer {buyer} requires a service code or an engagement number (purchase_order_reference); active codes: {offered_list_en}"),
            ));
        }
    } else {
        if profile.service_code_required && service_code.is_none() {
            problems.push(problem(
                "buyer_reference",
                format!("l'acheteur {buyer} exige un code service ; codes actifs : {offered_list}"),
                format!("buyer {buyer} requires a service code; active codes: {offered_list_en}"),
            ));
        }
        if profile.engagement_required && !has_engagement {
            problems.push(problem(
                "purchase_order_reference",
                format!("l'acheteur {buyer} exige un numéro d'engagement"),
                format!("buyer {buyer} requires an engagement number"),
            ));
        }
    }
    problems
}

fn problem(path: &str, message_fr: String, message_en: String) -> Problem {
    Problem {
        path: path.to_owned(),
        message_fr,
        message_en,
    }
}

/// Runs `chorus_list_supplier_structures`: the structures the technical account may
/// invoice for, each with the bank accounts the portal holds for it.
pub fn list_supplier_structures(session: &Session) -> Result<Value, Error> {
    let structures = tracking::supplier_structures(&session.portal)?;
    let mut listed = Vec::new();
    for structure in &structures {
        let id = structure["idStructureCPP"].as_i64();
        let bank_accounts = match id {
            Some(id) => bank_accounts(session, id)?,
            None => Vec::new(),
        };
        listed.push(json!({
            "structure_id": id,
            "identifier": structure["identifiant"],
            "name": structure["designationStructure"],
            "bank_accounts": bank_accounts,
        }));
    }
    Ok(json!({ "structures": listed }))
}

fn bank_accounts(session: &Session, structure_id: i64) -> Result<Vec<Value>, Error> {
    let envelope = session
        .portal
        .post(BANK_ACCOUNTS_PATH, &json!({"idStructure": structure_id}))?;
    if envelope.code_retour == SEARCH_EMPTY {
        return Ok(Vec::new());
    }
    let body = envelope.into_success(BANK_ACCOUNTS_PATH)?;
    Ok(list_or_single(&body, "listeCoordonneeBancaire")
        .iter()
        .map(|account| {
            json!({
                "bank_account_id": account["idCoordonneeBancaire"],
                "name": account["nomCoordonneeBancaire"],
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoice::problem_paths;

    fn profile(either: bool, service: bool, engagement: bool) -> BuyerProfile {
        BuyerProfile {
            identifier: "11000201100044".into(),
            identifier_type: "SIRET".into(),
            structure_id: 1,
            name: "Buyer".into(),
            structure_type: "PUBLIQUE".into(),
            service_code_required: service,
            engagement_required: engagement,
            service_code_or_engagement_required: either,
            payment_status_reported: true,
            services: vec![
                Service {
                    id: 1,
                    code: "ACHATS".into(),
                    name: "Achats".into(),
                    active: true,
                    engagement_required: false,
                },
                Service {
                    id: 2,
                    code: "OLD".into(),
                    name: "Old".into(),
                    active: false,
                    engagement_required: false,
                },
                Service {
                    id: 3,
                    code: "TRAVAUX".into(),
                    name: "Travaux".into(),
                    active: true,
                    engagement_required: true,
                },
                Service {
                    id: 4,
                    code: PUBLIC_INVOICES_SERVICE.into(),
                    name: "Factures publiques".into(),
                    active: true,
                    engagement_required: false,
                },
            ],
        }
    }

    #[test]
    fn requirement_names() {
        assert_eq!(profile(false, false, false).requirement(), "none");
        assert_eq!(profile(false, true, false).requirement(), "service_code");
        assert_eq!(profile(false, false, true).requirement(), "engagement");
        assert_eq!(
            profile(false, true, true).requirement(),
            "service_code_and_engagement"
        );
        assert_eq!(
            profile(true, true, true).requirement(),
            "service_code_or_engagement"
        );
    }

    #[test]
    fn service_code_rules() {
        let buyer = profile(false, true, false);
        let missing = routing_problems(&buyer, true, None, None);
        assert_eq!(problem_paths(&missing), ["buyer_reference"]);
        assert!(missing[0].message_en.contains("ACHATS, TRAVAUX"));
        assert!(!missing[0].message_en.contains(PUBLIC_INVOICES_SERVICE));

        let inactive = routing_problems(&buyer, true, Some("OLD"), None);
        assert!(inactive[0].message_en.contains("inactive"));
        let unknown = routing_problems(&buyer, true, Some("NOPE"), None);
        assert!(unknown[0].message_en.contains("unknown"));
        let reserved = routing_problems(&buyer, true, Some(PUBLIC_INVOICES_SERVICE), None);
        assert_eq!(problem_paths(&reserved), ["buyer_reference"]);
        assert!(routing_problems(&buyer, false, Some(PUBLIC_INVOICES_SERVICE), None).is_empty());
        assert!(routing_problems(&buyer, true, Some("ACHATS"), None).is_empty());
    }

    #[test]
    fn engagement_rules() {
        let service_needs_one =
            routing_problems(&profile(false, false, false), true, Some("TRAVAUX"), None);
        assert_eq!(
            problem_paths(&service_needs_one),
            ["purchase_order_reference"]
        );
        let buyer_needs_one = routing_problems(&profile(false, false, true), true, None, Some(" "));
        assert_eq!(
            problem_paths(&buyer_needs_one),
            ["purchase_order_reference"]
        );
        let either = profile(true, false, false);
        assert_eq!(
            problem_paths(&routing_problems(&either, true, None, None)),
            ["buyer_reference"]
        );
        assert!(routing_problems(&either, true, None, Some("EJ-1")).is_empty());
        let both = profile(false, true, true);
        assert_eq!(
            problem_paths(&routing_problems(&both, true, None, None)),
            ["buyer_reference", "purchase_order_reference"]
        );
    }
}
