/*
 * verify.c - `typoleak verify --db FILE`: chain of custody.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "scanner/cli/cli.h"

static int
verify(const char *db, char **args)
{
    (void)args;
    char *msg = NULL;
    tl_verify_counts c;
    tl_status_t st = tl_verify(db, stdout, &c, &msg);
    if (st != TL_OK)
        return cli_status(TL_ERR_DB, msg);
    return c.changed || c.missing || c.unreadable ? EXIT_CHANGED : EXIT_OK;
}

static int
manifest(const char *db, char **args)
{
    (void)args;
    char *msg = NULL;
    return cli_status(tl_report_manifest(db, stdout, &msg), msg);
}

int
cli_verify(int argc, char **argv)
{
    /* --manifest: print the custody manifest (JSON) instead of re-hashing */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--manifest") == 0) {
            for (int k = i; k < argc - 1; k++)
                argv[k] = argv[k + 1];
            return cli_db_command(argc - 1, argv, "print the custody manifest of a findings database (JSON)", NULL, 0,
                                  manifest);
        }
    return cli_db_command(argc, argv, "re-hash the evidence a findings database recorded",
                          "Exit status: 0 when every file is unchanged, 3 when one changed, disappeared or "
                          "cannot be read, 1 when the database cannot be read. --manifest prints the custody "
                          "manifest (the evidence, the tool's build, the digests of its rules and lists, the "
                          "runs) as JSON instead.",
                          0, verify);
}
