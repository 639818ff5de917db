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
# The walker's seeds: every container it reads by its magic (zip, gzip,
# 7z, bzip2, xz, zstd, rar, tar; Outlook PST/OST, .msg, TNEF), from the
# corpora and the fixtures, and mbox files.
{ small "$corpora" tests/fixtures | while IFS= read -r f; do
      case $(head -c 4 "$f" | od -An -tx1 | tr -d ' ') in
          504b0304*|1f8b*|377abcaf*|425a68*|fd377a58*|28b52ffd*|52617221*|d0cf11e0*|2142444e*|789f3e22*) echo "$f" ;;
          *) [ "$(tail -c +258 "$f" | head -c 5)" = ustar ] && echo "$f" ;;
      esac
  done
  small "$corpora" | grep '\.mbox$'
} | pick archive
tar -czf "$out.tmp/archive/fixtures.tgz" -C tests/fixtures classify
python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir("tests/fixtures/classify"))[:6]:
        z.write(os.path.join("tests/fixtures/classify", f), "cur/" + f)' "$out.tmp/archive/maildir.zip"
# The attachment extractors: files of tests/fixtures/attach and
# ../shared/corpora, and the attachments of the corpora's messages
# (decoded by Python's email package), sorted to a harness by their magic.
python3 - "$out.tmp" tests/fixtures/attach "$corpora" <<'PY'
import email, email.policy, hashlib, os, sys
out, roots = sys.argv[1], sys.argv[2:]
kinds = ("pdf", "office", "cal", "tnef", "rtf", "image")
found = {k: {} for k in kinds}
def kind(b):
    h = b[:1024].lstrip()
    if b"%PDF-" in b[:1024]: return "pdf"
    if b[:4] == b"PK\x03\x04" and any(m in b[:65536] for m in (b"word/", b"xl/", b"ppt/", b"[Content_Types].xml", b"opendocument")): return "office"
    if h[:15].upper() in (b"BEGIN:VCALENDAR", ) or h[:11].upper() == b"BEGIN:VCARD": return "cal"
    if b[:4] == b"\x78\x9f\x3e\x22": return "tnef"
    if h[:5] == b"{\\rtf": return "rtf"
    if b[:3] == b"\xff\xd8\xff" or b[:8] == b"\x89PNG\r\n\x1a\n" or b[:4] in (b"GIF8", b"II*\x00", b"MM\x00*"): return "image"
    return None
def add(b):
    k = kind(b)
    if k and 0 < len(b) <= 300 * 1024:
        found[k][hashlib.sha256(b).hexdigest()[:16]] = b
for root in roots:
    for d, _, fs in sorted(os.walk(root)):
        for f in sorted(fs):
            p = os.path.join(d, f)
            try:
                if os.path.getsize(p) > 2 * 1024 * 1024: continue
                b = open(p, "rb").read()
            except OSError:
                continue
            add(b)
            if b"Content-Transfer-Encoding" not in b and b"content-transfer-encoding" not in b: continue
            try:
                for part in email.message_from_bytes(b, policy=email.policy.compat32).walk():
                    if not part.is_multipart():
                        pl = part.get_payload(decode=True)
                        if pl: add(pl)
            except Exception:
                pass
for k in kinds:
    os.makedirs(os.path.join(out, k), exist_ok=True)
    names = sorted(found[k])
    step = max(1, len(names) / 200)
    for i in range(min(200, len(names))):
        n = names[int(i * step)]
        open(os.path.join(out, k, n), "wb").write(found[k][n])
PY
mkdir -p "$out.tmp/typo"
grep -v '^#' data/protected-domains.txt data/allowlist.txt | cut -d: -f2 | awk 'NF && NR % 3 == 1 { print }' | head -150 |
    while IFS= read -r d; do printf '%s' "$d" > "$out.tmp/typo/$(printf '%s' "$d" | sha256sum | cut -c1-16)"; done
for d in armyy.mil army.ml gmial.com navy.mi1 xn--80ak6aa92e.com "a..b" "-x-.com" ""; do
    printf '%s' "$d" > "$out.tmp/typo/$(printf '%s' "$d" | sha256sum | cut -c1-16)"
done
rm -rf "$out" && mv "$out.tmp" "$out"
for n in "$out"/*; do echo "fuzz-seeds: $(basename "$n"): $(ls "$n" | wc -l) files"; done
