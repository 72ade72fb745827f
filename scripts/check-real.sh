#!/usr/bin/env bash
# check-real.sh DIR: run `backchat ls --json` and `backchat show --format
# text` (default view and --all) over every export under DIR and count what a
# reader must never see: raw 【…†…】 browsing markers, private-use citation
# characters (U+E000–U+F8FF), "unsupported content" lines, plus a few
# display defects of issue 13 (raw JSON tool lines, untitled canvases,
# model-facing tool instructions, reasoning shown as a tool).
#
# Every *.json and *.zip under DIR is tried; a file `ls` refuses (side files
# such as user.json) is listed as skipped. Set BACKCHAT to use a built
# binary; otherwise ./cmd/backchat is built into a temporary directory.
set -euo pipefail
dir=${1:?usage: scripts/check-real.sh DIR}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bc=${BACKCHAT:-}
if [ -z "$bc" ]; then
	go build -o "$tmp/backchat" ./cmd/backchat
	bc=$tmp/backchat
fi

patterns=(
	'marker【†】|【[^】]*†[^】]*】'
	'private-use|[\x{E000}-\x{F8FF}]'
	'unsupported|unsupported content'
	'raw-json|^▸ .*[:)] (\{"|\[\{"|\[")|^▸ Called [^ ]+: [{\[]$'
	'canvas-untitled|Canvas: \(untitled\)'
	'tool-instructions|ChatGPTAgentToolException'
	'reasoning-as-tool|Tool output \(a8km123\)'
	'sanitised-name|t2uay3k\.sj1i4kz'
)
echo "counts: lines of show --format text (default view)/(with --all)"
printf '%-70s %5s %5s' file conv shown
for p in "${patterns[@]}"; do printf ' %s' "${p%%|*}"; done
printf '\n'
find "$dir" -type f \( -name '*.json' -o -name '*.zip' \) -not -path '*/_show/*' | sort | while read -r f; do
	name=${f#"$dir"/}
	if ! "$bc" ls --json "$f" >"$tmp/ls" 2>"$tmp/err"; then
		printf "%-70s skipped (not a conversation export)\n" "$name"
		continue
	fi
	n=$(wc -l <"$tmp/ls")
	: >"$tmp/out"
	: >"$tmp/out--all"
	shown=0
	while read -r id; do
		[ -n "$id" ] || continue
		for all in "" --all; do
			if "$bc" show --format text $all "$f" "$id" >>"$tmp/out$all" 2>>"$tmp/showerr"; then
				[ -n "$all" ] || shown=$((shown + 1))
			fi
		done
	done < <(jq -r '.id' "$tmp/ls")
	printf '%-70s %5d %5d' "$name" "$n" "$shown"
	for p in "${patterns[@]}"; do
		c=$(grep -cP -- "${p#*|}" "$tmp/out" || true)
		a=$(grep -cP -- "${p#*|}" "$tmp/out--all" || true)
		printf ' %s/%s' "$c" "$a"
	done
	printf '\n'
done
