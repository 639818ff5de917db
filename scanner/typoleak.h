/*
 * typoleak.h - the public interface of the typoleak library.
 *
 * typoleak walks mail archives (mbox, Maildir, single messages, Apple .emlx,
 * and all of these inside zip/tar/7z/... archives, nested), parses every
 * message with GMime, flags recipients at typo domains of protected domains
 * and records every finding, with its provenance, in one SQLite file.
 *
 * This header is all the command-line tool (and any other caller) sees.  The
 * library never prints and never exits: every call returns a tl_status_t and,
 * where it says so, leaves a one-line message (no trailing newline) that the
 * caller frees with g_free().
 *
 * Ownership: objects come in _new/_free pairs; strings returned through
 * "char **" out-parameters belong to the caller.
 */
#ifndef TYPOLEAK_H
#define TYPOLEAK_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TL_VERSION "0.1.0"

/*
 * Status codes.  0 is success; values are never renumbered; new codes go
 * just before TL_STATUS_LAST.  Each code has a grade (tl_status_grade):
 * WARN (partial success), FAILED (one item lost, the scan goes on) or FATAL
 * (the run cannot go on).  docs/errors.md gives the cause and remedy of each
 * code, and a test checks that file against this list.
 */
typedef enum {
    TL_OK = 0,
    TL_WARN_TRUNCATED = 1,      /* container ended early; what came before was kept */
    TL_ERR_OPEN = 2,            /* an input could not be opened or listed */
    TL_ERR_READ = 3,            /* read error in the middle of an input */
    TL_ERR_ARCHIVE = 4,         /* libarchive could not read an archive or an entry */
    TL_ERR_ENCRYPTED = 5,       /* archive entry is encrypted */
    TL_ERR_NESTING = 6,         /* archive nesting deeper than the limit */
    TL_ERR_TOO_BIG = 7,         /* message or nested archive over its size limit */
    TL_ERR_PARSE = 8,           /* GMime could not build a message from the bytes */
    TL_ERR_EMPTY = 9,           /* a message with no bytes at all */
    TL_ERR_UNSUPPORTED = 10,    /* a recognised format this version cannot read (DBX, batch SMTP) */
    TL_SKIP_MAILDIR_TMP = 11,   /* Maildir tmp/ file: in delivery, reported, not indexed */
    TL_SKIP_SYMLINK = 12,       /* symbolic link, not followed */
    TL_ERR_DB = 13,             /* SQLite failed: the run stops */
    TL_ERR_USAGE = 14,          /* bad arguments or options */
    TL_ERR_NOMEM = 15,          /* out of memory */
    TL_ERR_INTERNAL = 16,       /* a bug: an invariant did not hold */
    TL_WARN_JUNK = 17,          /* bytes outside any message (before an mbox's first From_ line) */
    TL_INTERRUPTED = 18,        /* the scan was asked to stop (SIGINT, SIGTERM): what is done is kept */
    TL_SKIP_SPECIAL = 19,       /* named pipe, socket or device: not read */
    TL_SKIP_OWN = 20,           /* the scan's own database, its -wal, -shm, text index, case key, or a typoleak report */
    TL_WARN_LIMIT = 21,         /* a scan limit was reached (expansion, entries, headers, MIME, text): what came before was kept */
    TL_STATUS_LAST              /* not a code: one past the last */
} tl_status_t;

typedef enum {
    TL_GRADE_OK = 0,
    TL_GRADE_WARN,      /* partial success */
    TL_GRADE_SKIP,      /* deliberately not indexed, recorded */
    TL_GRADE_FAILED,    /* this item is lost, the scan goes on */
    TL_GRADE_FATAL      /* the run stops */
} tl_grade_t;

/* Symbolic name of a status ("TL_ERR_PARSE"); never NULL. */
const char *tl_status_name(tl_status_t st);
/* One-line English description of a status; never NULL. */
const char *tl_status_str(tl_status_t st);
/* Grade of a status. */
tl_grade_t tl_status_grade(tl_status_t st);

/*
 * Protected domains.  A set of domains (and suffixes, "*.mil") that mail
 * must not be misdirected from, and an allowlist of real domains that look
 * like typos of them but are not (mail.com for gmail.com).
 * tl_protect_new_default() holds the lists shipped in data/ (compiled in).
 * The first tl_typo_check() builds the variant tables; from then on the set
 * may be shared by threads that check, as long as none adds to it (adding
 * drops the tables, which the next check rebuilds).
 */
typedef struct tl_protect tl_protect;

