//! The data set: PISTE applications, technical accounts and Chorus Pro structures.
//!
//! The format is documented in `sandbox/README.md`. None of these types derive
//! `Debug`, so that client secrets and passwords cannot end up in a log by accident.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::clock;

/// The data set compiled into the binary, used when `--data` is not given.
pub const DEFAULT_DATA_SET: &str = include_str!("../data/default.json");

/// API families that the sandbox serves, as they appear in `/cpro/<family>/v1/...`.
pub const API_FAMILIES: [&str; 4] = ["factures", "transverses", "structures", "utilisateurs"];

/// The only PISTE environment this sandbox imitates.
pub const SANDBOX_ENVIRONMENT: &str = "qualification";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSet {
    pub piste_applications: Vec<PisteApplication>,
    pub technical_accounts: Vec<TechnicalAccount>,
    pub structures: Vec<Structure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PisteApplication {
    pub client_id: String,
    pub client_secret: String,
    /// `qualification` or `production`. Only `qualification` applications get tokens,
    /// because PISTE binds credentials to one environment.
    pub environment: String,
    pub subscribed_apis: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechnicalAccount {
    pub login: String,
    pub password: String,
    /// Last day (`YYYY-MM-DD`, Paris time) on which the password is accepted.
    pub password_expires_on: String,
    pub id_utilisateur: i64,
    /// `id_structure_cpp` of the structures this account is attached to.
    pub structures: Vec<i64>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum StructureKind {
    #[serde(rename = "PUBLIQUE")]
    Public,
    #[serde(rename = "PRIVEE")]
    Private,
}

impl StructureKind {
    pub fn code(self) -> &'static str {
        match self {
            StructureKind::Public => "PUBLIQUE",
            StructureKind::Private => "PRIVEE",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Structure {
    pub id_structure_cpp: i64,
    /// The identifier itself, a 14-digit SIRET for French structures.
    pub identifiant: String,
    pub type_identifiant: String,
    pub raison_sociale: String,
    #[serde(rename = "type")]
    pub kind: StructureKind,
    #[serde(default)]
    pub parametres: StructureParameters,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub adresse: Address,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub numero_tva: Option<String>,
    #[serde(default)]
    pub coordonnees_bancaires: Vec<BankAccount>,
    /// Buyer behaviour for invoices addressed to no service, or to a service without a
    /// scenario of its own.
    #[serde(default)]
    pub scenario: Scenario,
}

/// Buyer behaviour once an invoice is `MISE_A_DISPOSITION`. The steps and their delays
/// are in `store.rs`.
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Nothing more: the invoice stays `MISE_A_DISPOSITION`.
    #[default]
    MiseADisposition,
    /// `SERVICE_FAIT`, `MANDATEE`, then `MISE_EN_PAIEMENT` unless the buyer does not
    /// report payments.
    Paiement,
    /// `SUSPENDUE` with a reason; after `completer`, the payment steps.
    Suspension,
    /// `REJETEE` with a reason.
    Rejet,
    /// `A_RECYCLER` with a reason; after `recycler`, routed again to the new service.
    Recyclage,
}

/// Invoicing rules of a structure, returned by `structures/v1/consulter` as `parametres`.
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct StructureParameters {
    pub code_service_doit_etre_renseigne: bool,
    pub numero_ej_doit_etre_renseigne: bool,
    pub gestion_numero_ej_ou_code_service: bool,
    pub statut_mise_en_paiement_n_est_pas_remonte: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id_service: i64,
    pub code_service: String,
    pub libelle_service: String,
    #[serde(default = "default_true")]
    pub actif: bool,
    /// Whether invoices sent to this service must carry an engagement number.
    #[serde(default)]
    pub numero_engagement_requis: bool,
    /// Overrides the structure's scenario for invoices addressed to this service.
    #[serde(default)]
    pub scenario: Option<Scenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Address {
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
    pub pays: String,
}

impl Default for Address {
    fn default() -> Address {
        Address {
            adresse: String::new(),
            code_postal: String::new(),
            ville: String::new(),
            pays: "FR".to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    pub id_coordonnee_bancaire: i64,
    pub nom_coordonnee_bancaire: String,
}

fn default_true() -> bool {
    true
}

impl DataSet {
    /// Loads the data set from `path`, or the built-in one when `path` is `None`.
    pub fn load(path: Option<&Path>) -> Result<DataSet, String> {
        let (text, origin) = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|error| format!("cannot read data set {}: {error}", path.display()))?;
                (text, path.display().to_string())
            }
            None => (
                DEFAULT_DATA_SET.to_string(),
                "built-in data set".to_string(),
            ),
        };
        let data_set: DataSet = serde_json::from_str(&text)
            .map_err(|error| format!("invalid data set {origin}: {error}"))?;
        data_set
            .validate()
            .map_err(|error| format!("invalid data set {origin}: {error}"))?;
        Ok(data_set)
    }

    /// Checks the cross-references and uniqueness rules that serde cannot express.
    fn validate(&self) -> Result<(), String> {
        let mut client_ids = HashSet::new();
        for application in &self.piste_applications {
            if !client_ids.insert(application.client_id.as_str()) {
                return Err(format!(
                    "duplicate client_id {:?} in piste_applications",
                    application.client_id
                ));
            }
            if application.environment != SANDBOX_ENVIRONMENT
                && application.environment != "production"
            {
                return Err(format!(
                    "application {:?}: environment must be \"qualification\" or \"production\", not {:?}",
                    application.client_id, application.environment
                ));
            }
            for api in &application.subscribed_apis {
                if !API_FAMILIES.contains(&api.as_str()) {
                    return Err(format!(
                        "application {:?}: unknown API {api:?} in subscribed_apis (expected one of {})",
                        application.client_id,
                        API_FAMILIES.join(", ")
                    ));
                }
            }
        }

        let mut structure_ids = HashSet::new();
        let mut identifiers = HashSet::new();
        for structure in &self.structures {
            if !structure_ids.insert(structure.id_structure_cpp) {
                return Err(format!(
                    "duplicate id_structure_cpp {} in structures",
                    structure.id_structure_cpp
                ));
            }
            if !identifiers.insert(structure.identifiant.as_str()) {
                return Err(format!(
                    "duplicate identifiant {:?} in structures",
                    structure.identifiant
                ));
            }
            let mut service_codes = HashSet::new();
            for service in &structure.services {
                if !service_codes.insert(service.code_service.as_str()) {
                    return Err(format!(
                        "structure {}: duplicate code_service {:?}",
                        structure.id_structure_cpp, service.code_service
                    ));
                }
            }
        }
        let mut service_ids = HashSet::new();
        for service in self.structures.iter().flat_map(|s| &s.services) {
            if !service_ids.insert(service.id_service) {
                return Err(format!("duplicate id_service {}", service.id_service));
            }
        }

        let mut logins = HashSet::new();
        for account in &self.technical_accounts {
            if !logins.insert(account.login.as_str()) {
                return Err(format!(
                    "duplicate technical account login {:?}",
                    account.login
                ));
            }
            if account.login.contains(':') {
                return Err(format!(
                    "technical account login {:?} must not contain ':', which separates login and password in cpro-account",
                    account.login
                ));
            }
            if !clock::is_iso_date(&account.password_expires_on) {
                return Err(format!(
                    "technical account {:?}: password_expires_on {:?} is not a YYYY-MM-DD date",
                    account.login, account.password_expires_on
                ));
            }
            for id in &account.structures {
                if !structure_ids.contains(id) {
                    return Err(format!(
                        "technical account {:?} is attached to structure {id}, which is not in structures",
                        account.login
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn application(&self, client_id: &str) -> Option<&PisteApplication> {
        self.piste_applications
            .iter()
            .find(|application| application.client_id == client_id)
    }

    pub fn technical_account(&self, login: &str) -> Option<&TechnicalAccount> {
        self.technical_accounts
            .iter()
            .find(|account| account.login == login)
    }

    pub fn structure(&self, id_structure_cpp: i64) -> Option<&Structure> {
        self.structures
            .iter()
            .find(|structure| structure.id_structure_cpp == id_structure_cpp)
    }

    pub fn structure_by_identifier(&self, identifiant: &str) -> Option<&Structure> {
        self.structures
            .iter()
            .find(|structure| structure.identifiant == identifiant)
    }
}

impl TechnicalAccount {
    pub fn is_attached_to(&self, id_structure_cpp: i64) -> bool {
        self.structures.contains(&id_structure_cpp)
    }
}

impl Structure {
    /// Returns the scenario applied to an invoice addressed to `service`.
    pub fn scenario_for(&self, service: Option<&Service>) -> Scenario {
        service
            .and_then(|service| service.scenario)
            .unwrap_or(self.scenario)
    }

    pub fn service_by_code(&self, code: &str) -> Option<&Service> {
        self.services
            .iter()
            .find(|service| service.code_service == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_data_set_is_valid() {
        let data_set = DataSet::load(None).unwrap_or_else(|error| panic!("{error}"));
        assert!(data_set.application("sandbox-client-id").is_some());
        assert!(data_set
            .technical_account("TECH_1_sandbox@cpro.fr")
            .is_some());
        assert!(data_set.structure_by_identifier("99999999800019").is_some());
        assert!(data_set.structure_by_identifier("78787878400018").is_some());
    }

    #[test]
    fn dangling_structure_reference_rejected() {
        let text = r#"{
            "piste_applications": [],
            "technical_accounts": [{"login": "TECH", "password": "p",
                "password_expires_on": "2099-12-31", "id_utilisateur": 1, "structures": [42]}],
            "structures": []
        }"#;
        let data_set: DataSet =
            serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}"));
        let error = data_set.validate().err().unwrap_or_default();
        assert!(error.contains("structure 42"), "{error}");
    }
}
