/*
 * engine.c - the detector engine: Hyperscan passes over a part's text
 * find the candidates of every family and the context keywords (the first
 * over every part; the keywords of common words and the date and passport
 * shapes only when the part needs them, below); the families (engine.h)
 * validate and score the candidates by the uniform confidence rule
 * (research/sensitive-content.md section 4.3);
 * the engine then applies what concerns all of them - document negative
 * cues, overlaps, column-header context, corroboration, the roster effect,
 * privacy notices - and turns what remains into findings that carry only
 * a mask and a keyed hash.  Also the message roll-up and the case key.
 *
 * The databases are deserialised (or, when the embedded ones do not fit,
 * compiled: about 0.15 s) once per process, in a thread of its own while
 * the scan starts (tl_detect_compile_async), or at the first part
 * detected; each tl_detector owns the Hyperscan scratch of one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <hs.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/detect/engine.h"

/* Three databases, three passes, so that a part is scanned for what its
 * candidates can use.  The first holds every candidate shape but two, the
 * context shapes and the keyword classes that are rare or that some family
 * asks about in every part; it runs over every part.  The second holds the
 * keyword classes of common words (order, part, home, work, sent, until,
 * meeting...): nearly all the hits of a pass, which most parts never
 * need, since only some candidates ask about them.  The third holds the
 * shapes of dates and passport numbers, which are candidates only beside a
 * label of their own (a DOB label or "born", a passport keyword: all in
 * the first pass): costly shapes, rarely of use.  The second and third run
 * over a part the first time a family asks about one of their classes
 * (class_hits), and the third also before the candidates are judged when
 * the part has one of those labels, so that what every question and the
 * candidates' loop see is what one pass over the part gave. */
enum { PASS_FIRST, PASS_WORDS, PASS_SHAPES, N_PASSES };
G_STATIC_ASSERT(N_PASSES == TL_DETECT_PASSES);
static hs_database_t *db[N_PASSES];
static char *db_error;
static const char *db_origin = "none";

/* The pass of each class, the first when not named here. */
static const unsigned char pass_of[P_COUNT] = {
    [K_SSN] = PASS_WORDS,       [K_PAN] = PASS_WORDS,       [K_NEG_COMMON] = PASS_WORDS, [K_NEG_ID] = PASS_WORDS,
    [K_TIN] = PASS_WORDS,       [K_EIN] = PASS_WORDS,       [K_ABA] = PASS_WORDS,        [K_DODID] = PASS_WORDS,
    [K_DOC_DATE] = PASS_WORDS,  [K_ACCOUNT] = PASS_WORDS,   [K_PHONE] = PASS_WORDS,      [K_DOB_NEG] = PASS_WORDS,
    [K_PHONE_NEG] = PASS_WORDS, [K_DSN] = PASS_WORDS,       [K_MARK_NEG] = PASS_WORDS,   [K_DESTRUCT] = PASS_WORDS,
    [K_USER] = PASS_WORDS,      [K_CRED] = PASS_WORDS,      [K_CRED_NEG] = PASS_WORDS,   [K_VIP] = PASS_WORDS,
    [P_DATE] = PASS_SHAPES,     [P_PASSPORT] = PASS_SHAPES,
};

/* The databases serialised at build time (tools/hsdb.c): their number
 * and each one's length as 8 bytes little-endian, then the databases;
 * with the digest of the patterns, the passes and the Hyperscan version
 * they were built from. */
extern const unsigned char tl_hsdb[];
extern const size_t tl_hsdb_len;
extern const char tl_hsdb_sum[];

/* Every expression of every family, in one list; those of one pass when
 * pass >= 0. */
static unsigned
expressions(const char **exprs, unsigned *flags, unsigned *ids, unsigned cap, int pass)
{
    static const tl_pattern *const families[] = { tl_patterns_id,     tl_patterns_contact, tl_patterns_mark,
                                                  tl_patterns_cred,   tl_patterns_travel,  tl_patterns_people,
                                                  tl_patterns_medical, tl_patterns_tax,    tl_patterns_naval,
                                                  tl_patterns_places };
    unsigned n = 0;
    for (size_t f = 0; f < G_N_ELEMENTS(families); f++)
        for (const tl_pattern *p = families[f]; p->re; p++) {
            g_assert(p->id < P_COUNT && n < cap);
            if (pass >= 0 && pass_of[p->id] != pass)
                continue;
            exprs[n] = p->re;
            flags[n] = p->flags | HS_FLAG_SOM_LEFTMOST;
            ids[n++] = p->id;
        }
    return n;
}

enum { MAX_EXPR = 6 * P_COUNT };

char *
tl_detect_patterns_digest(void)
{
    const char *exprs[MAX_EXPR];
    unsigned flags[MAX_EXPR], ids[MAX_EXPR], n = expressions(exprs, flags, ids, MAX_EXPR, -1);
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(c, (const guchar *)hs_version(), -1);
    for (unsigned i = 0; i < n; i++) {
        char *line = g_strdup_printf("\n%u\t%u\t%s", ids[i], flags[i], exprs[i]);
        g_checksum_update(c, (const guchar *)line, -1);
        g_free(line);
    }
    char *sum = g_strdup(g_checksum_get_string(c));
    g_checksum_free(c);
    return sum;
}

/* The digest the embedded databases are checked against: the patterns'
 * (tl_detect_patterns_digest) and which classes the later passes hold. */
char *
tl_detect_database_digest(void)
{
    char *rules = tl_detect_patterns_digest();
    GString *what = g_string_new(rules);
    g_string_append(what, "\npasses:");
    for (unsigned k = 0; k < P_COUNT; k++)
        if (pass_of[k] != PASS_FIRST)
            g_string_append_printf(what, " %u:%u", k, pass_of[k]);
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, what->str, (gssize)what->len);
    g_string_free(what, TRUE);
    g_free(rules);
    return sum;
}

