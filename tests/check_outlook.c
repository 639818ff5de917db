/*
 * check_outlook.c - PST/OST, .msg and TNEF items read as messages
 * (parsers/outlook.c), checked against readpst and the real corpora.
 *
 *   1. Every PST of ../shared/corpora/pst against its `readpst -r -D`
 *      export: the e-mails, their subjects and their recipients are the
 *      same; what readpst leaves out (calendar items, contacts, recovered
 *      items) is counted and printed, not compared (docs/formats.md).
 *   2. Every produced message parses with GMime; the password-flagged PST
 *      is read and flagged.
 *   3. Identity: two reads give the same bytes, by path and from memory
 *      (a copy of the store); a recovered copy of a live item is the same
 *      bytes.
 *   4. Damage: a store cut short, and one with a damaged block in the
 *      middle, deliver what libpff can reach and report the rest.
 *   5. Outlook .msg files and TNEF files of the corpora.
 */
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "parsers/outlook.h"
#include "tl_test.h"

/* One delivered event, copied. */
typedef struct {
    tl_ol_event event;
    char *folder;
    uint64_t id;
    unsigned index;
    int recovered;
    char *msg_class;
    GBytes *data;
    char *reason;
} item;

static void
item_free(gpointer p)
{
    item *i = p;
    g_free(i->folder);
    g_free(i->msg_class);
    g_free(i->reason);
    if (i->data)
        g_bytes_unref(i->data);
    g_free(i);
}

static int
collect(const tl_ol_item *it, void *user)
{
    item *i = g_new0(item, 1);
    i->event = it->event;
    i->folder = g_strdup(it->folder);
    i->id = it->item_id;
    i->index = it->index;
    i->recovered = it->recovered;
    i->msg_class = g_strdup(it->msg_class);
    i->reason = g_strdup(it->reason);
    if (it->event == TL_OL_MESSAGE)
        i->data = g_bytes_new(it->data, it->len);
    g_ptr_array_add(user, i);
    return 0;
}

static GPtrArray *
read_pst(const char *path, tl_ol_info *info, gboolean *ok, char **why)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
    *why = NULL;
    *ok = tl_outlook_pst_path(path, NULL, collect, items, info, why);
    return items;
}

static GMimeMessage *
parse(GBytes *b)
{
    gsize n = 0;
    const char *d = g_bytes_get_data(b, &n);
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(d, n);
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
    g_object_unref(p);
    g_object_unref(s);
    return m;
}

static gint
cmp_strp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "subject | sorted lower-case To+Cc addresses" of a message. */
static char *
summary(GMimeMessage *m)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    InternetAddressList *all = g_mime_message_get_all_recipients(m);
    for (int i = 0; all && i < internet_address_list_length(all); i++) {
        InternetAddress *ia = internet_address_list_get_address(all, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
            if (addr && *addr)
                g_ptr_array_add(a, g_ascii_strdown(addr, -1));
        }
    }
    if (all)
        g_object_unref(all);
    g_ptr_array_sort(a, cmp_strp);
    GString *s = g_string_new(g_mime_message_get_subject(m) ? g_mime_message_get_subject(m) : "");
    g_string_append(s, " |");
    for (guint i = 0; i < a->len; i++)
        g_string_append_printf(s, " %s", (char *)a->pdata[i]);
    g_ptr_array_free(a, TRUE);
    return g_string_free(s, FALSE);
}

/* The same summary from the raw To and Cc fields, for readpst's
 * exports: readpst writes PR_DISPLAY_TO/PR_DISPLAY_CC as they are
 * (`To: 'a@b'; 'c@d'`, names separated by ';'), which no RFC 5322
 * parser splits; the addresses are taken from each piece. */
static char *
summary_loose(GMimeMessage *m)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    static const char *const fields[] = { "To", "Cc", "Bcc" };
    for (size_t f = 0; f < G_N_ELEMENTS(fields); f++) {
        const char *v = g_mime_object_get_header(GMIME_OBJECT(m), fields[f]);
        if (!v)
            continue;
        char **pieces = g_strsplit_set(v, ",;", -1);
        for (char **p = pieces; *p; p++) {
            char *lt = strchr(*p, '<'), *gt = lt ? strchr(lt, '>') : NULL;
            char *addr = lt && gt ? g_strndup(lt + 1, (gsize)(gt - lt - 1)) : g_strdup(*p);
            g_strstrip(g_strdelimit(addr, "'\"", ' '));
            if (strchr(addr, '@') && !strchr(addr, ' '))
                g_ptr_array_add(a, g_ascii_strdown(addr, -1));
            g_free(addr);
        }
        g_strfreev(pieces);
    }
    g_ptr_array_sort(a, cmp_strp);
    GString *s = g_string_new(g_mime_message_get_subject(m) ? g_mime_message_get_subject(m) : "");
    g_string_append(s, " |");
    for (guint i = 0; i < a->len; i++)
        g_string_append_printf(s, " %s", (char *)a->pdata[i]);
    g_ptr_array_free(a, TRUE);
    return g_string_free(s, FALSE);
}

