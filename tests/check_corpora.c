/*
 * check_corpora.c - the real corpora, scanned end to end and checked
 * against what their MANIFEST.md files say.
 *
 * The corpora (../shared/corpora, INDEX.md) are public test data of other
 * mail projects: mboxes of every quoting era, Maildirs with ":2," and "!2,"
 * info separators, single messages, Apple .emlx, Outlook .msg/.pst/.dbx and
 * hostile archives.  Each corpus folder has a MANIFEST.md that lists its mbox
 * files with their count of "From " separator lines and gives the corpus's
 * approximate message total.  These tests read the manifests when they run
 * (nothing of them is copied here) and check the scanner against them:
 *
 *   1. every mbox a manifest lists, scanned on its own with -j 1, yields as
 *      many messages (occurrences + message-level error rows, and
 *      sources.n_messages) as it has separator lines, except in the few
 *      files where a "From " line is not a separator (table mbox_truth);
 *   2. every corpus folder, scanned whole with -j 2, returns TL_OK, records
 *      every file on disk as a source, loses no message silently, and
 *      records exactly the manifest total corrected by the documented
 *      differences (table file_truth, and the Outlook files: a .msg or
 *      TNEF file is one message, a PST its e-mails plus the items in
 *      table pst_beyond_readpst);
 *   3. Maildir info flags (mu's "!2,", notmuch's ":2,") land in
 *      occurrences.maildir_flags, and files in a Maildir's tmp/ are
 *      TL_SKIP_MAILDIR_TMP error rows without an occurrence;
 *   4. readpst exports of the PSTs (-r -D, and -S -D / -e -D for one of
 *      them) yield the e-mail counts of pst/MANIFEST.md's table, with
 *      readpst's quoted `From "addr" date` separators and mboxrd quoting;
 *   5. in aleph/archives, symbolic-link members are TL_SKIP_SYMLINK rows,
 *      the encrypted 7z member is a TL_ERR_ENCRYPTED row, and nothing is
 *      written to disk;
 *   6. the evidence is not modified: every file of the corpora hashes
 *      (SHA-256) and stats the same before and after a scan, and a scan
 *      leaves access times alone (checked on copies, since the corpora's
 *      access times have long been bumped and relatime hides further reads).
 *
 * "Messages recorded" is always occurrences plus the error rows that stand
 * for a lost message: stage 'parse' or 'split' with a grade other than
 * 'warn'.  Warnings of stage 'split' lose no message: TL_WARN_TRUNCATED on
 * an .emlx whose message is still recorded as an occurrence, TL_WARN_JUNK
 * for bytes before an mbox's first From_ line.
 *
 * A test that finds several faults lists all of them (on stderr in full, in
 * the assertion message shortened) before failing.  Every test passes with a
 * note on stderr when the corpora are absent (tl_test_corpora() == NULL).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tl_test.h"

/* The condition of an error row that stands for a lost message. */
#define MSG_ERR "stage IN ('parse','split') AND grade != 'warn'"

/* Longest failure text put in an assertion (Check's limit is 4 KiB). */
#define MSG_MAX 3000

/* ------------------------------------------------------------------ */
/* Documented differences                                              */
/* ------------------------------------------------------------------ */

/*
 * Manifest-listed mbox files whose "From " line count is not their message
 * count (the manifest notes say so; the counts here come from reading the
 * files).  Every other listed mbox must yield exactly its separator count.
 */
static const struct {
    const char *corpus, *file;
    uint64_t messages;
    const char *why;
} mbox_truth[] = {
    /* Line 8 is an unescaped body "From " line ("From " then "This could
     * cause problems..."): not preceded by a blank line, not followed by a
     * header.  3 separator lines, 2 messages. */
    { "thunderbird", "mailnews-test-data/mbox_unquoted", 2, "body \"From \" line at line 8 is not a separator" },
    /* Starts with a UTF-8 BOM, so grep misses the first separator; the two
     * "From Russia with love" lines are unescaped body text (the first is
     * followed by a blank line, the second by "Year: 1963").  3 grep hits,
     * 2 messages, each "From -" followed by its header block. */
    { "mimekit", "mbox/unmunged.mbox.txt", 2, "BOM + two unescaped \"From Russia with love\" body lines" },
};
/* Not exceptions, although they look odd: gmime's mbox/output/substring.mbox
 * (GMime's golden dump) starts with two "message offsets:"/"header offsets:"
 * lines, and each of its three "From - " lines follows such a line, not a
 * blank line; but each is followed by a header block, the scanner reads the
 * file as an mbox behind a preamble (sniff.c), and the manifest counts 3: so
 * 3.  tika's quoted.mbox and simple.mbox hold envelope-only messages (a From_
 * line, a blank line, a body): 1 and 2, as listed. */

/*
 * Items a PST gives beyond the e-mails of its readpst -r -D export (the
 * manifest's count): calendar items, contacts, tasks, distribution lists
 * and free/busy data, which readpst writes to other files or skips, and
 * the items libpff recovers, which readpst does not read
 * (tests/check_outlook.c prints the split; docs/formats.md).
 */
static const struct {
    const char *file;
    int more;
} pst_beyond_readpst[] = {
    { "aleph/testPST.pst", 1 },                 /* 1 recovered */
    { "iped/test_sample.pst", 14 },             /* 6 appointments, 1 contact, 2 tasks; 5 recovered */
    { "java-libpst/dist-list.pst", 7 },         /* appointment, contact, list, free/busy; 3 recovered */
    { "java-libpst/passworded.pst", 3 },        /* contact, list, free/busy */
    { "tika/testPST.pst", 1 },                  /* 1 recovered */
    { "tika/testPST_variousBodyTypes.pst", 1 }, /* 1 recovered */
};

/*
 * Files whose recorded message count differs from what the manifest's total
 * counts for them (or that must not be split although they start with a
 * From_ line).  The expected total of a corpus is the manifest total plus
 * the sum of (actual - manifest) over this table, with the Outlook files
 * counted as corpus_whole says.
 */
