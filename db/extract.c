/*
 * extract.c - a message's raw bytes, re-read from the evidence wherever
 * the scan found them: a file on disk (the slice at the recorded offset),
 * or an entry of an archive or a compressed file, nested archives read in
 * memory through libarchive by the recorded member names.  The bytes are
 * checked against the SHA-256 recorded for that copy before anything is
 * written.
 *
 * Read-only (SQLITE_OPEN_READONLY); the evidence is only read, opened as
 * every evidence file is (tl_open_evidence).  `typoleak extract` writes
 * these bytes, or one attachment taken out of them (parsers/attachment.c),
 * docs/cli/extract.md.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/read.h"

#define MAX_MEMBER (G_MAXUINT - (1u << 17))  /* a GByteArray holds less than 4 GiB */

typedef struct {
    sqlite3_int64 parent;
    char *path, *member, *format, *cwd;
} src_row;

static void
src_clear(src_row *r)
{
    g_free(r->path), g_free(r->member), g_free(r->format), g_free(r->cwd);
}

static int
load_source(sqlite3 *db, sqlite3_int64 id, src_row *r)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    memset(r, 0, sizeof *r);
    if (sqlite3_prepare_v2(db,
                           "SELECT s.parent_id, s.path, s.member, s.format, json_extract(r.settings, '$.cwd')"
                           " FROM sources s JOIN runs r ON r.id = s.run_id WHERE s.id = ?", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            r->parent = sqlite3_column_int64(s, 0);
            r->path = g_strdup((const char *)sqlite3_column_text(s, 1));
            r->member = g_strdup((const char *)sqlite3_column_text(s, 2));
            r->format = g_strdup((const char *)sqlite3_column_text(s, 3));
            r->cwd = g_strdup((const char *)sqlite3_column_text(s, 4));
            ok = r->path != NULL;
        }
    }
    sqlite3_finalize(s);
    return ok;
}

/* The file of a top-level source, as the scan named it (relative paths
 * against the directory the scan ran in). */
static char *
file_of(const src_row *r)
{
    if (g_path_is_absolute(r->path) || !r->cwd)
        return g_strdup(r->path);
    return g_build_filename(r->cwd, r->path, NULL);
}

static GByteArray *source_bytes(sqlite3 *db, sqlite3_int64 id, gint64 off, gint64 len, char **err);

/* The entry `member` of the archive whose bytes are `data` (or, data NULL,
 * the file `file`); a raw (compressed single file) archive has one entry. */
static GByteArray *
archive_member(const GByteArray *data, const char *file, const char *member, int raw, char **err)
{
    struct archive *a = archive_read_new();
    archive_read_support_filter_all(a);
    if (raw)
        archive_read_support_format_raw(a);
    else {
        archive_read_support_format_all(a);
        archive_read_support_format_raw(a);
    }
    int fd = data ? -1 : tl_open_evidence(file, 0);
    int rc = data ? archive_read_open_memory(a, data->data, data->len)
             : fd >= 0 ? archive_read_open_fd(a, fd, 1 << 16) : ARCHIVE_FATAL;
    GByteArray *out = NULL;
    if (rc != ARCHIVE_OK) {
        if (fd < 0 && !data)
            archive_set_error(a, errno, "%s", g_strerror(errno));
        *err = g_strdup_printf("cannot open %s as an archive: %s", file, archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    struct archive_entry *e;
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname(e);
        if (!raw && g_strcmp0(name, member) != 0)
            continue;
        out = g_byte_array_new();
        char buf[1 << 16];
        la_ssize_t n;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0 && out->len < MAX_MEMBER)
            g_byte_array_append(out, (const guint8 *)buf, (guint)n);
        if (n < 0) {
            *err = g_strdup_printf("reading %s in %s: %s", member, file, archive_error_string(a));
            g_byte_array_free(out, TRUE);
            out = NULL;
        }
        break;
    }
    if (!out && !*err)
        *err = g_strdup_printf("%s has no entry %s any more", file, member);
    archive_read_free(a);
    if (fd >= 0)
        close(fd);
    return out;
}

