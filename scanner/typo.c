/*
 * typo.c - protected domains and the first typo-domain check.
 *
 * A recipient domain is a typo when it is exactly one Damerau-Levenshtein
 * edit (omission, insertion, substitution or transposition of two adjacent
 * characters) from a protected domain over the WHOLE string, TLD and dots
 * included, and is not itself protected.  Working on the whole string is
 * what catches the real leak: "army.ml" (dropped "i" in the TLD),
 * "armym.il" (moved the dot), "us.af.ml", which generators that only edit
 * the label left of the public suffix never produce (research/typo-domains.md).
 *
 * The distance-1 test needs no dynamic programming: find the first
 * mismatch, then the rest must agree after skipping one character on one
 * side (omission/insertion), on both (substitution) or after a swap
 * (transposition).  Each verdict carries its edit in words, so an analyst
 * can dismiss a false one at a glance.
 */
#include <errno.h>
#include <string.h>

#include "tl_internal.h"

struct tl_protect {
    GHashTable *set;        /* domain -> NULL */
    GPtrArray *list;        /* the same domains, insertion order */
};

tl_protect *
tl_protect_new(void)
{
    tl_protect *p = g_new0(tl_protect, 1);
    p->set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->list = g_ptr_array_new();
    return p;
}

void
tl_protect_free(tl_protect *p)
{
    if (!p)
        return;
    g_ptr_array_free(p->list, TRUE);
    g_hash_table_destroy(p->set);
    g_free(p);
}

/* Normalises a domain: trims blanks, lower-cases, drops one trailing dot. */
static char *
normalise(const char *s)
{
    char *t = g_strstrip(g_ascii_strdown(s, -1));
    size_t n = strlen(t);
    if (n > 0 && t[n - 1] == '.')
        t[n - 1] = '\0';
    char *r = g_strdup(t);
    g_free(t);
    return r;
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

tl_status_t
tl_protect_add(tl_protect *p, const char *domain, char **errmsg)
{
    char *d = normalise(domain);
    if (!plausible_host(d)) {
        if (errmsg)
            *errmsg = g_strdup_printf("not a domain name: '%s'", domain);
        g_free(d);
        return TL_ERR_USAGE;
    }
    if (g_hash_table_contains(p->set, d)) {
        g_free(d);
        return TL_OK;
    }
    g_hash_table_add(p->set, d);
    g_ptr_array_add(p->list, d);
    return TL_OK;
}

/* Adds the domains of a text: one per line, '#' to end of line is a comment. */
static tl_status_t
add_text(tl_protect *p, const char *text, const char *what, char **errmsg)
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
        st = tl_protect_add(p, lines[i], &msg);
        if (st != TL_OK && errmsg)
            *errmsg = g_strdup_printf("%s line %d: %s", what, i + 1, msg);
        g_free(msg);
    }
    g_strfreev(lines);
    return st;
}

tl_status_t
tl_protect_add_file(tl_protect *p, const char *path, char **errmsg)
{
    char *text = NULL;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        if (errmsg)
            *errmsg = g_strdup_printf("cannot read %s: %s", path, err->message);
        g_error_free(err);
        return TL_ERR_USAGE;
    }
    tl_status_t st = add_text(p, text, path, errmsg);
    g_free(text);
    return st;
}

tl_protect *
tl_protect_new_default(void)
{
    tl_protect *p = tl_protect_new();
    char *msg = NULL;
    if (add_text(p, tl_default_protected, "data/protected-domains.txt", &msg) != TL_OK)
        g_error("built-in protected list is invalid: %s", msg);
    return p;
}

unsigned
tl_protect_count(const tl_protect *p)
{
    return p->list->len;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
tl_protect_digest(const tl_protect *p)
{
    GPtrArray *sorted = g_ptr_array_copy(p->list, NULL, NULL);
    g_ptr_array_sort(sorted, cmp_str);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < sorted->len; i++)
        g_string_append_printf(s, "%s\n", (char *)sorted->pdata[i]);
    char hex[65];
    tl_sha256_hex(s->str, s->len, hex);
    g_string_free(s, TRUE);
    g_ptr_array_free(sorted, TRUE);
    return g_strdup(hex);
}

