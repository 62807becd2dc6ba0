use super::*;

#[test]
fn eco_1_1_10_mssante_boxes_trust_only_igc_sante() {
    let trust = Trust::for_domain("ch-test.mssante.fr", None).unwrap();
    assert!(!trust.uses_os_roots());
    assert_eq!(trust.anchors().len(), 1);
    let (_, root) = x509_parser::parse_x509_certificate(&trust.anchors()[0]).unwrap();
    assert!(
        root.subject().to_string().contains("IGC-SANTE"),
        "{}",
        root.subject()
    );
}

#[test]
fn eco_1_1_10_other_boxes_use_the_system_roots() {
    let trust = Trust::for_domain("example.org", None).unwrap();
    assert!(trust.uses_os_roots());
    assert!(trust.anchors().is_empty());
}

#[test]
fn mssante_domain_is_mssante_fr_or_below() {
    assert!(is_mssante_domain("mssante.fr"));
    assert!(is_mssante_domain("CH-Test.MSSante.fr."));
    assert!(!is_mssante_domain("evilmssante.fr"));
    assert!(!is_mssante_domain("mssante.fr.example.org"));
}

#[test]
fn an_unreadable_authority_file_names_the_file() {
    let error =
        Trust::for_domain("ch-test.mssante.fr", Some(Path::new("/no/such/ca.pem"))).unwrap_err();
    assert!(error.to_string().contains("/no/such/ca.pem"), "{error}");
}

#[test]
fn a_file_that_is_no_certificate_is_refused_clearly() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("cert.p12");
    std::fs::write(&path, b"this is not a certificate").unwrap();
    let error = ClientIdentity::load(&path, None, Some("x")).unwrap_err();
    assert!(matches!(error, TlsError::UnknownFormat { .. }), "{error:?}");
}

#[test]
fn pem_identity_round_trips_to_pem() {
    let key = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(vec!["dr.martin@ch-test.mssante.fr".into()]).unwrap();
    let certificate = params.self_signed(&key).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("client.pem");
    std::fs::write(
        &path,
        format!("{}{}", certificate.pem(), key.serialize_pem()),
    )
    .unwrap();
    let identity = ClientIdentity::load(&path, None, None).unwrap();
    let (chain, key_pem) = identity.to_pem();
    assert!(String::from_utf8(chain)
        .unwrap()
        .contains("BEGIN CERTIFICATE"));
    assert!(String::from_utf8(key_pem).unwrap().contains("PRIVATE KEY"));
}

#[test]
fn an_expired_client_certificate_is_refused_before_connecting() {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["old".into()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2019, 1, 1);
    params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let certificate = params.self_signed(&key).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("old.pem");
    std::fs::write(
        &path,
        format!("{}{}", certificate.pem(), key.serialize_pem()),
    )
    .unwrap();
    let error = ClientIdentity::load(&path, None, None).unwrap_err();
    assert!(
        matches!(error, TlsError::ClientCertificateExpired { .. }),
        "{error:?}"
    );
}
