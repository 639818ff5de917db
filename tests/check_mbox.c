/*
 * check_mbox.c - the streaming mbox splitter: separators, quoting styles,
 * exact offsets whatever the block size, the size limit.
 */
#include <string.h>

#include "tl_test.h"

typedef struct {
    GPtrArray *data;        /* GByteArray* per message (NULL when dropped) */
    GArray *offsets;        /* uint64_t */
    GArray *lens;           /* size_t */
    GPtrArray *markers;     /* char* */
} collected;

static int
collect(const tl_mbox_msg *m, void *ud)
{
    collected *c = ud;
    GByteArray *b = NULL;
    if (m->data) {
        b = g_byte_array_new();
        g_byte_array_append(b, m->data, (guint)m->len);
    }
    g_ptr_array_add(c->data, b);
    g_array_append_val(c->offsets, m->offset);
    size_t len = m->len;
    g_array_append_val(c->lens, len);
    g_ptr_array_add(c->markers, g_strdup(m->marker));
    return 0;
}

static void
collected_free(collected *c)
{
    for (guint i = 0; i < c->data->len; i++)
        if (c->data->pdata[i])
            g_byte_array_free(c->data->pdata[i], TRUE);
    g_ptr_array_free(c->data, TRUE);
    g_array_free(c->offsets, TRUE);
    g_array_free(c->lens, TRUE);
    g_ptr_array_free(c->markers, TRUE);
    g_free(c);
}

/* Splits text fed in blocks of `block` bytes. */
static collected *
split(const char *text, size_t len, size_t block, uint64_t max)
{
    collected *c = g_new0(collected, 1);
    c->data = g_ptr_array_new();
    c->offsets = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    c->lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    c->markers = g_ptr_array_new_with_free_func(g_free);
    tl_mbox *m = tl_mbox_new(0, max, collect, c);
    for (size_t i = 0; i < len; i += block)
        ck_assert_int_eq(tl_mbox_feed(m, (const uint8_t *)text + i, MIN(block, len - i)), 0);
    ck_assert_int_eq(tl_mbox_finish(m), 0);
    ck_assert_uint_eq(tl_mbox_count(m), c->data->len);
    tl_mbox_free(m);
    return c;
}

static const char *
msg_text(collected *c, guint i)
{
    GByteArray *b = c->data->pdata[i];
    g_byte_array_append(b, (const guint8 *)"", 1);
    g_byte_array_set_size(b, b->len - 1);
    return (const char *)b->data;
}

static const char mboxo[] =
    "From alice@example.com Mon Jan  1 00:00:00 2001\n"
    "From: alice@example.com\nTo: bob@army.ml\nSubject: one\n\nbody one\n>From quoted\n"
    "From inside a paragraph is not a separator\n\n"
    "From bob@example.com  Tue Jan  2 00:00:00 2001\n"
    "From: bob@example.com\nSubject: two\n\nbody two\n";

/* Regression (fuzz_mbox, UBSan): finishing a splitter that was fed
 * nothing did pointer arithmetic on its NULL buffer. */
static int
count_msg(const tl_mbox_msg *m, void *data)
{
    (void)m;
    (*(int *)data)++;
    return 0;
}

START_TEST(test_regress_empty_input_null_pointer_offset)
{
    int n = 0;
    tl_mbox *m = tl_mbox_new(0, 4096, count_msg, &n);
    ck_assert_int_eq(tl_mbox_finish(m), 0);
    ck_assert_int_eq(n, 0);
    tl_mbox_free(m);
}
END_TEST

/* Regression (fuzz_mbox): junk before the first From_ line, over the
 * size limit, was reported twice (as junk and as an oversized message,
 * overlapping). */
typedef struct {
    int n, preambles, oversized;
    uint64_t end;
    int overlap;
} extents;

static int
on_extent(const tl_mbox_msg *m, void *data)
{
    extents *x = data;
    x->n++;
    x->preambles += m->preamble;
    x->oversized += m->oversized;
    x->overlap |= m->offset < x->end;
    x->end = m->offset + m->len;
    return 0;
}

