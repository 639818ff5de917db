/*
 * check_eval.c - span-level precision and recall of the detectors on
 * Presidio's synthetic PII sets (../shared/pii-eval, MANIFEST.md), for the
 * types the scanner has detectors for: US_SSN -> ssn, CREDIT_CARD -> pan,
 * IBAN_CODE -> iban, EMAIL_ADDRESS -> email, PHONE_NUMBER -> phone or dsn,
 * and DATE_TIME after a birth cue -> dob.
 * Other labelled types are out of scope here and not counted; findings of
 * detectors with no label in the set are listed for review.  A predicted span matches a labelled one of the same type when
 * they overlap.  Offsets in the set are code points; findings are mapped
 * back through the normalisation map to bytes, then to code points.
 *
 * Fails below the targets of research/sensitive-content.md section 9:
 * recall 0.9 for SSN, card and IBAN (and e-mail), precision 0.95 (HIGH) /
 * 0.85 (all levels) for every type.
 */
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <string.h>

#include "tl_test.h"

/* min_recall: the target of section 9 for SSN, PAN and IBAN, and for
 * e-mail; phones have none (see docs/detectors.md: numbers outside the
 * North American plan need a keyword by design). */
static const struct {
    const char *label, *detector, *detector2;
    double min_recall;
} types[] = {
    { "US_SSN", "ssn", NULL, 0.9 },           { "CREDIT_CARD", "pan", NULL, 0.9 },
    { "IBAN_CODE", "iban", NULL, 0.9 },       { "EMAIL_ADDRESS", "email", NULL, 0.9 },
    { "PHONE_NUMBER", "phone", "dsn", 0.0 },
    /* DATE_TIME spans with "born", "birth" or "DOB" in the 40 characters
     * before them: the set has no DOB label of its own */
    { "DOB", "dob", NULL, 0.9 },
    /* names only beside an identifier or a DOB (people.c): no recall target */
    { "PERSON", "person-name", NULL, 0.0 },
};

/* The label of a span: DATE_TIME after a birth cue counts as DOB. */
static const char *
label_of(const char *text, JsonObject *sp)
{
    const char *l = json_object_get_string_member(sp, "entity_type");
    if (strcmp(l, "DATE_TIME") != 0)
        return l;
    long start = (long)json_object_get_int_member(sp, "start_position");
    const char *at = g_utf8_offset_to_pointer(text, start);
    const char *from = g_utf8_offset_to_pointer(text, MAX(0, start - 40));
    char *before = g_ascii_strdown(from, at - from);
    int dob = strstr(before, "born") || strstr(before, "birth") || strstr(before, "dob");
    g_free(before);
    return dob ? "DOB" : l;
}
#define NT G_N_ELEMENTS(types)

typedef struct {
    int gold[NT], found_gold[NT], pred[NT], pred_ok[NT], pred_high[NT], pred_high_ok[NT];
} tally;

static int
type_of_label(const char *l)
{
    for (size_t i = 0; i < NT; i++)
        if (strcmp(types[i].label, l) == 0)
            return (int)i;
    return -1;
}

static int
type_of_detector(const char *d)
{
    for (size_t i = 0; i < NT; i++)
        if (strcmp(types[i].detector, d) == 0 || (types[i].detector2 && strcmp(types[i].detector2, d) == 0))
            return (int)i;
    return -1;
}

