//! Request paths → path templates: a segment tree built once from the description's `paths`,
//! so a lookup costs the depth of the path, not the number of operations.
//!
//! At each segment a literal child is tried first, then segments that mix text and a
//! parameter (`{name}.json`, `{id}:cancel`), then a whole-segment parameter; a failed branch
//! falls back to the next, so `/users/me` wins over `/users/{id}` as OpenAPI requires
//! ("concrete paths are matched before templated ones", OpenAPI 3.1 §4.8.8.2). Segments are
//! compared percent-decoded, and an empty last segment (a trailing slash) is ignored, as
//! servers route. Never reads files or prints.

use std::borrow::Cow;

/// Literal segment → child. A lookup runs for every segment of every response's path: a
/// few children are compared in turn, many are hashed (foldhash rather than the standard
/// SipHash, as the keys are short).
enum Children {
    Few(Vec<(String, Node)>),
    Many(foldhash::HashMap<String, Node>),
}

/// Up to this many children are compared in turn.
const FEW: usize = 8;

impl Default for Children {
    fn default() -> Self {
        Self::Few(Vec::new())
    }
}

impl Children {
    fn get(&self, segment: &str) -> Option<&Node> {
        match self {
            Self::Few(children) => children
                .iter()
                .find(|(text, _)| text == segment)
                .map(|(_, node)| node),
            Self::Many(children) => children.get(segment),
        }
    }

    /// The child for `text`, added if there is none.
    fn entry(&mut self, text: String) -> &mut Node {
        if let Self::Few(children) = self
            && children.len() >= FEW
            && !children.iter().any(|(t, _)| *t == text)
        {
            *self = Self::Many(std::mem::take(children).into_iter().collect());
        }
        match self {
            Self::Few(children) => {
                let at = match children.iter().position(|(t, _)| *t == text) {
                    Some(at) => at,
                    None => {
                        children.push((text, Node::default()));
                        children.len() - 1
                    }
                };
                &mut children[at].1
            }
            Self::Many(children) => children.entry(text).or_default(),
        }
    }
}

/// A path template that cannot be routed, e.g. `/orders/{id` (unbalanced braces).
#[derive(Debug, PartialEq)]
pub struct BadTemplate(pub String);

#[derive(Default)]
struct Node {
    literal: Children,
    /// Segments with text around a parameter: (text before, text after), in insertion order.
    mixed: Vec<((String, String), Node)>,
    param: Option<Box<Node>>,
    /// The path (its index) that ends here.
    target: Option<usize>,
}

/// The routing tree of one description.
#[derive(Default)]
pub struct Router {
    root: Node,
}

/// What one template segment is.
enum Segment {
    Literal(String),
    Mixed(String, String),
    Param,
}

impl Router {
    /// Adds a template; `target` is what a match returns. The first of two templates that
    /// route alike (`/a/{x}` and `/a/{y}`) is kept.
    pub fn insert(&mut self, template: &str, target: usize) -> Result<(), BadTemplate> {
        let mut node = &mut self.root;
        for segment in segments(template) {
            node = match parse_segment(segment)? {
                Segment::Literal(text) => node.literal.entry(text),
                Segment::Param => node.param.get_or_insert_with(Box::default),
                Segment::Mixed(before, after) => {
                    let key = (before, after);
                    match node.mixed.iter().position(|(k, _)| *k == key) {
                        Some(i) => &mut node.mixed[i].1,
                        None => {
                            node.mixed.push((key, Node::default()));
                            let last = node.mixed.len() - 1;
                            &mut node.mixed[last].1
                        }
                    }
                }
            };
        }
        node.target.get_or_insert(target);
        Ok(())
    }

    /// The target of the template that matches `path` (already without a base path).
    pub fn find(&self, path: &str) -> Option<usize> {
        // Most request paths need no percent-decoding: they are walked in place, a segment
        // at a time, as this runs for every response.
        if memchr::memchr(b'%', path.as_bytes()).is_none() {
            let path = path.strip_prefix('/').unwrap_or(path);
            let path = path.strip_suffix('/').unwrap_or(path);
            return find_plain(&self.root, (!path.is_empty()).then_some(path));
        }
        let decoded: Vec<Cow<'_, str>> = segments(path).map(decode_cow).collect();
        find_in(&self.root, &decoded)
    }
}

/// `find_in` for a path without escapes: `rest` holds the segments still to match, joined
/// by `/` (`None` when none are left; `Some("")` is one empty segment, as in `a//b`).
fn find_plain(node: &Node, rest: Option<&str>) -> Option<usize> {
    let Some(rest) = rest else {
        return node.target;
    };
    let (first, rest) = match memchr::memchr(b'/', rest.as_bytes()) {
        Some(slash) => (&rest[..slash], Some(&rest[slash + 1..])),
        None => (rest, None),
    };
    node.step(first, |child| find_plain(child, rest))
}

fn find_in(node: &Node, rest: &[Cow<'_, str>]) -> Option<usize> {
    let Some((first, rest)) = rest.split_first() else {
        return node.target;
    };
    node.step(first, |child| find_in(child, rest))
}

impl Node {
    /// Tries this node's children that accept `segment` — the literal, then the segments
    /// mixing text and a parameter, then the parameter — until `next` finds a target under one.
    fn step(&self, segment: &str, next: impl Fn(&Node) -> Option<usize>) -> Option<usize> {
        if let Some(found) = self.literal.get(segment).and_then(&next) {
            return Some(found);
        }
        for ((before, after), child) in &self.mixed {
            if segment.len() > before.len() + after.len()
                && segment.starts_with(before.as_str())
                && segment.ends_with(after.as_str())
                && let Some(found) = next(child)
            {
                return Some(found);
            }
        }
        if !segment.is_empty() {
            return self.param.as_deref().and_then(next);
        }
        None
    }
}

/// The segments of a path: split at `/`, without the leading empty one and a trailing
/// empty one (`/orders/` routes as `/orders`).
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    path.split('/').filter({
        let empty = path.is_empty();
        move |_| !empty
    })
}