START_TEST(test_regress_oversized_preamble_reported_twice)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < 400; i++)
        g_string_append(s, "junk junk junk junk\r\n");
    size_t junk = s->len;
    g_string_append(s, "\nFrom a@b Mon Jan  1 00:00:00 2001\nFrom: a@example.org\nTo: b@army.ml\n\nx\n");
    for (size_t block = 1; block < 5000; block += 997) {
        extents x = { 0 };
        tl_mbox *m = tl_mbox_new(0, 4096, on_extent, &x);
        for (size_t off = 0; off < s->len; off += block)
            tl_mbox_feed(m, (const uint8_t *)s->str + off, MIN(block, s->len - off));
        tl_mbox_finish(m);
        tl_mbox_free(m);
        ck_assert_int_eq(x.n, 2);
        ck_assert_int_eq(x.preambles, 1);
        ck_assert_int_eq(x.oversized, 0);
        ck_assert(!x.overlap);
        ck_assert_uint_ge(x.end, junk);
    }
    g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_split_mboxo)
{
    collected *c = split(mboxo, strlen(mboxo), 1 << 20, 0);
    ck_assert_uint_eq(c->data->len, 2);
    ck_assert_str_eq(c->markers->pdata[0], "From alice@example.com Mon Jan  1 00:00:00 2001");
    ck_assert_str_eq(c->markers->pdata[1], "From bob@example.com  Tue Jan  2 00:00:00 2001");
    /* The separating blank line is not part of message one; >From stays. */
    ck_assert_str_eq(msg_text(c, 0), "From: alice@example.com\nTo: bob@army.ml\nSubject: one\n\nbody one\n"
                                     ">From quoted\nFrom inside a paragraph is not a separator\n");
    ck_assert_str_eq(msg_text(c, 1), "From: bob@example.com\nSubject: two\n\nbody two\n");
    /* Offsets point at the message bytes in the container. */
    for (guint i = 0; i < 2; i++) {
        uint64_t off = g_array_index(c->offsets, uint64_t, i);
        ck_assert(memcmp(mboxo + off, msg_text(c, i), g_array_index(c->lens, size_t, i)) == 0);
    }
    collected_free(c);
}
END_TEST

/* The same offsets and bytes whatever the block size, down to 1 byte. */
START_TEST(test_block_size_invariance)
{
    collected *ref = split(mboxo, strlen(mboxo), 1 << 20, 0);
    size_t blocks[] = { 1, 2, 5, 6, 7, 13, 64 };
    for (size_t b = 0; b < G_N_ELEMENTS(blocks); b++) {
        collected *c = split(mboxo, strlen(mboxo), blocks[b], 0);
        ck_assert_uint_eq(c->data->len, ref->data->len);
        for (guint i = 0; i < c->data->len; i++) {
            ck_assert_uint_eq(g_array_index(c->offsets, uint64_t, i), g_array_index(ref->offsets, uint64_t, i));
            ck_assert_str_eq(msg_text(c, i), msg_text(ref, i));
            ck_assert_str_eq(c->markers->pdata[i], ref->markers->pdata[i]);
        }
        collected_free(c);
    }
    collected_free(ref);
}
END_TEST

START_TEST(test_separator_styles)
{
    const char *text =
        "From - Fri Aug 24 11:55:47 2018\r\nSubject: crlf\r\n\r\nx\r\n\r\n"
        "From \"notifications@github.com\" Mon Apr 26 20:52:54 2021\r\nSubject: readpst\r\n\r\ny\r\n\r\n"
        "From 1677392929925121@xxx Thu Feb 23 17:40:55 +0000 2023\r\nSubject: takeout\r\n\r\nz\r\n\r\n"
        "From \r\nSubject: bare\r\n\r\nw\r\n";
    collected *c = split(text, strlen(text), 3, 0);
    ck_assert_uint_eq(c->data->len, 4);
    ck_assert_str_eq(c->markers->pdata[1], "From \"notifications@github.com\" Mon Apr 26 20:52:54 2021");
    ck_assert_str_eq(c->markers->pdata[2], "From 1677392929925121@xxx Thu Feb 23 17:40:55 +0000 2023");
    ck_assert_str_eq(c->markers->pdata[3], "From ");
    ck_assert_str_eq(msg_text(c, 0), "Subject: crlf\r\n\r\nx\r\n");
    ck_assert_str_eq(msg_text(c, 3), "Subject: bare\r\n\r\nw\r\n");
    collected_free(c);
}
END_TEST

