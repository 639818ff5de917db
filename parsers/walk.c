/*
 * walk.c - the reader: directories, files, archives (nested), Maildirs,
 * and the containers inside them, turned into pipeline jobs.
 *
 * Everything the reader meets becomes a source: a top-level file, a
 * Maildir, an archive, each archive member.  A source's kind comes from its
 * content (sniff.c), never from its name.  Mail containers are cut into
 * message jobs (mbox.c for mbox; a whole file for a single message; the
 * counted range for Apple .emlx).  Anything else is offered to libarchive:
 * archives are walked entry by entry, compressed single files are
 * decompressed on the fly, and what libarchive reads only as raw bytes is a
 * source of kind "other".
 *
 * Evidence is never changed: files are opened O_RDONLY (with O_NOATIME when
 * the kernel allows it), symbolic links are recorded and never followed,
 * archive members are read in memory and never extracted to disk.
 *
 * Streaming and memory: a top-level file is read in 1 MiB blocks, through
 * libarchive when it is an archive or compressed, so an mbox of any size
 * (also inside a tar.gz or an .mbox.gz) is split without being held whole.
 * A nested archive is read into memory first (libarchive needs to seek in
 * 7z and zip); all nested archives held at once stay under max_nested
 * bytes (so nesting cannot multiply the limit); over it, an error row.
 *
 * libarchive's decompression filters are enabled one by one: filter_all
 * includes a uudecode filter that would silently replace a mail file by its
 * attachment (research/mail-formats.md 6).
 *
 * Every job is handed to w->emit in order; the walker stops early only
 * when emit says the run must stop (the database writer failed).
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parsers/outlook.h"
#include "parsers/parsers.h"

#define BLOCK (1u << 20)        /* read size */
#define HEAD (64u << 10)        /* bytes gathered before sniffing */

/* Where a stream sits in a Maildir, from its path. */
typedef enum { MD_NONE = 0, MD_MESSAGE, MD_TMP } md_role;

/* A byte stream: a file descriptor or the current libarchive entry. */
typedef struct {
    int fd;
    struct archive *a;
    tl_walker *w;           /* archive entries: bytes count against the file's expansion budget */
    uint8_t *buf;
    int failed;             /* a read error happened */
    char *errmsg;
    /* archive entries: libarchive's current block, and the position reached
     * (a sparse entry's holes are given as zeros) */
    const void *blk;
    size_t blk_len;
    int64_t blk_off;
    int64_t pos;
    int64_t size_hint;      /* a file's size when known, else 0 */
    int64_t limit;          /* bytes left of a file range (a shard's), -1 for the whole file */
} in_stream;

/* What is known about a stream before reading it. */
typedef struct {
    uint64_t parent;        /* parent source number, 0 at top level */
    const char *path;       /* provenance path of this stream */
    const char *member;     /* entry name inside the parent, or NULL */
    const char *disk_path;  /* path on disk when the stream is a whole file */
    int depth;              /* archive nesting depth of this stream */
    int64_t mtime;
    md_role md;
    const char *md_flags;   /* Maildir info flags */
    const tl_shard_item *range; /* a byte range of this file that a shard owns, or NULL */
} stream_info;

/* ------------------------------------------------------------------ */
/* Jobs                                                                */
/* ------------------------------------------------------------------ */

static int
emit(tl_walker *w, tl_job *j)
{
    if (w->opt->cancel && *w->opt->cancel)
        w->stopped = 1;     /* Ctrl-C: what is open stays open, for the next run */
    if (w->stopped) {
        tl_job_free(j);
        return 1;
    }
    if (w->emit(j, w->emit_data))
        w->stopped = 1;
    return w->stopped;
}

static uint64_t
source_begin(tl_walker *w, const stream_info *si, const char *kind, const char *format)
{
    tl_job *j = tl_job_new(TL_JOB_SOURCE);
    j->source = ++w->next_source;
    j->parent = si->parent;
    j->path = g_strdup(si->path);
    j->member = g_strdup(si->member);
    j->kind = g_strdup(kind);
    j->format = g_strdup(format);
    j->mtime = si->mtime;
    j->depth = si->depth;
    if (si->range) {
        j->ranged = 1;
        j->range_start = si->range->start;
        j->range_end = si->range->end;
        j->file_size = si->range->file_size;
        g_strlcpy(j->file_sha256, si->range->file_sha256, sizeof j->file_sha256);
    }
    uint64_t id = j->source;
    emit(w, j);
    return id;
}

static void
source_end(tl_walker *w, uint64_t src, uint64_t size, const char *sha, uint64_t n, const char *status)
{
    tl_job *j = tl_job_new(TL_JOB_SOURCE_END);
    j->source = src;
    j->size = size;
    if (sha)
        g_strlcpy(j->sha256, sha, sizeof j->sha256);
    j->n_messages = n;
    j->state = g_strdup(status);
    j->digest_of_message = sha == NULL && n == 1;
    emit(w, j);
}

static void
error_row(tl_walker *w, uint64_t src, const char *path, uint64_t offset, uint64_t len,
          tl_status_t st, const char *stage, const char *fmt, ...) G_GNUC_PRINTF(8, 9);

static void
error_row(tl_walker *w, uint64_t src, const char *path, uint64_t offset, uint64_t len,
          tl_status_t st, const char *stage, const char *fmt, ...)
{
    va_list ap;
    tl_job *j = tl_job_new(TL_JOB_ERROR);
    j->source = src;
    j->path = g_strdup(path);
    j->offset = offset;
    j->err_len = len;
    j->status = st;
    j->stage = g_strdup(stage);
    va_start(ap, fmt);
    char *r = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    j->reason = g_utf8_make_valid(r, -1);
    g_free(r);
    if (st == TL_ERR_OPEN && w->top_path && strcmp(path, w->top_path) == 0) {
        w->path_errors++;
        if (w->opt->path_error)
            w->opt->path_error(path, j->reason, w->opt->progress_data);
    }
    emit(w, j);
}

static void
message_job(tl_walker *w, uint64_t src, GByteArray *raw, tl_chunk *chunk, uint64_t offset, uint64_t index,
            uint64_t marker_offset, const char *marker, const char *flags)
{
    tl_job *j = tl_job_new(TL_JOB_MESSAGE);
    j->source = src;
    j->raw = raw;
    j->chunk = chunk;
    j->offset = offset;
    j->index = index;
    j->marker_offset = marker_offset;
    j->marker = marker ? g_utf8_make_valid(marker, -1) : NULL;
    j->flags = g_strdup(flags);
    emit(w, j);
}

/* ------------------------------------------------------------------ */
/* Streams                                                             */
/* ------------------------------------------------------------------ */

/* Reads up to cap bytes of a file stream into dst: > 0, 0 at the end, -1
 * on error (with in->errmsg set). */
static ssize_t
read_fd(in_stream *in, uint8_t *dst, size_t cap)
{
    ssize_t n;
    if (in->failed)
        return -1;
    if (in->limit >= 0 && (int64_t)cap > in->limit)
        cap = (size_t)in->limit;
    if (cap == 0)
        return 0;
    do
        n = read(in->fd, dst, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        in->failed = 1;
        in->errmsg = g_strdup(g_strerror(errno));
    } else if (in->limit >= 0)
        in->limit -= n;
    return n;
}

/* Appends up to `want` bytes of a file stream to a, read in place;
 * returns as read_fd.  Up to the file's known size (and one byte more, to
 * see its end) it asks for no more than that: the buffer was made that
 * large, and growing it by a whole block would copy the message again. */
static ssize_t
read_append(in_stream *in, GByteArray *a, size_t want)
{
    guint old = a->len;
    if (in->size_hint > 0 && (uint64_t)old <= (uint64_t)in->size_hint)
        want = (size_t)MIN((uint64_t)want, (uint64_t)in->size_hint + 1 - old);
    g_byte_array_set_size(a, old + (guint)want);
    ssize_t n = read_fd(in, a->data + old, want);
    g_byte_array_set_size(a, old + (guint)(n > 0 ? n : 0));
    return n;
}

