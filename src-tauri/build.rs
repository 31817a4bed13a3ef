// The command names, written once (src/command_names.rs), shared with the app's own checks.
include!("src/command_names.rs");

fn main() {
    // Only the app's own commands get permissions (allow-<command>); the capability file grants
    // them (src/command_list.rs checks that it grants exactly these).
    println!("cargo:rerun-if-changed=src/command_names.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