/* What makes a "From " line a separator: after a blank line, a header
 * block (or an envelope and a blank line) must follow; without a blank line
 * before it, it must look like an envelope AND a header block must follow. */
START_TEST(test_separator_rules)
{
    const char *text =
        "From a Mon Jan  2 10:00:00 2023\nSubject: one\n\npara\nFrom here on\n\nFrom Russia with love\nmore\n\n"
        "From git\n"
        "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\nFrom: dev@example.org\n\npatch\n"
        "From b Tue Jan  3 10:00:00 2023\nSubject: two (no blank line before it)\n\nx\n"
        "From  :<tst1@example.com>\nSubject: not an envelope\n\n"
        "From c Wed Jan  4 10:00:00 2023\n\nenvelope only\n\n"
        "From d\nTo: e@f.example\n\nlast\n";
    size_t blocks[] = { 1, 9, 4096, 1 << 20 };
    for (size_t b = 0; b < G_N_ELEMENTS(blocks); b++) {
        collected *c = split(text, strlen(text), blocks[b], 0);
        ck_assert_uint_eq(c->data->len, 4);
        ck_assert_str_eq(msg_text(c, 0), "Subject: one\n\npara\nFrom here on\n\nFrom Russia with love\nmore\n\n"
                                         "From git\n"
                                         "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n"
                                         "From: dev@example.org\n\npatch\n");
        ck_assert_str_eq(c->markers->pdata[1], "From b Tue Jan  3 10:00:00 2023");
        ck_assert_str_eq(msg_text(c, 1), "Subject: two (no blank line before it)\n\nx\n"
                                         "From  :<tst1@example.com>\nSubject: not an envelope\n");
        ck_assert_str_eq(msg_text(c, 2), "\nenvelope only\n");
        ck_assert_str_eq(msg_text(c, 3), "To: e@f.example\n\nlast\n");
        collected_free(c);
    }
}
END_TEST

/* A message over the limit is reported with its extent and dropped; the
 * messages around it are intact. */
START_TEST(test_oversized)
{
    GString *s = g_string_new("From a\nSubject: small\n\nok\n\nFrom b\nSubject: big\n\n");
    size_t big_start = strlen("From a\nSubject: small\n\nok\n\n");
    for (int i = 0; i < 5000; i++)
        g_string_append(s, "0123456789abcdef0123456789abcdef\n");
    size_t big_end = s->len + 1;
    g_string_append(s, "\nFrom c\nSubject: after\n\nfine\n");
    collected *c = split(s->str, s->len, 4096, 10000);
    ck_assert_uint_eq(c->data->len, 3);
    ck_assert_ptr_null(c->data->pdata[1]);
    ck_assert_uint_eq(g_array_index(c->offsets, uint64_t, 1), big_start);
    ck_assert_uint_eq(g_array_index(c->lens, size_t, 1), big_end - big_start);
    ck_assert_str_eq(c->markers->pdata[1], "From b");
    ck_assert_str_eq(msg_text(c, 2), "Subject: after\n\nfine\n");
    ck_assert_str_eq(msg_text(c, 0), "Subject: small\n\nok\n");
    collected_free(c);
    g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_no_final_newline_and_base)
{
    const char *text = "From a\nSubject: s\n\nlast line without newline";
    collected *c = g_new0(collected, 1);
    c->data = g_ptr_array_new();
    c->offsets = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    c->lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    c->markers = g_ptr_array_new_with_free_func(g_free);
    tl_mbox *m = tl_mbox_new(3, 0, collect, c);     /* as after a BOM */
    tl_mbox_feed(m, (const uint8_t *)text, strlen(text));
    tl_mbox_finish(m);
    tl_mbox_free(m);
    ck_assert_uint_eq(c->data->len, 1);
    ck_assert_uint_eq(g_array_index(c->offsets, uint64_t, 0), 3 + strlen("From a\n"));
    ck_assert_str_eq(msg_text(c, 0), "Subject: s\n\nlast line without newline");
    collected_free(c);
}
END_TEST

