/*
 * table.c - one table model for every layout a table comes in: delimited
 * files (CSV per RFC 4180, TSV), sheets and document tables (office.c),
 * HTML tables (built by the caller from rows of cells), and tables typed
 * into plain text: tab-separated lines, pipe tables (Markdown and ASCII
 * art) and columns aligned with spaces in a monospace mail.
 *
 * A crew list is the same table in each of these layouts: the cells are
 * trimmed, empty rows and trailing empty cells dropped, and the header is
 * chosen by one rule for all layouts (tl_table_finish), so that the
 * detectors see the same header and the same rows whatever the layout.
 *
 * Space-aligned columns are found as in a fixed-width file: in a run of
 * consecutive lines that each have a gap of two or more spaces after some
 * text, a column boundary is a stretch of at least two character positions
 * that is blank in every line of the run.  Positions count characters, not
 * bytes, so names with accents stay aligned.
 */
#include <string.h>

#include "scanner/table.h"

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

/* A cell and its text are one block (tl_table_add_cell): a sheet or a
 * CSV makes hundreds of thousands of cells, and the second allocation of
 * each was a sixth of extracting a message with a large CSV. */
static void
cell_free(gpointer p)
{
    g_free(p);
}

static void
row_free(gpointer p)
{
    g_ptr_array_unref(p);
}

tl_table *
tl_table_new(const char *source)
{
    tl_table *t = g_new0(tl_table, 1);
    t->source = source;
    t->header = g_ptr_array_new_with_free_func(cell_free);
    t->rows = g_ptr_array_new_with_free_func(row_free);
    return t;
}

void
tl_table_free(gpointer p)
{
    tl_table *t = p;
    if (!t)
        return;
    g_ptr_array_unref(t->header);
    g_ptr_array_unref(t->rows);
    g_free(t->name);
    g_free(t);
}

void
tl_table_add_row(tl_table *t)
{
    g_ptr_array_add(t->rows, g_ptr_array_new_with_free_func(cell_free));
}

static int
blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

void
tl_table_add_cell(tl_table *t, const char *value, size_t n, size_t off, size_t len)
{
    if (!t->rows->len)
        tl_table_add_row(t);
    while (n && blank(*value)) {
        value++;
        n--;
    }
    /* A no-break space (U+00A0) at either end counts as blank too. */
    while (n >= 2 && (guchar)value[0] == 0xc2 && (guchar)value[1] == 0xa0) {
        value += 2;
        n -= 2;
    }
    while (n && blank(value[n - 1]))
        n--;
    while (n >= 2 && (guchar)value[n - 2] == 0xc2 && (guchar)value[n - 1] == 0xa0)
        n -= 2;
    tl_cell *c = g_malloc(sizeof *c + n + 1);
    c->text = (char *)(c + 1);
    size_t k = strnlen(value, n);       /* as g_strndup: the text ends at a NUL in it */
    memcpy(c->text, value, k);
    memset(c->text + k, 0, n + 1 - k);
    c->off = off;
    c->len = len;
    g_ptr_array_add(t->rows->pdata[t->rows->len - 1], c);
}

static int
has_digit(const char *s)
{
    for (; *s; s++)
        if (g_ascii_isdigit(*s))
            return 1;
    return 0;
}

static int
has_lower(const char *s)
{
    for (; *s; s++)
        if (g_ascii_islower(*s))
            return 1;
    return 0;
}

