//! A YAML document → `Node`s with byte ranges, read safely and, for cassettes, one item at a
//! time.
//!
//! Events come from `saphyr-parser` (pure Rust, YAML 1.2, spans on every event); the tree is
//! built here so that nothing is ever constructed from a tag: `!!binary` and Ruby's older
//! `!binary` are base64 bytes, every other tag (`!ruby/object:…`, `!!python/object:…`) is
//! ignored and its value read as plain data. Every copy an alias or an anchor makes is drawn,
//! in bytes, from the file's expansion budget (`crate::budget`), so an alias bomb is an error,
//! not an exhausted memory, however its aliases are shaped; nesting stops at 128 levels, as
//! for JSON.
//! The items of the lists a caller names (`interactions`) are handed over one at a time and
//! then dropped, so a big cassette is never whole in memory as a tree. Never prints.

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine as _;
use saphyr_parser::{Event, Parser, ScalarStyle as Style, Span, StrInput, Tag};

use super::tree::{Node, Text, Value, Written};
use crate::body_map::ScalarStyle;
use crate::budget::Budget;

/// Deepest nesting read, as for JSON bodies.
pub const MAX_DEPTH: usize = 128;

/// A document that cannot be read, at a byte offset of the text.
#[derive(Debug)]
pub struct YamlError {
    pub offset: usize,
    pub message: String,
    /// An alias bomb or hostile nesting: reported whatever the file is.
    pub hostile: bool,
}

/// What the reader hands to its caller.
pub enum Part<'n, 'a> {
    /// Item `index` of the root sequence (`list` is `None`) or of the root member `list`.
    Item {
        list: Option<&'n str>,
        index: usize,
        node: &'n Node<'a>,
    },
    /// The root, once read; lists whose items were handed over are empty in it.
    Root(&'n Node<'a>),
}

/// Whether the caller took an item (it is then dropped), or wants its list kept whole in the
/// root instead (no format recognised its first item).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Yes,
    KeepList,
}

/// Reads the first document of `source`. Items of the root sequence (when `lists` holds "")
/// or of the root members named in `lists` go to `visit` one at a time; then the root does.
/// Copies made for aliases and anchors are drawn from `budget`.
pub fn read<'a>(
    source: &'a str,
    lists: &[&str],
    budget: &Budget,
    visit: &mut dyn FnMut(Part<'_, 'a>) -> Taken,
) -> Result<(), YamlError> {
    let mut reader = Reader {
        source,
        parser: Parser::new_from_str(source),
        ascii: source.is_ascii(),
        cursor: (0, 0),
        anchors: HashMap::new(),
        budget,
    };
    // Stream and document start; an empty file is an empty document.
    loop {
        match reader.next()? {
            (Event::StreamStart | Event::DocumentStart(_), _) => continue,
            (Event::StreamEnd, span) => {
                let offset = reader.offset(span.start.index());
                let root = Node {
                    start: offset,
                    end: offset,
                    value: Value::Null,
                };
                visit(Part::Root(&root));
                return Ok(());
            }
            (event, span) => {
                let root = reader.root(event, span, lists, visit)?;
                visit(Part::Root(&root));
                return Ok(());
            }
        }
    }
}

