//! The page servers show for an address that leads nowhere (`404.html`).

use crate::context::Output;
use crate::inputs::Inputs;
use crate::values::{Frame, HeadFacts, Link};

/// The output of `404.html`, in the default language: its context is the frame alone.
pub fn output(inputs: &Inputs<'_>) -> Output<Frame> {
    let lang = inputs.config.default_language.clone();
    let title = inputs.full_title(&inputs.t(&lang, "not_found_title"), None);
    let head = inputs.head(HeadFacts {
        title: &title,
        description: &title,
        path: "404.html",
        lang: &lang,
        alternates: &[],
        og_type: "website",
        jsonld: "{}".into(),
    });
    let context = Frame {
        head,
        breadcrumbs: Link::crumbs(&inputs.home_crumbs(&lang)),
        translations: Vec::new(),
    };
    Output {
        template: "404.html".into(),
        lang,
        context,
    }
}
