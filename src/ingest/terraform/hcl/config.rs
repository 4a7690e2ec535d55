//! A Terraform module's configuration as written: its `.tf` files parsed (hcl-edit keeps every
//! node's byte range, so diagnostics point at the `.tf` line) and its blocks sorted by kind.

use crate::source::FileId;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `resource` or `data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// A `resource` or `data` block.
#[derive(Debug)]
pub struct ResourceBlock {
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    pub body: Body,
    pub file: FileId,
}

impl ResourceBlock {
    /// Where the block is, as a pointer into its `.tf` file (see `source::hcl`).
    pub fn pointer(&self) -> String {
        let kind = if self.mode == Mode::Data { "data" } else { "resource" };
        format!("/{kind}/{}/{}", escape(&self.rtype), escape(&self.name))
    }
}

/// A `module` block.
#[derive(Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: Option<String>,
    pub body: Body,
}

/// A `variable` block.
#[derive(Debug)]
pub struct Variable {
    pub default: Option<Expression>,
    /// `type = object({ a = optional(string, "x") })`: what the value is converted to.
    pub type_constraint: Option<Expression>,
}

/// One module: every `.tf` file of its directory.
#[derive(Debug, Default)]
pub struct ModuleConfig {
    pub dir: PathBuf,
    pub resources: Vec<ResourceBlock>,
    pub calls: Vec<ModuleCall>,
    /// Variables with their default and type, if any.
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Expression>,
    pub outputs: BTreeMap<String, Expression>,
}

impl ModuleConfig {
    /// Add the blocks of one parsed file.
    pub fn add_file(&mut self, file: FileId, body: Body) {
        for structure in body.into_iter() {
            let Ok(block) = structure.into_block() else { continue };
            self.add_block(file, block);
        }
    }

    fn add_block(&mut self, file: FileId, block: Block) {
        let labels: Vec<String> = block.labels.iter().map(|l| l.as_str().to_string()).collect();
        match (block.ident.as_str(), labels.as_slice()) {
            ("resource" | "data", [rtype, name]) => {
                let mode = if block.ident.as_str() == "data" { Mode::Data } else { Mode::Managed };
                self.resources.push(ResourceBlock {
                    mode,
                    rtype: rtype.clone(),
                    name: name.clone(),
                    body: block.body,
                    file,
                });
            }
            ("module", [name]) => {
                let source = block.body.get_attribute("source").and_then(|a| match &a.value {
                    Expression::String(s) => Some(s.value().to_string()),
                    _ => None,
                });
                self.calls.push(ModuleCall { name: name.clone(), source, body: block.body });
            }
            ("variable", [name]) => {
                let default = block.body.get_attribute("default").map(|a| a.value.clone());
                let type_constraint = block.body.get_attribute("type").map(|a| a.value.clone());
                self.variables.insert(name.clone(), Variable { default, type_constraint });
            }
            ("locals", []) => {
                for attr in block.body.into_attributes() {
                    self.locals.insert(attr.key.as_str().to_string(), attr.value);
                }
            }
            ("output", [name]) => {
                if let Some(value) = block.body.get_attribute("value") {
                    self.outputs.insert(name.clone(), value.value.clone());
                }
            }
            _ => {}
        }
    }
}

/// A pointer segment, escaped as RFC 6901 does.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
