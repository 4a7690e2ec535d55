//! Reading inputs: find files, detect their format by content, and normalise them into a [`Design`].

pub mod aws_cli;
pub mod cloudformation;
mod discover;
pub(crate) mod draft;
mod duplicate_keys;
mod hint;
pub mod normalise;
pub mod terraform;
mod walk;

use crate::model::{Design, ResourceKind};
use crate::source::{FileId, SourceFile};
use discover::extension_is;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The largest `.tf` file read (configuration files are small; this only bounds hostile ones).
pub(crate) const MAX_SOURCE_FILE_SIZE: u64 = discover::DEFAULT_MAX_FILE_SIZE;

/// The start of the error for a load in which no file held anything vpclint reads.
pub const NO_AWS_RESOURCES: &str = "no AWS network resources found";

pub use crate::diagnostic::{ErrorLocation, InputError};
pub use walk::{ExcludeGlobs, invalid_glob};

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
    /// Rules the inputs themselves silence on their resources (CloudFormation `Metadata`).
    pub suppressions: Vec<crate::diagnostic::DeclaredSuppression>,
    /// Links between resources named by AWS id, joined once every input is read.
    pub(crate) links: Vec<draft::LinkById>,
    /// Directories already walked (canonical paths), against symbolic link loops.
    visited_dirs: HashSet<PathBuf>,
    /// Files in no supported format that are recognisably something else (`terraform plan` text,
    /// `--output table`, …): what is reported, with what to run instead, when nothing is read.
    unusable: Vec<InputError>,
}

/// How inputs are read.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// CloudFormation parameter values (`--parameter Key=Value`), also for pseudo parameters
    /// such as `AWS::Region`.
    pub parameters: Vec<(String, String)>,
    /// Terraform variables for `.tf` sources (`--var`, `--var-file`).
    pub terraform: terraform::hcl::SourceOptions,
    /// Follow symbolic links that leave the checked directory (`--follow-symlinks`).
    pub follow_symlinks: bool,
    /// Files larger than this are input errors (`--max-file-size`; `None`: the default).
    pub max_file_size: Option<u64>,
    /// Walk directories without reading ignore files (`--no-ignore`).
    pub no_ignore: bool,
    /// What directory walks leave out (`--exclude`, `exclude`), whatever `no_ignore` says.
    pub exclude: Vec<ExcludeGlobs>,
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
    let exclude = walk::Exclude::compile(&options.exclude).unwrap_or_else(|message| {
        loaded.errors.push(whole_file_error("--exclude", message));
        walk::Exclude::default()
    });
    let exclude = std::sync::Arc::new(exclude);
    for input in inputs {
        match input {
            Input::Stdin => read_stdin = true,
            Input::Path(p) => discover::collect(p, &walk::Walk::new(p, options, &exclude), &mut files, &mut loaded),
        }
    }
    files.sort();
    files.dedup();
    // `.tf` files are read by root module (their directory), after the other inputs.
    let (tf_files, files): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|p| terraform::hcl::is_tf(p));
    let explicit_tf: HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Path(p) if terraform::hcl::is_tf(p) => p.parent().map(canonical),
            _ => None,
        })
        .collect();

    let mut state = LoadState {
        parameters: options.parameters.clone(),
        terraform_dir: options.terraform.dir.clone(),
        ..LoadState::default()
    };
    let max_size = options.max_file_size.unwrap_or(discover::DEFAULT_MAX_FILE_SIZE);
    crate::progress::files_found(files.len());
    read_in_order(&files, max_size, &mut state, &mut loaded);
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
    load_terraform_sources(&tf_files, &explicit_tf, &options.terraform, &mut state, &mut loaded);
    loaded.errors.extend(undeclared_parameters(&state));
    if loaded.recognised == 0 && loaded.errors.is_empty() {
        let unusable = std::mem::take(&mut loaded.unusable);
        if unusable.is_empty() {
            let error = nothing_recognised(inputs, loaded.design.stats.files_loaded);
            loaded.errors.push(error);
        }
        loaded.errors.extend(unusable);
    }
    normalise::resolve::resolve_references(&mut loaded.design, std::mem::take(&mut loaded.links));
    loaded
}