/* header: 1 the first row is the header, 0 it is not, -1 the rule decides. */
static tl_table *
finish(tl_table *t, int header)
{
    for (guint i = t->rows->len; i-- > 0;) {
        GPtrArray *row = t->rows->pdata[i];
        while (row->len && !*((tl_cell *)row->pdata[row->len - 1])->text)
            g_ptr_array_remove_index(row, row->len - 1);
        if (!row->len)
            g_ptr_array_remove_index(t->rows, i);
    }
    t->ncols = 0;
    for (guint i = 0; i < t->rows->len; i++)
        t->ncols = MAX(t->ncols, ((GPtrArray *)t->rows->pdata[i])->len);
    if (t->ncols < 2 || t->rows->len < 1) {
        tl_table_free(t);
        return NULL;
    }
    if (header < 0 && t->rows->len >= 2) {
        GPtrArray *first = t->rows->pdata[0];
        int ok = first->len >= 2, upper = 1, later_digit = 0;
        for (guint j = 0; j < first->len && ok; j++) {
            const char *v = ((tl_cell *)first->pdata[j])->text;
            if (!*v || has_digit(v))
                ok = 0;
            if (has_lower(v))
                upper = 0;
        }
        for (guint i = 1; i < t->rows->len && ok && !later_digit; i++) {
            GPtrArray *row = t->rows->pdata[i];
            for (guint j = 0; j < row->len; j++)
                if (has_digit(((tl_cell *)row->pdata[j])->text))
                    later_digit = 1;
        }
        header = ok && (later_digit || upper);
    }
    if (header > 0 && t->rows->len >= 2) {
        GPtrArray *first = g_ptr_array_steal_index(t->rows, 0);
        for (guint j = 0; j < first->len; j++)
            g_ptr_array_add(t->header, first->pdata[j]);
        g_ptr_array_set_free_func(first, NULL);
        g_ptr_array_unref(first);
    }
    return t;
}

tl_table *
tl_table_finish(tl_table *t)
{
    return finish(t, -1);
}

tl_table *
tl_table_from_rows(const char *source, const char *const *const *rows)
{
    tl_table *t = tl_table_new(source);
    for (size_t i = 0; rows[i]; i++) {
        tl_table_add_row(t);
        for (size_t j = 0; rows[i][j]; j++)
            tl_table_add_cell(t, rows[i][j], strlen(rows[i][j]), 0, 0);
    }
    return tl_table_finish(t);
}

int
tl_table_equal(const tl_table *a, const tl_table *b)
{
    if (a->header->len != b->header->len || a->rows->len != b->rows->len)
        return 0;
    for (guint j = 0; j < a->header->len; j++)
        if (strcmp(((tl_cell *)a->header->pdata[j])->text, ((tl_cell *)b->header->pdata[j])->text))
            return 0;
    for (guint i = 0; i < a->rows->len; i++) {
        GPtrArray *ra = a->rows->pdata[i], *rb = b->rows->pdata[i];
        if (ra->len != rb->len)
            return 0;
        for (guint j = 0; j < ra->len; j++)
            if (strcmp(((tl_cell *)ra->pdata[j])->text, ((tl_cell *)rb->pdata[j])->text))
                return 0;
    }
    return 1;
}

static void
dump_row(GString *s, const char *tag, const GPtrArray *row)
{
    g_string_append(s, tag);
    for (guint j = 0; j < row->len; j++)
        g_string_append_printf(s, "%s%s", j ? "|" : "", ((tl_cell *)row->pdata[j])->text);
    g_string_append_c(s, '\n');
}

char *
tl_table_dump(const tl_table *t)
{
    GString *s = g_string_new(NULL);
    if (t->header->len)
        dump_row(s, "h: ", t->header);
    for (guint i = 0; i < t->rows->len; i++)
        dump_row(s, "r: ", t->rows->pdata[i]);
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------------ */
/* Delimited files                                                     */
/* ------------------------------------------------------------------ */

tl_table *
tl_table_parse_delimited(const char *text, size_t len, char sep, size_t max_cells)
{
    tl_table *t = tl_table_new(sep == ',' ? "csv" : "tsv");
    GString *val = g_string_new(NULL);
    size_t i = 0, cells = 0;
    tl_table_add_row(t);
    while (i <= len && cells < max_cells) {
        size_t start = i;
        g_string_truncate(val, 0);
        if (sep == ',' && i < len && text[i] == '"') {
            i++;
            while (i < len) {
                if (text[i] == '"' && i + 1 < len && text[i + 1] == '"') {
                    g_string_append_c(val, '"');
                    i += 2;
                } else if (text[i] == '"') {
                    i++;
                    break;
                } else {
                    g_string_append_c(val, text[i++]);
                }
            }
            while (i < len && text[i] != sep && text[i] != '\n')
                i++;        /* stray bytes after the closing quote */
        } else {
            while (i < len && text[i] != sep && text[i] != '\n')
                i++;
            g_string_append_len(val, text + start, (gssize)(i - start));
        }
        tl_table_add_cell(t, val->str, val->len, start, i - start);
        cells++;
        if (i >= len)
            break;
        if (text[i] == '\n')
            tl_table_add_row(t);
        i++;
    }
    g_string_free(val, TRUE);
    return tl_table_finish(t);
}

/* ------------------------------------------------------------------ */
/* Tables typed into plain text                                        */
/* ------------------------------------------------------------------ */

typedef struct {
    size_t off, len;        /* the line without its end */
} line;

static GArray *
split_lines(const char *text, size_t len)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(line));
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        line l = { i, e - i };
        if (l.len && text[e - 1] == '\r')
            l.len--;
        g_array_append_val(a, l);
        i = e + 1;
    }
    return a;
}