tl_protect *tl_protect_new(void);
tl_protect *tl_protect_new_default(void);
void tl_protect_free(tl_protect *p);
/* Adds one domain, or a suffix as "*.mil" (lower-cased, trailing dot
 * removed).  TL_ERR_USAGE with a message when it is not a host name. */
tl_status_t tl_protect_add(tl_protect *p, const char *domain, char **errmsg);
/* Adds every domain of a file, one per line, '#' starts a comment. */
tl_status_t tl_protect_add_file(tl_protect *p, const char *path, char **errmsg);
/* The same for the allowlist. */
tl_status_t tl_protect_allow(tl_protect *p, const char *domain, char **errmsg);
tl_status_t tl_protect_allow_file(tl_protect *p, const char *path, char **errmsg);
/* Number of protected domains and suffixes. */
unsigned tl_protect_count(const tl_protect *p);
/* SHA-256 (hex) of the sorted protected list / allowlist, for the run
 * record.  g_free() the result. */
char *tl_protect_digest(const tl_protect *p);
char *tl_protect_allow_digest(const tl_protect *p);
/* Which Public Suffix List the engine uses (libpsl version and data file). */
const char *tl_psl_version(void);
/* SHA-256 (hex) of the Public Suffix List file the engine reads, or
 * "built-in" when it reads libpsl's compiled-in list. */
const char *tl_psl_digest(void);
/* The build (commit) id the tool was built from: `git describe` at build
 * time, or "unknown" outside a git checkout. */
const char *tl_build_id(void);

typedef enum {
    TL_VERDICT_OK = 0,          /* not near a protected domain */
    TL_VERDICT_TYPO,            /* a typo of a protected domain */
    TL_VERDICT_PROTECTED,       /* protected itself, or a host under a protected domain */
    TL_VERDICT_ALLOWLISTED      /* a real domain on the allowlist */
} tl_verdict_kind;

typedef enum {
    TL_EXPOSURE_NONE = 0,
    TL_EXPOSURE_SAME,           /* the protected owner's own namespace */
    TL_EXPOSURE_CLOSED,         /* only the namespace's owner can register it (.mil, .gov...) */
    TL_EXPOSURE_NONEXISTENT_TLD,/* its TLD does not exist: undeliverable */
    TL_EXPOSURE_OPEN            /* a third party can own its registrable domain: a leak */
} tl_exposure;

/* The verdict of the typo engine on one domain. */
typedef struct {
    tl_verdict_kind verdict;
    int is_typo;                /* verdict == TL_VERDICT_TYPO */
    int is_protected;           /* verdict == TL_VERDICT_PROTECTED */
    char domain[256];           /* the domain, normalised (A-label) */
    char intended[256];         /* the protected domain it imitates */
    char klass[32];             /* tld-omission, dot-shift, replacement, appended-tld, ... */
    char edit[160];             /* the edit in words: dropped "i" in the TLD "mil" */
    char registrable[256];      /* its registrable domain (who would receive the mail) */
    tl_exposure exposure;
    double prior;               /* how likely the edit is typed by accident, 0..1 */
    double score;               /* prior x exposure weight */
    int needs_context;          /* a whole-TLD swap, a weak match, an edit of a short name */
    int strong;                 /* a strong typo on its own: no needs_context, prior >= 0.2
                                 * (docs/typo-model.md, "The domain verdict") */
} tl_typo_verdict;

/* Judges one domain (any case, trailing dot, U-label or A-label). */
void tl_typo_check(const tl_protect *p, const char *domain, tl_typo_verdict *out);
/* One line explaining a verdict. */
void tl_typo_explain(const tl_typo_verdict *v, char *out, size_t len);
/* The generated variants of a protected domain, sorted, NULL-terminated;
 * g_strfreev() the result.  Empty when the domain is not protected. */
char **tl_typo_variants(const tl_protect *p, const char *domain);
const char *tl_exposure_name(tl_exposure e);
const char *tl_verdict_name(tl_verdict_kind v);

/* Progress figures, passed to the progress callback and returned at the end. */
typedef struct {
    uint64_t containers;    /* sources opened: files, archive members, Maildirs */
    uint64_t messages;      /* messages handed to the writer (parsed or not) */
    uint64_t parsed;        /* messages parsed and recorded */
    uint64_t duplicates;    /* messages already in the database (same SHA-256) */
    uint64_t errors;        /* error rows written (including skips) */
    uint64_t typo_hits;     /* recipients at typo domains */
    uint64_t findings;      /* sensitive-content findings (LOW and above) */
    uint64_t unchanged;     /* files skipped: read by an earlier run, same size, mtime and SHA-256 */
    uint64_t resumed;       /* sources an interrupted run left unfinished, removed to be read again */
    uint64_t bytes;         /* message bytes read */
    double seconds;         /* wall time so far */
    uint64_t path_errors;   /* paths given to tl_scan that could not be stat'ed, opened or listed */
} tl_scan_stats;

