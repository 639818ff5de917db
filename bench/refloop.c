/*
 * refloop.c - the bare GMime reference loop for the typoleak benchmark.
 *
 * Measures the floor cost of "parse every message of an mbox with GMime":
 * mmap the file, split it at "From " lines that sit at offset 0 or right
 * after a blank line, and parse each slice on its own with GMime 3 from
 * memory, touching only the To and Cc address lists.  With -j N the message
 * list is cut into N contiguous ranges, one GThread each; the ranges are
 * balanced by bytes and each thread finds its own boundaries (memmem), so
 * there is no serial splitting pass.  mboxrd ">From " quoting is not undone
 * (headers are never affected by it).
 *
 * By default the slice is wrapped zero-copy (a GByteArray borrowing the
 * mapped bytes, never freed by GMime); -c copies each slice instead via
 * g_mime_stream_mem_new_with_buffer.  Consumed parts of the mapping are
 * released with MADV_DONTNEED every few MiB so that peak RSS measures the
 * parser, not the page cache (file-backed mapped pages count towards RSS).
 *
 * With -s it also computes the digests typoleak must compute for its
 * chain of custody: the SHA-256 of every message (in the worker) and of the
 * whole file (one more thread), with libcrypto as typoleak does.  That is the
 * fairer yardstick for a forensic scan; the bare loop stays the floor.
 *
 * With -d (built with -DREFLOOP_HS and linked with the project's patterns
 * in one database, build/hsdb-one.o, and -lhs) it is the yardstick of
 * `--classify all`: every leaf part of every message is transfer-decoded;
 * text parts are converted to UTF-8 from their declared charset and go
 * through one Hyperscan pass (block mode) of the project's own patterns,
 * each match counted and nothing more.  -d implies -s.
 *
 * Usage: refloop [-j N] [-c] [-s] [-d] [-v] FILE.mbox
 * Output: "refloop: messages=M bytes=B seconds=S" on stdout; -v adds the
 * To+Cc address count and parse failures on stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, madvise */
#endif
#include <gmime/gmime.h>
#include <openssl/evp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef REFLOOP_HS
#include <hs/hs.h>
extern const unsigned char tl_hsdb[]; /* build/hsdb-one.o: the project's patterns, serialised */
extern const size_t tl_hsdb_len;
/* the databases of the blob (tools/hsdb.c: their number and each one's
 * length in 8 bytes little-endian, then the databases), every part
 * scanned with each: `make bench` links the blob of `hsdb-gen --one`,
 * every pattern in one database, so one pass; linked with build/hsdb.o
 * (the detectors' passes) it scans the passes one after the other */
enum { MAX_HSDB = 8 };
static hs_database_t *hsdb[MAX_HSDB];
static unsigned n_hsdb;
#endif

#define DROP_CHUNK ((gsize)8 << 20)

typedef struct {
    char *base;        /* the read-only mapping of the whole file */
    gsize size;        /* its length */
    gsize lo, hi;      /* this worker's byte range; both are separator offsets */
    gboolean copy;     /* copy slices instead of borrowing them */
    gboolean sha;      /* SHA-256 of every slice */
    guint64 messages;  /* out: messages parsed */
    guint64 addresses; /* out: To + Cc mailboxes seen */
    guint64 failures;  /* out: slices GMime could not parse */
    gboolean decode;   /* -d: decode every part, UTF-8, one Hyperscan pass */
    void *scratch;     /* -d: this worker's Hyperscan scratch */
    GByteArray *text;  /* -d: the decoded part, reused */
    guint64 decoded;   /* out: decoded bytes of text parts */
    guint64 matches;   /* out: pattern matches */
} job_t;

static gsize page_size;

/*
 * Releases mapped pages below `upto` (rounded down to a page) that lie above
 * *dropped, then advances *dropped.  Safe even if another thread still reads
 * a shared boundary page: a dropped clean page simply faults back in.
 */
static void drop_behind(char *base, gsize *dropped, gsize upto)
{
    gsize end = upto / page_size * page_size;
    if (end > *dropped && end - *dropped >= DROP_CHUNK) {
        madvise(base + *dropped, end - *dropped, MADV_DONTNEED);
        *dropped = end;
    }
}

/*
 * Returns the offset of the first message separator ("From " at offset 0 or
 * right after a blank line) at or after `off`, or `size` if there is none.
 */
static gsize next_separator(const char *base, gsize size, gsize off)
{
    if (off == 0)
        return 0;
    if (off < 2 || off >= size)
        return off >= size ? size : next_separator(base, size, 2);
    const char *hit = memmem(base + off - 2, size - off + 2, "\n\nFrom ", 7);
    return hit ? (gsize)(hit - base) + 2 : size;
}

/* Counts mailboxes in an address list, descending into groups. */
static guint64 count_mailboxes(InternetAddressList *list)
{
    guint64 n = 0;
    int len = list ? internet_address_list_length(list) : 0;
    for (int i = 0; i < len; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia))
            n += count_mailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)));
        else
            n++;
    }
    return n;
}

