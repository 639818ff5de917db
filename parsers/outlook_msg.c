/*
 * outlook_msg.c - Outlook .msg files: an OLE2 compound file (libolecf) whose storages
 * hold MAPI property streams (parsers/outlook_int.h, docs/formats.md).
 */
#include <stdio.h>
#include <string.h>

#include <libolecf.h>

#include "parsers/outlook_int.h"

/* ------------------------------------------------------------------ */
/* Outlook .msg (libolecf)                                             */
/* ------------------------------------------------------------------ */

static char *
olecf_why(libolecf_error_t **e, const char *what)
{
    char buf[512] = "";
    if (*e) {
        libolecf_error_sprint(*e, buf, sizeof buf);
        libolecf_error_free(e);
    }
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    g_strstrip(buf);
    return g_strdup_printf("%s%s%s", what, *buf ? ": " : "", buf);
}

/* The whole of a stream, or NULL. */
static GBytes *
olecf_read(libolecf_item_t *it, size_t max)
{
    libolecf_error_t *e = NULL;
    uint32_t n = 0;
    if (libolecf_item_get_size(it, &n, &e) != 1 || n > max) {
        libolecf_error_free(&e);
        return NULL;
    }
    uint8_t *d = g_malloc(n ? n : 1);
    size_t got = 0;
    while (got < n) {
        ssize_t r = libolecf_stream_read_buffer_at_offset(it, d + got, n - got, (off64_t)got, &e);
        if (r <= 0) {
            libolecf_error_free(&e);
            g_free(d);
            return NULL;
        }
        got += (size_t)r;
    }
    return g_bytes_new_take(d, n);
}