static int
line_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!blank(s[i]))
            return 0;
    return 1;
}

/* Tab-separated: the line has text and a tab after it. */
static int
is_tab_line(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && blank(s[i]))
        i++;
    const char *tab = memchr(s + i, '\t', n - i);
    return tab && !line_blank(tab, (size_t)(s + n - tab));
}

/* A pipe table line: starts with '|' or has two '|' or more.  Every line
 * of a part is asked (tl_tables_detect), so the pipes are found with
 * memchr rather than counted byte by byte. */
static int
is_pipe_line(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i < n && (s[i] == '|' || s[i] == '+'))
        return memchr(s + i, '|', n - i) != NULL || s[i] == '+';
    const char *p = memchr(s + i, '|', n - i);
    return p && memchr(p + 1, '|', (size_t)(s + n - p - 1)) != NULL;
}

/* A rule line of a pipe table: only | - : + = and blanks. */
static int
is_rule_line(const char *s, size_t n)
{
    int dash = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-' || s[i] == '=')
            dash = 1;
        else if (!strchr("|:+ \t", s[i]))
            return 0;
    }
    return dash;
}

/* A line with a gap of two blanks or more after text, and no tab or pipe.
 * The first two spaces in a row after the leading ones follow text (the
 * byte before them is not a space, or they would not be the first), so
 * that gap decides: text after it, or only spaces to the line's end (and
 * then no later gap either). */
static int
is_gap_line(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i == n || memchr(s, '\t', n) || memchr(s, '|', n))
        return 0;
    const char *gap = memmem(s + i, n - i, "  ", 2);
    if (!gap)
        return 0;
    size_t k = (size_t)(gap - s) + 2;
    while (k < n && s[k] == ' ')
        k++;
    return k < n;
}

/* Tabs in a line after its leading blanks; *run: some are consecutive. */
static size_t
count_tabs(const char *s, size_t e, int *run)
{
    size_t k = 0, n = 0;
    *run = 0;
    while (k < e && s[k] == ' ')
        k++;
    for (; k < e; k++)
        if (s[k] == '\t') {
            n++;
            *run |= k + 1 < e && s[k + 1] == '\t';
        }
    return n;
}

static void
tab_table(const char *text, const line *ls, guint n, GPtrArray *out)
{
    tl_table *t = tl_table_new("tabs");
    /* Runs of tabs are typed alignment, one separator, unless every tab
     * is a column: the first line has no run and no line has more tabs
     * than it (a sheet or an HTML table with an empty cell). */
    int run = 0, any = 0;
    size_t first = count_tabs(text + ls[0].off, ls[0].len, &run);
    int exact = !run;
    for (guint i = 1; i < n && exact; i++)
        exact = count_tabs(text + ls[i].off, ls[i].len, &any) <= first;
    for (guint i = 0; i < n; i++) {
        const char *s = text + ls[i].off;
        size_t e = ls[i].len, k = 0;
        tl_table_add_row(t);
        while (k < e && s[k] == ' ')
            k++;
        while (k < e) {
            size_t st = k;
            while (k < e && s[k] != '\t')
                k++;
            tl_table_add_cell(t, s + st, k - st, ls[i].off + st, k - st);
            if (exact && k < e)
                k++;
            else
                while (k < e && s[k] == '\t')
                    k++;    /* runs of tabs align; they are one separator */
        }
    }
    t = tl_table_finish(t);
    if (t)
        g_ptr_array_add(out, t);
}