/* An e-mail, as readpst writes it to an mbox (not a calendar item, a
 * contact, a task or a distribution list). */
static gboolean
is_email(const char *cls)
{
    return cls && (g_ascii_strncasecmp(cls, "IPM.Note", 8) == 0 || g_ascii_strncasecmp(cls, "REPORT.", 7) == 0);
}

/* Runs readpst -r -D into out; FALSE when it failed. */
static gboolean
readpst(const char *pst, const char *out)
{
    const char *argv[] = { "/usr/bin/readpst", "-q", "-r", "-D", "-j", "0", "-o", out, pst, NULL };
    int status = 0;
    g_mkdir_with_parents(out, 0755);
    return g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                        NULL, NULL, NULL, &status, NULL) &&
           g_spawn_check_wait_status(status, NULL);
}

/* The summaries of every message in the files named "mbox" under dir. */
static void
mbox_summaries(const char *dir, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            mbox_summaries(path, out);
        } else if (strcmp(name, "mbox") == 0) {
            GMimeStream *s = g_mime_stream_file_open(path, "r", NULL);
            ck_assert_ptr_nonnull(s);
            GMimeParser *p = g_mime_parser_new_with_stream(s);
            g_mime_parser_set_format(p, GMIME_FORMAT_MBOX);
            while (!g_mime_parser_eos(p)) {
                GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
                if (!m)
                    break;
                g_ptr_array_add(out, summary_loose(m));
                g_object_unref(m);
            }
            g_object_unref(p);
            g_object_unref(s);
        }
        g_free(path);
    }
    g_dir_close(d);
}

/* The .pst files under dir, sorted. */
static void
find_psts(const char *dir, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            find_psts(path, out);
        else if (g_str_has_suffix(name, ".pst") || g_str_has_suffix(name, ".ost"))
            g_ptr_array_add(out, g_strdup(path));
        g_free(path);
    }
    g_dir_close(d);
    g_ptr_array_sort(out, cmp_strp);
}

static GPtrArray *
corpus_psts(void)
{
    const char *root = tl_test_corpora();
    if (!root)
        return NULL;
    char *dir = g_build_filename(root, "pst", NULL);
    GPtrArray *psts = g_ptr_array_new_with_free_func(g_free);
    find_psts(dir, psts);
    g_free(dir);
    return psts;
}

/* ------------------------------------------------------------------ */
/* 1. against readpst                                                   */
/* ------------------------------------------------------------------ */

