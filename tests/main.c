/*
 * main.c - the test runner: every suite, or those named in TL_TEST_ONLY
 * (comma-separated), plus the helpers of tl_test.h.
 */
#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tl_test.h"

char *
tl_test_tmpdir(void)
{
    GError *err = NULL;
    char *d = g_dir_make_tmp("typoleak-test-XXXXXX", &err);
    ck_assert_msg(d != NULL, "mkdtemp: %s", err ? err->message : "?");
    return d;
}

int
tl_test_run_tool(const char *cwd, char **out, char **err, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    const char *bin = g_getenv("TYPOLEAK");
    char *abs = g_canonicalize_filename(bin ? bin : "../typoleak", NULL);
    g_ptr_array_add(argv, abs);
    va_list ap;
    va_start(ap, err);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL)
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    int status = -1;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(cwd, (char **)argv->pdata, NULL, 0, NULL, NULL, out, err, &status, &e),
                  "spawn %s: %s", (char *)argv->pdata[0], e ? e->message : "?");
    g_ptr_array_free(argv, TRUE);
    g_free(abs);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

GPtrArray *
tl_test_parts(const char *content_type, const char *body)
{
    tl_library_init();
    char *raw = g_strdup_printf("From: a@example.org\nTo: b@army.ml\nContent-Type: %s\n\n%s", content_type, body);
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(raw, strlen(raw));
    GMimeParser *ps = g_mime_parser_new_with_stream(s);
    GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
    ck_assert(m != NULL);
    tl_text_limits lim;
    tl_text_limits_init(&lim);
    GPtrArray *an = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *parts = tl_text_extract(m, &lim, an);
    ck_assert_uint_eq(parts->len, 1);
    g_ptr_array_unref(an);
    g_object_unref(m);
    g_object_unref(ps);
    g_object_unref(s);
    g_free(raw);
    return parts;
}

tl_test_found
tl_test_detect(const char *content_type, const char *body, gint64 ref_time)
{
    static const guint8 key[] = "synthetic-case-key-for-tests-0123456789";
    tl_test_found r = { tl_test_parts(content_type, body), NULL };
    char *err = NULL;
    tl_detector *d = tl_detector_new(key, sizeof key - 1, &err);
    ck_assert_msg(d != NULL, "detector: %s", err);
    tl_detector_set_time(d, ref_time);
    r.found = tl_detect_part(d, r.parts->pdata[0]);
    tl_detector_free(d);
    return r;
}

GPtrArray *
tl_test_message_findings(tl_detector *det, GMimeMessage *m, gint64 ref_time)
{
    tl_text_limits lim;
    tl_text_limits_init(&lim);
    GPtrArray *an = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *att = g_ptr_array_new_with_free_func(tl_attachment_free);
    GPtrArray *parts = tl_text_extract_all(m, &lim, an, att);
    GPtrArray *all = g_ptr_array_new_with_free_func(tl_finding_free);
    tl_detector_set_time(det, ref_time);
    for (guint p = 0; p < parts->len; p++) {
        GPtrArray *f = tl_detect_part(det, parts->pdata[p]);
        g_ptr_array_set_free_func(f, NULL);
        g_ptr_array_extend_and_steal(all, f);
    }
    tl_detect_attachments(det, g_mime_message_get_subject(m), parts, att, all);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(att);
    g_ptr_array_unref(an);
    return all;
}

void
tl_test_found_free(tl_test_found *r)
{
    g_ptr_array_unref(r->found);
    g_ptr_array_unref(r->parts);
}

int
tl_test_db_holds(const char *db, const char *value)
{
    char *text = tl_test_text_db(db);
    int found = tl_test_file_holds(db, value) || tl_test_file_holds(text, value);
    g_free(text);
    return found;
}

char *
tl_test_text_db(const char *db)
{
    return tl_text_db_path(db);
}

int
tl_test_file_holds(const char *db, const char *value)
{
    const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
    int found = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        char *path = g_strconcat(db, suffixes[i], NULL);
        char *data = NULL;
        gsize len = 0;
        if (g_file_get_contents(path, &data, &len, NULL))
            found |= memmem(data, len, value, strlen(value)) != NULL;
        g_free(data);
        g_free(path);
    }
    return found;
}

void
tl_test_assert_not_stored(const GPtrArray *found, const char *value)
{
    for (guint i = 0; i < found->len; i++) {
        const tl_finding *f = found->pdata[i];
        ck_assert_msg(!strstr(f->masked, value), "masked holds the value");
        ck_assert_msg(!strstr(f->snippet, value), "snippet holds the value: %s", f->snippet);
        ck_assert_msg(!strstr(f->vhash, value), "vhash holds the value");
    }
}

