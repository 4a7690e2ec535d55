//! Reading inputs: find files, detect their format by content, and normalise them into a [`Design`].

pub mod aws_cli;
pub mod cloudformation;
mod duplicate_keys;
pub mod normalise;
pub mod terraform;

use crate::model::{Design, Ref, ResourceKind};
use crate::source::{FileId, SourceFile};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The start of the error for a load in which no file held anything vpclint reads.
pub const NO_AWS_RESOURCES: &str = "no AWS network resources found";

pub use crate::diagnostic::{ErrorLocation, InputError};

/// An input as the user named it.
#[derive(Clone, Debug)]
pub enum Input {
    Path(PathBuf),
    /// `-`: read standard input.
    Stdin,
}

/// The result of a load: the design, plus every input error met on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    pub design: Design,
    pub errors: Vec<InputError>,
    /// Documents recognised as a supported format (whatever they held).
    pub recognised: usize,
    /// Directories already walked (canonical paths), against symbolic link loops.
    visited_dirs: HashSet<PathBuf>,
}

/// How inputs are read.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// CloudFormation parameter values (`--parameter Key=Value`), also for pseudo parameters
    /// such as `AWS::Region`.
    pub parameters: Vec<(String, String)>,
}

/// Read every input (recursing into directories) and build one [`Design`].
///
/// Files are read in sorted path order, so the result does not depend on the order of arguments.
pub fn load(inputs: &[Input], stdin: &mut dyn std::io::Read) -> Loaded {
    load_with(inputs, stdin, &LoadOptions::default())
}

/// [`load`], with options.
pub fn load_with(inputs: &[Input], stdin: &mut dyn std::io::Read, options: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut read_stdin = false;
    for input in inputs {
        match input {
            Input::Stdin => read_stdin = true,
            Input::Path(p) => collect(p, true, &mut files, &mut loaded),
        }
    }
    files.sort();
    files.dedup();

    let mut state = LoadState { parameters: options.parameters.clone(), ..LoadState::default() };
    // Files are read and parsed on worker threads while this one models them, in path order (so
    // the result does not depend on the thread count). Each worker holds at most one parsed file
    // ahead, which bounds the memory parsing ahead costs.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(files.len().max(1));
    std::thread::scope(|scope| {
        let receivers: Vec<_> = (0..workers)
            .map(|w| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(SourceFile, Parsed), InputError>>(1);
                // File `i` gets id `i`: an unreadable one takes its id too (see below).
                let mine: Vec<(usize, PathBuf)> = files.iter().cloned().enumerate().skip(w).step_by(workers).collect();
                scope.spawn(move || {
                    for (i, path) in mine {
                        let name = path.display().to_string();
                        let read = read_file(&path).and_then(|bytes| decode(&name, bytes)).map(|text| {
                            let file = SourceFile::new(name, Some(path.clone()), text);
                            let parsed = parse_text(&file, FileId(i as u32));
                            (file, parsed)
                        });
                        if tx.send(read).is_err() {
                            return;
                        }
                    }
                });
                rx
            })
            .collect();
        for i in 0..files.len() {
            match receivers[i % workers].recv() {
                Ok(Ok((file, parsed))) => load_parsed(file, parsed, &mut state, &mut loaded),
                Ok(Err(e)) => {
                    loaded.design.sources.add_unread(e.path.clone());
                    loaded.errors.push(e)
                }
                Err(_) => break, // a worker stopped: it cannot without sending, short of a panic
            }
        }
    });
    if read_stdin {
        let mut bytes = Vec::new();
        match stdin.read_to_end(&mut bytes) {
            Ok(_) => match decode("<stdin>", bytes) {
                Ok(text) => load_text(SourceFile::new("<stdin>".into(), None, text), &mut state, &mut loaded),
                Err(e) => loaded.errors.push(e),
            },
            Err(e) => loaded.errors.push(whole_file_error("<stdin>", format!("cannot read standard input: {e}"))),
        }
    }
    if loaded.recognised == 0 && loaded.errors.is_empty() {
        let names: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::Stdin => "<stdin>".to_string(),
                Input::Path(p) => p.display().to_string(),
            })
            .collect();
        loaded.errors.push(InputError {
            file: None,
            path: names.join(", "),
            location: ErrorLocation::None,
            message: format!(
                "{NO_AWS_RESOURCES} ({} file(s) read, none in a supported format: AWS CLI JSON with a known \
                 top-level key such as `Vpcs`, Terraform JSON, or a CloudFormation template)",
                loaded.design.stats.files_loaded
            ),
            help: Some("vpclint reads the JSON output of `aws ec2 describe-*` and `aws elbv2 describe-*`, `terraform show -json`, and CloudFormation templates (JSON or YAML); run with --stats to see what was found".into()),
        });
    }
    resolve_references(&mut loaded.design);
    loaded
}

