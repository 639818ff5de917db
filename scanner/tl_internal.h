/*
 * tl_internal.h - what the library's modules share and the public header
 * does not show: the job that travels down the pipeline, the parsed message
 * record, and the entry points of the parsers, the worker stage and the
 * database writer.  Names here are tl_<module>_*; nothing outside the
 * library includes this file (tests do, to test modules one by one).
 */
#ifndef TL_INTERNAL_H
#define TL_INTERNAL_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "typoleak.h"

/* ------------------------------------------------------------------ */
/* Content sniffing (parsers/sniff.c)                                  */
/* ------------------------------------------------------------------ */

typedef enum {
    TL_KIND_UNKNOWN = 0,    /* not recognised as mail: maybe an archive, maybe other */
    TL_KIND_MBOX,           /* starts with a From_ line (after an optional BOM) */
    TL_KIND_MESSAGE,        /* starts with an RFC 5322 header block */
    TL_KIND_EMLX,           /* Apple Mail: byte count line, message, plist */
    TL_KIND_PST,            /* Outlook PST/OST ("!BDN") */
    TL_KIND_OLE,            /* OLE2 compound file with Outlook .msg streams */
    TL_KIND_OLE_OTHER,      /* another OLE2 compound file (Word, Excel, ...) */
    TL_KIND_DBX,            /* Outlook Express .dbx */
    TL_KIND_EMPTY,          /* zero bytes */
    TL_KIND_BSMTP,          /* batch SMTP (HELO/MAIL FROM/DATA) */
    TL_KIND_LAST
} tl_kind_t;

/* Classifies a container by its first bytes (give at least 4 KiB when the
 * file has them).  *skip receives the number of leading bytes that are not
 * part of the container's content proper (a UTF-8 BOM). */
tl_kind_t tl_sniff(const uint8_t *buf, size_t len, size_t *skip);
const char *tl_kind_name(tl_kind_t k);
/* Does buf start with a mail header block (first line a field, a usual
 * mail header among the fields)? */
int tl_sniff_headers(const uint8_t *buf, size_t len);
/* Does the From_ line p[0, n) look like an mbox envelope ("From -", a
 * quoted sender, or a time of day)? */
int tl_sniff_envelope(const uint8_t *p, size_t n);

/* ------------------------------------------------------------------ */
/* mbox splitter (parsers/mbox.c)                                      */
/* ------------------------------------------------------------------ */

/* A refcounted buffer of the splitter, which messages may borrow. */
typedef struct tl_chunk tl_chunk;
tl_chunk *tl_chunk_ref(tl_chunk *c);
void tl_chunk_unref(tl_chunk *c);   /* NULL is fine */

/* One message cut out of an mbox. */
typedef struct {
    const uint8_t *data;    /* message bytes, From_ line excluded; NULL when dropped */
    tl_chunk *chunk;        /* the buffer data points into (take a reference to keep it) */
    size_t len;             /* bytes in data (or bytes dropped when data is NULL) */
    uint64_t offset;        /* container offset of data[0] */
    uint64_t marker_offset; /* container offset of the From_ line */
    const char *marker;     /* the From_ line, without its line end (NUL-terminated) */
    uint64_t index;         /* 0-based position in the mbox */
    int oversized;          /* 1 when the message was over the size limit and dropped */
    int preamble;           /* 1 for bytes before the first From_ line (not a message) */
} tl_mbox_msg;

/* Called once per message, in order.  The bytes are valid only during the
 * call.  Returns 0 to go on, non-zero to stop the splitter. */
typedef int (*tl_mbox_emit_fn)(const tl_mbox_msg *m, void *user_data);

typedef struct tl_mbox tl_mbox;

/* A streaming splitter: feed it the container's bytes in any block sizes.
 * base is the container offset of the first byte fed (after a BOM).
 * Messages over max_msg bytes are reported with oversized = 1, data = NULL,
 * and memory stays bounded by max_msg plus one block. */