typedef void (*tl_progress_fn)(const tl_scan_stats *stats, void *user_data);
/* Called for each path given to tl_scan that cannot be read (it is an
 * error row as well), with the reason in words. */
typedef void (*tl_path_error_fn)(const char *path, const char *reason, void *user_data);

/* Which messages the sensitive-content classifier reads. */
enum { TL_CLASSIFY_NONE, TL_CLASSIFY_FLAGGED, TL_CLASSIFY_ALL };
enum { TL_INDEX_FLAGGED, TL_INDEX_ALL, TL_INDEX_NONE };

#define TL_MAX_PART_DEPTH 100

/* Scan settings.  Fill with tl_scan_options_init() and change what you need. */
typedef struct {
    const char *db_path;        /* SQLite file, created when absent */
    int jobs;                   /* worker threads; 1 = every stage inline */
    int max_depth;              /* archive nesting limit (default 8) */
    uint64_t max_message;       /* largest message kept, bytes (default 256 MiB) */
    uint64_t max_nested;        /* largest nested archive read into memory (default 1 GiB) */
    /* Limits against hostile evidence (docs/errors.md, "Limits"); 0 = none. */
    uint64_t max_expand;        /* bytes expanded out of one file's archives, all levels (default 64 GiB) */
    uint64_t max_ratio;         /* expanded bytes / file size, past TL_RATIO_FLOOR (default 200) */
    uint64_t max_entries;       /* members read per archive (default 1,000,000) */
    uint64_t max_headers;       /* header fields per message (default 10,000) */
    uint64_t max_header_bytes;  /* bytes of a message's header block (default 1 MiB) */
    uint64_t max_mime_depth;    /* MIME nesting of a message (default 64) */
    uint64_t max_parts;         /* MIME parts per message (default 10,000) */
    uint64_t max_text;          /* bytes of text extracted per message (default 32 MiB) */
    /* Limits of reading a part's text and its attachments (parsers/extract/, docs/extraction.md);
     * 0 = none, except max_xml_entities */
    uint64_t max_part_text;     /* bytes of text read per part or attachment (default 8 MiB) */
    uint64_t max_part_depth;    /* nesting read for text: MIME, attached messages, attachments in attachments (8;
                                 * never none: 0 keeps the default, at most TL_MAX_PART_DEPTH) */
    uint64_t max_pdf_pages;     /* pages of text per PDF (default 1000) */
    double max_pdf_seconds;     /* seconds per PDF, checked between pages (default 20) */
    uint64_t max_sheet_cells;   /* cells per sheet or table (default 200,000) */
    uint64_t max_xml_bytes;     /* uncompressed bytes of one XML member of an Office file (default 32 MiB) */
    uint64_t max_unpacked;      /* uncompressed bytes of all members of one Office file or archive (128 MiB) */
    int max_xml_entities;       /* entity declarations allowed per XML member (default 0: a member declaring any is not
                                 * read); entities are never expanded */
    int queue_depth;            /* jobs in flight per worker (default 16) */
    uint64_t max_inflight;      /* message bytes in flight (default 64 MiB) */
    int full_parse;             /* parse every MIME tree (default: only messages with a typo recipient) */
    int classify;               /* TL_CLASSIFY_*: which messages' content is classified (default flagged) */
    const char *case_key_path;  /* key of the keyed hashes; NULL = DB_PATH.casekey, created when absent */
    int index_text;             /* TL_INDEX_*: whose classified text, masked, goes to message_text (default flagged) */
    int rescan;                 /* read files an earlier run read, even when unchanged */
    volatile int *cancel;       /* when set non-zero (a signal handler), the scan stops and keeps what it did */
    const tl_protect *protect;  /* protected domains; NULL = the default list */
    const char *argv_text;      /* the command line, for the run record */
    tl_progress_fn progress;    /* called about twice a second; may be NULL */
    void *progress_data;        /* given to progress and path_error */
    tl_path_error_fn path_error; /* may be NULL */
    const char *shard_path;     /* a shard file of a plan (tl_plan): scan only what it owns; paths may be none */
    /* set by tl_scan from the shard file, for the run record */
    const char *shard_plan;
    int shard_index, shard_count;
} tl_scan_options;

