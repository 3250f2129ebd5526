//! A job made ready to render: its template and its context, with a fingerprint of what goes
//! into the context when a later build is to compare it.

use std::hash::{DefaultHasher, Hasher};

use serde::Serialize;

/// The variables the theme's layout tests on every page: null unless the kind of output sets
/// them.
const TESTED: [&str; 7] = [
    "page",
    "section",
    "paginator",
    "tags",
    "tag",
    "redirect_to",
    "sitemap",
];

/// What every template gets besides its kind of output's own context (and `site` and `t`,
/// added when it is rendered).
#[derive(Serialize)]
pub struct Common<'a> {
    pub live_reload: bool,
    pub lang: &'a str,
    pub dir: &'a str,
}

/// A kind of output's template and context.
pub struct Output<C> {
    pub template: String,
    pub lang: String,
    pub context: C,
}

/// A job ready to render: its template and its own context, without `site` and `t`.
pub struct Prepared {
    pub(crate) template: String,
    pub(crate) lang: String,
    /// The index of the active entry of the main menu.
    pub(crate) active: Option<usize>,
    pub(crate) context: tera::Context,
    /// A fingerprint of the context, when the job is to be fingerprinted.
    pub(crate) print: Option<u64>,
}

impl Prepared {
    pub(crate) fn new<C: Serialize>(
        output: Output<C>,
        common: &Common<'_>,
        active: Option<usize>,
        fingerprint: bool,
    ) -> Prepared {
        let mut context = tera::Context::new();
        for key in TESTED {
            context.insert_value(key, tera::Value::none());
        }
        context.extend(as_context(common));
        context.extend(as_context(&output.context));
        let print = fingerprint.then(|| {
            let mut h = DefaultHasher::new();
            hash_json(&mut h, common);
            hash_json(&mut h, &output.context);
            h.finish()
        });
        Prepared {
            template: output.template,
            lang: output.lang,
            active,
            context,
            print,
        }
    }
}

fn as_context<C: Serialize>(value: &C) -> tera::Context {
    tera::Context::from_serialize(value).expect("a template context serialises to a map")
}

/// Feeds a value's JSON form into a hasher without building it. serde_json's maps sort their
/// keys; a map that serialises in no fixed order only makes fingerprints differ, which costs a
/// render, never a stale page.
pub(crate) fn hash_json<T: Serialize + ?Sized>(h: &mut impl Hasher, value: &T) {
    struct Sink<'h, H: Hasher>(&'h mut H);
    impl<H: Hasher> std::io::Write for Sink<'_, H> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Sink(h), value).expect("a template value serialises");
}
