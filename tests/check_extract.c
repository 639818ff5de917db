/*
 * check_extract.c - the attachment extractors (parsers/extract/) on files
 * written by real programs: LibreOffice, python3 libraries, qpdf,
 * exiftool, zip, 7z, tar and Outlook (tests/fixtures/attach/make.sh).
 * Each format's text, tables and metadata; the same crew list in every
 * layout giving one table; hostile files (billion laughs, zip bomb,
 * truncated and encrypted PDFs) giving their status fast; every limit
 * reported.
 */
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/extract/ex_internal.h"
#include "parsers/extract/extract.h"
#include "tl_test.h"

#define FIX TL_SOURCE_DIR "/tests/fixtures/attach/"

static GBytes *
fixture(const char *name)
{
    char *path = g_strconcat(FIX, name, NULL), *data = NULL;
    gsize len = 0;
    ck_assert_msg(g_file_get_contents(path, &data, &len, NULL), "fixture %s", path);
    g_free(path);
    return g_bytes_new_take(data, len);
}

/* Extracts a fixture; *ms gets the wall time in milliseconds. */
static tl_extract_result *
ex_lim(const char *name, const char *declared, const tl_extract_limits *lim, double *ms)
{
    GBytes *b = fixture(name);
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(b, &n);
    gint64 t0 = g_get_monotonic_time();
    tl_extract_result *r = tl_extract(d, n, declared, name, 0, lim);
    if (ms)
        *ms = (double)(g_get_monotonic_time() - t0) / 1000.0;
    g_bytes_unref(b);
    return r;
}

static tl_extract_result *
ex(const char *name)
{
    return ex_lim(name, NULL, NULL, NULL);
}

static int
has_anomaly(const tl_extract_result *r, const char *part)
{
    for (guint i = 0; i < r->anomalies->len; i++)
        if (strstr(r->anomalies->pdata[i], part))
            return 1;
    return 0;
}

static const tl_extract_section *
section(const tl_extract_result *r, const char *name)
{
    for (guint i = 0; i < r->sections->len; i++) {
        const tl_extract_section *s = &g_array_index(r->sections, tl_extract_section, i);
        if (strcmp(s->name, name) == 0)
            return s;
    }
    ck_abort_msg("no section %s", name);
    return NULL;
}

/* Whether needle sits inside the named section of the text. */
static int
in_section(const tl_extract_result *r, const char *name, const char *needle)
{
    const tl_extract_section *s = section(r, name);
    return memmem(r->text->str + s->off, s->len, needle, strlen(needle)) != NULL;
}

static void
assert_text(const tl_extract_result *r, const char *needle)
{
    ck_assert_msg(strstr(r->text->str, needle) != NULL, "no \"%s\" in: %s", needle, r->text->str);
}

/* ------------------------------------------------------------------ */

START_TEST(test_sniff_types)
{
    static const struct {
        const char *file;
        tl_filetype t;
    } cases[] = {
        { "report.pdf", TL_FT_PDF }, { "memo.docx", TL_FT_DOCX }, { "crew.xlsx", TL_FT_XLSX },
        { "deck.pptx", TL_FT_PPTX }, { "memo.odt", TL_FT_ODT }, { "crew.ods", TL_FT_ODS },
        { "deck.odp", TL_FT_ODP }, { "memo.rtf", TL_FT_RTF }, { "winmail-rtf.dat", TL_FT_TNEF },
        { "invite.ics", TL_FT_ICS }, { "contacts.vcf", TL_FT_VCF }, { "crew.zip", TL_FT_ZIP },
        { "crew.7z", TL_FT_7Z }, { "nested.tar.gz", TL_FT_GZIP }, { "photo.jpg", TL_FT_JPEG },
        { "photo-xmp.png", TL_FT_PNG }, { "small.gif", TL_FT_GIF }, { "scan.tiff", TL_FT_TIFF },
        { "crew.csv", TL_FT_CSV }, { "crew-columns.txt", TL_FT_TEXT }, { "crew.html", TL_FT_HTML },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GBytes *b = fixture(cases[i].file);
        gsize n = 0;
        const guint8 *d = g_bytes_get_data(b, &n);
        ck_assert_msg(tl_sniff_type(d, n) == cases[i].t, "%s sniffed as %s", cases[i].file,
                      tl_filetype_name(tl_sniff_type(d, n)));
        g_bytes_unref(b);
    }
}
END_TEST

START_TEST(test_type_mismatch)
{
    /* A photo sent as a PDF named report.pdf: the bytes win. */
    GBytes *b = fixture("photo.jpg");
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(b, &n);
    tl_extract_result *r = tl_extract(d, n, "application/pdf", "report.pdf", 0, NULL);
    ck_assert_int_eq(r->type, TL_FT_JPEG);
    ck_assert(has_anomaly(r, "type mismatch: declared pdf, sniffed jpeg"));
    tl_extract_result_free(r);
    /* Generic declarations and text-like ones are no mismatch. */
    r = tl_extract(d, n, "application/octet-stream", "IMG_0001.JPG", 0, NULL);
    ck_assert_uint_eq(r->anomalies->len, 0);
    tl_extract_result_free(r);
    g_bytes_unref(b);
    r = ex_lim("crew.csv", "text/plain", NULL, NULL);
    ck_assert_uint_eq(r->anomalies->len, 0);
    tl_extract_result_free(r);
}
END_TEST

/* The HTML layout through libxml2's HTML parser into tl_table_from_rows,
 * as parsers/text.c would feed it. */
static tl_table *
html_table(const char *file)
{
    GBytes *b = fixture(file);
    gsize n = 0;
    const char *d = g_bytes_get_data(b, &n);
    htmlDocPtr doc = htmlReadMemory(d, (int)n, NULL, "utf-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR);
    GPtrArray *rows = g_ptr_array_new();
    GPtrArray *strings = g_ptr_array_new_with_free_func(g_free);
    xmlNodePtr stack[64];
    int sp = 0;
    stack[sp++] = xmlDocGetRootElement(doc);
    /* Depth-first: every tr, its th/td cells. */
    while (sp) {
        xmlNodePtr node = stack[--sp];
        for (xmlNodePtr c = node->last; c; c = c->prev)
            if (c->type == XML_ELEMENT_NODE && sp < 63)
                stack[sp++] = c;
        if (strcmp((const char *)node->name, "tr") != 0)
            continue;
        GPtrArray *row = g_ptr_array_new();
        for (xmlNodePtr c = node->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE) {
                char *v = (char *)xmlNodeGetContent(c);
                char *s = g_strdup(v);
                xmlFree(v);
                g_ptr_array_add(strings, s);
                g_ptr_array_add(row, s);
            }
        g_ptr_array_add(row, NULL);
        g_ptr_array_add(rows, g_ptr_array_free(row, FALSE));
    }
    g_ptr_array_add(rows, NULL);
    tl_table *t = tl_table_from_rows("html", (const char *const *const *)rows->pdata);
    for (guint i = 0; rows->pdata[i]; i++)
        g_free(rows->pdata[i]);
    g_ptr_array_free(rows, TRUE);
    g_ptr_array_unref(strings);
    xmlFreeDoc(doc);
    g_bytes_unref(b);
    return t;
}

START_TEST(test_crew_list_every_layout)
{
    static const char *const files[] = { "crew-tabs.txt", "crew-pipes.txt", "crew-columns.txt", "crew.csv",
                                         "crew.xlsx", "crew.ods", "crew.docx", "crew.odt" };
    tl_table *ref = html_table("crew.html");
    ck_assert(ref != NULL);
    ck_assert_uint_eq(ref->header->len, 4);
    ck_assert_uint_eq(ref->rows->len, 5);
    char *want = tl_table_dump(ref);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        tl_extract_result *r = ex(files[i]);
        ck_assert_msg(r->status == TL_EX_TEXT, "%s: %s", files[i], tl_extract_status_name(r->status));
        ck_assert_msg(r->tables->len == 1, "%s: %u tables", files[i], r->tables->len);
        tl_table *t = r->tables->pdata[0];
        char *got = tl_table_dump(t);
        ck_assert_msg(tl_table_equal(ref, t), "%s (%s):\n%s\nwanted:\n%s", files[i], t->source, got, want);
        g_free(got);
        /* Every cell's offset points at its value in the text. */
        for (guint k = 0; k < t->rows->len; k++) {
            GPtrArray *row = t->rows->pdata[k];
            for (guint j = 0; j < row->len; j++) {
                const tl_cell *c = row->pdata[j];
                ck_assert_msg(c->off + c->len <= r->text->len, "%s: cell past the text", files[i]);
                ck_assert_msg(memmem(r->text->str + c->off, c->len, c->text, strlen(c->text)) != NULL,
                              "%s: cell %s not at its offset", files[i], c->text);
            }
        }
        tl_extract_result_free(r);
    }
    g_free(want);
    tl_table_free(ref);
}
END_TEST