START_TEST(pst_vs_readpst)
{
    GPtrArray *psts = corpus_psts();
    if (!psts) {
        fprintf(stderr, "note: ../shared/corpora absent: pst_vs_readpst skipped (passes)\n");
        return;
    }
    if (!g_file_test("/usr/bin/readpst", G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "note: /usr/bin/readpst absent (Debian pst-utils): pst_vs_readpst skipped (passes)\n");
        g_ptr_array_free(psts, TRUE);
        return;
    }
    ck_assert_uint_gt(psts->len, 0);
    char *tmp = tl_test_tmpdir();
    GString *bad = g_string_new(NULL);
    fprintf(stderr, "outlook: PST | e-mails (ours / readpst) | other items | recovered | errors | remnants |"
                    " recipients equal\n");
    for (guint k = 0; k < psts->len; k++) {
        const char *pst = psts->pdata[k];
        tl_ol_info info;
        gboolean ok;
        char *why;
        GPtrArray *items = read_pst(pst, &info, &ok, &why);
        ck_assert_msg(ok, "%s: %s", pst, why);
        GPtrArray *ours = g_ptr_array_new_with_free_func(g_free);
        GPtrArray *theirs = g_ptr_array_new_with_free_func(g_free);
        unsigned other = 0, rec = 0, err = 0;
        for (guint i = 0; i < items->len; i++) {
            item *it = items->pdata[i];
            if (it->event == TL_OL_ERROR)
                err++;
            if (it->event != TL_OL_MESSAGE)
                continue;
            GMimeMessage *m = parse(it->data);
            ck_assert_msg(m != NULL, "%s: item %" G_GUINT64_FORMAT " does not parse", pst, it->id);
            if (it->recovered)
                rec++;
            else if (!is_email(it->msg_class))
                other++;
            else
                g_ptr_array_add(ours, summary(m));
            g_object_unref(m);
        }
        char *out = g_strdup_printf("%s/readpst-%u", tmp, k);
        ck_assert_msg(readpst(pst, out), "readpst -r -D %s failed", pst);
        mbox_summaries(out, theirs);
        g_ptr_array_sort(ours, cmp_strp);
        g_ptr_array_sort(theirs, cmp_strp);
        gboolean same = ours->len == theirs->len;
        for (guint i = 0; same && i < ours->len; i++)
            same = strcmp(ours->pdata[i], theirs->pdata[i]) == 0;
        fprintf(stderr, "outlook: %s | %u / %u | %u | %u | %u | %u | %s%s\n",
                strstr(pst, "/pst/") ? strstr(pst, "/pst/") + 5 : pst, ours->len, theirs->len, other, rec, err,
                info.remnants, same ? "yes" : "NO",
                info.password_flag ? " (password flag)" : "");
        if (!same) {
            g_string_append_printf(bad, "%s: ours:\n", pst);
            for (guint i = 0; i < ours->len; i++)
                g_string_append_printf(bad, "  %s\n", (char *)ours->pdata[i]);
            g_string_append(bad, " readpst:\n");
            for (guint i = 0; i < theirs->len; i++)
                g_string_append_printf(bad, "  %s\n", (char *)theirs->pdata[i]);
        }
        g_free(out);
        g_free(why);
        g_ptr_array_free(ours, TRUE);
        g_ptr_array_free(theirs, TRUE);
        g_ptr_array_free(items, TRUE);
    }
    ck_assert_msg(bad->len == 0, "differences from readpst -r -D:\n%s", bad->str);
    g_string_free(bad, TRUE);
    tl_test_rmtree(tmp);
    g_free(tmp);
    g_ptr_array_free(psts, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 2. what every store gives                                           */
/* ------------------------------------------------------------------ */

START_TEST(pst_items_and_flags)
{
    GPtrArray *psts = corpus_psts();
    if (!psts) {
        fprintf(stderr, "note: ../shared/corpora absent: pst_items_and_flags skipped (passes)\n");
        return;
    }
    gboolean saw_password = FALSE;
    for (guint k = 0; k < psts->len; k++) {
        const char *pst = psts->pdata[k];
        tl_ol_info info;
        gboolean ok;
        char *why;
        GPtrArray *items = read_pst(pst, &info, &ok, &why);
        ck_assert_msg(ok, "%s: %s", pst, why);
        ck_assert_str_eq(info.format, "pst");
        ck_assert_int_eq(info.wide, 1);
        ck_assert_uint_gt(info.folders, 0);
        if (g_str_has_suffix(pst, "passworded.pst")) {
            saw_password = TRUE;
            ck_assert_int_eq(info.password_flag, 1);
            ck_assert_uint_eq(info.password_checksum, 0xe61eb50fu);
            ck_assert_uint_gt(info.messages, 0);
        } else {
            ck_assert_int_eq(info.password_flag, 0);
        }
        unsigned folders = 0, msgs = 0;
        for (guint i = 0; i < items->len; i++) {
            item *it = items->pdata[i];
            if (it->event == TL_OL_FOLDER) {
                folders++;
                ck_assert(it->folder[0] == 0 || it->folder[0] == '/');
            }
            if (it->event != TL_OL_MESSAGE)
                continue;
            msgs++;
            ck_assert_uint_ne(it->id, 0);
            ck_assert(it->folder[0] == '/');
            ck_assert_int_eq(it->recovered, g_str_has_prefix(it->folder, "/(recovered)") ||
                                                g_str_has_prefix(it->folder, "/(orphan)"));
            GMimeMessage *m = parse(it->data);
            ck_assert_ptr_nonnull(m);
            /* Every body part and attachment is reachable as MIME. */
            ck_assert_ptr_nonnull(g_mime_message_get_mime_part(m));
            g_object_unref(m);
        }
        ck_assert_uint_eq(folders, info.folders);
        ck_assert_uint_eq(msgs, info.messages);
        g_free(why);
        g_ptr_array_free(items, TRUE);
    }
    ck_assert_msg(saw_password, "pst/java-libpst/passworded.pst missing from the corpus");
    g_ptr_array_free(psts, TRUE);
}
END_TEST

/* The folder path and the built headers of a known item: iped's sent
 * item has no transport headers, so its From/To come from the MAPI
 * properties and the recipient table (SMTP addresses). */
START_TEST(pst_built_headers)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: pst_built_headers skipped (passes)\n");
        return;
    }
    char *pst = g_build_filename(root, "pst/iped/test_sample.pst", NULL);
    tl_ol_info info;
    gboolean ok;
    char *why;
    GPtrArray *items = read_pst(pst, &info, &ok, &why);
    ck_assert(ok);
    gboolean found = FALSE;
    for (guint i = 0; i < items->len; i++) {
        item *it = items->pdata[i];
        if (it->event != TL_OL_MESSAGE || it->recovered || !g_str_has_suffix(it->folder, "/Itens Enviados"))
            continue;
        found = TRUE;
        GMimeMessage *m = parse(it->data);
        ck_assert_ptr_nonnull(m);
        char *s = summary(m);
        ck_assert_str_eq(s, "This is a test message with attachment!!! | guilhermeandreuce@gmail.com sepinf@pf.test.com");
        g_free(s);
        InternetAddressList *from = g_mime_message_get_from(m);
        ck_assert_int_eq(internet_address_list_length(from), 1);
        ck_assert_str_eq(internet_address_mailbox_get_addr(
                             INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0))),
                         "guilhermeandreuce@gmail.com");
        ck_assert_ptr_nonnull(g_mime_message_get_date(m));
        /* Its attachment is a base64 part with its file name. */
        GMimeObject *top = g_mime_message_get_mime_part(m);
        ck_assert(GMIME_IS_MULTIPART(top));
        ck_assert_int_ge(g_mime_multipart_get_count(GMIME_MULTIPART(top)), 2);
        GMimeObject *att = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
        ck_assert(GMIME_IS_PART(att));
        ck_assert_ptr_nonnull(g_mime_part_get_filename(GMIME_PART(att)));
        ck_assert_int_eq(g_mime_part_get_content_encoding(GMIME_PART(att)), GMIME_CONTENT_ENCODING_BASE64);
        g_object_unref(m);
    }
    ck_assert(found);
    g_free(why);
    g_free(pst);
    g_ptr_array_free(items, TRUE);
}
END_TEST

