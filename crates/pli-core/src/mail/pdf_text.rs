//! The text layer of PDF attachments, for the search index, read by `pdf-extract` in a helper
//! process with limits.
//!
//! A PDF is a program as much as a document: a compression bomb inflates a few megabytes into
//! gigabytes, a damaged cross-reference table can make a parser loop, and a parser can panic.
//! None of that can be bounded inside a thread (a thread cannot be stopped, nor its memory
//! capped), so the parser runs in a child process — the application's own binary started with
//! [`HELPER_FLAG`] — that caps its own memory (`RLIMIT_DATA`) and writes no core dump, and the
//! parent gives each file a time limit and kills the child past it. A file that fails any limit
//! is skipped with a [`Skip`] the store keeps beside the message; the next file gets a fresh
//! child. One child serves many files, so a copy of thousands of PDFs does not start thousands
//! of processes.
//!
//! Nothing here logs or writes the text anywhere but the pipe: it is health data.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The first argument that makes the application's binary a PDF helper (see [`run_helper`]).
pub const HELPER_FLAG: &str = "--pdf-text-helper";

/// How many times the time limit a file may take on the wall clock while the computer is busy.
const WALL_FACTOR: u32 = 6;

/// How long the parent waits for an answer before it looks at the helper's time again.
const ANSWER_WAIT: Duration = Duration::from_millis(250);

/// The CPU time (user + system) a process has used, in seconds (Linux's `/proc`).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index)?.parse::<f64>().ok();
    // utime and stime are the 14th and 15th fields; the name and the state come before.
    Some((ticks(11)? + ticks(12)?) / clock_ticks_per_second())
}

fn clock_ticks_per_second() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads a configuration value.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if ticks > 0 {
            return ticks as f64;
        }
    }
    100.0
}

/// What one PDF may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Larger files are not read.
    pub max_input: usize,
    /// CPU time of the helper for one file (and at most six times as long on the wall clock).
    pub time: Duration,
    /// Heap of the helper process, in bytes.
    pub memory: u64,
    /// Pages read; the text of later pages is not indexed.
    pub max_pages: usize,
    /// Text kept from one file, in bytes.
    pub max_text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input: 32 << 20,
            time: Duration::from_secs(10),
            memory: 512 << 20,
            max_pages: 500,
            max_text: 1 << 20,
        }
    }
}

/// Why a PDF's text is not (or not all) in the index. Said in the store's note, never quoting
/// the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skip {
    #[error("larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("took more than {seconds} s of computing")]
    TimeLimit { seconds: u64 },
    #[error("needed more than {megabytes} MiB of memory")]
    MemoryLimit { megabytes: u64 },
    #[error("protected by a password")]
    Encrypted,
    #[error("not a readable PDF")]
    Unreadable,
    #[error("the reader stopped on it")]
    Crashed,
    #[error("only the first {read} of {pages} pages were read")]
    TooManyPages { read: usize, pages: usize },
    #[error("no PDF reader is available")]
    NoHelper,
}

impl Skip {
    /// The form the store keeps (see [`Skip::from_code`]): words and numbers, no sentence, so
    /// each face says it in its language.
    pub fn code(&self) -> String {
        match self {
            Skip::TooLarge { limit } => format!("large {limit}"),
            Skip::TimeLimit { seconds } => format!("time {seconds}"),
            Skip::MemoryLimit { megabytes } => format!("memory {megabytes}"),
            Skip::Encrypted => "encrypted".into(),
            Skip::Unreadable => "unreadable".into(),
            Skip::Crashed => "crashed".into(),
            Skip::TooManyPages { read, pages } => format!("pages {read} {pages}"),
            Skip::NoHelper => "no-reader".into(),
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let mut words = code.split_whitespace();
        let kind = words.next()?;
        let mut number = || words.next()?.parse::<u64>().ok();
        Some(match kind {
            "large" => Skip::TooLarge {
                limit: number()? as usize,
            },
            "time" => Skip::TimeLimit { seconds: number()? },
            "memory" => Skip::MemoryLimit {
                megabytes: number()?,
            },
            "encrypted" => Skip::Encrypted,
            "unreadable" => Skip::Unreadable,
            "crashed" => Skip::Crashed,
            "pages" => Skip::TooManyPages {
                read: number()? as usize,
                pages: number()? as usize,
            },
            "no-reader" => Skip::NoHelper,
            _ => return None,
        })
    }
}

static HELPER_PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Names the program that reads PDFs: the application's binary, which calls [`run_helper`] when
/// started with [`HELPER_FLAG`]. Without it PDFs are not read (each is noted [`Skip::NoHelper`]).
pub fn use_helper_program(program: PathBuf) {
    let _ = HELPER_PROGRAM.set(program);
}

/// Reads the text of PDFs one after the other, in a helper process it starts when needed.
pub struct PdfReader {
    limits: Limits,
    helper: Option<Helper>,
}

struct Helper {
    child: Child,
    requests: ChildStdin,
    answers: mpsc::Receiver<std::io::Result<Answer>>,
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Default for PdfReader {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl std::fmt::Debug for PdfReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfReader")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The text of a PDF, and what was left out of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PdfText {
    pub text: String,
    pub skip: Option<Skip>,
}

impl PdfReader {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            helper: None,
        }
    }

