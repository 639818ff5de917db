/*
 * outlook_pst.c - PST and OST stores read with libpff: every folder, every
 * item, then the recovered and orphan items (parsers/outlook_int.h,
 * docs/formats.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpff.h>

#include "parsers/outlook_int.h"

/* ------------------------------------------------------------------ */
/* PST and OST (libpff)                                                */
/* ------------------------------------------------------------------ */

/* One line from a libpff error (freed). */
static char *
pff_why(libpff_error_t **e, const char *what)
{
    char buf[512] = "";
    if (*e) {
        libpff_error_sprint(*e, buf, sizeof buf);
        libpff_error_free(e);
    }
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    g_strstrip(buf);
    return g_strdup_printf("%s%s%s", what, *buf ? ": " : "", buf);
}

typedef struct {
    ol_src base;
    libpff_record_set_t *rs;    /* NULL: the item has no such set */
} pff_src;

/* The record entry of a property (any value type), or NULL. */
static libpff_record_entry_t *
pff_entry(ol_src *s, uint16_t id)
{
    pff_src *p = (pff_src *)s;
    libpff_record_entry_t *re = NULL;
    libpff_error_t *e = NULL;
    if (!p->rs)
        return NULL;
    if (libpff_record_set_get_entry_by_type(p->rs, id, 0, &re, LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE, &e) != 1) {
        libpff_error_free(&e);
        return NULL;
    }
    return re;
}

static char *
pff_str(ol_src *s, uint16_t id)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    size_t n = 0;
    uint32_t vt = 0;
    char *v = NULL;
    if (!re)
        return NULL;
    if (libpff_record_entry_get_value_type(re, &vt, &e) != 1 || (vt != TYP_STRING8 && vt != TYP_UNICODE) ||
        libpff_record_entry_get_data_as_utf8_string_size(re, &n, &e) != 1 || n == 0 || n > OL_MAX_PROP)
        goto out;
    v = g_malloc(n + 1);
    if (libpff_record_entry_get_data_as_utf8_string(re, (uint8_t *)v, n, &e) != 1) {
        g_free(v);
        v = NULL;
        goto out;
    }
    v[n] = 0;
    if (!g_utf8_validate(v, -1, NULL)) {
        char *u = g_utf8_make_valid(v, -1);
        g_free(v);
        v = u;
    }
out:
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return v;
}

static GBytes *
pff_bin(ol_src *s, uint16_t id)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    size_t n = 0;
    GBytes *b = NULL;
    if (!re)
        return NULL;
    if (libpff_record_entry_get_data_size(re, &n, &e) == 1 && n <= OL_MAX_PROP) {
        uint8_t *v = g_malloc(n ? n : 1);
        if (n == 0 || libpff_record_entry_get_data(re, v, n, &e) == 1)
            b = g_bytes_new_take(v, n);
        else
            g_free(v);
    }
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return b;
}

static gboolean
pff_u32(ol_src *s, uint16_t id, uint32_t *v)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    uint32_t vt = 0;
    gboolean ok = FALSE;
    if (!re)
        return FALSE;
    if (libpff_record_entry_get_value_type(re, &vt, &e) == 1 && vt == TYP_LONG)
        ok = libpff_record_entry_get_data_as_32bit_integer(re, v, &e) == 1;
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return ok;
}

static gboolean
pff_time(ol_src *s, uint16_t id, gint64 *t)
{
    libpff_record_entry_t *re = pff_entry(s, id);
    libpff_error_t *e = NULL;
    uint32_t vt = 0;
    uint64_t ft = 0;
    gboolean ok = FALSE;
    if (!re)
        return FALSE;
    if (libpff_record_entry_get_value_type(re, &vt, &e) == 1 && vt == TYP_SYSTIME &&
        libpff_record_entry_get_data_as_filetime(re, &ft, &e) == 1 && ft != 0) {
        *t = tl_ol_filetime_unix(ft);
        ok = TRUE;
    }
    libpff_error_free(&e);
    libpff_record_entry_free(&re, NULL);
    return ok;
}

/* A source over record set `set` of item (freed by pff_src_done). */
static void
pff_src_init(pff_src *p, libpff_item_t *item, int set)
{
    libpff_error_t *e = NULL;
    p->base.str = pff_str;
    p->base.bin = pff_bin;
    p->base.u32 = pff_u32;
    p->base.time = pff_time;
    p->rs = NULL;
    if (libpff_item_get_record_set_by_index(item, set, &p->rs, &e) != 1) {
        libpff_error_free(&e);
        p->rs = NULL;
    }
}