/* Bodies: of the four e-mails of testPST_variousBodyTypes.pst two have
 * plain and HTML bodies, two plain and RTF (the RTF is left out when a
 * plain or HTML body exists); every one has a text/plain part.  An
 * embedded message: tika/testPST.pst's "FW: First email" carries "First
 * email" as a message/rfc822 part, with its own attachment. */
START_TEST(pst_bodies)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: pst_bodies skipped (passes)\n");
        return;
    }
    char *pst = g_build_filename(root, "pst/tika/testPST_variousBodyTypes.pst", NULL);
    tl_ol_info info;
    gboolean ok;
    char *why;
    GPtrArray *items = read_pst(pst, &info, &ok, &why);
    ck_assert(ok);
    unsigned html = 0, live = 0;
    for (guint i = 0; i < items->len; i++) {
        item *it = items->pdata[i];
        if (it->event != TL_OL_MESSAGE || it->recovered)
            continue;
        live++;
        gsize n = 0;
        const char *d = g_bytes_get_data(it->data, &n);
        if (g_strstr_len(d, (gssize)n, "Content-Type: text/html"))
            html++;
        ck_assert(g_strstr_len(d, (gssize)n, "Content-Type: text/plain") != NULL);
        ck_assert(g_strstr_len(d, (gssize)n, "Subject: ") != NULL);
    }
    ck_assert_uint_eq(live, 4);
    ck_assert_uint_eq(html, 2);
    g_free(why);
    g_free(pst);
    g_ptr_array_free(items, TRUE);

    pst = g_build_filename(root, "pst/tika/testPST.pst", NULL);
    items = read_pst(pst, &info, &ok, &why);
    ck_assert(ok);
    gboolean embedded = FALSE;
    for (guint i = 0; i < items->len; i++) {
        item *it = items->pdata[i];
        if (it->event != TL_OL_MESSAGE || it->recovered)
            continue;
        GMimeMessage *m = parse(it->data);
        if (g_strcmp0(g_mime_message_get_subject(m), "FW: First email") == 0) {
            GMimeObject *top = g_mime_message_get_mime_part(m);
            ck_assert(GMIME_IS_MULTIPART(top));
            GMimeObject *p = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
            ck_assert(GMIME_IS_MESSAGE_PART(p));
            GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(p));
            ck_assert_str_eq(g_mime_message_get_subject(inner), "First email");
            ck_assert_str_eq(g_mime_message_get_message_id(inner), "3148510c2360443396a78d35e0888de9@pf.gov.br");
            GMimeObject *itop = g_mime_message_get_mime_part(inner);
            ck_assert(GMIME_IS_MULTIPART(itop));
            GMimeObject *doc = g_mime_multipart_get_part(GMIME_MULTIPART(itop), 1);
            ck_assert(GMIME_IS_PART(doc));
            ck_assert_str_eq(g_mime_part_get_filename(GMIME_PART(doc)), "attachment.docx");
            embedded = TRUE;
        }
        g_object_unref(m);
    }
    ck_assert(embedded);
    g_free(why);
    g_free(pst);
    g_ptr_array_free(items, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 3. identity                                                         */
/* ------------------------------------------------------------------ */

static int
collect_mem(const tl_ol_item *it, void *user)
{
    return collect(it, user);
}

START_TEST(pst_deterministic)
{
    GPtrArray *psts = corpus_psts();
    if (!psts) {
        fprintf(stderr, "note: ../shared/corpora absent: pst_deterministic skipped (passes)\n");
        return;
    }
    for (guint k = 0; k < psts->len; k++) {
        const char *pst = psts->pdata[k];
        tl_ol_info i1, i2;
        gboolean ok;
        char *why, *why2 = NULL;
        GPtrArray *a = read_pst(pst, &i1, &ok, &why);
        ck_assert(ok);
        /* The second read is of a copy in memory, as for a store inside
         * an archive. */
        gchar *buf = NULL;
        gsize len = 0;
        ck_assert(g_file_get_contents(pst, &buf, &len, NULL));
        GPtrArray *b = g_ptr_array_new_with_free_func(item_free);
        ck_assert(tl_outlook_pst_mem((const uint8_t *)buf, len, NULL, collect_mem, b, &i2, &why2));
        ck_assert_uint_eq(a->len, b->len);
        for (guint i = 0; i < a->len; i++) {
            item *x = a->pdata[i], *y = b->pdata[i];
            ck_assert_int_eq(x->event, y->event);
            ck_assert_str_eq(x->folder, y->folder);
            ck_assert_uint_eq(x->id, y->id);
            if (x->data)
                ck_assert_msg(g_bytes_equal(x->data, y->data), "%s: item %" G_GUINT64_FORMAT " differs", pst, x->id);
        }
        /* A recovered item with the content of a live one is the same
         * bytes (the same message identity), whatever its identifier:
         * iped's store keeps two such copies. */
        if (g_str_has_suffix(pst, "iped/test_sample.pst")) {
            unsigned same = 0;
            for (guint i = 0; i < a->len; i++) {
                item *r = a->pdata[i];
                if (r->event != TL_OL_MESSAGE || !r->recovered)
                    continue;
                for (guint j = 0; j < a->len; j++) {
                    item *l = a->pdata[j];
                    if (l->event == TL_OL_MESSAGE && !l->recovered && l->id != r->id &&
                        g_bytes_equal(l->data, r->data))
                        same++;
                }
            }
            ck_assert_uint_eq(same, 2);
        }
        g_free(buf);
        g_free(why);
        g_free(why2);
        g_ptr_array_free(a, TRUE);
        g_ptr_array_free(b, TRUE);
    }
    g_ptr_array_free(psts, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 4. damage                                                           */
/* ------------------------------------------------------------------ */

/* A copy of tika/testPST.pst, changed by edit, read. */
static GPtrArray *
read_changed(const char *root, size_t cut, size_t zero_at, size_t zero_len, tl_ol_info *info, gboolean *ok,
             char **why)
{
    char *pst = g_build_filename(root, "pst/tika/testPST.pst", NULL);
    gchar *buf = NULL;
    gsize len = 0;
    ck_assert(g_file_get_contents(pst, &buf, &len, NULL));
    ck_assert_uint_eq(len, 2302976);
    if (zero_len)
        memset(buf + zero_at, 0, zero_len);
    GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
    *why = NULL;
    *ok = tl_outlook_pst_mem((const uint8_t *)buf, cut ? cut : len, NULL, collect_mem, items, info, why);
    g_free(buf);
    g_free(pst);
    return items;
}

static void
live_counts(GPtrArray *items, unsigned *msgs, unsigned *errs)
{
    *msgs = *errs = 0;
    for (guint i = 0; i < items->len; i++) {
        item *it = items->pdata[i];
        if (g_str_has_prefix(it->folder, "/(recovered)") || g_str_has_prefix(it->folder, "/(orphan)"))
            continue;
        if (it->event == TL_OL_MESSAGE)
            (*msgs)++;
        if (it->event == TL_OL_ERROR)
            (*errs)++;
    }
}

START_TEST(pst_truncated)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: pst_truncated skipped (passes)\n");
        return;
    }
    tl_ol_info info;
    gboolean ok;
    char *why;
    unsigned msgs, errs;
    /* Cut at half: the seven e-mails lie before the cut and are all
     * delivered; the recovery scan reports that it could not finish. */
    GPtrArray *items = read_changed(root, 2302976 / 2, 0, 0, &info, &ok, &why);
    ck_assert_msg(ok, "%s", why);
    live_counts(items, &msgs, &errs);
    ck_assert_uint_eq(msgs, 7);
    ck_assert_uint_ge(info.errors, 1);
    g_ptr_array_free(items, TRUE);
    g_free(why);
    /* Cut at 10%: the folder tree is gone; the store opens and says so. */
    items = read_changed(root, 2302976 / 10, 0, 0, &info, &ok, &why);
    if (ok) {
        live_counts(items, &msgs, &errs);
        ck_assert_uint_eq(msgs, 0);
        ck_assert_uint_ge(errs, 1);
    } else {
        ck_assert_ptr_nonnull(why);
    }
    g_ptr_array_free(items, TRUE);
    g_free(why);
    /* Cut in the header: not a store at all, with a reason. */
    items = read_changed(root, 300, 0, 0, &info, &ok, &why);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(why);
    ck_assert_uint_eq(items->len, 0);
    g_ptr_array_free(items, TRUE);
    g_free(why);
}
END_TEST

START_TEST(pst_damaged_middle)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: pst_damaged_middle skipped (passes)\n");
        return;
    }
    tl_ol_info info;
    gboolean ok;
    char *why;
    unsigned msgs, errs;
    /* 8 KiB of zeros at 136 KiB destroy the fourth e-mail's values: items
     * 0-2 and 4-6 are delivered, item 3 is an error with a reason. */
    GPtrArray *items = read_changed(root, 0, 139264, 8192, &info, &ok, &why);
    ck_assert_msg(ok, "%s", why);
    live_counts(items, &msgs, &errs);
    ck_assert_uint_eq(msgs, 6);
    ck_assert_uint_eq(errs, 1);
    unsigned before = 0, after = 0, bad = G_MAXUINT;
    for (guint i = 0; i < items->len; i++) {
        item *it = items->pdata[i];
        if (it->event == TL_OL_ERROR && !it->recovered) {
            bad = it->index;
            ck_assert_ptr_nonnull(it->reason);
            ck_assert_uint_ne(it->id, 0);
        }
    }
    ck_assert_uint_eq(bad, 3);
    for (guint i = 0; i < items->len; i++) {
        item *it = items->pdata[i];
        if (it->event == TL_OL_MESSAGE && !it->recovered) {
            before += it->index < bad;
            after += it->index > bad;
        }
    }
    ck_assert_uint_eq(before, 3);
    ck_assert_uint_eq(after, 3);
    g_ptr_array_free(items, TRUE);
    g_free(why);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 5. .msg and TNEF                                                    */
