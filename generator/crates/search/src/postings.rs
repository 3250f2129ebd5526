//! The pages of the words of an index, kept encoded as Pagefind encodes them: batches' lists of
//! pages are appended into the merged index's without being decoded, and written as they are.

use crate::error::{Error, Result};
use crate::format::PackedPage;

/// A word with its pages and its forms with diacritics, with theirs.
pub(crate) type BatchWord = (String, Segment, Vec<(String, Segment)>);

/// The pages of a word (or of one of its forms) in one batch, as the batch's index encodes them:
/// each page a CBOR item, its number the difference from the page before, the first one's from 0.
pub(crate) struct Segment {
    pub bytes: Vec<u8>,
    pub count: u64,
    /// The batch's numbers of the first and last page.
    pub first: u32,
    pub last: u32,
    /// Pagefind's measure of a chunk's size: locations, metadata locations and one per page.
    pub size: usize,
}

/// Pages of a word (or of one of its forms) in the merged index, as they will be written. Kept
/// encoded, a location takes a byte or two instead of the four of a number and the allocations
/// of a list per page.
#[derive(Default)]
pub(crate) struct Postings {
    pub bytes: Vec<u8>,
    pub count: u64,
    pub last_page: u32,
    pub size: usize,
}

impl Postings {
    /// Appends a batch's pages, which come after those already here; the batch's first page is
    /// `offset` in the merged numbering. `field_ids` renumbers metadata fields, when the batch
    /// numbers them otherwise than the merged index.
    pub fn append(
        &mut self,
        segment: &Segment,
        offset: u32,
        field_ids: Option<&[i32]>,
    ) -> Result<()> {
        if segment.count == 0 {
            return Ok(());
        }
        let renumbered;
        let segment = match field_ids {
            Some(ids) => {
                renumbered = renumber_fields(segment, ids)?;
                &renumbered
            }
            None => segment,
        };
        let mut d = minicbor::Decoder::new(&segment.bytes);
        let mut first: PackedPage = d.decode().map_err(|e| Error::format(e.to_string()))?;
        first.page_number = offset + segment.first - self.last_page;
        minicbor::encode(&first, &mut self.bytes).expect("encoding to memory");
        self.bytes.extend_from_slice(&segment.bytes[d.position()..]);
        self.count += segment.count;
        self.size += segment.size;
        self.last_page = offset + segment.last;
        Ok(())
    }

    /// Writes the pages as a CBOR array.
    pub fn write(&self, e: &mut minicbor::Encoder<Vec<u8>>) {
        e.array(self.count).expect("encoding to memory");
        e.writer_mut().extend_from_slice(&self.bytes);
    }
}

/// The segment with its metadata field markers (negative numbers) renumbered.
fn renumber_fields(segment: &Segment, field_ids: &[i32]) -> Result<Segment> {
    let mut d = minicbor::Decoder::new(&segment.bytes);
    let mut bytes = Vec::with_capacity(segment.bytes.len());
    for _ in 0..segment.count {
        let mut page: PackedPage = d.decode().map_err(|e| Error::format(e.to_string()))?;
        for loc in &mut page.meta_locs {
            if *loc < 0 {
                *loc = -(field_ids[(-*loc - 1) as usize] + 1);
            }
        }
        minicbor::encode(&page, &mut bytes).expect("encoding to memory");
    }
    Ok(Segment {
        bytes,
        count: segment.count,
        first: segment.first,
        last: segment.last,
        size: segment.size,
    })
}

/// A word of the merged index: its pages, and its forms with diacritics in order of appearance.
#[derive(Default)]
pub(crate) struct Word {
    pub pages: Postings,
    pub variants: Vec<(String, Postings)>,
}

impl Word {
    pub fn size(&self) -> usize {
        self.pages.size + self.variants.iter().map(|(_, p)| p.size + 1).sum::<usize>()
    }
}

impl Segment {
    /// Pages in order (numbers of the batch), encoded as a batch's word index encodes them.
    pub fn from_pages(pages: &[PackedPage]) -> Segment {
        let mut bytes = Vec::new();
        let mut last = 0;
        let mut size = 0;
        for page in pages {
            let delta = PackedPage {
                page_number: page.page_number - last,
                locs: page.locs.clone(),
                meta_locs: page.meta_locs.clone(),
            };
            last = page.page_number;
            size += page.locs.len() + page.meta_locs.len() + 1;
            minicbor::encode(&delta, &mut bytes).expect("encoding to memory");
        }
        Segment {
            bytes,
            count: pages.len() as u64,
            first: pages.first().map_or(0, |p| p.page_number),
            last,
            size,
        }
    }
}

/// The words of a word index file, their pages left encoded.
pub(crate) fn read_words(
    raw: &[u8],
    words: &mut Vec<BatchWord>,
) -> std::result::Result<(), minicbor::decode::Error> {
    let mut d = minicbor::Decoder::new(raw);
    d.array()?;
    for _ in 0..definite(d.array()?)? {
        d.array()?;
        let word = d.str()?.to_string();
        let pages = read_segment(&mut d, raw)?;
        let count = definite(d.array()?)?;
        let mut variants = Vec::with_capacity(count as usize);
        for _ in 0..count {
            d.array()?;
            let form = d.str()?.to_string();
            variants.push((form, read_segment(&mut d, raw)?));
        }
        words.push((word, pages, variants));
    }
    Ok(())
}

/// A list of pages, from the decoder's position, as a segment of the bytes it is encoded in.
fn read_segment(
    d: &mut minicbor::Decoder<'_>,
    raw: &[u8],
) -> std::result::Result<Segment, minicbor::decode::Error> {
    let count = definite(d.array()?)?;
    let start = d.position();
    let (mut first, mut last, mut size) = (0, 0, 0);
    for i in 0..count {
        d.array()?;
        last += d.u32()?;
        if i == 0 {
            first = last;
        }
        for _ in 0..2 {
            let locs = definite(d.array()?)?;
            size += locs as usize;
            for _ in 0..locs {
                d.skip()?;
            }
        }
        size += 1;
    }
    Ok(Segment {
        bytes: raw[start..d.position()].to_vec(),
        count,
        first,
        last,
        size,
    })
}

fn definite(len: Option<u64>) -> std::result::Result<u64, minicbor::decode::Error> {
    len.ok_or_else(|| minicbor::decode::Error::message("lista di lunghezza indefinita"))
}

/// A word index file's content: what `WordIndex` encodes to, from the words' encoded pages.
pub(crate) fn encode_chunk(chunk: &[(String, Word)]) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    let fail = "encoding to memory";
    e.array(1)
        .expect(fail)
        .array(chunk.len() as u64)
        .expect(fail);
    for (text, word) in chunk {
        e.array(3).expect(fail).str(text).expect(fail);
        word.pages.write(&mut e);
        e.array(word.variants.len() as u64).expect(fail);
        for (form, pages) in &word.variants {
            e.array(2).expect(fail).str(form).expect(fail);
            pages.write(&mut e);
        }
    }
    e.into_writer()
}
