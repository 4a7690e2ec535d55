//! Byte ranges in a `.tf` file by pointer: `/resource/aws_vpc/main` is the block, `/cidr_block`
//! below it an attribute, `/route/0` the first nested `route` block. A pointer that goes deeper
//! than the file (a value only the plan knows) resolves to the deepest part that exists.

use hcl_edit::Span;
use hcl_edit::structure::Body;
use std::collections::HashMap;
use std::ops::Range;

/// Every block and attribute of a file by pointer.
pub(super) fn outline(text: &str) -> Option<HashMap<String, Range<usize>>> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let mut out = HashMap::new();
    walk(&body, "", &mut out);
    Some(out)
}

fn walk(body: &Body, prefix: &str, out: &mut HashMap<String, Range<usize>>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for attr in body.attributes() {
        if let Some(span) = attr.span() {
            out.insert(format!("{prefix}/{}", escape(attr.key.as_str())), span);
        }
    }
    for block in body.blocks() {
        let ident = block.ident.as_str();
        let mut pointer = format!("{prefix}/{}", escape(ident));
        if prefix.is_empty() || block.labels.is_empty() {
            for label in &block.labels {
                pointer.push('/');
                pointer.push_str(&escape(label.as_str()));
            }
        }
        if !prefix.is_empty() {
            // Nested blocks are lists in a plan: the n-th block of its name.
            let n = seen.entry(ident).or_default();
            pointer = format!("{prefix}/{}/{n}", escape(ident));
            *n += 1;
        }
        // Underline the block's first line (its header), not all of it.
        if let Some(span) = block.span() {
            let header = block.body.span().map_or(span.clone(), |b| span.start..b.start.max(span.start));
            out.insert(pointer.clone(), header);
        }
        walk(&block.body, &pointer, out);
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The range of `pointer`, or of its deepest prefix in the outline.
pub(super) fn resolve(outline: &HashMap<String, Range<usize>>, pointer: &str) -> Option<Range<usize>> {
    let marker = format!("/{}/", super::PLAN_VALUES);
    let joined;
    let pointer = match pointer.split_once(&marker) {
        // A top-level attribute is the plan's too; a nested block's order is not.
        Some((block, rest)) => {
            joined = format!("{block}/{}", rest.split('/').next().unwrap_or_default());
            if rest.contains('/') { block } else { joined.as_str() }
        }
        None => pointer,
    };
    let mut p = pointer;
    loop {
        if let Some(r) = outline.get(p) {
            return Some(r.clone());
        }
        p = &p[..p.rfind('/')?];
        if p.is_empty() {
            return None;
        }
    }
}
