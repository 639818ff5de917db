/*
 * office.c - Office Open XML (docx, xlsx, pptx) and OpenDocument (odt,
 * ods, odp): the zip is read in memory by archive.c under the unpacked-size
 * limits, and each XML member is streamed through libxml2's reader
 * (xmlTextReader: one pass of events, no tree; small parts such as the
 * workbook and the properties are parsed whole) with the network off,
 * no DTD loaded, no entity substituted, and refused outright when it
 * declares more entities than max_entities (0 by default: these formats
 * never declare any, and a declaration is how billion-laughs starts).
 *
 * What is read (docs/extraction.md):
 *   docx: the body, headers, footers, footnotes, endnotes and comments, in
 *         that order, each a section; tracked changes both ways (inserted
 *         text is ordinary text, deleted text comes from w:delText); tables
 *         as tl_table (one per outermost table, nested tables flattened into
 *         their cell); field codes are skipped.
 *   xlsx: every sheet in workbook order as a section "sheet NAME" and a
 *         table; cells are their shared string, inline string or value as
 *         written (numbers and dates stay as stored: a date is its serial
 *         number); cell comments.
 *   pptx: slides in order, then their notes and comments; tables.
 *   odt, ods, odp: content.xml (text, tables, sheets, slides, annotations,
 *         the deleted text of tracked changes) and the headers and footers of
 *         styles.xml.
 *   all:  the document properties (title, subject, author, last author,
 *         description, keywords) as a section "properties"; embedded files
 *         and media (word/media, word/embeddings, Pictures/, ...) become
 *         children, so pictures get their EXIF read and embedded workbooks
 *         their cells.
 *
 * In the text, a table is one line per row with its cells separated by
 * tabs (paragraphs inside a cell joined by a blank), the layout the
 * detectors read best; each cell's offset points there.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/extract/ex_internal.h"

/* ------------------------------------------------------------------ */
/* Members                                                             */
/* ------------------------------------------------------------------ */

static gboolean
want_member(const char *n)
{
    return g_str_has_suffix(n, ".xml") || g_str_has_suffix(n, ".rels") || g_str_has_prefix(n, "word/media/")
           || g_str_has_prefix(n, "word/embeddings/") || g_str_has_prefix(n, "xl/media/")
           || g_str_has_prefix(n, "xl/embeddings/") || g_str_has_prefix(n, "ppt/media/")
           || g_str_has_prefix(n, "ppt/embeddings/") || g_str_has_prefix(n, "Pictures/")
           || g_str_has_prefix(n, "Object");
}

/* The number in a member name ("slide12.xml" -> 12), for natural order. */
static long
name_number(const char *n)
{
    const char *base = strrchr(n, '/');
    base = base ? base + 1 : n;
    while (*base && !g_ascii_isdigit(*base))
        base++;
    return strtol(base, NULL, 10);
}

static gint
by_number(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    long nx = name_number(x), ny = name_number(y);
    return nx != ny ? (nx < ny ? -1 : 1) : strcmp(x, y);
}

/* Members whose names start with prefix and end with suffix, in natural order. */
static GPtrArray *
members_like(GHashTable *h, const char *prefix, const char *suffix)
{
    GPtrArray *a = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, NULL))
        if (g_str_has_prefix(k, prefix) && g_str_has_suffix(k, suffix) && !strchr((const char *)k + strlen(prefix), '/'))
            g_ptr_array_add(a, k);
    g_ptr_array_sort(a, by_number);
    return a;
}

/* A member's bytes, or NULL when absent or when it declares more entities
 * than the limit (an anomaly; *refused set). */
static const char *
member_bytes(tl_ex *x, GHashTable *h, const char *name, int *refused, gsize *n)
{
    GBytes *b = g_hash_table_lookup(h, name);
    if (!b)
        return NULL;
    const char *d = g_bytes_get_data(b, n);
    if (!*n) {      /* GLib gives no pointer for no bytes */
        tl_ex_anomaly(x, "XML member empty: %s", name);
        return NULL;
    }
    int entities = 0;
    const char *p = d, *end = d + *n;
    while (p && p < end && (p = memmem(p, (size_t)(end - p), "<!ENTITY", 8)) != NULL) {
        entities++;
        p += 8;
    }
    if (entities > x->lim->max_entities) {
        tl_ex_anomaly(x, "limit: XML entity declarations (%d) reached in %s: member not read", x->lim->max_entities,
                      name);
        if (refused)
            *refused = 1;
        return NULL;
    }
    return d;
}

