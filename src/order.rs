//! The pipeline's deterministic order: findings and input errors sorted by file and position,
//! whatever the thread count or the order of the inputs.

use crate::diagnostic::InputError;
use crate::report::locate_error;
use crate::rules::Finding;
use crate::source::Sources;

/// Findings in a stable order: file, position, rule, message.
pub fn sort_findings(sources: &Sources, findings: &mut [Finding]) {
    let starts = span_starts(sources, findings);
    let name = |f: &Finding| sources.get(f.primary.origin.file).name.as_str();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (&findings[a], &findings[b]);
        (name(fa), starts[a], fa.rule.id, &fa.message).cmp(&(name(fb), starts[b], fb.rule.id, &fb.message))
    });
    let sorted: Vec<Finding> = order.iter().map(|&i| findings[i].clone()).collect();
    findings.clone_from_slice(&sorted);
}

/// Where each finding's primary label starts (0 when it has no place). Placing the first finding
/// of a large file reads the file's structure; files are independent, so they are read on
/// several threads.
fn span_starts(sources: &Sources, findings: &[Finding]) -> Vec<usize> {
    let mut by_file: std::collections::BTreeMap<crate::source::FileId, Vec<usize>> = Default::default();
    for (i, f) in findings.iter().enumerate() {
        by_file.entry(f.primary.origin.file).or_default().push(i);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(by_file.len().max(1));
    let mut shares: Vec<Vec<usize>> = vec![Vec::new(); threads];
    for (n, group) in by_file.into_values().enumerate() {
        shares[n % threads].extend(group);
    }
    let mut starts = vec![0; findings.len()];
    let located: Vec<Vec<(usize, usize)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .iter()
                        .map(|&i| {
                            let origin = &findings[i].primary.origin;
                            (i, sources.get(origin.file).span_of(&origin.pointer).map_or(0, |s| s.start))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    for (i, start) in located.into_iter().flatten() {
        starts[i] = start;
    }
    starts
}

/// Input errors in a stable order: file, then position.
pub fn sort_errors(sources: &Sources, errors: &mut Vec<InputError>) {
    let mut keyed: Vec<(String, usize, String, InputError)> = errors
        .drain(..)
        .map(|e| {
            let loc = locate_error(sources, &e);
            (loc.file, loc.span.map_or(0, |s| s.start), e.message.clone(), e)
        })
        .collect();
    keyed.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
    errors.extend(keyed.into_iter().map(|k| k.3));
}
