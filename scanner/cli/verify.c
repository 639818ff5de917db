/*
 * verify.c - `typoleak verify --db FILE`: chain of custody.
 */
#include <glib.h>
#include <stdio.h>

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

int
cli_verify(int argc, char **argv)
{
    return cli_db_command(argc, argv, "re-hash the evidence a findings database recorded",
                          "Exit status: 0 when every file is unchanged, 3 when one changed, disappeared or "
                          "cannot be read, 1 when the database cannot be read.",
                          0, verify);
}
