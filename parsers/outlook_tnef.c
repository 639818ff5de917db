/*
 * outlook_tnef.c - TNEF streams (winmail.dat), read here after MS-OXTNEF
 * (parsers/outlook_int.h, docs/formats.md).
 */
#include <string.h>

#include "parsers/outlook_int.h"

/* ------------------------------------------------------------------ */
/* TNEF (MS-OXTNEF)                                                    */
/* ------------------------------------------------------------------ */

/* TNEF is read here rather than with libytnef, which prints to stdout
 * and refuses some valid streams.  A stream is a signature, a key and a
 * list of attributes (level, id, length, data, checksum); the message's
 * MAPI properties, its recipient table and each attachment's properties
 * are MAPI property lists (below). */

gboolean
tl_outlook_is_tnef(const uint8_t *buf, size_t len)
{
    return len >= 4 && buf[0] == 0x78 && buf[1] == 0x9F && buf[2] == 0x3E && buf[3] == 0x22;
}

enum {
    ATT_SUBJECT = 0x00018004,
    ATT_DATE_SENT = 0x00038005,
    ATT_DATE_RECD = 0x00038006,
    ATT_MESSAGE_CLASS = 0x00078008,
    ATT_BODY = 0x0002800C,
    ATT_MSG_PROPS = 0x00069003,
    ATT_RECIP_TABLE = 0x00069004,
    ATT_ATTACH_REND_DATA = 0x00069002,
    ATT_ATTACH_TITLE = 0x00018010,
    ATT_ATTACH_DATA = 0x0006800F,
    ATT_ATTACHMENT = 0x00069005,
    ATT_OEM_CODEPAGE = 0x00069007,
};

/* A bounded little-endian reader. */
typedef struct {
    const uint8_t *p;
    size_t len, pos;
    int bad;
} rd;

static uint32_t
rd_u32(rd *r)
{
    if (r->bad || r->len - r->pos < 4) {
        r->bad = 1;
        return 0;
    }
    const uint8_t *d = r->p + r->pos;
    r->pos += 4;
    return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

static const uint8_t *
rd_take(rd *r, size_t n)
{
    if (r->bad || r->len - r->pos < n) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *d = r->p + r->pos;
    r->pos += n;
    return d;
}

/* Size of a fixed-size MAPI value in a TNEF property list, 0 for
 * variable-size types, -1 for unknown types. */
static int
tnef_fixed_size(uint16_t type)
{
    switch (type) {
    case 0x0002: case 0x0003: case 0x0004: case 0x000A: case 0x000B: return 4;
    case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040: return 8;
    case 0x0048: return 16;
    case 0x001E: case 0x001F: case 0x0102: case 0x000D: return 0;
    default: return -1;
    }
}

/* Reads a MAPI property list into b (the first value of each property;
 * named properties are skipped).  FALSE when the list is malformed. */
static gboolean
tnef_props(rd *r, bag_src *b)
{
    uint32_t n = rd_u32(r);
    if (r->bad || n > (r->len - r->pos) / 4)
        return FALSE;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        uint32_t tag = rd_u32(r);
        uint16_t type = tag & 0xFFFF, id = (uint16_t)(tag >> 16);
        gboolean multi = (type & 0x1000) != 0;
        type &= (uint16_t)~0x1000;
        if (id >= 0x8000) {
            rd_take(r, 16);
            uint32_t kind = rd_u32(r);
            if (kind == 0) {
                rd_u32(r);
            } else {
                uint32_t nl = rd_u32(r);
                rd_take(r, nl);
                rd_take(r, (4 - nl % 4) % 4);
            }
        }
        int fixed = tnef_fixed_size(type);
        if (fixed < 0 || r->bad)
            return FALSE;
        uint32_t count = 1;
        if (multi || fixed == 0)
            count = rd_u32(r);
        if (r->bad || count > r->len - r->pos)
            return FALSE;
        for (uint32_t k = 0; k < count && !r->bad; k++) {
            const uint8_t *d;
            size_t dn;
            if (fixed > 0) {
                dn = (size_t)fixed;
                d = rd_take(r, dn);
            } else {
                dn = rd_u32(r);
                d = rd_take(r, dn);
                rd_take(r, (4 - dn % 4) % 4);
            }
            if (d && k == 0 && !multi && id < 0x8000) {
                /* 2-byte values are padded to 4; a value keeps 8 bytes
                 * for bag_u32/bag_time. */
                uint8_t v8[8] = { 0 };
                if (fixed > 0 && fixed <= 8) {
                    memcpy(v8, d, (size_t)fixed);
                    tl_ol_bag_put(b, id, type, g_bytes_new(v8, 8));
                } else {
                    tl_ol_bag_put(b, id, type, g_bytes_new(d, dn));
                }
            }
        }
    }
    return !r->bad;
}