struct Reader<'a, 'b> {
    source: &'a str,
    parser: Parser<'a, StrInput<'a>>,
    /// An ASCII text has as many bytes as characters: no conversion needed.
    ascii: bool,
    /// The last (character index, byte offset) converted, to convert the next one from there.
    cursor: (usize, usize),
    /// Each anchored value, with the bytes a copy of it costs.
    anchors: HashMap<usize, (Node<'a>, usize)>,
    budget: &'b Budget,
}

impl<'a> Reader<'a, '_> {
    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(error)) => {
                let offset = self.offset(error.marker().index());
                Err(YamlError {
                    hostile: false,
                    offset,
                    message: format!("the file is not valid YAML: {}", error.info()),
                })
            }
            None => Err(YamlError {
                hostile: false,
                offset: self.source.len(),
                message: "the file is not valid YAML: it ends too early".into(),
            }),
        }
    }

    /// The byte offset of a character index (the parser counts characters).
    fn offset(&mut self, chars: usize) -> usize {
        if self.ascii {
            return chars.min(self.source.len());
        }
        let (mut c, mut b) = self.cursor;
        let bytes = self.source.as_bytes();
        while c < chars && b < bytes.len() {
            b += 1;
            while b < bytes.len() && (bytes[b] as i8) < -64 {
                b += 1;
            }
            c += 1;
        }
        while c > chars && b > 0 {
            b -= 1;
            while b > 0 && (bytes[b] as i8) < -64 {
                b -= 1;
            }
            c -= 1;
        }
        self.cursor = (c, b);
        b
    }

    fn root(
        &mut self,
        event: Event<'a>,
        span: Span,
        lists: &[&str],
        visit: &mut dyn FnMut(Part<'_, 'a>) -> Taken,
    ) -> Result<Node<'a>, YamlError> {
        let start = self.offset(span.start.index());
        match event {
            Event::SequenceStart(0, _) if lists.contains(&"") => {
                let items = self.items(None, visit)?;
                Ok(Node {
                    start,
                    end: start,
                    value: Value::Seq(items),
                })
            }
            Event::MappingStart(0, _) => {
                let mut members = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(event, span, 1)?;
                    let key = key_text(&key);
                    let (event, span) = self.next()?;
                    let streamed = lists.contains(&key.as_ref())
                        && matches!(event, Event::SequenceStart(0, _));
                    let value = if streamed {
                        let start = self.offset(span.start.index());
                        let items = self.items(Some(&key), visit)?;
                        Node {
                            start,
                            end: start,
                            value: Value::Seq(items),
                        }
                    } else {
                        self.node(event, span, 1)?
                    };
                    members.push((key, value));
                }
                Ok(Node {
                    start,
                    end: start,
                    value: Value::Map(members),
                })
            }
            event => self.node(event, span, 0),
        }
    }

    /// The items of a streamed list: handed to `visit`, or kept when it asks.
    fn items(
        &mut self,
        list: Option<&str>,
        visit: &mut dyn FnMut(Part<'_, 'a>) -> Taken,
    ) -> Result<Vec<Node<'a>>, YamlError> {
        let mut kept = Vec::new();
        let mut keep = false;
        let mut index = 0;
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::SequenceEnd) {
                return Ok(kept);
            }
            let node = self.node(event, span, 1)?;
            if !keep {
                keep = visit(Part::Item {
                    list,
                    index,
                    node: &node,
                }) == Taken::KeepList;
            }
            if keep {
                kept.push(node);
            }
            index += 1;
        }
    }

    /// One value starting with `event`, at nesting `depth`.
    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node<'a>, YamlError> {
        let start = self.offset(span.start.index());
        if depth > MAX_DEPTH {
            return Err(YamlError {
                hostile: true,
                offset: start,
                message: format!(
                    "the file is nested more than {MAX_DEPTH} levels deep (errlint reads no deeper)"
                ),
            });
        }
        let (node, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let end = self.offset(span.end.index());
                (
                    self.scalar(value, style, tag.as_deref(), start, end)?,
                    anchor,
                )
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, span, depth + 1)?);
                }
                let node = Node {
                    start,
                    end: start,
                    value: Value::Seq(items),
                };
                (node, anchor)
            }
            Event::MappingStart(anchor, _) => {
                let mut members = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(event, span, depth + 1)?;
                    let (event, span) = self.next()?;
                    let value = self.node(event, span, depth + 1)?;
                    members.push((key_text(&key), value));
                }
                let node = Node {
                    start,
                    end: start,
                    value: Value::Map(members),
                };
                (node, anchor)
            }
            Event::Alias(id) => {
                let Some((node, bytes)) = self.anchors.get(&id) else {
                    return Err(YamlError {
                        hostile: false,
                        offset: start,
                        message: "the file is not valid YAML: an alias names no anchor".into(),
                    });
                };
                if let Err(spent) = self.budget.draw(*bytes) {
                    return Err(alias_bomb(start, spent));
                }
                let mut node = node.clone();
                node.start = start;
                node.end = start;
                return Ok(node);
            }
            _ => {
                return Err(YamlError {
                    hostile: false,
                    offset: start,
                    message: "the file is not valid YAML: unexpected event".into(),
                });
            }
        };
        if anchor != 0 {
            // The anchor keeps a copy; nested anchors would otherwise copy a subtree once per
            // level.
            let bytes = node.copy_bytes();
            if let Err(spent) = self.budget.draw(bytes) {
                return Err(alias_bomb(start, spent));
            }
            self.anchors.insert(anchor, (node.clone(), bytes));
        }
        Ok(node)
    }

    fn scalar(
        &mut self,
        value: Cow<'a, str>,
        style: Style,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) -> Result<Node<'a>, YamlError> {
        let binary = tag.is_some_and(|t| {
            t.suffix == "binary" && (t.handle == "!" || t.is_yaml_core_schema() || t.handle == "!!")
        });
        // A span starts at the scalar's tag or anchor when it has one, else at its quote or
        // (for a block scalar) at its first character of content.
        let bytes = self.source.as_bytes();
        let written = bytes.get(start..end.max(start)).unwrap_or_default();
        let decorated = matches!(written.first(), Some(b'!' | b'&' | b'|' | b'>'));
        let (style, content_start) = match style {
            Style::Plain => (ScalarStyle::Plain, start),
            Style::SingleQuoted | Style::DoubleQuoted => {
                let quote = if matches!(style, Style::SingleQuoted) {
                    b'\''
                } else {
                    b'"'
                };
                let at = written
                    .iter()
                    .position(|&b| b == quote)
                    .map_or(start, |i| start + i + 1);
                let style = if quote == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                (style, at)
            }
            Style::Literal | Style::Folded => {
                let content = if decorated {
                    // After the header line, and the first line's indentation.
                    let line = written
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(end, |i| start + i + 1);
                    line + bytes
                        .get(line..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|&&b| b == b' ')
                        .count()
                } else {
                    start
                };
                let style = if matches!(style, Style::Literal) {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                };
                (style, content)
            }
        };
        if binary {
            let compact: Vec<u8> = value.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&compact) else {
                return Err(YamlError {
                    hostile: false,
                    offset: start,
                    message: "a !!binary value is not valid base64".into(),
                });
            };
            return Ok(Node {
                start: content_start,
                end,
                value: Value::Text(Text {
                    bytes: Cow::Owned(bytes),
                    written: Written::Binary,
                }),
            });
        }
        let value = if style == ScalarStyle::Plain && tag.is_none() {
            resolve_plain(value)
        } else {
            Value::Text(Text {
                bytes: match value {
                    Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                    Cow::Owned(s) => Cow::Owned(s.into_bytes()),
                },
                written: Written::Yaml(style),
            })
        };
        Ok(Node {
            start: content_start,
            end,
            value,
        })
    }
}

