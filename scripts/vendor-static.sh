#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry. Users may be offline, so the
# application never loads anything from a CDN; run this only to upgrade a library.
set -euo pipefail
BOOTSTRAP=5.3.8 HTMX=2.0.7 ICONS=1.13.1 CHARTJS=4.6.1
dest="$(cd "$(dirname "$0")/.." && pwd)/src/frpdesk/core/static/vendor"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "bootstrap-icons@$ICONS" \
  "chart.js@$CHARTJS" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/bootstrap-icons/fonts" "$dest/chartjs"
cp "bootstrap-$BOOTSTRAP"/package/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP"/package/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP"/package/LICENSE "$dest/bootstrap/"
cp "htmx.org-$HTMX"/package/dist/htmx.min.js "htmx.org-$HTMX"/package/LICENSE "$dest/htmx/"
cp "bootstrap-icons-$ICONS"/package/font/bootstrap-icons.min.css "bootstrap-icons-$ICONS"/package/LICENSE "$dest/bootstrap-icons/"
cp "bootstrap-icons-$ICONS"/package/font/fonts/bootstrap-icons.woff* "$dest/bootstrap-icons/fonts/"
cp "chart.js-$CHARTJS"/package/dist/chart.umd.min.js "chart.js-$CHARTJS"/package/LICENSE.md "$dest/chartjs/"
echo "vendored bootstrap $BOOTSTRAP, htmx $HTMX, bootstrap-icons $ICONS, chart.js $CHARTJS into $dest"