/* The patterns of one pass (every pattern when pass < 0) compiled; NULL
 * and *err (g_free) when they cannot be. */
static hs_database_t *
compile_pass(int pass, char **err)
{
    const char *exprs[MAX_EXPR];
    unsigned flags[MAX_EXPR], ids[MAX_EXPR], n = expressions(exprs, flags, ids, MAX_EXPR, pass);
    hs_database_t *out = NULL;
    hs_compile_error_t *ce = NULL;
    if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_BLOCK, NULL, &out, &ce) != HS_SUCCESS) {
        *err = g_strdup_printf("pattern %u: %s", ce->expression >= 0 ? ids[ce->expression] : 0, ce->message);
        hs_free_compile_error(ce);
        return NULL;
    }
    return out;
}

/* Every pass's database compiled into out; 0 and *err (g_free) when one
 * cannot be (out then holds none). */
static int
compile_fresh(hs_database_t *out[N_PASSES], char **err)
{
    if (hs_valid_platform() != HS_SUCCESS) {
        *err = g_strdup("this CPU lacks the SSSE3 instructions Hyperscan needs");
        return 0;
    }
    for (int pass = 0; pass < N_PASSES; pass++)
        if ((out[pass] = compile_pass(pass, err)) == NULL) {
            for (int q = 0; q < pass; q++)
                g_clear_pointer(&out[q], hs_free_database);
            return 0;
        }
    return 1;
}

/* The blob of tl_detect_serialize: the number of databases and their
 * lengths, 8 bytes little-endian each, then the databases; frees them. */
static int
serialize(hs_database_t **dbs, int count, char **bytes, size_t *len, char **err)
{
    char *b[N_PASSES] = { NULL };
    size_t n[N_PASSES] = { 0 };
    int ok = 1;
    for (int i = 0; i < count; i++) {
        ok = ok && hs_serialize_database(dbs[i], &b[i], &n[i]) == HS_SUCCESS;
        hs_free_database(dbs[i]);
    }
    if (ok) {
        GByteArray *all = g_byte_array_new();
        for (int f = 0; f <= count; f++) {
            guint64 v = GUINT64_TO_LE(f ? (guint64)n[f - 1] : (guint64)count);
            g_byte_array_append(all, (const guint8 *)&v, 8);
        }
        for (int i = 0; i < count; i++)
            g_byte_array_append(all, (const guint8 *)b[i], (guint)n[i]);
        *len = all->len;
        *bytes = (char *)g_byte_array_free(all, FALSE);
    } else
        *err = g_strdup("cannot serialise the pattern database");
    for (int i = 0; i < count; i++)
        free(b[i]);
    return ok;
}

int
tl_detect_serialize(char **bytes, size_t *len, char **err)
{
    hs_database_t *fresh[N_PASSES];
    if (!compile_fresh(fresh, err))
        return 0;
    return serialize(fresh, N_PASSES, bytes, len, err);
}

/* Every pattern in one database, in the same blob form: make bench's
 * refloop -d, the yardstick of one Hyperscan pass of all the patterns
 * (tools/hsdb.c --one). */
int
tl_detect_serialize_one(char **bytes, size_t *len, char **err)
{
    hs_database_t *one = compile_pass(-1, err);
    return one && serialize(&one, 1, bytes, len, err);
}

const char *
tl_detect_origin(void)
{
    return db_origin;
}

/* The databases of bytes (as tl_detect_serialize wrote them) into out;
 * 0 when they are not what it wrote or do not fit this CPU. */
static guint64
le64(const unsigned char *b)
{
    guint64 v;
    memcpy(&v, b, 8);
    return GUINT64_FROM_LE(v);
}

static int
deserialize(const unsigned char *bytes, size_t len, hs_database_t *out[N_PASSES])
{
    size_t at = 8 * (N_PASSES + 1);
    for (int pass = 0; pass < N_PASSES; pass++)
        out[pass] = NULL;
    if (len < at || le64(bytes) != N_PASSES)
        return 0;
    for (int pass = 0; pass < N_PASSES; pass++) {
        guint64 n = le64(bytes + 8 * (pass + 1));
        if (n > len - at ||
            hs_deserialize_database((const char *)bytes + at, (size_t)n, &out[pass]) != HS_SUCCESS) {
            out[pass] = NULL;
            for (int q = 0; q < pass; q++)
                g_clear_pointer(&out[q], hs_free_database);
            return 0;
        }
        at += (size_t)n;
    }
    return 1;
}

/* The embedded databases when they were built from these very patterns
 * and passes by this Hyperscan for this CPU; otherwise compiled here
 * (about 0.15 s). */
static gpointer
compile(gpointer unused)
{
    (void)unused;
    if (tl_hsdb_len > 0) {
        char *sum = tl_detect_database_digest();
        int same = strcmp(sum, tl_hsdb_sum) == 0;
        g_free(sum);
        if (same && deserialize(tl_hsdb, tl_hsdb_len, db)) {
            db_origin = "embedded";
            return NULL;
        }
    }
    if (compile_fresh(db, &db_error))
        db_origin = "compiled";
    return NULL;
}

struct tl_line {
    size_t start, end;          /* end: before the newline */
    char sep;                   /* '\t' or ',' when the line has 3+ columns */
    int ncols;
    gint64 header;              /* index of the table's header line, or -1 */
};

static GOnce once = G_ONCE_INIT;

int
tl_detect_ready(char **err)
{
    g_once(&once, compile, NULL);
    if (!db[PASS_FIRST] && err)
        *err = g_strdup(db_error);
    return db[PASS_FIRST] != NULL;
}