#ifdef REFLOOP_HS
static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)id, (void)from, (void)to, (void)flags;
    ((job_t *)ctx)->matches++;
    return 0;
}

/* -d: the databases of tl_hsdb into hsdb; 0 when they are not what
 * tools/hsdb.c writes. */
static guint64 le64(const unsigned char *b)
{
    guint64 v;
    memcpy(&v, b, 8);
    return GUINT64_FROM_LE(v);
}

static int load_hsdb(void)
{
    if (tl_hsdb_len < 8)
        return 0;
    guint64 n = le64(tl_hsdb), at = 8 * (n + 1);
    if (n == 0 || n > MAX_HSDB || at > tl_hsdb_len)
        return 0;
    for (n_hsdb = 0; n_hsdb < n; n_hsdb++) {
        guint64 len = le64(tl_hsdb + 8 * (n_hsdb + 1));
        if (len > tl_hsdb_len - at ||
            hs_deserialize_database((const char *)tl_hsdb + at, len, &hsdb[n_hsdb]) != HS_SUCCESS)
            return 0;
        at += len;
    }
    return 1;
}

/* -d: one leaf part decoded (text parts to UTF-8) and scanned. */
static void decode_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
    (void)parent;
    job_t *job = data;
    if (GMIME_IS_MESSAGE_PART(part)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
        if (inner)
            g_mime_message_foreach(inner, decode_part, job);
        return;
    }
    if (!GMIME_IS_PART(part))
        return;
    GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
    if (!content)
        return;
    GMimeContentType *ct = g_mime_object_get_content_type(part);
    gboolean text = ct && g_mime_content_type_is_type(ct, "text", "*");
    g_byte_array_set_size(job->text, 0);
    GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(job->text);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    GMimeStream *out = g_mime_stream_filter_new(mem);
    const char *cs = text ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    if (cs && g_ascii_strcasecmp(cs, "utf-8") && g_ascii_strcasecmp(cs, "us-ascii")) {
        GMimeFilter *f = g_mime_filter_charset_new(cs, "UTF-8");
        if (f) {
            g_mime_stream_filter_add(GMIME_STREAM_FILTER(out), f);
            g_object_unref(f);
        }
    }
    g_mime_data_wrapper_write_to_stream(content, out);
    g_mime_stream_flush(out);
    g_object_unref(out);
    g_object_unref(mem);
    if (text) {
        job->decoded += job->text->len;
        if (job->text->len)
            for (unsigned i = 0; i < n_hsdb; i++)
                hs_scan(hsdb[i], (const char *)job->text->data, job->text->len, 0, job->scratch, on_match, job);
    }
}
#endif

/*
 * Parses one message slice with GMime and counts its To and Cc mailboxes
 * into job; a slice GMime rejects counts as a failure.
 */
static void parse_one(job_t *job, gsize start, gsize len)
{
    GByteArray *borrowed = NULL;
    GMimeStream *stream;
    if (job->sha) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n = 0;
        EVP_Digest(job->base + start, len, md, &n, EVP_sha256(), NULL);
    }
    if (job->copy) {
        stream = g_mime_stream_mem_new_with_buffer(job->base + start, len);
    } else {
        borrowed = g_byte_array_new_take((guint8 *)job->base + start, len);
        stream = g_mime_stream_mem_new_with_byte_array(borrowed);
        g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
    }
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    if (msg) {
        job->addresses += count_mailboxes(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO));
        job->addresses += count_mailboxes(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC));
#ifdef REFLOOP_HS
        if (job->decode)
            g_mime_message_foreach(msg, decode_part, job);
#endif
        g_object_unref(msg);
    } else {
        job->failures++;
    }
    g_object_unref(parser);
    g_object_unref(stream);
    if (borrowed)
        g_byte_array_free(borrowed, FALSE); /* hands the mapped bytes back; not freed */
}

/*
 * Thread body: finds the messages that start in [job->lo, job->hi) (both
 * already separator offsets) and parses each.  A message's slice is the
 * bytes after its "From " line up to, not including, the blank line that
 * precedes the next separator (or a trailing blank line at end of file).
 */
static gpointer worker(gpointer data)
{
    job_t *job = data;
    gsize pos = job->lo, dropped = job->lo / page_size * page_size;
    while (pos < job->hi) {
        const char *nl = memchr(job->base + pos, '\n', job->size - pos);
        gsize body = nl ? (gsize)(nl - job->base) + 1 : job->size;
        gsize next = next_separator(job->base, job->size, body);
        gsize end = next;
        if (next < job->size)
            end = next - 1; /* drop the separator blank line, keep the final LF */
        else if (end - body >= 2 && job->base[end - 1] == '\n' && job->base[end - 2] == '\n')
            end--;
        parse_one(job, body, end - body);
        job->messages++;
        pos = next;
        drop_behind(job->base, &dropped, pos);
    }
    return NULL;
}

/* Thread body for -s: the SHA-256 of the whole file, as one pass. */
static gpointer file_digest(gpointer data)
{
    job_t *all = data;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(all->base, all->size, md, &n, EVP_sha256(), NULL);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: refloop [-j N] [-c] [-s] [-d] [-v] FILE.mbox\n");
    exit(2);
}

