/*
 * text.c - the text of every part of a message, ready for the detectors
 * (research/sensitive-content.md section 4.1).
 *
 * Walks the MIME tree GMime built: text/plain and text/html parts, text
 * attachments (txt, csv, tsv, vcf, ics) and attached messages (recursed).
 * Every other leaf goes to the attachment extractors (parsers/extract/):
 * the text of a PDF, an Office or OpenDocument file, an RTF, a TNEF, a
 * calendar or a vCard becomes one more text part at the attachment's path;
 * the members of archives and TNEF files, at "PATH/NAME/N", are extracted
 * in turn (messages among them parsed and walked); each attachment is a
 * row for the attachments table when the caller asks for them.
 * Each part's content is decoded (transfer encoding by GMime), converted to
 * UTF-8 from its declared charset or, when undeclared or wrong, from the
 * fallback charset (GLib's g_convert), HTML reduced to its visible text by
 * libxml2's HTML parser (block elements as line breaks, table cells as tabs,
 * JSON-LD blocks and alt/title text kept aside), then normalised: NFKC,
 * invisible characters dropped, Unicode dashes and spaces folded to ASCII,
 * with a map from every byte of the result back to the part's text so that
 * evidence offsets stay exact.
 *
 * Limits: each part is cut at max_part bytes and the message's text at
 * max_total; either cut is an anomaly string, not a silent loss.
 */
#include <errno.h>
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <string.h>

#include "parsers/extract/extract.h"
#include "parsers/parsers.h"

void
tl_text_limits_init(tl_text_limits *l)
{
    l->max_part = 8u << 20;
    l->max_total = 32u << 20;
    l->fallback_charset = "windows-1252";
    l->max_depth = 8;
    tl_extract_limits x;
    tl_extract_limits_init(&x);
    l->pdf_pages = x.max_pdf_pages;
    l->pdf_seconds = x.max_pdf_seconds;
    l->sheet_cells = x.max_sheet_cells;
    l->xml_bytes = x.max_xml_bytes;
    l->unpacked = x.max_unpacked;
    l->xml_entities = x.max_entities;
}

static void
text_part_free(gpointer p)
{
    tl_text_part *t = p;
    g_free(t->path);
    g_free(t->content_type);
    g_free(t->filename);
    g_free(t->charset);
    g_free(t->text);
    g_free(t->map);
    g_free(t->jsonld);
    g_free(t->attr_text);
    g_free(t->microdata);
    if (t->tables)
        g_ptr_array_unref(t->tables);
    g_free(t);
}

/* ------------------------------------------------------------------ */
/* HTML: visible text through libxml2's SAX interface                  */
/* ------------------------------------------------------------------ */

/* An open element with an itemprop whose value is its text. */
typedef struct {
    int depth;
    char *name;
    size_t from;    /* in out */
} html_prop;

typedef struct {
    GString *out;
    GString *jsonld;
    GString *attrs;
    GString *micro;     /* microdata: "itemscope TYPE" and "prop=value" lines */
    GArray *props;      /* of html_prop, innermost last */
    int depth;
    int skip;       /* inside script/style/head title...: depth */
    int in_jsonld;
} html_ctx;

