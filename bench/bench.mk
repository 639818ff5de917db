# bench.mk - make fragment for the typoleak benchmark, included by the top-level
# Makefile.  `make bench` builds ./typoleak (the main Makefile's rule) and runs
# bench/run.sh against it; run.sh builds its own helpers (gen, refloop,
# peakrss) and corpora in a temporary directory and saves its report to
# bench/out/report.txt.  `make bench-clean` removes that report, helper
# binaries built by hand in bench/, and work directories kept with BENCH_KEEP=1.
# Knobs (environment or make command line): BENCH_QUICK=1, BENCH_MESSAGES=N,
# BENCH_REPEAT=N, BENCH_SEED=S, BENCH_TMPDIR=DIR, BENCH_KEEP=1.

.PHONY: bench bench-clean

bench: typoleak $(BUILD)/hsdb-one.o
	TYPOLEAK=./typoleak bash bench/run.sh

bench-clean:
	rm -rf bench/out
	rm -f bench/gen bench/refloop bench/peakrss
	rm -rf "$${BENCH_TMPDIR:-$${TMPDIR:-/tmp}}"/typoleak-bench.*

# make bench-classify: the classifier's throughput on one core (text
# extraction and the detectors' pass, timed apart) over a generated corpus.
.PHONY: bench-classify
bench-classify: $(BUILD)/libtypoleak.a $(BUILD)/gen
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(PKG_CFLAGS) -o $(BUILD)/bench-classify bench/classify.c \
	    $(BUILD)/libtypoleak.a $(PKG_LIBS) -lpthread
	d=$$(mktemp -d) && $(BUILD)/gen --messages $${BENCH_MESSAGES:-4000} --seed $${BENCH_SEED:-20240101} \
	    --mbox $$d/c.mbox && $(BUILD)/bench-classify $$d/c.mbox; rc=$$?; rm -rf $$d; exit $$rc
