//! The tagged PDF of printed batches (ACCESSIBILITY.md F13), written with krilla and refused
//! unless krilla's PDF/UA-1 check passes. Headings and paragraphs are laid out on A4 pages in
//! DejaVu Sans, embedded as a subset (PDF/UA allows no font that is not embedded); each block
//! is a structure element (H1, H2, H3, P) of a Document, the headings also make the outline,
//! the title is shown in the title bar and the language is declared. Decorations (answer
//! boxes, the footer with the page number) are artifacts, so assistive technology skips them.

use std::num::NonZeroU16;
use std::sync::LazyLock;

use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Tag, TagGroup, TagKind, TagTree};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

/// A piece of the document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    H1(String),
    H2(String),
    H3(String),
    P(String),
    /// An empty framed box of this height in points, for a handwritten answer.
    AnswerSpace(f32),
    /// Starts a new page unless the current one is still empty.
    PageBreak,
}

/// Why no PDF was made. A file that would not conform is never handed out.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the PDF would not conform to PDF/UA-1: {0}")]
    NotConforming(String),
    #[error("the PDF could not be written: {0}")]
    NotWritten(String),
}

impl From<KrillaError> for PdfError {
    fn from(error: KrillaError) -> Self {
        match error {
            KrillaError::Validation(errors) => PdfError::NotConforming(
                errors
                    .iter()
                    .map(|(error, _)| format!("{error:?}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => PdfError::NotWritten(other.to_string()),
        }
    }
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// The lowest a text line may sit: the bottom margin.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
/// The baseline of the footer, in the bottom margin.
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 30.0;
const FOOTER_SIZE: f32 = 9.0;
/// Room left above each answer box.
const BOX_GAP: f32 = 8.0;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// One font: krilla's handle to draw and embed it, and its character map and advances to
/// measure lines before they are drawn.
struct Face {
    font: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: GlyphMetrics<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        let font = Font::new(bytes.into(), 0).expect("the bundled DejaVu Sans parses");
        let font_ref = FontRef::new(bytes).expect("the bundled DejaVu Sans parses");
        Face {
            font,
            charmap: font_ref.charmap(),
            // At one pixel per em, advances come in ems: multiplied by the font size below.
            metrics: font_ref.glyph_metrics(Size::new(1.0), LocationRef::default()),
        }
    }

    fn covers(&self, c: char) -> bool {
        self.charmap.map(c).is_some_and(|glyph| glyph.to_u32() != 0)
    }

    /// The width of `text` set at `size` points, kerning aside.
    fn width(&self, text: &str, size: f32) -> f32 {
        let ems: f32 = text
            .chars()
            .filter_map(|c| self.charmap.map(c))
            .filter_map(|glyph| self.metrics.advance_width(glyph))
            .sum();
        ems * size
    }

    /// `text` with only what this font can show: tabs become spaces, other control characters
    /// and byte order marks go, and a character the font lacks becomes U+FFFD (shown as a
    /// replacement mark). PDF/UA forbids drawing a glyph the font does not have.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                '\n' => Some('\n'),
                '\u{feff}' | '\u{fffe}' => None,
                c if c.is_control() => None,
                c if self.covers(c) => Some(c),
                _ => Some('\u{fffd}'),
            })
            .collect()
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: Face::load(REGULAR),
    bold: Face::load(BOLD),
});

/// The structure type of a block of text, and how it is set.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    H1,
    H2,
    H3,
    P,
}

impl Kind {
    fn size(self) -> f32 {
        match self {
            Kind::H1 => 18.0,
            Kind::H2 => 14.0,
            Kind::H3 => 12.0,
            Kind::P => 11.0,
        }
    }

    fn leading(self) -> f32 {
        self.size() * 1.35
    }

    fn space_before(self) -> f32 {
        match self {
            Kind::H1 => 0.0,
            Kind::H2 => 12.0,
            Kind::H3 => 10.0,
            Kind::P => 4.0,
        }
    }

    fn face(self, fonts: &Fonts) -> &Face {
        match self {
            Kind::P => &fonts.regular,
            _ => &fonts.bold,
        }
    }

