#!/usr/bin/env bash
# torture.sh: builds hostile inputs (ZIP bombs, damaged ZIPs and JSON, a
# million-message conversation) and prints, for each, the exit code of
# `backchat ls`, the conversations listed against those in the input, the
# peak RSS and the wall time (GNU time). Issue 12.
#
#   scripts/torture.sh [WORKDIR]     (default: ${TMPDIR:-/tmp}/backchat-torture)
#
# Needs go, python3 and /usr/bin/time. Inputs are rebuilt only when missing;
# the bombs take a minute and ~6 MB of disk; the rest ~400 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-${TMPDIR:-/tmp}/backchat-torture}
mkdir -p "$W"
go build -o "$W/backchat" ./cmd/backchat
go build -o "$W/backchat-gen" ./cmd/backchat-gen
BC="$W/backchat"

declare -a ROWS
# run NAME FILE EXPECTED NOTE: one row of the table.
run() {
	local name=$1 file=$2 want=$3 note=${4:-}
	local out="$W/$name.out" err="$W/$name.err" tm="$W/$name.time" code=0
	/usr/bin/time -f '%M %e' -o "$tm" timeout 300 "$BC" ls "$file" >"$out" 2>"$err" || code=$?
	local kept rss wall
	kept=$(grep -c . "$out" || true)
	# GNU time writes "Command exited with non-zero status N" (or "…terminated
	# by signal N") before its figures: they are on the last line.
	read -r rss wall < <(tail -n 1 "$tm") || true
	[[ ${rss:-} =~ ^[0-9]+$ ]] || { rss=0; wall=?; }
	ROWS+=("$(printf '%-28s %4s %9s %9s %7s  %s' "$name" "$code" "$kept/$want" "$((rss / 1024)) MB" "${wall}s" "$note")")
	echo "  $name: exit $code, $kept/$want, $((rss / 1024)) MB, ${wall}s; $(tail -1 "$err" | cut -c1-160)" >&2
}

# gen OUT SIZE SEED [-zip]: a generated export and its conversation count (OUT.count).
gen() {
	local out=$1 size=$2 seed=$3; shift 3
	[ -s "$out.count" ] && [ -s "$out" ] && return
	"$W/backchat-gen" "$@" -out "$out" -size "$size" -seed "$seed" -no-huge 2>&1 | grep -o '[0-9]* conversations' | grep -o '[0-9]*' >"$out.count"
}

echo "building inputs in $W" >&2
gen "$W/base.json" 20MB 7
gen "$W/base.zip" 20MB 7 -zip
N=$(cat "$W/base.json.count")

python3 - "$W" <<'PY'
import os, random, struct, sys, zipfile, zlib
W = sys.argv[1]
def conv(i, text="hello"):
    return ('{"title": "T%d", "create_time": %d.0, "update_time": %d.0, "mapping": {"r%d": {"id": "r%d", "message": null, "parent": null, "children": ["m%d"]}, "m%d": {"id": "m%d", "message": {"id": "m%d", "author": {"role": "user"}, "content": {"content_type": "text", "parts": ["%s"]}}, "parent": "r%d", "children": []}}, "current_node": "m%d", "id": "c%d"}'
            % (i, 1700000000 + i, 1700000000 + i, i, i, i, i, i, i, text, i, i, i))
def out(name):
    return os.path.join(W, name)
def exists(name):
    return os.path.exists(out(name)) and os.path.getsize(out(name)) > 0

