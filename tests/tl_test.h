/*
 * tl_test.h - what the Check suites share: one constructor per suite and a
 * few helpers (temporary folders, files, scans, SQL queries on the result).
 * Every suite runs against the real components: GMime, libarchive archives
 * written by the tests, a real SQLite file, the real corpora.
 */
#ifndef TL_TEST_H
#define TL_TEST_H

#include <check.h>
#include <gmime/gmime.h>
#include <glib.h>
#include <stdint.h>

#include "scanner/typoleak.h"
#include "scanner/base.h"
#include "scanner/job.h"
#include "scanner/typo/typo.h"
#include "scanner/detect/detect.h"
#include "scanner/detect/validate.h"
#include "parsers/parsers.h"
#include "db/writer.h"
#include "db/read.h"

/* The check digit that makes body (n digits) Luhn-valid, computed here so
 * that card fixtures do not depend on the code under test. */
char tl_test_luhn_digit(const char *body, size_t n);

/* The findings (LOW and above) of a one-part message to a typo domain:
 * its Content-Type and body, through GMime, text extraction and the
 * detectors, with a fixed synthetic case key. */
GPtrArray *tl_test_findings(const char *content_type, const char *body);
/* The same, keeping the part (whose text the findings point into); the
 * key is the synthetic one above; ref_time: the message date for ages. */
typedef struct {
    GPtrArray *parts;
    GPtrArray *found;
} tl_test_found;
tl_test_found tl_test_detect(const char *content_type, const char *body, gint64 ref_time);
void tl_test_found_free(tl_test_found *r);
/* Every finding (LOW and above) of a whole message as a scan classifies
 * it: each text part (attachments' text too) through det, then its
 * attachments (identity documents, photos with a position); the subject's
 * own findings are not included.  ref_time: the message date for ages. */
GPtrArray *tl_test_message_findings(tl_detector *det, GMimeMessage *m, gint64 ref_time);
/* Whether value's bytes are anywhere in the database file, its WAL, its
 * shared-memory file or its journal, or in those of its text index: every
 * byte a scan leaves. */
int tl_test_db_holds(const char *db, const char *value);
/* The same for one SQLite file alone (path, -wal, -shm, -journal). */
int tl_test_file_holds(const char *db, const char *value);
/* The text index file of a findings database (g_free). */
char *tl_test_text_db(const char *db);
/* No field of any finding holds value (mask, snippet, keyed hash). */
void tl_test_assert_not_stored(const GPtrArray *found, const char *value);
/* The text part of such a message (a GPtrArray of one tl_text_part). */
GPtrArray *tl_test_parts(const char *content_type, const char *body);

Suite *suite_status(void);
Suite *suite_digest(void);
Suite *suite_sniff(void);
Suite *suite_mbox(void);
Suite *suite_message(void);
Suite *suite_typo(void);
Suite *suite_walk(void);
Suite *suite_archive(void);
Suite *suite_writer(void);
Suite *suite_pipeline(void);
Suite *suite_corpora(void);
Suite *suite_cli(void);
Suite *suite_validate(void);
Suite *suite_text(void);
Suite *suite_detect(void);
Suite *suite_eval(void);
Suite *suite_leak(void);
Suite *suite_cred(void);
Suite *suite_contact(void);
Suite *suite_mark(void);
Suite *suite_alerts(void);
Suite *suite_bombs(void);
Suite *suite_audit(void);
Suite *suite_faults(void);
Suite *suite_auditor(void);
Suite *suite_scaleout(void);
Suite *suite_extract(void);

/* Runs the typoleak binary ($TYPOLEAK, else ../typoleak) with the
 * arguments (NULL-terminated) in cwd (NULL: here); its exit status, with
 * stdout and stderr in out and err (g_free them). */
int tl_test_run_tool(const char *cwd, char **out, char **err, ...) G_GNUC_NULL_TERMINATED;
/* A new empty folder under $TMPDIR; removed by tl_test_rmtree(). */
char *tl_test_tmpdir(void);
void tl_test_rmtree(const char *dir);
/* Writes a file (creating parent folders). */
void tl_test_write(const char *path, const void *data, size_t len);
void tl_test_write_str(const char *path, const char *text);
/* Scans paths (NULL-terminated) into db with `jobs` workers; asserts TL_OK. */
void tl_test_scan(const char *db, int jobs, const tl_protect *protect, ...) G_GNUC_NULL_TERMINATED;
tl_status_t tl_test_scan_status(const char *db, int jobs, const char *const *paths, tl_scan_stats *st);
/* First column of the first row of a query, as an integer / a string
 * (g_free it; NULL for SQL NULL or no row). */
int64_t tl_test_int(const char *db, const char *sql, ...) G_GNUC_PRINTF(2, 3);
char *tl_test_str(const char *db, const char *sql, ...) G_GNUC_PRINTF(2, 3);
/* Every row of a query, columns joined by '|' and rows by '\n'. */
char *tl_test_rows(const char *db, const char *sql, ...) G_GNUC_PRINTF(2, 3);
/* ../shared/corpora, or NULL (and a note on stderr) when it is absent. */
const char *tl_test_corpora(void);
/* Builds an archive file with libarchive: format "tar", "zip", "7z",
 * "tar.gz", "tar.bz2", "tar.xz", "tar.zst", or a raw filter "gz", "bz2",
 * "xz", "zst" (one member, the name is ignored). Members are name/data pairs. */
void tl_test_archive(const char *path, const char *format, int n, const char *const *names,
                     const GByteArray *const *datas);
/* The same into memory. */
GByteArray *tl_test_archive_mem(const char *format, int n, const char *const *names,
                                const GByteArray *const *datas);
GByteArray *tl_test_bytes(const char *text);
/* A small synthetic message number i addressed to `to` (g_free it). */
char *tl_test_message(int i, const char *to);
/* n messages as an mbox (From_ separators), each to `to` when i % every == 0
 * (else to a harmless address). */
char *tl_test_mbox(int n, const char *to, int every);

#endif
