//! Regenerates `include/chorus_pro.h` with cbindgen on every build of the library.
//!
//! The header is committed; `make check-header` fails when the committed copy differs from
//! the generated one.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=src/ffi.rs");
    println!("cargo:rerun-if-changed=src/error.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    // Versioned shared-library name: hosts link against libchorus_pro.so.MAJOR, so a
    // future incompatible release can be installed beside this one.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("set by cargo");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libchorus_pro.so.{major}");
    }

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    let output = crate_dir.join("include").join("chorus_pro.h");
    // Only the C ABI's own files are read, so that no internal constant or type of the
    // rest of the crate reaches the header: every exported name starts with chorus_.
    match cbindgen::Builder::new()
        .with_src(crate_dir.join("src").join("error.rs"))
        .with_src(crate_dir.join("src").join("ffi.rs"))
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(output);
        }
        // A syntax error in the sources is reported by rustc itself, more clearly.
        Err(error) => println!("cargo:warning=cbindgen did not generate the header: {error}"),
    }
}