/// Load one in-memory document, as if it were a file named `name` (for fuzzing and tools).
pub fn load_bytes(name: &str, bytes: &[u8]) -> Loaded {
    let mut loaded = Loaded::default();
    let mut state = LoadState::default();
    match decode(name, bytes.to_vec()) {
        Ok(text) => load_text(SourceFile::new(name.to_string(), None, text), &mut state, &mut loaded),
        Err(e) => loaded.errors.push(e),
    }
    resolve_references(&mut loaded.design);
    loaded
}

fn whole_file_error(path: &str, message: String) -> InputError {
    InputError { file: None, path: path.to_string(), location: ErrorLocation::None, message, help: None }
}

/// Read a whole file, failing cleanly (not aborting) when it does not fit in memory.
fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    use std::io::Read;
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| whole_file_error(&name, format!("cannot read file: {e}")))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes: Vec<u8> = Vec::new();
    let want = usize::try_from(len).unwrap_or(usize::MAX);
    bytes
        .try_reserve_exact(want)
        .map_err(|_| whole_file_error(&name, format!("file too large: {len} bytes do not fit in available memory")))?;
    file.read_to_end(&mut bytes).map_err(|e| whole_file_error(&name, format!("cannot read file: {e}")))?;
    Ok(bytes)
}

/// UTF-8 text without a byte order mark (which some editors and PowerShell write).
fn decode(name: &str, mut bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| InputError {
        file: None,
        path: name.to_string(),
        location: ErrorLocation::None,
        message: format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        help: Some("AWS CLI and Terraform write UTF-8 JSON".into()),
    })
}

fn collect(path: &Path, explicit: bool, files: &mut Vec<PathBuf>, loaded: &mut Loaded) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            loaded.errors.push(whole_file_error(&path.display().to_string(), format!("cannot read: {e}")));
            return;
        }
    };
    if meta.is_dir() {
        // A directory reached again through a symbolic link (a loop, or a second way in).
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !loaded.visited_dirs.insert(canonical) {
            loaded
                .design
                .stats
                .files_skipped
                .push((path.display().to_string(), "directory already visited (symbolic link)".into()));
            return;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>(),
            Err(e) => {
                loaded
                    .errors
                    .push(whole_file_error(&path.display().to_string(), format!("cannot list directory: {e}")));
                return;
            }
        };
        for entry in entries {
            let hidden = entry.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
            if !hidden {
                collect(&entry, false, files, loaded);
            }
        }
    } else if explicit || has_input_extension(path) {
        files.push(path.to_path_buf());
    } else {
        loaded
            .design
            .stats
            .files_skipped
            .push((path.display().to_string(), "not a .json, .yaml, .yml or .template file".into()));
    }
}

fn extension_is(path: &Path, wanted: &[&str]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
}

fn has_input_extension(path: &Path) -> bool {
    extension_is(path, &["json", "yaml", "yml", "template"])
}