static gpointer
compile_main(gpointer unused)
{
    (void)unused;
    tl_detect_ready(NULL);
    return NULL;
}

GThread *
tl_detect_compile_async(char **err)
{
    if (hs_valid_platform() != HS_SUCCESS) {
        *err = g_strdup("this CPU lacks the SSSE3 instructions Hyperscan needs");
        return NULL;
    }
    return g_thread_new("tl-hs-compile", compile_main, NULL);
}

tl_detector *
tl_detector_new(const guint8 *key, gsize keylen, char **err)
{
    if (hs_valid_platform() != HS_SUCCESS) {
        *err = g_strdup("this CPU lacks the SSSE3 instructions Hyperscan needs");
        return NULL;
    }
    tl_detector *d = g_new0(tl_detector, 1);
    d->key = g_memdup2(key, keylen);
    d->keylen = keylen;
    d->hits = g_array_new(FALSE, FALSE, sizeof(tl_hit));
    for (int pass = 1; pass < N_PASSES; pass++)
        d->pass_hits[pass] = g_array_new(FALSE, FALSE, sizeof(tl_hit));
    for (int i = 0; i < P_COUNT; i++)
        d->by[i] = g_array_new(FALSE, FALSE, sizeof(tl_hit));
    return d;
}

/* The scratch space, once the database is there (waiting for it). */
static int
scratch(tl_detector *d)
{
    if (d->scratch)
        return 1;
    if (!tl_detect_ready(NULL))
        return 0;
    /* one scratch space fits every pass: they never run at once */
    for (int pass = 0; pass < N_PASSES; pass++)
        if (hs_alloc_scratch(db[pass], (hs_scratch_t **)&d->scratch) != HS_SUCCESS)
            return 0;
    return 1;
}

void
tl_detector_free(tl_detector *d)
{
    if (!d)
        return;
    if (d->scratch)
        hs_free_scratch(d->scratch);
    g_free(d->key);
    g_array_free(d->hits, TRUE);
    for (int pass = 1; pass < N_PASSES; pass++)
        g_array_free(d->pass_hits[pass], TRUE);
    for (int i = 0; i < P_COUNT; i++)
        g_array_free(d->by[i], TRUE);
    if (d->lines)
        g_array_free(d->lines, TRUE);
    tl_table_index_free(d->tables);
    if (d->own_tables)
        g_ptr_array_unref(d->own_tables);
    g_free(d);
}

void
tl_detector_stats(const tl_detector *d, tl_detect_stats *out)
{
    out->parts = d->stats.pass_parts[PASS_FIRST];
    out->bytes = d->stats.pass_bytes[PASS_FIRST];
    out->word_parts = d->stats.pass_parts[PASS_WORDS];
    out->word_bytes = d->stats.pass_bytes[PASS_WORDS];
    out->shape_parts = d->stats.pass_parts[PASS_SHAPES];
    out->shape_bytes = d->stats.pass_bytes[PASS_SHAPES];
}

void
tl_detector_set_time(tl_detector *d, gint64 unix_time)
{
    d->ref_time = unix_time;
}

void
tl_finding_free(gpointer p)
{
    tl_finding *f = p;
    if (!f)
        return;
    g_free(f->masked);
    g_free(f->snippet);
    g_free(f->part);
    if (f->norm) {
        memset(f->norm, 0, strlen(f->norm));
        g_free(f->norm);
    }
    g_free(f);
}

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)flags;
    tl_hit h = { id, (size_t)from, (size_t)to };
    g_array_append_val(ctx, h);
    return 0;
}

static int
word_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

int
tl_whole_word(const char *t, size_t len, size_t from, size_t to)
{
    if (from > 0 && word_char(t[from - 1]) && word_char(t[from]))
        return 0;
    if (to < len && word_char(t[to]) && word_char(t[to - 1]))
        return 0;
    return 1;
}

size_t
tl_line_start(const char *t, size_t off)
{
    while (off > 0 && t[off - 1] != '\n')
        off--;
    return off;
}

size_t
tl_line_end(const char *t, size_t len, size_t off)
{
    const char *nl = memchr(t + off, '\n', len - off);
    return nl ? (size_t)(nl - t) : len;
}

#define MAX_KEYWORD 64      /* no keyword or cue match is longer */

/* The order hits are handled in: by end offset, then pattern id (the
 * order Hyperscan reports matches that end together in), then start. */
