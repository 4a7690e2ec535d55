//! `vpclint man`: one manual page for the whole command, each subcommand's synopsis and options
//! in a section of their own (clap_mangen renders one page per command; `check`'s options are
//! what readers of `man vpclint` look for), with the exit status and environment.

use std::io::Write;

/// Render the manual page (roff) of `cmd`.
pub fn render(cmd: clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("vpclint {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        let mut section = Vec::new();
        page.render_synopsis_section(&mut section)?;
        page.render_description_section(&mut section)?;
        page.render_options_section(&mut section)?;
        out.write_all(&as_subsections(&section))?;
    }
    out.write_all(TRAILER.as_bytes())?;
    man.render_version_section(out)
}

/// A page's sections as subsections of the section naming its subcommand.
fn as_subsections(roff: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(roff);
    let mut out = String::new();
    for line in text.lines() {
        match line.strip_prefix(".SH ") {
            Some(title) => {
                let title = title.trim_matches('"').to_lowercase();
                let mut chars = title.chars();
                let title: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
                out.push_str(&format!(".SS \"{title}\"\n"));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.into_bytes()
}

const TRAILER: &str = r#".SH "EXIT STATUS"
.TP
0
No finding at or above the fail level (\fB\-\-fail\-on\fR, default \fBerror\fR).
.TP
1
Findings at or above the fail level.
.TP
2
A usage error, or an input that cannot be read; every other input is still checked.
.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
When set and not empty, no colours (unless \fB\-\-color always\fR).
.TP
\fBCLICOLOR_FORCE\fR
When set and not 0, colours even when the output is not a terminal.
.TP
\fBTERM\fR
\fBdumb\fR turns colours off.
.TP
\fBCOLUMNS\fR
The width to wrap human output at, instead of the terminal's.
.TP
\fBLC_ALL\fR, \fBLC_CTYPE\fR, \fBLANG\fR
A locale that is not UTF\-8 gets ASCII instead of box\-drawing characters.
.SH FILES
.TP
\fBvpclint.toml\fR
The configuration, found in the current directory or its parents (see \fB\-\-config\fR).
"#;
