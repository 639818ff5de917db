/*
 * check_text.c - the text of every part: decoding, charsets, HTML to
 * visible text, normalisation with its offset map, attached messages,
 * text attachments, quoted replies and limits.  Messages are parsed by the
 * real GMime from the bytes written here.
 */
#include <gmime/gmime.h>
#include <string.h>

#include "tl_test.h"

static GMimeMessage *
parse(const char *raw)
{
    tl_library_init();
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(raw, strlen(raw));
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
    g_object_unref(p);
    g_object_unref(s);
    ck_assert(m != NULL);
    return m;
}

static GPtrArray *
extract(const char *raw, GPtrArray **anomalies, const tl_text_limits *lim)
{
    tl_text_limits def;
    tl_text_limits_init(&def);
    GMimeMessage *m = parse(raw);
    *anomalies = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *parts = tl_text_extract(m, lim ? lim : &def, *anomalies);
    g_object_unref(m);
    return parts;
}

static const tl_text_part *
part_at(GPtrArray *parts, const char *path)
{
    for (guint i = 0; i < parts->len; i++) {
        const tl_text_part *t = parts->pdata[i];
        if (strcmp(t->path, path) == 0)
            return t;
    }
    ck_abort_msg("no text part %s", path);
    return NULL;
}

START_TEST(test_multipart_paths_and_charsets)
{
    const char *raw =
        "From: a@example.org\nTo: b@army.ml\nSubject: s\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=OUT\n\n"
        "--OUT\nContent-Type: multipart/alternative; boundary=IN\n\n"
        "--IN\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
        "Caf=E9 roster attached\n"
        "--IN\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        "PGh0bWw+PGJvZHk+PHA+SGVsbG88L3A+PC9ib2R5PjwvaHRtbD4=\n"
        "--IN--\n"
        "--OUT\nContent-Type: application/octet-stream; name=roster.csv\n"
        "Content-Disposition: attachment; filename=roster.csv\nContent-Transfer-Encoding: base64\n\n"
        "bmFtZSxyYW5rCkRPRSxTR1QK\n"
        "--OUT\nContent-Type: image/png; name=a.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
        "--OUT--\n";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    ck_assert_uint_eq(parts->len, 3);       /* the image is not text */
    const tl_text_part *p = part_at(parts, "1.1");
    ck_assert_str_eq(p->text, "Caf\xc3\xa9 roster attached");
    ck_assert_str_eq(p->charset, "iso-8859-1");
    p = part_at(parts, "1.2");
    ck_assert(p->html);
    ck_assert_msg(strstr(p->text, "Hello") != NULL && !strstr(p->text, "<p>"), "html text: %s", p->text);
    p = part_at(parts, "2");
    ck_assert_str_eq(p->filename, "roster.csv");
    /* CSV rows reach the detectors as tab-separated rows (issue 11), each
     * byte mapped back to the decoded CSV. */
    ck_assert_str_eq(p->text, "name\trank\nDOE\tSGT\n");
    ck_assert_uint_eq(p->map[p->len - 4], 14);     /* the S of SGT */
    ck_assert_uint_eq(an->len, 0);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

/* A CSV cell rewritten as a tab-separated cell keeps each byte's place:
 * a value found whole in its raw span maps byte for byte (after leading
 * blanks, inside quotes), one that unquoting changed maps to its cell's
 * start. */
START_TEST(test_csv_cell_places)
{
    const char *raw = "From: a@example.org\nContent-Type: text/csv\n\n"
                      "name,note\n  DOE ,\"say \"\"hi\"\"\"\n\"x, y\", x\n";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    const tl_text_part *p = part_at(parts, "1");
    ck_assert_str_eq(p->text, "name\tnote\nDOE\tsay \"hi\"\nx, y\tx\n");
    /* DOE at 12 of the CSV; say "hi", unquoted: all at its cell's start,
     * 17; x, y inside its quotes at 31; the x after ", " at 38 */
    static const guint32 want[][2] = { { 10, 12 }, { 12, 14 }, { 14, 17 }, { 21, 17 }, { 23, 31 }, { 26, 34 }, { 28, 38 } };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
        ck_assert_msg(p->map[want[i][0]] == want[i][1], "byte %u maps to %u, not %u", want[i][0], p->map[want[i][0]],
                      want[i][1]);
    ck_assert_uint_eq(p->tables->len, 1);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

START_TEST(test_html_structure)
{
    const char *raw =
        "From: a@example.org\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><head><title>t</title><style>p{color:red}</style>"
        "<script type=\"application/ld+json\">{\"@type\":\"FlightReservation\"}</script>"
        "<script>var secret=1;</script></head><body>"
        "<div>Itinerary</div><table><tr><th>Name</th><th>Room</th></tr>"
        "<tr><td>DOE</td><td>412</td></tr></table>"
        "<img src=x alt=\"passport scan\"><p>end&nbsp;here</p></body></html>\n";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    const tl_text_part *p = part_at(parts, "1");
    ck_assert_msg(strstr(p->text, "Name\tRoom\n") != NULL, "header row: [%s]", p->text);
    ck_assert_msg(strstr(p->text, "DOE\t412\n") != NULL, "data row: [%s]", p->text);
    ck_assert_msg(strstr(p->text, "Itinerary\n") != NULL, "%s", p->text);
    ck_assert_msg(strstr(p->text, "end here") != NULL, "nbsp folded: %s", p->text);
    ck_assert(!strstr(p->text, "color") && !strstr(p->text, "secret") && !strstr(p->text, "FlightReservation"));
    ck_assert(p->jsonld && strstr(p->jsonld, "\"FlightReservation\""));
    ck_assert(p->attr_text && strstr(p->attr_text, "passport scan"));
    ck_assert_ptr_null(p->microdata);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

/* Microdata: scopes with their types, properties from attributes and from
 * element text, nested scopes named by their property. */
START_TEST(test_html_microdata)
{
    const char *raw =
        "From: a@example.org\nContent-Type: text/html; charset=utf-8\n\n"
        "<div itemscope itemtype=\"http://schema.org/LodgingReservation\">"
        "<meta itemprop=\"reservationNumber\" content=\"K7Q2X\"/>"
        "<p>Guest: <span itemprop=\"underName\">Jane <b>Roe</b></span></p>"
        "<div itemprop=\"reservationFor\" itemscope itemtype=\"http://schema.org/LodgingBusiness\">"
        "<span itemprop=\"name\">Hotel Example</span></div>"
        "<time itemprop=\"checkinTime\" datetime=\"2023-05-16T15:00\">16 May</time>"
        "</div><p>unclosed <span itemprop=\"note\">left open";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    const tl_text_part *p = part_at(parts, "1");
    ck_assert_str_eq(p->microdata, "itemscope http://schema.org/LodgingReservation\n"
                                   "reservationNumber=K7Q2X\n"
                                   "underName=Jane Roe\n"
                                   "reservationFor: itemscope http://schema.org/LodgingBusiness\n"
                                   "name=Hotel Example\n"
                                   "checkinTime=2023-05-16T15:00\n"
                                   "note=left open\n");
    ck_assert_msg(strstr(p->text, "Guest: Jane Roe") != NULL, "%s", p->text);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

START_TEST(test_normalise_map)
{
    /* zero-width space inside digits, soft hyphen, en dash, fullwidth
     * digits, NBSP, a decomposed e + combining acute */
    const char *in = "7\xe2\x80\x8b" "45\xc2\xad" "22\xe2\x80\x93" "\xef\xbc\x91\xef\xbc\x92\xc2\xa0" "e\xcc\x81!";
    char *out;
    guint32 *map;
    size_t len;
    tl_text_normalise(in, strlen(in), &out, &map, &len);
    ck_assert_str_eq(out, "74522-12 \xc3\xa9!");
    ck_assert_uint_eq(len, strlen(out));
    ck_assert_uint_eq(map[0], 0);           /* '7' */
    ck_assert_uint_eq(map[1], 4);           /* '4' after the 3-byte ZWSP */
    ck_assert_uint_eq(map[5], 10);          /* '-' from the en dash at byte 10 */
    ck_assert_uint_eq(map[6], 13);          /* fullwidth 1 */
    ck_assert_uint_eq(map[7], 16);          /* fullwidth 2 */
    ck_assert_uint_eq(map[8], 19);          /* NBSP */
    ck_assert_uint_eq(map[9], 21);          /* both bytes of the composed e-acute map to the e */
    ck_assert_uint_eq(map[10], 21);
    ck_assert_uint_eq(map[11], 24);         /* '!' */
    ck_assert_uint_eq(map[len], strlen(in));
    g_free(out);
    g_free(map);
    /* a combining mark after a run of ASCII joins the run's last letter */
    tl_text_normalise("cafe\xcc\x81 ok", 9, &out, &map, &len);
    ck_assert_str_eq(out, "caf\xc3\xa9 ok");
    ck_assert_uint_eq(map[2], 2);
    ck_assert_uint_eq(map[3], 3);
    ck_assert_uint_eq(map[4], 3);
    ck_assert_uint_eq(map[5], 6);
    g_free(out);
    g_free(map);
}
END_TEST

/* A character's NFKC form is remembered for the rest of the text: each
 * repeat, each character that takes its slot from another (U+00E9 and
 * U+0129 share one) and a form too long to remember (U+FDFA, 33 bytes)
 * give what g_utf8_normalize gives for that character alone, and every
 * byte of a form maps to its character. */
START_TEST(test_normalise_memo)
{
    static const char *const chars[] = { "\xc3\xa9", "\xc4\xa9", "\xef\xac\x81", "\xc2\xbd", "\xef\xb7\xba",
                                         "\xe2\x91\xa0", "\xc3\x9f", "\xe2\x80\x9c" };
    GString *in = g_string_new(NULL), *want = g_string_new(NULL);
    GArray *at = g_array_new(FALSE, FALSE, sizeof(guint32));
    GRand *r = g_rand_new_with_seed(3);
    for (int k = 0; k < 400; k++) {
        const char *c = chars[g_rand_int_range(r, 0, G_N_ELEMENTS(chars))];
        guint32 off = (guint32)in->len;
        g_string_append(in, c);
        char *nf = g_utf8_normalize(c, -1, G_NORMALIZE_NFKC);
        g_string_append(want, nf);
        for (size_t j = 0; j < strlen(nf); j++)
            g_array_append_val(at, off);
        g_free(nf);
        if (k % 3 == 0) {
            off = (guint32)in->len;
            g_string_append_c(in, 'x');
            g_string_append_c(want, 'x');
            g_array_append_val(at, off);
        }
    }
    char *out;
    guint32 *map;
    size_t len;
    tl_text_normalise(in->str, in->len, &out, &map, &len);
    ck_assert_str_eq(out, want->str);
    ck_assert_uint_eq(len, at->len);
    for (size_t j = 0; j < len; j++)
        ck_assert_uint_eq(map[j], g_array_index(at, guint32, j));
    ck_assert_uint_eq(map[len], in->len);
    g_free(out);
    g_free(map);
    g_rand_free(r);
    g_array_unref(at);
    g_string_free(in, TRUE);
    g_string_free(want, TRUE);
}
END_TEST

START_TEST(test_bad_charsets)
{
    /* undeclared 8-bit: windows-1252 fallback; a charset iconv does not
     * know: fallback and an anomaly; invalid UTF-8 declared as UTF-8:
     * fallback and an anomaly */
    const char *raw =
        "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
        "--B\nContent-Type: text/plain\n\nna\xefve \x93quoted\x94\n"
        "--B\nContent-Type: text/plain; charset=x-no-such-charset\n\nplain ascii\n"
        "--B\nContent-Type: text/plain; charset=utf-8\n\nbad \xff byte\n"
        "--B--\n";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    ck_assert_uint_eq(parts->len, 3);
    ck_assert_str_eq(part_at(parts, "1")->text, "na\xc3\xafve \xe2\x80\x9cquoted\xe2\x80\x9d");
    ck_assert_str_eq(part_at(parts, "2")->text, "plain ascii");
    ck_assert_str_eq(part_at(parts, "3")->text, "bad \xc3\xbf byte");
    for (guint i = 0; i < parts->len; i++) {
        const tl_text_part *p = parts->pdata[i];
        ck_assert(g_utf8_validate(p->text, (gssize)p->len, NULL));
    }
    ck_assert_uint_eq(an->len, 2);
    ck_assert_msg(strstr(an->pdata[0], "x-no-such-charset") != NULL, "%s", (char *)an->pdata[0]);
    ck_assert_msg(strstr(an->pdata[1], "part 3") != NULL, "%s", (char *)an->pdata[1]);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

/* A declared charset with a few bad bytes is still converted: the bad
 * bytes become U+FFFD and the message gets an anomaly; stateful charsets
 * (ISO-2022-JP) convert whole. */
START_TEST(test_lossy_conversion)
{
    const char *raw =
        "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
        "--B\nContent-Type: text/plain; charset=big5\n\n\xa4\xa4\xa4\xe5 \xff ok\n"
        "--B\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B$3$s\x1b(B end\n"
        "--B--\n";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    ck_assert_str_eq(part_at(parts, "1")->text, "\xe4\xb8\xad\xe6\x96\x87 \xef\xbf\xbd ok");
    ck_assert_str_eq(part_at(parts, "1")->charset, "big5");
    ck_assert_str_eq(part_at(parts, "2")->text, "\xe3\x81\x93\xe3\x82\x93 end");
    ck_assert_uint_eq(an->len, 1);
    ck_assert_msg(strstr(an->pdata[0], "1 bytes not valid in declared charset big5") != NULL, "%s",
                  (char *)an->pdata[0]);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

START_TEST(test_attached_messages)
{
    const char *raw =
        "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
        "--B\nContent-Type: text/plain\n\nsee below\n"
        "--B\nContent-Type: message/rfc822\n\n"
        "From: c@example.org\nSubject: inner\nContent-Type: multipart/mixed; boundary=C\n\n"
        "--C\nContent-Type: text/plain\n\ninner body\n--C\nContent-Type: text/plain\n\ninner two\n--C--\n"
        "--B\nContent-Type: application/octet-stream; name=fwd.eml\nContent-Disposition: attachment; filename=fwd.eml\n\n"
        "From: d@example.org\nSubject: eml\n\neml body\n"
        "--B--\n";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    ck_assert_uint_eq(parts->len, 4);
    ck_assert_str_eq(part_at(parts, "2.1")->text, "inner body");
    ck_assert_str_eq(part_at(parts, "2.2")->text, "inner two");
    ck_assert_str_eq(part_at(parts, "3.1")->text, "eml body");
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

START_TEST(test_quoted)
{
    const char *raw =
        "From: a@example.org\n\nNew text here.\n> quoted line\nback to new\n"
        "\n-----Original Message-----\nFrom: x\nold roster\n";
    GPtrArray *an;
    GPtrArray *parts = extract(raw, &an, NULL);
    const tl_text_part *p = part_at(parts, "1");
    ck_assert(!tl_text_is_quoted(p, (size_t)(strstr(p->text, "New") - p->text)));
    ck_assert(tl_text_is_quoted(p, (size_t)(strstr(p->text, "quoted line") - p->text)));
    ck_assert(!tl_text_is_quoted(p, (size_t)(strstr(p->text, "back") - p->text)));
    ck_assert(tl_text_is_quoted(p, (size_t)(strstr(p->text, "old roster") - p->text)));
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);

    parts = extract("From: a@example.org\n\nYes.\n\nOn Mon, 1 May 2023, B <b@army.mil> wrote:\nold\n", &an, NULL);
    p = part_at(parts, "1");
    ck_assert(tl_text_is_quoted(p, (size_t)(strstr(p->text, "old") - p->text)));
    ck_assert(!tl_text_is_quoted(p, 0));
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
}
END_TEST

START_TEST(test_limits)
{
    GString *raw = g_string_new("From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n");
    for (int i = 0; i < 3; i++) {
        g_string_append(raw, "--B\nContent-Type: text/plain\n\n");
        for (int k = 0; k < 100; k++)
            g_string_append(raw, "0123456789");
        g_string_append_c(raw, '\n');
    }
    g_string_append(raw, "--B--\n");
    tl_text_limits lim;
    tl_text_limits_init(&lim);
    lim.max_part = 600;
    lim.max_total = 1000;
    GPtrArray *an;
    GPtrArray *parts = extract(raw->str, &an, &lim);
    ck_assert_uint_eq(parts->len, 2);
    ck_assert_uint_eq(part_at(parts, "1")->len, 600);
    ck_assert_uint_eq(part_at(parts, "2")->len, 400);
    ck_assert_uint_eq(an->len, 4);      /* 1 cut, 2 cut twice (part, total), 3 not read */
    ck_assert_msg(strstr(an->pdata[3], "part 3 not read") != NULL, "%s", (char *)an->pdata[3]);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
    g_string_free(raw, TRUE);
}
END_TEST

Suite *
suite_text(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("parts");
    tcase_add_test(tc, test_multipart_paths_and_charsets);
    tcase_add_test(tc, test_csv_cell_places);
    tcase_add_test(tc, test_html_structure);
    tcase_add_test(tc, test_html_microdata);
    tcase_add_test(tc, test_normalise_map);
    tcase_add_test(tc, test_normalise_memo);
    tcase_add_test(tc, test_bad_charsets);
    tcase_add_test(tc, test_lossy_conversion);
    tcase_add_test(tc, test_attached_messages);
    tcase_add_test(tc, test_quoted);
    tcase_add_test(tc, test_limits);
    suite_add_tcase(s, tc);
    return s;
}