static gint
by_end(gconstpointer a, gconstpointer b)
{
    const tl_hit *x = a, *y = b;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* One pass of database pass over the part into hits, in that order;
 * each class's hits that stand as words filed in d->by. */
static void
scan_pass(tl_detector *d, int pass, GArray *hits)
{
    const tl_text_part *p = d->part;
    const char *t = p->text;
    size_t len = p->len;
    g_array_set_size(hits, 0);
    hs_scan(db[pass], t, (unsigned)len, 0, d->scratch, on_match, hits);
    /* Hyperscan reports in order of end offset, mostly: sort only when not */
    for (guint i = 1; i < hits->len; i++)
        if (by_end(&g_array_index(hits, tl_hit, i - 1), &g_array_index(hits, tl_hit, i)) > 0) {
            g_array_sort(hits, by_end);
            break;
        }
    for (guint i = 0; i < hits->len; i++) {
        tl_hit *h = &g_array_index(hits, tl_hit, i);
        /* keywords stand alone */
        if (h->id >= K_FIRST && !tl_whole_word(t, len, h->from, h->to))
            continue;
        /* "example" in example.com or jane@example.org is an address,
         * not a document saying it is an example */
        if (h->id == K_DOC_NEG &&
            ((h->from > 0 && (t[h->from - 1] == '@' || t[h->from - 1] == '.')) ||
             (h->to + 1 < len && t[h->to] == '.' && g_ascii_isalnum(t[h->to + 1]))))
            continue;
        d->doc_neg |= h->id == K_DOC_NEG;
        g_array_append_val(d->by[h->id], *h);   /* each class stays sorted by end */
    }
}

/* A later pass over the part, once. */
static void
run_pass(tl_detector *d, int pass)
{
    d->done[pass] = 1;
    d->stats.pass_parts[pass]++;
    d->stats.pass_bytes[pass] += d->part->len;
    scan_pass(d, pass, d->pass_hits[pass]);
}

/* The hits of class k in the part, by end offset: a later pass runs over
 * the part the first time one of its classes is asked about. */
static const GArray *
class_hits(tl_detector *d, unsigned k)
{
    if (!d->done[pass_of[k]])
        run_pass(d, pass_of[k]);
    return d->by[k];
}

const GArray *
tl_hits_of(tl_detector *d, unsigned k)
{
    return class_hits(d, k);
}

/* The first hit of a (sorted by end) that ends after lo. */
static guint
first_after(const GArray *a, size_t lo)
{
    guint l = 0, r = a->len;
    while (l < r) {
        guint m = l + (r - l) / 2;
        if (g_array_index(a, tl_hit, m).to <= lo)
            l = m + 1;
        else
            r = m;
    }
    return l;
}

/* A keyword of class k within [from - before, to + after], outside the
 * candidate itself.  The class's hits are sorted by end offset: a binary
 * search finds the first that ends inside the window, so that a part with
 * a hundred thousand numbers and keywords costs n log n, not n squared. */
int
tl_near(tl_detector *d, unsigned k, size_t from, size_t to, size_t before, size_t after)
{
    const GArray *a = class_hits(d, k);
    size_t lo = from > before ? from - before : 0, hi = to + after;
    for (guint i = first_after(a, lo); i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (h->to >= hi + MAX_KEYWORD)
            break;
        if (h->from < hi && (h->to <= from || h->from >= to))
            return 1;
    }
    return 0;
}

int
tl_count_in(tl_detector *d, unsigned k, size_t from, size_t to)
{
    const GArray *a = class_hits(d, k);
    int n = 0;
    for (guint i = first_after(a, from); i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (h->to > to)
            break;
        n += h->from >= from;
    }
    return n;
}

int
tl_distinct_in(tl_detector *d, unsigned k, size_t from, size_t to)
{
    const GArray *a = class_hits(d, k);
    const char *t = d->part->text;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = first_after(a, from); i < a->len; i++) {
        const tl_hit *h = &g_array_index(a, tl_hit, i);
        if (h->to > to)
            break;
        if (h->from >= from)
            g_hash_table_add(seen, g_ascii_strdown(t + h->from, (gssize)(h->to - h->from)));
    }
    int n = (int)g_hash_table_size(seen);
    g_hash_table_destroy(seen);
    return n;
}

/* ---- tables: column-header context (section 4.2) ------------------ */

/* Comma-separated lines typed into a text (a CSV pasted into a mail):
 * the table model leaves them out (tl_tables_detect reads tabs, pipes and
 * aligned columns; CSV attachments are rewritten as tab-separated rows). */
static void
line_columns(const char *t, tl_line *l)
{
    int commas = 0;
    l->sep = 0;
    l->ncols = 0;
    l->header = -1;
    if (memchr(t + l->start, '\t', l->end - l->start))     /* a tab: not a comma-separated line */
        return;
    for (const char *c = t + l->start, *e = t + l->end; (c = memchr(c, ',', (size_t)(e - c))) != NULL; c++)
        commas++;
    if (commas >= 2) {
        l->sep = ',';
        l->ncols = commas + 1;
    }
}

/* The part's lines, with comma-separated blocks: runs of two or more lines
 * with the same number (3+) of columns; the first line of a block is its
 * header. */
static const GArray *
lines_of(tl_detector *d)
{
    if (d->lines)
        return d->lines;
    const tl_text_part *p = d->part;
    d->lines = g_array_new(FALSE, FALSE, sizeof(tl_line));
    for (size_t s = 0; s <= p->len;) {
        tl_line l = { s, tl_line_end(p->text, p->len, s), 0, 0, -1 };
        line_columns(p->text, &l);
        g_array_append_val(d->lines, l);
        s = l.end + 1;
    }
    tl_line *ls = (tl_line *)(void *)d->lines->data;
    for (guint i = 0; i < d->lines->len;) {
        guint j = i + 1;
        while (ls[i].sep && j < d->lines->len && ls[j].sep == ls[i].sep && ls[j].ncols == ls[i].ncols)
            j++;
        if (j - i >= 2)
            for (guint k = i + 1; k < j; k++)
                ls[k].header = i;
        i = j;
    }
    return d->lines;
}

static const tl_line *
line_at(tl_detector *d, size_t off)
{
    const GArray *a = lines_of(d);
    guint l = 0, r = a->len;
    while (l < r) {     /* the last line that starts at or before off */
        guint m = l + (r - l) / 2;
        if (g_array_index(a, tl_line, m).start <= off)
            l = m + 1;
        else
            r = m;
    }
    return l ? &g_array_index(a, tl_line, l - 1) : NULL;
}

/* The part's table model: the tables it came with, or found here. */
static const tl_table_index *
tables_of(tl_detector *d)
{
    if (d->tables)
        return d->tables;
    const tl_text_part *p = d->part;
    const GPtrArray *tables = p->tables;
    if (!tables) {
        d->own_tables = g_ptr_array_new_with_free_func(tl_table_free);
        tl_tables_detect(p->text, p->len, d->own_tables);
        tables = d->own_tables;
    }
    d->tables = tl_table_index_new(tables);
    return d->tables;
}

