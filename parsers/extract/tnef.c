/*
 * tnef.c - TNEF (winmail.dat, application/ms-tnef) with libytnef: the
 * body, from the compressed RTF property decompressed and turned to text
 * (rtf.c), else the plain body property; the subject; and the attachments
 * as children, named by their long file name, for the caller to extract.
 *
 * libytnef parses a whole memory buffer; it is given a copy because its
 * API takes a non-const pointer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ytnef.h>

#include "parsers/extract/ex_internal.h"

/* A string property of a TNEF property list, as UTF-8 (g_free), or NULL. */
static char *
prop_string(MAPIProps *p, unsigned int id)
{
    variableLength *v = MAPIFindProperty(p, PROP_TAG(PT_UNICODE, id));
    if (v != MAPI_UNDEFINED && v && v->size > 0)
        return g_convert((const char *)v->data, v->size, "UTF-8", "UTF-16LE", NULL, NULL, NULL);
    v = MAPIFindProperty(p, PROP_TAG(PT_STRING8, id));
    if (v != MAPI_UNDEFINED && v && v->size > 0) {
        size_t n = strnlen((const char *)v->data, (size_t)v->size);
        if (g_utf8_validate((const char *)v->data, (gssize)n, NULL))
            return g_strndup((const char *)v->data, n);
        return g_convert((const char *)v->data, (gssize)n, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
    }
    return NULL;
}

static void
append_body(tl_ex *x, TNEFStruct *t)
{
    variableLength *rtf = MAPIFindProperty(&t->MapiProperties, PROP_TAG(PT_BINARY, PR_RTF_COMPRESSED));
    if (rtf != MAPI_UNDEFINED && rtf && rtf->size > 16) {
        int size = 0;
        BYTE *raw = DecompressRTF(rtf, &size);
        if (raw && size > 0) {
            int cut = 0;
            char *text = tl_rtf_to_text((const char *)raw, (size_t)size, x->lim->max_text, &cut);
            if (text) {
                tl_ex_section(x, "body");
                tl_ex_append(x, text, strlen(text));
                tl_ex_newline(x);
                g_free(text);
            }
            if (cut)
                tl_ex_anomaly(x, "limit: text per attachment (%zu bytes) reached", x->lim->max_text);
        }
        free(raw);
        if (raw && size > 0)
            return;
    }
    char *body = prop_string(&t->MapiProperties, PR_BODY);
    if (!body && t->body.size > 0)
        body = g_strndup((const char *)t->body.data, (size_t)t->body.size);
    if (body) {
        tl_ex_section(x, "body");
        tl_ex_append(x, body, strlen(body));
        tl_ex_newline(x);
        g_free(body);
    }
}

void
tl_ex_tnef(tl_ex *x, const guint8 *data, size_t len)
{
    TNEFStruct t;
    TNEFInitialize(&t);
    t.Debug = 0;
    BYTE *copy = g_memdup2(data, len);
    int rc = TNEFParseMemory(copy, (long)len, &t);
    if (rc < 0) {
        tl_ex_fail(x, TL_EX_FAILED, "TNEF parse error %d", rc);
        TNEFFree(&t);
        g_free(copy);
        return;
    }
    char *subject = prop_string(&t.MapiProperties, PR_SUBJECT);
    if (!subject && t.subject.size > 0)
        subject = g_strndup((const char *)t.subject.data, (size_t)t.subject.size);
    if (subject) {
        tl_ex_section(x, "subject");
        tl_ex_append(x, "Subject: ", 9);
        tl_ex_append(x, subject, strlen(subject));
        tl_ex_newline(x);
        g_free(subject);
    }
    append_body(x, &t);
    tl_ex_section_end(x);
    int n = 0;
    for (Attachment *a = t.starting_attach.next; a; a = a->next) {
        n++;
        if (a->FileData.size <= 0)
            continue;
        if ((size_t)a->FileData.size > x->lim->max_child) {
            tl_ex_anomaly(x, "limit: size of one member (%zu bytes) reached in attachment %d", x->lim->max_child, n);
            continue;
        }
        char *name = prop_string(&a->MAPI, PR_ATTACH_LONG_FILENAME);
        if (!name && a->Title.size > 0)
            name = g_strndup((const char *)a->Title.data, (size_t)a->Title.size);
        if (!name)
            name = g_strdup_printf("attachment%d", n);
        int more = tl_ex_child(x, name, a->FileData.data, (size_t)a->FileData.size);
        g_free(name);
        if (!more)
            break;
    }
    TNEFFree(&t);
    g_free(copy);
}