static const char *
attr(const xmlChar **atts, const char *name)
{
    for (int i = 0; atts && atts[i]; i += 2)
        if (g_ascii_strcasecmp((const char *)atts[i], name) == 0)
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* Microdata (itemscope, itemtype, itemprop): a scope is a line naming its
 * type; a property with a value in an attribute (meta content, link href,
 * time datetime) is a line at once, one whose value is its text when its
 * element closes. */
static void
micro_start(html_ctx *c, const xmlChar **atts)
{
    const char *prop = attr(atts, "itemprop"), *scope = attr(atts, "itemscope");
    if (!prop && !scope)
        return;
    if (scope) {
        const char *type = attr(atts, "itemtype");
        g_string_append_printf(c->micro, "%s%sitemscope %s\n", prop ? prop : "", prop ? ": " : "", type ? type : "");
        return;
    }
    const char *v = attr(atts, "content");
    if (!v)
        v = attr(atts, "datetime");
    if (!v)
        v = attr(atts, "href");
    if (!v)
        v = attr(atts, "src");
    if (v) {
        g_string_append_printf(c->micro, "%s=%s\n", prop, v);
        return;
    }
    html_prop hp = { c->depth, g_strdup(prop), c->out->len };
    g_array_append_val(c->props, hp);
}

static void
micro_end(html_ctx *c)
{
    while (c->props->len) {
        html_prop *hp = &g_array_index(c->props, html_prop, c->props->len - 1);
        if (hp->depth < c->depth)
            break;
        char *v = g_strstrip(g_strndup(c->out->str + hp->from, c->out->len - hp->from));
        for (char *x = v; *x; x++)
            if (*x == '\n' || *x == '\t')
                *x = ' ';
        g_string_append_printf(c->micro, "%s=%s\n", hp->name, v);
        g_free(v);
        g_free(hp->name);
        g_array_set_size(c->props, c->props->len - 1);
    }
}

static int
is_block(const char *n)
{
    static const char *const blocks[] = {
        "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "section", "article", "header", "footer", "dl", "dt", "dd",
        "address", "tbody", "thead", "caption", "form", "fieldset", "nav", "main", "aside",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(blocks); i++)
        if (g_ascii_strcasecmp(n, blocks[i]) == 0)
            return 1;
    return 0;
}

static void
newline(GString *s)
{
    if (s->len && s->str[s->len - 1] != '\n')
        g_string_append_c(s, '\n');
}

static void
html_start(void *ud, const xmlChar *name, const xmlChar **atts)
{
    html_ctx *c = ud;
    const char *n = (const char *)name;
    if (g_ascii_strcasecmp(n, "script") == 0 || g_ascii_strcasecmp(n, "style") == 0 ||
        g_ascii_strcasecmp(n, "noscript") == 0 || g_ascii_strcasecmp(n, "template") == 0) {
        c->skip++;
        for (int i = 0; atts && atts[i]; i += 2)
            if (g_ascii_strcasecmp((const char *)atts[i], "type") == 0 && atts[i + 1] &&
                g_ascii_strcasecmp((const char *)atts[i + 1], "application/ld+json") == 0)
                c->in_jsonld = 1;
        return;
    }
    c->depth++;
    micro_start(c, atts);
    for (int i = 0; atts && atts[i]; i += 2)
        if (atts[i + 1] && (g_ascii_strcasecmp((const char *)atts[i], "alt") == 0 ||
                            g_ascii_strcasecmp((const char *)atts[i], "title") == 0)) {
            g_string_append(c->attrs, (const char *)atts[i + 1]);
            g_string_append_c(c->attrs, '\n');
        }
    if (g_ascii_strcasecmp(n, "td") == 0 || g_ascii_strcasecmp(n, "th") == 0) {
        if (c->out->len && c->out->str[c->out->len - 1] != '\n')
            g_string_append_c(c->out, '\t');
    } else if (is_block(n))
        newline(c->out);
}

static void
html_end(void *ud, const xmlChar *name)
{
    html_ctx *c = ud;
    const char *n = (const char *)name;
    if (g_ascii_strcasecmp(n, "script") == 0 || g_ascii_strcasecmp(n, "style") == 0 ||
        g_ascii_strcasecmp(n, "noscript") == 0 || g_ascii_strcasecmp(n, "template") == 0) {
        if (c->skip)
            c->skip--;
        if (c->in_jsonld)
            g_string_append_c(c->jsonld, '\n');
        c->in_jsonld = 0;
        return;
    }
    if (is_block(n))
        newline(c->out);
    micro_end(c);
    if (c->depth)
        c->depth--;
}

static void
html_chars(void *ud, const xmlChar *ch, int len)
{
    html_ctx *c = ud;
    if (c->in_jsonld)
        g_string_append_len(c->jsonld, (const char *)ch, len);
    else if (!c->skip)
        g_string_append_len(c->out, (const char *)ch, len);
}

static void
html_silent(void *ud, const char *msg, ...)
{
    (void)ud;
    (void)msg;
}

/* The visible text of UTF-8 HTML. */
static char *
html_to_text(const char *html, size_t len, char **jsonld, char **attrs, char **micro)
{
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = html_start;
    sax.endElement = html_end;
    sax.characters = html_chars;
    sax.cdataBlock = html_chars;
    sax.warning = html_silent;
    sax.error = html_silent;
    html_ctx c = { g_string_sized_new(len / 2 + 16), g_string_new(NULL), g_string_new(NULL), g_string_new(NULL),
                   g_array_new(FALSE, FALSE, sizeof(html_prop)), 0, 0, 0 };
    htmlParserCtxtPtr ctx = htmlCreatePushParserCtxt(&sax, &c, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
    if (ctx) {
        htmlCtxtUseOptions(ctx, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                    HTML_PARSE_IGNORE_ENC | HTML_PARSE_RECOVER);
        size_t off = 0;
        do {    /* in slices: htmlParseChunk takes an int; the last one ends the document */
            size_t n = MIN(len - off, (size_t)1 << 20);
            htmlParseChunk(ctx, html + off, (int)n, off + n == len);
            off += n;
        } while (off < len);
        htmlFreeParserCtxt(ctx);
    }
    c.depth = 0;
    micro_end(&c);      /* properties left open by broken HTML */
    g_array_free(c.props, TRUE);
    *jsonld = g_string_free(c.jsonld, c.jsonld->len == 0);
    *attrs = g_string_free(c.attrs, c.attrs->len == 0);
    *micro = g_string_free(c.micro, c.micro->len == 0);
    return g_string_free(c.out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Normalisation with an offset map                                    */
/* ------------------------------------------------------------------ */


static int
invisible(gunichar u)
{
    return (u >= 0x200B && u <= 0x200D) || u == 0x2060 || u == 0xFEFF || u == 0x00AD;
}

/* The normalised text being built: its bytes and, for each, its place in
 * the input (the offset map).  Written in place rather than a byte at a
 * time through GString and GArray calls. */
typedef struct {
    char *s;
    guint32 *m;
    size_t len, cap;
} norm_buf;

/* Room for k more bytes, the closing NUL and the map's last entry. */
static void
norm_room(norm_buf *b, size_t k)
{
    if (b->len + k + 1 <= b->cap)
        return;
    b->cap = MAX(b->cap * 2, b->len + k + 1);
    b->s = g_realloc(b->s, b->cap);
    b->m = g_realloc_n(b->m, b->cap, sizeof *b->m);
}

/* Appends k bytes, each placed at input offset at. */
static void
norm_put(norm_buf *b, const char *s, size_t k, guint32 at)
{
    norm_room(b, k);
    memcpy(b->s + b->len, s, k);
    for (size_t j = 0; j < k; j++)
        b->m[b->len + j] = at;
    b->len += k;
}

/* A character's NFKC form, remembered for the rest of a text: a text
 * repeats its few accented letters and typographic marks, and each
 * g_utf8_normalize call allocates (it was most of the time of a text in
 * French or German).  Direct-mapped by the code point; a form too long for
 * a slot is not remembered. */
typedef struct {
    gunichar u;         /* 0: empty (the characters remembered are beyond ASCII) */
    guint8 len;
    char nf[27];
} nfkc_slot;

#define NFKC_SLOTS 64

/* Appends the NFKC form of the segment s (n bytes at input offset at: a
 * character and the combining marks after it); u: its one character when
 * it has no marks (then the form is remembered in memo), else 0. */
static void
put_nfkc(norm_buf *b, const char *s, size_t n, guint32 at, gunichar u, nfkc_slot *memo)
{
    nfkc_slot *slot = u ? &memo[u % NFKC_SLOTS] : NULL;
    if (slot && slot->u == u) {
        norm_put(b, slot->nf, slot->len, at);
        return;
    }
    char *nf = g_utf8_normalize(s, (gssize)n, G_NORMALIZE_NFKC);
    if (nf) {
        size_t len = strlen(nf);
        norm_put(b, nf, len, at);
        if (slot && len <= sizeof slot->nf) {
            slot->u = u;
            slot->len = (guint8)len;
            memcpy(slot->nf, nf, len);
        }
    }
    g_free(nf);
}

void
tl_text_normalise(const char *in, size_t n, char **out, guint32 **map, size_t *out_len)
{
    nfkc_slot memo[NFKC_SLOTS];
    memset(memo, 0, sizeof memo);
    norm_buf b = { NULL, NULL, 0, 0 };
    norm_room(&b, n + 16);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x80) {
            /* an ASCII run is itself; its last byte stays out when a
             * combining mark follows it */
            size_t e = i + tl_ascii_prefix(in + i, n - i);
            if (e < n && e > i && g_unichar_combining_class(g_utf8_get_char(in + e)) != 0)
                e--;
            if (e > i) {
                norm_room(&b, e - i);
                memcpy(b.s + b.len, in + i, e - i);
                for (size_t k = i; k < e; k++)
                    b.m[b.len++] = (guint32)k;
                i = e;
                continue;
            }
        }
        /* one segment: a character and the combining marks after it */
        size_t start = i;
        gunichar u = g_utf8_get_char(in + i);
        i = (size_t)(g_utf8_next_char(in + i) - in);
        int alone = 1;      /* no combining mark after it */
        while (i < n && (unsigned char)in[i] >= 0x80 &&
               g_unichar_combining_class(g_utf8_get_char(in + i)) != 0) {
            i = (size_t)(g_utf8_next_char(in + i) - in);
            alone = 0;
        }
        if (invisible(u) && alone)
            continue;
        if ((u >= 0x2010 && u <= 0x2015) || u == 0x2212)
            norm_put(&b, "-", 1, (guint32)start);
        else if (u == 0x00A0 || u == 0x202F || u == 0x2007)
            norm_put(&b, " ", 1, (guint32)start);
        else
            put_nfkc(&b, in + start, i - start, (guint32)start, alone ? u : 0, memo);
    }
    norm_room(&b, 0);
    b.s[b.len] = '\0';
    b.m[b.len] = (guint32)n;
    *out_len = b.len;
    *out = b.s;
    *map = b.m;
}

/* ------------------------------------------------------------------ */
/* Quoted replies                                                      */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Tables: one layout for the detectors                                */
/* ------------------------------------------------------------------ */

/* Appends n bytes of src to out with their places in the decoded text. */
static void
put_mapped(GString *out, GArray *map, const char *src, const guint32 *src_map, size_t n)
{
    g_string_append_len(out, src, (gssize)n);
    g_array_append_vals(map, src_map, (guint)n);
}

static void
put_byte(GString *out, GArray *map, char c, guint32 at)
{
    g_string_append_c(out, c);
    g_array_append_val(map, at);
}

/* A cell's value, each byte placed where it sits in the raw cell (the
 * value is the raw span trimmed and, for CSV, unquoted): where the value
 * is found whole in the span, its bytes and their places are copied at
 * once.  Most values start right after the span's leading blanks, and
 * none can start earlier (it would start with a blank, which the value
 * does not where it matches there), so that place is tried before
 * memmem. */
static void
put_cell(GString *out, GArray *map, const tl_text_part *t, const tl_cell *c)
{
    size_t vn = strlen(c->text);
    const char *raw = t->text + c->off, *in = NULL;
    if (vn && c->len) {
        size_t lead = 0;
        while (lead < c->len && g_ascii_isspace(raw[lead]))
            lead++;
        in = lead + vn <= c->len && memcmp(raw + lead, c->text, vn) == 0 ? raw + lead
                                                                          : memmem(raw, c->len, c->text, vn);
    }
    if (in) {
        put_mapped(out, map, c->text, t->map + (in - t->text), vn);
        return;
    }
    for (size_t k = 0; k < vn; k++)
        put_byte(out, map, c->text[k], t->map[MIN(c->off, t->len)]);
}

static void
put_row(GString *out, GArray *map, const tl_text_part *t, const GPtrArray *row)
{
    for (guint j = 0; j < row->len; j++) {
        const tl_cell *c = row->pdata[j];
        if (j)
            put_byte(out, map, '\t', t->map[MIN(c->off, t->len)]);
        put_cell(out, map, t, c);
    }
    const tl_cell *last = row->pdata[row->len - 1];
    put_byte(out, map, '\n', t->map[MIN(last->off + last->len, t->len)]);
}

/* Tables typed into a part (pipe tables, columns aligned with spaces) and
 * the rows of a CSV part are rewritten as tab-separated rows, the layout
 * sheets, documents and HTML tables already come in: the same list then
 * gives the detectors the same rows and header whatever its layout
 * (docs/extraction.md).  The map keeps every byte's place in the decoded
 * text, so evidence offsets stay exact.  A CSV part is read as a table up
 * to max_cells (--max-sheet-cells); the rest stays as written. */
static void
tabulate(tl_text_part *t, int csv, size_t max_cells)
{
    GPtrArray *tables = g_ptr_array_new_with_free_func(tl_table_free);
    if (csv) {
        tl_table *tb = tl_table_parse_delimited(t->text, t->len, ',', max_cells);
        if (tb)
            g_ptr_array_add(tables, tb);
    } else {
        tl_tables_detect(t->text, t->len, tables);
    }
    t->tables = tables;
    GString *out = NULL;
    GArray *map = NULL;
    size_t pos = 0;
    for (guint i = 0; i < tables->len; i++) {
        const tl_table *tb = tables->pdata[i];
        if (strcmp(tb->source, "tabs") == 0 || !tb->rows->len)
            continue;
        /* The lines the table spans. */
        size_t lo = t->len, hi = 0;
        const GPtrArray *last_row = tb->rows->pdata[tb->rows->len - 1];
        const tl_cell *first = tb->header->len ? tb->header->pdata[0] : ((GPtrArray *)tb->rows->pdata[0])->pdata[0];
        const tl_cell *lastc = last_row->pdata[last_row->len - 1];
        lo = first->off;
        hi = lastc->off + lastc->len;
        while (lo > 0 && t->text[lo - 1] != '\n')
            lo--;
        while (hi < t->len && t->text[hi] != '\n')
            hi++;
        if (lo < pos || hi > t->len)
            continue;
        if (!out) {
            out = g_string_sized_new(t->len + 16);
            map = g_array_sized_new(FALSE, FALSE, sizeof(guint32), (guint)t->len + 16);
        }
        put_mapped(out, map, t->text + pos, t->map + pos, lo - pos);
        if (tb->header->len)
            put_row(out, map, t, tb->header);
        for (guint k = 0; k < tb->rows->len; k++)
            put_row(out, map, t, tb->rows->pdata[k]);
        pos = hi < t->len ? hi + 1 : hi;
    }
    if (!out)
        return;     /* the tables found are the part's: their offsets are into its text */
    put_mapped(out, map, t->text + pos, t->map + pos, t->len - pos);
    guint32 end = t->map[t->len];
    g_array_append_val(map, end);
    g_free(t->text);
    g_free(t->map);
    t->len = out->len;
    t->text = g_string_free(out, FALSE);
    t->map = (guint32 *)(void *)g_array_free(map, FALSE);
    /* the part's tables, found again in the rewritten text: tab-separated
     * rows, with offsets into it */
    g_ptr_array_set_size(tables, 0);
    tl_tables_detect(t->text, t->len, tables);
}

/* The tables of an HTML part's visible text: its table cells are
 * tab-separated already. */
static void
html_tables(tl_text_part *t)
{
    t->tables = g_ptr_array_new_with_free_func(tl_table_free);
    if (memchr(t->text, '\t', t->len))
        tl_tables_detect(t->text, t->len, t->tables);
}

/* The offset where a forwarded or replied-to copy starts ("-----Original
 * Message-----", "On ... wrote:", "Begin forwarded message:"), or len. */
static size_t
quote_start(const char *t, size_t len)
{
    static const char *const starts[] = {
        "-----Original Message-----", "---------- Forwarded message", "Begin forwarded message:",
    };
    size_t pos = 0;
    while (pos < len) {
        const char *eol = memchr(t + pos, '\n', len - pos);
        size_t end = eol ? (size_t)(eol - t) : len, b = pos, e = end;
        while (b < e && g_ascii_isspace(t[b]))
            b++;
        while (e > b && g_ascii_isspace(t[e - 1]))
            e--;
        size_t l = e - b;
        for (size_t i = 0; i < G_N_ELEMENTS(starts); i++)
            if (l >= strlen(starts[i]) && memcmp(t + b, starts[i], strlen(starts[i])) == 0)
                return pos;
        if (l >= 9 && memcmp(t + b, "On ", 3) == 0 && memcmp(t + e - 6, "wrote:", 6) == 0)
            return pos;
        pos = end + 1;
    }
    return len;
}


/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
    const tl_text_limits *lim;
    GPtrArray *parts;
    GPtrArray *anomalies;
    size_t total;
    GPtrArray *attachments;     /* of tl_attachment*, or NULL */
    tl_extract_limits xlim;
} walk_ctx;

static int
text_attachment(const char *filename)
{
    static const char *const ext[] = { ".txt", ".csv", ".tsv", ".vcf", ".ics", ".log", ".text" };
    if (!filename)
        return 0;
    char *lower = g_ascii_strdown(filename, -1);
    int ok = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(ext) && !ok; i++)
        ok = g_str_has_suffix(lower, ext[i]);
    g_free(lower);
    return ok;
}