static void
pff_src_done(pff_src *p)
{
    if (p->rs)
        libpff_record_set_free(&p->rs, NULL);
}

typedef int (*pff_size_fn)(libpff_item_t *, size_t *, libpff_error_t **);
typedef int (*pff_get_fn)(libpff_item_t *, uint8_t *, size_t, libpff_error_t **);

/* A body through libpff's own accessors (which decode the codepage and
 * decompress the RTF). */
static GBytes *
pff_body(libpff_item_t *item, pff_size_fn size, pff_get_fn get, ol_msg *m, const char *what)
{
    libpff_error_t *e = NULL;
    size_t n = 0;
    int r = size(item, &n, &e);
    if (r == 0 || (r == 1 && n == 0))
        return NULL;
    if (r != 1 || n > OL_MAX_PROP) {
        char *why = r != 1 ? pff_why(&e, what) : g_strdup_printf("%s: %zu bytes, over the limit", what, n);
        tl_ol_note(m, "%s", why);
        g_free(why);
        return NULL;
    }
    uint8_t *v = g_malloc(n);
    if (get(item, v, n, &e) != 1) {
        char *why = pff_why(&e, what);
        tl_ol_note(m, "%s", why);
        g_free(why);
        g_free(v);
        return NULL;
    }
    return tl_ol_trim_nul(g_bytes_new_take(v, n));
}

static ol_msg *pff_read_msg(ol_ctx *c, libpff_item_t *item, unsigned depth, char **why);

/* Reads attachment a of m: its data or its embedded message. */
static void
pff_read_att(ol_ctx *c, libpff_item_t *att, ol_msg *m, unsigned depth, int index)
{
    pff_src s;
    libpff_error_t *e = NULL;
    int type = 0;
    pff_src_init(&s, att, 0);
    ol_att *a = tl_ol_fill_att_names(&s.base);
    pff_src_done(&s);
    g_ptr_array_add(m->atts, a);
    if (libpff_attachment_get_type(att, &type, &e) != 1) {
        char *w = pff_why(&e, "attachment type");
        tl_ol_note(m, "attachment %d: %s", index, w);
        g_free(w);
        return;
    }
    if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
        libpff_item_t *sub = NULL;
        char *w = NULL;
        if (depth + 1 >= c->max_depth) {
            tl_ol_note(m, "attachment %d: embedded message nested deeper than %u", index, c->max_depth);
            return;
        }
        if (libpff_attachment_get_item(att, &sub, &e) != 1) {
            w = pff_why(&e, "embedded message");
        } else {
            a->embedded = pff_read_msg(c, sub, depth + 1, &w);
            libpff_item_free(&sub, NULL);
        }
        if (w) {
            tl_ol_note(m, "attachment %d: %s", index, w);
            g_free(w);
        }
        return;
    }
    if (type != LIBPFF_ATTACHMENT_TYPE_DATA) {
        tl_ol_note(m, "attachment %d: a reference to a file outside the store", index);
        return;
    }
    size64_t size = 0;
    if (libpff_attachment_get_data_size(att, &size, &e) != 1) {
        char *w = pff_why(&e, "attachment size");
        tl_ol_note(m, "attachment %d: %s", index, w);
        g_free(w);
        return;
    }
    if (size > c->max_item) {
        tl_ol_note(m, "attachment %d: %" G_GUINT64_FORMAT " bytes, over the limit", index, (guint64)size);
        return;
    }
    uint8_t *buf = g_malloc(size ? (size_t)size : 1);
    size_t got = 0;
    if (size > 0 && libpff_attachment_data_seek_offset(att, 0, SEEK_SET, &e) < 0) {
        libpff_error_free(&e);
    }
    while (got < size) {
        ssize_t r = libpff_attachment_data_read_buffer(att, buf + got, (size_t)size - got, &e);
        if (r <= 0) {
            char *w = pff_why(&e, "attachment data");
            tl_ol_note(m, "attachment %d: %s (read %zu of %" G_GUINT64_FORMAT " bytes)", index, w, got,
                    (guint64)size);
            g_free(w);
            break;
        }
        got += (size_t)r;
    }
    a->data = g_bytes_new_take(buf, got);
}

/* Reads one message item (and its embedded messages) into an ol_msg;
 * NULL with *why when nothing of it can be read. */