/*
 * The expansion budget of one file given to the scan (docs/errors.md,
 * "Limits"): every byte read out of an archive or a compressed stream,
 * at every nesting level, counts.  Over --max-expand in all, or over
 * --max-ratio times the file's size once past TL_RATIO_FLOOR bytes, the
 * file is cut: the reads fail, the readers keep what came before, and
 * walk_file writes the one TL_WARN_LIMIT row.
 */
static int
over_budget(tl_walker *w, uint64_t n)
{
    const tl_scan_options *o = w->opt;
    if (w->cut_reason)
        return 1;
    w->expanded += n;
    if (o->max_expand && w->expanded > o->max_expand)
        w->cut_reason = g_strdup_printf("archive bomb guard: %" G_GUINT64_FORMAT " bytes expanded from this file,"
                                        " over the limit of %" G_GUINT64_FORMAT " (--max-expand)",
                                        w->expanded, o->max_expand);
    else if (o->max_ratio && w->expanded > TL_RATIO_FLOOR &&
             w->expanded / (w->top_size ? w->top_size : 1) >= o->max_ratio)
        w->cut_reason = g_strdup_printf("archive bomb guard: %" G_GUINT64_FORMAT " bytes expanded from a file of %"
                                        G_GUINT64_FORMAT ", over %" G_GUINT64_FORMAT
                                        " times its size (--max-ratio)", w->expanded, w->top_size, o->max_ratio);
    return w->cut_reason != NULL;
}

/* Reads the next block: > 0 bytes in *out, 0 at the end, -1 on error (with
 * in->errmsg set). */
static ssize_t
in_read(in_stream *in, const uint8_t **out)
{
    ssize_t n;
    if (in->failed)
        return -1;
    if (in->a) {
        /* archive_read_data_block(), not archive_read_data(): the latter
         * drops the bytes it gathered when a later block fails, which would
         * lose the last good messages before a truncation. */
        if (in->blk_len == 0) {
            int r;
            do
                r = archive_read_data_block(in->a, &in->blk, &in->blk_len, &in->blk_off);
            while (r == ARCHIVE_RETRY);
            if (r == ARCHIVE_EOF)
                return 0;
            if (r < ARCHIVE_WARN) {
                in->blk_len = 0;
                in->failed = 1;
                in->errmsg = g_strdup(archive_error_string(in->a) ? archive_error_string(in->a)
                                                                  : "unknown libarchive error");
                return -1;
            }
            if (in->blk_off < in->pos)
                in->blk_off = in->pos;     /* never go back */
        }
        if (in->blk_off > in->pos) {       /* a hole: zeros */
            size_t z = (size_t)MIN((int64_t)BLOCK, in->blk_off - in->pos);
            if (in->w && over_budget(in->w, z)) {
                in->failed = 1;
                in->errmsg = g_strdup(in->w->cut_reason);
                return -1;
            }
            memset(in->buf, 0, z);
            in->pos += (int64_t)z;
            *out = in->buf;
            return (ssize_t)z;
        }
        *out = in->blk;
        n = (ssize_t)in->blk_len;
        in->pos += n;
        in->blk_len = 0;
        if (in->w && over_budget(in->w, (uint64_t)n)) {
            in->failed = 1;
            in->errmsg = g_strdup(in->w->cut_reason);
            return -1;
        }
        return n;
    }
    n = read_fd(in, in->buf, BLOCK);
    *out = in->buf;
    return n;
}

/* The Maildir info flags of a file name ("S" for "123.host:2,S"), or NULL. */
static const char *
maildir_flags(const char *name)
{
    const char *best = NULL;
    for (const char *p = name; *p; p++)
        if ((*p == ':' || *p == '!' || *p == ';') && (p[1] == '2' || p[1] == '1') && p[2] == ',')
            best = p + 3;
    return best;
}

/* Maildir role of an archive member, from its last directory component
 * (dot-files there are markers such as .noindex, not mail). */
static md_role
member_md_role(const char *name)
{
    const char *slash = strrchr(name, '/');
    if (!slash || slash[1] == '.')
        return MD_NONE;
    const char *s = slash;
    while (s > name && s[-1] != '/')
        s--;
    size_t n = (size_t)(slash - s);
    if (n == 3 && (strncmp(s, "cur", 3) == 0 || strncmp(s, "new", 3) == 0))
        return MD_MESSAGE;
    if (n == 3 && strncmp(s, "tmp", 3) == 0)
        return MD_TMP;
    return MD_NONE;
}

static const char *
basename_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ------------------------------------------------------------------ */
/* mbox                                                                */
/* ------------------------------------------------------------------ */

typedef struct {
    tl_walker *w;
    uint64_t src;
    const char *path;
    uint64_t end;           /* a range's end: the splitter stops at the message starting there */
    uint64_t n;             /* messages handed on */
} mbox_ctx;

static int
on_mbox_message(const tl_mbox_msg *m, void *data)
{
    mbox_ctx *c = data;
    if (!m->preamble && m->marker_offset >= c->end)
        return 1;           /* the next shard's first message */
    if (m->preamble) {
        error_row(c->w, c->src, c->path, m->offset, m->len, TL_WARN_JUNK, "split",
                  "%" G_GUINT64_FORMAT " bytes before the first From_ line are not a message", (uint64_t)m->len);
        return c->w->stopped;
    }
    c->n++;
    if (m->oversized) {
        error_row(c->w, c->src, c->path, m->offset, m->len, TL_ERR_TOO_BIG, "split",
                  "message %" G_GUINT64_FORMAT " is %" G_GUINT64_FORMAT " bytes, over the limit of %" G_GUINT64_FORMAT
                  " (--max-message)", m->index + 1, (uint64_t)m->len, c->w->opt->max_message);
        return c->w->stopped;
    }
    /* The job borrows the splitter's chunk: no copy of the bytes. */
    GByteArray *raw = g_byte_array_new_take((guint8 *)m->data, m->len);
    message_job(c->w, c->src, raw, tl_chunk_ref(m->chunk), m->offset, m->index, m->marker_offset, m->marker, NULL);
    return c->w->stopped;
}

/* ------------------------------------------------------------------ */
/* Containers                                                          */
/* ------------------------------------------------------------------ */

/* What a file that is neither a regular file, a directory nor a link is. */
static const char *
special_name(unsigned type)
{
    switch (type) {
    case S_IFIFO: return "named pipe (FIFO)";
    case S_IFSOCK: return "socket";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    default: return "special file";
    }
}

static void walk_archive(tl_walker *w, struct archive *a, const stream_info *si,
                         tl_sha256 *hash_of_input, uint64_t input_size);