    /// The structure element; a heading carries its text as title, as PDF/UA asks.
    fn tag(self, text: &str) -> TagKind {
        let level = match self {
            Kind::H1 => 1,
            Kind::H2 => 2,
            Kind::H3 => 3,
            Kind::P => return Tag::P.into(),
        };
        let level = NonZeroU16::new(level).expect("heading levels start at 1");
        Tag::Hn(level, Some(one_line(text))).into()
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line of text placed on a page, with its baseline measured from the top of the page.
#[derive(Debug)]
struct Line {
    page: usize,
    baseline: f32,
    text: String,
}

/// What the layout put on the pages, in reading order.
#[derive(Debug)]
enum Placed {
    Text {
        kind: Kind,
        text: String,
        lines: Vec<Line>,
    },
    AnswerBox {
        page: usize,
        top: f32,
        height: f32,
    },
}

/// Places blocks top to bottom, starting a page when the next line would enter the bottom
/// margin.
struct Layout<'f> {
    fonts: &'f Fonts,
    placed: Vec<Placed>,
    page: usize,
    /// How far down the current page is filled, from its top edge.
    y: f32,
    page_used: bool,
}

impl<'f> Layout<'f> {
    fn of(fonts: &'f Fonts, blocks: &[Block]) -> Layout<'f> {
        let mut layout = Layout {
            fonts,
            placed: Vec::new(),
            page: 0,
            y: MARGIN,
            page_used: false,
        };
        for block in blocks {
            match block {
                Block::H1(text) => layout.text(Kind::H1, text),
                Block::H2(text) => layout.text(Kind::H2, text),
                Block::H3(text) => layout.text(Kind::H3, text),
                Block::P(text) => layout.text(Kind::P, text),
                Block::AnswerSpace(height) => layout.answer_space(*height),
                Block::PageBreak => {
                    if layout.page_used {
                        layout.new_page();
                    }
                }
            }
        }
        layout
    }

    fn pages(&self) -> usize {
        self.page + 1
    }

    fn new_page(&mut self) {
        self.page += 1;
        self.y = MARGIN;
        self.page_used = false;
    }

    /// Lays out `text` as one structure element, continuing on new pages as needed. A heading
    /// keeps a line of room for what follows it, so it never ends a page alone.
    fn text(&mut self, kind: Kind, text: &str) {
        let face = kind.face(self.fonts);
        let text = face.printable(text);
        if text.trim().is_empty() {
            return;
        }
        let keep = if kind == Kind::P {
            0.0
        } else {
            Kind::P.leading()
        };
        if self.y + kind.space_before() + kind.leading() + keep > BOTTOM {
            self.new_page();
        } else if self.page_used {
            self.y += kind.space_before();
        }
        let mut lines = Vec::new();
        for line in wrap(face, &text, kind.size()) {
            if self.y + kind.leading() > BOTTOM {
                self.new_page();
            }
            self.y += kind.leading();
            lines.push(Line {
                page: self.page,
                baseline: self.y,
                text: line,
            });
        }
        self.page_used = true;
        self.placed.push(Placed::Text { kind, text, lines });
    }

    fn answer_space(&mut self, height: f32) {
        let height = height.clamp(0.0, BOTTOM - MARGIN - BOX_GAP);
        if self.y + BOX_GAP + height > BOTTOM {
            self.new_page();
        }
        let top = self.y + BOX_GAP;
        self.y = top + height;
        self.page_used = true;
        self.placed.push(Placed::AnswerBox {
            page: self.page,
            top,
            height,
        });
    }
}

/// Splits `text` into lines no wider than the text width at `size`, breaking at spaces; a word
/// wider than a whole line is cut where the line is full, rather than running off the page. A
/// line that ends at a break between words keeps a trailing space, so that text read from the
/// PDF (by a screen reader, or copied) does not run the last word of a line into the next.
fn wrap(face: &Face, text: &str, size: f32) -> Vec<String> {
    let space = face.width(" ", size);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut width = 0.0;
        for word in paragraph.split_whitespace() {
            let word_width = face.width(word, size);
            if !line.is_empty() && width + space + word_width <= TEXT_WIDTH {
                line.push(' ');
                line.push_str(word);
                width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                line.push(' ');
                lines.push(std::mem::take(&mut line));
            }
            let mut rest = word;
            while face.width(rest, size) > TEXT_WIDTH {
                let cut = fitting_prefix(face, rest, size);
                lines.push(rest[..cut].to_owned());
                rest = &rest[cut..];
            }
            line.push_str(rest);
            width = face.width(rest, size);
        }
        line.push(' ');
        lines.push(line);
    }
    if let Some(last) = lines.last_mut() {
        last.pop();
    }
    lines
}

/// The length in bytes of the longest start of `word` that fits the text width (at least one
/// character, so that cutting always moves on).
fn fitting_prefix(face: &Face, word: &str, size: f32) -> usize {
    let mut width = 0.0;
    for (index, c) in word.char_indices() {
        width += face.width(c.encode_utf8(&mut [0; 4]), size);
        if width > TEXT_WIDTH {
            return index.max(c.len_utf8());
        }
    }
    word.len()
}

/// The finished document, or why there is none: krilla checks it against PDF/UA-1 and an
/// error of that check means no file, never a file that does not conform.
pub fn render(title: &str, lang: &str, blocks: &[Block]) -> Result<Vec<u8>, PdfError> {
    let fonts = &*FONTS;
    let layout = Layout::of(fonts, blocks);
    let mut document = Document::new_with(settings()?);
    let mut groups: Vec<Option<TagGroup>> = layout
        .placed
        .iter()
        .map(|placed| match placed {
            Placed::Text { kind, text, .. } => Some(TagGroup::new(kind.tag(text))),
            Placed::AnswerBox { .. } => None,
        })
        .collect();
    let footer_title = fonts.regular.printable(&one_line(title));
    for page in 0..layout.pages() {
        let footer = format!("{footer_title} – pagina {} di {}", page + 1, layout.pages());
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a page size");
        let mut sheet = document.start_page_with(settings);
        let mut surface = sheet.surface();
        draw_page(&mut surface, &layout, page, &mut groups);
        draw_footer(&mut surface, &fonts.regular, &footer);
        surface.finish();
        sheet.finish();
    }
    let mut tree = TagTree::new();
    for group in groups.into_iter().flatten() {
        tree.push(group);
    }
    document.set_tag_tree(tree);
    document.set_outline(outline(&layout));
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language(lang.to_owned())
            .producer("respi-tickets".to_owned()),
    );
    Ok(document.finish()?)
}