int
tl_in_table(tl_detector *d, size_t off)
{
    tl_table_place at;
    if (tl_table_locate(tables_of(d), off, &at))
        return at.row >= 0 && at.table->rows->len + (at.table->header->len ? 1 : 0) >= 2;
    const tl_line *l = line_at(d, off);
    return l && l->header >= 0;
}

/* A hit of class k in [from, to) outside [xf, xt). */
static int
hit_within(tl_detector *d, unsigned k, size_t from, size_t to, size_t xf, size_t xt)
{
    const GArray *a = class_hits(d, k);
    for (guint i = first_after(a, from); i < a->len; i++) {
        const tl_hit *x = &g_array_index(a, tl_hit, i);
        if (x->to > to)
            break;
        if (x->from >= from && (x->to <= xf || x->from >= xt))
            return 1;
    }
    return 0;
}

int
tl_cell_context(tl_detector *d, unsigned k, size_t from, size_t to)
{
    tl_table_place at;
    if (!tl_table_locate(tables_of(d), from, &at) || at.row < 0 || !at.table->header->len)
        return -1;
    if (class_hits(d, k)->len == 0)
        return 0;
    const tl_cell *cells[] = { at.header, at.cell, at.prev };
    for (size_t i = 0; i < G_N_ELEMENTS(cells); i++)
        if (cells[i] && hit_within(d, k, cells[i]->off, cells[i]->off + cells[i]->len, from, to))
            return 1;
    return 0;
}

/* A keyword of class k in the header cell over the column of [from, to). */
static int
header_has(tl_detector *d, unsigned k, size_t from)
{
    if (class_hits(d, k)->len == 0)     /* no such keyword in the part: no table needed */
        return 0;
    const tl_line *l = line_at(d, from);
    if (!l || l->header < 0)
        return 0;
    const char *t = d->part->text;
    int col = 0;
    for (size_t i = l->start; i < from; i++)
        col += t[i] == l->sep;
    const tl_line *h = &g_array_index(d->lines, tl_line, l->header);
    size_t cs = h->start;
    for (int c = 0; c < col && cs < h->end; cs++)
        c += t[cs] == h->sep;
    const char *e = memchr(t + cs, h->sep, h->end - cs);
    size_t ce = e ? (size_t)(e - t) : h->end;
    return hit_within(d, k, cs, ce, 0, 0);
}

int
tl_context(tl_detector *d, unsigned k, size_t from, size_t to, size_t before, size_t after)
{
    int cell = tl_cell_context(d, k, from, to);
    if (cell >= 0)
        return cell;
    return tl_near(d, k, from, to, before, after) || header_has(d, k, from);
}

/* ---- findings ----------------------------------------------------- */

static const char *
level_of(int score)
{
    return score >= 85 ? "HIGH" : score >= 75 ? "MEDIUM" : score >= TL_SCORE_LOW ? "LOW" : "candidate";
}

#define MAX_SPAN 4096        /* no finding is longer (a PEM block is cut there) */

/* Overlapping findings: keep the higher score, then the longer span.
 * Candidates come in order of end offset, so out is too: the search
 * stops at the first that ends MAX_SPAN before this one starts. */
static int
overlaps_better(GPtrArray *out, size_t from, size_t to, int score)
{
    for (guint i = out->len; i-- > 0;) {
        tl_finding *f = out->pdata[i];
        if (f->off + f->len + MAX_SPAN <= from)
            break;
        if (f->off < to && f->off + f->len > from) {
            if (f->score > score || (f->score == score && f->len >= to - from))
                return 1;
            g_ptr_array_remove_index(out, i);
        }
    }
    return 0;
}