static char *
olecf_name(libolecf_item_t *it)
{
    libolecf_error_t *e = NULL;
    size_t n = 0;
    if (libolecf_item_get_utf8_name_size(it, &n, &e) != 1 || n == 0 || n > 1024) {
        libolecf_error_free(&e);
        return NULL;
    }
    char *s = g_malloc(n + 1);
    if (libolecf_item_get_utf8_name(it, (uint8_t *)s, n, &e) != 1) {
        libolecf_error_free(&e);
        g_free(s);
        return NULL;
    }
    s[n] = 0;
    return s;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the properties of a storage into b: the __substg1.0_ streams and
 * the fixed-size values of __properties_version1.0 (after a header of
 * hdr bytes).  The names of the recipient and attachment storages go to
 * recips/atts (sorted), when given. */
static void
msg_load(libolecf_item_t *st, size_t hdr, bag_src *b, GPtrArray *recips, GPtrArray *atts, ol_msg *m)
{
    libolecf_error_t *e = NULL;
    int n = 0;
    GBytes *props = NULL;
    if (libolecf_item_get_number_of_sub_items(st, &n, &e) != 1) {
        char *w = olecf_why(&e, "storage");
        tl_ol_note(m, "%s", w);
        g_free(w);
        return;
    }
    for (int i = 0; i < n; i++) {
        libolecf_item_t *it = NULL;
        if (libolecf_item_get_sub_item(st, i, &it, &e) != 1) {
            libolecf_error_free(&e);
            continue;
        }
        char *name = olecf_name(it);
        if (!name) {
            libolecf_item_free(&it, NULL);
            continue;
        }
        unsigned tag = 0;
        if (strlen(name) == 20 && strncmp(name, "__substg1.0_", 12) == 0 && sscanf(name + 12, "%8x", &tag) == 1) {
            uint16_t type = tag & 0xFFFF;
            if (type == TYP_STRING8 || type == TYP_UNICODE || type == TYP_BINARY) {
                GBytes *v = olecf_read(it, OL_MAX_PROP);
                if (v)
                    tl_ol_bag_put(b, (uint16_t)(tag >> 16), type, v);
                else
                    tl_ol_note(m, "stream %s unreadable", name);
            }
        } else if (strcmp(name, "__properties_version1.0") == 0) {
            if (!props)
                props = olecf_read(it, OL_MAX_PROP);
        } else if (recips && strncmp(name, "__recip_version1.0_", 19) == 0) {
            g_ptr_array_add(recips, g_strdup(name));
        } else if (atts && strncmp(name, "__attach_version1.0_", 20) == 0) {
            g_ptr_array_add(atts, g_strdup(name));
        }
        g_free(name);
        libolecf_item_free(&it, NULL);
    }
    if (props) {
        gsize len = 0;
        const uint8_t *d = g_bytes_get_data(props, &len);
        for (gsize p = hdr; p + 16 <= len; p += 16) {
            uint32_t tag = (uint32_t)d[p] | (uint32_t)d[p + 1] << 8 | (uint32_t)d[p + 2] << 16 |
                           (uint32_t)d[p + 3] << 24;
            uint16_t type = tag & 0xFFFF;
            if (type == TYP_I2 || type == TYP_LONG || type == TYP_BOOLEAN || type == TYP_I8 ||
                type == TYP_SYSTIME)
                tl_ol_bag_put(b, (uint16_t)(tag >> 16), type, g_bytes_new(d + p + 8, 8));
        }
        g_bytes_unref(props);
    }
    if (recips)
        g_ptr_array_sort(recips, cmp_str);
    if (atts)
        g_ptr_array_sort(atts, cmp_str);
    uint32_t cp = 0;
    if (tl_ol_bag_u32(&b->base, PID_MESSAGE_CODEPAGE, &cp))
        b->codepage = cp;
}

static libolecf_item_t *
olecf_child(libolecf_item_t *st, const char *name)
{
    libolecf_item_t *it = NULL;
    libolecf_error_t *e = NULL;
    if (libolecf_item_get_sub_item_by_utf8_name(st, (const uint8_t *)name, strlen(name), &it, &e) != 1) {
        libolecf_error_free(&e);
        return NULL;
    }
    return it;
}

/* A message stored in st (the root storage: hdr 32; an embedded message:
 * hdr 24). */
static ol_msg *
msg_read(ol_ctx *c, libolecf_item_t *st, size_t hdr, unsigned depth)
{
    ol_msg *m = tl_ol_msg_new();
    bag_src b;
    GPtrArray *rn = g_ptr_array_new_with_free_func(g_free), *an = g_ptr_array_new_with_free_func(g_free);
    tl_ol_bag_init(&b);
    msg_load(st, hdr, &b, rn, an, m);
    tl_ol_fill_envelope(&b.base, m);
    tl_ol_bag_bodies(&b, m);
    tl_ol_bag_done(&b);
    for (guint i = 0; i < rn->len; i++) {
        libolecf_item_t *r = olecf_child(st, rn->pdata[i]);
        if (!r) {
            tl_ol_note(m, "%s unreadable", (char *)rn->pdata[i]);
            continue;
        }
        bag_src rb;
        tl_ol_bag_init(&rb);
        msg_load(r, 8, &rb, NULL, NULL, m);
        tl_ol_fill_recip(&rb.base, m);
        tl_ol_bag_done(&rb);
        libolecf_item_free(&r, NULL);
    }
    for (guint i = 0; i < an->len; i++) {
        libolecf_item_t *at = olecf_child(st, an->pdata[i]);
        if (!at) {
            tl_ol_note(m, "%s unreadable", (char *)an->pdata[i]);
            continue;
        }
        bag_src ab;
        uint32_t method = 1;
        tl_ol_bag_init(&ab);
        msg_load(at, 8, &ab, NULL, NULL, m);
        ol_att *a = tl_ol_fill_att_names(&ab.base);
        g_ptr_array_add(m->atts, a);
        tl_ol_bag_u32(&ab.base, PID_ATTACH_METHOD, &method);
        if (method == 5) {
            libolecf_item_t *sub = olecf_child(at, "__substg1.0_3701000D");
            if (!sub)
                tl_ol_note(m, "attachment %u: embedded message missing", i);
            else if (depth + 1 >= c->max_depth)
                tl_ol_note(m, "attachment %u: embedded message nested deeper than %u", i, c->max_depth);
            else
                a->embedded = msg_read(c, sub, 24, depth + 1);
            if (sub)
                libolecf_item_free(&sub, NULL);
        } else if (method == 6) {
            tl_ol_note(m, "attachment %u: an OLE object (not read)", i);
        } else {
            a->data = tl_ol_bag_bin(&ab.base, PID_ATTACH_DATA);
        }
        tl_ol_bag_done(&ab);
        libolecf_item_free(&at, NULL);
    }
    g_ptr_array_free(rn, TRUE);
    g_ptr_array_free(an, TRUE);
    return m;
}

static guint32
ole_u32(const uint8_t *p)
{
    return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

/* libolecf 20181231 sizes its allocation tables by the counts of the
 * OLE2 header as they are written: a 2.7 KB file claiming 2^30 MiniFAT
 * sectors had it ask for 4 GiB (fuzz_archive,
 * tests/fuzz/regress/archive/ole2-header-claims-4gib-minifat).  A count of
 * FAT, MiniFAT or DIFAT sectors more than the file can hold is refused
 * before libolecf sees it; NULL when the header is plausible (or too short
 * to judge: libolecf then says why). */
static char *
ole_header_lie(const uint8_t *buf, size_t len)
{
    if (len < 512)
        return NULL;
    unsigned shift = (unsigned)buf[0x1e] | (unsigned)buf[0x1f] << 8;
    if (shift < 7 || shift > 16)
        return g_strdup_printf("damaged OLE2 header: sector size 2^%u", shift);
    guint64 sectors = (len + ((guint64)1 << shift) - 1) >> shift;
    static const struct { size_t off; const char *what; } counts[] = {
        { 0x2c, "FAT" }, { 0x40, "MiniFAT" }, { 0x48, "DIFAT" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(counts); i++) {
        guint32 n = ole_u32(buf + counts[i].off);
        if (n > sectors)
            return g_strdup_printf("damaged OLE2 header: %u %s sectors in a file of %" G_GUINT64_FORMAT " sectors",
                                   n, counts[i].what, sectors);
    }
    return NULL;
}

gboolean
tl_outlook_msg_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                   tl_ol_info *info, char **why)
{
    ol_ctx c;
    libolecf_file_t *file = NULL;
    libolecf_error_t *e = NULL;
    libolecf_item_t *root = NULL;
    tl_ol_ctx_init(&c, opts, cb, user, info, "msg");
    if ((*why = ole_header_lie(buf, len)) != NULL)
        return FALSE;
    libbfio_handle_t *h = tl_ol_mem_handle(buf, len);
    if (!h) {
        *why = g_strdup("libbfio: cannot make a memory handle");
        return FALSE;
    }
    int opened = 0;
    if (libolecf_file_initialize(&file, &e) != 1 ||
        (opened = libolecf_file_open_file_io_handle(file, h, LIBOLECF_OPEN_READ, &e)) != 1 ||
        libolecf_file_get_root_item(file, &root, &e) != 1) {
        *why = olecf_why(&e, "not a readable OLE2 compound file");
        if (opened == 1)
            libolecf_file_close(file, NULL);
        if (file)
            libolecf_file_free(&file, NULL);
        libbfio_handle_free(&h, NULL);
        return FALSE;
    }
    ol_msg *m = msg_read(&c, root, 32, 0);
    libolecf_item_free(&root, NULL);
    gboolean ok = TRUE;
    if (!m->msg_class && !m->subject && !m->plain && !m->headers && m->recips->len == 0) {
        *why = g_strdup("OLE2 compound file without Outlook message properties");
        ok = FALSE;
    } else {
        tl_ol_deliver_msg(&c, m, "", 0, 0, 0);
    }
    tl_ol_msg_free(m);
    libolecf_file_close(file, NULL);
    libolecf_file_free(&file, NULL);
    libbfio_handle_free(&h, NULL);
    return ok;
}