GPtrArray *
tl_test_findings(const char *content_type, const char *body)
{
    tl_test_found r = tl_test_detect(content_type, body, 0);
    g_ptr_array_unref(r.parts);
    return r.found;
}

char
tl_test_luhn_digit(const char *body, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = body[i] - '0';
        if ((n - i) % 2 == 1) {     /* doubled: every second digit left of the check digit */
            v *= 2;
            if (v > 9)
                v = v / 10 + v % 10;
        }
        sum += v;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

void
tl_test_rmtree(const char *dir)
{
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    g_free(cmd);
}

void
tl_test_write(const char *path, const void *data, size_t len)
{
    char *dir = g_path_get_dirname(path);
    g_mkdir_with_parents(dir, 0755);
    g_free(dir);
    GError *err = NULL;
    ck_assert_msg(g_file_set_contents(path, data, (gssize)len, &err), "write %s: %s", path,
                  err ? err->message : "?");
}

void
tl_test_write_str(const char *path, const char *text)
{
    tl_test_write(path, text, strlen(text));
}

tl_status_t
tl_test_scan_status(const char *db, int jobs, const char *const *paths, tl_scan_stats *st)
{
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = jobs;
    int n = 0;
    while (paths[n])
        n++;
    char *msg = NULL;
    tl_status_t s = tl_scan(&o, paths, n, st, &msg);
    if (s != TL_OK)
        fprintf(stderr, "scan: %s\n", msg ? msg : "?");
    g_free(msg);
    return s;
}

void
tl_test_scan(const char *db, int jobs, const tl_protect *protect, ...)
{
    va_list ap;
    GPtrArray *paths = g_ptr_array_new();
    va_start(ap, protect);
    const char *p;
    while ((p = va_arg(ap, const char *)) != NULL)
        g_ptr_array_add(paths, (gpointer)p);
    va_end(ap);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = jobs;
    o.protect = protect;
    char *msg = NULL;
    tl_status_t s = tl_scan(&o, (const char *const *)paths->pdata, (int)paths->len, NULL, &msg);
    ck_assert_msg(s == TL_OK, "scan failed: %s", msg ? msg : "?");
    g_free(msg);
    g_ptr_array_free(paths, TRUE);
}

static sqlite3_stmt *
query(const char *db, sqlite3 **h, const char *sql, va_list ap)
{
    char *q = g_strdup_vprintf(sql, ap);
    sqlite3_stmt *s = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    /* the text index beside it, as the read-side tools attach it */
    char *text = tl_text_db_path(db);
    if (g_file_test(text, G_FILE_TEST_EXISTS)) {
        char *att = sqlite3_mprintf("ATTACH %Q AS text", text);
        ck_assert_int_eq(sqlite3_exec(*h, att, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_free(att);
    }
    g_free(text);
    ck_assert_msg(sqlite3_prepare_v2(*h, q, -1, &s, NULL) == SQLITE_OK, "%s: %s", q, sqlite3_errmsg(*h));
    g_free(q);
    return s;
}

int64_t
tl_test_int(const char *db, const char *sql, ...)
{
    va_list ap;
    sqlite3 *h;
    va_start(ap, sql);
    sqlite3_stmt *s = query(db, &h, sql, ap);
    va_end(ap);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

char *
tl_test_str(const char *db, const char *sql, ...)
{
    va_list ap;
    sqlite3 *h;
    va_start(ap, sql);
    sqlite3_stmt *s = query(db, &h, sql, ap);
    va_end(ap);
    char *v = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = g_strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

char *
tl_test_rows(const char *db, const char *sql, ...)
{
    va_list ap;
    sqlite3 *h;
    va_start(ap, sql);
    sqlite3_stmt *s = query(db, &h, sql, ap);
    va_end(ap);
    GString *out = g_string_new(NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (out->len)
            g_string_append_c(out, '\n');
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            const char *t = (const char *)sqlite3_column_text(s, i);
            g_string_append_printf(out, "%s%s", i ? "|" : "", t ? t : "NULL");
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return g_string_free(out, FALSE);
}

const char *
tl_test_corpora(void)
{
    static char *dir;
    if (!dir) {
        const char *env = g_getenv("TL_CORPORA");
        dir = g_strdup(env ? env : TL_SOURCE_DIR "/../shared/corpora");
    }
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "note: %s is absent: corpus tests skipped\n", dir);
        return NULL;
    }
    return dir;
}

GByteArray *
tl_test_bytes(const char *text)
{
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)text, (guint)strlen(text));
    return b;
}

char *
tl_test_message(int i, const char *to)
{
    return g_strdup_printf("From: Sender %d <sender%d@contractor.example>\n"
                           "To: %s\n"
                           "Subject: message %d\n"
                           "Date: Mon, %d Jan 2023 10:00:00 +0000\n"
                           "Message-ID: <m%d@contractor.example>\n"
                           "\n"
                           "Body of message %d.\n",
                           i % 7, i % 7, to, i, 1 + i % 28, i, i);
}

char *
tl_test_mbox(int n, const char *to, int every)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < n; i++) {
        char *m = tl_test_message(i, every && i % every == 0 ? to : "someone@example.com");
        g_string_append_printf(s, "From sender@contractor.example Mon Jan  2 10:00:00 2023\n%s\n", m);
        g_free(m);
    }
    return g_string_free(s, FALSE);
}

