# typoleak - build, test, demo, benchmark.
#
#   make          build ./typoleak
#   make check    install missing Debian packages, build, run the Check suites
#   make demo     install missing Debian packages, build, scan a generated sample, print the report
#   make bench    benchmark against a bare GMime parse loop (bench/)
#   make asan     build and run the suites under AddressSanitizer + UBSan
#   make tsan     build and run the threaded suites under ThreadSanitizer
#   make fuzz     libFuzzer harnesses (FUZZ_SECONDS each), then mutated corpus files scanned under ASan
#   make install  the binary, the man page and the default lists under $(DESTDIR)$(PREFIX)
#   make fuzz-outlook  mutate PST, .msg and TNEF files, read them under AddressSanitizer

CC      ?= cc
PKGS     = gmime-3.0 glib-2.0 libarchive sqlite3 libcrypto libpsl libidn2 icu-uc icu-i18n json-glib-1.0 libxml-2.0 libhs \
           poppler-glib libexif libical libpff libolecf libbfio
CFLAGS  ?= -O2 -g
# Flags the code needs whatever CFLAGS the caller gives (make asan sets CFLAGS).
TL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -Wswitch-enum -I.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
BUILD   ?= build
SAN     ?=

# Rooms (docs/internals/layout.md): base, typo engine, detectors, parsers,
# pipeline, writer, read-side tools; the commands on top.
BASE_SRC   = scanner/build.c scanner/status.c scanner/util.c scanner/chunk.c scanner/queue.c scanner/digest.c scanner/job.c \
             scanner/table.c
