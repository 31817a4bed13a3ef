//! The app's command list. The names are written once, in `command_names.rs`, which build.rs
//! includes for the permission manifest. `tauri::generate_handler!` needs them as paths, the
//! capability file grants them and the UI's api.ts invokes them: the tests below prove these (and
//! docs/ipc.md) name the same commands, so adding a command without wiring it everywhere fails.

pub use crate::command_names::COMMANDS;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use super::COMMANDS;

    fn read(relative: &str) -> String {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn quoted_after(text: &str, marker: &str, end: &str) -> BTreeSet<String> {
        let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
        let rest = &text[start + marker.len()..];
        let body = &rest[..rest.find(end).unwrap_or(rest.len())];
        body.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn want() -> BTreeSet<String> {
        COMMANDS.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn the_list_has_no_duplicates() {
        assert_eq!(want().len(), COMMANDS.len());
    }

    #[test]
    fn the_capability_grants_every_command_and_nothing_else() {
        let granted: BTreeSet<String> =
            quoted_after(&read("capabilities/default.json"), "\"permissions\"", "]")
                .into_iter()
                .map(|p| {
                    p.strip_prefix("allow-")
                        .unwrap_or_else(|| panic!("unexpected permission {p}"))
                        .replace('-', "_")
                })
                .collect();
        assert_eq!(granted, want());
    }

    #[test]
    fn the_handler_list_names_every_command() {
        let lib = read("src/lib.rs");
        let start = lib.find("generate_handler![").expect("generate_handler!");
        let body = &lib[start..lib[start..].find(']').map(|e| start + e).expect("]")];
        let handled: BTreeSet<String> = body
            .split("commands::")
            .skip(1)
            // `commands::review::classify` names the command `classify`.
            .map(|s| {
                let path = s.split(',').next().unwrap_or_default().trim();
                path.rsplit("::").next().unwrap_or_default().to_string()
            })
            .collect();
        assert_eq!(handled, want());
    }

    #[test]
    fn the_ui_invokes_only_listed_commands_and_all_of_them() {
        let api = read("../ui/src/api.ts");
        let invoked: BTreeSet<String> = api
            .split("call(\"")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_string))
            .collect();
        assert_eq!(invoked, want());
    }

    #[test]
    fn docs_ipc_md_describes_every_command() {
        let doc = read("../docs/ipc.md");
        for c in COMMANDS {
            assert!(
                doc.contains(&format!("`{c}`")),
                "docs/ipc.md does not describe `{c}`"
            );
        }
    }
}