GByteArray *
tl_part_bytes(GMimePart *part)
{
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    if (!w)
        return NULL;
    /* sized for the decoded bytes at once: the content's length bounds
     * them (three quarters of it for base64), so the buffer never grows
     * and copies itself while GMime writes */
    gint64 enc = g_mime_stream_length(g_mime_data_wrapper_get_stream(w));
    gint64 cap = g_mime_data_wrapper_get_encoding(w) == GMIME_CONTENT_ENCODING_BASE64 ? enc / 4 * 3 + 3 : enc;
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(
        g_byte_array_sized_new(cap > 0 && cap < G_MAXINT ? (guint)cap : 0));
    g_mime_data_wrapper_write_to_stream(w, mem);
    /* take the stream's buffer rather than copy it */
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_object_unref(mem);
    return ba;
}

/* Bytes in charset `from` as UTF-8, each byte iconv rejects replaced by
 * U+FFFD (counted in *bad); NULL when iconv does not know the charset. */
static char *
convert_lossy(const guint8 *b, size_t n, const char *from, gsize *out_len, gsize *bad)
{
    GIConv cd = g_iconv_open("UTF-8", from);
    if (cd == (GIConv)-1)
        return NULL;
    gsize cap = n * 2 + 16, used = 0;
    char *out = g_malloc(cap + 1);
    char *in = (char *)b;
    gsize inleft = n;
    *bad = 0;
    while (inleft > 0) {
        char *o = out + used;
        gsize oleft = cap - used;
        gsize r = g_iconv(cd, &in, &inleft, &o, &oleft);
        used = (gsize)(o - out);
        if (r != (gsize)-1)
            break;
        if (errno == E2BIG || oleft < 8) {
            cap *= 2;
            out = g_realloc(out, cap + 1);
            continue;
        }
        /* EILSEQ or EINVAL (a sequence cut at the end): one byte out */
        if (cap - used < 3) {
            cap *= 2;
            out = g_realloc(out, cap + 1);
        }
        memcpy(out + used, "\xef\xbf\xbd", 3);
        used += 3;
        in++;
        inleft--;
        (*bad)++;
        g_iconv(cd, NULL, NULL, NULL, NULL);
    }
    /* flush a stateful encoding's shift state (ISO-2022-JP) */
    char *o = out + used;
    gsize oleft = cap - used;
    if (g_iconv(cd, NULL, NULL, &o, &oleft) != (gsize)-1)
        used = (gsize)(o - out);
    g_iconv_close(cd);
    out[used] = '\0';
    *out_len = used;
    return out;
}

