//! The IGC-Santé root, shipped with Pli: the only authority an MSSanté server may chain to
//! (ECO.1.1.10), and the one the ANS's own download hosts chain to. A leaf module, so that the
//! TLS rule and the HTTPS client both read it without depending on each other.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// The root "AC RACINE IGC-SANTE ELEMENTAIRE", valid 2013-06-25 → 2033-06-25.
const ROOT_PEM: &[u8] = include_bytes!("../../../assets/certs/ac-racine-igc-sante-elementaire.pem");

/// The bundled roots; an error (a damaged file in the build) says why, in a line.
pub fn roots() -> Result<Vec<CertificateDer<'static>>, String> {
    let roots: Vec<_> = CertificateDer::pem_slice_iter(ROOT_PEM)
        .collect::<Result<_, _>>()
        .map_err(|error| format!("the bundled IGC-Santé root is damaged: {error}"))?;
    if roots.is_empty() {
        return Err("the bundled IGC-Santé root holds no certificate".into());
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_root_reads() {
        assert_eq!(super::roots().map(|roots| roots.len()), Ok(1));
    }
}
