use rules::similar::DuplicateChoice;
use rules::{ContactFields, ExistingContact, Field};
use uuid::Uuid;

use super::Duplicates;
use crate::pages::import::session::tests::session;
use crate::pages::import::session::Session;

const HEADERS: &[&str] = &["First Name", "Last Name", "E-mail", "Phone", "Postcode"];

fn john() -> ExistingContact {
    ExistingContact {
        id: Uuid::from_u128(7),
        version: 3,
        fields: ContactFields::from_pairs([
            (Field::Kind, "Person"),
            (Field::FirstName, "John"),
            (Field::LastName, "Smith"),
            (Field::Email, "john@old.example"),
            (Field::Phone, "+64 21 555 0101"),
        ]),
    }
}

/// John again (another email, his number written locally), someone new,
/// the new one again a row later, and John by his own email (a key match).
fn reviewed() -> Session {
    let mut session = session(
        HEADERS,
        vec![
            vec!["John", "Smith", "john@new.example", "021 555 0101", ""],
            vec!["Carla", "Mendes", "carla@x.example", "", "6011"],
            vec!["Carla", "Mendes", "c.mendes@y.example", "", "6011"],
            vec!["John", "Smith", "john@old.example", "", ""],
        ],
        vec![john()],
    );
    session.duplicates = Duplicates::new(vec![john()]);
    session.find_duplicates();
    session
}

#[test]
fn a_new_row_like_a_contact_or_an_earlier_row_is_flagged_with_a_sentence_and_a_key_match_is_not() {
    let session = reviewed();
    let (views, more) = session.duplicate_views(10);
    assert_eq!(more, 0);
    let summary: Vec<(u32, &str, Option<Uuid>)> =
        views.iter().map(|view| (view.line, view.sentence.as_str(), view.contact)).collect();
    assert_eq!(
        summary,
        [
            (2, "Possibly the same as John Smith \u{2014} same phone", Some(Uuid::from_u128(7))),
            (4, "Possibly the same as row 3 \u{2014} same postcode", None),
        ]
    );
    assert_eq!(session.duplicates.count(), 2);
    assert!(views.iter().all(|view| view.choice == DuplicateChoice::CreateAnyway));
    // Never an issue: the flagged rows are as valid as before.
    assert_eq!(session.counts().with_issues, 0);
    assert_eq!(session.duplicate_views(1).1, 1, "the rest are counted");
    // The rows table shows the same sentence beside each flagged row.
    let beside: Vec<Option<String>> = (0..4).map(|index| session.row_view(index).and_then(|row| row.possible_duplicate)).collect();
    assert_eq!(
        beside,
        [
            Some("Possibly the same as John Smith \u{2014} same phone".to_string()),
            None,
            Some("Possibly the same as row 3 \u{2014} same postcode".to_string()),
            None,
        ]
    );
}

#[test]
fn the_choices_travel_with_the_rows_and_update_carries_the_contact_the_preview_saw() {
    let mut session = reviewed();
    session.duplicates.choose(0, DuplicateChoice::Update { contact: Uuid::from_u128(7) }).expect("fits");
    session.duplicates.choose(2, DuplicateChoice::Skip).expect("fits");
    let uploaded = session.uploaded_rows();
    assert_eq!(uploaded[0].duplicate, DuplicateChoice::Update { contact: Uuid::from_u128(7) });
    let preview = uploaded[0].preview.expect("the contact to update");
    assert_eq!((preview.contact_id, preview.version), (Uuid::from_u128(7), 3));
    assert_eq!(uploaded[1].duplicate, DuplicateChoice::CreateAnyway);
    assert_eq!(uploaded[1].preview, None);
    assert_eq!(uploaded[2].duplicate, DuplicateChoice::Skip);
    // Choosing create anyway again is the default.
    session.duplicates.choose(2, DuplicateChoice::CreateAnyway).expect("fits");
    assert_eq!(session.uploaded_rows()[2].duplicate, DuplicateChoice::CreateAnyway);
}

#[test]
fn a_choice_that_does_not_fit_is_refused_and_one_that_stops_fitting_falls_back_to_create() {
    let mut session = reviewed();
    // Row 4 is like an earlier row: there is no contact to update.
    assert!(session.duplicates.choose(2, DuplicateChoice::Update { contact: Uuid::from_u128(7) }).is_err());
    // Another contact than the flag's, or a row not flagged.
    assert!(session.duplicates.choose(0, DuplicateChoice::Update { contact: Uuid::from_u128(8) }).is_err());
    assert!(session.duplicates.choose(1, DuplicateChoice::Skip).is_err());
    assert_eq!(session.duplicates.choice(1), DuplicateChoice::CreateAnyway);

    // The user makes row 2 someone else; once the flags are found again its
    // update no longer fits and it is created.
    session.duplicates.choose(0, DuplicateChoice::Update { contact: Uuid::from_u128(7) }).expect("fits");
    session.check.set_cell(0, Field::FirstName, "Margaret");
    session.find_duplicates();
    assert_eq!(session.duplicates.choice(0), DuplicateChoice::CreateAnyway);
    assert_eq!(session.uploaded_rows()[0].preview, None);
}