/* UTF-8 text of bytes in charset (NULL: undeclared), with the fallback;
 * NUL characters become spaces, so the result is a C string of its whole
 * length. */
static char *
to_utf8(const guint8 *b, size_t n, const char *charset, const tl_text_limits *lim, char **used, char **problem)
{
    *problem = NULL;
    char *u = NULL;
    gsize len = 0;
    if (n == 0) {
        *used = g_strdup(charset ? charset : "utf-8");
        return g_strdup("");
    }
    if (charset && g_ascii_strcasecmp(charset, "utf-8") != 0 && g_ascii_strcasecmp(charset, "us-ascii") != 0) {
        gsize bad = 0;
        u = convert_lossy(b, n, g_mime_charset_iconv_name(charset), &len, &bad);
        if (u && bad && tl_utf8_valid((const char *)b, n)) {
            /* mislabelled UTF-8 */
            g_free(u);
            u = NULL;
            *problem = g_strdup_printf("bytes not valid in declared charset %s; read as UTF-8", charset);
        } else if (u) {
            *used = g_strdup(charset);
            if (bad)
                *problem = g_strdup_printf("%zu bytes not valid in declared charset %s replaced by U+FFFD",
                                           (size_t)bad, charset);
        } else
            *problem = g_strdup_printf("charset %s is unknown; read as %s", charset,
                                       tl_utf8_valid((const char *)b, n) ? "UTF-8" : lim->fallback_charset);
    }
    if (!u && tl_utf8_valid((const char *)b, n)) {
        *used = g_strdup("utf-8");
        u = g_malloc(n + 1);
        memcpy(u, b, n);
        u[n] = '\0';
        len = n;
    }
    if (!u) {
        if (!*problem && charset)
            *problem = g_strdup_printf("bytes not valid in declared charset %s; read as %s", charset,
                                       lim->fallback_charset);
        u = g_convert((const char *)b, (gssize)n, "UTF-8", lim->fallback_charset, NULL, &len, NULL);
        if (u)
            *used = g_strdup(lim->fallback_charset);
    }
    if (!u) {
        *used = g_strdup("utf-8 (repaired)");
        u = g_utf8_make_valid((const char *)b, (gssize)n);
        len = strlen(u);
    }
    for (char *z = memchr(u, '\0', len); z; z = memchr(z + 1, '\0', (size_t)(u + len - z - 1)))
        *z = ' ';
    return u;
}