START_TEST(test_plain_text_tables)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(tl_table_free);
    /* Prose with a double space after a full stop is no table. */
    const char *prose = "We met at noon.  Then we left for the base.\nIt rained.  Nobody came back.\n";
    tl_tables_detect(prose, strlen(prose), out);
    ck_assert_uint_eq(out->len, 0);
    /* Tab-aligned lines with runs of tabs; an ASCII-art pipe table. */
    const char *tabs = "NAME\t\tRANK\nDOE, JOHN\tSGT\nROE, JANE\t\tSPC\n";
    tl_tables_detect(tabs, strlen(tabs), out);
    ck_assert_uint_eq(out->len, 1);
    char *d = tl_table_dump(out->pdata[0]);
    ck_assert_str_eq(d, "h: NAME|RANK\nr: DOE, JOHN|SGT\nr: ROE, JANE|SPC\n");
    g_free(d);
    const char *art = "+------+-----+\n| Name | Age |\n+------+-----+\n| Ann  | 41  |\n| Bob  | 37  |\n+------+-----+\n";
    tl_tables_detect(art, strlen(art), out);
    ck_assert_uint_eq(out->len, 2);
    d = tl_table_dump(out->pdata[1]);
    ck_assert_str_eq(d, "h: Name|Age\nr: Ann|41\nr: Bob|37\n");
    g_free(d);
    /* Columns with accents stay aligned (positions are characters). */
    const char *acc = "NOM          GRADE\nJos\xc3\xa9 Mart\xc3\xadn  SGT\nL\xc3\xa9" "a Dupont   CPL\n";
    tl_tables_detect(acc, strlen(acc), out);
    ck_assert_uint_eq(out->len, 3);
    d = tl_table_dump(out->pdata[2]);
    ck_assert_str_eq(d, "h: NOM|GRADE\nr: Jos\xc3\xa9 Mart\xc3\xadn|SGT\nr: L\xc3\xa9" "a Dupont|CPL\n");
    g_free(d);
    /* CSV quoting: separators, quotes and line ends inside quotes. */
    const char *csv = "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",3\n";
    tl_table *t = tl_table_parse_delimited(csv, strlen(csv), ',', 1000);
    d = tl_table_dump(t);
    ck_assert_str_eq(d, "h: a|b\nr: x, y|say \"hi\"\nr: two\nlines|3\n");
    g_free(d);
    tl_table_free(t);
    g_ptr_array_unref(out);
}
END_TEST

/* Which lines are table lines (tabs, pipes, a gap after text): the edge
 * cases of the per-line tests, which every line of every part goes
 * through, pinned to what they gave when they read a byte at a time. */
START_TEST(test_line_kinds)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "NAME  \nJOHN  \n", "" },                     /* trailing blanks are no gap */
        { "   NAME   RANK\n   DOE    SGT\n   ROE    SPC\n", "columns[h: NAME|RANK\nr: DOE|SGT\nr: ROE|SPC\n]" },
        { "a | b\nc | d\n", "" },                       /* one pipe: neither pipes nor gap */
        { "x | y | z\n a | b | c\n", "pipes[r: x|y|z\nr: a|b|c\n]" },
        { "|x|\n|y|\n", "" },
        { "AA   BB   \nCC   DD   \n", "columns[h: AA|BB\nr: CC|DD\n]" },
        { "A  B\nC | D\nE  F\nG  H\n", "columns[h: E|F\nr: G|H\n]" },
        { "  \n  \nA  B  C\nD  E  F\n", "columns[h: A|B|C\nr: D|E|F\n]" },
        { "ab\tcd\nef\tgh\n", "tabs[r: ab|cd\nr: ef|gh\n]" },
        { "one  two\r\nthree  four\r\n", "" },
        { "x  y\n", "" },
        { "A B  C\nD E  F\n", "columns[h: A B|C\nr: D E|F\n]" },
        { "\xc3\xa9\xc3\xa9  x\n\xc3\xa9  y\n", "" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GPtrArray *out = g_ptr_array_new_with_free_func(tl_table_free);
        tl_tables_detect(cases[i].in, strlen(cases[i].in), out);
        GString *got = g_string_new(NULL);
        for (guint k = 0; k < out->len; k++) {
            char *d = tl_table_dump(out->pdata[k]);
            g_string_append_printf(got, "%s[%s]", ((tl_table *)out->pdata[k])->source, d);
            g_free(d);
        }
        ck_assert_msg(strcmp(got->str, cases[i].want) == 0, "case %zu: %s, wanted %s", i, got->str, cases[i].want);
        g_string_free(got, TRUE);
        g_ptr_array_unref(out);
    }
    /* A cell (one block with its text) is trimmed, and its text ends at a
     * NUL in the value, as it did when the text was g_strndup'ed. */
    tl_table *t = tl_table_new("test");
    tl_table_add_cell(t, "  ab\0cd ", 9, 3, 9);
    tl_table_add_cell(t, "\xc2\xa0x\xc2\xa0", 5, 12, 5);
    const GPtrArray *row = t->rows->pdata[0];
    ck_assert_str_eq(((tl_cell *)row->pdata[0])->text, "ab");
    ck_assert_uint_eq(((tl_cell *)row->pdata[0])->off, 3);
    ck_assert_str_eq(((tl_cell *)row->pdata[1])->text, "x");
    tl_table_free(t);
}
END_TEST

/* tl_utf8_valid reads ASCII a word at a time and hands GLib only the
 * other bytes: it says what g_utf8_validate_len says, NULs, cut and
 * overlong sequences and surrogates included, at every alignment. */
START_TEST(test_utf8_valid)
{
    static const char *const cases[] = {
        "", "plain ASCII text, longer than one word", "caf\xc3\xa9 au lait, na\xc3\xafve r\xc3\xa9sum\xc3\xa9",
        "\xe2\x80\x94 dash \xf0\x9f\x98\x80 emoji", "cut at the end \xc3", "cut in the middle \xe2\x80 of text",
        "overlong \xc0\xaf slash", "surrogate \xed\xa0\x80 half", "stray continuation \x80 byte",
        "windows-1252 \xe9t\xe9", "\xff\xfe not UTF-8", "\xf4\x90\x80\x80 past U+10FFFF",
    };
    char buf[96];
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        for (size_t shift = 0; shift < 9; shift++) {
            size_t n = strlen(cases[i]);
            memset(buf, 'a', shift);
            memcpy(buf + shift, cases[i], n);
            ck_assert_msg(tl_utf8_valid(buf, shift + n) == (int)g_utf8_validate_len(buf, shift + n, NULL),
                          "case %zu at %zu", i, shift);
            if (shift + n >= 1) {    /* a NUL anywhere makes it invalid */
                buf[(shift + n) / 2] = '\0';
                ck_assert_msg(tl_utf8_valid(buf, shift + n) == (int)g_utf8_validate_len(buf, shift + n, NULL),
                              "case %zu at %zu with a NUL", i, shift);
            }
        }
    /* random bytes, mostly ASCII with bursts of high ones */
    GRand *r = g_rand_new_with_seed(7);
    for (int k = 0; k < 20000; k++) {
        size_t n = (size_t)g_rand_int_range(r, 0, sizeof buf);
        for (size_t j = 0; j < n; j++)
            buf[j] = (char)(g_rand_int_range(r, 0, 8) ? g_rand_int_range(r, k % 2, 128) : g_rand_int_range(r, 0x80, 0x100));
        ck_assert_int_eq(tl_utf8_valid(buf, n), (int)g_utf8_validate_len(buf, n, NULL));
        size_t ascii = 0;
        while (ascii < n && (unsigned char)buf[ascii] < 0x80)
            ascii++;
        ck_assert_uint_eq(tl_ascii_prefix(buf, n), ascii);
    }
    g_rand_free(r);
}
END_TEST

/* Workers open PDFs at the same time from a cold start: poppler's global
 * parameters are built once (pdf.c keeps one empty document for the life
 * of the process) and every thread reads the same text. */
static gpointer
read_pdfs(gpointer data)
{
    GString *texts = g_string_new(NULL);
    (void)data;
    for (int i = 0; i < 5; i++) {
        tl_extract_result *r = ex(i % 2 ? "report.pdf" : "memo-lo.pdf");
        g_string_append_len(texts, r->text->str, (gssize)r->text->len);
        tl_extract_result_free(r);
    }
    return g_string_free(texts, FALSE);
}

START_TEST(test_pdf_params_kept)
{
    /* Each test runs in a process of its own when Check forks, so nothing
     * opened a PDF before these threads. */
    if (g_strcmp0(g_getenv("CK_FORK"), "no") != 0)
        ck_assert_int_eq(tl_ex_pdf_params_kept(), 0);
    GThread *th[4];
    for (int i = 0; i < 4; i++)
        th[i] = g_thread_new("pdf", read_pdfs, NULL);
    char *first = NULL;
    for (int i = 0; i < 4; i++) {
        char *t = g_thread_join(th[i]);
        ck_assert(strstr(t, "212-45-6789") && strstr(t, "318-52-1947"));
        if (!first)
            first = t;
        else {
            ck_assert_str_eq(t, first);
            g_free(t);
        }
    }
    g_free(first);
    ck_assert_msg(tl_ex_pdf_params_kept(), "the empty PDF that keeps poppler's parameters did not open");
}
END_TEST

