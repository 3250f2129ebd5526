//! The page left at an old address (an alias in front matter): it sends readers and search
//! engines to the page's address.

use serde::Serialize;

use crate::context::Output;
use crate::inputs::Inputs;
use crate::values::{Frame, HeadFacts, Link};
use respi_sources::library::PageId;

/// The context of `alias.html`.
#[derive(Serialize)]
pub struct AliasContext {
    #[serde(flatten)]
    pub frame: Frame,
    /// The absolute URL of the page.
    pub redirect_to: String,
    pub page: Link,
}

/// The output of an alias of the page `to`.
pub fn output(inputs: &Inputs<'_>, to: PageId) -> Output<AliasContext> {
    let target = &inputs.library.pages[to];
    let head = inputs.head(HeadFacts {
        title: &target.title,
        description: &target.fm.description,
        path: &target.path,
        lang: &target.lang,
        alternates: &[],
        og_type: "website",
        jsonld: "{}".into(),
    });
    let context = AliasContext {
        frame: Frame {
            head,
            breadcrumbs: Vec::new(),
            translations: Vec::new(),
        },
        redirect_to: inputs.permalink(&target.path),
        page: Link {
            title: target.title.clone(),
            url: inputs.url(&target.path),
        },
    };
    Output {
        template: "alias.html".into(),
        lang: target.lang.clone(),
        context,
    }
}