/* ------------------------------------------------------------------ */
/* Attachments: parsers/extract/ reads them, their text is a part      */
/* ------------------------------------------------------------------ */

/* A row of the attachments table for bytes d (status "text" until told
 * otherwise), or NULL when the caller keeps no rows.  sniffed: the type's
 * name when the caller knows it (tl_extract sniffs the bytes itself: a
 * zip's sniffing reads its member names), NULL to sniff it here. */
static tl_attachment *
attachment_row(walk_ctx *c, const char *path, const char *fname, const char *declared, const guint8 *d, size_t n,
               const char *sniffed)
{
    if (!c->attachments)
        return NULL;
    tl_attachment *a = g_new0(tl_attachment, 1);
    a->path = g_strdup(path);
    a->filename = fname ? g_utf8_make_valid(fname, -1) : NULL;
    a->declared = g_strdup(declared);
    a->size = (int64_t)n;
    tl_sha256_hex(d, n, a->sha256);
    a->sniffed = sniffed ? sniffed : tl_filetype_name(tl_sniff_type(d, n));
    a->status = "text";
    g_ptr_array_add(c->attachments, a);
    return a;
}

/* One more text part: an attachment's text (HTML reduced to its visible
 * text first). */
static void
add_text(walk_ctx *c, const char *path, const char *ctype, const char *fname, const char *text, size_t n, int html,
         int csv)
{
    tl_text_part *t = g_new0(tl_text_part, 1);
    t->path = g_strdup(path);
    t->content_type = g_strdup(ctype);
    t->filename = fname ? g_utf8_make_valid(fname, -1) : NULL;
    t->charset = g_strdup("utf-8");
    t->html = html;
    if (html) {
        char *vis = html_to_text(text, n, &t->jsonld, &t->attr_text, &t->microdata);
        tl_text_normalise(vis, strlen(vis), &t->text, &t->map, &t->len);
        g_free(vis);
        html_tables(t);
    } else {
        tl_text_normalise(text, n, &t->text, &t->map, &t->len);
        tabulate(t, csv, c->lim->sheet_cells);
    }
    t->quote_from = quote_start(t->text, t->len);
    g_ptr_array_add(c->parts, t);
}