/* A TNEF date (year, month, day, hour, minute, second, weekday: 16-bit). */
static gint64
tnef_date(const uint8_t *d, size_t n)
{
    if (n < 12)
        return G_MININT64;
    unsigned v[6];
    for (int i = 0; i < 6; i++)
        v[i] = (unsigned)d[2 * i] | (unsigned)d[2 * i + 1] << 8;
    if (v[0] < 1601 || v[0] > 9999 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
        v[5] > 59)
        return G_MININT64;
    GDateTime *t = g_date_time_new_utc((gint)v[0], (gint)v[1], (gint)v[2], (gint)v[3], (gint)v[4], v[5]);
    if (!t)
        return G_MININT64;
    gint64 u = g_date_time_to_unix(t);
    g_date_time_unref(t);
    return u;
}

/* An 8-bit TNEF string (NUL-terminated or not) as UTF-8. */
static char *
tnef_string(const uint8_t *d, size_t n, uint32_t codepage)
{
    while (n > 0 && d[n - 1] == 0)
        n--;
    if (g_utf8_validate((const char *)d, (gssize)n, NULL))
        return g_strndup((const char *)d, n);
    const char *cs = tl_ol_cpid_charset(codepage);
    char *u = g_convert((const char *)d, (gssize)n, "UTF-8", cs ? cs : "WINDOWS-1252", NULL, NULL, NULL);
    return u ? u : g_utf8_make_valid((const char *)d, (gssize)n);
}

typedef struct {
    bag_src bag;
    GBytes *data;               /* attAttachData */
    char *title;                /* attAttachTitle */
} tnef_att;

static ol_msg *tnef_read(ol_ctx *c, const uint8_t *buf, size_t len, unsigned depth, char **why);

static void
tnef_att_finish(ol_ctx *c, tnef_att *ta, ol_msg *m, unsigned index, unsigned depth)
{
    ol_att *a = tl_ol_fill_att_names(&ta->bag.base);
    if ((!a->filename || !*a->filename) && ta->title) {
        g_free(a->filename);
        a->filename = g_strdup(ta->title);
    }
    g_ptr_array_add(m->atts, a);
    /* An embedded message: PR_ATTACH_DATA_OBJ holds an interface id and a
     * TNEF stream. */
    bagval *obj = tl_ol_bag_get(&ta->bag.base, PID_ATTACH_DATA);
    gsize on = 0;
    const uint8_t *od = obj ? g_bytes_get_data(obj->v, &on) : NULL;
    if (obj && obj->type == TYP_OBJECT && on > 16 && tl_outlook_is_tnef(od + 16, on - 16)) {
        char *w = NULL;
        if (depth + 1 >= c->max_depth)
            tl_ol_note(m, "attachment %u: embedded message nested deeper than %u", index, c->max_depth);
        else if (!(a->embedded = tnef_read(c, od + 16, on - 16, depth + 1, &w)))
            tl_ol_note(m, "attachment %u: %s", index, w);
        g_free(w);
    } else if (ta->data) {
        a->data = g_bytes_ref(ta->data);
    } else if (obj && on > 0) {
        a->data = g_bytes_new(od + (obj->type == TYP_OBJECT && on > 16 ? 16 : 0),
                              on - (obj->type == TYP_OBJECT && on > 16 ? 16 : 0));
    }
    tl_ol_bag_done(&ta->bag);
    if (ta->data)
        g_bytes_unref(ta->data);
    g_free(ta->title);
    memset(ta, 0, sizeof *ta);
}

