/*
 * attachment.c - one attachment's bytes back from its message, for
 * `typoleak extract`: the path recorded in the attachments table is
 * followed as parsers/text.c made it.
 *
 * A path is MIME part numbers ("2", "1.3", "2.1" inside an attached
 * message), then for each container on the way "/NAME/N": the N-th child
 * that parsers/extract/ gives of the attachment named NAME.  A child that
 * is a message continues with its own part numbers after a dot
 * ("3/mail.zip/1.2").  The bytes found are checked against the SHA-256
 * the scan recorded, so what a reviewer opens is what was scanned.
 */
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/extract/extract.h"
#include "parsers/parsers.h"
#include "scanner/base.h"

static GMimeMessage *
parse_message(const guint8 *d, size_t n, GPtrArray *keep)
{
    GMimeStream *s = g_mime_stream_mem_new_with_buffer((const char *)d, n);
    GMimeParser *ps = g_mime_parser_new_with_stream(s);
    GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
    g_object_unref(ps);
    g_object_unref(s);
    if (m)
        g_ptr_array_add(keep, m);
    return m;
}

static GMimeObject *find_in(GMimeObject *obj, char **segs, int i, GPtrArray *keep);

/* The part at segs[i..] of a message, numbered as parsers/text.c does:
 * a multipart body's parts are 1..n, a single body is 1. */
static GMimeObject *
find_in_message(GMimeMessage *m, char **segs, int i, GPtrArray *keep)
{
    GMimeObject *body = g_mime_message_get_mime_part(m);
    if (!body || !segs[i])
        return NULL;
    if (GMIME_IS_MULTIPART(body))
        return find_in(body, segs, i, keep);
    if (strcmp(segs[i], "1") != 0)
        return NULL;
    return segs[i + 1] ? find_in(body, segs, i + 1, keep) : body;
}

/* Inside obj (a multipart, an attached message or a .eml part). */
static GMimeObject *
find_in(GMimeObject *obj, char **segs, int i, GPtrArray *keep)
{
    if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        return inner ? find_in_message(inner, segs, i, keep) : NULL;
    }
    if (GMIME_IS_PART(obj)) {
        /* An attached .eml sent as a plain part (GMime copies the bytes). */
        GByteArray *ba = tl_part_bytes(GMIME_PART(obj));
        GMimeMessage *m = ba ? parse_message(ba->data, ba->len, keep) : NULL;
        if (ba)
            g_byte_array_unref(ba);
        return m ? find_in_message(m, segs, i, keep) : NULL;
    }
    if (!GMIME_IS_MULTIPART(obj))
        return NULL;
    char *end = NULL;
    long k = strtol(segs[i], &end, 10);
    GMimeMultipart *mp = GMIME_MULTIPART(obj);
    if (!end || *end || k < 1 || k > g_mime_multipart_get_count(mp))
        return NULL;
    GMimeObject *child = g_mime_multipart_get_part(mp, (int)k - 1);
    return segs[i + 1] ? find_in(child, segs, i + 1, keep) : child;
}

/* The leaf at a dotted MIME path of the message in d, decoded. */
static GByteArray *
mime_leaf(const guint8 *d, size_t n, const char *dotted, GPtrArray *keep)
{
    GMimeMessage *m = parse_message(d, n, keep);
    if (!m)
        return NULL;
    char **segs = g_strsplit(dotted, ".", -1);
    GMimeObject *o = find_in_message(m, segs, 0, keep);
    g_strfreev(segs);
    return o && GMIME_IS_PART(o) ? tl_part_bytes(GMIME_PART(o)) : NULL;
}

tl_status_t
tl_attachment_bytes(const uint8_t *msg, size_t len, const char *part, const char *sha256, uint8_t **data, size_t *n,
                    char **errmsg)
{
    tl_library_init();
    GPtrArray *keep = g_ptr_array_new_with_free_func(g_object_unref);
    char **steps = g_strsplit(part, "/", -1);
    tl_status_t st = TL_OK;
    GByteArray *cur = mime_leaf(msg, len, steps[0], keep);
    int depth = 0;
    for (int i = 1; cur && steps[i] && steps[i + 1]; i += 2) {
        /* steps[i]: the container's name; steps[i + 1]: "N" or "N.MIME.PATH". */
        char *end = NULL;
        long k = strtol(steps[i + 1], &end, 10);
        tl_extract_result *r = tl_extract(cur->data, cur->len, NULL, steps[i], ++depth, NULL);
        GByteArray *next = NULL;
        if (k >= 1 && (guint)k <= r->children->len) {
            const tl_extract_child *c = r->children->pdata[k - 1];
            gsize cn = 0;
            const guint8 *cd = g_bytes_get_data(c->bytes, &cn);
            if (end && *end == '.') {
                next = mime_leaf(cd, cn, end + 1, keep);    /* a message among the members */
            } else if (end && !*end) {
                next = g_byte_array_sized_new((guint)cn);
                g_byte_array_append(next, cd, (guint)cn);
            }
        }
        tl_extract_result_free(r);
        g_byte_array_unref(cur);
        cur = next;
    }
    if (!cur) {
        *errmsg = g_strdup_printf("no attachment %s in the message", part);
        st = TL_ERR_PARSE;
    } else {
        char got[65];
        tl_sha256_hex(cur->data, cur->len, got);
        if (sha256 && *sha256 && strcmp(got, sha256) != 0) {
            *errmsg = g_strdup_printf("attachment %s: SHA-256 %s, not the %s recorded: the evidence changed", part,
                                      got, sha256);
            st = TL_ERR_READ;
        } else {
            *n = cur->len;
            *data = g_byte_array_steal(cur, NULL);
        }
        g_byte_array_unref(cur);
    }
    g_strfreev(steps);
    g_ptr_array_unref(keep);
    return st;
}
