//! Health-document archives for the tests: an `IHE_XDM.ZIP` around a CDA with its metadata
//! (real size and SHA-1), and a message carrying one, as senders' systems make them.

use std::io::Write;

use sha1::{Digest, Sha1};

/// A zip of these files, deflated, as any archiver writes one.
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        out.start_file(*name, options).expect("entry");
        out.write_all(bytes).expect("written");
    }
    out.finish().expect("zip").into_inner()
}

/// The METADATA.XML (ebRIM 3.0) of one document, with its real size and SHA-1.
pub fn metadata_for(uri: &str, document: &[u8], patient_cx: &str, mime: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
 <rim:RegistryObjectList>
  <rim:ExtrinsicObject id="Doc01" mimeType="{mime}" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">
   <rim:Slot name="URI"><rim:ValueList><rim:Value>{uri}</rim:Value></rim:ValueList></rim:Slot>
   <rim:Slot name="size"><rim:ValueList><rim:Value>{size}</rim:Value></rim:ValueList></rim:Slot>
   <rim:Slot name="hash"><rim:ValueList><rim:Value>{hash}</rim:Value></rim:ValueList></rim:Slot>
   <rim:ExternalIdentifier id="ei1" identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" registryObject="Doc01" value="{cx}"/>
  </rim:ExtrinsicObject>
 </rim:RegistryObjectList>
</lcm:SubmitObjectsRequest>"#,
        size = document.len(),
        hash = hex::encode(Sha1::digest(document)),
        cx = patient_cx.replace('&', "&amp;"),
    )
}

/// An `IHE_XDM.ZIP` around one CDA, as the ITI-32 layout has it.
pub fn xdm_around(cda: &[u8], patient_cx: &str) -> Vec<u8> {
    let metadata = metadata_for("DOC0001.XML", cda, patient_cx, "text/xml");
    zip_of(&[
        ("README.TXT", b"Pli test".as_slice()),
        ("INDEX.HTM", b"<html></html>".as_slice()),
        ("IHE_XDM/SUBSET01/METADATA.XML", metadata.as_bytes()),
        ("IHE_XDM/SUBSET01/DOC0001.XML", cda),
    ])
}

/// A message carrying an `IHE_XDM.ZIP` (base64), from `from`, with `extra` headers.
pub fn message_with_archive(
    from: &str,
    extra: &str,
    archive: &[u8],
    content_type: &str,
) -> Vec<u8> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(archive);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|chunk| std::str::from_utf8(chunk).expect("ascii"))
        .collect();
    format!(
        "From: <{from}>\r\nTo: <dr.martin@ch-test.mssante.fr>\r\nSubject: XDM/1.0/DDM+CR d'imagerie PAT-TROIS DOMINIQUE 28/03/1979\r\n{extra}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCompte rendu ci-joint.\r\n--b\r\nContent-Type: {content_type}; name=\"ihe_xdm.zip\"\r\nContent-Disposition: attachment; filename=\"ihe_xdm.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        lines.join("\r\n")
    )
    .into_bytes()
}

/// A message from a lab carrying one minimal level 1 CDA (id `1.2.250.1.999.1^{id}`) of this
/// type (code, display name) about this patient (birth name, given name), named by this test
/// INS when given, else by the lab's local identifier `IPP-{id}`; sent at `date` (seconds).
pub fn document_message(
    id: &str,
    kind: (&str, &str),
    (family, given): (&str, &str),
    ins: Option<&str>,
    date: i64,
) -> Vec<u8> {
    let (root, extension, cx) = match ins {
        Some(ins) => (
            "1.2.250.1.213.1.4.10",
            ins.to_string(),
            format!("{ins}^^^&1.2.250.1.213.1.4.10&ISO^NH"),
        ),
        None => (
            "1.2.250.1.999.2",
            format!("IPP-{id}"),
            format!("IPP-{id}^^^&1.2.250.1.999.2&ISO^PI"),
        ),
    };
    let cda = format!(
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.250.1.999.1\" extension=\"{id}\"/>\
         <code code=\"{}\" displayName=\"{}\" codeSystem=\"2.16.840.1.113883.6.1\"/>\
         <title>Document {id}</title><effectiveTime value=\"20261201101500+0100\"/>\
         <recordTarget><patientRole><id root=\"{root}\" extension=\"{extension}\"/>\
         <patient><name><family qualifier=\"BR\">{family}</family><given>{given}</given></name>\
         <administrativeGenderCode code=\"F\"/><birthTime value=\"19790312\"/></patient></patientRole></recordTarget>\
         <component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">JVBERi0xLjQKJSVFT0YK</text></nonXMLBody></component>\
         </ClinicalDocument>",
        kind.0, kind.1
    );
    let date = chrono::DateTime::from_timestamp(date, 0)
        .expect("a date")
        .to_rfc2822();
    message_with_archive(
        "resultats@labo-bioanalyse.mssante.fr",
        &format!("Message-ID: <{id}@labo>\r\nDate: {date}\r\n"),
        &xdm_around(cda.as_bytes(), &cx),
        "application/zip",
    )
}