    /// The text of one PDF, within the limits; never panics, never waits past the time limit.
    pub fn read(&mut self, pdf: &[u8]) -> PdfText {
        let skipped = |skip| PdfText {
            text: String::new(),
            skip: Some(skip),
        };
        if pdf.len() > self.limits.max_input {
            return skipped(Skip::TooLarge {
                limit: self.limits.max_input,
            });
        }
        let Some(program) = HELPER_PROGRAM.get() else {
            return skipped(Skip::NoHelper);
        };
        if self.helper.is_none() {
            match Helper::start(program, &self.limits) {
                Ok(helper) => self.helper = Some(helper),
                Err(_) => return skipped(Skip::NoHelper),
            }
        }
        let Some(helper) = self.helper.as_mut() else {
            return skipped(Skip::NoHelper);
        };
        let mut request = (pdf.len() as u32).to_le_bytes().to_vec();
        request.extend_from_slice(pdf);
        if helper.requests.write_all(&request).is_err() || helper.requests.flush().is_err() {
            return skipped(self.helper_died());
        }
        let started = Instant::now();
        // The helper's CPU time is first read when a file outlasts one wait, not for each file:
        // a copy reads thousands of small PDFs, each answered well within it. That first wait
        // counts as CPU time in full, so the limit never comes later than it says.
        let mut cpu_after_first_wait: Option<Option<f64>> = None;
        loop {
            match helper.answers.recv_timeout(ANSWER_WAIT) {
                Ok(Ok(answer)) => return answer.into_text(),
                Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return skipped(self.helper_died())
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // The limit is the helper's CPU time, so a busy computer does not skip a
                    // file it would read; the wall clock bounds the wait all the same.
                    let wall = started.elapsed();
                    let now = cpu_seconds(helper.child.id());
                    let cpu = match (*cpu_after_first_wait.get_or_insert(now), now) {
                        (Some(then), Some(now)) => {
                            ANSWER_WAIT + Duration::from_secs_f64(now - then)
                        }
                        _ => wall,
                    };
                    if cpu >= self.limits.time || wall >= self.limits.time * WALL_FACTOR {
                        // Dropping the helper kills it: the next file gets a fresh one.
                        self.helper = None;
                        return skipped(Skip::TimeLimit {
                            seconds: self.limits.time.as_secs(),
                        });
                    }
                }
            }
        }
    }

    /// The helper stopped answering: why, from how it ended.
    fn helper_died(&mut self) -> Skip {
        let Some(mut helper) = self.helper.take() else {
            return Skip::Crashed;
        };
        let status = helper.child.wait().ok();
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            // An allocation refused under RLIMIT_DATA aborts the helper.
            if status.and_then(|status| status.signal()) == Some(libc::SIGABRT) {
                return Skip::MemoryLimit {
                    megabytes: self.limits.memory >> 20,
                };
            }
        }
        let _ = status;
        Skip::Crashed
    }
}