/// A plain scalar by the YAML 1.2 core schema: null, booleans, numbers, else text.
fn resolve_plain(value: Cow<'_, str>) -> Value<'_> {
    match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let numeric = value
        .starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
        && (value.parse::<i64>().is_ok()
            || (value.bytes().any(|b| b.is_ascii_digit()) && value.parse::<f64>().is_ok()));
    if numeric {
        return Value::Number(value);
    }
    Value::Text(Text {
        bytes: match value {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        },
        written: Written::Yaml(ScalarStyle::Plain),
    })
}

/// A key as text (a mapping or list used as a key reads as its JSON).
fn key_text<'a>(key: &Node<'a>) -> Cow<'a, str> {
    match &key.value {
        Value::Text(text) => match &text.bytes {
            Cow::Borrowed(b) => String::from_utf8_lossy(b),
            Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
        },
        Value::Number(n) => n.clone(),
        Value::Null => Cow::Borrowed("null"),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        _ => Cow::Owned(key.to_json().to_string()),
    }
}

fn alias_bomb(offset: usize, spent: crate::budget::Exhausted) -> YamlError {
    YamlError {
        hostile: true,
        offset,
        message: format!("aliases are not read: {spent} (an alias bomb?)"),
    }
}

/// Reads a whole document into one tree (small files and descriptions).
pub fn parse<'a>(source: &'a str, budget: &Budget) -> Result<Node<'a>, YamlError> {
    let mut root = None;
    read(source, &[], budget, &mut |part| {
        if let Part::Root(node) = part {
            root = Some(node.clone());
        }
        Taken::Yes
    })?;
    Ok(root.unwrap_or(Node {
        start: 0,
        end: 0,
        value: Value::Null,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(node: &Node<'_>) -> String {
        node.as_text().unwrap().into_owned()
    }

    #[test]
    fn values_tags_and_ranges() {
        let src = "a: 200\nb: '200'\nc: !ruby/object:Foo\n  x: 1\nd: !!binary |\n  aGVsbG8=\ne: !binary aGk=\nf: !!python/unicode \"u\"\n";
        let root = parse(src, &Budget::default()).unwrap();
        assert_eq!(root.get("a").unwrap().as_number(), Some(200));
        assert_eq!(root.get("b").unwrap().as_number(), None);
        assert_eq!(root.get("b").unwrap().as_int(), Some(200));
        assert_eq!(root.path(&["c", "x"]).unwrap().as_int(), Some(1));
        assert_eq!(text(root.get("d").unwrap()), "hello");
        assert_eq!(text(root.get("e").unwrap()), "hi");
        assert_eq!(text(root.get("f").unwrap()), "u");
        let b = root.get("b").unwrap();
        assert_eq!(&src[b.start..b.start + 3], "200");
    }

    #[test]
    fn alias_bombs_and_depth_are_errors() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            bomb.push_str(&format!(
                "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let error = parse(&bomb, &Budget::default()).unwrap_err();
        assert!(error.message.contains("alias bomb"), "{}", error.message);
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(
            parse(&deep, &Budget::default())
                .unwrap_err()
                .message
                .contains("128 levels")
        );
        let ok = "a: &x {k: 1}\nb: *x\n";
        assert_eq!(
            parse(ok, &Budget::default())
                .unwrap()
                .path(&["b", "k"])
                .unwrap()
                .as_int(),
            Some(1)
        );
    }

    #[test]
    fn aliases_are_counted_in_bytes_not_values() {
        // Few values, each a copy of one long scalar: the value count is small, the bytes not.
        let long = "x".repeat(100_000);
        let wide =
            |aliases: usize| format!("a: &a '{long}'\nb: [{}]\n", vec!["*a"; aliases].join(", "));
        let budget = Budget::new(64 << 20);
        assert!(parse(&wide(100), &budget).is_ok());
        // The hundred copies were drawn: about ten megabytes.
        assert!(budget.spent() >= 100 * 100_000, "{}", budget.spent());
        let error = parse(&wide(1_000), &Budget::new(64 << 20)).unwrap_err();
        assert!(error.hostile);
        assert!(error.message.contains("64 MiB"), "{}", error.message);
        // Nested anchors copy their subtree once per level; that is drawn too.
        let mut nested = String::new();
        for level in 0..100 {
            nested.push_str(&format!("{}- &n{level}\n", "  ".repeat(level)));
        }
        nested.push_str(&format!("{}- '{long}'\n", "  ".repeat(100)));
        let budget = Budget::new(1 << 20);
        assert!(parse(&nested, &budget).unwrap_err().hostile);
    }

    #[test]
    fn items_are_streamed() {
        let src = "interactions:\n- {n: 1}\n- {n: 2}\nversion: 1\n";
        let mut seen = Vec::new();
        read(src, &["interactions"], &Budget::default(), &mut |part| {
            match part {
                Part::Item { node, .. } => seen.push(node.get("n").unwrap().as_int()),
                Part::Root(root) => {
                    assert_eq!(root.get("version").unwrap().as_int(), Some(1));
                    assert_eq!(root.get("interactions").unwrap().items().unwrap().len(), 0);
                }
            }
            Taken::Yes
        })
        .unwrap();
        assert_eq!(seen, [Some(1), Some(2)]);
    }
}