/// Access to a resource's metadata, for de-duplication.
pub(crate) trait HasMeta {
    fn meta(&self) -> &crate::model::Meta;
}

macro_rules! has_meta {
    ($($t:ty),*) => { $(impl HasMeta for $t { fn meta(&self) -> &crate::model::Meta { &self.meta } })* };
}
has_meta!(
    crate::model::Vpc,
    crate::model::Subnet,
    crate::model::RouteTable,
    crate::model::InternetGateway,
    crate::model::NatGateway,
    crate::model::ElasticIp,
    crate::model::PeeringConnection,
    crate::model::SecurityGroup,
    crate::model::NetworkAcl,
    crate::model::LoadBalancer,
    crate::model::Listener,
    crate::model::TargetGroup,
    crate::model::NetworkInterface,
    crate::model::Instance,
    crate::model::TransitGateway,
    crate::model::TransitGatewayAttachment,
    crate::model::TransitGatewayRouteTable,
    crate::model::VpcEndpoint,
    crate::model::ManagedPrefixList
);

/// Per-load bookkeeping: which resources were already seen (for de-duplication).
#[derive(Default)]
pub(crate) struct LoadState {
    /// Resources by id: for each, (kind, account, region, template) and where it was first
    /// defined. Looked up by the id alone, so checking a resource copies nothing.
    seen: rustc_hash::FxHashMap<String, Vec<(SeenScope, crate::source::Origin)>>,
    /// CloudFormation parameter values given by the user.
    parameters: Vec<(String, String)>,
}

type SeenScope = (ResourceKind, Option<String>, Option<String>, Option<FileId>);

impl LoadState {
    /// True the first time a resource is seen; later copies are counted as duplicates.
    pub(crate) fn first_sighting(
        &mut self,
        design: &mut Design,
        kind: ResourceKind,
        meta: &crate::model::Meta,
    ) -> bool {
        let same = |(k, account, region, document): &SeenScope| {
            *k == kind && *account == meta.account && *region == meta.region && *document == meta.document
        };
        let entries = match self.seen.get_mut(meta.id.as_str()) {
            Some(entries) => entries,
            None => self.seen.entry(meta.id.clone()).or_default(),
        };
        match entries.iter().find(|(scope, _)| same(scope)) {
            None => {
                let scope = (kind, meta.account.clone(), meta.region.clone(), meta.document);
                entries.push((scope, meta.origin.clone()));
                true
            }
            Some((_, first)) => {
                *design.stats.duplicates.entry(kind).or_default() += 1;
                design.stats.duplicate_origins.push((kind, meta.id.clone(), first.clone(), meta.origin.clone()));
                false
            }
        }
    }

    /// Add `item` to its arena unless it was seen already; its index when added.
    pub(crate) fn push_first<T: HasMeta>(
        &mut self,
        design: &mut Design,
        kind: ResourceKind,
        item: T,
        arena: fn(&mut Design) -> &mut Vec<T>,
    ) -> Option<usize> {
        if !self.first_sighting(design, kind, item.meta()) {
            return None;
        }
        let list = arena(design);
        list.push(item);
        Some(list.len() - 1)
    }
}

/// Whether a file is YAML: by extension, else (`.template`, standard input) by its first character.
fn is_yaml(file: &SourceFile) -> bool {
    match &file.path {
        Some(p) if extension_is(p, &["yaml", "yml"]) => true,
        Some(p) if extension_is(p, &["json"]) => false,
        _ => !file.text.trim_start().starts_with(['{', '[']),
    }
}

/// Text that names CloudFormation: a YAML file with it that does not parse is a broken template,
/// not somebody else's YAML.
fn mentions_cloudformation(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("AWS::")
}

/// A file parsed into the form its reader takes, or where it is not valid.
struct Parsed {
    yaml: bool,
    document: Result<Document, InputError>,
}

