/*
 * plan.c - `typoleak plan`: evidence cut into shards that separate scans
 * (machines, batch jobs) read, and that `typoleak merge` joins into the
 * database one scan of the whole would have made (docs/scale-out.md).
 *
 * The plan walks the evidence as a scan does (the walker in list mode: the
 * same paths, in the same order, nothing parsed) and cuts the sequence of
 * files, by their sizes, into N contiguous shards of about equal bytes.  A
 * cut that falls inside a large mbox is moved to the nearest message
 * boundary, found by the project's own splitter, so that each shard reads a
 * byte range of that mbox and the messages are those of a scan of the whole
 * file (same offsets and indexes); any other file goes whole to the shard
 * where the cut leaves most of it.  Because the shards are contiguous in the
 * scan's order, merging them in order gives every message, source and
 * finding the row a single scan gives it.
 *
 * A shard file (JSON) lists the top-level paths and the leaves the shard
 * owns; `typoleak scan --shard FILE` walks the same paths and reads only
 * those.  The plan also writes a GNU parallel job file, a script that runs
 * it and merges, and a Slurm job-array script.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parsers/parsers.h"

#define PLAN_FORMAT "typoleak-plan"
#define PLAN_VERSION 1
/* Files smaller than this are never cut. */
#define SPLIT_MIN (1u << 20)

typedef struct {
    char *path;
    int regular;
    uint64_t size;
    uint64_t pos;           /* bytes of the files before it */
} leaf;

/* A shard boundary: before byte `off` of leaf `e` (off 0: before the leaf). */
typedef struct {
    guint e;
    uint64_t off;
    uint64_t index;         /* the index of the message that starts there (a cut inside an mbox) */
} cut;

static void
leaf_free(gpointer p)
{
    leaf *l = p;
    g_free(l->path);
    g_free(l);
}

static void
on_leaf(void *data, const char *path, int regular, int64_t size)
{
    GPtrArray *leaves = data;
    leaf *l = g_new0(leaf, 1);
    l->path = g_strdup(path);
    l->regular = regular;
    l->size = size > 0 ? (uint64_t)size : 0;
    g_ptr_array_add(leaves, l);
}