static void walk_message(walk_ctx *c, GMimeMessage *m, const char *path, int depth);
static void extract_bytes(walk_ctx *c, const guint8 *d, size_t n, const char *declared, const char *fname,
                          const char *path, int depth);

/* The children of a container (archive members, TNEF attachments, files
 * embedded in Office documents), at "PATH/NAME/N": messages are parsed
 * and walked, anything else extracted in turn. */
static void
extract_children(walk_ctx *c, const tl_extract_result *r, const char *fname, const char *path, int depth)
{
    char *base = fname ? g_path_get_basename(fname) : g_strdup(tl_filetype_name(r->type));
    for (guint i = 0; i < r->children->len; i++) {
        const tl_extract_child *ch = r->children->pdata[i];
        char *cp = g_strdup_printf("%s/%s/%u", path, base, i + 1);
        gsize n = 0;
        const guint8 *d = g_bytes_get_data(ch->bytes, &n);
        if (depth + 1 <= c->lim->max_depth && (g_str_has_suffix(ch->name, ".eml") || tl_sniff_headers(d, n))) {
            GMimeStream *s = g_mime_stream_mem_new_with_buffer((const char *)d, n);
            GMimeParser *ps = g_mime_parser_new_with_stream(s);
            GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
            if (m) {
                attachment_row(c, cp, ch->name, NULL, d, n, "message");
                walk_message(c, m, cp, depth + 1);
                g_object_unref(m);
            }
            g_object_unref(ps);
            g_object_unref(s);
        } else {
            extract_bytes(c, d, n, NULL, ch->name, cp, depth + 1);
        }
        g_free(cp);
    }
    g_free(base);
}

