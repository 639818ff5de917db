/*
 * extract.c - the entry point of the attachment extractors: limits,
 * sniffing a type from the bytes, the dispatch to one extractor per
 * format, and the helpers that build a result within its limits.
 *
 * Sniffing trusts only the bytes: magic numbers for the binary formats, the
 * member names of a zip for Office Open XML (word/, xl/, ppt/) and the
 * mimetype member for OpenDocument, the first line for RTF, iCalendar and
 * vCard, and for text a look at the first lines (a constant count of tabs
 * or of commas outside quotes makes TSV or CSV).  The Content-Type and the
 * file name are only compared with the result, and a disagreement between
 * two precise types is an anomaly.
 */
#include <stdarg.h>
#include <string.h>

#include "parsers/extract/ex_internal.h"

void
tl_extract_limits_init(tl_extract_limits *l)
{
    l->max_input = 256u << 20;
    l->max_pdf_pages = 1000;
    l->max_pdf_seconds = 20.0;
    l->max_pdf_images = 200;
    l->max_sheet_cells = 200000;
    l->max_xml_bytes = 32u << 20;
    l->max_unpacked = 128u << 20;
    l->max_entities = 0;
    l->max_text = 16u << 20;
    l->max_depth = 8;
    l->max_children = 1000;
    l->max_child = 64u << 20;
    l->pdf_image_sizes = 1;
    l->find_tables = 1;
}

const char *
tl_extract_status_name(tl_extract_status s)
{
    switch (s) {
    case TL_EX_TEXT: return "text";
    case TL_EX_NO_TEXT_LAYER: return "no_text_layer";
    case TL_EX_ENCRYPTED: return "encrypted";
    case TL_EX_TOO_LARGE: return "too_large";
    case TL_EX_UNSUPPORTED: return "unsupported";
    case TL_EX_CONTAINER: return "container";
    case TL_EX_FAILED: return "failed";
    case TL_EX_LAST: break;
    }
    return "?";
}