/* Parses a member, refusing entity declarations past the limit; NULL when
 * absent, refused or not well-formed (with an anomaly). */
static xmlDocPtr
parse_member(tl_ex *x, GHashTable *h, const char *name, int *refused)
{
    gsize n = 0;
    const char *d = member_bytes(x, h, name, refused, &n);
    if (!d)
        return NULL;
    xmlDocPtr doc = xmlReadMemory(d, (int)MIN(n, (gsize)G_MAXINT), name, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    if (!doc)
        tl_ex_anomaly(x, "XML not well-formed: %s", name);
    return doc;
}

static const char *
attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0 && a->children && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

static int
is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* ------------------------------------------------------------------ */
/* The text walker (docx, pptx, ODF)                                   */
/* ------------------------------------------------------------------ */

typedef struct {
    tl_ex *x;
    int odf;                /* every text node is content (ODF); else only w:t, a:t, w:delText */
    const char *source;     /* table source */
    tl_table *tab;          /* the outermost table being read */
    int tdepth;             /* tables open */
    int in_cell, cell_col;
    size_t cell_start;
    int pending_tabs;       /* separators owed before the next text in a row */
    int pending_empty;      /* empty cells owed before the next non-empty one */
    size_t cells;
    int stop;
} walker;

static void
put(walker *w, const char *s, size_t n)
{
    if (!n)
        return;
    while (w->pending_tabs > 0) {
        tl_ex_append_c(w->x, '\t');
        w->pending_tabs--;
    }
    if (w->in_cell && w->cell_start == (size_t)-1)
        w->cell_start = w->x->r->text->len;
    if (w->in_cell) {
        /* A cell stays on its line: line ends and tabs become blanks. */
        for (size_t i = 0; i < n; i++)
            tl_ex_append_c(w->x, s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i]);
    } else if (!tl_ex_append(w->x, s, n)) {
        w->stop = 1;
    }
    if (w->x->text_full)
        w->stop = 1;
}

static void
break_line(walker *w)
{
    if (w->in_cell) {
        GString *t = w->x->r->text;
        if (w->cell_start != (size_t)-1 && t->len > w->cell_start && t->str[t->len - 1] != ' ')
            put(w, " ", 1);
    } else {
        tl_ex_newline(w->x);
    }
}

/* ---- the walk, streamed ------------------------------------------
 * A member is read with libxml2's reader (xmlTextReader): one pass over
 * its events, never a tree, so memory stays near the text produced
 * whatever the member's size.  Each open element is a frame on a stack:
 * what its start did (a table, a row, a cell, a paragraph, a tracked
 * change set apart) is undone at its end; empty elements start and end at
 * once. */

enum { F_PLAIN, F_SPACED, F_TABLE, F_TABLE_INNER, F_ROW, F_CELL, F_PARA, F_HF };

typedef struct {
    guint8 kind;
    guint8 text_here;       /* text nodes below are content */
    int times;              /* F_CELL: number-columns-repeated */
} frame;

/* An attribute of the reader's element by its local name (xmlFree it). */
static xmlChar *
reader_attr(xmlTextReaderPtr rd, const char *local)
{
    xmlChar *v = NULL;
    if (xmlTextReaderMoveToFirstAttribute(rd) == 1) {
        do
            if (strcmp((const char *)xmlTextReaderConstLocalName(rd), local) == 0)
                v = xmlTextReaderValue(rd);
        while (!v && xmlTextReaderMoveToNextAttribute(rd) == 1);
        xmlTextReaderMoveToElement(rd);
    }
    return v;
}

static void
space_apart(walker *w)
{
    GString *t = w->x->r->text;
    if (t->len && !g_ascii_isspace(t->str[t->len - 1]))
        put(w, " ", 1);
}