static int
drop_job(tl_job *j, void *data)
{
    (void)data;
    tl_job_free(j);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Cutting an mbox at message boundaries                               */
/* ------------------------------------------------------------------ */

typedef struct {
    uint64_t *want;         /* file offsets to cut at, ascending */
    cut *got;               /* the first message at or after each */
    guint n, next;
} bound_ctx;

static int
on_boundary(const tl_mbox_msg *m, void *data)
{
    bound_ctx *c = data;
    if (m->preamble)
        return 0;
    while (c->next < c->n && m->marker_offset >= c->want[c->next]) {
        c->got[c->next].off = m->marker_offset;
        c->got[c->next].index = m->index;
        c->next++;
    }
    return 0;
}

/* Reads an mbox once: its SHA-256, and for each wanted offset the start of
 * the first message at or after it (off 0 when there is none).  0, or an
 * errno. */
static int
mbox_boundaries(const char *path, uint64_t max_message, uint64_t *want, cut *got, guint n, char sha[65])
{
    int fd = tl_open_evidence(path, 0);
    if (fd < 0)
        return errno;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    bound_ctx c = { want, got, n, 0 };
    for (guint i = 0; i < n; i++)
        got[i].off = 0;
    /* The scan's splitter starts after a BOM; so does this one. */
    uint8_t head[3];
    ssize_t h = pread(fd, head, 3, 0);
    uint64_t skip = h == 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    tl_sha256 *hash = tl_sha256_new(1);
    if (skip)
        tl_sha256_update(hash, head, 3);
    lseek(fd, (off_t)skip, SEEK_SET);
    tl_mbox *mb = tl_mbox_new(skip, max_message, on_boundary, &c);
    int err = 0;
    for (;;) {
        uint8_t *dst = tl_mbox_reserve(mb, 1u << 20);
        ssize_t r = read(fd, dst, 1u << 20);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            err = errno;
        if (r <= 0)
            break;
        tl_sha256_update_chunk(hash, dst, (size_t)r, tl_mbox_chunk(mb));
        tl_mbox_commit(mb, (size_t)r);
    }
    tl_mbox_finish(mb);
    tl_mbox_free(mb);
    tl_sha256_finish(hash, sha);
    close(fd);
    return err;
}

/* Whether a file reads as an mbox (the scan's sniffing). */
static int
is_mbox(const char *path)
{
    int fd = tl_open_evidence(path, 0);
    if (fd < 0)
        return 0;
    uint8_t buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    size_t skip;
    return n > 0 && tl_sniff(buf, (size_t)n, &skip) == TL_KIND_MBOX;
}

/* ------------------------------------------------------------------ */
/* Cuts                                                                */
/* ------------------------------------------------------------------ */

typedef struct {
    char sha[65];           /* of a leaf that was cut inside */
} leaf_digest;

/* The N-1 cuts at about k/N of the bytes; those inside a large mbox at a
 * message boundary, the others at the nearer end of their file. */
static cut *
plan_cuts(GPtrArray *leaves, int shards, uint64_t max_message, GHashTable *digests, char **errmsg)
{
    uint64_t total = 0;
    for (guint i = 0; i < leaves->len; i++) {
        leaf *l = leaves->pdata[i];
        l->pos = total;
        total += l->size;
    }
    cut *cuts = g_new0(cut, shards + 1);
    cuts[shards].e = leaves->len;
    guint li = 0;
    for (int k = 1; k < shards; k++) {
        uint64_t at = total * (uint64_t)k / (uint64_t)shards;
        /* The file holding byte `at`; empty leaves before it stay behind. */
        while (li < leaves->len && !(((leaf *)leaves->pdata[li])->size > 0 &&
                                     ((leaf *)leaves->pdata[li])->pos + ((leaf *)leaves->pdata[li])->size > at))
            li++;
        cuts[k].e = li;
        cuts[k].off = 0;
        if (li >= leaves->len)
            continue;
        leaf *l = leaves->pdata[li];
        uint64_t inside = at - l->pos;
        if (inside == 0)
            continue;
        if (!(l->regular && l->size >= SPLIT_MIN && is_mbox(l->path))) {
            if (inside * 2 >= l->size)
                cuts[k].e = li + 1;     /* most of it is before the cut: it stays in this shard */
            continue;
        }
        /* An mbox: every cut inside it, found in one pass. */
        GArray *want = g_array_new(FALSE, FALSE, sizeof(uint64_t));
        int last = k;
        for (int k2 = k; k2 < shards; k2++) {
            uint64_t a2 = total * (uint64_t)k2 / (uint64_t)shards;
            if (a2 >= l->pos + l->size)
                break;
            uint64_t in2 = a2 - l->pos;
            g_array_append_val(want, in2);
            last = k2;
        }
        cut *got = g_new0(cut, want->len);
        leaf_digest *dg = g_new0(leaf_digest, 1);
        int e = mbox_boundaries(l->path, max_message, (uint64_t *)(void *)want->data, got, want->len, dg->sha);
        if (e) {
            *errmsg = g_strdup_printf("cannot read %s to cut it: %s", l->path, g_strerror(e));
            g_free(got);
            g_free(dg);
            g_array_free(want, TRUE);
            g_free(cuts);
            return NULL;
        }
        g_hash_table_insert(digests, l->path, dg);
        for (guint j = 0; j < want->len; j++) {
            cut *c = &cuts[k + (int)j];
            c->e = got[j].off ? li : li + 1;    /* no message starts after it: at the file's end */
            c->off = got[j].off;
            c->index = got[j].index;
        }
        k = last;
        g_free(got);
        g_array_free(want, TRUE);
    }
    /* Cuts never go back (a later cut inside an earlier file's end). */
    for (int k = 1; k <= shards; k++)
        if (cuts[k].e < cuts[k - 1].e || (cuts[k].e == cuts[k - 1].e && cuts[k].off < cuts[k - 1].off))
            cuts[k] = cuts[k - 1];
    return cuts;
}

/* ------------------------------------------------------------------ */
/* Writing the plan                                                    */
/* ------------------------------------------------------------------ */

static void
add_str(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, v);
}

static void
add_int(JsonBuilder *b, const char *name, gint64 v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, v);
}

/* The leaves of shard k, as a JSON array; its bytes into *bytes. */
static void
shard_items(JsonBuilder *b, GPtrArray *leaves, const cut *from, const cut *to, GHashTable *digests,
            uint64_t *bytes, uint64_t *items)
{
    *bytes = 0;
    *items = 0;
    json_builder_begin_array(b);
    for (guint i = from->e; i < leaves->len && i <= to->e; i++) {
        leaf *l = leaves->pdata[i];
        if (i == to->e && to->off == 0)
            break;
        uint64_t s = i == from->e ? from->off : 0;
        uint64_t e = i == to->e ? to->off : l->size;
        json_builder_begin_object(b);
        add_str(b, "path", l->path);
        if (s > 0 || e < l->size) {
            const leaf_digest *dg = g_hash_table_lookup(digests, l->path);
            add_int(b, "start", (gint64)s);
            add_int(b, "end", (gint64)e);
            add_int(b, "first_index", i == from->e && s > 0 ? (gint64)from->index : 0);
            add_int(b, "file_size", (gint64)l->size);
            add_str(b, "file_sha256", dg ? dg->sha : "");
        }
        json_builder_end_object(b);
        *bytes += e - s;
        (*items)++;
    }
    json_builder_end_array(b);
}