static void
extract_bytes(walk_ctx *c, const guint8 *d, size_t n, const char *declared, const char *fname, const char *path,
              int depth)
{
    tl_attachment *a = attachment_row(c, path, fname, declared, d, n, "unknown");    /* the type: below */
    if (c->total >= c->lim->max_total) {
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s not read: message text limit of %zu bytes reached",
                                                      path, c->lim->max_total));
        if (a) {
            a->sniffed = tl_filetype_name(tl_sniff_type(d, n));
            a->status = "too_large";
            a->reason = g_strdup("message text limit reached");
        }
        return;
    }
    tl_extract_limits xl = c->xlim;
    xl.max_text = MIN(xl.max_text, MIN(c->lim->max_part, c->lim->max_total - c->total));
    tl_extract_result *r = tl_extract(d, n, declared, fname, depth, &xl);
    for (guint i = 0; i < r->anomalies->len; i++)
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s: %s", path, (const char *)r->anomalies->pdata[i]));
    if (r->status == TL_EX_ENCRYPTED || r->status == TL_EX_TOO_LARGE || r->status == TL_EX_FAILED)
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s: attachment %s: %s", path,
                                                      tl_extract_status_name(r->status), r->reason ? r->reason : ""));
    if (a) {
        a->sniffed = tl_filetype_name(r->type);
        a->status = tl_extract_status_name(r->status);
        a->reason = g_strdup(r->reason);
        if (r->is_image) {
            a->width = r->image.width;
            a->height = r->image.height;
            a->has_gps = r->image.has_gps;
            a->lat = r->image.lat, a->lon = r->image.lon;
            if (r->image.make || r->image.model)
                a->camera = g_strstrip(g_strdup_printf("%s %s", r->image.make ? r->image.make : "",
                                                       r->image.model ? r->image.model : ""));
            a->taken = g_strdup(r->image.time);
        }
        /* a scanned page: a PDF without text, its largest image */
        if (r->type == TL_FT_PDF && r->status == TL_EX_NO_TEXT_LAYER && r->pages >= 1 && r->pages <= 2)
            for (guint i = 0; r->images && i < r->images->len; i++) {
                const tl_image_info *im = r->images->pdata[i];
                if ((gint64)im->width * im->height > (gint64)a->scan_width * a->scan_height)
                    a->scan_width = im->width, a->scan_height = im->height;
            }
    }
    const char *ctype = declared ? declared : tl_filetype_mime(r->type);
    if (r->type == TL_FT_HTML) {
        /* HTML inside a container: read as the message's own HTML is. */
        char *used = NULL, *problem = NULL;
        size_t m = MIN(n, (size_t)xl.max_text);
        char *utf8 = to_utf8(d, m, NULL, c->lim, &used, &problem);
        c->total += m;
        add_text(c, path, "text/html", fname, utf8, strlen(utf8), 1, 0);
        if (a) {
            a->status = "text";
            g_clear_pointer(&a->reason, g_free);
            a->chars = g_utf8_strlen(((tl_text_part *)c->parts->pdata[c->parts->len - 1])->text, -1);
        }
        g_free(utf8);
        g_free(used);
        g_free(problem);
    } else if (r->text->len) {
        c->total += r->text->len;
        add_text(c, path, ctype, fname, r->text->str, r->text->len, 0, r->type == TL_FT_CSV);
        if (a)
            a->chars = g_utf8_strlen(r->text->str, (gssize)r->text->len);
    }
    extract_children(c, r, fname, path, depth);
    tl_extract_result_free(r);
}

/* A leaf that is not text: its decoded bytes to the extractors. */
static void
attach_part(walk_ctx *c, GMimePart *part, const char *path)
{
    GByteArray *ba = tl_part_bytes(part);
    if (!ba)
        return;
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    char *declared = g_mime_content_type_get_mime_type(ct);
    extract_bytes(c, ba->data, ba->len, declared, g_mime_part_get_filename(part), path, 0);
    g_free(declared);
    g_byte_array_unref(ba);
}