tl_mbox *tl_mbox_new(uint64_t base, uint64_t max_msg, tl_mbox_emit_fn emit, void *user_data);
/* Returns 0, or the emit callback's non-zero value. */
int tl_mbox_feed(tl_mbox *m, const uint8_t *buf, size_t len);
/* Zero-copy feeding: room for len bytes at the end of the splitter's
 * buffer (valid until the next call), then commit the n <= len bytes
 * written there.  commit returns as feed does. */
uint8_t *tl_mbox_reserve(tl_mbox *m, size_t len);
int tl_mbox_commit(tl_mbox *m, size_t n);
/* The chunk the last reserve() pointed into. */
tl_chunk *tl_mbox_chunk(const tl_mbox *m);
/* Emits the last message.  Returns 0 or the callback's value. */
int tl_mbox_finish(tl_mbox *m);
uint64_t tl_mbox_count(const tl_mbox *m);
void tl_mbox_free(tl_mbox *m);

/* ------------------------------------------------------------------ */
/* Pipeline jobs                                                       */
/* ------------------------------------------------------------------ */

typedef enum {
    TL_JOB_SOURCE,          /* a container begins: insert a sources row */
    TL_JOB_SOURCE_END,      /* a container ends: size, digest, count, status */
    TL_JOB_MESSAGE,         /* raw message to parse */
    TL_JOB_ERROR            /* an error row, from the reader */
} tl_job_type;

typedef struct {
    char *header;           /* header it came from: To, Cc, Received, ... */
    char *addr;             /* addr-spec as written (lower-cased domain) */
    char *local;            /* local part */
    char *domain;           /* domain, lower case, no trailing dot */
    char *name;             /* display name (decoded), may be NULL */
    int parsed;             /* 1 from GMime's parser, 0 recovered from the raw value */
    char *raw;              /* raw header value, only for recovered entries */
    int typo;               /* 1 when the domain is a typo of a protected one */
    char *intended;         /* protected domain it imitates */
    char *edit;             /* the edit in words */
    tl_typo_verdict *verdict; /* a copy of the engine's verdict, for typos (owned) */
} tl_recipient;

typedef struct {
    int64_t offset;         /* offset in the message given by GMime */
    int code;               /* GMimeParserWarning */
    char *item;             /* what it was about, may be NULL */
} tl_anomaly;

/* What a worker extracts from one message. */
typedef struct {
    char sha256[65];        /* of the raw bytes, hex */
    char identity[65];      /* the message's identity: SHA-256 with mbox From-quoting undone (tl_message_identity) */
    char *message_id;
    char *date;             /* Date header as written */
    char *date_utc;         /* ISO 8601 UTC, NULL when unparsable */
    int64_t date_unix;
    char *from;             /* decoded address lists */
    char *from_addr;        /* first addr-spec of From */
    char *sender;
    char *reply_to;
    char *subject;          /* decoded */
    GPtrArray *recipients;  /* of tl_recipient* */
    GArray *anomalies;      /* of tl_anomaly */
    unsigned n_typo;
    int mime_parsed;        /* 1 when the whole MIME tree was parsed, 0 headers only */
    int dsn;                /* a delivery-status report (multipart/report) */
    GPtrArray *bounces;     /* of tl_bounce*, from a delivery-status report */
    int classified;         /* 1 when the classifier read the message's text */
    GPtrArray *findings;    /* of tl_finding*, NULL when not classified */
    char *categories;       /* roll-up: "PII.FIN,PII.GOVID", or NULL */
    const char *severity;   /* roll-up: "S1".."S4" (static), or NULL */
    char *text_masked;      /* the classified text, detected spans as their types, for the index; or NULL */
} tl_record;

/* One recipient of a delivery-status report (RFC 3464). */
typedef struct {
    char *recipient;        /* Final-Recipient (or Original-Recipient) addr-spec */
    char *action;           /* failed, delayed, delivered, relayed, expanded */
    char *status;           /* 5.1.1 ... */
} tl_bounce;

