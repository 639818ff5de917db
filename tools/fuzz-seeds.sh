#!/bin/sh
# fuzz-seeds.sh OUTDIR - the seed corpora of the libFuzzer harnesses
# (tests/fuzz/), from ../shared/corpora, tests/fixtures and data/: at most
# 200 files each (every k-th of the sorted candidates), so that `make check`
# runs each harness over its seeds in seconds.  tests/fuzz/regress/NAME/
# (crashes found, named after what they were) is added by the Makefile.
set -eu
out=$1
corpora=${TL_CORPORA:-../shared/corpora}
[ -d "$corpora" ] || corpora=/nonexistent
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
pick() {    # pick NAME: file names on stdin, at most 200, copied to $out.tmp/NAME
    mkdir -p "$out.tmp/$1"
    sort | awk -v max=200 '{ a[NR] = $0 } END { k = NR > max ? NR / max : 1; for (i = 1; i <= NR; i += k) print a[int(i)] }' |
    while IFS= read -r f; do
        cp "$f" "$out.tmp/$1/$(printf '%s' "$f" | sha256sum | cut -c1-16)"
    done
}
small() { find "$@" -type f -size -300k 2>/dev/null; }
small "$corpora" tests/fixtures | pick message
small "$corpora" tests/fixtures | xargs grep -l '^From ' 2>/dev/null | pick mbox
small "$corpora" tests/fixtures | xargs grep -li '<html\|<body\|<div' 2>/dev/null | pick html
small tests/fixtures/classify "$corpora" | xargs grep -l 'SSN\|[0-9]\{3\}-[0-9]\{2\}-[0-9]\{4\}\|CUI\|SECRET\|password\|key' 2>/dev/null | pick detect
{ small "$corpora" | while IFS= read -r f; do
      case $(head -c 4 "$f" | od -An -tx1 | tr -d ' ') in
          504b0304*|1f8b*|377abcaf*|425a68*|fd377a58*) echo "$f" ;;
      esac
  done
  small "$corpora" | grep '\.mbox$'
} | pick archive
tar -czf "$out.tmp/archive/fixtures.tgz" -C tests/fixtures classify
python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir("tests/fixtures/classify"))[:6]:
        z.write(os.path.join("tests/fixtures/classify", f), "cur/" + f)' "$out.tmp/archive/maildir.zip"
mkdir -p "$out.tmp/typo"
grep -v '^#' data/protected-domains.txt data/allowlist.txt | cut -d: -f2 | awk 'NF && NR % 3 == 1 { print }' | head -150 |
    while IFS= read -r d; do printf '%s' "$d" > "$out.tmp/typo/$(printf '%s' "$d" | sha256sum | cut -c1-16)"; done
for d in armyy.mil army.ml gmial.com navy.mi1 xn--80ak6aa92e.com "a..b" "-x-.com" ""; do
    printf '%s' "$d" > "$out.tmp/typo/$(printf '%s' "$d" | sha256sum | cut -c1-16)"
done
rm -rf "$out" && mv "$out.tmp" "$out"
for n in "$out"/*; do echo "fuzz-seeds: $(basename "$n"): $(ls "$n" | wc -l) files"; done