static void
add_leaf(walk_ctx *c, GMimePart *part, const char *path)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    const char *fname = g_mime_part_get_filename(part);
    int is_plain = g_mime_content_type_is_type(ct, "text", "plain");
    int is_html = g_mime_content_type_is_type(ct, "text", "html");
    int is_textfile = g_mime_content_type_is_type(ct, "text", "*") || text_attachment(fname);
    if (!is_plain && !is_html && !is_textfile) {
        attach_part(c, part, path);
        return;
    }
    if (c->total >= c->lim->max_total) {
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s not read: message text limit of %zu bytes reached",
                                                      path, c->lim->max_total));
        return;
    }
    GByteArray *ba = tl_part_bytes(part);
    if (!ba)
        return;
    size_t n = ba->len;
    if (n > c->lim->max_part) {
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s cut at %zu of %zu bytes (part limit)", path,
                                                      c->lim->max_part, n));
        n = c->lim->max_part;
    }
    if (n > c->lim->max_total - c->total) {
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s cut at %zu of %zu bytes (message text limit)", path,
                                                      c->lim->max_total - c->total, n));
        n = c->lim->max_total - c->total;
    }
    c->total += n;
    tl_text_part *t = g_new0(tl_text_part, 1);
    t->path = g_strdup(path);
    t->content_type = g_mime_content_type_get_mime_type(ct);
    t->filename = g_strdup(fname);
    t->html = is_html;
    char *problem = NULL;
    char *utf8 = to_utf8(ba->data, n, g_mime_content_type_get_parameter(ct, "charset"), c->lim, &t->charset, &problem);
    tl_attachment *a = fname ? attachment_row(c, path, fname, t->content_type, ba->data, ba->len, NULL) : NULL;
    g_byte_array_unref(ba);
    if (problem)
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s: %s", path, problem));
    g_free(problem);
    if (is_html) {
        char *vis = html_to_text(utf8, strlen(utf8), &t->jsonld, &t->attr_text, &t->microdata);
        g_free(utf8);
        utf8 = vis;
    }
    tl_text_normalise(utf8, strlen(utf8), &t->text, &t->map, &t->len);
    g_free(utf8);
    if (!is_html) {
        char *lower = fname ? g_ascii_strdown(fname, -1) : NULL;
        tabulate(t, g_mime_content_type_is_type(ct, "text", "csv") || (lower && g_str_has_suffix(lower, ".csv")),
                 c->lim->sheet_cells);
        g_free(lower);
    } else
        html_tables(t);
    t->quote_from = quote_start(t->text, t->len);
    if (a)
        a->chars = g_utf8_strlen(t->text, (gssize)t->len);
    g_ptr_array_add(c->parts, t);
}

static void walk(walk_ctx *c, GMimeObject *obj, const char *path, int depth);

static void
walk_message(walk_ctx *c, GMimeMessage *m, const char *path, int depth)
{
    GMimeObject *body = g_mime_message_get_mime_part(m);
    if (!body)
        return;
    if (GMIME_IS_MULTIPART(body))
        walk(c, body, path, depth);
    else {
        char *p = *path ? g_strdup_printf("%s.1", path) : g_strdup("1");
        walk(c, body, p, depth);
        g_free(p);
    }
}

static void
walk(walk_ctx *c, GMimeObject *obj, const char *path, int depth)
{
    if (depth > c->lim->max_depth) {
        g_ptr_array_add(c->anomalies, g_strdup_printf("part %s not read: MIME nesting deeper than %d", path,
                                                      c->lim->max_depth));
        return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++) {
            char *p = *path ? g_strdup_printf("%s.%d", path, i + 1) : g_strdup_printf("%d", i + 1);
            walk(c, g_mime_multipart_get_part(mp, i), p, depth + 1);
            g_free(p);
        }
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner)
            walk_message(c, inner, path, depth + 1);
    } else if (GMIME_IS_PART(obj)) {
        GMimePart *part = GMIME_PART(obj);
        const char *fname = g_mime_part_get_filename(part);
        GMimeContentType *ct = g_mime_object_get_content_type(obj);
        /* an attached .eml sent as application/octet-stream: parse it */
        if (fname && (g_str_has_suffix(fname, ".eml") || g_mime_content_type_is_type(ct, "message", "rfc822"))) {
            GByteArray *ba = tl_part_bytes(part);
            if (ba) {
                GMimeStream *s = g_mime_stream_mem_new_with_buffer((const char *)ba->data, ba->len);
                GMimeParser *ps = g_mime_parser_new_with_stream(s);
                GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
                if (m) {
                    walk_message(c, m, path, depth + 1);
                    g_object_unref(m);
                }
                g_object_unref(ps);
                g_object_unref(s);
                g_byte_array_unref(ba);
            }
            return;
        }
        add_leaf(c, part, path);
    }
}

GPtrArray *
tl_text_extract_all(GMimeMessage *msg, const tl_text_limits *lim, GPtrArray *anomalies, GPtrArray *attachments)
{
    walk_ctx c = { lim, g_ptr_array_new_with_free_func(text_part_free), anomalies, 0, attachments, { 0 } };
    tl_extract_limits_init(&c.xlim);
    c.xlim.max_depth = lim->max_depth;
    c.xlim.max_pdf_pages = lim->pdf_pages;
    c.xlim.max_pdf_seconds = lim->pdf_seconds;
    c.xlim.max_sheet_cells = lim->sheet_cells;
    c.xlim.max_xml_bytes = lim->xml_bytes;
    c.xlim.max_unpacked = lim->unpacked;
    c.xlim.max_entities = lim->xml_entities;
    c.xlim.max_text = lim->max_part;        /* text per attachment: the part limit (and the message's) */
    c.xlim.pdf_image_sizes = 0;             /* image sizes: read only for a PDF without text (a scan) */
    c.xlim.find_tables = 0;                 /* add_text finds the tables in the normalised text */
    walk_message(&c, msg, "", 0);
    return c.parts;
}

GPtrArray *
tl_text_extract(GMimeMessage *msg, const tl_text_limits *lim, GPtrArray *anomalies)
{
    return tl_text_extract_all(msg, lim, anomalies, NULL);
}