void tl_record_free(tl_record *r);
/* Name of a GMime parser warning code ("truncated-message"). */
const char *tl_anomaly_name(int code);

typedef struct tl_job {
    tl_job_type type;
    uint64_t source;        /* reader's source number (1-based) */
    /* TL_JOB_SOURCE */
    uint64_t parent;        /* parent's source number, 0 for a top-level path */
    char *path;             /* provenance: evidence.zip!/mail/inbox.mbox */
    char *member;           /* entry name inside the parent, NULL at top level */
    char *kind;             /* directory, file, archive, mbox, message, maildir, ... */
    char *format;           /* libarchive format/filter names, when any */
    int64_t mtime;          /* seconds, -1 unknown */
    int depth;              /* archive nesting depth */
    /* TL_JOB_SOURCE_END */
    uint64_t size;
    char sha256[65];        /* container digest; for a failed message, its digest */
    uint64_t n_messages;
    char *state;            /* ok, truncated, failed, skipped */
    int digest_of_message;  /* the container is its one message: take its digest */
    /* TL_JOB_MESSAGE */
    GByteArray *raw;        /* the message bytes (owned, or borrowed from chunk) */
    tl_chunk *chunk;        /* when raw borrows a splitter chunk: a reference to it */
    uint64_t offset;        /* container offset of raw[0] */
    uint64_t index;         /* position in the container */
    uint64_t marker_offset; /* -1 when none */
    char *marker;           /* From_ line, or NULL */
    char *flags;            /* Maildir info flags, or NULL */
    tl_record *rec;         /* filled by the worker; NULL when parsing failed */
    /* TL_JOB_ERROR, and message failures */
    tl_status_t status;
    char *stage;            /* walk, archive, split, parse */
    char *reason;           /* one line */
    uint64_t err_len;       /* bytes concerned, 0 unknown */
} tl_job;

tl_job *tl_job_new(tl_job_type type);
void tl_job_free(tl_job *j);

/* ------------------------------------------------------------------ */
/* Worker stage (parsers/message.c, scanner/typo.c)                    */
/* ------------------------------------------------------------------ */

typedef struct tl_worker tl_worker;
typedef struct tl_detector tl_detector;     /* detect.c; one per thread */

/* One per worker thread: owns its GMime parser options and domain cache.
 * full: parse every message's whole MIME tree (else only messages with a
 * typo recipient; the others from their header block). */
tl_worker *tl_worker_new(const tl_protect *protect, int full);
void tl_worker_free(tl_worker *w);
/* Classifies the text of messages in scope (TL_CLASSIFY_*) with det,
 * which the worker owns from now on. */
void tl_worker_set_classifier(tl_worker *w, int mode, tl_detector *det);
/* Which classified messages' masked text goes to the full-text index:
 * TL_INDEX_FLAGGED (those with a typo recipient), TL_INDEX_ALL, TL_INDEX_NONE. */
void tl_worker_set_index_text(tl_worker *w, int mode);
#define TL_TEXT_INDEX_MAX (1u << 20)    /* bytes of masked text indexed per message */
/* Anomaly code of text-extraction problems (limits, charsets). */
#define TL_ANOMALY_TEXT 10000
/* Parses job->raw into job->rec, or sets job->status/stage/reason. */
void tl_worker_process(tl_worker *w, tl_job *job);

/* Builds the typo engine's tables now (the first check would otherwise):
 * called before worker threads start, so that they only read them. */
void tl_protect_prepare(const tl_protect *p);

/* SHA-256 of a buffer, as 64 hex digits + NUL (libcrypto). */
void tl_sha256_hex(const void *data, size_t len, char out[65]);
/* The identity of a message's bytes, for counting one message once
 * wherever it was found.  A message split out of an mbox (from_mbox) has
 * its From-quoting undone first: one '>' comes off every line that starts
 * with '>'s and "From " (mboxrd's rule; mboxo's quoting is undone the
 * same way, except for lines that were ">From " already), so that the
 * copy in an mbox and the same message in a Maildir or an .eml are one
 * message.  Otherwise, and when no line is quoted, it is the SHA-256 of
 * the bytes (sha256, copied). */