impl Helper {
    fn start(program: &PathBuf, limits: &Limits) -> std::io::Result<Self> {
        let mut child = Command::new(program)
            .arg(HELPER_FLAG)
            .arg(limits.memory.to_string())
            .arg(limits.max_pages.to_string())
            .arg(limits.max_text.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let requests = child
            .stdin
            .take()
            .ok_or_else(|| std::io::Error::other("no stdin"))?;
        let mut output = std::io::BufReader::with_capacity(
            ANSWER_BUFFER,
            child
                .stdout
                .take()
                .ok_or_else(|| std::io::Error::other("no stdout"))?,
        );
        let (send, answers) = mpsc::channel();
        std::thread::Builder::new()
            .name("pdf-text".into())
            .spawn(move || loop {
                let answer = Answer::read_from(&mut output);
                let failed = answer.is_err();
                if send.send(answer).is_err() || failed {
                    return;
                }
            })?;
        Ok(Self {
            child,
            requests,
            answers,
        })
    }
}

/// What the helper says of one file: a status byte, the page count, the text.
#[derive(Debug)]
struct Answer {
    status: u8,
    pages: u32,
    read: u32,
    text: String,
}

/// Most answers fit in one pipe's worth: the head and the text cross in one write and one read.
const ANSWER_BUFFER: usize = 64 << 10;

const TEXT: u8 = 0;
const UNREADABLE: u8 = 1;
const ENCRYPTED: u8 = 2;
const PANICKED: u8 = 3;

impl Answer {
    fn read_from(input: &mut impl Read) -> std::io::Result<Self> {
        let mut head = [0u8; 13];
        input.read_exact(&mut head)?;
        let number =
            |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        let (pages, read, len) = (number(1), number(5), number(9) as usize);
        let mut text = vec![0; len];
        input.read_exact(&mut text)?;
        Ok(Self {
            status: head[0],
            pages,
            read,
            text: String::from_utf8_lossy(&text).into_owned(),
        })
    }

    fn write_to(&self, output: &mut impl Write) -> std::io::Result<()> {
        output.write_all(&[self.status])?;
        output.write_all(&self.pages.to_le_bytes())?;
        output.write_all(&self.read.to_le_bytes())?;
        output.write_all(&(self.text.len() as u32).to_le_bytes())?;
        output.write_all(self.text.as_bytes())?;
        output.flush()
    }

