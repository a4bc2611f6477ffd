//! Deflated frames for browsers that can inflate them (`DecompressionStream('deflate-raw')`):
//! the host's side makes them, `assets/web/app.js` (`inflate`, `unzipFrame`) and [`Inflater`]
//! (the benchmark's and the tests' players) read them.
//!
//! A binary frame starts with its kind:
//! - `0`: the rest is one frame, deflated on its own (a whole screen, or a link that joined a
//!   stream late);
//! - `2`, index: the first frame of a new stream (fresh deflate state);
//! - `1`, index: the next frame of the stream the link follows, deflated with all the frames
//!   before it as context (with a sync flush, so each frame inflates as it comes).
//!
//! A stream is shared by every link that sees the same screens (one role, one language), so it
//! is deflated once for all of them; what repeats between frames (the names of the fields, the
//! card's words in the outcome) costs almost nothing after its first time. The index (modulo
//! 256) lets a page notice a frame it missed: it then asks for the whole screen.

use std::sync::Arc;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

const ALONE: u8 = 0;
const CONTINUES: u8 = 1;
pub(crate) const STARTS: u8 = 2;

/// Frames shorter than this go as text even to a page that inflates: deflate gains little on
/// them, and inflating costs the page more than the bytes.
const ZIP_FROM: usize = 160;

/// A stream starts afresh after this many frames, so its state never grows stale and links
/// that joined meanwhile can follow it from its start.
const STREAM_FRAMES: u32 = 64;

/// `text` deflated on its own, behind its kind byte; `None` when that is not shorter.
pub fn alone(text: &str) -> Option<Arc<[u8]>> {
    if text.len() < ZIP_FROM {
        return None;
    }
    let mut z = Compress::new(Compression::default(), false);
    let mut out = vec![ALONE];
    deflate(&mut z, text.as_bytes(), &mut out, FlushCompress::Finish);
    (out.len() < text.len()).then(|| Arc::from(out))
}

/// One role's stream of differences in one language.
pub(crate) struct Stream {
    z: Compress,
    /// Which stream this is: a link follows one by this number.
    pub epoch: u32,
    next: u8,
    frames: u32,
    /// A page that could follow a stream got a frame alone: start the next stream soon.
    pub waiting: bool,
}

impl Stream {
    pub fn new(epoch: u32) -> Stream {
        Stream {
            z: Compress::new(Compression::default(), false),
            epoch,
            next: 0,
            frames: 0,
            waiting: false,
        }
    }

    /// Whether the next frame should start a new stream instead: this one is long, or pages
    /// are waiting to join and it has run a while.
    pub(crate) fn worn(&self) -> bool {
        self.frames >= STREAM_FRAMES || (self.waiting && self.frames >= STREAM_FRAMES / 8)
    }

    /// The next frame of this stream.
    pub fn frame(&mut self, text: &str) -> Arc<[u8]> {
        let mut out = vec![if self.frames == 0 { STARTS } else { CONTINUES }, self.next];
        let mut line = String::with_capacity(text.len() + 1);
        line.push_str(text);
        // Frames end with a newline (JSON has none of its own): the page cuts the inflated
        // stream into frames there.
        line.push('\n');
        deflate(&mut self.z, line.as_bytes(), &mut out, FlushCompress::Sync);
        self.next = self.next.wrapping_add(1);
        self.frames += 1;
        Arc::from(out)
    }
}

/// Deflates all of `input` onto `out`, flushed as `flush` says.
fn deflate(z: &mut Compress, input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    let start = z.total_in();
    // Each round takes input or writes output; a frame never needs more than a few.
    for _ in 0..64 {
        out.reserve(input.len() / 2 + 256);
        let taken = (z.total_in() - start) as usize;
        let status = z.compress_vec(&input[taken..], out, flush);
        let all_in = (z.total_in() - start) as usize == input.len();
        match status {
            Ok(Status::StreamEnd) | Err(_) => return,
            // Output stopped short of the space it had: everything is flushed.
            Ok(_) if all_in && out.len() < out.capacity() && flush != FlushCompress::Finish => {
                return;
            }
            Ok(_) => {}
        }
    }
}

/// Why a binary frame could not be read: the page (or player) asks for the whole screen.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unzip {
    #[error("a frame of a stream was missed")]
    Gap,
    #[error("the frame does not inflate")]
    Broken,
}

/// A player's side: reads binary frames in the order they came.
#[derive(Default)]
pub struct Inflater {
    stream: Option<(Decompress, u8)>,
}