void tl_message_identity(const uint8_t *data, size_t len, const char sha256[65], int from_mbox, char out[65]);
/* A unix time as ISO 8601 UTC to the second ("2023-05-01T10:00:00Z"), the
 * form of every timestamp in the database; NULL when out of range
 * (util.c). */
char *tl_iso_utc(int64_t unix_time);
/* Opens evidence read-only without touching its access time when the
 * kernel allows it (O_NOATIME needs the file's owner); flags are added
 * (O_NOFOLLOW...).  -1 and errno as open(2) (util.c). */
int tl_open_evidence(const char *path, int flags);
/* SHA-256 (lower-case hex) of what remains to read on fd; 0 or an errno. */
int tl_sha256_fd(int fd, char out[65]);

/* Incremental SHA-256 for containers read in blocks. */
typedef struct tl_sha256 tl_sha256;
/* Like tl_sha256_update, but the bytes lie in chunk, which the hasher may
 * keep a reference to instead of copying them. */
void tl_sha256_update_chunk(tl_sha256 *h, const void *data, size_t len, tl_chunk *chunk);
/* background: large updates may be hashed by the background hasher thread
 * (the caller must not assume anything about which thread hashes). */
tl_sha256 *tl_sha256_new(int background);
void tl_sha256_update(tl_sha256 *h, const void *data, size_t len);
/* Writes the hex digest and frees h. */
void tl_sha256_finish(tl_sha256 *h, char out[65]);

/* ------------------------------------------------------------------ */
/* Thread primitives (scanner/queue.c, the only user of pthread.h)     */
/* ------------------------------------------------------------------ */

typedef struct tl_queue tl_queue;   /* unbounded FIFO of pointers */
tl_queue *tl_queue_new(void);
void tl_queue_free(tl_queue *q);    /* the queue must be empty */
void tl_queue_push(tl_queue *q, void *item);
void *tl_queue_pop(tl_queue *q);    /* waits for an item */

typedef struct tl_gate tl_gate;     /* slots and a byte budget */
tl_gate *tl_gate_new(int slots, int64_t budget);
void tl_gate_free(tl_gate *g);
/* Waits for a slot and `bytes` of budget (an item larger than the whole
 * budget gets in when nothing else is in). */
void tl_gate_take(tl_gate *g, int64_t bytes);
/* The same without waiting: 1 when taken, 0 when take() would wait. */
int tl_gate_try_take(tl_gate *g, int64_t bytes);
/* Gives back `slots` slots and `bytes` bytes. */
void tl_gate_give(tl_gate *g, int slots, int64_t bytes);

/* Runs fn(arg) the first time, from whichever thread; later calls wait for
 * it and return.  Zero-initialise the tl_once_t. */
typedef struct { int done; } tl_once_t;
void tl_once(tl_once_t *o, void (*fn)(void *), void *arg);

typedef struct tl_wait tl_wait;     /* a counter to wait on until zero */
tl_wait *tl_wait_new(void);
void tl_wait_free(tl_wait *w);
void tl_wait_add(tl_wait *w, int n);  /* n may be negative */
void tl_wait_zero(tl_wait *w);

/* ------------------------------------------------------------------ */
/* Reader (parsers/walk.c)                                             */
/* ------------------------------------------------------------------ */

/* The reader hands each job to the pipeline through this callback, in
 * emission order.  It returns 0 to go on, non-zero when the run must stop
 * (the writer failed). */
typedef int (*tl_emit_fn)(tl_job *job, void *user_data);

typedef struct {
    const tl_scan_options *opt;
    tl_emit_fn emit;
    void *emit_data;
    uint64_t next_source;   /* last source number given */
    uint64_t nested_bytes;  /* bytes of the nested archives held in memory now */
    int stopped;
    GHashTable *done;       /* tl_writer_done_files, or NULL: files not to read again */
    uint64_t unchanged;     /* files skipped because done holds them as they are */
} tl_walker;