#[test]
fn a_removed_row_is_not_listed() {
    let mut session = reviewed();
    session.check.remove_row(2);
    let (views, _) = session.duplicate_views(10);
    assert_eq!(views.iter().map(|view| view.line).collect::<Vec<_>>(), [2]);
}

#[test]
fn finding_the_flags_a_slice_at_a_time_keeps_what_finding_them_at_once_keeps() {
    let summary = |session: &Session| -> Vec<(usize, String, Option<Uuid>)> {
        session.duplicate_views(10).0.into_iter().map(|view| (view.index, view.sentence, view.contact)).collect()
    };
    let at_once = summary(&reviewed());
    for slice in [1, 2, 4, 100] {
        let mut session = reviewed();
        session.duplicates.choose(0, DuplicateChoice::Update { contact: Uuid::from_u128(7) }).expect("fits");
        session.duplicates.choose(2, DuplicateChoice::Skip).expect("fits");
        // The user makes row 4 someone else before the flags are found again.
        session.check.set_cell(2, Field::FirstName, "Margaret");
        let mut finder = session.duplicate_finder();
        // 3 new rows (the fourth matches John by email), each indexed, then
        // searched.
        assert_eq!(finder.progress(), (0, 6));
        let mut steps = 1;
        while !finder.step(&session.check, slice) {
            steps += 1;
            let (done, total) = finder.progress();
            assert!(done < total && total == 6, "{done} of {total} after {steps} steps of {slice}");
        }
        assert_eq!(finder.progress(), (6, 6));
        assert_eq!(steps, 2 * 3usize.div_ceil(slice), "slices of {slice}: the rows indexed, then searched");
        session.install_duplicates(finder);
        assert_eq!(summary(&session), at_once[..1], "slices of {slice}");
        // The kept choice still fits; the one of the row no longer flagged is gone.
        assert_eq!(session.duplicates.choice(0), DuplicateChoice::Update { contact: Uuid::from_u128(7) });
        assert_eq!(session.duplicates.choice(2), DuplicateChoice::CreateAnyway);
    }
}

#[test]
fn a_search_overtaken_by_a_newer_one_keeps_nothing_whenever_it_finishes() {
    let flagged_lines = |session: &Session| -> Vec<u32> { session.duplicate_views(10).0.iter().map(|view| view.line).collect() };
    let finish = |session: &Session, finder: &mut super::DuplicateFinder| while !finder.step(&session.check, usize::MAX) {};
    for older_finishes_last in [false, true] {
        let mut session = reviewed();
        assert_eq!(flagged_lines(&session), [2, 4]);
        // A search goes over the rows as they are (and would flag rows 2
        // and 4)...
        let mut older = session.duplicate_finder();
        finish(&session, &mut older);
        // ...then the user makes row 4 someone else, and the re-check
        // starts a newer one (which flags row 2 only).
        session.check.set_cell(2, Field::FirstName, "Margaret");
        let mut newer = session.duplicate_finder();
        assert!(!session.duplicates.is_latest(&older) && session.duplicates.is_latest(&newer));
        finish(&session, &mut newer);
        if older_finishes_last {
            session.install_duplicates(newer);
            session.install_duplicates(older);
        } else {
            session.install_duplicates(older);
            session.install_duplicates(newer);
        }
        assert_eq!(flagged_lines(&session), [2], "older search finished last: {older_finishes_last}");
    }
}

#[test]
fn a_search_of_the_file_before_is_not_the_latest_of_the_file_chosen_after_it() {
    // The user chooses another file while the first one's search is
    // stepping: the new file's searches are numbered apart, so the old
    // search's finds (rows 2 and 4) are never taken for the new file's
    // (row 2 only), whichever finishes last.
    let flagged_lines = |session: &Session| -> Vec<u32> { session.duplicate_views(10).0.iter().map(|view| view.line).collect() };
    let mut before = reviewed();
    let mut old = before.duplicate_finder();
    let mut after = reviewed();
    after.check.set_cell(2, Field::FirstName, "Margaret");
    let mut current = after.duplicate_finder();
    assert!(!after.duplicates.is_latest(&old) && after.duplicates.is_latest(&current));
    while !current.step(&after.check, usize::MAX) {}
    while !old.step(&before.check, usize::MAX) {}
    after.install_duplicates(current);
    after.install_duplicates(old);
    assert_eq!(flagged_lines(&after), [2]);
}