void tl_scan_options_init(tl_scan_options *o);

/* The expansion ratio is judged once this many bytes came out of a file. */
#define TL_RATIO_FLOOR (64u << 20)

/*
 * Scans every path into the database.  Returns TL_OK when the run completed
 * (items that could not be read are error rows, not a failed run), or a
 * FATAL status (TL_ERR_DB, TL_ERR_USAGE, TL_ERR_NOMEM) with *errmsg set.
 * stats, when not NULL, receives the final figures.
 */
tl_status_t tl_scan(const tl_scan_options *o, const char *const *paths, int npaths,
                    tl_scan_stats *stats, char **errmsg);

/* JSON text with every number written as people write it: the shortest
 * form that reads back as the same double (0.9, not the generator's
 * 0.90000000000000002); strings untouched.  g_free() the result. */
char *tl_json_tidy_numbers(const char *json);

/* A plan (docs/scale-out.md): the evidence under paths cut into `shards`
 * contiguous shards of about equal bytes (a large mbox at message
 * boundaries), written as shard files, a GNU parallel job file and a Slurm
 * script in out_dir.  Reads names, sizes and mbox separators; parses no
 * message.  A line per shard goes to out (may be NULL). */
typedef struct {
    int shards;
    const char *out_dir;
    const char *case_key_path;  /* NULL: OUT_DIR/case.key, created mode 0600 */
    const char *sshlogin;       /* GNU parallel --sshlogin value, or NULL: local cores */
    const char *typoleak;       /* the program the job lines run; NULL: "typoleak" */
    const char *scan_args;      /* more options for every shard's scan ("--classify all"), or NULL */
    uint64_t max_message;       /* as the scans will use it (0: the default) */
} tl_plan_options;
tl_status_t tl_plan(const tl_plan_options *o, const char *const *paths, int npaths, FILE *out, char **errmsg);

/* Writes the summary report of a database as text to out. */
tl_status_t tl_report_text(const char *db_path, FILE *out, char **errmsg);
/* The same report as data (docs/report.md): one JSON document; one CSV
 * file per section in outdir (created); one self-contained HTML file. */
tl_status_t tl_report_json(const char *db_path, FILE *out, char **errmsg);
tl_status_t tl_report_csv(const char *db_path, const char *outdir, char **errmsg);
tl_status_t tl_report_html(const char *db_path, FILE *out, char **errmsg);

/* What a report covers (docs/report.md, "Periods and filters"): messages
 * dated since/until (YYYY-MM-DD, both days included), messages an
 * occurrence of which run `run` recorded, typo hits of one exposure, one
 * intended domain, at or above a score (a message is in when one of its
 * hits is); the periods of the per-period sections (week, month, quarter,
 * year).  tl_report_options_init() sets "everything, by month". */
typedef struct {
    const char *since, *until;
    const char *bucket;
    int64_t run;                /* 0: every run */
    const char *exposure;       /* open, closed, nonexistent-tld; NULL: any */
    const char *intended;       /* an intended (protected) domain; NULL: any */
    double min_score;           /* < 0: any */
} tl_report_options;
void tl_report_options_init(tl_report_options *o);
/* TL_ERR_USAGE with *errmsg when an option is not one of the above. */
tl_status_t tl_report_options_check(const tl_report_options *o, char **errmsg);
/* The report of the messages o selects (NULL: all), in each format. */
tl_status_t tl_report_text_opts(const char *db_path, const tl_report_options *o, FILE *out, char **errmsg);
tl_status_t tl_report_json_opts(const char *db_path, const tl_report_options *o, FILE *out, char **errmsg);
tl_status_t tl_report_csv_opts(const char *db_path, const tl_report_options *o, const char *outdir, char **errmsg);
tl_status_t tl_report_html_opts(const char *db_path, const tl_report_options *o, FILE *out, char **errmsg);
/* The custody manifest of a database (the report's "manifest", JSON):
 * the tool and its build, every top-level source with size, SHA-256 and
 * mtime, the runs with the digests of their rules and lists. */
tl_status_t tl_report_manifest(const char *db_path, FILE *out, char **errmsg);

/* Chain of custody (db/verify.c): re-hashes every file the database read
 * from the file system (its latest record per path) and prints one line
 * per file that changed, disappeared, could not be read or only got a new
 * mtime, then a summary.  TL_ERR_DB with *errmsg when the database cannot
 * be read; the counts say what was found. */