/* Walks one top-level path: a directory, a file or an archive. */
void tl_walk_path(tl_walker *w, const char *path);

/* ------------------------------------------------------------------ */
/* Writer (db/writer.c) and report (db/report.c)                       */
/* ------------------------------------------------------------------ */

typedef struct tl_writer tl_writer;

/* Opens (creating or upgrading) the database and starts a run row. */
tl_writer *tl_writer_open(const tl_scan_options *o, const tl_protect *protect,
                          tl_status_t *st, char **errmsg);
/* Writes one job (in sequence order) and frees it. */
tl_status_t tl_writer_put(tl_writer *w, tl_job *job);
/* Commits, closes the run row with the status, closes the database. */
tl_status_t tl_writer_close(tl_writer *w, const char *status, char **errmsg);
/* The message of the last failure. */
const char *tl_writer_errmsg(const tl_writer *w);
void tl_writer_stats(const tl_writer *w, tl_scan_stats *s);
/* The files earlier runs read to the end (latest record per path), for
 * skipping the unchanged ones: path -> tl_done_file. */
typedef struct {
    int64_t size;
    char mtime[24];     /* ISO 8601 UTC, as in sources.mtime */
    char sha256[65];
} tl_done_file;
GHashTable *tl_writer_done_files(tl_writer *w);
/* Records in the run's settings which case key its keyed hashes are under
 * (case_key_id: a keyed hash of a fixed text, never the key), so that
 * merge can refuse to mix hashes under different keys. */
tl_status_t tl_writer_set_case_key_id(tl_writer *w, const char *id);

/* The report as data (db/report_data.c): named sections, one SQL query
 * each; docs/report.md. */
typedef struct {
    const char *name, *title, *sql;
} tl_report_section;
struct sqlite3;
struct sqlite3_stmt;
struct _JsonBuilder;
struct _JsonNode;
const tl_report_section *tl_report_sections(size_t *n);
/* A findings database opened read-only, as every reading tool opens it
 * (report, export, show, verify): NULL and *errmsg (when errmsg is not
 * NULL) unless it opens and is of this schema version. */
struct sqlite3 *tl_db_open_ro(const char *db_path, char **errmsg);
/* The whole report as one JSON object (format, version, sections). */
struct _JsonNode *tl_report_model(const char *db_path, char **errmsg);
/* A result row as a JSON object / a CSV line (RFC 4180, CRLF; header:
 * the column names; text that a spreadsheet would run as a formula gets
 * a leading apostrophe). */
void tl_json_row(struct _JsonBuilder *b, struct sqlite3_stmt *s);
void tl_csv_row(struct sqlite3_stmt *s, FILE *out, int header);

/* The schema and its secondary indexes (db/schema.sql, db/indexes.sql,
 * compiled in). */
extern const char tl_schema_sql[];
extern const char tl_index_sql[];
extern const char tl_context_sql[];    /* db/context.sql: context and domains, at run close */
extern const char tl_views_sql[];      /* db/views.sql: the investigators' views, at run close */
#define TL_SCHEMA_VERSION 6

/* ------------------------------------------------------------------ */
/* The text of a message's parts, for the detectors (parsers/text.c)   */
/* ------------------------------------------------------------------ */

typedef struct {
    size_t max_part;            /* bytes of one part's decoded content read */
    size_t max_total;           /* bytes of text read per message */
    const char *fallback_charset;   /* for undeclared or wrongly declared 8-bit */
    int max_depth;              /* MIME and attached-message nesting */
} tl_text_limits;
void tl_text_limits_init(tl_text_limits *l);