static void
eval_file(const char *path, tl_detector *det, tally *t)
{
    JsonParser *jp = json_parser_new();
    GError *err = NULL;
    ck_assert_msg(json_parser_load_from_file(jp, path, &err), "%s: %s", path, err ? err->message : "?");
    JsonArray *recs = json_node_get_array(json_parser_get_root(jp));
    for (guint r = 0; r < json_array_get_length(recs); r++) {
        JsonObject *rec = json_array_get_object_element(recs, r);
        const char *text = json_object_get_string_member(rec, "full_text");
        tl_text_part part = { 0 };
        part.path = (char *)"1";
        tl_text_normalise(text, strlen(text), &part.text, &part.map, &part.len);
        part.quote_from = part.len;
        GPtrArray *found = tl_detect_part(det, &part);
        /* predicted spans, in code points of the original text */
        int n = (int)found->len;
        long *ps = g_new0(long, n + 1), *pe = g_new0(long, n + 1);
        int *pt = g_new0(int, n + 1), *pm = g_new0(int, n + 1);
        for (int i = 0; i < n; i++) {
            const tl_finding *f = found->pdata[i];
            pt[i] = type_of_detector(f->detector);
            ps[i] = g_utf8_pointer_to_offset(text, text + part.map[f->off]);
            pe[i] = g_utf8_pointer_to_offset(text, text + part.map[f->off + f->len - 1]) + 1;
        }
        JsonArray *spans = json_object_get_array_member(rec, "spans");
        for (guint s = 0; s < json_array_get_length(spans); s++) {
            JsonObject *sp = json_array_get_object_element(spans, s);
            int ty = type_of_label(label_of(text, sp));
            long gs = (long)json_object_get_int_member(sp, "start_position");
            long ge = (long)json_object_get_int_member(sp, "end_position");
            int hit = 0;
            for (int i = 0; i < n; i++)
                if (ps[i] < ge && gs < pe[i]) {
                    if (ty >= 0 && pt[i] == ty)
                        hit = 1;
                    pm[i] |= ty >= 0 && pt[i] == ty ? 1 : 2;   /* 2: overlaps another labelled entity */
                }
            if (ty >= 0 && !hit && types[ty].min_recall > 0)
                fprintf(stderr, "eval: missed %s \"%s\"\n", types[ty].label,
                        json_object_get_string_member(sp, "entity_value"));
            if (ty >= 0) {
                t->gold[ty]++;
                t->found_gold[ty] += hit;
            }
        }
        for (int i = 0; i < n; i++) {
            const tl_finding *f = found->pdata[i];
            if (pt[i] < 0) {
                /* a detector with no label in the set: shown for review */
                fprintf(stderr, "eval: other %s \"%s\" (%d) [%s]%s\n", f->detector, f->masked, f->score, f->snippet,
                        pm[i] ? " over a labelled entity" : "");
                continue;
            }
            int ok = (pm[i] & 1) != 0;
            t->pred[pt[i]]++;
            t->pred_ok[pt[i]] += ok;
            if (strcmp(f->level, "HIGH") == 0) {
                t->pred_high[pt[i]]++;
                t->pred_high_ok[pt[i]] += ok;
            }
            if (!ok)
                fprintf(stderr, "eval: false %s in %s record %u\n", f->detector, strrchr(path, '/') + 1, r);
        }
        g_free(ps);
        g_free(pe);
        g_free(pt);
        g_free(pm);
        g_ptr_array_unref(found);
        g_free(part.text);
        g_free(part.map);
    }
    g_object_unref(jp);
}

START_TEST(test_presidio_sets)
{
    const char *corp = tl_test_corpora();
    if (!corp)
        return;
    char *dir = g_build_filename(corp, "..", "pii-eval", "presidio-research", NULL);
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "note: %s is absent: evaluation skipped\n", dir);
        g_free(dir);
        return;
    }
    static const guint8 key[] = "evaluation-key-0123456789abcdef";
    char *err = NULL;
    tl_detector *det = tl_detector_new(key, sizeof key - 1, &err);
    ck_assert_msg(det != NULL, "%s", err);
    const char *files[] = { "synth_dataset_v2.json", "generated_small.json" };
    tally all = { 0 };
    for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
        char *path = g_build_filename(dir, files[f], NULL);
        eval_file(path, det, &all);
        g_free(path);
    }
    tl_detector_free(det);
    for (size_t i = 0; i < NT; i++) {
        double recall = all.gold[i] ? (double)all.found_gold[i] / all.gold[i] : 1.0;
        double prec = all.pred[i] ? (double)all.pred_ok[i] / all.pred[i] : 1.0;
        double prec_high = all.pred_high[i] ? (double)all.pred_high_ok[i] / all.pred_high[i] : 1.0;
        fprintf(stderr, "eval: %-13s gold %3d found %3d recall %.3f | predicted %3d precision %.3f | HIGH %3d precision %.3f\n",
                types[i].label, all.gold[i], all.found_gold[i], recall, all.pred[i], prec, all.pred_high[i], prec_high);
        ck_assert_msg(all.gold[i] > 0, "no %s labels: wrong file?", types[i].label);
        ck_assert_msg(recall >= types[i].min_recall, "%s recall %.3f below %.2f", types[i].label, recall,
                      types[i].min_recall);
        ck_assert_msg(prec >= 0.85, "%s precision %.3f below 0.85", types[i].label, prec);
        ck_assert_msg(prec_high >= 0.95, "%s HIGH precision %.3f below 0.95", types[i].label, prec_high);
    }
    g_free(dir);
}
END_TEST

/* Presidio's context sentences: where a detector finds the value, the
 * context word is what lifts it; the value alone scores lower (or is not
 * a finding at all). */
