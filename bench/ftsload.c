/*
 * ftsload.c - the text index's own cost: copies the rows of a typoleak text
 * index file (SRC, the "<db>.text" beside a findings database) into a fresh
 * FTS5 table made with the same CREATE statement in OUT, in transactions of
 * 4,000 rows as the scan commits, and prints the rows, bytes and CPU time
 * of the inserts alone (reading the source rows is not counted).  make
 * bench's catcher case runs it on the text of its own scan: it is the
 * floor the full-text index puts under a scan that indexes that much text,
 * whatever typoleak itself does.
 *
 *   ftsload SRC.text OUT.db
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "ftsload: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ftsload SRC.text OUT.db\n");
        return 2;
    }
    sqlite3 *src = NULL, *out = NULL;
    sqlite3_stmt *get = NULL, *put = NULL, *ddl = NULL;
    if (sqlite3_open_v2(argv[1], &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(src, argv[1]);
    remove(argv[2]);
    if (sqlite3_open(argv[2], &out) != SQLITE_OK)
        die(out, argv[2]);
    /* the scan's settings for its text file (db/writer.c) */
    if (sqlite3_exec(out, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384;",
                     NULL, NULL, NULL) != SQLITE_OK)
        die(out, "pragmas");
    if (sqlite3_prepare_v2(src, "SELECT sql FROM sqlite_master WHERE name='message_text'", -1, &ddl, NULL) != SQLITE_OK ||
        sqlite3_step(ddl) != SQLITE_ROW)
        die(src, "no message_text table");
    if (sqlite3_exec(out, (const char *)sqlite3_column_text(ddl, 0), NULL, NULL, NULL) != SQLITE_OK)
        die(out, "creating the table");
    sqlite3_finalize(ddl);
    if (sqlite3_prepare_v2(src, "SELECT rowid, subject, body FROM message_text ORDER BY rowid", -1, &get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(out, "INSERT INTO message_text(rowid, subject, body) VALUES (?, ?, ?)", -1, &put, NULL) !=
            SQLITE_OK)
        die(out, "preparing");
    long rows = 0;
    double bytes = 0, cpu = 0;
    int rc;
    while ((rc = sqlite3_step(get)) == SQLITE_ROW) {
        double t = cpu_now();
        if (rows % 4000 == 0 && sqlite3_exec(out, rows ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            die(out, "BEGIN");
        sqlite3_bind_int64(put, 1, sqlite3_column_int64(get, 0));
        for (int c = 1; c <= 2; c++) {
            bytes += sqlite3_column_bytes(get, c);
            sqlite3_bind_text(put, c + 1, (const char *)sqlite3_column_text(get, c), sqlite3_column_bytes(get, c),
                              SQLITE_STATIC);
        }
        if (sqlite3_step(put) != SQLITE_DONE)
            die(out, "inserting");
        sqlite3_reset(put);
        rows++;
        cpu += cpu_now() - t;
    }
    if (rc != SQLITE_DONE)
        die(src, "reading");
    double t = cpu_now();
    if (rows && sqlite3_exec(out, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die(out, "COMMIT");
    sqlite3_finalize(put);
    if (sqlite3_close(out) != SQLITE_OK)
        die(out, "closing");
    cpu += cpu_now() - t;
    sqlite3_finalize(get);
    sqlite3_close(src);
    printf("ftsload: rows=%ld text_bytes=%.0f insert_cpu_seconds=%.3f\n", rows, bytes, cpu);
    return 0;
}