/* Where index i of domain d lies, in words: the TLD, a label, or a dot. */
static void
describe_place(const char *d, size_t i, char *out, size_t outlen)
{
    size_t n = strlen(d);
    if (i < n && d[i] == '.') {
        const char *next = d + i + 1;
        const char *e = strchr(next, '.');
        g_snprintf(out, outlen, "the dot before \"%.*s\"", (int)(e ? (size_t)(e - next) : strlen(next)), next);
        return;
    }
    size_t s = i, e = i;
    if (s > n)
        s = n;
    while (s > 0 && d[s - 1] != '.')
        s--;
    while (e < n && d[e] != '.')
        e++;
    if (e == n && s > 0)
        g_snprintf(out, outlen, "the TLD \"%.*s\"", (int)(e - s), d + s);
    else
        g_snprintf(out, outlen, "the label \"%.*s\"", (int)(e - s), d + s);
}

/* 1 when t is one Damerau-Levenshtein edit from p; *what describes it. */
static int
one_edit(const char *t, size_t tn, const char *p, size_t pn, char *what, size_t wlen)
{
    size_t i = 0;
    char place[96];
    while (i < tn && i < pn && t[i] == p[i])
        i++;
    if (tn == pn) {
        if (i == tn)
            return 0;                           /* identical */
        if (strcmp(t + i + 1, p + i + 1) == 0) {
            describe_place(p, i, place, sizeof place);
            if (p[i] == '.' || t[i] == '.')
                g_snprintf(what, wlen, "replaced \"%c\" by \"%c\" (%s)", p[i], t[i], place);
            else
                g_snprintf(what, wlen, "replaced \"%c\" by \"%c\" in %s", p[i], t[i], place);
            return 1;
        }
        if (i + 1 < tn && t[i] == p[i + 1] && t[i + 1] == p[i] && strcmp(t + i + 2, p + i + 2) == 0) {
            if (p[i] == '.' || p[i + 1] == '.')
                g_snprintf(what, wlen, "swapped \"%c%c\" to \"%c%c\" (moved the dot)", p[i], p[i + 1], t[i], t[i + 1]);
            else {
                describe_place(p, i, place, sizeof place);
                g_snprintf(what, wlen, "swapped \"%c%c\" to \"%c%c\" in %s", p[i], p[i + 1], t[i], t[i + 1], place);
            }
            return 1;
        }
        return 0;
    }
    if (tn + 1 == pn) {                         /* omission */
        if (strcmp(t + i, p + i + 1) != 0)
            return 0;
        describe_place(p, i, place, sizeof place);
        if (p[i] == '.')
            g_snprintf(what, wlen, "dropped %s", place);
        else
            g_snprintf(what, wlen, "dropped \"%c\" in %s", p[i], place);
        return 1;
    }
    if (tn == pn + 1) {                         /* insertion */
        if (strcmp(t + i + 1, p + i) != 0)
            return 0;
        /* The place is the label the new character joined: the one before
         * it when it was added at a label's end (before a dot or the end). */
        size_t at = (i >= pn || p[i] == '.') && i > 0 ? i - 1 : i;
        describe_place(p, at, place, sizeof place);
        if (t[i] == '.')
            g_snprintf(what, wlen, "inserted a dot in %s", place);
        else if (i > 0 && t[i] == p[i - 1])
            g_snprintf(what, wlen, "doubled \"%c\" in %s", t[i], place);
        else
            g_snprintf(what, wlen, "inserted \"%c\" in %s", t[i], place);
        return 1;
    }
    return 0;
}

void
tl_typo_check(const tl_protect *p, const char *domain, tl_typo_verdict *out)
{
    memset(out, 0, sizeof *out);
    char *d = normalise(domain);
    size_t dn = strlen(d);
    if (g_hash_table_contains(p->set, d)) {
        out->is_protected = 1;
        g_free(d);
        return;
    }
    for (guint k = 0; k < p->list->len; k++) {
        const char *pd = p->list->pdata[k];
        size_t pn = strlen(pd);
        if (dn + 1 < pn || dn > pn + 1)
            continue;
        if (one_edit(d, dn, pd, pn, out->edit, sizeof out->edit)) {
            out->is_typo = 1;
            g_strlcpy(out->intended, pd, sizeof out->intended);
            break;
        }
    }
    g_free(d);
}
