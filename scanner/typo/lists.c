/*
 * lists.c - the protected list and the allowlist: domains and suffixes
 * added one by one or from files (the defaults compiled in from data/),
 * their digests for the runs table, and the Public Suffix List's version.
 */
#include "scanner/typo/typo_int.h"    /* GLib first: idn2.h defines G_GNUC_DEPRECATED only when GLib has not */

#include <idn2.h>
#include <libpsl.h>
#include <string.h>
#include <unicode/uspoof.h>
#include <unicode/utrans.h>

/* ------------------------------------------------------------------ */
/* The protected list                                                  */
/* ------------------------------------------------------------------ */

static void thaw(tl_protect *p);

tl_protect *
tl_protect_new(void)
{
    tl_protect *p = g_new0(tl_protect, 1);
    p->set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->list = g_ptr_array_new();
    p->suffixes = g_ptr_array_new_with_free_func(g_free);
    p->allow = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->once = (GOnce)G_ONCE_INIT;
    return p;
}

void
tl_protect_free(tl_protect *p)
{
    if (!p)
        return;
    thaw(p);
    g_ptr_array_free(p->list, TRUE);
    g_ptr_array_free(p->suffixes, TRUE);
    g_hash_table_destroy(p->set);
    g_hash_table_destroy(p->allow);
    g_free(p);
}

/* Normalises a domain: trims blanks, lower-cases (ASCII and Unicode), drops
 * one trailing dot. */
char *
tl_typo_normalise(const char *s)
{
    char *t = g_strstrip(g_utf8_make_valid(s, -1));
    char *low = g_utf8_strdown(t, -1);
    g_free(t);
    size_t n = strlen(low);
    if (n > 0 && low[n - 1] == '.')
        low[n - 1] = '\0';
    return low;
}

static int
plausible_host(const char *d)
{
    size_t n = strlen(d);
    if (n == 0 || n > 253 || d[0] == '.' || strstr(d, ".."))
        return 0;
    for (const char *c = d; *c; c++)
        if (!(g_ascii_isalnum(*c) || *c == '-' || *c == '.' || (unsigned char)*c >= 0x80))
            return 0;
    return 1;
}

/* Drops the tables built by tl_typo_freeze() (the lists changed). */
static void
thaw(tl_protect *p)
{
    g_clear_pointer(&p->variants, g_hash_table_destroy);
    g_clear_pointer(&p->strings, g_string_chunk_free);
    g_clear_pointer(&p->slabs, g_ptr_array_unref);
    g_clear_pointer(&p->deletes, g_hash_table_destroy);
    g_clear_pointer(&p->keys, g_hash_table_destroy);
    g_clear_pointer(&p->loose_keys, g_hash_table_destroy);
    if (p->psl && !p->psl_builtin)
        psl_free(p->psl);
    p->psl = NULL;
    g_clear_pointer(&p->spoof, uspoof_close);
    g_clear_pointer(&p->translit, utrans_close);
    p->once = (GOnce)G_ONCE_INIT;
    p->translit_once.done = 0;
}

static tl_status_t
add_to(tl_protect *p, GHashTable *set, const char *domain, char **errmsg)
{
    char *d = tl_typo_normalise(domain);
    if (set == p->set && g_str_has_prefix(d, "*.") && plausible_host(d + 2)) {
        g_ptr_array_add(p->suffixes, g_strdup(d + 2));
        g_free(d);
        return TL_OK;
    }
    if (!plausible_host(d)) {
        if (errmsg)
            *errmsg = g_strdup_printf("not a domain name: '%s'", domain);
        g_free(d);
        return TL_ERR_USAGE;
    }
    if (p->variants)
        thaw(p);        /* the tables are rebuilt at the next check */
    if (g_hash_table_contains(set, d)) {
        g_free(d);
        return TL_OK;
    }
    g_hash_table_add(set, d);
    if (set == p->set)
        g_ptr_array_add(p->list, d);
    return TL_OK;
}

tl_status_t
tl_protect_add(tl_protect *p, const char *domain, char **errmsg)
{
    return add_to(p, p->set, domain, errmsg);
}

tl_status_t
tl_protect_allow(tl_protect *p, const char *domain, char **errmsg)
{
    return add_to(p, p->allow, domain, errmsg);
}