static void
pipe_table(const char *text, const line *ls, guint n, GPtrArray *out)
{
    tl_table *t = tl_table_new("pipes");
    int header = -1;
    guint rows = 0;
    for (guint i = 0; i < n; i++) {
        const char *s = text + ls[i].off;
        size_t e = ls[i].len, k = 0;
        if (is_rule_line(s, e)) {
            if (rows == 1)
                header = 1;     /* Markdown: the rule under the first row */
            continue;
        }
        while (e && blank(s[e - 1]))
            e--;
        while (k < e && blank(s[k]))
            k++;
        if (k < e && s[k] == '|')
            k++;
        if (e > k && s[e - 1] == '|')
            e--;
        tl_table_add_row(t);
        rows++;
        for (;;) {
            size_t st = k;
            while (k < e && s[k] != '|')
                k++;
            tl_table_add_cell(t, s + st, k - st, ls[i].off + st, k - st);
            if (k >= e)
                break;
            k++;
        }
    }
    t = finish(t, header);
    if (t)
        g_ptr_array_add(out, t);
}

/* Byte offsets of each character of a line, plus one past the end. */
static GArray *
char_offsets(const char *s, size_t n)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t i = 0;
    while (i < n) {
        g_array_append_val(a, i);
        const char *next = g_utf8_find_next_char(s + i, s + n);
        i = next ? (size_t)(next - s) : n;
    }
    g_array_append_val(a, n);
    return a;
}

static void
column_table(const char *text, const line *ls, guint n, GPtrArray *out)
{
    GArray **offs = g_new0(GArray *, n);
    size_t width = 0;
    for (guint i = 0; i < n; i++) {
        offs[i] = char_offsets(text + ls[i].off, ls[i].len);
        width = MAX(width, offs[i]->len - 1);
    }
    /* gap[c]: position c is blank (or past the end) in every line. */
    guint8 *gap = g_malloc(width + 1);
    memset(gap, 1, width + 1);
    for (guint i = 0; i < n; i++)
        for (size_t c = 0; c + 1 < offs[i]->len; c++) {
            size_t b = g_array_index(offs[i], size_t, c);
            if (text[ls[i].off + b] != ' ')
                gap[c] = 0;
        }
    /* Column starts: after each run of >= 2 gap positions, and the first
     * non-gap position. */
    GArray *starts = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t c = 0;
    while (c < width && gap[c])
        c++;
    if (c < width)
        g_array_append_val(starts, c);
    while (c < width) {
        if (!gap[c]) {
            c++;
            continue;
        }
        size_t g = c;
        while (c < width && gap[c])
            c++;
        if (c < width && c - g >= 2)
            g_array_append_val(starts, c);
    }
    if (starts->len >= 2) {
        tl_table *t = tl_table_new("columns");
        guint *filled = g_new0(guint, starts->len);
        for (guint i = 0; i < n; i++) {
            tl_table_add_row(t);
            size_t nch = offs[i]->len - 1;
            for (guint k = 0; k < starts->len; k++) {
                size_t a = g_array_index(starts, size_t, k);
                size_t z = k + 1 < starts->len ? g_array_index(starts, size_t, k + 1) : nch;
                a = MIN(a, nch);
                z = MIN(MAX(z, a), nch);
                size_t ba = g_array_index(offs[i], size_t, a), bz = g_array_index(offs[i], size_t, z);
                const char *s = text + ls[i].off + ba;
                tl_table_add_cell(t, s, bz - ba, ls[i].off + ba, bz - ba);
                if (!line_blank(s, bz - ba))
                    filled[k]++;
            }
        }
        /* Every column holds text in at least half the lines, or this is
         * not a table but prose with wide gaps. */
        int ok = 1;
        for (guint k = 0; k < starts->len; k++)
            if (filled[k] * 2 < n)
                ok = 0;
        g_free(filled);
        if (ok && (t = tl_table_finish(t)))
            g_ptr_array_add(out, t);
        else if (!ok)
            tl_table_free(t);
    }
    g_array_unref(starts);
    g_free(gap);
    for (guint i = 0; i < n; i++)
        g_array_unref(offs[i]);
    g_free(offs);
}

