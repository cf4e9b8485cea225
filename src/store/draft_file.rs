//! The create form's draft on disk: read back at start, written after every change, removed once the lead
//! is created or discarded. A file that cannot be read is moved aside, never a reason to stop.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::model::Draft;

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("could not read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    // Where it went comes first: the status bar may have room for little more.
    #[error("unreadable, moved to {} ({source})", moved_to.display())]
    Corrupt {
        path: PathBuf,
        moved_to: PathBuf,
        source: serde_json::Error,
    },
    #[error("{} is unreadable ({source}) and could not be moved aside: {move_error}", path.display())]
    CorruptNotMoved {
        path: PathBuf,
        source: serde_json::Error,
        move_error: io::Error,
    },
    #[error("could not encode the draft: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("could not write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("could not remove {}: {source}", path.display())]
    Remove { path: PathBuf, source: io::Error },
}

/// The draft's file name inside its profile's directory.
pub const FILE_NAME: &str = "draft.json";

/// Where drafts lived before each profile had its own directory: `draft.json` for the embedded sandbox,
/// `draft-<host>.json` for a tenant. Characters a file name cannot hold everywhere (the port's `:`) become `_`.
fn old_file_name(tenant_host: Option<&str>) -> String {
    match tenant_host {
        None => "draft.json".to_string(),
        Some(host) => {
            let safe: String = host
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            format!("draft-{safe}.json")
        }
    }
}

/// Moves a draft left where earlier versions kept it (in the data directory itself) to `path`, the
/// profile's own place, so an upgrade loses no half-typed lead. Nothing happens when `path` holds one already.
/// `tenant_host` is the host an earlier version named the draft after (`None` for the embedded sandbox).
pub fn adopt_old(data_dir: &Path, tenant_host: Option<&str>, path: &Path) {
    let old = data_dir.join(old_file_name(tenant_host));
    if old.exists() && !path.exists() {
        match fs::rename(&old, path) {
            Ok(()) => tracing::info!(from = %old.display(), to = %path.display(), "moved the draft to its profile"),
            Err(e) => tracing::warn!(error = %e, "the draft from an earlier version was not moved"),
        }
    }
}

pub fn aside_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bad")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// The file a save writes before renaming it over the draft: in the same directory, so the rename cannot
/// cross file systems, and named by process so two inboxes never write the same temp file.
pub fn temp_path(path: &Path) -> PathBuf {
    with_suffix(path, &format!(".{}.tmp", std::process::id()))
}

/// The draft kept at `path`, `None` when there is none. A file that is not a draft is moved to
/// [`aside_path`] (so the next start is clean, and the text stays there for the user) and reported.
pub fn load(path: &Path) -> Result<Option<Draft>, DraftError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(DraftError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    match serde_json::from_slice::<Draft>(&bytes) {
        Ok(draft) => Ok(Some(draft)),
        Err(source) => {
            let moved_to = aside_path(path);
            match fs::rename(path, &moved_to) {
                Ok(()) => Err(DraftError::Corrupt {
                    path: path.to_path_buf(),
                    moved_to,
                    source,
                }),
                Err(move_error) => Err(DraftError::CorruptNotMoved {
                    path: path.to_path_buf(),
                    source,
                    move_error,
                }),
            }
        }
    }
}

