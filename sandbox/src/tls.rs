//! HTTPS: the server's certificate and key, read from PEM files or generated at start-up.

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

use crate::cli::TlsSource;

/// Host names and addresses the generated certificate is valid for.
const SELF_SIGNED_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Builds the TLS configuration of the server.
///
/// With `TlsSource::SelfSigned`, generates a certificate authority and a server
/// certificate signed by it, and writes the authority's certificate (PEM) to the given
/// file, so that a client can add it to its trust store.
pub fn server_config(source: &TlsSource) -> Result<Arc<ServerConfig>, String> {
    let (chain, key) = match source {
        TlsSource::Files { cert, key } => (read_chain(cert)?, read_key(key)?),
        TlsSource::SelfSigned { ca_cert_out } => generate(ca_cert_out)?,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("TLS protocol versions: {error}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| {
            format!("the TLS certificate and key do not match or are unusable: {error}")
        })?;
    Ok(Arc::new(config))
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain = CertificateDer::pem_file_iter(path)
        .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
        .map_err(|error| format!("cannot read certificates from {}: {error}", path.display()))?;
    if chain.is_empty() {
        return Err(format!("no PEM certificate found in {}", path.display()));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path)
        .map_err(|error| format!("cannot read a private key from {}: {error}", path.display()))
}

/// Generates a certificate authority and a server certificate for the loopback names.
fn generate(
    ca_cert_out: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let failed = |error: rcgen::Error| format!("cannot generate the TLS certificate: {error}");

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "chorus-sandbox test authority");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().map_err(failed)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(failed)?;

    let names: Vec<String> = SELF_SIGNED_NAMES
        .iter()
        .map(|name| name.to_string())
        .collect();
    let mut server_params = CertificateParams::new(names).map_err(failed)?;
    server_params
        .distinguished_name
        .push(DnType::CommonName, "chorus-sandbox");
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_key = KeyPair::generate().map_err(failed)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .map_err(failed)?;

    std::fs::write(ca_cert_out, ca_cert.pem()).map_err(|error| {
        format!(
            "cannot write the certificate authority to {}: {error}",
            ca_cert_out.display()
        )
    })?;
    let key = PrivateKeyDer::try_from(server_key.serialize_der())
        .map_err(|error| format!("generated key unusable: {error}"))?;
    Ok((vec![server_cert.der().clone(), ca_cert.der().clone()], key))
}