/* The end of a table cell: its text is a cell of the table. */
static void
cell_end(walker *w, int times)
{
    w->in_cell = 0;
    GString *t = w->x->r->text;
    if (w->cell_start == (size_t)-1) {
        w->pending_empty += CLAMP(times, 1, 1024);
        /* Owed separators of an empty cell are kept only if text follows. */
        w->cell_col += CLAMP(times, 1, 1024) - 1;
        return;
    }
    while (t->len > w->cell_start && t->str[t->len - 1] == ' ')
        g_string_truncate(t, t->len - 1);
    for (; w->pending_empty > 0; w->pending_empty--)
        tl_table_add_cell(w->tab, "", 0, w->cell_start, 0);
    for (int k = 0; k < CLAMP(times, 1, 64); k++) {
        if (++w->cells > w->x->lim->max_sheet_cells) {
            tl_ex_anomaly(w->x, "limit: cells per sheet (%zu) reached", w->x->lim->max_sheet_cells);
            w->stop = 1;
            return;
        }
        tl_table_add_cell(w->tab, t->str + w->cell_start, t->len - w->cell_start, w->cell_start,
                          t->len - w->cell_start);
    }
}

/* What an element's local name does to the walk. */
enum { E_OTHER, E_SKIP, E_SPACED, E_TEXT, E_TAB, E_BREAK, E_SPACES, E_TABLE, E_ROW, E_CELL, E_PARA, E_HF,
       E_MASTER };

static gpointer
element_table(gpointer unused)
{
    (void)unused;
    static const struct {
        const char *name;
        int what;
    } names[] = {
        /* subtrees without text */
        { "pPr", E_SKIP }, { "rPr", E_SKIP }, { "instrText", E_SKIP }, { "tblPr", E_SKIP }, { "tblGrid", E_SKIP },
        { "trPr", E_SKIP }, { "tcPr", E_SKIP }, { "sectPr", E_SKIP }, { "automatic-styles", E_SKIP },
        { "font-face-decls", E_SKIP }, { "styles", E_SKIP }, { "fldChar", E_SKIP }, { "bodyPr", E_SKIP },
        { "spPr", E_SKIP }, { "nvSpPr", E_SKIP }, { "nvGraphicFramePr", E_SKIP }, { "tableStyleId", E_SKIP },
        { "xfrm", E_SKIP }, { "table-columns", E_SKIP }, { "table-column", E_SKIP }, { "scripts", E_SKIP },
        { "settings", E_SKIP }, { "forms", E_SKIP }, { "change-info", E_SKIP }, { "creator", E_SKIP },
        { "date", E_SKIP },
        /* tracked changes and comments */
        { "del", E_SPACED }, { "ins", E_SPACED }, { "annotation", E_SPACED },
        { "t", E_TEXT }, { "delText", E_TEXT }, { "tab", E_TAB },
        { "br", E_BREAK }, { "cr", E_BREAK }, { "line-break", E_BREAK }, { "s", E_SPACES },
        { "tbl", E_TABLE }, { "table", E_TABLE }, { "tr", E_ROW }, { "table-row", E_ROW },
        { "tc", E_CELL }, { "table-cell", E_CELL }, { "covered-table-cell", E_CELL },
        { "p", E_PARA }, { "h", E_PARA },
        /* styles.xml */
        { "header", E_HF }, { "footer", E_HF }, { "header-left", E_HF }, { "footer-left", E_HF },
        { "master-styles", E_MASTER },
    };
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        g_hash_table_insert(h, (gpointer)names[i].name, GINT_TO_POINTER(names[i].what));
    return h;
}

/* One lookup per element (the walk sees millions in a large sheet). */
static int
element_kind(const char *nm)
{
    static GOnce once = G_ONCE_INIT;
    GHashTable *h = g_once(&once, element_table, NULL);
    return GPOINTER_TO_INT(g_hash_table_lookup(h, nm));
}

/* An element starts: what it does, in f; 1 when its subtree is to be
 * skipped (no text in it, or what it stands for was written here). */
