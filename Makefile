# typoleak - build, test, demo, benchmark.
#
#   make          build ./typoleak
#   make check    install missing Debian packages, build, run the Check suites
#   make demo     install missing Debian packages, build, scan a generated sample, print the report
#   make bench    benchmark against a bare GMime parse loop (bench/)
#   make asan     build and run the suites under AddressSanitizer + UBSan
#   make tsan     build and run the threaded suites under ThreadSanitizer
#   make fuzz     mutate corpus files and archives, scan them under AddressSanitizer
#   make install  the binary, the man page and the default lists under $(DESTDIR)$(PREFIX)
#   make fuzz-outlook  mutate PST, .msg and TNEF files, read them under AddressSanitizer

CC      ?= cc
PKGS     = gmime-3.0 glib-2.0 libarchive sqlite3 libcrypto libpsl libidn2 icu-uc icu-i18n json-glib-1.0 libxml-2.0 libhs \
           poppler-glib libexif libical libytnef libpff libolecf libbfio
CFLAGS  ?= -O2 -g
# Flags the code needs whatever CFLAGS the caller gives (make asan sets CFLAGS).
TL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -Wswitch-enum -I.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
BUILD   ?= build
SAN     ?=

# Rooms (docs/internals/layout.md): base, typo engine, detectors, parsers,
# pipeline, writer, read-side tools; the commands on top.
BASE_SRC   = scanner/build.c scanner/status.c scanner/util.c scanner/chunk.c scanner/queue.c scanner/digest.c scanner/job.c
TYPO_SRC   = $(wildcard scanner/typo/*.c)
DETECT_SRC = scanner/detect/validate.c scanner/detect/engine.c scanner/detect/id.c scanner/detect/contact.c \
             scanner/detect/mark.c scanner/detect/cred.c scanner/detect/travel.c scanner/detect/people.c \
             scanner/detect/medical.c scanner/detect/tax.c scanner/detect/naval.c scanner/detect/places.c
PARSE_SRC  = parsers/sniff.c parsers/mbox.c parsers/message.c parsers/text.c parsers/walk.c parsers/plan.c parsers/attachment.c \
             parsers/outlook.c parsers/outlook_pst.c parsers/outlook_msg.c parsers/outlook_tnef.c
# Attachment extractors (issue 11): a module with its own header, parsers/extract/extract.h.
EXTRACT_SRC = $(wildcard parsers/extract/*.c)
WRITE_SRC  = db/writer.c
READ_SRC   = db/open.c db/report.c db/verify.c db/export.c db/show.c db/extract.c db/report_data.c db/report_html.c db/merge.c
LIB_SRC = $(BASE_SRC) $(TYPO_SRC) $(DETECT_SRC) $(PARSE_SRC) $(EXTRACT_SRC) scanner/pipeline.c $(WRITE_SRC) $(READ_SRC)
CLI_SRC = $(wildcard scanner/cli/*.c)
TEST_SRC = $(wildcard tests/check_*.c)

CORE_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/embed.o
LIB_OBJ  = $(CORE_OBJ) $(BUILD)/hsdb.o
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/main.o

# The build (commit) id in the tool and in every run it records (runs.tool_build).
TL_BUILD_ID := $(shell git -C '$(CURDIR)' describe --always --dirty --tags 2>/dev/null || echo unknown)

.PHONY: all install uninstall deps deps-check check check-unit check-symbols check-style check-layers demo asan tsan fuzz fuzz-outlook clean

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

$(BUILD)/embed.c: db/schema.sql db/indexes.sql db/context.sql db/views.sql data/protected-domains.txt data/allowlist.txt data/iata-airlines.txt data/iata-airports.txt tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh tl_schema_sql db/schema.sql tl_index_sql db/indexes.sql tl_context_sql db/context.sql tl_views_sql db/views.sql \
	    tl_default_protected data/protected-domains.txt tl_default_allowlist data/allowlist.txt \
	    tl_iata_airlines data/iata-airlines.txt tl_iata_airports data/iata-airports.txt > $@

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

check-unit: typoleak $(BUILD)/check_typoleak check-symbols check-style check-layers
	# Check gives a test case 4 s unless it says otherwise: 30 s, so that a
	# loaded machine does not fail a test that takes 2 s alone.
	cd tests && CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-30} TYPOLEAK=../typoleak ../$(BUILD)/check_typoleak

check: deps-check
	$(MAKE) check-unit

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
	cd tests && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 CK_FORK=no TYPOLEAK=../typoleak-asan ../build-asan/check_typoleak

typoleak-asan: $(CLI_SRC:%.c=build-asan/%.o) build-asan/libtypoleak.a
	$(CC) $(CFLAGS) $(TL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) -lpthread

tsan:
	$(MAKE) BUILD=build-tsan SAN="-fsanitize=thread" CFLAGS="-O1 -g" build-tsan/check_typoleak
	cd tests && G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/tsan.supp" CK_FORK=no TL_TEST_ONLY=digest,pipeline,archive,walk,writer,detect,cred ../build-tsan/check_typoleak

# Mutation fuzzing of the whole scan under AddressSanitizer (tests/fuzz.py).
fuzz:
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
	rm -rf build build-asan build-tsan typoleak typoleak-asan

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
