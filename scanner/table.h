/*
 * table.h - one table model for every layout a table comes in (issue 11):
 * header cells and rows of cells, each cell with its offset and length in
 * the text it was read from.  The attachment extractors (parsers/extract/)
 * build tables from sheets, documents and delimited files; parsers/text.c
 * finds the tables of every text part (tl_tables_detect) and hands them to
 * the detectors beside the text (tl_text_part.tables), which read a cell's
 * column header as its context (scanner/detect/engine.c, tl_cell_header).
 * GLib only; scanner/table.c.
 */
#ifndef TL_TABLE_H
#define TL_TABLE_H

#include <glib.h>
#include <stddef.h>

/* One cell: its value (trimmed, unquoted, owned) and where it sits in the
 * text the table was read from (off, len: the raw span, before trimming
 * quotes).  A cell made by the caller from elsewhere (an HTML table) may
 * give off = len = 0. */
typedef struct {
    char *text;
    size_t off, len;
} tl_cell;

/* A table: header cells (possibly none) and rows of cells.  source says
 * where it came from: "csv", "tsv", "tabs", "pipes", "columns", "sheet",
 * "docx", "odt", "html", ... (static string). */
typedef struct {
    const char *source;
    char *name;                 /* sheet name or NULL */
    GPtrArray *header;          /* of tl_cell*; empty when no header row */
    GPtrArray *rows;            /* of GPtrArray* of tl_cell* */
    guint ncols;                /* the widest row */
} tl_table;

tl_table *tl_table_new(const char *source);
void tl_table_free(gpointer t);
/* Starts a new row; cells then go to it. */
void tl_table_add_row(tl_table *t);
/* Appends a cell to the last row (starting one when there is none); the
 * value is copied (n bytes) and trimmed of blanks. */
void tl_table_add_cell(tl_table *t, const char *value, size_t n, size_t off, size_t len);
/* Ends building: drops empty rows and trailing empty cells, and moves the
 * first row to the header when it looks like one (every cell non-empty,
 * no cell with a digit, and some later row has a digit or the table has a
 * single text column).  Returns t, or NULL (t freed) when fewer than one
 * row of two cells remains. */
tl_table *tl_table_finish(tl_table *t);
/* A table from rows of cell values, for tables read elsewhere (HTML):
 * rows is a NULL-terminated array of NULL-terminated arrays of strings.
 * Offsets are 0.  Finished as above. */
tl_table *tl_table_from_rows(const char *source, const char *const *const *rows);
/* Tables found in plain text: tab-separated runs, pipe tables and columns
 * aligned with spaces (fixed width).  Appends tl_table* to out.  Offsets
 * are into text. */
void tl_tables_detect(const char *text, size_t len, GPtrArray *out);
/* One delimited file (CSV with quotes per RFC 4180, or TSV) as one table. */
tl_table *tl_table_parse_delimited(const char *text, size_t len, char sep, size_t max_cells);
/* Whether two tables hold the same header and cell values (offsets and
 * source are not compared). */
int tl_table_equal(const tl_table *a, const tl_table *b);
/* A one-line-per-row dump ("h: a|b\nr: c|d\n"), for tests and debugging;
 * g_free it. */
char *tl_table_dump(const tl_table *t);

/* Where an offset of a text falls among the tables found in it: an index
 * over their rows (tables whose cells carry no offsets are left out). */
typedef struct tl_table_index tl_table_index;
tl_table_index *tl_table_index_new(const GPtrArray *tables);
void tl_table_index_free(tl_table_index *ix);

typedef struct {
    const tl_table *table;
    gint64 row;                 /* index in table->rows; -1 in the header row */
    guint col;                  /* the cell that starts at or before the offset */
    const tl_cell *cell;
    const tl_cell *prev;        /* the cell before it in the row, or NULL */
    const tl_cell *header;      /* the header cell over the column, or NULL (no header, or a wider row) */
} tl_table_place;
/* 1 and *at filled when off lies in a row of a table, from its first
 * cell's start to its last cell's end (separators between cells belong to
 * the cell before); 0 otherwise.  O(log rows + cells of the row). */
int tl_table_locate(const tl_table_index *ix, size_t off, tl_table_place *at);

#endif /* TL_TABLE_H */