static ol_msg *
pff_read_msg(ol_ctx *c, libpff_item_t *item, unsigned depth, char **why)
{
    libpff_error_t *e = NULL;
    pff_src s;
    int n = 0;
    uint32_t entries = 0;
    if (libpff_item_get_number_of_entries(item, &entries, &e) != 1) {
        *why = pff_why(&e, "item properties");
        return NULL;
    }
    ol_msg *m = tl_ol_msg_new();
    pff_src_init(&s, item, 0);
    tl_ol_fill_envelope(&s.base, m);
    pff_src_done(&s);
    m->plain = pff_body(item, libpff_message_get_plain_text_body_size, libpff_message_get_plain_text_body, m,
                        "plain text body");
    m->html = pff_body(item, libpff_message_get_html_body_size, libpff_message_get_html_body, m, "HTML body");
    m->rtf = pff_body(item, libpff_message_get_rtf_body_size, libpff_message_get_rtf_body, m, "RTF body");

    libpff_item_t *recips = NULL;
    int r = libpff_message_get_recipients(item, &recips, &e);
    if (r == 1) {
        if (libpff_item_get_number_of_record_sets(recips, &n, &e) == 1) {
            for (int i = 0; i < n; i++) {
                pff_src rs;
                pff_src_init(&rs, recips, i);
                tl_ol_fill_recip(&rs.base, m);
                pff_src_done(&rs);
            }
        } else {
            char *w = pff_why(&e, "recipient table");
            tl_ol_note(m, "%s", w);
            g_free(w);
        }
        libpff_item_free(&recips, NULL);
    } else if (r < 0) {
        char *w = pff_why(&e, "recipient table");
        tl_ol_note(m, "%s", w);
        g_free(w);
    }

    n = 0;
    if (libpff_message_get_number_of_attachments(item, &n, &e) != 1) {
        libpff_error_free(&e);
        n = 0;
    }
    for (int i = 0; i < n; i++) {
        libpff_item_t *att = NULL;
        if (libpff_message_get_attachment(item, i, &att, &e) != 1) {
            char *w = pff_why(&e, "attachment");
            tl_ol_note(m, "attachment %d: %s", i, w);
            g_free(w);
            continue;
        }
        pff_read_att(c, att, m, depth, i);
        libpff_item_free(&att, NULL);
    }
    return m;
}

/* Delivers one item of a folder (or of the recovered/orphan lists). */
static void
pff_item(ol_ctx *c, libpff_item_t *item, const char *folder, unsigned index, int recovered)
{
    libpff_error_t *e = NULL;
    uint32_t id = 0;
    uint8_t type = 0;
    if (libpff_item_get_identifier(item, &id, &e) != 1)
        libpff_error_free(&e);
    if (libpff_item_get_type(item, &type, &e) != 1) {
        libpff_error_free(&e);
        type = LIBPFF_ITEM_TYPE_UNDEFINED;
    }
    /* Folders and tables in the recovered lists are not messages. */
    if (type == LIBPFF_ITEM_TYPE_FOLDER || type == LIBPFF_ITEM_TYPE_ATTACHMENT ||
        type == LIBPFF_ITEM_TYPE_ATTACHMENTS || type == LIBPFF_ITEM_TYPE_RECIPIENTS)
        return;
    char *why = NULL;
    ol_msg *m = pff_read_msg(c, item, 0, &why);
    /* libpff's recovery scan also finds internal tables and other
     * non-message nodes whose values are gone: a recovered entry that
     * cannot be read is reported only when its node identifier says it
     * was a message (NID type 0x04 normal, 0x08 associated). */
    if (!m && recovered && (id & 0x1F) != 0x04 && (id & 0x1F) != 0x08) {
        c->info->remnants++;
        g_free(why);
        return;
    }
    if (!m) {
        tl_ol_deliver_error(c, folder, id, index, recovered, why);
        g_free(why);
        return;
    }
    tl_ol_deliver_msg(c, m, folder, id, index, recovered);
    tl_ol_msg_free(m);
}

/* A folder name as a path element: '%' and '/' escaped. */
static void
put_path_name(GString *o, const char *name)
{
    g_string_append_c(o, '/');
    for (const char *p = name; *p; p++) {
        if (*p == '/')
            g_string_append(o, "%2F");
        else if (*p == '%')
            g_string_append(o, "%25");
        else
            g_string_append_c(o, *p);
    }
}

