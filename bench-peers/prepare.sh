#!/usr/bin/env bash
# Builds bench-peers/vendor/mls-rs-crypto-awslc, the [patch] that lets
# mls-rs-crypto-awslc 0.27 share one aws-lc-rs with our backend: its
# published sources (fetched from crates.io by cargo, not kept in this
# repository) under our manifest `mls-rs-crypto-awslc.toml`, which relaxes
# its `=1.18.1` aws-lc-rs pin. Run once before building bench-peers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/vendor/mls-rs-crypto-awslc"
version=0.27.0
if [ -f "$dest/src/lib.rs" ]; then
    cp "$here/mls-rs-crypto-awslc.toml" "$dest/Cargo.toml"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
touch "$tmp/src/lib.rs"
cat > "$tmp/Cargo.toml" <<TOML
[package]
name = "fetch-mls-rs-crypto-awslc"
version = "0.0.0"
edition = "2021"

[workspace]

[dependencies]
mls-rs-crypto-awslc = "=$version"
TOML
# Alone, the published crate resolves; cargo puts its sources in the registry cache.
cargo fetch --quiet --manifest-path "$tmp/Cargo.toml"
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"mls-rs-crypto-awslc-$version" | head -n 1)
mkdir -p "$dest"
cp -r "$src/src" "$dest/src"
cp "$here/mls-rs-crypto-awslc.toml" "$dest/Cargo.toml"
echo "prepared $dest from $src"