/* Reads one TNEF stream into an ol_msg; NULL with *why when it is no
 * TNEF stream.  Damage after the header keeps what came before it, with
 * a note. */
static ol_msg *
tnef_read(ol_ctx *c, const uint8_t *buf, size_t len, unsigned depth, char **why)
{
    rd r = { buf, len, 0, 0 };
    if (!tl_outlook_is_tnef(buf, len) || len < 6) {
        *why = g_strdup("no TNEF signature");
        return NULL;
    }
    r.pos = 6;
    ol_msg *m = tl_ol_msg_new();
    bag_src mb;
    tl_ol_bag_init(&mb);
    char *subject = NULL, *klass = NULL;
    GBytes *body = NULL;
    gint64 sent = G_MININT64, recd = G_MININT64;
    uint32_t codepage = 0;
    tnef_att ta;
    gboolean in_att = FALSE;
    unsigned natt = 0;
    memset(&ta, 0, sizeof ta);
    while (r.pos < len) {
        const uint8_t *lvl = rd_take(&r, 1);
        uint32_t id = rd_u32(&r);
        uint32_t n = rd_u32(&r);
        const uint8_t *d = rd_take(&r, n);
        rd_take(&r, 2);                     /* checksum, not checked: damage shows as bad lengths */
        if (r.bad || !lvl || !d) {
            tl_ol_note(m, "TNEF stream damaged or cut at byte %zu", r.pos);
            break;
        }
        if (*lvl == 2) {
            if (id == ATT_ATTACH_REND_DATA) {
                if (in_att)
                    tnef_att_finish(c, &ta, m, natt++, depth);
                tl_ol_bag_init(&ta.bag);
                ta.bag.codepage = codepage;
                in_att = TRUE;
            } else if (!in_att) {
                continue;
            } else if (id == ATT_ATTACH_DATA) {
                if (!ta.data)
                    ta.data = g_bytes_new(d, n);
            } else if (id == ATT_ATTACH_TITLE) {
                if (!ta.title)
                    ta.title = tnef_string(d, n, codepage);
            } else if (id == ATT_ATTACHMENT) {
                rd pr = { d, n, 0, 0 };
                if (!tnef_props(&pr, &ta.bag))
                    tl_ol_note(m, "attachment %u: property list damaged", natt);
            }
            continue;
        }
        switch (id) {
        case ATT_OEM_CODEPAGE:
            if (n >= 4)
                codepage = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
            break;
        case ATT_SUBJECT:
            if (!subject)
                subject = tnef_string(d, n, codepage);
            break;
        case ATT_MESSAGE_CLASS:
            if (!klass)
                klass = tnef_string(d, n, codepage);
            break;
        case ATT_BODY:
            if (!body) {
                char *s = tnef_string(d, n, codepage);
                body = g_bytes_new_take(s, strlen(s));
            }
            break;
        case ATT_DATE_SENT: sent = tnef_date(d, n); break;
        case ATT_DATE_RECD: recd = tnef_date(d, n); break;
        case ATT_MSG_PROPS: {
            rd pr = { d, n, 0, 0 };
            mb.codepage = codepage;
            if (!tnef_props(&pr, &mb))
                tl_ol_note(m, "message property list damaged");
            break;
        }
        case ATT_RECIP_TABLE: {
            rd pr = { d, n, 0, 0 };
            uint32_t rows = rd_u32(&pr);
            for (uint32_t i = 0; i < rows && !pr.bad && pr.pos < n; i++) {
                bag_src rb;
                tl_ol_bag_init(&rb);
                rb.codepage = codepage;
                if (tnef_props(&pr, &rb))
                    tl_ol_fill_recip(&rb.base, m);
                else
                    tl_ol_note(m, "recipient %u: property list damaged", i);
                tl_ol_bag_done(&rb);
            }
            break;
        }
        default:
            break;
        }
    }
    if (in_att)
        tnef_att_finish(c, &ta, m, natt++, depth);
    uint32_t cp = 0;
    if (!mb.codepage && tl_ol_bag_u32(&mb.base, PID_MESSAGE_CODEPAGE, &cp))
        mb.codepage = cp;
    tl_ol_fill_envelope(&mb.base, m);
    tl_ol_bag_bodies(&mb, m);
    /* TNEF's own attributes fill what the MAPI properties left out. */
    if (!m->subject)
        m->subject = subject, subject = NULL;
    /* A winmail.dat often carries no subject (the outer message has
     * it); the conversation topic is the subject less its prefixes. */
    if (!m->subject)
        m->subject = tl_ol_bag_str(&mb.base, PID_CONVERSATION_TOPIC);
    tl_ol_bag_done(&mb);
    if (!m->msg_class)
        m->msg_class = klass, klass = NULL;
    if (m->submit == G_MININT64)
        m->submit = sent;
    if (m->delivery == G_MININT64)
        m->delivery = recd;
    if (!m->plain && body && g_bytes_get_size(body) > 0)
        m->plain = g_bytes_ref(body);
    if (body)
        g_bytes_unref(body);
    g_free(subject);
    g_free(klass);
    return m;
}