/* Bytes before the first From_ line come out as a preamble, and the first
 * From_ line needs no blank line before it. */
START_TEST(test_preamble)
{
    const char *text = "message offsets: 0, 526\nheader offsets: 8, 216\nFrom - \nSubject: a\n\nx\n\nFrom - \nSubject: b\n\ny\n";
    collected *c = g_new0(collected, 1);
    c->data = g_ptr_array_new();
    c->offsets = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    c->lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    c->markers = g_ptr_array_new_with_free_func(g_free);
    tl_mbox *m = tl_mbox_new(0, 0, collect, c);
    for (size_t i = 0; i < strlen(text); i += 3)
        tl_mbox_feed(m, (const uint8_t *)text + i, MIN(3, strlen(text) - i));
    tl_mbox_finish(m);
    ck_assert_uint_eq(tl_mbox_count(m), 2);       /* the preamble is not counted */
    tl_mbox_free(m);
    ck_assert_uint_eq(c->data->len, 3);
    ck_assert_ptr_null(c->markers->pdata[0]);
    ck_assert_uint_eq(g_array_index(c->lens, size_t, 0), strlen("message offsets: 0, 526\nheader offsets: 8, 216\n"));
    ck_assert_str_eq(msg_text(c, 1), "Subject: a\n\nx\n");
    ck_assert_str_eq(msg_text(c, 2), "Subject: b\n\ny\n");
    collected_free(c);
}
END_TEST

/* mboxcl2: a Content-Length that lands on a blank line and a From_ line
 * wins over an unquoted forwarded message in the body; a wrong one is
 * ignored. */
START_TEST(test_content_length)
{
    const char *body = "see below\n\nFrom fwd@example.org Mon Jan  1 00:00:00 2001\nTo: y@example.com\n\nold\n";
    char *text = g_strdup_printf("From a Mon Jan  2 10:00:00 2023\nSubject: one\nContent-Length: %zu\n\n%s\n"
                                 "From b Mon Jan  2 10:00:00 2023\nSubject: two\nContent-Length: 999\n\nx\n\n"
                                 "From c Mon Jan  2 10:00:00 2023\nSubject: three\nContent-Length: 5\n\nlast\n\n",
                                 strlen(body), body);
    size_t blocks[] = { 1, 7, 1 << 20 };
    for (size_t b = 0; b < G_N_ELEMENTS(blocks); b++) {
        collected *c = split(text, strlen(text), blocks[b], 0);
        ck_assert_uint_eq(c->data->len, 3);
        char *want = g_strdup_printf("Subject: one\nContent-Length: %zu\n\n%s", strlen(body), body);
        ck_assert_str_eq(msg_text(c, 0), want);
        g_free(want);
        ck_assert_str_eq(msg_text(c, 1), "Subject: two\nContent-Length: 999\n\nx\n");
        ck_assert_str_eq(msg_text(c, 2), "Subject: three\nContent-Length: 5\n\nlast\n");
        collected_free(c);
    }
    /* Without the header, the forwarded message splits the first one. */
    char *plain = g_strdup_printf("From a Mon Jan  2 10:00:00 2023\nSubject: one\n\n%s", body);
    collected *c = split(plain, strlen(plain), 1 << 20, 0);
    ck_assert_uint_eq(c->data->len, 2);
    collected_free(c);
    g_free(plain);
    g_free(text);
}
END_TEST

