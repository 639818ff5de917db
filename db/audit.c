/*
 * audit.c - `typoleak audit --db FILE`: proves from the database alone
 * that nothing the scans met was lost (docs/cli/audit.md).
 *
 *  1. Every source is finished: its status is ok, or it is truncated,
 *     failed or skipped with an error row on it or on a source around it
 *     (an archive cut by a limit carries the row for its members).
 *  2. Every message is accounted for: a source's n_messages equals its
 *     occurrences plus the error rows of messages that could not be kept
 *     (stage parse, or split rows that are not junk).
 *  3. Every byte of every finished mbox is covered, with no gap and no
 *     overlap, by its messages (occurrences.offset, length), their From_
 *     lines (marker_offset up to offset), the error rows of dropped
 *     messages and junk (offset, length), and the one blank line (1 or 2
 *     bytes) that separates a message from the next; a UTF-8 BOM (3
 *     bytes) may open the file.  A range of a file that a plan gave a shard
 *     (sources.range_start, range_end) is covered from its start to its
 *     end, in the whole file's offsets.
 *
 * Read-only: the database is opened with tl_db_open_ro.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <string.h>

#include "db/read.h"
#include "scanner/typoleak.h"

typedef struct {
    int64_t off, len;
    int message;        /* a kept message: a blank line may follow it */
} extent;

static gint
cmp_extent(gconstpointer a, gconstpointer b)
{
    const extent *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off ? 1 : (x->len < y->len ? -1 : x->len > y->len);
}

static int64_t
problem(FILE *out, int64_t *n, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static int64_t
problem(FILE *out, int64_t *n, const char *fmt, ...)
{
    va_list ap;
    (*n)++;
    if (*n > 1000)
        return *n;      /* counted, not printed */
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    return *n;
}

/* Checks one mbox's extents; returns the bytes covered. */
static int64_t
cover_mbox(sqlite3 *db, FILE *out, int64_t src, const char *path, int64_t start, int64_t size, int64_t *problems)
{
    GArray *ex = g_array_new(FALSE, FALSE, sizeof(extent));
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db,
                       "SELECT marker_offset, offset, length, 1 FROM occurrences WHERE source_id = ?1"
                       " UNION ALL SELECT NULL, offset, length, 0 FROM errors WHERE source_id = ?1"
                       "   AND offset IS NOT NULL AND (stage IN ('parse', 'split') OR code = 'TL_ERR_EMPTY')",
                       -1, &s, NULL);
    sqlite3_bind_int64(s, 1, src);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t off = sqlite3_column_int64(s, 1), len = sqlite3_column_int64(s, 2);
        int msg = sqlite3_column_int(s, 3);
        if (msg && sqlite3_column_type(s, 0) != SQLITE_NULL) {
            int64_t m = sqlite3_column_int64(s, 0);
            if (m < off) {
                extent e = { m, off - m, 0 };
                g_array_append_val(ex, e);
            }
        }
        extent e = { off, len, msg };
        g_array_append_val(ex, e);
    }
    sqlite3_finalize(s);
    g_array_sort(ex, cmp_extent);
    int64_t pos = start, covered = 0;
    int after_message = 0;
    for (guint i = 0; i < ex->len; i++) {
        const extent *e = &g_array_index(ex, extent, i);
        if (e->off < pos)
            problem(out, problems, "overlap: %s bytes %" PRId64 "-%" PRId64 " are counted twice", path, e->off, pos);
        else if (e->off > pos) {
            int64_t gap = e->off - pos;
            int ok = (after_message && gap <= 2) || (pos == 0 && start == 0 && gap == 3);
            if (!ok)
                problem(out, problems, "gap: %s bytes %" PRId64 "-%" PRId64 " (%" PRId64
                        " bytes) belong to no message, separator or error row", path, pos, e->off, gap);
        }
        if (e->off + e->len > pos) {
            covered += e->off + e->len - MAX(pos, e->off);
            pos = e->off + e->len;
        }
        after_message = e->message;
    }
    size += start;      /* the end, in the file's offsets */
    if (pos < size && !(after_message && size - pos <= 2) && !(pos == 0 && size <= 3))
        problem(out, problems, "gap: %s bytes %" PRId64 "-%" PRId64 " at its end belong to no message", path, pos,
                size);
    if (pos > size)
        problem(out, problems, "overrun: %s has %" PRId64 " bytes but its messages reach %" PRId64, path, size, pos);
    g_array_free(ex, TRUE);
    return covered;
}