/* ------------------------------------------------------------------ */

static GPtrArray *
read_file_as(const char *path, int tnef, tl_ol_info *info, gboolean *ok, char **why)
{
    gchar *buf = NULL;
    gsize len = 0;
    ck_assert_msg(g_file_get_contents(path, &buf, &len, NULL), "%s", path);
    GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
    *why = NULL;
    *ok = tnef ? tl_outlook_tnef_mem((const uint8_t *)buf, len, NULL, collect_mem, items, info, why)
               : tl_outlook_msg_mem((const uint8_t *)buf, len, NULL, collect_mem, items, info, why);
    g_free(buf);
    return items;
}

START_TEST(msg_files)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: msg_files skipped (passes)\n");
        return;
    }
    static const char *const files[] = {
        "tika/microsoft-module/testMSG.msg", "tika/microsoft-module/test-outlook.msg",
        "tika/microsoft-module/test-outlook2003.msg", "tika/microsoft-module/testMSG_att_msg.msg",
        "tika/microsoft-module/testMSG_att_doc.msg", "tika/microsoft-module/testMSG_chinese.msg",
        "tika/microsoft-module/testMSG_forwarded.msg", "tika/microsoft-module/testMSG_Appointment.msg",
        "tika/microsoft-module/testMSG_Contact.msg", "iped/test_msgSample.msg", "iped/test_msgSampleAttach.msg",
    };
    for (size_t k = 0; k < G_N_ELEMENTS(files); k++) {
        char *path = g_build_filename(root, files[k], NULL);
        tl_ol_info info;
        gboolean ok;
        char *why;
        GPtrArray *items = read_file_as(path, 0, &info, &ok, &why);
        ck_assert_msg(ok, "%s: %s", files[k], why);
        ck_assert_str_eq(info.format, "msg");
        ck_assert_uint_eq(items->len, 1);
        item *it = items->pdata[0];
        ck_assert_int_eq(it->event, TL_OL_MESSAGE);
        ck_assert_str_eq(it->folder, "");
        ck_assert_ptr_nonnull(it->msg_class);
        GMimeMessage *m = parse(it->data);
        ck_assert_msg(m != NULL, "%s does not parse", files[k]);
        /* Two reads, the same bytes. */
        tl_ol_info info2;
        char *why2;
        GPtrArray *again = read_file_as(path, 0, &info2, &ok, &why2);
        ck_assert(g_bytes_equal(it->data, ((item *)again->pdata[0])->data));
        if (strstr(files[k], "testMSG_att_msg")) {
            /* An attached message is a message/rfc822 part, its own
             * attachment a base64 part within it. */
            ck_assert_str_eq(g_mime_message_get_subject(m), "test email");
            GMimeObject *top = g_mime_message_get_mime_part(m);
            ck_assert(GMIME_IS_MULTIPART(top));
            GMimeObject *p = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
            ck_assert(GMIME_IS_MESSAGE_PART(p));
            GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(p));
            ck_assert_str_eq(g_mime_message_get_subject(inner), "Test Attachment");
        }
        if (strstr(files[k], "testMSG_chinese")) {
            /* Unicode strings become UTF-8. */
            const char *subj = g_mime_message_get_subject(m);
            ck_assert_ptr_nonnull(subj);
            ck_assert(g_utf8_validate(subj, -1, NULL));
        }
        g_object_unref(m);
        g_free(why);
        g_free(why2);
        g_free(path);
        g_ptr_array_free(items, TRUE);
        g_ptr_array_free(again, TRUE);
    }
}
END_TEST