static int
elem_start(walker *w, xmlTextReaderPtr rd, int what, int empty, frame *f)
{
    switch (what) {
    case E_SKIP:
        return 1;
    case E_SPACED:
        /* Tracked changes and comments stand apart from the words around. */
        space_apart(w);
        f->kind = F_SPACED;
        break;
    case E_TEXT:
        f->text_here = 1;
        break;
    case E_TAB:
        if (empty)
            put(w, "\t", 1);
        break;
    case E_BREAK:
        break_line(w);
        return 1;
    case E_SPACES: {
        if (!w->odf)
            break;
        xmlChar *c = reader_attr(rd, "c");
        long k = c ? CLAMP(strtol((const char *)c, NULL, 10), 1, 100) : 1;
        xmlFree(c);
        for (long i = 0; i < k; i++)
            put(w, " ", 1);
        return 1;
    }
    case E_TABLE:
        f->kind = F_TABLE_INNER;
        if (w->tdepth++ == 0) {
            f->kind = F_TABLE;
            tl_ex_newline(w->x);
            w->tab = tl_table_new(w->source);
            xmlChar *tn = w->odf ? reader_attr(rd, "name") : NULL;
            if (tn)
                w->tab->name = g_strdup((const char *)tn);
            xmlFree(tn);
            w->cells = 0;
        }
        break;
    case E_ROW:
        if (w->tdepth != 1)
            break;
        f->kind = F_ROW;
        tl_ex_newline(w->x);
        tl_table_add_row(w->tab);
        w->cell_col = 0;
        w->pending_tabs = 0;
        w->pending_empty = 0;
        break;
    case E_CELL: {
        if (w->tdepth != 1 || w->in_cell)
            break;
        xmlChar *rep = reader_attr(rd, "number-columns-repeated");
        f->kind = F_CELL;
        f->times = rep ? (int)CLAMP(strtol((const char *)rep, NULL, 10), 1, 1024) : 1;
        f->text_here = 0;
        xmlFree(rep);
        if (w->cell_col++ > 0)
            w->pending_tabs++;
        w->in_cell = 1;
        w->cell_start = (size_t)-1;
        break;
    }
    case E_PARA:
        f->kind = F_PARA;
        f->text_here |= w->odf;
        break;
    default:
        break;
    }
    return 0;
}

static void
elem_end(walker *w, const frame *f)
{
    switch (f->kind) {
    case F_SPACED:
        space_apart(w);
        break;
    case F_TABLE: {
        tl_table *t = tl_table_finish(w->tab);
        if (t)
            g_ptr_array_add(w->x->r->tables, t);
        w->tab = NULL;
        w->stop |= w->x->text_full;
        tl_ex_newline(w->x);
        w->tdepth--;
        break;
    }
    case F_TABLE_INNER:
        w->tdepth--;
        break;
    case F_CELL:
        cell_end(w, f->times);
        break;
    case F_PARA:
        break_line(w);
        break;
    case F_HF:
        tl_ex_newline(w->x);
        tl_ex_section_end(w->x);
        break;
    default:
        break;
    }
}

/* Walks a member's events.  styles: ODF styles.xml, of which only the
 * master pages' headers and footers are read, each a section. */