START_TEST(test_pdf_pages_and_images)
{
    tl_extract_result *r = ex("report.pdf");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    ck_assert_int_eq(r->pages, 2);
    ck_assert(in_section(r, "page 1", "travel itinerary"));
    ck_assert(in_section(r, "page 2", "318-52-1947"));
    ck_assert(!in_section(r, "page 1", "318-52-1947"));
    ck_assert_uint_eq(r->images->len, 1);
    const tl_image_info *im = r->images->pdata[0];
    ck_assert_int_eq(im->page, 1);
    ck_assert_int_eq(im->width, 640);
    ck_assert_int_eq(im->height, 480);
    tl_extract_result_free(r);
    /* A PDF LibreOffice wrote: header, body and footer on the page. */
    r = ex("memo-lo.pdf");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    assert_text(r, "212-45-6789");
    assert_text(r, "FOOTER: page footer");
    tl_extract_result_free(r);
}
END_TEST

/* This thread's CPU time in milliseconds. */
static double
cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* With pdf_image_sizes 0 (the scan's setting) a PDF with a text layer
 * lists its images without decoding them, which was most of its cost;
 * a scanned PDF's images are still decoded, for the scanned-page test. */
START_TEST(test_pdf_image_sizes)
{
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    tl_extract_result *r = ex_lim("report.pdf", NULL, &lim, NULL);     /* warm up poppler */
    tl_extract_result_free(r);
    double t[2];
    for (int sizes = 1; sizes >= 0; sizes--) {
        lim.pdf_image_sizes = sizes;
        double t0 = cpu_ms();
        for (int k = 0; k < 5; k++) {
            r = ex_lim("report.pdf", NULL, &lim, NULL);
            ck_assert_int_eq(r->status, TL_EX_TEXT);
            ck_assert(in_section(r, "page 2", "318-52-1947"));
            ck_assert_uint_eq(r->images->len, 1);
            const tl_image_info *im = r->images->pdata[0];
            ck_assert_int_eq(im->page, 1);
            ck_assert_int_eq(im->width, sizes ? 640 : 0);
            tl_extract_result_free(r);
        }
        t[sizes] = cpu_ms() - t0;
    }
    ck_assert_msg(t[0] * 2 < t[1], "listing without decoding took %.1f ms, decoding %.1f ms", t[0], t[1]);
    r = ex_lim("scanned.pdf", NULL, &lim, NULL);
    ck_assert_int_eq(r->status, TL_EX_NO_TEXT_LAYER);
    ck_assert_uint_eq(r->images->len, 1);
    ck_assert_int_gt(((tl_image_info *)r->images->pdata[0])->width, 0);
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_pdf_statuses)
{
    double ms;
    tl_extract_result *r = ex_lim("scanned.pdf", NULL, NULL, &ms);
    ck_assert_int_eq(r->status, TL_EX_NO_TEXT_LAYER);
    ck_assert_uint_eq(r->images->len, 1);
    tl_extract_result_free(r);
    r = ex_lim("encrypted.pdf", NULL, NULL, &ms);
    ck_assert_int_eq(r->status, TL_EX_ENCRYPTED);
    ck_assert_uint_eq(r->text->len, 0);
    ck_assert_msg(ms < 2000, "encrypted PDF took %.0f ms", ms);
    tl_extract_result_free(r);
    r = ex_lim("truncated.pdf", NULL, NULL, &ms);
    ck_assert_int_eq(r->status, TL_EX_FAILED);
    ck_assert(strstr(r->reason, "truncated") != NULL);
    ck_assert(has_anomaly(r, "PDF truncated"));
    ck_assert_msg(ms < 2000, "truncated PDF took %.0f ms", ms);
    tl_extract_result_free(r);
    /* Page limit: one page read, the limit reported. */
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    lim.max_pdf_pages = 1;
    r = ex_lim("report.pdf", NULL, &lim, NULL);
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    ck_assert(has_anomaly(r, "limit: pages per PDF (1)"));
    ck_assert(strstr(r->text->str, "318-52-1947") == NULL);
    tl_extract_result_free(r);
    tl_extract_limits_init(&lim);
    lim.max_pdf_seconds = 0;
    r = ex_lim("report.pdf", NULL, &lim, NULL);
    ck_assert(has_anomaly(r, "limit: seconds per PDF"));
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_docx_parts)
{
    tl_extract_result *r = ex("memo.docx");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    ck_assert(in_section(r, "document", "His SSN is 212-45-6789."));
    ck_assert(in_section(r, "document", "DELETED: old SSN 401-38-5512"));     /* tracked deletion */
    ck_assert(in_section(r, "document", "INSERTED: diagnosis code"));         /* tracked insertion */
    ck_assert(in_section(r, "header 1", "HEADER: CUI"));
    ck_assert(in_section(r, "footer 1", "FOOTER: page footer"));
    ck_assert(in_section(r, "comments", "COMMENT: check his DOB 1990-03-14"));
    ck_assert(in_section(r, "properties", "Maj. Test Author"));
    /* A deletion stays apart from the word before it. */
    ck_assert(strstr(r->text->str, "6789. DELETED") != NULL);
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_odt_parts)
{
    tl_extract_result *r = ex("memo.odt");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    ck_assert(in_section(r, "content", "His SSN is 212-45-6789."));
    ck_assert(in_section(r, "content", "DELETED: old SSN 401-38-5512"));
    ck_assert(in_section(r, "content", "INSERTED: diagnosis code"));
    ck_assert(in_section(r, "content", "COMMENT: check his DOB"));
    ck_assert(in_section(r, "header", "HEADER: CUI"));
    ck_assert(in_section(r, "footer", "FOOTER: page footer"));
    ck_assert(in_section(r, "properties", "Medical board memo"));
    ck_assert(strstr(r->text->str, "Reviewer") == NULL);    /* the comment's author is no text */
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_slides)
{
    tl_extract_result *r = ex("deck.pptx");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    ck_assert(in_section(r, "slide 1", "SLIDE ONE"));
    ck_assert(in_section(r, "slide 2", "527-61-3308"));
    tl_extract_result_free(r);
    r = ex("deck.odp");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    assert_text(r, "SLIDE ONE: deployment schedule\nSLIDE TWO");
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_sheets)
{
    tl_extract_result *r = ex("crew.xlsx");
    const tl_table *t = r->tables->pdata[0];
    ck_assert_str_eq(t->name, "Crew");
    ck_assert(in_section(r, "sheet Crew", "DOE, JOHN A\tSGT\t212-45-6789\t1990-03-14\n"));
    tl_extract_result_free(r);
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    lim.max_sheet_cells = 6;
    r = ex_lim("crew.xlsx", NULL, &lim, NULL);
    ck_assert(has_anomaly(r, "limit: cells per sheet (6)"));
    ck_assert(strstr(r->text->str, "634-27-9045") == NULL);
    tl_extract_result_free(r);
    r = ex_lim("crew.ods", NULL, &lim, NULL);
    ck_assert(has_anomaly(r, "limit: cells per sheet (6)"));
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_rtf)
{
    tl_extract_result *r = ex("memo.rtf");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    assert_text(r, "His SSN is 212-45-6789.");
    assert_text(r, "HEADER: CUI");
    assert_text(r, "COMMENT: check his DOB");
    ck_assert(strstr(r->text->str, "Times New Roman") == NULL);     /* the font table is no text */
    tl_extract_result_free(r);
    int cut = 0;
    const char *rtf = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}{\\*\\generator x;}"
                      "Caf\\'e9 \\u8364?5\\par Name\\cell Rank\\cell\\row Doe\\cell SGT\\cell\\row}";
    char *t = tl_rtf_to_text(rtf, strlen(rtf), 1000, &cut);
    ck_assert_str_eq(t, "Caf\xc3\xa9 \xe2\x82\xac" "5\nName\tRank\nDoe\tSGT\n");
    ck_assert_int_eq(cut, 0);
    g_free(t);
    t = tl_rtf_to_text(rtf, strlen(rtf), 4, &cut);
    ck_assert_int_eq(cut, 1);
    ck_assert_uint_le(strlen(t), 4);
    g_free(t);
    ck_assert(tl_rtf_to_text("plain", 5, 100, &cut) == NULL);
}
END_TEST

