//! Which files a directory walk reads, through the binary: ignore files (`.gitignore` in a git
//! repository or not, `.ignore`, `.git/info/exclude`), `--no-ignore`, `--exclude` and the
//! configuration's `exclude`; files named on the command line are read whatever those say.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory outside any git repository (the system's temporary directory), so that
/// nothing above it decides what is ignored; removed when dropped.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        // The last test out removes the run's directory (it is not empty before).
        let _ = self.0.parent().map(std::fs::remove_dir);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("vpclint-discovery-{}", std::process::id())).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    Scratch(dir)
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("parent dir");
    std::fs::write(path, text).expect("write");
}

fn vpclint_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpclint")).args(args).current_dir(cwd).output().expect("run vpclint")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// The output's words, unwrapped (where a message wraps depends on the length of its path).
fn words(o: &Output) -> String {
    text(o).split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ")
}

const VPC: &str = r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#;
const BROKEN: &str = "{\"Vpcs\": [\n";

/// A project with one good file and a broken one in `broken_at`.
fn project(name: &str, broken_at: &str) -> Scratch {
    let dir = scratch(name);
    write(&dir, "network/vpcs.json", VPC);
    write(&dir, broken_at, BROKEN);
    dir
}

#[test]
fn gitignore_keeps_a_directory_out_outside_a_git_repository_too() {
    let dir = project("gitignore", "node_modules/pkg/fixture.json");
    write(&dir, ".gitignore", "# dependencies\nnode_modules/\n");
    assert!(!dir.ancestors().any(|d| d.join(".git").exists()), "the scratch directory is outside git");
    let o = vpclint_in(&dir, &["check", ".", "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!text(&o).contains("fixture.json"), "{}", text(&o));
    assert!(words(&o).contains("1 kept out by ignore files, 0 by exclude globs"), "{}", text(&o));
    // The same walk from a directory above, and from inside the ignored tree's parent.
    let o = vpclint_in(dir.parent().unwrap(), &["check", "gitignore"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let o = vpclint_in(&dir, &["check", ".", "--no-ignore"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("node_modules/pkg/fixture.json:2:1: invalid JSON"), "{}", text(&o));
}

#[test]
fn ignore_files_and_git_excludes_are_honoured_and_negations_re_include() {
    let dir = project("ignore-files", "scratchpad/broken.json");
    write(&dir, ".ignore", "scratchpad/\n");
    write(&dir, "dumps/old/broken.json", BROKEN);
    write(&dir, ".git/info/exclude", "dumps/*\n!dumps/keep/\n");
    write(&dir, "dumps/keep/vpcs.json", VPC);
    let o = vpclint_in(&dir, &["check", ".", "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(words(&o).contains("Loaded 2 file(s)"), "dumps/keep is re-included: {}", text(&o));
    assert!(words(&o).contains("2 kept out by ignore files"), "{}", text(&o));
}

#[test]
fn a_file_named_on_the_command_line_is_read_even_when_ignored_or_excluded() {
    let dir = project("explicit", "node_modules/pkg/fixture.json");
    write(&dir, ".gitignore", "node_modules/\n");
    let named = "node_modules/pkg/fixture.json";
    for extra in [&[][..], &["--exclude", "node_modules"][..]] {
        let mut args = vec!["check", ".", named];
        args.extend_from_slice(extra);
        let o = vpclint_in(&dir, &args);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(words(&o).contains("node_modules/pkg/fixture.json:2:1: invalid JSON"), "{}", text(&o));
    }
}

#[test]
fn exclude_globs_leave_files_out_even_without_ignore_files() {
    let dir = project("exclude", "generated/stacks/broken.json");
    let o = vpclint_in(&dir, &["check", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    for flags in [&["--exclude", "generated/**"][..], &["--exclude", "generated/**", "--no-ignore"][..]] {
        let mut args = vec!["check", ".", "--stats"];
        args.extend_from_slice(flags);
        let o = vpclint_in(&dir, &args);
        assert_eq!(o.status.code(), Some(0), "{flags:?}: {}", text(&o));
        assert!(words(&o).contains("0 kept out by ignore files, 1 by exclude globs"), "{}", text(&o));
    }
    // A glob without a slash matches a name at any depth; `!` re-includes.
    write(&dir, "network/broken.json", BROKEN);
    let o = vpclint_in(&dir, &["check", ".", "--exclude", "broken.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = vpclint_in(&dir, &["check", ".", "--exclude", "broken.json", "--exclude", "!network/broken.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("network/broken.json:2:1"), "{}", text(&o));
    assert!(!words(&o).contains("generated/stacks/broken.json"), "{}", text(&o));
}

#[test]
fn config_globs_are_relative_to_the_config_and_flags_to_the_current_directory() {
    let dir = project("config-exclude", "generated/broken.json");
    write(&dir, "vpclint.toml", "exclude = [\"/generated/\"]\n");
    let network = dir.join("network");
    let o = vpclint_in(&network, &["check", ".."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // From `network`, `generated/**` names network/generated: it does not reach ../generated.
    write(&dir, "vpclint.toml", "");
    let o = vpclint_in(&network, &["check", "..", "--exclude", "generated/**"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = vpclint_in(&dir, &["check", ".", "--exclude", "generated/**"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Both add up.
    write(&dir, "vpclint.toml", "exclude = [\"generated\"]\n");
    write(&dir, "other/broken.json", BROKEN);
    let o = vpclint_in(&dir, &["check", ".", "--exclude", "other/"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn an_invalid_glob_is_a_usage_or_located_config_error() {
    let dir = project("invalid-glob", "generated/broken.json");
    let o = vpclint_in(&dir, &["check", ".", "--exclude", "generated/[a"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("'--exclude <GLOB>': not a valid glob: unclosed character class"), "{}", text(&o));
    write(&dir, "vpclint.toml", "# exclude = [\"x[\"]\nexclude = [\"ok\", \"{a,b\"]\n");
    let o = vpclint_in(&dir, &["check", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        words(&o).contains("vpclint.toml:2:18: `{a,b` is not a valid glob: unclosed alternate group"),
        "{}",
        text(&o)
    );
}

#[test]
fn hidden_entries_stay_unread_whatever_an_ignore_file_re_includes() {
    let dir = project("hidden", ".cache/broken.json");
    write(&dir, ".gitignore", "!.cache/\n");
    for extra in [&[][..], &["--no-ignore"][..]] {
        let mut args = vec!["check", "."];
        args.extend_from_slice(extra);
        let o = vpclint_in(&dir, &args);
        assert_eq!(o.status.code(), Some(0), "{extra:?}: {}", text(&o));
    }
}

#[test]
fn an_ignore_file_line_that_is_no_glob_is_noted_without_its_text() {
    let dir = project("bad-ignore-line", "tmp/broken.json");
    write(&dir, ".gitignore", "tmp/\nsecret{value\n");
    let o = vpclint_in(&dir, &["check", ".", "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(words(&o).contains(".gitignore: ignore file: line 2: unclosed alternate group"), "{}", text(&o));
    assert!(!text(&o).contains("secret"), "{}", text(&o));
}

#[test]
fn an_ignore_file_that_is_a_fifo_is_never_opened() {
    let dir = project("fifo-ignore", "sub/broken.json");
    let made = Command::new("mkfifo").arg(dir.join("sub/.gitignore")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    let o = vpclint_in(&dir, &["check", ".", "--stats"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(words(&o).contains("directory not walked: ./sub/.gitignore is not a regular file"), "{}", text(&o));
    // Named itself, the directory cannot be walked; without ignore files it can.
    let o = vpclint_in(&dir, &["check", "sub"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("cannot walk the directory: sub/.gitignore is not a regular file"), "{}", text(&o));
    let o = vpclint_in(&dir, &["check", "sub", "--no-ignore"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(words(&o).contains("sub/broken.json:2:1: invalid JSON"), "{}", text(&o));
}

#[test]
fn the_options_are_in_the_help() {
    let o = vpclint_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    for flag in ["--exclude <GLOB>", "--no-ignore", "gitignore-style glob"] {
        assert!(words(&o).contains(flag), "{flag}: {}", text(&o));
    }
}
