/*
 * fuzz_outlook.c - mutation fuzzing of the Outlook reader (parsers/outlook.c):
 * `make fuzz-outlook`.
 *
 * Takes the PSTs of ../shared/corpora/pst, the .msg files and the TNEF
 * files of the corpora, mutates each many times (bytes flipped, blocks
 * zeroed or copied elsewhere, the file cut short) and reads every mutant
 * from memory under AddressSanitizer and UBSan.  A crash or a sanitizer
 * report fails the run; what the reader says about a mutant (an error, a
 * partial item) is not judged.  Deterministic for a seed:
 * FUZZ_SEED=N FUZZ_RUNS=M (mutants per file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/outlook.h"

static unsigned long events;

static int
count(const tl_ol_item *it, void *user)
{
    (void)user;
    /* Touch every byte, so that a bad length shows under ASan. */
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < it->len; i++)
        sum ^= it->data[i];
    if (it->reason)
        sum ^= (uint8_t)strlen(it->reason);
    (void)sum;
    events++;
    return 0;
}

static void
mutate(GRand *r, uint8_t *d, size_t *len)
{
    int ops = g_rand_int_range(r, 1, 4);
    for (int k = 0; k < ops && *len > 16; k++) {
        switch (g_rand_int_range(r, 0, 5)) {
        case 0: /* cut */
            *len = (size_t)g_rand_int_range(r, 1, (gint32)*len);
            break;
        case 1: /* flip bytes */
            for (int i = g_rand_int_range(r, 1, 64); i > 0; i--)
                d[g_rand_int_range(r, 0, (gint32)*len)] = (uint8_t)g_rand_int_range(r, 0, 256);
            break;
        case 2: { /* zero a block */
            /* MIN evaluates its arguments twice: draw first. */
            size_t at = (size_t)g_rand_int_range(r, 0, (gint32)*len);
            size_t want = (size_t)g_rand_int_range(r, 1, 8193);
            size_t n = MIN(want, *len - at);
            memset(d + at, g_rand_boolean(r) ? 0 : 0xFF, n);
            break;
        }
        case 3: { /* copy a block over another */
            size_t a = (size_t)g_rand_int_range(r, 0, (gint32)*len), b = (size_t)g_rand_int_range(r, 0, (gint32)*len);
            size_t want = (size_t)g_rand_int_range(r, 1, 4097), room = MIN(*len - a, *len - b);
            size_t n = MIN(want, room);
            memmove(d + a, d + b, n);
            break;
        }
        default: { /* a 32-bit field set to an edge value */
            static const uint32_t edge[] = { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x10000 };
            size_t at = (size_t)g_rand_int_range(r, 0, (gint32)(*len - 4));
            uint32_t v = edge[g_rand_int_range(r, 0, G_N_ELEMENTS(edge))];
            memcpy(d + at, &v, 4);
            break;
        }
        }
    }
}

static void
find(const char *dir, GPtrArray *out)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            find(p, out);
        else if (g_str_has_suffix(name, ".pst") || g_str_has_suffix(name, ".tnef") ||
                 g_str_has_suffix(name, ".dat") || g_str_has_suffix(name, ".msg"))
            g_ptr_array_add(out, g_strdup(p));
        g_free(p);
    }
    g_dir_close(d);
}

static gint
cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
    const char *env = g_getenv("TL_CORPORA");
    const char *root = env ? env : "../shared/corpora";
    guint32 seed = (guint32)g_ascii_strtoull(g_getenv("FUZZ_SEED") ? g_getenv("FUZZ_SEED") : "1", NULL, 10);
    unsigned runs = (unsigned)g_ascii_strtoull(g_getenv("FUZZ_RUNS") ? g_getenv("FUZZ_RUNS") : "40", NULL, 10);
    if (!g_file_test(root, G_FILE_TEST_IS_DIR)) {
        printf("fuzz-outlook: %s is absent; nothing to fuzz\n", root);
        return 0;
    }
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    static const char *const dirs[] = { "pst", "tika", "iped", "mimekit/tnef", "aleph" };
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        char *d = g_build_filename(root, dirs[i], NULL);
        find(d, files);
        g_free(d);
    }
    g_ptr_array_sort(files, cmp);
    GRand *r = g_rand_new_with_seed(seed);
    tl_ol_opts opts = { .max_item = 64u << 20 };
    unsigned long mutants = 0;
    for (guint f = 0; f < files->len; f++) {
        gchar *orig = NULL;
        gsize olen = 0;
        if (!g_file_get_contents(files->pdata[f], &orig, &olen, NULL) || olen < 16) {
            g_free(orig);
            continue;
        }
        int kind = memcmp(orig, "!BDN", 4) == 0 ? 0 : tl_outlook_is_tnef((const uint8_t *)orig, olen) ? 2
                 : memcmp(orig, "\xD0\xCF\x11\xE0", 4) == 0                                            ? 1
                                                                                                       : -1;
        if (kind < 0) {
            g_free(orig);
            continue;
        }
        for (unsigned i = 0; i < runs; i++) {
            uint8_t *d = g_memdup2(orig, olen);
            size_t len = olen;
            tl_ol_info info;
            char *why = NULL;
            mutate(r, d, &len);
            /* An exact-size copy, so that a read past the mutant's end is
             * an ASan report, not a read of the original's tail. */
            uint8_t *exact = g_memdup2(d, len);
            g_free(d);
            d = exact;
            if (kind == 0)
                tl_outlook_pst_mem(d, len, &opts, count, NULL, &info, &why);
            else if (kind == 1)
                tl_outlook_msg_mem(d, len, &opts, count, NULL, &info, &why);
            else
                tl_outlook_tnef_mem(d, len, &opts, count, NULL, &info, &why);
            g_free(why);
            g_free(d);
            mutants++;
        }
        g_free(orig);
    }
    printf("fuzz-outlook: %u files, %lu mutants, %lu events, seed %u: no crash\n", files->len, mutants, events,
           seed);
    g_rand_free(r);
    g_ptr_array_free(files, TRUE);
    return 0;
}