int main(int argc, char **argv)
{
    long jobs = 1;
    gboolean copy = FALSE, verbose = FALSE, sha = FALSE, decode = FALSE;
    int opt;
    while ((opt = getopt(argc, argv, "j:csdv")) != -1) {
        char *end = NULL;
        switch (opt) {
        case 'j':
            errno = 0;
            jobs = strtol(optarg, &end, 10);
            if (errno || !end || *end || jobs < 1 || jobs > 256)
                usage();
            break;
        case 'c': copy = TRUE; break;
        case 's': sha = TRUE; break;
        case 'd': decode = sha = TRUE; break;
        case 'v': verbose = TRUE; break;
        default: usage();
        }
    }
    if (optind + 1 != argc)
        usage();
    page_size = (gsize)sysconf(_SC_PAGESIZE);
    g_mime_init();
#ifdef REFLOOP_HS
    if (decode && !load_hsdb()) {
        fprintf(stderr, "refloop: cannot load the pattern database\n");
        return 1;
    }
#else
    if (decode) {
        fprintf(stderr, "refloop: -d needs a build with -DREFLOOP_HS and build/hsdb.o\n");
        return 2;
    }
#endif

    gint64 t0 = g_get_monotonic_time();
    int fd = open(argv[optind], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
        fprintf(stderr, "refloop: cannot open %s: %s\n", argv[optind], fd < 0 ? strerror(errno) : "empty");
        return 1;
    }
    gsize size = (gsize)st.st_size;
    char *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        perror("refloop: mmap");
        return 1;
    }
    if (size < 5 || memcmp(base, "From ", 5) != 0) {
        fprintf(stderr, "refloop: %s does not start with a \"From \" line\n", argv[optind]);
        return 1;
    }
    madvise(base, size, MADV_SEQUENTIAL);

    /* Cut the file into `jobs` byte ranges, each moved forward to the next
     * separator; every worker finds its own message boundaries in parallel. */
    job_t *job = g_new0(job_t, jobs);
    GThread **threads = g_new0(GThread *, jobs);
    for (long j = 0; j < jobs; j++) {
        job[j].base = base;
        job[j].size = size;
        job[j].copy = copy;
        job[j].sha = sha;
        job[j].decode = decode;
        job[j].text = g_byte_array_new();
#ifdef REFLOOP_HS
        int no_scratch = 0;
        for (unsigned i = 0; decode && i < n_hsdb; i++)
            no_scratch |= hs_alloc_scratch(hsdb[i], (hs_scratch_t **)&job[j].scratch) != HS_SUCCESS;
        if (no_scratch) {
            fprintf(stderr, "refloop: cannot allocate Hyperscan scratch\n");
            return 1;
        }
#endif
        job[j].lo = next_separator(base, size, size / (gsize)jobs * (gsize)j);
        if (j)
            job[j - 1].hi = job[j].lo;
    }
    job[jobs - 1].hi = size;
    job_t whole = { .base = base, .size = size };
    GThread *digest = sha ? g_thread_new("refloop-sha", file_digest, &whole) : NULL;
    for (long j = 0; j < jobs; j++)
        threads[j] = jobs == 1 ? NULL : g_thread_new("refloop", worker, &job[j]);
    if (jobs == 1)
        worker(&job[0]);
    guint64 n = 0, addresses = 0, failures = 0, decoded = 0, matches = 0;
    for (long j = 0; j < jobs; j++) {
        if (threads[j])
            g_thread_join(threads[j]);
        n += job[j].messages;
        addresses += job[j].addresses;
        failures += job[j].failures;
        decoded += job[j].decoded;
        matches += job[j].matches;
        g_byte_array_free(job[j].text, TRUE);
#ifdef REFLOOP_HS
        if (job[j].scratch)
            hs_free_scratch(job[j].scratch);
#endif
    }
    if (digest)
        g_thread_join(digest);
    munmap(base, size);
    close(fd);
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;

    printf("refloop: messages=%" G_GUINT64_FORMAT " bytes=%zu seconds=%.3f\n", n, size, secs);
    if (verbose || failures)
        fprintf(stderr, "refloop: to_cc_addresses=%" G_GUINT64_FORMAT " parse_failures=%" G_GUINT64_FORMAT
                " threads=%ld mode=%s%s%s\n", addresses, failures, jobs, copy ? "copy" : "borrow",
                sha ? " +sha256" : "", decode ? " +decode+hyperscan" : "");
    if (verbose && decode)
        fprintf(stderr, "refloop: decoded_text_bytes=%" G_GUINT64_FORMAT " matches=%" G_GUINT64_FORMAT "\n",
                decoded, matches);
    g_free(threads);
    g_free(job);
#ifdef REFLOOP_HS
    for (unsigned i = 0; i < n_hsdb; i++)
        hs_free_database(hsdb[i]);
#endif
    g_mime_shutdown();
    return failures ? 1 : 0;
}
