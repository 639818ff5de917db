#!/bin/sh
# layers.sh [ROOT] - fails when a project include goes against the layout's
# direction (docs/internals/layout.md):
#
#   commands -> public header -> pipeline -> parsers, detectors, typo engine -> base
#   the writer stands on base and the schema; the read-side tools in db/ on
#   base, the schema and db/read.h, never on the scan side.
#
# Every source and header under scanner/, parsers/ and db/ belongs to one
# room by its path; each `#include "..."` must name a file of the project by
# its path from the top (scanner/job.h, parsers/parsers.h) in a room its own
# room may use.  `layers.sh --self-test` checks that a wrong include fails.
set -eu

room() {
    case "$1" in
    scanner/typoleak.h) echo public ;;
    scanner/cli/*) echo cli ;;
    scanner/typo/*) echo typo ;;
    scanner/detect/*) echo detect ;;
    scanner/pipeline.c) echo pipeline ;;
    scanner/*) echo base ;;
    parsers/*) echo parsers ;;
    db/writer.*) echo writer ;;
    db/schema.h) echo schema ;;
    db/*) echo read ;;
    *) echo other ;;
    esac
}

allowed() {
    case "$1" in
    public) echo "public" ;;
    base) echo "public base" ;;
    schema) echo "public schema" ;;
    typo) echo "public base typo" ;;
    detect) echo "public base detect" ;;
    parsers) echo "public base typo detect parsers" ;;
    writer) echo "public base schema writer" ;;
    read) echo "public base schema read" ;;
    pipeline) echo "public base typo detect parsers writer pipeline" ;;
    cli) echo "public cli" ;;
    *) echo "" ;;
    esac
}

check_tree() {
    root=$1
    bad=0
    cd "$root"
    for f in $(find scanner parsers db -name '*.[ch]' | sort); do
        from=$(room "$f")
        ok=$(allowed "$from")
        # shellcheck disable=SC2013
        for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
            if [ ! -f "$inc" ]; then
                echo "layers: $f includes \"$inc\": not a path from the top of the project" >&2
                bad=1
                continue
            fi
            to=$(room "$inc")
            case " $ok " in
            *" $to "*) ;;
            *)
                echo "layers: $f ($from) includes $inc ($to): against the direction (docs/internals/layout.md)" >&2
                bad=1
                ;;
            esac
        done
    done
    return $bad
}

if [ "${1:-}" = --self-test ]; then
    here=$(cd "$(dirname "$0")/.." && pwd)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/scanner" "$tmp/parsers" "$tmp/db"
    : > "$tmp/scanner/typoleak.h"
    : > "$tmp/parsers/parsers.h"
    printf '#include "scanner/typoleak.h"\n' > "$tmp/db/report.c"
    (check_tree "$tmp") || { echo "layers: self-test: a clean tree failed" >&2; exit 1; }
    printf '#include "parsers/parsers.h"\n' >> "$tmp/db/report.c"
    if (check_tree "$tmp") 2>/dev/null; then
        echo "layers: self-test: db/report.c including parsers/parsers.h was not caught" >&2
        exit 1
    fi
    printf '#include "typoleak.h"\n' > "$tmp/db/report.c"
    if (check_tree "$tmp") 2>/dev/null; then
        echo "layers: self-test: an include not named from the top was not caught" >&2
        exit 1
    fi
    echo "layers: self-test passed"
    exit 0
fi

check_tree "${1:-$(cd "$(dirname "$0")/.." && pwd)}"
