/*
 * fuzz_extract.h - what the attachment extractors' harnesses share
 * (fuzz_pdf.c, fuzz_office.c, fuzz_cal.c, fuzz_tnef.c, fuzz_rtf.c,
 * fuzz_image.c): one extraction of the input as a given type under small
 * limits (so that a run stays fast), and the invariants of every result:
 * the text is valid UTF-8 without NUL and within max_text, sections and
 * table cells lie inside it, children and anomalies within their limits,
 * a status in range.  A broken invariant is a crash (__builtin_trap).
 */
#ifndef TL_FUZZ_EXTRACT_H
#define TL_FUZZ_EXTRACT_H

#include <string.h>

#include "parsers/extract/extract.h"

static void
fuzz_check_cells(const GPtrArray *cells, size_t textlen)
{
    for (guint i = 0; i < cells->len; i++) {
        const tl_cell *c = cells->pdata[i];
        if (!c->text || c->off > textlen || c->len > textlen - c->off)
            __builtin_trap();
    }
}

static void
fuzz_extract(tl_filetype type, const uint8_t *data, size_t size)
{
    tl_extract_limits lim;
    tl_extract_limits_init(&lim);
    lim.max_pdf_pages = 20;
    lim.max_pdf_seconds = 5;
    lim.max_pdf_images = 20;
    lim.max_sheet_cells = 5000;
    lim.max_xml_bytes = 4u << 20;
    lim.max_unpacked = 8u << 20;
    lim.max_text = 256u << 10;
    lim.max_children = 50;
    lim.max_child = 4u << 20;
    tl_extract_result *r = tl_extract_as(type, data, size, &lim);
    const GString *t = r->text;
    if (r->status >= TL_EX_LAST || t->len > lim.max_text || strlen(t->str) != t->len
        || !g_utf8_validate(t->str, (gssize)t->len, NULL))
        __builtin_trap();
    for (guint i = 0; i < r->sections->len; i++) {
        const tl_extract_section *s = &g_array_index(r->sections, tl_extract_section, i);
        if (!s->name || s->off > t->len || s->len > t->len - s->off)
            __builtin_trap();
    }
    for (guint i = 0; i < r->tables->len; i++) {
        const tl_table *tb = r->tables->pdata[i];
        fuzz_check_cells(tb->header, t->len);
        for (guint k = 0; k < tb->rows->len; k++)
            fuzz_check_cells(tb->rows->pdata[k], t->len);
    }
    if (r->children->len > (guint)lim.max_children)
        __builtin_trap();
    for (guint i = 0; i < r->children->len; i++) {
        const tl_extract_child *c = r->children->pdata[i];
        if (!c->name || g_bytes_get_size(c->bytes) > lim.max_child)
            __builtin_trap();
    }
    if (r->images->len > (guint)lim.max_pdf_images)
        __builtin_trap();
    if (r->reason && !g_utf8_validate(r->reason, -1, NULL))
        __builtin_trap();
    for (guint i = 0; i < r->anomalies->len; i++)
        if (!g_utf8_validate(r->anomalies->pdata[i], -1, NULL))
            __builtin_trap();
    tl_extract_result_free(r);
}

#endif