TYPO_SRC   = $(wildcard scanner/typo/*.c)
DETECT_SRC = scanner/detect/validate.c scanner/detect/engine.c scanner/detect/id.c scanner/detect/contact.c \
             scanner/detect/mark.c scanner/detect/cred.c scanner/detect/travel.c scanner/detect/people.c \
             scanner/detect/medical.c scanner/detect/tax.c scanner/detect/naval.c scanner/detect/places.c \
             scanner/detect/attach.c
PARSE_SRC  = parsers/sniff.c parsers/mbox.c parsers/message.c parsers/text.c parsers/walk.c parsers/plan.c parsers/attachment.c \
             parsers/outlook.c parsers/outlook_pst.c parsers/outlook_msg.c parsers/outlook_tnef.c
# Attachment extractors (issue 11): a module with its own header, parsers/extract/extract.h.
EXTRACT_SRC = $(wildcard parsers/extract/*.c)
WRITE_SRC  = db/writer.c
READ_SRC   = db/open.c db/report.c db/verify.c db/audit.c db/export.c db/show.c db/extract.c db/report_data.c db/report_html.c db/merge.c
LIB_SRC = $(BASE_SRC) $(TYPO_SRC) $(DETECT_SRC) $(PARSE_SRC) $(EXTRACT_SRC) scanner/pipeline.c $(WRITE_SRC) $(READ_SRC)
CLI_SRC = $(wildcard scanner/cli/*.c)
TEST_SRC = $(wildcard tests/check_*.c)

CORE_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/embed.o
LIB_OBJ  = $(CORE_OBJ) $(BUILD)/hsdb.o
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/main.o

# The build (commit) id in the tool and in every run it records (runs.tool_build).
TL_BUILD_ID := $(shell git -C '$(CURDIR)' describe --always --dirty --tags 2>/dev/null || echo unknown)

.PHONY: all install uninstall deps deps-check deps-fuzz fuzz-build fuzz-regress check-asan check check-unit check-symbols check-style check-layers demo asan tsan fuzz fuzz-outlook clean

all: typoleak

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the binary, typoleak(1),
# and the default lists (compiled in; installed for reference and as a start
# for --protect-file and --allow-file).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/typoleak

install: typoleak
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	install -m 0755 typoleak $(DESTDIR)$(BINDIR)/typoleak
	install -m 0644 docs/typoleak.1 $(DESTDIR)$(MANDIR)/man1/typoleak.1
	install -m 0644 data/protected-domains.txt data/allowlist.txt $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/typoleak $(DESTDIR)$(MANDIR)/man1/typoleak.1 \
	    $(DESTDIR)$(DATADIR)/protected-domains.txt $(DESTDIR)$(DATADIR)/allowlist.txt
	-rmdir $(DESTDIR)$(DATADIR)

deps:
	@sh tools/deps.sh build

deps-check:
	@sh tools/deps.sh check

$(BUILD)/embed.c: db/schema.sql db/indexes.sql db/context.sql db/views.sql data/protected-domains.txt data/allowlist.txt data/iata-airlines.txt data/iata-airports.txt data/first-names.txt data/us-military-installations.txt tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh tl_schema_sql db/schema.sql tl_index_sql db/indexes.sql tl_context_sql db/context.sql tl_views_sql db/views.sql \
	    tl_default_protected data/protected-domains.txt tl_default_allowlist data/allowlist.txt \
	    tl_iata_airlines data/iata-airlines.txt tl_iata_airports data/iata-airports.txt \
	    tl_first_names data/first-names.txt tl_installations data/us-military-installations.txt > $@

# Every object depends on this Makefile too: objects from before the
# automatic header dependencies (-MMD) are then rebuilt.
$(BUILD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/build-id: FORCE
	@mkdir -p $(dir $@)
	@echo '$(TL_BUILD_ID)' | cmp -s - $@ || echo '$(TL_BUILD_ID)' > $@

$(BUILD)/scanner/build.o: $(BUILD)/build-id
$(BUILD)/scanner/build.o: TL_CFLAGS += -DTL_BUILD_ID='"$(TL_BUILD_ID)"'

FORCE:

$(BUILD)/embed.o: $(BUILD)/embed.c
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) -c -o $@ $<

$(BUILD)/libtypoleak.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# The detectors' pattern database, compiled at build time and embedded
# (tools/hsdb.c): the generator links the library without it.
$(BUILD)/libtypoleak-core.a: $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/hsdb-gen: tools/hsdb.c $(BUILD)/libtypoleak-core.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libtypoleak-core.a $(PKG_LIBS) -lpthread

$(BUILD)/hsdb.c: $(BUILD)/hsdb-gen
	$(BUILD)/hsdb-gen > $@.tmp && mv $@.tmp $@

$(BUILD)/hsdb.o: $(BUILD)/hsdb.c
	$(CC) $(CFLAGS) $(SAN) -c -o $@ $<

# make bench's refloop -d: every pattern in one database (one pass).
$(BUILD)/hsdb-one.c: $(BUILD)/hsdb-gen
	$(BUILD)/hsdb-gen --one > $@.tmp && mv $@.tmp $@

$(BUILD)/hsdb-one.o: $(BUILD)/hsdb-one.c
	$(CC) $(CFLAGS) $(SAN) -c -o $@ $<

typoleak: $(CLI_OBJ) $(BUILD)/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) -o $@ $(CLI_OBJ) $(BUILD)/libtypoleak.a $(PKG_LIBS) -lpthread

$(BUILD)/tests/%.o: tests/%.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) $(PKG_CFLAGS) $(shell pkg-config --cflags check) -DTL_SOURCE_DIR='"$(CURDIR)"' -Itests -MMD -MP -c -o $@ $<

$(BUILD)/check_typoleak: $(TEST_OBJ) $(BUILD)/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) -o $@ $(TEST_OBJ) $(BUILD)/libtypoleak.a $(PKG_LIBS) $(shell pkg-config --libs check) -lpthread

# The library exports nothing but tl_* (notmuch's T360).
check-symbols: $(BUILD)/libtypoleak.a
	@bad=$$(nm -g --defined-only $< | awk 'NF==3 && $$2 ~ /[TDRB]/ {print $$3}' | grep -v '^tl_' || true); \
	if [ -n "$$bad" ]; then echo "exported symbols without the tl_ prefix:"; echo "$$bad"; exit 1; fi

# Banned calls and assignments in conditions (curl's checksrc).
check-style:
	@! grep -nE '\b(sprintf|strcpy|strcat|strtok|atoi|gets)\s*\(' $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) bench/*.c 2>/dev/null | grep -v 'g_snprintf\|g_strlcpy'
	@! grep -nE '\b(if|while) \([a-z_>.-]+ = ' $(LIB_SRC) $(CLI_SRC)

# Includes run one way (docs/internals/layout.md): commands -> public
# header -> pipeline -> parsers, detectors, typo engine -> base; the
# read-side tools never include the scan side.
check-layers:
	@sh tools/layers.sh --self-test >/dev/null && sh tools/layers.sh && echo "layers: every include follows the direction"

$(BUILD)/peakrss: bench/peakrss.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -o $@ $<

# Injected I/O faults, preloaded into the command (tests/check_faults.c).
$(BUILD)/libtlfault.so: tests/faults/preload.c
	@mkdir -p $(dir $@)
	cc -shared -fPIC -O2 -Wall -Wextra -o $@ $< -ldl

check-unit: typoleak $(BUILD)/check_typoleak $(BUILD)/peakrss $(BUILD)/libtlfault.so check-symbols check-style check-layers
	# Check gives a test case 4 s unless it says otherwise: 30 s, so that a
	# loaded machine does not fail a test that takes 2 s alone.
	cd tests && CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-30} TYPOLEAK=../typoleak PEAKRSS=../$(BUILD)/peakrss \
	    TL_FAULT_SO=$(CURDIR)/$(BUILD)/libtlfault.so ../$(BUILD)/check_typoleak

# make check also runs each fuzz harness over its seeds and regressions,
# and a subset of the suites under ASan and UBSan (clang, sharing the fuzz
# build); make asan runs every suite (docs/errors.md, "CI").
ASAN_SUITES = status,digest,sniff,mbox,message,walk,archive,writer,pipeline,text,typo,validate,audit,faults

check: deps-check
	$(MAKE) check-unit
	$(MAKE) fuzz-regress
	$(MAKE) check-asan

$(BUILD)/typoleak-bin: $(CLI_OBJ) $(BUILD)/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) -o $@ $(CLI_OBJ) $(BUILD)/libtypoleak.a $(PKG_LIBS) -lpthread

check-asan: fuzz-build
	$(MAKE) BUILD=build-fuzz CC=clang SAN="$(FUZZ_SAN)" CFLAGS="-O1 -g" build-fuzz/check_typoleak build-fuzz/typoleak-bin \
	    build-fuzz/peakrss build-fuzz/libtlfault.so
	cd tests && $(FUZZ_ENV) CK_FORK=no TL_SANITIZED=1 TL_TEST_ONLY=$(ASAN_SUITES) TYPOLEAK=../build-fuzz/typoleak-bin \
	    PEAKRSS=../build-fuzz/peakrss TL_FAULT_SO=$(CURDIR)/build-fuzz/libtlfault.so ../build-fuzz/check_typoleak

demo: deps
	$(MAKE) typoleak $(BUILD)/gen
	rm -rf $(BUILD)/demo && mkdir -p $(BUILD)/demo
	$(BUILD)/gen --messages 400 --seed 7 --mbox $(BUILD)/demo/sent.mbox --maildir $(BUILD)/demo/Maildir
	tar -C $(BUILD)/demo -czf $(BUILD)/demo/evidence.tar.gz sent.mbox Maildir
	./typoleak scan $(BUILD)/demo/evidence.tar.gz --db $(BUILD)/demo/findings.db
	./typoleak report --db $(BUILD)/demo/findings.db
	./typoleak report --db $(BUILD)/demo/findings.db --format html -o $(BUILD)/demo/report.html
	@echo "HTML report: $(BUILD)/demo/report.html (one self-contained file; open it in a browser)"

$(BUILD)/gen: bench/gen.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -o $@ $< $(shell pkg-config --cflags --libs glib-2.0)

asan:
	$(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" CFLAGS="-O1 -g" build-asan/check_typoleak typoleak-asan
	cd tests && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 CK_FORK=no TL_SANITIZED=1 CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-120} TYPOLEAK=../typoleak-asan ../build-asan/check_typoleak

typoleak-asan: $(CLI_SRC:%.c=build-asan/%.o) build-asan/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) -lpthread

tsan:
	$(MAKE) BUILD=build-tsan SAN="-fsanitize=thread" CFLAGS="-O1 -g" build-tsan/check_typoleak
	cd tests && G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/tsan.supp" CK_FORK=no TL_TEST_ONLY=digest,pipeline,archive,walk,writer,detect,cred ../build-tsan/check_typoleak

# Coverage-guided fuzzing (libFuzzer, Debian's clang) of the mbox splitter,
# the message worker, text extraction (HTML), the walker on an in-memory
# archive, the typo engine, the detectors and the attachment extractors
# (PDF, Office, calendars, TNEF, RTF, images) (tests/fuzz/), under ASan and
# UBSan, each for FUZZ_SECONDS, from the seeds of tools/fuzz-seeds.sh (made
# again when the script changes) and
# the regressions in tests/fuzz/regress/NAME/; new inputs go to
# build-fuzz/corpus/NAME, crashes to build-fuzz/crash/NAME/.  Then the
# mutation fuzzing of the whole scan (tests/fuzz.py, with an audit).
FUZZ_NAMES   = mbox message html archive typo detect pdf office cal tnef rtf image
FUZZ_SECONDS ?= 60
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link -fno-omit-frame-pointer
FUZZ_ENV     = ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan-outlook.supp \
               UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_extract.h $(BUILD)/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(BUILD)/libtypoleak.a $(PKG_LIBS) -lpthread

fuzz-build: deps-fuzz
	$(MAKE) BUILD=build-fuzz CC=clang SAN="$(FUZZ_SAN)" CFLAGS="-O1 -g" $(FUZZ_NAMES:%=build-fuzz/fuzz_%)
	@[ build-fuzz/seeds -nt tools/fuzz-seeds.sh ] || sh tools/fuzz-seeds.sh build-fuzz/seeds

deps-fuzz:
	@sh tools/deps.sh fuzz

# Each harness over its seeds and regressions once (make check).
fuzz-regress: fuzz-build
	@for n in $(FUZZ_NAMES); do \
	    mkdir -p tests/fuzz/regress/$$n; \
	    $(FUZZ_ENV) build-fuzz/fuzz_$$n -runs=0 build-fuzz/seeds/$$n tests/fuzz/regress/$$n >build-fuzz/regress-$$n.log 2>&1 \
	        || { tail -40 build-fuzz/regress-$$n.log; echo "fuzz-regress: $$n FAILED"; exit 1; }; \
	    echo "fuzz-regress: $$n: $$(grep -o 'INITED.*' build-fuzz/regress-$$n.log | head -1)"; \
	done

fuzz: fuzz-build
	@for n in $(FUZZ_NAMES); do \
	    mkdir -p build-fuzz/corpus/$$n build-fuzz/crash/$$n tests/fuzz/regress/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_ENV) build-fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -max_len=262144 -rss_limit_mb=2048 -timeout=20 \
	        -artifact_prefix=build-fuzz/crash/$$n/ -print_final_stats=1 \
	        build-fuzz/corpus/$$n build-fuzz/seeds/$$n tests/fuzz/regress/$$n >build-fuzz/fuzz-$$n.log 2>&1 \
	        || { tail -60 build-fuzz/fuzz-$$n.log; echo "fuzz: $$n found a crash: build-fuzz/crash/$$n/"; exit 1; }; \
	    grep -E 'stat::number_of_executed_units|cov:' build-fuzz/fuzz-$$n.log | tail -2; \
	done
	$(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" CFLAGS="-O1 -g" typoleak-asan
	TYPOLEAK=./typoleak-asan python3 tests/fuzz.py

# Mutation fuzzing of the Outlook reader alone (PST, .msg, TNEF) under
# AddressSanitizer (tests/fuzz_outlook.c): FUZZ_SEED=N FUZZ_RUNS=M.
fuzz-outlook:
	$(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" CFLAGS="-O1 -g" build-asan/fuzz_outlook
	ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan-outlook.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 TL_CORPORA=$${TL_CORPORA:-../shared/corpora} build-asan/fuzz_outlook

$(BUILD)/fuzz_outlook: tests/fuzz_outlook.c parsers/outlook.h $(BUILD)/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libtypoleak.a $(PKG_LIBS) -lpthread

clean:
	rm -rf build build-asan build-tsan build-fuzz typoleak typoleak-asan

# make bench-extract: extraction rate per attachment format (bench/extract.c)
# on the fixtures, or on BENCH_FILES.
.PHONY: bench-extract
bench-extract: $(BUILD)/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(PKG_CFLAGS) -o $(BUILD)/bench-extract bench/extract.c $(BUILD)/libtypoleak.a $(PKG_LIBS) -lpthread
	$(BUILD)/bench-extract $${BENCH_FILES:-tests/fixtures/attach/*.*}

# The classifier's benchmark reports the extraction rates too.
bench-classify: bench-extract

-include bench/bench.mk

-include $(shell find $(BUILD) -name "*.d" 2>/dev/null)
