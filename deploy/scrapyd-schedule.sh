#!/usr/bin/env bash
# Schedule one crawl of the deployed project on scrapyd and print the job id.
# scrapyd has no timer of its own: run this from cron or a systemd timer.
#   usage: scrapyd-schedule.sh [SCRAPYD_URL [FIELD=VALUE ...]]
#     SCRAPYD_URL   default http://127.0.0.1:6800
#     FIELD=VALUE   more schedule.json fields: spider arguments (start_url=URL,
#                   host_alias=HOST:PORT) or settings (setting=CLOSESPIDER_PAGECOUNT=500)
#   environment: LIUZHOU_DB (the crawl's database), SCRAPYD_PROJECT (default liuzhou_spider)
# Exits 0 when scrapyd accepted the job, 1 otherwise; the crawl's own verdict is its row
# in v_crawl_runs (docs/scheduling.md).
set -euo pipefail
url="${1:-http://127.0.0.1:6800}"
fields=("project=${SCRAPYD_PROJECT:-liuzhou_spider}" "spider=lztz")
if [[ -n "${LIUZHOU_DB:-}" ]]; then
    fields+=("setting=LIUZHOU_DB=$LIUZHOU_DB")
fi
fields+=("${@:2}")
form=()
for field in "${fields[@]}"; do
    form+=(--data-urlencode "$field")
done
answer=$(curl --silent --show-error --fail --max-time 30 "${form[@]}" "${url%/}/schedule.json")
if [[ "$answer" != *'"status": "ok"'* ]]; then
    echo "error: scrapyd refused the job: $answer" >&2
    exit 1
fi
sed -n 's/.*"jobid": "\([^"]*\)".*/\1/p' <<<"$answer"
