//! How the human and concise output are drawn: colours, width and character set, decided from
//! the command line, the environment and whether the stream is a terminal.
//!
//! The decision is one pure function of those ([`style_from_env`]) so that the precedence of the
//! conventions can be tested without a terminal.

use std::borrow::Cow;
use std::io::IsTerminal;

/// How to draw: colours on or off, the width to wrap at, and whether characters beyond ASCII
/// (box drawing, arrows) can be shown.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    pub unicode: bool,
}

/// The width when the output is not a terminal (a pipe, a file, a CI log): fixed, so that the
/// same input gives the same report everywhere.
pub const PIPED_WIDTH: usize = 120;
/// Narrower than this, the gutters leave no room for a message; a `COLUMNS` outside this range
/// is taken for a mistake and ignored.
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 1000;

/// What the command line says about colours: `Some(true)` for `--color always`, `Some(false)` for
/// `--color never` or `--no-color`, `None` to follow the environment.
pub type ColorFlag = Option<bool>;

/// The style of a stream, from the colour flag, the environment (`env` returns a variable's
/// value), whether the stream is a terminal and, if it is, its width.
///
/// Colours: the flag wins; else a non-empty `NO_COLOR` turns them off; else `CLICOLOR_FORCE`
/// (non-empty and not `0`) turns them on even when piped, and so wins over `TERM=dumb`, as the
/// CLICOLOR convention has it; else `TERM=dumb` or `CLICOLOR=0` turns them off; else they are on
/// when the stream is a terminal.
///
/// Width: a `COLUMNS` from 40 to 1000, else the terminal's width (40 at least), else
/// [`PIPED_WIDTH`].
///
/// Character set: Unicode when the locale (`LC_ALL`, else `LC_CTYPE`, else `LANG`, the first
/// that is set and not empty) names UTF-8; otherwise (unset, `C`, `POSIX`, another encoding) ASCII.
pub fn style_from_env(
    env: &impl Fn(&str) -> Option<String>,
    flag: ColorFlag,
    is_terminal: bool,
    terminal_width: Option<usize>,
) -> Style {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    let color = flag.unwrap_or_else(|| {
        if set("NO_COLOR").is_some() {
            false
        } else if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
            true
        } else if set("TERM").as_deref() == Some("dumb") || set("CLICOLOR").as_deref() == Some("0") {
            false
        } else {
            is_terminal
        }
    });
    let columns =
        set("COLUMNS").and_then(|c| c.trim().parse::<usize>().ok()).filter(|w| (MIN_WIDTH..=MAX_WIDTH).contains(w));
    let width =
        columns.or_else(|| terminal_width.filter(|_| is_terminal).map(|w| w.max(MIN_WIDTH))).unwrap_or(PIPED_WIDTH);
    let unicode = ["LC_ALL", "LC_CTYPE", "LANG"].iter().find_map(|name| set(name)).is_some_and(|locale| {
        let locale = locale.to_ascii_lowercase();
        locale.contains("utf-8") || locale.contains("utf8")
    });
    Style { color, width, unicode }
}