static int
write_json(JsonBuilder *b, const char *path, char **errmsg)
{
    JsonGenerator *g = json_generator_new();
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(g, root);
    json_generator_set_pretty(g, TRUE);
    GError *err = NULL;
    char *tmp = g_strconcat(path, ".tmp", NULL);
    int ok = json_generator_to_file(g, tmp, &err) && rename(tmp, path) == 0;
    if (!ok) {
        *errmsg = g_strdup_printf("cannot write %s: %s", path, err ? err->message : g_strerror(errno));
        if (err)
            g_error_free(err);
        unlink(tmp);
    }
    g_free(tmp);
    json_node_unref(root);
    g_object_unref(g);
    return ok ? 0 : -1;
}

static int
write_text(const char *path, const char *text, int mode, char **errmsg)
{
    GError *err = NULL;
    if (!g_file_set_contents(path, text, -1, &err)) {
        *errmsg = g_strdup_printf("cannot write %s: %s", path, err->message);
        g_error_free(err);
        return -1;
    }
    chmod(path, (mode_t)mode);
    return 0;
}

/* A word for a POSIX shell: single-quoted. */
static char *
sq(const char *s)
{
    return g_shell_quote(s);
}

/* jobs.txt, run-parallel.sh and slurm.sh beside the shard files. */
static int
write_scripts(const tl_plan_options *o, const char *dir, const char *cwd, const char *key, int shards,
              char **errmsg)
{
    char *bin = sq(o->typoleak ? o->typoleak : "typoleak"), *qcwd = sq(cwd), *qkey = sq(key);
    GString *jobs = g_string_new(NULL);
    for (int k = 1; k <= shards; k++) {
        char *shard = g_strdup_printf("%s/shard-%03d.json", dir, k);
        char *db = g_strdup_printf("%s/shard-%03d.db", dir, k);
        char *qs = sq(shard), *qd = sq(db);
        g_string_append_printf(jobs, "cd %s && %s scan --shard %s --db %s --case-key %s -q%s%s\n", qcwd, bin, qs, qd,
                               qkey, o->scan_args ? " " : "", o->scan_args ? o->scan_args : "");
        g_free(shard), g_free(db), g_free(qs), g_free(qd);
    }
    char *p = g_build_filename(dir, "jobs.txt", NULL);
    int rc = write_text(p, jobs->str, 0644, errmsg);
    g_free(p);
    char *qdir = sq(dir);
    char *login = o->sshlogin ? g_strdup_printf(" --sshlogin %s", o->sshlogin) : g_strdup("");
    char *par = g_strdup_printf(
        "#!/bin/sh\n"
        "# Runs the %d shard scans with GNU parallel (local cores%s), then merges\n"
        "# them in shard order into case.db.  JOBS=N sets how many run at once.\n"
        "# With --sshlogin, every host must see the evidence and %s at the\n"
        "# same paths (shared storage) and have typoleak installed.\n"
        "set -eu\n"
        "dir=%s\n"
        "parallel --halt now,fail=1 --jobs \"${JOBS:-100%%}\"%s < \"$dir/jobs.txt\"\n"
        "%s merge \"$dir/case.db\" \"$dir\"/shard-*.db\n",
        shards, o->sshlogin ? " and the --sshlogin hosts" : "", dir, qdir, login, bin);
    p = g_build_filename(dir, "run-parallel.sh", NULL);
    if (!rc)
        rc = write_text(p, par, 0755, errmsg);
    g_free(p);
    char *slurm = g_strdup_printf(
        "#!/bin/sh\n"
        "# Slurm: `sh slurm.sh` submits the %d shard scans as a job array and the\n"
        "# merge as a job that waits for all of them (afterok).  Every node must\n"
        "# see the evidence and %s at the same paths.\n"
        "set -eu\n"
        "dir=%s\n"
        "if [ \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n"
        "    eval \"$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" \"$dir/jobs.txt\")\"\n"
        "    exit\n"
        "fi\n"
        "id=$(sbatch --parsable --array=1-%d --job-name=typoleak-scan \"$0\")\n"
        "sbatch --dependency=afterok:\"$id\" --job-name=typoleak-merge \\\n"
        "    --wrap=\"%s merge $dir/case.db $dir/shard-*.db\"\n",
        shards, dir, qdir, shards, o->typoleak ? o->typoleak : "typoleak");
    p = g_build_filename(dir, "slurm.sh", NULL);
    if (!rc)
        rc = write_text(p, slurm, 0755, errmsg);
    g_free(p);
    g_free(slurm);
    g_free(par);
    g_free(login);
    g_free(qdir);
    g_string_free(jobs, TRUE);
    g_free(bin), g_free(qcwd), g_free(qkey);
    return rc;
}