START_TEST(test_calendar_and_cards)
{
    tl_extract_result *r = ex("invite.ics");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    ck_assert(in_section(r, "event 1", "SUMMARY: Convoy briefing\n"));
    assert_text(r, "LOCATION: Building 4, Room 210\n");
    assert_text(r, "DTSTART: 20240512T080000Z\n");
    assert_text(r, "DTEND: 20240512T090000Z\n");
    assert_text(r, "ORGANIZER: Ops Desk <ops.desk@army.example>\n");
    assert_text(r, "ATTENDEE: John Doe <john.doe@army.example>\n");
    assert_text(r, "ATTENDEE: Jane Roe <jane.roe@army.example>\n");
    assert_text(r, "folded by the writer at seventy-five octets.");     /* unfolded */
    tl_extract_result_free(r);
    r = ex("contacts.vcf");
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    ck_assert(in_section(r, "card 1", "FN: John Doe\n"));
    ck_assert(in_section(r, "card 2", "TEL (CELL): +1 555 0101\n"));
    assert_text(r, "NOTE: SSN 634-27-9045; badge, gate 3\n");      /* escapes undone */
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_tnef)
{
    tl_extract_result *r = ex("winmail-files.dat");
    ck_assert_int_eq(r->type, TL_FT_TNEF);
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    assert_text(r, "Subject: two files");
    ck_assert_uint_eq(r->children->len, 2);
    const tl_extract_child *c = r->children->pdata[0];
    ck_assert_str_eq(c->name, "AUTHORS");
    ck_assert_uint_eq(g_bytes_get_size(c->bytes), 244);
    /* A child is extracted in turn, one level deeper. */
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(c->bytes, &n);
    tl_extract_result *cr = tl_extract(d, n, NULL, c->name, 1, NULL);
    ck_assert_int_eq(cr->status, TL_EX_TEXT);
    ck_assert_uint_gt(cr->text->len, 0);
    tl_extract_result_free(cr);
    tl_extract_result_free(r);
    /* The body: compressed RTF, decompressed and read as text. */
    r = ex("winmail-rtf.dat");
    ck_assert(in_section(r, "body", "Greg Allen"));
    ck_assert(strstr(r->text->str, "\\par") == NULL);
    tl_extract_result_free(r);
    /* A stream damaged part of the way: what comes before the damage is
     * read (subject, the HTML-only body, three images), the damage is an
     * anomaly, quickly. */
    double ms;
    r = ex_lim("winmail-panic.dat", NULL, NULL, &ms);
    ck_assert_int_eq(r->status, TL_EX_TEXT);
    assert_text(r, "Subject: Fw: VIKTIGT");
    ck_assert_uint_eq(r->children->len, 4);
    ck_assert_str_eq(((tl_extract_child *)r->children->pdata[0])->name, "body.html");
    ck_assert_str_eq(((tl_extract_child *)r->children->pdata[1])->name, "image001.jpg");
    gboolean damaged = FALSE;
    for (guint i = 0; i < r->anomalies->len; i++)
        damaged |= strstr(r->anomalies->pdata[i], "TNEF stream damaged or cut") != NULL;
    ck_assert(damaged);
    ck_assert_msg(ms < 2000, "damaged TNEF took %.0f ms", ms);
    tl_extract_result_free(r);
    /* The signature and then garbage: nothing readable, failed. */
    guint8 junk[64];
    memset(junk, 0xff, sizeof junk);
    memcpy(junk, "\x78\x9f\x3e\x22\x01\x00", 6);
    r = tl_extract(junk, sizeof junk, "application/ms-tnef", "winmail.dat", 0, NULL);
    ck_assert_int_eq(r->type, TL_FT_TNEF);
    ck_assert_int_eq(r->status, TL_EX_FAILED);
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_archives)
{
    tl_extract_result *r = ex("crew.zip");
    ck_assert_int_eq(r->status, TL_EX_CONTAINER);
    ck_assert_uint_eq(r->children->len, 2);
    ck_assert_str_eq(((tl_extract_child *)r->children->pdata[0])->name, "crew.csv");
    tl_extract_result_free(r);
    r = ex("crew.7z");
    ck_assert_int_eq(r->status, TL_EX_CONTAINER);
    ck_assert_uint_eq(r->children->len, 2);
    tl_extract_result_free(r);
    /* tar.gz -> zip -> csv, each a level deeper. */
    r = ex("nested.tar.gz");
    ck_assert_int_eq(r->type, TL_FT_TAR);
    ck_assert_uint_eq(r->children->len, 1);
    const tl_extract_child *c = r->children->pdata[0];
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(c->bytes, &n);
    tl_extract_result *z = tl_extract(d, n, NULL, c->name, 1, NULL);
    ck_assert_int_eq(z->type, TL_FT_ZIP);
    c = z->children->pdata[0];
    d = g_bytes_get_data(c->bytes, &n);
    tl_extract_result *csv = tl_extract(d, n, NULL, c->name, 2, NULL);
    ck_assert_int_eq(csv->type, TL_FT_CSV);
    ck_assert_uint_eq(csv->tables->len, 1);
    tl_extract_result_free(csv);
    /* Past the depth limit nothing is read. */
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    csv = tl_extract(d, n, NULL, c->name, lim.max_depth + 1, &lim);
    ck_assert_int_eq(csv->status, TL_EX_TOO_LARGE);
    ck_assert(has_anomaly(csv, "limit: nesting depth"));
    tl_extract_result_free(csv);
    tl_extract_result_free(z);
    tl_extract_result_free(r);
    /* Children limit and member size limit. */
    lim.max_children = 1;
    r = ex_lim("crew.zip", NULL, &lim, NULL);
    ck_assert_uint_eq(r->children->len, 1);
    ck_assert(has_anomaly(r, "limit: children per attachment (1)"));
    tl_extract_result_free(r);
    tl_extract_limits_init(&lim);
    lim.max_child = 1000;
    r = ex_lim("crew.zip", NULL, &lim, NULL);
    ck_assert_uint_eq(r->children->len, 1);     /* the photo is too big */
    ck_assert(has_anomaly(r, "limit: size of one member"));
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_images)
{
    tl_extract_result *r = ex("photo.jpg");
    ck_assert_int_eq(r->status, TL_EX_NO_TEXT_LAYER);
    ck_assert(r->is_image);
    ck_assert_int_eq(r->image.width, 640);
    ck_assert_int_eq(r->image.height, 480);
    ck_assert(r->image.has_gps);
    ck_assert_str_eq(r->image.gps_from, "exif");
    ck_assert_double_eq_tol(r->image.lat, 34.0522, 1e-4);
    ck_assert_double_eq_tol(r->image.lon, -118.2437, 1e-4);
    ck_assert_str_eq(r->image.time, "2024:05:12 08:30:00");
    ck_assert_str_eq(r->image.make, "TestCam");
    ck_assert_str_eq(r->image.model, "Phone 9");
    ck_assert_int_eq(r->image.orientation, 6);
    tl_extract_result_free(r);
    r = ex("photo-xmp.png");
    ck_assert(r->image.has_gps);
    ck_assert_str_eq(r->image.gps_from, "xmp");
    ck_assert_double_eq_tol(r->image.lat, 51.5007, 1e-4);
    ck_assert_double_eq_tol(r->image.lon, -0.1246, 1e-4);
    ck_assert_int_eq(r->image.width, 640);
    tl_extract_result_free(r);
    r = ex("photo-exif.png");
    ck_assert(r->image.has_gps);
    ck_assert_str_eq(r->image.gps_from, "png-exif");
    ck_assert_double_eq_tol(r->image.lat, 48.8584, 1e-4);
    ck_assert_double_eq_tol(r->image.lon, 2.2945, 1e-4);
    tl_extract_result_free(r);
    r = ex("small.gif");
    ck_assert_int_eq(r->image.width, 320);
    ck_assert_int_eq(r->image.height, 200);
    ck_assert(!r->image.has_gps);
    tl_extract_result_free(r);
    r = ex("scan.tiff");
    ck_assert_int_eq(r->image.width, 200);
    ck_assert_int_eq(r->image.height, 150);
    ck_assert(r->image.has_gps);
    ck_assert_double_eq_tol(r->image.lon, 139.7454, 1e-4);
    tl_extract_result_free(r);
}
END_TEST

/* Text that is not UTF-8 (a TNEF plain body in Windows-1252) is made
 * valid before the text limit is applied: each replaced byte takes three,
 * so a text under the limit in bytes went over it, and the next append's
 * room went negative (a read far past the string). */
START_TEST(test_text_limit_after_repair)
{
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    lim.max_text = 100;
    tl_extract_result *r = tl_extract_as(TL_FT_UNKNOWN, (const guint8 *)"", 0, &lim);
    tl_ex x = { r, &lim, 0, 0 };
    char latin1[61];
    memset(latin1, 0xe9, 60);   /* e-acute in Windows-1252 */
    latin1[60] = '\0';
    tl_ex_append(&x, latin1, 60);
    tl_ex_newline(&x);
    tl_ex_append(&x, "more", 4);
    ck_assert_uint_le(r->text->len, 100);
    ck_assert(g_utf8_validate(r->text->str, (gssize)r->text->len, NULL));
    ck_assert(has_anomaly(r, "limit: text per attachment (100 bytes) reached"));
    tl_extract_result_free(r);
}
END_TEST

/* Inputs the fuzzers found (tests/fuzz/regress/NAME/): a vCard line
 * ":value" without a property name crashed the reader (a NULL name); zip
 * member names that are not UTF-8 went into the anomalies as they were;
 * an empty member. */
