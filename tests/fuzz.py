#!/usr/bin/env python3
"""Mutation fuzzing of the whole scan path: `make fuzz`.

Takes files of ../shared/corpora, mutates them (truncation, byte flips,
inserted separators, MIME fragments, NULs, repeats, archive wrapping and
corruption), writes them to a folder and scans it with the AddressSanitizer
build, then runs `typoleak audit` over the database.  A crash, a sanitizer
report, a non-zero exit or an audit that finds a loss fails the run.
Deterministic for a seed: `make fuzz FUZZ_SEED=N FUZZ_FILES=M`.
"""
import io, os, random, subprocess, sys, tarfile, tempfile, zipfile, gzip

seed = int(os.environ.get("FUZZ_SEED", "1"))
count = int(os.environ.get("FUZZ_FILES", "300"))
corpora = os.environ.get("TL_CORPORA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpora"))
binary = os.environ.get("TYPOLEAK", "./typoleak-asan")
if not os.path.isdir(corpora):
    print(f"fuzz: {corpora} is absent; nothing to fuzz")
    sys.exit(0)

rnd = random.Random(seed)
# the corpora, and the classification fixtures so that mutated markings,
# rosters and credentials reach every detector
fixtures = os.path.join(os.path.dirname(__file__), "fixtures", "classify")
src = sorted(os.path.join(r, f) for top in (corpora, fixtures) for r, _, fs in os.walk(top) for f in fs
             if os.path.getsize(os.path.join(r, f)) < 600_000)
src += [f for f in src if f.startswith(fixtures)] * 20
rnd.shuffle(src)
INSERTS = [b"\nFrom x Mon Jan  1 00:00:00 2001\nTo: a@army.ml\n\n", b'Content-Type: multipart/mixed; boundary="',
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n"
           b"Content-Type: message/delivery-status\n\n", b"=?utf-8?q?", b"\x00" * 64, b"Content-Length: 99999999\n",
           b"\n\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"From - \n", b"begin 644 x\n", b"\xff\xfe" * 20]

def mutate(d):
    d = bytearray(d)
    for _ in range(rnd.randint(1, 3)):
        op = rnd.randint(0, 5)
        if op == 0 and len(d) > 10:
            d = d[:rnd.randint(1, len(d) - 1)]
        elif op == 1:
            for _ in range(rnd.randint(1, 50)):
                if d:
                    d[rnd.randrange(len(d))] = rnd.randrange(256)
        elif op == 2:
            i = rnd.randrange(len(d) + 1)
            d[i:i] = rnd.choice(INSERTS)
        elif op == 3:
            d = d * rnd.randint(2, 3)
        elif op == 4 and len(d) > 20:
            i, j = rnd.randrange(len(d)), rnd.randrange(len(d))
            d[i:i] = d[j:j + rnd.randint(1, 500)]
        else:
            i = rnd.randrange(len(d) + 1)
            d[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 64)))
    return bytes(d)

def wrap(files):
    bio = io.BytesIO()
    kind = rnd.choice(["zip", "tgz", "gz", "nested"])
    if kind == "zip":
        with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
            for i, f in enumerate(files):
                z.writestr(f"m{i}", f)
    elif kind == "tgz":
        with tarfile.open(fileobj=bio, mode="w:gz") as t:
            for i, f in enumerate(files):
                ti = tarfile.TarInfo(f"d/m{i}")
                ti.size = len(f)
                t.addfile(ti, io.BytesIO(f))
    elif kind == "gz":
        bio.write(gzip.compress(files[0]))
    else:
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as z:
            for i, f in enumerate(files):
                z.writestr(f"m{i}", f)
        with tarfile.open(fileobj=bio, mode="w:gz") as t:
            ti = tarfile.TarInfo("inner.zip")
            ti.size = len(inner.getvalue())
            t.addfile(ti, io.BytesIO(inner.getvalue()))
    return bio.getvalue()

with tempfile.TemporaryDirectory(prefix="typoleak-fuzz-") as tmp:
    folder = os.path.join(tmp, "in")
    os.mkdir(folder)
    for n in range(count):
        data = open(src[n % len(src)], "rb").read()
        out = mutate(data)
        if n % 5 == 0:
            out = wrap([out, mutate(open(rnd.choice(src), "rb").read())])
            if rnd.random() < 0.5:
                out = mutate(out)
        with open(os.path.join(folder, f"f{n:05d}"), "wb") as fh:
            fh.write(out)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=1", UBSAN_OPTIONS="halt_on_error=1")
    r = subprocess.run([binary, "scan", folder, "--db", os.path.join(tmp, "f.db"), "-j", "2", "--quiet", "--classify", "all"],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0 or "ERROR" in r.stderr or "runtime error" in r.stderr:
        print(r.stderr[-4000:])
        print(f"fuzz: FAILED (seed {seed}, {count} files, exit {r.returncode})")
        sys.exit(1)
    # the accounting must hold on hostile input too (docs/cli/audit.md)
    a = subprocess.run([binary, "audit", "--db", os.path.join(tmp, "f.db")], env=env, capture_output=True, text=True)
    if a.returncode != 0:
        print(a.stdout[-4000:] + a.stderr[-2000:])
        print(f"fuzz: AUDIT FAILED (seed {seed}, {count} files, exit {a.returncode})")
        sys.exit(1)
    import sqlite3
    db = sqlite3.connect(os.path.join(tmp, "f.db"))
    occ = db.execute("SELECT count(*) FROM occurrences").fetchone()[0]
    err = db.execute("SELECT count(*) FROM errors").fetchone()[0]
    print(f"fuzz: seed {seed}, {count} mutated files scanned cleanly and audited: {occ} messages, {err} error rows")