/* Makes a libarchive reader with the formats and the safe filters. */
static struct archive *
archive_reader_new(void)
{
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_lzma(a);
    archive_read_support_filter_lzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_lz4(a);
    archive_read_support_filter_compress(a);
    /* Every format but mtree (an mtree file names files on THIS disk, which
     * libarchive would then read) and warc (web captures, not mail). */
    archive_read_support_format_7zip(a);
    archive_read_support_format_ar(a);
    archive_read_support_format_cab(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_iso9660(a);
    archive_read_support_format_lha(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_xar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_empty(a);
    archive_read_support_format_raw(a);
    return a;
}

/* Reads the rest of a stream into the digest; returns bytes read. */
static uint64_t
drain(in_stream *in, tl_sha256 *h)
{
    const uint8_t *b;
    ssize_t n;
    uint64_t total = 0;
    while ((n = in_read(in, &b)) > 0) {
        tl_sha256_update(h, b, (size_t)n);
        total += (uint64_t)n;
    }
    return total;
}

/*
 * Records a source whose content is not cut into messages: it is read to
 * the end for its size and digest (finishing h), then gets an error row
 * with `reason` when st is not TL_OK, and its end row in `state`.  A read
 * failure becomes the error row instead, and the state "failed".
 */
static void
opaque_source(tl_walker *w, in_stream *in, const stream_info *si, tl_sha256 *h, uint64_t head_len, int eof,
              const char *kind, tl_status_t st, const char *stage, const char *reason, const char *state)
{
    char sha[65];
    uint64_t src = source_begin(w, si, kind, NULL);
    uint64_t size = head_len + (eof ? 0 : drain(in, h));
    tl_sha256_finish(h, sha);
    if (in->failed)
        error_row(w, src, si->path, size, 0, TL_ERR_READ, "read", "read failed after %" G_GUINT64_FORMAT " bytes: %s",
                  size, in->errmsg);
    else if (st != TL_OK)
        error_row(w, src, si->path, 0, size, st, stage, "%s", reason);
    source_end(w, src, size, sha, 0, in->failed ? "failed" : state);
}

/* Does libarchive read these first bytes as an archive or compressed data
 * (and not only as raw bytes)?  Used to avoid loading a large non-archive
 * member into memory just to learn that it is not an archive. */
static int
head_is_archive(const uint8_t *head, size_t len)
{
    struct archive *a = archive_reader_new();
    struct archive_entry *e;
    int yes = 1;    /* opening fails only when a filter bid and then broke */
    if (archive_read_open_memory(a, head, len) == ARCHIVE_OK) {
        yes = 0;
        int r = archive_read_next_header(a, &e);
        int fmt = archive_format(a);
        if (r == ARCHIVE_OK || r == ARCHIVE_WARN || r == ARCHIVE_FATAL)
            yes = (fmt != ARCHIVE_FORMAT_RAW && fmt != ARCHIVE_FORMAT_EMPTY && fmt != 0) ||
                  archive_filter_count(a) > 1;
    }
    archive_read_free(a);
    return yes;
}

/* A stream after sniffing: its first bytes, what they are, and the
 * digest of the container so far.  A reader may take head (set it NULL). */
typedef struct {
    GByteArray *head;       /* the first HEAD bytes (a whole small file) */
    tl_sha256 *h;           /* the container's digest, fed head when hashed */
    int eof;                /* head holds the whole stream */
    size_t skip;            /* leading bytes that are not content (a BOM) */
    tl_kind_t kind;
    int hashed;             /* head went into h */
} stream_head;

/* One reader per container kind, as libarchive keeps one per format: each
 * reads the rest of the stream, emits its source, messages and error
 * rows, and finishes h. */
typedef void (*reader_fn)(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh);

/* A range ends where the next shard's first message starts: the splitter
 * is shown the bytes after it too (not hashed, not counted), so that it
 * judges the separators near the end as it does in a scan of the whole
 * file, and stops at that message.  Returns the splitter's stop. */
static int
feed_range_tail(in_stream *in, const tl_shard_item *r, tl_mbox *mb)
{
    if (r->end >= r->file_size)
        return 0;
    size_t want = (size_t)MIN((uint64_t)TL_RANGE_TAIL, r->file_size - r->end);
    uint8_t *tail = g_malloc(want);
    ssize_t n;
    do
        n = pread(in->fd, tail, want, (off_t)r->end);
    while (n < 0 && errno == EINTR);
    int stop = n > 0 ? tl_mbox_feed(mb, tail, (size_t)n) : 0;
    g_free(tail);
    return stop;
}

/* mbox (every variant): the splitter cuts messages as the bytes come. */
static void
read_mbox(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    const uint8_t *b;
    ssize_t n;
    char sha[65];
    uint64_t src = source_begin(w, si, "mbox", NULL);
    uint64_t base = si->range ? si->range->start : 0;
    mbox_ctx c = { w, src, si->path, si->range ? si->range->end : G_MAXUINT64, 0 };
    tl_mbox *mb = tl_mbox_new(base + sh->skip, w->opt->max_message, on_mbox_message, &c);
    if (si->range)
        tl_mbox_set_index(mb, si->range->first_index);
    uint64_t size = sh->head->len;
    int stop = tl_mbox_feed(mb, sh->head->data + sh->skip, sh->head->len - sh->skip);
    while (!stop && !sh->eof) {
        if (in->fd >= 0) {
            /* A file: read straight into the splitter's buffer. */
            uint8_t *dst = tl_mbox_reserve(mb, BLOCK);
            if ((n = read_fd(in, dst, BLOCK)) <= 0)
                break;
            tl_sha256_update_chunk(sh->h, dst, (size_t)n, tl_mbox_chunk(mb));
            size += (uint64_t)n;
            stop = tl_mbox_commit(mb, (size_t)n);
        } else {
            if ((n = in_read(in, &b)) <= 0)
                break;
            tl_sha256_update(sh->h, b, (size_t)n);
            size += (uint64_t)n;
            stop = tl_mbox_feed(mb, b, (size_t)n);
        }
    }
    if (!stop && si->range && !in->failed)
        stop = feed_range_tail(in, si->range, mb);
    if (!stop)
        tl_mbox_finish(mb);
    tl_sha256_finish(sh->h, sha);
    if (in->failed)
        error_row(w, src, si->path, base + size, 0, TL_WARN_TRUNCATED, "read",
                  "mbox read failed after %" G_GUINT64_FORMAT " bytes (%s); the %" G_GUINT64_FORMAT
                  " messages before it were kept", size, in->errmsg, c.n);
    source_end(w, src, size, sha, c.n, in->failed ? "truncated" : "ok");
    tl_mbox_free(mb);
}

/* One message that is its file (.eml, a Maildir file, readpst's numbered
 * files), or an Apple .emlx: "<count>\n", count bytes of message, a plist. */
static void
read_message(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    const tl_scan_options *opt = w->opt;
    GByteArray *head = sh->head;
    const uint8_t *b;
    ssize_t n;
    char sha[65];
    const char *k = sh->kind == TL_KIND_EMLX ? "emlx" : si->md == MD_MESSAGE ? "maildir-message" : "message";
    uint64_t src = source_begin(w, si, k, NULL);
    uint64_t size = head->len;
    int too_big = 0;
    while (!sh->eof) {
        int appended = 0;
        if (in->fd >= 0 && !too_big) {
            if ((n = read_append(in, head, BLOCK)) <= 0)
                break;
            b = head->data + head->len - n;
            appended = 1;
        } else if ((n = in_read(in, &b)) <= 0)
            break;
        size += (uint64_t)n;
        if (size > opt->max_message + 64 && !too_big) {
            too_big = 1;    /* not kept: the digest must come from here */
            if (!sh->hashed)
                tl_sha256_update(sh->h, head->data, head->len - (appended ? (size_t)n : 0));
            sh->hashed = 1;
        }
        if (sh->hashed)
            tl_sha256_update(sh->h, b, (size_t)n);
        if (!too_big && !appended)
            g_byte_array_append(head, b, (guint)n);
    }
    if (in->failed)
        error_row(w, src, si->path, size, 0, TL_WARN_TRUNCATED, "read",
                  "read failed after %" G_GUINT64_FORMAT " bytes: %s; the message is kept as read", size, in->errmsg);
    if (too_big) {
        tl_sha256_finish(sh->h, sha);
        error_row(w, src, si->path, 0, size, TL_ERR_TOO_BIG, "read",
                  "message file is %" G_GUINT64_FORMAT " bytes, over the limit of %" G_GUINT64_FORMAT
                  " (--max-message)", size, opt->max_message);
        source_end(w, src, size, sha, 0, "failed");
        return;
    }
    size_t off = sh->skip, len = head->len - sh->skip;
    if (sh->kind == TL_KIND_EMLX) {
        guint64 count = g_ascii_strtoull((const char *)head->data, NULL, 10);
        const uint8_t *nl = memchr(head->data, '\n', head->len);
        off = (size_t)(nl - head->data) + 1;
        len = head->len - off;
        if (count <= len)
            len = (size_t)count;
        else
            error_row(w, src, si->path, off, len, TL_WARN_TRUNCATED, "split",
                      ".emlx announces %" G_GUINT64_FORMAT " bytes but holds %zu; kept what is there", count, len);
    }
    GByteArray *raw;
    int whole = off == 0 && len == head->len;
    if (!whole && !sh->hashed)
        tl_sha256_update(sh->h, head->data, head->len);
    if (whole) {
        raw = head;
        sh->head = NULL;
    } else {
        raw = g_byte_array_sized_new((guint)len);
        g_byte_array_append(raw, head->data + off, (guint)len);
    }
    message_job(w, src, raw, NULL, off, 0, (uint64_t)-1, NULL, si->md_flags);
    tl_sha256_finish(sh->h, sha);
    /* A whole file that is its message takes the message's digest (the
     * worker's); sha is then unused. */
    source_end(w, src, size, whole && !sh->hashed ? NULL : sha, 1, in->failed ? "truncated" : "ok");
}

/* Mail stores this version does not read: an error row that says so. */
static void
read_unsupported(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    static const char *const advice[] = {
        [TL_KIND_BSMTP] = "batch SMTP file (HELO/MAIL FROM/RCPT TO/DATA): not read by this version",
        [TL_KIND_DBX] = "Outlook Express .dbx store: not read by this version",
    };
    opaque_source(w, in, si, sh->h, sh->head->len, sh->eof, tl_kind_name(sh->kind), TL_ERR_UNSUPPORTED, "walk",
                  advice[sh->kind], "failed");
}

static void
read_empty(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    char sha[65];
    (void)in;
    uint64_t src = source_begin(w, si, "empty", NULL);
    tl_sha256_finish(sh->h, sha);
    if (si->md == MD_MESSAGE)
        error_row(w, src, si->path, 0, 0, TL_ERR_EMPTY, "walk", "empty file in a Maildir");
    source_end(w, src, 0, sha, 0, "ok");
}

/* An Office document: not mail, not an archive libarchive reads. */
static void
read_office(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    opaque_source(w, in, si, sh->h, sh->head->len, sh->eof, tl_kind_name(sh->kind), TL_OK, NULL, NULL, "ok");
}

/* An archive file on disk: hash it to the end, then let libarchive read it
 * from the file (7z and zip want to seek). */
static void
read_archive_file(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh, struct archive *a)
{
    char sha[65];
    uint64_t size = sh->head->len + (sh->eof ? 0 : drain(in, sh->h));
    if (in->failed) {
        uint64_t src = source_begin(w, si, "archive", NULL);
        tl_sha256_finish(sh->h, sha);
        error_row(w, src, si->path, size, 0, TL_ERR_READ, "read", "read failed: %s", in->errmsg);
        source_end(w, src, size, sha, 0, "failed");
        return;
    }
    /* Same descriptor (O_NOATIME), rewound: reopening by name would update
     * the evidence's access time. */
    if (lseek(in->fd, 0, SEEK_SET) != 0 || archive_read_open_fd(a, in->fd, BLOCK) != ARCHIVE_OK) {
        uint64_t src = source_begin(w, si, "archive", NULL);
        tl_sha256_finish(sh->h, sha);
        error_row(w, src, si->path, 0, size, TL_ERR_ARCHIVE, "archive", "libarchive cannot open it: %s",
                  archive_error_string(a));
        source_end(w, src, size, sha, 0, "failed");
        return;
    }
    walk_archive(w, a, si, sh->h, size);
}

/* An archive member that is an archive: read into memory.  The limit is
 * for all nested archives held at once (an archive in an archive in an
 * archive holds three), so that nesting cannot multiply it. */
static void
read_archive_member(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh, struct archive *a)
{
    const tl_scan_options *opt = w->opt;
    const uint8_t *b;
    ssize_t n;
    char sha[65];
    GByteArray *mem = sh->head;
    sh->head = NULL;
    int too_big = 0;
    uint64_t size = mem->len;
    uint64_t room = opt->max_nested > w->nested_bytes ? opt->max_nested - w->nested_bytes : 0;
    while (!sh->eof && (n = in_read(in, &b)) > 0) {
        tl_sha256_update(sh->h, b, (size_t)n);
        size += (uint64_t)n;
        if (size > room)
            too_big = 1;
        else
            g_byte_array_append(mem, b, (guint)n);
    }
    if (too_big || size > room) {
        too_big = 1;
        uint64_t src = source_begin(w, si, "archive", NULL);
        tl_sha256_finish(sh->h, sha);
        error_row(w, src, si->path, 0, size, TL_ERR_TOO_BIG, "archive",
                  "nested archive is %" G_GUINT64_FORMAT " bytes; with the %" G_GUINT64_FORMAT
                  " bytes of the archives around it, over the limit of %" G_GUINT64_FORMAT " (--max-nested)",
                  size, w->nested_bytes, opt->max_nested);
        source_end(w, src, size, sha, 0, "failed");
    } else if (in->failed) {
        /* The outer archive is damaged inside this member: still try the
         * part we have (a truncated inner tar keeps its first members). */
        error_row(w, si->parent, si->path, size, 0, TL_WARN_TRUNCATED, "read",
                  "member read failed after %" G_GUINT64_FORMAT " bytes: %s; reading what came before",
                  size, in->errmsg);
    }
    if (!too_big) {
        if (archive_read_open_memory(a, mem->data, mem->len) != ARCHIVE_OK) {
            uint64_t src = source_begin(w, si, "archive", NULL);
            tl_sha256_finish(sh->h, sha);
            error_row(w, src, si->path, 0, size, TL_ERR_ARCHIVE, "archive", "libarchive cannot open it: %s",
                      archive_error_string(a));
            source_end(w, src, size, sha, 0, "failed");
        } else {
            w->nested_bytes += mem->len;
            walk_archive(w, a, si, sh->h, size);
            w->nested_bytes -= mem->len;
        }
    }
    g_byte_array_free(mem, TRUE);
}

/* Anything else: an archive or compressed file libarchive reads (within
 * the nesting limit), or bytes that are not mail, recorded with their
 * digest. */
static void
read_other(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    if (!head_is_archive(sh->head->data, sh->head->len)) {
        opaque_source(w, in, si, sh->h, sh->head->len, sh->eof, "other", TL_OK, NULL, NULL, "ok");
        return;
    }
    if (si->depth >= w->opt->max_depth) {
        char *why = g_strdup_printf("archive nested %d deep, over the limit of %d (--max-depth)", si->depth + 1,
                                    w->opt->max_depth);
        opaque_source(w, in, si, sh->h, sh->head->len, sh->eof, "archive", TL_ERR_NESTING, "archive", why, "failed");
        g_free(why);
        return;
    }
    struct archive *a = archive_reader_new();
    if (si->disk_path)
        read_archive_file(w, in, si, sh, a);
    else
        read_archive_member(w, in, si, sh, a);
    archive_read_free(a);
}

/* ------------------------------------------------------------------ */
/* Outlook stores, .msg and TNEF (parsers/outlook.c)                   */
/* ------------------------------------------------------------------ */

/* Reads the rest of a stream into memory (taking the head), feeding h,
 * up to room bytes; NULL when it is larger (the rest is still hashed),
 * with its size in *size. */
static GByteArray *
slurp(in_stream *in, stream_head *sh, uint64_t room, uint64_t *size)
{
    const uint8_t *b;
    ssize_t n;
    GByteArray *mem = sh->head;
    sh->head = NULL;
    *size = mem->len;
    while (!sh->eof && (n = in_read(in, &b)) > 0) {
        tl_sha256_update(sh->h, b, (size_t)n);
        *size += (uint64_t)n;
        if (*size <= room)
            g_byte_array_append(mem, b, (guint)n);
    }
    if (*size > room) {
        g_byte_array_free(mem, TRUE);
        return NULL;
    }
    return mem;
}

/* The walk through one store: each folder of the store is a source of its
 * own under the store's ("x.pst!/Top of Personal Folders/Inbox"), of kind
 * pst-folder; the recovered and orphan items are in sources of kind
 * pst-recovered and pst-orphan.  A message's position is its place in its
 * folder, its offset the item's identifier in the store. */
typedef struct {
    tl_walker *w;
    const stream_info *si;
    uint64_t store;         /* the store's source */
    uint64_t folder;        /* the open folder's source, 0 before the first */
    char *folder_path;      /* its provenance path */
    char *folder_name;      /* its folder path in the store */
    uint64_t n;             /* messages in the open folder */
    uint64_t total;         /* messages in the store */
} pst_walk;

static void
pst_folder_end(pst_walk *c)
{
    if (!c->folder)
        return;
    tl_job *j = tl_job_new(TL_JOB_SOURCE_END);
    j->source = c->folder;
    j->n_messages = c->n;
    j->state = g_strdup("ok");
    emit(c->w, j);
    c->folder = 0;
    g_free(c->folder_path);
    g_free(c->folder_name);
    c->folder_path = c->folder_name = NULL;
}

static void
pst_folder_begin(pst_walk *c, const char *folder)
{
    pst_folder_end(c);
    const char *name = *folder ? folder : "/";
    c->folder_name = g_strdup(name);
    c->folder_path = g_strdup_printf("%s!%s", c->si->path, name);
    stream_info fi = { .parent = c->store, .path = c->folder_path, .member = name, .depth = c->si->depth + 1,
                       .mtime = c->si->mtime };
    const char *kind = g_str_has_prefix(folder, "/(recovered)") ? "pst-recovered"
                       : g_str_has_prefix(folder, "/(orphan)")  ? "pst-orphan"
                                                                 : "pst-folder";
    c->folder = source_begin(c->w, &fi, kind, NULL);
    c->n = 0;
}

/* The store's source, opened at the first event, when libpff has said
 * what the store is. */
static void
pst_store_begin(pst_walk *c, const tl_ol_info *info)
{
    char *fmt = NULL;
    if (info)
        fmt = g_strdup_printf("%s %s%s%s", info->format, info->wide ? "64-bit (Unicode)" : "32-bit (ANSI)",
                              info->password_flag ? ", password checksum set (a flag, not encryption)" : "",
                              info->corrupted ? ", marked corrupted" : "");
    c->store = source_begin(c->w, c->si, info ? info->format : "pst", fmt);
    g_free(fmt);
}

static int
on_pst_item(const tl_ol_item *it, void *data)
{
    pst_walk *c = data;
    const char *name = *it->folder ? it->folder : "/";
    if (!c->store)
        pst_store_begin(c, it->info);
    if (!c->folder || strcmp(c->folder_name, name) != 0)
        pst_folder_begin(c, it->folder);
    switch (it->event) {
    case TL_OL_FOLDER:
        break;
    case TL_OL_MESSAGE:
        if (it->len > c->w->opt->max_message) {
            error_row(c->w, c->folder, c->folder_path, it->item_id, it->len, TL_ERR_TOO_BIG, "store",
                      "item %u (id %" G_GUINT64_FORMAT ") is %zu bytes as a message, over the limit of %"
                      G_GUINT64_FORMAT " (--max-message)", it->index, it->item_id, it->len,
                      c->w->opt->max_message);
            break;
        }
        if (it->reason)
            error_row(c->w, c->folder, c->folder_path, it->item_id, 0, TL_WARN_TRUNCATED, "store",
                      "item %u (id %" G_GUINT64_FORMAT ") read in part: %s", it->index, it->item_id, it->reason);
        GByteArray *raw = g_byte_array_sized_new((guint)it->len);
        g_byte_array_append(raw, it->data, (guint)it->len);
        message_job(c->w, c->folder, raw, NULL, it->item_id, it->index, (uint64_t)-1, NULL, NULL);
        c->n++;
        c->total++;
        break;
    case TL_OL_ERROR:
        error_row(c->w, c->folder, c->folder_path, it->item_id, 0, TL_ERR_READ, "store",
                  "item %u (id %" G_GUINT64_FORMAT ")%s cannot be read: %s", it->index, it->item_id,
                  it->recovered ? ", recovered," : "", it->reason ? it->reason : "no reason given");
        break;
    case TL_OL_LAST:
        break;
    }
    return c->w->stopped;
}

/* A PST or OST store: on disk it is hashed, then mapped and read where it
 * lies; inside an archive it is read into memory, within the limit for
 * nested containers (--max-nested), and read there: never written out. */
static void
read_pst(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    const tl_scan_options *opt = w->opt;
    char sha[65];
    uint64_t size = 0;
    GByteArray *mem = NULL;
    pst_walk c = { .w = w, .si = si };
    if (in->fd >= 0) {
        size = sh->head->len + (sh->eof ? 0 : drain(in, sh->h));
    } else {
        uint64_t room = opt->max_nested > w->nested_bytes ? opt->max_nested - w->nested_bytes : 0;
        mem = slurp(in, sh, room, &size);
    }
    tl_sha256_finish(sh->h, sha);
    if (in->failed || (in->fd < 0 && !mem)) {
        pst_store_begin(&c, NULL);
        if (in->failed)
            error_row(w, c.store, si->path, size, 0, TL_ERR_READ, "read",
                      "read failed after %" G_GUINT64_FORMAT " bytes: %s", size, in->errmsg);
        else
            error_row(w, c.store, si->path, 0, size, TL_ERR_TOO_BIG, "store",
                      "Outlook store of %" G_GUINT64_FORMAT " bytes inside an archive; with the %" G_GUINT64_FORMAT
                      " bytes of the archives around it, over the limit of %" G_GUINT64_FORMAT " (--max-nested)",
                      size, w->nested_bytes, opt->max_nested);
        source_end(w, c.store, size, sha, 0, "failed");
        if (mem)
            g_byte_array_free(mem, TRUE);
        return;
    }
    tl_ol_opts o = { .max_item = opt->max_message + 1 };
    tl_ol_info info;
    char *why = NULL;
    gboolean ok;
    if (mem) {
        w->nested_bytes += mem->len;
        ok = tl_outlook_pst_mem(mem->data, mem->len, &o, on_pst_item, &c, &info, &why);
        w->nested_bytes -= mem->len;
    } else {
        ok = tl_outlook_pst_fd(in->fd, &o, on_pst_item, &c, &info, &why);
    }
    pst_folder_end(&c);
    if (!c.store)
        pst_store_begin(&c, ok ? &info : NULL);
    if (!ok)
        error_row(w, c.store, si->path, 0, size, TL_ERR_READ, "store", "libpff cannot open the store: %s", why);
    source_end(w, c.store, size, sha, c.total, !ok ? "failed" : info.damaged ? "truncated" : "ok");
    g_free(why);
    if (mem)
        g_byte_array_free(mem, TRUE);
}

typedef struct {
    tl_walker *w;
    uint64_t src;
    const char *path;
    uint64_t n;
} item_walk;

static int
on_outlook_item(const tl_ol_item *it, void *data)
{
    item_walk *c = data;
    if (it->event == TL_OL_MESSAGE) {
        if (it->reason)
            error_row(c->w, c->src, c->path, 0, 0, TL_WARN_TRUNCATED, "store", "read in part: %s", it->reason);
        GByteArray *raw = g_byte_array_sized_new((guint)it->len);
        g_byte_array_append(raw, it->data, (guint)it->len);
        message_job(c->w, c->src, raw, NULL, 0, 0, (uint64_t)-1, NULL, NULL);
        c->n++;
    } else if (it->event == TL_OL_ERROR) {
        error_row(c->w, c->src, c->path, 0, 0, TL_ERR_READ, "store", "%s", it->reason ? it->reason : "unreadable");
    }
    return c->w->stopped;
}

/* An Outlook .msg file or a TNEF stream (winmail.dat): one message, built
 * from its MAPI properties; the file's bytes are kept whole in memory
 * within --max-message. */
static void
read_outlook_item(tl_walker *w, in_stream *in, const stream_info *si, stream_head *sh)
{
    char sha[65];
    uint64_t size = 0;
    GByteArray *mem = slurp(in, sh, w->opt->max_message, &size);
    tl_sha256_finish(sh->h, sha);
    item_walk c = { .w = w, .path = si->path };
    gboolean ok = FALSE;
    c.src = source_begin(w, si, tl_kind_name(sh->kind), NULL);
    if (in->failed) {
        error_row(w, c.src, si->path, size, 0, TL_ERR_READ, "read", "read failed after %" G_GUINT64_FORMAT
                  " bytes: %s", size, in->errmsg);
    } else if (!mem) {
        error_row(w, c.src, si->path, 0, size, TL_ERR_TOO_BIG, "read", "file of %" G_GUINT64_FORMAT
                  " bytes, over the limit of %" G_GUINT64_FORMAT " (--max-message)", size, w->opt->max_message);
    } else {
        tl_ol_opts o = { .max_item = w->opt->max_message + 1 };
        tl_ol_info info;
        char *why = NULL;
        ok = sh->kind == TL_KIND_TNEF
                 ? tl_outlook_tnef_mem(mem->data, mem->len, &o, on_outlook_item, &c, &info, &why)
                 : tl_outlook_msg_mem(mem->data, mem->len, &o, on_outlook_item, &c, &info, &why);
        if (!ok)
            error_row(w, c.src, si->path, 0, size, TL_ERR_PARSE, "store", "%s", why);
        g_free(why);
    }
    source_end(w, c.src, size, sha, c.n, in->failed || !ok ? "failed" : "ok");
    if (mem)
        g_byte_array_free(mem, TRUE);
}

/* The readers, by what sniffing found (parsers/sniff.c). */
static const reader_fn readers[TL_KIND_LAST + 1] = {
    [TL_KIND_UNKNOWN] = read_other,
    [TL_KIND_MBOX] = read_mbox,
    [TL_KIND_MESSAGE] = read_message,
    [TL_KIND_EMLX] = read_message,
    [TL_KIND_PST] = read_pst,
    [TL_KIND_OLE] = read_outlook_item,
    [TL_KIND_OLE_OTHER] = read_office,
    [TL_KIND_DBX] = read_unsupported,
    [TL_KIND_EMPTY] = read_empty,
    [TL_KIND_BSMTP] = read_unsupported,
    [TL_KIND_TNEF] = read_outlook_item,
    [TL_KIND_LAST] = read_other,
};

/* Gathers a stream's head (a file is read straight into it) and sniffs it. */
static void
sniff_stream(in_stream *in, const stream_info *si, uint64_t max_message, stream_head *sh)
{
    const uint8_t *b;
    ssize_t n = 0;
    /* A file whose size is known gets its buffer in one allocation. */
    GByteArray *head = g_byte_array_sized_new(in->size_hint > 0 && (uint64_t)in->size_hint < max_message
                                                  ? (guint)in->size_hint + 1 : HEAD);
    sh->head = head;
    sh->eof = 0;
    while (head->len < HEAD) {
        if (in->fd >= 0) {
            n = read_append(in, head, HEAD - head->len);
        } else if ((n = in_read(in, &b)) > 0)
            g_byte_array_append(head, b, (guint)n);
        if (n <= 0) {
            sh->eof = 1;
            break;
        }
    }
    sh->skip = 0;
    sh->kind = tl_sniff(head->data, head->len, &sh->skip);
    const char *bn = basename_of(si->member ? si->member : si->path);
    if (sh->kind == TL_KIND_UNKNOWN && head->len > 0 && !in->failed &&
        (g_str_has_suffix(bn, ".eml") || g_str_has_suffix(bn, ".emlx")) && !head_is_archive(head->data, head->len))
        sh->kind = TL_KIND_MESSAGE;     /* named as mail, not readable as mail: let GMime say why */
    if (si->md == MD_MESSAGE && sh->kind == TL_KIND_UNKNOWN && !head_is_archive(head->data, head->len))
        sh->kind = TL_KIND_MESSAGE;     /* every file in cur/ or new/ is a delivered message */
}

/* Reads one stream (a file or an archive entry) and hands it to the reader
 * of its kind. */
static void
process_stream(tl_walker *w, in_stream *in, const stream_info *si)
{
    stream_head sh;
    char sha[65];
    sniff_stream(in, si, w->opt->max_message, &sh);
    sh.h = tl_sha256_new(w->opt->jobs > 1);
    /* A single message that is its whole file needs no digest of its own:
     * the worker hashes the message, and that digest is the file's too.
     * Every other container is hashed from its first byte. */
    sh.hashed = !(sh.kind == TL_KIND_MESSAGE && sh.skip == 0 && si->md != MD_TMP);
    if (sh.hashed)
        tl_sha256_update(sh.h, sh.head->data, sh.head->len);
    if (in->failed && sh.head->len == 0) {
        uint64_t src = source_begin(w, si, "unreadable", NULL);
        tl_sha256_finish(sh.h, sha);
        error_row(w, src, si->path, 0, 0, TL_ERR_READ, "read", "read failed: %s", in->errmsg);
        source_end(w, src, 0, NULL, 0, "failed");
    } else if (si->range && sh.kind != TL_KIND_MBOX) {
        uint64_t src = source_begin(w, si, "file", NULL);
        tl_sha256_finish(sh.h, sha);
        error_row(w, src, si->path, si->range->start, 0, TL_ERR_READ, "walk",
                  "the plan split this file as an mbox at byte %" G_GUINT64_FORMAT " and it does not read as one"
                  " there: plan again", si->range->start);
        source_end(w, src, 0, NULL, 0, "failed");
    } else if (si->md == MD_TMP)
        opaque_source(w, in, si, sh.h, sh.head->len, sh.eof, "maildir-tmp", TL_SKIP_MAILDIR_TMP, "walk",
                      "Maildir tmp/ file: a delivery in progress, not indexed", "skipped");
    else
        readers[sh.kind](w, in, si, &sh);
    if (sh.head)
        g_byte_array_free(sh.head, TRUE);
}

/* Name of a member inside a compressed single file: "inbox.mbox" for
 * "inbox.mbox.gz", else libarchive's "data". */
static char *
raw_member_name(const char *path)
{
    static const char *const sfx[] = { ".gz", ".tgz", ".bz2", ".xz", ".lzma", ".lz", ".zst", ".lz4", ".Z", NULL };
    const char *b = basename_of(path);
    for (int i = 0; sfx[i]; i++)
        if (g_str_has_suffix(b, sfx[i]) && strlen(b) > strlen(sfx[i]))
            return g_strndup(b, strlen(b) - strlen(sfx[i]));
    return g_strdup("data");
}

/* Format and filter names, e.g. "POSIX ustar format + gzip". */
static char *
format_text(struct archive *a)
{
    GString *s = g_string_new(archive_format_name(a) ? archive_format_name(a) : "unknown");
    for (int i = 0; i < archive_filter_count(a); i++)
        if (archive_filter_code(a, i) != ARCHIVE_FILTER_NONE)
            g_string_append_printf(s, " + %s", archive_filter_name(a, i));
    return g_string_free(s, FALSE);
}

/* Walks an opened archive.  h is the digest of the archive's bytes so far
 * (finished here), input_size its size. */
/* The file given to the scan went over its expansion budget: its one
 * TL_WARN_LIMIT row, on the file's own source (written before the
 * source's end, so that the row points at it; typoleak audit found rows
 * written after it without a source). */
static const char *
cut_status(tl_walker *w, const stream_info *si, uint64_t src, const char *status)
{
    if (!w->cut_reason)
        return status;
    if (si->depth == 0 && !w->cut_reported) {
        error_row(w, src, si->path, 0, w->top_size, TL_WARN_LIMIT, "archive",
                  "%s; what came before was scanned, the rest of the file was not read", w->cut_reason);
        w->cut_reported = 1;
    }
    return "truncated";
}

static void
walk_archive(tl_walker *w, struct archive *a, const stream_info *si, tl_sha256 *h, uint64_t input_size)
{
    struct archive_entry *e;
    char sha[65];
    int r = archive_read_next_header(a, &e);
    int fmt = archive_format(a);
    char *ftext = format_text(a);
    tl_sha256_finish(h, sha);

    if (fmt == ARCHIVE_FORMAT_RAW && (r == ARCHIVE_OK || r == ARCHIVE_WARN)) {
        /* A compressed single file (or plain bytes no one recognised). */
        int compressed = archive_filter_count(a) > 1;
        uint64_t src = source_begin(w, si, compressed ? "compressed" : "other", ftext);
        if (compressed) {
            char *name = raw_member_name(si->member ? si->member : si->path);
            char *path = g_strdup_printf("%s!/%s", si->path, name);
            stream_info c = { .parent = src, .path = path, .member = name, .depth = si->depth + 1,
                              .mtime = si->mtime };
            in_stream in = { .fd = -1, .a = a, .w = w, .buf = g_malloc(BLOCK), .limit = -1 };
            process_stream(w, &in, &c);
            g_free(in.buf);
            g_free(in.errmsg);
            g_free(path);
            g_free(name);
        }
        source_end(w, src, input_size, sha, 0, cut_status(w, si, src, "ok"));
        g_free(ftext);
        return;
    }
    if (fmt == ARCHIVE_FORMAT_EMPTY && r == ARCHIVE_EOF) {
        uint64_t src = source_begin(w, si, "empty", ftext);
        source_end(w, src, input_size, sha, 0, "ok");
        g_free(ftext);
        return;
    }

    uint64_t src = source_begin(w, si, "archive", ftext);
    uint64_t members = 0;
    const char *status = "ok";

    while ((r == ARCHIVE_OK || r == ARCHIVE_WARN) && !w->stopped && !w->cut_reason) {
        if (w->opt->max_entries && members >= w->opt->max_entries) {
            error_row(w, src, si->path, 0, 0, TL_WARN_LIMIT, "archive",
                      "archive has more than %" G_GUINT64_FORMAT " members (--max-entries); the rest were not read",
                      w->opt->max_entries);
            status = "truncated";
            break;
        }
        const char *name = archive_entry_pathname_utf8(e);
        if (!name)
            name = archive_entry_pathname(e);
        if (!name)
            name = "(no name)";
        char *path = g_strdup_printf("%s!/%s", si->path, name);
        mode_t type = archive_entry_filetype(e);
        stream_info c = { .parent = src, .path = path, .member = name, .depth = si->depth + 1,
                          .mtime = archive_entry_mtime_is_set(e) ? (int64_t)archive_entry_mtime(e) : -1 };
        members++;
        if (type == AE_IFDIR) {
            /* Directories carry nothing. */
        } else if (type != AE_IFREG) {
            uint64_t s = source_begin(w, &c, type == AE_IFLNK ? "symlink" : "special", ftext);
            const char *target = archive_entry_symlink(e);
            if (type == AE_IFLNK)
                error_row(w, s, path, 0, 0, TL_SKIP_SYMLINK, "archive", "symbolic link member not followed%s%s",
                          target ? ": -> " : "", target ? target : "");
            else
                error_row(w, s, path, 0, 0, TL_SKIP_SPECIAL, "archive", "%s member not read", special_name(type));
            source_end(w, s, 0, NULL, 0, "skipped");
        } else if (archive_entry_is_data_encrypted(e)) {
            uint64_t s = source_begin(w, &c, "encrypted", ftext);
            error_row(w, s, path, 0, (uint64_t)archive_entry_size(e), TL_ERR_ENCRYPTED, "archive",
                      "member is encrypted; its content cannot be read");
            source_end(w, s, archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0, NULL, 0, "failed");
        } else {
            c.md = member_md_role(name);
            c.md_flags = c.md == MD_MESSAGE ? maildir_flags(basename_of(name)) : NULL;
            in_stream in = { .fd = -1, .a = a, .w = w, .buf = g_malloc(BLOCK), .limit = -1 };
            process_stream(w, &in, &c);
            g_free(in.buf);
            g_free(in.errmsg);
        }
        g_free(path);
        r = archive_read_next_header(a, &e);
    }
    if (w->cut_reason)
        status = cut_status(w, si, src, status);
    else if (r != ARCHIVE_EOF && !w->stopped && strcmp(status, "ok") == 0) {
        const char *msg = archive_error_string(a);
        error_row(w, src, si->path, 0, 0, members ? TL_WARN_TRUNCATED : TL_ERR_ARCHIVE, "archive",
                  "archive unreadable after %" G_GUINT64_FORMAT " members: %s", members,
                  msg ? msg : "unknown libarchive error");
        status = members ? "truncated" : "failed";
    }
    source_end(w, src, input_size, sha, members, status);
    g_free(ftext);
}

/* ------------------------------------------------------------------ */
/* Files and directories                                               */
/* ------------------------------------------------------------------ */

/* The scan's own files (its database, -wal, -shm, text index, case key)
 * by device and inode, and typoleak's reports by their first bytes: never
 * evidence (docs/cli/scan.md, "The scan's own files"). */
static const char *
own_file(tl_walker *w, const struct stat *st, const char *path)
{
    char key[64];
    g_snprintf(key, sizeof key, "%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
    const char *what = w->own ? g_hash_table_lookup(w->own, key) : NULL;
    if (what || !S_ISREG(st->st_mode) || st->st_size < 16 ||
        !(g_str_has_suffix(path, ".html") || g_str_has_suffix(path, ".htm") || g_str_has_suffix(path, ".json")))
        return what;        /* only a file named as a report costs a look at its head */
    char head[256] = "";
    int fd = tl_open_evidence(path, O_NOFOLLOW);
    ssize_t n = fd >= 0 ? read(fd, head, sizeof head - 1) : -1;
    if (fd >= 0)
        close(fd);
    head[n > 0 ? n : 0] = '\0';
    if (strstr(head, "<meta name=\"generator\" content=\"typoleak "))
        return "a typoleak HTML report";
    if (strstr(head, "\"format\" : \"typoleak-report\""))
        return "a typoleak JSON report";
    return NULL;
}

static int
open_evidence(const char *path)
{
    int fd = tl_open_evidence(path, 0);
    if (fd >= 0)
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return fd;
}

/* Whether an earlier run read this file to the end as it is now: same
 * size and mtime, then the same SHA-256 (read, not trusted). */
static int
unchanged(tl_walker *w, const char *path, int fd, int64_t mtime, int64_t size)
{
    const tl_done_file *d = w->done ? g_hash_table_lookup(w->done, path) : NULL;
    if (!d || d->size != size || mtime < 0)
        return 0;
    char *iso = tl_iso_utc(mtime);
    int same = iso && strcmp(iso, d->mtime) == 0;
    g_free(iso);
    char hex[65];
    if (!same || tl_sha256_fd(fd, hex) != 0 || strcmp(hex, d->sha256) != 0) {
        lseek(fd, 0, SEEK_SET);
        return 0;
    }
    return 1;
}

static void
walk_file(tl_walker *w, const char *path, uint64_t parent, md_role md, int64_t mtime, int64_t size)
{
    stream_info si = { .parent = parent, .path = path, .disk_path = path, .mtime = mtime, .md = md };
    si.md_flags = md == MD_MESSAGE ? maildir_flags(basename_of(path)) : NULL;
    if (w->opt->cancel && *w->opt->cancel) {
        w->stopped = 1;
        return;
    }
    const tl_shard_item *item = w->owned ? g_hash_table_lookup(w->owned, path) : NULL;
    if (item && item->ranged)
        si.range = item;
    int fd = open_evidence(path);
    if (fd >= 0 && si.range) {
        if (lseek(fd, (off_t)si.range->start, SEEK_SET) < 0 || (uint64_t)size != si.range->file_size) {
            uint64_t src = source_begin(w, &si, "file", NULL);
            error_row(w, src, path, 0, 0, TL_ERR_READ, "walk",
                      "the plan's range %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT " is of a file of %" G_GUINT64_FORMAT
                      " bytes; this one has %" G_GINT64_FORMAT ": plan again", si.range->start, si.range->end,
                      si.range->file_size, size);
            source_end(w, src, 0, NULL, 0, "failed");
            close(fd);
            return;
        }
    } else if (fd >= 0 && unchanged(w, path, fd, mtime, size)) {
        w->unchanged++;
        close(fd);
        return;
    }
    if (fd < 0) {
        int e = errno;
        uint64_t src = source_begin(w, &si, "file", NULL);
        error_row(w, src, path, 0, 0, TL_ERR_OPEN, "walk", "cannot open: %s", g_strerror(e));
        source_end(w, src, 0, NULL, 0, "failed");
        return;
    }
    in_stream in = { .fd = fd, .buf = g_malloc(BLOCK), .size_hint = size, .limit = -1 };
    if (si.range) {
        in.limit = (int64_t)(si.range->end - si.range->start);
        in.size_hint = in.limit;
    }
    uint64_t top = w->next_source + 1;     /* the file's source number */
    w->expanded = 0;
    w->top_size = (uint64_t)size;
    process_stream(w, &in, &si);
    if (w->cut_reason && !w->cut_reported)     /* not through walk_archive: should not happen */
        error_row(w, top, path, 0, (uint64_t)size, TL_WARN_LIMIT, "archive",
                  "%s; what came before was scanned, the rest of the file was not read", w->cut_reason);
    g_clear_pointer(&w->cut_reason, g_free);
    w->cut_reported = 0;
    g_free(in.buf);
    g_free(in.errmsg);
    close(fd);
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in a directory (".", ".." left out); NULL with errno set. */
static GPtrArray *
list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            g_ptr_array_add(names, g_strdup(de->d_name));
    closedir(d);
    g_ptr_array_sort(names, cmp_names);
    return names;
}

static int
is_dir(const char *parent, const char *name)
{
    struct stat st;
    char *p = g_build_filename(parent, name, NULL);
    int r = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
    g_free(p);
    return r;
}

static void walk_dir(tl_walker *w, const char *path, uint64_t parent, md_role md, GHashTable *seen);

static void
walk_entry(tl_walker *w, const char *path, uint64_t parent, md_role md, GHashTable *seen, int top)
{
    struct stat st;
    int r = top ? stat(path, &st) : lstat(path, &st);
    stream_info si = { .parent = parent, .path = path, .mtime = -1 };
    int leaf = r != 0 || !S_ISDIR(st.st_mode);
    if (leaf && w->list) {
        /* A plan: every file and other leaf, in the order a scan reads them. */
        int regular = r == 0 && S_ISREG(st.st_mode);
        w->list(w->list_data, path, regular, regular ? (int64_t)st.st_size : 0);
        return;
    }
    if (leaf && w->owned && !g_hash_table_contains(w->owned, path))
        return;             /* another shard's */
    if (r != 0) {
        int e = errno;
        uint64_t src = source_begin(w, &si, "file", NULL);
        error_row(w, src, path, 0, 0, TL_ERR_OPEN, "walk", "cannot stat: %s", g_strerror(e));
        source_end(w, src, 0, NULL, 0, "failed");
        return;
    }
    si.mtime = (int64_t)st.st_mtime;
    const char *own = own_file(w, &st, path);
    if (own) {
        uint64_t src = source_begin(w, &si, "own", NULL);
        error_row(w, src, path, 0, 0, TL_SKIP_OWN, "walk", "not evidence: %s", own);
        source_end(w, src, 0, NULL, 0, "skipped");
    } else if (S_ISDIR(st.st_mode)) {
        char key[64];
        g_snprintf(key, sizeof key, "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
        if (g_hash_table_contains(seen, key))
            return;                         /* bind-mount loop */
        g_hash_table_add(seen, g_strdup(key));
        walk_dir(w, path, parent, md, seen);
    } else if (S_ISREG(st.st_mode)) {
        walk_file(w, path, parent, md, si.mtime, (int64_t)st.st_size);
    } else if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        uint64_t src = source_begin(w, &si, "symlink", NULL);
        error_row(w, src, path, 0, 0, TL_SKIP_SYMLINK, "walk", "symbolic link not followed%s%s",
                  n > 0 ? ": -> " : "", target);
        source_end(w, src, 0, NULL, 0, "skipped");
    } else {
        uint64_t src = source_begin(w, &si, "special", NULL);
        error_row(w, src, path, 0, 0, TL_SKIP_SPECIAL, "walk", "%s not read", special_name(st.st_mode & S_IFMT));
        source_end(w, src, 0, NULL, 0, "skipped");
    }
}

/* Walks a directory in name order.  A directory with cur/ and new/ is a
 * Maildir: it gets a source row, its cur/ and new/ files are messages, its
 * tmp/ files are reported and not indexed.  md is the role the parent gave
 * this directory's files. */
static void
walk_dir(tl_walker *w, const char *path, uint64_t parent, md_role md, GHashTable *seen)
{
    GPtrArray *names = list_dir(path);
    if (!names) {
        int e = errno;
        stream_info si = { .parent = parent, .path = path, .mtime = -1 };
        uint64_t src = source_begin(w, &si, "directory", NULL);
        error_row(w, src, path, 0, 0, TL_ERR_OPEN, "walk", "cannot list directory: %s", g_strerror(e));
        source_end(w, src, 0, NULL, 0, "failed");
        return;
    }
    /* cur/ alone is enough (git and some exports drop the empty new/);
     * new/ alone is too common a folder name, so it needs tmp/ too. */
    int maildir = is_dir(path, "cur") || (is_dir(path, "new") && is_dir(path, "tmp"));
    uint64_t here = parent;
    if (maildir) {
        stream_info si = { .parent = parent, .path = path, .mtime = -1 };
        here = source_begin(w, &si, "maildir", NULL);
    }
    for (guint i = 0; i < names->len && !w->stopped; i++) {
        const char *name = names->pdata[i];
        char *child = g_build_filename(path, name, NULL);
        md_role role = md;
        if (maildir) {
            role = MD_NONE;
            if (strcmp(name, "cur") == 0 || strcmp(name, "new") == 0)
                role = MD_MESSAGE;
            else if (strcmp(name, "tmp") == 0)
                role = MD_TMP;
        } else if (md != MD_NONE && (name[0] == '.' || is_dir(path, name)))
            role = MD_NONE;     /* cur/sub/ is no Maildir folder; cur/.noindex is a marker, not mail */
        walk_entry(w, child, here, role, seen, 0);
        g_free(child);
    }
    if (maildir)
        source_end(w, here, 0, NULL, 0, "ok");
    g_ptr_array_free(names, TRUE);
}

void
tl_walk_path(tl_walker *w, const char *path)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *p = g_strdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    w->top_path = p;
    walk_entry(w, p, 0, MD_NONE, seen, 1);
    w->top_path = NULL;
    g_free(p);
    g_hash_table_destroy(seen);
}