START_TEST(test_fuzz_found)
{
    const char *card = "BEGIN:VCARD\n:no name\nFN:Jane Roe\nEND:VCARD\n";
    tl_extract_result *r = tl_extract_as(TL_FT_VCF, (const guint8 *)card, strlen(card), NULL);
    assert_text(r, "Jane Roe");
    tl_extract_result_free(r);
    char *data = NULL;
    gsize n = 0;
    ck_assert(g_file_get_contents(TL_SOURCE_DIR "/tests/fuzz/regress/office/member-name-not-utf8-in-anomaly", &data,
                                  &n, NULL));
    r = tl_extract_as(TL_FT_DOCX, (const guint8 *)data, n, NULL);
    ck_assert(has_anomaly(r, "damaged zip member xl/st"));
    for (guint i = 0; i < r->anomalies->len; i++)
        ck_assert_msg(g_utf8_validate(r->anomalies->pdata[i], -1, NULL), "anomaly %u not UTF-8", i);
    ck_assert(r->reason && g_utf8_validate(r->reason, -1, NULL));
    tl_extract_result_free(r);
    g_free(data);
    /* An empty content.xml: GLib gives no pointer for no bytes (UBSan:
     * offset on NULL); now an anomaly of its own. */
    ck_assert(g_file_get_contents(TL_SOURCE_DIR "/tests/fuzz/regress/office/empty-xml-member-null-pointer-offset", &data,
                                  &n, NULL));
    r = tl_extract_as(TL_FT_ODT, (const guint8 *)data, n, NULL);
    ck_assert(has_anomaly(r, "XML member empty: content.xml"));
    tl_extract_result_free(r);
    g_free(data);
}
END_TEST

START_TEST(test_hostile_office)
{
    double ms;
    tl_extract_result *r = ex_lim("laughs.docx", NULL, NULL, &ms);
    ck_assert_int_eq(r->status, TL_EX_FAILED);
    ck_assert(has_anomaly(r, "limit: XML entity declarations (0) reached in word/document.xml"));
    ck_assert(strstr(r->text->str, "lol") == NULL);
    assert_text(r, "HEADER: CUI");      /* the other parts are still read */
    ck_assert_msg(ms < 2000, "billion laughs took %.0f ms", ms);
    tl_extract_result_free(r);
    r = ex_lim("bomb.xlsx", NULL, NULL, &ms);
    ck_assert_int_eq(r->status, TL_EX_TOO_LARGE);
    ck_assert(has_anomaly(r, "limit: XML member size"));
    ck_assert_msg(ms < 3000, "zip bomb took %.0f ms", ms);
    tl_extract_result_free(r);
    /* A member that lies about nothing but is over a small limit. */
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    lim.max_xml_bytes = 500;
    r = ex_lim("memo.docx", NULL, &lim, NULL);
    ck_assert_int_eq(r->status, TL_EX_TOO_LARGE);
    tl_extract_result_free(r);
    lim.max_xml_bytes = 32u << 20;
    lim.max_unpacked = 2000;
    r = ex_lim("memo.docx", NULL, &lim, NULL);
    ck_assert_int_eq(r->status, TL_EX_TOO_LARGE);
    ck_assert(has_anomaly(r, "limit: unpacked bytes per file"));
    tl_extract_result_free(r);
    /* Text limit: cut on a character boundary, reported once. */
    tl_extract_limits_init(&lim);
    lim.max_text = 40;
    r = ex_lim("memo.docx", NULL, &lim, NULL);
    ck_assert_uint_le(r->text->len, 40);
    ck_assert(g_utf8_validate(r->text->str, (gssize)r->text->len, NULL));
    ck_assert(has_anomaly(r, "limit: text per attachment (40 bytes)"));
    tl_extract_result_free(r);
}
END_TEST

START_TEST(test_garbage_never_crashes)
{
    /* Every fixture cut at several lengths, and flipped bytes: a status,
     * never a crash (run under make asan). */
    static const char *const files[] = { "report.pdf", "memo.docx", "crew.xlsx", "memo.odt", "memo.rtf",
                                         "winmail-rtf.dat", "invite.ics", "contacts.vcf", "crew.zip",
                                         "photo.jpg", "photo-exif.png", "scan.tiff", "crew.7z" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        GBytes *b = fixture(files[i]);
        gsize n = 0;
        const guint8 *d = g_bytes_get_data(b, &n);
        for (int k = 1; k <= 4; k++) {
            guint8 *cut = g_memdup2(d, n);
            size_t len = n * (size_t)k / 5;
            for (size_t j = len / 3; j < len; j += 97)
                cut[j] ^= 0x5a;
            tl_extract_result *r = tl_extract(cut, len, NULL, files[i], 0, NULL);
            ck_assert(r->status < TL_EX_LAST);
            ck_assert(g_utf8_validate(r->text->str, (gssize)r->text->len, NULL));
            tl_extract_result_free(r);
            g_free(cut);
        }
        g_bytes_unref(b);
    }
}
END_TEST

/* A message with attachments, through parsers/text.c: each attachment's
 * text is a part at its path, members of containers at PATH/NAME/N, and
 * every attachment a row. */
static void
attach(GString *m, const char *ctype, const char *name)
{
    GBytes *b = fixture(name);
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(b, &n);
    char *b64 = g_base64_encode(d, n);
    g_string_append_printf(m, "--B\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\n"
                           "Content-Transfer-Encoding: base64\n\n", ctype, name, name);
    size_t blen = strlen(b64);
    for (size_t i = 0; i < blen; i += 76)
        g_string_append_printf(m, "%.76s\n", b64 + i);
    g_free(b64);
    g_bytes_unref(b);
}

static const tl_text_part *
text_at(GPtrArray *parts, const char *path)
{
    for (guint i = 0; i < parts->len; i++)
        if (strcmp(((tl_text_part *)parts->pdata[i])->path, path) == 0)
            return parts->pdata[i];
    return NULL;
}

static const tl_attachment *
row_at(GPtrArray *rows, const char *path)
{
    for (guint i = 0; i < rows->len; i++)
        if (strcmp(((tl_attachment *)rows->pdata[i])->path, path) == 0)
            return rows->pdata[i];
    ck_abort_msg("no attachment row %s", path);
    return NULL;
}

/* A message to a typo domain with five attachments. */
static GString *
message_with_attachments(void)
{
    GString *m = g_string_new("From: a@example.org\nTo: b@army.ml\nSubject: s\nMIME-Version: 1.0\n"
                              "Date: Mon, 13 May 2024 10:00:00 +0000\nMessage-ID: <att@example.org>\n"
                              "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nSee attached.\n");
    attach(m, "application/pdf", "report.pdf");
    attach(m, "application/ms-tnef", "winmail-files.dat");
    attach(m, "application/zip", "crew.zip");
    attach(m, "application/pdf", "photo.jpg");         /* a photo sent as a PDF */
    attach(m, "application/pdf", "encrypted.pdf");
    g_string_append(m, "--B--\n");
    return m;
}

/* The text parts of message m (its anomalies to an, its attachment rows
 * to rows), through tl_text_extract_all. */
static GPtrArray *
extract_message(const GString *m, const tl_text_limits *lim, GPtrArray *an, GPtrArray *rows)
{
    tl_library_init();
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(m->str, m->len);
    GMimeParser *ps = g_mime_parser_new_with_stream(s);
    GMimeMessage *msg = g_mime_parser_construct_message(ps, NULL);
    ck_assert(msg != NULL);
    GPtrArray *parts = tl_text_extract_all(msg, lim, an, rows);
    g_object_unref(msg);
    g_object_unref(ps);
    g_object_unref(s);
    return parts;
}

/* With find_tables 0 (the scan's setting) text, CSV, PDF and RTF files
 * come without the tables parsers/text.c looks for again in the
 * normalised text; the text is the same, and the part still has them. */
START_TEST(test_find_tables)
{
    static const char *const files[] = { "crew-tabs.txt", "crew-columns.txt", "crew.csv", "report.pdf", "memo.rtf" };
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    lim.find_tables = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        tl_extract_result *with = ex_lim(files[i], NULL, NULL, NULL), *without = ex_lim(files[i], NULL, &lim, NULL);
        ck_assert_str_eq(without->text->str, with->text->str);
        ck_assert_msg(without->tables->len == 0, "%s: %u tables", files[i], without->tables->len);
        if (i < 3)
            ck_assert_msg(with->tables->len == 1, "%s: %u tables by default", files[i], with->tables->len);
        tl_extract_result_free(with);
        tl_extract_result_free(without);
    }
    GString *m = message_with_attachments();
    tl_text_limits tl;
    tl_text_limits_init(&tl);
    GPtrArray *an = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *parts = extract_message(m, &tl, an, NULL);
    const tl_text_part *p = text_at(parts, "4/crew.zip/1");
    ck_assert(p != NULL && p->tables && p->tables->len == 1);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(an);
    g_string_free(m, TRUE);
}
END_TEST