static void
pff_folder(ol_ctx *c, libpff_item_t *folder, const char *path, unsigned depth)
{
    libpff_error_t *e = NULL;
    uint32_t id = 0;
    int n = 0;
    if (c->stop)
        return;
    if (libpff_item_get_identifier(folder, &id, &e) != 1)
        libpff_error_free(&e);
    if (libpff_folder_get_number_of_sub_messages(folder, &n, &e) != 1) {
        char *why = pff_why(&e, "folder's message list");
        tl_ol_deliver_error(c, path, id, 0, 0, why);
        g_free(why);
        n = 0;
    }
    tl_ol_item f = { .event = TL_OL_FOLDER, .folder = path, .item_id = id, .count = (unsigned)n };
    tl_ol_deliver(c, &f);
    for (int i = 0; i < n && !c->stop; i++) {
        libpff_item_t *item = NULL;
        if (libpff_folder_get_sub_message(folder, i, &item, &e) != 1) {
            char *why = pff_why(&e, "message");
            tl_ol_deliver_error(c, path, 0, (unsigned)i, 0, why);
            g_free(why);
            continue;
        }
        pff_item(c, item, path, (unsigned)i, 0);
        libpff_item_free(&item, NULL);
    }
    int nf = 0;
    if (libpff_folder_get_number_of_sub_folders(folder, &nf, &e) != 1) {
        char *why = pff_why(&e, "folder's sub-folder list");
        tl_ol_deliver_error(c, path, id, 0, 0, why);
        g_free(why);
        return;
    }
    if (nf > 0 && depth >= OL_MAX_FOLDER_DEPTH) {
        tl_ol_deliver_error(c, path, id, 0, 0, "folders nested deeper than 64");
        return;
    }
    for (int i = 0; i < nf && !c->stop; i++) {
        libpff_item_t *sub = NULL;
        if (libpff_folder_get_sub_folder(folder, i, &sub, &e) != 1) {
            char *why = pff_why(&e, "sub-folder");
            tl_ol_deliver_error(c, path, 0, (unsigned)i, 0, why);
            g_free(why);
            continue;
        }
        GString *p = g_string_new(path);
        size_t nn = 0;
        char *name = NULL;
        if (libpff_folder_get_utf8_name_size(sub, &nn, &e) == 1 && nn > 0 && nn < 4096) {
            name = g_malloc(nn + 1);
            if (libpff_folder_get_utf8_name(sub, (uint8_t *)name, nn, &e) != 1) {
                libpff_error_free(&e);
                g_free(name);
                name = NULL;
            } else {
                name[nn] = 0;
            }
        } else {
            libpff_error_free(&e);
        }
        if (!name) {
            uint32_t sid = 0;
            if (libpff_item_get_identifier(sub, &sid, &e) != 1)
                libpff_error_free(&e);
            name = g_strdup_printf("(folder %u)", sid);
        }
        char *valid = g_utf8_make_valid(name, -1);
        put_path_name(p, valid);
        g_free(valid);
        g_free(name);
        pff_folder(c, sub, p->str, depth + 1);
        g_string_free(p, TRUE);
        libpff_item_free(&sub, NULL);
    }
}

