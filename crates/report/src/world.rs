//! A minimal, closed typst world: one template, one JSON data file and the illustrations, all in
//! memory; the embedded fonts loaded once per process; no file system, no packages, no network.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

/// The fonts typst ships inside its binary (Libertinus Serif, New Computer Modern, DejaVu Sans
/// Mono), parsed once: a render after the first only looks them up.
static FONTS: LazyLock<FontStore> = LazyLock::new(|| {
    let mut store = FontStore::new();
    store.extend(typst_kit::fonts::embedded());
    store
});

/// The standard library, without any input: data arrives as `/data.json`.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Makes sure the fonts and the standard library are loaded, so the first render is not slower
/// than the rest (useful at server start and before a benchmark).
pub fn warm_up() {
    LazyLock::force(&FONTS);
    LazyLock::force(&LIBRARY);
}

/// The id of a file at `path` in the project (not a package).
pub(crate) fn project_file(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("template paths are valid virtual paths");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One document's world: the main template, typst sources it may import, and data files.
pub(crate) struct ReportWorld {
    main: Source,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

impl ReportWorld {
    /// A world whose main file is `main`; `sources` may be imported, `files` read.
    pub(crate) fn new(
        main: Source,
        sources: impl IntoIterator<Item = Source>,
        files: impl IntoIterator<Item = (FileId, Bytes)>,
        today: Option<Datetime>,
    ) -> Self {
        ReportWorld {
            main,
            sources: sources.into_iter().map(|s| (s.id(), s)).collect(),
            files: files.into_iter().collect(),
            today,
        }
    }

    fn source_text(&self, id: FileId) -> Option<&Source> {
        if id == self.main.id() {
            Some(&self.main)
        } else {
            self.sources.get(&id)
        }
    }
}

/// Refuses anything outside this world; packages never load (nothing is ever downloaded).
fn outside(id: FileId) -> FileError {
    match id.root() {
        VirtualRoot::Package(spec) => FileError::Package(PackageError::NotFound(spec.clone())),
        VirtualRoot::Project => {
            FileError::NotFound(id.vpath().get_without_slash().to_owned().into())
        }
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        FONTS.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.source_text(id) {
            Some(source) => Ok(source.clone()),
            None if self.files.contains_key(&id) => Err(FileError::NotSource),
            None => Err(outside(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.source_text(id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| outside(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst_layout::PagedDocument;

    fn compile(main: &str) -> Result<PagedDocument, String> {
        let source = Source::new(
            FileId::unique(RootedPath::new(
                VirtualRoot::Project,
                VirtualPath::new("/test.typ").unwrap(),
            )),
            main.to_owned(),
        );
        let world = ReportWorld::new(source, [], [], Datetime::from_ymd(2026, 3, 1));
        typst::compile::<PagedDocument>(&world).output.map_err(|e| {
            e.iter()
                .map(|d| d.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    #[test]
    fn plain_text_compiles_with_the_embedded_fonts() {
        let doc = compile("Hello #datetime.today().display()").unwrap();
        assert_eq!(doc.pages().len(), 1);
    }

    #[test]
    fn packages_are_refused_not_fetched() {
        let err = compile("#import \"@preview/cetz:0.3.0\": *").unwrap_err();
        assert!(err.contains("package"), "{err}");
    }

    #[test]
    fn nothing_outside_the_world_can_be_read() {
        let err = compile("#read(\"/etc/passwd\")").unwrap_err();
        assert!(err.contains("not found"), "{err}");
        let err = compile("#read(\"../../etc/passwd\")").unwrap_err();
        assert!(!err.is_empty());
    }
}
