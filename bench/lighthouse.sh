#!/usr/bin/env bash
# Lighthouse (mobile) for the landing page, an application's task list and a panellist's review page.
#
#   cd bench && npm ci && cd ..
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_portal bench/lighthouse.sh
#
# The database must hold generated data (bench/generate.py). The portal is served by gunicorn
# (2 workers) on 127.0.0.1:8130; signed-in pages get a minted session cookie. Reports go to
# bench/results/lighthouse-<page>.json; the scores are printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a database filled by bench/generate.py}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export SECRET_KEY="bench-only-secret-key-not-for-any-real-portal-0001" PORTAL_ENV=development PYTHONPATH="$PWD"
PORT=8130
mkdir -p bench/results
pages="$(.venv/bin/python bench/lighthouse_pages.py)"
.venv/bin/gunicorn -w 2 -b "127.0.0.1:$PORT" wsgi:app >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.2; done
while IFS=$'\t' read -r name path cookie; do
  headers="{}"
  if [ -n "$cookie" ]; then headers="{\"Cookie\": \"$cookie\"}"; fi
  bench/node_modules/.bin/lighthouse "http://127.0.0.1:$PORT$path" \
    --quiet --form-factor=mobile --screenEmulation.mobile \
    --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless --no-sandbox --disable-gpu" \
    --extra-headers="$headers" \
    --output=json --output-path="bench/results/lighthouse-$name.json"
done <<<"$pages"
.venv/bin/python - <<'PY'
import json
from pathlib import Path

for name in ("landing", "task-list", "review"):
    report = json.loads(Path(f"bench/results/lighthouse-{name}.json").read_text())
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    print(name, report["finalDisplayedUrl"], scores)
PY