typedef struct {
    char *path;                 /* "1", "1.2.3" (IMAP part numbering) */
    char *content_type;
    char *filename;             /* attachment name or NULL */
    char *charset;              /* the one the text was read as */
    int html;
    char *text;                 /* normalised UTF-8 (NFKC, no invisibles) */
    size_t len;
    guint32 *map;               /* map[i]: offset in the part's decoded text of text[i]; map[len] = its length */
    size_t quote_from;          /* where a forwarded/replied copy starts, or len */
    char *jsonld;               /* HTML: application/ld+json blocks, or NULL */
    char *attr_text;            /* HTML: alt and title texts, or NULL */
    char *microdata;            /* HTML: "itemscope TYPE" and "prop=value" lines, or NULL */
} tl_text_part;

/* The text parts of msg (a GPtrArray of tl_text_part, freed with it);
 * limits reached and charset problems are appended to anomalies (g_free'd
 * strings). */
struct _GMimeMessage;
GPtrArray *tl_text_extract(struct _GMimeMessage *msg, const tl_text_limits *lim, GPtrArray *anomalies);
/* NFKC with invisibles dropped and dashes/spaces folded; *map as above. */
void tl_text_normalise(const char *in, size_t n, char **out, guint32 **map, size_t *out_len);
/* Whether offset off of p lies in quoted text ("> " lines or after a
 * forwarded/replied header line). */
int tl_text_is_quoted(const tl_text_part *p, size_t off);

/* ------------------------------------------------------------------ */
/* Detectors: one Hyperscan pass per part (detect.c)                   */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *detector;       /* "ssn", "pan", "iban" (static) */
    const char *category;       /* "PII.GOVID", "PII.FIN" (static) */
    size_t off, len;            /* in the part's normalised text */
    size_t part_off;            /* offset in the part's decoded text (through the map) */
    int score;                  /* 0-100, the uniform rule */
    const char *level;          /* HIGH, MEDIUM, LOW */
    int quoted;                 /* inside a quoted or forwarded block */
    char *masked;               /* the only form of the value kept */
    char vhash[33];             /* HMAC-SHA-256 under the case key, 128 bits hex */
    char *snippet;              /* +-60 characters, every detected span as its type */
    char *part;                 /* part path, set by the caller (owned) */
    int pii;                    /* personal data (corroboration, privacy notices) */
    char *norm;                 /* inside tl_detect_part only: the value hashed, wiped after */
} tl_finding;
void tl_finding_free(gpointer f);

/* The case key at path: read (hex, at least 32 bytes of key), or created
 * with 32 random bytes and mode 0600 when absent. */
tl_status_t tl_case_key_load(const char *path, guint8 **key, gsize *keylen, char **errmsg);
/* key: the case key of the keyed hashes. NULL and *err set when the CPU
 * cannot run Hyperscan.  The pattern database is compiled once per
 * process: tl_detect_compile_async starts that in a thread (join it;
 * NULL and *err when the CPU cannot run Hyperscan); tl_detect_ready waits
 * for it, or compiles, and says whether it succeeded. */
tl_detector *tl_detector_new(const guint8 *key, gsize keylen, char **err);
GThread *tl_detect_compile_async(char **err);
int tl_detect_ready(char **err);
/* Where the database came from once ready: "embedded" (serialised at
 * build time for these patterns, this Hyperscan and this CPU), "compiled"
 * (at run time) or "none". */
const char *tl_detect_origin(void);
/* For tools/hsdb.c: the database compiled and serialised (g_free), and
 * the digest of the patterns and Hyperscan version (g_free). */
int tl_detect_serialize(char **bytes, size_t *len, char **err);
char *tl_detect_patterns_digest(void);
void tl_detector_free(tl_detector *d);
/* The date of the message being classified (unix seconds; 0: now), for
 * the plausible ages of dates of birth. */
void tl_detector_set_time(tl_detector *d, gint64 unix_time);
/* The findings at LOW or above in p (a GPtrArray of tl_finding); NULL
 * when the pattern database could not be compiled. */
GPtrArray *tl_detect_part(tl_detector *d, const tl_text_part *p);
/* The same, appending to masked the part's text with every validated span
 * (at any score) written as its type, for the full-text index. */