static void
stream_member(tl_ex *x, const char *d, gsize n, const char *member, walker *w, int styles)
{
    xmlTextReaderPtr rd = xmlReaderForMemory(d, (int)MIN(n, (gsize)G_MAXINT), member, NULL,
                                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    if (!rd) {
        tl_ex_anomaly(x, "XML not well-formed: %s", member);
        return;
    }
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(frame));
    int rc, have = 0, active = !styles, in_master = 0;
    for (;;) {
        if (!have && (rc = xmlTextReaderRead(rd)) != 1)
            break;
        have = 0;
        if (w->stop)
            break;
        int kind = xmlTextReaderNodeType(rd);
        const frame *top = stack->len ? &g_array_index(stack, frame, stack->len - 1) : NULL;
        if (kind == XML_READER_TYPE_ELEMENT) {
            const char *nm = (const char *)xmlTextReaderConstLocalName(rd);
            int empty = xmlTextReaderIsEmptyElement(rd), skip = 0, what = element_kind(nm);
            frame f = { F_PLAIN, top ? top->text_here : 0, 1 };
            if (active) {
                skip = elem_start(w, rd, what, empty, &f);
            } else {
                int depth = xmlTextReaderDepth(rd);
                if (depth == 1) {
                    in_master = what == E_MASTER;
                    skip = !in_master;
                } else if (depth == 3 && in_master && what == E_HF) {
                    tl_ex_newline(x);
                    tl_ex_section(x, nm);
                    f.kind = F_HF;
                    active = 1;
                }
            }
            if (skip) {
                if (!empty && (rc = xmlTextReaderNext(rd)) != 1)
                    break;
                have = !empty;
            } else if (empty) {
                elem_end(w, &f);
                active = active && !(styles && f.kind == F_HF);
            } else {
                g_array_append_val(stack, f);
            }
        } else if (kind == XML_READER_TYPE_END_ELEMENT) {
            if (!stack->len)
                continue;
            frame f = g_array_index(stack, frame, stack->len - 1);
            g_array_set_size(stack, stack->len - 1);
            elem_end(w, &f);
            if (styles && f.kind == F_HF)
                active = 0;
        } else if ((kind == XML_READER_TYPE_TEXT || kind == XML_READER_TYPE_CDATA ||
                    kind == XML_READER_TYPE_WHITESPACE || kind == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
                   active && top && top->text_here) {
            const char *v = (const char *)xmlTextReaderConstValue(rd);
            if (v)
                put(w, v, strlen(v));
        }
        /* entity references are never expanded */
    }
    if (rc < 0)
        tl_ex_anomaly(x, "XML not well-formed: %s", member);
    /* What is still open ends here, as a tree walk would end it. */
    while (stack->len) {
        frame f = g_array_index(stack, frame, stack->len - 1);
        g_array_set_size(stack, stack->len - 1);
        elem_end(w, &f);
    }
    g_array_free(stack, TRUE);
    xmlFreeTextReader(rd);
}

/* Reads one member's text as a section. */
static int
text_member(tl_ex *x, GHashTable *h, const char *member, const char *section, int odf, const char *source,
            int *refused)
{
    gsize n = 0;
    const char *d = member_bytes(x, h, member, refused, &n);
    if (!d)
        return 0;
    tl_ex_newline(x);
    tl_ex_section(x, section);
    walker w = { x, odf, source, NULL, 0, 0, 0, 0, 0, 0, 0, 0 };
    stream_member(x, d, n, member, &w, 0);
    tl_table_free(w.tab);
    tl_ex_newline(x);
    tl_ex_section_end(x);
    return 1;
}

/* ODF styles.xml: only the master pages' headers and footers. */
static void
odf_styles(tl_ex *x, GHashTable *h, int *refused)
{
    gsize n = 0;
    const char *d = member_bytes(x, h, "styles.xml", refused, &n);
    if (!d)
        return;
    walker w = { x, 1, "odt", NULL, 0, 0, 0, 0, 0, 0, 0, 0 };
    stream_member(x, d, n, "styles.xml", &w, 1);
    tl_table_free(w.tab);
}

/* Document properties (docProps/core.xml, meta.xml): "label: value" lines. */
static void
properties(tl_ex *x, GHashTable *h, const char *member)
{
    xmlDocPtr doc = parse_member(x, h, member, NULL);
    if (!doc)
        return;
    static const char *const keep[] = { "title", "subject", "creator", "lastModifiedBy", "description",
                                        "keywords", "initial-creator", "category" };
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root && is(root, "document-meta"))
        for (root = root->children; root && !is(root, "meta"); root = root->next)
            ;
    int opened = 0;
    for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (size_t i = 0; i < G_N_ELEMENTS(keep); i++) {
            if (strcmp((const char *)c->name, keep[i]) != 0)
                continue;
            xmlChar *v = xmlNodeGetContent(c);
            if (v && *v) {
                if (!opened++) {
                    tl_ex_newline(x);
                    tl_ex_section(x, "properties");
                }
                tl_ex_append(x, keep[i], strlen(keep[i]));
                tl_ex_append(x, ": ", 2);
                tl_ex_append(x, (const char *)v, strlen((const char *)v));
                tl_ex_newline(x);
            }
            xmlFree(v);
        }
    }
    if (opened)
        tl_ex_section_end(x);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Spreadsheets (xlsx)                                                 */
/* ------------------------------------------------------------------ */

