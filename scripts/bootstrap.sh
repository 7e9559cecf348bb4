# Sourced by scripts/demo and scripts/test: find Python 3.11+, get uv, sync the locked environment.
# Needs only python3 and pip; says in one line what is missing otherwise.

fail() { echo "$(basename "$0"): $*" >&2; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.." || fail "cannot enter the project folder"

command -v python3 >/dev/null 2>&1 || fail "python3 is missing: install Python 3.11 or newer (Debian: sudo apt-get install python3 python3-pip)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || fail "Python 3.11 or newer is needed, found $(python3 --version 2>&1)"

# uv must use this Python, never download one, and trust the system's certificates.
export UV_PYTHON_DOWNLOADS=never
export UV_SYSTEM_CERTS=1
UV_PYTHON="$(python3 -c 'import sys; print(sys._base_executable)')"
export UV_PYTHON

find_uv() {
  if command -v uv >/dev/null 2>&1; then UV=uv; return 0; fi
  # uv installed with pip but its folder not on the PATH: the package knows where it put it.
  UV="$(python3 -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null)" && [ -x "$UV" ]
}

if ! find_uv; then
  echo "Installing uv (the project's package manager) with pip..." >&2
  # Debian's own Python refuses --user installs unless told; uv in the user's folder is harmless.
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
    || true
  find_uv || fail "could not install uv with pip: run 'python3 -m pip install uv' and try again"
fi
export UV

"$UV" sync --locked --quiet || fail "could not install the project's packages (uv sync failed, above)"

# PDFs (survey reports, letters, minutes) are drawn by WeasyPrint, which needs Pango, and the
# Noto fonts, without which Gurmukhi and Devanagari names print as empty boxes.
pdf_ready() {
  "$UV" run --locked python -c 'import weasyprint' >/dev/null 2>&1 \
    && fc-list 2>/dev/null | grep "NotoSansGurmukhi" >/dev/null  # not -q: under pipefail an
                                                                # early exit fails fc-list
}
if ! pdf_ready; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Pango and the Noto fonts for PDFs..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fontconfig >/dev/null) \
      || fail "could not install Pango and the Noto fonts with apt-get"
  else
    fail "PDFs need Pango and the Noto fonts: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core"
  fi
fi