GPtrArray *tl_detect_part_masked(tl_detector *d, const tl_text_part *p, GString *masked);
/* The message roll-up of its findings (section 6): *categories gets the
 * sorted, comma-separated categories with a MEDIUM or HIGH finding or five
 * LOW findings of one detector (NULL when none); the result is the
 * severity, "S1" to "S4", or NULL when there is no finding at all. */
const char *tl_rollup(const GPtrArray *findings, char **categories);

/* ------------------------------------------------------------------ */
/* Validators, masks and keyed hashes of the detectors (validate.c)    */
/* ------------------------------------------------------------------ */

/* Copies the ASCII digits of s[0..n) into out (NUL-terminated); 0 when
 * they do not fit in cap. */
size_t tl_digits_of(const char *s, size_t n, char *out, size_t cap);
int tl_luhn_ok(const char *digits, size_t n);

typedef enum {
    TL_PAN_NONE, TL_PAN_VISA, TL_PAN_MASTERCARD, TL_PAN_AMEX, TL_PAN_DISCOVER, TL_PAN_JCB,
    TL_PAN_DINERS, TL_PAN_UNIONPAY, TL_PAN_MAESTRO, TL_PAN_MIR, TL_PAN_RUPAY
} tl_pan_brand;
/* The card brand whose IIN range and length the digits fit, or NONE. */
tl_pan_brand tl_pan_brand_of(const char *digits, size_t n);
const char *tl_pan_brand_name(tl_pan_brand b);
/* 1 for digit runs that are Luhn-valid by construction (repeats, pairs,
 * groups stepping by a constant). */
int tl_pan_noise(const char *digits, size_t n);
int tl_pan_is_test_number(const char *digits, size_t n);

typedef enum {
    TL_SSN_OK, TL_SSN_SHAPE, TL_SSN_AREA, TL_SSN_GROUP, TL_SSN_SERIAL, TL_SSN_CONSTRUCTED,
    TL_SSN_PUBLISHED
} tl_ssn_verdict;
/* Range rules of an SSN given as 9 digits. */
tl_ssn_verdict tl_ssn_check(const char *d9);
const char *tl_ssn_verdict_str(tl_ssn_verdict v);
/* Areas 734-749 and 773-899 were never issued before June 2011. */
int tl_ssn_area_unissued_pre2011(const char *d9);
int tl_itin_ok(const char *d9);
int tl_ein_ok(const char *d9);      /* an assigned IRS campus prefix */
int tl_aba_ok(const char *d9);      /* prefix ranges and the 3-7-1 checksum */

/* Upper case without spaces; 0 if anything but letters, digits and spaces. */
size_t tl_iban_normalise(const char *s, size_t n, char *out, size_t cap);
int tl_iban_ok(const char *s, size_t n);    /* country length and mod-97 */

/* ICAO 9303 check digit (weights 7-3-1), or -1 for a character outside
 * [0-9A-Z<]. */
int tl_mrz_check_digit(const char *s, size_t n);
/* 1 when line has the shape of a TD3 (passport) line 2; *checks_ok gets
 * how many of its five check digits hold. */
int tl_mrz_td3_line2(const char *line, size_t n, int *checks_ok);

/* Masks (research/sensitive-content.md section 7); g_free the result. */
char *tl_mask_ssn(const char *d9);                              /* ***-**-1234 */
char *tl_mask_ein(const char *d9);                              /* 12-***1234 */
char *tl_mask_pan(tl_pan_brand b, const char *digits, size_t n); /* VISA ****1234 */
char *tl_mask_iban(const char *normalised);                     /* DE89****3000 */
char *tl_mask_last(const char *value, size_t keep);             /* ******1234 */
/* HMAC-SHA-256(key, norm) truncated to 128 bits, as 32 hex digits + NUL. */
void tl_vhash(const guint8 *key, gsize keylen, const char *norm, char out[33]);

/* The default protected list and allowlist (data/, compiled in). */
extern const char tl_default_protected[];
extern const char tl_default_allowlist[];

#endif /* TL_INTERNAL_H */
