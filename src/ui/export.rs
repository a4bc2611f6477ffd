//! The debrief's export button: the report as HTML (for people), JSON and CSV (for machines),
//! written next to the session's journal.

use std::path::{Path, PathBuf};

use crate::net::host::HostCore;
use crate::report::{self, Meta};
use crate::rules::Lang;
use crate::rules::view::View;

/// Every name the journal at `path` holds (players who left too), for a report without them.
fn people_of(path: Option<&Path>) -> Vec<String> {
    path.and_then(|p| crate::net::journal_file::read_text(p).ok())
        .map(|t| report::people_in(&t))
        .unwrap_or_default()
}

fn write_all(
    dir: &Path,
    stem: &str,
    view: &View,
    meta: &Meta,
    names: bool,
    people: &[String],
) -> Result<PathBuf, String> {
    let nameless;
    let view = if names {
        view
    } else {
        nameless = report::without_names(view, people);
        &nameless
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let html = dir.join(format!("{stem}.html"));
    let write = |path: PathBuf, text: String| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(html.clone(), report::html(view, meta, Lang::Nl))?;
    write(
        dir.join(format!("{stem}.en.html")),
        report::html(view, meta, Lang::En),
    )?;
    write(
        dir.join(format!("{stem}.json")),
        report::json(view, meta, Lang::Nl),
    )?;
    write(dir.join(format!("{stem}.csv")), report::csv(view, Lang::Nl))?;
    Ok(html)
}

/// Where a report goes: the folder and name of the file it belongs to, or the journal folder
/// under `stem`.
fn beside(file: Option<&Path>, stem: String) -> (PathBuf, String) {
    match file {
        Some(p) => (
            p.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            p.file_stem()
                .map_or("kantelspel".into(), |s| s.to_string_lossy().to_string()),
        ),
        None => (crate::net::journal_file::default_dir(), stem),
    }
}

/// The host's export: next to the journal when there is one, compared with `archive`.
pub fn export(
    core: &HostCore,
    names: bool,
    archive: Option<&crate::archive::Archive>,
) -> Result<PathBuf, String> {
    let now = crate::net::code::now().as_secs();
    let (dir, stem) = beside(core.journal_path(), format!("kantelspel-{now}"));
    let desk = crate::net::desk::TableDesk::of(core);
    let meta = Meta {
        deck_name: desk.deck_id.clone(),
        created_unix: now,
        warning: None,
        programme: desk.programme_text.clone(),
        archive: archive.and_then(|a| core.against_archive(a)),
    };
    let people = people_of(core.journal_path());
    write_all(&dir, &stem, &core.record(), &meta, names, &people)
}

/// A workshop's export: every table side by side (and each table's own report inside), next to
/// the workshop file when there is one.
pub(crate) fn export_workshop(
    workshop: &crate::net::workshop::Workshop,
    names: bool,
    archive: Option<&crate::archive::Archive>,
) -> Result<PathBuf, String> {
    let now = crate::net::code::now().as_secs();
    let (dir, stem) = beside(workshop.manifest(), format!("kantelspel-workshop-{now}"));
    let tables: Vec<(View, Meta)> = workshop
        .tables()
        .iter()
        .map(|t| {
            let desk = crate::net::desk::TableDesk::of(&t.core);
            let meta = Meta {
                deck_name: desk.deck_id.clone(),
                created_unix: now,
                warning: None,
                programme: desk.programme_text.clone(),
                archive: archive.and_then(|a| t.core.against_archive(a)),
            };
            let view = t.core.record();
            let view = if names {
                view
            } else {
                report::without_names(&view, &people_of(t.core.journal_path()))
            };
            (view, meta)
        })
        .collect();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |path: PathBuf, text: String| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let name = workshop.name();
    let html = dir.join(format!("{stem}.html"));
    write(
        html.clone(),
        crate::comparison::html(name, &tables, Lang::Nl),
    )?;
    write(
        dir.join(format!("{stem}.en.html")),
        crate::comparison::html(name, &tables, Lang::En),
    )?;
    write(
        dir.join(format!("{stem}.json")),
        crate::comparison::json(name, &tables, Lang::Nl),
    )?;
    write(
        dir.join(format!("{stem}.csv")),
        crate::comparison::csv(&tables, Lang::Nl),
    )?;
    Ok(html)
}

/// A player's export, from what their laptop saw.
pub(crate) fn export_view(view: &View, names: bool) -> Result<PathBuf, String> {
    let now = crate::net::code::now().as_secs();
    let meta = Meta {
        deck_name: view.deck_title.nl.clone(),
        created_unix: now,
        warning: None,
        programme: None,
        archive: None,
    };
    write_all(
        &crate::net::journal_file::default_dir(),
        &format!("kantelspel-{now}"),
        view,
        &meta,
        names,
        &[],
    )
}

/// A replayed journal's export: the whole record, named after the deck and the session's date.
pub(crate) fn export_record(record: &View, meta: &Meta, names: bool) -> Result<PathBuf, String> {
    write_all(
        &crate::net::journal_file::default_dir(),
        &format!("kantelspel-{}", meta.created_unix),
        record,
        meta,
        names,
        &[],
    )
}