static const struct {
    const char *corpus, *file;
    int manifest;       /* messages the manifest total counts for the file */
    int actual;         /* messages the file holds, as the scanner must record them */
    tl_status_t code;   /* an error row the file must carry, TL_OK for none */
    const char *why;
} file_truth[] = {
    /* Files with no header block at the top: body text only.  Nothing in
     * their content says "mail"; the scanner records them as kind 'other'. */
    { "cpython-email", "msg_19.txt", 1, 0, TL_OK, "digest body without a header block" },
    { "mime4j", "testmsgs/malformedHeader-noheader.msg", 1, 0, TL_OK, "no header block" },
    { "mime4j", "testmsgs/malformedHeaderStartsBody-noheader.msg", 1, 0, TL_OK, "no header block" },
    { "thunderbird", "mailnews-test-data/basic4", 1, 0, TL_OK, "starts with a blank line: no header block" },
    { "thunderbird", "mailnews-test-data/basic5", 1, 0, TL_OK, "starts with a blank line: no header block" },
    /* Batch SMTP: HELO/MAIL FROM/RCPT TO/DATA before the message; this
     * version reports it as unsupported. */
    { "spamassassin-tdata", "spam/bsmtp", 1, 0, TL_ERR_UNSUPPORTED, "batch-SMTP envelope before the headers" },
    /* One byte, "\n". */
    { "spamassassin-tdata", "spam/bsmtpnull", 1, 0, TL_OK, "a single newline byte" },
    /* Zero bytes (the manifest notes it is not a message). */
    { "mikel-mail", "sample_output_multipart", 1, 0, TL_OK, "empty file" },
    /* A Maildir tmp/ file: reported (TL_SKIP_MAILDIR_TMP), not indexed. */
    { "mu", "testdir/tmp/1220863087.12663.ignore", 1, 0, TL_SKIP_MAILDIR_TMP, "Maildir tmp/ file" },
    /* See mbox_truth. */
    { "thunderbird", "mailnews-test-data/mbox_unquoted", 3, 2, TL_OK, "unescaped body \"From \" line" },
    { "mimekit", "mbox/unmunged.mbox.txt", 3, 2, TL_OK, "BOM + unescaped body \"From \" lines" },
    /* MimeKit's expected-output summaries: the manifest calls them non-mail
     * data, but they are well-formed mboxes ("From - " / "From <id>@xxx",
     * then From/To/Subject/Date headers), so a content-based scanner must
     * record them: 29 and 4 header-only messages. */
    { "mimekit", "mbox/content-length-summary.txt", 0, 29, TL_OK, "summary written as a well-formed mbox" },
    { "mimekit", "mbox/issue1189-summary.txt", 0, 4, TL_OK, "summary written as a well-formed mbox" },
    /* ONE message that starts with a From_ envelope line; line 28,
     * "From fc88cba7... Mon Sep 17 00:00:00 2001", is the first line of a
     * git format-patch attachment inside a text/x-diff MIME part (right
     * after the part's blank line), not a separator. */
    { "notmuch", "insert/mbox-attachment.eml", 1, 1, TL_OK, "git format-patch From line inside a MIME part" },
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static void
skip_note(const char *test)
{
    fprintf(stderr, "note: corpora absent: %s skipped (passes)\n", test);
}

/* Fails with the collected faults: all of them on stderr, the start of
 * them in the assertion message. */
static void
assert_no_faults(GString *bad, unsigned nbad, const char *what)
{
    if (nbad)
        fprintf(stderr, "%s: %u fault(s):\n%s\n", what, nbad, bad->str);
    if (bad->len > MSG_MAX)
        g_string_truncate(bad, MSG_MAX);
    ck_assert_msg(nbad == 0, "%s: %u fault(s) (all of them on stderr):\n%s", what, nbad, bad->str);
}

static void G_GNUC_PRINTF(3, 4)
fault(GString *bad, unsigned *nbad, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_string_append(bad, "  ");
    g_string_append_vprintf(bad, fmt, ap);
    g_string_append_c(bad, '\n');
    va_end(ap);
    (*nbad)++;
}

/* Names of the corpus folders (those with a MANIFEST.md), sorted; filled
 * when the suite is made, so the loop tests know how many there are. */
static GPtrArray *corpus_list;

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
list_corpora(const char *root)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = root ? g_dir_open(root, 0, NULL) : NULL;
    const char *n;
    while (d && (n = g_dir_read_name(d)) != NULL) {
        char *m = g_build_filename(root, n, "MANIFEST.md", NULL);
        if (g_file_test(m, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add(names, g_strdup(n));
        g_free(m);
    }
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, cmp_str);
    return names;
}

/* The corpus of loop iteration i, or NULL (with a note) when there is none. */
static const char *
corpus_at(int i, const char *test)
{
    const char *root = tl_test_corpora();
    if (!root || !corpus_list || (guint)i >= corpus_list->len) {
        skip_note(test);
        return NULL;
    }
    return corpus_list->pdata[i];
}

/* Every regular file under dir (recursively, symbolic links not followed),
 * as paths built from dir; sorted. */
static void
list_files_into(const char *dir, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    ck_assert_msg(d != NULL, "cannot list %s", dir);
    while ((n = g_dir_read_name(d)) != NULL) {
        char *p = g_build_filename(dir, n, NULL);
        GStatBuf st;
        if (g_lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            list_files_into(p, out);
            g_free(p);
        } else if (g_lstat(p, &st) == 0 && S_ISREG(st.st_mode))
            g_ptr_array_add(out, p);
        else
            g_free(p);
    }
    g_dir_close(d);
}

static GPtrArray *
list_files(const char *dir)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    list_files_into(dir, out);
    g_ptr_array_sort(out, cmp_str);
    return out;
}

/* Parses a decimal number at s; FALSE when there is none. */
static gboolean
parse_u64(const char *s, uint64_t *out, const char **end)
{
    char *e = NULL;
    if (!g_ascii_isdigit(*s))
        return FALSE;
    errno = 0;
    guint64 v = g_ascii_strtoull(s, &e, 10);
    if (errno || e == s)
        return FALSE;
    *out = v;
    if (end)
        *end = e;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* MANIFEST.md                                                         */
/* ------------------------------------------------------------------ */

typedef struct {
    char *file;             /* path relative to the corpus folder */
    uint64_t separators;    /* lines starting with "From " */
    uint64_t bytes;
} mbox_entry;

typedef struct {
    int64_t total;          /* "Messages (approx ...): **N**"; -1 when absent */
    int64_t ole_files;      /* "Outlook .msg (OLE compound) files: N"; 0 when absent */
    GArray *mboxes;         /* of mbox_entry */
    GArray *pst_rows;       /* of mbox_entry: file, e-mails (readpst -r -D), size */
} manifest;

static void
manifest_free(manifest *m)
{
    for (guint i = 0; i < m->mboxes->len; i++)
        g_free(g_array_index(m->mboxes, mbox_entry, i).file);
    for (guint i = 0; i < m->pst_rows->len; i++)
        g_free(g_array_index(m->pst_rows, mbox_entry, i).file);
    g_array_free(m->mboxes, TRUE);
    g_array_free(m->pst_rows, TRUE);
    g_free(m);
}

/* "  - `spool/teaparty.mbox`: 95 (38175 bytes)" */
static gboolean
parse_mbox_line(const char *line, mbox_entry *e)
{
    const char *end;
    if (!g_str_has_prefix(line, "  - `"))
        return FALSE;
    const char *name = line + 5, *q = strchr(name, '`');
    if (!q || q == name || !g_str_has_prefix(q, "`: "))
        return FALSE;
    if (!parse_u64(q + 3, &e->separators, &end) || !g_str_has_prefix(end, " ("))
        return FALSE;
    if (!parse_u64(end + 2, &e->bytes, &end) || !g_str_has_prefix(end, " bytes)"))
        return FALSE;
    e->file = g_strndup(name, (gsize)(q - name));
    return TRUE;
}

/* The PST table: "| file | size | ... | e-mails (readpst -r -D) | ...". */
static void
parse_pst_table(char **lines, guint at, GArray *rows)
{
    char **head = g_strsplit(lines[at], "|", -1);
    int col = -1, size_col = -1;
    for (int c = 0; head[c]; c++) {
        char *t = g_strstrip(head[c]);
        if (strcmp(t, "e-mails (readpst -r -D)") == 0)
            col = c;
        else if (strcmp(t, "size") == 0)
            size_col = c;
    }
    g_strfreev(head);
    ck_assert_msg(col > 1, "pst/MANIFEST.md: no 'e-mails (readpst -r -D)' column");
    for (guint i = at + 1; lines[i] && lines[i][0] == '|'; i++) {
        char **cells = g_strsplit(lines[i], "|", -1);
        guint n = g_strv_length(cells);
        mbox_entry e = { 0 };
        if (n > (guint)col && !g_str_has_prefix(g_strstrip(cells[1]), "---")) {
            ck_assert_msg(parse_u64(g_strstrip(cells[col]), &e.separators, NULL),
                          "pst/MANIFEST.md: no e-mail count in row '%s'", lines[i]);
            if (size_col > 0 && (guint)size_col < n)
                parse_u64(g_strstrip(cells[size_col]), &e.bytes, NULL);
            e.file = g_strdup(g_strstrip(cells[1]));
            g_array_append_val(rows, e);
        }
        g_strfreev(cells);
    }
}

static manifest *
manifest_load(const char *corpus_dir)
{
    char *path = g_build_filename(corpus_dir, "MANIFEST.md", NULL), *text = NULL;
    GError *err = NULL;
    ck_assert_msg(g_file_get_contents(path, &text, NULL, &err), "read %s: %s", path, err ? err->message : "?");
    manifest *m = g_new0(manifest, 1);
    m->total = -1;
    m->mboxes = g_array_new(FALSE, TRUE, sizeof(mbox_entry));
    m->pst_rows = g_array_new(FALSE, TRUE, sizeof(mbox_entry));
    char **lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *l = lines[i], *p;
        if (strstr(l, "mbox files and their `From ` separator-line counts")) {
            mbox_entry e;
            while (lines[i + 1] && parse_mbox_line(lines[i + 1], &e)) {
                g_array_append_val(m->mboxes, e);
                i++;
            }
        } else if (strstr(l, "Messages (approx") && (p = strstr(l, "**")) != NULL) {
            uint64_t v;
            const char *end;
            ck_assert_msg(parse_u64(p + 2, &v, &end) && g_str_has_prefix(end, "**"),
                          "%s: unreadable message total in '%s'", path, l);
            m->total = (int64_t)v;
        } else if (g_str_has_prefix(l, "- Outlook .msg (OLE compound) files: ")) {
            uint64_t v;
            ck_assert_msg(parse_u64(l + strlen("- Outlook .msg (OLE compound) files: "), &v, NULL),
                          "%s: unreadable line '%s'", path, l);
            m->ole_files = (int64_t)v;
        } else if (l[0] == '|' && strstr(l, "e-mails (readpst -r -D)"))
            parse_pst_table(lines, i, m->pst_rows);
    }
    ck_assert_msg(m->total >= 0, "%s: no 'Messages (approx ...): **N**' line", path);
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return m;
}