/* The text of an element's t descendants (not phonetic runs). */
static void
collect_t(xmlNodePtr n, GString *out)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is(c, "rPh"))
            continue;
        if (is(c, "t")) {
            xmlChar *v = xmlNodeGetContent(c);
            if (v)
                g_string_append(out, (const char *)v);
            xmlFree(v);
        } else {
            collect_t(c, out);
        }
    }
}

static GPtrArray *
shared_strings(tl_ex *x, GHashTable *h, int *refused)
{
    GPtrArray *ss = g_ptr_array_new_with_free_func(g_free);
    xmlDocPtr doc = parse_member(x, h, "xl/sharedStrings.xml", refused);
    if (!doc)
        return ss;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr si = root ? root->children : NULL; si; si = si->next) {
        if (!is(si, "si"))
            continue;
        GString *s = g_string_new(NULL);
        collect_t(si, s);
        g_ptr_array_add(ss, g_string_free(s, FALSE));
    }
    xmlFreeDoc(doc);
    return ss;
}

/* Column index of a cell reference ("C7" -> 2), or -1. */
static int
ref_col(const char *r)
{
    int c = 0, any = 0;
    for (; r && g_ascii_isalpha(*r) && c < 100000; r++, any = 1)
        c = c * 26 + (g_ascii_toupper(*r) - 'A' + 1);
    return any ? c - 1 : -1;
}

/* One cell's value at column at of the row being read: empty cells before
 * it as separators, the value as text and as a table cell.  0 when a limit
 * stops the sheet. */
static int
sheet_cell(tl_ex *x, tl_table *t, int *col, int at, const char *type, GString *v, GPtrArray *ss, size_t *cells)
{
    if (type && strcmp(type, "s") == 0) {
        char *e = NULL;
        long idx = strtol(v->str, &e, 10);
        const char *s = idx >= 0 && (guint)idx < ss->len && e != v->str ? ss->pdata[idx] : "";
        g_string_assign(v, s);
    } else if (type && strcmp(type, "b") == 0) {
        g_string_assign(v, strcmp(v->str, "1") == 0 ? "TRUE" : "FALSE");
    }
    if (!v->len)
        return 1;
    if (++*cells > x->lim->max_sheet_cells) {
        tl_ex_anomaly(x, "limit: cells per sheet (%zu) reached", x->lim->max_sheet_cells);
        return 0;
    }
    if (at < *col)
        at = *col;
    if (at - *col > 1024)
        at = *col + 1024;       /* a cell far to the right stays in reach */
    for (; *col < at; (*col)++) {
        if (*col > 0)
            tl_ex_append_c(x, '\t');
        tl_table_add_cell(t, "", 0, x->r->text->len, 0);
    }
    if (*col > 0)
        tl_ex_append_c(x, '\t');
    size_t off = x->r->text->len;
    for (size_t i = 0; i < v->len; i++)
        if (v->str[i] == '\n' || v->str[i] == '\t' || v->str[i] == '\r')
            v->str[i] = ' ';
    tl_ex_append(x, v->str, v->len);
    tl_table_add_cell(t, v->str, v->len, off, x->r->text->len - off);
    (*col)++;
    return !x->text_full;
}

/* One worksheet, streamed with libxml2's reader (a sheet's tree would cost
 * several times its size): rows, cells (c) and their values (v, or is/t
 * without phonetic runs). */
