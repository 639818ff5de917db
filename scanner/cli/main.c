/*
 * main.c - the typoleak command: a table of subcommands.
 */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/cli/cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    { "scan", cli_scan, "scan mail archives into a findings database" },
    { "report", cli_report, "print the summary of a findings database" },
    { "merge", cli_merge, "combine databases of scans of parts of the evidence, without counting twice" },
    { "plan", cli_plan, "cut the evidence into shards for scans on several machines (GNU parallel, Slurm)" },
    { "show", cli_show, "one message: headers, recipients and verdicts, findings, attachments, where its bytes are" },
    { "extract", cli_extract, "a message's raw bytes, or one attachment's, re-read from the evidence and checked against its digest" },
    { "export", cli_export, "messages, typo hits and findings as JSON Lines or CSV" },
    { "audit", cli_audit, "prove from the database that nothing was lost: every source, message and mbox byte" },
    { "verify", cli_verify, "re-hash the evidence a database recorded; say what changed" },
    { "check", cli_check, "the typo verdict for addresses (or stdin), without a scan" },
    { "variants", cli_variants, "what the engine flags for a domain; --format postfix for a block map" },
};

void
cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("typoleak: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

gboolean
cli_parse(GOptionContext *ctx, int *argc, char ***argv, GError **err)
{
    for (int i = 1; i < *argc; i++) {
        const char *a = (*argv)[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "-?") == 0 ||
            strcmp(a, "--help-all") == 0) {
            char *help = g_option_context_get_help(ctx, strcmp(a, "--help-all") != 0, NULL);
            GString *h = g_string_new(help);
            g_free(help);
            g_string_replace(h, "Usage:\n  ", "Usage: ", 1);
            g_string_replace(h, "[OPTION\u2026]", "[OPTION...]", 0);
            g_string_replace(h, "[OPTION?]", "[OPTION...]", 0);
            fputs(h->str, stdout);
            g_string_free(h, TRUE);
            exit(EXIT_OK);
        }
    }
    return g_option_context_parse(ctx, argc, argv, err);
}

static void
usage(FILE *f)
{
    fprintf(f, "Usage: typoleak COMMAND [OPTION...] ...\n\ncommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'typoleak COMMAND --help' lists a command's options. typoleak %s\n", TL_VERSION);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("typoleak %s\n", TL_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            char *name = g_strdup_printf("typoleak %s", commands[i].name);
            g_set_prgname(name);        /* the usage line of --help names the tool */
            int rc = commands[i].run(argc - 1, argv + 1);
            g_free(name);
            return rc;
        }
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