/// Read and model `files` in path order. Files are read and parsed on worker threads while this
/// one models them, in path order (so the result does not depend on the thread count). Each
/// worker holds at most one parsed file ahead, which bounds the memory parsing ahead costs.
fn read_in_order(files: &[PathBuf], max_size: u64, state: &mut LoadState, loaded: &mut Loaded) {
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
                        let read =
                            discover::read_file(&path, max_size).and_then(|bytes| decode(&name, bytes)).map(|text| {
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
                Ok(Ok((file, parsed))) => load_parsed(file, parsed, state, loaded),
                Ok(Err(e)) => {
                    loaded.design.sources.add_unread(e.path.clone());
                    loaded.errors.push(e)
                }
                Err(_) => break, // a worker stopped: it cannot without sending, short of a panic
            }
            crate::progress::file_read(loaded.design.resource_count());
        }
    });
}

fn canonical(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() { Path::new(".") } else { path };
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Every directory holding `.tf` files is a root module, unless another root calls it as a
/// module, or a plan of it was read (the plan is the design; a root named by one of its files is
/// read from sources all the same).
fn load_terraform_sources(
    tf_files: &[PathBuf],
    explicit: &HashSet<PathBuf>,
    options: &terraform::hcl::SourceOptions,
    state: &mut LoadState,
    loaded: &mut Loaded,
) {
    let mut roots: Vec<PathBuf> = tf_files.iter().filter_map(|p| p.parent()).map(canonical).collect();
    roots.sort_by_key(|r| (r.components().count(), r.clone()));
    roots.dedup();
    let mut modules: HashSet<PathBuf> = HashSet::new();
    for root in roots {
        if modules.contains(&root) {
            continue;
        }
        // Read with the plan beside them: one design, not two.
        if state.plan_dirs.contains(&root) && !explicit.contains(&root) {
            modules.extend(terraform::hcl::local_module_dirs(&root));
            continue;
        }
        let tree = terraform::hcl::read_tree(&root, loaded);
        modules.extend(tree.configs.keys().filter(|d| **d != root).cloned());
        terraform::hcl::load_root(&root, &tree, options, state, loaded);
    }
}

/// `--parameter` keys that no template read declares (pseudo parameters aside). Only when a
/// template was read: the same command line may check other formats alone.
fn undeclared_parameters(state: &LoadState) -> Vec<InputError> {
    if !state.templates_read {
        return Vec::new();
    }
    let mut keys: Vec<&str> = state
        .parameters
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !k.starts_with("AWS::") && !state.declared_parameters.contains(*k))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|key| InputError {
            file: None,
            path: "--parameter".into(),
            location: ErrorLocation::None,
            message: format!(
                "{} names no parameter the templates checked declare",
                crate::diagnostic::quoted_value(key)
            ),
            help: Some("CloudFormation rejects a parameter the template does not declare; check its spelling against the template's `Parameters`".into()),
        })
        .collect()
}

/// The error for a load in which no file held anything vpclint reads.
fn nothing_recognised(inputs: &[Input], files_loaded: usize) -> InputError {
    let names: Vec<String> = inputs
        .iter()
        .map(|i| match i {
            Input::Stdin => "<stdin>".to_string(),
            Input::Path(p) => p.display().to_string(),
        })
        .collect();
    InputError {
        file: None,
        path: names.join(", "),
        location: ErrorLocation::None,
        message: format!(
            "{NO_AWS_RESOURCES} ({} file(s) read, none in a supported format: AWS CLI JSON with a known \
             top-level key such as `Vpcs`, Terraform JSON, or a CloudFormation template)",
            files_loaded
        ),
        help: Some("vpclint reads the JSON output of `aws ec2 describe-*` and `aws elbv2 describe-*`, `terraform show -json`, and CloudFormation templates (JSON or YAML); run with --stats to see what was found".into()),
    }
}

