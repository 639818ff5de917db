/*
 * verify.c - chain of custody: re-hashes the evidence a database recorded
 * and says which files changed or disappeared since they were scanned.
 *
 * The files checked are the sources read from the file system (depth 0,
 * with a SHA-256): single messages, mbox files, Maildir messages,
 * archives.  A member of an archive is covered by its archive's digest.
 * When a path was scanned by several runs, its latest record is the
 * reference.  A relative path is taken relative to the directory the run
 * was started in (runs.settings.cwd), when the run recorded it.
 *
 * Read-only twice over: the database is opened with SQLITE_OPEN_READONLY
 * and the evidence with O_RDONLY (and O_NOATIME when allowed), so that
 * verifying changes neither.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/read.h"

/* The run's cwd from its settings, or NULL. */
static char *
run_cwd(const char *settings)
{
    if (!settings)
        return NULL;
    JsonParser *p = json_parser_new();
    char *cwd = NULL;
    if (json_parser_load_from_data(p, settings, -1, NULL)) {
        JsonNode *root = json_parser_get_root(p);
        if (root && JSON_NODE_HOLDS_OBJECT(root)) {
            JsonObject *o = json_node_get_object(root);
            if (json_object_has_member(o, "cwd"))
                cwd = g_strdup(json_object_get_string_member(o, "cwd"));
        }
    }
    g_object_unref(p);
    return cwd;
}

/* SHA-256, size and mtime of the file at path; errno-style failure. */
static int
hash_file(const char *path, char hex[65], gint64 *size, char **mtime)
{
    int fd = tl_open_evidence(path, O_NOFOLLOW);
    if (fd < 0)
        return errno;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISREG(st.st_mode) ? errno : EISDIR;
        close(fd);
        return e;
    }
    int e = tl_sha256_fd(fd, hex);
    close(fd);
    *size = st.st_size;
    *mtime = tl_iso_utc(st.st_mtime);
    return e;
}

tl_status_t
tl_verify(const char *db_path, FILE *out, tl_verify_counts *counts, char **errmsg)
{
    memset(counts, 0, sizeof *counts);
    sqlite3 *db = tl_db_open_ro(db_path, errmsg);
    if (!db)
        return TL_ERR_DB;
    /* the latest record of every file read from the file system */
    static const char q[] =
        "SELECT s.path, coalesce(s.file_size, s.size), coalesce(s.file_sha256, s.sha256), s.mtime, r.settings, r.id"
        " FROM sources s JOIN runs r ON r.id = s.run_id"
        " WHERE s.id IN (SELECT max(id) FROM sources WHERE depth = 0 AND coalesce(file_sha256, sha256) IS NOT NULL"
        "  GROUP BY path)"
        " ORDER BY s.path";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
        *errmsg = tl_db_read_error(db, db_path);
        sqlite3_close(db);
        return TL_ERR_DB;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(s, 0);
        gint64 size = sqlite3_column_int64(s, 1);
        const char *sha = (const char *)sqlite3_column_text(s, 2);
        const char *mtime = (const char *)sqlite3_column_text(s, 3);
        char *cwd = run_cwd((const char *)sqlite3_column_text(s, 4));
        char *full = g_path_is_absolute(path) || !cwd ? g_strdup(path) : g_build_filename(cwd, path, NULL);
        char hex[65] = "";
        gint64 now_size = 0;
        char *now_mtime = NULL;
        int e = hash_file(full, hex, &now_size, &now_mtime);
        counts->files++;
        if (e == ENOENT || e == ENOTDIR) {
            counts->missing++;
            fprintf(out, "missing  %s\n", path);
        } else if (e) {
            counts->unreadable++;
            fprintf(out, "unreadable  %s: %s\n", path, g_strerror(e));
        } else if (strcmp(hex, sha) != 0 || now_size != size) {
            counts->changed++;
            fprintf(out, "changed  %s: size %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT ", sha256 %.16s... -> %.16s...\n",
                    path, size, now_size, sha, hex);
        } else {
            counts->unchanged++;
            if (mtime && strcmp(mtime, now_mtime) != 0) {
                counts->touched++;
                fprintf(out, "touched  %s: same content, mtime %s -> %s\n", path, mtime, now_mtime);
            }
        }
        g_free(now_mtime);
        g_free(full);
        g_free(cwd);
    }
    sqlite3_finalize(s);
    tl_status_t st = TL_OK;
    if (rc != SQLITE_DONE) {
        *errmsg = tl_db_read_error(db, db_path);
        st = TL_ERR_DB;
    } else
        fprintf(out, "%" PRId64 " files: %" PRId64 " unchanged (%" PRId64
                " with a new mtime), %" G_GINT64_FORMAT " changed, %" G_GINT64_FORMAT " missing, %" G_GINT64_FORMAT
                " unreadable\n",
                counts->files, counts->unchanged, counts->touched, counts->changed, counts->missing,
                counts->unreadable);
    sqlite3_close(db);
    return st;
}