static void
sheet(tl_ex *x, GHashTable *h, const char *member, const char *name, GPtrArray *ss, int *refused)
{
    gsize n = 0;
    const char *d = member_bytes(x, h, member, refused, &n);
    if (!d)
        return;
    xmlTextReaderPtr rd = xmlReaderForMemory(d, (int)MIN(n, (gsize)G_MAXINT), member, NULL,
                                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    if (!rd) {
        tl_ex_anomaly(x, "XML not well-formed: %s", member);
        return;
    }
    char *sec = g_strdup_printf("sheet %s", name);
    tl_ex_newline(x);
    tl_ex_section(x, sec);
    g_free(sec);
    tl_table *t = tl_table_new("sheet");
    t->name = g_strdup(name);
    size_t cells = 0;
    int col = 0, at = 0, in_c = 0, in_v = 0, in_t = 0, in_rph = 0, rc;
    char *type = NULL;
    GString *v = g_string_new(NULL);
    while ((rc = xmlTextReaderRead(rd)) == 1) {
        int kind = xmlTextReaderNodeType(rd);
        const char *ln = (const char *)xmlTextReaderConstLocalName(rd);
        if (kind == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(rd);
            if (strcmp(ln, "row") == 0) {
                tl_ex_newline(x);
                tl_table_add_row(t);
                col = 0;
            } else if (strcmp(ln, "c") == 0) {
                g_free(type);
                type = (char *)xmlTextReaderGetAttribute(rd, (const xmlChar *)"t");
                xmlChar *r = xmlTextReaderGetAttribute(rd, (const xmlChar *)"r");
                at = ref_col((const char *)r);
                xmlFree(r);
                g_string_truncate(v, 0);
                in_c = !empty;
            } else if (in_c && strcmp(ln, "v") == 0) {
                in_v = !empty;
            } else if (in_c && strcmp(ln, "t") == 0) {
                in_t = !empty;
            } else if (in_c && strcmp(ln, "rPh") == 0) {
                in_rph = !empty;
            }
        } else if (kind == XML_READER_TYPE_END_ELEMENT) {
            if (strcmp(ln, "v") == 0)
                in_v = 0;
            else if (strcmp(ln, "t") == 0)
                in_t = 0;
            else if (strcmp(ln, "rPh") == 0)
                in_rph = 0;
            else if (in_c && strcmp(ln, "c") == 0) {
                in_c = 0;
                if (!sheet_cell(x, t, &col, at, type, v, ss, &cells))
                    break;
            }
        } else if ((kind == XML_READER_TYPE_TEXT || kind == XML_READER_TYPE_CDATA
                    || kind == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)
                   && in_c && (in_v || (in_t && !in_rph))) {
            const char *val = (const char *)xmlTextReaderConstValue(rd);
            if (val)
                g_string_append(v, val);
        }
    }
    if (rc < 0)
        tl_ex_anomaly(x, "XML not well-formed: %s", member);
    g_free(type);
    g_string_free(v, TRUE);
    xmlFreeTextReader(rd);
    tl_ex_newline(x);
    tl_ex_section_end(x);
    t = tl_table_finish(t);
    if (t)
        g_ptr_array_add(x->r->tables, t);
}

static void
xlsx(tl_ex *x, GHashTable *h, int *refused)
{
    GPtrArray *ss = shared_strings(x, h, refused);
    /* Sheet names and members from workbook.xml and its relationships. */
    GHashTable *rel = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    xmlDocPtr rd = parse_member(x, h, "xl/_rels/workbook.xml.rels", refused);
    xmlNodePtr root = rd ? xmlDocGetRootElement(rd) : NULL;
    for (xmlNodePtr r = root ? root->children : NULL; r; r = r->next) {
        const char *id = is(r, "Relationship") ? attr(r, "Id") : NULL, *target = id ? attr(r, "Target") : NULL;
        if (target)
            g_hash_table_replace(rel, g_strdup(id),
                                 target[0] == '/' ? g_strdup(target + 1) : g_strconcat("xl/", target, NULL));
    }
    if (rd)
        xmlFreeDoc(rd);
    GHashTable *done = g_hash_table_new(g_str_hash, g_str_equal);
    xmlDocPtr wb = parse_member(x, h, "xl/workbook.xml", refused);
    root = wb ? xmlDocGetRootElement(wb) : NULL;
    for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
        if (!is(c, "sheets"))
            continue;
        for (xmlNodePtr s = c->children; s; s = s->next) {
            if (!is(s, "sheet"))
                continue;
            const char *name = attr(s, "name"), *id = attr(s, "id");
            const char *member = id ? g_hash_table_lookup(rel, id) : NULL;
            if (member && !g_hash_table_contains(done, member) && g_hash_table_contains(h, member)) {
                g_hash_table_add(done, (gpointer)member);
                sheet(x, h, member, name ? name : member, ss, refused);
            }
        }
    }
    if (wb)
        xmlFreeDoc(wb);
    /* Sheets the workbook did not name (or no workbook). */
    GPtrArray *ws = members_like(h, "xl/worksheets/", ".xml");
    for (guint i = 0; i < ws->len; i++)
        if (!g_hash_table_contains(done, ws->pdata[i]))
            sheet(x, h, ws->pdata[i], ws->pdata[i], ss, refused);
    g_ptr_array_unref(ws);
    GPtrArray *cm = members_like(h, "xl/", ".xml");
    for (guint i = 0; i < cm->len; i++)
        if (g_str_has_prefix((const char *)cm->pdata[i] + 3, "comments"))
            text_member(x, h, cm->pdata[i], "comments", 0, "sheet", refused);
    g_ptr_array_unref(cm);
    g_hash_table_unref(done);
    g_hash_table_unref(rel);
    g_ptr_array_unref(ss);
}