START_TEST(msg_not_outlook)
{
    tl_ol_info info;
    char *why = NULL;
    GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
    static const uint8_t junk[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not really a compound file";
    ck_assert(!tl_outlook_msg_mem(junk, sizeof junk, NULL, collect_mem, items, &info, &why));
    ck_assert_ptr_nonnull(why);
    ck_assert_uint_eq(items->len, 0);
    g_free(why);
    why = NULL;
    ck_assert(!tl_outlook_pst_mem(junk, sizeof junk, NULL, collect_mem, items, &info, &why));
    ck_assert_ptr_nonnull(why);
    g_free(why);
    why = NULL;
    ck_assert(!tl_outlook_tnef_mem(junk, sizeof junk, NULL, collect_mem, items, &info, &why));
    ck_assert_ptr_nonnull(why);
    g_free(why);
    g_ptr_array_free(items, TRUE);
}
END_TEST

/* An OLE2 header claiming more sectors than its file holds (2^23 MiniFAT
 * sectors in 2.7 KB: libolecf asked for 4 GiB) is refused before libolecf
 * reads it (found by fuzz_archive). */
START_TEST(msg_header_lies)
{
    tl_ol_info info;
    char *why = NULL, *data = NULL;
    gsize n = 0;
    GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
    ck_assert(g_file_get_contents(TL_SOURCE_DIR "/tests/fuzz/regress/archive/ole2-header-claims-4gib-minifat", &data,
                                  &n, NULL));
    ck_assert(!tl_outlook_msg_mem((const uint8_t *)data, n, NULL, collect_mem, items, &info, &why));
    ck_assert_msg(why && strstr(why, "damaged OLE2 header: 8388609 MiniFAT sectors in a file of 6 sectors"), "%s", why);
    ck_assert_uint_eq(items->len, 0);
    g_free(why);
    g_free(data);
    g_ptr_array_free(items, TRUE);
}
END_TEST

START_TEST(tnef_files)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: tnef_files skipped (passes)\n");
        return;
    }
    char *path = g_build_filename(root, "tika/microsoft-module/testWINMAIL.dat", NULL);
    tl_ol_info info;
    gboolean ok;
    char *why;
    GPtrArray *items = read_file_as(path, 1, &info, &ok, &why);
    ck_assert_msg(ok, "%s", why);
    ck_assert_str_eq(info.format, "tnef");
    ck_assert_uint_eq(items->len, 1);
    item *it = items->pdata[0];
    GMimeMessage *m = parse(it->data);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(g_mime_message_get_subject(m), "This is a test message");
    /* Its attachment, quick.doc, is a base64 part. */
    GMimeObject *top = g_mime_message_get_mime_part(m);
    ck_assert(GMIME_IS_MULTIPART(top));
    gboolean doc = FALSE;
    for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(top)); i++) {
        GMimeObject *p = g_mime_multipart_get_part(GMIME_MULTIPART(top), i);
        if (GMIME_IS_PART(p) && g_strcmp0(g_mime_part_get_filename(GMIME_PART(p)), "quick.doc") == 0)
            doc = TRUE;
    }
    ck_assert(doc);
    g_object_unref(m);
    g_free(why);
    g_free(path);
    g_ptr_array_free(items, TRUE);

    /* MimeKit's TNEF files, damaged ones included: each is one message
     * that GMime parses (damage is a reason on the item). */
    char *dir = g_build_filename(root, "mimekit/tnef", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    unsigned n = 0;
    ck_assert_ptr_nonnull(d);
    while ((name = g_dir_read_name(d))) {
        if (!g_str_has_suffix(name, ".tnef"))
            continue;
        path = g_build_filename(dir, name, NULL);
        items = read_file_as(path, 1, &info, &ok, &why);
        ck_assert_msg(ok, "%s: %s", name, why);
        ck_assert_uint_eq(items->len, 1);
        it = items->pdata[0];
        m = parse(it->data);
        ck_assert_msg(m != NULL, "%s does not parse", name);
        g_object_unref(m);
        g_ptr_array_free(items, TRUE);
        g_free(why);
        g_free(path);
        n++;
    }
    g_dir_close(d);
    g_free(dir);
    ck_assert_uint_ge(n, 19);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 6. in the walker                                                    */
/* ------------------------------------------------------------------ */

/* A PST on disk and the same PST inside a zip: every folder is a source
 * under the store, every item a message whose offset is its identifier;
 * the two copies give the same messages (one identity, two occurrences);
 * the recovered item lies in a pst-recovered source; show prints the
 * folder path and the item. */
START_TEST(scan_pst_on_disk_and_in_zip)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: scan_pst_on_disk_and_in_zip skipped (passes)\n");
        return;
    }
    char *src = g_build_filename(root, "pst/tika/testPST.pst", NULL);
    gchar *buf = NULL;
    gsize len = 0;
    ck_assert(g_file_get_contents(src, &buf, &len, NULL));
    char *tmp = tl_test_tmpdir();
    char *pst = g_build_filename(tmp, "ev", "mail.pst", NULL);
    char *zip = g_build_filename(tmp, "ev", "copy.zip", NULL);
    char *db = g_build_filename(tmp, "f.db", NULL);
    tl_test_write(pst, buf, len);
    GByteArray *data = g_byte_array_new_take((guint8 *)buf, len);
    const char *names[] = { "backup/mail.pst" };
    const GByteArray *datas[] = { data };
    tl_test_archive(zip, "zip", 1, names, datas);
    char *ev = g_build_filename(tmp, "ev", NULL);
    tl_test_scan(db, 2, NULL, ev, NULL);

    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'pst'"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'pst' AND status = 'ok'"
                                     " AND format = 'pst 64-bit (Unicode)' AND n_messages = 8"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'pst-folder' AND n_messages = 7"
                                     " AND path LIKE '%%!/Début du fichier de données Outlook'"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'pst-folder' AND member ="
                                     " '/Début du fichier de données Outlook' AND path LIKE '%%copy.zip!/backup/mail.pst!/%%'"), 1);
    /* Seven e-mails and a recovered item, each found twice. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages"), 8);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences"), 16);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages m WHERE (SELECT count(*) FROM occurrences o"
                                     " WHERE o.message_id = m.id) = 2"), 8);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences WHERE offset = 2097188 AND position = 0"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM occurrences o JOIN sources s ON s.id = o.source_id"
                                     " WHERE s.kind = 'pst-recovered'"), 2);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject = 'FW: First email'"
                                     " AND message_id = '2915856a7d3449e68529f3e61b8d26bc@pf.gov.br'"), 1);
    /* Nothing is left as unsupported, and no read error. */
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors WHERE grade != 'warn'"), 0);

    char *key = tl_test_str(db, "SELECT sha256 FROM messages WHERE subject = 'FW: First email'");
    char *outp = g_build_filename(tmp, "show.txt", NULL);
    FILE *out = fopen(outp, "w");
    char *msg = NULL;
    ck_assert_int_eq(tl_show(db, key, out, &msg), TL_OK);
    fclose(out);
    gchar *shown = NULL;
    ck_assert(g_file_get_contents(outp, &shown, NULL, NULL));
    ck_assert_msg(strstr(shown, "mail.pst!/Début du fichier de données Outlook  Outlook item 2097380 (position 6"),
                  "%s", shown);
    ck_assert_msg(strstr(shown, "copy.zip!/backup/mail.pst!/Début du fichier de données Outlook  Outlook item 2097380"),
                  "%s", shown);
    g_free(shown);
    g_free(outp);
    g_free(key);
    g_byte_array_free(data, TRUE);
    tl_test_rmtree(tmp);
    g_free(tmp), g_free(pst), g_free(zip), g_free(db), g_free(ev), g_free(src);
}
END_TEST