START_TEST(test_message_attachments)
{
    GString *m = message_with_attachments();
    tl_text_limits lim;
    tl_text_limits_init(&lim);
    GPtrArray *an = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *rows = g_ptr_array_new_with_free_func(tl_attachment_free);
    GPtrArray *parts = extract_message(m, &lim, an, rows);
    const tl_text_part *p = text_at(parts, "2");
    ck_assert(p != NULL);
    ck_assert(strstr(p->text, "318-52-1947") != NULL);
    ck_assert_str_eq(p->filename, "report.pdf");
    ck_assert(text_at(parts, "3") != NULL);                     /* the TNEF subject */
    ck_assert(text_at(parts, "3/winmail-files.dat/1") != NULL); /* AUTHORS */
    p = text_at(parts, "4/crew.zip/1");
    ck_assert(p != NULL && strstr(p->text, "212-45-6789") != NULL);
    const tl_attachment *a = row_at(rows, "2");
    ck_assert_str_eq(a->sniffed, "pdf");
    ck_assert_str_eq(a->status, "text");
    ck_assert_str_eq(a->declared, "application/pdf");
    ck_assert_int_gt(a->chars, 50);
    ck_assert_uint_eq(strlen(a->sha256), 64);
    a = row_at(rows, "4");
    ck_assert_str_eq(a->status, "container");
    a = row_at(rows, "4/crew.zip/2");
    ck_assert_str_eq(a->filename, "photo.jpg");
    ck_assert_str_eq(a->status, "no_text_layer");
    ck_assert_int_eq(a->width, 640);
    ck_assert(a->has_gps);
    a = row_at(rows, "5");
    ck_assert_str_eq(a->sniffed, "jpeg");
    a = row_at(rows, "6");
    ck_assert_str_eq(a->status, "encrypted");
    int mismatch = 0, encrypted = 0;
    for (guint i = 0; i < an->len; i++) {
        mismatch |= strstr(an->pdata[i], "part 5: type mismatch: declared pdf, sniffed jpeg") != NULL;
        encrypted |= strstr(an->pdata[i], "part 6: attachment encrypted") != NULL;
    }
    ck_assert(mismatch && encrypted);
    g_ptr_array_unref(parts);
    g_ptr_array_unref(rows);
    g_ptr_array_unref(an);
    g_string_free(m, TRUE);
}
END_TEST

/* Past the message's text limit an attachment is not extracted, but its
 * row still says what its bytes are: sniffed here, since tl_extract, which
 * sniffs them otherwise, is not called. */
START_TEST(test_attachments_past_text_limit)
{
    GString *m = message_with_attachments();
    tl_text_limits lim;
    tl_text_limits_init(&lim);
    lim.max_total = 10;         /* the body ("See attached.") fills it */
    GPtrArray *an = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *rows = g_ptr_array_new_with_free_func(tl_attachment_free);
    GPtrArray *parts = extract_message(m, &lim, an, rows);
    static const char *const want[][2] = { { "2", "pdf" }, { "3", "tnef" }, { "4", "zip" }, { "5", "jpeg" }, { "6", "pdf" } };
    ck_assert_uint_eq(rows->len, G_N_ELEMENTS(want));
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        const tl_attachment *a = row_at(rows, want[i][0]);
        ck_assert_str_eq(a->sniffed, want[i][1]);
        ck_assert_str_eq(a->status, "too_large");
        ck_assert_uint_eq(strlen(a->sha256), 64);
    }
    g_ptr_array_unref(parts);
    g_ptr_array_unref(rows);
    g_ptr_array_unref(an);
    g_string_free(m, TRUE);
}
END_TEST

/* The scan writes the attachments table, and the detectors read the
 * attachments' text: the crew list inside the zip gives SSN findings at
 * its member path. */
START_TEST(test_scan_attachments)
{
    char *dir = tl_test_tmpdir();
    char *mbox = g_build_filename(dir, "in.mbox", NULL), *db = g_build_filename(dir, "f.db", NULL);
    GString *m = message_with_attachments();
    g_string_prepend(m, "From a@example.org Mon May 13 10:00:00 2024\n");
    tl_test_write(mbox, m->str, m->len);
    tl_test_scan(db, 1, NULL, mbox, NULL);
    char *rows = tl_test_rows(db, "SELECT part, sniffed_type, status, coalesce(width, '-'), coalesce(exif_gps, '-')"
                                  " FROM attachments ORDER BY id");
    ck_assert_str_eq(rows, "2|pdf|text|-|-\n3|tnef|text|-|-\n3/winmail-files.dat/1|text|text|-|-\n"
                           "3/winmail-files.dat/2|text|text|-|-\n4|zip|container|-|-\n4/crew.zip/1|csv|text|-|-\n"
                           "4/crew.zip/2|jpeg|no_text_layer|640|1\n5|jpeg|no_text_layer|640|1\n6|pdf|encrypted|-|-");
    g_free(rows);
    ck_assert_int_ge(tl_test_int(db, "SELECT count(*) FROM findings WHERE part = '4/crew.zip/1' AND detector = 'ssn'"), 5);
    ck_assert_int_ge(tl_test_int(db, "SELECT count(*) FROM findings WHERE part = '2' AND detector = 'ssn'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM anomalies WHERE item LIKE 'part 5: type mismatch%%'"), 1);
    char *sha = tl_test_str(db, "SELECT sha256 FROM attachments WHERE part = '2'");
    GBytes *b = fixture("report.pdf");
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(b, &n);
    char want[65];
    tl_sha256_hex(d, n, want);
    ck_assert_str_eq(sha, want);
    g_free(sha);
    /* extract: each attachment back, byte for byte, from the evidence. */
    static const struct {
        const char *part, *fixture;
    } back[] = { { "2", "report.pdf" }, { "4/crew.zip/2", "photo.jpg" }, { "3/winmail-files.dat/1", NULL } };
    GByteArray *raw = NULL;
    char *err = NULL, *where = NULL;
    ck_assert_int_eq(tl_message_bytes(db, "<att@example.org>", &raw, &where, &err), TL_OK);
    ck_assert_ptr_nonnull(strstr(where, mbox));
    g_free(where);
    for (size_t i = 0; i < G_N_ELEMENTS(back); i++) {
        char asha[65];
        ck_assert_int_eq(tl_attachment_recorded(db, "<att@example.org>", back[i].part, asha, &err), TL_OK);
        uint8_t *data = NULL;
        size_t dn = 0;
        ck_assert_int_eq(tl_attachment_bytes(raw->data, raw->len, back[i].part, asha, &data, &dn, &err), TL_OK);
        if (back[i].fixture) {
            GBytes *want_b = fixture(back[i].fixture);
            ck_assert_uint_eq(dn, g_bytes_get_size(want_b));
            ck_assert(memcmp(data, g_bytes_get_data(want_b, NULL), dn) == 0);
            g_bytes_unref(want_b);
        }
        /* A changed copy is refused. */
        g_free(data);
        data = NULL;
        ck_assert_int_eq(tl_attachment_bytes(raw->data, raw->len, back[i].part, "00", &data, &dn, &err), TL_ERR_READ);
        ck_assert(strstr(err, "the evidence changed") != NULL);
        g_free(err);
        err = NULL;
    }
    g_byte_array_free(raw, TRUE);
    char asha[65];
    ck_assert_int_eq(tl_attachment_recorded(db, "<att@example.org>", "9", asha, &err), TL_ERR_USAGE);
    g_free(err);
    /* The command writes the file. */
    const char *tool = g_getenv("TYPOLEAK");
    if (tool) {
        char *out = g_build_filename(dir, "out.pdf", NULL);
        char *cmd = g_strdup_printf("%s extract --db '%s' '<att@example.org>' 2 -o '%s'", tool, db, out);
        ck_assert_int_eq(system(cmd), 0);
        char *got = NULL;
        gsize gl = 0;
        ck_assert(g_file_get_contents(out, &got, &gl, NULL));
        ck_assert_uint_eq(gl, n);
        ck_assert(memcmp(got, d, n) == 0);
        g_free(got);
        g_free(cmd);
        g_free(out);
    }
    /* The same message found only inside a tar.gz: its attachment is
     * re-read through the archive. */
    char *tgz = g_build_filename(dir, "in.tar.gz", NULL), *db2 = g_build_filename(dir, "g.db", NULL);
    GByteArray *mb = g_byte_array_new();
    g_byte_array_append(mb, (const guint8 *)m->str, (guint)m->len);
    const char *names[] = { "mail/in.mbox" };
    const GByteArray *datas[] = { mb };
    tl_test_archive(tgz, "tar.gz", 1, names, datas);
    g_byte_array_free(mb, TRUE);
    tl_test_scan(db2, 1, NULL, tgz, NULL);
    ck_assert_int_eq(tl_message_bytes(db2, "<att@example.org>", &raw, &where, &err), TL_OK);
    ck_assert_ptr_nonnull(strstr(where, "in.tar.gz!/mail/in.mbox"));
    ck_assert_int_eq(tl_attachment_recorded(db2, "<att@example.org>", "2", asha, &err), TL_OK);
    uint8_t *data = NULL;
    size_t dn = 0;
    ck_assert_int_eq(tl_attachment_bytes(raw->data, raw->len, "2", asha, &data, &dn, &err), TL_OK);
    ck_assert_uint_eq(dn, n);
    ck_assert(memcmp(data, d, n) == 0);
    g_free(data);
    g_free(where);
    g_byte_array_free(raw, TRUE);
    g_free(tgz);
    g_free(db2);
    g_bytes_unref(b);
    g_string_free(m, TRUE);
    tl_test_rmtree(dir);
    g_free(mbox);
    g_free(db);
    g_free(dir);
}
END_TEST