START_TEST(test_presidio_context)
{
    const char *corp = tl_test_corpora();
    if (!corp)
        return;
    char *path = g_build_filename(corp, "..", "pii-eval", "presidio", "context_sentences_tests.txt", NULL);
    char *data = NULL;
    if (!g_file_get_contents(path, &data, NULL, NULL)) {
        fprintf(stderr, "note: %s is absent: context evaluation skipped\n", path);
        g_free(path);
        return;
    }
    static const struct { const char *label, *detector; } map[] = {
        { "US_SSN", "ssn" }, { "US_ITIN", "itin" }, { "ABA_ROUTING_NUMBER", "aba" },
    };
    int sentences[3] = { 0 }, found[3] = { 0 };
    static const guint8 key[] = "evaluation-key-0123456789abcdef";
    char *err = NULL;
    tl_detector *det = tl_detector_new(key, sizeof key - 1, &err);
    char **lines = g_strsplit(data, "\n", -1);
    for (int i = 0; lines[i] && lines[i + 1]; i++) {
        char *label = g_strstrip(lines[i]);
        int ty = -1;
        for (int k = 0; k < 3; k++)
            if (strcmp(label, map[k].label) == 0)
                ty = k;
        if (ty < 0)
            continue;
        const char *sentence = lines[i + 1];
        i++;
        sentences[ty]++;
        tl_text_part part = { 0 };
        tl_text_normalise(sentence, strlen(sentence), &part.text, &part.map, &part.len);
        part.quote_from = part.len;
        GPtrArray *f = tl_detect_part(det, &part);
        for (guint k = 0; k < f->len; k++) {
            const tl_finding *x = f->pdata[k];
            if (strcmp(x->detector, map[ty].detector) != 0)
                continue;
            found[ty]++;
            /* the value alone */
            tl_text_part bare = { 0 };
            tl_text_normalise(part.text + x->off, x->len, &bare.text, &bare.map, &bare.len);
            bare.quote_from = bare.len;
            GPtrArray *g = tl_detect_part(det, &bare);
            for (guint m = 0; m < g->len; m++)
                ck_assert_msg(((tl_finding *)g->pdata[m])->score < x->score, "context did not raise the score in \"%s\"",
                              sentence);
            g_ptr_array_unref(g);
            g_free(bare.text);
            g_free(bare.map);
        }
        g_ptr_array_unref(f);
        g_free(part.text);
        g_free(part.map);
    }
    for (int k = 0; k < 3; k++) {
        fprintf(stderr, "eval: context %-18s sentences %d, found with context %d\n", map[k].label, sentences[k], found[k]);
        ck_assert_msg(sentences[k] > 0 && found[k] > 0, "%s: nothing found", map[k].label);
    }
    g_strfreev(lines);
    tl_detector_free(det);
    g_free(data);
    g_free(path);
}
END_TEST


/* ------------------------------------------------------------------ */
/* The classification fixtures (section 9), tests/fixtures/classify    */
/* ------------------------------------------------------------------ */

/* Each fixture is a synthetic message whose X-Typoleak-Expect headers list
 * the findings a reviewer expects, one "detector masked-form" each.  A
 * finding that matches an expected one (detector and mask) is a true
 * positive; any other finding at LOW or above is a false positive; an
 * expectation left unmatched is a miss.  Fixtures with no expectation
 * are negatives (disclaimers, Italian "cui", marketing, aviation...).
 * Targets: precision 0.95 at HIGH and 0.85 at MEDIUM, recall 0.9, and not
 * one MARK.CLASS finding that nobody expected. */
typedef struct {
    int tp, fp;
} level_tally;