/// Load one in-memory document, as if it were a file named `name` (for fuzzing and tools).
pub fn load_bytes(name: &str, bytes: &[u8]) -> Loaded {
    let mut loaded = Loaded::default();
    let mut state = LoadState::default();
    match decode(name, bytes.to_vec()) {
        Ok(text) => load_text(SourceFile::new(name.to_string(), None, text), &mut state, &mut loaded),
        Err(e) => loaded.errors.push(e),
    }
    normalise::resolve::resolve_references(&mut loaded.design, std::mem::take(&mut loaded.links));
    loaded
}

fn whole_file_error(path: &str, message: String) -> InputError {
    InputError { file: None, path: path.to_string(), location: ErrorLocation::None, message, help: None }
}

/// Read a whole file, failing cleanly (not aborting) when it does not fit in memory.
/// UTF-8 text without a byte order mark (which some editors and PowerShell write).
fn decode(name: &str, mut bytes: Vec<u8>) -> Result<String, InputError> {
    if let Some(hint) = hint::of_binary(name, &bytes) {
        let error = whole_file_error(name, format!("this is {}", hint.what));
        return Err(InputError { help: Some(hint.help), ..error });
    }
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
    /// Parameter names the templates read declare, and whether any template was read: a
    /// `--parameter` naming none of them is a usage error, as CloudFormation rejects it.
    pub(crate) declared_parameters: std::collections::BTreeSet<String>,
    pub(crate) templates_read: bool,
    /// Directories holding a Terraform plan or state that was read: sources beside it are not
    /// read as another design.
    plan_dirs: HashSet<PathBuf>,
    /// The root module of the plans read, when it is not their directory (`--terraform-dir`).
    pub(crate) terraform_dir: Option<PathBuf>,
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
    /// What the file most likely is, when it is in no supported format.
    hint: Option<hint::Hint>,
}

/// A parsed document, told apart by content.
enum Document {
    Terraform(serde_json::Value),
    CloudFormation(serde_json::Value),
    /// AWS CLI output (or anything else in JSON, which its reader reports on), already read: it
    /// needs nothing from other files until it is merged.
    Listing(Box<aws_cli::Listing>),
    /// YAML (or other text) that is not a CloudFormation template.
    OtherYaml,
}

fn load_text(file: SourceFile, state: &mut LoadState, loaded: &mut Loaded) {
    let parsed = parse_text(&file, loaded.design.sources.next_id());
    load_parsed(file, parsed, state, loaded);
}

/// The half of loading a file that needs nothing but the file and the id it will have (so it can
/// run on a worker thread): parsing, and reading AWS CLI listings.
fn parse_text(file: &SourceFile, id: FileId) -> Parsed {
    let yaml = is_yaml(file);
    let (document, hint) = if file.text.trim().is_empty() {
        let error = InputError {
            help: Some(
                "expected the JSON output of an AWS CLI describe-* command, `terraform show -json`, or a \
                 CloudFormation template"
                    .into(),
            ),
            ..error_at(file, 0, "empty file".into())
        };
        (Err(error), None)
    } else if yaml {
        parse_yaml(file)
    } else {
        parse_json(file, id)
    };
    Parsed { yaml, document, hint }
}

fn error_at(file: &SourceFile, offset: usize, message: String) -> InputError {
    InputError { file: None, path: file.name.clone(), location: ErrorLocation::Offset(offset), message, help: None }
}

