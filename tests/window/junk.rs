//! "Indésirable" in the reader (issue 13): the message is marked `$Junk` (and `$NotJunk` taken
//! off) in the store, queued for the server like any flag, and the button turns into "Pas
//! indésirable", which undoes it. The server side is proved in the core's
//! `a_message_marked_junk_in_pli_is_junk_for_every_client_and_back` (Dovecot and Cyrus).

use crate::common::*;

#[test]
fn issue_13_indesirable_in_the_reader_marks_the_message_junk_and_back() {
    let (_folder, mut pli) = demo_window();
    click_text(&mut pli, "Question sur mon traitement");
    let reference = pli
        .reader
        .opened()
        .expect("the reader shows it")
        .reference
        .clone();
    let keywords = |pli: &pli::ui::Pli| {
        pli.store()
            .expect("the store")
            .keywords(reference.folder.id, reference.uid)
            .expect("its keywords")
    };
    assert!(!keywords(&pli).iter().any(|k| k == "$Junk"));

    click_text(&mut pli, "Indésirable");
    let marked = keywords(&pli);
    assert!(marked.iter().any(|k| k == "$Junk"), "{marked:?}");
    assert!(!marked.iter().any(|k| k == "$NotJunk"), "{marked:?}");
    assert!(pli.reader.opened().is_some_and(|opened| opened.junk));

    click_text(&mut pli, "Pas indésirable");
    let unmarked = keywords(&pli);
    assert!(!unmarked.iter().any(|k| k == "$Junk"), "{unmarked:?}");
    assert!(unmarked.iter().any(|k| k == "$NotJunk"), "{unmarked:?}");
    assert!(shows(&pli, "Indésirable"));
}