/* A splitter client that keeps each message's chunk, as the pipeline's
 * jobs do, with a copy of the bytes to compare later. */
#define KEPT_MAX 4096
typedef struct {
    GPtrArray *borrowed;    /* tl_chunk* per message, NULL once released */
    GPtrArray *copies;      /* the message's bytes when cut, NUL-ended */
    const uint8_t *data[KEPT_MAX];
} kept;

static int
keep_message(const tl_mbox_msg *msg, void *ud)
{
    kept *k = ud;
    if (!msg->data || k->borrowed->len >= KEPT_MAX)
        return 0;
    k->data[k->borrowed->len] = msg->data;
    g_ptr_array_add(k->borrowed, tl_chunk_ref(msg->chunk));
    g_ptr_array_add(k->copies, g_strndup((const char *)msg->data, msg->len));
    return 0;
}

/* Messages that keep their chunk while the splitter goes on (as jobs in
 * flight do) read the same bytes at the end as when cut, while the
 * splitter moves on to new chunks and half the messages are done with. */
START_TEST(test_borrowed_chunks)
{
    GString *mb = g_string_new(NULL);
    for (int i = 0; mb->len < (20u << 20); i++) {   /* several of the splitter's 4 MiB chunks */
        g_string_append_printf(mb, "From a Mon Jan  2 10:00:00 2023\nSubject: %d\n\n", i);
        for (int k = 0; k < 200 + i % 3000; k++)
            g_string_append_printf(mb, "line %d of message %d\n", k, i);
        g_string_append_c(mb, '\n');
    }
    static kept k;
    k.borrowed = g_ptr_array_new();
    k.copies = g_ptr_array_new_with_free_func(g_free);
    tl_mbox *m = tl_mbox_new(0, 0, keep_message, &k);
    for (size_t off = 0; off < mb->len; off += 1 << 20) {
        size_t n = MIN((size_t)1 << 20, mb->len - off);
        memcpy(tl_mbox_reserve(m, n), mb->str + off, n);
        tl_mbox_commit(m, n);
        /* half of the messages are done with at once, as a worker would */
        for (guint i = 0; i < k.borrowed->len; i += 2)
            if (k.borrowed->pdata[i]) {
                tl_chunk_unref(k.borrowed->pdata[i]);
                k.borrowed->pdata[i] = NULL;
            }
    }
    tl_mbox_finish(m);
    tl_mbox_free(m);
    ck_assert_uint_gt(k.borrowed->len, 100);
    for (guint i = 0; i < k.borrowed->len; i++) {
        tl_chunk *ch = k.borrowed->pdata[i];
        if (!ch)
            continue;
        const char *want = k.copies->pdata[i];
        ck_assert_int_eq(memcmp(k.data[i], want, strlen(want)), 0);
        tl_chunk_unref(ch);
    }
    g_ptr_array_free(k.borrowed, TRUE);
    g_ptr_array_free(k.copies, TRUE);
    g_string_free(mb, TRUE);
}
END_TEST

Suite *
suite_mbox(void)
{
    Suite *s = suite_create("mbox");
    TCase *tc = tcase_create("split");
    tcase_add_test(tc, test_split_mboxo);
    tcase_add_test(tc, test_block_size_invariance);
    tcase_add_test(tc, test_separator_styles);
    tcase_add_test(tc, test_separator_rules);
    tcase_add_test(tc, test_oversized);
    tcase_add_test(tc, test_no_final_newline_and_base);
    tcase_add_test(tc, test_preamble);
    tcase_add_test(tc, test_content_length);
    tcase_add_test(tc, test_borrowed_chunks);
    tcase_add_test(tc, test_regress_empty_input_null_pointer_offset);
    tcase_add_test(tc, test_regress_oversized_preamble_reported_twice);
    suite_add_tcase(s, tc);
    return s;
}