static gint
by_offset(gconstpointer a, gconstpointer b)
{
    const tl_finding *x = *(tl_finding *const *)a, *y = *(tl_finding *const *)b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The snippet of all[i]; all is sorted by offset. */
static void
snippet(const tl_text_part *p, GPtrArray *all, guint i)
{
    tl_finding *f = all->pdata[i];
    size_t lo = f->off > 60 ? f->off - 60 : 0, hi = MIN(p->len, f->off + MIN(f->len, 200) + 60);
    /* a part's structured data or a table (zero length): only the text
     * before it, never the rows or the page it stands for */
    if (f->len == 0)
        hi = f->off;
    /* the spans that can reach into [lo, hi) */
    guint a = i, b = i + 1;
    while (a > 0 && ((tl_finding *)all->pdata[a - 1])->off + MAX_SPAN > lo)
        a--;
    while (b < all->len && ((tl_finding *)all->pdata[b])->off < hi)
        b++;
    while (lo > 0 && ((unsigned char)p->text[lo] & 0xC0) == 0x80)
        lo--;
    while (hi < p->len && ((unsigned char)p->text[hi] & 0xC0) == 0x80)
        hi++;
    /* of those, the few that do (in a dense table a hundred or more lie
     * within MAX_SPAN, and looking through all of them at every byte of
     * the window made a 20,000-row CSV take seconds) */
    tl_finding *near[64];
    GPtrArray *more = NULL;
    guint nn = 0;
    for (guint k = a; k < b; k++) {
        tl_finding *g = all->pdata[k];
        if (g->off >= hi || g->off + g->len <= lo)
            continue;
        if (nn < G_N_ELEMENTS(near))
            near[nn++] = g;
        else {
            if (!more)
                more = g_ptr_array_new();
            g_ptr_array_add(more, g);
        }
    }
    GString *s = g_string_new(NULL);
    size_t pos = lo;
    while (pos < hi) {
        tl_finding *cover = NULL;
        for (guint k = 0; k < nn + (more ? more->len : 0) && !cover; k++) {
            tl_finding *g = k < nn ? near[k] : more->pdata[k - nn];
            if (pos >= g->off && pos < g->off + g->len)
                cover = g;
        }
        if (cover) {
            g_string_append_printf(s, "\xe2\x9f\xa8%s\xe2\x9f\xa9", cover->detector);
            pos = cover->off + cover->len;
        } else {
            char c = p->text[pos++];
            g_string_append_c(s, c == '\n' || c == '\t' || c == '\r' ? ' ' : c);
        }
    }
    f->snippet = g_string_free(s, FALSE);
    if (more)
        g_ptr_array_free(more, TRUE);
}

/* Whether off is quoted, for offsets that mostly grow: a cursor moves
 * forward through the text remembering the start of its line, so that
 * many findings on one long line do not each walk back to its start. */
typedef struct {
    size_t cur, line;
} line_cursor;

static int
quoted_at(const tl_text_part *p, size_t off, line_cursor *c)
{
    if (off < c->cur)
        return tl_text_is_quoted(p, off);
    const char *nl = off > c->cur ? memrchr(p->text + c->cur, '\n', off - c->cur) : NULL;
    if (nl)     /* the last line break before off starts its line */
        c->line = (size_t)(nl - p->text) + 1;
    c->cur = off;
    if (off >= p->quote_from)
        return 1;
    size_t s = c->line;
    while (s < off && (p->text[s] == ' ' || p->text[s] == '\t'))
        s++;
    return s < p->len && p->text[s] == '>';
}

static int
family(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    if (h->id >= P_MGRS)
        return tl_cand_places(d, p, h, c);
    if (h->id >= P_ICD10)
        return tl_cand_medical(d, p, h, c);
    if (h->id >= P_FLIGHT)
        return tl_cand_travel(d, p, h, c);
    if (h->id < P_PHONE)
        return tl_cand_id(d, p, h, c);
    if (h->id < P_BANNER)
        return tl_cand_contact(d, p, h, c);
    if (h->id < P_PEM)
        return tl_cand_mark(d, p, h, c);
    return tl_cand_cred(d, p, h, c);
}

/* What concerns personal findings together (section 4.3): +10 for a
 * second, independent kind of personal data at MEDIUM or above (a bare
 * signature address does not vouch for a number) within 300 characters; +10
 * for the roster effect (three or more of one detector in table rows);
 * +10 in a part that carries a privacy notice.  Scores are those the
 * families gave, so that bonuses do not feed each other. */
/* Whether g, a personal finding of another detector at MEDIUM or above,
 * vouches for f. */
static int
vouches(const tl_finding *f, const tl_finding *g)
{
    return g->pii && g->score >= 75 && strcmp(g->detector, f->detector) != 0;
}

static void
together(tl_detector *d, GPtrArray *all)
{
    guint n = all->len;
    int *bonus = g_new0(int, n ? n : 1), *in_row = g_new0(int, n ? n : 1);
    int privacy = 0;
    GHashTable *rows = g_hash_table_new(g_str_hash, g_str_equal);     /* detector -> findings in table rows */
    for (guint i = 0; i < n; i++) {
        tl_finding *f = all->pdata[i];
        privacy |= strcmp(f->detector, "privacy-notice") == 0 && f->score >= TL_SCORE_LOW;
        in_row[i] = f->pii && f->score >= TL_SCORE_LOW && tl_in_table(d, f->off);
        if (in_row[i])
            g_hash_table_insert(rows, (gpointer)f->detector,
                                GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(rows, f->detector)) + 1));
    }
    for (guint i = 0; i < n; i++) {
        tl_finding *f = all->pdata[i];
        if (!f->pii)
            continue;
        /* the neighbours within 300 characters, before and after */
        for (guint j = i; j-- > 0 && !bonus[i] && ((tl_finding *)all->pdata[j])->off + 300 >= f->off;)
            bonus[i] = vouches(f, all->pdata[j]) ? 10 : 0;
        for (guint j = i + 1; j < n && !bonus[i] && ((tl_finding *)all->pdata[j])->off <= f->off + f->len + 300; j++)
            bonus[i] = vouches(f, all->pdata[j]) ? 10 : 0;
        if (in_row[i] && GPOINTER_TO_INT(g_hash_table_lookup(rows, f->detector)) >= 3)
            bonus[i] += 10;
        if (privacy)
            bonus[i] += 10;
    }
    for (guint i = 0; i < n; i++) {
        tl_finding *f = all->pdata[i];
        f->score = CLAMP(f->score + bonus[i], 0, 100);
        f->level = level_of(f->score);
    }
    g_hash_table_destroy(rows);
    g_free(in_row);
    g_free(bonus);
}

/* The part's text with every validated span, at any score, written as
 * its type: what the full-text index may hold. */
static void
masked_text(const tl_text_part *p, const GPtrArray *all, GString *out)
{
    size_t pos = 0;
    for (guint i = 0; i < all->len; i++) {
        const tl_finding *f = all->pdata[i];
        if (f->off < pos || f->len == 0)     /* a part's structured data (JSON-LD) spans nothing */
            continue;
        g_string_append_len(out, p->text + pos, (gssize)(f->off - pos));
        g_string_append_printf(out, "\xe2\x9f\xa8%s\xe2\x9f\xa9", f->detector);
        pos = f->off + f->len;
    }
    g_string_append_len(out, p->text + MIN(pos, p->len), (gssize)(p->len - MIN(pos, p->len)));
}

/* A validated candidate becomes a finding of all (every score), unless a
 * better one overlaps it. */
