//! Finds libgioexport for the linker: in $GIOEXPORT_LIB_DIR when it is set,
//! else through `pkg-config gioexport`, which also checks the version.

use std::env;
use std::process::Command;

/// The oldest library this crate is written for, as pkg-config compares it.
const MIN_VERSION: &str = "0.1.0";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=GIOEXPORT_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");

    if let Some(dir) = env::var_os("GIOEXPORT_LIB_DIR") {
        println!("cargo:rustc-link-search=native={}", dir.to_string_lossy());
        println!("cargo:rustc-link-lib=dylib=gioexport");
        return;
    }

    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let version_ok = Command::new(&pkg_config)
        .args(["--atleast-version", MIN_VERSION, "gioexport"])
        .status()
        .unwrap_or_else(|e| fail(&format!("could not run {pkg_config}: {e}")));
    if !version_ok.success() {
        fail(&format!(
            "{pkg_config} found no gioexport {MIN_VERSION} or newer; set PKG_CONFIG_PATH \
             (for a Meson build directory: BUILD/meson-uninstalled) or GIOEXPORT_LIB_DIR"
        ));
    }
    let output = Command::new(&pkg_config)
        .args(["--libs", "gioexport"])
        .output()
        .unwrap_or_else(|e| fail(&format!("could not run {pkg_config}: {e}")));
    if !output.status.success() {
        fail(&format!(
            "{pkg_config} --libs gioexport failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }

    let flags = String::from_utf8_lossy(&output.stdout);
    for flag in flags.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        } else if let Some(name) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={name}");
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("gioexport build script: {message}");
    std::process::exit(1);
}