/// Tagged PDF checked against PDF/UA-1 (which also writes its identification in the XMP
/// metadata and shows the title in the title bar), compressed.
fn settings() -> Result<SerializeSettings, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|error| PdfError::NotWritten(format!("{error:?}")))?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: true,
        compress_content_streams: true,
        ..SerializeSettings::default()
    })
}

/// Draws what the layout put on page `index`: each text block's lines as one marked run that
/// joins the block's structure element, and the answer boxes as artifacts.
fn draw_page(
    surface: &mut Surface,
    layout: &Layout,
    index: usize,
    groups: &mut [Option<TagGroup>],
) {
    for (placed, group) in layout.placed.iter().zip(groups.iter_mut()) {
        match placed {
            Placed::Text { kind, lines, .. } => {
                let mut on_page = lines.iter().filter(|line| line.page == index).peekable();
                let (Some(group), Some(_)) = (group, on_page.peek()) else {
                    continue;
                };
                let face = kind.face(layout.fonts);
                let id = surface.start_tagged(ContentTag::Other);
                for line in on_page {
                    surface.draw_text(
                        Point::from_xy(MARGIN, line.baseline),
                        face.font.clone(),
                        kind.size(),
                        &line.text,
                        false,
                        TextDirection::Auto,
                    );
                }
                surface.end_tagged();
                group.push(id);
            }
            Placed::AnswerBox { page, top, height } if *page == index => {
                draw_box(surface, *top, *height);
            }
            Placed::AnswerBox { .. } => {}
        }
    }
}

fn draw_box(surface: &mut Surface, top: f32, height: f32) {
    let Some(rect) = Rect::from_xywh(MARGIN, top, TEXT_WIDTH, height) else {
        return;
    };
    let mut path = PathBuilder::new();
    path.push_rect(rect);
    let Some(path) = path.finish() else {
        return;
    };
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
        ArtifactType::Layout,
    )));
    surface.set_stroke(Some(Stroke {
        width: 0.5,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
    surface.end_tagged();
}

fn draw_footer(surface: &mut Surface, face: &Face, text: &str) {
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
        ArtifactType::Footer,
    )));
    surface.draw_text(
        Point::from_xy(MARGIN, FOOTER_BASELINE),
        face.font.clone(),
        FOOTER_SIZE,
        text,
        false,
        TextDirection::Auto,
    );
    surface.end_tagged();
}

/// The bookmarks: each H1, with the H2s that follow it inside.
fn outline(layout: &Layout) -> Outline {
    let mut outline = Outline::new();
    let mut open: Option<OutlineNode> = None;
    for placed in &layout.placed {
        let Placed::Text { kind, text, lines } = placed else {
            continue;
        };
        let Some(first) = lines.first() else {
            continue;
        };
        let top = Point::from_xy(MARGIN, first.baseline - kind.leading());
        let node = OutlineNode::new(one_line(text), XyzDestination::new(first.page, top));
        match (kind, open.as_mut()) {
            (Kind::H1, _) => {
                if let Some(done) = open.replace(node) {
                    outline.push_child(done);
                }
            }
            (Kind::H2, Some(parent)) => parent.push_child(node),
            (Kind::H2, None) => outline.push_child(node),
            _ => {}
        }
    }
    if let Some(done) = open {
        outline.push_child(done);
    }
    outline
}

#[cfg(test)]
mod tests;