/// Writes `draft` to `path` whole or not at all: into a temp file beside it, then renamed over it, so a
/// crash mid-write leaves the previous draft rather than half of this one.
pub fn save(path: &Path, draft: &Draft) -> Result<(), DraftError> {
    let json = serde_json::to_vec_pretty(draft).map_err(DraftError::Encode)?;
    let temp = temp_path(path);
    let written = write_new(&temp, &json).and_then(|()| fs::rename(&temp, path));
    if written.is_err() {
        // Whatever part of the temp file exists is of no use to anyone.
        let _ = fs::remove_file(&temp);
    }
    written.map_err(|source| DraftError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// A file only its owner can read: a draft holds a person's name, email and phone.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    // No fsync: the draft is written on the loop for every key, and an fsync tripled the time of a save
    // (about 8 ms against 3 ms here). A crash of leadbox loses nothing without it, since the written data
    // is already the kernel's; after a power cut, ext4 flushes a file renamed over another before the rename.
    let mut file = options.open(path)?;
    file.write_all(bytes)
}

/// Removes the draft at `path`; a draft already gone is fine.
pub fn remove(path: &Path) -> Result<(), DraftError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(DraftError::Remove {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// One draft file and what was last written to it, so the file is touched only when the draft changed.
#[derive(Debug)]
pub struct DraftFile {
    path: PathBuf,
    /// The last draft written (or tried): `None` means no file.
    last: Option<Draft>,
}

impl DraftFile {
    /// `on_disk` is what [`load`] found there.
    pub fn new(path: PathBuf, on_disk: Option<Draft>) -> Self {
        DraftFile { path, last: on_disk }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Brings the file in line with `current`: saved when it differs from the last write, removed when it
    /// is `None`. Whether the disk was touched. A failed write is not retried until the draft changes again,
    /// so a full disk costs one error per change, not one per frame.
    pub fn sync(&mut self, current: Option<Draft>) -> Result<bool, DraftError> {
        if current == self.last {
            return Ok(false);
        }
        let result = match &current {
            Some(draft) => save(&self.path, draft),
            None => remove(&self.path),
        };
        self.last = current;
        result.map(|()| true)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::DraftValue;

    fn draft(first_name: &str) -> Draft {
        Draft {
            fields: BTreeMap::from([
                ("firstName".to_string(), DraftValue::Text(first_name.to_string())),
                ("source".to_string(), DraftValue::Choice("web_form".to_string())),
            ]),
            may_have_been_sent: false,
            added_custom_fields: Vec::new(),
        }
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn saved_draft_loads_back_and_no_temp_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/draft.json");
        assert_eq!(load(&path).unwrap(), None, "no file is no draft");
        save(&path, &draft("Ana")).unwrap();
        save(&path, &draft("Ana María")).unwrap();
        assert_eq!(load(&path).unwrap(), Some(draft("Ana María")));
        assert_eq!(files_in(&dir.path().join("nested")), ["draft.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read a draft: {mode:o}");
        }
        remove(&path).unwrap();
        assert_eq!(load(&path).unwrap(), None);
        remove(&path).expect("removing a draft that is gone is fine");
    }

    #[test]
    fn a_save_that_fails_midway_leaves_the_previous_draft_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        save(&path, &draft("Ana")).unwrap();
        // A directory where the temp file must go makes the write fail before the rename.
        fs::create_dir(temp_path(&path)).unwrap();
        let err = save(&path, &draft("Ben")).unwrap_err();
        assert!(matches!(err, DraftError::Write { .. }), "{err:?}");
        assert!(err.to_string().contains("draft.json"), "{err}");
        assert_eq!(load(&path).unwrap(), Some(draft("Ana")), "the old draft is untouched");
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        fs::write(&path, b"{\"fields\": {\"firstName\": ").unwrap();
        let err = load(&path).unwrap_err();
        let DraftError::Corrupt { moved_to, .. } = &err else {
            panic!("not reported as corrupt: {err:?}");
        };
        assert_eq!(*moved_to, dir.path().join("draft.json.bad"));
        let text = err.to_string();
        assert!(text.starts_with("unreadable, moved to "), "{text}");
        assert!(text.contains("draft.json.bad"), "{text}");
        assert!(text.contains("line 1"), "the parser's reason is given: {text}");
        assert_eq!(
            fs::read(dir.path().join("draft.json.bad")).unwrap(),
            b"{\"fields\": {\"firstName\": ",
            "the bytes are kept for the user"
        );
        assert_eq!(load(&path).unwrap(), None, "the next start is clean");
    }

    #[test]
    fn json_of_the_wrong_shape_is_corrupt_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        fs::write(&path, br#"{"fields": {"firstName": {"colour": 3}}}"#).unwrap();
        assert!(matches!(load(&path), Err(DraftError::Corrupt { .. })));
        assert!(!path.exists());
    }

    #[test]
    fn sync_writes_only_changes_and_removes_a_gone_draft() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        let mut file = DraftFile::new(path.clone(), None);
        assert!(!file.sync(None).unwrap(), "nothing to do");
        assert!(!path.exists());

        assert!(file.sync(Some(draft("Ana"))).unwrap());
        assert_eq!(load(&path).unwrap(), Some(draft("Ana")));

        // Deleted behind its back: an unchanged draft is not written again.
        fs::remove_file(&path).unwrap();
        assert!(!file.sync(Some(draft("Ana"))).unwrap());
        assert!(!path.exists(), "no write when the draft did not change");

        assert!(file.sync(Some(draft("Anab"))).unwrap());
        assert_eq!(load(&path).unwrap(), Some(draft("Anab")));

        assert!(file.sync(None).unwrap());
        assert!(!path.exists(), "a created or discarded draft leaves no file");
    }

    #[test]
    fn a_loaded_draft_is_not_written_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        save(&path, &draft("Ana")).unwrap();
        let loaded = load(&path).unwrap();
        let mut file = DraftFile::new(path.clone(), loaded.clone());
        fs::remove_file(&path).unwrap();
        assert!(!file.sync(loaded).unwrap());
        assert!(!path.exists());
    }

    #[test]
    fn old_draft_names_were_per_tenant() {
        assert_eq!(old_file_name(None), "draft.json");
        assert_eq!(old_file_name(Some("acme.novala.ai")), "draft-acme.novala.ai.json");
        assert_eq!(old_file_name(Some("127.0.0.1:7878")), "draft-127.0.0.1_7878.json");
        assert_eq!(old_file_name(Some("../../etc")), "draft-.._.._etc.json");
    }
}