static void
add_cand(tl_detector *d, const tl_text_part *p, GPtrArray *all, tl_cand *c, line_cursor *lines)
{
    if (d->doc_neg)
        c->score -= c->doc_neg_penalty;
    c->score = CLAMP(c->score, 0, 100);
    if (overlaps_better(all, c->from, c->to, c->score)) {
        g_free(c->masked);
        memset(c->norm, 0, sizeof c->norm);
        return;
    }
    tl_finding *f = g_new0(tl_finding, 1);
    f->detector = c->det;
    f->category = c->cat;
    f->off = c->from;
    f->len = c->to - c->from;
    f->score = c->score;
    f->level = level_of(c->score);
    f->masked = c->masked;
    f->pii = c->pii;
    if (!c->no_hash)
        f->norm = c->hash_src ? g_strndup(c->hash_src, c->hash_len) : g_strdup(c->norm);
    memset(c->norm, 0, sizeof c->norm);
    f->quoted = quoted_at(p, c->from, lines);
    f->part_off = p->map[c->from];
    g_ptr_array_add(all, f);
}

GPtrArray *
tl_detect_part(tl_detector *d, const tl_text_part *p)
{
    return tl_detect_part_masked(d, p, NULL);
}

GPtrArray *
tl_detect_part_masked(tl_detector *d, const tl_text_part *p, GString *masked)
{
    if (!scratch(d))
        return NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func(tl_finding_free);
    GPtrArray *all = g_ptr_array_new_with_free_func(tl_finding_free);  /* candidates below level too */
    size_t len = p->len;
    g_array_set_size(d->hits, 0);
    for (int k = 0; k < P_COUNT; k++)
        g_array_set_size(d->by[k], 0);
    if (d->lines) {
        g_array_free(d->lines, TRUE);
        d->lines = NULL;
    }
    g_clear_pointer(&d->tables, tl_table_index_free);
    g_clear_pointer(&d->own_tables, g_ptr_array_unref);
    d->part = p;
    d->serial++;
    d->doc_neg = 0;
    for (int pass = 0; pass < N_PASSES; pass++)
        d->done[pass] = pass == PASS_FIRST;
    d->stats.pass_parts[PASS_FIRST]++;
    d->stats.pass_bytes[PASS_FIRST] += len;
    if (len == 0 || len > G_MAXUINT)
        goto done;
    scan_pass(d, PASS_FIRST, d->hits);     /* candidates in order of end offset */
    /* Dates and passport numbers are candidates only beside their labels
     * (dob_labelled, id.c's passport): without one in the part, their
     * shapes would all be turned down and are not looked for. */
    if (class_hits(d, K_DOB)->len || class_hits(d, K_BORN)->len || class_hits(d, K_PASSPORT)->len) {
        run_pass(d, PASS_SHAPES);
        g_array_append_vals(d->hits, d->pass_hits[PASS_SHAPES]->data, d->pass_hits[PASS_SHAPES]->len);
        g_array_sort(d->hits, by_end);
    }

    line_cursor lines = { 0, 0 };
    for (guint i = 0; i < d->hits->len; i++) {
        tl_hit h = g_array_index(d->hits, tl_hit, i);
        if (h.id >= P_CAND_END)
            continue;
        tl_cand c = { .from = h.from, .to = h.to, .doc_neg_penalty = 20 };
        if (!family(d, p, &h, &c))
            continue;
        add_cand(d, p, all, &c, &lines);
    }
    /* what the part adds up to: rosters, time-lines, forms */
    g_ptr_array_sort(all, by_offset);
    GArray *docs = g_array_new(FALSE, TRUE, sizeof(tl_cand));
    static void (*const doc_families[])(tl_detector *, const tl_text_part *, const GPtrArray *, GArray *) = {
        tl_doc_people, tl_doc_travel, tl_doc_medical, tl_doc_tax, tl_doc_naval
    };
    for (size_t k = 0; k < G_N_ELEMENTS(doc_families); k++) {
        g_array_set_size(docs, 0);
        doc_families[k](d, p, all, docs);
        for (guint j = 0; j < docs->len; j++) {
            tl_cand *c = &g_array_index(docs, tl_cand, j);
            if (!c->doc_neg_penalty)
                c->doc_neg_penalty = 20;
            add_cand(d, p, all, c, &lines);
        }
        g_ptr_array_sort(all, by_offset);
    }
    g_array_free(docs, TRUE);
    if (masked)
        masked_text(p, all, masked);
    together(d, all);
    /* Findings at LOW or above get a keyed hash and a snippet; every
     * validated span, at any score, is hidden in every snippet. */
    for (guint i = 0; i < all->len; i++) {
        tl_finding *f = all->pdata[i];
        if (f->score < TL_SCORE_LOW)
            continue;
        if (f->norm)
            tl_vhash(d->key, d->keylen, f->norm, f->vhash);
        snippet(p, all, i);
    }
    for (guint i = 0; i < all->len; i++) {
        tl_finding *f = all->pdata[i];
        if (f->norm) {
            memset(f->norm, 0, strlen(f->norm));
            g_clear_pointer(&f->norm, g_free);
        }
        if (f->score >= TL_SCORE_LOW) {
            all->pdata[i] = NULL;
            g_ptr_array_add(out, f);
        }
    }
done:
    g_ptr_array_set_free_func(all, NULL);
    for (guint i = 0; i < all->len; i++)
        if (all->pdata[i])
            tl_finding_free(all->pdata[i]);
    g_ptr_array_unref(all);
    d->part = NULL;
    return out;
}

/* ------------------------------------------------------------------ */
/* Message roll-up                                                     */
/* ------------------------------------------------------------------ */

/* The severity a finding alone gives its message (section 6): 1 to 3
 * for S1 to S3, 4 otherwise. */