/* Sets the format and filters of a libarchive writer from a name. */
static void
set_format(struct archive *a, const char *format)
{
    if (g_str_has_prefix(format, "tar"))
        archive_write_set_format_pax_restricted(a);
    else if (strcmp(format, "zip") == 0)
        archive_write_set_format_zip(a);
    else if (strcmp(format, "7z") == 0)
        archive_write_set_format_7zip(a);
    else
        archive_write_set_format_raw(a);
    if (g_str_has_suffix(format, "gz"))
        archive_write_add_filter_gzip(a);
    else if (g_str_has_suffix(format, "bz2"))
        archive_write_add_filter_bzip2(a);
    else if (g_str_has_suffix(format, "xz"))
        archive_write_add_filter_xz(a);
    else if (g_str_has_suffix(format, "zst"))
        archive_write_add_filter_zstd(a);
}

static void
write_members(struct archive *a, int n, const char *const *names, const GByteArray *const *datas)
{
    for (int i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_size(e, datas[i]->len);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, 1700000000, 0);
        ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
        ck_assert_int_eq(archive_write_data(a, datas[i]->data, datas[i]->len), (la_ssize_t)datas[i]->len);
        archive_entry_free(e);
    }
}

void
tl_test_archive(const char *path, const char *format, int n, const char *const *names,
                const GByteArray *const *datas)
{
    GByteArray *b = tl_test_archive_mem(format, n, names, datas);
    tl_test_write(path, b->data, b->len);
    g_byte_array_free(b, TRUE);
}

GByteArray *
tl_test_archive_mem(const char *format, int n, const char *const *names, const GByteArray *const *datas)
{
    size_t cap = 16u << 20, used = 0;
    for (int i = 0; i < n; i++)
        cap += datas[i]->len * 2;
    void *buf = g_malloc(cap);
    struct archive *a = archive_write_new();
    set_format(a, format);
    ck_assert_int_eq(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    write_members(a, n, names, datas);
    ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    GByteArray *out = g_byte_array_new_take(buf, used);
    return out;
}

/* Declared here rather than in tl_test.h while the layout moves (issue 9). */
Suite *suite_outlook(void);

static const struct {
    const char *name;
    Suite *(*make)(void);
} suites[] = {
    { "status", suite_status }, { "digest", suite_digest }, { "sniff", suite_sniff }, { "mbox", suite_mbox },
    { "message", suite_message }, { "typo", suite_typo }, { "walk", suite_walk },
    { "archive", suite_archive }, { "writer", suite_writer }, { "pipeline", suite_pipeline },
    { "corpora", suite_corpora }, { "cli", suite_cli }, { "validate", suite_validate }, { "text", suite_text }, { "detect", suite_detect }, { "eval", suite_eval }, { "leak", suite_leak },
    { "cred", suite_cred }, { "contact", suite_contact }, { "mark", suite_mark }, { "alerts", suite_alerts }, { "scaleout", suite_scaleout }, { "extract", suite_extract },
    { "bombs", suite_bombs }, { "audit", suite_audit }, { "faults", suite_faults }, { "outlook", suite_outlook }, { "auditor", suite_auditor },
};

int
main(void)
{
    const char *only = g_getenv("TL_TEST_ONLY");
    char **want = only ? g_strsplit(only, ",", -1) : NULL;
    SRunner *sr = NULL;
    tl_library_init();
    for (size_t i = 0; i < G_N_ELEMENTS(suites); i++) {
        if (want && !g_strv_contains((const char *const *)want, suites[i].name))
            continue;
        Suite *s = suites[i].make();
        if (!sr)
            sr = srunner_create(s);
        else
            srunner_add_suite(sr, s);
    }
    g_strfreev(want);
    if (!sr) {
        fprintf(stderr, "no suite selected\n");
        return 2;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
