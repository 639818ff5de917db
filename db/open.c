/*
 * open.c - how every read-side tool opens a findings database: read-only,
 * as immutable when its folder cannot be written (a disc, a write-protected
 * share: SQLite could make no -shm there) or when it is in WAL mode with no
 * -wal beside it, never making a -wal or -shm;
 * the text index beside it attached as "text" when it is there.  Failures
 * name the file and say what is wrong with it in words (docs/errors.md).
 */
#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/read.h"

/* "file:" URI of a path, read-only; '%', '?' and '#' escaped. */
static char *
ro_uri(const char *path, int immutable)
{
    char *esc = g_uri_escape_string(path, "/", FALSE);
    char *uri = g_strdup_printf("file:%s?mode=ro%s", esc, immutable ? "&immutable=1" : "");
    g_free(esc);
    return uri;
}

int
tl_db_folder_writable(const char *path)
{
    char *dir = g_path_get_dirname(path);
    int w = access(dir, W_OK) == 0;
    g_free(dir);
    return w;
}

char *
tl_db_read_error(sqlite3 *db, const char *db_path)
{
    int rc = sqlite3_errcode(db);
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
        return g_strdup_printf("%s is damaged: %s (copy it again from the original, or scan again)", db_path,
                               sqlite3_errstr(rc));
    return g_strdup_printf("cannot read %s: %s", db_path, sqlite3_errmsg(db));
}

/* One integer from a query; -1 after an error. */
static sqlite3_int64
one_int(sqlite3 *db, const char *q)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 v = -1;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Whether to open path as immutable: its folder cannot be written (SQLite
 * could make no -shm there), or it is in WAL mode with no -wal beside it
 * (nothing is in a log, no scan is writing it: a read-only connection
 * would need a -shm it may not make). */
static int
immutable(const char *path)
{
    if (!tl_db_folder_writable(path))
        return 1;
    unsigned char h[20];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(h, 1, sizeof h, f) : 0;
    if (f)
        fclose(f);
    if (n < sizeof h || h[18] != 2)
        return 0;
    char *wal = g_strconcat(path, "-wal", NULL);
    int none = access(wal, F_OK) != 0;
    g_free(wal);
    return none;
}

/* The text index beside the database, attached as "text" when it is there
 * and of this version; 0, or -1 with the reason. */
static int
attach_text(sqlite3 *db, const char *db_path, char **errmsg)
{
    char *path = tl_text_db_path(db_path);
    int exists = 0, rc = 0;
    char *why = tl_db_file_problem(path, &exists);
    if (!exists || why) {
        g_free(path);
        g_free(why);        /* a damaged text index does not keep the findings from being read */
        return 0;
    }
    char *uri = ro_uri(path, immutable(path));
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "ATTACH ? AS text", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, uri, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = -1;
    } else
        rc = -1;
    sqlite3_finalize(s);
    if (rc == 0 && one_int(db, "PRAGMA text.user_version") != TL_SCHEMA_VERSION) {
        if (errmsg)
            *errmsg = g_strdup_printf("%s is not a typoleak text index of schema version %d", path, TL_SCHEMA_VERSION);
        rc = -1;
    } else if (rc && errmsg)
        *errmsg = g_strdup_printf("cannot open the text index %s: %s", path, sqlite3_errmsg(db));
    g_free(uri);
    g_free(path);
    return rc;
}

sqlite3 *
tl_db_open_ro(const char *db_path, char **errmsg)
{
    int exists = 0;
    char *why = tl_db_file_problem(db_path, &exists);
    if (!why && !exists)
        why = g_strdup_printf("cannot open %s: %s", db_path, g_strerror(ENOENT));
    else if (!why) {
        struct stat st;
        if (stat(db_path, &st) == 0 && st.st_size == 0)
            why = g_strdup_printf("%s is empty: not a typoleak findings database", db_path);
    }
    if (why) {
        if (errmsg)
            *errmsg = why;
        else
            g_free(why);
        return NULL;
    }
    sqlite3 *db = NULL;
    char *uri = ro_uri(db_path, immutable(db_path));
    int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    g_free(uri);
    if (rc != SQLITE_OK) {
        if (errmsg)
            *errmsg = g_strdup_printf("cannot open %s: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_int64 objects = one_int(db, "SELECT count(*) FROM sqlite_master");
    sqlite3_int64 version = objects >= 0 ? one_int(db, "PRAGMA user_version") : -1;
    if (objects < 0 || version < 0)
        why = tl_db_read_error(db, db_path);
    else if (version == 0)
        why = g_strdup_printf("%s is a SQLite database but not a typoleak findings database", db_path);
    else if (version != TL_SCHEMA_VERSION)
        why = g_strdup_printf("%s is a typoleak database of schema version %lld; this typoleak (%s) reads version %d: "
                              "use the typoleak that wrote it, or scan the evidence again", db_path,
                              (long long)version, TL_VERSION, TL_SCHEMA_VERSION);
    else if (attach_text(db, db_path, &why) != 0 && !why)
        why = g_strdup_printf("cannot open the text index of %s", db_path);
    if (why) {
        if (errmsg)
            *errmsg = why;
        else
            g_free(why);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
    return db;
}