/* ------------------------------------------------------------------ */
/* Per format                                                          */
/* ------------------------------------------------------------------ */

static void
sections_like(tl_ex *x, GHashTable *h, const char *prefix, const char *label, const char *source, int *refused)
{
    GPtrArray *m = members_like(h, prefix, ".xml");
    for (guint i = 0; i < m->len; i++) {
        char *sec = g_strdup_printf("%s %ld", label, name_number(m->pdata[i]));
        text_member(x, h, m->pdata[i], sec, 0, source, refused);
        g_free(sec);
    }
    g_ptr_array_unref(m);
}

static void
children(tl_ex *x, GHashTable *h)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (!g_str_has_suffix(k, ".xml") && !g_str_has_suffix(k, ".rels"))
            g_ptr_array_add(names, k);
    g_ptr_array_sort(names, by_number);
    for (guint i = 0; i < names->len; i++) {
        gsize n = 0;
        const void *d = g_bytes_get_data(g_hash_table_lookup(h, names->pdata[i]), &n);
        if (n && !tl_ex_child(x, names->pdata[i], d, n))
            break;
    }
    g_ptr_array_unref(names);
}

void
tl_ex_office(tl_ex *x, const guint8 *data, size_t len, tl_filetype type)
{
    GHashTable *h = tl_ex_zip_members(x, data, len, want_member);
    if (!h)
        return;
    int refused = 0;
    if (type == TL_FT_DOCX) {
        text_member(x, h, "word/document.xml", "document", 0, "docx", &refused);
        sections_like(x, h, "word/header", "header", "docx", &refused);
        sections_like(x, h, "word/footer", "footer", "docx", &refused);
        text_member(x, h, "word/footnotes.xml", "footnotes", 0, "docx", &refused);
        text_member(x, h, "word/endnotes.xml", "endnotes", 0, "docx", &refused);
        text_member(x, h, "word/comments.xml", "comments", 0, "docx", &refused);
        properties(x, h, "docProps/core.xml");
    } else if (type == TL_FT_XLSX) {
        xlsx(x, h, &refused);
        properties(x, h, "docProps/core.xml");
    } else if (type == TL_FT_PPTX) {
        sections_like(x, h, "ppt/slides/slide", "slide", "pptx", &refused);
        sections_like(x, h, "ppt/notesSlides/notesSlide", "notes", "pptx", &refused);
        sections_like(x, h, "ppt/comments/comment", "comments", "pptx", &refused);
        properties(x, h, "docProps/core.xml");
    } else {
        const char *src = type == TL_FT_ODS ? "sheet" : type == TL_FT_ODP ? "odp" : "odt";
        text_member(x, h, "content.xml", "content", 1, src, &refused);
        odf_styles(x, h, &refused);
        properties(x, h, "meta.xml");
    }
    children(x, h);
    g_hash_table_unref(h);
    tl_ex_section_end(x);
    if (x->too_large && x->r->tables->len == 0)
        tl_ex_fail(x, TL_EX_TOO_LARGE, "a document part unpacks past %zu bytes", x->lim->max_xml_bytes);
    else if (refused)
        tl_ex_fail(x, TL_EX_FAILED, "a document part declares XML entities (refused past %d; other parts read)",
                   x->lim->max_entities);
    else if (x->r->status == TL_EX_TEXT && x->r->text->len == 0 && x->r->sections->len == 0)
        tl_ex_fail(x, TL_EX_FAILED, "no readable document part");
}
