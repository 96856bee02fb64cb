//! Which sheet to read: the one the user chose, else `Contacts`, else the
//! first visible worksheet.

use super::error::ReadError;

/// Most sheets listed from one workbook (later ones are ignored).
pub(crate) const MAX_SHEETS: usize = 10_000;
/// Longest sheet name kept, in characters (Excel allows 31).
const MAX_NAME_CHARS: usize = 255;

/// A sheet name as read, cut to a sane length.
pub(crate) fn sheet_name(raw: &str) -> String {
    raw.chars().take(MAX_NAME_CHARS).collect()
}

/// Whether a sheet shows in the workbook's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Visibility {
    Visible,
    /// Hidden, but the user can unhide it from Excel's menu.
    Hidden,
    /// Hidden by a program; Excel's menus never show it.
    VeryHidden,
}

/// The worksheets calamine lists (chart, dialog and macro sheets left out),
/// each located by its index in calamine's list. Names are cut to 255
/// characters for display; the index finds calamine's full name.
pub(crate) fn from_calamine(sheets: &[calamine::Sheet]) -> Vec<SheetInfo<usize>> {
    sheets
        .iter()
        .enumerate()
        .filter(|(_, sheet)| sheet.typ == calamine::SheetType::WorkSheet)
        .take(MAX_SHEETS)
        .map(|(index, sheet)| SheetInfo {
            name: sheet_name(&sheet.name),
            visibility: match sheet.visible {
                calamine::SheetVisible::Visible => Visibility::Visible,
                calamine::SheetVisible::Hidden => Visibility::Hidden,
                calamine::SheetVisible::VeryHidden => Visibility::VeryHidden,
            },
            location: index,
        })
        .collect()
}

/// A worksheet of the workbook and where its cells are (`T`: an index in
/// calamine's sheet list).
#[derive(Clone, Debug)]
pub(crate) struct SheetInfo<T> {
    pub(crate) name: String,
    pub(crate) visibility: Visibility,
    pub(crate) location: T,
}

/// The names the user can choose from, and the sheet to read.
///
/// The choice list is every worksheet except very hidden ones, in workbook
/// order (hidden sheets are listed: the user may have hidden the contacts).
/// `requested` is matched exactly, then ignoring case and surrounding
/// spaces. Without a request: a visible sheet named `Contacts` (any case),
/// else the first visible sheet; a hidden sheet only when none is visible.
pub(crate) fn choose<'s, T>(
    sheets: &'s [SheetInfo<T>],
    requested: Option<&str>,
) -> Result<(Vec<String>, &'s SheetInfo<T>), ReadError> {
    let offered: Vec<&SheetInfo<T>> = sheets
        .iter()
        .filter(|sheet| sheet.visibility != Visibility::VeryHidden)
        .collect();
    let names: Vec<String> = offered.iter().map(|sheet| sheet.name.clone()).collect();
    if offered.is_empty() {
        return Err(ReadError::NoSheets);
    }
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    let chosen = match requested {
        Some(wanted) => offered
            .iter()
            .find(|sheet| sheet.name == wanted)
            .or_else(|| offered.iter().find(|sheet| same(&sheet.name, wanted)))
            .ok_or_else(|| ReadError::SheetNotFound {
                sheet: wanted.to_string(),
                available: names.clone(),
            })?,
        None => {
            let visible = |sheet: &&&SheetInfo<T>| sheet.visibility == Visibility::Visible;
            let contacts = |sheet: &&&SheetInfo<T>| same(&sheet.name, "contacts");
            offered
                .iter()
                .filter(visible)
                .find(contacts)
                .or_else(|| offered.iter().find(visible))
                .or_else(|| offered.iter().find(contacts))
                .or_else(|| offered.first())
                .ok_or(ReadError::NoSheets)?
        }
    };
    Ok((names, chosen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, visibility: Visibility) -> SheetInfo<()> {
        SheetInfo {
            name: name.to_string(),
            visibility,
            location: (),
        }
    }

    #[test]
    fn contacts_is_chosen_in_any_case_wherever_it_is() {
        let sheets = [
            sheet("Instructions", Visibility::Visible),
            sheet(" CONTACTS ", Visibility::Visible),
        ];
        let (names, chosen) = choose(&sheets, None).unwrap();
        assert_eq!(chosen.name, " CONTACTS ");
        assert_eq!(names, vec!["Instructions", " CONTACTS "]);
    }

    #[test]
    fn hidden_sheets_are_offered_but_not_chosen_by_default() {
        let sheets = [
            sheet("Lists", Visibility::Hidden),
            sheet("Contacts", Visibility::Hidden),
            sheet("Secret", Visibility::VeryHidden),
            sheet("People", Visibility::Visible),
        ];
        let (names, chosen) = choose(&sheets, None).unwrap();
        assert_eq!(chosen.name, "People");
        assert_eq!(names, vec!["Lists", "Contacts", "People"]);
        let only_hidden = [
            sheet("Lists", Visibility::Hidden),
            sheet("Contacts", Visibility::Hidden),
        ];
        assert_eq!(choose(&only_hidden, None).unwrap().1.name, "Contacts");
    }

    #[test]
    fn a_requested_sheet_is_found_or_reported() {
        let sheets = [
            sheet("Contacts", Visibility::Visible),
            sheet("Old list", Visibility::Hidden),
        ];
        assert_eq!(
            choose(&sheets, Some("old LIST")).unwrap().1.name,
            "Old list"
        );
        let err = choose(&sheets, Some("Nope")).unwrap_err();
        assert_eq!(
            err,
            ReadError::SheetNotFound {
                sheet: "Nope".into(),
                available: vec!["Contacts".into(), "Old list".into()]
            }
        );
        assert_eq!(choose::<()>(&[], None).unwrap_err(), ReadError::NoSheets);
    }
}
