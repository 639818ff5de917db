/*
 * archive.c - archives attached to a message (zip, 7z, tar and its
 * compressed forms, a single gzip/bzip2/xz/zstd file) listed as children,
 * and the zip members of Office and OpenDocument files, all read from
 * memory with libarchive.
 *
 * Sizes are never trusted from the headers: a member is read in chunks and
 * counted as it comes, so a zip bomb that declares small sizes stops at the
 * limit all the same (max_child per member, max_unpacked in all).  Nested
 * archives are not opened here: they are children, and the caller extracts
 * them with depth + 1 under max_depth.
 */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "parsers/extract/ex_internal.h"

static struct archive *
open_mem(const guint8 *data, size_t len, int zip_only)
{
    struct archive *a = archive_read_new();
    if (zip_only) {
        archive_read_support_format_zip(a);
    } else {
        archive_read_support_filter_all(a);
        archive_read_support_format_zip(a);
        archive_read_support_format_7zip(a);
        archive_read_support_format_tar(a);
        archive_read_support_format_raw(a);
    }
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

GPtrArray *
tl_ex_zip_names(const guint8 *data, size_t len, int max)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    struct archive *a = open_mem(data, len, 1);
    struct archive_entry *e;
    while (a && (int)names->len < max && archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *p = archive_entry_pathname(e);
        if (p)
            g_ptr_array_add(names, g_strdup(p));
        archive_read_data_skip(a);
    }
    if (a)
        archive_read_free(a);
    return names;
}

/* Reads the current entry into a new GBytes, at most cap bytes; *over set
 * when there was more.  NULL on a read error. */
static GBytes *
read_entry(struct archive *a, size_t cap, int *over)
{
    GByteArray *b = g_byte_array_new();
    guint8 buf[65536];
    *over = 0;
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf, sizeof buf);
        if (n < 0) {
            g_byte_array_unref(b);
            return NULL;
        }
        if (n == 0)
            break;
        if (b->len + (size_t)n > cap) {
            *over = 1;
            break;
        }
        g_byte_array_append(b, buf, (guint)n);
    }
    return g_byte_array_free_to_bytes(b);
}

GHashTable *
tl_ex_zip_members(tl_ex *x, const guint8 *data, size_t len, gboolean (*want)(const char *name))
{
    struct archive *a = open_mem(data, len, 1);
    if (!a) {
        tl_ex_fail(x, TL_EX_FAILED, "not a readable zip");
        return NULL;
    }
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    size_t total = 0;
    struct archive_entry *e;
    int rc;
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        const char *p = archive_entry_pathname(e);
        if (archive_entry_is_encrypted(e)) {
            tl_ex_fail(x, TL_EX_ENCRYPTED, "encrypted zip member %s", p ? p : "?");
            break;
        }
        if (!p || (want && !want(p))) {
            archive_read_data_skip(a);
            continue;
        }
        size_t cap = MIN(x->lim->max_xml_bytes, x->lim->max_unpacked - total);
        int over = 0;
        /* A declared size past the limit is refused without inflating; a
         * lying one is caught by counting. */
        GBytes *b = archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) > cap
                        ? (over = 1, g_bytes_new(NULL, 0))
                        : read_entry(a, cap, &over);
        if (!b) {
            tl_ex_anomaly(x, "damaged zip member %s: %s", p, archive_error_string(a));
            continue;
        }
        if (over) {
            g_bytes_unref(b);
            if (cap < x->lim->max_xml_bytes) {
                tl_ex_anomaly(x, "limit: unpacked bytes per file (%zu) reached", x->lim->max_unpacked);
                tl_ex_fail(x, TL_EX_TOO_LARGE, "unpacks to more than %zu bytes", x->lim->max_unpacked);
                break;
            }
            tl_ex_anomaly(x, "limit: XML member size (%zu bytes) reached in %s", x->lim->max_xml_bytes, p);
            if (g_str_has_suffix(p, ".xml"))
                x->too_large = 1;
            continue;
        }
        total += g_bytes_get_size(b);
        g_hash_table_replace(h, g_strdup(p), b);
    }
    if (rc == ARCHIVE_FATAL && !g_hash_table_size(h))
        tl_ex_fail(x, TL_EX_FAILED, "damaged zip: %s", archive_error_string(a));
    else if (rc == ARCHIVE_FATAL)
        tl_ex_anomaly(x, "damaged zip: %s", archive_error_string(a));
    archive_read_free(a);
    if (x->r->status == TL_EX_TOO_LARGE || x->r->status == TL_EX_ENCRYPTED
        || (x->r->status == TL_EX_FAILED && !g_hash_table_size(h))) {
        g_hash_table_unref(h);
        return NULL;
    }
    return h;
}

void
tl_ex_archive(tl_ex *x, const guint8 *data, size_t len)
{
    struct archive *a = open_mem(data, len, 0);
    if (!a) {
        tl_ex_fail(x, TL_EX_FAILED, "not a readable archive");
        return;
    }
    x->r->status = TL_EX_CONTAINER;
    size_t total = 0;
    int n = 0, rc;
    struct archive_entry *e;
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        if (n == 0 && archive_format(a) == ARCHIVE_FORMAT_RAW && archive_filter_count(a) <= 1) {
            tl_ex_fail(x, TL_EX_UNSUPPORTED, "not an archive");
            break;
        }
        if (n++ == 0 && (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR)
            x->r->type = TL_FT_TAR;
        if (archive_entry_filetype(e) != AE_IFREG) {
            archive_read_data_skip(a);
            continue;
        }
        const char *p = archive_entry_pathname(e);
        char *name = g_strdup(p ? p : "data");
        if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
            g_free(name);
            name = g_strdup("uncompressed");
        }
        if (archive_entry_is_encrypted(e)) {
            tl_ex_anomaly(x, "encrypted member %s not read", name);
            if (x->r->children->len == 0)
                tl_ex_fail(x, TL_EX_ENCRYPTED, "encrypted members");
            g_free(name);
            archive_read_data_skip(a);
            continue;
        }
        size_t cap = MIN(x->lim->max_child, x->lim->max_unpacked - total);
        int over = 0;
        GBytes *b = read_entry(a, cap, &over);
        if (!b) {
            tl_ex_anomaly(x, "damaged member %s: %s", name, archive_error_string(a));
            g_free(name);
            break;
        }
        if (over) {
            tl_ex_anomaly(x, "limit: %s (%zu bytes) reached in %s",
                          cap < x->lim->max_child ? "unpacked bytes per file" : "size of one member",
                          cap < x->lim->max_child ? x->lim->max_unpacked : x->lim->max_child, name);
            g_bytes_unref(b);
            g_free(name);
            if (cap < x->lim->max_child)
                break;
            continue;
        }
        total += g_bytes_get_size(b);
        gsize bl = 0;
        const void *bd = g_bytes_get_data(b, &bl);
        int more = tl_ex_child(x, name, bd, bl);
        g_bytes_unref(b);
        g_free(name);
        if (!more)
            break;
    }
    if (rc == ARCHIVE_FATAL) {
        if (x->r->children->len)
            tl_ex_anomaly(x, "damaged archive: %s", archive_error_string(a));
        else if (x->r->status == TL_EX_CONTAINER)
            tl_ex_fail(x, TL_EX_FAILED, "damaged archive: %s", archive_error_string(a));
    }
    archive_read_free(a);
}