fn parse_segment(segment: &str) -> Result<Segment, BadTemplate> {
    let opens = segment.matches('{').count();
    let closes = segment.matches('}').count();
    if opens != closes {
        return Err(BadTemplate(format!(
            "unbalanced braces in the segment {segment:?}"
        )));
    }
    if opens == 0 {
        return Ok(Segment::Literal(decode(segment)));
    }
    let (Some(open), Some(close)) = (segment.find('{'), segment.rfind('}')) else {
        return Err(BadTemplate(format!("bad segment {segment:?}")));
    };
    if close < open {
        return Err(BadTemplate(format!(
            "unbalanced braces in the segment {segment:?}"
        )));
    }
    let before = &segment[..open];
    let after = &segment[close + 1..];
    if before.is_empty() && after.is_empty() && opens == 1 {
        return Ok(Segment::Param);
    }
    // Several parameters in one segment (`{a}-{b}`) route as one: what surrounds them.
    Ok(Segment::Mixed(decode(before), decode(after)))
}

/// Percent-decodes a segment (RFC 3986 §2.1); an invalid escape stays as written.
fn decode(segment: &str) -> String {
    decode_cow(segment).into_owned()
}

fn decode_cow(segment: &str) -> Cow<'_, str> {
    if memchr::memchr(b'%', segment.as_bytes()).is_none() {
        return Cow::Borrowed(segment);
    }
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(templates: &[&str]) -> Router {
        let mut router = Router::default();
        for (i, t) in templates.iter().enumerate() {
            router.insert(t, i).unwrap();
        }
        router
    }

    #[test]
    fn a_literal_path_wins_over_a_template_in_either_order() {
        for templates in [["/users/{id}", "/users/me"], ["/users/me", "/users/{id}"]] {
            let r = router(&templates);
            let me = templates.iter().position(|t| *t == "/users/me");
            assert_eq!(r.find("/users/me"), me);
            assert_eq!(r.find("/users/42"), me.map(|i| 1 - i));
        }
    }

    #[test]
    fn a_failed_literal_branch_falls_back_to_the_template() {
        let r = router(&["/a/b/c", "/a/{x}/d"]);
        assert_eq!(r.find("/a/b/c"), Some(0));
        assert_eq!(r.find("/a/b/d"), Some(1));
        assert_eq!(r.find("/a/b/e"), None);
    }

    #[test]
    fn trailing_slashes_and_percent_encoding_route_as_servers_do() {
        let r = router(&["/", "/orders", "/files/{name}", "/tags/a b"]);
        assert_eq!(r.find("/"), Some(0));
        assert_eq!(r.find(""), Some(0));
        assert_eq!(r.find("/orders/"), Some(1));
        assert_eq!(r.find("/files/a%2Fb"), Some(2));
        assert_eq!(r.find("/tags/a%20b"), Some(3));
        assert_eq!(r.find("/orders/x"), None);
        assert_eq!(
            r.find("/files/"),
            None,
            "an empty parameter is no parameter"
        );
    }

    #[test]
    fn segments_mixing_text_and_parameters() {
        let r = router(&["/v1/{name}:cancel", "/v1/{name}", "/reports/{id}.json"]);
        assert_eq!(r.find("/v1/op_1:cancel"), Some(0));
        assert_eq!(r.find("/v1/op_1"), Some(1));
        assert_eq!(r.find("/reports/7.json"), Some(2));
        assert_eq!(r.find("/reports/7.xml"), None);
    }

    proptest::proptest! {
        /// Paths without escapes are walked in place; they must route exactly as their
        /// split segments do, empty segments and trailing slashes included.
        #[test]
        fn walking_in_place_routes_as_the_split_segments(path in "[ab/x:]{0,12}") {
            let r = router(&[
                "/", "/a", "/a/b", "/a//b", "/a/{x}", "/{x}/b", "/a/b{x}", "/{x}:x", "/b/",
                "/a/b/{x}/x",
            ]);
            let split: Vec<Cow<'_, str>> = segments(&path).map(Cow::Borrowed).collect();
            proptest::prop_assert_eq!(r.find(&path), find_in(&r.root, &split));
        }
    }

    #[test]
    fn many_literal_siblings_route_as_few_do() {
        let mut templates: Vec<String> = (0..20).map(|i| format!("/v1/r{i}")).collect();
        templates.push("/v1/{other}".into());
        templates.push("/v1/r3/{id}".into());
        let templates: Vec<&str> = templates.iter().map(String::as_str).collect();
        let r = router(&templates);
        for i in 0..20 {
            assert_eq!(r.find(&format!("/v1/r{i}")), Some(i));
        }
        assert_eq!(r.find("/v1/r20"), Some(20));
        assert_eq!(r.find("/v1/r3/7"), Some(21));
        assert_eq!(r.find("/v1/r4/7"), None);
    }

    #[test]
    fn unbalanced_braces_are_refused() {
        let mut r = Router::default();
        assert!(r.insert("/orders/{id", 0).is_err());
        assert!(r.insert("/orders/id}", 0).is_err());
        assert!(r.insert("/orders/}id{", 0).is_err());
    }
}
