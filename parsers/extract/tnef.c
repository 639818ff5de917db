/*
 * tnef.c - TNEF (winmail.dat, application/ms-tnef) through the project's
 * one TNEF reader (parsers/outlook_tnef.c, which also reads winmail.dat
 * files on disk): the subject; the body, from the RTF (decompressed by the
 * reader, turned to text by rtf.c), else the plain body; and the
 * attachments as children, named by their file names, for the caller to
 * extract (an embedded message as its RFC 5322 bytes).
 */
#include <string.h>

#include "parsers/extract/ex_internal.h"
#include "parsers/outlook.h"

static void
append_body(tl_ex *x, const tl_tnef_content *t)
{
    gsize n = 0;
    const char *rtf = t->rtf ? g_bytes_get_data(t->rtf, &n) : NULL;
    if (rtf && n > 0) {
        int cut = 0;
        char *text = tl_rtf_to_text(rtf, n, x->lim->max_text, &cut);
        if (text) {
            tl_ex_section(x, "body");
            tl_ex_append(x, text, strlen(text));
            tl_ex_newline(x);
            g_free(text);
        }
        if (cut)
            tl_ex_anomaly(x, "limit: text per attachment (%zu bytes) reached", x->lim->max_text);
        if (text)
            return;
    }
    const char *plain = t->plain ? g_bytes_get_data(t->plain, &n) : NULL;
    if (plain && n > 0) {
        tl_ex_section(x, "body");
        tl_ex_append(x, plain, strnlen(plain, n));
        tl_ex_newline(x);
    }
}

/* An HTML-only body goes to the caller as a child, read as any HTML
 * attachment is. */
static int
html_body_child(tl_ex *x, const tl_tnef_content *t)
{
    gsize n = 0;
    if (t->rtf || t->plain || !t->html || g_bytes_get_size(t->html) == 0)
        return 1;
    const guint8 *d = g_bytes_get_data(t->html, &n);
    return tl_ex_child(x, "body.html", d, n);
}

void
tl_ex_tnef(tl_ex *x, const guint8 *data, size_t len)
{
    char *why = NULL;
    tl_ol_opts o = { .max_item = x->lim->max_child };
    tl_tnef_content *t = tl_outlook_tnef_content(data, len, &o, &why);
    if (!t) {
        tl_ex_fail(x, TL_EX_FAILED, "TNEF: %s", why ? why : "unreadable");
        g_free(why);
        return;
    }
    if (!t->subject && !t->plain && !t->rtf && t->files->len == 0) {
        tl_ex_fail(x, TL_EX_FAILED, "TNEF: nothing readable%s%s", t->notes ? ": " : "", t->notes ? t->notes : "");
        tl_tnef_content_free(t);
        return;
    }
    if (t->notes)
        tl_ex_anomaly(x, "TNEF: %s", t->notes);
    if (t->subject) {
        tl_ex_section(x, "subject");
        tl_ex_append(x, "Subject: ", 9);
        tl_ex_append(x, t->subject, strlen(t->subject));
        tl_ex_newline(x);
    }
    append_body(x, t);
    tl_ex_section_end(x);
    int more = html_body_child(x, t);
    for (guint i = 0; more && i < t->files->len; i++) {
        const tl_tnef_file *f = t->files->pdata[i];
        gsize n = 0;
        const guint8 *d = f->data ? g_bytes_get_data(f->data, &n) : NULL;
        if (n == 0)
            continue;
        if (n > x->lim->max_child) {
            tl_ex_anomaly(x, "limit: size of one member (%zu bytes) reached in attachment %u", x->lim->max_child,
                          i + 1);
            continue;
        }
        more = tl_ex_child(x, f->name, d, n);
    }
    tl_tnef_content_free(t);
}