typedef struct {
    int64_t files, unchanged, touched, changed, missing, unreadable;
} tl_verify_counts;
tl_status_t tl_verify(const char *db_path, FILE *out, tl_verify_counts *counts, char **errmsg);

/* Export (db/export.c): the rows of the named tables ("messages",
 * "typo_hits", "findings"; NULL: all three), each with its context, as
 * JSON Lines (one object per row, with a "table" member) or CSV (RFC 4180,
 * a header row, text a spreadsheet would take for a formula prefixed with
 * an apostrophe).  outdir: one file per table (TABLE.jsonl, TABLE.csv),
 * created; NULL: everything to out. */
/* One message's record (db/show.c), key: its row id, a SHA-256 prefix of
 * 8 or more hex digits, or its Message-ID.  TL_ERR_USAGE with *errmsg
 * when key names no message or several. */
tl_status_t tl_show(const char *db_path, const char *key, FILE *out, char **errmsg);
/* The same record as one JSON document (message, recipients, findings,
 * anomalies, bounces, occurrences, its thread). */
tl_status_t tl_show_json(const char *db_path, const char *key, FILE *out, char **errmsg);
/* Extract (db/extract.c): the raw bytes of the message key names (as for
 * tl_show), re-read from the first of its copies that can still be read
 * (a file on disk, or an archive entry, nested archives through
 * libarchive in memory) and whose SHA-256 is the recorded one: *bytes
 * (g_byte_array_free) and, when where is not NULL, a line saying where
 * they came from (g_free).  TL_ERR_USAGE when key names no message or
 * several, TL_ERR_DB when the database cannot be read, TL_ERR_READ with
 * *errmsg when no copy can be read or none matches. */
struct _GByteArray;
tl_status_t tl_message_bytes(const char *db_path, const char *key, struct _GByteArray **bytes, char **where,
                             char **errmsg);
/* Those bytes written to out_path ("-": standard output); log, when not
 * NULL, gets where they came from. */
tl_status_t tl_extract_message(const char *db_path, const char *key, const char *out_path, FILE *log, char **errmsg);
/* The SHA-256 the scan recorded for the attachment at part ("2",
 * "2/winmail.dat/1") of the message key names (db/show.c): TL_ERR_USAGE
 * with *errmsg when key names no message or several, or the message has no
 * such attachment; TL_ERR_DB when the database cannot be read. */
tl_status_t tl_attachment_recorded(const char *db_path, const char *key, const char *part, char sha256[65],
                                   char **errmsg);
/* The bytes of the attachment at part of the message msg[0..len)
 * (parsers/attachment.c): the MIME part decoded, then each member of a
 * container named in the path extracted again.  *data (g_free) and *n are
 * set only when their SHA-256 is sha256 (when sha256 is not NULL);
 * TL_ERR_READ with *errmsg when it is not (the evidence changed),
 * TL_ERR_PARSE or TL_ERR_USAGE when the part is not there. */
tl_status_t tl_attachment_bytes(const uint8_t *msg, size_t len, const char *part, const char *sha256, uint8_t **data,
                                size_t *n, char **errmsg);

/* Merges the databases ins[0..n) into out (db/merge.c; created when
 * absent): one message per identity, sources already in out (same path and
 * SHA-256) and unfinished ones left out; context, verdicts and views
 * rebuilt.  log gets a line per input.  Inputs classified under another
 * case key are refused (TL_ERR_DB with *errmsg). */
tl_status_t tl_merge(const char *out, const char *const *ins, int n, const char *argv_text, FILE *log, char **errmsg);

/* Accounting (db/audit.c): proves from the database alone that nothing
 * was lost (docs/cli/audit.md): every source finished or explained by an
 * error row, every message scanned or an error row, every byte of every
 * mbox covered by messages, separators and error rows.  One line per
 * problem to out, then a summary.  TL_ERR_DB when the database cannot be
 * read; c->problems says whether anything is unaccounted for. */
typedef struct {
    int64_t sources, messages, occurrences, message_errors, errors, mboxes, mbox_bytes, mbox_covered, problems;
} tl_audit_counts;
tl_status_t tl_audit(const char *db_path, FILE *out, tl_audit_counts *c, char **errmsg);

int tl_export_table_known(const char *name);
tl_status_t tl_export(const char *db_path, int csv, const char *const *tables, const char *outdir, FILE *out,
                      char **errmsg);

/* One-time library set-up (GMime) and tear-down; tl_scan calls init itself. */
void tl_library_init(void);
void tl_library_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif /* TYPOLEAK_H */