/* Every extraction limit has its scan option: each changes what is read,
 * is an anomaly row when reached, and is recorded in the run's settings. */
static char *
scan_with(const char *dir, const char *mbox, const char *name, const char *opt, const char *val)
{
    char *db = g_strdup_printf("%s/%s.db", dir, name), *out = NULL, *err = NULL;
    int rc = opt ? tl_test_run_tool(dir, &out, &err, "scan", "-q", "-j", "1", "--classify", "all", "--db", db, opt, val,
                                    mbox, NULL)
                 : tl_test_run_tool(dir, &out, &err, "scan", "-q", "-j", "1", "--classify", "all", "--db", db, mbox,
                                    NULL);
    ck_assert_msg(rc == 0, "scan %s %s: %d %s", opt ? opt : "", val ? val : "", rc, err);
    g_free(out);
    g_free(err);
    return db;
}

static char *
anomalies_of(const char *db)
{
    return tl_test_rows(db, "SELECT group_concat(item, ' / ') FROM anomalies WHERE item LIKE '%%limit%%'");
}

START_TEST(test_limit_options)
{
    char *dir = tl_test_tmpdir();
    char *mbox = g_build_filename(dir, "in.mbox", NULL);
    GString *m = g_string_new("From a@example.org Mon May 13 10:00:00 2024\nFrom: a@example.org\nTo: b@army.ml\n"
                              "Subject: s\nMIME-Version: 1.0\nDate: Mon, 13 May 2024 10:00:00 +0000\n"
                              "Message-ID: <lim@example.org>\nContent-Type: multipart/mixed; boundary=B\n\n"
                              "--B\nContent-Type: text/plain\n\nSee attached.\n");
    attach(m, "application/pdf", "report.pdf");
    attach(m, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "crew.xlsx");
    attach(m, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "laughs.docx");
    attach(m, "application/gzip", "nested.tar.gz");
    g_string_append(m, "--B--\n\n");
    tl_test_write(mbox, m->str, m->len);
    g_string_free(m, TRUE);

    /* The defaults: both PDF pages and every cell read, no limit reached
     * but the billion-laughs part refused for its entities. */
    char *db = scan_with(dir, mbox, "default", NULL, NULL);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM findings WHERE part = '2' AND detector = 'ssn'"), 1);
    ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM findings WHERE part = '3' AND detector = 'ssn'"), 5);
    char *an = anomalies_of(db);
    ck_assert_msg(strstr(an, "pages per PDF") == NULL && strstr(an, "cells per sheet") == NULL, "%s", an);
    ck_assert_msg(strstr(an, "limit: XML entity declarations (0) reached in word/document.xml") != NULL, "%s", an);
    g_free(an);
    char *settings = tl_test_str(db, "SELECT settings FROM runs");
    ck_assert_msg(strstr(settings, "\"max_pdf_pages\":1000") && strstr(settings, "\"max_sheet_cells\":200000") &&
                  strstr(settings, "\"max_part_depth\":8") && strstr(settings, "\"max_xml_entities\":0"), "%s",
                  settings);
    g_free(settings);
    int64_t chars_pdf = tl_test_int(db, "SELECT chars FROM attachments WHERE part = '2'");
    g_free(db);

    static const struct {
        const char *opt, *val, *anomaly, *setting;
    } cases[] = {
        { "--max-pdf-pages", "1", "part 2: limit: pages per PDF (1) reached", "\"max_pdf_pages\":1," },
        { "--max-pdf-seconds", "0.000001", "part 2: limit: seconds per PDF", "\"max_pdf_seconds\":9.99" },
        { "--max-sheet-cells", "6", "part 3: limit: cells per sheet (6) reached", "\"max_sheet_cells\":6," },
        { "--max-xml-bytes", "1500", "limit: XML member size (1500 bytes) reached", "\"max_xml_bytes\":1500," },
        { "--max-unpacked", "3000", "limit: unpacked bytes per file (3000) reached", "\"max_unpacked\":3000," },
        { "--max-xml-entities", "50", NULL, "\"max_xml_entities\":50," },
        { "--max-part-text", "64", "limit: text per attachment (64 bytes) reached", "\"max_part_text\":64," },
        { "--max-part-depth", "1", "limit: nesting depth (1) reached", "\"max_part_depth\":1," },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char name[16];
        g_snprintf(name, sizeof name, "c%zu", i);
        db = scan_with(dir, mbox, name, cases[i].opt, cases[i].val);
        an = anomalies_of(db);
        if (cases[i].anomaly)
            ck_assert_msg(an && strstr(an, cases[i].anomaly), "%s %s: anomalies %s", cases[i].opt, cases[i].val, an);
        settings = tl_test_str(db, "SELECT settings FROM runs");
        ck_assert_msg(strstr(settings, cases[i].setting), "%s: settings %s", cases[i].opt, settings);
        g_free(settings);
        if (i == 0) {
            /* page 1 only: page 2's SSN is not read */
            ck_assert_int_eq(tl_test_int(db, "SELECT count(*) FROM findings WHERE part = '2' AND detector = 'ssn'"), 0);
            ck_assert_int_lt(tl_test_int(db, "SELECT chars FROM attachments WHERE part = '2'"), chars_pdf);
            ck_assert_int_gt(tl_test_int(db, "SELECT chars FROM attachments WHERE part = '2'"), 0);
        } else if (i == 2) {
            /* six cells: the header and the first data row */
            ck_assert_int_le(tl_test_int(db, "SELECT count(*) FROM findings WHERE part = '3' AND detector = 'ssn'"), 1);
        } else if (i == 5) {
            /* the declarations are allowed, never expanded: the body is read */
            ck_assert_msg(!an || !strstr(an, "XML entity declarations"), "%s", an);
            char *st = tl_test_str(db, "SELECT status FROM attachments WHERE part = '4'");
            ck_assert_str_eq(st, "text");
            g_free(st);
        }
        g_free(an);
        g_free(db);
    }
    /* A depth of 0 would let a zip holding itself recurse forever. */
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(tl_test_run_tool(dir, &out, &err, "scan", "--db", "x.db", "--max-part-depth", "0", mbox, NULL), 2);
    ck_assert_msg(strstr(err, "--max-part-depth takes 1 to 100") != NULL, "%s", err);
    g_free(out);
    g_free(err);
    tl_test_rmtree(dir);
    g_free(mbox);
    g_free(dir);
}
END_TEST

/* The detectors read a table cell's column header (the part's table
 * model), however far above it is, and only it: a column under "SSN"
 * counts as SSNs down to its 40th row, the same numbers under "Zip" or
 * "Order #" do not, even in the rows next to an SSN column's header; a
 * label in the cell before ("SSN | 212456789") counts too. */
static int
count_detector(const GPtrArray *found, const char *det)
{
    int n = 0;
    for (guint i = 0; i < found->len; i++)
        n += strcmp(((const tl_finding *)found->pdata[i])->detector, det) == 0;
    return n;
}

START_TEST(test_table_header_context)
{
    static const struct {
        const char *header;
        int ssns;
    } cols[] = { { "Name\tSSN\tRank", 40 }, { "Name\tZip\tRank", 0 }, { "Name\tOrder #\tRank", 0 },
                 { "Name\tSSN\tOrder #\tRank", 40 } };
    for (size_t c = 0; c < G_N_ELEMENTS(cols); c++) {
        GString *b = g_string_new("Roster below.\n\n");
        g_string_append_printf(b, "%s\n", cols[c].header);
        for (int i = 0; i < 40; i++) {
            g_string_append_printf(b, "DOE, JOHN %d\t%03d%02d%04d\t", i, 101 + i * 9, 11 + i, 1203 + i * 131);
            if (strstr(cols[c].header, "Order"))    /* order numbers that pass the SSN rules */
                g_string_append_printf(b, "%03d%02d%04d\t", 402 + i * 3, 21 + i, 5601 + i * 71);
            g_string_append(b, "SGT\n");
        }
        GPtrArray *found = tl_test_findings("text/plain; charset=utf-8", b->str);
        ck_assert_msg(count_detector(found, "ssn") == cols[c].ssns, "%s: %d SSNs, not %d", cols[c].header,
                      count_detector(found, "ssn"), cols[c].ssns);
        g_ptr_array_unref(found);
        g_string_free(b, TRUE);
    }
    /* A label in the cell before: key and value rows, whose first row
     * looks like a header. */
    GPtrArray *found = tl_test_findings("text/plain; charset=utf-8",
                                        "Name\tJohn Doe\nRank\tSGT\nSSN\t212456789\nUnit\tHHC 1-501\n");
    ck_assert_int_eq(count_detector(found, "ssn"), 1);
    g_ptr_array_unref(found);
    /* The table model: runs of tabs under a header without runs are empty
     * cells (a sheet or an HTML table), not typed alignment. */
    GPtrArray *out = g_ptr_array_new_with_free_func(tl_table_free);
    const char *t = "Name\tRank\tSSN\nDOE, JOHN\t\t212456789\nROE, JANE\tSPC\t318521947\n";
    tl_tables_detect(t, strlen(t), out);
    ck_assert_uint_eq(out->len, 1);
    char *d = tl_table_dump(out->pdata[0]);
    ck_assert_str_eq(d, "h: Name|Rank|SSN\nr: DOE, JOHN||212456789\nr: ROE, JANE|SPC|318521947\n");
    g_free(d);
    tl_table_index *ix = tl_table_index_new(out);
    tl_table_place at;
    const char *v = strstr(t, "212456789");
    ck_assert(tl_table_locate(ix, (size_t)(v - t) + 3, &at));
    ck_assert_int_eq(at.row, 0);
    ck_assert_uint_eq(at.col, 2);
    ck_assert_str_eq(at.header->text, "SSN");
    ck_assert_str_eq(at.prev->text, "");
    ck_assert(!tl_table_locate(ix, strlen(t) + 5, &at));
    tl_table_index_free(ix);
    g_ptr_array_unref(out);
}
END_TEST