/* ------------------------------------------------------------------ */
/* The result database                                                 */
/* ------------------------------------------------------------------ */

static sqlite3 *
db_open(const char *db)
{
    sqlite3 *h = NULL;
    ck_assert_msg(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open %s", db);
    return h;
}

/* Prepares sql and binds ?1 to p1 (when not NULL). */
static sqlite3_stmt *
db_prep(sqlite3 *h, const char *sql, const char *p1)
{
    sqlite3_stmt *s = NULL;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
    if (p1)
        sqlite3_bind_text(s, 1, p1, -1, SQLITE_TRANSIENT);
    return s;
}

/* First column of the first row as an integer; -1 for no row or NULL. */
static int64_t
db_int(sqlite3 *h, const char *sql, const char *p1)
{
    sqlite3_stmt *s = db_prep(h, sql, p1);
    int64_t v = -1;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Messages recorded in the whole database. */
static int64_t
db_recorded(sqlite3 *h)
{
    return db_int(h, "SELECT (SELECT count(*) FROM occurrences) + (SELECT count(*) FROM errors WHERE " MSG_ERR ")",
                  NULL);
}

/* The sources of one file on disk (by path) and everything below it (archive
 * members, decompressed content). */
#define SUBTREE "WITH RECURSIVE t(id) AS (SELECT id FROM sources WHERE path=?1 AND member IS NULL" \
                " AND kind != 'maildir' UNION ALL SELECT s.id FROM sources s JOIN t ON s.parent_id=t.id) "

/* Messages recorded for one file on disk; -1 when it is no source. */
static int64_t
file_recorded(sqlite3 *h, const char *path)
{
    if (db_int(h, "SELECT count(*) FROM sources WHERE path=?1 AND member IS NULL AND kind != 'maildir'", path) < 1)
        return -1;
    return db_int(h, SUBTREE "SELECT (SELECT count(*) FROM occurrences WHERE source_id IN t)"
                             " + (SELECT count(*) FROM errors WHERE source_id IN t AND " MSG_ERR ")", path);
}

/* Error rows of a given code for one file on disk (and what is below it). */
static int64_t
file_errors(sqlite3 *h, const char *path, tl_status_t code)
{
    char *q = g_strdup_printf(SUBTREE "SELECT count(*) FROM errors WHERE source_id IN t AND code='%s'",
                              tl_status_name(code));
    int64_t n = db_int(h, q, path);
    g_free(q);
    return n;
}

/* Error counts by code, "TL_ERR_UNSUPPORTED=3 TL_SKIP_MAILDIR_TMP=1", for
 * failure messages. */
static char *
db_error_summary(sqlite3 *h)
{
    sqlite3_stmt *s = db_prep(h, "SELECT code, count(*) FROM errors GROUP BY code ORDER BY code", NULL);
    GString *out = g_string_new(NULL);
    while (sqlite3_step(s) == SQLITE_ROW)
        g_string_append_printf(out, "%s%s=%lld", out->len ? " " : "", (const char *)sqlite3_column_text(s, 0),
                               (long long)sqlite3_column_int64(s, 1));
    sqlite3_finalize(s);
    if (!out->len)
        g_string_append(out, "none");
    return g_string_free(out, FALSE);
}

static char *
scan_one(const char *dir, const char *name, int jobs, const char *path, tl_scan_stats *st, tl_status_t *rc)
{
    char *db = g_strdup_printf("%s/%s.db", dir, name);
    const char *paths[] = { path, NULL };
    *rc = tl_test_scan_status(db, jobs, paths, st);
    return db;
}

/* ------------------------------------------------------------------ */
/* Content of files on disk                                            */
/* ------------------------------------------------------------------ */

/* Opens a file of the corpora for reading without touching its access
 * time when the kernel allows it (the scanner's own courtesy, walk.c). */
static int
open_evidence(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd;
}

/* Reads a whole file of the corpora (opened as above). */
static GByteArray *
read_evidence(const char *path)
{
    int fd = open_evidence(path);
    ck_assert_msg(fd >= 0, "open %s: %s", path, g_strerror(errno));
    GByteArray *b = g_byte_array_new();
    uint8_t buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            g_byte_array_append(b, buf, (guint)n);
    ck_assert_msg(n == 0, "read %s: %s", path, g_strerror(errno));
    close(fd);
    return b;
}

typedef enum { STORE_NONE, STORE_OLE, STORE_PST, STORE_DBX, STORE_TNEF } store_kind;

/* Outlook files (parsers/outlook.c) and Outlook Express stores (reported
 * as TL_ERR_UNSUPPORTED), by magic. */
static store_kind
store_of(const char *path)
{
    unsigned char b[8] = { 0 };
    int fd = open_evidence(path);
    ssize_t n = fd >= 0 ? read(fd, b, sizeof b) : -1;
    if (fd >= 0)
        close(fd);
    if (n >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return STORE_OLE;
    if (n >= 4 && memcmp(b, "!BDN", 4) == 0)
        return STORE_PST;
    if (n >= 4 && memcmp(b, "\xCF\xAD\x12\xFE", 4) == 0)
        return STORE_DBX;
    if (n >= 6 && memcmp(b, "\x78\x9F\x3E\x22", 4) == 0)
        return STORE_TNEF;
    return STORE_NONE;
}

/* ------------------------------------------------------------------ */
/* 1. mbox files: messages = separator lines                           */
/* ------------------------------------------------------------------ */

START_TEST(mbox_counts)
{
    const char *corpus = corpus_at(_i, "mbox_counts");
    if (!corpus)
        return;
    char *dir = g_build_filename(tl_test_corpora(), corpus, NULL);
    manifest *m = manifest_load(dir);
    char *tmp = tl_test_tmpdir();
    GString *bad = g_string_new(NULL);
    unsigned nbad = 0, used_truth = 0;

    for (guint k = 0; k < m->mboxes->len; k++) {
        const mbox_entry *e = &g_array_index(m->mboxes, mbox_entry, k);
        char *path = g_build_filename(dir, e->file, NULL);
        uint64_t want = e->separators;
        const char *why = NULL;
        for (size_t t = 0; t < G_N_ELEMENTS(mbox_truth); t++)
            if (strcmp(mbox_truth[t].corpus, corpus) == 0 && strcmp(mbox_truth[t].file, e->file) == 0) {
                want = mbox_truth[t].messages;
                why = mbox_truth[t].why;
                used_truth++;
            }
        GStatBuf st;
        if (g_stat(path, &st) != 0 || (uint64_t)st.st_size != e->bytes) {
            fault(bad, &nbad, "%s: the manifest says %" G_GUINT64_FORMAT " bytes, the file has %lld", e->file,
                  e->bytes, g_stat(path, &st) == 0 ? (long long)st.st_size : -1LL);
            g_free(path);
            continue;
        }
        tl_scan_stats stats;
        tl_status_t rc;
        char *name = g_strdup_printf("mbox-%u", k);
        char *db = scan_one(tmp, name, 1, path, &stats, &rc);
        if (rc != TL_OK) {
            fault(bad, &nbad, "%s: scan returned %s", e->file, tl_status_name(rc));
        } else {
            sqlite3 *h = db_open(db);
            int64_t rec = db_recorded(h);
            int64_t nmsg = db_int(h, "SELECT n_messages FROM sources WHERE parent_id IS NULL", NULL);
            char *kind = NULL;
            sqlite3_stmt *s = db_prep(h, "SELECT kind FROM sources WHERE parent_id IS NULL", NULL);
            if (sqlite3_step(s) == SQLITE_ROW)
                kind = g_strdup((const char *)sqlite3_column_text(s, 0));
            sqlite3_finalize(s);
            if (rec != (int64_t)want || nmsg != (int64_t)want || (want > 0 && g_strcmp0(kind, "mbox") != 0)) {
                char *errs = db_error_summary(h);
                fault(bad, &nbad,
                      "%s: expected %" G_GUINT64_FORMAT " message(s) (manifest: %" G_GUINT64_FORMAT
                      " separator lines%s%s), recorded %lld (occurrences + message errors), sources.n_messages "
                      "%lld, kind %s, errors: %s",
                      e->file, want, e->separators, why ? "; " : "", why ? why : "", (long long)rec,
                      (long long)nmsg, kind ? kind : "(none)", errs);
                g_free(errs);
            }
            g_free(kind);
            sqlite3_close(h);
        }
        g_free(db);
        g_free(name);
        g_free(path);
    }
    /* Every exception of mbox_truth for this corpus must still be listed
     * by its manifest (else the table has rotted). */
    unsigned truth_here = 0;
    for (size_t t = 0; t < G_N_ELEMENTS(mbox_truth); t++)
        truth_here += strcmp(mbox_truth[t].corpus, corpus) == 0;
    if (used_truth != truth_here)
        fault(bad, &nbad, "%u mbox_truth entr(ies) for %s not listed in its MANIFEST.md", truth_here - used_truth,
              corpus);

    char *what = g_strdup_printf("%s: mbox files scanned one by one (-j 1) against MANIFEST.md", corpus);
    tl_test_rmtree(tmp);
    g_free(tmp);
    manifest_free(m);
    g_free(dir);
    assert_no_faults(bad, nbad, what);
    g_free(what);
    g_string_free(bad, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 2. whole corpora                                                    */
/* ------------------------------------------------------------------ */

/*
 * What the rules above give, corpus by corpus (manifest total -> messages
 * the scanner must record), with the manifests as they are now:
 *
 *   aleph               15 -> 15   (mail/piste.msg is read as a message).
 *                                  The archives hold office documents and
 *                                  symlinks, no mail.
 *   cpython-email       47 -> 46   - msg_19.txt (no header block)
 *   dovecot-stalwart    53 -> 53   (the two COPYING files are not counted)
 *   gmime               14 -> 14   (3 + 3 in the two substring.mbox files)
 *   iped                10 -> 10   (the 2 OLE2 .msg are read); the .dbx is not
 *                                  counted by the manifest (TL_ERR_UNSUPPORTED row)
 *   mailutils          142 -> 142
 *   mikel-mail         104 -> 103  - sample_output_multipart (0 bytes)
 *   mime4j              86 -> 84   - 2 testmsgs/malformedHeader*-noheader.msg
 *   mimekit             84 -> 135  - 1 unmunged.mbox.txt (3 From lines, 2
 *                                  messages) + 29 + 4 in the two summaries
 *                                  + 19 TNEF files, one message each (the
 *                                  manifest does not count them); the 4
 *                                  .json files are not mail
 *   mu                  52 -> 51   - testdir/tmp/...ignore (TL_SKIP_MAILDIR_TMP);
 *                                  the .noindex/.noupdate markers are not counted
 *   notmuch            320 -> 320
 *   pst                 21 -> 48   + 27 items beyond readpst's e-mails
 *                                  (pst_beyond_readpst)
 *   spamassassin-tdata 219 -> 217  - spam/bsmtp (TL_ERR_UNSUPPORTED),
 *                                  - spam/bsmtpnull ("\n")
 *   thunderbird        118 -> 115  - 1 mbox_unquoted, - basic4, - basic5
 *   tika                34 -> 35   + testWINMAIL.dat (TNEF), not counted by
 *                                  the manifest (the 12 OLE2 .msg are read)
 */

START_TEST(corpus_whole)
{
    const char *corpus = corpus_at(_i, "corpus_whole");
    if (!corpus)
        return;
    const char *root = tl_test_corpora();
    char *dir = g_build_filename(root, corpus, NULL);
    manifest *m = manifest_load(dir);
    GPtrArray *files = list_files(dir);
    char *tmp = tl_test_tmpdir();
    GString *bad = g_string_new(NULL);
    unsigned nbad = 0;
    tl_scan_stats stats;
    tl_status_t rc;

    char *db = scan_one(tmp, "corpus", 2, dir, &stats, &rc);
    ck_assert_msg(rc == TL_OK, "%s: scan of the whole folder returned %s", corpus, tl_status_name(rc));
    sqlite3 *h = db_open(db);

    /* Every file on disk is a source (parent NULL or a Maildir), once; and
     * every such source is a file on disk. */
    GHashTable *on_disk = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < files->len; i++)
        g_hash_table_add(on_disk, files->pdata[i]);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    sqlite3_stmt *s = db_prep(h,
                              "SELECT path FROM sources WHERE kind != 'maildir' AND (parent_id IS NULL OR parent_id IN"
                              " (SELECT id FROM sources WHERE kind = 'maildir'))",
                              NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(s, 0);
        if (!g_hash_table_contains(on_disk, p))
            fault(bad, &nbad, "source %s is not a file on disk", p);
        else if (g_hash_table_contains(seen, p))
            fault(bad, &nbad, "file %s is recorded as a source more than once", p);
        g_hash_table_add(seen, g_strdup(p));
    }
    sqlite3_finalize(s);
    for (guint i = 0; i < files->len; i++)
        if (!g_hash_table_contains(seen, files->pdata[i]))
            fault(bad, &nbad, "file %s is not recorded as a source", (const char *)files->pdata[i]);

    /* No message is lost silently: every mail container holds a message or
     * carries an error row, and its n_messages is what was recorded. */
    s = db_prep(h,
                "SELECT path, kind, n_messages, (SELECT count(*) FROM occurrences o WHERE o.source_id=s.id),"
                " (SELECT count(*) FROM errors e WHERE e.source_id=s.id),"
                " (SELECT count(*) FROM errors e WHERE e.source_id=s.id AND " MSG_ERR ")"
                " FROM sources s WHERE kind IN ('mbox','message','maildir-message','emlx')",
                NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(s, 0), *k = (const char *)sqlite3_column_text(s, 1);
        int64_t n = sqlite3_column_type(s, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 2);
        int64_t occ = sqlite3_column_int64(s, 3), errs = sqlite3_column_int64(s, 4);
        int64_t lost = sqlite3_column_int64(s, 5);
        if (n < 1 && errs == 0)
            fault(bad, &nbad, "%s source %s: n_messages %lld and no error row (message lost silently)", k, p,
                  (long long)n);
        if (n != occ + lost)
            fault(bad, &nbad, "%s source %s: n_messages %lld but %lld occurrences + %lld message errors", k, p,
                  (long long)n, (long long)occ, (long long)lost);
    }
    sqlite3_finalize(s);

    /* The expected total: the manifest's, corrected file by file. */
    int64_t expected = m->total;
    GString *how = g_string_new(NULL);
    g_string_append_printf(how, "manifest %lld", (long long)m->total);
    for (size_t t = 0; t < G_N_ELEMENTS(file_truth); t++) {
        if (strcmp(file_truth[t].corpus, corpus) != 0)
            continue;
        char *p = g_build_filename(dir, file_truth[t].file, NULL);
        int64_t got = file_recorded(h, p);
        if (!g_file_test(p, G_FILE_TEST_IS_REGULAR))
            fault(bad, &nbad, "file_truth: %s is not in the corpus", file_truth[t].file);
        else if (got != file_truth[t].actual)
            fault(bad, &nbad, "%s: expected %d message(s) (%s), recorded %lld", file_truth[t].file,
                  file_truth[t].actual, file_truth[t].why, (long long)got);
        else if (file_truth[t].code != TL_OK && file_errors(h, p, file_truth[t].code) != 1)
            fault(bad, &nbad, "%s: expected 1 %s row (%s), found %lld", file_truth[t].file,
                  tl_status_name(file_truth[t].code), file_truth[t].why,
                  (long long)file_errors(h, p, file_truth[t].code));
        if (file_truth[t].actual != file_truth[t].manifest) {
            expected += file_truth[t].actual - file_truth[t].manifest;
            g_string_append_printf(how, " %+d %s", file_truth[t].actual - file_truth[t].manifest, file_truth[t].file);
        }
        g_free(p);
    }
    /* Outlook: a .msg file is one message (the manifests count one per
     * OLE2 .msg file), a TNEF file one message (the manifests do not count
     * them); a PST gives the e-mails the manifest counts (readpst -r -D)
     * and, beyond them, its other items and its recovered items
     * (pst_beyond_readpst, docs/formats.md "Against readpst"); a .dbx is
     * one TL_ERR_UNSUPPORTED row, not counted by the manifests. */
    int64_t n_ole = 0;
    for (guint i = 0; i < files->len; i++) {
        const char *p = files->pdata[i];
        store_kind sk = store_of(p);
        if (sk == STORE_NONE)
            continue;
        int64_t got = file_recorded(h, p), unsup = file_errors(h, p, TL_ERR_UNSUPPORTED);
        if (sk == STORE_DBX) {
            if (got != 0 || unsup != 1)
                fault(bad, &nbad, "Outlook Express store %s: expected 0 messages and 1 TL_ERR_UNSUPPORTED row,"
                      " got %lld and %lld", p, (long long)got, (long long)unsup);
        } else if (unsup != 0) {
            fault(bad, &nbad, "Outlook file %s: a TL_ERR_UNSUPPORTED row", p);
        }
        if (sk == STORE_OLE) {
            n_ole++;
            if (got != 1)
                fault(bad, &nbad, "Outlook .msg %s: expected 1 message, got %lld", p, (long long)got);
        } else if (sk == STORE_TNEF) {
            expected += 1;
            g_string_append_printf(how, " +1 %s", p + strlen(dir) + 1);
            if (got != 1)
                fault(bad, &nbad, "TNEF file %s: expected 1 message, got %lld", p, (long long)got);
        } else if (sk == STORE_PST) {
            const char *rel = p + strlen(dir) + 1;
            gboolean found = FALSE;
            for (guint r = 0; r < m->pst_rows->len; r++) {
                const mbox_entry *e = &g_array_index(m->pst_rows, mbox_entry, r);
                if (strcmp(e->file, rel) == 0)
                    found = TRUE;
            }
            if (!found)
                fault(bad, &nbad, "PST %s has no row in the MANIFEST.md table", rel);
            found = FALSE;
            for (size_t t = 0; t < G_N_ELEMENTS(pst_beyond_readpst); t++)
                if (strcmp(pst_beyond_readpst[t].file, rel) == 0) {
                    expected += pst_beyond_readpst[t].more;
                    g_string_append_printf(how, " +%d %s", pst_beyond_readpst[t].more, rel);
                    found = TRUE;
                }
            if (!found)
                fault(bad, &nbad, "PST %s has no row in pst_beyond_readpst", rel);
        }
    }
    if (n_ole != m->ole_files)
        fault(bad, &nbad, "%lld OLE2 files on disk, the manifest says %lld Outlook .msg files", (long long)n_ole,
              (long long)m->ole_files);

    int64_t rec = db_recorded(h);
    if (rec != expected) {
        char *errs = db_error_summary(h);
        fault(bad, &nbad,
              "messages recorded (occurrences + message errors): %lld, expected %lld = %s; errors: %s"
              " (see the mbox_counts test for per-mbox counts)",
              (long long)rec, (long long)expected, how->str, errs);
        g_free(errs);
    }

    sqlite3_close(h);
    char *what = g_strdup_printf("%s: whole folder scanned (-j 2) against MANIFEST.md", corpus);
    g_string_free(how, TRUE);
    g_hash_table_destroy(seen);
    g_hash_table_destroy(on_disk);
    g_ptr_array_free(files, TRUE);
    tl_test_rmtree(tmp);
    g_free(tmp);
    g_free(db);
    manifest_free(m);
    g_free(dir);
    assert_no_faults(bad, nbad, what);
    g_free(what);
    g_string_free(bad, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 3. Maildir flags and tmp/                                           */
/* ------------------------------------------------------------------ */

/* The info flags of a Maildir file name: what follows the last ":2,",
 * "!2," or ";2,"; NULL when the name has no info part. */
static const char *
name_flags(const char *name)
{
    const char *best = NULL;
    for (const char *p = name; *p; p++)
        if ((p[0] == ':' || p[0] == '!' || p[0] == ';') && p[1] == '2' && p[2] == ',')
            best = p + 3;
    return best;
}

/* "cur", "new" or "tmp" when the file sits in such a folder of a Maildir
 * (a folder with both cur/ and new/), else NULL. */
static const char *
maildir_role(const char *path)
{
    char *parent = g_path_get_dirname(path), *base = g_path_get_basename(parent);
    char *md = g_path_get_dirname(parent);
    char *cur = g_build_filename(md, "cur", NULL), *nw = g_build_filename(md, "new", NULL);
    const char *role = NULL;
    if (g_file_test(cur, G_FILE_TEST_IS_DIR) && g_file_test(nw, G_FILE_TEST_IS_DIR)) {
        if (strcmp(base, "cur") == 0)
            role = "cur";
        else if (strcmp(base, "new") == 0)
            role = "new";
        else if (strcmp(base, "tmp") == 0)
            role = "tmp";
    }
    g_free(cur);
    g_free(nw);
    g_free(md);
    g_free(base);
    g_free(parent);
    return role;
}

START_TEST(maildir_flags_and_tmp)
{
    const char *root = tl_test_corpora();
    if (!root) {
        skip_note("maildir_flags_and_tmp");
        return;
    }
    static const char *const corpora[] = { "mu", "notmuch" };
    char *tmp = tl_test_tmpdir();
    GString *bad = g_string_new(NULL);
    unsigned nbad = 0;

    for (size_t c = 0; c < G_N_ELEMENTS(corpora); c++) {
        char *dir = g_build_filename(root, corpora[c], NULL);
        tl_scan_stats stats;
        tl_status_t rc;
        char *db = scan_one(tmp, corpora[c], 2, dir, &stats, &rc);
        ck_assert_msg(rc == TL_OK, "%s: scan returned %s", corpora[c], tl_status_name(rc));
        sqlite3 *h = db_open(db);
        GPtrArray *files = list_files(dir);
        unsigned with_flags = 0, in_tmp = 0;
        for (guint i = 0; i < files->len; i++) {
            const char *p = files->pdata[i], *role = maildir_role(p);
            char *base = g_path_get_basename(p);
            if (!role || base[0] == '.') {
                g_free(base);       /* not in a Maildir, or a marker file (.noindex), even in tmp/ */
                continue;
            }
            sqlite3_stmt *s = db_prep(h,
                                      "SELECT o.maildir_flags FROM occurrences o JOIN sources s ON s.id=o.source_id"
                                      " WHERE s.path=?1",
                                      p);
            int occ = 0;
            char *flags = NULL;
            gboolean null_flags = TRUE;
            while (sqlite3_step(s) == SQLITE_ROW) {
                if (occ++ == 0 && sqlite3_column_type(s, 0) != SQLITE_NULL) {
                    flags = g_strdup((const char *)sqlite3_column_text(s, 0));
                    null_flags = FALSE;
                }
            }
            sqlite3_finalize(s);
            if (strcmp(role, "tmp") == 0) {
                in_tmp++;
                int64_t skips = file_errors(h, p, TL_SKIP_MAILDIR_TMP);
                if (occ != 0 || skips != 1)
                    fault(bad, &nbad, "%s: Maildir tmp/ file: expected no occurrence and 1 %s row, got %d and %lld",
                          p, tl_status_name(TL_SKIP_MAILDIR_TMP), occ, (long long)skips);
            } else {
                const char *want = name_flags(base);
                if (want)
                    with_flags++;
                if (occ != 1 || (want == NULL) != null_flags || (want && g_strcmp0(want, flags) != 0))
                    fault(bad, &nbad, "%s: expected 1 occurrence with maildir_flags %s%s%s, got %d with %s%s%s", p,
                          want ? "'" : "", want ? want : "NULL", want ? "'" : "", occ, flags ? "'" : "",
                          flags ? flags : "NULL", flags ? "'" : "");
            }
            g_free(flags);
            g_free(base);
        }
        /* The corpora have what this test is about. */
        if (with_flags == 0)
            fault(bad, &nbad, "%s: no Maildir file with an info suffix was checked", corpora[c]);
        if (strcmp(corpora[c], "mu") == 0 && in_tmp == 0)
            fault(bad, &nbad, "mu: no Maildir tmp/ file was checked");
        g_ptr_array_free(files, TRUE);
        sqlite3_close(h);
        g_free(db);
        g_free(dir);
    }

    /* Spot checks by name, so that a rule shared by the test and the code
     * cannot hide a wrong result: mu's "!2," and notmuch's ":2,". */
    static const struct {
        const char *corpus, *file, *flags;
    } spot[] = {
        { "mu", "testdir/cur/special!2,Sabc", "Sabc" },
        { "mu", "testdir/cur/1220863087.12663_15.mindcrime!2,PS", "PS" },
        { "mu", "testdir/cur/multimime!2,FS", "FS" },
        { "mu", "testdir/cur/1283599333.1840_11.cthulhu!2,", "" },
        { "notmuch", "default/cur/29:2,", "" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(spot); i++) {
        char *db = g_strdup_printf("%s/%s.db", tmp, spot[i].corpus);
        char *p = g_build_filename(root, spot[i].corpus, spot[i].file, NULL);
        sqlite3 *h = db_open(db);
        sqlite3_stmt *s = db_prep(h,
                                  "SELECT o.maildir_flags FROM occurrences o JOIN sources s ON s.id=o.source_id"
                                  " WHERE s.path=?1",
                                  p);
        char *got = NULL;
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
            got = g_strdup((const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        sqlite3_close(h);
        if (g_strcmp0(got, spot[i].flags) != 0)
            fault(bad, &nbad, "%s: maildir_flags '%s' expected, got %s%s%s", p, spot[i].flags, got ? "'" : "",
                  got ? got : "NULL (or no occurrence)", got ? "'" : "");
        g_free(got);
        g_free(p);
        g_free(db);
    }
    tl_test_rmtree(tmp);
    g_free(tmp);
    assert_no_faults(bad, nbad, "Maildir flags and tmp/ files (mu, notmuch)");
    g_string_free(bad, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 4. readpst exports of the PSTs                                      */
/* ------------------------------------------------------------------ */

/* Runs readpst with mode (e.g. "-r") and -D -q into out; TRUE when it
 * exited 0. */
static gboolean
run_readpst(const char *mode, const char *pst, const char *out, char **why)
{
    const char *argv[] = { "/usr/bin/readpst", "-q", mode, "-D", "-o", out, pst, NULL };
    GError *err = NULL;
    int status = 0;
    char *so = NULL, *se = NULL;
    g_mkdir_with_parents(out, 0755);
    gboolean ok = g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &so, &se, &status, &err) &&
                  g_spawn_check_wait_status(status, &err);
    if (!ok)
        *why = g_strdup_printf("%s (%s)", err ? err->message : "?", se ? se : "");
    g_clear_error(&err);
    g_free(so);
    g_free(se);
    return ok;
}

START_TEST(readpst_exports)
{
    const char *root = tl_test_corpora();
    if (!root) {
        skip_note("readpst_exports");
        return;
    }
    if (!g_file_test("/usr/bin/readpst", G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "note: /usr/bin/readpst absent (Debian pst-utils): readpst_exports skipped (passes)\n");
        return;
    }
    char *dir = g_build_filename(root, "pst", NULL);
    manifest *m = manifest_load(dir);
    char *tmp = tl_test_tmpdir();
    GString *bad = g_string_new(NULL);
    unsigned nbad = 0;
    ck_assert_msg(m->pst_rows->len > 0, "pst/MANIFEST.md: no PST table");

    /* -r -D for every PST of the table; -S -D and -e -D for the one with
     * calendar, contact and attachment files beside its mail. */
    GPtrArray *runs = g_ptr_array_new();
    for (guint r = 0; r < m->pst_rows->len; r++) {
        g_ptr_array_add(runs, (gpointer) "-r");
        g_ptr_array_add(runs, &g_array_index(m->pst_rows, mbox_entry, r));
    }
    for (guint r = 0; r < m->pst_rows->len; r++)
        if (strcmp(g_array_index(m->pst_rows, mbox_entry, r).file, "iped/test_sample.pst") == 0) {
            g_ptr_array_add(runs, (gpointer) "-S");
            g_ptr_array_add(runs, &g_array_index(m->pst_rows, mbox_entry, r));
            g_ptr_array_add(runs, (gpointer) "-e");
            g_ptr_array_add(runs, &g_array_index(m->pst_rows, mbox_entry, r));
        }
    ck_assert_msg(runs->len > 2 * m->pst_rows->len, "pst/MANIFEST.md has no row for iped/test_sample.pst");

    for (guint k = 0; k < runs->len; k += 2) {
        const char *mode = runs->pdata[k];
        const mbox_entry *e = runs->pdata[k + 1];
        char *pst = g_build_filename(dir, e->file, NULL);
        char *out = NULL, *why = NULL, *name = NULL, *db = NULL;
        tl_scan_stats stats;
        tl_status_t rc = TL_OK;
        /* readpst's -S and -e output varies from run to run: now and then
         * it writes one e-mail of test_sample.pst as a calendar item, or
         * not at all.  Up to three exports, each scanned, so that its
         * hiccup is not taken for ours; every export the scanner reads is
         * checked in full. */
        for (int attempt = 0; attempt < 3; attempt++) {
            g_free(out), g_free(name), g_free(db);
            out = g_strdup_printf("%s/export-%u-%d", tmp, k / 2, attempt);
            name = g_strdup_printf("export-%u-%d", k / 2, attempt);
            db = NULL;
            if (!run_readpst(mode, pst, out, &why))
                break;
            db = scan_one(tmp, name, 2, out, &stats, &rc);
            if (rc != TL_OK || strcmp(mode, "-r") == 0)
                break;
            sqlite3 *h = db_open(db);
            int64_t rec = db_recorded(h);
            sqlite3_close(h);
            if (rec == (int64_t)e->separators)
                break;
            fprintf(stderr, "note: readpst %s -D %s wrote %lld e-mails this time (of %" G_GUINT64_FORMAT "); "
                            "exporting again\n", mode, e->file, (long long)rec, e->separators);
        }
        if (!db) {
            fault(bad, &nbad, "readpst %s -D %s failed: %s", mode, e->file, why);
            g_free(why);
            g_free(out);
            g_free(name);
            g_free(pst);
            continue;
        }
        if (rc != TL_OK) {
            fault(bad, &nbad, "%s (readpst %s -D): scan returned %s", e->file, mode, tl_status_name(rc));
        } else {
            sqlite3 *h = db_open(db);
            int64_t rec = db_recorded(h);
            if (rec != (int64_t)e->separators) {
                char *errs = db_error_summary(h);
                fault(bad, &nbad,
                      "%s (readpst %s -D): expected %" G_GUINT64_FORMAT " e-mails (pst/MANIFEST.md), recorded %lld;"
                      " errors: %s",
                      e->file, mode, e->separators, (long long)rec, errs);
                g_free(errs);
            }
            if (strcmp(mode, "-r") == 0) {
                /* readpst -r writes mboxrd with `From "addr" date` lines: every
                 * message has such a marker, and no quoted ">From " line was
                 * taken for a separator. */
                int64_t quoted = db_int(h, "SELECT count(*) FROM occurrences WHERE marker LIKE 'From \"%'", NULL);
                int64_t gt = db_int(h, "SELECT count(*) FROM occurrences WHERE marker NOT LIKE 'From %'"
                                       " OR marker IS NULL", NULL);
                if (quoted != (int64_t)e->separators || gt != 0)
                    fault(bad, &nbad,
                          "%s (readpst -r -D): %lld occurrence(s) with a `From \"addr\" date` marker (expected %"
                          G_GUINT64_FORMAT "), %lld with another or no marker",
                          e->file, (long long)quoted, e->separators, (long long)gt);
            } else {
                /* -S and -e: one file per item, no From_ line. */
                int64_t mk = db_int(h, "SELECT count(*) FROM occurrences WHERE marker IS NOT NULL", NULL);
                if (mk != 0)
                    fault(bad, &nbad, "%s (readpst %s -D): %lld occurrence(s) with a From_ marker, expected none",
                          e->file, mode, (long long)mk);
            }
            sqlite3_close(h);
        }
        g_free(db);
        g_free(name);
        g_free(out);
        g_free(pst);
    }
    g_ptr_array_free(runs, TRUE);
    tl_test_rmtree(tmp);
    g_free(tmp);
    manifest_free(m);
    g_free(dir);
    assert_no_faults(bad, nbad, "readpst exports of pst/ against pst/MANIFEST.md");
    g_string_free(bad, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 5. hostile archives                                                 */
/* ------------------------------------------------------------------ */

/* Names in a folder, sorted and joined by '\n'. */
static char *
dir_names(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(n));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, cmp_str);
    g_ptr_array_add(names, NULL);
    char *out = g_strjoinv("\n", (char **)names->pdata);
    g_ptr_array_free(names, TRUE);
    return out;
}

START_TEST(hostile_archives)
{
    const char *root = tl_test_corpora();
    if (!root) {
        skip_note("hostile_archives");
        return;
    }
    char *dir = g_build_filename(root, "aleph", "archives", NULL);
    char *tmp = tl_test_tmpdir();
    char *cwd = g_get_current_dir();
    char *cwd_before = dir_names(cwd), *arch_before = dir_names(dir);
    tl_scan_stats stats;
    tl_status_t rc;
    char *db = scan_one(tmp, "archives", 2, dir, &stats, &rc);
    ck_assert_msg(rc == TL_OK, "aleph/archives: scan returned %s", tl_status_name(rc));

    /* Each bad* archive holds one symbolic link, secret.txt ->
     * /ingestors/tests/fixtures/secret.txt: a 'symlink' source with one
     * TL_SKIP_SYMLINK row (grade skip), nothing below it, no message. */
    sqlite3 *h = db_open(db);
    char *q_links = g_strdup_printf("SELECT count(*) FROM sources s WHERE kind='symlink' AND substr(path, 1, length(?1))"
                                    " = ?1 AND (SELECT count(*) FROM errors e WHERE e.source_id=s.id AND e.code='%s'"
                                    " AND e.grade='skip') = 1",
                                    tl_status_name(TL_SKIP_SYMLINK));
    static const char *const bad_archives[] = { "bad7zip.7z", "badrar.rar", "badtar.tar", "badzip.zip" };
    for (size_t i = 0; i < G_N_ELEMENTS(bad_archives); i++) {
        char *p = g_build_filename(dir, bad_archives[i], NULL);
        char *prefix = g_strdup_printf("%s!/", p);
        int64_t links = db_int(h, q_links, prefix);
        int64_t rec = file_recorded(h, p);
        ck_assert_msg(links == 1 && rec == 0,
                      "%s: expected 1 symlink member with 1 %s row (grade skip) and no message; got %lld and %lld"
                      " message(s)",
                      p, tl_status_name(TL_SKIP_SYMLINK), (long long)links, (long long)rec);
        g_free(prefix);
        g_free(p);
    }
    g_free(q_links);
    int64_t below = db_int(h, "SELECT count(*) FROM sources WHERE parent_id IN (SELECT id FROM sources WHERE"
                              " kind='symlink')", NULL);
    ck_assert_msg(below == 0, "aleph/archives: %lld source(s) below a symlink member: it was followed", (long long)below);
    char *q_code = g_strdup_printf("SELECT count(*) FROM errors WHERE code='%s'", tl_status_name(TL_SKIP_SYMLINK));
    int64_t all_skips = db_int(h, q_code, NULL);
    ck_assert_msg(all_skips == 4, "aleph/archives: %lld %s rows, expected 4 (one per bad* archive)",
                  (long long)all_skips, tl_status_name(TL_SKIP_SYMLINK));
    g_free(q_code);

    /* 7z_password.7z: its member is encrypted: one TL_ERR_ENCRYPTED row
     * (grade failed), no message, and no such row anywhere else. */
    char *p7 = g_build_filename(dir, "7z_password.7z", NULL);
    char *prefix7 = g_strdup_printf("%s!/", p7);
    q_code = g_strdup_printf("SELECT count(*) FROM errors WHERE code='%s' AND grade='failed'"
                             " AND substr(path, 1, length(?1)) = ?1",
                             tl_status_name(TL_ERR_ENCRYPTED));
    int64_t enc = db_int(h, q_code, prefix7);
    g_free(q_code);
    q_code = g_strdup_printf("SELECT count(*) FROM errors WHERE code='%s'", tl_status_name(TL_ERR_ENCRYPTED));
    int64_t all_enc = db_int(h, q_code, NULL);
    g_free(q_code);
    int64_t rec7 = file_recorded(h, p7);
    ck_assert_msg(enc == 1 && all_enc == 1 && rec7 == 0,
                  "%s: expected 1 %s row (grade failed; none elsewhere) and no message, got %lld (%lld in all)"
                  " and %lld message(s)",
                  p7, tl_status_name(TL_ERR_ENCRYPTED), (long long)enc, (long long)all_enc, (long long)rec7);
    g_free(prefix7);
    g_free(p7);
    sqlite3_close(h);

    /* Nothing was extracted: the scan's folder holds only the database and
     * its text index, the archives' folder and the working folder are as
     * they were, and the symlinks' target was not created. */
    char *left = dir_names(tmp), *cwd_after = dir_names(cwd), *arch_after = dir_names(dir);
    char **names = g_strsplit(left, "\n", -1);
    for (int i = 0; names[i]; i++)
        ck_assert_msg(g_str_has_prefix(names[i], "archives.db") || g_str_has_prefix(names[i], "archives.db.text"),
                      "scan left %s in its folder %s", names[i], tmp);
    g_strfreev(names);
    ck_assert_msg(strcmp(cwd_before, cwd_after) == 0, "the scan changed the working folder %s:\nbefore:\n%s\nafter:\n%s",
                  cwd, cwd_before, cwd_after);
    ck_assert_msg(strcmp(arch_before, arch_after) == 0, "the scan changed %s", dir);
    ck_assert_msg(!g_file_test("/ingestors/tests/fixtures/secret.txt", G_FILE_TEST_EXISTS),
                  "/ingestors/tests/fixtures/secret.txt exists: a symlink member was materialised");
    g_free(left);
    g_free(cwd_after);
    g_free(arch_after);
    g_free(cwd_before);
    g_free(arch_before);
    g_free(cwd);
    g_free(db);
    tl_test_rmtree(tmp);
    g_free(tmp);
    g_free(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 6. evidence unchanged                                               */
/* ------------------------------------------------------------------ */

/* path -> "sha256 size mode mtime ctime" of every regular file, plus one
 * entry per folder with its sorted listing. */
static GHashTable *
fingerprint(const char *root)
{
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GPtrArray *files = list_files(root);
    for (guint i = 0; i < files->len; i++) {
        const char *p = files->pdata[i];
        GByteArray *data = read_evidence(p);
        GStatBuf st;
        ck_assert_int_eq(g_lstat(p, &st), 0);
        char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data->data, data->len);
        g_hash_table_insert(t, g_strdup(p),
                            g_strdup_printf("%s %u %o %lld.%09ld %lld.%09ld", sha, data->len, (unsigned)st.st_mode,
                                            (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                                            (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec));
        char *parent = g_path_get_dirname(p);
        if (!g_hash_table_contains(t, parent))
            g_hash_table_insert(t, g_strdup(parent), dir_names(parent));
        g_free(parent);
        g_free(sha);
        g_byte_array_free(data, TRUE);
    }
    g_ptr_array_free(files, TRUE);
    return t;
}

START_TEST(evidence_unchanged)
{
    const char *root = tl_test_corpora();
    if (!root) {
        skip_note("evidence_unchanged");
        return;
    }
    GHashTable *before = fingerprint(root);
    char *tmp = tl_test_tmpdir();
    tl_scan_stats stats;
    tl_status_t rc;
    char *db = scan_one(tmp, "all", 2, root, &stats, &rc);
    ck_assert_msg(rc == TL_OK, "scan of %s returned %s", root, tl_status_name(rc));
    GHashTable *after = fingerprint(root);
    GString *bad = g_string_new(NULL);
    unsigned nbad = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, before);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *w = g_hash_table_lookup(after, k);
        if (g_strcmp0(v, w) != 0)
            fault(bad, &nbad, "%s: before [%s], after [%s]", (const char *)k, (const char *)v, w ? w : "gone");
    }
    g_hash_table_iter_init(&it, after);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (!g_hash_table_contains(before, k))
            fault(bad, &nbad, "%s: appeared during the scan", (const char *)k);
    ck_assert_msg(g_hash_table_size(before) > 100, "only %u files and folders fingerprinted under %s",
                  g_hash_table_size(before), root);
    g_hash_table_destroy(before);
    g_hash_table_destroy(after);
    g_free(db);
    tl_test_rmtree(tmp);
    g_free(tmp);
    assert_no_faults(bad, nbad, "corpora changed by a scan (SHA-256, size, mode, mtime, ctime, listings)");
    g_string_free(bad, TRUE);
}
END_TEST

/*
 * Access times.  The corpora's access times were bumped by the first read
 * and relatime leaves them alone for a day, so a change would not show
 * there: copies are made with an access time older than their modification
 * time (the case where relatime does update it) and scanned.  The reader
 * promises O_NOATIME (walk.c), which the owner of a file may use.
 */
START_TEST(atime_preserved)
{
    const char *root = tl_test_corpora();
    if (!root) {
        skip_note("atime_preserved");
        return;
    }
    static const char *const files[] = {
        "aleph/archives/badzip.zip", "aleph/archives/test-documents.tar", "aleph/archives/7z_password.7z",
        "aleph/mail/plan.mbox", "aleph/mail/email_base64.eml", "aleph/mail/plaintext.emlx",
        "aleph/mail/piste.msg",
    };
    char *tmp = tl_test_tmpdir();
    char *ev = g_build_filename(tmp, "evidence", NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *src = g_build_filename(root, files[i], NULL);
        GByteArray *data = read_evidence(src);
        char *base = g_path_get_basename(src), *dst = g_build_filename(ev, base, NULL);
        tl_test_write(dst, data->data, data->len);
        struct timespec ts[2] = { { 1000000000, 0 }, { 1100000000, 0 } };   /* atime < mtime */
        ck_assert_int_eq(utimensat(AT_FDCWD, dst, ts, 0), 0);
        g_free(dst);
        g_free(base);
        g_byte_array_free(data, TRUE);
        g_free(src);
    }
    char *db = g_build_filename(tmp, "atime.db", NULL);
    const char *paths[] = { ev, NULL };
    ck_assert_int_eq(tl_test_scan_status(db, 2, paths, NULL), TL_OK);
    GString *bad = g_string_new(NULL);
    unsigned nbad = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *base = g_path_get_basename(files[i]), *dst = g_build_filename(ev, base, NULL);
        GStatBuf st;
        ck_assert_int_eq(g_stat(dst, &st), 0);
        if (st.st_atim.tv_sec != 1000000000)
            fault(bad, &nbad, "%s (a copy of %s): access time changed from 1000000000 to %lld", dst, files[i],
                  (long long)st.st_atim.tv_sec);
        g_free(dst);
        g_free(base);
    }
    g_free(db);
    g_free(ev);
    tl_test_rmtree(tmp);
    g_free(tmp);
    assert_no_faults(bad, nbad, "access times changed by a scan");
    g_string_free(bad, TRUE);
}
END_TEST

/* The two parse depths (header block only, or the whole MIME tree) give
 * the same record for every message of the real corpora: identity headers,
 * recipients with their headers and typo verdicts.  Only anomalies of the
 * body may differ. */
START_TEST(parse_depths_agree)
{
    const char *root = tl_test_corpora();
    if (!root) {
        skip_note("parse_depths_agree");
        return;
    }
    char *tmp = tl_test_tmpdir();
    static const char *const dump[] = {
        "SELECT sha256, message_id, subject, date, date_utc, from_text, from_addr, sender, reply_to,"
        " n_recipients, n_typo FROM messages ORDER BY sha256",
        "SELECT m.sha256, r.header, r.addr, r.domain, r.display_name, r.parsed, r.raw FROM recipients r"
        " JOIN messages m ON m.id=r.message_id ORDER BY m.sha256, r.id",
    };
    char *out[2][2];
    for (int full = 0; full < 2; full++) {
        char *db = g_strdup_printf("%s/depth%d.db", tmp, full);
        tl_scan_options o;
        tl_scan_options_init(&o);
        o.db_path = db;
        o.jobs = 2;
        o.full_parse = full;
        const char *paths[] = { root };
        ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, NULL), TL_OK);
        for (int q = 0; q < 2; q++)
            out[full][q] = tl_test_rows(db, "%s", dump[q]);
        if (full)
            ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE mime_parsed=0"), 0);
        else
            ck_assert_int_gt(tl_test_int(db, "SELECT count(*) FROM messages WHERE mime_parsed=0"), 1000);
        g_free(db);
    }
    for (int q = 0; q < 2; q++) {
        ck_assert_msg(strlen(out[0][q]) > 10000, "query %d returned little", q);
        ck_assert_msg(strcmp(out[0][q], out[1][q]) == 0, "header-only and full parses differ (query %d)", q);
        g_free(out[0][q]);
        g_free(out[1][q]);
    }
    tl_test_rmtree(tmp);
    g_free(tmp);
}
END_TEST

/* What the users of the findings get, on the corpora plus a generated
 * mailbox with typo hits and sensitive lines: every report format, the
 * export, show, verify (nothing changed), and a second scan that skips
 * every unchanged file. */
START_TEST(findings_tools)
{
    const char *root = tl_test_corpora();
    if (!root) {
        skip_note("findings_tools");
        return;
    }
    char *tmp = tl_test_tmpdir();
    char *mbox = g_build_filename(tmp, "sent.mbox", NULL), *db = g_build_filename(tmp, "all.db", NULL);
    GString *mb = g_string_new(NULL);
    for (int i = 0; i < 40; i++)
        g_string_append_printf(mb, "From a@example.org Mon May  %d 10:00:00 2023\nFrom: clerk%d@example.org\n"
                                   "To: member%d@army.ml\nSubject: orders %d\nDate: Mon, %d May 2023 10:00:00 +0000\n\n"
                                   "SSN: 741-22-%04d\n\n", 1 + i % 28, i % 5, i, i, 1 + i % 28, 3100 + i);
    tl_test_write_str(mbox, mb->str);
    g_string_free(mb, TRUE);
    const char *paths[] = { root, mbox, NULL };
    tl_scan_stats st;
    ck_assert_int_eq(tl_test_scan_status(db, 2, paths, &st), TL_OK);
    char *msg = NULL;
    FILE *out = fopen("/dev/null", "w");
    ck_assert_int_eq(tl_report_text(db, out, &msg), TL_OK);
    ck_assert_int_eq(tl_report_json(db, out, &msg), TL_OK);
    ck_assert_int_eq(tl_report_html(db, out, &msg), TL_OK);
    ck_assert_int_eq(tl_export(db, 0, NULL, NULL, out, &msg), TL_OK);
    ck_assert_int_eq(tl_show(db, "1", out, &msg), TL_OK);
    char *csv = g_build_filename(tmp, "csv", NULL);
    ck_assert_int_eq(tl_report_csv(db, csv, &msg), TL_OK);
    tl_verify_counts vc;
    ck_assert_int_eq(tl_verify(db, out, &vc, &msg), TL_OK);
    fclose(out);
    ck_assert_int_gt(vc.files, 1000);
    ck_assert_int_eq(vc.files, vc.unchanged);
    /* the generated mailbox's 40 leaks, counted once each */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM flagged_messages WHERE typo_domains = 'army.ml'"), 40);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(DISTINCT vhash) FROM findings WHERE detector = 'ssn'"), 40);
    ck_assert_int_eq(tl_test_int(db, "SELECT senders FROM domain_sizing WHERE typo_domain = 'army.ml'"), 5);
    int64_t occ = tl_test_int(db, "SELECT count(*) FROM occurrences");
    ck_assert_int_eq(tl_test_scan_status(db, 2, paths, &st), TL_OK);
    ck_assert_int_eq(st.messages, 0);
    ck_assert_int_eq(st.unchanged, (uint64_t)vc.files);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), occ);
    g_free(csv), g_free(mbox), g_free(db);
    tl_test_rmtree(tmp);
    g_free(tmp);
}
END_TEST

Suite *
suite_corpora(void)
{
    Suite *s = suite_create("corpora");
    TCase *tc = tcase_create("corpora");
    const char *root = tl_test_corpora();
    if (!corpus_list)
        corpus_list = list_corpora(root);
    int n = corpus_list->len ? (int)corpus_list->len : 1;
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, mbox_counts, 0, n);
    tcase_add_loop_test(tc, corpus_whole, 0, n);
    tcase_add_test(tc, maildir_flags_and_tmp);
    tcase_add_test(tc, readpst_exports);
    tcase_add_test(tc, hostile_archives);
    tcase_add_test(tc, evidence_unchanged);
    tcase_add_test(tc, atime_preserved);
    tcase_add_test(tc, parse_depths_agree);
    tcase_add_test(tc, findings_tools);
    suite_add_tcase(s, tc);
    return s;
}