void
tl_tables_detect(const char *text, size_t len, GPtrArray *out)
{
    GArray *la = split_lines(text, len);
    const line *ls = (const line *)la->data;
    guint i = 0;
    while (i < la->len) {
        const char *s = text + ls[i].off;
        size_t n = ls[i].len;
        int (*kind)(const char *, size_t) = is_tab_line(s, n) ? is_tab_line
                                            : is_pipe_line(s, n) ? is_pipe_line
                                            : is_gap_line(s, n) ? is_gap_line : NULL;
        if (!kind) {
            i++;
            continue;
        }
        guint j = i + 1;
        while (j < la->len && kind(text + ls[j].off, ls[j].len))
            j++;
        if (j - i >= 2) {
            if (kind == is_tab_line)
                tab_table(text, ls + i, j - i, out);
            else if (kind == is_pipe_line)
                pipe_table(text, ls + i, j - i, out);
            else
                column_table(text, ls + i, j - i, out);
        }
        i = j;
    }
    g_array_unref(la);
}

/* ------------------------------------------------------------------ */
/* Where an offset falls: the cell index                               */
/* ------------------------------------------------------------------ */

typedef struct {
    size_t start, end;          /* the row's first cell's start, its last cell's end */
    const tl_table *t;
    const GPtrArray *cells;
    gint64 row;                 /* -1: the header */
} row_span;

struct tl_table_index {
    GArray *rows;               /* of row_span, by start */
};

static void
index_row(GArray *a, const tl_table *t, const GPtrArray *cells, gint64 row)
{
    if (!cells->len)
        return;
    const tl_cell *f = cells->pdata[0], *l = cells->pdata[cells->len - 1];
    row_span r = { f->off, MAX(l->off + l->len, f->off + 1), t, cells, row };
    if (f->off == 0 && l->off + l->len == 0)
        return;                 /* cells made elsewhere (offsets 0): not in this text */
    g_array_append_val(a, r);
}

static gint
by_start(gconstpointer a, gconstpointer b)
{
    const row_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

tl_table_index *
tl_table_index_new(const GPtrArray *tables)
{
    tl_table_index *ix = g_new0(tl_table_index, 1);
    ix->rows = g_array_new(FALSE, FALSE, sizeof(row_span));
    for (guint i = 0; tables && i < tables->len; i++) {
        const tl_table *t = tables->pdata[i];
        index_row(ix->rows, t, t->header, -1);
        for (guint r = 0; r < t->rows->len; r++)
            index_row(ix->rows, t, t->rows->pdata[r], r);
    }
    g_array_sort(ix->rows, by_start);
    return ix;
}

void
tl_table_index_free(tl_table_index *ix)
{
    if (!ix)
        return;
    g_array_unref(ix->rows);
    g_free(ix);
}

int
tl_table_locate(const tl_table_index *ix, size_t off, tl_table_place *at)
{
    const GArray *a = ix->rows;
    guint l = 0, r = a->len;
    while (l < r) {     /* the last row that starts at or before off */
        guint m = l + (r - l) / 2;
        if (g_array_index(a, row_span, m).start <= off)
            l = m + 1;
        else
            r = m;
    }
    if (!l)
        return 0;
    const row_span *rs = &g_array_index(a, row_span, l - 1);
    if (off >= rs->end)
        return 0;
    guint col = 0;
    for (guint j = 1; j < rs->cells->len; j++)
        if (((const tl_cell *)rs->cells->pdata[j])->off <= off)
            col = j;
    at->table = rs->t;
    at->row = rs->row;
    at->col = col;
    at->cell = rs->cells->pdata[col];
    at->prev = col ? rs->cells->pdata[col - 1] : NULL;
    at->header = rs->row >= 0 && col < rs->t->header->len ? rs->t->header->pdata[col] : NULL;
    return 1;
}