/* Adds the domains of a text: one per line, '#' to end of line is a comment. */
static tl_status_t
add_text(tl_protect *p, GHashTable *set, const char *text, const char *what, char **errmsg)
{
    char **lines = g_strsplit(text, "\n", -1);
    tl_status_t st = TL_OK;
    for (int i = 0; lines[i] && st == TL_OK; i++) {
        char *hash = strchr(lines[i], '#');
        if (hash)
            *hash = '\0';
        g_strstrip(lines[i]);
        if (!*lines[i])
            continue;
        char *msg = NULL;
        st = add_to(p, set, lines[i], &msg);
        if (st != TL_OK && errmsg)
            *errmsg = g_strdup_printf("%s line %d: %s", what, i + 1, msg);
        g_free(msg);
    }
    g_strfreev(lines);
    return st;
}

static tl_status_t
add_file(tl_protect *p, GHashTable *set, const char *path, char **errmsg)
{
    char *text = NULL;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        if (errmsg)
            *errmsg = g_strdup_printf("cannot read %s: %s", path, err->message);
        g_error_free(err);
        return TL_ERR_USAGE;
    }
    tl_status_t st = add_text(p, set, text, path, errmsg);
    g_free(text);
    return st;
}

tl_status_t
tl_protect_add_file(tl_protect *p, const char *path, char **errmsg)
{
    return add_file(p, p->set, path, errmsg);
}

tl_status_t
tl_protect_allow_file(tl_protect *p, const char *path, char **errmsg)
{
    return add_file(p, p->allow, path, errmsg);
}

tl_protect *
tl_protect_new_default(void)
{
    tl_protect *p = tl_protect_new();
    char *msg = NULL;
    if (add_text(p, p->set, tl_default_protected, "data/protected-domains.txt", &msg) != TL_OK ||
        add_text(p, p->allow, tl_default_allowlist, "data/allowlist.txt", &msg) != TL_OK)
        g_error("built-in lists are invalid: %s", msg);
    return p;
}

unsigned
tl_protect_count(const tl_protect *p)
{
    return p->list->len + p->suffixes->len;
}

gint
tl_typo_cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SHA-256 of a set's sorted members, one per line, with a prefix. */
static void
digest_set(GString *s, const char *prefix, GPtrArray *items)
{
    GPtrArray *sorted = g_ptr_array_copy(items, NULL, NULL);
    g_ptr_array_sort(sorted, tl_typo_cmp_str);
    for (guint i = 0; i < sorted->len; i++)
        g_string_append_printf(s, "%s%s\n", prefix, (char *)sorted->pdata[i]);
    g_ptr_array_free(sorted, TRUE);
}

char *
tl_protect_digest(const tl_protect *p)
{
    GString *s = g_string_new(NULL);
    digest_set(s, "", p->list);
    digest_set(s, "*.", p->suffixes);
    char hex[65];
    tl_sha256_hex(s->str, s->len, hex);
    g_string_free(s, TRUE);
    return g_strdup(hex);
}

char *
tl_protect_allow_digest(const tl_protect *p)
{
    GPtrArray *items = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, p->allow);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(items, key);
    GString *s = g_string_new(NULL);
    digest_set(s, "", items);
    g_ptr_array_free(items, TRUE);
    char hex[65];
    tl_sha256_hex(s->str, s->len, hex);
    g_string_free(s, TRUE);
    return g_strdup(hex);
}

const char *
tl_psl_version(void)
{
    static char text[128];
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        const char *file = psl_dist_filename();
        g_snprintf(text, sizeof text, "libpsl %s, %s", psl_get_version(), file && *file ? file : "built-in list");
        g_once_init_leave(&once, 1);
    }
    return text;
}

const char *
tl_psl_digest(void)
{
    static char text[72];
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        const char *file = psl_dist_filename();
        char *data = NULL;
        gsize len = 0;
        if (file && *file && g_file_get_contents(file, &data, &len, NULL)) {
            char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
            g_strlcpy(text, sum, sizeof text);
            g_free(sum);
            g_free(data);
        } else
            g_strlcpy(text, "built-in", sizeof text);
        g_once_init_leave(&once, 1);
    }
    return text;
}