/* The same list in every layout gives the same findings: typed with tabs,
 * with pipes, aligned with spaces, as an HTML table in the body, and
 * attached as CSV, xlsx, ods, docx and odt.  stem names the fixtures
 * (STEM-tabs.txt, STEM.xlsx ...); want is the first layout's findings of
 * the detectors listed. */
static void
same_findings_every_layout(const char *stem, const char *detectors, const char *want_first)
{
    static const struct {
        const char *suffix, *ctype;
        int body;
    } layouts[] = {
        { "-tabs.txt", "text/plain", 1 }, { "-pipes.txt", "text/plain", 1 },
        { "-columns.txt", "text/plain", 1 }, { ".html", "text/html", 1 }, { ".csv", "text/csv", 0 },
        { ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 0 },
        { ".ods", "application/vnd.oasis.opendocument.spreadsheet", 0 },
        { ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0 },
        { ".odt", "application/vnd.oasis.opendocument.text", 0 },
    };
    char *dir = tl_test_tmpdir();
    char *mbox = g_build_filename(dir, "in.mbox", NULL), *db = g_build_filename(dir, "f.db", NULL);
    GString *all = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(layouts); i++) {
        char *file = g_strconcat(stem, layouts[i].suffix, NULL);
        g_string_append_printf(all, "From a@example.org Mon May 13 10:00:00 2024\nFrom: a@example.org\nTo: b@army.ml\n"
                               "Subject: %s\nMessage-ID: <layout%zu@example.org>\nDate: Mon, 13 May 2024 10:00:00 +0000\n"
                               "MIME-Version: 1.0\n", file, i);
        if (layouts[i].body) {
            GBytes *b = fixture(file);
            gsize n = 0;
            const char *d = g_bytes_get_data(b, &n);
            g_string_append_printf(all, "Content-Type: %s; charset=utf-8\n\n", layouts[i].ctype);
            g_string_append_len(all, d, (gssize)n);
            g_string_append(all, "\n");
            g_bytes_unref(b);
        } else {
            g_string_append(all, "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n"
                                 "The list is attached.\n");
            attach(all, layouts[i].ctype, file);
            g_string_append(all, "--B--\n\n");
        }
        g_free(file);
    }
    tl_test_write(mbox, all->str, all->len);
    tl_test_scan(db, 1, NULL, mbox, NULL);
    char *want = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(layouts); i++) {
        char *file = g_strconcat(stem, layouts[i].suffix, NULL);
        char *got = tl_test_rows(db,
                                 "SELECT f.detector, count(*), min(f.score), max(f.score) FROM findings f JOIN messages m"
                                 " ON m.id = f.message_id WHERE m.subject = '%s' AND f.detector IN (%s)"
                                 " GROUP BY 1 ORDER BY 1",
                                 file, detectors);
        /* in a plain-text body, every finding's evidence offset is at its
         * value (an HTML part's offsets are into its visible text) */
        if (layouts[i].body && strcmp(layouts[i].ctype, "text/plain") == 0) {
            GBytes *b = fixture(file);
            char *offs = tl_test_rows(db, "SELECT f.part_offset FROM findings f JOIN messages m ON m.id = f.message_id"
                                          " WHERE m.subject = '%s' AND f.detector = 'ssn'", file);
            char **v = g_strsplit(offs, "\n", -1);
            for (char **o = v; *o && **o; o++) {
                gint64 off = g_ascii_strtoll(*o, NULL, 10);
                const char *at = (const char *)g_bytes_get_data(b, NULL) + off;
                ck_assert_msg(g_ascii_isdigit(at[0]) && (off == 0 || !g_ascii_isdigit(at[-1])), "%s: offset %s", file,
                              *o);
            }
            g_strfreev(v);
            g_free(offs);
            g_bytes_unref(b);
        }
        if (!want) {
            want = got;
            ck_assert_msg(strcmp(want, want_first) == 0, "%s gives\n%s\nnot\n%s", file, want, want_first);
        } else {
            ck_assert_msg(strcmp(got, want) == 0, "%s gives\n%s\nnot\n%s", file, got, want);
            g_free(got);
        }
        g_free(file);
    }
    g_free(want);
    g_string_free(all, TRUE);
    tl_test_rmtree(dir);
    g_free(mbox);
    g_free(db);
    g_free(dir);
}

START_TEST(test_same_findings_every_layout)
{
    same_findings_every_layout("crew", "'ssn', 'dob'", "dob|5|100|100\nssn|5|100|100");
    /* Evidence offsets still point at the value in the decoded body. */
    char *dir = tl_test_tmpdir();
    char *mbox = g_build_filename(dir, "in.mbox", NULL), *db = g_build_filename(dir, "f.db", NULL);
    GBytes *b = fixture("crew-columns.txt");
    GString *m = g_string_new("From a@example.org Mon May 13 10:00:00 2024\nFrom: a@example.org\nTo: b@army.ml\n"
                              "Subject: c\nMessage-ID: <c@example.org>\nDate: Mon, 13 May 2024 10:00:00 +0000\n"
                              "Content-Type: text/plain; charset=utf-8\n\n");
    g_string_append_len(m, g_bytes_get_data(b, NULL), (gssize)g_bytes_get_size(b));
    tl_test_write(mbox, m->str, m->len);
    tl_test_scan(db, 1, NULL, mbox, NULL);
    int64_t off = tl_test_int(db, "SELECT min(f.part_offset) FROM findings f WHERE f.detector = 'ssn'");
    ck_assert(memcmp((const char *)g_bytes_get_data(b, NULL) + off, "212-45-6789", 11) == 0);
    g_bytes_unref(b);
    g_string_free(m, TRUE);
    tl_test_rmtree(dir);
    g_free(mbox);
    g_free(db);
    g_free(dir);
}
END_TEST

/* A long roster (60 rows): a row far below its header still gets the
 * header's context (SSN, Date of Birth), in every layout; the 9-digit
 * numbers of the Order # column, which pass the SSN rules, are no SSNs
 * even in the rows next to the SSN header. */
START_TEST(test_long_roster_every_layout)
{
    same_findings_every_layout("roster", "'ssn', 'dob', 'itin'", "dob|60|100|100\nssn|60|95|95");
}
END_TEST

Suite *
suite_extract(void)
{
    Suite *s = suite_create("extract");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sniff_types);
    tcase_add_test(tc, test_type_mismatch);
    tcase_add_test(tc, test_crew_list_every_layout);
    tcase_add_test(tc, test_plain_text_tables);
    tcase_add_test(tc, test_line_kinds);
    tcase_add_test(tc, test_utf8_valid);
    tcase_add_test(tc, test_pdf_params_kept);
    tcase_add_test(tc, test_pdf_pages_and_images);
    tcase_add_test(tc, test_pdf_statuses);
    tcase_add_test(tc, test_pdf_image_sizes);
    tcase_add_test(tc, test_find_tables);
    tcase_add_test(tc, test_docx_parts);
    tcase_add_test(tc, test_odt_parts);
    tcase_add_test(tc, test_slides);
    tcase_add_test(tc, test_sheets);
    tcase_add_test(tc, test_rtf);
    tcase_add_test(tc, test_calendar_and_cards);
    tcase_add_test(tc, test_tnef);
    tcase_add_test(tc, test_archives);
    tcase_add_test(tc, test_images);
    tcase_add_test(tc, test_hostile_office);
    tcase_add_test(tc, test_fuzz_found);
    tcase_add_test(tc, test_text_limit_after_repair);
    tcase_add_test(tc, test_garbage_never_crashes);
    tcase_add_test(tc, test_message_attachments);
    tcase_add_test(tc, test_attachments_past_text_limit);
    tcase_add_test(tc, test_scan_attachments);
    tcase_add_test(tc, test_same_findings_every_layout);
    tcase_add_test(tc, test_long_roster_every_layout);
    tcase_add_test(tc, test_table_header_context);
    tcase_add_test(tc, test_limit_options);
    suite_add_tcase(s, tc);
    return s;
}