tl_status_t
tl_plan(const tl_plan_options *o, const char *const *paths, int npaths, FILE *out, char **errmsg)
{
    if (o->shards < 1 || npaths < 1 || !o->out_dir) {
        *errmsg = g_strdup("a plan needs paths, --shards N (1 or more) and -o DIR");
        return TL_ERR_USAGE;
    }
    if (g_mkdir_with_parents(o->out_dir, 0755) != 0) {
        *errmsg = g_strdup_printf("cannot make %s: %s", o->out_dir, g_strerror(errno));
        return TL_ERR_OPEN;
    }
    char *dir = g_canonicalize_filename(o->out_dir, NULL);
    char *cwd = g_get_current_dir();
    char *key = o->case_key_path ? g_canonicalize_filename(o->case_key_path, NULL) : g_build_filename(dir, "case.key", NULL);
    tl_status_t st = TL_OK;
    GPtrArray *leaves = g_ptr_array_new_with_free_func(leaf_free);
    GHashTable *digests = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    cut *cuts = NULL;
    JsonBuilder *plan = NULL;

    /* The case key every shard's keyed hashes are under, made now. */
    guint8 *k = NULL;
    gsize klen = 0;
    if ((st = tl_case_key_load(key, &k, &klen, errmsg)) != TL_OK)
        goto out;
    memset(k, 0, klen);
    g_free(k);

    tl_scan_options so;
    tl_scan_options_init(&so);
    if (o->max_message)
        so.max_message = o->max_message;
    tl_walker w = { .opt = &so, .emit = drop_job, .list = on_leaf, .list_data = leaves };
    for (int i = 0; i < npaths; i++)
        tl_walk_path(&w, paths[i]);
    if (!(cuts = plan_cuts(leaves, o->shards, so.max_message, digests, errmsg))) {
        st = TL_ERR_READ;
        goto out;
    }
    char *id = g_uuid_string_random();
    plan = json_builder_new();
    json_builder_begin_object(plan);
    add_str(plan, "format", PLAN_FORMAT);
    add_int(plan, "version", PLAN_VERSION);
    add_str(plan, "plan", id);
    add_int(plan, "shards", o->shards);
    add_str(plan, "cwd", cwd);
    add_str(plan, "case_key", key);
    json_builder_set_member_name(plan, "paths");
    json_builder_begin_array(plan);
    for (int i = 0; i < npaths; i++)
        json_builder_add_string_value(plan, paths[i]);
    json_builder_end_array(plan);
    json_builder_set_member_name(plan, "shard_files");
    json_builder_begin_array(plan);
    for (int s = 1; s <= o->shards && st == TL_OK; s++) {
        JsonBuilder *b = json_builder_new();
        json_builder_begin_object(b);
        add_str(b, "format", PLAN_FORMAT "-shard");
        add_int(b, "version", PLAN_VERSION);
        add_str(b, "plan", id);
        add_int(b, "shard", s);
        add_int(b, "shards", o->shards);
        add_str(b, "cwd", cwd);
        json_builder_set_member_name(b, "paths");
        json_builder_begin_array(b);
        for (int i = 0; i < npaths; i++)
            json_builder_add_string_value(b, paths[i]);
        json_builder_end_array(b);
        json_builder_set_member_name(b, "items");
        uint64_t bytes, items;
        shard_items(b, leaves, &cuts[s - 1], &cuts[s], digests, &bytes, &items);
        add_int(b, "bytes", (gint64)bytes);
        json_builder_end_object(b);
        char *name = g_strdup_printf("shard-%03d.json", s);
        char *p = g_build_filename(dir, name, NULL);
        if (write_json(b, p, errmsg) != 0)
            st = TL_ERR_OPEN;
        json_builder_begin_object(plan);
        add_str(plan, "file", name);
        add_int(plan, "items", (gint64)items);
        add_int(plan, "bytes", (gint64)bytes);
        json_builder_end_object(plan);
        if (out && st == TL_OK)
            fprintf(out, "shard %3d: %8" G_GUINT64_FORMAT " files or ranges, %12" G_GUINT64_FORMAT " bytes -> %s\n", s,
                    items, bytes, p);
        g_free(p);
        g_free(name);
        g_object_unref(b);
    }
    json_builder_end_array(plan);
    json_builder_end_object(plan);
    if (st == TL_OK) {
        char *p = g_build_filename(dir, "plan.json", NULL);
        if (write_json(plan, p, errmsg) != 0 || write_scripts(o, dir, cwd, key, o->shards, errmsg) != 0)
            st = TL_ERR_OPEN;
        g_free(p);
    }
    if (out && st == TL_OK)
        fprintf(out, "plan %s: %u files in %d shards; run %s/run-parallel.sh (GNU parallel) or %s/slurm.sh (Slurm)\n",
                id, leaves->len, o->shards, dir, dir);
    g_free(id);
out:
    if (plan)
        g_object_unref(plan);
    g_free(cuts);
    g_hash_table_destroy(digests);
    g_ptr_array_free(leaves, TRUE);
    g_free(key);
    g_free(cwd);
    g_free(dir);
    return st;
}

