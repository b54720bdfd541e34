//! rustls errors in words a user can act on.

use std::io;

use rustls::{AlertDescription, CertificateError, Error};

/// The rustls error inside an IO error from a TLS stream, if there is one.
pub(crate) fn tls_error(error: &io::Error) -> Option<&Error> {
    error.get_ref()?.downcast_ref::<Error>()
}

/// What went wrong, seen from a client connecting to `host`.
pub(crate) fn client_side(error: &io::Error, host: &str) -> String {
    let Some(tls) = tls_error(error) else {
        return match error.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => {
                "the server closed the connection during the TLS handshake: does it speak TLS?"
                    .into()
            }
            _ => format!("the TLS handshake failed: {error}"),
        };
    };
    match tls {
        Error::InvalidCertificate(certificate) => match certificate {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                format!("the server's certificate has expired ({tls})")
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                format!("the server's certificate is not valid yet ({tls})")
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("the server's certificate is not valid for the name {host:?} ({tls})")
            }
            CertificateError::UnknownIssuer => format!(
                "the server's certificate is not signed by a CA the client trusts: give the \
                 client the server's CA ({tls})"
            ),
            _ => format!("the server's certificate is not acceptable: {tls}"),
        },
        Error::InvalidMessage(_) => {
            format!("the server's answer is not TLS: does it speak TLS? ({tls})")
        }
        Error::AlertReceived(alert) => refused(*alert, tls),
        _ => format!("the TLS handshake failed: {tls}"),
    }
}

/// The server sent `alert`: mostly, it did not accept the client's certificate.
fn refused(alert: AlertDescription, error: &Error) -> String {
    match alert {
        AlertDescription::CertificateRequired => format!(
            "the server requires a client certificate (mutual TLS): give the client one ({error})"
        ),
        AlertDescription::UnknownCA
        | AlertDescription::BadCertificate
        | AlertDescription::CertificateExpired
        | AlertDescription::CertificateUnknown
        | AlertDescription::DecryptError => {
            format!("the server did not accept the client certificate ({error})")
        }
        _ => format!("the server refused the TLS connection ({error})"),
    }
}

/// Why a handshake failed, seen from the server, for its log.
pub(crate) fn server_side(error: &io::Error) -> String {
    match tls_error(error) {
        Some(Error::NoCertificatesPresented) => {
            "the client presented no certificate, and this server requires one (mutual TLS)".into()
        }
        Some(Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
            "the client's certificate is not signed by the client CA".into()
        }
        Some(Error::InvalidCertificate(_)) => {
            format!("the client's certificate is not acceptable: {error}")
        }
        Some(Error::AlertReceived(alert)) => {
            format!("the client aborted the handshake ({alert:?}): it may not trust this server's certificate")
        }
        Some(tls) => format!("the TLS handshake failed: {tls}"),
        None => format!("the TLS handshake failed: {error}"),
    }
}
