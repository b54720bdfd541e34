//! TLS settings from PEM files, checked when loaded so that a bad file is a clear error at
//! start-up, not a failed handshake later.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// What a TLS server needs.
#[derive(Debug, Clone)]
pub struct ServerTls {
    /// The server's certificate chain, leaf first (PEM).
    pub cert: PathBuf,
    /// Its private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// With a CA (PEM), every client must present a certificate that chains to it (mutual
    /// TLS); without, clients are not asked for one.
    pub client_ca: Option<PathBuf>,
}

/// What a TLS client needs.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    /// The CAs the server's chain must lead to (PEM); `None`: the operating system's.
    pub ca: Option<PathBuf>,
    /// The client's certificate chain and key, for a server that asks for one (mutual TLS).
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// A rustls server configuration from `tls`'s files.
pub fn server_config(tls: &ServerTls) -> Result<Arc<rustls::ServerConfig>, String> {
    let builder = rustls::ServerConfig::builder();
    let builder = match &tls.client_ca {
        Some(ca) => {
            let verifier = WebPkiClientVerifier::builder(Arc::new(roots(ca)?))
                .build()
                .map_err(|error| {
                    format!("cannot use {} as the client CA: {error}", ca.display())
                })?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let config = builder
        .with_single_cert(certs(&tls.cert)?, key(&tls.key)?)
        .map_err(|error| {
            format!(
                "cannot use {} with {}: {error}",
                tls.cert.display(),
                tls.key.display()
            )
        })?;
    Ok(Arc::new(config))
}

/// A rustls client configuration from `tls`'s files.
pub fn client_config(tls: &ClientTls) -> Result<Arc<rustls::ClientConfig>, String> {
    let roots = match &tls.ca {
        Some(ca) => roots(ca)?,
        None => native_roots()?,
    };
    let builder = rustls::ClientConfig::builder().with_root_certificates(roots);
    let config = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => builder
            .with_client_auth_cert(certs(cert)?, self::key(key)?)
            .map_err(|error| {
                format!(
                    "cannot use {} with {}: {error}",
                    cert.display(),
                    key.display()
                )
            })?,
        (None, None) => builder.with_no_client_auth(),
        _ => return Err("a client certificate needs both its certificate and its key".into()),
    };
    Ok(Arc::new(config))
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|error| format!("cannot read certificates from {}: {error}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    Ok(certs)
}

fn key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path)
        .map_err(|error| format!("cannot read a private key from {}: {error}", path.display()))
}

fn roots(path: &Path) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in certs(path)? {
        roots.add(cert).map_err(|error| {
            format!("cannot trust a certificate of {}: {error}", path.display())
        })?;
    }
    Ok(roots)
}

fn native_roots() -> Result<RootCertStore, String> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let errors: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
        return Err(format!(
            "no trusted CA certificates found in the system's store ({}): pass a CA file",
            errors.join("; ")
        ));
    }
    Ok(roots)
}