    fn into_text(self) -> PdfText {
        let skip = match self.status {
            TEXT if self.read < self.pages => Some(Skip::TooManyPages {
                read: self.read as usize,
                pages: self.pages as usize,
            }),
            TEXT => None,
            ENCRYPTED => Some(Skip::Encrypted),
            PANICKED => Some(Skip::Crashed),
            _ => Some(Skip::Unreadable),
        };
        PdfText {
            text: self.text,
            skip,
        }
    }
}

/// The helper's life, in the child process: caps its own memory and core dumps, then reads
/// PDFs from standard input and answers on standard output until the parent closes the pipe.
/// `arguments` are those after [`HELPER_FLAG`]. Returns the exit code.
pub fn run_helper(arguments: &[String]) -> i32 {
    let number = |index: usize, default: u64| {
        arguments
            .get(index)
            .and_then(|text| text.parse().ok())
            .unwrap_or(default)
    };
    let defaults = Limits::default();
    let memory = number(0, defaults.memory);
    let max_pages = number(1, defaults.max_pages as u64) as usize;
    let max_text = number(2, defaults.max_text as u64) as usize;
    limit_self(memory);
    // A panic's message could quote the file: nothing is printed.
    std::panic::set_hook(Box::new(|_| {}));
    let mut input = std::io::stdin().lock();
    // Standard output flushes at each line; an answer is one write, one wake of the parent.
    let mut output = std::io::BufWriter::with_capacity(ANSWER_BUFFER, std::io::stdout().lock());
    loop {
        let mut len = [0u8; 4];
        if input.read_exact(&mut len).is_err() {
            return 0;
        }
        let mut pdf = vec![0; u32::from_le_bytes(len) as usize];
        if input.read_exact(&mut pdf).is_err() {
            return 0;
        }
        let answer =
            std::panic::catch_unwind(|| extract(&pdf, max_pages, max_text)).unwrap_or(Answer {
                status: PANICKED,
                pages: 0,
                read: 0,
                text: String::new(),
            });
        if answer.write_to(&mut output).is_err() {
            return 0;
        }
    }
}

fn limit_self(memory: u64) {
    #[cfg(unix)]
    {
        let cap = |resource, value: u64| {
            let limit = libc::rlimit {
                rlim_cur: value as libc::rlim_t,
                rlim_max: value as libc::rlim_t,
            };
            // SAFETY: setrlimit only reads the struct passed by reference.
            unsafe { libc::setrlimit(resource, &limit) };
        };
        cap(libc::RLIMIT_DATA, memory);
        // A core dump would write the PDF being read (health data) to disk.
        cap(libc::RLIMIT_CORE, 0);
    }
    #[cfg(not(unix))]
    let _ = memory;
}

/// The text of the first `max_pages` pages, at most `max_text` bytes.
fn extract(pdf: &[u8], max_pages: usize, max_text: usize) -> Answer {
    let answer = |status, pages: usize, read: usize, text| Answer {
        status,
        pages: pages as u32,
        read: read as u32,
        text,
    };
    let mut document = match lopdf::Document::load_mem(pdf) {
        Ok(document) => document,
        Err(lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword) => {
            return answer(ENCRYPTED, 0, 0, String::new())
        }
        Err(_) => return answer(UNREADABLE, 0, 0, String::new()),
    };
    if document.is_encrypted() && document.decrypt("").is_err() {
        return answer(ENCRYPTED, 0, 0, String::new());
    }
    let pages: Vec<lopdf::ObjectId> = document.get_pages().values().copied().collect();
    let read = pages.len().min(max_pages);
    if pages.len() > max_pages && keep_first_pages(&mut document, &pages[..read]).is_err() {
        return answer(UNREADABLE, pages.len(), 0, String::new());
    }
    let mut text = String::new();
    // A page that cannot be read ends the reading; the text of the pages before it is kept.
    let _ = pdf_extract::output_doc(&document, &mut pdf_extract::PlainTextOutput::new(&mut text));
    if text.len() > max_text {
        let mut end = max_text;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    answer(TEXT, pages.len(), read, text)
}

/// Makes the document's page tree hold `kept` only (each page keeping what it inherited from
/// the tree), so the reader walks those pages and nothing more: pdf-extract's per-page entry
/// lists every page at each call, which costs the square of the page count.
fn keep_first_pages(
    document: &mut lopdf::Document,
    kept: &[lopdf::ObjectId],
) -> Result<(), lopdf::Error> {
    use lopdf::{Dictionary, Object};
    const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];
    let mut pages_of = Vec::with_capacity(kept.len());
    for page in kept {
        let mut dictionary = document.get_dictionary(*page)?.clone();
        for key in INHERITED {
            if dictionary.has(key) {
                continue;
            }
            // The tree is walked upwards a bounded number of steps: a cycle ends the walk.
            let mut parent = dictionary
                .get(b"Parent")
                .and_then(Object::as_reference)
                .ok();
            for _ in 0..64 {
                let Some(id) = parent else { break };
                let Ok(node) = document.get_dictionary(id) else {
                    break;
                };
                if let Ok(value) = node.get(key) {
                    dictionary.set(key, value.clone());
                    break;
                }
                parent = node.get(b"Parent").and_then(Object::as_reference).ok();
            }
        }
        pages_of.push((*page, dictionary));
    }
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"Pages".to_vec()));
    tree.set("Count", Object::Integer(kept.len() as i64));
    tree.set(
        "Kids",
        Object::Array(kept.iter().map(|id| Object::Reference(*id)).collect()),
    );
    let tree = document.add_object(tree);
    for (page, mut dictionary) in pages_of {
        dictionary.set("Parent", Object::Reference(tree));
        document
            .objects
            .insert(page, Object::Dictionary(dictionary));
    }
    document
        .catalog_mut()?
        .set("Pages", Object::Reference(tree));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELVETICA: &[u8] =
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

    /// A one-page PDF whose text layer says `words`.
    pub(crate) fn pdf_with_text(words: &str) -> Vec<u8> {
        let content = format!("BT /F1 12 Tf 72 712 Td ({words}) Tj ET");
        pdf_with_font(HELVETICA, content.as_bytes())
    }

    /// A one-page PDF drawing `content` with `font` as /F1 (bytes: a simple font's codes are
    /// not UTF-8).
    fn pdf_with_font(font: &[u8], content: &[u8]) -> Vec<u8> {
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"\nendstream");
        let objects: [&[u8]; 5] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            &stream,
            font,
        ];
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (index, object) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
            pdf.extend_from_slice(object);
            pdf.extend_from_slice(b"\nendobj\n");
        }
        let xref = pdf.len();
        pdf.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        pdf
    }

    #[test]
    fn the_text_layer_of_a_page_is_read_and_a_damaged_file_is_unreadable() {
        let answer = extract(&pdf_with_text("Scintigraphie osseuse normale"), 10, 1000);
        assert_eq!(answer.status, TEXT);
        assert!(
            answer.text.contains("Scintigraphie osseuse"),
            "{:?}",
            answer.text
        );
        let truncated = pdf_with_text("x");
        assert_eq!(extract(&truncated[..40], 10, 1000).status, UNREADABLE);
        assert_eq!(extract(b"not a pdf", 10, 1000).status, UNREADABLE);
    }

    /// The helper reads many documents in one process, and crates/pdf-extract keeps the
    /// standard fonts' tables from one to the next (PATCH.md): each document must still read
    /// as the published crate reads it alone. The expected texts are the published crate's.
    #[test]
    fn standard_fonts_read_one_after_another_keep_their_own_encoding_and_widths() {
        // "rendu" starts 0.2 pt after where Helvetica's widths end "Compte": no space. A font
        // that is not one of the standard 14 and has no widths measures nothing: a space.
        let two_words =
            b"BT /F1 12 Tf 60 700 Td (Compte) Tj ET BT /F1 12 Tf 103 700 Td (rendu) Tj ET";
        let arial =
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Arial /Encoding /WinAnsiEncoding >>";
        let differences = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [ 65 /eacute /egrave ] >> >>";
        let accents = b"BT /F1 12 Tf 60 700 Td (ABC d\xe9j\xe0) Tj ET";
        let documents: [(&[u8], &[u8], &str); 4] = [
            (HELVETICA, two_words, "Compterendu"),
            (arial, two_words, "Compte rendu"),
            (differences, accents, "\u{e9}\u{e8}C d\u{e9}j\u{e0}"),
            (HELVETICA, accents, "ABC d\u{e9}j\u{e0}"),
        ];
        for round in 0..2 {
            for (font, content, expected) in documents {
                let answer = extract(&pdf_with_font(font, content), 10, 1000);
                assert_eq!(answer.text.trim(), expected, "round {round}");
            }
        }
    }

    #[test]
    fn every_skip_survives_its_code() {
        for skip in [
            Skip::TooLarge { limit: 5 },
            Skip::TimeLimit { seconds: 10 },
            Skip::MemoryLimit { megabytes: 512 },
            Skip::Encrypted,
            Skip::Unreadable,
            Skip::Crashed,
            Skip::TooManyPages {
                read: 500,
                pages: 10_000,
            },
            Skip::NoHelper,
        ] {
            assert_eq!(Skip::from_code(&skip.code()), Some(skip));
        }
        assert_eq!(Skip::from_code("pages 5"), None);
    }

    #[test]
    fn answers_cross_the_pipe_whole() {
        let answer = Answer {
            status: TEXT,
            pages: 12,
            read: 5,
            text: "échographie".into(),
        };
        let mut bytes = Vec::new();
        answer.write_to(&mut bytes).unwrap();
        let back = Answer::read_from(&mut bytes.as_slice())
            .unwrap()
            .into_text();
        assert_eq!(back.text, "échographie");
        assert_eq!(back.skip, Some(Skip::TooManyPages { read: 5, pages: 12 }));
    }

    #[test]
    fn without_a_helper_or_past_the_size_limit_nothing_is_read() {
        let mut reader = PdfReader::new(Limits {
            max_input: 10,
            ..Limits::default()
        });
        assert_eq!(
            reader.read(&[0; 11]).skip,
            Some(Skip::TooLarge { limit: 10 })
        );
    }
}