/// A YAML file: a CloudFormation template, or other text (and then, what it most likely is).
fn parse_yaml(file: &SourceFile) -> (Result<Document, InputError>, Option<hint::Hint>) {
    let other = || (Ok(Document::OtherYaml), hint::of_text(file.path.as_deref(), &file.text));
    match crate::source::yaml::parse(&file.text) {
        Ok(docs) if docs.len() == 1 => {
            let value = docs[0].to_json();
            match docs[0].unknown_tag() {
                _ if !cloudformation::detect_value(&value) => other(),
                Some((offset, tag)) => {
                    let message = format!(
                        "unknown tag `{}`: CloudFormation accepts only the short forms of its functions (`!Ref`, `!Sub`, `!GetAtt`, …)",
                        tag.chars().take(120).collect::<String>()
                    );
                    (Err(error_at(file, offset, message)), None)
                }
                None => (Ok(Document::CloudFormation(value)), None),
            }
        }
        Ok(_) => other(),
        // Text that is recognisably something else is not a broken template, whatever it names.
        Err(e) => match other() {
            (_, None) if mentions_cloudformation(&file.text) => (Err(error_at(file, e.offset, e.message)), None),
            other => other,
        },
    }
}

/// A JSON file: a plan, a template or AWS CLI output (and when it holds none, what it most
/// likely is).
fn parse_json(file: &SourceFile, id: FileId) -> (Result<Document, InputError>, Option<hint::Hint>) {
    // A borrowed tree, whose strings point into the text: a dump is millions of small strings,
    // and copying each into its own allocation cost more than the parse itself.
    match serde_json::from_str::<serde_json_borrow::Value>(&file.text) {
        Ok(root) if let Some(dup) = duplicate_keys::find(&root) => (Err(duplicate_key_error(file, dup)), None),
        Ok(root) if terraform::detect(&root) => (Ok(Document::Terraform((&root).into())), None),
        Ok(root) if cloudformation::detect(&root) => (Ok(Document::CloudFormation((&root).into())), None),
        Ok(root) => {
            let scope = aws_cli::PathScope::from_path(file.path.as_deref());
            let listing = aws_cli::read_listing(id, &file.name, &root, &scope);
            let hint = listing.holds_nothing().then(|| hint::of_json(file.path.as_deref(), &root)).flatten();
            (Ok(Document::Listing(Box::new(listing))), hint)
        }
        Err(e) => {
            let offset = file.offset_of(e.line(), e.column());
            (Err(error_at(file, offset, format!("invalid JSON: {e}"))), None)
        }
    }
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
            let dir = state
                .terraform_dir
                .clone()
                .or_else(|| loaded.design.sources.get(id).path.as_ref()?.parent().map(Path::to_path_buf));
            if let Some(dir) = dir {
                state.plan_dirs.insert(canonical(&dir));
            }
            if let Some(root) = value.as_object() {
                terraform::load_document(id, root, state, loaded)
            }
        }
        Ok(Document::CloudFormation(value)) => {
            loaded.recognised += 1;
            let parameters = state.parameters.clone();
            state.templates_read = true;
            if let Some(serde_json::Value::Object(declared)) = value.get("Parameters") {
                state.declared_parameters.extend(declared.keys().cloned());
            }
            if let Some(root) = value.as_object() {
                cloudformation::load_document(id, root, &parameters, state, loaded)
            }
        }
        Ok(Document::Listing(listing)) => listing.merge_into(state, loaded),
        Ok(Document::OtherYaml) => {
            let why = parsed.hint.as_ref().map_or("YAML, but not a CloudFormation template", |h| &h.what);
            loaded.design.stats.files_skipped.push((name.clone(), why.to_string()));
        }
        Err(mut err) => {
            err.file = Some(id);
            loaded.errors.push(err);
        }
    }
    if let Some(hint) = parsed.hint {
        loaded.unusable.push(InputError {
            file: Some(id),
            path: name,
            location: hint.offset.map_or(ErrorLocation::None, ErrorLocation::Offset),
            message: format!("{NO_AWS_RESOURCES}: this is {}", hint.what),
            help: Some(hint.help),
        });
    }
}