# 1. 5 GiB of spaces between conversations (ZIP bomb), plus a second shard.
if not exists("bomb-spaces.zip"):
    with zipfile.ZipFile(out("bomb-spaces.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("conversations-000.json", "w", force_zip64=True) as f:
            f.write(("[" + conv(1) + ", " + conv(2) + ",").encode())
            chunk = b" " * (64 << 20)
            for _ in range(80):
                f.write(chunk)
            f.write((conv(3) + ", " + conv(4) + "]").encode())
        z.writestr("conversations-001.json", "[" + ", ".join(conv(i) for i in range(10, 20)) + "]")
# 2. One 1 GiB string in a ZIP, plus a second shard.
if not exists("bomb-string.zip"):
    with zipfile.ZipFile(out("bomb-string.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("conversations-000.json", "w", force_zip64=True) as f:
            f.write(("[" + conv(1) + ", " + conv(2, "")[:-len('"]}}, "parent": "r2", "children": []}}, "current_node": "m2", "id": "c2"}')]).encode())
            chunk = b"x" * (64 << 20)
            for _ in range(16):
                f.write(chunk)
            f.write(('"]}}, "parent": "r2", "children": []}}, "current_node": "m2", "id": "c2"}, ' + conv(3) + "]").encode())
        z.writestr("conversations-001.json", "[" + ", ".join(conv(i) for i in range(10, 20)) + "]")
# 3. Damaged copies of the generated ZIP and JSON.
z = open(out("base.zip"), "rb").read()
j = open(out("base.json"), "rb").read()
def put(name, data):
    open(out(name), "wb").write(data)
put("zip-cut-half.zip", z[: len(z) // 2])
put("zip-cut-90pct.zip", z[: len(z) * 9 // 10])
cd = z.rfind(b"PK\x01\x02")
end = z.rfind(b"PK\x05\x06")
d = bytearray(z); d[end + 16] ^= 0x40; put("zip-flip-end-record.zip", bytes(d))
d = bytearray(z); first_cd = z.find(b"PK\x01\x02"); d[first_cd + 46] ^= 0x20; put("zip-flip-directory.zip", bytes(d))
d = bytearray(z)
i = first_cd
while i >= 0:  # conversations.json's directory entry: sizes -> 1 TiB-ish (0xFFFFFFFE)
    n = struct.unpack_from("<H", d, i + 28)[0]
    if d[i + 46 : i + 46 + n].endswith(b"conversations.json"):
        struct.pack_into("<II", d, i + 20, 0xFFFFFFFE, 0xFFFFFFFE)
    i = z.find(b"PK\x01\x02", i + 4)
put("zip-size-lies.zip", bytes(d))
d = bytearray(z); k = z.find(b"conversations.json") + 40 + len(z) // 4; d[k] ^= 0x01; put("zip-flip-deflate-data.zip", bytes(d))
q = j.find(b'", "create_time"', len(j) // 3)
put("json-bad-byte.json", j[:q] + b"\x91" + j[q + 1 :])
rnd = random.Random(20)
d = bytearray(j)
for p in rnd.sample(range(len(j)), 20):
    d[p] ^= rnd.randrange(1, 256)
put("json-20-flips.json", bytes(d))
b = j.find(b'}, {"title"', len(j) // 2) + 2
put("json-stray-bracket.json", j[:b] + b"] " + j[b:])
put("json-nul-nul.json", j[:b] + b"\0\0" + j[b:])
put("json-two-arrays.json", j + j.replace(b'"id": "', b'"id": "x'))
put("json-cut-half.json", j[: len(j) // 2])
# 4. A conversation of 1,000,000 messages in one chain.
if not exists("chain-1m.json"):
    with open(out("chain-1m.json"), "w") as f:
        n = 1000000
        f.write('[{"title": "Chain of %d messages", "create_time": 1735689600.0, "update_time": %.1f, "mapping": {"n0": {"id": "n0", "message": null, "parent": null, "children": ["n1"]}' % (n, 1735689600.0 + n))
        buf = []
        for i in range(1, n + 1):
            role = "assistant" if i % 2 == 0 else "user"
            child = '"n%d"' % (i + 1) if i < n else ""
            buf.append(', "n%d": {"id": "n%d", "message": {"id": "n%d", "author": {"role": "%s"}, "create_time": %.1f, "content": {"content_type": "text", "parts": ["message %d"]}}, "parent": "n%d", "children": [%s]}' % (i, i, i, role, 1735689600.0 + i, i, i - 1, child))
            if len(buf) == 10000:
                f.write("".join(buf)); buf = []
        f.write("".join(buf))
        f.write('}, "current_node": "n%d", "id": "chain-%d"}]' % (n, n))
# 5. Sizes that lie, one level down from zip-size-lies: the directory of an
# entry streamed with a data descriptor declares one byte more, twice as
# much, or half (loader/ziplocal.go openEntry).
def patch_usize(data, f):
    d = bytearray(data)
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", d, i + 28)[0]
        if d[i + 46 : i + 46 + n].endswith(b"conversations.json"):
            struct.pack_into("<I", d, i + 24, f(struct.unpack_from("<I", d, i + 24)[0]))
        i = data.find(b"PK\x01\x02", i + 4)
    return bytes(d)
put("zip-size-plus-one.zip", patch_usize(z, lambda u: u + 1))
put("zip-size-double.zip", patch_usize(z, lambda u: 2 * u))
put("zip-size-half.zip", patch_usize(z, lambda u: u // 2))
# 6. An inner ZIP bomb: a deflated inner ZIP holding 1 GiB of stored zeros
# (~1 MB), beside one real conversation.
if not exists("inner-bomb.zip"):
    with zipfile.ZipFile(out("inner-bomb.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z6:
        z6.writestr("conversations.json", "[" + conv(1) + "]")
        with z6.open("Conversations__x-part-001.zip", "w", force_zip64=True) as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as inner:
                inner.writestr("conversations.json", "[" + conv(2) + "]")
                with inner.open("padding.bin", "w", force_zip64=True) as g:
                    chunk = b"\0" * (64 << 20)
                    for _ in range(16):
                        g.write(chunk)
# 7. 5,000 tiny shards in one ZIP; a folder of shards with 001 and 005-009 missing.
if not exists("shards-5000.zip"):
    with zipfile.ZipFile(out("shards-5000.zip"), "w", zipfile.ZIP_DEFLATED) as z7:
        for i in range(5000):
            z7.writestr("conversations-%03d.json" % i, "[" + conv(i) + "]")
# A directory flip that turns one shard's name into another's
# (conversations-001 -> -000): the local header's name is kept.
if not exists("zip-flip-shard-name.zip"):
    import io
    mem = io.BytesIO()
    with zipfile.ZipFile(mem, "w", zipfile.ZIP_DEFLATED) as z7:
        for s in range(3):
            z7.writestr("conversations-%03d.json" % s, "[" + ", ".join(conv(10 * s + i) for i in range(10)) + "]")
    d = bytearray(mem.getvalue())
    k = d.find(b"conversations-001.json", d.find(b"PK\x01\x02"))
    d[k + len("conversations-00")] = ord("0")
    put("zip-flip-shard-name.zip", bytes(d))
os.makedirs(out("shards-gaps"), exist_ok=True)
for i in (0, 2, 3, 4, 10):
    open(os.path.join(out("shards-gaps"), "conversations-%03d.json" % i), "w").write("[" + conv(i) + "]")
# 8. Hostile names and strings: ZIP entries named ../, absolute, with
# control characters; titles and ids with terminal escapes, NUL, bidi
# overrides, 1 MB of text.
hostile = ["\x1b[2J\x1b]0;pwned\x07", "\u202egnp.exe", "nul\x00in", "../../etc/passwd", "A" * (1 << 20)]
import json as _json
with zipfile.ZipFile(out("hostile-names.zip"), "w", zipfile.ZIP_DEFLATED) as z8:
    for k, name in enumerate(["../../conversations.json", "/etc/conversations.json", "a/../../b/conversations.json", "dir\x1b[31m\r/conversations.json"]):
        z8.writestr(name, "[" + conv(100 + k) + "]")
    z8.writestr("../../../etc/passwd", "root:x:0:0")
with open(out("hostile-strings.json"), "w") as f:
    items = []
    for k, h in enumerate(hostile):
        e = _json.dumps(h)[1:-1]
        items.append(conv(200 + k).replace('"title": "T%d"' % (200 + k), '"title": "%s"' % e).replace('"id": "c%d"' % (200 + k), '"id": "%s"' % e))
    f.write("[" + ", ".join(items) + "]")
PY
[ -p "$W/fifo.json" ] || mkfifo "$W/fifo.json"

echo "running backchat ls on each" >&2
run bomb-spaces.zip "$W/bomb-spaces.zip" 14 "5 GiB of spaces between conversations (2 before, 2 after) + a 10-conversation shard"
run bomb-string.zip "$W/bomb-string.zip" 13 "a 1 GiB string in conversation 2 of 3 + a 10-conversation shard"
run zip-intact.zip "$W/base.zip" "$N" "the generated 20 MB export, intact"
run zip-cut-half.zip "$W/zip-cut-half.zip" "$N" "cut at 50%: what precedes the cut should load"
run zip-cut-90pct.zip "$W/zip-cut-90pct.zip" "$N" "cut at 90%"
run zip-flip-end-record.zip "$W/zip-flip-end-record.zip" "$N" "one flipped byte in the directory's end record"
run zip-flip-directory.zip "$W/zip-flip-directory.zip" "$N" "one flipped byte in a directory entry's name"
run zip-size-lies.zip "$W/zip-size-lies.zip" "$N" "directory declares ~4 GiB sizes for conversations.json"
run zip-flip-deflate-data.zip "$W/zip-flip-deflate-data.zip" "$N" "one flipped byte in the deflated data (not resumable)"
run json-intact.json "$W/base.json" "$N" "the generated 20 MB export"
run json-bad-byte.json "$W/json-bad-byte.json" "$N" "one '\"' set to 0x91"
run json-20-flips.json "$W/json-20-flips.json" "$N" "20 random byte flips (property: >= N-21)"
run json-stray-bracket.json "$W/json-stray-bracket.json" "$N" "a stray ']' between conversations"
run json-nul-nul.json "$W/json-nul-nul.json" "$N" "\\0\\0 between conversations"
run json-two-arrays.json "$W/json-two-arrays.json" "$((2 * N))" "two arrays concatenated"
run json-cut-half.json "$W/json-cut-half.json" "$N" "cut at 50%"
run chain-1m.json "$W/chain-1m.json" 1 "one conversation of 1,000,000 messages"
run zip-size-plus-one.zip "$W/zip-size-plus-one.zip" "$N" "directory declares conversations.json 1 byte larger (data descriptor)"
run zip-size-double.zip "$W/zip-size-double.zip" "$N" "directory declares it twice its size"
run zip-size-half.zip "$W/zip-size-half.zip" "$N" "directory declares it half its size"
run inner-bomb.zip "$W/inner-bomb.zip" 1 "a deflated inner ZIP of 1 GiB of zeros (~1 MB): refused unpacked, warned"
run shards-5000.zip "$W/shards-5000.zip" 5000 "5,000 tiny shards in a ZIP"
run shards-gaps "$W/shards-gaps" 5 "shards 000,002-004,010: two gaps warned"
run zip-flip-shard-name.zip "$W/zip-flip-shard-name.zip" 30 "3 shards, the directory names -001 as -000: local header's name kept, told"
run hostile-names.zip "$W/hostile-names.zip" 4 "entries named ../, /abs, a/../../b, with ESC and CR; one named ../../../etc/passwd"
run hostile-strings.json "$W/hostile-strings.json" 5 "titles and ids with ESC, bidi override, NUL, ../, 1 MB"
# A FIFO must be refused at once, not waited on (timeout: the row says 124).
run fifo.json "$W/fifo.json" 0 "a named pipe given as the export (refused; 124 = it blocked)"

# --- huge PTY over SSH ---------------------------------------------------
# The browser over SSH with hostile terminal sizes (4000x4000 PTY, a window
# change to 10000x10000, a typed size report, 16 sessions at once) is
# scripts/torture-ssh.sh, which prints its own table (server alive, sizes
# capped, peak RSS). SSH=0 skips it (it needs ssh, ssh-keygen and script).

printf '\n%-28s %4s %9s %9s %7s  %s\n' input exit kept/want "peak RSS" wall note
printf '%s\n' "${ROWS[@]}"

if [ "${SSH:-1}" != 0 ]; then
	echo
	BACKCHAT_BIN="$BC" MEM_LIMIT_MB="${MEM_LIMIT_MB:-3000}" scripts/torture-ssh.sh
fi