fn env_var(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

/// The width of the terminal `stream` is on, if it is on one.
#[cfg(unix)]
fn width_of(stream: impl std::os::fd::AsFd) -> Option<usize> {
    terminal_size::terminal_size_of(stream).map(|(terminal_size::Width(w), _)| usize::from(w))
}

#[cfg(windows)]
fn width_of(stream: impl std::os::windows::io::AsHandle) -> Option<usize> {
    terminal_size::terminal_size_of(stream).map(|(terminal_size::Width(w), _)| usize::from(w))
}

/// The style of standard output.
pub fn stdout_style(flag: ColorFlag) -> Style {
    let out = std::io::stdout();
    let tty = out.is_terminal();
    style_from_env(&env_var, flag, tty, if tty { width_of(out) } else { None })
}

/// The style of standard error, which may be a terminal when standard output is not.
pub fn stderr_style(flag: ColorFlag) -> Style {
    let err = std::io::stderr();
    let tty = err.is_terminal();
    style_from_env(&env_var, flag, tty, if tty { width_of(err) } else { None })
}

/// `s` with vpclint's own typography (arrows, ellipses, dashes) spelled in ASCII, for a locale
/// that cannot show it; other characters are left as they are.
pub fn ascii_fallback(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '…' => out.push_str("..."),
            '—' => out.push_str("--"),
            '–' => out.push('-'),
            '×' => out.push('x'),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '≤' => out.push_str("<="),
            '≥' => out.push_str(">="),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl Style {
    /// `s` as this style can show it.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.unicode { Cow::Borrowed(s) } else { ascii_fallback(s) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(vars: &[(&str, &str)], flag: ColorFlag, tty: bool, width: Option<usize>) -> Style {
        let env = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        style_from_env(&env, flag, tty, width)
    }

    #[test]
    fn colour_precedence() {
        let utf8 = ("LANG", "C.UTF-8");
        // Auto: a terminal has colours, a pipe has none.
        assert!(style(&[utf8], None, true, None).color);
        assert!(!style(&[utf8], None, false, None).color);
        // The flag wins over everything.
        assert!(style(&[("NO_COLOR", "1")], Some(true), false, None).color);
        assert!(!style(&[("CLICOLOR_FORCE", "1")], Some(false), true, None).color);
        // NO_COLOR (non-empty) wins over CLICOLOR_FORCE.
        assert!(!style(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], None, true, None).color);
        assert!(style(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")], None, false, None).color);
        // CLICOLOR_FORCE colours a pipe, and wins over TERM=dumb; `0` or empty does not force.
        assert!(style(&[("CLICOLOR_FORCE", "1")], None, false, None).color);
        assert!(style(&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], None, false, None).color);
        assert!(!style(&[("CLICOLOR_FORCE", "0")], None, false, None).color);
        assert!(!style(&[("CLICOLOR_FORCE", "")], None, false, None).color);
        // A dumb terminal, or CLICOLOR=0, has no colours.
        assert!(!style(&[("TERM", "dumb")], None, true, None).color);
        assert!(!style(&[("CLICOLOR", "0")], None, true, None).color);
        assert!(style(&[("CLICOLOR", "1"), ("TERM", "xterm-256color")], None, true, None).color);
    }

    #[test]
    fn width_precedence() {
        assert_eq!(style(&[], None, false, None).width, PIPED_WIDTH);
        assert_eq!(style(&[], None, true, Some(90)).width, 90);
        assert_eq!(style(&[], None, true, Some(12)).width, MIN_WIDTH);
        // A width known for a stream that is not a terminal is not used.
        assert_eq!(style(&[], None, false, Some(90)).width, PIPED_WIDTH);
        // COLUMNS wins, piped or not, when it is a sane number.
        assert_eq!(style(&[("COLUMNS", "60")], None, false, None).width, 60);
        assert_eq!(style(&[("COLUMNS", "60")], None, true, Some(200)).width, 60);
        for bad in ["", "wide", "-5", "39", "100000"] {
            assert_eq!(style(&[("COLUMNS", bad)], None, true, Some(90)).width, 90, "COLUMNS={bad}");
        }
    }

    #[test]
    fn character_set_follows_the_locale() {
        let unicode = |vars: &[(&str, &str)]| style(vars, None, false, None).unicode;
        assert!(!unicode(&[]));
        assert!(!unicode(&[("LANG", "C")]));
        assert!(!unicode(&[("LANG", "POSIX")]));
        assert!(!unicode(&[("LANG", "en_US.ISO-8859-1")]));
        assert!(unicode(&[("LANG", "C.UTF-8")]));
        assert!(unicode(&[("LANG", "en_GB.utf8")]));
        // LC_ALL, then LC_CTYPE, then LANG; an empty one counts as unset.
        assert!(!unicode(&[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")]));
        assert!(unicode(&[("LC_ALL", ""), ("LC_CTYPE", "de_DE.UTF-8"), ("LANG", "C")]));
        assert!(!unicode(&[("LC_CTYPE", "POSIX"), ("LANG", "en_US.UTF-8")]));
    }

    #[test]
    fn ascii_fallback_spells_typography_in_ascii() {
        assert_eq!(ascii_fallback("0.0.0.0/0 → igw-1 … fixed — x"), "0.0.0.0/0 -> igw-1 ... fixed -- x");
        assert!(matches!(ascii_fallback("plain"), Cow::Borrowed(_)));
        assert_eq!(ascii_fallback("tag é"), "tag é");
    }
}