/// A parsed document, told apart by content.
enum Document {
    Terraform(serde_json::Value),
    CloudFormation(serde_json::Value),
    /// AWS CLI output (or anything else in JSON, which its reader reports on), already read: it
    /// needs nothing from other files until it is merged.
    Listing(Box<aws_cli::Listing>),
    /// YAML that is not a CloudFormation template.
    OtherYaml,
}

fn load_text(file: SourceFile, state: &mut LoadState, loaded: &mut Loaded) {
    let parsed = parse_text(&file, loaded.design.sources.next_id());
    load_parsed(file, parsed, state, loaded);
}

/// The half of loading a file that needs nothing but the file and the id it will have (so it can
/// run on a worker thread): parsing, and reading AWS CLI listings.
fn parse_text(file: &SourceFile, id: FileId) -> Parsed {
    let name = file.name.clone();
    let error_at = |offset: usize, message: String| InputError {
        file: None,
        path: name.clone(),
        location: ErrorLocation::Offset(offset),
        message,
        help: None,
    };
    let yaml = is_yaml(file);
    let document = if file.text.trim().is_empty() {
        Err(InputError {
            help: Some(
                "expected the JSON output of an AWS CLI describe-* command, `terraform show -json`, or a \
                 CloudFormation template"
                    .into(),
            ),
            ..error_at(0, "empty file".into())
        })
    } else if yaml {
        match cloudformation::yaml::parse(&file.text) {
            Ok(docs) if docs.len() == 1 => {
                let value = docs[0].to_json();
                Ok(if cloudformation::detect(&serde_json_borrow::Value::from(&value)) {
                    Document::CloudFormation(value)
                } else {
                    Document::OtherYaml
                })
            }
            Ok(_) => Ok(Document::OtherYaml),
            Err(e) if mentions_cloudformation(&file.text) => Err(error_at(e.offset, e.message)),
            Err(_) => Ok(Document::OtherYaml),
        }
    } else {
        // A borrowed tree, whose strings point into the text: a dump is millions of small strings,
        // and copying each into its own allocation cost more than the parse itself.
        match serde_json::from_str::<serde_json_borrow::Value>(&file.text) {
            Ok(root) if let Some(dup) = duplicate_keys::find(&root) => Err(duplicate_key_error(file, dup)),
            Ok(root) if terraform::detect(&root) => Ok(Document::Terraform((&root).into())),
            Ok(root) if cloudformation::detect(&root) => Ok(Document::CloudFormation((&root).into())),
            Ok(root) => {
                let scope = aws_cli::PathScope::from_path(file.path.as_deref());
                Ok(Document::Listing(Box::new(aws_cli::read_listing(id, &file.name, &root, &scope))))
            }
            Err(e) => Err(error_at(file.offset_of(e.line(), e.column()), format!("invalid JSON: {e}"))),
        }
    };
    Parsed { yaml, document }
}

/// A key written twice in one object: one of its values would be silently lost.
fn duplicate_key_error(file: &SourceFile, dup: duplicate_keys::DuplicateKey) -> InputError {
    let start = file.span_of(&dup.object).map_or(0, |r| r.start);
    let offset = duplicate_keys::second_occurrence(&file.text, start, &dup.key).unwrap_or(start);
    let place = if dup.object.is_empty() {
        "the top-level object".to_string()
    } else {
        format!("the object at {}", dup.object)
    };
    InputError {
        file: None,
        path: file.name.clone(),
        location: ErrorLocation::Offset(offset),
        message: format!(
            "duplicate key `{}` in {place}: a JSON reader keeps only one of its values, so the other would be lost",
            dup.key
        ),
        help: Some(format!(
            "write `{}` once, with all its items in one list, or keep each AWS CLI output in a file of its own",
            dup.key
        )),
    }
}