static gint
by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_fixtures)
{
    tl_library_init();
    GDir *dir = g_dir_open("fixtures/classify", 0, NULL);
    ck_assert(dir != NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(dir)))
        if (g_str_has_suffix(n, ".eml"))
            g_ptr_array_add(names, g_strdup(n));
    g_dir_close(dir);
    g_ptr_array_sort(names, by_name);
    char *err = NULL;
    static const guint8 key[] = "fixture-key-0123456789abcdef0123456789";
    tl_detector *det = tl_detector_new(key, sizeof key - 1, &err);
    ck_assert(det != NULL);
    level_tally high = { 0, 0 }, medium = { 0, 0 }, low = { 0, 0 };
    int expected = 0, matched = 0, unexpected_class = 0;
    GHashTable *per_det = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);    /* det -> int[3] tp fp fn */
    for (guint i = 0; i < names->len; i++) {
        char *path = g_build_filename("fixtures/classify", names->pdata[i], NULL);
        GMimeStream *st = g_mime_stream_fs_open(path, O_RDONLY, 0, NULL);
        ck_assert(st != NULL);
        GMimeParser *ps = g_mime_parser_new_with_stream(st);
        GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
        ck_assert(m != NULL);
        /* the expected findings, as a multiset */
        GHashTable *want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
        for (int h = 0; h < g_mime_header_list_get_count(hl); h++) {
            GMimeHeader *hd = g_mime_header_list_get_header_at(hl, h);
            if (g_ascii_strcasecmp(g_mime_header_get_name(hd), "X-Typoleak-Expect") != 0)
                continue;
            char *v = g_strstrip(g_strdup(g_mime_header_get_raw_value(hd)));
            char *sp = strchr(v, ' ');
            char *dn = g_strndup(v, sp ? (size_t)(sp - v) : strlen(v));
            /* (insert frees v when the key is there already) */
            g_hash_table_insert(want, v, GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(want, v)) + 1));
            expected++;
            int *c = g_hash_table_lookup(per_det, dn);
            if (!c) {
                c = g_new0(int, 3);
                g_hash_table_insert(per_det, g_strdup(dn), c);
            }
            c[2]++;     /* a miss until matched */
            g_free(dn);
        }
        GPtrArray *f = tl_test_message_findings(det, m, 1684227600);  /* the fixtures' Date: 16 May 2023 */
        for (guint k = 0; k < f->len; k++) {
            const tl_finding *x = f->pdata[k];
            char *key2 = g_strdup_printf("%s %s", x->detector, x->masked);
            int left = GPOINTER_TO_INT(g_hash_table_lookup(want, key2));
            level_tally *lt = x->score >= 85 ? &high : x->score >= 75 ? &medium : &low;
            int *c = g_hash_table_lookup(per_det, x->detector);
            if (!c) {
                c = g_new0(int, 3);
                g_hash_table_insert(per_det, g_strdup(x->detector), c);
            }
            if (left > 0) {
                g_hash_table_insert(want, g_strdup(key2), GINT_TO_POINTER(left - 1));
                lt->tp++, matched++, c[0]++, c[2]--;
            } else {
                lt->fp++, c[1]++;
                unexpected_class += strcmp(x->category, "MARK.CLASS") == 0;
                fprintf(stderr, "fixtures: %s: unexpected %s \"%s\" (%d)\n", (char *)names->pdata[i], x->detector,
                        x->masked, x->score);
            }
            g_free(key2);
        }
        g_ptr_array_unref(f);
        GHashTableIter it;
        gpointer kk, vv;
        g_hash_table_iter_init(&it, want);
        while (g_hash_table_iter_next(&it, &kk, &vv))
            if (GPOINTER_TO_INT(vv) > 0)
                fprintf(stderr, "fixtures: %s: missed %s\n", (char *)names->pdata[i], (char *)kk);
        g_hash_table_destroy(want);
        g_object_unref(m);
        g_object_unref(ps);
        g_object_unref(st);
        g_free(path);
    }
    GList *dets = g_list_sort(g_hash_table_get_keys(per_det), (GCompareFunc)strcmp);
    for (GList *l = dets; l; l = l->next) {
        int *c = g_hash_table_lookup(per_det, l->data);
        fprintf(stderr, "fixtures: %-18s expected %3d found %3d unexpected %2d missed %2d\n", (char *)l->data,
                c[0] + c[2], c[0], c[1], c[2]);
    }
    g_list_free(dets);
    double ph = high.tp + high.fp ? (double)high.tp / (high.tp + high.fp) : 1.0;
    double pm = medium.tp + medium.fp ? (double)medium.tp / (medium.tp + medium.fp) : 1.0;
    double pl = low.tp + low.fp ? (double)low.tp / (low.tp + low.fp) : 1.0;
    double rc = expected ? (double)matched / expected : 1.0;
    fprintf(stderr, "fixtures: %u messages, %d expected, recall %.3f | precision HIGH %.3f (%d/%d) MEDIUM %.3f (%d/%d) "
            "LOW %.3f (%d/%d)\n", names->len, expected, rc, ph, high.tp, high.tp + high.fp, pm, medium.tp,
            medium.tp + medium.fp, pl, low.tp, low.tp + low.fp);
    ck_assert_msg(names->len >= 10 && expected >= 50, "the fixture set is missing");
    ck_assert_msg(ph >= 0.95, "precision at HIGH %.3f < 0.95", ph);
    ck_assert_msg(pm >= 0.85, "precision at MEDIUM %.3f < 0.85", pm);
    ck_assert_msg(rc >= 0.9, "recall %.3f < 0.9", rc);
    ck_assert_msg(unexpected_class == 0, "%d MARK.CLASS findings nobody expected", unexpected_class);
    g_hash_table_destroy(per_det);
    g_ptr_array_unref(names);
    tl_detector_free(det);
}
END_TEST

Suite *
suite_eval(void)
{
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("presidio");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_presidio_sets);
    tcase_add_test(tc, test_presidio_context);
    suite_add_tcase(s, tc);
    tc = tcase_create("fixtures");
    tcase_add_test(tc, test_fixtures);
    suite_add_tcase(s, tc);
    return s;
}