/* The password-flagged store is read and says so; .msg and TNEF files
 * are one message each. */
START_TEST(scan_flags_msg_tnef)
{
    const char *root = tl_test_corpora();
    if (!root) {
        fprintf(stderr, "note: ../shared/corpora absent: scan_flags_msg_tnef skipped (passes)\n");
        return;
    }
    char *tmp = tl_test_tmpdir();
    char *db = g_build_filename(tmp, "f.db", NULL);
    char *a = g_build_filename(root, "pst/java-libpst/passworded.pst", NULL);
    char *b = g_build_filename(root, "tika/microsoft-module/testMSG_att_msg.msg", NULL);
    char *c = g_build_filename(root, "tika/microsoft-module/testWINMAIL.dat", NULL);
    tl_test_scan(db, 1, NULL, a, b, c, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'pst' AND format LIKE"
                                     " '%%password checksum set%%' AND n_messages = 3"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'outlook-msg' AND n_messages = 1"
                                     " AND status = 'ok'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM sources WHERE kind = 'tnef' AND n_messages = 1"
                                     " AND status = 'ok'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject = 'test email'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM messages WHERE subject = 'This is a test message'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM errors"), 0);
    tl_test_rmtree(tmp);
    g_free(tmp), g_free(db), g_free(a), g_free(b), g_free(c);
}
END_TEST

Suite *
suite_outlook(void)
{
    Suite *s = suite_create("outlook");
    TCase *tc = tcase_create("outlook");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, pst_vs_readpst);
    tcase_add_test(tc, pst_items_and_flags);
    tcase_add_test(tc, pst_built_headers);
    tcase_add_test(tc, pst_bodies);
    tcase_add_test(tc, pst_deterministic);
    tcase_add_test(tc, pst_truncated);
    tcase_add_test(tc, pst_damaged_middle);
    tcase_add_test(tc, msg_files);
    tcase_add_test(tc, msg_not_outlook);
    tcase_add_test(tc, msg_header_lies);
    tcase_add_test(tc, tnef_files);
    tcase_add_test(tc, scan_pst_on_disk_and_in_zip);
    tcase_add_test(tc, scan_flags_msg_tnef);
    suite_add_tcase(s, tc);
    return s;
}
