/*
 * pdf.c - the text layer of a PDF with poppler-glib, page by page: each
 * page is a section ("page 3") of the text, so a finding's offset tells
 * its page.  A PDF whose pages hold no text is NO_TEXT_LAYER (a scan; OCR
 * is not done here), one that needs a password is ENCRYPTED, one that
 * poppler cannot open is FAILED with poppler's reason.  A PDF cut short
 * (no %%EOF near its end) is reported as truncated, and what poppler
 * recovers of it is kept.
 *
 * The images of each page are listed with their pixel dimensions (poppler
 * decodes each listed image once; at most max_pdf_images per document);
 * with pdf_image_sizes 0, only until a page has text: the scan wants the
 * sizes of a scanned page's images alone.
 * Pages past max_pdf_pages and the rest of a document whose reading took
 * longer than max_pdf_seconds are skipped and reported; the time is
 * checked between pages, since poppler cannot be interrupted inside one.
 */
#include <cairo.h>
#include <poppler.h>
#include <string.h>

#include "parsers/extract/ex_internal.h"

/* Lists the images of a page; sizes: decode each for its pixel size
 * (poppler renders the whole image to a cairo surface for it: most of a
 * small PDF's cost when it has a logo). */
static void
list_images(tl_ex *x, PopplerPage *page, int pno, int *images, int sizes)
{
    GList *map = poppler_page_get_image_mapping(page);
    for (GList *l = map; l; l = l->next) {
        PopplerImageMapping *m = l->data;
        if (*images >= x->lim->max_pdf_images) {
            tl_ex_anomaly(x, "limit: images listed per PDF (%d) reached", x->lim->max_pdf_images);
            break;
        }
        (*images)++;
        tl_image_info *im = g_new0(tl_image_info, 1);
        im->page = pno;
        cairo_surface_t *s = sizes ? poppler_page_get_image(page, m->image_id) : NULL;
        if (s) {
            if (cairo_surface_get_type(s) == CAIRO_SURFACE_TYPE_IMAGE) {
                im->width = cairo_image_surface_get_width(s);
                im->height = cairo_image_surface_get_height(s);
            }
            cairo_surface_destroy(s);
        }
        g_ptr_array_add(x->r->images, im);
    }
    poppler_page_free_image_mapping(map);
}

/* A PDF of one empty page, as small as a valid one can be. */
static const char keeper_pdf[] =
    "%PDF-1.4\n"
    "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 1 1]>>endobj\n"
    "xref\n0 4\n"
    "0000000000 65535 f \n"
    "0000000009 00000 n \n"
    "0000000052 00000 n \n"
    "0000000101 00000 n \n"
    "trailer<</Size 4/Root 1 0 R>>\nstartxref\n160\n%%EOF\n";

/* poppler-glib builds its global parameters (GlobalParams: font and
 * encoding tables) when a PopplerDocument is created while no other one
 * exists, and destroys them when the last one is freed: opened one after
 * the other, every PDF paid for building them, more than its own parsing
 * on a small PDF (docs/extraction.md, "Cost").  One empty document made
 * here, once per process and never freed, keeps them alive; poppler counts
 * the documents under its own lock, so workers then open theirs in
 * parallel.  The GOnce also makes the first construction of the
 * parameters happen on one thread only.  The parameters hold settings and
 * caches, never a document's content: the text read is the same. */
static PopplerDocument *kept;

static void
poppler_keep_params(void)
{
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        GBytes *b = g_bytes_new_static(keeper_pdf, sizeof keeper_pdf - 1);
        PopplerDocument *keeper = poppler_document_new_from_bytes(b, NULL, NULL);
        g_bytes_unref(b);
        kept = keeper;      /* in a static: leak checkers see it reachable */
        g_once_init_leave(&once, 1);
    }
}

int
tl_ex_pdf_params_kept(void)
{
    return kept && poppler_document_get_n_pages(kept) == 1;
}

void
tl_ex_pdf(tl_ex *x, const guint8 *data, size_t len)
{
    gint64 t0 = g_get_monotonic_time();
    const guint8 *tail = data + (len > 1024 ? len - 1024 : 0);
    int truncated = memmem(tail, (size_t)(data + len - tail), "%%EOF", 5) == NULL;
    if (truncated)
        tl_ex_anomaly(x, "PDF truncated: no %%%%EOF at its end");
    poppler_keep_params();
    GBytes *b = g_bytes_new_static(data, len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(b, NULL, &err);
    g_bytes_unref(b);
    if (!doc) {
        if (err && g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
            tl_ex_fail(x, TL_EX_ENCRYPTED, "PDF needs a password");
        else
            tl_ex_fail(x, TL_EX_FAILED, "%s%s", truncated ? "truncated PDF: " : "",
                       err ? err->message : "PDF unreadable");
        g_clear_error(&err);
        return;
    }
    int n = poppler_document_get_n_pages(doc);
    x->r->pages = n;
    int chars = 0, images = 0;
    for (int i = 0; i < n; i++) {
        if (i >= x->lim->max_pdf_pages) {
            tl_ex_anomaly(x, "limit: pages per PDF (%d) reached", x->lim->max_pdf_pages);
            break;
        }
        double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
        if (secs > x->lim->max_pdf_seconds) {
            tl_ex_anomaly(x, "limit: seconds per PDF (%.0f) reached at page %d", x->lim->max_pdf_seconds, i + 1);
            break;
        }
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        char name[32];
        g_snprintf(name, sizeof name, "page %d", i + 1);
        tl_ex_section(x, name);
        char *text = poppler_page_get_text(page);
        if (text) {
            for (const char *p = text; *p; p++)
                if (!g_ascii_isspace(*p)) {
                    chars++;
                    break;
                }
            tl_ex_append(x, text, strlen(text));
            tl_ex_newline(x);
            g_free(text);
        }
        list_images(x, page, i + 1, &images, x->lim->pdf_image_sizes || !chars);
        g_object_unref(page);
        if (x->text_full)
            break;
    }
    tl_ex_section_end(x);
    g_object_unref(doc);
    if (!chars)
        tl_ex_fail(x, TL_EX_NO_TEXT_LAYER, "no text on %d page%s", n, n == 1 ? "" : "s");
    else if (x->lim->find_tables)
        tl_tables_detect(x->r->text->str, x->r->text->len, x->r->tables);
}
