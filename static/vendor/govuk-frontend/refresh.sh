#!/bin/sh
# Refresh the vendored GOV.UK Frontend from its npm package: ./refresh.sh [version, default 6].
#
# Only the compiled CSS and the ES-module JS are kept, post-processed so the portal is not
# mistaken for GOV.UK: no GDS Transport font (its licence covers GOV.UK only; the CSS falls back
# to Arial), no crest, no font or image files. The output is committed, so running the portal
# needs no Node; only this script does (npm and python3).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
spec=${1:-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

cd "$work"
tarball=$(npm pack --silent "govuk-frontend@$spec" | tail -n 1)
tar -xzf "$tarball"
cp package/dist/govuk/govuk-frontend.min.css package/dist/govuk/govuk-frontend.min.js "$here/"

python3 - "$here" "$work/package" <<'PY'
import json
import re
import sys
from pathlib import Path

here, package = Path(sys.argv[1]), Path(sys.argv[2])
meta = json.loads((package / "package.json").read_text())

# The maps are not vendored; a dangling sourceMappingURL would also break collectstatic's
# manifest storage, which resolves every reference it finds.
source_map = re.compile(r"\s*(/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*)\s*$")

css_path = here / "govuk-frontend.min.css"
css = css_path.read_text()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = css.replace("GDS Transport,arial,sans-serif", "arial,sans-serif")
css = css.replace("url(/assets/images/govuk-crest.svg)", "none")
css = source_map.sub("\n", css)
for leftover in ("GDS Transport", "@font-face", "/assets/"):
    if leftover in css:
        sys.exit(f"refresh.sh: {leftover!r} is still in the CSS; this release needs a new rule here")
css_path.write_text(css)

js_path = here / "govuk-frontend.min.js"
js_path.write_text(source_map.sub("\n", js_path.read_text()))

(here / "VERSION").write_text(meta["version"] + "\n")

# The npm package declares MIT but ships no licence file; keep upstream's LICENSE.txt text.
if meta.get("license") != "MIT":
    sys.exit(f"refresh.sh: the package licence is now {meta.get('license')!r}, not MIT: check it before vendoring")
shipped = sorted(package.glob("LICEN[CS]E*"))
if shipped:
    licence = shipped[0].read_text()
else:
    licence = """The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""
(here / "LICENSE").write_text(licence)
print(f"govuk-frontend {meta['version']} vendored into {here}")
PY