/* Reads an open store. */
static void
pff_walk(ol_ctx *c, libpff_file_t *file)
{
    libpff_error_t *e = NULL;
    uint8_t t = 0;
    if (libpff_file_get_content_type(file, &t, &e) == 1 && t == LIBPFF_FILE_CONTENT_TYPE_OST)
        g_strlcpy(c->info->format, "ost", sizeof c->info->format);
    libpff_error_free(&e);
    if (libpff_file_get_type(file, &t, &e) == 1)
        c->info->wide = t != LIBPFF_FILE_TYPE_32BIT;
    libpff_error_free(&e);
    libpff_item_t *store = NULL;
    if (libpff_file_get_message_store(file, &store, &e) == 1 && store) {
        uint32_t sum = 0;
        pff_src ss;
        pff_src_init(&ss, store, 0);
        if (ss.base.u32(&ss.base, PID_PST_PASSWORD, &sum) && sum != 0) {
            c->info->password_flag = 1;
            c->info->password_checksum = sum;
        }
        pff_src_done(&ss);
        libpff_item_free(&store, NULL);
    }
    libpff_error_free(&e);
    c->info->corrupted = libpff_file_is_corrupted(file, &e) == 1;
    libpff_error_free(&e);

    libpff_item_t *root = NULL;
    int r = libpff_file_get_root_folder(file, &root, &e);
    if (r == 1 && root) {
        pff_folder(c, root, "", 0);
        libpff_item_free(&root, NULL);
    } else {
        char *why = r == 0 ? g_strdup("the store has no root folder") : pff_why(&e, "root folder");
        tl_ol_deliver_error(c, "", 0, 0, 0, why);
        g_free(why);
    }
    libpff_error_free(&e);

    int n = 0;
    if (!(c->flags & TL_OL_NO_RECOVERY) && !c->stop) {
        if (libpff_file_recover_items(file, 0, &e) == 1 &&
            libpff_file_get_number_of_recovered_items(file, &n, &e) == 1) {
            for (int i = 0; i < n && !c->stop; i++) {
                libpff_item_t *item = NULL;
                if (libpff_file_get_recovered_item_by_index(file, i, &item, &e) != 1) {
                    char *why = pff_why(&e, "recovered item");
                    tl_ol_deliver_error(c, "/(recovered)", 0, (unsigned)i, 1, why);
                    g_free(why);
                    continue;
                }
                pff_item(c, item, "/(recovered)", (unsigned)i, 1);
                libpff_item_free(&item, NULL);
            }
        } else {
            char *why = pff_why(&e, "recovery of deleted items");
            tl_ol_deliver_error(c, "/(recovered)", 0, 0, 1, why);
            g_free(why);
        }
    }
    n = 0;
    if (!c->stop && libpff_file_get_number_of_orphan_items(file, &n, &e) == 1) {
        for (int i = 0; i < n && !c->stop; i++) {
            libpff_item_t *item = NULL;
            if (libpff_file_get_orphan_item_by_index(file, i, &item, &e) != 1) {
                char *why = pff_why(&e, "orphan item");
                tl_ol_deliver_error(c, "/(orphan)", 0, (unsigned)i, 1, why);
                g_free(why);
                continue;
            }
            pff_item(c, item, "/(orphan)", (unsigned)i, 1);
            libpff_item_free(&item, NULL);
        }
    }
    libpff_error_free(&e);
}

gboolean
tl_outlook_pst_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                   tl_ol_info *info, char **why)
{
    ol_ctx c;
    libpff_file_t *file = NULL;
    libpff_error_t *e = NULL;
    tl_ol_ctx_init(&c, opts, cb, user, info, "pst");
    libbfio_handle_t *h = tl_ol_mem_handle(buf, len);
    if (!h) {
        *why = g_strdup("libbfio: cannot make a memory handle");
        return FALSE;
    }
    if (libpff_file_initialize(&file, &e) != 1) {
        *why = pff_why(&e, "libpff");
        libbfio_handle_free(&h, NULL);
        return FALSE;
    }
    if (libpff_file_open_file_io_handle(file, h, LIBPFF_OPEN_READ, &e) != 1) {
        *why = pff_why(&e, "not a readable PST/OST store");
        libpff_file_free(&file, NULL);
        libbfio_handle_free(&h, NULL);
        return FALSE;
    }
    pff_walk(&c, file);
    libpff_file_close(file, NULL);
    libpff_file_free(&file, NULL);
    libbfio_handle_free(&h, NULL);
    return TRUE;
}

gboolean
tl_outlook_pst_fd(int fd, const tl_ol_opts *opts, tl_ol_cb cb, void *user, tl_ol_info *info, char **why)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *why = g_strdup_printf("stat: %s", g_strerror(errno));
        return FALSE;
    }
    if (st.st_size == 0) {
        memset(info, 0, sizeof *info);
        *why = g_strdup("empty file");
        return FALSE;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        *why = g_strdup_printf("mmap: %s", g_strerror(errno));
        return FALSE;
    }
    gboolean ok = tl_outlook_pst_mem(map, (size_t)st.st_size, opts, cb, user, info, why);
    munmap(map, (size_t)st.st_size);
    return ok;
}

gboolean
tl_outlook_pst_path(const char *path, const tl_ol_opts *opts, tl_ol_cb cb, void *user, tl_ol_info *info,
                    char **why)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        memset(info, 0, sizeof *info);
        *why = g_strdup_printf("%s: %s", path, g_strerror(errno));
        return FALSE;
    }
    gboolean ok = tl_outlook_pst_fd(fd, opts, cb, user, info, why);
    close(fd);
    return ok;
}