static const struct {
    const char *name, *mime;
} types[TL_FT_LAST] = {
    [TL_FT_UNKNOWN] = { "unknown", "application/octet-stream" },
    [TL_FT_TEXT] = { "text", "text/plain" },
    [TL_FT_CSV] = { "csv", "text/csv" },
    [TL_FT_TSV] = { "tsv", "text/tab-separated-values" },
    [TL_FT_HTML] = { "html", "text/html" },
    [TL_FT_PDF] = { "pdf", "application/pdf" },
    [TL_FT_DOCX] = { "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
    [TL_FT_XLSX] = { "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    [TL_FT_PPTX] = { "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
    [TL_FT_ODT] = { "odt", "application/vnd.oasis.opendocument.text" },
    [TL_FT_ODS] = { "ods", "application/vnd.oasis.opendocument.spreadsheet" },
    [TL_FT_ODP] = { "odp", "application/vnd.oasis.opendocument.presentation" },
    [TL_FT_RTF] = { "rtf", "application/rtf" },
    [TL_FT_TNEF] = { "tnef", "application/ms-tnef" },
    [TL_FT_ICS] = { "ics", "text/calendar" },
    [TL_FT_VCF] = { "vcf", "text/vcard" },
    [TL_FT_ZIP] = { "zip", "application/zip" },
    [TL_FT_7Z] = { "7z", "application/x-7z-compressed" },
    [TL_FT_TAR] = { "tar", "application/x-tar" },
    [TL_FT_GZIP] = { "gzip", "application/gzip" },
    [TL_FT_JPEG] = { "jpeg", "image/jpeg" },
    [TL_FT_PNG] = { "png", "image/png" },
    [TL_FT_GIF] = { "gif", "image/gif" },
    [TL_FT_TIFF] = { "tiff", "image/tiff" },
    [TL_FT_OLE2] = { "ole2", "application/x-ole-storage" },
    [TL_FT_MESSAGE] = { "message", "message/rfc822" },
};

const char *
tl_filetype_name(tl_filetype t)
{
    return t < TL_FT_LAST && types[t].name ? types[t].name : "unknown";
}

const char *
tl_filetype_mime(tl_filetype t)
{
    return t < TL_FT_LAST && types[t].mime ? types[t].mime : "application/octet-stream";
}

/* File name extensions and the types they claim. */
static const struct {
    const char *ext;
    tl_filetype t;
} exts[] = {
    { "txt", TL_FT_TEXT }, { "log", TL_FT_TEXT }, { "csv", TL_FT_CSV }, { "tsv", TL_FT_TSV },
    { "htm", TL_FT_HTML }, { "html", TL_FT_HTML }, { "pdf", TL_FT_PDF }, { "docx", TL_FT_DOCX },
    { "xlsx", TL_FT_XLSX }, { "pptx", TL_FT_PPTX }, { "odt", TL_FT_ODT }, { "ods", TL_FT_ODS },
    { "odp", TL_FT_ODP }, { "rtf", TL_FT_RTF }, { "dat", TL_FT_UNKNOWN }, { "ics", TL_FT_ICS },
    { "vcs", TL_FT_ICS }, { "vcf", TL_FT_VCF }, { "zip", TL_FT_ZIP }, { "7z", TL_FT_7Z },
    { "tar", TL_FT_TAR }, { "tgz", TL_FT_TAR }, { "gz", TL_FT_GZIP }, { "jpg", TL_FT_JPEG },
    { "jpeg", TL_FT_JPEG }, { "png", TL_FT_PNG }, { "gif", TL_FT_GIF }, { "tif", TL_FT_TIFF },
    { "tiff", TL_FT_TIFF }, { "doc", TL_FT_OLE2 }, { "xls", TL_FT_OLE2 }, { "msg", TL_FT_OLE2 },
    { "eml", TL_FT_MESSAGE },
};

tl_filetype
tl_filetype_declared(const char *content_type, const char *filename)
{
    if (content_type) {
        char *ct = g_ascii_strdown(content_type, -1);
        char *semi = strchr(ct, ';');
        if (semi)
            *semi = '\0';
        g_strstrip(ct);
        tl_filetype found = TL_FT_UNKNOWN;
        for (int t = 1; t < TL_FT_LAST; t++)
            if (types[t].mime && strcmp(ct, types[t].mime) == 0)
                found = (tl_filetype)t;
        if (strcmp(ct, "image/jpg") == 0 || strcmp(ct, "image/pjpeg") == 0)
            found = TL_FT_JPEG;
        else if (strcmp(ct, "application/x-zip-compressed") == 0)
            found = TL_FT_ZIP;
        else if (strcmp(ct, "application/vnd.ms-tnef") == 0)
            found = TL_FT_TNEF;
        else if (strcmp(ct, "text/rtf") == 0)
            found = TL_FT_RTF;
        else if (strcmp(ct, "text/x-vcard") == 0 || strcmp(ct, "text/directory") == 0)
            found = TL_FT_VCF;
        else if (strcmp(ct, "application/msword") == 0 || strcmp(ct, "application/vnd.ms-excel") == 0
                 || strcmp(ct, "application/vnd.ms-outlook") == 0)
            found = TL_FT_OLE2;
        g_free(ct);
        if (found != TL_FT_UNKNOWN)
            return found;
    }
    if (filename) {
        if (g_ascii_strcasecmp(filename, "winmail.dat") == 0)
            return TL_FT_TNEF;
        const char *dot = strrchr(filename, '.');
        if (dot)
            for (size_t i = 0; i < G_N_ELEMENTS(exts); i++)
                if (g_ascii_strcasecmp(dot + 1, exts[i].ext) == 0)
                    return exts[i].t;
    }
    return TL_FT_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* Sniffing                                                            */
/* ------------------------------------------------------------------ */

static int
starts(const guint8 *d, size_t n, const char *magic, size_t m)
{
    return n >= m && memcmp(d, magic, m) == 0;
}

/* Whether the first line (after blanks and a BOM) starts with word, any case. */
static int
first_line_is(const guint8 *d, size_t n, const char *word)
{
    size_t i = 0, w = strlen(word);
    if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < n && g_ascii_isspace(d[i]))
        i++;
    return n - i >= w && g_ascii_strncasecmp((const char *)d + i, word, w) == 0;
}

/* The type of a zip from its member names. */
static tl_filetype
sniff_zip(const guint8 *d, size_t n)
{
    /* OpenDocument's first member is "mimetype", stored, holding the type. */
    static const char odf[] = "mimetypeapplication/vnd.oasis.opendocument.";
    const guint8 *m = memmem(d, MIN(n, 200), odf, sizeof odf - 1);
    if (m) {
        const char *k = (const char *)m + sizeof odf - 1;
        size_t left = n - (size_t)((const guint8 *)k - d);
        if (left >= 4 && strncmp(k, "text", 4) == 0)
            return TL_FT_ODT;
        if (left >= 11 && strncmp(k, "spreadsheet", 11) == 0)
            return TL_FT_ODS;
        if (left >= 12 && strncmp(k, "presentation", 12) == 0)
            return TL_FT_ODP;
    }
    GPtrArray *names = tl_ex_zip_names(d, n, 4000);
    tl_filetype t = TL_FT_ZIP;
    int ct = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *nm = names->pdata[i];
        if (strcmp(nm, "[Content_Types].xml") == 0)
            ct = 1;
        else if (g_str_has_prefix(nm, "word/"))
            t = TL_FT_DOCX;
        else if (g_str_has_prefix(nm, "xl/"))
            t = TL_FT_XLSX;
        else if (g_str_has_prefix(nm, "ppt/"))
            t = TL_FT_PPTX;
    }
    g_ptr_array_unref(names);
    return ct ? t : TL_FT_ZIP;
}

/* The most frequent count of sep outside double quotes over the first
 * lines, when every one of at least two lines has it (and it is > 0). */
static int
constant_count(const guint8 *d, size_t n, char sep)
{
    int lines = 0, want = -1;
    size_t i = 0;
    n = MIN(n, 8192);
    while (i < n && lines < 12) {
        int c = 0, q = 0;
        size_t start = i;
        while (i < n && (q || (d[i] != '\n'))) {
            if (d[i] == '"')
                q = !q;
            else if (!q && d[i] == (guint8)sep)
                c++;
            i++;
        }
        if (i >= n && lines >= 2)
            break;                  /* a cut last line is not judged */
        i++;
        if (i - start <= 2)
            continue;               /* blank lines */
        if (want < 0)
            want = c;
        else if (c != want)
            return 0;
        lines++;
    }
    return lines >= 2 && want > 0 ? want : 0;
}

/* Text: no NUL and few control bytes in the first 4 KiB. */
static int
looks_text(const guint8 *d, size_t n)
{
    size_t m = MIN(n, 4096), bad = 0;
    for (size_t i = 0; i < m; i++) {
        if (d[i] == 0)
            return 0;
        if (d[i] < 0x20 && d[i] != '\n' && d[i] != '\r' && d[i] != '\t' && d[i] != '\f')
            bad++;
    }
    return bad * 50 <= m;
}

tl_filetype
tl_sniff_type(const guint8 *d, size_t n)
{
    if (n == 0)
        return TL_FT_UNKNOWN;
    if (memmem(d, MIN(n, 1024), "%PDF-", 5))
        return TL_FT_PDF;
    if (starts(d, n, "PK\x03\x04", 4) || starts(d, n, "PK\x05\x06", 4))
        return sniff_zip(d, n);
    if (starts(d, n, "7z\xbc\xaf\x27\x1c", 6))
        return TL_FT_7Z;
    if (n > 262 && memcmp(d + 257, "ustar", 5) == 0)
        return TL_FT_TAR;
    if (starts(d, n, "\x1f\x8b", 2) || starts(d, n, "BZh", 3) || starts(d, n, "\xfd" "7zXZ\0", 6)
        || starts(d, n, "\x28\xb5\x2f\xfd", 4))
        return TL_FT_GZIP;      /* tar.* is told apart when it is opened */
    if (starts(d, n, "\x78\x9f\x3e\x22", 4))
        return TL_FT_TNEF;
    if (starts(d, n, "\xff\xd8\xff", 3))
        return TL_FT_JPEG;
    if (starts(d, n, "\x89PNG\r\n\x1a\n", 8))
        return TL_FT_PNG;
    if (starts(d, n, "GIF87a", 6) || starts(d, n, "GIF89a", 6))
        return TL_FT_GIF;
    if (starts(d, n, "II*\0", 4) || starts(d, n, "MM\0*", 4))
        return TL_FT_TIFF;
    if (starts(d, n, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
        return TL_FT_OLE2;
    if (first_line_is(d, n, "{\\rtf"))
        return TL_FT_RTF;
    if (first_line_is(d, n, "BEGIN:VCALENDAR"))
        return TL_FT_ICS;
    if (first_line_is(d, n, "BEGIN:VCARD"))
        return TL_FT_VCF;
    if (first_line_is(d, n, "<!DOCTYPE html") || first_line_is(d, n, "<html"))
        return TL_FT_HTML;
    if (!looks_text(d, n))
        return TL_FT_UNKNOWN;
    /* Runs of tabs align typed columns: that is text, not TSV. */
    if (constant_count(d, n, '\t') && !memmem(d, MIN(n, 8192), "\t\t", 2))
        return TL_FT_TSV;
    if (constant_count(d, n, ','))
        return TL_FT_CSV;
    return TL_FT_TEXT;
}

/* Types that count as the same for a mismatch (a CSV named .txt). */
static int
compatible(tl_filetype declared, tl_filetype sniffed)
{
    if (declared == sniffed || declared == TL_FT_UNKNOWN)
        return 1;
    int dt = declared == TL_FT_TEXT || declared == TL_FT_CSV || declared == TL_FT_TSV || declared == TL_FT_ICS
             || declared == TL_FT_VCF;
    int st = sniffed == TL_FT_TEXT || sniffed == TL_FT_CSV || sniffed == TL_FT_TSV;
    if (dt && st)
        return 1;
    if ((declared == TL_FT_TAR || declared == TL_FT_GZIP) && (sniffed == TL_FT_TAR || sniffed == TL_FT_GZIP))
        return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* UTF-8 checks a word at a time                                        */
/* ------------------------------------------------------------------ */

size_t
tl_ascii_prefix(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        guint64 w;
        memcpy(&w, s + i, 8);
        if (w & G_GUINT64_CONSTANT(0x8080808080808080))
            break;
    }
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    return i;
}

/* By stretches: an ASCII byte is never part of a longer sequence, so the
 * text is valid when its ASCII stretches hold no NUL (which GLib refuses)
 * and each stretch of the other bytes is valid on its own; GLib, which
 * reads a byte at a time, then sees only the latter. */
int
tl_utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t a = tl_ascii_prefix(s + i, n - i);
        if (memchr(s + i, '\0', a))
            return 0;
        i += a;
        size_t j = i;
        while (j < n && (unsigned char)s[j] >= 0x80)
            j++;
        if (!g_utf8_validate_len(s + i, j - i, NULL))
            return 0;
        i = j;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Building a result                                                   */
/* ------------------------------------------------------------------ */

int
tl_ex_append(tl_ex *x, const char *s, size_t n)
{
    GString *t = x->r->text;
    if (x->text_full)
        return 0;
    /* Made valid first: a replaced byte takes three, and the text must stay
     * within max_text (a longer text made the room below negative). */
    char *v = NULL;
    if (!tl_utf8_valid(s, n)) {
        v = g_utf8_make_valid(s, (gssize)n);
        s = v;
        n = strlen(v);
    }
    if (n > x->lim->max_text - t->len) {
        const char *end = s + (x->lim->max_text - t->len);
        /* Cut on a character boundary. */
        while (end > s && ((guchar)*end & 0xc0) == 0x80)
            end--;
        n = (size_t)(end - s);
        x->text_full = 1;
        tl_ex_anomaly(x, "limit: text per attachment (%zu bytes) reached", x->lim->max_text);
    }
    g_string_append_len(t, s, (gssize)n);
    g_free(v);
    return !x->text_full;
}

int
tl_ex_append_c(tl_ex *x, char c)
{
    return tl_ex_append(x, &c, 1);
}

void
tl_ex_newline(tl_ex *x)
{
    GString *t = x->r->text;
    if (t->len && t->str[t->len - 1] != '\n')
        tl_ex_append_c(x, '\n');
}

void
tl_ex_section_end(tl_ex *x)
{
    GArray *s = x->r->sections;
    if (s->len) {
        tl_extract_section *last = &g_array_index(s, tl_extract_section, s->len - 1);
        if (last->len == (size_t)-1)
            last->len = x->r->text->len - last->off;
        if (last->len == 0)
            g_array_remove_index(s, s->len - 1);   /* an empty header or footer */
    }
}

void
tl_ex_section(tl_ex *x, const char *name)
{
    tl_ex_section_end(x);
    tl_extract_section sec = { g_strdup(name), x->r->text->len, (size_t)-1 };
    g_array_append_val(x->r->sections, sec);
}

void
tl_ex_anomaly(tl_ex *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *f = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* Member names come from the file as they are: valid UTF-8 for the
     * database and the reports. */
    char *s = g_utf8_make_valid(f, -1);
    g_free(f);
    /* The same limit reached many times is one anomaly. */
    for (guint i = 0; i < x->r->anomalies->len; i++)
        if (strcmp(x->r->anomalies->pdata[i], s) == 0) {
            g_free(s);
            return;
        }
    g_ptr_array_add(x->r->anomalies, s);
}

void
tl_ex_fail(tl_ex *x, tl_extract_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *f = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_free(x->r->reason);
    x->r->reason = g_utf8_make_valid(f, -1);
    g_free(f);
    x->r->status = s;
}

int
tl_ex_child(tl_ex *x, const char *name, const void *data, size_t n)
{
    if ((int)x->r->children->len >= x->lim->max_children) {
        tl_ex_anomaly(x, "limit: children per attachment (%d) reached", x->lim->max_children);
        return 0;
    }
    tl_extract_child *c = g_new0(tl_extract_child, 1);
    c->name = g_strdup(name && *name ? name : "unnamed");
    c->bytes = g_bytes_new(data, n);
    g_ptr_array_add(x->r->children, c);
    return 1;
}

static void
child_free(gpointer p)
{
    tl_extract_child *c = p;
    g_free(c->name);
    g_bytes_unref(c->bytes);
    g_free(c);
}

static void
section_clear(gpointer p)
{
    g_free(((tl_extract_section *)p)->name);
}

static void
image_free(gpointer p)
{
    tl_image_info_clear(p);
    g_free(p);
}

void
tl_image_info_clear(tl_image_info *i)
{
    g_free(i->time);
    g_free(i->make);
    g_free(i->model);
    i->time = i->make = i->model = NULL;
}

void
tl_extract_result_free(tl_extract_result *r)
{
    if (!r)
        return;
    g_free(r->reason);
    g_string_free(r->text, TRUE);
    g_array_unref(r->sections);
    g_ptr_array_unref(r->tables);
    g_ptr_array_unref(r->images);
    g_ptr_array_unref(r->children);
    g_ptr_array_unref(r->anomalies);
    tl_image_info_clear(&r->image);
    g_free(r);
}

/* ------------------------------------------------------------------ */
/* Plain text, CSV and TSV                                             */
/* ------------------------------------------------------------------ */

/* Text as UTF-8: itself when valid, else read as Windows-1252. */
static void
ex_text(tl_ex *x, const guint8 *data, size_t len, tl_filetype t)
{
    char *conv = NULL;
    const char *s = (const char *)data;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (!tl_utf8_valid(s, len)) {
        gsize w = 0;
        conv = g_convert(s, (gssize)len, "UTF-8", "WINDOWS-1252", NULL, &w, NULL);
        if (conv) {
            s = conv;
            len = w;
        }
    }
    tl_ex_append(x, s, len);
    const char *text = x->r->text->str;
    size_t n = x->r->text->len;
    if (x->lim->find_tables && (t == TL_FT_CSV || t == TL_FT_TSV)) {
        tl_table *tb = tl_table_parse_delimited(text, n, t == TL_FT_CSV ? ',' : '\t', x->lim->max_sheet_cells);
        if (tb)
            g_ptr_array_add(x->r->tables, tb);
    } else if (x->lim->find_tables) {
        tl_tables_detect(text, n, x->r->tables);
    }
    g_free(conv);
}

/* ------------------------------------------------------------------ */
/* The entry point                                                     */
/* ------------------------------------------------------------------ */

static tl_extract_result *
result_new(tl_filetype type)
{
    tl_extract_result *r = g_new0(tl_extract_result, 1);
    r->text = g_string_new(NULL);
    r->sections = g_array_new(FALSE, TRUE, sizeof(tl_extract_section));
    g_array_set_clear_func(r->sections, section_clear);
    r->tables = g_ptr_array_new_with_free_func(tl_table_free);
    r->images = g_ptr_array_new_with_free_func(image_free);
    r->children = g_ptr_array_new_with_free_func(child_free);
    r->anomalies = g_ptr_array_new_with_free_func(g_free);
    r->status = TL_EX_TEXT;
    r->type = type;
    return r;
}

static void dispatch(tl_ex *x, const guint8 *data, size_t len);

tl_extract_result *
tl_extract(const guint8 *data, size_t len, const char *declared_type, const char *filename, int depth,
           const tl_extract_limits *lim)
{
    tl_extract_limits def;
    if (!lim) {
        tl_extract_limits_init(&def);
        lim = &def;
    }
    tl_extract_result *r = result_new(tl_sniff_type(data, len));
    tl_ex x = { r, lim, 0, 0 };

    tl_filetype declared = tl_filetype_declared(declared_type, filename);
    if (!compatible(declared, r->type))
        tl_ex_anomaly(&x, "type mismatch: declared %s, sniffed %s", tl_filetype_name(declared),
                      tl_filetype_name(r->type));
    if (depth > lim->max_depth) {
        tl_ex_anomaly(&x, "limit: nesting depth (%d) reached", lim->max_depth);
        tl_ex_fail(&x, TL_EX_TOO_LARGE, "nested %d deep", depth);
        return r;
    }
    if (len > lim->max_input) {
        tl_ex_anomaly(&x, "limit: attachment size (%zu bytes) reached", lim->max_input);
        tl_ex_fail(&x, TL_EX_TOO_LARGE, "%zu bytes", len);
        return r;
    }
    dispatch(&x, data, len);
    return r;
}

tl_extract_result *
tl_extract_as(tl_filetype type, const guint8 *data, size_t len, const tl_extract_limits *lim)
{
    tl_extract_limits def;
    if (!lim) {
        tl_extract_limits_init(&def);
        lim = &def;
    }
    tl_extract_result *r = result_new(type);
    tl_ex x = { r, lim, 0, 0 };
    dispatch(&x, data, len);
    return r;
}

/* The extractor of x->r->type. */
static void
dispatch(tl_ex *x, const guint8 *data, size_t len)
{
    tl_extract_result *r = x->r;
    switch (r->type) {
    case TL_FT_TEXT:
    case TL_FT_CSV:
    case TL_FT_TSV:
        ex_text(x, data, len, r->type);
        break;
    case TL_FT_PDF:
        tl_ex_pdf(x, data, len);
        break;
    case TL_FT_DOCX:
    case TL_FT_XLSX:
    case TL_FT_PPTX:
    case TL_FT_ODT:
    case TL_FT_ODS:
    case TL_FT_ODP:
        tl_ex_office(x, data, len, r->type);
        break;
    case TL_FT_RTF:
        tl_ex_rtf(x, (const char *)data, len);
        break;
    case TL_FT_TNEF:
        tl_ex_tnef(x, data, len);
        break;
    case TL_FT_ICS:
        tl_ex_ical(x, (const char *)data, len);
        break;
    case TL_FT_VCF:
        tl_ex_vcard(x, (const char *)data, len);
        break;
    case TL_FT_ZIP:
    case TL_FT_7Z:
    case TL_FT_TAR:
    case TL_FT_GZIP:
        tl_ex_archive(x, data, len);
        break;
    case TL_FT_JPEG:
    case TL_FT_PNG:
    case TL_FT_GIF:
    case TL_FT_TIFF:
        tl_ex_image(x, data, len);
        break;
    case TL_FT_HTML:
    case TL_FT_MESSAGE:
        tl_ex_fail(x, TL_EX_UNSUPPORTED, "%s is read by the message parser", tl_filetype_name(r->type));
        break;
    case TL_FT_OLE2:
        tl_ex_fail(x, TL_EX_UNSUPPORTED, "OLE2 compound file (.doc, .xls, .msg) is not read");
        break;
    case TL_FT_UNKNOWN:
    case TL_FT_LAST:
        tl_ex_fail(x, TL_EX_UNSUPPORTED, "unknown type");
        break;
    }
    tl_ex_section_end(x);
}