gboolean
tl_outlook_tnef_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                    tl_ol_info *info, char **why)
{
    ol_ctx c;
    tl_ol_ctx_init(&c, opts, cb, user, info, "tnef");
    ol_msg *m = tnef_read(&c, buf, len, 0, why);
    if (!m)
        return FALSE;
    tl_ol_deliver_msg(&c, m, "", 0, 0, 0);
    tl_ol_msg_free(m);
    return TRUE;
}

static void
tnef_file_free(gpointer p)
{
    tl_tnef_file *f = p;
    g_free(f->name);
    if (f->data)
        g_bytes_unref(f->data);
    g_free(f);
}

tl_tnef_content *
tl_outlook_tnef_content(const uint8_t *buf, size_t len, const tl_ol_opts *opts, char **why)
{
    ol_ctx c;
    tl_ol_info info;
    tl_ol_ctx_init(&c, opts, NULL, NULL, &info, "tnef");
    ol_msg *m = tnef_read(&c, buf, len, 0, why);
    if (!m)
        return NULL;
    tl_tnef_content *t = g_new0(tl_tnef_content, 1);
    t->subject = g_steal_pointer(&m->subject);
    t->plain = g_steal_pointer(&m->plain);
    t->html = g_steal_pointer(&m->html);
    t->rtf = g_steal_pointer(&m->rtf);
    t->files = g_ptr_array_new_with_free_func(tnef_file_free);
    for (guint i = 0; i < m->atts->len; i++) {
        const ol_att *a = m->atts->pdata[i];
        tl_tnef_file *f = g_new0(tl_tnef_file, 1);
        if (a->embedded) {
            GString *o = tl_ol_render(a->embedded);
            gsize n = o->len;
            f->data = g_bytes_new_take(g_string_free(o, FALSE), n);
            f->name = a->filename && *a->filename ? g_strconcat(a->filename, ".eml", NULL)
                                                  : g_strdup_printf("message%u.eml", i + 1);
        } else {
            f->data = a->data ? g_bytes_ref(a->data) : NULL;
            f->name = a->filename && *a->filename ? g_strdup(a->filename) : g_strdup_printf("attachment%u", i + 1);
        }
        g_ptr_array_add(t->files, f);
    }
    t->notes = m->notes->len ? g_strdup(m->notes->str) : NULL;
    tl_ol_msg_free(m);
    return t;
}

void
tl_tnef_content_free(tl_tnef_content *t)
{
    if (!t)
        return;
    g_free(t->subject);
    if (t->plain)
        g_bytes_unref(t->plain);
    if (t->html)
        g_bytes_unref(t->html);
    if (t->rtf)
        g_bytes_unref(t->rtf);
    g_ptr_array_free(t->files, TRUE);
    g_free(t->notes);
    g_free(t);
}