/* ------------------------------------------------------------------ */
/* Reading a shard                                                     */
/* ------------------------------------------------------------------ */

static void
item_free(gpointer p)
{
    tl_shard_item *it = p;
    g_free(it->path);
    g_free(it);
}

void
tl_shard_free(tl_shard *s)
{
    if (!s)
        return;
    g_free(s->plan);
    g_strfreev(s->paths);
    if (s->owned)
        g_hash_table_destroy(s->owned);
    g_free(s);
}

static gint64
member_int(JsonObject *o, const char *name)
{
    return json_object_has_member(o, name) ? json_object_get_int_member(o, name) : -1;
}

tl_shard *
tl_shard_load(const char *path, char **errmsg)
{
    JsonParser *p = json_parser_new();
    GError *err = NULL;
    tl_shard *s = NULL;
    if (!json_parser_load_from_file(p, path, &err)) {
        *errmsg = g_strdup_printf("cannot read shard %s: %s", path, err->message);
        g_error_free(err);
        goto out;
    }
    JsonNode *root = json_parser_get_root(p);
    JsonObject *o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    if (!o || g_strcmp0(json_object_get_string_member_with_default(o, "format", ""), PLAN_FORMAT "-shard") != 0 ||
        member_int(o, "version") != PLAN_VERSION || !json_object_has_member(o, "items") ||
        !json_object_has_member(o, "paths")) {
        *errmsg = g_strdup_printf("%s is not a shard file of a typoleak plan (version %d)", path, PLAN_VERSION);
        goto out;
    }
    s = g_new0(tl_shard, 1);
    s->plan = g_strdup(json_object_get_string_member_with_default(o, "plan", ""));
    s->index = (int)member_int(o, "shard");
    s->count = (int)member_int(o, "shards");
    JsonArray *pa = json_object_get_array_member(o, "paths");
    s->paths = g_new0(char *, json_array_get_length(pa) + 1);
    for (guint i = 0; i < json_array_get_length(pa); i++)
        s->paths[i] = g_strdup(json_array_get_string_element(pa, i));
    s->owned = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, item_free);
    JsonArray *items = json_object_get_array_member(o, "items");
    for (guint i = 0; i < json_array_get_length(items); i++) {
        JsonObject *io = json_array_get_object_element(items, i);
        const char *ip = io ? json_object_get_string_member_with_default(io, "path", NULL) : NULL;
        if (!ip) {
            *errmsg = g_strdup_printf("%s: item %u has no path", path, i + 1);
            tl_shard_free(s);
            s = NULL;
            goto out;
        }
        tl_shard_item *it = g_new0(tl_shard_item, 1);
        it->path = g_strdup(ip);
        if (json_object_has_member(io, "start")) {
            it->ranged = 1;
            it->start = (uint64_t)member_int(io, "start");
            it->end = (uint64_t)member_int(io, "end");
            it->first_index = (uint64_t)member_int(io, "first_index");
            it->file_size = (uint64_t)member_int(io, "file_size");
            g_strlcpy(it->file_sha256, json_object_get_string_member_with_default(io, "file_sha256", ""),
                      sizeof it->file_sha256);
        }
        g_hash_table_replace(s->owned, it->path, it);
    }
    if (s->index < 1 || s->count < s->index || !s->plan[0]) {
        *errmsg = g_strdup_printf("%s: shard number, count or plan id missing", path);
        tl_shard_free(s);
        s = NULL;
    }
out:
    g_object_unref(p);
    return s;
}