tl_status_t
tl_audit(const char *db_path, FILE *out, tl_audit_counts *c, char **errmsg)
{
    memset(c, 0, sizeof *c);
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    sqlite3_stmt *s;

    /* 1. sources */
    sqlite3_prepare_v2(db,
                       "WITH RECURSIVE up(id, anc) AS (SELECT id, id FROM sources"
                       "   UNION SELECT up.id, s.parent_id FROM up JOIN sources s ON s.id = up.anc"
                       "   WHERE s.parent_id IS NOT NULL)"
                       " SELECT s.id, s.path, coalesce(s.status, 'reading'),"
                       "   EXISTS(SELECT 1 FROM up JOIN errors e ON e.source_id = up.anc WHERE up.id = s.id)"
                       " FROM sources s ORDER BY s.id",
                       -1, &s, NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(s, 1);
        const char *st = (const char *)sqlite3_column_text(s, 2);
        int has_error = sqlite3_column_int(s, 3);
        c->sources++;
        if (strcmp(st, "ok") == 0)
            continue;
        if (strcmp(st, "truncated") != 0 && strcmp(st, "failed") != 0 && strcmp(st, "skipped") != 0)
            problem(out, &c->problems, "unfinished: source %" PRId64 " %s is '%s' (run the same scan again)",
                    (int64_t)sqlite3_column_int64(s, 0), path, st);
        else if (!has_error)
            problem(out, &c->problems, "unexplained: source %" PRId64 " %s is '%s' with no error row",
                    (int64_t)sqlite3_column_int64(s, 0), path, st);
    }
    sqlite3_finalize(s);

    /* 2. messages of each source that holds messages */
    sqlite3_prepare_v2(db,
                       "SELECT s.id, s.path, s.kind, s.n_messages, s.size, s.status,"
                       "  (SELECT count(*) FROM occurrences o WHERE o.source_id = s.id),"
                       "  (SELECT count(*) FROM errors e WHERE e.source_id = s.id AND e.code <> 'TL_WARN_JUNK'"
                       "     AND (e.stage = 'parse' AND e.code <> 'TL_WARN_LIMIT'"
                       "          OR e.stage = 'split' AND e.code IN ('TL_ERR_TOO_BIG', 'TL_ERR_EMPTY')))"
                       "  , coalesce(s.range_start, 0)"
                       " FROM sources s WHERE s.kind IN ('mbox', 'message', 'maildir-message', 'emlx')"
                       " ORDER BY s.id",
                       -1, &s, NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        const char *path = (const char *)sqlite3_column_text(s, 1);
        const char *kind = (const char *)sqlite3_column_text(s, 2);
        int64_t n = sqlite3_column_int64(s, 3), size = sqlite3_column_int64(s, 4);
        const char *st = (const char *)sqlite3_column_text(s, 5);
        int64_t occ = sqlite3_column_int64(s, 6), err = sqlite3_column_int64(s, 7);
        c->messages += n;
        c->occurrences += occ;
        c->message_errors += err;
        if (sqlite3_column_type(s, 3) == SQLITE_NULL)
            continue;   /* unfinished: said above */
        if (occ + err != n)
            problem(out, &c->problems,
                    "messages: %s holds %" PRId64 " messages, %" PRId64 " were scanned and %" PRId64
                    " are error rows", path, n, occ, err);
        if (strcmp(kind, "mbox") == 0 && st && strcmp(st, "failed") != 0) {
            c->mboxes++;
            c->mbox_bytes += size;
            c->mbox_covered += cover_mbox(db, out, id, path, sqlite3_column_int64(s, 8), size, &c->problems);
        }
    }
    sqlite3_finalize(s);

    sqlite3_prepare_v2(db, "SELECT count(*) FROM errors", -1, &s, NULL);
    if (sqlite3_step(s) == SQLITE_ROW)
        c->errors = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    fprintf(out,
            "audit: %" PRId64 " sources, %" PRId64 " messages (%" PRId64 " scanned, %" PRId64
            " error rows), %" PRId64 " error rows in all; %" PRId64 " mbox files, %" PRId64 " of %" PRId64
            " bytes covered; %s\n",
            c->sources, c->messages, c->occurrences, c->message_errors, c->errors, c->mboxes, c->mbox_covered,
            c->mbox_bytes, c->problems ? "PROBLEMS FOUND" : "nothing lost");
    if (c->problems)
        fprintf(out, "audit: %" PRId64 " problems\n", c->problems);
    return TL_OK;
}