fn load_parsed(mut file: SourceFile, parsed: Parsed, state: &mut LoadState, loaded: &mut Loaded) {
    let name = file.name.clone();
    file.yaml = parsed.yaml;
    let id = loaded.design.sources.add(file);
    loaded.design.stats.files_loaded += 1;
    match parsed.document {
        Ok(Document::Terraform(value)) => {
            loaded.recognised += 1;
            if let Some(root) = value.as_object() {
                terraform::load_document(id, root, state, loaded)
            }
        }
        Ok(Document::CloudFormation(value)) => {
            loaded.recognised += 1;
            let parameters = state.parameters.clone();
            if let Some(root) = value.as_object() {
                cloudformation::load_document(id, root, &parameters, state, loaded)
            }
        }
        Ok(Document::Listing(listing)) => listing.merge_into(state, loaded),
        Ok(Document::OtherYaml) => {
            loaded.design.stats.files_skipped.push((name, "YAML, but not a CloudFormation template".into()));
        }
        Err(mut err) => {
            err.file = Some(id);
            loaded.errors.push(err);
        }
    }
}

/// Resolve every [`Ref`] to an arena index, preferring a resource of the same account and region.
fn resolve_references(design: &mut Design) {
    type Index = rustc_hash::FxHashMap<String, Vec<(Option<String>, Option<String>, Option<FileId>, usize)>>;
    /// Where a reference is made from: account, region and (for template ids) the template.
    type Scope = (Option<String>, Option<String>, Option<FileId>);
    fn index<'a>(metas: impl Iterator<Item = &'a crate::model::Meta>) -> Index {
        let mut map = Index::default();
        for (i, m) in metas.enumerate() {
            map.entry(m.id.clone()).or_default().push((m.account.clone(), m.region.clone(), m.document, i));
        }
        map
    }
    fn scope(meta: &crate::model::Meta) -> Scope {
        (meta.account.clone(), meta.region.clone(), meta.document)
    }
    /// The resource `id` names, seen from `scope`: in a template, that template's resource;
    /// otherwise the one in the same account and region, else the only compatible one, else the
    /// only one in the region (shared VPCs and cross-account peerings reference resources of
    /// other accounts). Template-scoped ids are not visible from outside their template.
    fn find(index: &Index, id: &str, scope: &Scope) -> Option<usize> {
        let (account, region, document) = scope;
        let all = index.get(id)?;
        if document.is_some()
            && let Some(c) = all.iter().find(|c| c.2 == *document)
        {
            return Some(c.3);
        }
        let candidates: Vec<_> = all.iter().filter(|c| c.2.is_none()).collect();
        let compatible = |a: &Option<String>, b: &Option<String>| a.is_none() || b.is_none() || a == b;
        let exact = candidates.iter().find(|(a, g, _, _)| a == account && g == region);
        let loose: Vec<_> =
            candidates.iter().filter(|(a, g, _, _)| compatible(a, account) && compatible(g, region)).collect();
        exact.map(|c| c.3).or_else(|| (loose.len() == 1).then(|| loose[0].3)).or_else(|| {
            let same_region: Vec<_> = candidates.iter().filter(|(_, g, _, _)| compatible(g, region)).collect();
            (same_region.len() == 1).then(|| same_region[0].3)
        })
    }
    fn pick(index: &Index, r: &mut Ref, scope: &Scope) {
        r.idx = find(index, &r.id, scope);
    }
    let vpcs = index(design.vpcs.iter().map(|v| &v.meta));
    let subnets = index(design.subnets.iter().map(|s| &s.meta));
    let lbs = index(design.load_balancers.iter().map(|l| &l.meta));
    let tgws = index(design.transit_gateways.iter().map(|t| &t.meta));
    let rts = index(design.route_tables.iter().map(|t| &t.meta));
    let eips = index(design.elastic_ips.iter().map(|t| &t.meta));
    let targets: HashMap<ResourceKind, Index> = [
        (ResourceKind::InternetGateway, index(design.internet_gateways.iter().map(|x| &x.meta))),
        (ResourceKind::EgressOnlyInternetGateway, index(design.egress_only_internet_gateways.iter().map(|x| &x.meta))),
        (ResourceKind::NatGateway, index(design.nat_gateways.iter().map(|x| &x.meta))),
        (ResourceKind::PeeringConnection, index(design.peering_connections.iter().map(|x| &x.meta))),
        (ResourceKind::TransitGateway, index(design.transit_gateways.iter().map(|x| &x.meta))),
        (ResourceKind::NetworkInterface, index(design.network_interfaces.iter().map(|x| &x.meta))),
        (ResourceKind::Instance, index(design.instances.iter().map(|x| &x.meta))),
        (ResourceKind::VpcEndpoint, index(design.vpc_endpoints.iter().map(|x| &x.meta))),
    ]
    .into_iter()
    .collect();

    let mut unresolved: BTreeMap<(ResourceKind, ResourceKind), usize> = BTreeMap::new();
    let listed: std::collections::BTreeSet<ResourceKind> = design.kinds_listed.iter().map(|l| l.0).collect();
    macro_rules! resolve {
        ($items:expr, $idx:expr, $($field:ident).+) => {
            for item in $items.iter_mut() {
                let sc = scope(&item.meta);
                if let Some(r) = item.$($field).+.as_mut() { pick(&$idx, r, &sc); }
            }
        };
        ($items:expr, $idx:expr, $($field:ident).+, $from:expr, $to:expr) => {
            for item in $items.iter_mut() {
                let sc = scope(&item.meta);
                if let Some(r) = item.$($field).+.as_mut() {
                    pick(&$idx, r, &sc);
                    if r.idx.is_none() && listed.contains(&$to) {
                        *unresolved.entry(($from, $to)).or_default() += 1;
                    }
                }
            }
        };
    }
    resolve!(design.subnets, vpcs, vpc, ResourceKind::Subnet, ResourceKind::Vpc);
    resolve!(design.route_tables, vpcs, vpc, ResourceKind::RouteTable, ResourceKind::Vpc);
    resolve!(design.nat_gateways, vpcs, vpc);
    resolve!(design.nat_gateways, subnets, subnet, ResourceKind::NatGateway, ResourceKind::Subnet);
    resolve!(design.security_groups, vpcs, vpc);
    resolve!(design.network_acls, vpcs, vpc);
    resolve!(design.load_balancers, vpcs, vpc);
    resolve!(design.target_groups, vpcs, vpc);
    resolve!(design.network_interfaces, vpcs, vpc);
    resolve!(design.network_interfaces, subnets, subnet);
    resolve!(design.instances, vpcs, vpc);
    resolve!(design.instances, subnets, subnet, ResourceKind::Instance, ResourceKind::Subnet);
    resolve!(design.listeners, lbs, load_balancer);
    resolve!(design.vpc_endpoints, vpcs, vpc);
    resolve!(design.transit_gateway_attachments, tgws, transit_gateway);
    resolve!(design.transit_gateway_attachments, vpcs, vpc);
    resolve!(design.transit_gateway_vpc_attachments, tgws, transit_gateway);
    resolve!(design.transit_gateway_vpc_attachments, vpcs, vpc);
    resolve!(design.transit_gateway_route_tables, tgws, transit_gateway);

    for t in design.route_tables.iter_mut() {
        let sc = scope(&t.meta);
        for (s, _) in t.subnets.iter_mut() {
            pick(&subnets, s, &sc);
            if s.idx.is_none() && listed.contains(&ResourceKind::Subnet) {
                *unresolved.entry((ResourceKind::RouteTable, ResourceKind::Subnet)).or_default() += 1;
            }
        }
    }
    for t in design.route_tables.iter_mut() {
        let sc = scope(&t.meta);
        for route in t.routes.iter_mut() {
            if let Some(index) = route.target.kind.resource_kind().and_then(|k| targets.get(&k)) {
                route.target.idx = find(index, &route.target.id, &sc);
            }
        }
    }
    for n in design.nat_gateways.iter_mut() {
        let sc = scope(&n.meta);
        n.allocations.iter_mut().for_each(|e| pick(&eips, e, &sc));
    }
    for n in design.network_acls.iter_mut() {
        let sc = scope(&n.meta);
        for (s, _) in n.subnets.iter_mut() {
            pick(&subnets, s, &sc);
        }
    }
    for l in design.load_balancers.iter_mut() {
        let sc = scope(&l.meta);
        for (s, _) in l.subnets.iter_mut() {
            pick(&subnets, s, &sc);
        }
    }
    for e in design.vpc_endpoints.iter_mut() {
        let sc = scope(&e.meta);
        e.subnets.iter_mut().for_each(|s| pick(&subnets, s, &sc));
        e.route_tables.iter_mut().for_each(|s| pick(&rts, s, &sc));
    }
    for t in design.transit_gateway_vpc_attachments.iter_mut() {
        let sc = scope(&t.meta);
        t.subnets.iter_mut().for_each(|s| pick(&subnets, s, &sc));
    }
    let groups = index(design.target_groups.iter().map(|t| &t.meta));
    for (arn, target) in std::mem::take(&mut design.target_registrations) {
        if let Some(&(_, _, _, g)) = groups.get(&arn).and_then(|v| v.first()) {
            design.target_groups[g].targets.push(target);
        }
    }
    let tgw_tables = index(design.transit_gateway_route_tables.iter().map(|t| &t.meta));
    for (table, attachment, propagation) in std::mem::take(&mut design.tgw_table_links) {
        if let Some(&(_, _, _, t)) = tgw_tables.get(&table).and_then(|v| v.first()) {
            let rt = &mut design.transit_gateway_route_tables[t];
            let list = if propagation { &mut rt.propagations } else { &mut rt.associations };
            if !list.iter().any(|r| r.id == attachment) {
                list.push(Ref::new(attachment));
            }
        }
    }
    for tg in design.target_groups.iter_mut() {
        let sc = scope(&tg.meta);
        tg.load_balancers.iter_mut().for_each(|s| pick(&lbs, s, &sc));
    }
    let sgs = index(design.security_groups.iter().map(|g| &g.meta));
    for lb in design.load_balancers.iter_mut() {
        let sc = scope(&lb.meta);
        lb.security_groups.iter_mut().for_each(|g| pick(&sgs, g, &sc));
    }
    for i in design.instances.iter_mut() {
        let sc = scope(&i.meta);
        i.security_groups.iter_mut().for_each(|g| pick(&sgs, g, &sc));
    }
    for e in design.network_interfaces.iter_mut() {
        let sc = scope(&e.meta);
        e.security_groups.iter_mut().for_each(|g| pick(&sgs, g, &sc));
    }
    for sg in design.security_groups.iter_mut() {
        let sc = scope(&sg.meta);
        for g in sg.ingress.iter_mut().chain(sg.egress.iter_mut()).flat_map(|r| r.groups.iter_mut()) {
            // A group of another account is that account's, whatever this load holds.
            let sc = (g.account.clone().or_else(|| sc.0.clone()), sc.1.clone(), sc.2);
            g.idx = find(&sgs, &g.id, &sc);
        }
    }
    for igw in design.internet_gateways.iter_mut().chain(design.egress_only_internet_gateways.iter_mut()) {
        let sc = scope(&igw.meta);
        igw.attachments.iter_mut().for_each(|at| pick(&vpcs, &mut at.vpc, &sc));
    }
    design.stats.unresolved = unresolved;
    for p in design.peering_connections.iter_mut() {
        // Each side names its own account and region.
        for side in [&mut p.requester, &mut p.accepter] {
            let a = side.owner.clone().or_else(|| p.meta.account.clone());
            let g = side.region.clone().or_else(|| p.meta.region.clone());
            pick(&vpcs, &mut side.vpc, &(a, g, p.meta.document));
        }
    }
}