impl Inflater {
    pub fn read(&mut self, frame: &[u8]) -> Result<String, Unzip> {
        match frame {
            [ALONE, rest @ ..] => {
                // Not `Finish`: miniz inflates a finishing call in one go, into the space given.
                let mut d = Decompress::new(false);
                let text = inflate(&mut d, rest, FlushDecompress::None)?;
                String::from_utf8(text).map_err(|_| Unzip::Broken)
            }
            [kind @ (STARTS | CONTINUES), index, rest @ ..] => {
                if *kind == STARTS {
                    self.stream = Some((Decompress::new(false), *index));
                }
                let Some((d, next)) = self.stream.as_mut() else {
                    return Err(Unzip::Gap);
                };
                if *next != *index {
                    self.stream = None;
                    return Err(Unzip::Gap);
                }
                *next = next.wrapping_add(1);
                let mut text = inflate(d, rest, FlushDecompress::Sync)?;
                if text.pop() != Some(b'\n') {
                    self.stream = None;
                    return Err(Unzip::Broken);
                }
                String::from_utf8(text).map_err(|_| Unzip::Broken)
            }
            _ => Err(Unzip::Broken),
        }
    }
}

fn inflate(d: &mut Decompress, input: &[u8], flush: FlushDecompress) -> Result<Vec<u8>, Unzip> {
    let start = d.total_in();
    let mut out = Vec::with_capacity(input.len() * 4 + 256);
    // The host's largest message inflates within this; more is not a frame of ours.
    while out.len() < 64 << 20 {
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.len().max(1024));
        }
        let (was_in, was_out) = (d.total_in(), out.len());
        let taken = (was_in - start) as usize;
        let status = d
            .decompress_vec(&input[taken..], &mut out, flush)
            .map_err(|_| Unzip::Broken)?;
        let all_in = (d.total_in() - start) as usize == input.len();
        let drained = all_in && out.len() < out.capacity();
        match (status, flush) {
            (Status::StreamEnd, _) => return Ok(out),
            // A frame alone ends its deflate stream; ending short of that is a cut frame.
            (_, FlushDecompress::None) if drained => return Err(Unzip::Broken),
            (_, _) if drained => return Ok(out),
            _ => {}
        }
        if d.total_in() == was_in && out.len() == was_out {
            return Err(Unzip::Broken);
        }
    }
    Err(Unzip::Broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_inflates_frame_by_frame_and_a_missed_frame_is_noticed() {
        let frames: Vec<String> = (0..200)
            .map(|i| {
                format!(
                    r#"{{"t":"patch","base":{i},"seq":{},"changes":[{{"Phase":"Resolved"}},{{"Decided":{{"keep":{i},"add":[{{"round":{i},"outcome":{{"nl":"De zoon doet voortaan op zaterdag de boodschappen.","en":""}}}}]}}}}]}}"#,
                    i + 1
                )
            })
            .collect();
        let mut epoch = 0;
        let mut stream = Stream::new(epoch);
        let mut page = Inflater::default();
        let (mut sent, mut raw) = (0, 0);
        for f in &frames {
            if stream.worn() {
                epoch += 1;
                stream = Stream::new(epoch);
            }
            let z = stream.frame(f);
            sent += z.len();
            raw += f.len();
            assert_eq!(page.read(&z).as_deref(), Ok(f.as_str()));
        }
        assert!(sent * 4 < raw, "{sent} bytes for {raw}");
        // A page that misses a frame says so, and reads again from the next stream's start.
        let _lost = stream.frame(&frames[0]);
        assert_eq!(page.read(&stream.frame(&frames[1])), Err(Unzip::Gap));
        let mut fresh = Stream::new(epoch + 1);
        assert_eq!(
            page.read(&fresh.frame(&frames[2])).as_deref(),
            Ok(frames[2].as_str())
        );
        // A long screen alone (it inflates to many times the space first given), a cut one,
        // and junk.
        let long: String = (0..2_000)
            .map(|i| format!("{{\"seat\":{i},\"name\":\"speler-{i}\"}},"))
            .collect();
        let z = alone(&long).unwrap();
        assert!(z.len() * 4 < long.len());
        assert_eq!(Inflater::default().read(&z).as_deref(), Ok(long.as_str()));
        assert!(Inflater::default().read(&z[..z.len() / 2]).is_err());
        let alone = alone(&frames[3]).unwrap();
        assert_eq!(
            Inflater::default().read(&alone).as_deref(),
            Ok(frames[3].as_str())
        );
        assert_eq!(page.read(&[7, 1, 2]), Err(Unzip::Broken));
        assert_eq!(page.read(&[]), Err(Unzip::Broken));
        assert!(
            Inflater::default()
                .read(&[ALONE, 0xff, 0xff, 0xff])
                .is_err()
        );
    }
}
