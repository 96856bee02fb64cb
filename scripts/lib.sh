# Shared set-up for scripts/run, scripts/test and scripts/bench (sourced, not run).
# Each step checks before it acts, so a second run does almost nothing.

set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"

CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132
export PATH="$HOME/.cargo/bin:$PATH"
# The server reads the built site from here (cargo-leptos writes it).
export LEPTOS_SITE_ROOT="$REPO_ROOT/target/site"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  command -v apt-get >/dev/null || fail "apt-get is missing; install $* by hand"
  say "Installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null ||
    { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

ensure_rust() {
  command -v rustup >/dev/null || fail "rustup is missing: install Rust from https://rustup.rs"
  # rust-toolchain.toml names the toolchain and the wasm32 target; make sure
  # both are there before cargo needs them.
  local toolchain
  toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
  rustup toolchain list | grep -q "^$toolchain" || { say "Installing Rust $toolchain"; rustup toolchain install "$toolchain" --profile minimal; }
  rustup target list --installed --toolchain "$toolchain" | grep -q wasm32-unknown-unknown ||
    { say "Adding the wasm32 target"; rustup target add wasm32-unknown-unknown --toolchain "$toolchain"; }
}

ensure_cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (a few minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

# wasm-bindgen's CLI must match the library version in Cargo.lock exactly.
ensure_wasm_bindgen() {
  local wanted
  wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [ -n "$wanted" ] || fail "could not find wasm-bindgen's version in Cargo.lock"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wanted\$"; then
    say "Installing wasm-bindgen-cli $wanted (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$wanted"
  fi
}

# Release builds run wasm-opt; Debian's binaryen is too old, npm's works.
ensure_wasm_opt() {
  local version
  version=$(wasm-opt --version 2>/dev/null | sed -n 's/.*version \([0-9]*\).*/\1/p' || true)
  if [ -z "$version" ] || [ "$version" -lt 116 ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "Installing wasm-opt (binaryen $BINARYEN_VERSION) with npm"
    as_root npm install -g "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
}

ensure_node_modules() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "Installing the end2end test packages"
    # Playwright must not fetch its own browsers: Debian's chromium is used.
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
  fi
}

ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || apt_install chromium
}

psql_ok() { psql "$1" -XAtqc 'select 1' >/dev/null 2>&1; }

# Finds or starts Postgres and exports ADMIN_DATABASE_URL (a connection that
# may create databases). Order: $DATABASE_URL → a server already answering
# on the local socket → the installed Debian cluster → apt-get install.
ensure_postgres() {
  command -v psql >/dev/null || apt_install postgresql-client
  if [ -n "${DATABASE_URL:-}" ]; then
    psql_ok "$DATABASE_URL" || fail "DATABASE_URL is set but Postgres does not answer there: $DATABASE_URL"
    ADMIN_DATABASE_URL=$DATABASE_URL
    export ADMIN_DATABASE_URL
    return
  fi
  local socket_url="postgres:///postgres?host=/var/run/postgresql"
  if ! pg_isready -q -h /var/run/postgresql 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
      apt_install postgresql
    fi
    local version cluster
    read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
    say "Starting Postgres $version/$cluster"
    as_root pg_ctlcluster "$version" "$cluster" start || true
    for _ in $(seq 1 30); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done
    pg_isready -q -h /var/run/postgresql || fail "Postgres did not start; see /var/log/postgresql/"
  fi
  # Local connections authenticate by OS user: make sure ours is a superuser
  # role (it creates the databases, and the tests' throwaway ones).
  if ! psql_ok "$socket_url"; then
    say "Creating the Postgres role $(id -un)"
    if [ "$(id -u)" = 0 ]; then
      runuser -u postgres -- createuser -s "$(id -un)"
    else
      sudo -u postgres createuser -s "$(id -un)"
    fi
  fi
  ADMIN_DATABASE_URL=$socket_url
  export ADMIN_DATABASE_URL
}

# Prints a URL for database $1 on the same server as ADMIN_DATABASE_URL.
database_url_for() {
  python3 - "$ADMIN_DATABASE_URL" "$1" <<'PY'
import sys, urllib.parse as u
url, name = sys.argv[1], sys.argv[2]
p = u.urlsplit(url)
# Assembled by hand: urlunsplit drops the empty host of "postgres:///db".
print(f"{p.scheme}://{p.netloc}/{name}" + (f"?{p.query}" if p.query else ""))
PY
}

# Creates database $1 if it does not exist.
ensure_database() {
  local exists
  exists=$(psql "$ADMIN_DATABASE_URL" -XAtqc "select 1 from pg_database where datname = '$1'")
  [ "$exists" = 1 ] || { say "Creating database $1"; psql "$ADMIN_DATABASE_URL" -XAtqc "create database \"$1\"" >/dev/null; }
}

# Builds the browser worker into public/worker, where cargo-leptos picks it
# up as an asset: the reader (worker_bg.wasm, loaded when the import page
# opens) and the error report's writer (report_bg.wasm, loaded only when a
# report is asked for), each from the worker crate with its own feature.
build_worker() {
  say "Building the import worker (wasm)"
  local out=public/worker
  mkdir -p "$out"
  # The reader is built for speed, the writer (seldom loaded) for size.
  build_worker_part entry worker worker-release -O3
  build_worker_part report report wasm-release -Oz
}

# Builds the worker crate with feature $1 into public/worker/$2.js and
# $2_bg.wasm, with cargo profile $3 and wasm-opt level $4 (the crate's one
# output file is overwritten by each feature's build, so each is copied out
# at once).
build_worker_part() {
  local feature=$1 name=$2 profile=$3 level=$4 out=public/worker
  cargo build -q -p worker --lib --features "$feature" --target wasm32-unknown-unknown --profile "$profile"
  local wasm=target/wasm32-unknown-unknown/$profile/worker.wasm
  local built=target/wasm32-unknown-unknown/$profile/$name.wasm
  if [ ! -f "$built" ] || ! cmp -s "$wasm" "$built"; then cp "$wasm" "$built"; fi
  if [ ! -f "$out/${name}_bg.wasm" ] || [ "$built" -nt "$out/${name}_bg.wasm" ]; then
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" "$built"
    wasm-opt "$level" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
      "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  fi
}

# The release build: server binary, hydrating wasm, CSS, assets.
build_release() {
  build_worker
  say "Building the app (release; the first build takes several minutes)"
  cargo leptos build --release 2>&1 | (grep -v -E '^\s*(Compiling|Checking|Blocking)' || true) >&2
  precompress target/site/pkg target/site/worker
}

# Writes .br and .gz beside each wasm, JS and CSS file that changed, for the
# server to send to browsers that accept them.
precompress() {
  command -v brotli >/dev/null || apt_install brotli
  local file
  for file in $(find "$@" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \)); do
    if [ ! -f "$file.br" ] || [ "$file" -nt "$file.br" ]; then
      brotli -f -q 11 -o "$file.br" "$file"
      gzip -9 -k -f "$file"
    fi
  done
}

setup_common() {
  ensure_rust
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_postgres
}
