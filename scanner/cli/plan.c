/*
 * plan.c - `typoleak plan PATH... --shards N -o DIR`: the evidence cut into
 * shards for scans on several machines (docs/scale-out.md).
 */
#include <glib.h>
#include <stdio.h>
#include <unistd.h>

#include "scanner/cli/cli.h"

int
cli_plan(int argc, char **argv)
{
    int shards = 0;
    char *out = NULL, *key = NULL, *ssh = NULL, *scan_args = NULL, *bin = NULL;
    gint64 max_message = 0;
    GOptionEntry entries[] = {
        { "shards", 'n', 0, G_OPTION_ARG_INT, &shards, "how many shards", "N" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "folder for the shard files and scripts (created)", "DIR" },
        { "case-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "case key every shard uses (default DIR/case.key, created)",
          "FILE" },
        { "sshlogin", 0, 0, G_OPTION_ARG_STRING, &ssh, "GNU parallel --sshlogin hosts (default: this machine's cores)",
          "HOSTS" },
        { "scan-args", 0, 0, G_OPTION_ARG_STRING, &scan_args, "more options for every shard's scan", "'OPTIONS'" },
        { "typoleak", 0, 0, G_OPTION_ARG_FILENAME, &bin, "the typoleak the jobs run (default: this one)", "PATH" },
        { "max-message", 0, 0, G_OPTION_ARG_INT64, &max_message, "as the scans will use it (default 256 MiB)",
          "BYTES" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GOptionContext *ctx = g_option_context_new("PATH... - cut the evidence into shards for several scans");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx, "Writes DIR/shard-NNN.json, DIR/jobs.txt (one scan per line),\n"
                                           "DIR/run-parallel.sh (GNU parallel, then merge) and DIR/slurm.sh.\n"
                                           "Scan a shard with `typoleak scan --shard FILE --db FILE`.");
    GError *err = NULL;
    int rc = EXIT_USAGE;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        cli_error("%s", err->message);
        g_error_free(err);
    } else if (argc < 2 || shards < 1 || !out || max_message < 0) {
        cli_error("usage: typoleak plan PATH... --shards N -o DIR (see --help)");
    } else {
        char *self = bin ? g_strdup(bin) : g_file_read_link("/proc/self/exe", NULL);
        tl_plan_options o = { .shards = shards, .out_dir = out, .case_key_path = key, .sshlogin = ssh,
                              .typoleak = self, .scan_args = scan_args, .max_message = (uint64_t)max_message };
        char *msg = NULL;
        tl_status_t st = tl_plan(&o, (const char *const *)argv + 1, argc - 1, stdout, &msg);
        rc = cli_status(st, msg);
        g_free(self);
    }
    g_free(out), g_free(key), g_free(ssh), g_free(scan_args), g_free(bin);
    g_option_context_free(ctx);
    return rc;
}
