/*
 * job.h - the data that travels down the pipeline: the job the reader
 * emits, the record a worker makes of a message (recipients, anomalies,
 * bounces, findings), the text parts the detectors read, and the files
 * earlier runs finished.  Types only, and their destructors (job.c).
 */
#ifndef TL_JOB_H
#define TL_JOB_H

#include "scanner/base.h"
#include "scanner/table.h"

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
    char *addr;             /* addr-spec as written */
    char *addr_norm;        /* normalised: lower case, no trailing dot (docs/schema.md, "Addresses") */
    int dup;                /* 1: another header of the message named the same address first */
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
    char *date_utc;         /* ISO 8601 UTC: the Date header, or the first Received time when it is
                             * missing or implausible; NULL when neither */
    int64_t date_unix;
    char *date_header_utc;  /* the Date header's own time in UTC, even when implausible */
    const char *date_source;/* "header", "received" or NULL (static) */
    const char *date_flag;  /* NULL, "missing", "unparsable", "before-1990", "future" (static) */
    char *in_reply_to;      /* In-Reply-To's first message id, without brackets */
    char *refs;             /* References as a JSON array of ids, oldest first, or NULL */
    char *thread_key;       /* References' root, else In-Reply-To, else the own Message-ID */
    char *from_unit;        /* the sender's unit or office, from the display name or the signature */
    char *from;             /* decoded address lists */
    char *from_addr;        /* first addr-spec of From, normalised (lower case) */
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
    char *limit_note;       /* a limit this message reached (headers, MIME, text): a TL_WARN_LIMIT row, or NULL */
    GPtrArray *attachments; /* of tl_attachment*, NULL when not classified */
} tl_record;

/* One attachment of a message (parsers/text.c through parsers/extract/),
 * for the attachments table. */
typedef struct {
    char *path;             /* "2", "2/winmail.dat/1" (a container's members under its name) */
    char *filename;         /* as sent, or the member name; may be NULL */
    char *declared;         /* Content-Type as sent (NULL for members) */
    const char *sniffed;    /* the type from the bytes (static: "pdf", "docx", ...) */
    int64_t size;
    char sha256[65];
    const char *status;     /* "text", "no_text_layer", "encrypted", "too_large", "unsupported", "container", "failed" (static) */
    char *reason;           /* why not text, or NULL */
    int64_t chars;          /* characters of text read */
    int width, height;      /* images: pixels, 0 unknown */
    int has_gps;            /* images: EXIF/XMP GPS position present */
} tl_attachment;
void tl_attachment_free(gpointer a);

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
    int ranged;             /* a byte range of a file a plan split (typoleak plan): */
    uint64_t range_start, range_end;    /* its bytes [start, end) */
    uint64_t file_size;     /* the whole file's size and digest, from the plan */
    char file_sha256[65];
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

/* Files earlier runs read to the end (latest record per path), for
 * skipping the unchanged ones (tl_writer_done_files): path -> tl_done_file. */
typedef struct {
    int64_t size;
    char mtime[24];     /* ISO 8601 UTC, as in sources.mtime */
    char sha256[65];
} tl_done_file;

#define TL_TEXT_INDEX_MAX (1u << 20)    /* bytes of masked text indexed per message */
/* Anomaly code of text-extraction problems (limits, charsets). */
#define TL_ANOMALY_TEXT 10000

/* ------------------------------------------------------------------ */
/* Text parts (made by parsers/text.c, read by the detectors)          */
/* ------------------------------------------------------------------ */

typedef struct {
    size_t max_part;            /* bytes of one part's decoded content read */
    size_t max_total;           /* bytes of text read per message */
    const char *fallback_charset;   /* for undeclared or wrongly declared 8-bit */
    int max_depth;              /* MIME and attached-message nesting, and attachments in attachments */
    /* attachments (parsers/extract/, tl_extract_limits): set by tl_text_limits_init to its defaults */
    int pdf_pages;              /* pages of text per PDF */
    double pdf_seconds;         /* seconds per PDF, checked between pages */
    size_t sheet_cells;         /* cells per sheet or table */
    size_t xml_bytes;           /* uncompressed bytes of one XML member */
    size_t unpacked;            /* uncompressed bytes of all members of one file */
    int xml_entities;           /* entity declarations allowed per XML member */
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
    GPtrArray *tables;          /* of tl_table* (scanner/table.h): the tables in text, whatever their layout (all
                                 * written as tab-separated rows), cells' offsets into text; NULL: not looked for
                                 * (the detectors then find them) */
} tl_text_part;

/* Whether offset off of p lies in quoted text ("> " lines or after a
 * forwarded/replied header line). */
int tl_text_is_quoted(const tl_text_part *p, size_t off);

/* ------------------------------------------------------------------ */
/* Findings (made by the detectors, written by the writer)             */
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
    int uncounted;              /* 1: not counted in the report's figures (why_uncounted) */
    const char *why_uncounted;  /* "same value" (earlier in the message: the HTML alternative,
                                 * a repeat), "roster" (a member of a roster counted once); static */
    int sets_severity;          /* the finding that set the message's severity */
    char *norm;                 /* inside tl_detect_part only: the value hashed, wiped after */
} tl_finding;

#endif /* TL_JOB_H */
