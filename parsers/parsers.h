/*
 * parsers.h - the data's way in: the walker reads paths and containers
 * (walk.c), sniffing names what a file is (sniff.c), the mbox splitter
 * cuts messages out (mbox.c), the worker parses one message with GMime
 * and checks its recipients (message.c), and text extraction gives the
 * detectors the text of its parts (text.c).
 */
#ifndef TL_PARSERS_H
#define TL_PARSERS_H

#include "scanner/job.h"
#include "scanner/detect/detect.h"

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
    TL_KIND_TNEF,           /* TNEF stream (winmail.dat): one Outlook message */
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
/* The index the next message gets (a range of an mbox starts at the index
 * its first message has in the whole file). */
void tl_mbox_set_index(tl_mbox *m, uint64_t index);
/* Emits the last message.  Returns 0 or the callback's value. */
int tl_mbox_finish(tl_mbox *m);
uint64_t tl_mbox_count(const tl_mbox *m);
void tl_mbox_free(tl_mbox *m);

/* ------------------------------------------------------------------ */
/* Reader (parsers/walk.c)                                             */
/* ------------------------------------------------------------------ */

/* The reader hands each job to the pipeline through this callback, in
 * emission order.  It returns 0 to go on, non-zero when the run must stop
 * (the writer failed). */
typedef int (*tl_emit_fn)(tl_job *job, void *user_data);

/* What a shard of a plan owns of one file (parsers/plan.c): the whole
 * file, or a byte range of an mbox cut at message boundaries. */
typedef struct {
    char *path;             /* as the walker names it */
    int ranged;
    uint64_t start, end;    /* [start, end) when ranged */
    uint64_t first_index;   /* index of the range's first message in the whole file */
    uint64_t file_size;     /* the whole file's size and SHA-256 when ranged */
    char file_sha256[65];
} tl_shard_item;
/* A shard file, read (parsers/plan.c). */
typedef struct {
    char *plan;             /* the plan's id */
    int index, count;       /* shard index of count, from 1 */
    char **paths;           /* the plan's top-level paths */
    GHashTable *owned;      /* path -> tl_shard_item */
} tl_shard;
tl_shard *tl_shard_load(const char *path, char **errmsg);
void tl_shard_free(tl_shard *s);
/* Bytes after a range's end shown to the splitter (not read as the range's). */
#define TL_RANGE_TAIL (64u << 10)

typedef struct {
    const tl_scan_options *opt;
    tl_emit_fn emit;
    void *emit_data;
    uint64_t next_source;   /* last source number given */
    uint64_t nested_bytes;  /* bytes of the nested archives held in memory now */
    uint64_t expanded;      /* bytes read out of archives and compressed streams of the current file */
    uint64_t top_size;      /* the current file's size */
    char *cut_reason;       /* set when the current file went over its expansion budget */
    int cut_reported;       /* its TL_WARN_LIMIT row was written */
    int stopped;
    GHashTable *done;       /* tl_writer_done_files, or NULL: files not to read again */
    uint64_t unchanged;     /* files skipped because done holds them as they are */
    GHashTable *own;        /* "dev:ino" -> what: the scan's own files, never read as evidence */
    const char *top_path;   /* the command-line path being walked */
    uint64_t path_errors;   /* command-line paths that could not be stat'ed, opened or listed */
    /* A plan lists, and reads nothing: every leaf (file, link, special file,
     * unreadable entry) in the order a scan reads them, with its size when
     * it is a regular file. */
    void (*list)(void *data, const char *path, int regular, int64_t size);
    void *list_data;
    /* A shard's scan: the leaves it owns (path -> tl_shard_item), or NULL
     * for all; the others are passed over without a row. */
    GHashTable *owned;
} tl_walker;

/* Walks one top-level path: a directory, a file or an archive. */
void tl_walk_path(tl_walker *w, const char *path);

/* ------------------------------------------------------------------ */
/* Worker stage (parsers/message.c)                                    */
/* ------------------------------------------------------------------ */

typedef struct tl_worker tl_worker;

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
/* The per-message limits (tl_scan_options; 0 = none): header fields and
 * header bytes (over them only the fields before the limit are read), MIME
 * depth and parts (over them the text is not read), text per message. */
void tl_worker_set_limits(tl_worker *w, const tl_scan_options *o);
/* Parses job->raw into job->rec, or sets job->status/stage/reason. */
void tl_worker_process(tl_worker *w, tl_job *job);

/* ------------------------------------------------------------------ */
/* The text of a message's parts, for the detectors (parsers/text.c)   */
/* ------------------------------------------------------------------ */

/* The text parts of msg (a GPtrArray of tl_text_part, freed with it);
 * limits reached and charset problems are appended to anomalies (g_free'd
 * strings). */
struct _GMimeMessage;
GPtrArray *tl_text_extract(struct _GMimeMessage *msg, const tl_text_limits *lim, GPtrArray *anomalies);
/* The same, reading attachments too (parsers/extract/): PDF, Office and
 * OpenDocument, RTF, TNEF, calendars, vCards, archives (their members
 * recursed as "PATH/NAME/N") and image metadata; each attachment read is
 * appended to attachments (of tl_attachment*) when it is not NULL.  The
 * text of an attachment is one more text part, at its path. */
GPtrArray *tl_text_extract_all(struct _GMimeMessage *msg, const tl_text_limits *lim, GPtrArray *anomalies,
                               GPtrArray *attachments);
/* Decoded bytes of a leaf part (transfer encoding undone by GMime; the
 * caller frees them), or NULL when it has no content. */
struct _GMimePart;
GByteArray *tl_part_bytes(struct _GMimePart *part);
/* NFKC with invisibles dropped and dashes/spaces folded; *map as above. */
void tl_text_normalise(const char *in, size_t n, char **out, guint32 **map, size_t *out_len);

#endif /* TL_PARSERS_H */