static int
severity_rule(const tl_finding *f)
{
    const char *c = f->category, *d = f->detector;
    int high = f->score >= 85, medium = f->score >= 75;
    int roster = strcmp(d, "roster") == 0 || strcmp(d, "crew-list") == 0;
    /* MARK.CLASS reaches 85 only above UNCLASSIFIED; what the leak
     * carried (issue 12): a VIP movement, a roster with validated
     * identifiers, an identity document, behavioural-health records first */
    if ((high && strcmp(c, "MARK.CLASS") == 0) || (f->score >= 90 && strcmp(c, "IDDOC.ATTACH") == 0) ||
        (high && strcmp(c, "CRED.SECRET") == 0) || (medium && strcmp(c, "TRAVEL.VIPMOVE") == 0) ||
        (f->score >= 95 && roster) || (medium && strcmp(d, "phi-bh") == 0))
        return 1;
    if ((high && strcmp(c, "PII.GOVID") == 0) || (f->score >= 80 && strcmp(c, "MARK.CUI") == 0) ||
        (high && strcmp(c, "MARK.DIST") == 0) || (high && strcmp(c, "MED.PHI") == 0) ||
        (f->score >= 90 && strcmp(c, "TAX.RECORD") == 0) || (high && strcmp(c, "OPS.NAVAL") == 0) ||
        (high && strcmp(c, "GEO.PHOTO") == 0) || (medium && roster))
        return 2;
    if ((high && (strcmp(c, "PII.FIN") == 0 || strcmp(c, "PII.DOB") == 0)) ||
        (medium && (strcmp(c, "TRAVEL.ITINERARY") == 0 || strcmp(c, "LODGING.ROOM") == 0 ||
                    strcmp(c, "GEO.MIL") == 0)))
        return 3;
    return 4;
}

const char *
tl_rollup(const GPtrArray *findings, char **categories)
{
    *categories = NULL;
    if (!findings || findings->len == 0)
        return NULL;
    GHashTable *cats = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *lows = g_hash_table_new(g_str_hash, g_str_equal);   /* detector -> LOW count */
    int s1 = 0, s2 = 0, s3 = 0;
    for (guint i = 0; i < findings->len; i++) {
        const tl_finding *f = findings->pdata[i];
        if (f->score >= 75)
            g_hash_table_add(cats, (gpointer)f->category);
        else {
            int n = GPOINTER_TO_INT(g_hash_table_lookup(lows, f->detector)) + 1;
            g_hash_table_insert(lows, (gpointer)f->detector, GINT_TO_POINTER(n));
            if (n >= 5)     /* low confidence needs volume */
                g_hash_table_add(cats, (gpointer)f->category);
        }
        int lv = severity_rule(f);
        s1 |= lv == 1, s2 |= lv == 2, s3 |= lv == 3;
    }
    if (g_hash_table_size(cats)) {
        GList *keys = g_list_sort(g_hash_table_get_keys(cats), (GCompareFunc)strcmp);
        GString *c = g_string_new(NULL);
        for (GList *k = keys; k; k = k->next)
            g_string_append_printf(c, "%s%s", c->len ? "," : "", (const char *)k->data);
        g_list_free(keys);
        *categories = g_string_free(c, FALSE);
    }
    g_hash_table_destroy(cats);
    g_hash_table_destroy(lows);
    return s1 ? "S1" : s2 ? "S2" : s3 ? "S3" : "S4";
}

/* The finding that set severity sev (tl_rollup's rules): the highest
 * scoring one that meets the rule of that level; for S4, the highest
 * scoring finding.  -1 when there is none. */
static int
sets_level(const tl_finding *f, const char *sev)
{
    return sev[1] == '4' || severity_rule(f) == sev[1] - '0';
}

int
tl_rollup_reason(const GPtrArray *findings, const char *sev)
{
    int best = -1;
    for (guint i = 0; sev && findings && i < findings->len; i++) {
        const tl_finding *f = findings->pdata[i];
        if (sets_level(f, sev) && (best < 0 || f->score > ((const tl_finding *)findings->pdata[best])->score))
            best = (int)i;
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* The case key                                                        */
/* ------------------------------------------------------------------ */

tl_status_t
tl_case_key_load(const char *path, guint8 **key, gsize *keylen, char **errmsg)
{
    char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    *key = NULL;
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        guint8 raw[32];
        if (RAND_bytes(raw, sizeof raw) != 1) {
            *errmsg = g_strdup("no random bytes for a new case key");
            return TL_ERR_USAGE;
        }
        GString *hex = g_string_new(NULL);
        for (size_t i = 0; i < sizeof raw; i++)
            g_string_append_printf(hex, "%02x", raw[i]);
        g_string_append_c(hex, '\n');
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, hex->str, hex->len) != (ssize_t)hex->len || fsync(fd) != 0) {
            *errmsg = g_strdup_printf("cannot create case key %s: %s", path, g_strerror(errno));
            if (fd >= 0) {
                close(fd);
                unlink(path);   /* no half-written key for the next run to refuse */
            }
            g_string_free(hex, TRUE);
            return TL_ERR_USAGE;
        }
        close(fd);
        g_string_free(hex, TRUE);
    }
    if (!g_file_get_contents(path, &text, &len, &err)) {
        *errmsg = g_strdup_printf("cannot read case key: %s", err->message);
        g_error_free(err);
        return TL_ERR_USAGE;
    }
    g_strstrip(text);
    size_t n = strlen(text);
    if (n < 64 || n % 2 || strspn(text, "0123456789abcdefABCDEF") != n) {
        *errmsg = g_strdup_printf("case key %s must hold at least 64 hex digits", path);
        g_free(text);
        return TL_ERR_USAGE;
    }
    *keylen = n / 2;
    *key = g_malloc(*keylen);
    for (size_t i = 0; i < *keylen; i++)
        (*key)[i] = (guint8)(g_ascii_xdigit_value(text[2 * i]) * 16 + g_ascii_xdigit_value(text[2 * i + 1]));
    memset(text, 0, n);
    g_free(text);
    return TL_OK;
}