/* Bytes [off, off + len) of source id's content (len < 0: all of it). */
static GByteArray *
source_bytes(sqlite3 *db, sqlite3_int64 id, gint64 off, gint64 len, char **err)
{
    src_row r;
    if (!load_source(db, id, &r)) {
        *err = g_strdup_printf("source %lld is not in the database", (long long)id);
        return NULL;
    }
    GByteArray *whole = NULL;
    if (!r.member) {
        /* a file on disk: read only the slice */
        char *file = file_of(&r);
        int fd = tl_open_evidence(file, 0);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0)
            *err = g_strdup_printf("cannot open %s: %s", file, g_strerror(errno));
        else {
            if (len < 0)
                len = st.st_size - off;
            GByteArray *b = g_byte_array_sized_new((guint)(len > 0 ? len : 0));
            g_byte_array_set_size(b, (guint)(len > 0 ? len : 0));
            gint64 got = 0;
            ssize_t n = 1;
            while (got < len && (n = pread(fd, b->data + got, (size_t)(len - got), (off_t)(off + got))) > 0)
                got += n;
            if (len < 0 || got != len) {
                *err = g_strdup_printf("%s is shorter than recorded (%lld bytes at %lld)", file, (long long)len,
                                       (long long)off);
                g_byte_array_free(b, TRUE);
            } else
                whole = b;
        }
        if (fd >= 0)
            close(fd);
        g_free(file);
        src_clear(&r);
        return whole;
    }
    /* an entry of its parent: the parent's bytes (a file, or an entry of
     * its own parent, in memory), then the entry */
    src_row p;
    if (!load_source(db, r.parent, &p)) {
        *err = g_strdup_printf("the container of %s is not in the database", r.path);
        src_clear(&r);
        return NULL;
    }
    int raw = p.format && g_str_has_prefix(p.format, "raw");
    if (!p.member) {
        char *file = file_of(&p);
        whole = archive_member(NULL, file, r.member, raw, err);
        g_free(file);
    } else {
        GByteArray *outer = source_bytes(db, r.parent, 0, -1, err);
        if (outer) {
            whole = archive_member(outer, p.path, r.member, raw, err);
            g_byte_array_free(outer, TRUE);
        }
    }
    src_clear(&p);
    src_clear(&r);
    if (!whole || len < 0)
        return whole;
    if (off + len > (gint64)whole->len) {
        *err = g_strdup_printf("the entry is shorter than recorded (%lld bytes at %lld)", (long long)len, (long long)off);
        g_byte_array_free(whole, TRUE);
        return NULL;
    }
    GByteArray *slice = g_byte_array_sized_new((guint)len);
    g_byte_array_append(slice, whole->data + off, (guint)len);
    g_byte_array_free(whole, TRUE);
    return slice;
}

tl_status_t
tl_message_bytes(const char *db_path, const char *key, GByteArray **bytes, char **where, char **errmsg)
{
    *bytes = NULL;
    if (where)
        *where = NULL;
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    long long id = tl_db_find_message(db, key);
    if (id == -2) {
        *errmsg = tl_db_read_error(db, db_path);
        sqlite3_close(db);
        return TL_ERR_DB;
    }
    if (id <= 0) {
        *errmsg = id < 0 ? g_strdup_printf("'%s' names more than one message: give more of the SHA-256", key)
                         : g_strdup_printf("no message '%s' (give its number, SHA-256 prefix or Message-ID)", key);
        sqlite3_close(db);
        return TL_ERR_USAGE;
    }
    sqlite3_stmt *s = NULL;
    GString *why = g_string_new(NULL);
    if (sqlite3_prepare_v2(db,
                           "SELECT o.source_id, o.offset, o.length, coalesce(o.sha256, m.sha256), s.path FROM occurrences o"
                           " JOIN messages m ON m.id = o.message_id JOIN sources s ON s.id = o.source_id"
                           " WHERE o.message_id = ? ORDER BY o.id", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        while (!*bytes && sqlite3_step(s) == SQLITE_ROW) {
            char *err = NULL, sum[65];
            const char *want = (const char *)sqlite3_column_text(s, 3), *path = (const char *)sqlite3_column_text(s, 4);
            gint64 off = sqlite3_column_int64(s, 1);
            GByteArray *b = source_bytes(db, sqlite3_column_int64(s, 0), off, sqlite3_column_int64(s, 2), &err);
            if (b) {
                tl_sha256_hex(b->data, b->len, sum);
                if (g_strcmp0(sum, want) != 0)
                    err = g_strdup_printf("%s at %lld: SHA-256 %s, not the recorded %s", path, (long long)off, sum, want);
            }
            if (!err) {
                *bytes = b;
                if (where)
                    *where = g_strdup_printf("message %lld: %u bytes from %s at offset %lld, SHA-256 %s (as recorded)",
                                             id, b->len, path, (long long)off, sum);
            } else {
                g_string_append_printf(why, "%s%s", why->len ? "; " : "", err);
                if (b)
                    g_byte_array_free(b, TRUE);
            }
            g_free(err);
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (!*bytes)
        *errmsg = g_strdup_printf("message %lld could not be re-read: %s", id, why->len ? why->str : "no copy recorded");
    g_string_free(why, TRUE);
    return *bytes ? TL_OK : TL_ERR_READ;
}

tl_status_t
tl_extract_message(const char *db_path, const char *key, const char *out_path, FILE *log, char **errmsg)
{
    GByteArray *b = NULL;
    char *where = NULL;
    tl_status_t st = tl_message_bytes(db_path, key, &b, &where, errmsg);
    if (st != TL_OK)
        return st;
    int ok;
    if (strcmp(out_path, "-") == 0)
        ok = fwrite(b->data, 1, b->len, stdout) == b->len && fflush(stdout) == 0;
    else
        ok = g_file_set_contents(out_path, (const char *)b->data, (gssize)b->len, NULL);
    if (!ok) {
        *errmsg = g_strdup_printf("cannot write %s", out_path);
        st = TL_ERR_USAGE;
    } else if (log)
        fprintf(log, "%s\n", where);
    g_free(where);
    g_byte_array_free(b, TRUE);
    return st;
}
