#!/bin/sh
# samedb.sh A.db B.db - whether two findings databases hold the same rows,
# compared as `sqlite3 .dump` text with what differs between any two runs
# left out: the runs row's argv, start and finish times and the build id
# (the commit that made the binary).  Used to show that
# a change of layout or speed changes nothing in what a scan records.
set -eu
dump() {
    sqlite3 "$1" .dump | sed -E "/^INSERT INTO runs VALUES/{s/^(INSERT INTO runs VALUES\([0-9]+,'[^']*',[0-9]+,)'([^']|'')*'/\1'ARGV'/; s/'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z','[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z'/'T0','T1'/; s/,'[^']*','([0-9a-f]{64})','([0-9a-f]{64})'\);$/,'BUILD','\1','\2');/}"
}
a=$(mktemp); b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
dump "$1" > "$a"
dump "$2" > "$b"
if cmp -s "$a" "$b"; then
    echo "samedb: $1 and $2 hold the same rows ($(wc -l < "$a") lines of dump)"
else
    diff "$a" "$b" | head -40
    echo "samedb: $1 and $2 differ" >&2
    exit 1
fi
